/*
 * Instance weighting (ec2-auto-scaling-mixed-instances-groups-instance-weighting.html):
 * "Current capacity will either be at the desired capacity or above it. ... suppose that
 * you specify two instance types, c5.2xlarge and c5.12xlarge, and you assign instance
 * weights of 2 for c5.2xlarge and 12 for c5.12xlarge. If there are 5 units remaining to
 * fulfill the desired capacity, and Amazon EC2 Auto Scaling provisions a c5.12xlarge, the
 * desired capacity is exceeded by 7 units." and "The hard limit enforced by Amazon EC2 Auto
 * Scaling is a value that is equal to your desired capacity plus your largest weight."
 * (aws-behaviour.md §4.0). Prices are AWS's example On-Demand prices from that page.
 */
#include "asgsim/asg.h"
#include "asgsim/market.h"

#include <check.h>
#include <string.h>

static char c5_2xl[] = "c5.2xlarge", c5_12xl[] = "c5.12xlarge";
static char az_a[] = "us-east-1a", az_b[] = "us-east-1b", group_name[] = "weighted";
static char *azs2[] = { az_a, az_b };

/* On-Demand, prioritized: the c5.12xlarge first, so every launch adds 12 units. */
static struct mixed_override overrides[] = { { .type = c5_12xl, .weight = 12 },
                                             { .type = c5_2xl, .weight = 2 } };

#define LARGEST_WEIGHT 12

struct fixture {
    struct catalog cat;
    struct asg_config cfg;
    struct dist boot;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct asg_group g;
};

static void setup(struct fixture *f, int64_t desired, int64_t max)
{
    memset(f, 0, sizeof(*f));
    const struct instance_type types[] = {
        { .name = c5_2xl,
          .vcpus = 8,
          .memory_gib = 16,
          .on_demand_usd_per_hour = 0.34,
          .spot_usd_per_hour = 0.180 },
        { .name = c5_12xl,
          .vcpus = 48,
          .memory_gib = 96,
          .on_demand_usd_per_hour = 2.04,
          .spot_usd_per_hour = 0.779 },
    };
    for (size_t i = 0; i < 2; i++)
        catalog_put(&f->cat, &types[i]);
    f->cfg.name = group_name;
    f->cfg.min_size = 0;
    f->cfg.desired_capacity = desired;
    f->cfg.max_size = max;
    f->cfg.azs = azs2;
    f->cfg.nr_azs = 2;
    f->cfg.has_mixed = true;
    f->cfg.mixed = (struct mixed_policy){ .od_base = 0,
                                          .od_pct_above_base = 100,
                                          .od_strategy = OD_PRIORITIZED,
                                          .spot_strategy = SPOT_LOWEST_PRICE,
                                          .spot_pools = 2,
                                          .overrides = overrides,
                                          .nr_overrides = 2 };
    f->boot = (struct dist){ DIST_CONSTANT, 60, 0 };
    f->eng = sim_engine_new();
    rng_set_init(&f->rngs, 3, 0, 0);
    asg_group_init(&f->g, &f->cfg, catalog_find(&f->cat, c5_12xl), &f->boot, 1704067200, f->eng,
                   &f->rngs, NULL);
    const struct asg_market_opts mo = { .catalog = &f->cat };
    asg_group_set_market(&f->g, &mo, &f->rngs);
}

static void teardown(struct fixture *f)
{
    asg_group_finish(&f->g);
    asg_group_release(&f->g);
    ck_assert_uint_eq(sim_pending_count(f->eng), 0);
    sim_engine_free(f->eng);
    rng_set_release(&f->rngs);
    catalog_release(&f->cat);
}

/* Desired <= capacity < desired + the largest weight. */
static void check_overage(const struct asg_group *g)
{
    ck_assert_int_ge(g->units, g->desired);
    ck_assert_int_lt(g->units, g->desired + LARGEST_WEIGHT);
}

START_TEST(test_weights_overage_is_below_desired_plus_largest_weight)
{
    struct fixture f;
    setup(&f, 5, 17);
    /* AWS's example: 5 units remaining, a c5.12xlarge is provisioned: 7 units over */
    asg_group_create(&f.g);
    ck_assert_uint_eq(f.g.nr_launched, 1);
    ck_assert_int_eq(f.g.units, 12);
    ck_assert_int_eq(f.g.units - f.g.desired, 7);
    check_overage(&f.g);
    sim_run_until(f.eng, SIM_SEC(120));
    /* desired 12 is met already: no launch */
    asg_group_set_desired(&f.g, 12, "a user request set the desired capacity");
    ck_assert_uint_eq(f.g.nr_launched, 1);
    check_overage(&f.g);
    /* MaxSize 17: 5 units remaining again, 24 units = MaxSize + 7 (at most the largest
       weight over MaxSize) */
    asg_group_set_desired(&f.g, 17, "a user request set the desired capacity");
    ck_assert_uint_eq(f.g.nr_launched, 2);
    ck_assert_int_eq(f.g.units, 24);
    ck_assert_int_le(f.g.units, f.g.max_size + LARGEST_WEIGHT);
    check_overage(&f.g);
    sim_run_until(f.eng, SIM_SEC(240));
    /* scale-in keeps capacity >= desired: at 13 no 12-unit instance may go (24 - 12 < 13) */
    asg_group_set_desired(&f.g, 13, "a user request set the desired capacity");
    ck_assert_int_eq(f.g.units, 24);
    ck_assert_uint_eq(asg_group_count(&f.g, LIFECYCLE_IN_SERVICE), 2);
    check_overage(&f.g);
    /* at 12 one goes */
    asg_group_set_desired(&f.g, 12, "a user request set the desired capacity");
    ck_assert_int_eq(f.g.units, 12);
    ck_assert_uint_eq(asg_group_count_terminating(&f.g) + f.g.nr_terminated, 1);
    check_overage(&f.g);
    teardown(&f);
}

END_TEST

/* Every desired from 1 to 40 and back, by one unit: always within AWS's bounds. */
START_TEST(test_weights_overage_bounded_at_every_desired)
{
    struct fixture f;
    setup(&f, 1, 40);
    asg_group_create(&f.g);
    check_overage(&f.g);
    for (int64_t d = 2; d <= 40; d++) {
        asg_group_set_desired(&f.g, d, "a user request set the desired capacity");
        check_overage(&f.g);
    }
    sim_run_until(f.eng, SIM_SEC(120));
    for (int64_t d = 39; d >= 0; d--) {
        asg_group_set_desired(&f.g, d, "a user request set the desired capacity");
        check_overage(&f.g);
    }
    ck_assert_int_eq(f.g.units, 0);
    teardown(&f);
}

END_TEST

Suite *group_weights_suite(void);

Suite *group_weights_suite(void)
{
    Suite *s = suite_create("group_weights");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_weights_overage_is_below_desired_plus_largest_weight);
    tcase_add_test(tc, test_weights_overage_bounded_at_every_desired);
    suite_add_tcase(s, tc);
    return s;
}
