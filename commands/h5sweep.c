/*
 * Reading a sweep output back for `asgsim merge`, through the generic reader (h5in.h):
 * the exact sweep and scenario texts, their paths, the base seed and /sweep/results.
 */
#include "asgsim/bind.h"
#include "asgsim/h5in.h"
#include "asgsim/sweep.h"
#include "asgsim/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

static int not_sweep(struct diag_list *d, const char *path, const char *what)
{
    return diag_error_status(d, ASG_EFORMAT, NULL, "cannot read '%s': not a sweep output (%s)",
                             path, what);
}

/* A scalar text dataset, copied with its exact length. */
static int read_text(struct h5in_file *f, const char *name, char **out, size_t *len,
                     struct diag_list *d)
{
    struct h5in_column col = { 0 };
    int st = h5in_read_column(f, name, &col, d);
    if (st < 0)
        return st;
    if (col.kind != H5IN_STRING || col.nr != 1) {
        h5in_column_release(&col);
        return not_sweep(d, h5in_path(f), "a provenance text is not a single string");
    }
    *len = strlen(col.str[0]);
    *out = xstrndup(col.str[0], *len);
    h5in_column_release(&col);
    return 0;
}

/* Whole non-negative numbers only: counts and indexes come back as doubles. */
static bool whole(double v)
{
    return isfinite(v) && v >= 0 && v == floor(v) && v < 18446744073709551616.0;
}

/* /sweep/results: point, replication and one column per summary metric. */
static int read_results(struct h5in_file *f, struct sweep_file *out, struct diag_list *d)
{
    const struct h5in_column *c[2 + SUMMARY_NR];
    struct h5in_table t = { 0 };
    int st = h5in_read_table(f, "/sweep/results", &t, d);
    if (st < 0)
        return st;
    for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
        const char *name = i == 0 ? "point" : i == 1 ? "replication" : summary_metrics[i - 2].name;
        c[i] = h5in_table_find(&t, name);
        if (!c[i] || c[i]->kind == H5IN_STRING) {
            h5in_table_release(&t);
            return not_sweep(d, h5in_path(f), "/sweep/results lacks a column asgsim writes");
        }
    }
    out->results = xcalloc(t.nr_rows ? t.nr_rows : 1, sizeof(*out->results));
    for (size_t r = 0; r < t.nr_rows; r++) {
        struct sweep_result *res = &out->results[r];
        bool ok = whole(c[0]->num[r]) && whole(c[1]->num[r]) && c[0]->num[r] <= UINT32_MAX &&
                  c[1]->num[r] <= UINT32_MAX;
        for (size_t m = 0; m < SUMMARY_NR; m++)
            if (summary_metrics[m].kind == SUMMARY_COUNT && !whole(c[2 + m]->num[r]))
                ok = false;
        if (!ok) {
            h5in_table_release(&t);
            return not_sweep(d, h5in_path(f), "/sweep/results has a bad point or count");
        }
        res->point = (uint32_t)c[0]->num[r];
        res->replication = (uint32_t)c[1]->num[r];
        for (size_t m = 0; m < SUMMARY_NR; m++)
            summary_set(&res->summary, m, c[2 + m]->num[r]);
    }
    out->nr_results = t.nr_rows;
    h5in_table_release(&t);
    return 0;
}

int sweep_file_read(struct sweep_file *out, const char *path, struct diag_list *d)
{
    struct sweep_file s = { 0 };
    struct h5in_file *f = NULL;
    char *seed = NULL;
    int64_t v;
    memset(out, 0, sizeof(*out));
    int st = h5in_open(path, &f, d);
    if (st < 0)
        return st;
    if (!h5in_exists(f, "/sweep/results") || !h5in_exists(f, "/provenance/sweep")) {
        st = not_sweep(d, path, "no /sweep/results or /provenance/sweep");
        goto out;
    }
    if ((st = read_text(f, "/provenance/sweep", &s.sweep_text, &s.sweep_len, d)) < 0 ||
        (st = read_text(f, "/provenance/scenario", &s.scenario_text, &s.scenario_len, d)) < 0 ||
        (st = h5in_attr_string(f, "/provenance", "sweep_path", &s.sweep_path, d)) < 0 ||
        (st = h5in_attr_string(f, "/provenance", "scenario_path", &s.scenario_path, d)) < 0 ||
        (st = h5in_attr_string(f, "/sweep", "base_seed_text", &seed, d)) < 0)
        goto out;
    if (!bind_parse_int(seed, &v) || v < 0) {
        st = not_sweep(d, path, "the /sweep attribute base_seed_text is not a seed");
        goto out;
    }
    s.base_seed = (uint64_t)v;
    if ((st = read_results(f, &s, d)) < 0)
        goto out;
    *out = s;
    memset(&s, 0, sizeof(s));
out:
    free(seed);
    sweep_file_release(&s);
    h5in_close(f);
    return st;
}

void sweep_file_release(struct sweep_file *f)
{
    free(f->sweep_path);
    free(f->sweep_text);
    free(f->scenario_path);
    free(f->scenario_text);
    free(f->results);
    memset(f, 0, sizeof(*f));
}
