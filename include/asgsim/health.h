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

#include "asgsim/health_config.h"
#include "asgsim/sim.h"

#endif /* ASGSIM_HEALTH_H */
