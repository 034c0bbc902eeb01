/*
 * Binding the scenario's `Workload:` value to a workload tree (workload.h): which keys each
 * pattern takes, their ranges, and where a trace file is found.
 */
#include "asgsim/util.h"
#include "asgsim/workload.h"
#include "asgsim/workload_bind.h"

#include <errno.h>
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

static int bind_pattern(struct bind *b, const struct ynode *map, struct workload_config *w,
                        int depth);

static int bind_composite(struct bind *b, const struct ynode *map, const char *key,
                          struct workload_config *w, int depth)
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
        if ((rc = bind_pattern(b, list->items[i], &w->children[i], depth + 1)) < 0)
            ret = rc;
    return ret;
}

static int bind_leaf(struct bind *b, const struct ynode *map, struct workload_config *w)
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
    static const char *const k_trace[] = { "Kind", "Path", "RateScale", "Offset" };

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
    case WORKLOAD_TRACE: {
        const char *path = NULL;
        double scale = 1.0;
        KEEP(bind_double(b, map, "RateScale", 0, 1e6, &scale));
        /* Offset: the trace time that simulated time 0 replays, so that the rows before it
           are history (predictive scaling's `Predictive: History`) */
        sim_time offset = 0;
        KEEP(bind_duration(b, map, "Offset", 0, MAX_TIME, &offset));
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
        w->start = offset;
        break;
    }
    case WORKLOAD_SUM:
    case WORKLOAD_PRODUCT:
        ASG_BUG("composite kind in a leaf");
    }
#undef KEEP
    return ret;
}

static int bind_pattern(struct bind *b, const struct ynode *map, struct workload_config *w,
                        int depth)
{
    if (map->kind != YNODE_MAP)
        return diag_error(b->d, &map->loc, "a workload pattern in %s must be a mapping, not a %s",
                          b->what, ynode_kind_name(map->kind));
    if (depth > MAX_DEPTH)
        return diag_error(b->d, &map->loc, "workload patterns nested deeper than %d levels",
                          MAX_DEPTH);
    if (ynode_get(map, "Sum"))
        return bind_composite(b, map, "Sum", w, depth);
    if (ynode_get(map, "Product"))
        return bind_composite(b, map, "Product", w, depth);
    return bind_leaf(b, map, w);
}

int workload_config_bind(struct bind *b, const struct ynode *node, struct workload_config *out)
{
    memset(out, 0, sizeof(*out));
    int ret = bind_pattern(b, node, out, 0);
    if (ret < 0)
        workload_config_release(out);
    return ret;
}
