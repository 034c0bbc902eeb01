/*
 * Predictive scaling at run time (issue 21 items 1, 2 and 4; aws-behaviour.md 4.5, sources
 * ec2-auto-scaling-predictive-scaling.html and API_PredictiveScalingConfiguration.html).
 *
 * Conventions: c6i.large (2 vCPUs) at CapacityRpsPerVcpu 50, so 100 requests/s per instance
 * at 100 % CPU and 50 at the target of 50 % (ASGCPUUtilization), fluid fidelity, 60 s
 * samples, StartTime a Monday 00:00 UTC.
 */
#include "run_helpers.h"

#include "asgsim/policy.h"
#include "asgsim/run.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct diag_list d;
static struct scenario sc;
static struct trace_sink *sink;

static void teardown(void)
{
    if (sink)
        trace_sink_free(sink);
    sink = NULL;
    scenario_release(&sc);
    diag_list_release(&d);
}

#define DIURNAL "{Kind: diurnal, BaseRps: 600, Amplitude: 0.6, PeakHourUtc: 15}"

/* A scenario: settings, the group, then `resources` (policies) verbatim. */
static void run_yaml(const char *name, const char *settings, int min, int max, int desired,
                     const char *resources)
{
    char *yaml =
            xasprintf("AWSTemplateFormatVersion: '2010-09-09'\n"
                      "Metadata:\n"
                      "  ASGSim::Scenario:\n"
                      "    Seed: 7\n"
                      "    StartTime: '2024-01-01T00:00:00Z'\n"
                      "    SampleInterval: 60s\n"
                      "    Fidelity: fluid\n"
                      "    QueueLimit: 500\n"
                      "    Instances:\n"
                      "      BootTime: {Distribution: constant, Value: 120s}\n"
                      "      CapacityRpsPerVcpu: 50\n"
                      "    CloudWatch: {PublicationDelay: 60s, NetworkInBytesPerRequest: 2000,\n"
                      "                 NetworkOutBytesPerRequest: 20000}\n"
                      "%s"
                      "Resources:\n"
                      "  LT:\n"
                      "    Type: AWS::EC2::LaunchTemplate\n"
                      "    Properties:\n"
                      "      LaunchTemplateData:\n"
                      "        InstanceType: c6i.large\n"
                      "        ImageId: ami-0123456789abcdef0\n"
                      "        Monitoring: {Enabled: true}\n"
                      "  ASG:\n"
                      "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                      "    Properties:\n"
                      "      MinSize: '%d'\n"
                      "      MaxSize: '%d'\n"
                      "      DesiredCapacity: '%d'\n"
                      "      DefaultInstanceWarmup: 120\n"
                      "      AvailabilityZones: [us-east-1a, us-east-1b]\n"
                      "      LaunchTemplate:\n"
                      "        LaunchTemplateId: !Ref LT\n"
                      "        Version: !GetAtt LT.LatestVersionNumber\n"
                      "%s",
                      settings, min, max, desired, resources);
    test_run_text(name, yaml, &sc, &d, &sink);
    free(yaml);
}

static const char *predictive(const char *mode, const char *extra)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf),
             "  Predictive:\n"
             "    Type: AWS::AutoScaling::ScalingPolicy\n"
             "    Properties:\n"
             "      AutoScalingGroupName: !Ref ASG\n"
             "      PolicyType: PredictiveScaling\n"
             "      PredictiveScalingConfiguration:\n"
             "        Mode: %s\n"
             "%s"
             "        MetricSpecifications:\n"
             "          - TargetValue: 50\n"
             "            PredefinedMetricPairSpecification:\n"
             "              PredefinedMetricType: ASGCPUUtilization\n",
             mode, extra);
    return buf;
}

static const char target_tracking[] = "  TT:\n"
                                      "    Type: AWS::AutoScaling::ScalingPolicy\n"
                                      "    Properties:\n"
                                      "      AutoScalingGroupName: !Ref ASG\n"
                                      "      PolicyType: TargetTrackingScaling\n"
                                      "      TargetTrackingConfiguration:\n"
                                      "        TargetValue: 50\n"
                                      "        PredefinedMetricSpecification:\n"
                                      "          PredefinedMetricType: ASGAverageCPUUtilization\n";

static size_t rows(const char *table)
{
    return trace_mem_rows(sink, table);
}

static const union trace_value *cell(const char *table, size_t row, const char *col)
{
    return trace_mem_cell(sink, table, row, col);
}

static const char *reason(size_t row)
{
    return decision_reason_names[cell("/decisions", row, "reason")->i32];
}

static bool is_predictive(size_t row)
{
    return !strcmp(cell("/decisions", row, "kind")->str, "PredictiveScaling");
}

/*
 * Issue 21 item 1: forecast capacity is the capacity that holds the scaling metric at
 * TargetValue, so a flat load forecasts the capacity target tracking settles at: 730
 * requests/s at 50 requests/s per instance -> ceil(14.6) = 15. ForecastOnly: the decision
 * rows say so and do not act; target tracking alone takes the group from 4 to 15.
 */
START_TEST(test_predictive_flat_load_forecasts_target_tracking_capacity)
{
    char *res = xasprintf("%s%s", target_tracking, predictive("ForecastOnly", ""));
    run_yaml("pred-flat.yaml",
             "    Duration: 6h\n    Predictive: {History: 2d}\n"
             "    Workload: {Kind: constant, Rps: 730}\n",
             2, 40, 4, res);
    free(res);
    size_t n = rows("/timeseries");
    for (size_t i = 0; i < n; i++) {
        ck_assert_double_eq_tol(cell("/timeseries", i, "forecast_load_rps")->f64, 730, 1e-6);
        ck_assert_double_eq(cell("/timeseries", i, "forecast_capacity")->f64, 15);
    }
    ck_assert_int_eq(cell("/timeseries", n - 1, "desired_capacity")->i32, 15);
    size_t nd = rows("/decisions"), seen = 0;
    for (size_t i = 0; i < nd; i++) {
        if (!is_predictive(i))
            continue;
        seen++;
        ck_assert_int_eq(cell("/decisions", i, "result")->i64, 15);
        ck_assert_str_eq(reason(i), "no-change");
        ck_assert_ptr_nonnull(strstr(cell("/decisions", i, "formula")->str, "ForecastOnly"));
        ck_assert_ptr_nonnull(strstr(cell("/decisions", i, "metric_values")->str, "issued_s=0"));
    }
    ck_assert_uint_eq(seen, 7); /* one per hour, the last at 5h55 for the hour at 6h */
    ck_assert_uint_eq((uint64_t)trace_mem_scalar(sink, "/summary/forecast_hours"), 6);
    /* no load a week back: no seasonal-naive forecast to compare with */
    ck_assert_uint_eq((uint64_t)trace_mem_scalar(sink, "/summary/seasonal_naive_hours"), 0);
    ck_assert_double_eq_tol(trace_mem_scalar(sink, "/summary/forecast_mape_pct"), 0, 1e-6);
}

END_TEST

/*
 * The same rule for every metric asgsim produces, each against target tracking on the
 * matching predefined metric at a target that puts 50 requests/s on an instance (NetworkIn:
 * 50 x 2000 bytes x 60 s per 1-minute period; NetworkOut: 20000 bytes; RequestCountPerTarget:
 * 50 x 60 a minute), through the metric pair and through customized load and scaling metrics.
 */
static const struct {
    const char *tt_metric, *spec;
    double target;
} metric_cases[] = {
    { "ASGAverageNetworkIn",
      "            PredefinedMetricPairSpecification: {PredefinedMetricType: ASGNetworkIn}\n",
      6e6 },
    { "ASGAverageNetworkOut",
      "            PredefinedLoadMetricSpecification:\n"
      "              PredefinedMetricType: ASGTotalNetworkOut\n"
      "            PredefinedScalingMetricSpecification:\n"
      "              PredefinedMetricType: ASGAverageNetworkOut\n",
      6e7 },
    { "ALBRequestCountPerTarget",
      "            PredefinedMetricPairSpecification:\n"
      "              PredefinedMetricType: ALBRequestCount\n"
      "              ResourceLabel: app/lb/1/targetgroup/tg/2\n",
      3000 },
    { "ASGAverageCPUUtilization",
      "            CustomizedLoadMetricSpecification:\n"
      "              MetricDataQueries:\n"
      "                - Id: load\n"
      "                  MetricStat:\n"
      "                    Metric: {Namespace: AWS/EC2, MetricName: CPUUtilization}\n"
      "                    Stat: Sum\n"
      "            CustomizedScalingMetricSpecification:\n"
      "              MetricDataQueries:\n"
      "                - Id: scaling\n"
      "                  MetricStat:\n"
      "                    Metric: {Namespace: AWS/EC2, MetricName: CPUUtilization}\n"
      "                    Stat: Average\n"
      "            CustomizedCapacityMetricSpecification:\n"
      "              MetricDataQueries:\n"
      "                - Id: capacity\n"
      "                  MetricStat:\n"
      "                    Metric: {Namespace: AWS/AutoScaling, MetricName: "
      "GroupInServiceInstances}\n"
      "                    Stat: Average\n",
      50 },
};

START_TEST(test_predictive_flat_load_every_metric)
{
    char *res = xasprintf("  TT:\n"
                          "    Type: AWS::AutoScaling::ScalingPolicy\n"
                          "    Properties:\n"
                          "      AutoScalingGroupName: !Ref ASG\n"
                          "      PolicyType: TargetTrackingScaling\n"
                          "      TargetTrackingConfiguration:\n"
                          "        TargetValue: %.17g\n"
                          "        PredefinedMetricSpecification:\n"
                          "          PredefinedMetricType: %s\n"
                          "          ResourceLabel: app/lb/1/targetgroup/tg/2\n"
                          "  Predictive:\n"
                          "    Type: AWS::AutoScaling::ScalingPolicy\n"
                          "    Properties:\n"
                          "      AutoScalingGroupName: !Ref ASG\n"
                          "      PolicyType: PredictiveScaling\n"
                          "      PredictiveScalingConfiguration:\n"
                          "        MetricSpecifications:\n"
                          "          - TargetValue: %.17g\n"
                          "%s",
                          metric_cases[_i].target, metric_cases[_i].tt_metric,
                          metric_cases[_i].target, metric_cases[_i].spec);
    /* PredefinedMetricSpecification takes a ResourceLabel only for the ALB metric */
    if (strcmp(metric_cases[_i].tt_metric, "ALBRequestCountPerTarget")) {
        char *at = strstr(res, "          ResourceLabel");
        memmove(at, strchr(at, '\n') + 1, strlen(strchr(at, '\n') + 1) + 1);
    }
    run_yaml("pred-metric.yaml",
             "    Duration: 6h\n    Predictive: {History: 2d}\n"
             "    Workload: {Kind: constant, Rps: 730}\n",
             2, 40, 4, res);
    free(res);
    size_t n = rows("/timeseries");
    ck_assert_int_eq(cell("/timeseries", n - 1, "desired_capacity")->i32, 15);
    ck_assert_double_eq(cell("/timeseries", n - 1, "forecast_capacity")->f64, 15);
    /* no Mode: ForecastOnly, AWS's default */
    size_t nd = rows("/decisions");
    for (size_t i = 0; i < nd; i++)
        if (is_predictive(i))
            ck_assert_ptr_nonnull(strstr(cell("/decisions", i, "formula")->str, "ForecastOnly"));
}

END_TEST

/*
 * ForecastAndScale alone on a daily curve: every scale-out happens SchedulingBufferTime (600
 * s) before an hour (or at StartTime), to the forecast capacity of that hour; desired never
 * goes down (no scale-in, ever), and from each action on it is at least the forecast
 * capacity within MinSize and MaxSize.
 */
START_TEST(test_predictive_scales_out_early_never_in)
{
    run_yaml("pred-scale.yaml",
             "    Duration: 1d\n    Predictive: {History: 3d}\n    Workload: " DIURNAL "\n", 2, 40,
             2, predictive("ForecastAndScale", "        SchedulingBufferTime: 600\n"));
    size_t nd = rows("/decisions"), changes = 0;
    for (size_t i = 0; i < nd; i++) {
        ck_assert(is_predictive(i));
        double t = cell("/decisions", i, "time_s")->f64;
        ck_assert(t == 0 || fmod(t, 3600) == 3000);
        if (!strcmp(reason(i), "changed")) {
            changes++;
            ck_assert_int_eq(cell("/decisions", i, "desired_after")->i64,
                             cell("/decisions", i, "result")->i64);
        }
    }
    ck_assert_uint_gt(changes, 5);
    size_t n = rows("/timeseries");
    int32_t last = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t desired = cell("/timeseries", i, "desired_capacity")->i32;
        ck_assert_int_ge(desired, last);
        last = desired;
        double cap = cell("/timeseries", i, "forecast_capacity")->f64;
        ck_assert(!isnan(cap));
        ck_assert_double_ge((double)desired, cap > 40 ? 40 : cap);
    }
}

END_TEST

/*
 * AWS: no forecast before 24 hours of history; then one at each 6-hour refresh. Without
 * History, a run starting at Monday 00:00 has its first forecast at 24h; the action for hour
 * 24 ran 300 s before it, so the forecast is in force from 25h - 300 s.
 */
START_TEST(test_predictive_no_forecast_before_24_hours)
{
    run_yaml("pred-24h.yaml", "    Duration: 30h\n    Workload: " DIURNAL "\n", 2, 40, 10,
             predictive("ForecastOnly", ""));
    size_t n = rows("/timeseries");
    for (size_t i = 0; i < n; i++) {
        double t = cell("/timeseries", i, "time_s")->f64;
        double f = cell("/timeseries", i, "forecast_load_rps")->f64;
        if (t < 25 * 3600 - 300)
            ck_assert_msg(isnan(f), "forecast at %.0f s", t);
        else
            ck_assert_msg(!isnan(f), "no forecast at %.0f s", t);
    }
    size_t nd = rows("/decisions");
    ck_assert_str_eq(reason(0), "no-data");
    ck_assert_str_eq(reason(nd - 1), "no-change");
}

END_TEST

/* HonorMaxCapacity (the default): the forecast of 15 stops at MaxSize 10 (at-max-size). */
START_TEST(test_predictive_honors_max)
{
    run_yaml("pred-max.yaml",
             "    Duration: 3h\n    Predictive: {History: 1d}\n"
             "    Workload: {Kind: constant, Rps: 730}\n",
             2, 10, 4, predictive("ForecastAndScale", ""));
    ck_assert_str_eq(reason(0), "changed");
    ck_assert_int_eq(cell("/decisions", 0, "desired_after")->i64, 10);
    ck_assert_str_eq(reason(1), "at-max-size");
    size_t n = rows("/timeseries");
    ck_assert_int_eq(cell("/timeseries", n - 1, "max_size")->i32, 10);
    ck_assert_int_eq(cell("/timeseries", n - 1, "desired_capacity")->i32, 10);
}

END_TEST

/*
 * IncreaseMaxCapacity with MaxCapacityBuffer 10: AWS's example, "if the forecast capacity is
 * 50, and the maximum capacity is 40, then the effective maximum capacity is 55"
 * (API_PredictiveScalingConfiguration). Here the forecast is 15 and MaxSize 10: MaxSize
 * becomes ceil(16.5) = 17, desired 15, and MaxSize stays raised ("not reduced
 * automatically") after the load falls to nothing.
 */
START_TEST(test_predictive_increases_max_and_keeps_it)
{
    run_yaml("pred-incmax.yaml",
             "    Duration: 30h\n    Predictive: {History: 1d}\n"
             "    Workload: {Kind: step, FromRps: 730, ToRps: 0, At: 20h}\n",
             2, 10, 4,
             predictive("ForecastAndScale",
                        "        MaxCapacityBreachBehavior: IncreaseMaxCapacity\n"
                        "        MaxCapacityBuffer: 10\n"));
    ck_assert_str_eq(reason(0), "changed");
    ck_assert_int_eq(cell("/decisions", 0, "desired_after")->i64, 15);
    ck_assert_ptr_nonnull(strstr(cell("/decisions", 0, "formula")->str, "MaxSize raised to 17"));
    size_t n = rows("/timeseries");
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(cell("/timeseries", i, "max_size")->i32, 17);
}

END_TEST

/*
 * With dynamic scaling the group takes the larger capacity (ec2-auto-scaling-predictive-
 * scaling). On a daily curve, desired is never below the forecast capacity in force.
 */
START_TEST(test_predictive_with_target_tracking_keeps_forecast_capacity)
{
    char *res = xasprintf("%s%s", target_tracking, predictive("ForecastAndScale", ""));
    run_yaml("pred-tt.yaml",
             "    Duration: 2d\n    Predictive: {History: 3d}\n    Workload: " DIURNAL "\n", 2, 40,
             2, res);
    free(res);
    size_t n = rows("/timeseries");
    for (size_t i = 0; i < n; i++) {
        double cap = cell("/timeseries", i, "forecast_capacity")->f64;
        int32_t desired = cell("/timeseries", i, "desired_capacity")->i32;
        ck_assert_msg(desired >= (cap < 2 ? 2 : cap), "at %.0f s desired %d < forecast %.0f",
                      cell("/timeseries", i, "time_s")->f64, desired, cap);
    }
}

END_TEST

/*
 * The same rule when target tracking wants less: the load falls from 730 to 200 requests/s
 * at 1h, the forecast (of 730, from the day before) still says 15, so target tracking's
 * scale-in stops at 15 and its decision says why.
 */
START_TEST(test_predictive_floors_target_tracking_scale_in)
{
    char *res = xasprintf("%s%s", target_tracking, predictive("ForecastAndScale", ""));
    run_yaml("pred-floor.yaml",
             "    Duration: 4h\n    Predictive: {History: 1d}\n"
             "    Workload: {Kind: step, FromRps: 730, ToRps: 200, At: 1h}\n",
             2, 40, 15, res);
    free(res);
    size_t n = rows("/timeseries");
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(cell("/timeseries", i, "desired_capacity")->i32, 15);
    size_t nd = rows("/decisions"), floored = 0;
    for (size_t i = 0; i < nd; i++)
        if (strstr(cell("/decisions", i, "formula")->str,
                   "predictive scaling's forecast capacity is 15")) {
            floored++;
            ck_assert_str_eq(reason(i), "another-policy-wants-more");
        }
    ck_assert_uint_gt(floored, 0);
}

END_TEST

/*
 * A scheduled action's higher minimum overrides the forecast
 * (predictive-scaling-overriding-forecast-capacity): MinSize 30 at 02:00 takes the group to
 * 30 although the forecast says 15, and the next predictive actions leave it there.
 */
START_TEST(test_predictive_scheduled_min_overrides_forecast)
{
    char *res = xasprintf("%s"
                          "  Raise:\n"
                          "    Type: AWS::AutoScaling::ScheduledAction\n"
                          "    Properties:\n"
                          "      AutoScalingGroupName: !Ref ASG\n"
                          "      StartTime: '2024-01-01T02:00:00Z'\n"
                          "      MinSize: 30\n",
                          predictive("ForecastAndScale", ""));
    run_yaml("pred-sched.yaml",
             "    Duration: 4h\n    Predictive: {History: 1d}\n"
             "    Workload: {Kind: constant, Rps: 730}\n",
             2, 40, 4, res);
    free(res);
    size_t n = rows("/timeseries");
    ck_assert_int_eq(cell("/timeseries", n - 1, "desired_capacity")->i32, 30);
    size_t nd = rows("/decisions");
    ck_assert(is_predictive(nd - 1));
    ck_assert_str_eq(reason(nd - 1), "no-change");
    ck_assert_int_eq(cell("/decisions", nd - 1, "result")->i64, 15);
}

END_TEST

/*
 * Issue 21 item 2: a trace's earlier part is history. Trace rows every hour for 3 days (a
 * daily wave on a slow rise), Offset 2d and History 2d: the forecast exists at time 0, made
 * from the trace's first two days, and the run scores it.
 */
/*
 * Issue 19: the predictor keeps only the hours forecasts read, and scores hours as they
 * end. Over 60 days (hours dropped from the history many times) every hour is still
 * scored, against the forecast and, from a week after the history's start, the
 * seasonal-naive one: 1,440 and 1,440 - (168 - 48) hours, a flat load forecast exactly.
 */
START_TEST(test_predictive_long_run_scores_every_hour)
{
    run_yaml("pred-long.yaml",
             "    Duration: 60d\n    Predictive: {History: 2d}\n"
             "    Workload: {Kind: constant, Rps: 730}\n",
             2, 40, 15, predictive("ForecastOnly", ""));
    ck_assert_uint_eq((uint64_t)trace_mem_scalar(sink, "/summary/forecast_hours"), 1440);
    ck_assert_uint_eq((uint64_t)trace_mem_scalar(sink, "/summary/seasonal_naive_hours"), 1320);
    ck_assert_double_eq_tol(trace_mem_scalar(sink, "/summary/forecast_mape_pct"), 0, 1e-6);
    ck_assert_double_eq_tol(trace_mem_scalar(sink, "/summary/seasonal_naive_mape_pct"), 0, 1e-6);
}

END_TEST

START_TEST(test_predictive_trace_offset_is_history)
{
    char *trace = test_tmp_path("pred-trace.tsv");
    FILE *f = fopen(trace, "w");
    ck_assert_ptr_nonnull(f);
    for (int h = 0; h <= 72; h++)
        fprintf(f, "%d\t%.3f\n", h * 3600, 400 + h + 200 * sin(2 * 3.14159265358979 * h / 24));
    fclose(f);
    char *settings = xasprintf("    Duration: 1d\n    Predictive: {History: 2d}\n"
                               "    Workload: {Kind: trace, Path: '%s', Offset: 2d}\n",
                               trace);
    run_yaml("pred-trace.yaml", settings, 2, 40, 8, predictive("ForecastOnly", ""));
    free(settings);
    remove(trace);
    free(trace);
    /* the history is the trace's hours 0-47 (without Offset it would be the first row, 400,
       48 times over, and so would the forecast) */
    ck_assert_double_gt(cell("/timeseries", 0, "forecast_load_rps")->f64, 420);
    /* time 0 replays trace hour 48: 400 + 48 + 200 sin(4 pi) = 448 */
    ck_assert_double_eq_tol(cell("/timeseries", 0, "load_rps")->f64, 448, 1e-2);
    ck_assert_uint_eq((uint64_t)trace_mem_scalar(sink, "/summary/forecast_hours"), 24);
    ck_assert_uint_eq((uint64_t)trace_mem_scalar(sink, "/summary/seasonal_naive_hours"), 0);
    /* under 10 %: with under 72 hours of history the model has no trend term yet, and the
       trace grows by 1 request/s an hour */
    ck_assert_double_lt(trace_mem_scalar(sink, "/summary/forecast_mape_pct"), 10);
}

END_TEST

Suite *predictive_suite(void);

Suite *predictive_suite(void)
{
    Suite *s = suite_create("predictive");
    TCase *t = tcase_create("predictive");
    tcase_add_checked_fixture(t, NULL, teardown);
    tcase_add_test(t, test_predictive_flat_load_forecasts_target_tracking_capacity);
    tcase_add_loop_test(t, test_predictive_flat_load_every_metric, 0, ARRAY_SIZE(metric_cases));
    tcase_add_test(t, test_predictive_scales_out_early_never_in);
    tcase_add_test(t, test_predictive_no_forecast_before_24_hours);
    tcase_add_test(t, test_predictive_honors_max);
    tcase_add_test(t, test_predictive_increases_max_and_keeps_it);
    tcase_add_test(t, test_predictive_with_target_tracking_keeps_forecast_capacity);
    tcase_add_test(t, test_predictive_floors_target_tracking_scale_in);
    tcase_add_test(t, test_predictive_scheduled_min_overrides_forecast);
    tcase_add_test(t, test_predictive_trace_offset_is_history);
    tcase_add_test(t, test_predictive_long_run_scores_every_hour);
    suite_add_tcase(s, t);
    return s;
}
