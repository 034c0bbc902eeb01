/*
 * Metric math over the metrics asgsim produces (issue 17, item 7): an alarm period's value
 * is the expression over each query's statistic in that period (API_MetricDataQuery);
 * asgsim's rules where AWS is silent: a query without a datapoint, or a division by zero,
 * leaves the period without one.
 */
#include "asgsim/cloudwatch.h"

#include <check.h>

START_TEST(test_metric_math_eval)
{
    struct cloudwatch cw;
    const struct cw_config cfg = { .detailed = true };
    cloudwatch_init(&cw, &cfg, SIM_HOUR(1));
    /* one minute: CPU 40 then 60 (average 50); 4 InService instances */
    cloudwatch_record(&cw, CW_CPU, SIM_SEC(0), 40, 1);
    cloudwatch_record(&cw, CW_CPU, SIM_SEC(30), 60, 1);
    cloudwatch_record(&cw, CW_GROUP_IN_SERVICE, SIM_SEC(0), 4, 1);
    struct cw_math_query q[] = { { CW_CPU, CW_AVERAGE }, { CW_GROUP_IN_SERVICE, CW_AVERAGE } };
    /* cpu - in_service * 2 / (1 + 1) = 50 - 4 = 46: postfix q0 q1 2 * 1 1 + / - */
    struct cw_math_token t[] = {
        { CW_OP_QUERY, 0, 0 }, { CW_OP_QUERY, 0, 1 }, { CW_OP_NUM, 2, 0 },
        { CW_OP_MUL, 0, 0 },   { CW_OP_NUM, 1, 0 },   { CW_OP_NUM, 1, 0 },
        { CW_OP_ADD, 0, 0 },   { CW_OP_DIV, 0, 0 },   { CW_OP_SUB, 0, 0 },
    };
    struct cw_math m = { q, 2, t, 9 };
    double v = -1;
    ck_assert(cw_math_eval(&m, &cw, 0, SIM_MIN(1), SIM_MIN(1), &v));
    ck_assert_double_eq_tol(v, 46, 1e-12);
    /* not yet published (the minute is not over): no value */
    ck_assert(!cw_math_eval(&m, &cw, 0, SIM_MIN(1), SIM_SEC(59), &v));
    /* the next minute has no datapoint: no value */
    ck_assert(!cw_math_eval(&m, &cw, SIM_MIN(1), SIM_MIN(2), SIM_MIN(3), &v));
    /* division by zero: no value */
    struct cw_math_token z[] = { { CW_OP_QUERY, 0, 0 }, { CW_OP_NUM, 0, 0 }, { CW_OP_DIV, 0, 0 } };
    struct cw_math mz = { q, 2, z, 3 };
    ck_assert(!cw_math_eval(&mz, &cw, 0, SIM_MIN(1), SIM_MIN(1), &v));
    /* unary minus */
    struct cw_math_token n[] = { { CW_OP_QUERY, 0, 1 }, { CW_OP_NEG, 0, 0 } };
    struct cw_math mn = { q, 2, n, 2 };
    ck_assert(cw_math_eval(&mn, &cw, 0, SIM_MIN(1), SIM_MIN(1), &v));
    ck_assert_double_eq_tol(v, -4, 1e-12);
    cloudwatch_release(&cw);
}

END_TEST

Suite *metric_math_suite(void);

Suite *metric_math_suite(void)
{
    Suite *s = suite_create("metric_math");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_metric_math_eval);
    suite_add_tcase(s, tc);
    return s;
}
