/*
 * market.h - purchase options of an Auto Scaling group: the MixedInstancesPolicy
 * (InstancesDistribution + LaunchTemplate Overrides) and the Spot pool model (price and
 * interruption rate per instance type and Availability Zone).
 *
 * AWS rules used (ec2-auto-scaling-mixed-instances-groups.html, aws-behaviour.md §9.2):
 * On-Demand base capacity is filled first; above it OnDemandPercentageAboveBaseCapacity
 * sets the split, rounded up in favour of On-Demand. Capacities are in units
 * (WeightedCapacity, 1 when not given).
 *
 * Pool choice is asgsim's model of the allocation strategies; AWS gives their aims, not
 * formulas:
 * - lowest-price: among the SpotInstancePools cheapest pools (price per unit) in the AZ,
 *   the one with the fewest of the group's Spot units; ties to the cheaper.
 * - capacity-optimized: the pool with the lowest interruption rate; ties in override order
 *   (so capacity-optimized-prioritized behaves the same).
 * - price-capacity-optimized: the lower half of the pools by interruption rate (at least
 *   one), then the cheapest per unit among them.
 * On-Demand: prioritized takes the first override; lowest-price the cheapest per unit.
 *
 * Interruptions: a Spot instance's time to interruption is exponential with its pool's
 * rate. EC2 sends a rebalance recommendation, then the interruption notice two minutes
 * before the interruption (spot-instance-termination-notices.html; ASG docs: EC2 always
 * sends both). Interrupting starts termination; the group then replaces the capacity.
 */
#ifndef ASGSIM_MARKET_H
#define ASGSIM_MARKET_H

#include "asgsim/catalog.h"
#include "asgsim/dist.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Interruption notice lead (spot-instance-termination-notices). */
#define SPOT_NOTICE_US SIM_MIN(2)

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
    int64_t weight; /* WeightedCapacity, units per instance (1-999) */
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

/** On-Demand units the group should have at `desired` units (rounded up for On-Demand). */
int64_t market_on_demand_target(const struct mixed_policy *p, int64_t desired);

/** Spot price of `type` in `az`: the pool's, else the catalog's spot column. */
double spot_price(const struct spot_config *s, const struct instance_type *type, const char *az);

/** Interruption rate per hour of `type` in `az`. */
double spot_interruption_rate(const struct spot_config *s, const char *type, const char *az);

/**
 * The override to launch as Spot in `az`. `spot_units[i]` is the group's Spot units of
 * override i in that AZ (for lowest-price spreading). Types must be in `cat`.
 */
size_t market_pick_spot(const struct mixed_policy *p, const struct spot_config *s,
                        const struct catalog *cat, const char *az, const int64_t *spot_units);

/** The override to launch as On-Demand. */
size_t market_pick_on_demand(const struct mixed_policy *p, const struct catalog *cat);

void mixed_policy_release(struct mixed_policy *p);
void spot_config_release(struct spot_config *s);

#endif /* ASGSIM_MARKET_H */
