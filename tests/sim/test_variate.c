/* Fast variates and conversions of request mode's hot path: the ziggurat exponential has
   consistent tables and the Exp(1) distribution (a KS test shown able to reject a 2 %
   error in the mean, moments, the tail beyond r); the inline sim_time_from_seconds() is
   round(s * 1e6) exactly. */
#include "asgsim/sim.h"
#include "asgsim/variate.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>

enum { N = 200000 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov statistic of xs[0 .. n) (sorted here) against Exp(1). */
static double ks_exp1(double *xs, size_t n)
{
    qsort(xs, n, sizeof(*xs), cmp_double);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double cdf = -expm1(-xs[i]);
        double lo = cdf - (double)i / (double)n, hi = (double)(i + 1) / (double)n - cdf;
        d = fmax(d, fmax(lo, hi));
    }
    return d;
}

/* The 0.1 % critical value of the KS statistic: 1.95 / sqrt(n). */
static double ks_critical(size_t n)
{
    return 1.95 / sqrt((double)n);
}

START_TEST(test_variate_tables_have_equal_layers_under_the_curve)
{
    const double *w = variate__exp_w, *f = variate__exp_f;
    double x1 = w[1] * 0x1p24;
    ck_assert_double_eq_tol(x1, 7.69711747013104972, 1e-14); /* Marsaglia & Tsang's r */
    double v = exp(-x1) * (x1 + 1);
    ck_assert_double_eq_tol(w[0] * 0x1p24 * exp(-x1), v, 1e-15);
    ck_assert_double_eq(f[256], 1.0);
    for (int i = 1; i < 256; i++) {
        double x = w[i] * 0x1p24, xn = i < 255 ? w[i + 1] * 0x1p24 : 0;
        ck_assert_double_eq_tol(f[i], exp(-x), 1e-15);
        ck_assert(xn < x);
        /* Every layer has the area v: width x[i], height f[i + 1] - f[i]. */
        ck_assert_double_eq_tol(x * (f[i + 1] - f[i]) / v, 1.0, 1e-9);
    }
    for (int i = 0; i < 256; i++) {
        double xn = i < 255 ? w[i + 1] : 0;
        ck_assert_uint_eq(variate__exp_k[i], (uint32_t)floor(0x1p24 * xn / w[i]));
    }
}

END_TEST

START_TEST(test_variate_exp1_passes_ks_and_moments)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20240101);
    ck_assert(variate_rng_is_32bit(r));
    double *xs = malloc(N * sizeof(*xs));
    ck_assert_ptr_nonnull(xs);
    double m1 = 0, m2 = 0, m3 = 0;
    size_t tail = 0;
    double x1 = variate__exp_w[1] * 0x1p24;
    for (size_t i = 0; i < N; i++) {
        double x = variate_exp1(r);
        ck_assert(x >= 0 && isfinite(x));
        xs[i] = x;
        m1 += x;
        m2 += x * x;
        m3 += x * x * x;
        tail += x > x1;
    }
    m1 /= N;
    m2 /= N;
    m3 /= N;
    /* Exp(1): E X = 1, E X^2 = 2, E X^3 = 6; standard errors sqrt(Var / N) with
       Var X = 1, Var X^2 = 20, Var X^3 = 684. Allow 5 of them. */
    ck_assert_double_eq_tol(m1, 1.0, 5 * sqrt(1.0 / N));
    ck_assert_double_eq_tol(m2, 2.0, 5 * sqrt(20.0 / N));
    ck_assert_double_eq_tol(m3, 6.0, 5 * sqrt(684.0 / N));
    /* The tail beyond r (a separate code path): P = exp(-r) = 4.5e-4, about 91 draws. */
    double p = exp(-x1), expect = p * N;
    ck_assert_double_eq_tol((double)tail, expect, 5 * sqrt(expect));
    ck_assert_double_lt(ks_exp1(xs, N), ks_critical(N));
    free(xs);
    gsl_rng_free(r);
}

END_TEST

/* The KS check above can fail: it rejects Exp draws whose mean is 2 % off. */
START_TEST(test_variate_ks_check_rejects_a_wrong_mean)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    double *xs = malloc(N * sizeof(*xs));
    ck_assert_ptr_nonnull(xs);
    for (size_t i = 0; i < N; i++)
        xs[i] = variate_exponential(r, 1.02);
    ck_assert_double_gt(ks_exp1(xs, N), ks_critical(N));
    free(xs);
    gsl_rng_free(r);
}

END_TEST

/* Scaled draws: variate_exponential(r, mean) / mean is Exp(1). */
START_TEST(test_variate_exponential_scales_by_the_mean)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    double *xs = malloc(N * sizeof(*xs));
    ck_assert_ptr_nonnull(xs);
    double mean = 0.02;
    for (size_t i = 0; i < N; i++)
        xs[i] = variate_exponential(r, mean) / mean;
    ck_assert_double_lt(ks_exp1(xs, N), ks_critical(N));
    free(xs);
    gsl_rng_free(r);
}

END_TEST

START_TEST(test_variate_same_seed_gives_same_draws)
{
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(a, 5);
    gsl_rng_set(b, 5);
    for (int i = 0; i < 10000; i++)
        ck_assert_double_eq(variate_exp1(a), variate_exp1(b));
    /* Pinned values: the tables and the use of the words are part of the streams. */
    gsl_rng_set(a, 12345);
    double sum = 0;
    for (int i = 0; i < 1000; i++)
        sum += variate_exp1(a);
    ck_assert_double_eq_tol(sum, 1009.9824997852897, 1e-9);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

END_TEST

/* Draws from a struct variate_stream over `type` against variate_exp1() and gsl_rng_get()
   on a twin generator with the same seed, after `skip` words: the number of mismatches. */
static long stream_mismatches(const gsl_rng_type *type, unsigned long seed, int skip, int n)
{
    gsl_rng *a = gsl_rng_alloc(type), *b = gsl_rng_alloc(type);
    gsl_rng_set(a, seed);
    gsl_rng_set(b, seed);
    for (int k = 0; k < skip; k++) {
        gsl_rng_get(a);
        gsl_rng_get(b);
    }
    static struct variate_stream vs;
    variate_stream_init(&vs, a);
    long bad = 0;
    for (int k = 0; k < n; k++) {
        double x = variate_stream_exp1(&vs), y = variate_exp1(b);
        bad += x != y;
        if (k % 7 == 0)
            bad += variate_stream_word(&vs) != (uint32_t)gsl_rng_get(b);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    return bad;
}

START_TEST(test_variate_stream_gives_the_generators_draws)
{
    /* mt19937 (the stream owns the state) from a fresh seed, from inside a block and at a
       block's end; 400 000 draws take about 6 000 slow paths (wedges, the tail) too. */
    ck_assert_int_eq(stream_mismatches(gsl_rng_mt19937, 20240101, 0, 400000), 0);
    ck_assert_int_eq(stream_mismatches(gsl_rng_mt19937, 7, 1000, 50000), 0);
    ck_assert_int_eq(stream_mismatches(gsl_rng_mt19937, 8, 624, 50000), 0);
    /* another 32-bit generator: blocks filled through gsl_rng_get */
    ck_assert_int_eq(stream_mismatches(gsl_rng_taus2, 9, 3, 50000), 0);
    /* and the check can fail: other seeds give other draws */
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(a, 1);
    gsl_rng_set(b, 2);
    static struct variate_stream vs;
    variate_stream_init(&vs, a);
    int same = 0;
    for (int k = 0; k < 1000; k++)
        same += variate_stream_exp1(&vs) == variate_exp1(b);
    ck_assert_int_lt(same, 10);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

END_TEST

START_TEST(test_variate_rng_is_32bit_rejects_narrow_generators)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_ranlux); /* 24 bits per call */
    ck_assert(!variate_rng_is_32bit(r));
    gsl_rng_free(r);
}

END_TEST

/* The inline conversion against its definition, (sim_time)round(s * 1e6): at exact
   halves (both signs), next to them, and over random magnitudes up to 9e12 s. */
START_TEST(test_variate_time_from_seconds_is_round_of_microseconds)
{
    for (int64_t k = -3000; k <= 3000; k++) {
        double us = (double)k + 0.5;
        double cases[] = { us, nextafter(us, 0), nextafter(us, 2 * us), (double)k };
        for (int c = 0; c < 4; c++) {
            double s = cases[c] / 1e6;
            ck_assert_int_eq(sim_time_from_seconds(s), (sim_time)round(s * 1e6));
        }
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    for (int i = 0; i < 200000; i++) {
        double mag = pow(10.0, -7 + 19.9 * gsl_rng_uniform(r)); /* 1e-7 .. 8e12 s */
        double s = gsl_rng_uniform(r) < 0.5 ? -mag : mag;
        ck_assert_int_eq(sim_time_from_seconds(s), (sim_time)round(s * 1e6));
    }
    gsl_rng_free(r);
}

END_TEST

Suite *variate_suite(void);

Suite *variate_suite(void)
{
    Suite *s = suite_create("variate");
    TCase *tc = tcase_create("exponential");
    tcase_add_test(tc, test_variate_tables_have_equal_layers_under_the_curve);
    tcase_add_test(tc, test_variate_exp1_passes_ks_and_moments);
    tcase_add_test(tc, test_variate_ks_check_rejects_a_wrong_mean);
    tcase_add_test(tc, test_variate_exponential_scales_by_the_mean);
    tcase_add_test(tc, test_variate_same_seed_gives_same_draws);
    tcase_add_test(tc, test_variate_stream_gives_the_generators_draws);
    tcase_add_test(tc, test_variate_rng_is_32bit_rejects_narrow_generators);
    tcase_add_test(tc, test_variate_time_from_seconds_is_round_of_microseconds);
    suite_add_tcase(s, tc);
    return s;
}
