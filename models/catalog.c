/*
 * The instance type catalog: parsed from TSV, the shipped one compiled into the binary, and
 * priced for the run's Region (catalog.h; sources and rules: data/instance-catalog/README.md).
 */
#include "asgsim/catalog.h"

#include "asgsim/bind.h"
#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

extern const char asgsim_catalog_tsv[]; /* generated from models/instance_types.tsv */

static const char *const fixed_columns[] = { "name", "vcpus", "memory_gib", "arch",
                                             "cpu_credits_per_hour" };
#define NR_FIXED    (sizeof(fixed_columns) / sizeof(fixed_columns[0]))
#define MAX_COLUMNS (NR_FIXED + CATALOG_MAX_REGIONS + 1)
static const char first_region[] = "us-east-1";
static const char spot_column[] = "spot@us-east-1";

/* Split `line` on tabs in place; \return the number of fields (at most max). */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static int parse_header(struct catalog *c, char **f, size_t n, const struct src_loc *loc,
                        struct diag_list *d)
{
    int ret = 0;
    if (n < NR_FIXED + 2 || n > MAX_COLUMNS)
        return diag_error_status(d, ASG_EFORMAT, loc,
                                 "header must have %zu fixed columns, 1 to %d on_demand@REGION "
                                 "columns and %s",
                                 NR_FIXED, CATALOG_MAX_REGIONS, spot_column);
    for (size_t i = 0; i < NR_FIXED; i++)
        if (strcmp(f[i], fixed_columns[i]))
            ret = diag_error_status(d, ASG_EFORMAT, loc, "column %zu must be '%s', got '%s'", i + 1,
                                    fixed_columns[i], f[i]);
    for (size_t i = NR_FIXED; i + 1 < n; i++) {
        if (strncmp(f[i], "on_demand@", 10) || !f[i][10]) {
            ret = diag_error_status(d, ASG_EFORMAT, loc,
                                    "column %zu must be on_demand@REGION, got '%s'", i + 1, f[i]);
            continue;
        }
        c->regions[c->nr_regions++] = xstrdup(f[i] + 10);
    }
    /* us-east-1 first: the Spot snapshot and the default prices are its */
    if (c->nr_regions && strcmp(c->regions[0], first_region))
        ret = diag_error_status(d, ASG_EFORMAT, loc, "the first price column must be %s",
                                first_region);
    if (strcmp(f[n - 1], spot_column))
        ret = diag_error_status(d, ASG_EFORMAT, loc, "the last column must be '%s', got '%s'",
                                spot_column, f[n - 1]);
    c->region = first_region;
    return ret;
}

/* A price: "-" (not listed: -1) or a number >= 0 (> 0 when `positive`). */
static bool parse_price(const char *s, bool positive, double *out)
{
    if (!strcmp(s, "-")) {
        *out = -1;
        return true;
    }
    return bind_parse_double(s, out) && (positive ? *out > 0 : *out >= 0);
}

static int parse_row(struct catalog *c, char **f, size_t n, const struct src_loc *loc,
                     struct diag_list *d)
{
    size_t want = NR_FIXED + c->nr_regions + 1;
    if (n != want)
        return diag_error_status(d, ASG_EFORMAT, loc, "expected %zu tab-separated fields, got %zu",
                                 want, n);
    int64_t vcpus;
    struct instance_type t = { 0 };
    bool ok = bind_parse_int(f[1], &vcpus) && vcpus >= 1 && vcpus <= 1024 &&
              bind_parse_double(f[2], &t.memory_gib) && t.memory_gib > 0 &&
              parse_price(f[4], true, &t.cpu_credits_per_hour) &&
              parse_price(f[n - 1], true, &t.listed_spot);
    for (size_t r = 0; ok && r < c->nr_regions; r++)
        ok = parse_price(f[NR_FIXED + r], false, &t.listed_on_demand[r]);
    if (!ok)
        return diag_error_status(d, ASG_EFORMAT, loc, "bad numbers for type '%s'", f[0]);
    if (!strcmp(f[3], "x86_64"))
        t.arch = ARCH_X86_64;
    else if (!strcmp(f[3], "arm64"))
        t.arch = ARCH_ARM64;
    else
        return diag_error_status(d, ASG_EFORMAT, loc,
                                 "architecture of '%s' must be x86_64 or arm64, got '%s'", f[0],
                                 f[3]);
    if (t.listed_on_demand[0] < 0)
        return diag_error_status(d, ASG_EFORMAT, loc, "type '%s' has no %s price", f[0],
                                 first_region);
    if (catalog_find(c, f[0]))
        return diag_error_status(d, ASG_EFORMAT, loc, "type '%s' listed twice", f[0]);
    t.name = f[0];
    t.vcpus = (int)vcpus;
    if (t.cpu_credits_per_hour < 0)
        t.cpu_credits_per_hour = 0;
    for (size_t r = c->nr_regions; r < CATALOG_MAX_REGIONS; r++)
        t.listed_on_demand[r] = -1;
    catalog_put(c, &t);
    return 0;
}

/* The Spot price of `t` when its On-Demand price is `od` (catalog_select_region). */
static double spot_for(const struct instance_type *t, double od, double ratio)
{
    bool own = t->listed_spot > 0 && t->listed_on_demand[0] > 0;
    return own ? od * (t->listed_spot / t->listed_on_demand[0]) : od * ratio;
}

int catalog_parse(struct catalog *c, const char *file, const char *text, struct diag_list *d)
{
    char *copy = xstrdup(text);
    char *line = copy;
    uint32_t lineno = 0;
    bool header = false;
    int ret = 0;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        struct src_loc loc = { file, lineno, 1 };
        char *f[MAX_COLUMNS + 1];
        if (line[0] != '#' && line[0] != '\0') {
            size_t n = split_tabs(line, f, MAX_COLUMNS + 1);
            int rc = header ? parse_row(c, f, n, &loc, d) : parse_header(c, f, n, &loc, d);
            if (rc < 0)
                ret = rc;
            header = true;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!header)
        ret = diag_error_status(d, ASG_EFORMAT, &(struct src_loc){ file, 0, 0 }, "no header line");
    /* us-east-1's prices until a Region is selected; "-" Spot: the median Spot/On-Demand
     * ratio of the rows that have one (catalog_spot_ratio), as for a type a scenario adds
     * without one. */
    double ratio = catalog_spot_ratio(c);
    for (size_t i = 0; i < c->nr; i++) {
        struct instance_type *t = &c->items[i];
        t->on_demand_usd_per_hour = t->listed_on_demand[0];
        t->spot_usd_per_hour =
                t->listed_spot > 0 ? t->listed_spot : t->on_demand_usd_per_hour * ratio;
    }
    free(copy);
    return ret;
}

void catalog_load_builtin(struct catalog *c)
{
    struct diag_list d = { 0 };
    if (catalog_parse(c, "instance_types.tsv", asgsim_catalog_tsv, &d)) {
        diag_print(&d, stderr);
        ASG_BUG("the built-in instance type catalog is broken");
    }
    diag_list_release(&d);
}

bool catalog_select_region(struct catalog *c, const char *region)
{
    size_t r = 0;
    while (r < c->nr_regions && strcmp(c->regions[r], region))
        r++;
    if (r == c->nr_regions)
        return false;
    c->region = c->regions[r];
    if (r == 0)
        return true; /* as parsed: us-east-1's prices, the Spot snapshot itself */
    double ratio = catalog_spot_ratio(c);
    size_t kept = 0;
    for (size_t i = 0; i < c->nr; i++) {
        struct instance_type *t = &c->items[i];
        double od = t->listed_on_demand[r];
        if (od < 0) {
            ALLOC_GROW(c->unpriced, c->nr_unpriced + 1, c->alloc_unpriced);
            c->unpriced[c->nr_unpriced++] = *t; /* takes the name */
            continue;
        }
        t->on_demand_usd_per_hour = od;
        t->spot_usd_per_hour = spot_for(t, od, ratio);
        c->items[kept++] = *t;
    }
    c->nr = kept;
    return true;
}

const struct instance_type *catalog_find(const struct catalog *c, const char *name)
{
    for (size_t i = 0; i < c->nr; i++)
        if (!strcmp(c->items[i].name, name))
            return &c->items[i];
    return NULL;
}

const struct instance_type *catalog_find_unpriced(const struct catalog *c, const char *name)
{
    for (size_t i = 0; i < c->nr_unpriced; i++)
        if (!strcmp(c->unpriced[i].name, name))
            return &c->unpriced[i];
    return NULL;
}

void catalog_put(struct catalog *c, const struct instance_type *t)
{
    for (size_t i = 0; i < c->nr; i++) {
        if (!strcmp(c->items[i].name, t->name)) {
            char *name = c->items[i].name;
            c->items[i] = *t;
            c->items[i].name = name;
            return;
        }
    }
    ALLOC_GROW(c->items, c->nr + 1, c->alloc);
    c->items[c->nr] = *t;
    c->items[c->nr].name = xstrdup(t->name);
    c->nr++;
}

const char *catalog_closest(const struct catalog *c, const char *name)
{
    const char **names = xcalloc(c->nr ? c->nr : 1, sizeof(*names));
    for (size_t i = 0; i < c->nr; i++)
        names[i] = c->items[i].name;
    const char *hint = diag_closest(name, names, c->nr);
    free(names);
    return hint;
}

int catalog_unknown(const struct catalog *c, struct diag_list *d, const struct src_loc *loc,
                    const char *name, const char *where, const char *fix)
{
    const char *in = where ? " in " : "", *w = where ? where : "";
    if (catalog_find_unpriced(c, name))
        return diag_error(d, loc,
                          "instance type '%s'%s%s has no On-Demand price for %s in asgsim's "
                          "catalog; give one under Instances: Types: (OnDemandUsdPerHour) or "
                          "run in a Region the catalog prices it for",
                          name, in, w, c->region);
    const char *hint = catalog_closest(c, name);
    if (hint)
        return diag_error(d, loc, "unknown instance type '%s'%s%s (did you mean '%s'?)%s%s", name,
                          in, w, hint, fix ? "; " : "", fix ? fix : "");
    return diag_error(d, loc, "unknown instance type '%s'%s%s%s%s", name, in, w, fix ? "; " : "",
                      fix ? fix : "");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double catalog_spot_ratio(const struct catalog *c)
{
    size_t total = c->nr + c->nr_unpriced;
    double *r = xcalloc(total ? total : 1, sizeof(*r));
    size_t n = 0;
    for (size_t i = 0; i < total; i++) {
        const struct instance_type *t = i < c->nr ? &c->items[i] : &c->unpriced[i - c->nr];
        if (t->listed_on_demand[0] > 0 && t->listed_spot > 0)
            r[n++] = t->listed_spot / t->listed_on_demand[0];
    }
    qsort(r, n, sizeof(*r), cmp_double);
    double m = n == 0 ? 0 : n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
    free(r);
    return m;
}

void catalog_release(struct catalog *c)
{
    for (size_t i = 0; i < c->nr; i++)
        free(c->items[i].name);
    for (size_t i = 0; i < c->nr_unpriced; i++)
        free(c->unpriced[i].name);
    for (size_t i = 0; i < c->nr_regions; i++)
        free(c->regions[i]);
    free(c->items);
    free(c->unpriced);
    memset(c, 0, sizeof(*c));
}
