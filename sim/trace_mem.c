/*
 * The memory sink for tests: keeps every row, scalar, text and attribute so a test can
 * check what a model wrote without reading HDF5. Object paths share one namespace, as in
 * an HDF5 file, so writing two objects at one path fails here too.
 */
#include "trace_int.h"

#include "asgsim/trace.h"
#include "asgsim/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off: banned.h must come last, after every system header */
#include "asgsim/banned.h"

/* clang-format on */

struct mem_table {
    struct trace_table base;
    union trace_value *cells; /* row-major, nr_fields per row; strings (both kinds) owned */
    size_t nr_rows;
    size_t nr_cells, alloc_cells;
};

struct mem_scalar {
    char *path;
    char *units;
    double v;
};

struct mem_text {
    char *path;
    char *text; /* len bytes plus a NUL */
    size_t len;
};

struct mem_attr {
    char *path;
    char *name;
    bool is_str;
    char *str;
    int64_t i64;
};

struct mem_sink {
    struct trace_sink base;
    struct mem_table **tables;
    size_t nr_tables, alloc_tables;
    struct mem_scalar *scalars;
    size_t nr_scalars, alloc_scalars;
    struct mem_text *texts;
    size_t nr_texts, alloc_texts;
    struct mem_attr *attrs;
    size_t nr_attrs, alloc_attrs;
};

static const struct trace_sink_ops mem_ops;

static struct mem_sink *to_mem(struct trace_sink *s)
{
    ASG_ASSERT(s != NULL);
    if (s->ops != &mem_ops)
        ASG_BUG("trace_mem_* called on a sink that is not a memory sink");
    return (struct mem_sink *)s;
}

static struct mem_table *find_table(struct mem_sink *ms, const char *path)
{
    for (size_t i = 0; i < ms->nr_tables; i++)
        if (strcmp(ms->tables[i]->base.path, path) == 0)
            return ms->tables[i];
    return NULL;
}

static struct mem_scalar *find_scalar(struct mem_sink *ms, const char *path)
{
    for (size_t i = 0; i < ms->nr_scalars; i++)
        if (strcmp(ms->scalars[i].path, path) == 0)
            return &ms->scalars[i];
    return NULL;
}

static struct mem_text *find_text(struct mem_sink *ms, const char *path)
{
    for (size_t i = 0; i < ms->nr_texts; i++)
        if (strcmp(ms->texts[i].path, path) == 0)
            return &ms->texts[i];
    return NULL;
}

static struct mem_attr *find_attr(struct mem_sink *ms, const char *path, const char *name)
{
    for (size_t i = 0; i < ms->nr_attrs; i++)
        if (strcmp(ms->attrs[i].path, path) == 0 && strcmp(ms->attrs[i].name, name) == 0)
            return &ms->attrs[i];
    return NULL;
}

static int check_free_path(struct mem_sink *ms, const char *path)
{
    if (find_table(ms, path) || find_scalar(ms, path) || find_text(ms, path))
        return trace_fail(&ms->base, ASG_EIO, "cannot create '%s': it already exists", path);
    return 0;
}

static int mem_table_open(struct trace_sink *s, const char *path, enum trace_layout layout,
                          const struct trace_field *fields, size_t nr_fields,
                          struct trace_table **out)
{
    struct mem_sink *ms = (struct mem_sink *)s;
    int ret = check_free_path(ms, path);
    if (ret)
        return ret;
    struct mem_table *t = xcalloc(1, sizeof(*t));
    trace__table_init(&t->base, path, layout, fields, nr_fields);
    ALLOC_GROW(ms->tables, ms->nr_tables + 1, ms->alloc_tables);
    ms->tables[ms->nr_tables++] = t;
    *out = &t->base;
    return 0;
}

static int mem_append(struct trace_sink *s, struct trace_table *tt, const union trace_value *row)
{
    (void)s;
    struct mem_table *t = (struct mem_table *)tt;
    size_t nf = t->base.nr_fields;
    ALLOC_GROW(t->cells, t->nr_cells + nf, t->alloc_cells);
    union trace_value *dst = &t->cells[t->nr_cells];
    for (size_t i = 0; i < nf; i++) {
        const struct trace_field *f = &t->base.fields[i];
        if (f->type == TRACE_STR)
            dst[i].str =
                    xstrndup(row[i].str ? row[i].str : "", trace__str_len(row[i].str, f->str_size));
        else if (f->type == TRACE_VSTR)
            dst[i].str = xstrdup(row[i].str ? row[i].str : "");
        else
            dst[i] = row[i];
    }
    t->nr_cells += nf;
    t->nr_rows++;
    return 0;
}

static int mem_put_text(struct trace_sink *s, const char *path, const char *text, size_t len)
{
    struct mem_sink *ms = (struct mem_sink *)s;
    int ret = check_free_path(ms, path);
    if (ret)
        return ret;
    ALLOC_GROW(ms->texts, ms->nr_texts + 1, ms->alloc_texts);
    struct mem_text *x = &ms->texts[ms->nr_texts++];
    x->path = xstrdup(path);
    x->text = xmalloc(len + 1);
    memcpy(x->text, text, len);
    x->text[len] = '\0';
    x->len = len;
    return 0;
}

static int put_scalar(struct mem_sink *ms, const char *path, double v, const char *units)
{
    int ret = check_free_path(ms, path);
    if (ret)
        return ret;
    ALLOC_GROW(ms->scalars, ms->nr_scalars + 1, ms->alloc_scalars);
    struct mem_scalar *x = &ms->scalars[ms->nr_scalars++];
    x->path = xstrdup(path);
    x->units = xstrdup(units);
    x->v = v;
    return 0;
}

static int mem_put_f64(struct trace_sink *s, const char *path, double v, const char *units)
{
    return put_scalar((struct mem_sink *)s, path, v, units);
}

static int mem_put_i64(struct trace_sink *s, const char *path, int64_t v, const char *units)
{
    return put_scalar((struct mem_sink *)s, path, (double)v, units);
}

/* Attributes replace an earlier value of the same name, as the HDF5 sink does. */
static struct mem_attr *attr_slot(struct mem_sink *ms, const char *path, const char *name)
{
    struct mem_attr *a = find_attr(ms, path, name);
    if (a) {
        free(a->str);
        a->str = NULL;
        return a;
    }
    ALLOC_GROW(ms->attrs, ms->nr_attrs + 1, ms->alloc_attrs);
    a = &ms->attrs[ms->nr_attrs++];
    memset(a, 0, sizeof(*a));
    a->path = xstrdup(path);
    a->name = xstrdup(name);
    return a;
}

static int mem_set_attr_str(struct trace_sink *s, const char *path, const char *name,
                            const char *value)
{
    struct mem_attr *a = attr_slot((struct mem_sink *)s, path, name);
    a->is_str = true;
    a->str = xstrdup(value);
    a->i64 = 0;
    return 0;
}

static int mem_set_attr_i64(struct trace_sink *s, const char *path, const char *name, int64_t v)
{
    struct mem_attr *a = attr_slot((struct mem_sink *)s, path, name);
    a->is_str = false;
    a->i64 = v;
    return 0;
}

/* Nothing to flush; the contents stay queryable until trace_sink_free. */
static int mem_close(struct trace_sink *s, bool commit)
{
    (void)s;
    (void)commit;
    return 0;
}

static void mem_free(struct trace_sink *s)
{
    struct mem_sink *ms = (struct mem_sink *)s;
    for (size_t i = 0; i < ms->nr_tables; i++) {
        struct mem_table *t = ms->tables[i];
        size_t nf = t->base.nr_fields;
        for (size_t c = 0; c < t->nr_cells; c++)
            if (t->base.fields[c % nf].type == TRACE_STR ||
                t->base.fields[c % nf].type == TRACE_VSTR)
                free((void *)(uintptr_t)t->cells[c].str);
        free(t->cells);
        trace__table_release(&t->base);
        free(t);
    }
    free(ms->tables);
    for (size_t i = 0; i < ms->nr_scalars; i++) {
        free(ms->scalars[i].path);
        free(ms->scalars[i].units);
    }
    free(ms->scalars);
    for (size_t i = 0; i < ms->nr_texts; i++) {
        free(ms->texts[i].path);
        free(ms->texts[i].text);
    }
    free(ms->texts);
    for (size_t i = 0; i < ms->nr_attrs; i++) {
        free(ms->attrs[i].path);
        free(ms->attrs[i].name);
        free(ms->attrs[i].str);
    }
    free(ms->attrs);
    free(ms);
}

static const struct trace_sink_ops mem_ops = {
    .table_open = mem_table_open,
    .append = mem_append,
    .put_text = mem_put_text,
    .put_f64 = mem_put_f64,
    .put_i64 = mem_put_i64,
    .set_attr_str = mem_set_attr_str,
    .set_attr_i64 = mem_set_attr_i64,
    .close = mem_close,
    .free = mem_free,
};

struct trace_sink *trace_mem_new(void)
{
    struct mem_sink *ms = xcalloc(1, sizeof(*ms));
    ms->base.ops = &mem_ops;
    return &ms->base;
}

size_t trace_mem_rows(struct trace_sink *s, const char *path)
{
    struct mem_table *t = find_table(to_mem(s), path);
    return t ? t->nr_rows : 0;
}

const union trace_value *trace_mem_cell(struct trace_sink *s, const char *path, size_t row,
                                        const char *field)
{
    struct mem_table *t = find_table(to_mem(s), path);
    if (!t || row >= t->nr_rows)
        return NULL;
    size_t i = trace__field_index(&t->base, field);
    if (i == (size_t)-1)
        return NULL;
    return &t->cells[row * t->base.nr_fields + i];
}

const struct trace_field *trace_mem_field(struct trace_sink *s, const char *path, size_t i)
{
    struct mem_table *t = find_table(to_mem(s), path);
    return t && i < t->base.nr_fields ? &t->base.fields[i] : NULL;
}

double trace_mem_scalar(struct trace_sink *s, const char *path)
{
    struct mem_scalar *x = find_scalar(to_mem(s), path);
    return x ? x->v : (double)NAN;
}

const char *trace_mem_text(struct trace_sink *s, const char *path, size_t *len)
{
    struct mem_text *x = find_text(to_mem(s), path);
    if (!x)
        return NULL;
    if (len)
        *len = x->len;
    return x->text;
}

const char *trace_mem_attr_str(struct trace_sink *s, const char *path, const char *name)
{
    struct mem_attr *a = find_attr(to_mem(s), path, name);
    return a && a->is_str ? a->str : NULL;
}

bool trace_mem_attr_i64(struct trace_sink *s, const char *path, const char *name, int64_t *out)
{
    struct mem_attr *a = find_attr(to_mem(s), path, name);
    if (!a || a->is_str)
        return false;
    *out = a->i64;
    return true;
}
