/*
 * rebalance.h - AZ rebalancing, EC2 capacity outages and the retries of failed launches
 * (models/rebalance.c).
 *
 * Insufficient capacity in an AZ (Faults) fails launches there; like a placement refusal,
 * the launch is tried in the other AZs ("balanced-best-effort", auto-scaling-benefits.html).
 * When the outage ends the group retries at once and rebalances: it launches into the
 * AZs with the fewest instances first and lets one instance of the fullest AZ go as each
 * is InService, exceeding MaxSize by at most 10 % or one instance, whichever is greater.
 *
 * A launch that no AZ can take (the placement group or EC2's capacity) fails (a "Failed"
 * activity with EC2's message) and is retried after LaunchRetryInterval, doubling to at most
 * an hour while it keeps failing (AWS retries but documents no interval).
 *
 * A launch a lifecycle hook abandons is replaced at once the first time; each further
 * abandoned launch before any launch reaches InService makes the group wait
 * LaunchRetryInterval, doubling to at most an hour (at least LaunchRetryInterval), before it
 * launches again, so that a hook that always abandons cannot loop in zero simulated time
 * (asgsim's rule: AWS documents neither the loop nor a pause).
 *
 * Ownership: struct rebalance_state lives in struct asg_group (g->rebalance), struct
 * instance_rebalance in struct instance (inst->rebalance); only models/rebalance.c writes
 * them (run.c reads the counters for its output).
 */
#ifndef ASGSIM_REBALANCE_H
#define ASGSIM_REBALANCE_H

#include "asgsim/health.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asg_group;
struct instance;

/** The group's rebalancing, outages and retries. */
struct rebalance_state {
    sim_event_id retry_timer; /* the next retry of a failed launch, 0 when none */
    sim_time retry_after;     /* the next retry's delay (doubles while launches fail) */
    sim_event_id outage_timer[HEALTH_MAX_CAPACITY_OUTAGES]; /* each outage's end */
    uint64_t nr_launch_retries;                             /* retries that ran */
    int64_t rebalance_units; /* rebalancing launches not yet InService (capacity units) */
    char *rebalance_cause;   /* AWS's sentence for the current rebalancing, or NULL */
    uint64_t nr_rebalance_launches;
    char launch_error[256];     /* EC2's message for the last launch an outage refused */
    uint32_t abandoned_in_row;  /* launches abandoned since the last one that went InService */
    sim_event_id backoff_timer; /* the delayed relaunch after abandoned launches, 0 when none */
};

/** One instance's part in rebalancing. */
struct instance_rebalance {
    bool rebalancing; /* launched by AZ rebalancing; a victim goes once it is InService */
};

/** Schedule the end of every capacity outage of g->faults (copied already). */
void rebalance_init(struct asg_group *g);

/** Faults: EC2 has no capacity in `az` now for `type`; *error then says so in EC2's words. */
bool rebalance_out_of_capacity(struct asg_group *g, size_t az, const char *type,
                               const char **error);

/** A launch failed: retry after the current retry interval (doubling while it fails). */
void rebalance_schedule_retry(struct asg_group *g);

/**
 * A launch hook abandoned a launch (into the group or the warm pool). \return true when
 * the group must wait before it launches again: the back-off timer then reconciles the
 * group (and refills the pool); false when the replacement is launched at once (the first
 * abandoned launch since the last success).
 */
bool rebalance_launch_abandoned(struct asg_group *g);

/** A launch reached InService: the next abandoned launch is replaced at once again. */
void rebalance_launch_succeeded(struct asg_group *g);

/** Whether the group waits after abandoned launches: it launches nothing until then. */
bool rebalance_backing_off(const struct asg_group *g);

/**
 * `inst` is InService: if rebalancing launched it, one instance of the fullest AZ may go now
 * (may terminate `inst`: the caller must not use it afterwards), then the next round.
 */
void rebalance_in_service(struct asg_group *g, struct instance *inst);

/** A rebalancing launch is InService or gone: it no longer holds a victim back. */
void rebalance_leave(struct asg_group *g, struct instance *inst);

/** Rebalancing launches not yet InService, in capacity units: the group may exceed desired. */
int64_t rebalance_pending_units(const struct asg_group *g);

/** Cancel the retry, the back-off and the outages' ends. */
void rebalance_cancel_group(struct asg_group *g);

/** Free the rebalancing cause. */
void rebalance_release(struct asg_group *g);

#endif /* ASGSIM_REBALANCE_H */
