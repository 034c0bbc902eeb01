/*
 * Fitting CapacityRpsPerVcpu from a group's CloudWatch history (calibrate.h): reading the
 * CSV, choosing the points, the least-squares line and the latency check.
 */
#include "asgsim/calibrate.h"

#include "asgsim/infile.h"
#include "asgsim/serve.h"
#include "asgsim/util.h"
#include "asgsim/workload.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asgsim/banned.h"

const char *const calib_kind_names[CALIB_KIND_NR] = {
    [CALIB_TIME] = "time",
    [CALIB_REQUESTS] = "requests",
    [CALIB_REQUESTS_PER_TARGET] = "requests-per-target",
    [CALIB_RPS] = "rps",
    [CALIB_CPU] = "cpu",
    [CALIB_IN_SERVICE] = "in-service",
    [CALIB_LATENCY] = "latency",
};

/* CloudWatch's names for each kind (AWS/ApplicationELB, AWS/EC2, AWS/AutoScaling); a custom
   load metric in requests/s has no standard name, so it needs --column rps=NAME. */
static const char *const default_names[CALIB_KIND_NR][4] = {
    [CALIB_TIME] = { "Timestamp", "Timestamps", "Time", "Date" },
    [CALIB_REQUESTS] = { "RequestCount" },
    [CALIB_REQUESTS_PER_TARGET] = { "RequestCountPerTarget" },
    [CALIB_CPU] = { "CPUUtilization" },
    [CALIB_IN_SERVICE] = { "GroupInServiceInstances" },
    [CALIB_LATENCY] = { "TargetResponseTime" },
};

struct field {
    char *s;      /* unquoted, trimmed, NUL-terminated inside the line buffer */
    uint32_t col; /* 1-based column of its first character */
};

/* Split a CSV line in place; a field in double quotes may hold commas ("" is a quote). */
static size_t split_csv(char *line, struct field **f, size_t *alloc)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        ALLOC_GROW(*f, n + 1, *alloc);
        (*f)[n].col = (uint32_t)(p - line) + 1;
        char *start = p, *w = p;
        if (*p == '"') {
            p++;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"')
                    p++;
                *w++ = *p++;
            }
            if (*p == '"')
                p++;
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                p++;
            w = p;
            while (w > start && (w[-1] == ' ' || w[-1] == '\t'))
                w--;
        }
        char stop = *p;
        *w = '\0';
        (*f)[n++].s = start;
        if (stop != ',')
            return n;
        p++;
    }
}

/* `header` names `name`: equal, or ending in it after a separator ("my-asg CPUUtilization"). */
static bool names_metric(const char *header, const char *name)
{
    size_t lh = strlen(header), ln = strlen(name);
    if (lh < ln || strcasecmp(header + lh - ln, name) != 0)
        return false;
    if (lh == ln)
        return true;
    char c = header[lh - ln - 1];
    return c == ' ' || c == '/' || c == ':' || c == '.' || c == '_' || c == '-';
}

static int bind_header(struct calib_history *h, struct field *f, size_t n,
                       const char *const names[CALIB_KIND_NR], int *col_of, struct diag_list *d)
{
    for (int k = 0; k < CALIB_KIND_NR; k++)
        col_of[k] = -1;
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < CALIB_KIND_NR; k++) {
            bool match = false;
            if (names && names[k])
                match = strcasecmp(f[i].s, names[k]) == 0;
            else
                for (size_t j = 0; j < 4 && default_names[k][j]; j++)
                    match = match || names_metric(f[i].s, default_names[k][j]);
            if (!match)
                continue;
            if (col_of[k] >= 0) {
                struct src_loc loc = { h->path, 1, f[i].col };
                return diag_error(d, &loc,
                                  "columns '%s' and '%s' both look like %s: choose one with "
                                  "--column %s=NAME",
                                  f[col_of[k]].s, f[i].s, calib_kind_names[k], calib_kind_names[k]);
            }
            col_of[k] = (int)i;
            break;
        }
    }
    for (int k = 0; k < CALIB_KIND_NR; k++)
        if (names && names[k] && col_of[k] < 0) {
            struct src_loc loc = { h->path, 1, 1 };
            return diag_error(d, &loc, "no column '%s' (--column %s=%s) in the header", names[k],
                              calib_kind_names[k], names[k]);
        }
    /* Without a named time column the first one is the time (the console's layout). */
    if (col_of[CALIB_TIME] < 0) {
        for (int k = 1; k < CALIB_KIND_NR; k++)
            if (col_of[k] == 0) {
                struct src_loc loc = { h->path, 1, 1 };
                return diag_error(d, &loc,
                                  "no timestamp column: expected 'Timestamp' (or --column "
                                  "time=NAME)");
            }
        col_of[CALIB_TIME] = 0;
    }
    for (int k = 0; k < CALIB_KIND_NR; k++)
        if (col_of[k] >= 0)
            h->column[k] = xstrdup(f[col_of[k]].s);
    return 0;
}

static int parse_value(const struct calib_history *h, enum calib_kind k, const struct field *f,
                       unsigned lineno, double *out, struct diag_list *d)
{
    struct src_loc loc = { h->path, lineno, f->col };
    if (*f->s == '\0') {
        *out = (double)NAN; /* CloudWatch had no datapoint for this period */
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(f->s, &end);
    if (end == f->s || *end || errno || !isfinite(v))
        return diag_error(d, &loc, "bad %s value '%s' in column '%s': expected a number",
                          calib_kind_names[k], f->s, h->column[k]);
    if (v < 0)
        return diag_error(d, &loc, "%s value %g in column '%s' must be >= 0", calib_kind_names[k],
                          v, h->column[k]);
    if (k == CALIB_CPU && v > 100)
        return diag_error(d, &loc, "CPU utilization %g in column '%s' is above 100 %%", v,
                          h->column[k]);
    *out = v;
    return 0;
}

static int read_row(struct calib_history *h, struct field *f, size_t n, const int *col_of,
                    unsigned lineno, struct diag_list *d)
{
    size_t r = h->nr, tc = (size_t)col_of[CALIB_TIME];
    if (tc >= n || !workload_parse_iso8601(f[tc].s, &h->time_s[r])) {
        struct src_loc loc = { h->path, lineno, tc < n ? f[tc].col : 1 };
        return diag_error(d, &loc,
                          "bad timestamp '%s': expected an ISO 8601 time (like "
                          "2024-01-01T00:00:00Z)",
                          tc < n ? f[tc].s : "");
    }
    h->line[r] = lineno;
    for (int k = 1; k < CALIB_KIND_NR; k++) {
        if (col_of[k] < 0)
            continue;
        if ((size_t)col_of[k] >= n) {
            h->v[k][r] = (double)NAN; /* a short row: the trailing cells are empty */
            continue;
        }
        int rc = parse_value(h, (enum calib_kind)k, &f[col_of[k]], lineno, &h->v[k][r], d);
        if (rc < 0)
            return rc;
    }
    h->nr++;
    return 0;
}

struct row_key {
    double t;
    size_t i;
};

static int cmp_rows(const void *a, const void *b)
{
    const struct row_key *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* Rows in time order (CloudWatch's get-metric-data gives newest first), no duplicates. */
static int sort_rows(struct calib_history *h, struct diag_list *d)
{
    struct row_key *key = xcalloc(h->nr, sizeof(*key));
    for (size_t i = 0; i < h->nr; i++)
        key[i] = (struct row_key){ h->time_s[i], i };
    qsort(key, h->nr, sizeof(*key), cmp_rows);
    size_t *idx = xcalloc(h->nr, sizeof(*idx));
    for (size_t i = 0; i < h->nr; i++)
        idx[i] = key[i].i;
    free(key);
    double *t = xcalloc(h->nr, sizeof(*t));
    unsigned *line = xcalloc(h->nr, sizeof(*line));
    for (size_t i = 0; i < h->nr; i++) {
        t[i] = h->time_s[idx[i]];
        line[i] = h->line[idx[i]];
    }
    for (int k = 1; k < CALIB_KIND_NR; k++) {
        if (!h->v[k])
            continue;
        double *v = xcalloc(h->nr, sizeof(*v));
        for (size_t i = 0; i < h->nr; i++)
            v[i] = h->v[k][idx[i]];
        free(h->v[k]);
        h->v[k] = v;
    }
    free(h->time_s);
    free(h->line);
    h->time_s = t;
    h->line = line;
    free(idx);
    for (size_t i = 1; i < h->nr; i++)
        if (t[i] == t[i - 1]) {
            unsigned a = line[i - 1] < line[i] ? line[i - 1] : line[i];
            unsigned b = line[i - 1] < line[i] ? line[i] : line[i - 1];
            struct src_loc loc = { h->path, b, 1 };
            return diag_error(d, &loc, "the same timestamp as line %u", a);
        }
    return 0;
}

/* The period: the smallest step, which every other step must be a multiple of (gaps). */
static int detect_period(struct calib_history *h, double given_s, struct diag_list *d)
{
    double p = given_s;
    if (!(p > 0)) {
        p = (double)INFINITY;
        for (size_t i = 1; i < h->nr; i++)
            p = fmin(p, h->time_s[i] - h->time_s[i - 1]);
        if (!isfinite(p))
            p = 60; /* one row: nothing to fit anyway */
    }
    h->period_s = p;
    for (size_t i = 1; i < h->nr; i++) {
        double step = h->time_s[i] - h->time_s[i - 1], q = step / p;
        if (q < 1 - 1e-6 || fabs(q - round(q)) > 1e-6) {
            struct src_loc loc = { h->path, h->line[i], 1 };
            return diag_error(d, &loc,
                              "timestamps are not on a regular period: %g s after the previous "
                              "row, not a whole number of %s%g s periods",
                              step, given_s > 0 ? "--period " : "", p);
        }
    }
    return 0;
}

int calib_history_load(struct calib_history *out, const char *path,
                       const char *const names[CALIB_KIND_NR], double period_s, struct diag_list *d)
{
    FILE *fp = NULL;
    int rc = infile_open(&fp, path, "CloudWatch history", INFILE_MAX_TRACE, d);
    if (rc < 0)
        return rc;
    struct calib_history h = { .path = xstrdup(path) };
    struct field *f = NULL;
    size_t falloc = 0, alloc_t = 0, alloc_l = 0, alloc_v[CALIB_KIND_NR] = { 0 };
    int col_of[CALIB_KIND_NR];
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned lineno = 0;
    bool header = false;
    while ((len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        const char *nul = memchr(line, '\0', (size_t)len);
        if (nul) {
            struct src_loc loc = { path, lineno, (uint32_t)(nul - line) + 1 };
            rc = diag_error(d, &loc, "NUL byte in CloudWatch history");
            goto out;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *p = line;
        if (lineno == 1 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
            (unsigned char)p[2] == 0xbf)
            memset(p, ' ', 3); /* a spreadsheet's UTF-8 byte order mark */
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        size_t n = split_csv(line, &f, &falloc);
        if (!header) {
            if ((rc = bind_header(&h, f, n, names, col_of, d)) < 0)
                goto out;
            header = true;
            continue;
        }
        ALLOC_GROW(h.time_s, h.nr + 1, alloc_t);
        ALLOC_GROW(h.line, h.nr + 1, alloc_l);
        for (int k = 1; k < CALIB_KIND_NR; k++)
            if (col_of[k] >= 0)
                ALLOC_GROW(h.v[k], h.nr + 1, alloc_v[k]);
        if ((rc = read_row(&h, f, n, col_of, lineno, d)) < 0)
            goto out;
    }
    if (ferror(fp)) {
        rc = diag_error_status(d, ASG_EIO, NULL, "reading '%s' failed", path);
        goto out;
    }
    if (!header || h.nr == 0) {
        struct src_loc loc = { path, lineno ? lineno : 1, 1 };
        rc = diag_error(d, &loc, "the CloudWatch history has %s",
                        header ? "a header but no rows" : "no header and no rows");
        goto out;
    }
    if ((rc = sort_rows(&h, d)) < 0 || (rc = detect_period(&h, period_s, d)) < 0)
        goto out;
    *out = h;
    memset(&h, 0, sizeof(h));
out:
    calib_history_release(&h);
    free(f);
    free(line);
    fclose(fp);
    return rc;
}

void calib_history_release(struct calib_history *h)
{
    free(h->path);
    free(h->time_s);
    free(h->line);
    for (int k = 0; k < CALIB_KIND_NR; k++) {
        free(h->v[k]);
        free(h->column[k]);
    }
    memset(h, 0, sizeof(*h));
}

int calib_fit_line(const double *x, const double *y, size_t n, bool origin, struct calib_line *out)
{
    if (n < 3)
        return ASG_EINVAL;
    double xmin = x[0], xmax = x[0], ymean = 0;
    for (size_t i = 0; i < n; i++) {
        xmin = fmin(xmin, x[i]);
        xmax = fmax(xmax, x[i]);
        ymean += y[i] / (double)n;
    }
    if (!(xmax > xmin) && !(origin && xmax > 0))
        return ASG_EINVAL;
    struct calib_line l = { .n = n };
    double sumsq, cov11;
    size_t dof;
    if (origin) {
        gsl_fit_mul(x, 1, y, 1, n, &l.slope, &cov11, &sumsq);
        dof = n - 1;
    } else {
        double cov00, cov01;
        gsl_fit_linear(x, 1, y, 1, n, &l.intercept, &l.slope, &cov00, &cov01, &cov11, &sumsq);
        l.intercept_se = sqrt(cov00);
        dof = n - 2;
    }
    l.slope_se = sqrt(cov11);
    double sst = 0;
    for (size_t i = 0; i < n; i++)
        sst += (y[i] - ymean) * (y[i] - ymean);
    l.r2 = sst > 0 ? 1 - sumsq / sst : (double)NAN;
    l.rmse = sqrt(sumsq / (double)dof);
    l.t95 = gsl_cdf_tdist_Pinv(0.975, (double)dof);
    *out = l;
    return 0;
}

double calib_mmc_sojourn_s(double rps, double c, double s_s)
{
    double servers = fmax(1, round(c));
    double a = rps * s_s; /* offered load in busy servers */
    if (a >= servers)
        return (double)INFINITY;
    return s_s + serve_erlang_c((unsigned)servers, a) * s_s / (servers - a);
}

struct lat_point {
    double rps, c, latency_s;
};

static double lat_sse(const struct lat_point *p, size_t n, double s)
{
    double sse = 0;
    for (size_t i = 0; i < n; i++) {
        double e = p[i].latency_s - calib_mmc_sojourn_s(p[i].rps, p[i].c, s);
        sse += e * e;
    }
    return sse;
}

/* The service time whose M/M/c mean sojourn fits the latencies best: a log grid up to the
   stability limit, then golden-section search around the best grid point. */
static double fit_service_time(const struct lat_point *p, size_t n)
{
    double hi = 1e3;
    for (size_t i = 0; i < n; i++)
        if (p[i].rps > 0)
            hi = fmin(hi, fmax(1, round(p[i].c)) / p[i].rps * (1 - 1e-9));
    double lo = 1e-7;
    if (!(hi > lo))
        return (double)NAN;

    enum { GRID = 400 };

    double best = lo, best_sse = (double)INFINITY, step = log(hi / lo) / (GRID - 1);
    size_t bi = 0;
    for (size_t i = 0; i < GRID; i++) {
        double s = lo * exp(step * (double)i), e = lat_sse(p, n, s);
        if (e < best_sse) {
            best_sse = e;
            best = s;
            bi = i;
        }
    }
    double a = lo * exp(step * (double)(bi ? bi - 1 : 0));
    double b = lo * exp(step * (double)(bi + 1 < GRID ? bi + 1 : bi));
    const double g = (sqrt(5.0) - 1) / 2;
    for (int it = 0; it < 200 && b - a > 1e-12 * b; it++) {
        double c = b - g * (b - a), e = a + g * (b - a);
        if (lat_sse(p, n, c) < lat_sse(p, n, e))
            b = e;
        else
            a = c;
    }
    double s = (a + b) / 2;
    return lat_sse(p, n, s) <= best_sse ? s : best;
}

static int missing_column(const struct calib_history *h, const char *what, const char *names,
                          struct diag_list *d)
{
    struct src_loc loc = { h->path, 1, 1 };
    return diag_error(d, &loc, "no %s column in the header: expected %s", what, names);
}

int calib_fit(const struct calib_history *h, const struct calib_opts *o, struct calib_result *r,
              struct diag_list *d)
{
    enum calib_kind lk = h->v[CALIB_REQUESTS]              ? CALIB_REQUESTS
                         : h->v[CALIB_REQUESTS_PER_TARGET] ? CALIB_REQUESTS_PER_TARGET
                         : h->v[CALIB_RPS]                 ? CALIB_RPS
                                                           : CALIB_TIME;
    if (lk == CALIB_TIME)
        return missing_column(h, "load",
                              "RequestCount or RequestCountPerTarget (or --column "
                              "requests=NAME, requests-per-target=NAME, rps=NAME)",
                              d);
    if (!h->v[CALIB_CPU])
        return missing_column(h, "CPU", "CPUUtilization (or --column cpu=NAME)", d);
    if (!h->v[CALIB_IN_SERVICE])
        return missing_column(h, "in-service",
                              "GroupInServiceInstances (or --column in-service=NAME)", d);
    struct calib_result res = { .load_kind = lk, .nr_rows = h->nr };
    double *x = xcalloc(h->nr, sizeof(*x)), *y = xcalloc(h->nr, sizeof(*y));
    struct lat_point *lp = xcalloc(h->nr, sizeof(*lp));
    size_t n = 0;
    for (size_t i = 0; i < h->nr; i++) {
        double load = h->v[lk][i], cpu = h->v[CALIB_CPU][i], in = h->v[CALIB_IN_SERVICE][i];
        if (isnan(load) || isnan(cpu) || isnan(in)) {
            res.nr_missing++;
            continue;
        }
        if (in <= 0) {
            res.nr_no_instances++;
            continue;
        }
        /* An average that is not a whole number: the group changed size within the period,
           and CPU (averaged over the instances reporting) no longer matches the load over
           the average count (the minute an empty group's first instances come in shows
           a load per instance several times the true one). */
        if (fabs(in - round(in)) > 1e-3) {
            res.nr_changing++;
            continue;
        }
        if (cpu >= o->max_cpu_pct) {
            res.nr_saturated++;
            continue;
        }
        double rps = lk == CALIB_REQUESTS              ? load / h->period_s
                     : lk == CALIB_REQUESTS_PER_TARGET ? load * in / h->period_s
                                                       : load;
        x[n] = rps / (in * o->vcpus);
        y[n] = cpu;
        if (h->v[CALIB_LATENCY] && !isnan(h->v[CALIB_LATENCY][i]))
            lp[res.nr_latency++] = (struct lat_point){ rps, in * o->vcpus, h->v[CALIB_LATENCY][i] };
        n++;
    }
    int rc = 0;
    if (n < CALIB_MIN_POINTS) {
        struct src_loc loc = { h->path, 0, 0 };
        rc = diag_error(d, &loc,
                        "too few points to fit: %zu of %zu rows usable (%zu with a missing "
                        "value, %zu with no instance in service, %zu while the group changed "
                        "size, %zu at CPU >= %g %%); at least %d are needed",
                        n, h->nr, res.nr_missing, res.nr_no_instances, res.nr_changing,
                        res.nr_saturated, o->max_cpu_pct, CALIB_MIN_POINTS);
        goto out;
    }
    if (calib_fit_line(x, y, n, o->origin, &res.line) < 0 || !(res.line.slope > 0)) {
        struct src_loc loc = { h->path, 0, 0 };
        rc = diag_error(d, &loc,
                        "CPU utilization does not rise with the load per instance over these "
                        "%zu points: no capacity can be fitted",
                        n);
        goto out;
    }
    const struct calib_line *l = &res.line;
    res.nr_used = n;
    res.capacity_rps_per_vcpu = 100 / l->slope;
    res.capacity_se = 100 * l->slope_se / (l->slope * l->slope);
    double s_lo = l->slope - l->t95 * l->slope_se, s_hi = l->slope + l->t95 * l->slope_se;
    res.capacity_low = 100 / s_hi;
    res.capacity_high = s_lo > 0 ? 100 / s_lo : (double)INFINITY;
    res.load_min = res.load_max = x[0];
    for (size_t i = 0; i < n; i++) {
        res.load_min = fmin(res.load_min, x[i]);
        res.load_max = fmax(res.load_max, x[i]);
    }
    if (res.nr_latency) {
        double sum = 0, model = 0;
        size_t nm = 0;
        for (size_t i = 0; i < res.nr_latency; i++) {
            sum += lp[i].latency_s;
            double m = calib_mmc_sojourn_s(lp[i].rps, lp[i].c, 1 / res.capacity_rps_per_vcpu);
            if (isfinite(m)) {
                model += m;
                nm++;
            }
        }
        res.latency_mean_s = sum / (double)res.nr_latency;
        res.latency_model_s = nm ? model / (double)nm : (double)NAN;
        double s = fit_service_time(lp, res.nr_latency);
        res.latency_capacity_rps = s > 0 ? 1 / s : (double)NAN;
        /* Latencies no service time explains (waiting on something other than the CPU):
           the best fit pushes the busiest periods to their stability limit and still
           misses the mean. */
        double fitted = 0;
        for (size_t i = 0; i < res.nr_latency; i++)
            fitted += calib_mmc_sojourn_s(lp[i].rps, lp[i].c, s) / (double)res.nr_latency;
        res.latency_fits = s > 0 && fabs(fitted / res.latency_mean_s - 1) <= 0.1;
    }
    *r = res;
out:
    free(x);
    free(y);
    free(lp);
    return rc;
}
