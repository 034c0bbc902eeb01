/* Named random streams with seeds derived by hashing (ecosystem.md §5.3). */
#include "asgsim/rng.h"

#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* SplitMix64 finaliser: a bijective mix with good avalanche, so nearby inputs diverge. */
static uint64_t mix64(uint64_t z)
{
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* FNV-1a over the stream name: names, not creation order, decide a stream's seed. */
static uint64_t hash_name(const char *name)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint32_t rng_derive_seed(uint64_t base_seed, uint64_t point, uint64_t replication,
                         const char *stream_name)
{
    uint64_t h = mix64(base_seed);
    h = mix64(h ^ point);
    h = mix64(h ^ replication);
    h = mix64(h ^ hash_name(stream_name));
    /* GSL generators use only the low 32 bits of a seed, and mt19937 maps 0 to 4357. */
    uint32_t seed = (uint32_t)(h >> 32);
    return seed ? seed : 1;
}

void rng_set_init(struct rng_set *s, uint64_t base_seed, uint64_t point, uint64_t replication)
{
    memset(s, 0, sizeof(*s));
    s->base_seed = base_seed;
    s->point = point;
    s->replication = replication;
}

gsl_rng *rng_set_stream(struct rng_set *s, const char *name)
{
    for (size_t i = 0; i < s->nr; i++)
        if (!strcmp(s->items[i].name, name))
            return s->items[i].rng;
    ALLOC_GROW(s->items, s->nr + 1, s->alloc);
    struct rng_stream *st = &s->items[s->nr++];
    st->name = xstrdup(name);
    st->seed = rng_derive_seed(s->base_seed, s->point, s->replication, name);
    /* Never gsl_rng_env_setup(): GSL_RNG_TYPE/GSL_RNG_SEED would silently change results. */
    st->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!st->rng)
        ASG_BUG("gsl_rng_alloc failed");
    gsl_rng_set(st->rng, st->seed);
    return st->rng;
}

void rng_set_release(struct rng_set *s)
{
    for (size_t i = 0; i < s->nr; i++) {
        free(s->items[i].name);
        gsl_rng_free(s->items[i].rng);
    }
    free(s->items);
    s->items = NULL;
    s->nr = s->alloc = 0;
}

const char *rng_type_name(void)
{
    return gsl_rng_mt19937->name;
}
