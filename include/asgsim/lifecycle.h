/*
 * lifecycle.h - lifecycle hooks (AWS::AutoScaling::LifecycleHook and the group's
 * LifecycleHookSpecificationList): configuration and how one lifecycle action ends.
 *
 * Facts (API_PutLifecycleHook, API_LifecycleHook, lifecycle-hooks.html,
 * adding-lifecycle-hooks.html):
 *  - HeartbeatTimeout 30..7200 s, default 3600 s; DefaultResult CONTINUE or ABANDON,
 *    default ABANDON; it applies when the timeout elapses or the action fails.
 *  - A heartbeat restarts the timeout for another HeartbeatTimeout, capped by the global
 *    timeout min(48 h, 100 x HeartbeatTimeout).
 *  - Launching + ABANDON: the instance is terminated and replaced. Terminating: both results
 *    let the termination proceed.
 *
 * At run time (models/lifecycle.c, ec2-auto-scaling-lifecycle.html): with launch hooks, an
 * instance whose boot time has passed goes Pending:Wait -> Pending:Proceed -> InService, or
 * is terminated and replaced when the hooks' result is ABANDON. With terminate hooks,
 * Terminating -> Terminating:Wait -> Terminating:Proceed -> Terminated, and the instance
 * keeps running (and billing) while it waits. Every hook of a transition runs at once; the
 * wait ends when the last action completes, or at the first ABANDON ("ABANDON stops any
 * remaining actions", lifecycle-hooks.html). Spot interruptions do not wait for hooks. An
 * abandoned launch is not a scale-in: asgsim runs no terminate hooks for it (AWS does not
 * say either way). Warm pool instances pause under the hooks as warm_pool.h says.
 *
 * Ownership: struct hook_state lives in struct asg_group (g->hooks) and struct
 * instance_hooks in struct instance (inst->hooks); only models/lifecycle.c writes them.
 * The group core (models/group.c) decides what each result does to the instance.
 */
#ifndef ASGSIM_LIFECYCLE_H
#define ASGSIM_LIFECYCLE_H

#include "asgsim/dist.h"
#include "asgsim/lifecycle_config.h"
#include "asgsim/rng.h"
#include "asgsim/sim.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** min(48 h, 100 x HeartbeatTimeout). */
sim_time lifecycle_global_timeout(sim_time heartbeat_timeout);

struct lifecycle_outcome {
    enum hook_result result;
    sim_time elapsed; /* from entering the Wait state to leaving it */
    bool timed_out;   /* the heartbeat or global timeout decided, not the action */
};

/**
 * How an action that would complete after `duration` (or fail then, when `fails`) ends
 * under `hook`'s timeouts and heartbeats.
 */
struct lifecycle_outcome lifecycle_action_outcome(const struct lifecycle_hook_config *hook,
                                                  sim_time duration, bool fails);

/* ---- run time ------------------------------------------------------------------------------ */

struct asg_group;
struct asg_config;
struct instance;

/** The group's lifecycle hook state. */
struct hook_state {
    gsl_rng *rng;                   /* "lifecycle-hooks", when the group has hooks */
    uint64_t nr_actions;            /* lifecycle actions finished (all hooks of one wait) */
    uint64_t nr_launches_abandoned; /* launch actions that ended with ABANDON */
    uint64_t nr_timeouts;           /* waits decided by a timeout */
};

/** One instance's current lifecycle action. */
struct instance_hooks {
    sim_event_id timer;              /* the end of its current wait, 0 when none */
    enum hook_transition transition; /* of its current Wait state */
    bool launch_abandoned;           /* a launch hook's result was ABANDON */
    bool timed_out;                  /* its last action ended by a timeout */
};

/**
 * Set up the group's hook state. Only groups with hooks (`nr_hooks` > 0) get the stream
 * "lifecycle-hooks" from `rngs`, so that other runs keep their stream list.
 */
void lifecycle_hooks_init(struct hook_state *s, size_t nr_hooks, struct rng_set *rngs);

/** Whether the group `cfg` has a hook for transition `t`. */
bool lifecycle_hooks_has(const struct asg_config *cfg, enum hook_transition t);

/**
 * Run every hook of transition `t` on `inst`, already in its Wait state. When the wait
 * ends, group__hook_done() (models/group_int.h) gets the result.
 */
void lifecycle_hooks_start(struct asg_group *g, struct instance *inst, enum hook_transition t);

/** Cancel the instance's pending wait, before it terminates or is freed. */
void lifecycle_hooks_cancel(struct asg_group *g, struct instance *inst);

#endif /* ASGSIM_LIFECYCLE_H */
