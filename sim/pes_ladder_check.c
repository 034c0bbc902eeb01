/*
 * pes_ladder_check.c - pes_check() for the ladder queue: walk the bottom, every bucket of
 * every rung (live or not), the top, the push ring and the chunk pool, and abort on the
 * first broken invariant. For tests; nothing on the event path calls it.
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "pes_ladder.h"

#include "asgsim/util.h"

#include <stddef.h>
#include <stdint.h>

#include "asgsim/banned.h"
/* clang-format on */

#if defined(ASGSIM_PES_LADDER)

/* Walk one bucket's chunks; returns the number of chunks it owns. */
static size_t check_bucket(const struct pes *q, size_t ri, size_t b, wide floor)
{
    const struct pes_ladder_rung *r = &q->rung[ri];
    const struct pes_ladder_bucket *bk = &r->b[b];
    if (bk->count == 0)
        return 0;
    if (ri >= q->nr_rungs || b < r->cur || b >= r->nb)
        ASG_BUG("pes_check: rung %zu bucket %zu holds %u items outside the live range", ri, b,
                (unsigned)bk->count);
    size_t seen = 0, chunks = 0;
    uint32_t k = head_items(bk->count);
    for (uint32_t ch = bk->head; ch != NONE;
         ch = q->chunk[ch].w[CHUNK_NEXT], k = CHUNK_ITEMS, chunks++) {
        if (ch >= q->nr_chunks || chunks > bk->count)
            ASG_BUG("pes_check: rung %zu bucket %zu has a broken chunk chain", ri, b);
        const struct pes_ladder_chunk *cp = &q->chunk[ch];
        for (uint32_t j = 0; j < k; j++, seen++) {
            const uint32_t *it = citem_c(cp, j);
            uint32_t s = it[4];
            if (s >= q->nr_slots)
                ASG_BUG("pes_check: rung %zu bucket %zu holds slot %u out of range", ri, b,
                        (unsigned)s);
            const struct pes_ladder_node *n = &q->node[s];
            wide at = key_at(citem_key(it));
            if (n->where != W_RUNG || n->rung != ri || n->bucket != b || n->pos != ch ||
                n->idx != j || n->key != citem_key(it))
                ASG_BUG("pes_check: slot %u misfiled in rung %zu bucket %zu", (unsigned)s, ri, b);
            if (at < (wide)r->start + (wide)b * (wide)r->width ||
                at >= (wide)r->start + (wide)(b + 1) * (wide)r->width || at < floor)
                ASG_BUG("pes_check: slot %u out of range in rung %zu", (unsigned)s, ri);
        }
    }
    if (seen != bk->count)
        ASG_BUG("pes_check: rung %zu bucket %zu counts %u, holds %zu", ri, b, (unsigned)bk->count,
                seen);
    return chunks;
}

void pes_check(const struct pes *q)
{
    size_t seen = 0, chunks = 0;
    /* Bottom: sorted, each entry's node says bottom. */
    for (size_t i = q->bottom_head; i < q->bottom_nr; i++, seen++) {
        uint32_t s = q->bottom[i].slot;
        if (!in_bottom(q, &q->node[s]) || q->node[s].key != q->bottom[i].key)
            ASG_BUG("pes_check: bottom entry %zu disagrees with its node", i);
        if (i > q->bottom_head && !(q->bottom[i - 1].key < q->bottom[i].key))
            ASG_BUG("pes_check: bottom not sorted at %zu", i);
    }
    /*
     * Rungs, deepest first: every event in range and not before an earlier tier's. Every
     * bucket of every rung, live or not, is checked, so an unused bucket holding items
     * (which a reused rung would inherit) is caught.
     */
    wide floor = q->bottom_head < q->bottom_nr ? (wide)key_at(q->bottom[q->bottom_nr - 1].key)
                                               : (wide)INT64_MIN;
    for (size_t ri = q->alloc_rungs; ri-- > 0;) {
        const struct pes_ladder_rung *r = &q->rung[ri];
        for (size_t b = 0; b < r->alloc; b++) {
            chunks += check_bucket(q, ri, b, floor);
            seen += r->b[b].count;
        }
        if (ri < q->nr_rungs) {
            if (r->lo != cur_start(r))
                ASG_BUG("pes_check: rung %zu has a stale start of its current bucket", ri);
            /* A rung ends where the one above starts, or (pes_ladder__bottom_spawn()) within a
               bucket after: events of the rung above are at or after its own start. */
            floor = cur_start(r);
            if (ri > 0 && q->rung[ri - 1].lo < floor)
                floor = q->rung[ri - 1].lo;
        }
    }
    for (size_t i = 0; i < q->top_nr; i++) {
        uint32_t s = q->top[i].slot;
        if (s >= q->nr_slots)
            ASG_BUG("pes_check: top slot %u out of range", (unsigned)s);
        const struct pes_ladder_node *n = &q->node[s];
        if (n->where != W_TOP || n->pos != i || n->key != q->top[i].key ||
            key_at(n->key) < q->top_start)
            ASG_BUG("pes_check: top slot %u misfiled", (unsigned)s);
    }
    seen += q->top_nr;
    /* The push ring: slots waiting to be filed into the first rung, in range of it. */
    if (q->ring_nr > PES_LADDER_RING || (q->ring_nr && q->nr_rungs == 0))
        ASG_BUG("pes_check: %u slots in the push ring", (unsigned)q->ring_nr);
    for (uint32_t i = q->ring_nr; i > 0; i--) {
        uint32_t s = q->ring[(q->ring_pos - i) % PES_LADDER_RING];
        if (s >= q->nr_slots)
            ASG_BUG("pes_check: ring slot %u out of range", (unsigned)s);
        const struct pes_ladder_node *n = &q->node[s];
        const struct pes_ladder_rung *r = &q->rung[0];
        wide at = key_at(n->key);
        if (n->where != W_RUNG || n->rung != 0 || at < r->lo || at >= q->top_start ||
            n->bucket != (uint32_t)(((uint64_t)at - (uint64_t)r->start) >> r->shift))
            ASG_BUG("pes_check: ring slot %u misfiled", (unsigned)s);
    }
    seen += q->ring_nr;
    /* Every chunk is either in exactly one bucket or free. */
    size_t free_seen = 0;
    for (uint32_t ch = q->free_chunk; free_seen < q->nr_free_chunks;
         ch = q->chunk[ch].w[CHUNK_NEXT]) {
        if (ch >= q->nr_chunks)
            ASG_BUG("pes_check: broken free-chunk list");
        free_seen++;
    }
    if (chunks + q->nr_free_chunks != q->nr_chunks)
        ASG_BUG("pes_check: %zu chunks in buckets + %zu free != %zu in the pool", chunks,
                q->nr_free_chunks, q->nr_chunks);
    size_t present = 0;
    for (size_t s = 0; s < q->nr_slots; s++)
        present += q->node[s].where != W_ABSENT;
    if (seen != q->nr || present != q->nr)
        ASG_BUG("pes_check: %zu entries, %zu filed, %zu present", q->nr, seen, present);
}

#endif /* ASGSIM_PES_LADDER */
