/* An Auto Scaling group at run time: launches, boots, terminations, AZ balance. */
#include "asgsim/asg.h"

#include "asgsim/util.h"

#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *const lifecycle_state_names[LIFECYCLE_NR] = {
    [LIFECYCLE_PENDING] = "Pending",
    [LIFECYCLE_IN_SERVICE] = "InService",
    [LIFECYCLE_TERMINATING] = "Terminating",
    [LIFECYCLE_TERMINATED] = "Terminated",
};

static void boot_done(struct sim_engine *eng, void *target, const union sim_payload *p);
static void terminate_done(struct sim_engine *eng, void *target, const union sim_payload *p);

static const struct sim_event_type boot_done_event = { "instance.boot_done", boot_done };
static const struct sim_event_type terminate_done_event = { "instance.terminate_done",
                                                            terminate_done };

static void spot_signal(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type spot_signal_event = { "instance.spot_signal", spot_signal };

enum spot_stage { SPOT_REBALANCE, SPOT_NOTICE, SPOT_INTERRUPT };

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

void asg_format_utc(int64_t start_epoch_s, sim_time t, char buf[21])
{
    int64_t s = start_epoch_s + t / SIM_US_PER_SEC;
    int64_t days = s / 86400, rem = s % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
}

void asg_group_init(struct asg_group *g, const struct asg_config *cfg,
                    const struct instance_type *type, const struct dist *boot_time,
                    int64_t start_epoch_s, struct sim_engine *eng, struct rng_set *rngs,
                    const struct asg_observer *obs)
{
    memset(g, 0, sizeof(*g));
    g->cfg = cfg;
    g->type = type;
    g->boot_time = boot_time;
    g->start_epoch_s = start_epoch_s;
    g->eng = eng;
    g->boot_rng = rng_set_stream(rngs, "boot-time");
    g->id_rng = rng_set_stream(rngs, "instance-ids");
    g->termination_rng = rng_set_stream(rngs, "termination");
    if (obs)
        g->obs = *obs;
    g->per_az = xcalloc(cfg->nr_azs, sizeof(*g->per_az));
    g->next_id = 1;
}

static void set_state(struct asg_group *g, struct instance *inst, enum lifecycle_state to,
                      const char *cause)
{
    enum lifecycle_state from = inst->state;
    g->nr_state[from]--;
    g->nr_state[to]++;
    inst->state = to;
    if (g->obs.transition)
        g->obs.transition(g->obs.ctx, inst, from, to, cause);
}

/* AWS launches into the enabled AZ with the fewest instances (auto-scaling-benefits.html). */
static size_t pick_launch_az(const struct asg_group *g)
{
    size_t best = 0;
    for (size_t i = 1; i < g->cfg->nr_azs; i++)
        if (g->per_az[i] < g->per_az[best])
            best = i;
    return best;
}

/* Capacity in units (WeightedCapacity); equals the instance count without weights. */
static int64_t capacity(const struct asg_group *g)
{
    return g->units;
}

void asg_group_set_market(struct asg_group *g, const struct asg_market_opts *o,
                          struct rng_set *rngs)
{
    ASG_ASSERT(g->nr_launched == 0);
    g->market = *o;
    g->spot_rng = rng_set_stream(rngs, "spot-interruptions");
    if (o->ec2)
        g->ec2_rng = rng_set_stream(rngs, "ec2-transitions");
}

static void on_ec2_state(void *ctx, struct ec2_instance *e, enum ec2_state from, enum ec2_state to);

/* Market, type and weight of the next launch into `az` (ec2-auto-scaling-mixed-instances-
   groups: On-Demand base first, then the percentage above it, rounded up for On-Demand). */
static void choose_market(struct asg_group *g, size_t az, struct instance *inst)
{
    inst->market = BILLING_ON_DEMAND;
    inst->type = g->type;
    inst->weight = 1;
    if (!g->cfg->has_mixed)
        return;
    const struct mixed_policy *mp = &g->cfg->mixed;
    ASG_ASSERT(g->market.catalog);
    size_t ov;
    if (g->units_by_market[BILLING_ON_DEMAND] < market_on_demand_target(mp, g->desired)) {
        ov = market_pick_on_demand(mp, g->market.catalog);
    } else {
        inst->market = BILLING_SPOT;
        int64_t *units = xcalloc(mp->nr_overrides, sizeof(*units));
        for (size_t i = 0; i < g->nr_live; i++) {
            const struct instance *o = g->live[i];
            if (o->market != BILLING_SPOT || o->az != az || o->state > LIFECYCLE_IN_SERVICE)
                continue;
            for (size_t k = 0; k < mp->nr_overrides; k++)
                if (!strcmp(mp->overrides[k].type, o->type->name))
                    units[k] += o->weight;
        }
        ov = market_pick_spot(mp, g->market.spot, g->market.catalog, g->cfg->azs[az], units);
        free(units);
    }
    inst->type = catalog_find(g->market.catalog, mp->overrides[ov].type);
    ASG_ASSERT(inst->type);
    inst->weight = mp->overrides[ov].weight;
}

static void schedule_spot_stage(struct asg_group *g, struct instance *inst, enum spot_stage st,
                                sim_time at)
{
    sim_time now = sim_now(g->eng);
    inst->spot_timer = sim_schedule(g->eng, at > now ? at - now : 0, &spot_signal_event, inst,
                                    (union sim_payload){ .i = st });
}

/* Draw when EC2 interrupts a new Spot instance; the signals come before it. */
static void plan_interruption(struct asg_group *g, struct instance *inst)
{
    inst->spot_notice_at = -1;
    inst->spot_interruption_at = -1;
    double rate = spot_interruption_rate(g->market.spot, inst->type->name, g->cfg->azs[inst->az]);
    if (inst->market != BILLING_SPOT || rate <= 0)
        return;
    sim_time now = sim_now(g->eng);
    double secs = gsl_ran_exponential(g->spot_rng, 3600.0 / rate);
    if (secs > 86400.0 * 36500)
        return; /* effectively never */
    sim_time t = sim_time_from_seconds(secs);
    inst->spot_interruption_at = now + t;
    sim_time notice = inst->spot_interruption_at - SPOT_NOTICE_US;
    inst->spot_notice_at = notice > now ? notice : now;
    sim_time lead = dist_sample_time(&g->market.spot->rebalance_lead, g->spot_rng);
    schedule_spot_stage(g, inst, SPOT_REBALANCE, inst->spot_notice_at - lead);
}

static void launch(struct asg_group *g, const char *cause_head, int64_t from, int64_t to)
{
    sim_time now = sim_now(g->eng);
    struct instance *inst = xcalloc(1, sizeof(*inst));
    inst->id = g->next_id++;
    /* 17 hex digits like a real instance id, from the run's own stream. */
    unsigned long hi = gsl_rng_get(g->id_rng) & 0xfu;
    unsigned long mid = gsl_rng_get(g->id_rng), lo = gsl_rng_get(g->id_rng);
    snprintf(inst->ec2_id, sizeof(inst->ec2_id), "i-%01lx%08lx%08lx", hi, mid & 0xffffffffu,
             lo & 0xffffffffu);
    inst->state = LIFECYCLE_PENDING;
    inst->az = pick_launch_az(g);
    choose_market(g, inst->az, inst);
    inst->launched_at = now;
    /* New instances inherit the group's setting (ec2-auto-scaling-instance-protection). */
    inst->protected_from_scale_in = g->cfg->new_instances_protected;
    inst->in_service_at = -1;
    inst->terminated_at = -1;
    inst->group = g;
    g->per_az[inst->az]++;
    g->nr_state[LIFECYCLE_PENDING]++;
    g->nr_launched++;
    g->nr_launched_by_market[inst->market]++;
    g->units += inst->weight;
    g->units_by_market[inst->market] += inst->weight;
    ALLOC_GROW(g->live, g->nr_live + 1, g->alloc_live);
    g->live[g->nr_live++] = inst;
    double price = inst->market == BILLING_SPOT
                           ? spot_price(g->market.spot, inst->type, g->cfg->azs[inst->az])
                           : inst->type->on_demand_usd_per_hour;
    if (g->market.ec2) {
        /* EC2 bills usage from running and EBS from launch (ec2-instance-lifecycle) */
        const struct ec2_launch_opts eo = {
            .market = inst->market,
            .usd_per_hour = price,
            .granularity = g->market.granularity,
            .root_volume_gib = g->market.root_volume_gib,
            .ebs_usd_per_gib_month = g->market.ebs_usd_per_gib_month,
            .month_hours = g->market.month_hours,
            .ledger = g->market.ledger,
            .meter = &inst->meter,
        };
        inst->uses_ec2 = true;
        ec2_instance_init(&inst->ec2, inst->type,
                          ec2_config_timing(g->market.ec2, inst->type->name), &eo, g->eng,
                          g->ec2_rng, on_ec2_state, inst);
        ec2_instance_launch(&inst->ec2);
    } else {
        billing_set_policy(&inst->meter, g->market.granularity, inst->market);
        if (g->market.ledger)
            billing_attach_ledger(&inst->meter, g->market.ledger, inst->type->name);
        billing_start(&inst->meter, now, price);
        /* EBS is billed from launch in every state (ec2-instance-lifecycle) */
        if (g->market.ebs_usd_per_gib_month > 0)
            billing_storage_start(&inst->meter, now, g->market.root_volume_gib,
                                  g->market.ebs_usd_per_gib_month, g->market.month_hours);
    }
    plan_interruption(g, inst);

    char stamp[21];
    asg_format_utc(g->start_epoch_s, now, stamp);
    /* AWS's wording (describe-scaling-activities): the cause names both steps. */
    inst->activity_cause = xasprintf("%s  At %s an instance was started in response to a "
                                     "difference between desired and actual capacity, increasing "
                                     "the capacity from %" PRId64 " to %" PRId64 ".",
                                     cause_head, stamp, from, to);
    if (g->obs.launched)
        g->obs.launched(g->obs.ctx, inst);
    sim_time boot = dist_sample_time(g->boot_time, g->boot_rng);
    inst->timer = sim_schedule(g->eng, boot, &boot_done_event, inst, (union sim_payload){ 0 });
}

static void report_launch_activity(struct asg_group *g, struct instance *inst, const char *status)
{
    if (!inst->activity_cause)
        return;
    if (g->obs.activity) {
        char *desc = xasprintf("Launching a new EC2 instance: %s", inst->ec2_id);
        struct asg_activity a = {
            .start = inst->launched_at,
            .end = inst->in_service_at,
            .description = desc,
            .cause = inst->activity_cause,
            .status = status,
            .desired_before = -1,
            .desired_after = -1,
            .ec2_id = inst->ec2_id,
        };
        g->obs.activity(g->obs.ctx, &a);
        free(desc);
    }
    free(inst->activity_cause);
    inst->activity_cause = NULL;
}

static void go_in_service(struct sim_engine *eng, struct instance *inst)
{
    struct asg_group *g = inst->group;
    inst->in_service_at = sim_now(eng);
    set_state(g, inst, LIFECYCLE_IN_SERVICE, "boot complete");
    report_launch_activity(g, inst, "Successful");
}

static void boot_done(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct instance *inst = target;
    inst->timer = 0;
    /* ASG Pending covers EC2 pending and the boot: wait for running if EC2 is slower. */
    if (inst->uses_ec2 && inst->ec2.state != EC2_RUNNING) {
        inst->boot_elapsed = true;
        return;
    }
    go_in_service(eng, inst);
}

static void remove_live(struct asg_group *g, struct instance *inst)
{
    for (size_t i = 0; i < g->nr_live; i++) {
        if (g->live[i] == inst) {
            /* Keep launch order: the order of /instances rows must not depend on removals. */
            memmove(&g->live[i], &g->live[i + 1], (g->nr_live - i - 1) * sizeof(*g->live));
            g->nr_live--;
            return;
        }
    }
    ASG_BUG("instance %u is not live", inst->id);
}

static void retire_terminated(struct sim_engine *eng, struct instance *inst)
{
    struct asg_group *g = inst->group;
    set_state(g, inst, LIFECYCLE_TERMINATED, "terminated");
    g->nr_terminated++;
    /* The root volume is deleted on termination by default (ec2-instance-lifecycle). */
    billing_storage_stop(&inst->meter, sim_now(eng));
    g->retired_cost_usd += billing_cost_usd(&inst->meter, sim_now(eng));
    g->retired_by_market_usd[inst->market] += billing_cost_usd(&inst->meter, sim_now(eng));
    g->retired_storage_usd += billing_storage_usd(&inst->meter, sim_now(eng));
    g->retired_billed_s += billing_seconds(&inst->meter, sim_now(eng));
    if (g->obs.retired)
        g->obs.retired(g->obs.ctx, inst, sim_now(eng));
    remove_live(g, inst);
    free(inst->activity_cause);
    free(inst);
}

static void terminate_done(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct instance *inst = target;
    inst->timer = 0;
    retire_terminated(eng, inst);
}

static void on_ec2_state(void *ctx, struct ec2_instance *e, enum ec2_state from, enum ec2_state to)
{
    (void)from;
    struct instance *inst = ctx;
    ASG_ASSERT(e == &inst->ec2);
    if (to == EC2_RUNNING && inst->boot_elapsed && inst->state == LIFECYCLE_PENDING)
        go_in_service(e->eng, inst);
    else if (to == EC2_TERMINATED)
        retire_terminated(e->eng, inst); /* frees inst: nothing may follow */
}

static void terminate_by(struct asg_group *g, struct instance *inst, const char *cause,
                         enum billing_end end)
{
    sim_time now = sim_now(g->eng);
    if (inst->timer)
        sim_cancel(g->eng, inst->timer);
    if (inst->spot_timer) {
        sim_cancel(g->eng, inst->spot_timer);
        inst->spot_timer = 0;
    }
    if (inst->state == LIFECYCLE_PENDING)
        report_launch_activity(g, inst, "Cancelled");
    g->per_az[inst->az]--;
    g->units -= inst->weight;
    g->units_by_market[inst->market] -= inst->weight;
    inst->terminated_at = now;
    set_state(g, inst, LIFECYCLE_TERMINATING, cause);
    if (inst->uses_ec2) {
        /* Terminating lasts while EC2 is shutting-down; EC2 stops the usage meter. */
        inst->timer = 0;
        int rc = ec2_instance_terminate(&inst->ec2, end);
        ASG_ASSERT(rc == 0);
        return;
    }
    /* EC2 stops charging when the instance enters shutting-down (ec2-instance-lifecycle);
       an interrupted Spot period follows billing-for-interrupted-spot-instances. */
    billing_stop_by(&inst->meter, now, end);
    inst->timer = sim_schedule(g->eng, 0, &terminate_done_event, inst, (union sim_payload){ 0 });
}

static void terminate(struct asg_group *g, struct instance *inst, const char *cause)
{
    terminate_by(g, inst, cause, BILLING_END_USER);
}

/*
 * Scale-in victim. Mixed groups first pick the purchase option that moves the group toward
 * its On-Demand/Spot split (ec2-auto-scaling-termination-policies, aws-behaviour.md §5.3);
 * the group's termination policies then choose among that option's instances, zonal balance
 * first (termination.h). NULL when every candidate is protected from scale-in.
 */
static struct instance *pick_victim(struct asg_group *g)
{
    sim_time now = sim_now(g->eng);
    bool by_market = false;
    enum billing_market m = BILLING_ON_DEMAND;
    if (g->cfg->has_mixed) {
        m = g->units_by_market[BILLING_ON_DEMAND] >
                            market_on_demand_target(&g->cfg->mixed, g->desired)
                    ? BILLING_ON_DEMAND
                    : BILLING_SPOT;
        by_market = g->units_by_market[m] > 0;
    }
    struct termination_candidate *c = xcalloc(g->nr_live ? g->nr_live : 1, sizeof(*c));
    struct instance **who = xcalloc(g->nr_live ? g->nr_live : 1, sizeof(*who));
    size_t n = 0;
    for (size_t i = 0; i < g->nr_live; i++) {
        struct instance *inst = g->live[i];
        if (inst->state > LIFECYCLE_IN_SERVICE || (by_market && inst->market != m))
            continue;
        who[n] = inst;
        c[n] = (struct termination_candidate){
            .az = inst->az,
            /* Protection "starts when the instance state is InService". */
            .protected_from_scale_in =
                    inst->protected_from_scale_in && inst->state == LIFECYCLE_IN_SERVICE,
            .template_version = 1,
            .launched_at = inst->launched_at,
            .to_next_billing_hour = billing_until_next_hour(&inst->meter, now),
        };
        n++;
    }
    long k = termination_pick(c, n, g->cfg->nr_azs, g->cfg->termination_policies,
                              g->cfg->nr_termination_policies, g->termination_rng);
    struct instance *victim = k >= 0 ? who[k] : NULL;
    free(c);
    free(who);
    return victim;
}

static void report_all_protected(struct asg_group *g)
{
    if (g->all_protected_reported || !g->obs.activity)
        return;
    g->all_protected_reported = true;
    struct asg_activity a = {
        .start = sim_now(g->eng),
        .end = sim_now(g->eng),
        .description = "Terminating EC2 instances",
        .cause = "Could not scale to desired capacity because all remaining instances are "
                 "protected from scale-in.",
        .status = "Failed",
        .desired_before = -1,
        .desired_after = g->desired,
        .ec2_id = "",
    };
    g->obs.activity(g->obs.ctx, &a);
}

static void reconcile(struct asg_group *g, const char *cause_head, int64_t from)
{
    while (capacity(g) < g->desired)
        launch(g, cause_head, from, g->desired);
    /* With weights the group may stay above desired by less than one instance's weight
       (aws-properties-as-group: MaxSize may be exceeded by up to the largest weight). */
    while (capacity(g) > g->desired) {
        struct instance *victim = pick_victim(g);
        if (!victim) {
            /* Desired capacity is still decremented, but nothing can be terminated until
               protection is removed (ec2-auto-scaling-instance-protection). */
            report_all_protected(g);
            break;
        }
        if (capacity(g) - victim->weight < g->desired && g->cfg->has_mixed)
            break;
        terminate(g, victim, "scale in");
    }
}

static void spot_signal(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct instance *inst = target;
    struct asg_group *g = inst->group;
    inst->spot_timer = 0;
    switch ((enum spot_stage)p->i) {
    case SPOT_REBALANCE:
        /* EC2 sends a rebalance recommendation before the notice (ec2-auto-scaling-capacity-
           rebalancing); CapacityRebalance is not modelled, so the group only records it. */
        g->nr_rebalance_recommendations++;
        if (g->market.spot_signal)
            g->market.spot_signal(g->market.spot_ctx, inst, "rebalance-recommendation");
        schedule_spot_stage(g, inst, SPOT_NOTICE, inst->spot_notice_at);
        return;
    case SPOT_NOTICE:
        g->nr_interruption_notices++;
        if (g->market.spot_signal)
            g->market.spot_signal(g->market.spot_ctx, inst, "interruption-notice");
        schedule_spot_stage(g, inst, SPOT_INTERRUPT, inst->spot_interruption_at);
        return;
    case SPOT_INTERRUPT:
        break;
    }
    g->nr_interruptions++;
    inst->interrupted = true;
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(eng), stamp);
    int64_t from = capacity(g);
    terminate_by(g, inst, "spot interruption", BILLING_END_INTERRUPTION);
    /* The group replaces the interrupted capacity (ec2-auto-scaling-capacity-rebalancing);
       asgsim does so at once, without waiting for a health check. Wording is asgsim's. */
    char *head = xasprintf("At %s an EC2 Spot interruption terminated instance %s.", stamp,
                           inst->ec2_id);
    reconcile(g, head, from - inst->weight);
    free(head);
}

void asg_group_create(struct asg_group *g)
{
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    g->desired = g->cfg->desired_capacity;
    char *head = xasprintf("At %s a user request created an AutoScalingGroup changing the desired "
                           "capacity from 0 to %" PRId64 ".",
                           stamp, g->desired);
    reconcile(g, head, 0);
    free(head);
}

void asg_group_set_desired(struct asg_group *g, int64_t desired, const char *cause)
{
    ASG_ASSERT(desired >= g->cfg->min_size && desired <= g->cfg->max_size);
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    char *head = xasprintf("At %s %s", stamp, cause);
    int64_t from = capacity(g);
    if (desired != g->desired)
        g->all_protected_reported = false;
    g->desired = desired;
    reconcile(g, head, from);
    free(head);
}

size_t asg_group_count(const struct asg_group *g, enum lifecycle_state state)
{
    return g->nr_state[state];
}

double asg_group_cost_usd(const struct asg_group *g, sim_time now)
{
    double usd = g->retired_cost_usd;
    for (size_t i = 0; i < g->nr_live; i++)
        usd += billing_cost_usd(&g->live[i]->meter, now);
    return usd;
}

void asg_group_cost_split(const struct asg_group *g, sim_time now, double *on_demand_usd,
                          double *spot_usd, double *storage_usd)
{
    double by[2] = { g->retired_by_market_usd[0], g->retired_by_market_usd[1] };
    double storage = g->retired_storage_usd;
    for (size_t i = 0; i < g->nr_live; i++) {
        const struct instance *inst = g->live[i];
        by[inst->market] += billing_cost_usd(&inst->meter, now);
        storage += billing_storage_usd(&inst->meter, now);
    }
    *on_demand_usd = by[BILLING_ON_DEMAND];
    *spot_usd = by[BILLING_SPOT];
    *storage_usd = storage;
}

int64_t asg_group_billed_seconds(const struct asg_group *g, sim_time now)
{
    int64_t s = g->retired_billed_s;
    for (size_t i = 0; i < g->nr_live; i++)
        s += billing_seconds(&g->live[i]->meter, now);
    return s;
}

void asg_group_finish(struct asg_group *g)
{
    sim_time now = sim_now(g->eng);
    for (size_t i = 0; i < g->nr_live; i++) {
        struct instance *inst = g->live[i];
        if (inst->timer) {
            sim_cancel(g->eng, inst->timer);
            inst->timer = 0;
        }
        if (inst->spot_timer) {
            sim_cancel(g->eng, inst->spot_timer);
            inst->spot_timer = 0;
        }
        if (inst->uses_ec2)
            ec2_instance_release(&inst->ec2);
        report_launch_activity(g, inst, "InProgress");
        if (g->obs.retired)
            g->obs.retired(g->obs.ctx, inst, now);
    }
}

void asg_group_release(struct asg_group *g)
{
    for (size_t i = 0; i < g->nr_live; i++) {
        if (g->live[i]->timer)
            sim_cancel(g->eng, g->live[i]->timer);
        if (g->live[i]->spot_timer)
            sim_cancel(g->eng, g->live[i]->spot_timer);
        if (g->live[i]->uses_ec2)
            ec2_instance_release(&g->live[i]->ec2);
        free(g->live[i]->activity_cause);
        free(g->live[i]);
    }
    free(g->live);
    free(g->per_az);
    g->live = NULL;
    g->per_az = NULL;
    g->nr_live = g->alloc_live = 0;
}
