/*
 * Spot and mixed instances: the On-Demand/Spot split (ec2-auto-scaling-mixed-instances-
 * groups: base first, percentage above it rounded up for On-Demand), pool choice per
 * allocation strategy (asgsim's model, market.h), Spot prices, and interruptions in a
 * group: rebalance recommendation, then the notice 2 minutes before the interruption
 * (spot-instance-termination-notices), billed as billing-for-interrupted-spot-instances says.
 */
#include "asgsim/asg.h"
#include "asgsim/market.h"

#include <check.h>
#include <string.h>

static char m5l[] = "m5.large", c5l[] = "c5.large", m5xl[] = "m5.xlarge";
static char az_a[] = "us-east-1a", az_b[] = "us-east-1b", group_name[] = "web";
static char *azs2[] = { az_a, az_b };

static struct catalog cat;

static void setup_catalog(void)
{
    memset(&cat, 0, sizeof(cat));
    const struct instance_type types[] = {
        { .name = m5l,
          .vcpus = 2,
          .memory_gib = 8,
          .on_demand_usd_per_hour = 0.096,
          .spot_usd_per_hour = 0.0418 },
        { .name = c5l,
          .vcpus = 2,
          .memory_gib = 4,
          .on_demand_usd_per_hour = 0.085,
          .spot_usd_per_hour = 0.0286 },
        { .name = m5xl,
          .vcpus = 4,
          .memory_gib = 16,
          .on_demand_usd_per_hour = 0.192,
          .spot_usd_per_hour = 0.0627 },
    };
    for (size_t i = 0; i < 3; i++)
        catalog_put(&cat, &types[i]);
}

static void teardown_catalog(void)
{
    catalog_release(&cat);
}

static struct mixed_override three[] = { { .type = m5l, .weight = 1 },
                                         { .type = c5l, .weight = 1 },
                                         { .type = m5xl, .weight = 2 } };

static struct mixed_policy policy(int64_t base, int64_t pct, enum spot_strategy st)
{
    return (struct mixed_policy){ .od_base = base,
                                  .od_pct_above_base = pct,
                                  .od_strategy = OD_PRIORITIZED,
                                  .spot_strategy = st,
                                  .spot_pools = 2,
                                  .overrides = three,
                                  .nr_overrides = 3 };
}

START_TEST(test_spot_on_demand_share_rounds_up)
{
    struct mixed_policy p = policy(2, 25, SPOT_LOWEST_PRICE);
    /* 10 units: 2 base + ceil(8 x 25 %) = 2 + 2 = 4 On-Demand */
    ck_assert_int_eq(market_on_demand_target(&p, 10), 4);
    /* 11 units: 2 + ceil(9 x 25 % = 2.25) = 5 (rounded up in favour of On-Demand) */
    ck_assert_int_eq(market_on_demand_target(&p, 11), 5);
    /* below the base everything is On-Demand */
    ck_assert_int_eq(market_on_demand_target(&p, 1), 1);
    p.od_pct_above_base = 0;
    ck_assert_int_eq(market_on_demand_target(&p, 10), 2);
    p.od_pct_above_base = 100; /* the AWS default: all On-Demand */
    ck_assert_int_eq(market_on_demand_target(&p, 10), 10);
}

END_TEST

START_TEST(test_spot_price_from_pool_else_catalog)
{
    struct spot_pool pools[] = { { m5l, az_a, 0.05, 0.3 }, { m5l, NULL, -1, 0.1 } };
    struct spot_config s = { pools, 2, 0.02, { DIST_CONSTANT, 300, 0 } };
    const struct instance_type *m5 = catalog_find(&cat, "m5.large");
    ck_assert_double_eq(spot_price(&s, m5, "us-east-1a"), 0.05);
    ck_assert_double_eq(spot_price(&s, m5, "us-east-1b"), 0.0418); /* any-AZ pool, no price */
    ck_assert_double_eq(spot_interruption_rate(&s, "m5.large", "us-east-1a"), 0.3);
    ck_assert_double_eq(spot_interruption_rate(&s, "m5.large", "us-east-1b"), 0.1);
    ck_assert_double_eq(spot_interruption_rate(&s, "c5.large", "us-east-1b"), 0.02);
    ck_assert_double_eq(spot_price(NULL, m5, "us-east-1a"), 0.0418);
}

END_TEST

START_TEST(test_spot_lowest_price_is_per_unit_and_spreads_over_pools)
{
    struct mixed_policy p = policy(0, 0, SPOT_LOWEST_PRICE);
    /* per unit: m5.large 0.0418, c5.large 0.0286, m5.xlarge 0.0627 / 2 = 0.03135 */
    int64_t units[3] = { 0, 0, 0 };
    ck_assert_uint_eq(market_pick_spot(&p, NULL, &cat, "us-east-1a", units), 1);
    /* SpotInstancePools 2: the two cheapest pools share the load */
    units[1] = 3;
    ck_assert_uint_eq(market_pick_spot(&p, NULL, &cat, "us-east-1a", units), 2);
    p.spot_pools = 1;
    ck_assert_uint_eq(market_pick_spot(&p, NULL, &cat, "us-east-1a", units), 1);
}

END_TEST

START_TEST(test_spot_capacity_strategies_prefer_low_interruption)
{
    struct spot_pool pools[] = { { m5l, NULL, -1, 0.01 },
                                 { c5l, NULL, -1, 0.2 },
                                 { m5xl, NULL, -1, 0.05 } };
    struct spot_config s = { pools, 3, 0, { DIST_CONSTANT, 300, 0 } };
    int64_t units[3] = { 0, 0, 0 };
    struct mixed_policy p = policy(0, 0, SPOT_CAPACITY_OPTIMIZED);
    ck_assert_uint_eq(market_pick_spot(&p, &s, &cat, "us-east-1a", units), 0);
    /* price-capacity: the better half by rate (m5.large, m5.xlarge), then the cheaper per
       unit: m5.xlarge 0.03135 < m5.large 0.0418 */
    p.spot_strategy = SPOT_PRICE_CAPACITY_OPTIMIZED;
    ck_assert_uint_eq(market_pick_spot(&p, &s, &cat, "us-east-1a", units), 2);
}

END_TEST

START_TEST(test_spot_on_demand_strategies)
{
    struct mixed_policy p = policy(0, 100, SPOT_LOWEST_PRICE);
    ck_assert_uint_eq(market_pick_on_demand(&p, &cat), 0); /* prioritized: first override */
    p.od_strategy = OD_LOWEST_PRICE;
    /* per unit On-Demand: 0.096, 0.085, 0.096 -> c5.large */
    ck_assert_uint_eq(market_pick_on_demand(&p, &cat), 1);
}

END_TEST

/* ---- in a group -------------------------------------------------------------------------- */

struct spot_rec {
    int rebalance, notices, interrupted, retired;
    int bad_bills;
};

static struct spot_rec rec;

static void on_signal(void *ctx, const struct instance *inst, const char *signal)
{
    (void)ctx;
    ck_assert_int_eq(inst->market, BILLING_SPOT);
    if (!strcmp(signal, "rebalance-recommendation")) {
        rec.rebalance++;
        /* the recommendation comes before (or with) the notice */
        ck_assert_int_le(sim_now(inst->group->eng), inst->spot.notice_at);
    } else {
        ck_assert_str_eq(signal, "interruption-notice");
        rec.notices++;
        ck_assert_int_eq(sim_now(inst->group->eng), inst->spot.notice_at);
        /* the notice comes 2 minutes before the interruption (or at launch if sooner) */
        ck_assert(inst->spot.interruption_at - inst->spot.notice_at == SPOT_NOTICE_US ||
                  inst->spot.notice_at == inst->launched_at);
    }
}

static void on_retired(void *ctx, const struct instance *inst, sim_time now)
{
    (void)ctx;
    rec.retired++;
    if (!inst->spot.interrupted)
        return;
    rec.interrupted++;
    ck_assert_int_eq(inst->terminated_at, inst->spot.interruption_at);
    /* per-second Spot interrupted by EC2: free in the first hour, then seconds used */
    sim_time ran = inst->terminated_at - inst->launched_at;
    int64_t expect = ran < SIM_HOUR(1) ? 0 : (ran + SIM_US_PER_SEC - 1) / SIM_US_PER_SEC;
    if (billing_seconds(&inst->meter, now) != expect)
        rec.bad_bills++;
}

struct gfix {
    struct asg_config cfg;
    struct dist boot;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct asg_group g;
    struct spot_config spot;
};

static struct spot_pool fast_pools[] = { { c5l, NULL, -1, 1.0 } };

static void setup_group(struct gfix *f, int64_t desired, struct mixed_policy p, double rate)
{
    memset(f, 0, sizeof(*f));
    memset(&rec, 0, sizeof(rec));
    f->cfg.name = group_name;
    f->cfg.min_size = 0;
    f->cfg.desired_capacity = desired;
    f->cfg.max_size = 40;
    f->cfg.azs = azs2;
    f->cfg.nr_azs = 2;
    f->cfg.has_mixed = true;
    f->cfg.mixed = p;
    f->boot = (struct dist){ DIST_CONSTANT, 90, 0 };
    f->eng = sim_engine_new();
    rng_set_init(&f->rngs, 7, 0, 0);
    fast_pools[0].interruptions_per_hour = rate;
    f->spot = (struct spot_config){ fast_pools, 1, 0, { DIST_CONSTANT, 300, 0 } };
    const struct asg_observer obs = { NULL, NULL, NULL, NULL, on_retired };
    asg_group_init(&f->g, &f->cfg, catalog_find(&cat, "m5.large"), &f->boot, 1704067200, f->eng,
                   &f->rngs, &obs);
    const struct asg_market_opts mo = {
        .catalog = &cat, .spot = &f->spot, .spot_signal = on_signal, .spot_ctx = NULL
    };
    asg_group_set_market(&f->g, &mo, &f->rngs);
}

static void teardown_group(struct gfix *f)
{
    asg_group_finish(&f->g);
    asg_group_release(&f->g);
    ck_assert_uint_eq(sim_pending_count(f->eng), 0);
    sim_engine_free(f->eng);
    rng_set_release(&f->rngs);
}

START_TEST(test_spot_group_splits_markets_and_counts_units)
{
    struct gfix f;
    /* 10 units, base 2, 25 % above: 4 On-Demand m5.large (prioritized), 6 Spot units */
    setup_group(&f, 10, policy(2, 25, SPOT_LOWEST_PRICE), 0);
    asg_group_create(&f.g);
    ck_assert_int_eq(f.g.units_by_market[BILLING_ON_DEMAND], 4);
    ck_assert_int_eq(f.g.units_by_market[BILLING_SPOT], 6);
    ck_assert_int_eq(f.g.units, 10);
    ck_assert_uint_eq(f.g.nr_launched_by_market[BILLING_ON_DEMAND], 4);
    for (size_t i = 0; i < f.g.nr_live; i++) {
        const struct instance *inst = f.g.live[i];
        if (inst->market == BILLING_ON_DEMAND)
            ck_assert_str_eq(inst->type->name, "m5.large");
    }
    /* one hour: On-Demand 4 x 0.096 = 0.384 USD; no storage configured */
    double od, spot, storage;
    asg_group_cost_split(&f.g, SIM_HOUR(1), &od, &spot, &storage);
    ck_assert_double_eq_tol(od, 0.384, 1e-12);
    ck_assert_double_eq(storage, 0.0);
    ck_assert(spot > 0);
    /* scale in to 4 units: the On-Demand target becomes 2 + ceil(2 x 25 %) = 3, so the
       victims are chosen to reach 3 On-Demand and 1 Spot unit (weights permitting) */
    sim_run_until(f.eng, SIM_HOUR(1));
    asg_group_set_desired(&f.g, 4, "a user request");
    ck_assert_int_eq(f.g.units_by_market[BILLING_ON_DEMAND], 3);
    ck_assert_int_le(f.g.units, 4 + 1); /* weights may leave less than one weight over */
    teardown_group(&f);
}

END_TEST

START_TEST(test_spot_interruptions_signal_bill_and_replace)
{
    struct gfix f;
    /* all Spot (base 0, 0 %), c5.large only pool with 1 interruption per hour */
    struct mixed_policy p = policy(0, 0, SPOT_CAPACITY_OPTIMIZED);
    p.overrides = &three[1];
    p.nr_overrides = 1;
    setup_group(&f, 6, p, 1.0);
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_HOUR(24));
    /* about 6 instances x 24 h x 1/h interruptions: many, each replaced */
    ck_assert_int_gt(rec.interrupted, 50);
    ck_assert_uint_eq(f.g.spot.nr_interruptions, (uint64_t)rec.interrupted);
    ck_assert_int_eq(rec.bad_bills, 0);
    /* EC2 always sends the rebalance recommendation and the notice first */
    ck_assert_int_ge(rec.rebalance, rec.interrupted);
    ck_assert_int_ge(rec.notices, rec.interrupted);
    ck_assert_int_eq(f.g.units, 6); /* capacity was replaced */
    ck_assert_uint_eq(f.g.nr_launched, 6 + f.g.spot.nr_interruptions);
    teardown_group(&f);
}

END_TEST

Suite *spot_suite(void);

Suite *spot_suite(void)
{
    Suite *s = suite_create("spot");
    TCase *tc = tcase_create("market");
    tcase_add_checked_fixture(tc, setup_catalog, teardown_catalog);
    tcase_add_test(tc, test_spot_on_demand_share_rounds_up);
    tcase_add_test(tc, test_spot_price_from_pool_else_catalog);
    tcase_add_test(tc, test_spot_lowest_price_is_per_unit_and_spreads_over_pools);
    tcase_add_test(tc, test_spot_capacity_strategies_prefer_low_interruption);
    tcase_add_test(tc, test_spot_on_demand_strategies);
    tcase_add_test(tc, test_spot_group_splits_markets_and_counts_units);
    tcase_add_test(tc, test_spot_interruptions_signal_bill_and_replace);
    suite_add_tcase(s, tc);
    return s;
}
