/* Health at run time: instance failures, ELB and EC2 checks, partition and pool failures. */
#include "asgsim/health.h"

#include "group_int.h"

#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>

#include "asgsim/banned.h"

/* health_event payloads */
enum health_kind {
    HEALTH_EC2_FAILURE,
    HEALTH_ELB_FAILURE,
    HEALTH_ELB_REPLACE,
    HEALTH_POOL_FAILURE /* a warm pool instance fails its check (EC2 status or EBS) */
};

static void health_event(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type health_event_type = { "instance.health", health_event };
static void partition_event(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type partition_event_type = { "group.partition_failure",
                                                            partition_event };

void health_init(struct asg_group *g, struct rng_set *rngs, asg_health_fn *notify, void *ctx)
{
    const struct health_faults *f = &g->faults;
    g->health.notify = notify;
    g->health.ctx = ctx;
    if (f->instance_failures_per_hour > 0 || f->elb_failures_per_hour > 0)
        g->health.rng = rng_set_stream(rngs, "instance-failures");
    for (size_t i = 0; i < f->nr_partition_failures; i++) {
        ASG_ASSERT(g->cfg->has_placement && g->cfg->placement.strategy == PLACEMENT_PARTITION);
        g->health.partition_timer[i] =
                sim_schedule_at(g->eng, f->partition_failures[i].at, &partition_event_type, g,
                                (union sim_payload){ .u = i });
    }
    /* Its own stream, so that pool checks leave the InService failures' draws unchanged. */
    if (g->cfg->has_warm_pool && f->instance_failures_per_hour > 0)
        g->health.pool_rng = rng_set_stream(rngs, "warm-pool-failures");
}

static void notify(struct asg_group *g, struct instance *inst, const char *event)
{
    if (g->health.notify)
        g->health.notify(g->health.ctx, inst, event);
}

/*
 * Warm pool health (warm-pools-health-checks-monitor-view-status.html): no grace period,
 * checks from when the instance is ready in the pool (after its launch hooks); Running
 * instances by EC2 status checks, Stopped and Hibernated ones by their EBS volume status.
 * asgsim fails them at the scenario's InstanceFailureRate, from their own stream.
 */
void health_plan_pool_failure(struct asg_group *g, struct instance *inst)
{
    if (!g->health.pool_rng)
        return;
    double secs =
            gsl_ran_exponential(g->health.pool_rng, 3600.0 / g->faults.instance_failures_per_hour);
    if (secs > 86400.0 * 36500)
        return; /* effectively never */
    inst->health.timer = sim_schedule(g->eng, sim_time_from_seconds(secs), &health_event_type, inst,
                                      (union sim_payload){ .i = HEALTH_POOL_FAILURE });
}

void health_plan_failure(struct asg_group *g, struct instance *inst)
{
    double rate = g->faults.instance_failures_per_hour + g->faults.elb_failures_per_hour;
    if (!g->health.rng || rate <= 0)
        return;
    double secs = gsl_ran_exponential(g->health.rng, 3600.0 / rate);
    bool ec2 = gsl_rng_uniform(g->health.rng) * rate < g->faults.instance_failures_per_hour;
    if (secs > 86400.0 * 36500)
        return; /* effectively never */
    inst->health.timer =
            sim_schedule(g->eng, sim_time_from_seconds(secs), &health_event_type, inst,
                         (union sim_payload){ .i = ec2 ? HEALTH_EC2_FAILURE : HEALTH_ELB_FAILURE });
}

void health_cancel(struct asg_group *g, struct instance *inst)
{
    group__cancel(g, &inst->health.timer);
}

void health_cancel_group(struct asg_group *g)
{
    for (size_t i = 0; i < HEALTH_MAX_PARTITION_FAILURES; i++)
        group__cancel(g, &g->health.partition_timer[i]);
}

/* EC2's cause for an instance that is not running (terminated or stopped). */
static char *ec2_check_cause(const struct asg_group *g)
{
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    return xasprintf("At %s an instance was taken out of service in response to a EC2 "
                     "health check indicating it has been terminated or stopped.",
                     stamp);
}

void health_replace_unhealthy(struct asg_group *g, struct instance *inst)
{
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    g->health.nr_health_replacements++;
    /* AWS's wording, verified in real Auto Scaling notifications (2015-2018)
       quoted in public repositories; the user guide does not quote it. */
    group__replace(g, inst, "ELB health check",
                   xasprintf("At %s an instance was taken out of service in response to a "
                             "ELB system health check failure.",
                             stamp));
}

static void health_event(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct instance *inst = target;
    struct asg_group *g = inst->group;
    inst->health.timer = 0;
    switch ((enum health_kind)p->i) {
    case HEALTH_EC2_FAILURE:
        /* A non-running EC2 state is an immediate failure, grace period or not. */
        g->health.nr_instance_failures[0]++;
        g->health.nr_health_replacements++;
        notify(g, inst, "ec2-unhealthy");
        group__replace(g, inst, "EC2 health check", ec2_check_cause(g));
        return;
    case HEALTH_ELB_FAILURE: {
        g->health.nr_instance_failures[1]++;
        inst->health.elb_unhealthy = true;
        notify(g, inst, "elb-unhealthy");
        /* Without the ELB check type the group never learns of it: the instance stays
           InService, unhealthy, and "never automatically recovers". */
        if (!g->cfg->health_check_elb)
            return;
        /* ELB checks count only after the grace period, from InService (health.h). */
        sim_time ready = inst->in_service_at + g->cfg->health_check_grace;
        inst->health.timer = sim_schedule(eng, ready > sim_now(eng) ? ready - sim_now(eng) : 0,
                                          &health_event_type, inst,
                                          (union sim_payload){ .i = HEALTH_ELB_REPLACE });
        return;
    }
    case HEALTH_ELB_REPLACE:
        /* an ELB failure overtakes a lifetime replacement it was waiting for */
        replacement_due(g, inst, ASG_REPLACE_ELB);
        return;
    case HEALTH_POOL_FAILURE:
        /* "Unhealthy pool instances are replaced" (warm-pools-health-checks-monitor-view-
           status.html): asgsim terminates it at once and refills the pool. */
        g->health.nr_pool_health_replacements++;
        notify(g, inst, "ec2-unhealthy");
        group__terminate(g, inst, "warm pool health check");
        warm_pool_refill(g);
        return;
    }
}

/*
 * A partition of the placement group fails: every instance in it stops. The group sees
 * failed EC2 health checks and replaces them (placement-groups.html: partitions do not
 * share racks, so a rack failure takes only that partition's instances).
 */
static void partition_event(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    struct asg_group *g = target;
    const struct partition_failure *pf = &g->faults.partition_failures[p->u];
    g->health.partition_timer[p->u] = 0;
    struct instance **hit = xcalloc(g->nr_live ? g->nr_live : 1, sizeof(*hit));
    size_t n = 0;
    for (size_t i = 0; i < g->nr_live; i++) {
        struct instance *inst = g->live[i];
        if (inst->az == pf->az && placement_instance_partition(&inst->placement) == pf->partition &&
            (inst->state <= LIFECYCLE_IN_SERVICE || group__in_pool(inst->state)))
            hit[n++] = inst;
    }
    for (size_t i = 0; i < n; i++) {
        struct instance *inst = hit[i];
        g->health.nr_partition_failed++;
        /* No longer running there: EC2 spreads the replacements over the partitions again. */
        placement_release_instance(&g->placement, inst->az, &inst->placement);
        notify(g, inst, "ec2-unhealthy");
        if (group__in_pool(inst->state)) {
            group__terminate(g, inst, "partition failure");
            continue;
        }
        g->health.nr_health_replacements++;
        group__replace(g, inst, "partition failure", ec2_check_cause(g));
    }
    free(hit);
    warm_pool_refill(g);
}
