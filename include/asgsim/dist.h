/*
 * dist.h - random durations and quantities drawn from named GSL distributions.
 *
 * Parameters are in the unit of the quantity (seconds for durations). Supported kinds and
 * their parameters (as written in a scenario):
 *   constant    Value
 *   uniform     Min, Max                      (gsl_ran_flat)
 *   exponential Mean                          (gsl_ran_exponential)
 *   lognormal   Median, Sigma  or  Zeta, Sigma (gsl_ran_lognormal; Median = exp(Zeta))
 *   gamma       Shape, Scale                  (gsl_ran_gamma)
 *   weibull     Scale, Shape                  (gsl_ran_weibull)
 *   normal      Mean, Sd, truncated at 0 by redrawing (gsl_ran_gaussian)
 */
#ifndef ASGSIM_DIST_H
#define ASGSIM_DIST_H

#include "asgsim/sim.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>

enum dist_kind {
    DIST_CONSTANT,
    DIST_UNIFORM,
    DIST_EXPONENTIAL,
    DIST_LOGNORMAL,
    DIST_GAMMA,
    DIST_WEIBULL,
    DIST_NORMAL
};

/** A distribution over non-negative values; plain data. */
struct dist {
    enum dist_kind kind;
    double a; /* constant: value; uniform: min; exponential: mean; lognormal: zeta;
                 gamma: shape; weibull: scale; normal: mean */
    double b; /* uniform: max; lognormal: sigma; gamma: scale; weibull: shape; normal: sd */
};

/** Stable lower-case name of a kind ("lognormal"). */
const char *dist_kind_name(enum dist_kind kind);

/** Parse a kind name (case-insensitive). \return false when unknown. */
bool dist_kind_parse(const char *name, enum dist_kind *out);

/** One draw (>= 0). Uses only `rng`. */
double dist_sample(const struct dist *d, gsl_rng *rng);

/** One draw interpreted as seconds, as simulated time (rounded to the microsecond). */
sim_time dist_sample_time(const struct dist *d, gsl_rng *rng);

/** The distribution's mean (for documentation and tests). */
double dist_mean(const struct dist *d);

#endif /* ASGSIM_DIST_H */
