/*
 * Property test over generated scenarios (issue 9 point 2, issue 4 point 8).
 *
 * Each case is a random but VALID CloudFormation template with `Metadata: ASGSim::Scenario`,
 * written as YAML text, so it goes through the real pipeline: scenario_load() (the
 * CloudFormation layer and every *_config.c binder), then run_scenario() into the memory
 * sink. The generator spans group sizes (MaxSize 0, Min = Max), 1-3 AZs (zones or subnets),
 * simple / step / target-tracking / predictive policies with their alarms, scheduled
 * actions, lifecycle hooks (both transitions, durations, failures, heartbeats, timeouts,
 * CONTINUE / ABANDON), warm pools (each PoolState, ReuseOnScaleIn), placement groups
 * (cluster, partition, spread), MixedInstancesPolicy with Spot, EC2 and ELB failures,
 * partition failures, insufficient capacity, MaxInstanceLifetime, launch template versions,
 * termination policies, billing options and every workload kind but trace replay.
 *
 * On every case, from the tables the run wrote:
 *  - /events: times never go backwards and stay within the run; replaying the rows keeps
 *    each instance in exactly one state (a row's `from` is the state the instance is in),
 *    every change is a transition AWS's lifecycle allows, launches are new ids;
 *  - /timeseries: at every sample, some point among the events of that instant gives the
 *    per-state counts the sample shows, and there the capacity (Pending* + InService, in
 *    weighted units) is at most MaxSize (plus the largest weight - 1 with weights, as AWS
 *    documents) and at least desired unless a launch failed; MinSize <= desired <= MaxSize;
 *  - billing: every cost column is >= 0 and never decreases; per-instance costs are >= 0
 *    and add up to /summary/cost;
 *  - every launched instance has exactly one /instances row and is terminated or still
 *    live at the end; the summary counts agree with the replay;
 *  - /summary: no NaN or infinity except where documented, served + dropped <= arrived
 *    (property_figures.h).
 *
 * ASGSIM_PROPERTY_CASES=N runs N cases (default 1000), ASGSIM_PROPERTY_SEED=S starts at
 * seed S (default 1). A failure prints the seed, the YAML and the command that re-runs it,
 * and keeps the YAML under build/tests/tmp/property-SEED.yaml for `asgsim run`.
 */
#include "helpers.h"
#include "lifecycle_rules.h"
#include "property_figures.h"
#include "property_gen.h"

#include "asgsim/asg.h"
#include "asgsim/run.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"

#include <check.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

#define DEFAULT_CASES 1000
#define STATE_NONE    LIFECYCLE_NR /* /events `from` of a launch row */

/* ---- the invariants ----------------------------------------------------------------------- */

static bool counts_capacity(int state)
{
    return state == LIFECYCLE_PENDING || state == LIFECYCLE_PENDING_WAIT ||
           state == LIFECYCLE_PENDING_PROCEED || state == LIFECYCLE_IN_SERVICE;
}

static bool is_final(int state)
{
    return state == LIFECYCLE_TERMINATED || state == LIFECYCLE_WARMED_TERMINATED;
}

/* The per-state columns of /timeseries, by state. */
static const struct {
    const char *column;
    int state;
} ts_states[] = {
    { "pending", LIFECYCLE_PENDING },
    { "pending_wait", LIFECYCLE_PENDING_WAIT },
    { "in_service", LIFECYCLE_IN_SERVICE },
    { "terminating", LIFECYCLE_TERMINATING },
    { "terminating_wait", LIFECYCLE_TERMINATING_WAIT },
    { "warmed_pending", LIFECYCLE_WARMED_PENDING },
    { "warmed_pending_wait", LIFECYCLE_WARMED_PENDING_WAIT },
    { "warmed_stopped", LIFECYCLE_WARMED_STOPPED },
    { "warmed_running", LIFECYCLE_WARMED_RUNNING },
    { "warmed_hibernated", LIFECYCLE_WARMED_HIBERNATED },
};

static const char *const cost_columns[] = { "cost_usd", "cost_on_demand_usd", "cost_spot_usd",
                                            "cost_storage_usd" };

/* What all cases showed, so the test proves it exercised each feature. */
static struct {
    uint64_t cases, rejected;
    uint64_t gen[32]; /* per feature flag, see count_features() */
    uint64_t warm_starts, returned, spot_interruptions, partition_failed, abandoned, lifetime,
            launch_failures, launch_retries, rebalance_launches, pool_health, health, hook_actions,
            hook_timeouts, policy_changes, scheduled_changes, launched, samples, events;
    double arrived; /* requests: the request checks saw traffic */
} seen;

struct pcase {
    uint64_t seed;
    const char *yaml;
    const struct features *ft;
    struct trace_sink *sink;
};

static void case_fail(const struct pcase *c, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4), noreturn));

/* Print what reproduces the case, keep its YAML, then fail the test. */
static void case_fail(const struct pcase *c, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    char name[64];
    snprintf(name, sizeof(name), "property-%" PRIu64 ".yaml", c->seed);
    char *path = test_tmp_path(name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(c->yaml, f);
        fclose(f);
    }
    fprintf(stderr,
            "property case %" PRIu64 " failed (test_property.c:%d): %s\n"
            "--- generated scenario (kept as %s) ---\n%s--- end ---\n"
            "re-run: ASGSIM_PROPERTY_SEED=%" PRIu64 " ASGSIM_PROPERTY_CASES=1 "
            "CK_RUN_SUITE=property build/tests/check_models\n"
            "    or: build/asgsim run %s -o /tmp/property.h5\n",
            c->seed, line, msg, path, c->yaml, c->seed, path);
    free(path);
    ck_abort_msg("property case %" PRIu64 ": %s", c->seed, msg);
}

#define CHECK(c, cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            case_fail((c), __LINE__, __VA_ARGS__);                                                 \
    } while (0)

static const union trace_value *cell(const struct pcase *c, const char *table, size_t row,
                                     const char *field)
{
    const union trace_value *v = trace_mem_cell(c->sink, table, row, field);
    CHECK(c, v, "%s row %zu has no field %s", table, row, field);
    return v;
}

static double summary(const struct pcase *c, const char *name)
{
    char path[96];
    snprintf(path, sizeof(path), "/summary/%s", name);
    double v = trace_mem_scalar(c->sink, path);
    CHECK(c, !isnan(v), "%s is missing", path);
    return v;
}

struct replay {
    int *state; /* per instance id; -1 before its launch */
    int32_t *weight;
    size_t nr_ids;
    size_t count[LIFECYCLE_NR];
    int64_t units; /* Pending* + InService, weighted */
};

static void apply(const struct pcase *c, struct replay *rp, size_t row, double duration_s)
{
    uint32_t id = cell(c, "/events", row, "instance")->u32;
    int from = cell(c, "/events", row, "from")->i32, to = cell(c, "/events", row, "to")->i32;
    double t = cell(c, "/events", row, "time_s")->f64;
    CHECK(c, id > 0 && id < rp->nr_ids, "/events row %zu: instance %u unknown", row, id);
    CHECK(c, t >= 0 && t <= duration_s, "/events row %zu: time %g outside the run", row, t);
    CHECK(c, to >= 0 && to < LIFECYCLE_NR, "/events row %zu: bad state %d", row, to);
    if (from == STATE_NONE) {
        CHECK(c, rp->state[id] == -1, "/events row %zu: instance %u launched twice", row, id);
        CHECK(c, to == LIFECYCLE_PENDING || to == LIFECYCLE_WARMED_PENDING,
              "/events row %zu: instance %u launched into %s", row, id, lifecycle_state_names[to]);
    } else {
        CHECK(c, from >= 0 && from < LIFECYCLE_NR, "/events row %zu: bad state %d", row, from);
        /* the instance is in exactly one state: the one this row says it leaves */
        CHECK(c, rp->state[id] == from, "/events row %zu: instance %u leaves %s but is in %s", row,
              id, lifecycle_state_names[from],
              rp->state[id] < 0 ? "no state" : lifecycle_state_names[rp->state[id]]);
        if (from == to) /* a health check or Spot signal: no change */
            return;
        CHECK(c, lifecycle_allowed(from, to),
              "/events row %zu: instance %u: %s -> %s is not a lifecycle "
              "transition",
              row, id, lifecycle_state_names[from], lifecycle_state_names[to]);
        rp->count[from]--;
        if (counts_capacity(from))
            rp->units -= rp->weight[id];
    }
    rp->state[id] = to;
    rp->count[to]++;
    if (counts_capacity(to))
        rp->units += rp->weight[id];
}

static bool sample_matches(const struct pcase *c, const struct replay *rp, size_t row)
{
    for (size_t k = 0; k < ARRAY_SIZE(ts_states); k++)
        if ((size_t)cell(c, "/timeseries", row, ts_states[k].column)->i32 !=
            rp->count[ts_states[k].state])
            return false;
    return true;
}

/* Capacity bounds at a sample; NULL when they hold, else what is wrong. */
static const char *capacity_problem(const struct pcase *c, const struct replay *rp, size_t row,
                                    bool launch_failed, bool rebalancing,
                                    const double *protected_from, char *buf, size_t n)
{
    double t = cell(c, "/timeseries", row, "time_s")->f64;
    int32_t desired = cell(c, "/timeseries", row, "desired_capacity")->i32;
    int32_t min = cell(c, "/timeseries", row, "min_size")->i32;
    int32_t max = cell(c, "/timeseries", row, "max_size")->i32;
    /* AWS: with weights the group may exceed MaxSize by at most the largest weight (it
       stops once desired is met or exceeded); AZ rebalancing by 10 % or 1 instance; and
       scale-in never terminates protected instances, so once a scale-in found only
       protected ones (the activity "...all remaining instances are protected from
       scale-in.") a lowered MaxSize may stay below them. */
    int64_t limit = (int64_t)max + c->ft->max_weight - 1;
    if (rebalancing)
        limit += max / 10 > 1 ? max / 10 : 1;
    if (min < 0 || min > desired || desired > max)
        snprintf(buf, n, "min %d, desired %d, max %d", min, desired, max);
    else if (rp->units > limit && !(protected_from && t >= protected_from[0]))
        snprintf(buf, n, "capacity %" PRId64 " above MaxSize %d", rp->units, max);
    else if (!launch_failed && rp->units < desired)
        snprintf(buf, n, "capacity %" PRId64 " below desired %d without a failed launch", rp->units,
                 desired);
    else
        return NULL;
    return buf;
}

static bool has_text(const struct pcase *c, const char *table, const char *field, const char *s)
{
    for (size_t i = 0; i < trace_mem_rows(c->sink, table); i++)
        if (strstr(cell(c, table, i, field)->str, s))
            return true;
    return false;
}

/* An instance EC2 interrupted ended in (from, to]. */
static bool spot_interrupted_between(const struct pcase *c, double from, double to)
{
    for (size_t i = 0; i < trace_mem_rows(c->sink, "/instances"); i++) {
        double t = cell(c, "/instances", i, "terminate_time_s")->f64;
        if (cell(c, "/instances", i, "interrupted")->i32 && t > from && t <= to)
            return true;
    }
    return false;
}

static void check_run(const struct pcase *c, const struct scenario *sc, const struct run_summary *r)
{
    double duration_s = sim_time_to_seconds(sc->duration);
    size_t nr_ev = trace_mem_rows(c->sink, "/events");
    size_t nr_ts = trace_mem_rows(c->sink, "/timeseries");
    size_t nr_inst = trace_mem_rows(c->sink, "/instances");
    CHECK(c, nr_ts >= 1, "no /timeseries rows");

    /* ids and weights from /instances: one row per launched instance */
    struct replay rp = { 0 };
    rp.nr_ids = nr_inst + 2;
    rp.state = xcalloc(rp.nr_ids, sizeof(*rp.state));
    rp.weight = xcalloc(rp.nr_ids, sizeof(*rp.weight));
    for (size_t i = 0; i < rp.nr_ids; i++)
        rp.state[i] = -1;
    double sum_cost = 0;
    for (size_t i = 0; i < nr_inst; i++) {
        uint32_t id = cell(c, "/instances", i, "instance")->u32;
        CHECK(c, id > 0 && id <= nr_inst, "/instances row %zu: id %u of %zu", i, id, nr_inst);
        CHECK(c, rp.weight[id] == 0, "/instances: instance %u reported twice", id);
        int32_t w = cell(c, "/instances", i, "weight")->i32;
        CHECK(c, w >= 1 && w <= c->ft->max_weight, "instance %u: weight %d", id, w);
        rp.weight[id] = w;
        double cost = cell(c, "/instances", i, "cost_usd")->f64;
        double storage = cell(c, "/instances", i, "storage_cost_usd")->f64;
        CHECK(c, cost >= 0 && storage >= 0 && cell(c, "/instances", i, "billed_s")->i64 >= 0,
              "instance %u: cost %g, storage %g", id, cost, storage);
        sum_cost += cost;
    }
    CHECK(c, (double)nr_inst == summary(c, "instances_launched"),
          "%zu /instances rows, %g launched", nr_inst, summary(c, "instances_launched"));

    /* a launch no AZ could take, or a back-off after abandoned launches (it takes two) */
    bool launch_failed = summary(c, "launch_failures") > 0 || summary(c, "launches_abandoned") > 1;
    /* AWS's cause for rebalancing launches (asg.c rebalance()) */
    bool rebalancing = has_text(c, "/activities", "cause",
                                "instances were launched to balance instances in zones");
    double protected_at = HUGE_VAL;
    for (size_t i = 0; i < trace_mem_rows(c->sink, "/activities"); i++)
        if (strstr(cell(c, "/activities", i, "cause")->str, "protected from scale-in") &&
            cell(c, "/activities", i, "start_time_s")->f64 < protected_at)
            protected_at = cell(c, "/activities", i, "start_time_s")->f64;
    char buf[160];
    double last_t = 0;
    double last_cost[ARRAY_SIZE(cost_columns)] = { 0 };
    size_t e = 0;
    for (size_t s = 0; s < nr_ts; s++) {
        double t = cell(c, "/timeseries", s, "time_s")->f64;
        /* apply the events before the sample's instant */
        for (; e < nr_ev && cell(c, "/events", e, "time_s")->f64 < t; e++) {
            double te = cell(c, "/events", e, "time_s")->f64;
            CHECK(c, te >= last_t, "/events row %zu: time %g before %g", e, te, last_t);
            last_t = te;
            apply(c, &rp, e, duration_s);
        }
        /* the sample fired somewhere among the events of its instant */
        const char *problem = "the per-state counts match no point of the instant";
        for (;;) {
            if (sample_matches(c, &rp, s)) {
                problem = capacity_problem(c, &rp, s, launch_failed, rebalancing, &protected_at,
                                           buf, sizeof(buf));
                if (!problem)
                    break;
            }
            if (e == nr_ev || cell(c, "/events", e, "time_s")->f64 != t)
                break;
            last_t = t;
            apply(c, &rp, e++, duration_s);
        }
        CHECK(c, !problem, "sample %zu (t = %g s): %s", s, t, problem);
        /* AWS does not charge a Spot Instance it interrupts in its first hour
           (billing-for-interrupted-spot-instances): that refund is the one decrease. */
        bool refund = s > 0 &&
                      spot_interrupted_between(c, cell(c, "/timeseries", s - 1, "time_s")->f64, t);
        for (size_t k = 0; k < ARRAY_SIZE(cost_columns); k++) {
            double v = cell(c, "/timeseries", s, cost_columns[k])->f64;
            bool may_drop = refund && (k == 0 || !strcmp(cost_columns[k], "cost_spot_usd"));
            /* the sum of live meters plus the retired total is re-added in another order
               once an instance retires: allow rounding in the last bits, nothing more */
            double ulps = 1e-12 * (1 + last_cost[k]);
            CHECK(c, v >= 0 && (v >= last_cost[k] - ulps || may_drop),
                  "sample %zu: %s %.17g after %.17g", s, cost_columns[k], v, last_cost[k]);
            last_cost[k] = v;
        }
    }
    for (; e < nr_ev; e++) {
        double te = cell(c, "/events", e, "time_s")->f64;
        CHECK(c, te >= last_t, "/events row %zu: time %g before %g", e, te, last_t);
        last_t = te;
        apply(c, &rp, e, duration_s);
    }

    /* every launched instance: terminated, or still live at the end */
    size_t terminated = 0;
    for (size_t i = 0; i < nr_inst; i++) {
        uint32_t id = cell(c, "/instances", i, "instance")->u32;
        CHECK(c, rp.state[id] >= 0, "instance %u has a row but no launch event", id);
        double tt = cell(c, "/instances", i, "terminate_time_s")->f64;
        if (is_final(rp.state[id])) {
            terminated++;
            CHECK(c, tt >= 0 && tt <= duration_s, "instance %u: terminated at %g", id, tt);
        }
    }
    for (size_t id = nr_inst + 1; id < rp.nr_ids; id++)
        CHECK(c, rp.state[id] == -1, "instance %zu launched without an /instances row", id);
    CHECK(c, (double)terminated == summary(c, "instances_terminated"),
          "%zu terminated by /events, %g in /summary", terminated,
          summary(c, "instances_terminated"));

    /* the bill: never negative, per-instance rows add up, the last sample below the end */
    CHECK(c, r->cost_usd >= 0 && fabs(sum_cost - r->cost_usd) <= 1e-9 * (1 + r->cost_usd),
          "summary cost %.12g, /instances sum %.12g", r->cost_usd, sum_cost);
    double last_sample_t = cell(c, "/timeseries", nr_ts - 1, "time_s")->f64;
    CHECK(c,
          last_cost[0] <= r->cost_usd + 1e-9 ||
                  spot_interrupted_between(c, last_sample_t, duration_s),
          "last sample cost %g above the total %g", last_cost[0], r->cost_usd);
    static const char *const costs[] = {
        "cost_on_demand_usd",    "cost_spot_usd",
        "cost_storage_usd",      "cost_reserved_instances_usd",
        "cost_savings_plan_usd", "cost_on_demand_after_discounts_usd",
        "cost_total_usd"
    };
    for (size_t k = 0; k < ARRAY_SIZE(costs); k++)
        CHECK(c, summary(c, costs[k]) >= 0, "/summary/%s is %g", costs[k], summary(c, costs[k]));
    CHECK(c, r->instance_hours >= 0, "instance hours %g", r->instance_hours);
    /* no undocumented NaN; served + dropped <= arrived (property_figures.h) */
    const char *figures = summary_problem(r, buf, sizeof(buf));
    CHECK(c, !figures, "%s", figures);
    seen.arrived += r->requests_arrived;

    /* activities lie within the run */
    for (size_t i = 0; i < trace_mem_rows(c->sink, "/activities"); i++) {
        double a = cell(c, "/activities", i, "start_time_s")->f64;
        double b = cell(c, "/activities", i, "end_time_s")->f64;
        CHECK(c, a >= 0 && a <= duration_s && (isnan(b) || (b >= a && b <= duration_s)),
              "/activities row %zu: %g to %g", i, a, b);
    }

    seen.warm_starts += (uint64_t)summary(c, "warm_starts");
    seen.returned += (uint64_t)summary(c, "returned_to_warm_pool");
    seen.spot_interruptions += (uint64_t)summary(c, "spot_interruptions");
    seen.partition_failed += (uint64_t)summary(c, "partition_failed_instances");
    seen.abandoned += (uint64_t)summary(c, "launches_abandoned");
    seen.lifetime += (uint64_t)summary(c, "lifetime_replacements");
    seen.launch_failures += (uint64_t)summary(c, "launch_failures");
    seen.launch_retries += (uint64_t)summary(c, "launch_retries");
    seen.rebalance_launches += (uint64_t)summary(c, "rebalance_launches");
    seen.pool_health += (uint64_t)summary(c, "warm_pool_health_replacements");
    seen.health += (uint64_t)summary(c, "health_replacements");
    seen.hook_actions += (uint64_t)summary(c, "lifecycle_actions");
    seen.hook_timeouts += (uint64_t)summary(c, "lifecycle_action_timeouts");
    if (!isnan(trace_mem_scalar(c->sink, "/summary/policy_capacity_changes"))) {
        seen.policy_changes += (uint64_t)summary(c, "policy_capacity_changes");
        seen.scheduled_changes += (uint64_t)summary(c, "scheduled_capacity_changes");
    }
    seen.launched += nr_inst;
    seen.samples += nr_ts;
    seen.events += nr_ev;
    free(rp.state);
    free(rp.weight);
}

static void count_features(const struct features *ft)
{
    const bool flags[] = { ft->zero_max,
                           ft->fixed,
                           ft->subnets,
                           ft->cluster,
                           ft->partition,
                           ft->spread,
                           ft->mixed,
                           ft->weights,
                           ft->warm_pool,
                           ft->hooks,
                           ft->hook_resource,
                           ft->timing,
                           ft->lifetime,
                           ft->versions,
                           ft->simple,
                           ft->step,
                           ft->target,
                           ft->predictive,
                           ft->scheduled,
                           ft->faults,
                           ft->outage,
                           ft->partition_failure,
                           ft->request_fidelity,
                           ft->protect,
                           ft->zero_duration,
                           ft->pool_state == 0,
                           ft->pool_state == 1,
                           ft->pool_state == 2 };
    _Static_assert(ARRAY_SIZE(flags) <= ARRAY_SIZE(seen.gen), "room for every flag");
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
        seen.gen[i] += flags[i];
}

static void run_case(uint64_t seed)
{
    struct features ft;
    char *yaml = generate(seed, &ft);
    struct pcase c = { seed, yaml, &ft, NULL };
    char *path = test_tmp_path("property.yaml");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(yaml, f);
    ck_assert_int_eq(fclose(f), 0);

    struct diag_list d = { 0 };
    struct scenario sc;
    int rc = scenario_load(&sc, path, NULL, &d);
    if (rc != 0 || diag_has_errors(&d)) {
        diag_print(&d, stderr);
        case_fail(&c, __LINE__, "the loader rejected a generated scenario (%s)", asg_strerror(rc));
    }
    c.sink = trace_mem_new();
    struct run_summary r;
    rc = run_scenario(&sc, NULL, c.sink, &r, &d);
    if (rc != 0) {
        diag_print(&d, stderr);
        case_fail(&c, __LINE__, "run_scenario failed (%s)", asg_strerror(rc));
    }
    check_run(&c, &sc, &r);
    CHECK(&c, trace_close(c.sink, true) == 0, "closing the memory sink failed");
    count_features(&ft);
    seen.cases++;
    trace_sink_free(c.sink);
    scenario_release(&sc);
    diag_list_release(&d);
    free(path);
    free(yaml);
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    ck_assert_msg(*end == '\0', "%s must be a number, got '%s'", name, v);
    return (uint64_t)x;
}

START_TEST(test_property_invariants_hold_over_generated_scenarios)
{
    uint64_t first = env_u64("ASGSIM_PROPERTY_SEED", 1);
    uint64_t n = env_u64("ASGSIM_PROPERTY_CASES", DEFAULT_CASES);
    for (uint64_t s = first; s < first + n; s++)
        run_case(s);
    ck_assert_uint_eq(seen.cases, n);
    if (n < DEFAULT_CASES)
        return; /* a re-run of a few cases: coverage is only asked of the full set */
    static const char *const names[] = { "MaxSize 0",
                                         "Min = Max",
                                         "subnets",
                                         "cluster",
                                         "partition",
                                         "spread",
                                         "mixed instances",
                                         "weights",
                                         "warm pool",
                                         "hooks",
                                         "hook resources",
                                         "EC2 timing",
                                         "MaxInstanceLifetime",
                                         "template versions",
                                         "simple policy",
                                         "step policy",
                                         "target tracking",
                                         "predictive",
                                         "scheduled actions",
                                         "instance failures",
                                         "insufficient capacity",
                                         "partition failure",
                                         "request fidelity",
                                         "scale-in protection",
                                         "zero duration",
                                         "pool Stopped",
                                         "pool Running",
                                         "pool Hibernated" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        ck_assert_msg(seen.gen[i] > 0, "no case generated %s", names[i]);
    /* and the features did something */
    ck_assert_uint_gt(seen.warm_starts, 0);
    ck_assert_uint_gt(seen.returned, 0);
    ck_assert_uint_gt(seen.spot_interruptions, 0);
    ck_assert_uint_gt(seen.partition_failed, 0);
    ck_assert_uint_gt(seen.abandoned, 0);
    ck_assert_uint_gt(seen.lifetime, 0);
    ck_assert_uint_gt(seen.launch_failures, 0);
    ck_assert_uint_gt(seen.launch_retries, 0);
    ck_assert_uint_gt(seen.rebalance_launches, 0);
    ck_assert_uint_gt(seen.pool_health, 0);
    ck_assert_uint_gt(seen.health, 0);
    ck_assert_uint_gt(seen.hook_actions, 0);
    ck_assert_uint_gt(seen.hook_timeouts, 0);
    ck_assert_uint_gt(seen.policy_changes, 0);
    ck_assert_uint_gt(seen.scheduled_changes, 0);
    ck_assert(seen.arrived > 0);
}

END_TEST

/* The generator is a pure function of the seed: a printed seed reproduces its case. */
START_TEST(test_property_generation_is_deterministic)
{
    struct features a, b;
    char *x = generate(4242, &a), *y = generate(4242, &b), *z = generate(4243, &b);
    ck_assert_str_eq(x, y);
    ck_assert_str_ne(x, z);
    free(x);
    free(y);
    free(z);
}

END_TEST

Suite *property_suite(void);

Suite *property_suite(void)
{
    Suite *s = suite_create("property");
    TCase *tc = tcase_create("core");
    /* about 0.1 s per case under ASan on a loaded machine, with room to spare */
    const char *v = getenv("ASGSIM_PROPERTY_CASES");
    double n = v && *v ? strtod(v, NULL) : DEFAULT_CASES;
    tcase_set_timeout(tc, 120.0 + 0.2 * n);
    tcase_add_test(tc, test_property_generation_is_deterministic);
    tcase_add_test(tc, test_property_invariants_hold_over_generated_scenarios);
    suite_add_tcase(s, tc);
    return s;
}
