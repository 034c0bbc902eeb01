/*
 * rng.h - named random streams with derived seeds.
 *
 * Each purpose (arrivals, boot delays, failures, ...) draws from its own GSL mt19937
 * generator. Its 32-bit seed is derived by hashing (base seed, sweep point, replication,
 * stream name), never 0 (GSL's mt19937 maps 0 to 4357 and ignores the upper 32 bits of a
 * seed, ecosystem.md §5.3). The same replication therefore sees the same arrivals under
 * every configuration (common random numbers). Every stream created is recorded so the
 * output can list every seed.
 */
#ifndef ASGSIM_RNG_H
#define ASGSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

/** The derived seed for one stream: a pure function of its inputs, never 0. */
uint32_t rng_derive_seed(uint64_t base_seed, uint64_t point, uint64_t replication,
                         const char *stream_name);

struct rng_stream {
    char *name;
    uint32_t seed;
    gsl_rng *rng;
};

/** The streams of one run. Zero-initialise the struct, then rng_set_init(). */
struct rng_set {
    uint64_t base_seed;
    uint64_t point;
    uint64_t replication;
    struct rng_stream *items;
    size_t nr, alloc;
};

/** Set the seeding inputs; no stream exists yet. */
void rng_set_init(struct rng_set *s, uint64_t base_seed, uint64_t point, uint64_t replication);

/**
 * The generator for `name`, created and seeded on first use. The rng_set owns it; the
 * pointer stays valid until rng_set_release(). Never returns NULL.
 */
gsl_rng *rng_set_stream(struct rng_set *s, const char *name);

/** Free every generator. */
void rng_set_release(struct rng_set *s);

/** Name of the GSL generator type used for every stream ("mt19937"). */
const char *rng_type_name(void);

#endif /* ASGSIM_RNG_H */
