/*
 * MaxInstanceLifetime's pace (asg.h; asg-max-instance-lifetime.html): "In general, Amazon
 * EC2 Auto Scaling replaces instances one at a time, with a pause between replacements.
 * However, if the maximum instance lifetime that you specify doesn't provide enough time to
 * replace each instance individually, Amazon EC2 Auto Scaling must replace more than one
 * instance at a time. Several instances might be replaced at once, by up to 10 percent of
 * the current capacity of your Auto Scaling group." The test for "too short" is asgsim's
 * (asg.h): more than two instances waiting or settling. Also the `initial` flag of the
 * instances launched by the group's creation (asgsim's rule: they count as ready).
 */
#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <check.h>
#include <string.h>

static char c6i_name[] = "c6i.large", az_a[] = "us-east-1a", az_b[] = "us-east-1b",
            group_name[] = "web";
static const struct instance_type c6i_large = { .name = c6i_name,
                                                .vcpus = 2,
                                                .memory_gib = 4,
                                                .on_demand_usd_per_hour = 0.085,
                                                .spot_usd_per_hour = 0.0339 };
static char *azs2[] = { az_a, az_b };

#define MAX_IDS 256

/* Boot 60 s, grace 300 s, warmup 300 s: one replacement takes D = 660 s (asg.h). */
#define BOOT_S 60
#define D_S    (BOOT_S + 300 + 300)

struct recorder {
    sim_time launched_at[MAX_IDS];
    sim_time terminated_at[MAX_IDS]; /* -1 until termination starts */
    bool initial[MAX_IDS];           /* as launched */
    size_t max_in_batch;             /* most lifetime replacements settling at once */
    const struct asg_group *g;
};

static void rec_launched(void *ctx, const struct instance *inst)
{
    struct recorder *r = ctx;
    ck_assert_uint_lt(inst->id, MAX_IDS);
    r->launched_at[inst->id] = inst->launched_at;
    r->terminated_at[inst->id] = -1;
    r->initial[inst->id] = inst->initial;
}

static void rec_transition(void *ctx, const struct instance *inst, enum lifecycle_state from,
                           enum lifecycle_state to, const char *cause)
{
    struct recorder *r = ctx;
    (void)from;
    (void)cause;
    if (to == LIFECYCLE_TERMINATING)
        r->terminated_at[inst->id] = inst->terminated_at;
    size_t n = r->g->replacement.nr_in_batch[ASG_REPLACE_LIFETIME];
    if (n > r->max_in_batch)
        r->max_in_batch = n;
}

struct fixture {
    struct asg_config cfg;
    struct dist boot;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct asg_group g;
    struct recorder rec;
};

static void setup(struct fixture *f, int64_t desired, sim_time lifetime)
{
    memset(f, 0, sizeof(*f));
    f->cfg.name = group_name;
    f->cfg.min_size = 0;
    f->cfg.desired_capacity = desired;
    f->cfg.max_size = 100;
    f->cfg.azs = azs2;
    f->cfg.nr_azs = 2;
    f->cfg.max_instance_lifetime = lifetime;
    f->cfg.health_check_grace = SIM_SEC(300);
    f->cfg.has_default_instance_warmup = true;
    f->cfg.default_instance_warmup = SIM_SEC(300);
    f->boot = (struct dist){ DIST_CONSTANT, BOOT_S, 0 };
    f->eng = sim_engine_new();
    f->rec.g = &f->g;
    rng_set_init(&f->rngs, 1, 0, 0);
    const struct asg_observer obs = { &f->rec, rec_launched, rec_transition, NULL, NULL };
    asg_group_init(&f->g, &f->cfg, &c6i_large, &f->boot, 1704067200, f->eng, &f->rngs, &obs);
    const struct asg_market_opts mo = { .granularity = BILLING_PER_SECOND };
    asg_group_set_market(&f->g, &mo, &f->rngs);
}

static void teardown(struct fixture *f)
{
    asg_group_finish(&f->g);
    asg_group_release(&f->g);
    ck_assert_uint_eq(sim_pending_count(f->eng), 0);
    sim_engine_free(f->eng);
    rng_set_release(&f->rngs);
}

/* The longest life of instances first..last, from launch to the start of termination. */
static sim_time longest_life(const struct recorder *r, uint32_t first, uint32_t last)
{
    sim_time longest = 0;
    for (uint32_t id = first; id <= last; id++) {
        ck_assert_int_ge(r->terminated_at[id], 0);
        sim_time life = r->terminated_at[id] - r->launched_at[id];
        if (life > longest)
            longest = life;
    }
    return longest;
}

/*
 * 30 instances launched together, MaxInstanceLifetime at AWS's minimum (86400 s). All 30
 * lifetimes end at 86400 s: one at a time the last would start 29 x 660 s = 19140 s (5.3 h)
 * late. Too short (asg.h): batches of ceil(10 % of 30) = 3, so every one is replaced within
 * (30 / 3 - 1) x 660 s = 5940 s of its lifetime's end.
 */
START_TEST(test_lifetime_too_short_replaces_ten_percent_at_once)
{
    struct fixture f;
    setup(&f, 30, SIM_SEC(86400));
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_SEC(86400) - 1);
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 0);
    sim_run_until(f.eng, SIM_SEC(86400));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 3);
    ck_assert_uint_eq(f.g.nr_launched, 33);
    /* the next three when the first three have settled (launch + D) */
    sim_run_until(f.eng, SIM_SEC(86400 + D_S) - 1);
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 3);
    sim_run_until(f.eng, SIM_SEC(86400 + D_S));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 6);
    sim_run_until(f.eng, SIM_SEC(86400 + 9 * D_S));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 30);
    ck_assert_int_eq(longest_life(&f.rec, 1, 30), SIM_SEC(86400 + 9 * D_S));
    ck_assert_uint_eq(f.rec.max_in_batch, 3);
    /* capacity never dropped by more than the batch: terminate, then launch at once */
    ck_assert_int_eq(f.g.units, 30);
    /* the replacements' lifetimes end three at a time, D apart: the next round goes the
       same way, each within its lifetime's end + 9 x D */
    sim_run_until(f.eng, SIM_SEC(2 * 86400 + 19 * D_S));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 60);
    ck_assert_int_le(longest_life(&f.rec, 31, 60), SIM_SEC(86400 + 9 * D_S));
    ck_assert_uint_eq(f.rec.max_in_batch, 3);
    teardown(&f);
}

END_TEST

/*
 * A long lifetime (7 days) and lifetimes that end an hour apart (the group grew by one
 * instance an hour): one at a time keeps up, so each is replaced exactly at its lifetime's
 * end and never more than one settles at once.
 */
START_TEST(test_lifetime_spread_out_stays_one_at_a_time)
{
    struct fixture f;
    setup(&f, 1, SIM_DAY(7));
    asg_group_create(&f.g);
    for (int64_t n = 2; n <= 30; n++) {
        sim_run_until(f.eng, SIM_SEC(3600 * (n - 1)));
        asg_group_set_desired(&f.g, n, "a user request set the desired capacity");
    }
    sim_run_until(f.eng, SIM_DAY(7) + SIM_SEC(3600 * 30));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 30);
    ck_assert_int_eq(longest_life(&f.rec, 1, 30), SIM_DAY(7));
    ck_assert_uint_eq(f.rec.max_in_batch, 1);
    teardown(&f);
}

END_TEST

/*
 * Two lifetimes that end together (W + B = 2) stay one at a time, in a group large enough
 * for batches of three: the second waits one D.
 */
START_TEST(test_lifetime_two_due_together_one_at_a_time)
{
    struct fixture f;
    setup(&f, 2, SIM_SEC(86400));
    asg_group_create(&f.g);
    sim_run_until(f.eng, SIM_SEC(3600));
    asg_group_set_desired(&f.g, 30, "a user request set the desired capacity");
    /* instances 1 and 2 end together at 86400 s; 3..30 together an hour later */
    sim_run_until(f.eng, SIM_SEC(86400));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 1);
    sim_run_until(f.eng, SIM_SEC(86400 + D_S));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 2);
    ck_assert_int_eq(longest_life(&f.rec, 1, 2), SIM_SEC(86400 + D_S));
    ck_assert_uint_eq(f.rec.max_in_batch, 1);
    /* then 28 together: ceil(10 % of 30) = 3 at once */
    sim_run_until(f.eng, SIM_SEC(3600 + 86400));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 5);
    ck_assert_uint_eq(f.rec.max_in_batch, 3);
    teardown(&f);
}

END_TEST

/*
 * Scale-in protection still delays replacement ("Add extra time between certain
 * replacements by using instance protection"): ten of the thirty are protected before they
 * are InService and are never replaced; they count in current capacity (10 % of 30 = 3)
 * but not among the waiting instances.
 */
START_TEST(test_lifetime_protected_instances_wait)
{
    struct fixture f;
    setup(&f, 30, SIM_SEC(86400));
    asg_group_create(&f.g);
    size_t nr_protected = 0;
    for (size_t i = 0; i < f.g.nr_live; i++)
        if (f.g.live[i]->id % 3 == 0) {
            f.g.live[i]->protected_from_scale_in = true;
            nr_protected++;
        }
    ck_assert_uint_eq(nr_protected, 10);
    sim_run_until(f.eng, SIM_SEC(86400));
    ck_assert_uint_eq(f.g.replacement.nr_lifetime_replacements, 3);
    sim_run_until(f.eng, SIM_SEC(3 * 86400));
    for (uint32_t id = 1; id <= 30; id++)
        ck_assert_int_eq(f.rec.terminated_at[id] < 0, id % 3 == 0);
    /* 20 in batches of 3: 7 batches, the last 6 x D after the lifetimes' end */
    sim_time longest = 0;
    for (uint32_t id = 1; id <= 30; id++)
        if (id % 3 && f.rec.terminated_at[id] - f.rec.launched_at[id] > longest)
            longest = f.rec.terminated_at[id] - f.rec.launched_at[id];
    ck_assert_int_eq(longest, SIM_SEC(86400 + 6 * D_S));
    teardown(&f);
}

END_TEST

/*
 * The instances of the group's creation are `initial`; a later scale-out's and the lifetime
 * replacements' are not, and the flag stays as launched.
 */
START_TEST(test_initial_instances_only_from_creation)
{
    struct fixture f;
    setup(&f, 3, SIM_SEC(86400));
    asg_group_create(&f.g);
    ck_assert_uint_eq(f.g.nr_launched, 3);
    for (size_t i = 0; i < f.g.nr_live; i++)
        ck_assert(f.g.live[i]->initial);
    sim_run_until(f.eng, SIM_SEC(600));
    asg_group_set_desired(&f.g, 5, "a user request set the desired capacity");
    ck_assert_uint_eq(f.g.nr_launched, 5);
    sim_run_until(f.eng, SIM_SEC(86400 + 600));
    ck_assert_uint_ge(f.g.replacement.nr_lifetime_replacements, 1);
    for (uint32_t id = 1; id <= f.g.nr_launched; id++)
        ck_assert_msg(f.rec.initial[id] == (id <= 3), "instance %u", id);
    for (size_t i = 0; i < f.g.nr_live; i++)
        ck_assert(f.g.live[i]->initial == (f.g.live[i]->id <= 3));
    teardown(&f);
}

END_TEST

Suite *group_lifetime_suite(void);

Suite *group_lifetime_suite(void)
{
    Suite *s = suite_create("group_lifetime");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_lifetime_too_short_replaces_ten_percent_at_once);
    tcase_add_test(tc, test_lifetime_spread_out_stays_one_at_a_time);
    tcase_add_test(tc, test_lifetime_two_due_together_one_at_a_time);
    tcase_add_test(tc, test_lifetime_protected_instances_wait);
    tcase_add_test(tc, test_initial_instances_only_from_creation);
    suite_add_tcase(s, tc);
    return s;
}
