/*
 * group_int.h - the group core's internals (models/group.c) that the group's sub-models
 * call: state changes, launches, terminations and reconciliation. A sub-model changes the
 * group only through these; it reads the instance record's core fields (id, ec2_id, state,
 * az, type, market, weight, launch and InService times) and never another sub-model's
 * state. Private to models/.
 */
#ifndef ASGSIM_GROUP_INT_H
#define ASGSIM_GROUP_INT_H

#include "asgsim/asg.h"

#include <stdbool.h>

/** A member of the warm pool (not on its way out). */
static inline bool group__in_pool(enum lifecycle_state s)
{
    return s >= LIFECYCLE_WARMED_PENDING && s <= LIFECYCLE_WARMED_HIBERNATED;
}

/** Pending + InService capacity in units (WeightedCapacity). */
int64_t group__capacity(const struct asg_group *g);

/** Cancel *id if set and zero it. */
void group__cancel(struct asg_group *g, sim_event_id *id);

/** Move `inst` to `to`, count it and tell the observer. */
void group__set_state(struct asg_group *g, struct instance *inst, enum lifecycle_state to,
                      const char *cause);

/**
 * Start terminating `inst` (terminate hooks, then EC2); `end` says how its usage ends. The
 * instance may be freed before this returns only if EC2 terminates it at once (never
 * today: terminated comes from an event).
 */
void group__terminate_by(struct asg_group *g, struct instance *inst, const char *cause,
                         enum billing_end end);

/** group__terminate_by() for the group's own reasons (BILLING_END_USER). */
void group__terminate(struct asg_group *g, struct instance *inst, const char *cause);

/**
 * Terminate `inst` for a reason of the group's own and launch its replacement at once;
 * `activity_cause` (owned) becomes the termination's activity cause.
 */
void group__replace(struct asg_group *g, struct instance *inst, const char *event_cause,
                    char *activity_cause);

/**
 * Launch or terminate until capacity is desired. `cause_head` (may be NULL) starts each
 * activity's cause; `from` is the capacity the activities name as before.
 */
void group__reconcile(struct asg_group *g, const char *cause_head, int64_t from);

/**
 * The lifecycle hooks of `inst`'s Wait state ended with `r` (lifecycle.c counted it);
 * `cause` names the result. Moves the instance on: Proceed, InService, into the warm pool,
 * or terminated and replaced after a launch ABANDON.
 */
void group__hook_done(struct asg_group *g, struct instance *inst, enum hook_result r,
                      const char *cause);

/** Count `inst` in (sign +1) or out of (-1) the group's capacity: per AZ, units, market. */
void group__add_capacity(struct asg_group *g, struct instance *inst, int sign);

/**
 * Launch a new instance into the group (Pending), or into the warm pool (Warmed:Pending),
 * with `cause` (owned; NULL for the pool) as its activity's cause. NULL when no AZ can
 * place it: nothing launched, a Failed activity.
 */
struct instance *group__launch(struct asg_group *g, char *cause, bool into_pool);

/** The cause of a launch for capacity from `from` to `to` (owned); `head` may be NULL. */
char *group__launch_cause(const struct asg_group *g, const char *head, int64_t from, int64_t to,
                          bool into_pool);

/** The instance has booted and EC2 runs it: launch hooks, the pool or InService. */
void group__boot_complete(struct sim_engine *eng, struct instance *inst);

/**
 * The ready pool instance `inst` joins the group as Pending with `cause` (owned) as its
 * launch activity's cause; EC2 starts it unless it was running. false when EC2 refuses
 * (then it is terminated).
 */
bool group__warm_start(struct asg_group *g, struct instance *inst, char *cause);

/**
 * Count `inst` out of state `from` and into `to` (-1: none, at launch) in the group's
 * census (group_census.c). Called on every state change.
 */
void group__census_move(struct asg_group *g, struct instance *inst, int from, int to);

/** Free the census. */
void group__census_release(struct asg_group *g);

#endif /* ASGSIM_GROUP_INT_H */
