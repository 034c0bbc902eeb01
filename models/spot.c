/* Spot and markets at run time: each launch's market, and EC2's Spot interruptions. */
#include "asgsim/spot.h"

#include "group_int.h"

#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

enum spot_stage { SPOT_REBALANCE, SPOT_NOTICE, SPOT_INTERRUPT };

static void spot_signal(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type spot_signal_event = { "instance.spot_signal", spot_signal };

/* Market, type and weight of the next launch into `az` (ec2-auto-scaling-mixed-instances-
   groups: On-Demand base first, then the percentage above it, rounded up for On-Demand). */
void spot_choose_market(struct asg_group *g, size_t az, struct instance *inst)
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

static void schedule_stage(struct asg_group *g, struct instance *inst, enum spot_stage st,
                           sim_time at)
{
    sim_time now = sim_now(g->eng);
    inst->spot.timer = sim_schedule(g->eng, at > now ? at - now : 0, &spot_signal_event, inst,
                                    (union sim_payload){ .i = st });
}

/* Draw when EC2 interrupts a new Spot instance; the signals come before it. */
void spot_plan_interruption(struct asg_group *g, struct instance *inst)
{
    inst->spot.notice_at = -1;
    inst->spot.interruption_at = -1;
    double rate = spot_interruption_rate(g->market.spot, inst->type->name, g->cfg->azs[inst->az]);
    if (inst->market != BILLING_SPOT || rate <= 0)
        return;
    sim_time now = sim_now(g->eng);
    double secs = gsl_ran_exponential(g->spot.rng, 3600.0 / rate);
    if (secs > 86400.0 * 36500)
        return; /* effectively never */
    sim_time t = sim_time_from_seconds(secs);
    inst->spot.interruption_at = now + t;
    sim_time notice = inst->spot.interruption_at - SPOT_NOTICE_US;
    inst->spot.notice_at = notice > now ? notice : now;
    sim_time lead = dist_sample_time(&g->market.spot->rebalance_lead, g->spot.rng);
    schedule_stage(g, inst, SPOT_REBALANCE, inst->spot.notice_at - lead);
}

void spot_cancel(struct asg_group *g, struct instance *inst)
{
    group__cancel(g, &inst->spot.timer);
}

static void spot_signal(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct instance *inst = target;
    struct asg_group *g = inst->group;
    inst->spot.timer = 0;
    switch ((enum spot_stage)p->i) {
    case SPOT_REBALANCE:
        /* EC2 sends a rebalance recommendation before the notice (ec2-auto-scaling-capacity-
           rebalancing); CapacityRebalance is not modelled, so the group only records it. */
        g->spot.nr_rebalance_recommendations++;
        if (g->market.spot_signal)
            g->market.spot_signal(g->market.spot_ctx, inst, "rebalance-recommendation");
        schedule_stage(g, inst, SPOT_NOTICE, inst->spot.notice_at);
        return;
    case SPOT_NOTICE:
        g->spot.nr_interruption_notices++;
        if (g->market.spot_signal)
            g->market.spot_signal(g->market.spot_ctx, inst, "interruption-notice");
        schedule_stage(g, inst, SPOT_INTERRUPT, inst->spot.interruption_at);
        return;
    case SPOT_INTERRUPT:
        break;
    }
    g->spot.nr_interruptions++;
    inst->spot.interrupted = true;
    char stamp[21];
    asg_format_utc(g->start_epoch_s, sim_now(eng), stamp);
    int64_t from = group__capacity(g);
    group__terminate_by(g, inst, "spot interruption", BILLING_END_INTERRUPTION);
    /* The group replaces the interrupted capacity (ec2-auto-scaling-capacity-rebalancing);
       asgsim does so at once, without waiting for a health check. Wording is asgsim's. */
    char *head = xasprintf("At %s an EC2 Spot interruption terminated instance %s.", stamp,
                           inst->ec2_id);
    group__reconcile(g, head, from - inst->weight);
    free(head);
}
