/*
 * The fluid model's deferred binning (serve.h, struct serve): laws wait unbinned until
 * serve_take_interval and are binned straight into the caller's copy. Checked here: the
 * copy is the same, bit for bit, whether an interval's laws are binned into the copy or
 * into the interval's histogram first (more laws than SERVE_PENDING_LAWS, or no copy
 * asked for); whatever the copy held before is overwritten. And Erlang C, whose
 * recursion composes four steps at a time, against the step-by-step recursion.
 */
#include "helpers.h"

#include "asgsim/serve.h"

#include <check.h>
#include <float.h>
#include <math.h>
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
    static const unsigned cs[] = { 1, 2, 3, 4, 5, 7, 8, 13, 64, 199, 200, 201, 1000, 4099 };
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

Suite *serve_fluid_suite(void);

Suite *serve_fluid_suite(void)
{
    Suite *s = suite_create("serve_fluid");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_serve_fluid_one_law_per_interval_copy_and_total_agree);
    tcase_add_test(tc, test_serve_fluid_many_laws_per_interval_copy_and_total_agree);
    tcase_add_test(tc, test_serve_fluid_erlang_c_within_c_ulps_of_the_stepwise_recursion);
    suite_add_tcase(s, tc);
    return s;
}
