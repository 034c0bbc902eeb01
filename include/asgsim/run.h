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
    /* May be NULL. A signal handler's flag, watched after every event (sim_set_interrupt_flag)
       so that a signal stops the run within one event; borrowed. */
    const volatile sig_atomic_t *interrupt_flag;
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

struct instance_type;
struct scenario_group_view;
/**
 * Warm start (scenario.h): the instances of `type` that serve the mean offered load of the
 * group `gv` (its workload) over the first 60 s at the CPU target of its first target-tracking
 * policy on ASGAverageCPUUtilization, or at 100 % when there is none (*target_pct says which),
 * rounded up; 0 for no load. The caller clamps it to MinSize and MaxSize.
 */
int64_t run_warm_start_size(const struct scenario *sc, const struct scenario_group_view *gv,
                            const struct instance_type *type, double *target_pct);

struct policy_decision;

/**
 * Open the decision log `/decisions` in `sink`: a compound table with one field per member
 * of struct policy_decision (run_scenario opens it when the scenario scales).
 * \return 0 and *out, or the sink's error.
 */
int run_decisions_open(struct trace_sink *sink, struct trace_table **out);

/** run_decisions_open() at `path` (a group's PREFIX/decisions when a stack has several). */
/**
 * /provenance of a run (the scenario's bytes, settings, parameters, versions, seeds; the
 * streams are written by run.c at the end). Errors are left in sink->status.
 */
void run_write_provenance(const struct scenario *sc, struct trace_sink *sink,
                          const struct run_opts *o);

/**
 * PREFIX/summary: one dataset per metric of the table (summary.h) that applies to r; with
 * `stack` (several groups' stack-wide summary) only those that add up, and the derived
 * cost per million requests. Errors are left in sink->status.
 */
void run_write_summary(struct trace_sink *sink, const char *prefix, const struct run_summary *r,
                       bool stack);

int run_decisions_open_at(struct trace_sink *sink, const char *path, struct trace_table **out);

/** Append `d` as one row of a table from run_decisions_open. \return 0 or the sink's error. */
int run_decision_append(struct trace_sink *sink, struct trace_table *t,
                        const struct policy_decision *d);

#endif /* ASGSIM_RUN_H */
