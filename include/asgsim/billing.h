/*
 * billing.h - the EC2 usage meter of one instance, its EBS storage, and the account-level
 * ledger that applies Reserved Instances and Savings Plans hour by hour.
 *
 * Granularity (aws-behaviour.md §9.1):
 * - per second with a 60-second minimum for each start, for Linux On-Demand, Spot and
 *   Reserved instances (aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-
 *   per-second-billing; ec2-instance-lifecycle.html: every start begins a new billing period
 *   with a 1-minute minimum). A started second is billed.
 * - whole started hours, with a 1-hour minimum each time the instance enters running
 *   (repost.aws/knowledge-center/ec2-instance-hour-billing; SUSE and older commercial images).
 *
 * Spot (billing-for-interrupted-spot-instances.html, §9.2): the meter bills at the Spot
 * price. A period ended by an EC2 interruption is free when it lasted less than one hour;
 * after the first hour per-second billing charges the seconds used and hourly billing the
 * full hours used, without the interrupted partial hour. A period the user ends is billed
 * like any other.
 *
 * Storage: EBS volumes are billed in every state until the instance is terminated, pro rata
 * by the second (billed by the GiB-month: repost.aws/knowledge-center/ebs-volume-charges,
 * where "in a 31-day month" one GiB-month is 744 GiB-hours, i.e. the month's real length).
 * The caller gives the number of hours in the month (billing_month_hours()). asgsim does
 * not model a minimum charge for EBS.
 *
 * The meter is updated on state changes only, never by periodic events.
 */
#ifndef ASGSIM_BILLING_H
#define ASGSIM_BILLING_H

#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BILLING_MIN_PERIOD_US SIM_SEC(60)
#define BILLING_HOUR_US       SIM_HOUR(1)

enum billing_granularity {
    BILLING_PER_SECOND, /* 60 s minimum per start, then per second (the default) */
    BILLING_HOURLY,     /* whole started hours, 1 h minimum per start */
};

enum billing_market {
    BILLING_ON_DEMAND, /* the default */
    BILLING_SPOT,
};

/** Who ended a billing period: it decides the charge of an interrupted Spot period. */
enum billing_end {
    BILLING_END_USER,         /* stop/terminate by the user or the Auto Scaling group */
    BILLING_END_INTERRUPTION, /* EC2 interrupted a Spot instance */
};

struct billing_ledger;
struct billing_total;

struct billing_meter {
    double usd_per_hour; /* rate of the current / last period */
    bool running;        /* a billing period is open */
    sim_time period_start;
    int64_t closed_s;  /* billed seconds of closed periods */
    double closed_usd; /* cost of closed periods */

    /* Zero-initialised: per-second On-Demand, no storage, no ledger (the first slice). */
    enum billing_granularity granularity;
    enum billing_market market;
    double ebs_usd_per_hour; /* storage rate while `storing` */
    bool storing;            /* EBS volumes exist */
    sim_time storage_start;
    double closed_storage_usd;
    struct billing_ledger *ledger;   /* borrowed; receives On-Demand usage; NULL: none */
    const char *type;                /* borrowed instance type name, the ledger's key */
    struct billing_total *total;     /* borrowed; sums this meter with others; NULL: none */
    size_t total_slot, storage_slot; /* where `total` keeps its open periods (O(1) close) */
};

/*
 * The usage and storage cost of many meters (a group's), kept up to date as they start
 * and stop so that the sum at any time costs O(rates) instead of O(meters): one sample
 * of a 100-instance group's cost was 100 meter evaluations. Open periods are kept per
 * class (market, granularity and rate) as integer sums of their start seconds; the billed
 * seconds of a class are then exact integers (the same per-meter rules), and a class costs
 * seconds x rate / 3600 once. The result differs from adding the meters one by one only
 * by rounding: a few ulps per meter, e.g. at most 1.2e-14 relative for 100 meters.
 */
struct billing_total {
    double closed_usd[2];      /* closed usage periods, by enum billing_market */
    double closed_storage_usd; /* closed storage periods */

    struct billing_class {
        bool storage; /* EBS storage periods (no minimum) rather than usage periods */
        enum billing_market market;
        enum billing_granularity granularity;
        double usd_per_hour;
        sim_time *starts; /* start of every open period of the class */
        size_t nr, alloc;
        size_t **slots;        /* slots[i]: the meter's field that holds i (moves with it) */
        sim_time latest_start; /* the latest start of an open period, or later (a bound) */
        int64_t sum_start_s;   /* sum of floor(start / 1 s) over the open periods */
    } * classes;

    size_t nr_classes, alloc_classes;
};

/** Make `m` (not running, not storing) add its periods to `total` (borrowed). */
void billing_attach_total(struct billing_meter *m, struct billing_total *total);

/**
 * Usage cost so far of every meter attached to `t`, by market, and their storage cost,
 * open periods counted as if the user closed them at `now`. Any pointer may be NULL.
 */
void billing_total_cost(const struct billing_total *t, sim_time now, double *on_demand_usd,
                        double *spot_usd, double *storage_usd);

void billing_total_release(struct billing_total *t);

/** Set how later periods are billed. Call before billing_start(); a running meter asserts. */
void billing_set_policy(struct billing_meter *m, enum billing_granularity g,
                        enum billing_market market);

/**
 * Send the meter's On-Demand usage to `ledger` (borrowed, must outlive the meter) under
 * instance type `type` (borrowed) so Reserved Instances and Savings Plans can apply to it.
 */
void billing_attach_ledger(struct billing_meter *m, struct billing_ledger *ledger,
                           const char *type);

/** Open a billing period at `now` at `usd_per_hour`. The meter must not be running. */
void billing_start(struct billing_meter *m, sim_time now, double usd_per_hour);

/** Close the open period at `now`, ended by the user (billing_stop_by(..., USER)). */
void billing_stop(struct billing_meter *m, sim_time now);

/**
 * Close the open period at `now`, applying the granularity's minimum and, for a Spot meter
 * ended by BILLING_END_INTERRUPTION, the interruption rule above. No-op when not running.
 */
void billing_stop_by(struct billing_meter *m, sim_time now, enum billing_end end);

/** Billed usage seconds so far, counting an open period as if the user closed it at `now`. */
int64_t billing_seconds(const struct billing_meter *m, sim_time now);

/** Usage cost in USD so far (no storage), an open period counted as closed at `now`. */
double billing_cost_usd(const struct billing_meter *m, sim_time now);

/** Billed seconds of one per-second period that lasted `duration` (60 s minimum). */
int64_t billing_period_seconds(sim_time duration);

/**
 * Billed seconds of one period that lasted `duration` under `g`, in `market`, ended by
 * `end`. Hourly periods bill multiples of 3600 s.
 */
int64_t billing_period_seconds_ex(sim_time duration, enum billing_granularity g,
                                  enum billing_market market, enum billing_end end);

/**
 * Time from `now` to the start of the running period's next billing hour (hours counted
 * from the start of the period), in (0, 1 h]; -1 when the meter is not running. The
 * ClosestToNextInstanceHour termination policy picks the smallest.
 */
sim_time billing_until_next_hour(const struct billing_meter *m, sim_time now);

/**
 * Start billing EBS storage of `gib` GiB at `usd_per_gib_month` in a month of `month_hours`
 * hours. Storage must not be running already.
 */
void billing_storage_start(struct billing_meter *m, sim_time now, double gib,
                           double usd_per_gib_month, double month_hours);

/**
 * Start billing storage again at `now` at the rate set before (ebs_usd_per_hour): EC2
 * creates an instance's volumes at launch with the rate it set up beforehand.
 */
void billing_storage_resume(struct billing_meter *m, sim_time now);

/** Stop billing storage at `now` (volumes deleted). No-op when not storing. */
void billing_storage_stop(struct billing_meter *m, sim_time now);

/** Storage cost in USD so far, pro rata by started second. */
double billing_storage_usd(const struct billing_meter *m, sim_time now);

/** Hours in the UTC calendar month that contains `epoch_s` (672, 696, 720 or 744). */
double billing_month_hours(int64_t epoch_s);

/* ---- Reserved Instances and Savings Plans ------------------------------------------------ */

/** Reserved Instances of one type: each covers up to 3600 s of usage per clock-hour. */
struct billing_ri {
    const char *type;    /* instance type, borrowed */
    int64_t count;       /* reserved instances */
    double usd_per_hour; /* fee per reserved instance per hour, paid used or not */
};

/** The account's discounts; zeroed = none. */
struct billing_discounts {
    const struct billing_ri *ris; /* borrowed */
    size_t nr_ris;
    double sp_commit_usd_per_hour; /* Savings Plan commitment, paid every hour; 0 = none */
    double sp_discount;            /* Savings Plan rate = On-Demand rate x (1 - discount) */
};

/** One invoice for On-Demand usage after discounts. */
struct billing_invoice {
    double on_demand_usd;     /* usage left at On-Demand rates */
    double ri_usd;            /* RI fees */
    double sp_usd;            /* Savings Plan commitments */
    sim_time ri_covered;      /* usage covered by RIs, microseconds */
    double sp_covered_od_usd; /* On-Demand value of the usage the Savings Plan covered */
    double undiscounted_usd;  /* all recorded usage at On-Demand rates */
    double total_usd;         /* on_demand_usd + ri_usd + sp_usd */
};

/**
 * On-Demand usage per UTC clock-hour and instance type, priced hour by hour. A closed
 * period's billed seconds are laid out from the start of the period (so a 60-second minimum
 * or a whole started hour falls where the period began, and may reach past its end). Clock
 * hours are UTC: time 0 is `start_epoch_s`.
 *
 * Memory stays bounded by the types in use, not by the run's length: running instances are
 * counted per (type, rate) and their usage integrated into the current clock-hours as time
 * passes; an hour no later period can reach (two clock-hours back) is priced at once and
 * only its sums are kept. Time must not go backwards across calls that take `now`.
 */
struct billing_ledger {
    int64_t origin_offset_s;              /* start_epoch_s modulo 3600 */
    const struct billing_discounts *disc; /* borrowed; never NULL (zeroed = none) */
    sim_time integrated_to;               /* running usage is recorded up to here */
    int64_t settled_hours;                /* clock-hours [0, this) are priced into `settled` */

    struct billing_invoice_sums {
        double on_demand_usd, sp_covered_od_usd, undiscounted_usd;
        sim_time ri_covered;
    } settled;

    struct billing_open_class {
        const char *type;    /* borrowed */
        double usd_per_hour; /* On-Demand rate */
        int64_t running;     /* instances of this type at this rate running now */
    } * open;

    size_t nr_open, alloc_open;

    struct billing_usage {
        int64_t hour;        /* clock-hour index since time 0's hour */
        const char *type;    /* borrowed */
        double usd_per_hour; /* On-Demand rate */
        sim_time usage;      /* microseconds of billed usage in this hour (may be < 0 for a
                                moment: a period billed shorter than it ran) */
    } * items;               /* the hours not yet priced */

    size_t nr, alloc;
};

/**
 * Set up an empty ledger for a run whose time 0 is `start_epoch_s` (UTC), priced with
 * `disc` (borrowed, must outlive the ledger; NULL: no discounts).
 */
void billing_ledger_init(struct billing_ledger *l, int64_t start_epoch_s,
                         const struct billing_discounts *disc);

/** An On-Demand instance of `type` (borrowed) at `usd_per_hour` starts running at `now`. */
void billing_ledger_open(struct billing_ledger *l, const char *type, double usd_per_hour,
                         sim_time now);

/**
 * It stops at `now`: its period began at `start` and is billed `seconds`, laid out from
 * `start` (the part past `now` is recorded now; a period billed shorter than it ran gives
 * the difference back).
 */
void billing_ledger_close(struct billing_ledger *l, const char *type, double usd_per_hour,
                          sim_time start, sim_time now, int64_t seconds);

/**
 * Record a still-open period of `m` as if the user closed it at `now`. For the end of a
 * run only: nothing may be recorded after it.
 */
void billing_ledger_add_open(struct billing_ledger *l, const struct billing_meter *m, sim_time now);

/**
 * Price the recorded usage over the clock hours that meet [0, end) (end >= the latest `now`
 * recorded): per hour, RIs cover up to count x 3600 s of their type; the Savings Plan then
 * covers the rest (RIs apply first: savingsplans/latest/userguide/sp-applying.html), up to
 * the commitment in discounted dollars; what is left is billed On-Demand. RI fees and
 * commitments are paid for the run's time [0, end): the first and last clock-hour count
 * only their share of the run, and so does their coverage (a 2-hour run from 00:30 pays 2
 * hours of fee, not 3). Instances still running count up to `end`.
 */
void billing_ledger_invoice(const struct billing_ledger *l, sim_time end,
                            struct billing_invoice *out);

void billing_ledger_release(struct billing_ledger *l);

#endif /* ASGSIM_BILLING_H */
