/* The instance type catalog: parsed from TSV, the shipped one compiled into the binary. */
#include "asgsim/catalog.h"

#include "asgsim/bind.h"
#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

extern const char asgsim_catalog_tsv[]; /* generated from models/instance_types.tsv */

static const char *const columns[] = { "name", "vcpus", "memory_gib", "on_demand_usd_per_hour",
                                       "spot_usd_per_hour" };

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
        char *f[6];
        if (line[0] == '#' || line[0] == '\0') {
            /* comment or blank */
        } else if (!header) {
            size_t n = split_tabs(line, f, 6);
            if (n != ARRAY_SIZE(columns)) {
                ret = diag_error_status(d, ASG_EFORMAT, &loc, "header must have %zu columns",
                                        ARRAY_SIZE(columns));
            } else {
                for (size_t i = 0; i < n; i++)
                    if (strcmp(f[i], columns[i]))
                        ret = diag_error_status(d, ASG_EFORMAT, &loc,
                                                "column %zu must be '%s', got '%s'", i + 1,
                                                columns[i], f[i]);
            }
            header = true;
        } else {
            size_t n = split_tabs(line, f, 6);
            int64_t vcpus;
            struct instance_type t = { 0 };
            if (n != ARRAY_SIZE(columns)) {
                ret = diag_error_status(d, ASG_EFORMAT, &loc,
                                        "expected %zu tab-separated fields, got %zu",
                                        ARRAY_SIZE(columns), n);
            } else if (!bind_parse_int(f[1], &vcpus) || vcpus < 1 || vcpus > 1024 ||
                       !bind_parse_double(f[2], &t.memory_gib) || t.memory_gib <= 0 ||
                       !bind_parse_double(f[3], &t.on_demand_usd_per_hour) ||
                       t.on_demand_usd_per_hour < 0 ||
                       (strcmp(f[4], "-") && (!bind_parse_double(f[4], &t.spot_usd_per_hour) ||
                                              !(t.spot_usd_per_hour > 0)))) {
                ret = diag_error_status(d, ASG_EFORMAT, &loc, "bad numbers for type '%s'", f[0]);
            } else if (catalog_find(c, f[0])) {
                ret = diag_error_status(d, ASG_EFORMAT, &loc, "type '%s' listed twice", f[0]);
            } else {
                t.name = f[0];
                t.vcpus = (int)vcpus;
                if (!strcmp(f[4], "-"))
                    t.spot_usd_per_hour = -1; /* derived below */
                catalog_put(c, &t);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!header)
        ret = diag_error_status(d, ASG_EFORMAT, &(struct src_loc){ file, 0, 0 }, "no header line");
    /* "-": no Spot price in the sources; the median Spot/On-Demand ratio of the rows that
     * have one (catalog_spot_ratio), as for a type a scenario adds without one. */
    double ratio = catalog_spot_ratio(c);
    for (size_t i = 0; i < c->nr; i++)
        if (c->items[i].spot_usd_per_hour < 0)
            c->items[i].spot_usd_per_hour = c->items[i].on_demand_usd_per_hour * ratio;
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

const struct instance_type *catalog_find(const struct catalog *c, const char *name)
{
    for (size_t i = 0; i < c->nr; i++)
        if (!strcmp(c->items[i].name, name))
            return &c->items[i];
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double catalog_spot_ratio(const struct catalog *c)
{
    double *r = xcalloc(c->nr ? c->nr : 1, sizeof(*r));
    size_t n = 0;
    for (size_t i = 0; i < c->nr; i++)
        if (c->items[i].on_demand_usd_per_hour > 0 && c->items[i].spot_usd_per_hour > 0)
            r[n++] = c->items[i].spot_usd_per_hour / c->items[i].on_demand_usd_per_hour;
    qsort(r, n, sizeof(*r), cmp_double);
    double m = n == 0 ? 0 : n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
    free(r);
    return m;
}

void catalog_release(struct catalog *c)
{
    for (size_t i = 0; i < c->nr; i++)
        free(c->items[i].name);
    free(c->items);
    memset(c, 0, sizeof(*c));
}
