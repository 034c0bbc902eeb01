/* Binding of MixedInstancesPolicy (InstancesDistribution, Overrides) and the Spot pools. */
#include "asgsim/instance_requirements_bind.h"
#include "asgsim/market_bind.h"
#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

static int check_type(struct bind *b, const struct ynode *map, const char *key,
                      const struct catalog *cat, const char **out)
{
    int rc = bind_string(b, map, key, out);
    if (rc != 1)
        return rc == 0 ? bind_missing(b, &map->loc, key) : rc;
    if (catalog_find(cat, *out))
        return 1;
    const struct ynode *n = NULL;
    bind_get(b, map, key, &n);
    if (catalog_find_unpriced(cat, *out))
        return catalog_unknown(cat, b->d, &n->loc, *out, b->what, NULL);
    const char *hint = catalog_closest(cat, *out);
    rc = hint ? diag_error(b->d, &n->loc, "unknown instance type '%s' in %s (did you mean '%s'?)",
                           *out, b->what, hint)
              : diag_error(b->d, &n->loc,
                           "unknown instance type '%s' in %s; add it under Instances: Types:", *out,
                           b->what);
    return rc;
}

static int bind_distribution(struct bind *b, const struct ynode *mip, struct mixed_policy *out)
{
    const struct ynode *d;
    int rc = bind_map(b, mip, "InstancesDistribution", &d);
    if (rc <= 0)
        return rc;
    struct bind db = { b->cfn, b->d, "InstancesDistribution" };
    static const char *const used[] = { "OnDemandAllocationStrategy", "OnDemandBaseCapacity",
                                        "OnDemandPercentageAboveBaseCapacity",
                                        "SpotAllocationStrategy", "SpotInstancePools" };
    static const char *const unmodelled[] = { "SpotMaxPrice" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, BIND_LIST(unmodelled) };
    int ret = bind_check_keys(&db, d, &keys);
    if (ret < 0)
        return ret;
    int v = (int)out->od_strategy;
    if ((rc = bind_enum(&db, d, "OnDemandAllocationStrategy", od_strategy_names, OD_STRATEGY_NR,
                        &v)) < 0)
        ret = rc;
    out->od_strategy = (enum od_strategy)v;
    if ((rc = bind_int(&db, d, "OnDemandBaseCapacity", 0, INT32_MAX, &out->od_base)) < 0)
        ret = rc;
    if ((rc = bind_int(&db, d, "OnDemandPercentageAboveBaseCapacity", 0, 100,
                       &out->od_pct_above_base)) < 0)
        ret = rc;
    v = (int)out->spot_strategy;
    if ((rc = bind_enum(&db, d, "SpotAllocationStrategy", spot_strategy_names, SPOT_STRATEGY_NR,
                        &v)) < 0)
        ret = rc;
    out->spot_strategy = (enum spot_strategy)v;
    /* SpotInstancePools: 1-20, only with lowest-price (aws-properties-as-group) */
    if ((rc = bind_int(&db, d, "SpotInstancePools", 1, 20, &out->spot_pools)) < 0)
        ret = rc;
    else if (rc == 1 && out->spot_strategy != SPOT_LOWEST_PRICE)
        ret = diag_error(b->d, &ynode_get_pair(d, "SpotInstancePools")->key->loc,
                         "SpotInstancePools applies only to the lowest-price Spot allocation "
                         "strategy");
    return ret;
}

/* The catalog's types that meet an InstanceRequirements, appended to out->overrides. */
static int resolve_requirements(struct bind *b, const struct ynode *at,
                                const struct instance_requirements *r, int64_t weight,
                                const struct catalog *cat, enum capacity_type ct,
                                struct mixed_policy *out)
{
    size_t before = out->nr_overrides;
    if (instance_requirements_resolve(r, cat, ct, out) == 0)
        return diag_error(b->d, &at->loc,
                          "%s: InstanceRequirements match no instance type of the catalog (add "
                          "types under Instances: Types: in the settings, or widen the "
                          "requirements)",
                          b->what);
    /* a WeightedCapacity beside InstanceRequirements weighs every type they match */
    for (size_t i = before; weight > 0 && i < out->nr_overrides; i++)
        out->overrides[i].weight = weight;
    return 0;
}

static int bind_overrides(struct bind *b, const struct ynode *lt, const struct catalog *cat,
                          enum capacity_type ct, bool *uses_requirements, struct mixed_policy *out)
{
    const struct ynode *list;
    int rc = bind_get(b, lt, "Overrides", &list);
    if (rc <= 0)
        return rc;
    if (list->kind != YNODE_SEQ || list->nr == 0)
        return diag_error(b->d, &list->loc, "'Overrides' must be a non-empty list");
    /* at most 40 instance types (aws-properties-as-group) */
    if (list->nr > 40)
        return diag_error(b->d, &list->loc, "'Overrides' lists %zu entries; AWS allows 40",
                          list->nr);
    int ret = 0;
    out->overrides = xcalloc(1, sizeof(*out->overrides));
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *item = list->items[i];
        struct bind ob = { b->cfn, b->d, "an Overrides entry" };
        static const char *const used[] = { "InstanceType", "WeightedCapacity",
                                            "InstanceRequirements" };
        static const char *const unmodelled[] = { "LaunchTemplateSpecification" };
        const struct bind_keys keys = { BIND_LIST(used), NULL, 0, BIND_LIST(unmodelled) };
        if ((rc = bind_check_keys(&ob, item, &keys)) < 0) {
            ret = rc;
            continue;
        }
        const char *type = NULL;
        int64_t weight = 1;
        const struct ynode *irn = ynode_get(item, "InstanceRequirements");
        if (irn) {
            /* AWS (API_LaunchTemplateOverrides): "If you specify InstanceRequirements, you
               can't specify InstanceType." */
            if (ynode_get(item, "InstanceType")) {
                ret = diag_error(b->d, &ynode_get_pair(item, "InstanceType")->key->loc,
                                 "an Overrides entry gives InstanceType and "
                                 "InstanceRequirements; AWS accepts one of them");
                continue;
            }
            struct bind rb = { b->cfn, b->d, "InstanceRequirements of an Overrides entry" };
            struct instance_requirements r;
            int64_t w = 0;
            if ((rc = bind_int(&ob, item, "WeightedCapacity", 1, 999, &w)) < 0 ||
                (rc = bind_map(&rb, item, "InstanceRequirements", &irn)) < 0 ||
                (rc = instance_requirements_bind(&rb, irn, &r)) < 0) {
                ret = rc;
                continue;
            }
            *uses_requirements = true;
            if ((rc = resolve_requirements(&rb, irn, &r, w, cat, ct, out)) < 0)
                ret = rc;
            instance_requirements_release(&r);
            continue;
        }
        if ((rc = check_type(&ob, item, "InstanceType", cat, &type)) < 0)
            ret = rc;
        /* WeightedCapacity: 1-999 (API_LaunchTemplateOverrides) */
        if ((rc = bind_int(&ob, item, "WeightedCapacity", 1, 999, &weight)) < 0)
            ret = rc;
        if (ret < 0)
            continue;
        for (size_t j = 0; j < out->nr_overrides; j++)
            if (!strcmp(out->overrides[j].type, type))
                ret = diag_error(b->d, &item->loc,
                                 "instance type '%s' is listed twice in Overrides", type);
        if (ret < 0)
            continue;
        out->overrides =
                xrealloc(out->overrides, (out->nr_overrides + 1) * sizeof(*out->overrides));
        out->overrides[out->nr_overrides++] =
                (struct mixed_override){ .type = xstrdup(type), .weight = weight };
    }
    return ret;
}

int market_config_bind_mixed(struct bind *b, const struct ynode *mip, const struct catalog *cat,
                             const char *lt_type, const struct instance_requirements *lt_req,
                             const struct src_loc *lt_loc, enum capacity_type ct,
                             struct mixed_policy *out)
{
    memset(out, 0, sizeof(*out));
    /* Defaults (aws-properties-as-group, ecosystem.md §1.2) */
    out->od_base = 0;
    out->od_pct_above_base = 100;
    out->od_strategy = OD_PRIORITIZED;
    out->spot_strategy = SPOT_LOWEST_PRICE;
    out->spot_pools = 2;
    static const char *const used[] = { "InstancesDistribution", "LaunchTemplate" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, mip, &keys);
    if (ret < 0)
        return ret;
    int rc;
    if ((rc = bind_distribution(b, mip, out)) < 0)
        ret = rc;
    const struct ynode *lt;
    rc = bind_map(b, mip, "LaunchTemplate", &lt);
    if (rc == 0)
        rc = bind_missing(b, &mip->loc, "LaunchTemplate");
    if (rc < 0)
        return rc;
    struct bind lb = { b->cfn, b->d, "LaunchTemplate of MixedInstancesPolicy" };
    static const char *const lused[] = { "LaunchTemplateSpecification", "Overrides" };
    const struct bind_keys lkeys = { BIND_LIST(lused), NULL, 0, NULL, 0 };
    if ((rc = bind_check_keys(&lb, lt, &lkeys)) < 0)
        return rc;
    bool uses_req = false;
    if ((rc = bind_overrides(&lb, lt, cat, ct, &uses_req, out)) < 0)
        ret = rc;
    if (ret == 0 && out->nr_overrides == 0 && lt_req) {
        uses_req = true;
        struct bind rb = { b->cfn, b->d, "InstanceRequirements of the launch template" };
        rc = instance_requirements_resolve(lt_req, cat, ct, out)
                     ? 0
                     : diag_error(b->d, lt_loc,
                                  "%s: its InstanceRequirements match no instance type of "
                                  "the catalog",
                                  rb.what);
        if (rc < 0)
            ret = rc;
    }
    if (ret == 0 && uses_req) {
        /* AWS (API_InstancesDistribution): lowest-price "is the default value for Auto
           Scaling groups that specify InstanceRequirements"; prioritized "cannot be used for
           groups that do". */
        const struct ynode *d = ynode_get(mip, "InstancesDistribution");
        const struct ynode_pair *s =
                d && d->kind == YNODE_MAP ? ynode_get_pair(d, "OnDemandAllocationStrategy") : NULL;
        if (s && out->od_strategy == OD_PRIORITIZED)
            ret = diag_error(b->d, &s->value->loc,
                             "%s: the prioritized On-Demand allocation strategy cannot be used "
                             "with InstanceRequirements (AWS); use lowest-price",
                             b->what);
        out->od_strategy = OD_LOWEST_PRICE;
    }
    if (ret == 0 && ct != CAPACITY_UNITS && !uses_req)
        ret = diag_error(b->d, &mip->loc,
                         "%s: DesiredCapacityType %s needs InstanceRequirements (AWS supports it "
                         "for attribute-based instance type selection only)",
                         b->what, capacity_type_names[ct]);
    if (ret == 0 && out->nr_overrides == 0 && lt_type) {
        out->overrides = xcalloc(1, sizeof(*out->overrides));
        out->overrides[0] = (struct mixed_override){ .type = xstrdup(lt_type), .weight = 1 };
        out->nr_overrides = 1;
    }
    if (ret == 0 && out->nr_overrides == 0)
        ret = ASG_EINVAL; /* the launch template's own error is already reported */
    if (ret < 0)
        mixed_policy_release(out);
    return ret;
}

int market_config_bind_spot(struct bind *b, const struct ynode *settings, const struct catalog *cat,
                            struct spot_config *out)
{
    memset(out, 0, sizeof(*out));
    /* asgsim's assumption: AWS says only that the recommendation can come earlier than the
       notice (rebalance-recommendations.html) */
    out->rebalance_lead = (struct dist){ DIST_CONSTANT, 600, 0 };
    const struct ynode *m;
    int rc = bind_map(b, settings, "Spot", &m);
    if (rc <= 0)
        return rc;
    struct bind sb = { b->cfn, b->d, "Spot" };
    static const char *const used[] = { "DefaultInterruptionsPerHour", "RebalanceLead", "Pools" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&sb, m, &keys);
    if (ret < 0)
        return ret;
    if ((rc = bind_double(&sb, m, "DefaultInterruptionsPerHour", 0, 3600,
                          &out->default_interruptions_per_hour)) < 0)
        ret = rc;
    if ((rc = bind_dist(&sb, m, "RebalanceLead", &out->rebalance_lead)) < 0)
        ret = rc;
    const struct ynode *list;
    rc = bind_get(&sb, m, "Pools", &list);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return ret;
    if (list->kind != YNODE_SEQ)
        return diag_error(b->d, &list->loc, "'Pools' must be a list, got a %s",
                          ynode_kind_name(list->kind));
    out->pools = xcalloc(list->nr ? list->nr : 1, sizeof(*out->pools));
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *item = list->items[i];
        struct bind pb = { b->cfn, b->d, "a Spot Pools entry" };
        static const char *const pused[] = { "InstanceType", "AvailabilityZone", "PriceUsdPerHour",
                                             "InterruptionsPerHour" };
        const struct bind_keys pkeys = { BIND_LIST(pused), NULL, 0, NULL, 0 };
        if ((rc = bind_check_keys(&pb, item, &pkeys)) < 0) {
            ret = rc;
            continue;
        }
        const char *type = NULL, *az = NULL;
        struct spot_pool p = { NULL, NULL, -1, out->default_interruptions_per_hour };
        int bad = 0;
        if ((rc = check_type(&pb, item, "InstanceType", cat, &type)) < 0)
            bad = rc;
        if ((rc = bind_string(&pb, item, "AvailabilityZone", &az)) < 0)
            bad = rc;
        if ((rc = bind_double(&pb, item, "PriceUsdPerHour", 0, 1e4, &p.usd_per_hour)) < 0)
            bad = rc;
        if ((rc = bind_double(&pb, item, "InterruptionsPerHour", 0, 3600,
                              &p.interruptions_per_hour)) < 0)
            bad = rc;
        if (bad) {
            ret = bad;
            continue;
        }
        p.type = xstrdup(type);
        p.az = az ? xstrdup(az) : NULL;
        out->pools[out->nr_pools++] = p;
    }
    if (ret < 0)
        spot_config_release(out);
    return ret;
}
