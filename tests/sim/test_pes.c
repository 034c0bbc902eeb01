/*
 * Tests for the pending-event set (the sim/pes_<name>.c this runner was built with; CTest
 * runs them once per structure): fixed scripts first, then a long random sequence of
 * push/pop/remove checked against a sorted-array reference.
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "pes.h"

#include "asgsim/util.h"

#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "helpers.h"

#include "asgsim/banned.h"

/* clang-format on */

static bool key_less(sim_time a_at, uint64_t a_seq, sim_time b_at, uint64_t b_seq)
{
    return a_at < b_at || (a_at == b_at && a_seq < b_seq);
}

/* Equality checks for the hot loop: Check's own macros log every pass, which is slow. */
#define FAST_EQ(x, y, op)                                                                          \
    do {                                                                                           \
        if ((uint64_t)(x) != (uint64_t)(y))                                                        \
            ck_abort_msg("op %u: %s == %s failed (%llu != %llu)", (op), #x, #y,                    \
                         (unsigned long long)(x), (unsigned long long)(y));                        \
    } while (0)

/* The implementation walks its whole structure and aborts on any broken invariant. */
static void check_heap_invariants(struct pes *q)
{
    pes_check(q);
}

START_TEST(test_pes_empty_queue_has_no_minimum)
{
    struct pes q = { 0 };
    struct pes_entry out = { .at = 7, .seq = 8, .slot = 9 };
    ck_assert(!pes_peek(&q, &out));
    ck_assert(!pes_pop(&q, &out));
    ck_assert(!pes_pop_due(&q, SIM_TIME_MAX, &out));
    ck_assert_uint_eq(pes_count(&q), 0);
    /* Outputs are untouched on failure. */
    ck_assert_int_eq(out.at, 7);
    ck_assert_uint_eq(out.seq, 8);
    ck_assert_uint_eq(out.slot, 9);
    ck_assert(!pes_remove(&q, 0));
    ck_assert(!pes_contains(&q, 0));
    ck_assert(!pes_contains(&q, 1000));
    pes_release(&q);
}

END_TEST

/* Script style: pushes with (at, seq, slot), then the expected pop order of slots. */
START_TEST(test_pes_pops_in_time_then_seq_order)
{
    static const struct pes_entry pushes[] = {
        { 50, 0, 0 },
        { 10, 1, 1 },
        { 30, 2, 2 },
        { 10, 3, 3 },
        { 0, 4, 4 },
        { 30, 5, 5 },
        { 10, 6, 6 },
        { 99, 7, 7 },
        { 10, 8, 8 },
        { 5, 9, 9 },
        /* seq need not follow insertion order: (10, 0) sorts before (10, 1). */
        { 10, 0, 10 },
    };
    static const uint32_t expect[] = { 4, 9, 10, 1, 3, 6, 8, 2, 5, 0, 7 };
    struct pes q = { 0 };
    for (size_t i = 0; i < sizeof(pushes) / sizeof(pushes[0]); i++) {
        pes_push(&q, pushes[i].at, pushes[i].seq, pushes[i].slot);
        check_heap_invariants(&q);
    }
    ck_assert_uint_eq(pes_count(&q), 11);
    for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
        struct pes_entry top;
        ck_assert(pes_peek(&q, &top));
        ck_assert_uint_eq(top.slot, expect[i]);
        ck_assert_int_eq(pes_time_of(&q, top.slot), pushes[top.slot].at);
        struct pes_entry out;
        ck_assert(pes_pop(&q, &out));
        ck_assert_uint_eq(out.slot, expect[i]);
        ck_assert_int_eq(out.at, pushes[out.slot].at);
        ck_assert_uint_eq(out.seq, pushes[out.slot].seq);
        ck_assert(!pes_contains(&q, out.slot));
        check_heap_invariants(&q);
    }
    struct pes_entry none;
    ck_assert(!pes_peek(&q, &none));
    pes_release(&q);
}

END_TEST

START_TEST(test_pes_equal_times_pop_in_seq_order)
{
    struct pes q = { 0 };
    /* Slots in a scrambled order so slot number and seq disagree. */
    for (uint32_t i = 0; i < 1000; i++)
        pes_push(&q, 42, i, (i * 7919u) % 1000u);
    for (uint32_t i = 0; i < 1000; i++) {
        struct pes_entry out;
        ck_assert(pes_pop(&q, &out));
        ck_assert_uint_eq(out.seq, i);
        ck_assert_uint_eq(out.slot, (i * 7919u) % 1000u);
    }
    ck_assert_uint_eq(pes_count(&q), 0);
    pes_release(&q);
}

END_TEST

START_TEST(test_pes_remove_any_slot_keeps_order)
{
    struct pes q = { 0 };
    for (uint32_t s = 0; s < 100; s++)
        pes_push(&q, (sim_time)((s * 37u) % 50u), s, s);
    /* Remove every third slot: root, leaves and inner nodes all get hit. */
    for (uint32_t s = 0; s < 100; s += 3) {
        ck_assert(pes_remove(&q, s));
        ck_assert(!pes_contains(&q, s));
        ck_assert(!pes_remove(&q, s));
        check_heap_invariants(&q);
    }
    sim_time last_at = -1;
    uint64_t last_seq = 0;
    size_t n = 0;
    struct pes_entry out;
    while (pes_pop(&q, &out)) {
        ck_assert_uint_ne(out.slot % 3, 0);
        ck_assert(key_less(last_at, last_seq, out.at, out.seq));
        ck_assert_int_eq(out.at, (sim_time)((out.slot * 37u) % 50u));
        last_at = out.at;
        last_seq = out.seq;
        n++;
    }
    ck_assert_uint_eq(n, 66);
    pes_release(&q);
}

END_TEST

/*
 * Pop everything left; every entry must come in (at, seq) order, have the time `at_of`
 * gives for its slot, and not be one of the removed slots. \return the number popped.
 */
static size_t drain_checked(struct pes *q, sim_time (*at_of)(uint32_t), const bool *removed)
{
    sim_time last_at = INT64_MIN;
    uint64_t last_seq = 0;
    size_t n = 0;
    struct pes_entry out;
    while (pes_pop(q, &out)) {
        if (n > 0 && !key_less(last_at, last_seq, out.at, out.seq))
            ck_abort_msg("entry %zu (at %lld seq %llu) out of order", n, (long long)out.at,
                         (unsigned long long)out.seq);
        FAST_EQ(out.at, at_of(out.slot), (unsigned)n);
        if (removed && removed[out.slot])
            ck_abort_msg("removed slot %u popped", (unsigned)out.slot);
        last_at = out.at;
        last_seq = out.seq;
        n++;
        if (n % 64 == 0)
            check_heap_invariants(q);
    }
    return n;
}

static sim_time at_1000(uint32_t slot)
{
    (void)slot;
    return 1000;
}

START_TEST(test_pes_many_equal_times_keep_seq_order_through_removals)
{
    /*
     * 3000 events at one instant: far more than fit one bucket chunk or a bucket the
     * ladder would split, and a bucket one microsecond wide cannot be split, so it reaches
     * the bottom whole. Removals before and after that, and pushes at the same instant
     * once popping has started (they land in the bottom), must all keep seq order.
     */
    enum { N = 3000 };

    static bool removed[N + 500];
    memset(removed, 0, sizeof(removed));
    struct pes q = { 0 };
    for (uint32_t s = 0; s < N; s++)
        pes_push(&q, 1000, s, s);
    for (uint32_t s = 0; s < N; s += 7) {
        ck_assert(pes_remove(&q, s));
        removed[s] = true;
    }
    check_heap_invariants(&q);
    struct pes_entry out;
    ck_assert(pes_pop(&q, &out));
    ck_assert_uint_eq(out.slot, 1);
    for (uint32_t s = 2; s < N; s += 5) {
        if (!removed[s]) {
            ck_assert(pes_remove(&q, s));
            removed[s] = true;
        }
    }
    for (uint32_t s = N; s < N + 500; s++)
        pes_push(&q, 1000, s, s);
    check_heap_invariants(&q);
    size_t left = pes_count(&q);
    ck_assert_uint_eq(drain_checked(&q, at_1000, removed), left);
    pes_release(&q);
}

END_TEST

static sim_time at_cluster(uint32_t slot)
{
    return slot == 0 ? 0 : 100 + (sim_time)(slot % 11);
}

START_TEST(test_pes_remove_from_multi_chunk_buckets_in_every_position)
{
    /*
     * One early event and 60 clustered at 100..110: once the early one is popped, the
     * cluster sits in a few wide buckets of a rung, several items each. Removing the
     * newest, the oldest and middle items of such buckets, one at a time, exercises
     * the swap-with-last removal and the freeing of an emptied chunk.
     */
    enum { N = 61 };

    bool removed[N] = { false };
    struct pes q = { 0 };
    for (uint32_t s = 0; s < N; s++)
        pes_push(&q, at_cluster(s), s, s);
    struct pes_entry out;
    ck_assert(pes_pop(&q, &out));
    ck_assert_uint_eq(out.slot, 0);
    removed[0] = true;
    static const uint32_t order[] = { 60, 1, 30, 59, 2, 58, 31, 3, 57, 12, 23, 34, 45, 56 };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        ck_assert(pes_contains(&q, order[i]));
        ck_assert_int_eq(pes_time_of(&q, order[i]), at_cluster(order[i]));
        ck_assert(pes_remove(&q, order[i]));
        removed[order[i]] = true;
        ck_assert(!pes_contains(&q, order[i]));
        check_heap_invariants(&q);
    }
    ck_assert_uint_eq(pes_count(&q), N - 15);
    ck_assert_uint_eq(drain_checked(&q, at_cluster, removed), N - 15);
    pes_release(&q);
}

END_TEST

static sim_time at_spread(uint32_t slot)
{
    return 10 + (sim_time)((slot * 7919u) % 5000u);
}

START_TEST(test_pes_remove_all_then_reuse)
{
    /*
     * Remove every event, last pushed first, with one pop in between to move the
     * structure off its initial state; then the emptied queue takes new pushes normally.
     */
    struct pes q = { 0 };
    for (uint32_t s = 0; s < 500; s++)
        pes_push(&q, at_spread(s), s, s);
    struct pes_entry out;
    ck_assert(pes_pop(&q, &out));
    ck_assert_uint_eq(out.slot, 0); /* at_spread(0) = 10 is the earliest */
    for (uint32_t s = 500; s-- > 1;) {
        ck_assert(pes_remove(&q, s));
        if (s % 50 == 0)
            check_heap_invariants(&q);
    }
    ck_assert_uint_eq(pes_count(&q), 0);
    check_heap_invariants(&q);
    ck_assert(!pes_pop(&q, &out));
    for (uint32_t s = 0; s < 300; s++)
        pes_push(&q, at_spread(s), 1000 + s, s);
    check_heap_invariants(&q);
    ck_assert_uint_eq(drain_checked(&q, at_spread, NULL), 300);
    pes_release(&q);
}

END_TEST

static int entry_cmp(const void *a, const void *b)
{
    const struct pes_entry *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * One bucket holding many events (more than the plain insertion sort takes), with times
 * crowded into a span from 1 us (all tied) to 2^36 us, while two far events stretch the
 * buckets past 2^32 us, where the ladder's sort words keep only an offset's top bits.
 * Seqs are scrambled and some slots are removed first. Pops must match a sorted copy.
 */
START_TEST(test_pes_crowded_wide_bucket_pops_in_key_order)
{
    static const unsigned span_bits[] = { 0, 3, 12, 20, 31, 33, 36 };

    enum { N = 300 };

    uint64_t rng = 5;
    for (size_t t = 0; t < sizeof(span_bits) / sizeof(span_bits[0]); t++) {
        struct pes q = { 0 };
        struct pes_entry ref[N + 2];
        size_t nr_ref = 0;
        for (uint32_t s = 0; s < N + 2; s++) {
            /* Uniform in [0, 2^span_bits[t]); the top bits of a draw (no shift by 64). */
            sim_time at = (sim_time)(test_rng_next(&rng) >> 1 >> (63 - span_bits[t]));
            if (s >= N)
                at = INT64_C(1) << (52 + s - N);
            uint64_t seq = test_rng_next(&rng);
            pes_push(&q, at, seq, s);
            if (s % 9 == 4)
                ck_assert(pes_remove(&q, s));
            else
                ref[nr_ref++] = (struct pes_entry){ at, seq, s };
        }
        check_heap_invariants(&q);
        qsort(ref, nr_ref, sizeof(ref[0]), entry_cmp);
        for (size_t i = 0; i < nr_ref; i++) {
            struct pes_entry e;
            ck_assert(pes_pop(&q, &e));
            ck_assert_int_eq(e.at, ref[i].at);
            ck_assert_uint_eq(e.seq, ref[i].seq);
            ck_assert_uint_eq(e.slot, ref[i].slot);
        }
        ck_assert_uint_eq(pes_count(&q), 0);
        pes_release(&q);
    }
}

END_TEST

#if defined(ASGSIM_PES_LADDER)
START_TEST(test_pes_ladder_allocates_nothing_after_warm_up)
{
    /*
     * The hold model at a fixed size: once the node array, the chunk pool and the bottom
     * have grown, further rounds reuse them (no allocation per event, memory bounded by
     * the number pending).
     */
    enum { N = 20000 };
    struct pes q = { 0 };
    uint64_t rng = 7, seq = 0;
    for (uint32_t s = 0; s < N; s++)
        pes_push(&q, (sim_time)test_rng_below(&rng, 2000000), seq++, s);
    size_t chunks = 0, nodes = 0, bottom = 0, sort = 0;
    for (int round = 0; round < 6; round++) {
        for (uint32_t i = 0; i < 4 * N; i++) {
            struct pes_entry e;
            ck_assert(pes_pop(&q, &e));
            pes_push(&q, e.at + 1 + (sim_time)test_rng_below(&rng, 2000000), seq++, e.slot);
        }
        check_heap_invariants(&q);
        if (round == 2) {
            chunks = q.alloc_chunks;
            nodes = q.nr_slots;
            bottom = q.bottom_alloc;
            sort = q.sort_alloc;
        } else if (round > 2) {
            ck_assert_uint_eq(q.alloc_chunks, chunks);
            ck_assert_uint_eq(q.nr_slots, nodes);
            ck_assert_uint_eq(q.bottom_alloc, bottom);
            ck_assert_uint_eq(q.sort_alloc, sort);
        }
    }
    /* At most one partly filled chunk per non-empty bucket: bounded by the events. */
    ck_assert_uint_le(q.nr_chunks, (size_t)N);
    ck_assert_uint_eq(pes_count(&q), N);
    pes_release(&q);
}

END_TEST

START_TEST(test_pes_ladder_near_future_events_do_not_pile_up_in_bottom)
{
    /*
     * Request mode's queue: a sample event a minute away and the run's end 15 minutes away,
     * plus 1 000 near-future events (departures after Exp(20 ms), in us) that keep
     * rescheduling. The first rung is planned from the three events pending at the start,
     * so its first bucket spans minutes; without the bottom spawning a rung every later
     * push would land in the bottom (a search and a move over ~1 000 events each).
     */
    enum { N = 1000, OPS = 200000 };
    struct pes q = { 0 };
    uint64_t rng = 11, seq = 0;
    pes_push(&q, 0, seq++, N);
    pes_push(&q, 60000000, seq++, N + 1);
    pes_push(&q, 900000000, seq++, N + 2);
    struct pes_entry e;
    ck_assert(pes_pop(&q, &e));
    ck_assert_uint_eq(e.slot, N);
    for (uint32_t s = 0; s < N; s++)
        pes_push(&q, 1 + (sim_time)test_rng_below(&rng, 40000), seq++, s);
    size_t peak_bottom = 0;
    sim_time last = 0;
    uint64_t last_seq = 0;
    for (uint32_t i = 0; i < OPS; i++) {
        ck_assert(pes_pop(&q, &e));
        ck_assert(e.at > last || (e.at == last && e.seq > last_seq));
        last = e.at;
        last_seq = e.seq;
        ck_assert_uint_lt(e.slot, N); /* the far events stay queued */
        /* exponential with mean 20 000 us, from a uniform in (0, 1] */
        double u = ((double)(test_rng_next(&rng) >> 11) + 1.0) / 9007199254740992.0;
        pes_push(&q, e.at + 1 + (sim_time)(-20000.0 * log(u)), seq++, e.slot);
        size_t bottom = q.bottom_nr - q.bottom_head;
        if (bottom > peak_bottom)
            peak_bottom = bottom;
        if (i % 4096 == 0)
            check_heap_invariants(&q);
    }
    /* Bounded by the spawn threshold's doubling, not by the 1 000 pending. */
    ck_assert_uint_le(peak_bottom, 200);
    ck_assert_uint_eq(pes_count(&q), N + 2);
    pes_release(&q);
}

END_TEST
#endif

START_TEST(test_pes_user_data_is_kept_per_slot_through_queueing_and_growth)
{
    /*
     * Caller data belongs to the slot, not to the queued entry: it survives pushes, pops,
     * removals and the growth of the slots, and a new slot's data starts zeroed.
     */
    struct pes q = { 0 };
    pes_reserve(&q, 10);
    for (uint32_t s = 0; s < 10; s++) {
        uint64_t *u = pes_user(&q, s);
        ck_assert_uint_eq(u[0], 0);
        ck_assert_uint_eq(u[PES_USER_BYTES / 8 - 1], 0);
        u[0] = 1000 + s;
        u[PES_USER_BYTES / 8 - 1] = 2000 + s;
        pes_push(&q, (sim_time)(s % 3), s, s);
    }
    ck_assert(pes_remove(&q, 4));
    struct pes_entry e;
    ck_assert(pes_pop(&q, &e));
    /* A push far past the reserved slots grows them; the old data moves along. */
    pes_push(&q, 7, 100, 5000);
    ck_assert_uint_eq(((uint64_t *)pes_user(&q, 5000))[0], 0);
    for (uint32_t s = 0; s < 10; s++) {
        const uint64_t *u = pes_user(&q, s);
        ck_assert_uint_eq(u[0], 1000 + s);
        ck_assert_uint_eq(u[PES_USER_BYTES / 8 - 1], 2000 + s);
        ck_assert_uint_eq((uintptr_t)u % 8, 0);
    }
    while (pes_pop(&q, &e))
        ;
    ck_assert_uint_eq(((uint64_t *)pes_user(&q, 9))[0], 1009);
    pes_release(&q);
}

END_TEST

START_TEST(test_pes_release_leaves_queue_reusable)
{
    struct pes q = { 0 };
    for (uint32_t s = 0; s < 50; s++)
        pes_push(&q, 1, s, s);
    pes_release(&q);
    ck_assert_uint_eq(pes_count(&q), 0);
    struct pes_entry top;
    ck_assert(!pes_peek(&q, &top));
    ck_assert(!pes_contains(&q, 3));
    pes_push(&q, 5, 0, 3);
    ck_assert(pes_contains(&q, 3));
    ck_assert(pes_peek(&q, &top));
    ck_assert_int_eq(top.at, 5);
    pes_release(&q);
    pes_release(&q); /* twice is harmless */
}

END_TEST

START_TEST(test_pes_push_of_present_slot_is_bug)
{
    struct pes q = { 0 };
    pes_push(&q, 1, 0, 2);
    pes_push(&q, 2, 1, 2); /* aborts */
}

END_TEST

/*
 * Reference model: the queued slots sorted by their (at, seq) keys in DESCENDING order, so
 * the minimum is the last element and popping is O(1); insert and remove are a binary
 * search plus a memmove of 4-byte slots (kept small because ASan's memmove copies byte by
 * byte), fast enough for a few thousand live entries.
 */
struct ref_entry {
    sim_time at;
    uint64_t seq;
};

struct ref_queue {
    uint32_t *slots;
    size_t nr;
    struct ref_entry *key_of; /* indexed by slot */
};

static const struct ref_entry *ref_key(const struct ref_queue *r, size_t i)
{
    return &r->key_of[r->slots[i]];
}

/* Index of the first entry not greater than (at, seq), in the descending array. */
static size_t ref_lower(const struct ref_queue *r, sim_time at, uint64_t seq)
{
    size_t lo = 0, hi = r->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_less(at, seq, ref_key(r, mid)->at, ref_key(r, mid)->seq))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void ref_insert(struct ref_queue *r, sim_time at, uint64_t seq, uint32_t slot)
{
    size_t i = ref_lower(r, at, seq);
    memmove(&r->slots[i + 1], &r->slots[i], (r->nr - i) * sizeof(r->slots[0]));
    r->slots[i] = slot;
    r->key_of[slot] = (struct ref_entry){ at, seq };
    r->nr++;
}

static void ref_remove(struct ref_queue *r, uint32_t slot)
{
    size_t i = ref_lower(r, r->key_of[slot].at, r->key_of[slot].seq);
    FAST_EQ(i < r->nr, true, 0u);
    FAST_EQ(r->slots[i], slot, 0u);
    memmove(&r->slots[i], &r->slots[i + 1], (r->nr - i - 1) * sizeof(r->slots[0]));
    r->nr--;
}

#define PES_RANDOM_OPS   1000000u
#define PES_RANDOM_SLOTS 4096u

START_TEST(test_pes_random_ops_match_reference)
{
    struct pes q = { 0 };
    struct ref_queue ref = { xcalloc(PES_RANDOM_SLOTS, sizeof(uint32_t)), 0,
                             xcalloc(PES_RANDOM_SLOTS, sizeof(struct ref_entry)) };
    bool *queued = xcalloc(PES_RANDOM_SLOTS, sizeof(*queued));
    uint32_t *free_slots = xcalloc(PES_RANDOM_SLOTS, sizeof(*free_slots));
    size_t nr_free = PES_RANDOM_SLOTS;
    for (uint32_t i = 0; i < PES_RANDOM_SLOTS; i++)
        free_slots[i] = PES_RANDOM_SLOTS - 1 - i;

    uint64_t rng = 20240601;
    uint64_t counter = 0;
    size_t nr_pops = 0, nr_removes = 0, max_size = 0;
    for (unsigned op = 0; op < PES_RANDOM_OPS; op++) {
        uint64_t r = test_rng_below(&rng, 100);
        /* Drift toward ~2000 live entries; drain fully now and then to cover "empty". */
        bool draining = (op / 50000u) % 4u == 3u;
        unsigned push_pct = draining ? 20u : ref.nr < 2000 ? 55u : 40u;
        if (r < push_pct && nr_free > 0) {
            uint32_t slot = free_slots[--nr_free];
            sim_time at;
            uint64_t kind = test_rng_below(&rng, 4);
            if (kind == 0)
                at = (sim_time)test_rng_below(&rng, 8); /* heavy ties */
            else if (kind == 1)
                at = (sim_time)test_rng_below(&rng, 1000);
            else
                at = (sim_time)test_rng_below(&rng, UINT64_C(1) << 40) - (INT64_C(1) << 39);
            /* seq: unique (odd multiplier is a bijection) but not in insertion order. */
            uint64_t seq = (counter++) * UINT64_C(0x9E3779B97F4A7C15);
            pes_push(&q, at, seq, slot);
            ref_insert(&ref, at, seq, slot);
            queued[slot] = true;
        } else if (r < 80) {
            struct pes_entry out = { -5, 5, 5 };
            /* Half the pops go through pes_pop_due with an end that may be before the min. */
            bool due_only = test_rng_below(&rng, 2) == 0;
            sim_time end = (sim_time)test_rng_below(&rng, 1000);
            bool got;
            if (due_only) {
                bool expect_due = ref.nr > 0 && ref.key_of[ref.slots[ref.nr - 1]].at <= end;
                got = pes_pop_due(&q, end, &out);
                FAST_EQ(got, expect_due, op);
                if (!got && ref.nr > 0) {
                    FAST_EQ(out.at, -5, op);
                    goto checked;
                }
            } else {
                got = pes_pop(&q, &out);
            }
            FAST_EQ(got, ref.nr > 0, op);
            if (got) {
                uint32_t slot = ref.slots[ref.nr - 1];
                FAST_EQ(out.slot, slot, op);
                FAST_EQ(out.at, ref.key_of[slot].at, op);
                FAST_EQ(out.seq, ref.key_of[slot].seq, op);
                ref.nr--;
                queued[out.slot] = false;
                free_slots[nr_free++] = out.slot;
                nr_pops++;
            } else {
                FAST_EQ(out.at, -5, op);
            }
        } else {
            /* Any slot, queued or not, plus some never seen by the queue at all. */
            uint32_t slot = (uint32_t)test_rng_below(&rng, PES_RANDOM_SLOTS + 64);
            bool expect = slot < PES_RANDOM_SLOTS && queued[slot];
            FAST_EQ(pes_contains(&q, slot), expect, op);
            FAST_EQ(pes_remove(&q, slot), expect, op);
            if (expect) {
                ref_remove(&ref, slot);
                queued[slot] = false;
                free_slots[nr_free++] = slot;
                nr_removes++;
            }
            FAST_EQ(pes_contains(&q, slot), false, op);
        }
    checked:
        FAST_EQ(pes_count(&q), ref.nr, op);
        struct pes_entry top;
        bool have_top = pes_peek(&q, &top);
        FAST_EQ(have_top, ref.nr > 0, op);
        if (have_top) {
            FAST_EQ(top.slot, ref.slots[ref.nr - 1], op);
            FAST_EQ(pes_time_of(&q, top.slot), ref.key_of[top.slot].at, op);
        }
        if (ref.nr > max_size)
            max_size = ref.nr;
        if (op % 4096 == 0)
            check_heap_invariants(&q);
    }
    check_heap_invariants(&q);
    /* The mix really exercised what it claims to. */
    ck_assert_uint_gt(nr_pops, 100000);
    ck_assert_uint_gt(nr_removes, 50000);
    ck_assert_uint_gt(max_size, 1000);

    struct pes_entry out;
    while (pes_pop(&q, &out)) {
        FAST_EQ(out.slot, ref.slots[ref.nr - 1], 0u);
        ref.nr--;
    }
    ck_assert_uint_eq(ref.nr, 0);
    pes_release(&q);
    free(ref.slots);
    free(ref.key_of);
    free(queued);
    free(free_slots);
}

END_TEST

/*
 * A hold model big enough for the ladder's wide buckets (more than 4096 pending), with
 * delays that crowd the near future the way exponential ones do, ties at the current
 * time, seq numbers that are not in push order, and removals of random queued slots.
 * Pops must come out in non-decreasing (at, seq) order, every pushed entry exactly once
 * (popped or removed): with every push at or after the last pop, that is exactly the
 * queue's contract. A second phase spreads times over 2^50 us so buckets are wider than
 * 2^32 us (the sort words keep only the top bits of the offset).
 */
START_TEST(test_pes_large_hold_with_ties_and_removals_pops_in_order)
{
    enum { N = 6000, OPS = 400000 };
    struct pes q = { 0 };
    uint64_t rng = 99, counter = 0;
    uint32_t *live = xcalloc(N, sizeof(*live));   /* queued slots, in any order */
    uint32_t *where = xcalloc(N, sizeof(*where)); /* index of each slot in live */
    uint32_t nr_live = 0, nr_removed = 0, nr_ties = 0;
    sim_time now = 0;
    for (uint32_t s = 0; s < N; s++) {
        pes_push(&q, (sim_time)test_rng_below(&rng, 4000000),
                 counter++ * UINT64_C(0x9E3779B97F4A7C15), s);
        where[s] = nr_live;
        live[nr_live++] = s;
    }
    struct pes_entry last = { INT64_MIN, 0, 0 };
    for (uint32_t op = 0; op < OPS; op++) {
        bool far = op >= OPS / 2;
        if (op % 7 == 3) {
            /* Remove a random queued slot and push it back later. */
            uint32_t s = live[test_rng_below(&rng, nr_live)];
            FAST_EQ(pes_remove(&q, s), true, op);
            live[where[s]] = live[--nr_live];
            where[live[where[s]]] = where[s];
            nr_removed++;
            sim_time d = (sim_time)test_rng_below(&rng, 1000);
            uint64_t seq = counter++;
            pes_push(&q, now + (d == 0 && seq <= last.seq ? 1 : d), seq, s);
            where[s] = nr_live;
            live[nr_live++] = s;
            continue;
        }
        struct pes_entry e;
        FAST_EQ(pes_pop(&q, &e), true, op);
        if (e.at < last.at || (e.at == last.at && e.seq <= last.seq))
            ck_abort_msg("op %u: (%lld, %llu) popped after (%lld, %llu)", op, (long long)e.at,
                         (unsigned long long)e.seq, (long long)last.at,
                         (unsigned long long)last.seq);
        nr_ties += e.at == last.at;
        last = e;
        now = e.at;
        live[where[e.slot]] = live[--nr_live];
        where[live[where[e.slot]]] = where[e.slot];
        uint64_t kind = test_rng_below(&rng, 8);
        uint64_t u = test_rng_next(&rng);
        /* Mostly near: the delay's bit length is uniform, as crowded as exponential. */
        sim_time delay = kind == 0   ? 0
                         : kind == 1 ? (sim_time)(u % 8)
                         : far       ? (sim_time)(u >> (14 + u % 50))
                                     : (sim_time)((u >> 11) % 4000000 >> (u % 8));
        uint64_t seq = kind == 2 ? counter++ * UINT64_C(0x9E3779B97F4A7C15) : counter++;
        /* A push must sort after the last pop: on a tie with a larger seq, one us later. */
        if (delay == 0 && seq <= e.seq)
            delay = 1;
        pes_push(&q, now + delay, seq, e.slot);
        where[e.slot] = nr_live;
        live[nr_live++] = e.slot;
        if (op % 20000 == 0)
            check_heap_invariants(&q);
    }
    check_heap_invariants(&q);
    FAST_EQ(pes_count(&q), N, 0u);
    ck_assert_uint_gt(nr_removed, OPS / 8);
    ck_assert_uint_gt(nr_ties, OPS / 20);
    pes_release(&q);
    free(live);
    free(where);
}

END_TEST

Suite *pes_suite(void);

Suite *pes_suite(void)
{
    Suite *s = suite_create("pes");

    TCase *tc = tcase_create("fixed");
    tcase_add_test(tc, test_pes_empty_queue_has_no_minimum);
    tcase_add_test(tc, test_pes_pops_in_time_then_seq_order);
    tcase_add_test(tc, test_pes_equal_times_pop_in_seq_order);
    tcase_add_test(tc, test_pes_remove_any_slot_keeps_order);
    tcase_add_test(tc, test_pes_release_leaves_queue_reusable);
    tcase_add_test(tc, test_pes_user_data_is_kept_per_slot_through_queueing_and_growth);
    tcase_add_test(tc, test_pes_many_equal_times_keep_seq_order_through_removals);
    tcase_add_test(tc, test_pes_remove_from_multi_chunk_buckets_in_every_position);
    tcase_add_test(tc, test_pes_remove_all_then_reuse);
    tcase_add_test(tc, test_pes_crowded_wide_bucket_pops_in_key_order);
#if defined(ASGSIM_PES_LADDER)
    tcase_add_test(tc, test_pes_ladder_allocates_nothing_after_warm_up);
    tcase_add_test(tc, test_pes_ladder_near_future_events_do_not_pile_up_in_bottom);
#endif
    suite_add_tcase(s, tc);

    /* An abort can only be caught when each test runs in its own process. */
    const char *fork_env = getenv("CK_FORK");
    if (!fork_env || strcmp(fork_env, "no") != 0) {
        tc = tcase_create("bugs");
        tcase_add_test_raise_signal(tc, test_pes_push_of_present_slot_is_bug, SIGABRT);
        suite_add_tcase(s, tc);
    }

    tc = tcase_create("random");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pes_random_ops_match_reference);
    tcase_add_test(tc, test_pes_large_hold_with_ties_and_removals_pops_in_order);
    suite_add_tcase(s, tc);
    return s;
}
