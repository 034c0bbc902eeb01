/*
 * group_config.h - an Auto Scaling group and its launch template as plain data
 * (AWS::AutoScaling::AutoScalingGroup, AWS::EC2::LaunchTemplate and the Metadata keys that
 * refine them). Bound by group_bind.h (models/group_config.c, models/scenario*.c); asg.h runs
 * the group.
 */
#ifndef ASGSIM_GROUP_CONFIG_H
#define ASGSIM_GROUP_CONFIG_H

#include "asgsim/diag.h"
#include "asgsim/lifecycle_config.h"
#include "asgsim/market_config.h"
#include "asgsim/placement_config.h"
#include "asgsim/sim.h"
#include "asgsim/termination_config.h"
#include "asgsim/warm_pool_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct instance_requirements; /* instance_requirements.h */

struct launch_template_config {
    char *logical_id;
    char *name;          /* LaunchTemplateName, or the logical id */
    char *instance_type; /* LaunchTemplateData.InstanceType; with InstanceRequirements, the
                            first type its group resolved them to */
    /* LaunchTemplateData.InstanceRequirements (owned), or NULL */
    struct instance_requirements *requirements;
    struct src_loc loc;
    double root_volume_gib; /* BlockDeviceMappings root Ebs VolumeSize; 0: Billing default */
    bool root_encrypted;    /* root Ebs Encrypted */
    bool hibernation;       /* HibernationOptions: Configured (checked against EC2's limits) */
    char *placement_group;  /* Placement.GroupName, or NULL */

    /* Monitoring: Enabled, i.e. 1-minute EC2 metrics (launch templates default to basic) */
    bool detailed_monitoring;
    /* A launch configuration's SpotPrice: every instance it launches is Spot. */
    bool spot;
};

/* asgsim's assumption: AWS says a failed launch is retried, not how soon (README, group). */
#define ASG_LAUNCH_RETRY_DEFAULT SIM_SEC(60)

struct asg_config {
    char *logical_id;
    char *name;               /* AutoScalingGroupName, or the logical id */
    int64_t min_size;         /* instances */
    int64_t max_size;         /* instances */
    int64_t desired_capacity; /* instances; MinSize when not given (CreateAutoScalingGroup) */
    char **azs;               /* Availability Zones the group launches into, in order */
    size_t nr_azs;
    size_t launch_template;      /* index into scenario.launch_templates */
    sim_time cooldown;           /* Cooldown, default 300 s (only simple scaling uses it) */
    sim_time health_check_grace; /* HealthCheckGracePeriod, default 0 s through the API */
    bool has_mixed;              /* launched through a MixedInstancesPolicy */
    /* TerminationPolicies in list order ([Default] when not given) */
    enum termination_policy termination_policies[TERMINATION_NR];
    size_t nr_termination_policies;
    bool new_instances_protected; /* NewInstancesProtectedFromScaleIn, default false */
    struct mixed_policy mixed;    /* its distribution and overrides (launch_template: its LT) */
    /* Lifecycle hooks (LifecycleHookSpecificationList and AWS::AutoScaling::LifecycleHook
       resources), in file order; actions as the Metadata `Hooks` key says (group_config.h) */
    struct lifecycle_hook_config *hooks;
    size_t nr_hooks;
    bool health_check_elb;          /* HealthCheckType includes ELB (EC2 is always on) */
    sim_time max_instance_lifetime; /* MaxInstanceLifetime; 0: none */
    bool has_warm_pool;             /* an AWS::AutoScaling::WarmPool names the group */
    struct warm_pool_config warm_pool;
    bool has_placement;                /* PlacementGroup (or the template's Placement) */
    struct placement_config placement; /* its AWS::EC2::PlacementGroup */

    /* Metadata LaunchTemplateVersions: the group's template version from `at` on (the
       version is 1 before the first); owned, in time order */
    struct template_version_change {
        sim_time at;
        int64_t version;
    } * template_versions;

    size_t nr_template_versions;

    /* DefaultInstanceWarmup, 0-3600 s; has_... false when not given or -1 (turned off) */
    bool has_default_instance_warmup;
    sim_time default_instance_warmup;

    /* Metadata LaunchRetryInterval: a launch no AZ could place is retried this long after;
       0 means ASG_LAUNCH_RETRY_DEFAULT (AWS retries, but documents no interval) */
    sim_time launch_retry_interval;

    struct {
        struct src_loc self, min_size, max_size, desired_capacity;
    } loc;
};

/** Free what group_config_bind*() put into `g` (the hooks). */
void group_config_release(struct asg_config *g);

#endif /* ASGSIM_GROUP_CONFIG_H */
