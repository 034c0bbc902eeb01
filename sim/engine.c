/*
 * engine.c - the discrete-event engine: event slab, generation-checked ids, run loop.
 *
 * Event records are indexed by slot and recycled through a LIFO free list, so once the
 * slots and the queue have grown to the peak number of pending events, scheduling and
 * firing allocate nothing. The records live in the pending-event set's per-slot caller
 * data (pes_user(); pes.h, the structure is chosen at build time, see
 * docs/performance.md): the ladder keeps that in the same cache line as the slot's queue
 * node, so a fired event costs one line of memory traffic instead of two. The queue
 * orders only (at, seq, slot) keys, which keeps its buckets compact; the run loop pops
 * with pes_pop_due() (one call per event) and prefetches the record of a coming event,
 * the one cache miss the loop would otherwise wait for.
 *
 * An id is (generation << 32) | slot. Each slot's generation is bumped whenever the slot
 * is freed (fired or cancelled), so an id kept after its event is gone no longer matches
 * and is rejected even after the slot has been reused. Generations start at 1, so 0 is
 * never a valid id.
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "asgsim/sim.h"

#include "asgsim/diag.h"
#include "pes.h"
#include "asgsim/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "asgsim/banned.h"
/* clang-format on */

#define NO_SLOT UINT32_MAX

struct ev_rec {
    const struct sim_event_type *type; /* NULL while the slot is free */
    void *target;
    union sim_payload p;
    uint32_t gen;       /* generation of the current (or next) occupant; never 0 */
    uint32_t next_free; /* next slot on the free list, NO_SLOT at the end */
};

_Static_assert(sizeof(struct ev_rec) <= PES_USER_BYTES, "an event record fits a slot's user data");

struct sim_engine {
    /*
     * A pointer so that the const query functions can still peek: some queue structures
     * (the ladder) reorganise themselves on a peek. The queue also holds the records:
     * each slot's record is its caller data (pes_user()).
     */
    struct pes *q;
    size_t nr_recs; /* slots ever used; every slot below is usable */
    uint32_t free_head;
    sim_time now;
    uint64_t next_seq;
    uint64_t nr_fired;
    sim_observer_fn *observer;
    void *observer_ctx;
    sim_check_fn *check;
    void *check_ctx;
    const volatile sig_atomic_t *interrupt; /* a signal handler's flag, or NULL */
    bool stop_requested;
    bool running; /* inside sim_run_until(), which must not be re-entered */
};

void sim_time_from_seconds_failed(double s)
{
    if (!isfinite(s))
        ASG_BUG("sim_time_from_seconds: non-finite value %g", s);
    ASG_BUG("sim_time_from_seconds: %g s is out of range", s);
}

struct sim_engine *sim_engine_new(void)
{
    struct sim_engine *eng = xcalloc(1, sizeof(*eng));
    eng->q = xcalloc(1, sizeof(*eng->q));
    eng->free_head = NO_SLOT;
    return eng;
}

void sim_engine_free(struct sim_engine *eng)
{
    if (!eng)
        return;
    pes_release(eng->q);
    free(eng->q);
    free(eng);
}

static inline struct ev_rec *rec(const struct sim_engine *eng, uint32_t slot)
{
    return pes_user(eng->q, slot);
}

static inline uint32_t id_slot(sim_event_id id)
{
    return (uint32_t)(id & UINT32_MAX);
}

static inline uint32_t id_gen(sim_event_id id)
{
    return (uint32_t)(id >> 32);
}

static inline uint32_t alloc_slot(struct sim_engine *eng)
{
    uint32_t slot = eng->free_head;
    if (slot != NO_SLOT) {
        eng->free_head = rec(eng, slot)->next_free;
        return slot;
    }
    if (eng->nr_recs >= NO_SLOT)
        ASG_BUG("more than %" PRIu32 " pending events", NO_SLOT - 1);
    pes_reserve(eng->q, eng->nr_recs + 1);
    slot = (uint32_t)eng->nr_recs++;
    rec(eng, slot)->gen = 1;
    return slot;
}

static inline void free_slot(struct sim_engine *eng, uint32_t slot)
{
    struct ev_rec *r = rec(eng, slot);
    r->type = NULL;
    r->target = NULL;
    /*
     * A slot whose generation would wrap to 0 is retired instead of reused, so an id can
     * never be confused with a later one, however long the run. It costs one record per
     * 2^32 events through that slot.
     */
    if (++r->gen == 0)
        return;
    r->next_free = eng->free_head;
    eng->free_head = slot;
}

/* Slot of a pending event, or NO_SLOT when `id` is 0, stale, fired, cancelled or forged. */
static uint32_t lookup(const struct sim_engine *eng, sim_event_id id)
{
    uint32_t slot = id_slot(id);
    if (slot >= eng->nr_recs || rec(eng, slot)->gen != id_gen(id))
        return NO_SLOT;
    /* A free slot already carries the generation its next occupant will get. */
    if (!pes_contains(eng->q, slot))
        return NO_SLOT;
    return slot;
}

/* The common tail of both schedule calls, once the time has been checked. */
static inline sim_event_id schedule(struct sim_engine *eng, sim_time at,
                                    const struct sim_event_type *type, void *target,
                                    union sim_payload p)
{
    uint32_t slot = alloc_slot(eng);
    struct ev_rec *r = rec(eng, slot);
    r->type = type;
    r->target = target;
    r->p = p;
    pes_push(eng->q, at, eng->next_seq++, slot);
    return ((sim_event_id)r->gen << 32) | slot;
}

sim_event_id sim_schedule_at(struct sim_engine *eng, sim_time at, const struct sim_event_type *type,
                             void *target, union sim_payload p)
{
    ASG_ASSERT(type && type->fire);
    if (at < eng->now)
        ASG_BUG("scheduling into the past: %s at %" PRId64 " us, now %" PRId64 " us",
                type->name ? type->name : "(unnamed)", at, eng->now);
    return schedule(eng, at, type, target, p);
}

sim_event_id sim_schedule(struct sim_engine *eng, sim_time delay, const struct sim_event_type *type,
                          void *target, union sim_payload p)
{
    ASG_ASSERT(type && type->fire);
    if (delay < 0)
        ASG_BUG("scheduling into the past: %s delay %" PRId64,
                type->name ? type->name : "(unnamed)", delay);
    if (delay > SIM_TIME_MAX - eng->now)
        ASG_BUG("scheduling beyond the end of time: %s delay %" PRId64 " us at %" PRId64 " us",
                type->name ? type->name : "(unnamed)", delay, eng->now);
    return schedule(eng, eng->now + delay, type, target, p);
}

int sim_cancel(struct sim_engine *eng, sim_event_id id)
{
    uint32_t slot = lookup(eng, id);
    if (slot == NO_SLOT)
        return ASG_ENOENT;
    bool removed = pes_remove(eng->q, slot);
    ASG_ASSERT(removed);
    free_slot(eng, slot);
    return 0;
}

bool sim_is_pending(const struct sim_engine *eng, sim_event_id id)
{
    return lookup(eng, id) != NO_SLOT;
}

sim_time sim_event_time(const struct sim_engine *eng, sim_event_id id)
{
    uint32_t slot = lookup(eng, id);
    if (slot == NO_SLOT)
        return -1;
    return pes_time_of(eng->q, slot);
}

sim_time sim_now(const struct sim_engine *eng)
{
    return eng->now;
}

size_t sim_pending_count(const struct sim_engine *eng)
{
    return pes_count(eng->q);
}

sim_time sim_next_time(const struct sim_engine *eng)
{
    struct pes_entry top;
    return pes_peek(eng->q, &top) ? top.at : SIM_TIME_MAX;
}

uint64_t sim_fired_count(const struct sim_engine *eng)
{
    return eng->nr_fired;
}

int sim_run_until(struct sim_engine *eng, sim_time end)
{
    if (end < eng->now)
        ASG_BUG("sim_run_until: end %" PRId64 " us is before now %" PRId64 " us", end, eng->now);
    if (eng->running)
        ASG_BUG("sim_run_until called from inside an event handler");
    eng->running = true;
    eng->stop_requested = false;

    struct pes *q = eng->q;
    struct pes_entry e;
    while (!eng->stop_requested && pes_pop_due(q, end, &e)) {
        ASG_ASSERT(e.at >= eng->now);
        eng->now = e.at;
        /*
         * Copy the record and free the slot before firing: the handler may then schedule
         * (possibly into this very slot) and cancel freely, and cancelling the running
         * event's own id finds nothing.
         */
        struct ev_rec ev = *rec(eng, e.slot);
        /*
         * The records are visited in time order, which is random in slot order, so each
         * one is a cache miss at large queue sizes; start loading a coming one now, while
         * this handler runs. (The ladder already loads that line: the record shares it
         * with the slot's node, which the pop prefetches.)
         */
        uint32_t hint = pes_hint(q);
        if (hint < eng->nr_recs)
            __builtin_prefetch(rec(eng, hint));
        free_slot(eng, e.slot);
        eng->nr_fired++;
        ev.type->fire(eng, ev.target, &ev.p);
        if (eng->observer)
            eng->observer(eng->observer_ctx, eng, ev.type, ev.target);
        if (eng->check && (eng->nr_fired & (SIM_CHECK_EVERY - 1)) == 0 &&
            eng->check(eng->check_ctx, eng))
            eng->stop_requested = true;
        if (eng->interrupt && *eng->interrupt)
            eng->stop_requested = true;
    }

    eng->running = false;
    if (eng->stop_requested) {
        eng->stop_requested = false;
        return 1;
    }
    eng->now = end;
    return 0;
}

void sim_stop(struct sim_engine *eng)
{
    eng->stop_requested = true;
}

void sim_set_check(struct sim_engine *eng, sim_check_fn *fn, void *ctx)
{
    eng->check = fn;
    eng->check_ctx = ctx;
}

void sim_set_interrupt_flag(struct sim_engine *eng, const volatile sig_atomic_t *flag)
{
    eng->interrupt = flag;
}

bool sim_interrupted(const struct sim_engine *eng)
{
    return eng->interrupt && *eng->interrupt;
}

void sim_set_observer(struct sim_engine *eng, sim_observer_fn *fn, void *ctx)
{
    eng->observer = fn;
    eng->observer_ctx = fn ? ctx : NULL;
}
