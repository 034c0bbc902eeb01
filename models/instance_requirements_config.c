/*
 * Binding InstanceRequirements with AWS's rules (API_InstanceRequirements and the
 * CloudFormation property table aws-properties-autoscaling-autoscalinggroup-
 * instancerequirements).
 */
#include "asgsim/instance_requirements_bind.h"
#include "asgsim/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* AWS: at most 400 entries in AllowedInstanceTypes and in ExcludedInstanceTypes. */
#define MAX_PATTERNS 400

/* A {Min, Max} range; Min required when `need_min`. \return 1 given, 0 absent, or error. */
static int bind_range(struct bind *b, const struct ynode *map, const char *key, bool need_min,
                      double hi, double *min, double *max)
{
    const struct ynode *r;
    int rc = bind_map(b, map, key, &r);
    if (rc <= 0)
        return rc;
    static const char *const used[] = { "Min", "Max" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    if ((rc = bind_check_keys(b, r, &keys)) < 0)
        return rc;
    int rmin = bind_double(b, r, "Min", 0, hi, min);
    int rmax = bind_double(b, r, "Max", 0, hi, max);
    if (rmin == 0 && need_min)
        rmin = bind_missing(b, &r->loc, "Min");
    if (rmin < 0 || rmax < 0)
        return ASG_EINVAL;
    if (rmin == 1 && rmax == 1 && *max < *min)
        return diag_error(b->d, &ynode_get(r, "Max")->loc, "%s: %s Max (%g) is less than Min (%g)",
                          b->what, key, *max, *min);
    return 1;
}

static int bind_patterns(struct bind *b, const struct ynode *map, const char *key, char ***out,
                         size_t *nr)
{
    const struct ynode **items = NULL;
    size_t n = 0;
    int rc = bind_scalar_list(b, map, key, &items, &n);
    if (rc <= 0)
        return rc;
    if (n > MAX_PATTERNS) {
        rc = diag_error(b->d, &ynode_get(map, key)->loc, "%s: %s lists %zu types; AWS allows %d",
                        b->what, key, n, MAX_PATTERNS);
        free(items);
        return rc;
    }
    *out = xcalloc(n ? n : 1, sizeof(**out));
    for (size_t i = 0; i < n; i++)
        (*out)[i] = xstrdup(items[i]->scalar);
    *nr = n;
    free(items);
    return 1;
}

/* A list of enum values into a bit set. */
static int bind_enum_set(struct bind *b, const struct ynode *map, const char *key,
                         const char *const *names, size_t nr_names, unsigned *out)
{
    const struct ynode **items = NULL;
    size_t n = 0;
    int rc = bind_scalar_list(b, map, key, &items, &n);
    if (rc <= 0)
        return rc;
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nr_names && strcmp(items[i]->scalar, names[k]))
            k++;
        if (k == nr_names) {
            const char *hint = diag_closest(items[i]->scalar, names, nr_names);
            ret = diag_error(b->d, &items[i]->loc, "%s: %s: unknown value '%s'%s%s%s", b->what, key,
                             items[i]->scalar, hint ? " (did you mean '" : "", hint ? hint : "",
                             hint ? "'?)" : "");
            continue;
        }
        *out |= 1u << k;
    }
    free(items);
    return ret < 0 ? ret : 1;
}

int instance_requirements_bind(struct bind *b, const struct ynode *map,
                               struct instance_requirements *out)
{
    instance_requirements_init(out);
    static const char *const used[] = { "VCpuCount",
                                        "MemoryMiB",
                                        "MemoryGiBPerVCpu",
                                        "CpuManufacturers",
                                        "InstanceGenerations",
                                        "BurstablePerformance",
                                        "BareMetal",
                                        "AllowedInstanceTypes",
                                        "ExcludedInstanceTypes",
                                        "OnDemandMaxPricePercentageOverLowestPrice",
                                        "SpotMaxPricePercentageOverLowestPrice" };
    /* what the catalog does not record: warned, and taken as met by its types */
    static const char *const unmodelled[] = {
        "AcceleratorCount",           "AcceleratorManufacturers",
        "AcceleratorNames",           "AcceleratorTotalMemoryMiB",
        "AcceleratorTypes",           "BaselineEbsBandwidthMbps",
        "BaselinePerformanceFactors", "LocalStorage",
        "LocalStorageTypes",          "MaxSpotPriceAsPercentageOfOptimalOnDemandPrice",
        "NetworkBandwidthGbps",       "NetworkInterfaceCount",
        "RequireHibernateSupport",    "TotalLocalStorageGB"
    };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, BIND_LIST(unmodelled) };
    int ret = bind_check_keys(b, map, &keys);
    if (ret < 0)
        return ret;
    int rc;
    double lo = 0, hi = -1;
    /* VCpuCount and MemoryMiB are required, each with a Min (API_VCpuCountRequest,
       API_MemoryMiBRequest) */
    rc = bind_range(b, map, "VCpuCount", true, 1e6, &lo, &hi);
    if (rc == 0)
        rc = bind_missing(b, &map->loc, "VCpuCount");
    if (rc < 0)
        ret = rc;
    out->vcpu_min = (int64_t)lo;
    out->vcpu_max = hi < 0 ? -1 : (int64_t)hi;
    lo = 0;
    hi = -1;
    rc = bind_range(b, map, "MemoryMiB", true, 1e9, &lo, &hi);
    if (rc == 0)
        rc = bind_missing(b, &map->loc, "MemoryMiB");
    if (rc < 0)
        ret = rc;
    out->memory_mib_min = lo;
    out->memory_mib_max = hi;
    lo = -1;
    hi = -1;
    if ((rc = bind_range(b, map, "MemoryGiBPerVCpu", false, 1e6, &lo, &hi)) < 0)
        ret = rc;
    out->gib_per_vcpu_min = lo;
    out->gib_per_vcpu_max = hi;
    if ((rc = bind_enum_set(b, map, "CpuManufacturers", cpu_manufacturer_names, CPU_NR,
                            &out->cpu_manufacturers)) < 0)
        ret = rc;
    static const char *const gens[] = { "current", "previous" };
    unsigned g = 0;
    if ((rc = bind_enum_set(b, map, "InstanceGenerations", gens, 2, &g)) < 0) {
        ret = rc;
    } else if (rc == 1 && g) {
        out->generation_current = g & 1u;
        out->generation_previous = g & 2u;
    }
    int v = (int)out->burstable;
    if ((rc = bind_enum(b, map, "BurstablePerformance", ir_choice_names, IR_CHOICE_NR, &v)) < 0)
        ret = rc;
    out->burstable = (enum ir_choice)v;
    v = (int)out->bare_metal;
    if ((rc = bind_enum(b, map, "BareMetal", ir_choice_names, IR_CHOICE_NR, &v)) < 0)
        ret = rc;
    out->bare_metal = (enum ir_choice)v;
    if ((rc = bind_patterns(b, map, "AllowedInstanceTypes", &out->allowed, &out->nr_allowed)) < 0)
        ret = rc;
    if ((rc = bind_patterns(b, map, "ExcludedInstanceTypes", &out->excluded, &out->nr_excluded)) <
        0)
        ret = rc;
    /* AWS: "one of the following parameters, but not both in the same request" */
    if (out->nr_allowed && out->nr_excluded)
        ret = diag_error(b->d, &ynode_get_pair(map, "ExcludedInstanceTypes")->key->loc,
                         "%s: give AllowedInstanceTypes or ExcludedInstanceTypes, not both",
                         b->what);
    if ((rc = bind_int(b, map, "OnDemandMaxPricePercentageOverLowestPrice", 0, INT32_MAX,
                       &out->od_max_pct)) < 0)
        ret = rc;
    if ((rc = bind_int(b, map, "SpotMaxPricePercentageOverLowestPrice", 0, INT32_MAX,
                       &out->spot_max_pct)) < 0)
        ret = rc;
    /* AWS: "Only one of SpotMaxPricePercentageOverLowestPrice or
       MaxSpotPriceAsPercentageOfOptimalOnDemandPrice can be specified" */
    else if (rc == 1 && ynode_get(map, "MaxSpotPriceAsPercentageOfOptimalOnDemandPrice"))
        ret = diag_error(
                b->d,
                &ynode_get_pair(map, "MaxSpotPriceAsPercentageOfOptimalOnDemandPrice")->key->loc,
                "%s: give SpotMaxPricePercentageOverLowestPrice or "
                "MaxSpotPriceAsPercentageOfOptimalOnDemandPrice, not both",
                b->what);
    if (ret < 0)
        instance_requirements_release(out);
    return ret;
}

int capacity_type_bind(struct bind *b, const struct ynode *props, enum capacity_type *out)
{
    int v = CAPACITY_UNITS;
    int rc = bind_enum(b, props, "DesiredCapacityType", capacity_type_names, CAPACITY_TYPE_NR, &v);
    *out = (enum capacity_type)v;
    return rc < 0 ? rc : 0;
}
