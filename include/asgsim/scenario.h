/*
 * scenario.h - a validated scenario: the CloudFormation template's resources the simulator
 * models plus the `Metadata: ASGSim::Scenario` settings, as plain C data.
 *
 * scenario_load() reads the template (and the --with settings file), resolves parameters
 * and intrinsics, checks every property against AWS's rules and reports every error as
 * FILE:LINE:COL (models/scenario*.c). The result owns all its memory and never refers to the YAML
 * tree, so models receive const configs and never see YAML. Tests build these structs directly.
 */
#ifndef ASGSIM_SCENARIO_H
#define ASGSIM_SCENARIO_H

#include "asgsim/capacity.h"
#include "asgsim/ec2_config.h"
#include "asgsim/group_config.h"
#include "asgsim/health_config.h"
#include "asgsim/market_config.h"
#include "asgsim/policy_config.h"
#include "asgsim/serve_config.h"
#include "asgsim/workload_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cfn_override; /* cfn.h: a Name=Value override */
struct diag_list;

/* Limits that keep a run's resources sane; a scenario beyond them is rejected up front. */
#define SCENARIO_MAX_INSTANCES 100000        /* MaxSize of one group */
#define SCENARIO_MAX_DURATION  SIM_DAY(3660) /* ten years */
#define SCENARIO_MAX_SAMPLES   50000000      /* duration / SampleInterval */
#define SCENARIO_MAX_RPS       1e9           /* the workload's peak, parts combined */
#define SCENARIO_MAX_REQUESTS  1e9           /* request fidelity: peak x duration */

struct instance_model_config {
    struct dist boot_time;        /* launch until InService, seconds */
    double capacity_rps_per_vcpu; /* requests/s one vCPU serves at 100 % CPU; 0 = not given */
    /* per-type rates and CPU credits (capacity.h); its rps_per_vcpu is the one above */
    struct capacity_config capacity;
};

struct scenario_param {
    char *name;
    char *value; /* NULL when unset */
    bool overridden;
};

/*
 * One group's load and scaling when the template has several groups (issue 17 item 9; README
 * "Several groups"). A one-group scenario keeps them in struct scenario's own fields.
 */
struct scenario_group {
    bool has_workload;               /* a Workload drives this group */
    bool shared_workload;            /* ...the scenario's top-level one (sc->workload, sc->serve) */
    struct workload_config workload; /* its own (Groups: ID: Workload), owned */
    struct serve_config serve;       /* its own serving keys */
    struct scaling_config scaling;   /* the policies, alarms and scheduled actions naming it */
};

/* What run.c needs of one group, whatever the number of groups: pointers into the scenario. */
struct scenario_group_view {
    const struct asg_config *cfg;
    bool has_workload;
    const struct workload_config *workload;
    const struct serve_config *serve; /* capacity_rps_per_vcpu left 0 */
    const struct scaling_config *scaling;
};

struct scenario {
    char *path;           /* template path as given */
    char *stack_name;     /* AWS::StackName */
    char *region;         /* AWS::Region (regions.h names it) */
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

    /* WarmStart: the group starts sized for the first minute's load, its instances
       InService at time 0 (run.c). StatisticsStart: the summary's request, latency, CPU and
       in-service figures leave out the time before it (a multiple of sample_interval). */
    bool warm_start;
    sim_time statistics_start;

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
    /* A queue-driven group's message retention period (queue.h): the MessageRetentionPeriod
       of the template's AWS::SQS::Queue when it has exactly one, else SQS's default. */
    sim_time queue_retention;
    /* nr_groups entries when the template has several groups, else NULL (the fields above
       are the one group's). Each owns its workload, serving and scaling. */
    struct scenario_group *per_group;

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
    const char *region;     /* --region: wins over Metadata Region; NULL: that, else us-east-1 */
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

struct bind;
struct ynode;
/**
 * Bind `WarmStart: true|false` and `StatisticsStart: DURATION` from the settings mapping `s`
 * (after Duration and SampleInterval) into sc. \return 0, or ASG_EINVAL with errors in b->d.
 */
int scenario_bind_warm_start(struct bind *b, const struct ynode *s, struct scenario *sc);

/** Group `i` (< sc->nr_groups) of `sc` as run.c sees it; *v points into `sc`. */
void scenario_group_view(const struct scenario *sc, size_t i, struct scenario_group_view *v);

/** Free everything the scenario owns; safe on a zeroed scenario. */
void scenario_release(struct scenario *sc);

#endif /* ASGSIM_SCENARIO_H */
