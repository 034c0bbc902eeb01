/*
 * Binding PredictiveScalingConfiguration (API_PredictiveScalingConfiguration,
 * aws-properties-autoscaling-scalingpolicy-predictivescalingconfiguration) and the
 * scenario's `Predictive:` settings.
 */
#include "asgsim/cfn.h"
#include "asgsim/predictive_bind.h"
#include "asgsim/util.h"

#include <string.h>

#include "asgsim/banned.h"

const char *const predictive_pair_names[PM_NR] = { "ASGCPUUtilization", "ASGNetworkIn",
                                                   "ASGNetworkOut", "ALBRequestCount" };
const char *const predictive_mode_names[PREDICTIVE_MODE_NR] = { "ForecastOnly",
                                                                "ForecastAndScale" };

/* PredefinedLoadMetricSpecification / PredefinedScalingMetricSpecification types, in
   enum predictive_metric order (API_PredictiveScalingPredefinedLoadMetric, ...ScalingMetric) */
static const char *const load_names[PM_NR] = { "ASGTotalCPUUtilization", "ASGTotalNetworkIn",
                                               "ASGTotalNetworkOut", "ALBTargetGroupRequestCount" };
static const char *const scaling_names[PM_NR] = { "ASGAverageCPUUtilization", "ASGAverageNetworkIn",
                                                  "ASGAverageNetworkOut",
                                                  "ALBRequestCountPerTarget" };

/* A predefined metric: {PredefinedMetricType, ResourceLabel}; the ALB ones need the label. */
static int bind_predefined(struct bind *b, const struct ynode *m, const char *const *names,
                           enum predictive_metric *out)
{
    static const char *const used[] = { "PredefinedMetricType", "ResourceLabel" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int rc = bind_check_keys(b, m, &keys);
    if (rc)
        return rc;
    int v = 0;
    rc = bind_enum(b, m, "PredefinedMetricType", names, PM_NR, &v);
    if (rc == 0)
        rc = bind_missing(b, &m->loc, "PredefinedMetricType");
    if (rc < 0)
        return rc;
    *out = (enum predictive_metric)v;
    /* AWS: the ALB types name their target group by ResourceLabel */
    if (*out == PM_ALB_REQUESTS && !ynode_get(m, "ResourceLabel"))
        return bind_missing(b, &m->loc, "ResourceLabel");
    return 0;
}

enum custom_role { ROLE_LOAD, ROLE_SCALING, ROLE_CAPACITY };

/*
 * A customized metric: MetricDataQueries with one MetricStat over a metric asgsim produces.
 * Metric math (Expression) and several queries are not simulated: an error, not a guess.
 */
static int bind_customized(struct bind *b, const struct ynode *m, enum custom_role role,
                           enum predictive_metric *out)
{
    static const char *const used[] = { "MetricDataQueries" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int rc = bind_check_keys(b, m, &keys);
    if (rc)
        return rc;
    const struct ynode *q;
    if ((rc = bind_get(b, m, "MetricDataQueries", &q)) <= 0)
        return rc ? rc : bind_missing(b, &m->loc, "MetricDataQueries");
    if (q->kind != YNODE_SEQ || q->nr != 1)
        return diag_error(b->d, &q->loc,
                          "%s: MetricDataQueries: asgsim simulates exactly one query with a "
                          "MetricStat (metric math is not modelled)",
                          b->what);
    const struct ynode *item = q->items[0];
    static const char *const qused[] = { "Id", "MetricStat", "Label", "ReturnData", "Expression" };
    const struct bind_keys qkeys = { BIND_LIST(qused), NULL, 0, NULL, 0 };
    if ((rc = bind_check_keys(b, item, &qkeys)))
        return rc;
    if (ynode_get(item, "Expression"))
        return diag_error(b->d, &ynode_get_pair(item, "Expression")->key->loc,
                          "%s: metric math (Expression) is not modelled by asgsim; use one "
                          "MetricStat",
                          b->what);
    const struct ynode *ms, *metric;
    if ((rc = bind_map(b, item, "MetricStat", &ms)) <= 0)
        return rc ? rc : bind_missing(b, &item->loc, "MetricStat");
    static const char *const msused[] = { "Metric", "Stat", "Unit" };
    const struct bind_keys mskeys = { BIND_LIST(msused), NULL, 0, NULL, 0 };
    if ((rc = bind_check_keys(b, ms, &mskeys)))
        return rc;
    if ((rc = bind_map(b, ms, "Metric", &metric)) <= 0)
        return rc ? rc : bind_missing(b, &ms->loc, "Metric");
    static const char *const mused[] = { "MetricName", "Namespace", "Dimensions" };
    const struct bind_keys mkeys = { BIND_LIST(mused), NULL, 0, NULL, 0 };
    if ((rc = bind_check_keys(b, metric, &mkeys)))
        return rc;
    const char *name = NULL, *ns = NULL, *stat = NULL;
    if ((rc = bind_string(b, metric, "MetricName", &name)) <= 0)
        return rc ? rc : bind_missing(b, &metric->loc, "MetricName");
    if ((rc = bind_string(b, metric, "Namespace", &ns)) <= 0)
        return rc ? rc : bind_missing(b, &metric->loc, "Namespace");
    if ((rc = bind_string(b, ms, "Stat", &stat)) <= 0)
        return rc ? rc : bind_missing(b, &ms->loc, "Stat");

    /* The metrics asgsim produces, with the statistic each role needs: a load is a total
       (Sum), a scaling metric a per-instance Average (RequestCountPerTarget is already per
       target: Sum), a capacity metric the group's InService count. */
    static const struct {
        const char *ns, *name, *stat;
        enum custom_role role;
        enum predictive_metric m;
    } known[] = {
        { "AWS/EC2", "CPUUtilization", "Sum", ROLE_LOAD, PM_CPU },
        { "AWS/EC2", "NetworkIn", "Sum", ROLE_LOAD, PM_NETWORK_IN },
        { "AWS/EC2", "NetworkOut", "Sum", ROLE_LOAD, PM_NETWORK_OUT },
        { "AWS/ApplicationELB", "RequestCount", "Sum", ROLE_LOAD, PM_ALB_REQUESTS },
        { "AWS/EC2", "CPUUtilization", "Average", ROLE_SCALING, PM_CPU },
        { "AWS/EC2", "NetworkIn", "Average", ROLE_SCALING, PM_NETWORK_IN },
        { "AWS/EC2", "NetworkOut", "Average", ROLE_SCALING, PM_NETWORK_OUT },
        { "AWS/ApplicationELB", "RequestCountPerTarget", "Sum", ROLE_SCALING, PM_ALB_REQUESTS },
        { "AWS/AutoScaling", "GroupInServiceInstances", "Average", ROLE_CAPACITY, PM_CPU },
        { "AWS/AutoScaling", "GroupInServiceCapacity", "Average", ROLE_CAPACITY, PM_CPU },
    };

    static const char *const roles[] = { "load", "scaling", "capacity" };
    bool named = false;
    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        if (known[i].role != role || strcmp(known[i].ns, ns) || strcmp(known[i].name, name))
            continue;
        named = true;
        if (!strcmp(known[i].stat, stat)) {
            *out = known[i].m;
            return 0;
        }
    }
    if (named)
        return diag_error(b->d, &ynode_get(ms, "Stat")->loc,
                          "%s: Stat '%s' of %s %s as a %s metric is not simulated; asgsim "
                          "computes it with the statistic AWS's examples use (Sum for a load, "
                          "Average for a scaling metric, Sum for RequestCountPerTarget)",
                          b->what, stat, ns, name, roles[role]);
    return diag_error(b->d, &ynode_get(metric, "MetricName")->loc,
                      "%s: unknown %s metric '%s' in namespace '%s': asgsim produces AWS/EC2 "
                      "CPUUtilization, NetworkIn, NetworkOut, AWS/ApplicationELB RequestCount, "
                      "RequestCountPerTarget and AWS/AutoScaling GroupInServiceInstances",
                      b->what, roles[role], name, ns);
}

/* One PredictiveScalingMetricSpecification: a target and a pair, or a load and a scaling
   metric (API_PredictiveScalingMetricSpecification). */
static int bind_spec(struct bind *b, const struct ynode *s, struct predictive_config *out)
{
    static const char *const used[] = { "TargetValue",
                                        "PredefinedMetricPairSpecification",
                                        "PredefinedScalingMetricSpecification",
                                        "PredefinedLoadMetricSpecification",
                                        "CustomizedScalingMetricSpecification",
                                        "CustomizedLoadMetricSpecification",
                                        "CustomizedCapacityMetricSpecification" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, s, &keys), rc;
    if (ret)
        return ret;
    rc = bind_double(b, s, "TargetValue", 1e-9, 1e300, &out->target_value);
    if (rc == 0)
        rc = bind_missing(b, &s->loc, "TargetValue");
    if (rc < 0)
        ret = rc;
    const struct ynode *pair = ynode_get(s, "PredefinedMetricPairSpecification");
    const struct ynode *pl = ynode_get(s, "PredefinedLoadMetricSpecification");
    const struct ynode *cl = ynode_get(s, "CustomizedLoadMetricSpecification");
    const struct ynode *ps = ynode_get(s, "PredefinedScalingMetricSpecification");
    const struct ynode *cs = ynode_get(s, "CustomizedScalingMetricSpecification");
    const struct ynode *m;
    if (pair) {
        if (pl || cl || ps || cs)
            return diag_error(b->d,
                              &ynode_get_pair(s, "PredefinedMetricPairSpecification")->key->loc,
                              "%s: a metric specification has either a metric pair or a load "
                              "and a scaling metric, not both",
                              b->what);
        enum predictive_metric pm = PM_CPU;
        if ((rc = bind_map(b, s, "PredefinedMetricPairSpecification", &m)) < 0 ||
            (rc = bind_predefined(b, m, predictive_pair_names, &pm)) < 0)
            return rc;
        out->load_metric = out->scaling_metric = pm;
        return ret;
    }
    if ((pl != NULL) == (cl != NULL) || (ps != NULL) == (cs != NULL))
        return diag_error(b->d, &s->loc,
                          "%s: a metric specification needs a PredefinedMetricPairSpecification, "
                          "or one load metric (Predefined or Customized) and one scaling metric",
                          b->what);
    if (pl)
        rc = bind_map(b, s, "PredefinedLoadMetricSpecification", &m) < 0
                     ? ASG_EINVAL
                     : bind_predefined(b, m, load_names, &out->load_metric);
    else
        rc = bind_map(b, s, "CustomizedLoadMetricSpecification", &m) < 0
                     ? ASG_EINVAL
                     : bind_customized(b, m, ROLE_LOAD, &out->load_metric);
    if (rc < 0)
        ret = rc;
    if (ps)
        rc = bind_map(b, s, "PredefinedScalingMetricSpecification", &m) < 0
                     ? ASG_EINVAL
                     : bind_predefined(b, m, scaling_names, &out->scaling_metric);
    else
        rc = bind_map(b, s, "CustomizedScalingMetricSpecification", &m) < 0
                     ? ASG_EINVAL
                     : bind_customized(b, m, ROLE_SCALING, &out->scaling_metric);
    if (rc < 0)
        ret = rc;
    if (ynode_get(s, "CustomizedCapacityMetricSpecification")) {
        enum predictive_metric ignored;
        /* asgsim knows the group's capacity: the metric is checked, then not needed */
        if (bind_map(b, s, "CustomizedCapacityMetricSpecification", &m) < 0 ||
            bind_customized(b, m, ROLE_CAPACITY, &ignored) < 0)
            ret = ASG_EINVAL;
    }
    return ret;
}

int predictive_config_bind(struct bind *b, const struct ynode *props, struct predictive_config *out)
{
    *out = (struct predictive_config){ .mode = PREDICTIVE_FORECAST_ONLY,
                                       .scheduling_buffer = PREDICTIVE_DEFAULT_BUFFER };
    const struct ynode *c;
    int rc = bind_map(b, props, "PredictiveScalingConfiguration", &c);
    if (rc <= 0)
        return rc ? rc : bind_missing(b, &props->loc, "PredictiveScalingConfiguration");
    static const char *const used[] = { "MetricSpecifications", "Mode", "SchedulingBufferTime",
                                        "MaxCapacityBreachBehavior", "MaxCapacityBuffer" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, c, &keys);
    if (ret)
        return ret;
    int v = 0;
    if ((rc = bind_enum(b, c, "Mode", predictive_mode_names, PREDICTIVE_MODE_NR, &v)) < 0)
        ret = rc;
    else if (rc == 1)
        out->mode = (enum predictive_mode)v;
    /* AWS (API_PredictiveScalingConfiguration): seconds, "the value must be less than the
       forecast interval duration of 3600 seconds" */
    int64_t secs;
    rc = bind_int(b, c, "SchedulingBufferTime", 0, INT64_MAX / SIM_US_PER_SEC, &secs);
    if (rc < 0)
        ret = rc;
    else if (rc == 1 && secs >= 3600)
        ret = diag_error(b->d, &ynode_get(c, "SchedulingBufferTime")->loc,
                         "%s: SchedulingBufferTime %lld s must be less than 3600 s (the forecast "
                         "interval)",
                         b->what, (long long)secs);
    else if (rc == 1)
        out->scheduling_buffer = SIM_SEC(secs);
    static const char *const breach[] = { "HonorMaxCapacity", "IncreaseMaxCapacity" };
    if ((rc = bind_enum(b, c, "MaxCapacityBreachBehavior", breach, 2, &v)) < 0)
        ret = rc;
    else if (rc == 1)
        out->increase_max = v == 1;
    /* AWS: MaxCapacityBuffer 0-100, "required if the MaxCapacityBreachBehavior property is
       set to IncreaseMaxCapacity, and cannot be used otherwise" */
    rc = bind_int(b, c, "MaxCapacityBuffer", 0, 100, &out->max_capacity_buffer_pct);
    if (rc < 0)
        ret = rc;
    else if (rc == 0 && out->increase_max)
        ret = diag_error(b->d, &ynode_get(c, "MaxCapacityBreachBehavior")->loc,
                         "%s: IncreaseMaxCapacity needs a MaxCapacityBuffer", b->what);
    else if (rc == 1 && !out->increase_max)
        ret = diag_error(b->d, &ynode_get_pair(c, "MaxCapacityBuffer")->key->loc,
                         "%s: MaxCapacityBuffer is valid only with MaxCapacityBreachBehavior "
                         "IncreaseMaxCapacity",
                         b->what);
    const struct ynode *specs;
    if ((rc = bind_get(b, c, "MetricSpecifications", &specs)) <= 0)
        return rc ? rc : bind_missing(b, &c->loc, "MetricSpecifications");
    /* AWS: "an array, but we currently only support a single metric specification" */
    if (specs->kind != YNODE_SEQ || specs->nr != 1)
        return diag_error(b->d, &specs->loc,
                          "%s: MetricSpecifications must be a list of exactly one metric "
                          "specification (AWS supports a single one)",
                          b->what);
    if ((rc = bind_spec(b, specs->items[0], out)) < 0)
        ret = rc;
    return ret;
}

int predictive_settings_bind(struct bind *b, const struct ynode *settings, sim_time *history)
{
    *history = 0;
    const struct ynode *m;
    int rc = bind_map(b, settings, "Predictive", &m);
    if (rc <= 0)
        return rc;
    struct bind pb = { b->cfn, b->d, "Predictive settings" };
    static const char *const used[] = { "History" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&pb, m, &keys);
    if (ret)
        return ret;
    /* up to the 14 days AWS's forecast looks back */
    rc = bind_duration(&pb, m, "History", 0, SIM_DAY(14), history);
    return rc < 0 ? rc : 0;
}

int predictive_config_check(const struct scaling_config *c, struct diag_list *d)
{
    const struct policy_config *scaling = NULL;
    for (size_t i = 0; i < c->nr_policies; i++) {
        const struct policy_config *p = &c->policies[i];
        if (p->type != POLICY_PREDICTIVE || p->predictive.mode != PREDICTIVE_FORECAST_AND_SCALE)
            continue;
        /* AWS (ec2-auto-scaling-predictive-scaling): only one predictive policy per group
           can actively scale */
        if (scaling)
            return diag_error(d, &p->loc,
                              "predictive scaling policies '%s' and '%s' are both "
                              "ForecastAndScale; only one predictive policy per group can scale",
                              scaling->logical_id, p->logical_id);
        scaling = p;
    }
    return 0;
}
