/*
 * Workload patterns: each kind's rate at hand-computed times, composition, the trace
 * reader (good and bad files) and binding from a scenario with a relative trace path.
 */
#include "helpers.h"

#include "asgsim/scenario.h"
#include "asgsim/util.h"
#include "asgsim/workload.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 2024-01-01T00:00:00Z, a Monday. */
#define MONDAY_EPOCH_S INT64_C(1704067200)

static double rate(const struct workload_config *w, sim_time t)
{
    return workload_rate_rps(w, MONDAY_EPOCH_S, t);
}

START_TEST(test_workload_constant_is_flat)
{
    struct workload_config w = { .kind = WORKLOAD_CONSTANT, .rps = 42 };
    ck_assert_double_eq(rate(&w, 0), 42);
    ck_assert_double_eq(rate(&w, SIM_DAY(400)), 42);
}

END_TEST

START_TEST(test_workload_diurnal_peaks_at_peak_hour_and_follows_weekly_profile)
{
    struct workload_config w = { .kind = WORKLOAD_DIURNAL,
                                 .base_rps = 100,
                                 .amplitude = 0.5,
                                 .peak_hour_utc = 15,
                                 .weekly = { 1, 1, 1, 1, 1, 0.5, 0.6 } };
    ck_assert_double_eq_tol(rate(&w, SIM_HOUR(15)), 150, 1e-9);
    ck_assert_double_eq_tol(rate(&w, SIM_HOUR(3)), 50, 1e-9);        /* trough 12 h later */
    ck_assert_double_eq_tol(rate(&w, SIM_HOUR(9)), 100, 1e-9);       /* quarter period: base */
    ck_assert_double_eq_tol(rate(&w, SIM_HOUR(24 + 15)), 150, 1e-9); /* Tuesday */
    ck_assert_double_eq_tol(rate(&w, SIM_DAY(5) + SIM_HOUR(15)), 75, 1e-9);  /* Saturday */
    ck_assert_double_eq_tol(rate(&w, SIM_DAY(6) + SIM_HOUR(15)), 90, 1e-9);  /* Sunday */
    ck_assert_double_eq_tol(rate(&w, SIM_DAY(7) + SIM_HOUR(15)), 150, 1e-9); /* Monday again */
    /* A start time that is not midnight shifts the phase: time 0 is 15:00 UTC. */
    ck_assert_double_eq_tol(workload_rate_rps(&w, MONDAY_EPOCH_S + 15 * 3600, 0), 150, 1e-9);
}

END_TEST

START_TEST(test_workload_ramp_and_step_change_at_their_times)
{
    struct workload_config ramp = { .kind = WORKLOAD_RAMP,
                                    .from_rps = 10,
                                    .to_rps = 30,
                                    .start = SIM_SEC(100),
                                    .end = SIM_SEC(200) };
    ck_assert_double_eq(rate(&ramp, SIM_SEC(50)), 10);
    ck_assert_double_eq_tol(rate(&ramp, SIM_SEC(150)), 20, 1e-9);
    ck_assert_double_eq(rate(&ramp, SIM_SEC(500)), 30);
    struct workload_config step = {
        .kind = WORKLOAD_STEP, .from_rps = 5, .to_rps = 50, .start = SIM_SEC(60)
    };
    ck_assert_double_eq(rate(&step, SIM_SEC(60) - 1), 5);
    ck_assert_double_eq(rate(&step, SIM_SEC(60)), 50);
}

END_TEST

START_TEST(test_workload_spike_rises_linearly_then_decays_exponentially)
{
    struct workload_config w = { .kind = WORKLOAD_SPIKE,
                                 .base_rps = 10,
                                 .start = SIM_SEC(100),
                                 .rise = SIM_SEC(60),
                                 .peak_multiplier = 5,
                                 .decay = SIM_SEC(100) };
    ck_assert_double_eq(rate(&w, SIM_SEC(99)), 10);
    ck_assert_double_eq_tol(rate(&w, SIM_SEC(130)), 30, 1e-9);
    ck_assert_double_eq_tol(rate(&w, SIM_SEC(160)), 50, 1e-9);
    ck_assert_double_eq_tol(rate(&w, SIM_SEC(260)), 10 * (1 + 4 * exp(-1.0)), 1e-9);
}

END_TEST

START_TEST(test_workload_sum_and_product_compose)
{
    struct workload_config kids[2] = { { .kind = WORKLOAD_CONSTANT, .rps = 3 },
                                       { .kind = WORKLOAD_CONSTANT, .rps = 4 } };
    struct workload_config sum = { .kind = WORKLOAD_SUM, .children = kids, .nr_children = 2 };
    struct workload_config prod = { .kind = WORKLOAD_PRODUCT, .children = kids, .nr_children = 2 };
    ck_assert_double_eq(rate(&sum, 0), 7);
    ck_assert_double_eq(rate(&prod, 0), 12);
}

END_TEST

START_TEST(test_workload_trace_interpolates_linearly_and_holds_ends)
{
    struct diag_list d = { 0 };
    struct workload_config w = { 0 };
    char *path = test_src_path("tests/data/workload/ramp.tsv");
    ck_assert_int_eq(workload_trace_load(&w, path, &d), 0);
    ck_assert_uint_eq(w.nr_rows, 3);
    ck_assert_double_eq_tol(rate(&w, SIM_SEC(30)), 130, 1e-9);
    ck_assert_double_eq_tol(rate(&w, SIM_SEC(120)), 100, 1e-9);
    ck_assert_double_eq(rate(&w, SIM_SEC(1000)), 40);
    workload_config_release(&w);
    free(path);
    diag_list_release(&d);
}

END_TEST

/* Issue 20: a NUL in a trace line silently ended the line; it is an error that names it. */
START_TEST(test_workload_trace_nul_byte_is_an_error)
{
    struct diag_list d = { 0 };
    struct workload_config w = { 0 };
    char *path = test_tmp_path("nul.tsv");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    static const char text[] = "0\t100\n60\t20\0000\n";
    ck_assert_uint_eq(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
    fclose(f);
    ck_assert_int_eq(workload_trace_load(&w, path, &d), ASG_EINVAL);
    ck_assert_uint_eq(w.nr_rows, 0);
    char *msg = diag_format(&d.items[0]);
    char *want = xasprintf("%s:2:6: error: NUL byte in workload trace", path);
    ck_assert_msg(strstr(msg, want), "got: %s", msg);
    free(want);
    free(msg);
    remove(path);
    free(path);
    diag_list_release(&d);
}

END_TEST

START_TEST(test_workload_trace_bad_line_names_file_line_column)
{
    struct diag_list d = { 0 };
    struct workload_config w = { 0 };
    char *path = test_src_path("tests/data/workload/bad_line.tsv");
    ck_assert_int_eq(workload_trace_load(&w, path, &d), ASG_EINVAL);
    ck_assert_uint_eq(d.nr_errors, 1);
    ck_assert_uint_eq(w.nr_rows, 0); /* untouched */
    char *msg = diag_format(&d.items[0]);
    char *want = xasprintf("%s:3:4: error: expected a rate in requests/s", path);
    ck_assert_msg(strstr(msg, want), "got: %s", msg);
    free(want);
    free(msg);
    free(path);
    diag_list_release(&d);
}

END_TEST

START_TEST(test_workload_binds_nested_patterns_with_relative_trace_path)
{
    struct diag_list d = { 0 };
    struct scenario sc;
    char *path = test_src_path("tests/data/workload/trace-scenario.yaml");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    ck_assert(sc.has_workload);
    ck_assert_int_eq(sc.workload.kind, WORKLOAD_SUM);
    ck_assert_uint_eq(sc.workload.nr_children, 2);
    ck_assert_int_eq(sc.workload.children[0].kind, WORKLOAD_TRACE);
    ck_assert_int_eq(sc.workload.children[1].kind, WORKLOAD_PRODUCT);
    /* 2 x trace(30 s) + 10 before the spike; 2 x 40 + 10 x 5 at the spike's peak. */
    ck_assert_double_eq_tol(workload_rate_rps(&sc.workload, sc.start_epoch_s, SIM_SEC(30)), 270,
                            1e-9);
    ck_assert_double_eq_tol(workload_rate_rps(&sc.workload, sc.start_epoch_s, SIM_MIN(11)), 130,
                            1e-9);
    ck_assert_int_eq(sc.serve.fidelity, SERVE_FLUID); /* the default */
    ck_assert_int_eq(sc.serve.queue_limit, SERVE_DEFAULT_QUEUE_LIMIT);
    scenario_release(&sc);
    free(path);
    diag_list_release(&d);
}

END_TEST

/* Issue 18: a CSV with a quoted header and ISO 8601 times in several offsets. */
START_TEST(test_workload_trace_reads_csv_with_header_and_iso_times)
{
    struct diag_list d = { 0 };
    struct workload_config w = { 0 };
    char *path = test_src_path("tests/data/workload/iso.csv");
    ck_assert_int_eq(workload_trace_load(&w, path, &d), 0);
    ck_assert_uint_eq(d.nr_warnings, 0);
    ck_assert_uint_eq(w.nr_rows, 6);
    ck_assert(w.trace_has_epoch);
    ck_assert_double_eq(w.trace_epoch_s, 898473600); /* 1998-06-22T00:00:00Z */
    ck_assert_double_eq(w.time_s[2], 120);           /* space and +00:00 */
    ck_assert_double_eq(w.time_s[3], 180);           /* 02:03+02:00 is 00:03Z */
    ck_assert_double_eq_tol(rate(&w, SIM_SEC(90)), 250, 1e-9);
    /* Window from minute 1 to 4: time 0 is now minute 1, and the trace ends at 180 s. */
    workload_trace_window(&w, 60, 240);
    ck_assert_double_eq(w.trace_epoch_s, 898473660);
    ck_assert_double_eq(rate(&w, 0), 200);
    ck_assert_double_eq(rate(&w, SIM_SEC(180)), 500);
    ck_assert_double_eq(rate(&w, SIM_SEC(1000)), 500);
    workload_config_release(&w);
    free(path);
    diag_list_release(&d);
}

END_TEST

/* Columns in either order; a gap warns at the row that ends it; resampling averages. */
START_TEST(test_workload_trace_header_order_gap_warning_and_resample)
{
    struct diag_list d = { 0 };
    struct workload_config w = { 0 };
    char *path = test_src_path("tests/data/workload/reversed_gap.tsv");
    ck_assert_int_eq(workload_trace_load(&w, path, &d), 0);
    ck_assert_uint_eq(w.nr_rows, 6);
    ck_assert_double_eq(w.rate_rps[0], 10);
    ck_assert_double_eq(w.time_s[4], 600);
    ck_assert_uint_eq(d.nr_warnings, 1);
    char *msg = diag_format(&d.items[0]);
    char *want = xasprintf("%s:6:1: warning: workload trace has 1 gap longer than twice its 60 s "
                           "step (the longest, 420 s, ends here)",
                           path);
    ck_assert_msg(strstr(msg, want), "got: %s", msg);
    free(want);
    free(msg);
    ck_assert_double_eq(workload_trace_step_s(&w), 60);
    workload_trace_resample(&w, 120);
    /* buckets [0,120): 10,20; [120,240): 30,40; [600,720): 50,60 */
    ck_assert_uint_eq(w.nr_rows, 3);
    ck_assert_double_eq(w.rate_rps[0], 15);
    ck_assert_double_eq(w.rate_rps[1], 35);
    ck_assert_double_eq(w.time_s[2], 600);
    ck_assert_double_eq(w.rate_rps[2], 55);
    workload_config_release(&w);
    free(path);
    diag_list_release(&d);
}

END_TEST

/* Found by fuzz_trace (issue 20, class 7): resampling allocated one bucket per step of the
   trace's span, so a year typo (1998 -> 3996) with Resample: 1m asked for ~8 GB. Only rows
   make rows: the cost follows the rows, whatever the span. */
START_TEST(test_workload_trace_resample_costs_rows_not_span)
{
    struct workload_config w = { .kind = WORKLOAD_TRACE, .nr_rows = 4 };
    w.time_s = xcalloc(4, sizeof(*w.time_s));
    w.rate_rps = xcalloc(4, sizeof(*w.rate_rps));
    const double ts[] = { 0, 30, 60, 6.3e13 }, rs[] = { 10, 20, 30, 40 };
    memcpy(w.time_s, ts, sizeof(ts));
    memcpy(w.rate_rps, rs, sizeof(rs));
    workload_trace_resample(&w, 60);
    ck_assert_uint_eq(w.nr_rows, 3);
    ck_assert_double_eq(w.time_s[0], 0);
    ck_assert_double_eq(w.rate_rps[0], 15);
    ck_assert_double_eq(w.time_s[1], 60);
    ck_assert_double_eq(w.rate_rps[1], 30);
    ck_assert_double_eq(w.time_s[2], 6.3e13);
    ck_assert_double_eq(w.rate_rps[2], 40);
    workload_config_release(&w);
}

END_TEST

static void expect_trace_error(const char *file, const char *at_msg)
{
    struct diag_list d = { 0 };
    struct workload_config w = { 0 };
    char *path = test_src_path(file);
    ck_assert_int_eq(workload_trace_load(&w, path, &d), ASG_EINVAL);
    ck_assert_uint_eq(w.nr_rows, 0);
    char *msg = diag_format(&d.items[0]);
    char *want = xasprintf("%s:%s", path, at_msg);
    ck_assert_msg(strstr(msg, want), "got: %s", msg);
    free(want);
    free(msg);
    free(path);
    diag_list_release(&d);
}

START_TEST(test_workload_trace_unknown_header_and_bad_timestamp_are_located)
{
    expect_trace_error("tests/data/workload/unknown_header.csv",
                       "1:6: error: unknown column 'requests' in the workload trace's header");
    expect_trace_error("tests/data/workload/bad_timestamp.csv",
                       "3:1: error: bad timestamp '1998-06-22T24:01:00Z' in workload trace");
}

END_TEST

Suite *workload_suite(void);

Suite *workload_suite(void)
{
    Suite *s = suite_create("workload");
    TCase *tc = tcase_create("rate");
    tcase_add_test(tc, test_workload_constant_is_flat);
    tcase_add_test(tc, test_workload_diurnal_peaks_at_peak_hour_and_follows_weekly_profile);
    tcase_add_test(tc, test_workload_ramp_and_step_change_at_their_times);
    tcase_add_test(tc, test_workload_spike_rises_linearly_then_decays_exponentially);
    tcase_add_test(tc, test_workload_sum_and_product_compose);
    suite_add_tcase(s, tc);
    tc = tcase_create("trace");
    tcase_add_test(tc, test_workload_trace_interpolates_linearly_and_holds_ends);
    tcase_add_test(tc, test_workload_trace_bad_line_names_file_line_column);
    tcase_add_test(tc, test_workload_trace_nul_byte_is_an_error);
    tcase_add_test(tc, test_workload_trace_reads_csv_with_header_and_iso_times);
    tcase_add_test(tc, test_workload_trace_header_order_gap_warning_and_resample);
    tcase_add_test(tc, test_workload_trace_resample_costs_rows_not_span);
    tcase_add_test(tc, test_workload_trace_unknown_header_and_bad_timestamp_are_located);
    tcase_add_test(tc, test_workload_binds_nested_patterns_with_relative_trace_path);
    suite_add_tcase(s, tc);
    return s;
}
