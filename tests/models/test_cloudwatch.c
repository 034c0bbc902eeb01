/*
 * CloudWatch: metric periods by monitoring level, aggregation over instances, the
 * publication delay, and alarm evaluation (M of N, comparison operators, every
 * TreatMissingData option, the premature-alarm rule), percentiles (ExtendedStatistic) and
 * EvaluateLowSampleCountPercentile. Numbers from AWS's documentation.
 */
#include "asgsim/cloudwatch.h"
#include "asgsim/serve.h"
#include "asgsim/util.h"

#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

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

/*
 * AWS (ec2-metricscollected, "Metric Collection and Calculation", Nitro instances): with basic
 * monitoring the hypervisor samples each metric once a minute and the 5-minute datapoint's
 * statistic set holds the five: samples 10, 15, 10, 5, 10 give Average 10, Sum 50, Minimum 5,
 * Maximum 15, SampleCount 5. Two instances sampled every 10 s: 2 x 5 = 10 samples.
 */
START_TEST(test_cloudwatch_basic_monitoring_counts_a_sample_a_minute)
{
    struct cloudwatch cw;
    struct cw_config c = { 0 };
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    static const double v[] = { 10, 15, 10, 5, 10 };
    for (int k = 0; k < 5; k++)
        cloudwatch_record(&cw, CW_CPU, SIM_MIN(k), v[k], 1);

    static const struct {
        enum cw_statistic st;
        double want;
    } want[] = { { CW_AVERAGE, 10 },
                 { CW_SUM, 50 },
                 { CW_MINIMUM, 5 },
                 { CW_MAXIMUM, 15 },
                 { CW_SAMPLE_COUNT, 5 } };

    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        double got = -1;
        ck_assert(cloudwatch_stat(&cw, CW_CPU, want[i].st, 0, SIM_MIN(5), SIM_MIN(5), &got));
        ck_assert_msg(fabs(got - want[i].want) < 1e-12, "%s: %g, want %g",
                      cw_statistic_names[want[i].st], got, want[i].want);
    }
    for (sim_time t = SIM_MIN(5); t < SIM_MIN(10); t += CW_SAMPLE_STEP)
        cloudwatch_record(&cw, CW_CPU, t, 40, 2);
    double n;
    ck_assert(cloudwatch_stat(&cw, CW_CPU, CW_SAMPLE_COUNT, SIM_MIN(5), SIM_MIN(10), SIM_MIN(10),
                              &n));
    ck_assert_double_eq(n, 10);
    /* detailed monitoring: a 1-minute datapoint, one sample per instance */
    cloudwatch_release(&cw);
    c.detailed = true;
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    for (sim_time t = 0; t < SIM_MIN(1); t += CW_SAMPLE_STEP)
        cloudwatch_record(&cw, CW_CPU, t, 40, 2);
    ck_assert(cloudwatch_stat(&cw, CW_CPU, CW_SAMPLE_COUNT, 0, SIM_MIN(1), SIM_MIN(1), &n));
    ck_assert_double_eq(n, 2);
    cloudwatch_release(&cw);
}

END_TEST

/* Within a histogram bin of `want` (bins are a factor 10^(1/100) wide). */
static void ck_in_bin(double got, double want)
{
    ck_assert_msg(got > want / 1.0233 && got < want * 1.0233, "%g not within a bin of %g", got,
                  want);
}

/*
 * TargetResponseTime is per request (load-balancer-cloudwatch-metrics, "Statistics for
 * Application Load Balancer metrics": SampleCount "the number of samples measured", Minimum
 * and Maximum of the data points, "The maximum reflects the slowest case"). Two 10 s
 * intervals of one minute: 30 requests of 0.2 s, then 29 of 0.1 s and one of 1 s: SampleCount
 * 60, Sum 6 + 2.9 + 1 = 9.9 s, Average 0.165 s, the fastest 0.1 s and the slowest 1 s (to a
 * bin). A minute with one request of 0.05 s: every statistic is that request. A 2-minute
 * period holds both.
 */
START_TEST(test_cloudwatch_target_response_time_is_per_request)
{
    struct cloudwatch cw;
    struct cw_config c = { 0 };
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    struct serve_hist *h = calloc(3, sizeof(*h));
    ck_assert_ptr_nonnull(h);
    serve_hist_add(&h[0], 0.2, 30);
    serve_hist_add(&h[1], 0.1, 29);
    serve_hist_add(&h[1], 1.0, 1);
    serve_hist_add(&h[2], 0.05, 1);
    cloudwatch_record_requests(&cw, CW_TARGET_RESPONSE_TIME, SIM_SEC(10) - 1, 30, &h[0]);
    cloudwatch_record_requests(&cw, CW_TARGET_RESPONSE_TIME, SIM_SEC(20) - 1, 30, &h[1]);
    cloudwatch_record_requests(&cw, CW_TARGET_RESPONSE_TIME, SIM_SEC(70) - 1, 1, &h[2]);
    double v;
    const enum cw_metric m = CW_TARGET_RESPONSE_TIME;
    sim_time t = SIM_MIN(2);
    ck_assert(cloudwatch_stat(&cw, m, CW_SAMPLE_COUNT, 0, SIM_MIN(1), t, &v));
    ck_assert_double_eq(v, 60);
    ck_assert(cloudwatch_stat(&cw, m, CW_SUM, 0, SIM_MIN(1), t, &v));
    ck_assert_double_eq_tol(v, 9.9, 1e-12);
    ck_assert(cloudwatch_stat(&cw, m, CW_AVERAGE, 0, SIM_MIN(1), t, &v));
    ck_assert_double_eq_tol(v, 0.165, 1e-12);
    ck_assert(cloudwatch_stat(&cw, m, CW_MINIMUM, 0, SIM_MIN(1), t, &v));
    ck_in_bin(v, 0.1);
    ck_assert(cloudwatch_stat(&cw, m, CW_MAXIMUM, 0, SIM_MIN(1), t, &v));
    ck_in_bin(v, 1.0);

    static const enum cw_statistic all[] = { CW_AVERAGE, CW_SUM, CW_MINIMUM, CW_MAXIMUM };

    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        ck_assert(cloudwatch_stat(&cw, m, all[i], SIM_MIN(1), SIM_MIN(2), t, &v));
        ck_assert_double_eq(v, 0.05);
    }
    ck_assert(cloudwatch_stat(&cw, m, CW_SAMPLE_COUNT, 0, SIM_MIN(2), t, &v));
    ck_assert_double_eq(v, 61);
    ck_assert(cloudwatch_stat(&cw, m, CW_MINIMUM, 0, SIM_MIN(2), t, &v));
    ck_assert_double_eq(v, 0.05);
    ck_assert(cloudwatch_stat(&cw, m, CW_MAXIMUM, 0, SIM_MIN(2), t, &v));
    ck_in_bin(v, 1.0);
    /* nothing served: no datapoint */
    cloudwatch_record_requests(&cw, m, SIM_MIN(3), 0, &h[0]);
    ck_assert(!cloudwatch_stat(&cw, m, CW_SAMPLE_COUNT, SIM_MIN(3), SIM_MIN(4), SIM_MIN(5), &v));
    free(h);
    cloudwatch_release(&cw);
}

END_TEST

/*
 * HTTPCode_*_5XX_Count: "The most useful statistic is Sum. Minimum, Maximum, and Average all
 * return 1" (load-balancer-cloudwatch-metrics): 3 + 4 refusals in a minute are 7 samples of 1.
 * A minute without one reads 0 (asgsim's rule), and its zero goes once a refusal comes.
 */
START_TEST(test_cloudwatch_5xx_counts_responses)
{
    struct cloudwatch cw;
    struct cw_config c = { 0 };
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    const enum cw_metric m = CW_TARGET_5XX;
    cloudwatch_record_count(&cw, m, SIM_SEC(9), 0);
    cloudwatch_record_count(&cw, m, SIM_SEC(19), 3);
    cloudwatch_record_count(&cw, m, SIM_SEC(29), 0);
    cloudwatch_record_count(&cw, m, SIM_SEC(39), 4);
    cloudwatch_record_count(&cw, m, SIM_SEC(69), 0);
    cloudwatch_record_count(&cw, m, SIM_SEC(79), 0);

    static const struct {
        enum cw_statistic st;
        double minute0, minute1;
    } want[] = { { CW_SUM, 7, 0 },
                 { CW_SAMPLE_COUNT, 7, 1 },
                 { CW_AVERAGE, 1, 0 },
                 { CW_MINIMUM, 1, 0 },
                 { CW_MAXIMUM, 1, 0 } };

    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        double v0 = -1, v1 = -1;
        ck_assert(cloudwatch_stat(&cw, m, want[i].st, 0, SIM_MIN(1), SIM_MIN(2), &v0));
        ck_assert(cloudwatch_stat(&cw, m, want[i].st, SIM_MIN(1), SIM_MIN(2), SIM_MIN(2), &v1));
        ck_assert_msg(v0 == want[i].minute0 && v1 == want[i].minute1, "%s: %g and %g",
                      cw_statistic_names[want[i].st], v0, v1);
    }
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

/* AWS (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
   "Evaluating an alarm"): the M breaching datapoints need not be consecutive, "they just
   must all be within the last number of data points equal to Evaluation Period". */
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

/*
 * AWS's tables:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * ("How alarm state is evaluated when data is missing"; text of awsdocs/
 * amazon-cloudwatch-user-guide doc_source/AlarmThatSendsEmail.md at b355497, 2023-05-18).
 * A pattern is the doc's: the evaluation range of 5, oldest on the left, newest on the
 * right; 0 not breaching, X breaching, - missing.
 */
#define RETAIN CW_STATE_NR /* the table's "Retain current state" */

struct table_row {
    const char *points;
    enum cw_alarm_state want[CW_MISSING_NR]; /* MISSING, NOT BREACHING, BREACHING, IGNORE */
};

/* the doc's pattern as the newest-first range cw_alarm_decide takes */
static size_t parse_points(const char *points, double *vals, size_t max)
{
    double oldest_first[16];
    size_t nr = 0;
    for (const char *c = points; *c; c++) {
        if (*c == ' ')
            continue;
        ck_assert_uint_lt(nr, 16);
        oldest_first[nr++] = *c == 'X' ? B : *c == '0' ? G : M;
    }
    ck_assert_uint_le(nr, max);
    for (size_t i = 0; i < nr; i++)
        vals[i] = oldest_first[nr - 1 - i];
    return nr;
}

static void check_rows(int64_t n, int64_t m, const struct table_row *rows, size_t nr_rows)
{
    static const enum cw_alarm_state states[] = { CW_INSUFFICIENT_DATA, CW_OK, CW_ALARM };

    for (size_t r = 0; r < nr_rows; r++) {
        double vals[16];
        size_t nr = parse_points(rows[r].points, vals, 16);
        for (int t = 0; t < CW_MISSING_NR; t++) {
            struct cw_alarm_config c = alarm(n, m, (enum cw_missing)t);
            /* every current state, so that "retain" and a fixed outcome are told apart */
            for (size_t k = 0; k < 3; k++) {
                enum cw_alarm_state want = rows[r].want[t] == RETAIN ? states[k] : rows[r].want[t];
                enum cw_alarm_state got = cw_alarm_decide(&c, vals, nr, states[k]);
                ck_assert_msg(got == want,
                              "%" PRId64 " of %" PRId64 " \"%s\" %s from %s: %s, want %s", m, n,
                              rows[r].points, cw_missing_names[t], cw_state_names[states[k]],
                              cw_state_names[got], cw_state_names[want]);
            }
        }
    }
}

#define I CW_INSUFFICIENT_DATA
#define O CW_OK
#define A CW_ALARM

/* AWS's first table: Datapoints to Alarm and Evaluation Periods both 3, range 5 (URL above). */
START_TEST(test_alarm_aws_table_3_of_3)
{
    /* columns in enum cw_missing order: missing, notBreaching, breaching, ignore */
    static const struct table_row rows[] = {
        { "0 - X - X", { O, O, O, O } },      { "0 - - - -", { O, O, O, O } },
        { "- - - - -", { I, O, A, RETAIN } }, { "0 X X - X", { A, A, A, A } },
        { "- - X - -", { A, O, A, RETAIN } }, /* the premature-alarm row */
    };
    check_rows(3, 3, rows, ARRAY_SIZE(rows));
}

END_TEST

/* AWS's second table: 2 out of 3, range 5 (URL above). */
START_TEST(test_alarm_aws_table_2_of_3)
{
    static const struct table_row rows[] = {
        { "0 - X - X", { A, A, A, A } },      { "0 0 X 0 X", { A, A, A, A } },
        { "0 - X - -", { O, O, A, O } },      { "- - - - 0", { O, O, A, O } },
        { "- - - X -", { A, O, A, RETAIN } }, /* the premature-alarm row */
    };
    check_rows(3, 2, rows, ARRAY_SIZE(rows));
}

END_TEST

/*
 * Rows of earlier editions of the same tables, consistent with today's text ("the alarm
 * does not go immediately into ALARM state when the data is either - - - - X or - - - X -
 * and Datapoints to Alarm is 3"; "If the oldest breaching data point during the
 * evaluation range is at least as old as the value of Datapoints to Alarm, and all of the
 * more recent data points are either breaching or missing, the alarm goes into ALARM
 * state"). "- - - - X": AlarmThatSendsEmail.md at cd4004c (2018-06-12), both tables;
 * "X - - - -": at 72266c7 (2019-01-16), "the oldest evaluated data point is breaching and
 * there aren't any non-breaching data points".
 */
START_TEST(test_alarm_aws_earlier_table_rows)
{
    static const struct table_row three[] = {
        { "- - - - X", { I, O, A, RETAIN } },
        { "- - - X -", { I, O, A, RETAIN } }, /* the text: not ALARM yet */
        { "X - - - -", { A, O, A, RETAIN } },
    };
    static const struct table_row two[] = {
        { "- - - - X", { I, O, A, RETAIN } },
    };
    check_rows(3, 3, three, ARRAY_SIZE(three));
    check_rows(3, 2, two, ARRAY_SIZE(two));
}

END_TEST

/* The premature-alarm rule for other M and N ("This alarm logic applies to M out of N
   alarms as well", URL above): the oldest breaching datapoint must be at least M periods
   old, and one real non-breaching datapoint in the range blocks it. */
START_TEST(test_alarm_premature_rule_other_m_of_n)
{
    struct cw_alarm_config c = alarm(5, 4, CW_MISSING);
    /* newest first, range N + 2 = 7 */
    const double four_old[] = { M, B, M, B, M, M, M };  /* oldest B 4 periods old */
    const double three_old[] = { M, M, B, M, M, M, M }; /* 3 periods old: too young */
    const double blocked[] = { M, M, M, B, G, M, M };   /* an older real G */
    const double late_g[] = { M, M, M, M, M, B, G };
    ck_assert_int_eq(cw_alarm_decide(&c, four_old, 7, CW_OK), CW_ALARM);
    ck_assert_int_eq(cw_alarm_decide(&c, three_old, 7, CW_OK), CW_INSUFFICIENT_DATA);
    ck_assert_int_eq(cw_alarm_decide(&c, blocked, 7, CW_ALARM), CW_OK);
    ck_assert_int_eq(cw_alarm_decide(&c, late_g, 7, CW_ALARM), CW_OK);
    c.missing = CW_IGNORE;
    ck_assert_int_eq(cw_alarm_decide(&c, four_old, 7, CW_OK), CW_OK);
    ck_assert_int_eq(cw_alarm_decide(&c, blocked, 7, CW_ALARM), CW_OK);
}

END_TEST

#undef I
#undef O
#undef A

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

/* Record `value` for one instance every CW_SAMPLE_STEP in [from, to). */
static void record_span(struct cloudwatch *cw, sim_time from, sim_time to, double value)
{
    for (sim_time t = from; t < to; t += CW_SAMPLE_STEP)
        cloudwatch_record(cw, CW_CPU, t, value, 1);
}

/* AWS (AlarmThatSendsEmail.html, "Evaluating an alarm"; high-resolution alarms): periods of
   60 s and more are evaluated every minute, 10 s and 30 s every 10 s, over the most recent
   periods; the newest ends at the last whole minute (10 s) whose data is published. */
START_TEST(test_alarm_window_end_whatever_now)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true };
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    struct cw_alarm_config c = alarm(3, 3, CW_MISSING);
    c.period = SIM_MIN(5);
    ck_assert_int_eq(cw_alarm_window_end(&c, &cw, SIM_MIN(7)), SIM_MIN(7));
    ck_assert_int_eq(cw_alarm_window_end(&c, &cw, SIM_MIN(7) + SIM_SEC(50)), SIM_MIN(7));
    c.period = SIM_SEC(30);
    ck_assert_int_eq(cw_alarm_window_end(&c, &cw, SIM_SEC(125)), SIM_SEC(120));
    ck_assert_int_eq(cw_alarm_window_end(&c, &cw, SIM_SEC(130)), SIM_SEC(130));
    cloudwatch_release(&cw);
    cc.publication_delay = SIM_SEC(90);
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    c.period = SIM_MIN(1);
    ck_assert_int_eq(cw_alarm_window_end(&c, &cw, SIM_MIN(5)), SIM_MIN(3));
    ck_assert_int_eq(cw_alarm_window_end(&c, &cw, SIM_SEC(30)), -SIM_MIN(1));
    cloudwatch_release(&cw);
}

END_TEST

/* The window slides by the minute (AlarmThatSendsEmail.html, "Evaluating an alarm": the
   most recent periods, evaluated every minute): a 5-minute 1-of-1 alarm over 1-minute
   datapoints goes to ALARM at 13 min, when [8, 13) averages over 50, not at 15 min. */
START_TEST(test_alarm_five_minute_period_slides_by_the_minute)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true };
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    struct cw_alarm_config c = alarm(1, 1, CW_MISSING);
    c.period = SIM_MIN(5);
    struct cw_alarm a;
    cw_alarm_init(&a, &c);
    record_span(&cw, 0, SIM_MIN(10), 20);
    record_span(&cw, SIM_MIN(10), SIM_MIN(20), 80);
    for (int64_t t = 1; t <= 12; t++) {
        cw_alarm_evaluate(&a, &cw, SIM_MIN(t));
        ck_assert_int_eq(a.state, CW_OK);
    }
    ck_assert(cw_alarm_evaluate(&a, &cw, SIM_MIN(13)));
    ck_assert_int_eq(a.state, CW_ALARM);
    ck_assert_int_eq(a.changed_at, SIM_MIN(13));
    ck_assert_int_eq(a.window_end, SIM_MIN(13));
    ck_assert_int_eq(a.last_from, SIM_MIN(8));
    ck_assert_int_eq(a.last_to, SIM_MIN(13));
    ck_assert_double_eq_tol(a.last_value, (2 * 20 + 3 * 80) / 5.0, 1e-9);
    ck_assert_uint_eq(a.used_nr, 1);
    ck_assert_int_eq(a.used_start[0], SIM_MIN(8));
    cloudwatch_release(&cw);
}

END_TEST

/* A 1-minute alarm over 5-minute basic-monitoring datapoints: an alarm period holds the
   datapoint whose timestamp (its start) lies in it, once published, so only one minute in
   five finds one, and only at the oldest place of the range (using-cloudwatch-new.html:
   basic monitoring is 5-minute; AlarmThatSendsEmail.html: the evaluation range, the
   premature-alarm rule, INSUFFICIENT_DATA when every datapoint is missing). */
START_TEST(test_alarm_one_minute_period_over_basic_monitoring)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = false };
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    struct cw_alarm_config c = alarm(3, 3, CW_MISSING);
    struct cw_alarm a;
    cw_alarm_init(&a, &c);
    record_span(&cw, 0, SIM_MIN(30), 80);
    for (int64_t t = 5; t <= 25; t++) {
        cw_alarm_evaluate(&a, &cw, SIM_MIN(t));
        if (t % 5 == 0) {
            /* "X - - - -": the 5-minute datapoint of [t-5, t) starts t-5 min, 5 old */
            ck_assert_int_eq(a.state, CW_ALARM);
            ck_assert_int_eq(a.last_from, SIM_MIN(t - 5));
            ck_assert_int_eq(a.last_to, SIM_MIN(t - 4));
            ck_assert_double_eq(a.last_value, 80);
        } else {
            ck_assert_int_eq(a.state, CW_INSUFFICIENT_DATA); /* "- - - - -" */
            ck_assert_int_eq(a.last_from, -1);
            ck_assert(isnan(a.last_value));
        }
    }
    /* treated as breaching the alarm stays in ALARM */
    c.missing = CW_BREACHING;
    cw_alarm_init(&a, &c);
    for (int64_t t = 5; t <= 25; t++) {
        cw_alarm_evaluate(&a, &cw, SIM_MIN(t));
        ck_assert_int_eq(a.state, CW_ALARM);
    }
    cloudwatch_release(&cw);
}

END_TEST

/* The publication delay: a minute is evaluated once its datapoint is published, so the
   newest period is never a half-seen one. (AWS publishes no figure for the delay; the
   alarm window: AlarmThatSendsEmail.html, "Evaluating an alarm".) */
START_TEST(test_alarm_waits_for_publication)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true, .publication_delay = SIM_SEC(90) };
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    struct cw_alarm_config c = alarm(1, 1, CW_MISSING);
    struct cw_alarm a;
    cw_alarm_init(&a, &c);
    record_span(&cw, 0, SIM_MIN(3), 80);
    record_span(&cw, SIM_MIN(3), SIM_MIN(10), 20);
    cw_alarm_evaluate(&a, &cw, SIM_MIN(2)); /* [0, 1) is published at 150 s */
    ck_assert_int_eq(a.state, CW_INSUFFICIENT_DATA);
    cw_alarm_evaluate(&a, &cw, SIM_MIN(3));
    ck_assert_int_eq(a.state, CW_ALARM);
    ck_assert_int_eq(a.last_from, 0);
    ck_assert_int_eq(a.last_to, SIM_MIN(1));
    cw_alarm_evaluate(&a, &cw, SIM_MIN(5)); /* newest published: [2, 3) */
    ck_assert_int_eq(a.state, CW_ALARM);
    ck_assert_int_eq(a.last_from, SIM_MIN(2));
    cw_alarm_evaluate(&a, &cw, SIM_MIN(6)); /* [3, 4), published at 5.5 min */
    ck_assert_int_eq(a.state, CW_OK);
    ck_assert_int_eq(a.changed_at, SIM_MIN(6));
    cloudwatch_release(&cw);
}

END_TEST

/* A new alarm is INSUFFICIENT_DATA and stays so while there is no datapoint
   (AlarmThatSendsEmail.html: alarm states; "- - - - -" under missing). */
START_TEST(test_alarm_insufficient_data_at_start)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true, .publication_delay = SIM_SEC(60) };
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    struct cw_alarm_config c = alarm(3, 3, CW_MISSING);
    struct cw_alarm a;
    cw_alarm_init(&a, &c);
    ck_assert_int_eq(a.state, CW_INSUFFICIENT_DATA);
    ck_assert_uint_eq(a.used_nr, 0);
    ck_assert_int_eq(a.last_from, -1);
    for (int64_t t = 0; t <= 1; t++) {
        record_span(&cw, SIM_MIN(t), SIM_MIN(t + 1), 30);
        ck_assert(!cw_alarm_evaluate(&a, &cw, SIM_MIN(t)));
        ck_assert_int_eq(a.state, CW_INSUFFICIENT_DATA);
        ck_assert_uint_eq(a.used_nr, 3);
        for (size_t i = 0; i < 3; i++) {
            ck_assert(isnan(a.used_value[i]));
            ck_assert_int_eq(a.used_start[i], -1);
        }
    }
    /* [0, 1) published at 2 min: one real non-breaching datapoint -> OK ("0 - - - -") */
    ck_assert(cw_alarm_evaluate(&a, &cw, SIM_MIN(2)));
    ck_assert_int_eq(a.state, CW_OK);
    ck_assert_int_eq(a.last_from, 0);
    cloudwatch_release(&cw);
}

END_TEST

/* What an evaluation used, on AWS's row "0 - X - -" of the 2-of-3 table
   (AlarmThatSendsEmail.html): every real datapoint in the range, one filled, OK. */
START_TEST(test_alarm_exposes_datapoints_used)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true };
    cloudwatch_init(&cw, &cc, SIM_HOUR(1));
    struct cw_alarm_config c = alarm(3, 2, CW_MISSING);
    struct cw_alarm a;
    cw_alarm_init(&a, &c);
    record_span(&cw, 0, SIM_MIN(1), 20);
    record_span(&cw, SIM_MIN(2), SIM_MIN(3), 80);
    cw_alarm_evaluate(&a, &cw, SIM_MIN(5));
    ck_assert_int_eq(a.state, CW_OK);
    ck_assert_int_eq(a.window_end, SIM_MIN(5));
    ck_assert_int_eq(a.last_from, SIM_MIN(2));
    ck_assert_int_eq(a.last_to, SIM_MIN(3));
    ck_assert_uint_eq(a.used_nr, 3);
    ck_assert(isnan(a.used_value[0]));
    ck_assert_int_eq(a.used_start[0], -1);
    ck_assert_double_eq(a.used_value[1], 80);
    ck_assert_int_eq(a.used_start[1], SIM_MIN(2));
    ck_assert_double_eq(a.used_value[2], 20);
    ck_assert_int_eq(a.used_start[2], 0);
    ck_assert_double_eq(a.window_min, 20);
    ck_assert_double_eq(a.window_max, 80);
    ck_assert_double_eq_tol(a.window_mean, 50, 1e-12);
    /* breaching fills the one missing datapoint as breaching: 2 of 3 */
    c.missing = CW_BREACHING;
    cw_alarm_evaluate(&a, &cw, SIM_MIN(5));
    ck_assert_int_eq(a.state, CW_ALARM);
    cloudwatch_release(&cw);
}

END_TEST

/* More than CW_ALARM_USED_MAX datapoints: the newest are kept, used_nr says N; a range
   longer than the stack buffer works. */
START_TEST(test_alarm_long_window_bounded)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true };
    cloudwatch_init(&cw, &cc, SIM_HOUR(3));
    struct cw_alarm_config c = alarm(100, 90, CW_MISSING);
    struct cw_alarm a;
    cw_alarm_init(&a, &c);
    record_span(&cw, 0, SIM_MIN(120), 80);
    cw_alarm_evaluate(&a, &cw, SIM_MIN(120));
    ck_assert_int_eq(a.state, CW_ALARM);
    ck_assert_uint_eq(a.used_nr, 100);
    ck_assert_int_eq(a.used_start[0], SIM_MIN(119));
    ck_assert_int_eq(a.used_start[CW_ALARM_USED_MAX - 1], SIM_MIN(120 - CW_ALARM_USED_MAX));
    cloudwatch_release(&cw);
}

END_TEST

/*
 * Memory flat over the run's length (issue 19): over ten simulated days every series holds
 * at most retention / period + 2 datapoints, and its ring never grows past that, while the
 * newest window still reads the values recorded in it.
 */
START_TEST(test_cloudwatch_series_stay_within_retention)
{
    struct cloudwatch cw;
    struct cw_config cc = { .detailed = true };
    const sim_time retention = SIM_MIN(71);
    cloudwatch_init(&cw, &cc, retention);
    for (sim_time t = 0; t < SIM_HOUR(240); t += CW_SAMPLE_STEP) {
        double v = (double)(t / SIM_MIN(1) % 100);
        for (int m = 0; m < CW_NR; m++)
            cloudwatch_record(&cw, (enum cw_metric)m, t, v, 2);
        if (t % SIM_HOUR(7) != 0)
            continue;
        for (int m = 0; m < CW_NR; m++) {
            const struct cw_series *sr = &cw.series[m];
            size_t max = (size_t)(retention / sr->period) + 2;
            ck_assert_uint_le(cloudwatch_nr_datapoints(&cw, (enum cw_metric)m), max);
            ck_assert_uint_le(sr->alloc, max);
        }
    }
    /* a full minute, published: its mean, and the oldest minute within the retention */
    sim_time now = SIM_HOUR(240), minute = now - SIM_MIN(3);
    double v = 0;
    ck_assert(cloudwatch_stat(&cw, CW_GROUP_DESIRED, CW_AVERAGE, minute, minute + 1, now, &v));
    ck_assert_double_eq(v, (double)(minute / SIM_MIN(1) % 100));
    minute = now - SIM_MIN(70);
    ck_assert(cloudwatch_stat(&cw, CW_CPU, CW_MAXIMUM, minute, minute + 1, now, &v));
    ck_assert_double_eq(v, (double)(minute / SIM_MIN(1) % 100));
    ck_assert(!cloudwatch_stat(&cw, CW_CPU, CW_MAXIMUM, 0, SIM_HOUR(200), now, &v));
    cloudwatch_release(&cw);
}

END_TEST

/* ---- percentiles ---------------------------------------------------------------------- */

static double pct_of(const char *s)
{
    enum cw_statistic st;
    ck_assert_msg(cw_percentile_parse(s, &st), "%s refused", s);
    ck_assert(cw_stat_is_percentile(st));
    return cw_stat_percentile(st);
}

/* API_PutMetricAlarm ExtendedStatistic: "between p0.0 and p100", pattern
   p(\d{1,2}(\.\d{0,2})?|100) (the API model's). */
START_TEST(test_percentile_parse_takes_aws_forms_only)
{
    ck_assert_double_eq(pct_of("p99"), 99);
    ck_assert_double_eq(pct_of("p99.9"), 99.9);
    ck_assert_double_eq(pct_of("p99.99"), 99.99);
    ck_assert_double_eq(pct_of("p0.0"), 0);
    ck_assert_double_eq(pct_of("p0"), 0);
    ck_assert_double_eq(pct_of("p5"), 5);
    ck_assert_double_eq(pct_of("p05.5"), 5.5);
    ck_assert_double_eq(pct_of("p100"), 100);
    const char *bad[] = { "p101", "pXX",  "p",    "p99.999", "p100.0", "P99",     "p-1",
                          " p99", "p99 ", "p1e2", "p.5",     "99",     "Average", "" };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        enum cw_statistic st = CW_AVERAGE;
        ck_assert_msg(!cw_percentile_parse(bad[i], &st), "'%s' accepted", bad[i]);
    }
    for (int i = 0; i < CW_STAT_NR; i++)
        ck_assert(!cw_stat_is_percentile((enum cw_statistic)i));
}

END_TEST

/* Statistics-definitions.html names the other extended statistics; asgsim refuses them by
   kind. */
START_TEST(test_extended_kinds_are_named)
{
    ck_assert_str_eq(cw_extended_kind("tm90"), "trimmed mean");
    ck_assert_str_eq(cw_extended_kind("TM(2%:98%)"), "trimmed mean");
    ck_assert_str_eq(cw_extended_kind("IQM"), "interquartile mean");
    ck_assert_str_eq(cw_extended_kind("wm98"), "winsorized mean");
    ck_assert_str_eq(cw_extended_kind("WM(10%:90%)"), "winsorized mean");
    ck_assert_str_eq(cw_extended_kind("PR(:300)"), "percentile rank");
    ck_assert_str_eq(cw_extended_kind("tc90"), "trimmed count");
    ck_assert_str_eq(cw_extended_kind("TS(80%:)"), "trimmed sum");
    ck_assert_ptr_null(cw_extended_kind("p99"));
    ck_assert_ptr_null(cw_extended_kind("Average"));
    ck_assert_ptr_null(cw_extended_kind("tmx"));
}

END_TEST

/* percentiles-with-low-samples.html: fewer than 10/(1-p) samples for 0.5 <= p < 1 ("fewer
   than 1000 samples for an alarm on a p99 percentile"), 10/p for p < 0.5. */
START_TEST(test_low_sample_threshold_as_documented)
{
    enum cw_statistic st;
    ck_assert(cw_percentile_parse("p99", &st));
    ck_assert_double_eq_tol(cw_low_sample_threshold(st), 1000, 1e-9);
    ck_assert(cw_percentile_parse("p50", &st));
    ck_assert_double_eq_tol(cw_low_sample_threshold(st), 20, 1e-9);
    ck_assert(cw_percentile_parse("p10", &st));
    ck_assert_double_eq_tol(cw_low_sample_threshold(st), 100, 1e-9);
    ck_assert(cw_percentile_parse("p99.9", &st));
    ck_assert_double_eq_tol(cw_low_sample_threshold(st), 10000, 1e-6);
    ck_assert(cw_percentile_parse("p100", &st));
    ck_assert_double_eq(cw_low_sample_threshold(st), 0);
    ck_assert(cw_percentile_parse("p0", &st));
    ck_assert_double_eq(cw_low_sample_threshold(st), 0);
}

END_TEST

static enum cw_statistic pct(const char *s)
{
    enum cw_statistic st;
    ck_assert(cw_percentile_parse(s, &st));
    return st;
}

/* A metric without histograms: the percentile of its datapoints, each counted once per
   reporting instance (SampleCount). Five 1-minute CPU datapoints in a 5-minute period:
   10 % from 1 instance, 20 % from 3, 30 % from 1: 5 samples, so p20 (1 of 5 at or below)
   is 10, p21 to p80 are 20, above p80 30. */
START_TEST(test_percentile_of_datapoints_weighted_by_sample_count)
{
    struct cloudwatch cw;
    struct cw_config c = { .detailed = true };
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    cloudwatch_record(&cw, CW_CPU, SIM_MIN(0), 10, 1);
    cloudwatch_record(&cw, CW_CPU, SIM_MIN(1), 20, 3);
    cloudwatch_record(&cw, CW_CPU, SIM_MIN(2), 30, 1);

    static const struct {
        const char *p;
        double want;
    } cases[] = { { "p0", 10 },  { "p20", 10 },    { "p21", 20 }, { "p50", 20 },
                  { "p80", 20 }, { "p80.01", 30 }, { "p99", 30 }, { "p100", 30 } };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        double v = -1;
        ck_assert(cloudwatch_stat(&cw, CW_CPU, pct(cases[i].p), 0, SIM_MIN(5), SIM_MIN(5), &v));
        ck_assert_msg(v == cases[i].want, "%s: %g, want %g", cases[i].p, v, cases[i].want);
    }
    double v;
    ck_assert_double_eq_tol(cloudwatch_percentile_samples(&cw, CW_CPU, 0, SIM_MIN(5), SIM_MIN(5)),
                            5, 1e-12);
    /* one datapoint: every percentile is its value (alike instances report alike values) */
    ck_assert(cloudwatch_stat(&cw, CW_CPU, pct("p1"), SIM_MIN(1), SIM_MIN(2), SIM_MIN(5), &v));
    ck_assert_double_eq(v, 20);
    /* published only: at 2 min the third minute is not over */
    ck_assert(cloudwatch_stat(&cw, CW_CPU, pct("p100"), 0, SIM_MIN(5), SIM_MIN(2), &v));
    ck_assert_double_eq(v, 20);
    ck_assert(!cloudwatch_stat(&cw, CW_CPU, pct("p50"), SIM_MIN(3), SIM_MIN(5), SIM_MIN(9), &v));
    cloudwatch_release(&cw);
}

END_TEST

static struct serve_hist h_fast, h_slow, h_merged;

/* TargetResponseTime from histograms: a 2-minute period holds 1000 requests of 0.1 s in its
   first minute and 1000 of 1 s in its second (each minute from two serving intervals). Its
   p25 is 0.1 s and its p75 1 s, to within a bin (2.3 %), exactly as the quantile of the two
   histograms merged by hand; the minute alone gives its own latency. */
START_TEST(test_percentile_merges_histograms_of_the_period)
{
    h_fast = (struct serve_hist){ 0 };
    h_slow = (struct serve_hist){ 0 };
    serve_hist_add(&h_fast, 0.1, 500);
    serve_hist_add(&h_slow, 1.0, 500);
    struct cloudwatch cw;
    struct cw_config c = { 0 };
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    cloudwatch_keep_histograms(&cw, CW_TARGET_RESPONSE_TIME, SIM_MIN(10));
    cloudwatch_record_hist(&cw, CW_TARGET_RESPONSE_TIME, SIM_SEC(29), &h_fast);
    cloudwatch_record_hist(&cw, CW_TARGET_RESPONSE_TIME, SIM_SEC(59), &h_fast);
    cloudwatch_record_hist(&cw, CW_TARGET_RESPONSE_TIME, SIM_SEC(89), &h_slow);
    cloudwatch_record_hist(&cw, CW_TARGET_RESPONSE_TIME, SIM_SEC(119), &h_slow);
    h_merged = (struct serve_hist){ 0 };
    serve_hist_add(&h_merged, 0.1, 1000);
    serve_hist_add(&h_merged, 1.0, 1000);
    double v;
    ck_assert(cloudwatch_stat(&cw, CW_TARGET_RESPONSE_TIME, pct("p25"), 0, SIM_MIN(2), SIM_MIN(2),
                              &v));
    ck_assert_double_eq_tol(v, 0.1, 0.023 * 0.1);
    ck_assert_double_eq(v, serve_hist_quantile(&h_merged, 0.25));
    ck_assert(cloudwatch_stat(&cw, CW_TARGET_RESPONSE_TIME, pct("p75"), 0, SIM_MIN(2), SIM_MIN(2),
                              &v));
    ck_assert_double_eq_tol(v, 1.0, 0.023);
    ck_assert_double_eq(v, serve_hist_quantile(&h_merged, 0.75));
    ck_assert(cloudwatch_stat(&cw, CW_TARGET_RESPONSE_TIME, pct("p1"), SIM_MIN(1), SIM_MIN(2),
                              SIM_MIN(2), &v));
    ck_assert_double_eq_tol(v, 1.0, 0.023);
    ck_assert_double_eq_tol(
            cloudwatch_percentile_samples(&cw, CW_TARGET_RESPONSE_TIME, 0, SIM_MIN(2), SIM_MIN(2)),
            2000, 1e-9);
    /* not yet published, and nothing before */
    ck_assert(!cloudwatch_stat(&cw, CW_TARGET_RESPONSE_TIME, pct("p50"), SIM_MIN(1), SIM_MIN(2),
                               SIM_SEC(119), &v));
    ck_assert(!cloudwatch_stat(&cw, CW_TARGET_RESPONSE_TIME, pct("p50"), -SIM_MIN(5), 0, SIM_MIN(2),
                               &v));
    cloudwatch_release(&cw);
}

END_TEST

/* Memory is bounded by the window the histograms are kept for, not the run (a day here). */
START_TEST(test_histograms_bounded_by_window)
{
    h_slow = (struct serve_hist){ 0 };
    serve_hist_add(&h_slow, 1.0, 10);
    struct cloudwatch cw;
    struct cw_config c = { 0 };
    cloudwatch_init(&cw, &c, SIM_HOUR(1));
    cloudwatch_keep_histograms(&cw, CW_TARGET_RESPONSE_TIME, SIM_MIN(10));
    size_t max = cw.hists[CW_TARGET_RESPONSE_TIME].max;
    ck_assert_uint_le(max, 12);
    for (sim_time t = SIM_SEC(10); t <= SIM_DAY(1); t += SIM_SEC(10)) {
        cloudwatch_record_hist(&cw, CW_TARGET_RESPONSE_TIME, t - 1, &h_slow);
        ck_assert_uint_le(cw.hists[CW_TARGET_RESPONSE_TIME].nr, max);
    }
    /* the last 10 minutes are all there: 6 intervals of 10 requests a minute */
    ck_assert_double_eq_tol(cloudwatch_percentile_samples(&cw, CW_TARGET_RESPONSE_TIME,
                                                          SIM_DAY(1) - SIM_MIN(10), SIM_DAY(1),
                                                          SIM_DAY(1)),
                            600, 1e-9);
    cloudwatch_release(&cw);
}

END_TEST

/* EvaluateLowSampleCountPercentile (API_PutMetricAlarm: with `ignore` "the alarm state does
   not change during periods with too few data points"): a p99 alarm over minutes of 100
   requests (fewer than 1000) all slower than its threshold. `evaluate` goes to ALARM;
   `ignore` stays INSUFFICIENT_DATA until a minute holds 2000 requests. */
START_TEST(test_alarm_low_sample_ignore_keeps_state)
{
    for (int ignore = 0; ignore <= 1; ignore++) {
        struct cloudwatch cw;
        struct cw_config cc = { 0 };
        cloudwatch_init(&cw, &cc, SIM_HOUR(1));
        cloudwatch_keep_histograms(&cw, CW_TARGET_RESPONSE_TIME, SIM_MIN(10));
        struct cw_alarm_config c = alarm(1, 1, CW_MISSING);
        c.metric = CW_TARGET_RESPONSE_TIME;
        c.statistic = pct("p99");
        c.threshold = 0.5;
        c.low_sample_ignore = ignore;
        struct cw_alarm a;
        cw_alarm_init(&a, &c);
        h_slow = (struct serve_hist){ 0 };
        serve_hist_add(&h_slow, 1.0, 100);
        for (int m = 1; m <= 5; m++) {
            cloudwatch_record_hist(&cw, CW_TARGET_RESPONSE_TIME, SIM_MIN(m) - 1, &h_slow);
            cw_alarm_evaluate(&a, &cw, SIM_MIN(m));
        }
        ck_assert_int_eq(a.state, ignore ? CW_INSUFFICIENT_DATA : CW_ALARM);
        ck_assert_double_eq_tol(a.last_value, 1.0, 0.024); /* a bin: 10^0.01 - 1 */
        serve_hist_add(&h_slow, 1.0, 1900);
        cloudwatch_record_hist(&cw, CW_TARGET_RESPONSE_TIME, SIM_MIN(6) - 1, &h_slow);
        cw_alarm_evaluate(&a, &cw, SIM_MIN(6));
        ck_assert_int_eq(a.state, CW_ALARM);
        cloudwatch_release(&cw);
    }
}

END_TEST

Suite *cloudwatch_suite(void);

Suite *cloudwatch_suite(void)
{
    Suite *s = suite_create("cloudwatch");
    TCase *m = tcase_create("metrics");
    tcase_add_test(m, test_cloudwatch_periods_follow_monitoring);
    tcase_add_test(m, test_cloudwatch_aggregates_instances_as_aws_example);
    tcase_add_test(m, test_cloudwatch_basic_monitoring_counts_a_sample_a_minute);
    tcase_add_test(m, test_cloudwatch_target_response_time_is_per_request);
    tcase_add_test(m, test_cloudwatch_5xx_counts_responses);
    tcase_add_test(m, test_cloudwatch_publication_delay_hides_newest_datapoint);
    tcase_add_test(m, test_cloudwatch_series_stay_within_retention);
    suite_add_tcase(s, m);
    TCase *a = tcase_create("alarms");
    tcase_add_test(a, test_alarm_m_of_n_need_not_be_consecutive);
    tcase_add_test(a, test_alarm_comparison_operators_at_threshold);
    tcase_add_test(a, test_alarm_enough_real_datapoints_ignore_missing_setting);
    tcase_add_test(a, test_alarm_aws_table_3_of_3);
    tcase_add_test(a, test_alarm_aws_table_2_of_3);
    tcase_add_test(a, test_alarm_aws_earlier_table_rows);
    tcase_add_test(a, test_alarm_premature_rule_other_m_of_n);
    tcase_add_test(a, test_alarm_three_minutes_of_breach_trip_a_3_of_3_alarm);
    tcase_add_test(a, test_alarm_keeps_window_for_metric_aggregation);
    tcase_add_test(a, test_alarm_window_end_whatever_now);
    tcase_add_test(a, test_alarm_five_minute_period_slides_by_the_minute);
    tcase_add_test(a, test_alarm_one_minute_period_over_basic_monitoring);
    tcase_add_test(a, test_alarm_waits_for_publication);
    tcase_add_test(a, test_alarm_insufficient_data_at_start);
    tcase_add_test(a, test_alarm_exposes_datapoints_used);
    tcase_add_test(a, test_alarm_long_window_bounded);
    suite_add_tcase(s, a);
    TCase *p = tcase_create("percentiles");
    tcase_add_test(p, test_percentile_parse_takes_aws_forms_only);
    tcase_add_test(p, test_extended_kinds_are_named);
    tcase_add_test(p, test_low_sample_threshold_as_documented);
    tcase_add_test(p, test_percentile_of_datapoints_weighted_by_sample_count);
    tcase_add_test(p, test_percentile_merges_histograms_of_the_period);
    tcase_add_test(p, test_histograms_bounded_by_window);
    tcase_add_test(p, test_alarm_low_sample_ignore_keeps_state);
    suite_add_tcase(s, p);
    return s;
}
