/*
 * pes.h - the pending-event set behind the engine: a priority queue of (time, seq) keys
 * with removal of any element by handle.
 *
 * The engine keeps its event records in a slab and stores slab indexes ("slots") here.
 * The queue can find any slot it holds without searching, so the engine can cancel an
 * event by id. Keys are unique because seq is unique, so the order is total: (at, seq)
 * ascending, which gives the engine its FIFO-on-ties contract.
 *
 * Private to the engine (sim/engine.c): models see only sim.h's event API. Tests in
 * tests/sim and bench/bench_engine.c include it to drive the queue directly.
 *
 * Several implementations sit behind this one interface (sim/pes_<name>.c). Each build of
 * the engine is compiled with one ASGSIM_PES_<NAME> definition (sim/CMakeLists.txt: the
 * cache option ASGSIM_PES picks the program's, and the engine tests build every one), and
 * whatever includes this header is compiled with the same, so the layout of struct pes
 * below matches the compiled code. The comparison of the structures is in
 * docs/performance.md.
 */
#ifndef ASGSIM_PES_H
#define ASGSIM_PES_H

#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(ASGSIM_PES_HEAP) + defined(ASGSIM_PES_PAIRING) + defined(ASGSIM_PES_LADDER) != 1
#error "define exactly one ASGSIM_PES_<NAME> (HEAP, PAIRING, LADDER): see sim/CMakeLists.txt"
#endif

/** One queued element, as handed out by pes_peek() and pes_pop(). */
struct pes_entry {
    sim_time at;
    uint64_t seq;
    uint32_t slot;
};

/**
 * Bytes of caller data each slot carries (pes_user()). The engine keeps its event record
 * there, so that the ladder, which stores it in the same cache line as the slot's own
 * node, brings one line into cache per fired event instead of two.
 */
#define PES_USER_BYTES 32

/*
 * The (at, seq) key packed into one unsigned 128-bit integer, at (sign flipped) in the
 * high half, so a single unsigned compare orders keys: two 64-bit compares, no branches.
 */
__extension__ typedef unsigned __int128 pes_key;

#if defined(ASGSIM_PES_HEAP)
/** d-ary min-heap of packed keys, slots kept in a parallel array. Zero-initialise. */
struct pes {
    pes_key *keys;         /* heap order; every entry at index >= nr is the maximum key */
    uint32_t *slot_at;     /* slot of the entry at each heap index */
    size_t nr, alloc;      /* alloc counts keys and slot_at entries */
    uint32_t *pos_of_slot; /* heap index of each slot present, UINT32_MAX when absent */
    size_t nr_slots;
    unsigned char *user; /* PES_USER_BYTES per slot, for the first nr_user slots */
    size_t nr_user;
};
#elif defined(ASGSIM_PES_PAIRING)
struct pes_pairing_node;

/** Pairing heap whose nodes are indexed by slot (no allocation per push). Zero-initialise. */
struct pes {
    struct pes_pairing_node *node; /* indexed by slot */
    size_t nr_slots;
    size_t nr;
    uint32_t root;     /* meaningful only when nr > 0 */
    uint32_t *scratch; /* the children being merged while popping */
    size_t alloc_scratch;
    unsigned char *user; /* PES_USER_BYTES per slot, for the first nr_user slots */
    size_t nr_user;
};
#elif defined(ASGSIM_PES_LADDER)
struct pes_ladder_node;
struct pes_ladder_rung;
#define PES_LADDER_RING 8 /* pushes waiting for their bucket's lines (a power of two) */
struct pes_ladder_item;
struct pes_ladder_chunk;

/**
 * Ladder queue (Tang, Goh & Thng 2005) with nodes indexed by slot and buckets stored as
 * chains of fixed-size arrays of keys from one shared pool. Zero-initialise.
 */
struct pes {
    struct pes_ladder_node *node; /* indexed by slot, PES_LADDER_NODE_BYTES each */
    size_t nr_slots;
    size_t nr;
    struct pes_ladder_item *top; /* unsorted array of events at or after top_start */
    size_t top_nr, top_alloc;
    sim_time top_min, top_max, top_start;
    struct pes_ladder_rung *rung; /* rung[0] coarsest; the deepest rung is dequeued from */
    size_t nr_rungs, alloc_rungs;
    struct pes_ladder_chunk *chunk; /* the pool of bucket chunks */
    size_t nr_chunks, alloc_chunks;
    uint32_t free_chunk; /* head of the free chunks, meaningful when nr_free_chunks > 0 */
    size_t nr_free_chunks;
    struct pes_ladder_item *bottom; /* sorted ascending in [bottom_head, bottom_nr) */
    size_t bottom_head, bottom_nr, bottom_alloc;
    size_t bottom_limit;               /* inserts that grow the bottom to this size spawn a rung */
    struct pes_ladder_item *sort_item; /* scratch for sorting a bucket: its items, */
    uint64_t *sort_key;                /* and two arrays of sort words */
    size_t sort_alloc;                 /* items in sort_item; words in each array */
    uint32_t pf_chunk;              /* next chunk whose link the pops follow to prefetch a bucket */
    uint32_t ring[PES_LADDER_RING]; /* pushes waiting to be filed, oldest at ring_pos - ring_nr */
    uint32_t ring_nr, ring_pos;
};
#endif

#if defined(ASGSIM_PES_LADDER)
/* A ladder node is one cache line: the queue's 32 bytes, then the caller's. */
#define PES_LADDER_NODE_BYTES 64
#define PES_LADDER_USER_AT    32
#endif

/**
 * Make slots [0, nr_slots) usable with pes_user() (pes_push() also does it for the slot
 * it is given). Never shrinks; new slots' caller data is zeroed.
 */
void pes_reserve(struct pes *q, size_t nr_slots);

/**
 * The PES_USER_BYTES bytes of caller data of a usable slot (queued or not; 8-byte
 * aligned). They keep their value until pes_release(); the pointer is valid until the
 * next pes_reserve() or pes_push() that grows the slots.
 */
static inline void *pes_user(struct pes *q, uint32_t slot)
{
#if defined(ASGSIM_PES_LADDER)
    return (unsigned char *)q->node + (size_t)slot * PES_LADDER_NODE_BYTES + PES_LADDER_USER_AT;
#else
    return q->user + (size_t)slot * PES_USER_BYTES;
#endif
}

/** Insert `slot` with key (at, seq). The slot must not be present (a bug: aborts). */
void pes_push(struct pes *q, sim_time at, uint64_t seq, uint32_t slot);

/** Copy the minimum entry into *out. \return false when empty (out untouched). */
bool pes_peek(struct pes *q, struct pes_entry *out);

/** Remove the minimum into *out. \return false when empty (out untouched). */
bool pes_pop(struct pes *q, struct pes_entry *out);

/**
 * Remove the minimum into *out if its time is at or before `end`.
 * \return false when empty or the minimum is later than `end` (out untouched).
 */
bool pes_pop_due(struct pes *q, sim_time end, struct pes_entry *out);

/**
 * A slot likely to be popped soon (a few pops ahead, when cheaply known), or
 * UINT32_MAX. Never changes the queue; the engine prefetches that slot's record with it.
 */
uint32_t pes_hint(const struct pes *q);

/** Remove `slot` wherever it is. \return false when the slot is not present. */
bool pes_remove(struct pes *q, uint32_t slot);

/** true when `slot` is in the queue. */
bool pes_contains(const struct pes *q, uint32_t slot);

/** Time of a present slot's key (a bug, aborting, when the slot is absent). */
sim_time pes_time_of(const struct pes *q, uint32_t slot);

/** Number of queued entries. */
size_t pes_count(const struct pes *q);

/** Walk the whole structure and abort (ASG_BUG) on any broken invariant. For tests. */
void pes_check(const struct pes *q);

/** Free the storage, caller data included; the queue is empty and reusable. */
void pes_release(struct pes *q);

/** Implementation name ("heap4", "pairing", "ladder"), for benchmark output. */
const char *pes_name(void);

#endif /* ASGSIM_PES_H */
