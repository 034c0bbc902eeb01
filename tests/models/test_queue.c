/*
 * The message queue of a queue-driven group (issue 17, item 7; serve.h, queue mode): the
 * serving model is the queue. Messages arrive at the workload's rate and wait without a
 * limit, also while no instance is InService; the InService instances take them first in,
 * first out; a message older than the queue's retention period is deleted unprocessed
 * (dropped). The visible count (ApproximateNumberOfMessagesVisible) is the backlog and the
 * age of the oldest message (ApproximateAgeOfOldestMessage) is that of the head.
 *
 * SQS: "MessageRetentionPeriod - The length of time, in seconds, for which Amazon SQS
 * retains a message. Valid values: An integer from 60 seconds (1 minute) to 1,209,600
 * seconds (14 days). Default: 345,600 (4 days)." (API_SetQueueAttributes; CloudFormation
 * aws-properties-sqs-queues, MessageRetentionPeriod.) ApproximateAgeOfOldestMessage: "The
 * approximate age of the oldest non-deleted message in the queue", seconds
 * (sqs-available-cloudwatch-metrics).
 */
#include "asgsim/queue.h"
#include "asgsim/serve.h"

#include <check.h>
#include <math.h>

struct qbench {
    struct workload_config wl;
    struct serve_config cfg;
    struct sim_engine *eng;
    struct rng_set rngs;
    struct serve s;
};

static struct serve_stats iv; /* large: off the stack */

/* A queue of `rps` messages/s, 10 messages/s per vCPU, 10 s fluid steps, no instance yet. */
static void qbench_start(struct qbench *b, double rps, sim_time retention, enum serve_fidelity f)
{
    b->wl = (struct workload_config){ .kind = WORKLOAD_CONSTANT, .rps = rps };
    b->cfg = (struct serve_config){ .fidelity = f,
                                    .lb = SERVE_LB_ROUND_ROBIN,
                                    .tick = SIM_SEC(10),
                                    .queue_limit = SERVE_DEFAULT_QUEUE_LIMIT,
                                    .capacity_rps_per_vcpu = 10,
                                    .queue = true,
                                    .retention = retention };
    b->eng = sim_engine_new();
    b->rngs = (struct rng_set){ 0 };
    rng_set_init(&b->rngs, 7, 0, 0);
    serve_init(&b->s, &b->cfg, &b->wl, 0, SIM_SEC(60), b->eng, &b->rngs);
    serve_start(&b->s);
}

static void qbench_release(struct qbench *b)
{
    serve_release(&b->s);
    sim_engine_free(b->eng);
    rng_set_release(&b->rngs);
}

/* Run to `t` and take the interval into iv. */
static void take_at(struct qbench *b, sim_time t)
{
    sim_run_until(b->eng, t);
    serve_take_interval(&b->s, &iv);
}

/* Both fidelities (_i: SERVE_FLUID, SERVE_REQUEST): the same queue, the same figures. */
START_TEST(test_queue_messages_wait_for_the_first_instance_and_none_is_dropped)
{
    struct qbench b;
    qbench_start(&b, 20, QUEUE_DEFAULT_RETENTION, (enum serve_fidelity)_i);
    /* No instance for 300 s: every message waits (no load balancer to refuse it). */
    double arrived = 0;
    for (int k = 1; k <= 30; k++) {
        take_at(&b, SIM_SEC(10) * k);
        arrived += iv.arrived;
        ck_assert_double_eq(iv.dropped, 0);
        ck_assert_double_eq(iv.served, 0);
        ck_assert_double_eq_tol(iv.backlog, arrived, 1e-6);
    }
    struct msg_queue_status q;
    serve_queue_status(&b.s, &q);
    ck_assert_double_eq_tol(q.visible, arrived, 1e-6);
    /* the first was sent at 0 (fluid: the first step's spread starts there), request mode:
       after the first exponential gap (mean 0.05 s) */
    ck_assert_msg(q.oldest_age_s <= 300 && q.oldest_age_s > 299, "oldest %g", q.oldest_age_s);
    ck_assert_double_eq(q.processed, 0);
    /* 8 vCPUs, 80 messages/s, from 300 s: the ~6000 waiting drain at 60/s in ~100 s. */
    serve_add(&b.s, 1, 8);
    for (int k = 31; k <= 120; k++) {
        take_at(&b, SIM_SEC(10) * k);
        ck_assert_double_eq(iv.dropped, 0);
    }
    const struct serve_stats *t = &b.s.total;
    ck_assert_double_eq(t->dropped, 0);
    /* request mode: up to 8 messages are in processing, neither visible nor processed
       (SQS's ApproximateNumberOfMessagesNotVisible) */
    double in_flight = t->arrived - t->served - t->backlog;
    if (_i == SERVE_FLUID)
        ck_assert_double_eq_tol(in_flight, 0, 1e-6 * t->arrived);
    else
        ck_assert_msg(in_flight >= 0 && in_flight <= 8, "in flight %g", in_flight);
    serve_queue_status(&b.s, &q);
    ck_assert_double_eq_tol(q.visible, t->backlog, 1e-9);
    ck_assert_double_eq_tol(q.processed, t->served, 1e-6 * t->served);
    /* FIFO by the cumulative curves, at the nominal rates: the message sent at a (< 400 s)
       leaves at 300 + 20 a / 80, a wait of 300 - 0.75 a; the 1 % of 24 000 messages sent
       first (a < 12 s) waited more than 291 s: p99 is that plus 0.1 s of processing. The
       area between the curves is the N0 sent before 300 s waiting on average 150 s to fill
       and N0 / 60 / 2 to drain (1.2e6 s at N0 = 6000), shared by every message processed,
       plus 0.1 s of processing each: 50.1 s at the nominal counts. With the counts drawn
       (N0 = 6146 here, 1.9 sigma above) within 1 % (the arrivals during the drain vary
       too), and within 5 % of the nominal mean. */
    double p99 = serve_hist_quantile(&t->hist, 0.99);
    ck_assert_msg(p99 > 288 && p99 < 296, "p99 %g", p99);
    double mean = t->hist.sum_s / t->hist.total;
    double hand = (150 * arrived + 0.5 * arrived * arrived / 60) / t->served + 0.1;
    ck_assert_msg(fabs(mean - hand) < 0.01 * hand, "mean %g, by hand %g", mean, hand);
    ck_assert_msg(fabs(mean - 50.1) < 0.05 * 50.1, "mean %g", mean);
    qbench_release(&b);
}

END_TEST

START_TEST(test_queue_messages_older_than_the_retention_period_expire)
{
    struct qbench b;
    qbench_start(&b, 10, SIM_SEC(60), SERVE_FLUID);
    /* No capacity for 10 minutes. Arrivals of [10k, 10k + 10) are a[k]; by time t
       everything sent before t - 60 has expired: the interval ending at 10 (k + 7) drops
       exactly a[k], and at 600 the queue holds what was sent in [540, 600). */
    double a[60];
    for (int k = 0; k < 60; k++) {
        take_at(&b, SIM_SEC(10) * (k + 1));
        a[k] = iv.arrived;
        double expect = k >= 6 ? a[k - 6] : 0;
        ck_assert_msg(iv.dropped == expect, "interval %d dropped %g, sent %g", k, iv.dropped,
                      expect);
    }
    double expired = 0, young = 0;
    for (int k = 0; k < 54; k++)
        expired += a[k];
    for (int k = 54; k < 60; k++)
        young += a[k];
    ck_assert_double_eq_tol(b.s.total.dropped, expired, 1e-9);
    ck_assert_double_eq_tol(iv.backlog, young, 1e-9);
    struct msg_queue_status q;
    serve_queue_status(&b.s, &q);
    ck_assert_double_eq_tol(q.oldest_age_s, 60, 1e-9);
    /* 1000 messages/s from 600 s: the backlog is gone in the first step, none expires. */
    serve_add(&b.s, 1, 100);
    for (int k = 61; k <= 90; k++) {
        take_at(&b, SIM_SEC(10) * k);
        ck_assert_double_eq(iv.dropped, 0);
    }
    const struct serve_stats *t = &b.s.total;
    ck_assert_double_eq_tol(t->served + t->dropped + t->backlog, t->arrived, 1e-9 * t->arrived);
    /* nothing served waited longer than the retention period (plus its processing) */
    ck_assert_msg(serve_hist_quantile(&t->hist, 0.999) < 61, "p99.9 %g",
                  serve_hist_quantile(&t->hist, 0.999));
    serve_queue_status(&b.s, &q);
    ck_assert_double_eq(q.oldest_age_s, 0); /* empty */
    qbench_release(&b);
}

END_TEST

/* Request mode: each message expires when it is 60 s old, so at 600 s the oldest is just
   under 60 s old and the queue holds the last minute's messages, about 600; the rest
   expired. No message processed waited longer than 60 s. */
START_TEST(test_queue_request_messages_expire_at_the_retention_period)
{
    struct qbench b;
    qbench_start(&b, 10, SIM_SEC(60), SERVE_REQUEST);
    take_at(&b, SIM_SEC(600));
    struct msg_queue_status q;
    serve_queue_status(&b.s, &q);
    ck_assert_msg(q.oldest_age_s <= 60 && q.oldest_age_s > 59, "oldest %g", q.oldest_age_s);
    ck_assert_double_eq(q.visible, iv.backlog);
    ck_assert_msg(fabs(iv.backlog - 600) < 4 * sqrt(600), "backlog %g", iv.backlog);
    ck_assert_double_eq(iv.dropped + iv.backlog, iv.arrived);
    serve_add(&b.s, 1, 2); /* 20 messages/s: the 600 waiting are gone in about 60 s */
    take_at(&b, SIM_SEC(900));
    const struct serve_stats *t = &b.s.total;
    ck_assert_double_eq(t->served + t->dropped + t->backlog, t->arrived);
    ck_assert_msg(serve_hist_quantile(&t->hist, 0.999) < 61, "p99.9 %g",
                  serve_hist_quantile(&t->hist, 0.999));
    qbench_release(&b);
}

END_TEST

START_TEST(test_queue_an_instance_leaving_loses_no_message)
{
    struct qbench b;
    qbench_start(&b, 50, QUEUE_DEFAULT_RETENTION, (enum serve_fidelity)_i);
    serve_add(&b.s, 1, 2); /* 20 messages/s: a backlog builds */
    /* what the autoscaler reads between intervals is the state at that time: fluid, 20 a
       second processed from the start (the first step brings 500) */
    sim_run_until(b.eng, SIM_SEC(95));
    struct msg_queue_status q;
    serve_queue_status(&b.s, &q);
    take_at(&b, SIM_SEC(95));
    ck_assert_double_eq(q.processed, iv.served);
    ck_assert_double_eq(q.visible, iv.backlog);
    ck_assert_msg(_i != SERVE_FLUID || q.processed == 20 * 95, "processed %g", q.processed);
    take_at(&b, SIM_SEC(100));
    double before = iv.backlog;
    ck_assert(before > 2000);
    serve_remove(&b.s, 1); /* the last instance leaves: the messages stay in the queue */
    take_at(&b, SIM_SEC(200));
    ck_assert_double_eq(iv.dropped, 0);
    ck_assert_double_eq_tol(iv.backlog, before + iv.arrived, 1e-6);
    qbench_release(&b);
}

END_TEST

Suite *queue_suite(void);

Suite *queue_suite(void)
{
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_queue_messages_wait_for_the_first_instance_and_none_is_dropped,
                        SERVE_FLUID, SERVE_REQUEST + 1);
    tcase_add_test(tc, test_queue_messages_older_than_the_retention_period_expire);
    tcase_add_test(tc, test_queue_request_messages_expire_at_the_retention_period);
    tcase_add_loop_test(tc, test_queue_an_instance_leaving_loses_no_message, SERVE_FLUID,
                        SERVE_REQUEST + 1);
    suite_add_tcase(s, tc);
    return s;
}
