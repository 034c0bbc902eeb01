/*
 * cfn_cond.c - the condition functions of a CloudFormation template (AWS:
 * intrinsic-function-reference-conditions): named conditions from the Conditions section,
 * evaluated once each with cycles reported, Fn::Equals, Fn::Not, Fn::And, Fn::Or, and
 * Fn::If, which picks a value by one of them.
 */
#include "cfn_int.h"

#include "asgsim/cfn.h"
#include "asgsim/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
#include "asgsim/banned.h" /* last: bans unsafe functions in this file only */

/* clang-format on */

/* Value of the named condition from the Conditions section: 1, 0, or -1 on error. */
static int named_condition(struct rctx *c, const char *name, const struct ynode *at, unsigned depth)
{
    struct cfn_impl *t = c->t;
    const struct ynode *conds = t->conditions;
    for (size_t i = 0; conds && i < conds->nr; i++) {
        if (!key_is(conds->pairs[i].key, name))
            continue;
        if (t->cond_state[i] == 1) {
            diag_error(c->d, &at->loc, "condition '%s' depends on itself", name);
            return -1;
        }
        if (t->cond_state[i] == 4) /* failed: reported once already */
            return -1;
        if (t->cond_state[i] >= 2)
            return t->cond_state[i] - 2;
        t->cond_state[i] = 1;
        int v = cfn__eval_condition(c, conds->pairs[i].value, depth + 1);
        t->cond_state[i] = (signed char)(v < 0 ? 4 : v + 2);
        return v;
    }
    const char **keys = conds ? cfn__map_keys(conds) : NULL;
    cfn__error_suggest(c->d, &at->loc, name, keys, conds ? conds->nr : 0, "unknown condition '%s'",
                       name);
    free(keys);
    return -1;
}

static int eval_equals(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a = cfn__list_arg(c, call, depth, 2, 2, "[value1, value2]");
    if (!a)
        return -1;
    const struct ynode *x = cfn__resolve_scalar(c, a->items[0], depth, call, "a value");
    const struct ynode *y = x ? cfn__resolve_scalar(c, a->items[1], depth, call, "a value") : NULL;
    if (!y)
        return -1;
    return x->len == y->len && memcmp(x->scalar, y->scalar, x->len) == 0;
}

/* A condition function (Fn::Equals/Not/And/Or or Condition): 1, 0, or -1 on error. */
int cfn__eval_condition(struct rctx *c, const struct ynode *n, unsigned depth)
{
    struct call call;
    if (depth > CFN_MAX_DEPTH) {
        diag_error(c->d, &n->loc, "conditions nested too deeply (more than %d levels)",
                   CFN_MAX_DEPTH);
        return -1;
    }
    if (n->kind == YNODE_MAP && n->nr == 1 && key_is(n->pairs[0].key, "Condition") && !n->tag) {
        call.fn = FN_CONDITION;
        call.name = "Condition";
        call.node = n;
        call.arg = n->pairs[0].value;
        call.is_short = false;
    } else if (!cfn__classify(n, &call)) {
        diag_error(
                c->d, &n->loc,
                "expected a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition)");
        return -1;
    }
    const struct ynode *a;
    switch (call.fn) {
    case FN_CONDITION:
        if (!is_string(call.arg) && !(call.is_short && call.arg->kind == YNODE_SCALAR)) {
            diag_error(c->d, &n->loc, "Condition needs a condition name");
            return -1;
        }
        return named_condition(c, call.arg->scalar, n, depth);
    case FN_EQUALS:
        return eval_equals(c, &call, depth + 1);
    case FN_NOT:
        a = cfn__list_arg(c, &call, depth + 1, 1, 1, "[condition]");
        if (!a)
            return -1;
        int v = cfn__eval_condition(c, a->items[0], depth + 1);
        return v < 0 ? -1 : !v;
    case FN_AND:
    case FN_OR:
        /* AWS: intrinsic-function-reference-conditions: 2 to 10 conditions. */
        a = cfn__list_arg(c, &call, depth + 1, 2, 10, "a list of 2 to 10 conditions");
        if (!a)
            return -1;
        for (size_t i = 0; i < a->nr; i++) {
            int x = cfn__eval_condition(c, a->items[i], depth + 1);
            if (x < 0)
                return -1;
            if (x == (call.fn == FN_OR))
                return x;
        }
        return call.fn == FN_AND;
    default:
        diag_error(c->d, &n->loc, "%s is not a condition function", call.name);
        return -1;
    }
}

const struct ynode *cfn__eval_if(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a =
            cfn__list_arg(c, call, depth, 3, 3, "[ConditionName, value_if_true, value_if_false]");
    if (!a)
        return NULL;
    if (!is_string(a->items[0])) {
        diag_error(c->d, &a->items[0]->loc, "the first item of Fn::If must be a condition name");
        return NULL;
    }
    int v = named_condition(c, a->items[0]->scalar, a->items[0], depth);
    if (v < 0)
        return NULL;
    return a->items[v ? 1 : 2];
}

int cfn__condition_value(struct cfn_impl *t, const struct ynode *name, struct diag_list *d)
{
    struct rctx c = { t, d };
    return named_condition(&c, name->scalar, name, 0);
}

/* ---- properties AWS::NoValue removes ----------------------------------------------------- */

/* Data nested deeper than this is left as written (it is read, and reported, as it is). */
#define PRESENT_MAX_DEPTH 1024

static bool is_no_value_ref(const struct call *call)
{
    return call->fn == FN_REF && call->arg->kind == YNODE_SCALAR &&
           strcmp(call->arg->scalar, "AWS::NoValue") == 0;
}

/* A node of the document put into a synthesized one; nothing writes through it. */
static struct ynode *shared(const struct ynode *n)
{
    return (struct ynode *)(uintptr_t)n;
}

static const struct ynode *present(struct rctx *c, const struct ynode *n, unsigned depth)
{
    struct call call;
    if (depth > PRESENT_MAX_DEPTH)
        return n;
    if (cfn__classify(n, &call)) {
        if (is_no_value_ref(&call))
            return NULL;
        if (call.fn != FN_IF)
            return n; /* other functions are resolved where their value is read */
        size_t errors = c->d->nr_errors;
        const struct ynode *v = cfn__eval_if(c, &call, depth);
        /* a condition that cannot be evaluated is left to cfn_resolve(), which reports it */
        if (!v || c->d->nr_errors > errors)
            return n;
        return present(c, v, depth + 1);
    }
    if (n->kind == YNODE_SCALAR)
        return n;
    size_t nr = n->nr, kept = 0;
    bool changed = false;
    const struct ynode **v = xcalloc(nr ? nr : 1, sizeof(*v));
    for (size_t i = 0; i < nr; i++) {
        const struct ynode *was = n->kind == YNODE_MAP ? n->pairs[i].value : n->items[i];
        v[i] = present(c, was, depth + 1);
        kept += v[i] != NULL;
        changed |= v[i] != was;
    }
    const struct ynode *out = n;
    if (changed) {
        struct ynode *m = n->kind == YNODE_MAP ? ydoc_new_map(c->t->pub.doc, &n->loc, kept)
                                               : ydoc_new_seq(c->t->pub.doc, &n->loc, kept);
        m->tag = n->tag;
        for (size_t i = 0, k = 0; i < nr; i++) {
            if (!v[i])
                continue;
            if (n->kind == YNODE_MAP)
                m->pairs[k++] = (struct ynode_pair){ n->pairs[i].key, shared(v[i]) };
            else
                m->items[k++] = shared(v[i]);
        }
        out = m;
    }
    free(v);
    return out;
}

const struct ynode *cfn__present(struct cfn_impl *t, const struct ynode *n)
{
    struct diag_list scratch = { 0 };
    struct rctx c = { t, &scratch };
    const struct ynode *v = present(&c, n, 0);
    diag_list_release(&scratch);
    return v;
}

/* ---- references to resources not created ---------------------------------------------- */

/* Data nested deeper than this is not walked; reading it reports what matters. */
#define WALK_MAX_DEPTH 1024

/* Report `what` at `at` when the logical id id[0..len) is a resource not created. */
static void check_target(struct rctx *c, const char *id, size_t len, const struct ynode *at,
                         const char *what)
{
    for (size_t i = 0; i < c->t->nr_absent; i++) {
        const struct cfn_resource *r = &c->t->absent[i];
        if (strlen(r->logical_id) == len && memcmp(r->logical_id, id, len) == 0) {
            diag_error(c->d, &at->loc,
                       "%s names resource '%s', which is not created: its condition '%s' is false",
                       what, r->logical_id, r->condition);
            return;
        }
    }
}

static void walk(struct rctx *c, const struct ynode *n, unsigned depth);

static void walk_children(struct rctx *c, const struct ynode *n, unsigned depth)
{
    if (n->kind == YNODE_MAP)
        for (size_t i = 0; i < n->nr; i++)
            walk(c, n->pairs[i].value, depth + 1);
    else if (n->kind == YNODE_SEQ)
        for (size_t i = 0; i < n->nr; i++)
            walk(c, n->items[i], depth + 1);
}

/* The ${Name} and ${Name.Attr} of an Fn::Sub; names given in its variable map are local. */
/* An Fn::Sub name: checked as a Ref (no attribute) or a GetAtt's resource. */
struct sub_ctx {
    struct rctx *c;
    const struct ynode *at;
};

static void sub_name(void *ctx, const char *name, size_t len, bool attr)
{
    struct sub_ctx *sc = ctx;
    (void)attr;
    check_target(sc->c, name, len, sc->at, "Fn::Sub");
}

static void walk_sub(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *fmt, *vars;
    if (!cfn__sub_parts(call, &fmt, &vars))
        return;
    if (vars)
        walk(c, vars, depth + 1);
    struct sub_ctx sc = { c, call->node };
    cfn__sub_names(fmt, vars, sub_name, &sc);
}

/*
 * Walk a value for references. Only the branch an Fn::If takes counts: that is how a
 * template refers to a conditional resource safely. An Fn::If whose condition cannot be
 * evaluated is left to cfn_resolve(), which reports it if the value is read.
 */
static void walk(struct rctx *c, const struct ynode *n, unsigned depth)
{
    struct call call;
    if (!n || depth > WALK_MAX_DEPTH)
        return;
    if (!cfn__classify(n, &call)) {
        walk_children(c, n, depth);
        return;
    }
    const struct ynode *a = call.arg;
    switch (call.fn) {
    case FN_REF:
        if (a->kind == YNODE_SCALAR)
            check_target(c, a->scalar, a->len, call.node, "Ref");
        return;
    case FN_GETATT:
        if (a->kind == YNODE_SCALAR) {
            const char *dot = strchr(a->scalar, '.');
            check_target(c, a->scalar, dot ? (size_t)(dot - a->scalar) : a->len, call.node,
                         "Fn::GetAtt");
        } else if (a->kind == YNODE_SEQ && a->nr == 2 && is_string(a->items[0])) {
            check_target(c, a->items[0]->scalar, a->items[0]->len, call.node, "Fn::GetAtt");
            walk(c, a->items[1], depth + 1);
        }
        return;
    case FN_SUB:
        walk_sub(c, &call, depth);
        return;
    case FN_IF:
        if (a->kind == YNODE_SEQ && a->nr == 3 && is_string(a->items[0])) {
            struct diag_list quiet = { 0 };
            struct rctx qc = { c->t, &quiet };
            int v = named_condition(&qc, a->items[0]->scalar, a->items[0], depth);
            diag_list_release(&quiet);
            if (v >= 0)
                walk(c, a->items[v ? 1 : 2], depth + 1);
            return;
        }
        break;
    default:
        break;
    }
    if (call.is_short)
        walk_children(c, n, depth);
    else
        walk(c, a, depth + 1);
}

static void walk_depends_on(struct rctx *c, const struct ynode *dep)
{
    if (is_string(dep))
        check_target(c, dep->scalar, dep->len, dep, "DependsOn");
    else if (dep && dep->kind == YNODE_SEQ)
        for (size_t i = 0; i < dep->nr; i++)
            if (is_string(dep->items[i]))
                check_target(c, dep->items[i]->scalar, dep->items[i]->len, dep->items[i],
                             "DependsOn");
}

void cfn__check_absent_refs(struct cfn_impl *t, struct diag_list *d)
{
    struct rctx c = { t, d };
    for (size_t i = 0; t->nr_absent && i < t->pub.nr_resources; i++) {
        const struct ynode *r = t->pub.resources[i].node;
        for (size_t k = 0; k < r->nr; k++) {
            const struct ynode *key = r->pairs[k].key;
            if (key_is(key, "DependsOn"))
                walk_depends_on(&c, r->pairs[k].value);
            else if (!key_is(key, "Type") && !key_is(key, "Condition"))
                walk(&c, r->pairs[k].value, 0);
        }
    }
    const struct ynode *outs = t->outputs;
    for (size_t i = 0; outs && i < outs->nr; i++) {
        const struct ynode *o = outs->pairs[i].value;
        if (o->kind != YNODE_MAP)
            continue;
        const struct ynode *cond = ynode_get(o, "Condition");
        if (cond && !is_string(cond)) {
            diag_error(d, &cond->loc,
                       "the Condition of output '%s' must be the name of a condition",
                       outs->pairs[i].key->scalar);
            continue;
        }
        if (cond && cfn__condition_value(t, cond, d) != 1)
            continue;
        for (size_t k = 0; t->nr_absent && k < o->nr; k++)
            if (!key_is(o->pairs[k].key, "Condition"))
                walk(&c, o->pairs[k].value, 0);
    }
}
