/* Random quantities from named GSL distributions; all draws go through the caller's stream. */
#include "asgsim/dist.h"

#include "asgsim/util.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <strings.h>

#include "asgsim/banned.h"

static const char *const kind_names[] = {
    [DIST_CONSTANT] = "constant",   [DIST_UNIFORM] = "uniform", [DIST_EXPONENTIAL] = "exponential",
    [DIST_LOGNORMAL] = "lognormal", [DIST_GAMMA] = "gamma",     [DIST_WEIBULL] = "weibull",
    [DIST_NORMAL] = "normal",
};

const char *dist_kind_name(enum dist_kind kind)
{
    if ((size_t)kind >= ARRAY_SIZE(kind_names))
        ASG_BUG("bad distribution kind %d", (int)kind);
    return kind_names[kind];
}

bool dist_kind_parse(const char *name, enum dist_kind *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++) {
        if (!strcasecmp(name, kind_names[i])) {
            *out = (enum dist_kind)i;
            return true;
        }
    }
    return false;
}

double dist_sample(const struct dist *d, gsl_rng *rng)
{
    double x;
    switch (d->kind) {
    case DIST_CONSTANT:
        return d->a;
    case DIST_UNIFORM:
        return gsl_ran_flat(rng, d->a, d->b);
    case DIST_EXPONENTIAL:
        return gsl_ran_exponential(rng, d->a);
    case DIST_LOGNORMAL:
        return gsl_ran_lognormal(rng, d->a, d->b);
    case DIST_GAMMA:
        return gsl_ran_gamma(rng, d->a, d->b);
    case DIST_WEIBULL:
        return gsl_ran_weibull(rng, d->a, d->b);
    case DIST_NORMAL:
        /* Durations cannot be negative: redraw (a truncated normal), documented in dist.h. */
        for (int tries = 0; tries < 1000; tries++) {
            x = d->a + gsl_ran_gaussian(rng, d->b);
            if (x >= 0)
                return x;
        }
        return 0.0;
    }
    ASG_BUG("bad distribution kind %d", (int)d->kind);
}

sim_time dist_sample_time(const struct dist *d, gsl_rng *rng)
{
    return sim_time_from_seconds(dist_sample(d, rng));
}

double dist_mean(const struct dist *d)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return d->a;
    case DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case DIST_EXPONENTIAL:
        return d->a;
    case DIST_LOGNORMAL:
        return exp(d->a + d->b * d->b / 2);
    case DIST_GAMMA:
        return d->a * d->b;
    case DIST_WEIBULL:
        return d->a * tgamma(1 + 1 / d->b);
    case DIST_NORMAL:
        return d->a; /* of the untruncated normal; truncation matters only when mean ~ sd */
    }
    ASG_BUG("bad distribution kind %d", (int)d->kind);
}
