/*
 * lifecycle_config.h - one lifecycle hook (AWS::AutoScaling::LifecycleHook or an entry of
 * LifecycleHookSpecificationList) and what its custom action does, plain data.
 */
#ifndef ASGSIM_LIFECYCLE_CONFIG_H
#define ASGSIM_LIFECYCLE_CONFIG_H

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

#endif /* ASGSIM_LIFECYCLE_CONFIG_H */
