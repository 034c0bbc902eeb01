/*
 * cfn_check.c - structure CloudFormation rejects before it creates anything, checked when a
 * template is opened rather than when (or if) the simulator reads the value: every named
 * condition (a cycle among conditions is an error even when no resource uses them),
 * DependsOn naming an unknown resource, the resource itself or a cycle, a Ref, Fn::GetAtt
 * or ${...} of Fn::Sub naming nothing in an output, an output without a Value, and a
 * Description that is not a string.
 *
 * AWS: conditions-section-structure, aws-attribute-dependson ("Circular dependency between
 * resources"), outputs-section-structure (Value is required), template-description-structure
 * (a literal string), and the "Unresolved resource dependencies [X] in the Resources block of
 * the template" error of template validation.
 */
#include "cfn_int.h"

#include "asgsim/cfn.h"
#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

/* clang-format off */
#include "asgsim/banned.h" /* last: bans unsafe functions in this file only */

/* clang-format on */

#define CHECK_MAX_DEPTH 256

/* Every resource the template declares, created or under a false condition. */
struct decl {
    const struct cfn_resource **r;
    size_t nr;
    const char **names; /* resource ids then parameter names, NULL-terminated: suggestions */
    size_t nr_names;
};

static void decl_init(struct decl *dl, struct cfn_impl *t)
{
    size_t n = t->pub.nr_resources + t->nr_absent;
    dl->r = xcalloc(n + 1, sizeof(*dl->r));
    for (size_t i = 0; i < t->pub.nr_resources; i++)
        dl->r[dl->nr++] = &t->pub.resources[i];
    for (size_t i = 0; i < t->nr_absent; i++)
        dl->r[dl->nr++] = &t->absent[i];
    dl->names = xcalloc(dl->nr + t->pub.nr_params + 1, sizeof(*dl->names));
    for (size_t i = 0; i < dl->nr; i++)
        dl->names[dl->nr_names++] = dl->r[i]->logical_id;
    for (size_t i = 0; i < t->pub.nr_params; i++)
        dl->names[dl->nr_names++] = t->pub.params[i].name;
}

static void decl_release(struct decl *dl)
{
    free(dl->r);
    free(dl->names);
}

static long decl_find(const struct decl *dl, const char *name, size_t len)
{
    for (size_t i = 0; i < dl->nr; i++)
        if (strlen(dl->r[i]->logical_id) == len && !memcmp(dl->r[i]->logical_id, name, len))
            return (long)i;
    return -1;
}

/* ---- conditions ---------------------------------------------------------------------------- */

void cfn__check_conditions(struct cfn_impl *t, struct diag_list *d)
{
    const struct ynode *conds = t->conditions;
    for (size_t i = 0; conds && i < conds->nr; i++)
        (void)cfn__condition_value(t, conds->pairs[i].key, d);
}

/* ---- DependsOn ---------------------------------------------------------------------------- */

struct deps {
    const struct decl *dl;
    long **to;          /* per resource: indexes it depends on, -1 terminated */
    signed char *color; /* 0 new, 1 on the DFS path, 2 done */
    long *path;
    size_t depth;
    bool reported;
};

static const struct ynode *depends_on(const struct cfn_resource *r)
{
    return r->node && r->node->kind == YNODE_MAP ? ynode_get(r->node, "DependsOn") : NULL;
}

/* The DependsOn entries of r, checked; \return the targets' indexes, -1 terminated. */
static long *check_depends_on(const struct decl *dl, size_t self, struct diag_list *d)
{
    const struct cfn_resource *r = dl->r[self];
    const struct ynode *dep = depends_on(r);
    long *to = xcalloc(1 + (dep && dep->kind == YNODE_SEQ ? dep->nr : 1), sizeof(*to));
    size_t n = 0;
    if (!dep) {
        to[0] = -1;
        return to;
    }
    size_t nr = dep->kind == YNODE_SEQ ? dep->nr : 1;
    for (size_t i = 0; i < nr; i++) {
        const struct ynode *e = dep->kind == YNODE_SEQ ? dep->items[i] : dep;
        if (!is_string(e)) {
            diag_error(d, &e->loc,
                       "resource '%s': DependsOn must be a resource name or a list of them",
                       r->logical_id);
            continue;
        }
        long k = decl_find(dl, e->scalar, e->len);
        if (k < 0)
            cfn__error_suggest(d, &e->loc, e->scalar, dl->names, dl->nr,
                               "resource '%s': DependsOn names '%s', which is not a resource of "
                               "the template",
                               r->logical_id, e->scalar);
        else if ((size_t)k == self)
            diag_error(d, &e->loc, "resource '%s' depends on itself (DependsOn)", r->logical_id);
        else
            to[n++] = k;
    }
    to[n] = -1;
    return to;
}

static void report_cycle(struct deps *g, long back, struct diag_list *d)
{
    size_t start = 0;
    while (g->path[start] != back)
        start++;
    char *msg = xstrdup("");
    for (size_t i = start; i < g->depth; i++) {
        char *m = xasprintf("%s%s -> ", msg, g->dl->r[g->path[i]]->logical_id);
        free(msg);
        msg = m;
    }
    const struct ynode *dep = depends_on(g->dl->r[back]);
    diag_error(d, &dep->loc, "circular dependency between resources: %s%s (DependsOn)", msg,
               g->dl->r[back]->logical_id);
    free(msg);
    g->reported = true;
}

static void visit(struct deps *g, long v, struct diag_list *d)
{
    if (g->reported || g->depth >= CHECK_MAX_DEPTH)
        return;
    g->color[v] = 1;
    g->path[g->depth++] = v;
    for (const long *w = g->to[v]; *w >= 0 && !g->reported; w++) {
        if (g->color[*w] == 1)
            report_cycle(g, *w, d);
        else if (g->color[*w] == 0)
            visit(g, *w, d);
    }
    g->depth--;
    g->color[v] = 2;
}

static void check_dependencies(const struct decl *dl, struct diag_list *d)
{
    struct deps g = { .dl = dl };
    g.to = xcalloc(dl->nr + 1, sizeof(*g.to));
    g.color = xcalloc(dl->nr + 1, 1);
    g.path = xcalloc(dl->nr + 1, sizeof(*g.path));
    for (size_t i = 0; i < dl->nr; i++)
        g.to[i] = check_depends_on(dl, i, d);
    /* One cycle is reported: the rest usually share its edges. */
    for (size_t i = 0; i < dl->nr && !g.reported; i++)
        if (!g.color[i])
            visit(&g, (long)i, d);
    for (size_t i = 0; i < dl->nr; i++)
        free(g.to[i]);
    free(g.to);
    free(g.color);
    free(g.path);
}

/* ---- references ---------------------------------------------------------------------------- */

struct refs {
    struct cfn_impl *t;
    const struct decl *dl;
    struct diag_list *d;
    const char *where; /* "output 'Y'" */
};

static bool is_pseudo(const char *name, size_t len)
{
    static const char *const pseudo[] = { "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
                                          "AWS::Partition", "AWS::Region",           "AWS::StackId",
                                          "AWS::StackName", "AWS::URLSuffix" };
    for (size_t i = 0; i < ARRAY_SIZE(pseudo); i++)
        if (strlen(pseudo[i]) == len && !memcmp(pseudo[i], name, len))
            return true;
    return false;
}

/* A Ref (params allowed) or an attribute's resource (resources only) must name something. */
static void check_name(struct refs *x, const char *name, size_t len, const struct ynode *at,
                       const char *fn, bool params_allowed)
{
    if (decl_find(x->dl, name, len) >= 0 || is_pseudo(name, len))
        return;
    char *s = xstrndup(name, len);
    if (params_allowed && cfn__param_index(&x->t->pub, s) >= 0) {
        free(s);
        return;
    }
    if (params_allowed)
        cfn__error_suggest(x->d, &at->loc, s, x->dl->names, x->dl->nr_names,
                           "%s: %s names '%s', which is neither a parameter nor a resource of "
                           "the template",
                           x->where, fn, s);
    else
        cfn__error_suggest(x->d, &at->loc, s, x->dl->names, x->dl->nr,
                           "%s: %s names '%s', which is not a resource of the template", x->where,
                           fn, s);
    free(s);
}

static void walk(struct refs *x, const struct ynode *n, unsigned depth);

static void walk_children(struct refs *x, const struct ynode *n, unsigned depth)
{
    if (n->kind == YNODE_MAP)
        for (size_t i = 0; i < n->nr; i++)
            walk(x, n->pairs[i].value, depth + 1);
    else if (n->kind == YNODE_SEQ)
        for (size_t i = 0; i < n->nr; i++)
            walk(x, n->items[i], depth + 1);
}

/* An Fn::Sub name: checked as a Ref (no attribute) or a GetAtt's resource. */
struct sub_ctx {
    struct refs *x;
    const struct ynode *at;
};

static void sub_name(void *ctx, const char *name, size_t len, bool attr)
{
    struct sub_ctx *sc = ctx;
    check_name(sc->x, name, len, sc->at, "Fn::Sub", !attr);
}

static void walk_sub(struct refs *x, const struct call *call, unsigned depth)
{
    const struct ynode *fmt, *vars;
    if (!cfn__sub_parts(call, &fmt, &vars))
        return;
    if (vars)
        walk(x, vars, depth + 1);
    struct sub_ctx sc = { x, call->node };
    cfn__sub_names(fmt, vars, sub_name, &sc);
}

/* Unlike the check of conditional resources, both branches of an Fn::If count here:
   CloudFormation resolves every name when it validates the template. */
static void walk(struct refs *x, const struct ynode *n, unsigned depth)
{
    struct call call;
    if (!n || depth > CHECK_MAX_DEPTH)
        return;
    if (!cfn__classify(n, &call)) {
        walk_children(x, n, depth);
        return;
    }
    const struct ynode *a = call.arg;
    switch (call.fn) {
    case FN_REF:
        if (a->kind == YNODE_SCALAR)
            check_name(x, a->scalar, a->len, call.node, "Ref", true);
        return;
    case FN_GETATT:
        if (a->kind == YNODE_SCALAR) {
            const char *dot = strchr(a->scalar, '.');
            check_name(x, a->scalar, dot ? (size_t)(dot - a->scalar) : a->len, call.node,
                       "Fn::GetAtt", false);
        } else if (a->kind == YNODE_SEQ && a->nr == 2 && is_string(a->items[0])) {
            check_name(x, a->items[0]->scalar, a->items[0]->len, call.node, "Fn::GetAtt", false);
            walk(x, a->items[1], depth + 1);
        }
        return;
    case FN_SUB:
        walk_sub(x, &call, depth);
        return;
    default:
        break;
    }
    if (call.is_short)
        walk_children(x, n, depth);
    else
        walk(x, a, depth + 1);
}

static void check_outputs(struct cfn_impl *t, const struct decl *dl, bool names,
                          struct diag_list *d)
{
    const struct ynode *outs = t->outputs;
    for (size_t i = 0; outs && i < outs->nr; i++) {
        const struct ynode_pair *p = &outs->pairs[i];
        const char *name = p->key->scalar;
        if (p->value->kind != YNODE_MAP) {
            diag_error(d, &p->value->loc, "output '%s' must be a mapping with a Value, not a %s",
                       name, ynode_kind_name(p->value->kind));
            continue;
        }
        const struct ynode *v = ynode_get(p->value, "Value");
        if (!v || ynode_is_null(v)) {
            diag_error(d, &p->key->loc, "output '%s' has no Value", name);
            continue;
        }
        const struct ynode *desc = ynode_get(p->value, "Description");
        if (desc && !is_string(desc))
            diag_error(d, &desc->loc, "the Description of output '%s' must be a string, not a %s",
                       name, desc->tag ? "function" : ynode_kind_name(desc->kind));
        if (!names)
            continue;
        char *where = xasprintf("output '%s'", name);
        struct refs x = { t, dl, d, where };
        for (size_t k = 0; k < p->value->nr; k++)
            if (!key_is(p->value->pairs[k].key, "Condition"))
                walk(&x, p->value->pairs[k].value, 0);
        free(where);
    }
}

void cfn__check_structure(struct cfn_impl *t, struct diag_list *d)
{
    const struct ynode *root = ydoc_root(t->pub.doc);
    const struct ynode *desc = root ? ynode_get(root, "Description") : NULL;
    if (desc && !is_string(desc))
        diag_error(d, &desc->loc, "'Description' must be a string, not a %s",
                   desc->tag ? "function" : ynode_kind_name(desc->kind));
    struct decl dl = { 0 };
    decl_init(&dl, t);
    check_dependencies(&dl, d);
    /* A transform (SAM) adds resources of its own that the template may name. Names in
       resources are checked where the simulator reads them (cfn_resolve), with the
       resolver's messages; nothing reads an output, so its names are checked here. */
    bool names = !ynode_get(root, "Transform");
    check_outputs(t, &dl, names, d);
    decl_release(&dl);
}
