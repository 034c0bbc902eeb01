/*
 * workload_config.h - the offered load as a tree of plain-data patterns (workload.h says what
 * they mean and computes the rate). Bound by workload_bind.h; tests build trees in C.
 */
#ifndef ASGSIM_WORKLOAD_CONFIG_H
#define ASGSIM_WORKLOAD_CONFIG_H

#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>

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
       rate multiplied by rate_scale. `start` (Offset) is the trace time replayed at simulated
       time 0: earlier rows are the load before StartTime (negative simulated times). */
    double *time_s;
    double *rate_rps;
    size_t nr_rows;
    double rate_scale;
    char *path;           /* TRACE: the file as resolved (relative to the scenario file) */
    bool trace_has_epoch; /* TRACE: its times were ISO 8601 ... */
    double trace_epoch_s; /* ... and its time 0 is this UTC time (seconds since 1970) */
    /* SUM / PRODUCT */
    struct workload_config *children;
    size_t nr_children;
};

/** Stable lower-case name of a kind ("diurnal"). */
const char *workload_kind_name(enum workload_kind kind);

/** Free the children and trace arrays; safe on a zeroed config. Leaves *w zeroed. */
void workload_config_release(struct workload_config *w);

#endif /* ASGSIM_WORKLOAD_CONFIG_H */
