/*
 * calibrate.h - fitting a group's capacity from its CloudWatch history (asgsim calibrate).
 *
 * A history is a CSV as CloudWatch gives it (the console's "Download as CSV", or
 * get-metric-data flattened): a timestamp column (ISO 8601) and one column per metric, one
 * row per period (1 or 5 minutes; detected from the timestamps). asgsim's serving model
 * says CPUUtilization = 100 * load / (InService * vCPUs * CapacityRpsPerVcpu); the fit is a
 * least-squares line through the points below saturation, with an intercept for the CPU an
 * idle instance uses (asgsim models none, so it is reported, not carried over).
 * Latency: asgsim's only latency parameter is the service time 1 / CapacityRpsPerVcpu (plus
 * M/M/c waiting), so a TargetResponseTime column gives a second, latency-implied estimate of
 * the same parameter, reported beside the CPU fit as a check.
 */
#ifndef ASGSIM_CALIBRATE_H
#define ASGSIM_CALIBRATE_H

#include "asgsim/diag.h"

#include <stdbool.h>
#include <stddef.h>

/** What a column measures. */
enum calib_kind {
    CALIB_TIME,                /* ISO 8601 timestamp */
    CALIB_REQUESTS,            /* requests per period, group total (RequestCount, Sum) */
    CALIB_REQUESTS_PER_TARGET, /* requests per period per instance (RequestCountPerTarget) */
    CALIB_RPS,                 /* requests/s, group total (a custom load metric) */
    CALIB_CPU,                 /* CPUUtilization, Average, percent */
    CALIB_IN_SERVICE,          /* GroupInServiceInstances, Average, instances */
    CALIB_LATENCY,             /* TargetResponseTime, Average, seconds */
    CALIB_KIND_NR
};

/** The --column names of the kinds ("time", "requests", "cpu", ...). */
extern const char *const calib_kind_names[CALIB_KIND_NR];

/** At least this many points must remain for a fit. */
#define CALIB_MIN_POINTS 10

/** A history read from CSV; owned, freed by calib_history_release(). */
struct calib_history {
    char *path;
    double *time_s;              /* UTC seconds since 1970, increasing */
    double *v[CALIB_KIND_NR];    /* per row; NAN where the cell is empty (NULL: no column) */
    char *column[CALIB_KIND_NR]; /* the header name bound to each kind (NULL: none) */
    unsigned *line;              /* the file line of each row */
    size_t nr;
    double period_s; /* the metrics' period */
};

/**
 * Read `path`. Header names are matched case-insensitively against CloudWatch's metric names
 * (a header may carry a prefix such as "my-asg CPUUtilization"); `names[k]`, when not NULL,
 * is the exact (case-insensitive) header of kind k instead. Other columns are ignored.
 * Rows may come in any order (get-metric-data returns newest first). `period_s` > 0 gives
 * the period (for a history sparser than its period); 0 detects it as the smallest step
 * between rows. Every step must be a whole number of periods (gaps are fine).
 * \return 0; ASG_ENOENT (unreadable, one diagnostic); ASG_EINVAL with a located diagnostic
 * (FILE:LINE:COL) for a bad header, timestamp or value. *h is untouched on failure.
 */
int calib_history_load(struct calib_history *h, const char *path,
                       const char *const names[CALIB_KIND_NR], double period_s,
                       struct diag_list *d);

void calib_history_release(struct calib_history *h);

/** A least-squares line y = intercept + slope * x (or through the origin). */
struct calib_line {
    double slope, slope_se;
    double intercept, intercept_se; /* 0 through the origin */
    double r2;                      /* 1 - residual SS / total SS about the mean */
    double rmse;                    /* residual standard error */
    double t95;                     /* Student t quantile for a two-sided 95 % interval */
    size_t n;
};

/**
 * Fit y against x with gsl_fit_linear (or gsl_fit_mul when `origin`). \return 0, or
 * ASG_EINVAL when there are fewer than 3 points or x does not vary (out untouched).
 */
int calib_fit_line(const double *x, const double *y, size_t n, bool origin, struct calib_line *out);

struct calib_opts {
    double vcpus;       /* vCPUs per instance (> 0) */
    double max_cpu_pct; /* points at or above this CPU are saturated, left out (e.g. 90) */
    bool origin;        /* fit without the idle intercept */
};

struct calib_result {
    enum calib_kind load_kind; /* the load column used */
    size_t nr_rows, nr_used;
    size_t nr_missing;                  /* a load, CPU or in-service cell empty */
    size_t nr_no_instances;             /* in service 0 */
    size_t nr_changing;                 /* in service not a whole number: the group changed size */
    size_t nr_saturated;                /* CPU >= max_cpu_pct */
    struct calib_line line;             /* CPU % against requests/s per vCPU */
    double capacity_rps_per_vcpu;       /* 100 / slope */
    double capacity_se;                 /* by the delta method: 100 * slope_se / slope^2 */
    double capacity_low, capacity_high; /* 95 % interval (from the slope's; high may be inf) */
    double load_min, load_max;          /* requests/s per vCPU of the points used */
    /* latency (nr_latency == 0 without a latency column) */
    size_t nr_latency;
    double latency_mean_s;       /* observed mean over the points used */
    double latency_model_s;      /* asgsim's mean sojourn at the fitted capacity */
    double latency_capacity_rps; /* the CapacityRpsPerVcpu whose sojourn fits the latency */
    bool latency_fits;           /* its mean sojourn is within 10 % of the observed mean (else no
                                    service time explains the latencies) */
};

/**
 * Fit `h` with `o`. \return 0; ASG_EINVAL with a diagnostic when a load, CPU or in-service
 * column is missing, when fewer than CALIB_MIN_POINTS points remain (the message counts the
 * dropped ones), or when CPU does not rise with load. *r is untouched on failure.
 */
int calib_fit(const struct calib_history *h, const struct calib_opts *o, struct calib_result *r,
              struct diag_list *d);

/** Mean M/M/c sojourn time (s) at `rps` requests/s on `c` servers of service time `s_s`. */
double calib_mmc_sojourn_s(double rps, double c, double s_s);

#endif /* ASGSIM_CALIBRATE_H */
