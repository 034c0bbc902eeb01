/* The offered load as a pure function of the pattern tree and time (workload.h). */
#include "asgsim/workload.h"

#include "asgsim/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

#define TWO_PI 6.28318530717958647692

static const char *const kind_names[] = {
    [WORKLOAD_CONSTANT] = "constant", [WORKLOAD_DIURNAL] = "diurnal", [WORKLOAD_RAMP] = "ramp",
    [WORKLOAD_STEP] = "step",         [WORKLOAD_SPIKE] = "spike",     [WORKLOAD_TRACE] = "trace",
    [WORKLOAD_SUM] = "sum",           [WORKLOAD_PRODUCT] = "product",
};

const char *workload_kind_name(enum workload_kind kind)
{
    return (size_t)kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "?";
}

static double diurnal(const struct workload_config *w, int64_t start_epoch_s, sim_time t)
{
    /* Whole seconds and the sub-second part apart, so a ten-year run keeps its precision. */
    int64_t whole = start_epoch_s + t / SIM_US_PER_SEC;
    double frac = (double)(t % SIM_US_PER_SEC) / 1e6;
    int64_t day = whole >= 0 ? whole / 86400 : (whole - 86399) / 86400;
    double sec_of_day = (double)(whole - day * 86400) + frac;
    /* 1970-01-01 was a Thursday: Monday-based index 3. */
    int64_t dow = ((day % 7) + 7 + 3) % 7;
    double phase = TWO_PI * (sec_of_day - w->peak_hour_utc * 3600.0) / 86400.0;
    return w->base_rps * (1.0 + w->amplitude * cos(phase)) * w->weekly[dow];
}

static double spike_factor(const struct workload_config *w, sim_time t)
{
    if (t < w->start)
        return 1.0;
    double extra = w->peak_multiplier - 1.0;
    sim_time since = t - w->start;
    if (since < w->rise)
        return 1.0 + extra * (double)since / (double)w->rise;
    double after = sim_time_to_seconds(since - w->rise);
    double decay_s = sim_time_to_seconds(w->decay);
    return decay_s > 0 ? 1.0 + extra * exp(-after / decay_s) : 1.0;
}

static double trace_rate(const struct workload_config *w, sim_time t)
{
    if (w->nr_rows == 0)
        return 0;
    double s = sim_time_to_seconds(t);
    if (s <= w->time_s[0])
        return w->rate_rps[0] * w->rate_scale;
    if (s >= w->time_s[w->nr_rows - 1])
        return w->rate_rps[w->nr_rows - 1] * w->rate_scale;
    size_t lo = 0, hi = w->nr_rows - 1; /* time_s[lo] <= s < time_s[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->time_s[mid] <= s)
            lo = mid;
        else
            hi = mid;
    }
    double f = (s - w->time_s[lo]) / (w->time_s[hi] - w->time_s[lo]);
    return (w->rate_rps[lo] + f * (w->rate_rps[hi] - w->rate_rps[lo])) * w->rate_scale;
}

double workload_rate_rps(const struct workload_config *w, int64_t start_epoch_s, sim_time t)
{
    double r = 0;
    switch (w->kind) {
    case WORKLOAD_CONSTANT:
        r = w->rps;
        break;
    case WORKLOAD_DIURNAL:
        r = diurnal(w, start_epoch_s, t);
        break;
    case WORKLOAD_RAMP:
        if (t <= w->start)
            r = w->from_rps;
        else if (t >= w->end)
            r = w->to_rps;
        else
            r = w->from_rps +
                (w->to_rps - w->from_rps) * (double)(t - w->start) / (double)(w->end - w->start);
        break;
    case WORKLOAD_STEP:
        r = t < w->start ? w->from_rps : w->to_rps;
        break;
    case WORKLOAD_SPIKE:
        r = w->base_rps * spike_factor(w, t);
        break;
    case WORKLOAD_TRACE:
        r = trace_rate(w, t + w->start); /* `start`: the trace time at simulated time 0 */
        break;
    case WORKLOAD_SUM:
        for (size_t i = 0; i < w->nr_children; i++)
            r += workload_rate_rps(&w->children[i], start_epoch_s, t);
        break;
    case WORKLOAD_PRODUCT:
        r = 1.0;
        for (size_t i = 0; i < w->nr_children; i++)
            r *= workload_rate_rps(&w->children[i], start_epoch_s, t);
        break;
    }
    return r > 0 ? r : 0.0;
}

void workload_config_release(struct workload_config *w)
{
    for (size_t i = 0; i < w->nr_children; i++)
        workload_config_release(&w->children[i]);
    free(w->children);
    free(w->time_s);
    free(w->rate_rps);
    free(w->path);
    memset(w, 0, sizeof(*w));
}
