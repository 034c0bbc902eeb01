/*
 * Billing meter: per-second billing with a 60-second minimum per start.
 * Source: aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-per-second-billing/
 * and AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html (each start has a 1-minute minimum).
 */
#include "asgsim/billing.h"

#include <check.h>

#define M5_LARGE 0.096 /* USD/h, us-east-1 Linux On-Demand (models/instance_types.tsv) */

START_TEST(test_billing_90_seconds_is_90_seconds)
{
    struct billing_meter m = { 0 };
    billing_start(&m, SIM_SEC(10), M5_LARGE);
    billing_stop(&m, SIM_SEC(100));
    ck_assert_int_eq(billing_seconds(&m, SIM_SEC(500)), 90);
    /* 90 s x 0.096 USD/h / 3600 s/h = 0.0024 USD */
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_SEC(500)), 0.0024, 1e-12);
}

END_TEST

START_TEST(test_billing_30_seconds_pays_the_minute)
{
    struct billing_meter m = { 0 };
    billing_start(&m, 0, M5_LARGE);
    billing_stop(&m, SIM_SEC(30));
    ck_assert_int_eq(billing_seconds(&m, SIM_SEC(30)), 60);
    /* 60 s x 0.096 / 3600 = 0.0016 USD */
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_SEC(30)), 0.0016, 1e-12);
}

END_TEST

START_TEST(test_billing_each_start_has_its_own_minimum)
{
    struct billing_meter m = { 0 };
    billing_start(&m, 0, M5_LARGE);
    billing_stop(&m, SIM_SEC(20)); /* 60 s */
    billing_start(&m, SIM_SEC(100), M5_LARGE);
    billing_stop(&m, SIM_SEC(400)); /* 300 s */
    ck_assert_int_eq(billing_seconds(&m, SIM_SEC(400)), 360);
    /* 360 s x 0.096 / 3600 = 0.0096 USD */
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_SEC(400)), 0.0096, 1e-12);
}

END_TEST

START_TEST(test_billing_started_second_counts)
{
    /* 90.2 s of running is billed in one-second increments: 91 s. */
    ck_assert_int_eq(billing_period_seconds(SIM_MS(90200)), 91);
    ck_assert_int_eq(billing_period_seconds(SIM_SEC(61)), 61);
    ck_assert_int_eq(billing_period_seconds(0), 60);
}

END_TEST

START_TEST(test_billing_open_period_counts_to_now_and_never_decreases)
{
    struct billing_meter m = { 0 };
    billing_start(&m, 0, M5_LARGE);
    double last = 0;
    for (sim_time t = 0; t <= SIM_HOUR(2); t += SIM_SEC(7)) {
        double c = billing_cost_usd(&m, t);
        ck_assert(c >= last);
        last = c;
    }
    /* one hour = 0.096 USD exactly */
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_HOUR(1)), 0.096, 1e-12);
    ck_assert_int_eq(billing_seconds(&m, SIM_HOUR(1)), 3600);
}

END_TEST

Suite *billing_suite(void);

Suite *billing_suite(void)
{
    Suite *s = suite_create("billing");
    TCase *tc = tcase_create("per_second");
    tcase_add_test(tc, test_billing_90_seconds_is_90_seconds);
    tcase_add_test(tc, test_billing_30_seconds_pays_the_minute);
    tcase_add_test(tc, test_billing_each_start_has_its_own_minimum);
    tcase_add_test(tc, test_billing_started_second_counts);
    tcase_add_test(tc, test_billing_open_period_counts_to_now_and_never_decreases);
    suite_add_tcase(s, tc);
    return s;
}
