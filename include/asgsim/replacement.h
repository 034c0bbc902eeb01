/*
 * replacement.h - replacements the group paces in batches: ELB-unhealthy instances
 * (health.h) and MaxInstanceLifetime, with the lifetime's timer (models/replacement.c).
 *
 * MaxInstanceLifetime (asg-max-instance-lifetime.html): an InService instance is terminated
 * and replaced when it has lived that long since launch; one protected from scale-in is
 * not (protection "can delay replacement", and asgsim never lifts protection). AWS: "In
 * general, Amazon EC2 Auto Scaling replaces instances one at a time, with a pause between
 * replacements. However, if the maximum instance lifetime that you specify doesn't provide
 * enough time to replace each instance individually, [it] must replace more than one
 * instance at a time. Several instances might be replaced at once, by up to 10 percent of
 * the current capacity". One replacement takes D: the replacement's boot (and launch
 * hooks) until InService, plus the health check grace period, plus the default instance
 * warmup; the next starts when it is over. AWS gives no test for "too short" and may start
 * replacements early; asgsim starts each at the end of the lifetime and uses its own rule:
 * with W instances whose lifetime has ended waiting and B replacements still within their
 * D, one at a time the last waiting instance would start about (W + B - 1) x D from now.
 * When that is more than one D (W + B > 2: lifetimes end faster than one per D, e.g. a
 * group launched at once), the lifetime is too short and up to ceil(10 % of current
 * capacity) instances (Pending and InService; at least one) are replaced at once, oldest
 * lifetime end first; back to one at a time once W + B <= 2. So n instances whose lifetimes
 * end together are all replaced within (ceil(n / b) - 1) x D of that end, b the batch size,
 * instead of (n - 1) x D.
 *
 * Ownership: struct replacement_state lives in struct asg_group (g->replacement), struct
 * instance_replacement in struct instance (inst->replacement); only models/replacement.c
 * writes them (run.c reads the lifetime counter for its output).
 */
#ifndef ASGSIM_REPLACEMENT_H
#define ASGSIM_REPLACEMENT_H

#include "asgsim/sim.h"

#include <stddef.h>
#include <stdint.h>

struct asg_group;
struct instance;

/* Replacements the group paces in batches (replacement_start()). */
enum asg_replace_kind { ASG_REPLACE_NONE, ASG_REPLACE_ELB, ASG_REPLACE_LIFETIME, ASG_REPLACE_NR };

/** The group's paced replacements. */
struct replacement_state {
    uint64_t nr_lifetime_replacements;         /* instances replaced at MaxInstanceLifetime */
    size_t nr_in_batch[ASG_REPLACE_NR];        /* replacements launched and not yet settled */
    size_t nr_replace_waiting[ASG_REPLACE_NR]; /* instances with replace_due_at >= 0, by kind */
    int tag_batch; /* launches now replace for this enum asg_replace_kind (replacement_tag()) */
    sim_event_id batch_kick; /* start the next replacement batch, 0 when none */
};

/** One instance's part in the paced replacements. */
struct instance_replacement {
    sim_event_id lifetime_timer; /* its MaxInstanceLifetime replacement, 0 when none */
    int batch;                   /* enum asg_replace_kind of the batch it replaces for, 0: none */
    sim_event_id batch_timer;    /* when its health check and warmup are over, 0 when none */
    sim_time replace_due_at;     /* waiting for a replacement batch since; -1: not waiting */
    int replace_due;             /* enum asg_replace_kind it waits for */
};

/** A new instance record: not waiting for any replacement. */
void replacement_instance_init(struct instance *inst);

/** A launch (or warm start) made now joins the batch being started, if any. */
void replacement_tag(struct asg_group *g, struct instance *inst);

/**
 * `inst` is InService: start its MaxInstanceLifetime timer (unless protected from scale-in)
 * and, when it replaces for a batch, wait for its health check and warmup.
 */
void replacement_in_service(struct asg_group *g, struct instance *inst);

/** `inst` waits for a paced replacement of `kind` from now; start the batches that can. */
void replacement_due(struct asg_group *g, struct instance *inst, enum asg_replace_kind kind);

/** Start every batch that has room (after a retry, an outage's end, a settled batch). */
void replacement_start(struct asg_group *g);

/** `inst` is terminating: it leaves its batch and stops waiting for a replacement. */
void replacement_leave(struct asg_group *g, struct instance *inst);

/** Cancel the instance's lifetime timer (it goes back to the warm pool). */
void replacement_cancel_lifetime(struct asg_group *g, struct instance *inst);

/** Cancel the instance's lifetime and batch timers (it terminates or is freed). */
void replacement_cancel(struct asg_group *g, struct instance *inst);

/** Cancel the group's pending batch start. */
void replacement_cancel_group(struct asg_group *g);

#endif /* ASGSIM_REPLACEMENT_H */
