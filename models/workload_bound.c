/*
 * The largest rate a workload tree can offer (workload.h): checked before a run so that
 * products of in-range numbers (a Product, a spike's multiplier, a trace's RateScale)
 * cannot reach rates no arithmetic or event queue survives (issue 20, class 2).
 */
#include "asgsim/workload.h"

#include <math.h>

#include "asgsim/banned.h"

static double max2(double a, double b)
{
    return a > b ? a : b;
}

double workload_peak_rps(const struct workload_config *w)
{
    double peak = 0;
    switch (w->kind) {
    case WORKLOAD_CONSTANT:
        return w->rps;
    case WORKLOAD_DIURNAL:
        for (int d = 0; d < 7; d++)
            peak = max2(peak, w->weekly[d]);
        return w->base_rps * (1 + w->amplitude) * peak;
    case WORKLOAD_RAMP:
    case WORKLOAD_STEP:
        return max2(w->from_rps, w->to_rps);
    case WORKLOAD_SPIKE:
        return w->base_rps * max2(1, w->peak_multiplier);
    case WORKLOAD_TRACE:
        for (size_t i = 0; i < w->nr_rows; i++)
            peak = max2(peak, w->rate_rps[i]);
        return peak * w->rate_scale;
    case WORKLOAD_SUM:
        for (size_t i = 0; i < w->nr_children; i++)
            peak += workload_peak_rps(&w->children[i]);
        return peak;
    case WORKLOAD_PRODUCT:
        peak = 1;
        for (size_t i = 0; i < w->nr_children; i++)
            peak *= workload_peak_rps(&w->children[i]);
        return peak;
    }
    return (double)INFINITY;
}
