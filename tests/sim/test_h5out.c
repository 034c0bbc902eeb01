/*
 * The HDF5 sink: write files through the trace interface, then read them back with the
 * HDF5 C API (tests may include <hdf5.h>; library code other than sim/h5out.c may not).
 */
#include "helpers.h"

#include "asgsim/diag.h"
#include "asgsim/trace.h"
#include "asgsim/util.h"

#include <check.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* clang-format off: banned.h must come last, after every system header */
#include "asgsim/banned.h"

/* clang-format on */

#define NR_COLUMN_ROWS   50000
#define NR_COMPOUND_ROWS 5000

static const char *const state_names[] = { "pending", "in_service", "terminated" };

static const struct trace_field column_fields[] = {
    { .name = "t", .type = TRACE_F64, .units = "s" },
    { .name = "in_service", .type = TRACE_I32, .units = "instances" },
    { .name = "cost", .type = TRACE_I64, .units = "USD" },
};

static const struct trace_field event_fields[] = {
    { .name = "t", .type = TRACE_I64, .units = "us" },
    { .name = "instance_id", .type = TRACE_U32, .units = "1" },
    { .name = "cpu", .type = TRACE_F64, .units = "percent" },
    { .name = "az", .type = TRACE_STR, .units = "1", .str_size = 8 },
    { .name = "state", .type = TRACE_ENUM, .units = "1", .enum_names = state_names, .nr_enum = 3 },
};

/* What a row of the compound table looks like when read back with a native type. */
struct event_row {
    int64_t t;
    uint32_t instance_id;
    double cpu;
    char az[8];
    int32_t state;
};

static const char *az_of(size_t i)
{
    /* The last two are longer than 7 bytes: ASCII cut at 7, UTF-8 cut at a character edge. */
    static const char *const az[] = { "use1-az1", "b", "eu-west-1a", "zz\xc3\xa9\xc3\xa9\xc3\xa9" };
    return az[i % 4];
}

static const char *az_expected(size_t i)
{
    static const char *const az[] = { "use1-az", "b", "eu-west", "zz\xc3\xa9\xc3\xa9" };
    return az[i % 4];
}

static const char scenario_text[] =
        "Resources:\n  WebASG:\n    Type: AWS::AutoScaling::"
        "AutoScalingGroup\n    Properties: {MinSize: '1'} # \xc3\xa9t\xc3\xa9\n";

/* Write the sample file used by the read-back tests and commit it. */
static void write_sample(const char *path)
{
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    ck_assert_ptr_nonnull(s);

    struct trace_table *ts = NULL, *ev = NULL;
    /* attributes may be set on a columns group before the table opens */
    ck_assert_int_eq(
            trace_set_attr_str(s, "/run/timeseries", "time_origin", "2024-01-01T00:00:00Z"), 0);
    ck_assert_int_eq(trace_table_open(s, "/run/timeseries", TRACE_COLUMNS, column_fields,
                                      ARRAY_SIZE(column_fields), &ts),
                     0);
    ck_assert_int_eq(trace_table_open(s, "/run/events", TRACE_COMPOUND, event_fields,
                                      ARRAY_SIZE(event_fields), &ev),
                     0);
    for (size_t i = 0; i < NR_COLUMN_ROWS; i++) {
        union trace_value row[3];
        row[0].f64 = (double)i * 0.5;
        row[1].i32 = (int32_t)(i % 97);
        row[2].i64 = (int64_t)i * 3 - 1000;
        ck_assert_int_eq(trace_append(s, ts, row), 0);
        if (i < NR_COMPOUND_ROWS) {
            union trace_value e[5];
            e[0].i64 = (int64_t)i * 1000000;
            e[1].u32 = (uint32_t)(4000000000u - i);
            e[2].f64 = (double)i / 8.0;
            e[3].str = az_of(i);
            e[4].i32 = (int32_t)(i % 3);
            ck_assert_int_eq(trace_append(s, ev, e), 0);
        }
    }
    ck_assert_int_eq(
            trace_put_text(s, "/provenance/scenario", scenario_text, sizeof(scenario_text) - 1), 0);
    ck_assert_int_eq(trace_put_f64(s, "/summary/cost_usd", 12.25, "USD"), 0);
    ck_assert_int_eq(trace_put_i64(s, "/summary/launches", 42, "instances"), 0);
    ck_assert_int_eq(trace_set_attr_str(s, "/provenance", "scenario_sha256", "old"), 0);
    ck_assert_int_eq(trace_set_attr_str(s, "/provenance", "scenario_sha256", "abc123"), 0);
    ck_assert_int_eq(trace_set_attr_i64(s, "/provenance", "base_seed", -7), 0);
    ck_assert_int_eq(trace_set_attr_str(s, "/extra/deep/group", "note", "\xc3\xa9t\xc3\xa9"), 0);
    ck_assert_int_eq(trace_set_attr_str(s, "/summary/cost_usd", "method", "lazy"), 0);
    ck_assert_int_eq(trace_close(s, true), 0);
    trace_sink_free(s);
    ck_assert_uint_eq(d.nr, 0);
    diag_list_release(&d);
}

static bool file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Read a scalar string attribute, checking it is variable-length UTF-8 (caller frees). */
static char *read_attr_str(hid_t obj, const char *name)
{
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    ck_assert_int_ge(attr, 0);
    hid_t type = H5Aget_type(attr);
    ck_assert_int_eq(H5Tget_class(type), H5T_STRING);
    ck_assert_int_gt(H5Tis_variable_str(type), 0);
    ck_assert_int_eq(H5Tget_cset(type), H5T_CSET_UTF8);
    hid_t space = H5Aget_space(attr);
    ck_assert_int_eq(H5Sget_simple_extent_type(space), H5S_SCALAR);
    char *v = NULL;
    ck_assert_int_ge(H5Aread(attr, type, &v), 0);
    char *copy = xstrdup(v);
    H5free_memory(v);
    H5Sclose(space);
    H5Tclose(type);
    H5Aclose(attr);
    return copy;
}

static void check_attr_str(hid_t obj, const char *name, const char *expected)
{
    char *v = read_attr_str(obj, name);
    ck_assert_str_eq(v, expected);
    free(v);
}

static hsize_t dataset_length(hid_t dset)
{
    hid_t space = H5Dget_space(dset);
    ck_assert_int_eq(H5Sget_simple_extent_ndims(space), 1);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space, &n, NULL);
    H5Sclose(space);
    return n;
}

/* Chunked 1-D with the shuffle filter before deflate level 1, and the expected chunk length. */
static void check_filters(hid_t dset, hsize_t chunk_rows)
{
    hid_t dcpl = H5Dget_create_plist(dset);
    ck_assert_int_eq(H5Pget_layout(dcpl), H5D_CHUNKED);
    hsize_t chunk = 0;
    ck_assert_int_eq(H5Pget_chunk(dcpl, 1, &chunk), 1);
    ck_assert_uint_eq(chunk, chunk_rows);
    ck_assert_int_eq(H5Pget_nfilters(dcpl), 2);
    unsigned flags = 0, cd[4];
    size_t nr_cd = 4;
    ck_assert_int_eq(H5Pget_filter2(dcpl, 0, &flags, &nr_cd, cd, 0, NULL, NULL),
                     H5Z_FILTER_SHUFFLE);
    nr_cd = 4;
    ck_assert_int_eq(H5Pget_filter2(dcpl, 1, &flags, &nr_cd, cd, 0, NULL, NULL),
                     H5Z_FILTER_DEFLATE);
    ck_assert_uint_eq(nr_cd, 1);
    ck_assert_uint_eq(cd[0], 1);
    H5Pclose(dcpl);
}

static hsize_t allocated_chunks(hid_t f, const char *path)
{
    hid_t dset = H5Dopen2(f, path, H5P_DEFAULT);
    ck_assert_int_ge(dset, 0);
    hid_t space = H5Dget_space(dset);
    hsize_t n = 0;
    ck_assert_int_ge(H5Dget_num_chunks(dset, space, &n), 0);
    H5Sclose(space);
    H5Dclose(dset);
    return n;
}

/*
 * A column chunk of zero bytes after the first is left unwritten and reads back as zeros;
 * -0.0 is not zero bytes and is written; the first chunk is written even when zero.
 */
START_TEST(test_h5out_zero_column_chunks_read_back_as_zeros)
{
    static const struct trace_field fields[] = {
        { .name = "x", .type = TRACE_F64, .units = "1" },
        { .name = "n", .type = TRACE_I32, .units = "1" },
        { .name = "zero", .type = TRACE_I32, .units = "1" },
    };

    const size_t CHUNK = 16000, ROWS = 3 * CHUNK + 100, NEG_ZERO_ROW = 2 * CHUNK + 5;

    char *path = test_tmp_path("zeros.h5");
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(s, "/ts", TRACE_COLUMNS, fields, 3, &t), 0);
    for (size_t i = 0; i < ROWS; i++) {
        union trace_value row[3] = { { .f64 = i < CHUNK ? (double)i + 1 : 0.0 },
                                     { .i32 = i < CHUNK ? 7 : 0 },
                                     { .i32 = 0 } };
        if (i == NEG_ZERO_ROW)
            row[0].f64 = -0.0;
        ck_assert_int_eq(trace_append(s, t, row), 0);
    }
    ck_assert_int_eq(trace_close(s, true), 0);
    trace_sink_free(s);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    ck_assert_uint_eq(allocated_chunks(f, "/ts/x"), 2);    /* the first, and -0.0's */
    ck_assert_uint_eq(allocated_chunks(f, "/ts/n"), 1);    /* the first */
    ck_assert_uint_eq(allocated_chunks(f, "/ts/zero"), 1); /* the first, though zero */
    double *x = xcalloc(ROWS, sizeof(*x));
    int32_t *n = xcalloc(ROWS, sizeof(*n));
    int32_t *z = xcalloc(ROWS, sizeof(*z));
    for (size_t i = 0; i < ROWS; i++) {
        x[i] = -1.0;
        n[i] = z[i] = -1;
    }
    hid_t dx = H5Dopen2(f, "/ts/x", H5P_DEFAULT), dn = H5Dopen2(f, "/ts/n", H5P_DEFAULT),
          dz = H5Dopen2(f, "/ts/zero", H5P_DEFAULT);
    ck_assert_uint_eq(dataset_length(dx), ROWS);
    ck_assert_uint_eq(dataset_length(dn), ROWS);
    ck_assert_int_ge(H5Dread(dx, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x), 0);
    ck_assert_int_ge(H5Dread(dn, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, n), 0);
    ck_assert_int_ge(H5Dread(dz, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, z), 0);
    for (size_t i = 0; i < ROWS; i++) {
        ck_assert_double_eq(x[i], i < CHUNK ? (double)i + 1 : 0.0);
        ck_assert_int_eq(signbit(x[i]) != 0, i == NEG_ZERO_ROW);
        ck_assert_int_eq(n[i], i < CHUNK ? 7 : 0);
        ck_assert_int_eq(z[i], 0);
    }
    H5Dclose(dx);
    H5Dclose(dn);
    H5Dclose(dz);
    H5Fclose(f);
    free(x);
    free(n);
    free(z);
    remove(path);
    free(path);
}

END_TEST

START_TEST(test_h5out_commit_renames_tmp)
{
    char *path = test_tmp_path("commit.h5");
    char *tmp = xasprintf("%s.tmp", path);
    write_sample(path);
    ck_assert(file_exists(path));
    ck_assert(!file_exists(tmp));
    free(tmp);
    remove(path);
    free(path);
}

END_TEST

/* The version in the top-level project() call, which the build passes as ASGSIM_VERSION. */
static char *project_version(void)
{
    char *cmake = test_src_path("CMakeLists.txt");
    FILE *fp = fopen(cmake, "r");
    ck_assert_ptr_nonnull(fp);
    char line[256];
    char *version = NULL;
    const char *key = "project(asgsim VERSION ";
    while (!version && fgets(line, sizeof(line), fp)) {
        char *p = strstr(line, key);
        if (p)
            version = xstrndup(p + strlen(key), strcspn(p + strlen(key), " )\n"));
    }
    fclose(fp);
    free(cmake);
    ck_assert_ptr_nonnull(version);
    return version;
}

START_TEST(test_h5out_root_attributes_are_vlen_utf8)
{
    char *path = test_tmp_path("root.h5");
    write_sample(path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    check_attr_str(f, "Conventions", "asgsim-trace/1");
    check_attr_str(f, "tool", "asgsim");
    char *version = project_version();
    check_attr_str(f, "tool_version", version);
    free(version);
    H5Fclose(f);
    remove(path);
    free(path);
}

END_TEST

START_TEST(test_h5out_columns_hold_every_row_with_units)
{
    char *path = test_tmp_path("columns.h5");
    write_sample(path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    double *t = xcalloc(NR_COLUMN_ROWS, sizeof(*t));
    int32_t *n = xcalloc(NR_COLUMN_ROWS, sizeof(*n));
    int64_t *cost = xcalloc(NR_COLUMN_ROWS, sizeof(*cost));
    void *bufs[3] = { t, n, cost };
    hid_t memtypes[3] = { H5T_NATIVE_DOUBLE, H5T_NATIVE_INT32, H5T_NATIVE_INT64 };
    H5T_class_t classes[3] = { H5T_FLOAT, H5T_INTEGER, H5T_INTEGER };
    size_t sizes[3] = { 8, 4, 8 };
    for (size_t i = 0; i < 3; i++) {
        char *dpath = xasprintf("/run/timeseries/%s", column_fields[i].name);
        hid_t dset = H5Dopen2(f, dpath, H5P_DEFAULT);
        ck_assert_int_ge(dset, 0);
        ck_assert_uint_eq(dataset_length(dset), NR_COLUMN_ROWS);
        check_filters(dset, 16000); /* 128 000 bytes of f64 */
        check_attr_str(dset, "units", column_fields[i].units);
        hid_t ft = H5Dget_type(dset);
        ck_assert_int_eq(H5Tget_class(ft), classes[i]);
        ck_assert_uint_eq(H5Tget_size(ft), sizes[i]);
        H5Tclose(ft);
        ck_assert_int_ge(H5Dread(dset, memtypes[i], H5S_ALL, H5S_ALL, H5P_DEFAULT, bufs[i]), 0);
        H5Dclose(dset);
        free(dpath);
    }
    for (size_t i = 0; i < NR_COLUMN_ROWS; i++) {
        ck_assert_double_eq(t[i], (double)i * 0.5);
        ck_assert_int_eq(n[i], (int32_t)(i % 97));
        ck_assert_int_eq(cost[i], (int64_t)i * 3 - 1000);
    }
    free(t);
    free(n);
    free(cost);
    H5Fclose(f);
    remove(path);
    free(path);
}

END_TEST

START_TEST(test_h5out_compound_is_packed_with_enum_and_strings)
{
    char *path = test_tmp_path("compound.h5");
    write_sample(path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    hid_t dset = H5Dopen2(f, "/run/events", H5P_DEFAULT);
    ck_assert_int_ge(dset, 0);
    ck_assert_uint_eq(dataset_length(dset), NR_COMPOUND_ROWS);
    check_filters(dset, 3200); /* 128 000 bytes of 40-byte buffered rows (C layout) */

    /* Packed: 8 + 4 + 8 + 8 + 4 bytes, where the C struct has padding after id and state. */
    hid_t ft = H5Dget_type(dset);
    ck_assert_int_eq(H5Tget_class(ft), H5T_COMPOUND);
    ck_assert_int_eq(H5Tget_nmembers(ft), 5);
    ck_assert_uint_eq(H5Tget_size(ft), 32);
    ck_assert_uint_eq(H5Tget_member_offset(ft, 2), 12);
    hid_t az_t = H5Tget_member_type(ft, 3);
    ck_assert_int_eq(H5Tget_class(az_t), H5T_STRING);
    ck_assert_int_eq(H5Tis_variable_str(az_t), 0);
    ck_assert_uint_eq(H5Tget_size(az_t), 8);
    ck_assert_int_eq(H5Tget_cset(az_t), H5T_CSET_UTF8);
    ck_assert_int_eq(H5Tget_strpad(az_t), H5T_STR_NULLTERM);
    H5Tclose(az_t);
    hid_t state_t = H5Tget_member_type(ft, 4);
    ck_assert_int_eq(H5Tget_class(state_t), H5T_ENUM);
    ck_assert_int_eq(H5Tget_nmembers(state_t), 3);
    for (int k = 0; k < 3; k++) {
        char name[32];
        int32_t code = k;
        ck_assert_int_ge(H5Tenum_nameof(state_t, &code, name, sizeof(name)), 0);
        ck_assert_str_eq(name, state_names[k]);
    }

    /* units: one vlen UTF-8 string per field, in field order */
    hid_t attr = H5Aopen(dset, "units", H5P_DEFAULT);
    ck_assert_int_ge(attr, 0);
    hid_t at = H5Aget_type(attr);
    ck_assert_int_gt(H5Tis_variable_str(at), 0);
    ck_assert_int_eq(H5Tget_cset(at), H5T_CSET_UTF8);
    hid_t as = H5Aget_space(attr);
    hsize_t nu = 0;
    ck_assert_int_eq(H5Sget_simple_extent_ndims(as), 1);
    H5Sget_simple_extent_dims(as, &nu, NULL);
    ck_assert_uint_eq(nu, ARRAY_SIZE(event_fields));
    char *units[ARRAY_SIZE(event_fields)] = { 0 };
    ck_assert_int_ge(H5Aread(attr, at, units), 0);
    for (size_t i = 0; i < ARRAY_SIZE(event_fields); i++)
        ck_assert_str_eq(units[i], event_fields[i].units);
    H5Dvlen_reclaim(at, as, H5P_DEFAULT, units);
    H5Sclose(as);
    H5Tclose(at);
    H5Aclose(attr);

    hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(struct event_row));
    H5Tinsert(mt, "t", offsetof(struct event_row, t), H5T_NATIVE_INT64);
    H5Tinsert(mt, "instance_id", offsetof(struct event_row, instance_id), H5T_NATIVE_UINT32);
    H5Tinsert(mt, "cpu", offsetof(struct event_row, cpu), H5T_NATIVE_DOUBLE);
    hid_t az_mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(az_mt, 8);
    H5Tset_cset(az_mt, H5T_CSET_UTF8);
    H5Tinsert(mt, "az", offsetof(struct event_row, az), az_mt);
    hid_t state_mt = H5Tcopy(state_t);
    H5Tinsert(mt, "state", offsetof(struct event_row, state), state_mt);
    struct event_row *rows = xcalloc(NR_COMPOUND_ROWS, sizeof(*rows));
    ck_assert_int_ge(H5Dread(dset, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows), 0);
    for (size_t i = 0; i < NR_COMPOUND_ROWS; i++) {
        ck_assert_int_eq(rows[i].t, (int64_t)i * 1000000);
        ck_assert_uint_eq(rows[i].instance_id, 4000000000u - i);
        ck_assert_double_eq(rows[i].cpu, (double)i / 8.0);
        ck_assert_str_eq(rows[i].az, az_expected(i));
        ck_assert_int_eq(rows[i].state, (int32_t)(i % 3));
    }
    free(rows);
    H5Tclose(state_mt);
    H5Tclose(az_mt);
    H5Tclose(mt);
    H5Tclose(state_t);
    H5Tclose(ft);
    H5Dclose(dset);
    H5Fclose(f);
    remove(path);
    free(path);
}

END_TEST

START_TEST(test_h5out_text_scalars_and_attributes_read_back)
{
    char *path = test_tmp_path("scalars.h5");
    write_sample(path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);

    hid_t dset = H5Dopen2(f, "/provenance/scenario", H5P_DEFAULT);
    ck_assert_int_ge(dset, 0);
    hid_t type = H5Dget_type(dset);
    ck_assert_int_gt(H5Tis_variable_str(type), 0);
    ck_assert_int_eq(H5Tget_cset(type), H5T_CSET_UTF8);
    char *text = NULL;
    ck_assert_int_ge(H5Dread(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), 0);
    ck_assert_str_eq(text, scenario_text);
    H5free_memory(text);
    H5Tclose(type);
    H5Dclose(dset);

    double cost = 0;
    dset = H5Dopen2(f, "/summary/cost_usd", H5P_DEFAULT);
    ck_assert_int_ge(dset, 0);
    ck_assert_int_ge(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &cost), 0);
    ck_assert_double_eq(cost, 12.25);
    check_attr_str(dset, "units", "USD");
    check_attr_str(dset, "method", "lazy");
    H5Dclose(dset);

    int64_t launches = 0;
    dset = H5Dopen2(f, "/summary/launches", H5P_DEFAULT);
    ck_assert_int_ge(dset, 0);
    ck_assert_int_ge(H5Dread(dset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &launches), 0);
    ck_assert_int_eq(launches, 42);
    check_attr_str(dset, "units", "instances");
    H5Dclose(dset);

    hid_t g = H5Gopen2(f, "/provenance", H5P_DEFAULT);
    ck_assert_int_ge(g, 0);
    check_attr_str(g, "scenario_sha256", "abc123");
    int64_t seed = 0;
    hid_t attr = H5Aopen(g, "base_seed", H5P_DEFAULT);
    ck_assert_int_ge(attr, 0);
    ck_assert_int_ge(H5Aread(attr, H5T_NATIVE_INT64, &seed), 0);
    ck_assert_int_eq(seed, -7);
    H5Aclose(attr);
    H5Gclose(g);

    g = H5Gopen2(f, "/run/timeseries", H5P_DEFAULT);
    ck_assert_int_ge(g, 0);
    check_attr_str(g, "time_origin", "2024-01-01T00:00:00Z");
    H5Gclose(g);

    g = H5Gopen2(f, "/extra/deep/group", H5P_DEFAULT);
    ck_assert_int_ge(g, 0);
    check_attr_str(g, "note", "\xc3\xa9t\xc3\xa9");
    H5Gclose(g);
    H5Fclose(f);
    remove(path);
    free(path);
}

END_TEST

START_TEST(test_h5out_discard_leaves_no_file)
{
    char *path = test_tmp_path("discard.h5");
    char *tmp = xasprintf("%s.tmp", path);
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    ck_assert(file_exists(tmp));
    ck_assert_int_eq(trace_put_f64(s, "/x", 1.0, "1"), 0);
    ck_assert_int_eq(trace_close(s, false), 0);
    ck_assert(!file_exists(path));
    ck_assert(!file_exists(tmp));
    /* Closing again changes nothing, even when asking to commit. */
    ck_assert_int_eq(trace_close(s, true), 0);
    ck_assert(!file_exists(path));
    trace_sink_free(s);
    diag_list_release(&d);
    free(tmp);
    free(path);
}

END_TEST

START_TEST(test_h5out_close_twice_is_harmless)
{
    char *path = test_tmp_path("twice.h5");
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    ck_assert_int_eq(trace_close(s, true), 0);
    ck_assert_int_eq(trace_close(s, true), 0);
    ck_assert_int_eq(trace_close(s, false), 0);
    ck_assert(file_exists(path));
    trace_sink_free(s);
    diag_list_release(&d);
    remove(path);
    free(path);
}

END_TEST

START_TEST(test_h5out_free_without_close_discards)
{
    char *path = test_tmp_path("free.h5");
    char *tmp = xasprintf("%s.tmp", path);
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(s, "/t", TRACE_COLUMNS, column_fields, 3, &t), 0);
    trace_sink_free(s);
    ck_assert(!file_exists(path));
    ck_assert(!file_exists(tmp));
    diag_list_release(&d);
    free(tmp);
    free(path);
}

END_TEST

START_TEST(test_h5out_stale_tmp_is_replaced)
{
    char *path = test_tmp_path("stale.h5");
    char *tmp = xasprintf("%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("left over from a crashed run\n", fp);
    fclose(fp);
    write_sample(path);
    ck_assert(file_exists(path));
    ck_assert(!file_exists(tmp));
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    H5Fclose(f);
    remove(path);
    free(tmp);
    free(path);
}

END_TEST

START_TEST(test_h5out_open_in_missing_dir_fails_with_one_diagnostic)
{
    char *dir = test_tmp_path("no-such-dir");
    char *path = xasprintf("%s/x.h5", dir);
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), ASG_ECANTCREAT);
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(d.nr, 1);
    ck_assert_uint_eq(d.nr_errors, 1);
    char *want = xasprintf("cannot create '%s.tmp': ", path);
    ck_assert_msg(strncmp(d.items[0].msg, want, strlen(want)) == 0, "message: %s", d.items[0].msg);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "H5Fcreate"));
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "No such file or directory"));
    ck_assert_ptr_null(strchr(d.items[0].msg, '\n'));
    free(want);
    diag_list_release(&d);
    free(path);
    free(dir);
}

END_TEST

/* 3 columns: one chunk flush (16000 rows) is 3 dataset writes, so the 2nd write fails inside
 * append.
 */
START_TEST(test_h5out_fail_after_fails_append_and_sticks)
{
    char *path = test_tmp_path("inject.h5");
    char *tmp = xasprintf("%s.tmp", path);
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(s, "/ts", TRACE_COLUMNS, column_fields, 3, &t), 0);
    h5out_fail_after(2);
    union trace_value row[3] = { { .f64 = 1.0 }, { .i32 = 2 }, { .i64 = 3 } };
    size_t i;
    int ret = 0;
    for (i = 0; i < 100000 && ret == 0; i++)
        ret = trace_append(s, t, row);
    ck_assert_int_eq(ret, ASG_EIO);
    ck_assert_uint_eq(i, 16000);
    ck_assert_int_eq(s->status, ASG_EIO);
    ck_assert_ptr_nonnull(strstr(s->error, "injected"));
    ck_assert_ptr_nonnull(strstr(s->error, "/ts"));
    char *first = xstrdup(s->error);
    /* Sticky: every later call returns the first error and leaves the message alone. */
    ck_assert_int_eq(trace_append(s, t, row), ASG_EIO);
    ck_assert_int_eq(trace_put_f64(s, "/y", 1.0, "1"), ASG_EIO);
    ck_assert_int_eq(trace_put_i64(s, "/z", 1, "1"), ASG_EIO);
    ck_assert_int_eq(trace_put_text(s, "/txt", "x", 1), ASG_EIO);
    ck_assert_int_eq(trace_set_attr_str(s, "/", "a", "b"), ASG_EIO);
    ck_assert_int_eq(trace_set_attr_i64(s, "/", "a", 1), ASG_EIO);
    struct trace_table *t2 = NULL;
    ck_assert_int_eq(trace_table_open(s, "/t2", TRACE_COLUMNS, column_fields, 3, &t2), ASG_EIO);
    ck_assert_ptr_null(t2);
    ck_assert_int_eq(trace_close(s, true), ASG_EIO);
    ck_assert_int_eq(trace_close(s, true), ASG_EIO);
    ck_assert_str_eq(s->error, first);
    ck_assert(!file_exists(path));
    ck_assert(!file_exists(tmp));
    trace_sink_free(s);
    diag_list_release(&d);
    free(first);
    free(tmp);
    free(path);
}

END_TEST

START_TEST(test_h5out_fail_after_fails_close_flush)
{
    char *path = test_tmp_path("inject-close.h5");
    char *tmp = xasprintf("%s.tmp", path);
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    struct trace_table *t = NULL;
    ck_assert_int_eq(
            trace_table_open(s, "/ev", TRACE_COMPOUND, event_fields, ARRAY_SIZE(event_fields), &t),
            0);
    h5out_fail_after(1);
    union trace_value row[5] = {
        { .i64 = 1 }, { .u32 = 2 }, { .f64 = 3 }, { .str = "a" }, { .i32 = 0 }
    };
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(trace_append(s, t, row), 0);
    ck_assert_int_eq(trace_close(s, true), ASG_EIO);
    ck_assert(!file_exists(path));
    ck_assert(!file_exists(tmp));
    trace_sink_free(s);
    diag_list_release(&d);
    free(tmp);
    free(path);
}

END_TEST

START_TEST(test_h5out_existing_path_fails_with_hdf5_message)
{
    char *path = test_tmp_path("dup.h5");
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    ck_assert_int_eq(trace_put_f64(s, "/a/x", 1.0, "1"), 0);
    ck_assert_int_eq(trace_put_f64(s, "/a/x", 2.0, "1"), ASG_EIO);
    ck_assert_ptr_nonnull(strstr(s->error, "cannot create dataset '/a/x'"));
    ck_assert_ptr_nonnull(strstr(s->error, "H5Dcreate2()"));
    ck_assert_ptr_nonnull(strstr(s->error, "already exists"));
    ck_assert_ptr_null(strchr(s->error, '\n'));
    ck_assert_int_eq(trace_close(s, true), ASG_EIO);
    ck_assert(!file_exists(path));
    trace_sink_free(s);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_h5out_columns_table_over_dataset_fails)
{
    char *path = test_tmp_path("over.h5");
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    ck_assert_int_eq(trace_put_f64(s, "/ts", 1.0, "1"), 0);
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(s, "/ts", TRACE_COLUMNS, column_fields, 3, &t), ASG_EIO);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(s->error, "'/ts'"));
    ck_assert_ptr_nonnull(strstr(s->error, "not a group"));
    trace_sink_free(s);
    ck_assert(!file_exists(path));
    diag_list_release(&d);
    free(path);
}

END_TEST

static void teardown(void)
{
    h5out_fail_after(0);
}

Suite *h5out_suite(void);

Suite *h5out_suite(void)
{
    Suite *s = suite_create("h5out");
    TCase *tc = tcase_create("readback");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_h5out_commit_renames_tmp);
    tcase_add_test(tc, test_h5out_root_attributes_are_vlen_utf8);
    tcase_add_test(tc, test_h5out_columns_hold_every_row_with_units);
    tcase_add_test(tc, test_h5out_zero_column_chunks_read_back_as_zeros);
    tcase_add_test(tc, test_h5out_compound_is_packed_with_enum_and_strings);
    tcase_add_test(tc, test_h5out_text_scalars_and_attributes_read_back);
    suite_add_tcase(s, tc);

    tc = tcase_create("lifecycle");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_h5out_discard_leaves_no_file);
    tcase_add_test(tc, test_h5out_close_twice_is_harmless);
    tcase_add_test(tc, test_h5out_free_without_close_discards);
    tcase_add_test(tc, test_h5out_stale_tmp_is_replaced);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_h5out_open_in_missing_dir_fails_with_one_diagnostic);
    tcase_add_test(tc, test_h5out_fail_after_fails_append_and_sticks);
    tcase_add_test(tc, test_h5out_fail_after_fails_close_flush);
    tcase_add_test(tc, test_h5out_existing_path_fails_with_hdf5_message);
    tcase_add_test(tc, test_h5out_columns_table_over_dataset_fails);
    suite_add_tcase(s, tc);
    return s;
}
