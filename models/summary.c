/* The table of summary metrics (include/asgsim/summary.h). */
#include "asgsim/summary.h"

#include "asgsim/util.h"

#include <string.h>

#include "asgsim/banned.h"

const struct summary_metric summary_metrics[SUMMARY_NR] = {
#define SUMMARY_ROW(name, kind, units, flags, desc) { #name, SUMMARY_##kind, units, flags, desc },
    SUMMARY_METRICS(SUMMARY_ROW)
#undef SUMMARY_ROW
};

double summary_get(const struct run_summary *r, size_t m)
{
    switch (m) {
#define SUMMARY_GET(name, kind, units, flags, desc)                                                \
    case SUMMARY_ID_##name:                                                                        \
        return (double)r->name;
        SUMMARY_METRICS(SUMMARY_GET)
#undef SUMMARY_GET
    default:
        ASG_BUG("no summary metric %zu", m);
    }
}

void summary_set(struct run_summary *r, size_t m, double v)
{
    switch (m) {
#define SUMMARY_SET(name, kind, units, flags, desc)                                                \
    case SUMMARY_ID_##name:                                                                        \
        r->name = (SUMMARY_CTYPE_##kind)v;                                                         \
        return;
        SUMMARY_METRICS(SUMMARY_SET)
#undef SUMMARY_SET
    default:
        ASG_BUG("no summary metric %zu", m);
    }
}

bool summary_applies(const struct run_summary *r, size_t m)
{
    ASG_ASSERT(m < SUMMARY_NR);
    unsigned f = summary_metrics[m].flags;
    return (r->scaling || !(f & SUMMARY_SCALING)) && (r->predictive || !(f & SUMMARY_PREDICTIVE));
}

size_t summary_find(const char *name)
{
    for (size_t m = 0; m < SUMMARY_NR; m++)
        if (!strcmp(summary_metrics[m].name, name))
            return m;
    return SUMMARY_NR;
}

/* Figures of one group that mean nothing summed over groups: averages of a share, latency
   quantiles, the objective. duration_s and events are the run's, not summed. */
static const char *const not_additive[] = { "mean_cpu_utilization_pct", "latency_mean_s",
                                            "latency_p50_s", "latency_p95_s", "latency_p99_s",
                                            "latency_objective_s", "time_over_objective_s",
                                            /* a ratio: the stack's is its own (run.c) */
                                            "cost_per_million_requests_usd",
                                            /* one forecast per group, scored per group */
                                            "forecast_hours", "forecast_mape_pct",
                                            "forecast_bias_pct", "seasonal_naive_hours",
                                            "seasonal_naive_mape_pct", "seasonal_naive_bias_pct" };

bool summary_adds(size_t m)
{
    ASG_ASSERT(m < SUMMARY_NR);
    for (size_t i = 0; i < ARRAY_SIZE(not_additive); i++)
        if (!strcmp(summary_metrics[m].name, not_additive[i]))
            return false;
    return true;
}

void summary_add(struct run_summary *to, const struct run_summary *from)
{
    for (size_t m = 0; m < SUMMARY_NR; m++)
        if (summary_adds(m))
            summary_set(to, m, summary_get(to, m) + summary_get(from, m));
    to->scaling = to->scaling || from->scaling;
}
