/*
 * pes.h - the pending-event set behind the engine: a priority queue of (time, seq) keys
 * with removal of any element by handle.
 *
 * The engine keeps its event records in a slab and stores slab indexes ("slots") here.
 * The queue keeps, for each slot it holds, the slot's position, so removal is O(log n).
 * Keys are unique because seq is unique. Exposed so tests and benchmarks can drive the
 * queue directly; models never use it.
 */
#ifndef ASGSIM_PES_H
#define ASGSIM_PES_H

#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pes_entry {
    sim_time at;
    uint64_t seq;
    uint32_t slot;
};

/** d-ary min-heap ordered by (at, seq). Zero-initialise, then pes_release(). */
struct pes {
    struct pes_entry *heap;
    size_t nr, alloc;
    uint32_t *pos_of_slot; /* heap index of each slot present, UINT32_MAX when absent */
    size_t nr_slots;
};

/** Insert `slot` with key (at, seq). The slot must not be present. */
void pes_push(struct pes *q, sim_time at, uint64_t seq, uint32_t slot);

/** The minimum entry, or NULL when empty. Valid until the next change. */
const struct pes_entry *pes_peek(const struct pes *q);

/** Remove the minimum into *out. \return false when empty (out untouched). */
bool pes_pop(struct pes *q, struct pes_entry *out);

/** Remove `slot` wherever it is. \return false when the slot is not present. */
bool pes_remove(struct pes *q, uint32_t slot);

/** true when `slot` is in the queue. */
bool pes_contains(const struct pes *q, uint32_t slot);

/** Free the storage; the queue is empty and reusable. */
void pes_release(struct pes *q);

#endif /* ASGSIM_PES_H */
