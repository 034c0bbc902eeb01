/*
 * Launches that keep failing (issue 20, class 1): a launch hook that abandons every launch.
 *
 * AWS: a launch ABANDON "terminates the instance and launches a replacement"
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html); the
 * cancelled launch reads "Launching a new EC2 instance: i-....  Status Reason: Instance failed
 * to complete user's Lifecycle Action: Lifecycle Action with token <uuid> was abandoned:
 * Lifecycle Action Completed with ABANDON Result" or "...: Heartbeat Timeout"
 * (https://aws.amazon.com/premiumsupport/knowledge-center/lifecycle-actions-code-deploy/).
 * AWS documents no pause between such relaunches; it only says that it may suspend the
 * processes of a group that has not launched any instance for over 24 hours
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html,
 * "administrative suspension", not modelled). asgsim's rule (README, "Launch ABANDON"): the
 * first abandoned launch since the last success is replaced at once, the n-th round in a
 * row waits LaunchRetryInterval x 2^(n-2), at most an hour.
 */
#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char c6i_name[] = "c6i.large", az_a[] = "us-east-1a", group_name[] = "web",
            hook_a[] = "bootstrap";
static const struct instance_type c6i_large = { .name = c6i_name,
                                                .vcpus = 2,
                                                .memory_gib = 4,
                                                .on_demand_usd_per_hour = 0.085,
                                                .spot_usd_per_hour = 0.0339 };
static char *azs1[] = { az_a };

#define MAX_LAUNCHES 64

struct recorder {
    struct sim_engine *eng;
    sim_time launch_at[MAX_LAUNCHES]; /* when each launch started */
    size_t nr_launches;
    size_t nr_cancelled, nr_successful, nr_timeout_reasons;
    char description[512]; /* the last cancelled launch's */
};

static void rec_launched(void *ctx, const struct instance *inst)
{
    struct recorder *r = ctx;
    (void)inst;
    if (r->nr_launches < MAX_LAUNCHES)
        r->launch_at[r->nr_launches] = sim_now(r->eng);
    r->nr_launches++;
}

static void rec_activity(void *ctx, const struct asg_activity *a)
{
    struct recorder *r = ctx;
    if (!strcmp(a->status, "Successful"))
        r->nr_successful++;
    if (strcmp(a->status, "Cancelled"))
        return;
    r->nr_cancelled++;
    r->nr_timeout_reasons += strstr(a->description, ": Heartbeat Timeout") != NULL;
    snprintf(r->description, sizeof(r->description), "%s", a->description);
}

struct fixture {
    struct asg_config cfg;
    struct lifecycle_hook_config hooks[1];
    struct dist boot;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct asg_group g;
    struct recorder rec;
};

/* One group of `desired` in one AZ whose launch hook fails at once (DefaultResult ABANDON). */
static void start(struct fixture *f, int64_t desired, double boot_s)
{
    memset(f, 0, sizeof(*f));
    f->cfg.name = group_name;
    f->cfg.desired_capacity = desired;
    f->cfg.max_size = 10;
    f->cfg.azs = azs1;
    f->cfg.nr_azs = 1;
    f->cfg.launch_retry_interval = ASG_LAUNCH_RETRY_DEFAULT;
    f->hooks[0] = (struct lifecycle_hook_config){
        .name = hook_a,
        .transition = HOOK_LAUNCHING,
        .default_result = HOOK_ABANDON,
        .heartbeat_timeout = LIFECYCLE_HEARTBEAT_MIN,
        .action_duration = { DIST_CONSTANT, 0, 0 },
        .failure_probability = 1,
    };
    f->cfg.hooks = f->hooks;
    f->cfg.nr_hooks = 1;
    f->boot = (struct dist){ DIST_CONSTANT, boot_s, 0 };
    f->eng = sim_engine_new();
    f->rec.eng = f->eng;
    rng_set_init(&f->rngs, 1, 0, 0);
    const struct asg_observer obs = { .ctx = &f->rec,
                                      .launched = rec_launched,
                                      .activity = rec_activity };
    asg_group_init(&f->g, &f->cfg, &c6i_large, &f->boot, 1704067200, f->eng, &f->rngs, &obs);
    const struct asg_market_opts mo = { .granularity = BILLING_PER_SECOND };
    asg_group_set_market(&f->g, &mo, &f->rngs);
    asg_group_create(&f->g);
}

static void teardown(struct fixture *f)
{
    asg_group_finish(&f->g);
    asg_group_release(&f->g);
    ck_assert_uint_eq(sim_pending_count(f->eng), 0);
    sim_engine_free(f->eng);
    rng_set_release(&f->rngs);
}

/* The launch times of a group of one whose hook always abandons, with a zero boot time. */
static const int64_t schedule_s[] = { 0, 0, 60, 180, 420, 900, 1860, 3780, 7380, 10980 };

START_TEST(test_group_abandoned_launches_back_off_doubling_to_an_hour)
{
    struct fixture f;
    start(&f, 1, 0);
    sim_run_until(f.eng, SIM_SEC(86400));
    /* 0 and its immediate replacement at 0, then 60 s doubling (60, 180, 420, 900, 1860,
       3780), then hourly from 7380 s: 7380 + 3600 k <= 86400 for k = 0..21. */
    ck_assert_uint_eq(f.rec.nr_launches, 2 + 6 + 22);
    for (size_t i = 0; i < ARRAY_SIZE(schedule_s); i++)
        ck_assert_int_eq(f.rec.launch_at[i], SIM_SEC(schedule_s[i]));
    ck_assert_int_eq(f.rec.launch_at[29], SIM_SEC(7380 + 21 * 3600));
    ck_assert_uint_eq(f.g.hooks.nr_launches_abandoned, 30);
    ck_assert_uint_eq(f.rec.nr_cancelled, 30);
    ck_assert_uint_eq(f.rec.nr_successful, 0);
    ck_assert_ptr_nonnull(strstr(f.rec.description, ".  Status Reason: Instance failed to complete "
                                                    "user's Lifecycle Action: Lifecycle Action "
                                                    "with token "));
    ck_assert_ptr_nonnull(strstr(f.rec.description,
                                 " was abandoned: Lifecycle Action Completed with ABANDON Result"));
    ck_assert_uint_eq(f.rec.nr_timeout_reasons, 0);
    teardown(&f);
}

END_TEST

/* Nobody completes the action: each launch ends at boot + HeartbeatTimeout (30 s). */
START_TEST(test_group_hook_timeouts_back_off_after_boot)
{
    struct fixture f;
    start(&f, 2, 90);
    f.hooks[0].failure_probability = 0;
    f.hooks[0].action_duration.a = 1e9;
    sim_run_until(f.eng, SIM_SEC(86400));
    /* 0: two launches, each abandoned 120 s later. 120: the first is replaced at once
       (round 1), the second starts round 2 (60 s) -> 180: one launch (the other is
       Pending). 240: round 3 (120 s) -> 360, and the launch of 180 ends at 300 during the
       wait (no new round) -> 360: two launches. Then rounds 4..8 wait 240, 480, 960, 1920
       and 3600 s after the failures at 480, 840, 1440, 2520, 4560: launches at 720, 1320,
       2400, 4440, 8160, then every 3720 s (boot, timeout, the hour): 8160 + 3720 k <= 86400
       for k = 0..21. */
    ck_assert_int_eq(f.rec.launch_at[2], SIM_SEC(120));
    ck_assert_int_eq(f.rec.launch_at[3], SIM_SEC(180));
    ck_assert_int_eq(f.rec.launch_at[4], SIM_SEC(360));
    ck_assert_int_eq(f.rec.launch_at[5], SIM_SEC(360));
    ck_assert_int_eq(f.rec.launch_at[6], SIM_SEC(720));
    ck_assert_int_eq(f.rec.launch_at[14], SIM_SEC(8160));
    ck_assert_uint_eq(f.rec.nr_launches, 2 + 1 + 1 + 2 * 5 + 2 * 22);
    ck_assert_uint_eq(f.rec.nr_timeout_reasons, f.rec.nr_cancelled);
    ck_assert_ptr_nonnull(strstr(f.rec.description, " was abandoned: Heartbeat Timeout"));
    teardown(&f);
}

END_TEST

/* A launch that reaches InService ends the back-off: the next failure is replaced at once. */
START_TEST(test_group_backoff_resets_after_a_success)
{
    struct fixture f;
    start(&f, 1, 0);
    sim_run_until(f.eng, SIM_SEC(1000)); /* launches at 0, 0, 60, 180, 420, 900 */
    ck_assert_uint_eq(f.rec.nr_launches, 6);
    f.hooks[0].failure_probability = 0; /* the action now completes at once: CONTINUE */
    sim_run_until(f.eng, SIM_SEC(1860));
    ck_assert_uint_eq(f.rec.nr_launches, 7);
    ck_assert_uint_eq(f.rec.nr_successful, 1);
    f.hooks[0].failure_probability = 1;
    asg_group_set_desired(&f.g, 2, "a test raised the desired capacity");
    ck_assert_uint_eq(f.rec.nr_launches, 8);
    /* its zero boot ends at once: round 1 again, replaced at once; round 2 waits the base
       60 s, not the 1920 s the earlier rounds had reached */
    sim_run_until(f.eng, SIM_SEC(1860));
    ck_assert_uint_eq(f.rec.nr_launches, 9);
    sim_run_until(f.eng, SIM_SEC(1860 + 59));
    ck_assert_uint_eq(f.rec.nr_launches, 9);
    sim_run_until(f.eng, SIM_SEC(1860 + 60));
    ck_assert_uint_eq(f.rec.nr_launches, 10);
    teardown(&f);
}

END_TEST

/* While the group waits, a higher desired capacity launches nothing until the timer. */
START_TEST(test_group_backoff_holds_scale_out)
{
    struct fixture f;
    start(&f, 1, 0);
    sim_run_until(f.eng, SIM_SEC(30)); /* round 2 waits until 60 s */
    ck_assert_uint_eq(f.rec.nr_launches, 2);
    asg_group_set_desired(&f.g, 3, "a test raised the desired capacity");
    ck_assert_uint_eq(f.rec.nr_launches, 2);
    sim_run_until(f.eng, SIM_SEC(60));
    ck_assert_uint_eq(f.rec.nr_launches, 5); /* the whole shortfall at once */
    teardown(&f);
}

END_TEST

Suite *group_backoff_suite(void);

Suite *group_backoff_suite(void)
{
    Suite *s = suite_create("group_backoff");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_group_abandoned_launches_back_off_doubling_to_an_hour);
    tcase_add_test(tc, test_group_hook_timeouts_back_off_after_boot);
    tcase_add_test(tc, test_group_backoff_resets_after_a_success);
    tcase_add_test(tc, test_group_backoff_holds_scale_out);
    suite_add_tcase(s, tc);
    return s;
}
