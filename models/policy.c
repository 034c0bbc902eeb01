/* Dynamic scaling policies and scheduled actions, driven by CloudWatch as AWS drives them. */
#include "asgsim/policy.h"

#include "asgsim/asg.h"
#include "asgsim/predictive.h"
#include "asgsim/serve.h"
#include "asgsim/sha256.h"
#include "asgsim/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *const policy_type_names[POLICY_TYPE_NR] = { "SimpleScaling", "StepScaling",
                                                        "TargetTrackingScaling",
                                                        "PredictiveScaling" };
const char *const adjustment_type_names[ADJ_NR] = { "ChangeInCapacity", "ExactCapacity",
                                                    "PercentChangeInCapacity" };
const char *const decision_reason_names[DECISION_NR] = {
    [DECISION_CHANGED] = "changed",
    [DECISION_NO_CHANGE] = "no-change",
    [DECISION_COOLDOWN] = "cooldown",
    [DECISION_IN_PROGRESS] = "activity-in-progress",
    [DECISION_WARMUP] = "warm-up",
    [DECISION_AT_MIN] = "at-min-size",
    [DECISION_AT_MAX] = "at-max-size",
    [DECISION_SCALE_IN_DISABLED] = "scale-in-disabled",
    [DECISION_OTHER_POLICY_WANTS_MORE] = "another-policy-wants-more",
    [DECISION_SCALE_IN_OVERSHOOT] = "scale-in-would-overshoot-target",
    [DECISION_NO_STEP] = "no-matching-step",
    [DECISION_NO_DATA] = "no-data",
    [DECISION_SUSPENDED] = "suspended",
};
const char *const tt_metric_names[TT_NR] = { "ASGAverageCPUUtilization", "ASGAverageNetworkIn",
                                             "ASGAverageNetworkOut", "ALBRequestCountPerTarget" };

void policy_config_release(struct policy_config *p)
{
    free(p->logical_id);
    free(p->name);
    free(p->steps);
    memset(p, 0, sizeof(*p));
}

void scaling_config_release(struct scaling_config *c)
{
    for (size_t i = 0; i < c->nr_alarms; i++)
        cw_alarm_config_release(&c->alarms[i]);
    free(c->alarms);
    for (size_t i = 0; i < c->nr_policies; i++)
        policy_config_release(&c->policies[i]);
    free(c->policies);
    for (size_t i = 0; i < c->nr_schedules; i++)
        schedule_config_release(&c->schedules[i]);
    free(c->schedules);
    for (size_t i = 0; i < c->nr_skipped; i++)
        free(c->skipped[i]);
    free(c->skipped);
    for (size_t i = 0; i < c->nr_maths; i++) {
        cw_math_release(c->maths[i]);
        free(c->maths[i]);
    }
    free(c->maths);
    memset(c, 0, sizeof(*c));
}

int64_t policy_adjustment(enum adjustment_type type, int64_t amount, int64_t min_magnitude,
                          int64_t current)
{
    switch (type) {
    case ADJ_CHANGE_IN_CAPACITY:
        return amount;
    case ADJ_EXACT_CAPACITY:
        return amount - current;
    case ADJ_PERCENT: {
        /* AWS (as-scaling-simple-step, "PercentChangeInCapacity"): > 1 rounds down,
           (0, 1) -> 1, (-1, 0) -> -1, < -1 rounds towards zero. */
        double v = (double)amount * (double)current / 100.0;
        int64_t adj;
        if (v > 0 && v < 1)
            adj = 1;
        else if (v < 0 && v > -1)
            adj = -1;
        else
            adj = (int64_t)v; /* truncation: floor above 1, towards zero below -1 */
        /* MinAdjustmentMagnitude: the change is at least this large (API_PutScalingPolicy) */
        if (min_magnitude > 0 && adj != 0 && llabs(adj) < min_magnitude)
            adj = adj > 0 ? min_magnitude : -min_magnitude;
        return adj;
    }
    default:
        ASG_BUG("adjustment type %d", (int)type);
    }
}

const struct step_adjustment *policy_find_step(const struct policy_config *p, double diff)
{
    for (size_t i = 0; i < p->nr_steps; i++) {
        const struct step_adjustment *s = &p->steps[i];
        bool ok;
        /* AWS (API_StepAdjustment): above the threshold the lower bound is inclusive and
           the upper exclusive; below it the lower bound is exclusive, the upper inclusive. */
        if (diff >= 0)
            ok = (!s->has_lower || diff >= s->lower) && (!s->has_upper || diff < s->upper);
        else
            ok = (!s->has_lower || diff > s->lower) && (!s->has_upper || diff <= s->upper);
        if (ok)
            return s;
    }
    return NULL;
}

int64_t policy_target_capacity(int64_t current, double metric, double target)
{
    double want = (double)current * metric / target;
    /* a hair of tolerance so that 10 * 50 / 50 is exactly 10 despite rounding */
    return (int64_t)ceil(want - 1e-9);
}

/* ---- the autoscaler at run time ------------------------------------------------------- */

static void tick(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type tick_event = { "policy.tick", tick };
static void scheduled(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type scheduled_event = { "policy.scheduled", scheduled };

static enum cw_metric tt_cw_metric(enum tt_metric m)
{
    static const enum cw_metric map[TT_NR] = { CW_CPU, CW_NETWORK_IN, CW_NETWORK_OUT,
                                               CW_REQUEST_COUNT_PER_TGT };

    return map[m];
}

/* "TargetTracking-<asg>-AlarmHigh-<uuid>": the uuid derived from the names, so runs repeat. */
static char *tt_alarm_name(const char *asg, const char *policy, const char *kind)
{
    char *key = xasprintf("%s/%s/%s", asg, policy, kind);
    char hex[65];
    sha256_hex(key, strlen(key), hex);
    free(key);
    return xasprintf("TargetTracking-%s-%s-%.8s-%.4s-%.4s-%.4s-%.12s", asg, kind, hex, hex + 8,
                     hex + 12, hex + 16, hex + 20);
}

static double scale_in_ratio(const struct autoscaler *a)
{
    return a->cfg->tt_scale_in_ratio > 0 ? a->cfg->tt_scale_in_ratio : TT_SCALE_IN_RATIO_DEFAULT;
}

/*
 * The two alarms target tracking creates (as-scaling-target-tracking). Their datapoint
 * counts are not documented; observed: AlarmHigh 3 of 3 datapoints above the target,
 * AlarmLow 15 of 15 below a lower threshold (aws-behaviour.md 4.3), which observed EC2
 * alarms put at 70 % of the target (40 -> 28, 50 -> 35; AWS says only "usually more than
 * 10% lower"): ScaleInThresholdRatio. Their period is the metric's (asgsim's rule: one
 * minute with detailed monitoring, five with basic, so that every period has a datapoint).
 * AlarmLow's actions stay enabled with DisableScaleIn so that the decision log shows
 * each invocation the policy declined.
 */
static void make_tt_alarms(struct autoscaler *a)
{
    const struct scaling_config *c = a->cfg;
    struct cloudwatch periods = { .cfg = c->cw };
    size_t nr_tt = 0;
    for (size_t i = 0; i < c->nr_policies; i++)
        nr_tt += c->policies[i].type == POLICY_TARGET_TRACKING;
    a->tt_alarms = xcalloc(nr_tt * 2 + 1, sizeof(*a->tt_alarms));
    for (size_t i = 0; i < c->nr_policies; i++) {
        const struct policy_config *p = &c->policies[i];
        if (p->type != POLICY_TARGET_TRACKING)
            continue;
        struct cw_alarm_config *hi = &a->tt_alarms[a->nr_tt_alarms++];
        struct cw_alarm_config *lo = &a->tt_alarms[a->nr_tt_alarms++];
        enum cw_metric m = p->customized ? p->custom_metric : tt_cw_metric(p->metric);
        /* metric math: the longest period of its metrics, so that every alarm period
           holds a datapoint of each (asgsim's rule, as for one metric) */
        sim_time period = cloudwatch_period(&periods, m);
        for (size_t q = 0; p->custom_math && q < p->custom_math->nr_queries; q++) {
            sim_time qp = cloudwatch_period(&periods, p->custom_math->queries[q].metric);
            period = q == 0 || qp > period ? qp : period;
        }
        if (p->custom_period)
            period = p->custom_period;
        *hi = (struct cw_alarm_config){
            .name = tt_alarm_name(a->g->cfg->name, p->name, "AlarmHigh"),
            .metric = m,
            .statistic = p->customized ? p->custom_statistic : CW_AVERAGE,
            .math = p->custom_math,
            .period = period,
            .evaluation_periods = 3,
            .datapoints_to_alarm = 3,
            .threshold = p->target_value,
            .comparison = CW_GT,
            .missing = CW_MISSING,
            .actions_enabled = true
        };
        *lo = *hi;
        lo->name = tt_alarm_name(a->g->cfg->name, p->name, "AlarmLow");
        lo->evaluation_periods = lo->datapoints_to_alarm = 15;
        lo->threshold = scale_in_ratio(a) * p->target_value;
        lo->comparison = CW_LT;
    }
}

static sim_time policy_warmup(const struct autoscaler *a, const struct policy_config *p)
{
    /* EstimatedInstanceWarmup -> DefaultInstanceWarmup -> Cooldown (API_PutScalingPolicy) */
    if (p && p->has_warmup)
        return p->warmup;
    if (a->g->cfg->has_default_instance_warmup)
        return a->g->cfg->default_instance_warmup;
    return a->g->cfg->cooldown;
}

/*
 * Warm-up covers instances launched after the group was created; the initial instances
 * count as ready (asgsim's rule: AWS does not say, and a group created at its desired
 * capacity has no scale-out to wait for).
 */
/* (asg_group_census() counts an instance as warming while it is InService, was not
   launched by the group's creation, and now < its InService time + warm-up.) */

/* The group's capacity as a policy sees it, in capacity units (WeightedCapacity). */
struct capacity_view {
    int64_t current;     /* Pending and InService: desired capacity's counterpart */
    int64_t ready;       /* InService past warm-up, and the initial instances */
    int64_t terminating; /* on the way out */
    bool scaling_out;    /* a launch or a warm-up is still in progress */
};

/* The group keeps these counts as instances change (asg_group_census(): no walk). */
static void view_capacity(const struct autoscaler *a, sim_time warmup, sim_time now,
                          struct capacity_view *v)
{
    struct asg_census c;
    asg_group_census(a->g, warmup, now, &c);
    /* Pending:Wait and Pending:Proceed are still launching (lifecycle hooks). */
    *v = (struct capacity_view){ .current = c.current_units,
                                 .ready = c.ready_units,
                                 .terminating = c.terminating_units,
                                 .scaling_out = c.not_ready > 0 };
}

static void sample(struct autoscaler *a, sim_time now)
{
    const struct asg_group *g = a->g;
    sim_time metric_warmup =
            g->cfg->has_default_instance_warmup ? g->cfg->default_instance_warmup : 0;
    /* AWS: an instance in its default instance warmup does not contribute to the
       group's aggregated metrics (ec2-auto-scaling-default-instance-warmup) */
    struct asg_census c;
    asg_group_census(a->g, metric_warmup, now, &c);
    double in_service = (double)c.in_service;
    double reporting = (double)c.reporting, in_service_units = (double)c.in_service_units;
    double reporting_units = (double)c.reporting_units;
    double load = a->load_rps ? a->load_rps(a->load_ctx, now) : 0;
    double busy = load; /* work per second the instances do */
    if (a->cfg->queue_driven) {
        /* the workload fills the queue (the serving model, serve.h queue mode); the
           InService instances work it off at their rate, so they are busy while a backlog
           waits */
        a->queue = (struct msg_queue_status){ 0 };
        if (a->queue_read)
            a->queue_read(a->queue_ctx, now, &a->queue);
        double done = a->queue.processed - a->queue_processed;
        busy = now > a->queue_sampled ? done / sim_time_to_seconds(now - a->queue_sampled) : 0;
        a->queue_busy_rps = busy;
        a->queue_processed = a->queue.processed;
        a->queue_sampled = now;
        cloudwatch_record(&a->cw, CW_SQS_VISIBLE, now, a->queue.visible, 1);
        /* 0 while the queue is empty (asgsim's rule: there is no oldest message) */
        cloudwatch_record(&a->cw, CW_SQS_OLDEST_AGE, now, a->queue.oldest_age_s, 1);
    }
    if (in_service > 0) {
        /* AWS: a standard-mode burstable instance without credits has its CPU "gradually
           lowered to the baseline level" (burstable-performance-instances-standard-mode),
           and CPUUtilization shows that: the work done, not the work offered. Each
           instance at its own type's rate, the group's figure their average
           (as-scale-based-on-demand: "two instances at 60% and 40% give 50%"); workers
           pulling from a queue share it by capacity. */
        double cpu = asg_fleet_cpu_pct(c.types, c.nr_types, busy, 100.0 * a->rate_factor,
                                       a->equal_shares && !a->cfg->queue_driven);
        double per_instance_rps = load / in_service;
        cloudwatch_record(&a->cw, CW_CPU, now, cpu, reporting);
        double net_s = sim_time_to_seconds(cloudwatch_period(&a->cw, CW_NETWORK_IN));
        cloudwatch_record(&a->cw, CW_NETWORK_IN, now,
                          per_instance_rps * a->cfg->cw.bytes_in_per_request * net_s, reporting);
        cloudwatch_record(&a->cw, CW_NETWORK_OUT, now,
                          per_instance_rps * a->cfg->cw.bytes_out_per_request * net_s, reporting);
        cloudwatch_record(&a->cw, CW_REQUEST_COUNT_PER_TGT, now, per_instance_rps * 60.0, 1);
        cloudwatch_record(&a->cw, CW_AGENT_CPU, now, cpu, reporting);
        /* the capacity behind those datapoints, for target tracking's computation */
        if (reporting > 0)
            cloudwatch_record(&a->cw, CW_REPORTING_CAPACITY, now, reporting_units, 1);
        cloudwatch_record(&a->cw, CW_IN_SERVICE_CAPACITY, now, in_service_units, 1);
    }
    /* AWS: RequestCount "is only incremented for requests where the load balancer node was
       able to choose a target" (load-balancer-cloudwatch-metrics): with no InService target
       none is counted. A queue-driven group has no load balancer: its RequestCount is the
       messages sent (asgsim's rule, README), target or not. */
    if (a->load_rps && (in_service > 0 || a->cfg->queue_driven))
        cloudwatch_record(&a->cw, CW_REQUEST_COUNT, now, load * 60.0, 1);
    /* GroupPendingInstances / GroupTerminatingInstances include the hooks' Wait and
       Proceed states (ec2-auto-scaling-metrics). */
    size_t pend = asg_group_count_pending(g);
    size_t ins = asg_group_count(g, LIFECYCLE_IN_SERVICE);
    size_t term = asg_group_count_terminating(g);
    cloudwatch_record(&a->cw, CW_GROUP_MIN_SIZE, now, (double)g->min_size, 1);
    cloudwatch_record(&a->cw, CW_GROUP_MAX_SIZE, now, (double)g->max_size, 1);
    cloudwatch_record(&a->cw, CW_GROUP_DESIRED, now, (double)g->desired, 1);
    cloudwatch_record(&a->cw, CW_GROUP_IN_SERVICE, now, (double)ins, 1);
    cloudwatch_record(&a->cw, CW_GROUP_PENDING, now, (double)pend, 1);
    cloudwatch_record(&a->cw, CW_GROUP_TERMINATING, now, (double)term, 1);
    cloudwatch_record(&a->cw, CW_GROUP_TOTAL, now, (double)(pend + ins + term), 1);
}

void autoscaler_set_queue(struct autoscaler *a, msg_queue_read_fn *read, void *ctx)
{
    a->queue_read = read;
    a->queue_ctx = ctx;
}

void autoscaler_set_serving(struct autoscaler *a, autoscaler_serving_fn *fn, void *ctx)
{
    a->serving = fn;
    a->serving_ctx = ctx;
}

void autoscaler_set_equal_shares(struct autoscaler *a, bool equal)
{
    a->equal_shares = equal;
}

void autoscaler_set_rate_factor(struct autoscaler *a, double f)
{
    ASG_ASSERT(f > 0 && f <= 1);
    a->rate_factor = f;
}

void autoscaler_record_serving(struct autoscaler *a, sim_time now, sim_time interval, double served,
                               const struct serve_hist *latency, double dropped, size_t in_service)
{
    ASG_ASSERT(interval >= 0);
    if (now <= 0)
        return;
    /* the interval [now - interval, now) ends in this period; a zero-length one holds what
       happened at `now` after the period's alarms were evaluated: it goes with the interval
       it follows, as the /timeseries row at `now` has it */
    sim_time at = now - 1;
    /* the share of an interval longer than the minute that falls in it */
    double share = interval > SIM_MIN(1) ? (double)SIM_MIN(1) / (double)interval : 1.0;
    /* per request: SampleCount the requests, Minimum/Maximum the fastest and slowest */
    cloudwatch_record_requests(&a->cw, CW_TARGET_RESPONSE_TIME, at, served, latency);
    /* the latencies themselves, for percentiles (only kept when an alarm asks for one) */
    cloudwatch_record_hist(&a->cw, CW_TARGET_RESPONSE_TIME, at, latency);
    /* AWS: the load balancer answers 503 itself when it has no healthy target
       (load-balancer-troubleshooting: HTTP 503); refusals by a target are the target's */
    /* each refusal is one response; an interval longer than the minute puts its share in it */
    double refused = dropped * share;
    cloudwatch_record_count(&a->cw, in_service ? CW_TARGET_5XX : CW_ELB_5XX, at, refused);
    cloudwatch_record_count(&a->cw, in_service ? CW_ELB_5XX : CW_TARGET_5XX, at, 0);
}

/*
 * One policy invocation of this minute: what it computed and what it asks for. Every
 * invocation becomes a /decisions row once the minute's winner is known.
 */
struct invocation {
    struct policy_decision d;
    bool proposes;    /* asks for `capacity` */
    int64_t capacity; /* clamped to [MinSize, MaxSize] */
    const struct cw_alarm *alarm;
    const struct policy_config *policy;
    bool tt_scale_in; /* a target-tracking scale-in (needs every such policy to agree) */
    char formula[192];
    char values[CW_ALARM_USED_MAX * 32];
};

static int64_t clamp(const struct asg_group *g, int64_t v)
{
    return v < g->min_size ? g->min_size : v > g->max_size ? g->max_size : v;
}

static struct invocation *invoke(struct autoscaler *a, const struct cw_alarm *al,
                                 const struct policy_config *p, sim_time now)
{
    ALLOC_GROW(a->inv, a->nr_inv + 1, a->alloc_inv);
    struct invocation *v = &a->inv[a->nr_inv++];
    memset(v, 0, sizeof(*v));
    v->alarm = al;
    v->policy = p;
    v->d = (struct policy_decision){ .time = now,
                                     .policy = p->name,
                                     .kind = policy_type_names[p->type],
                                     .alarm = al->cfg->name,
                                     .alarm_state = (int)al->state,
                                     .metric_value = (double)NAN,
                                     .metric_from = -1,
                                     .metric_to = -1,
                                     .metric_values = v->values,
                                     .measured_capacity = (double)NAN,
                                     .current_capacity = a->g->units,
                                     .ready_capacity = a->g->units,
                                     .formula = v->formula,
                                     .result = a->g->desired,
                                     .desired_before = a->g->desired,
                                     .reason = DECISION_NO_CHANGE };
    return v;
}

/* The datapoint an invocation computes with: the alarm's newest, with its times. */
static void use_newest(struct invocation *v, const struct cw_alarm *al)
{
    v->d.metric_value = al->last_value;
    v->d.metric_from = al->last_from;
    v->d.metric_to = al->last_to;
    if (!isnan(al->last_value))
        snprintf(v->values, sizeof(v->values), "%.0f=%.6g", sim_time_to_seconds(al->last_from),
                 al->last_value);
}

/*
 * The datapoints a step policy aggregates: the N the alarm's decision counted (newest
 * first, "start_s=value"; a filled missing one is "-=NaN"), and their span.
 */
static void use_window(struct invocation *v, const struct cw_alarm *al, double aggregate)
{
    v->d.metric_value = aggregate;
    size_t n = al->used_nr < CW_ALARM_USED_MAX ? al->used_nr : CW_ALARM_USED_MAX, at = 0;
    for (size_t i = 0; i < n && at < sizeof(v->values); i++) {
        if (al->used_start[i] < 0) {
            at += (size_t)snprintf(v->values + at, sizeof(v->values) - at, "%s-=NaN",
                                   i ? ", " : "");
            continue;
        }
        if (v->d.metric_to < 0)
            v->d.metric_to = al->used_start[i] + al->cfg->period;
        v->d.metric_from = al->used_start[i];
        at += (size_t)snprintf(v->values + at, sizeof(v->values) - at, "%s%.0f=%.6g", i ? ", " : "",
                               sim_time_to_seconds(al->used_start[i]), al->used_value[i]);
    }
}

/* Ask for `want` (before clamping): AT_MIN / AT_MAX when clamping leaves nothing to do. */
static void ask(const struct asg_group *g, struct invocation *v, int64_t want)
{
    v->d.result = want;
    v->capacity = clamp(g, want);
    v->proposes = true;
    if (v->capacity == g->desired)
        v->d.reason = want < g->desired   ? DECISION_AT_MIN
                      : want > g->desired ? DECISION_AT_MAX
                                          : DECISION_NO_CHANGE;
}

static void decline(struct invocation *v, enum decision_reason why)
{
    v->proposes = false;
    v->d.reason = why;
}

static void simple_or_step(struct autoscaler *a, const struct cw_alarm *al,
                           const struct policy_config *p, sim_time now)
{
    const struct asg_group *g = a->g;
    if (p->type != POLICY_SIMPLE && p->type != POLICY_STEP)
        return;
    struct invocation *v = invoke(a, al, p, now);
    struct capacity_view cv;
    view_capacity(a, policy_warmup(a, p), now, &cv);
    v->d.current_capacity = cv.current;
    v->d.ready_capacity = cv.ready;
    if (p->type == POLICY_SIMPLE) {
        use_newest(v, al);
        /* AWS: a simple policy waits for the activity to finish and the cooldown to expire
           (as-scaling-simple-step, ec2-auto-scaling-scaling-cooldowns) */
        if (a->simple_in_progress) {
            snprintf(v->formula, sizeof(v->formula), "waits for the last activity to finish");
            decline(v, DECISION_IN_PROGRESS);
            return;
        }
        if (now < a->cooldown_until) {
            snprintf(v->formula, sizeof(v->formula), "waits for the cooldown until %.0f s",
                     sim_time_to_seconds(a->cooldown_until));
            decline(v, DECISION_COOLDOWN);
            return;
        }
        int64_t adj = policy_adjustment(p->adjustment_type, p->scaling_adjustment,
                                        p->min_adjustment_magnitude, g->desired);
        snprintf(v->formula, sizeof(v->formula), "desired %" PRId64 " + %s %" PRId64 " = %" PRId64,
                 g->desired, adjustment_type_names[p->adjustment_type], p->scaling_adjustment,
                 g->desired + adj);
        ask(g, v, g->desired + adj);
        return;
    }
    /* AWS (API_PutScalingPolicy): MetricAggregationType (Average when null) is applied to
       the most recent datapoints; asgsim takes the N newest the alarm evaluated. */
    double value = p->aggregation == CW_MINIMUM   ? al->window_min
                   : p->aggregation == CW_MAXIMUM ? al->window_max
                                                  : al->window_mean;
    use_window(v, al, value);
    if (isnan(value)) {
        snprintf(v->formula, sizeof(v->formula), "no datapoint");
        decline(v, DECISION_NO_DATA);
        return;
    }
    const struct step_adjustment *s = policy_find_step(p, value - al->cfg->threshold);
    if (!s) {
        snprintf(v->formula, sizeof(v->formula), "%s %.6g - threshold %.6g matches no step",
                 cw_statistic_names[p->aggregation], value, al->cfg->threshold);
        decline(v, DECISION_NO_STEP);
        return;
    }
    int64_t want;
    if (p->adjustment_type == ADJ_EXACT_CAPACITY) {
        want = s->adjustment;
        snprintf(v->formula, sizeof(v->formula), "ExactCapacity %" PRId64, want);
    } else if (s->adjustment >= 0) {
        /* AWS: computed from current capacity (warming instances excluded); desired, which
           counts them, is kept when already at or above it (as-scaling-simple-step) */
        int64_t adj = policy_adjustment(p->adjustment_type, s->adjustment,
                                        p->min_adjustment_magnitude, cv.ready);
        want = cv.ready + adj > g->desired ? cv.ready + adj : g->desired;
        snprintf(v->formula, sizeof(v->formula),
                 "max(desired %" PRId64 ", ready %" PRId64 " + %s %" PRId64 " = %" PRId64
                 ") = %" PRId64,
                 g->desired, cv.ready, adjustment_type_names[p->adjustment_type], s->adjustment,
                 cv.ready + adj, want);
    } else {
        /* AWS: no scale-in while a scale-out is in progress; terminating instances still
           count toward current capacity */
        if (cv.scaling_out) {
            snprintf(v->formula, sizeof(v->formula), "scale-in waits: a scale-out is warming up");
            decline(v, DECISION_WARMUP);
            return;
        }
        int64_t current = cv.ready + cv.terminating;
        int64_t adj = policy_adjustment(p->adjustment_type, s->adjustment,
                                        p->min_adjustment_magnitude, current);
        want = current + adj < g->desired ? current + adj : g->desired;
        snprintf(v->formula, sizeof(v->formula),
                 "min(desired %" PRId64 ", ready %" PRId64 " + terminating %" PRId64
                 " + %s %" PRId64 " = %" PRId64 ") = %" PRId64,
                 g->desired, cv.ready, cv.terminating, adjustment_type_names[p->adjustment_type],
                 s->adjustment, current + adj, want);
    }
    ask(g, v, want);
}

/*
 * Target tracking's capacity for a datapoint: the capacity that produced it times the
 * metric over the target, rounded up (as-scaling-target-tracking: round up when adding;
 * ceil also keeps a scale-in from "removing a minimum unit of capacity" that would bring
 * the metric back above the target, target-tracking-scaling-policy-overview). The
 * capacity is the mean over the datapoint's period of the units that reported the
 * metric (RequestCountPerTarget: the units InService), so a repeated invocation on the
 * same datapoint gives the same answer whatever has changed since.
 */
static bool tt_compute(struct autoscaler *a, struct invocation *v, const struct cw_alarm *al,
                       const struct policy_config *p, sim_time now, int64_t *want)
{
    use_newest(v, al);
    /* the capacity behind the datapoint: the reporting instances' for the EC2 metrics
       (their periods), the InService units for the others */
    enum cw_metric m = al->cfg->metric;
    bool ec2 = !al->cfg->math && (m == CW_CPU || m == CW_NETWORK_IN || m == CW_NETWORK_OUT);
    enum cw_metric cap_metric = ec2 ? CW_REPORTING_CAPACITY : CW_IN_SERVICE_CAPACITY;
    /* a sub-minute alarm period holds no one-minute capacity datapoint: take the newest */
    sim_time cap_from = al->last_from, cap_period = cloudwatch_period(&a->cw, cap_metric);
    if (al->last_to - cap_from < cap_period)
        cap_from = al->last_to - cap_period;
    double measured;
    if (isnan(al->last_value) || al->last_from < 0 ||
        !cloudwatch_stat(&a->cw, cap_metric, CW_AVERAGE, cap_from, al->last_to, now, &measured) ||
        !(measured > 0)) {
        snprintf(v->formula, sizeof(v->formula), "no datapoint with its capacity");
        decline(v, DECISION_NO_DATA);
        return false;
    }
    v->d.measured_capacity = measured;
    double exact = measured * al->last_value / p->target_value;
    /* a millionth of a unit of tolerance: averaging over the period must not add a unit */
    *want = (int64_t)ceil(exact - 1e-6 * fmax(1.0, exact));
    snprintf(v->formula, sizeof(v->formula), "ceil(%.6g * %.6g / %.6g) = %" PRId64, measured,
             al->last_value, p->target_value, *want);
    return true;
}

/* Target tracking: scale out if any policy says so, in only if all that may scale in do. */
static void target_tracking(struct autoscaler *a, sim_time now)
{
    const struct scaling_config *c = a->cfg;
    const struct asg_group *g = a->g;
    size_t k = c->nr_alarms;
    for (size_t i = 0; i < c->nr_policies; i++) {
        const struct policy_config *p = &c->policies[i];
        if (p->type != POLICY_TARGET_TRACKING)
            continue;
        const struct cw_alarm *hi = &a->alarms[k++], *lo = &a->alarms[k++];
        if (hi->state != CW_ALARM && lo->state != CW_ALARM)
            continue;
        const struct cw_alarm *al = hi->state == CW_ALARM ? hi : lo;
        struct invocation *v = invoke(a, al, p, now);
        struct capacity_view cv;
        view_capacity(a, policy_warmup(a, p), now, &cv);
        v->d.current_capacity = cv.current;
        v->d.ready_capacity = cv.ready;
        int64_t want;
        if (!tt_compute(a, v, al, p, now, &want))
            continue;
        if (al == hi) {
            /* AWS: warming instances count in desired for the next scale-out
               (as-scaling-simple-step); the metric leaves them out, so desired is kept
               when it already covers the computed capacity */
            ask(g, v, want > g->desired ? want : g->desired);
            v->d.result = want;
            continue;
        }
        v->tt_scale_in = true;
        if (p->disable_scale_in)
            decline(v, DECISION_SCALE_IN_DISABLED);
        else if (cv.scaling_out) /* AWS: no scale-in until a scale-out has warmed up */
            decline(v, DECISION_WARMUP);
        else if (want >= g->desired)
            decline(v, DECISION_SCALE_IN_OVERSHOOT);
        else
            ask(g, v, want);
    }
}

static void emit(struct autoscaler *a, struct invocation *v)
{
    a->nr_decisions++;
    if (a->obs.decided)
        a->obs.decided(a->obs.ctx, &v->d);
}

/*
 * The minute's invocations: every alarm in ALARM (or OK, for OK actions) invokes its
 * policies again each minute (AlarmThatSendsEmail); the largest capacity wins
 * (as-scale-based-on-demand); target tracking scales in only when every policy that may
 * scale in asks to.
 */
static void act(struct autoscaler *a, sim_time now)
{
    const struct scaling_config *c = a->cfg;
    struct asg_group *g = a->g;
    a->nr_inv = 0;
    for (size_t i = 0; i < c->nr_alarms; i++) {
        const struct cw_alarm *al = &a->alarms[i];
        if (!al->cfg->actions_enabled)
            continue;
        if (al->state == CW_ALARM)
            for (size_t j = 0; j < al->cfg->nr_alarm_actions; j++)
                simple_or_step(a, al, &c->policies[al->cfg->alarm_actions[j]], now);
        if (al->state == CW_OK)
            for (size_t j = 0; j < al->cfg->nr_ok_actions; j++)
                simple_or_step(a, al, &c->policies[al->cfg->ok_actions[j]], now);
    }
    target_tracking(a, now);
    if (!a->nr_inv)
        return;
    bool all_in = true;
    size_t k = c->nr_alarms;
    for (size_t i = 0; i < c->nr_policies; i++) {
        const struct policy_config *p = &c->policies[i];
        if (p->type != POLICY_TARGET_TRACKING)
            continue;
        const struct cw_alarm *lo = &a->alarms[k + 1];
        k += 2;
        if (p->disable_scale_in)
            continue;
        bool asks = false;
        for (size_t j = 0; j < a->nr_inv; j++)
            asks |= a->inv[j].alarm == lo && a->inv[j].proposes;
        all_in &= asks;
    }
    struct invocation *best = NULL;
    for (size_t j = 0; j < a->nr_inv; j++) {
        struct invocation *v = &a->inv[j];
        /* AWS (ec2-auto-scaling-predictive-scaling): with predictive scaling the group
           takes the larger of the forecast capacity and a dynamic policy's */
        if (v->proposes && v->capacity < g->desired && v->capacity < a->forecast_floor) {
            v->capacity = a->forecast_floor < g->desired ? a->forecast_floor : g->desired;
            snprintf(v->formula + strlen(v->formula), sizeof(v->formula) - strlen(v->formula),
                     "; predictive scaling's forecast capacity is %" PRId64, a->forecast_floor);
            if (v->capacity == g->desired)
                decline(v, DECISION_OTHER_POLICY_WANTS_MORE);
        }
        if (v->proposes && v->tt_scale_in && !all_in) {
            snprintf(v->formula + strlen(v->formula), sizeof(v->formula) - strlen(v->formula),
                     "; another target-tracking policy does not scale in");
            decline(v, DECISION_OTHER_POLICY_WANTS_MORE);
        }
        if (v->proposes && (!best || v->capacity > best->capacity))
            best = v;
    }
    int64_t before = g->desired;
    if (best && best->capacity != before) {
        char *cause = xasprintf("a monitor alarm %s in state %s triggered policy %s changing the "
                                "desired capacity from %" PRId64 " to %" PRId64 ".",
                                best->alarm->cfg->name, cw_state_names[best->alarm->state],
                                best->policy->name, before, best->capacity);
        if (best->policy->type == POLICY_SIMPLE) {
            a->simple_in_progress = true;
            a->simple_cooldown =
                    best->policy->has_cooldown ? best->policy->cooldown : g->cfg->cooldown;
        }
        a->nr_policy_changes++;
        asg_group_set_desired(g, best->capacity, cause);
        free(cause);
    }
    for (size_t j = 0; j < a->nr_inv; j++) {
        struct invocation *v = &a->inv[j];
        v->d.desired_after = g->desired;
        if (v->proposes) {
            if (best && v->capacity < best->capacity)
                v->d.reason = DECISION_OTHER_POLICY_WANTS_MORE;
            else if (g->desired != before)
                v->d.reason = DECISION_CHANGED;
        }
        emit(a, v);
    }
}

static bool is_serving_metric(enum cw_metric m)
{
    return m == CW_TARGET_RESPONSE_TIME || m == CW_ELB_5XX || m == CW_TARGET_5XX;
}

/* Does alarm `c` read a metric the run records from the serving model? */
static bool reads_serving(const struct cw_alarm_config *c)
{
    if (!c->math)
        return is_serving_metric(c->metric);
    for (size_t i = 0; i < c->math->nr_queries; i++)
        if (is_serving_metric(c->math->queries[i].metric))
            return true;
    return false;
}

static void tick(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct autoscaler *a = target;
    sim_time now = sim_now(eng);
    sample(a, now);
    /* AWS: the cooldown starts when the simple policy's activity has finished, i.e. the
       last instance launched or terminated (ec2-auto-scaling-scaling-cooldowns); seen here
       at the next sample step */
    if (a->simple_in_progress && asg_group_count_pending(a->g) == 0 &&
        asg_group_count_terminating(a->g) == 0) {
        a->simple_in_progress = false;
        a->cooldown_until = now + a->simple_cooldown;
    }
    /* AWS: alarms with periods of a minute or more are evaluated every minute, 10 s and
       30 s alarms every 10 s (AlarmThatSendsEmail); asgsim invokes actions each minute */
    bool minute = now % SIM_MIN(1) == 0, serving_fresh = false;
    for (size_t i = 0; i < a->nr_alarms; i++) {
        if (!minute && a->alarms[i].cfg->period >= SIM_MIN(1))
            continue;
        /* the load balancer's metrics of every interval over by now, as the others are
           (only then: taking an interval cuts a fluid step, which draws its arrivals) */
        if (a->serving && !serving_fresh && reads_serving(a->alarms[i].cfg)) {
            a->serving(a->serving_ctx, now);
            serving_fresh = true;
        }
        cw_alarm_evaluate(&a->alarms[i], &a->cw, now);
    }
    if (minute)
        act(a, now);
    a->tick = sim_schedule(eng, CW_SAMPLE_STEP, &tick_event, a, (union sim_payload){ 0 });
}

static void schedule_next(struct autoscaler *a, size_t i)
{
    if (a->next_sched[i] >= a->nr_sched_times[i])
        return;
    sim_time at = SIM_SEC(a->sched_times[i][a->next_sched[i]] - a->start_epoch_s);
    sim_schedule_at(a->eng, at, &scheduled_event, a, (union sim_payload){ .u = i });
}

static void scheduled(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    struct autoscaler *a = target;
    size_t i = (size_t)p->u;
    const struct schedule_config *s = &a->cfg->schedules[i];
    struct asg_group *g = a->g;
    a->next_sched[i]++;
    schedule_next(a, i);
    int64_t min = s->has_min ? s->min_size : g->min_size;
    int64_t max = s->has_max ? s->max_size : g->max_size;
    if (max < min)
        max = min;
    /* AWS (API_UpdateAutoScalingGroup): a new MinSize above the current size raises
       desired to it; a new MaxSize below it lowers desired */
    int64_t desired = s->has_desired ? s->desired_capacity : g->desired;
    desired = desired < min ? min : desired > max ? max : desired;
    asg_group_set_limits(g, min, max);
    char formula[160];
    snprintf(formula, sizeof(formula),
             "MinSize %" PRId64 ", MaxSize %" PRId64 ", desired %" PRId64 " within them = %" PRId64,
             min, max, s->has_desired ? s->desired_capacity : g->desired, desired);
    struct policy_decision d = { .time = sim_now(a->eng),
                                 .policy = s->name,
                                 .kind = "ScheduledAction",
                                 .alarm = "",
                                 .alarm_state = -1,
                                 .metric_value = (double)NAN,
                                 .metric_from = -1,
                                 .metric_to = -1,
                                 .metric_values = "",
                                 .measured_capacity = (double)NAN,
                                 .current_capacity = g->units,
                                 .ready_capacity = g->units,
                                 .formula = formula,
                                 .result = desired,
                                 .desired_before = g->desired,
                                 .desired_after = desired,
                                 .reason = desired == g->desired ? DECISION_NO_CHANGE
                                                                 : DECISION_CHANGED };
    a->nr_decisions++;
    if (a->obs.decided)
        a->obs.decided(a->obs.ctx, &d);
    if (desired == g->desired)
        return;
    char *cause = xasprintf("a scheduled action update of AutoScalingGroup constraints to min: "
                            "%" PRId64 ", max: %" PRId64 ", desired: %" PRId64
                            " changing the desired capacity from %" PRId64 " to %" PRId64 ".",
                            min, max, desired, g->desired, desired);
    a->nr_scheduled_changes++;
    asg_group_set_desired(g, desired, cause);
    free(cause);
}

void autoscaler_start(struct autoscaler *a, const struct scaling_config *cfg, struct asg_group *g,
                      struct sim_engine *eng, int64_t start_epoch_s, double capacity_rps_per_vcpu,
                      double (*load_rps)(void *ctx, sim_time now), void *load_ctx, sim_time end,
                      const struct autoscaler_observer *obs)
{
    memset(a, 0, sizeof(*a));
    if (obs)
        a->obs = *obs;
    a->cfg = cfg;
    a->g = g;
    a->eng = eng;
    a->start_epoch_s = start_epoch_s;
    a->capacity_rps_per_vcpu = capacity_rps_per_vcpu;
    a->rate_factor = 1.0;
    a->equal_shares = true; /* an ALB's default routing, round robin */
    a->load_rps = load_rps;
    a->load_ctx = load_ctx;
    make_tt_alarms(a);
    a->nr_alarms = cfg->nr_alarms + a->nr_tt_alarms;
    a->alarms = xcalloc(a->nr_alarms + 1, sizeof(*a->alarms));
    sim_time retention = SIM_HOUR(1);
    for (size_t i = 0; i < a->nr_alarms; i++) {
        const struct cw_alarm_config *c =
                i < cfg->nr_alarms ? &cfg->alarms[i] : &a->tt_alarms[i - cfg->nr_alarms];
        cw_alarm_init(&a->alarms[i], c);
        sim_time window = c->period * (c->evaluation_periods + 3);
        if (window > retention)
            retention = window;
    }
    cloudwatch_init(&a->cw, &cfg->cw, retention + SIM_MIN(10) + cfg->cw.publication_delay);
    /* percentiles of TargetResponseTime need the latencies: histograms of the periods the
       alarms look back over (their evaluation range and a margin), no more */
    sim_time hist_window = 0;
    for (size_t i = 0; i < a->nr_alarms; i++) {
        const struct cw_alarm_config *c = a->alarms[i].cfg;
        sim_time window = c->period * (c->evaluation_periods + 3) + SIM_MIN(2);
        if (cw_alarm_config_percentile_of(c, CW_TARGET_RESPONSE_TIME) && window > hist_window)
            hist_window = window;
    }
    if (hist_window > 0)
        cloudwatch_keep_histograms(&a->cw, CW_TARGET_RESPONSE_TIME,
                                   hist_window + cfg->cw.publication_delay);
    size_t n = cfg->nr_schedules;
    a->sched_times = xcalloc(n + 1, sizeof(*a->sched_times));
    a->nr_sched_times = xcalloc(n + 1, sizeof(*a->nr_sched_times));
    a->next_sched = xcalloc(n + 1, sizeof(*a->next_sched));
    int64_t now_s = start_epoch_s + sim_now(eng) / SIM_US_PER_SEC;
    for (size_t i = 0; i < n; i++) {
        schedule_times(&cfg->schedules[i], now_s, start_epoch_s + end / SIM_US_PER_SEC,
                       &a->sched_times[i], &a->nr_sched_times[i]);
        schedule_next(a, i);
    }
    a->tick = sim_schedule(eng, 0, &tick_event, a, (union sim_payload){ 0 });
    autoscaler_predictive_start(a, end);
}

void autoscaler_release(struct autoscaler *a)
{
    if (a->eng && a->tick)
        sim_cancel(a->eng, a->tick);
    autoscaler_predictive_release(a);
    cloudwatch_release(&a->cw);
    for (size_t i = 0; i < a->nr_tt_alarms; i++)
        cw_alarm_config_release(&a->tt_alarms[i]);
    free(a->tt_alarms);
    free(a->alarms);
    free(a->inv);
    for (size_t i = 0; a->sched_times && i < a->cfg->nr_schedules; i++)
        free(a->sched_times[i]);
    free(a->sched_times);
    free(a->nr_sched_times);
    free(a->next_sched);
    memset(a, 0, sizeof(*a));
}

double autoscaler_metric(const struct autoscaler *a, enum cw_metric m, sim_time now)
{
    double v;
    return cloudwatch_latest(&a->cw, m, CW_AVERAGE, now, &v) ? v : (double)NAN;
}
