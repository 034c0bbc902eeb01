/*
 * The message queue of a queue-driven group (issue 17, item 7): messages arrive at the
 * workload's rate into a queue without a limit and the InService instances work them off
 * at their rate; the backlog is ApproximateNumberOfMessagesVisible.
 */
#include "asgsim/queue.h"

#include <check.h>

START_TEST(test_queue_backlog_builds_and_drains)
{
    struct msg_queue q = { 0 };
    /* 20 messages/s in, 5 out: 150 left after 10 s, 50 processed */
    ck_assert_double_eq_tol(msg_queue_advance(&q, SIM_SEC(10), 20, 5), 50, 1e-9);
    ck_assert_double_eq_tol(q.visible, 150, 1e-9);
    /* 100 out: the backlog and the new 200 are all worked off, never below zero */
    ck_assert_double_eq_tol(msg_queue_advance(&q, SIM_SEC(20), 20, 100), 350, 1e-9);
    ck_assert_double_eq_tol(q.visible, 0, 1e-12);
    /* no instance: everything waits */
    ck_assert_double_eq_tol(msg_queue_advance(&q, SIM_SEC(30), 20, 0), 0, 1e-12);
    ck_assert_double_eq_tol(q.visible, 200, 1e-9);
    /* no time, no change */
    ck_assert_double_eq_tol(msg_queue_advance(&q, SIM_SEC(30), 20, 0), 0, 1e-12);
    ck_assert_double_eq_tol(q.visible, 200, 1e-9);
}

END_TEST

Suite *queue_suite(void);

Suite *queue_suite(void)
{
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_queue_backlog_builds_and_drains);
    suite_add_tcase(s, tc);
    return s;
}
