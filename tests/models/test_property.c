/*
 * Property test over generated scenarios (issue 9 point 2, issue 4 point 8).
 *
 * Each case is a random but VALID CloudFormation template with `Metadata: ASGSim::Scenario`,
 * written as YAML text, so it goes through the real pipeline: scenario_load() (the
 * CloudFormation layer and every *_config.c binder), then run_scenario() into the memory
 * sink. The generator spans group sizes (MaxSize 0, Min = Max), 1-3 AZs (zones or subnets),
 * simple / step / target-tracking / predictive policies with their alarms, scheduled
 * actions, lifecycle hooks (both transitions, durations, failures, heartbeats, timeouts,
 * CONTINUE / ABANDON), warm pools (each PoolState, ReuseOnScaleIn), placement groups
 * (cluster, partition, spread), MixedInstancesPolicy with Spot, EC2 and ELB failures,
 * partition failures, insufficient capacity, MaxInstanceLifetime, launch template versions,
 * termination policies, billing options and every workload kind but trace replay.
 *
 * On every case, from the tables the run wrote:
 *  - /events: times never go backwards and stay within the run; replaying the rows keeps
 *    each instance in exactly one state (a row's `from` is the state the instance is in),
 *    every change is a transition AWS's lifecycle allows, launches are new ids;
 *  - /timeseries: at every sample, some point among the events of that instant gives the
 *    per-state counts the sample shows, and there the capacity (Pending* + InService, in
 *    weighted units) is at most MaxSize (plus the largest weight - 1 with weights, as AWS
 *    documents) and at least desired unless a launch failed; MinSize <= desired <= MaxSize;
 *  - billing: every cost column is >= 0 and never decreases; per-instance costs are >= 0
 *    and add up to /summary/cost;
 *  - every launched instance has exactly one /instances row and is terminated or still
 *    live at the end; the summary counts agree with the replay;
 *  - /summary: no NaN or infinity except where documented, served + dropped <= arrived
 *    (property_figures.h).
 *
 * ASGSIM_PROPERTY_CASES=N runs N cases (default 1000), ASGSIM_PROPERTY_SEED=S starts at
 * seed S (default 1). A failure prints the seed, the YAML and the command that re-runs it,
 * and keeps the YAML under build/tests/tmp/property-SEED.yaml for `asgsim run`.
 */
#include "helpers.h"
#include "lifecycle_rules.h"
#include "property_figures.h"

#include "asgsim/asg.h"
#include "asgsim/run.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"

#include <check.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

#define DEFAULT_CASES 1000
#define STATE_NONE    LIFECYCLE_NR /* /events `from` of a launch row */

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

/* ---- the invariants ----------------------------------------------------------------------- */

static bool counts_capacity(int state)
{
    return state == LIFECYCLE_PENDING || state == LIFECYCLE_PENDING_WAIT ||
           state == LIFECYCLE_PENDING_PROCEED || state == LIFECYCLE_IN_SERVICE;
}

static bool is_final(int state)
{
    return state == LIFECYCLE_TERMINATED || state == LIFECYCLE_WARMED_TERMINATED;
}

/* The per-state columns of /timeseries, by state. */
static const struct {
    const char *column;
    int state;
} ts_states[] = {
    { "pending", LIFECYCLE_PENDING },
    { "pending_wait", LIFECYCLE_PENDING_WAIT },
    { "in_service", LIFECYCLE_IN_SERVICE },
    { "terminating", LIFECYCLE_TERMINATING },
    { "terminating_wait", LIFECYCLE_TERMINATING_WAIT },
    { "warmed_pending", LIFECYCLE_WARMED_PENDING },
    { "warmed_pending_wait", LIFECYCLE_WARMED_PENDING_WAIT },
    { "warmed_stopped", LIFECYCLE_WARMED_STOPPED },
    { "warmed_running", LIFECYCLE_WARMED_RUNNING },
    { "warmed_hibernated", LIFECYCLE_WARMED_HIBERNATED },
};

static const char *const cost_columns[] = { "cost_usd", "cost_on_demand_usd", "cost_spot_usd",
                                            "cost_storage_usd" };

/* What all cases showed, so the test proves it exercised each feature. */
static struct {
    uint64_t cases, rejected;
    uint64_t gen[32]; /* per feature flag, see count_features() */
    uint64_t warm_starts, returned, spot_interruptions, partition_failed, abandoned, lifetime,
            launch_failures, launch_retries, rebalance_launches, pool_health, health, hook_actions,
            hook_timeouts, policy_changes, scheduled_changes, launched, samples, events;
    double arrived; /* requests: the request checks saw traffic */
} seen;

struct pcase {
    uint64_t seed;
    const char *yaml;
    const struct features *ft;
    struct trace_sink *sink;
};

static void case_fail(const struct pcase *c, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4), noreturn));

/* Print what reproduces the case, keep its YAML, then fail the test. */
static void case_fail(const struct pcase *c, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    char name[64];
    snprintf(name, sizeof(name), "property-%" PRIu64 ".yaml", c->seed);
    char *path = test_tmp_path(name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(c->yaml, f);
        fclose(f);
    }
    fprintf(stderr,
            "property case %" PRIu64 " failed (test_property.c:%d): %s\n"
            "--- generated scenario (kept as %s) ---\n%s--- end ---\n"
            "re-run: ASGSIM_PROPERTY_SEED=%" PRIu64 " ASGSIM_PROPERTY_CASES=1 "
            "CK_RUN_SUITE=property build/tests/check_models\n"
            "    or: build/asgsim run %s -o /tmp/property.h5\n",
            c->seed, line, msg, path, c->yaml, c->seed, path);
    free(path);
    ck_abort_msg("property case %" PRIu64 ": %s", c->seed, msg);
}

#define CHECK(c, cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            case_fail((c), __LINE__, __VA_ARGS__);                                                 \
    } while (0)

static const union trace_value *cell(const struct pcase *c, const char *table, size_t row,
                                     const char *field)
{
    const union trace_value *v = trace_mem_cell(c->sink, table, row, field);
    CHECK(c, v, "%s row %zu has no field %s", table, row, field);
    return v;
}

static double summary(const struct pcase *c, const char *name)
{
    char path[96];
    snprintf(path, sizeof(path), "/summary/%s", name);
    double v = trace_mem_scalar(c->sink, path);
    CHECK(c, !isnan(v), "%s is missing", path);
    return v;
}

struct replay {
    int *state; /* per instance id; -1 before its launch */
    int32_t *weight;
    size_t nr_ids;
    size_t count[LIFECYCLE_NR];
    int64_t units; /* Pending* + InService, weighted */
};

static void apply(const struct pcase *c, struct replay *rp, size_t row, double duration_s)
{
    uint32_t id = cell(c, "/events", row, "instance")->u32;
    int from = cell(c, "/events", row, "from")->i32, to = cell(c, "/events", row, "to")->i32;
    double t = cell(c, "/events", row, "time_s")->f64;
    CHECK(c, id > 0 && id < rp->nr_ids, "/events row %zu: instance %u unknown", row, id);
    CHECK(c, t >= 0 && t <= duration_s, "/events row %zu: time %g outside the run", row, t);
    CHECK(c, to >= 0 && to < LIFECYCLE_NR, "/events row %zu: bad state %d", row, to);
    if (from == STATE_NONE) {
        CHECK(c, rp->state[id] == -1, "/events row %zu: instance %u launched twice", row, id);
        CHECK(c, to == LIFECYCLE_PENDING || to == LIFECYCLE_WARMED_PENDING,
              "/events row %zu: instance %u launched into %s", row, id, lifecycle_state_names[to]);
    } else {
        CHECK(c, from >= 0 && from < LIFECYCLE_NR, "/events row %zu: bad state %d", row, from);
        /* the instance is in exactly one state: the one this row says it leaves */
        CHECK(c, rp->state[id] == from, "/events row %zu: instance %u leaves %s but is in %s", row,
              id, lifecycle_state_names[from],
              rp->state[id] < 0 ? "no state" : lifecycle_state_names[rp->state[id]]);
        if (from == to) /* a health check or Spot signal: no change */
            return;
        CHECK(c, lifecycle_allowed(from, to),
              "/events row %zu: instance %u: %s -> %s is not a lifecycle "
              "transition",
              row, id, lifecycle_state_names[from], lifecycle_state_names[to]);
        rp->count[from]--;
        if (counts_capacity(from))
            rp->units -= rp->weight[id];
    }
    rp->state[id] = to;
    rp->count[to]++;
    if (counts_capacity(to))
        rp->units += rp->weight[id];
}

static bool sample_matches(const struct pcase *c, const struct replay *rp, size_t row)
{
    for (size_t k = 0; k < ARRAY_SIZE(ts_states); k++)
        if ((size_t)cell(c, "/timeseries", row, ts_states[k].column)->i32 !=
            rp->count[ts_states[k].state])
            return false;
    return true;
}

/* Capacity bounds at a sample; NULL when they hold, else what is wrong. */
static const char *capacity_problem(const struct pcase *c, const struct replay *rp, size_t row,
                                    bool launch_failed, bool rebalancing,
                                    const double *protected_from, char *buf, size_t n)
{
    double t = cell(c, "/timeseries", row, "time_s")->f64;
    int32_t desired = cell(c, "/timeseries", row, "desired_capacity")->i32;
    int32_t min = cell(c, "/timeseries", row, "min_size")->i32;
    int32_t max = cell(c, "/timeseries", row, "max_size")->i32;
    /* AWS: with weights the group may exceed MaxSize by at most the largest weight (it
       stops once desired is met or exceeded); AZ rebalancing by 10 % or 1 instance; and
       scale-in never terminates protected instances, so once a scale-in found only
       protected ones (the activity "...all remaining instances are protected from
       scale-in.") a lowered MaxSize may stay below them. */
    int64_t limit = (int64_t)max + c->ft->max_weight - 1;
    if (rebalancing)
        limit += max / 10 > 1 ? max / 10 : 1;
    if (min < 0 || min > desired || desired > max)
        snprintf(buf, n, "min %d, desired %d, max %d", min, desired, max);
    else if (rp->units > limit && !(protected_from && t >= protected_from[0]))
        snprintf(buf, n, "capacity %" PRId64 " above MaxSize %d", rp->units, max);
    else if (!launch_failed && rp->units < desired)
        snprintf(buf, n, "capacity %" PRId64 " below desired %d without a failed launch", rp->units,
                 desired);
    else
        return NULL;
    return buf;
}

static bool has_text(const struct pcase *c, const char *table, const char *field, const char *s)
{
    for (size_t i = 0; i < trace_mem_rows(c->sink, table); i++)
        if (strstr(cell(c, table, i, field)->str, s))
            return true;
    return false;
}

/* An instance EC2 interrupted ended in (from, to]. */
static bool spot_interrupted_between(const struct pcase *c, double from, double to)
{
    for (size_t i = 0; i < trace_mem_rows(c->sink, "/instances"); i++) {
        double t = cell(c, "/instances", i, "terminate_time_s")->f64;
        if (cell(c, "/instances", i, "interrupted")->i32 && t > from && t <= to)
            return true;
    }
    return false;
}

static void check_run(const struct pcase *c, const struct scenario *sc, const struct run_summary *r)
{
    double duration_s = sim_time_to_seconds(sc->duration);
    size_t nr_ev = trace_mem_rows(c->sink, "/events");
    size_t nr_ts = trace_mem_rows(c->sink, "/timeseries");
    size_t nr_inst = trace_mem_rows(c->sink, "/instances");
    CHECK(c, nr_ts >= 1, "no /timeseries rows");

    /* ids and weights from /instances: one row per launched instance */
    struct replay rp = { 0 };
    rp.nr_ids = nr_inst + 2;
    rp.state = xcalloc(rp.nr_ids, sizeof(*rp.state));
    rp.weight = xcalloc(rp.nr_ids, sizeof(*rp.weight));
    for (size_t i = 0; i < rp.nr_ids; i++)
        rp.state[i] = -1;
    double sum_cost = 0;
    for (size_t i = 0; i < nr_inst; i++) {
        uint32_t id = cell(c, "/instances", i, "instance")->u32;
        CHECK(c, id > 0 && id <= nr_inst, "/instances row %zu: id %u of %zu", i, id, nr_inst);
        CHECK(c, rp.weight[id] == 0, "/instances: instance %u reported twice", id);
        int32_t w = cell(c, "/instances", i, "weight")->i32;
        CHECK(c, w >= 1 && w <= c->ft->max_weight, "instance %u: weight %d", id, w);
        rp.weight[id] = w;
        double cost = cell(c, "/instances", i, "cost_usd")->f64;
        double storage = cell(c, "/instances", i, "storage_cost_usd")->f64;
        CHECK(c, cost >= 0 && storage >= 0 && cell(c, "/instances", i, "billed_s")->i64 >= 0,
              "instance %u: cost %g, storage %g", id, cost, storage);
        sum_cost += cost;
    }
    CHECK(c, (double)nr_inst == summary(c, "instances_launched"),
          "%zu /instances rows, %g launched", nr_inst, summary(c, "instances_launched"));

    bool launch_failed = summary(c, "launch_failures") > 0;
    /* AWS's cause for rebalancing launches (asg.c rebalance()) */
    bool rebalancing = has_text(c, "/activities", "cause",
                                "instances were launched to balance instances in zones");
    double protected_at = HUGE_VAL;
    for (size_t i = 0; i < trace_mem_rows(c->sink, "/activities"); i++)
        if (strstr(cell(c, "/activities", i, "cause")->str, "protected from scale-in") &&
            cell(c, "/activities", i, "start_time_s")->f64 < protected_at)
            protected_at = cell(c, "/activities", i, "start_time_s")->f64;
    char buf[160];
    double last_t = 0;
    double last_cost[ARRAY_SIZE(cost_columns)] = { 0 };
    size_t e = 0;
    for (size_t s = 0; s < nr_ts; s++) {
        double t = cell(c, "/timeseries", s, "time_s")->f64;
        /* apply the events before the sample's instant */
        for (; e < nr_ev && cell(c, "/events", e, "time_s")->f64 < t; e++) {
            double te = cell(c, "/events", e, "time_s")->f64;
            CHECK(c, te >= last_t, "/events row %zu: time %g before %g", e, te, last_t);
            last_t = te;
            apply(c, &rp, e, duration_s);
        }
        /* the sample fired somewhere among the events of its instant */
        const char *problem = "the per-state counts match no point of the instant";
        for (;;) {
            if (sample_matches(c, &rp, s)) {
                problem = capacity_problem(c, &rp, s, launch_failed, rebalancing, &protected_at,
                                           buf, sizeof(buf));
                if (!problem)
                    break;
            }
            if (e == nr_ev || cell(c, "/events", e, "time_s")->f64 != t)
                break;
            last_t = t;
            apply(c, &rp, e++, duration_s);
        }
        CHECK(c, !problem, "sample %zu (t = %g s): %s", s, t, problem);
        /* AWS does not charge a Spot Instance it interrupts in its first hour
           (billing-for-interrupted-spot-instances): that refund is the one decrease. */
        bool refund = s > 0 &&
                      spot_interrupted_between(c, cell(c, "/timeseries", s - 1, "time_s")->f64, t);
        for (size_t k = 0; k < ARRAY_SIZE(cost_columns); k++) {
            double v = cell(c, "/timeseries", s, cost_columns[k])->f64;
            bool may_drop = refund && (k == 0 || !strcmp(cost_columns[k], "cost_spot_usd"));
            /* the sum of live meters plus the retired total is re-added in another order
               once an instance retires: allow rounding in the last bits, nothing more */
            double ulps = 1e-12 * (1 + last_cost[k]);
            CHECK(c, v >= 0 && (v >= last_cost[k] - ulps || may_drop),
                  "sample %zu: %s %.17g after %.17g", s, cost_columns[k], v, last_cost[k]);
            last_cost[k] = v;
        }
    }
    for (; e < nr_ev; e++) {
        double te = cell(c, "/events", e, "time_s")->f64;
        CHECK(c, te >= last_t, "/events row %zu: time %g before %g", e, te, last_t);
        last_t = te;
        apply(c, &rp, e, duration_s);
    }

    /* every launched instance: terminated, or still live at the end */
    size_t terminated = 0;
    for (size_t i = 0; i < nr_inst; i++) {
        uint32_t id = cell(c, "/instances", i, "instance")->u32;
        CHECK(c, rp.state[id] >= 0, "instance %u has a row but no launch event", id);
        double tt = cell(c, "/instances", i, "terminate_time_s")->f64;
        if (is_final(rp.state[id])) {
            terminated++;
            CHECK(c, tt >= 0 && tt <= duration_s, "instance %u: terminated at %g", id, tt);
        }
    }
    for (size_t id = nr_inst + 1; id < rp.nr_ids; id++)
        CHECK(c, rp.state[id] == -1, "instance %zu launched without an /instances row", id);
    CHECK(c, (double)terminated == summary(c, "instances_terminated"),
          "%zu terminated by /events, %g in /summary", terminated,
          summary(c, "instances_terminated"));

    /* the bill: never negative, per-instance rows add up, the last sample below the end */
    CHECK(c, r->cost_usd >= 0 && fabs(sum_cost - r->cost_usd) <= 1e-9 * (1 + r->cost_usd),
          "summary cost %.12g, /instances sum %.12g", r->cost_usd, sum_cost);
    double last_sample_t = cell(c, "/timeseries", nr_ts - 1, "time_s")->f64;
    CHECK(c,
          last_cost[0] <= r->cost_usd + 1e-9 ||
                  spot_interrupted_between(c, last_sample_t, duration_s),
          "last sample cost %g above the total %g", last_cost[0], r->cost_usd);
    static const char *const costs[] = {
        "cost_on_demand_usd",    "cost_spot_usd",
        "cost_storage_usd",      "cost_reserved_instances_usd",
        "cost_savings_plan_usd", "cost_on_demand_after_discounts_usd",
        "cost_total_usd"
    };
    for (size_t k = 0; k < ARRAY_SIZE(costs); k++)
        CHECK(c, summary(c, costs[k]) >= 0, "/summary/%s is %g", costs[k], summary(c, costs[k]));
    CHECK(c, r->instance_hours >= 0, "instance hours %g", r->instance_hours);
    /* no undocumented NaN; served + dropped <= arrived (property_figures.h) */
    const char *figures = summary_problem(r, buf, sizeof(buf));
    CHECK(c, !figures, "%s", figures);
    seen.arrived += r->requests_arrived;

    /* activities lie within the run */
    for (size_t i = 0; i < trace_mem_rows(c->sink, "/activities"); i++) {
        double a = cell(c, "/activities", i, "start_time_s")->f64;
        double b = cell(c, "/activities", i, "end_time_s")->f64;
        CHECK(c, a >= 0 && a <= duration_s && (isnan(b) || (b >= a && b <= duration_s)),
              "/activities row %zu: %g to %g", i, a, b);
    }

    seen.warm_starts += (uint64_t)summary(c, "warm_starts");
    seen.returned += (uint64_t)summary(c, "returned_to_warm_pool");
    seen.spot_interruptions += (uint64_t)summary(c, "spot_interruptions");
    seen.partition_failed += (uint64_t)summary(c, "partition_failed_instances");
    seen.abandoned += (uint64_t)summary(c, "launches_abandoned");
    seen.lifetime += (uint64_t)summary(c, "lifetime_replacements");
    seen.launch_failures += (uint64_t)summary(c, "launch_failures");
    seen.launch_retries += (uint64_t)summary(c, "launch_retries");
    seen.rebalance_launches += (uint64_t)summary(c, "rebalance_launches");
    seen.pool_health += (uint64_t)summary(c, "warm_pool_health_replacements");
    seen.health += (uint64_t)summary(c, "health_replacements");
    seen.hook_actions += (uint64_t)summary(c, "lifecycle_actions");
    seen.hook_timeouts += (uint64_t)summary(c, "lifecycle_action_timeouts");
    if (!isnan(trace_mem_scalar(c->sink, "/summary/policy_capacity_changes"))) {
        seen.policy_changes += (uint64_t)summary(c, "policy_capacity_changes");
        seen.scheduled_changes += (uint64_t)summary(c, "scheduled_capacity_changes");
    }
    seen.launched += nr_inst;
    seen.samples += nr_ts;
    seen.events += nr_ev;
    free(rp.state);
    free(rp.weight);
}

static void count_features(const struct features *ft)
{
    const bool flags[] = { ft->zero_max,
                           ft->fixed,
                           ft->subnets,
                           ft->cluster,
                           ft->partition,
                           ft->spread,
                           ft->mixed,
                           ft->weights,
                           ft->warm_pool,
                           ft->hooks,
                           ft->hook_resource,
                           ft->timing,
                           ft->lifetime,
                           ft->versions,
                           ft->simple,
                           ft->step,
                           ft->target,
                           ft->predictive,
                           ft->scheduled,
                           ft->faults,
                           ft->outage,
                           ft->partition_failure,
                           ft->request_fidelity,
                           ft->protect,
                           ft->zero_duration,
                           ft->pool_state == 0,
                           ft->pool_state == 1,
                           ft->pool_state == 2 };
    _Static_assert(ARRAY_SIZE(flags) <= ARRAY_SIZE(seen.gen), "room for every flag");
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
        seen.gen[i] += flags[i];
}

static void run_case(uint64_t seed)
{
    struct features ft;
    char *yaml = generate(seed, &ft);
    struct pcase c = { seed, yaml, &ft, NULL };
    char *path = test_tmp_path("property.yaml");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(yaml, f);
    ck_assert_int_eq(fclose(f), 0);

    struct diag_list d = { 0 };
    struct scenario sc;
    int rc = scenario_load(&sc, path, NULL, &d);
    if (rc != 0 || diag_has_errors(&d)) {
        diag_print(&d, stderr);
        case_fail(&c, __LINE__, "the loader rejected a generated scenario (%s)", asg_strerror(rc));
    }
    c.sink = trace_mem_new();
    struct run_summary r;
    rc = run_scenario(&sc, NULL, c.sink, &r, &d);
    if (rc != 0) {
        diag_print(&d, stderr);
        case_fail(&c, __LINE__, "run_scenario failed (%s)", asg_strerror(rc));
    }
    check_run(&c, &sc, &r);
    CHECK(&c, trace_close(c.sink, true) == 0, "closing the memory sink failed");
    count_features(&ft);
    seen.cases++;
    trace_sink_free(c.sink);
    scenario_release(&sc);
    diag_list_release(&d);
    free(path);
    free(yaml);
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    ck_assert_msg(*end == '\0', "%s must be a number, got '%s'", name, v);
    return (uint64_t)x;
}

START_TEST(test_property_invariants_hold_over_generated_scenarios)
{
    uint64_t first = env_u64("ASGSIM_PROPERTY_SEED", 1);
    uint64_t n = env_u64("ASGSIM_PROPERTY_CASES", DEFAULT_CASES);
    for (uint64_t s = first; s < first + n; s++)
        run_case(s);
    ck_assert_uint_eq(seen.cases, n);
    if (n < DEFAULT_CASES)
        return; /* a re-run of a few cases: coverage is only asked of the full set */
    static const char *const names[] = { "MaxSize 0",
                                         "Min = Max",
                                         "subnets",
                                         "cluster",
                                         "partition",
                                         "spread",
                                         "mixed instances",
                                         "weights",
                                         "warm pool",
                                         "hooks",
                                         "hook resources",
                                         "EC2 timing",
                                         "MaxInstanceLifetime",
                                         "template versions",
                                         "simple policy",
                                         "step policy",
                                         "target tracking",
                                         "predictive",
                                         "scheduled actions",
                                         "instance failures",
                                         "insufficient capacity",
                                         "partition failure",
                                         "request fidelity",
                                         "scale-in protection",
                                         "zero duration",
                                         "pool Stopped",
                                         "pool Running",
                                         "pool Hibernated" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        ck_assert_msg(seen.gen[i] > 0, "no case generated %s", names[i]);
    /* and the features did something */
    ck_assert_uint_gt(seen.warm_starts, 0);
    ck_assert_uint_gt(seen.returned, 0);
    ck_assert_uint_gt(seen.spot_interruptions, 0);
    ck_assert_uint_gt(seen.partition_failed, 0);
    ck_assert_uint_gt(seen.abandoned, 0);
    ck_assert_uint_gt(seen.lifetime, 0);
    ck_assert_uint_gt(seen.launch_failures, 0);
    ck_assert_uint_gt(seen.launch_retries, 0);
    ck_assert_uint_gt(seen.rebalance_launches, 0);
    ck_assert_uint_gt(seen.pool_health, 0);
    ck_assert_uint_gt(seen.health, 0);
    ck_assert_uint_gt(seen.hook_actions, 0);
    ck_assert_uint_gt(seen.hook_timeouts, 0);
    ck_assert_uint_gt(seen.policy_changes, 0);
    ck_assert_uint_gt(seen.scheduled_changes, 0);
    ck_assert(seen.arrived > 0);
}

END_TEST

/* The generator is a pure function of the seed: a printed seed reproduces its case. */
START_TEST(test_property_generation_is_deterministic)
{
    struct features a, b;
    char *x = generate(4242, &a), *y = generate(4242, &b), *z = generate(4243, &b);
    ck_assert_str_eq(x, y);
    ck_assert_str_ne(x, z);
    free(x);
    free(y);
    free(z);
}

END_TEST

Suite *property_suite(void);

Suite *property_suite(void)
{
    Suite *s = suite_create("property");
    TCase *tc = tcase_create("core");
    /* about 0.1 s per case under ASan on a loaded machine, with room to spare */
    const char *v = getenv("ASGSIM_PROPERTY_CASES");
    double n = v && *v ? strtod(v, NULL) : DEFAULT_CASES;
    tcase_set_timeout(tc, 120.0 + 0.2 * n);
    tcase_add_test(tc, test_property_generation_is_deterministic);
    tcase_add_test(tc, test_property_invariants_hold_over_generated_scenarios);
    suite_add_tcase(s, tc);
    return s;
}
