/* Random streams: derived seeds are pure, non-zero, distinct per stream, and recorded. */
#include "asgsim/rng.h"

#include <check.h>
#include <string.h>

START_TEST(test_rng_seed_is_a_pure_function)
{
    ck_assert_uint_eq(rng_derive_seed(42, 3, 1, "arrivals"), rng_derive_seed(42, 3, 1, "arrivals"));
    ck_assert_uint_ne(rng_derive_seed(42, 3, 1, "arrivals"),
                      rng_derive_seed(42, 3, 1, "boot-time"));
    ck_assert_uint_ne(rng_derive_seed(42, 3, 1, "arrivals"), rng_derive_seed(42, 3, 2, "arrivals"));
    ck_assert_uint_ne(rng_derive_seed(42, 3, 1, "arrivals"), rng_derive_seed(42, 4, 1, "arrivals"));
    ck_assert_uint_ne(rng_derive_seed(42, 3, 1, "arrivals"), rng_derive_seed(43, 3, 1, "arrivals"));
}

END_TEST

START_TEST(test_rng_seeds_are_never_zero_and_rarely_collide)
{
    /* 20,000 streams: 32-bit birthday collisions expected ~0.05; allow at most 2. */
    enum { N = 20000 };

    static uint32_t seeds[N];
    for (uint64_t i = 0; i < N; i++) {
        seeds[i] = rng_derive_seed(1, i, 0, "arrivals");
        ck_assert_uint_ne(seeds[i], 0);
    }
    int dup = 0;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            dup += seeds[i] == seeds[j];
    ck_assert_int_le(dup, 2);
}

END_TEST

START_TEST(test_rng_stream_order_does_not_change_draws)
{
    struct rng_set a, b;
    rng_set_init(&a, 7, 0, 0);
    rng_set_init(&b, 7, 0, 0);
    gsl_rng *a1 = rng_set_stream(&a, "one");
    gsl_rng *a2 = rng_set_stream(&a, "two");
    gsl_rng *b2 = rng_set_stream(&b, "two");
    gsl_rng *b1 = rng_set_stream(&b, "one");
    for (int i = 0; i < 100; i++) {
        ck_assert_uint_eq(gsl_rng_get(a1), gsl_rng_get(b1));
        ck_assert_uint_eq(gsl_rng_get(a2), gsl_rng_get(b2));
    }
    ck_assert_ptr_eq(rng_set_stream(&a, "one"), a1);
    ck_assert_uint_eq(a.nr, 2);
    ck_assert_str_eq(a.items[0].name, "one");
    ck_assert_uint_eq(a.items[0].seed, rng_derive_seed(7, 0, 0, "one"));
    ck_assert_str_eq(rng_type_name(), "mt19937");
    rng_set_release(&a);
    rng_set_release(&b);
}

END_TEST

START_TEST(test_rng_generator_is_seeded_with_the_derived_seed)
{
    struct rng_set s;
    rng_set_init(&s, 99, 1, 2);
    gsl_rng *r = rng_set_stream(&s, "x");
    gsl_rng *ref = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(ref, rng_derive_seed(99, 1, 2, "x"));
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(gsl_rng_get(r), gsl_rng_get(ref));
    gsl_rng_free(ref);
    rng_set_release(&s);
}

END_TEST

Suite *rng_suite(void);

Suite *rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("streams");
    tcase_add_test(tc, test_rng_seed_is_a_pure_function);
    tcase_add_test(tc, test_rng_seeds_are_never_zero_and_rarely_collide);
    tcase_add_test(tc, test_rng_stream_order_does_not_change_draws);
    tcase_add_test(tc, test_rng_generator_is_seeded_with_the_derived_seed);
    suite_add_tcase(s, tc);
    return s;
}
