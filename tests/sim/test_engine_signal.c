/*
 * The engine watches a signal handler's flag after every event (sim_set_interrupt_flag), so
 * that SIGINT/SIGTERM stop a run within one event even when each event is slow and the
 * periodic check (every SIM_CHECK_EVERY events) is far away (issue 20, class 1).
 */
#include "asgsim/sim.h"

#include <check.h>
#include <signal.h>
#include <stdint.h>

#include "asgsim/banned.h"

static volatile sig_atomic_t flag;
static int fired[4];

static void record(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)target;
    fired[p->i]++;
    if (p->i == 2)
        flag = 1; /* as a signal arriving during this event */
}

static const struct sim_event_type record_ev = { "test.record", record };

START_TEST(test_engine_interrupt_flag_stops_after_the_event)
{
    struct sim_engine *eng = sim_engine_new();
    flag = 0;
    fired[1] = fired[2] = fired[3] = 0;
    sim_set_interrupt_flag(eng, &flag);
    ck_assert(!sim_interrupted(eng));
    for (int i = 1; i <= 3; i++)
        sim_schedule(eng, i, &record_ev, NULL, (union sim_payload){ .i = i });
    ck_assert_int_eq(sim_run_until(eng, 100), 1);
    ck_assert(sim_interrupted(eng));
    ck_assert_int_eq(fired[2], 1);
    ck_assert_int_eq(fired[3], 0);
    ck_assert_int_eq(sim_now(eng), 2); /* the clock stays at the event that saw the signal */
    ck_assert_uint_eq(sim_fired_count(eng), 2);
    flag = 0;
    ck_assert_int_eq(sim_run_until(eng, 100), 0);
    ck_assert_int_eq(fired[3], 1);
    sim_set_interrupt_flag(eng, NULL);
    ck_assert(!sim_interrupted(eng));
    sim_engine_free(eng);
}

END_TEST

Suite *engine_signal_suite(void);

Suite *engine_signal_suite(void)
{
    Suite *s = suite_create("engine_signal");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_engine_interrupt_flag_stops_after_the_event);
    suite_add_tcase(s, tc);
    return s;
}
