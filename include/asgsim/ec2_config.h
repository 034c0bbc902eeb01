/*
 * ec2_config.h - the scenario's EC2 settings as plain data: how long each instance transition
 * takes (Instances: Timing:, per type) and how instances are billed (Billing:). Bound by
 * ec2_bind.h (models/ec2_config.c); used by ec2.h and the group.
 */
#ifndef ASGSIM_EC2_CONFIG_H
#define ASGSIM_EC2_CONFIG_H

#include "asgsim/billing.h"
#include "asgsim/catalog.h"
#include "asgsim/dist.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>

/** The timed transitions, each with its own distribution. */
enum ec2_transition {
    EC2_T_LAUNCH,    /* pending -> running after RunInstances */
    EC2_T_START,     /* pending -> running after starting a stopped instance */
    EC2_T_RESUME,    /* pending -> running after starting a hibernated instance */
    EC2_T_STOP,      /* stopping -> stopped */
    EC2_T_HIBERNATE, /* stopping -> stopped, writing RAM to the root volume */
    EC2_T_TERMINATE, /* shutting-down -> terminated */
    EC2_T_NR
};

/** Scenario key of each transition: "Launch", "Start", "Resume", "Stop", ... */
extern const char *const ec2_transition_keys[EC2_T_NR];

/** Seconds each transition takes. */
struct ec2_timing {
    struct dist t[EC2_T_NR];
};

/** asgsim's assumed defaults (see the file comment and README "EC2 instances"). */
void ec2_timing_defaults(struct ec2_timing *t);

struct ec2_type_timing {
    char *type; /* instance type name, owned */
    struct ec2_timing timing;
};

/** Scenario-wide EC2 and billing settings (Metadata Billing: and Instances: Timing:). */
struct ec2_config {
    struct ec2_timing timing;         /* Default (or asgsim's defaults) */
    bool timing_given;                /* the scenario has Instances: Timing */
    struct ec2_type_timing *per_type; /* overrides by instance type */
    size_t nr_per_type;

    enum billing_granularity granularity; /* Billing: Granularity */
    double ebs_usd_per_gib_month;         /* Billing: EbsGiBMonthUsd, default 0 (not billed) */
    double root_volume_gib;               /* Billing: RootVolumeGiB, default 8 */
    double month_hours;                   /* Billing: MonthHours; 0 = from StartTime's month */
    double sp_commit_usd_per_hour;        /* Billing: SavingsPlan: CommitmentUsdPerHour */
    double sp_discount;                   /* Billing: SavingsPlan: Discount, fraction */
    struct billing_ri *ris;               /* Billing: ReservedInstances; .type is ri_types[i] */
    char **ri_types;                      /* owned names the RIs point at */
    size_t nr_ris;
};

/** The timing for `type`: its override when there is one, else the default. */
const struct ec2_timing *ec2_config_timing(const struct ec2_config *c, const char *type);

/** Fill the billing discounts view of `c` (borrows `c`). */
void ec2_config_discounts(const struct ec2_config *c, struct billing_discounts *out);

/** Free what `c` owns; safe on a zeroed config. */
void ec2_config_release(struct ec2_config *c);

#endif /* ASGSIM_EC2_CONFIG_H */
