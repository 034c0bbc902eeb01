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

/*
 * A statistic: one of the five named ones, or a percentile. A percentile p (0 to 100 with at
 * most two decimals, the forms AWS accepts) is CW_PERCENTILE_0 + 100 p, so a statistic
 * stays one plain value wherever it is passed; cw_stat_is_percentile() tells them apart.
 */
enum cw_statistic {
    CW_AVERAGE,
    CW_SUM,
    CW_MINIMUM,
    CW_MAXIMUM,
    CW_SAMPLE_COUNT,
    CW_STAT_NR, /* the named ones */
    CW_PERCENTILE_0 = 1000,
    CW_PERCENTILE_100 = CW_PERCENTILE_0 + 10000
};

/** The names of the named statistics ("Average", ...); not of percentiles. */
extern const char *const cw_statistic_names[CW_STAT_NR];

static inline bool cw_stat_is_percentile(enum cw_statistic s)
{
    return s >= CW_PERCENTILE_0 && s <= CW_PERCENTILE_100;
}

/** The percentile of a percentile statistic, 0 to 100 (99.9 for p99.9). */
static inline double cw_stat_percentile(enum cw_statistic s)
{
    return (double)((int)s - (int)CW_PERCENTILE_0) / 100.0;
}

/**
 * Parse a percentile statistic as CloudWatch accepts it for alarms: 'p', one or two digits,
 * optionally '.' and up to two more (p0.0 ... p99.99), or p100 (API_PutMetricAlarm
 * ExtendedStatistic, pattern p(\d{1,2}(\.\d{0,2})?|100)). \return false when `s` is not one.
 */
bool cw_percentile_parse(const char *s, enum cw_statistic *out);

/**
 * What kind of extended statistic other than a percentile `s` is, by CloudWatch's names
 * (Statistics-definitions.html): "trimmed mean" for tm90 or TM(10%:90%), and so on; NULL
 * when it is none of them. asgsim refuses these by name.
 */
const char *cw_extended_kind(const char *s);

/**
 * The samples below which `s` (a percentile) counts as evaluated on too few data points
 * (percentiles-with-low-samples.html): 10 / (1 - p) for 0.5 <= p < 1, 10 / p for 0 < p <
 * 0.5; 0 for p0 and p100, which that rule does not cover.
 */
double cw_low_sample_threshold(enum cw_statistic s);

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
    enum cw_statistic statistic; /* Statistic, or ExtendedStatistic's percentile */
    const struct cw_math *math;  /* metric math instead of metric/statistic; borrowed (the
                                    scaling config owns it), NULL when none */
    bool low_sample_ignore;      /* EvaluateLowSampleCountPercentile: ignore (a percentile
                                    `statistic` only) */
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
