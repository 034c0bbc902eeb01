/*
 * Lifecycle hooks and health in the running group, from C configs (no YAML).
 *
 * Numbers are AWS's: HeartbeatTimeout 30..7200 s, default 3600 s, DefaultResult default
 * ABANDON, global timeout min(48 h, 100 x HeartbeatTimeout) (API_PutLifecycleHook,
 * API_LifecycleHook); launch ABANDON terminates and replaces, terminate hooks delay
 * Terminated (adding-lifecycle-hooks.html, lifecycle-hooks.html); the EC2 health check's
 * activity cause and the grace period starting after the launch hook
 * (ec2-auto-scaling-health-checks.html, health-check-grace-period.html).
 */
#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char c6i_name[] = "c6i.large", az_a[] = "us-east-1a", az_b[] = "us-east-1b",
            group_name[] = "web", hook_a[] = "bootstrap", hook_b[] = "register", hook_t[] = "drain";
static const struct instance_type c6i_large = { .name = c6i_name,
                                                .vcpus = 2,
                                                .memory_gib = 4,
                                                .on_demand_usd_per_hour = 0.085,
                                                .spot_usd_per_hour = 0.0339 };
static char *azs2[] = { az_a, az_b };

#define MAX_LOG 64

struct recorder {
    enum lifecycle_state path[MAX_LOG]; /* every `to` state of instance 1, in order */
    size_t nr_path;
    sim_time at[MAX_LOG];
    int launched;
    int to_state[LIFECYCLE_NR];
    char launch_status[8][16];
    size_t nr_launch_status;
    char terminate_cause[512];
    int terminate_activities;
    sim_time in_service_at[16];
    sim_time terminated_at[16];
    int64_t billed_s[16];
    size_t nr_retired;
    struct sim_engine *eng;
};

static void rec_launched(void *ctx, const struct instance *inst)
{
    struct recorder *r = ctx;
    (void)inst;
    r->launched++;
}

static void rec_transition(void *ctx, const struct instance *inst, enum lifecycle_state from,
                           enum lifecycle_state to, const char *cause)
{
    struct recorder *r = ctx;
    (void)cause;
    ck_assert_int_ne(from, to);
    r->to_state[to]++;
    if (inst->id == 1 && r->nr_path < MAX_LOG) {
        r->at[r->nr_path] = sim_now(r->eng);
        r->path[r->nr_path++] = to;
    }
}

static void rec_activity(void *ctx, const struct asg_activity *a)
{
    struct recorder *r = ctx;
    if (!strncmp(a->description, "Launching", 9) && r->nr_launch_status < 8)
        snprintf(r->launch_status[r->nr_launch_status++], 16, "%s", a->status);
    if (!strncmp(a->description, "Terminating EC2 instance: ", 26)) {
        r->terminate_activities++;
        snprintf(r->terminate_cause, sizeof(r->terminate_cause), "%s", a->cause);
    }
}

static void rec_retired(void *ctx, const struct instance *inst, sim_time now)
{
    struct recorder *r = ctx;
    if (r->nr_retired < 16) {
        r->in_service_at[r->nr_retired] = inst->in_service_at;
        r->terminated_at[r->nr_retired] = inst->terminated_at;
        r->billed_s[r->nr_retired] = billing_seconds(&inst->meter, now);
        r->nr_retired++;
    }
}

struct fixture {
    struct asg_config cfg;
    struct lifecycle_hook_config hooks[3];
    struct dist boot;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct asg_group g;
    struct recorder rec;
};

/* A hook as AWS creates it when only name and transition are given: 3600 s, ABANDON. */
static struct lifecycle_hook_config hook(char *name, enum hook_transition t, double action_s)
{
    return (struct lifecycle_hook_config){
        .name = name,
        .transition = t,
        .default_result = HOOK_ABANDON,
        .heartbeat_timeout = LIFECYCLE_HEARTBEAT_DEFAULT,
        .action_duration = { DIST_CONSTANT, action_s, 0 },
    };
}

static void setup(struct fixture *f, int64_t desired, size_t nr_hooks)
{
    memset(f, 0, sizeof(*f));
    f->cfg.name = group_name;
    f->cfg.min_size = 0;
    f->cfg.desired_capacity = desired;
    f->cfg.max_size = 10;
    f->cfg.azs = azs2;
    f->cfg.nr_azs = 2;
    f->cfg.hooks = f->hooks;
    f->cfg.nr_hooks = nr_hooks;
    f->boot = (struct dist){ DIST_CONSTANT, 60, 0 };
    f->eng = sim_engine_new();
    f->rec.eng = f->eng;
    rng_set_init(&f->rngs, 1, 0, 0);
}

/* Create the group (after the test has filled in hooks and health settings). */
static void start(struct fixture *f, const struct health_faults *faults)
{
    const struct asg_observer obs = { &f->rec, rec_launched, rec_transition, rec_activity,
                                      rec_retired };
    asg_group_init(&f->g, &f->cfg, &c6i_large, &f->boot, 1704067200, f->eng, &f->rngs, &obs);
    const struct asg_market_opts mo = { .granularity = BILLING_PER_SECOND };
    asg_group_set_market(&f->g, &mo, &f->rngs);
    if (faults)
        asg_group_set_faults(&f->g, faults, &f->rngs, NULL, NULL);
    asg_group_create(&f->g);
}

static void teardown(struct fixture *f)
{
    asg_group_finish(&f->g);
    asg_group_release(&f->g);
    ck_assert_uint_eq(sim_pending_count(f->eng), 0);
    sim_engine_free(f->eng);
    rng_set_release(&f->rngs);
}

START_TEST(test_group_launch_hook_waits_then_goes_in_service)
{
    struct fixture f;
    setup(&f, 2, 1);
    f.hooks[0] = hook(hook_a, HOOK_LAUNCHING, 300);
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(100));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING_WAIT), 2);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING), 0);
    ck_assert_uint_eq(asg_group_count_pending(&f.g), 2);
    sim_run_until(f.eng, SIM_SEC(359));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 0);
    sim_run_until(f.eng, SIM_SEC(360));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 2);
    /* Pending -> Pending:Wait (after the 60 s boot) -> Pending:Proceed -> InService */
    ck_assert_uint_eq(f.rec.nr_path, 3);
    ck_assert_int_eq(f.rec.path[0], LIFECYCLE_PENDING_WAIT);
    ck_assert_int_eq(f.rec.at[0], SIM_SEC(60));
    ck_assert_int_eq(f.rec.path[1], LIFECYCLE_PENDING_PROCEED);
    ck_assert_int_eq(f.rec.path[2], LIFECYCLE_IN_SERVICE);
    ck_assert_int_eq(f.rec.at[2], SIM_SEC(360));
    ck_assert_uint_eq(f.g.hooks.nr_actions, 2);
    ck_assert_uint_eq(f.g.hooks.nr_timeouts, 0);
    ck_assert_str_eq(f.rec.launch_status[0], "Successful");
    teardown(&f);
}

END_TEST

START_TEST(test_group_launch_hook_timeout_abandon_terminates_and_replaces)
{
    struct fixture f;
    setup(&f, 1, 1);
    /* Nobody completes the action; HeartbeatTimeout at AWS's minimum of 30 s; DefaultResult
       left at AWS's default, ABANDON. */
    f.hooks[0] = hook(hook_a, HOOK_LAUNCHING, 1e9);
    f.hooks[0].heartbeat_timeout = LIFECYCLE_HEARTBEAT_MIN;
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(90));
    /* boot 60 s + 30 s timeout: ABANDON terminates instance 1 and launches instance 2 */
    ck_assert_uint_eq(f.g.hooks.nr_launches_abandoned, 1);
    ck_assert_uint_eq(f.g.nr_launched, 2);
    ck_assert_uint_eq(f.g.hooks.nr_timeouts, 1);
    ck_assert_int_eq(f.rec.path[0], LIFECYCLE_PENDING_WAIT);
    ck_assert_int_eq(f.rec.path[1], LIFECYCLE_TERMINATING);
    ck_assert_int_eq(f.rec.at[1], SIM_SEC(90));
    ck_assert_str_eq(f.rec.launch_status[0], "Cancelled");
    ck_assert_int_eq(f.g.desired, 1);
    /* the replacement is Pending (counted against desired); the first is gone */
    sim_run_until(f.eng, SIM_SEC(91));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING), 1);
    ck_assert_int_eq(f.rec.to_state[LIFECYCLE_TERMINATED], 1);
    teardown(&f);
}

END_TEST

START_TEST(test_group_launch_hook_timeout_continue_after_default_3600s)
{
    struct fixture f;
    setup(&f, 1, 1);
    f.hooks[0] = hook(hook_a, HOOK_LAUNCHING, 1e9);
    f.hooks[0].default_result = HOOK_CONTINUE;
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(60 + 3599));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING_WAIT), 1);
    sim_run_until(f.eng, SIM_SEC(60 + 3600));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 1);
    ck_assert_uint_eq(f.g.hooks.nr_launches_abandoned, 0);
    ck_assert_uint_eq(f.g.hooks.nr_timeouts, 1);
    teardown(&f);
}

END_TEST

START_TEST(test_group_heartbeats_end_at_global_timeout_100x)
{
    struct fixture f;
    setup(&f, 1, 1);
    /* HeartbeatTimeout 60 s, a heartbeat every 30 s, a 10 h action: the global timeout
       min(48 h, 100 x 60 s) = 6000 s ends the wait with DefaultResult CONTINUE. */
    f.hooks[0] = hook(hook_a, HOOK_LAUNCHING, 36000);
    f.hooks[0].heartbeat_timeout = SIM_SEC(60);
    f.hooks[0].heartbeat_every = SIM_SEC(30);
    f.hooks[0].default_result = HOOK_CONTINUE;
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(60 + 5999));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING_WAIT), 1);
    sim_run_until(f.eng, SIM_SEC(60 + 6000));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 1);
    ck_assert_uint_eq(f.g.hooks.nr_timeouts, 1);
    teardown(&f);
}

END_TEST

START_TEST(test_group_several_launch_hooks_wait_for_the_last)
{
    struct fixture f;
    setup(&f, 1, 2);
    f.hooks[0] = hook(hook_a, HOOK_LAUNCHING, 100);
    f.hooks[1] = hook(hook_b, HOOK_LAUNCHING, 300);
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(60 + 299));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING_WAIT), 1);
    sim_run_until(f.eng, SIM_SEC(60 + 300));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 1);
    teardown(&f);
}

END_TEST

START_TEST(test_group_first_abandon_stops_other_hooks)
{
    struct fixture f;
    setup(&f, 1, 2);
    /* "bootstrap" fails at 50 s (DefaultResult ABANDON applies on failure); "register"
       would take 300 s. ABANDON "stops any remaining actions". */
    f.hooks[0] = hook(hook_a, HOOK_LAUNCHING, 50);
    f.hooks[0].failure_probability = 1.0;
    f.hooks[1] = hook(hook_b, HOOK_LAUNCHING, 300);
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(60 + 50));
    ck_assert_uint_eq(f.g.hooks.nr_launches_abandoned, 1);
    ck_assert_uint_eq(f.g.nr_launched, 2);
    ck_assert_uint_eq(f.g.hooks.nr_timeouts, 0);
    teardown(&f);
}

END_TEST

START_TEST(test_group_terminate_hook_delays_terminated_and_keeps_billing)
{
    struct fixture f;
    setup(&f, 2, 1);
    f.hooks[0] = hook(hook_t, HOOK_TERMINATING, 120);
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(3600));
    asg_group_set_desired(&f.g, 1, "test");
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_TERMINATING_WAIT), 1);
    ck_assert_uint_eq(asg_group_count_terminating(&f.g), 1);
    sim_run_until(f.eng, SIM_SEC(3719));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_TERMINATING_WAIT), 1);
    ck_assert_uint_eq(f.rec.nr_retired, 0);
    sim_run_until(f.eng, SIM_SEC(3720));
    ck_assert_uint_eq(f.rec.nr_retired, 1);
    ck_assert_int_eq(f.rec.to_state[LIFECYCLE_TERMINATING_PROCEED], 1);
    ck_assert_int_eq(f.rec.to_state[LIFECYCLE_TERMINATED], 1);
    /* billed from launch until the hook let it go: 3600 s + 120 s in Terminating:Wait */
    ck_assert_int_eq(f.rec.billed_s[0], 3720);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 1);
    teardown(&f);
}

END_TEST

START_TEST(test_group_ec2_failure_replaced_with_aws_cause)
{
    struct fixture f;
    setup(&f, 3, 0);
    const struct health_faults faults = { .instance_failures_per_hour = 0.5 };
    start(&f, &faults);
    sim_run_until(f.eng, SIM_HOUR(24));
    ck_assert_uint_gt(f.g.health.nr_health_replacements, 0);
    ck_assert_uint_eq(f.g.health.nr_instance_failures[0], f.g.health.nr_health_replacements);
    ck_assert_uint_eq(f.g.nr_launched, 3 + f.g.health.nr_health_replacements);
    ck_assert_int_eq(f.rec.terminate_activities, (int)f.g.health.nr_health_replacements);
    /* "At <time> an instance was taken out of service in response to a EC2 health check
       indicating it has been terminated or stopped." (AWS's wording) */
    ck_assert_str_eq(f.rec.terminate_cause + strlen("At 2024-01-01T00:00:00Z "),
                     "an instance was taken out of service in response to a EC2 health check "
                     "indicating it has been terminated or stopped.");
    ck_assert_int_eq(strncmp(f.rec.terminate_cause, "At 2024-01-0", 12), 0);
    ck_assert_int_eq((int)(asg_group_count(&f.g, LIFECYCLE_PENDING) +
                           asg_group_count(&f.g, LIFECYCLE_IN_SERVICE)),
                     3);
    teardown(&f);
}

END_TEST

START_TEST(test_group_elb_failure_ignored_without_elb_check_type)
{
    struct fixture f;
    setup(&f, 2, 0);
    const struct health_faults faults = { .elb_failures_per_hour = 3600 };
    start(&f, &faults);
    sim_run_until(f.eng, SIM_HOUR(2));
    ck_assert_uint_eq(f.g.health.nr_instance_failures[1], 2);
    ck_assert_uint_eq(f.g.health.nr_health_replacements, 0);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 2);
    ck_assert(f.g.live[0]->health.elb_unhealthy && f.g.live[1]->health.elb_unhealthy);
    teardown(&f);
}

END_TEST

START_TEST(test_group_elb_replacement_waits_for_grace_after_launch_hook)
{
    struct fixture f;
    setup(&f, 1, 1);
    /* A 600 s launch hook, then HealthCheckGracePeriod 300 s from InService: failures in
       the grace period are acted on when it ends (health-check-grace-period.html). */
    f.hooks[0] = hook(hook_a, HOOK_LAUNCHING, 600);
    f.cfg.health_check_elb = true;
    f.cfg.health_check_grace = SIM_SEC(300);
    const struct health_faults faults = { .elb_failures_per_hour = 36000 }; /* mean 0.1 s */
    start(&f, &faults);
    sim_run_until(f.eng, SIM_SEC(60 + 600 + 300));
    ck_assert_uint_ge(f.rec.nr_retired, 1);
    ck_assert_int_eq(f.rec.in_service_at[0], SIM_SEC(660));
    ck_assert_int_eq(f.rec.terminated_at[0], SIM_SEC(960));
    ck_assert_uint_eq(f.g.health.nr_health_replacements, 1);
    teardown(&f);
}

END_TEST

/*
 * ELB-unhealthy instances are replaced in batches (ec2-auto-scaling-health-checks.html):
 * "at most 10% of desired capacity at a time, or one at a time if 10% is less than 1", and
 * each batch waits for the initial health check (HealthCheckGracePeriod) plus the default
 * instance warmup. 10 instances fail their ELB check right after InService (60 s); the
 * grace period 300 s makes them due at 360 s. A replacement boots 60 s, then its batch
 * waits 300 s grace + 100 s warmup: one replacement at 360 s, the next at 820 s.
 */
static void elb_batches(int64_t desired, size_t first_batch)
{
    struct fixture f;
    setup(&f, desired, 0);
    f.cfg.max_size = desired;
    f.cfg.health_check_elb = true;
    f.cfg.health_check_grace = SIM_SEC(300);
    f.cfg.has_default_instance_warmup = true;
    f.cfg.default_instance_warmup = SIM_SEC(100);
    const struct health_faults faults = { .elb_failures_per_hour = 36000 }; /* mean 0.1 s */
    start(&f, &faults);
    sim_run_until(f.eng, SIM_SEC(359));
    ck_assert_uint_eq(f.g.health.nr_instance_failures[1], (uint64_t)desired);
    ck_assert_uint_eq(f.g.health.nr_health_replacements, 0);
    sim_run_until(f.eng, SIM_SEC(360));
    ck_assert_uint_eq(f.g.health.nr_health_replacements, first_batch);
    sim_run_until(f.eng, SIM_SEC(819));
    ck_assert_uint_eq(f.g.health.nr_health_replacements, first_batch);
    sim_run_until(f.eng, SIM_SEC(820));
    ck_assert_uint_eq(f.g.health.nr_health_replacements, 2 * first_batch);
    ck_assert_int_eq(f.g.units, desired); /* terminate and launch together */
    teardown(&f);
}

START_TEST(test_group_elb_replacements_one_at_a_time_below_ten)
{
    elb_batches(10, 1); /* 10 % of 10 is 1 */
}

END_TEST

START_TEST(test_group_elb_replacements_ten_percent_of_desired)
{
    elb_batches(25, 2); /* 10 % of 25, whole instances */
}

END_TEST

/* EC2 failures (the instance stopped) are replaced at once, never batched. */
START_TEST(test_group_ec2_failures_not_batched)
{
    struct fixture f;
    setup(&f, 10, 0);
    f.cfg.health_check_grace = SIM_SEC(300);
    const struct health_faults faults = { .instance_failures_per_hour = 36000 };
    start(&f, &faults);
    sim_run_until(f.eng, SIM_SEC(62));
    ck_assert_uint_ge(f.g.health.nr_health_replacements, 10);
    teardown(&f);
}

END_TEST

START_TEST(test_group_max_instance_lifetime_replaces_after_one_day)
{
    struct fixture f;
    setup(&f, 2, 0);
    /* MaxInstanceLifetime at AWS's minimum, 86400 s (API_CreateAutoScalingGroup) */
    f.cfg.max_instance_lifetime = SIM_SEC(86400);
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(86399));
    ck_assert_uint_eq(f.g.nr_launched, 2);
    /* "usually replaced one at a time with pauses" (asg-max-instance-lifetime.html): the
       second waits until the first replacement is InService (60 s boot; no grace period
       or warmup here) */
    sim_run_until(f.eng, SIM_SEC(86400));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 1);
    ck_assert_uint_eq(f.g.nr_launched, 3);
    ck_assert_int_eq(f.rec.terminate_activities, 1);
    sim_run_until(f.eng, SIM_SEC(86459));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 1);
    sim_run_until(f.eng, SIM_SEC(86460));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 2);
    ck_assert_uint_eq(f.g.nr_launched, 4);
    /* the replacements are replaced again a day after their own launch */
    sim_run_until(f.eng, SIM_SEC(86460 + 60));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 2);
    sim_run_until(f.eng, SIM_SEC(2 * 86400));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 3);
    sim_run_until(f.eng, SIM_SEC(2 * 86400 + 60));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 4);
    teardown(&f);
}

END_TEST

START_TEST(test_group_max_instance_lifetime_spares_protected)
{
    struct fixture f;
    setup(&f, 1, 0);
    f.cfg.max_instance_lifetime = SIM_SEC(86400);
    f.cfg.new_instances_protected = true;
    start(&f, NULL);
    sim_run_until(f.eng, SIM_SEC(3 * 86400));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 0);
    ck_assert_uint_eq(f.g.nr_launched, 1);
    teardown(&f);
}

END_TEST

Suite *group_hooks_suite(void);

Suite *group_hooks_suite(void)
{
    Suite *s = suite_create("group_hooks");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_group_launch_hook_waits_then_goes_in_service);
    tcase_add_test(tc, test_group_launch_hook_timeout_abandon_terminates_and_replaces);
    tcase_add_test(tc, test_group_launch_hook_timeout_continue_after_default_3600s);
    tcase_add_test(tc, test_group_heartbeats_end_at_global_timeout_100x);
    tcase_add_test(tc, test_group_several_launch_hooks_wait_for_the_last);
    tcase_add_test(tc, test_group_first_abandon_stops_other_hooks);
    tcase_add_test(tc, test_group_terminate_hook_delays_terminated_and_keeps_billing);
    tcase_add_test(tc, test_group_ec2_failure_replaced_with_aws_cause);
    tcase_add_test(tc, test_group_elb_failure_ignored_without_elb_check_type);
    tcase_add_test(tc, test_group_elb_replacement_waits_for_grace_after_launch_hook);
    tcase_add_test(tc, test_group_elb_replacements_one_at_a_time_below_ten);
    tcase_add_test(tc, test_group_elb_replacements_ten_percent_of_desired);
    tcase_add_test(tc, test_group_ec2_failures_not_batched);
    tcase_add_test(tc, test_group_max_instance_lifetime_replaces_after_one_day);
    tcase_add_test(tc, test_group_max_instance_lifetime_spares_protected);
    suite_add_tcase(s, tc);
    return s;
}
