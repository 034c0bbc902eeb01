/*
 * The null sink: every call succeeds and nothing is stored. Tables are still real
 * objects so the generic layer can check rows against their fields, which keeps a
 * --no-output run exercising the same calls as a real one.
 */
#include "trace_int.h"

#include "asgsim/trace.h"
#include "asgsim/util.h"

#include <stdlib.h>

/* clang-format off: banned.h must come last, after every system header */
#include "asgsim/banned.h"

/* clang-format on */

struct null_sink {
    struct trace_sink base;
    struct trace_table **tables;
    size_t nr_tables, alloc_tables;
};

static int null_table_open(struct trace_sink *s, const char *path, enum trace_layout layout,
                           const struct trace_field *fields, size_t nr_fields,
                           struct trace_table **out)
{
    struct null_sink *ns = (struct null_sink *)s;
    struct trace_table *t = xcalloc(1, sizeof(*t));
    trace__table_init(t, path, layout, fields, nr_fields);
    ALLOC_GROW(ns->tables, ns->nr_tables + 1, ns->alloc_tables);
    ns->tables[ns->nr_tables++] = t;
    *out = t;
    return 0;
}

static int null_append(struct trace_sink *s, struct trace_table *t, const union trace_value *row)
{
    (void)s;
    (void)t;
    (void)row;
    return 0;
}

static int null_put_text(struct trace_sink *s, const char *path, const char *text, size_t len)
{
    (void)s;
    (void)path;
    (void)text;
    (void)len;
    return 0;
}

static int null_put_f64(struct trace_sink *s, const char *path, double v, const char *units)
{
    (void)s;
    (void)path;
    (void)v;
    (void)units;
    return 0;
}

static int null_put_i64(struct trace_sink *s, const char *path, int64_t v, const char *units)
{
    (void)s;
    (void)path;
    (void)v;
    (void)units;
    return 0;
}

static int null_set_attr_str(struct trace_sink *s, const char *path, const char *name,
                             const char *value)
{
    (void)s;
    (void)path;
    (void)name;
    (void)value;
    return 0;
}

static int null_set_attr_i64(struct trace_sink *s, const char *path, const char *name, int64_t v)
{
    (void)s;
    (void)path;
    (void)name;
    (void)v;
    return 0;
}

static int null_close(struct trace_sink *s, bool commit)
{
    (void)s;
    (void)commit;
    return 0;
}

static void null_free(struct trace_sink *s)
{
    struct null_sink *ns = (struct null_sink *)s;
    for (size_t i = 0; i < ns->nr_tables; i++) {
        trace__table_release(ns->tables[i]);
        free(ns->tables[i]);
    }
    free(ns->tables);
    free(ns);
}

static const struct trace_sink_ops null_ops = {
    .table_open = null_table_open,
    .append = null_append,
    .put_text = null_put_text,
    .put_f64 = null_put_f64,
    .put_i64 = null_put_i64,
    .set_attr_str = null_set_attr_str,
    .set_attr_i64 = null_set_attr_i64,
    .close = null_close,
    .free = null_free,
};

struct trace_sink *trace_null_new(void)
{
    struct null_sink *ns = xcalloc(1, sizeof(*ns));
    ns->base.ops = &null_ops;
    return &ns->base;
}
