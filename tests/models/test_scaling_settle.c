/*
 * Target tracking settles where the load puts it (issue 15 item 1).
 *
 * The defect: CloudWatch repeats an Auto Scaling alarm action once a minute while the alarm
 * stays in ALARM (AlarmThatSendsEmail), and each repeat applied the reading taken at the old
 * capacity to the current capacity, so one low reading was applied again and again:
 * 30 -> 10 -> 4 -> 3 instances for a load that needs 10, then requests were dropped.
 *
 * Conventions of every scenario here: c6i.large (2 vCPUs) at CapacityRpsPerVcpu 50, so
 * C = 100 requests/s per instance at 100 % CPU; a target-tracking policy on
 * ASGAverageCPUUtilization with target T; fluid fidelity with 60 s samples. For a load of
 * L requests/s:
 *   needed = ceil(L / (C x T/100))            the fewest instances that keep CPU <= T, so
 *                                             AlarmHigh (metric > T) stays quiet;
 *   upper  = floor(L / (C x 0.7 T/100))       the most instances that keep CPU >= 0.7 T, the
 *                                             AlarmLow threshold (70 % of the target, the
 *                                             default of the Metadata key
 *                                             `TargetTracking: {ScaleInThresholdRatio: 0.7}`;
 *                                             lab notes show target 50 -> AlarmLow "< 35",
 *                                             aws-behaviour.md 4.3), so AlarmLow stays quiet.
 * A capacity in [needed, upper] is one neither alarm moves.
 *
 * These tests FAIL on the code before the fix (they pin it); see each test's comment.
 */
#include "run_helpers.h"

#include "asgsim/policy.h"
#include "asgsim/run.h"
#include "asgsim/util.h"

#include <check.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RPS_PER_INSTANCE 100.0 /* c6i.large: 2 vCPUs x 50 requests/s */
#define LOW_RATIO        0.7   /* AlarmLow threshold / target (the default after the fix) */

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

/* Load the scenario text `yaml` (written as tmp file `name`) and run it into the memory sink. */
static void run_text(const char *name, const char *yaml)
{
    test_run_text(name, yaml, &sc, &d, &sink);
}

static size_t rows(void)
{
    return trace_mem_rows(sink, "/timeseries");
}

static double ts_f64(size_t row, const char *col)
{
    return trace_mem_cell(sink, "/timeseries", row, col)->f64;
}

static int32_t ts_i32(size_t row, const char *col)
{
    return trace_mem_cell(sink, "/timeseries", row, col)->i32;
}

static int64_t needed_for(double load, double target)
{
    return (int64_t)ceil(load / (RPS_PER_INSTANCE * target / 100) - 1e-9);
}

static int64_t upper_for(double load, double target)
{
    return (int64_t)floor(load / (RPS_PER_INSTANCE * LOW_RATIO * target / 100) + 1e-9);
}

/* ---- the step-down scenario ---------------------------------------------------------------- */

/*
 * scenarios/diurnal-target-tracking.yaml with the load of issue 15 item 1: 1500 requests/s
 * stepping down to 500 at 3h, DesiredCapacity 30, MaxSize 60, 6 hours. Everything else
 * (target 50 % CPU, DefaultInstanceWarmup 120, lognormal boot, 60 s publication delay,
 * least-outstanding-requests, QueueLimit 500) is the scenario file's.
 */
static const char step_down_yaml[] =
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Metadata:\n"
        "  ASGSim::Scenario:\n"
        "    Duration: 6h\n"
        "    Seed: 20240101\n"
        "    StartTime: '2024-01-01T00:00:00Z'\n"
        "    SampleInterval: 60s\n"
        "    Fidelity: fluid\n"
        "    LoadBalancer: least-outstanding-requests\n"
        "    QueueLimit: 500\n"
        "    LatencyObjective: 200ms\n"
        "    Workload: {Kind: step, FromRps: 1500, ToRps: 500, At: 3h}\n"
        "    Instances:\n"
        "      BootTime: {Distribution: lognormal, Median: 150s, Sigma: 0.25}\n"
        "      CapacityRpsPerVcpu: 50\n"
        "    CloudWatch:\n"
        "      PublicationDelay: 60s\n"
        "      NetworkInBytesPerRequest: 2000\n"
        "      NetworkOutBytesPerRequest: 20000\n"
        "Resources:\n"
        "  WebLaunchTemplate:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties:\n"
        "      LaunchTemplateData:\n"
        "        InstanceType: c6i.large\n"
        "        ImageId: ami-0123456789abcdef0\n"
        "        Monitoring: {Enabled: true}\n"
        "  WebASG:\n"
        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n"
        "      MinSize: '2'\n"
        "      MaxSize: '60'\n"
        "      DesiredCapacity: '30'\n"
        "      DefaultInstanceWarmup: 120\n"
        "      AvailabilityZones: [us-east-1a, us-east-1b]\n"
        "      LaunchTemplate:\n"
        "        LaunchTemplateId: !Ref WebLaunchTemplate\n"
        "        Version: !GetAtt WebLaunchTemplate.LatestVersionNumber\n"
        "  CpuTarget50:\n"
        "    Type: AWS::AutoScaling::ScalingPolicy\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref WebASG\n"
        "      PolicyType: TargetTrackingScaling\n"
        "      TargetTrackingConfiguration:\n"
        "        TargetValue: 50\n"
        "        PredefinedMetricSpecification:\n"
        "          PredefinedMetricType: ASGAverageCPUUtilization\n";

/*
 * Issue 15 item 1: after the step to 500 requests/s the group must settle at
 * needed = ceil(500 / (100 x 0.5)) = 10 instances and never go below: in_service and
 * desired_capacity >= 10 in every sample after 3h, both == 10 in the last sample, and no
 * request dropped after the step (rows after 3h: a row covers the minute ending at `time`).
 * Before the fix: AlarmLow's once-a-minute repeats take the group 30 -> 10 -> 4 -> 3
 * (about 3h18m) and requests are dropped.
 */
START_TEST(test_settle_step_down_holds_at_needed_capacity)
{
    run_text("settle-step-down.yaml", step_down_yaml);
    size_t n = rows();
    ck_assert_uint_gt(n, 0);
    const double step_at = 3 * 3600.0;
    bool seen_after = false;
    for (size_t i = 0; i < n; i++) {
        double t = ts_f64(i, "time_s");
        if (t <= step_at)
            continue;
        seen_after = true;
        int32_t in_service = ts_i32(i, "in_service"), desired = ts_i32(i, "desired_capacity");
        double dropped = ts_f64(i, "dropped");
        if (in_service < 10 || desired < 10 || dropped != 0)
            ck_abort_msg("at t=%.0f s: in_service %d, desired %d (both must be >= 10), "
                         "dropped %.1f (must be 0)",
                         t, in_service, desired, dropped);
    }
    ck_assert(seen_after);
    ck_assert_int_eq(ts_i32(n - 1, "desired_capacity"), 10);
    ck_assert_int_eq(ts_i32(n - 1, "in_service"), 10);
    /* The decision log: the first AlarmLow invocation computes ceil(30 x 16.67 / 50) = 10
       from the datapoint and the 30 instances that produced it; every repeat, on the same
       datapoint or a newer one measured at 10, gives 10 again and changes nothing. */
    size_t nd = trace_mem_rows(sink, "/decisions"), lows = 0;
    for (size_t i = 0; i < nd; i++) {
        if (!strstr(trace_mem_cell(sink, "/decisions", i, "alarm")->str, "AlarmLow"))
            continue;
        const char *reason =
                decision_reason_names[trace_mem_cell(sink, "/decisions", i, "reason")->i32];
        ck_assert_int_eq(trace_mem_cell(sink, "/decisions", i, "result")->i64, 10);
        if (lows++ == 0) {
            ck_assert_str_eq(reason, "changed");
            ck_assert_double_eq_tol(trace_mem_cell(sink, "/decisions", i, "measured_capacity")->f64,
                                    30, 1e-9);
            ck_assert_int_eq(trace_mem_cell(sink, "/decisions", i, "desired_before")->i64, 30);
            ck_assert_int_eq(trace_mem_cell(sink, "/decisions", i, "desired_after")->i64, 10);
        } else {
            ck_assert_str_eq(reason, "scale-in-would-overshoot-target");
        }
    }
    ck_assert_uint_ge(lows, 2);
}

END_TEST

/* ---- the property over generated load shapes ----------------------------------------------- */

enum shape {
    SHAPE_STEP_UP,
    SHAPE_STEP_DOWN,
    SHAPE_RAMP_UP,
    SHAPE_RAMP_DOWN,
    SHAPE_SPIKE,
    SHAPE_DIURNAL,
    SHAPE_NR
};

static const char *const shape_names[SHAPE_NR] = { "step-up",   "step-down", "ramp-up",
                                                   "ramp-down", "spike",     "diurnal" };

/* A generated case: the load as a trace (time_s, rps) held constant after the last row. */
struct settle_case {
    enum shape shape;
    uint64_t seed;
    double target;   /* percent */
    double final;    /* the steady load, requests/s */
    double steady_s; /* the load is `final` from here to the end */
    double end_s;    /* run duration */
    int64_t desired0;
    char *trace; /* TSV text */
    size_t len, alloc;
};

static void trace_row(struct settle_case *c, double t, double rps)
{
    char buf[64];
    int k = snprintf(buf, sizeof(buf), "%.0f\t%.3f\n", t, rps);
    ck_assert(k > 0 && (size_t)k < sizeof(buf));
    if (c->len + (size_t)k + 1 > c->alloc) {
        c->alloc = 2 * (c->alloc + (size_t)k + 1);
        c->trace = realloc(c->trace, c->alloc);
        ck_assert_ptr_nonnull(c->trace);
    }
    memcpy(c->trace + c->len, buf, (size_t)k + 1);
    c->len += (size_t)k;
}

static double uniform(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

/*
 * The load shapes, from `seed`: a level L0 for 30 min, then the shape, then a hold at the
 * final level for 60 min (30 to settle, 30 to stay). Levels lie in 150..2000 requests/s,
 * so needed capacity stays within 2..67 instances for targets 30..70 % (MaxSize 200).
 * Written as a trace (linear between rows, the last rate after the last row) so that
 * "steady" is exact: the load is constant from `steady_s` to the end.
 */
static void generate(struct settle_case *c, enum shape shape, uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    memset(c, 0, sizeof(*c));
    c->shape = shape;
    c->seed = seed;
    static const double targets[] = { 40, 50, 60, 70 };
    c->target = targets[gsl_rng_uniform_int(r, 4)];
    double lo = uniform(r, 150, 500), hi = uniform(r, 900, 2000), l0 = 0, t = 1800;
    switch (shape) {
    case SHAPE_STEP_UP:
    case SHAPE_STEP_DOWN:
        l0 = shape == SHAPE_STEP_UP ? lo : hi;
        c->final = shape == SHAPE_STEP_UP ? hi : lo;
        trace_row(c, 0, l0);
        trace_row(c, t, l0);
        t += 1; /* the step: linear over one second */
        trace_row(c, t, c->final);
        break;
    case SHAPE_RAMP_UP:
    case SHAPE_RAMP_DOWN:
        l0 = shape == SHAPE_RAMP_UP ? lo : hi;
        c->final = shape == SHAPE_RAMP_UP ? hi : lo;
        trace_row(c, 0, l0);
        trace_row(c, t, l0);
        t += 60 * (double)(20 + gsl_rng_uniform_int(r, 61)); /* 20..80 min */
        trace_row(c, t, c->final);
        break;
    case SHAPE_SPIKE: {
        /* a flash crowd: rise over 0..5 min to 2-4x, decay with a 5-20 min time constant,
           cut to the base level once within 1 % of it */
        l0 = c->final = lo + uniform(r, 0, 300);
        double peak = uniform(r, 2, 4), rise = 60 * (double)gsl_rng_uniform_int(r, 6);
        double decay = uniform(r, 300, 1200);
        trace_row(c, 0, l0);
        trace_row(c, t, l0);
        t += rise > 0 ? rise : 1;
        trace_row(c, t, l0 * peak);
        double t_peak = t;
        for (;;) {
            t += 60;
            double f = 1 + (peak - 1) * exp(-(t - t_peak) / decay);
            if (f - 1 < 0.01)
                break;
            trace_row(c, t, l0 * f);
        }
        trace_row(c, t, c->final);
        break;
    }
    default: {
        /* two hours of a daily cosine compressed to a 2 h period, then held where it ends */
        double base = uniform(r, 400, 900), amp = uniform(r, 0.3, 0.6), phase = uniform(r, 0, 6.28);
        l0 = base * (1 + amp * cos(phase));
        trace_row(c, 0, l0);
        for (double s = 0; s <= 7200; s += 300) {
            c->final = base * (1 + amp * cos(phase + 6.283185307179586 * s / 7200));
            trace_row(c, t + s, c->final);
        }
        t += 7200;
    }
    }
    c->steady_s = t;
    c->end_s = t + 3600;
    c->desired0 = needed_for(l0, c->target);
    gsl_rng_free(r);
}

static char *case_yaml(const struct settle_case *c, const char *trace_name)
{
    return xasprintf(
            "AWSTemplateFormatVersion: '2010-09-09'\n"
            "Metadata:\n"
            "  ASGSim::Scenario:\n"
            "    Duration: %.0fs\n"
            "    Seed: %" PRIu64 "\n"
            "    StartTime: '2024-01-01T00:00:00Z'\n"
            "    SampleInterval: 60s\n"
            "    Fidelity: fluid\n"
            "    Workload: {Kind: trace, Path: %s}\n"
            "    Instances: {BootTime: 90s, CapacityRpsPerVcpu: 50}\n"
            "    CloudWatch: {PublicationDelay: 60s}\n"
            "Resources:\n"
            "  LT:\n"
            "    Type: AWS::EC2::LaunchTemplate\n"
            "    Properties:\n"
            "      LaunchTemplateData: {InstanceType: c6i.large, Monitoring: {Enabled: true}}\n"
            "  Web:\n"
            "    Type: AWS::AutoScaling::AutoScalingGroup\n"
            "    Properties:\n"
            "      MinSize: '1'\n"
            "      MaxSize: '200'\n"
            "      DesiredCapacity: '%" PRId64 "'\n"
            "      DefaultInstanceWarmup: 120\n"
            "      AvailabilityZones: [us-east-1a, us-east-1b]\n"
            "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n"
            "  Cpu:\n"
            "    Type: AWS::AutoScaling::ScalingPolicy\n"
            "    Properties:\n"
            "      AutoScalingGroupName: !Ref Web\n"
            "      PolicyType: TargetTrackingScaling\n"
            "      TargetTrackingConfiguration:\n"
            "        TargetValue: %.0f\n"
            "        PredefinedMetricSpecification: {PredefinedMetricType: "
            "ASGAverageCPUUtilization}\n",
            c->end_s, c->seed, trace_name, c->desired0, c->target);
}

/* Fail with the case's identity, the sample and the YAML's key figures. */
#define CASE_FAIL(c, t, ...)                                                                       \
    ck_abort_msg("case %s seed %" PRIu64 " (target %.0f %%, steady load %.1f rps from %.0f s): "   \
                 "at t=%.0f s: %s",                                                                \
                 shape_names[(c)->shape], (c)->seed, (c)->target, (c)->final, (c)->steady_s, (t),  \
                 xasprintf(__VA_ARGS__))

/*
 * The property (issue 15 item 1), over one case per shape with fixed seeds:
 *  (a) never below what the load needs: whenever desired capacity falls (a scale-in), the
 *      new value is >= needed for the lowest load of the last 3 minutes (the data the
 *      decision could have seen: a 1-minute datapoint published 60 s after its period);
 *  (b) steady load L from `steady_s` (exact: the trace is held constant) -> from
 *      steady_s + 30 min to the end, in_service and desired_capacity lie in
 *      [needed(L), upper(L) + 1]: AlarmHigh's bound exactly (capacity >= needed is (a)'s
 *      promise), AlarmLow's with one unit of slack for arrival noise (a capacity whose
 *      metric sits just at 0.7 T).
 * Before the fix: (a) fails on the scale-in shapes (the repeated AlarmLow action goes
 * below needed), and (b) with it.
 */
static void check_case(enum shape shape, uint64_t seed)
{
    struct settle_case c;
    generate(&c, shape, seed);
    char name[64];
    snprintf(name, sizeof(name), "settle-%s-%" PRIu64 ".tsv", shape_names[shape], seed);
    char *trace_path = test_tmp_path(name);
    FILE *f = fopen(trace_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(c.trace, f);
    fclose(f);
    const char *base = strrchr(trace_path, '/');
    char *yaml = case_yaml(&c, base ? base + 1 : trace_path);
    snprintf(name, sizeof(name), "settle-%s-%" PRIu64 ".yaml", shape_names[shape], seed);
    run_text(name, yaml);

    size_t n = rows();
    ck_assert_uint_gt(n, 0);
    int64_t need = needed_for(c.final, c.target), up = upper_for(c.final, c.target) + 1;
    for (size_t i = 1; i < n; i++) {
        double t = ts_f64(i, "time_s");
        int32_t desired = ts_i32(i, "desired_capacity"), prev = ts_i32(i - 1, "desired_capacity");
        if (desired < prev) {
            double low = ts_f64(i, "load_rps");
            for (size_t k = i >= 3 ? i - 3 : 0; k < i; k++)
                low = fmin(low, ts_f64(k, "load_rps"));
            if (desired < needed_for(low, c.target))
                CASE_FAIL(&c, t, "scale-in %d -> %d, below needed %" PRId64 " for %.1f rps", prev,
                          desired, needed_for(low, c.target), low);
        }
        if (t < c.steady_s + 1800)
            continue;
        int32_t in_service = ts_i32(i, "in_service");
        if (in_service < need || in_service > up || desired < need || desired > up)
            CASE_FAIL(&c, t, "in_service %d, desired %d: not settled in [%" PRId64 ", %" PRId64 "]",
                      in_service, desired, need, up);
    }
    remove(trace_path);
    free(trace_path);
    free(yaml);
    free(c.trace);
}

static const uint64_t case_seeds[SHAPE_NR] = { 101, 202, 303, 404, 505, 606 };

START_TEST(test_settle_property_over_load_shapes)
{
    check_case((enum shape)_i, case_seeds[_i]);
}

END_TEST

Suite *scaling_settle_suite(void);

Suite *scaling_settle_suite(void)
{
    Suite *s = suite_create("scaling_settle");
    TCase *t = tcase_create("settle");
    tcase_add_checked_fixture(t, NULL, teardown);
    tcase_add_test(t, test_settle_step_down_holds_at_needed_capacity);
    tcase_add_loop_test(t, test_settle_property_over_load_shapes, 0, SHAPE_NR);
    suite_add_tcase(s, t);
    return s;
}
