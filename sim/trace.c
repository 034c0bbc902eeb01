/*
 * Generic trace-sink layer: checks the sticky status and the arguments, then dispatches
 * through the implementation's ops. Implementations never see a call on a failed sink.
 */
#include "asgsim/trace.h"

#include "trace_int.h"

#include "asgsim/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off: banned.h must come last, after every system header */
#include "asgsim/banned.h"

/* clang-format on */

int trace_fail(struct trace_sink *s, int status, const char *fmt, ...)
{
    ASG_ASSERT(status < 0);
    /* Keep the first error: later ones are usually consequences of it. */
    if (s->status != 0)
        return status;
    va_list ap;
    va_start(ap, fmt);
    s->error = xvasprintf(fmt, ap);
    va_end(ap);
    s->status = status;
    return status;
}

/*
 * Using a sink after trace_close is a programming error, unless the sink had already
 * failed: then callers that did not stop yet just get the sticky status back.
 */
static int check_usable(struct trace_sink *s)
{
    ASG_ASSERT(s != NULL);
    if (s->status != 0)
        return s->status;
    if (s->closed)
        ASG_BUG("trace sink used after trace_close");
    return 0;
}

static void check_path(const char *path)
{
    ASG_ASSERT(path != NULL);
    if (path[0] != '/')
        ASG_BUG("trace path '%s' is not absolute", path);
}

static void check_fields(const struct trace_field *fields, size_t nr_fields)
{
    ASG_ASSERT(fields != NULL && nr_fields > 0);
    for (size_t i = 0; i < nr_fields; i++) {
        const struct trace_field *f = &fields[i];
        ASG_ASSERT(f->name != NULL && f->name[0] != '\0');
        ASG_ASSERT(f->units != NULL);
        if (f->type == TRACE_STR)
            ASG_ASSERT(f->str_size > 0);
        if (f->type == TRACE_ENUM) {
            ASG_ASSERT(f->enum_names != NULL && f->nr_enum > 0);
            ASG_ASSERT(f->nr_enum <= INT32_MAX);
            for (size_t k = 0; k < f->nr_enum; k++)
                ASG_ASSERT(f->enum_names[k] != NULL);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(fields[j].name, f->name) == 0)
                ASG_BUG("duplicate trace field '%s'", f->name);
    }
}

int trace_table_open(struct trace_sink *s, const char *path, enum trace_layout layout,
                     const struct trace_field *fields, size_t nr_fields, struct trace_table **out)
{
    int ret = check_usable(s);
    if (ret)
        return ret;
    check_path(path);
    check_fields(fields, nr_fields);
    ASG_ASSERT(layout == TRACE_COLUMNS || layout == TRACE_COMPOUND);
    ASG_ASSERT(out != NULL);
    struct trace_table *t = NULL;
    ret = s->ops->table_open(s, path, layout, fields, nr_fields, &t);
    if (ret)
        return ret;
    *out = t;
    return 0;
}

int trace_append(struct trace_sink *s, struct trace_table *t, const union trace_value *row)
{
    int ret = check_usable(s);
    if (ret)
        return ret;
    ASG_ASSERT(t != NULL && row != NULL);
    for (size_t i = 0; t->has_enum && i < t->nr_fields; i++)
        if (t->fields[i].type == TRACE_ENUM &&
            (row[i].i32 < 0 || (size_t)row[i].i32 >= t->fields[i].nr_enum))
            ASG_BUG("enum code %d out of range for field '%s' of '%s'", (int)row[i].i32,
                    t->fields[i].name, t->path);
    return s->ops->append(s, t, row);
}

int trace_put_text(struct trace_sink *s, const char *path, const char *text, size_t len)
{
    int ret = check_usable(s);
    if (ret)
        return ret;
    check_path(path);
    ASG_ASSERT(text != NULL || len == 0);
    return s->ops->put_text(s, path, text ? text : "", len);
}

int trace_put_f64(struct trace_sink *s, const char *path, double v, const char *units)
{
    int ret = check_usable(s);
    if (ret)
        return ret;
    check_path(path);
    ASG_ASSERT(units != NULL);
    return s->ops->put_f64(s, path, v, units);
}

int trace_put_i64(struct trace_sink *s, const char *path, int64_t v, const char *units)
{
    int ret = check_usable(s);
    if (ret)
        return ret;
    check_path(path);
    ASG_ASSERT(units != NULL);
    return s->ops->put_i64(s, path, v, units);
}

int trace_set_attr_str(struct trace_sink *s, const char *path, const char *name, const char *value)
{
    int ret = check_usable(s);
    if (ret)
        return ret;
    check_path(path);
    ASG_ASSERT(name != NULL && name[0] != '\0' && value != NULL);
    return s->ops->set_attr_str(s, path, name, value);
}

int trace_set_attr_i64(struct trace_sink *s, const char *path, const char *name, int64_t v)
{
    int ret = check_usable(s);
    if (ret)
        return ret;
    check_path(path);
    ASG_ASSERT(name != NULL && name[0] != '\0');
    return s->ops->set_attr_i64(s, path, name, v);
}

int trace_close(struct trace_sink *s, bool commit)
{
    ASG_ASSERT(s != NULL);
    if (s->closed)
        return s->status;
    s->closed = true;
    /* A failed sink is never committed: its output is incomplete. */
    int ret = s->ops->close(s, commit && s->status == 0);
    if (ret && s->status == 0)
        trace_fail(s, ret, "closing the trace failed");
    return s->status;
}

void trace_sink_free(struct trace_sink *s)
{
    if (!s)
        return;
    if (!s->closed)
        trace_close(s, false);
    free(s->error);
    s->error = NULL;
    s->ops->free(s);
}

void trace__table_init(struct trace_table *t, const char *path, enum trace_layout layout,
                       const struct trace_field *fields, size_t nr_fields)
{
    t->path = xstrdup(path);
    t->layout = layout;
    t->nr_fields = nr_fields;
    t->has_enum = false;
    t->fields = xcalloc(nr_fields, sizeof(*t->fields));
    for (size_t i = 0; i < nr_fields; i++) {
        struct trace_field *f = &t->fields[i];
        *f = fields[i];
        f->name = xstrdup(fields[i].name);
        f->units = xstrdup(fields[i].units);
        if (f->type != TRACE_STR)
            f->str_size = 0;
        if (f->type == TRACE_ENUM) {
            t->has_enum = true;
            char **names = xcalloc(f->nr_enum, sizeof(*names));
            for (size_t k = 0; k < f->nr_enum; k++)
                names[k] = xstrdup(fields[i].enum_names[k]);
            f->enum_names = (const char *const *)names;
        } else {
            f->enum_names = NULL;
            f->nr_enum = 0;
        }
    }
}

void trace__table_release(struct trace_table *t)
{
    for (size_t i = 0; i < t->nr_fields; i++) {
        struct trace_field *f = &t->fields[i];
        free((void *)(uintptr_t)f->name);
        free((void *)(uintptr_t)f->units);
        for (size_t k = 0; k < f->nr_enum; k++)
            free((void *)(uintptr_t)f->enum_names[k]);
        free((void *)(uintptr_t)f->enum_names);
    }
    free(t->fields);
    free(t->path);
    memset(t, 0, sizeof(*t));
}

size_t trace__str_len(const char *s, size_t str_size)
{
    ASG_ASSERT(str_size > 0);
    if (!s)
        return 0;
    size_t max = str_size - 1;
    size_t n = strnlen(s, max + 1);
    if (n <= max)
        return n;
    n = max;
    /* s[n] is the first byte dropped; while it continues a character, drop that one too. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

size_t trace__field_index(const struct trace_table *t, const char *name)
{
    for (size_t i = 0; i < t->nr_fields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return i;
    return (size_t)-1;
}

size_t trace__field_size(const struct trace_field *f)
{
    switch (f->type) {
    case TRACE_I32:
    case TRACE_U32:
    case TRACE_ENUM:
        return 4;
    case TRACE_I64:
    case TRACE_F64:
        return 8;
    case TRACE_STR:
        return f->str_size;
    case TRACE_VSTR:
        return sizeof(char *); /* HDF5's in-memory form of a vlen string: a pointer */
    }
    ASG_BUG("unknown trace field type %d", (int)f->type);
}

size_t trace__field_align(const struct trace_field *f)
{
    return f->type == TRACE_STR ? 1 : trace__field_size(f);
}
