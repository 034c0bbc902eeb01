/*
 * The generator of the property test (test_property.c): a random but valid CloudFormation
 * template with `Metadata: ASGSim::Scenario`, as YAML text, a pure function of the case
 * seed (GSL's MT19937). `struct features` records what a case holds, so that the test can
 * require that 1,000 cases generated every feature. Kept apart from the invariants so that
 * neither file grows past the size limit; only test_property.c includes it.
 */
#ifndef ASGSIM_TEST_PROPERTY_GEN_H
#define ASGSIM_TEST_PROPERTY_GEN_H

#include "asgsim/asg.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"

#include <check.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* ---- the generator ------------------------------------------------------------------------ */

static const char *const azs[] = { "us-east-1a", "us-east-1b", "us-east-1c" };
static const char *const types[] = { "c6i.large", "m5.large", "t3.micro",
                                     "c5.large",  "r5.large", "m6g.large" };
/* RAM of 16 GiB or less, so a 32 GiB encrypted root allows hibernation */
static const char *const hib_types[] = { "c6i.large", "m5.large", "c5.large", "r5.large" };
static const char *const term_policies[] = {
    "AllocationStrategy",        "OldestLaunchTemplate", "OldestLaunchConfiguration",
    "ClosestToNextInstanceHour", "NewestInstance",       "OldestInstance"
};
static const char *const spot_strategies[] = { "lowest-price", "capacity-optimized",
                                               "capacity-optimized-prioritized",
                                               "price-capacity-optimized" };
static const char *const cmp_up[] = { "GreaterThanThreshold", "GreaterThanOrEqualToThreshold" };
static const char *const cmp_down[] = { "LessThanThreshold", "LessThanOrEqualToThreshold" };
static const char *const starts[] = { "2024-01-01T00:00:00Z", "2024-03-10T05:30:00Z",
                                      "2024-06-30T22:00:00Z", "2024-11-03T04:00:00Z" };

/* What a case was generated with, for the coverage check and the invariants. */
struct features {
    bool zero_max, fixed, subnets, placement, cluster, partition, spread, mixed, weights, warm_pool,
            hooks, hook_resource, timing, lifetime, versions, simple, step, target, predictive,
            scheduled, faults, outage, partition_failure, request_fidelity, protect, zero_duration;
    int max_weight;
    int pool_state; /* -1: no warm pool */
};

struct gen {
    FILE *f;
    gsl_rng *r;
    struct features ft;
    int64_t min, max, desired;
    int nr_azs;
    int64_t start_epoch;
    int64_t duration_s;
    const char *type;
};

static bool chance(struct gen *g, double p)
{
    return gsl_rng_uniform(g->r) < p;
}

static int pick(struct gen *g, int n)
{
    return (int)gsl_rng_uniform_int(g->r, (unsigned long)n);
}

static int64_t between(struct gen *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)gsl_rng_uniform_int(g->r, (unsigned long)(hi - lo + 1));
}

static void out(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out(struct gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(g->f, fmt, ap);
    va_end(ap);
}

static void gen_dist_seconds(struct gen *g, double lo, double hi)
{
    switch (pick(g, 4)) {
    case 0:
        out(g, "{Distribution: constant, Value: %.0fs}", lo + (hi - lo) / 2);
        break;
    case 1:
        out(g, "{Distribution: uniform, Min: %.0fs, Max: %.0fs}", lo, hi);
        break;
    case 2:
        out(g, "{Distribution: exponential, Mean: %.0fs}", (lo + hi) / 2);
        break;
    default:
        out(g, "{Distribution: lognormal, Median: %.0fs, Sigma: %.2f}", (lo + hi) / 2,
            0.1 + 0.4 * gsl_rng_uniform(g->r));
    }
}

static void gen_pattern(struct gen *g, double rps, int depth)
{
    int64_t d = g->duration_s > 0 ? g->duration_s : 3600;
    switch (pick(g, depth > 0 ? 5 : 6)) {
    case 0:
        out(g, "{Kind: constant, Rps: %.1f}", rps);
        break;
    case 1:
        out(g, "{Kind: step, FromRps: %.1f, ToRps: %.1f, At: %" PRId64 "s}", rps * 0.3, rps * 1.5,
            between(g, 0, d));
        break;
    case 2: {
        int64_t a = between(g, 0, d), b = between(g, a + 1, a + d);
        out(g, "{Kind: ramp, FromRps: %.1f, ToRps: %.1f, Start: %" PRId64 "s, End: %" PRId64 "s}",
            rps * 1.2, rps * 0.2, a, b);
        break;
    }
    case 3:
        out(g, "{Kind: diurnal, BaseRps: %.1f, Amplitude: %.2f, PeakHourUtc: %d}", rps,
            gsl_rng_uniform(g->r), pick(g, 24));
        break;
    case 4:
        out(g,
            "{Kind: spike, At: %" PRId64 "s, PeakMultiplier: %.1f, Decay: %ds, Rise: %ds, "
            "BaseRps: %.1f}",
            between(g, 0, d), 1.5 + 3 * gsl_rng_uniform(g->r), 60 + pick(g, 1800), pick(g, 300),
            rps);
        break;
    default:
        out(g, "{%s: [", chance(g, 0.5) ? "Sum" : "Product");
        gen_pattern(g, rps * 0.5, depth + 1);
        out(g, ", ");
        gen_pattern(g, chance(g, 0.5) ? rps * 0.5 : 1.0, depth + 1);
        out(g, "]}");
    }
}

static void gen_settings(struct gen *g, double rps_per_vcpu, const char *const *hook_names,
                         int nr_hooks)
{
    struct features *ft = &g->ft;
    out(g, "Metadata:\n  ASGSim::Scenario:\n");
    out(g, "    Duration: %" PRId64 "s\n", g->duration_s);
    out(g, "    Seed: %d\n", pick(g, 1000000));
    out(g, "    StartTime: '%s'\n", starts[pick(g, 4)]);
    out(g, "    SampleInterval: %ds\n",
        ft->lifetime ? 300 : (int[]){ 30, 60, 60, 120 }[pick(g, 4)]);
    if (chance(g, 0.9)) {
        double vcpus = 2, cap = vcpus * rps_per_vcpu * (double)(g->max > 0 ? g->max : 1);
        double rps = cap * (0.1 + 1.2 * gsl_rng_uniform(g->r));
        if (ft->request_fidelity) {
            rps = 5 + 20 * gsl_rng_uniform(g->r);
            out(g, "    Fidelity: request\n    LoadBalancer: %s\n",
                chance(g, 0.5) ? "round-robin" : "least-outstanding-requests");
        }
        out(g, "    Workload: ");
        gen_pattern(g, rps, 0);
        out(g, "\n");
        if (chance(g, 0.3))
            out(g, "    LatencyObjective: %dms\n", 50 + pick(g, 500));
        if (chance(g, 0.2))
            out(g, "    QueueLimit: %d\n", pick(g, 2000));
    }
    out(g, "    Instances:\n      CapacityRpsPerVcpu: %.0f\n      BootTime: ", rps_per_vcpu);
    gen_dist_seconds(g, 20, 240);
    out(g, "\n");
    if (ft->timing) {
        out(g, "      Timing:\n        Default: {Launch: ");
        gen_dist_seconds(g, 10, 90);
        out(g, ", Start: %ds, Resume: %ds, Stop: %ds, Hibernate: %ds, Terminate: %ds}\n",
            10 + pick(g, 60), 10 + pick(g, 40), 20 + pick(g, 100), 30 + pick(g, 150),
            10 + pick(g, 80));
    }
    if (chance(g, 0.5)) {
        out(g, "    Billing:\n      Granularity: %s\n", chance(g, 0.7) ? "per-second" : "hourly");
        if (chance(g, 0.5))
            out(g, "      EbsGiBMonthUsd: 0.08\n");
        if (chance(g, 0.2))
            out(g, "      SavingsPlan: {CommitmentUsdPerHour: 0.05, Discount: 0.28}\n");
        if (chance(g, 0.2))
            out(g,
                "      ReservedInstances:\n        - {InstanceType: %s, Count: %d, "
                "UsdPerHour: 0.05}\n",
                g->type, 1 + pick(g, 3));
    }
    if (ft->mixed) {
        out(g, "    Spot:\n      DefaultInterruptionsPerHour: %.3f\n",
            chance(g, 0.7) ? 0.05 + gsl_rng_uniform(g->r) : 0.0);
        if (chance(g, 0.5)) {
            out(g, "      RebalanceLead: ");
            gen_dist_seconds(g, 60, 900);
            out(g, "\n");
        }
        if (chance(g, 0.5))
            out(g,
                "      Pools:\n        - {InstanceType: %s, AvailabilityZone: %s, "
                "InterruptionsPerHour: %.2f}\n",
                g->type, azs[pick(g, g->nr_azs)], 2 * gsl_rng_uniform(g->r));
    }
    if (chance(g, 0.4))
        out(g,
            "    CloudWatch: {PublicationDelay: %ds, NetworkInBytesPerRequest: 2000, "
            "NetworkOutBytesPerRequest: 20000}\n",
            60 * pick(g, 3));
    if (ft->subnets) {
        out(g, "    Subnets:\n");
        for (int i = 0; i < g->nr_azs; i++)
            out(g, "      subnet-%d: %s\n      subnet-%dx: %s\n", i, azs[i], i, azs[i]);
    }
    /* hook actions; a hook without an entry times out (a warning, still valid) */
    bool any = false;
    for (int i = 0; i < nr_hooks; i++) {
        if (chance(g, 0.15))
            continue;
        if (!any)
            out(g, "    Hooks:\n");
        any = true;
        out(g, "      %s:\n        Duration: ", hook_names[i]);
        gen_dist_seconds(g, 5, 600);
        out(g, "\n");
        if (chance(g, 0.5))
            out(g, "        FailureProbability: %.2f\n", 0.4 * gsl_rng_uniform(g->r));
        if (chance(g, 0.3))
            out(g, "        HeartbeatEvery: %ds\n", 10 + pick(g, 100));
    }
    if (ft->faults || ft->partition_failure || ft->outage) {
        out(g, "    Faults:\n");
        if (ft->faults) {
            out(g, "      InstanceFailureRate: %.3f\n", 0.5 * gsl_rng_uniform(g->r));
            out(g, "      ElbFailureRate: %.3f\n", 0.5 * gsl_rng_uniform(g->r));
        }
        if (ft->partition_failure)
            out(g, "      PartitionFailure: {At: %" PRId64 "s, Partition: 1, AZ: %s}\n",
                between(g, 0, g->duration_s), azs[pick(g, g->nr_azs)]);
        if (ft->outage) {
            int64_t from = between(g, 0, g->duration_s);
            out(g, "      InsufficientCapacity: {AZ: %s, From: %" PRId64 "s, To: %" PRId64 "s}\n",
                azs[pick(g, g->nr_azs)], from, from + between(g, 1, 7200));
        }
    }
    if (ft->versions)
        out(g,
            "    LaunchTemplateVersions:\n      - {At: %" PRId64 "s, Version: 2}\n"
            "      - {At: %" PRId64 "s, Version: 3}\n",
            g->duration_s / 4, g->duration_s / 2 + 1);
}

static void gen_alarm(struct gen *g, const char *name, const char *policy, bool up)
{
    out(g, "  %s:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n", name);
    bool cpu = chance(g, 0.8);
    out(g, "      Namespace: %s\n      MetricName: %s\n", cpu ? "AWS/EC2" : "AWS/AutoScaling",
        cpu ? "CPUUtilization" : "GroupInServiceInstances");
    out(g, "      Statistic: %s\n",
        (const char *[]){ "Average", "Maximum", "Minimum" }[pick(g, 3)]);
    int n = 1 + pick(g, 3);
    out(g, "      Period: %d\n      EvaluationPeriods: %d\n", 60 * (1 + pick(g, 3)), n);
    if (chance(g, 0.3))
        out(g, "      DatapointsToAlarm: %d\n", 1 + pick(g, n));
    double th = cpu ? (up ? 50 + 30 * gsl_rng_uniform(g->r) : 10 + 25 * gsl_rng_uniform(g->r))
                    : (double)(up ? 1 + pick(g, 4) : pick(g, 3));
    out(g, "      Threshold: %.1f\n      ComparisonOperator: %s\n", th,
        up ? cmp_up[pick(g, 2)] : cmp_down[pick(g, 2)]);
    if (chance(g, 0.3))
        out(g, "      TreatMissingData: %s\n",
            (const char *[]){ "missing", "ignore", "breaching", "notBreaching" }[pick(g, 4)]);
    if (chance(g, 0.05))
        out(g, "      ActionsEnabled: false\n");
    out(g, "      AlarmActions: [!Ref %s]\n", policy);
}

static void gen_simple(struct gen *g, int i, bool up)
{
    out(g,
        "  Simple%d:\n    Type: AWS::AutoScaling::ScalingPolicy\n    Properties:\n"
        "      AutoScalingGroupName: !Ref ASG\n",
        i);
    if (chance(g, 0.5))
        out(g, "      PolicyType: SimpleScaling\n");
    switch (pick(g, 3)) {
    case 0:
        out(g, "      AdjustmentType: ChangeInCapacity\n      ScalingAdjustment: %d\n",
            up ? 1 + pick(g, 3) : -1 - pick(g, 3));
        break;
    case 1:
        out(g, "      AdjustmentType: PercentChangeInCapacity\n      ScalingAdjustment: %d\n",
            up ? 10 + pick(g, 100) : -10 - pick(g, 80));
        if (chance(g, 0.5))
            out(g, "      MinAdjustmentMagnitude: %d\n", 1 + pick(g, 3));
        break;
    default:
        out(g, "      AdjustmentType: ExactCapacity\n      ScalingAdjustment: %" PRId64 "\n",
            between(g, g->min, g->max));
    }
    if (chance(g, 0.5))
        out(g, "      Cooldown: '%d'\n", pick(g, 600));
    char alarm[32], policy[32];
    snprintf(alarm, sizeof(alarm), "SimpleAlarm%d", i);
    snprintf(policy, sizeof(policy), "Simple%d", i);
    gen_alarm(g, alarm, policy, up);
}

static void gen_step(struct gen *g, int i, bool up)
{
    out(g,
        "  Step%d:\n    Type: AWS::AutoScaling::ScalingPolicy\n    Properties:\n"
        "      AutoScalingGroupName: !Ref ASG\n      PolicyType: StepScaling\n",
        i);
    int adj = pick(g, 3);
    out(g, "      AdjustmentType: %s\n",
        (const char *[]){ "ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity" }[adj]);
    if (adj == 1 && chance(g, 0.5))
        out(g, "      MinAdjustmentMagnitude: %d\n", 1 + pick(g, 3));
    if (chance(g, 0.5))
        out(g, "      EstimatedInstanceWarmup: %d\n", pick(g, 400));
    if (chance(g, 0.4))
        out(g, "      MetricAggregationType: %s\n",
            (const char *[]){ "Average", "Minimum", "Maximum" }[pick(g, 3)]);
    out(g, "      StepAdjustments:\n");
    int n = 1 + pick(g, 3);
    double bound = 0;
    for (int k = 0; k < n; k++) {
        double next = bound + 5 + 20 * gsl_rng_uniform(g->r);
        int64_t a = adj == 2   ? between(g, g->min, g->max)
                    : adj == 1 ? (up ? 10 + 30 * k : -10 - 20 * k)
                               : (up ? 1 + k : -1 - k);
        char extra[64] = "";
        if (k + 1 < n)
            snprintf(extra, sizeof(extra), ", MetricInterval%sBound: %.1f", up ? "Upper" : "Lower",
                     up ? next : -next);
        out(g, "        - {MetricInterval%sBound: %.1f%s, ScalingAdjustment: %" PRId64 "}\n",
            up ? "Lower" : "Upper",
            bound == 0 ? 0.0
            : up       ? bound
                       : -bound,
            extra, a);
        bound = next;
    }
    char alarm[32], policy[32];
    snprintf(alarm, sizeof(alarm), "StepAlarm%d", i);
    snprintf(policy, sizeof(policy), "Step%d", i);
    gen_alarm(g, alarm, policy, up);
}

static void gen_target(struct gen *g, int i)
{
    out(g,
        "  Target%d:\n    Type: AWS::AutoScaling::ScalingPolicy\n    Properties:\n"
        "      AutoScalingGroupName: !Ref ASG\n      PolicyType: TargetTrackingScaling\n",
        i);
    if (chance(g, 0.4))
        out(g, "      EstimatedInstanceWarmup: %d\n", pick(g, 400));
    out(g, "      TargetTrackingConfiguration:\n");
    switch (pick(g, 5)) {
    case 0:
        out(g,
            "        TargetValue: %.0f\n        PredefinedMetricSpecification:\n"
            "          PredefinedMetricType: ALBRequestCountPerTarget\n"
            "          ResourceLabel: app/web/123/targetgroup/web/456\n",
            100.0 + 2000 * gsl_rng_uniform(g->r));
        break;
    case 1:
        out(g,
            "        TargetValue: %.0f\n        PredefinedMetricSpecification:\n"
            "          PredefinedMetricType: %s\n",
            1e5 + 1e7 * gsl_rng_uniform(g->r),
            chance(g, 0.5) ? "ASGAverageNetworkIn" : "ASGAverageNetworkOut");
        break;
    default:
        out(g,
            "        TargetValue: %.1f\n        PredefinedMetricSpecification:\n"
            "          PredefinedMetricType: ASGAverageCPUUtilization\n",
            20 + 60 * gsl_rng_uniform(g->r));
    }
    if (chance(g, 0.3))
        out(g, "        DisableScaleIn: true\n");
}

/* Predictive scaling: runs with the rest (no history, so no forecast in runs under a day). */
static void gen_predictive(struct gen *g)
{
    out(g, "  Predictive:\n    Type: AWS::AutoScaling::ScalingPolicy\n    Properties:\n"
           "      AutoScalingGroupName: !Ref ASG\n      PolicyType: PredictiveScaling\n"
           "      PredictiveScalingConfiguration:\n        MetricSpecifications:\n"
           "          - TargetValue: 50\n            PredefinedMetricPairSpecification:\n"
           "                PredefinedMetricType: ASGCPUUtilization\n"
           "        Mode: ForecastAndScale\n");
}

static void gen_scheduled(struct gen *g, int i, int64_t start_epoch, int *minute_used)
{
    out(g,
        "  Sched%d:\n    Type: AWS::AutoScaling::ScheduledAction\n    Properties:\n"
        "      AutoScalingGroupName: !Ref ASG\n",
        i);
    int64_t cap = g->max + 2;
    int64_t mn = between(g, 0, cap), mx = between(g, mn, cap + 2), ds = between(g, mn, mx);
    int which = 1 + pick(g, 7); /* bit 0 MinSize, 1 MaxSize, 2 DesiredCapacity */
    if (which & 1)
        out(g, "      MinSize: %" PRId64 "\n", mn);
    if (which & 2)
        out(g, "      MaxSize: %" PRId64 "\n", mx);
    if (which & 4)
        out(g, "      DesiredCapacity: %" PRId64 "\n", ds);
    int64_t dur_min = g->duration_s / 60 > 1 ? g->duration_s / 60 : 1;
    if (chance(g, 0.5)) {
        /* a one-off action: AWS requires a unique time per action */
        int64_t m = between(g, 0, dur_min);
        while (minute_used[m % 512])
            m++;
        minute_used[m % 512] = 1;
        char stamp[21];
        utc_format(start_epoch + 60 * m, stamp);
        out(g, "      StartTime: '%s'\n", stamp);
    } else {
        char cron[32];
        int k = pick(g, 3);
        if (k == 0)
            snprintf(cron, sizeof(cron), "*/%d * * * *", 5 + pick(g, 40));
        else if (k == 1)
            snprintf(cron, sizeof(cron), "%d * * * *", pick(g, 60));
        else
            snprintf(cron, sizeof(cron), "%d,59 */2 * * *", pick(g, 59));
        out(g, "      Recurrence: '%s'\n", cron);
        if (chance(g, 0.3))
            out(g, "      TimeZone: %s\n", chance(g, 0.5) ? "America/New_York" : "Asia/Kolkata");
    }
}

/* The whole template for case `seed`, into a malloc'd string. */
static char *generate(uint64_t seed, struct features *ft_out)
{
    struct gen gg = { 0 }, *g = &gg;
    char *text = NULL;
    size_t len = 0;
    g->f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(g->f);
    g->r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g->r, (unsigned long)seed);
    struct features *ft = &g->ft;
    ft->pool_state = -1;
    ft->max_weight = 1;

    /* sizes */
    int size = pick(g, 20);
    if (size == 0) {
        ft->zero_max = true;
        g->min = g->max = 0;
    } else if (size <= 2) {
        ft->fixed = true;
        g->min = g->max = between(g, 1, 6);
    } else {
        g->min = between(g, 0, 3);
        g->max = g->min + between(g, 1, 10);
    }
    g->desired = between(g, g->min, g->max);
    g->nr_azs = 1 + pick(g, 3);
    g->type = types[pick(g, (int)ARRAY_SIZE(types))];
    ft->zero_duration = chance(g, 0.02);
    ft->lifetime = !ft->zero_duration && chance(g, 0.06);
    g->duration_s = ft->zero_duration ? 0
                    : ft->lifetime    ? between(g, 25 * 3600, 28 * 3600)
                                      : between(g, 1800, 4 * 3600);
    ft->request_fidelity = !ft->lifetime && g->duration_s <= 2 * 3600 && chance(g, 0.05);
    ft->subnets = chance(g, 0.3);

    /* placement, market, pool: a cluster group has one AZ; a warm pool has no mixed policy */
    if (chance(g, 0.25)) {
        ft->placement = true;
        int s = g->nr_azs == 1 ? pick(g, 3) : 1 + pick(g, 2);
        ft->cluster = s == 0;
        ft->partition = s == 1;
        ft->spread = s == 2;
    }
    ft->mixed = chance(g, 0.2);
    ft->warm_pool = !ft->mixed && chance(g, 0.25);
    ft->timing = ft->warm_pool || chance(g, 0.3);
    ft->hooks = chance(g, 0.4);
    ft->faults = chance(g, 0.4);
    ft->partition_failure = ft->partition && chance(g, 0.7);
    ft->outage = chance(g, 0.15);
    ft->versions = chance(g, 0.3);
    ft->protect = chance(g, 0.1);
    bool hibernate = ft->warm_pool && chance(g, 0.5);
    if (hibernate)
        g->type = hib_types[pick(g, (int)ARRAY_SIZE(hib_types))];

    int pcount = 1 + pick(g, 7);
    const char *hook_names[3] = { "hookA", "hookB", "hookC" };
    int nr_hooks = ft->hooks ? 1 + pick(g, 3) : 0;
    double rps_per_vcpu = (double)between(g, 20, 100);

    out(g, "AWSTemplateFormatVersion: '2010-09-09'\nDescription: property case %" PRIu64 "\n",
        seed);
    /* settings need the partition failure's partition to exist: partition 1 always does */
    gen_settings(g, rps_per_vcpu, hook_names, nr_hooks);

    out(g, "Resources:\n");
    out(g,
        "  LT:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n"
        "      LaunchTemplateData:\n        InstanceType: %s\n        ImageId: ami-0123\n",
        g->type);
    if (chance(g, 0.5))
        out(g, "        Monitoring: {Enabled: true}\n");
    if (hibernate)
        out(g, "        HibernationOptions: {Configured: true}\n        BlockDeviceMappings:\n"
               "          - DeviceName: /dev/xvda\n"
               "            Ebs: {VolumeSize: 32, VolumeType: gp3, Encrypted: true}\n");
    bool pg_in_lt = ft->placement && chance(g, 0.3);
    if (pg_in_lt)
        out(g, "        Placement: {GroupName: !Ref PG}\n");
    if (ft->placement) {
        out(g, "  PG:\n    Type: AWS::EC2::PlacementGroup\n    Properties:\n      Strategy: %s\n",
            ft->cluster     ? "cluster"
            : ft->partition ? "partition"
                            : "spread");
        if (ft->partition)
            out(g, "      PartitionCount: %d\n", pcount);
        if (ft->spread && chance(g, 0.5))
            out(g, "      SpreadLevel: rack\n");
    }

    out(g, "  ASG:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n");
    out(g, "      MinSize: '%" PRId64 "'\n      MaxSize: '%" PRId64 "'\n", g->min, g->max);
    if (chance(g, 0.8))
        out(g, "      DesiredCapacity: '%" PRId64 "'\n", g->desired);
    else
        g->desired = g->min;
    if (ft->subnets) {
        out(g, "      VPCZoneIdentifier: [");
        for (int i = 0; i < g->nr_azs; i++) {
            out(g, "%ssubnet-%d", i ? ", " : "", i);
            if (chance(g, 0.3)) /* a second subnet in the same zone */
                out(g, ", subnet-%dx", i);
        }
        out(g, "]\n");
    } else {
        out(g, "      AvailabilityZones: [");
        for (int i = 0; i < g->nr_azs; i++)
            out(g, "%s%s", i ? ", " : "", azs[i]);
        out(g, "]\n");
    }
    if (ft->placement && !pg_in_lt)
        out(g, "      PlacementGroup: !Ref PG\n");
    if (ft->mixed) {
        int nr_over = 1 + pick(g, 3);
        int strategy = pick(g, 4);
        out(g,
            "      MixedInstancesPolicy:\n        InstancesDistribution:\n"
            "          OnDemandBaseCapacity: %d\n"
            "          OnDemandPercentageAboveBaseCapacity: %d\n"
            "          SpotAllocationStrategy: %s\n",
            pick(g, 3), (int[]){ 0, 25, 50, 100 }[pick(g, 4)], spot_strategies[strategy]);
        if (strategy == 0 && chance(g, 0.5))
            out(g, "          SpotInstancePools: %d\n", 1 + pick(g, 3));
        if (chance(g, 0.5))
            out(g, "          OnDemandAllocationStrategy: %s\n",
                chance(g, 0.5) ? "prioritized" : "lowest-price");
        out(g, "        LaunchTemplate:\n          LaunchTemplateSpecification:\n"
               "            LaunchTemplateId: !Ref LT\n"
               "            Version: !GetAtt LT.LatestVersionNumber\n"
               "          Overrides:\n");
        ft->weights = chance(g, 0.5);
        int first = pick(g, (int)ARRAY_SIZE(types));
        for (int i = 0; i < nr_over; i++) {
            int w = ft->weights ? 1 + pick(g, 3) : 1;
            if (w > ft->max_weight)
                ft->max_weight = w;
            out(g, "            - {InstanceType: %s", types[(first + i) % (int)ARRAY_SIZE(types)]);
            if (ft->weights)
                out(g, ", WeightedCapacity: '%d'", w);
            out(g, "}\n");
        }
    } else {
        out(g, "      LaunchTemplate:\n        LaunchTemplateId: !Ref LT\n"
               "        Version: !GetAtt LT.LatestVersionNumber\n");
    }
    if (chance(g, 0.5))
        out(g, "      Cooldown: '%d'\n", pick(g, 600));
    if (chance(g, 0.3))
        out(g, "      DefaultInstanceWarmup: %d\n", pick(g, 5) == 0 ? -1 : pick(g, 600));
    if (chance(g, 0.5)) {
        out(g, "      HealthCheckType: %s\n",
            (const char *[]){ "EC2", "ELB", "EC2,ELB" }[pick(g, 3)]);
        out(g, "      HealthCheckGracePeriod: %d\n", pick(g, 600));
    }
    if (ft->lifetime)
        out(g, "      MaxInstanceLifetime: %d\n", 86400 + pick(g, 3600));
    if (ft->protect)
        out(g, "      NewInstancesProtectedFromScaleIn: true\n");
    if (chance(g, 0.4)) {
        out(g, "      TerminationPolicies: [");
        int n = 1 + pick(g, 3), first = pick(g, (int)ARRAY_SIZE(term_policies));
        for (int i = 0; i < n; i++)
            out(g, "%s%s", i ? ", " : "",
                term_policies[(first + i) % (int)ARRAY_SIZE(term_policies)]);
        out(g, "%s]\n", chance(g, 0.5) ? ", Default" : "");
    }
    /* hooks: some in the group's list, some as AWS::AutoScaling::LifecycleHook resources */
    bool in_list[3];
    int nr_list = 0;
    for (int i = 0; i < nr_hooks; i++) {
        in_list[i] = chance(g, 0.6);
        nr_list += in_list[i];
    }
    if (nr_list)
        out(g, "      LifecycleHookSpecificationList:\n");
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < nr_hooks; i++) {
            if (in_list[i] != (pass == 0))
                continue;
            const char *ind = pass == 0 ? "        " : "    ";
            if (pass == 0) {
                out(g, "        - LifecycleHookName: %s\n", hook_names[i]);
            } else {
                ft->hook_resource = true;
                out(g,
                    "  %s:\n    Type: AWS::AutoScaling::LifecycleHook\n    Properties:\n"
                    "      AutoScalingGroupName: !Ref ASG\n",
                    hook_names[i]);
            }
            out(g, "%s  LifecycleTransition: autoscaling:EC2_INSTANCE_%s\n", ind,
                chance(g, 0.5) ? "LAUNCHING" : "TERMINATING");
            out(g, "%s  HeartbeatTimeout: %d\n", ind, 30 + pick(g, 900));
            if (chance(g, 0.8))
                out(g, "%s  DefaultResult: %s\n", ind, chance(g, 0.5) ? "CONTINUE" : "ABANDON");
        }
    }
    if (ft->warm_pool) {
        ft->pool_state = pick(g, 3);
        out(g,
            "  Pool:\n    Type: AWS::AutoScaling::WarmPool\n    Properties:\n"
            "      AutoScalingGroupName: !Ref ASG\n      PoolState: %s\n",
            (const char *[]){ "Stopped", "Running", "Hibernated" }[ft->pool_state]);
        if (chance(g, 0.6))
            out(g, "      MinSize: %d\n", pick(g, 3));
        if (chance(g, 0.4))
            out(g, "      MaxGroupPreparedCapacity: %" PRId64 "\n", between(g, -1, g->max + 3));
        if (chance(g, 0.6))
            out(g, "      InstanceReusePolicy: {ReuseOnScaleIn: %s}\n",
                chance(g, 0.5) ? "true" : "false");
    }

    /* scaling: each kind with some chance, at most a few of each */
    int nr_simple = chance(g, 0.35) ? 1 + pick(g, 2) : 0;
    int nr_step = chance(g, 0.35) ? 1 + pick(g, 2) : 0;
    int nr_target = chance(g, 0.35) ? 1 + pick(g, 2) : 0;
    int nr_sched = chance(g, 0.35) ? 1 + pick(g, 3) : 0;
    ft->simple = nr_simple > 0;
    ft->step = nr_step > 0;
    ft->target = nr_target > 0;
    ft->scheduled = nr_sched > 0;
    ft->predictive = chance(g, 0.05);
    for (int i = 0; i < nr_simple; i++)
        gen_simple(g, i, i == 0);
    for (int i = 0; i < nr_step; i++)
        gen_step(g, i, i == 0);
    for (int i = 0; i < nr_target; i++)
        gen_target(g, i);
    if (ft->predictive)
        gen_predictive(g);
    int minute_used[512] = { 0 };
    /* one-off actions must not be before the scenario's StartTime: read it back */
    char *head = NULL;
    fflush(g->f);
    head = strstr(text, "StartTime: '");
    ck_assert_ptr_nonnull(head);
    char stamp[21];
    memcpy(stamp, head + 12, 20);
    stamp[20] = '\0';
    ck_assert(utc_parse(stamp, &g->start_epoch));
    for (int i = 0; i < nr_sched; i++)
        gen_scheduled(g, i, g->start_epoch, minute_used);

    fclose(g->f);
    gsl_rng_free(g->r);
    *ft_out = *ft;
    return text;
}

#endif /* ASGSIM_TEST_PROPERTY_GEN_H */
