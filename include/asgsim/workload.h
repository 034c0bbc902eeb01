/*
 * workload.h - the offered load: an arrival rate rate(t) in requests per second, built from
 * patterns (ecosystem.md §2.2) and composed by sum and product.
 *
 * A workload is a tree of plain-data patterns. Leaves: constant, diurnal (with an optional
 * weekly profile), ramp, step, spike (flash crowd) and a replayed trace; inner nodes: sum
 * and product of their children. rate(t) is a pure function of the tree, the wall-clock
 * origin of simulated time and t: no state, no randomness. Arrival noise (Poisson) is
 * added by whoever turns the rate into requests (serve.h), from the "arrivals" stream.
 *
 * workload_config_bind() (models/workload_config.c) builds a tree from the scenario's
 * `Workload:` mapping; tests build trees directly in C.
 */
#ifndef ASGSIM_WORKLOAD_H
#define ASGSIM_WORKLOAD_H

#include "asgsim/bind.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum workload_kind {
    WORKLOAD_CONSTANT,
    WORKLOAD_DIURNAL,
    WORKLOAD_RAMP,
    WORKLOAD_STEP,
    WORKLOAD_SPIKE,
    WORKLOAD_TRACE,
    WORKLOAD_SUM,
    WORKLOAD_PRODUCT,
};

/** One node of a workload tree. Owns its children and trace arrays (workload_config_release). */
struct workload_config {
    enum workload_kind kind;
    /* CONSTANT: rps. DIURNAL: base_rps * (1 + amplitude * cos(2 pi (h - peak_hour_utc) / 24))
     * weekly[day], h the UTC hour of day, day 0 = Monday (UTC). */
    double rps;
    double base_rps;
    double amplitude;     /* DIURNAL: in [0, 1] */
    double peak_hour_utc; /* DIURNAL: hour of the maximum, [0, 24) */
    double weekly[7];     /* DIURNAL: day factors Monday..Sunday (all 1 when not given) */
    /* RAMP: from_rps until `start`, linear to to_rps at `end`, then to_rps.
       STEP: from_rps before `start`, to_rps from `start` on. */
    double from_rps;
    double to_rps;
    sim_time start;
    sim_time end;
    /* SPIKE: base_rps times a factor that is 1 before `start`, rises linearly to
       peak_multiplier over `rise`, then decays back to 1 exponentially with time constant
       `decay`. base_rps defaults to 1, so a spike inside a Product is a pure factor. */
    double peak_multiplier;
    sim_time rise;
    sim_time decay;
    /* TRACE: rows (time_s[i], rate_rps[i]), times strictly increasing; linear interpolation
       between rows, the first rate before the first row, the last after the last; every
       rate multiplied by rate_scale. */
    double *time_s;
    double *rate_rps;
    size_t nr_rows;
    double rate_scale;
    char *path; /* TRACE: the file as resolved (relative to the scenario file) */
    /* SUM / PRODUCT */
    struct workload_config *children;
    size_t nr_children;
};

/**
 * Arrival rate in requests per second (>= 0) at simulated time `t`, for a run whose time 0
 * is `start_epoch_s` (UTC seconds since 1970; DIURNAL needs the hour and the day).
 */
double workload_rate_rps(const struct workload_config *w, int64_t start_epoch_s, sim_time t);

/** Stable lower-case name of a kind ("diurnal"). */
const char *workload_kind_name(enum workload_kind kind);

/** Free the children and trace arrays; safe on a zeroed config. Leaves *w zeroed. */
void workload_config_release(struct workload_config *w);

/**
 * Read a rate trace: lines `time_s<TAB>rate_rps` (any blank space separates), `#` starts a
 * comment, blank lines are skipped; times strictly increasing and >= 0, rates >= 0.
 * Errors name `path`:LINE:COL. On success w->kind is TRACE and w owns the rows.
 * \return 0; ASG_ENOENT / ASG_EIO when the file cannot be read; ASG_EINVAL for a bad line.
 */
int workload_trace_load(struct workload_config *w, const char *path, struct diag_list *d);

/**
 * Bind the scenario's `Workload:` value `node` into *out (zeroed first). The forms are
 * `{Kind: NAME, ...}`, `{Sum: [PATTERN, ...]}` and `{Product: [PATTERN, ...]}`, nested
 * freely. A trace `Path` is relative to the directory of the file the node came from.
 * \return 0, or ASG_EINVAL with every error in b->d (*out released).
 */
int workload_config_bind(struct bind *b, const struct ynode *node, struct workload_config *out);

#endif /* ASGSIM_WORKLOAD_H */
