/*
 * pes_heap.c - the pending-event set as a 4-ary min-heap of (at, seq, slot) entries.
 *
 * Why 4-ary: a simulator pops about as often as it pushes, and a wider node halves the
 * depth of the tree while the four children of a node share one or two cache lines, so
 * sift-down does fewer cache misses than in a binary heap. pos_of_slot gives each slot's
 * heap index so the engine can cancel any event in O(log n) without searching.
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "asgsim/pes.h"

#include "asgsim/util.h"

#include <stdint.h>
#include <stdlib.h>

#include "asgsim/banned.h"
/* clang-format on */

#define PES_ARITY  4
#define PES_ABSENT UINT32_MAX

static bool entry_less(const struct pes_entry *a, const struct pes_entry *b)
{
    if (a->at != b->at)
        return a->at < b->at;
    return a->seq < b->seq;
}

static void place(struct pes *q, size_t i, const struct pes_entry *e)
{
    q->heap[i] = *e;
    q->pos_of_slot[e->slot] = (uint32_t)i;
}

/* Move the hole at `i` up until `e` fits, then put `e` there. */
static void sift_up(struct pes *q, size_t i, const struct pes_entry *e)
{
    while (i > 0) {
        size_t parent = (i - 1) / PES_ARITY;
        if (!entry_less(e, &q->heap[parent]))
            break;
        place(q, i, &q->heap[parent]);
        i = parent;
    }
    place(q, i, e);
}

/* Move the hole at `i` down until `e` fits, then put `e` there. */
static void sift_down(struct pes *q, size_t i, const struct pes_entry *e)
{
    size_t n = q->nr;
    for (;;) {
        size_t first = i * PES_ARITY + 1;
        if (first >= n)
            break;
        size_t last = first + PES_ARITY < n ? first + PES_ARITY : n;
        size_t min = first;
        for (size_t c = first + 1; c < last; c++)
            if (entry_less(&q->heap[c], &q->heap[min]))
                min = c;
        if (!entry_less(&q->heap[min], e))
            break;
        place(q, i, &q->heap[min]);
        i = min;
    }
    place(q, i, e);
}

void pes_push(struct pes *q, sim_time at, uint64_t seq, uint32_t slot)
{
    ASG_ASSERT(slot != PES_ABSENT);
    if (slot >= q->nr_slots) {
        size_t old = q->nr_slots;
        ALLOC_GROW(q->pos_of_slot, (size_t)slot + 1, q->nr_slots);
        for (size_t i = old; i < q->nr_slots; i++)
            q->pos_of_slot[i] = PES_ABSENT;
    }
    if (q->pos_of_slot[slot] != PES_ABSENT)
        ASG_BUG("pes_push: slot %u is already queued", (unsigned)slot);
    /* Heap indexes are stored as uint32_t, with UINT32_MAX meaning "absent". */
    ASG_ASSERT(q->nr < PES_ABSENT);
    ALLOC_GROW(q->heap, q->nr + 1, q->alloc);
    struct pes_entry e = { .at = at, .seq = seq, .slot = slot };
    q->nr++;
    sift_up(q, q->nr - 1, &e);
}

const struct pes_entry *pes_peek(const struct pes *q)
{
    return q->nr ? &q->heap[0] : NULL;
}

/* Take the entry at heap index i out and refill the hole with the last entry. */
static void remove_at(struct pes *q, size_t i)
{
    q->pos_of_slot[q->heap[i].slot] = PES_ABSENT;
    q->nr--;
    if (i == q->nr)
        return;
    struct pes_entry last = q->heap[q->nr];
    if (i > 0 && entry_less(&last, &q->heap[(i - 1) / PES_ARITY]))
        sift_up(q, i, &last);
    else
        sift_down(q, i, &last);
}

bool pes_pop(struct pes *q, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    *out = q->heap[0];
    remove_at(q, 0);
    return true;
}

bool pes_remove(struct pes *q, uint32_t slot)
{
    if (!pes_contains(q, slot))
        return false;
    remove_at(q, q->pos_of_slot[slot]);
    return true;
}

bool pes_contains(const struct pes *q, uint32_t slot)
{
    return slot < q->nr_slots && q->pos_of_slot[slot] != PES_ABSENT;
}

void pes_release(struct pes *q)
{
    free(q->heap);
    free(q->pos_of_slot);
    q->heap = NULL;
    q->pos_of_slot = NULL;
    q->nr = q->alloc = 0;
    q->nr_slots = 0;
}
