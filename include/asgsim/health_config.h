/*
 * health_config.h - the instance-failure faults of a run (Metadata ASGSim::Scenario `Faults`),
 * plain data; health.h says how they act.
 */
#ifndef ASGSIM_HEALTH_CONFIG_H
#define ASGSIM_HEALTH_CONFIG_H

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

#endif /* ASGSIM_HEALTH_CONFIG_H */
