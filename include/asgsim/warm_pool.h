/*
 * warm_pool.h - warm pool configuration (AWS::AutoScaling::WarmPool) and its size rule.
 *
 * Size (API_PutWarmPool, ec2-auto-scaling-metrics.html WarmPoolDesiredCapacity):
 *   (MaxGroupPreparedCapacity when set, else the group's MaxSize) - DesiredCapacity,
 *   never below the pool's MinSize (and never below 0).
 */
#ifndef ASGSIM_WARM_POOL_H
#define ASGSIM_WARM_POOL_H

#include "asgsim/warm_pool_config.h"

#include <stdint.h>

/** The number of instances the pool should hold for a group of `max_size` at `desired`. */
int64_t warm_pool_target(const struct warm_pool_config *wp, int64_t max_size, int64_t desired);

#endif /* ASGSIM_WARM_POOL_H */
