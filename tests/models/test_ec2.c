/*
 * EC2's instance state machine with constant transition times, so every time and every
 * invoice can be computed by hand. Sources: ec2-instance-lifecycle.html (billing per state,
 * hibernation billed while stopping), API_InstanceState.html (codes),
 * hibernating-prerequisites.html (150 GB RAM, encrypted root, 60 days).
 */
#include "helpers.h"

#include "asgsim/asg.h"
#include "asgsim/diag.h"
#include "asgsim/ec2.h"
#include "asgsim/scenario.h"

#include <check.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char m5_name[] = "m5.large", r5_name[] = "r5.8xlarge";
static const struct instance_type m5_large = { .name = m5_name,
                                               .vcpus = 2,
                                               .memory_gib = 8,
                                               .on_demand_usd_per_hour = 0.096,
                                               .spot_usd_per_hour = 0.0418 };
static const struct instance_type r5_8xl = { .name = r5_name,
                                             .vcpus = 32,
                                             .memory_gib = 256,
                                             .on_demand_usd_per_hour = 2.016,
                                             .spot_usd_per_hour = 0.8 };

struct fixture {
    struct sim_engine *eng;
    gsl_rng *rng;
    struct ec2_timing timing;
    enum ec2_state seen[16];
    int nr_seen;
};

static void on_state(void *ctx, struct ec2_instance *inst, enum ec2_state from, enum ec2_state to)
{
    struct fixture *f = ctx;
    ck_assert_int_ne(from, to);
    ck_assert_int_eq(inst->state, to);
    ck_assert_int_lt(f->nr_seen, 16);
    f->seen[f->nr_seen++] = to;
}

/* Launch 60 s, Start 40 s, Resume 20 s, Stop 30 s, Hibernate 120 s, Terminate 50 s. */
static void setup(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->eng = sim_engine_new();
    f->rng = gsl_rng_alloc(gsl_rng_mt19937);
    static const double secs[EC2_T_NR] = { 60, 40, 20, 30, 120, 50 };
    for (int i = 0; i < EC2_T_NR; i++)
        f->timing.t[i] = (struct dist){ DIST_CONSTANT, secs[i], 0 };
}

static void teardown(struct fixture *f, struct ec2_instance *inst)
{
    ec2_instance_release(inst);
    ck_assert_uint_eq(sim_pending_count(f->eng), 0);
    sim_engine_free(f->eng);
    gsl_rng_free(f->rng);
}

START_TEST(test_ec2_state_codes_match_the_api)
{
    ck_assert_int_eq(ec2_state_code(EC2_PENDING), 0);
    ck_assert_int_eq(ec2_state_code(EC2_RUNNING), 16);
    ck_assert_int_eq(ec2_state_code(EC2_SHUTTING_DOWN), 32);
    ck_assert_int_eq(ec2_state_code(EC2_TERMINATED), 48);
    ck_assert_int_eq(ec2_state_code(EC2_STOPPING), 64);
    ck_assert_int_eq(ec2_state_code(EC2_STOPPED), 80);
    ck_assert_str_eq(ec2_state_names[EC2_SHUTTING_DOWN], "shutting-down");
}

END_TEST

START_TEST(test_ec2_launch_bills_from_running_not_pending)
{
    struct fixture f;
    setup(&f);
    struct ec2_instance inst;
    ec2_instance_init(&inst, &m5_large, &f.timing, NULL, f.eng, f.rng, on_state, &f);
    ec2_instance_launch(&inst);
    ck_assert_int_eq(inst.state, EC2_PENDING);
    sim_run_until(f.eng, SIM_SEC(59));
    ck_assert_int_eq(inst.state, EC2_PENDING);
    ck_assert_double_eq(ec2_instance_usage_usd(&inst), 0.0);
    sim_run_until(f.eng, SIM_SEC(60));
    ck_assert_int_eq(inst.state, EC2_RUNNING);
    /* running 60 s .. 150 s = 90 s; terminated at 150 s: 90 x 0.096 / 3600 = 0.0024 USD */
    sim_run_until(f.eng, SIM_SEC(150));
    ck_assert_int_eq(ec2_instance_terminate(&inst, BILLING_END_USER), 0);
    ck_assert_int_eq(inst.state, EC2_SHUTTING_DOWN);
    sim_run_until(f.eng, SIM_SEC(199));
    ck_assert_int_eq(inst.state, EC2_SHUTTING_DOWN);
    sim_run_until(f.eng, SIM_SEC(200));
    ck_assert_int_eq(inst.state, EC2_TERMINATED);
    ck_assert_int_eq(billing_seconds(&inst.meter, SIM_SEC(200)), 90);
    ck_assert_double_eq_tol(ec2_instance_usage_usd(&inst), 0.0024, 1e-12);
    ck_assert_int_eq(f.nr_seen, 4);
    ck_assert_int_eq(f.seen[0], EC2_PENDING);
    ck_assert_int_eq(f.seen[1], EC2_RUNNING);
    ck_assert_int_eq(f.seen[2], EC2_SHUTTING_DOWN);
    ck_assert_int_eq(f.seen[3], EC2_TERMINATED);
    teardown(&f, &inst);
}

END_TEST

START_TEST(test_ec2_stopped_instance_pays_only_ebs)
{
    struct fixture f;
    setup(&f);
    struct ec2_instance inst;
    /* 8 GiB at 0.08 USD/GiB-month, 744-h month */
    const struct ec2_launch_opts o = { .root_volume_gib = 8,
                                       .ebs_usd_per_gib_month = 0.08,
                                       .month_hours = 744 };
    ec2_instance_init(&inst, &m5_large, &f.timing, &o, f.eng, f.rng, on_state, &f);
    ec2_instance_launch(&inst);
    sim_run_until(f.eng, SIM_SEC(60) + SIM_HOUR(1));
    ck_assert_int_eq(ec2_instance_stop(&inst, false), 0);
    ck_assert_int_eq(inst.state, EC2_STOPPING);
    sim_run_until(f.eng, SIM_DAY(1));
    ck_assert_int_eq(inst.state, EC2_STOPPED);
    /* usage: exactly 1 h running = 0.096 USD, nothing while stopping or stopped;
       EBS for 24 h since launch: 8 x 0.08 x 24 / 744 = 0.0206451613 USD */
    ck_assert_double_eq_tol(ec2_instance_usage_usd(&inst), 0.096, 1e-12);
    ck_assert_double_eq_tol(ec2_instance_storage_usd(&inst), 0.0206451613, 1e-10);
    teardown(&f, &inst);
}

END_TEST

START_TEST(test_ec2_hibernation_is_billed_while_stopping)
{
    struct fixture f;
    setup(&f);
    struct ec2_instance inst;
    const struct ec2_launch_opts o = { .hibernation_enabled = true };
    ec2_instance_init(&inst, &m5_large, &f.timing, &o, f.eng, f.rng, on_state, &f);
    ec2_instance_launch(&inst);
    sim_run_until(f.eng, SIM_SEC(60) + SIM_HOUR(1));
    ck_assert_int_eq(ec2_instance_stop(&inst, true), 0);
    sim_run_until(f.eng, SIM_HOUR(3));
    ck_assert_int_eq(inst.state, EC2_STOPPED);
    ck_assert(inst.hibernating);
    /* 3600 s running + 120 s hibernating in stopping = 3720 s x 0.096 / 3600 = 0.0992 USD */
    ck_assert_int_eq(billing_seconds(&inst.meter, SIM_HOUR(3)), 3720);
    ck_assert_double_eq_tol(ec2_instance_usage_usd(&inst), 0.0992, 1e-12);
    /* resume takes Resume (20 s), not Start (40 s) */
    ck_assert_int_eq(ec2_instance_start(&inst), 0);
    ck_assert_int_eq(inst.state, EC2_PENDING);
    sim_run_until(f.eng, SIM_HOUR(3) + SIM_SEC(20));
    ck_assert_int_eq(inst.state, EC2_RUNNING);
    ck_assert(!inst.hibernating);
    teardown(&f, &inst);
}

END_TEST

START_TEST(test_ec2_start_after_plain_stop_takes_start_time_and_new_minimum)
{
    struct fixture f;
    setup(&f);
    struct ec2_instance inst;
    ec2_instance_init(&inst, &m5_large, &f.timing, NULL, f.eng, f.rng, on_state, &f);
    ec2_instance_launch(&inst);
    sim_run_until(f.eng, SIM_SEC(70)); /* running for 10 s */
    ck_assert_int_eq(ec2_instance_stop(&inst, false), 0);
    sim_run_until(f.eng, SIM_SEC(100)); /* stopped at 100 s */
    ck_assert_int_eq(inst.state, EC2_STOPPED);
    ck_assert_int_eq(ec2_instance_start(&inst), 0);
    sim_run_until(f.eng, SIM_SEC(139));
    ck_assert_int_eq(inst.state, EC2_PENDING);
    sim_run_until(f.eng, SIM_SEC(140));
    ck_assert_int_eq(inst.state, EC2_RUNNING);
    sim_run_until(f.eng, SIM_SEC(150));
    ck_assert_int_eq(ec2_instance_stop(&inst, false), 0);
    /* two starts of 10 s each, each with the 60 s minimum: 120 s x 0.096 / 3600 = 0.0032 */
    ck_assert_int_eq(billing_seconds(&inst.meter, SIM_SEC(150)), 120);
    ck_assert_double_eq_tol(ec2_instance_usage_usd(&inst), 0.0032, 1e-12);
    sim_run_until(f.eng, SIM_SEC(200));
    teardown(&f, &inst);
}

END_TEST

START_TEST(test_ec2_hibernate_refused_when_not_enabled)
{
    struct fixture f;
    setup(&f);
    struct ec2_instance inst;
    ec2_instance_init(&inst, &m5_large, &f.timing, NULL, f.eng, f.rng, on_state, &f);
    ec2_instance_launch(&inst);
    ck_assert_int_eq(ec2_instance_stop(&inst, false), ASG_EINVAL); /* still pending */
    sim_run_until(f.eng, SIM_SEC(60));
    ck_assert_int_eq(ec2_instance_stop(&inst, true), ASG_EINVAL);
    ck_assert_int_eq(inst.state, EC2_RUNNING);
    ck_assert(inst.meter.running);
    ck_assert_int_eq(ec2_instance_start(&inst), ASG_EINVAL);
    teardown(&f, &inst);
}

END_TEST

START_TEST(test_ec2_hibernated_longer_than_60_days_cannot_resume)
{
    struct fixture f;
    setup(&f);
    struct ec2_instance inst;
    const struct ec2_launch_opts o = { .hibernation_enabled = true };
    ec2_instance_init(&inst, &m5_large, &f.timing, &o, f.eng, f.rng, on_state, &f);
    ec2_instance_launch(&inst);
    sim_run_until(f.eng, SIM_SEC(60));
    ck_assert_int_eq(ec2_instance_stop(&inst, true), 0);
    sim_run_until(f.eng, SIM_SEC(180)); /* hibernated at 180 s */
    ck_assert_int_eq(inst.hibernated_at, SIM_SEC(180));
    sim_run_until(f.eng, SIM_SEC(180) + SIM_DAY(60) + 1);
    ck_assert_int_eq(ec2_instance_start(&inst), ASG_ELIMIT);
    ck_assert_int_eq(inst.state, EC2_STOPPED);
    teardown(&f, &inst);
}

END_TEST

START_TEST(test_ec2_spot_interrupted_in_first_hour_is_free)
{
    struct fixture f;
    setup(&f);
    struct ec2_instance inst;
    const struct ec2_launch_opts o = { .market = BILLING_SPOT, .granularity = BILLING_HOURLY };
    ec2_instance_init(&inst, &m5_large, &f.timing, &o, f.eng, f.rng, on_state, &f);
    ck_assert_double_eq(inst.usd_per_hour, 0.0418); /* the catalog's Spot price */
    ec2_instance_launch(&inst);
    sim_run_until(f.eng, SIM_SEC(60) + SIM_MIN(40));
    /* EC2 interrupts at minute 40 of running: no charge (billing-for-interrupted-spot) */
    ck_assert_int_eq(ec2_instance_terminate(&inst, BILLING_END_INTERRUPTION), 0);
    ck_assert_int_eq(ec2_instance_terminate(&inst, BILLING_END_USER), ASG_EINVAL);
    sim_run_until(f.eng, SIM_HOUR(2));
    ck_assert_int_eq(inst.state, EC2_TERMINATED);
    ck_assert_double_eq(ec2_instance_usage_usd(&inst), 0.0);
    teardown(&f, &inst);
}

END_TEST

START_TEST(test_ec2_terminate_while_pending_bills_nothing)
{
    struct fixture f;
    setup(&f);
    struct ec2_instance inst;
    ec2_instance_init(&inst, &m5_large, &f.timing, NULL, f.eng, f.rng, on_state, &f);
    ec2_instance_launch(&inst);
    sim_run_until(f.eng, SIM_SEC(30));
    ck_assert_int_eq(ec2_instance_terminate(&inst, BILLING_END_USER), 0);
    sim_run_until(f.eng, SIM_HOUR(1));
    ck_assert_int_eq(inst.state, EC2_TERMINATED);
    ck_assert_int_eq(billing_seconds(&inst.meter, SIM_HOUR(1)), 0);
    ck_assert_int_eq(f.nr_seen, 3); /* pending, shutting-down, terminated: never running */
    teardown(&f, &inst);
}

END_TEST

START_TEST(test_ec2_hibernation_limits)
{
    ck_assert_int_eq(ec2_hibernation_check(&m5_large, 8, true), EC2_HIB_OK);
    ck_assert_int_eq(ec2_hibernation_check(&m5_large, 8, false), EC2_HIB_ROOT_NOT_ENCRYPTED);
    ck_assert_int_eq(ec2_hibernation_check(&m5_large, 4, true), EC2_HIB_ROOT_TOO_SMALL);
    /* 256 GiB of RAM is not less than 150 GB */
    ck_assert_int_eq(ec2_hibernation_check(&r5_8xl, 512, true), EC2_HIB_RAM_TOO_LARGE);
}

END_TEST

START_TEST(test_ec2_timing_per_type_overrides_default)
{
    struct ec2_config c = { 0 };
    ec2_timing_defaults(&c.timing);
    struct ec2_type_timing tt = { m5_name, { { { DIST_CONSTANT, 5, 0 } } } };
    c.per_type = &tt;
    c.nr_per_type = 1;
    ck_assert_ptr_eq(ec2_config_timing(&c, "m5.large"), &tt.timing);
    ck_assert_ptr_eq(ec2_config_timing(&c, "c5.large"), &c.timing);
    /* defaults stay inside AWS's "a few minutes" and the 10-minute stopping threshold */
    for (int i = 0; i < EC2_T_NR; i++) {
        double mean = dist_mean(&c.timing.t[i]);
        ck_assert(mean > 0 && mean <= 180);
    }
}

END_TEST

static const char scenario_text[] =
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Metadata:\n"
        "  ASGSim::Scenario:\n"
        "    Duration: 1h\n"
        "    StartTime: 2024-02-10T00:00:00Z\n"
        "    Instances:\n"
        "      Timing:\n"
        "        m5.large: {Stop: 45s}\n"
        "        Default: {Launch: 40s, Hibernate: {Distribution: uniform, Min: 1m, Max: 2m}}\n"
        "    Billing:\n"
        "      Granularity: hourly\n"
        "      EbsGiBMonthUsd: 0.08\n"
        "      SavingsPlan: {CommitmentUsdPerHour: 0.05, Discount: 0.28}\n"
        "      ReservedInstances:\n"
        "        - {InstanceType: m5.large, Count: 2, UsdPerHour: 0.06}\n"
        "Resources:\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties:\n"
        "      LaunchTemplateData:\n"
        "        InstanceType: m5.large\n"
        "        BlockDeviceMappings:\n"
        "          - DeviceName: /dev/sdf\n"
        "            Ebs: {VolumeSize: 100}\n"
        "          - DeviceName: /dev/xvda\n"
        "            Ebs: {VolumeSize: 20, Encrypted: true, VolumeType: gp3}\n"
        "        HibernationOptions: {Configured: true}\n"
        "  ASG:\n"
        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n"
        "      MinSize: '1'\n"
        "      MaxSize: '2'\n"
        "      AvailabilityZones: [us-east-1a]\n"
        "      LaunchTemplate:\n"
        "        LaunchTemplateId: !Ref LT\n"
        "        Version: !GetAtt LT.LatestVersionNumber\n";

START_TEST(test_ec2_config_binds_timing_billing_and_root_volume)
{
    char *path = test_tmp_path("ec2-config.yaml");
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(scenario_text, fp);
    fclose(fp);
    struct scenario sc;
    struct diag_list d = { 0 };
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    const struct ec2_config *c = &sc.ec2;
    ck_assert_int_eq(c->granularity, BILLING_HOURLY);
    ck_assert_double_eq(c->ebs_usd_per_gib_month, 0.08);
    ck_assert_double_eq(c->root_volume_gib, 8);
    ck_assert_double_eq(c->month_hours, 696); /* February 2024: 29 days */
    ck_assert_double_eq(c->sp_commit_usd_per_hour, 0.05);
    ck_assert_double_eq(c->sp_discount, 0.28);
    ck_assert_uint_eq(c->nr_ris, 1);
    ck_assert_str_eq(c->ris[0].type, "m5.large");
    ck_assert_int_eq(c->ris[0].count, 2);
    /* Default applies to every type; the m5.large entry starts from it */
    ck_assert_double_eq(c->timing.t[EC2_T_LAUNCH].a, 40);
    ck_assert_int_eq(c->timing.t[EC2_T_HIBERNATE].kind, DIST_UNIFORM);
    const struct ec2_timing *t = ec2_config_timing(c, "m5.large");
    ck_assert_double_eq(t->t[EC2_T_STOP].a, 45);
    ck_assert_double_eq(t->t[EC2_T_LAUNCH].a, 40);
    ck_assert_double_eq(c->timing.t[EC2_T_STOP].b, 120); /* asgsim default uniform 30..120 */
    /* the root device is /dev/xvda, not the first mapping */
    ck_assert_double_eq(sc.launch_templates[0].root_volume_gib, 20);
    ck_assert(sc.launch_templates[0].root_encrypted);
    ck_assert(sc.launch_templates[0].hibernation);
    scenario_release(&sc);
    diag_list_release(&d);
    free(path);
}

END_TEST

static char group_name[] = "web", az_a[] = "us-east-1a";
static char *azs1[] = { az_a };

START_TEST(test_ec2_drives_the_group_when_timing_is_given)
{
    struct fixture f;
    setup(&f); /* Launch 60 s, Terminate 50 s */
    struct asg_config cfg = { 0 };
    cfg.name = group_name;
    cfg.min_size = 0;
    cfg.desired_capacity = 1;
    cfg.max_size = 2;
    cfg.azs = azs1;
    cfg.nr_azs = 1;
    struct dist boot = { DIST_CONSTANT, 30, 0 }; /* shorter than EC2's pending */
    struct rng_set rngs = { 0 };
    rng_set_init(&rngs, 1, 0, 0);
    struct ec2_config ec2 = { 0 };
    ec2.timing = f.timing;
    ec2.timing_given = true;
    struct asg_group g;
    asg_group_init(&g, &cfg, &m5_large, &boot, 1704067200, f.eng, &rngs, NULL);
    const struct asg_market_opts mo = { .ec2 = &ec2 };
    asg_group_set_market(&g, &mo, &rngs);
    asg_group_create(&g);
    struct instance *inst = g.live[0];
    /* boot has elapsed at 30 s but EC2 is pending until 60 s: still Pending */
    sim_run_until(f.eng, SIM_SEC(59));
    ck_assert_int_eq(inst->state, LIFECYCLE_PENDING);
    ck_assert_int_eq(inst->ec2.state, EC2_PENDING);
    ck_assert_int_eq(billing_seconds(&inst->meter, SIM_SEC(59)), 0); /* pending is not billed */
    sim_run_until(f.eng, SIM_SEC(60));
    ck_assert_int_eq(inst->state, LIFECYCLE_IN_SERVICE);
    ck_assert_int_eq(inst->in_service_at, SIM_SEC(60));
    /* scale in at 150 s: usage 60 s .. 150 s = 90 s = 0.0024 USD; Terminating for EC2's 50 s */
    sim_run_until(f.eng, SIM_SEC(150));
    asg_group_set_desired(&g, 0, "a user request");
    ck_assert_int_eq(inst->state, LIFECYCLE_TERMINATING);
    ck_assert_int_eq(inst->ec2.state, EC2_SHUTTING_DOWN);
    sim_run_until(f.eng, SIM_SEC(199));
    ck_assert_uint_eq(asg_group_count(&g, LIFECYCLE_TERMINATING), 1);
    sim_run_until(f.eng, SIM_SEC(200));
    ck_assert_uint_eq(asg_group_count(&g, LIFECYCLE_TERMINATING), 0);
    ck_assert_uint_eq(g.nr_terminated, 1);
    ck_assert_double_eq_tol(asg_group_cost_usd(&g, SIM_SEC(200)), 0.0024, 1e-12);
    ck_assert_int_eq(asg_group_billed_seconds(&g, SIM_SEC(200)), 90);
    asg_group_release(&g);
    ck_assert_uint_eq(sim_pending_count(f.eng), 0);
    sim_engine_free(f.eng);
    gsl_rng_free(f.rng);
    rng_set_release(&rngs);
}

END_TEST

Suite *ec2_suite(void);

Suite *ec2_suite(void)
{
    Suite *s = suite_create("ec2");
    TCase *tc = tcase_create("state_machine");
    tcase_add_test(tc, test_ec2_state_codes_match_the_api);
    tcase_add_test(tc, test_ec2_launch_bills_from_running_not_pending);
    tcase_add_test(tc, test_ec2_stopped_instance_pays_only_ebs);
    tcase_add_test(tc, test_ec2_hibernation_is_billed_while_stopping);
    tcase_add_test(tc, test_ec2_start_after_plain_stop_takes_start_time_and_new_minimum);
    tcase_add_test(tc, test_ec2_hibernate_refused_when_not_enabled);
    tcase_add_test(tc, test_ec2_hibernated_longer_than_60_days_cannot_resume);
    tcase_add_test(tc, test_ec2_spot_interrupted_in_first_hour_is_free);
    tcase_add_test(tc, test_ec2_terminate_while_pending_bills_nothing);
    tcase_add_test(tc, test_ec2_drives_the_group_when_timing_is_given);
    suite_add_tcase(s, tc);
    TCase *cfg = tcase_create("config");
    tcase_add_test(cfg, test_ec2_hibernation_limits);
    tcase_add_test(cfg, test_ec2_timing_per_type_overrides_default);
    tcase_add_test(cfg, test_ec2_config_binds_timing_billing_and_root_volume);
    suite_add_tcase(s, cfg);
    return s;
}
