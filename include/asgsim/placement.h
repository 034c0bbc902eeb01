/*
 * placement.h - EC2 placement groups (AWS::EC2::PlacementGroup) as seen by launches.
 *
 * Facts (AWSEC2/latest/UserGuide/placement-groups.html):
 *  - cluster: one Availability Zone only; burstable (T) types are not supported.
 *  - partition: at most 7 partitions per AZ; EC2 spreads instances evenly over them.
 *  - spread (rack level): at most 7 running instances per AZ per group; an 8th fails.
 * Launch errors use AWS's wording so they read like the activity AWS would record.
 */
#ifndef ASGSIM_PLACEMENT_H
#define ASGSIM_PLACEMENT_H

#include "asgsim/placement_config.h"

#include <stddef.h>

/** Running instances per AZ and partition, for one placement group. */
struct placement_state {
    const struct placement_config *cfg;
    size_t nr_azs;
    size_t *count; /* nr_azs x partitions (1 column unless partition) */
};

void placement_init(struct placement_state *s, const struct placement_config *cfg, size_t nr_azs);
void placement_release(struct placement_state *s);

/**
 * Place a new instance of `instance_type` in `az`. \return 0 and *partition (0-based; 0
 * for cluster and spread), or -1 with *error pointing at a static message in AWS's words
 * (the launch fails; the caller may try another AZ).
 */
int placement_place(struct placement_state *s, size_t az, const char *instance_type, int *partition,
                    const char **error);

/** An instance placed at (az, partition) stopped running. */
void placement_remove(struct placement_state *s, size_t az, int partition);

/** Running instances in one partition of an AZ (for the partition-failure fault). */
size_t placement_count(const struct placement_state *s, size_t az, int partition);

#endif /* ASGSIM_PLACEMENT_H */
