/*
 * scenario_launch_config.c - AWS::AutoScaling::LaunchConfiguration, read into the same plain
 * config as a launch template (struct launch_template_config), and a group's
 * LaunchConfigurationName resolved to it. Launch configurations are older than launch
 * templates but still common in published templates (AWS::AutoScaling::LaunchConfiguration,
 * CloudFormation resource reference).
 */
#include "scenario_loader.h"

#include "asgsim/bind.h"
#include "asgsim/catalog.h"
#include "asgsim/market_config.h"
#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

int scenario_load_launch_config(struct loader *l, const struct cfn_resource *r)
{
    char *what = xasprintf("AWS::AutoScaling::LaunchConfiguration '%s'", r->logical_id);
    struct bind b = { l->cfn, l->d, what };
    static const char *const used[] = { "InstanceType",
                                        "ImageId",
                                        "BlockDeviceMappings",
                                        "InstanceMonitoring",
                                        "LaunchConfigurationName",
                                        "SpotPrice" };
    static const char *const inert[] = {
        "AssociatePublicIpAddress",
        "ClassicLinkVPCId",
        "ClassicLinkVPCSecurityGroups",
        "EbsOptimized",
        "IamInstanceProfile",
        "InstanceId",
        "KernelId",
        "KeyName",
        "MetadataOptions",
        "RamDiskId",
        "SecurityGroups",
        "UserData",
    };
    /* Dedicated tenancy has its own prices and fees, which the catalog does not carry. */
    static const char *const unmodelled[] = { "PlacementTenancy" };
    const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(inert), BIND_LIST(unmodelled) };
    struct launch_template_config lt = { 0 };
    const char *name = r->logical_id, *type = NULL, *image = NULL;
    int ret = 0, rc;
    if (!r->properties) {
        ret = bind_missing(&b, &r->loc, "Properties");
        goto out;
    }
    if ((ret = bind_check_keys(&b, r->properties, &keys)) < 0)
        goto out;
    if ((rc = bind_string(&b, r->properties, "LaunchConfigurationName", &name)) < 0)
        ret = rc;
    /* InstanceType and ImageId are required unless InstanceId gives both. */
    bool from_instance = ynode_get(r->properties, "InstanceId") != NULL;
    rc = bind_string(&b, r->properties, "InstanceType", &type);
    if (rc == 0)
        rc = from_instance ? diag_error(l->d, &r->loc,
                                        "%s: InstanceId without InstanceType is not modelled "
                                        "(asgsim cannot look up the instance's type)",
                                        what)
                           : bind_missing(&b, &r->loc, "InstanceType");
    if (rc == 1 && !catalog_find(&l->sc->catalog, type))
        rc = scenario_unknown_type(l, ynode_get(r->properties, "InstanceType"), type);
    if (rc < 0)
        ret = rc;
    if ((rc = bind_string(&b, r->properties, "ImageId", &image)) < 0)
        ret = rc;
    else if (rc == 0 && !from_instance)
        ret = bind_missing(&b, &r->loc, "ImageId");
    if (ret == 0 && (rc = scenario_load_lt_storage(l, &b, r->properties, type, &lt)) < 0)
        ret = rc;
    /* AWS: "InstanceMonitoring ... The default value is true (enabled)" for launch
     * configurations, unlike launch templates: 1-minute metrics. */
    lt.detailed_monitoring = true;
    if ((rc = bind_bool(&b, r->properties, "InstanceMonitoring", &lt.detailed_monitoring)) < 0)
        ret = rc;
    const char *spot = NULL;
    if ((rc = bind_string(&b, r->properties, "SpotPrice", &spot)) < 0)
        ret = rc;
    else if (rc == 1) {
        double max;
        if (!bind_parse_double(spot, &max) || !(max > 0))
            ret = diag_error(l->d, &ynode_get(r->properties, "SpotPrice")->loc,
                             "%s: SpotPrice must be a price in USD per hour above 0, got '%s'",
                             what, spot);
        lt.spot = true;
    }
    if (ret == 0) {
        lt.instance_type = xstrdup(type);
        scenario_add_launch_template(l, r, name, &lt);
    }
out:
    free(what);
    return ret;
}

int scenario_resolve_launch_config(struct loader *l, struct bind *b, const struct ynode *ref,
                                   struct asg_config *g)
{
    if (ref->kind != YNODE_SCALAR)
        return diag_error(l->d, &ref->loc, "%s: LaunchConfigurationName must be a single value",
                          b->what);
    for (size_t i = 0; i < l->sc->nr_launch_templates; i++) {
        const struct launch_template_config *lt = &l->sc->launch_templates[i];
        bool is_lc = false;
        const struct cfn_resource *res = cfn_find_resource(l->cfn, lt->logical_id);
        is_lc = res && !strcmp(res->type, "AWS::AutoScaling::LaunchConfiguration");
        if (!is_lc || strcmp(ref->resource_ref ? lt->logical_id : lt->name, ref->scalar))
            continue;
        g->launch_template = i;
        if (lt->spot) {
            /* SpotPrice: every instance Spot, in the type's lowest-priced pools. */
            g->has_mixed = true;
            memset(&g->mixed, 0, sizeof(g->mixed));
            g->mixed.od_pct_above_base = 0;
            g->mixed.od_strategy = OD_PRIORITIZED;
            g->mixed.spot_strategy = SPOT_LOWEST_PRICE;
            g->mixed.spot_pools = 2;
            g->mixed.overrides = xcalloc(1, sizeof(*g->mixed.overrides));
            g->mixed.overrides[0].type = xstrdup(lt->instance_type);
            g->mixed.overrides[0].weight = 1;
            g->mixed.nr_overrides = 1;
        }
        return 0;
    }
    const struct cfn_resource *res =
            ref->resource_ref ? cfn_find_resource(l->cfn, ref->scalar) : NULL;
    if (res && strcmp(res->type, "AWS::AutoScaling::LaunchConfiguration"))
        return diag_error(l->d, &ref->loc,
                          "%s: '%s' is a %s, not an AWS::AutoScaling::LaunchConfiguration", b->what,
                          ref->scalar, res->type);
    if (res)
        return ASG_EINVAL; /* the launch configuration had errors, already reported */
    return diag_error(l->d, &ref->loc,
                      "%s: launch configuration '%s' is not defined in this template (use !Ref "
                      "to an AWS::AutoScaling::LaunchConfiguration resource)",
                      b->what, ref->scalar);
}
