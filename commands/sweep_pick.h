/*
 * sweep_pick.h - reading a finished sweep back to choose a point: objectives a planner
 * sets (p99 latency, drop rate, time over the latency objective), per-point figures over
 * replications, the cheapest point that meets the objectives, and the cost-latency front.
 * Shared by `asgsim recommend` and `asgsim report` on a sweep (private to the executable).
 */
#ifndef ASGSIM_SWEEP_PICK_H
#define ASGSIM_SWEEP_PICK_H

#include "asgsim/sweep.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Objectives; a field is NAN when not set. A replication passes when it meets every set one. */
struct pick_objectives {
    double max_p99_s;       /* --max-p99: latency_p99_s of the run, seconds */
    double max_drop_rate;   /* --max-drop-rate: requests_dropped / requests_arrived */
    double max_time_over_s; /* --max-time-over-objective: time_over_objective_s */
    double min_pass;        /* --min-pass: share of replications that must pass, 0..1 */
    unsigned nr_runners_up; /* --runners-up */
};

/* getopt codes of the objective options (above any short option). */
enum {
    PICK_OPT_MAX_P99 = 1000,
    PICK_OPT_MAX_DROP,
    PICK_OPT_MAX_OVER,
    PICK_OPT_MIN_PASS,
    PICK_OPT_RUNNERS_UP
};

/* getopt_long entries for the options above (terminated by the caller's own table). */
#define PICK_LONG_OPTIONS                                                                          \
    { "max-p99", required_argument, NULL, PICK_OPT_MAX_P99 },                                      \
            { "max-drop-rate", required_argument, NULL, PICK_OPT_MAX_DROP },                       \
            { "max-time-over-objective", required_argument, NULL, PICK_OPT_MAX_OVER },             \
            { "min-pass", required_argument, NULL, PICK_OPT_MIN_PASS },                            \
    {                                                                                              \
        "runners-up", required_argument, NULL, PICK_OPT_RUNNERS_UP                                 \
    }

/* The help lines of those options. */
extern const char pick_options_help[];

/** No objective set, every replication must pass, 3 runners-up. */
void pick_objectives_init(struct pick_objectives *o);

/** true when at least one objective is set. */
bool pick_objectives_any(const struct pick_objectives *o);

/**
 * Take one objective option (`opt` a PICK_OPT_* code, `arg` its value). \return 1 when
 * taken, 0 when `opt` is not one of them, or an exit code (65: a bad value or unit) after
 * printing the error.
 */
int pick_option(struct pick_objectives *o, const char *cmd, int opt, const char *arg);

/**
 * For an option getopt did not know: when it looks like an objective (`--max-...`), print
 * "unknown objective" with the closest name and \return 65; else \return 0.
 */
int pick_unknown_objective(const char *cmd, const char *arg);

/* One point's figures over its replications (mean of per-run values). */
struct pick_point {
    uint64_t point;
    size_t n;                   /* replications found */
    double cost_mean;           /* cost_total_usd */
    double p99_mean;            /* latency_p99_s (NaN when a run served nothing) */
    double drop_rate_mean;      /* requests_dropped / requests_arrived (0 with no arrivals) */
    double time_over_mean;      /* time_over_objective_s */
    size_t nr_pass;             /* replications that meet every objective */
    double pass_low, pass_high; /* 95 % Wilson score interval on nr_pass / n */
    bool mean_ok;               /* the means meet every objective */
    bool ok;                    /* mean_ok and nr_pass / n >= min_pass */
    bool front;                 /* on the cost / p99 Pareto front (both minimised) */
};

/* A sweep output opened for choosing. */
struct pick_sweep {
    const char *input;      /* the file, borrowed */
    struct sweep_file file; /* results and provenance */
    struct sweep_spec spec; /* the sweep file, re-read from /provenance/sweep */
    struct pick_point *points;
    size_t nr_points;
    bool has_latency; /* some run served requests */
};

/**
 * Read a sweep output. \return 0, or an exit code after printing the error: 66 missing,
 * 65 not a sweep output (e.g. a run trace: the message says so).
 */
int pick_sweep_open(struct pick_sweep *s, const char *input);

/**
 * Figures and pass counts of every point against `o`, and the front. \return 0, or 65
 * after printing why (an objective on latency when no run served a request).
 */
int pick_sweep_evaluate(struct pick_sweep *s, const struct pick_objectives *o, const char *cmd);

/**
 * Indices into s->points of the points that meet the objectives, cheapest first (ties by
 * point number); *nr of them. Caller frees.
 */
size_t *pick_sweep_ranked(const struct pick_sweep *s, size_t *nr);

/** "Name=Value, Name=Value" of a point's axes (caller frees). */
char *pick_point_label(const struct pick_sweep *s, uint64_t point);

/**
 * Print the recommendation: the objectives, how many points meet them, the cheapest with
 * its figures and pass interval, the runners-up, and the `asgsim run` line that re-runs
 * it. As text, or with `json` as one JSON object. \return 0 when a point meets them, 1 when
 * none does.
 */
int pick_print_recommendation(FILE *out, const struct pick_sweep *s,
                              const struct pick_objectives *o, bool json);

/** One point as a JSON object: axes, figures, pass count and interval, its run line. */
void pick_print_point_json(FILE *out, const struct pick_sweep *s, const struct pick_point *pt);

/** One point as a text row under pick_print_points_header() ('*': on the front). */
void pick_print_point_text(FILE *out, const struct pick_sweep *s, const struct pick_point *pt);
void pick_print_points_header(FILE *out);

/** Free what `s` owns; safe on a zeroed one. */
void pick_sweep_release(struct pick_sweep *s);

#endif /* ASGSIM_SWEEP_PICK_H */
