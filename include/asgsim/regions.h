/*
 * regions.h - the AWS Regions asgsim knows and the Availability Zone names of each, for
 * `--region`, the scenario's `Region:` setting and Fn::GetAZs. A fixed table: real AZ
 * letters vary per account in the oldest Regions, so asgsim picks one common set.
 */
#ifndef ASGSIM_REGIONS_H
#define ASGSIM_REGIONS_H

#include <stddef.h>

/* The default Region, and the only one whose prices the instance catalog holds. */
#define REGION_DEFAULT "us-east-1"

/**
 * The AZ names of `region` ("us-east-1a", ...), in letter order; the array and strings are
 * static. \return the array with *nr set, or NULL (*nr = 0) for a Region not in the table.
 * Its signature matches struct cfn_options.get_azs.
 */
const char *const *region_azs(const char *region, size_t *nr);

/** The known Region names (static), for choices and did-you-mean; *nr set. */
const char *const *region_names(size_t *nr);

#endif /* ASGSIM_REGIONS_H */
