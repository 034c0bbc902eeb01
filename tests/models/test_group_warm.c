/*
 * The warm pool in the running group (C configs, EC2's state machine with fixed times).
 *
 * AWS's rules pinned here (ec2-auto-scaling-warm-pools.html, API_PutWarmPool.html,
 * ec2-auto-scaling-metrics.html WarmPoolDesiredCapacity): pool size MaxSize - desired, or
 * MaxGroupPreparedCapacity - desired when set, never below MinSize; scale-out draws from
 * the pool before launching; a Stopped instance pays EBS only, a Running one full price;
 * ReuseOnScaleIn returns instances to the pool, otherwise they terminate and new ones
 * are launched into it.
 */
#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char c6i_name[] = "c6i.large", az_a[] = "us-east-1a", az_b[] = "us-east-1b",
            group_name[] = "warm";
static const struct instance_type c6i_large = { .name = c6i_name,
                                                .vcpus = 2,
                                                .memory_gib = 4,
                                                .on_demand_usd_per_hour = 0.085,
                                                .spot_usd_per_hour = 0.0339 };
static char *azs2[] = { az_a, az_b };

struct fixture {
    struct asg_config cfg;
    struct ec2_config ec2;
    struct dist boot;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct asg_group g;
    bool hibernation;
    double ebs_usd_per_gib_month;
};

static void setup(struct fixture *f, int64_t desired, int64_t max, enum warm_pool_state st)
{
    memset(f, 0, sizeof(*f));
    f->cfg.name = group_name;
    f->cfg.min_size = 0;
    f->cfg.desired_capacity = desired;
    f->cfg.max_size = max;
    f->cfg.azs = azs2;
    f->cfg.nr_azs = 2;
    f->cfg.has_warm_pool = true;
    f->cfg.warm_pool = (struct warm_pool_config){ 0, -1, st, false };
    f->boot = (struct dist){ DIST_CONSTANT, 60, 0 };
    /* EC2 transition times fixed so that each state change lands on a known second. */
    ec2_timing_defaults(&f->ec2.timing);
    const double secs[EC2_T_NR] = {
        [EC2_T_LAUNCH] = 30, [EC2_T_START] = 20,     [EC2_T_RESUME] = 25,
        [EC2_T_STOP] = 10,   [EC2_T_HIBERNATE] = 40, [EC2_T_TERMINATE] = 5
    };
    for (int t = 0; t < EC2_T_NR; t++)
        f->ec2.timing.t[t] = (struct dist){ DIST_CONSTANT, secs[t], 0 };
    f->eng = sim_engine_new();
    rng_set_init(&f->rngs, 1, 0, 0);
}

static void start(struct fixture *f)
{
    asg_group_init(&f->g, &f->cfg, &c6i_large, &f->boot, 1704067200, f->eng, &f->rngs, NULL);
    const struct asg_market_opts mo = {
        .granularity = BILLING_PER_SECOND,
        .ec2 = &f->ec2,
        .hibernation = f->hibernation,
        .ebs_usd_per_gib_month = f->ebs_usd_per_gib_month,
        .root_volume_gib = 8,
        .month_hours = 730,
    };
    asg_group_set_market(&f->g, &mo, &f->rngs);
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

static size_t pool_size(const struct asg_group *g)
{
    return asg_group_count(g, LIFECYCLE_WARMED_PENDING) +
           asg_group_count(g, LIFECYCLE_WARMED_STOPPED) +
           asg_group_count(g, LIFECYCLE_WARMED_RUNNING) +
           asg_group_count(g, LIFECYCLE_WARMED_HIBERNATED);
}

/*
 * Warm pool health (warm-pools-health-checks-monitor-view-status.html): pool instances are
 * checked once ready (no grace period) and unhealthy ones are replaced; the pool keeps its
 * size and the group's capacity is untouched. Failure rate 1 per instance-hour over 10 h.
 */
START_TEST(test_warm_pool_unhealthy_instances_replaced)
{
    struct fixture f;
    setup(&f, 2, 10, WARM_POOL_STOPPED);
    asg_group_init(&f.g, &f.cfg, &c6i_large, &f.boot, 1704067200, f.eng, &f.rngs, NULL);
    const struct asg_market_opts mo = { .granularity = BILLING_PER_SECOND, .ec2 = &f.ec2 };
    asg_group_set_market(&f.g, &mo, &f.rngs);
    const struct health_faults faults = { .instance_failures_per_hour = 1 };
    asg_group_set_faults(&f.g, &faults, &f.rngs, NULL, NULL);
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_HOUR(10));
    /* about 8 pool instances x 10 h x 1/h */
    ck_assert_uint_gt(f.g.health.nr_pool_health_replacements, 40);
    ck_assert_uint_lt(f.g.health.nr_pool_health_replacements, 130);
    ck_assert_uint_eq(pool_size(&f.g), 8);
    ck_assert_int_eq(f.g.units, 2);
    ck_assert_uint_gt(asg_group_count(&f.g, LIFECYCLE_WARMED_TERMINATED), 0);
    teardown(&f);
}

END_TEST

START_TEST(test_warm_pool_fills_to_max_minus_desired_then_stops)
{
    struct fixture f;
    setup(&f, 2, 10, WARM_POOL_STOPPED);
    start(&f);
    /* MaxSize 10 - desired 2 = 8 pool instances, Warmed:Pending while they boot */
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_PENDING), 8);
    ck_assert_uint_eq(f.g.nr_launched, 10);
    ck_assert_int_eq(f.g.units, 2);
    /* booted at 60 s (EC2 running at 30 s), stopped 10 s later */
    sim_run_until(f.eng, SIM_SEC(69));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_PENDING), 8);
    sim_run_until(f.eng, SIM_SEC(70));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_STOPPED), 8);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 2);
    teardown(&f);
}

END_TEST

START_TEST(test_warm_pool_size_uses_prepared_capacity_and_min_size)
{
    struct fixture f;
    /* MaxGroupPreparedCapacity 5 - desired 2 = 3 */
    setup(&f, 2, 10, WARM_POOL_STOPPED);
    f.cfg.warm_pool.max_group_prepared_capacity = 5;
    start(&f);
    ck_assert_uint_eq(pool_size(&f.g), 3);
    teardown(&f);
    /* ... but never below MinSize 4 */
    setup(&f, 2, 10, WARM_POOL_STOPPED);
    f.cfg.warm_pool.max_group_prepared_capacity = 5;
    f.cfg.warm_pool.min_size = 4;
    start(&f);
    ck_assert_uint_eq(pool_size(&f.g), 4);
    teardown(&f);
}

END_TEST

START_TEST(test_warm_pool_stopped_pays_ebs_only_running_pays_full)
{
    struct fixture f;
    setup(&f, 0, 4, WARM_POOL_STOPPED);
    f.ebs_usd_per_gib_month = 0.08;
    start(&f);
    sim_run_until(f.eng, SIM_HOUR(1));
    double od1, spot1, ebs1, od2, spot2, ebs2;
    asg_group_cost_split(&f.g, SIM_HOUR(1), &od1, &spot1, &ebs1);
    sim_run_until(f.eng, SIM_HOUR(2));
    asg_group_cost_split(&f.g, SIM_HOUR(2), &od2, &spot2, &ebs2);
    ck_assert_double_eq(od2, od1); /* Stopped: no usage charge */
    /* 4 x 8 GiB x 0.08 USD per GiB-month / 730 h for one hour */
    ck_assert_double_eq_tol(ebs2 - ebs1, 4 * 8 * 0.08 / 730, 1e-9);
    teardown(&f);

    setup(&f, 0, 4, WARM_POOL_RUNNING);
    start(&f);
    sim_run_until(f.eng, SIM_HOUR(1));
    asg_group_cost_split(&f.g, SIM_HOUR(1), &od1, &spot1, &ebs1);
    sim_run_until(f.eng, SIM_HOUR(2));
    asg_group_cost_split(&f.g, SIM_HOUR(2), &od2, &spot2, &ebs2);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_RUNNING), 4);
    ck_assert_double_eq_tol(od2 - od1, 4 * 0.085, 1e-9); /* full On-Demand price */
    teardown(&f);
}

END_TEST

/* Scale from 0 to 3 at 1 h; InService after `start_s` (the EC2 time to leave the pool). */
static void check_warm_start(enum warm_pool_state st, bool hibernation, int start_s)
{
    struct fixture f;
    setup(&f, 0, 10, st);
    f.hibernation = hibernation;
    start(&f);
    sim_run_until(f.eng, SIM_HOUR(1));
    asg_group_set_desired(&f.g, 3, "a test increasing the desired capacity.");
    ck_assert_uint_eq(f.g.warm_pool.nr_warm_starts, 3);
    ck_assert_uint_eq(f.g.nr_launched, 10); /* the pool shrinks to 10 - 3 = 7: no launch */
    ck_assert_uint_eq(pool_size(&f.g), 7);
    if (start_s > 0) {
        sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(start_s - 1));
        ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 0);
    }
    sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(start_s));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 3);
    teardown(&f);
}

START_TEST(test_warm_start_takes_start_resume_or_nothing)
{
    check_warm_start(WARM_POOL_STOPPED, false, 20);   /* EC2 Start */
    check_warm_start(WARM_POOL_HIBERNATED, true, 25); /* EC2 Resume */
    check_warm_start(WARM_POOL_RUNNING, false, 0);    /* already running */
}

END_TEST

START_TEST(test_warm_pool_empty_launches_cold)
{
    struct fixture f;
    setup(&f, 0, 3, WARM_POOL_STOPPED);
    f.cfg.warm_pool.max_group_prepared_capacity = 1;
    start(&f);
    sim_run_until(f.eng, SIM_HOUR(1));
    ck_assert_uint_eq(pool_size(&f.g), 1);
    asg_group_set_desired(&f.g, 3, "a test increasing the desired capacity.");
    ck_assert_uint_eq(f.g.warm_pool.nr_warm_starts, 1);
    ck_assert_uint_eq(f.g.nr_launched, 3); /* 1 pool launch + 2 cold */
    sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(20));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 1);
    sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(60));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 3);
    teardown(&f);
}

END_TEST

START_TEST(test_warm_pool_reuse_on_scale_in_returns_instances)
{
    struct fixture f;
    setup(&f, 2, 10, WARM_POOL_STOPPED);
    f.cfg.warm_pool.reuse_on_scale_in = true;
    start(&f);
    sim_run_until(f.eng, SIM_HOUR(1));
    asg_group_set_desired(&f.g, 0, "a test decreasing the desired capacity.");
    ck_assert_uint_eq(f.g.warm_pool.nr_returned_to_pool, 2);
    ck_assert_uint_eq(f.g.nr_launched, 10);
    ck_assert_uint_eq(f.g.nr_terminated, 0);
    sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(10));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_STOPPED), 10);
    teardown(&f);

    /* Default (false): terminated, and new instances are launched into the pool. */
    setup(&f, 2, 10, WARM_POOL_STOPPED);
    start(&f);
    sim_run_until(f.eng, SIM_HOUR(1));
    asg_group_set_desired(&f.g, 0, "a test decreasing the desired capacity.");
    ck_assert_uint_eq(f.g.warm_pool.nr_returned_to_pool, 0);
    ck_assert_uint_eq(f.g.nr_launched, 12);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_TERMINATING), 2);
    teardown(&f);
}

END_TEST

static char hook_l[] = "bootstrap", hook_t[] = "drain";

/* A launch hook pauses a pool instance twice: Warmed:Pending:Wait entering the pool and
   Pending:Wait leaving it (warm-pool-instance-lifecycle.html). */
START_TEST(test_warm_pool_launch_hook_pauses_twice)
{
    struct fixture f;
    setup(&f, 0, 2, WARM_POOL_STOPPED);
    struct lifecycle_hook_config h = { .name = hook_l,
                                       .transition = HOOK_LAUNCHING,
                                       .default_result = HOOK_ABANDON,
                                       .heartbeat_timeout = LIFECYCLE_HEARTBEAT_DEFAULT,
                                       .action_duration = { DIST_CONSTANT, 30, 0 } };
    f.cfg.hooks = &h;
    f.cfg.nr_hooks = 1;
    start(&f);
    sim_run_until(f.eng, SIM_SEC(60));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_PENDING_WAIT), 2);
    /* hook done at 90 s, then EC2 Stop (10 s) */
    sim_run_until(f.eng, SIM_SEC(99));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_PENDING_PROCEED), 2);
    sim_run_until(f.eng, SIM_SEC(100));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_STOPPED), 2);
    sim_run_until(f.eng, SIM_HOUR(1));
    asg_group_set_desired(&f.g, 1, "a test increasing the desired capacity.");
    /* EC2 Start 20 s, then Pending:Wait 30 s */
    sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(20));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_PENDING_WAIT), 1);
    sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(50));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 1);
    ck_assert_uint_eq(f.g.hooks.nr_actions, 3);
    teardown(&f);
}

END_TEST

/* ReuseOnScaleIn: the instance returning to the pool waits at Warmed:Pending:Wait under
   the terminate hook. */
START_TEST(test_warm_pool_reuse_waits_for_terminate_hook)
{
    struct fixture f;
    setup(&f, 1, 1, WARM_POOL_STOPPED);
    f.cfg.warm_pool.reuse_on_scale_in = true;
    struct lifecycle_hook_config h = { .name = hook_t,
                                       .transition = HOOK_TERMINATING,
                                       .default_result = HOOK_CONTINUE,
                                       .heartbeat_timeout = LIFECYCLE_HEARTBEAT_DEFAULT,
                                       .action_duration = { DIST_CONSTANT, 45, 0 } };
    f.cfg.hooks = &h;
    f.cfg.nr_hooks = 1;
    start(&f);
    sim_run_until(f.eng, SIM_HOUR(1));
    asg_group_set_desired(&f.g, 0, "a test decreasing the desired capacity.");
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_PENDING_WAIT), 1);
    sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(54));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_STOPPED), 0);
    sim_run_until(f.eng, SIM_HOUR(1) + SIM_SEC(55));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_STOPPED), 1);
    ck_assert_uint_eq(f.g.nr_terminated, 0);
    teardown(&f);
}

END_TEST

/* A pool that is too large (here: scale-out before the pool was ready, so the launches are
   cold) loses instances through Warmed:Terminating to Warmed:Terminated. */
START_TEST(test_warm_pool_trim_goes_through_warmed_terminating)
{
    struct fixture f;
    setup(&f, 2, 10, WARM_POOL_STOPPED);
    start(&f);
    sim_run_until(f.eng, SIM_SEC(1));
    asg_group_set_desired(&f.g, 6, "a test increasing the desired capacity.");
    ck_assert_uint_eq(f.g.warm_pool.nr_warm_starts, 0); /* nothing ready yet: 4 cold launches */
    ck_assert_uint_eq(f.g.nr_launched, 14);
    ck_assert_uint_eq(pool_size(&f.g), 4); /* 10 - 6 */
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_TERMINATING), 4);
    sim_run_until(f.eng, SIM_SEC(6)); /* EC2 Terminate: 5 s */
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_TERMINATING), 0);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_WARMED_TERMINATED), 4);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_TERMINATED), 0);
    teardown(&f);
}

END_TEST

/*
 * Only the group's creation launches `initial` instances (asg.h): not the pool's own
 * launches, and not instances drawn from the pool by a later scale-out.
 */
START_TEST(test_warm_draws_are_not_initial)
{
    struct fixture f;
    setup(&f, 2, 6, WARM_POOL_STOPPED);
    start(&f);
    ck_assert_uint_eq(f.g.nr_launched, 6); /* 2 in the group, the pool 6 - 2 = 4 */
    for (size_t i = 0; i < f.g.nr_live; i++)
        ck_assert(f.g.live[i]->initial == (f.g.live[i]->state == LIFECYCLE_PENDING));
    sim_run_until(f.eng, SIM_HOUR(1));
    asg_group_set_desired(&f.g, 4, "a test increasing the desired capacity.");
    ck_assert_uint_eq(f.g.warm_pool.nr_warm_starts, 2);
    size_t initial = 0;
    for (size_t i = 0; i < f.g.nr_live; i++)
        initial += f.g.live[i]->initial;
    ck_assert_uint_eq(initial, 2);
    sim_run_until(f.eng, SIM_HOUR(2));
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 4);
    teardown(&f);
}

END_TEST

Suite *group_warm_suite(void);

Suite *group_warm_suite(void)
{
    Suite *s = suite_create("group_warm");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_warm_pool_fills_to_max_minus_desired_then_stops);
    tcase_add_test(tc, test_warm_draws_are_not_initial);
    tcase_add_test(tc, test_warm_pool_unhealthy_instances_replaced);
    tcase_add_test(tc, test_warm_pool_size_uses_prepared_capacity_and_min_size);
    tcase_add_test(tc, test_warm_pool_stopped_pays_ebs_only_running_pays_full);
    tcase_add_test(tc, test_warm_start_takes_start_resume_or_nothing);
    tcase_add_test(tc, test_warm_pool_empty_launches_cold);
    tcase_add_test(tc, test_warm_pool_reuse_on_scale_in_returns_instances);
    tcase_add_test(tc, test_warm_pool_launch_hook_pauses_twice);
    tcase_add_test(tc, test_warm_pool_reuse_waits_for_terminate_hook);
    tcase_add_test(tc, test_warm_pool_trim_goes_through_warmed_terminating);
    suite_add_tcase(s, tc);
    return s;
}
