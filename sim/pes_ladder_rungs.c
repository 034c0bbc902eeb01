/*
 * pes_ladder_rungs.c - the ladder queue's rungs (see pes_ladder.c for the structure):
 * planning a rung's bucket width and count from the events it will hold, creating rungs
 * from the top, from a crowded bucket or from an overgrown bottom, and
 * moving a bucket down, either spread over a new deeper rung or sorted into the bottom.
 * Refilling the bottom runs here; so does topping it up for pes_hint(). None of this is
 * per event: it runs once per bucket, so it lives apart from the push and pop paths.
 */
/* Own header first (it must compile alone), banned.h last. */
/* clang-format off */
#include "pes_ladder.h"

#include "asgsim/util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"
/* clang-format on */

#if defined(ASGSIM_PES_LADDER)

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
bool pes_ladder__bottom_spawn(struct pes *q)
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

/* Make the bottom non-empty (the queue must not be empty). */
void pes_ladder__refill(struct pes *q)
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

/*
 * Once fewer than HINT_AHEAD events are left in the bottom, append the next bucket of the
 * deepest rung, so that pes_hint() can name the event HINT_AHEAD pops ahead even across a
 * bucket boundary (the engine prefetches its record). A bucket big enough to be split,
 * or the end of a rung, is left for pes_ladder__refill().
 */
void pes_ladder__top_up(struct pes *q)
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

#endif /* ASGSIM_PES_LADDER */
