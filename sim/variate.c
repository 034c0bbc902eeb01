/* Exponential variates by the ziggurat method (variate.h): the rare paths. */
#include "asgsim/variate.h"

#include "asgsim/util.h"

#include <math.h>
#include <string.h>

#include "asgsim/banned.h"

bool variate_rng_is_32bit(const gsl_rng *r)
{
    return gsl_rng_min(r) == 0 && gsl_rng_max(r) == UINT32_MAX;
}

/* The point (u w[i], layer i) was not in the part of layer i that lies wholly under the
   curve. Layer 0 is the base strip: below r it is under the curve, beyond it stands for
   the tail, drawn as r + Exp(1) (the exponential is memoryless). Layers 1 .. 255: the
   point is accepted when a uniform height within the layer falls under exp(-x);
   otherwise the whole draw starts again with a fresh word. `word` gives the next 32-bit
   word of the stream; a uniform is word / 2^32, which is GSL's mt19937 gsl_rng_uniform()
   (and uniform_pos() skips 0), so both callers below draw the same values from the same
   words. */
static double exp1_slow(uint32_t (*word)(void *), void *src, uint32_t i, uint32_t u)
{
    const double x1 = variate__exp_w[1] * 0x1p24; /* r, exactly */
    for (;;) {
        double x = (double)u * variate__exp_w[i];
        if (i == 0) {
            if (x < x1)
                return x;
            double v;
            do
                v = (double)word(src) / 4294967296.0;
            while (v == 0);
            return x1 - log(v);
        }
        double lo = variate__exp_f[i], hi = variate__exp_f[i + 1];
        if (lo + (double)word(src) / 4294967296.0 * (hi - lo) < exp(-x))
            return x;
        uint32_t w = word(src);
        i = w & 255;
        u = w >> 8;
        if (u < variate__exp_k[i])
            return (double)u * variate__exp_w[i];
    }
}

static uint32_t gsl_word(void *src)
{
    gsl_rng *r = src;
    return (uint32_t)r->type->get(r->state);
}

double variate__exp1_slow(gsl_rng *r, uint32_t i, uint32_t u)
{
    return exp1_slow(gsl_word, r, i, u);
}

/* ---- struct variate_stream ----------------------------------------------------------------- */

#define MT_M 397

static inline uint32_t mt_temper(uint32_t y)
{
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static inline uint32_t mt_twist(uint32_t a, uint32_t b, uint32_t m)
{
    uint32_t y = (a & 0x80000000u) | (b & 0x7fffffffu);
    return m ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908b0dfu);
}

/* MT19937's regeneration of all N words of the state (Matsumoto & Nishimura 1998). */
static void mt_generate(uint32_t *mt)
{
    size_t k = 0;
    for (; k < VARIATE_MT_N - MT_M; k++)
        mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + MT_M]);
    for (; k < VARIATE_MT_N - 1; k++)
        mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + MT_M - VARIATE_MT_N]);
    mt[VARIATE_MT_N - 1] = mt_twist(mt[VARIATE_MT_N - 1], mt[0], mt[MT_M - 1]);
}

void variate__stream_refill(struct variate_stream *vs)
{
    if (vs->own) {
        mt_generate(vs->mt);
        for (size_t k = 0; k < VARIATE_MT_N; k++)
            vs->out[k] = mt_temper(vs->mt[k]);
    } else {
        for (size_t k = 0; k < VARIATE_MT_N; k++)
            vs->out[k] = (uint32_t)gsl_rng_get(vs->r);
    }
    vs->next = 0;
}

/* GSL's mt19937 state as its source declares it (not a public interface: checked). */
struct gsl_mt_state {
    unsigned long mt[VARIATE_MT_N];
    int mti;
};

static bool stream_take_state(struct variate_stream *vs, const gsl_rng *r)
{
    if (r->type != gsl_rng_mt19937 || gsl_rng_size(r) != sizeof(struct gsl_mt_state))
        return false;
    struct gsl_mt_state st;
    memcpy(&st, gsl_rng_state(r), sizeof(st));
    if (st.mti < 0 || st.mti > VARIATE_MT_N)
        return false;
    for (size_t k = 0; k < VARIATE_MT_N; k++) {
        if (st.mt[k] > UINT32_MAX)
            return false;
        vs->mt[k] = (uint32_t)st.mt[k];
        vs->out[k] = mt_temper(vs->mt[k]);
    }
    vs->next = (uint32_t)st.mti;
    vs->own = true;
    /* The same words as the generator, across at least two regenerations? */
    struct variate_stream copy = *vs;
    gsl_rng *clone = gsl_rng_clone(r);
    if (!clone)
        ASG_BUG("gsl_rng_clone failed");
    bool same = true;
    for (int n = 0; n < 1300 && same; n++)
        same = variate_stream_word(&copy) == (uint32_t)gsl_rng_get(clone);
    gsl_rng_free(clone);
    return same;
}

void variate_stream_init(struct variate_stream *vs, gsl_rng *r)
{
    ASG_ASSERT(variate_rng_is_32bit(r));
    memset(vs, 0, sizeof(*vs));
    vs->r = r;
    if (!stream_take_state(vs, r)) {
        vs->own = false;
        vs->next = VARIATE_MT_N; /* the first word fills a block from r */
    }
}

static uint32_t stream_word(void *src)
{
    return variate_stream_word(src);
}

double variate__stream_exp1_slow(struct variate_stream *vs, uint32_t i, uint32_t u)
{
    return exp1_slow(stream_word, vs, i, u);
}
