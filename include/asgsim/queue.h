/*
 * queue.h - the message queue of a queue-driven group (an SQS queue its scaling watches):
 * messages arrive at the workload's rate, wait in a queue without a limit, and the
 * InService instances work them off at their rate. A fluid model: the visible count is
 * the backlog, integrated between samples.
 */
#ifndef ASGSIM_QUEUE_H
#define ASGSIM_QUEUE_H

#include "asgsim/sim.h"

/** Plain data; zero-initialise. */
struct msg_queue {
    double visible; /* messages waiting (ApproximateNumberOfMessagesVisible) */
    sim_time last;  /* time accounted up to */
};

/**
 * Account for [q->last, now): `arrival_per_s` messages arrive each second and at most
 * `capacity_per_s` are processed, the backlog first; the visible count never goes below 0.
 * Both rates hold over the whole step. \return the messages processed in the step.
 */
double msg_queue_advance(struct msg_queue *q, sim_time now, double arrival_per_s,
                         double capacity_per_s);

#endif /* ASGSIM_QUEUE_H */
