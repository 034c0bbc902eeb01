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
#include "asgsim/market_config.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Interruption notice lead (spot-instance-termination-notices). */
#define SPOT_NOTICE_US SIM_MIN(2)

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

#endif /* ASGSIM_MARKET_H */
