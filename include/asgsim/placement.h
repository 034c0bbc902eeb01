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

#include <stdbool.h>
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

/** An instance's place in the group's placement group; only placement.c changes it. */
struct instance_placement {
    int partition; /* 0-based partition; -1: none */
    bool placed;   /* counted by the placement group (running there) */
};

/** The 0-based partition an instance was placed in (kept after release); -1: none. */
int placement_instance_partition(const struct instance_placement *ip);

/** A new instance's record: in no partition, not counted. */
void placement_instance_init(struct instance_placement *ip);

/**
 * Place an instance into `az` (placement_place()) and record where.
 * \return 0, or -1 with *error set (ip not counted).
 */
int placement_place_instance(struct placement_state *s, size_t az, const char *instance_type,
                             struct instance_placement *ip, const char **error);

/** The instance no longer runs there (terminated, or its partition failed); idempotent. */
void placement_release_instance(struct placement_state *s, size_t az,
                                struct instance_placement *ip);

#endif /* ASGSIM_PLACEMENT_H */
