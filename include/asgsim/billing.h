/*
 * billing.h - the EC2 usage meter of one instance.
 *
 * Per-second billing with a 60-second minimum for each start, for Linux On-Demand, Spot
 * and Reserved instances (aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-
 * per-second-billing; ec2-instance-lifecycle.html: every start begins a new billing period
 * with a 1-minute minimum). Usage is counted in whole seconds: a started second is billed.
 * The meter is updated on state changes only, never by periodic events.
 */
#ifndef ASGSIM_BILLING_H
#define ASGSIM_BILLING_H

#include "asgsim/sim.h"

#include <stdbool.h>

#define BILLING_MIN_PERIOD_US SIM_SEC(60)

struct billing_meter {
    double usd_per_hour; /* rate of the current / last period */
    bool running;        /* a billing period is open */
    sim_time period_start;
    int64_t closed_s;  /* billed seconds of closed periods */
    double closed_usd; /* cost of closed periods */
};

/** Open a billing period at `now` at `usd_per_hour`. The meter must not be running. */
void billing_start(struct billing_meter *m, sim_time now, double usd_per_hour);

/** Close the open period at `now`, billing at least 60 s for it. No-op when not running. */
void billing_stop(struct billing_meter *m, sim_time now);

/** Billed seconds so far, counting an open period as if it were closed at `now`. */
int64_t billing_seconds(const struct billing_meter *m, sim_time now);

/** Cost in USD so far, counting an open period as if it were closed at `now`. */
double billing_cost_usd(const struct billing_meter *m, sim_time now);

/** Billed seconds of one period that lasted `duration` (ceil to seconds, 60 s minimum). */
int64_t billing_period_seconds(sim_time duration);

#endif /* ASGSIM_BILLING_H */
