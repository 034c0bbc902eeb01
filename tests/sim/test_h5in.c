/*
 * The HDF5 reader: write files through the HDF5 trace sink, read them back with h5in and
 * compare values, units, enum names and strings; and the errors for missing or foreign files.
 */
#include "helpers.h"

#include "asgsim/diag.h"
#include "asgsim/h5in.h"
#include "asgsim/trace.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* clang-format off: banned.h must come last, after every system header */
#include "asgsim/banned.h"

/* clang-format on */

static const char *const state_names[] = { "Pending", "InService", "Terminated" };

static const struct trace_field ts_fields[] = {
    { .name = "time", .type = TRACE_F64, .units = "s" },
    { .name = "in_service", .type = TRACE_I32, .units = "instances" },
};

static const struct trace_field ev_fields[] = {
    { .name = "time", .type = TRACE_F64, .units = "s" },
    { .name = "instance", .type = TRACE_U32, .units = "1" },
    { .name = "az", .type = TRACE_STR, .units = "1", .str_size = 16 },
    { .name = "to", .type = TRACE_ENUM, .units = "1", .enum_names = state_names, .nr_enum = 3 },
    { .name = "billed", .type = TRACE_I64, .units = "s" },
};

/* A small trace: /timeseries (columns), /events (compound), /summary/cost, a root attribute. */
static char *write_trace(const char *name)
{
    char *path = test_tmp_path(name);
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    struct trace_table *ts, *ev;
    ck_assert_int_eq(trace_table_open(s, "/timeseries", TRACE_COLUMNS, ts_fields, 2, &ts), 0);
    ck_assert_int_eq(trace_table_open(s, "/events", TRACE_COMPOUND, ev_fields, 5, &ev), 0);
    for (int i = 0; i < 5; i++) {
        union trace_value row[2] = { { .f64 = i == 3 ? (double)NAN : 60.0 * i }, { .i32 = i * 2 } };
        ck_assert_int_eq(trace_append(s, ts, row), 0);
    }
    static const char *const azs[] = { "us-east-1a", "us-east-1b", "" };
    for (int i = 0; i < 3; i++) {
        union trace_value row[5] = { { .f64 = 1.5 * i },
                                     { .u32 = (uint32_t)(7 + i) },
                                     { .str = azs[i] },
                                     { .i32 = 2 - i },
                                     { .i64 = 3600LL * 24 * 365 * 1000 + i } };
        ck_assert_int_eq(trace_append(s, ev, row), 0);
    }
    ck_assert_int_eq(trace_put_f64(s, "/summary/cost", 12.25, "USD"), 0);
    ck_assert_int_eq(trace_set_attr_str(s, "/", "Conventions", "asgsim-trace/1"), 0);
    ck_assert_int_eq(trace_close(s, true), 0);
    trace_sink_free(s);
    diag_list_release(&d);
    return path;
}

START_TEST(test_h5in_list_datasets_sorted_by_name)
{
    char *path = write_trace("h5in_list.h5");
    struct diag_list d = { 0 };
    struct h5in_file *f;
    ck_assert_int_eq(h5in_open(path, &f, &d), 0);
    char **names;
    size_t nr;
    ck_assert_int_eq(h5in_list_datasets(f, "/timeseries", &names, &nr, &d), 0);
    ck_assert_uint_eq(nr, 2);
    ck_assert_str_eq(names[0], "in_service");
    ck_assert_str_eq(names[1], "time");
    h5in_names_free(names, nr);
    ck_assert_int_eq(h5in_list_datasets(f, "/nope", &names, &nr, &d), ASG_ENOENT);
    ck_assert(h5in_is_group(f, "/timeseries"));
    ck_assert(!h5in_is_group(f, "/events"));
    ck_assert(h5in_exists(f, "/summary/cost"));
    ck_assert(!h5in_exists(f, "/summary/nope/deeper"));
    h5in_close(f);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_h5in_read_column_converts_to_double_and_keeps_units)
{
    char *path = write_trace("h5in_col.h5");
    struct diag_list d = { 0 };
    struct h5in_file *f;
    ck_assert_int_eq(h5in_open(path, &f, &d), 0);
    struct h5in_column c;
    ck_assert_int_eq(h5in_read_column(f, "/timeseries/in_service", &c, &d), 0);
    ck_assert_str_eq(c.name, "in_service");
    ck_assert_str_eq(c.units, "instances");
    ck_assert_int_eq(c.kind, H5IN_INT);
    ck_assert_uint_eq(c.nr, 5);
    ck_assert_double_eq(c.num[4], 8.0);
    h5in_column_release(&c);
    ck_assert_int_eq(h5in_read_column(f, "/timeseries/time", &c, &d), 0);
    ck_assert_int_eq(c.kind, H5IN_FLOAT);
    ck_assert_double_eq(c.num[2], 120.0);
    ck_assert(isnan(c.num[3]));
    h5in_column_release(&c);
    ck_assert_int_eq(h5in_read_column(f, "/summary/cost", &c, &d), 0);
    ck_assert_uint_eq(c.nr, 1);
    ck_assert_double_eq(c.num[0], 12.25);
    ck_assert_str_eq(c.units, "USD");
    h5in_column_release(&c);
    h5in_close(f);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_h5in_read_table_gives_strings_enum_names_and_units)
{
    char *path = write_trace("h5in_tab.h5");
    struct diag_list d = { 0 };
    struct h5in_file *f;
    ck_assert_int_eq(h5in_open(path, &f, &d), 0);
    struct h5in_table t;
    ck_assert_int_eq(h5in_read_table(f, "/events", &t, &d), 0);
    ck_assert_uint_eq(t.nr_rows, 3);
    ck_assert_uint_eq(t.nr_cols, 5);
    const struct h5in_column *az = h5in_table_find(&t, "az");
    const struct h5in_column *to = h5in_table_find(&t, "to");
    const struct h5in_column *inst = h5in_table_find(&t, "instance");
    const struct h5in_column *billed = h5in_table_find(&t, "billed");
    ck_assert_ptr_nonnull(az);
    ck_assert_ptr_nonnull(to);
    ck_assert_str_eq(az->str[1], "us-east-1b");
    ck_assert_str_eq(az->str[2], "");
    ck_assert(to->is_enum);
    ck_assert_str_eq(to->str[0], "Terminated");
    ck_assert_str_eq(to->str[2], "Pending");
    ck_assert_double_eq(inst->num[2], 9.0);
    ck_assert_double_eq(billed->num[1], 3600.0 * 24 * 365 * 1000 + 1);
    ck_assert_str_eq(billed->units, "s");
    ck_assert_ptr_null(h5in_table_find(&t, "nope"));
    /* A column group is not a table. */
    h5in_table_release(&t);
    ck_assert_int_eq(h5in_read_table(f, "/timeseries", &t, &d), ASG_ENOENT);
    h5in_close(f);
    diag_list_release(&d);
    free(path);
}

END_TEST

/*
 * TRACE_VSTR in both layouts: text of any length comes back whole, NULL as "", and a
 * column of more rows than one chunk (the copies are freed at each chunk's write).
 */
START_TEST(test_h5in_vstr_round_trip_in_both_layouts)
{
    static const struct trace_field cf[] = {
        { .name = "n", .type = TRACE_I32, .units = "1" },
        { .name = "text", .type = TRACE_VSTR, .units = "1" },
        { .name = "x", .type = TRACE_F64, .units = "s" },
    };

    enum { NR_COL = 20000 }; /* more than one 16 000-row column chunk */

    char *path = test_tmp_path("h5in_vstr.h5");
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    struct trace_table *tab, *col, *dropped;
    ck_assert_int_eq(trace_table_open(s, "/tab", TRACE_COMPOUND, cf, 3, &tab), 0);
    ck_assert_int_eq(trace_table_open(s, "/col", TRACE_COLUMNS, cf, 3, &col), 0);
    char *long_text = xcalloc(5001, 1);
    memset(long_text, 'a', 5000);
    memcpy(long_text + 4990, "\xc3\xa9 end", 6); /* UTF-8 past any fixed size */
    const char *texts[] = { long_text, NULL, "", "tab\tand, comma" };
    for (int i = 0; i < 4; i++) {
        union trace_value row[3] = { { .i32 = i }, { .str = texts[i] }, { .f64 = i * 0.5 } };
        ck_assert_int_eq(trace_append(s, tab, row), 0);
    }
    for (int i = 0; i < NR_COL; i++) {
        char buf[32];
        snprintf(buf, sizeof(buf), "row %d", i);
        union trace_value row[3] = { { .i32 = i }, { .str = buf }, { .f64 = i } };
        ck_assert_int_eq(trace_append(s, col, row), 0);
    }
    ck_assert_int_eq(trace_close(s, true), 0);
    trace_sink_free(s);

    /* A sink discarded with rows still buffered frees their copies (valgrind checks). */
    char *path2 = test_tmp_path("h5in_vstr_dropped.h5");
    ck_assert_int_eq(h5out_open(&s, path2, &d), 0);
    ck_assert_int_eq(trace_table_open(s, "/tab", TRACE_COMPOUND, cf, 3, &dropped), 0);
    union trace_value row[3] = { { .i32 = 0 }, { .str = "dropped" }, { .f64 = 0 } };
    ck_assert_int_eq(trace_append(s, dropped, row), 0);
    trace_sink_free(s);

    struct h5in_file *f;
    ck_assert_int_eq(h5in_open(path, &f, &d), 0);
    struct h5in_table t;
    ck_assert_int_eq(h5in_read_table(f, "/tab", &t, &d), 0);
    ck_assert_uint_eq(t.nr_rows, 4);
    const struct h5in_column *text = h5in_table_find(&t, "text");
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(text->kind, H5IN_STRING);
    ck_assert(!text->is_enum);
    ck_assert_str_eq(text->str[0], long_text);
    ck_assert_str_eq(text->str[1], "");
    ck_assert_str_eq(text->str[2], "");
    ck_assert_str_eq(text->str[3], "tab\tand, comma");
    ck_assert_double_eq(h5in_table_find(&t, "x")->num[3], 1.5);
    h5in_table_release(&t);
    struct h5in_column c;
    ck_assert_int_eq(h5in_read_column(f, "/col/text", &c, &d), 0);
    ck_assert_uint_eq(c.nr, NR_COL);
    ck_assert_str_eq(c.str[0], "row 0");
    ck_assert_str_eq(c.str[NR_COL - 1], "row 19999");
    ck_assert_str_eq(c.units, "1");
    h5in_column_release(&c);
    h5in_close(f);
    diag_list_release(&d);
    free(long_text);
    free(path);
    free(path2);
}

END_TEST

/* Row i's text for the arena test: `len` copies of one letter, row 700's longer than any
   arena, so it is written alone. */
static char *arena_text(int i)
{
    size_t len = i == 700 ? 300000 : (size_t)(i * 37 % 3000);
    char *t = xcalloc(len + 1, 1);
    memset(t, 'a' + i % 26, len);
    return t;
}

/*
 * Text that overflows a table's text arena (512 bytes a row) makes the sink write rows
 * early, a partial chunk, and a text longer than the whole arena still goes through:
 * every row comes back whole and in order (issue 19: the arena bounds the buffered text).
 */
START_TEST(test_h5in_vstr_overflowing_the_text_arena_round_trips)
{
    static const struct trace_field cf[] = {
        { .name = "n", .type = TRACE_I32, .units = "1" },
        { .name = "text", .type = TRACE_VSTR, .units = "1" },
        { .name = "x", .type = TRACE_F64, .units = "s" },
    };

    enum { NR = 2000 };

    char *path = test_tmp_path("h5in_arena.h5");
    struct diag_list d = { 0 };
    struct trace_sink *s = NULL;
    ck_assert_int_eq(h5out_open(&s, path, &d), 0);
    struct trace_table *tab, *col;
    ck_assert_int_eq(trace_table_open(s, "/tab", TRACE_COMPOUND, cf, 3, &tab), 0);
    ck_assert_int_eq(trace_table_open(s, "/col", TRACE_COLUMNS, cf, 3, &col), 0);
    for (int i = 0; i < NR; i++) {
        char *text = arena_text(i);
        union trace_value row[3] = { { .i32 = i }, { .str = text }, { .f64 = i * 0.5 } };
        ck_assert_int_eq(trace_append(s, tab, row), 0);
        ck_assert_int_eq(trace_append(s, col, row), 0);
        free(text);
    }
    ck_assert_int_eq(trace_close(s, true), 0);
    trace_sink_free(s);

    struct h5in_file *f;
    ck_assert_int_eq(h5in_open(path, &f, &d), 0);
    struct h5in_table t;
    ck_assert_int_eq(h5in_read_table(f, "/tab", &t, &d), 0);
    ck_assert_uint_eq(t.nr_rows, NR);
    const struct h5in_column *text = h5in_table_find(&t, "text");
    struct h5in_column c;
    ck_assert_int_eq(h5in_read_column(f, "/col/text", &c, &d), 0);
    ck_assert_uint_eq(c.nr, NR);
    for (int i = 0; i < NR; i++) {
        char *want = arena_text(i);
        ck_assert_str_eq(text->str[i], want);
        ck_assert_str_eq(c.str[i], want);
        ck_assert_double_eq(h5in_table_find(&t, "n")->num[i], i);
        ck_assert_double_eq(h5in_table_find(&t, "x")->num[i], i * 0.5);
        free(want);
    }
    h5in_column_release(&c);
    h5in_table_release(&t);
    h5in_close(f);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_h5in_attr_string_reads_root_attribute)
{
    char *path = write_trace("h5in_attr.h5");
    struct diag_list d = { 0 };
    struct h5in_file *f;
    ck_assert_int_eq(h5in_open(path, &f, &d), 0);
    char *s;
    ck_assert_int_eq(h5in_attr_string(f, "/", "Conventions", &s, &d), 0);
    ck_assert_str_eq(s, "asgsim-trace/1");
    free(s);
    ck_assert_int_eq(h5in_attr_string(f, "/", "missing", &s, &d), ASG_ENOENT);
    ck_assert_ptr_null(s);
    h5in_close(f);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_h5in_open_reports_missing_and_foreign_files)
{
    struct diag_list d = { 0 };
    struct h5in_file *f;
    char *missing = test_tmp_path("h5in_no_such_file.h5");
    unlink(missing);
    ck_assert_int_eq(h5in_open(missing, &f, &d), ASG_ENOENT);
    ck_assert_ptr_null(f);
    char *text = test_tmp_path("h5in_text.h5");
    FILE *fp = fopen(text, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("not hdf5\n", fp);
    fclose(fp);
    ck_assert_int_eq(h5in_open(text, &f, &d), ASG_EFORMAT);
    ck_assert_uint_eq(d.nr_errors, 2);
    ck_assert_ptr_nonnull(strstr(d.items[1].msg, "not an HDF5 file"));
    diag_list_release(&d);
    free(missing);
    free(text);
}

END_TEST

Suite *h5in_suite(void);

Suite *h5in_suite(void)
{
    Suite *s = suite_create("h5in");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_h5in_list_datasets_sorted_by_name);
    tcase_add_test(tc, test_h5in_read_column_converts_to_double_and_keeps_units);
    tcase_add_test(tc, test_h5in_read_table_gives_strings_enum_names_and_units);
    tcase_add_test(tc, test_h5in_vstr_round_trip_in_both_layouts);
    tcase_add_test(tc, test_h5in_vstr_overflowing_the_text_arena_round_trips);
    tcase_add_test(tc, test_h5in_attr_string_reads_root_attribute);
    tcase_add_test(tc, test_h5in_open_reports_missing_and_foreign_files);
    suite_add_tcase(s, tc);
    return s;
}
