/*
 * queue.h - the message queue of a queue-driven group (an SQS queue its scaling watches):
 * what the autoscaler reads of it. The queue itself is the serving model in queue mode
 * (serve.h): one state for the CloudWatch metrics and the served, dropped and latency
 * figures alike.
 */
#ifndef ASGSIM_QUEUE_H
#define ASGSIM_QUEUE_H

#include "asgsim/sim.h"

/* SQS MessageRetentionPeriod: 60 s to 14 days, 4 days when not set (API_SetQueueAttributes,
   CloudFormation AWS::SQS::Queue). */
#define QUEUE_MIN_RETENTION     SIM_SEC(60)
#define QUEUE_MAX_RETENTION     SIM_SEC(1209600)
#define QUEUE_DEFAULT_RETENTION SIM_SEC(345600)

/** The queue at one instant; plain data. */
struct msg_queue_status {
    double visible;      /* messages waiting: ApproximateNumberOfMessagesVisible */
    double oldest_age_s; /* age of the oldest waiting message, seconds; 0 when none waits
                            (ApproximateAgeOfOldestMessage) */
    double processed;    /* messages processed since the run began (cumulative) */
};

/** Where the autoscaler reads the queue: fills *out for time `now` (the current time). */
typedef void msg_queue_read_fn(void *ctx, sim_time now, struct msg_queue_status *out);

#endif /* ASGSIM_QUEUE_H */
