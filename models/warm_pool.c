/* The warm pool: its size rule and its run time (draws, returns, refills); see warm_pool.h. */
#include "asgsim/warm_pool.h"

#include "group_int.h"

#include "asgsim/asg.h"
#include "asgsim/util.h"

#include "asgsim/banned.h"

const char *const warm_pool_state_names[3] = { "Stopped", "Running", "Hibernated" };

int64_t warm_pool_target(const struct warm_pool_config *wp, int64_t max_size, int64_t desired)
{
    ASG_ASSERT(wp->min_size >= 0 && desired >= 0);
    int64_t prepared =
            wp->max_group_prepared_capacity >= 0 ? wp->max_group_prepared_capacity : max_size;
    /* "If desired > MaxGroupPreparedCapacity, the pool size is 0 unless MinSize is set." */
    int64_t size = prepared > desired ? prepared - desired : 0;
    return size > wp->min_size ? size : wp->min_size;
}

/* Pool instances spread over the AZs like the group's: the AZ with the fewest of them. */
size_t warm_pool_pick_az(const struct asg_group *g)
{
    size_t *n = xcalloc(g->cfg->nr_azs, sizeof(*n));
    for (size_t i = 0; i < g->nr_live; i++)
        if (group__in_pool(g->live[i]->state))
            n[g->live[i]->az]++;
    size_t best = 0;
    for (size_t i = 1; i < g->cfg->nr_azs; i++)
        if (n[i] < n[best])
            best = i;
    free(n);
    return best;
}

/* A pool instance is initialised: stop, hibernate or keep it running, as PoolState says. */
void warm_pool_ready(struct asg_group *g, struct instance *inst)
{
    ASG_ASSERT(inst->ec2.state == EC2_RUNNING);
    switch (g->cfg->warm_pool.pool_state) {
    case WARM_POOL_RUNNING:
        group__set_state(g, inst, LIFECYCLE_WARMED_RUNNING, "warm pool");
        health_plan_pool_failure(g, inst);
        return;
    case WARM_POOL_STOPPED:
    case WARM_POOL_HIBERNATED: {
        /* Warmed:Pending until EC2 reports stopped (on_ec2_state). */
        int rc = ec2_instance_stop(&inst->ec2,
                                   g->cfg->warm_pool.pool_state == WARM_POOL_HIBERNATED &&
                                           g->market.hibernation);
        ASG_ASSERT(rc == 0);
        return;
    }
    }
}

/*
 * Scale-out from the warm pool: a ready pool instance (AZ with the fewest instances first)
 * joins the group. Stopped and hibernated instances are started by EC2 (Start / Resume
 * timing); running ones go on at once; launch hooks then run as for a cold start. false
 * when no pool instance is ready.
 */
bool warm_pool_draw(struct asg_group *g, const char *cause_head, int64_t from, int64_t to)
{
    struct instance *inst = NULL;
    for (size_t i = 0; i < g->nr_live; i++) {
        struct instance *c = g->live[i];
        bool ready = c->state == LIFECYCLE_WARMED_STOPPED || c->state == LIFECYCLE_WARMED_RUNNING ||
                     c->state == LIFECYCLE_WARMED_HIBERNATED;
        if (ready && (!inst || g->per_az[c->az] < g->per_az[inst->az]))
            inst = c;
    }
    if (!inst)
        return false;
    g->warm_pool.nr_warm_starts++;
    health_cancel(g, inst); /* the pool's check; InService plans its own */
    replacement_tag(g, inst);
    return group__warm_start(g, inst, group__launch_cause(g, cause_head, from, to, false));
}

/* ReuseOnScaleIn: an InService victim goes back to the pool instead of terminating. */
void warm_pool_return(struct asg_group *g, struct instance *inst)
{
    health_cancel(g, inst);
    replacement_cancel_lifetime(g, inst);
    group__add_capacity(g, inst, -1);
    g->warm_pool.nr_returned_to_pool++;
    group__set_state(g, inst, LIFECYCLE_WARMED_PENDING, "scale in to warm pool");
    if (lifecycle_hooks_has(g->cfg, HOOK_TERMINATING)) {
        group__set_state(g, inst, LIFECYCLE_WARMED_PENDING_WAIT, "lifecycle hook");
        lifecycle_hooks_start(g, inst, HOOK_TERMINATING);
        return;
    }
    warm_pool_ready(g, inst);
}

/*
 * Keep the pool at warm_pool_target(): launch into it, or terminate the newest pool
 * instances when it is too large (AWS uses the default termination policy there; asgsim
 * takes the newest).
 */
void warm_pool_refill(struct asg_group *g)
{
    if (!g->cfg->has_warm_pool)
        return;
    /* the current MaxSize: scheduled actions may change it */
    int64_t target = warm_pool_target(&g->cfg->warm_pool, g->max_size, g->desired);
    int64_t n = 0;
    for (size_t i = 0; i < g->nr_live; i++)
        n += group__in_pool(g->live[i]->state);
    /* after abandoned launches the back-off timer refills the pool (rebalance.h) */
    for (; n < target && !rebalance_backing_off(g); n++) {
        if (!group__launch(g, NULL, true)) {
            rebalance_schedule_retry(g);
            break;
        }
    }
    for (size_t i = g->nr_live; n > target && i-- > 0;) {
        if (group__in_pool(g->live[i]->state)) {
            group__terminate(g, g->live[i], "warm pool too large");
            n--;
        }
    }
}
