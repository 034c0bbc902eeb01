/*
 * CloudWatch: metric periods by monitoring level, aggregation over instances, the
 * publication delay, and alarm evaluation (M of N, comparison operators, every
 * TreatMissingData option, the premature-alarm rule). Numbers from AWS's documentation.
 */
#include "asgsim/cloudwatch.h"

#include <check.h>
#include <math.h>

#define B 80.0        /* breaching a "> 50" alarm */
#define G 20.0        /* not breaching */
#define M (double)NAN /* missing */

static struct cw_alarm_config alarm(int64_t n, int64_t m, enum cw_missing missing)
{
    return (struct cw_alarm_config){ .name = NULL,
                                     .metric = CW_CPU,
                                     .statistic = CW_AVERAGE,
                                     .period = SIM_MIN(1),
                                     .evaluation_periods = n,
                                     .datapoints_to_alarm = m,
                                     .threshold = 50,
                                     .comparison = CW_GT,
                                     .missing = missing,
                                     .actions_enabled = true };
}

/* AWS (using-cloudwatch-new): basic monitoring 5-minute periods, detailed 1-minute;
   group metrics are 1-minute (ec2-auto-scaling-metrics). */
START_TEST(test_cloudwatch_periods_follow_monitoring)
{
    struct cloudwatch cw;
    struct cw_config basic = { 0 }, detailed = { .detailed = true };
    cloudwatch_init(&cw, &basic, SIM_HOUR(1));
    ck_assert_int_eq(cloudwatch_period(&cw, CW_CPU), SIM_MIN(5));
    ck_assert_int_eq(cloudwatch_period(&cw, CW_NETWORK_OUT), SIM_MIN(5));
    ck_assert_int_eq(cloudwatch_period(&cw, CW_GROUP_DESIRED), SIM_MIN(1));
    ck_assert_int_eq(cloudwatch_period(&cw, CW_REQUEST_COUNT_PER_TGT), SIM_MIN(1));
    cloudwatch_release(&cw);
    cloudwatch_init(&cw, &detailed, SIM_HOUR(1));
    ck_assert_int_eq(cloudwatch_period(&cw, CW_CPU), SIM_MIN(1));
    cloudwatch_release(&cw);
}

END_TEST

/* AWS (as-scale-based-on-demand): "two instances at 60% and 40%" aggregate to 50%. */
START_TEST(test_cloudwatch_aggregates_instances_as_aws_example)
{
    struct cloudwatch cw;
    struct cw_config c = { .detailed = true };
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    cloudwatch_record(&cw, CW_CPU, SIM_SEC(0), 60, 1);
    cloudwatch_record(&cw, CW_CPU, SIM_SEC(0), 40, 1);
    double v = 0;
    ck_assert(cloudwatch_stat(&cw, CW_CPU, CW_AVERAGE, 0, SIM_MIN(1), SIM_MIN(1), &v));
    ck_assert_double_eq_tol(v, 50, 1e-12);
    ck_assert(cloudwatch_stat(&cw, CW_CPU, CW_SAMPLE_COUNT, 0, SIM_MIN(1), SIM_MIN(1), &v));
    ck_assert_double_eq(v, 2);
    ck_assert(cloudwatch_stat(&cw, CW_CPU, CW_MAXIMUM, 0, SIM_MIN(1), SIM_MIN(1), &v));
    ck_assert_double_eq(v, 60);
    ck_assert(cloudwatch_stat(&cw, CW_CPU, CW_MINIMUM, 0, SIM_MIN(1), SIM_MIN(1), &v));
    ck_assert_double_eq(v, 40);
    ck_assert(cloudwatch_stat(&cw, CW_CPU, CW_SUM, 0, SIM_MIN(1), SIM_MIN(1), &v));
    ck_assert_double_eq_tol(v, 100, 1e-12);
    /* no reporting instance (all warming up): no datapoint rather than a zero */
    cloudwatch_record(&cw, CW_CPU, SIM_MIN(1), 99, 0);
    ck_assert(!cloudwatch_stat(&cw, CW_CPU, CW_AVERAGE, SIM_MIN(1), SIM_MIN(2), SIM_MIN(3), &v));
    cloudwatch_release(&cw);
}

END_TEST

START_TEST(test_cloudwatch_publication_delay_hides_newest_datapoint)
{
    struct cloudwatch cw;
    struct cw_config c = { .detailed = true, .publication_delay = SIM_SEC(90) };
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    for (int s = 0; s < 60; s += 10)
        cloudwatch_record(&cw, CW_CPU, SIM_SEC(s), 70, 3);
    double v = 0;
    ck_assert(!cloudwatch_latest(&cw, CW_CPU, CW_AVERAGE, SIM_SEC(149), &v));
    ck_assert(cloudwatch_latest(&cw, CW_CPU, CW_AVERAGE, SIM_SEC(150), &v));
    ck_assert_double_eq(v, 70);
    cloudwatch_release(&cw);
}

END_TEST

/* AWS (AlarmThatSendsEmail): the M breaching datapoints need not be consecutive. */
START_TEST(test_alarm_m_of_n_need_not_be_consecutive)
{
    struct cw_alarm_config c = alarm(5, 3, CW_MISSING);
    const double three[] = { B, G, B, G, B, G, G };
    const double two[] = { B, G, G, G, B, B, B }; /* the older B's are outside N = 5 */
    ck_assert_int_eq(cw_alarm_decide(&c, three, 7, CW_OK), CW_ALARM);
    ck_assert_int_eq(cw_alarm_decide(&c, two, 7, CW_ALARM), CW_OK);
}

END_TEST

START_TEST(test_alarm_comparison_operators_at_threshold)
{
    struct cw_alarm_config c = alarm(1, 1, CW_MISSING);
    c.comparison = CW_GE;
    ck_assert(cw_alarm_breaches(&c, 50));
    c.comparison = CW_GT;
    ck_assert(!cw_alarm_breaches(&c, 50));
    ck_assert(cw_alarm_breaches(&c, 50.001));
    c.comparison = CW_LE;
    ck_assert(cw_alarm_breaches(&c, 50));
    c.comparison = CW_LT;
    ck_assert(!cw_alarm_breaches(&c, 50));
    ck_assert(cw_alarm_breaches(&c, 49.999));
}

END_TEST

/* AWS: with at least N real datapoints in the evaluation range, TreatMissingData is
   not used; the N newest real datapoints decide. */
START_TEST(test_alarm_enough_real_datapoints_ignore_missing_setting)
{
    const double vals[] = { B, M, B, B, G }; /* real: B B B (G is the 4th) */
    for (int t = 0; t < CW_MISSING_NR; t++) {
        struct cw_alarm_config c = alarm(3, 3, (enum cw_missing)t);
        ck_assert_int_eq(cw_alarm_decide(&c, vals, 5, CW_OK), CW_ALARM);
    }
}

END_TEST

START_TEST(test_alarm_treat_missing_data_options)
{
    const double all_missing[] = { M, M, M, M, M };
    const double one_good[] = { G, M, M, M, M };
    struct cw_alarm_config c = alarm(3, 3, CW_MISSING);
    /* missing: nothing at all -> INSUFFICIENT_DATA */
    ck_assert_int_eq(cw_alarm_decide(&c, all_missing, 5, CW_OK), CW_INSUFFICIENT_DATA);
    /* one good point can never become 3 of 3 breaching -> OK */
    ck_assert_int_eq(cw_alarm_decide(&c, one_good, 5, CW_ALARM), CW_OK);
    c.missing = CW_IGNORE; /* the current state is kept */
    ck_assert_int_eq(cw_alarm_decide(&c, all_missing, 5, CW_ALARM), CW_ALARM);
    ck_assert_int_eq(cw_alarm_decide(&c, all_missing, 5, CW_OK), CW_OK);
    c.missing = CW_BREACHING; /* missing points count as bad */
    ck_assert_int_eq(cw_alarm_decide(&c, all_missing, 5, CW_OK), CW_ALARM);
    ck_assert_int_eq(cw_alarm_decide(&c, one_good, 5, CW_OK), CW_OK);
    c.missing = CW_NOT_BREACHING;
    ck_assert_int_eq(cw_alarm_decide(&c, all_missing, 5, CW_ALARM), CW_OK);
    /* breaching fills "as few times as possible": 1 real B + 2 filled = 3 of 3 */
    const double one_bad[] = { B, M, M, M, M };
    c.missing = CW_BREACHING;
    ck_assert_int_eq(cw_alarm_decide(&c, one_bad, 5, CW_OK), CW_ALARM);
    c.missing = CW_NOT_BREACHING;
    ck_assert_int_eq(cw_alarm_decide(&c, one_bad, 5, CW_ALARM), CW_OK);
}

END_TEST

/* AWS premature-alarm rule: the oldest breaching point is M periods old and every newer
   one is breaching or missing -> ALARM even with fewer than M real points. */
START_TEST(test_alarm_premature_alarm_rule)
{
    struct cw_alarm_config c = alarm(3, 3, CW_MISSING);
    const double old_enough[] = { M, M, B, M, M };
    const double too_young[] = { M, B, M, M, M };
    ck_assert_int_eq(cw_alarm_decide(&c, old_enough, 5, CW_OK), CW_ALARM);
    ck_assert_int_eq(cw_alarm_decide(&c, too_young, 5, CW_OK), CW_OK);
    ck_assert_int_eq(cw_alarm_decide(&c, too_young, 5, CW_INSUFFICIENT_DATA), CW_INSUFFICIENT_DATA);
}

END_TEST

/* Target tracking's AlarmHigh (3 of 3 one-minute datapoints, observed): with detailed
   monitoring and no delay, a load step at 0 s trips it at 180 s, not before. */
START_TEST(test_alarm_three_minutes_of_breach_trip_a_3_of_3_alarm)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true };
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    struct cw_alarm_config c = alarm(3, 3, CW_MISSING);
    struct cw_alarm a;
    cw_alarm_init(&a, &c);
    ck_assert_int_eq(a.state, CW_INSUFFICIENT_DATA);
    for (sim_time t = 0; t <= SIM_MIN(3); t += SIM_SEC(10)) {
        if (t % SIM_MIN(1) == 0)
            cw_alarm_evaluate(&a, &cw, t);
        if (t < SIM_MIN(3))
            ck_assert_int_ne(a.state, CW_ALARM);
        cloudwatch_record(&cw, CW_CPU, t, 75, 4);
    }
    ck_assert_int_eq(a.state, CW_ALARM);
    ck_assert_double_eq(a.last_value, 75);
    ck_assert_int_eq(a.changed_at, SIM_MIN(3));
    cloudwatch_release(&cw);
}

END_TEST

/* The window a step policy's MetricAggregationType works on: the alarm's last N periods. */
START_TEST(test_alarm_keeps_window_for_metric_aggregation)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true };
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    struct cw_alarm_config c = alarm(3, 3, CW_MISSING);
    struct cw_alarm a;
    cw_alarm_init(&a, &c);
    const double per_minute[] = { 10, 70, 90, 80 }; /* the 10 is outside the last 3 */
    for (size_t m = 0; m < 4; m++)
        cloudwatch_record(&cw, CW_CPU, SIM_MIN(m), per_minute[m], 2);
    cw_alarm_evaluate(&a, &cw, SIM_MIN(4));
    ck_assert_int_eq(a.state, CW_ALARM);
    ck_assert_double_eq(a.window_min, 70);
    ck_assert_double_eq(a.window_max, 90);
    ck_assert_double_eq_tol(a.window_mean, 80, 1e-12);
    ck_assert_double_eq(a.last_value, 80);
    cloudwatch_release(&cw);
}

END_TEST

Suite *cloudwatch_suite(void);

Suite *cloudwatch_suite(void)
{
    Suite *s = suite_create("cloudwatch");
    TCase *m = tcase_create("metrics");
    tcase_add_test(m, test_cloudwatch_periods_follow_monitoring);
    tcase_add_test(m, test_cloudwatch_aggregates_instances_as_aws_example);
    tcase_add_test(m, test_cloudwatch_publication_delay_hides_newest_datapoint);
    suite_add_tcase(s, m);
    TCase *a = tcase_create("alarms");
    tcase_add_test(a, test_alarm_m_of_n_need_not_be_consecutive);
    tcase_add_test(a, test_alarm_comparison_operators_at_threshold);
    tcase_add_test(a, test_alarm_enough_real_datapoints_ignore_missing_setting);
    tcase_add_test(a, test_alarm_treat_missing_data_options);
    tcase_add_test(a, test_alarm_premature_alarm_rule);
    tcase_add_test(a, test_alarm_three_minutes_of_breach_trip_a_3_of_3_alarm);
    tcase_add_test(a, test_alarm_keeps_window_for_metric_aggregation);
    suite_add_tcase(s, a);
    return s;
}
