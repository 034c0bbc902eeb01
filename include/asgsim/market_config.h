/*
 * market_config.h - purchase options as plain data: a group's MixedInstancesPolicy and the
 * scenario's Spot pools (Metadata Spot:). Bound by market_bind.h; market.h says how they act.
 */
#ifndef ASGSIM_MARKET_CONFIG_H
#define ASGSIM_MARKET_CONFIG_H

#include "asgsim/dist.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum spot_strategy {
    SPOT_LOWEST_PRICE,
    SPOT_CAPACITY_OPTIMIZED,
    SPOT_CAPACITY_OPTIMIZED_PRIORITIZED,
    SPOT_PRICE_CAPACITY_OPTIMIZED,
    SPOT_STRATEGY_NR
};

/** AWS's names: "lowest-price", "capacity-optimized", ... */
extern const char *const spot_strategy_names[SPOT_STRATEGY_NR];

enum od_strategy { OD_PRIORITIZED, OD_LOWEST_PRICE, OD_STRATEGY_NR };

/** AWS's names: "prioritized", "lowest-price". */
extern const char *const od_strategy_names[OD_STRATEGY_NR];

struct mixed_override {
    char *type;     /* InstanceType, owned; in the catalog */
    int64_t weight; /* WeightedCapacity, units per instance (1-999; vCPUs or MiB under
                       DesiredCapacityType vcpu or memory-mib) */
    /* Left out of On-Demand or Spot launches by InstanceRequirements' price protection
       (instance_requirements.h); false for a type the template names */
    bool no_on_demand, no_spot;
};

/** A group's MixedInstancesPolicy. */
struct mixed_policy {
    int64_t od_base;                  /* OnDemandBaseCapacity, units, default 0 */
    int64_t od_pct_above_base;        /* OnDemandPercentageAboveBaseCapacity, default 100 */
    enum od_strategy od_strategy;     /* default prioritized */
    enum spot_strategy spot_strategy; /* default lowest-price */
    int64_t spot_pools;               /* SpotInstancePools, default 2 (lowest-price only) */
    struct mixed_override *overrides; /* in priority order; never empty */
    size_t nr_overrides;
};

/** One Spot capacity pool. */
struct spot_pool {
    char *type;                    /* owned */
    char *az;                      /* owned; NULL = every AZ */
    double usd_per_hour;           /* Spot price; < 0 = the catalog's spot column */
    double interruptions_per_hour; /* rate of the exponential time to interruption */
};

/** The scenario's Spot market (Metadata Spot:). */
struct spot_config {
    struct spot_pool *pools;
    size_t nr_pools;
    double default_interruptions_per_hour; /* for pools not listed; default 0 */
    struct dist rebalance_lead; /* rebalance recommendation before the notice; default 10 min */
};

void mixed_policy_release(struct mixed_policy *p);
void spot_config_release(struct spot_config *s);

#endif /* ASGSIM_MARKET_CONFIG_H */
