/*
 * bind.h - reading typed values out of CloudFormation-style mappings, with errors that
 * name the property, the owner and the line:column the user wrote.
 *
 * Every getter resolves intrinsics first (through the template, when one is given) and
 * returns 1 when the key was present and *out was set, 0 when the key is absent (or is
 * AWS::NoValue; *out untouched, so the caller's default stays), or ASG_EINVAL after
 * recording an error. No AWS knowledge lives here; the models give the rules.
 *
 * Numbers may be written plain (300) or quoted ('300'): CloudFormation declares several
 * numeric properties as String.
 */
#ifndef ASGSIM_BIND_H
#define ASGSIM_BIND_H

#include "asgsim/cfn.h"
#include "asgsim/diag.h"
#include "asgsim/dist.h"
#include "asgsim/sim.h"
#include "asgsim/yamltree.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bind {
    struct cfn_template *cfn; /* resolves intrinsics; NULL: intrinsics are errors */
    struct diag_list *d;
    const char *what; /* the owner, for messages: "AWS::AutoScaling::AutoScalingGroup 'WebASG'" */
};

/** The keys a mapping may have. */
struct bind_keys {
    const char *const *used; /* modelled */
    size_t nr_used;
    const char *const *inert; /* valid, and without effect on a simulation: accepted silently */
    size_t nr_inert;
    const char *const *unmodelled; /* valid, would change results, not modelled: one warning each */
    size_t nr_unmodelled;
};

#define BIND_LIST(a) (a), (sizeof(a) / sizeof((a)[0]))

/**
 * Check every key of `map` against `keys`. Unknown keys are errors with a did-you-mean
 * over all known keys; unmodelled keys get one warning each. A `map` that is not a
 * mapping is an error. \return 0 or ASG_EINVAL.
 */
int bind_check_keys(struct bind *b, const struct ynode *map, const struct bind_keys *keys);

/** The resolved value of `key` (1), absent/NoValue (0), or error (ASG_EINVAL). */
int bind_get(struct bind *b, const struct ynode *map, const char *key, const struct ynode **out);

/** Error "missing required property 'KEY' in <what>" at `loc`. \return ASG_EINVAL. */
int bind_missing(struct bind *b, const struct src_loc *loc, const char *key);

/** Integer in [lo, hi]. */
int bind_int(struct bind *b, const struct ynode *map, const char *key, int64_t lo, int64_t hi,
             int64_t *out);

/** Finite double in [lo, hi]. */
int bind_double(struct bind *b, const struct ynode *map, const char *key, double lo, double hi,
                double *out);

/** Boolean written true/false (any case, quoted or not). */
int bind_bool(struct bind *b, const struct ynode *map, const char *key, bool *out);

/** Scalar text; *out is borrowed from the document (valid while the document lives). */
int bind_string(struct bind *b, const struct ynode *map, const char *key, const char **out);

/** One of `names` (exact match); *out is the index. Errors list the choices. */
int bind_enum(struct bind *b, const struct ynode *map, const char *key, const char *const *names,
              size_t nr, int *out);

/**
 * Duration in [lo, hi]: plain seconds (90, 1.5) or a number with a unit, or several
 * (250ms, 90s, 5m, 2h, 7d, 1w, 2d10h).
 */
int bind_duration(struct bind *b, const struct ynode *map, const char *key, sim_time lo,
                  sim_time hi, sim_time *out);

/**
 * A random duration: a plain duration (constant) or a mapping
 * {Distribution: lognormal, Median: 90s, Sigma: 0.3} (parameters as in dist.h; those
 * that are times accept duration syntax). Values are checked for validity (sigma > 0, ...).
 */
int bind_dist(struct bind *b, const struct ynode *map, const char *key, struct dist *out);

/**
 * A list of scalars: a sequence (each item resolved), or a Ref to a list parameter.
 * *out is a new array (free the array only) of resolved scalar nodes owned by the document.
 */
int bind_scalar_list(struct bind *b, const struct ynode *map, const char *key,
                     const struct ynode ***out, size_t *nr);

/** The resolved value of `key`, which must be a mapping (1), absent (0), or error. */
int bind_map(struct bind *b, const struct ynode *map, const char *key, const struct ynode **out);

/** Parse a duration string (as bind_duration) without a node. \return false when invalid. */
bool bind_parse_duration(const char *text, sim_time *out);

/** Parse a whole string as an integer. \return false when it is not one. */
bool bind_parse_int(const char *text, int64_t *out);

/** Parse a whole string as a finite double. \return false when it is not one. */
bool bind_parse_double(const char *text, double *out);

#endif /* ASGSIM_BIND_H */
