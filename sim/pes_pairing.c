/*
 * pes_pairing.c - the pending-event set as a pairing heap (ASGSIM_PES=pairing), with the
 * usual two-pass merge on delete-min (Fredman, Sedgewick, Sleator & Tarjan 1986).
 *
 * Nodes live in an array indexed by slot, so a push allocates nothing once the array has
 * grown, and removal by slot needs no search: each node keeps its first child, its next
 * sibling and `prev`, which is its left sibling or, for a first child, its parent. Keys
 * are the packed 128-bit (at, seq) of pes.h, so ties are ordered exactly as in the heap.
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

#if defined(ASGSIM_PES_PAIRING)

#define NONE     UINT32_MAX
#define SIGN_BIT (UINT64_C(1) << 63)

struct pes_pairing_node {
    pes_key key;
    uint32_t child, sibling, prev;
    bool present;
};

static inline pes_key pack(sim_time at, uint64_t seq)
{
    return ((pes_key)((uint64_t)at ^ SIGN_BIT) << 64) | seq;
}

static inline sim_time key_at(pes_key k)
{
    return (sim_time)((uint64_t)(k >> 64) ^ SIGN_BIT);
}

/* Link two roots (neither has siblings or prev); the larger becomes the first child. */
static inline uint32_t meld(struct pes_pairing_node *n, uint32_t a, uint32_t b)
{
    if (n[b].key < n[a].key) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    n[b].prev = a;
    n[b].sibling = n[a].child;
    if (n[a].child != NONE)
        n[n[a].child].prev = b;
    n[a].child = b;
    return a;
}

/* Two-pass merge of the sibling list starting at `first`; returns the new root or NONE. */
static uint32_t merge_pairs(struct pes *q, uint32_t first)
{
    struct pes_pairing_node *n = q->node;
    size_t k = 0;
    /* First pass: meld pairs left to right, keeping the results in scratch. */
    for (uint32_t a = first; a != NONE;) {
        uint32_t b = n[a].sibling;
        uint32_t next = b != NONE ? n[b].sibling : NONE;
        n[a].sibling = n[a].prev = NONE;
        if (b != NONE) {
            n[b].sibling = n[b].prev = NONE;
            a = meld(n, a, b);
        }
        ALLOC_GROW(q->scratch, k + 1, q->alloc_scratch);
        q->scratch[k++] = a;
        a = next;
    }
    if (k == 0)
        return NONE;
    /* Second pass: right to left, meld each into the accumulated root. */
    uint32_t root = q->scratch[k - 1];
    while (k-- > 1)
        root = meld(n, q->scratch[k - 1], root);
    return root;
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
        ASG_ASSERT(slot != NONE);
        size_t old = q->nr_slots;
        ALLOC_GROW(q->node, (size_t)slot + 1, q->nr_slots);
        memset(&q->node[old], 0, (q->nr_slots - old) * sizeof(*q->node));
    }
    struct pes_pairing_node *x = &q->node[slot];
    if (x->present)
        ASG_BUG("pes_push: slot %u is already queued", (unsigned)slot);
    *x = (struct pes_pairing_node){ pack(at, seq), NONE, NONE, NONE, true };
    q->root = q->nr++ ? meld(q->node, q->root, slot) : slot;
}

static void fill(const struct pes *q, uint32_t slot, struct pes_entry *out)
{
    out->at = key_at(q->node[slot].key);
    out->seq = (uint64_t)q->node[slot].key;
    out->slot = slot;
}

bool pes_peek(struct pes *q, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    fill(q, q->root, out);
    return true;
}

static void pop_root(struct pes *q)
{
    uint32_t r = q->root;
    q->node[r].present = false;
    q->root = merge_pairs(q, q->node[r].child);
    q->nr--;
}

bool pes_pop(struct pes *q, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    fill(q, q->root, out);
    pop_root(q);
    return true;
}

bool pes_pop_due(struct pes *q, sim_time end, struct pes_entry *out)
{
    if (!q->nr || key_at(q->node[q->root].key) > end)
        return false;
    fill(q, q->root, out);
    pop_root(q);
    return true;
}

uint32_t pes_hint(const struct pes *q)
{
    /* The next minimum is one of the root's children; the first is the likeliest guess. */
    return q->nr ? q->node[q->root].child : NONE;
}

bool pes_remove(struct pes *q, uint32_t slot)
{
    if (!pes_contains(q, slot))
        return false;
    if (slot == q->root) {
        pop_root(q);
        return true;
    }
    struct pes_pairing_node *n = q->node;
    /* Cut the subtree out of its sibling list. */
    uint32_t p = n[slot].prev;
    if (n[p].child == slot)
        n[p].child = n[slot].sibling;
    else
        n[p].sibling = n[slot].sibling;
    if (n[slot].sibling != NONE)
        n[n[slot].sibling].prev = p;
    n[slot].present = false;
    q->nr--;
    uint32_t sub = merge_pairs(q, n[slot].child);
    if (sub != NONE)
        q->root = meld(n, q->root, sub);
    return true;
}

bool pes_contains(const struct pes *q, uint32_t slot)
{
    return slot < q->nr_slots && q->node[slot].present;
}

sim_time pes_time_of(const struct pes *q, uint32_t slot)
{
    if (!pes_contains(q, slot))
        ASG_BUG("pes_time_of: slot %u is not queued", (unsigned)slot);
    return key_at(q->node[slot].key);
}

size_t pes_count(const struct pes *q)
{
    return q->nr;
}

/* Count the subtree at `first` and its siblings, checking heap order and links. */
static size_t check_list(const struct pes *q, uint32_t parent, uint32_t first)
{
    size_t c = 0;
    uint32_t prev = parent;
    for (uint32_t s = first; s != NONE; prev = s, s = q->node[s].sibling) {
        const struct pes_pairing_node *x = &q->node[s];
        if (!x->present || x->prev != prev || x->key < q->node[parent].key)
            ASG_BUG("pes_check: node %u badly linked or ordered", (unsigned)s);
        c += 1 + check_list(q, s, x->child);
    }
    return c;
}

void pes_check(const struct pes *q)
{
    size_t present = 0;
    for (size_t s = 0; s < q->nr_slots; s++)
        present += q->node[s].present;
    size_t seen = 0;
    if (q->nr) {
        const struct pes_pairing_node *r = &q->node[q->root];
        if (!r->present || r->sibling != NONE)
            ASG_BUG("pes_check: bad root %u", (unsigned)q->root);
        seen = 1 + check_list(q, q->root, r->child);
    }
    if (seen != q->nr || present != q->nr)
        ASG_BUG("pes_check: %zu entries, %zu in the tree, %zu present", q->nr, seen, present);
}

void pes_release(struct pes *q)
{
    free(q->user);
    free(q->node);
    free(q->scratch);
    *q = (struct pes){ 0 };
}

const char *pes_name(void)
{
    return "pairing";
}

#endif /* ASGSIM_PES_PAIRING */
