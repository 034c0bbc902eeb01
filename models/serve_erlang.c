/* Erlang C for fluid mode's M/M/c steps (serve.h): the recursion, and its O(1) form for
   large fleets. */
#include "asgsim/serve.h"
#include "asgsim/util.h"

#include <math.h>

#include "asgsim/banned.h"

/* 1 / Erlang B with c servers from 1 / Erlang B with k - 1 servers (`inv`): the recursion
   below, k .. c. */
static double erlang_b_inv_from(unsigned k, double inv, unsigned c, double a)
{
    double ra = 1.0 / a;
    for (; k + 3 <= c; k += 4) {
        double r0 = (double)k * ra, r1 = (double)(k + 1) * ra;
        double r2 = (double)(k + 2) * ra, r3 = (double)(k + 3) * ra;
        double r32 = r3 * r2; /* (1 + r3 y) after y = 1 + r2 x, and so on */
        double p = (1.0 + r3) + r32 * (1.0 + r1), q = r32 * (r1 * r0);
        inv = p + q * inv;
    }
    for (; k <= c; k++)
        inv = 1.0 + ((double)k * ra) * inv;
    return inv;
}

double serve_erlang_c_exact(unsigned c, double a)
{
    ASG_ASSERT(c > 0 && a >= 0 && a < (double)c);
    /* The Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)) in its inverse form
       1/B(k) = 1 + r_k / B(k-1), r_k = k / a: all terms positive, so as stable; 1/B
       overflowing to infinity gives B = 0, as B's underflow did. One step after the other
       it is a chain of c multiply-adds, so four steps are composed into one,
       1/B(k+3) = P + Q / B(k-1) with P and Q formed off the chain: a quarter of the chain.
       The rounding differs from the step-by-step recursion by a few ulps. */
    if (a <= 0)
        return 0.0; /* nobody arrives, nobody waits */
    double b = 1.0 / erlang_b_inv_from(1, 1.0, c, a);
    double rho = a / (double)c;
    return b / (1.0 - rho * (1.0 - b));
}

/*
 * Erlang B for c > SERVE_ERLANG_EXACT_MAX in O(1), or O(sqrt a) near saturation, instead of
 * O(c). B(c, a) = P(X = c) / P(X <= c) for X ~ Poisson(a), and the Poisson law is
 * concentrated within a few sqrt(a) of a:
 *  - Far below saturation (Chernoff: P(X > c) <= exp(-a h(u)), h(u) = (1+u) ln(1+u) - u,
 *    u = (c + 1 - a) / a, below e^-50): P(X <= c) = 1 to 1e-21 and B = P(X = c), from
 *    Stirling's series in log1p form (no lgamma of a large number, whose rounding alone
 *    would be 1e-10 of B). Error: a few ulps of ln B, i.e. below 1e-12 relative while B is
 *    not subnormal.
 *  - Near saturation the recursion starts at k0 = a - 10 sqrt(a) from 1/B(k0) = 1 instead of
 *    at 0: its error is the start's (at most a / (a - k0) relative) times
 *    P(X <= k0) / P(X <= c) <= 2 exp(-50) (Chernoff), below 1e-20 relative; the steps'
 *    rounding adds about (c - k0) ulps, c - k0 <= 20 sqrt(a) + 2.
 * Checked against serve_erlang_c_exact() in test_serve_fluid.c (1e-9 relative).
 */
static double erlang_b_large(unsigned c, double a)
{
    double dc = (double)c;
    double u1 = (dc + 1.0 - a) / a;
    if (a * ((1.0 + u1) * log1p(u1) - u1) > 50.0) {
        double u = (dc - a) / a;
        double d = a * ((1.0 + u) * log1p(u) - u); /* c ln(c/a) - c + a */
        /* ln c! - (c ln c - c + ln(2 pi c) / 2): the next term is below 1e-20 here */
        double corr = 1.0 / (12.0 * dc) - 1.0 / (360.0 * dc * dc * dc);
        return exp(-d - 0.5 * log(6.283185307179586 * dc) /* 2 pi c */ - corr);
    }
    double k0 = floor(a - 10.0 * sqrt(a));
    if (k0 < 1.0)
        return 1.0 / erlang_b_inv_from(1, 1.0, c, a);
    return 1.0 / erlang_b_inv_from((unsigned)k0 + 1, 1.0, c, a);
}

double serve_erlang_c(unsigned c, double a)
{
    if (c <= SERVE_ERLANG_EXACT_MAX)
        return serve_erlang_c_exact(c, a);
    ASG_ASSERT(a >= 0 && a < (double)c);
    if (a <= 0)
        return 0.0;
    double b = erlang_b_large(c, a);
    double rho = a / (double)c;
    return b / (1.0 - rho * (1.0 - b));
}
