/*
 * The event engine (sim/engine.c) against a simple reference model: a long random sequence
 * of schedules, cancellations (also from handlers), stops and runs, with every fired event
 * checked for time and tie-break order. The engine ends empty.
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "asgsim/sim.h"

#include "asgsim/diag.h"
#include "asgsim/util.h"

#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#include "asgsim/banned.h"

/* clang-format on */

static void finish(struct sim_engine *eng)
{
    ck_assert_uint_eq(sim_pending_count(eng), 0);
    ck_assert_int_eq(sim_next_time(eng), SIM_TIME_MAX);
    sim_engine_free(eng);
}

/* ---- random operations against a reference model ------------------------------------- */

/* What the reference knows of every event ever scheduled, indexed by its reference seq. */
struct issued {
    sim_event_id id;
    sim_time at;
    bool pending;
};

/*
 * The reference: the seqs of pending events sorted by (at, seq) in DESCENDING order, so
 * the next event is the last element. seq counts sim_schedule calls, which is exactly the
 * tie-break order the engine promises. Insert/remove are a binary search and a memmove
 * of 8-byte seqs (kept small because ASan's memmove copies byte by byte).
 */
struct model {
    struct sim_engine *eng;
    uint64_t rng;
    uint64_t *order; /* seqs of pending events */
    size_t nr, alloc;
    struct issued *issued;
    size_t nr_issued, alloc_issued;
    uint64_t nr_fired, nr_observed;
    bool stop_each; /* handlers call sim_stop(): each run fires exactly one event */
    unsigned op;
    /* Tallies, to check that the mix really exercised what it claims. */
    size_t nr_cancel_ok, nr_cancel_enoent, nr_self_cancel, nr_handler_schedules, nr_ties;
    size_t max_pending;
};

/* Equality checks for the hot loop: Check's own macros log every pass, which is slow. */
#define FAST_EQ(m, x, y)                                                                           \
    do {                                                                                           \
        if ((int64_t)(x) != (int64_t)(y))                                                          \
            ck_abort_msg("op %u: %s == %s failed (%" PRId64 " != %" PRId64 ")", (m)->op, #x, #y,   \
                         (int64_t)(x), (int64_t)(y));                                              \
    } while (0)

static bool key_less(sim_time a_at, uint64_t a_seq, sim_time b_at, uint64_t b_seq)
{
    return a_at < b_at || (a_at == b_at && a_seq < b_seq);
}

static sim_time ref_at(const struct model *m, size_t i)
{
    return m->issued[m->order[i]].at;
}

/* Index of the first key not greater than (at, seq) in the descending array. */
static size_t ref_lower(const struct model *m, sim_time at, uint64_t seq)
{
    size_t lo = 0, hi = m->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_less(at, seq, ref_at(m, mid), m->order[mid]))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void ref_remove(struct model *m, uint64_t seq)
{
    size_t i = ref_lower(m, m->issued[seq].at, seq);
    FAST_EQ(m, i < m->nr, true);
    FAST_EQ(m, m->order[i], seq);
    memmove(&m->order[i], &m->order[i + 1], (m->nr - i - 1) * sizeof(m->order[0]));
    m->nr--;
    m->issued[seq].pending = false;
}

static const struct sim_event_type RAND_EV;

static sim_time random_delay(struct model *m)
{
    sim_time now = sim_now(m->eng);
    switch (test_rng_below(&m->rng, 7)) {
    case 0:
        return 0;
    case 1:
    case 2:
        return (sim_time)(1 + test_rng_below(&m->rng, 8));
    case 3:
        /* The next multiple of 100: many events share a few absolute times. */
        return (now / 100 + 1) * 100 - now;
    case 4:
        return (sim_time)test_rng_below(&m->rng, 1000);
    default:
        /* Far ahead: these build up a large pending set. */
        return (sim_time)test_rng_below(&m->rng, 5000000);
    }
}

static void model_schedule(struct model *m)
{
    sim_time now = sim_now(m->eng);
    sim_time delay = random_delay(m);
    uint64_t seq = m->nr_issued;
    union sim_payload p = { .u = seq };
    sim_event_id id;
    if (test_rng_below(&m->rng, 4) == 0)
        id = sim_schedule_at(m->eng, now + delay, &RAND_EV, m, p);
    else
        id = sim_schedule(m->eng, delay, &RAND_EV, m, p);
    FAST_EQ(m, id != 0, true);

    ALLOC_GROW(m->issued, m->nr_issued + 1, m->alloc_issued);
    m->issued[m->nr_issued++] = (struct issued){ id, now + delay, true };
    ALLOC_GROW(m->order, m->nr + 1, m->alloc);
    size_t i = ref_lower(m, now + delay, seq);
    if (i < m->nr && ref_at(m, i) == now + delay)
        m->nr_ties++;
    memmove(&m->order[i + 1], &m->order[i], (m->nr - i) * sizeof(m->order[0]));
    m->order[i] = seq;
    m->nr++;
    if (m->nr > m->max_pending)
        m->max_pending = m->nr;
}

/* Cancel a pending event, one scheduled recently (often gone) or long ago (usually stale). */
static void model_cancel_random(struct model *m)
{
    if (m->nr_issued == 0)
        return;
    uint64_t seq;
    uint64_t k = test_rng_below(&m->rng, 8);
    if (k == 0) {
        seq = test_rng_below(&m->rng, m->nr_issued);
    } else if (k <= 3 && m->nr > 0) {
        seq = m->order[test_rng_below(&m->rng, m->nr)];
    } else {
        uint64_t window = m->nr_issued < 8192 ? m->nr_issued : 8192;
        seq = m->nr_issued - 1 - test_rng_below(&m->rng, window);
    }
    const struct issued *is = &m->issued[seq];
    FAST_EQ(m, sim_is_pending(m->eng, is->id), is->pending);
    FAST_EQ(m, sim_event_time(m->eng, is->id), is->pending ? is->at : -1);
    int rc = sim_cancel(m->eng, is->id);
    if (is->pending) {
        FAST_EQ(m, rc, 0);
        ref_remove(m, seq);
        m->nr_cancel_ok++;
    } else {
        FAST_EQ(m, rc, ASG_ENOENT);
        m->nr_cancel_enoent++;
    }
    FAST_EQ(m, sim_is_pending(m->eng, is->id), false);
}

/* Ids that were never valid: 0, a pending event's id with a later generation, no slot. */
static void model_cancel_forged(struct model *m)
{
    sim_event_id id = 0;
    uint64_t k = test_rng_below(&m->rng, 3);
    if (k == 1 && m->nr > 0) {
        id = m->issued[m->order[test_rng_below(&m->rng, m->nr)]].id + (UINT64_C(3) << 32);
    } else if (k == 2) {
        id = (UINT64_C(1) << 32) | 0xFFFFFFF0u;
    }
    FAST_EQ(m, sim_cancel(m->eng, id), ASG_ENOENT);
}

static void rand_fire(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    struct model *m = target;
    uint64_t seq = p->u;
    /* Identity and order: this must be the reference's next event, at its time. */
    FAST_EQ(m, m->nr > 0, true);
    FAST_EQ(m, seq, m->order[m->nr - 1]);
    FAST_EQ(m, sim_now(eng), ref_at(m, m->nr - 1));
    m->nr--;
    m->issued[seq].pending = false;
    m->nr_fired++;
    FAST_EQ(m, sim_fired_count(eng), m->nr_fired);

    /* The running event is no longer pending and cannot be cancelled. */
    const struct issued *self = &m->issued[seq];
    FAST_EQ(m, sim_is_pending(eng, self->id), false);
    if (test_rng_below(&m->rng, 8) == 0) {
        FAST_EQ(m, sim_cancel(eng, self->id), ASG_ENOENT);
        m->nr_self_cancel++;
    }
    /* Handlers schedule and cancel too; fewer than one new event per firing on average. */
    uint64_t r = test_rng_below(&m->rng, 16);
    if (r < 5) {
        model_schedule(m);
        m->nr_handler_schedules++;
    } else if (r < 7) {
        model_cancel_random(m);
    }
    FAST_EQ(m, sim_pending_count(eng), m->nr);
    if (m->stop_each)
        sim_stop(eng);
}

static const struct sim_event_type RAND_EV = { "test.random", rand_fire };

static void rand_observe(void *ctx, struct sim_engine *eng, const struct sim_event_type *type,
                         void *target)
{
    struct model *m = ctx;
    FAST_EQ(m, type == &RAND_EV, true);
    FAST_EQ(m, target == m, true);
    m->nr_observed++;
    FAST_EQ(m, m->nr_observed, sim_fired_count(eng));
}

static void check_model(struct model *m)
{
    FAST_EQ(m, sim_pending_count(m->eng), m->nr);
    FAST_EQ(m, sim_next_time(m->eng), m->nr ? ref_at(m, m->nr - 1) : SIM_TIME_MAX);
    FAST_EQ(m, sim_fired_count(m->eng), m->nr_fired);
    FAST_EQ(m, m->nr_observed, m->nr_fired);
}

#define ENGINE_RANDOM_OPS 1000000u

START_TEST(test_engine_random_ops_match_reference)
{
    struct model m = { .eng = sim_engine_new(), .rng = 424242 };
    sim_set_observer(m.eng, rand_observe, &m);
    size_t nr_steps = 0, nr_runs = 0;
    for (m.op = 0; m.op < ENGINE_RANDOM_OPS; m.op++) {
        uint64_t r = test_rng_below(&m.rng, 100);
        /* Hover around a few thousand pending events: enough to stress the heap and the
         * slab, small enough that the reference's shifts stay cheap. */
        unsigned sched_pct = m.nr < 2000 ? 50u : 30u;
        if (r < sched_pct) {
            model_schedule(&m);
        } else if (r < 70) {
            model_cancel_random(&m);
        } else if (r < 73) {
            model_cancel_forged(&m);
        } else if (r < 93) {
            /* Fire exactly one event (if any): every handler asks to stop. */
            m.stop_each = true;
            uint64_t before = m.nr_fired;
            sim_time end = test_rng_below(&m.rng, 2) ? SIM_TIME_MAX : sim_next_time(m.eng);
            bool had = m.nr > 0;
            sim_time now = sim_now(m.eng);
            int rc = sim_run_until(m.eng, had ? end : now);
            FAST_EQ(&m, rc, had ? 1 : 0);
            FAST_EQ(&m, m.nr_fired, before + (had ? 1 : 0));
            nr_steps++;
        } else {
            /* Run a stretch of time: everything due by `end` fires, in order, and no more. */
            m.stop_each = false;
            sim_time end = sim_now(m.eng) + (sim_time)test_rng_below(&m.rng, 500);
            FAST_EQ(&m, sim_run_until(m.eng, end), 0);
            FAST_EQ(&m, sim_now(m.eng), end);
            FAST_EQ(&m, m.nr == 0 || ref_at(&m, m.nr - 1) > end, true);
            nr_runs++;
        }
        check_model(&m);
    }
    if (getenv("ENGINE_TEST_VERBOSE"))
        fprintf(stderr,
                "fired %" PRIu64 " cancel ok %zu enoent %zu self %zu handler-sched %zu ties %zu "
                "max %zu steps %zu runs %zu\n",
                m.nr_fired, m.nr_cancel_ok, m.nr_cancel_enoent, m.nr_self_cancel,
                m.nr_handler_schedules, m.nr_ties, m.max_pending, nr_steps, nr_runs);
    /* The mix really exercised what it claims to. */
    ck_assert_uint_gt(m.nr_fired, 200000);
    ck_assert_uint_gt(m.nr_cancel_ok, 50000);
    ck_assert_uint_gt(m.nr_cancel_enoent, 50000);
    ck_assert_uint_gt(m.nr_self_cancel, 10000);
    ck_assert_uint_gt(m.nr_handler_schedules, 50000);
    ck_assert_uint_gt(m.nr_ties, 50000);
    ck_assert_uint_gt(m.max_pending, 1000);
    ck_assert_uint_gt(nr_steps, 100000);
    ck_assert_uint_gt(nr_runs, 50000);

    /* Drain: handlers keep scheduling for a while, the run still ends empty. */
    m.stop_each = false;
    ck_assert_int_eq(sim_run_until(m.eng, SIM_TIME_MAX), 0);
    check_model(&m);
    ck_assert_uint_eq(m.nr, 0);
    finish(m.eng);
    free(m.order);
    free(m.issued);
}

END_TEST

Suite *engine_model_suite(void);

Suite *engine_model_suite(void)
{
    Suite *s = suite_create("engine_model");
    TCase *tc = tcase_create("random");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_engine_random_ops_match_reference);
    suite_add_tcase(s, tc);
    return s;
}
