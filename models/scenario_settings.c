/*
 * Loading a scenario's settings: the `Metadata: ASGSim::Scenario` block (or the --with file)
 * bound into plain configs; each model's keys are bound beside its model (models/<model>_config.c).
 */
#include "scenario_loader.h"

#include "asgsim/bind.h"
#include "asgsim/ec2_bind.h"
#include "asgsim/group_bind.h"
#include "asgsim/market_bind.h"
#include "asgsim/metric_bind.h"
#include "asgsim/policy_bind.h"
#include "asgsim/predictive_bind.h"
#include "asgsim/regions.h"
#include "asgsim/scenario.h"
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
    const struct workload_bind_opts wo = { l->sc->sample_interval, l->sc->duration };
    return workload_config_bind(&wb, w, &wo, &l->sc->workload);
}

static int load_types(struct loader *l, const struct ynode *types)
{
    int ret = 0;
    /* Before any addition: the shipped catalog's (and earlier overrides') ratio. */
    const double spot_ratio = catalog_spot_ratio(&l->sc->catalog);
    for (size_t i = 0; i < types->nr; i++) {
        const char *name = types->pairs[i].key->scalar;
        const struct ynode *spec = types->pairs[i].value;
        char *what = xasprintf("instance type '%s'", name);
        struct bind tb = { l->cfn, l->d, what };
        static const char *const used[] = { "Vcpus", "MemoryGiB", "OnDemandUsdPerHour",
                                            "SpotUsdPerHour" };
        const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
        const struct instance_type *base = catalog_find(&l->sc->catalog, name);
        /* listed, but not priced for this Region: its size is known, its price must be given */
        const struct instance_type *unpriced =
                base ? NULL : catalog_find_unpriced(&l->sc->catalog, name);
        struct instance_type t = { 0 };
        if (base || unpriced)
            t = base ? *base : *unpriced;
        char *tname = xstrdup(name); /* catalog_put copies it */
        t.name = tname;
        int64_t vcpus = t.vcpus;
        int rc = bind_check_keys(&tb, spec, &keys);
        if (rc == 0) {
            int r[4];
            r[0] = bind_int(&tb, spec, "Vcpus", 1, 1024, &vcpus);
            r[1] = bind_double(&tb, spec, "MemoryGiB", 0.001, 1e6, &t.memory_gib);
            r[2] = bind_double(&tb, spec, "OnDemandUsdPerHour", 0, 1e4, &t.on_demand_usd_per_hour);
            r[3] = bind_double(&tb, spec, "SpotUsdPerHour", 1e-6, 1e4, &t.spot_usd_per_hour);
            for (int k = 0; k < 4; k++)
                if (r[k] < 0)
                    rc = r[k];
            /* A new type must be complete; an override may change any subset. */
            if (rc == 0 && unpriced && !ynode_get(spec, "OnDemandUsdPerHour"))
                rc = diag_error(l->d, &spec->loc,
                                "instance type '%s' has no On-Demand price for %s in asgsim's "
                                "catalog, so 'OnDemandUsdPerHour' is required",
                                name, l->sc->catalog.region);
            if (rc == 0 && !base && !unpriced) {
                static const char *const need[] = { "Vcpus", "MemoryGiB", "OnDemandUsdPerHour" };
                for (size_t k = 0; k < ARRAY_SIZE(need); k++)
                    if (!ynode_get(spec, need[k]))
                        rc = diag_error(l->d, &spec->loc,
                                        "instance type '%s' is not in the catalog, so '%s' is "
                                        "required",
                                        name, need[k]);
            }
        }
        if (rc == 0 && !base && !ynode_get(spec, "SpotUsdPerHour")) {
            /* never 0 (a free pool would win every lowest-price choice): a listed type keeps
               its own us-east-1 Spot ratio (catalog_select_region's rule), others the median */
            bool own = unpriced && unpriced->listed_spot > 0 && unpriced->listed_on_demand[0] > 0;
            double ratio = own ? unpriced->listed_spot / unpriced->listed_on_demand[0] : spot_ratio;
            t.spot_usd_per_hour = t.on_demand_usd_per_hour * ratio;
            diag_warning(l->d, &spec->loc,
                         "instance type '%s' has no SpotUsdPerHour; its Spot price is taken as "
                         "%.6g USD/h, the On-Demand price times %s Spot ratio %.3f",
                         name, t.spot_usd_per_hour, own ? "its us-east-1" : "the catalog's median",
                         ratio);
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

/* A family ("m5") names the types "m5.*" of the catalog. */
static bool catalog_has_family(const struct catalog *c, const char *family)
{
    size_t n = strlen(family);
    for (size_t i = 0; i < c->nr; i++)
        if (!strncmp(c->items[i].name, family, n) && c->items[i].name[n] == '.')
            return true;
    return false;
}

/* Instances: TypeCapacityRpsPerVcpu (per family or type) and CpuCredits (capacity.h). */
static int load_capacity(struct loader *l, struct bind *ib, const struct ynode *m)
{
    struct capacity_config *cc = &l->sc->instances.capacity;
    cc->rps_per_vcpu = l->sc->instances.capacity_rps_per_vcpu;
    static const char *const modes[] = { "standard", "unlimited" };
    int mode, ret = 0;
    int rc = bind_enum(ib, m, "CpuCredits", modes, 2, &mode);
    if (rc < 0)
        ret = rc;
    else if (rc == 1) {
        cc->cpu_credits_given = true;
        cc->cpu_credits_standard = mode == 0;
    }
    const struct ynode *map;
    rc = bind_map(ib, m, "TypeCapacityRpsPerVcpu", &map);
    if (rc <= 0)
        return rc < 0 ? rc : ret;
    cc->overrides = xcalloc(map->nr ? map->nr : 1, sizeof(*cc->overrides));
    for (size_t i = 0; i < map->nr; i++) {
        const struct ynode *key = map->pairs[i].key;
        const char *name = key->scalar;
        if (!catalog_find(&l->sc->catalog, name) && !catalog_has_family(&l->sc->catalog, name)) {
            ret = scenario_unknown_type(l, key, name);
            continue;
        }
        double v;
        if ((rc = bind_double(ib, map, name, 1e-6, 1e9, &v)) < 0) {
            ret = rc;
            continue;
        }
        cc->overrides[cc->nr_overrides].name = xstrdup(name);
        cc->overrides[cc->nr_overrides++].rps_per_vcpu = v;
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
    static const char *const used[] = { "BootTime", "CapacityRpsPerVcpu",     "Types",
                                        "Timing",   "TypeCapacityRpsPerVcpu", "CpuCredits" };
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
    if ((rc = load_capacity(l, &ib, m)) < 0)
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

/*
 * Exports: other stacks' exports (name -> string) for Fn::ImportValue, handed to the template
 * layer as data. AWS: intrinsic-function-reference-importvalue (exported values are strings;
 * a list is exported joined with commas and split again with Fn::Split).
 */
static int load_exports(struct loader *l, struct bind *b, const struct ynode *settings)
{
    const struct ynode *m;
    int rc = bind_map(b, settings, "Exports", &m);
    if (rc <= 0)
        return rc;
    int ret = 0;
    for (size_t i = 0; i < m->nr; i++) {
        const struct ynode *v = m->pairs[i].value;
        if (v->kind != YNODE_SCALAR || v->tag || ynode_is_null(v))
            ret = diag_error(l->d, &v->loc, "export '%s' in 'Exports' must be a string, not a %s",
                             m->pairs[i].key->scalar,
                             cfn_is_intrinsic(v)       ? "function"
                             : v->kind == YNODE_SCALAR ? "null"
                                                       : ynode_kind_name(v->kind));
    }
    if (ret == 0)
        l->cfn->opt.exports = m;
    return ret;
}

const struct ynode *scenario_find_settings(struct loader *l, const struct ydoc *with)
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

int scenario_load_settings(struct loader *l, const struct ynode *s)
{
    struct scenario *sc = l->sc;
    struct bind b = { l->cfn, l->d, "Metadata " SETTINGS_KEY };
    static const char *const used[] = {
        "Duration", "Seed", "StartTime", "SampleInterval", "Workload", "Instances", "Subnets",
        "Fidelity", "LoadBalancer", "Tick", "QueueLimit", "LatencyObjective", "QueueDriven",
        "Billing", "Spot", "CloudWatch", "TargetTracking",
        /* models/group_config.c */
        "Hooks", "Faults", "LaunchTemplateVersions", "LaunchRetryInterval", "Region",
        /* Fn::ImportValue */
        "Exports",
        /* warm start: scenario_bind_warm_start() */
        "WarmStart", "StatisticsStart",
        /* models/predictive_config.c */
        "Predictive",
        /* several groups: models/scenario_groups.c */
        "Group", "Groups",
        /* models/metric_config.c */
        "CustomMetrics"
    };
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
    size_t nr_regions;
    const char *const *regions = region_names(&nr_regions);
    int region;
    if ((rc = bind_enum(&b, s, "Region", regions, nr_regions, &region)) < 0)
        ret = rc;
    else if (rc == 1)
        l->region = regions[region];
    if ((rc = load_exports(l, &b, s)) < 0)
        ret = rc;
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
    if ((rc = scenario_bind_warm_start(&b, s, sc)) < 0)
        ret = rc;
    if ((rc = predictive_settings_bind(&b, s, &sc->scaling.predictive_history)) < 0)
        ret = rc;
    const struct ynode *customs;
    if ((rc = bind_get(&b, s, "CustomMetrics", &customs)) < 0 ||
        (rc == 1 && (rc = metric_bind_customs(&b, customs, NULL, &l->customs)) < 0))
        ret = rc;
    return ret;
}
