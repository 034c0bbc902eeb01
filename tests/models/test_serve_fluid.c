/*
 * The fluid model's deferred binning (serve.h, struct serve): laws wait unbinned until
 * serve_take_interval and are binned straight into the caller's copy. Checked here: the
 * copy is the same, bit for bit, whether an interval's laws are binned into the copy or
 * into the interval's histogram first (more laws than SERVE_PENDING_LAWS, or no copy
 * asked for); whatever the copy held before is overwritten. And Erlang C, whose
 * recursion composes four steps at a time, against the step-by-step recursion; and
 * serve_hist_quantiles against one serve_hist_quantile per q; serve_poisson's draws
 * against the Poisson law.
 */
#include "helpers.h"

#include "asgsim/serve.h"
#include "asgsim/util.h"

#include <check.h>
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct bench {
    struct workload_config wl;
    struct serve_config cfg;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct serve s;
};

/* A fluid model on 8 vCPUs of 50 requests/s at `rps`, ticking every `tick`. */
static void bench_start(struct bench *b, double rps, sim_time tick)
{
    b->wl = (struct workload_config){ .kind = WORKLOAD_CONSTANT, .rps = rps };
    b->cfg = (struct serve_config){ .fidelity = SERVE_FLUID,
                                    .lb = SERVE_LB_ROUND_ROBIN,
                                    .tick = tick,
                                    .queue_limit = SERVE_DEFAULT_QUEUE_LIMIT,
                                    .capacity_rps_per_vcpu = 50 };
    b->eng = sim_engine_new();
    b->rngs = (struct rng_set){ 0 };
    rng_set_init(&b->rngs, 11, 0, 0);
    serve_init(&b->s, &b->cfg, &b->wl, 0, SIM_SEC(60), b->eng, &b->rngs);
    serve_start(&b->s);
    serve_add(&b->s, 1, 8);
}

static void bench_release(struct bench *b)
{
    serve_release(&b->s);
    sim_engine_free(b->eng);
    rng_set_release(&b->rngs);
}

static struct serve_stats st_a, st_b; /* large: off the stack */

/* Bins that differ between two histograms (bitwise), plus 1 if total or sum_s differ. */
static int hist_diff(const struct serve_hist *x, const struct serve_hist *y)
{
    int bad = 0;
    for (size_t i = 0; i < SERVE_HIST_BINS; i++)
        bad += memcmp(&x->count[i], &y->count[i], sizeof(double)) != 0;
    bad += x->total != y->total || x->sum_s != y->sum_s;
    return bad;
}

/* Two identical runs, intervals of 60 s: one takes every interval into a copy, the other
   without one (NULL) but the last; the last copies and the run totals must agree bit for bit. With
   a 5 s tick an interval holds 12 laws (more than SERVE_PENDING_LAWS), with a 60 s tick one; at 380
   requests/s on 400 of capacity some steps start with a backlog (shifted laws). */
static void check_copy_and_no_copy_agree(double rps, sim_time tick)
{
    struct bench a, b;
    bench_start(&a, rps, tick);
    bench_start(&b, rps, tick);
    double served = 0;
    for (int k = 1; k <= 30; k++) {
        sim_run_until(a.eng, SIM_SEC(60) * k);
        sim_run_until(b.eng, SIM_SEC(60) * k);
        /* garbage in the copy: the take must overwrite every bin */
        for (size_t i = 0; i < SERVE_HIST_BINS; i++)
            st_a.hist.count[i] = 1e300;
        serve_take_interval(&a.s, &st_a);
        double sum = 0;
        for (size_t i = 0; i < SERVE_HIST_BINS; i++)
            sum += st_a.hist.count[i];
        ck_assert_double_eq_tol(sum, st_a.served, 1e-9 * st_a.served);
        ck_assert_double_eq_tol(st_a.hist.total, st_a.served, 1e-9 * st_a.served);
        served += st_a.served;
        serve_take_interval(&b.s, k == 30 ? &st_b : NULL);
    }
    ck_assert(served > 0);
    /* The last interval's copy is the same either way. */
    ck_assert_int_eq(hist_diff(&st_a.hist, &st_b.hist), 0);
    ck_assert_int_eq(hist_diff(&a.s.total.hist, &b.s.total.hist), 0);
    ck_assert_double_eq_tol(a.s.total.hist.total, served, 1e-9 * served);
    bench_release(&a);
    bench_release(&b);
}

START_TEST(test_serve_fluid_one_law_per_interval_copy_and_total_agree)
{
    check_copy_and_no_copy_agree(300, SIM_SEC(60));
}

END_TEST

START_TEST(test_serve_fluid_many_laws_per_interval_copy_and_total_agree)
{
    check_copy_and_no_copy_agree(380, SIM_SEC(5));
}

END_TEST

/* Erlang C by the step-by-step recursion serve.c used before it composed four steps. */
static double erlang_c_stepwise(unsigned c, double a)
{
    double inv = 1.0;
    for (unsigned k = 1; k <= c; k++)
        inv = 1.0 + ((double)k / a) * inv;
    double b = 1.0 / inv, rho = a / (double)c;
    return b / (1.0 - rho * (1.0 - b));
}

START_TEST(test_serve_fluid_erlang_c_within_c_ulps_of_the_stepwise_recursion)
{
    /* Each recursion is within about c rounding errors of the exact value (c steps, all
       terms positive); measured: at most 0.75 c DBL_EPSILON apart. */
    static const unsigned cs[] = { 1, 2, 3, 4, 5, 7, 8, 13, 64, 199, 200, 201, 1000, 4095 };
    int over = 0, zeros_differ = 0;
    for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
        double tol = (cs[i] > 4 ? cs[i] : 4) * DBL_EPSILON;
        for (int j = 0; j <= 400; j++) { /* load from 1e-9 c to 0.999 c */
            double rho = j == 400 ? 0.999 : pow(10.0, -9.0 + 9.0 * j / 400.0);
            double a = rho * cs[i];
            double x = serve_erlang_c(cs[i], a), y = erlang_c_stepwise(cs[i], a);
            zeros_differ += (x == 0) != (y == 0);
            if (y > 1e-290) /* below that both are subnormal or zero */
                over += fabs(x - y) > tol * y;
        }
    }
    ck_assert_int_eq(zeros_differ, 0);
    ck_assert_int_eq(over, 0);
    ck_assert_double_eq(serve_erlang_c(200, 0.0), 0.0);
}

END_TEST

/* P(W + S > t) for the M/M/c sojourn time, mu = 1, theta = c - a, P(W > 0) = pw. */
static double sojourn_tail(double pw, double theta, double t)
{
    double w = fabs(theta - 1.0) < 1e-9 ? (1.0 + t) * exp(-t)
                                        : (theta * exp(-t) - exp(-theta * t)) / (theta - 1.0);
    return (1.0 - pw) * exp(-t) + pw * w;
}

static double sojourn_p99(double pw, double theta)
{
    double lo = 0, hi = 1;
    while (sojourn_tail(pw, theta, hi) > 0.01)
        hi *= 2;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (sojourn_tail(pw, theta, mid) > 0.01)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/*
 * Above SERVE_ERLANG_EXACT_MAX vCPUs serve_erlang_c() does not run the O(c) recursion
 * (issue 19: fleets of 10,000 instances and more). Against the recursion, over loads from
 * 1e-4 c to 0.99999 c and most of all near saturation where it switches method: P(wait)
 * within 1e-9 relative (the issue asks 1e-6), and the p99 latency of the M/M/c law within
 * 1e-9 relative.
 */
START_TEST(test_serve_fluid_erlang_c_large_fleets_match_the_recursion)
{
    static const unsigned cs[] = { 4096, 4097, 4099, 5000, 20000, 65536, 100001, 200000 };
    double worst = 0, worst_p99 = 0;
    int nontrivial = 0;
    for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
        double c = cs[i];
        for (int j = 0; j <= 600; j++) {
            /* utilisation from 1e-4 up, then c - a from 40 sqrt(c) down to 0.01 */
            double a = j < 200 ? c * pow(10.0, -4.0 + 4.0 * j / 200.0) * 0.9
                               : c - sqrt(c) * 40.0 * pow(10.0, -3.6 * (j - 200) / 400.0);
            double x = serve_erlang_c(cs[i], a), y = serve_erlang_c_exact(cs[i], a);
            if (y < 1e-290) { /* subnormal or zero: both negligible */
                ck_assert_double_le(x, 1e-280);
                continue;
            }
            double e = fabs(x - y) / y;
            if (e > worst)
                worst = e;
            if (y > 1e-6) {
                nontrivial++;
                double px = sojourn_p99(x, c - a), py = sojourn_p99(y, c - a);
                double ep = fabs(px - py) / py;
                if (ep > worst_p99)
                    worst_p99 = ep;
            }
        }
    }
    ck_assert_double_le(worst, 1e-9);
    ck_assert_double_le(worst_p99, 1e-9);
    ck_assert_int_gt(nontrivial, 1000); /* the comparison covered waiting, not only zeros */
    ck_assert_double_eq(serve_erlang_c(20000, 0.0), 0.0);
}

END_TEST

/* serve_hist_quantiles against one serve_hist_quantile per q, bit for bit. */
static int quantiles_differ(const struct serve_hist *h, size_t n, const double *q)
{
    double got[SERVE_QUANTILES_MAX];
    serve_hist_quantiles(h, n, q, got);
    int bad = 0;
    for (size_t k = 0; k < n; k++) {
        double want = serve_hist_quantile(h, q[k]);
        bad += !(memcmp(&got[k], &want, sizeof(double)) == 0 || (isnan(got[k]) && isnan(want)));
    }
    return bad;
}

START_TEST(test_serve_fluid_quantiles_in_one_scan_equal_one_scan_each)
{
    static const double qs[][4] = { { 0.99, 0.5, 0.95, 0.5 },
                                    { 0.5, 0.95, 0.99, 0.999 },
                                    { 1e-9, 0.25, 0.75, 1.0 },
                                    { 0.9, 0.1, 0.6, 0.3 } };
    struct bench b;
    bench_start(&b, 350, SIM_SEC(5));
    int bad = 0;
    for (int k = 1; k <= 20; k++) { /* fluid intervals, and the run's total */
        sim_run_until(b.eng, SIM_SEC(60) * k);
        serve_take_interval(&b.s, &st_a);
        for (size_t j = 0; j < 4; j++)
            bad += quantiles_differ(&st_a.hist, 4, qs[j]);
    }
    for (size_t j = 0; j < 4; j++)
        bad += quantiles_differ(&b.s.total.hist, 4, qs[j]);
    bench_release(&b);
    /* Latencies spread over every decade, a few at a time (each q's bin and the bins
       before it are partly filled), mass only in the last bins, and an empty histogram. */
    static struct serve_hist h;
    h = (struct serve_hist){ 0 };
    for (int i = 0; i < 3000; i++) {
        serve_hist_add(&h, pow(10.0, -7.0 + 13.0 * (i * 0.618034 - floor(i * 0.618034))),
                       1.0 + i % 7);
        if (i % 97 == 0)
            for (size_t j = 0; j < 4; j++)
                bad += quantiles_differ(&h, 4, qs[j]);
    }
    h = (struct serve_hist){ 0 };
    serve_hist_add(&h, 9e4, 1.0);
    serve_hist_add(&h, 1e6, 2.0);
    bad += quantiles_differ(&h, 4, qs[1]);
    h = (struct serve_hist){ 0 };
    bad += quantiles_differ(&h, 4, qs[0]);
    ck_assert_int_eq(bad, 0);
    double one[1];
    serve_hist_quantiles(&h, 1, qs[0], one);
    ck_assert(isnan(one[0]));
}

END_TEST

/* n draws of serve_poisson(mu): the mean and variance within 5 standard errors, and a
   chi-square test against the Poisson probabilities (cells of expected count >= 20, the
   tails pooled) not rejected at 1e-5. */
static void check_poisson(gsl_rng *r, double mu, int n)
{
    double sum = 0, sum2 = 0;
    double lo = floor(mu - 6 * sqrt(mu)), hi = ceil(mu + 6 * sqrt(mu));
    if (lo < 0)
        lo = 0;
    size_t cells = (size_t)(hi - lo) + 1;
    unsigned *seen = xcalloc(cells + 2, sizeof(*seen)); /* [0]: below lo, [cells+1]: above */
    for (int i = 0; i < n; i++) {
        double k = serve_poisson(r, mu);
        ck_assert(k >= 0 && k == floor(k));
        sum += k;
        sum2 += k * k;
        size_t c = k < lo ? 0 : k > hi ? cells + 1 : (size_t)(k - lo) + 1;
        seen[c]++;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    ck_assert_double_le(fabs(mean - mu), 5 * sqrt(mu / n));
    ck_assert_double_le(fabs(var - mu), 5 * sqrt((2 * mu * mu + mu) / n));
    /* Pool cells left to right until each expects >= 20. */
    double chi2 = 0, expect = n * (lo > 0 ? gsl_cdf_poisson_P((unsigned)lo - 1, mu) : 0.0);
    double got = seen[0];
    int dof = -1;
    for (size_t c = 1; c <= cells + 1; c++) {
        double p = c <= cells ? gsl_ran_poisson_pdf((unsigned)(lo + (double)(c - 1)), mu)
                              : gsl_cdf_poisson_Q((unsigned)hi, mu);
        expect += n * p;
        got += seen[c];
        if (expect >= 20 || c == cells + 1) {
            if (expect > 0) {
                chi2 += (got - expect) * (got - expect) / expect;
                dof++;
            }
            expect = got = 0;
        }
    }
    free(seen);
    ck_assert_int_gt(dof, 3);
    ck_assert_double_gt(gsl_cdf_chisq_Q(chi2, dof), 1e-5);
}

START_TEST(test_serve_fluid_poisson_draws_follow_the_poisson_law)
{
    struct rng_set rngs = { 0 };
    rng_set_init(&rngs, 3, 0, 0);
    gsl_rng *r = rng_set_stream(&rngs, "arrivals");
    static const double mus[] = { 0.5, 9.5, 10, 12.5, 40, 1000, 4e5 };
    for (size_t i = 0; i < sizeof(mus) / sizeof(mus[0]); i++)
        check_poisson(r, mus[i], 200000);
    ck_assert_double_eq(serve_poisson(r, 0), 0);
    rng_set_release(&rngs);
}

END_TEST

Suite *serve_fluid_suite(void);

Suite *serve_fluid_suite(void)
{
    Suite *s = suite_create("serve_fluid");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_serve_fluid_one_law_per_interval_copy_and_total_agree);
    tcase_add_test(tc, test_serve_fluid_many_laws_per_interval_copy_and_total_agree);
    tcase_add_test(tc, test_serve_fluid_erlang_c_within_c_ulps_of_the_stepwise_recursion);
    tcase_add_test(tc, test_serve_fluid_erlang_c_large_fleets_match_the_recursion);
    tcase_add_test(tc, test_serve_fluid_quantiles_in_one_scan_equal_one_scan_each);
    tcase_add_test(tc, test_serve_fluid_poisson_draws_follow_the_poisson_law);
    suite_add_tcase(s, tc);
    return s;
}
