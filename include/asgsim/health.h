/*
 * health.h - health checks of a group's instances and the instance-failure faults that
 * make them fail.
 *
 * Facts (ec2-auto-scaling-health-checks.html, health-check-grace-period.html,
 * API_CreateAutoScalingGroup.html; aws-behaviour.md section 2):
 *  - EC2 checks are always on. An instance whose EC2 state is not running is unhealthy at
 *    once, even during the grace period; the activity cause reads "an instance was taken
 *    out of service in response to a EC2 health check indicating it has been terminated or
 *    stopped."
 *  - ELB checks count only when HealthCheckType includes ELB, and only after the
 *    HealthCheckGracePeriod (default 0 s through the API). With a launch lifecycle hook the
 *    grace period starts when the hook completes and the instance enters InService.
 *  - An unhealthy instance is terminated and replaced (terminate and launch together), even
 *    when protected from scale-in, without waiting for a cooldown.
 *  - Other unhealthy instances (ELB) are replaced at most 10 % of desired capacity at a
 *    time, or one at a time if 10 % is less than 1; each batch waits for the initial
 *    health check and the default instance warmup.
 * Not modelled: the rule that replacements wait for a scaling activity in progress while
 * the group is 10 % or more below desired, EBS / VPC Lattice / custom checks, the
 * undocumented check period (asgsim acts at the moment a check may fail).
 */
#ifndef ASGSIM_HEALTH_H
#define ASGSIM_HEALTH_H

#include "asgsim/sim.h"

#include <stddef.h>

/** A partition of a partition placement group fails: all its instances stop. */
struct partition_failure {
    sim_time at;
    int partition; /* 0-based (AWS numbers partitions from 1) */
    size_t az;     /* index into the group's AZs */
};

#define HEALTH_MAX_PARTITION_FAILURES 16
#define HEALTH_MAX_CAPACITY_OUTAGES   16

/* EC2 has no capacity for new instances in one AZ for a while (InsufficientInstanceCapacity). */
struct capacity_outage {
    size_t az; /* index into the group's AZs */
    sim_time from, to;
};

/** Instance failures of a run (Metadata ASGSim::Scenario `Faults`); zero = none. */
struct health_faults {
    /* Per InService instance and hour: EC2 stops the instance (fails the EC2 check). */
    double instance_failures_per_hour;
    /* Per InService instance and hour: the application stops answering the load
       balancer's health check; the instance stays running. */
    double elb_failures_per_hour;
    struct partition_failure partition_failures[HEALTH_MAX_PARTITION_FAILURES];
    size_t nr_partition_failures;
    struct capacity_outage capacity_outages[HEALTH_MAX_CAPACITY_OUTAGES];
    size_t nr_capacity_outages;
};

#endif /* ASGSIM_HEALTH_H */
