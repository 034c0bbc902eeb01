/*
 * scenario.h - a validated scenario: the CloudFormation template's resources the simulator
 * models plus the `Metadata: ASGSim::Scenario` settings, as plain C data.
 *
 * scenario_load() reads the template (and the --with settings file), resolves parameters
 * and intrinsics, checks every property against AWS's rules and reports every error as
 * FILE:LINE:COL. The result owns all its memory and never refers to the YAML tree, so
 * models receive const configs and never see YAML. Tests build these structs directly.
 */
#ifndef ASGSIM_SCENARIO_H
#define ASGSIM_SCENARIO_H

#include "asgsim/catalog.h"
#include "asgsim/cfn.h"
#include "asgsim/diag.h"
#include "asgsim/dist.h"
#include "asgsim/ec2.h"
#include "asgsim/health.h"
#include "asgsim/lifecycle.h"
#include "asgsim/market.h"
#include "asgsim/placement.h"
#include "asgsim/policy.h"
#include "asgsim/serve.h"
#include "asgsim/sim.h"
#include "asgsim/termination.h"
#include "asgsim/warm_pool.h"
#include "asgsim/workload.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits that keep a run's resources sane; a scenario beyond them is rejected up front. */
#define SCENARIO_MAX_INSTANCES 100000        /* MaxSize of one group */
#define SCENARIO_MAX_DURATION  SIM_DAY(3660) /* ten years */
#define SCENARIO_MAX_SAMPLES   50000000      /* duration / SampleInterval */

struct launch_template_config {
    char *logical_id;
    char *name;          /* LaunchTemplateName, or the logical id */
    char *instance_type; /* LaunchTemplateData.InstanceType */
    struct src_loc loc;
    double root_volume_gib; /* BlockDeviceMappings root Ebs VolumeSize; 0: Billing default */
    bool root_encrypted;    /* root Ebs Encrypted */
    bool hibernation;       /* HibernationOptions: Configured (checked against EC2's limits) */
    char *placement_group;  /* Placement.GroupName, or NULL */

    /* Monitoring: Enabled, i.e. 1-minute EC2 metrics (launch templates default to basic) */
    bool detailed_monitoring;
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

struct instance_model_config {
    struct dist boot_time;        /* launch until InService, seconds */
    double capacity_rps_per_vcpu; /* requests/s one vCPU serves at 100 % CPU; 0 = not given */
};

struct scenario_param {
    char *name;
    char *value; /* NULL when unset */
    bool overridden;
};

struct scenario {
    char *path;           /* template path as given */
    char *stack_name;     /* AWS::StackName */
    unsigned char *bytes; /* exact template bytes */
    size_t len;
    char sha256[65]; /* of `bytes`, hex */
    char *with_path; /* --with settings file, or NULL */
    unsigned char *with_bytes;
    size_t with_len;

    uint64_t seed;            /* base seed of every random stream */
    sim_time duration;        /* simulated length */
    sim_time sample_interval; /* time series step */
    int64_t start_epoch_s;    /* wall-clock origin (UTC seconds since 1970) of time 0 */

    bool has_workload;               /* a Workload was given */
    struct workload_config workload; /* the offered load (owned) */
    struct serve_config serve;       /* how it is served (capacity_rps_per_vcpu left 0) */
    struct instance_model_config instances;
    struct catalog catalog;      /* shipped types plus the scenario's own */
    struct ec2_config ec2;       /* Instances: Timing and Billing settings */
    struct spot_config spot;     /* Spot: pool prices and interruption rates */
    struct health_faults faults; /* Faults: instance failure rates, partition failures */

    struct launch_template_config *launch_templates;
    size_t nr_launch_templates;
    struct asg_config *groups;
    size_t nr_groups;
    struct scaling_config scaling; /* alarms, scaling policies, scheduled actions, CloudWatch */

    struct scenario_param *params;
    size_t nr_params;
};

struct scenario_load_opts {
    const char *with_path;                /* settings file for templates without Metadata */
    const struct cfn_override *overrides; /* --parameter Name=Value */
    size_t nr_overrides;
    /* Sweep property overrides: `name` is a dotted path into the template
       ("Resources.WebASG.Properties.MaxSize"), `value` replaces the scalar there before
       the template is read (ydoc_set_scalar). */
    const struct cfn_override *path_overrides;
    size_t nr_path_overrides;
    const char *stack_name; /* NULL: the file name without extension */
    bool has_seed;          /* --seed given: replaces Metadata Seed */
    uint64_t seed;
    bool has_duration; /* --until given: replaces Metadata Duration */
    sim_time duration;
};

/**
 * Load and validate a scenario. On success *out owns everything (scenario_release()).
 * \return 0; ASG_ENOENT / ASG_EIO when a file cannot be read; ASG_EINVAL or ASG_EFORMAT
 *         for a bad scenario, with every error in `d`. *out is zeroed on failure.
 */
int scenario_load(struct scenario *out, const char *path, const struct scenario_load_opts *opts,
                  struct diag_list *d);

/** Free everything the scenario owns; safe on a zeroed scenario. */
void scenario_release(struct scenario *sc);

#endif /* ASGSIM_SCENARIO_H */
