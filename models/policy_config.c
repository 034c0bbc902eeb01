/*
 * Binding AWS::AutoScaling::ScalingPolicy, AWS::AutoScaling::ScheduledAction and
 * AWS::CloudWatch::Alarm resources (and the CloudWatch settings) into plain data, with
 * AWS's validation rules and limits.
 */
#include "asgsim/bind.h"
#include "asgsim/cfn.h"
#include "asgsim/metric_bind.h"
#include "asgsim/policy.h"
#include "asgsim/policy_bind.h"
#include "asgsim/predictive_bind.h"
#include "asgsim/scenario.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"
#include "asgsim/yamltree.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asgsim/banned.h"

#define TYPE_POLICY   "AWS::AutoScaling::ScalingPolicy"
#define TYPE_SCHEDULE "AWS::AutoScaling::ScheduledAction"
#define TYPE_ALARM    "AWS::CloudWatch::Alarm"

/* AWS quotas (ec2-auto-scaling-quotas): fixed, cannot be raised. */
#define MAX_POLICIES  50
#define MAX_STEPS     20
#define MAX_SCHEDULES 125

bool scaling_config_handles(const char *type)
{
    return !strcmp(type, TYPE_POLICY) || !strcmp(type, TYPE_SCHEDULE) || !strcmp(type, TYPE_ALARM);
}

int cw_settings_bind(struct bind *b, const struct ynode *settings, struct cw_config *out)
{
    *out = (struct cw_config){ 0 };
    const struct ynode *m;
    int rc = bind_map(b, settings, "CloudWatch", &m);
    if (rc <= 0)
        return rc;
    struct bind cb = { b->cfn, b->d, "CloudWatch settings" };
    static const char *const used[] = { "PublicationDelay", "NetworkInBytesPerRequest",
                                        "NetworkOutBytesPerRequest" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&cb, m, &keys);
    if (ret)
        return ret;
    if ((rc = bind_duration(&cb, m, "PublicationDelay", 0, SIM_HOUR(1), &out->publication_delay)) <
        0)
        ret = rc;
    if ((rc = bind_double(&cb, m, "NetworkInBytesPerRequest", 0, 1e12,
                          &out->bytes_in_per_request)) < 0)
        ret = rc;
    if ((rc = bind_double(&cb, m, "NetworkOutBytesPerRequest", 0, 1e12,
                          &out->bytes_out_per_request)) < 0)
        ret = rc;
    return ret;
}

int tt_settings_bind(struct bind *b, const struct ynode *settings, double *scale_in_ratio)
{
    /* Observed AlarmLow thresholds are 70 % of the target (40 -> 28, 50 -> 35;
       aws-behaviour.md 4.3); AWS documents only "usually more than 10% lower". */
    *scale_in_ratio = TT_SCALE_IN_RATIO_DEFAULT;
    const struct ynode *m;
    int rc = bind_map(b, settings, "TargetTracking", &m);
    if (rc <= 0)
        return rc;
    struct bind tb = { b->cfn, b->d, "TargetTracking settings" };
    static const char *const used[] = { "ScaleInThresholdRatio" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&tb, m, &keys);
    if (ret)
        return ret;
    /* below 1 so that AlarmLow sits below the target; above 0 so that it can fire */
    rc = bind_double(&tb, m, "ScaleInThresholdRatio", 0.01, 0.99, scale_in_ratio);
    return rc < 0 ? rc : 0;
}

int cw_monitoring_bind(struct bind *b, const struct ynode *data, bool *detailed)
{
    const struct ynode *m;
    *detailed = false;
    int rc = bind_map(b, data, "Monitoring", &m);
    if (rc <= 0)
        return rc;
    static const char *const used[] = { "Enabled" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    if ((rc = bind_check_keys(b, m, &keys)) < 0)
        return rc;
    rc = bind_bool(b, m, "Enabled", detailed);
    return rc < 0 ? rc : 0;
}

struct sloader {
    struct cfn_template *t;
    struct diag_list *d;
    const char *group_id;
    const char *group_name;
    int64_t run_start;
    struct scaling_config *out;
    /* Several groups (issue 17 item 9): the others' logical ids and names, NULL-terminated
       (NULL with one group); `home` says whether an alarm without policy actions is ours. */
    const char *const *others;
    bool home;
    size_t foreign;            /* actions of the current alarm naming another group's policy */
    struct metric_scope scope; /* metrics the settings define (CustomMetrics) */
};

static bool names_other_group(const struct sloader *l, const char *g)
{
    for (size_t i = 0; l->others && l->others[i]; i++)
        if (!strcmp(g, l->others[i]))
            return true;
    return false;
}

/* AutoScalingGroupName must name the simulated group (by Ref or by name). */
static int check_group(struct sloader *l, struct bind *b, const struct cfn_resource *r)
{
    const char *g = NULL;
    int rc = bind_string(b, r->properties, "AutoScalingGroupName", &g);
    if (rc == 0)
        return bind_missing(b, &r->loc, "AutoScalingGroupName");
    if (rc < 0)
        return rc;
    if (names_other_group(l, g))
        return 1; /* another group's: loaded with that group */
    if (l->others && strcmp(g, l->group_id) && strcmp(g, l->group_name))
        return !l->home ? 1 /* reported once, by the home group */
                        : diag_error(l->d, &ynode_get(r->properties, "AutoScalingGroupName")->loc,
                                     "%s: AutoScalingGroupName '%s' names none of the template's "
                                     "Auto Scaling groups",
                                     b->what, g);
    if (strcmp(g, l->group_id) && strcmp(g, l->group_name))
        return diag_error(l->d, &ynode_get(r->properties, "AutoScalingGroupName")->loc,
                          "%s: AutoScalingGroupName '%s' is not the simulated group '%s'", b->what,
                          g, l->group_name);
    return 0;
}

static int cmp_steps(const void *pa, const void *pb)
{
    const struct step_adjustment *a = pa, *b = pb;
    double x = a->has_lower ? a->lower : -HUGE_VAL, y = b->has_lower ? b->lower : -HUGE_VAL;
    return (x > y) - (x < y);
}

/* AWS (API_StepAdjustment): no overlaps or gaps; null lower = -inf, null upper = +inf. */
static int load_steps(struct sloader *l, struct bind *b, const struct ynode *props,
                      struct policy_config *p)
{
    const struct ynode *list;
    int rc = bind_get(b, props, "StepAdjustments", &list);
    if (rc <= 0)
        return rc == 0 ? bind_missing(b, &p->loc, "StepAdjustments") : rc;
    if (list->kind != YNODE_SEQ || list->nr == 0)
        return diag_error(l->d, &list->loc, "%s: StepAdjustments must be a non-empty list",
                          b->what);
    if (list->nr > MAX_STEPS)
        return diag_error(l->d, &list->loc,
                          "%s: %zu step adjustments; AWS allows at most %d per policy", b->what,
                          list->nr, MAX_STEPS);
    static const char *const used[] = { "MetricIntervalLowerBound", "MetricIntervalUpperBound",
                                        "ScalingAdjustment" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    p->steps = xcalloc(list->nr, sizeof(*p->steps));
    int ret = 0;
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *item = list->items[i];
        struct step_adjustment *s = &p->steps[p->nr_steps++];
        if ((rc = bind_check_keys(b, item, &keys)) < 0) {
            ret = rc;
            continue;
        }
        rc = bind_double(b, item, "MetricIntervalLowerBound", -1e300, 1e300, &s->lower);
        s->has_lower = rc == 1;
        if (rc < 0)
            ret = rc;
        rc = bind_double(b, item, "MetricIntervalUpperBound", -1e300, 1e300, &s->upper);
        s->has_upper = rc == 1;
        if (rc < 0)
            ret = rc;
        rc = bind_int(b, item, "ScalingAdjustment", -SCENARIO_MAX_INSTANCES, SCENARIO_MAX_INSTANCES,
                      &s->adjustment);
        if (rc == 0)
            rc = bind_missing(b, &item->loc, "ScalingAdjustment");
        if (rc < 0)
            ret = rc;
        if (!s->has_lower && !s->has_upper)
            ret = diag_error(l->d, &item->loc,
                             "%s: a step adjustment needs a lower or an upper bound", b->what);
        else if (s->has_lower && s->has_upper && s->upper <= s->lower)
            ret = diag_error(l->d, &item->loc,
                             "%s: MetricIntervalUpperBound must be greater than "
                             "MetricIntervalLowerBound",
                             b->what);
    }
    if (ret)
        return ret;
    qsort(p->steps, p->nr_steps, sizeof(*p->steps), cmp_steps);
    for (size_t i = 0; i < p->nr_steps; i++) {
        const struct step_adjustment *s = &p->steps[i];
        if (i > 0 && !s->has_lower)
            return diag_error(l->d, &list->loc,
                              "%s: only one step adjustment may have a null lower bound", b->what);
        if (i + 1 < p->nr_steps && (!s->has_upper || s->upper != p->steps[i + 1].lower))
            return diag_error(l->d, &list->loc,
                              "%s: step adjustments must not overlap or leave gaps (an upper bound "
                              "must equal the next step's lower bound)",
                              b->what);
    }
    const struct step_adjustment *first = &p->steps[0], *last = &p->steps[p->nr_steps - 1];
    if (first->has_lower && first->lower < 0)
        return diag_error(l->d, &list->loc,
                          "%s: a step has a negative lower bound, so one step needs a null lower "
                          "bound",
                          b->what);
    if (last->has_upper && last->upper > 0)
        return diag_error(l->d, &list->loc,
                          "%s: a step has a positive upper bound, so one step needs a null upper "
                          "bound",
                          b->what);
    return 0;
}

/* Move `m` into the scaling config, which owns metric math; \return where it now lives. */
static const struct cw_math *keep_math(struct scaling_config *c, const struct cw_math *m)
{
    c->maths = xrealloc(c->maths, (c->nr_maths + 1) * sizeof(*c->maths));
    struct cw_math *kept = xcalloc(1, sizeof(*kept));
    *kept = *m;
    c->maths[c->nr_maths++] = kept;
    return kept;
}

/* A MetricName as the template resolves it (`!Ref Param` gives the parameter's value). */
static const char *resolved_name(struct sloader *l, const struct ynode *name)
{
    const struct ynode *v = cfn_resolve(l->t, name, NULL);
    return v && v->kind == YNODE_SCALAR ? v->scalar : name->scalar;
}

/*
 * A metric asgsim does not produce that the settings define (CustomMetrics): its expression
 * with this use's statistic, as metric math kept in the scaling config. \return 1 (*math
 * set), 0 when none defines it (*other_ns: a definition in another namespace, or NULL), or
 * ASG_EINVAL (its definition was reported bad).
 */
static int bind_defined(struct sloader *l, const char *ns, const char *name, enum cw_statistic stat,
                        const struct cw_math **math, const char **other_ns)
{
    struct metric_custom *def = metric_find_custom(&l->scope, ns, name, other_ns);
    if (!def)
        return 0;
    struct cw_math m;
    int rc = metric_bind_custom(def, stat, &m);
    if (rc < 0)
        return rc;
    *math = keep_math(l->out, &m);
    return 1;
}

/*
 * CustomizedMetricSpecification (API_CustomizedMetricSpecification): MetricName,
 * Namespace, Dimensions and Statistic of one metric, or `Metrics` (metric math), not both;
 * Period (10, 30 or 60 s: high-resolution target tracking) optional.
 */
static int load_customized(struct sloader *l, struct bind *b, const struct ynode *cm,
                           struct policy_config *p)
{
    static const char *const used[] = { "MetricName", "Namespace", "Dimensions",
                                        "Statistic",  "Metrics",   "Period" };
    static const char *const inert[] = { "Unit" };
    const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(inert), NULL, 0 };
    int rc = bind_check_keys(b, cm, &keys);
    if (rc < 0)
        return rc;
    p->customized = true;
    int64_t period = 0;
    const struct ynode *list = NULL, *unproduced = NULL;
    const char *other_ns = NULL;
    if ((rc = bind_get(b, cm, "Metrics", &list)) < 0)
        return rc;
    if (list) {
        static const char *const single[] = { "MetricName", "Namespace", "Dimensions",
                                              "Statistic" };
        for (size_t i = 0; i < ARRAY_SIZE(single); i++)
            if (ynode_get(cm, single[i]))
                return diag_error(l->d, &ynode_get_pair(cm, single[i])->key->loc,
                                  "%s: CustomizedMetricSpecification gives Metrics and %s; "
                                  "AWS accepts one form",
                                  b->what, single[i]);
        struct cw_math m;
        if ((rc = metric_bind_math(b, list, &l->scope, &m, &period, &unproduced)) < 0)
            return rc;
        if (rc == 1)
            p->custom_math = keep_math(l->out, &m);
    } else {
        const char *ns = NULL, *name = NULL;
        const struct ynode *dims = NULL;
        int rn = bind_string(b, cm, "MetricName", &name);
        int rs = bind_string(b, cm, "Namespace", &ns);
        int v = 0;
        const char *st = NULL;
        enum cw_statistic pst;
        int rt;
        if (bind_string(b, cm, "Statistic", &st) == 1 && cw_percentile_parse(st, &pst))
            /* AWS's CustomizedMetricSpecification Statistic is Average | Minimum | Maximum |
               SampleCount | Sum; a percentile goes in a Metrics MetricStat's Stat */
            rt = diag_error(b->d, &ynode_get(cm, "Statistic")->loc,
                            "%s: CustomizedMetricSpecification's Statistic cannot be a percentile "
                            "('%s'; AWS allows Average, Minimum, Maximum, SampleCount, Sum): give "
                            "Metrics with a MetricStat whose Stat is '%s'",
                            b->what, st, st);
        else
            rt = bind_enum(b, cm, "Statistic", cw_statistic_names, CW_STAT_NR, &v);
        if (rn == 0)
            rn = bind_missing(b, &cm->loc, "MetricName");
        if (rs == 0)
            rs = bind_missing(b, &cm->loc, "Namespace");
        if (rt == 0)
            rt = bind_missing(b, &cm->loc, "Statistic");
        if (rn < 0 || rs < 0 || rt < 0 || (rc = bind_get(b, cm, "Dimensions", &dims)) < 0)
            return ASG_EINVAL;
        p->custom_statistic = (enum cw_statistic)v;
        const struct ynode *at = ynode_get(cm, "MetricName");
        if ((rc = metric_bind_name(b, at, ns, name, dims, &p->custom_metric)) < 0)
            return rc;
        if (rc == 0 &&
            (rc = bind_defined(l, ns, name, p->custom_statistic, &p->custom_math, &other_ns)) < 0)
            return rc;
        if (rc == 0)
            unproduced = at;
    }
    if (unproduced)
        return diag_error(l->d, &unproduced->loc,
                          "%s: metric '%s' is not one asgsim produces (asgsim produces %s)%s%s%s",
                          b->what, resolved_name(l, unproduced), metric_bind_produced,
                          other_ns ? "; CustomMetrics defines it in namespace '" : "",
                          other_ns ? other_ns : "", other_ns ? "'" : "");
    /* AWS: Period 10, 30 or 60 for target tracking on high-resolution metrics */
    if ((rc = bind_int(b, cm, "Period", 10, 60, &period)) < 0)
        return rc;
    if (rc == 1 && period != 10 && period != 30 && period != 60)
        return diag_error(l->d, &ynode_get(cm, "Period")->loc,
                          "%s: Period must be 10, 30 or 60 seconds, got %" PRId64, b->what, period);
    p->custom_period = SIM_SEC(period);
    return 0;
}

static int load_target_tracking(struct sloader *l, struct bind *b, const struct ynode *props,
                                struct policy_config *p)
{
    const struct ynode *tt;
    int rc = bind_map(b, props, "TargetTrackingConfiguration", &tt);
    if (rc <= 0)
        return rc == 0 ? bind_missing(b, &p->loc, "TargetTrackingConfiguration") : rc;
    static const char *const used[] = { "TargetValue", "DisableScaleIn",
                                        "PredefinedMetricSpecification",
                                        "CustomizedMetricSpecification" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, tt, &keys);
    if (ret)
        return ret;
    rc = bind_double(b, tt, "TargetValue", 1e-9, 1e300, &p->target_value);
    if (rc == 0)
        rc = bind_missing(b, &tt->loc, "TargetValue");
    if (rc < 0)
        ret = rc;
    if ((rc = bind_bool(b, tt, "DisableScaleIn", &p->disable_scale_in)) < 0)
        ret = rc;
    const struct ynode *cm = NULL;
    if ((rc = bind_map(b, tt, "CustomizedMetricSpecification", &cm)) < 0)
        return rc;
    const struct ynode *pm_given = NULL;
    if (cm && bind_get(b, tt, "PredefinedMetricSpecification", &pm_given) == 1)
        return diag_error(l->d, &ynode_get_pair(tt, "CustomizedMetricSpecification")->key->loc,
                          "%s: give PredefinedMetricSpecification or "
                          "CustomizedMetricSpecification, not both",
                          b->what);
    if (cm)
        return (rc = load_customized(l, b, cm, p)) < 0 ? rc : ret;
    const struct ynode *pm;
    rc = bind_map(b, tt, "PredefinedMetricSpecification", &pm);
    if (rc == 0)
        rc = bind_missing(b, &tt->loc, "PredefinedMetricSpecification");
    if (rc < 0)
        return rc;
    static const char *const pused[] = { "PredefinedMetricType", "ResourceLabel" };
    const struct bind_keys pkeys = { BIND_LIST(pused), NULL, 0, NULL, 0 };
    if ((rc = bind_check_keys(b, pm, &pkeys)) < 0)
        return rc;
    int m = 0;
    rc = bind_enum(b, pm, "PredefinedMetricType", tt_metric_names, TT_NR, &m);
    if (rc == 0)
        rc = bind_missing(b, &pm->loc, "PredefinedMetricType");
    if (rc < 0)
        return rc;
    p->metric = (enum tt_metric)m;
    /* AWS (API_PredefinedMetricSpecification): the ALB metric needs a ResourceLabel. */
    if (p->metric == TT_ALB_REQUESTS && !ynode_get(pm, "ResourceLabel"))
        ret = bind_missing(b, &pm->loc, "ResourceLabel");
    return ret;
}

static int load_policy(struct sloader *l, const struct cfn_resource *r)
{
    char *what = xasprintf(TYPE_POLICY " '%s'", r->logical_id);
    struct bind b = { l->t, l->d, what };
    static const char *const used[] = { "AutoScalingGroupName",
                                        "PolicyType",
                                        "AdjustmentType",
                                        "ScalingAdjustment",
                                        "Cooldown",
                                        "EstimatedInstanceWarmup",
                                        "MetricAggregationType",
                                        "MinAdjustmentMagnitude",
                                        "StepAdjustments",
                                        "TargetTrackingConfiguration",
                                        "PredictiveScalingConfiguration" };
    static const char *const unmodelled[] = { "MinAdjustmentStep" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, BIND_LIST(unmodelled) };
    struct policy_config p = { 0 };
    const struct ynode *props = r->properties;
    p.loc = r->loc;
    int ret = 0, rc, v = 0;
    int64_t secs;
    if (!props) {
        ret = bind_missing(&b, &r->loc, "Properties");
        goto out;
    }
    if ((ret = bind_check_keys(&b, props, &keys)) < 0)
        goto out;
    if ((rc = check_group(l, &b, r)) < 0)
        ret = rc;
    else if (rc == 1) {
        ret = 1;
        goto out;
    }
    static const char *const types[] = { "SimpleScaling", "StepScaling", "TargetTrackingScaling",
                                         "PredictiveScaling" };
    if ((rc = bind_enum(&b, props, "PolicyType", types, ARRAY_SIZE(types), &v)) < 0) {
        ret = rc;
        goto out;
    }
    p.type = (enum policy_type)v; /* SimpleScaling when PolicyType is omitted */
    if (p.type == POLICY_SIMPLE || p.type == POLICY_STEP) {
        rc = bind_enum(&b, props, "AdjustmentType", adjustment_type_names, ADJ_NR, &v);
        if (rc == 0)
            rc = bind_missing(&b, &r->loc, "AdjustmentType");
        if (rc < 0)
            ret = rc;
        p.adjustment_type = (enum adjustment_type)v;
    }

    /* AWS (API_PutScalingPolicy): which property is valid with which policy type. */
    static const struct {
        const char *key;
        unsigned types; /* bit per enum policy_type */
    } valid[] = {
        { "AdjustmentType", 1u << POLICY_SIMPLE | 1u << POLICY_STEP },
        { "ScalingAdjustment", 1u << POLICY_SIMPLE },
        { "Cooldown", 1u << POLICY_SIMPLE },
        { "MinAdjustmentMagnitude", 1u << POLICY_SIMPLE | 1u << POLICY_STEP },
        { "EstimatedInstanceWarmup", 1u << POLICY_STEP | 1u << POLICY_TARGET_TRACKING },
        { "MetricAggregationType", 1u << POLICY_STEP },
        { "StepAdjustments", 1u << POLICY_STEP },
        { "TargetTrackingConfiguration", 1u << POLICY_TARGET_TRACKING },
        { "PredictiveScalingConfiguration", 1u << POLICY_PREDICTIVE },
    };

    for (size_t i = 0; i < ARRAY_SIZE(valid); i++) {
        if ((valid[i].types >> p.type & 1) || !ynode_get(props, valid[i].key))
            continue;
        const struct src_loc *at = &ynode_get_pair(props, valid[i].key)->key->loc;
        /* AWS accepts a Cooldown on target tracking and ignores it: CloudFormation deploys
         * such policies (IBM WebSphere Liberty and Magento Quick Starts; aws-cdk issue 32667). */
        if (p.type == POLICY_TARGET_TRACKING && strcmp(valid[i].key, "Cooldown") == 0)
            diag_warning(l->d, at,
                         "%s: 'Cooldown' has no effect on a TargetTrackingScaling policy "
                         "(AWS accepts and ignores it); ignored",
                         what);
        else
            ret = diag_error(l->d, at, "%s: '%s' is not valid for a %s policy", what, valid[i].key,
                             policy_type_names[p.type]);
    }
    if (ret)
        goto out;
    if (p.type == POLICY_SIMPLE) {
        rc = bind_int(&b, props, "ScalingAdjustment", -SCENARIO_MAX_INSTANCES,
                      SCENARIO_MAX_INSTANCES, &p.scaling_adjustment);
        if (rc == 0)
            rc = bind_missing(&b, &r->loc, "ScalingAdjustment");
        if (rc < 0)
            ret = rc;
        else if (p.adjustment_type == ADJ_EXACT_CAPACITY && p.scaling_adjustment < 0)
            ret = diag_error(l->d, &ynode_get(props, "ScalingAdjustment")->loc,
                             "%s: ExactCapacity needs a ScalingAdjustment >= 0", what);
        /* Cooldown is a String of seconds (aws-properties-as-policy) */
        if ((rc = bind_int(&b, props, "Cooldown", 0, 86400 * 365, &secs)) < 0)
            ret = rc;
        else if (rc == 1) {
            p.has_cooldown = true;
            p.cooldown = SIM_SEC(secs);
        }
    }
    if ((rc = bind_int(&b, props, "MinAdjustmentMagnitude", 1, SCENARIO_MAX_INSTANCES,
                       &p.min_adjustment_magnitude)) < 0)
        ret = rc;
    else if (rc == 1 && p.adjustment_type != ADJ_PERCENT)
        ret = diag_error(l->d, &ynode_get(props, "MinAdjustmentMagnitude")->loc,
                         "%s: MinAdjustmentMagnitude is valid only with PercentChangeInCapacity",
                         what);
    if ((rc = bind_int(&b, props, "EstimatedInstanceWarmup", 0, 86400 * 365, &secs)) < 0)
        ret = rc;
    else if (rc == 1) {
        p.has_warmup = true;
        p.warmup = SIM_SEC(secs);
    }
    static const char *const aggs[] = { "Average", "Minimum", "Maximum" };
    p.aggregation = CW_AVERAGE;
    if ((rc = bind_enum(&b, props, "MetricAggregationType", aggs, ARRAY_SIZE(aggs), &v)) < 0)
        ret = rc;
    else if (rc == 1)
        p.aggregation = v == 0 ? CW_AVERAGE : v == 1 ? CW_MINIMUM : CW_MAXIMUM;
    if (p.type == POLICY_STEP && (rc = load_steps(l, &b, props, &p)) < 0)
        ret = rc;
    if (p.type == POLICY_STEP && ret == 0 && p.adjustment_type == ADJ_EXACT_CAPACITY)
        for (size_t i = 0; i < p.nr_steps; i++)
            if (p.steps[i].adjustment < 0)
                ret = diag_error(l->d, &ynode_get(props, "StepAdjustments")->loc,
                                 "%s: ExactCapacity needs ScalingAdjustment >= 0 in every step",
                                 what);
    if (p.type == POLICY_TARGET_TRACKING && (rc = load_target_tracking(l, &b, props, &p)) < 0)
        ret = rc;
    if (p.type == POLICY_PREDICTIVE && (rc = predictive_config_bind(&b, props, &p.predictive)) < 0)
        ret = rc;
out:
    if (ret == 0) {
        struct scaling_config *c = l->out;
        p.logical_id = xstrdup(r->logical_id);
        p.name = xstrdup(r->logical_id);
        c->policies = xrealloc(c->policies, (c->nr_policies + 1) * sizeof(p));
        c->policies[c->nr_policies++] = p;
    } else {
        policy_config_release(&p);
    }
    free(what);
    return ret < 0 ? ret : 0;
}

/* A list of actions: Refs to scaling policies become their indexes; others are ignored. */
static int load_actions(struct sloader *l, struct bind *b, const struct ynode *props,
                        const char *key, size_t **out, size_t *nr)
{
    const struct ynode **items;
    size_t n;
    int rc = bind_scalar_list(b, props, key, &items, &n);
    if (rc <= 0)
        return rc;
    *out = xcalloc(n + 1, sizeof(**out));
    const struct scaling_config *c = l->out;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < c->nr_policies && strcmp(items[i]->scalar, c->policies[k].logical_id))
            k++;
        if (k < c->nr_policies) {
            (*out)[(*nr)++] = k;
            continue;
        }
        /* SNS topics and the like are fine; a policy that was not loaded is worth a word */
        const struct cfn_resource *r = cfn_find_resource(l->t, items[i]->scalar);
        const struct ynode *g =
                r && r->properties ? ynode_get(r->properties, "AutoScalingGroupName") : NULL;
        if (r && !strcmp(r->type, TYPE_POLICY) && g && g->kind == YNODE_SCALAR &&
            names_other_group(l, g->scalar))
            l->foreign++;
        else if (r && !strcmp(r->type, TYPE_POLICY))
            diag_warning(l->d, &items[i]->loc, "%s: %s: policy '%s' is not simulated", b->what, key,
                         items[i]->scalar);
    }
    free(items);
    return 1;
}

static void c_skip(struct scaling_config *c, const char *logical_id)
{
    c->skipped = xrealloc(c->skipped, (c->nr_skipped + 1) * sizeof(*c->skipped));
    c->skipped[c->nr_skipped++] = xstrdup(logical_id);
}

static int load_alarm(struct sloader *l, const struct cfn_resource *r)
{
    char *what = xasprintf(TYPE_ALARM " '%s'", r->logical_id);
    struct bind b = { l->t, l->d, what };
    l->foreign = 0;
    static const char *const used[] = { "AlarmName",
                                        "ComparisonOperator",
                                        "EvaluationPeriods",
                                        "DatapointsToAlarm",
                                        "MetricName",
                                        "Namespace",
                                        "Period",
                                        "Statistic",
                                        "Threshold",
                                        "TreatMissingData",
                                        "ActionsEnabled",
                                        "AlarmActions",
                                        "OKActions",
                                        "Dimensions",
                                        "Metrics",
                                        "ExtendedStatistic",
                                        "EvaluateLowSampleCountPercentile",
                                        "ThresholdMetricId" };
    static const char *const inert[] = { "AlarmDescription", "Unit", "InsufficientDataActions",
                                         "Tags" };
    const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(inert), NULL, 0 };
    struct cw_alarm_config a = { .actions_enabled = true, .loc = r->loc };
    const struct ynode *props = r->properties;
    const char *s = NULL, *ns = NULL;
    int ret = 0, rc, v = 0;
    if (!props) {
        ret = bind_missing(&b, &r->loc, "Properties");
        goto out;
    }
    if ((ret = bind_check_keys(&b, props, &keys)) < 0)
        goto out;
    if (ynode_get(props, "ThresholdMetricId")) {
        /* An anomaly-detection alarm: asgsim does not model the bands, and AWS refuses one
           with Auto Scaling actions (API_PutMetricAlarm: "Alarms based on anomaly detection
           models cannot have Auto Scaling actions"); one that only notifies is skipped. */
        if ((ret = load_actions(l, &b, props, "AlarmActions", &a.alarm_actions,
                                &a.nr_alarm_actions)) >= 0)
            ret = load_actions(l, &b, props, "OKActions", &a.ok_actions, &a.nr_ok_actions);
        if (ret >= 0 && a.nr_alarm_actions + a.nr_ok_actions > 0) {
            size_t pol = a.nr_alarm_actions ? a.alarm_actions[0] : a.ok_actions[0];
            ret = diag_error(l->d, &ynode_get_pair(props, "ThresholdMetricId")->key->loc,
                             "%s: an anomaly-detection alarm (ThresholdMetricId) cannot have Auto "
                             "Scaling actions (AWS refuses it: API_PutMetricAlarm), and this one "
                             "triggers scaling policy '%s'; asgsim does not model anomaly "
                             "detection either",
                             what, l->out->policies[pol].logical_id);
        } else if (ret >= 0) {
            /* several groups: listed once, with the home group (as below) */
            if (!l->foreign && (!l->others || l->home))
                c_skip(l->out, r->logical_id);
            ret = 1;
        }
        goto out;
    }
    const char *name = r->logical_id;
    if ((rc = bind_string(&b, props, "AlarmName", &name)) < 0)
        ret = rc;
    a.name = xstrdup(name);
    rc = bind_enum(&b, props, "ComparisonOperator", cw_comparison_names, CW_CMP_NR, &v);
    if (rc == 0)
        rc = bind_missing(&b, &r->loc, "ComparisonOperator");
    if (rc < 0)
        ret = rc;
    a.comparison = (enum cw_comparison)v;
    rc = bind_int(&b, props, "EvaluationPeriods", 1, 100000, &a.evaluation_periods);
    if (rc == 0)
        rc = bind_missing(&b, &r->loc, "EvaluationPeriods");
    if (rc < 0)
        ret = rc;
    a.datapoints_to_alarm = a.evaluation_periods;
    if ((rc = bind_int(&b, props, "DatapointsToAlarm", 1, 100000, &a.datapoints_to_alarm)) < 0)
        ret = rc;
    else if (rc == 1 && a.datapoints_to_alarm > a.evaluation_periods)
        ret = diag_error(l->d, &ynode_get(props, "DatapointsToAlarm")->loc,
                         "%s: DatapointsToAlarm (%" PRId64
                         ") must not be greater than EvaluationPeriods (%" PRId64 ")",
                         what, a.datapoints_to_alarm, a.evaluation_periods);
    if ((rc = bind_double(&b, props, "Threshold", -1e300, 1e300, &a.threshold)) < 0)
        ret = rc;
    v = 0;
    if ((rc = bind_enum(&b, props, "TreatMissingData", cw_missing_names, CW_MISSING_NR, &v)) < 0)
        ret = rc;
    a.missing = (enum cw_missing)v;
    if ((rc = bind_bool(&b, props, "ActionsEnabled", &a.actions_enabled)) < 0)
        ret = rc;
    if ((rc = load_actions(l, &b, props, "AlarmActions", &a.alarm_actions, &a.nr_alarm_actions)) <
        0)
        ret = rc;
    if ((rc = load_actions(l, &b, props, "OKActions", &a.ok_actions, &a.nr_ok_actions)) < 0)
        ret = rc;
    /* Several groups: an alarm goes with the group whose policies it triggers; one that
       triggers none goes with the home group (scenario_groups.c), so it is read once. */
    if (l->others && ret == 0 && a.nr_alarm_actions + a.nr_ok_actions == 0 &&
        (l->foreign || !l->home)) {
        ret = 1;
        goto out;
    }
    /* The metric: MetricName, Namespace, Statistic and Period, or `Metrics` (metric math,
       each MetricStat with its Period), not both (API_PutMetricAlarm). */
    int64_t period = 0;
    const struct ynode *list = NULL, *unproduced = NULL;
    const char *other_ns = NULL;
    if ((rc = bind_get(&b, props, "Metrics", &list)) < 0) {
        ret = rc;
    } else if (list) {
        static const char *const single[] = { "MetricName",        "Namespace", "Statistic",
                                              "ExtendedStatistic", "Period",    "Dimensions" };
        for (size_t i = 0; i < ARRAY_SIZE(single); i++)
            if (ynode_get(props, single[i]))
                ret = diag_error(l->d, &ynode_get_pair(props, single[i])->key->loc,
                                 "%s: give Metrics or %s, not both", what, single[i]);
        struct cw_math m;
        if (ret == 0 && (rc = metric_bind_math(&b, list, &l->scope, &m, &period, &unproduced)) < 0)
            ret = rc;
        else if (ret == 0 && rc == 1)
            a.math = keep_math(l->out, &m);
        if (ret == 0 && !unproduced && period == 0)
            ret = diag_error(l->d, &list->loc, "%s: no MetricStat of Metrics gives a Period", what);
        if (a.math && a.math->nr_queries)
            a.metric = a.math->queries[0].metric; /* for the period rule below */
    } else {
        /* API_PutMetricAlarm: "you must specify either Statistic or ExtendedStatistic but not
           both"; ExtendedStatistic is a percentile */
        rc = metric_bind_statistic(&b, props, "Statistic", true, false, &a.statistic);
        int rx = metric_bind_statistic(&b, props, "ExtendedStatistic", false, true, &a.statistic);
        if (rc == 1 && rx == 1)
            rc = diag_error(l->d, &ynode_get_pair(props, "ExtendedStatistic")->key->loc,
                            "%s: give Statistic or ExtendedStatistic, not both", what);
        else if (rc == 0 && rx == 0)
            rc = diag_error(l->d, &r->loc,
                            "%s: missing required property 'Statistic' (or 'ExtendedStatistic' for "
                            "a percentile, or 'Metrics')",
                            what);
        if (rc < 0 || rx < 0)
            ret = ASG_EINVAL;
        rc = bind_int(&b, props, "Period", 1, 86400 * 7, &period);
        if (rc == 0)
            rc = bind_missing(&b, &r->loc, "Period");
        if (rc < 0)
            ret = rc;
        const struct ynode *dims = NULL;
        rc = bind_string(&b, props, "MetricName", &s);
        int rns = bind_string(&b, props, "Namespace", &ns);
        if (rc == 0)
            rc = bind_missing(&b, &r->loc, "MetricName");
        if (rns == 0)
            rns = bind_missing(&b, &r->loc, "Namespace");
        if (rc < 0 || rns < 0 || bind_get(&b, props, "Dimensions", &dims) < 0) {
            ret = ASG_EINVAL;
        } else {
            const struct ynode *at = ynode_get(props, "MetricName");
            if ((rc = metric_bind_name(&b, at, ns, s, dims, &a.metric)) < 0)
                ret = rc;
            else if (rc == 0 && (rc = bind_defined(l, ns, s, a.statistic, &a.math, &other_ns)) < 0)
                ret = rc;
            else if (rc == 0)
                unproduced = at;
            /* for the period rule below */
            if (rc == 1 && a.math && a.math->nr_queries)
                a.metric = a.math->queries[0].metric;
        }
    }
    if (ret == 0 && unproduced) {
        if (a.nr_alarm_actions + a.nr_ok_actions == 0) {
            /* Issue 17: an alarm on a database, a queue of another service or a metric of
               the instances asgsim does not produce only notifies; skipping it changes no
               scaling decision. The loader lists it in one warning. */
            c_skip(l->out, r->logical_id);
            ret = 1;
        } else {
            size_t pol = a.nr_alarm_actions ? a.alarm_actions[0] : a.ok_actions[0];
            const struct ynode *nsn = list ? NULL : ynode_get(props, "Namespace");
            ret = diag_error(l->d, &unproduced->loc,
                             "%s: metric '%s'%s%s%s is not one asgsim produces, and the alarm "
                             "triggers the group's scaling policy '%s' (asgsim produces %s)%s%s%s",
                             what, resolved_name(l, unproduced), nsn ? " in namespace '" : "",
                             nsn ? ns : "", nsn ? "'" : "", l->out->policies[pol].logical_id,
                             metric_bind_produced,
                             other_ns ? "; CustomMetrics defines it in namespace '" : "",
                             other_ns ? other_ns : "", other_ns ? "'" : "");
        }
    }
    const struct ynode *pn = list ? list : ynode_get(props, "Period");
    if (ret == 0 && period % 60 != 0 &&
        !(a.metric == CW_AGENT_CPU && (period == 10 || period == 20 || period == 30))) {
        /* AWS allows 10, 20 and 30 s too, but only on high-resolution metrics */
        ret = diag_error(l->d, &pn->loc,
                         "%s: Period %" PRId64 " s: asgsim's metrics have 1-minute resolution, so "
                         "the Period must be a multiple of 60",
                         what, period);
    } else if (ret == 0) {
        a.period = SIM_SEC(period);
        /* AWS (API_PutMetricAlarm): Period x EvaluationPeriods <= 1 day for periods under
           an hour, <= 7 days otherwise */
        int64_t limit = period < 3600 ? 86400 : 7 * 86400;
        if (a.evaluation_periods > 0 && period * a.evaluation_periods > limit)
            ret = diag_error(l->d, &pn->loc,
                             "%s: Period x EvaluationPeriods is %" PRId64 " s, more than AWS's "
                             "limit of %" PRId64 " s",
                             what, period * a.evaluation_periods, limit);
    }
    if (ret == 0) {
        static const char *const low[] = { "evaluate", "ignore" };
        v = 0;
        if ((rc = bind_enum(&b, props, "EvaluateLowSampleCountPercentile", low, 2, &v)) < 0)
            ret = rc;
        else if (rc == 1 && (a.math || !cw_stat_is_percentile(a.statistic)))
            /* API_PutMetricAlarm: "Used only for alarms based on percentiles" */
            diag_warning(l->d, &ynode_get_pair(props, "EvaluateLowSampleCountPercentile")->key->loc,
                         "%s: EvaluateLowSampleCountPercentile applies to an alarm on one metric "
                         "with a percentile ExtendedStatistic only; ignored",
                         what);
        else
            a.low_sample_ignore = v == 1;
    }
out:
    if (ret == 0) {
        struct scaling_config *c = l->out;
        c->alarms = xrealloc(c->alarms, (c->nr_alarms + 1) * sizeof(a));
        c->alarms[c->nr_alarms++] = a;
    } else {
        cw_alarm_config_release(&a);
    }
    free(what);
    return ret;
}

static int bind_utc(struct sloader *l, struct bind *b, const struct ynode *props, const char *key,
                    int64_t *out)
{
    const char *s;
    int rc = bind_string(b, props, key, &s);
    if (rc <= 0)
        return rc;
    if (!utc_parse(s, out))
        return diag_error(l->d, &ynode_get(props, key)->loc,
                          "%s: '%s' must be a UTC time like 2024-01-01T00:00:00Z, got '%s'",
                          b->what, key, s);
    return 1;
}

/* An IANA zone name as glibc finds it under the tz database. */
static bool zone_exists(const char *zone)
{
    if (!*zone || zone[0] == '/' || strstr(zone, ".."))
        return false;
    const char *dir = getenv("TZDIR");
    char *path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
    /* A directory such as America exists under the tz database but names no zone. */
    struct stat st;
    bool ok = stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
    free(path);
    return ok;
}

static int load_schedule(struct sloader *l, const struct cfn_resource *r)
{
    char *what = xasprintf(TYPE_SCHEDULE " '%s'", r->logical_id);
    struct bind b = { l->t, l->d, what };
    static const char *const used[] = {
        "AutoScalingGroupName", "MinSize",   "MaxSize", "DesiredCapacity",
        "Recurrence",           "StartTime", "EndTime", "TimeZone"
    };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    struct schedule_config s = { .loc = r->loc };
    const struct ynode *props = r->properties;
    int ret = 0, rc;
    const char *text;
    if (!props) {
        ret = bind_missing(&b, &r->loc, "Properties");
        goto out;
    }
    if ((ret = bind_check_keys(&b, props, &keys)) < 0)
        goto out;
    if ((rc = check_group(l, &b, r)) < 0)
        ret = rc;
    else if (rc == 1) {
        ret = 1;
        goto out;
    }
    const int64_t cap = SCENARIO_MAX_INSTANCES;
    if ((rc = bind_int(&b, props, "MinSize", 0, cap, &s.min_size)) < 0)
        ret = rc;
    s.has_min = rc == 1;
    if ((rc = bind_int(&b, props, "MaxSize", 0, cap, &s.max_size)) < 0)
        ret = rc;
    s.has_max = rc == 1;
    if ((rc = bind_int(&b, props, "DesiredCapacity", 0, cap, &s.desired_capacity)) < 0)
        ret = rc;
    s.has_desired = rc == 1;
    if (ret == 0 && !s.has_min && !s.has_max && !s.has_desired)
        ret = diag_error(l->d, &r->loc,
                         "%s: give at least one of MinSize, MaxSize and DesiredCapacity", what);
    if (ret == 0 && s.has_min && s.has_max && s.min_size > s.max_size)
        ret = diag_error(l->d, &ynode_get(props, "MinSize")->loc,
                         "%s: MinSize (%" PRId64 ") must not be greater than MaxSize (%" PRId64 ")",
                         what, s.min_size, s.max_size);
    if (ret == 0 && s.has_desired &&
        ((s.has_min && s.desired_capacity < s.min_size) ||
         (s.has_max && s.desired_capacity > s.max_size)))
        ret = diag_error(l->d, &ynode_get(props, "DesiredCapacity")->loc,
                         "%s: DesiredCapacity must be between MinSize and MaxSize", what);
    if ((rc = bind_string(&b, props, "Recurrence", &text)) < 0) {
        ret = rc;
    } else if (rc == 1) {
        char err[160];
        s.has_recurrence = true;
        if (!cron_parse(text, &s.cron, err, sizeof(err)))
            ret = diag_error(l->d, &ynode_get(props, "Recurrence")->loc, "%s: Recurrence '%s': %s",
                             what, text, err);
    }
    if ((rc = bind_string(&b, props, "TimeZone", &text)) < 0) {
        ret = rc;
    } else if (rc == 1) {
        if (!zone_exists(text))
            ret = diag_error(l->d, &ynode_get(props, "TimeZone")->loc,
                             "%s: TimeZone '%s' is not an IANA time zone name (e.g. "
                             "America/New_York, Etc/GMT+9)",
                             what, text);
        else
            s.time_zone = xstrdup(text);
    }
    if ((rc = bind_utc(l, &b, props, "StartTime", &s.start_epoch_s)) < 0)
        ret = rc;
    s.has_start = rc == 1;
    if ((rc = bind_utc(l, &b, props, "EndTime", &s.end_epoch_s)) < 0)
        ret = rc;
    s.has_end = rc == 1;
    if (ret == 0 && !s.has_recurrence && !s.has_start)
        ret = diag_error(l->d, &r->loc, "%s: give a Recurrence or a StartTime", what);
    /* AWS: "If you try to schedule your action in the past, Amazon EC2 Auto Scaling returns
       an error message" (API_PutScheduledUpdateGroupAction) */
    if (ret == 0 && s.has_start && s.start_epoch_s < l->run_start)
        ret = diag_error(l->d, &ynode_get(props, "StartTime")->loc,
                         "%s: StartTime is before the scenario's StartTime (AWS rejects an action "
                         "scheduled in the past)",
                         what);
    if (ret == 0 && s.has_end && s.has_start && s.end_epoch_s < s.start_epoch_s)
        ret = diag_error(l->d, &ynode_get(props, "EndTime")->loc, "%s: EndTime is before StartTime",
                         what);
out:
    if (ret == 0) {
        struct scaling_config *c = l->out;
        s.logical_id = xstrdup(r->logical_id);
        s.name = xstrdup(r->logical_id);
        c->schedules = xrealloc(c->schedules, (c->nr_schedules + 1) * sizeof(s));
        c->schedules[c->nr_schedules++] = s;
    } else {
        schedule_config_release(&s);
    }
    free(what);
    return ret;
}

static bool is_queue_metric(enum cw_metric metric)
{
    return metric == CW_SQS_VISIBLE || metric == CW_SQS_OLDEST_AGE;
}

static bool uses_queue(const struct cw_math *m, enum cw_metric metric)
{
    if (!m)
        return is_queue_metric(metric);
    for (size_t i = 0; i < m->nr_queries; i++)
        if (is_queue_metric(m->queries[i].metric))
            return true;
    return false;
}

const struct cw_alarm_config *scaling_config_notify_only_queue_alarm(const struct scaling_config *c)
{
    for (size_t i = 0; i < c->nr_alarms; i++)
        if (!c->alarms[i].nr_alarm_actions && !c->alarms[i].nr_ok_actions &&
            uses_queue(c->alarms[i].math, c->alarms[i].metric))
            return &c->alarms[i];
    return NULL;
}

int scaling_config_load(struct cfn_template *t, struct diag_list *d, const char *group_logical_id,
                        const char *group_name, int64_t run_start_epoch_s,
                        struct metric_customs *customs, struct scaling_config *out)
{
    return scaling_config_load_among(t, d, group_logical_id, group_name, NULL, true,
                                     run_start_epoch_s, customs, out);
}

int scaling_config_load_among(struct cfn_template *t, struct diag_list *d,
                              const char *group_logical_id, const char *group_name,
                              const char *const *others, bool home, int64_t run_start_epoch_s,
                              struct metric_customs *customs, struct scaling_config *out)
{
    struct sloader l = { t,
                         d,
                         group_logical_id,
                         group_name,
                         run_start_epoch_s,
                         out,
                         others,
                         home,
                         0,
                         { customs, group_logical_id, group_name } };
    int ret = 0, rc;
    /* Policies first: alarms refer to them wherever they appear in the file. */
    static const char *const order[] = { TYPE_POLICY, TYPE_ALARM, TYPE_SCHEDULE };
    for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
        for (size_t i = 0; i < t->nr_resources; i++) {
            const struct cfn_resource *r = &t->resources[i];
            if (strcmp(r->type, order[k]))
                continue;
            if (k == 0)
                rc = load_policy(&l, r);
            else if (k == 1)
                rc = load_alarm(&l, r);
            else
                rc = load_schedule(&l, r);
            if (rc < 0)
                ret = rc;
            if (k == 0 && out->nr_policies > MAX_POLICIES)
                ret = diag_error(d, &r->loc,
                                 "more than %d scaling policies for one group (an AWS "
                                 "quota that cannot be raised)",
                                 MAX_POLICIES);
            /* AWS: "each scheduled action must have a unique time"
               (ec2-auto-scaling-scheduled-scaling) */
            if (k == 2 && rc == 0) {
                const struct schedule_config *s = &out->schedules[out->nr_schedules - 1];
                for (size_t j = 0; s->has_start && !s->has_recurrence && j + 1 < out->nr_schedules;
                     j++) {
                    const struct schedule_config *o = &out->schedules[j];
                    if (o->has_start && !o->has_recurrence && o->start_epoch_s == s->start_epoch_s)
                        ret = diag_error(d, &r->loc,
                                         "scheduled action '%s' has the same StartTime as '%s'; "
                                         "AWS requires a unique time per action",
                                         s->logical_id, o->logical_id);
                }
            }
            if (k == 2 && out->nr_schedules > MAX_SCHEDULES)
                ret = diag_error(d, &r->loc,
                                 "more than %d scheduled actions for one group (an "
                                 "AWS quota that cannot be raised)",
                                 MAX_SCHEDULES);
        }
        if (k == 0 && predictive_config_check(out, d) < 0)
            ret = ASG_EINVAL;
    }
    /* a queue's metric that scales the group makes it queue-driven (serve.h, queue mode); an
       alarm that only notifies (no scaling policy among its actions) changes nothing */
    for (size_t i = 0; i < out->nr_alarms; i++)
        out->queue_driven |= (out->alarms[i].nr_alarm_actions || out->alarms[i].nr_ok_actions) &&
                             uses_queue(out->alarms[i].math, out->alarms[i].metric);
    for (size_t i = 0; i < out->nr_policies; i++)
        out->queue_driven |=
                out->policies[i].customized &&
                uses_queue(out->policies[i].custom_math, out->policies[i].custom_metric);
    return ret;
}

void scaling_config_set_file(struct scaling_config *c, const char *path)
{
    for (size_t i = 0; i < c->nr_alarms; i++)
        c->alarms[i].loc.file = path;
    for (size_t i = 0; i < c->nr_policies; i++)
        c->policies[i].loc.file = path;
    for (size_t i = 0; i < c->nr_schedules; i++)
        c->schedules[i].loc.file = path;
}
