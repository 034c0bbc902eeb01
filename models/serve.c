/* Serving the offered load at fluid or request fidelity (serve.h). */
#include "asgsim/serve.h"

#include "serve_tables.h"

#include "asgsim/util.h"
#include "asgsim/variate.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

struct slot {
    sim_event_id done; /* its departure event, 0 when the vCPU is idle */
    sim_time arrived_at;
};

struct serve_server {
    struct serve *s;
    uint32_t id;
    size_t slot; /* index in s->live while InService */
    unsigned vcpus;
    unsigned busy;
    bool in_service;
    size_t rate;           /* its entry in s->rates */
    double service_mean_s; /* request mode: 1 / its type's rate */
    size_t idle_pos;       /* queue mode: index in s->idle, SIZE_MAX when not there */
    sim_time *queue;       /* arrival times of waiting requests, a ring */
    size_t head, nr, alloc;
    /* One per vCPU: the request it serves. In the same block as the server (one pointer
       load fewer per start and departure). */
    struct slot slots[];
};

/* ---- histogram ----------------------------------------------------------------------- */

/* Lower edges of bins 1 .. BINS-1, from serve_tables.c: pow() per bin per step dominated
   long fluid runs, and a table filled at first use was shared mutable state. */
static inline double hist_edge(size_t i) /* lower edge of bin i (1 .. BINS-1) */
{
    return serve__hist_edges[i];
}

/* The bin of latency s by its definition: bin k (1 .. BINS-2) holds
   k - 1 <= 100 log10(s / MIN) < k. */
static size_t hist_bin_log10(double s)
{
    if (!(s >= SERVE_HIST_MIN_S))
        return 0;
    double x = log10(s / SERVE_HIST_MIN_S) * SERVE_HIST_PER_DECADE;
    if (x >= (double)(SERVE_HIST_BINS - 2))
        return SERVE_HIST_BINS - 1;
    return (size_t)x + 1;
}

/* hist_bin_log10 without log10 (request mode calls it once per request). The binary
   exponent and the top 6 bits of the mantissa of s name one of 64 slices of its octave;
   a slice spans at most log10(65/64) x 100 = 0.67 bins, so it holds at most one edge and
   s is in the slice's first bin (from a table) or the next: one compare settles it. The
   table edges agree with the log10 definition to about 1e-14 relative, so where s lies
   within 1e-12 of an edge the definition decides: the result is always the
   definition's. The tables are serve_tables.c's. */
static size_t hist_bin(double s)
{
    if (!(s > SERVE_HIST_MIN_S * 1.001 && s < SERVE_HIST_MAX_S * 0.999))
        return hist_bin_log10(s); /* underflow, overflow, NaN, and the ends of the range */
    uint64_t bits;
    memcpy(&bits, &s, sizeof(bits));
    /* s > 0 here, so no sign bit; SLICE_BASE <= bits >> SLICE_SHIFT < SLICE_BASE +
       NR_SLICES (serve_tables.h, SERVE_ prefixed) because 2^-20 < s < 2^17. */
    size_t k = serve__slice_bin[(bits >> SERVE_SLICE_SHIFT) - SERVE_SLICE_BASE];
    k += (size_t)(s >= serve__hist_edges[k + 1]);
    double lo = serve__hist_edges[k], hi = serve__hist_edges[k + 1];
    if (s - lo < 1e-12 * lo || hi - s < 1e-12 * hi)
        return hist_bin_log10(s);
    return k;
}

/* The bin of an integer latency of t microseconds, without converting it: the same bin as
   hist_bin(sim_time_to_seconds(t)) for every t. serve__us_edge[k] is the least t that the
   double definition puts in bin k or above (serve_tables.py finds it by bisection over the
   definition itself, so it is exact however the edges round); below US_DIRECT a table gives
   the bin of every t; above it the position of t's top bit and the 6 bits after it name one
   of 64 slices of an octave, a slice spans a ratio of at most 65/64 (0.67 bins), so it holds
   at most one edge (checked when the tables are generated) and one compare settles the
   bin. */
static inline size_t hist_bin_us(sim_time t)
{
    if (t < (sim_time)SERVE_US_DIRECT) {
        if (t < 0)
            return 0;
        return serve__us_direct[t];
    }
    if (t >= (sim_time)1 << SERVE_US_TOP_BITS)
        return SERVE_HIST_BINS - 1;
    unsigned top = 63u - (unsigned)__builtin_clzll((unsigned long long)t);
    unsigned i = ((top - SERVE_US_DIRECT_BITS) << SERVE_US_SLICE_BITS) |
                 ((unsigned)((uint64_t)t >> (top - SERVE_US_SLICE_BITS)) &
                  ((1u << SERVE_US_SLICE_BITS) - 1));
    size_t k = serve__us_slice[i];
    return k + (size_t)(t >= serve__us_edge[k + 1]);
}

/* serve_hist_add_us but for h->total, which depart counts in s->n_served: depart's path. */
static inline void hist_add_us_untotalled(struct serve_hist *h, sim_time t)
{
    h->count[hist_bin_us(t)] += 1.0;
    h->sum_s += sim_time_to_seconds(t);
}

void serve_hist_add_us(struct serve_hist *h, sim_time t)
{
    hist_add_us_untotalled(h, t);
    h->total += 1.0;
}

void serve_hist_add(struct serve_hist *h, double s, double weight)
{
    h->count[hist_bin(s)] += weight;
    h->total += weight;
    h->sum_s += s * weight;
}

/* The scan of serve_hist_quantile for `target`, from the block that starts at bin *from
   with `*cum_from` counted before it (0 and 0 for a whole scan). On return *from and
   *cum_from name the block the scan stopped in: a scan for a larger target from there
   forms the same sums as one from bin 0, because each block's cumulative count is the
   previous one plus the block's tree sum, whichever loop forms it. */
static double quantile_scan(const struct serve_hist *h, double target, size_t *from,
                            double *cum_from)
{
    double cum = *cum_from;
    /* Skip whole blocks of bins that stay below the target. A block's sum is a tree of
       independent adds, so one add per block, not per bin, is on the dependency chain of
       `cum`; the scan is about four times faster. cum then differs from the bin-by-bin sum
       by rounding only (a few ulps). */
    size_t i = *from;
    /* Four blocks a step with one branch: the four partial sums are the ones the block
       loop below forms, and all four are tested, so where the scan stops and the `cum` it
       stops with are the same (even if rounding made a bin slightly negative). */
    for (; i + 32 <= SERVE_HIST_BINS; i += 32) {
        const double *c = &h->count[i];
        double b0 = ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]));
        double b1 = ((c[8] + c[9]) + (c[10] + c[11])) + ((c[12] + c[13]) + (c[14] + c[15]));
        double b2 = ((c[16] + c[17]) + (c[18] + c[19])) + ((c[20] + c[21]) + (c[22] + c[23]));
        double b3 = ((c[24] + c[25]) + (c[26] + c[27])) + ((c[28] + c[29]) + (c[30] + c[31]));
        double c1 = cum + b0, c2 = c1 + b1, c3 = c2 + b2, c4 = c3 + b3;
        if ((c1 >= target) | (c2 >= target) | (c3 >= target) | (c4 >= target))
            break;
        cum = c4;
    }
    for (; i + 8 <= SERVE_HIST_BINS; i += 8) {
        const double *c = &h->count[i];
        double block = ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]));
        if (cum + block >= target)
            break;
        cum += block;
    }
    *from = i;
    *cum_from = cum;
    for (; i < SERVE_HIST_BINS; i++) {
        if (h->count[i] <= 0 || cum + h->count[i] < target) {
            cum += h->count[i];
            continue;
        }
        if (i == 0)
            return SERVE_HIST_MIN_S;
        if (i == SERVE_HIST_BINS - 1)
            return SERVE_HIST_MAX_S;
        /* Geometric interpolation: the bins are log-spaced. */
        double f = (target - cum) / h->count[i];
        return hist_edge(i) * pow(10.0, f / SERVE_HIST_PER_DECADE);
    }
    return SERVE_HIST_MAX_S;
}

double serve_hist_quantile(const struct serve_hist *h, double q)
{
    if (h->total <= 0)
        return (double)NAN;
    size_t from = 0;
    double cum = 0;
    return quantile_scan(h, q * h->total, &from, &cum);
}

void serve_hist_quantiles(const struct serve_hist *h, size_t n, const double *q, double *out)
{
    ASG_ASSERT(n <= SERVE_QUANTILES_MAX);
    size_t order[SERVE_QUANTILES_MAX];
    for (size_t k = 0; k < n; k++) { /* insertion sort by q: n is a handful */
        size_t j = k;
        for (; j > 0 && q[order[j - 1]] > q[k]; j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    size_t from = 0;
    double cum = 0;
    for (size_t k = 0; k < n; k++)
        out[order[k]] =
                h->total <= 0 ? (double)NAN : quantile_scan(h, q[order[k]] * h->total, &from, &cum);
}

/* ---- queueing theory: serve_erlang.c ------------------------------------------------- */

/* The latency law of one fluid step is struct serve_law (serve.h); theta = 0 is the
   overloaded case. */

/* The tail P(T > shift + x) given es = exp(-mu x) and et = exp(-theta x) (et unused unless
   the law has a waiting part with theta != mu). */
static double law_mix(const struct serve_law *l, double x, double es, double et)
{
    if (l->pw <= 0 || l->theta <= 0)
        return es;
    double hypo;
    if (fabs(l->theta - l->mu) < 1e-9 * l->mu)
        hypo = (1.0 + l->mu * x) * es;
    else
        hypo = (l->theta * es - l->mu * et) / (l->theta - l->mu);
    return (1.0 - l->pw) * es + l->pw * hypo;
}

static bool law_needs_theta(const struct serve_law *l)
{
    return l->pw > 0 && l->theta > 0 && !(fabs(l->theta - l->mu) < 1e-9 * l->mu);
}

/* Queue mode: P(U + S > shift + x), U uniform on [0, w], S ~ Exp(mu): the mean over U of
   the exponential tail, in closed form (expm1 keeps small w and x exact). */
static double spread_tail(double mu, double w, double x)
{
    if (x < w)
        return ((w - x) - expm1(-mu * x) / mu) / w;
    return exp(-mu * (x - w)) * -expm1(-mu * w) / (mu * w);
}

static double law_tail(const struct serve_law *l, double t)
{
    double x = t - l->shift_s;
    if (x <= 0)
        return 1.0;
    if (l->spread_s > 0)
        return spread_tail(l->mu, l->spread_s, x);
    return law_mix(l, x, exp(-l->mu * x), law_needs_theta(l) ? exp(-l->theta * x) : 0.0);
}

/* exp(-mu * edge) at every bin edge, for the one service rate a run has: the service part
   of every unshifted law reads it instead of calling exp() per bin per step (the values are
   the same exp() results, so the histogram does not change). Kept in struct serve, not in
   a static, so that runs in several threads do not share it; recomputed if mu changes. */
static const double *mu_table(struct serve *s, double mu)
{
    if (mu != s->mu_tab_mu) {
        for (size_t k = 1; k < SERVE_HIST_BINS; k++)
            s->mu_tab[k] = exp(-mu * hist_edge(k));
        s->mu_tab_mu = mu;
    }
    return s->mu_tab;
}

/* The slow path: a law shifted by a drain wait, evaluated with exp() at each edge. */
static size_t hist_add_shifted(double *count, const struct serve_law *l, double weight)
{
    size_t i = hist_bin(l->shift_s);
    double prev = 1.0; /* tail at the lower edge of bin i: nothing is faster than the shift */
    if (i == 0) {
        prev = law_tail(l, SERVE_HIST_MIN_S);
        count[0] += weight * (1.0 - prev);
        i = 1;
    }
    for (; i < SERVE_HIST_BINS - 1; i++) {
        double next = law_tail(l, hist_edge(i + 1));
        count[i] += weight * (prev - next);
        prev = next;
        if (prev < 1e-12) {
            i++;
            break;
        }
    }
    count[i] += weight * prev;
    return i + 1;
}

/* The bin loops of the fluid model are plain adds, subtractions and multiplications over
   arrays, which gcc vectorizes. target_clones builds an AVX2 copy (four doubles a vector)
   beside the baseline SSE2 one and picks one by the CPU at load time. Both give the same
   bits: the same IEEE operations lane by lane, and no FMA (-ffp-contract=off, and the avx2
   target does not enable fma), so a scenario's outputs still do not depend on the machine. */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef VECTOR_CLONES
#define VECTOR_CLONES
#endif

/* x^10 in four multiplications. */
static inline double pow10th(double x)
{
    double x2 = x * x, x8 = x2 * x2;
    x8 *= x8;
    return x8 * x2;
}

/* An unshifted law (the steady M/M/c one), the bin masses of hist_add_shifted without an
   exp() per bin: exp(-mu x) comes from the table, and the tail is written as
   a exp(-mu x) + b exp(-theta x). Edges step by exactly a factor 10 every
   SERVE_HIST_PER_DECADE bins, so exp(-theta x) at an edge is the tenth power of its value
   one decade below: exp() is called for the first decade only. Each decade multiplies the
   relative error by about 10; over the at most 11 decades that stays below 1e-5 x 1 ulp
   relative where the value is not already negligible, and far below what the bins
   resolve. It is used when theta >= 2 mu, so |b| <= pw; nearer mu the two terms cancel
   and every value is computed with exp(). */
VECTOR_CLONES static size_t hist_add_steady(double *count, const struct serve_law *l, double weight,
                                            const double *es)
{
    double a = 1.0, b = 0.0;
    bool theta = law_needs_theta(l), powers = theta && l->theta >= 2.0 * l->mu;
    if (theta) {
        a = (1.0 - l->pw) + l->pw * l->theta / (l->theta - l->mu);
        b = -l->pw * l->mu / (l->theta - l->mu);
    }
    size_t i = 1;
    /* exp(-theta x) of one decade of edges, edge j at (j - 1) mod PER_DECADE: each decade
       is computed in place from the one below. And the tails of one block of edges, after
       the tail of the edge before it. Two small buffers rather than two arrays over every
       bin: the whole histogram pass stays in the L1 cache, which the rest of a run's
       sample (trace, HDF5) has emptied. */
    double eb[SERVE_HIST_PER_DECADE];
    double tb[SERVE_HIST_PER_DECADE + 1];
    double prev;
    if (powers) {
        eb[0] = exp(-l->theta * hist_edge(1));
        prev = a * es[1] + b * eb[0];
    } else {
        prev = law_mix(l, hist_edge(1), es[1], theta ? exp(-l->theta * hist_edge(1)) : 0.0);
    }
    count[0] += weight * (1.0 - prev);
    if (powers) {
        /* A decade of edges at a time (edge k closes bin k - 1): exp(-theta x) by exp() in
           the first decade and by tenth powers after it, the tails, the first edge whose
           tail is below 1e-12, then the masses. Each step is a simple loop over the block
           the compiler vectorizes; the arithmetic per bin is the same as one bin at a
           time, so the result is too. */
        size_t k = 2;
        bool end = false;
        while (k < SERVE_HIST_BINS && !end) {
            size_t k1, o = (k - 1) % SERVE_HIST_PER_DECADE; /* edge k is at eb[o] */
            if (k <= SERVE_HIST_PER_DECADE) {
                k1 = SERVE_HIST_PER_DECADE + 1;
                if (l->theta * hist_edge(SERVE_HIST_PER_DECADE) <= 0.1) {
                    /* theta x <= 0.1 over the whole first decade (groups up to about
                       10 000 requests/s of spare capacity): Taylor to degree 10 is
                       exact to 3e-19, below an ulp, and the loop vectorizes where 100
                       exp() calls were a tenth of a fluid run. */
                    const double *e = &serve__hist_edges[k];
                    for (size_t t = 0; t < k1 - k; t++) {
                        double y = -l->theta * e[t], p = 1.0 / 3628800.0;
                        p = p * y + 1.0 / 362880.0;
                        p = p * y + 1.0 / 40320.0;
                        p = p * y + 1.0 / 5040.0;
                        p = p * y + 1.0 / 720.0;
                        p = p * y + 1.0 / 120.0;
                        p = p * y + 1.0 / 24.0;
                        p = p * y + 1.0 / 6.0;
                        p = p * y + 0.5;
                        p = p * y + 1.0;
                        eb[o + t] = p * y + 1.0;
                    }
                } else {
                    for (size_t j = k; j < k1; j++)
                        eb[o + j - k] = exp(-l->theta * hist_edge(j));
                }
            } else {
                k1 = k + SERVE_HIST_PER_DECADE < SERVE_HIST_BINS ? k + SERVE_HIST_PER_DECADE
                                                                 : SERVE_HIST_BINS;
                /* 0 where the value a decade below is under 1e-30 (so the power would be
                   under 1e-300): exp() gives subnormals and then 0 there, and subnormal
                   arithmetic is slow. The values fall with k, so that is a suffix. */
                size_t n = k1 - k, z = n;
                if (!(eb[o + n - 1] >= 1e-30))
                    for (z = 0; z < n && eb[o + z] >= 1e-30;)
                        z++;
                for (size_t t = 0; t < z; t++)
                    eb[o + t] = pow10th(eb[o + t]);
                for (size_t t = z; t < n; t++)
                    eb[o + t] = 0.0;
            }
            size_t n = k1 - k;
            const double *esk = &es[k], *ebk = &eb[o];
            tb[0] = prev;
            for (size_t t = 0; t < n; t++)
                tb[t + 1] = a * esk[t] + b * ebk[t];
            /* The tail falls with k: a block whose last tail is not below 1e-12 has no
               cut-off, and only the block with the cut-off is scanned. */
            for (size_t t = tb[n] < 1e-12 ? 1 : n + 1; t <= n; t++) {
                if (tb[t] < 1e-12) {
                    end = true;
                    n = t;
                    break;
                }
            }
            double *ck = &count[k - 1];
            for (size_t t = 0; t < n; t++)
                ck[t] += weight * (tb[t] - tb[t + 1]);
            prev = tb[n];
            k += n;
        }
        i = k - 1; /* the bin that takes the rest of the tail */
    } else {
        for (; i < SERVE_HIST_BINS - 1; i++) {
            double x = hist_edge(i + 1);
            double next = law_mix(l, x, es[i + 1], theta ? exp(-l->theta * x) : 0.0);
            count[i] += weight * (prev - next);
            prev = next;
            if (prev < 1e-12) {
                i++;
                break;
            }
        }
    }
    count[i] += weight * prev;
    return i + 1;
}

/* Bin `weight` requests of law `l` into `count`; returns the end of the bins it reached. */
static size_t bin_law(struct serve *s, double *count, const struct serve_law *l, double weight)
{
    return l->shift_s == 0 && l->spread_s == 0
                   ? hist_add_steady(count, l, weight, mu_table(s, l->mu))
                   : hist_add_shifted(count, l, weight);
}

/* dst[i] += src[i] for i < n: merging a histogram's bins into the run's total. */
VECTOR_CLONES static void bins_add(double *restrict dst, const double *restrict src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] += src[i];
}

/* Bin the interval's pending laws into its histogram, in the order they came. */
static void flush_pending(struct serve *s)
{
    for (size_t i = 0; i < s->nr_pending; i++) {
        size_t end = bin_law(s, s->interval.hist.count, &s->pending[i].law, s->pending[i].weight);
        if (end > s->hist_end)
            s->hist_end = end;
    }
    s->nr_pending = 0;
}

/* `n` requests served with latency law `l`, mean waiting time `wait_s`, a fraction `pw`
   of them having waited. The bins wait for serve_take_interval (see struct serve). */
static void account_law(struct serve *s, const struct serve_law *l, double n, double wait_s,
                        double pw, double objective_s)
{
    struct serve_stats *st = &s->interval;
    st->started += n;
    st->waited += n * pw;
    st->sum_wait_s += n * wait_s;
    st->hist.total += n;
    st->hist.sum_s += n * (wait_s + 1.0 / l->mu);
    if (s->nr_pending == SERVE_PENDING_LAWS)
        flush_pending(s);
    s->pending[s->nr_pending++] = (struct serve_pending_law){ *l, n };
    if (objective_s > 0)
        st->over_objective += n * law_tail(l, objective_s);
}

/* ---- fluid ------------------------------------------------------------------------------- */

/* A Poisson count of mean `mu`. From mean 10 on by Hoermann's transformed rejection with
   squeeze (PTRS, 1993): two uniforms per try, about 1.15 tries a draw, and most tries are
   accepted by the squeeze without a logarithm. GSL's method for large means draws a chain
   of gamma variates (tan, log and exp each) and was 12 % of a fluid year at 400 000
   arrivals a step. Both are exact samplers of the same law; they consume the stream
   differently, so the counts differ draw by draw. Below mean 10 GSL's (cheap) method. */
double serve_poisson(gsl_rng *r, double mu)
{
    if (mu < 10)
        return (double)gsl_ran_poisson(r, mu);
    double smu = sqrt(mu);
    double b = 0.931 + 2.53 * smu, a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), v_r = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = gsl_rng_uniform(r) - 0.5, v = gsl_rng_uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + mu + 0.43);
        if (us >= 0.07 && v <= v_r)
            return k;
        if (k < 0 || (us < 0.013 && v > us))
            continue;
        /* log of the hat's density ratio against log of the Poisson probability of k */
        if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <= -mu + k * log(mu) - lgamma(k + 1))
            return k;
    }
}

static void fluid_step(struct serve *s, sim_time from, sim_time len)
{
    struct serve_stats *st = &s->interval;
    double dt = sim_time_to_seconds(len);
    double mean = workload_rate_rps(s->wl, s->start_epoch_s, from + len / 2) * dt;
    double arrived = mean > 0 ? serve_poisson(s->arrivals, mean) : 0.0;
    double mu = s->fleet_mu, cap_rps = s->fleet_rps;
    double b0 = s->fluid_backlog;
    double work = b0 + arrived;
    double served = fmin(work, cap_rps * dt);
    double b1 = work - served;
    double limit = (double)s->cfg->queue_limit * (double)s->nr_live;
    double dropped = b1 > limit ? b1 - limit : 0.0;
    b1 -= dropped;
    st->arrived += arrived;
    st->served += served;
    st->dropped += dropped;
    st->busy_vcpu_s += mu > 0 ? served / mu : 0.0;
    s->fluid_backlog = b1;
    if (served <= 0)
        return;
    double lambda = arrived / dt;
    double objective_s = sim_time_to_seconds(s->cfg->latency_objective);
    /* Requests served while a backlog drains wait behind it: linearly less as it shrinks,
       so on average half the drain time (b0 / cap at the start). After it has drained the
       queue is the steady M/M/c one. When it does not drain within the step (overload),
       everyone waits behind the average backlog. */
    double drain_s = lambda < cap_rps ? b0 / (cap_rps - lambda) : (double)INFINITY;
    double n_drain = fmin(served, cap_rps * fmin(drain_s, dt));
    if (n_drain > 0) {
        double wait = drain_s < dt ? 0.5 * b0 / cap_rps : 0.5 * (b0 + b1) / cap_rps;
        struct serve_law law = { wait, 0, 0, mu, 0 };
        account_law(s, &law, n_drain, wait, 1.0, objective_s);
    }
    double n_steady = served - n_drain;
    if (n_steady > 0) {
        struct serve_law law = { 0, serve_erlang_c((unsigned)s->total_vcpus, lambda / mu),
                                 cap_rps - lambda, mu, 0 };
        account_law(s, &law, n_steady, law.pw / law.theta, law.pw, objective_s);
    }
}

/* ---- queue mode ------------------------------------------------------------------------- */

static struct serve_batch *batch_at(struct serve *s, size_t i)
{
    size_t k = s->batch_head + i;
    return &s->batches[k < s->alloc_batches ? k : k - s->alloc_batches];
}

static void batch_push(struct serve *s, double n, double from_s, double to_s)
{
    if (s->nr_batches == s->alloc_batches) {
        size_t alloc = s->alloc_batches ? 2 * s->alloc_batches : 64;
        struct serve_batch *b = xcalloc(alloc, sizeof(*b));
        for (size_t i = 0; i < s->nr_batches; i++)
            b[i] = *batch_at(s, i);
        free(s->batches);
        s->batches = b;
        s->alloc_batches = alloc;
        s->batch_head = 0;
    }
    s->nr_batches++;
    *batch_at(s, s->nr_batches - 1) = (struct serve_batch){ n, from_s, to_s };
    s->fluid_backlog += n;
}

static void batch_pop(struct serve *s)
{
    if (++s->batch_head == s->alloc_batches)
        s->batch_head = 0;
    if (--s->nr_batches == 0)
        s->fluid_backlog = 0; /* no rounding left over from the subtractions */
}

/* Delete the messages sent before `horizon_s` (older than the retention period). */
static void queue_expire(struct serve *s, double horizon_s)
{
    while (s->nr_batches) {
        struct serve_batch *b = batch_at(s, 0);
        if (b->to_s <= horizon_s) {
            s->interval.dropped += b->n;
            s->fluid_backlog -= b->n;
            batch_pop(s);
            continue;
        }
        if (b->from_s < horizon_s) {
            double gone = b->n * (horizon_s - b->from_s) / (b->to_s - b->from_s);
            s->interval.dropped += gone;
            s->fluid_backlog -= gone;
            b->n -= gone;
            b->from_s = horizon_s;
        }
        return;
    }
}

/* Take up to `n` messages from the head, departing from `t_s` at `cap_rps`: each batch's
   share leaves over [d, d + k / cap) and was sent over [a_lo, a_hi), so its waits run
   evenly from d - a_lo to the end's; a message that would leave after the retention period
   expires first. \return the messages taken. */
static double queue_take(struct serve *s, double t_s, double cap_rps, double n, double retention_s,
                         double objective_s)
{
    double mu = s->fleet_mu, d = t_s, taken = 0;
    while (n - taken > 0) {
        if (retention_s > 0)
            queue_expire(s, d - retention_s);
        if (!s->nr_batches)
            break;
        struct serve_batch *b = batch_at(s, 0);
        double k = fmin(b->n, n - taken);
        double a_lo = b->from_s, a_hi = k < b->n ? a_lo + (b->to_s - a_lo) * k / b->n : b->to_s;
        double d_hi = d + k / cap_rps;
        double w0 = d - a_lo, w1 = d_hi - a_hi;
        double lo = fmax(0.0, fmin(w0, w1)), hi = fmax(0.0, fmax(w0, w1));
        struct serve_law law = { lo, 0, 0, mu, hi - lo };
        account_law(s, &law, k, 0.5 * (lo + hi), hi > 0 ? 1.0 : 0.0, objective_s);
        if (k < b->n) {
            b->n -= k;
            b->from_s = a_hi;
            s->fluid_backlog -= k;
        } else {
            s->fluid_backlog -= b->n;
            batch_pop(s);
        }
        taken += k;
        d = d_hi;
    }
    return taken;
}

/* One fluid step of the queue (serve.h, queue mode). The arrivals are drawn as in
   fluid_step, from the same stream in the same order. */
static void queue_step(struct serve *s, sim_time from, sim_time len)
{
    struct serve_stats *st = &s->interval;
    double dt = sim_time_to_seconds(len), t0 = sim_time_to_seconds(from), t1 = t0 + dt;
    double mean = workload_rate_rps(s->wl, s->start_epoch_s, from + len / 2) * dt;
    double arrived = mean > 0 ? serve_poisson(s->arrivals, mean) : 0.0;
    double mu = s->fleet_mu, cap_rps = s->fleet_rps;
    double retention_s = sim_time_to_seconds(s->cfg->retention);
    double objective_s = sim_time_to_seconds(s->cfg->latency_objective);
    if (retention_s > 0)
        queue_expire(s, t0 - retention_s);
    double b0 = s->fluid_backlog;
    st->arrived += arrived;
    if (arrived > 0)
        batch_push(s, arrived, t0, t1);
    double served = 0;
    if (cap_rps > 0 && s->nr_batches) {
        /* While the backlog drains the fleet works at its full rate, FIFO; once it has
           drained, the arrivals are served as they come (the steady M/M/c law). */
        double lambda = arrived / dt;
        double drain_s = lambda < cap_rps ? b0 / (cap_rps - lambda) : (double)INFINITY;
        served = queue_take(s, t0, cap_rps, cap_rps * fmin(drain_s, dt), retention_s, objective_s);
        if (drain_s < dt && s->nr_batches) {
            double rest = s->fluid_backlog;
            while (s->nr_batches)
                batch_pop(s);
            struct serve_law law = { 0, serve_erlang_c((unsigned)s->total_vcpus, lambda / mu),
                                     cap_rps - lambda, mu, 0 };
            account_law(s, &law, rest, law.pw / law.theta, law.pw, objective_s);
            served += rest;
        }
    }
    st->served += served;
    st->busy_vcpu_s += served / mu;
    s->queue_processed += served;
    if (retention_s > 0)
        queue_expire(s, t1 - retention_s);
}

static void fluid_advance(struct serve *s, sim_time now)
{
    if (s->cfg->fidelity != SERVE_FLUID || !s->eng)
        return;
    /* A signal stops the run after this event: do not finish a long stretch of steps. */
    while (s->fluid_last < now && !sim_interrupted(s->eng)) {
        sim_time len = now - s->fluid_last < s->tick ? now - s->fluid_last : s->tick;
        if (s->cfg->queue)
            queue_step(s, s->fluid_last, len);
        else
            fluid_step(s, s->fluid_last, len);
        s->fluid_last += len;
    }
}

/* ---- request mode ------------------------------------------------------------------------ */

static void depart(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type depart_event = { "serve.depart", depart };
static void arrive(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type arrive_event = { "serve.arrive", arrive };

/* Waiting and busy time are summed in whole microseconds per interval and converted
   once, in serve_take_interval: two divisions fewer per request, and exact sums. */
static void start_service(struct serve_server *sv, sim_time arrived_at, sim_time now)
{
    struct serve *s = sv->s;
    s->n_started++;
    s->wait_us += now - arrived_at;
    if (now > arrived_at)
        s->n_waited++;
    sim_time service =
            sim_time_from_seconds(variate_stream_exponential(s->service_vs, sv->service_mean_s));
    s->busy_us += service;
    size_t k = 0;
    while (sv->slots[k].done)
        k++;
    ASG_ASSERT(k < sv->vcpus);
    sv->busy++;
    sv->slots[k].arrived_at = arrived_at;
    sv->slots[k].done =
            sim_schedule(s->eng, service, &depart_event, sv, (union sim_payload){ .u = k });
}

static void server_free(struct serve_server *sv)
{
    for (unsigned k = 0; k < sv->vcpus; k++)
        if (sv->slots[k].done)
            sim_cancel(sv->s->eng, sv->slots[k].done);
    free(sv->queue);
    free(sv);
}

/* ---- queue mode at request fidelity: one FIFO of send times, the free vCPUs pull ------ */

static void msg_push(struct serve *s, sim_time at)
{
    if (s->nr_msgs == s->alloc_msgs) {
        size_t n = s->alloc_msgs ? 2 * s->alloc_msgs : 64;
        sim_time *q = xcalloc(n, sizeof(*q));
        for (size_t i = 0; i < s->nr_msgs; i++) {
            size_t k = s->msg_head + i;
            q[i] = s->msgs[k < s->alloc_msgs ? k : k - s->alloc_msgs];
        }
        free(s->msgs);
        s->msgs = q;
        s->alloc_msgs = n;
        s->msg_head = 0;
    }
    size_t tail = s->msg_head + s->nr_msgs;
    s->msgs[tail < s->alloc_msgs ? tail : tail - s->alloc_msgs] = at;
    s->nr_msgs++;
}

static sim_time msg_pop(struct serve *s)
{
    sim_time at = s->msgs[s->msg_head];
    if (++s->msg_head == s->alloc_msgs)
        s->msg_head = 0;
    s->nr_msgs--;
    return at;
}

/* Delete the messages older than the retention period at `now` (dropped). */
static void msg_expire(struct serve *s, sim_time now)
{
    if (s->cfg->retention <= 0)
        return;
    while (s->nr_msgs && s->msgs[s->msg_head] < now - s->cfg->retention) {
        msg_pop(s);
        s->n_dropped++;
    }
}

/* A free vCPU of `sv` takes the oldest message still kept; false when none waits. */
static bool msg_take(struct serve *s, struct serve_server *sv, sim_time now)
{
    msg_expire(s, now);
    if (!s->nr_msgs)
        return false;
    start_service(sv, msg_pop(s), now);
    return true;
}

static void idle_add(struct serve *s, struct serve_server *sv)
{
    if (sv->idle_pos != SIZE_MAX)
        return;
    ALLOC_GROW(s->idle, s->nr_idle + 1, s->alloc_idle);
    sv->idle_pos = s->nr_idle;
    s->idle[s->nr_idle++] = sv;
}

static void idle_del(struct serve *s, struct serve_server *sv)
{
    if (sv->idle_pos == SIZE_MAX)
        return;
    struct serve_server *last = s->idle[--s->nr_idle];
    s->idle[sv->idle_pos] = last;
    last->idle_pos = sv->idle_pos;
    sv->idle_pos = SIZE_MAX;
}

/* A message sent at `now`: to the server whose vCPU became free last, else it waits. */
static void msg_send(struct serve *s, sim_time now)
{
    msg_expire(s, now);
    if (!s->nr_idle) {
        msg_push(s, now);
        return;
    }
    struct serve_server *sv = s->idle[s->nr_idle - 1];
    start_service(sv, now, now);
    if (sv->busy == sv->vcpus)
        idle_del(s, sv);
}

static void depart(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct serve_server *sv = target;
    struct serve *s = sv->s;
    struct slot *slot = &sv->slots[p->u];
    sim_time now = sim_now(eng), took = now - slot->arrived_at;
    slot->done = 0;
    s->n_served++;
    hist_add_us_untotalled(&s->interval.hist, took);
    if (s->cfg->latency_objective > 0 && took > s->cfg->latency_objective)
        s->n_over++;
    sv->busy--;
    if (sv->nr > 0) {
        sim_time at = sv->queue[sv->head];
        if (++sv->head == sv->alloc) /* not %: a division per request showed in profiles */
            sv->head = 0;
        sv->nr--;
        start_service(sv, at, now);
    }
    if (s->cfg->queue) {
        s->queue_processed++;
        if (sv->in_service && !msg_take(s, sv, now))
            idle_add(s, sv);
    }
    if (!sv->in_service && sv->busy == 0) {
        for (size_t i = 0; i < s->nr_drain; i++) {
            if (s->drain[i] == sv) {
                s->drain[i] = s->drain[--s->nr_drain];
                break;
            }
        }
        server_free(sv);
    }
}

static void enqueue(struct serve_server *sv, sim_time at)
{
    if (sv->nr == sv->alloc) {
        size_t n = sv->alloc ? 2 * sv->alloc : 16;
        sim_time *q = xcalloc(n, sizeof(*q));
        for (size_t i = 0; i < sv->nr; i++)
            q[i] = sv->queue[(sv->head + i) % sv->alloc];
        free(sv->queue);
        sv->queue = q;
        sv->alloc = n;
        sv->head = 0;
    }
    size_t tail = sv->head + sv->nr; /* < 2 alloc */
    sv->queue[tail < sv->alloc ? tail : tail - sv->alloc] = at;
    sv->nr++;
}

/* The first server at or after slot i, wrapping; there is one (nr_live > 0). */
static size_t next_alive(const struct serve *s, size_t i)
{
    for (;; i++) {
        if (i >= s->nr_slots)
            i = 0;
        if (s->live[i])
            return i;
    }
}

/* The round-robin position is a slot: the one after the last chosen. Slots never move
   while a server is InService (holes are skipped), so a removal leaves it as it is;
   the order is the order servers entered service, as before holes. */
static struct serve_server *pick(struct serve *s)
{
    size_t start = next_alive(s, s->rr < s->nr_slots ? s->rr : 0), chosen = start;
    if (s->cfg->lb == SERVE_LB_LEAST_OUTSTANDING) {
        size_t best = SIZE_MAX;
        for (size_t k = 0, i = start; k < s->nr_live; k++, i = next_alive(s, i + 1)) {
            size_t outstanding = s->live[i]->busy + s->live[i]->nr;
            if (outstanding < best) {
                best = outstanding;
                chosen = i;
            }
        }
    }
    s->rr = chosen + 1;
    return s->live[chosen];
}

static void dispatch(struct serve *s, sim_time now)
{
    s->n_arrived++;
    if (s->cfg->queue) {
        msg_send(s, now);
        return;
    }
    if (s->nr_live == 0) {
        s->n_dropped++;
        return;
    }
    struct serve_server *sv = pick(s);
    if (sv->busy < sv->vcpus)
        start_service(sv, now, now);
    else if ((int64_t)sv->nr < s->cfg->queue_limit)
        enqueue(sv, now);
    else
        s->n_dropped++;
}

/* Schedule the next arrival of the non-homogeneous Poisson process after `now`: the rate
   holds for one chunk, so exponential gaps are exact within it and, being memoryless,
   restart at each chunk boundary. */
static void schedule_next(struct serve *s, sim_time now)
{
    sim_time t = now;
    for (int guard = 0; guard < 4096; guard++) {
        if (t >= s->chunk_end) {
            t = s->chunk_end;
            s->chunk_rate = workload_rate_rps(s->wl, s->start_epoch_s, t + s->chunk / 2);
            s->chunk_mean_s = s->chunk_rate > 0 ? 1.0 / s->chunk_rate : 0.0;
            s->chunk_end = t + s->chunk;
        }
        if (s->chunk_rate > 0) {
            /* The gap is rounded to the clock's microsecond first: an arrival belongs to
               this chunk when its rounded time falls inside it. */
            sim_time at = t + sim_time_from_seconds(
                                      variate_stream_exponential(s->arrivals_vs, s->chunk_mean_s));
            if (at < s->chunk_end) {
                s->next = sim_schedule_at(s->eng, at, &arrive_event, s,
                                          (union sim_payload){ .u = 1 });
                return;
            }
        }
        t = s->chunk_end;
    }
    /* A long stretch without arrivals: look again later without an arrival. */
    s->next = sim_schedule_at(s->eng, t, &arrive_event, s, (union sim_payload){ .u = 0 });
}

static void arrive(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct serve *s = target;
    sim_time now = sim_now(eng); /* once: an out-of-line call */
    if (p->u)
        dispatch(s, now);
    schedule_next(s, now);
}

/* ---- interface ---------------------------------------------------------------------------- */

void serve_init(struct serve *s, const struct serve_config *cfg, const struct workload_config *wl,
                int64_t start_epoch_s, sim_time default_tick, struct sim_engine *eng,
                struct rng_set *rngs)
{
    memset(s, 0, sizeof(*s));
    ASG_ASSERT(cfg->capacity_rps_per_vcpu > 0);
    s->cfg = cfg;
    s->wl = wl;
    s->start_epoch_s = start_epoch_s;
    s->tick = cfg->tick > 0 ? cfg->tick : default_tick;
    ASG_ASSERT(s->tick > 0);
    s->chunk = s->tick < SIM_SEC(1) ? s->tick : SIM_SEC(1);
    s->eng = eng;
    s->hist_end = cfg->fidelity == SERVE_FLUID ? 0 : SERVE_HIST_BINS;
    s->arrivals = rng_set_stream(rngs, "arrivals");
    s->rate_factor = 1.0;
    s->fleet_mu = cfg->capacity_rps_per_vcpu;
    if (cfg->fidelity == SERVE_REQUEST) {
        s->service = rng_set_stream(rngs, "service");
        /* variate_exponential() takes 32 bits per generator call (rng.h: mt19937). */
        ASG_ASSERT(variate_rng_is_32bit(s->arrivals) && variate_rng_is_32bit(s->service));
        s->arrivals_vs = xmalloc(sizeof(*s->arrivals_vs));
        s->service_vs = xmalloc(sizeof(*s->service_vs));
        variate_stream_init(s->arrivals_vs, s->arrivals);
        variate_stream_init(s->service_vs, s->service);
    }
}

void serve_start(struct serve *s)
{
    sim_time now = sim_now(s->eng);
    s->fluid_last = now;
    if (s->cfg->fidelity == SERVE_REQUEST) {
        s->chunk_end = now;
        schedule_next(s, now);
    }
}

/* ---- the servers by id ------------------------------------------------------------------ */

static size_t id_hash(const struct serve *s, uint32_t id)
{
    return (size_t)((id * 0x9e3779b97f4a7c15u) >> 32) & s->id_mask;
}

static void id_put(struct serve *s, struct serve_server *sv)
{
    size_t i = id_hash(s, sv->id);
    while (s->by_id[i])
        i = (i + 1) & s->id_mask;
    s->by_id[i] = sv;
}

/* Keep by_id at most half full. */
static void id_reserve(struct serve *s, size_t n)
{
    if (s->by_id && 2 * n <= s->id_mask + 1)
        return;
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    struct serve_server **old = s->by_id;
    size_t old_cap = old ? s->id_mask + 1 : 0;
    s->by_id = xcalloc(cap, sizeof(*s->by_id));
    s->id_mask = cap - 1;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            id_put(s, old[i]);
    free(old);
}

/* Remove and return the server of `id`, or NULL (linear probing, backward-shift delete). */
static struct serve_server *id_take(struct serve *s, uint32_t id)
{
    if (!s->by_id)
        return NULL;
    size_t i = id_hash(s, id);
    while (s->by_id[i] && s->by_id[i]->id != id)
        i = (i + 1) & s->id_mask;
    struct serve_server *sv = s->by_id[i];
    if (!sv)
        return NULL;
    s->by_id[i] = NULL;
    for (size_t j = (i + 1) & s->id_mask; s->by_id[j]; j = (j + 1) & s->id_mask) {
        size_t home = id_hash(s, s->by_id[j]->id);
        /* move j back to the hole unless its home lies cyclically in (i, j] */
        if (((j - home) & s->id_mask) >= ((j - i) & s->id_mask)) {
            s->by_id[i] = s->by_id[j];
            s->by_id[j] = NULL;
            i = j;
        }
    }
    return sv;
}

/* Drop the holes of live[], keeping the order; the round-robin slot moves with them. */
static void pack(struct serve *s)
{
    size_t n = 0, rr = s->nr_live;
    for (size_t i = 0; i < s->nr_slots; i++) {
        if (i == s->rr)
            rr = n;
        if (s->live[i]) {
            s->live[i]->slot = n;
            s->live[n++] = s->live[i];
        }
    }
    s->rr = s->rr < s->nr_slots ? rr : n;
    s->nr_slots = n;
}

/*
 * What fluid mode serves with: the capacity, sum over the rates of vCPUs x rate, and the
 * M/M/c law's rate, that capacity per vCPU (serve.h). One rate: that rate and vCPUs x rate,
 * the same doubles as before rates were kept apart. The sums run over integer vCPU counts
 * in a fixed order, so a long run has no drift from adding and subtracting doubles.
 */
static void fleet_update(struct serve *s)
{
    double f = s->rate_factor, cap = 0, mu = 0;
    size_t live = 0;
    for (size_t i = 0; i < s->nr_rates; i++) {
        if (!s->rates[i].vcpus)
            continue;
        mu = s->rates[i].rps_per_vcpu * f;
        cap += (double)s->rates[i].vcpus * mu;
        live++;
    }
    s->fleet_rps = cap;
    s->fleet_mu = live == 1   ? mu
                  : live == 0 ? s->cfg->capacity_rps_per_vcpu * f
                              : cap / (double)s->total_vcpus;
}

void serve_set_rate_factor(struct serve *s, double f)
{
    ASG_ASSERT(f > 0 && f <= 1);
    s->rate_factor = f;
    fleet_update(s);
}

void serve_add(struct serve *s, uint32_t id, unsigned vcpus)
{
    serve_add_rated(s, id, vcpus, s->cfg->capacity_rps_per_vcpu);
}

void serve_add_rated(struct serve *s, uint32_t id, unsigned vcpus, double rps_per_vcpu)
{
    ASG_ASSERT(rps_per_vcpu > 0);
    fluid_advance(s, sim_now(s->eng));
    struct serve_server *sv = xcalloc(1, sizeof(*sv) + (vcpus ? vcpus : 1) * sizeof(struct slot));
    sv->s = s;
    sv->id = id;
    sv->vcpus = vcpus;
    sv->service_mean_s = 1.0 / rps_per_vcpu;
    size_t r = 0;
    while (r < s->nr_rates && s->rates[r].rps_per_vcpu != rps_per_vcpu)
        r++;
    if (r == s->nr_rates) {
        ALLOC_GROW(s->rates, s->nr_rates + 1, s->alloc_rates);
        s->rates[s->nr_rates++] = (struct serve_rate){ rps_per_vcpu, 0 };
    }
    sv->rate = r;
    s->rates[r].vcpus += vcpus;
    sv->in_service = true;
    ALLOC_GROW(s->live, s->nr_slots + 1, s->alloc_live);
    sv->slot = s->nr_slots;
    s->live[s->nr_slots++] = sv;
    s->nr_live++;
    id_reserve(s, s->nr_live);
    id_put(s, sv);
    s->total_vcpus += vcpus;
    fleet_update(s);
    sv->idle_pos = SIZE_MAX;
    if (s->cfg->queue && s->cfg->fidelity == SERVE_REQUEST) {
        sim_time now = sim_now(s->eng);
        while (sv->busy < sv->vcpus && msg_take(s, sv, now))
            ;
        if (sv->busy < sv->vcpus)
            idle_add(s, sv);
    }
}

void serve_remove(struct serve *s, uint32_t id)
{
    fluid_advance(s, sim_now(s->eng));
    struct serve_server *sv = id_take(s, id);
    if (!sv)
        return;
    s->live[sv->slot] = NULL;
    s->nr_live--;
    idle_del(s, sv);
    if (s->nr_slots > 2 * s->nr_live + 16)
        pack(s);
    s->total_vcpus -= sv->vcpus;
    s->rates[sv->rate].vcpus -= sv->vcpus;
    fleet_update(s);
    sv->in_service = false;
    if (sv->busy == 0) {
        server_free(sv); /* an idle server has an empty queue */
    } else {
        ALLOC_GROW(s->drain, s->nr_drain + 1, s->alloc_drain);
        s->drain[s->nr_drain++] = sv;
    }
    if (s->cfg->fidelity == SERVE_FLUID && !s->cfg->queue) {
        double limit = (double)s->cfg->queue_limit * (double)s->nr_live;
        if (s->fluid_backlog > limit) {
            s->interval.dropped += s->fluid_backlog - limit;
            s->fluid_backlog = limit;
        }
    }
}

double serve_backlog(const struct serve *s)
{
    if (s->cfg->fidelity == SERVE_FLUID)
        return s->fluid_backlog;
    if (s->cfg->queue)
        return (double)s->nr_msgs;
    size_t n = 0;
    for (size_t i = 0; i < s->nr_slots; i++)
        if (s->live[i])
            n += s->live[i]->nr;
    for (size_t i = 0; i < s->nr_drain; i++)
        n += s->drain[i]->nr;
    return (double)n;
}

/* The figures of `later` (an interval that follows `to`'s) added into `to`, all but the
   histogram: counts and sums add; the backlog is a level, the later interval's end. */
static void add_counts(struct serve_stats *to, const struct serve_stats *later)
{
    to->arrived += later->arrived;
    to->served += later->served;
    to->dropped += later->dropped;
    to->over_objective += later->over_objective;
    to->started += later->started;
    to->waited += later->waited;
    to->sum_wait_s += later->sum_wait_s;
    to->busy_vcpu_s += later->busy_vcpu_s;
    to->backlog = later->backlog;
}

void serve_take_interval(struct serve *s, struct serve_stats *out)
{
    fluid_advance(s, sim_now(s->eng));
    if (s->cfg->queue && s->cfg->fidelity == SERVE_REQUEST)
        msg_expire(s, sim_now(s->eng));
    struct serve_stats *iv = &s->interval, *t = &s->total;
    iv->backlog = serve_backlog(s);
    iv->sum_wait_s += sim_time_to_seconds(s->wait_us);
    iv->busy_vcpu_s += sim_time_to_seconds(s->busy_us);
    s->wait_us = 0;
    s->busy_us = 0;
    /* Each was 0 + 1.0 + 1.0 ... before: the same value, exactly. */
    iv->arrived += (double)s->n_arrived;
    iv->dropped += (double)s->n_dropped;
    iv->started += (double)s->n_started;
    iv->waited += (double)s->n_waited;
    iv->served += (double)s->n_served;
    iv->over_objective += (double)s->n_over;
    iv->hist.total += (double)s->n_served;
    s->n_arrived = s->n_dropped = s->n_started = s->n_waited = s->n_served = s->n_over = 0;
    add_counts(t, iv);
    /* Copy out, bin the pending laws, merge into the total and clear, over the bins that
       may be non-zero only (fluid laws reach about half of them; the rest of the copy is a
       memset): this runs once per sample. Each bin gets the same additions in the same
       order as when every law was binned into the interval's histogram at once. The
       figures before the histogram are copied and cleared as one block. */
    static_assert(offsetof(struct serve_stats, hist) + sizeof(struct serve_hist) ==
                          sizeof(struct serve_stats),
                  "hist is the last member of struct serve_stats");
    static_assert(sizeof(struct serve_hist) == (SERVE_HIST_BINS + 2) * sizeof(double),
                  "struct serve_hist is count[], total and sum_s");
    struct serve_hist *h = &iv->hist, *th = &t->hist;
    size_t end = s->hist_end;
    if (out) {
        memcpy(out, iv, offsetof(struct serve_stats, hist));
        double *oc = out->hist.count;
        for (size_t i = 0; i < end; i++) {
            oc[i] = h->count[i];
            h->count[i] = 0;
        }
        memset(oc + end, 0, (SERVE_HIST_BINS - end) * sizeof(*oc));
        for (size_t k = 0; k < s->nr_pending; k++) {
            size_t e = bin_law(s, oc, &s->pending[k].law, s->pending[k].weight);
            if (e > end)
                end = e;
        }
        bins_add(th->count, oc, end);
        out->hist.total = h->total;
        out->hist.sum_s = h->sum_s;
    } else {
        flush_pending(s);
        end = s->hist_end;
        for (size_t i = 0; i < end; i++) {
            th->count[i] += h->count[i];
            h->count[i] = 0;
        }
    }
    s->nr_pending = 0;
    s->hist_end = s->cfg->fidelity == SERVE_FLUID ? 0 : SERVE_HIST_BINS;
    th->total += h->total;
    th->sum_s += h->sum_s;
    h->total = 0;
    h->sum_s = 0;
    memset(iv, 0, offsetof(struct serve_stats, hist));
}

void serve_hist_merge(struct serve_hist *to, const struct serve_hist *h)
{
    bins_add(to->count, h->count, SERVE_HIST_BINS);
    to->total += h->total;
    to->sum_s += h->sum_s;
}

void serve_stats_add(struct serve_stats *to, const struct serve_stats *later)
{
    add_counts(to, later);
    serve_hist_merge(&to->hist, &later->hist);
}

void serve_queue_status(struct serve *s, struct msg_queue_status *out)
{
    sim_time now = sim_now(s->eng);
    fluid_advance(s, now); /* request mode: nothing */
    out->processed = s->queue_processed;
    if (s->cfg->fidelity == SERVE_REQUEST) {
        msg_expire(s, now);
        out->visible = (double)s->nr_msgs;
        out->oldest_age_s = s->nr_msgs ? sim_time_to_seconds(now - s->msgs[s->msg_head]) : 0.0;
        return;
    }
    out->visible = s->fluid_backlog;
    out->oldest_age_s = s->nr_batches ? sim_time_to_seconds(now) - batch_at(s, 0)->from_s : 0.0;
}

void serve_release(struct serve *s)
{
    if (s->eng && s->next)
        sim_cancel(s->eng, s->next);
    for (size_t i = 0; i < s->nr_slots; i++)
        if (s->live[i])
            server_free(s->live[i]);
    for (size_t i = 0; i < s->nr_drain; i++)
        server_free(s->drain[i]);
    free(s->live);
    free(s->by_id);
    free(s->drain);
    free(s->arrivals_vs);
    free(s->service_vs);
    free(s->batches);
    free(s->msgs);
    free(s->idle);
    free(s->rates);
    memset(s, 0, sizeof(*s));
}
