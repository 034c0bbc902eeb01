/*
 * Placement groups with EC2's documented limits.
 * Source: docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-groups.html
 */
#include "asgsim/placement.h"

#include <check.h>
#include <string.h>

START_TEST(test_placement_spread_allows_seven_per_az)
{
    /* Rack-level spread: at most 7 running instances per AZ per group; the 8th fails. */
    struct placement_config cfg = { PLACEMENT_SPREAD, 0 };
    struct placement_state s;
    placement_init(&s, &cfg, 2);
    int part;
    const char *err = NULL;
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(placement_place(&s, 0, "m5.large", &part, &err), 0);
    ck_assert_int_eq(placement_place(&s, 0, "m5.large", &part, &err), -1);
    ck_assert(strstr(err, "maximum of seven running instances"));
    /* The other AZ still has room, and a stopped instance frees a place. */
    ck_assert_int_eq(placement_place(&s, 1, "m5.large", &part, &err), 0);
    placement_remove(&s, 0, 0);
    ck_assert_int_eq(placement_place(&s, 0, "m5.large", &part, &err), 0);
    placement_release(&s);
}

END_TEST

START_TEST(test_placement_partitions_fill_evenly)
{
    struct placement_config cfg = { PLACEMENT_PARTITION, 3 };
    struct placement_state s;
    placement_init(&s, &cfg, 1);
    int part;
    const char *err = NULL;
    int seq[7];
    for (int i = 0; i < 7; i++) {
        ck_assert_int_eq(placement_place(&s, 0, "m5.large", &part, &err), 0);
        seq[i] = part;
    }
    /* 0 1 2 0 1 2 0: 3 / 2 / 2 */
    ck_assert_int_eq(seq[0], 0);
    ck_assert_int_eq(seq[1], 1);
    ck_assert_int_eq(seq[2], 2);
    ck_assert_int_eq(seq[6], 0);
    ck_assert_uint_eq(placement_count(&s, 0, 0), 3);
    ck_assert_uint_eq(placement_count(&s, 0, 1), 2);
    ck_assert_uint_eq(placement_count(&s, 0, 2), 2);
    /* A partition that lost its instances is refilled first. */
    placement_remove(&s, 0, 1);
    placement_remove(&s, 0, 1);
    ck_assert_int_eq(placement_place(&s, 0, "m5.large", &part, &err), 0);
    ck_assert_int_eq(part, 1);
    placement_release(&s);
}

END_TEST

START_TEST(test_placement_cluster_rejects_burstable_types)
{
    struct placement_config cfg = { PLACEMENT_CLUSTER, 0 };
    struct placement_state s;
    placement_init(&s, &cfg, 1);
    int part;
    const char *err = NULL;
    ck_assert_int_eq(placement_place(&s, 0, "t3.large", &part, &err), -1);
    ck_assert(strstr(err, "Placement groups may not be used with instances of type"));
    ck_assert_int_eq(placement_place(&s, 0, "c6i.large", &part, &err), 0);
    ck_assert_int_eq(placement_place(&s, 0, "c7g.large", &part, &err), 0);
    ck_assert_uint_eq(placement_count(&s, 0, 0), 2);
    placement_release(&s);
}

END_TEST

Suite *placement_suite(void);

Suite *placement_suite(void)
{
    Suite *s = suite_create("placement");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_placement_spread_allows_seven_per_az);
    tcase_add_test(tc, test_placement_partitions_fill_evenly);
    tcase_add_test(tc, test_placement_cluster_rejects_burstable_types);
    suite_add_tcase(s, tc);
    return s;
}
