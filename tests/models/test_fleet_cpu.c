/*
 * The CPU a group's InService instances report when their types differ (asg_fleet_cpu_pct,
 * asg_fleet_capacity_rps): CloudWatch's group figure is the average of the instances' own
 * ("two instances at 60% and 40% give 50%", as-scale-based-on-demand); round robin gives
 * every target the same share (an ALB's default routing); least outstanding requests and
 * queue workers share by capacity (asgsim's rule). Rates as models/capacity.c gives them for
 * CapacityRpsPerVcpu 50: c7g x 1.25, m5 x 0.89.
 */
#include "helpers.h"

#include "asgsim/asg.h"

#include <check.h>
#include <math.h>

static char c7g_name[] = "c7g.large", m5_name[] = "m5.large", m5x_name[] = "m5.xlarge";
static struct instance_type c7g_large = { .name = c7g_name, .vcpus = 2 };
static struct instance_type m5_large = { .name = m5_name, .vcpus = 2 };
static struct instance_type m5_xlarge = { .name = m5x_name, .vcpus = 4 };

START_TEST(test_fleet_round_robin_averages_the_instances)
{
    const struct census_type t[] = { { &c7g_large, 62.5, 2 }, { &m5_large, 44.5, 2 } };
    ck_assert_double_eq(asg_fleet_capacity_rps(t, 2), 428.0);
    /* 300 rps: 75 each; c7g 60 %, m5 84.27 % */
    double want = (2 * 60.0 + 2 * (100.0 * 75 / 89)) / 4;
    ck_assert_double_eq_tol(asg_fleet_cpu_pct(t, 2, 300, 100, true), want, 1e-12);
    /* shares by capacity: everyone at the pooled 300 / 428 */
    ck_assert_double_eq(asg_fleet_cpu_pct(t, 2, 300, 100, false), 100.0 * 300 / 428);
    /* 400 rps: the m5s are asked 112 % and show 100 %, the c7gs 80 % */
    ck_assert_double_eq_tol(asg_fleet_cpu_pct(t, 2, 400, 100, true), 90.0, 1e-12);
    /* a spent burstable group's cap holds every instance */
    ck_assert_double_eq(asg_fleet_cpu_pct(t, 2, 400, 20, true), 20.0);
}

END_TEST

START_TEST(test_fleet_of_one_rate_is_the_pooled_figure)
{
    /* one type: vCPUs x rate and load / capacity, the doubles of a single-rate group */
    const struct census_type one[] = { { &m5_large, 44.5, 3 } };
    ck_assert_double_eq(asg_fleet_capacity_rps(one, 1), (double)6 * 44.5);
    ck_assert_double_eq(asg_fleet_cpu_pct(one, 1, 100, 100, true),
                        fmin(100.0, 100.0 * 100 / ((double)6 * 44.5)));
    /* two sizes of one rate: the vCPUs are summed as integers first; round robin still
       makes the smaller instance the busier (90 rps each: 101 % capped, and 50.6 %) */
    const struct census_type sizes[] = { { &m5_large, 44.5, 1 }, { &m5_xlarge, 44.5, 1 } };
    ck_assert_double_eq(asg_fleet_capacity_rps(sizes, 2), (double)6 * 44.5);
    ck_assert_double_eq_tol(asg_fleet_cpu_pct(sizes, 2, 180, 100, true),
                            (100.0 + 100.0 * 90 / 178) / 2, 1e-12);
    ck_assert_double_eq(asg_fleet_cpu_pct(sizes, 2, 180, 100, false),
                        fmin(100.0, 100.0 * 180 / ((double)6 * 44.5)));
}

END_TEST

START_TEST(test_fleet_skips_types_no_longer_in_service)
{
    const struct census_type t[] = { { &c7g_large, 62.5, 0 }, { &m5_large, 44.5, 2 } };
    ck_assert_double_eq(asg_fleet_capacity_rps(t, 2), (double)4 * 44.5);
    ck_assert_double_eq(asg_fleet_cpu_pct(t, 2, 89, 100, true), 100.0 * 89 / (4 * 44.5));
    const struct census_type none[] = { { &m5_large, 44.5, 0 } };
    ck_assert_double_eq(asg_fleet_cpu_pct(none, 1, 89, 100, true), 0.0);
}

END_TEST

Suite *fleet_cpu_suite(void);

Suite *fleet_cpu_suite(void)
{
    Suite *s = suite_create("fleet_cpu");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fleet_round_robin_averages_the_instances);
    tcase_add_test(tc, test_fleet_of_one_rate_is_the_pooled_figure);
    tcase_add_test(tc, test_fleet_skips_types_no_longer_in_service);
    suite_add_tcase(s, tc);
    return s;
}
