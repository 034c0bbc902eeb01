/*
 * Whole runs with scaling: simple scaling and its cooldown, step scaling with warm-up,
 * target tracking (proportional scale-out, conservative scale-in, DisableScaleIn, several
 * policies combined) and a scheduled action in a time zone, each checked against the
 * times and capacities AWS's rules give. Every scenario: c6i.large (2 vCPUs) serving
 * 50 requests/s per vCPU, boot 60 s, detailed monitoring, no publication delay.
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

#define HEAD                                                                                       \
    "AWSTemplateFormatVersion: '2010-09-09'\n"                                                     \
    "Metadata:\n"                                                                                  \
    "  ASGSim::Scenario:\n"                                                                        \
    "    Duration: %s\n"                                                                           \
    "    StartTime: '%s'\n"                                                                        \
    "    SampleInterval: 60s\n"                                                                    \
    "    Workload: {Kind: constant, Rps: %d}\n"                                                    \
    "    Instances: {BootTime: 60s, CapacityRpsPerVcpu: 50}\n"                                     \
    "Resources:\n"                                                                                 \
    "  LT:\n"                                                                                      \
    "    Type: AWS::EC2::LaunchTemplate\n"                                                         \
    "    Properties:\n"                                                                            \
    "      LaunchTemplateData: {InstanceType: c6i.large, Monitoring: {Enabled: true}}\n"           \
    "  Web:\n"                                                                                     \
    "    Type: AWS::AutoScaling::AutoScalingGroup\n"                                               \
    "    Properties:\n"                                                                            \
    "      MinSize: '%d'\n"                                                                        \
    "      MaxSize: '10'\n"                                                                        \
    "      DesiredCapacity: '%d'\n"                                                                \
    "      AvailabilityZones: [us-east-1a]\n"                                                      \
    "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n"

/* Load the scenario made of `head` and `resources`, run it into the memory sink. */
static void run(const char *name, const char *duration, const char *start, int rps, int min,
                int desired, const char *resources)
{
    char *text = xasprintf(HEAD "%s", duration, start, rps, min, desired, resources);
    test_run_text(name, text, &sc, &d, &sink);
    free(text);
}

/* Run a scenario whose resources (launch template, group, policies) are all in `resources`. */
static void run_template(const char *name, const char *duration, int rps, const char *resources)
{
    char *text = xasprintf("AWSTemplateFormatVersion: '2010-09-09'\n"
                           "Metadata:\n"
                           "  ASGSim::Scenario:\n"
                           "    Duration: %s\n"
                           "    StartTime: '2024-01-01T00:00:00Z'\n"
                           "    SampleInterval: 60s\n"
                           "    Workload: {Kind: constant, Rps: %d}\n"
                           "    Instances: {BootTime: 60s, CapacityRpsPerVcpu: 50}\n"
                           "Resources:\n%s",
                           duration, rps, resources);
    test_run_text(name, text, &sc, &d, &sink);
    free(text);
}

static void teardown(void)
{
    if (sink)
        trace_sink_free(sink);
    sink = NULL;
    scenario_release(&sc);
    diag_list_release(&d);
}

static int32_t desired_at(double t_s)
{
    return test_ts_i32_at(sink, "desired_capacity", t_s);
}

/* Start times of the launch activities after creation, and their causes. */
static size_t launches(double *at, const char **cause, size_t max)
{
    size_t n = trace_mem_rows(sink, "/activities"), k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        const char *c = trace_mem_cell(sink, "/activities", i, "cause")->str;
        const char *what = trace_mem_cell(sink, "/activities", i, "description")->str;
        if (strstr(c, "created an AutoScalingGroup") || strncmp(what, "Launching", 9))
            continue;
        double t = trace_mem_cell(sink, "/activities", i, "start_time_s")->f64;
        bool seen = false; /* one activity per instance; one per scaling decision here */
        for (size_t j = 0; j < k && !seen; j++)
            seen = !strcmp(cause[j], c);
        if (seen)
            continue;
        at[k] = t;
        cause[k++] = c;
    }
    return k;
}

/* /decisions rows whose reason is `name` (decision_reason_names). */
static size_t decisions_with(const char *name)
{
    size_t n = trace_mem_rows(sink, "/decisions"), k = 0;
    for (size_t i = 0; i < n; i++)
        k += !strcmp(decision_reason_names[trace_mem_cell(sink, "/decisions", i, "reason")->i32],
                     name);
    return k;
}

static const char *const simple_policy =
        "  ScaleOut:\n"
        "    Type: AWS::AutoScaling::ScalingPolicy\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref Web\n"
        "      AdjustmentType: ChangeInCapacity\n"
        "      ScalingAdjustment: 1\n"
        "      Cooldown: '300'\n"
        "  HighCpu:\n"
        "    Type: AWS::CloudWatch::Alarm\n"
        "    Properties:\n"
        "      Namespace: AWS/EC2\n"
        "      MetricName: CPUUtilization\n"
        "      Dimensions: [{Name: AutoScalingGroupName, Value: !Ref Web}]\n"
        "      Statistic: Average\n"
        "      Period: 60\n"
        "      EvaluationPeriods: 1\n"
        "      Threshold: 70\n"
        "      ComparisonOperator: GreaterThanThreshold\n"
        "      AlarmActions: [!Ref ScaleOut]\n";

/*
 * 400 requests/s on 2 instances (200 requests/s of capacity): CPU 100 %. The first
 * datapoint [60 s, 120 s) trips the 1-of-1 alarm at 120 s: 2 -> 3. The new instance is
 * InService at 180 s, the 300 s cooldown runs to 480 s (ec2-auto-scaling-scaling-cooldowns:
 * it starts when the activity ends), although the alarm repeats its action every minute.
 * At 6 instances CPU is 66.7 % < 70: no more.
 */
START_TEST(test_policy_simple_scaling_waits_for_activity_and_cooldown)
{
    run("simple.yaml", "40m", "2024-01-01T00:00:00Z", 400, 1, 2, simple_policy);
    double at[16];
    const char *cause[16];
    size_t n = launches(at, cause, 16);
    ck_assert_uint_eq(n, 4);
    ck_assert_double_eq(at[0], 120);
    ck_assert_double_eq(at[1], 480);
    ck_assert_double_eq(at[2], 840);
    ck_assert_double_eq(at[3], 1200);
    ck_assert_ptr_nonnull(strstr(cause[0], "At 2024-01-01T00:02:00Z a monitor alarm HighCpu in "
                                           "state ALARM triggered policy ScaleOut changing the "
                                           "desired capacity from 2 to 3."));
    ck_assert_int_eq(desired_at(2400), 6);
    ck_assert_double_eq(trace_mem_scalar(sink, "/summary/policy_capacity_changes"), 4);
    /* the decision log shows every repeat the policy declined, and why */
    ck_assert_uint_eq(decisions_with("changed"), 4);
    /* (the 60 s boots end at the next minute: no repeat finds the activity in progress) */
    ck_assert_uint_ge(decisions_with("cooldown"), 4 * 4); /* 300 s cooldowns, 1 repeat a minute */
    ck_assert_double_eq(trace_mem_scalar(sink, "/summary/policy_invocations"),
                        (double)trace_mem_rows(sink, "/decisions"));
}

END_TEST

static const char *const step_policy =
        "  StepOut:\n"
        "    Type: AWS::AutoScaling::ScalingPolicy\n"
        "    Properties:\n"
        "      AutoScalingGroupName: Web\n"
        "      PolicyType: StepScaling\n"
        "      AdjustmentType: ChangeInCapacity\n"
        "      EstimatedInstanceWarmup: 300\n"
        "      StepAdjustments:\n"
        "        - {MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1}\n"
        "        - {MetricIntervalLowerBound: 20, ScalingAdjustment: 3}\n"
        "  HighCpu:\n"
        "    Type: AWS::CloudWatch::Alarm\n"
        "    Properties:\n"
        "      Namespace: AWS/EC2\n"
        "      MetricName: CPUUtilization\n"
        "      Statistic: Average\n"
        "      Period: 60\n"
        "      EvaluationPeriods: 1\n"
        "      Threshold: 60\n"
        "      ComparisonOperator: GreaterThanOrEqualToThreshold\n"
        "      TreatMissingData: breaching\n"
        "      AlarmActions: [!Ref StepOut]\n";

/*
 * 400 requests/s on 2 instances: CPU 100 %, 40 above the threshold of 60: the [20, inf)
 * step, +3. Step scaling computes from current capacity, which leaves out instances in
 * their warm-up (300 s after InService), and keeps desired when it already covers the
 * result (as-scaling-simple-step); the group's 2 initial instances count as ready (asgsim's
 * rule, README); the alarm repeats its action every minute:
 *   120 s: ready 2: 2 + 3 = 5                                             -> 2 to 5
 *   180-420 s: CPU 80 % (exactly 20 above: lower bound inclusive), still ready 2 (the 3
 *   new ones warm up until about 480 s): 2 + 3 = 5, no change
 *   480 s: ready 5: 5 + 3 = 8                                             -> 5 to 8
 * and at 8 instances CPU 50 % is below the threshold.
 */
START_TEST(test_policy_step_scaling_uses_warmup_not_cooldown)
{
    run("step.yaml", "30m", "2024-01-01T00:00:00Z", 400, 1, 2, step_policy);
    double at[16];
    const char *cause[16];
    size_t n = launches(at, cause, 16);
    ck_assert_uint_eq(n, 2);
    ck_assert_double_eq(at[0], 120);
    ck_assert_ptr_nonnull(strstr(cause[0], "triggered policy StepOut changing the desired "
                                           "capacity from 2 to 5."));
    ck_assert_double_eq(at[1], 480);
    ck_assert_ptr_nonnull(strstr(cause[1], "from 5 to 8."));
    ck_assert_int_eq(desired_at(1800), 8);
}

END_TEST

#define TT_CPU                                                                                     \
    "  Cpu50:\n"                                                                                   \
    "    Type: AWS::AutoScaling::ScalingPolicy\n"                                                  \
    "    Properties:\n"                                                                            \
    "      AutoScalingGroupName: !Ref Web\n"                                                       \
    "      PolicyType: TargetTrackingScaling\n"                                                    \
    "      EstimatedInstanceWarmup: 60\n"                                                          \
    "      TargetTrackingConfiguration:\n"                                                         \
    "        TargetValue: 50\n"                                                                    \
    "        DisableScaleIn: %s\n"                                                                 \
    "        PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}\n"

/*
 * 300 requests/s on 4 instances: CPU 75 %. AlarmHigh needs 3 of 3 one-minute datapoints
 * above 50: [60, 240) -> ALARM at 240 s; ceil(4 x 75 / 50) = 6 in one step.
 */
START_TEST(test_policy_target_tracking_scales_out_proportionally)
{
    char res[2048];
    snprintf(res, sizeof(res), TT_CPU, "false");
    run("tt-out.yaml", "30m", "2024-01-01T00:00:00Z", 300, 1, 4, res);
    double at[16];
    const char *cause[16];
    size_t n = launches(at, cause, 16);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq(at[0], 240);
    ck_assert_ptr_nonnull(strstr(cause[0], "At 2024-01-01T00:04:00Z a monitor alarm "
                                           "TargetTracking-Web-AlarmHigh-"));
    ck_assert_ptr_nonnull(strstr(cause[0], "in state ALARM triggered policy Cpu50 changing the "
                                           "desired capacity from 4 to 6."));
    ck_assert_int_eq(desired_at(1800), 6); /* 50 %: neither alarm */
}

END_TEST

/*
 * 100 requests/s on 4 instances: CPU 25 %. AlarmLow needs 15 of 15 datapoints below
 * 45 (90 % of the target): [60, 960) -> ALARM at 960 s; ceil(4 x 25 / 50) = 2. With
 * DisableScaleIn the group stays at 4. (A /timeseries row at time t shows the state after
 * the scaling decisions taken at t, so the change shows from the 960 s row.)
 */
START_TEST(test_policy_target_tracking_scale_in_and_disable_scale_in)
{
    char res[2048];
    snprintf(res, sizeof(res), TT_CPU, "false");
    run("tt-in.yaml", "30m", "2024-01-01T00:00:00Z", 100, 1, 4, res);
    ck_assert_int_eq(desired_at(900), 4);
    ck_assert_int_eq(desired_at(959), 4);
    ck_assert_int_eq(desired_at(960), 2);
    ck_assert_int_eq(desired_at(1800), 2); /* 50 % at 2: stays */
    teardown();
    snprintf(res, sizeof(res), TT_CPU, "true");
    run("tt-noin.yaml", "30m", "2024-01-01T00:00:00Z", 100, 1, 4, res);
    ck_assert_int_eq(desired_at(1800), 4);
    /* AlarmLow invokes the policy each minute from 960 s; each invocation is declined */
    ck_assert_uint_ge(decisions_with("scale-in-disabled"), 14);
    ck_assert_uint_eq(decisions_with("changed"), 0);
}

END_TEST

/*
 * Two target-tracking policies: CPU (25 %, wants to scale in) and ALB requests per target
 * at its target (1500 requests/minute per target: 100 requests/s / 4 x 60). AWS scales in
 * only if every policy with scale-in enabled is ready to: the group stays at 4.
 */
START_TEST(test_policy_target_tracking_scales_in_only_when_all_agree)
{
    char res[4096];
    int k = snprintf(res, sizeof(res), TT_CPU, "false");
    snprintf(res + k, sizeof(res) - (size_t)k,
             "  Requests:\n"
             "    Type: AWS::AutoScaling::ScalingPolicy\n"
             "    Properties:\n"
             "      AutoScalingGroupName: !Ref Web\n"
             "      PolicyType: TargetTrackingScaling\n"
             "      TargetTrackingConfiguration:\n"
             "        TargetValue: 1500\n"
             "        PredefinedMetricSpecification:\n"
             "          PredefinedMetricType: ALBRequestCountPerTarget\n"
             "          ResourceLabel: app/web/1/targetgroup/web/2\n");
    run("tt-two.yaml", "30m", "2024-01-01T00:00:00Z", 100, 1, 4, res);
    ck_assert_int_eq(desired_at(1800), 4);
}

END_TEST

/*
 * Business hours in New York on Friday 2024-03-08: 09:00 EST is 14:00 UTC, 18:00 is 23:00
 * UTC. The morning action raises MinSize and DesiredCapacity to 4; the evening one lowers
 * them to 1.
 */
START_TEST(test_policy_scheduled_actions_in_time_zone)
{
    run("sched.yaml", "1d", "2024-03-08T00:00:00Z", 0, 1, 1,
        "  Morning:\n"
        "    Type: AWS::AutoScaling::ScheduledAction\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref Web\n"
        "      Recurrence: '0 9 * * 1-5'\n"
        "      TimeZone: America/New_York\n"
        "      MinSize: 4\n"
        "      DesiredCapacity: 4\n"
        "  Evening:\n"
        "    Type: AWS::AutoScaling::ScheduledAction\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref Web\n"
        "      Recurrence: '0 18 * * 1-5'\n"
        "      TimeZone: America/New_York\n"
        "      MinSize: 1\n"
        "      DesiredCapacity: 1\n");
    ck_assert_int_eq(desired_at(14 * 3600 - 60), 1);
    ck_assert_int_eq(desired_at(14 * 3600), 4);
    ck_assert_int_eq(desired_at(23 * 3600 - 60), 4);
    ck_assert_int_eq(desired_at(23 * 3600), 1);
    double at[16];
    const char *cause[16];
    size_t n = launches(at, cause, 16);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq(at[0], 14 * 3600);
    ck_assert_ptr_nonnull(strstr(cause[0], "At 2024-03-08T14:00:00Z a scheduled action update "
                                           "of AutoScalingGroup constraints to min: 4, max: 10, "
                                           "desired: 4 changing the desired capacity from 1 to "
                                           "4."));
    size_t rows = trace_mem_rows(sink, "/timeseries");
    ck_assert_int_eq(trace_mem_cell(sink, "/timeseries", 14 * 60 + 1, "min_size")->i32, 4);
    ck_assert_int_eq(trace_mem_cell(sink, "/timeseries", rows - 1, "min_size")->i32, 1);
}

END_TEST

/*
 * Instances in their default instance warmup are left out of the group's aggregated EC2
 * metrics (ec2-auto-scaling-default-instance-warmup): with DefaultInstanceWarmup 300 s the
 * 4 instances a scheduled action launches at 0 s (the group is created empty, so none is
 * an initial instance, which would count as ready) are InService at 60 s and report from
 * 360 s, so the first CPU datapoint is [360 s, 420 s). The ALB's RequestCountPerTarget
 * counts every target from the start: 300 requests/s / 4 x 60 s = 4500 per minute.
 */
START_TEST(test_policy_warming_instances_left_out_of_metrics)
{
    char res[2048];
    snprintf(res, sizeof(res), TT_CPU, "true");
    /* the group gets DefaultInstanceWarmup through its Properties: append to HEAD's group */
    char *withwarm = xasprintf("      DefaultInstanceWarmup: 300\n%s"
                               "  Four:\n"
                               "    Type: AWS::AutoScaling::ScheduledAction\n"
                               "    Properties:\n"
                               "      AutoScalingGroupName: !Ref Web\n"
                               "      StartTime: '2024-01-01T00:00:00Z'\n"
                               "      DesiredCapacity: 4\n",
                               res);
    run("warm.yaml", "30m", "2024-01-01T00:00:00Z", 300, 0, 0, withwarm);
    free(withwarm);
    /* row k is time 60 k */
    for (size_t k = 0; k <= 6; k++)
        ck_assert(isnan(trace_mem_cell(sink, "/timeseries", k, "asg_avg_cpu_pct")->f64));
    ck_assert_double_eq_tol(trace_mem_cell(sink, "/timeseries", 7, "asg_avg_cpu_pct")->f64, 75,
                            1e-9);
    ck_assert_double_eq_tol(
            trace_mem_cell(sink, "/timeseries", 2, "alb_request_count_per_target")->f64, 4500,
            1e-9);
}

END_TEST

/*
 * Resource conditions (issue 17): CloudFormation creates a resource only when its Condition
 * is true (AWS TemplateReference aws-attribute-condition). The morning action sits under a
 * false condition and must not run; the evening one under a true condition runs at 23:00
 * UTC (18:00 in New York).
 */
START_TEST(test_policy_scheduled_action_under_false_condition_does_not_run)
{
    run("sched-cond.yaml", "1d", "2024-03-08T00:00:00Z", 0, 1, 1,
        "  Morning:\n"
        "    Type: AWS::AutoScaling::ScheduledAction\n"
        "    Condition: IsProd\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref Web\n"
        "      Recurrence: '0 9 * * 1-5'\n"
        "      TimeZone: America/New_York\n"
        "      MinSize: 4\n"
        "      DesiredCapacity: 4\n"
        "  Evening:\n"
        "    Type: AWS::AutoScaling::ScheduledAction\n"
        "    Condition: IsDev\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref Web\n"
        "      Recurrence: '0 18 * * 1-5'\n"
        "      TimeZone: America/New_York\n"
        "      MinSize: 2\n"
        "      DesiredCapacity: 2\n"
        "Conditions:\n"
        "  IsProd: !Equals [prod, dev]\n"
        "  IsDev: !Not [Condition: IsProd]\n");
    ck_assert_int_eq(desired_at(14 * 3600), 1);
    ck_assert_int_eq(desired_at(23 * 3600 - 60), 1);
    ck_assert_int_eq(desired_at(23 * 3600), 2);
    double at[16];
    const char *cause[16];
    ck_assert_uint_eq(launches(at, cause, 16), 1);
    ck_assert_double_eq(at[0], 23 * 3600);
}

END_TEST

/*
 * The README's flash-crowd example (publication delay 60 s). At the cold start the first
 * instances InService carry the whole load: CPU 100 % at 12:03, and the 100 % step acts on
 * the 8 initial instances, which count as ready (README): 8 to 16, scaled back in to 9 by
 * 12:14. The 1-of-1 alarm sees the crowd's first full minute [14:00, 14:01) at 14:02, with
 * 9 ready instances: the [0, 15) step's 20 % is 1, MinAdjustmentMagnitude makes it 2: 9
 * to 11; then 11 + 100 % = 18 a minute later (the 2 new ones are warming), and 20 and 24
 * as warm-ups end. Pinned so that the documented figures stay true.
 */
START_TEST(test_policy_flash_crowd_example_scales_as_documented)
{
    char *path = test_src_path("scenarios/flash-crowd-step.yaml");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    free(path);
    sink = trace_mem_new();
    ck_assert_int_eq(run_scenario(&sc, NULL, sink, NULL, &d), 0);
    double at[16];
    const char *cause[16];
    size_t n = launches(at, cause, 16);
    ck_assert_uint_eq(n, 5);
    ck_assert_ptr_nonnull(strstr(cause[0], "At 2024-01-03T12:03:00Z a monitor alarm CpuHigh in "
                                           "state ALARM triggered policy StepOut changing the "
                                           "desired capacity from 8 to 16."));
    ck_assert_ptr_nonnull(strstr(cause[1], "At 2024-01-03T14:02:00Z a monitor alarm CpuHigh in "
                                           "state ALARM triggered policy StepOut changing the "
                                           "desired capacity from 9 to 11."));
    ck_assert_ptr_nonnull(strstr(cause[2], "from 11 to 18."));
    ck_assert_ptr_nonnull(strstr(cause[4], "from 20 to 24."));
    /* The scale-in back to 11 terminates instances, each with its own activity in AWS's
       words: "... shrinking the capacity from A to B.  At T instance i-... was selected for
       termination." */
    size_t terminations = 0;
    for (size_t i = 0; i < trace_mem_rows(sink, "/activities"); i++) {
        const char *what = trace_mem_cell(sink, "/activities", i, "description")->str;
        const char *c = trace_mem_cell(sink, "/activities", i, "cause")->str;
        if (strncmp(what, "Terminating EC2 instance: i-", 28))
            continue;
        terminations++;
        ck_assert_ptr_nonnull(strstr(c, "an instance was taken out of service in response to a "
                                        "difference between desired and actual capacity, "
                                        "shrinking the capacity from "));
        ck_assert_ptr_nonnull(strstr(c, "was selected for termination."));
    }
    ck_assert_uint_ge(terminations, 13); /* 24 down to 11 */
}

END_TEST

/*
 * Capacity in units (issue 15): a group of c6i.xlarge (4 vCPUs, 200 requests/s) with
 * WeightedCapacity 4, desired 8 units = 2 instances, at 300 requests/s: CPU 75 %. Target
 * tracking computes in units: ceil(8 x 75 / 50) = 12 units = 3 instances, CPU 50 %
 * (counting instances it asked for ceil(2 x 75 / 50) = 3 units, below desired, and never
 * scaled out).
 */
#define WEIGHTED_GROUP                                                                             \
    "  WLT:\n"                                                                                     \
    "    Type: AWS::EC2::LaunchTemplate\n"                                                         \
    "    Properties:\n"                                                                            \
    "      LaunchTemplateData: {InstanceType: c6i.xlarge, Monitoring: {Enabled: true}}\n"          \
    "  WebW:\n"                                                                                    \
    "    Type: AWS::AutoScaling::AutoScalingGroup\n"                                               \
    "    Properties:\n"                                                                            \
    "      MinSize: '8'\n"                                                                         \
    "      MaxSize: '40'\n"                                                                        \
    "      DesiredCapacity: '%d'\n"                                                                \
    "      AvailabilityZones: [us-east-1a]\n"                                                      \
    "      MixedInstancesPolicy:\n"                                                                \
    "        InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 100}\n"                  \
    "        LaunchTemplate:\n"                                                                    \
    "          LaunchTemplateSpecification: {LaunchTemplateId: !Ref WLT, Version: '1'}\n"          \
    "          Overrides: [{InstanceType: c6i.xlarge, WeightedCapacity: '4'}]\n"

static const char *const weighted_tt =
        "  Cpu50:\n"
        "    Type: AWS::AutoScaling::ScalingPolicy\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref WebW\n"
        "      PolicyType: TargetTrackingScaling\n"
        "      EstimatedInstanceWarmup: 60\n"
        "      TargetTrackingConfiguration:\n"
        "        TargetValue: 50\n"
        "        PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}\n";

START_TEST(test_policy_target_tracking_counts_units)
{
    char *text = xasprintf(WEIGHTED_GROUP "%s", 8, weighted_tt);
    run_template("weighted.yaml", "1h", 300, text);
    free(text);
    ck_assert_int_eq(desired_at(3600), 12);
    size_t rows = trace_mem_rows(sink, "/timeseries");
    ck_assert_int_eq(trace_mem_cell(sink, "/timeseries", rows - 1, "in_service")->i32, 3);
    ck_assert_double_eq_tol(
            trace_mem_cell(sink, "/timeseries", rows - 1, "cpu_utilization_pct")->f64, 50, 1e-9);
}

END_TEST

/*
 * The same group at 32 units (8 instances, 1,600 requests/s) under 300 requests/s: CPU
 * 18.75 %. A PercentChangeInCapacity step of -50 % on a CPU <= 30 % alarm acts on the 32
 * ready units: -16, to 16 units (4 instances, CPU 37.5 %, above 30: no more). Counting
 * instances it took -50 % of 8 = -4 from 8 and asked for 4 units: the group collapsed to
 * MinSize 8 units, 2 instances at 75 %.
 */
static const char *const weighted_step_in =
        "  In50:\n"
        "    Type: AWS::AutoScaling::ScalingPolicy\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref WebW\n"
        "      PolicyType: StepScaling\n"
        "      AdjustmentType: PercentChangeInCapacity\n"
        "      StepAdjustments: [{MetricIntervalUpperBound: 0, ScalingAdjustment: -50}]\n"
        "  Low:\n"
        "    Type: AWS::CloudWatch::Alarm\n"
        "    Properties:\n"
        "      Namespace: AWS/EC2\n"
        "      MetricName: CPUUtilization\n"
        "      Statistic: Average\n"
        "      Period: 60\n"
        "      EvaluationPeriods: 3\n"
        "      Threshold: 30\n"
        "      ComparisonOperator: LessThanOrEqualToThreshold\n"
        "      AlarmActions: [!Ref In50]\n";

START_TEST(test_policy_percent_step_counts_units)
{
    char *text = xasprintf(WEIGHTED_GROUP "%s", 32, weighted_step_in);
    run_template("weighted-in.yaml", "1h", 300, text);
    free(text);
    size_t rows = trace_mem_rows(sink, "/timeseries");
    for (size_t i = 0; i < rows; i++)
        ck_assert_int_ge(trace_mem_cell(sink, "/timeseries", i, "desired_capacity")->i32, 16);
    ck_assert_int_eq(desired_at(3600), 16);
    ck_assert_int_eq(trace_mem_cell(sink, "/timeseries", rows - 1, "in_service")->i32, 4);
}

END_TEST

/*
 * AlarmLow's threshold is ScaleInThresholdRatio x the target (default 0.7, observed: target
 * 50 -> AlarmLow < 35, aws-behaviour.md 4.3). 10 instances at 300 requests/s run at 30 %
 * CPU: below 35, so the default scales in to ceil(10 x 30 / 50) = 6 (CPU 50 %); with the
 * ratio at 0.5 (AlarmLow < 25) it stays at 10.
 */
static void run_ratio(const char *ratio_line)
{
    char head[4096], res[2048];
    snprintf(head, sizeof(head), HEAD, "1h", "2024-01-01T00:00:00Z", 300, 1, 10);
    snprintf(res, sizeof(res), TT_CPU, "false");
    /* the setting goes under ASGSim::Scenario, before its Instances line */
    const char *at = strstr(head, "    Instances:");
    char *text = xasprintf("%.*s%s%s%s", (int)(at - head), head, ratio_line, at, res);
    test_run_text("ratio.yaml", text, &sc, &d, &sink);
    free(text);
}

START_TEST(test_policy_target_tracking_scale_in_threshold_ratio)
{
    run_ratio("");
    ck_assert_int_eq(desired_at(3600), 6);
    teardown();
    run_ratio("    TargetTracking: {ScaleInThresholdRatio: 0.5}\n");
    ck_assert_int_eq(desired_at(3600), 10);
}

END_TEST

/*
 * TargetResponseTime is per request. AWS (load-balancer-cloudwatch-metrics.html, "Statistics
 * for Application Load Balancer metrics"): Minimum and Maximum are of "the data points
 * reported", for this metric the requests' times ("The maximum reflects the slowest case"),
 * and SampleCount "the number of samples measured", here the requests. So over a 60 s alarm
 * period: SampleCount = the requests served in that minute (the sum of /timeseries `served`
 * over its six 10 s rows), Sum / SampleCount = Average, and the fastest and slowest request
 * lie beyond every interval's median and p99. One c6i.large serving 50 requests/s of its
 * 100: each alarm always breaches and its policy, capped at MaxSize 1, logs every minute.
 * These runs keep a 10 s publication delay (they were written when the run recorded the
 * serving after the alarms); test_policy_target_response_time_is_fresh checks without one.
 */
static const char *const trt_stats[] = { "SampleCount", "Sum", "Average", "Minimum", "Maximum" };

/* run_alb with SampleInterval `si` and CloudWatch PublicationDelay `delay`. */
static void run_alb_at(const char *fidelity, const char *metric, int rps, const char *si,
                       const char *delay)
{
    char *res = xstrdup("");
    for (size_t i = 0; i < ARRAY_SIZE(trt_stats); i++) {
        char *more = xasprintf("%s"
                               "  P%s:\n"
                               "    Type: AWS::AutoScaling::ScalingPolicy\n"
                               "    Properties:\n"
                               "      AutoScalingGroupName: !Ref Web\n"
                               "      AdjustmentType: ChangeInCapacity\n"
                               "      ScalingAdjustment: 1\n"
                               "      Cooldown: '0'\n"
                               "  %s:\n"
                               "    Type: AWS::CloudWatch::Alarm\n"
                               "    Properties:\n"
                               "      Namespace: AWS/ApplicationELB\n"
                               "      MetricName: %s\n"
                               "      Dimensions: [{Name: LoadBalancer, Value: app/web/1}]\n"
                               "      Statistic: %s\n"
                               "      Period: 60\n"
                               "      EvaluationPeriods: 1\n"
                               "      Threshold: -1\n"
                               "      ComparisonOperator: GreaterThanThreshold\n"
                               "      AlarmActions: [!Ref P%s]\n",
                               res, trt_stats[i], trt_stats[i], metric, trt_stats[i], trt_stats[i]);
        free(res);
        res = more;
    }
    char *text = xasprintf("AWSTemplateFormatVersion: '2010-09-09'\n"
                           "Metadata:\n"
                           "  ASGSim::Scenario:\n"
                           "    Duration: 10m\n"
                           "    StartTime: '2024-01-01T00:00:00Z'\n"
                           "    SampleInterval: %s\n"
                           "    Fidelity: %s\n"
                           "    QueueLimit: 20\n"
                           "    Workload: {Kind: constant, Rps: %d}\n"
                           "    Instances: {BootTime: 60s, CapacityRpsPerVcpu: 50}\n"
                           "    CloudWatch: {PublicationDelay: %s}\n"
                           "Resources:\n"
                           "  LT:\n"
                           "    Type: AWS::EC2::LaunchTemplate\n"
                           "    Properties:\n"
                           "      LaunchTemplateData: {InstanceType: c6i.large}\n"
                           "  Web:\n"
                           "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                           "    Properties:\n"
                           "      MinSize: '1'\n"
                           "      MaxSize: '1'\n"
                           "      AvailabilityZones: [us-east-1a]\n"
                           "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n"
                           "%s",
                           si, fidelity, rps, delay, res);
    test_run_text("alb.yaml", text, &sc, &d, &sink);
    free(text);
    free(res);
}

static void run_alb(const char *fidelity, const char *metric, int rps)
{
    run_alb_at(fidelity, metric, rps, "10s", "10s");
}

/* The value alarm `name` logged for the period [from, to); NaN when none. */
static double alb_logged(const char *name, double from)
{
    size_t n = trace_mem_rows(sink, "/decisions");
    for (size_t i = 0; i < n; i++)
        if (!strcmp(trace_mem_cell(sink, "/decisions", i, "alarm")->str, name) &&
            trace_mem_cell(sink, "/decisions", i, "metric_from_s")->f64 == from)
            return trace_mem_cell(sink, "/decisions", i, "metric_value")->f64;
    return (double)NAN;
}

/* Sum, least and greatest of /timeseries column `col` over the intervals [t - 10 s, t) that
   end in (from, from + 60 s], the minute [from, from + 60 s). */
static void over_minute(double from, const char *col, double *sum, double *lo, double *hi)
{
    size_t rows = trace_mem_rows(sink, "/timeseries");
    *sum = 0;
    *lo = (double)INFINITY;
    *hi = -(double)INFINITY;
    for (size_t i = 0; i < rows; i++) {
        double t = trace_mem_cell(sink, "/timeseries", i, "time_s")->f64;
        if (t <= from || t > from + 60)
            continue;
        double v = trace_mem_cell(sink, "/timeseries", i, col)->f64;
        *sum += v;
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/*
 * RequestCount counts a request only when the load balancer could choose a target: "This
 * metric is only incremented for requests where the load balancer node was able to choose a
 * target. Requests that are rejected before a target is chosen are not reflected in this
 * metric" (load-balancer-cloudwatch-metrics.html). The harness's only instance boots for
 * 60 s: the first minute has no target, so no datapoint (the load balancer's own 503s are
 * HTTPCode_ELB_5XX_Count); once it is InService every minute has one.
 */
START_TEST(test_policy_request_count_needs_a_target)
{
    run_alb("fluid", "RequestCount", 50);
    ck_assert_msg(isnan(alb_logged("Sum", 0)), "RequestCount %g with no target",
                  alb_logged("Sum", 0));
    /* (the run's last minute is read after the run ends) */
    for (double from = 120; from < 540; from += 60)
        ck_assert_msg(!isnan(alb_logged("Sum", from)), "no RequestCount for [%g, +60)", from);
}

END_TEST

START_TEST(test_policy_target_response_time_is_per_request)
{
    run_alb(_i ? "request" : "fluid", "TargetResponseTime", 50);
    size_t minutes = 0;
    for (double from = 60; from < 600; from += 60) {
        double count = alb_logged("SampleCount", from);
        if (isnan(count))
            continue;
        minutes++;
        double served, p50, p99, ignored;
        over_minute(from, "served", &served, &ignored, &ignored);
        over_minute(from, "latency_p50_s", &ignored, &p50, &ignored);
        over_minute(from, "latency_p99_s", &ignored, &ignored, &p99);
        ck_assert_double_gt(served, 2000); /* about 3000 */
        ck_assert_double_eq_tol(count, served, 1e-9 * served);
        double sum = alb_logged("Sum", from), mean = alb_logged("Average", from);
        ck_assert_double_eq_tol(sum / count, mean, 1e-12 * mean);
        double lo = alb_logged("Minimum", from), hi = alb_logged("Maximum", from);
        ck_assert_msg(lo <= p50 && lo < mean, "Minimum %g, every p50 >= %g, mean %g", lo, p50,
                      mean);
        ck_assert_msg(hi >= p99 && hi > mean, "Maximum %g, a p99 %g, mean %g", hi, p99, mean);
    }
    ck_assert_uint_ge(minutes, 7);
}

END_TEST

/*
 * HTTPCode_Target_5XX_Count counts responses: "The most useful statistic is Sum. Minimum,
 * Maximum, and Average all return 1" (load-balancer-cloudwatch-metrics), each refusal being
 * a sample of 1, so SampleCount = Sum = the refusals of the minute (the sum of /timeseries
 * `dropped`). 150 requests/s on one c6i.large serving 100 with 20 waiting at most: about 50
 * refused a second.
 */
START_TEST(test_policy_5xx_count_is_per_response)
{
    run_alb(_i ? "request" : "fluid", "HTTPCode_Target_5XX_Count", 150);
    size_t minutes = 0;
    for (double from = 60; from < 600; from += 60) {
        double count = alb_logged("SampleCount", from);
        if (isnan(count))
            continue;
        minutes++;
        double dropped, ignored;
        over_minute(from, "dropped", &dropped, &ignored, &ignored);
        ck_assert_double_gt(dropped, 2000); /* about 3000 */
        ck_assert_double_eq_tol(count, dropped, 1e-9 * dropped);
        ck_assert_double_eq_tol(alb_logged("Sum", from), dropped, 1e-9 * dropped);
        ck_assert_double_eq(alb_logged("Average", from), 1);
        ck_assert_double_eq(alb_logged("Minimum", from), 1);
        ck_assert_double_eq(alb_logged("Maximum", from), 1);
    }
    ck_assert_uint_ge(minutes, 7);
}

END_TEST

/* The value alarm `name` logged at time `t`, which reads the minute [t - 60 s, t) (no
   publication delay); NaN when it logged none then. */
static double alb_read_at(const char *name, double t)
{
    size_t n = trace_mem_rows(sink, "/decisions");
    for (size_t i = 0; i < n; i++)
        if (!strcmp(trace_mem_cell(sink, "/decisions", i, "alarm")->str, name) &&
            trace_mem_cell(sink, "/decisions", i, "time_s")->f64 == t) {
            ck_assert_double_eq(trace_mem_cell(sink, "/decisions", i, "metric_from_s")->f64,
                                t - 60);
            return trace_mem_cell(sink, "/decisions", i, "metric_value")->f64;
        }
    return (double)NAN;
}

/*
 * The serving metrics are as fresh as the others: with no publication delay an alarm
 * evaluated at t reads the whole minute [t - 60 s, t) of TargetResponseTime, whatever the
 * SampleInterval. AWS: the load balancer's metrics are "reported ... only when requests
 * flow" at 60-second granularity (load-balancer-cloudwatch-metrics); asgsim subjects every
 * metric to `CloudWatch: PublicationDelay` (README, "Scaling: CloudWatch") and nothing else.
 * Before the fix the run recorded them at its own sample, after the alarms of that instant:
 * with SampleInterval 60 s the minute just over had no datapoint at t (the alarm read the
 * one before, a minute late), with 10 s it held 5/6 of the requests (SampleCount 2605 of
 * 3120). Loop: bit 0 fluid/request, bit 1 SampleInterval 10 s/60 s.
 */
START_TEST(test_policy_target_response_time_is_fresh)
{
    run_alb_at(_i & 1 ? "request" : "fluid", "TargetResponseTime", 50, _i & 2 ? "60s" : "10s",
               "0s");
    for (double t = 180; t <= 540; t += 60) {
        double count = alb_read_at("SampleCount", t), served, p99, ignored;
        over_minute(t - 60, "served", &served, &ignored, &ignored);
        over_minute(t - 60, "latency_p99_s", &ignored, &ignored, &p99);
        ck_assert_double_gt(served, 2000); /* about 3000 */
        ck_assert_msg(count == served, "at %g s: SampleCount %.17g, served %.17g", t, count,
                      served);
        double sum = alb_read_at("Sum", t), mean = alb_read_at("Average", t);
        ck_assert_double_eq_tol(sum / count, mean, 1e-12 * mean);
        ck_assert_double_ge(alb_read_at("Maximum", t), p99);
    }
}

END_TEST

/*
 * Likewise HTTPCode_Target_5XX_Count: its Sum at t is every refusal of [t - 60 s, t)
 * (load-balancer-cloudwatch-metrics: "The most useful statistic is Sum"), not 5/6 of them
 * (SampleInterval 10 s) nor the minute before (60 s), as before the fix. Loop as above.
 */
START_TEST(test_policy_5xx_count_is_fresh)
{
    run_alb_at(_i & 1 ? "request" : "fluid", "HTTPCode_Target_5XX_Count", 150,
               _i & 2 ? "60s" : "10s", "0s");
    for (double t = 180; t <= 540; t += 60) {
        double dropped, ignored, sum = alb_read_at("Sum", t);
        over_minute(t - 60, "dropped", &dropped, &ignored, &ignored);
        ck_assert_double_gt(dropped, 2000); /* about 3000 */
        ck_assert_double_eq_tol(sum, dropped, 1e-9 * dropped);
        ck_assert_double_eq_tol(alb_read_at("SampleCount", t), dropped, 1e-9 * dropped);
    }
}

END_TEST

/*
 * One c6i.large (2 vCPUs x 50 requests/s) gets 50 requests/s, then 150 from 5 min on
 * (QueueLimit 20: about 0.2 s a request once its queue is full); an alarm on the minute's
 * average TargetResponseTime above `threshold` adds an instance (NULL: no policy, no alarm).
 * `extra` goes into the settings.
 */
static void run_step_trt(const char *fidelity, const char *extra, const char *threshold)
{
    char *text = xasprintf("AWSTemplateFormatVersion: '2010-09-09'\n"
                           "Metadata:\n"
                           "  ASGSim::Scenario:\n"
                           "    Duration: 15m\n"
                           "    StartTime: '2024-01-01T00:00:00Z'\n"
                           "    Fidelity: %s\n"
                           "    QueueLimit: 20\n"
                           "    Workload: {Kind: step, FromRps: 50, ToRps: 150, At: 5m}\n"
                           "    Instances: {BootTime: 60s, CapacityRpsPerVcpu: 50}\n"
                           "%s"
                           "Resources:\n"
                           "  LT:\n"
                           "    Type: AWS::EC2::LaunchTemplate\n"
                           "    Properties:\n"
                           "      LaunchTemplateData: {InstanceType: c6i.large}\n"
                           "  Web:\n"
                           "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                           "    Properties:\n"
                           "      MinSize: '1'\n"
                           "      MaxSize: '4'\n"
                           "      AvailabilityZones: [us-east-1a]\n"
                           "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n"
                           "",
                           fidelity, extra);
    if (threshold) {
        char *more = xasprintf("%s"
                               "  Out:\n"
                               "    Type: AWS::AutoScaling::ScalingPolicy\n"
                               "    Properties:\n"
                               "      AutoScalingGroupName: !Ref Web\n"
                               "      AdjustmentType: ChangeInCapacity\n"
                               "      ScalingAdjustment: 1\n"
                               "      Cooldown: '600'\n"
                               "  Slow:\n"
                               "    Type: AWS::CloudWatch::Alarm\n"
                               "    Properties:\n"
                               "      Namespace: AWS/ApplicationELB\n"
                               "      MetricName: TargetResponseTime\n"
                               "      Dimensions: [{Name: LoadBalancer, Value: app/web/1}]\n"
                               "      Statistic: Average\n"
                               "      Period: 60\n"
                               "      EvaluationPeriods: 1\n"
                               "      Threshold: %s\n"
                               "      ComparisonOperator: GreaterThanThreshold\n"
                               "      AlarmActions: [!Ref Out]\n",
                               text, threshold);
        free(text);
        text = more;
    }
    test_run_text("step-trt.yaml", text, &sc, &d, &sink);
    free(text);
}

/*
 * With the default SampleInterval (60 s) an alarm on TargetResponseTime acts in the minute
 * the latency rises: the load steps up at 300 s, the minute [300 s, 360 s) is slow, and the
 * alarm evaluated at 360 s reads it (AlarmThatSendsEmail: the newest period is the minute
 * just over; README: no publication delay by default) and raises desired to 2 at 360 s.
 * Before the fix it read [240 s, 300 s) at 360 s (the run had not recorded the minute yet)
 * and acted at 420 s. Loop: fluid, request.
 */
START_TEST(test_policy_response_time_alarm_acts_in_the_minute)
{
    run_step_trt(_i ? "request" : "fluid", "", "0.1");
    double p50, ignored;
    over_minute(240, "latency_p50_s", &ignored, &ignored, &p50);
    ck_assert_double_lt(p50, 0.05); /* the minute before the step is fast */
    over_minute(300, "latency_p50_s", &ignored, &p50, &ignored);
    ck_assert_double_gt(p50, 0.1); /* the minute of the step is slow */
    size_t n = trace_mem_rows(sink, "/decisions");
    ck_assert_uint_ge(n, 1);
    ck_assert_double_eq(trace_mem_cell(sink, "/decisions", 0, "time_s")->f64, 360);
    ck_assert_double_eq(trace_mem_cell(sink, "/decisions", 0, "metric_from_s")->f64, 300);
    ck_assert_int_eq(desired_at(300), 1);
    ck_assert_int_eq(desired_at(360), 2);
}

END_TEST

/* The serving figures of a run: /timeseries columns and /summary scalars. */
#define FIG_COLS 6
#define FIG_SUMS 6

struct figures {
    size_t rows;
    double *col[FIG_COLS];
    double sum[FIG_SUMS];
};

static const char *const fig_cols[FIG_COLS] = { "served",        "dropped",       "backlog",
                                                "latency_p50_s", "latency_p95_s", "latency_p99_s" };
static const char *const fig_sums[FIG_SUMS] = {
    "/summary/requests_arrived", "/summary/requests_served", "/summary/requests_dropped",
    "/summary/latency_p99_s",    "/summary/latency_mean_s",  "/summary/mean_in_service"
};

static void take_figures(struct figures *f)
{
    f->rows = trace_mem_rows(sink, "/timeseries");
    for (size_t c = 0; c < FIG_COLS; c++) {
        f->col[c] = xcalloc(f->rows + 1, sizeof(double));
        for (size_t i = 0; i < f->rows; i++)
            f->col[c][i] = trace_mem_cell(sink, "/timeseries", i, fig_cols[c])->f64;
    }
    for (size_t k = 0; k < FIG_SUMS; k++)
        f->sum[k] = trace_mem_scalar(sink, fig_sums[k]);
    /* every request of the rows after StatisticsStart (120 s) is in the summary once */
    double served = 0, dropped = 0;
    for (size_t i = 0; i < f->rows; i++)
        if (trace_mem_cell(sink, "/timeseries", i, "time_s")->f64 > 120) {
            served += f->col[0][i];
            dropped += f->col[1][i];
        }
    ck_assert_double_eq_tol(served, f->sum[1], 1e-9 * served);
    ck_assert_double_eq_tol(dropped, f->sum[2], 1e-9 * dropped);
    ck_assert_double_gt(dropped, 1000); /* the step overloads the one instance */
    teardown();
}

/*
 * Reading the serving metrics at the alarms' instant moves decisions only: a run whose
 * alarm on TargetResponseTime never breaches has every serving figure of /timeseries and
 * /summary that the same group without scaling has, bit for bit but the mean latency (its
 * sum of seconds is added in more parts), and its rows add up to its summary (each request
 * served or dropped once; StatisticsStart 2 min, so the summary counts the rows after
 * 120 s). Loop: bit 0 fluid/request, bit 1 SampleInterval 60 s/10 s.
 */
START_TEST(test_policy_fresh_serving_changes_no_figure)
{
    const char *fid = _i & 1 ? "request" : "fluid";
    const char *settings = _i & 2 ? "    SampleInterval: 10s\n    StatisticsStart: 2m\n"
                                  : "    StatisticsStart: 2m\n";
    struct figures with, without;
    run_step_trt(fid, settings, "1000");
    size_t last = trace_mem_rows(sink, "/timeseries") - 1;
    ck_assert_int_eq(trace_mem_cell(sink, "/timeseries", last, "alarm_Slow")->i32, CW_OK);
    take_figures(&with);
    run_step_trt(fid, settings, NULL);
    take_figures(&without);
    ck_assert_uint_eq(with.rows, without.rows);
    for (size_t c = 0; c < FIG_COLS; c++) {
        for (size_t i = 0; i < with.rows; i++)
            ck_assert_msg(memcmp(&with.col[c][i], &without.col[c][i], sizeof(double)) == 0,
                          "%s row %zu: %.17g, without scaling %.17g", fig_cols[c], i,
                          with.col[c][i], without.col[c][i]);
        free(with.col[c]);
        free(without.col[c]);
    }
    for (size_t k = 0; k < FIG_SUMS; k++)
        if (strstr(fig_sums[k], "mean_s"))
            ck_assert_double_eq_tol(with.sum[k], without.sum[k], 1e-12 * with.sum[k]);
        else
            ck_assert_msg(with.sum[k] == without.sum[k], "%s: %.17g, without scaling %.17g",
                          fig_sums[k], with.sum[k], without.sum[k]);
}

END_TEST

/*
 * Several groups: each group's alarm reads its own serving. A gets the step of
 * run_step_trt and its alarm acts at 360 s, the minute its latency rises; B gets a steady
 * 50 requests/s and the same alarm never acts; B's rows still add up to its summary.
 */
START_TEST(test_policy_fresh_serving_per_group)
{
/* a literal, so that the format is checked */
#define GROUP_YAML                                                                                 \
    "  %s:\n"                                                                                      \
    "    Type: AWS::AutoScaling::AutoScalingGroup\n"                                               \
    "    Properties:\n"                                                                            \
    "      MinSize: '1'\n"                                                                         \
    "      MaxSize: '4'\n"                                                                         \
    "      AvailabilityZones: [us-east-1a]\n"                                                      \
    "      LaunchTemplate: {LaunchTemplateId: !Ref LT, "                                           \
    "Version: '1'}\n"                                                                              \
    "  %sOut:\n"                                                                                   \
    "    Type: AWS::AutoScaling::ScalingPolicy\n"                                                  \
    "    Properties:\n"                                                                            \
    "      AutoScalingGroupName: !Ref %s\n"                                                        \
    "      AdjustmentType: ChangeInCapacity\n"                                                     \
    "      ScalingAdjustment: 1\n"                                                                 \
    "      Cooldown: '600'\n"                                                                      \
    "  %sSlow:\n"                                                                                  \
    "    Type: AWS::CloudWatch::Alarm\n"                                                           \
    "    Properties:\n"                                                                            \
    "      Namespace: AWS/ApplicationELB\n"                                                        \
    "      MetricName: TargetResponseTime\n"                                                       \
    "      Dimensions: [{Name: LoadBalancer, Value: app/%s/1}]\n"                                  \
    "      Statistic: Average\n"                                                                   \
    "      Period: 60\n"                                                                           \
    "      EvaluationPeriods: 1\n"                                                                 \
    "      Threshold: 0.1\n"                                                                       \
    "      ComparisonOperator: GreaterThanThreshold\n"                                             \
    "      AlarmActions: [!Ref %sOut]\n"
    char *a = xasprintf(GROUP_YAML, "A", "A", "A", "A", "A", "A");
    char *b = xasprintf(GROUP_YAML, "B", "B", "B", "B", "B", "B");
    char *text = xasprintf("AWSTemplateFormatVersion: '2010-09-09'\n"
                           "Metadata:\n"
                           "  ASGSim::Scenario:\n"
                           "    Duration: 15m\n"
                           "    StartTime: '2024-01-01T00:00:00Z'\n"
                           "    Fidelity: %s\n"
                           "    QueueLimit: 20\n"
                           "    Instances: {BootTime: 60s, CapacityRpsPerVcpu: 50}\n"
                           "    Groups:\n"
                           "      A:\n"
                           "        Workload: {Kind: step, FromRps: 50, ToRps: 150, At: 5m}\n"
                           "      B:\n"
                           "        Workload: {Kind: constant, Rps: 50}\n"
                           "Resources:\n"
                           "  LT:\n"
                           "    Type: AWS::EC2::LaunchTemplate\n"
                           "    Properties:\n"
                           "      LaunchTemplateData: {InstanceType: c6i.large}\n"
                           "%s%s",
                           _i ? "request" : "fluid", a, b);
    test_run_text("groups-trt.yaml", text, &sc, &d, &sink);
    free(text);
    free(a);
    free(b);
    ck_assert_uint_ge(trace_mem_rows(sink, "/groups/A/decisions"), 1);
    ck_assert_double_eq(trace_mem_cell(sink, "/groups/A/decisions", 0, "time_s")->f64, 360);
    ck_assert_double_eq(trace_mem_cell(sink, "/groups/A/decisions", 0, "metric_from_s")->f64, 300);
    ck_assert_uint_eq(trace_mem_rows(sink, "/groups/B/decisions"), 0);
    size_t rows = trace_mem_rows(sink, "/groups/B/timeseries");
    double served = 0;
    for (size_t i = 0; i < rows; i++)
        served += trace_mem_cell(sink, "/groups/B/timeseries", i, "served")->f64;
    ck_assert_double_gt(served, 40000);
    ck_assert_double_eq_tol(served, trace_mem_scalar(sink, "/groups/B/summary/requests_served"),
                            1e-9 * served);
}

END_TEST

Suite *policy_run_suite(void);

Suite *policy_run_suite(void)
{
    Suite *s = suite_create("policy_run");
    TCase *t = tcase_create("runs");
    tcase_add_checked_fixture(t, NULL, teardown);
    tcase_add_test(t, test_policy_simple_scaling_waits_for_activity_and_cooldown);
    tcase_add_test(t, test_policy_step_scaling_uses_warmup_not_cooldown);
    tcase_add_test(t, test_policy_target_tracking_scales_out_proportionally);
    tcase_add_test(t, test_policy_target_tracking_scale_in_and_disable_scale_in);
    tcase_add_test(t, test_policy_target_tracking_scales_in_only_when_all_agree);
    tcase_add_test(t, test_policy_scheduled_actions_in_time_zone);
    tcase_add_test(t, test_policy_scheduled_action_under_false_condition_does_not_run);
    tcase_add_test(t, test_policy_warming_instances_left_out_of_metrics);
    tcase_add_test(t, test_policy_flash_crowd_example_scales_as_documented);
    tcase_add_test(t, test_policy_target_tracking_counts_units);
    tcase_add_test(t, test_policy_percent_step_counts_units);
    tcase_add_test(t, test_policy_target_tracking_scale_in_threshold_ratio);
    tcase_add_loop_test(t, test_policy_target_response_time_is_per_request, 0, 2);
    tcase_add_test(t, test_policy_request_count_needs_a_target);
    tcase_add_loop_test(t, test_policy_5xx_count_is_per_response, 0, 2);
    tcase_add_loop_test(t, test_policy_target_response_time_is_fresh, 0, 4);
    tcase_add_loop_test(t, test_policy_5xx_count_is_fresh, 0, 4);
    tcase_add_loop_test(t, test_policy_response_time_alarm_acts_in_the_minute, 0, 2);
    tcase_add_loop_test(t, test_policy_fresh_serving_changes_no_figure, 0, 4);
    tcase_add_loop_test(t, test_policy_fresh_serving_per_group, 0, 2);
    suite_add_tcase(s, t);
    return s;
}
