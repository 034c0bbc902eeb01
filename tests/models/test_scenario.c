/* Scenario loading: the example template into plain structs, overrides, and collected errors. */
#include "helpers.h"

#include "asgsim/cfn.h"
#include "asgsim/scenario.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct diag_list d;
static struct scenario sc;

static void teardown(void)
{
    scenario_release(&sc);
    diag_list_release(&d);
}

static char *write_tmp(const char *name, const char *text)
{
    char *p = test_tmp_path(name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return p;
}

START_TEST(test_scenario_loads_web_basic)
{
    char *path = test_src_path("scenarios/web-basic.yaml");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    ck_assert_uint_eq(d.nr_errors, 0);
    ck_assert_str_eq(sc.stack_name, "web-basic");
    ck_assert_uint_eq(sc.seed, 20240101);
    ck_assert_int_eq(sc.duration, SIM_DAY(1));
    ck_assert_int_eq(sc.sample_interval, SIM_SEC(60));
    ck_assert_int_eq(sc.start_epoch_s, 1704067200);
    ck_assert_double_eq(sc.workload.rps, 400); /* !Ref RequestRate, its Default */
    ck_assert_int_eq(sc.instances.boot_time.kind, DIST_LOGNORMAL);
    ck_assert_double_eq_tol(exp(sc.instances.boot_time.a), 150, 1e-9);
    ck_assert_double_eq(sc.instances.capacity_rps_per_vcpu, 50);
    ck_assert_uint_eq(sc.nr_groups, 1);
    const struct asg_config *g = &sc.groups[0];
    ck_assert_str_eq(g->name, "web-basic-web-asg"); /* !Sub '${AWS::StackName}-web-asg' */
    ck_assert_int_eq(g->min_size, 2);
    ck_assert_int_eq(g->max_size, 12);
    ck_assert_int_eq(g->desired_capacity, 6);
    ck_assert_int_eq(g->cooldown, SIM_SEC(300)); /* CloudFormation default */
    ck_assert_int_eq(g->health_check_grace, SIM_SEC(60));
    ck_assert_uint_eq(g->nr_azs, 2);
    ck_assert_str_eq(g->azs[0], "us-east-1a"); /* subnet mapped through Metadata Subnets */
    ck_assert_str_eq(g->azs[1], "us-east-1b");
    ck_assert_str_eq(g->loc.min_size.file, sc.path);
    ck_assert_str_eq(sc.launch_templates[g->launch_template].instance_type, "c6i.large");
    ck_assert_str_eq(sc.launch_templates[g->launch_template].name, "web-basic-web");
    ck_assert_uint_eq(strlen(sc.sha256), 64);
    ck_assert_uint_gt(sc.len, 100);
    ck_assert_ptr_nonnull(catalog_find(&sc.catalog, "m7g.large"));
    ck_assert_uint_ge(sc.catalog.nr, 40);
    free(path);
}

END_TEST

START_TEST(test_scenario_overrides_seed_duration_parameters)
{
    char *path = test_src_path("scenarios/web-basic.yaml");
    const struct cfn_override ov[] = { { "DesiredCapacity", "3" }, { "RequestRate", "120" } };
    struct scenario_load_opts o = { .overrides = ov,
                                    .nr_overrides = 2,
                                    .has_seed = true,
                                    .seed = 5,
                                    .has_duration = true,
                                    .duration = SIM_HOUR(2),
                                    .stack_name = "prod" };
    ck_assert_int_eq(scenario_load(&sc, path, &o, &d), 0);
    ck_assert_int_eq(sc.groups[0].desired_capacity, 3);
    ck_assert_double_eq(sc.workload.rps, 120);
    ck_assert_uint_eq(sc.seed, 5);
    ck_assert_int_eq(sc.duration, SIM_HOUR(2));
    ck_assert_str_eq(sc.groups[0].name, "prod-web-asg");
    ck_assert_uint_eq(sc.nr_params, 3);
    int overridden = 0;
    for (size_t i = 0; i < sc.nr_params; i++)
        overridden += sc.params[i].overridden;
    ck_assert_int_eq(overridden, 2);
    free(path);
}

END_TEST

static const char minimal[] = "Metadata:\n"
                              "  ASGSim::Scenario:\n"
                              "    Duration: 2h\n"
                              "Resources:\n"
                              "  LT:\n"
                              "    Type: AWS::EC2::LaunchTemplate\n"
                              "    Properties:\n"
                              "      LaunchTemplateData: {InstanceType: m5.large}\n"
                              "  G:\n"
                              "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                              "    Properties:\n"
                              "      MinSize: 1\n"
                              "      MaxSize: 3\n"
                              "      AvailabilityZones: [a]\n"
                              "      LaunchTemplate: {LaunchTemplateName: LT, Version: '1'}\n";

START_TEST(test_scenario_desired_defaults_to_min_size)
{
    /* CreateAutoScalingGroup: DesiredCapacity defaults to MinSize. */
    char *p = write_tmp("minimal.yaml", minimal);
    ck_assert_int_eq(scenario_load(&sc, p, NULL, &d), 0);
    ck_assert_int_eq(sc.groups[0].desired_capacity, 1);
    ck_assert_int_eq(sc.instances.boot_time.kind, DIST_UNIFORM); /* documented default */
    ck_assert_double_eq(sc.instances.boot_time.a, 120);
    ck_assert_double_eq(sc.instances.boot_time.b, 180);
    remove(p);
    free(p);
}

END_TEST

START_TEST(test_scenario_reports_every_error_with_place)
{
    char *p = write_tmp("errors.yaml",
                        "Metadata:\n"
                        "  ASGSim::Scenario:\n"
                        "    Duraton: 2h\n"
                        "Resources:\n"
                        "  LT:\n"
                        "    Type: AWS::EC2::LaunchTemplate\n"
                        "    Properties:\n"
                        "      LaunchTemplateData: {InstanceType: m5.lrage}\n"
                        "  G:\n"
                        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                        "    Properties:\n"
                        "      MinSize: 4\n"
                        "      MaxSize: 3\n"
                        "      AvailabilityZones: [a]\n"
                        "      LaunchTemplate: {LaunchTemplateName: LT, Version: '1'}\n");
    ck_assert_int_eq(scenario_load(&sc, p, NULL, &d), ASG_EINVAL);
    ck_assert_uint_eq(d.nr_errors, 3);
    ck_assert_ptr_null(sc.groups);
    ck_assert_str_eq(d.items[0].msg, "unknown property 'Duraton' in Metadata ASGSim::Scenario "
                                     "(did you mean 'Duration'?)");
    ck_assert_uint_eq(d.items[0].loc.line, 3);
    ck_assert_uint_eq(d.items[0].loc.col, 5);
    ck_assert(
            strstr(d.items[1].msg, "unknown instance type 'm5.lrage' (did you mean 'm5.large'?)"));
    ck_assert_uint_eq(d.items[1].loc.line, 8);
    ck_assert_str_eq(d.items[2].msg, "AWS::AutoScaling::AutoScalingGroup 'G': MinSize (4) must not "
                                     "be greater than MaxSize (3)");
    ck_assert_uint_eq(d.items[2].loc.line, 12);
    ck_assert_uint_eq(d.items[2].loc.col, 16);
    remove(p);
    free(p);
}

END_TEST

START_TEST(test_scenario_with_settings_file)
{
    char *t = write_tmp("plain.yaml", strstr(minimal, "Resources:"));
    char *s = write_tmp("settings.yaml", "ASGSim::Scenario:\n  Duration: 45m\n  Seed: 9\n");
    struct scenario_load_opts o = { .with_path = s };
    ck_assert_int_eq(scenario_load(&sc, t, &o, &d), 0);
    ck_assert_int_eq(sc.duration, SIM_MIN(45));
    ck_assert_uint_eq(sc.seed, 9);
    ck_assert_str_eq(sc.with_path, s);
    ck_assert_uint_gt(sc.with_len, 10);
    scenario_release(&sc);
    diag_list_release(&d);
    /* Without --with the same template is an error that says what to add. */
    ck_assert_int_eq(scenario_load(&sc, t, NULL, &d), ASG_EINVAL);
    ck_assert(strstr(d.items[0].msg, "ASGSim::Scenario"));
    ck_assert_uint_eq(d.items[0].loc.line, 1);
    remove(t);
    remove(s);
    free(t);
    free(s);
}

END_TEST

/* AWS::AutoScaling::LaunchConfiguration, InstanceMonitoring: "The default value is true
 * (enabled)" (CloudFormation resource reference), i.e. 1-minute EC2 metrics, where a launch
 * template's Monitoring defaults to basic (5-minute). */
START_TEST(test_scenario_launch_configuration_monitoring_default)
{
    char *path = test_src_path("tests/data/launch-config/lc.yaml");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    ck_assert_str_eq(sc.launch_templates[sc.groups[0].launch_template].instance_type, "t2.medium");
    ck_assert(sc.scaling.cw.detailed);
    ck_assert(!sc.groups[0].has_mixed);
    scenario_release(&sc);
    struct cfn_override ov = { "Spot", "yes" };
    struct scenario_load_opts o = { .overrides = &ov, .nr_overrides = 1 };
    ck_assert_int_eq(scenario_load(&sc, path, &o, &d), 0);
    ck_assert(sc.groups[0].has_mixed); /* SpotPrice: every instance Spot */
    ck_assert_int_eq(sc.groups[0].mixed.od_pct_above_base, 0);
    ck_assert_int_eq(sc.groups[0].mixed.od_base, 0);
    free(path);
}

END_TEST

START_TEST(test_scenario_type_override_and_addition)
{
    char *p = write_tmp("types.yaml",
                        "Metadata:\n"
                        "  ASGSim::Scenario:\n"
                        "    Instances:\n"
                        "      Types:\n"
                        "        m5.large: {OnDemandUsdPerHour: 0.05}\n"
                        "        x9.huge: {Vcpus: 64, MemoryGiB: 512, OnDemandUsdPerHour: 5}\n"
                        "Resources:\n"
                        "  LT:\n"
                        "    Type: AWS::EC2::LaunchTemplate\n"
                        "    Properties:\n"
                        "      LaunchTemplateData: {InstanceType: x9.huge}\n"
                        "  G:\n"
                        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                        "    Properties:\n"
                        "      MinSize: 1\n"
                        "      MaxSize: 3\n"
                        "      AvailabilityZones: [a]\n"
                        "      LaunchTemplate: {LaunchTemplateName: LT, Version: '1'}\n");
    ck_assert_int_eq(scenario_load(&sc, p, NULL, &d), 0);
    const struct instance_type *m5 = catalog_find(&sc.catalog, "m5.large");
    ck_assert_double_eq(m5->on_demand_usd_per_hour, 0.05);
    ck_assert_int_eq(m5->vcpus, 2); /* the rest stays from the catalog */
    const struct instance_type *x9 = catalog_find(&sc.catalog, "x9.huge");
    ck_assert_ptr_nonnull(x9);
    ck_assert_int_eq(x9->vcpus, 64);
    /* No SpotUsdPerHour: derived from On-Demand by the shipped catalog's median Spot
     * discount, never 0 (a free pool would win every lowest-price choice), and warned. */
    struct catalog shipped = { 0 };
    catalog_load_builtin(&shipped);
    double ratio = catalog_spot_ratio(&shipped);
    double m5_spot = catalog_find(&shipped, "m5.large")->spot_usd_per_hour;
    catalog_release(&shipped);
    ck_assert(ratio > 0.1 && ratio < 0.9);
    ck_assert_double_eq_tol(x9->spot_usd_per_hour, 5 * ratio, 1e-12);
    ck_assert_double_eq(m5->spot_usd_per_hour, m5_spot); /* an override keeps the rest */
    bool warned = false;
    for (size_t i = 0; i < d.nr; i++)
        warned |= strstr(d.items[i].msg, "x9.huge") && strstr(d.items[i].msg, "SpotUsdPerHour");
    ck_assert(warned);
    remove(p);
    free(p);
}

END_TEST

START_TEST(test_scenario_limits_are_named)
{
    char *path = test_src_path("scenarios/web-basic.yaml");
    struct scenario_load_opts o = { .has_duration = true, .duration = SIM_DAY(5000) };
    ck_assert_int_eq(scenario_load(&sc, path, &o, &d), ASG_ELIMIT);
    ck_assert(strstr(d.items[0].msg, "limit of 3660 days"));
    free(path);
}

END_TEST

START_TEST(test_catalog_has_the_documented_prices)
{
    struct catalog c = { 0 };
    catalog_load_builtin(&c);
    ck_assert_uint_ge(c.nr, 40);
    /* us-east-1 Linux On-Demand, as sourced in models/instance_types.tsv */
    ck_assert_double_eq(catalog_find(&c, "m5.large")->on_demand_usd_per_hour, 0.096);
    ck_assert_double_eq(catalog_find(&c, "c5.2xlarge")->on_demand_usd_per_hour, 0.34);
    ck_assert_int_eq(catalog_find(&c, "c5.2xlarge")->vcpus, 8);
    ck_assert_double_eq(catalog_find(&c, "t3.micro")->memory_gib, 1);
    for (size_t i = 0; i < c.nr; i++)
        ck_assert(c.items[i].spot_usd_per_hour < c.items[i].on_demand_usd_per_hour);
    catalog_release(&c);
}

END_TEST

START_TEST(test_catalog_parse_errors_have_lines)
{
    struct catalog c = { 0 };
    const char *bad = "# c\nname\tvcpus\tmemory_gib\tarch\tcpu_credits_per_hour\t"
                      "on_demand@us-east-1\tspot@us-east-1\n"
                      "a.large\t2\t8\tx86_64\t-\t0.1\t0.05\n"
                      "b.large\ttwo\t8\tx86_64\t-\t0.1\t0.05\n"
                      "a.large\t2\t8\tx86_64\t-\t0.1\t0.05\n";
    ck_assert_int_eq(catalog_parse(&c, "cat.tsv", bad, &d), ASG_EFORMAT);
    ck_assert_uint_eq(d.nr_errors, 2);
    ck_assert_uint_eq(d.items[0].loc.line, 4);
    ck_assert_uint_eq(d.items[1].loc.line, 5);
    ck_assert_uint_eq(c.nr, 1);
    catalog_release(&c);
}

END_TEST

/*
 * CustomMetrics: an alarm on a metric the settings define becomes metric math whose queries
 * are the produced metrics of its Expression, each with the alarm's own Statistic (as a
 * MetricStat with that Stat would be, API_MetricDataQuery). The corpus' ECS template: its
 * shortage alarm reads Minimum, its excess alarm Maximum, of SchedulableContainers =
 * GroupInServiceInstances * 7 - RequestCount / 600.
 */
START_TEST(test_scenario_custom_metric_takes_the_alarm_statistic)
{
    char *t = test_src_path("tests/corpus/widdix-ecs-cluster.yaml");
    char *s = test_src_path("tests/corpus/widdix-ecs-cluster.settings.yaml");
    const struct cfn_override ov[] = { { "ParentVPCStack", "vpc" } };
    struct scenario_load_opts o = { .overrides = ov, .nr_overrides = 1, .with_path = s };
    ck_assert_int_eq(scenario_load(&sc, t, &o, &d), 0);
    ck_assert_uint_eq(sc.nr_groups, 1);
    const struct scaling_config *c = &sc.scaling;
    int seen = 0;
    for (size_t i = 0; i < c->nr_alarms; i++) {
        const struct cw_alarm_config *a = &c->alarms[i];
        bool shortage = !strcmp(a->name, "ContainerInstancesShortageAlarm");
        if (!shortage && strcmp(a->name, "ContainerInstancesExcessAlarm"))
            continue;
        seen++;
        enum cw_statistic want = shortage ? CW_MINIMUM : CW_MAXIMUM;
        ck_assert_ptr_nonnull(a->math);
        ck_assert_uint_eq(a->math->nr_queries, 2);
        ck_assert_int_eq(a->math->queries[0].metric, CW_GROUP_IN_SERVICE);
        ck_assert_int_eq(a->math->queries[0].stat, want);
        ck_assert_int_eq(a->math->queries[1].metric, CW_REQUEST_COUNT);
        ck_assert_int_eq(a->math->queries[1].stat, want);
        /* postfix: q0 7 * q1 600 / - */
        ck_assert_uint_eq(a->math->nr_rpn, 7);
        ck_assert_int_eq(a->math->rpn[2].op, CW_OP_MUL);
        ck_assert_double_eq(a->math->rpn[4].num, 600);
        ck_assert_int_eq(a->math->rpn[6].op, CW_OP_SUB);
        ck_assert_int_eq(a->period, SIM_SEC(60));
    }
    ck_assert_int_eq(seen, 2);
    /* RequestCount is not the queue's metric: the group is not queue-driven */
    ck_assert(!c->queue_driven);
    free(t);
    free(s);
}

END_TEST

/*
 * AWS::NoValue "Removes the corresponding resource property when specified as a return
 * value in the Fn::If intrinsic function" (pseudo-parameter-reference): a property written
 * !If [Cond, value, !Ref AWS::NoValue] is absent when Cond picks NoValue and present when it
 * picks the value. tests/data/conditional/novalue.yaml makes each side of four "give A or B,
 * not both" rules conditional (alarm Metrics or MetricName..., ASG LaunchTemplate or
 * MixedInstancesPolicy, InstanceRequirements' two Spot price caps, predictive metric pair or
 * load and scaling metrics); each way the conditions go, one side is left and loads.
 */
static const struct {
    const char *param; /* set to 'yes'; NULL: every condition false */
    const char *extra; /* a second one, or NULL */
} novalue_cases[] = {
    { NULL, NULL },    { "Math", NULL },    { "P99", NULL },
    { "Mixed", NULL }, { "Mixed", "Spot" }, { "Pair", NULL },
};

static bool novalue_is(int i, const char *name)
{
    return (novalue_cases[i].param && !strcmp(novalue_cases[i].param, name)) ||
           (novalue_cases[i].extra && !strcmp(novalue_cases[i].extra, name));
}

START_TEST(test_scenario_novalue_property_is_absent)
{
    char *path = test_src_path("tests/data/conditional/novalue.yaml");
    struct cfn_override ov[2];
    size_t nr = 0;
    if (novalue_cases[_i].param)
        ov[nr++] = (struct cfn_override){ novalue_cases[_i].param, "yes" };
    if (novalue_cases[_i].extra)
        ov[nr++] = (struct cfn_override){ novalue_cases[_i].extra, "yes" };
    struct scenario_load_opts o = { .overrides = ov, .nr_overrides = nr };
    int rc = scenario_load(&sc, path, &o, &d);
    if (rc != 0)
        diag_print(&d, stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(d.nr_errors, 0);
    /* the Spot cap NoValue removes draws no "not modelled" warning either */
    ck_assert_uint_eq(d.nr_warnings, novalue_is(_i, "Mixed") && !novalue_is(_i, "Spot") ? 1 : 0);
    ck_assert_uint_eq(sc.nr_groups, 1);
    ck_assert(sc.groups[0].has_mixed == novalue_is(_i, "Mixed"));
    const struct scaling_config *c = &sc.scaling;
    int seen = 0;
    for (size_t k = 0; k < c->nr_alarms; k++) {
        const struct cw_alarm_config *a = &c->alarms[k];
        if (!strcmp(a->name, "Busy")) {
            seen++;
            ck_assert(!a->math == !novalue_is(_i, "Math"));
            ck_assert_int_eq(a->metric, CW_CPU);
        } else if (!strcmp(a->name, "Slow")) {
            seen++;
            ck_assert_int_eq(a->metric, CW_TARGET_RESPONSE_TIME);
            if (novalue_is(_i, "P99"))
                ck_assert(cw_stat_is_percentile(a->statistic));
            else
                ck_assert_int_eq(a->statistic, CW_AVERAGE);
        }
    }
    ck_assert_int_eq(seen, 2);
    seen = 0;
    for (size_t k = 0; k < c->nr_policies; k++) {
        if (c->policies[k].type != POLICY_PREDICTIVE)
            continue;
        seen++;
        ck_assert_int_eq(c->policies[k].predictive.load_metric,
                         novalue_is(_i, "Pair") ? PM_ALB_REQUESTS : PM_CPU);
    }
    ck_assert_int_eq(seen, 1);
    free(path);
}

END_TEST

Suite *scenario_suite(void);

Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("load");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_scenario_loads_web_basic);
    tcase_add_test(tc, test_scenario_overrides_seed_duration_parameters);
    tcase_add_test(tc, test_scenario_desired_defaults_to_min_size);
    tcase_add_test(tc, test_scenario_reports_every_error_with_place);
    tcase_add_test(tc, test_scenario_with_settings_file);
    tcase_add_test(tc, test_scenario_type_override_and_addition);
    tcase_add_test(tc, test_scenario_launch_configuration_monitoring_default);
    tcase_add_test(tc, test_scenario_limits_are_named);
    tcase_add_test(tc, test_scenario_custom_metric_takes_the_alarm_statistic);
    tcase_add_loop_test(tc, test_scenario_novalue_property_is_absent, 0,
                        (int)ARRAY_SIZE(novalue_cases));
    tcase_add_test(tc, test_catalog_has_the_documented_prices);
    tcase_add_test(tc, test_catalog_parse_errors_have_lines);
    suite_add_tcase(s, tc);
    return s;
}
