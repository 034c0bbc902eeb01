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

/*
 * The same choice without scanning the group: an index of a group's candidates kept up to
 * date as they change, so that one pick costs O(nr_azs log n) and k picks O(k log n).
 *
 * termination_pick() keeps, policy after policy, the candidates with the highest score,
 * then draws among the rest in candidate order. That is the lexicographic maximum of the
 * tuple of scores in policy order, so the index keeps, per market and AZ, the unprotected
 * candidates in a search tree sorted by that tuple and then by id (launch order). Every
 * score is fixed for an instance except the time to its next billing hour, which turns
 * with the clock: the tree sorts running instances by the phase of their billing period
 * (period start mod one hour), and the closest to its next hour is the first phase after
 * now's (mod one hour), wrapping. termination_index_pick() returns the instance
 * termination_pick() would return for the same candidates listed in id order, drawing the
 * same number from the same stream.
 */

/** One candidate as the index sees it (an InService or Pending instance of the group). */
struct termination_entry {
    struct termination_candidate c; /* every field but to_next_billing_hour */
    bool billing_running;           /* its usage meter runs; no billing hour otherwise */
    sim_time billing_period_start;  /* start of the running period, >= 0 */
    uint32_t id;                    /* launch order: ties are drawn in id order */
    unsigned market;                /* 0 or 1 (enum billing_market) */
};

struct termination_node; /* one entry, owned by the index */

#define TERMINATION_MAX_KEYS 10

struct termination_index {
    size_t nr_azs;
    size_t nr_keys;
    unsigned char key_kind[16];     /* sort keys in order (termination_index.c), nr_keys of them */
    struct termination_node **root; /* [market * nr_azs + az]: unprotected candidates */
    size_t *count;                  /* [market * nr_azs + az]: every candidate */
    size_t *unprotected;            /* [market * nr_azs + az] */
    size_t nr;                      /* entries */
    struct termination_node *all;   /* every entry, in a list */
    uint64_t prio;                  /* tree priorities (not the run's streams) */
};

/** Set up an empty index for a group of `nr_azs` AZs and its `policies` (copied). */
void termination_index_init(struct termination_index *x, size_t nr_azs,
                            const enum termination_policy *policies, size_t nr_policies);

/** Free every entry. Safe on a zeroed index. */
void termination_index_release(struct termination_index *x);

/**
 * Insert, update or (e NULL) remove the entry of `owner` (borrowed; returned by a pick).
 * `*slot` is the caller's handle: NULL while `owner` is not in the index. O(log n).
 */
void termination_index_set(struct termination_index *x, struct termination_node **slot, void *owner,
                           const struct termination_entry *e);

/**
 * The owner termination_pick() would choose at `now` among the entries of `market` (-1:
 * both), or NULL when every one is protected or there is none. Draws from `rng` as
 * termination_pick() does. O(nr_azs log n).
 */
void *termination_index_pick(const struct termination_index *x, sim_time now, int market,
                             gsl_rng *rng);

#endif /* ASGSIM_TERMINATION_H */
