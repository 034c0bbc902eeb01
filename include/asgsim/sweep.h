/*
 * sweep.h - parameter sweeps: the sweep file, its numbered points, per-run result records,
 * per-point statistics and the append-only journal that lets a killed sweep resume.
 *
 * A sweep file names a base scenario, axes (each a CloudFormation parameter or a dotted
 * property path, with a list or a range of values) and a replication count. The points
 * are the Cartesian product of the axes, numbered from 0 with the FIRST axis varying
 * slowest. Run (point p, replication r) has index p * replications + r.
 *
 * Seeds: every replication r runs with rng_set_init(base, 0, r), i.e. the point is NOT an
 * input of the seed derivation, so replication r of every point sees the same random
 * streams (common random numbers). The point is recorded separately.
 *
 * This module knows nothing of AWS or of how a run is done; the CLI does that. The figures
 * of a run are the summary metrics (include/asgsim/summary.h).
 */
#ifndef ASGSIM_SWEEP_H
#define ASGSIM_SWEEP_H

#include "asgsim/diag.h"
#include "asgsim/summary.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Limits that keep a sweep's bookkeeping small (results are kept in memory). */
#define SWEEP_MAX_VALUES       100000 /* values on one axis */
#define SWEEP_MAX_RUNS         10000000
#define SWEEP_MAX_REPLICATIONS 100000

enum sweep_target {
    SWEEP_PARAMETER, /* a CloudFormation parameter (like --parameter Name=Value) */
    SWEEP_PATH       /* a dotted property path into the template */
};

struct sweep_axis {
    char *name;               /* column name in /sweep/points */
    enum sweep_target target; /* what the values replace */
    char *key;                /* parameter name or dotted path */
    char **values;            /* as text, in order */
    size_t nr_values;
    bool numeric;       /* every value is a number: stored as F64, else as text */
    size_t max_len;     /* longest value in bytes */
    struct src_loc loc; /* the axis in the sweep file (file owned by the spec) */
};

struct sweep_spec {
    char *path;           /* sweep file as given */
    unsigned char *bytes; /* its exact bytes */
    size_t len;
    char sha256[65];     /* of `bytes`, hex */
    char *scenario_path; /* Scenario, relative to the sweep file's folder */
    struct src_loc scenario_loc;
    struct sweep_axis *axes;
    size_t nr_axes;
    uint64_t nr_points;    /* product of the axes' value counts (1 with no axes) */
    uint32_t replications; /* per point */
    bool has_seed;         /* Seed given: replaces the scenario's base seed */
    uint64_t seed;
};

/**
 * Parse `len` bytes of a sweep file named `file` (used in messages and to resolve the
 * scenario path). Every error is reported as FILE:LINE:COL.
 * \return 0 and *out (owned; sweep_spec_release()), or ASG_EINVAL / ASG_EFORMAT / ASG_ELIMIT
 *         with diagnostics in `d`; *out is zeroed on failure.
 */
int sweep_spec_parse(struct sweep_spec *out, const char *file, const void *bytes, size_t len,
                     struct diag_list *d);

/** Read the file at `path` and parse it. \return as sweep_spec_parse(), or ASG_ENOENT/ASG_EIO. */
int sweep_spec_load(struct sweep_spec *out, const char *path, struct diag_list *d);

/** Free everything the spec owns; safe on a zeroed spec. */
void sweep_spec_release(struct sweep_spec *s);

/** Index into axes[axis].values of point `point` (first axis slowest). */
size_t sweep_value_index(const struct sweep_spec *s, uint64_t point, size_t axis);

/** Value text of axis `axis` at point `point` (owned by the spec). */
const char *sweep_value(const struct sweep_spec *s, uint64_t point, size_t axis);

/**
 * Parse "I/N" (0 <= I < N) into *index and *count. \return false when malformed
 * (outputs untouched).
 */
bool sweep_parse_shard(const char *text, uint32_t *index, uint32_t *count);

/** true when `point` belongs to shard index/count (every count-th point from index). */
bool sweep_point_in_shard(uint64_t point, uint32_t index, uint32_t count);

/**
 * The figures of one run, as sent from a worker to the parent (fixed-size binary record):
 * the whole summary. /sweep/results has one column per metric of the table in
 * include/asgsim/summary.h, /sweep/stats five (<name>_mean, _sd, _ci_low, _ci_high, _n).
 */
struct sweep_result {
    uint32_t point;
    uint32_t replication;
    int32_t status; /* 0, or the negative asg_status the run failed with */
    uint32_t reserved;
    struct run_summary summary;
};

/* Columns of /sweep/stats per metric: _mean, _sd, _ci_low, _ci_high, _n. */
enum { SWEEP_NR_STATS = 5 };

struct sweep_stats {
    double mean;
    double sd;     /* sample standard deviation; NAN for n < 2 */
    double ci_low; /* 95 % percentile bootstrap of the mean (fixed seed); NAN for n < 2 */
    double ci_high;
};

/**
 * Mean, standard deviation and 95 % confidence interval of the mean of n >= 1 values. The
 * interval is a percentile bootstrap (2000 resamples, fixed seed): it stays within
 * [min, max] of the values, unlike a Student t interval on skewed or bimodal data.
 */
void sweep_stats_compute(const double *x, size_t n, struct sweep_stats *out);

/*
 * The journal: a header naming the sweep (a key string) followed by one fixed-size
 * sweep_result per finished run, each fsync'd. A torn last record (a kill mid-write) is
 * ignored on reopen.
 */
struct sweep_journal {
    int fd;
    char *path;
};

/**
 * Open the journal at `path` for sweep `key` (any text that changes when the sweep does).
 * resume = false starts it empty. resume = true keeps the records of a journal with the
 * same key and returns them in *done (caller frees) and *nr_done; a journal with another
 * key is an error (ASG_EINVAL: the sweep file or scenario changed), and a missing one
 * starts empty.
 * \return 0, or a negative asg_status with a diagnostic in `d`.
 */
int sweep_journal_open(struct sweep_journal *j, const char *path, const char *key, bool resume,
                       struct sweep_result **done, size_t *nr_done, struct diag_list *d);

/** Append one record and fsync it. \return 0 or ASG_EIO. */
int sweep_journal_append(struct sweep_journal *j, const struct sweep_result *r);

/** Close; remove = true deletes the file (the sweep's output is committed). Zeroed-safe. */
void sweep_journal_close(struct sweep_journal *j, bool remove);

/*
 * Reading a sweep output back (commands/h5sweep.c, through h5in.h), for `asgsim merge`: the
 * results table and the provenance needed to rebuild the points.
 */
struct sweep_file {
    char *sweep_path; /* attribute /provenance sweep_path */
    char *sweep_text; /* /provenance/sweep, exact sweep file bytes */
    size_t sweep_len;
    char *scenario_path; /* attribute /provenance scenario_path */
    char *scenario_text; /* /provenance/scenario */
    size_t scenario_len;
    uint64_t base_seed;           /* attribute /sweep base_seed_text (exact decimal) */
    struct sweep_result *results; /* rows of /sweep/results (status 0) */
    size_t nr_results;
};

/**
 * Read the sweep output at `path`. \return 0 and *out (sweep_file_release()), or ASG_ENOENT /
 * ASG_EFORMAT (not a sweep output) / ASG_EIO with a diagnostic naming the file.
 */
int sweep_file_read(struct sweep_file *out, const char *path, struct diag_list *d);

/** Free what the struct owns; safe on a zeroed one. */
void sweep_file_release(struct sweep_file *f);

#endif /* ASGSIM_SWEEP_H */
