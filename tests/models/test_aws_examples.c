/*
 * AWS's own worked examples, with AWS's numbers and AWS's stated outcomes (issue 15 item 9).
 * docs/aws-examples.md lists each example, its inputs, its outcome, its source and the test
 * here that pins it. Every test cites its source page; "(YYYY text)" marks an example that
 * AWS has since removed, recovered from the git history of
 * awsdocs/amazon-ec2-auto-scaling-user-guide (the page's doc_source/<name>.md).
 * Alarm examples about missing data are pinned in test_cloudwatch.c, not here.
 */
#include "run_helpers.h"

#include "asgsim/cloudwatch.h"
#include "asgsim/policy.h"
#include "asgsim/run.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- step and simple scaling: the arithmetic -------------------------------------------- */

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * ("Step adjustments", 2018-2023 text). Current and desired capacity 10, alarm threshold
 * 50 %, PercentChangeInCapacity. Scale-out steps [0, 10) 0, [10, 20) +10, [20, null) +30;
 * scale-in steps (-10, 0] 0, (-20, -10] -10, (null, -20] -30. AWS's outcomes:
 *   metric in (40, 60): unchanged;
 *   metric 60 at 10: +10 % of 10 = 1 -> 11;
 *   metric 70 at 11: +30 % of 11 = 3.3 -> 3 -> 14;
 *   metric 40 at 14: -10 % of 14 = 1.4 -> 1 -> 13;
 *   metric 30 at 13: -30 % of 13 = 3.9 -> 3 -> 10.
 */
START_TEST(test_aws_step_adjustments_example_10_instances_threshold_50)
{
    struct step_adjustment out[] = {
        { .has_lower = true, .lower = 0, .has_upper = true, .upper = 10, .adjustment = 0 },
        { .has_lower = true, .lower = 10, .has_upper = true, .upper = 20, .adjustment = 10 },
        { .has_lower = true, .lower = 20, .has_upper = false, .adjustment = 30 },
    };
    struct step_adjustment in[] = {
        { .has_lower = true, .lower = -10, .has_upper = true, .upper = 0, .adjustment = 0 },
        { .has_lower = true, .lower = -20, .has_upper = true, .upper = -10, .adjustment = -10 },
        { .has_lower = false, .has_upper = true, .upper = -20, .adjustment = -30 },
    };
    struct policy_config po = {
        .type = POLICY_STEP, .adjustment_type = ADJ_PERCENT, .steps = out, .nr_steps = 3
    };
    struct policy_config pi = {
        .type = POLICY_STEP, .adjustment_type = ADJ_PERCENT, .steps = in, .nr_steps = 3
    };
    const double threshold = 50;
    /* "maintained while the aggregated metric value is greater than 40 and less than 60" */
    for (double m = 40.5; m < 60; m += 0.5) {
        const struct step_adjustment *s =
                policy_find_step(m >= threshold ? &po : &pi, m - threshold);
        ck_assert_ptr_nonnull(s);
        ck_assert_int_eq(s->adjustment, 0);
    }
    int64_t cap = 10;
    cap += policy_adjustment(ADJ_PERCENT, policy_find_step(&po, 60 - threshold)->adjustment, 0,
                             cap);
    ck_assert_int_eq(cap, 11);
    cap += policy_adjustment(ADJ_PERCENT, policy_find_step(&po, 70 - threshold)->adjustment, 0,
                             cap);
    ck_assert_int_eq(cap, 14);
    cap += policy_adjustment(ADJ_PERCENT, policy_find_step(&pi, 40 - threshold)->adjustment, 0,
                             cap);
    ck_assert_int_eq(cap, 13);
    cap += policy_adjustment(ADJ_PERCENT, policy_find_step(&pi, 30 - threshold)->adjustment, 0,
                             cap);
    ck_assert_int_eq(cap, 10);
}

END_TEST

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * (my-step-scale-out-policy, 2023 text): alarm threshold 60 %, steps
 * MetricIntervalLowerBound=0,Upper=15 -> +10 %; 15..25 -> +20 %; 25.. -> +30 %, i.e. "+10 %
 * when the metric is >= 60 but < 75, +20 % when >= 75 but < 85, +30 % when >= 85".
 * The 2020 text of the same example: threshold 60, bounds 10/20/30, "+10 % when >= 70 but
 * < 80, +20 % when >= 80 but < 90, +30 % when >= 90" (no step matches 60..70).
 */
START_TEST(test_aws_step_cli_example_bounds)
{
    struct step_adjustment s23[] = {
        { .has_lower = true, .lower = 0, .has_upper = true, .upper = 15, .adjustment = 10 },
        { .has_lower = true, .lower = 15, .has_upper = true, .upper = 25, .adjustment = 20 },
        { .has_lower = true, .lower = 25, .has_upper = false, .adjustment = 30 },
    };
    struct policy_config p = { .type = POLICY_STEP, .steps = s23, .nr_steps = 3 };
    ck_assert_int_eq(policy_find_step(&p, 60 - 60.0)->adjustment, 10);
    ck_assert_int_eq(policy_find_step(&p, 74.99 - 60)->adjustment, 10);
    ck_assert_int_eq(policy_find_step(&p, 75 - 60.0)->adjustment, 20);
    ck_assert_int_eq(policy_find_step(&p, 84.99 - 60)->adjustment, 20);
    ck_assert_int_eq(policy_find_step(&p, 85 - 60.0)->adjustment, 30);
    ck_assert_int_eq(policy_find_step(&p, 100 - 60.0)->adjustment, 30);

    struct step_adjustment s20[] = {
        { .has_lower = true, .lower = 10, .has_upper = true, .upper = 20, .adjustment = 10 },
        { .has_lower = true, .lower = 20, .has_upper = true, .upper = 30, .adjustment = 20 },
        { .has_lower = true, .lower = 30, .has_upper = false, .adjustment = 30 },
    };
    struct policy_config q = { .type = POLICY_STEP, .steps = s20, .nr_steps = 3 };
    ck_assert_ptr_null(policy_find_step(&q, 65 - 60.0));
    ck_assert_int_eq(policy_find_step(&q, 70 - 60.0)->adjustment, 10);
    ck_assert_int_eq(policy_find_step(&q, 80 - 60.0)->adjustment, 20);
    ck_assert_int_eq(policy_find_step(&q, 90 - 60.0)->adjustment, 30);
}

END_TEST

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * ("Scaling adjustment types"): ChangeInCapacity, current 3, adjustment 5 -> 8;
 * ExactCapacity, current 3, adjustment 5 -> 5; PercentChangeInCapacity, current 10,
 * adjustment 10 % -> 11.
 */
START_TEST(test_aws_adjustment_type_examples)
{
    ck_assert_int_eq(3 + policy_adjustment(ADJ_CHANGE_IN_CAPACITY, 5, 0, 3), 8);
    ck_assert_int_eq(3 + policy_adjustment(ADJ_EXACT_CAPACITY, 5, 0, 3), 5);
    ck_assert_int_eq(10 + policy_adjustment(ADJ_PERCENT, 10, 0, 10), 11);
}

END_TEST

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * (PercentChangeInCapacity rounding): 12.7 -> 12, .67 -> 1, -.58 -> -1, -6.67 -> -6. The
 * raw values are produced here as 127 % of 10, 67 % of 1, -58 % of 1 and -23 % of 29.
 */
START_TEST(test_aws_percent_rounding_examples)
{
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 127, 0, 10), 12); /* 12.7 */
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 67, 0, 1), 1);    /* .67 */
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, -58, 0, 1), -1);  /* -.58 */
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, -23, 0, 29), -6); /* -6.67 */
}

END_TEST

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * (MinAdjustmentMagnitude): a policy adds 25 % with a minimum increment of 2; a group of 4:
 * 25 % of 4 is 1 instance, "there are 2 instances added".
 */
START_TEST(test_aws_min_adjustment_magnitude_example)
{
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 25, 0, 4), 1);
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 25, 2, 4), 2);
}

END_TEST

/* ---- target tracking ----------------------------------------------------------------------- */

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
 * (2023 text): target 50 % CPU; "adding 1.5 instances" rounds up to 2, "removing 1.5
 * instances" removes just 1. Instances and metric chosen to give exactly 1.5:
 * 3 at 75 % -> 4.5 needed (+1.5 -> +2 = 5); 4 at 31.25 % -> 2.5 needed (-1.5 -> -1 = 3).
 */
START_TEST(test_aws_target_tracking_rounds_1_5_conservatively)
{
    ck_assert_int_eq(policy_target_capacity(3, 75, 50), 5);
    ck_assert_int_eq(policy_target_capacity(4, 31.25, 50), 3);
}

END_TEST

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-using-sqs-queue.html
 * (2018-2023 text): ApproximateNumberOfMessages 1500, running capacity 10, 0.1 s per
 * message, longest acceptable latency 10 s: target = 10 / 0.1 = 100 messages per instance;
 * backlog per instance 1500 / 10 = 150, so "your fleet scales out by five instances".
 */
START_TEST(test_aws_sqs_backlog_per_instance_example)
{
    const double target = 10 / 0.1, backlog = 1500.0 / 10;
    ck_assert_double_eq_tol(target, 100, 1e-9);
    ck_assert_int_eq(policy_target_capacity(10, backlog, target) - 10, 5);
}

END_TEST

/* ---- CloudWatch alarm evaluation (no missing data) ---------------------------------------- */

/*
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * (the 3-of-3 figure): threshold 3, Evaluation Periods = Datapoints to Alarm = 3. The
 * alarm goes to ALARM when periods 3 to 5 breach, back to OK when period 6 dips below,
 * and a single breaching period 9 leaves it OK. The figure's values are not given; these
 * breach (4) or not (1, 2) exactly where the text says.
 */
START_TEST(test_aws_alarm_three_of_three_figure)
{
    struct cw_alarm_config cfg = { .metric = CW_CPU,
                                   .statistic = CW_AVERAGE,
                                   .period = SIM_MIN(1),
                                   .evaluation_periods = 3,
                                   .datapoints_to_alarm = 3,
                                   .threshold = 3,
                                   .comparison = CW_GT,
                                   .missing = CW_MISSING,
                                   .actions_enabled = true };
    const double series[] = { 1, 2, 4, 4, 4, 2, 1, 2, 4, 2 }; /* periods 1..10 */

    const enum cw_alarm_state want[] = { CW_OK, CW_OK, CW_OK, CW_OK, CW_ALARM,
                                         CW_OK, CW_OK, CW_OK, CW_OK, CW_OK };
    enum cw_alarm_state st = CW_INSUFFICIENT_DATA;
    for (size_t p = 2; p < 10; p++) { /* from period 3: three real datapoints */
        double range[5];              /* evaluation range N + 2, newest first */
        size_t nr = 0;
        for (size_t k = 0; k < 5 && k <= p; k++)
            range[nr++] = series[p - k];
        st = cw_alarm_decide(&cfg, range, nr, st);
        ck_assert_msg(st == want[p], "period %zu: state %d, want %d", p + 1, st, want[p]);
    }
}

END_TEST

/* ---- scenarios ----------------------------------------------------------------------------- */

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

/* Write `yaml` (its "@TRACE@" replaced by the name of `trace`, written as <yaml>.tsv when
   given), load it, and run it unless `load_only`. \return scenario_load()'s code. */
static int load_run(const char *name, const char *yaml, const char *trace, int load_only)
{
    char *path = test_tmp_path(name);
    char *tpath = xasprintf("%s.tsv", path);
    const char *tbase = strrchr(tpath, '/') + 1;
    if (trace) {
        FILE *t = fopen(tpath, "w");
        ck_assert_ptr_nonnull(t);
        fputs(trace, t);
        fclose(t);
    }
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    const char *mark = strstr(yaml, "@TRACE@");
    if (mark) {
        fwrite(yaml, 1, (size_t)(mark - yaml), f);
        fputs(tbase, f);
        fputs(mark + 7, f);
    } else {
        fputs(yaml, f);
    }
    fclose(f);
    int rc = scenario_load(&sc, path, NULL, &d);
    if (rc == 0 && !load_only) {
        sink = trace_mem_new();
        ck_assert_int_eq(run_scenario(&sc, NULL, sink, NULL, &d), 0);
    }
    remove(path);
    remove(tpath);
    free(path);
    free(tpath);
    return rc;
}

static int32_t desired_at(double t_s)
{
    return test_ts_i32_at(sink, "desired_capacity", t_s);
}

/* The causes of the desired-capacity changes, in order ("... from A to B."). */
static size_t changes(const char **cause, double *at, size_t max)
{
    size_t n = trace_mem_rows(sink, "/activities"), k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        const char *c = trace_mem_cell(sink, "/activities", i, "cause")->str;
        if (!strstr(c, "triggered policy"))
            continue;
        if (k && !strcmp(cause[k - 1], c))
            continue; /* one activity per instance, one cause per decision */
        at[k] = trace_mem_cell(sink, "/activities", i, "start_time_s")->f64;
        cause[k++] = c;
    }
    return k;
}

#define GROUP_HEAD                                                                                 \
    "AWSTemplateFormatVersion: '2010-09-09'\n"                                                     \
    "Metadata:\n"                                                                                  \
    "  ASGSim::Scenario:\n"                                                                        \
    "    Duration: 30m\n"                                                                          \
    "    StartTime: '2024-01-01T00:00:00Z'\n"                                                      \
    "    SampleInterval: 60s\n"                                                                    \
    "    Instances: {BootTime: 60s, CapacityRpsPerVcpu: 50}\n"

#define GROUP(min, max, desired)                                                                   \
    "Resources:\n"                                                                                 \
    "  LT:\n"                                                                                      \
    "    Type: AWS::EC2::LaunchTemplate\n"                                                         \
    "    Properties:\n"                                                                            \
    "      LaunchTemplateData: {InstanceType: c6i.large, Monitoring: {Enabled: true}}\n"           \
    "  Web:\n"                                                                                     \
    "    Type: AWS::AutoScaling::AutoScalingGroup\n"                                               \
    "    Properties:\n"                                                                            \
    "      MinSize: '" #min "'\n"                                                                  \
    "      MaxSize: '" #max "'\n"                                                                  \
    "      DesiredCapacity: '" #desired "'\n"                                                      \
    "      AvailabilityZones: [us-east-1a]\n"                                                      \
    "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n"

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * ("Instance warm-up", 2018-2022 text; the current text states the rule without numbers):
 * with the 10-instance example above, "the metric gets to 60, and then it gets to 62 while
 * the new instance is still warming up. The current capacity is still 10 instances, so 1
 * instance is added (10 percent of 10 instances). However, the desired capacity of the
 * group is already 11 instances, so the scaling policy does not increase the desired
 * capacity further. If the metric gets to 70 while the new instance is still warming up,
 * we should add 3 instances (30 percent of 10 instances). However, the desired capacity of
 * the group is already 11, so we add only 2 instances, for a new desired capacity of 13."
 *
 * As a run: 10 c6i.large (100 requests/s each, so CPU % = load / InService instances),
 * InService at 60 s, EstimatedInstanceWarmup 300 s (current capacity 10 from 360 s); a
 * 1-of-1 one-minute alarm at >= 50 %. Load 450 requests/s (45 %) until 420 s, then 600
 * (60 % of 10): the datapoint [420, 480) gives 10 -> 11 at 480 s; the 11th instance is
 * InService at 540 s and warm until 840 s. From 540 s the load is 682 (62 % of 11
 * InService): no change at 600 s; from 600 s 770 (70 %): at 660 s desired 11 -> 13.
 * After that 770 / 13 = 59 % is in the [0, 10) step (+0): desired stays 13.
 */
START_TEST(test_aws_step_warmup_aggregates_concurrent_breaches)
{
    static const char yaml[] = GROUP_HEAD "    Workload: {Kind: trace, Path: '@TRACE@'}\n" GROUP(
            1, 30,
            10) "  StepOut:\n"
                "    Type: AWS::AutoScaling::ScalingPolicy\n"
                "    Properties:\n"
                "      AutoScalingGroupName: !Ref Web\n"
                "      PolicyType: StepScaling\n"
                "      AdjustmentType: PercentChangeInCapacity\n"
                "      EstimatedInstanceWarmup: 300\n"
                "      StepAdjustments:\n"
                "        - {MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 0}\n"
                "        - {MetricIntervalLowerBound: 10, MetricIntervalUpperBound: 20, ScalingAdjustment: 10}\n"
                "        - {MetricIntervalLowerBound: 20, ScalingAdjustment: 30}\n"
                "  High:\n"
                "    Type: AWS::CloudWatch::Alarm\n"
                "    Properties:\n"
                "      Namespace: AWS/EC2\n"
                "      MetricName: CPUUtilization\n"
                "      Statistic: Average\n"
                "      Period: 60\n"
                "      EvaluationPeriods: 1\n"
                "      Threshold: 50\n"
                "      ComparisonOperator: GreaterThanOrEqualToThreshold\n"
                "      AlarmActions: [!Ref StepOut]\n";
    static const char trace[] = "0\t450\n419\t450\n420\t600\n539\t600\n540\t682\n"
                                "599\t682\n600\t770\n";
    ck_assert_int_eq(load_run("warmup-agg.yaml", yaml, trace, 0), 0);
    const char *cause[8];
    double at[8];
    size_t n = changes(cause, at, 8);
    ck_assert_uint_eq(n, 2);
    ck_assert_double_eq(at[0], 480);
    ck_assert_ptr_nonnull(strstr(cause[0], "changing the desired capacity from 10 to 11."));
    ck_assert_double_eq(at[1], 660);
    ck_assert_ptr_nonnull(strstr(cause[1], "changing the desired capacity from 11 to 13."));
    ck_assert_int_eq(desired_at(1800), 13);
}

END_TEST

/*
 * Source:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html
 * (2023 text): "a simple scaling policy for CPU utilization recommends launching two
 * instances. Amazon EC2 Auto Scaling launches two instances and then pauses the scaling
 * activities until the cooldown period ends. [...] if two instances were enough to bring
 * the metric value back down, the group remains at its current size."
 * As a run: 2 c6i.large at 250 requests/s (CPU 100 %), a 1-of-1 alarm > 70 %, +2 with
 * the default cooldown (300 s): 2 -> 4 at 120 s; 4 serve it at 62.5 %: no further change.
 */
START_TEST(test_aws_cooldown_example_two_instances_enough)
{
    static const char yaml[] = GROUP_HEAD "    Workload: {Kind: constant, Rps: 250}\n" GROUP(
            1, 10, 2) "  ScaleOut:\n"
                      "    Type: AWS::AutoScaling::ScalingPolicy\n"
                      "    Properties:\n"
                      "      AutoScalingGroupName: !Ref Web\n"
                      "      AdjustmentType: ChangeInCapacity\n"
                      "      ScalingAdjustment: 2\n"
                      "  High:\n"
                      "    Type: AWS::CloudWatch::Alarm\n"
                      "    Properties:\n"
                      "      Namespace: AWS/EC2\n"
                      "      MetricName: CPUUtilization\n"
                      "      Statistic: Average\n"
                      "      Period: 60\n"
                      "      EvaluationPeriods: 1\n"
                      "      Threshold: 70\n"
                      "      ComparisonOperator: GreaterThanThreshold\n"
                      "      AlarmActions: [!Ref ScaleOut]\n";
    ck_assert_int_eq(load_run("cooldown.yaml", yaml, NULL, 0), 0);
    const char *cause[8];
    double at[8];
    size_t n = changes(cause, at, 8);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq(at[0], 120);
    ck_assert_ptr_nonnull(strstr(cause[0], "changing the desired capacity from 2 to 4."));
    ck_assert_int_eq(desired_at(1800), 4);
}

END_TEST

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-max-instance-lifetime.html
 * (2023 text): the value must be at least 86,400 seconds (one day), 0 clears it; the
 * example config sets 2592000 seconds (30 days).
 */
START_TEST(test_aws_max_instance_lifetime_examples)
{
    static const char fmt[] = GROUP_HEAD GROUP(1, 2, 1) "      MaxInstanceLifetime: %s\n";
    static const char *const ok[] = { "86400", "2592000", "0" };
    for (size_t i = 0; i < 3; i++) {
        char *yaml = xasprintf(fmt, ok[i]);
        ck_assert_msg(load_run("lifetime.yaml", yaml, NULL, 1) == 0, "%s rejected", ok[i]);
        free(yaml);
        teardown();
    }
    char *yaml = xasprintf(fmt, "86399");
    ck_assert_int_ne(load_run("lifetime-short.yaml", yaml, NULL, 1), 0);
    free(yaml);
}

END_TEST

/*
 * Source: https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * (instance weighting, 2020-2023 text): with weights the current capacity can exceed the
 * desired capacity, and a decrement smaller than current - desired takes no scaling
 * action; AWS's example: desired 30, current 32, the policy decrements by 1: no action.
 * As a run: c6i.xlarge with WeightedCapacity 4, desired 30 units: 8 instances, 32 units.
 * At 100 requests/s CPU is 6 %, and a ChangeInCapacity -1 step on a CPU <= 30 % alarm
 * repeats every minute: min(desired 30, 32 - 1 = 31) = 30, so nothing changes, ever.
 */
START_TEST(test_aws_weighted_decrement_below_overage_does_nothing)
{
    static const char yaml[] = GROUP_HEAD
            "    Workload: {Kind: constant, Rps: 100}\n"
            "Resources:\n"
            "  LT:\n"
            "    Type: AWS::EC2::LaunchTemplate\n"
            "    Properties:\n"
            "      LaunchTemplateData: {InstanceType: c6i.xlarge, Monitoring: {Enabled: true}}\n"
            "  Web:\n"
            "    Type: AWS::AutoScaling::AutoScalingGroup\n"
            "    Properties:\n"
            "      MinSize: '1'\n"
            "      MaxSize: '60'\n"
            "      DesiredCapacity: '30'\n"
            "      AvailabilityZones: [us-east-1a]\n"
            "      MixedInstancesPolicy:\n"
            "        InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 100}\n"
            "        LaunchTemplate:\n"
            "          LaunchTemplateSpecification: {LaunchTemplateId: !Ref LT, Version: '1'}\n"
            "          Overrides: [{InstanceType: c6i.xlarge, WeightedCapacity: '4'}]\n"
            "  StepIn:\n"
            "    Type: AWS::AutoScaling::ScalingPolicy\n"
            "    Properties:\n"
            "      AutoScalingGroupName: !Ref Web\n"
            "      PolicyType: StepScaling\n"
            "      AdjustmentType: ChangeInCapacity\n"
            "      StepAdjustments: [{MetricIntervalUpperBound: 0, ScalingAdjustment: -1}]\n"
            "  Low:\n"
            "    Type: AWS::CloudWatch::Alarm\n"
            "    Properties:\n"
            "      Namespace: AWS/EC2\n"
            "      MetricName: CPUUtilization\n"
            "      Statistic: Average\n"
            "      Period: 60\n"
            "      EvaluationPeriods: 1\n"
            "      Threshold: 30\n"
            "      ComparisonOperator: LessThanOrEqualToThreshold\n"
            "      AlarmActions: [!Ref StepIn]\n";
    ck_assert_int_eq(load_run("weighted-overage.yaml", yaml, NULL, 0), 0);
    size_t rows = trace_mem_rows(sink, "/timeseries");
    for (size_t i = 1; i < rows; i++) {
        ck_assert_int_eq(trace_mem_cell(sink, "/timeseries", i, "desired_capacity")->i32, 30);
        ck_assert_int_eq(trace_mem_cell(sink, "/timeseries", i, "pending")->i32 +
                                 trace_mem_cell(sink, "/timeseries", i, "in_service")->i32,
                         8);
    }
    /* the alarm invoked the policy, and each invocation computed 30 and changed nothing */
    size_t nd = trace_mem_rows(sink, "/decisions");
    ck_assert_uint_ge(nd, 20);
    for (size_t i = 0; i < nd; i++) {
        ck_assert_int_eq(trace_mem_cell(sink, "/decisions", i, "result")->i64, 30);
        ck_assert_int_eq(trace_mem_cell(sink, "/decisions", i, "desired_after")->i64, 30);
    }
}

END_TEST

Suite *aws_examples_suite(void);

Suite *aws_examples_suite(void)
{
    Suite *s = suite_create("aws_examples");
    TCase *t = tcase_create("arithmetic");
    tcase_add_test(t, test_aws_step_adjustments_example_10_instances_threshold_50);
    tcase_add_test(t, test_aws_step_cli_example_bounds);
    tcase_add_test(t, test_aws_adjustment_type_examples);
    tcase_add_test(t, test_aws_percent_rounding_examples);
    tcase_add_test(t, test_aws_min_adjustment_magnitude_example);
    tcase_add_test(t, test_aws_target_tracking_rounds_1_5_conservatively);
    tcase_add_test(t, test_aws_sqs_backlog_per_instance_example);
    tcase_add_test(t, test_aws_alarm_three_of_three_figure);
    suite_add_tcase(s, t);
    TCase *r = tcase_create("runs");
    tcase_add_checked_fixture(r, NULL, teardown);
    tcase_add_test(r, test_aws_step_warmup_aggregates_concurrent_breaches);
    tcase_add_test(r, test_aws_cooldown_example_two_instances_enough);
    tcase_add_test(r, test_aws_max_instance_lifetime_examples);
    tcase_add_test(r, test_aws_weighted_decrement_below_overage_does_nothing);
    suite_add_tcase(s, r);
    return s;
}
