/*
 * Termination policies, pinned with AWS's own example and rules.
 * Sources: docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
 * (current text) and as-instance-termination.html (2019 text, with the worked example).
 */
#include "asgsim/termination.h"

#include <check.h>

static gsl_rng *rng;

static void setup(void)
{
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1);
}

static void teardown(void)
{
    gsl_rng_free(rng);
}

#define C(az_, launched_s, hour_s)                                                                 \
    {                                                                                              \
        .az = (az_), .template_version = 1, .launched_at = SIM_SEC(launched_s),                    \
        .to_next_billing_hour = SIM_SEC(hour_s)                                                    \
    }

START_TEST(test_termination_aws_example_two_azs_three_instances)
{
    /* AWS's example: two AZs, desired 2, a scale-out adds a third instance, the scale-in
     * then "selects the Availability Zone with two instances, and terminates the instance
     * launched from the oldest launch configuration". */
    struct termination_candidate c[] = { C(0, 0, 1000), C(1, 0, 900), C(0, 600, 3000) };
    c[0].launch_configuration = true; /* launched from the older configuration */
    ck_assert_int_eq(termination_pick(c, 3, 2, NULL, 0, rng), 0);
    /* "If the instances were launched from the same launch configuration, [it] selects
     * the instance that is closest to the next billing hour": instance 2 (3000 s away) is
     * farther than instance 0 (1000 s), so 0 again; swap the distances and 2 goes. */
    c[0].launch_configuration = false;
    ck_assert_int_eq(termination_pick(c, 3, 2, NULL, 0, rng), 0);
    c[0].to_next_billing_hour = SIM_SEC(3500);
    ck_assert_int_eq(termination_pick(c, 3, 2, NULL, 0, rng), 2);
}

END_TEST

START_TEST(test_termination_zonal_balance_beats_every_policy)
{
    /* Zonal balance takes precedence: NewestInstance picks the newest of the fuller AZ,
     * not the newest overall (current text: "Newer instances may therefore be terminated
     * before older ones" and the converse). */
    struct termination_candidate c[] = { C(0, 0, 10), C(0, 100, 10), C(1, 500, 10) };
    enum termination_policy p = TERMINATION_NEWEST_INSTANCE;
    ck_assert_int_eq(termination_pick(c, 3, 2, &p, 1, rng), 1);
    p = TERMINATION_OLDEST_INSTANCE;
    ck_assert_int_eq(termination_pick(c, 3, 2, &p, 1, rng), 0);
}

END_TEST

START_TEST(test_termination_balanced_azs_apply_across_all)
{
    struct termination_candidate c[] = { C(0, 0, 10), C(1, 300, 10), C(0, 100, 10), C(1, 200, 10) };
    enum termination_policy p = TERMINATION_NEWEST_INSTANCE;
    ck_assert_int_eq(termination_pick(c, 4, 2, &p, 1, rng), 1);
    p = TERMINATION_OLDEST_INSTANCE;
    ck_assert_int_eq(termination_pick(c, 4, 2, &p, 1, rng), 0);
}

END_TEST

START_TEST(test_termination_protected_instances_are_never_chosen)
{
    /* "the Availability Zone (or zones) with the most instances and at least one instance
     * that is not protected from scale in": AZ 0 has 3 but all protected, so AZ 1. */
    struct termination_candidate c[] = { C(0, 0, 10), C(0, 1, 10), C(0, 2, 10), C(1, 3, 10),
                                         C(1, 4, 10) };
    c[0].protected_from_scale_in = c[1].protected_from_scale_in = true;
    c[2].protected_from_scale_in = true;
    c[4].protected_from_scale_in = true;
    ck_assert_int_eq(termination_pick(c, 5, 2, NULL, 0, rng), 3);
    c[3].protected_from_scale_in = true;
    /* All protected: nothing is terminated (desired still drops; the caller says so). */
    ck_assert_int_eq(termination_pick(c, 5, 2, NULL, 0, rng), -1);
    ck_assert_int_eq(termination_pick(c, 0, 2, NULL, 0, rng), -1);
}

END_TEST

START_TEST(test_termination_default_outdated_configuration_order)
{
    /* Launch configuration first, then another launch template, then the oldest version
     * of the current template (current text, default policy step 2). */
    struct termination_candidate c[] = { C(0, 0, 10), C(0, 0, 10), C(0, 0, 10), C(0, 0, 10) };
    c[1].template_version = 2;
    c[2].other_launch_template = true;
    c[3].launch_configuration = true;
    ck_assert_int_eq(termination_pick(c, 4, 1, NULL, 0, rng), 3);
    c[3].launch_configuration = false;
    c[3].template_version = 2;
    ck_assert_int_eq(termination_pick(c, 4, 1, NULL, 0, rng), 2);
    c[2].other_launch_template = false;
    c[2].template_version = 3;
    /* versions 1, 2, 3, 2: version 1 is the oldest */
    ck_assert_int_eq(termination_pick(c, 4, 1, NULL, 0, rng), 0);
}

END_TEST

START_TEST(test_termination_oldest_launch_template_policy)
{
    struct termination_candidate c[] = { C(0, 0, 10), C(0, 50, 5), C(0, 99, 1) };
    c[0].template_version = 3;
    c[1].template_version = 2;
    c[2].template_version = 3;

    enum termination_policy p[] = { TERMINATION_OLDEST_LAUNCH_TEMPLATE, TERMINATION_DEFAULT };

    ck_assert_int_eq(termination_pick(c, 3, 1, p, 2, rng), 1);
    c[0].other_launch_template = true;
    ck_assert_int_eq(termination_pick(c, 3, 1, p, 2, rng), 0);
}

END_TEST

START_TEST(test_termination_closest_to_next_instance_hour)
{
    struct termination_candidate c[] = { C(0, 0, 1200), C(0, 0, 59), C(0, 0, 3599) };
    enum termination_policy p = TERMINATION_CLOSEST_TO_NEXT_INSTANCE_HOUR;
    ck_assert_int_eq(termination_pick(c, 3, 1, &p, 1, rng), 1);
}

END_TEST

START_TEST(test_termination_policies_apply_in_list_order)
{
    /* [OldestInstance, ClosestToNextInstanceHour]: age decides first. */
    struct termination_candidate c[] = { C(0, 0, 3000), C(0, 0, 100), C(0, 10, 1) };

    enum termination_policy p[] = { TERMINATION_OLDEST_INSTANCE,
                                    TERMINATION_CLOSEST_TO_NEXT_INSTANCE_HOUR };

    ck_assert_int_eq(termination_pick(c, 3, 1, p, 2, rng), 1);

    enum termination_policy q[] = { TERMINATION_CLOSEST_TO_NEXT_INSTANCE_HOUR,
                                    TERMINATION_OLDEST_INSTANCE };

    ck_assert_int_eq(termination_pick(c, 3, 1, q, 2, rng), 2);
}

END_TEST

START_TEST(test_termination_ties_are_random_but_reproducible)
{
    /* "If there are multiple unprotected instances closest to the next billing hour,
     * terminate one of these instances at random": every one of 4 equal candidates is
     * chosen sometimes, and the same seed repeats the same choices. */
    struct termination_candidate c[] = { C(0, 0, 10), C(0, 0, 10), C(0, 0, 10), C(0, 0, 10) };
    int seen[4] = { 0 };
    long first[50];
    for (int i = 0; i < 50; i++) {
        long k = termination_pick(c, 4, 1, NULL, 0, rng);
        ck_assert(k >= 0 && k < 4);
        seen[k]++;
        first[i] = k;
    }
    for (int k = 0; k < 4; k++)
        ck_assert_int_gt(seen[k], 0);
    gsl_rng_set(rng, 1);
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(termination_pick(c, 4, 1, NULL, 0, rng), first[i]);
}

END_TEST

START_TEST(test_termination_allocation_strategy)
{
    struct termination_candidate c[] = { C(0, 0, 10), C(0, 0, 10), C(0, 0, 10) };
    c[2].allocation_excess = 0.5;
    enum termination_policy p = TERMINATION_ALLOCATION_STRATEGY;
    ck_assert_int_eq(termination_pick(c, 3, 1, &p, 1, rng), 2);
}

END_TEST

/* ---- the index (termination_index_*) against termination_pick() ------------------------- */

#include "asgsim/billing.h"

#define FLEET 160

/* A random candidate; small value sets so that every score ties often. */
static void random_entry(gsl_rng *r, size_t nr_azs, uint32_t id, struct termination_entry *e)
{
    static const double excess[] = { 0, 0, 0.5, 1, -1 };
    *e = (struct termination_entry){
        .c = {
            .az = gsl_rng_uniform_int(r, nr_azs),
            .protected_from_scale_in = gsl_rng_uniform(r) < 0.15,
            .launch_configuration = gsl_rng_uniform(r) < 0.2,
            .other_launch_template = gsl_rng_uniform(r) < 0.2,
            .template_version = 1 + (int64_t)gsl_rng_uniform_int(r, 3),
            .launched_at = SIM_SEC(60 * (int64_t)gsl_rng_uniform_int(r, 8)),
            .allocation_excess = excess[gsl_rng_uniform_int(r, 5)],
        },
        .billing_running = gsl_rng_uniform(r) < 0.8,
        .billing_period_start = SIM_SEC(600 * (int64_t)gsl_rng_uniform_int(r, 12)),
        .id = id,
        .market = (unsigned)gsl_rng_uniform_int(r, 2),
    };
}

/*
 * Random fleets, random policy lists, random changes: the index picks the instance the
 * scan over the whole fleet (termination_pick(), candidates in id order) picks, and draws
 * the same numbers from the stream.
 */
START_TEST(test_termination_index_equals_the_scan)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *a = gsl_rng_alloc(gsl_rng_mt19937),
            *b = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 19);
    size_t nr_picks = 0, nr_null = 0;
    for (int round = 0; round < 300; round++) {
        size_t nr_azs = 1 + gsl_rng_uniform_int(r, 4);
        enum termination_policy pol[4];
        size_t nr_pol = gsl_rng_uniform_int(r, 4);
        for (size_t i = 0; i < nr_pol; i++)
            pol[i] = (enum termination_policy)gsl_rng_uniform_int(r, TERMINATION_NR);
        struct termination_index x;
        termination_index_init(&x, nr_azs, pol, nr_pol);
        struct termination_entry e[FLEET];
        struct termination_node *slot[FLEET] = { 0 };
        bool in[FLEET] = { 0 };
        size_t n = 1 + gsl_rng_uniform_int(r, FLEET);
        for (size_t step = 0; step < 200; step++) {
            /* a change: enter, leave, or a new key (the meter starts, ...) */
            size_t k = gsl_rng_uniform_int(r, n);
            if (in[k] && gsl_rng_uniform(r) < 0.3) {
                termination_index_set(&x, &slot[k], &e[k], NULL);
                in[k] = false;
            } else {
                random_entry(r, nr_azs, (uint32_t)k + 1, &e[k]);
                termination_index_set(&x, &slot[k], &e[k], &e[k]);
                in[k] = true;
            }
            ck_assert(in[k] == (slot[k] != NULL));
            /* half the time on a minute, so that now's phase often equals a period's */
            sim_time now = gsl_rng_uniform(r) < 0.5
                                   ? SIM_SEC(7200 + 60 * (sim_time)gsl_rng_uniform_int(r, 240))
                                   : SIM_SEC(7200) + (sim_time)gsl_rng_uniform_int(r, 1u << 31) * 7;
            int market = (int)gsl_rng_uniform_int(r, 3) - 1;
            struct termination_candidate c[FLEET];
            const struct termination_entry *who[FLEET];
            size_t nc = 0;
            for (size_t i = 0; i < n; i++) {
                if (!in[i] || (market >= 0 && e[i].market != (unsigned)market))
                    continue;
                c[nc] = e[i].c;
                c[nc].to_next_billing_hour =
                        e[i].billing_running ? BILLING_HOUR_US - (now - e[i].billing_period_start) %
                                                                         BILLING_HOUR_US
                                             : -1;
                who[nc++] = &e[i];
            }
            unsigned long seed = gsl_rng_get(r);
            gsl_rng_set(a, seed);
            gsl_rng_set(b, seed);
            long want = termination_pick(c, nc, nr_azs, pol, nr_pol, a);
            void *got = termination_index_pick(&x, now, market, b);
            ck_assert_ptr_eq(got, want < 0 ? NULL : who[want]);
            ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b)); /* as many draws */
            nr_picks++;
            nr_null += want < 0;
        }
        termination_index_release(&x);
    }
    ck_assert_uint_gt(nr_picks - nr_null, nr_picks / 2); /* most picks choose someone */
    gsl_rng_free(r);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

END_TEST

Suite *termination_suite(void);

Suite *termination_suite(void)
{
    Suite *s = suite_create("termination");
    TCase *tc = tcase_create("policies");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_termination_aws_example_two_azs_three_instances);
    tcase_add_test(tc, test_termination_zonal_balance_beats_every_policy);
    tcase_add_test(tc, test_termination_balanced_azs_apply_across_all);
    tcase_add_test(tc, test_termination_protected_instances_are_never_chosen);
    tcase_add_test(tc, test_termination_default_outdated_configuration_order);
    tcase_add_test(tc, test_termination_oldest_launch_template_policy);
    tcase_add_test(tc, test_termination_closest_to_next_instance_hour);
    tcase_add_test(tc, test_termination_policies_apply_in_list_order);
    tcase_add_test(tc, test_termination_ties_are_random_but_reproducible);
    tcase_add_test(tc, test_termination_allocation_strategy);
    tcase_add_test(tc, test_termination_index_equals_the_scan);
    suite_add_tcase(s, tc);
    return s;
}
