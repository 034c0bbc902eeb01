/*
 * policy_config.h - a scenario's scaling configuration as plain data: scaling policies
 * (AWS::AutoScaling::ScalingPolicy), the alarms that drive them, scheduled actions and the
 * CloudWatch settings (struct scaling_config). Bound by policy_bind.h
 * (models/policy_config.c); policy.h runs them.
 */
#ifndef ASGSIM_POLICY_CONFIG_H
#define ASGSIM_POLICY_CONFIG_H

#include "asgsim/cloudwatch_config.h"
#include "asgsim/diag.h"
#include "asgsim/predictive_config.h"
#include "asgsim/schedule_config.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum policy_type {
    POLICY_SIMPLE,
    POLICY_STEP,
    POLICY_TARGET_TRACKING,
    POLICY_PREDICTIVE,
    POLICY_TYPE_NR
};

/** "SimpleScaling", "StepScaling", "TargetTrackingScaling", "PredictiveScaling" */
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
    /* target tracking with a CustomizedMetricSpecification: the produced metric and
       statistic it names, or its metric math (borrowed from scaling_config.maths) */
    bool customized;
    enum cw_metric custom_metric;
    enum cw_statistic custom_statistic;
    const struct cw_math *custom_math;
    sim_time custom_period; /* its Period (high-resolution metrics); 0: the metric's */
    double target_value;
    bool disable_scale_in;
    struct predictive_config predictive; /* predictive (predictive_config.h) */
    struct src_loc loc;
};

/** Free the steps and strings; safe on a zeroed struct. */
void policy_config_release(struct policy_config *p);

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
    /* Logical ids of the alarms left out: on metrics asgsim does not produce, with no
       scaling policy among their actions (owned; the loader reports them in one warning) */
    char **skipped;
    size_t nr_skipped;
    /* load before StartTime that predictive scaling starts with (`Predictive: History`) */
    sim_time predictive_history;
    /* metric math of alarms and customized metrics, which point into it (owned) */
    struct cw_math **maths;
    size_t nr_maths;
    /* An alarm or policy that scales the group watches an AWS/SQS metric
       (ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage), or the settings
       say QueueDriven: true: the workload is messages into a queue the instances work off
       (serve.h, queue mode) */
    bool queue_driven;
};

/**
 * An alarm that watches an AWS/SQS metric but triggers none of the group's scaling policies
 * (it only notifies, or has no action), or NULL. Borrowed from `c`.
 */
const struct cw_alarm_config *
scaling_config_notify_only_queue_alarm(const struct scaling_config *c);

/** Free everything; safe on a zeroed struct. */
void scaling_config_release(struct scaling_config *c);

/** AlarmLow's threshold over the target when a scenario does not set it (observed). */
#define TT_SCALE_IN_RATIO_DEFAULT 0.7

#endif /* ASGSIM_POLICY_CONFIG_H */
