/*
 * warm_pool.h - warm pool configuration (AWS::AutoScaling::WarmPool) and its size rule.
 *
 * Size (API_PutWarmPool, ec2-auto-scaling-metrics.html WarmPoolDesiredCapacity):
 *   (MaxGroupPreparedCapacity when set, else the group's MaxSize) - DesiredCapacity,
 *   never below the pool's MinSize (and never below 0).
 *
 * At run time (models/warm_pool.c, ec2-auto-scaling-warm-pools.html; needs EC2's state
 * machine, so asg_market_opts.ec2 must be set): the group keeps warm_pool_target() instances
 * launched beside it, Warmed:Pending while they boot, then Warmed:Stopped / Warmed:Running /
 * Warmed:Hibernated by PoolState (EC2 bills usage only while running; EBS always).
 * Scale-out draws ready pool instances first (EC2 Start or Resume, nothing for Running,
 * then launch hooks), then launches cold. With ReuseOnScaleIn an InService victim goes
 * back to the pool instead of terminating. The pool is refilled (or trimmed, newest first)
 * after every change of capacity. Launch hooks pause an instance entering the pool at
 * Warmed:Pending:Wait and again at Pending:Wait when it leaves; an instance returned by
 * ReuseOnScaleIn pauses at Warmed:Pending:Wait under the terminate hooks
 * (warm-pool-instance-lifecycle.html). Pool instances leave through Warmed:Terminating
 * (Warmed:Terminating:Wait and :Proceed with terminate hooks) to Warmed:Terminated. Ready
 * pool instances fail their health checks as health.h says.
 *
 * Ownership: struct warm_pool_run lives in struct asg_group (g->warm_pool); only
 * models/warm_pool.c writes it (run.c reads the counters for its output). Pool instances are
 * told apart by their lifecycle state; when one left the pool is the instance record's
 * left_pool_at (the core's, beside launched_at and in_service_at).
 */
#ifndef ASGSIM_WARM_POOL_H
#define ASGSIM_WARM_POOL_H

#include "asgsim/warm_pool_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asg_group;
struct instance;


/** The number of instances the pool should hold for a group of `max_size` at `desired`. */
int64_t warm_pool_target(const struct warm_pool_config *wp, int64_t max_size, int64_t desired);

/** The warm pool's run time state in a group. */
struct warm_pool_run {
    uint64_t nr_warm_starts;      /* instances drawn from the warm pool */
    uint64_t nr_returned_to_pool; /* InService instances returned by ReuseOnScaleIn */
};

/** The AZ of the next launch into the pool: the one with the fewest pool instances. */
size_t warm_pool_pick_az(const struct asg_group *g);

/** A pool instance is initialised (after its hooks): stop, hibernate or keep it running. */
void warm_pool_ready(struct asg_group *g, struct instance *inst);

/**
 * Scale-out from the pool: a ready instance joins the group for a launch from `from` to
 * `to` (`cause_head` may be NULL). false when none is ready or EC2 refused to start it.
 */
bool warm_pool_draw(struct asg_group *g, const char *cause_head, int64_t from, int64_t to);

/** ReuseOnScaleIn: the InService victim `inst` goes back to the pool. */
void warm_pool_return(struct asg_group *g, struct instance *inst);

/** Keep the pool at warm_pool_target(): launch into it or trim it, newest first. */
void warm_pool_refill(struct asg_group *g);

#endif /* ASGSIM_WARM_POOL_H */
