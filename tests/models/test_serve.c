/*
 * Serving at both fidelities: the histogram's quantiles, conservation of requests, drops
 * with no target or a full queue, draining on removal, the two load balancers, fluid and
 * request mode agreeing on the same queue, and the SLA figures of a whole run.
 */
#include "helpers.h"

#include "asgsim/run.h"
#include "asgsim/serve.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>

struct bench {
    struct workload_config wl;
    struct serve_config cfg;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct serve s;
};

static void bench_init(struct bench *b, enum serve_fidelity f, double rps, double mu)
{
    b->wl = (struct workload_config){ .kind = WORKLOAD_CONSTANT, .rps = rps };
    b->cfg = (struct serve_config){ .fidelity = f,
                                    .lb = SERVE_LB_ROUND_ROBIN,
                                    .queue_limit = SERVE_DEFAULT_QUEUE_LIMIT,
                                    .capacity_rps_per_vcpu = mu };
    b->eng = sim_engine_new();
    b->rngs = (struct rng_set){ 0 };
    rng_set_init(&b->rngs, 7, 0, 0);
}

static void bench_start(struct bench *b)
{
    serve_init(&b->s, &b->cfg, &b->wl, 0, SIM_SEC(10), b->eng, &b->rngs);
    serve_start(&b->s);
}

static void bench_release(struct bench *b)
{
    serve_release(&b->s);
    sim_engine_free(b->eng);
    rng_set_release(&b->rngs);
}

START_TEST(test_serve_hist_quantiles_of_exponential_within_bin_width)
{
    static struct serve_hist h; /* large: keep it off the stack */
    h = (struct serve_hist){ 0 };
    const int n = 100000;
    for (int i = 0; i < n; i++) /* exact exponential(1) quantiles on a grid */
        serve_hist_add(&h, -log(1.0 - (i + 0.5) / n), 1.0);
    ck_assert_double_eq_tol(serve_hist_quantile(&h, 0.50), log(2.0), 0.03 * log(2.0));
    ck_assert_double_eq_tol(serve_hist_quantile(&h, 0.95), log(20.0), 0.03 * log(20.0));
    ck_assert_double_eq_tol(serve_hist_quantile(&h, 0.99), log(100.0), 0.03 * log(100.0));
    ck_assert_double_eq_tol(h.sum_s / h.total, 1.0, 1e-3);
    struct serve_hist empty = { 0 };
    ck_assert(isnan(serve_hist_quantile(&empty, 0.5)));
}

END_TEST

/* The bin of s by the histogram's definition: k - 1 <= 100 log10(s / MIN) < k. */
static size_t bin_by_definition(double s)
{
    if (!(s >= SERVE_HIST_MIN_S))
        return 0;
    double x = log10(s / SERVE_HIST_MIN_S) * SERVE_HIST_PER_DECADE;
    if (x >= (double)(SERVE_HIST_BINS - 2))
        return SERVE_HIST_BINS - 1;
    return (size_t)x + 1;
}

static int bins_disagreeing(struct serve_hist *h, double s)
{
    size_t k = bin_by_definition(s);
    double before = h->count[k];
    serve_hist_add(h, s, 1.0);
    return h->count[k] == before + 1.0 ? 0 : 1;
}

START_TEST(test_serve_hist_add_bins_by_the_log10_definition)
{
    static struct serve_hist h;
    h = (struct serve_hist){ 0 };
    int bad = 0;
    /* Every bin edge (as pow gives it and one ulp either side), where a fast path and
       the definition could disagree. */
    for (int k = 0; k <= SERVE_HIST_BINS; k++) {
        double edge = SERVE_HIST_MIN_S * pow(10.0, (double)(k - 1) / SERVE_HIST_PER_DECADE);
        bad += bins_disagreeing(&h, edge);
        bad += bins_disagreeing(&h, nextafter(edge, 0));
        bad += bins_disagreeing(&h, nextafter(edge, INFINITY));
    }
    /* Log-uniform latencies from 1e-8 s to 1e7 s. */
    for (int i = 0; i < 300000; i++)
        bad += bins_disagreeing(&h, pow(10.0, -8.0 + 15.0 * (i + 0.5) / 300000.0));
    bad += bins_disagreeing(&h, 0.0);
    bad += bins_disagreeing(&h, -1.0);
    ck_assert_int_eq(bad, 0);
}

END_TEST

/* 1 when serve_hist_add_us(h, t) does not add to the bin of t / 1e6 s by the definition,
   or adds another latency than serve_hist_add would; h is left as it was. */
static int us_bin_disagrees(struct serve_hist *h, sim_time t)
{
    size_t k = bin_by_definition(sim_time_to_seconds(t));
    h->sum_s = 0;
    serve_hist_add_us(h, t);
    int bad = h->count[k] == 1.0 && h->sum_s == sim_time_to_seconds(t) ? 0 : 1;
    h->count[k] -= 1.0;
    h->total -= 1.0;
    return bad;
}

START_TEST(test_serve_hist_add_us_bins_as_the_seconds_version)
{
    static struct serve_hist h;
    h = (struct serve_hist){ 0 };
    int bad = 0;
    /* Every microsecond to 2 s, then every bin edge (the least microsecond count
       past it by the definition, and three either side), then log-uniform counts. */
    for (sim_time t = 0; t <= 2000000; t++)
        bad += us_bin_disagrees(&h, t);
    for (int k = 0; k <= SERVE_HIST_BINS; k++) {
        double edge_us =
                1e6 * SERVE_HIST_MIN_S * pow(10.0, (double)(k - 1) / SERVE_HIST_PER_DECADE);
        sim_time t0 = (sim_time)ceil(edge_us);
        for (sim_time d = -3; d <= 3; d++)
            bad += us_bin_disagrees(&h, t0 + d);
    }
    for (int i = 0; i < 300000; i++)
        bad += us_bin_disagrees(&h, (sim_time)pow(10.0, 15.0 * (i + 0.5) / 300000.0));
    bad += us_bin_disagrees(&h, INT64_MAX);
    bad += us_bin_disagrees(&h, -1);
    ck_assert_int_eq(bad, 0);
    for (int k = 0; k < SERVE_HIST_BINS; k++) /* nothing was added to another bin */
        bad += h.count[k] != 0.0;
    ck_assert_int_eq(bad, 0);
    ck_assert(h.total == 0.0);
    /* And it really bins: 150 us lands in the bin of 150e-6 s by the definition. */
    serve_hist_add_us(&h, 150);
    ck_assert(h.count[bin_by_definition(150e-6)] == 1.0);
    ck_assert(h.count[bin_by_definition(150e-6) + 1] == 0.0);
}

END_TEST

/*
 * serve_stats_add: two intervals taken one after the other add up to the one interval taken
 * over both, in request mode exactly for every count and histogram bin (the sums of seconds
 * within rounding), the backlog being the later interval's. The autoscaler takes serving
 * before its alarms and the run's /timeseries row adds what it took (models/run.c).
 */
START_TEST(test_serve_stats_add_equals_one_interval)
{
    static struct serve_stats whole, part, rest;
    struct bench a, b;
    for (int k = 0; k < 2; k++) {
        struct bench *x = k ? &b : &a;
        bench_init(x, SERVE_REQUEST, 180, 50); /* 2 vCPUs at 100: overloaded, a backlog */
        x->cfg.queue_limit = 3000;             /* full after about 37 s */
        bench_start(x);
        serve_add(&x->s, 1, 2);
    }
    sim_run_until(a.eng, SIM_SEC(60));
    serve_take_interval(&a.s, &whole);
    sim_run_until(b.eng, SIM_SEC(25));
    serve_take_interval(&b.s, &part);
    sim_run_until(b.eng, SIM_SEC(60));
    serve_take_interval(&b.s, &rest);
    ck_assert_double_lt(part.backlog, 2500); /* still filling at 25 s */
    serve_stats_add(&part, &rest);
    ck_assert_double_gt(whole.dropped, 100);
    ck_assert_double_gt(whole.backlog, 0);
    ck_assert(part.arrived == whole.arrived && part.served == whole.served);
    ck_assert(part.dropped == whole.dropped && part.started == whole.started);
    ck_assert(part.waited == whole.waited && part.over_objective == whole.over_objective);
    ck_assert(part.backlog == whole.backlog && part.hist.total == whole.hist.total);
    for (size_t i = 0; i < SERVE_HIST_BINS; i++)
        ck_assert(part.hist.count[i] == whole.hist.count[i]);
    ck_assert_double_eq_tol(part.hist.sum_s, whole.hist.sum_s, 1e-12 * whole.hist.sum_s);
    ck_assert_double_eq_tol(part.sum_wait_s, whole.sum_wait_s, 1e-12 * whole.sum_wait_s);
    ck_assert_double_eq_tol(part.busy_vcpu_s, whole.busy_vcpu_s, 1e-12 * whole.busy_vcpu_s);
    bench_release(&a);
    bench_release(&b);
}

END_TEST

/* P(T > t) of the M/M/c sojourn time (c servers of rate mu, wait rate theta = c mu -
   lambda, wait probability pw), computed directly with exp(). */
static double mmc_tail(double t, double mu, double theta, double pw)
{
    double es = exp(-mu * t);
    double hypo = (theta * es - mu * exp(-theta * t)) / (theta - mu);
    return (1.0 - pw) * es + pw * hypo;
}

/* One fluid step at offered rate rps on c vCPUs of rate mu: every histogram bin holds
   served x (tail at its lower edge - tail at its upper edge), whichever way serve.c
   evaluates the tail. */
static void check_fluid_bins(double rps, double mu, unsigned c)
{
    struct bench b;
    bench_init(&b, SERVE_FLUID, rps, mu);
    bench_start(&b);
    serve_add(&b.s, 1, c);
    sim_run_until(b.eng, SIM_SEC(10)); /* one tick */
    static struct serve_stats st;
    serve_take_interval(&b.s, &st);
    ck_assert_double_eq(st.dropped, 0);
    double lambda = st.arrived / 10.0, theta = c * mu - lambda;
    double pw = serve_erlang_c(c, lambda / mu);
    double prev = 1.0, worst = 0;
    size_t k = 0;
    for (; k + 1 < SERVE_HIST_BINS; k++) {
        double upper = SERVE_HIST_MIN_S * pow(10.0, (double)k / SERVE_HIST_PER_DECADE);
        double next = mmc_tail(upper, mu, theta, pw);
        worst = fmax(worst, fabs(st.hist.count[k] - st.served * (prev - next)) / st.served);
        prev = next;
        if (prev < 1e-12) /* serve.c puts the rest of the tail into the next bin */
            break;
    }
    ck_assert_uint_lt(k, 900); /* the tail ends far inside the histogram */
    worst = fmax(worst, fabs(st.hist.count[k + 1] - st.served * prev) / st.served);
    for (size_t j = k + 2; j < SERVE_HIST_BINS; j++)
        worst = fmax(worst, fabs(st.hist.count[j]));
    ck_assert_double_lt(worst, 1e-12);
    ck_assert_double_eq_tol(st.hist.total, st.served, 1e-9 * st.served);
    bench_release(&b);
}

START_TEST(test_serve_fluid_histogram_bins_match_the_mmc_law)
{
    check_fluid_bins(50, 10, 10);     /* theta = 50 >= 2 mu: tenth powers per decade */
    check_fluid_bins(9900, 1, 10000); /* theta ~ 100 mu, pw ~ 0.5: seven decades of powers */
    check_fluid_bins(60, 50, 2);      /* theta = 40 < 2 mu: exp() at every edge */
}

END_TEST

START_TEST(test_serve_fluid_overload_conserves_requests_and_caps_backlog)
{
    struct bench b;
    bench_init(&b, SERVE_FLUID, 150, 50); /* 150 rps offered, 100 rps of capacity */
    b.cfg.queue_limit = 1000;
    bench_start(&b);
    serve_add(&b.s, 1, 2);
    sim_run_until(b.eng, SIM_SEC(600));
    struct serve_stats st;
    serve_take_interval(&b.s, &st);
    ck_assert_double_eq_tol(st.arrived, st.served + st.dropped + st.backlog, 1e-6);
    ck_assert_double_eq_tol(st.served, 100.0 * 600, 1e-6); /* busy all the time */
    ck_assert_double_eq(st.backlog, 1000);
    ck_assert_double_eq_tol(st.arrived, 150.0 * 600, 5 * sqrt(150.0 * 600)); /* Poisson */
    /* Waiting behind a full queue of 1000 at 100 rps is about 10 s. */
    ck_assert_double_gt(serve_hist_quantile(&st.hist, 0.5), 5.0);
    bench_release(&b);
}

END_TEST

START_TEST(test_serve_fluid_underload_mean_latency_is_mmc)
{
    struct bench b;
    bench_init(&b, SERVE_FLUID, 50, 50); /* M/M/2 with a = 1: P(wait) = 1/3 */
    bench_start(&b);
    serve_add(&b.s, 1, 2);
    sim_run_until(b.eng, SIM_SEC(3600));
    struct serve_stats st;
    serve_take_interval(&b.s, &st);
    ck_assert_double_eq(st.dropped, 0);
    ck_assert_double_lt(st.backlog, 1e-9);
    /* Tick-to-tick Poisson noise moves lambda a little; the mean stays near theory. */
    double wq = (1.0 / 3.0) / (100.0 - 50.0);
    ck_assert_double_eq_tol(st.hist.sum_s / st.hist.total, wq + 1.0 / 50, 0.02 * (wq + 0.02));
    ck_assert_double_eq_tol(st.waited / st.started, 1.0 / 3.0, 0.02);
    bench_release(&b);
}

END_TEST

START_TEST(test_serve_without_in_service_instance_drops_everything)
{
    for (int f = SERVE_FLUID; f <= SERVE_REQUEST; f++) {
        struct bench b;
        bench_init(&b, (enum serve_fidelity)f, 20, 50);
        bench_start(&b);
        sim_run_until(b.eng, SIM_SEC(60));
        struct serve_stats st;
        serve_take_interval(&b.s, &st);
        ck_assert_double_gt(st.arrived, 900);
        ck_assert_double_eq(st.dropped, st.arrived);
        ck_assert_double_eq(st.served, 0);
        bench_release(&b);
    }
}

END_TEST

START_TEST(test_serve_request_removed_instance_drains_and_gets_no_new_requests)
{
    struct bench b;
    bench_init(&b, SERVE_REQUEST, 150, 50);
    b.wl = (struct workload_config){
        .kind = WORKLOAD_STEP, .from_rps = 150, .to_rps = 0, .start = SIM_SEC(120)
    };
    bench_start(&b);
    serve_add(&b.s, 1, 1);
    serve_add(&b.s, 2, 1);
    sim_run_until(b.eng, SIM_SEC(60));
    /* 75 rps each at 50 rps capacity: both are busy with a queue. */
    ck_assert_double_gt(serve_backlog(&b.s), 100);
    serve_remove(&b.s, 1);
    ck_assert_uint_eq(b.s.nr_live, 1);
    ck_assert_uint_eq(b.s.nr_drain, 1);
    sim_run_until(b.eng, SIM_SEC(120) + SIM_SEC(300));
    ck_assert_uint_eq(b.s.nr_drain, 0); /* finished its queue, then freed */
    struct serve_stats st;
    serve_take_interval(&b.s, &st);
    ck_assert_double_eq(st.backlog, 0);
    ck_assert_double_eq(st.arrived, st.served + st.dropped); /* nothing lost */
    ck_assert_double_gt(st.dropped, 0);                      /* queues of 1000 overflowed */
    bench_release(&b);
}

END_TEST

static double drops_with(enum serve_lb lb)
{
    struct bench b;
    bench_init(&b, SERVE_REQUEST, 300, 50); /* 1 + 8 vCPUs = 450 rps of capacity */
    b.cfg.lb = lb;
    b.cfg.queue_limit = 50;
    bench_start(&b);
    serve_add(&b.s, 1, 1);
    serve_add(&b.s, 2, 8);
    sim_run_until(b.eng, SIM_SEC(120));
    struct serve_stats st;
    serve_take_interval(&b.s, &st);
    ck_assert_double_le(st.backlog, 2 * 50); /* queues never exceed their limit */
    bench_release(&b);
    return st.dropped / st.arrived;
}

START_TEST(test_serve_least_outstanding_requests_avoids_the_small_instance)
{
    /* Round robin sends 150 rps to a 50 rps instance: about 2/3 of its share is dropped.
       Least outstanding requests sends it only what it can take. */
    double rr = drops_with(SERVE_LB_ROUND_ROBIN);
    double lor = drops_with(SERVE_LB_LEAST_OUTSTANDING);
    ck_assert_double_eq_tol(rr, (150.0 - 50.0) / 300.0, 0.02);
    ck_assert_double_lt(lor, 0.001);
}

END_TEST

/* Mean service time over an interval: busy vCPU-seconds per request started. */
static double mean_service_s(struct bench *b, sim_time until)
{
    sim_run_until(b->eng, until);
    struct serve_stats st;
    serve_take_interval(&b->s, &st);
    ck_assert_double_gt(st.started, 2000);
    return st.busy_vcpu_s / st.started;
}

START_TEST(test_serve_request_each_instance_serves_at_its_rate)
{
    /* A light load (2 rps on 4 vCPUs) so that service times are what is measured: each
       instance's are exponential with mean 1 / its own rate, not the config's 10 rps. */
    struct bench b;
    bench_init(&b, SERVE_REQUEST, 2, 10);
    bench_start(&b);
    serve_add_rated(&b.s, 1, 4, 5.0); /* mean 0.2 s */
    double slow = mean_service_s(&b, SIM_SEC(2000));
    serve_remove(&b.s, 1);
    serve_add_rated(&b.s, 2, 4, 40.0); /* mean 0.025 s */
    double fast = mean_service_s(&b, SIM_SEC(4000));
    /* ~4000 exponential draws each: standard error 1.6 % */
    ck_assert_double_eq_tol(slow, 0.2, 0.08 * 0.2);
    ck_assert_double_eq_tol(fast, 0.025, 0.08 * 0.025);
    /* both at once, round robin: half the requests at each rate */
    serve_add_rated(&b.s, 3, 4, 5.0);
    double both = mean_service_s(&b, SIM_SEC(6000));
    ck_assert_double_eq_tol(both, (0.2 + 0.025) / 2, 0.08 * (0.2 + 0.025) / 2);
    bench_release(&b);
}

END_TEST

START_TEST(test_serve_fluid_capacity_is_the_sum_over_rates)
{
    struct bench b;
    bench_init(&b, SERVE_FLUID, 200, 50); /* 200 rps offered */
    bench_start(&b);
    serve_add_rated(&b.s, 1, 2, 10.0);
    serve_add_rated(&b.s, 2, 2, 30.0);
    serve_add_rated(&b.s, 3, 4, 10.0); /* the rate of instance 1: one entry, 6 vCPUs */
    ck_assert_uint_eq(b.s.nr_rates, 2);
    /* 6 x 10 + 2 x 30 = 120 rps; the M/M/c law's rate is 120 / 8 vCPUs */
    ck_assert_double_eq(b.s.fleet_rps, 120.0);
    ck_assert_double_eq(b.s.fleet_mu, 15.0);
    sim_run_until(b.eng, SIM_SEC(600));
    struct serve_stats st;
    serve_take_interval(&b.s, &st);
    ck_assert_double_eq_tol(st.served, 120.0 * 600, 1e-6);    /* overloaded: all capacity */
    ck_assert_double_eq_tol(st.busy_vcpu_s, 8.0 * 600, 1e-6); /* every vCPU busy */
    /* the fast instance leaves: 60 rps at one rate, that rate's law */
    serve_remove(&b.s, 2);
    ck_assert_double_eq(b.s.fleet_rps, 60.0);
    ck_assert_double_eq(b.s.fleet_mu, 10.0);
    /* a spent burstable group at a fifth of its speed */
    serve_set_rate_factor(&b.s, 0.2);
    ck_assert_double_eq(b.s.fleet_rps, 6.0 * (10.0 * 0.2));
    serve_remove(&b.s, 1);
    serve_remove(&b.s, 3);
    ck_assert_double_eq(b.s.fleet_rps, 0.0);
    ck_assert_double_eq(b.s.fleet_mu, 50.0 * 0.2); /* none InService: the config's rate */
    bench_release(&b);
}

END_TEST

START_TEST(test_serve_fluid_and_request_agree_on_latency_percentiles)
{
    double q[2][3], over[2];
    for (int f = SERVE_FLUID; f <= SERVE_REQUEST; f++) {
        struct bench b;
        bench_init(&b, (enum serve_fidelity)f, 80, 10); /* M/M/10 at rho 0.8 */
        b.cfg.latency_objective = SIM_MS(250);
        bench_start(&b);
        serve_add(&b.s, 1, 10);
        sim_run_until(b.eng, SIM_SEC(2000));
        struct serve_stats st;
        serve_take_interval(&b.s, &st);
        q[f][0] = serve_hist_quantile(&st.hist, 0.50);
        q[f][1] = serve_hist_quantile(&st.hist, 0.95);
        q[f][2] = serve_hist_quantile(&st.hist, 0.99);
        over[f] = st.over_objective / st.served;
        bench_release(&b);
    }
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq_tol(q[SERVE_REQUEST][i], q[SERVE_FLUID][i], 0.05 * q[SERVE_FLUID][i]);
    ck_assert_double_eq_tol(over[SERVE_REQUEST], over[SERVE_FLUID], 0.05 * over[SERVE_FLUID]);
    ck_assert_double_gt(over[SERVE_FLUID], 0.05); /* the objective is really tested */
}

END_TEST

START_TEST(test_serve_run_writes_sla_figures)
{
    struct diag_list d = { 0 };
    struct scenario sc;
    char *path = test_src_path("scenarios/diurnal-web.yaml");
    struct scenario_load_opts o = { .has_duration = true, .duration = SIM_DAY(3) };
    ck_assert_int_eq(scenario_load(&sc, path, &o, &d), 0);
    struct trace_sink *s = trace_mem_new();
    struct run_summary r;
    ck_assert_int_eq(run_scenario(&sc, NULL, s, &r, &d), 0);
    /* Offered: 300 rps x 3 days on average (cos averages out), the flash crowd on top. */
    ck_assert_double_gt(r.requests_arrived, 300.0 * 3 * 86400);
    ck_assert_double_lt(r.requests_arrived, 300.0 * 3 * 86400 * 1.01);
    ck_assert_double_eq_tol(r.requests_arrived, r.requests_served + r.requests_dropped, 600.0);
    ck_assert_double_gt(r.requests_dropped, 0); /* boot at the start and the flash crowd */
    ck_assert(r.latency_p50_s < r.latency_p95_s && r.latency_p95_s < r.latency_p99_s);
    ck_assert_double_gt(r.latency_p50_s, log(2.0) / 50); /* the service median alone */
    ck_assert_double_eq(r.latency_objective_s, 0.2);
    ck_assert_double_gt(r.time_over_objective_s, 0);
    ck_assert_double_eq(trace_mem_scalar(s, "/summary/latency_p99_s"), r.latency_p99_s);
    ck_assert_double_eq(trace_mem_scalar(s, "/summary/requests_dropped"), r.requests_dropped);
    size_t n = trace_mem_rows(s, "/timeseries");
    double served = 0;
    for (size_t i = 0; i < n; i++)
        served += trace_mem_cell(s, "/timeseries", i, "served")->f64;
    ck_assert_double_eq_tol(served, r.requests_served, 1e-6 * r.requests_served);
    ck_assert_int_eq(trace_close(s, true), 0);
    trace_sink_free(s);
    scenario_release(&sc);
    free(path);
    diag_list_release(&d);
}

END_TEST

Suite *serve_suite(void);

Suite *serve_suite(void)
{
    Suite *s = suite_create("serve");
    TCase *tc = tcase_create("serve");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_serve_hist_quantiles_of_exponential_within_bin_width);
    tcase_add_test(tc, test_serve_hist_add_bins_by_the_log10_definition);
    tcase_add_test(tc, test_serve_stats_add_equals_one_interval);
    tcase_add_test(tc, test_serve_hist_add_us_bins_as_the_seconds_version);
    tcase_add_test(tc, test_serve_fluid_histogram_bins_match_the_mmc_law);
    tcase_add_test(tc, test_serve_fluid_overload_conserves_requests_and_caps_backlog);
    tcase_add_test(tc, test_serve_fluid_underload_mean_latency_is_mmc);
    tcase_add_test(tc, test_serve_without_in_service_instance_drops_everything);
    tcase_add_test(tc, test_serve_request_removed_instance_drains_and_gets_no_new_requests);
    tcase_add_test(tc, test_serve_least_outstanding_requests_avoids_the_small_instance);
    tcase_add_test(tc, test_serve_request_each_instance_serves_at_its_rate);
    tcase_add_test(tc, test_serve_fluid_capacity_is_the_sum_over_rates);
    tcase_add_test(tc, test_serve_fluid_and_request_agree_on_latency_percentiles);
    tcase_add_test(tc, test_serve_run_writes_sla_figures);
    suite_add_tcase(s, tc);
    return s;
}
