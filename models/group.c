/* An Auto Scaling group at run time: launches, boots, terminations, AZ balance. */
#include "group_int.h"

#include "asgsim/asg.h"
#include "asgsim/sha256.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"

#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *const lifecycle_state_names[LIFECYCLE_NR] = {
    [LIFECYCLE_PENDING] = "Pending",
    [LIFECYCLE_PENDING_WAIT] = "Pending:Wait",
    [LIFECYCLE_PENDING_PROCEED] = "Pending:Proceed",
    [LIFECYCLE_IN_SERVICE] = "InService",
    [LIFECYCLE_TERMINATING] = "Terminating",
    [LIFECYCLE_TERMINATING_WAIT] = "Terminating:Wait",
    [LIFECYCLE_TERMINATING_PROCEED] = "Terminating:Proceed",
    [LIFECYCLE_TERMINATED] = "Terminated",
    [LIFECYCLE_WARMED_PENDING] = "Warmed:Pending",
    [LIFECYCLE_WARMED_PENDING_WAIT] = "Warmed:Pending:Wait",
    [LIFECYCLE_WARMED_PENDING_PROCEED] = "Warmed:Pending:Proceed",
    [LIFECYCLE_WARMED_STOPPED] = "Warmed:Stopped",
    [LIFECYCLE_WARMED_RUNNING] = "Warmed:Running",
    [LIFECYCLE_WARMED_HIBERNATED] = "Warmed:Hibernated",
    [LIFECYCLE_WARMED_TERMINATING] = "Warmed:Terminating",
    [LIFECYCLE_WARMED_TERMINATING_WAIT] = "Warmed:Terminating:Wait",
    [LIFECYCLE_WARMED_TERMINATING_PROCEED] = "Warmed:Terminating:Proceed",
    [LIFECYCLE_WARMED_TERMINATED] = "Warmed:Terminated",
};

static void boot_done(struct sim_engine *eng, void *target, const union sim_payload *p);

static const struct sim_event_type boot_done_event = { "instance.boot_done", boot_done };

void asg_format_utc(int64_t start_epoch_s, sim_time t, char buf[21])
{
    /* Whole seconds, rounded down even before 1970 (AWS stamps have no fractions). */
    int64_t s = t / SIM_US_PER_SEC - (t % SIM_US_PER_SEC < 0);
    utc_format(start_epoch_s + s, buf);
}

void asg_group_init(struct asg_group *g, const struct asg_config *cfg,
                    const struct instance_type *type, const struct dist *boot_time,
                    int64_t start_epoch_s, struct sim_engine *eng, struct rng_set *rngs,
                    const struct asg_observer *obs)
{
    memset(g, 0, sizeof(*g));
    g->cfg = cfg;
    g->min_size = cfg->min_size;
    g->max_size = cfg->max_size;
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
    if (cfg->has_placement)
        placement_init(&g->placement, &cfg->placement, cfg->nr_azs);
    launch_template_init(&g->templates);
    lifecycle_hooks_init(&g->hooks, cfg->nr_hooks, rngs);
    termination_index_init(&g->scalein, cfg->nr_azs, cfg->termination_policies,
                           cfg->nr_termination_policies);
    g->census.first_seq = g->census.next_seq = 1; /* 0: an instance never logged */
}

void asg_group_set_faults(struct asg_group *g, const struct health_faults *f, struct rng_set *rngs,
                          asg_health_fn *health, void *ctx)
{
    ASG_ASSERT(g->nr_launched == 0);
    ASG_ASSERT(f->instance_failures_per_hour >= 0 && f->elb_failures_per_hour >= 0);
    g->faults = *f;
    health_init(g, rngs, health, ctx);
    rebalance_init(g);
}

/*
 * What the termination policies look at (termination.h) for a Pending or InService
 * instance. Launch configurations, other templates and allocation excess are not set by
 * the group today: they score alike for every instance.
 */
static void scalein_entry(const struct instance *inst, struct termination_entry *e)
{
    *e = (struct termination_entry){
        .c = {
            .az = inst->az,
            /* Protection "starts when the instance state is InService". */
            .protected_from_scale_in =
                    inst->protected_from_scale_in && inst->state == LIFECYCLE_IN_SERVICE,
            .template_version = inst->template_version,
            .launched_at = inst->launched_at,
        },
        .billing_running = inst->meter.running,
        .billing_period_start = inst->meter.period_start,
        .id = inst->id,
        .market = inst->market,
    };
}

/* Bring inst's scale-in index entry up to date: after a state, meter or protection change. */
static void scalein_update(struct asg_group *g, struct instance *inst)
{
    if (inst->state > LIFECYCLE_IN_SERVICE) {
        termination_index_set(&g->scalein, &inst->scalein, inst, NULL);
        return;
    }
    struct termination_entry e;
    scalein_entry(inst, &e);
    termination_index_set(&g->scalein, &inst->scalein, inst, &e);
}

void group__set_state(struct asg_group *g, struct instance *inst, enum lifecycle_state to,
                      const char *cause)
{
    enum lifecycle_state from = inst->state;
    g->nr_state[from]--;
    g->nr_state[to]++;
    inst->state = to;
    scalein_update(g, inst);
    group__census_move(g, inst, (int)from, (int)to);
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
int64_t group__capacity(const struct asg_group *g)
{
    return g->units;
}

void asg_group_set_market(struct asg_group *g, const struct asg_market_opts *o,
                          struct rng_set *rngs)
{
    ASG_ASSERT(g->nr_launched == 0);
    g->market = *o;
    g->spot.rng = rng_set_stream(rngs, "spot-interruptions");
    if (o->ec2)
        g->ec2_rng = rng_set_stream(rngs, "ec2-transitions");
}

static void on_ec2_state(void *ctx, struct ec2_instance *e, enum ec2_state from, enum ec2_state to);

/* Any Warmed:* state, leaving the pool included. */
static bool warmed(enum lifecycle_state s)
{
    return s >= LIFECYCLE_WARMED_PENDING;
}

/*
 * Where the placement group lets the launch go: `first`, else the other AZs with the fewest
 * instances first ("retried in another AZ"). Sets inst->az, market and partition. false
 * with *error (AWS's words) when no AZ can take it.
 */
static bool place(struct asg_group *g, struct instance *inst, size_t first, const char **error)
{
    size_t n = g->cfg->nr_azs;
    bool *tried = xcalloc(n, sizeof(*tried));
    size_t az = first;
    bool ok = false;
    for (size_t k = 0; k < n && !ok; k++) {
        if (k > 0) {
            size_t best = n;
            for (size_t i = 0; i < n; i++)
                if (!tried[i] && (best == n || g->per_az[i] < g->per_az[best]))
                    best = i;
            az = best;
        }
        tried[az] = true;
        inst->az = az;
        spot_choose_market(g, az, inst);
        ok = !rebalance_out_of_capacity(g, az, inst->type->name, error);
        if (ok && g->cfg->has_placement) {
            ok = placement_place_instance(&g->placement, az, inst->type->name, &inst->placement,
                                          error) == 0;
        }
    }
    free(tried);
    return ok;
}

/*
 * A failed launch as AWS reports it (describe-scaling-activities, seen in
 * kubernetes/autoscaler#1263): description "Launching a new EC2 instance.  Status Reason:
 * <EC2's message> Launching EC2 instance failed.", cause the launch's usual cause.
 */
static void report_failed_launch(struct asg_group *g, const char *cause, const char *error)
{
    if (!g->obs.activity)
        return;
    char *description = xasprintf("Launching a new EC2 instance.  Status Reason: %s", error);
    struct asg_activity a = {
        .start = sim_now(g->eng),
        .end = sim_now(g->eng),
        .description = description,
        .cause = cause,
        .status = "Failed",
        .desired_before = -1,
        .desired_after = g->desired,
        .ec2_id = "",
    };
    g->obs.activity(g->obs.ctx, &a);
    free(description);
}

/*
 * The cause of a launch for capacity: "<head>  At T an instance was started in response to
 * a difference between desired and actual capacity, increasing the capacity from A to B."
 * (describe-scaling-activities). `head` may be NULL (a retry). Warm pool launches are not
 * scaling activities of the group in asgsim; their failures get asgsim's own sentence.
 */
char *group__launch_cause(const struct asg_group *g, const char *head, int64_t from, int64_t to,
                          bool into_pool)
{
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    if (into_pool)
        return xasprintf("At %s an instance was launched into the warm pool to keep it at its "
                         "size.",
                         stamp);
    return xasprintf("%s%sAt %s an instance was started in response to a difference between "
                     "desired and actual capacity, increasing the capacity from %" PRId64
                     " to %" PRId64 ".",
                     head ? head : "", head && *head ? "  " : "", stamp, from, to);
}

/*
 * Launch a new instance into the group (Pending), or into the warm pool (Warmed:Pending),
 * with `cause` (owned; NULL for the pool) as its activity's cause. NULL when no AZ can
 * place it (the placement group or EC2's capacity): nothing launched, a Failed activity.
 */
struct instance *group__launch(struct asg_group *g, char *cause, bool into_pool)
{
    sim_time now = sim_now(g->eng);
    struct instance *inst = xcalloc(1, sizeof(*inst));
    placement_instance_init(&inst->placement);
    replacement_instance_init(inst);
    size_t az = into_pool ? warm_pool_pick_az(g) : pick_launch_az(g);
    const char *error = NULL;
    if ((g->cfg->has_placement || g->faults.nr_capacity_outages > 0) &&
        !place(g, inst, az, &error)) {
        g->nr_launch_failures++;
        char *why = cause ? cause : group__launch_cause(g, NULL, 0, 0, true);
        report_failed_launch(g, why, error);
        free(why);
        free(inst);
        return NULL;
    }
    inst->id = g->next_id++;
    /* 17 hex digits like a real instance id, from the run's own stream. */
    unsigned long hi = gsl_rng_get(g->id_rng) & 0xfu;
    unsigned long mid = gsl_rng_get(g->id_rng), lo = gsl_rng_get(g->id_rng);
    snprintf(inst->ec2_id, sizeof(inst->ec2_id), "i-%01lx%08lx%08lx", hi, mid & 0xffffffffu,
             lo & 0xffffffffu);
    ASG_ASSERT(!into_pool || g->market.ec2); /* pool states need EC2's stop and start */
    inst->state = into_pool ? LIFECYCLE_WARMED_PENDING : LIFECYCLE_PENDING;
    inst->left_pool_at = -1;
    if (!g->cfg->has_placement && g->faults.nr_capacity_outages == 0) {
        inst->az = az;
        spot_choose_market(g, inst->az, inst);
    }
    inst->template_version = launch_template_current(&g->templates);
    inst->initial = g->creating && !into_pool;
    inst->launched_at = now;
    /* New instances inherit the group's setting (ec2-auto-scaling-instance-protection). */
    inst->protected_from_scale_in = g->cfg->new_instances_protected;
    inst->in_service_at = -1;
    inst->terminated_at = -1;
    inst->group = g;
    g->nr_state[inst->state]++;
    group__census_move(g, inst, -1, (int)inst->state);
    g->nr_launched++;
    g->nr_launched_by_market[inst->market]++;
    if (!into_pool) {
        g->per_az[inst->az]++;
        g->units += inst->weight;
        g->units_by_market[inst->market] += inst->weight;
    }
    ALLOC_GROW(g->live, g->nr_live + 1, g->alloc_live);
    g->live[g->nr_live++] = inst;
    double price = inst->market == BILLING_SPOT
                           ? spot_price(g->market.spot, inst->type, g->cfg->azs[inst->az])
                           : inst->type->on_demand_usd_per_hour;
    /* EC2 bills usage from running and EBS from launch (ec2-instance-lifecycle). Without
       Instances: Timing (and a warm pool) the instance is untimed (ec2.h): running, and
       billed, from launch. */
    billing_attach_total(&inst->meter, &g->billing);
    const struct ec2_launch_opts eo = {
        .market = inst->market,
        .usd_per_hour = price,
        .granularity = g->market.granularity,
        .root_volume_gib = g->market.root_volume_gib,
        .ebs_usd_per_gib_month = g->market.ebs_usd_per_gib_month,
        .month_hours = g->market.month_hours,
        .ledger = g->market.ledger,
        .meter = &inst->meter,
        .hibernation_enabled = g->market.hibernation,
    };
    ec2_instance_init(&inst->ec2, inst->type,
                      g->market.ec2 ? ec2_config_timing(g->market.ec2, inst->type->name) : NULL,
                      &eo, g->eng, g->ec2_rng, on_ec2_state, inst);
    ec2_instance_launch(&inst->ec2);
    scalein_update(g, inst);
    spot_plan_interruption(g, inst);

    /* Launches into the warm pool are not scaling activities of the group in asgsim. */
    inst->activity_cause = into_pool ? NULL : cause;
    if (into_pool)
        free(cause);
    else
        replacement_tag(g, inst);
    if (g->obs.launched)
        g->obs.launched(g->obs.ctx, inst);
    sim_time boot = dist_sample_time(g->boot_time, g->boot_rng);
    inst->timer = sim_schedule(g->eng, boot, &boot_done_event, inst, (union sim_payload){ 0 });
    return inst;
}

/*
 * Report one instance's activity and free its pending cause (*cause; nothing to do when
 * NULL). `description` is complete; `end` -1 means still in progress.
 */
static void report_activity(struct asg_group *g, struct instance *inst, char **cause,
                            char *description, sim_time start, sim_time end, const char *status)
{
    if (*cause && g->obs.activity) {
        struct asg_activity a = {
            .start = start,
            .end = end,
            .description = description,
            .cause = *cause,
            .status = status,
            .desired_before = -1,
            .desired_after = -1,
            .ec2_id = inst->ec2_id,
        };
        g->obs.activity(g->obs.ctx, &a);
    }
    free(description);
    free(*cause);
    *cause = NULL;
}

static void report_launch_activity(struct asg_group *g, struct instance *inst, const char *status)
{
    if (!inst->activity_cause)
        return;
    bool warm = inst->left_pool_at >= 0;
    /* asgsim's wording for a warm start; AWS's is not in the reference */
    report_activity(
            g, inst, &inst->activity_cause,
            warm ? xasprintf("Launching an EC2 instance from the warm pool: %s", inst->ec2_id)
                 : xasprintf("Launching a new EC2 instance: %s", inst->ec2_id),
            warm ? inst->left_pool_at : inst->launched_at, inst->in_service_at, status);
}

/* The activity of a termination the group started (scale-in, health, lifetime). */
static void report_terminate_activity(struct asg_group *g, struct instance *inst,
                                      const char *status)
{
    if (!inst->terminate_cause)
        return;
    report_activity(g, inst, &inst->terminate_cause,
                    xasprintf("Terminating EC2 instance: %s", inst->ec2_id), inst->terminated_at,
                    strcmp(status, "InProgress") ? sim_now(g->eng) : -1, status);
}

static void go_in_service(struct sim_engine *eng, struct instance *inst, const char *cause);

/*
 * A launch a hook abandoned, as AWS reports it (knowledge-center/lifecycle-actions-code-deploy):
 * status Cancelled, description "Launching a new EC2 instance: i-....  Status Reason: Instance
 * failed to complete user's Lifecycle Action: Lifecycle Action with token <uuid> was
 * abandoned: Lifecycle Action Completed with ABANDON Result" (": Heartbeat Timeout" when the
 * hook timed out), the launch's usual cause. The token is derived from the instance id, so
 * that no random stream moves.
 */
static void report_abandoned_launch(struct asg_group *g, struct instance *inst)
{
    if (!inst->activity_cause)
        return;
    uint8_t h[32];
    sha256(inst->ec2_id, strlen(inst->ec2_id), h);
    char token[37], *p = token;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        p += snprintf(p, 3, "%02x", h[i]);
    }
    bool warm = inst->left_pool_at >= 0;
    report_activity(g, inst, &inst->activity_cause,
                    xasprintf("Launching %s: %s.  Status Reason: Instance failed to complete "
                              "user's Lifecycle Action: Lifecycle Action with token %s was "
                              "abandoned: %s",
                              warm ? "an EC2 instance from the warm pool" : "a new EC2 instance",
                              inst->ec2_id, token,
                              inst->hooks.timed_out ? "Heartbeat Timeout"
                                                    : "Lifecycle Action Completed with ABANDON "
                                                      "Result"),
                    warm ? inst->left_pool_at : inst->launched_at, sim_now(g->eng), "Cancelled");
}

/* The instance has booted (and EC2 runs it): launch hooks first, if any. */
void group__boot_complete(struct sim_engine *eng, struct instance *inst)
{
    struct asg_group *g = inst->group;
    if (inst->state == LIFECYCLE_WARMED_PENDING) {
        /* Entering the pool: the launch hooks' first pause (warm-pool-instance-lifecycle) */
        if (lifecycle_hooks_has(g->cfg, HOOK_LAUNCHING)) {
            group__set_state(g, inst, LIFECYCLE_WARMED_PENDING_WAIT, "lifecycle hook");
            lifecycle_hooks_start(g, inst, HOOK_LAUNCHING);
            return;
        }
        warm_pool_ready(g, inst);
        return;
    }
    if (lifecycle_hooks_has(g->cfg, HOOK_LAUNCHING)) {
        group__set_state(g, inst, LIFECYCLE_PENDING_WAIT, "lifecycle hook");
        lifecycle_hooks_start(g, inst, HOOK_LAUNCHING);
        return;
    }
    go_in_service(eng, inst, "boot complete");
}

static void go_in_service(struct sim_engine *eng, struct instance *inst, const char *cause)
{
    struct asg_group *g = inst->group;
    inst->in_service_at = sim_now(eng);
    group__set_state(g, inst, LIFECYCLE_IN_SERVICE, cause);
    report_launch_activity(g, inst, "Successful");
    rebalance_launch_succeeded(g);
    health_plan_failure(g, inst);
    replacement_in_service(g, inst);
    rebalance_in_service(g, inst); /* last: it may terminate inst */
}

static void boot_done(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct instance *inst = target;
    inst->timer = 0;
    /* ASG Pending covers EC2 pending and the boot: wait for running if EC2 is slower. */
    if (inst->ec2.state != EC2_RUNNING) {
        inst->boot_elapsed = true;
        return;
    }
    group__boot_complete(eng, inst);
}

static void remove_live(struct asg_group *g, struct instance *inst)
{
    /* live[] is in launch order, which is id order: a binary search finds it. */
    size_t lo = 0, hi = g->nr_live;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->live[mid]->id < inst->id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == g->nr_live || g->live[lo] != inst)
        ASG_BUG("instance %u is not live", inst->id);
    /* Keep launch order: the order of /instances rows must not depend on removals. A
       memmove of pointers: a few microseconds at 100,000 instances. */
    memmove(&g->live[lo], &g->live[lo + 1], (g->nr_live - lo - 1) * sizeof(*g->live));
    g->nr_live--;
}

static void retire_terminated(struct sim_engine *eng, struct instance *inst)
{
    struct asg_group *g = inst->group;
    group__set_state(g, inst,
                     warmed(inst->state) ? LIFECYCLE_WARMED_TERMINATED : LIFECYCLE_TERMINATED,
                     "terminated");
    g->nr_terminated++;
    report_terminate_activity(g, inst, "Successful");
    /* The root volume is deleted on termination by default (ec2-instance-lifecycle). */
    billing_storage_stop(&inst->meter, sim_now(eng));
    g->retired_cost_usd += billing_cost_usd(&inst->meter, sim_now(eng));
    g->retired_billed_s += billing_seconds(&inst->meter, sim_now(eng));
    if (g->obs.retired)
        g->obs.retired(g->obs.ctx, inst, sim_now(eng));
    placement_release_instance(&g->placement, inst->az, &inst->placement);
    remove_live(g, inst);
    free(inst->activity_cause);
    free(inst->terminate_cause);
    free(inst);
}

static void on_ec2_state(void *ctx, struct ec2_instance *e, enum ec2_state from, enum ec2_state to)
{
    (void)from;
    struct instance *inst = ctx;
    ASG_ASSERT(e == &inst->ec2);
    scalein_update(inst->group, inst); /* the meter may have started or stopped */
    if (to == EC2_RUNNING && inst->boot_elapsed &&
        (inst->state == LIFECYCLE_PENDING || inst->state == LIFECYCLE_WARMED_PENDING))
        group__boot_complete(e->eng, inst);
    else if (to == EC2_STOPPED && (inst->state == LIFECYCLE_WARMED_PENDING ||
                                   inst->state == LIFECYCLE_WARMED_PENDING_PROCEED)) {
        group__set_state(inst->group, inst,
                         e->hibernating ? LIFECYCLE_WARMED_HIBERNATED : LIFECYCLE_WARMED_STOPPED,
                         e->hibernating ? "hibernated" : "stopped");
        health_plan_pool_failure(inst->group, inst);
    } else if (to == EC2_TERMINATED)
        retire_terminated(e->eng, inst); /* frees inst: nothing may follow */
}

/* After the terminate hooks (or at once without them): EC2 shuts the instance down. */
static void finish_terminate(struct asg_group *g, struct instance *inst)
{
    (void)g;
    /* Terminating lasts while EC2 is shutting-down; EC2 stops the usage meter when it
       enters shutting-down (ec2-instance-lifecycle); an interrupted Spot period follows
       billing-for-interrupted-spot-instances. */
    inst->timer = 0;
    int rc = ec2_instance_terminate(&inst->ec2, inst->terminate_end);
    ASG_ASSERT(rc == 0);
}

void group__add_capacity(struct asg_group *g, struct instance *inst, int sign)
{
    g->per_az[inst->az] = (size_t)((int64_t)g->per_az[inst->az] + sign);
    g->units += sign * inst->weight;
    g->units_by_market[inst->market] += sign * inst->weight;
}

bool group__warm_start(struct asg_group *g, struct instance *inst, char *cause)
{
    enum lifecycle_state was = inst->state;
    inst->left_pool_at = sim_now(g->eng);
    inst->in_service_at = -1;
    group__add_capacity(g, inst, +1);
    free(inst->activity_cause);
    inst->activity_cause = cause;
    group__set_state(g, inst, LIFECYCLE_PENDING, "warm start");
    if (was == LIFECYCLE_WARMED_RUNNING) {
        group__boot_complete(g->eng, inst);
        return true;
    }
    inst->boot_elapsed = true; /* InService (or Pending:Wait) once EC2 runs it again */
    if (ec2_instance_start(&inst->ec2) != 0) {
        /* EC2 refuses to resume an instance hibernated for more than 60 days. */
        group__terminate(g, inst, "warm start refused");
        return false;
    }
    return true;
}

void group__cancel(struct asg_group *g, sim_event_id *id)
{
    if (*id) {
        sim_cancel(g->eng, *id);
        *id = 0;
    }
}

/* Every pending event of an instance, before it is terminated or freed. */
static void cancel_timers(struct asg_group *g, struct instance *inst)
{
    group__cancel(g, &inst->timer);
    lifecycle_hooks_cancel(g, inst);
    spot_cancel(g, inst);
    health_cancel(g, inst);
    replacement_cancel(g, inst);
}

void group__terminate_by(struct asg_group *g, struct instance *inst, const char *cause,
                         enum billing_end end)
{
    sim_time now = sim_now(g->eng);
    cancel_timers(g, inst);
    rebalance_leave(g, inst);
    replacement_leave(g, inst);
    bool was_in_pool = group__in_pool(inst->state);
    if (inst->state < LIFECYCLE_IN_SERVICE)
        report_launch_activity(g, inst, "Cancelled");
    if (!was_in_pool) {
        g->per_az[inst->az]--;
        g->units -= inst->weight;
        g->units_by_market[inst->market] -= inst->weight;
    }
    inst->terminated_at = now;
    inst->terminate_end = end;
    group__set_state(g, inst, was_in_pool ? LIFECYCLE_WARMED_TERMINATING : LIFECYCLE_TERMINATING,
                     cause);
    /* A Spot interruption does not wait for hooks (lifecycle-hooks.html: "there is only a
       2-minute notice"). An abandoned launch is not a scale-in: asgsim runs no terminate
       hooks for it (AWS does not say either way). */
    if (end != BILLING_END_INTERRUPTION && !inst->hooks.launch_abandoned &&
        lifecycle_hooks_has(g->cfg, HOOK_TERMINATING)) {
        /* The instance runs, and is billed, until the hooks let it go. */
        group__set_state(g, inst,
                         was_in_pool ? LIFECYCLE_WARMED_TERMINATING_WAIT
                                     : LIFECYCLE_TERMINATING_WAIT,
                         "lifecycle hook");
        lifecycle_hooks_start(g, inst, HOOK_TERMINATING);
        return;
    }
    finish_terminate(g, inst);
}

void group__terminate(struct asg_group *g, struct instance *inst, const char *cause)
{
    group__terminate_by(g, inst, cause, BILLING_END_USER);
}

/* Terminate `inst` for a reason of the group's own and launch its replacement at once. */
void group__replace(struct asg_group *g, struct instance *inst, const char *event_cause,
                    char *activity_cause)
{
    int64_t from = group__capacity(g), weight = inst->weight;
    /* The termination may complete (and free inst) before the replacement is launched. */
    char *head = xstrdup(activity_cause);
    free(inst->terminate_cause);
    inst->terminate_cause = activity_cause;
    group__terminate(g, inst, event_cause);
    group__reconcile(g, head, from - weight);
    free(head);
}

void group__hook_done(struct asg_group *g, struct instance *inst, enum hook_result r,
                      const char *cause)
{
    struct sim_engine *eng = g->eng;
    if (inst->state == LIFECYCLE_TERMINATING_WAIT ||
        inst->state == LIFECYCLE_WARMED_TERMINATING_WAIT) {
        /* Both results let the termination proceed (adding-lifecycle-hooks.html). */
        group__set_state(g, inst,
                         inst->state == LIFECYCLE_TERMINATING_WAIT
                                 ? LIFECYCLE_TERMINATING_PROCEED
                                 : LIFECYCLE_WARMED_TERMINATING_PROCEED,
                         cause);
        finish_terminate(g, inst);
        return;
    }
    if (inst->state == LIFECYCLE_WARMED_PENDING_WAIT) {
        /* Into the pool. A terminate hook (ReuseOnScaleIn) proceeds either way; a launch
           ABANDON fails the instance, which the pool replaces. */
        if (r == HOOK_ABANDON && inst->hooks.transition == HOOK_LAUNCHING) {
            group__terminate(g, inst, cause);
            if (!rebalance_launch_abandoned(g))
                warm_pool_refill(g);
            return;
        }
        if (inst->hooks.transition == HOOK_LAUNCHING)
            rebalance_launch_succeeded(g);
        group__set_state(g, inst, LIFECYCLE_WARMED_PENDING_PROCEED, cause);
        warm_pool_ready(g, inst);
        return;
    }
    ASG_ASSERT(inst->state == LIFECYCLE_PENDING_WAIT);
    if (r == HOOK_CONTINUE) {
        group__set_state(g, inst, LIFECYCLE_PENDING_PROCEED, cause);
        go_in_service(eng, inst, "lifecycle action completed");
        return;
    }
    /* Launching + ABANDON: "ASG terminates the instance and launches a replacement". The
       launch activity is Cancelled with AWS's status reason; the replacement's cause names
       the abandoned action (asgsim's wording), or, after a back-off, is AWS's usual one. */
    report_abandoned_launch(g, inst);
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(eng), stamp);
    int64_t from = group__capacity(g), weight = inst->weight;
    char *head = xasprintf("At %s the launch lifecycle action of instance %s was abandoned.", stamp,
                           inst->ec2_id);
    group__terminate(g, inst, cause);
    if (!rebalance_launch_abandoned(g)) /* else the back-off timer relaunches (rebalance.h) */
        group__reconcile(g, head, from - weight);
    free(head);
}

/*
 * Scale-in victim. Mixed groups first pick the purchase option that moves the group toward
 * its On-Demand/Spot split (ec2-auto-scaling-termination-policies, aws-behaviour.md §5.3);
 * the group's termination policies then choose among that option's instances, zonal balance
 * first (termination.h). NULL when every candidate is protected from scale-in.
 */
static struct instance *pick_victim(struct asg_group *g)
{
    int market = -1; /* both */
    if (g->cfg->has_mixed) {
        enum billing_market m = g->units_by_market[BILLING_ON_DEMAND] >
                                                market_on_demand_target(&g->cfg->mixed, g->desired)
                                        ? BILLING_ON_DEMAND
                                        : BILLING_SPOT;
        if (g->units_by_market[m] > 0)
            market = (int)m;
    }
    return termination_index_pick(&g->scalein, sim_now(g->eng), market, g->termination_rng);
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

/*
 * A scale-in termination, with its activity in AWS's words (describe-scaling-activities):
 * "<head>  At T an instance was taken out of service in response to a difference between
 * desired and actual capacity, shrinking the capacity from 7 to 6.  At T instance i-... was
 * selected for termination."
 */
static void terminate_for_scale_in(struct asg_group *g, struct instance *inst,
                                   const char *cause_head, int64_t from)
{
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    free(inst->terminate_cause);
    inst->terminate_cause =
            xasprintf("%s%sAt %s an instance was taken out of service in "
                      "response to a difference between desired and actual "
                      "capacity, shrinking the capacity from %" PRId64 " to %" PRId64
                      ".  At %s instance %s was selected for "
                      "termination.",
                      cause_head ? cause_head : "", cause_head && *cause_head ? "  " : "", stamp,
                      from, g->desired, stamp, inst->ec2_id);
    group__terminate(g, inst, "scale in");
}

void group__reconcile(struct asg_group *g, const char *cause_head, int64_t from)
{
    /* Rebalancing launches count: one may stand in for an instance that failed meanwhile,
       and then no victim is needed when it is InService (less churn; AWS does not say).
       After abandoned launches the group waits for its back-off timer (rebalance.h). */
    while (group__capacity(g) < g->desired && !rebalance_backing_off(g)) {
        if (g->cfg->has_warm_pool && warm_pool_draw(g, cause_head, from, g->desired))
            continue;
        if (!group__launch(g, group__launch_cause(g, cause_head, from, g->desired, false), false)) {
            rebalance_schedule_retry(g); /* no AZ can place it: below desired until the retry */
            break;
        }
    }
    /* With weights the group may stay above desired by less than one instance's weight
       (aws-properties-as-group: MaxSize may be exceeded by up to the largest weight).
       Rebalancing launches stay above it until they are InService (rebalance()). */
    while (group__capacity(g) > g->desired + rebalance_pending_units(g)) {
        struct instance *victim = pick_victim(g);
        if (!victim) {
            /* Desired capacity is still decremented, but nothing can be terminated until
               protection is removed (ec2-auto-scaling-instance-protection). */
            report_all_protected(g);
            break;
        }
        if (group__capacity(g) - victim->weight < g->desired && g->cfg->has_mixed)
            break;
        if (g->cfg->has_warm_pool && g->cfg->warm_pool.reuse_on_scale_in &&
            victim->state == LIFECYCLE_IN_SERVICE)
            warm_pool_return(g, victim);
        else
            terminate_for_scale_in(g, victim, cause_head, from);
    }
    warm_pool_refill(g);
}

void asg_group_create(struct asg_group *g)
{
    launch_template_start(g);
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    g->desired = g->cfg->desired_capacity;
    char *head = xasprintf("At %s a user request created an AutoScalingGroup changing the desired "
                           "capacity from 0 to %" PRId64 ".",
                           stamp, g->desired);
    g->creating = true;
    group__reconcile(g, head, 0);
    g->creating = false;
    free(head);
}

void asg_group_set_limits(struct asg_group *g, int64_t min_size, int64_t max_size)
{
    ASG_ASSERT(min_size >= 0 && min_size <= max_size);
    g->min_size = min_size;
    g->max_size = max_size;
}

void asg_group_set_desired(struct asg_group *g, int64_t desired, const char *cause)
{
    ASG_ASSERT(desired >= g->min_size && desired <= g->max_size);
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(g->eng), stamp);
    char *head = xasprintf("At %s %s", stamp, cause);
    int64_t from = group__capacity(g);
    if (desired != g->desired)
        g->all_protected_reported = false;
    g->desired = desired;
    group__reconcile(g, head, from);
    free(head);
}

size_t asg_group_count(const struct asg_group *g, enum lifecycle_state state)
{
    return g->nr_state[state];
}

size_t asg_group_count_pending(const struct asg_group *g)
{
    return g->nr_state[LIFECYCLE_PENDING] + g->nr_state[LIFECYCLE_PENDING_WAIT] +
           g->nr_state[LIFECYCLE_PENDING_PROCEED];
}

size_t asg_group_count_terminating(const struct asg_group *g)
{
    return g->nr_state[LIFECYCLE_TERMINATING] + g->nr_state[LIFECYCLE_TERMINATING_WAIT] +
           g->nr_state[LIFECYCLE_TERMINATING_PROCEED];
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
    /* O(rates), not O(instances): this is called every sample (models/billing.c). */
    billing_total_cost(&g->billing, now, on_demand_usd, spot_usd, storage_usd);
}

int64_t asg_group_billed_seconds(const struct asg_group *g, sim_time now)
{
    int64_t s = g->retired_billed_s;
    for (size_t i = 0; i < g->nr_live; i++)
        s += billing_seconds(&g->live[i]->meter, now);
    return s;
}

static void cancel_group_timers(struct asg_group *g)
{
    launch_template_cancel(g);
    rebalance_cancel_group(g);
    replacement_cancel_group(g);
    health_cancel_group(g);
}

void asg_group_finish(struct asg_group *g)
{
    sim_time now = sim_now(g->eng);
    cancel_group_timers(g);
    for (size_t i = 0; i < g->nr_live; i++) {
        struct instance *inst = g->live[i];
        cancel_timers(g, inst);
        ec2_instance_release(&inst->ec2);
        report_launch_activity(g, inst, "InProgress");
        report_terminate_activity(g, inst, "InProgress");
        if (g->obs.retired)
            g->obs.retired(g->obs.ctx, inst, now);
    }
}

void asg_group_release(struct asg_group *g)
{
    billing_total_release(&g->billing);
    termination_index_release(&g->scalein);
    group__census_release(g);
    if (g->eng)
        cancel_group_timers(g);
    if (g->cfg && g->cfg->has_placement)
        placement_release(&g->placement);
    for (size_t i = 0; i < g->nr_live; i++) {
        cancel_timers(g, g->live[i]);
        ec2_instance_release(&g->live[i]->ec2);
        free(g->live[i]->activity_cause);
        free(g->live[i]->terminate_cause);
        free(g->live[i]);
    }
    free(g->live);
    free(g->per_az);
    rebalance_release(g);
    g->live = NULL;
    g->per_az = NULL;
    g->nr_live = g->alloc_live = 0;
}
