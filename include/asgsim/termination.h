/*
 * termination.h - which instance a scale-in terminates: AWS's termination policies as a
 * pure function over a list of candidates, so every rule is testable without a group.
 *
 * Rules (ec2-auto-scaling-termination-policies.html, current text, and
 * as-instance-termination.html, 2019 text):
 *  1. Zonal balance first: only the Availability Zones with the most instances and at
 *     least one instance not protected from scale-in are considered; when several AZs tie,
 *     the policies apply across all of them.
 *  2. Protected instances are never chosen. If every instance is protected, nothing is.
 *  3. The policies apply in list order; each keeps the candidates it prefers. `Default`
 *     must be last; when the list runs out with several candidates left, the default
 *     policy decides (it always ends with one: random with the run's stream).
 *  Default: outdated configuration (launch configuration, then another launch template,
 *  then the oldest version of the current template), then closest to the next billing
 *  hour, then random.
 * Mixed-instances groups first choose the purchase option to terminate; the caller passes
 * only candidates of that option.
 */
#ifndef ASGSIM_TERMINATION_H
#define ASGSIM_TERMINATION_H

#include "asgsim/sim.h"
#include "asgsim/termination_config.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What the policies look at, for one InService or Pending instance of the group. */
struct termination_candidate {
    size_t az; /* index of its Availability Zone */
    bool protected_from_scale_in;
    bool launch_configuration;  /* launched from a launch configuration */
    bool other_launch_template; /* launched from a template other than the group's */
    int64_t template_version;   /* version of the group's template it was launched from */
    sim_time launched_at;
    sim_time to_next_billing_hour; /* time left until its next billing hour */
    double allocation_excess;      /* > 0 when removing it moves the group toward its
                                      allocation strategy; larger is better to remove */
};

/**
 * Index of the instance to terminate among `c[0..nr)`, or -1 when every candidate is
 * protected (or nr == 0). `nr_azs` is the group's number of AZs (every c[i].az < nr_azs).
 * `policies` in list order; nr_policies 0 means [Default]. Random choices draw from `rng`
 * only when a tie remains.
 */
long termination_pick(const struct termination_candidate *c, size_t nr, size_t nr_azs,
                      const enum termination_policy *policies, size_t nr_policies, gsl_rng *rng);

#endif /* ASGSIM_TERMINATION_H */
