/* Tests for sweep files, point numbering, statistics, the journal and ydoc_set_scalar. */
#include "helpers.h"

#include "asgsim/sweep.h"
#include "asgsim/util.h"
#include "asgsim/yamltree.h"

#include <check.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void parse_ok(struct sweep_spec *s, const char *text)
{
    struct diag_list d = { 0 };
    int rc = sweep_spec_parse(s, "dir/sweep.yaml", text, strlen(text), &d);
    if (rc != 0)
        diag_print(&d, stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(d.nr_errors, 0);
    diag_list_release(&d);
}

START_TEST(test_sweep_spec_numbers_points_first_axis_slowest)
{
    struct sweep_spec s;
    parse_ok(&s, "Scenario: web.yaml\n"
                 "Axes:\n"
                 "  - Parameter: DesiredCapacity\n"
                 "    Values: [2, 4]\n"
                 "  - Name: Type\n"
                 "    Path: Resources.LT.Properties.LaunchTemplateData.InstanceType\n"
                 "    Values: [c6i.large, m6i.large, r6i.large]\n"
                 "Replications: 5\n"
                 "Seed: 7\n");
    ck_assert_str_eq(s.scenario_path, "dir/web.yaml");
    ck_assert_uint_eq(s.nr_axes, 2);
    ck_assert_uint_eq(s.nr_points, 6);
    ck_assert_uint_eq(s.replications, 5);
    ck_assert(s.has_seed);
    ck_assert_uint_eq(s.seed, 7);
    ck_assert_str_eq(s.axes[0].name, "DesiredCapacity");
    ck_assert_int_eq(s.axes[0].target, SWEEP_PARAMETER);
    ck_assert(s.axes[0].numeric);
    ck_assert_str_eq(s.axes[1].name, "Type");
    ck_assert_int_eq(s.axes[1].target, SWEEP_PATH);
    ck_assert(!s.axes[1].numeric);
    ck_assert_uint_eq(s.axes[1].max_len, 9);
    /* point 4 = (DesiredCapacity index 1, Type index 1) */
    ck_assert_str_eq(sweep_value(&s, 0, 0), "2");
    ck_assert_str_eq(sweep_value(&s, 0, 1), "c6i.large");
    ck_assert_str_eq(sweep_value(&s, 2, 1), "r6i.large");
    ck_assert_str_eq(sweep_value(&s, 3, 0), "4");
    ck_assert_str_eq(sweep_value(&s, 4, 1), "m6i.large");
    ck_assert_uint_eq(strlen(s.sha256), 64);
    sweep_spec_release(&s);
}

END_TEST

START_TEST(test_sweep_range_includes_to_with_decimal_steps)
{
    struct sweep_spec s;
    parse_ok(&s, "Scenario: /abs/web.yaml\n"
                 "Axes:\n"
                 "  - Path: Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu\n"
                 "    Range: {From: 0.1, To: 0.3, Step: 0.1}\n");
    ck_assert_str_eq(s.scenario_path, "/abs/web.yaml");
    ck_assert_str_eq(s.axes[0].name, "CapacityRpsPerVcpu");
    ck_assert_uint_eq(s.axes[0].nr_values, 3);
    ck_assert_str_eq(s.axes[0].values[0], "0.1");
    ck_assert_str_eq(s.axes[0].values[1], "0.2");
    ck_assert_str_eq(s.axes[0].values[2], "0.3");
    ck_assert_uint_eq(s.replications, 1);
    ck_assert(!s.has_seed);
    sweep_spec_release(&s);
}

END_TEST

START_TEST(test_sweep_spec_without_axes_has_one_point)
{
    struct sweep_spec s;
    parse_ok(&s, "Scenario: web.yaml\nReplications: 3\n");
    ck_assert_uint_eq(s.nr_points, 1);
    ck_assert_uint_eq(s.nr_axes, 0);
    sweep_spec_release(&s);
}

END_TEST

static const struct {
    const char *text;
    const char *want; /* first diagnostic, formatted */
} bad_cases[] = {
    { "Scenario: w.yaml\nAxes:\n  - Parameter: A\n    Valuse: [1]\n",
      "asgsim: b.yaml:4:5: error: unknown property 'Valuse' in the sweep file (did you mean "
      "'Values'?)" },
    { "Axes: []\n", "asgsim: b.yaml:1:1: error: missing required property 'Scenario'" },
    { "Scenario: w.yaml\nAxes:\n  - Parameter: A\n    Range: {From: 1, To: 5, Step: 0}\n",
      "asgsim: b.yaml:4:35: error: Step must be greater than 0, got 0" },
    { "Scenario: w.yaml\nAxes:\n  - Parameter: A\n    Path: X.Y\n    Values: [1]\n",
      "asgsim: b.yaml:3:5: error: an axis needs exactly one of 'Parameter' or 'Path'" },
    { "Scenario: w.yaml\nAxes:\n  - Parameter: A\n    Values: [1, 2, 1]\n",
      "asgsim: b.yaml:4:20: error: value '1' is listed twice" },
    { "Scenario: w.yaml\nAxes:\n  - Parameter: A\n    Values: [1]\n  - Path: Q.A\n    "
      "Values: [2]\n",
      "asgsim: b.yaml:5:5: error: two axes are named 'A'; give one a different Name" },
    { "Scenario: w.yaml\nReplications: 0\n", "asgsim: b.yaml:2:15: error:" },
    { "Scenario: w.yaml\nAxes:\n  - Parameter: A\n    Range: {From: 5, To: 1, Step: 1}\n",
      "asgsim: b.yaml:4:26: error: To (1) must not be less than From (5)" },
};

START_TEST(test_sweep_spec_reports_errors_at_line_and_column)
{
    struct sweep_spec s;
    struct diag_list d = { 0 };
    const char *text = bad_cases[_i].text;
    int rc = sweep_spec_parse(&s, "b.yaml", text, strlen(text), &d);
    ck_assert_int_lt(rc, 0);
    ck_assert_uint_ge(d.nr_errors, 1);
    char *got = diag_format(&d.items[0]);
    ck_assert_msg(!strncmp(got, bad_cases[_i].want, strlen(bad_cases[_i].want)), "got '%s'", got);
    free(got);
    ck_assert_uint_eq(s.nr_points, 0); /* zeroed on failure */
    ck_assert_ptr_null(s.axes);
    diag_list_release(&d);
}

END_TEST

START_TEST(test_sweep_stats_interval_stays_in_the_data_range)
{
    /* Issue 18 item 6: a p99 bimodal across replications (4 runs at 0.1 s, 2 at 10 s). The
       Student t interval is 3.4 -/+ 2.571 x 5.112 / sqrt(6) = -1.97 .. 8.77: below zero, which
       no latency can be. The bootstrap interval of the mean stays within [min, max]. */
    const double x[] = { 0.1, 0.1, 10, 0.1, 10, 0.1 };
    struct sweep_stats st, again;
    sweep_stats_compute(x, 6, &st);
    ck_assert_double_eq_tol(st.mean, 3.4, 1e-12);
    ck_assert_double_eq_tol(st.sd, 5.112338016993791, 1e-9);
    ck_assert(st.ci_low >= 0.1 && st.ci_low < st.mean);
    ck_assert(st.ci_high <= 10 && st.ci_high > st.mean);
    /* a fixed seed: the same data give the same interval */
    sweep_stats_compute(x, 6, &again);
    ck_assert_double_eq(st.ci_low, again.ci_low);
    ck_assert_double_eq(st.ci_high, again.ci_high);

    const double y[] = { 1, 2, 3, 4 };
    sweep_stats_compute(y, 4, &st);
    ck_assert_double_eq_tol(st.mean, 2.5, 1e-12);
    ck_assert_double_eq_tol(st.sd, 1.2909944487358056, 1e-12);
    ck_assert(st.ci_low >= 1 && st.ci_low < 2.5 && st.ci_high > 2.5 && st.ci_high <= 4);
    /* all equal: the interval is the value */
    const double z[] = { 7, 7, 7 };
    sweep_stats_compute(z, 3, &st);
    ck_assert_double_eq(st.ci_low, 7);
    ck_assert_double_eq(st.ci_high, 7);
    sweep_stats_compute(y, 1, &st);
    ck_assert_double_eq(st.mean, 1.0);
    ck_assert(isnan(st.sd) && isnan(st.ci_low) && isnan(st.ci_high));
}

END_TEST

START_TEST(test_sweep_metrics_name_the_result_fields)
{
    /* The one table: every name follows the rule, and names a field of run_summary. */
    struct run_summary r = { .cost_usd = 1.5, .instances_launched = 3, .latency_p99_s = 0.25 };
    size_t cost = summary_find("cost_usd"), launched = summary_find("instances_launched");
    size_t p99 = summary_find("latency_p99_s");
    ck_assert_uint_lt(cost, SUMMARY_NR);
    ck_assert_str_eq(summary_metrics[cost].units, "USD");
    ck_assert_double_eq(summary_get(&r, cost), 1.5);
    ck_assert_int_eq(summary_metrics[launched].kind, SUMMARY_COUNT);
    ck_assert_double_eq(summary_get(&r, launched), 3.0);
    ck_assert_double_eq(summary_get(&r, p99), 0.25);
    summary_set(&r, launched, 5.0);
    ck_assert_uint_eq(r.instances_launched, 5);
    ck_assert_uint_eq(summary_find("latency_p99"), SUMMARY_NR);
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        const char *n = summary_metrics[m].name, *u = summary_metrics[m].units;
        for (const char *c = n; *c; c++)
            ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_',
                          "%s is not snake_case", n);
        size_t len = strlen(n);
        if (!strcmp(u, "s"))
            ck_assert_msg(len > 2 && !strcmp(n + len - 2, "_s"), "%s lacks _s", n);
        if (!strcmp(u, "USD"))
            ck_assert_msg(len > 4 && !strcmp(n + len - 4, "_usd"), "%s lacks _usd", n);
        if (!strcmp(u, "percent"))
            ck_assert_msg(len > 4 && !strcmp(n + len - 4, "_pct"), "%s lacks _pct", n);
        for (size_t k = 0; k < m; k++)
            ck_assert_str_ne(summary_metrics[k].name, n);
    }
}

END_TEST

START_TEST(test_sweep_parse_shard_accepts_only_i_below_n)
{
    uint32_t i = 99, n = 99;
    ck_assert(sweep_parse_shard("1/4", &i, &n));
    ck_assert_uint_eq(i, 1);
    ck_assert_uint_eq(n, 4);
    ck_assert(!sweep_parse_shard("4/4", &i, &n));
    ck_assert(!sweep_parse_shard("-1/4", &i, &n));
    ck_assert(!sweep_parse_shard("1/0", &i, &n));
    ck_assert(!sweep_parse_shard("/4", &i, &n));
    ck_assert(!sweep_parse_shard("1", &i, &n));
    ck_assert(!sweep_parse_shard("a/b", &i, &n));
    ck_assert_uint_eq(i, 1); /* untouched */
    ck_assert(sweep_point_in_shard(5, 1, 4));
    ck_assert(!sweep_point_in_shard(6, 1, 4));
}

END_TEST

START_TEST(test_sweep_journal_resumes_and_drops_torn_record)
{
    char *path = test_tmp_path("sweep.journal");
    struct sweep_journal j = { -1, NULL };
    struct sweep_result *done = NULL;
    size_t nr = 99;
    struct diag_list d = { 0 };
    unlink(path);
    ck_assert_int_eq(sweep_journal_open(&j, path, "key A", true, &done, &nr, &d), 0);
    ck_assert_uint_eq(nr, 0);
    for (uint32_t k = 0; k < 3; k++) {
        struct sweep_result r = { .point = k, .replication = 1, .summary.cost_usd = 1.5 * k };
        ck_assert_int_eq(sweep_journal_append(&j, &r), 0);
    }
    sweep_journal_close(&j, false);
    /* A kill in the middle of a write leaves a torn record. */
    int fd = open(path, O_WRONLY | O_APPEND);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "torn", 4), 4);
    close(fd);

    ck_assert_int_eq(sweep_journal_open(&j, path, "key A", true, &done, &nr, &d), 0);
    ck_assert_uint_eq(nr, 3);
    ck_assert_uint_eq(done[2].point, 2);
    ck_assert_double_eq(done[2].summary.cost_usd, 3.0);
    struct sweep_result r = { .point = 9 };
    ck_assert_int_eq(sweep_journal_append(&j, &r), 0);
    sweep_journal_close(&j, false);
    free(done);

    ck_assert_int_eq(sweep_journal_open(&j, path, "key A", true, &done, &nr, &d), 0);
    ck_assert_uint_eq(nr, 4);
    ck_assert_uint_eq(done[3].point, 9);
    sweep_journal_close(&j, false);
    free(done);

    /* Another sweep's journal is refused; without resume it is started afresh. */
    ck_assert_int_eq(sweep_journal_open(&j, path, "key B", true, &done, &nr, &d), ASG_EINVAL);
    ck_assert_uint_eq(d.nr_errors, 1);
    ck_assert_int_eq(sweep_journal_open(&j, path, "key B", false, &done, &nr, &d), 0);
    ck_assert_uint_eq(nr, 0);
    sweep_journal_close(&j, true);
    ck_assert_int_ne(access(path, F_OK), 0);
    diag_list_release(&d);
    free(path);
}

END_TEST

static const char doc_text[] = "Resources:\n"
                               "  G:\n"
                               "    Properties:\n"
                               "      MaxSize: !Ref Max\n"
                               "      Tags: [a, b]\n";

START_TEST(test_ydoc_set_scalar_replaces_adds_and_refuses)
{
    struct ydoc *doc = NULL;
    struct diag_list d = { 0 };
    ck_assert_int_eq(ydoc_parse(&doc, "t.yaml", doc_text, strlen(doc_text), &d), 0);
    ck_assert_int_eq(ydoc_set_scalar(doc, "Resources.G.Properties.MaxSize", "8", &d), 0);
    const struct ynode *props =
            ynode_get(ynode_get(ynode_get(ydoc_root(doc), "Resources"), "G"), "Properties");
    const struct ynode *v = ynode_get(props, "MaxSize");
    ck_assert_str_eq(v->scalar, "8");
    ck_assert_ptr_null(v->tag); /* the !Ref is gone */
    ck_assert_uint_eq(v->loc.line, 4);
    ck_assert_int_eq(ydoc_set_scalar(doc, "Resources.G.Properties.Cooldown", "60", &d), 0);
    ck_assert_str_eq(ynode_get(props, "Cooldown")->scalar, "60");
    ck_assert_str_eq(ynode_get(props, "MaxSize")->scalar, "8");
    ck_assert_uint_eq(d.nr_errors, 0);

    ck_assert_int_eq(ydoc_set_scalar(doc, "Resources.H.Properties.MaxSize", "1", &d), ASG_EINVAL);
    ck_assert_int_eq(ydoc_set_scalar(doc, "Resources.G.Properties.Tags", "1", &d), ASG_EINVAL);
    ck_assert_int_eq(ydoc_set_scalar(doc, "Resources..G", "1", &d), ASG_EINVAL);
    ck_assert_uint_eq(d.nr_errors, 3);
    char *m = diag_format(&d.items[0]);
    ck_assert_str_eq(m, "asgsim: t.yaml:2:3: error: path 'Resources.H.Properties.MaxSize': no "
                        "key 'H' here");
    free(m);
    m = diag_format(&d.items[1]);
    ck_assert_str_eq(m, "asgsim: t.yaml:5:13: error: path 'Resources.G.Properties.Tags' names a "
                        "sequence, not a single value");
    free(m);
    diag_list_release(&d);
    ydoc_free(doc);
}

END_TEST

Suite *sweep_suite(void);

Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("spec");
    tcase_add_test(tc, test_sweep_spec_numbers_points_first_axis_slowest);
    tcase_add_test(tc, test_sweep_range_includes_to_with_decimal_steps);
    tcase_add_test(tc, test_sweep_spec_without_axes_has_one_point);
    tcase_add_loop_test(tc, test_sweep_spec_reports_errors_at_line_and_column, 0,
                        (int)ARRAY_SIZE(bad_cases));
    tcase_add_test(tc, test_sweep_parse_shard_accepts_only_i_below_n);
    suite_add_tcase(s, tc);
    tc = tcase_create("stats");
    tcase_add_test(tc, test_sweep_stats_interval_stays_in_the_data_range);
    tcase_add_test(tc, test_sweep_metrics_name_the_result_fields);
    suite_add_tcase(s, tc);
    tc = tcase_create("journal");
    tcase_add_test(tc, test_sweep_journal_resumes_and_drops_torn_record);
    suite_add_tcase(s, tc);
    tc = tcase_create("yamltree");
    tcase_add_test(tc, test_ydoc_set_scalar_replaces_adds_and_refuses);
    suite_add_tcase(s, tc);
    return s;
}
