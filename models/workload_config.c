/*
 * Binding the scenario's `Workload:` value to a workload tree (workload.h): which keys each
 * pattern takes, their ranges, and where a trace file is found.
 */
#include "asgsim/utc.h"
#include "asgsim/util.h"
#include "asgsim/workload.h"
#include "asgsim/workload_bind.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asgsim/banned.h"

#define MAX_RPS   1e9
#define MAX_TIME  SIM_DAY(3660)
#define MAX_DEPTH 16

static const char *const kinds[] = { "constant", "diurnal", "ramp", "step", "spike", "trace" };

static int need(struct bind *b, const struct ynode *map, const char *key, int rc)
{
    return rc == 0 ? bind_missing(b, &map->loc, key) : rc;
}

/* `path` relative to the directory of `file` (the YAML the node came from). */
static char *relative_to(const char *file, const char *path)
{
    const char *slash = file ? strrchr(file, '/') : NULL;
    if (path[0] == '/' || !slash)
        return xstrdup(path);
    return xasprintf("%.*s/%s", (int)(slash - file), file, path);
}

static int bind_weekly(struct bind *b, const struct ynode *map, double weekly[7])
{
    for (size_t i = 0; i < 7; i++)
        weekly[i] = 1.0;
    const struct ynode **items = NULL;
    size_t nr = 0;
    int rc = bind_scalar_list(b, map, "Weekly", &items, &nr);
    if (rc <= 0)
        return rc;
    int ret = 0;
    if (nr != 7) {
        ret = diag_error(b->d, &ynode_get(map, "Weekly")->loc,
                         "'Weekly' in %s must list 7 day factors, Monday to Sunday, got %zu",
                         b->what, nr);
        goto out;
    }
    for (size_t i = 0; i < nr; i++) {
        double v;
        if (!bind_parse_double(items[i]->scalar, &v) || v < 0 || v > 1e6) {
            ret = diag_error(b->d, &items[i]->loc,
                             "each 'Weekly' factor in %s must be a number >= 0, got '%s'", b->what,
                             items[i]->scalar);
            continue;
        }
        weekly[i] = v;
    }
out:
    free(items);
    return ret;
}

/* A Window bound: a duration from the trace's first row, or an ISO 8601 time (ISO traces). */
static int window_bound(struct bind *b, const struct ynode *win, const char *key,
                        const struct workload_config *w, double dflt, double *out)
{
    const struct ynode *n;
    int rc = bind_get(b, win, key, &n);
    *out = dflt;
    if (rc <= 0)
        return rc;
    sim_time t;
    double epoch;
    if (n->kind == YNODE_SCALAR && bind_parse_duration(n->scalar, &t)) {
        *out = sim_time_to_seconds(t);
        return 0;
    }
    if (n->kind == YNODE_SCALAR && workload_parse_iso8601(n->scalar, &epoch)) {
        if (!w->trace_has_epoch)
            return diag_error(b->d, &n->loc,
                              "'Window %s' in %s is a date, but the trace's times are seconds: "
                              "give a duration from its first row (like 2d)",
                              key, b->what);
        *out = epoch - w->trace_epoch_s;
        return 0;
    }
    return diag_error(b->d, &n->loc,
                      "'Window %s' in %s must be a duration from the trace's first row (like "
                      "2d) or an ISO 8601 time (like 1998-06-22T00:00:00Z), got '%s'",
                      key, b->what, n->kind == YNODE_SCALAR ? n->scalar : ynode_kind_name(n->kind));
}

static void fmt_offset(char *buf, size_t len, const struct workload_config *w, double s)
{
    if (w->trace_has_epoch) {
        char iso[21];
        utc_format((int64_t)floor(w->trace_epoch_s + s), iso);
        snprintf(buf, len, "%s", iso);
    } else {
        snprintf(buf, len, "%g s", s);
    }
}

static int bind_window(struct bind *b, const struct ynode *map, struct workload_config *w)
{
    const struct ynode *win;
    int rc = bind_map(b, map, "Window", &win);
    if (rc <= 0)
        return rc;
    static const char *const keys_used[] = { "Start", "End" };
    const struct bind_keys keys = { BIND_LIST(keys_used), NULL, 0, NULL, 0 };
    if ((rc = bind_check_keys(b, win, &keys)) < 0)
        return rc;
    double first = w->time_s[0], last = w->time_s[w->nr_rows - 1];
    double start, end;
    int r1 = window_bound(b, win, "Start", w, first, &start);
    int r2 = window_bound(b, win, "End", w, last, &end);
    if (r1 < 0 || r2 < 0)
        return ASG_EINVAL;
    char a[64], z[64], v[64];
    fmt_offset(a, sizeof(a), w, first);
    fmt_offset(z, sizeof(z), w, last);
    const char *bad = NULL;
    if (start < first || start >= last)
        bad = "Start";
    else if (end > last || end <= first)
        bad = "End";
    if (bad) {
        fmt_offset(v, sizeof(v), w, bad[0] == 'S' ? start : end);
        const struct ynode *n = ynode_get(win, bad);
        return diag_error(b->d, n ? &n->loc : &win->loc,
                          "'Window %s' %s in %s is outside the trace, which runs from %s to %s",
                          bad, v, b->what, a, z);
    }
    if (end <= start)
        return diag_error(b->d, &win->loc, "'Window' in %s must end after it starts", b->what);
    workload_trace_window(w, start, end);
    return 0;
}

static int bind_trace(struct bind *b, const struct ynode *map, struct workload_config *w,
                      const struct workload_bind_opts *o)
{
    const char *path = NULL;
    double scale = 1.0;
    int ret = bind_double(b, map, "RateScale", 0, 1e6, &scale);
    sim_time resample = 0;
    int rc = bind_duration(b, map, "Resample", SIM_SEC(1), MAX_TIME, &resample);
    if (rc < 0)
        ret = rc;
    /* Offset: the trace time (after Window) that simulated time 0 replays, so that the rows
       before it are history (predictive scaling's `Predictive: History`) */
    sim_time offset = 0;
    if ((rc = bind_duration(b, map, "Offset", 0, MAX_TIME, &offset)) < 0)
        ret = rc;
    rc = need(b, map, "Path", bind_string(b, map, "Path", &path));
    if (rc < 0)
        return rc;
    const struct src_loc *at = &ynode_get(map, "Path")->loc;
    char *full = relative_to(at->file, path);
    /* A missing file is an error in the scenario line that names it. */
    if (access(full, R_OK) != 0)
        rc = diag_error(b->d, at, "cannot read workload trace '%s': %s", full, strerror(errno));
    else
        rc = workload_trace_load(w, full, b->d);
    free(full);
    if (rc < 0)
        return ASG_EINVAL;
    w->rate_scale = scale;
    if ((rc = bind_window(b, map, w)) < 0)
        return rc;
    if (resample > 0)
        workload_trace_resample(w, sim_time_to_seconds(resample));
    /* simulated time 0 replays trace time Offset: it must fall within the trace */
    double last = w->time_s[w->nr_rows - 1];
    if (offset > 0 && sim_time_to_seconds(offset) >= last)
        return diag_error(b->d, &ynode_get(map, "Offset")->loc,
                          "'Offset' %g s in %s is past the end of the trace (%g s): simulated time "
                          "0 would replay no row of it",
                          sim_time_to_seconds(offset), b->what, last);
    w->start = offset;
    /* A rate between rows is interpolated: a trace coarser than the samples smooths peaks
       that a finer trace of the same traffic shows, and the two runs differ. */
    double step = workload_trace_step_s(w);
    if (o->sample_interval > 0 && step > sim_time_to_seconds(o->sample_interval))
        diag_warning(b->d, at,
                     "workload trace rows are %g s apart, coarser than SampleInterval %g s: "
                     "between rows the rate is interpolated linearly, so the load misses the "
                     "peaks a finer trace of the same traffic has (give a finer trace, or "
                     "SampleInterval: %gs)",
                     step, sim_time_to_seconds(o->sample_interval), step);
    double span = w->time_s[w->nr_rows - 1] - sim_time_to_seconds(offset);
    if (o->duration > 0 && sim_time_to_seconds(o->duration) > span + step)
        diag_warning(b->d, at,
                     "the run (%g s) outlasts the workload trace (%g s): its last rate, %g "
                     "requests/s, holds after it",
                     sim_time_to_seconds(o->duration), span,
                     w->rate_rps[w->nr_rows - 1] * w->rate_scale);
    return ret;
}

static int bind_pattern(struct bind *b, const struct ynode *map, struct workload_config *w,
                        int depth, const struct workload_bind_opts *o);

static int bind_composite(struct bind *b, const struct ynode *map, const char *key,
                          struct workload_config *w, int depth, const struct workload_bind_opts *o)
{
    static const char *const sum_keys[] = { "Sum" };
    static const char *const product_keys[] = { "Product" };
    bool sum = strcmp(key, "Sum") == 0;
    const struct bind_keys keys = { sum ? sum_keys : product_keys, 1, NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, map, &keys);
    w->kind = sum ? WORKLOAD_SUM : WORKLOAD_PRODUCT;
    const struct ynode *list;
    int rc = bind_get(b, map, key, &list);
    if (rc <= 0)
        return rc < 0 ? rc : bind_missing(b, &map->loc, key);
    if (list->kind != YNODE_SEQ || list->nr == 0)
        return diag_error(b->d, &list->loc, "'%s' in %s must be a non-empty list of patterns", key,
                          b->what);
    w->children = xcalloc(list->nr, sizeof(*w->children));
    w->nr_children = list->nr;
    for (size_t i = 0; i < list->nr; i++)
        if ((rc = bind_pattern(b, list->items[i], &w->children[i], depth + 1, o)) < 0)
            ret = rc;
    return ret;
}

static int bind_leaf(struct bind *b, const struct ynode *map, struct workload_config *w,
                     const struct workload_bind_opts *o)
{
    int kind = 0;
    int rc = bind_enum(b, map, "Kind", kinds, ARRAY_SIZE(kinds), &kind);
    if (rc <= 0) {
        if (rc < 0)
            return rc;
        return diag_error(b->d, &map->loc,
                          "missing required property 'Kind' (or 'Sum' / 'Product') in %s", b->what);
    }
    static const char *const k_constant[] = { "Kind", "Rps" };
    static const char *const k_diurnal[] = { "Kind", "BaseRps", "Amplitude", "PeakHourUtc",
                                             "Weekly" };
    static const char *const k_ramp[] = { "Kind", "FromRps", "ToRps", "Start", "End" };
    static const char *const k_step[] = { "Kind", "FromRps", "ToRps", "At" };
    static const char *const k_spike[] = { "Kind", "BaseRps",        "At",
                                           "Rise", "PeakMultiplier", "Decay" };
    static const char *const k_trace[] = { "Kind",   "Path",     "RateScale",
                                           "Window", "Resample", "Offset" };

    static const struct {
        const char *const *keys;
        size_t nr;
    } per_kind[] = { { BIND_LIST(k_constant) }, { BIND_LIST(k_diurnal) }, { BIND_LIST(k_ramp) },
                     { BIND_LIST(k_step) },     { BIND_LIST(k_spike) },   { BIND_LIST(k_trace) } };
    const struct bind_keys keys = { per_kind[kind].keys, per_kind[kind].nr, NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, map, &keys);
    if (ret < 0)
        return ret;
    w->kind = (enum workload_kind)kind;
#define KEEP(x)                                                                                    \
    do {                                                                                           \
        int r_ = (x);                                                                              \
        if (r_ < 0)                                                                                \
            ret = r_;                                                                              \
    } while (0)
    switch (w->kind) {
    case WORKLOAD_CONSTANT:
        KEEP(need(b, map, "Rps", bind_double(b, map, "Rps", 0, MAX_RPS, &w->rps)));
        break;
    case WORKLOAD_DIURNAL:
        KEEP(need(b, map, "BaseRps", bind_double(b, map, "BaseRps", 0, MAX_RPS, &w->base_rps)));
        w->amplitude = 0.5;
        KEEP(bind_double(b, map, "Amplitude", 0, 1, &w->amplitude));
        w->peak_hour_utc = 12;
        KEEP(bind_double(b, map, "PeakHourUtc", 0, 23.999999, &w->peak_hour_utc));
        KEEP(bind_weekly(b, map, w->weekly));
        break;
    case WORKLOAD_RAMP:
        KEEP(need(b, map, "FromRps", bind_double(b, map, "FromRps", 0, MAX_RPS, &w->from_rps)));
        KEEP(need(b, map, "ToRps", bind_double(b, map, "ToRps", 0, MAX_RPS, &w->to_rps)));
        KEEP(need(b, map, "Start", bind_duration(b, map, "Start", 0, MAX_TIME, &w->start)));
        KEEP(need(b, map, "End", bind_duration(b, map, "End", 0, MAX_TIME, &w->end)));
        if (ret == 0 && w->end <= w->start)
            ret = diag_error(b->d, &ynode_get(map, "End")->loc,
                             "'End' in %s must be later than 'Start'", b->what);
        break;
    case WORKLOAD_STEP:
        KEEP(need(b, map, "FromRps", bind_double(b, map, "FromRps", 0, MAX_RPS, &w->from_rps)));
        KEEP(need(b, map, "ToRps", bind_double(b, map, "ToRps", 0, MAX_RPS, &w->to_rps)));
        KEEP(need(b, map, "At", bind_duration(b, map, "At", 0, MAX_TIME, &w->start)));
        break;
    case WORKLOAD_SPIKE:
        w->base_rps = 1.0;
        KEEP(bind_double(b, map, "BaseRps", 0, MAX_RPS, &w->base_rps));
        KEEP(need(b, map, "At", bind_duration(b, map, "At", 0, MAX_TIME, &w->start)));
        KEEP(need(b, map, "PeakMultiplier",
                  bind_double(b, map, "PeakMultiplier", 0, 1e6, &w->peak_multiplier)));
        KEEP(bind_duration(b, map, "Rise", 0, MAX_TIME, &w->rise));
        KEEP(need(b, map, "Decay", bind_duration(b, map, "Decay", 0, MAX_TIME, &w->decay)));
        break;
    case WORKLOAD_TRACE:
        KEEP(bind_trace(b, map, w, o));
        break;
    case WORKLOAD_SUM:
    case WORKLOAD_PRODUCT:
        ASG_BUG("composite kind in a leaf");
    }
#undef KEEP
    return ret;
}

static int bind_pattern(struct bind *b, const struct ynode *map, struct workload_config *w,
                        int depth, const struct workload_bind_opts *o)
{
    if (map->kind != YNODE_MAP)
        return diag_error(b->d, &map->loc, "a workload pattern in %s must be a mapping, not a %s",
                          b->what, ynode_kind_name(map->kind));
    if (depth > MAX_DEPTH)
        return diag_error(b->d, &map->loc, "workload patterns nested deeper than %d levels",
                          MAX_DEPTH);
    if (ynode_get(map, "Sum"))
        return bind_composite(b, map, "Sum", w, depth, o);
    if (ynode_get(map, "Product"))
        return bind_composite(b, map, "Product", w, depth, o);
    return bind_leaf(b, map, w, o);
}

int workload_config_bind(struct bind *b, const struct ynode *node,
                         const struct workload_bind_opts *opts, struct workload_config *out)
{
    memset(out, 0, sizeof(*out));
    static const struct workload_bind_opts none;
    int ret = bind_pattern(b, node, out, 0, opts ? opts : &none);
    if (ret < 0)
        workload_config_release(out);
    return ret;
}
