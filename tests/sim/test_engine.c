/*
 * Tests for the event engine (sim/engine.c): ordering, cancellation, run loop, observer,
 * time conversion, bugs that must abort (the long random sequence checked against a
 * reference model is in test_engine_model.c). Every test ends with the engine empty (or frees it
 * with events pending on purpose, which the ASan build checks for leaks).
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "asgsim/sim.h"

#include "asgsim/diag.h"
#include "asgsim/util.h"

#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"
/* clang-format on */

/*
 * White-box knowledge used by a few tests: engine.c encodes an id as
 * (generation << 32) | slot. Used only to prove that a slot really was reused.
 */
#define ID_SLOT(id) ((uint32_t)((id)&UINT32_MAX))

/* ---- a recording handler ------------------------------------------------------------- */

#define LOG_MAX 4096

struct log {
    size_t nr;
    int64_t tag[LOG_MAX];
    sim_time at[LOG_MAX];
};

static void log_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct log *lg = target;
    ck_assert_uint_lt(lg->nr, LOG_MAX);
    lg->tag[lg->nr] = p->i;
    lg->at[lg->nr] = sim_now(eng);
    lg->nr++;
}

static const struct sim_event_type LOG_EV = { "test.log", log_fire };

static union sim_payload tag(int64_t i)
{
    union sim_payload p = { .i = i };
    return p;
}

static void finish(struct sim_engine *eng)
{
    ck_assert_uint_eq(sim_pending_count(eng), 0);
    ck_assert_int_eq(sim_next_time(eng), SIM_TIME_MAX);
    sim_engine_free(eng);
}

/* ---- basics and ordering ------------------------------------------------------------- */

START_TEST(test_engine_new_is_empty_at_time_zero)
{
    struct sim_engine *eng = sim_engine_new();
    ck_assert_ptr_nonnull(eng);
    ck_assert_int_eq(sim_now(eng), 0);
    ck_assert_uint_eq(sim_pending_count(eng), 0);
    ck_assert_int_eq(sim_next_time(eng), SIM_TIME_MAX);
    ck_assert_uint_eq(sim_fired_count(eng), 0);
    ck_assert_int_eq(sim_run_until(eng, 0), 0);
    ck_assert_int_eq(sim_now(eng), 0);
    finish(eng);
    sim_engine_free(NULL);
}

END_TEST

/* Script: (delay, tag) pairs scheduled at time 0, then the expected firing order. */
START_TEST(test_engine_fires_in_time_order)
{
    static const struct {
        sim_time delay;
        int64_t tag;
    } script[] = { { 30, 0 }, { 10, 1 }, { 20, 2 }, { 10, 3 }, { 0, 4 }, { 31, 5 }, { 0, 6 } };

    static const int64_t expect_tag[] = { 4, 6, 1, 3, 2, 0, 5 };
    static const sim_time expect_at[] = { 0, 0, 10, 10, 20, 30, 31 };
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    for (size_t i = 0; i < ARRAY_SIZE(script); i++) {
        sim_event_id id = sim_schedule(eng, script[i].delay, &LOG_EV, &lg, tag(script[i].tag));
        ck_assert_uint_ne(id, 0);
        ck_assert_int_eq(sim_event_time(eng, id), script[i].delay);
    }
    ck_assert_uint_eq(sim_pending_count(eng), ARRAY_SIZE(script));
    ck_assert_int_eq(sim_next_time(eng), 0);
    ck_assert_int_eq(sim_run_until(eng, 1000), 0);
    ck_assert_uint_eq(lg.nr, ARRAY_SIZE(expect_tag));
    for (size_t i = 0; i < lg.nr; i++) {
        ck_assert_int_eq(lg.tag[i], expect_tag[i]);
        ck_assert_int_eq(lg.at[i], expect_at[i]);
    }
    ck_assert_uint_eq(sim_fired_count(eng), ARRAY_SIZE(script));
    finish(eng);
}

END_TEST

START_TEST(test_engine_equal_times_fire_fifo)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    /* 1000 events at t=500, mixing relative and absolute scheduling, with other times interleaved.
     */
    for (int64_t i = 0; i < 1000; i++) {
        if (i % 2)
            sim_schedule(eng, 500, &LOG_EV, &lg, tag(i));
        else
            sim_schedule_at(eng, 500, &LOG_EV, &lg, tag(i));
        if (i % 7 == 0)
            sim_schedule(eng, i % 3 ? 499 : 501, &LOG_EV, &lg, tag(-1));
    }
    ck_assert_int_eq(sim_run_until(eng, 10000), 0);
    size_t k = 0;
    for (size_t i = 0; i < lg.nr; i++) {
        if (lg.at[i] != 500)
            continue;
        ck_assert_int_eq(lg.tag[i], (int64_t)k);
        k++;
    }
    ck_assert_uint_eq(k, 1000);
    finish(eng);
}

END_TEST

/* A handler that schedules tag+100 with delay 0 (once, for tag 0). */
static void chain_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    log_fire(eng, target, p);
    if (p->i == 0)
        sim_schedule(eng, 0, &LOG_EV, target, tag(100));
    if (p->i == 1)
        sim_schedule_at(eng, sim_now(eng), &LOG_EV, target, tag(101));
}

static const struct sim_event_type CHAIN_EV = { "test.chain", chain_fire };

START_TEST(test_engine_delay_zero_from_handler_fires_after_due_events)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    sim_schedule(eng, 10, &CHAIN_EV, &lg, tag(0));
    sim_schedule(eng, 10, &CHAIN_EV, &lg, tag(1));
    sim_schedule(eng, 10, &LOG_EV, &lg, tag(2));
    sim_schedule(eng, 11, &LOG_EV, &lg, tag(3));
    ck_assert_int_eq(sim_run_until(eng, 20), 0);
    static const int64_t expect_tag[] = { 0, 1, 2, 100, 101, 3 };
    static const sim_time expect_at[] = { 10, 10, 10, 10, 10, 11 };
    ck_assert_uint_eq(lg.nr, ARRAY_SIZE(expect_tag));
    for (size_t i = 0; i < lg.nr; i++) {
        ck_assert_int_eq(lg.tag[i], expect_tag[i]);
        ck_assert_int_eq(lg.at[i], expect_at[i]);
    }
    finish(eng);
}

END_TEST

static const struct sim_event_type *sim_event_type_of_loop(void);

/* A zero-time loop: each firing schedules the next at the same instant. */
static void loop_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)p;
    sim_schedule(eng, 0, sim_event_type_of_loop(), target, (union sim_payload){ 0 });
}

static const struct sim_event_type LOOP_EV = { "test.loop", loop_fire };

static const struct sim_event_type *sim_event_type_of_loop(void)
{
    return &LOOP_EV;
}

static int stop_after(void *ctx, struct sim_engine *eng)
{
    uint64_t *calls = ctx;
    ++*calls;
    return sim_fired_count(eng) >= 4 * SIM_CHECK_EVERY;
}

/* The periodic check runs inside a run that never leaves one instant, so a watchdog or a
 * signal can stop it (issue 20, class 1). */
START_TEST(test_engine_check_stops_a_zero_time_loop)
{
    struct sim_engine *eng = sim_engine_new();
    uint64_t calls = 0;
    sim_set_check(eng, stop_after, &calls);
    sim_schedule(eng, 5, sim_event_type_of_loop(), NULL, (union sim_payload){ 0 });
    ck_assert_int_eq(sim_run_until(eng, 100), 1);
    ck_assert_uint_eq(sim_fired_count(eng), 4 * SIM_CHECK_EVERY);
    ck_assert_uint_eq(calls, 4);
    ck_assert_int_eq(sim_now(eng), 5); /* the clock stays at the loop's instant */
    sim_set_check(eng, NULL, NULL);
    sim_engine_free(eng);
}

END_TEST

/* ---- cancellation -------------------------------------------------------------------- */

START_TEST(test_engine_cancel_before_firing_prevents_it)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    sim_event_id a = sim_schedule(eng, 10, &LOG_EV, &lg, tag(1));
    sim_event_id b = sim_schedule(eng, 10, &LOG_EV, &lg, tag(2));
    sim_event_id c = sim_schedule(eng, 5, &LOG_EV, &lg, tag(3));
    ck_assert(sim_is_pending(eng, a));
    ck_assert_int_eq(sim_cancel(eng, a), 0);
    ck_assert(!sim_is_pending(eng, a));
    ck_assert_int_eq(sim_event_time(eng, a), -1);
    ck_assert_int_eq(sim_cancel(eng, a), ASG_ENOENT);
    ck_assert_uint_eq(sim_pending_count(eng), 2);
    /* Cancelling the earliest event moves the next time. */
    ck_assert_int_eq(sim_cancel(eng, c), 0);
    ck_assert_int_eq(sim_next_time(eng), 10);
    ck_assert_int_eq(sim_run_until(eng, 100), 0);
    ck_assert_uint_eq(lg.nr, 1);
    ck_assert_int_eq(lg.tag[0], 2);
    ck_assert(!sim_is_pending(eng, b));
    ck_assert_uint_eq(sim_fired_count(eng), 1);
    finish(eng);
}

END_TEST

START_TEST(test_engine_cancel_after_firing_returns_enoent)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    sim_event_id a = sim_schedule(eng, 10, &LOG_EV, &lg, tag(1));
    ck_assert_int_eq(sim_run_until(eng, 10), 0);
    ck_assert_uint_eq(lg.nr, 1);
    ck_assert(!sim_is_pending(eng, a));
    ck_assert_int_eq(sim_event_time(eng, a), -1);
    ck_assert_int_eq(sim_cancel(eng, a), ASG_ENOENT);
    finish(eng);
}

END_TEST

START_TEST(test_engine_cancel_stale_id_does_not_cancel_new_event)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();

    /* Stale after cancel. */
    sim_event_id a = sim_schedule(eng, 10, &LOG_EV, &lg, tag(1));
    ck_assert_int_eq(sim_cancel(eng, a), 0);
    sim_event_id b = sim_schedule(eng, 20, &LOG_EV, &lg, tag(2));
    ck_assert_uint_eq(ID_SLOT(a), ID_SLOT(b)); /* the slot really was reused */
    ck_assert_uint_ne(a, b);
    ck_assert(!sim_is_pending(eng, a));
    ck_assert_int_eq(sim_event_time(eng, a), -1);
    ck_assert_int_eq(sim_cancel(eng, a), ASG_ENOENT);
    ck_assert(sim_is_pending(eng, b));
    ck_assert_int_eq(sim_event_time(eng, b), 20);

    /* Stale after firing. */
    ck_assert_int_eq(sim_run_until(eng, 20), 0);
    sim_event_id c = sim_schedule(eng, 5, &LOG_EV, &lg, tag(3));
    ck_assert_uint_eq(ID_SLOT(b), ID_SLOT(c));
    ck_assert_int_eq(sim_cancel(eng, b), ASG_ENOENT);
    ck_assert_int_eq(sim_cancel(eng, a), ASG_ENOENT);
    ck_assert(sim_is_pending(eng, c));

    /* Many rounds through one slot: every old id stays dead. */
    sim_event_id old[100];
    for (size_t i = 0; i < ARRAY_SIZE(old); i++) {
        old[i] = sim_schedule(eng, 7, &LOG_EV, &lg, tag(4));
        ck_assert_int_eq(sim_cancel(eng, old[i]), 0);
    }
    for (size_t i = 0; i < ARRAY_SIZE(old); i++)
        ck_assert_int_eq(sim_cancel(eng, old[i]), ASG_ENOENT);
    ck_assert(sim_is_pending(eng, c));
    ck_assert_int_eq(sim_run_until(eng, 100), 0);
    ck_assert_uint_eq(lg.nr, 2);
    ck_assert_int_eq(lg.tag[0], 2);
    ck_assert_int_eq(lg.tag[1], 3);
    finish(eng);
}

END_TEST

START_TEST(test_engine_cancel_of_zero_or_forged_id_returns_enoent)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    sim_event_id a = sim_schedule(eng, 10, &LOG_EV, &lg, tag(1));
    const sim_event_id bad[] = {
        0,
        UINT64_MAX,
        a + (UINT64_C(1) << 32), /* right slot, next generation */
        a - (UINT64_C(1) << 32), /* right slot, generation 0 */
        a + 1,                   /* a slot that does not exist */
        (UINT64_C(1) << 32) | 12345,
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ck_assert(!sim_is_pending(eng, bad[i]));
        ck_assert_int_eq(sim_event_time(eng, bad[i]), -1);
        ck_assert_int_eq(sim_cancel(eng, bad[i]), ASG_ENOENT);
    }
    ck_assert(sim_is_pending(eng, a));
    ck_assert_int_eq(sim_cancel(eng, a), 0);
    finish(eng);
}

END_TEST

/* The running event tries to cancel itself and a same-time sibling. */
struct self_cancel {
    sim_event_id self, sibling;
    int self_rc, sibling_rc;
    bool self_pending;
    sim_time self_time;
    int nr_sibling_fired;
};

static void self_cancel_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct self_cancel *sc = target;
    if (p->i == 1) {
        sc->nr_sibling_fired++;
        return;
    }
    sc->self_pending = sim_is_pending(eng, sc->self);
    sc->self_time = sim_event_time(eng, sc->self);
    sc->self_rc = sim_cancel(eng, sc->self);
    sc->sibling_rc = sim_cancel(eng, sc->sibling);
}

static const struct sim_event_type SELF_CANCEL_EV = { "test.self_cancel", self_cancel_fire };

START_TEST(test_engine_cancel_of_running_event_returns_enoent)
{
    struct self_cancel sc = { .self_rc = 99, .sibling_rc = 99, .self_pending = true };
    struct sim_engine *eng = sim_engine_new();
    sc.self = sim_schedule(eng, 10, &SELF_CANCEL_EV, &sc, tag(0));
    sc.sibling = sim_schedule(eng, 10, &SELF_CANCEL_EV, &sc, tag(1));
    ck_assert_int_eq(sim_run_until(eng, 10), 0);
    ck_assert(!sc.self_pending);
    ck_assert_int_eq(sc.self_time, -1);
    ck_assert_int_eq(sc.self_rc, ASG_ENOENT);
    ck_assert_int_eq(sc.sibling_rc, 0);
    ck_assert_int_eq(sc.nr_sibling_fired, 0);
    ck_assert_uint_eq(sim_fired_count(eng), 1);
    finish(eng);
}

END_TEST

/* The handler schedules (reusing its own slot) before it reads its payload. */
struct reuse {
    sim_event_id new_id, old_id;
    int64_t seen_payload;
    void *seen_target;
};

static void reuse_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct reuse *ru = target;
    if (p->i != 111)
        return;
    ru->new_id = sim_schedule(eng, 1, &LOG_EV, NULL, tag(222));
    ru->seen_payload = p->i;
    ru->seen_target = target;
}

static const struct sim_event_type REUSE_EV = { "test.reuse", reuse_fire };

START_TEST(test_engine_handler_payload_survives_reuse_of_its_slot)
{
    struct reuse ru = { 0 };
    struct sim_engine *eng = sim_engine_new();
    ru.old_id = sim_schedule(eng, 3, &REUSE_EV, &ru, tag(111));
    ck_assert_int_eq(sim_run_until(eng, 3), 0);
    ck_assert_uint_eq(ID_SLOT(ru.new_id), ID_SLOT(ru.old_id));
    ck_assert_int_eq(ru.seen_payload, 111);
    ck_assert_ptr_eq(ru.seen_target, &ru);
    ck_assert(sim_is_pending(eng, ru.new_id));
    ck_assert_int_eq(sim_event_time(eng, ru.new_id), 4);
    ck_assert_int_eq(sim_cancel(eng, ru.new_id), 0);
    finish(eng);
}

END_TEST

/* ---- run loop ------------------------------------------------------------------------ */

START_TEST(test_engine_run_until_fires_events_at_end_but_not_after)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    sim_schedule(eng, 10, &LOG_EV, &lg, tag(1));
    sim_schedule(eng, 20, &LOG_EV, &lg, tag(2));
    sim_schedule(eng, 20, &LOG_EV, &lg, tag(3));
    sim_event_id late = sim_schedule(eng, 21, &LOG_EV, &lg, tag(4));
    ck_assert_int_eq(sim_run_until(eng, 20), 0);
    ck_assert_uint_eq(lg.nr, 3);
    ck_assert_int_eq(lg.tag[2], 3);
    ck_assert_int_eq(sim_now(eng), 20);
    ck_assert_uint_eq(sim_pending_count(eng), 1);
    ck_assert_int_eq(sim_next_time(eng), 21);
    ck_assert(sim_is_pending(eng, late));
    /* Running to the same end again does nothing. */
    ck_assert_int_eq(sim_run_until(eng, 20), 0);
    ck_assert_uint_eq(lg.nr, 3);
    ck_assert_int_eq(sim_run_until(eng, 100), 0);
    ck_assert_uint_eq(lg.nr, 4);
    ck_assert_int_eq(lg.at[3], 21);
    ck_assert_int_eq(sim_now(eng), 100);
    ck_assert_uint_eq(sim_fired_count(eng), 4);
    finish(eng);
}

END_TEST

START_TEST(test_engine_run_until_advances_clock_without_events)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    ck_assert_int_eq(sim_run_until(eng, SIM_SEC(50)), 0);
    ck_assert_int_eq(sim_now(eng), SIM_SEC(50));
    /* Delays count from the new clock. */
    sim_event_id id = sim_schedule(eng, SIM_MS(5), &LOG_EV, &lg, tag(1));
    ck_assert_int_eq(sim_event_time(eng, id), SIM_SEC(50) + SIM_MS(5));
    ck_assert_int_eq(sim_run_until(eng, SIM_TIME_MAX), 0);
    ck_assert_int_eq(lg.at[0], SIM_SEC(50) + SIM_MS(5));
    ck_assert_int_eq(sim_now(eng), SIM_TIME_MAX);
    finish(eng);
}

END_TEST

static void stop_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    log_fire(eng, target, p);
    if (p->i == 1)
        sim_stop(eng);
}

static const struct sim_event_type STOP_EV = { "test.stop", stop_fire };

START_TEST(test_engine_stop_returns_after_current_event)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    sim_schedule(eng, 10, &STOP_EV, &lg, tag(1));
    sim_schedule(eng, 10, &STOP_EV, &lg, tag(2));
    sim_schedule(eng, 20, &STOP_EV, &lg, tag(3));
    ck_assert_int_eq(sim_run_until(eng, 100), 1);
    ck_assert_uint_eq(lg.nr, 1);
    ck_assert_int_eq(sim_now(eng), 10); /* the clock stays at the stopping event */
    ck_assert_uint_eq(sim_pending_count(eng), 2);
    /* The next run starts afresh and finishes normally. */
    ck_assert_int_eq(sim_run_until(eng, 100), 0);
    ck_assert_uint_eq(lg.nr, 3);
    ck_assert_int_eq(lg.tag[1], 2);
    ck_assert_int_eq(lg.tag[2], 3);
    ck_assert_int_eq(sim_now(eng), 100);
    finish(eng);
}

END_TEST

START_TEST(test_engine_stop_outside_run_has_no_effect)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    sim_schedule(eng, 10, &LOG_EV, &lg, tag(1));
    sim_schedule(eng, 20, &LOG_EV, &lg, tag(2));
    sim_stop(eng);
    ck_assert_int_eq(sim_run_until(eng, 30), 0);
    ck_assert_uint_eq(lg.nr, 2);
    ck_assert_int_eq(sim_now(eng), 30);
    finish(eng);
}

END_TEST

/* ---- observer ------------------------------------------------------------------------ */

struct obs_log {
    size_t nr;
    const struct sim_event_type *type[16];
    void *target[16];
    sim_time at[16];
    size_t handler_log_len[16]; /* proves the observer runs after the handler */
    struct log *lg;
};

static void observe(void *ctx, struct sim_engine *eng, const struct sim_event_type *type,
                    void *target)
{
    struct obs_log *ol = ctx;
    ck_assert_uint_lt(ol->nr, 16);
    ol->type[ol->nr] = type;
    ol->target[ol->nr] = target;
    ol->at[ol->nr] = sim_now(eng);
    ol->handler_log_len[ol->nr] = ol->lg->nr;
    ol->nr++;
}

START_TEST(test_engine_observer_called_once_per_fired_event)
{
    struct log lg = { 0 };
    struct obs_log ol = { .lg = &lg };
    struct sim_engine *eng = sim_engine_new();
    sim_set_observer(eng, observe, &ol);
    sim_schedule(eng, 5, &CHAIN_EV, &lg, tag(0)); /* schedules tag 100 at 5 */
    sim_schedule(eng, 7, &LOG_EV, &lg, tag(2));
    sim_event_id gone = sim_schedule(eng, 6, &LOG_EV, &lg, tag(3));
    ck_assert_int_eq(sim_cancel(eng, gone), 0);
    ck_assert_int_eq(sim_run_until(eng, 10), 0);
    ck_assert_uint_eq(ol.nr, 3);
    ck_assert_uint_eq(sim_fired_count(eng), 3);
    ck_assert_ptr_eq(ol.type[0], &CHAIN_EV);
    ck_assert_ptr_eq(ol.type[1], &LOG_EV);
    ck_assert_ptr_eq(ol.type[2], &LOG_EV);
    static const sim_time expect_at[] = { 5, 5, 7 };
    for (size_t i = 0; i < 3; i++) {
        ck_assert_ptr_eq(ol.target[i], &lg);
        ck_assert_int_eq(ol.at[i], expect_at[i]);
        ck_assert_uint_eq(ol.handler_log_len[i], i + 1);
    }
    /* Removing the observer stops the calls. */
    sim_set_observer(eng, NULL, NULL);
    sim_schedule(eng, 1, &LOG_EV, &lg, tag(4));
    ck_assert_int_eq(sim_run_until(eng, 20), 0);
    ck_assert_uint_eq(lg.nr, 4);
    ck_assert_uint_eq(ol.nr, 3);
    finish(eng);
}

END_TEST

/* ---- teardown and slot reuse --------------------------------------------------------- */

static void must_not_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)target;
    (void)p;
    ck_abort_msg("sim_engine_free must not call handlers");
}

static const struct sim_event_type NEVER_EV = { "test.never", must_not_fire };

START_TEST(test_engine_free_with_pending_events_releases_everything)
{
    struct log lg = { 0 };
    struct sim_engine *eng = sim_engine_new();
    for (int64_t i = 0; i < 20000; i++)
        sim_schedule(eng, i % 500, i % 500 == 0 ? &LOG_EV : &NEVER_EV, &lg, tag(i));
    for (int64_t i = 0; i < 20000; i += 3)
        sim_schedule(eng, 1000 + i, &NEVER_EV, &lg, tag(i));
    ck_assert_int_eq(sim_run_until(eng, 0), 0);
    ck_assert_uint_eq(lg.nr, 40);
    ck_assert_uint_eq(sim_pending_count(eng), 20000 - 40 + 6667);
    /* The ASan build turns any leak here into a failure of this test. */
    sim_engine_free(eng);
}

END_TEST

/* Re-arms itself until the budget runs out, like periodic model work. */
struct rearm {
    size_t left;
    uint32_t max_slot;
};

static const struct sim_event_type REARM_EV;

static void rearm_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct rearm *ra = target;
    if (ra->left == 0)
        return;
    ra->left--;
    union sim_payload next = { .i = p->i + 1 };
    sim_event_id id = sim_schedule(eng, 1 + p->i % 13, &REARM_EV, target, next);
    if (ID_SLOT(id) > ra->max_slot)
        ra->max_slot = ID_SLOT(id);
}

static const struct sim_event_type REARM_EV = { "test.rearm", rearm_fire };

START_TEST(test_engine_steady_state_reuses_slots)
{
    struct rearm ra = { .left = 200000 };
    struct sim_engine *eng = sim_engine_new();
    for (int64_t i = 0; i < 64; i++) {
        sim_event_id id = sim_schedule(eng, i % 5, &REARM_EV, &ra, tag(i));
        if (ID_SLOT(id) > ra.max_slot)
            ra.max_slot = ID_SLOT(id);
    }
    ck_assert_int_eq(sim_run_until(eng, SIM_TIME_MAX), 0);
    ck_assert_uint_eq(ra.left, 0);
    ck_assert_uint_eq(sim_fired_count(eng), 200064);
    /* 64 live events never need more than 64 records: fired slots are recycled. */
    ck_assert_uint_lt(ra.max_slot, 64);
    finish(eng);
}

END_TEST

/* ---- time conversion ----------------------------------------------------------------- */

START_TEST(test_engine_time_from_seconds_rounds_to_nearest_us)
{
    static const struct {
        double s;
        sim_time us;
    } cases[] = {
        { 0.0, 0 },
        { -0.0, 0 },
        { 1.0, SIM_SEC(1) },
        { 1.5, 1500000 },
        { 0.1, 100000 },
        { 1e-6, 1 },
        { 4e-7, 0 },
        { 6e-7, 1 },
        { 2.0000004, 2000000 },
        { 2.0000006, 2000001 },
        { -6e-7, -1 },
        { -90.25, -90250000 },
        { 3600.0, SIM_HOUR(1) },
        { 86400.0 * 365, SIM_DAY(365) },
        { 9.2e12, INT64_C(9200000000000000000) },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        ck_assert_int_eq(sim_time_from_seconds(cases[i].s), cases[i].us);
}

END_TEST

START_TEST(test_engine_time_to_seconds)
{
    ck_assert_double_eq(sim_time_to_seconds(0), 0.0);
    ck_assert_double_eq(sim_time_to_seconds(SIM_SEC(90)), 90.0);
    ck_assert_double_eq(sim_time_to_seconds(SIM_MS(1500)), 1.5);
    ck_assert_double_eq(sim_time_to_seconds(-SIM_MS(250)), -0.25);
    ck_assert_double_eq_tol(sim_time_to_seconds(1), 1e-6, 1e-18);
    /* Round trip is exact for whole microseconds well inside 2^53. */
    for (sim_time t = -SIM_SEC(3); t < SIM_DAY(400); t += SIM_HOUR(7) + 123457)
        ck_assert_int_eq(sim_time_from_seconds(sim_time_to_seconds(t)), t);
}

END_TEST

/* ---- bugs abort ---------------------------------------------------------------------- */

static const double bad_seconds[] = { (double)NAN, (double)INFINITY, -(double)INFINITY,
                                      9.3e12,      -9.3e12,          1e300 };

START_TEST(test_engine_time_from_seconds_rejects_bad_input)
{
    (void)sim_time_from_seconds(bad_seconds[_i]);
}

END_TEST

START_TEST(test_engine_negative_delay_is_bug)
{
    struct sim_engine *eng = sim_engine_new();
    sim_schedule(eng, -1, &LOG_EV, NULL, tag(0));
}

END_TEST

START_TEST(test_engine_schedule_at_past_is_bug)
{
    struct sim_engine *eng = sim_engine_new();
    sim_run_until(eng, 100);
    sim_schedule_at(eng, 99, &LOG_EV, NULL, tag(0));
}

END_TEST

START_TEST(test_engine_delay_past_end_of_time_is_bug)
{
    struct sim_engine *eng = sim_engine_new();
    sim_run_until(eng, 100);
    sim_schedule(eng, SIM_TIME_MAX - 99, &LOG_EV, NULL, tag(0));
}

END_TEST

START_TEST(test_engine_run_until_past_is_bug)
{
    struct sim_engine *eng = sim_engine_new();
    sim_run_until(eng, 100);
    sim_run_until(eng, 99);
}

END_TEST

Suite *engine_suite(void);

Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");

    TCase *tc = tcase_create("order");
    tcase_add_test(tc, test_engine_new_is_empty_at_time_zero);
    tcase_add_test(tc, test_engine_fires_in_time_order);
    tcase_add_test(tc, test_engine_equal_times_fire_fifo);
    tcase_add_test(tc, test_engine_delay_zero_from_handler_fires_after_due_events);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_add_test(tc, test_engine_cancel_before_firing_prevents_it);
    tcase_add_test(tc, test_engine_cancel_after_firing_returns_enoent);
    tcase_add_test(tc, test_engine_cancel_stale_id_does_not_cancel_new_event);
    tcase_add_test(tc, test_engine_cancel_of_zero_or_forged_id_returns_enoent);
    tcase_add_test(tc, test_engine_cancel_of_running_event_returns_enoent);
    tcase_add_test(tc, test_engine_handler_payload_survives_reuse_of_its_slot);
    suite_add_tcase(s, tc);

    tc = tcase_create("run");
    tcase_add_test(tc, test_engine_check_stops_a_zero_time_loop);
    tcase_add_test(tc, test_engine_run_until_fires_events_at_end_but_not_after);
    tcase_add_test(tc, test_engine_run_until_advances_clock_without_events);
    tcase_add_test(tc, test_engine_stop_returns_after_current_event);
    tcase_add_test(tc, test_engine_stop_outside_run_has_no_effect);
    tcase_add_test(tc, test_engine_observer_called_once_per_fired_event);
    tcase_add_test(tc, test_engine_free_with_pending_events_releases_everything);
    tcase_add_test(tc, test_engine_steady_state_reuses_slots);
    suite_add_tcase(s, tc);

    tc = tcase_create("time");
    tcase_add_test(tc, test_engine_time_from_seconds_rounds_to_nearest_us);
    tcase_add_test(tc, test_engine_time_to_seconds);
    suite_add_tcase(s, tc);

    /* An abort can only be caught when each test runs in its own process. */
    const char *fork_env = getenv("CK_FORK");
    if (!fork_env || strcmp(fork_env, "no") != 0) {
        tc = tcase_create("bugs");
        tcase_add_loop_test_raise_signal(tc, test_engine_time_from_seconds_rejects_bad_input,
                                         SIGABRT, 0, (int)ARRAY_SIZE(bad_seconds));
        tcase_add_test_raise_signal(tc, test_engine_negative_delay_is_bug, SIGABRT);
        tcase_add_test_raise_signal(tc, test_engine_schedule_at_past_is_bug, SIGABRT);
        tcase_add_test_raise_signal(tc, test_engine_delay_past_end_of_time_is_bug, SIGABRT);
        tcase_add_test_raise_signal(tc, test_engine_run_until_past_is_bug, SIGABRT);
        suite_add_tcase(s, tc);
    }

    return s;
}
