/*
 * placement_config.h - a group's placement group (AWS::EC2::PlacementGroup), plain data.
 */
#ifndef ASGSIM_PLACEMENT_CONFIG_H
#define ASGSIM_PLACEMENT_CONFIG_H

#define PLACEMENT_MAX_PARTITIONS    7
#define PLACEMENT_SPREAD_MAX_PER_AZ 7

enum placement_strategy { PLACEMENT_CLUSTER, PLACEMENT_PARTITION, PLACEMENT_SPREAD };

/** "cluster", "partition", "spread" (the Strategy values). */
extern const char *const placement_strategy_names[3];

struct placement_config {
    enum placement_strategy strategy;
    int partition_count; /* partition: 1..7 */
};

#endif /* ASGSIM_PLACEMENT_CONFIG_H */
