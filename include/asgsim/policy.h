/*
 * policy.h - dynamic scaling (simple, step and target tracking policies driven by
 * CloudWatch alarms) and scheduled actions for one Auto Scaling group.
 *
 * struct autoscaler samples the group into CloudWatch every CW_SAMPLE_STEP, evaluates
 * every alarm each minute, invokes the policies of alarms in ALARM once per minute
 * (Auto Scaling actions repeat while the alarm stays in the state, AlarmThatSendsEmail),
 * and runs scheduled actions at their times. Each change of desired capacity goes through
 * asg_group_set_desired() with AWS's cause.
 *
 * Ownership: configs are plain data owned by struct scenario; the autoscaler borrows them
 * and the group, and owns its CloudWatch store and the target-tracking alarms it creates.
 */
#ifndef ASGSIM_POLICY_H
#define ASGSIM_POLICY_H

#include "asgsim/cloudwatch.h"
#include "asgsim/diag.h"
#include "asgsim/schedule.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asg_group;
struct invocation;

enum policy_type { POLICY_SIMPLE, POLICY_STEP, POLICY_TARGET_TRACKING, POLICY_TYPE_NR };

/** "SimpleScaling", "StepScaling", "TargetTrackingScaling" */
extern const char *const policy_type_names[POLICY_TYPE_NR];

enum adjustment_type { ADJ_CHANGE_IN_CAPACITY, ADJ_EXACT_CAPACITY, ADJ_PERCENT, ADJ_NR };

/** "ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity" */
extern const char *const adjustment_type_names[ADJ_NR];

/** One step: bounds are offsets from the alarm threshold; absent = infinite. */
struct step_adjustment {
    bool has_lower, has_upper;
    double lower, upper;
    int64_t adjustment;
};

/** Predefined target-tracking metrics (API_PredefinedMetricSpecification). */
enum tt_metric { TT_CPU, TT_NETWORK_IN, TT_NETWORK_OUT, TT_ALB_REQUESTS, TT_NR };

extern const char *const tt_metric_names[TT_NR];

struct policy_config {
    char *logical_id;
    char *name; /* the logical id (the policy's ARN names it in AWS) */
    enum policy_type type;
    enum adjustment_type adjustment_type;
    int64_t scaling_adjustment;       /* simple */
    int64_t min_adjustment_magnitude; /* percent adjustments; 0 = none */
    bool has_cooldown;                /* simple: Cooldown given (else the group's) */
    sim_time cooldown;
    bool has_warmup; /* step / target tracking: EstimatedInstanceWarmup given */
    sim_time warmup;
    enum cw_statistic aggregation; /* step: MetricAggregationType (Average by default) */
    struct step_adjustment *steps; /* step (owned) */
    size_t nr_steps;
    enum tt_metric metric; /* target tracking */
    double target_value;
    bool disable_scale_in;
    struct src_loc loc;
};

/** Free the steps and strings; safe on a zeroed struct. */
void policy_config_release(struct policy_config *p);

/**
 * The adjustment in instances of `type` with `amount` at `current` capacity. Percent:
 * results above 1 round down, in (0, 1) become 1, in (-1, 0) become -1, below -1 round
 * towards zero; then MinAdjustmentMagnitude (as-scaling-simple-step). ExactCapacity
 * returns amount - current.
 */
int64_t policy_adjustment(enum adjustment_type type, int64_t amount, int64_t min_magnitude,
                          int64_t current);

/**
 * The step of `p` for a metric `diff` = value - threshold (above the threshold lower bounds
 * are inclusive and upper bounds exclusive; below it the reverse; API_StepAdjustment).
 * \return the step or NULL when none matches.
 */
const struct step_adjustment *policy_find_step(const struct policy_config *p, double diff);

/**
 * Target tracking's new capacity for `current` instances at `metric` with `target`:
 * ceil(current * metric / target), which rounds up when adding and removes only whole
 * instances (as-scaling-target-tracking).
 */
int64_t policy_target_capacity(int64_t current, double metric, double target);

/** Scaling settings of a scenario, plain data. */
struct scaling_config {
    struct cw_config cw;
    struct cw_alarm_config *alarms; /* AWS::CloudWatch::Alarm resources */
    size_t nr_alarms;
    struct policy_config *policies;
    size_t nr_policies;
    struct schedule_config *schedules;
    size_t nr_schedules;
    /* AlarmLow's threshold as a share of the target (ScaleInThresholdRatio, default 0.7) */
    double tt_scale_in_ratio;
};

/** Free everything; safe on a zeroed struct. */
void scaling_config_release(struct scaling_config *c);

/*
 * The decision log (/decisions): one record per policy invocation, whether it changes
 * capacity or not. Capacities are in capacity units (WeightedCapacity; instances without
 * weights).
 */
enum decision_reason {
    DECISION_CHANGED,                 /* desired capacity changed */
    DECISION_NO_CHANGE,               /* the policy's result is the current desired capacity */
    DECISION_COOLDOWN,                /* simple policy: the cooldown has not expired */
    DECISION_IN_PROGRESS,             /* simple policy: the last activity has not finished */
    DECISION_WARMUP,                  /* scale-in blocked: a scale-out is still warming up */
    DECISION_AT_MIN,                  /* would go below MinSize: clamped, nothing left to remove */
    DECISION_AT_MAX,                  /* would go above MaxSize: clamped, nothing left to add */
    DECISION_SCALE_IN_DISABLED,       /* target tracking with DisableScaleIn */
    DECISION_OTHER_POLICY_WANTS_MORE, /* another policy proposed a larger capacity */
    DECISION_SCALE_IN_OVERSHOOT,      /* removing a unit would bring the metric above target */
    DECISION_NO_STEP,                 /* no step adjustment matches the metric */
    DECISION_NO_DATA,                 /* the alarm has no datapoint to compute from */
    DECISION_SUSPENDED,               /* a suspended process (not produced: asgsim models none) */
    DECISION_NR
};

/** "changed", "no-change", "cooldown", ... (the names of /decisions/reason). */
extern const char *const decision_reason_names[DECISION_NR];

struct policy_decision {
    sim_time time;
    const char *policy;        /* policy logical id, or the scheduled action's */
    const char *kind;          /* "SimpleScaling", "StepScaling", "TargetTrackingScaling",
                                  "ScheduledAction" */
    const char *alarm;         /* alarm name; "" for a scheduled action */
    int alarm_state;           /* enum cw_alarm_state; -1 for a scheduled action */
    double metric_value;       /* the value the policy computed with; NaN when none */
    sim_time metric_from;      /* start of the oldest datapoint used; -1 when none */
    sim_time metric_to;        /* end of the newest datapoint used; -1 when none */
    const char *metric_values; /* every datapoint used, "start_s=value" newest first; "" */
    double measured_capacity;  /* units reporting during metric_from..metric_to; NaN */
    int64_t current_capacity;  /* units Pending or InService (desired's counterpart) */
    int64_t ready_capacity;    /* units InService and past their warm-up */
    const char *formula;       /* the computation in words, e.g. "ceil(30 * 16.67 / 50) = 10" */
    int64_t result;            /* the capacity the formula gives, before clamping */
    int64_t desired_before;
    int64_t desired_after; /* after this invocation (the winner of the minute applied) */
    enum decision_reason reason;
};

/** Where the autoscaler reports its decisions; `decided` may be NULL. */
struct autoscaler_observer {
    void *ctx;
    void (*decided)(void *ctx, const struct policy_decision *d); /* d borrowed for the call */
};

struct autoscaler {
    const struct scaling_config *cfg;
    struct asg_group *g;
    struct sim_engine *eng;
    int64_t start_epoch_s;
    double capacity_rps_per_vcpu;
    double (*load_rps)(void *ctx, sim_time now); /* offered load, requests/s */
    void *load_ctx;
    struct cloudwatch cw;
    struct cw_alarm_config *tt_alarms; /* 2 per target-tracking policy: high, low (owned) */
    size_t nr_tt_alarms;
    struct cw_alarm *alarms; /* the scenario's, then the target-tracking ones */
    size_t nr_alarms;
    sim_time cooldown_until; /* simple policies: no scaling before */
    bool simple_in_progress; /* a simple policy's activity has not finished yet */
    sim_time simple_cooldown;
    int64_t **sched_times; /* per scheduled action: its firings (epoch s) */
    size_t *nr_sched_times;
    size_t *next_sched;
    sim_event_id tick;
    struct autoscaler_observer obs;
    struct invocation *inv; /* this minute's policy invocations (policy.c) */
    size_t nr_inv, alloc_inv;
    uint64_t nr_decisions;
    uint64_t nr_policy_changes;
    uint64_t nr_scheduled_changes;
};

/**
 * Set up and start: the first sample now, alarms each minute, scheduled actions at their
 * times up to `end`. `cfg`, `g` and `eng` are borrowed; `obs` (may be NULL) is copied.
 */
void autoscaler_start(struct autoscaler *a, const struct scaling_config *cfg, struct asg_group *g,
                      struct sim_engine *eng, int64_t start_epoch_s, double capacity_rps_per_vcpu,
                      double (*load_rps)(void *ctx, sim_time now), void *load_ctx, sim_time end,
                      const struct autoscaler_observer *obs);

/** Cancel pending events and free; safe on a zeroed struct. */
void autoscaler_release(struct autoscaler *a);

/**
 * The newest published datapoint of metric `m` as an Average over the group (for CW_CPU:
 * ASGAverageCPUUtilization as CloudWatch shows it at `now`), NaN when none is published.
 */
double autoscaler_metric(const struct autoscaler *a, enum cw_metric m, sim_time now);

struct bind;
struct ynode;
struct cfn_template;

/**
 * Bind `CloudWatch: {PublicationDelay, NetworkInBytesPerRequest, NetworkOutBytesPerRequest}`
 * of the scenario settings into *out (defaults first: no delay, 0 bytes).
 * \return 0 or ASG_EINVAL with errors in b->d.
 */
int cw_settings_bind(struct bind *b, const struct ynode *settings, struct cw_config *out);

/**
 * Load the template's AWS::AutoScaling::ScalingPolicy, AWS::AutoScaling::ScheduledAction
 * and AWS::CloudWatch::Alarm resources for the group `group_logical_id` (named
 * `group_name`) into *out, checking AWS's rules. `run_start_epoch_s` is the scenario's
 * StartTime (a scheduled action may not start before it). Every error goes to `d`.
 * \return 0 or ASG_EINVAL; *out holds what loaded either way (scaling_config_release()).
 */
int scaling_config_load(struct cfn_template *t, struct diag_list *d, const char *group_logical_id,
                        const char *group_name, int64_t run_start_epoch_s,
                        struct scaling_config *out);

/** AlarmLow's threshold over the target when a scenario does not set it (observed). */
#define TT_SCALE_IN_RATIO_DEFAULT 0.7

/**
 * Bind `TargetTracking: {ScaleInThresholdRatio}` of the scenario settings (0.01-0.99,
 * default TT_SCALE_IN_RATIO_DEFAULT) into *scale_in_ratio.
 * \return 0 or ASG_EINVAL with errors in b->d.
 */
int tt_settings_bind(struct bind *b, const struct ynode *settings, double *scale_in_ratio);

/**
 * Bind a launch template's `Monitoring: {Enabled: bool}` (LaunchTemplateData `data`) into
 * *detailed; launch templates default to basic monitoring (enable-as-instance-metrics).
 * \return 0 or ASG_EINVAL.
 */
int cw_monitoring_bind(struct bind *b, const struct ynode *data, bool *detailed);

/** true for the resource types scaling_config_load() reads. */
bool scaling_config_handles(const char *type);

/** Point every stored location at `path` (the YAML document is about to be freed). */
void scaling_config_set_file(struct scaling_config *c, const char *path);

#endif /* ASGSIM_POLICY_H */
