/*
 * termination_config.h - the TerminationPolicies a group lists, plain data.
 */
#ifndef ASGSIM_TERMINATION_CONFIG_H
#define ASGSIM_TERMINATION_CONFIG_H

enum termination_policy {
    TERMINATION_DEFAULT,
    TERMINATION_ALLOCATION_STRATEGY,
    TERMINATION_OLDEST_LAUNCH_TEMPLATE,
    TERMINATION_OLDEST_LAUNCH_CONFIGURATION,
    TERMINATION_CLOSEST_TO_NEXT_INSTANCE_HOUR,
    TERMINATION_NEWEST_INSTANCE,
    TERMINATION_OLDEST_INSTANCE,
    TERMINATION_NR
};

/** CloudFormation spellings: "Default", "AllocationStrategy", ... */
extern const char *const termination_policy_names[TERMINATION_NR];

#endif /* ASGSIM_TERMINATION_CONFIG_H */
