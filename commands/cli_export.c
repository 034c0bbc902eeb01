/*
 * asgsim export: a trace or sweep file as text tables that gnuplot, spreadsheets and shell
 * tools read (gnuplot cannot read HDF5). Headers are the names as they are in the
 * trace: snake_case with the unit as a suffix (`time_s`, `cost_usd`), include/asgsim/summary.h.
 */
#include "cli.h"

#include "asgsim/h5in.h"
#include "asgsim/summary.h"
#include "asgsim/util.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asgsim/banned.h"

static const char export_usage[] =
        "Usage: asgsim export RUN.h5|SWEEP.h5 [options]\n"
        "Write the time series, events, instances, activities, decisions (with scaling) and\n"
        "summary of a trace (and the point, result and statistics tables of a sweep) as text\n"
        "tables.\n"
        "\n"
        "  -o, --output DIR         directory for the tables (default: RUN-data)\n"
        "      --format FMT         tsv (default) or csv\n"
        "  -q, --quiet              print errors only\n"
        "  -h, --help               show this help\n"
        "\n"
        "Headers are the trace's names, unit as suffix (time_s, cost_usd); missing values are\n"
        "written as NaN. Each table's first line is its header; where the tables come from\n"
        "(file, scenario, start time, versions) is in provenance.tsv beside them.\n"
        "Exit status: 0 ok, 2 usage, 65 not an asgsim file, 66 missing input, 74 output error.\n";

int cli_open_trace(const char *input, struct h5in_file **f)
{
    struct diag_list d = { 0 };
    int rc = h5in_open(input, f, &d);
    if (rc == ASG_OK) {
        char *conv = NULL;
        bool ok = false;
        if (h5in_attr_string(*f, "/", "Conventions", &conv, &d) == ASG_OK)
            ok = !strncmp(conv, "asgsim", 6);
        free(conv);
        /* A sweep file is recognised by its tables even without the attribute. */
        ok = ok || h5in_exists(*f, "/sweep/results");
        diag_list_release(&d);
        if (!ok) {
            h5in_close(*f);
            *f = NULL;
            rc = diag_error_status(&d, ASG_EFORMAT, NULL,
                                   "'%s' is not an asgsim trace or sweep file (no asgsim "
                                   "Conventions attribute and no /sweep/results)",
                                   input);
        }
    }
    diag_print(&d, stderr);
    diag_list_release(&d);
    return cli_exit_code(rc);
}

char *cli_default_dir(const char *input, const char *suffix)
{
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *stem = xstrndup(base, n);
    char *out = xasprintf("%s-%s", stem, suffix);
    free(stem);
    return out;
}

int cli_mkdirs(const char *dir)
{
    char *p = xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        char *slash = strchr(s, '/');
        if (slash)
            *slash = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "asgsim: error: cannot create directory '%s': %s\n", p,
                    strerror(errno));
            rc = -1;
            break;
        }
        if (!slash)
            break;
        *slash = '/';
        s = slash;
    }
    free(p);
    return rc;
}

/* The input's /provenance schema_version (0: none, a trace from before issue 16). h5in reads
   string attributes only: an attribute that is there and no string is the integer asgsim
   writes, whose value is this build's ASGSIM_SCHEMA_VERSION. */
static int input_schema;

static int read_schema(struct h5in_file *f)
{
    struct diag_list d = { 0 };
    char *text = NULL;
    int rc = h5in_attr_string(f, "/provenance", "schema_version", &text, &d);
    free(text);
    diag_list_release(&d);
    return rc == ASG_ENOENT ? 0 : ASGSIM_SCHEMA_VERSION;
}

/* One output table: a file plus its separator. */
struct out_table {
    FILE *fp;
    char *path;
    char sep;
};

static int table_open(struct out_table *o, const char *dir, const char *name, bool csv,
                      const char *input)
{
    o->sep = csv ? ',' : '\t';
    o->path = xasprintf("%s/%s.%s", dir, name, csv ? "csv" : "tsv");
    o->fp = fopen(o->path, "w");
    if (!o->fp) {
        fprintf(stderr, "asgsim: error: cannot create '%s': %s\n", o->path, strerror(errno));
        free(o->path);
        return EXIT_IOERR;
    }
    (void)input; /* named in provenance.tsv: every table opens as it is in pandas */
    return EXIT_OK;
}

static int table_close(struct out_table *o)
{
    int rc = EXIT_OK;
    if (ferror(o->fp) | (fclose(o->fp) != 0)) {
        fprintf(stderr, "asgsim: error: cannot write '%s'\n", o->path);
        rc = EXIT_IOERR;
    }
    free(o->path);
    return rc;
}

static void put_string(struct out_table *o, const char *s)
{
    bool quote = o->sep == ',' && strpbrk(s, ",\"\n");
    if (quote)
        fputc('"', o->fp);
    for (; *s; s++) {
        if (*s == '\t' || *s == '\n' || *s == '\r')
            fputc(' ', o->fp); /* a tab would shift every later TSV column */
        else if (*s == '"' && quote)
            fputs("\"\"", o->fp);
        else
            fputc(*s, o->fp);
    }
    if (quote)
        fputc('"', o->fp);
}

void cli_put_number(FILE *fp, double v, bool integer)
{
    if (isnan(v))
        fputs("NaN", fp);
    else if (isinf(v))
        fputs(v > 0 ? "Inf" : "-Inf", fp);
    else if (integer)
        fprintf(fp, "%.0f", v);
    else if (fabs(v) < 5e-7)
        fputs("0.000000", fp); /* no "-0.000000" */
    else
        fprintf(fp, "%.6f", v);
}

static void put_cell(struct out_table *o, const struct h5in_column *c, size_t row)
{
    if (c->kind == H5IN_STRING)
        put_string(o, c->str[row]);
    else
        cli_put_number(o->fp, c->num[row], c->kind == H5IN_INT);
}

/* Write columns (all of length nr_rows) as one table. */
static int write_columns(const char *dir, const char *name, bool csv, const char *input,
                         const struct h5in_column *cols, size_t nr_cols, size_t nr_rows)
{
    struct out_table o;
    int rc = table_open(&o, dir, name, csv, input);
    if (rc)
        return rc;
    for (size_t j = 0; j < nr_cols; j++) {
        char *h = xstrdup(cols[j].name);
        if (j)
            fputc(o.sep, o.fp);
        put_string(&o, h);
        free(h);
    }
    fputc('\n', o.fp);
    for (size_t i = 0; i < nr_rows; i++) {
        for (size_t j = 0; j < nr_cols; j++) {
            if (j)
                fputc(o.sep, o.fp);
            put_cell(&o, &cols[j], i);
        }
        fputc('\n', o.fp);
    }
    return table_close(&o);
}

static int export_table(struct h5in_file *f, const char *path, const char *dir, const char *name,
                        bool csv, const char *input)
{
    struct diag_list d = { 0 };
    struct h5in_table t;
    int rc = h5in_read_table(f, path, &t, &d);
    if (rc) {
        diag_print(&d, stderr);
        diag_list_release(&d);
        return cli_exit_code(rc);
    }
    rc = write_columns(dir, name, csv, input, t.cols, t.nr_cols, t.nr_rows);
    h5in_table_release(&t);
    return rc;
}

/* A group of 1-D datasets as one table; `first` (if present) goes first. */
static int export_group(struct h5in_file *f, const char *group, const char *first, const char *dir,
                        const char *name, bool csv, const char *input, char **header_out)
{
    struct diag_list d = { 0 };
    char **names;
    size_t nr;
    int rc = h5in_list_datasets(f, group, &names, &nr, &d);
    struct h5in_column *cols = xcalloc(nr ? nr : 1, sizeof(*cols));
    size_t nr_cols = 0, nr_rows = 0;
    for (int pass = 0; pass < 2 && rc == ASG_OK; pass++) {
        for (size_t i = 0; i < nr && rc == ASG_OK; i++) {
            bool is_first = first && !strcmp(names[i], first);
            if (is_first != (pass == 0))
                continue;
            char *p = xasprintf("%s/%s", group, names[i]);
            rc = h5in_read_column(f, p, &cols[nr_cols], &d);
            free(p);
            if (rc)
                break;
            if (nr_cols && cols[nr_cols].nr != nr_rows)
                rc = diag_error_status(&d, ASG_EFORMAT, NULL,
                                       "%s: '%s/%s' has %zu rows, the others %zu", input, group,
                                       names[i], cols[nr_cols].nr, nr_rows);
            nr_rows = cols[nr_cols].nr;
            nr_cols++;
        }
    }
    if (rc == ASG_OK) {
        rc = write_columns(dir, name, csv, input, cols, nr_cols, nr_rows);
        if (header_out) {
            char *h = xstrdup("");
            for (size_t j = 0; j < nr_cols; j++) {
                char *col = xstrdup(cols[j].name);
                char *n = xasprintf("%s%s%s", h, j ? " " : "", col);
                free(col);
                free(h);
                h = n;
            }
            *header_out = h;
        }
    } else {
        diag_print(&d, stderr);
        rc = cli_exit_code(rc);
    }
    diag_list_release(&d);
    for (size_t j = 0; j < nr_cols; j++)
        h5in_column_release(&cols[j]);
    free(cols);
    h5in_names_free(names, nr);
    return rc;
}

/* Per-point means of a results column (NaN where a point has no replication). */
static double *point_means(const struct h5in_column *point, const struct h5in_column *val,
                           const struct h5in_column *points)
{
    double *mean = xcalloc(points->nr ? points->nr : 1, sizeof(*mean));
    for (size_t p = 0; p < points->nr; p++) {
        double sum = 0;
        size_t n = 0;
        for (size_t r = 0; r < point->nr; r++)
            if (point->num[r] == points->num[p] && !isnan(val->num[r])) {
                sum += val->num[r];
                n++;
            }
        mean[p] = n ? sum / (double)n : (double)NAN;
    }
    return mean;
}

static char *cell_label(const struct h5in_column *c, size_t row)
{
    if (c->kind == H5IN_STRING)
        return xstrdup(c->str[row]);
    return xasprintf("%g", c->num[row]);
}

/* Distinct labels of an axis in first-seen order (numeric axes sorted ascending). */
static char **axis_values(const struct h5in_column *c, size_t *nr, size_t **index)
{
    char **vals = NULL;
    size_t alloc = 0;
    *nr = 0;
    size_t *order = xcalloc(c->nr ? c->nr : 1, sizeof(*order));
    for (size_t i = 0; i < c->nr; i++)
        order[i] = i;
    if (c->kind != H5IN_STRING) /* insertion sort: sweeps are small */
        for (size_t i = 1; i < c->nr; i++)
            for (size_t j = i; j > 0 && c->num[order[j - 1]] > c->num[order[j]]; j--) {
                size_t t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
    *index = xcalloc(c->nr ? c->nr : 1, sizeof(**index));
    for (size_t k = 0; k < c->nr; k++) {
        size_t i = order[k];
        char *l = cell_label(c, i);
        size_t v;
        for (v = 0; v < *nr; v++)
            if (!strcmp(vals[v], l))
                break;
        if (v == *nr) {
            ALLOC_GROW(vals, *nr + 1, alloc);
            vals[(*nr)++] = l;
        } else {
            free(l);
        }
        (*index)[i] = v;
    }
    free(order);
    return vals;
}

/* The SLA figure a sweep's results carry, best first; NULL when none. */
static const struct h5in_column *sla_column(const struct h5in_table *res)
{
    static const char *const names[] = { "requests_over_objective", "latency_p99_s",
                                         "latency_p95_s" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const struct h5in_column *c = h5in_table_find(res, names[i]);
        if (c && c->kind != H5IN_STRING)
            return c;
    }
    return NULL;
}

/*
 * The share of requests that missed the objective per point: completed over LatencyObjective
 * plus dropped, over arrived (a dropped request misses it as surely as a late one), as the
 * mean, lowest and highest over the point's replications. The allowed share is 1 % when the
 * sweep sets a LatencyObjective (asgsim reads LatencyObjective as a p99 objective: at most
 * 1 % of requests slower), else none (NaN). \return false when the results lack the counts.
 */
struct miss_fractions {
    double *mean, *lo, *hi;
    double objective;
};

static bool miss_fractions(const struct h5in_table *res, const struct h5in_column *rpoint,
                           const struct h5in_column *ppoint, struct miss_fractions *m)
{
    const struct h5in_column *over = h5in_table_find(res, "requests_over_objective");
    const struct h5in_column *drop = h5in_table_find(res, "requests_dropped");
    const struct h5in_column *arr = h5in_table_find(res, "requests_arrived");
    const struct h5in_column *obj = h5in_table_find(res, "latency_objective_s");
    if (!over || !drop || !arr || over->kind == H5IN_STRING || drop->kind == H5IN_STRING ||
        arr->kind == H5IN_STRING)
        return false;
    size_t n = ppoint->nr ? ppoint->nr : 1;
    m->mean = xcalloc(n, sizeof(double));
    m->lo = xcalloc(n, sizeof(double));
    m->hi = xcalloc(n, sizeof(double));
    m->objective = (double)NAN;
    for (size_t r = 0; obj && obj->kind != H5IN_STRING && r < obj->nr; r++)
        if (obj->num[r] > 0)
            m->objective = 0.01;
    for (size_t p = 0; p < ppoint->nr; p++) {
        double sum = 0, lo = (double)INFINITY, hi = -(double)INFINITY;
        size_t k = 0;
        for (size_t r = 0; r < rpoint->nr; r++) {
            if (rpoint->num[r] != ppoint->num[p] || !(arr->num[r] > 0))
                continue;
            double f = (over->num[r] + drop->num[r]) / arr->num[r];
            sum += f;
            lo = fmin(lo, f);
            hi = fmax(hi, f);
            k++;
        }
        m->mean[p] = k ? sum / (double)k : (double)NAN;
        m->lo[p] = k ? lo : (double)NAN;
        m->hi[p] = k ? hi : (double)NAN;
    }
    return true;
}

/* The axes that take more than one value: the ones worth naming in a label. */
static bool axis_varies(const struct h5in_column *c)
{
    for (size_t i = 1; i < c->nr; i++)
        if (c->kind == H5IN_STRING ? strcmp(c->str[i], c->str[0]) : c->num[i] != c->num[0])
            return true;
    return false;
}

/* sweep_heatmap: mean cost per cell of the first two axes; sweep_pareto/front: cost vs SLA. */
static int export_sweep_derived(const struct h5in_table *pts, const struct h5in_table *res,
                                const char *dir, bool csv, const char *input,
                                struct cli_export_info *info)
{
    const struct h5in_column *ppoint = h5in_table_find(pts, "point");
    const struct h5in_column *rpoint = h5in_table_find(res, "point");
    /* The invoice (after Reserved Instances and Savings Plans), as recommend ranks points;
       files written before it was recorded have only the usage at list prices. */
    const char *cost_name = "cost_total_usd";
    const struct h5in_column *cost = h5in_table_find(res, cost_name);
    if (!cost)
        cost = h5in_table_find(res, cost_name = "cost_usd");
    if (!ppoint || !rpoint || !cost || ppoint->kind == H5IN_STRING || cost->kind == H5IN_STRING) {
        fprintf(stderr, "asgsim: note: %s: sweep tables lack point/cost; no sweep figures\n",
                input);
        return EXIT_OK;
    }
    char *cost_h = xstrdup(cost_name);
    double *cost_mean = point_means(rpoint, cost, ppoint);
    struct miss_fractions miss = { NULL, NULL, NULL, (double)NAN };
    bool has_miss = miss_fractions(res, rpoint, ppoint, &miss);
    const struct h5in_column *axes[2];
    size_t nr_axes = 0;
    for (size_t j = 0; j < pts->nr_cols && nr_axes < 2; j++)
        if (strcmp(pts->cols[j].name, "point"))
            axes[nr_axes++] = &pts->cols[j];
    int rc = EXIT_OK;
    if (nr_axes == 2) {
        size_t nx, ny, *xi, *yi;
        char **xv = axis_values(axes[0], &nx, &xi);
        char **yv = axis_values(axes[1], &ny, &yi);
        struct out_table o;
        rc = table_open(&o, dir, "sweep_heatmap", csv, input);
        if (!rc) {
            char *xh = xstrdup(axes[0]->name);
            char *yh = xstrdup(axes[1]->name);
            fprintf(o.fp,
                    "x_index%cy_index%c%s%c%s%c%s_mean%cmiss_fraction_mean%cobjective_miss_fraction\n",
                    o.sep, o.sep, xh, o.sep, yh, o.sep, cost_h, o.sep, o.sep);
            for (size_t y = 0; y < ny; y++) {
                for (size_t x = 0; x < nx; x++) {
                    double sum = 0, msum = 0;
                    size_t n = 0, mn = 0;
                    for (size_t p = 0; p < ppoint->nr; p++) {
                        if (xi[p] != x || yi[p] != y)
                            continue;
                        if (!isnan(cost_mean[p])) {
                            sum += cost_mean[p];
                            n++;
                        }
                        if (has_miss && !isnan(miss.mean[p])) {
                            msum += miss.mean[p];
                            mn++;
                        }
                    }
                    fprintf(o.fp, "%zu%c%zu%c", x, o.sep, y, o.sep);
                    put_string(&o, xv[x]);
                    fputc(o.sep, o.fp);
                    put_string(&o, yv[y]);
                    fputc(o.sep, o.fp);
                    cli_put_number(o.fp, n ? sum / (double)n : (double)NAN, false);
                    fputc(o.sep, o.fp);
                    cli_put_number(o.fp, mn ? msum / (double)mn : (double)NAN, false);
                    fputc(o.sep, o.fp);
                    cli_put_number(o.fp, miss.objective, false);
                    fputc('\n', o.fp);
                }
            }
            free(xh);
            free(yh);
            rc = table_close(&o);
            info->has_heatmap = rc == EXIT_OK;
        }
        for (size_t i = 0; i < nx; i++)
            free(xv[i]);
        for (size_t i = 0; i < ny; i++)
            free(yv[i]);
        free(xv);
        free(yv);
        free(xi);
        free(yi);
    } else {
        fprintf(stderr, "asgsim: note: %s: the sweep has %zu axis; a heatmap needs two\n", input,
                nr_axes);
    }
    const struct h5in_column *sla = sla_column(res);
    if (!rc && (sla || has_miss)) {
        double *sla_mean = has_miss ? miss.mean : point_means(rpoint, sla, ppoint);
        size_t n = ppoint->nr;
        bool *front = xcalloc(n ? n : 1, sizeof(*front));
        /* Pareto front, minimising both: no other point is at least as good on both
         * figures and strictly better on one. */
        for (size_t i = 0; i < n; i++) {
            if (isnan(cost_mean[i]) || isnan(sla_mean[i]))
                continue;
            front[i] = true;
            for (size_t k = 0; k < n && front[i]; k++)
                if (k != i && !isnan(cost_mean[k]) && !isnan(sla_mean[k]) &&
                    cost_mean[k] <= cost_mean[i] && sla_mean[k] <= sla_mean[i] &&
                    (cost_mean[k] < cost_mean[i] || sla_mean[k] < sla_mean[i]))
                    front[i] = false;
        }
        char *sla_h = xstrdup(has_miss ? "miss_fraction" : sla->name);
        for (int file = 0; file < 2 && !rc; file++) {
            struct out_table o;
            rc = table_open(&o, dir, file ? "sweep_front" : "sweep_pareto", csv, input);
            if (rc)
                break;
            fprintf(o.fp,
                    "point%c%s_mean%c%s_mean%cpareto%clabel%cmiss_fraction_min%cmiss_fraction_max%c"
                    "objective_miss_fraction\n",
                    o.sep, cost_h, o.sep, sla_h, o.sep, o.sep, o.sep, o.sep, o.sep);
            /* The front file is sorted by cost so gnuplot can draw it as a line. */
            size_t *order = xcalloc(n ? n : 1, sizeof(*order));
            for (size_t i = 0; i < n; i++)
                order[i] = i;
            for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && cost_mean[order[j - 1]] > cost_mean[order[j]]; j--) {
                    size_t t = order[j];
                    order[j] = order[j - 1];
                    order[j - 1] = t;
                }
            for (size_t k = 0; k < n; k++) {
                size_t i = file ? order[k] : k;
                if (file && !front[i])
                    continue;
                cli_put_number(o.fp, ppoint->num[i], true);
                fputc(o.sep, o.fp);
                cli_put_number(o.fp, cost_mean[i], false);
                fputc(o.sep, o.fp);
                cli_put_number(o.fp, sla_mean[i], false);
                fprintf(o.fp, "%c%d%c", o.sep, front[i] ? 1 : 0, o.sep);
                char *label = xstrdup("");
                for (size_t j = 0; j < pts->nr_cols; j++) {
                    if (!strcmp(pts->cols[j].name, "point") || !axis_varies(&pts->cols[j]))
                        continue;
                    char *v = cell_label(&pts->cols[j], i);
                    char *l = xasprintf("%s%s%s=%s", label, label[0] ? " " : "", pts->cols[j].name,
                                        v);
                    free(v);
                    free(label);
                    label = l;
                }
                put_string(&o, label);
                free(label);
                fputc(o.sep, o.fp);
                cli_put_number(o.fp, has_miss ? miss.lo[i] : (double)NAN, false);
                fputc(o.sep, o.fp);
                cli_put_number(o.fp, has_miss ? miss.hi[i] : (double)NAN, false);
                fputc(o.sep, o.fp);
                cli_put_number(o.fp, miss.objective, false);
                fputc('\n', o.fp);
            }
            free(order);
            rc = table_close(&o);
        }
        info->has_pareto = rc == EXIT_OK;
        free(sla_h);
        free(front);
        if (!has_miss)
            free(sla_mean);
    } else if (!sla && !has_miss) {
        fprintf(stderr,
                "asgsim: note: %s: the sweep results have no SLA figure "
                "(requests_over_objective, latency_p99_s); no cost-versus-SLA figure\n",
                input);
    }
    free(cost_mean);
    free(cost_h);
    free(miss.mean);
    free(miss.lo);
    free(miss.hi);
    return rc;
}

static int export_sweep(struct h5in_file *f, const char *dir, bool csv, const char *input,
                        struct cli_export_info *info)
{
    static const char *const tables[][2] = { { "/sweep/points", "sweep_points" },
                                             { "/sweep/results", "sweep_results" },
                                             { "/sweep/stats", "sweep_stats" } };
    int rc = EXIT_OK;
    for (size_t i = 0; i < 3 && !rc; i++)
        if (h5in_exists(f, tables[i][0]))
            rc = export_table(f, tables[i][0], dir, tables[i][1], csv, input);
    if (rc || !h5in_exists(f, "/sweep/points"))
        return rc;
    struct diag_list d = { 0 };
    struct h5in_table pts, res;
    int st = h5in_read_table(f, "/sweep/points", &pts, &d);
    if (!st) {
        st = h5in_read_table(f, "/sweep/results", &res, &d);
        if (!st) {
            rc = export_sweep_derived(&pts, &res, dir, csv, input, info);
            h5in_table_release(&res);
        }
        h5in_table_release(&pts);
    }
    if (st) {
        diag_print(&d, stderr);
        rc = cli_exit_code(st);
    }
    diag_list_release(&d);
    return rc;
}

/*
 * provenance.tsv (or .csv) beside the tables: where they come from, as key and value rows,
 * so that no table needs a comment line (pandas.read_csv(path, sep='\t') opens each as it is).
 * The plot scripts read the scenario's name and start time from it.
 */
static int write_provenance(struct h5in_file *f, const char *dir, bool csv, const char *input,
                            const char *group)
{
    struct out_table o;
    int rc = table_open(&o, dir, "provenance", csv, input);
    if (rc)
        return rc;
    fprintf(o.fp, "key%cvalue\n", o.sep);
    const char *base = strrchr(input, '/');
    fprintf(o.fp, "source%c", o.sep);
    put_string(&o, base ? base + 1 : input);
    fputc('\n', o.fp);
    if (input_schema)
        fprintf(o.fp, "schema_version%c%d\n", o.sep, input_schema);
    if (group) { /* DIR/groups/ID of a stack: the figures' titles name it */
        fprintf(o.fp, "group%c", o.sep);
        put_string(&o, group);
        fputc('\n', o.fp);
    }
    static const char *const attrs[][2] = {
        { "/provenance", "stack_name" },     { "/provenance", "scenario_path" },
        { "/provenance", "start_time_utc" }, { "/provenance", "scenario_sha256" },
        { "/provenance", "tool_version" },   { "/", "created_utc" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
        struct diag_list d = { 0 };
        char *text = NULL;
        if (h5in_attr_string(f, attrs[i][0], attrs[i][1], &text, &d) == ASG_OK) {
            fprintf(o.fp, "%s%c", attrs[i][1], o.sep);
            put_string(&o, text);
            fputc('\n', o.fp);
        }
        free(text);
        diag_list_release(&d);
    }
    return table_close(&o);
}

/* Whether PREFIX/summary records served requests: a run without a workload has latency
   columns of NaN only, which make no figure. A file without the figure counts as serving. */
static bool served_any(struct h5in_file *f, const char *prefix)
{
    char *path = xasprintf("%s/summary/requests_arrived", prefix);
    struct diag_list d = { 0 };
    struct h5in_column c = { 0 };
    bool any = true;
    if (h5in_exists(f, path) && h5in_read_column(f, path, &c, &d) == ASG_OK &&
        c.kind != H5IN_STRING && c.nr == 1)
        any = c.num[0] > 0;
    h5in_column_release(&c);
    diag_list_release(&d);
    free(path);
    return any;
}

/* One run's or one group's tables: PREFIX/timeseries and the rest into DIR. */
static int export_run(struct h5in_file *f, const char *prefix, const char *dir, bool csv,
                      const char *input, bool *has_run, bool *has_latency)
{
    int rc = EXIT_OK;
    char *ts = xasprintf("%s/timeseries", prefix);
    if (h5in_is_group(f, ts)) {
        char *header = NULL;
        rc = export_group(f, ts, "time_s", dir, "timeseries", csv, input, &header);
        if (!rc) {
            *has_run = true;
            *has_latency = strstr(header, "latency_") != NULL && served_any(f, prefix);
        }
        free(header);
    }
    free(ts);
    static const char *const tables[] = { "events", "instances", "activities", "decisions" };
    for (size_t i = 0; i < ARRAY_SIZE(tables) && !rc; i++) {
        char *path = xasprintf("%s/%s", prefix, tables[i]);
        if (h5in_exists(f, path))
            rc = export_table(f, path, dir, tables[i], csv, input);
        free(path);
    }
    char *sum = xasprintf("%s/summary", prefix);
    if (!rc && h5in_is_group(f, sum))
        rc = export_group(f, sum, NULL, dir, "summary", csv, input, NULL);
    free(sum);
    return rc;
}

void cli_export_info_release(struct cli_export_info *info)
{
    h5in_names_free(info->groups, info->nr_groups);
    free(info->group_latency);
    memset(info, 0, sizeof(*info));
}

int cli_export_dir(const char *input, const char *dir, bool csv, struct cli_export_info *info)
{
    struct h5in_file *f;
    memset(info, 0, sizeof(*info));
    int rc = cli_open_trace(input, &f);
    if (!rc)
        input_schema = read_schema(f);
    if (rc)
        return rc;
    if (cli_mkdirs(dir)) {
        h5in_close(f);
        return EXIT_IOERR;
    }
    info->is_sweep = h5in_exists(f, "/sweep/results");
    bool has_latency = false;
    rc = export_run(f, "", dir, csv, input, &info->has_run, &info->has_latency);
    /* Several groups (README "Several groups"): DIR/groups/LOGICAL_ID/ holds each group's
       tables under the usual names, so that the figures' scripts read them as they are. */
    if (!rc && h5in_is_group(f, "/groups")) {
        struct diag_list d = { 0 };
        rc = h5in_list_groups(f, "/groups", &info->groups, &info->nr_groups, &d);
        if (rc) {
            diag_print(&d, stderr);
            rc = cli_exit_code(rc);
        }
        diag_list_release(&d);
        info->group_latency = xcalloc(info->nr_groups + 1, sizeof(*info->group_latency));
        for (size_t i = 0; i < info->nr_groups && !rc; i++) {
            char *prefix = xasprintf("/groups/%s", info->groups[i]);
            char *sub = xasprintf("%s/groups/%s", dir, info->groups[i]);
            bool has_run = false;
            if (cli_mkdirs(sub))
                rc = EXIT_IOERR;
            else
                rc = export_run(f, prefix, sub, csv, input, &has_run, &info->group_latency[i]);
            if (!rc) /* the figures' scripts read the title and dates beside the tables */
                rc = write_provenance(f, sub, csv, input, info->groups[i]);
            has_latency = has_latency || info->group_latency[i];
            free(prefix);
            free(sub);
        }
        info->has_latency = info->has_latency || has_latency;
    }
    if (!rc && info->is_sweep)
        rc = export_sweep(f, dir, csv, input, info);
    if (!rc)
        rc = write_provenance(f, dir, csv, input, NULL);
    h5in_close(f);
    return rc;
}

enum { OPT_FORMAT = 256 };

int cli_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *dir = NULL;
    bool csv = false, quiet = false;
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            dir = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "csv"))
                csv = true;
            else if (!strcmp(optarg, "tsv"))
                csv = false;
            else
                return cli_usage_error("export", "--format must be tsv or csv, got '%s'", optarg);
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            fputs(export_usage, stdout);
            return EXIT_OK;
        default:
            return cli_usage_error("export", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("export", "expected one RUN.h5 or SWEEP.h5 file");
    const char *input = argv[optind];
    char *def = dir ? NULL : cli_default_dir(input, "data");
    struct cli_export_info info;
    int rc = cli_export_dir(input, dir ? dir : def, csv, &info);
    if (!rc && !quiet)
        fprintf(stderr, "asgsim: tables written to %s/\n", dir ? dir : def);
    cli_export_info_release(&info);
    free(def);
    return rc;
}
