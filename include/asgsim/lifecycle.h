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
 */
#ifndef ASGSIM_LIFECYCLE_H
#define ASGSIM_LIFECYCLE_H

#include "asgsim/dist.h"
#include "asgsim/sim.h"

#include <stdbool.h>

#define LIFECYCLE_HEARTBEAT_MIN     SIM_SEC(30)
#define LIFECYCLE_HEARTBEAT_MAX     SIM_SEC(7200)
#define LIFECYCLE_HEARTBEAT_DEFAULT SIM_SEC(3600)
#define LIFECYCLE_GLOBAL_MAX        SIM_HOUR(48)

enum hook_transition { HOOK_LAUNCHING, HOOK_TERMINATING };

enum hook_result { HOOK_CONTINUE, HOOK_ABANDON };

/** "autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING" */
extern const char *const lifecycle_transition_names[2];
/** "CONTINUE", "ABANDON" */
extern const char *const lifecycle_result_names[2];

struct lifecycle_hook_config {
    char *name;
    enum hook_transition transition;
    enum hook_result default_result; /* default ABANDON */
    sim_time heartbeat_timeout;      /* default 3600 s, 30..7200 s */
    /* What the custom action does (from the scenario): */
    struct dist action_duration; /* seconds until it calls CompleteLifecycleAction */
    double failure_probability;  /* it fails instead (DefaultResult applies at that time) */
    sim_time heartbeat_every;    /* it records a heartbeat this often; 0 = never */
};

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

#endif /* ASGSIM_LIFECYCLE_H */
