/*
 * trace.h - where a run's output goes: tables, scalars, texts and attributes, behind one
 * interface with three implementations: HDF5 (h5out_open), memory (tests) and null.
 *
 * The sink knows nothing of what it stores. Models describe their tables with fields
 * (name, type, units) and append rows; the run layer writes provenance and summary.
 * Paths are absolute HDF5-style ("/timeseries", "/provenance/streams"); missing parent
 * groups are created.
 *
 * Errors are sticky: the first failure sets `status` and `error`, and every later call
 * returns that status without doing anything (do not keep simulating into a broken file).
 */
#ifndef ASGSIM_TRACE_H
#define ASGSIM_TRACE_H

#include "asgsim/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_type {
    TRACE_I32,
    TRACE_I64,
    TRACE_U32,
    TRACE_F64,
    TRACE_STR,  /* fixed-size UTF-8 text, `str_size` bytes including the NUL; longer is cut */
    TRACE_ENUM, /* int32 code with names (an HDF5 enum type) */
    TRACE_VSTR  /* variable-length UTF-8 text, never cut (NULL is stored as ""); for small
                   tables: each value is copied at append and stored on the HDF5 heap */
};

struct trace_field {
    const char *name;
    enum trace_type type;
    const char *units;             /* e.g. "s", "instances", "USD", "1" for dimensionless */
    size_t str_size;               /* TRACE_STR only (TRACE_VSTR has no size) */
    const char *const *enum_names; /* TRACE_ENUM only: name of code i is enum_names[i] */
    size_t nr_enum;
};

union trace_value {
    int32_t i32;
    int64_t i64;
    uint32_t u32;
    double f64;
    const char *str; /* TRACE_STR, TRACE_VSTR: borrowed for the duration of the append call */
};

enum trace_layout {
    TRACE_COLUMNS, /* a group with one 1-D dataset per field, each with a `units` attribute */
    TRACE_COMPOUND /* one 1-D compound dataset; its `units` attribute lists units by field */
};

struct trace_sink;
struct trace_table;

struct trace_sink_ops {
    int (*table_open)(struct trace_sink *s, const char *path, enum trace_layout layout,
                      const struct trace_field *fields, size_t nr_fields, struct trace_table **out);
    int (*append)(struct trace_sink *s, struct trace_table *t, const union trace_value *row);
    int (*put_text)(struct trace_sink *s, const char *path, const char *text, size_t len);
    int (*put_f64)(struct trace_sink *s, const char *path, double v, const char *units);
    int (*put_i64)(struct trace_sink *s, const char *path, int64_t v, const char *units);
    int (*set_attr_str)(struct trace_sink *s, const char *path, const char *name,
                        const char *value);
    int (*set_attr_i64)(struct trace_sink *s, const char *path, const char *name, int64_t v);
    int (*close)(struct trace_sink *s, bool commit);
    void (*free)(struct trace_sink *s);
};

/** Common header of every sink; implementations embed it first. */
struct trace_sink {
    const struct trace_sink_ops *ops;
    int status;  /* 0, or the first error (sticky) */
    char *error; /* message for the first error (owned), NULL when none */
    bool closed;
};

/**
 * Open a table of `nr_fields` fields at `path`. Field descriptions are copied.
 * \return 0 and *out (owned by the sink, valid until trace_close), or the sink's error.
 */
int trace_table_open(struct trace_sink *s, const char *path, enum trace_layout layout,
                     const struct trace_field *fields, size_t nr_fields, struct trace_table **out);

/** Append one row (one value per field, in field order). Rows may be buffered. */
int trace_append(struct trace_sink *s, struct trace_table *t, const union trace_value *row);

/** A scalar text dataset (variable-length UTF-8), e.g. the exact scenario bytes. */
int trace_put_text(struct trace_sink *s, const char *path, const char *text, size_t len);

/** A scalar double / int64 dataset with a `units` attribute. */
int trace_put_f64(struct trace_sink *s, const char *path, double v, const char *units);
int trace_put_i64(struct trace_sink *s, const char *path, int64_t v, const char *units);

/** An attribute (variable-length UTF-8 string / int64) on the group or dataset at `path`. */
int trace_set_attr_str(struct trace_sink *s, const char *path, const char *name, const char *value);
int trace_set_attr_i64(struct trace_sink *s, const char *path, const char *name, int64_t v);

/**
 * Flush and close. commit = true makes the output final (the HDF5 sink renames NAME.tmp to
 * NAME); commit = false discards it (removes NAME.tmp). Calling it twice is harmless.
 * \return 0 or the first error.
 */
int trace_close(struct trace_sink *s, bool commit);

/** Close without committing if still open, then free. NULL is a no-op. */
void trace_sink_free(struct trace_sink *s);

/** Record the first error on a sink (for implementations). \return `status`. */
int trace_fail(struct trace_sink *s, int status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/**
 * The HDF5 sink writing `path` through `path`.tmp (a stale .tmp is replaced). Root
 * attributes Conventions="asgsim-trace/1", tool, tool_version are written at open.
 * HDF5's own error printing is silenced; failures become one message.
 * \return 0 and *out, or ASG_ECANTCREAT with a diagnostic in `d`.
 */
int h5out_open(struct trace_sink **out, const char *path, struct diag_list *d);

/** A sink that discards everything (for --no-output and timing). */
struct trace_sink *trace_null_new(void);

/** In-memory sink for tests: keeps every table row, text and scalar. */
struct trace_sink *trace_mem_new(void);

/** Rows appended so far to the memory sink's table at `path` (0 when none). */
size_t trace_mem_rows(struct trace_sink *s, const char *path);

/** Value of field `field` in row `row` of a memory-sink table; NULL when out of range. */
const union trace_value *trace_mem_cell(struct trace_sink *s, const char *path, size_t row,
                                        const char *field);

/**
 * Field `i` (name, type, units) of the memory-sink table at `path` (owned by the sink), or
 * NULL when there is no such table or i is out of range: lets a test walk every column.
 */
const struct trace_field *trace_mem_field(struct trace_sink *s, const char *path, size_t i);

/** Value of a scalar (put_f64/put_i64 stored as f64) in the memory sink; NAN when absent. */
double trace_mem_scalar(struct trace_sink *s, const char *path);

/**
 * Text stored by put_text in the memory sink (owned by the sink, NUL-terminated; the
 * exact length is put in *len when len is not NULL), or NULL when absent.
 */
const char *trace_mem_text(struct trace_sink *s, const char *path, size_t *len);

/** String attribute `name` on `path` in the memory sink (owned by the sink), or NULL. */
const char *trace_mem_attr_str(struct trace_sink *s, const char *path, const char *name);

/**
 * Integer attribute `name` on `path` in the memory sink.
 * \return true and *out, or false (out untouched) when absent or not an integer.
 */
bool trace_mem_attr_i64(struct trace_sink *s, const char *path, const char *name, int64_t *out);

/**
 * Test hook: make the n-th (1-based) subsequent HDF5 write fail with ASG_EIO; 0 disables.
 * Global, for fault-injection tests only.
 */
void h5out_fail_after(unsigned n);

#endif /* ASGSIM_TRACE_H */
