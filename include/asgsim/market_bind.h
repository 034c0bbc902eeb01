/*
 * market_bind.h - binding of MixedInstancesPolicy and of the scenario's Spot pool model
 * (models/market_config.c), called from the scenario loader. Each function returns 0, or
 * ASG_EINVAL after recording errors at the location the user wrote.
 */
#ifndef ASGSIM_MARKET_BIND_H
#define ASGSIM_MARKET_BIND_H

#include "asgsim/bind.h"
#include "asgsim/catalog.h"
#include "asgsim/instance_requirements.h"
#include "asgsim/market_config.h"
#include "asgsim/yamltree.h"

/**
 * Bind a MixedInstancesPolicy mapping `mip` except LaunchTemplateSpecification, which the
 * caller resolves. Overrides name instance types or give InstanceRequirements (resolved
 * against `cat`, weighted by `ct`). Without Overrides the policy has one override: `lt_type`
 * (the launch template's instance type, weight 1), or the types its InstanceRequirements
 * `lt_req` match (located at `lt_loc`); both NULL when unknown.
 */
int market_config_bind_mixed(struct bind *b, const struct ynode *mip, const struct catalog *cat,
                             const char *lt_type, const struct instance_requirements *lt_req,
                             const struct src_loc *lt_loc, enum capacity_type ct,
                             struct mixed_policy *out);

/**
 * Bind `Spot:` from the settings mapping (defaults when absent): DefaultInterruptionsPerHour,
 * RebalanceLead (duration or distribution) and Pools [{InstanceType, AvailabilityZone,
 * PriceUsdPerHour, InterruptionsPerHour}].
 */
int market_config_bind_spot(struct bind *b, const struct ynode *settings, const struct catalog *cat,
                            struct spot_config *out);

#endif /* ASGSIM_MARKET_BIND_H */
