/*
 * sim.h - the discrete-event engine: simulated time, scheduling, cancellation, run loop.
 *
 * Time is an integer count of microseconds since the start of the scenario, so ties are
 * exact and adding a period a million times never drifts.
 *
 * Ordering: events fire in order of (time, scheduling sequence). Events due at the same
 * time fire in the order they were scheduled; an event scheduled with delay 0 from inside
 * a handler fires after every event already due at that time.
 *
 * The engine owns the event records. Callers keep the returned sim_event_id (never a
 * pointer) and may cancel with it; ids carry a generation, so a stale id is harmless.
 * The engine knows nothing of what the events mean.
 */
#ifndef ASGSIM_SIM_H
#define ASGSIM_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Simulated time or duration in microseconds. */
typedef int64_t sim_time;

/** Handle of a scheduled event; 0 is never a valid id. */
typedef uint64_t sim_event_id;

#define SIM_US(x)      ((sim_time)(x))
#define SIM_MS(x)      (INT64_C(1000) * (sim_time)(x))
#define SIM_SEC(x)     (INT64_C(1000000) * (sim_time)(x))
#define SIM_MIN(x)     (INT64_C(60000000) * (sim_time)(x))
#define SIM_HOUR(x)    (INT64_C(3600000000) * (sim_time)(x))
#define SIM_DAY(x)     (INT64_C(86400000000) * (sim_time)(x))
#define SIM_TIME_MAX   INT64_MAX
#define SIM_US_PER_SEC INT64_C(1000000)

/**
 * The out-of-line failure of sim_time_from_seconds(): reports `s` (non-finite, or out of
 * the sim_time range once in microseconds) as a bug and aborts. Not for other callers.
 */
_Noreturn void sim_time_from_seconds_failed(double s);

/**
 * Seconds to microseconds, rounded once to the nearest microsecond (halves away from zero).
 * A non-finite value or one outside the sim_time range is a bug (aborts); validate user
 * input before converting it.
 *
 * Inline because request mode converts several times per request; the result is exactly
 * (sim_time)round(s * 1e6) without a call to libm's round().
 */
static inline sim_time sim_time_from_seconds(double s)
{
    double us = s * 1e6;
    /* Also false for NaN and infinities. Checking us rather than round(us) is the same
       test: doubles this far out are integers already. */
    if (!(us >= -0x1p63 && us < 0x1p63))
        sim_time_from_seconds_failed(s);
    /* Truncate, then step away from zero when the dropped fraction is at least one half.
       us - (double)i is exact: it is the fractional part of us. */
    int64_t i = (int64_t)us;
    double frac = us - (double)i;
    return i + (int64_t)(frac >= 0.5) - (int64_t)(frac <= -0.5);
}

/** Microseconds to seconds as a double (exact below 2^53 us, about 285 years). */
static inline double sim_time_to_seconds(sim_time t)
{
    return (double)t / 1e6;
}

/** Small payload copied into the event record; the engine never interprets it. */
union sim_payload {
    int64_t i;
    uint64_t u;
    double d;
    uint32_t u32[2];
    void *ptr;
};

struct sim_engine; /* opaque */

/**
 * One static const object per kind of event, defined by the model that handles it.
 * `name` is stable ("instance.boot_done") and may be written to traces.
 * `fire` is called with the engine clock already set to the event's time.
 */
struct sim_event_type {
    const char *name;
    void (*fire)(struct sim_engine *eng, void *target, const union sim_payload *p);
};

/** Called after every fired event (trace sinks, invariant checks). */
typedef void sim_observer_fn(void *ctx, struct sim_engine *eng, const struct sim_event_type *type,
                             void *target);

/** New engine at time 0 with no pending events. Never returns NULL. */
struct sim_engine *sim_engine_new(void);

/** Free the engine and every pending event; never calls handlers. NULL is a no-op. */
void sim_engine_free(struct sim_engine *eng);

/**
 * Schedule `type` to fire on `target` at now + delay. delay < 0, or now + delay past
 * SIM_TIME_MAX, is a bug (aborts).
 * `target` is borrowed: the caller must cancel the event before freeing the target.
 * \return the event's id (never 0).
 */
sim_event_id sim_schedule(struct sim_engine *eng, sim_time delay, const struct sim_event_type *type,
                          void *target, union sim_payload p);

/** As sim_schedule() at an absolute time; at < now is a bug (aborts). */
sim_event_id sim_schedule_at(struct sim_engine *eng, sim_time at, const struct sim_event_type *type,
                             void *target, union sim_payload p);

/**
 * Cancel a pending event. \return 0, or ASG_ENOENT when the id has already fired, was
 * cancelled, is the event now running, or is 0 / stale. Never fails otherwise.
 */
int sim_cancel(struct sim_engine *eng, sim_event_id id);

/** true when `id` is scheduled and has neither fired nor been cancelled. */
bool sim_is_pending(const struct sim_engine *eng, sim_event_id id);

/** Fire time of a pending event, or -1 if it is not pending. */
sim_time sim_event_time(const struct sim_engine *eng, sim_event_id id);

/** Current simulated time. */
sim_time sim_now(const struct sim_engine *eng);

/** Number of pending events. */
size_t sim_pending_count(const struct sim_engine *eng);

/** Time of the earliest pending event, or SIM_TIME_MAX when none is pending. */
sim_time sim_next_time(const struct sim_engine *eng);

/** Total number of events fired so far. */
uint64_t sim_fired_count(const struct sim_engine *eng);

/**
 * Fire events in order while the earliest is due at or before `end`, then advance the
 * clock to `end` (if the run was not stopped). end < now is a bug, and so is calling it
 * from inside a handler.
 * \return 0 when `end` was reached, 1 when sim_stop() ended the run early.
 */
int sim_run_until(struct sim_engine *eng, sim_time end);

/**
 * Ask sim_run_until() to return after the current event; the clock stays at that event.
 * Each sim_run_until() starts with no stop requested, so a call outside a run does nothing.
 */
void sim_stop(struct sim_engine *eng);

/*
 * A check sim_run_until() calls every SIM_CHECK_EVERY events fired: a run that never leaves
 * one instant (a zero-time loop) or a long burst of events still reaches it, so it can
 * honour a signal or stop a runaway. A nonzero return stops the run as sim_stop() does.
 */
#define SIM_CHECK_EVERY ((uint64_t)1 << 16)
typedef int sim_check_fn(void *ctx, struct sim_engine *eng);

/** Install (or with fn NULL, remove) the periodic check. ctx is borrowed. */
void sim_set_check(struct sim_engine *eng, sim_check_fn *fn, void *ctx);

/**
 * Watch `flag` (borrowed; NULL to stop watching), which a signal handler sets: once it is
 * nonzero, sim_run_until() returns 1 after the event that is firing, as after sim_stop(),
 * so that a signal is honoured within one event even when each event is slow (a large fleet)
 * and the periodic check is far away. One load per event.
 */
void sim_set_interrupt_flag(struct sim_engine *eng, const volatile sig_atomic_t *flag);

/**
 * Whether the watched flag is set: a handler that loops long (many fluid steps) may return
 * early, since the run is about to stop and its results are discarded.
 */
bool sim_interrupted(const struct sim_engine *eng);

/** Install (or with fn NULL, remove) the after-event observer. ctx is borrowed. */
void sim_set_observer(struct sim_engine *eng, sim_observer_fn *fn, void *ctx);

#endif /* ASGSIM_SIM_H */
