/*
 * Loading a scenario's resources: AWS::EC2::LaunchTemplate and AWS::AutoScaling::AutoScalingGroup
 * with what names them, validated against AWS's rules into plain configs. Every error names
 * FILE:LINE:COL.
 */
#include "scenario_loader.h"

#include "asgsim/bind.h"
#include "asgsim/ec2_bind.h"
#include "asgsim/group_bind.h"
#include "asgsim/instance_requirements_bind.h"
#include "asgsim/market_bind.h"
#include "asgsim/policy_bind.h"
#include "asgsim/queue.h"
#include "asgsim/regions.h"
#include "asgsim/scenario.h"
#include "asgsim/serve_bind.h"
#include "asgsim/sha256.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"
#include "asgsim/workload_bind.h"
#include "asgsim/yamltree.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* Root volume and hibernation of a launch template: models/ec2_config.c. */
int scenario_load_lt_storage(struct loader *l, struct bind *b, const struct ynode *data,
                             const char *type, struct launch_template_config *lt)
{
    struct ec2_lt_storage st;
    const struct instance_type *t = type ? catalog_find(&l->sc->catalog, type) : NULL;
    int rc = ec2_config_bind_launch_template(b, data, t, l->sc->ec2.root_volume_gib, &st);
    lt->root_volume_gib = st.root_volume_gib;
    lt->root_encrypted = st.root_encrypted;
    lt->hibernation = st.hibernation;
    return rc;
}

void scenario_add_launch_template(struct loader *l, const struct cfn_resource *r, const char *name,
                                  struct launch_template_config *lt)
{
    lt->logical_id = xstrdup(r->logical_id);
    lt->name = xstrdup(name);
    lt->loc = r->loc;
    struct scenario *sc = l->sc;
    sc->launch_templates =
            xrealloc(sc->launch_templates, (sc->nr_launch_templates + 1) * sizeof(*lt));
    sc->launch_templates[sc->nr_launch_templates++] = *lt;
}

int scenario_unknown_type(struct loader *l, const struct ynode *at, const char *type)
{
    if (catalog_find_unpriced(&l->sc->catalog, type))
        return catalog_unknown(&l->sc->catalog, l->d, &at->loc, type, NULL, NULL);
    const char *hint = catalog_closest(&l->sc->catalog, type);
    if (hint)
        return diag_error(l->d, &at->loc,
                          "unknown instance type '%s' (did you mean '%s'?); add it under "
                          "Instances: Types: in the scenario metadata",
                          type, hint);
    return diag_error(l->d, &at->loc,
                      "unknown instance type '%s'; add it under Instances: Types: in the "
                      "scenario metadata",
                      type);
}

static int load_launch_template(struct loader *l, const struct cfn_resource *r)
{
    char *what = xasprintf("AWS::EC2::LaunchTemplate '%s'", r->logical_id);
    struct bind b = { l->cfn, l->d, what };
    static const char *const used[] = { "LaunchTemplateName", "LaunchTemplateData" };
    static const char *const inert[] = { "VersionDescription", "TagSpecifications" };
    const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(inert), NULL, 0 };
    struct launch_template_config lt = { 0 };
    const char *name = r->logical_id;
    const struct ynode *data;
    int ret = 0, rc;
    if (!r->properties) {
        ret = bind_missing(&b, &r->loc, "Properties");
        goto out;
    }
    if ((ret = bind_check_keys(&b, r->properties, &keys)) < 0)
        goto out;
    if ((rc = bind_string(&b, r->properties, "LaunchTemplateName", &name)) < 0)
        ret = rc;
    rc = bind_map(&b, r->properties, "LaunchTemplateData", &data);
    if (rc == 0)
        rc = bind_missing(&b, &r->loc, "LaunchTemplateData");
    if (rc < 0) {
        ret = rc;
        goto out;
    }
    {
        char *dwhat = xasprintf("LaunchTemplateData of %s", what);
        struct bind db = { l->cfn, l->d, dwhat };
        static const char *const dused[] = { "InstanceType",       "BlockDeviceMappings",
                                             "HibernationOptions", "Monitoring",
                                             "Placement",          "InstanceRequirements" };
        static const char *const dinert[] = { "DisableApiStop",
                                              "DisableApiTermination",
                                              "EbsOptimized",
                                              "EnclaveOptions",
                                              "IamInstanceProfile",
                                              "ImageId",
                                              "KernelId",
                                              "KeyName",
                                              "LicenseSpecifications",
                                              "MaintenanceOptions",
                                              "MetadataOptions",
                                              "NetworkInterfaces",
                                              "PrivateDnsNameOptions",
                                              "RamDiskId",
                                              "SecurityGroupIds",
                                              "SecurityGroups",
                                              "TagSpecifications",
                                              "UserData",
                                              "ElasticGpuSpecifications",
                                              "ElasticInferenceAccelerators",
                                              "NetworkPerformanceOptions",
                                              "Operator" };
        static const char *const dunmodelled[] = { "CapacityReservationSpecification", "CpuOptions",
                                                   "CreditSpecification",
                                                   "InstanceInitiatedShutdownBehavior",
                                                   "InstanceMarketOptions" };
        const struct bind_keys dkeys = { BIND_LIST(dused), BIND_LIST(dinert),
                                         BIND_LIST(dunmodelled) };
        const char *type = NULL;
        rc = bind_check_keys(&db, data, &dkeys);
        if (rc == 0)
            rc = bind_string(&db, data, "InstanceType", &type);
        /* Neither InstanceType nor InstanceRequirements: the group's Overrides must name the
           types (scenario_check_lt_type). */
        if (rc >= 0 && ynode_get(data, "InstanceRequirements")) {
            const struct ynode *irn;
            if (type)
                /* AWS (API_RequestLaunchTemplateData): "If you specify
                   InstanceRequirements, you can't specify InstanceType." */
                rc = diag_error(l->d, &ynode_get_pair(data, "InstanceRequirements")->key->loc,
                                "%s gives InstanceType and InstanceRequirements; AWS accepts "
                                "one of them",
                                dwhat);
            else if ((rc = bind_map(&db, data, "InstanceRequirements", &irn)) == 1) {
                lt.requirements = xcalloc(1, sizeof(*lt.requirements));
                rc = instance_requirements_bind(&db, irn, lt.requirements);
                if (rc < 0) {
                    free(lt.requirements);
                    lt.requirements = NULL;
                }
            }
        }
        if (rc == 1 && !catalog_find(&l->sc->catalog, type)) {
            const struct ynode *tn = NULL;
            bind_get(&db, data, "InstanceType", &tn);
            rc = scenario_unknown_type(l, tn, type);
        }
        if (rc < 0)
            ret = rc;
        else if (type)
            lt.instance_type = xstrdup(type);
        if ((rc = scenario_load_lt_storage(l, &db, data, type, &lt)) < 0)
            ret = rc;
        /* Placement.GroupName: the group's placement group (models/group_config.c). */
        const struct ynode *pl;
        const char *gname = NULL;
        if ((rc = bind_map(&db, data, "Placement", &pl)) < 0)
            ret = rc;
        else if (rc == 1 && (rc = bind_string(&db, pl, "GroupName", &gname)) < 0)
            ret = rc;
        else if (gname)
            lt.placement_group = xstrdup(gname);
        if ((rc = cw_monitoring_bind(&db, data, &lt.detailed_monitoring)) < 0)
            ret = rc;
        free(dwhat);
    }
    if (ret == 0) {
        scenario_add_launch_template(l, r, name, &lt);
    } else {
        free(lt.instance_type);
        free(lt.placement_group);
        if (lt.requirements)
            instance_requirements_release(lt.requirements);
        free(lt.requirements);
    }
out:
    free(what);
    return ret;
}

/*
 * The settings' Subnets: a mapping of subnet id -> Availability Zone of the run's Region.
 * A list, or a subnet id where the zone belongs, used to be taken silently and made every
 * subnet a zone of its own. \return 0 or ASG_EINVAL.
 */
static int check_subnets(struct loader *l, const struct ynode *settings)
{
    const struct ynode *map = settings ? ynode_get(settings, "Subnets") : NULL;
    if (!map)
        return 0;
    if (map->kind != YNODE_MAP)
        return diag_error(l->d, &map->loc,
                          "'Subnets' must map each subnet id to its Availability Zone "
                          "(subnet-0a1: us-east-1a), not a %s",
                          ynode_kind_name(map->kind));
    size_t nr;
    const char *const *azs = region_azs(l->sc->region, &nr);
    int ret = 0;
    for (size_t i = 0; i < map->nr; i++) {
        const struct ynode *v = map->pairs[i].value;
        if (v->kind != YNODE_SCALAR || ynode_is_null(v)) {
            ret = diag_error(l->d, &v->loc, "Subnets: the zone of '%s' must be a string, not a %s",
                             map->pairs[i].key->scalar, ynode_kind_name(v->kind));
            continue;
        }
        size_t k = 0;
        while (azs && k < nr && strcmp(azs[k], v->scalar))
            k++;
        if (azs && k == nr) {
            char *list = xstrdup("");
            for (size_t j = 0; j < nr; j++) {
                char *m = xasprintf("%s%s%s", list, j ? ", " : "", azs[j]);
                free(list);
                list = m;
            }
            ret = diag_error(l->d, &v->loc, "Subnets: '%s' is not an Availability Zone of %s (%s)",
                             v->scalar, l->sc->region, list);
            free(list);
        }
    }
    return ret;
}

/* The zone of `subnet`; NULL (error reported) when a Subnets map leaves it out. */
static const char *subnet_az(struct loader *l, const struct ynode *settings,
                             const struct ynode *subnet)
{
    /* A subnet the template creates says its zone (AWS::EC2::Subnet AvailabilityZone). */
    const struct cfn_resource *r = cfn_find_resource(l->cfn, subnet->scalar);
    const struct ynode *zone = r && !strcmp(r->type, "AWS::EC2::Subnet") && r->properties
                                       ? ynode_get(r->properties, "AvailabilityZone")
                                       : NULL;
    if (zone) {
        const struct ynode *v = cfn_resolve(l->cfn, zone, l->d);
        if (!v || v->kind != YNODE_SCALAR || ynode_is_null(v)) {
            if (v)
                diag_error(l->d, &zone->loc,
                           "the AvailabilityZone of subnet '%s' must be a string, not a %s",
                           r->logical_id, ynode_kind_name(v->kind));
            return NULL;
        }
        return v->scalar;
    }
    const struct ynode *map = settings ? ynode_get(settings, "Subnets") : NULL;
    /* Without a mapping each subnet stands for an Availability Zone of its own. */
    if (!map || map->kind != YNODE_MAP)
        return subnet->scalar;
    const struct ynode *az = ynode_get(map, subnet->scalar);
    if (az && az->kind == YNODE_SCALAR)
        return az->scalar;
    char *list = xstrdup("");
    for (size_t j = 0; j < map->nr; j++) {
        char *m = xasprintf("%s%s%s", list, j ? ", " : "", map->pairs[j].key->scalar);
        free(list);
        list = m;
    }
    diag_error(l->d, &subnet->loc,
               "subnet '%s' of VPCZoneIdentifier is not in the settings' Subnets (%s)",
               subnet->scalar, list);
    free(list);
    return NULL;
}

static int load_group_azs(struct loader *l, struct bind *b, const struct ynode *props,
                          const struct ynode *settings, struct asg_config *g)
{
    const struct ynode **azs = NULL, **subnets = NULL;
    size_t nr_azs = 0, nr_subnets = 0;
    int ret = 0;
    int r1 = bind_scalar_list(b, props, "AvailabilityZones", &azs, &nr_azs);
    int r2 = bind_scalar_list(b, props, "VPCZoneIdentifier", &subnets, &nr_subnets);
    if (r1 < 0 || r2 < 0) {
        ret = ASG_EINVAL;
        goto out;
    }
    if (r1 == 0 && r2 == 0) {
        ret = diag_error(l->d, &g->loc.self,
                         "%s needs AvailabilityZones or VPCZoneIdentifier (the subnets it "
                         "launches into)",
                         b->what);
        goto out;
    }
    const struct ynode **src = r2 == 1 ? subnets : azs;
    size_t nr = r2 == 1 ? nr_subnets : nr_azs;
    if (nr == 0) {
        ret = diag_error(l->d, &g->loc.self, "%s: the list of %s is empty", b->what,
                         r2 == 1 ? "subnets" : "Availability Zones");
        goto out;
    }
    g->azs = xcalloc(nr, sizeof(*g->azs));
    for (size_t i = 0; i < nr; i++) {
        const char *az = r2 == 1 ? subnet_az(l, settings, src[i]) : src[i]->scalar;
        if (!az) {
            ret = ASG_EINVAL;
            continue;
        }
        bool seen = false;
        /* Several subnets in one zone still make one zone for balancing. */
        for (size_t j = 0; j < g->nr_azs && !seen; j++)
            seen = !strcmp(g->azs[j], az);
        if (!seen)
            g->azs[g->nr_azs++] = xstrdup(az);
    }
out:
    free(azs);
    free(subnets);
    return ret;
}

/* A launch template resource known by this name, whether or not it loaded without errors. */
static const struct cfn_resource *find_lt_by_name(const struct cfn_template *t, const char *name)
{
    for (size_t i = 0; i < t->nr_resources; i++) {
        const struct cfn_resource *r = &t->resources[i];
        if (strcmp(r->type, "AWS::EC2::LaunchTemplate"))
            continue;
        const struct ynode *n =
                r->properties ? ynode_get(r->properties, "LaunchTemplateName") : NULL;
        if (n ? (n->kind == YNODE_SCALAR && !strcmp(n->scalar, name))
              : !strcmp(r->logical_id, name))
            return r;
    }
    return NULL;
}

static int resolve_lt_spec(struct loader *l, struct bind *b, const struct ynode *spec,
                           struct asg_config *g, const char *where);

/* MixedInstancesPolicy: its launch template here, the rest in models/market_config.c. */
static int load_group_mixed(struct loader *l, struct bind *b, const struct ynode *props,
                            enum capacity_type ct, struct asg_config *g)
{
    const struct ynode *mip, *lt = NULL, *spec = NULL;
    int rc = bind_map(b, props, "MixedInstancesPolicy", &mip);
    if (rc <= 0)
        return rc;
    if (bind_map(b, mip, "LaunchTemplate", &lt) == 1 &&
        bind_map(b, lt, "LaunchTemplateSpecification", &spec) == 0)
        return bind_missing(b, &lt->loc, "LaunchTemplateSpecification");
    int ret = 0;
    if (spec && (rc = resolve_lt_spec(l, b, spec, g, "LaunchTemplateSpecification")) < 0)
        ret = rc;
    struct launch_template_config *ltc =
            spec && ret == 0 ? &l->sc->launch_templates[g->launch_template] : NULL;
    char *what = xasprintf("MixedInstancesPolicy of %s", b->what);
    struct bind mb = { l->cfn, l->d, what };
    if ((rc = market_config_bind_mixed(&mb, mip, &l->sc->catalog, ltc ? ltc->instance_type : NULL,
                                       ltc ? ltc->requirements : NULL, ltc ? &ltc->loc : NULL, ct,
                                       &g->mixed)) < 0)
        ret = rc;
    free(what);
    g->has_mixed = ret == 0;
    if (ret == 0 && ltc && !ltc->instance_type)
        ltc->instance_type = xstrdup(g->mixed.overrides[0].type);
    return ret;
}

/*
 * A group launching straight from a launch template: its InstanceType, or the types its
 * InstanceRequirements match, as a mixed instances policy with AWS's defaults (all
 * On-Demand, lowest-price as for any group with InstanceRequirements).
 */
static int lt_types(struct loader *l, struct bind *b, enum capacity_type ct, struct asg_config *g)
{
    struct launch_template_config *lt = &l->sc->launch_templates[g->launch_template];
    if (!lt->requirements) {
        if (!lt->instance_type)
            return diag_error(l->d, &lt->loc,
                              "AWS::EC2::LaunchTemplate '%s' has no InstanceType or "
                              "InstanceRequirements, and %s names no instance type in the "
                              "Overrides of a MixedInstancesPolicy",
                              lt->logical_id, b->what);
        if (ct != CAPACITY_UNITS)
            return diag_error(l->d, &g->loc.self,
                              "%s: DesiredCapacityType %s needs InstanceRequirements (AWS "
                              "supports it for attribute-based instance type selection only)",
                              b->what, capacity_type_names[ct]);
        return 0;
    }
    struct mixed_policy *m = &g->mixed;
    *m = (struct mixed_policy){ .od_pct_above_base = 100,
                                .od_strategy = OD_LOWEST_PRICE,
                                .spot_strategy = SPOT_LOWEST_PRICE,
                                .spot_pools = 2 };
    if (instance_requirements_resolve(lt->requirements, &l->sc->catalog, ct, m) == 0) {
        mixed_policy_release(m);
        return diag_error(l->d, &lt->loc,
                          "the InstanceRequirements of AWS::EC2::LaunchTemplate '%s' match no "
                          "instance type of the catalog (add types under Instances: Types: in "
                          "the settings, or widen the requirements)",
                          lt->logical_id);
    }
    g->has_mixed = true;
    if (!lt->instance_type)
        lt->instance_type = xstrdup(m->overrides[0].type);
    return 0;
}

static int load_group_lt(struct loader *l, struct bind *b, const struct ynode *props,
                         struct asg_config *g)
{
    const struct ynode *spec;
    enum capacity_type ct;
    int rc = capacity_type_bind(b, props, &ct);
    if (rc < 0)
        return rc;
    rc = bind_map(b, props, "LaunchTemplate", &spec);
    if (rc < 0)
        return rc;
    if (rc == 0 && ynode_get(props, "MixedInstancesPolicy"))
        return load_group_mixed(l, b, props, ct, g);
    if (rc == 0 && ynode_get(props, "LaunchConfigurationName")) {
        const struct ynode *ref = NULL;
        if ((rc = bind_get(b, props, "LaunchConfigurationName", &ref)) < 0)
            return rc;
        if (ynode_get(props, "MixedInstancesPolicy"))
            return diag_error(l->d, &ynode_get_pair(props, "MixedInstancesPolicy")->key->loc,
                              "%s: give LaunchConfigurationName or MixedInstancesPolicy, not both",
                              b->what);
        return scenario_resolve_launch_config(l, b, ref, g);
    }
    if (rc == 0) {
        const char *other = ynode_get(props, "InstanceId") ? "InstanceId" : NULL;
        if (other)
            return diag_error(l->d, &ynode_get_pair(props, other)->key->loc,
                              "%s: launching from %s is not modelled yet; use LaunchTemplate",
                              b->what, other);
        return diag_error(l->d, &g->loc.self, "%s needs a LaunchTemplate", b->what);
    }
    if (ynode_get(props, "MixedInstancesPolicy"))
        return diag_error(l->d, &ynode_get_pair(props, "MixedInstancesPolicy")->key->loc,
                          "%s: give LaunchTemplate or MixedInstancesPolicy, not both", b->what);
    if (ynode_get(props, "LaunchConfigurationName"))
        return diag_error(l->d, &ynode_get_pair(props, "LaunchConfigurationName")->key->loc,
                          "%s: give LaunchTemplate or LaunchConfigurationName, not both", b->what);
    if ((rc = resolve_lt_spec(l, b, spec, g, "LaunchTemplate")) < 0)
        return rc;
    return lt_types(l, b, ct, g);
}

/* The launch template a LaunchTemplateSpecification `spec` names, into g->launch_template. */
static int resolve_lt_spec(struct loader *l, struct bind *b, const struct ynode *spec,
                           struct asg_config *g, const char *where)
{
    char *what = xasprintf("%s of %s", where, b->what);
    struct bind sb = { l->cfn, l->d, what };
    static const char *const used[] = { "LaunchTemplateId", "LaunchTemplateName", "Version" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&sb, spec, &keys);
    const struct ynode *id = NULL, *name = NULL, *version = NULL;
    int ri = bind_get(&sb, spec, "LaunchTemplateId", &id);
    int rn = bind_get(&sb, spec, "LaunchTemplateName", &name);
    int rv = bind_get(&sb, spec, "Version", &version);
    if (ret < 0 || ri < 0 || rn < 0 || rv < 0) {
        ret = ASG_EINVAL;
        goto out;
    }
    if (ri + rn != 1) {
        ret = diag_error(l->d, &spec->loc,
                         "%s needs exactly one of LaunchTemplateId and LaunchTemplateName", what);
        goto out;
    }
    const struct ynode *ref = ri ? id : name;
    if (ref->kind != YNODE_SCALAR) {
        ret = diag_error(l->d, &ref->loc, "%s: the launch template must be a single value", what);
        goto out;
    }
    size_t found = SIZE_MAX;
    for (size_t i = 0; i < l->sc->nr_launch_templates; i++) {
        const struct launch_template_config *lt = &l->sc->launch_templates[i];
        if (ref->resource_ref ? !strcmp(lt->logical_id, ref->scalar)
                              : (rn && !strcmp(lt->name, ref->scalar)))
            found = i;
    }
    if (found == SIZE_MAX) {
        const struct cfn_resource *res = ref->resource_ref ? cfn_find_resource(l->cfn, ref->scalar)
                                                           : find_lt_by_name(l->cfn, ref->scalar);
        if (res && strcmp(res->type, "AWS::EC2::LaunchTemplate"))
            ret = diag_error(l->d, &ref->loc, "%s: '%s' is a %s, not an AWS::EC2::LaunchTemplate",
                             what, ref->scalar, res->type);
        else if (res)
            ret = ASG_EINVAL; /* the launch template itself had errors, already reported */
        else
            ret = diag_error(l->d, &ref->loc,
                             "%s: launch template '%s' is not defined in this template (use !Ref "
                             "to an AWS::EC2::LaunchTemplate resource)",
                             what, ref->scalar);
        goto out;
    }
    g->launch_template = found;
    if (rv == 0) {
        ret = bind_missing(&sb, &spec->loc, "Version");
        goto out;
    }
    int64_t v;
    if (version->kind != YNODE_SCALAR || !bind_parse_int(version->scalar, &v)) {
        /* CloudFormation does not accept $Latest / $Default here (ecosystem.md §1.2). */
        ret = diag_error(l->d, &version->loc,
                         "%s: Version must be a version number such as "
                         "!GetAtt %s.LatestVersionNumber, got '%s'",
                         what, l->sc->launch_templates[found].logical_id,
                         version->kind == YNODE_SCALAR ? version->scalar : "(not a value)");
        goto out;
    }
    if (v != 1)
        ret = diag_error(l->d, &version->loc,
                         "%s: launch template '%s' has only version 1, got %" PRId64, what,
                         l->sc->launch_templates[found].logical_id, v);
out:
    free(what);
    return ret;
}

/*
 * TerminationPolicies: names applied in list order; `Default` must come last and a custom
 * (Lambda ARN) policy first (ec2-auto-scaling-termination-policies.html). Not given: Default.
 */
static int load_termination_policies(struct loader *l, struct bind *b, const struct ynode *props,
                                     struct asg_config *g)
{
    const struct ynode **items = NULL;
    size_t nr = 0;
    g->termination_policies[0] = TERMINATION_DEFAULT;
    g->nr_termination_policies = 1;
    int rc = bind_scalar_list(b, props, "TerminationPolicies", &items, &nr);
    if (rc <= 0)
        return rc;
    int ret = 0;
    g->nr_termination_policies = 0;
    for (size_t i = 0; i < nr; i++) {
        const char *name = items[i]->scalar;
        int k = -1;
        for (int j = 0; j < TERMINATION_NR; j++)
            if (!strcmp(name, termination_policy_names[j]))
                k = j;
        if (k < 0 && !strncmp(name, "arn:", 4)) {
            ret = diag_error(l->d, &items[i]->loc,
                             "%s: custom termination policies (Lambda functions) are not "
                             "modelled by asgsim",
                             b->what);
            continue;
        }
        if (k < 0) {
            const char *hint = diag_closest(name, termination_policy_names, TERMINATION_NR);
            ret = diag_error(l->d, &items[i]->loc, "%s: unknown termination policy '%s'%s%s%s",
                             b->what, name, hint ? " (did you mean '" : "", hint ? hint : "",
                             hint ? "'?)" : "");
            continue;
        }
        if (k == TERMINATION_DEFAULT && i + 1 != nr) {
            ret = diag_error(l->d, &items[i]->loc,
                             "%s: the Default termination policy must be the last in the list",
                             b->what);
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < g->nr_termination_policies; j++)
            dup = dup || g->termination_policies[j] == (enum termination_policy)k;
        if (dup) {
            ret = diag_error(l->d, &items[i]->loc, "%s: termination policy '%s' is listed twice",
                             b->what, name);
            continue;
        }
        g->termination_policies[g->nr_termination_policies++] = (enum termination_policy)k;
    }
    if (nr == 0)
        ret = diag_error(l->d, &ynode_get(props, "TerminationPolicies")->loc,
                         "%s: TerminationPolicies is empty", b->what);
    free(items);
    return ret;
}

static int load_group(struct loader *l, const struct cfn_resource *r, const struct ynode *settings)
{
    char *what = xasprintf("AWS::AutoScaling::AutoScalingGroup '%s'", r->logical_id);
    struct bind b = { l->cfn, l->d, what };
    static const char *const used[] = { "AutoScalingGroupName",
                                        "MinSize",
                                        "MaxSize",
                                        "DesiredCapacity",
                                        "AvailabilityZones",
                                        "VPCZoneIdentifier",
                                        "LaunchTemplate",
                                        "Cooldown",
                                        "HealthCheckGracePeriod",
                                        "DefaultCooldown",
                                        "MixedInstancesPolicy",
                                        "TerminationPolicies",
                                        "NewInstancesProtectedFromScaleIn",
                                        "DefaultInstanceWarmup",
                                        "HealthCheckType",
                                        "LifecycleHookSpecificationList",
                                        "MaxInstanceLifetime",
                                        "PlacementGroup",
                                        "DesiredCapacityType",
                                        "LaunchConfigurationName" };
    /* NotificationConfiguration: the singular form, deprecated for NotificationConfigurations
     * and still accepted by CloudFormation (cfn-lint issue 442); real templates use it. */
    static const char *const inert[] = { "Tags",
                                         "NotificationConfigurations",
                                         "NotificationConfiguration",
                                         "ServiceLinkedRoleARN",
                                         "MetricsCollection",
                                         "Context",
                                         "LoadBalancerNames",
                                         "TargetGroupARNs" };
    static const char *const unmodelled[] = { "CapacityRebalance",
                                              "InstanceId",
                                              "AvailabilityZoneDistribution",
                                              "AvailabilityZoneImpairmentPolicy",
                                              "CapacityReservationSpecification",
                                              "InstanceMaintenancePolicy",
                                              "SkipZonalShiftValidation",
                                              "TrafficSources",
                                              "InstanceLifecyclePolicy" };
    const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(inert), BIND_LIST(unmodelled) };
    struct asg_config g = { 0 };
    g.loc.self = r->loc;
    const struct ynode *p = r->properties;
    int ret = 0, rc;
    if (!p) {
        ret = bind_missing(&b, &r->loc, "Properties");
        goto out;
    }
    if ((ret = bind_check_keys(&b, p, &keys)) < 0)
        goto out;
    const char *name = r->logical_id;
    if ((rc = bind_string(&b, p, "AutoScalingGroupName", &name)) < 0)
        ret = rc;
    g.name = xstrdup(name);
    g.logical_id = xstrdup(r->logical_id);

    /* MinSize and MaxSize are required (aws-properties-as-group); both are Strings in CFN. */
    const int64_t cap = SCENARIO_MAX_INSTANCES;
    int rmin = bind_int(&b, p, "MinSize", 0, cap, &g.min_size);
    int rmax = bind_int(&b, p, "MaxSize", 0, cap, &g.max_size);
    if (rmin == 0)
        rmin = bind_missing(&b, &r->loc, "MinSize");
    if (rmax == 0)
        rmax = bind_missing(&b, &r->loc, "MaxSize");
    if (rmin == 1)
        g.loc.min_size = ynode_get(p, "MinSize")->loc;
    if (rmax == 1)
        g.loc.max_size = ynode_get(p, "MaxSize")->loc;
    int rdes = bind_int(&b, p, "DesiredCapacity", 0, cap, &g.desired_capacity);
    if (rdes == 1)
        g.loc.desired_capacity = ynode_get(p, "DesiredCapacity")->loc;
    if (rmin < 0 || rmax < 0 || rdes < 0) {
        ret = ASG_EINVAL;
    } else {
        /* AWS: "Default: MinSize" and Min <= Desired <= Max (API_CreateAutoScalingGroup). */
        if (rdes == 0)
            g.desired_capacity = g.min_size;
        if (g.min_size > g.max_size)
            ret = diag_error(l->d, &g.loc.min_size,
                             "%s: MinSize (%" PRId64 ") must not be greater than MaxSize (%" PRId64
                             ")",
                             what, g.min_size, g.max_size);
        else if (rdes == 1 && (g.desired_capacity < g.min_size || g.desired_capacity > g.max_size))
            ret = diag_error(l->d, &g.loc.desired_capacity,
                             "%s: DesiredCapacity (%" PRId64 ") must be between MinSize (%" PRId64
                             ") and MaxSize (%" PRId64 ")",
                             what, g.desired_capacity, g.min_size, g.max_size);
    }

    /* Cooldown is a String of seconds, default 300 (aws-properties-as-group). */
    g.cooldown = SIM_SEC(300);
    int64_t secs;
    if (ynode_get(p, "DefaultCooldown")) {
        diag_warning(l->d, &ynode_get_pair(p, "DefaultCooldown")->key->loc,
                     "'DefaultCooldown' is the API name; CloudFormation calls it 'Cooldown'");
        if (ynode_get(p, "Cooldown"))
            ret = diag_error(l->d, &ynode_get_pair(p, "DefaultCooldown")->key->loc,
                             "%s: give Cooldown or DefaultCooldown, not both", what);
        else if ((rc = bind_int(&b, p, "DefaultCooldown", 0, 86400 * 365, &secs)) < 0)
            ret = rc;
        else if (rc == 1)
            g.cooldown = SIM_SEC(secs);
    }
    if ((rc = bind_int(&b, p, "Cooldown", 0, 86400 * 365, &secs)) < 0)
        ret = rc;
    else if (rc == 1)
        g.cooldown = SIM_SEC(secs);
    /* HealthCheckGracePeriod: "Default: 0 seconds" through the API and CloudFormation. */
    if ((rc = bind_int(&b, p, "HealthCheckGracePeriod", 0, 86400 * 365, &secs)) < 0)
        ret = rc;
    else if (rc == 1)
        g.health_check_grace = SIM_SEC(secs);
    if ((rc = bind_bool(&b, p, "NewInstancesProtectedFromScaleIn", &g.new_instances_protected)) < 0)
        ret = rc;
    /* DefaultInstanceWarmup: 0-3600 s, -1 turns it off (API_CreateAutoScalingGroup) */
    if ((rc = bind_int(&b, p, "DefaultInstanceWarmup", -1, 3600, &secs)) < 0)
        ret = rc;
    else if (rc == 1 && secs >= 0) {
        g.has_default_instance_warmup = true;
        g.default_instance_warmup = SIM_SEC(secs);
    }
    if ((rc = load_termination_policies(l, &b, p, &g)) < 0)
        ret = rc;
    /* Health checks, lifecycle hooks, MaxInstanceLifetime: models/group_config.c. */
    if ((rc = group_config_bind(&b, p, &g)) < 0)
        ret = rc;

    if ((rc = load_group_azs(l, &b, p, settings, &g)) < 0)
        ret = rc;
    if ((rc = load_group_lt(l, &b, p, &g)) < 0)
        ret = rc;
out:
    if (ret == 0) {
        struct scenario *sc = l->sc;
        sc->groups = xrealloc(sc->groups, (sc->nr_groups + 1) * sizeof(g));
        sc->groups[sc->nr_groups++] = g;
    } else {
        free(g.name);
        free(g.logical_id);
        for (size_t i = 0; i < g.nr_azs; i++)
            free(g.azs[i]);
        free(g.azs);
        mixed_policy_release(&g.mixed);
        group_config_release(&g);
    }
    free(what);
    return ret;
}

static void append(char **msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void append(char **msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *more = xvasprintf(fmt, ap);
    va_end(ap);
    char *joined = xasprintf("%s%s", *msg, more);
    free(more);
    free(*msg);
    *msg = joined;
}

/*
 * Issue 17: real stacks hold databases, security groups, topics and alarms on them beside
 * the group. One warning lists what is skipped, by type in order of first appearance, a
 * few names each, so that the warnings a planner must read stay few.
 */
static void warn_skipped(struct loader *l, const struct cfn_resource **r, size_t n)
{
    enum { NAMES_PER_TYPE = 3 };

    if (!n)
        return;
    bool *done = xcalloc(n, sizeof(*done));
    char *msg = xstrdup("");
    append(&msg, "%zu resource%s not simulated by asgsim, skipped:", n, n == 1 ? "" : "s");
    const char *sep = " ";
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        size_t count = 0;
        for (size_t j = i; j < n; j++)
            count += !done[j] && !strcmp(r[j]->type, r[i]->type);
        append(&msg, "%s%s (", sep, r[i]->type);
        size_t shown = 0;
        for (size_t j = i; j < n; j++) {
            if (done[j] || strcmp(r[j]->type, r[i]->type))
                continue;
            done[j] = true;
            if (shown < NAMES_PER_TYPE)
                append(&msg, "%s%s", shown ? ", " : "", r[j]->logical_id);
            shown++;
        }
        if (count > NAMES_PER_TYPE)
            append(&msg, " and %zu more", count - NAMES_PER_TYPE);
        append(&msg, ")");
        sep = "; ";
    }
    diag_warning(l->d, &r[0]->loc, "%s", msg);
    free(msg);
    free(done);
}

/*
 * A queue-driven group's queue (README "queue-driven", asgsim's rule): the template's
 * AWS::SQS::Queue when it has exactly one, with its MessageRetentionPeriod (SQS: 60 s to
 * 14 days, 4 days when not set); with none (the queue is outside the stack, or not SQS)
 * or several, SQS's default, and with several a warning. Every queue's period is checked.
 */
static int load_queues(struct loader *l, const struct cfn_resource **used)
{
    const struct cfn_template *t = l->cfn;
    const struct cfn_resource *second = NULL;
    const struct cfn_resource *first_res = NULL;
    sim_time first = QUEUE_DEFAULT_RETENTION;
    size_t n = 0;
    int ret = 0;
    for (size_t i = 0; i < t->nr_resources; i++) {
        const struct cfn_resource *r = &t->resources[i];
        if (strcmp(r->type, "AWS::SQS::Queue"))
            continue;
        if (++n == 1)
            first_res = r;
        if (n == 2)
            second = r;
        if (!r->properties)
            continue;
        char *what = xasprintf("AWS::SQS::Queue '%s'", r->logical_id);
        struct bind b = { l->cfn, l->d, what };
        int64_t period_s;
        int rc = bind_int(&b, r->properties, "MessageRetentionPeriod",
                          QUEUE_MIN_RETENTION / SIM_SEC(1), QUEUE_MAX_RETENTION / SIM_SEC(1),
                          &period_s);
        if (rc < 0)
            ret = rc;
        else if (rc > 0 && n == 1)
            first = SIM_SEC(period_s);
        free(what);
    }
    l->sc->queue_retention = n == 1 ? first : QUEUE_DEFAULT_RETENTION;
    bool queue_driven = l->sc->scaling.queue_driven;
    for (size_t k = 0; l->sc->per_group && k < l->sc->nr_groups; k++)
        queue_driven |= l->sc->per_group[k].scaling.queue_driven;
    if (n == 1 && queue_driven)
        *used = first_res;
    if (second && queue_driven)
        diag_warning(l->d, &second->loc,
                     "the template has %zu AWS::SQS::Queue resources: a queue-driven group's "
                     "messages are kept for SQS's default MessageRetentionPeriod, 345600 s",
                     n);
    return ret;
}

int scenario_load_resources(struct loader *l, const struct ynode *settings)
{
    int ret = check_subnets(l, settings), rc;
    const struct cfn_template *t = l->cfn;
    /* Launch templates first: groups refer to them wherever they appear in the file. */
    for (size_t i = 0; i < t->nr_resources; i++)
        if (!strcmp(t->resources[i].type, "AWS::EC2::LaunchTemplate") &&
            (rc = load_launch_template(l, &t->resources[i])) < 0)
            ret = rc;
    for (size_t i = 0; i < t->nr_resources; i++)
        if (!strcmp(t->resources[i].type, "AWS::AutoScaling::LaunchConfiguration") &&
            (rc = scenario_load_launch_config(l, &t->resources[i])) < 0)
            ret = rc;
    /* The groups in template order (issue 17 item 9: every one is simulated). */
    const struct cfn_resource **gres = xcalloc(t->nr_resources + 1, sizeof(*gres));
    size_t nr_gres = 0;
    const struct cfn_resource **skipped = xcalloc(t->nr_resources + 1, sizeof(*skipped));
    size_t nr_skipped = 0;
    for (size_t i = 0; i < t->nr_resources; i++) {
        const struct cfn_resource *r = &t->resources[i];
        if (!strcmp(r->type, "AWS::EC2::LaunchTemplate") ||
            !strcmp(r->type, "AWS::AutoScaling::LaunchConfiguration") ||
            scaling_config_handles(r->type) ||
            !strcmp(r->type, "AWS::AutoScaling::LifecycleHook") ||
            !strcmp(r->type, "AWS::AutoScaling::WarmPool") ||
            !strcmp(r->type, "AWS::EC2::PlacementGroup"))
            continue;
        if (!strcmp(r->type, "AWS::AutoScaling::AutoScalingGroup")) {
            size_t before = l->sc->nr_groups;
            if ((rc = load_group(l, r, settings)) < 0)
                ret = rc;
            if (l->sc->nr_groups > before)
                gres[nr_gres] = r;
            nr_gres += l->sc->nr_groups > before;
            if (rc < 0 && !nr_gres)
                gres[t->nr_resources] = r; /* a group in error: there is a group */
            continue;
        }
        skipped[nr_skipped++] = r;
    }
    const struct cfn_resource *first_group = nr_gres ? gres[0] : gres[t->nr_resources];
    /* With one group in error, what names it is still checked, against no group. */
    bool several = l->sc->nr_groups > 1;
    /* Hooks after the groups, wherever they appear: they name theirs (models/group_config.c). */
    for (size_t i = 0; i < t->nr_resources; i++) {
        const struct cfn_resource *r = &t->resources[i];
        if (strcmp(r->type, "AWS::AutoScaling::LifecycleHook"))
            continue;
        struct asg_config *g = scenario_named_group(l, r);
        if (several && !g) {
            ret = ASG_EINVAL;
            continue;
        }
        char *what = xasprintf("AWS::AutoScaling::LifecycleHook '%s'", r->logical_id);
        struct bind b = { l->cfn, l->d, what };
        if ((rc = group_config_bind_hook_resource(&b, r, g)) < 0)
            ret = rc;
        free(what);
    }
    for (size_t i = 0; i < t->nr_resources; i++) {
        const struct cfn_resource *r = &t->resources[i];
        if (strcmp(r->type, "AWS::AutoScaling::WarmPool"))
            continue;
        struct asg_config *g = scenario_named_group(l, r);
        if (several && !g) {
            ret = ASG_EINVAL;
            continue;
        }
        char *what = xasprintf("AWS::AutoScaling::WarmPool '%s'", r->logical_id);
        struct bind b = { l->cfn, l->d, what };
        bool hib = g && l->sc->launch_templates[g->launch_template].hibernation;
        if ((rc = group_config_bind_warm_pool(&b, r, g, hib)) < 0)
            ret = rc;
        free(what);
    }
    for (size_t i = 0; i < l->sc->nr_groups; i++) {
        struct asg_config *g = &l->sc->groups[i];
        char *what = xasprintf("AWS::AutoScaling::AutoScalingGroup '%s'", g->logical_id);
        struct bind b = { l->cfn, l->d, what };
        if ((rc = group_config_bind_placement(
                     &b, t, gres[i]->properties,
                     l->sc->launch_templates[g->launch_template].placement_group, g)) < 0)
            ret = rc;
        free(what);
    }
    if (several) {
        if ((rc = scenario_load_groups(l, settings)) < 0)
            ret = rc;
    } else {
        struct asg_config *g = l->sc->nr_groups == 1 ? &l->sc->groups[0] : NULL;
        struct bind sb = { l->cfn, l->d, "Metadata " SETTINGS_KEY };
        if ((rc = group_config_bind_settings(&sb, settings, g, &l->sc->faults)) < 0)
            ret = rc;
        if (g && (rc = scenario_load_groups(l, settings)) < 0)
            ret = rc;
        /* Policies, alarms and scheduled actions: models/policy_config.c. */
        if (first_group) {
            const char *gname = g ? g->name : first_group->logical_id;
            if ((rc = scaling_config_load(l->cfn, l->d, first_group->logical_id, gname,
                                          l->sc->start_epoch_s, &l->customs, &l->sc->scaling)) < 0)
                ret = rc;
            else
                scenario_apply_queue_setting(l, &l->sc->serve, &l->sc->scaling,
                                             first_group->logical_id);
        }
    }
    const struct cfn_resource *queue = NULL;
    if ((rc = load_queues(l, &queue)) < 0)
        ret = rc;
    metric_customs_warn_unused(l->d, &l->customs);
    for (size_t k = 0; k <= (several ? l->sc->nr_groups : 0); k++) {
        const struct scaling_config *c =
                k == 0 ? &l->sc->scaling : &l->sc->per_group[k - 1].scaling;
        for (size_t i = 0; i < c->nr_skipped; i++)
            skipped[nr_skipped++] = cfn_find_resource(t, c->skipped[i]);
    }
    /* the queue a queue-driven group works off is simulated (its retention) */
    for (size_t i = 0; queue && i < nr_skipped; i++)
        if (skipped[i] == queue) {
            memmove(&skipped[i], &skipped[i + 1], (nr_skipped - i - 1) * sizeof(*skipped));
            nr_skipped--;
            break;
        }
    warn_skipped(l, skipped, nr_skipped);
    free(skipped);
    free(gres);
    if (!first_group) {
        struct src_loc top = { ydoc_file(t->doc), 1, 1 };
        const struct ynode *root = ydoc_root(t->doc);
        const struct ynode_pair *res = root ? ynode_get_pair(root, "Resources") : NULL;
        ret = diag_error(l->d, res ? &res->key->loc : &top,
                         "the template has no AWS::AutoScaling::AutoScalingGroup to simulate");
    }
    return ret;
}
