/*
 * trace_int.h - internals shared by trace.c and the three sink implementations
 * (h5out.c, trace_mem.c, trace_null.c). Private to sim/.
 */
#ifndef ASGSIM_TRACE_INT_H
#define ASGSIM_TRACE_INT_H

#include "asgsim/trace.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * What every implementation's table starts with, so the generic layer can check rows
 * against the field list. The implementation embeds it first and owns it.
 */
struct trace_table {
    char *path; /* owned copy */
    enum trace_layout layout;
    struct trace_field *fields; /* deep copies: name, units and enum names are owned */
    size_t nr_fields;
    bool has_enum; /* a TRACE_ENUM field: trace_append checks codes only then */
};

/** Fill `t` with copies of path and fields. */
void trace__table_init(struct trace_table *t, const char *path, enum trace_layout layout,
                       const struct trace_field *fields, size_t nr_fields);

/** Free what trace__table_init copied; safe on a zeroed table. */
void trace__table_release(struct trace_table *t);

/**
 * Number of bytes of `s` (NULL is "") that a TRACE_STR field of `str_size` bytes keeps:
 * at most str_size - 1, cut back to a UTF-8 character boundary so no half character is
 * stored.
 */
size_t trace__str_len(const char *s, size_t str_size);

/** Index of field `name` in `t`, or (size_t)-1. */
size_t trace__field_index(const struct trace_table *t, const char *name);

/** Bytes of one value of `f` in a sink's row buffer (a TRACE_VSTR is a char pointer). */
size_t trace__field_size(const struct trace_field *f);

/** Alignment of a value of `f` in a C-layout row: 1 for TRACE_STR, else its size. */
size_t trace__field_align(const struct trace_field *f);

#endif /* ASGSIM_TRACE_INT_H */
