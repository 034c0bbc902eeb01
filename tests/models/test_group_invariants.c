/*
 * Invariants of the group over many randomly generated groups: random sizes, AZs, boot
 * times, lifecycle hooks (durations, failures, heartbeats, both results), instance
 * failures of both kinds, MaxInstanceLifetime, scale-in protection, and random changes of
 * desired capacity. Checked after every event:
 *  - every instance is in exactly one state, reached by a transition AWS's lifecycle
 *    allows (ec2-auto-scaling-lifecycle.html), and the per-state counts add up;
 *  - capacity (Pending* + InService) is never below desired and never above MaxSize (the
 *    features here terminate before they launch, so AWS documents no excess for them);
 *  - every launched instance is terminated or still live, and at the end every one is
 *    reported exactly once;
 *  - warm pool instances never count toward capacity.
 */
#include "lifecycle_rules.h"

#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <check.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#define NR_GROUPS 60
#define MAX_IDS   4096

static char c6i_name[] = "c6i.large", az_a[] = "us-east-1a", az_b[] = "us-east-1b",
            az_c[] = "us-east-1c", group_name[] = "random";
static const struct instance_type c6i_large = { .name = c6i_name,
                                                .vcpus = 2,
                                                .memory_gib = 4,
                                                .on_demand_usd_per_hour = 0.085,
                                                .spot_usd_per_hour = 0.0339 };
static char *azs3[] = { az_a, az_b, az_c };
static char hook_names[4][8] = { "h0", "h1", "h2", "h3" };

struct checker {
    struct asg_group *g;
    int state[MAX_IDS]; /* last state seen per instance id; -1 before launch */
    int retired[MAX_IDS];
    uint64_t nr_events;
};

static void on_launched(void *ctx, const struct instance *inst)
{
    struct checker *c = ctx;
    ck_assert_uint_lt(inst->id, MAX_IDS);
    ck_assert_int_eq(c->state[inst->id], -1);
    ck_assert(inst->state == LIFECYCLE_PENDING || inst->state == LIFECYCLE_WARMED_PENDING);
    c->state[inst->id] = (int)inst->state;
}

static void on_transition(void *ctx, const struct instance *inst, enum lifecycle_state from,
                          enum lifecycle_state to, const char *cause)
{
    struct checker *c = ctx;
    (void)cause;
    ck_assert_int_eq(c->state[inst->id], (int)from);
    ck_assert_msg(lifecycle_allowed(from, to), "instance %u: %s -> %s", inst->id,
                  lifecycle_state_names[from], lifecycle_state_names[to]);
    c->state[inst->id] = (int)to;
}

static void on_retired(void *ctx, const struct instance *inst, sim_time now)
{
    struct checker *c = ctx;
    (void)now;
    c->retired[inst->id]++;
    ck_assert_int_eq(c->retired[inst->id], 1);
}

/*
 * The counts the group keeps for the policies (asg_group_census()) and its scale-in index
 * equal a walk over the group, for three warm-ups (policy.c's definition of warming).
 */
static void check_census(struct asg_group *g)
{
    sim_time now = sim_now(g->eng);
    static const sim_time warmups[] = { 0, SIM_SEC(60), SIM_SEC(300) };
    size_t candidates = 0;
    for (size_t i = 0; i < g->nr_live; i++)
        candidates += g->live[i]->state <= LIFECYCLE_IN_SERVICE;
    ck_assert_uint_eq(g->scalein.nr, candidates);
    for (size_t k = 0; k < 3; k++) {
        struct asg_census want = { 0 }, got;
        int64_t ready = 0, current = 0;
        for (size_t i = 0; i < g->nr_live; i++) {
            const struct instance *inst = g->live[i];
            int64_t w = inst->weight;
            bool warming = !inst->initial && inst->state == LIFECYCLE_IN_SERVICE &&
                           now < inst->in_service_at + warmups[k];
            if (inst->state == LIFECYCLE_IN_SERVICE) {
                want.in_service++;
                want.in_service_units += w;
                want.in_service_vcpus += inst->type->vcpus;
                want.reporting += !warming;
                want.reporting_units += warming ? 0 : w;
            }
            if (inst->state <= LIFECYCLE_IN_SERVICE) {
                current++;
                want.current_units += w;
                if (inst->initial || (inst->state == LIFECYCLE_IN_SERVICE && !warming)) {
                    ready++;
                    want.ready_units += w;
                }
            } else if (inst->state <= LIFECYCLE_TERMINATING_PROCEED) {
                want.terminating_units += w;
            }
        }
        want.not_ready = current - ready;
        asg_group_census(g, warmups[k], now, &got);
        /* the InService instances by type, each type once */
        int64_t untyped = want.in_service;
        for (size_t t = 0; t < got.nr_types; t++) {
            int64_t n = 0;
            for (size_t i = 0; i < g->nr_live; i++)
                n += g->live[i]->state == LIFECYCLE_IN_SERVICE &&
                     g->live[i]->type == got.types[t].type;
            ck_assert_int_eq(got.types[t].in_service, n);
            for (size_t u = 0; u < t; u++)
                ck_assert_ptr_ne(got.types[u].type, got.types[t].type);
            untyped -= n;
        }
        ck_assert_int_eq(untyped, 0); /* every InService instance's type is there */
        want.types = got.types;
        want.nr_types = got.nr_types;
        ck_assert_mem_eq(&got, &want, sizeof(want));
    }
}

static void check_group(struct checker *c)
{
    const struct asg_group *g = c->g;
    size_t count[LIFECYCLE_NR] = { 0 };
    size_t per_az[3] = { 0 };
    int64_t cap = 0;
    size_t waiting[ASG_REPLACE_NR] = { 0 };
    for (size_t i = 0; i < g->nr_live; i++) {
        const struct instance *inst = g->live[i];
        if (inst->replacement.replace_due_at >= 0)
            waiting[inst->replacement.replace_due]++;
        ck_assert_int_eq(c->state[inst->id], (int)inst->state);
        ck_assert_int_ne(inst->state, LIFECYCLE_TERMINATED);
        ck_assert_int_ne(inst->state, LIFECYCLE_WARMED_TERMINATED);
        count[inst->state]++;
        if (inst->state <= LIFECYCLE_IN_SERVICE) {
            per_az[inst->az]++;
            cap += inst->weight;
        }
    }
    size_t live = 0;
    for (int s = 0; s < LIFECYCLE_NR; s++) {
        if (s == LIFECYCLE_TERMINATED || s == LIFECYCLE_WARMED_TERMINATED)
            continue;
        ck_assert_uint_eq(count[s], g->nr_state[s]);
        live += count[s];
    }
    ck_assert_uint_eq(live, g->nr_live);
    ck_assert_uint_eq(g->nr_state[LIFECYCLE_TERMINATED] + g->nr_state[LIFECYCLE_WARMED_TERMINATED],
                      g->nr_terminated);
    ck_assert_uint_eq(g->nr_launched, g->nr_terminated + g->nr_live);
    for (size_t a = 0; a < g->cfg->nr_azs; a++)
        ck_assert_uint_eq(per_az[a], g->per_az[a]);
    ck_assert_int_eq(cap, g->units);
    for (int k = 0; k < ASG_REPLACE_NR; k++)
        ck_assert_uint_eq(waiting[k], g->replacement.nr_replace_waiting[k]);
    /* below desired only after a launch no AZ could take (placement or capacity), or while
       the group backs off after abandoned launches */
    if (g->nr_launch_failures == 0 && !rebalance_backing_off(g))
        ck_assert_int_ge(cap, g->desired);
    if (g->cfg->has_placement) {
        size_t placed = 0, counted = 0;
        for (size_t i = 0; i < g->nr_live; i++)
            placed += g->live[i]->placement.placed;
        int cols = g->cfg->placement.strategy == PLACEMENT_PARTITION
                           ? g->cfg->placement.partition_count
                           : 1;
        for (size_t a = 0; a < g->cfg->nr_azs; a++)
            for (int p = 0; p < cols; p++)
                counted += placement_count(&g->placement, a, p);
        ck_assert_uint_eq(placed, counted);
    }
    /* AZ rebalancing may exceed MaxSize by 10 % or one instance (auto-scaling-benefits) */
    int64_t excess = g->cfg->max_size / 10 > 1 ? g->cfg->max_size / 10 : 1;
    ck_assert_int_le(cap, g->cfg->max_size + (g->rebalance.nr_rebalance_launches > 0 ? excess : 0));
    ck_assert_int_ge(g->rebalance.rebalance_units, 0);
    ck_assert_int_ge(g->desired, g->cfg->min_size);
    ck_assert_int_le(g->desired, g->cfg->max_size);
    check_census(c->g);
}

static void after_event(void *ctx, struct sim_engine *eng, const struct sim_event_type *type,
                        void *target)
{
    (void)eng;
    (void)type;
    (void)target;
    struct checker *c = ctx;
    c->nr_events++;
    check_group(c);
}

struct driver {
    struct asg_group *g;
    gsl_rng *rng;
};

static void poke(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type poke_event = { "test.set_desired", poke };

static void poke(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    struct driver *d = target;
    const struct asg_config *cfg = d->g->cfg;
    int64_t span = cfg->max_size - cfg->min_size + 1;
    int64_t desired = cfg->min_size + (int64_t)gsl_rng_uniform_int(d->rng, (unsigned long)span);
    asg_group_set_desired(d->g, desired, "a test changing the desired capacity.");
    sim_schedule(eng, SIM_SEC(60 + (int64_t)gsl_rng_uniform_int(d->rng, 7200)), &poke_event, d,
                 (union sim_payload){ 0 });
}

/* What the random groups exercised, so that the test shows it covered each feature. */
static struct {
    uint64_t abandoned, health, lifetime, hook_actions, launched, warm_starts, returned;
    uint64_t partition_failed, launch_failures;
} seen;

static void run_one(unsigned seed)
{
    struct rng_set rngs;
    rng_set_init(&rngs, seed, 0, 0);
    gsl_rng *r = rng_set_stream(&rngs, "test-generator");
    struct asg_config cfg = { 0 };
    struct lifecycle_hook_config hooks[4];
    cfg.name = group_name;
    cfg.min_size = (int64_t)gsl_rng_uniform_int(r, 4);
    cfg.max_size = cfg.min_size + 1 + (int64_t)gsl_rng_uniform_int(r, 12);
    cfg.desired_capacity =
            cfg.min_size +
            (int64_t)gsl_rng_uniform_int(r, (unsigned long)(cfg.max_size - cfg.min_size + 1));
    cfg.azs = azs3;
    cfg.nr_azs = 1 + gsl_rng_uniform_int(r, 3);
    cfg.new_instances_protected = gsl_rng_uniform(r) < 0.2;
    cfg.health_check_elb = gsl_rng_uniform(r) < 0.5;
    cfg.health_check_grace = SIM_SEC((int64_t)gsl_rng_uniform_int(r, 600));
    cfg.max_instance_lifetime = gsl_rng_uniform(r) < 0.3 ? SIM_SEC(86400) : 0;
    cfg.nr_hooks = gsl_rng_uniform_int(r, 4);
    cfg.hooks = hooks;
    for (size_t i = 0; i < cfg.nr_hooks; i++) {
        hooks[i] = (struct lifecycle_hook_config){
            .name = hook_names[i],
            .transition = gsl_rng_uniform(r) < 0.5 ? HOOK_LAUNCHING : HOOK_TERMINATING,
            .default_result = gsl_rng_uniform(r) < 0.5 ? HOOK_ABANDON : HOOK_CONTINUE,
            .heartbeat_timeout = SIM_SEC(30 + (int64_t)gsl_rng_uniform_int(r, 900)),
            .action_duration = { DIST_EXPONENTIAL, 30 + 600 * gsl_rng_uniform(r), 0 },
            .failure_probability = 0.3 * gsl_rng_uniform(r),
            .heartbeat_every = gsl_rng_uniform(r) < 0.3 ? SIM_SEC(20) : 0,
        };
    }
    struct template_version_change tv[2] = { { SIM_HOUR(5), 2 }, { SIM_HOUR(30), 3 } };
    if (gsl_rng_uniform(r) < 0.5) {
        cfg.template_versions = tv;
        cfg.nr_template_versions = 2;
    }
    if (gsl_rng_uniform(r) < 0.4) {
        cfg.has_placement = true;
        cfg.placement.strategy = (enum placement_strategy)(1 + gsl_rng_uniform_int(r, 2));
        cfg.placement.partition_count = 1 + (int)gsl_rng_uniform_int(r, 7);
    }
    struct health_faults faults = {
        .instance_failures_per_hour = gsl_rng_uniform(r) < 0.5 ? 0.05 * gsl_rng_uniform(r) : 0,
        .elb_failures_per_hour = gsl_rng_uniform(r) < 0.5 ? 0.05 * gsl_rng_uniform(r) : 0,
    };
    if (cfg.has_placement && cfg.placement.strategy == PLACEMENT_PARTITION &&
        gsl_rng_uniform(r) < 0.7) {
        faults.partition_failures[0] = (struct partition_failure){
            SIM_HOUR(10), (int)gsl_rng_uniform_int(r, (unsigned long)cfg.placement.partition_count),
            gsl_rng_uniform_int(r, cfg.nr_azs)
        };
        faults.nr_partition_failures = 1;
    }
    if (gsl_rng_uniform(r) < 0.3) {
        faults.capacity_outages[0] = (struct capacity_outage){ gsl_rng_uniform_int(r, cfg.nr_azs),
                                                               SIM_HOUR(2), SIM_HOUR(8) };
        faults.nr_capacity_outages = 1;
    }
    struct dist boot = { DIST_UNIFORM, 30, 240 };
    /* Half the groups run EC2's state machine; most of those get a warm pool. */
    struct ec2_config ec2 = { 0 };
    ec2_timing_defaults(&ec2.timing);
    bool use_ec2 = gsl_rng_uniform(r) < 0.5;
    bool hibernation = gsl_rng_uniform(r) < 0.5;
    if (use_ec2 && gsl_rng_uniform(r) < 0.7) {
        cfg.has_warm_pool = true;
        cfg.warm_pool = (struct warm_pool_config){
            .min_size = (int64_t)gsl_rng_uniform_int(r, 3),
            .max_group_prepared_capacity =
                    gsl_rng_uniform(r) < 0.5 ? -1 : (int64_t)gsl_rng_uniform_int(r, 20),
            .pool_state = (enum warm_pool_state)gsl_rng_uniform_int(r, 3),
            .reuse_on_scale_in = gsl_rng_uniform(r) < 0.5,
        };
    }

    struct checker *c = xcalloc(1, sizeof(*c));
    for (size_t i = 0; i < MAX_IDS; i++)
        c->state[i] = -1;
    struct sim_engine *eng = sim_engine_new();
    struct asg_group g;
    c->g = &g;
    const struct asg_observer obs = { c, on_launched, on_transition, NULL, on_retired };
    asg_group_init(&g, &cfg, &c6i_large, &boot, 1704067200, eng, &rngs, &obs);
    const struct asg_market_opts mo = { .granularity = BILLING_PER_SECOND,
                                        .ec2 = use_ec2 ? &ec2 : NULL,
                                        .hibernation = hibernation };
    asg_group_set_market(&g, &mo, &rngs);
    asg_group_set_faults(&g, &faults, &rngs, NULL, NULL);
    sim_set_observer(eng, after_event, c);
    asg_group_create(&g);
    check_group(c);
    struct driver d = { &g, r };
    sim_schedule(eng, SIM_SEC(600), &poke_event, &d, (union sim_payload){ 0 });
    sim_run_until(eng, SIM_DAY(3));
    check_group(c);
    ck_assert_uint_gt(c->nr_events, 0);

    uint64_t launched = g.nr_launched;
    seen.abandoned += g.hooks.nr_launches_abandoned;
    seen.health += g.health.nr_health_replacements;
    seen.lifetime += g.replacement.nr_lifetime_replacements;
    seen.hook_actions += g.hooks.nr_actions;
    seen.launched += launched;
    seen.warm_starts += g.warm_pool.nr_warm_starts;
    seen.returned += g.warm_pool.nr_returned_to_pool;
    seen.partition_failed += g.health.nr_partition_failed;
    seen.launch_failures += g.nr_launch_failures;
    asg_group_finish(&g);
    /* every launched instance was reported exactly once: terminated, or live at the end */
    for (uint32_t id = 1; id <= launched; id++)
        ck_assert_int_eq(c->retired[id], 1);
    ck_assert_int_eq(c->retired[launched + 1], 0);
    sim_set_observer(eng, NULL, NULL);
    asg_group_release(&g);
    sim_engine_free(eng);
    rng_set_release(&rngs);
    free(c);
}

START_TEST(test_group_invariants_hold_over_random_groups)
{
    for (unsigned seed = 1; seed <= NR_GROUPS; seed++)
        run_one(seed);
    ck_assert_uint_gt(seen.abandoned, 0);
    ck_assert_uint_gt(seen.health, 0);
    ck_assert_uint_gt(seen.lifetime, 0);
    ck_assert_uint_gt(seen.hook_actions, 0);
    ck_assert_uint_gt(seen.launched, NR_GROUPS);
    ck_assert_uint_gt(seen.warm_starts, 0);
    ck_assert_uint_gt(seen.returned, 0);
    ck_assert_uint_gt(seen.partition_failed, 0);
    ck_assert_uint_gt(seen.launch_failures, 0);
}

END_TEST

Suite *group_invariants_suite(void);

Suite *group_invariants_suite(void)
{
    Suite *s = suite_create("group_invariants");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_group_invariants_hold_over_random_groups);
    suite_add_tcase(s, tc);
    return s;
}
