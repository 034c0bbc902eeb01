/*
 * Warm start (scenario.h, WarmStart): how many instances serve the first minute's load. This is
 * asgsim's rule, AWS has no such thing: the mean offered rate over the first 60 s, divided by
 * what one instance serves at the CPU target of the group's target-tracking policy on
 * ASGAverageCPUUtilization (at 100 % CPU when there is none), rounded up.
 */
#include "asgsim/capacity.h"
#include "asgsim/catalog.h"
#include "asgsim/run.h"
#include "asgsim/scenario.h"
#include "asgsim/workload.h"

#include <math.h>

#include "asgsim/banned.h"

int64_t run_warm_start_size(const struct scenario *sc, const struct scenario_group_view *gv,
                            const struct instance_type *type, double *target_pct)
{
    double sum = 0;
    const int steps = 60; /* one rate a second: a trace's per-minute row or a spike's rise */
    for (int i = 0; i < steps; i++)
        sum += workload_rate_rps(gv->workload, sc->start_epoch_s, SIM_SEC(i));
    double rate = sum / steps;
    double target = 100;
    for (size_t i = 0; i < gv->scaling->nr_policies; i++) {
        const struct policy_config *p = &gv->scaling->policies[i];
        if (p->type == POLICY_TARGET_TRACKING && p->metric == TT_CPU) {
            target = p->target_value;
            break;
        }
    }
    *target_pct = target;
    double per_instance = (double)type->vcpus *
                          capacity_rps_per_vcpu(&sc->instances.capacity, type->name) * target /
                          100.0;
    if (!(per_instance > 0))
        return 0;
    double n = ceil(rate / per_instance - 1e-9);
    return n > (double)INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)n;
}
