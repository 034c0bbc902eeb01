/*
 * The summary checks the property test applies to every generated run
 * (property_figures.h): each must reject what it is there to reject, or the property test
 * could pass on runs that break it.
 */
#include "property_figures.h"

#include <check.h>

#include "asgsim/banned.h"

static struct run_summary served(double arrived, double served, double dropped)
{
    struct run_summary r = { 0 };
    r.requests_arrived = arrived;
    r.requests_served = served;
    r.requests_dropped = dropped;
    r.latency_mean_s = r.latency_p50_s = r.latency_p95_s = r.latency_p99_s = 0.1;
    r.cost_per_million_requests_usd = 1;
    return r;
}

START_TEST(test_property_figures_accept_a_consistent_summary)
{
    char buf[160];
    struct run_summary r = served(100, 90, 5);
    ck_assert_ptr_null(summary_problem(&r, buf, sizeof(buf)));
    /* documented NaN: nothing served, so no latency and no cost per request */
    r = served(0, 0, 0);
    r.latency_mean_s = r.latency_p50_s = r.latency_p95_s = r.latency_p99_s = NAN;
    r.cost_per_million_requests_usd = NAN;
    ck_assert_ptr_null(summary_problem(&r, buf, sizeof(buf)));
}

END_TEST

START_TEST(test_property_figures_reject_undocumented_nan_and_lost_requests)
{
    char buf[160];
    struct run_summary r = served(100, 90, 5);
    r.cost_total_usd = NAN;
    ck_assert_ptr_nonnull(summary_problem(&r, buf, sizeof(buf)));
    ck_assert_ptr_nonnull(strstr(buf, "cost_total_usd"));
    r = served(100, 90, 5);
    r.latency_p99_s = NAN; /* requests were served: a latency exists */
    ck_assert_ptr_nonnull(summary_problem(&r, buf, sizeof(buf)));
    r = served(100, 90, 5);
    r.mean_in_service = INFINITY;
    ck_assert_ptr_nonnull(summary_problem(&r, buf, sizeof(buf)));
    r = served(100, 90, 11); /* served + dropped > arrived */
    ck_assert_ptr_nonnull(summary_problem(&r, buf, sizeof(buf)));
    ck_assert_ptr_nonnull(strstr(buf, "requests"));
    r = served(100, 90, 5);
    r.requests_over_objective = 91;
    ck_assert_ptr_nonnull(summary_problem(&r, buf, sizeof(buf)));
    r = served(100, 90, 5);
    r.scaling = r.predictive = true;
    r.forecast_hours = 3;
    r.forecast_mape_pct = NAN; /* hours were scored: a score exists */
    ck_assert_ptr_nonnull(summary_problem(&r, buf, sizeof(buf)));
}

END_TEST

Suite *property_figures_suite(void);

Suite *property_figures_suite(void)
{
    Suite *s = suite_create("property_figures");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_property_figures_accept_a_consistent_summary);
    tcase_add_test(tc, test_property_figures_reject_undocumented_nan_and_lost_requests);
    suite_add_tcase(s, tc);
    return s;
}
