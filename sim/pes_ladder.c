/*
 * pes_ladder.c - the pending-event set as a ladder queue (ASGSIM_PES=ladder), after
 * Tang, Goh & Thng, "Ladder queue: an O(1) priority queue structure for large-scale
 * discrete event simulation", ACM TOMACS 15(3), 2005.
 *
 * Three tiers: `top`, an unsorted list of far-future events; `rungs`, arrays of buckets
 * (each an unsorted list) of ever finer width, each deeper rung covering one bucket of the
 * rung above; and `bottom`, a short sorted array the minimum is taken from. Events are
 * only sorted when their bucket reaches the bottom, so insertion and removal cost O(1)
 * amortised and touch little memory.
 *
 * Exact order: buckets are chosen by time alone, so events with equal times always share
 * a bucket and reach the bottom together, where they are sorted by the full (at, seq) key.
 * The FIFO-on-ties contract therefore holds exactly. Nodes live in an array indexed by
 * slot and know where they are (top, a rung's bucket, or bottom), so removal by slot is
 * O(1) in top and rungs and a binary search plus a short move in the bottom.
 *
 * Simplification of the paper: the bottom never spawns a rung when it grows; an insert
 * that lands before every rung goes into the bottom by binary search and a move of the
 * shorter side, which stays cheap as long as most inserts land in the future (the usual
 * case in a simulation).
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "asgsim/pes.h"

#include "asgsim/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"
/* clang-format on */

#if defined(ASGSIM_PES_LADDER)

#define NONE     UINT32_MAX
#define SIGN_BIT (UINT64_C(1) << 63)
/* A bucket with more events than this is split into a new rung rather than sorted. */
#define THRES     50u
#define MAX_RUNGS 10u

__extension__ typedef __int128 wide;

enum where { W_ABSENT, W_TOP, W_RUNG, W_BOTTOM };

struct pes_ladder_node {
    pes_key key;
    uint32_t next, prev; /* list links in top or in a bucket */
    uint32_t bucket;
    uint16_t rung;
    uint8_t where;
};

struct pes_ladder_rung {
    sim_time start;  /* time of bucket 0 */
    uint64_t width;  /* time units per bucket, >= 1 */
    size_t nb, cur;  /* buckets; every bucket before cur is consumed and empty */
    uint32_t *head;  /* per bucket */
    uint32_t *count; /* per bucket */
    size_t alloc;
};

struct pes_ladder_item {
    pes_key key;
    uint32_t slot;
};

static inline pes_key pack(sim_time at, uint64_t seq)
{
    return ((pes_key)((uint64_t)at ^ SIGN_BIT) << 64) | seq;
}

static inline sim_time key_at(pes_key k)
{
    return (sim_time)((uint64_t)(k >> 64) ^ SIGN_BIT);
}

/* Start time of the rung's current bucket, in wide arithmetic (it may pass INT64_MAX). */
static inline wide cur_start(const struct pes_ladder_rung *r)
{
    return (wide)r->start + (wide)r->cur * (wide)r->width;
}

static inline void list_push(struct pes *q, uint32_t *head, uint32_t slot)
{
    struct pes_ladder_node *n = &q->node[slot];
    n->prev = NONE;
    n->next = *head;
    if (*head != NONE)
        q->node[*head].prev = slot;
    *head = slot;
}

static inline void list_unlink(struct pes *q, uint32_t *head, uint32_t slot)
{
    struct pes_ladder_node *n = &q->node[slot];
    if (n->prev != NONE)
        q->node[n->prev].next = n->next;
    else
        *head = n->next;
    if (n->next != NONE)
        q->node[n->next].prev = n->prev;
}

static inline void rung_insert(struct pes *q, size_t ri, uint32_t slot, sim_time at)
{
    struct pes_ladder_rung *r = &q->rung[ri];
    size_t b = (size_t)(((uint64_t)at - (uint64_t)r->start) / r->width);
    struct pes_ladder_node *n = &q->node[slot];
    n->where = W_RUNG;
    n->rung = (uint16_t)ri;
    n->bucket = (uint32_t)b;
    list_push(q, &r->head[b], slot);
    r->count[b]++;
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

void pes_push(struct pes *q, sim_time at, uint64_t seq, uint32_t slot)
{
    if (slot >= q->nr_slots) {
        ASG_ASSERT(slot != NONE);
        size_t old = q->nr_slots;
        ALLOC_GROW(q->node, (size_t)slot + 1, q->nr_slots);
        memset(&q->node[old], 0, (q->nr_slots - old) * sizeof(*q->node));
    }
    struct pes_ladder_node *n = &q->node[slot];
    if (n->where != W_ABSENT)
        ASG_BUG("pes_push: slot %u is already queued", (unsigned)slot);
    n->key = pack(at, seq);
    q->nr++;
    /* With nothing in rungs or bottom, everything may go to the top. */
    if (q->nr_rungs == 0 && q->bottom_head == q->bottom_nr)
        q->top_start = INT64_MIN;
    if (at >= q->top_start) {
        if (q->top_nr == 0 || at < q->top_min)
            q->top_min = at;
        if (q->top_nr == 0 || at > q->top_max)
            q->top_max = at;
        if (q->top_nr++ == 0)
            q->top_head = NONE; /* a zeroed queue has head 0 */
        n->where = W_TOP;
        list_push(q, &q->top_head, slot);
        return;
    }
    for (size_t ri = 0; ri < q->nr_rungs; ri++) {
        if ((wide)at >= cur_start(&q->rung[ri])) {
            rung_insert(q, ri, slot, at);
            return;
        }
    }
    bottom_insert(q, n->key, slot);
}

/* Size a rung's bucket arrays for nb buckets, all empty. */
static struct pes_ladder_rung *rung_new(struct pes *q, sim_time start, uint64_t width, size_t nb)
{
    if (!q->rung) {
        q->rung = xcalloc(MAX_RUNGS, sizeof(*q->rung));
        q->alloc_rungs = MAX_RUNGS;
    }
    ASG_ASSERT(q->nr_rungs < MAX_RUNGS);
    struct pes_ladder_rung *r = &q->rung[q->nr_rungs];
    if (nb > r->alloc) {
        r->head = xrealloc(r->head, nb * sizeof(*r->head));
        r->count = xrealloc(r->count, nb * sizeof(*r->count));
        r->alloc = nb;
    }
    memset(r->head, 0xff, nb * sizeof(*r->head));
    memset(r->count, 0, nb * sizeof(*r->count));
    r->start = start;
    r->width = width;
    r->nb = nb;
    r->cur = 0;
    q->nr_rungs++;
    return r;
}

/* Bucket width and count covering [lo, hi] with about n buckets. */
static void plan(sim_time lo, sim_time hi, size_t n, uint64_t *width, size_t *nb)
{
    pes_key range = (pes_key)((wide)hi - (wide)lo + 1);
    pes_key w = (range + n - 1) / n;
    if (w == 0)
        w = 1;
    if (w > SIGN_BIT)
        w = SIGN_BIT;
    *width = (uint64_t)w;
    *nb = (size_t)((range + w - 1) / w);
}

/* Move the whole top into a new first rung. */
static void top_to_rung(struct pes *q)
{
    uint64_t width;
    size_t nb;
    plan(q->top_min, q->top_max, q->top_nr, &width, &nb);
    rung_new(q, q->top_min, width, nb);
    for (uint32_t s = q->top_head, next; s != NONE; s = next) {
        next = q->node[s].next;
        rung_insert(q, 0, s, key_at(q->node[s].key));
    }
    wide end = (wide)q->top_min + (wide)nb * (wide)width;
    q->top_start = end > INT64_MAX ? INT64_MAX : (sim_time)end;
    q->top_head = NONE;
    q->top_nr = 0;
}

static int item_cmp(const void *a, const void *b)
{
    pes_key x = ((const struct pes_ladder_item *)a)->key;
    pes_key y = ((const struct pes_ladder_item *)b)->key;
    return (x > y) - (x < y);
}

/* Sort the list at *head (c entries) into the (empty) bottom. */
static void bucket_to_bottom(struct pes *q, uint32_t head, size_t c)
{
    q->bottom_head = q->bottom_nr = 0;
    ALLOC_GROW(q->bottom, c, q->bottom_alloc);
    struct pes_ladder_item *b = q->bottom;
    size_t i = 0;
    for (uint32_t s = head; s != NONE; s = q->node[s].next) {
        q->node[s].where = W_BOTTOM;
        b[i++] = (struct pes_ladder_item){ q->node[s].key, s };
    }
    ASG_ASSERT(i == c);
    q->bottom_nr = c;
    if (c > 24) {
        qsort(b, c, sizeof(*b), item_cmp);
        return;
    }
    for (size_t k = 1; k < c; k++) {
        struct pes_ladder_item x = b[k];
        size_t j = k;
        for (; j > 0 && x.key < b[j - 1].key; j--)
            b[j] = b[j - 1];
        b[j] = x;
    }
}

/* Make the bottom non-empty (the queue must not be empty). */
static void refill(struct pes *q)
{
    while (q->bottom_head == q->bottom_nr) {
        if (q->nr_rungs == 0) {
            ASG_ASSERT(q->top_nr > 0);
            top_to_rung(q);
        }
        struct pes_ladder_rung *r = &q->rung[q->nr_rungs - 1];
        while (r->cur < r->nb && r->count[r->cur] == 0)
            r->cur++;
        if (r->cur == r->nb) {
            q->nr_rungs--; /* keeps its arrays for reuse */
            continue;
        }
        size_t b = r->cur++;
        uint32_t head = r->head[b];
        uint32_t c = r->count[b];
        r->head[b] = NONE;
        r->count[b] = 0;
        if (c > THRES && r->width > 1 && q->nr_rungs < MAX_RUNGS) {
            sim_time lo = (sim_time)((wide)r->start + (wide)b * (wide)r->width);
            wide hi = (wide)lo + (wide)r->width - 1;
            uint64_t width;
            size_t nb;
            plan(lo, hi > INT64_MAX ? INT64_MAX : (sim_time)hi, c, &width, &nb);
            rung_new(q, lo, width, nb);
            size_t ri = q->nr_rungs - 1;
            for (uint32_t s = head, next; s != NONE; s = next) {
                next = q->node[s].next;
                rung_insert(q, ri, s, key_at(q->node[s].key));
            }
            continue;
        }
        bucket_to_bottom(q, head, c);
        /*
         * Buckets of a fresh rung hold about one event each, so the next refill will walk
         * the next non-empty bucket: start loading its first node now (a cache miss at
         * large sizes that would otherwise stall the next pop).
         */
        for (size_t k = r->cur, lim = r->cur + 4 < r->nb ? r->cur + 4 : r->nb; k < lim; k++) {
            if (r->count[k]) {
                __builtin_prefetch(&q->node[r->head[k]]);
                break;
            }
        }
    }
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
    refill(q);
    fill(&q->bottom[q->bottom_head], out);
    return true;
}

static inline void take_min(struct pes *q, struct pes_entry *out)
{
    const struct pes_ladder_item *it = &q->bottom[q->bottom_head++];
    fill(it, out);
    q->node[it->slot].where = W_ABSENT;
    q->nr--;
}

bool pes_pop(struct pes *q, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    if (q->bottom_head == q->bottom_nr)
        refill(q);
    take_min(q, out);
    return true;
}

bool pes_pop_due(struct pes *q, sim_time end, struct pes_entry *out)
{
    if (!q->nr)
        return false;
    if (q->bottom_head == q->bottom_nr)
        refill(q);
    if (key_at(q->bottom[q->bottom_head].key) > end)
        return false;
    take_min(q, out);
    return true;
}

uint32_t pes_hint(const struct pes *q)
{
    /* Two ahead in the sorted bottom: far enough for the prefetch to land in time. */
    size_t i = q->bottom_head + 1;
    return i < q->bottom_nr ? q->bottom[i].slot : NONE;
}

bool pes_remove(struct pes *q, uint32_t slot)
{
    if (!pes_contains(q, slot))
        return false;
    struct pes_ladder_node *n = &q->node[slot];
    switch (n->where) {
    case W_TOP:
        list_unlink(q, &q->top_head, slot);
        q->top_nr--; /* top_min/top_max stay as bounds; they need not be tight */
        break;
    case W_RUNG: {
        struct pes_ladder_rung *r = &q->rung[n->rung];
        list_unlink(q, &r->head[n->bucket], slot);
        r->count[n->bucket]--;
        break;
    }
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
        /* Start afresh so stale bounds cannot skew the next rung. */
        q->nr_rungs = 0;
        q->bottom_head = q->bottom_nr = 0;
        q->top_head = NONE;
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

void pes_check(const struct pes *q)
{
    size_t seen = 0;
    /* Bottom: sorted, each entry's node says bottom. */
    for (size_t i = q->bottom_head; i < q->bottom_nr; i++, seen++) {
        uint32_t s = q->bottom[i].slot;
        if (q->node[s].where != W_BOTTOM || q->node[s].key != q->bottom[i].key)
            ASG_BUG("pes_check: bottom entry %zu disagrees with its node", i);
        if (i > q->bottom_head && !(q->bottom[i - 1].key < q->bottom[i].key))
            ASG_BUG("pes_check: bottom not sorted at %zu", i);
    }
    /* Rungs, deepest first: every event in range and not before an earlier tier's. */
    wide floor = q->bottom_head < q->bottom_nr ? (wide)key_at(q->bottom[q->bottom_nr - 1].key)
                                               : (wide)INT64_MIN;
    for (size_t ri = q->nr_rungs; ri-- > 0;) {
        const struct pes_ladder_rung *r = &q->rung[ri];
        for (size_t b = 0; b < r->nb; b++) {
            size_t c = 0;
            for (uint32_t s = r->head[b]; s != NONE; s = q->node[s].next, c++) {
                const struct pes_ladder_node *n = &q->node[s];
                wide at = key_at(n->key);
                if (n->where != W_RUNG || n->rung != ri || n->bucket != b)
                    ASG_BUG("pes_check: slot %u misfiled in rung %zu bucket %zu", (unsigned)s, ri,
                            b);
                if (b < r->cur || at < (wide)r->start + (wide)b * (wide)r->width ||
                    at >= (wide)r->start + (wide)(b + 1) * (wide)r->width || at < floor)
                    ASG_BUG("pes_check: slot %u out of range in rung %zu", (unsigned)s, ri);
            }
            if (c != r->count[b])
                ASG_BUG("pes_check: rung %zu bucket %zu counts %u, holds %zu", ri, b,
                        (unsigned)r->count[b], c);
            seen += c;
        }
        floor = cur_start(r);
    }
    size_t c = 0;
    for (uint32_t s = q->top_nr ? q->top_head : NONE; s != NONE; s = q->node[s].next, c++) {
        const struct pes_ladder_node *n = &q->node[s];
        if (n->where != W_TOP || key_at(n->key) < q->top_start)
            ASG_BUG("pes_check: top slot %u misfiled", (unsigned)s);
    }
    if (c != q->top_nr)
        ASG_BUG("pes_check: top counts %zu, holds %zu", q->top_nr, c);
    seen += c;
    size_t present = 0;
    for (size_t s = 0; s < q->nr_slots; s++)
        present += q->node[s].where != W_ABSENT;
    if (seen != q->nr || present != q->nr)
        ASG_BUG("pes_check: %zu entries, %zu filed, %zu present", q->nr, seen, present);
}

void pes_release(struct pes *q)
{
    for (size_t i = 0; i < q->alloc_rungs; i++) {
        free(q->rung[i].head);
        free(q->rung[i].count);
    }
    free(q->rung);
    free(q->node);
    free(q->bottom);
    *q = (struct pes){ 0 };
    q->top_head = NONE;
}

const char *pes_name(void)
{
    return "ladder";
}

#endif /* ASGSIM_PES_LADDER */
