/*
 * spot.h - Spot and the MixedInstancesPolicy at run time: which market, type and weight each
 * launch gets, and EC2's Spot interruptions of the group's instances (models/spot.c).
 *
 * Markets (ec2-auto-scaling-mixed-instances-groups.html): the On-Demand base first, then
 * the percentage above it, rounded up for On-Demand; Spot capacity is placed by the
 * allocation strategy (market.h). Interruptions (spot-interruptions.html): EC2 sends a
 * rebalance recommendation, then the two-minute interruption notice, then interrupts; the
 * times are drawn from the scenario's rates (stream "spot-interruptions"). Capacity
 * Rebalancing is not modelled: the group only records the recommendation. An interrupted
 * instance does not wait for terminate hooks (lifecycle-hooks.html: "there is only a
 * 2-minute notice"), and asgsim replaces its capacity at once, without waiting for a
 * health check (asgsim's rule; AWS does not say when).
 *
 * Ownership: struct spot_state lives in struct asg_group (g->spot), struct instance_spot in
 * struct instance (inst->spot); only models/spot.c touches them (run.c reads the counters
 * and `interrupted` for its output).
 */
#ifndef ASGSIM_SPOT_H
#define ASGSIM_SPOT_H

#include "asgsim/sim.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asg_group;
struct instance;

/** The group's Spot state. */
struct spot_state {
    gsl_rng *rng;                          /* "spot-interruptions"; NULL until set */
    uint64_t nr_rebalance_recommendations; /* signals sent */
    uint64_t nr_interruption_notices;      /* signals sent */
    uint64_t nr_interruptions;             /* instances interrupted */
};

/** One instance's Spot interruption plan. */
struct instance_spot {
    sim_event_id timer;       /* next Spot signal or the interruption, 0 when none */
    sim_time notice_at;       /* interruption notice time, -1 when none is coming */
    sim_time interruption_at; /* EC2 interrupts it at this time, -1 when never */
    bool interrupted;         /* terminated by a Spot interruption */
};

/**
 * Set inst->market, inst->type and inst->weight for a launch into `az`: On-Demand of the
 * group's type without a MixedInstancesPolicy, else the policy's choice.
 */
void spot_choose_market(struct asg_group *g, size_t az, struct instance *inst);

/** Draw when EC2 interrupts the new instance `inst` (Spot only) and plan its signals. */
void spot_plan_interruption(struct asg_group *g, struct instance *inst);

/** Cancel the instance's pending Spot signal, before it terminates or is freed. */
void spot_cancel(struct asg_group *g, struct instance *inst);

#endif /* ASGSIM_SPOT_H */
