/* AWS's termination policies as a narrowing of a candidate set; see termination.h. */
#include "asgsim/termination.h"

#include "asgsim/util.h"

#include <stdlib.h>

#include "asgsim/banned.h"

const char *const termination_policy_names[TERMINATION_NR] = {
    [TERMINATION_DEFAULT] = "Default",
    [TERMINATION_ALLOCATION_STRATEGY] = "AllocationStrategy",
    [TERMINATION_OLDEST_LAUNCH_TEMPLATE] = "OldestLaunchTemplate",
    [TERMINATION_OLDEST_LAUNCH_CONFIGURATION] = "OldestLaunchConfiguration",
    [TERMINATION_CLOSEST_TO_NEXT_INSTANCE_HOUR] = "ClosestToNextInstanceHour",
    [TERMINATION_NEWEST_INSTANCE] = "NewestInstance",
    [TERMINATION_OLDEST_INSTANCE] = "OldestInstance",
};

/* A score per candidate: higher is terminated first. Keep only the maximum. */
typedef double score_fn(const struct termination_candidate *c);

static size_t keep_max(const struct termination_candidate *c, size_t *set, size_t n,
                       score_fn *score)
{
    double best = score(&c[set[0]]);
    for (size_t i = 1; i < n; i++)
        if (score(&c[set[i]]) > best)
            best = score(&c[set[i]]);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (score(&c[set[i]]) == best)
            set[m++] = set[i];
    return m;
}

/* Outdated configuration, in AWS's order: launch configuration, another template, then the
 * oldest version of the current template (the lowest version scores highest). */
static double outdated_lc(const struct termination_candidate *c)
{
    return c->launch_configuration ? 1 : 0;
}

static double outdated_template(const struct termination_candidate *c)
{
    return c->other_launch_template ? 1 : 0;
}

static double oldest_version(const struct termination_candidate *c)
{
    return -(double)c->template_version;
}

static double closest_to_hour(const struct termination_candidate *c)
{
    return -(double)c->to_next_billing_hour;
}

static double newest(const struct termination_candidate *c)
{
    return (double)c->launched_at;
}

static double oldest(const struct termination_candidate *c)
{
    return -(double)c->launched_at;
}

static double allocation(const struct termination_candidate *c)
{
    return c->allocation_excess > 0 ? c->allocation_excess : 0;
}

static size_t apply(enum termination_policy p, const struct termination_candidate *c, size_t *set,
                    size_t n)
{
    switch (p) {
    case TERMINATION_DEFAULT:
        n = keep_max(c, set, n, outdated_lc);
        n = keep_max(c, set, n, outdated_template);
        n = keep_max(c, set, n, oldest_version);
        return keep_max(c, set, n, closest_to_hour);
    case TERMINATION_ALLOCATION_STRATEGY:
        return keep_max(c, set, n, allocation);
    case TERMINATION_OLDEST_LAUNCH_TEMPLATE:
        /* "instances that use the noncurrent launch template are terminated first,
         * followed by instances that use the oldest version of the current launch
         * template" (as-instance-termination.html) */
        n = keep_max(c, set, n, outdated_template);
        return keep_max(c, set, n, oldest_version);
    case TERMINATION_OLDEST_LAUNCH_CONFIGURATION:
        return keep_max(c, set, n, outdated_lc);
    case TERMINATION_CLOSEST_TO_NEXT_INSTANCE_HOUR:
        return keep_max(c, set, n, closest_to_hour);
    case TERMINATION_NEWEST_INSTANCE:
        return keep_max(c, set, n, newest);
    case TERMINATION_OLDEST_INSTANCE:
        return keep_max(c, set, n, oldest);
    case TERMINATION_NR:
        break;
    }
    ASG_BUG("bad termination policy %d", (int)p);
}

long termination_pick(const struct termination_candidate *c, size_t nr, size_t nr_azs,
                      const enum termination_policy *policies, size_t nr_policies, gsl_rng *rng)
{
    if (nr == 0)
        return -1;
    size_t *count = xcalloc(nr_azs, sizeof(*count));
    bool *eligible = xcalloc(nr_azs, sizeof(*eligible));
    for (size_t i = 0; i < nr; i++) {
        ASG_ASSERT(c[i].az < nr_azs);
        count[c[i].az]++;
        if (!c[i].protected_from_scale_in)
            eligible[c[i].az] = true;
    }
    /* 1. The AZs with the most instances among those with an unprotected one. */
    size_t most = 0;
    bool any = false;
    for (size_t az = 0; az < nr_azs; az++) {
        if (eligible[az] && count[az] >= most) {
            most = count[az];
            any = true;
        }
    }
    long pick = -1;
    if (!any)
        goto out;
    size_t *set = xcalloc(nr, sizeof(*set));
    size_t n = 0;
    for (size_t i = 0; i < nr; i++)
        if (!c[i].protected_from_scale_in && eligible[c[i].az] && count[c[i].az] == most)
            set[n++] = i;
    /* 2. The listed policies in order, each narrowing the set. */
    for (size_t k = 0; k < nr_policies && n > 1; k++)
        n = apply(policies[k], c, set, n);
    /* 3. Ties left over are settled by the default policy, which ends in a random pick. */
    if (n > 1)
        n = apply(TERMINATION_DEFAULT, c, set, n);
    pick = (long)set[n > 1 ? gsl_rng_uniform_int(rng, n) : 0];
    free(set);
out:
    free(count);
    free(eligible);
    return pick;
}
