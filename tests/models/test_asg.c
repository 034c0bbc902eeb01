/*
 * The group at run time, built from C configs (no YAML): AZ balance on launch, the
 * Pending -> InService lifecycle, AWS's activity wording, billing from launch.
 */
#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char c6i_name[] = "c6i.large", az_a[] = "us-east-1a", az_b[] = "us-east-1b",
            az_c[] = "us-east-1c", group_name[] = "web";
static const struct instance_type c6i_large = { .name = c6i_name,
                                                .vcpus = 2,
                                                .memory_gib = 4,
                                                .on_demand_usd_per_hour = 0.085,
                                                .spot_usd_per_hour = 0.0339 };
static char *azs3[] = { az_a, az_b, az_c };

struct recorder {
    int launched;
    int to_state[LIFECYCLE_NR];
    int activities;
    char last_cause[512];
    char last_desc[128];
    const char *last_status;
    int retired;
};

static void rec_launched(void *ctx, const struct instance *inst)
{
    struct recorder *r = ctx;
    ck_assert_int_eq(inst->state, LIFECYCLE_PENDING);
    r->launched++;
}

static void rec_transition(void *ctx, const struct instance *inst, enum lifecycle_state from,
                           enum lifecycle_state to, const char *cause)
{
    struct recorder *r = ctx;
    (void)cause;
    ck_assert_int_ne(from, to);
    ck_assert_int_eq(inst->state, to);
    r->to_state[to]++;
}

static void rec_activity(void *ctx, const struct asg_activity *a)
{
    struct recorder *r = ctx;
    r->activities++;
    snprintf(r->last_cause, sizeof(r->last_cause), "%s", a->cause);
    snprintf(r->last_desc, sizeof(r->last_desc), "%s", a->description);
    r->last_status = a->status;
}

static void rec_retired(void *ctx, const struct instance *inst, sim_time now)
{
    struct recorder *r = ctx;
    (void)inst;
    (void)now;
    r->retired++;
}

struct fixture {
    struct asg_config cfg;
    struct dist boot;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct asg_group g;
    struct recorder rec;
};

static void setup_group(struct fixture *f, int64_t min, int64_t desired, int64_t max, size_t nr_azs,
                        struct dist boot)
{
    memset(f, 0, sizeof(*f));
    f->cfg.name = group_name;
    f->cfg.min_size = min;
    f->cfg.desired_capacity = desired;
    f->cfg.max_size = max;
    f->cfg.azs = azs3;
    f->cfg.nr_azs = nr_azs;
    f->boot = boot;
    f->eng = sim_engine_new();
    rng_set_init(&f->rngs, 1, 0, 0);
    const struct asg_observer obs = { &f->rec, rec_launched, rec_transition, rec_activity,
                                      rec_retired };
    /* 2024-01-01T00:00:00Z */
    asg_group_init(&f->g, &f->cfg, &c6i_large, &f->boot, 1704067200, f->eng, &f->rngs, &obs);
}

static void teardown_group(struct fixture *f)
{
    asg_group_release(&f->g);
    ck_assert_uint_eq(sim_pending_count(f->eng), 0);
    sim_engine_free(f->eng);
    rng_set_release(&f->rngs);
}

START_TEST(test_asg_launches_desired_balanced_over_azs)
{
    struct fixture f;
    setup_group(&f, 1, 7, 10, 3, (struct dist){ DIST_CONSTANT, 90, 0 });
    asg_group_create(&f.g);
    /* Fewest-instances-first over 3 AZs: 7 instances land 3 / 2 / 2. */
    ck_assert_uint_eq(f.g.per_az[0], 3);
    ck_assert_uint_eq(f.g.per_az[1], 2);
    ck_assert_uint_eq(f.g.per_az[2], 2);
    ck_assert_int_eq(f.rec.launched, 7);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING), 7);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 0);
    teardown_group(&f);
}

END_TEST

START_TEST(test_asg_instances_go_in_service_after_boot_time)
{
    struct fixture f;
    setup_group(&f, 2, 2, 4, 2, (struct dist){ DIST_CONSTANT, 90, 0 });
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_SEC(89));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 0);
    sim_run_until(f.eng, SIM_SEC(90));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 2);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING), 0);
    ck_assert_int_eq(f.rec.to_state[LIFECYCLE_IN_SERVICE], 2);
    ck_assert_int_eq(f.g.live[0]->in_service_at, SIM_SEC(90));
    teardown_group(&f);
}

END_TEST

START_TEST(test_asg_activity_in_aws_words)
{
    struct fixture f;
    setup_group(&f, 2, 2, 4, 2, (struct dist){ DIST_CONSTANT, 90, 0 });
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_SEC(100));
    ck_assert_int_eq(f.rec.activities, 2);
    /* Wording of describe-scaling-activities for a new group (two sentences, two spaces). */
    ck_assert_str_eq(f.rec.last_cause,
                     "At 2024-01-01T00:00:00Z a user request created an AutoScalingGroup changing "
                     "the desired capacity from 0 to 2.  At 2024-01-01T00:00:00Z an instance was "
                     "started in response to a difference between desired and actual capacity, "
                     "increasing the capacity from 0 to 2.");
    ck_assert(!strncmp(f.rec.last_desc, "Launching a new EC2 instance: i-", 32));
    ck_assert_uint_eq(strlen(f.rec.last_desc), 32 + 17);
    ck_assert_str_eq(f.rec.last_status, "Successful");
    teardown_group(&f);
}

END_TEST

START_TEST(test_asg_billing_from_launch)
{
    struct fixture f;
    setup_group(&f, 3, 3, 3, 1, (struct dist){ DIST_CONSTANT, 120, 0 });
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_HOUR(1));
    /* 3 instances x 3600 s x 0.085 USD/h / 3600 = 0.255 USD: Pending time is billed too. */
    ck_assert_double_eq_tol(asg_group_cost_usd(&f.g, SIM_HOUR(1)), 0.255, 1e-12);
    ck_assert_int_eq(asg_group_billed_seconds(&f.g, SIM_HOUR(1)), 3 * 3600);
    teardown_group(&f);
}

END_TEST

START_TEST(test_asg_scale_in_takes_from_the_fullest_az)
{
    struct fixture f;
    setup_group(&f, 0, 5, 6, 3, (struct dist){ DIST_CONSTANT, 60, 0 });
    asg_group_create(&f.g); /* 2 / 2 / 1 */
    sim_run_until(f.eng, SIM_MIN(5));
    asg_group_set_desired(&f.g, 3,
                          "a user request explicitly set group desired capacity "
                          "changing the desired capacity from 5 to 3.");
    sim_run_until(f.eng, SIM_MIN(6));
    ck_assert_uint_eq(f.g.per_az[0] + f.g.per_az[1] + f.g.per_az[2], 3);
    ck_assert_uint_eq(f.g.per_az[2], 1);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 3);
    ck_assert_int_eq(f.rec.to_state[LIFECYCLE_TERMINATED], 2);
    ck_assert_int_eq(f.rec.retired, 2);
    ck_assert_uint_eq(f.g.nr_terminated, 2);
    /* Terminated instances keep their cost: 2 x 300 s + 3 x 360 s at 0.085 USD/h. */
    ck_assert_double_eq_tol(asg_group_cost_usd(&f.g, SIM_MIN(6)),
                            (2 * 300 + 3 * 360) * 0.085 / 3600, 1e-12);
    teardown_group(&f);
}

END_TEST

START_TEST(test_asg_protected_instances_block_scale_in)
{
    /* "If all instances ... are protected from termination during scale in, and a scale-in
     * event occurs, its desired capacity is decremented. However, the Auto Scaling group
     * can't terminate the required number of instances" (as-instance-termination.html). */
    struct fixture f;
    setup_group(&f, 0, 3, 6, 1, (struct dist){ DIST_CONSTANT, 60, 0 });
    f.cfg.new_instances_protected = true;
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_MIN(5));
    int before = f.rec.activities;
    asg_group_set_desired(&f.g, 1,
                          "a user request explicitly set group desired capacity "
                          "changing the desired capacity from 3 to 1.");
    sim_run_until(f.eng, SIM_MIN(6));
    ck_assert_int_eq(f.g.desired, 1);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 3);
    ck_assert_int_eq(f.rec.to_state[LIFECYCLE_TERMINATED], 0);
    ck_assert_int_eq(f.rec.activities, before + 1);
    ck_assert_str_eq(f.rec.last_cause, "Could not scale to desired capacity because all "
                                       "remaining instances are protected from scale-in.");
    teardown_group(&f);
}

END_TEST

START_TEST(test_asg_protection_starts_in_service)
{
    /* Protection applies from InService: a Pending instance can still be scaled in. */
    struct fixture f;
    setup_group(&f, 0, 2, 6, 1, (struct dist){ DIST_CONSTANT, 600, 0 });
    f.cfg.new_instances_protected = true;
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_MIN(1));
    asg_group_set_desired(&f.g, 1,
                          "a user request explicitly set group desired capacity "
                          "changing the desired capacity from 2 to 1.");
    sim_run_until(f.eng, SIM_MIN(2));
    ck_assert_int_eq(f.rec.to_state[LIFECYCLE_TERMINATED], 1);
    teardown_group(&f);
}

END_TEST

START_TEST(test_asg_termination_policy_list_is_used)
{
    /* OldestInstance in one AZ: the first launched goes first. */
    struct fixture f;
    setup_group(&f, 0, 1, 6, 1, (struct dist){ DIST_CONSTANT, 30, 0 });
    f.cfg.termination_policies[0] = TERMINATION_OLDEST_INSTANCE;
    f.cfg.nr_termination_policies = 1;
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_MIN(1));
    asg_group_set_desired(&f.g, 3,
                          "a user request explicitly set group desired capacity "
                          "changing the desired capacity from 1 to 3.");
    sim_run_until(f.eng, SIM_MIN(2));
    uint32_t oldest = f.g.live[0]->id;
    asg_group_set_desired(&f.g, 2,
                          "a user request explicitly set group desired capacity "
                          "changing the desired capacity from 3 to 2.");
    sim_run_until(f.eng, SIM_MIN(3));
    for (size_t i = 0; i < f.g.nr_live; i++)
        ck_assert_uint_ne(f.g.live[i]->id, oldest);
    ck_assert_uint_eq(f.g.nr_live, 2);
    teardown_group(&f);
}

END_TEST

START_TEST(test_asg_instance_ids_are_reproducible)
{
    struct fixture a, b;
    setup_group(&a, 3, 3, 3, 1, (struct dist){ DIST_CONSTANT, 60, 0 });
    setup_group(&b, 3, 3, 3, 1, (struct dist){ DIST_CONSTANT, 60, 0 });
    asg_group_create(&a.g);
    asg_group_create(&b.g);
    for (size_t i = 0; i < 3; i++)
        ck_assert_str_eq(a.g.live[i]->ec2_id, b.g.live[i]->ec2_id);
    ck_assert_str_ne(a.g.live[0]->ec2_id, a.g.live[1]->ec2_id);
    teardown_group(&a);
    teardown_group(&b);
}

END_TEST

START_TEST(test_asg_format_utc)
{
    char buf[21];
    asg_format_utc(1704067200, SIM_SEC(86400 * 60 + 3661), buf); /* 2024 is a leap year */
    ck_assert_str_eq(buf, "2024-03-01T01:01:01Z");
    asg_format_utc(0, 0, buf);
    ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
}

END_TEST

Suite *asg_suite(void);

Suite *asg_suite(void)
{
    Suite *s = suite_create("asg");
    TCase *tc = tcase_create("group");
    tcase_add_test(tc, test_asg_launches_desired_balanced_over_azs);
    tcase_add_test(tc, test_asg_instances_go_in_service_after_boot_time);
    tcase_add_test(tc, test_asg_activity_in_aws_words);
    tcase_add_test(tc, test_asg_billing_from_launch);
    tcase_add_test(tc, test_asg_scale_in_takes_from_the_fullest_az);
    tcase_add_test(tc, test_asg_protected_instances_block_scale_in);
    tcase_add_test(tc, test_asg_protection_starts_in_service);
    tcase_add_test(tc, test_asg_termination_policy_list_is_used);
    tcase_add_test(tc, test_asg_instance_ids_are_reproducible);
    tcase_add_test(tc, test_asg_format_utc);
    suite_add_tcase(s, tc);
    return s;
}
