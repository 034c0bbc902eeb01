/* Predictive scaling at run time: history, forecasts, hourly pre-launches (predictive.h). */
#include "asgsim/predictive.h"

#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

#define HOUR_S          3600
#define REFRESH_EVERY_H 6 /* AWS: forecasts are updated every 6 hours */
#define DECISION_HOURS  6 /* forecast hours a decision row shows */
#define HOURS_PER_WEEK  168

static void on_action(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type action_event = { "predictive.action", on_action };
static void on_hour(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type hour_event = { "predictive.hour", on_hour };

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Simulated time of the start of UTC hour `h`. */
static sim_time hour_time(const struct autoscaler *a, int64_t h)
{
    return SIM_SEC(h * HOUR_S - a->start_epoch_s);
}

/* The UTC hour holding simulated time `t`. */
static int64_t hour_of(const struct autoscaler *a, sim_time t)
{
    return floor_div(a->start_epoch_s + floor_div(t, SIM_US_PER_SEC), HOUR_S);
}

/* Mean offered load of hour h over samples every CW_SAMPLE_STEP, as CloudWatch averages. */
static double hour_load(const struct autoscaler *a, int64_t h)
{
    if (!a->load_rps)
        return 0;
    sim_time t0 = hour_time(a, h);
    double sum = 0;
    int64_t n = SIM_HOUR(1) / CW_SAMPLE_STEP;
    for (int64_t i = 0; i < n; i++)
        sum += a->load_rps(a->load_ctx, t0 + i * CW_SAMPLE_STEP);
    return sum / (double)n;
}

static void grow(struct predictor *pr, size_t n)
{
    if (n <= pr->nr_hours)
        return;
    ALLOC_GROW(pr->load, n, pr->alloc_hours);
    pr->in_force = xrealloc(pr->in_force, pr->alloc_hours * sizeof(*pr->in_force));
    for (size_t i = pr->nr_hours; i < n; i++)
        pr->load[i] = pr->in_force[i] = (double)NAN;
    pr->nr_hours = n;
}

static void refit(struct predictor *pr, int64_t next_hour, sim_time now)
{
    /* the previous 14 days (AWS), up to the last complete hour */
    int64_t from = next_hour - FORECAST_HISTORY_H;
    if (from < pr->first_hour)
        from = pr->first_hour;
    size_t off = (size_t)(from - pr->first_hour), n = (size_t)(next_hour - from);
    if (off + n > pr->nr_hours || n == 0)
        return;
    if (forecast_seasonal(pr->load + off, n, from, FORECAST_HORIZON_H, pr->fc) == 0) {
        pr->fc_hour = next_hour;
        pr->fc_issued = now;
    }
}

/* Add the forecast and the seasonal-naive one of hour h, which has ended, to the score
   (forecast_accuracy's sums, in the same order, so the same bits). */
static void score_hour(struct predictor *pr, int64_t h)
{
    if (h < -floor_div(-pr->a->start_epoch_s, HOUR_S)) /* before StartTime */
        return;
    double f = pr->in_force[h - pr->first_hour], y = pr->load[h - pr->first_hour];
    if (isnan(f) || isnan(y) || !(y > 0))
        return;
    pr->sc_k++;
    pr->sc_ape += fabs(f - y) / y;
    pr->sc_sf += f;
    pr->sc_sa += y;
    int64_t w = h - HOURS_PER_WEEK;
    double naive = w >= pr->history_hour ? pr->load[w - pr->first_hour] : (double)NAN;
    if (isnan(naive))
        return;
    pr->sc_naive_k++;
    pr->sc_naive_ape += fabs(naive - y) / y;
    pr->sc_naive_sf += naive;
    pr->sc_naive_sa += y;
}

/*
 * Keep the hours forecasts read (the last FORECAST_HISTORY_H, which include the week the
 * seasonal-naive score looks back) and those ahead: drop older ones, in steps of
 * FORECAST_HISTORY_H so that the move costs O(1) an hour.
 */
static void forget_old_hours(struct predictor *pr)
{
    int64_t drop = pr->done_hour - FORECAST_HISTORY_H - pr->first_hour;
    if (drop < FORECAST_HISTORY_H)
        return;
    size_t d = (size_t)drop, keep = pr->nr_hours - d;
    memmove(pr->load, pr->load + d, keep * sizeof(*pr->load));
    memmove(pr->in_force, pr->in_force + d, keep * sizeof(*pr->in_force));
    pr->nr_hours = keep;
    pr->first_hour += drop;
}

/* Record every hour that has ended by `now`; refresh the forecast on 6-hour boundaries. */
static void catch_up(struct predictor *pr, sim_time now)
{
    struct autoscaler *a = pr->a;
    int64_t cur = hour_of(a, now);
    bool boundary = false;
    while (pr->done_hour < cur) {
        int64_t h = pr->done_hour++;
        grow(pr, (size_t)(h - pr->first_hour) + 1);
        pr->load[h - pr->first_hour] = hour_load(a, h);
        score_hour(pr, h);
        boundary |= pr->done_hour % REFRESH_EVERY_H == 0;
        forget_old_hours(pr);
    }
    if (boundary)
        refit(pr, pr->done_hour, now);
}

/* Forecast load for hour h from the newest forecast; NaN when none covers it. */
static double forecast_for(const struct predictor *pr, int64_t h)
{
    if (pr->fc_issued < 0 || h < pr->fc_hour || h >= pr->fc_hour + FORECAST_HORIZON_H)
        return (double)NAN;
    return pr->fc[h - pr->fc_hour];
}

static int64_t capacity_for(const struct predictor *pr, double load)
{
    double exact = load * pr->per_rps / pr->p->predictive.target_value;
    /* the same millionth of tolerance as target tracking's computation */
    return (int64_t)ceil(exact - 1e-6 * fmax(1.0, exact));
}

static void describe_forecast(struct predictor *pr, int64_t h)
{
    const struct autoscaler *a = pr->a;
    size_t at = (size_t)snprintf(pr->values, sizeof(pr->values), "issued_s=%.0f",
                                 sim_time_to_seconds(pr->fc_issued));
    for (int64_t k = h; k < h + DECISION_HOURS && at < sizeof(pr->values); k++) {
        double v = forecast_for(pr, k);
        if (isnan(v))
            break;
        at += (size_t)snprintf(pr->values + at, sizeof(pr->values) - at, ", %.0f=%.6g",
                               sim_time_to_seconds(hour_time(a, k)), v);
    }
}

/* The action for hour h: SchedulingBufferTime before it (at StartTime for the first). */
static void act(struct predictor *pr, int64_t h, sim_time now)
{
    struct autoscaler *a = pr->a;
    struct asg_group *g = a->g;
    const struct predictive_config *pc = &pr->p->predictive;
    bool scales = pc->mode == PREDICTIVE_FORECAST_AND_SCALE;
    double load = forecast_for(pr, h);
    grow(pr, (size_t)(h - pr->first_hour) + 1); /* h >= first_hour: first_hour <= StartTime's */
    pr->in_force[h - pr->first_hour] = load;
    if (scales)
        a->forecast_floor = 0;
    struct policy_decision d = { .time = now,
                                 .policy = pr->p->name,
                                 .kind = policy_type_names[POLICY_PREDICTIVE],
                                 .alarm = "",
                                 .alarm_state = -1,
                                 .metric_value = load,
                                 .metric_from = hour_time(a, h),
                                 .metric_to = hour_time(a, h + 1),
                                 .metric_values = pr->values,
                                 .measured_capacity = (double)NAN,
                                 .current_capacity = g->units,
                                 .ready_capacity = g->units,
                                 .formula = pr->formula,
                                 .result = g->desired,
                                 .desired_before = g->desired,
                                 .desired_after = g->desired,
                                 .reason = DECISION_NO_DATA };
    if (isnan(load)) {
        pr->values[0] = '\0';
        snprintf(pr->formula, sizeof(pr->formula),
                 "no forecast: predictive scaling needs 24 hours of history");
        goto emit;
    }
    describe_forecast(pr, h);
    int64_t cap = capacity_for(pr, load);
    d.result = cap;
    int at = snprintf(pr->formula, sizeof(pr->formula),
                      "ceil(forecast %.6g rps * %.6g per rps / TargetValue %.6g) = %" PRId64, load,
                      pr->per_rps, pc->target_value, cap);
    if ((size_t)at >= sizeof(pr->formula))
        at = (int)sizeof(pr->formula) - 1;
    size_t left = sizeof(pr->formula) - (size_t)at;
    char *tail = pr->formula + at;
    d.reason = DECISION_NO_CHANGE;
    if (!scales) {
        snprintf(tail, left, "; ForecastOnly: not applied");
        goto emit;
    }
    /* AWS (API_PredictiveScalingConfiguration): IncreaseMaxCapacity raises MaxSize to the
       forecast plus MaxCapacityBuffer percent when the forecast comes close to or above it;
       the raised maximum stays */
    if (pc->increase_max) {
        int64_t room = (cap * (100 + pc->max_capacity_buffer_pct) + 99) / 100;
        if (room > g->max_size) {
            asg_group_set_limits(g, g->min_size, room);
            at += snprintf(tail, left, "; MaxSize raised to %" PRId64, room);
            if ((size_t)at >= sizeof(pr->formula)) /* truncated: append nothing more */
                at = (int)sizeof(pr->formula) - 1;
            left = sizeof(pr->formula) - (size_t)at;
            tail = pr->formula + at;
        }
    }
    int64_t want = cap < g->min_size ? g->min_size : cap > g->max_size ? g->max_size : cap;
    a->forecast_floor = want;
    if (want <= g->desired) {
        /* never scales in (ec2-auto-scaling-predictive-scaling) */
        d.reason = cap > g->desired ? DECISION_AT_MAX : DECISION_NO_CHANGE;
        goto emit;
    }
    if (want < cap)
        snprintf(tail, left, "; MaxSize %" PRId64, g->max_size);
    /* AWS publishes no activity cause for predictive scaling; asgsim words it as the
       others are */
    char *cause = xasprintf("a predictive scaling policy %s changing the desired capacity "
                            "from %" PRId64 " to %" PRId64 ".",
                            pr->p->name, g->desired, want);
    a->nr_policy_changes++;
    asg_group_set_desired(g, want, cause);
    free(cause);
    d.desired_after = g->desired;
    d.reason = DECISION_CHANGED;
emit:
    a->nr_decisions++;
    if (a->obs.decided)
        a->obs.decided(a->obs.ctx, &d);
}

static void schedule_action(struct predictor *pr, sim_time now)
{
    struct autoscaler *a = pr->a;
    sim_time at = hour_time(a, pr->next_action_hour) - pr->p->predictive.scheduling_buffer;
    if (at < now)
        at = now;
    if (at > a->end)
        return;
    pr->action = sim_schedule_at(a->eng, at, &action_event, pr, (union sim_payload){ 0 });
}

static void on_action(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct predictor *pr = target;
    sim_time now = sim_now(eng);
    pr->action = 0;
    catch_up(pr, now);
    act(pr, pr->next_action_hour++, now);
    schedule_action(pr, now);
}

static void schedule_hour(struct predictor *pr)
{
    sim_time at = hour_time(pr->a, pr->done_hour + 1);
    if (at > pr->a->end)
        return;
    pr->tick = sim_schedule_at(pr->a->eng, at, &hour_event, pr, (union sim_payload){ 0 });
}

static void on_hour(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct predictor *pr = target;
    pr->tick = 0;
    catch_up(pr, sim_now(eng));
    schedule_hour(pr);
}

/* The scaling metric, summed over the group, per request/s of offered load (policy.c's
   sample() produces the metrics in the same proportions). */
static double scaling_per_rps(const struct autoscaler *a, enum predictive_metric m)
{
    struct cloudwatch periods = { .cfg = a->cfg->cw };
    switch (m) {
    case PM_CPU: {
        /* one instance of the launch type per capacity unit (asgsim's rule for weights) */
        double rps_per_unit = (double)a->g->type->vcpus * a->capacity_rps_per_vcpu;
        return rps_per_unit > 0 ? 100.0 / rps_per_unit : 0;
    }
    case PM_NETWORK_IN:
        return a->cfg->cw.bytes_in_per_request *
               sim_time_to_seconds(cloudwatch_period(&periods, CW_NETWORK_IN));
    case PM_NETWORK_OUT:
        return a->cfg->cw.bytes_out_per_request *
               sim_time_to_seconds(cloudwatch_period(&periods, CW_NETWORK_OUT));
    case PM_ALB_REQUESTS:
        return 60.0; /* RequestCountPerTarget counts a minute */
    default:
        ASG_BUG("predictive metric %d", (int)m);
    }
}

void autoscaler_predictive_start(struct autoscaler *a, sim_time end)
{
    const struct scaling_config *c = a->cfg;
    size_t n = 0;
    for (size_t i = 0; i < c->nr_policies; i++)
        n += c->policies[i].type == POLICY_PREDICTIVE;
    if (!n)
        return;
    a->end = end;
    a->pred = xcalloc(n, sizeof(*a->pred));
    sim_time now = sim_now(a->eng);
    int64_t cur = hour_of(a, now);
    for (size_t i = 0; i < c->nr_policies; i++) {
        const struct policy_config *p = &c->policies[i];
        if (p->type != POLICY_PREDICTIVE)
            continue;
        struct predictor *pr = &a->pred[a->nr_pred++];
        pr->p = p;
        pr->a = a;
        pr->per_rps = scaling_per_rps(a, p->predictive.scaling_metric);
        pr->fc_issued = -1;
        /* the whole hours of history before now: hours that start at or after
           StartTime - History */
        int64_t from_s = a->start_epoch_s - c->predictive_history / SIM_US_PER_SEC;
        pr->first_hour = -floor_div(-from_s, HOUR_S);
        if (pr->first_hour > cur)
            pr->first_hour = cur;
        pr->history_hour = pr->done_hour = pr->first_hour;
        catch_up(pr, now);
        /* a forecast at StartTime when the history allows one (then every 6 hours) */
        if (pr->fc_issued < 0)
            refit(pr, pr->done_hour, now);
        pr->next_action_hour = cur;
        schedule_action(pr, now);
        schedule_hour(pr);
    }
}

void autoscaler_predictive_release(struct autoscaler *a)
{
    for (size_t i = 0; i < a->nr_pred; i++) {
        struct predictor *pr = &a->pred[i];
        if (pr->action)
            sim_cancel(a->eng, pr->action);
        if (pr->tick)
            sim_cancel(a->eng, pr->tick);
        free(pr->load);
        free(pr->in_force);
    }
    free(a->pred);
    a->pred = NULL;
    a->nr_pred = 0;
}

const struct predictor *autoscaler_predictor(const struct autoscaler *a)
{
    for (size_t i = 0; i < a->nr_pred; i++)
        if (a->pred[i].p->predictive.mode == PREDICTIVE_FORECAST_AND_SCALE)
            return &a->pred[i];
    return a->nr_pred ? &a->pred[0] : NULL;
}

bool predictor_forecast_at(const struct predictor *pr, sim_time now, double *load_rps,
                           double *capacity)
{
    /* the hour whose action has run: the forecast holds from SchedulingBufferTime early */
    int64_t h = hour_of(pr->a, now + pr->p->predictive.scheduling_buffer) - pr->first_hour;
    *load_rps = *capacity = (double)NAN;
    if (h < 0 || (size_t)h >= pr->nr_hours || isnan(pr->in_force[h]))
        return false;
    *load_rps = pr->in_force[h];
    *capacity = (double)capacity_for(pr, *load_rps);
    return true;
}

void predictor_score(const struct predictor *pr, struct forecast_score *out)
{
    /* the hours that start at or after StartTime and have ended, summed as they ended */
    *out = (struct forecast_score){ 0 };
    out->hours = pr->sc_k;
    out->naive_hours = pr->sc_naive_k;
    out->mape_pct = pr->sc_k ? 100.0 * pr->sc_ape / (double)pr->sc_k : (double)NAN;
    out->bias_pct = pr->sc_k ? 100.0 * (pr->sc_sf - pr->sc_sa) / pr->sc_sa : (double)NAN;
    out->naive_mape_pct =
            pr->sc_naive_k ? 100.0 * pr->sc_naive_ape / (double)pr->sc_naive_k : (double)NAN;
    out->naive_bias_pct = pr->sc_naive_k
                                  ? 100.0 * (pr->sc_naive_sf - pr->sc_naive_sa) / pr->sc_naive_sa
                                  : (double)NAN;
}
