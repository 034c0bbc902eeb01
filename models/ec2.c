/* One EC2 instance: EC2's state machine, timed transitions, hibernation, billing hooks. */
#include "asgsim/ec2.h"

#include "asgsim/diag.h"
#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *const ec2_state_names[EC2_STATE_NR] = {
    [EC2_PENDING] = "pending",
    [EC2_RUNNING] = "running",
    [EC2_STOPPING] = "stopping",
    [EC2_STOPPED] = "stopped",
    [EC2_SHUTTING_DOWN] = "shutting-down",
    [EC2_TERMINATED] = "terminated",
};

const char *const ec2_transition_keys[EC2_T_NR] = {
    [EC2_T_LAUNCH] = "Launch", [EC2_T_START] = "Start",         [EC2_T_RESUME] = "Resume",
    [EC2_T_STOP] = "Stop",     [EC2_T_HIBERNATE] = "Hibernate", [EC2_T_TERMINATE] = "Terminate",
};

int ec2_state_code(enum ec2_state s)
{
    /* API_InstanceState.html */
    static const int codes[EC2_STATE_NR] = {
        [EC2_PENDING] = 0,  [EC2_RUNNING] = 16,       [EC2_STOPPING] = 64,
        [EC2_STOPPED] = 80, [EC2_SHUTTING_DOWN] = 32, [EC2_TERMINATED] = 48,
    };
    ASG_ASSERT(s < EC2_STATE_NR);
    return codes[s];
}

void ec2_timing_defaults(struct ec2_timing *t)
{
    /*
     * Assumptions, not AWS figures: AWS says only that entering running and stopping "can
     * take a few minutes" (Stop_Start.html) and to ask for help when stopping lasts over
     * 10 minutes. Launch/Start/Resume and Terminate are taken well under a few minutes,
     * Stop and Hibernate (which writes RAM to EBS) up to a few minutes.
     */
    t->t[EC2_T_LAUNCH] = (struct dist){ DIST_UNIFORM, 30, 90 };
    t->t[EC2_T_START] = (struct dist){ DIST_UNIFORM, 30, 90 };
    t->t[EC2_T_RESUME] = (struct dist){ DIST_UNIFORM, 20, 60 };
    t->t[EC2_T_STOP] = (struct dist){ DIST_UNIFORM, 30, 120 };
    t->t[EC2_T_HIBERNATE] = (struct dist){ DIST_UNIFORM, 60, 180 };
    t->t[EC2_T_TERMINATE] = (struct dist){ DIST_UNIFORM, 30, 90 };
}

enum ec2_hibernation_refusal ec2_hibernation_check(const struct instance_type *type,
                                                   double root_gib, bool root_encrypted)
{
    if (!(type->memory_gib < EC2_HIBERNATE_MAX_RAM_GB))
        return EC2_HIB_RAM_TOO_LARGE;
    if (!root_encrypted)
        return EC2_HIB_ROOT_NOT_ENCRYPTED;
    /* The root volume must hold the RAM; the OS needs room too, so this is a lower bound. */
    if (root_gib < type->memory_gib)
        return EC2_HIB_ROOT_TOO_SMALL;
    return EC2_HIB_OK;
}

const char *ec2_hibernation_refusal_text(enum ec2_hibernation_refusal r)
{
    switch (r) {
    case EC2_HIB_OK:
        return "hibernation is allowed";
    case EC2_HIB_RAM_TOO_LARGE:
        return "EC2 hibernates only instances with less than 150 GB of RAM";
    case EC2_HIB_ROOT_NOT_ENCRYPTED:
        return "EC2 hibernation needs an encrypted EBS root volume (Encrypted: true)";
    case EC2_HIB_ROOT_TOO_SMALL:
        return "EC2 hibernation needs a root volume large enough to hold the instance's RAM";
    }
    return "?";
}

const struct ec2_timing *ec2_config_timing(const struct ec2_config *c, const char *type)
{
    for (size_t i = 0; i < c->nr_per_type; i++)
        if (!strcmp(c->per_type[i].type, type))
            return &c->per_type[i].timing;
    return &c->timing;
}

void ec2_config_discounts(const struct ec2_config *c, struct billing_discounts *out)
{
    out->ris = c->ris;
    out->nr_ris = c->nr_ris;
    out->sp_commit_usd_per_hour = c->sp_commit_usd_per_hour;
    out->sp_discount = c->sp_discount;
}

void ec2_config_release(struct ec2_config *c)
{
    for (size_t i = 0; i < c->nr_per_type; i++)
        free(c->per_type[i].type);
    free(c->per_type);
    for (size_t i = 0; i < c->nr_ris; i++)
        free(c->ri_types[i]);
    free(c->ri_types);
    free(c->ris);
    c->per_type = NULL;
    c->ri_types = NULL;
    c->ris = NULL;
    c->nr_per_type = c->nr_ris = 0;
}

/* ---- the state machine ------------------------------------------------------------------ */

static void running_done(struct sim_engine *eng, void *target, const union sim_payload *p);
static void stopped_done(struct sim_engine *eng, void *target, const union sim_payload *p);
static void terminated_done(struct sim_engine *eng, void *target, const union sim_payload *p);

static const struct sim_event_type running_event = { "ec2.running", running_done };
static const struct sim_event_type stopped_event = { "ec2.stopped", stopped_done };
static const struct sim_event_type terminated_event = { "ec2.terminated", terminated_done };

void ec2_instance_init(struct ec2_instance *inst, const struct instance_type *type,
                       const struct ec2_timing *timing, const struct ec2_launch_opts *opts,
                       struct sim_engine *eng, gsl_rng *rng, ec2_state_fn *on_state, void *ctx)
{
    static const struct ec2_launch_opts none = { 0 };
    if (!opts)
        opts = &none;
    memset(inst, 0, sizeof(*inst));
    inst->state = EC2_STATE_NR;
    inst->type = type;
    inst->timing = timing;
    inst->market = opts->market;
    inst->usd_per_hour = opts->usd_per_hour > 0         ? opts->usd_per_hour
                         : opts->market == BILLING_SPOT ? type->spot_usd_per_hour
                                                        : type->on_demand_usd_per_hour;
    inst->hibernation_enabled = opts->hibernation_enabled;
    inst->hibernated_at = -1;
    inst->eng = eng;
    inst->rng = rng;
    inst->on_state = on_state;
    inst->ctx = ctx;
    inst->bill = opts->meter ? opts->meter : &inst->meter;
    billing_set_policy(inst->bill, opts->granularity, opts->market);
    if (opts->ledger)
        billing_attach_ledger(inst->bill, opts->ledger, type->name);
    if (opts->ebs_usd_per_gib_month > 0) {
        ASG_ASSERT(opts->month_hours > 0);
        /* rate kept for launch, when the volumes are created */
        inst->bill->ebs_usd_per_hour =
                opts->root_volume_gib * opts->ebs_usd_per_gib_month / opts->month_hours;
    }
}

static void set_state(struct ec2_instance *inst, enum ec2_state to)
{
    enum ec2_state from = inst->state;
    inst->state = to;
    inst->state_since = sim_now(inst->eng);
    if (inst->on_state)
        inst->on_state(inst->ctx, inst, from, to);
}

static void after(struct ec2_instance *inst, enum ec2_transition t, const struct sim_event_type *ev)
{
    ASG_ASSERT(!inst->timer);
    /* Untimed: no time and no draw from the stream (ec2.h). */
    sim_time d = inst->timing ? dist_sample_time(&inst->timing->t[t], inst->rng) : 0;
    inst->timer = sim_schedule(inst->eng, d, ev, inst, (union sim_payload){ 0 });
}

static void enter_running(struct ec2_instance *inst)
{
    inst->hibernating = false;
    inst->hibernated_at = -1;
    /* Usage is billed from running; each entry opens a period with its own minimum. */
    billing_start(inst->bill, sim_now(inst->eng), inst->usd_per_hour);
    set_state(inst, EC2_RUNNING);
}

void ec2_instance_launch(struct ec2_instance *inst)
{
    ASG_ASSERT(inst->state == EC2_STATE_NR);
    sim_time now = sim_now(inst->eng);
    /* EBS is billed in every state from the moment the volumes exist (ec2-instance-lifecycle);
       the rate was set by ec2_instance_init(). No price, no storage period. */
    if (inst->bill->ebs_usd_per_hour > 0)
        billing_storage_resume(inst->bill, now);
    set_state(inst, EC2_PENDING);
    if (!inst->timing) {
        enter_running(inst); /* untimed: running, and billed, from the launch (ec2.h) */
        return;
    }
    after(inst, EC2_T_LAUNCH, &running_event);
}

static void running_done(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)p;
    struct ec2_instance *inst = target;
    inst->timer = 0;
    enter_running(inst);
}

int ec2_instance_stop(struct ec2_instance *inst, bool hibernate)
{
    if (inst->state != EC2_RUNNING)
        return ASG_EINVAL;
    if (hibernate && !inst->hibernation_enabled)
        return ASG_EINVAL;
    inst->hibernating = hibernate;
    /* A plain stop ends billing at stopping; hibernation is billed while stopping. */
    if (!hibernate)
        billing_stop(inst->bill, sim_now(inst->eng));
    set_state(inst, EC2_STOPPING);
    after(inst, hibernate ? EC2_T_HIBERNATE : EC2_T_STOP, &stopped_event);
    return 0;
}

static void stopped_done(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct ec2_instance *inst = target;
    inst->timer = 0;
    if (inst->hibernating) {
        billing_stop(inst->bill, sim_now(eng));
        inst->hibernated_at = sim_now(eng);
    }
    set_state(inst, EC2_STOPPED);
}

int ec2_instance_start(struct ec2_instance *inst)
{
    if (inst->state != EC2_STOPPED)
        return ASG_EINVAL;
    /* EC2 keeps an instance hibernated for at most 60 days (hibernating-prerequisites). */
    if (inst->hibernating && sim_now(inst->eng) - inst->hibernated_at > EC2_HIBERNATE_MAX)
        return ASG_ELIMIT;
    set_state(inst, EC2_PENDING);
    after(inst, inst->hibernating ? EC2_T_RESUME : EC2_T_START, &running_event);
    return 0;
}

int ec2_instance_terminate(struct ec2_instance *inst, enum billing_end end)
{
    if (inst->state == EC2_SHUTTING_DOWN || inst->state == EC2_TERMINATED ||
        inst->state == EC2_STATE_NR)
        return ASG_EINVAL;
    if (inst->timer) {
        sim_cancel(inst->eng, inst->timer);
        inst->timer = 0;
    }
    inst->end = end;
    /* Charges stop when the state becomes shutting-down (ec2-instance-lifecycle). */
    billing_stop_by(inst->bill, sim_now(inst->eng), end);
    set_state(inst, EC2_SHUTTING_DOWN);
    after(inst, EC2_T_TERMINATE, &terminated_event);
    return 0;
}

static void terminated_done(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct ec2_instance *inst = target;
    inst->timer = 0;
    /* The root volume is deleted on termination by default (ec2-instance-lifecycle). */
    billing_storage_stop(inst->bill, sim_now(eng));
    set_state(inst, EC2_TERMINATED);
}

double ec2_instance_usage_usd(const struct ec2_instance *inst)
{
    return billing_cost_usd(inst->bill, sim_now(inst->eng));
}

double ec2_instance_storage_usd(const struct ec2_instance *inst)
{
    return billing_storage_usd(inst->bill, sim_now(inst->eng));
}

void ec2_instance_release(struct ec2_instance *inst)
{
    if (inst->timer) {
        sim_cancel(inst->eng, inst->timer);
        inst->timer = 0;
    }
}
