/* Exponential variates by the ziggurat method (variate.h): the rare paths. */
#include "asgsim/variate.h"

#include <math.h>

#include "asgsim/banned.h"

bool variate_rng_is_32bit(const gsl_rng *r)
{
    return gsl_rng_min(r) == 0 && gsl_rng_max(r) == UINT32_MAX;
}

/* The point (u w[i], layer i) was not in the part of layer i that lies wholly under the
   curve. Layer 0 is the base strip: below r it is under the curve, beyond it stands for
   the tail, drawn as r + Exp(1) (the exponential is memoryless). Layers 1 .. 255: the
   point is accepted when a uniform height within the layer falls under exp(-x);
   otherwise the whole draw starts again with a fresh word. */
double variate__exp1_slow(gsl_rng *r, uint32_t i, uint32_t u)
{
    const double x1 = variate__exp_w[1] * 0x1p24; /* r, exactly */
    for (;;) {
        double x = (double)u * variate__exp_w[i];
        if (i == 0) {
            if (x < x1)
                return x;
            return x1 - log(gsl_rng_uniform_pos(r));
        }
        double lo = variate__exp_f[i], hi = variate__exp_f[i + 1];
        if (lo + gsl_rng_uniform(r) * (hi - lo) < exp(-x))
            return x;
        uint32_t word = (uint32_t)r->type->get(r->state);
        i = word & 255;
        u = word >> 8;
        if (u < variate__exp_k[i])
            return (double)u * variate__exp_w[i];
    }
}
