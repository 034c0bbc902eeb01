/*
 * instance_requirements.h - attribute-based instance type selection (InstanceRequirements in
 * a launch template or in a MixedInstancesPolicy override) as plain data, and its resolution
 * against the instance type catalog into the instance types a group may launch.
 *
 * What the catalog does not list about a type (CPU manufacturer, burstable, generation) is
 * read from its name by AWS's naming convention (see instance_type_cpu() and friends).
 * Bound from YAML by instance_requirements_bind.h (models/instance_requirements_config.c).
 */
#ifndef ASGSIM_INSTANCE_REQUIREMENTS_H
#define ASGSIM_INSTANCE_REQUIREMENTS_H

#include "asgsim/catalog.h"
#include "asgsim/market_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cpu_manufacturer { CPU_INTEL, CPU_AMD, CPU_AWS, CPU_APPLE, CPU_NR };

/** AWS's names: "intel", "amd", "amazon-web-services", "apple". */
extern const char *const cpu_manufacturer_names[CPU_NR];

enum ir_choice { IR_INCLUDED, IR_EXCLUDED, IR_REQUIRED, IR_CHOICE_NR };

/** "included", "excluded", "required" */
extern const char *const ir_choice_names[IR_CHOICE_NR];

/** A group's DesiredCapacityType: what its capacities count. */
enum capacity_type { CAPACITY_UNITS, CAPACITY_VCPU, CAPACITY_MEMORY_MIB, CAPACITY_TYPE_NR };

/** "units", "vcpu", "memory-mib" */
extern const char *const capacity_type_names[CAPACITY_TYPE_NR];

/** One InstanceRequirements (the attributes the catalog can decide). Plain data. */
struct instance_requirements {
    int64_t vcpu_min, vcpu_max;                   /* VCpuCount; vcpu_max < 0: no maximum */
    double memory_mib_min, memory_mib_max;        /* MemoryMiB; max < 0: no maximum */
    double gib_per_vcpu_min, gib_per_vcpu_max;    /* MemoryGiBPerVCpu; < 0: no bound */
    unsigned cpu_manufacturers;                   /* bit per enum cpu_manufacturer; 0: any */
    bool generation_current, generation_previous; /* InstanceGenerations; both: any */
    enum ir_choice burstable;                     /* BurstablePerformance, default excluded */
    enum ir_choice bare_metal;                    /* BareMetal, default excluded */
    char **allowed;                               /* AllowedInstanceTypes patterns (owned) */
    size_t nr_allowed;
    char **excluded; /* ExcludedInstanceTypes patterns (owned) */
    size_t nr_excluded;
    int64_t od_max_pct;   /* OnDemandMaxPricePercentageOverLowestPrice, 20 */
    int64_t spot_max_pct; /* SpotMaxPricePercentageOverLowestPrice, 100 */
};

/** Set AWS's defaults (any vCPU and memory; see the field comments). */
void instance_requirements_init(struct instance_requirements *r);

/** Free the pattern lists; safe on a zeroed struct. */
void instance_requirements_release(struct instance_requirements *r);

/** Deep copy of `src` into `dst` (owned by the caller). */
void instance_requirements_copy(struct instance_requirements *dst,
                                const struct instance_requirements *src);

/** CPU manufacturer by AWS's naming convention: "g" in the family's attributes: AWS
 *  Graviton; "a": AMD; mac: Apple; else Intel. */
enum cpu_manufacturer instance_type_cpu(const char *name);

/** Burstable performance: the T families (t2, t3, t3a, t4g, ...). */
bool instance_type_is_burstable(const char *name);

/** Bare metal: the size is "metal" or "metal-...". */
bool instance_type_is_bare_metal(const char *name);

/** Previous generation (asgsim's list, README "Instance choice"). */
bool instance_type_is_previous_generation(const char *name);

/** Does `name` match `pattern`, where '*' stands for any run of characters? */
bool instance_type_pattern_match(const char *pattern, const char *name);

/** Capacity units one instance of `t` gives under `ct`: 1, its vCPUs or its MiB. */
int64_t capacity_weight(const struct instance_type *t, enum capacity_type ct);

/**
 * Append to `out` (in catalog order, skipping types already there) the catalog's types that
 * meet `r`, weighted by `ct`, each marked with the purchase options its price protection
 * allows (mixed_override.no_on_demand / no_spot). Prices are the catalog's (On-Demand and
 * its Spot column), per unit of `ct` for vcpu and memory-mib.
 * \return the number of types that met the attributes (before price protection).
 */
size_t instance_requirements_resolve(const struct instance_requirements *r,
                                     const struct catalog *cat, enum capacity_type ct,
                                     struct mixed_policy *out);

#endif /* ASGSIM_INSTANCE_REQUIREMENTS_H */
