/* Typed value binding: durations, numbers written as strings, enums, errors with locations. */
#include "asgsim/bind.h"
#include "asgsim/util.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct ydoc *doc;
static struct diag_list d;
static struct bind b;

static const struct ynode *parse(const char *text)
{
    ck_assert_int_eq(ydoc_parse(&doc, "t.yaml", text, strlen(text), &d), 0);
    b = (struct bind){ NULL, &d, "Thing 'X'" };
    return ydoc_root(doc);
}

static void teardown(void)
{
    ydoc_free(doc);
    doc = NULL;
    diag_list_release(&d);
}

static const char *first_message(void)
{
    ck_assert_uint_ge(d.nr, 1);
    return d.items[0].msg;
}

START_TEST(test_bind_parse_duration_units)
{
    sim_time t;
    ck_assert(bind_parse_duration("90", &t));
    ck_assert_int_eq(t, SIM_SEC(90));
    ck_assert(bind_parse_duration("1.5", &t));
    ck_assert_int_eq(t, SIM_MS(1500));
    ck_assert(bind_parse_duration("250ms", &t));
    ck_assert_int_eq(t, SIM_MS(250));
    ck_assert(bind_parse_duration("5m", &t));
    ck_assert_int_eq(t, SIM_MIN(5));
    ck_assert(bind_parse_duration("2h", &t));
    ck_assert_int_eq(t, SIM_HOUR(2));
    ck_assert(bind_parse_duration("7d", &t));
    ck_assert_int_eq(t, SIM_DAY(7));
    ck_assert(bind_parse_duration("1w", &t));
    ck_assert_int_eq(t, SIM_DAY(7));
    ck_assert(bind_parse_duration("2d10h", &t));
    ck_assert_int_eq(t, SIM_DAY(2) + SIM_HOUR(10));
    ck_assert(bind_parse_duration("1h30m", &t));
    ck_assert_int_eq(t, SIM_MIN(90));
}

END_TEST

START_TEST(test_bind_parse_duration_rejects_nonsense)
{
    sim_time t = 123;
    ck_assert(!bind_parse_duration("", &t));
    ck_assert(!bind_parse_duration("soon", &t));
    ck_assert(!bind_parse_duration("-5s", &t));
    ck_assert(!bind_parse_duration("5 parsecs", &t));
    ck_assert(!bind_parse_duration("1h30", &t));
    ck_assert(!bind_parse_duration("5x", &t));
    ck_assert(!bind_parse_duration("1e300d", &t));
    ck_assert_int_eq(t, 123);
}

END_TEST

START_TEST(test_bind_int_accepts_quoted_and_plain)
{
    const struct ynode *m = parse("A: '300'\nB: 12\nC: ' 7 '\n");
    int64_t v = 0;
    ck_assert_int_eq(bind_int(&b, m, "A", 0, 1000, &v), 1);
    ck_assert_int_eq(v, 300);
    ck_assert_int_eq(bind_int(&b, m, "B", 0, 1000, &v), 1);
    ck_assert_int_eq(v, 12);
    ck_assert_int_eq(bind_int(&b, m, "C", 0, 1000, &v), 1);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(bind_int(&b, m, "Missing", 0, 1000, &v), 0);
    ck_assert_int_eq(v, 7);
    ck_assert_uint_eq(d.nr_errors, 0);
}

END_TEST

START_TEST(test_bind_int_errors_name_key_owner_and_place)
{
    const struct ynode *m = parse("A: 1.5\nB: -4\n");
    int64_t v = 99;
    ck_assert_int_eq(bind_int(&b, m, "A", 0, 10, &v), ASG_EINVAL);
    ck_assert_str_eq(first_message(), "'A' in Thing 'X' must be an integer, got '1.5'");
    ck_assert_uint_eq(d.items[0].loc.line, 1);
    ck_assert_uint_eq(d.items[0].loc.col, 4);
    ck_assert_int_eq(bind_int(&b, m, "B", 0, 10, &v), ASG_EINVAL);
    ck_assert_str_eq(d.items[1].msg, "'B' in Thing 'X' must be between 0 and 10, got -4");
    ck_assert_uint_eq(d.items[1].loc.line, 2);
    ck_assert_int_eq(v, 99);
}

END_TEST

START_TEST(test_bind_check_keys_suggests_and_warns)
{
    const struct ynode *m = parse("MinSzie: 1\nTags: []\nPlacementGroup: pg\nZzzzzzzzz: 1\n");
    static const char *const used[] = { "MinSize", "MaxSize" };
    static const char *const inert[] = { "Tags" };
    static const char *const unmodelled[] = { "PlacementGroup" };
    const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(inert), BIND_LIST(unmodelled) };
    ck_assert_int_eq(bind_check_keys(&b, m, &keys), ASG_EINVAL);
    ck_assert_uint_eq(d.nr_errors, 2);
    ck_assert_uint_eq(d.nr_warnings, 1);
    ck_assert_str_eq(d.items[0].msg,
                     "unknown property 'MinSzie' in Thing 'X' (did you mean 'MinSize'?)");
    ck_assert_uint_eq(d.items[0].loc.line, 1);
    ck_assert_uint_eq(d.items[0].loc.col, 1);
    ck_assert_int_eq(d.items[1].level, DIAG_WARNING);
    ck_assert_uint_eq(d.items[1].loc.line, 3);
    ck_assert_str_eq(d.items[2].msg, "unknown property 'Zzzzzzzzz' in Thing 'X'");
}

END_TEST

START_TEST(test_bind_enum_lists_choices)
{
    const struct ynode *m = parse("PoolState: stopped\n");
    static const char *const states[] = { "Stopped", "Running", "Hibernated" };
    int v = -1;
    ck_assert_int_eq(bind_enum(&b, m, "PoolState", states, 3, &v), ASG_EINVAL);
    ck_assert_str_eq(first_message(), "'PoolState' in Thing 'X' must be one of Stopped, Running, "
                                      "Hibernated, got 'stopped' (did you mean 'Stopped'?)");
    ck_assert_int_eq(v, -1);
}

END_TEST

START_TEST(test_bind_dist_forms)
{
    const struct ynode *m = parse("A: 90s\n"
                                  "B: {Distribution: lognormal, Median: 2m, Sigma: 0.5}\n"
                                  "C: {Distribution: uniform, Min: 10, Max: 20}\n"
                                  "D: {Distribution: gamma, Shape: 2, Scale: 30s}\n"
                                  "E: {Distribution: weibull, Shape: 1.5, Scale: 60}\n");
    struct dist x;
    ck_assert_int_eq(bind_dist(&b, m, "A", &x), 1);
    ck_assert_int_eq(x.kind, DIST_CONSTANT);
    ck_assert_double_eq(x.a, 90);
    ck_assert_int_eq(bind_dist(&b, m, "B", &x), 1);
    ck_assert_int_eq(x.kind, DIST_LOGNORMAL);
    ck_assert_double_eq_tol(x.a, log(120.0), 1e-12);
    ck_assert_double_eq(x.b, 0.5);
    ck_assert_int_eq(bind_dist(&b, m, "C", &x), 1);
    ck_assert_double_eq(x.a, 10);
    ck_assert_double_eq(x.b, 20);
    ck_assert_int_eq(bind_dist(&b, m, "D", &x), 1);
    ck_assert_double_eq(x.a, 2); /* GSL gamma(a = shape, b = scale) */
    ck_assert_double_eq(x.b, 30);
    ck_assert_int_eq(bind_dist(&b, m, "E", &x), 1);
    ck_assert_double_eq(x.a, 60); /* GSL weibull(a = scale, b = shape) */
    ck_assert_double_eq(x.b, 1.5);
    ck_assert_uint_eq(d.nr_errors, 0);
}

END_TEST

START_TEST(test_bind_dist_rejects_wrong_parameters)
{
    const struct ynode *m = parse("A: {Distribution: lognorm, Median: 2m, Sigma: 0.5}\n"
                                  "B: {Distribution: exponential, Mean: 5, Sigma: 1}\n"
                                  "C: {Distribution: uniform, Min: 20, Max: 10}\n"
                                  "D: {Distribution: lognormal, Median: 0, Sigma: 1}\n");
    struct dist x = { DIST_CONSTANT, 1, 0 };
    ck_assert_int_eq(bind_dist(&b, m, "A", &x), ASG_EINVAL);
    ck_assert(strstr(d.items[0].msg, "did you mean 'lognormal'"));
    ck_assert_int_eq(bind_dist(&b, m, "B", &x), ASG_EINVAL);
    ck_assert(strstr(d.items[1].msg, "'Sigma' is not a parameter of the exponential"));
    ck_assert_int_eq(bind_dist(&b, m, "C", &x), ASG_EINVAL);
    ck_assert(strstr(d.items[2].msg, "Max must not be below Min"));
    ck_assert_int_eq(bind_dist(&b, m, "D", &x), ASG_EINVAL);
    ck_assert(strstr(d.items[3].msg, "Median must be greater than 0"));
    ck_assert_int_eq(x.kind, DIST_CONSTANT);
}

END_TEST

START_TEST(test_bind_scalar_list)
{
    const struct ynode *m = parse("L: [a, b, c]\nS: x\n");
    const struct ynode **items;
    size_t nr;
    ck_assert_int_eq(bind_scalar_list(&b, m, "L", &items, &nr), 1);
    ck_assert_uint_eq(nr, 3);
    ck_assert_str_eq(items[2]->scalar, "c");
    free(items);
    ck_assert_int_eq(bind_scalar_list(&b, m, "S", &items, &nr), ASG_EINVAL);
    ck_assert_str_eq(first_message(), "'S' in Thing 'X' must be a list, not a scalar");
}

END_TEST

START_TEST(test_diag_closest_and_format)
{
    static const char *const words[] = { "MinSize", "MaxSize", "DesiredCapacity" };
    ck_assert_str_eq(diag_closest("MinSzie", words, 3), "MinSize");
    ck_assert_str_eq(diag_closest("desiredcapacity", words, 3), "DesiredCapacity");
    ck_assert_ptr_null(diag_closest("Tags", words, 3));
    struct diag_list l = { 0 };
    struct src_loc loc = { "web.yaml", 31, 7 };
    ck_assert_int_eq(diag_error(&l, &loc, "unknown property '%s'", "X"), ASG_EINVAL);
    char *s = diag_format(&l.items[0]);
    ck_assert_str_eq(s, "asgsim: web.yaml:31:7: error: unknown property 'X'");
    free(s);
    diag_warning(&l, NULL, "careful");
    s = diag_format(&l.items[1]);
    ck_assert_str_eq(s, "asgsim: warning: careful");
    free(s);
    for (int i = 0; i < DIAG_MAX_ERRORS + 10; i++)
        diag_error(&l, &loc, "e%d", i);
    ck_assert_uint_eq(l.nr_errors, DIAG_MAX_ERRORS + 11);
    ck_assert_uint_eq(l.nr, DIAG_MAX_ERRORS + 1); /* 50 errors + the warning */
    diag_list_release(&l);
}

END_TEST

Suite *bind_suite(void);

Suite *bind_suite(void)
{
    Suite *s = suite_create("bind");
    TCase *tc = tcase_create("values");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_bind_parse_duration_units);
    tcase_add_test(tc, test_bind_parse_duration_rejects_nonsense);
    tcase_add_test(tc, test_bind_int_accepts_quoted_and_plain);
    tcase_add_test(tc, test_bind_int_errors_name_key_owner_and_place);
    tcase_add_test(tc, test_bind_check_keys_suggests_and_warns);
    tcase_add_test(tc, test_bind_enum_lists_choices);
    tcase_add_test(tc, test_bind_dist_forms);
    tcase_add_test(tc, test_bind_dist_rejects_wrong_parameters);
    tcase_add_test(tc, test_bind_scalar_list);
    tcase_add_test(tc, test_diag_closest_and_format);
    suite_add_tcase(s, tc);
    return s;
}
