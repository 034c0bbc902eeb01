/*
 * asg.h - an Auto Scaling group at run time: its instances, their lifecycle, and capacity
 * reconciliation (launch or terminate until the group has its desired capacity).
 *
 * Lifecycle (ec2-auto-scaling-lifecycle.html): a launched instance is Pending, becomes
 * InService when it has booted, and leaves through Terminating to Terminated. Billing
 * starts at launch ("including time when it is not yet in service") and stops when
 * termination starts (EC2 stops charging at shutting-down).
 *
 * Sub-models, each in its own file with its own state (a struct in struct asg_group, one in
 * struct instance), each with its AWS rules in its header's comment: lifecycle hooks
 * (lifecycle.h, models/lifecycle.c), Spot and markets (spot.h, models/spot.c), health and
 * health replacements (health.h, models/health.c), paced replacement batches and
 * MaxInstanceLifetime (replacement.h, models/replacement.c), the warm pool (warm_pool.h,
 * models/warm_pool.c), AZ rebalancing, capacity outages and launch retries (rebalance.h,
 * models/rebalance.c), launch template versions
 * (launch_template.h, models/launch_template.c). The group core (models/group.c) calls
 * them through their headers; they call back through models/group_int.h.
 *
 * Placement group (placement.h, models/placement.c, its per-instance record struct
 * instance_placement): every launch asks placement_place_instance(); when the AZ cannot
 * take it (spread: 7 running per AZ; cluster: no T types) the launch is tried in the other
 * AZs, fewest instances first, and when none can, the launch fails (a "Failed" activity
 * with EC2's message) and is retried after LaunchRetryInterval, doubling to at most an
 * hour while it keeps failing (AWS retries but documents no interval). A
 * partition failure stops every instance of that partition (health.h).
 *
 * New instances go to the Availability Zone with the fewest instances
 * (auto-scaling-benefits.html); ties go to the zone listed first.
 *
 * The group reports transitions, activities and finished instances through an observer,
 * so it never writes output itself.
 */
#ifndef ASGSIM_ASG_H
#define ASGSIM_ASG_H

#include "asgsim/billing.h"
#include "asgsim/catalog.h"
#include "asgsim/dist.h"
#include "asgsim/ec2.h"
#include "asgsim/group_config.h"
#include "asgsim/health.h"
#include "asgsim/launch_template.h"
#include "asgsim/lifecycle.h"
#include "asgsim/market.h"
#include "asgsim/placement.h"
#include "asgsim/rebalance.h"
#include "asgsim/replacement.h"
#include "asgsim/rng.h"
#include "asgsim/sim.h"
#include "asgsim/spot.h"
#include "asgsim/termination.h"
#include "asgsim/warm_pool.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* In lifecycle order: the states up to InService count toward capacity; the group's
   instances after InService are on the way out; the Warmed states are the warm pool's. */
enum lifecycle_state {
    LIFECYCLE_PENDING,
    LIFECYCLE_PENDING_WAIT,
    LIFECYCLE_PENDING_PROCEED,
    LIFECYCLE_IN_SERVICE,
    LIFECYCLE_TERMINATING,
    LIFECYCLE_TERMINATING_WAIT,
    LIFECYCLE_TERMINATING_PROCEED,
    LIFECYCLE_TERMINATED,
    /* In the warm pool (ec2-auto-scaling-warm-pools): not counted in capacity. */
    LIFECYCLE_WARMED_PENDING,
    LIFECYCLE_WARMED_PENDING_WAIT,
    LIFECYCLE_WARMED_PENDING_PROCEED,
    LIFECYCLE_WARMED_STOPPED,
    LIFECYCLE_WARMED_RUNNING,
    LIFECYCLE_WARMED_HIBERNATED,
    LIFECYCLE_WARMED_TERMINATING, /* leaving the pool (warm-pool-instance-lifecycle) */
    LIFECYCLE_WARMED_TERMINATING_WAIT,
    LIFECYCLE_WARMED_TERMINATING_PROCEED,
    LIFECYCLE_WARMED_TERMINATED,
    LIFECYCLE_NR
};

/** AWS's names (API_AutoScalingInstanceDetails): "Pending", "Pending:Wait", ... */
extern const char *const lifecycle_state_names[LIFECYCLE_NR];

struct asg_group;

struct instance {
    uint32_t id;     /* 1, 2, ... in launch order */
    char ec2_id[20]; /* "i-" and 17 hex digits, derived from the run's seed */
    enum lifecycle_state state;
    size_t az; /* index into the group's AZ list */
    const struct instance_type *type;
    sim_time launched_at;
    sim_time in_service_at; /* -1 until InService */
    sim_time terminated_at; /* -1 until termination starts */
    sim_event_id timer;     /* the pending lifecycle event, 0 when none */
    struct billing_meter meter;
    char *activity_cause; /* cause of the launch activity until it completes */
    struct asg_group *group;
    enum billing_market market;          /* On-Demand, or Spot through a MixedInstancesPolicy */
    int64_t weight;                      /* capacity units (WeightedCapacity); 1 without a policy */
    struct instance_spot spot;           /* Spot interruption plan (spot.c) */
    bool protected_from_scale_in;        /* inherited from NewInstancesProtectedFromScaleIn;
                                            takes effect once InService */
    bool boot_elapsed;                   /* BootTime has passed; InService once EC2 is running */
    struct ec2_instance ec2;             /* EC2's state machine; bills `meter` */
    enum billing_end terminate_end;      /* how its usage ends, once termination has started */
    struct instance_health health;       /* failures and health checks (health.c) */
    sim_time left_pool_at;               /* when it left the warm pool for the group; -1: never */
    struct instance_placement placement; /* placement.c: partition, counted or not */
    int64_t template_version;            /* launch template version it was launched from */
    struct instance_hooks hooks;         /* its lifecycle action (lifecycle.c) */
    char *terminate_cause; /* cause of its termination activity until it completes, or NULL */
    struct instance_rebalance
            rebalance; /* launched by AZ rebalancing; a victim goes once it is InService */
    struct instance_replacement replacement; /* paced batches, lifetime (replacement.c) */
    /* Launched into the group by its creation (asg_group_create()); false for every later
       launch or warm pool draw (scaling, replacements, rebalancing, retries) and for warm
       pool instances. Warm-up covers instances launched by a scaling activity; the group's
       initial instances count as ready (asgsim's rule where AWS is silent): the autoscaler
       never treats an initial instance as warming up. */
    bool initial;
    struct termination_node *scalein; /* its entry in the group's scale-in index, or NULL */
    uint64_t census_seq; /* its entry into InService in the census log (group_census.c) */
};

/** One scaling activity, in AWS's words (describe-scaling-activities). Strings borrowed. */
struct asg_activity {
    sim_time start;
    sim_time end;            /* -1 while in progress */
    const char *description; /* "Launching a new EC2 instance: i-..." */
    const char *cause;       /* "At 2024-01-01T00:00:00Z an instance was started in ..." */
    const char *status;      /* "Successful", "InProgress", ... */
    int64_t desired_before;
    int64_t desired_after;
    const char *ec2_id;
};

/** Where the group reports what happens. Every callback may be NULL. */
struct asg_observer {
    void *ctx;
    /* A new instance, now Pending. */
    void (*launched)(void *ctx, const struct instance *inst);
    void (*transition)(void *ctx, const struct instance *inst, enum lifecycle_state from,
                       enum lifecycle_state to, const char *cause);
    void (*activity)(void *ctx, const struct asg_activity *a);
    /* An instance whose record is final: terminated, or still live when the run ends. */
    void (*retired)(void *ctx, const struct instance *inst, sim_time now);
};

/** The group's instances counted as they change (models/group_census.c). */
struct census_record {
    sim_time at;   /* when it entered InService */
    int64_t units; /* its weight */
    bool alive;    /* still InService */
};

struct census_watch {
    sim_time warmup;
    uint64_t head;   /* first record not yet past this warm-up */
    int64_t warming; /* alive records from head on: InService within the warm-up */
    int64_t warming_units;
};

struct capacity_config;

/** InService instances of one type (struct group_census's types). */
struct census_type {
    const struct instance_type *type;
    double rps_per_vcpu; /* the type's rate at 100 % CPU (capacity.h) under the group's
                            capacity config (asg_group_set_capacity()); 0 without one */
    int64_t in_service;  /* its InService instances */
};

struct group_census {
    int64_t current, current_units; /* Pending and InService */
    int64_t initial, initial_units; /* of those, launched by the creation */
    int64_t in_service, in_service_units, in_service_vcpus;
    int64_t later_in_service, later_in_service_units; /* InService, not initial */
    int64_t terminating_units;                        /* Terminating, :Wait, :Proceed */
    /* Entries of later instances into InService in time order, records [first_seq, next_seq)
       from records[head_index]: what the warm-up watches need, trimmed behind them. */
    struct census_record *records;
    size_t head_index, nr_records, alloc_records;
    uint64_t first_seq, next_seq;
    bool trimmed;
    struct census_watch *watches;
    size_t nr_watches;
    /* One entry per type that has been InService, in the order each first was (an entry
       stays when its count falls to 0): a mixed group's rates, counted in integers. */
    struct census_type *types;
    size_t nr_types, alloc_types;
    const struct capacity_config *capacity; /* borrowed; NULL: rates 0 */
};

/** What a scaling policy counts of a group at a time (asg_group_census()). */
struct asg_census {
    int64_t in_service, in_service_units, in_service_vcpus; /* InService */
    int64_t reporting, reporting_units;                     /* InService and past the warm-up */
    int64_t current_units;                                  /* Pending and InService */
    int64_t ready_units;       /* of those: the initial ones, and those past warm-up */
    int64_t not_ready;         /* Pending or InService instances not ready */
    int64_t terminating_units; /* Terminating, Terminating:Wait, :Proceed */
    /* the InService instances by type, borrowed from the group until it next changes */
    const struct census_type *types;
    size_t nr_types;
};

/** Billing and market settings of a group (asg_group_set_market()); zeroed = none. */
struct asg_market_opts {
    const struct catalog *catalog;        /* types named by the mixed policy's overrides */
    const struct spot_config *spot;       /* Spot prices and interruption rates; may be NULL */
    enum billing_granularity granularity; /* per-second (default) or hourly */
    double ebs_usd_per_gib_month;         /* 0: storage not billed */
    double root_volume_gib;               /* per instance */
    double month_hours;                   /* for the GiB-month price */
    struct billing_ledger *ledger;        /* On-Demand usage for RIs / Savings Plans; may be NULL */
    /* A Spot signal from EC2, "rebalance-recommendation" or "interruption-notice"; may be
       NULL. Kept out of struct asg_observer so that its positional initialisers stay valid. */
    void (*spot_signal)(void *ctx, const struct instance *inst, const char *signal);
    void *spot_ctx;
    /*
     * Every instance runs EC2's state machine (ec2.h). Pending covers EC2 pending plus boot
     * (InService when BootTime has passed since launch and EC2 is running), usage is billed
     * from running, and Terminating lasts until EC2 reports terminated. Non-NULL: the
     * transitions take these times (stream "ec2-transitions"). NULL (no Instances: Timing
     * and no warm pool): untimed instances, running and billed from launch, terminated
     * with no delay, no draws.
     */
    const struct ec2_config *ec2;
    bool hibernation; /* the launch template has HibernationOptions: Configured */
};

struct asg_group {
    const struct asg_config *cfg;
    const struct instance_type *type;
    const struct dist *boot_time;
    int64_t start_epoch_s;
    struct sim_engine *eng;
    gsl_rng *boot_rng;
    gsl_rng *id_rng;
    gsl_rng *termination_rng; /* "termination": the default policy's random tie-break */
    struct asg_observer obs;

    int64_t desired;
    struct instance **live; /* every instance not yet Terminated */
    size_t nr_live, alloc_live;
    size_t *per_az; /* Pending + InService instances per AZ */
    size_t nr_state[LIFECYCLE_NR];
    uint32_t next_id;
    uint64_t nr_launched;
    uint64_t nr_terminated;
    double retired_cost_usd; /* cost of instances already terminated */
    int64_t retired_billed_s;

    struct asg_market_opts market; /* set by asg_group_set_market() */
    gsl_rng *ec2_rng;              /* "ec2-transitions" when market.ec2 is set */
    int64_t units;                 /* Pending + InService capacity units */
    int64_t units_by_market[2];    /* the same, by enum billing_market */
    struct billing_total billing;  /* every meter of the group, for the per-sample cost */
    uint64_t nr_launched_by_market[2];
    struct spot_state spot;      /* Spot interruptions (spot.c) */
    bool all_protected_reported; /* the "Could not scale" activity for the current desired */

    struct hook_state hooks;          /* lifecycle hooks (lifecycle.c) */
    struct health_faults faults;      /* set by asg_group_set_faults() */
    struct health_state health;       /* failures and health replacements (health.c) */
    struct warm_pool_run warm_pool;   /* the warm pool's run time (warm_pool.c) */
    struct placement_state placement; /* when cfg->has_placement */
    uint64_t nr_launch_failures;      /* launches no AZ could place */
    struct template_state templates;  /* launch template versions (launch_template.c) */
    int64_t min_size;                 /* current MinSize (scheduled actions change it) */
    int64_t max_size;                 /* current MaxSize */

    struct rebalance_state rebalance;     /* rebalancing, outages, retries (rebalance.c) */
    struct replacement_state replacement; /* paced replacements (replacement.c) */
    bool creating;                        /* within asg_group_create(): launches are `initial` */
    /* The Pending and InService instances as the termination policies see them, kept as
       they change, so that a scale-in never scans the group (termination.h). */
    struct termination_index scalein;
    struct group_census census; /* counts for the scaling policies (group_census.c) */
};

/**
 * Set up the group (no instance yet). `cfg`, `type`, `boot_time` and `eng` are borrowed
 * and must outlive the group. Random streams "boot-time" and "instance-ids" come from `rngs`.
 */
void asg_group_init(struct asg_group *g, const struct asg_config *cfg,
                    const struct instance_type *type, const struct dist *boot_time,
                    int64_t start_epoch_s, struct sim_engine *eng, struct rng_set *rngs,
                    const struct asg_observer *obs);

/**
 * Set how the group's instances are billed and which market they use: the config's
 * MixedInstancesPolicy (when cfg->has_mixed) decides On-Demand or Spot and the type for
 * each launch; Spot instances are interrupted as `o->spot` says (stream
 * "spot-interruptions" from `rngs`). Call after asg_group_init(), before any launch.
 * Everything in `o` is borrowed.
 */
void asg_group_set_market(struct asg_group *g, const struct asg_market_opts *o,
                          struct rng_set *rngs);

/**
 * Make the group's InService instances fail at the rates in `f` (copied); random stream
 * "instance-failures" from `rngs`. `health` (may be NULL) hears of each failure. Call after
 * asg_group_init(), before any launch.
 */
void asg_group_set_faults(struct asg_group *g, const struct health_faults *f, struct rng_set *rngs,
                          asg_health_fn *health, void *ctx);

/** Usage cost so far split by market (list prices), and EBS storage cost so far. */
void asg_group_cost_split(const struct asg_group *g, sim_time now, double *on_demand_usd,
                          double *spot_usd, double *storage_usd);

/**
 * Create the group at the current time: desired goes from 0 to the configured value. The
 * instances launched now are marked `initial` (struct instance).
 */
void asg_group_create(struct asg_group *g);

/**
 * Change desired capacity (clamped by the caller's rules, asserted within [min, max]) and
 * reconcile. `cause` is the first sentence of the activity cause, without the time stamp
 * ("a user request ... changing the desired capacity from 2 to 4").
 */
void asg_group_set_desired(struct asg_group *g, int64_t desired, const char *cause);

/**
 * Set the group's MinSize and MaxSize (0 <= min <= max, asserted), as a scheduled action
 * does. Desired capacity is not touched: the caller moves it into the new range with
 * asg_group_set_desired() (UpdateAutoScalingGroup's rules).
 */
void asg_group_set_limits(struct asg_group *g, int64_t min_size, int64_t max_size);

/** Instances in `state`. */
size_t asg_group_count(const struct asg_group *g, enum lifecycle_state state);

/**
 * Instances on their way in (Pending, Pending:Wait, Pending:Proceed) or out (Terminating,
 * Terminating:Wait, Terminating:Proceed): what GroupPendingInstances and
 * GroupTerminatingInstances count once lifecycle hooks hold instances in Wait states.
 */
size_t asg_group_count_pending(const struct asg_group *g);
size_t asg_group_count_terminating(const struct asg_group *g);

/**
 * The counts a scaling policy takes of the group at `now` (the current time or later than
 * the last call's), with warm-up `warmup`: an InService instance launched after the group's
 * creation is warming until `warmup` after it entered InService; the initial instances are
 * always ready. The first call with a warm-up value starts a watch of it (8 at most), and
 * then each call is O(1) amortised. A value first asked after a later instance entered
 * InService unwatched (no watch yet, or the log behind the watches already dropped), or a
 * 9th value, is answered by a walk over the group every time: same counts, O(n).
 */
void asg_group_census(struct asg_group *g, sim_time warmup, sim_time now, struct asg_census *out);

/**
 * Rate the group's types with `c` (capacity_rps_per_vcpu(), borrowed: it must outlive the
 * group), for the census's types. Call before asg_group_create().
 */
void asg_group_set_capacity(struct asg_group *g, const struct capacity_config *c);

/**
 * Requests/s the InService instances of `t[0 .. n)` (asg_census.types) serve at 100 % CPU:
 * the sum of vCPUs x rate, the vCPUs of one rate summed as integers first (a group of one
 * rate gets exactly its vCPUs x that rate).
 */
double asg_fleet_capacity_rps(const struct census_type *t, size_t n);

/**
 * The group's CPUUtilization in percent when its InService instances do `work_rps`
 * requests/s: the average of the instances' own utilisations, each at most `cap_pct`
 * (CloudWatch's average for the AutoScalingGroupName dimension). With `equal_shares` every
 * instance gets the same share of the work (an ALB's round robin), so a slower or smaller
 * one is busier; without, shares follow capacity (least outstanding requests, workers
 * pulling from a queue: asgsim's rule) and every instance is as busy as the whole,
 * min(cap_pct, 100 x work / capacity). 0 when nothing is InService.
 */
double asg_fleet_cpu_pct(const struct census_type *t, size_t n, double work_rps, double cap_pct,
                         bool equal_shares);

/** Total cost in USD so far of every instance the group ever launched. */
double asg_group_cost_usd(const struct asg_group *g, sim_time now);

/** Total billed seconds so far. */
int64_t asg_group_billed_seconds(const struct asg_group *g, sim_time now);

/** Report every live instance as retired (end of run); cancels their pending events. */
void asg_group_finish(struct asg_group *g);

/** Free the group's instances; cancels their events. Safe after asg_group_finish(). */
void asg_group_release(struct asg_group *g);

/** Format simulated time `t` as AWS's UTC stamp "2024-01-01T00:00:00Z" into buf[21]. */
void asg_format_utc(int64_t start_epoch_s, sim_time t, char buf[21]);

#endif /* ASGSIM_ASG_H */
