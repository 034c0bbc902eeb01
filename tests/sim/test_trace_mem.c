/* The generic trace layer, the memory sink's query functions, and the null sink. */
#include "asgsim/diag.h"
#include "asgsim/trace.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off: banned.h must come last, after every system header */
#include "asgsim/banned.h"

/* clang-format on */

static const char *const states[] = { "pending", "in_service" };

static const struct trace_field fields[] = {
    { .name = "t", .type = TRACE_I64, .units = "us" },
    { .name = "n", .type = TRACE_I32, .units = "instances" },
    { .name = "id", .type = TRACE_U32, .units = "1" },
    { .name = "cpu", .type = TRACE_F64, .units = "percent" },
    { .name = "az", .type = TRACE_STR, .units = "1", .str_size = 5 },
    { .name = "state", .type = TRACE_ENUM, .units = "1", .enum_names = states, .nr_enum = 2 },
};

static struct trace_sink *sink;

static void setup(void)
{
    sink = trace_mem_new();
}

static void teardown(void)
{
    trace_sink_free(sink);
    sink = NULL;
}

static void append_row(struct trace_table *t, int64_t i, const char *az)
{
    union trace_value row[6];
    row[0].i64 = i * 1000;
    row[1].i32 = (int32_t)-i;
    row[2].u32 = 3000000000u + (uint32_t)i;
    row[3].f64 = (double)i + 0.25;
    row[4].str = az;
    row[5].i32 = (int32_t)(i % 2);
    ck_assert_int_eq(trace_append(sink, t, row), 0);
}

START_TEST(test_trace_mem_cells_hold_appended_values)
{
    struct trace_table *t = NULL;
    ck_assert_int_eq(
            trace_table_open(sink, "/run/events", TRACE_COMPOUND, fields, ARRAY_SIZE(fields), &t),
            0);
    ck_assert_ptr_nonnull(t);
    char az[16] = "az-1";
    append_row(t, 0, az);
    /* The sink copies strings: changing the caller's buffer afterwards changes nothing. */
    memcpy(az, "XXXX", 5);
    append_row(t, 1, "eu-west-1a");
    append_row(t, 2, NULL);
    ck_assert_uint_eq(trace_mem_rows(sink, "/run/events"), 3);

    ck_assert_int_eq(trace_mem_cell(sink, "/run/events", 1, "t")->i64, 1000);
    ck_assert_int_eq(trace_mem_cell(sink, "/run/events", 2, "n")->i32, -2);
    ck_assert_uint_eq(trace_mem_cell(sink, "/run/events", 1, "id")->u32, 3000000001u);
    ck_assert_double_eq(trace_mem_cell(sink, "/run/events", 2, "cpu")->f64, 2.25);
    ck_assert_str_eq(trace_mem_cell(sink, "/run/events", 0, "az")->str, "az-1");
    /* str_size 5 keeps 4 bytes, as the HDF5 file would */
    ck_assert_str_eq(trace_mem_cell(sink, "/run/events", 1, "az")->str, "eu-w");
    ck_assert_str_eq(trace_mem_cell(sink, "/run/events", 2, "az")->str, "");
    ck_assert_int_eq(trace_mem_cell(sink, "/run/events", 1, "state")->i32, 1);
}

END_TEST

START_TEST(test_trace_mem_cell_out_of_range_is_null)
{
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(sink, "/ts", TRACE_COLUMNS, fields, 2, &t), 0);
    append_row(t, 5, "a");
    ck_assert_ptr_nonnull(trace_mem_cell(sink, "/ts", 0, "n"));
    ck_assert_ptr_null(trace_mem_cell(sink, "/ts", 1, "n"));
    ck_assert_ptr_null(trace_mem_cell(sink, "/ts", 0, "cpu")); /* not among the 2 fields */
    ck_assert_ptr_null(trace_mem_cell(sink, "/nope", 0, "n"));
    ck_assert_uint_eq(trace_mem_rows(sink, "/nope"), 0);
}

END_TEST

START_TEST(test_trace_mem_utf8_string_is_cut_at_character_boundary)
{
    static const struct trace_field f[] = {
        { .name = "s", .type = TRACE_STR, .units = "1", .str_size = 5 },
    };
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(sink, "/s", TRACE_COLUMNS, f, 1, &t), 0);
    /* "a" + two 2-byte characters: 4 bytes fit, which would split the second character */
    union trace_value v = { .str = "a\xc3\xa9\xc3\xa9" };
    ck_assert_int_eq(trace_append(sink, t, &v), 0);
    ck_assert_str_eq(trace_mem_cell(sink, "/s", 0, "s")->str, "a\xc3\xa9");
}

END_TEST

START_TEST(test_trace_mem_vstr_keeps_whole_text)
{
    static const struct trace_field f[] = {
        { .name = "n", .type = TRACE_I32, .units = "1" },
        { .name = "s", .type = TRACE_VSTR, .units = "1" },
    };
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(sink, "/v", TRACE_COMPOUND, f, 2, &t), 0);
    char *long_text = xcalloc(2001, 1);
    memset(long_text, 'x', 2000);
    union trace_value row[2] = { { .i32 = 1 }, { .str = long_text } };
    ck_assert_int_eq(trace_append(sink, t, row), 0);
    long_text[0] = 'y'; /* copied: the caller's buffer is borrowed for the call only */
    row[1].str = NULL;
    ck_assert_int_eq(trace_append(sink, t, row), 0);
    ck_assert_uint_eq(strlen(trace_mem_cell(sink, "/v", 0, "s")->str), 2000);
    ck_assert_int_eq(trace_mem_cell(sink, "/v", 0, "s")->str[0], 'x');
    ck_assert_str_eq(trace_mem_cell(sink, "/v", 1, "s")->str, "");
    free(long_text);
}

END_TEST

START_TEST(test_trace_mem_scalars_and_absent_nan)
{
    ck_assert_int_eq(trace_put_f64(sink, "/summary/cost", 1.5, "USD"), 0);
    ck_assert_int_eq(trace_put_i64(sink, "/summary/launches", -12, "instances"), 0);
    ck_assert_double_eq(trace_mem_scalar(sink, "/summary/cost"), 1.5);
    ck_assert_double_eq(trace_mem_scalar(sink, "/summary/launches"), -12.0);
    ck_assert(isnan(trace_mem_scalar(sink, "/summary/none")));
}

END_TEST

START_TEST(test_trace_mem_text_keeps_exact_bytes)
{
    const char text[] = "a: 1\nb: 2\n";
    /* Only the first 5 bytes are stored: len, not strlen, decides. */
    ck_assert_int_eq(trace_put_text(sink, "/provenance/scenario", text, 5), 0);
    size_t len = 0;
    const char *got = trace_mem_text(sink, "/provenance/scenario", &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, 5);
    ck_assert_str_eq(got, "a: 1\n");
    ck_assert_ptr_null(trace_mem_text(sink, "/provenance/other", NULL));
}

END_TEST

START_TEST(test_trace_mem_attributes_replace_earlier_values)
{
    ck_assert_int_eq(trace_set_attr_str(sink, "/provenance", "sha", "old"), 0);
    ck_assert_int_eq(trace_set_attr_str(sink, "/provenance", "sha", "new"), 0);
    ck_assert_int_eq(trace_set_attr_i64(sink, "/provenance", "seed", 99), 0);
    ck_assert_str_eq(trace_mem_attr_str(sink, "/provenance", "sha"), "new");
    int64_t v = 0;
    ck_assert(trace_mem_attr_i64(sink, "/provenance", "seed", &v));
    ck_assert_int_eq(v, 99);
    /* wrong kind or absent: false and the output untouched */
    v = 5;
    ck_assert(!trace_mem_attr_i64(sink, "/provenance", "sha", &v));
    ck_assert(!trace_mem_attr_i64(sink, "/other", "seed", &v));
    ck_assert_int_eq(v, 5);
    ck_assert_ptr_null(trace_mem_attr_str(sink, "/provenance", "seed"));
    /* an attribute can change kind, as in HDF5 where it is deleted and recreated */
    ck_assert_int_eq(trace_set_attr_i64(sink, "/provenance", "sha", 1), 0);
    ck_assert_ptr_null(trace_mem_attr_str(sink, "/provenance", "sha"));
}

END_TEST

START_TEST(test_trace_mem_existing_path_fails_and_sticks)
{
    ck_assert_int_eq(trace_put_f64(sink, "/x", 1.0, "1"), 0);
    ck_assert_int_eq(trace_put_text(sink, "/x", "t", 1), ASG_EIO);
    ck_assert_int_eq(sink->status, ASG_EIO);
    ck_assert_str_eq(sink->error, "cannot create '/x': it already exists");
    /* sticky: later calls that would succeed return the first error, message unchanged */
    ck_assert_int_eq(trace_put_f64(sink, "/y", 1.0, "1"), ASG_EIO);
    ck_assert_int_eq(trace_set_attr_str(sink, "/", "a", "b"), ASG_EIO);
    ck_assert(isnan(trace_mem_scalar(sink, "/y")));
    ck_assert_ptr_null(trace_mem_attr_str(sink, "/", "a"));
    ck_assert_int_eq(trace_close(sink, true), ASG_EIO);
    ck_assert_str_eq(sink->error, "cannot create '/x': it already exists");
}

END_TEST

START_TEST(test_trace_fail_keeps_first_error)
{
    ck_assert_int_eq(trace_fail(sink, ASG_EIO, "first %d", 1), ASG_EIO);
    ck_assert_int_eq(trace_fail(sink, ASG_EINVAL, "second"), ASG_EINVAL);
    ck_assert_int_eq(sink->status, ASG_EIO);
    ck_assert_str_eq(sink->error, "first 1");
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(sink, "/t", TRACE_COLUMNS, fields, 1, &t), ASG_EIO);
    ck_assert_ptr_null(t);
}

END_TEST

START_TEST(test_trace_mem_contents_survive_close)
{
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(sink, "/ts", TRACE_COLUMNS, fields, 6, &t), 0);
    append_row(t, 3, "b");
    ck_assert_int_eq(trace_put_f64(sink, "/v", 2.0, "1"), 0);
    ck_assert_int_eq(trace_close(sink, true), 0);
    ck_assert_int_eq(trace_close(sink, false), 0);
    ck_assert_uint_eq(trace_mem_rows(sink, "/ts"), 1);
    ck_assert_int_eq(trace_mem_cell(sink, "/ts", 0, "n")->i32, -3);
    ck_assert_double_eq(trace_mem_scalar(sink, "/v"), 2.0);
}

END_TEST

START_TEST(test_trace_null_accepts_everything)
{
    struct trace_sink *s = trace_null_new();
    struct trace_table *t = NULL;
    ck_assert_int_eq(trace_table_open(s, "/ts", TRACE_COMPOUND, fields, ARRAY_SIZE(fields), &t), 0);
    ck_assert_ptr_nonnull(t);
    union trace_value row[6] = { { .i64 = 1 }, { .i32 = 2 },   { .u32 = 3 },
                                 { .f64 = 4 }, { .str = "x" }, { .i32 = 1 } };
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(trace_append(s, t, row), 0);
    static const struct trace_field vf[] = { { .name = "v", .type = TRACE_VSTR, .units = "1" } };
    ck_assert_int_eq(trace_table_open(s, "/v", TRACE_COLUMNS, vf, 1, &t), 0);
    union trace_value v = { .str = "any length" };
    ck_assert_int_eq(trace_append(s, t, &v), 0);
    ck_assert_int_eq(trace_put_text(s, "/a", "t", 1), 0);
    ck_assert_int_eq(trace_put_text(s, "/a", "t", 1), 0); /* same path: nothing is stored */
    ck_assert_int_eq(trace_put_f64(s, "/b", 1, "1"), 0);
    ck_assert_int_eq(trace_put_i64(s, "/c", 1, "1"), 0);
    ck_assert_int_eq(trace_set_attr_str(s, "/", "a", "b"), 0);
    ck_assert_int_eq(trace_set_attr_i64(s, "/", "a", 1), 0);
    ck_assert_int_eq(trace_close(s, true), 0);
    ck_assert_int_eq(s->status, 0);
    ck_assert_ptr_null(s->error);
    trace_sink_free(s);
    trace_sink_free(NULL);
}

END_TEST

Suite *trace_mem_suite(void);

Suite *trace_mem_suite(void)
{
    Suite *s = suite_create("trace_mem");
    TCase *tc = tcase_create("mem");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_trace_mem_cells_hold_appended_values);
    tcase_add_test(tc, test_trace_mem_cell_out_of_range_is_null);
    tcase_add_test(tc, test_trace_mem_utf8_string_is_cut_at_character_boundary);
    tcase_add_test(tc, test_trace_mem_vstr_keeps_whole_text);
    tcase_add_test(tc, test_trace_mem_scalars_and_absent_nan);
    tcase_add_test(tc, test_trace_mem_text_keeps_exact_bytes);
    tcase_add_test(tc, test_trace_mem_attributes_replace_earlier_values);
    tcase_add_test(tc, test_trace_mem_existing_path_fails_and_sticks);
    tcase_add_test(tc, test_trace_fail_keeps_first_error);
    tcase_add_test(tc, test_trace_mem_contents_survive_close);
    suite_add_tcase(s, tc);

    tc = tcase_create("null");
    tcase_add_test(tc, test_trace_null_accepts_everything);
    suite_add_tcase(s, tc);
    return s;
}
