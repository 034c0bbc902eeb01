/*
 * metric_bind.h - naming the metrics asgsim produces as a template names them: a
 * (Namespace, MetricName, Dimensions) triple, or a `Metrics` list of metric math
 * (models/metric_config.c). Used by alarms and by target tracking's
 * CustomizedMetricSpecification.
 */
#ifndef ASGSIM_METRIC_BIND_H
#define ASGSIM_METRIC_BIND_H

#include "asgsim/bind.h"
#include "asgsim/cloudwatch_config.h"
#include "asgsim/yamltree.h"

/** What asgsim produces, for messages: "AWS/EC2 CPUUtilization, ...". */
extern const char metric_bind_produced[];

/**
 * The produced metric that `ns`/`name` with `dims` (a Dimensions list, or NULL) names; `at`
 * locates warnings. \return 1 (and *out), 0 when asgsim does not produce it (nothing
 * reported), or ASG_EINVAL.
 */
int metric_bind_name(struct bind *b, const struct ynode *at, const char *ns, const char *name,
                     const struct ynode *dims, enum cw_metric *out);

/**
 * Bind a `Metrics` list (alarm MetricDataQuery or TargetTrackingMetricDataQuery entries) into
 * `out`: exactly one entry returns data (ReturnData absent or true); MetricStat entries must
 * name produced metrics; expressions are arithmetic. *period_s is the MetricStat Period
 * (0 when none gives one; they must agree). \return 1; 0 when a MetricStat names a metric
 * asgsim does not produce (*unproduced: its MetricName node; nothing reported, `out` empty);
 * or ASG_EINVAL after located errors.
 */
int metric_bind_math(struct bind *b, const struct ynode *list, struct cw_math *out,
                     int64_t *period_s, const struct ynode **unproduced);

/** Statistic names a MetricStat's Stat may take: cw_statistic_names. */

#endif /* ASGSIM_METRIC_BIND_H */
