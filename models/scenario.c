/*
 * Loading a scenario: the CloudFormation template's modelled resources plus the
 * `Metadata: ASGSim::Scenario` settings, validated against AWS's rules into plain data.
 * Every error is collected (not just the first) and names FILE:LINE:COL.
 */
#include "asgsim/scenario.h"

#include "asgsim/bind.h"
#include "asgsim/ec2_bind.h"
#include "asgsim/group_bind.h"
#include "asgsim/market_bind.h"
#include "asgsim/policy_bind.h"
#include "asgsim/serve_bind.h"
#include "asgsim/sha256.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"
#include "asgsim/workload_bind.h"
#include "asgsim/yamltree.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

#define SETTINGS_KEY "ASGSim::Scenario"

struct loader {
    struct scenario *sc;
    struct cfn_template *cfn;
    struct diag_list *d;
    const struct scenario_load_opts *opts;
    struct src_loc settings_loc;
    struct src_loc workload_loc;
    bool has_workload;
};

/* ---- small parsers --------------------------------------------------------------------- */

/* ---- Metadata: ASGSim::Scenario ---------------------------------------------------------- */

static int load_workload(struct loader *l, struct bind *b, const struct ynode *settings)
{
    const struct ynode *w;
    int rc = bind_map(b, settings, "Workload", &w);
    if (rc <= 0)
        return rc;
    l->has_workload = true;
    l->sc->has_workload = true;
    l->workload_loc = w->loc;
    struct bind wb = { l->cfn, l->d, "Workload" };
    return workload_config_bind(&wb, w, &l->sc->workload);
}

static int load_types(struct loader *l, const struct ynode *types)
{
    int ret = 0;
    for (size_t i = 0; i < types->nr; i++) {
        const char *name = types->pairs[i].key->scalar;
        const struct ynode *spec = types->pairs[i].value;
        char *what = xasprintf("instance type '%s'", name);
        struct bind tb = { l->cfn, l->d, what };
        static const char *const used[] = { "Vcpus", "MemoryGiB", "OnDemandUsdPerHour",
                                            "SpotUsdPerHour" };
        const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
        const struct instance_type *base = catalog_find(&l->sc->catalog, name);
        struct instance_type t = { 0 };
        if (base)
            t = *base;
        char *tname = xstrdup(name); /* catalog_put copies it */
        t.name = tname;
        int64_t vcpus = t.vcpus;
        int rc = bind_check_keys(&tb, spec, &keys);
        if (rc == 0) {
            int r[4];
            r[0] = bind_int(&tb, spec, "Vcpus", 1, 1024, &vcpus);
            r[1] = bind_double(&tb, spec, "MemoryGiB", 0.001, 1e6, &t.memory_gib);
            r[2] = bind_double(&tb, spec, "OnDemandUsdPerHour", 0, 1e4, &t.on_demand_usd_per_hour);
            r[3] = bind_double(&tb, spec, "SpotUsdPerHour", 0, 1e4, &t.spot_usd_per_hour);
            for (int k = 0; k < 4; k++)
                if (r[k] < 0)
                    rc = r[k];
            /* A new type must be complete; an override may change any subset. */
            if (rc == 0 && !base) {
                static const char *const need[] = { "Vcpus", "MemoryGiB", "OnDemandUsdPerHour" };
                for (size_t k = 0; k < ARRAY_SIZE(need); k++)
                    if (!ynode_get(spec, need[k]))
                        rc = diag_error(l->d, &spec->loc,
                                        "instance type '%s' is not in the catalog, so '%s' is "
                                        "required",
                                        name, need[k]);
            }
        }
        if (rc == 0) {
            t.vcpus = (int)vcpus;
            catalog_put(&l->sc->catalog, &t);
        } else {
            ret = rc;
        }
        free(tname);
        free(what);
    }
    return ret;
}

static int load_instances(struct loader *l, struct bind *b, const struct ynode *settings)
{
    struct instance_model_config *im = &l->sc->instances;
    /*
     * AWS publishes no boot time; its example of an instance with a configuration script
     * takes "around two or three minutes from the time the instance launches until it's
     * fully in service" (autoscaling/ec2/userguide/Cooldown.html, 2021 text).
     */
    im->boot_time = (struct dist){ DIST_UNIFORM, 120, 180 };
    const struct ynode *m;
    int rc = bind_map(b, settings, "Instances", &m);
    if (rc <= 0)
        return rc;
    static const char *const used[] = { "BootTime", "CapacityRpsPerVcpu", "Types", "Timing" };
    struct bind ib = { l->cfn, l->d, "Instances" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&ib, m, &keys);
    if ((rc = bind_dist(&ib, m, "BootTime", &im->boot_time)) < 0)
        ret = rc;
    if ((rc = bind_double(&ib, m, "CapacityRpsPerVcpu", 1e-6, 1e9, &im->capacity_rps_per_vcpu)) < 0)
        ret = rc;
    const struct ynode *types;
    rc = bind_map(&ib, m, "Types", &types);
    if (rc < 0)
        ret = rc;
    else if (rc == 1 && (rc = load_types(l, types)) < 0)
        ret = rc;
    return ret;
}

/* EC2 timing (Instances: Timing) and billing (Billing): models/ec2_config.c. */
static int load_ec2_settings(struct loader *l, struct bind *b, const struct ynode *settings)
{
    struct scenario *sc = l->sc;
    /* load_instances() reports an Instances that is not a mapping; do not repeat it. */
    const struct ynode *instances = ynode_get(settings, "Instances");
    if (instances && instances->kind != YNODE_MAP)
        instances = NULL;
    int ret = 0, rc;
    struct bind ib = { l->cfn, l->d, "Instances" };
    if ((rc = ec2_config_bind_timing(&ib, instances, &sc->catalog, &sc->ec2)) < 0)
        ret = rc;
    if ((rc = ec2_config_bind_billing(b, settings, &sc->catalog, sc->start_epoch_s, &sc->ec2)) < 0)
        ret = rc;
    if ((rc = market_config_bind_spot(b, settings, &sc->catalog, &sc->spot)) < 0)
        ret = rc;
    return ret;
}

/* The settings block: from --with FILE, else the template's Metadata. NULL when missing. */
static const struct ynode *find_settings(struct loader *l, const struct ydoc *with)
{
    if (with) {
        const struct ynode *root = ydoc_root(with);
        struct src_loc top = { ydoc_file(with), 1, 1 };
        if (!root || root->kind != YNODE_MAP) {
            diag_error(l->d, root ? &root->loc : &top,
                       "settings file must be a mapping (the '" SETTINGS_KEY "' block)");
            return NULL;
        }
        const struct ynode *inner = ynode_get(root, SETTINGS_KEY);
        if (l->cfn->metadata && ynode_get(l->cfn->metadata, SETTINGS_KEY))
            diag_warning(l->d, &ynode_get_pair(l->cfn->metadata, SETTINGS_KEY)->key->loc,
                         "'" SETTINGS_KEY "' in the template is replaced by --with %s",
                         ydoc_file(with));
        return inner ? inner : root;
    }
    const struct ynode *s = l->cfn->metadata ? ynode_get(l->cfn->metadata, SETTINGS_KEY) : NULL;
    if (!s) {
        struct src_loc top = { ydoc_file(l->cfn->doc), 1, 1 };
        diag_error(l->d, &top,
                   "no 'Metadata: " SETTINGS_KEY "' block: add one to the template or give the "
                   "settings with --with FILE");
    }
    return s;
}

static int load_settings(struct loader *l, const struct ynode *s)
{
    struct scenario *sc = l->sc;
    struct bind b = { l->cfn, l->d, "Metadata " SETTINGS_KEY };
    static const char *const used[] = { "Duration", "Seed", "StartTime", "SampleInterval",
                                        "Workload", "Instances", "Subnets", "Fidelity",
                                        "LoadBalancer", "Tick", "QueueLimit", "LatencyObjective",
                                        "Billing", "Spot", "CloudWatch", "TargetTracking",
                                        /* models/group_config.c */
                                        "Hooks", "Faults", "LaunchTemplateVersions",
                                        "LaunchRetryInterval" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    l->settings_loc = s->loc;
    int ret = bind_check_keys(&b, s, &keys);
    if (ret)
        return ret;
    int rc;
    sc->duration = SIM_DAY(1);
    if ((rc = bind_duration(&b, s, "Duration", 0, SCENARIO_MAX_DURATION, &sc->duration)) < 0)
        ret = rc;
    int64_t seed = 1;
    if ((rc = bind_int(&b, s, "Seed", 0, INT64_MAX, &seed)) < 0)
        ret = rc;
    sc->seed = (uint64_t)seed;
    sc->sample_interval = SIM_SEC(60);
    if ((rc = bind_duration(&b, s, "SampleInterval", SIM_SEC(1), SIM_DAY(1),
                            &sc->sample_interval)) < 0)
        ret = rc;
    const char *start = NULL;
    sc->start_epoch_s = utc_days_from_civil(2024, 1, 1) * 86400;
    rc = bind_string(&b, s, "StartTime", &start);
    if (rc < 0)
        ret = rc;
    else if (rc == 1 && !utc_parse(start, &sc->start_epoch_s))
        ret = diag_error(l->d, &ynode_get(s, "StartTime")->loc,
                         "'StartTime' must be a UTC time like 2024-01-01T00:00:00Z, got '%s'",
                         start);
    if ((rc = load_workload(l, &b, s)) < 0)
        ret = rc;
    if ((rc = serve_config_bind(&b, s, &sc->serve)) < 0)
        ret = rc;
    if ((rc = load_instances(l, &b, s)) < 0)
        ret = rc;
    if ((rc = load_ec2_settings(l, &b, s)) < 0)
        ret = rc;
    if ((rc = cw_settings_bind(&b, s, &sc->scaling.cw)) < 0)
        ret = rc;
    if ((rc = tt_settings_bind(&b, s, &sc->scaling.tt_scale_in_ratio)) < 0)
        ret = rc;
    return ret;
}

/* ---- resources --------------------------------------------------------------------------- */

/* Root volume and hibernation of a launch template: models/ec2_config.c. */
static int load_lt_storage(struct loader *l, struct bind *b, const struct ynode *data,
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
        static const char *const dused[] = { "InstanceType", "BlockDeviceMappings",
                                             "HibernationOptions", "Monitoring", "Placement" };
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
        static const char *const dunmodelled[] = { "CapacityReservationSpecification",
                                                   "CpuOptions",
                                                   "CreditSpecification",
                                                   "InstanceInitiatedShutdownBehavior",
                                                   "InstanceMarketOptions",
                                                   "InstanceRequirements" };
        const struct bind_keys dkeys = { BIND_LIST(dused), BIND_LIST(dinert),
                                         BIND_LIST(dunmodelled) };
        const char *type = NULL;
        rc = bind_check_keys(&db, data, &dkeys);
        if (rc == 0) {
            rc = bind_string(&db, data, "InstanceType", &type);
            if (rc == 0)
                rc = diag_error(l->d, &data->loc,
                                "%s has no InstanceType (InstanceRequirements is not modelled "
                                "yet)",
                                dwhat);
        }
        if (rc == 1 && !catalog_find(&l->sc->catalog, type)) {
            const char **names = catalog_names(&l->sc->catalog);
            const char *hint = diag_closest(type, names, l->sc->catalog.nr);
            const struct ynode *tn = NULL;
            bind_get(&db, data, "InstanceType", &tn);
            if (hint)
                rc = diag_error(l->d, &tn->loc,
                                "unknown instance type '%s' (did you mean '%s'?); add it under "
                                "Instances: Types: in the scenario metadata",
                                type, hint);
            else
                rc = diag_error(l->d, &tn->loc,
                                "unknown instance type '%s'; add it under Instances: Types: in "
                                "the scenario metadata",
                                type);
            free(names);
        }
        if (rc < 0)
            ret = rc;
        else
            lt.instance_type = xstrdup(type);
        if ((rc = load_lt_storage(l, &db, data, type, &lt)) < 0)
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
        lt.logical_id = xstrdup(r->logical_id);
        lt.name = xstrdup(name);
        lt.loc = r->loc;
        struct scenario *sc = l->sc;
        sc->launch_templates =
                xrealloc(sc->launch_templates, (sc->nr_launch_templates + 1) * sizeof(lt));
        sc->launch_templates[sc->nr_launch_templates++] = lt;
    } else {
        free(lt.instance_type);
        free(lt.placement_group);
    }
out:
    free(what);
    return ret;
}

static const char *subnet_az(struct loader *l, const struct ynode *settings, const char *subnet)
{
    const struct ynode *map = settings ? ynode_get(settings, "Subnets") : NULL;
    const char *az = NULL;
    struct bind b = { l->cfn, l->d, "Metadata " SETTINGS_KEY " Subnets" };
    if (map && map->kind == YNODE_MAP && bind_string(&b, map, subnet, &az) == 1)
        return az;
    /* Without a mapping each subnet stands for an Availability Zone of its own. */
    return subnet;
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
        const char *az = r2 == 1 ? subnet_az(l, settings, src[i]->scalar) : src[i]->scalar;
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
                            struct asg_config *g)
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
    const char *lt_type = NULL;
    if (spec && ret == 0)
        lt_type = l->sc->launch_templates[g->launch_template].instance_type;
    char *what = xasprintf("MixedInstancesPolicy of %s", b->what);
    struct bind mb = { l->cfn, l->d, what };
    if ((rc = market_config_bind_mixed(&mb, mip, &l->sc->catalog, lt_type, &g->mixed)) < 0)
        ret = rc;
    free(what);
    g->has_mixed = ret == 0;
    return ret;
}

static int load_group_lt(struct loader *l, struct bind *b, const struct ynode *props,
                         struct asg_config *g)
{
    const struct ynode *spec;
    int rc = bind_map(b, props, "LaunchTemplate", &spec);
    if (rc < 0)
        return rc;
    if (rc == 0 && ynode_get(props, "MixedInstancesPolicy"))
        return load_group_mixed(l, b, props, g);
    if (rc == 0) {
        const char *other = ynode_get(props, "LaunchConfigurationName") ? "LaunchConfigurationName"
                            : ynode_get(props, "InstanceId")            ? "InstanceId"
                                                                        : NULL;
        if (other)
            return diag_error(l->d, &ynode_get_pair(props, other)->key->loc,
                              "%s: launching from %s is not modelled yet; use LaunchTemplate",
                              b->what, other);
        return diag_error(l->d, &g->loc.self, "%s needs a LaunchTemplate", b->what);
    }
    if (ynode_get(props, "MixedInstancesPolicy"))
        return diag_error(l->d, &ynode_get_pair(props, "MixedInstancesPolicy")->key->loc,
                          "%s: give LaunchTemplate or MixedInstancesPolicy, not both", b->what);
    return resolve_lt_spec(l, b, spec, g, "LaunchTemplate");
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
                                        "PlacementGroup" };
    static const char *const inert[] = {
        "Tags",    "NotificationConfigurations", "ServiceLinkedRoleARN", "MetricsCollection",
        "Context", "LoadBalancerNames",          "TargetGroupARNs"
    };
    static const char *const unmodelled[] = { "CapacityRebalance",
                                              "DesiredCapacityType",
                                              "LaunchConfigurationName",
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

/* Resource types later work will model; until then they are skipped with a warning. */
static const char *const known_unmodelled_types[] = {
    "AWS::AutoScaling::LaunchConfiguration",
};

static int load_resources(struct loader *l, const struct ynode *settings)
{
    int ret = 0, rc;
    const struct cfn_template *t = l->cfn;
    /* Launch templates first: groups refer to them wherever they appear in the file. */
    for (size_t i = 0; i < t->nr_resources; i++)
        if (!strcmp(t->resources[i].type, "AWS::EC2::LaunchTemplate") &&
            (rc = load_launch_template(l, &t->resources[i])) < 0)
            ret = rc;
    const struct cfn_resource *first_group = NULL;
    for (size_t i = 0; i < t->nr_resources; i++) {
        const struct cfn_resource *r = &t->resources[i];
        if (!strcmp(r->type, "AWS::EC2::LaunchTemplate") || scaling_config_handles(r->type) ||
            !strcmp(r->type, "AWS::AutoScaling::LifecycleHook") ||
            !strcmp(r->type, "AWS::AutoScaling::WarmPool") ||
            !strcmp(r->type, "AWS::EC2::PlacementGroup"))
            continue;
        if (!strcmp(r->type, "AWS::AutoScaling::AutoScalingGroup")) {
            if (first_group) {
                ret = diag_error(l->d, &r->loc,
                                 "asgsim simulates one Auto Scaling group per scenario for now; "
                                 "'%s' is a second one (the first is '%s')",
                                 r->logical_id, first_group->logical_id);
                continue;
            }
            first_group = r;
            if ((rc = load_group(l, r, settings)) < 0)
                ret = rc;
            continue;
        }
        bool later = false;
        for (size_t k = 0; k < ARRAY_SIZE(known_unmodelled_types) && !later; k++)
            later = !strcmp(r->type, known_unmodelled_types[k]);
        diag_warning(l->d, &r->loc, "resource '%s' of type %s is %s; skipped", r->logical_id,
                     r->type, later ? "not modelled by asgsim yet" : "not simulated by asgsim");
    }
    /* Hooks after the group, wherever they appear: they name it (models/group_config.c). */
    struct asg_config *g = l->sc->nr_groups == 1 ? &l->sc->groups[0] : NULL;
    for (size_t i = 0; i < t->nr_resources; i++) {
        const struct cfn_resource *r = &t->resources[i];
        if (strcmp(r->type, "AWS::AutoScaling::LifecycleHook"))
            continue;
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
        char *what = xasprintf("AWS::AutoScaling::WarmPool '%s'", r->logical_id);
        struct bind b = { l->cfn, l->d, what };
        bool hib = g && l->sc->launch_templates[g->launch_template].hibernation;
        if ((rc = group_config_bind_warm_pool(&b, r, g, hib)) < 0)
            ret = rc;
        free(what);
    }
    if (g) {
        char *what = xasprintf("AWS::AutoScaling::AutoScalingGroup '%s'", g->logical_id);
        struct bind b = { l->cfn, l->d, what };
        if ((rc = group_config_bind_placement(
                     &b, t, first_group->properties,
                     l->sc->launch_templates[g->launch_template].placement_group, g)) < 0)
            ret = rc;
        free(what);
    }
    struct bind sb = { l->cfn, l->d, "Metadata " SETTINGS_KEY };
    if ((rc = group_config_bind_settings(&sb, settings, g, &l->sc->faults)) < 0)
        ret = rc;
    /* Policies, alarms and scheduled actions: models/policy_config.c. */
    if (first_group) {
        const char *gname = l->sc->nr_groups ? l->sc->groups[0].name : first_group->logical_id;
        if ((rc = scaling_config_load(l->cfn, l->d, first_group->logical_id, gname,
                                      l->sc->start_epoch_s, &l->sc->scaling)) < 0)
            ret = rc;
    }
    if (!first_group) {
        struct src_loc top = { ydoc_file(t->doc), 1, 1 };
        const struct ynode *root = ydoc_root(t->doc);
        const struct ynode_pair *res = root ? ynode_get_pair(root, "Resources") : NULL;
        ret = diag_error(l->d, res ? &res->key->loc : &top,
                         "the template has no AWS::AutoScaling::AutoScalingGroup to simulate");
    }
    return ret;
}

/* ---- the whole scenario ------------------------------------------------------------------ */

static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return xstrndup(base, n);
}

int scenario_load(struct scenario *out, const char *path, const struct scenario_load_opts *opts,
                  struct diag_list *d)
{
    static const struct scenario_load_opts no_opts = { 0 };
    if (!opts)
        opts = &no_opts;
    struct scenario *sc = xcalloc(1, sizeof(*sc));
    struct ydoc *doc = NULL, *with = NULL;
    struct cfn_template *cfn = NULL;
    struct loader l = { .sc = sc, .d = d, .opts = opts };
    int ret;

    memset(out, 0, sizeof(*out));
    catalog_load_builtin(&sc->catalog);
    if ((ret = ydoc_load(&doc, path, d)) < 0)
        goto out;
    for (size_t i = 0; i < opts->nr_path_overrides; i++)
        if ((ret = ydoc_set_scalar(doc, opts->path_overrides[i].name, opts->path_overrides[i].value,
                                   d)) < 0)
            goto out;
    if (opts->with_path && (ret = ydoc_load(&with, opts->with_path, d)) < 0)
        goto out;
    sc->path = xstrdup(path);
    sc->stack_name = opts->stack_name ? xstrdup(opts->stack_name) : file_stem(path);
    struct cfn_options copt = { opts->overrides, opts->nr_overrides, sc->stack_name, NULL };
    if ((ret = cfn_open(&cfn, doc, &copt, d)) < 0)
        goto out;
    l.cfn = cfn;

    const struct ynode *settings = find_settings(&l, with);
    int rc = settings ? load_settings(&l, settings) : ASG_EINVAL;
    ret = rc;
    /* Resources are checked even when the settings are wrong: report every error at once. */
    if ((rc = load_resources(&l, settings)) < 0)
        ret = rc;
    if (ret < 0 || diag_has_errors(d)) {
        ret = ret < 0 ? ret : ASG_EINVAL;
        goto out;
    }

    if (opts->has_seed)
        sc->seed = opts->seed;
    if (opts->has_duration)
        sc->duration = opts->duration;
    if (sc->duration > SCENARIO_MAX_DURATION) {
        ret = diag_error_status(d, ASG_ELIMIT, NULL,
                                "a run of %" PRId64
                                " days is longer than asgsim's limit of %" PRId64 " days",
                                sc->duration / SIM_DAY(1), SCENARIO_MAX_DURATION / SIM_DAY(1));
        goto out;
    }
    if (sc->duration / sc->sample_interval > SCENARIO_MAX_SAMPLES) {
        ret = diag_error_status(d, ASG_ELIMIT, &l.settings_loc,
                                "Duration / SampleInterval gives %" PRId64
                                " samples, more than the limit of %d; use a longer SampleInterval",
                                sc->duration / sc->sample_interval, SCENARIO_MAX_SAMPLES);
        goto out;
    }
    if (l.has_workload && sc->instances.capacity_rps_per_vcpu <= 0) {
        ret = diag_error(d, &l.workload_loc,
                         "a Workload needs Instances: CapacityRpsPerVcpu (requests per second one "
                         "vCPU serves at 100%% CPU) in the scenario metadata");
        goto out;
    }

    size_t len;
    const unsigned char *bytes = ydoc_bytes(doc, &len);
    sc->bytes = xmalloc(len ? len : 1);
    memcpy(sc->bytes, bytes, len);
    sc->len = len;
    sha256_hex(sc->bytes, sc->len, sc->sha256);
    if (with) {
        bytes = ydoc_bytes(with, &len);
        sc->with_path = xstrdup(opts->with_path);
        sc->with_bytes = xmalloc(len ? len : 1);
        memcpy(sc->with_bytes, bytes, len);
        sc->with_len = len;
    }
    sc->params = xcalloc(cfn->nr_params ? cfn->nr_params : 1, sizeof(*sc->params));
    for (size_t i = 0; i < cfn->nr_params; i++) {
        sc->params[i].name = xstrdup(cfn->params[i].name);
        sc->params[i].value = xstrdup(cfn->params[i].value);
        sc->params[i].overridden = cfn->params[i].overridden;
    }
    sc->nr_params = cfn->nr_params;
    /* Locations must outlive the YAML document: point them at the scenario's own path. */
    for (size_t i = 0; i < sc->nr_launch_templates; i++)
        sc->launch_templates[i].loc.file = sc->path;
    for (size_t i = 0; i < sc->nr_groups; i++) {
        struct asg_config *g = &sc->groups[i];
        g->loc.self.file = g->loc.min_size.file = g->loc.max_size.file = sc->path;
        g->loc.desired_capacity.file = sc->path;
    }
    scaling_config_set_file(&sc->scaling, sc->path);
    /* EC2 metric periods follow the group's launch template (Monitoring: Enabled) */
    if (sc->nr_groups)
        sc->scaling.cw.detailed =
                sc->launch_templates[sc->groups[0].launch_template].detailed_monitoring;
    *out = *sc;
    memset(sc, 0, sizeof(*sc));
    ret = 0;
out:
    scenario_release(sc);
    free(sc);
    cfn_close(cfn);
    ydoc_free(with);
    ydoc_free(doc);
    return ret;
}

void scenario_release(struct scenario *sc)
{
    free(sc->path);
    free(sc->stack_name);
    free(sc->bytes);
    free(sc->with_path);
    free(sc->with_bytes);
    catalog_release(&sc->catalog);
    workload_config_release(&sc->workload);
    ec2_config_release(&sc->ec2);
    spot_config_release(&sc->spot);
    for (size_t i = 0; i < sc->nr_launch_templates; i++) {
        free(sc->launch_templates[i].logical_id);
        free(sc->launch_templates[i].name);
        free(sc->launch_templates[i].instance_type);
        free(sc->launch_templates[i].placement_group);
    }
    free(sc->launch_templates);
    for (size_t i = 0; i < sc->nr_groups; i++) {
        struct asg_config *g = &sc->groups[i];
        free(g->logical_id);
        free(g->name);
        for (size_t j = 0; j < g->nr_azs; j++)
            free(g->azs[j]);
        free(g->azs);
        mixed_policy_release(&g->mixed);
        group_config_release(g);
    }
    free(sc->groups);
    scaling_config_release(&sc->scaling);
    for (size_t i = 0; i < sc->nr_params; i++) {
        free(sc->params[i].name);
        free(sc->params[i].value);
    }
    free(sc->params);
    memset(sc, 0, sizeof(*sc));
}
