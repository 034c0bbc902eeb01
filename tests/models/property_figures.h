/*
 * The summary figures every generated run must satisfy (issue 20, class 7), kept apart
 * from test_property.c so that test_property_figures.c can show each check fails:
 *  - no NaN or infinity, except where include/asgsim/summary.h and the README document a
 *    NaN: latencies when no request completed (none served), cost per million requests
 *    when none was served, forecast scores when no hour was scored;
 *  - requests: served + dropped <= arrived (the rest is still queued or in service at the
 *    end), over-objective <= served, every count >= 0.
 */
#ifndef ASGSIM_TEST_PROPERTY_FIGURES_H
#define ASGSIM_TEST_PROPERTY_FIGURES_H

#include "asgsim/summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Whether metric m may be NaN in run r, as documented. */
static bool summary_nan_documented(const struct run_summary *r, size_t m)
{
    const char *name = summary_metrics[m].name;
    if (!strncmp(name, "latency_", 8) && strcmp(name, "latency_objective_s") != 0)
        return r->requests_served == 0;
    if (!strcmp(name, "cost_per_million_requests_usd"))
        return r->requests_served == 0;
    if (!strncmp(name, "forecast_", 9))
        return r->forecast_hours == 0;
    if (!strncmp(name, "seasonal_naive_", 15))
        return r->seasonal_naive_hours == 0;
    return false;
}

/* NULL when the summary of r holds, else what is wrong (written to buf). */
static const char *summary_problem(const struct run_summary *r, char *buf, size_t n)
{
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        if (!summary_applies(r, m))
            continue;
        double v = summary_get(r, m);
        if (isinf(v) || (isnan(v) && !summary_nan_documented(r, m))) {
            snprintf(buf, n, "/summary/%s is %g", summary_metrics[m].name, v);
            return buf;
        }
    }
    /* fluid fidelity counts requests as reals: allow rounding in the last bits */
    double slack = 1e-9 * (1 + r->requests_arrived);
    if (!(r->requests_arrived >= 0 && r->requests_served >= 0 && r->requests_dropped >= 0 &&
          r->requests_served + r->requests_dropped <= r->requests_arrived + slack &&
          r->requests_over_objective <= r->requests_served + slack))
        snprintf(buf, n, "requests: %.17g arrived, %.17g served, %.17g dropped, %.17g slow",
                 r->requests_arrived, r->requests_served, r->requests_dropped,
                 r->requests_over_objective);
    else
        return NULL;
    return buf;
}

#endif /* ASGSIM_TEST_PROPERTY_FIGURES_H */
