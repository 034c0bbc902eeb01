/* Purchase options: On-Demand/Spot split, pool choice, Spot prices and interruption rates. */
#include "asgsim/market.h"

#include "asgsim/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *const spot_strategy_names[SPOT_STRATEGY_NR] = {
    [SPOT_LOWEST_PRICE] = "lowest-price",
    [SPOT_CAPACITY_OPTIMIZED] = "capacity-optimized",
    [SPOT_CAPACITY_OPTIMIZED_PRIORITIZED] = "capacity-optimized-prioritized",
    [SPOT_PRICE_CAPACITY_OPTIMIZED] = "price-capacity-optimized",
};

const char *const od_strategy_names[OD_STRATEGY_NR] = {
    [OD_PRIORITIZED] = "prioritized",
    [OD_LOWEST_PRICE] = "lowest-price",
};

int64_t market_on_demand_target(const struct mixed_policy *p, int64_t desired)
{
    if (desired <= p->od_base)
        return desired;
    int64_t above = desired - p->od_base;
    /* AWS rounds the On-Demand share up (ec2-auto-scaling-mixed-instances-groups) */
    return p->od_base + (above * p->od_pct_above_base + 99) / 100;
}

static const struct spot_pool *find_pool(const struct spot_config *s, const char *type,
                                         const char *az)
{
    const struct spot_pool *any = NULL;
    for (size_t i = 0; i < s->nr_pools; i++) {
        const struct spot_pool *p = &s->pools[i];
        if (strcmp(p->type, type))
            continue;
        if (p->az && az && !strcmp(p->az, az))
            return p;
        if (!p->az && !any)
            any = p;
    }
    return any;
}

double spot_price(const struct spot_config *s, const struct instance_type *type, const char *az)
{
    const struct spot_pool *p = s ? find_pool(s, type->name, az) : NULL;
    return p && p->usd_per_hour >= 0 ? p->usd_per_hour : type->spot_usd_per_hour;
}

double spot_interruption_rate(const struct spot_config *s, const char *type, const char *az)
{
    if (!s)
        return 0;
    const struct spot_pool *p = find_pool(s, type, az);
    return p ? p->interruptions_per_hour : s->default_interruptions_per_hour;
}

static double unit_spot_price(const struct mixed_policy *p, const struct spot_config *s,
                              const struct catalog *cat, const char *az, size_t i)
{
    const struct instance_type *t = catalog_find(cat, p->overrides[i].type);
    ASG_ASSERT(t);
    return spot_price(s, t, az) / (double)p->overrides[i].weight;
}

size_t market_pick_spot(const struct mixed_policy *p, const struct spot_config *s,
                        const struct catalog *cat, const char *az, const int64_t *spot_units)
{
    ASG_ASSERT(p->nr_overrides > 0);
    size_t *order = xcalloc(p->nr_overrides, sizeof(*order)), n = 0;
    /* the types price protection leaves to Spot (instance_requirements.h) */
    for (size_t i = 0; i < p->nr_overrides; i++)
        if (!p->overrides[i].no_spot)
            order[n++] = i;
    ASG_ASSERT(n > 0);
    /* insertion sorts: n <= 40 overrides (aws-properties-as-group) */
    size_t best = 0;
    switch (p->spot_strategy) {
    case SPOT_LOWEST_PRICE: {
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && unit_spot_price(p, s, cat, az, order[j]) <
                                                unit_spot_price(p, s, cat, az, order[j - 1]);
                 j--) {
                size_t tmp = order[j];
                order[j] = order[j - 1];
                order[j - 1] = tmp;
            }
        size_t pools = p->spot_pools > 0 && (size_t)p->spot_pools < n ? (size_t)p->spot_pools : n;
        best = order[0];
        for (size_t k = 1; k < pools; k++)
            if (spot_units[order[k]] < spot_units[best])
                best = order[k];
        break;
    }
    case SPOT_CAPACITY_OPTIMIZED:
    case SPOT_CAPACITY_OPTIMIZED_PRIORITIZED:
        best = order[0];
        for (size_t k = 1; k < n; k++)
            if (spot_interruption_rate(s, p->overrides[order[k]].type, az) <
                spot_interruption_rate(s, p->overrides[best].type, az))
                best = order[k];
        break;
    case SPOT_PRICE_CAPACITY_OPTIMIZED: {
        for (size_t i = 1; i < n; i++)
            for (size_t j = i;
                 j > 0 && spot_interruption_rate(s, p->overrides[order[j]].type, az) <
                                  spot_interruption_rate(s, p->overrides[order[j - 1]].type, az);
                 j--) {
                size_t tmp = order[j];
                order[j] = order[j - 1];
                order[j - 1] = tmp;
            }
        size_t half = (n + 1) / 2;
        best = order[0];
        for (size_t k = 1; k < half; k++)
            if (unit_spot_price(p, s, cat, az, order[k]) < unit_spot_price(p, s, cat, az, best))
                best = order[k];
        break;
    }
    case SPOT_STRATEGY_NR:
        ASG_BUG("bad Spot allocation strategy");
    }
    free(order);
    return best;
}

size_t market_pick_on_demand(const struct mixed_policy *p, const struct catalog *cat)
{
    ASG_ASSERT(p->nr_overrides > 0);
    size_t best = SIZE_MAX;
    double best_price = 0;
    for (size_t i = 0; i < p->nr_overrides; i++) {
        if (p->overrides[i].no_on_demand)
            continue; /* price protection (instance_requirements.h) */
        if (p->od_strategy == OD_PRIORITIZED)
            return i;
        const struct instance_type *t = catalog_find(cat, p->overrides[i].type);
        ASG_ASSERT(t);
        double price = t->on_demand_usd_per_hour / (double)p->overrides[i].weight;
        if (best == SIZE_MAX || price < best_price) {
            best = i;
            best_price = price;
        }
    }
    ASG_ASSERT(best != SIZE_MAX);
    return best;
}

void mixed_policy_release(struct mixed_policy *p)
{
    for (size_t i = 0; i < p->nr_overrides; i++)
        free(p->overrides[i].type);
    free(p->overrides);
    p->overrides = NULL;
    p->nr_overrides = 0;
}

void spot_config_release(struct spot_config *s)
{
    for (size_t i = 0; i < s->nr_pools; i++) {
        free(s->pools[i].type);
        free(s->pools[i].az);
    }
    free(s->pools);
    s->pools = NULL;
    s->nr_pools = 0;
}
