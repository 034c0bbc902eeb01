/*
 * The termination policies' choice from an index kept up to date (termination.h): per
 * market and AZ, a treap of the unprotected candidates with subtree sizes, sorted by the
 * policies' score tuple (most preferred first), then by id.
 */
#include "asgsim/billing.h"
#include "asgsim/termination.h"
#include "asgsim/util.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* Sort keys; each is stored so that a lower value is terminated first. */
enum key_kind {
    KEY_LAUNCH_CONFIGURATION, /* -1 launched from a launch configuration, else 0 */
    KEY_OTHER_TEMPLATE,       /* -1 from another launch template, else 0 */
    KEY_VERSION,              /* template version: the oldest first */
    KEY_RUNNING,              /* 0 not billed (no billing hour: terminated first), 1 running */
    KEY_PHASE,                /* period start mod one hour, turns with the clock */
    KEY_NEWEST,               /* -launched_at */
    KEY_OLDEST,               /* launched_at */
    KEY_ALLOCATION,           /* -(allocation excess, clamped at 0, as ordered bits) */
    KEY_ID,                   /* last: the ties in launch order */
    KEY_NR
};

struct termination_node {
    struct termination_node *l, *r;
    struct termination_node *prev, *next; /* every entry, protected ones too (release) */
    uint32_t prio;
    uint32_t size;
    void *owner;
    size_t where; /* market * nr_azs + az */
    bool is_protected;
    int64_t key[TERMINATION_MAX_KEYS];
};

static void add_kind(struct termination_index *x, enum key_kind k)
{
    for (size_t i = 0; i < x->nr_keys; i++)
        if (x->key_kind[i] == k)
            return; /* a later equal score cannot split a tie the earlier one left */
    static_assert(KEY_NR <= TERMINATION_MAX_KEYS && TERMINATION_MAX_KEYS <= 16,
                  "every key kind fits, once each");
    ASG_ASSERT(x->nr_keys < TERMINATION_MAX_KEYS);
    /* (the mask only tells the optimiser what the assertion says: GCC's -O3
       -Wstringop-overflow cannot see that distinct kinds number at most KEY_NR) */
    x->key_kind[x->nr_keys++ & 15] = (unsigned char)k;
}

/* The keys of policy p in the order termination.c's apply() narrows by them. */
static void add_policy(struct termination_index *x, enum termination_policy p)
{
    switch (p) {
    case TERMINATION_DEFAULT:
        add_kind(x, KEY_LAUNCH_CONFIGURATION);
        add_kind(x, KEY_OTHER_TEMPLATE);
        add_kind(x, KEY_VERSION);
        add_kind(x, KEY_RUNNING);
        add_kind(x, KEY_PHASE);
        return;
    case TERMINATION_ALLOCATION_STRATEGY:
        add_kind(x, KEY_ALLOCATION);
        return;
    case TERMINATION_OLDEST_LAUNCH_TEMPLATE:
        add_kind(x, KEY_OTHER_TEMPLATE);
        add_kind(x, KEY_VERSION);
        return;
    case TERMINATION_OLDEST_LAUNCH_CONFIGURATION:
        add_kind(x, KEY_LAUNCH_CONFIGURATION);
        return;
    case TERMINATION_CLOSEST_TO_NEXT_INSTANCE_HOUR:
        add_kind(x, KEY_RUNNING);
        add_kind(x, KEY_PHASE);
        return;
    case TERMINATION_NEWEST_INSTANCE:
        add_kind(x, KEY_NEWEST);
        return;
    case TERMINATION_OLDEST_INSTANCE:
        add_kind(x, KEY_OLDEST);
        return;
    case TERMINATION_NR:
        break;
    }
    ASG_BUG("bad termination policy %d", (int)p);
}

void termination_index_init(struct termination_index *x, size_t nr_azs,
                            const enum termination_policy *policies, size_t nr_policies)
{
    memset(x, 0, sizeof(*x));
    x->nr_azs = nr_azs;
    for (size_t i = 0; i < nr_policies; i++)
        add_policy(x, policies[i]);
    add_policy(x, TERMINATION_DEFAULT); /* ties left over (termination_pick() step 3) */
    add_kind(x, KEY_ID);
    x->root = xcalloc(2 * nr_azs, sizeof(*x->root));
    x->count = xcalloc(2 * nr_azs, sizeof(*x->count));
    x->unprotected = xcalloc(2 * nr_azs, sizeof(*x->unprotected));
    x->prio = 0x9e3779b97f4a7c15u;
}

void termination_index_release(struct termination_index *x)
{
    for (struct termination_node *n = x->all, *next; n; n = next) {
        next = n->next;
        free(n);
    }
    free(x->root);
    free(x->count);
    free(x->unprotected);
    memset(x, 0, sizeof(*x));
}

/* ---- the treap ----------------------------------------------------------------------------- */

static inline uint32_t size_of(const struct termination_node *t)
{
    return t ? t->size : 0;
}

static inline void fix(struct termination_node *t)
{
    t->size = 1 + size_of(t->l) + size_of(t->r);
}

/* Compare the first n keys. */
static int cmp(const int64_t *a, const int64_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Split t into keys < node's (*l) and > (*r); keys are unique (the id is the last). */
static void split(struct termination_node *t, const int64_t *key, size_t n,
                  struct termination_node **l, struct termination_node **r)
{
    if (!t) {
        *l = *r = NULL;
        return;
    }
    if (cmp(t->key, key, n) < 0) {
        split(t->r, key, n, &t->r, r);
        *l = t;
    } else {
        split(t->l, key, n, l, &t->l);
        *r = t;
    }
    fix(t);
}

static struct termination_node *merge(struct termination_node *a, struct termination_node *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (a->prio > b->prio) {
        a->r = merge(a->r, b);
        fix(a);
        return a;
    }
    b->l = merge(a, b->l);
    fix(b);
    return b;
}

static struct termination_node *insert(struct termination_node *t, struct termination_node *n,
                                       size_t nk)
{
    if (!t)
        return n;
    if (n->prio > t->prio) {
        split(t, n->key, nk, &n->l, &n->r);
        fix(n);
        return n;
    }
    if (cmp(n->key, t->key, nk) < 0)
        t->l = insert(t->l, n, nk);
    else
        t->r = insert(t->r, n, nk);
    fix(t);
    return t;
}

static struct termination_node *erase(struct termination_node *t, const struct termination_node *n,
                                      size_t nk)
{
    ASG_ASSERT(t);
    if (t == n)
        return merge(t->l, t->r);
    if (cmp(n->key, t->key, nk) < 0)
        t->l = erase(t->l, n, nk);
    else
        t->r = erase(t->r, n, nk);
    fix(t);
    return t;
}

/* Entries whose first n keys are < prefix (strict) or <= prefix (!strict). */
static size_t rank(const struct termination_node *t, const int64_t *prefix, size_t n, bool strict)
{
    size_t r = 0;
    while (t) {
        int c = cmp(t->key, prefix, n);
        if (c < 0 || (!strict && c == 0)) {
            r += size_of(t->l) + 1;
            t = t->r;
        } else {
            t = t->l;
        }
    }
    return r;
}

static const struct termination_node *select_at(const struct termination_node *t, size_t k)
{
    while (t) {
        size_t ls = size_of(t->l);
        if (k < ls) {
            t = t->l;
        } else if (k == ls) {
            return t;
        } else {
            k -= ls + 1;
            t = t->r;
        }
    }
    ASG_BUG("rank out of range");
}

/* ---- entries ------------------------------------------------------------------------------- */

static int64_t key_of(enum key_kind k, const struct termination_entry *e)
{
    switch (k) {
    case KEY_LAUNCH_CONFIGURATION:
        return e->c.launch_configuration ? -1 : 0;
    case KEY_OTHER_TEMPLATE:
        return e->c.other_launch_template ? -1 : 0;
    case KEY_VERSION:
        return e->c.template_version;
    case KEY_RUNNING:
        return e->billing_running ? 1 : 0;
    case KEY_PHASE:
        return e->billing_running ? e->billing_period_start % BILLING_HOUR_US : 0;
    case KEY_NEWEST:
        return -e->c.launched_at;
    case KEY_OLDEST:
        return e->c.launched_at;
    case KEY_ALLOCATION: {
        /* A non-negative double's bits order as the double does. */
        double a = e->c.allocation_excess > 0 ? e->c.allocation_excess : 0;
        int64_t bits;
        memcpy(&bits, &a, sizeof(bits));
        return -bits;
    }
    case KEY_ID:
        return e->id;
    case KEY_NR:
        break;
    }
    ASG_BUG("bad key %d", (int)k);
}

static void take_out(struct termination_index *x, struct termination_node *n)
{
    x->count[n->where]--;
    if (!n->is_protected) {
        x->unprotected[n->where]--;
        x->root[n->where] = erase(x->root[n->where], n, x->nr_keys);
    }
}

void termination_index_set(struct termination_index *x, struct termination_node **slot, void *owner,
                           const struct termination_entry *e)
{
    struct termination_node *n = *slot;
    if (!e) {
        if (n) {
            take_out(x, n);
            if (n->prev)
                n->prev->next = n->next;
            else
                x->all = n->next;
            if (n->next)
                n->next->prev = n->prev;
            free(n);
            x->nr--;
            *slot = NULL;
        }
        return;
    }
    ASG_ASSERT(e->c.az < x->nr_azs && e->market < 2);
    ASG_ASSERT(!e->billing_running || e->billing_period_start >= 0);
    int64_t key[TERMINATION_MAX_KEYS];
    for (size_t i = 0; i < x->nr_keys; i++)
        key[i] = key_of((enum key_kind)x->key_kind[i], e);
    size_t where = e->market * x->nr_azs + e->c.az;
    bool prot = e->c.protected_from_scale_in;
    if (n) {
        if (n->where == where && n->is_protected == prot && !cmp(n->key, key, x->nr_keys))
            return; /* nothing the policies look at changed */
        take_out(x, n);
    } else {
        n = xcalloc(1, sizeof(*n));
        /* splitmix64: any sequence will do; the shape of a treap never changes a result */
        uint64_t z = (x->prio += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        n->prio = (uint32_t)(z ^ (z >> 31));
        n->next = x->all;
        if (x->all)
            x->all->prev = n;
        x->all = n;
        x->nr++;
        *slot = n;
    }
    n->l = n->r = NULL;
    n->size = 1;
    n->owner = owner;
    n->where = where;
    n->is_protected = prot;
    memcpy(n->key, key, sizeof(key));
    x->count[where]++;
    if (!prot) {
        x->unprotected[where]++;
        x->root[where] = insert(x->root[where], n, x->nr_keys);
    }
}

/* ---- the pick ------------------------------------------------------------------------------ */

struct range {
    const struct termination_node *t;
    size_t lo, hi; /* ranks of the entries that match the prefix chosen so far */
};

void *termination_index_pick(const struct termination_index *x, sim_time now, int market,
                             gsl_rng *rng)
{
    size_t nr_azs = x->nr_azs;
    unsigned m_lo = market < 0 ? 0 : (unsigned)market, m_hi = market < 0 ? 2 : m_lo + 1;
    /* 1. Zonal balance: the AZs with the most candidates among those with an unprotected
       one (termination_pick() step 1). */
    size_t most = 0;
    bool any = false;
    for (size_t az = 0; az < nr_azs; az++) {
        size_t count = 0, unprotected = 0;
        for (unsigned m = m_lo; m < m_hi; m++) {
            count += x->count[m * nr_azs + az];
            unprotected += x->unprotected[m * nr_azs + az];
        }
        if (unprotected > 0 && count >= most) {
            most = count;
            any = true;
        }
    }
    if (!any)
        return NULL;
    struct range *rg = xcalloc(2 * nr_azs, sizeof(*rg));
    size_t nr = 0;
    for (size_t az = 0; az < nr_azs; az++) {
        size_t count = 0;
        for (unsigned m = m_lo; m < m_hi; m++)
            count += x->count[m * nr_azs + az];
        if (count != most)
            continue;
        for (unsigned m = m_lo; m < m_hi; m++) {
            const struct termination_node *t = x->root[m * nr_azs + az];
            if (t)
                rg[nr++] = (struct range){ t, 0, t->size };
        }
    }
    /* 2. The policies' scores in order, each keeping the best: a prefix of the sort key. */
    int64_t prefix[TERMINATION_MAX_KEYS];
    size_t last = x->nr_keys - 1; /* KEY_ID */
    for (size_t j = 0; j < last; j++) {
        bool turning = x->key_kind[j] == KEY_PHASE && prefix[j - 1] == 1;
        int64_t best = 0;
        bool have = false;
        if (!turning) {
            for (size_t i = 0; i < nr; i++) {
                if (rg[i].lo == rg[i].hi)
                    continue;
                int64_t v = select_at(rg[i].t, rg[i].lo)->key[j];
                if (!have || v < best)
                    best = v;
                have = true;
            }
        } else {
            /* Closest to the next billing hour: the longest since a period boundary, i.e.
               the first phase after now's, else (wrapping) the lowest phase. */
            int64_t q = now % BILLING_HOUR_US, best_since = -1;
            prefix[j] = q;
            for (size_t i = 0; i < nr; i++) {
                if (rg[i].lo == rg[i].hi)
                    continue;
                size_t k = rank(rg[i].t, prefix, j + 1, false);
                int64_t p = select_at(rg[i].t, k < rg[i].hi ? k : rg[i].lo)->key[j];
                int64_t since = p > q ? BILLING_HOUR_US + q - p : q - p;
                if (since > best_since) {
                    best_since = since;
                    best = p;
                }
            }
        }
        prefix[j] = best;
        for (size_t i = 0; i < nr; i++) {
            if (rg[i].lo == rg[i].hi)
                continue;
            rg[i].lo = rank(rg[i].t, prefix, j + 1, true);
            rg[i].hi = rank(rg[i].t, prefix, j + 1, false);
            if (rg[i].hi < rg[i].lo)
                rg[i].hi = rg[i].lo;
        }
    }
    /* 3. The ties, in id order across the trees: a uniform draw as termination_pick(). */
    size_t n = 0, only = 0;
    for (size_t i = 0; i < nr; i++) {
        n += rg[i].hi - rg[i].lo;
        if (rg[i].hi > rg[i].lo)
            only = i;
    }
    ASG_ASSERT(n > 0);
    size_t r = n > 1 ? gsl_rng_uniform_int(rng, n) : 0;
    void *owner = NULL;
    if (n == rg[only].hi - rg[only].lo) {
        owner = select_at(rg[only].t, rg[only].lo + r)->owner;
        goto out;
    }
    /* The least id with more than r tied ids at or below it. */
    int64_t lo_id = 0, hi_id = UINT32_MAX;
    while (lo_id < hi_id) {
        int64_t mid = lo_id + (hi_id - lo_id) / 2;
        prefix[last] = mid;
        size_t below = 0;
        for (size_t i = 0; i < nr; i++)
            if (rg[i].hi > rg[i].lo)
                below += rank(rg[i].t, prefix, last + 1, false) - rg[i].lo;
        if (below > r)
            hi_id = mid;
        else
            lo_id = mid + 1;
    }
    prefix[last] = lo_id;
    for (size_t i = 0; i < nr; i++) {
        if (rg[i].hi == rg[i].lo)
            continue;
        size_t k = rank(rg[i].t, prefix, last + 1, true);
        if (k < rg[i].hi) {
            const struct termination_node *c = select_at(rg[i].t, k);
            if (c->key[last] == lo_id)
                owner = c->owner;
        }
    }
    ASG_ASSERT(owner);
out:
    free(rg);
    return owner;
}
