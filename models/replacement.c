/* Paced replacements: ELB-unhealthy instances and MaxInstanceLifetime, batch by batch. */
#include "asgsim/replacement.h"

#include "group_int.h"

#include "asgsim/asg.h"
#include "asgsim/util.h"

#include "asgsim/banned.h"

static void lifetime_event(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type lifetime_event_type = { "instance.max_lifetime",
                                                           lifetime_event };
static void batch_settled(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type batch_settled_type = { "instance.replacement_settled",
                                                          batch_settled };
static void batch_kick_event(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type batch_kick_type = { "group.replacement_batch",
                                                       batch_kick_event };

void replacement_instance_init(struct instance *inst)
{
    inst->replacement.replace_due_at = -1;
}

/* A launch (or warm start) made to replace an unhealthy instance joins its batch. */
void replacement_tag(struct asg_group *g, struct instance *inst)
{
    if (!g->replacement.tag_batch)
        return;
    inst->replacement.batch = g->replacement.tag_batch;
    g->replacement.nr_in_batch[inst->replacement.batch]++;
}

void replacement_in_service(struct asg_group *g, struct instance *inst)
{
    struct sim_engine *eng = g->eng;
    if (g->cfg->max_instance_lifetime > 0 && !inst->protected_from_scale_in) {
        sim_time due = inst->launched_at + g->cfg->max_instance_lifetime - sim_now(eng);
        inst->replacement.lifetime_timer = sim_schedule(
                eng, due > 0 ? due : 0, &lifetime_event_type, inst, (union sim_payload){ 0 });
    }
    if (inst->replacement.batch) {
        /* The batch waits for the initial health check and the warmup (health.h). */
        sim_time wait = g->cfg->health_check_grace +
                        (g->cfg->has_default_instance_warmup ? g->cfg->default_instance_warmup : 0);
        inst->replacement.batch_timer =
                sim_schedule(eng, wait, &batch_settled_type, inst, (union sim_payload){ 0 });
    }
}

/* `inst` waits for a paced replacement of `kind` from now (replacement_start()). */
static void set_replace_due(struct asg_group *g, struct instance *inst, enum asg_replace_kind kind)
{
    struct instance_replacement *r = &inst->replacement;
    if (r->replace_due_at >= 0) /* an ELB failure overtakes a lifetime wait */
        g->replacement.nr_replace_waiting[r->replace_due]--;
    r->replace_due_at = sim_now(g->eng);
    r->replace_due = (int)kind;
    g->replacement.nr_replace_waiting[kind]++;
}

static void clear_replace_due(struct asg_group *g, struct instance *inst)
{
    struct instance_replacement *r = &inst->replacement;
    if (r->replace_due_at < 0)
        return;
    g->replacement.nr_replace_waiting[r->replace_due]--;
    r->replace_due_at = -1;
}

void replacement_due(struct asg_group *g, struct instance *inst, enum asg_replace_kind kind)
{
    set_replace_due(g, inst, kind);
    replacement_start(g);
}

static void lifetime_event(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)p;
    struct instance *inst = target;
    inst->replacement.lifetime_timer = 0;
    replacement_due(inst->group, inst, ASG_REPLACE_LIFETIME);
}

/*
 * MaxInstanceLifetime's faster pace: 10 % of current capacity (Pending and InService
 * instances, from the state counts), rounded up, at least one.
 */
static size_t lifetime_batch_limit(const struct asg_group *g)
{
    size_t n = g->nr_state[LIFECYCLE_PENDING] + g->nr_state[LIFECYCLE_PENDING_WAIT] +
               g->nr_state[LIFECYCLE_PENDING_PROCEED] + g->nr_state[LIFECYCLE_IN_SERVICE];
    return n > 10 ? (n + 9) / 10 : 1;
}

/* MaxInstanceLifetime's replacement of `inst`, now. */
static void replace_for_lifetime(struct asg_group *g, struct instance *inst)
{
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    g->replacement.nr_lifetime_replacements++;
    /* asgsim's wording: AWS's cause for this replacement is not in the reference */
    group__replace(g, inst, "max instance lifetime",
                   xasprintf("At %s an instance was taken out of service because it "
                             "reached the group's maximum instance lifetime.",
                             stamp));
}

/*
 * Paced replacements; each batch waits for its replacements' initial health check (the
 * grace period) and the default instance warmup, oldest first within a kind.
 *  - ELB-unhealthy instances (ec2-auto-scaling-health-checks.html, aws-behaviour.md §2):
 *    at most 10 % of desired capacity at a time, or one when 10 % is less than one.
 *    Instances that are not running (EC2 failures) are replaced at once, not here.
 *  - MaxInstanceLifetime (asg-max-instance-lifetime.html, §5.7): instances are "usually replaced
 *    one at a time with pauses"; the pause is asgsim's: health check plus warmup. When that is
 *    too slow (asgsim's test, replacement.h: more than two waiting or settling), up to 10 % of
 *    current capacity, rounded up, at once ("by up to 10 percent of the current capacity").
 */
void replacement_start(struct asg_group *g)
{
    struct replacement_state *s = &g->replacement;
    for (int k = ASG_REPLACE_ELB; k < ASG_REPLACE_NR; k++) {
        size_t limit = k == ASG_REPLACE_ELB && g->desired / 10 > 1 ? (size_t)(g->desired / 10) : 1;
        /* MaxInstanceLifetime too short for one at a time (replacement.h): one at a time, the
           last waiting instance would wait more than one replacement for its turn. */
        if (k == ASG_REPLACE_LIFETIME && s->nr_replace_waiting[k] + s->nr_in_batch[k] > 2)
            limit = lifetime_batch_limit(g);
        while (s->nr_in_batch[k] < limit) {
            struct instance *due = NULL;
            for (size_t i = 0; i < g->nr_live; i++) {
                struct instance *c = g->live[i];
                if (c->replacement.replace_due_at >= 0 && c->replacement.replace_due == k &&
                    c->state == LIFECYCLE_IN_SERVICE &&
                    (!due || c->replacement.replace_due_at < due->replacement.replace_due_at))
                    due = c;
            }
            if (!due)
                break;
            clear_replace_due(g, due);
            size_t before = s->nr_in_batch[k];
            s->tag_batch = k;
            if (k == ASG_REPLACE_ELB)
                health_replace_unhealthy(g, due);
            else
                replace_for_lifetime(g, due);
            s->tag_batch = ASG_REPLACE_NONE;
            if (s->nr_in_batch[k] == before)
                break; /* nothing launched (no capacity): the retry starts the rest */
        }
    }
}

static void batch_kick_event(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)p;
    struct asg_group *g = target;
    g->replacement.batch_kick = 0;
    replacement_start(g);
}

/* A batch member left the batch: start the next replacements from an event of their own. */
static void kick_replacements(struct asg_group *g)
{
    if (!g->replacement.batch_kick)
        g->replacement.batch_kick =
                sim_schedule(g->eng, 0, &batch_kick_type, g, (union sim_payload){ 0 });
}

static void batch_settled(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)p;
    struct instance *inst = target;
    struct asg_group *g = inst->group;
    inst->replacement.batch_timer = 0;
    g->replacement.nr_in_batch[inst->replacement.batch]--;
    inst->replacement.batch = ASG_REPLACE_NONE;
    replacement_start(g);
}

void replacement_leave(struct asg_group *g, struct instance *inst)
{
    if (inst->replacement.batch) {
        g->replacement.nr_in_batch[inst->replacement.batch]--;
        inst->replacement.batch = ASG_REPLACE_NONE;
        kick_replacements(g);
    }
    clear_replace_due(g, inst);
}

void replacement_cancel_lifetime(struct asg_group *g, struct instance *inst)
{
    group__cancel(g, &inst->replacement.lifetime_timer);
}

void replacement_cancel(struct asg_group *g, struct instance *inst)
{
    group__cancel(g, &inst->replacement.lifetime_timer);
    group__cancel(g, &inst->replacement.batch_timer);
}

void replacement_cancel_group(struct asg_group *g)
{
    group__cancel(g, &g->replacement.batch_kick);
}
