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
 * (bottom_spawn()): a rung planned from few events far apart (a queue of near-future
 * requests plus a sample minutes away) would otherwise leave the bottom holding every
 * near-future event, each insert a search and a move over all of them.
 */
/*
 * Own header first (it must compile alone), banned.h last. madvise() is not POSIX: ask
 * for the BSD/Linux extensions before anything includes a system header.
 */
#define _DEFAULT_SOURCE 1
/* clang-format off */
#include "pes.h"

#include "asgsim/util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "asgsim/banned.h"
/* clang-format on */

#if defined(ASGSIM_PES_LADDER)

#define NONE     UINT32_MAX
#define SIGN_BIT (UINT64_C(1) << 63)
/*
 * A bucket with more events than this is split into a new rung rather than sorted: 400
 * for wide buckets (bucket_events()), the paper's 50 below WIDE_FROM, where buckets aim
 * at two events and a crowded one means its rung was planned from too few events.
 */
#define THRES       400u
#define THRES_SMALL 50u
/* A bottom grown by inserts to this many events (and twice its size when last filled)
   spawns a rung: see bottom_spawn(). */
#define BOTTOM_SPAWN 64u
#define MAX_RUNGS    10u
/* From this many pending events on, a new rung gets wide buckets (bucket_events()). */
#define WIDE_FROM 4096u
/*
 * From this many pending events on, pushes into the first rung go through the push
 * ring (ring_push()). It costs about 50 instructions a push, which pays only once the
 * buckets' lines are cache misses: it measured a loss for hold at 10^4 pending and a
 * gain of a fifth for PHOLD (80 000 pending).
 */
#define RING_FROM 32768u
/* Buckets of up to this many events are sorted by plain insertion sort. */
#define SMALL_SORT 16u
/* Items per chunk: 6 items of 20 bytes + a link fill two cache lines. */
#define CHUNK_ITEMS 6u
/* pes_hint() names the event this many pops after the one just taken. */
#define HINT_AHEAD 5u
/*
 * From this many pending events on, the bottom is topped up to HINT_AHEAD events so the
 * hint reaches across buckets (top_up()). Below, nodes and records are in cache anyway,
 * and topping up only moves buckets into the bottom early, where pushes landing in them
 * take the bottom's search and move instead of a bucket append.
 */
#define TOPUP_FROM 4096u

__extension__ typedef __int128 wide;

/*
 * Where a node is. A node moved from a bucket into the bottom is not rewritten (that would
 * be one more random store per event): it keeps W_RUNG and its bucket, which lies before
 * its rung's current bucket from then on. Rungs are only created or dropped while the
 * bottom is empty, so such a node's rung is still the one it names; see in_bottom().
 * W_BOTTOM marks the events bottom_insert() put there directly.
 */
enum where { W_ABSENT, W_TOP, W_RUNG, W_BOTTOM };

/*
 * One cache line (the array is 64-byte aligned): the queue's fields, then the caller's
 * data (pes_user()), which the ladder never reads or writes. For the engine that is the
 * event record, so popping an event and firing it touch one line, not two.
 */
struct pes_ladder_node {
    pes_key key;
    uint32_t bucket; /* W_RUNG: bucket in the rung */
    uint32_t pos;    /* W_TOP: index in top; W_RUNG: chunk */
    uint8_t idx;     /* W_RUNG: item in the chunk */
    uint8_t rung;
    uint8_t where;
    unsigned char user[PES_LADDER_NODE_BYTES - PES_LADDER_USER_AT] __attribute__((aligned(32)));
};

_Static_assert(sizeof(struct pes_ladder_node) == PES_LADDER_NODE_BYTES, "a node is one line");
_Static_assert(offsetof(struct pes_ladder_node, user) == PES_LADDER_USER_AT, "user data offset");
_Static_assert(PES_LADDER_NODE_BYTES - PES_LADDER_USER_AT == PES_USER_BYTES, "user data size");

/*
 * Items 0..count-1 of a bucket, counted from its oldest chunk: the chain runs newest
 * first, every chunk but the newest is full, so item i of the newest chunk is the
 * bucket's item (count - 1) / CHUNK_ITEMS * CHUNK_ITEMS + i. `head` is meaningful only
 * when count > 0; an empty bucket owns no chunk.
 */
struct pes_ladder_bucket {
    uint32_t head;
    uint32_t count;
};

/*
 * Two cache lines (the pool is 64-byte aligned). An item is 5 words, the key then the
 * slot, and items 0-2 and 3-5 each fill one line, so a push writes exactly one line:
 * words 0-14 hold items 0-2, word 15 the link, words 16-30 items 3-5.
 */
struct pes_ladder_chunk {
    uint32_t w[32];
};

#define CHUNK_NEXT 15 /* older chunk of the bucket (NONE at the end), or next free chunk */

static inline uint32_t *citem(struct pes_ladder_chunk *ch, uint32_t i)
{
    return &ch->w[i * 5 + (i >= 3)];
}

static inline const uint32_t *citem_c(const struct pes_ladder_chunk *ch, uint32_t i)
{
    return &ch->w[i * 5 + (i >= 3)];
}

static inline pes_key citem_key(const uint32_t *it)
{
    pes_key k;
    memcpy(&k, it, sizeof(k));
    return k;
}

static inline void citem_set(uint32_t *it, pes_key k, uint32_t slot)
{
    memcpy(it, &k, sizeof(k));
    it[4] = slot;
}

struct pes_ladder_rung {
    sim_time start;              /* time of bucket 0 */
    uint64_t width;              /* time units per bucket, 1 << shift */
    unsigned shift;              /* widths are powers of two: filing is a shift, not a division */
    size_t nb, cur;              /* buckets; every bucket before cur is consumed and empty */
    wide lo;                     /* start time of bucket cur: cur_start(), kept for pushes */
    struct pes_ladder_bucket *b; /* every bucket at or past nb is empty too */
    size_t alloc;
};

struct pes_ladder_item {
    pes_key key;
    uint32_t slot;
};

static inline bool in_bottom(const struct pes *q, const struct pes_ladder_node *n)
{
    return n->where == W_BOTTOM ||
           (n->where == W_RUNG && n->rung < q->nr_rungs && n->bucket < q->rung[n->rung].cur);
}

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
    return (wide)r->start + ((wide)r->cur << r->shift);
}

/* Start time of bucket b of the rung (a live bucket: its start is a sim_time). */
static inline sim_time bucket_start(const struct pes_ladder_rung *r, size_t b)
{
    return (sim_time)((wide)r->start + ((wide)b << r->shift));
}

/* Skip the rung's empty buckets. \return true when a non-empty bucket is left. */
static inline bool rung_seek(struct pes_ladder_rung *r)
{
    while (r->cur < r->nb && r->b[r->cur].count == 0)
        r->cur++;
    r->lo = cur_start(r);
    return r->cur < r->nb;
}

/* Consume the rung's current bucket. \return its index. */
static inline size_t rung_take(struct pes_ladder_rung *r)
{
    size_t b = r->cur++;
    r->lo = cur_start(r);
    return b;
}

/* Items in the newest chunk of a bucket holding `count` > 0 items. */
static inline uint32_t head_items(uint32_t count)
{
    return (count - 1) % CHUNK_ITEMS + 1;
}

static void grow_chunks(struct pes *q);

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

static inline uint32_t chunk_get(struct pes *q)
{
    if (q->nr_free_chunks) {
        uint32_t c = q->free_chunk;
        q->free_chunk = q->chunk[c].w[CHUNK_NEXT];
        q->nr_free_chunks--;
        return c;
    }
    if (q->nr_chunks == q->alloc_chunks)
        grow_chunks(q);
    return (uint32_t)q->nr_chunks++;
}

/* Grow the chunk pool by half (rare, so kept out of the push path). */
static __attribute__((noinline)) void grow_chunks(struct pes *q)
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

static inline void chunk_put(struct pes *q, uint32_t c)
{
    q->chunk[c].w[CHUNK_NEXT] = q->free_chunk;
    q->free_chunk = c;
    q->nr_free_chunks++;
}

/* Append (key, slot) to a bucket and note in the slot's node the chunk and item it took. */
static inline void bucket_append(struct pes *q, struct pes_ladder_bucket *bk, pes_key key,
                                 uint32_t slot, struct pes_ladder_node *n)
{
    uint32_t i = bk->count % CHUNK_ITEMS;
    uint32_t c = bk->head;
    if (i == 0) {
        /* The newest chunk is full (or there is none): start a new one. */
        uint32_t nc = chunk_get(q);
        q->chunk[nc].w[CHUNK_NEXT] = bk->count ? c : NONE;
        bk->head = c = nc;
    }
    citem_set(citem(&q->chunk[c], i), key, slot);
    bk->count++;
    n->pos = c;
    n->idx = (uint8_t)i;
}

static inline void rung_insert(struct pes *q, size_t ri, uint32_t slot, pes_key key)
{
    struct pes_ladder_rung *r = &q->rung[ri];
    size_t b = (size_t)(((uint64_t)key_at(key) - (uint64_t)r->start) >> r->shift);
    struct pes_ladder_node *n = &q->node[slot];
    bucket_append(q, &r->b[b], key, slot, n);
    n->where = W_RUNG;
    n->rung = (uint8_t)ri;
    n->bucket = (uint32_t)b;
}

/*
 * The push ring (large queues only, see pes_push()). A push into the first rung is not
 * filed at once: its bucket is only known once the caller has drawn the time, and
 * filing then waits first on the bucket's header and then on its newest chunk, two
 * cache misses in a row on every push. Instead the push prefetches the header and
 * waits in a ring of PES_LADDER_RING slots; RING / 2 pushes later its header is in cache
 * and the chunk line it will write is prefetched; PES_LADDER_RING pushes later it is
 * filed with both in cache. Entries wait in push order, are filed in push order, and
 * all lie at or after the first rung's current bucket, so no pop can be owed one of
 * them: anything that takes a bucket from a rung or drops a rung (refill(), top_up())
 * or looks for a slot (pes_remove()) files the whole ring first. A waiting node already
 * says W_RUNG, rung 0 and its bucket, so pes_contains() and pes_time_of() need nothing.
 */
/* File a waiting slot into the first-rung bucket its node names (as rung_insert()). */
static inline void ring_file(struct pes *q, uint32_t slot)
{
    struct pes_ladder_node *n = &q->node[slot];
    bucket_append(q, &q->rung[0].b[n->bucket], n->key, slot, n);
}

static inline void ring_flush(struct pes *q)
{
    for (uint32_t i = q->ring_nr; i > 0; i--)
        ring_file(q, q->ring[(q->ring_pos - i) % PES_LADDER_RING]);
    q->ring_nr = 0;
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

static bool bottom_spawn(struct pes *q);

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
    if (q->bottom_nr - q->bottom_head >= limit && bottom_spawn(q) &&
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

/* A new deepest rung of nb empty buckets. */
static void rung_new(struct pes *q, sim_time start, unsigned shift, size_t nb)
{
    if (!q->rung) {
        q->rung = xcalloc(MAX_RUNGS, sizeof(*q->rung));
        q->alloc_rungs = MAX_RUNGS;
    }
    ASG_ASSERT(q->nr_rungs < MAX_RUNGS);
    ASG_ASSERT(nb <= UINT32_MAX); /* nodes store bucket numbers in 32 bits */
    struct pes_ladder_rung *r = &q->rung[q->nr_rungs];
    if (nb > r->alloc) {
        /* Buckets of an unused rung are all empty already; only new ones need zeroing. */
        r->b = xrealloc(r->b, nb * sizeof(*r->b));
        memset(&r->b[r->alloc], 0, (nb - r->alloc) * sizeof(*r->b));
        r->alloc = nb;
    }
    r->start = start;
    r->shift = shift;
    r->width = UINT64_C(1) << shift;
    r->nb = nb;
    r->cur = 0;
    r->lo = start;
    q->nr_rungs++;
}

/*
 * Bucket width 1 << *shift, the power of two nearest (on a log scale) to per range / n,
 * and the bucket count covering [lo, hi]: about n / (1.4 per) to n / (0.7 per) buckets.
 * A power of two makes filing an event a shift. `per` is the number of events a bucket
 * gets if they were spread evenly; see bucket_events().
 */
static void plan(sim_time lo, sim_time hi, size_t n, unsigned per, unsigned *shift, size_t *nb)
{
    pes_key range = (pes_key)((wide)hi - (wide)lo + 1);
    pes_key w = (range + n - 1) / n * per;
    unsigned sh = 0;
    while (sh < 63 && ((pes_key)1 << sh) < w)
        sh++;
    if (sh > 0 && ((pes_key)1 << sh) > w + w * 53 / 128)
        sh--;
    *shift = sh;
    *nb = (size_t)((range + ((pes_key)1 << sh) - 1) >> sh);
}

/*
 * Events per bucket (spread evenly) for a new rung. Pending times are rarely even: with
 * exponential delays they crowd the near future, and a bucket reaching the bottom holds
 * about per * ln(n) events (20 at per 2 and 80 000 pending). Narrow buckets mean less to
 * sort, wide ones fewer bucket headers and partly filled chunks for pushes to write
 * into. While the queue fits the caches (below WIDE_FROM events) sorting decides, and 2
 * measured best (hold at 10^2). Past that, pushes miss the cache on every header and
 * chunk tail they touch, and 8 measured best for PHOLD (80 000 pending): the hot
 * buckets' tails then fit L2, and sort_bucket() keeps sorting 80 events cheap.
 */
static unsigned bucket_events(const struct pes *q)
{
    return q->nr < WIDE_FROM ? 2 : 8;
}

/* A bucket with more events than this is split into a new rung when it is taken. */
static unsigned split_above(const struct pes *q)
{
    return q->nr < WIDE_FROM ? THRES_SMALL : THRES;
}

/*
 * Move the whole bottom into a new deepest rung that reaches up to the rung above (or the
 * top), as the paper's bottom does past THRES. The next refill sorts back only its first
 * bucket, splitting that further if it is still crowded. `bottom_limit` makes this pay
 * for itself: the bottom must have doubled since it was last filled, so moving its n
 * events out follows at least n / 2 inserts. Rungs are created here with the bottom
 * empty afterwards, which in_bottom() relies on. \return false when no rung is left.
 */
static bool bottom_spawn(struct pes *q)
{
    if (q->nr_rungs >= MAX_RUNGS)
        return false;
    ring_flush(q);
    wide end = q->nr_rungs ? q->rung[q->nr_rungs - 1].lo : (wide)q->top_start;
    sim_time lo = key_at(q->bottom[q->bottom_head].key);
    sim_time hi = end - 1 > INT64_MAX ? INT64_MAX : (sim_time)(end - 1);
    ASG_ASSERT(key_at(q->bottom[q->bottom_nr - 1].key) <= hi);
    size_t n = q->bottom_nr - q->bottom_head;
    unsigned shift;
    size_t nb;
    plan(lo, hi, n, bucket_events(q), &shift, &nb);
    /*
     * End the rung where the one above starts (start it up to a bucket early), so that
     * its current bucket never starts past that; only within a bucket of the earliest
     * time does it start at `lo` and reach past (harmless: pushes try upper rungs first).
     */
    wide start = end - ((wide)nb << shift);
    rung_new(q, start < (wide)INT64_MIN ? lo : (sim_time)start, shift, nb);
    for (size_t i = q->bottom_head; i < q->bottom_nr; i++)
        rung_insert(q, q->nr_rungs - 1, q->bottom[i].slot, q->bottom[i].key);
    q->bottom_head = q->bottom_nr = 0;
    q->bottom_limit = 0;
    q->pf_chunk = NONE;
    return true;
}

/* Move the whole top into a new first rung. */
static void top_to_rung(struct pes *q)
{
    unsigned shift;
    size_t nb;
    plan(q->top_min, q->top_max, q->top_nr, bucket_events(q), &shift, &nb);
    rung_new(q, q->top_min, shift, nb);
    for (size_t i = 0; i < q->top_nr; i++)
        rung_insert(q, 0, q->top[i].slot, q->top[i].key);
    wide end = (wide)q->top_min + ((wide)nb << shift);
    q->top_start = end > INT64_MAX ? INT64_MAX : (sim_time)end;
    q->top_nr = 0;
}

/*
 * Insertion sort by the full key. An item smaller than the first goes straight to the
 * front, so the inner loop needs no bounds test: b[0] stops it. On input already sorted
 * but for ties (what sort_bucket() hands it) it is one compare per item.
 */
static void insertion_sort(struct pes_ladder_item *b, size_t c)
{
    for (size_t m = 1; m < c; m++) {
        struct pes_ladder_item x = b[m];
        if (!(x.key < b[m - 1].key))
            continue;
        if (x.key < b[0].key) {
            memmove(&b[1], &b[0], m * sizeof(*b));
            b[0] = x;
            continue;
        }
        size_t j = m;
        for (; x.key < b[j - 1].key; j--)
            b[j] = b[j - 1];
        b[j] = x;
    }
}

static int item_cmp(const void *a, const void *b)
{
    pes_key x = ((const struct pes_ladder_item *)a)->key;
    pes_key y = ((const struct pes_ladder_item *)b)->key;
    return (x > y) - (x < y);
}

/* Insertion sort of plain 64-bit words, with the same unguarded inner loop. */
static void insertion_sort_u64(uint64_t *k, size_t c)
{
    for (size_t m = 1; m < c; m++) {
        uint64_t x = k[m];
        if (x >= k[m - 1])
            continue;
        if (x < k[0]) {
            memmove(&k[1], &k[0], m * sizeof(*k));
            k[0] = x;
            continue;
        }
        size_t j = m;
        for (; x < k[j - 1]; j--)
            k[j] = k[j - 1];
        k[j] = x;
    }
}

static __attribute__((noinline)) void grow_sort(struct pes *q, size_t c)
{
    size_t n = c < 64 ? 64 : c + c / 2;
    free(q->sort_key);
    free(q->sort_item);
    q->sort_key = xmalloc(2 * n * sizeof(*q->sort_key));
    q->sort_item = xmalloc(n * sizeof(*q->sort_item));
    q->sort_alloc = n;
}

/*
 * Sort the c items of one bucket (bucket start `lo`, width 1 << shift) from q->sort_item
 * into out. Buckets can be wide (tens of events; see bucket_events()), and sorting
 * 32-byte items by 128-bit keys would then dominate: instead each item gets a 64-bit
 * word, its time offset in the bucket (the top 32 bits of it when the width passes 2^32)
 * above its index, and the words are sorted: one counting pass on the offset's top bits,
 * then an insertion sort that only moves words within their bin. The items are gathered
 * in that order. Words with equal offsets (equal times, or equal truncated offsets) are
 * then in index order, which is push order and so seq order unless a removal or a move
 * between tiers reordered the bucket; each such run is sorted by the full key, so the
 * result is exact whatever the words say, and on the usual input that last pass is one
 * compare per item.
 */
static void sort_bucket(struct pes *q, struct pes_ladder_item *out, size_t c, sim_time lo,
                        unsigned shift)
{
    const struct pes_ladder_item *it = q->sort_item;
    uint64_t *k = q->sort_key, *k2 = q->sort_key + q->sort_alloc;
    unsigned drop = shift > 32 ? shift - 32 : 0, bits = shift - drop; /* offset bits kept */
    for (size_t i = 0; i < c; i++) {
        uint64_t off = ((uint64_t)key_at(it[i].key) - (uint64_t)lo) >> drop;
        k[i] = off << 32 | i;
    }
    if (bits > 0) {
        /* About four words a bin, at most 64 bins, from the offset's top bits. */
        unsigned lb = 2;
        while (lb < 6 && (size_t)4 << (lb + 1) <= c)
            lb++;
        if (lb > bits)
            lb = bits;
        unsigned sh = 32 + bits - lb;
        uint32_t cnt[65] = { 0 };
        for (size_t i = 0; i < c; i++)
            cnt[(k[i] >> sh) + 1]++;
        for (unsigned bn = 1; bn <= (1u << lb); bn++)
            cnt[bn] += cnt[bn - 1];
        for (size_t i = 0; i < c; i++)
            k2[cnt[k[i] >> sh]++] = k[i];
        uint64_t *t = k;
        k = k2;
        k2 = t;
    }
    insertion_sort_u64(k, c);
    for (size_t i = 0; i < c; i++)
        out[i] = it[(uint32_t)k[i]];
    for (size_t a = 0, e; a < c; a = e) {
        for (e = a + 1; e < c && k[e] >> 32 == k[a] >> 32; e++)
            ;
        if (e - a > SMALL_SORT)
            qsort(&out[a], e - a, sizeof(*out), item_cmp);
        else if (e - a > 1)
            insertion_sort(&out[a], e - a);
    }
}

/*
 * Append the bucket whose newest chunk is `head` (c items, all later than anything in the
 * bottom; bucket start lo, width 1 << shift) to the bottom, sorted. What is left of the
 * bottom moves to the front first.
 */
static void bucket_to_bottom(struct pes *q, uint32_t head, uint32_t c, sim_time lo, unsigned shift)
{
    size_t left = q->bottom_nr - q->bottom_head;
    if (q->bottom_head) {
        memmove(q->bottom, &q->bottom[q->bottom_head], left * sizeof(*q->bottom));
        q->bottom_head = 0;
    }
    ALLOC_GROW(q->bottom, left + c, q->bottom_alloc);
    /* A small bucket is sorted in place; a larger one through sort words (sort_bucket). */
    bool small = c <= SMALL_SORT;
    if (!small && c > q->sort_alloc)
        grow_sort(q, c);
    struct pes_ladder_item *b = small ? &q->bottom[left] : q->sort_item;
    /*
     * Items go to their push-order places (the chain runs newest chunk first), so that
     * equal times, which both sorts leave in that order, mostly need no moving.
     */
    size_t i = 0, base = (c - 1) / CHUNK_ITEMS * CHUNK_ITEMS;
    uint32_t k = head_items(c);
    for (uint32_t ch = head, next; ch != NONE; ch = next, k = CHUNK_ITEMS, base -= CHUNK_ITEMS) {
        const struct pes_ladder_chunk *cp = &q->chunk[ch];
        next = cp->w[CHUNK_NEXT];
        if (next != NONE) {
            __builtin_prefetch(&q->chunk[next]);
            __builtin_prefetch(&q->chunk[next].w[16]);
        }
        for (uint32_t j = 0; j < k; j++, i++) {
            const uint32_t *it = citem_c(cp, j);
            uint32_t s = it[4];
            b[base + j] = (struct pes_ladder_item){ citem_key(it), s };
        }
        chunk_put(q, ch);
    }
    ASG_ASSERT(i == c);
    if (small)
        insertion_sort(b, c);
    else
        sort_bucket(q, &q->bottom[left], c, lo, shift);
    q->bottom_nr = left + c;
    q->bottom_limit = 2 * q->bottom_nr;
}

/* Spread the bucket whose newest chunk is `head` over the (new, deepest) rung ri. */
static void bucket_to_rung(struct pes *q, size_t ri, uint32_t head, uint32_t c)
{
    uint32_t k = head_items(c);
    for (uint32_t ch = head, next; ch != NONE; ch = next, k = CHUNK_ITEMS) {
        /* Copy the chunk out and free it first: the inserts may take it from the pool. */
        struct pes_ladder_chunk cp = q->chunk[ch];
        next = cp.w[CHUNK_NEXT];
        chunk_put(q, ch);
        for (uint32_t j = 0; j < k; j++) {
            const uint32_t *it = citem_c(&cp, j);
            rung_insert(q, ri, it[4], citem_key(it));
        }
    }
}

/*
 * The bottom will soon read the rung's next non-empty bucket: start loading its newest
 * chunk now (a cache miss at large sizes that would otherwise stall a pop), and let the
 * pops walk the rest of its chain (advance_prefetch()).
 */
static inline void prefetch_next_bucket(struct pes *q, const struct pes_ladder_rung *r)
{
    q->pf_chunk = NONE;
    for (size_t k = r->cur, lim = r->cur + 4 < r->nb ? r->cur + 4 : r->nb; k < lim; k++) {
        if (r->b[k].count) {
            const struct pes_ladder_chunk *ch = &q->chunk[r->b[k].head];
            __builtin_prefetch(ch);
            __builtin_prefetch(&ch->w[16]);
            /* Narrow buckets are a chunk or two: not worth following. */
            if (q->nr >= WIDE_FROM)
                q->pf_chunk = r->b[k].head;
            break;
        }
    }
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

/* Make the bottom non-empty (the queue must not be empty). */
static void refill(struct pes *q)
{
    if (q->bottom_head == q->bottom_nr)
        ring_flush(q);
    while (q->bottom_head == q->bottom_nr) {
        if (q->nr_rungs == 0) {
            ASG_ASSERT(q->top_nr > 0);
            top_to_rung(q);
        }
        struct pes_ladder_rung *r = &q->rung[q->nr_rungs - 1];
        if (!rung_seek(r)) {
            q->nr_rungs--; /* keeps its buckets, all empty, for reuse */
            continue;
        }
        size_t b = rung_take(r);
        uint32_t head = r->b[b].head;
        uint32_t c = r->b[b].count;
        r->b[b].count = 0;
        if (c > split_above(q) && r->width > 1 && q->nr_rungs < MAX_RUNGS) {
            sim_time lo = (sim_time)((wide)r->start + (wide)b * (wide)r->width);
            wide hi = (wide)lo + (wide)r->width - 1;
            unsigned shift;
            size_t nb;
            plan(lo, hi > INT64_MAX ? INT64_MAX : (sim_time)hi, c, bucket_events(q), &shift, &nb);
            rung_new(q, lo, shift, nb);
            bucket_to_rung(q, q->nr_rungs - 1, head, c);
            continue;
        }
        bucket_to_bottom(q, head, c, bucket_start(r, b), r->shift);
        if (q->nr >= TOPUP_FROM)
            prefetch_next_bucket(q, r);
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

/*
 * Once fewer than HINT_AHEAD events are left in the bottom, append the next bucket of the
 * deepest rung, so that pes_hint() can name the event HINT_AHEAD pops ahead even across a
 * bucket boundary (the engine prefetches its record). A bucket big enough to be split,
 * or the end of a rung, is left for refill().
 */
static void top_up(struct pes *q)
{
    ring_flush(q);
    struct pes_ladder_rung *r = &q->rung[q->nr_rungs - 1];
    if (!rung_seek(r))
        return;
    struct pes_ladder_bucket *bk = &r->b[r->cur];
    uint32_t c = bk->count;
    if (c > split_above(q) && r->width > 1 && q->nr_rungs < MAX_RUNGS)
        return;
    size_t b = rung_take(r);
    bk->count = 0;
    bucket_to_bottom(q, bk->head, c, bucket_start(r, b), r->shift);
    if (q->nr >= TOPUP_FROM)
        prefetch_next_bucket(q, r);
}

static inline void take_min(struct pes *q, struct pes_entry *out)
{
    const struct pes_ladder_item *it = &q->bottom[q->bottom_head++];
    fill(it, out);
    q->node[it->slot].where = W_ABSENT;
    q->nr--;
    if (q->bottom_nr - q->bottom_head < HINT_AHEAD && q->nr_rungs && q->nr >= TOPUP_FROM)
        top_up(q);
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
        /* Sorted into the bottom already. */
        /* fall through */
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
            /* A rung ends where the one above starts, or (bottom_spawn()) within a bucket
               after: events of the rung above are at or after its own start. */
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
