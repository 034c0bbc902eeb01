/* Attribute-based instance type selection resolved against the catalog. */
#include "asgsim/instance_requirements.h"

#include "asgsim/util.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *const cpu_manufacturer_names[CPU_NR] = { "intel", "amd", "amazon-web-services",
                                                     "apple" };

const char *const ir_choice_names[IR_CHOICE_NR] = { "included", "excluded", "required" };

const char *const capacity_type_names[CAPACITY_TYPE_NR] = { "units", "vcpu", "memory-mib" };

void instance_requirements_init(struct instance_requirements *r)
{
    /* Defaults (API_InstanceRequirements, aws-properties-autoscaling-autoscalinggroup-
       instancerequirements): burstable and bare metal excluded, any generation and
       manufacturer, price protection 20 % On-Demand and 100 % Spot. */
    *r = (struct instance_requirements){ .vcpu_max = -1,
                                         .memory_mib_max = -1,
                                         .gib_per_vcpu_min = -1,
                                         .gib_per_vcpu_max = -1,
                                         .generation_current = true,
                                         .generation_previous = true,
                                         .burstable = IR_EXCLUDED,
                                         .bare_metal = IR_EXCLUDED,
                                         .od_max_pct = 20,
                                         .spot_max_pct = 100 };
}

static void free_list(char **items, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(items[i]);
    free(items);
}

void instance_requirements_release(struct instance_requirements *r)
{
    free_list(r->allowed, r->nr_allowed);
    free_list(r->excluded, r->nr_excluded);
    r->allowed = r->excluded = NULL;
    r->nr_allowed = r->nr_excluded = 0;
}

static char **copy_list(char *const *items, size_t nr)
{
    char **out = xcalloc(nr ? nr : 1, sizeof(*out));
    for (size_t i = 0; i < nr; i++)
        out[i] = xstrdup(items[i]);
    return out;
}

void instance_requirements_copy(struct instance_requirements *dst,
                                const struct instance_requirements *src)
{
    *dst = *src;
    dst->allowed = src->nr_allowed ? copy_list(src->allowed, src->nr_allowed) : NULL;
    dst->excluded = src->nr_excluded ? copy_list(src->excluded, src->nr_excluded) : NULL;
}

/*
 * A name split by AWS's convention (instance-type-names.html): series letters, generation
 * digits, then attribute letters up to '.' or '-' ("m6gd.large": "m", 6, "gd").
 */
struct type_name {
    char series[8];
    char attrs[8];
    bool has_generation;
};

static void split_name(const char *name, struct type_name *out)
{
    memset(out, 0, sizeof(*out));
    size_t i = 0, n = 0;
    while (isalpha((unsigned char)name[i]) && n + 1 < sizeof(out->series))
        out->series[n++] = name[i++];
    while (isdigit((unsigned char)name[i])) {
        out->has_generation = true;
        i++;
    }
    n = 0;
    while (isalpha((unsigned char)name[i]) && n + 1 < sizeof(out->attrs))
        out->attrs[n++] = name[i++];
}

enum cpu_manufacturer instance_type_cpu(const char *name)
{
    struct type_name t;
    split_name(name, &t);
    if (!strcmp(t.series, "mac"))
        return CPU_APPLE;
    /* a1 is the first Graviton family; afterwards "g" marks Graviton, "a" AMD */
    if (!strcmp(t.series, "a") || strchr(t.attrs, 'g'))
        return CPU_AWS;
    if (strchr(t.attrs, 'a'))
        return CPU_AMD;
    return CPU_INTEL;
}

bool instance_type_is_burstable(const char *name)
{
    struct type_name t;
    split_name(name, &t);
    return !strcmp(t.series, "t");
}

bool instance_type_is_bare_metal(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot && !strncmp(dot + 1, "metal", 5);
}

bool instance_type_is_previous_generation(const char *name)
{
    /* The families on AWS's "Previous generation instances" page (asgsim's list; the catalog
       has no generation column): first- to third-generation families. */
    static const char *const previous[] = { "c1",  "c3", "cc1", "cc2", "cg1", "cr1", "g2", "hi1",
                                            "hs1", "i2", "m1",  "m2",  "m3",  "r3",  "t1" };
    const char *dot = strchr(name, '.');
    size_t len = dot ? (size_t)(dot - name) : strlen(name);
    for (size_t i = 0; i < ARRAY_SIZE(previous); i++)
        if (strlen(previous[i]) == len && !strncmp(previous[i], name, len))
            return true;
    return false;
}

bool instance_type_pattern_match(const char *pattern, const char *name)
{
    /* iterative glob with one backtrack point: '*' matches any run, other characters
       themselves */
    const char *star = NULL, *resume = NULL;
    while (*name) {
        if (*pattern == '*') {
            star = pattern++;
            resume = name;
        } else if (*pattern == *name) {
            pattern++;
            name++;
        } else if (star) {
            pattern = star + 1;
            name = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

int64_t capacity_weight(const struct instance_type *t, enum capacity_type ct)
{
    switch (ct) {
    case CAPACITY_VCPU:
        return t->vcpus;
    case CAPACITY_MEMORY_MIB:
        return (int64_t)llround(t->memory_gib * 1024);
    case CAPACITY_UNITS:
    case CAPACITY_TYPE_NR:
        break;
    }
    return 1;
}

static bool any_match(char *const *patterns, size_t nr, const char *name)
{
    for (size_t i = 0; i < nr; i++)
        if (instance_type_pattern_match(patterns[i], name))
            return true;
    return false;
}

static bool choice_ok(enum ir_choice c, bool has)
{
    return c == IR_INCLUDED || (c == IR_REQUIRED) == has;
}

static bool meets(const struct instance_requirements *r, const struct instance_type *t)
{
    double mib = t->memory_gib * 1024, per_vcpu = t->memory_gib / t->vcpus;
    if (t->vcpus < r->vcpu_min || (r->vcpu_max >= 0 && t->vcpus > r->vcpu_max))
        return false;
    if (mib < r->memory_mib_min || (r->memory_mib_max >= 0 && mib > r->memory_mib_max))
        return false;
    if ((r->gib_per_vcpu_min >= 0 && per_vcpu < r->gib_per_vcpu_min) ||
        (r->gib_per_vcpu_max >= 0 && per_vcpu > r->gib_per_vcpu_max))
        return false;
    if (r->cpu_manufacturers && !(r->cpu_manufacturers >> instance_type_cpu(t->name) & 1u))
        return false;
    bool prev = instance_type_is_previous_generation(t->name);
    if (prev ? !r->generation_previous : !r->generation_current)
        return false;
    if (!choice_ok(r->burstable, instance_type_is_burstable(t->name)) ||
        !choice_ok(r->bare_metal, instance_type_is_bare_metal(t->name)))
        return false;
    if (r->nr_allowed && !any_match(r->allowed, r->nr_allowed, t->name))
        return false;
    return !any_match(r->excluded, r->nr_excluded, t->name);
}

/* C, M or R of the current generation: the types AWS's price protection compares with. */
static bool is_cmr_current(const char *name)
{
    struct type_name t;
    split_name(name, &t);
    return (!strcmp(t.series, "c") || !strcmp(t.series, "m") || !strcmp(t.series, "r")) &&
           t.has_generation && !instance_type_is_previous_generation(name);
}

/*
 * The price protection threshold (API_InstanceRequirements, OnDemandMaxPricePercentage-
 * OverLowestPrice / SpotMaxPricePercentageOverLowestPrice): `pct` over the price of the
 * lowest priced current generation C, M or R type that meets the attributes; failing that
 * the lowest priced current generation type; failing that the lowest priced previous
 * generation one. Prices per vCPU or per MiB under those DesiredCapacityTypes.
 */
static double threshold(const struct instance_type *const *m, size_t nr, enum capacity_type ct,
                        bool spot, int64_t pct)
{
    double best[3] = { (double)INFINITY, (double)INFINITY,
                       (double)INFINITY }; /* C/M/R current, current, previous */
    for (size_t i = 0; i < nr; i++) {
        double p = (spot ? m[i]->spot_usd_per_hour : m[i]->on_demand_usd_per_hour) /
                   (double)capacity_weight(m[i], ct);
        int k = is_cmr_current(m[i]->name)                          ? 0
                : !instance_type_is_previous_generation(m[i]->name) ? 1
                                                                    : 2;
        if (p < best[k])
            best[k] = p;
    }
    double id = isfinite(best[0]) ? best[0] : isfinite(best[1]) ? best[1] : best[2];
    return id * (1 + (double)pct / 100);
}

size_t instance_requirements_resolve(const struct instance_requirements *r,
                                     const struct catalog *cat, enum capacity_type ct,
                                     struct mixed_policy *out)
{
    const struct instance_type **m = xcalloc(cat->nr ? cat->nr : 1, sizeof(*m));
    size_t nr = 0;
    for (size_t i = 0; i < cat->nr; i++)
        if (meets(r, &cat->items[i]))
            m[nr++] = &cat->items[i];
    double od_max = threshold(m, nr, ct, false, r->od_max_pct);
    double spot_max = threshold(m, nr, ct, true, r->spot_max_pct);
    out->overrides =
            xrealloc(out->overrides, (out->nr_overrides + nr + 1) * sizeof(*out->overrides));
    for (size_t i = 0; i < nr; i++) {
        bool dup = false;
        for (size_t j = 0; j < out->nr_overrides && !dup; j++)
            dup = !strcmp(out->overrides[j].type, m[i]->name);
        if (dup)
            continue;
        double w = (double)capacity_weight(m[i], ct);
        out->overrides[out->nr_overrides++] = (struct mixed_override){
            .type = xstrdup(m[i]->name),
            .weight = capacity_weight(m[i], ct),
            .no_on_demand = m[i]->on_demand_usd_per_hour / w > od_max,
            .no_spot = m[i]->spot_usd_per_hour / w > spot_max,
        };
    }
    free(m);
    return nr;
}
