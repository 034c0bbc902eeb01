/*
 * Warm pool size and lifecycle-hook timeouts with AWS's documented numbers.
 * Sources: API_PutWarmPool.html, ec2-auto-scaling-metrics.html (WarmPoolDesiredCapacity),
 * API_PutLifecycleHook.html, API_LifecycleHook.html (GlobalTimeout), lifecycle-hooks.html.
 */
#include "asgsim/lifecycle.h"
#include "asgsim/warm_pool.h"

#include <check.h>

START_TEST(test_warm_pool_default_is_max_minus_desired)
{
    struct warm_pool_config wp = { 0, -1, WARM_POOL_STOPPED, false };
    /* MaxSize 10, desired 4: 6 prepared instances wait in the pool. */
    ck_assert_int_eq(warm_pool_target(&wp, 10, 4), 6);
    ck_assert_int_eq(warm_pool_target(&wp, 10, 10), 0);
}

END_TEST

START_TEST(test_warm_pool_max_group_prepared_capacity)
{
    struct warm_pool_config wp = { 0, 8, WARM_POOL_STOPPED, false };
    /* MaxGroupPreparedCapacity 8 - desired 4 = 4, whatever MaxSize is. */
    ck_assert_int_eq(warm_pool_target(&wp, 20, 4), 4);
    /* desired above MaxGroupPreparedCapacity: 0 "unless MinSize is set" */
    ck_assert_int_eq(warm_pool_target(&wp, 20, 12), 0);
    wp.min_size = 2;
    ck_assert_int_eq(warm_pool_target(&wp, 20, 12), 2);
}

END_TEST

START_TEST(test_warm_pool_min_size_is_a_floor)
{
    struct warm_pool_config wp = { 3, -1, WARM_POOL_STOPPED, false };
    ck_assert_int_eq(warm_pool_target(&wp, 10, 9), 3); /* 10 - 9 = 1 < MinSize 3 */
    ck_assert_int_eq(warm_pool_target(&wp, 10, 2), 8);
    /* MinSize == MaxGroupPreparedCapacity: an absolute pool size whatever desired is. */
    wp.max_group_prepared_capacity = 3;
    for (int64_t desired = 0; desired <= 10; desired++)
        ck_assert_int_eq(warm_pool_target(&wp, 10, desired), 3);
}

END_TEST

static struct lifecycle_hook_config hook(sim_time timeout, enum hook_result dr, sim_time heartbeat)
{
    struct lifecycle_hook_config h = { 0 };
    h.transition = HOOK_LAUNCHING;
    h.default_result = dr;
    h.heartbeat_timeout = timeout;
    h.heartbeat_every = heartbeat;
    return h;
}

START_TEST(test_lifecycle_global_timeout)
{
    /* min(172800 s, 100 x HeartbeatTimeout) */
    ck_assert_int_eq(lifecycle_global_timeout(LIFECYCLE_HEARTBEAT_DEFAULT), SIM_SEC(172800));
    ck_assert_int_eq(lifecycle_global_timeout(SIM_SEC(30)), SIM_SEC(3000));
    ck_assert_int_eq(lifecycle_global_timeout(SIM_SEC(1000)), SIM_SEC(100000));
    ck_assert_int_eq(lifecycle_global_timeout(SIM_SEC(7200)), SIM_SEC(172800));
    ck_assert_int_eq(LIFECYCLE_HEARTBEAT_DEFAULT, SIM_SEC(3600));
}

END_TEST

START_TEST(test_lifecycle_action_completes_in_time)
{
    struct lifecycle_hook_config h = hook(SIM_SEC(300), HOOK_ABANDON, 0);
    struct lifecycle_outcome o = lifecycle_action_outcome(&h, SIM_SEC(120), false);
    ck_assert_int_eq(o.result, HOOK_CONTINUE);
    ck_assert_int_eq(o.elapsed, SIM_SEC(120));
    ck_assert(!o.timed_out);
}

END_TEST

START_TEST(test_lifecycle_timeout_applies_default_result)
{
    /* Default ABANDON: a 300 s hook whose action needs 400 s is abandoned at 300 s. */
    struct lifecycle_hook_config h = hook(SIM_SEC(300), HOOK_ABANDON, 0);
    struct lifecycle_outcome o = lifecycle_action_outcome(&h, SIM_SEC(400), false);
    ck_assert_int_eq(o.result, HOOK_ABANDON);
    ck_assert_int_eq(o.elapsed, SIM_SEC(300));
    ck_assert(o.timed_out);
    h.default_result = HOOK_CONTINUE;
    o = lifecycle_action_outcome(&h, SIM_SEC(400), false);
    ck_assert_int_eq(o.result, HOOK_CONTINUE);
    ck_assert_int_eq(o.elapsed, SIM_SEC(300));
}

END_TEST

START_TEST(test_lifecycle_failure_applies_default_result_when_it_happens)
{
    struct lifecycle_hook_config h = hook(SIM_SEC(300), HOOK_ABANDON, 0);
    struct lifecycle_outcome o = lifecycle_action_outcome(&h, SIM_SEC(50), true);
    ck_assert_int_eq(o.result, HOOK_ABANDON);
    ck_assert_int_eq(o.elapsed, SIM_SEC(50));
    ck_assert(!o.timed_out);
}

END_TEST

START_TEST(test_lifecycle_heartbeats_extend_up_to_the_global_timeout)
{
    /* HeartbeatTimeout 30 s, heartbeat every 20 s: a 2000 s action completes (global 3000 s);
     * a 5000 s one is cut at 3000 s. */
    struct lifecycle_hook_config h = hook(SIM_SEC(30), HOOK_ABANDON, SIM_SEC(20));
    struct lifecycle_outcome o = lifecycle_action_outcome(&h, SIM_SEC(2000), false);
    ck_assert_int_eq(o.result, HOOK_CONTINUE);
    ck_assert_int_eq(o.elapsed, SIM_SEC(2000));
    o = lifecycle_action_outcome(&h, SIM_SEC(5000), false);
    ck_assert_int_eq(o.result, HOOK_ABANDON);
    ck_assert_int_eq(o.elapsed, SIM_SEC(3000));
    /* Heartbeats slower than the timeout do not help. */
    h.heartbeat_every = SIM_SEC(45);
    o = lifecycle_action_outcome(&h, SIM_SEC(40), false);
    ck_assert_int_eq(o.elapsed, SIM_SEC(30));
    ck_assert(o.timed_out);
}

END_TEST

Suite *hooks_pools_suite(void);

Suite *hooks_pools_suite(void)
{
    Suite *s = suite_create("hooks_pools");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_warm_pool_default_is_max_minus_desired);
    tcase_add_test(tc, test_warm_pool_max_group_prepared_capacity);
    tcase_add_test(tc, test_warm_pool_min_size_is_a_floor);
    tcase_add_test(tc, test_lifecycle_global_timeout);
    tcase_add_test(tc, test_lifecycle_action_completes_in_time);
    tcase_add_test(tc, test_lifecycle_timeout_applies_default_result);
    tcase_add_test(tc, test_lifecycle_failure_applies_default_result_when_it_happens);
    tcase_add_test(tc, test_lifecycle_heartbeats_extend_up_to_the_global_timeout);
    suite_add_tcase(s, tc);
    return s;
}
