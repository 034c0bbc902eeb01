/*
 * ec2.h - one EC2 instance as EC2 sees it: its state machine, transition times, hibernation
 * limits and billing hooks; plus the scenario's EC2 settings (timing per type, billing).
 *
 * States and codes (API_InstanceState.html): pending 0, running 16, shutting-down 32,
 * terminated 48, stopping 64, stopped 80. Hibernation is not a state of its own: a
 * hibernating instance goes stopping -> stopped with its memory saved, and resumes through
 * pending (ec2-instance-lifecycle.html).
 *
 * Billing (ec2-instance-lifecycle.html, aws-behaviour.md §1.2): usage is billed only while
 * running, and while stopping for hibernation; each entry into running opens a new period
 * with its minimum. EBS is billed from launch until terminated, in every state.
 *
 * Transition times are drawn from the scenario's distributions (struct ec2_timing). AWS
 * publishes no durations beyond "a few minutes" (Stop_Start.html: entering running and
 * stopping "can take a few minutes"; TroubleshootingInstancesStopping.html: ask for help
 * after 10 minutes; TroubleshootingInstancesShuttingDown.html: shutting-down "longer than a
 * few minutes" points at shutdown scripts). The defaults in ec2_timing_defaults() are
 * therefore asgsim's assumptions, chosen inside those statements.
 *
 * Ownership: an ec2_instance borrows its type, timing, engine, random stream and ledger;
 * they must outlive it. It owns one pending timer at most and cancels it on release.
 */
#ifndef ASGSIM_EC2_H
#define ASGSIM_EC2_H

#include "asgsim/billing.h"
#include "asgsim/catalog.h"
#include "asgsim/dist.h"
#include "asgsim/ec2_config.h"
#include "asgsim/sim.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

enum ec2_state {
    EC2_PENDING,
    EC2_RUNNING,
    EC2_STOPPING,
    EC2_STOPPED,
    EC2_SHUTTING_DOWN,
    EC2_TERMINATED,
    EC2_STATE_NR
};

/** EC2's names: "pending", "running", "stopping", "stopped", "shutting-down", "terminated". */
extern const char *const ec2_state_names[EC2_STATE_NR];

/** EC2's numeric state code (API_InstanceState): 0, 16, 64, 80, 32, 48. */
int ec2_state_code(enum ec2_state s);

/* AWS hibernation limits for Linux (hibernating-prerequisites.html,
   instance-hibernate-limitations.html; aws-behaviour.md §9.4). */
#define EC2_HIBERNATE_MAX_RAM_GB 150.0       /* RAM must be less than this */
#define EC2_HIBERNATE_MAX        SIM_DAY(60) /* longest time an instance may stay hibernated */

/** Reasons ec2_hibernation_check() refuses; 0 = allowed. */
enum ec2_hibernation_refusal {
    EC2_HIB_OK = 0,
    EC2_HIB_RAM_TOO_LARGE, /* memory >= 150 GB */
    EC2_HIB_ROOT_NOT_ENCRYPTED,
    EC2_HIB_ROOT_TOO_SMALL, /* root volume smaller than RAM */
};

/**
 * Whether EC2 allows hibernation for `type` with a root volume of `root_gib` GiB.
 * The catalog gives memory in GiB; AWS states the limit as "150 GB" and asgsim compares
 * the catalog figure with 150 (aws-behaviour.md §9.4).
 */
enum ec2_hibernation_refusal ec2_hibernation_check(const struct instance_type *type,
                                                   double root_gib, bool root_encrypted);

/** A sentence for a refusal ("RAM of r5.8xlarge (256 GiB) is not less than 150 GB"). */
const char *ec2_hibernation_refusal_text(enum ec2_hibernation_refusal r);

/* ---- one instance ---------------------------------------------------------------------------- */

struct ec2_instance;

/**
 * Called after every state change (`from` is EC2_STATE_NR for the launch into pending).
 * It is the last thing the instance does for that change, so on EC2_TERMINATED the
 * callback may free the memory that holds the instance.
 */
typedef void ec2_state_fn(void *ctx, struct ec2_instance *inst, enum ec2_state from,
                          enum ec2_state to);

struct ec2_instance {
    enum ec2_state state;
    bool hibernating; /* stopping or stopped with memory saved */
    bool hibernation_enabled;
    enum billing_market market;
    const struct instance_type *type;
    const struct ec2_timing *timing;
    struct billing_meter meter; /* its own meter, unless the caller gave one */
    struct billing_meter *bill; /* the meter billed: &meter or ec2_launch_opts.meter */
    double usd_per_hour;        /* price while running (On-Demand or Spot) */
    sim_time state_since;
    sim_time hibernated_at; /* time it reached stopped while hibernating; -1 otherwise */
    sim_event_id timer;     /* the pending transition, 0 when none */
    enum billing_end end;   /* who is terminating it */
    struct sim_engine *eng;
    gsl_rng *rng;
    ec2_state_fn *on_state;
    void *ctx;
};

/** Options of ec2_instance_init(); zeroed = per-second On-Demand, no storage. */
struct ec2_launch_opts {
    enum billing_market market;
    double usd_per_hour; /* 0: the catalog's price for the market */
    enum billing_granularity granularity;
    double root_volume_gib;
    bool root_encrypted;
    bool hibernation_enabled; /* HibernationOptions: Configured (checked by the caller) */
    double ebs_usd_per_gib_month;
    double month_hours;
    struct billing_ledger *ledger; /* NULL: no RI/Savings Plan accounting */
    struct billing_meter *meter;   /* zeroed meter to bill (borrowed); NULL: the instance's own */
};

/**
 * Set up an instance (not yet launched). Everything passed is borrowed. `timing` NULL makes
 * an untimed instance, asgsim's rule for a scenario without `Instances: Timing` and without
 * a warm pool: pending takes no time (the instance is running, and billed, from its
 * launch, within ec2_instance_launch()), every other transition takes no time and ends at
 * an event scheduled with zero delay, and nothing is drawn from `rng` (which may be NULL).
 */
void ec2_instance_init(struct ec2_instance *inst, const struct instance_type *type,
                       const struct ec2_timing *timing, const struct ec2_launch_opts *opts,
                       struct sim_engine *eng, gsl_rng *rng, ec2_state_fn *on_state, void *ctx);

/** RunInstances: enter pending now (EBS billing starts), running after Launch. */
void ec2_instance_launch(struct ec2_instance *inst);

/**
 * StopInstances: running -> stopping -> stopped. With `hibernate`, memory is saved and
 * usage is billed until stopped. \return 0; ASG_EINVAL when not running or when
 * hibernation is requested but not enabled for the instance (nothing changes).
 */
int ec2_instance_stop(struct ec2_instance *inst, bool hibernate);

/**
 * StartInstances: stopped -> pending -> running (Start, or Resume after hibernation).
 * \return 0; ASG_EINVAL when not stopped; ASG_ELIMIT when it stayed hibernated longer than
 * EC2's 60 days (nothing changes).
 */
int ec2_instance_start(struct ec2_instance *inst);

/**
 * TerminateInstances (`end` = BILLING_END_USER) or a Spot interruption by EC2
 * (BILLING_END_INTERRUPTION): -> shutting-down now (usage billing stops), terminated after
 * Terminate (EBS stops). Cancels a pending transition. \return 0; ASG_EINVAL when already
 * shutting-down or terminated.
 */
int ec2_instance_terminate(struct ec2_instance *inst, enum billing_end end);

/** Usage billed so far (USD), an open period counted to now. */
double ec2_instance_usage_usd(const struct ec2_instance *inst);

/** EBS billed so far (USD). */
double ec2_instance_storage_usd(const struct ec2_instance *inst);

/** Cancel a pending transition. Safe on a terminated or never-launched instance. */
void ec2_instance_release(struct ec2_instance *inst);

#endif /* ASGSIM_EC2_H */
