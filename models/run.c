/* One simulation run: wires the models to the engine and writes the trace. */
#include "asgsim/run.h"

#include "asgsim/asg.h"
#include "asgsim/capacity.h"
#include "asgsim/policy.h"
#include "asgsim/predictive.h"
#include "asgsim/rng.h"
#include "asgsim/serve.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* Events table: from and to are lifecycle_state_names (include/asgsim/asg.h), then "None"
   for the state before a launch. */
#define EVENT_STATE_NONE LIFECYCLE_NR
static const char *const markets[] = { "on-demand", "spot" };

enum ts_col {
    TS_TIME,
    TS_LOAD,
    TS_DESIRED,
    TS_MIN,
    TS_MAX,
    TS_PENDING,
    TS_IN_SERVICE,
    TS_TERMINATING,
    TS_CPU,
    TS_COST,
    TS_SERVED,
    TS_DROPPED,
    TS_BACKLOG,
    TS_P50,
    TS_P95,
    TS_P99,
    TS_COST_ON_DEMAND,
    TS_COST_SPOT,
    TS_COST_STORAGE,
    TS_PENDING_WAIT,
    TS_TERMINATING_WAIT,
    TS_WARMED_PENDING,
    TS_WARMED_PENDING_WAIT,
    TS_WARMED_STOPPED,
    TS_WARMED_RUNNING,
    TS_WARMED_HIBERNATED,
    TS_NR
};

static const struct trace_field ts_fields[TS_NR] = {
    [TS_TIME] = { "time_s", TRACE_F64, "s", 0, NULL, 0 },
    [TS_LOAD] = { "load_rps", TRACE_F64, "requests/s", 0, NULL, 0 },
    [TS_DESIRED] = { "desired_capacity", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_MIN] = { "min_size", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_MAX] = { "max_size", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_PENDING] = { "pending", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_IN_SERVICE] = { "in_service", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_TERMINATING] = { "terminating", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_CPU] = { "cpu_utilization_pct", TRACE_F64, "percent", 0, NULL, 0 },
    [TS_COST] = { "cost_usd", TRACE_F64, "USD", 0, NULL, 0 },
    /* Serving, over the interval that ends at `time`. */
    [TS_SERVED] = { "served", TRACE_F64, "requests", 0, NULL, 0 },
    [TS_DROPPED] = { "dropped", TRACE_F64, "requests", 0, NULL, 0 },
    [TS_BACKLOG] = { "backlog", TRACE_F64, "requests", 0, NULL, 0 },
    [TS_P50] = { "latency_p50_s", TRACE_F64, "s", 0, NULL, 0 },
    [TS_P95] = { "latency_p95_s", TRACE_F64, "s", 0, NULL, 0 },
    [TS_P99] = { "latency_p99_s", TRACE_F64, "s", 0, NULL, 0 },
    [TS_COST_ON_DEMAND] = { "cost_on_demand_usd", TRACE_F64, "USD", 0, NULL, 0 },
    [TS_COST_SPOT] = { "cost_spot_usd", TRACE_F64, "USD", 0, NULL, 0 },
    [TS_COST_STORAGE] = { "cost_storage_usd", TRACE_F64, "USD", 0, NULL, 0 },
    /* Lifecycle hooks: instances in Pending:Wait and Terminating:Wait. */
    [TS_PENDING_WAIT] = { "pending_wait", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_TERMINATING_WAIT] = { "terminating_wait", TRACE_I32, "instances", 0, NULL, 0 },
    /* Warm pool instances by state (plots/states.gp reads these names). */
    [TS_WARMED_PENDING] = { "warmed_pending", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_WARMED_PENDING_WAIT] = { "warmed_pending_wait", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_WARMED_STOPPED] = { "warmed_stopped", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_WARMED_RUNNING] = { "warmed_running", TRACE_I32, "instances", 0, NULL, 0 },
    [TS_WARMED_HIBERNATED] = { "warmed_hibernated", TRACE_I32, "instances", 0, NULL, 0 },
};

/* Description and cause are AWS's sentences, of any length: never cut. */
static const struct trace_field activity_fields[] = {
    { "start_time_s", TRACE_F64, "s", 0, NULL, 0 }, { "end_time_s", TRACE_F64, "s", 0, NULL, 0 },
    { "ec2_id", TRACE_STR, "1", 20, NULL, 0 },      { "status", TRACE_STR, "1", 16, NULL, 0 },
    { "description", TRACE_VSTR, "1", 0, NULL, 0 }, { "cause", TRACE_VSTR, "1", 0, NULL, 0 },
};

static const struct trace_field instance_fields[] = {
    { "instance", TRACE_U32, "1", 0, NULL, 0 },
    { "ec2_id", TRACE_STR, "1", 20, NULL, 0 },
    { "instance_type", TRACE_STR, "1", 24, NULL, 0 },
    { "market", TRACE_ENUM, "1", 0, markets, ARRAY_SIZE(markets) },
    { "az", TRACE_STR, "1", 32, NULL, 0 },
    { "launch_time_s", TRACE_F64, "s", 0, NULL, 0 },
    { "in_service_time_s", TRACE_F64, "s", 0, NULL, 0 },
    { "terminate_time_s", TRACE_F64, "s", 0, NULL, 0 },
    { "billed_s", TRACE_I64, "s", 0, NULL, 0 },
    { "cost_usd", TRACE_F64, "USD", 0, NULL, 0 },
    { "storage_cost_usd", TRACE_F64, "USD", 0, NULL, 0 },
    { "weight", TRACE_I32, "units", 0, NULL, 0 },
    { "interrupted", TRACE_I32, "1", 0, NULL, 0 },
    { "partition", TRACE_I32, "1", 0, NULL, 0 }, /* placement partition, 1-based; 0: none */
};

static const struct trace_field stream_fields[] = {
    { "name", TRACE_STR, "1", 48, NULL, 0 },
    { "seed", TRACE_U32, "1", 0, NULL, 0 },
};

/* What the groups of one run share: the clock, the output, the account's discounts. */
struct stack {
    const struct scenario *sc;
    struct sim_engine *eng;
    struct trace_sink *sink;
    struct world *worlds; /* one per group, in template order */
    size_t nr_worlds;
    uint64_t nr_sample_yields;    /* samples put behind events at their own time */
    struct billing_ledger ledger; /* On-Demand usage by clock-hour, for RIs and Savings Plans */
    struct billing_discounts discounts;
    bool has_discounts;
    /* The periodic check (run_check): why it stopped the run, and the watchdog's instant. */
    const struct run_opts *opts;
    int stop;
    sim_time watch_at;
    uint64_t watch_fired;
};

/* One group's models and output (issue 17 item 9: a run simulates every group). */
struct world {
    const struct scenario *sc;
    struct scenario_group_view gv; /* the group, its load and its scaling */
    struct stack *stack;
    char *prefix; /* of its trace paths: "" with one group, "/groups/LOGICAL_ID" */
    struct sim_engine *eng;
    struct rng_set rngs;
    struct asg_group group;
    struct trace_sink *sink;
    struct trace_table *ts, *events, *activities, *instances;
    struct trace_table *decisions; /* only when the scenario scales */
    uint64_t nr_decisions;         /* rows of /decisions */
    const struct instance_type *type;
    bool serving; /* a workload is offered */
    struct serve_config serve_cfg;
    struct serve serve;
    struct serve_stats iv; /* the last sample interval's serving figures */
    /* Serving the autoscaler had recorded before its alarms read it (flush_serving), since
       the last row, in time order; the next row adds the rest of its interval. */
    struct serve_stats taken;
    bool has_taken;
    struct serve_stats piece; /* scratch: one interval taken */
    sim_time taken_at;        /* end of the last interval taken from the serving model */
    double time_over_objective_s;
    /* running sums for the summary */
    uint64_t nr_samples;
    double sum_in_service;
    uint64_t nr_cpu_samples;
    double sum_cpu;
    uint64_t nr_activities;
    /* scaling policies, alarms and scheduled actions (models/policy.c) */
    bool scaling;
    struct autoscaler scaler;
    struct trace_field *ts_fields; /* ts_fields, then the scaling columns */
    size_t nr_ts_fields;
    char **alarm_columns;
    size_t fc_column; /* first forecast column of /timeseries; 0: no predictive policy */
    size_t q_column;  /* first queue column of /timeseries; 0: the group is not queue-driven */
    union trace_value *ts_row;
    struct asg_config warm_cfg; /* WarmStart: the group's config with its warm size */
    double rps_per_vcpu;        /* the launch template type's rate (capacity.h) */
    bool burst_on;              /* burstable in standard mode, fluid serving: credits count */
    struct capacity_burst burst;
    struct capacity_credits credits;
};

static int open_events(struct world *w)
{
    const char *states[LIFECYCLE_NR + 1];
    for (size_t i = 0; i < LIFECYCLE_NR; i++)
        states[i] = lifecycle_state_names[i];
    states[EVENT_STATE_NONE] = "None";
    const struct trace_field fields[] = {
        { "time_s", TRACE_F64, "s", 0, NULL, 0 },
        { "instance", TRACE_U32, "1", 0, NULL, 0 },
        { "ec2_id", TRACE_STR, "1", 20, NULL, 0 },
        { "from", TRACE_ENUM, "1", 0, states, ARRAY_SIZE(states) },
        { "to", TRACE_ENUM, "1", 0, states, ARRAY_SIZE(states) },
        { "cause", TRACE_STR, "1", 32, NULL, 0 },
        { "az", TRACE_STR, "1", 32, NULL, 0 },
    };
    char *path = xasprintf("%s/events", w->prefix);
    int rc =
            trace_table_open(w->sink, path, TRACE_COMPOUND, fields, ARRAY_SIZE(fields), &w->events);
    free(path);
    return rc;
}

static double seconds_or_nan(sim_time t)
{
    return t < 0 ? (double)NAN : sim_time_to_seconds(t);
}

static void on_launched(void *ctx, const struct instance *inst)
{
    struct world *w = ctx;
    union trace_value row[] = {
        { .f64 = sim_time_to_seconds(sim_now(w->eng)) },
        { .u32 = inst->id },
        { .str = inst->ec2_id },
        { .i32 = EVENT_STATE_NONE },
        { .i32 = (int32_t)inst->state }, /* Pending, or Warmed:Pending into the warm pool */
        { .str = "launch" },
        { .str = inst->group->cfg->azs[inst->az] },
    };
    trace_append(w->sink, w->events, row);
}

static void on_transition(void *ctx, const struct instance *inst, enum lifecycle_state from,
                          enum lifecycle_state to, const char *cause)
{
    struct world *w = ctx;
    union trace_value row[] = {
        { .f64 = sim_time_to_seconds(sim_now(w->eng)) },
        { .u32 = inst->id },
        { .str = inst->ec2_id },
        { .i32 = (int32_t)from },
        { .i32 = (int32_t)to },
        { .str = cause },
        { .str = inst->group->cfg->azs[inst->az] },
    };
    trace_append(w->sink, w->events, row);
    /* Only InService instances are load balancer targets; on_health() already removed
       one that failed the load balancer's check. Each serves at its own type's rate. */
    if (w->serving && to == LIFECYCLE_IN_SERVICE)
        serve_add_rated(&w->serve, inst->id, (unsigned)inst->type->vcpus,
                        capacity_rps_per_vcpu(&w->sc->instances.capacity, inst->type->name));
    else if (w->serving && from == LIFECYCLE_IN_SERVICE && !inst->health.elb_unhealthy)
        serve_remove(&w->serve, inst->id);
}

/* An /events row without a state change (from = to): a health failure, a Spot signal. */
static void append_stateless_event(struct world *w, const struct instance *inst, const char *cause)
{
    union trace_value row[] = {
        { .f64 = sim_time_to_seconds(sim_now(w->eng)) },
        { .u32 = inst->id },
        { .str = inst->ec2_id },
        { .i32 = (int32_t)inst->state },
        { .i32 = (int32_t)inst->state },
        { .str = cause },
        { .str = inst->group->cfg->azs[inst->az] },
    };
    trace_append(w->sink, w->events, row);
}

static void on_health(void *ctx, const struct instance *inst, const char *event)
{
    struct world *w = ctx;
    append_stateless_event(w, inst, event);
    /* The load balancer stops routing to an instance that fails its check. */
    if (w->serving && inst->health.elb_unhealthy && inst->state == LIFECYCLE_IN_SERVICE)
        serve_remove(&w->serve, inst->id);
}

static void on_activity(void *ctx, const struct asg_activity *a)
{
    struct world *w = ctx;
    union trace_value row[] = {
        { .f64 = sim_time_to_seconds(a->start) },
        { .f64 = seconds_or_nan(a->end) },
        { .str = a->ec2_id },
        { .str = a->status },
        { .str = a->description },
        { .str = a->cause },
    };
    w->nr_activities++;
    trace_append(w->sink, w->activities, row);
}

static void on_retired(void *ctx, const struct instance *inst, sim_time now)
{
    struct world *w = ctx;
    union trace_value row[] = {
        { .u32 = inst->id },
        { .str = inst->ec2_id },
        { .str = inst->type->name },
        { .i32 = (int32_t)inst->market },
        { .str = inst->group->cfg->azs[inst->az] },
        { .f64 = sim_time_to_seconds(inst->launched_at) },
        { .f64 = seconds_or_nan(inst->in_service_at) },
        { .f64 = seconds_or_nan(inst->terminated_at) },
        { .i64 = billing_seconds(&inst->meter, now) },
        { .f64 = billing_cost_usd(&inst->meter, now) },
        { .f64 = billing_storage_usd(&inst->meter, now) },
        { .i32 = (int32_t)inst->weight },
        { .i32 = inst->spot.interrupted },
        { .i32 = placement_instance_partition(&inst->placement) + 1 },
    };
    trace_append(w->sink, w->instances, row);
}

static void on_spot_signal(void *ctx, const struct instance *inst, const char *signal)
{
    append_stateless_event(ctx, inst, signal);
}

/* Billing and markets of the group (models/ec2_config.c, models/market.c settings). */
static void setup_market(struct world *w)
{
    const struct scenario *sc = w->sc;
    const struct asg_config *cfg = w->gv.cfg;
    const struct launch_template_config *lt = &sc->launch_templates[cfg->launch_template];
    struct stack *st = w->stack;
    const struct asg_market_opts mo = {
        .catalog = &sc->catalog,
        .spot = &sc->spot,
        .granularity = sc->ec2.granularity,
        .ebs_usd_per_gib_month = sc->ec2.ebs_usd_per_gib_month,
        .root_volume_gib = lt->root_volume_gib > 0 ? lt->root_volume_gib : sc->ec2.root_volume_gib,
        .month_hours = sc->ec2.month_hours,
        .ledger = st->has_discounts ? &st->ledger : NULL,
        .spot_signal = on_spot_signal,
        .spot_ctx = w,
        /* EC2's state machine when the scenario gives Instances: Timing (README), and
           always with a warm pool, whose instances EC2 stops and starts */
        .ec2 = sc->ec2.timing_given || cfg->has_warm_pool ? &sc->ec2 : NULL,
        .hibernation = lt->hibernation,
    };
    asg_group_set_market(&w->group, &mo, &w->rngs);
}

/* Cost split in the time series: usage at list prices by market, and EBS. */
static void sample_costs(const struct world *w, sim_time now, union trace_value *row)
{
    double od, spot, storage;
    asg_group_cost_split(&w->group, now, &od, &spot, &storage);
    /* The usage cost is On-Demand plus Spot: one walk over the live instances per sample
       instead of a second one in asg_group_cost_usd (billing was a tenth of a 100-instance
       fluid run). Bit-identical without Spot; with Spot the sum is grouped by market. */
    row[TS_COST].f64 = od + spot;
    row[TS_COST_ON_DEMAND].f64 = od;
    row[TS_COST_SPOT].f64 = spot;
    row[TS_COST_STORAGE].f64 = storage;
}

/*
 * The invoice: On-Demand usage after Reserved Instances and Savings Plans (with their
 * fees), Spot usage, and EBS; plus the Spot signals. /summary/cost_usd stays the usage
 * at list prices, so that it equals the sum of /instances cost_usd.
 */
static void fill_cost_summary(struct world *w, struct run_summary *r)
{
    const struct scenario *sc = w->sc;
    const struct asg_group *g = &w->group;
    double od, spot, storage;
    asg_group_cost_split(g, sc->duration, &od, &spot, &storage);
    struct billing_invoice inv = { .on_demand_usd = od, .total_usd = od };
    struct stack *st = w->stack;
    if (st->has_discounts) {
        for (size_t i = 0; i < g->nr_live; i++)
            billing_ledger_add_open(&st->ledger, &g->live[i]->meter, sc->duration);
    }
    /* The account's discounts cover the whole stack: with several groups the stack's
       /summary has the invoice, each group's its usage at list prices (README). */
    if (st->has_discounts && st->nr_worlds == 1) {
        billing_ledger_invoice(&st->ledger, sc->duration, &inv);
    }
    r->cost_on_demand_usd = od;
    r->cost_spot_usd = spot;
    r->cost_storage_usd = storage;
    r->cost_on_demand_after_discounts_usd = inv.on_demand_usd;
    r->cost_reserved_instances_usd = inv.ri_usd;
    r->cost_savings_plan_usd = inv.sp_usd;
    r->cost_total_usd = inv.total_usd + spot + storage;
    /* The planner's unit price; filled in here because requests_served is set before. */
    r->cost_per_million_requests_usd =
            r->requests_served > 0 ? r->cost_total_usd * 1e6 / r->requests_served : (double)NAN;
    r->instances_on_demand = g->nr_launched_by_market[BILLING_ON_DEMAND];
    r->instances_spot = g->nr_launched_by_market[BILLING_SPOT];
    r->spot_rebalance_recommendations = g->spot.nr_rebalance_recommendations;
    r->spot_interruption_notices = g->spot.nr_interruption_notices;
    r->spot_interruptions = g->spot.nr_interruptions;
}

/* Lifecycle hooks and health replacements (models/asg.c). */
static void fill_group_summary(const struct world *w, struct run_summary *r)
{
    const struct asg_group *g = &w->group;
    r->lifecycle_actions = g->hooks.nr_actions;
    r->lifecycle_action_timeouts = g->hooks.nr_timeouts;
    r->launches_abandoned = g->hooks.nr_launches_abandoned;
    r->instance_failures_ec2 = g->health.nr_instance_failures[0];
    r->instance_failures_elb = g->health.nr_instance_failures[1];
    r->health_replacements = g->health.nr_health_replacements;
    r->lifetime_replacements = g->replacement.nr_lifetime_replacements;
    r->warm_starts = g->warm_pool.nr_warm_starts;
    r->launch_failures = g->nr_launch_failures;
    r->partition_failed_instances = g->health.nr_partition_failed;
    r->returned_to_warm_pool = g->warm_pool.nr_returned_to_pool;
    r->launch_retries = g->rebalance.nr_launch_retries;
    r->rebalance_launches = g->rebalance.nr_rebalance_launches;
    r->warm_pool_health_replacements = g->health.nr_pool_health_replacements;
}

/* Round robin gives every target the same share; least outstanding requests and workers
   pulling from a queue share by capacity (asgsim's rule, asg_fleet_cpu_pct()). */
static bool equal_shares(const struct world *w)
{
    return !w->serve_cfg.queue && w->serve_cfg.lb == SERVE_LB_ROUND_ROBIN;
}

static double load_rps(const struct world *w, sim_time now)
{
    return w->gv.has_workload ? workload_rate_rps(w->gv.workload, w->sc->start_epoch_s, now) : 0.0;
}

#ifndef NDEBUG
/* vCPUs InService by a walk over the group, to check the census in debug builds. */
static int64_t count_in_service_vcpus(const struct asg_group *g)
{
    int64_t vcpus = 0;
    for (size_t i = 0; i < g->nr_live; i++)
        if (g->live[i]->state == LIFECYCLE_IN_SERVICE)
            vcpus += g->live[i]->type->vcpus;
    return vcpus;
}
#endif

/* ---- scaling: CloudWatch, alarms, policies, scheduled actions ---------------------------- */

enum scaling_col { SC_ASG_AVG_CPU, SC_REQUESTS_PER_TARGET, SC_NR };

/* With a predictive policy, after the alarm columns: the forecast in force for the hour. */
enum forecast_col { FC_LOAD, FC_CAPACITY, FC_NR };

/* A queue-driven group, after the alarm columns: its queue as last sampled for CloudWatch
   (ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage). */
enum queue_col { QC_VISIBLE, QC_OLDEST_AGE, QC_NR };

static double scaler_load(void *ctx, sim_time now)
{
    return load_rps(ctx, now);
}

static bool group_scales(const struct scaling_config *c)
{
    return c->nr_alarms || c->nr_policies || c->nr_schedules;
}

/*
 * The /timeseries columns: the fixed ones, then, when the scenario scales, the metrics as
 * CloudWatch has published them and one state column per alarm (the scenario's, then the
 * two of each target-tracking policy).
 */
static void setup_ts_fields(struct world *w)
{
    static const struct trace_field cw_fields[SC_NR] = {
        [SC_ASG_AVG_CPU] = { "asg_avg_cpu_pct", TRACE_F64, "percent", 0, NULL, 0 },
        [SC_REQUESTS_PER_TARGET] = { "alb_request_count_per_target", TRACE_F64, "requests", 0, NULL,
                                     0 },
    };
    static const struct trace_field q_fields[QC_NR] = {
        [QC_VISIBLE] = { "sqs_messages_visible", TRACE_F64, "messages", 0, NULL, 0 },
        [QC_OLDEST_AGE] = { "sqs_oldest_message_age_s", TRACE_F64, "s", 0, NULL, 0 },
    };
    static const struct trace_field fc_fields[FC_NR] = {
        [FC_LOAD] = { "forecast_load_rps", TRACE_F64, "requests/s", 0, NULL, 0 },
        [FC_CAPACITY] = { "forecast_capacity", TRACE_F64, "units", 0, NULL, 0 },
    };
    size_t nr_alarms = w->scaling ? w->scaler.nr_alarms : 0;
    size_t n = TS_NR + (w->scaling ? SC_NR + nr_alarms : 0);
    if (w->scaling && w->gv.scaling->queue_driven) {
        w->q_column = n;
        n += QC_NR;
    }
    if (autoscaler_predictor(&w->scaler)) {
        w->fc_column = n;
        n += FC_NR;
    }
    if (w->burst_on) /* the last column: credits per InService instance */
        n++;
    w->ts_fields = xcalloc(n, sizeof(*w->ts_fields));
    memcpy(w->ts_fields, ts_fields, sizeof(ts_fields));
    w->alarm_columns = xcalloc(nr_alarms + 1, sizeof(*w->alarm_columns));
    if (w->scaling) {
        memcpy(w->ts_fields + TS_NR, cw_fields, sizeof(cw_fields));
        for (size_t i = 0; i < nr_alarms; i++) {
            w->alarm_columns[i] = xasprintf("alarm_%s", w->scaler.alarms[i].cfg->name);
            /* an AlarmName may hold '/', which would make an HDF5 path */
            for (char *c = w->alarm_columns[i]; *c; c++)
                if (*c == '/')
                    *c = '_';
            w->ts_fields[TS_NR + SC_NR + i] =
                    (struct trace_field){ w->alarm_columns[i], TRACE_ENUM, "1", 0,
                                          cw_state_names,      CW_STATE_NR };
        }
    }
    if (w->burst_on) /* the last column: credits per InService instance */
        w->ts_fields[n - 1] =
                (struct trace_field){ "cpu_credit_balance", TRACE_F64, "credits", 0, NULL, 0 };
    if (w->fc_column)
        memcpy(w->ts_fields + w->fc_column, fc_fields, sizeof(fc_fields));
    if (w->q_column)
        memcpy(w->ts_fields + w->q_column, q_fields, sizeof(q_fields));
    w->nr_ts_fields = n;
    w->ts_row = xcalloc(n, sizeof(*w->ts_row));
}

static void sample_scaling(struct world *w, sim_time now, union trace_value *row)
{
    if (!w->scaling)
        return;
    row[SC_ASG_AVG_CPU].f64 = autoscaler_metric(&w->scaler, CW_CPU, now);
    row[SC_REQUESTS_PER_TARGET].f64 = autoscaler_metric(&w->scaler, CW_REQUEST_COUNT_PER_TGT, now);
    for (size_t i = 0; i < w->scaler.nr_alarms; i++)
        row[SC_NR + i].i32 = (int32_t)w->scaler.alarms[i].state;
    if (w->q_column) {
        union trace_value *q = row - TS_NR + w->q_column;
        q[QC_VISIBLE].f64 = w->scaler.queue.visible;
        q[QC_OLDEST_AGE].f64 = w->scaler.queue.oldest_age_s;
    }
    const struct predictor *pr = autoscaler_predictor(&w->scaler);
    if (pr) {
        union trace_value *fc = row - TS_NR + w->fc_column;
        predictor_forecast_at(pr, now, &fc[FC_LOAD].f64, &fc[FC_CAPACITY].f64);
    }
}

static void on_decided(void *ctx, const struct policy_decision *d)
{
    struct world *w = ctx;
    w->nr_decisions++;
    run_decision_append(w->sink, w->decisions, d);
}

/*
 * The load balancer's metrics of the serving interval `iv` that ends now, taken after the one
 * that ended at w->taken_at (issue 17). A queue-driven group has none in front: an expired
 * message is no HTTP error (asgsim's rule: both 5XX counts stay 0).
 */
static void record_serving(struct world *w, sim_time now, const struct serve_stats *iv)
{
    if (w->scaling)
        autoscaler_record_serving(&w->scaler, now, now - w->taken_at, iv->served, &iv->hist,
                                  w->serve_cfg.queue ? 0.0 : iv->dropped,
                                  asg_group_count(&w->group, LIFECYCLE_IN_SERVICE));
    w->taken_at = now;
}

/*
 * The autoscaler is about to evaluate an alarm on the load balancer's metrics: record the
 * serving up to now, so that the alarm reads every interval that has ended, as it reads the
 * CPU (the sample at this instant comes after the alarms). What is taken here waits for the
 * row, which still covers its whole SampleInterval.
 */
static void flush_serving(void *ctx, sim_time now)
{
    struct world *w = ctx;
    struct serve_stats *iv = w->has_taken ? &w->piece : &w->taken;
    serve_take_interval(&w->serve, iv);
    record_serving(w, now, iv);
    if (w->has_taken)
        serve_stats_add(&w->taken, &w->piece);
    w->has_taken = true;
}

/* The autoscaler reads the queue-driven group's queue from the serving model. */
static void read_queue(void *ctx, sim_time now, struct msg_queue_status *out)
{
    struct world *w = ctx;
    ASG_ASSERT(now == sim_now(w->eng));
    serve_queue_status(&w->serve, out);
}

static void start_scaling(struct world *w)
{
    const struct scenario *sc = w->sc;
    if (!w->scaling)
        return;
    char *path = xasprintf("%s/decisions", w->prefix);
    run_decisions_open_at(w->sink, path, &w->decisions);
    free(path);
    const struct autoscaler_observer obs = { w, on_decided };
    autoscaler_start(&w->scaler, w->gv.scaling, &w->group, w->eng, sc->start_epoch_s,
                     w->rps_per_vcpu, scaler_load, w, sc->duration, &obs);
    autoscaler_set_equal_shares(&w->scaler, equal_shares(w));
    if (w->serving && w->serve_cfg.queue)
        autoscaler_set_queue(&w->scaler, read_queue, w);
    if (w->serving)
        autoscaler_set_serving(&w->scaler, flush_serving, w);
}

static void fill_scaling_summary(const struct world *w, struct run_summary *r)
{
    r->scaling = w->scaling;
    if (!w->scaling)
        return;
    r->policy_capacity_changes = w->scaler.nr_policy_changes;
    r->scheduled_capacity_changes = w->scaler.nr_scheduled_changes;
    r->policy_invocations = w->nr_decisions;
    const struct predictor *pr = autoscaler_predictor(&w->scaler);
    r->predictive = pr != NULL;
    if (pr) {
        struct forecast_score fs;
        predictor_score(pr, &fs);
        r->forecast_hours = fs.hours;
        r->forecast_mape_pct = fs.mape_pct;
        r->forecast_bias_pct = fs.bias_pct;
        r->seasonal_naive_hours = fs.naive_hours;
        r->seasonal_naive_mape_pct = fs.naive_mape_pct;
        r->seasonal_naive_bias_pct = fs.naive_bias_pct;
    }
}

static void release_scaling(struct world *w)
{
    autoscaler_release(&w->scaler);
    for (size_t i = 0; w->alarm_columns && w->alarm_columns[i]; i++)
        free(w->alarm_columns[i]);
    free(w->alarm_columns);
    free(w->ts_fields);
    free(w->ts_row);
}

/*
 * StatisticsStart: the summary's request, latency, CPU and in-service figures start afresh
 * after the sample at that time (the time series and the bill keep every sample).
 */
static void start_statistics(struct world *w)
{
    w->nr_samples = 0;
    w->sum_in_service = 0;
    w->nr_cpu_samples = 0;
    w->sum_cpu = 0;
    w->time_over_objective_s = 0;
    if (w->serving)
        memset(&w->serve.total, 0, sizeof(w->serve.total));
}

/* A copy of the group's config whose desired capacity serves the first minute (WarmStart). */
static const struct asg_config *warm_start_config(struct world *w, const struct asg_config *cfg,
                                                  struct diag_list *d)
{
    double target;
    int64_t n = run_warm_start_size(w->sc, &w->gv, w->type, &target);
    w->warm_cfg = *cfg;
    if (n > cfg->max_size)
        diag_warning(d, NULL,
                     "WarmStart: the first minute's load needs %" PRId64
                     " instances at %g %% CPU, more than MaxSize %" PRId64 "; the group starts "
                     "at MaxSize",
                     n, target, cfg->max_size);
    w->warm_cfg.desired_capacity = n < cfg->min_size   ? cfg->min_size
                                   : n > cfg->max_size ? cfg->max_size
                                                       : n;
    return &w->warm_cfg;
}

/*
 * CPU credits (capacity.h): a standard-mode burstable group whose balance is spent serves at
 * the baseline until it earns more; the CPU column shows what the instances deliver. Fluid
 * serving reads its rate at every step; request mode draws service times at one rate.
 */
static void setup_credits(struct world *w, struct diag_list *d)
{
    const struct scenario *sc = w->sc;
    if (!w->gv.has_workload ||
        !capacity_burst_of(&sc->instances.capacity, w->type->name, w->type->vcpus,
                           w->type->cpu_credits_per_hour, &w->burst) ||
        !w->burst.standard)
        return;
    if (w->gv.serve->fidelity != SERVE_FLUID) {
        diag_warning(d, NULL,
                     "%s runs in standard CPU credit mode, but its credits are modelled with "
                     "Fidelity: fluid only; this request-level run serves at full speed",
                     w->type->name);
        return;
    }
    w->burst_on = true;
}

/*
 * A queue-driven group's load is messages into its queue: serving is the queue (serve.h,
 * queue mode, at either fidelity), with the template's retention period (scenario.h).
 */
static void setup_queue(struct world *w)
{
    if (!w->gv.scaling->queue_driven)
        return;
    w->serve_cfg.queue = true;
    w->serve_cfg.retention = w->sc->queue_retention;
}

static double account_credits(struct world *w, sim_time now, size_t in_service, double cpu_pct)
{
    /* the sample at time 0 closes no interval: it only counts the instances and their
       launch credits */
    double minutes = now > 0 ? sim_time_to_seconds(w->sc->sample_interval) / 60.0 : 0.0;
    capacity_credits_step(&w->credits, &w->burst, w->type->vcpus, (int64_t)in_service,
                          cpu_pct / 100.0, minutes);
    double f = w->credits.throttled ? w->burst.baseline_frac : 1.0;
    serve_set_rate_factor(&w->serve, f);
    if (w->scaling) /* the policies read CloudWatch's CPU: the baseline, once throttled */
        autoscaler_set_rate_factor(&w->scaler, f);
    return w->credits.throttled ? fmin(cpu_pct, 100.0 * f) : cpu_pct;
}

static void sample(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type sample_event = { "run.sample", sample };

static void sample_group(struct world *w, sim_time now);

static void sample(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct stack *st = target;
    sim_time now = sim_now(eng);
    /*
     * A row at t shows the state after every event at t (decisions, launches, scheduled
     * actions, serving), whatever the SampleInterval. Ties fire in FIFO order and a delay of
     * 0 goes behind every event already due, so step back until this is the last one at t.
     * The steps are not counted as events (/summary/events). One event samples every group.
     */
    if (sim_next_time(eng) == now) {
        st->nr_sample_yields++;
        sim_schedule(eng, 0, &sample_event, st, (union sim_payload){ 0 });
        return;
    }
    for (size_t i = 0; i < st->nr_worlds; i++)
        sample_group(&st->worlds[i], now);
    if (now + st->sc->sample_interval <= st->sc->duration)
        sim_schedule(eng, st->sc->sample_interval, &sample_event, st, (union sim_payload){ 0 });
}

static void sample_group(struct world *w, sim_time now)
{
    const struct asg_group *g = &w->group;
    size_t in_service = asg_group_count(g, LIFECYCLE_IN_SERVICE);
    double load = load_rps(w, now);
    double cpu = (double)NAN; /* no InService instance: no datapoint, as in CloudWatch */
    if (in_service > 0) {
#ifndef NDEBUG
        ASG_ASSERT(g->census.in_service_vcpus == count_in_service_vcpus(g));
#endif
        /* a queue-driven group works at the rate it takes messages off the queue (as the
           autoscaler sampled it for CloudWatch), which is its capacity while a backlog
           waits, not at the rate they are sent */
        double work = w->serve_cfg.queue && w->scaling ? w->scaler.queue_busy_rps : load;
        /* each instance at its type's rate; the average of their CPUs, as CloudWatch's */
        cpu = asg_fleet_cpu_pct(g->census.types, g->census.nr_types, work, 100.0, equal_shares(w));
        if (w->burst_on)
            cpu = account_credits(w, now, in_service, cpu);
        w->nr_cpu_samples++;
        w->sum_cpu += cpu;
    }
    w->nr_samples++;
    w->sum_in_service += (double)in_service;
    union trace_value *row = w->ts_row;
    row[TS_TIME].f64 = sim_time_to_seconds(now);
    row[TS_LOAD].f64 = load;
    row[TS_DESIRED].i32 = (int32_t)g->desired;
    row[TS_MIN].i32 = (int32_t)g->min_size;
    row[TS_MAX].i32 = (int32_t)g->max_size;
    row[TS_PENDING].i32 = (int32_t)asg_group_count(g, LIFECYCLE_PENDING);
    row[TS_IN_SERVICE].i32 = (int32_t)in_service;
    row[TS_TERMINATING].i32 = (int32_t)asg_group_count(g, LIFECYCLE_TERMINATING);
    row[TS_PENDING_WAIT].i32 = (int32_t)asg_group_count(g, LIFECYCLE_PENDING_WAIT);
    row[TS_TERMINATING_WAIT].i32 = (int32_t)asg_group_count(g, LIFECYCLE_TERMINATING_WAIT);
    row[TS_WARMED_PENDING].i32 = (int32_t)asg_group_count(g, LIFECYCLE_WARMED_PENDING);
    row[TS_WARMED_PENDING_WAIT].i32 = (int32_t)asg_group_count(g, LIFECYCLE_WARMED_PENDING_WAIT);
    row[TS_WARMED_STOPPED].i32 = (int32_t)asg_group_count(g, LIFECYCLE_WARMED_STOPPED);
    row[TS_WARMED_RUNNING].i32 = (int32_t)asg_group_count(g, LIFECYCLE_WARMED_RUNNING);
    row[TS_WARMED_HIBERNATED].i32 = (int32_t)asg_group_count(g, LIFECYCLE_WARMED_HIBERNATED);
    row[TS_CPU].f64 = cpu;
    /* Without serving the figures are those of an empty interval. With serving,
       serve_take_interval fills every field: no 9 KB zeroing per sample. */
    static const struct serve_stats no_stats;
    const struct serve_stats *iv = &no_stats;
    if (w->serving) {
        serve_take_interval(&w->serve, &w->iv);
        record_serving(w, now, &w->iv);
        iv = &w->iv;
        if (w->has_taken) { /* the row's interval began with what the autoscaler took */
            serve_stats_add(&w->taken, &w->iv);
            iv = &w->taken;
            w->has_taken = false;
        }
    }
    /* One scan for the three quantiles (same bits as three serve_hist_quantile calls). */
    static const double qs[3] = { 0.50, 0.95, 0.99 };
    double qv[3];
    serve_hist_quantiles(&iv->hist, 3, qs, qv);
    double p99 = qv[2];
    if (w->serving && w->serve_cfg.latency_objective > 0 && now > 0 &&
        p99 > sim_time_to_seconds(w->serve_cfg.latency_objective))
        w->time_over_objective_s += sim_time_to_seconds(w->sc->sample_interval);
    row[TS_SERVED].f64 = iv->served;
    row[TS_DROPPED].f64 = iv->dropped;
    row[TS_BACKLOG].f64 = iv->backlog;
    row[TS_P50].f64 = qv[0];
    row[TS_P95].f64 = qv[1];
    row[TS_P99].f64 = p99;
    if (now == w->sc->statistics_start && now > 0 && now < w->sc->duration)
        start_statistics(w);
    sample_costs(w, now, row); /* also the cost column */
    sample_scaling(w, now, row + TS_NR);
    if (w->burst_on)
        row[w->nr_ts_fields - 1].f64 =
                w->credits.nr ? w->credits.balance / (double)w->credits.nr : (double)NAN;
    trace_append(w->sink, w->ts, row);
}

/*
 * The watchdog: a run whose clock stands still while this many events fire is in a loop of
 * zero-time events (a launch abandoned as soon as it starts, say) and would only grow its
 * memory and output. Far above any real instant: 100,000 instances launching at once fire
 * a few events each.
 */
#define RUN_MAX_EVENTS_PER_INSTANT 1000000

enum { STOP_NONE, STOP_INTERRUPTED, STOP_NO_PROGRESS };

/* Called by the engine every SIM_CHECK_EVERY events, inside a slice of simulated time too. */
static int run_check(void *ctx, struct sim_engine *eng)
{
    struct stack *w = ctx;
    if (w->opts->interrupted && w->opts->interrupted(w->opts->ctx)) {
        w->stop = STOP_INTERRUPTED;
        return 1;
    }
    if (sim_now(eng) != w->watch_at) {
        w->watch_at = sim_now(eng);
        w->watch_fired = sim_fired_count(eng);
        return 0;
    }
    if (sim_fired_count(eng) - w->watch_fired >= RUN_MAX_EVENTS_PER_INSTANT) {
        w->stop = STOP_NO_PROGRESS;
        return 1;
    }
    return 0;
}

/* Every group's streams; with several groups a stream's name starts with its group's id. */
static void write_streams(struct stack *st)
{
    struct trace_table *t;
    if (trace_table_open(st->sink, "/provenance/streams", TRACE_COMPOUND, stream_fields,
                         ARRAY_SIZE(stream_fields), &t))
        return;
    for (size_t k = 0; k < st->nr_worlds; k++) {
        const struct world *w = &st->worlds[k];
        for (size_t i = 0; i < w->rngs.nr; i++) {
            char *name = st->nr_worlds > 1
                                 ? xasprintf("%s/%s", w->gv.cfg->logical_id, w->rngs.items[i].name)
                                 : xstrdup(w->rngs.items[i].name);
            union trace_value row[] = { { .str = name }, { .u32 = w->rngs.items[i].seed } };
            trace_append(st->sink, t, row);
            free(name);
        }
    }
}

static int sink_error(struct stack *w, struct diag_list *d)
{
    return diag_error_status(d, w->sink->status, NULL, "writing the trace failed: %s",
                             w->sink->error ? w->sink->error : asg_strerror(w->sink->status));
}

/* Seeds: group 0 keeps the run's base seed (a one-group run is as before); each other group
   gets its own, fixed by its index, so its streams differ from the first group's. */
static uint64_t group_seed(uint64_t base, size_t index)
{
    return base + (uint64_t)index * UINT64_C(0x9E3779B97F4A7C15);
}

/* One group's models, started in the order a one-group run always used. */
static void start_world(struct stack *st, struct world *w, size_t index, struct diag_list *d)
{
    const struct scenario *sc = st->sc;
    const struct run_opts *o = st->opts;
    struct trace_sink *sink = st->sink;
    w->sc = sc;
    w->stack = st;
    w->eng = st->eng;
    w->sink = sink;
    scenario_group_view(sc, index, &w->gv);
    const struct asg_config *cfg = w->gv.cfg;
    w->prefix = st->nr_worlds > 1 ? xasprintf("/groups/%s", cfg->logical_id) : xstrdup("");
    w->type = catalog_find(&sc->catalog, sc->launch_templates[cfg->launch_template].instance_type);
    ASG_ASSERT(w->type);
    w->rps_per_vcpu = capacity_rps_per_vcpu(&sc->instances.capacity, w->type->name);
    setup_credits(w, d);
    rng_set_init(&w->rngs, group_seed(sc->seed, index), o->point, o->replication);
    /* the autoscaler's alarms name the timeseries columns: set it up first (no events yet
       are due before the group exists; it starts sampling at time 0 after the group) */
    w->scaling = group_scales(w->gv.scaling);
    open_events(w);
    char *path = xasprintf("%s/activities", w->prefix);
    trace_table_open(sink, path, TRACE_COMPOUND, activity_fields, ARRAY_SIZE(activity_fields),
                     &w->activities);
    free(path);
    path = xasprintf("%s/instances", w->prefix);
    trace_table_open(sink, path, TRACE_COMPOUND, instance_fields, ARRAY_SIZE(instance_fields),
                     &w->instances);
    free(path);

    const struct asg_observer obs = { w, on_launched, on_transition, on_activity, on_retired };
    if (sc->warm_start && w->gv.has_workload)
        cfg = warm_start_config(w, cfg, d);
    asg_group_init(&w->group, cfg, w->type, &sc->instances.boot_time, sc->start_epoch_s, w->eng,
                   &w->rngs, &obs);
    asg_group_set_capacity(&w->group, &sc->instances.capacity);
    w->serving = w->gv.has_workload;
    if (w->serving) {
        w->serve_cfg = *w->gv.serve;
        w->serve_cfg.capacity_rps_per_vcpu = w->rps_per_vcpu;
        setup_queue(w);
        serve_init(&w->serve, &w->serve_cfg, w->gv.workload, sc->start_epoch_s, sc->sample_interval,
                   w->eng, &w->rngs);
        serve_start(&w->serve);
    }
    setup_market(w);
    asg_group_set_faults(&w->group, &sc->faults, &w->rngs, on_health, w);
    /* Warm start: the initial instances boot in no time, so they are InService at time 0;
       every later launch takes the BootTime. */
    static const struct dist no_boot = { DIST_CONSTANT, 0, 0 };
    if (sc->warm_start)
        w->group.boot_time = &no_boot;
    asg_group_create(&w->group);
    w->group.boot_time = &sc->instances.boot_time;
    start_scaling(w);
    setup_ts_fields(w);
    path = xasprintf("%s/timeseries", w->prefix);
    trace_table_open(sink, path, TRACE_COLUMNS, w->ts_fields, w->nr_ts_fields, &w->ts);
    free(path);
}

/* One group's /summary figures at the end of the run. */
static void finish_world(struct world *w, struct run_summary *r)
{
    const struct scenario *sc = w->sc;
    asg_group_finish(&w->group);
    *r = (struct run_summary){ 0 };
    r->duration_s = sim_time_to_seconds(sc->duration);
    r->cost_usd = asg_group_cost_usd(&w->group, sc->duration);
    r->instance_hours = (double)asg_group_billed_seconds(&w->group, sc->duration) / 3600.0;
    r->instances_launched = w->group.nr_launched;
    r->instances_terminated = w->group.nr_terminated;
    r->activities = w->nr_activities;
    r->mean_in_service = w->nr_samples ? w->sum_in_service / (double)w->nr_samples : 0;
    r->mean_cpu_utilization_pct = w->nr_cpu_samples ? w->sum_cpu / (double)w->nr_cpu_samples : 0;
    r->events = sim_fired_count(w->eng) - w->stack->nr_sample_yields;
    r->latency_p50_s = r->latency_p95_s = r->latency_p99_s = r->latency_mean_s = (double)NAN;
    if (w->serving) {
        serve_take_interval(&w->serve, NULL); /* the tail after the last sample */
        const struct serve_stats *t = &w->serve.total;
        r->requests_arrived = t->arrived;
        r->requests_served = t->served;
        r->requests_dropped = t->dropped;
        r->requests_over_objective = t->over_objective;
        r->latency_mean_s = t->hist.total > 0 ? t->hist.sum_s / t->hist.total : (double)NAN;
        r->latency_p50_s = serve_hist_quantile(&t->hist, 0.50);
        r->latency_p95_s = serve_hist_quantile(&t->hist, 0.95);
        r->latency_p99_s = serve_hist_quantile(&t->hist, 0.99);
        r->latency_objective_s = sim_time_to_seconds(w->serve_cfg.latency_objective);
        r->time_over_objective_s = w->time_over_objective_s;
    }
    fill_cost_summary(w, r);
    fill_group_summary(w, r);
    fill_scaling_summary(w, r);
}

/* The stack's /summary: the groups' figures added up, the account's discounts applied once. */
static void stack_summary(struct stack *st, const struct run_summary *groups, struct run_summary *r)
{
    const struct scenario *sc = st->sc;
    *r = (struct run_summary){ 0 };
    for (size_t i = 0; i < st->nr_worlds; i++)
        summary_add(r, &groups[i]);
    r->duration_s = sim_time_to_seconds(sc->duration);
    r->events = sim_fired_count(st->eng) - st->nr_sample_yields;
    r->mean_cpu_utilization_pct = r->latency_mean_s = r->latency_p50_s = r->latency_p95_s =
            r->latency_p99_s = (double)NAN;
    if (st->has_discounts) {
        struct billing_invoice inv = { .on_demand_usd = r->cost_on_demand_usd,
                                       .total_usd = r->cost_on_demand_usd };
        billing_ledger_invoice(&st->ledger, sc->duration, &inv);
        r->cost_on_demand_after_discounts_usd = inv.on_demand_usd;
        r->cost_reserved_instances_usd = inv.ri_usd;
        r->cost_savings_plan_usd = inv.sp_usd;
        r->cost_total_usd = inv.total_usd + r->cost_spot_usd + r->cost_storage_usd;
    }
    r->cost_per_million_requests_usd =
            r->requests_served > 0 ? r->cost_total_usd * 1e6 / r->requests_served : (double)NAN;
}

static void release_world(struct world *w)
{
    release_scaling(w);
    serve_release(&w->serve);
    asg_group_release(&w->group);
    rng_set_release(&w->rngs);
    free(w->prefix);
}

int run_scenario(const struct scenario *sc, const struct run_opts *opts, struct trace_sink *sink,
                 struct run_summary *out, struct diag_list *d)
{
    static const struct run_opts no_opts = { 0 };
    const struct run_opts *o = opts ? opts : &no_opts;
    ASG_ASSERT(sc->nr_groups >= 1);
    struct stack st = { .sc = sc, .sink = sink, .opts = o, .watch_at = -1 };
    st.eng = sim_engine_new();
    sim_set_check(st.eng, run_check, &st);
    sim_set_interrupt_flag(st.eng, o->interrupt_flag);
    ec2_config_discounts(&sc->ec2, &st.discounts);
    st.has_discounts = st.discounts.nr_ris > 0 || st.discounts.sp_commit_usd_per_hour > 0;
    billing_ledger_init(&st.ledger, sc->start_epoch_s, &st.discounts);
    st.nr_worlds = sc->nr_groups;
    st.worlds = xcalloc(st.nr_worlds, sizeof(*st.worlds));
    struct run_summary *sums = xcalloc(st.nr_worlds, sizeof(*sums));

    run_write_provenance(sc, sink, o);
    for (size_t i = 0; i < st.nr_worlds; i++)
        start_world(&st, &st.worlds[i], i, d);
    sim_schedule(st.eng, 0, &sample_event, &st, (union sim_payload){ 0 });

    /* Run in slices so that interruption and progress are noticed during long runs. */
    int ret = 0;
    sim_time slice = sc->duration / 1000 > SIM_SEC(1) ? sc->duration / 1000 : SIM_SEC(1);
    do {
        sim_time end =
                sc->duration - sim_now(st.eng) > slice ? sim_now(st.eng) + slice : sc->duration;
        sim_run_until(st.eng, end);
        if (sink->status) {
            ret = sink_error(&st, d);
            goto out;
        }
        if (st.stop == STOP_NO_PROGRESS) {
            ret = diag_error_status(
                    d, ASG_EINVAL, NULL,
                    "no progress in simulated time: %d events fired at %.0f s without the clock "
                    "moving (a loop of zero-time events, such as launches abandoned as soon as "
                    "they start); the run is stopped",
                    RUN_MAX_EVENTS_PER_INSTANT, sim_time_to_seconds(sim_now(st.eng)));
            goto out;
        }
        if (o->progress)
            o->progress(o->ctx, sim_now(st.eng), sc->duration, sim_fired_count(st.eng));
        if (st.stop == STOP_INTERRUPTED || (o->interrupted && o->interrupted(o->ctx))) {
            ret = diag_error_status(d, ASG_EINTR, NULL, "interrupted at %.0f s of %.0f s",
                                    sim_time_to_seconds(sim_now(st.eng)),
                                    sim_time_to_seconds(sc->duration));
            goto out;
        }
    } while (sim_now(st.eng) < sc->duration);

    for (size_t i = 0; i < st.nr_worlds; i++) {
        finish_world(&st.worlds[i], &sums[i]);
        run_write_summary(sink, st.worlds[i].prefix, &sums[i], false);
    }
    struct run_summary r = sums[0];
    if (st.nr_worlds > 1) {
        stack_summary(&st, sums, &r);
        run_write_summary(sink, "", &r, true);
    }
    /* A signal during the last fluid steps (finish_world) cut them short: not a result. */
    if (sim_interrupted(st.eng)) {
        ret = diag_error_status(d, ASG_EINTR, NULL, "interrupted at %.0f s of %.0f s",
                                sim_time_to_seconds(sim_now(st.eng)),
                                sim_time_to_seconds(sc->duration));
        goto out;
    }
    write_streams(&st);
    if (sink->status) {
        ret = sink_error(&st, d);
        goto out;
    }
    if (out)
        *out = r;
out:
    for (size_t i = 0; i < st.nr_worlds; i++)
        release_world(&st.worlds[i]);
    free(st.worlds);
    free(sums);
    billing_ledger_release(&st.ledger);
    sim_engine_free(st.eng);
    return ret;
}
