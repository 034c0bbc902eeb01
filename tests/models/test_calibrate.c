/*
 * Calibration from CloudWatch history (calibrate.h): the least-squares line on points with a
 * hand-computed answer, the capacity and idle CPU recovered from synthetic metrics with the
 * periods to leave out, the latency-implied capacity, and reading a CSV as CloudWatch gives it.
 */
#include "helpers.h"

#include "asgsim/calibrate.h"
#include "asgsim/diag.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_calibrate_line_matches_hand_computed_fit)
{
    /* xbar 3, ybar 4, Sxx 10, Sxy 6: slope 0.6, intercept 2.2, residual SS 2.4 of 6. */
    const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 2, 4, 5, 4, 5 };
    struct calib_line l;
    ck_assert_int_eq(calib_fit_line(x, y, 5, false, &l), 0);
    ck_assert_double_eq_tol(l.slope, 0.6, 1e-12);
    ck_assert_double_eq_tol(l.intercept, 2.2, 1e-12);
    ck_assert_double_eq_tol(l.r2, 0.6, 1e-12);
    ck_assert_double_eq_tol(l.rmse, sqrt(2.4 / 3), 1e-12);
    ck_assert_double_eq_tol(l.slope_se, sqrt(2.4 / 3) / sqrt(10), 1e-12);
    ck_assert_double_eq_tol(l.t95, 3.182446, 1e-5); /* Student t, 3 degrees of freedom */
    ck_assert_uint_eq(l.n, 5);
}

END_TEST

START_TEST(test_calibrate_line_through_origin_and_refusals)
{
    const double x[] = { 1, 2, 3, 4 }, y[] = { 2, 4, 6, 8 };
    struct calib_line l = { .slope = -1 };
    ck_assert_int_eq(calib_fit_line(x, y, 4, true, &l), 0);
    ck_assert_double_eq_tol(l.slope, 2, 1e-12);
    ck_assert_double_eq(l.intercept, 0);
    ck_assert_double_eq_tol(l.r2, 1, 1e-12);
    /* too few points, and x that does not vary: out untouched */
    struct calib_line u = { .slope = -7 };
    ck_assert_int_eq(calib_fit_line(x, y, 2, false, &u), ASG_EINVAL);
    const double flat[] = { 3, 3, 3, 3 };
    ck_assert_int_eq(calib_fit_line(flat, y, 4, false, &u), ASG_EINVAL);
    ck_assert_double_eq(u.slope, -7);
}

END_TEST

START_TEST(test_calibrate_mmc_sojourn_is_mm1_for_one_server)
{
    /* M/M/1 at utilisation 0.5: the sojourn is the service time over 1 - 0.5. */
    ck_assert_double_eq_tol(calib_mmc_sojourn_s(25, 1, 0.02), 0.04, 1e-12);
    ck_assert(isinf(calib_mmc_sojourn_s(50, 1, 0.02)));
    /* many servers far from saturation: hardly any waiting */
    ck_assert_double_eq_tol(calib_mmc_sojourn_s(100, 20, 0.02), 0.02, 1e-6);
}

END_TEST

enum { NR_ROWS = 120 };

/* A per-minute history of a group of c vCPU-2 instances serving 50 requests/s per vCPU,
   idle at 3 % CPU, latency from asgsim's M/M/c law; five rows to leave out. */
static void synthetic(struct calib_history *h)
{
    memset(h, 0, sizeof(*h));
    h->path = xstrdup("synthetic.csv");
    h->nr = NR_ROWS;
    h->period_s = 60;
    h->time_s = xcalloc(NR_ROWS, sizeof(double));
    h->line = xcalloc(NR_ROWS, sizeof(unsigned));

    const enum calib_kind kinds[] = { CALIB_REQUESTS, CALIB_CPU, CALIB_IN_SERVICE, CALIB_LATENCY };

    for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
        h->v[kinds[k]] = xcalloc(NR_ROWS, sizeof(double));
        h->column[kinds[k]] = xstrdup(calib_kind_names[kinds[k]]);
    }
    for (size_t i = 0; i < NR_ROWS; i++) {
        double n = (double)(2 + i % 7), rps = 40.0 * n * (1 + 0.6 * sin((double)i / 9));
        h->time_s[i] = 1.7e9 + 60.0 * (double)i;
        h->line[i] = (unsigned)i + 2;
        h->v[CALIB_REQUESTS][i] = rps * 60;
        h->v[CALIB_IN_SERVICE][i] = n;
        h->v[CALIB_CPU][i] = 3 + 100 * rps / (n * 2 * 50);
        h->v[CALIB_LATENCY][i] = calib_mmc_sojourn_s(rps, n * 2, 1.0 / 50);
    }
    h->v[CALIB_CPU][5] = (double)NAN;      /* missing */
    h->v[CALIB_IN_SERVICE][6] = 0;         /* no instance */
    h->v[CALIB_IN_SERVICE][7] = 2.5;       /* the group changed size */
    h->v[CALIB_CPU][8] = 95;               /* saturated */
    h->v[CALIB_REQUESTS][9] = (double)NAN; /* missing */
}

START_TEST(test_calibrate_recovers_capacity_idle_and_latency)
{
    struct calib_history h;
    synthetic(&h);
    struct calib_opts o = { .vcpus = 2, .max_cpu_pct = 90 };
    struct calib_result r;
    struct diag_list d = { 0 };
    ck_assert_int_eq(calib_fit(&h, &o, &r, &d), 0);
    ck_assert_int_eq(r.load_kind, CALIB_REQUESTS);
    ck_assert_uint_eq(r.nr_rows, NR_ROWS);
    ck_assert_uint_eq(r.nr_missing, 2);
    ck_assert_uint_eq(r.nr_no_instances, 1);
    ck_assert_uint_eq(r.nr_changing, 1);
    ck_assert_uint_eq(r.nr_saturated, 1);
    ck_assert_uint_eq(r.nr_used, NR_ROWS - 5);
    ck_assert_double_eq_tol(r.capacity_rps_per_vcpu, 50, 1e-9);
    ck_assert_double_eq_tol(r.line.intercept, 3, 1e-9);
    ck_assert_double_eq_tol(r.line.r2, 1, 1e-12);
    ck_assert(r.capacity_low <= 50 + 1e-9 && r.capacity_high >= 50 - 1e-9);
    ck_assert_uint_eq(r.nr_latency, NR_ROWS - 5);
    ck_assert_double_eq_tol(r.latency_capacity_rps, 50, 50 * 1e-4);
    ck_assert(r.latency_fits);
    ck_assert_double_eq_tol(r.latency_model_s, r.latency_mean_s, 1e-12);
    /* through the origin the idle CPU is folded into the slope: a lower capacity */
    o.origin = true;
    ck_assert_int_eq(calib_fit(&h, &o, &r, &d), 0);
    ck_assert_double_lt(r.capacity_rps_per_vcpu, 50);
    ck_assert_uint_eq(d.nr, 0);
    calib_history_release(&h);
}

END_TEST

START_TEST(test_calibrate_refuses_too_few_points_and_no_cpu)
{
    struct calib_history h;
    synthetic(&h);
    struct calib_opts o = { .vcpus = 2, .max_cpu_pct = 10 }; /* every CPU is "saturated" */
    struct calib_result r = { .nr_used = 77 };
    struct diag_list d = { 0 };
    ck_assert_int_eq(calib_fit(&h, &o, &r, &d), ASG_EINVAL);
    ck_assert_uint_eq(r.nr_used, 77);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "too few points to fit: 0 of 120 rows usable"));
    diag_list_release(&d);
    free(h.v[CALIB_CPU]);
    h.v[CALIB_CPU] = NULL;
    o.max_cpu_pct = 90;
    ck_assert_int_eq(calib_fit(&h, &o, &r, &d), ASG_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "no CPU column"));
    diag_list_release(&d);
    calib_history_release(&h);
}

END_TEST

static char *write_tmp(const char *name, const char *text)
{
    char *path = test_tmp_path(name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

START_TEST(test_calibrate_reads_cloudwatch_csv_newest_first)
{
    char *path = write_tmp("cw.csv", "\"Timestamp\",\"my-asg CPUUtilization\",RequestCount,"
                                     "GroupInServiceInstances,Other\n"
                                     "2024-03-04T00:10:00Z,30.5,9000,2,x\n"
                                     "2024-03-04T00:05:00Z,,8000,2,y\n"
                                     "2024-03-04T00:00:00Z,20,6000,2\n");
    struct calib_history h = { 0 };
    struct diag_list d = { 0 };
    ck_assert_int_eq(calib_history_load(&h, path, NULL, 0, &d), 0);
    ck_assert_uint_eq(h.nr, 3);
    ck_assert_double_eq(h.period_s, 300);
    ck_assert_str_eq(h.column[CALIB_CPU], "my-asg CPUUtilization");
    ck_assert_double_eq(h.v[CALIB_REQUESTS][0], 6000);
    ck_assert(isnan(h.v[CALIB_CPU][1]));
    ck_assert_double_eq(h.v[CALIB_CPU][2], 30.5);
    ck_assert_uint_eq(h.line[0], 4);
    ck_assert_ptr_null(h.v[CALIB_LATENCY]);
    calib_history_release(&h);
    free(path);
}

END_TEST

/* Bad files: the diagnostic and its line:col. */
static const struct {
    const char *text, *want;
    unsigned line, col;
} bad[] = {
    { "Timestamp,CPUUtilization\n2024-03-04T00:00:00Z,1\n2024-03-04 nonsense,2\n",
      "bad timestamp '2024-03-04 nonsense'", 3, 1 },
    { "Timestamp,CPUUtilization\n2024-03-04T00:00:00Z,abc\n", "bad cpu value 'abc'", 2, 22 },
    { "Timestamp,CPUUtilization\n2024-03-04T00:00:00Z,101\n", "above 100 %", 2, 22 },
    { "Timestamp,CPUUtilization\n2024-03-04T00:01:00Z,1\n2024-03-04T00:01:00Z,2\n",
      "the same timestamp as line 2", 3, 1 },
    { "Timestamp,CPUUtilization\n2024-03-04T00:00:00Z,1\n2024-03-04T00:02:00Z,2\n"
      "2024-03-04T00:03:30Z,2\n",
      "not on a regular period", 3, 1 },
    { "Timestamp,CPUUtilization,cpu CPUUtilization\n", "both look like cpu", 1, 26 },
    { "Timestamp,CPUUtilization\n", "a header but no rows", 1, 1 },
};

START_TEST(test_calibrate_locates_bad_rows)
{
    char *path = write_tmp("bad.csv", bad[_i].text);
    struct calib_history h = { .nr = 99 };
    struct diag_list d = { 0 };
    ck_assert_int_eq(calib_history_load(&h, path, NULL, 0, &d), ASG_EINVAL);
    ck_assert_uint_eq(h.nr, 99);
    ck_assert_uint_eq(d.nr, 1);
    ck_assert_msg(strstr(d.items[0].msg, bad[_i].want), "%s", d.items[0].msg);
    ck_assert_uint_eq(d.items[0].loc.line, bad[_i].line);
    ck_assert_uint_eq(d.items[0].loc.col, bad[_i].col);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_calibrate_given_period_must_fit_the_rows)
{
    /* rows two minutes apart: a 1-minute period with gaps is fine, 5 minutes is not */
    char *path = write_tmp("period.csv", "Timestamp,CPUUtilization\n2024-03-04T00:00:00Z,1\n"
                                         "2024-03-04T00:02:00Z,2\n2024-03-04T00:06:00Z,2\n");
    struct calib_history h = { 0 };
    struct diag_list d = { 0 };
    ck_assert_int_eq(calib_history_load(&h, path, NULL, 0, &d), 0);
    ck_assert_double_eq(h.period_s, 120);
    calib_history_release(&h);
    ck_assert_int_eq(calib_history_load(&h, path, NULL, 60, &d), 0);
    ck_assert_double_eq(h.period_s, 60);
    calib_history_release(&h);
    ck_assert_int_eq(calib_history_load(&h, path, NULL, 300, &d), ASG_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "not a whole number of --period 300 s"));
    ck_assert_uint_eq(d.items[0].loc.line, 3);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_calibrate_column_override_must_exist)
{
    char *path = write_tmp("ov.csv", "Timestamp,Load\n2024-03-04T00:00:00Z,1\n");
    const char *names[CALIB_KIND_NR] = { [CALIB_RPS] = "load", [CALIB_CPU] = "Cpu" };
    struct calib_history h = { 0 };
    struct diag_list d = { 0 };
    ck_assert_int_eq(calib_history_load(&h, path, names, 0, &d), ASG_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "no column 'Cpu' (--column cpu=Cpu)"));
    diag_list_release(&d);
    free(path);
}

END_TEST

Suite *calibrate_suite(void);

Suite *calibrate_suite(void)
{
    Suite *s = suite_create("calibrate");
    TCase *t = tcase_create("calibrate");
    tcase_add_test(t, test_calibrate_line_matches_hand_computed_fit);
    tcase_add_test(t, test_calibrate_line_through_origin_and_refusals);
    tcase_add_test(t, test_calibrate_mmc_sojourn_is_mm1_for_one_server);
    tcase_add_test(t, test_calibrate_recovers_capacity_idle_and_latency);
    tcase_add_test(t, test_calibrate_refuses_too_few_points_and_no_cpu);
    tcase_add_test(t, test_calibrate_reads_cloudwatch_csv_newest_first);
    tcase_add_loop_test(t, test_calibrate_locates_bad_rows, 0, (int)ARRAY_SIZE(bad));
    tcase_add_test(t, test_calibrate_given_period_must_fit_the_rows);
    tcase_add_test(t, test_calibrate_column_override_must_exist);
    suite_add_tcase(s, t);
    return s;
}
