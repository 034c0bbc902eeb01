/*
 * pes_ladder.h - private to the ladder queue (ASGSIM_PES=ladder), whose code is in three
 * files: pes_ladder.c (the interface: pushes, pops, removal, storage), pes_ladder_rungs.c
 * (rungs: planning and creating them, and moving a bucket into a deeper rung or, sorted,
 * into the bottom) and pes_ladder_check.c (pes_check(): the invariants). This header holds
 * what they share: the tunables, the layout of nodes, buckets, chunks and rungs, and the
 * small inline steps both paths take (filing an item into a bucket, the push ring).
 * Functions shared across the files are named pes_ladder__<name>.
 */
#ifndef ASGSIM_PES_LADDER_H
#define ASGSIM_PES_LADDER_H

#include "pes.h"

#include "asgsim/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
   spawns a rung: see pes_ladder__bottom_spawn(). */
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
 * hint reaches across buckets (pes_ladder__top_up()). Below, nodes and records are in cache anyway,
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

/* Grow the chunk pool by half (pes_ladder.c; rare, so kept out of the push path). */
void pes_ladder__grow_chunks(struct pes *q);

static inline uint32_t chunk_get(struct pes *q)
{
    if (q->nr_free_chunks) {
        uint32_t c = q->free_chunk;
        q->free_chunk = q->chunk[c].w[CHUNK_NEXT];
        q->nr_free_chunks--;
        return c;
    }
    if (q->nr_chunks == q->alloc_chunks)
        pes_ladder__grow_chunks(q);
    return (uint32_t)q->nr_chunks++;
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
 * them: anything that takes a bucket from a rung or drops a rung (pes_ladder__refill(),
 * pes_ladder__top_up()) or looks for a slot (pes_remove()) files the whole ring first. A waiting
 * node already says W_RUNG, rung 0 and its bucket, so pes_contains() and pes_time_of() need
 * nothing.
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

/*
 * Move the whole bottom into a new deepest rung (pes_ladder_rungs.c).
 * \return false when no rung is left.
 */
bool pes_ladder__bottom_spawn(struct pes *q);

/* Make the bottom non-empty; the queue must not be empty (pes_ladder_rungs.c). */
void pes_ladder__refill(struct pes *q);

/* Append the deepest rung's next bucket to a short bottom, for pes_hint() (pes_ladder_rungs.c). */
void pes_ladder__top_up(struct pes *q);

#endif /* ASGSIM_PES_LADDER */

#endif /* ASGSIM_PES_LADDER_H */
