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
