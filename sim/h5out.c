/*
 * The HDF5 trace sink: with sim/h5in.c (the reader) the only files that include <hdf5.h>
 * (style B7, ecosystem.md §3; tests/cli/test_hdf5_isolation.sh enforces it).
 *
 * Output goes to NAME.tmp and is renamed to NAME only when a run commits, so a crash or a
 * failed run never leaves a half-written NAME. Table rows are buffered and written one
 * chunk at a time, which bounds memory and gives the deflate filter whole chunks.
 *
 * HDF5 prints nothing itself: every API call clears the default error stack on entry, so
 * each failure is turned into one message right where it happens (h5fail), before any
 * cleanup call can erase the stack.
 */
#include "trace_int.h"

#include "asgsim/trace.h"
#include "asgsim/util.h"

#include <errno.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off: banned.h must come last, after every system header */
#include "asgsim/banned.h"

/* clang-format on */

#ifndef ASGSIM_VERSION
#error "ASGSIM_VERSION must be defined by the build"
#endif

/*
 * Chunks of at most 128 000 bytes (ecosystem §3.2: 64 KiB-1 MiB): 16 000 x 8 B for a
 * column, as many rows as fit for a compound table, whose last chunk is compressed whole
 * at close, filler included (4096 rows of /activities were 2.7 MB compressed every run).
 * Chunks of 64 000 bytes would spare zlib the slide of its window (64 Ki hash entries per
 * 32 KiB past 64 KiB - 262 bytes of one input): 15 % fewer instructions in a no-workload
 * fluid year, but no CPU time that interleaved runs could tell apart, for 20 % larger files.
 */
#define H5OUT_CHUNK_BYTES       128000
#define H5OUT_COLUMN_CHUNK_ROWS (H5OUT_CHUNK_BYTES / 8)
/*
 * Level 1 (zlib's fast matcher) instead of 4 (lazy matching): deflate at level 4 was
 * about a third of the CPU of a no-workload 100-instance fluid year; level 1 takes less
 * than half of that, for files a few per cent larger (levels 2 and 3: no faster, 0.5 %
 * smaller).
 */
#define H5OUT_DEFLATE_LEVEL 1
/*
 * Text (TRACE_VSTR) is part of what a chunk of rows holds: a table with text gets
 * H5OUT_TEXT_ROW_BYTES of text per row in its H5OUT_CHUNK_BYTES, in one arena allocated
 * with the rows. A year's /activities averages about 430 bytes of text a row; its old
 * 1,777-row chunks buffered 0.8 MB of separately allocated copies, reached only once a
 * chunk had filled, so long runs peaked higher than short ones (issue 19). Rows whose
 * text overflows the arena are written early, a partial chunk.
 */
#define H5OUT_TEXT_ROW_BYTES 512

struct h5table {
    struct trace_table base;
    hid_t group;     /* TRACE_COLUMNS: the group holding the columns */
    hid_t *dsets;    /* one per field (columns) or one (compound) */
    hid_t *memtypes; /* per dataset: the type rows are buffered in */
    size_t nr_dsets;
    size_t *offsets;      /* compound: byte offset of each field in a buffered row */
    size_t *sizes;        /* per field: bytes of one value in memory */
    size_t row_size;      /* compound: bytes of one buffered row */
    unsigned char **bufs; /* per dataset: chunk_rows buffered values or rows */
    size_t chunk_rows;
    size_t nr_buffered;
    hsize_t nr_written;
    char *text;       /* has_vstr: the buffered rows' TRACE_VSTR values, NUL-terminated */
    size_t text_used; /* bytes of `text` the buffered rows use */
    size_t text_alloc;
    bool has_text; /* a TRACE_STR or TRACE_VSTR field: rows take the slow path */
    bool has_vstr; /* a TRACE_VSTR field: buffered rows point into `text` */
};

struct h5sink {
    struct trace_sink base;
    char *path;
    char *tmp_path;
    hid_t file;
    hid_t lcpl;  /* link creation: make missing parent groups */
    hid_t gcpl;  /* group creation without modification times (same bytes every run) */
    hid_t dapl;  /* dataset access without a chunk cache: rows are buffered here and written
                    a whole chunk at a time, so HDF5's cache only held memory */
    hid_t ocpl;  /* plain dataset creation, likewise without times */
    hid_t dxpl;  /* dataset transfer with conversion buffers of a chunk, not HDF5's 1 MiB */
    hid_t vlstr; /* scalar variable-length UTF-8 string, so h5py returns str */
    struct h5table **tables;
    size_t nr_tables, alloc_tables;
};

/* Fault injection (SQLite sqlite3FaultSim style): dataset writes left before one fails. */
static unsigned fail_countdown;

void h5out_fail_after(unsigned n)
{
    fail_countdown = n;
}

struct walk_state {
    unsigned nr;
    char *first; /* entry #0: the API call the library was asked to do */
    char *last;  /* deepest entry: the root cause (carries errno text for I/O errors) */
};

static herr_t walk_cb(unsigned n, const H5E_error2_t *err, void *data)
{
    struct walk_state *w = data;
    char *text = xasprintf("%s(): %s", err->func_name ? err->func_name : "?",
                           err->desc ? err->desc : "?");
    if (n == 0 && !w->first) {
        w->first = text;
    } else {
        free(w->last);
        w->last = text;
    }
    w->nr++;
    return 0;
}

/* One line from the current HDF5 error stack, which is cleared afterwards (caller frees). */
static char *h5_error_text(void)
{
    struct walk_state w = { 0 };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_cb, &w);
    H5Eclear2(H5E_DEFAULT);
    char *msg;
    if (!w.first)
        msg = xstrdup("HDF5 call failed (no error details)");
    else if (!w.last)
        msg = xstrdup(w.first);
    else if (strstr(w.last, "error message = '"))
        /* The driver's entry carries errno's text; the rest of it (buffers, offsets) is noise. */
        msg = xasprintf("%s: %.*s", w.first,
                        (int)strcspn(strstr(w.last, "error message = '") + 17, "'"),
                        strstr(w.last, "error message = '") + 17);
    else
        msg = xasprintf("%s: %s", w.first, w.last);
    for (char *p = msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    free(w.first);
    free(w.last);
    return msg;
}

/* Record the failure described by `fmt` plus the HDF5 error stack; \return ASG_EIO. */
static int h5fail(struct h5sink *hs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int h5fail(struct h5sink *hs, const char *fmt, ...)
{
    char *stack = h5_error_text();
    va_list ap;
    va_start(ap, fmt);
    char *what = xvasprintf(fmt, ap);
    va_end(ap);
    int ret = trace_fail(&hs->base, ASG_EIO, "%s in '%s': %s", what, hs->tmp_path, stack);
    free(what);
    free(stack);
    return ret;
}

static bool all_zero(const unsigned char *p, size_t n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/*
 * Every dataset write goes through here so fault injection sees all of them. A chunk of
 * `zero_skip` bytes (0: never skip) that is all zero bytes is not written: HDF5 reads a
 * chunk that was never written as the fill value, zero bytes by default, so readers see
 * the same values, and zlib does not compress columns that stay zero all run.
 */
static int dataset_write(struct h5sink *hs, hid_t dset, hid_t memtype, hid_t memspace,
                         hid_t filespace, const void *buf, size_t zero_skip, const char *path)
{
    if (fail_countdown > 0 && --fail_countdown == 0)
        return trace_fail(&hs->base, ASG_EIO, "cannot write '%s' in '%s': injected write failure",
                          path, hs->tmp_path);
    if (zero_skip && all_zero(buf, zero_skip))
        return 0;
    if (H5Dwrite(dset, memtype, memspace, filespace, hs->dxpl, buf) < 0)
        return h5fail(hs, "cannot write '%s'", path);
    return 0;
}

/* Replace attribute `name` of `obj` by a scalar of type `ftype`, read from `buf` as `mtype`. */
static int write_attr(struct h5sink *hs, hid_t obj, const char *path, const char *name, hid_t ftype,
                      hid_t mtype, const void *buf)
{
    int ret = 0;
    hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0 || (exists > 0 && H5Adelete(obj, name) < 0)) {
        ret = h5fail(hs, "cannot replace attribute '%s' of '%s'", name, path);
        goto out;
    }
    space = H5Screate(H5S_SCALAR);
    if (space < 0) {
        ret = h5fail(hs, "cannot create a dataspace for attribute '%s'", name);
        goto out;
    }
    attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, mtype, buf) < 0) {
        ret = h5fail(hs, "cannot write attribute '%s' of '%s'", name, path);
        goto out;
    }
out:
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return ret;
}

/* A scalar variable-length UTF-8 string attribute, which h5py reads as str. */
static int write_attr_str(struct h5sink *hs, hid_t obj, const char *path, const char *name,
                          const char *value)
{
    return write_attr(hs, obj, path, name, hs->vlstr, hs->vlstr, &value);
}

static int write_attr_i64(struct h5sink *hs, hid_t obj, const char *path, const char *name,
                          int64_t v)
{
    return write_attr(hs, obj, path, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v);
}

/* A 1-D attribute `units` listing one vlen UTF-8 string per field, in field order. */
static int write_units_list(struct h5sink *hs, hid_t obj, const struct trace_table *t)
{
    int ret = 0;
    hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    const char **units = xcalloc(t->nr_fields, sizeof(*units));
    for (size_t i = 0; i < t->nr_fields; i++)
        units[i] = t->fields[i].units;
    hsize_t n = t->nr_fields;
    space = H5Screate_simple(1, &n, NULL);
    if (space < 0) {
        ret = h5fail(hs, "cannot create a dataspace for the units of '%s'", t->path);
        goto out;
    }
    attr = H5Acreate2(obj, "units", hs->vlstr, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, hs->vlstr, units) < 0) {
        ret = h5fail(hs, "cannot write attribute 'units' of '%s'", t->path);
        goto out;
    }
out:
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    free(units);
    return ret;
}

/*
 * Does the object at absolute `path` exist? H5Lexists fails (rather than saying no) when
 * a parent is missing, so check each prefix in turn. \return 1, 0, or -1 on HDF5 error.
 */
static int path_exists(hid_t file, const char *path)
{
    if (strcmp(path, "/") == 0)
        return 1;
    char *buf = xstrdup(path);
    int ret = 1;
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        htri_t e = H5Lexists(file, buf, H5P_DEFAULT);
        *p = saved;
        if (e <= 0) {
            ret = e < 0 ? -1 : 0;
            break;
        }
        if (saved == '\0')
            break;
    }
    free(buf);
    return ret;
}

/*
 * Create the missing parent groups of `path` ourselves, with hs->gcpl: groups that HDF5
 * makes implicitly would record creation times and the file would differ from run to run.
 */
static int ensure_parents(struct h5sink *hs, const char *path)
{
    char *buf = xstrdup(path);
    int ret = 0;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int e = path_exists(hs->file, buf);
        if (e < 0) {
            ret = h5fail(hs, "cannot look up '%s'", buf);
        } else if (e == 0) {
            hid_t g = H5Gcreate2(hs->file, buf, H5P_DEFAULT, hs->gcpl, H5P_DEFAULT);
            if (g < 0)
                ret = h5fail(hs, "cannot create group '%s'", buf);
            else
                H5Gclose(g);
        }
        *p = '/';
        if (ret)
            break;
    }
    free(buf);
    return ret;
}

static bool library_broken; /* a failed H5Fclose: skip H5close at exit */

/* Open the group or dataset at `path`, creating a group (and its parents) if missing. */
static hid_t open_or_create(struct h5sink *hs, const char *path)
{
    int e = path_exists(hs->file, path);
    if (e < 0) {
        h5fail(hs, "cannot look up '%s'", path);
        return H5I_INVALID_HID;
    }
    if (!e && ensure_parents(hs, path))
        return H5I_INVALID_HID;
    hid_t obj = e ? H5Oopen(hs->file, path, H5P_DEFAULT)
                  : H5Gcreate2(hs->file, path, hs->lcpl, hs->gcpl, H5P_DEFAULT);
    if (obj < 0)
        h5fail(hs, "cannot %s '%s'", e ? "open" : "create group", path);
    return obj;
}

/* Memory type of one field of table `path`; the caller closes it. */
static hid_t field_type(struct h5sink *hs, const char *path, const struct trace_field *f)
{
    hid_t t = H5I_INVALID_HID;
    switch (f->type) {
    case TRACE_I32:
        t = H5Tcopy(H5T_NATIVE_INT32);
        break;
    case TRACE_I64:
        t = H5Tcopy(H5T_NATIVE_INT64);
        break;
    case TRACE_U32:
        t = H5Tcopy(H5T_NATIVE_UINT32);
        break;
    case TRACE_F64:
        t = H5Tcopy(H5T_NATIVE_DOUBLE);
        break;
    case TRACE_STR:
        t = H5Tcopy(H5T_C_S1);
        if (t < 0)
            break;
        if (H5Tset_size(t, f->str_size) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
            H5Tset_cset(t, H5T_CSET_UTF8) < 0)
            goto fail;
        break;
    case TRACE_VSTR:
        t = H5Tcopy(H5T_C_S1);
        if (t < 0)
            break;
        if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)
            goto fail;
        break;
    case TRACE_ENUM:
        t = H5Tenum_create(H5T_NATIVE_INT32);
        if (t < 0)
            break;
        for (size_t k = 0; k < f->nr_enum; k++) {
            int32_t code = (int32_t)k;
            if (H5Tenum_insert(t, f->enum_names[k], &code) < 0)
                goto fail;
        }
        break;
    default:
        ASG_BUG("unknown trace field type %d", (int)f->type);
    }
    if (t < 0)
        h5fail(hs, "cannot make the type of field '%s' of '%s'", f->name, path);
    return t;
fail:
    h5fail(hs, "cannot make the type of field '%s' of '%s'", f->name, path);
    H5Tclose(t);
    return H5I_INVALID_HID;
}

static void table_release(struct h5table *t)
{
    for (size_t i = t->nr_dsets; i-- > 0;) {
        if (t->dsets[i] >= 0)
            H5Dclose(t->dsets[i]);
        if (t->memtypes[i] >= 0)
            H5Tclose(t->memtypes[i]);
        free(t->bufs[i]);
    }
    if (t->group >= 0)
        H5Oclose(t->group);
    free(t->text);
    free(t->bufs);
    free(t->memtypes);
    free(t->dsets);
    free(t->sizes);
    free(t->offsets);
    trace__table_release(&t->base);
    free(t);
}

/* Chunked, extendible, shuffle + deflate (shuffle first: it groups the bytes deflate likes). */
static hid_t make_dcpl(struct h5sink *hs, const char *path, hsize_t chunk)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0 || H5Pset_chunk(dcpl, 1, &chunk) < 0 ||
        H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, H5OUT_DEFLATE_LEVEL) < 0) {
        h5fail(hs, "cannot set up chunking for '%s'", path);
        if (dcpl >= 0)
            H5Pclose(dcpl);
        return H5I_INVALID_HID;
    }
    return dcpl;
}

static int open_columns(struct h5sink *hs, struct h5table *t, hid_t dcpl, hid_t space)
{
    /* The group may exist already if attributes were set on it before the table opened. */
    t->group = open_or_create(hs, t->base.path);
    if (t->group < 0)
        return hs->base.status;
    if (H5Iget_type(t->group) != H5I_GROUP)
        return trace_fail(&hs->base, ASG_EIO,
                          "cannot create table '%s' in '%s': it exists and is not a group",
                          t->base.path, hs->tmp_path);
    for (size_t i = 0; i < t->base.nr_fields; i++) {
        const struct trace_field *f = &t->base.fields[i];
        t->memtypes[i] = field_type(hs, t->base.path, f);
        if (t->memtypes[i] < 0)
            return hs->base.status;
        t->dsets[i] =
                H5Dcreate2(t->group, f->name, t->memtypes[i], space, H5P_DEFAULT, dcpl, hs->dapl);
        if (t->dsets[i] < 0)
            return h5fail(hs, "cannot create dataset '%s/%s'", t->base.path, f->name);
        char *dpath = xasprintf("%s/%s", t->base.path, f->name);
        int ret = write_attr_str(hs, t->dsets[i], dpath, "units", f->units);
        free(dpath);
        if (ret)
            return ret;
        t->bufs[i] = xcalloc_resident(t->chunk_rows, t->sizes[i]);
    }
    return 0;
}

/* Field offsets and the padded row size of a compound table's buffered rows (C layout). */
static void compound_layout(struct h5table *t)
{
    size_t off = 0, max_align = 1;
    for (size_t i = 0; i < t->base.nr_fields; i++) {
        size_t a = trace__field_align(&t->base.fields[i]);
        off = (off + a - 1) / a * a;
        t->offsets[i] = off;
        off += t->sizes[i];
        if (a > max_align)
            max_align = a;
    }
    t->row_size = (off + max_align - 1) / max_align * max_align;
}

/* Rows of `row_size` bytes that fit in H5OUT_CHUNK_BYTES, at least 1. */
static size_t chunk_rows_of(size_t row_size)
{
    return row_size < H5OUT_CHUNK_BYTES ? H5OUT_CHUNK_BYTES / row_size : 1;
}

static int open_compound(struct h5sink *hs, struct h5table *t, hid_t dcpl, hid_t space)
{
    int ret = 0;
    hid_t filetype = H5I_INVALID_HID;
    t->memtypes[0] = H5Tcreate(H5T_COMPOUND, t->row_size);
    if (t->memtypes[0] < 0)
        return h5fail(hs, "cannot make the row type of '%s'", t->base.path);
    for (size_t i = 0; i < t->base.nr_fields; i++) {
        const struct trace_field *f = &t->base.fields[i];
        hid_t ft = field_type(hs, t->base.path, f);
        if (ft < 0)
            return hs->base.status;
        herr_t e = H5Tinsert(t->memtypes[0], f->name, t->offsets[i], ft);
        if (e < 0) {
            ret = h5fail(hs, "cannot add field '%s' to '%s'", f->name, t->base.path);
            H5Tclose(ft);
            return ret;
        }
        H5Tclose(ft);
    }
    /* The file type has no C padding (ecosystem §3.1: 28-byte records for a 32-byte struct). */
    filetype = H5Tcopy(t->memtypes[0]);
    if (filetype < 0 || H5Tpack(filetype) < 0) {
        ret = h5fail(hs, "cannot make the file type of '%s'", t->base.path);
        goto out;
    }
    if (ensure_parents(hs, t->base.path)) {
        ret = hs->base.status;
        goto out;
    }
    t->dsets[0] = H5Dcreate2(hs->file, t->base.path, filetype, space, hs->lcpl, dcpl, hs->dapl);
    if (t->dsets[0] < 0) {
        ret = h5fail(hs, "cannot create dataset '%s'", t->base.path);
        goto out;
    }
    ret = write_units_list(hs, t->dsets[0], &t->base);
    if (ret)
        goto out;
    t->bufs[0] = xcalloc_resident(t->chunk_rows, t->row_size);
out:
    if (filetype >= 0)
        H5Tclose(filetype);
    return ret;
}

static int h5_table_open(struct trace_sink *s, const char *path, enum trace_layout layout,
                         const struct trace_field *fields, size_t nr_fields,
                         struct trace_table **out)
{
    struct h5sink *hs = (struct h5sink *)s;
    struct h5table *t = xcalloc(1, sizeof(*t));
    trace__table_init(&t->base, path, layout, fields, nr_fields);
    t->group = H5I_INVALID_HID;
    t->nr_dsets = layout == TRACE_COLUMNS ? nr_fields : 1;
    t->dsets = xcalloc(t->nr_dsets, sizeof(*t->dsets));
    t->memtypes = xcalloc(t->nr_dsets, sizeof(*t->memtypes));
    t->bufs = xcalloc(t->nr_dsets, sizeof(*t->bufs));
    for (size_t i = 0; i < t->nr_dsets; i++)
        t->dsets[i] = t->memtypes[i] = H5I_INVALID_HID;
    t->offsets = xcalloc(nr_fields, sizeof(*t->offsets));
    t->sizes = xcalloc(nr_fields, sizeof(*t->sizes));
    for (size_t i = 0; i < nr_fields; i++) {
        t->sizes[i] = trace__field_size(&t->base.fields[i]);
        t->has_text |= t->base.fields[i].type == TRACE_STR || t->base.fields[i].type == TRACE_VSTR;
        t->has_vstr |= t->base.fields[i].type == TRACE_VSTR;
    }
    if (layout == TRACE_COLUMNS) {
        t->chunk_rows = H5OUT_COLUMN_CHUNK_ROWS;
    } else {
        compound_layout(t);
        t->chunk_rows = chunk_rows_of(t->row_size);
    }
    if (t->has_vstr) {
        size_t row_bytes = H5OUT_TEXT_ROW_BYTES;
        for (size_t i = 0; i < nr_fields; i++)
            row_bytes += t->sizes[i];
        if (chunk_rows_of(row_bytes) < t->chunk_rows)
            t->chunk_rows = chunk_rows_of(row_bytes);
        t->text_alloc = t->chunk_rows * H5OUT_TEXT_ROW_BYTES;
        t->text = xcalloc_resident(t->text_alloc, 1);
    }
    /* Registered before any HDF5 call so close() releases whatever was opened. */
    ALLOC_GROW(hs->tables, hs->nr_tables + 1, hs->alloc_tables);
    hs->tables[hs->nr_tables++] = t;

    int ret = 0;
    hsize_t zero = 0, unlimited = H5S_UNLIMITED;
    hid_t space = H5I_INVALID_HID;
    hid_t dcpl = make_dcpl(hs, path, t->chunk_rows);
    if (dcpl < 0) {
        ret = hs->base.status;
        goto out;
    }
    space = H5Screate_simple(1, &zero, &unlimited);
    if (space < 0) {
        ret = h5fail(hs, "cannot create a dataspace for '%s'", path);
        goto out;
    }
    ret = layout == TRACE_COLUMNS ? open_columns(hs, t, dcpl, space)
                                  : open_compound(hs, t, dcpl, space);
    if (ret)
        goto out;
    *out = &t->base;
out:
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    return ret;
}

static void put_value(struct h5table *t, unsigned char *dst, const struct trace_field *f,
                      const union trace_value *v)
{
    switch (f->type) {
    case TRACE_I32:
    case TRACE_ENUM:
        memcpy(dst, &v->i32, sizeof(v->i32));
        return;
    case TRACE_I64:
        memcpy(dst, &v->i64, sizeof(v->i64));
        return;
    case TRACE_U32:
        memcpy(dst, &v->u32, sizeof(v->u32));
        return;
    case TRACE_F64:
        memcpy(dst, &v->f64, sizeof(v->f64));
        return;
    case TRACE_STR:
        memset(dst, 0, f->str_size);
        if (v->str)
            memcpy(dst, v->str, trace__str_len(v->str, f->str_size));
        return;
    case TRACE_VSTR: {
        /* The caller's text is borrowed for this call only, and the row waits for its chunk;
           h5_append made room for it. */
        const char *src = v->str ? v->str : "";
        size_t n = strlen(src) + 1;
        ASG_ASSERT(t->text_used + n <= t->text_alloc);
        char *copy = t->text + t->text_used;
        memcpy(copy, src, n);
        t->text_used += n;
        memcpy(dst, &copy, sizeof(copy));
        return;
    }
    }
    ASG_BUG("unknown trace field type %d", (int)f->type);
}

static int flush_table(struct h5sink *hs, struct h5table *t)
{
    if (t->nr_buffered == 0)
        return 0;
    int ret = 0;
    hsize_t start = t->nr_written, count = t->nr_buffered, size = start + count;
    hid_t filespace = H5I_INVALID_HID;
    hid_t memspace = H5Screate_simple(1, &count, NULL);
    if (memspace < 0) {
        ret = h5fail(hs, "cannot create a dataspace for '%s'", t->base.path);
        goto out;
    }
    for (size_t i = 0; i < t->nr_dsets; i++) {
        const char *name = t->base.layout == TRACE_COLUMNS ? t->base.fields[i].name : NULL;
        if (H5Dset_extent(t->dsets[i], &size) < 0) {
            ret = h5fail(hs, "cannot extend '%s%s%s'", t->base.path, name ? "/" : "",
                         name ? name : "");
            goto out;
        }
        filespace = H5Dget_space(t->dsets[i]);
        if (filespace < 0 ||
            H5Sselect_hyperslab(filespace, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0) {
            ret = h5fail(hs, "cannot select rows of '%s'", t->base.path);
            goto out;
        }
        /*
         * Only a column's chunks, each written once from its start, may be left out, and
         * never the first: h5diff refuses to compare a dataset with no storage at all.
         */
        size_t zero_skip =
                t->base.layout == TRACE_COLUMNS && start > 0 && start % t->chunk_rows == 0
                        ? t->nr_buffered * t->sizes[i]
                        : 0;
        ret = dataset_write(hs, t->dsets[i], t->memtypes[i], memspace, filespace, t->bufs[i],
                            zero_skip, t->base.path);
        if (ret)
            goto out;
        H5Sclose(filespace);
        filespace = H5I_INVALID_HID;
    }
    t->text_used = 0; /* HDF5 has copied the text to the file's heap */
    t->nr_written = size;
    t->nr_buffered = 0;
out:
    if (filespace >= 0)
        H5Sclose(filespace);
    if (memspace >= 0)
        H5Sclose(memspace);
    return ret;
}

/*
 * Room in the text arena for `row`'s TRACE_VSTR values: write the buffered rows first if
 * they do not fit, and grow the arena only for a row whose text alone overflows it, when
 * no buffered row points into it (memory then depends on the longest row, not the run).
 */
static int make_text_room(struct h5sink *hs, struct h5table *t, const union trace_value *row)
{
    size_t need = 0;
    for (size_t i = 0; i < t->base.nr_fields; i++)
        if (t->base.fields[i].type == TRACE_VSTR)
            need += (row[i].str ? strlen(row[i].str) : 0) + 1;
    if (t->text_used + need <= t->text_alloc)
        return 0;
    int ret = flush_table(hs, t);
    if (ret)
        return ret;
    if (need > t->text_alloc) {
        free(t->text);
        t->text_alloc = need;
        t->text = xcalloc_resident(need, 1);
    }
    return 0;
}

static int h5_append(struct trace_sink *s, struct trace_table *tt, const union trace_value *row)
{
    struct h5table *t = (struct h5table *)tt;
    if (t->has_vstr) {
        int ret = make_text_room((struct h5sink *)s, t, row);
        if (ret)
            return ret;
    }
    size_t r = t->nr_buffered;
    if (t->base.layout == TRACE_COLUMNS) {
        /* Every member of union trace_value starts at its first byte: a number is its first
           4 or 8 bytes, whatever its type (the switch of put_value was half of this). */
        for (size_t i = 0; i < t->base.nr_fields; i++) {
            unsigned char *dst = t->bufs[i] + r * t->sizes[i];
            if (t->has_text &&
                (t->base.fields[i].type == TRACE_STR || t->base.fields[i].type == TRACE_VSTR))
                put_value(t, dst, &t->base.fields[i], &row[i]);
            else if (t->sizes[i] == 8)
                memcpy(dst, &row[i], 8);
            else
                memcpy(dst, &row[i], 4);
        }
    } else {
        unsigned char *dst = t->bufs[0] + r * t->row_size;
        /* Zero the padding too, so no uninitialised bytes reach the type conversion. */
        memset(dst, 0, t->row_size);
        for (size_t i = 0; i < t->base.nr_fields; i++)
            put_value(t, dst + t->offsets[i], &t->base.fields[i], &row[i]);
    }
    t->nr_buffered++;
    /* At the end of a chunk, so that writes line up with chunks again after an early one. */
    if ((t->nr_written + t->nr_buffered) % t->chunk_rows == 0)
        return flush_table((struct h5sink *)s, t);
    return 0;
}

/* A scalar dataset at `path` of file type `filetype`, written from `buf` in `memtype`. */
static int put_scalar(struct h5sink *hs, const char *path, hid_t filetype, hid_t memtype,
                      const void *buf, const char *units)
{
    int ret = 0;
    hid_t dset = H5I_INVALID_HID;
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0) {
        ret = h5fail(hs, "cannot create a dataspace for '%s'", path);
        goto out;
    }
    if (ensure_parents(hs, path)) {
        ret = hs->base.status;
        goto out;
    }
    dset = H5Dcreate2(hs->file, path, filetype, space, hs->lcpl, hs->ocpl, H5P_DEFAULT);
    if (dset < 0) {
        ret = h5fail(hs, "cannot create dataset '%s'", path);
        goto out;
    }
    ret = dataset_write(hs, dset, memtype, H5S_ALL, H5S_ALL, buf, 0, path);
    if (ret)
        goto out;
    if (units)
        ret = write_attr_str(hs, dset, path, "units", units);
out:
    if (dset >= 0)
        H5Dclose(dset);
    if (space >= 0)
        H5Sclose(space);
    return ret;
}

static int h5_put_text(struct trace_sink *s, const char *path, const char *text, size_t len)
{
    struct h5sink *hs = (struct h5sink *)s;
    /* A vlen string ends at its first NUL: refuse rather than store a silently cut text. */
    if (memchr(text, '\0', len))
        return trace_fail(s, ASG_EINVAL, "cannot store text '%s': it contains a NUL byte", path);
    char *copy = xstrndup(text, len);
    int ret = put_scalar(hs, path, hs->vlstr, hs->vlstr, &copy, NULL);
    free(copy);
    return ret;
}

static int h5_put_f64(struct trace_sink *s, const char *path, double v, const char *units)
{
    return put_scalar((struct h5sink *)s, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, units);
}

static int h5_put_i64(struct trace_sink *s, const char *path, int64_t v, const char *units)
{
    return put_scalar((struct h5sink *)s, path, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, units);
}

static int h5_set_attr_str(struct trace_sink *s, const char *path, const char *name,
                           const char *value)
{
    struct h5sink *hs = (struct h5sink *)s;
    hid_t obj = open_or_create(hs, path);
    if (obj < 0)
        return s->status;
    int ret = write_attr_str(hs, obj, path, name, value);
    H5Oclose(obj);
    return ret;
}

static int h5_set_attr_i64(struct trace_sink *s, const char *path, const char *name, int64_t v)
{
    struct h5sink *hs = (struct h5sink *)s;
    hid_t obj = open_or_create(hs, path);
    if (obj < 0)
        return s->status;
    int ret = write_attr_i64(hs, obj, path, name, v);
    H5Oclose(obj);
    return ret;
}

static int h5_close(struct trace_sink *s, bool commit)
{
    struct h5sink *hs = (struct h5sink *)s;
    if (commit)
        for (size_t i = 0; i < hs->nr_tables && s->status == 0; i++)
            flush_table(hs, hs->tables[i]);
    for (size_t i = hs->nr_tables; i-- > 0;)
        table_release(hs->tables[i]);
    hs->nr_tables = 0;
    if (hs->vlstr >= 0)
        H5Tclose(hs->vlstr);
    if (hs->lcpl >= 0)
        H5Pclose(hs->lcpl);
    if (hs->gcpl >= 0)
        H5Pclose(hs->gcpl);
    if (hs->ocpl >= 0)
        H5Pclose(hs->ocpl);
    if (hs->dapl >= 0)
        H5Pclose(hs->dapl);
    if (hs->dxpl >= 0)
        H5Pclose(hs->dxpl);
    hs->vlstr = hs->lcpl = hs->gcpl = hs->ocpl = hs->dapl = hs->dxpl = H5I_INVALID_HID;
    if (hs->file >= 0) {
        /* H5Fclose writes the metadata cache out: its failure means a broken file. */
        if (H5Fclose(hs->file) < 0) {
            /*
             * HDF5 1.10 keeps a file whose final flush failed (a full disk) half-open, and its
             * own shutdown then crashes on it; from here on the library is left alone.
             */
            library_broken = true;
            if (commit)
                h5fail(hs, "cannot close");
        }
        hs->file = H5I_INVALID_HID;
    }
    if (commit && s->status == 0) {
        /* rename() is atomic within a file system: readers see the old file or the whole new one.
         */
        if (rename(hs->tmp_path, hs->path) != 0)
            trace_fail(s, ASG_EIO, "cannot rename '%s' to '%s': %s", hs->tmp_path, hs->path,
                       strerror(errno));
    }
    if (!commit || s->status != 0)
        remove(hs->tmp_path);
    return s->status;
}

static void h5_free(struct trace_sink *s)
{
    struct h5sink *hs = (struct h5sink *)s;
    ASG_ASSERT(hs->nr_tables == 0 && hs->file < 0);
    free(hs->tables);
    free(hs->path);
    free(hs->tmp_path);
    free(hs);
}

static const struct trace_sink_ops h5_ops = {
    .table_open = h5_table_open,
    .append = h5_append,
    .put_text = h5_put_text,
    .put_f64 = h5_put_f64,
    .put_i64 = h5_put_i64,
    .set_attr_str = h5_set_attr_str,
    .set_attr_i64 = h5_set_attr_i64,
    .close = h5_close,
    .free = h5_free,
};

/* Our replacement for HDF5's exit handler: close the library unless a close has failed. */
static void library_close(void)
{
    if (!library_broken)
        H5close();
}

int h5out_open(struct trace_sink **out, const char *path, struct diag_list *d)
{
    ASG_ASSERT(out != NULL && path != NULL && d != NULL);
    static bool initialised;
    if (!initialised) {
        /* Must come before any other HDF5 call to take effect; later it is a harmless no-op. */
        H5dont_atexit();
        atexit(library_close);
        initialised = true;
    }
    /* The CLI prints one clean message per failure; HDF5's own dump would be noise. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    struct h5sink *hs = xcalloc(1, sizeof(*hs));
    hs->base.ops = &h5_ops;
    hs->path = xstrdup(path);
    hs->tmp_path = xasprintf("%s.tmp", path);
    hs->file = hs->lcpl = hs->vlstr = hs->gcpl = hs->ocpl = hs->dapl = hs->dxpl = H5I_INVALID_HID;

    /* A stale .tmp is what a crashed run leaves behind (ecosystem §3.5). */
    if (remove(hs->tmp_path) != 0 && errno != ENOENT) {
        trace_fail(&hs->base, ASG_ECANTCREAT, "cannot remove stale '%s': %s", hs->tmp_path,
                   strerror(errno));
        goto fail;
    }
    /* A file-creation list is a group-creation list: the root group records no times either. */
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl >= 0)
        H5Pset_obj_track_times(fcpl, 0);
    /* Memory flat over the run's length (issue 19): HDF5's metadata cache grows toward 32 MiB
       as the chunk indexes of the growing datasets grow (a year of a scaling group: +37 %
       peak RSS over a day; +25 % with a 1 MiB cap, +13 % with 64 KiB, and no measurable
       change in run time: rows reach HDF5 a whole chunk at a time). Freed blocks HDF5 keeps
       for reuse are capped too. */
    H5set_free_list_limits(1 << 18, 1 << 16, 1 << 18, 1 << 16, 1 << 18, 1 << 16);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0) {
        H5AC_cache_config_t mdc = { .version = H5AC__CURR_CACHE_CONFIG_VERSION };
        if (H5Pget_mdc_config(fapl, &mdc) >= 0) {
            mdc.set_initial_size = 1;
            mdc.initial_size = 1 << 16;
            mdc.max_size = 1 << 16;
            mdc.min_size = 1 << 14;
            H5Pset_mdc_config(fapl, &mdc);
        }
    }
    hs->file = H5Fcreate(hs->tmp_path, H5F_ACC_TRUNC, fcpl >= 0 ? fcpl : H5P_DEFAULT,
                         fapl >= 0 ? fapl : H5P_DEFAULT);
    if (hs->file < 0) {
        char *stack = h5_error_text(); /* before any other HDF5 call clears the stack */
        if (fcpl >= 0)
            H5Pclose(fcpl);
        if (fapl >= 0)
            H5Pclose(fapl);
        trace_fail(&hs->base, ASG_ECANTCREAT, "cannot create '%s': %s", hs->tmp_path, stack);
        free(stack);
        goto fail;
    }
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    hs->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hs->ocpl = H5Pcreate(H5P_DATASET_CREATE);
    if (hs->gcpl < 0 || hs->ocpl < 0 || H5Pset_obj_track_times(hs->gcpl, 0) < 0 ||
        H5Pset_obj_track_times(hs->ocpl, 0) < 0) {
        h5fail(hs, "cannot set up object creation");
        goto fail;
    }
    hs->dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (hs->dapl < 0 || H5Pset_chunk_cache(hs->dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0,
                                           H5D_CHUNK_CACHE_W0_DEFAULT) < 0) {
        h5fail(hs, "cannot set up dataset access");
        goto fail;
    }
    /* Writes are a chunk (at most H5OUT_CHUNK_BYTES) at a time: HDF5's default 1 MiB type
       conversion and background buffers were a transient 2 MiB at every compound write, the
       peak of a long run's memory (issue 19). */
    hs->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (hs->dxpl < 0 || H5Pset_buffer(hs->dxpl, 1 << 17, NULL, NULL) < 0) {
        h5fail(hs, "cannot set up dataset transfer");
        goto fail;
    }
    hs->lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (hs->lcpl < 0 || H5Pset_create_intermediate_group(hs->lcpl, 1) < 0) {
        h5fail(hs, "cannot set up link creation");
        goto fail;
    }
    hs->vlstr = H5Tcopy(H5T_C_S1);
    if (hs->vlstr < 0 || H5Tset_size(hs->vlstr, H5T_VARIABLE) < 0 ||
        H5Tset_cset(hs->vlstr, H5T_CSET_UTF8) < 0) {
        h5fail(hs, "cannot make the string type");
        goto fail;
    }
    if (write_attr_str(hs, hs->file, "/", "Conventions", "asgsim-trace/1") ||
        write_attr_str(hs, hs->file, "/", "tool", "asgsim") ||
        write_attr_str(hs, hs->file, "/", "tool_version", ASGSIM_VERSION))
        goto fail;
    *out = &hs->base;
    return 0;

fail:
    diag_error_status(d, ASG_ECANTCREAT, NULL, "%s", hs->base.error);
    trace_sink_free(&hs->base);
    return ASG_ECANTCREAT;
}
