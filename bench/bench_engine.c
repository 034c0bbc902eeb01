/*
 * Engine benchmarks (issue 8): the classic hold model on the pending-event set at several
 * queue sizes, and PHOLD through the full engine with handler dispatch. Prints the median
 * of several runs; asserts nothing (benchmarks print, tests check).
 *
 * Increments come from a pre-drawn table of exponential variates, so the figures measure
 * the queue and the engine, not the random number generator.
 *
 * With no arguments it prints every figure. For instruction counts under callgrind, run one
 * measurement once: `bench_engine hold PENDING OPS` or `bench_engine phold HORIZON_S`.
 */
#include "pes.h"

#include "asgsim/sim.h"
#include "asgsim/util.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS      5
#define TABLE_LEN 65536 /* a power of two */

static sim_time incr[TABLE_LEN];

/*
 * CPU time of this thread, not wall time: the figures are meant for one core, and on a
 * shared machine wall time also counts the time other processes held the core. On an
 * idle core the two agree.
 */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return v[n / 2];
}

/* Hold: pop the earliest, push it back at now + Exp(mean 1 s). Returns events per second. */
static double hold(size_t pending, size_t ops)
{
    struct pes q = { 0 };
    uint64_t seq = 0;
    for (size_t i = 0; i < pending; i++)
        pes_push(&q, incr[i & (TABLE_LEN - 1)], seq++, (uint32_t)i);
    size_t k = pending;
    double t0 = now_s();
    for (size_t i = 0; i < ops; i++) {
        struct pes_entry e;
        if (!pes_pop(&q, &e))
            abort();
        pes_push(&q, e.at + incr[k++ & (TABLE_LEN - 1)], seq++, e.slot);
    }
    double dt = now_s() - t0;
    pes_release(&q);
    return (double)ops / dt;
}

struct phold {
    struct sim_engine *eng;
    uint32_t nr_lps;
    uint64_t rng; /* xorshift64*: destination choice must not dominate the measurement */
    size_t k;
    uint64_t *received; /* per LP */
};

static void phold_fire(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type phold_event = { "phold.message", phold_fire };

static void phold_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct phold *ph = target;
    ph->received[p->u32[0]]++;
    ph->rng ^= ph->rng >> 12;
    ph->rng ^= ph->rng << 25;
    ph->rng ^= ph->rng >> 27;
    /*
     * Uniform in [0, nr_lps) by multiply-shift (Lemire) rather than `%`: a 64-bit
     * division costs more latency than the whole rest of the handler.
     */
    uint32_t r32 = (uint32_t)((ph->rng * UINT64_C(2685821657736338717)) >> 32);
    uint32_t dest = (uint32_t)(((uint64_t)r32 * ph->nr_lps) >> 32);
    union sim_payload np = { .u32 = { dest, 0 } };
    sim_schedule(eng, 1 + incr[ph->k++ & (TABLE_LEN - 1)], &phold_event, ph, np);
}

/* PHOLD run sequentially: nr_lps processes, `per_lp` messages each, uniform destinations. */
static double phold(uint32_t nr_lps, uint32_t per_lp, sim_time horizon, uint64_t *events)
{
    struct phold ph = { .eng = sim_engine_new(), .nr_lps = nr_lps, .rng = 88172645463325252u };
    ph.received = xcalloc(nr_lps, sizeof(*ph.received));
    for (uint32_t lp = 0; lp < nr_lps; lp++)
        for (uint32_t j = 0; j < per_lp; j++)
            sim_schedule(ph.eng, incr[ph.k++ & (TABLE_LEN - 1)], &phold_event, &ph,
                         (union sim_payload){ .u32 = { lp, 0 } });
    double t0 = now_s();
    sim_run_until(ph.eng, horizon);
    double dt = now_s() - t0;
    *events = sim_fired_count(ph.eng);
    sim_engine_free(ph.eng);
    free(ph.received);
    return (double)*events / dt;
}

static void fill_table(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    for (size_t i = 0; i < TABLE_LEN; i++)
        incr[i] = sim_time_from_seconds(gsl_ran_exponential(r, 1.0));
    gsl_rng_free(r);
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_engine [hold PENDING OPS | phold HORIZON_S]\n");
    return 64;
}

int main(int argc, char **argv)
{
    fill_table();
    if (argc == 4 && strcmp(argv[1], "hold") == 0) {
        size_t pending = strtoul(argv[2], NULL, 10), ops = strtoul(argv[3], NULL, 10);
        if (!pending || !ops)
            return usage();
        printf("%s hold pending=%zu ops=%zu %.2f M events/s\n", pes_name(), pending, ops,
               hold(pending, ops) / 1e6);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "phold") == 0) {
        long horizon = strtol(argv[2], NULL, 10);
        if (horizon <= 0)
            return usage();
        uint64_t events = 0;
        double rate = phold(10000, 8, SIM_SEC(horizon), &events);
        printf("%s phold events=%llu %.2f M events/s\n", pes_name(), (unsigned long long)events,
               rate / 1e6);
        return 0;
    }
    if (argc != 1)
        return usage();

    printf("# asgsim engine benchmarks, pending-event set %s (median of %d runs, per CPU second of one core)\n",
           pes_name(), RUNS);
    static const size_t sizes[] = { 100, 10000, 1000000 };
    /* At 10^6 pending, 3 * 10^6 operations already turn the whole queue over three times. */
    static const size_t ops[] = { 10000000, 10000000, 3000000 };
    for (size_t s = 0; s < 3; s++) {
        double v[RUNS];
        for (int i = 0; i < RUNS; i++)
            v[i] = hold(sizes[s], ops[s]);
        double m = median(v, RUNS) / 1e6;
        printf("hold          pending=%-8zu %8.2f M events/s", sizes[s], m);
        /* Issue 8 sets a target for 10^4 pending only. */
        if (sizes[s] == 10000)
            printf("   [>= 20 M: %s]", m >= 20.0 ? "target met" : "TARGET NOT MET");
        printf("\n");
    }
    double v[RUNS];
    uint64_t events = 0;
    for (int i = 0; i < RUNS; i++)
        v[i] = phold(10000, 8, SIM_SEC(100), &events);
    double m = median(v, RUNS) / 1e6;
    printf("phold         lps=10000 msgs/lp=8 %6.2f M events/s (%llu events a run)   [>= 10 M: %s]\n",
           m, (unsigned long long)events, m >= 10.0 ? "target met" : "TARGET NOT MET");
    return 0;
}
