/* AZ rebalancing, EC2 capacity outages and the retries of failed launches. */
#include "asgsim/rebalance.h"

#include "group_int.h"

#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <stdio.h>
#include <stdlib.h>

#include "asgsim/banned.h"

static void retry_event(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type retry_event_type = { "group.launch_retry", retry_event };
static void outage_end_event(struct sim_engine *eng, void *target, const union sim_payload *p);
static void backoff_event(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type backoff_event_type = { "group.launch_backoff", backoff_event };
static const struct sim_event_type outage_end_event_type = { "group.capacity_restored",
                                                             outage_end_event };

void rebalance_init(struct asg_group *g)
{
    const struct health_faults *f = &g->faults;
    /* When an AZ gets capacity back, the group retries and rebalances at once. */
    for (size_t i = 0; i < f->nr_capacity_outages; i++)
        g->rebalance.outage_timer[i] =
                sim_schedule_at(g->eng, f->capacity_outages[i].to, &outage_end_event_type, g,
                                (union sim_payload){ .u = i });
}

/* Faults: EC2 has no capacity in `az` now. */
bool rebalance_out_of_capacity(struct asg_group *g, size_t az, const char *type, const char **error)
{
    sim_time now = sim_now(g->eng);
    for (size_t i = 0; i < g->faults.nr_capacity_outages; i++) {
        const struct capacity_outage *o = &g->faults.capacity_outages[i];
        if (o->az == az && o->from <= now && now < o->to) {
            /* EC2's InsufficientInstanceCapacity message (its first sentence) */
            snprintf(g->rebalance.launch_error, sizeof(g->rebalance.launch_error),
                     "We currently do not have sufficient %s capacity in the Availability Zone "
                     "you requested (%s). Launching EC2 instance failed.",
                     type, g->cfg->azs[az]);
            *error = g->rebalance.launch_error;
            return true;
        }
    }
    return false;
}

/*
 * A launch failed: retry after rebalance.retry_after. AWS retries until capacity is found (its
 * re:Post answers) and documents no interval; asgsim waits LaunchRetryInterval, doubling
 * it after each retry that fails again, up to an hour, so that a lasting refusal (a full
 * spread placement group) does not flood /activities.
 */
void rebalance_schedule_retry(struct asg_group *g)
{
    sim_time base = g->cfg->launch_retry_interval > 0 ? g->cfg->launch_retry_interval
                                                      : ASG_LAUNCH_RETRY_DEFAULT;
    if (g->rebalance.retry_after < base)
        g->rebalance.retry_after = base;
    if (!g->rebalance.retry_timer)
        g->rebalance.retry_timer = sim_schedule(g->eng, g->rebalance.retry_after, &retry_event_type,
                                                g, (union sim_payload){ 0 });
}

/*
 * A launch hook abandoned a launch. AWS "terminates the instance and launches a replacement"
 * (lifecycle-hooks.html) and says nothing of a hook that abandons every launch; it only
 * documents that it may suspend the processes of a group that has failed to launch any
 * instance for over 24 hours ("administrative suspension", as-suspend-resume-processes.html,
 * not modelled). asgsim's rule: the first abandoned launch since the last success is
 * replaced at once; the n-th in a row (n >= 2) waits LaunchRetryInterval x 2^(n-2), at most
 * an hour (or LaunchRetryInterval when it is longer), like the retries of launches no AZ can
 * place. While the group waits it launches nothing; the timer launches the whole shortfall,
 * and launches abandoned meanwhile do not count again (one failure per round).
 */
bool rebalance_launch_abandoned(struct asg_group *g)
{
    struct rebalance_state *r = &g->rebalance;
    if (r->backoff_timer)
        return true; /* a launch of the same round: the pending relaunch covers it too */
    if (r->abandoned_in_row < UINT32_MAX)
        r->abandoned_in_row++;
    if (r->abandoned_in_row == 1)
        return false;
    sim_time base = g->cfg->launch_retry_interval > 0 ? g->cfg->launch_retry_interval
                                                      : ASG_LAUNCH_RETRY_DEFAULT;
    sim_time cap = base > SIM_SEC(3600) ? base : SIM_SEC(3600), delay = base;
    for (uint32_t n = 2; n < r->abandoned_in_row && delay < cap; n++)
        delay *= 2;
    if (delay > cap)
        delay = cap;
    r->backoff_timer =
            sim_schedule(g->eng, delay, &backoff_event_type, g, (union sim_payload){ 0 });
    return true;
}

void rebalance_launch_succeeded(struct asg_group *g)
{
    g->rebalance.abandoned_in_row = 0;
}

bool rebalance_backing_off(const struct asg_group *g)
{
    return g->rebalance.backoff_timer != 0;
}

static void backoff_event(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)p;
    struct asg_group *g = target;
    g->rebalance.backoff_timer = 0;
    group__reconcile(g, NULL, group__capacity(g));
    replacement_start(g);
}

static bool outage_now(const struct asg_group *g, size_t az)
{
    sim_time now = sim_now(g->eng);
    for (size_t i = 0; i < g->faults.nr_capacity_outages; i++) {
        const struct capacity_outage *o = &g->faults.capacity_outages[i];
        if (o->az == az && o->from <= now && now < o->to)
            return true;
    }
    return false;
}

/*
 * AZ rebalancing (auto-scaling-benefits.html, aws-behaviour.md §5.6): when the AZs are
 * uneven by more than one instance, launch into the AZs with the fewest first; each launch
 * lets one instance of the fullest AZ go once it is InService (group__reconcile() then picks the
 * victim, zonal balance first). Meanwhile the group may exceed MaxSize by 10 % or one
 * instance, whichever is greater. One round at a time; AZs without EC2 capacity now take
 * no launches. The cause is AWS's sentence as seen in activity histories
 * (spacelift-io/terraform-aws-spacelift-workerpool-on-ec2#97).
 */
static void rebalance(struct asg_group *g)
{
    size_t n = g->cfg->nr_azs;
    if (n < 2 || g->rebalance.rebalance_units > 0)
        return;
    int64_t excess = g->max_size / 10 > 1 ? g->max_size / 10 : 1;
    int64_t room = g->max_size + excess - group__capacity(g);
    int64_t *plan = xcalloc(n, sizeof(*plan));
    bool *gets = xcalloc(n, sizeof(*gets));
    for (size_t i = 0; i < n; i++)
        plan[i] = (int64_t)g->per_az[i];
    int64_t k = 0;
    for (; k < room; k++) {
        size_t lo = n, hi = 0;
        for (size_t i = 0; i < n; i++) {
            if (!outage_now(g, i) && (lo == n || plan[i] < plan[lo]))
                lo = i;
            if (plan[i] > plan[hi])
                hi = i;
        }
        if (lo == n || plan[hi] - plan[lo] <= 1)
            break;
        plan[lo]++;
        plan[hi]--;
        gets[lo] = true;
    }
    char *zones = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        if (!gets[i])
            continue;
        char *z = xasprintf("%s%s%s", zones, *zones ? " " : "", g->cfg->azs[i]);
        free(zones);
        zones = z;
    }
    free(plan);
    free(gets);
    if (k == 0) {
        free(zones);
        return;
    }
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    free(g->rebalance.rebalance_cause);
    g->rebalance.rebalance_cause =
            xasprintf("At %s instances were launched to balance instances in zones "
                      "%s with other zones resulting in more than desired number of "
                      "instances in the group.",
                      stamp, zones);
    free(zones);
    for (int64_t i = 0; i < k; i++) {
        struct instance *inst = group__launch(g, xstrdup(g->rebalance.rebalance_cause), false);
        if (!inst)
            break; /* tried again at the next trigger, not on the retry timer */
        inst->rebalance.rebalancing = true;
        g->rebalance.rebalance_units += inst->weight;
        g->rebalance.nr_rebalance_launches++;
    }
    if (g->rebalance.rebalance_units == 0) {
        free(g->rebalance.rebalance_cause);
        g->rebalance.rebalance_cause = NULL;
    }
}

/* A rebalancing launch is InService or gone: it no longer holds a victim back. */
void rebalance_leave(struct asg_group *g, struct instance *inst)
{
    if (!inst->rebalance.rebalancing)
        return;
    inst->rebalance.rebalancing = false;
    g->rebalance.rebalance_units -= inst->weight;
    ASG_ASSERT(g->rebalance.rebalance_units >= 0);
}

static void retry_event(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)p;
    struct asg_group *g = target;
    g->rebalance.retry_timer = 0;
    g->rebalance.nr_launch_retries++;
    sim_time cap = SIM_SEC(3600);
    g->rebalance.retry_after =
            g->rebalance.retry_after > cap / 2 ? cap : 2 * g->rebalance.retry_after;
    group__reconcile(g, NULL, group__capacity(g));
    if (!g->rebalance.retry_timer)
        g->rebalance.retry_after =
                0; /* it worked: the next failure waits the base interval again */
    replacement_start(g);
}

/* An AZ has EC2 capacity again: retry now, then rebalance (auto-scaling-benefits.html). */
static void outage_end_event(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    struct asg_group *g = target;
    g->rebalance.outage_timer[p->u] = 0;
    group__cancel(g, &g->rebalance.retry_timer);
    g->rebalance.retry_after = 0;
    group__reconcile(g, NULL, group__capacity(g));
    rebalance(g);
    replacement_start(g);
}

void rebalance_in_service(struct asg_group *g, struct instance *inst)
{
    if (!inst->rebalance.rebalancing)
        return;
    /* Launch before terminate: now one instance of the fullest AZ may go. Nothing may
       use inst after group__reconcile(), which may terminate it. */
    char *head = xstrdup(g->rebalance.rebalance_cause);
    rebalance_leave(g, inst);
    group__reconcile(g, head, group__capacity(g));
    free(head);
    if (g->rebalance.rebalance_units == 0)
        rebalance(g); /* the next round, until the AZs are even */
}

int64_t rebalance_pending_units(const struct asg_group *g)
{
    return g->rebalance.rebalance_units;
}

void rebalance_cancel_group(struct asg_group *g)
{
    group__cancel(g, &g->rebalance.retry_timer);
    group__cancel(g, &g->rebalance.backoff_timer);
    for (size_t i = 0; i < HEALTH_MAX_CAPACITY_OUTAGES; i++)
        group__cancel(g, &g->rebalance.outage_timer[i]);
}

void rebalance_release(struct asg_group *g)
{
    free(g->rebalance.rebalance_cause);
    g->rebalance.rebalance_cause = NULL;
}
