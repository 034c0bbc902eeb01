/*
 * Capacity per instance type (capacity.h): family multipliers and CPU credits.
 *
 * Family multipliers, per vCPU, relative to Intel Ice Lake (c6i, m6i, r6i = 1.00, the family
 * the example scenarios measure CapacityRpsPerVcpu on). Public figures, all per core:
 *  - 5th generation Intel (m5, r5, t3; Skylake/Cascade Lake, 3.1 GHz) against Ice Lake
 *    (3.5 GHz): 0.89, the ratio of their maximum clocks as AWS lists them (m5 3.1 GHz, m6i
 *    3.5 GHz, m7i 3.9 GHz: cloudinvent.co "The Hidden Cost of Old Processors", 2026, table
 *    of AWS figures). m7i, c7i (Sapphire Rapids): 3.9 / 3.5 = 1.11.
 *  - c5: compute-optimised 5th generation runs single-core ~20 % faster than M/R
 *    (Yao Ren Jie, "CPU/Memory benchmarks of AWS EC2 5/4/3/AMD series", dev.to, sysbench
 *    and Geekbench per core): 0.89 x 1.2 = 1.07.
 *  - 4th generation (c4; t2 on Haswell/Broadwell): the same benchmark finds the 5th
 *    generation ~25 % faster per core: c4 = 1.07 / 1.25 = 0.85, t2 = 0.89 / 1.25 = 0.71.
 *  - Graviton2 (c6g, m6g, r6g): AWS, "up to 40 % better price performance" than 5th
 *    generation x86 (AWS Graviton performance testing whitepaper), at 0.077 / 0.096 of
 *    m5's price (m6g.large, m5.large, us-east-1): 1.4 x 0.80 x 0.89 = 1.00 per vCPU (every
 *    Graviton vCPU is a physical core). Graviton3 (c7g, m7g): "25 % better compute
 *    performance" than Graviton2 (AWS, May 2022): 1.25.
 * These are defaults for a planner's first comparison; a scenario that measured its own
 * service rates gives them with TypeCapacityRpsPerVcpu.
 *
 * CPU credits: the catalog's credits earned per hour (data/instance-catalog/credits.tsv, from
 * AWS EC2 User Guide, "Key concepts and definitions for burstable performance instances":
 * accrual limit = 24 hours of earnings, baseline per vCPU = earned / vCPUs / 60) and "Standard mode
 * concepts" (T2 standard: 30 launch credits per vCPU; T3, T3a, T4g: none). Default mode: standard
 * for T2, unlimited for T3, T3a and T4g (RunInstances CreditSpecification: "Default: standard (T2
 * instances) or unlimited (T3/T3a/T4g instances)").
 */
#include "asgsim/capacity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

static const struct {
    const char *family;
    double factor;
} families[] = {
    { "c6i", 1.00 }, { "m6i", 1.00 }, { "r6i", 1.00 }, { "m5", 0.89 },  { "r5", 0.89 },
    { "t3", 0.89 },  { "t3a", 0.89 }, { "c5", 1.07 },  { "c4", 0.85 },  { "t2", 0.71 },
    { "c7i", 1.11 }, { "m7i", 1.11 }, { "c6g", 1.00 }, { "m6g", 1.00 }, { "r6g", 1.00 },
    { "t4g", 1.00 }, { "c7g", 1.25 }, { "m7g", 1.25 },
};

/* "m5" of "m5.large" (the whole name when it has no dot). */
static size_t family_len(const char *type)
{
    const char *dot = strchr(type, '.');
    return dot ? (size_t)(dot - type) : strlen(type);
}

static bool is_family(const char *type, const char *family)
{
    size_t n = family_len(type);
    return strlen(family) == n && !strncmp(type, family, n);
}

double capacity_family_factor(const char *type)
{
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        if (is_family(type, families[i].family))
            return families[i].factor;
    return 1.0;
}

double capacity_rps_per_vcpu(const struct capacity_config *c, const char *type)
{
    for (size_t i = 0; i < c->nr_overrides; i++)
        if (!strcmp(c->overrides[i].name, type))
            return c->overrides[i].rps_per_vcpu;
    for (size_t i = 0; i < c->nr_overrides; i++)
        if (is_family(type, c->overrides[i].name))
            return c->overrides[i].rps_per_vcpu;
    return c->rps_per_vcpu * capacity_family_factor(type);
}

bool capacity_burst_of(const struct capacity_config *c, const char *type, int vcpus,
                       double credits_per_hour, struct capacity_burst *out)
{
    if (!(credits_per_hour > 0) || vcpus < 1)
        return false;
    bool t2 = is_family(type, "t2");
    out->credits_per_hour = credits_per_hour;
    out->max_credits = 24 * credits_per_hour;
    out->baseline_frac = credits_per_hour / vcpus / 60.0;
    out->standard = c->cpu_credits_given ? c->cpu_credits_standard : t2;
    out->launch_credits = t2 && out->standard ? 30.0 * vcpus : 0;
    return true;
}

void capacity_credits_step(struct capacity_credits *cr, const struct capacity_burst *b, int vcpus,
                           int64_t nr, double u, double minutes)
{
    if (nr > cr->nr)
        cr->balance += (double)(nr - cr->nr) * b->launch_credits;
    else if (nr < cr->nr)
        cr->balance -= cr->balance * (double)(cr->nr - nr) / (double)cr->nr;
    cr->nr = nr;
    if (nr == 0) {
        cr->throttled = false;
        return;
    }
    /* AWS: 1 credit = 1 vCPU at 100 % for 1 minute; earned continuously (credit table). */
    double used = cr->throttled ? fmin(u, b->baseline_frac) : u;
    cr->balance += (double)nr * (b->credits_per_hour * minutes / 60.0 - vcpus * used * minutes);
    double cap = (double)nr * (b->max_credits + b->launch_credits);
    if (cr->balance > cap)
        cr->balance = cap;
    if (cr->balance <= 0) {
        cr->balance = 0;
        cr->throttled = u > b->baseline_frac;
    } else {
        cr->throttled = false;
    }
}

void capacity_config_release(struct capacity_config *c)
{
    for (size_t i = 0; i < c->nr_overrides; i++)
        free(c->overrides[i].name);
    free(c->overrides);
    memset(c, 0, sizeof(*c));
}
