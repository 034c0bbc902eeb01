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

#include "asgsim/lifecycle_config.h"
#include "asgsim/sim.h"

#include <stdbool.h>

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
