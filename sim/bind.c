/* Typed values out of CloudFormation-style mappings, with located errors. */
#include "asgsim/bind.h"

#include "asgsim/util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asgsim/banned.h"

static bool in_list(const char *key, const char *const *list, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        if (!strcmp(key, list[i]))
            return true;
    return false;
}

int bind_check_keys(struct bind *b, const struct ynode *map, const struct bind_keys *keys)
{
    int ret = 0;
    if (!map || map->kind != YNODE_MAP)
        return diag_error(b->d, map ? &map->loc : NULL, "%s must be a mapping", b->what);
    for (size_t i = 0; i < map->nr; i++) {
        const struct ynode *k = map->pairs[i].key;
        if (in_list(k->scalar, keys->used, keys->nr_used) ||
            in_list(k->scalar, keys->inert, keys->nr_inert))
            continue;
        if (in_list(k->scalar, keys->unmodelled, keys->nr_unmodelled)) {
            diag_warning(b->d, &k->loc,
                         "property '%s' of %s is not modelled by asgsim yet; ignored", k->scalar,
                         b->what);
            continue;
        }
        size_t nr = keys->nr_used + keys->nr_inert + keys->nr_unmodelled;
        const char **all = xcalloc(nr, sizeof(*all));
        size_t n = 0;
        for (size_t j = 0; j < keys->nr_used; j++)
            all[n++] = keys->used[j];
        for (size_t j = 0; j < keys->nr_inert; j++)
            all[n++] = keys->inert[j];
        for (size_t j = 0; j < keys->nr_unmodelled; j++)
            all[n++] = keys->unmodelled[j];
        const char *hint = diag_closest(k->scalar, all, n);
        if (hint)
            ret = diag_error(b->d, &k->loc, "unknown property '%s' in %s (did you mean '%s'?)",
                             k->scalar, b->what, hint);
        else
            ret = diag_error(b->d, &k->loc, "unknown property '%s' in %s", k->scalar, b->what);
        free(all);
    }
    return ret;
}

int bind_get(struct bind *b, const struct ynode *map, const char *key, const struct ynode **out)
{
    if (!map || map->kind != YNODE_MAP)
        return 0;
    const struct ynode *v = ynode_get(map, key);
    if (!v)
        return 0;
    if (b->cfn) {
        v = cfn_resolve(b->cfn, v, b->d);
        if (!v)
            return ASG_EINVAL;
        if (cfn_is_no_value(v))
            return 0;
    } else if (v->tag && v->tag[0] == '!' && v->tag[1] != '!') {
        return diag_error(b->d, &v->loc, "'%s' in %s: %s is not allowed here", key, b->what,
                          v->tag);
    }
    *out = v;
    return 1;
}

int bind_missing(struct bind *b, const struct src_loc *loc, const char *key)
{
    return diag_error(b->d, loc, "missing required property '%s' in %s", key, b->what);
}

/* The resolved scalar at key: 1, 0 absent, or error for null / non-scalar values. */
static int get_scalar(struct bind *b, const struct ynode *map, const char *key,
                      const struct ynode **out)
{
    const struct ynode *v = NULL;
    int rc = bind_get(b, map, key, &v);
    if (rc <= 0)
        return rc;
    if (v->kind != YNODE_SCALAR)
        return diag_error(b->d, &v->loc, "'%s' in %s must be a single value, not a %s", key,
                          b->what, ynode_kind_name(v->kind));
    if (ynode_is_null(v))
        return diag_error(b->d, &v->loc, "'%s' in %s has no value", key, b->what);
    *out = v;
    return 1;
}

bool bind_parse_int(const char *text, int64_t *out)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(p, &end, 10);
    if (errno || end == p)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = (int64_t)v;
    return true;
}

bool bind_parse_double(const char *text, double *out)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return false;
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (errno || end == p)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

int bind_int(struct bind *b, const struct ynode *map, const char *key, int64_t lo, int64_t hi,
             int64_t *out)
{
    const struct ynode *v = NULL;
    int rc = get_scalar(b, map, key, &v);
    if (rc <= 0)
        return rc;
    int64_t x;
    if (!bind_parse_int(v->scalar, &x))
        return diag_error(b->d, &v->loc, "'%s' in %s must be an integer, got '%s'", key, b->what,
                          v->scalar);
    if (x < lo || x > hi)
        return diag_error(b->d, &v->loc,
                          "'%s' in %s must be between %" PRId64 " and %" PRId64 ", got %" PRId64,
                          key, b->what, lo, hi, x);
    *out = x;
    return 1;
}

int bind_double(struct bind *b, const struct ynode *map, const char *key, double lo, double hi,
                double *out)
{
    const struct ynode *v = NULL;
    int rc = get_scalar(b, map, key, &v);
    if (rc <= 0)
        return rc;
    double x;
    if (!bind_parse_double(v->scalar, &x))
        return diag_error(b->d, &v->loc, "'%s' in %s must be a number, got '%s'", key, b->what,
                          v->scalar);
    if (x < lo || x > hi)
        return diag_error(b->d, &v->loc, "'%s' in %s must be between %g and %g, got %g", key,
                          b->what, lo, hi, x);
    *out = x;
    return 1;
}

int bind_bool(struct bind *b, const struct ynode *map, const char *key, bool *out)
{
    const struct ynode *v = NULL;
    int rc = get_scalar(b, map, key, &v);
    if (rc <= 0)
        return rc;
    if (!strcasecmp(v->scalar, "true"))
        *out = true;
    else if (!strcasecmp(v->scalar, "false"))
        *out = false;
    else
        return diag_error(b->d, &v->loc, "'%s' in %s must be true or false, got '%s'", key, b->what,
                          v->scalar);
    return 1;
}

int bind_string(struct bind *b, const struct ynode *map, const char *key, const char **out)
{
    const struct ynode *v = NULL;
    int rc = get_scalar(b, map, key, &v);
    if (rc <= 0)
        return rc;
    *out = v->scalar;
    return 1;
}

int bind_enum(struct bind *b, const struct ynode *map, const char *key, const char *const *names,
              size_t nr, int *out)
{
    const struct ynode *v = NULL;
    int rc = get_scalar(b, map, key, &v);
    if (rc <= 0)
        return rc;
    for (size_t i = 0; i < nr; i++) {
        if (!strcmp(v->scalar, names[i])) {
            *out = (int)i;
            return 1;
        }
    }
    size_t len = 0;
    for (size_t i = 0; i < nr; i++)
        len += strlen(names[i]) + 2;
    char *choices = xcalloc(len + 1, 1);
    for (size_t i = 0; i < nr; i++) {
        if (i)
            memcpy(choices + strlen(choices), ", ", 3);
        memcpy(choices + strlen(choices), names[i], strlen(names[i]) + 1);
    }
    const char *hint = diag_closest(v->scalar, names, nr);
    if (hint)
        rc = diag_error(b->d, &v->loc,
                        "'%s' in %s must be one of %s, got '%s' (did you mean '%s'?)", key, b->what,
                        choices, v->scalar, hint);
    else
        rc = diag_error(b->d, &v->loc, "'%s' in %s must be one of %s, got '%s'", key, b->what,
                        choices, v->scalar);
    free(choices);
    return rc;
}

bool bind_parse_duration(const char *text, sim_time *out)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return false;
    double total_us = 0;
    bool any = false;
    while (*p && !isspace((unsigned char)*p)) {
        if (!isdigit((unsigned char)*p) && *p != '.')
            return false;
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (errno || end == p || !isfinite(v) || v < 0)
            return false;
        p = end;
        double unit;
        if (!strncmp(p, "ms", 2)) {
            unit = 1e3;
            p += 2;
        } else if (*p == 's') {
            unit = 1e6;
            p++;
        } else if (*p == 'm') {
            unit = 60e6;
            p++;
        } else if (*p == 'h') {
            unit = 3600e6;
            p++;
        } else if (*p == 'd') {
            unit = 86400e6;
            p++;
        } else if (*p == 'w') {
            unit = 604800e6;
            p++;
        } else if (!*p || isspace((unsigned char)*p)) {
            if (any)
                return false; /* "1h30" is ambiguous: a bare number only on its own */
            unit = 1e6;
        } else {
            return false;
        }
        total_us += v * unit;
        any = true;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p || !any)
        return false;
    /* Beyond ~292,000 years an int64 of microseconds overflows. */
    if (!(total_us < 9.2e18))
        return false;
    *out = (sim_time)llround(total_us);
    return true;
}

static char *format_duration(sim_time t)
{
    if (t % SIM_DAY(1) == 0 && t)
        return xasprintf("%" PRId64 "d", t / SIM_DAY(1));
    if (t % SIM_HOUR(1) == 0 && t)
        return xasprintf("%" PRId64 "h", t / SIM_HOUR(1));
    if (t % SIM_MIN(1) == 0 && t)
        return xasprintf("%" PRId64 "m", t / SIM_MIN(1));
    if (t % SIM_SEC(1) == 0)
        return xasprintf("%" PRId64 "s", t / SIM_SEC(1));
    return xasprintf("%gs", (double)t / 1e6);
}

static int check_duration(struct bind *b, const struct ynode *v, const char *key, sim_time x,
                          sim_time lo, sim_time hi)
{
    if (x >= lo && x <= hi)
        return 0;
    char *l = format_duration(lo), *h = format_duration(hi), *g = format_duration(x);
    int rc = diag_error(b->d, &v->loc, "'%s' in %s must be between %s and %s, got %s", key, b->what,
                        l, h, g);
    free(l);
    free(h);
    free(g);
    return rc;
}

int bind_duration(struct bind *b, const struct ynode *map, const char *key, sim_time lo,
                  sim_time hi, sim_time *out)
{
    const struct ynode *v = NULL;
    int rc = get_scalar(b, map, key, &v);
    if (rc <= 0)
        return rc;
    sim_time x;
    if (!bind_parse_duration(v->scalar, &x))
        return diag_error(b->d, &v->loc,
                          "'%s' in %s must be a duration such as 90, 90s, 5m, 2h or 7d, got '%s'",
                          key, b->what, v->scalar);
    if (check_duration(b, v, key, x, lo, hi))
        return ASG_EINVAL;
    *out = x;
    return 1;
}

/* A distribution parameter that is a time (Median, Mean, Min, ...): duration syntax, seconds. */
static int dist_time_param(struct bind *b, const struct ynode *m, const char *key, double *out,
                           bool required, const struct ynode *owner)
{
    sim_time t = 0;
    int rc = bind_duration(b, m, key, 0, SIM_DAY(36500), &t);
    if (rc == 0 && required)
        return bind_missing(b, &owner->loc, key);
    if (rc == 1)
        *out = sim_time_to_seconds(t);
    return rc;
}

int bind_dist(struct bind *b, const struct ynode *map, const char *key, struct dist *out)
{
    const struct ynode *v = NULL;
    int rc = bind_get(b, map, key, &v);
    if (rc <= 0)
        return rc;
    if (v->kind == YNODE_SCALAR) {
        sim_time t;
        rc = bind_duration(b, map, key, 0, SIM_DAY(36500), &t);
        if (rc <= 0)
            return rc;
        out->kind = DIST_CONSTANT;
        out->a = sim_time_to_seconds(t);
        out->b = 0;
        return 1;
    }
    if (v->kind != YNODE_MAP)
        return diag_error(b->d, &v->loc,
                          "'%s' in %s must be a duration or a mapping with 'Distribution'", key,
                          b->what);
    static const char *const names[] = { "constant", "uniform", "exponential", "lognormal",
                                         "gamma",    "weibull", "normal" };
    static const char *const keys[] = { "Distribution", "Value", "Min",   "Max",   "Mean", "Sd",
                                        "Median",       "Zeta",  "Sigma", "Shape", "Scale" };
    char *what = xasprintf("'%s' of %s", key, b->what);
    struct bind sub = { .cfn = b->cfn, .d = b->d, .what = what };
    struct dist d = { 0 };
    int kind = 0;
    const struct bind_keys known = { BIND_LIST(keys), NULL, 0, NULL, 0 };
    rc = bind_check_keys(&sub, v, &known);
    if (rc)
        goto out;
    rc = bind_enum(&sub, v, "Distribution", names, ARRAY_SIZE(names), &kind);
    if (rc == 0)
        rc = bind_missing(&sub, &v->loc, "Distribution");
    if (rc < 0)
        goto out;
    d.kind = (enum dist_kind)kind;
    const char *allowed[3] = { 0 };
    rc = 0;
    switch (d.kind) {
    case DIST_CONSTANT:
        allowed[0] = "Value";
        rc = dist_time_param(&sub, v, "Value", &d.a, true, v);
        break;
    case DIST_UNIFORM:
        allowed[0] = "Min";
        allowed[1] = "Max";
        if (dist_time_param(&sub, v, "Min", &d.a, true, v) < 0 ||
            dist_time_param(&sub, v, "Max", &d.b, true, v) < 0)
            rc = ASG_EINVAL;
        else if (d.b < d.a)
            rc = diag_error(b->d, &v->loc, "%s: Max must not be below Min", what);
        break;
    case DIST_EXPONENTIAL:
        allowed[0] = "Mean";
        rc = dist_time_param(&sub, v, "Mean", &d.a, true, v);
        break;
    case DIST_LOGNORMAL: {
        allowed[0] = "Sigma";
        bool has_median = ynode_get(v, "Median"), has_zeta = ynode_get(v, "Zeta");
        allowed[1] = has_zeta ? "Zeta" : "Median";
        if (has_median && has_zeta) {
            rc = diag_error(b->d, &v->loc, "%s: give Median or Zeta, not both", what);
            break;
        }
        if (has_zeta) {
            rc = bind_double(&sub, v, "Zeta", -50, 50, &d.a);
        } else {
            double median = 0;
            rc = dist_time_param(&sub, v, "Median", &median, true, v);
            if (rc == 1 && median <= 0)
                rc = diag_error(b->d, &ynode_get(v, "Median")->loc,
                                "%s: Median must be greater than 0", what);
            d.a = log(median);
        }
        if (rc < 0)
            break;
        rc = bind_double(&sub, v, "Sigma", 1e-9, 10, &d.b);
        if (rc == 0)
            rc = bind_missing(&sub, &v->loc, "Sigma");
        break;
    }
    case DIST_GAMMA:
    case DIST_WEIBULL:
        allowed[0] = "Shape";
        allowed[1] = "Scale";
        {
            double shape = 0, scale = 0;
            int r1 = bind_double(&sub, v, "Shape", 1e-6, 1e6, &shape);
            if (r1 == 0)
                r1 = bind_missing(&sub, &v->loc, "Shape");
            int r2 = dist_time_param(&sub, v, "Scale", &scale, true, v);
            if (r1 < 0 || r2 < 0) {
                rc = ASG_EINVAL;
                break;
            }
            if (scale <= 0) {
                rc = diag_error(b->d, &ynode_get(v, "Scale")->loc,
                                "%s: Scale must be greater than 0", what);
                break;
            }
            /* GSL: gamma(a = shape, b = scale); weibull(a = scale, b = shape). */
            d.a = d.kind == DIST_GAMMA ? shape : scale;
            d.b = d.kind == DIST_GAMMA ? scale : shape;
        }
        break;
    case DIST_NORMAL:
        allowed[0] = "Mean";
        allowed[1] = "Sd";
        if (dist_time_param(&sub, v, "Mean", &d.a, true, v) < 0 ||
            dist_time_param(&sub, v, "Sd", &d.b, true, v) < 0)
            rc = ASG_EINVAL;
        break;
    }
    if (rc < 0)
        goto out;
    /* Parameters that belong to another distribution are mistakes, not extras to ignore. */
    for (size_t i = 0; i < v->nr; i++) {
        const struct ynode *k = v->pairs[i].key;
        if (!strcmp(k->scalar, "Distribution"))
            continue;
        bool ok = false;
        for (size_t j = 0; j < ARRAY_SIZE(allowed) && allowed[j] && !ok; j++)
            ok = !strcmp(k->scalar, allowed[j]);
        if (!ok)
            rc = diag_error(b->d, &k->loc, "%s: '%s' is not a parameter of the %s distribution",
                            what, k->scalar, names[d.kind]);
    }
    if (rc < 0)
        goto out;
    *out = d;
    rc = 1;
out:
    free(what);
    return rc;
}

int bind_scalar_list(struct bind *b, const struct ynode *map, const char *key,
                     const struct ynode ***out, size_t *nr)
{
    const struct ynode *v = NULL;
    int rc = bind_get(b, map, key, &v);
    if (rc <= 0)
        return rc;
    if (v->kind != YNODE_SEQ)
        return diag_error(b->d, &v->loc, "'%s' in %s must be a list, not a %s", key, b->what,
                          ynode_kind_name(v->kind));
    const struct ynode **items = xcalloc(v->nr, sizeof(*items));
    size_t n = 0;
    for (size_t i = 0; i < v->nr; i++) {
        const struct ynode *it = v->items[i];
        if (b->cfn) {
            it = cfn_resolve(b->cfn, it, b->d);
            if (!it) {
                rc = ASG_EINVAL;
                continue;
            }
            if (cfn_is_no_value(it))
                continue;
        }
        if (it->kind == YNODE_SEQ) {
            /* A Ref to a list parameter inside a list: CloudFormation would reject it. */
            rc = diag_error(b->d, &it->loc, "'%s' in %s: a list item must be a single value", key,
                            b->what);
            continue;
        }
        if (it->kind != YNODE_SCALAR || ynode_is_null(it)) {
            rc = diag_error(b->d, &it->loc, "'%s' in %s: list items must be single values", key,
                            b->what);
            continue;
        }
        items[n++] = it;
    }
    if (rc < 0) {
        free(items);
        return rc;
    }
    *out = items;
    *nr = n;
    return 1;
}

int bind_map(struct bind *b, const struct ynode *map, const char *key, const struct ynode **out)
{
    const struct ynode *v = NULL;
    int rc = bind_get(b, map, key, &v);
    if (rc <= 0)
        return rc;
    if (v->kind != YNODE_MAP)
        return diag_error(b->d, &v->loc, "'%s' in %s must be a mapping, not a %s", key, b->what,
                          ynode_kind_name(v->kind));
    *out = v;
    return 1;
}
