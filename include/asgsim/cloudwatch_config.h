/*
 * cloudwatch_config.h - CloudWatch as a scenario configures it, plain data: the metrics and
 * statistics an alarm names, monitoring settings and alarms (AWS::CloudWatch::Alarm).
 * cloudwatch.h holds the metric store and alarm evaluation.
 */
#ifndef ASGSIM_CLOUDWATCH_CONFIG_H
#define ASGSIM_CLOUDWATCH_CONFIG_H

#include "asgsim/diag.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cw_metric {
    CW_CPU,                   /* AWS/EC2 CPUUtilization, percent */
    CW_NETWORK_IN,            /* AWS/EC2 NetworkIn, bytes per period */
    CW_NETWORK_OUT,           /* AWS/EC2 NetworkOut, bytes per period */
    CW_REQUEST_COUNT_PER_TGT, /* AWS/ApplicationELB RequestCountPerTarget, requests/minute */
    CW_GROUP_MIN_SIZE,        /* AWS/AutoScaling group metrics, instances */
    CW_GROUP_MAX_SIZE,
    CW_GROUP_DESIRED,
    CW_GROUP_IN_SERVICE,
    CW_GROUP_PENDING,
    CW_GROUP_TERMINATING,
    CW_GROUP_TOTAL,
    /* Not a CloudWatch metric: the capacity units of the instances that report the EC2
       metrics, sampled with them. Its datapoint over a period is the capacity that produced
       that period's EC2 datapoints (target tracking's proportional computation uses both). */
    CW_REPORTING_CAPACITY,
    /* Not a CloudWatch metric either: the capacity units InService (the load balancer's
       targets), the capacity behind a RequestCountPerTarget datapoint. */
    CW_IN_SERVICE_CAPACITY,
    CW_REQUEST_COUNT, /* AWS/ApplicationELB RequestCount, requests per minute */
    /* The group's CPUUtilization as an agent publishes it under a namespace of the
       template's own (CustomizedMetricSpecification, e.g. the CloudWatch agent's
       aggregated cpu_usage_active): percent, 10-second high-resolution datapoints */
    CW_AGENT_CPU,
    /* AWS/ApplicationELB from the serving model (recorded by the run, not sampled here): */
    CW_TARGET_RESPONSE_TIME, /* TargetResponseTime, seconds, per completed request */
    CW_ELB_5XX,              /* HTTPCode_ELB_5XX_Count per minute: refused, no InService target */
    CW_TARGET_5XX,           /* HTTPCode_Target_5XX_Count per minute: refused by the targets */
    CW_SQS_VISIBLE,          /* AWS/SQS ApproximateNumberOfMessagesVisible, messages */
    CW_SQS_OLDEST_AGE,       /* AWS/SQS ApproximateAgeOfOldestMessage, seconds */
    CW_NR
};

/** CloudWatch metric names ("CPUUtilization", "GroupDesiredCapacity", ...). */
extern const char *const cw_metric_names[CW_NR];

enum cw_statistic { CW_AVERAGE, CW_SUM, CW_MINIMUM, CW_MAXIMUM, CW_SAMPLE_COUNT, CW_STAT_NR };

extern const char *const cw_statistic_names[CW_STAT_NR];

enum cw_comparison { CW_GE, CW_GT, CW_LT, CW_LE, CW_CMP_NR };

/** "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", ... */
extern const char *const cw_comparison_names[CW_CMP_NR];

enum cw_missing { CW_MISSING, CW_NOT_BREACHING, CW_BREACHING, CW_IGNORE, CW_MISSING_NR };

/** "missing", "notBreaching", "breaching", "ignore" */
extern const char *const cw_missing_names[CW_MISSING_NR];

enum cw_alarm_state { CW_INSUFFICIENT_DATA, CW_OK, CW_ALARM, CW_STATE_NR };

/** "INSUFFICIENT_DATA", "OK", "ALARM" */
extern const char *const cw_state_names[CW_STATE_NR];

/** Monitoring settings (plain data). */
struct cw_config {
    bool detailed;              /* launch template Monitoring.Enabled: 1-minute EC2 metrics */
    sim_time publication_delay; /* period end until its datapoint is visible */
    double bytes_in_per_request;
    double bytes_out_per_request;
};

/** One step of a metric math expression in postfix order. */
enum cw_math_op { CW_OP_NUM, CW_OP_QUERY, CW_OP_ADD, CW_OP_SUB, CW_OP_MUL, CW_OP_DIV, CW_OP_NEG };

struct cw_math_token {
    enum cw_math_op op;
    double num;   /* CW_OP_NUM */
    size_t query; /* CW_OP_QUERY: index into cw_math.queries */
};

/** A MetricStat of a Metrics list: a produced metric and its statistic. */
struct cw_math_query {
    enum cw_metric metric;
    enum cw_statistic stat;
};

/**
 * The `Metrics` form of an alarm or of a CustomizedMetricSpecification: the MetricStat
 * entries and the returned value as an arithmetic expression over them (+ - * / unary -,
 * numbers, parentheses; an expression may use other expressions' ids). A single returned
 * MetricStat is the expression "that query". Plain data; owned arrays.
 */
struct cw_math {
    struct cw_math_query *queries;
    size_t nr_queries;
    struct cw_math_token *rpn;
    size_t nr_rpn;
};

/** Free the arrays; safe on a zeroed struct. */
void cw_math_release(struct cw_math *m);

/** An alarm (AWS::CloudWatch::Alarm, or one target tracking creates). Plain data. */
struct cw_alarm_config {
    char *name;
    enum cw_metric metric;
    enum cw_statistic statistic;
    const struct cw_math *math;  /* metric math instead of metric/statistic; borrowed (the
                                    scaling config owns it), NULL when none */
    sim_time period;             /* 10 s, 30 s or a multiple of 60 s */
    int64_t evaluation_periods;  /* N */
    int64_t datapoints_to_alarm; /* M (default N) */
    double threshold;
    enum cw_comparison comparison;
    enum cw_missing missing;
    bool actions_enabled;
    size_t *alarm_actions; /* indexes of scaling policies (owned) */
    size_t nr_alarm_actions;
    size_t *ok_actions;
    size_t nr_ok_actions;
    struct src_loc loc;
};

/** Free the alarm config's arrays and name; safe on a zeroed struct. */
void cw_alarm_config_release(struct cw_alarm_config *cfg);

#endif /* ASGSIM_CLOUDWATCH_CONFIG_H */
