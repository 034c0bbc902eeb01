/*
 * warm_pool_config.h - a group's warm pool (AWS::AutoScaling::WarmPool), plain data.
 */
#ifndef ASGSIM_WARM_POOL_CONFIG_H
#define ASGSIM_WARM_POOL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

enum warm_pool_state { WARM_POOL_STOPPED, WARM_POOL_RUNNING, WARM_POOL_HIBERNATED };

/** "Stopped", "Running", "Hibernated" (PoolState values). */
extern const char *const warm_pool_state_names[3];

struct warm_pool_config {
    int64_t min_size;                    /* MinSize, default 0 */
    int64_t max_group_prepared_capacity; /* MaxGroupPreparedCapacity, -1 when not set */
    enum warm_pool_state pool_state;     /* PoolState, default Stopped */
    bool reuse_on_scale_in;              /* InstanceReusePolicy.ReuseOnScaleIn, default false */
};

#endif /* ASGSIM_WARM_POOL_CONFIG_H */
