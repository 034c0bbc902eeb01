/*
 * A whole run into the memory sink: invariants that hold at every sample, the bill adding
 * up across tables, determinism, and interruption.
 */
#include "helpers.h"

#include "asgsim/policy.h"
#include "asgsim/run.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct diag_list d;
static struct scenario sc;

static void load(sim_time duration)
{
    char *path = test_src_path("scenarios/web-basic.yaml");
    struct scenario_load_opts o = { .has_duration = true, .duration = duration };
    ck_assert_int_eq(scenario_load(&sc, path, &o, &d), 0);
    free(path);
}

static void teardown(void)
{
    scenario_release(&sc);
    diag_list_release(&d);
}

static double cell(struct trace_sink *s, const char *table, size_t row, const char *field)
{
    const union trace_value *v = trace_mem_cell(s, table, row, field);
    ck_assert_ptr_nonnull(v);
    return v->f64;
}

static int32_t icell(struct trace_sink *s, const char *table, size_t row, const char *field)
{
    const union trace_value *v = trace_mem_cell(s, table, row, field);
    ck_assert_ptr_nonnull(v);
    return v->i32;
}

START_TEST(test_run_invariants_hold_at_every_sample)
{
    load(SIM_HOUR(2));
    struct trace_sink *s = trace_mem_new();
    struct run_summary r;
    ck_assert_int_eq(run_scenario(&sc, NULL, s, &r, &d), 0);
    size_t n = trace_mem_rows(s, "/timeseries");
    ck_assert_uint_eq(n, 121); /* 0, 60 s, ..., 7200 s */
    double last_cost = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_double_eq(cell(s, "/timeseries", i, "time_s"), 60.0 * (double)i);
        int32_t desired = icell(s, "/timeseries", i, "desired_capacity");
        int32_t pending = icell(s, "/timeseries", i, "pending");
        int32_t in_service = icell(s, "/timeseries", i, "in_service");
        ck_assert_int_ge(desired, icell(s, "/timeseries", i, "min_size"));
        ck_assert_int_le(desired, icell(s, "/timeseries", i, "max_size"));
        /* No scale-in in this scenario: every launched instance counts toward desired. */
        ck_assert_int_eq(pending + in_service, desired);
        double cost = cell(s, "/timeseries", i, "cost_usd");
        ck_assert(cost >= last_cost); /* billing never decreases */
        last_cost = cost;
        double cpu = cell(s, "/timeseries", i, "cpu_utilization_pct");
        if (in_service == 0)
            ck_assert(isnan(cpu));
        else
            ck_assert(cpu >= 0 && cpu <= 100);
    }
    /* Boot times are lognormal around 150 s: all 6 are InService by 2 h. 400 rps over
     * 6 x 2 vCPU x 50 rps = 600 rps of capacity is 66.67 % CPU. */
    ck_assert_int_eq(icell(s, "/timeseries", n - 1, "in_service"), 6);
    ck_assert_double_eq_tol(cell(s, "/timeseries", n - 1, "cpu_utilization_pct"), 400.0 / 6, 1e-9);

    /* The bill adds up: per-instance rows, the last sample and the summary agree. */
    size_t ni = trace_mem_rows(s, "/instances");
    ck_assert_uint_eq(ni, 6);
    double sum = 0;
    for (size_t i = 0; i < ni; i++)
        sum += cell(s, "/instances", i, "cost_usd");
    ck_assert_double_eq_tol(sum, r.cost_usd, 1e-9);
    ck_assert_double_eq_tol(last_cost, r.cost_usd, 1e-9);
    ck_assert_double_eq_tol(trace_mem_scalar(s, "/summary/cost_usd"), r.cost_usd, 1e-12);
    /* 6 c6i.large x 2 h x 0.085 USD/h = 1.02 USD; billing starts at launch. */
    ck_assert_double_eq_tol(r.cost_usd, 1.02, 1e-9);
    ck_assert_double_eq_tol(r.instance_hours, 12.0, 1e-9);

    /* Conservation: 6 launches, 6 boots, one activity each. */
    ck_assert_uint_eq(r.instances_launched, 6);
    ck_assert_uint_eq(trace_mem_rows(s, "/events"), 12);
    ck_assert_uint_eq(trace_mem_rows(s, "/activities"), 6);
    ck_assert_uint_eq(r.activities, 6);
    double last_t = -1;
    for (size_t i = 0; i < trace_mem_rows(s, "/events"); i++) {
        double t = cell(s, "/events", i, "time_s");
        ck_assert(t >= last_t); /* event times never go backwards */
        last_t = t;
    }
    ck_assert_uint_ge(trace_mem_rows(s, "/provenance/streams"), 2);
    ck_assert_int_eq(trace_close(s, true), 0);
    trace_sink_free(s);
}

END_TEST

START_TEST(test_run_is_deterministic)
{
    load(SIM_HOUR(1));
    struct trace_sink *a = trace_mem_new(), *b = trace_mem_new();
    struct run_summary ra, rb;
    ck_assert_int_eq(run_scenario(&sc, NULL, a, &ra, &d), 0);
    ck_assert_int_eq(run_scenario(&sc, NULL, b, &rb, &d), 0);
    ck_assert_uint_eq(trace_mem_rows(a, "/events"), trace_mem_rows(b, "/events"));
    for (size_t i = 0; i < trace_mem_rows(a, "/events"); i++)
        ck_assert_double_eq(cell(a, "/events", i, "time_s"), cell(b, "/events", i, "time_s"));
    ck_assert_double_eq(ra.cost_usd, rb.cost_usd);
    ck_assert_double_eq(ra.mean_in_service, rb.mean_in_service);
    trace_sink_free(a);
    trace_sink_free(b);
}

END_TEST

START_TEST(test_run_zero_length)
{
    load(0);
    struct trace_sink *s = trace_mem_new();
    struct run_summary r;
    ck_assert_int_eq(run_scenario(&sc, NULL, s, &r, &d), 0);
    ck_assert_uint_eq(trace_mem_rows(s, "/timeseries"), 1);
    /* Six launches at time 0, each billed its 60-second minimum. */
    ck_assert_double_eq_tol(r.cost_usd, 6 * 60 * 0.085 / 3600, 1e-12);
    trace_sink_free(s);
}

END_TEST

static bool always(void *ctx)
{
    (void)ctx;
    return true;
}

START_TEST(test_run_interruption_stops_with_eintr)
{
    load(SIM_DAY(30));
    struct trace_sink *s = trace_mem_new();
    struct run_opts o = { .interrupted = always };
    struct run_summary r;
    ck_assert_int_eq(run_scenario(&sc, &o, s, &r, &d), ASG_EINTR);
    ck_assert_uint_lt(trace_mem_rows(s, "/timeseries"), 1000);
    trace_sink_free(s);
}

END_TEST

/* One hand-made decision through the /decisions row writer, field for field. */
START_TEST(test_run_decision_row_has_every_field)
{
    struct trace_sink *s = trace_mem_new();
    struct trace_table *t = NULL;
    ck_assert_int_eq(run_decisions_open(s, &t), 0);
    char formula[700]; /* longer than any fixed-size text field of the trace */
    memset(formula, '9', sizeof(formula) - 1);
    formula[sizeof(formula) - 1] = '\0';
    memcpy(formula, "ceil(", 5);
    const struct policy_decision tt = {
        .time = SIM_SEC(180),
        .policy = "TargetTracking",
        .kind = "TargetTrackingScaling",
        .alarm = "TargetTracking-AlarmHigh",
        .alarm_state = CW_ALARM,
        .metric_value = 66.5,
        .metric_from = SIM_SEC(60),
        .metric_to = SIM_SEC(120),
        .metric_values = "60=66.5",
        .measured_capacity = 3,
        .current_capacity = 3,
        .ready_capacity = 2,
        .formula = formula,
        .result = 4,
        .desired_before = 3,
        .desired_after = 4,
        .reason = DECISION_CHANGED,
    };
    const struct policy_decision sched = {
        .time = SIM_HOUR(1),
        .policy = "Nightly",
        .kind = "ScheduledAction",
        .alarm = "",
        .alarm_state = -1,
        .metric_value = NAN,
        .metric_from = -1,
        .metric_to = -1,
        .metric_values = "",
        .measured_capacity = NAN,
        .current_capacity = 4,
        .ready_capacity = 4,
        .formula = "MinSize 6",
        .result = 6,
        .desired_before = 4,
        .desired_after = 6,
        .reason = DECISION_AT_MIN,
    };
    ck_assert_int_eq(run_decision_append(s, t, &tt), 0);
    ck_assert_int_eq(run_decision_append(s, t, &sched), 0);
    formula[5] = 'x'; /* the row keeps its own copy */
    ck_assert_uint_eq(trace_mem_rows(s, "/decisions"), 2);
    const char *p = "/decisions";
    ck_assert_double_eq(cell(s, p, 0, "time_s"), 180.0);
    ck_assert_str_eq(trace_mem_cell(s, p, 0, "policy")->str, "TargetTracking");
    ck_assert_str_eq(trace_mem_cell(s, p, 0, "kind")->str, "TargetTrackingScaling");
    ck_assert_str_eq(trace_mem_cell(s, p, 0, "alarm")->str, "TargetTracking-AlarmHigh");
    ck_assert_int_eq(icell(s, p, 0, "alarm_state"), CW_ALARM);
    ck_assert_double_eq(cell(s, p, 0, "metric_value"), 66.5);
    ck_assert_double_eq(cell(s, p, 0, "metric_from_s"), 60.0);
    ck_assert_double_eq(cell(s, p, 0, "metric_to_s"), 120.0);
    ck_assert_str_eq(trace_mem_cell(s, p, 0, "metric_values")->str, "60=66.5");
    ck_assert_double_eq(cell(s, p, 0, "measured_capacity"), 3.0);
    ck_assert_int_eq(trace_mem_cell(s, p, 0, "current_capacity")->i64, 3);
    ck_assert_int_eq(trace_mem_cell(s, p, 0, "ready_capacity")->i64, 2);
    const char *f0 = trace_mem_cell(s, p, 0, "formula")->str;
    ck_assert_uint_eq(strlen(f0), sizeof(formula) - 1); /* never cut */
    ck_assert_int_eq(f0[5], '9');
    ck_assert_int_eq(trace_mem_cell(s, p, 0, "result")->i64, 4);
    ck_assert_int_eq(trace_mem_cell(s, p, 0, "desired_before")->i64, 3);
    ck_assert_int_eq(trace_mem_cell(s, p, 0, "desired_after")->i64, 4);
    ck_assert_int_eq(icell(s, p, 0, "reason"), DECISION_CHANGED);
    /* A scheduled action: no alarm ("None", the code after cw_state_names), no window. */
    ck_assert_int_eq(icell(s, p, 1, "alarm_state"), CW_STATE_NR);
    ck_assert_str_eq(trace_mem_cell(s, p, 1, "alarm")->str, "");
    ck_assert(isnan(cell(s, p, 1, "metric_value")));
    ck_assert(isnan(cell(s, p, 1, "metric_from_s")));
    ck_assert(isnan(cell(s, p, 1, "metric_to_s")));
    ck_assert(isnan(cell(s, p, 1, "measured_capacity")));
    ck_assert_int_eq(icell(s, p, 1, "reason"), DECISION_AT_MIN);
    trace_sink_free(s);
}

END_TEST

/* /decisions and /summary/policy_invocations exist exactly when the scenario scales. */
START_TEST(test_run_decisions_only_when_scaling)
{
    load(SIM_MIN(30)); /* web-basic: no policy */
    struct trace_sink *s = trace_mem_new();
    struct run_summary r;
    ck_assert_int_eq(run_scenario(&sc, NULL, s, &r, &d), 0);
    ck_assert(isnan(trace_mem_scalar(s, "/summary/policy_invocations")));
    struct trace_table *t;
    ck_assert_int_eq(run_decisions_open(s, &t), 0); /* the path was free */
    trace_sink_free(s);
    scenario_release(&sc);

    char *path = test_src_path("scenarios/every-policy.yaml");
    struct scenario_load_opts o = { .has_duration = true, .duration = SIM_HOUR(2) };
    ck_assert_int_eq(scenario_load(&sc, path, &o, &d), 0);
    free(path);
    s = trace_mem_new();
    ck_assert_int_eq(run_scenario(&sc, NULL, s, &r, &d), 0);
    ck_assert_int_eq(run_decisions_open(s, &t), ASG_EIO); /* taken by the run's table */
    /* The rows themselves are asserted in the policy tests, which drive policy.c. */
    ck_assert_double_eq(trace_mem_scalar(s, "/summary/policy_invocations"),
                        (double)trace_mem_rows(s, "/decisions"));
    trace_sink_free(s);
}

END_TEST

/*
 * A /timeseries row at t shows the state after every event at t (README), whatever the
 * SampleInterval: a run sampled every 10 s and one sampled every 60 s agree at every
 * minute on every state column, through target-tracking scale-outs and scale-ins.
 */
START_TEST(test_run_rows_are_post_decision_at_any_interval)
{
    char *path = test_src_path("scenarios/diurnal-target-tracking.yaml");
    struct scenario_load_opts o = { .has_duration = true, .duration = SIM_HOUR(66) };
    ck_assert_int_eq(scenario_load(&sc, path, &o, &d), 0);
    free(path);
    struct trace_sink *fine = trace_mem_new(), *coarse = trace_mem_new();
    struct run_summary r;
    sc.sample_interval = SIM_SEC(10);
    ck_assert_int_eq(run_scenario(&sc, NULL, fine, &r, &d), 0);
    sc.sample_interval = SIM_SEC(60);
    ck_assert_int_eq(run_scenario(&sc, NULL, coarse, &r, &d), 0);
    size_t n = trace_mem_rows(coarse, "/timeseries");
    ck_assert_uint_eq(n, 66 * 60 + 1);
    ck_assert_uint_eq(trace_mem_rows(fine, "/timeseries"), 6 * (n - 1) + 1);
    /* Every column but the serving figures of the interval that ends at t. */
    static const char *const per_interval[] = { "served", "dropped", "latency_p50_s",
                                                "latency_p95_s", "latency_p99_s" };
    size_t nr_alarms = 0, changes = 0;
    const struct trace_field *f;
    for (size_t k = 0; (f = trace_mem_field(coarse, "/timeseries", k)) != NULL; k++) {
        bool skip = false;
        for (size_t j = 0; j < ARRAY_SIZE(per_interval); j++)
            skip |= strcmp(f->name, per_interval[j]) == 0;
        if (skip)
            continue;
        nr_alarms += strncmp(f->name, "alarm_", 6) == 0;
        ck_assert_str_eq(trace_mem_field(fine, "/timeseries", k)->name, f->name);
        for (size_t i = 0; i < n; i++) {
            const union trace_value *a = trace_mem_cell(coarse, "/timeseries", i, f->name);
            const union trace_value *b = trace_mem_cell(fine, "/timeseries", 6 * i, f->name);
            if (f->type == TRACE_F64 ? !(a->f64 == b->f64 || (isnan(a->f64) && isnan(b->f64)))
                                     : a->i32 != b->i32)
                ck_abort_msg("%s differs at %zu s: %.17g every 60 s, %.17g every 10 s", f->name,
                             60 * i, f->type == TRACE_F64 ? a->f64 : a->i32,
                             f->type == TRACE_F64 ? b->f64 : b->i32);
            if (i > 0 && strcmp(f->name, "desired_capacity") == 0 &&
                a->i32 != trace_mem_cell(coarse, "/timeseries", i - 1, f->name)->i32)
                changes++;
        }
    }
    ck_assert_uint_eq(nr_alarms, 2); /* the target-tracking policy's AlarmHigh and AlarmLow */
    ck_assert_uint_gt(changes, 4);   /* the run did scale, both ways */
    trace_sink_free(fine);
    trace_sink_free(coarse);
}

END_TEST

Suite *run_suite(void);

Suite *run_suite(void)
{
    Suite *s = suite_create("run");
    TCase *tc = tcase_create("run");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_run_invariants_hold_at_every_sample);
    tcase_add_test(tc, test_run_is_deterministic);
    tcase_add_test(tc, test_run_zero_length);
    tcase_add_test(tc, test_run_interruption_stops_with_eintr);
    tcase_add_test(tc, test_run_decision_row_has_every_field);
    tcase_add_test(tc, test_run_decisions_only_when_scaling);
    tcase_add_test(tc, test_run_rows_are_post_decision_at_any_interval);
    suite_add_tcase(s, tc);
    return s;
}
