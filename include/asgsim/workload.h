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
 * workload_config_bind() (workload_bind.h, models/workload_config.c) builds a tree from the
 * scenario's `Workload:` mapping; tests build trees directly in C.
 */
#ifndef ASGSIM_WORKLOAD_H
#define ASGSIM_WORKLOAD_H

#include "asgsim/diag.h"
#include "asgsim/sim.h"
#include "asgsim/workload_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Arrival rate in requests per second (>= 0) at simulated time `t`, for a run whose time 0
 * is `start_epoch_s` (UTC seconds since 1970; DIURNAL needs the hour and the day).
 */
double workload_rate_rps(const struct workload_config *w, int64_t start_epoch_s, sim_time t);

/**
 * An upper bound of workload_rate_rps() over all time (models/workload_bound.c): exact for
 * a single pattern, the sum or product of the parts' bounds for Sum and Product. May be
 * +inf or overflow to it; callers compare it with their limits.
 */
double workload_peak_rps(const struct workload_config *w);

/**
 * Read a rate trace. Two columns, time and rate in requests/s, separated by a comma (CSV) or
 * by tabs or spaces (TSV); `#` starts a comment, blank lines are skipped. The first line may
 * be a header naming the columns, in either order: time_s, time, timestamp, seconds or t;
 * rate_rps, rps, rate or requests_per_second (any case). Times are seconds (the run's time,
 * >= 0) or ISO 8601 times (then the first row is time 0 and w->trace_epoch_s its date), all
 * rows alike, strictly increasing; rates >= 0. Warns (in `d`) about gaps: steps longer than
 * twice the median step. Errors name `path`:LINE:COL. On success w->kind is TRACE and w owns
 * the rows.
 * \return 0; ASG_ENOENT / ASG_EIO when the file cannot be read; ASG_EINVAL for a bad line.
 */
int workload_trace_load(struct workload_config *w, const char *path, struct diag_list *d);

/** Parse an ISO 8601 time (see workload_trace_load) into UTC seconds since 1970. */
bool workload_parse_iso8601(const char *s, double *epoch_s);

/** The median step between a trace's rows, seconds; 0 for fewer than two rows. */
double workload_trace_step_s(const struct workload_config *w);

/**
 * Keep trace times [start_s, end_s] (trace seconds, rows interpolated at both ends) and make
 * start_s the new time 0. Requires start_s < end_s; the caller checks they lie in the trace.
 */
void workload_trace_window(struct workload_config *w, double start_s, double end_s);

/**
 * Resample to one row per `step_s` seconds from the first row: each row the mean of the
 * rows in [its time, its time + step_s); empty buckets get no row.
 */
void workload_trace_resample(struct workload_config *w, double step_s);

#endif /* ASGSIM_WORKLOAD_H */
