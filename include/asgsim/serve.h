/*
 * serve.h - turning the offered load (workload.h) into served, queued and dropped requests
 * on the group's InService instances, at one of two fidelities behind one interface.
 *
 * fluid:   arrivals are counted per tick (Poisson counts from the "arrivals" stream, mean
 *          = the rate at the tick's midpoint x its length); the fleet serves the sum over
 *          its InService instances of vcpus x their type's rate (serve_add_rated), as one
 *          pool; what is not served
 *          is carried over as a fleet-wide backlog, and what exceeds queue_limit x InService
 *          instances is dropped (so the backlog is dropped when the last instance leaves).
 *          A tick is cut short where an instance enters or leaves service or an interval
 *          is taken, so capacity is exact at every instant.
 *          Latency is an analytic estimate: requests served while the backlog carried
 *          into the step drains wait half its initial drain time on average (then an
 *          exponential service); the rest follow the M/M/c sojourn-time law (c = total
 *          vCPUs, mu = the capacity per vCPU, sum of vcpus x rate / c, lambda = the step's
 *          arrival rate: with unequal rates the queue keeps its true utilisation, and a
 *          request's mean service time is 1 / mu when the vCPUs take requests in proportion
 *          to their rates; exact when every rate is equal); in an
 *          overloaded step everyone waits the drain time of the average backlog. Each law
 *          is added to the same latency histogram request mode uses, weighted by its
 *          served count.
 * request: every request is an engine event. Arrival (Poisson: exponential gaps from
 *          "arrivals", the rate re-read every `chunk` of time) -> load balancer (round robin
 *          or least outstanding requests over the InService instances, ties to the next
 *          in round-robin order) -> the instance: `vcpus` parallel servers and one FIFO
 *          queue of at most queue_limit waiting requests (an arrival finding it full is
 *          dropped). Service times are exponential with mean 1 / the instance's rate
 *          (stream "service"). Latency = queueing + service, recorded at completion.
 *
 * queue:   (cfg->queue) a queue-driven group: the load is messages sent to one FIFO queue
 *          without a limit (an SQS queue); no load balancer, no queue_limit. Messages wait
 *          while no instance is InService (nothing is refused); the InService instances
 *          take them first in, first out, vcpus x their type's rate a second each; a
 *          message older than cfg->retention is deleted unprocessed and counted as
 *          dropped. Latency is from sending to the end of processing.
 *          Fluid: arrivals counted per tick as in fluid mode; the wait follows from the
 *          cumulative arrival and departure curves of the FIFO (each tick's arrivals spread
 *          evenly over the tick, departures at the fleet's rate while a backlog waits: a
 *          wait spread evenly between the first and the last message of a batch), plus an
 *          exponential processing time; while no backlog waits, the M/M/c law of fluid
 *          mode. Expiry is checked at each step's start and end and before each batch is
 *          taken (to within a step). The queue keeps one batch per tick of the messages
 *          still waiting: memory follows the backlog, not the run.
 *          Request: arrivals as in request mode; a message goes to a free vCPU of an
 *          InService instance (the one that became free last), else waits in the queue; a
 *          vCPU that finishes takes the oldest waiting message. Expiry is checked when a
 *          message is sent or taken and when the queue is read: exact for the messages
 *          processed, to within an arrival gap for the count. Memory: one time per
 *          waiting message.
 *
 * Only InService instances receive traffic: the caller reports instances entering and
 * leaving service (serve_add / serve_remove). An instance leaving service gets no new
 * requests; the requests it already holds (queued and in service) still complete on it, as
 * a load balancer's deregistration delay lets in-flight requests finish. With no InService
 * instance every arrival is dropped (the load balancer has no healthy target), except in
 * queue mode, where it waits.
 *
 * Memory stays bounded: percentiles come from a fixed log-spaced histogram, never from a
 * list of latencies.
 */
#ifndef ASGSIM_SERVE_H
#define ASGSIM_SERVE_H

#include "asgsim/queue.h"
#include "asgsim/rng.h"
#include "asgsim/serve_config.h"
#include "asgsim/sim.h"
#include "asgsim/workload.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Latency histogram: log-spaced bins from SERVE_HIST_MIN_S to SERVE_HIST_MAX_S. */
#define SERVE_HIST_MIN_S      1e-6
#define SERVE_HIST_MAX_S      1e5
#define SERVE_HIST_PER_DECADE 100
#define SERVE_HIST_BINS       (11 * SERVE_HIST_PER_DECADE + 2) /* + underflow and overflow */

/** A latency histogram; counts may be fractional (fluid mode spreads a distribution). */
struct serve_hist {
    double count[SERVE_HIST_BINS];
    double total;
    double sum_s; /* sum of latencies, seconds (exact in request mode) */
};

/** Add `weight` observations of latency `s` seconds. */
void serve_hist_add(struct serve_hist *h, double s, double weight);
/** Add one observation of `t` microseconds: the same as
    serve_hist_add(h, sim_time_to_seconds(t), 1.0), bit for bit, without a double compare
    chain (request mode's per-request path). */
void serve_hist_add_us(struct serve_hist *h, sim_time t);
/** The q-quantile (0 < q < 1) in seconds, interpolated within a bin; NaN when empty. */
double serve_hist_quantile(const struct serve_hist *h, double q);

#define SERVE_QUANTILES_MAX 16

/**
 * out[k] = serve_hist_quantile(h, q[k]) for k < n (n <= SERVE_QUANTILES_MAX), the same
 * values bit for bit, in one scan of the bins instead of n (each scan starts where the
 * one for the next smaller q stopped). q need not be sorted.
 */
void serve_hist_quantiles(const struct serve_hist *h, size_t n, const double *q, double *out);

/** What happened in an interval (since the previous serve_take_interval) or a whole run. */
struct serve_stats {
    double arrived;        /* requests offered */
    double served;         /* requests completed */
    double dropped;        /* requests refused (queue full or no InService instance);
                              queue mode: messages expired unprocessed */
    double over_objective; /* completed requests slower than the latency objective */
    /* Waiting (before service starts), counted at service start: request mode exact;
       fluid mode from the M/M/c estimate. */
    double started;
    double waited;      /* requests that had to wait (> 0 s) */
    double sum_wait_s;  /* total waiting time */
    double backlog;     /* requests queued at the end of the interval (not in service) */
    double busy_vcpu_s; /* vCPU-seconds spent serving (request mode: counted at service start) */
    struct serve_hist hist;
};

struct serve_server; /* one instance as the load balancer sees it (serve.c) */

/** InService vCPUs that serve at one rate (struct serve's rates). */
struct serve_rate {
    double rps_per_vcpu; /* requests/s of one vCPU at full speed */
    uint64_t vcpus;
};

/** Fluid mode: the latency law of one step (serve.c): T = shift_s + W + S, S ~ Exp(mu), W = 0
    with probability 1 - pw, else Exp(theta) (theta = 0: W = 0 always). */
struct serve_law {
    double shift_s;
    double pw;
    double theta;
    double mu;
    double spread_s; /* queue mode: the shift is uniform on [shift_s, shift_s + spread_s]
                        (then pw = 0) */
};

/** A law waiting to be binned into the interval's histogram, with its served count. */
struct serve_pending_law {
    struct serve_law law;
    double weight;
};

/* Laws an interval holds unbinned before they are binned into interval.hist. */
#define SERVE_PENDING_LAWS 4

struct variate_stream;

/** Queue mode: `n` waiting messages sent evenly over [from_s, to_s) (seconds of run time). */
struct serve_batch {
    double n;
    double from_s, to_s;
};

/** The serving model of one run. Zero-initialise, then serve_init(). */
struct serve {
    const struct serve_config *cfg;
    const struct workload_config *wl;
    int64_t start_epoch_s;
    sim_time tick;  /* fluid aggregation step */
    sim_time chunk; /* request mode: how long one arrival rate holds */
    struct sim_engine *eng;
    gsl_rng *arrivals;
    gsl_rng *service;
    /* Request mode draws from these, which take over `arrivals` and `service` (variate.h):
       the same words, fetched a block at a time. */
    struct variate_stream *arrivals_vs, *service_vs;
    /* InService, in the order they entered service, in live[0 .. nr_slots) with NULL
       where one has left (packed again once holes are the majority): removal is O(1). */
    struct serve_server **live;
    size_t nr_live, nr_slots, alloc_live;
    struct serve_server **by_id; /* open addressing on the instance id; NULL: empty */
    size_t id_mask;              /* by_id has id_mask + 1 entries (a power of 2), or none */
    struct serve_server **drain; /* out of service, still finishing their requests */
    size_t nr_drain, alloc_drain;
    size_t rr;            /* round-robin position: the slot after the last one chosen */
    uint64_t total_vcpus; /* of the InService instances */
    /* The InService vCPUs by service rate, one entry per distinct rate in the order the
       rates first came (entries stay when their count falls to 0), and what fluid mode
       serves with: fleet_rps = sum of vcpus x rate x rate_factor, fleet_mu = fleet_rps /
       total_vcpus (the one rate when all share it; the config's rate x rate_factor when
       none is InService). */
    struct serve_rate *rates;
    size_t nr_rates, alloc_rates;
    double rate_factor; /* share of full speed: 1, or a spent burstable group's baseline */
    double fleet_rps, fleet_mu;
    double fluid_backlog; /* fluid: requests carried over, fleet-wide */
    sim_time fluid_last;  /* fluid: time accounted up to */
    sim_time chunk_end;   /* request mode: end of the current arrival chunk */
    double chunk_rate;    /* request mode: rate of the current chunk */
    sim_event_id next;    /* request mode: the pending arrival event */

    /* Request mode, per-request constants and sums kept out of the hot path: */
    double chunk_mean_s; /* 1 / chunk_rate (0 when the rate is 0) */
    sim_time wait_us;    /* waiting time of this interval, not yet in `interval` */
    sim_time busy_us;    /* busy vCPU time of this interval, likewise */
    /* The interval's request counts, likewise (integer increments, not double
       read-modify-writes; a count below 2^53 converts exactly, so the sums are the same):
       arrived, dropped, started, waited, served (also interval.hist.total), over objective. */
    uint64_t n_arrived, n_dropped, n_started, n_waited, n_served, n_over;

    struct serve_stats interval;
    struct serve_stats total;
    /* Fluid mode: the interval's laws are binned at serve_take_interval straight into the
       caller's copy (a whole-histogram pass per sample less), and only as far as the last
       bin a law reaches. interval.hist.count holds the laws binned earlier (when more than
       SERVE_PENDING_LAWS came in one interval); its bins from hist_end on are zero
       (request mode: hist_end = SERVE_HIST_BINS). interval.hist.total and sum_s are
       always up to date. */
    struct serve_pending_law pending[SERVE_PENDING_LAWS];
    size_t nr_pending;
    size_t hist_end;
    /* Fluid mode: exp(-mu_tab_mu * edge) at the lower edge of every bin (serve.c: mu_table),
       per run so that runs in several threads share no mutable state. */
    double mu_tab_mu;
    double mu_tab[SERVE_HIST_BINS];

    /* Queue mode: the waiting messages by batch, oldest first (a ring), and the messages
       processed since the start (fluid_backlog is their total). */
    struct serve_batch *batches;
    size_t batch_head, nr_batches, alloc_batches;
    double queue_processed;
    /* Queue mode, request fidelity: the send times of the waiting messages (a ring, oldest
       first), and the InService servers with a free vCPU (each knows its index here). */
    sim_time *msgs;
    size_t msg_head, nr_msgs, alloc_msgs;
    struct serve_server **idle;
    size_t nr_idle, alloc_idle;
};

/**
 * Set up serving. `cfg`, `wl` and `eng` are borrowed and must outlive `s`; streams
 * "arrivals" and "service" come from `rngs`. `default_tick` is used when cfg->tick is 0.
 * Nothing is scheduled until serve_start().
 */
void serve_init(struct serve *s, const struct serve_config *cfg, const struct workload_config *wl,
                int64_t start_epoch_s, sim_time default_tick, struct sim_engine *eng,
                struct rng_set *rngs);
/**
 * Start offering load at the current time: request mode schedules the first arrival;
 * fluid mode needs no events (time is accounted when capacity changes and when an
 * interval is taken, in steps of at most one tick).
 */
void serve_start(struct serve *s);
/** Instance `id` (unique per run) with `vcpus` vCPUs entered service, each serving
    `rps_per_vcpu` (> 0) requests/s at full speed (its type's rate, capacity.h). */
void serve_add_rated(struct serve *s, uint32_t id, unsigned vcpus, double rps_per_vcpu);
/** serve_add_rated() at the config's capacity_rps_per_vcpu. */
void serve_add(struct serve *s, uint32_t id, unsigned vcpus);
/**
 * Fluid mode: every instance serves at `f` (0 < f <= 1) of its rate from the time last
 * accounted on (a standard-mode burstable group whose credits are spent). Request mode
 * ignores it (credits are modelled in fluid mode only).
 */
void serve_set_rate_factor(struct serve *s, double f);
/** Instance `id` left service (no-op when it is not in service); see the header comment. */
void serve_remove(struct serve *s, uint32_t id);
/**
 * Fluid mode: account for the time since the last tick now (so an interval ends exactly
 * at `now`); request mode: nothing. Then copy the interval's figures to *out (backlog =
 * requests now waiting) and start a new interval.
 */
void serve_take_interval(struct serve *s, struct serve_stats *out);
/** Add histogram `h` to `to`: bin by bin, then total and sum_s. */
void serve_hist_merge(struct serve_hist *to, const struct serve_hist *h);
/**
 * `to` += `later`, two intervals taken one after the other (serve_take_interval): counts and
 * sums added field by field (counts are whole numbers in request mode, so exact), the
 * histograms merged, and the backlog the later one's (requests waiting at its end).
 */
void serve_stats_add(struct serve_stats *to, const struct serve_stats *later);
/** Requests currently queued (waiting, not in service) over every instance. */
double serve_backlog(const struct serve *s);
/**
 * Queue mode: account for the time up to now (as serve_take_interval) and fill *out: the
 * messages waiting, the age of the oldest of them, and those processed so far.
 */
void serve_queue_status(struct serve *s, struct msg_queue_status *out);
/** Cancel the pending event and free every server. Safe on a zeroed struct. */
void serve_release(struct serve *s);

/** Up to this many vCPUs serve_erlang_c() is serve_erlang_c_exact(), bit for bit. */
#define SERVE_ERLANG_EXACT_MAX 4096

/**
 * Erlang C: probability that an arrival waits in an M/M/c queue with offered load
 * a = lambda / mu (requires a < c). Up to SERVE_ERLANG_EXACT_MAX servers the stable Erlang
 * B recursion (O(c)); above, O(1) (O(sqrt a) within about 10 sqrt(a) of saturation) and
 * within 1e-9 relative of it (models/serve.c gives the bound, tests check it).
 */
double serve_erlang_c(unsigned c, double a);

/** serve_erlang_c() by the O(c) recursion at every c: the reference. */
double serve_erlang_c_exact(unsigned c, double a);

/**
 * A Poisson count of mean mu >= 0 (fluid mode's arrivals per tick): GSL's sampler below
 * mean 10, Hoermann's transformed rejection (PTRS) from 10 on. Exact in law; not the same
 * draws as gsl_ran_poisson.
 */
double serve_poisson(gsl_rng *r, double mu);

#endif /* ASGSIM_SERVE_H */
