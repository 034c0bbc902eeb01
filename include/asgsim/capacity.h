/*
 * capacity.h - how many requests an instance type serves, and the CPU credits of burstable
 * types (models/capacity.c).
 *
 * The scenario's Instances: CapacityRpsPerVcpu is the baseline: requests/s one vCPU of the
 * reference family (Intel Ice Lake: c6i, m6i, r6i) serves at 100 % CPU. Another family
 * serves that times its documented multiplier (capacity.c cites the per-core benchmark
 * figures), unless the scenario gives its own rate for the family or the type
 * (Instances: TypeCapacityRpsPerVcpu). Burstable types (T2, T3, T3a, T4g) earn CPU credits
 * at AWS's rates; in standard mode an instance whose balance runs out serves at its
 * baseline utilisation.
 */
#ifndef ASGSIM_CAPACITY_H
#define ASGSIM_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A scenario's own rate for a family ("m5") or a type ("m5.large"). */
struct capacity_override {
    char *name;
    double rps_per_vcpu;
};

/** How the scenario rates its types; plain data (owned by struct scenario). */
struct capacity_config {
    double rps_per_vcpu;                 /* CapacityRpsPerVcpu, the baseline; 0 = not given */
    struct capacity_override *overrides; /* TypeCapacityRpsPerVcpu */
    size_t nr_overrides;
    bool cpu_credits_standard; /* CpuCredits: standard for every burstable type */
    bool cpu_credits_given;    /* CpuCredits given; else each family's default mode */
};

/** A burstable type's CPU credit figures (AWS's credit table). */
struct capacity_burst {
    double credits_per_hour; /* earned; 1 credit = 1 vCPU at 100 % for 1 minute */
    double max_credits;      /* accrual limit: 24 hours of earned credits */
    double launch_credits;   /* T2 standard: 30 per vCPU; T3, T3a, T4g: none */
    double baseline_frac;    /* baseline utilisation per vCPU, 0..1 */
    bool standard;           /* standard mode: throttled to the baseline at 0 credits */
};

/** The documented per-vCPU multiplier of the family of `type` (1 for unknown families). */
double capacity_family_factor(const char *type);

/**
 * Requests/s one vCPU of `type` serves at 100 % CPU: the type's own rate, else its family's,
 * else the baseline times the family factor.
 */
double capacity_rps_per_vcpu(const struct capacity_config *c, const char *type);

/**
 * The CPU credit figures of `type` (`vcpus` vCPUs, earning `credits_per_hour` CPU credits per
 * hour as the catalog lists it) with the scenario's mode. \return false when the type is not
 * burstable (credits_per_hour 0; *out untouched).
 */
bool capacity_burst_of(const struct capacity_config *c, const char *type, int vcpus,
                       double credits_per_hour, struct capacity_burst *out);

/** The CPU credits of a group's InService instances of one burstable type, summed. */
struct capacity_credits {
    double balance; /* credits of all the instances together */
    int64_t nr;     /* InService instances at the last step */
    bool throttled; /* standard mode, balance spent: serving at the baseline */
};

/**
 * Account one interval of `minutes` for `nr` InService instances of `vcpus` vCPUs each at
 * utilisation `u` (0..1, what the load asks of full speed). Instances that joined bring their
 * launch credits, instances that left take their share; credits are earned and spent at the
 * rates of `b` (spent at most at the baseline while throttled) and capped at the accrual
 * limit. Afterwards cr->throttled says whether the next interval serves at the baseline.
 */
void capacity_credits_step(struct capacity_credits *cr, const struct capacity_burst *b, int vcpus,
                           int64_t nr, double u, double minutes);

/** Free the overrides; safe on a zeroed config. */
void capacity_config_release(struct capacity_config *c);

#endif /* ASGSIM_CAPACITY_H */
