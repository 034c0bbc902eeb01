/*
 * pes_ladder.c - the pending-event set as a ladder queue (ASGSIM_PES=ladder), after
 * Tang, Goh & Thng, "Ladder queue: an O(1) priority queue structure for large-scale
 * discrete event simulation", ACM TOMACS 15(3), 2005.
 *
 * Three tiers: `top`, an unsorted array of far-future events; `rungs`, arrays of buckets
 * (each an unsorted set) of ever finer width, each deeper rung covering one bucket of the
 * rung above; and `bottom`, a short sorted array the minimum is taken from. Events are
 * only sorted when their bucket reaches the bottom, so insertion and removal cost O(1)
 * amortised and touch little memory.
 *
 * Buckets hold (key, slot) items, not links through the nodes: a bucket is a chain of
 * fixed-size chunks (CHUNK_ITEMS items, two cache lines) taken from one pool shared by all
 * buckets, newest chunk first, and only that newest chunk may be partly filled. A push
 * writes one item at the tail of the newest chunk (its index follows from the bucket's
 * count, so the chunk is never read); sorting a bucket into the bottom reads a few
 * contiguous lines instead of chasing one node per event, and the nodes it must mark are
 * independent stores the processor overlaps. A removal moves the bucket's last item into
 * the hole and updates that item's node. Chunks go back to the pool when a bucket is
 * emptied, so memory is bounded by the peak number of pending events (at most one
 * partial chunk per non-empty bucket) and nothing is allocated once the pool has grown.
 *
 * Exact order: buckets are chosen by time alone, so events with equal times always share
 * a bucket and reach the bottom together, where they are sorted by the full (at, seq) key.
 * The FIFO-on-ties contract therefore holds exactly. Nodes live in an array indexed by
 * slot and know where they are (an index in top, a rung's bucket, chunk and index, or
 * bottom), so removal by slot is O(1) in top and rungs and a binary search plus a short
 * move in the bottom.
 *
 * An insert that lands before every rung goes into the bottom by binary search and a move
 * of the shorter side. As in the paper, a bottom that grows too long spawns a rung
 * (pes_ladder__bottom_spawn()): a rung planned from few events far apart (a queue of near-future
 * requests plus a sample minutes away) would otherwise leave the bottom holding every
 * near-future event, each insert a search and a move over all of them.
 *
 * This file is the interface: pushes (filing into a rung, the top or the bottom), pops
 * from the bottom, removal, queries and storage. pes_ladder_rungs.c plans and creates
 * rungs and moves buckets down (refilling the bottom); pes_ladder_check.c walks the
 * invariants; pes_ladder.h holds the layout and the steps they share.
 */
/*
 * Own header first (it must compile alone), banned.h last. madvise() is not POSIX: ask
 * for the BSD/Linux extensions before anything includes a system header.
 */
#define _DEFAULT_SOURCE 1
/* clang-format off */
#include "pes_ladder.h"

#include "asgsim/util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "asgsim/banned.h"
/* clang-format on */

#if defined(ASGSIM_PES_LADDER)

#define HUGE_BYTES ((size_t)2 << 20)

/*
 * Storage for the node array and the chunk pool: 64-byte aligned (a node or a chunk
 * must not straddle more lines than it fills), and from 2 MiB on, 2 MiB aligned and
 * advised for transparent huge pages. At PHOLD's size the two arrays span about 2 500
 * 4 KiB pages, more than the TLB holds, and every event touches a few of them at
 * random. Only speed depends on the advice being taken.
 */
static void *lines_alloc(size_t bytes)
{
    if (bytes < HUGE_BYTES)
        return aligned_alloc(64, (bytes + 63) / 64 * 64);
    size_t n = (bytes + HUGE_BYTES - 1) / HUGE_BYTES * HUGE_BYTES;
    void *p = aligned_alloc(HUGE_BYTES, n);
#if defined(MADV_HUGEPAGE)
    if (p)
        (void)madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}

/* Grow the chunk pool by half (rare, so kept out of the push path). */
__attribute__((noinline)) void pes_ladder__grow_chunks(struct pes *q)
{
    if (q->nr_chunks >= NONE)
        ASG_BUG("pes: more than %u bucket chunks", (unsigned)NONE - 1);
    size_t n = q->alloc_chunks < 64 ? 64 : q->alloc_chunks + q->alloc_chunks / 2;
    struct pes_ladder_chunk *p = lines_alloc(n * sizeof(*p));
    if (!p)
        ASG_BUG("pes: out of memory for %zu bucket chunks", n);
    if (q->nr_chunks)
        memcpy(p, q->chunk, q->nr_chunks * sizeof(*p));
    free(q->chunk);
    q->chunk = p;
    q->alloc_chunks = n;
}

/* Out of line: inlined, it made pes_push() save more registers on every path. */
static __attribute__((noinline)) void ring_push(struct pes *q, uint32_t slot, sim_time at)
{
    struct pes_ladder_rung *r = &q->rung[0];
    uint32_t b = (uint32_t)(((uint64_t)at - (uint64_t)r->start) >> r->shift);
    __builtin_prefetch(&r->b[b], 1);
    struct pes_ladder_node *n = &q->node[slot];
    n->where = W_RUNG;
    n->rung = 0;
    n->bucket = b;
    uint32_t p = q->ring_pos++ % PES_LADDER_RING;
    if (q->ring_nr == PES_LADDER_RING) {
        ring_file(q, q->ring[p]);
    } else {
        q->ring_nr++;
    }
    q->ring[p] = slot;
    if (q->ring_nr > PES_LADDER_RING / 2) {
        /* Halfway: the header is in; prefetch the line the item will go to. */
        uint32_t mid = q->ring[(q->ring_pos - 1 - PES_LADDER_RING / 2) % PES_LADDER_RING];
        const struct pes_ladder_bucket *bk = &r->b[q->node[mid].bucket];
        uint32_t i = bk->count % CHUNK_ITEMS;
        if (i)
            __builtin_prefetch(citem(&q->chunk[bk->head], i), 1);
    }
}

/* Take `slot`, filed at (chunk, idx) of bucket bk, out of it. */
static void bucket_remove(struct pes *q, struct pes_ladder_bucket *bk, uint32_t chunk, uint32_t idx)
{
    uint32_t h = bk->head;
    uint32_t last = head_items(bk->count) - 1;
    struct pes_ladder_chunk *hc = &q->chunk[h];
    if (h != chunk || last != idx) {
        /* Fill the hole with the bucket's last item. */
        const uint32_t *from = citem(hc, last);
        uint32_t moved = from[4];
        citem_set(citem(&q->chunk[chunk], idx), citem_key(from), moved);
        q->node[moved].pos = chunk;
        q->node[moved].idx = (uint8_t)idx;
    }
    bk->count--;
    if (last == 0) {
        bk->head = hc->w[CHUNK_NEXT];
        chunk_put(q, h);
    }
}

/* First index in the bottom whose key is greater than `key`. */
static size_t bottom_upper(const struct pes *q, pes_key key)
{
    size_t lo = q->bottom_head, hi = q->bottom_nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (q->bottom[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void bottom_insert(struct pes *q, pes_key key, uint32_t slot)
{
    if (q->bottom_nr - q->bottom_head <= SMALL_SORT) {
        /* A short bottom (the usual one): one insertion-sort step from the back beats a
           binary search and a call to memmove. */
        ALLOC_GROW(q->bottom, q->bottom_nr + 1, q->bottom_alloc);
        size_t i = q->bottom_nr++;
        for (; i > q->bottom_head && q->bottom[i - 1].key > key; i--)
            q->bottom[i] = q->bottom[i - 1];
        q->bottom[i] = (struct pes_ladder_item){ key, slot };
        q->node[slot].where = W_BOTTOM;
        return;
    }
    size_t i = bottom_upper(q, key);
    if (q->bottom_head > 0 && i - q->bottom_head < q->bottom_nr - i) {
        /* Closer to the front: shift the front part left into the consumed space. */
        memmove(&q->bottom[q->bottom_head - 1], &q->bottom[q->bottom_head],
                (i - q->bottom_head) * sizeof(*q->bottom));
        q->bottom_head--;
        i--;
    } else {
        ALLOC_GROW(q->bottom, q->bottom_nr + 1, q->bottom_alloc);
        memmove(&q->bottom[i + 1], &q->bottom[i], (q->bottom_nr - i) * sizeof(*q->bottom));
        q->bottom_nr++;
    }
    q->bottom[i] = (struct pes_ladder_item){ key, slot };
    q->node[slot].where = W_BOTTOM;
}

void pes_reserve(struct pes *q, size_t nr_slots)
{
    if (nr_slots <= q->nr_slots)
        return;
    size_t old = q->nr_slots, n = old < 64 ? 64 : old + old / 2;
    if (n < nr_slots)
        n = nr_slots;
    struct pes_ladder_node *p = lines_alloc(n * sizeof(*p));
    if (!p)
        ASG_BUG("pes: out of memory for %zu nodes", n);
    if (old)
        memcpy(p, q->node, old * sizeof(*p));
    memset(&p[old], 0, (n - old) * sizeof(*p));
    free(q->node);
    q->node = p;
    q->nr_slots = n;
}

/* Grow the node array to hold `slot` (rare, so kept out of pes_push's fast path). */
static __attribute__((noinline)) void grow_nodes(struct pes *q, uint32_t slot)
{
    ASG_ASSERT(slot != NONE);
    pes_reserve(q, (size_t)slot + 1);
}

/* File a push that does not land in the first rung: the top, a deeper rung or the bottom. */
static __attribute__((noinline)) void push_slow(struct pes *q, sim_time at, uint32_t slot,
                                                pes_key key)
{
    struct pes_ladder_node *n = &q->node[slot];
    /* With nothing in rungs or bottom, everything may go to the top. */
    if (q->nr_rungs == 0 && q->bottom_head == q->bottom_nr)
        q->top_start = INT64_MIN;
    if (at >= q->top_start) {
        if (q->top_nr == 0 || at < q->top_min)
            q->top_min = at;
        if (q->top_nr == 0 || at > q->top_max)
            q->top_max = at;
        ALLOC_GROW(q->top, q->top_nr + 1, q->top_alloc);
        q->top[q->top_nr] = (struct pes_ladder_item){ key, slot };
        n->where = W_TOP;
        n->pos = (uint32_t)q->top_nr++;
        return;
    }
    for (size_t ri = 0; ri < q->nr_rungs; ri++) {
        if ((wide)at >= q->rung[ri].lo) {
            rung_insert(q, ri, slot, key);
            return;
        }
    }
    size_t limit = q->bottom_limit > BOTTOM_SPAWN ? q->bottom_limit : BOTTOM_SPAWN;
    if (q->bottom_nr - q->bottom_head >= limit && pes_ladder__bottom_spawn(q) &&
        (wide)at >= q->rung[q->nr_rungs - 1].lo) {
        rung_insert(q, q->nr_rungs - 1, slot, key);
        return;
    }
    bottom_insert(q, key, slot);
}

void pes_push(struct pes *q, sim_time at, uint64_t seq, uint32_t slot)
{
    if (slot >= q->nr_slots)
        grow_nodes(q, slot);
    struct pes_ladder_node *n = &q->node[slot];
    if (n->where != W_ABSENT)
        ASG_BUG("pes_push: slot %u is already queued", (unsigned)slot);
    pes_key key = pack(at, seq);
    n->key = key;
    q->nr++;
    /* The common case: between the first rung's current bucket and the top. */
    if (q->nr_rungs && at < q->top_start && (wide)at >= q->rung[0].lo) {
        /* Smaller queues mostly stay in cache: filing at once is cheaper there. */
        if (q->nr < RING_FROM && q->ring_nr == 0)
            rung_insert(q, 0, slot, key);
        else
            ring_push(q, slot, at);
        return;
    }
    push_slow(q, at, slot, key);
}

static void fill(const struct pes_ladder_item *it, struct pes_entry *out)
{
    out->at = key_at(it->key);
    out->seq = (uint64_t)it->key;
    out->slot = it->slot;
}

bool pes_peek(struct pes *q, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    pes_ladder__refill(q);
    fill(&q->bottom[q->bottom_head], out);
    return true;
}

/*
 * A wide bucket is a chain of a dozen chunks, and sorting it into the bottom would wait
 * on each link in turn. Instead, every other pop follows one link of the next bucket's
 * chain (whose chunk the previous step prefetched) and prefetches the chunk it names, so
 * the chain is in cache when its turn comes. The chunk may have been freed or reused
 * meanwhile; then this only prefetches a useless line (indexes stay below nr_chunks).
 */
static inline void advance_prefetch(struct pes *q)
{
    uint32_t c = q->pf_chunk;
    if (c >= q->nr_chunks || (q->bottom_head & 1))
        return;
    uint32_t n = q->chunk[c].w[CHUNK_NEXT];
    if (n < q->nr_chunks) {
        __builtin_prefetch(&q->chunk[n]);
        __builtin_prefetch(&q->chunk[n].w[16]);
    } else {
        n = NONE;
    }
    q->pf_chunk = n;
}

static inline void take_min(struct pes *q, struct pes_entry *out)
{
    const struct pes_ladder_item *it = &q->bottom[q->bottom_head++];
    fill(it, out);
    q->node[it->slot].where = W_ABSENT;
    q->nr--;
    if (q->bottom_nr - q->bottom_head < HINT_AHEAD && q->nr_rungs && q->nr >= TOPUP_FROM)
        pes_ladder__top_up(q);
    advance_prefetch(q);
    /*
     * The node of the event HINT_AHEAD pops ahead is written when it is popped (and, in a
     * hold-like model, again when its slot is pushed straight back): load it now.
     */
    size_t ahead = q->bottom_head + HINT_AHEAD - 1;
    if (ahead < q->bottom_nr)
        __builtin_prefetch(&q->node[q->bottom[ahead].slot], 1);
}

bool pes_pop(struct pes *q, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    if (q->bottom_head == q->bottom_nr)
        pes_ladder__refill(q);
    take_min(q, out);
    return true;
}

bool pes_pop_due(struct pes *q, sim_time end, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    if (q->bottom_head == q->bottom_nr)
        pes_ladder__refill(q);
    if (key_at(q->bottom[q->bottom_head].key) > end)
        return false;
    take_min(q, out);
    return true;
}

uint32_t pes_hint(const struct pes *q)
{
    /* HINT_AHEAD pops ahead: far enough for the prefetch to land in time. */
    size_t i = q->bottom_head + HINT_AHEAD - 1;
    return i < q->bottom_nr ? q->bottom[i].slot : NONE;
}

bool pes_remove(struct pes *q, uint32_t slot)
{
    if (!pes_contains(q, slot))
        return false;
    ring_flush(q);
    struct pes_ladder_node *n = &q->node[slot];
    switch (n->where) {
    case W_TOP: {
        /* Fill the hole with the last item; top_min/top_max stay as loose bounds. */
        uint32_t i = n->pos;
        struct pes_ladder_item last = q->top[--q->top_nr];
        if (last.slot != slot) {
            q->top[i] = last;
            q->node[last.slot].pos = i;
        }
        break;
    }
    case W_RUNG:
        if (n->rung >= q->nr_rungs)
            ASG_BUG("pes_remove: slot %u names dead rung %u", (unsigned)slot, (unsigned)n->rung);
        if (!in_bottom(q, n)) {
            bucket_remove(q, &q->rung[n->rung].b[n->bucket], n->pos, n->idx);
            break;
        }
        /* Sorted into the bottom already. The attribute, not a comment: clang (the fuzz
           build) honours only the attribute under -Wimplicit-fallthrough. */
        __attribute__((fallthrough));
    case W_BOTTOM: {
        size_t i = bottom_upper(q, n->key);
        ASG_ASSERT(i < q->bottom_nr && q->bottom[i].slot == slot);
        memmove(&q->bottom[i], &q->bottom[i + 1], (q->bottom_nr - i - 1) * sizeof(*q->bottom));
        q->bottom_nr--;
        break;
    }
    default:
        ASG_BUG("pes_remove: slot %u in unknown place %d", (unsigned)slot, n->where);
    }
    n->where = W_ABSENT;
    q->nr--;
    if (q->nr == 0) {
        /* Start afresh so stale bounds cannot skew the next rung (every bucket is empty). */
        q->nr_rungs = 0;
        q->bottom_head = q->bottom_nr = 0;
        q->top_nr = 0;
    }
    return true;
}

bool pes_contains(const struct pes *q, uint32_t slot)
{
    return slot < q->nr_slots && q->node[slot].where != W_ABSENT;
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

void pes_release(struct pes *q)
{
    for (size_t i = 0; i < q->alloc_rungs; i++)
        free(q->rung[i].b);
    free(q->rung);
    free(q->node);
    free(q->top);
    free(q->chunk);
    free(q->bottom);
    free(q->sort_key);
    free(q->sort_item);
    *q = (struct pes){ 0 };
}

const char *pes_name(void)
{
    return "ladder";
}

#endif /* ASGSIM_PES_LADDER */
