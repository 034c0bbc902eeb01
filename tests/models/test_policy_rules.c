/*
 * The arithmetic of scaling policies, with AWS's documented numbers: percent rounding
 * and MinAdjustmentMagnitude (as-scaling-simple-step, API_PutScalingPolicy), step bounds
 * (API_StepAdjustment), and target tracking's proportional capacity
 * (as-scaling-target-tracking).
 */
#include "asgsim/policy.h"

#include <check.h>

/* "PercentChangeInCapacity": > 1 rounds down, (0, 1) -> 1, (-1, 0) -> -1, < -1 rounds
   towards zero. */
START_TEST(test_policy_percent_rounding_follows_aws)
{
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 25, 0, 10), 2);   /* 2.5 -> 2 */
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 10, 0, 5), 1);    /* 0.5 -> 1 */
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, -10, 0, 5), -1);  /* -0.5 -> -1 */
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, -25, 0, 10), -2); /* -2.5 -> -2 */
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 50, 0, 4), 2);    /* exact */
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 10, 0, 0), 0);    /* nothing to scale */
}

END_TEST

/* ecosystem.md 1.5 / API_PutScalingPolicy: 25 % of 4 = 1, raised to MinAdjustmentMagnitude. */
START_TEST(test_policy_min_adjustment_magnitude_raises_small_percent)
{
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 25, 2, 4), 2);
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, -25, 2, 4), -2);
    ck_assert_int_eq(policy_adjustment(ADJ_PERCENT, 50, 2, 10), 5); /* already larger */
    ck_assert_int_eq(policy_adjustment(ADJ_CHANGE_IN_CAPACITY, 3, 0, 10), 3);
    ck_assert_int_eq(policy_adjustment(ADJ_EXACT_CAPACITY, 7, 0, 10), -3);
}

END_TEST

/* API_StepAdjustment: above the threshold lower bounds are inclusive and upper bounds
   exclusive; below it, the reverse. Threshold 50 with AWS's example-style steps. */
START_TEST(test_policy_step_bounds_inclusive_exclusive)
{
    struct step_adjustment steps[] = {
        { .has_lower = false, .has_upper = true, .upper = -10, .adjustment = -2 },
        { .has_lower = true, .lower = -10, .has_upper = true, .upper = 0, .adjustment = -1 },
        { .has_lower = true, .lower = 0, .has_upper = true, .upper = 10, .adjustment = 1 },
        { .has_lower = true, .lower = 10, .has_upper = false, .adjustment = 3 },
    };
    struct policy_config p = { .type = POLICY_STEP, .steps = steps, .nr_steps = 4 };
    ck_assert_int_eq(policy_find_step(&p, 0)->adjustment, 1);      /* metric 50: [0, 10) */
    ck_assert_int_eq(policy_find_step(&p, 9.99)->adjustment, 1);   /* 59.99 */
    ck_assert_int_eq(policy_find_step(&p, 10)->adjustment, 3);     /* 60: lower inclusive */
    ck_assert_int_eq(policy_find_step(&p, -0.01)->adjustment, -1); /* (-10, 0] */
    ck_assert_int_eq(policy_find_step(&p, -10)->adjustment, -2);   /* 40: upper inclusive */
    ck_assert_int_eq(policy_find_step(&p, -10.5)->adjustment, -2);
    struct policy_config only_up = { .type = POLICY_STEP, .steps = steps + 2, .nr_steps = 2 };
    ck_assert_ptr_null(policy_find_step(&only_up, -1));
}

END_TEST

/* Target tracking: proportional, rounding up when adding, removing only whole
   instances (as-scaling-target-tracking; Application Auto Scaling's "removing 0.5
   instances" example gives no scale-in). */
START_TEST(test_policy_target_capacity_is_proportional_and_conservative)
{
    ck_assert_int_eq(policy_target_capacity(10, 75, 50), 15);
    ck_assert_int_eq(policy_target_capacity(3, 75, 50), 5); /* 4.5 -> 5 */
    ck_assert_int_eq(policy_target_capacity(10, 50, 50), 10);
    ck_assert_int_eq(policy_target_capacity(10, 44, 50), 9);  /* 8.8 -> keep 9 */
    ck_assert_int_eq(policy_target_capacity(2, 37.5, 50), 2); /* 1.5: removing 0.5 -> none */
    ck_assert_int_eq(policy_target_capacity(4, 10, 50), 1);
}

END_TEST

Suite *policy_rules_suite(void);

Suite *policy_rules_suite(void)
{
    Suite *s = suite_create("policy_rules");
    TCase *t = tcase_create("arithmetic");
    tcase_add_test(t, test_policy_percent_rounding_follows_aws);
    tcase_add_test(t, test_policy_min_adjustment_magnitude_raises_small_percent);
    tcase_add_test(t, test_policy_step_bounds_inclusive_exclusive);
    tcase_add_test(t, test_policy_target_capacity_is_proportional_and_conservative);
    suite_add_tcase(s, t);
    return s;
}
