/*
 * health.h - health checks of a group's instances and the instance-failure faults that
 * make them fail.
 *
 * Facts (ec2-auto-scaling-health-checks.html, health-check-grace-period.html,
 * API_CreateAutoScalingGroup.html; aws-behaviour.md section 2):
 *  - EC2 checks are always on. An instance whose EC2 state is not running is unhealthy at
 *    once, even during the grace period; the activity cause reads "an instance was taken
 *    out of service in response to a EC2 health check indicating it has been terminated or
 *    stopped."
 *  - ELB checks count only when HealthCheckType includes ELB, and only after the
 *    HealthCheckGracePeriod (default 0 s through the API). With a launch lifecycle hook the
 *    grace period starts when the hook completes and the instance enters InService.
 *  - An unhealthy instance is terminated and replaced (terminate and launch together), even
 *    when protected from scale-in, without waiting for a cooldown.
 *  - Other unhealthy instances (ELB) are replaced at most 10 % of desired capacity at a
 *    time, or one at a time if 10 % is less than 1; each batch waits for the initial
 *    health check and the default instance warmup.
 * Not modelled: the rule that replacements wait for a scaling activity in progress while
 * the group is 10 % or more below desired, EBS / VPC Lattice / custom checks, the
 * undocumented check period (asgsim acts at the moment a check may fail).
 *
 * At run time (models/health.c): instance failures drawn from the scenario's Faults make
 * instances unhealthy; the group terminates and replaces them, EC2 failures at once, ELB
 * failures in batches of 10 % of desired (at least one), each batch waiting for its
 * replacements' grace period and default instance warmup (the pacing is replacement.h's).
 * A partition failure (Faults) stops every instance of that partition; the group replaces
 * them as after an EC2 health check. Ready warm pool instances fail at the Faults'
 * InstanceFailureRate (stream "warm-pool-failures"); a failed one is terminated and the
 * pool refilled.
 *
 * Ownership: struct health_state lives in struct asg_group (g->health), struct
 * instance_health in struct instance (inst->health); only models/health.c writes them
 * (run.c reads the counters and `elb_unhealthy` for its output).
 */
#ifndef ASGSIM_HEALTH_H
#define ASGSIM_HEALTH_H

#include "asgsim/health_config.h"
#include "asgsim/rng.h"
#include "asgsim/sim.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asg_group;
struct instance;

/*
 * A health event without a state change: "ec2-unhealthy" or "elb-unhealthy" (the load
 * balancer stops routing to the instance from now on). Set by asg_group_set_faults(), kept
 * out of struct asg_observer so that its positional initialisers stay valid.
 */
typedef void asg_health_fn(void *ctx, const struct instance *inst, const char *event);

/** The group's health state: fault streams, the listener, partition timers, counters. */
struct health_state {
    gsl_rng *rng;          /* "instance-failures", when a fault rate is set */
    gsl_rng *pool_rng;     /* "warm-pool-failures", with a pool and an EC2 failure rate */
    asg_health_fn *notify; /* may be NULL */
    void *ctx;
    sim_event_id partition_timer[HEALTH_MAX_PARTITION_FAILURES];
    uint64_t nr_instance_failures[2];     /* failures drawn: [0] EC2, [1] ELB */
    uint64_t nr_health_replacements;      /* unhealthy instances terminated and replaced */
    uint64_t nr_partition_failed;         /* instances lost to partition failures */
    uint64_t nr_pool_health_replacements; /* warm pool instances replaced after a failure */
};

/** One instance's health. */
struct instance_health {
    bool elb_unhealthy; /* failed the load balancer's health check */
    sim_event_id timer; /* its next failure or health replacement, 0 when none */
};

/**
 * Set up the group's health from g->faults (already copied): the fault streams from `rngs`,
 * the listener `notify` (may be NULL) and the partition failures' timers.
 */
void health_init(struct asg_group *g, struct rng_set *rngs, asg_health_fn *notify, void *ctx);

/** An instance is InService: draw its next failure (EC2 or ELB), if any. */
void health_plan_failure(struct asg_group *g, struct instance *inst);

/** A warm pool instance is ready in the pool: draw its pool health check failure. */
void health_plan_pool_failure(struct asg_group *g, struct instance *inst);

/**
 * Terminate and replace the ELB-unhealthy `inst` now (its paced batch has room): AWS's
 * activity cause, counted as a health replacement.
 */
void health_replace_unhealthy(struct asg_group *g, struct instance *inst);

/** Cancel the instance's pending failure or check (it leaves the group or the pool). */
void health_cancel(struct asg_group *g, struct instance *inst);

/** Cancel the group's pending partition failures. */
void health_cancel_group(struct asg_group *g);

#endif /* ASGSIM_HEALTH_H */
