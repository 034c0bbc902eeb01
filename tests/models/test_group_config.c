/*
 * Loading the group's lifecycle hooks, health check type, MaxInstanceLifetime and the
 * scenario's Hooks / Faults keys. Defaults are AWS's: HeartbeatTimeout 3600 s and
 * DefaultResult ABANDON (API_PutLifecycleHook); EC2 health checks always on, ELB when
 * HealthCheckType lists it (API_CreateAutoScalingGroup).
 */
#include "helpers.h"

#include "asgsim/scenario.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char base[] =
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Metadata:\n"
        "  ASGSim::Scenario:\n"
        "    Duration: 1h\n"
        "    Instances: {BootTime: 60s}\n"
        "    Hooks:\n"
        "      bootstrap: {Duration: {Distribution: uniform, Min: 30s, Max: "
        "90s}, FailureProbability: 0.1, HeartbeatEvery: 60s}\n"
        "      Drain: {Duration: 2m}\n"
        "    Faults: {InstanceFailureRate: 0.01, ElbFailureRate: 0.002,\n"
        "             InsufficientCapacity: {AZ: us-east-1a, From: 1h, To: 3h}}\n"
        "    LaunchTemplateVersions: [{At: 2h, Version: 2}, {At: 5h, Version: 3}]\n"
        "Resources:\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties:\n"
        "      LaunchTemplateData: {InstanceType: c6i.large}\n"
        "  Drain:\n"
        "    Type: AWS::AutoScaling::LifecycleHook\n"
        "    Properties:\n"
        "      AutoScalingGroupName: !Ref ASG\n"
        "      LifecycleTransition: autoscaling:EC2_INSTANCE_TERMINATING\n"
        "      HeartbeatTimeout: 600\n"
        "      DefaultResult: CONTINUE\n"
        "  ASG:\n"
        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n"
        "      MinSize: '1'\n"
        "      MaxSize: '4'\n"
        "      AvailabilityZones: [us-east-1a]\n"
        "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n"
        "      HealthCheckType: ELB\n"
        "      HealthCheckGracePeriod: 300\n"
        "      MaxInstanceLifetime: 604800\n"
        "      LifecycleHookSpecificationList:\n"
        "        - LifecycleHookName: bootstrap\n"
        "          LifecycleTransition: autoscaling:EC2_INSTANCE_LAUNCHING\n";

START_TEST(test_group_config_loads_hooks_health_and_faults)
{
    char *path = test_tmp_path("group_config.yaml");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(base, f);
    fclose(f);
    struct diag_list d = { 0 };
    struct scenario sc;
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    ck_assert_uint_eq(d.nr_errors, 0);
    const struct asg_config *g = &sc.groups[0];
    ck_assert_uint_eq(g->nr_hooks, 2);
    /* the group's own list first, then the resource (loaded after the group) */
    const struct lifecycle_hook_config *b = &g->hooks[0], *dr = &g->hooks[1];
    ck_assert_str_eq(b->name, "bootstrap");
    ck_assert_int_eq(b->transition, HOOK_LAUNCHING);
    ck_assert_int_eq(b->heartbeat_timeout, SIM_SEC(3600)); /* AWS default */
    ck_assert_int_eq(b->default_result, HOOK_ABANDON);     /* AWS default */
    ck_assert_int_eq(b->action_duration.kind, DIST_UNIFORM);
    ck_assert_double_eq(b->action_duration.a, 30);
    ck_assert_double_eq(b->action_duration.b, 90);
    ck_assert_double_eq(b->failure_probability, 0.1);
    ck_assert_int_eq(b->heartbeat_every, SIM_SEC(60));
    ck_assert_str_eq(dr->name, "Drain"); /* no LifecycleHookName: the logical id */
    ck_assert_int_eq(dr->transition, HOOK_TERMINATING);
    ck_assert_int_eq(dr->heartbeat_timeout, SIM_SEC(600));
    ck_assert_int_eq(dr->default_result, HOOK_CONTINUE);
    ck_assert_double_eq(dr->action_duration.a, 120);
    ck_assert(g->health_check_elb);
    ck_assert_int_eq(g->health_check_grace, SIM_SEC(300));
    ck_assert_int_eq(g->max_instance_lifetime, SIM_DAY(7));
    ck_assert_double_eq(sc.faults.instance_failures_per_hour, 0.01);
    ck_assert_double_eq(sc.faults.elb_failures_per_hour, 0.002);
    ck_assert_uint_eq(sc.faults.nr_capacity_outages, 1);
    ck_assert_int_eq(sc.faults.capacity_outages[0].from, SIM_HOUR(1));
    ck_assert_int_eq(sc.faults.capacity_outages[0].to, SIM_HOUR(3));
    ck_assert_uint_eq(g->nr_template_versions, 2);
    ck_assert_int_eq(g->template_versions[1].at, SIM_HOUR(5));
    ck_assert_int_eq(g->template_versions[1].version, 3);
    scenario_release(&sc);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_group_config_defaults_ec2_only_no_hooks)
{
    char *path = test_src_path("scenarios/web-basic.yaml");
    struct diag_list d = { 0 };
    struct scenario sc;
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    ck_assert_uint_eq(sc.groups[0].nr_hooks, 0);
    ck_assert(!sc.groups[0].health_check_elb);
    ck_assert_int_eq(sc.groups[0].max_instance_lifetime, 0);
    ck_assert_double_eq(sc.faults.instance_failures_per_hour, 0);
    scenario_release(&sc);
    diag_list_release(&d);
    free(path);
}

END_TEST

static const char lt_placement[] =
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Metadata:\n"
        "  ASGSim::Scenario: {Duration: 1h}\n"
        "Resources:\n"
        "  Parts:\n"
        "    Type: AWS::EC2::PlacementGroup\n"
        "    Properties: {Strategy: partition, PartitionCount: 7}\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties:\n"
        "      LaunchTemplateData:\n"
        "        InstanceType: c6i.large\n"
        "        Placement: {GroupName: !Ref Parts}\n"
        "  ASG:\n"
        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n"
        "      MinSize: '1'\n"
        "      MaxSize: '4'\n"
        "      AvailabilityZones: [us-east-1a, us-east-1b]\n"
        "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n";

/* The launch template's Placement.GroupName names the group (placement-groups.html: up to
   seven partitions per AZ). */
START_TEST(test_group_config_placement_from_launch_template)
{
    char *path = test_tmp_path("group_placement.yaml");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(lt_placement, f);
    fclose(f);
    struct diag_list d = { 0 };
    struct scenario sc;
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    ck_assert(sc.groups[0].has_placement);
    ck_assert_int_eq(sc.groups[0].placement.strategy, PLACEMENT_PARTITION);
    ck_assert_int_eq(sc.groups[0].placement.partition_count, 7);
    scenario_release(&sc);
    diag_list_release(&d);
    free(path);
}

END_TEST

Suite *group_config_suite(void);

Suite *group_config_suite(void)
{
    Suite *s = suite_create("group_config");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_group_config_loads_hooks_health_and_faults);
    tcase_add_test(tc, test_group_config_defaults_ec2_only_no_hooks);
    tcase_add_test(tc, test_group_config_placement_from_launch_template);
    suite_add_tcase(s, tc);
    return s;
}
