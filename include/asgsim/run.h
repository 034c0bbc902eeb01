/*
 * run.h - one simulation run of a scenario, from time 0 to its duration, written to a
 * trace sink: provenance, time series, events, activities, instances and summary.
 */
#ifndef ASGSIM_RUN_H
#define ASGSIM_RUN_H

#include "asgsim/diag.h"
#include "asgsim/scenario.h"
#include "asgsim/sim.h"
#include "asgsim/summary.h"
#include "asgsim/trace.h"

#include <stdbool.h>
#include <stdint.h>

struct run_opts {
    uint64_t point;           /* sweep point (0 for a single run) */
    uint64_t replication;     /* replication index (0 for a single run) */
    const char *command_line; /* recorded in /provenance; may be NULL */
    const char *created_utc;  /* recorded on the root; may be NULL */
    /* Polled between slices of simulated time; true stops the run with ASG_EINTR. */
    bool (*interrupted)(void *ctx);
    /* Called between slices of simulated time with the clock and the end time. */
    void (*progress)(void *ctx, sim_time now, sim_time end, uint64_t events);
    void *ctx;
};

/* struct run_summary: one field per metric of include/asgsim/summary.h. */

/**
 * Run `sc` and write everything to `sink` (which the caller then closes).
 * \return 0 and *out filled; ASG_EINTR when opts->interrupted said so; the sink's error
 *         (ASG_EIO) when output failed, with a diagnostic in `d`.
 */
int run_scenario(const struct scenario *sc, const struct run_opts *opts, struct trace_sink *sink,
                 struct run_summary *out, struct diag_list *d);

struct policy_decision;

/**
 * Open the decision log `/decisions` in `sink`: a compound table with one field per member
 * of struct policy_decision (run_scenario opens it when the scenario scales).
 * \return 0 and *out, or the sink's error.
 */
int run_decisions_open(struct trace_sink *sink, struct trace_table **out);

/** run_decisions_open() at `path` (a group's PREFIX/decisions when a stack has several). */
int run_decisions_open_at(struct trace_sink *sink, const char *path, struct trace_table **out);

/** Append `d` as one row of a table from run_decisions_open. \return 0 or the sink's error. */
int run_decision_append(struct trace_sink *sink, struct trace_table *t,
                        const struct policy_decision *d);

#endif /* ASGSIM_RUN_H */
