/*
 * cfn_cond.c - the condition functions of a CloudFormation template (AWS:
 * intrinsic-function-reference-conditions): named conditions from the Conditions section,
 * evaluated once each with cycles reported, Fn::Equals, Fn::Not, Fn::And, Fn::Or, and
 * Fn::If, which picks a value by one of them.
 */
#include "cfn_int.h"

#include "asgsim/cfn.h"
#include "asgsim/util.h"

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
        if (t->cond_state[i] >= 2)
            return t->cond_state[i] - 2;
        t->cond_state[i] = 1;
        int v = cfn__eval_condition(c, conds->pairs[i].value, depth + 1);
        t->cond_state[i] = (signed char)(v < 0 ? 0 : v + 2);
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
