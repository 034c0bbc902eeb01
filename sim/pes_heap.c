/*
 * pes_heap.c - the pending-event set as a d-ary min-heap of packed 128-bit keys
 * (ASGSIM_PES=heap, heap2 or heap8; the arity is ASGSIM_PES_HEAP_ARITY, 4 by default).
 *
 * What makes it fast (measurements in docs/performance.md):
 * - Keys are (at, seq) packed into one unsigned 128-bit integer, so a comparison is a
 *   compare and a subtract-with-borrow and the choice of the smallest child compiles to
 *   conditional moves; the old three-way struct compare was a chain of branches that
 *   mispredicted about half the time.
 * - Keys live in their own array, apart from the slots, so four 16-byte children fill one
 *   64-byte cache line; the slot array is touched once per level, only to move a slot.
 * - Every index past the end holds the maximum key, so each node always has d children to
 *   compare and the inner loop has no bounds test per child.
 * - Pop uses Floyd's bottom-up sift: the hole goes down the path of smallest children to a
 *   leaf without comparing against the element being placed (which, being the last leaf, is
 *   almost always large), then that element sifts up, usually not at all.
 * - Sifts move a hole instead of swapping.
 * pos_of_slot gives each slot's heap index so the engine can cancel in O(log n).
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "pes.h"

#include "asgsim/util.h"
#include "pes_user.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"
/* clang-format on */

#if defined(ASGSIM_PES_HEAP)

#ifndef ASGSIM_PES_HEAP_ARITY
#define ASGSIM_PES_HEAP_ARITY 4
#endif
#define D        ((size_t)ASGSIM_PES_HEAP_ARITY)
#define ABSENT   UINT32_MAX
#define KEY_MAX  (~(pes_key)0)
#define SIGN_BIT (UINT64_C(1) << 63)

#if ASGSIM_PES_HEAP_ARITY != 2 && ASGSIM_PES_HEAP_ARITY != 4 && ASGSIM_PES_HEAP_ARITY != 8
#error "ASGSIM_PES_HEAP_ARITY must be 2, 4 or 8"
#endif

static inline pes_key pack(sim_time at, uint64_t seq)
{
    return ((pes_key)((uint64_t)at ^ SIGN_BIT) << 64) | seq;
}

static inline sim_time key_at(pes_key k)
{
    return (sim_time)((uint64_t)(k >> 64) ^ SIGN_BIT);
}

static inline size_t parent_of(size_t i)
{
    return (i - 1) / D;
}

/* Index of the smallest of the D children starting at c (all D exist: padding is max). */
static inline size_t min_child(const pes_key *k, size_t c)
{
    size_t a = k[c + 1] < k[c] ? c + 1 : c;
#if ASGSIM_PES_HEAP_ARITY >= 4
    size_t b = k[c + 3] < k[c + 2] ? c + 3 : c + 2;
    a = k[b] < k[a] ? b : a;
#endif
#if ASGSIM_PES_HEAP_ARITY == 8
    size_t e = k[c + 5] < k[c + 4] ? c + 5 : c + 4;
    size_t f = k[c + 7] < k[c + 6] ? c + 7 : c + 6;
    e = k[f] < k[e] ? f : e;
    a = k[e] < k[a] ? e : a;
#endif
    return a;
}

static inline void place(struct pes *q, size_t i, pes_key key, uint32_t slot)
{
    q->keys[i] = key;
    q->slot_at[i] = slot;
    q->pos_of_slot[slot] = (uint32_t)i;
}

/* Move the hole at `i` up until `key` fits, then put (key, slot) there. */
static inline void sift_up(struct pes *q, size_t i, pes_key key, uint32_t slot)
{
    pes_key *k = q->keys;
    while (i > 0) {
        size_t p = parent_of(i);
        if (!(key < k[p]))
            break;
        place(q, i, k[p], q->slot_at[p]);
        i = p;
    }
    place(q, i, key, slot);
}

/* Move the hole at `i` down until `key` fits, then put (key, slot) there. */
static void sift_down(struct pes *q, size_t i, pes_key key, uint32_t slot)
{
    const pes_key *k = q->keys;
    size_t n = q->nr;
    for (;;) {
        size_t c = i * D + 1;
        if (c >= n)
            break;
        size_t m = min_child(k, c);
        if (!(k[m] < key))
            break;
        place(q, i, k[m], q->slot_at[m]);
        i = m;
    }
    place(q, i, key, slot);
}

/* Room for one more entry plus the D - 1 max-key padding entries a last node may read. */
static void grow(struct pes *q)
{
    size_t need = q->nr + D + 1;
    if (need <= q->alloc)
        return;
    size_t old = q->alloc;
    size_t alloc = old < 64 ? 64 : old + old / 2;
    while (alloc < need)
        alloc += alloc / 2;
    q->keys = xrealloc(q->keys, alloc * sizeof(*q->keys));
    q->slot_at = xrealloc(q->slot_at, alloc * sizeof(*q->slot_at));
    for (size_t i = old; i < alloc; i++)
        q->keys[i] = KEY_MAX;
    q->alloc = alloc;
}

void pes_reserve(struct pes *q, size_t nr_slots)
{
    pes_user_reserve(&q->user, &q->nr_user, nr_slots);
}

void pes_push(struct pes *q, sim_time at, uint64_t seq, uint32_t slot)
{
    if (slot >= q->nr_user)
        pes_reserve(q, (size_t)slot + 1);
    if (slot >= q->nr_slots) {
        ASG_ASSERT(slot != ABSENT);
        size_t old = q->nr_slots;
        ALLOC_GROW(q->pos_of_slot, (size_t)slot + 1, q->nr_slots);
        for (size_t i = old; i < q->nr_slots; i++)
            q->pos_of_slot[i] = ABSENT;
    }
    if (q->pos_of_slot[slot] != ABSENT)
        ASG_BUG("pes_push: slot %u is already queued", (unsigned)slot);
    if (q->nr + D + 1 > q->alloc) {
        /* Heap indexes are stored as uint32_t, with UINT32_MAX meaning "absent". */
        ASG_ASSERT(q->nr < ABSENT - D);
        grow(q);
    }
    sift_up(q, q->nr++, pack(at, seq), slot);
}

static void fill(const struct pes *q, size_t i, struct pes_entry *out)
{
    out->at = key_at(q->keys[i]);
    out->seq = (uint64_t)q->keys[i];
    out->slot = q->slot_at[i];
}

bool pes_peek(struct pes *q, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    fill(q, 0, out);
    return true;
}

/* Take the root out: Floyd's bottom-up sift, then the old last entry sifts up. */
static inline void pop_root(struct pes *q)
{
    pes_key *k = q->keys;
    uint32_t *s = q->slot_at;
    q->pos_of_slot[s[0]] = ABSENT;
    size_t n = --q->nr;
    pes_key last = k[n];
    uint32_t last_slot = s[n];
    k[n] = KEY_MAX;
    if (n == 0)
        return;
    size_t i = 0;
    for (;;) {
        size_t c = i * D + 1;
        if (c >= n)
            break;
        size_t m = min_child(k, c);
        /* The padding (and the vacated last index) holds KEY_MAX, never chosen over a real key
         * unless the whole group is padding, which c < n rules out. */
        place(q, i, k[m], s[m]);
        i = m;
    }
    sift_up(q, i, last, last_slot);
}

bool pes_pop(struct pes *q, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    fill(q, 0, out);
    pop_root(q);
    return true;
}

bool pes_pop_due(struct pes *q, sim_time end, struct pes_entry *out)
{
    if (!q->nr || q->keys[0] > pack(end, UINT64_MAX))
        return false;
    fill(q, 0, out);
    pop_root(q);
    return true;
}

uint32_t pes_hint(const struct pes *q)
{
    /* After a pop the new root is the next event; its record is what the engine needs. */
    return q->nr ? q->slot_at[0] : ABSENT;
}

bool pes_remove(struct pes *q, uint32_t slot)
{
    if (!pes_contains(q, slot))
        return false;
    size_t i = q->pos_of_slot[slot];
    q->pos_of_slot[slot] = ABSENT;
    size_t n = --q->nr;
    pes_key last = q->keys[n];
    uint32_t last_slot = q->slot_at[n];
    q->keys[n] = KEY_MAX;
    if (i == n)
        return true;
    if (i > 0 && last < q->keys[parent_of(i)])
        sift_up(q, i, last, last_slot);
    else
        sift_down(q, i, last, last_slot);
    return true;
}

bool pes_contains(const struct pes *q, uint32_t slot)
{
    return slot < q->nr_slots && q->pos_of_slot[slot] != ABSENT;
}

sim_time pes_time_of(const struct pes *q, uint32_t slot)
{
    if (!pes_contains(q, slot))
        ASG_BUG("pes_time_of: slot %u is not queued", (unsigned)slot);
    return key_at(q->keys[q->pos_of_slot[slot]]);
}

size_t pes_count(const struct pes *q)
{
    return q->nr;
}

void pes_check(const struct pes *q)
{
    size_t present = 0;
    for (size_t s = 0; s < q->nr_slots; s++)
        if (q->pos_of_slot[s] != ABSENT)
            present++;
    if (present != q->nr)
        ASG_BUG("pes_check: %zu slots present, %zu entries", present, q->nr);
    for (size_t i = 0; i < q->alloc; i++) {
        if (i >= q->nr) {
            if (q->keys[i] != KEY_MAX)
                ASG_BUG("pes_check: index %zu past the end is not padding", i);
            continue;
        }
        uint32_t s = q->slot_at[i];
        if (s >= q->nr_slots || q->pos_of_slot[s] != i)
            ASG_BUG("pes_check: slot %u at index %zu is not indexed there", (unsigned)s, i);
        if (i > 0 && q->keys[i] < q->keys[parent_of(i)])
            ASG_BUG("pes_check: index %zu is smaller than its parent", i);
    }
}

void pes_release(struct pes *q)
{
    free(q->user);
    free(q->keys);
    free(q->slot_at);
    free(q->pos_of_slot);
    *q = (struct pes){ 0 };
}

const char *pes_name(void)
{
#if ASGSIM_PES_HEAP_ARITY == 2
    return "heap2";
#elif ASGSIM_PES_HEAP_ARITY == 4
    return "heap4";
#else
    return "heap8";
#endif
}

#endif /* ASGSIM_PES_HEAP */
