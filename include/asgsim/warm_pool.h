/*
 * warm_pool.h - warm pool configuration (AWS::AutoScaling::WarmPool) and its size rule.
 *
 * Size (API_PutWarmPool, ec2-auto-scaling-metrics.html WarmPoolDesiredCapacity):
 *   (MaxGroupPreparedCapacity when set, else the group's MaxSize) - DesiredCapacity,
 *   never below the pool's MinSize (and never below 0).
 */
#ifndef ASGSIM_WARM_POOL_H
#define ASGSIM_WARM_POOL_H

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

/** The number of instances the pool should hold for a group of `max_size` at `desired`. */
int64_t warm_pool_target(const struct warm_pool_config *wp, int64_t max_size, int64_t desired);

#endif /* ASGSIM_WARM_POOL_H */
