/*
 * catalog.h - EC2 instance types: size and price. The shipped catalog is a data file
 * (models/instance_types.tsv, compiled into the binary); a scenario may add or override types.
 */
#ifndef ASGSIM_CATALOG_H
#define ASGSIM_CATALOG_H

#include "asgsim/diag.h"

#include <stddef.h>

struct instance_type {
    char *name;                    /* "m5.large" */
    int vcpus;                     /* vCPUs */
    double memory_gib;             /* GiB */
    double on_demand_usd_per_hour; /* Linux On-Demand, us-east-1 */
    double spot_usd_per_hour;      /* a typical Spot price, us-east-1 */
};

struct catalog {
    struct instance_type *items;
    size_t nr, alloc;
};

/**
 * Parse a catalog from TSV text (header line, then name, vcpus, memory_gib,
 * on_demand_usd_per_hour, spot_usd_per_hour; '#' comments). `file` names the source in
 * errors. \return 0, or ASG_EFORMAT with diagnostics.
 */
int catalog_parse(struct catalog *c, const char *file, const char *text, struct diag_list *d);

/** Load the catalog shipped with asgsim. Aborts if the embedded data is broken (a bug). */
void catalog_load_builtin(struct catalog *c);

/** The type named `name`, or NULL. */
const struct instance_type *catalog_find(const struct catalog *c, const char *name);

/** Add `t` (copied) or replace the type of the same name. */
void catalog_put(struct catalog *c, const struct instance_type *t);

/**
 * The type name closest to `name` (diag_closest: edit distance), for "did you mean" after
 * catalog_find() failed; NULL when none is close. The string is borrowed from `c`.
 */
const char *catalog_closest(const struct catalog *c, const char *name);

/**
 * The median Spot/On-Demand price ratio over the types of `c` that have both prices, or 0
 * when none has. A type added without a Spot price gets its On-Demand price times this ratio
 * of the shipped catalog (asgsim's rule: AWS publishes no Spot price for a type it does not
 * list, and a Spot price of 0 would make the type win every lowest-price choice).
 */
double catalog_spot_ratio(const struct catalog *c);

void catalog_release(struct catalog *c);

#endif /* ASGSIM_CATALOG_H */
