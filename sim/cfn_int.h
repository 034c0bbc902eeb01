/*
 * cfn_int.h - private to the CloudFormation layer (cfn.c: the template and its parameters;
 * cfn_fn.c: the intrinsic functions; cfn_cond.c: the condition functions). The template's
 * full state behind the public struct cfn_template, the parsed form of an intrinsic call,
 * the resolution context, and the helpers more than one of those files uses, named
 * cfn__<name> when they are not inline.
 */
#ifndef ASGSIM_CFN_INT_H
#define ASGSIM_CFN_INT_H

#include "asgsim/cfn.h"
#include "asgsim/diag.h"
#include "asgsim/util.h"
#include "asgsim/yamltree.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting than this is a self-reference (or an absurd template), not a real value. */
#define CFN_MAX_DEPTH 64

/* AWS: pseudo-parameters-ref; a fixed account id keeps outputs deterministic. */
#define CFN_ACCOUNT_ID "123456789012"

struct cfn_impl {
    struct cfn_template pub;        /* first, so the public pointer converts back */
    const struct ynode **pdecl;     /* each parameter's declaration MAP, same index as params */
    const struct ynode *mappings;   /* Mappings MAP or NULL */
    const struct ynode *conditions; /* Conditions MAP or NULL */
    signed char *cond_state; /* per condition: 0 unknown, 1 evaluating, 2 false, 3 true, 4 failed */
    struct cfn_resource *absent; /* resources under a false condition, in file order */
    size_t nr_absent;
    const struct ynode *outputs; /* Outputs MAP or NULL */
};

static inline struct cfn_impl *impl(struct cfn_template *t)
{
    return (struct cfn_impl *)t;
}

struct strbuf {
    char *buf;
    size_t len, alloc;
};

static inline void sb_add(struct strbuf *sb, const char *s, size_t n)
{
    ALLOC_GROW(sb->buf, sb->len + n + 1, sb->alloc);
    if (n)
        memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

static inline void sb_adds(struct strbuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

static inline bool is_string(const struct ynode *n)
{
    return n && n->kind == YNODE_SCALAR && !n->tag;
}

static inline bool key_is(const struct ynode *k, const char *s)
{
    return k->kind == YNODE_SCALAR && strcmp(k->scalar, s) == 0;
}

static inline bool parse_index(const char *s, size_t *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
        return false;
    *out = (size_t)strtoul(s, NULL, 10);
    return true;
}

enum fn {
    FN_REF,
    FN_GETATT,
    FN_SUB,
    FN_JOIN,
    FN_SELECT,
    FN_SPLIT,
    FN_FINDINMAP,
    FN_IF,
    FN_EQUALS,
    FN_NOT,
    FN_AND,
    FN_OR,
    FN_CONDITION,
    FN_BASE64,
    FN_CIDR,
    FN_GETAZS,
    FN_IMPORTVALUE,
    FN_TRANSFORM,
    FN_UNKNOWN,
};

struct call {
    enum fn fn;
    const char *name;         /* as written: "!Foo" or "Fn::Foo" */
    const struct ynode *node; /* the intrinsic as a whole (its location is the result's) */
    const struct ynode *arg;  /* the argument; for the short form, `node` itself */
    bool is_short;
};

struct rctx {
    struct cfn_impl *t;
    struct diag_list *d;
};

/*
 * Fn::Sub's parts: its format string and its variable map (NULL when it has none); false when
 * the argument has neither form (the resolver reports that).
 */
bool cfn__sub_parts(const struct call *call, const struct ynode **fmt, const struct ynode **vars);

/* Called for each ${Name} or ${Name.Attr} of a Sub format that its variable map does not give;
   `len` spans the name up to the dot, `attr` says there is one. */
typedef void cfn__sub_name_fn(void *ctx, const char *name, size_t len, bool attr);

/* The names a Sub format refers to, in order (${!Literal} and ${} are skipped). */
void cfn__sub_names(const struct ynode *fmt, const struct ynode *vars, cfn__sub_name_fn *fn,
                    void *ctx);

/* diag_error() with a did-you-mean suffix computed from `word` and `cands`. */
int cfn__error_suggest(struct diag_list *d, const struct src_loc *loc, const char *word,
                       const char *const *cands, size_t nr, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

/* ---- parameters (cfn.c) ------------------------------------------------------------------ */

/* true for the AWS::SSM::Parameter::Value<...> parameter types. */
bool cfn__is_ssm_value_type(const char *type);

/* Split a list parameter value on commas into *out (members space-trimmed); \return the count. */
size_t cfn__split_list(const char *s, char ***out);

/* Free the first nr strings of v, then v. */
void cfn__free_strv(char **v, size_t nr);

/* true when s is one of v[0..nr). */
bool cfn__in_list(const char *s, const char *const *v, size_t nr);

/* The parameter names, room for `extra` more, then NULL (free the array, not the names). */
const char **cfn__param_names(const struct cfn_template *t, size_t extra);

/* Index of the named parameter, or -1. */
int cfn__param_index(const struct cfn_template *t, const char *name);

/* ---- intrinsic functions (cfn_fn.c) ---------------------------------------------------- */

/* Recognise n as an intrinsic function call in either form. \return false when it is none. */
bool cfn__classify(const struct ynode *n, struct call *c);

/* The call's argument, which must be a list of `min`..`max` items (else an error, NULL). */
const struct ynode *cfn__list_arg(struct rctx *c, const struct call *call, unsigned depth,
                                  size_t min, size_t max, const char *shape);

/* Resolve `n` to a single string; `what` names the use for messages. */
const struct ynode *cfn__resolve_scalar(struct rctx *c, const struct ynode *n, unsigned depth,
                                        const struct call *call, const char *what);

/* The keys of a map, then NULL (free the array, not the keys). */
const char **cfn__map_keys(const struct ynode *map);

/* ---- conditions (cfn_cond.c) ----------------------------------------------------------- */

/* A condition function (Fn::Equals/Not/And/Or or Condition): 1, 0, or -1 on error. */
int cfn__eval_condition(struct rctx *c, const struct ynode *n, unsigned depth);

/* Fn::If: the value its condition picks, or NULL on error. */
const struct ynode *cfn__eval_if(struct rctx *c, const struct call *call, unsigned depth);

/*
 * Translates a CloudFormation AllowedPattern (Java syntax) into POSIX extended syntax
 * (cfn_regex.c). Returns 0 with *out (caller frees), 1 when the pattern uses a Java feature
 * POSIX cannot express (*why names it, static), or -1 when it is malformed (*out NULL).
 */
int cfn__java_regex_to_ere(const char *pat, char **out, const char **why);

/* The condition named by the scalar `name` (errors located there): 1, 0, or -1 on error. */
int cfn__condition_value(struct cfn_impl *t, const struct ynode *name, struct diag_list *d);

/*
 * `n` as CloudFormation passes it on: a value that is AWS::NoValue, directly or as the
 * branch an Fn::If takes (AWS: pseudo-parameter-reference, "Removes the corresponding
 * resource property when specified as a return value in the Fn::If intrinsic function"),
 * removes its mapping key or list item, and an Fn::If whose condition can be evaluated
 * becomes the branch it takes. \return n itself when nothing changes, NULL when n is
 * NoValue, else a copy owned by the document that shares the unchanged nodes. Other
 * functions are left for cfn_resolve(), as is an Fn::If whose condition it cannot evaluate.
 */
const struct ynode *cfn__present(struct cfn_impl *t, const struct ynode *n);

/*
 * Report every Ref, Fn::GetAtt, Fn::Sub and DependsOn naming a resource that is not created
 * (t->absent) from a resource that is or from an output whose Condition is true; an
 * output's Condition naming no condition is reported too.
 */
void cfn__check_absent_refs(struct cfn_impl *t, struct diag_list *d);

/*
 * Structure CloudFormation rejects (cfn_check.c): DependsOn
 * naming an unknown resource, itself or a cycle, Refs naming nothing, outputs without a
 * Value, a Description that is not a string. Errors go to d.
 */
void cfn__check_structure(struct cfn_impl *t, struct diag_list *d);

/*
 * Evaluate every named condition, reporting errors and cycles once each (cfn_check.c). Run
 * before anything evaluates a condition quietly: a failure is remembered, not re-reported.
 */
void cfn__check_conditions(struct cfn_impl *t, struct diag_list *d);

#endif /* ASGSIM_CFN_INT_H */
