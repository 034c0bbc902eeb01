/*
 * Reading a rate trace as people have them (workload.h): TSV, CSV or blank-separated, with or
 * without a header row, times in seconds or ISO 8601; then cutting a window and resampling.
 */
#include "asgsim/infile.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"
#include "asgsim/workload.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asgsim/banned.h"

#define MAX_FIELDS 2

/* Header names, case-insensitive: the time column and the rate column. */
static const char *const time_names[] = { "time_s", "time", "timestamp", "seconds", "t" };
static const char *const rate_names[] = { "rate_rps", "rps", "rate", "requests_per_second" };

struct field {
    char *s;      /* trimmed, NUL-terminated, inside the line buffer */
    uint32_t col; /* 1-based column of its first character */
};

struct reader {
    const char *path;
    struct diag_list *d;
    char sep;         /* ',' or 0 (tabs and spaces) */
    bool header_seen; /* the first content line was read (header or data) */
    int time_col;     /* index of the time field, the rate field is the other */
    int time_format;  /* 0 not yet known, 1 seconds, 2 ISO 8601 */
};

static bool in_list(const char *s, const char *const *names, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        if (strcasecmp(s, names[i]) == 0)
            return true;
    return false;
}

/* Split at `sep` (or runs of blanks when 0) up to '#'; trims blanks and one pair of quotes. */
static size_t split(char *line, char sep, struct field *f, size_t max, bool *too_many)
{
    size_t n = 0;
    char *p = line;
    *too_many = false;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            break;
        char *start = p;
        if (sep)
            while (*p && *p != sep && *p != '#')
                p++;
        else
            while (*p && *p != ' ' && *p != '\t' && *p != '#')
                p++;
        char *end = p;
        char stop = *p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end - start >= 2 && *start == '"' && end[-1] == '"') {
            start++;
            end--;
        }
        if (n == max) {
            *too_many = true;
            f[max - 1].col = (uint32_t)(start - line) + 1; /* report the extra field */
            return n;
        }
        *end = '\0';
        f[n].s = start;
        f[n].col = (uint32_t)(start - line) + 1;
        n++;
        if (stop == sep && sep) {
            p++;
            continue;
        }
        if (stop == '\0' || stop == '#')
            break;
        p++;
    }
    return n;
}

static bool parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Up to `n` digits at *pp (at least one); false when none. */
static bool digits(const char **pp, int n, int *out)
{
    int v = 0, k = 0;
    while (k < n && isdigit((unsigned char)(*pp)[k])) {
        v = v * 10 + ((*pp)[k] - '0');
        k++;
    }
    if (k != n)
        return false;
    *pp += k;
    *out = v;
    return true;
}

/*
 * ISO 8601 date and time: YYYY-MM-DD, 'T' or a space, hh:mm[:ss[.fff]], then 'Z', +hh:mm,
 * -hh:mm (+hhmm) or nothing. A time without an offset is taken as UTC (asgsim's rule: a trace
 * has no time zone of its own, and StartTime is UTC).
 */
bool workload_parse_iso8601(const char *s, double *epoch_s)
{
    int y, mo, d, h, mi, se = 0;
    const char *p = s;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d) || (*p != 'T' && *p != ' '))
        return false;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
        return false;
    double frac = 0;
    if (*p == ':') {
        p++;
        if (!digits(&p, 2, &se))
            return false;
        if (*p == '.') {
            const char *q = ++p;
            double scale = 0.1;
            while (isdigit((unsigned char)*p)) {
                frac += (*p - '0') * scale;
                scale /= 10;
                p++;
            }
            if (p == q)
                return false;
        }
    }
    int offset_min = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (!digits(&p, 2, &oh))
            return false;
        if (*p == ':')
            p++;
        if (!digits(&p, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_min = sign * (oh * 60 + om);
    }
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (*p || y < 1900 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        se > 59)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return false;
    *epoch_s = (double)(utc_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) + frac -
               offset_min * 60.0;
    return true;
}

/* A time field: seconds, or an ISO 8601 time; every row must use the first row's form. */
static int parse_time(struct reader *r, const struct field *f, uint32_t lineno, double *out)
{
    struct src_loc loc = { r->path, lineno, f->col };
    int form = 0;
    if (parse_seconds(f->s, out))
        form = 1;
    else if (workload_parse_iso8601(f->s, out))
        form = 2;
    if (form == 0)
        return diag_error(r->d, &loc,
                          "bad timestamp '%s' in workload trace: expected seconds (like 60) or an "
                          "ISO 8601 time (like 1998-06-22T00:00:00Z)",
                          f->s);
    if (r->time_format && form != r->time_format)
        return diag_error(r->d, &loc,
                          "timestamp '%s' in workload trace is %s, but the first row's is %s", f->s,
                          form == 1 ? "in seconds" : "an ISO 8601 time",
                          form == 1 ? "an ISO 8601 time" : "in seconds");
    r->time_format = form;
    return 0;
}

static int parse_header(struct reader *r, struct field *f, size_t n, uint32_t lineno)
{
    r->time_col = -1;
    int rate_col = -1;
    for (size_t i = 0; i < n; i++) {
        struct src_loc loc = { r->path, lineno, f[i].col };
        if (in_list(f[i].s, time_names, ARRAY_SIZE(time_names)) && r->time_col < 0)
            r->time_col = (int)i;
        else if (in_list(f[i].s, rate_names, ARRAY_SIZE(rate_names)) && rate_col < 0)
            rate_col = (int)i;
        else
            return diag_error(r->d, &loc,
                              "unknown column '%s' in the workload trace's header: expected a "
                              "time column (time_s, time or timestamp) and a rate column "
                              "(rate_rps, rps or rate)",
                              f[i].s);
    }
    if (r->time_col < 0 || rate_col < 0) {
        struct src_loc loc = { r->path, lineno, 1 };
        return diag_error(r->d, &loc,
                          "the workload trace's header needs a time column (time_s, time or "
                          "timestamp) and a rate column (rate_rps, rps or rate)");
    }
    return 0;
}

/* The first field looks like data (a number or a time), not a column name. */
static bool looks_like_data(const char *s)
{
    double v;
    return parse_seconds(s, &v) || workload_parse_iso8601(s, &v) || isdigit((unsigned char)*s) ||
           *s == '-' || *s == '+' || *s == '.';
}

/* One content line: a header (first line only) or a row. \return 1 for a row in *t, *rate. */
static int read_line(struct reader *r, char *line, uint32_t lineno, double *t, double *rate)
{
    if (!r->header_seen) {
        r->sep = strchr(line, ',') ? ',' : 0;
        r->time_col = 0;
    }
    struct field f[MAX_FIELDS];
    bool too_many;
    size_t n = split(line, r->sep, f, MAX_FIELDS, &too_many);
    if (too_many) {
        struct src_loc loc = { r->path, lineno, f[MAX_FIELDS - 1].col };
        return diag_error(r->d, &loc,
                          "unexpected text after the rate in workload trace (a trace has two "
                          "columns: time and rate)");
    }
    if (!r->header_seen) {
        r->header_seen = true;
        if (n >= 1 && !looks_like_data(f[0].s)) {
            int rc = parse_header(r, f, n, lineno);
            return rc < 0 ? rc : 0;
        }
    }
    struct src_loc loc = { r->path, lineno, n ? f[0].col : 1 };
    if (n < 2) {
        if (n == 1)
            loc.col = f[0].col + (uint32_t)strlen(f[0].s);
        return diag_error(r->d, &loc,
                          n == 0 ? "expected 'time_s<TAB>rate_rps' in workload trace"
                                 : "expected a rate in requests/s after the time in workload "
                                   "trace");
    }
    struct field *tf = &f[r->time_col], *rf = &f[1 - r->time_col];
    int rc = parse_time(r, tf, lineno, t);
    if (rc < 0)
        return rc;
    if (!parse_seconds(rf->s, rate)) {
        loc.col = rf->col;
        return diag_error(r->d, &loc,
                          "expected a rate in requests/s after the time in workload trace, got "
                          "'%s'",
                          rf->s);
    }
    if (*rate < 0) {
        loc.col = rf->col;
        return diag_error(r->d, &loc, "trace rate must be >= 0, got %g", *rate);
    }
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double workload_trace_step_s(const struct workload_config *w)
{
    if (w->kind != WORKLOAD_TRACE || w->nr_rows < 2)
        return 0;
    double *diff = xcalloc(w->nr_rows - 1, sizeof(*diff));
    for (size_t i = 1; i < w->nr_rows; i++)
        diff[i - 1] = w->time_s[i] - w->time_s[i - 1];
    qsort(diff, w->nr_rows - 1, sizeof(*diff), cmp_double);
    double m = diff[(w->nr_rows - 1) / 2];
    free(diff);
    return m;
}

/* Gaps: steps longer than twice the usual one, reported once with the longest. */
static void warn_gaps(const struct workload_config *w, const uint32_t *lines, const char *path,
                      struct diag_list *d)
{
    double step = workload_trace_step_s(w);
    size_t nr = 0, longest = 0;
    for (size_t i = 1; i < w->nr_rows; i++) {
        double g = w->time_s[i] - w->time_s[i - 1];
        if (g > 2 * step) {
            if (nr == 0 || g > w->time_s[longest] - w->time_s[longest - 1])
                longest = i;
            nr++;
        }
    }
    if (nr == 0)
        return;
    struct src_loc loc = { path, lines[longest], 1 };
    diag_warning(d, &loc,
                 "workload trace has %zu gap%s longer than twice its %g s step (the longest, "
                 "%g s, ends here): the rate is interpolated linearly across %s",
                 nr, nr == 1 ? "" : "s", step, w->time_s[longest] - w->time_s[longest - 1],
                 nr == 1 ? "it" : "them");
}

int workload_trace_load(struct workload_config *w, const char *path, struct diag_list *d)
{
    FILE *f = NULL;
    int orc = infile_open(&f, path, "workload trace", INFILE_MAX_TRACE, d);
    if (orc < 0)
        return orc;
    struct reader r = { .path = path, .d = d };
    double *ts = NULL, *rs = NULL;
    uint32_t *lines = NULL;
    size_t nr = 0, alloc_t = 0, alloc_r = 0, alloc_l = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint32_t lineno = 0;
    int ret = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        const char *nul = memchr(line, '\0', (size_t)len);
        if (nul) {
            struct src_loc loc = { path, lineno, (uint32_t)(nul - line) + 1 };
            ret = diag_error(d, &loc, "NUL byte in workload trace");
            goto out;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        double t = 0, rate = 0; /* set by read_line when it returns 1; gcc -O3 cannot see it */
        int rc = read_line(&r, line, lineno, &t, &rate);
        if (rc < 0) {
            ret = rc;
            goto out;
        }
        if (rc == 0)
            continue;
        if ((r.time_format == 1 && t < 0) || (nr > 0 && t <= ts[nr - 1])) {
            struct src_loc loc = { path, lineno, 1 };
            ret = diag_error(d, &loc,
                             "trace times must be >= 0 and strictly increasing, got %.17g "
                             "after %.17g",
                             t, nr ? ts[nr - 1] : 0.0);
            goto out;
        }
        ALLOC_GROW(ts, nr + 1, alloc_t);
        ALLOC_GROW(rs, nr + 1, alloc_r);
        ALLOC_GROW(lines, nr + 1, alloc_l);
        ts[nr] = t;
        rs[nr] = rate;
        lines[nr] = lineno;
        nr++;
    }
    if (ferror(f)) {
        ret = diag_error_status(d, ASG_EIO, NULL, "reading workload trace '%s' failed", path);
        goto out;
    }
    if (nr == 0) {
        struct src_loc loc = { path, lineno ? lineno : 1, 1 };
        ret = diag_error(d, &loc, "workload trace has no rows");
        goto out;
    }
    workload_config_release(w);
    w->kind = WORKLOAD_TRACE;
    w->rate_scale = 1.0;
    w->path = xstrdup(path);
    if (r.time_format == 2) {
        /* ISO times: the first row is the trace's time 0; keep its date for Window. */
        w->trace_has_epoch = true;
        w->trace_epoch_s = ts[0];
        for (size_t i = nr; i-- > 0;)
            ts[i] -= ts[0];
    }
    w->time_s = ts;
    w->rate_rps = rs;
    w->nr_rows = nr;
    ts = rs = NULL;
    warn_gaps(w, lines, path, d);
out:
    free(ts);
    free(rs);
    free(lines);
    free(line);
    fclose(f);
    return ret;
}

/* The trace's rate at trace time s (linear between rows), without RateScale. */
static double at(const struct workload_config *w, double s)
{
    size_t lo = 0, hi = w->nr_rows - 1;
    if (s <= w->time_s[0])
        return w->rate_rps[0];
    if (s >= w->time_s[hi])
        return w->rate_rps[hi];
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->time_s[mid] <= s)
            lo = mid;
        else
            hi = mid;
    }
    double f = (s - w->time_s[lo]) / (w->time_s[hi] - w->time_s[lo]);
    return w->rate_rps[lo] + f * (w->rate_rps[hi] - w->rate_rps[lo]);
}

void workload_trace_window(struct workload_config *w, double start_s, double end_s)
{
    ASG_ASSERT(w->kind == WORKLOAD_TRACE && start_s < end_s);
    double *ts = xcalloc(w->nr_rows + 2, sizeof(*ts));
    double *rs = xcalloc(w->nr_rows + 2, sizeof(*rs));
    size_t n = 0;
    ts[n] = 0;
    rs[n++] = at(w, start_s);
    for (size_t i = 0; i < w->nr_rows; i++)
        if (w->time_s[i] > start_s && w->time_s[i] < end_s) {
            ts[n] = w->time_s[i] - start_s;
            rs[n++] = w->rate_rps[i];
        }
    ts[n] = end_s - start_s;
    rs[n++] = at(w, end_s);
    free(w->time_s);
    free(w->rate_rps);
    w->time_s = ts;
    w->rate_rps = rs;
    w->nr_rows = n;
    w->trace_epoch_s += start_s;
}

void workload_trace_resample(struct workload_config *w, double step_s)
{
    ASG_ASSERT(w->kind == WORKLOAD_TRACE && step_s > 0);
    double first = w->time_s[0];
    /* Each bucket [first + k step, first + (k+1) step) gets the mean of its rows, at its
       start. The rows are sorted, so a bucket's rows are consecutive: one pass, and at most
       one row per row (a dense array of buckets would cost the span, not the rows). k stays
       a double: a span of 10^300 s has no size_t bucket number. */
    size_t n = 0, cnt = 0;
    double k = 0, sum = 0;
    for (size_t i = 0; i < w->nr_rows; i++) {
        double ki = floor((w->time_s[i] - first) / step_s);
        if (cnt && ki != k) {
            w->time_s[n] = first + k * step_s;
            w->rate_rps[n++] = sum / (double)cnt;
            sum = 0;
            cnt = 0;
        }
        k = ki;
        sum += w->rate_rps[i];
        cnt++;
    }
    if (cnt) {
        w->time_s[n] = first + k * step_s;
        w->rate_rps[n++] = sum / (double)cnt;
    }
    w->nr_rows = n;
}
