/*
 * cfn_fn.c - the intrinsic functions of a CloudFormation template (AWS:
 * intrinsic-function-reference), resolved lazily by cfn_resolve(): recognising the short
 * (!Ref) and long (Fn::GetAtt) forms, pseudo parameters, Ref, GetAtt, Sub, Join, Select,
 * Split, FindInMap, Base64 and ImportValue. The condition functions behind Fn::If are in
 * cfn_cond.c.
 */
#include "cfn_int.h"

#include "asgsim/cfn.h"
#include "asgsim/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
#include "asgsim/banned.h" /* last: bans unsafe functions in this file only */
/* clang-format on */

/* Identity of the AWS::NoValue marker: compared by address, never printed as a tag. */
static const char no_value_tag[] = "AWS::NoValue";

/* ---- intrinsic functions ---------------------------------------------------------------- */

/* Short and long spellings, indexed by enum fn (AWS: intrinsic-function-reference). */
static const char *const short_names[] = {
    "!Ref",       "!GetAtt", "!Sub",    "!Join",   "!Select",      "!Split",
    "!FindInMap", "!If",     "!Equals", "!Not",    "!And",         "!Or",
    "!Condition", "!Base64", "!Cidr",   "!GetAZs", "!ImportValue", "!Transform",
};

static const char *const long_names[] = {
    "Ref",           "Fn::GetAtt", "Fn::Sub",    "Fn::Join",   "Fn::Select",      "Fn::Split",
    "Fn::FindInMap", "Fn::If",     "Fn::Equals", "Fn::Not",    "Fn::And",         "Fn::Or",
    "Condition",     "Fn::Base64", "Fn::Cidr",   "Fn::GetAZs", "Fn::ImportValue", "Fn::Transform",
};

static bool short_form(const struct ynode *n, struct call *c)
{
    if (!n || !n->tag || n->tag[0] != '!' || !n->tag[1] || n->tag[1] == '!')
        return false;
    c->fn = FN_UNKNOWN;
    for (size_t i = 0; i < ARRAY_SIZE(short_names); i++)
        if (strcmp(n->tag, short_names[i]) == 0)
            c->fn = (enum fn)i;
    c->name = c->fn == FN_UNKNOWN ? n->tag : long_names[c->fn];
    c->node = n;
    c->arg = n;
    c->is_short = true;
    return true;
}

/*
 * {Ref: X} or {"Fn::Name": ...}. {Condition: X} is left out: outside condition functions a
 * one-key mapping named Condition is ordinary data (IAM policy documents use that key).
 */
static bool long_form(const struct ynode *n, struct call *c)
{
    if (!n || n->kind != YNODE_MAP || n->nr != 1)
        return false;
    const struct ynode *k = n->pairs[0].key;
    if (!key_is(k, "Ref") && strncmp(k->scalar, "Fn::", 4) != 0)
        return false;
    c->fn = FN_UNKNOWN;
    for (size_t i = 0; i < ARRAY_SIZE(long_names); i++)
        if (i != FN_CONDITION && strcmp(k->scalar, long_names[i]) == 0)
            c->fn = (enum fn)i;
    c->name = k->scalar;
    c->node = n;
    c->arg = n->pairs[0].value;
    c->is_short = false;
    return true;
}

bool cfn__classify(const struct ynode *n, struct call *c)
{
    return short_form(n, c) || long_form(n, c);
}

bool cfn_is_intrinsic(const struct ynode *node)
{
    struct call c;
    return cfn__classify(node, &c);
}

bool cfn_is_no_value(const struct ynode *resolved)
{
    return resolved && resolved->tag == no_value_tag;
}

static const struct ynode *resolve_from(struct rctx *c, const struct ynode *n, unsigned depth,
                                        bool skip_tag);

static const struct ynode *resolve(struct rctx *c, const struct ynode *n, unsigned depth)
{
    return resolve_from(c, n, depth, false);
}

/* The argument's value: a long-form argument may itself be an intrinsic. */
static const struct ynode *arg_value(struct rctx *c, const struct call *call, unsigned depth)
{
    return resolve_from(c, call->arg, depth, call->is_short);
}

static struct ydoc *doc_of(struct rctx *c)
{
    return c->t->pub.doc;
}

static struct ynode *new_text(struct rctx *c, const struct ynode *at, const char *s)
{
    return ydoc_new_scalar(doc_of(c), &at->loc, s, strlen(s));
}

static struct ynode *resource_ref(struct rctx *c, const struct ynode *at, const char *id)
{
    struct ynode *n = new_text(c, at, id);
    n->resource_ref = true;
    return n;
}

/* Argument must be a list of `min`..`max` items. */
const struct ynode *cfn__list_arg(struct rctx *c, const struct call *call, unsigned depth,
                                  size_t min, size_t max, const char *shape)
{
    const struct ynode *a = arg_value(c, call, depth);
    if (!a)
        return NULL;
    if (a->kind != YNODE_SEQ || a->nr < min || a->nr > max) {
        diag_error(c->d, &call->node->loc, "%s needs %s", call->name, shape);
        return NULL;
    }
    return a;
}

/* Resolve `n` to a single string; `what` names the use for messages. */
const struct ynode *cfn__resolve_scalar(struct rctx *c, const struct ynode *n, unsigned depth,
                                        const struct call *call, const char *what)
{
    const struct ynode *v = resolve(c, n, depth);
    if (!v)
        return NULL;
    if (cfn_is_no_value(v)) {
        diag_error(c->d, &n->loc, "AWS::NoValue cannot be used as %s in %s", what, call->name);
        return NULL;
    }
    if (v->kind != YNODE_SCALAR) {
        diag_error(c->d, &n->loc, "%s in %s must be a string, not a %s", what, call->name,
                   ynode_kind_name(v->kind));
        return NULL;
    }
    return v;
}

static bool region_is(const char *region, const char *prefix)
{
    return strncmp(region, prefix, strlen(prefix)) == 0;
}

/* AWS: pseudo-parameter-reference. */
static const char *partition(const char *region)
{
    if (region_is(region, "cn-"))
        return "aws-cn";
    if (region_is(region, "us-gov-"))
        return "aws-us-gov";
    return "aws";
}

static const char *const pseudo_names[] = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",   "AWS::Partition",
    "AWS::Region",    "AWS::StackId",          "AWS::StackName", "AWS::URLSuffix",
};

static const struct ynode *pseudo(struct rctx *c, const char *name, const struct ynode *at)
{
    const struct cfn_options *o = &c->t->pub.opt;
    if (strcmp(name, "AWS::StackName") == 0)
        return new_text(c, at, o->stack_name);
    if (strcmp(name, "AWS::Region") == 0)
        return new_text(c, at, o->region);
    if (strcmp(name, "AWS::AccountId") == 0)
        return new_text(c, at, CFN_ACCOUNT_ID);
    if (strcmp(name, "AWS::Partition") == 0)
        return new_text(c, at, partition(o->region));
    if (strcmp(name, "AWS::URLSuffix") == 0)
        return new_text(c, at, region_is(o->region, "cn-") ? "amazonaws.com.cn" : "amazonaws.com");
    if (strcmp(name, "AWS::NoValue") == 0) {
        struct ynode *n = new_text(c, at, "");
        n->tag = no_value_tag;
        return n;
    }
    if (strcmp(name, "AWS::NotificationARNs") == 0)
        return ydoc_new_seq(doc_of(c), &at->loc, 0);
    if (strcmp(name, "AWS::StackId") == 0) {
        char *s = xasprintf(
                "arn:%s:cloudformation:%s:%s:stack/%s/00000000-0000-0000-0000-000000000000",
                partition(o->region), o->region, CFN_ACCOUNT_ID, o->stack_name);
        const struct ynode *n = new_text(c, at, s);
        free(s);
        return n;
    }
    cfn__error_suggest(c->d, &at->loc, name, pseudo_names, ARRAY_SIZE(pseudo_names),
                       "unknown pseudo parameter '%s'", name);
    return NULL;
}

static const struct ynode *param_value(struct rctx *c, size_t k, const struct ynode *at)
{
    const struct cfn_param *p = &c->t->pub.params[k];
    if (cfn__is_ssm_value_type(p->type) && !p->overridden) {
        diag_error(
                c->d, &at->loc,
                "parameter '%s' of type '%s' cannot be resolved offline (give its value with --parameter %s=VALUE)",
                p->name, p->type, p->name);
        return NULL;
    }
    if (!p->value) {
        diag_error(c->d, &at->loc, "parameter '%s' has no Default and no --parameter value",
                   p->name);
        return NULL;
    }
    if (!p->is_list)
        return new_text(c, at, p->value);
    char **v;
    size_t nr = cfn__split_list(p->value, &v);
    struct ynode *seq = ydoc_new_seq(doc_of(c), &at->loc, nr);
    for (size_t i = 0; i < nr; i++)
        seq->items[i] = new_text(c, at, v[i]);
    cfn__free_strv(v, nr);
    return seq;
}

/* Parameter and resource names, for "did you mean" on a bad reference. */
static const char **ref_names(const struct cfn_template *t, size_t *nr)
{
    const char **v = cfn__param_names(t, t->nr_resources);
    for (size_t i = 0; i < t->nr_resources; i++)
        v[t->nr_params + i] = t->resources[i].logical_id;
    *nr = t->nr_params + t->nr_resources;
    return v;
}

static const char **resource_names(const struct cfn_template *t)
{
    const char **v = xcalloc(t->nr_resources + 1, sizeof(*v));
    for (size_t i = 0; i < t->nr_resources; i++)
        v[i] = t->resources[i].logical_id;
    return v;
}

static void unresolved(struct rctx *c, const struct ynode *at, const char *name, const char *in)
{
    size_t nr;
    const char **names = ref_names(&c->t->pub, &nr);
    cfn__error_suggest(c->d, &at->loc, name, names, nr, "unresolved reference '%s'%s", name, in);
    free(names);
}

static const struct ynode *eval_ref(struct rctx *c, const struct call *call)
{
    const struct ynode *a = call->arg;
    if (a->kind != YNODE_SCALAR || (!call->is_short && a->tag) || ynode_is_null(a)) {
        diag_error(c->d, &call->node->loc, "Ref needs the name of a parameter or resource");
        return NULL;
    }
    const char *name = a->scalar;
    if (strncmp(name, "AWS::", 5) == 0)
        return pseudo(c, name, call->node);
    int k = cfn__param_index(&c->t->pub, name);
    if (k >= 0)
        return param_value(c, (size_t)k, call->node);
    if (cfn_find_resource(&c->t->pub, name))
        return resource_ref(c, call->node, name);
    unresolved(c, call->node, name, "");
    return NULL;
}

/* AWS: aws-resource-ec2-launchtemplate, "Return values". */
static const char *const lt_attrs[] = { "DefaultVersionNumber", "LatestVersionNumber",
                                        "LaunchTemplateId" };

static const struct ynode *getatt_value(struct rctx *c, const struct cfn_resource *r,
                                        const char *attr, const struct ynode *at)
{
    if (strcmp(r->type, "AWS::EC2::LaunchTemplate") == 0) {
        if (!cfn__in_list(attr, lt_attrs, ARRAY_SIZE(lt_attrs))) {
            cfn__error_suggest(c->d, &at->loc, attr, lt_attrs, ARRAY_SIZE(lt_attrs),
                               "AWS::EC2::LaunchTemplate '%s' has no attribute '%s'", r->logical_id,
                               attr);
            return NULL;
        }
        /* A template the simulator creates has exactly one version. */
        if (strcmp(attr, "LaunchTemplateId") != 0)
            return new_text(c, at, "1");
    }
    return resource_ref(c, at, r->logical_id);
}

static const struct cfn_resource *find_resource_or_error(struct rctx *c, const char *id,
                                                         const struct ynode *at, const char *in)
{
    const struct cfn_resource *r = cfn_find_resource(&c->t->pub, id);
    if (!r) {
        const char **names = resource_names(&c->t->pub);
        cfn__error_suggest(c->d, &at->loc, id, names, c->t->pub.nr_resources,
                           "unresolved reference '%s' in %s", id, in);
        free(names);
    }
    return r;
}

static const struct ynode *eval_getatt(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a = call->arg;
    char *id = NULL;
    const char *attr = NULL;
    const struct ynode *ret = NULL;
    if (a->kind == YNODE_SCALAR && (call->is_short || !a->tag)) {
        const char *dot = strchr(a->scalar, '.');
        if (dot && dot != a->scalar && dot[1]) {
            id = xstrndup(a->scalar, (size_t)(dot - a->scalar));
            attr = dot + 1;
        }
    } else if (a->kind == YNODE_SEQ && a->nr == 2 && is_string(a->items[0])) {
        const struct ynode *an =
                cfn__resolve_scalar(c, a->items[1], depth, call, "the attribute name");
        if (!an)
            return NULL;
        id = xstrdup(a->items[0]->scalar);
        attr = an->scalar;
    }
    if (!id) {
        diag_error(c->d, &call->node->loc,
                   "Fn::GetAtt needs 'LogicalId.Attribute' or [LogicalId, Attribute]");
        return NULL;
    }
    const struct cfn_resource *r = find_resource_or_error(c, id, call->node, "Fn::GetAtt");
    if (r)
        ret = getatt_value(c, r, attr, call->node);
    free(id);
    return ret;
}

/* Text of one ${Name} in Fn::Sub, appended to `sb`. */
static int sub_var(struct rctx *c, const struct call *call, const char *name,
                   const struct ynode *vars, unsigned depth, struct strbuf *sb)
{
    const struct ynode *at = call->node;
    const struct ynode *v = NULL;
    const struct ynode *vn = ynode_get(vars, name);
    char *dot;
    if (vn) {
        v = resolve(c, vn, depth);
    } else if (strncmp(name, "AWS::", 5) == 0) {
        v = pseudo(c, name, at);
    } else if (cfn__param_index(&c->t->pub, name) >= 0) {
        v = param_value(c, (size_t)cfn__param_index(&c->t->pub, name), at);
    } else if (cfn_find_resource(&c->t->pub, name)) {
        /* No physical names offline: a resource stands for itself by logical id. */
        v = resource_ref(c, at, name);
    } else if ((dot = strchr(name, '.')) != NULL) {
        char *id = xstrndup(name, (size_t)(dot - name));
        const struct cfn_resource *r = find_resource_or_error(c, id, at, "Fn::Sub");
        free(id);
        if (!r)
            return -1;
        v = getatt_value(c, r, dot + 1, at);
    } else {
        unresolved(c, at, name, " in Fn::Sub");
        return -1;
    }
    if (!v)
        return -1;
    if (v->kind != YNODE_SCALAR || cfn_is_no_value(v))
        return diag_error(c->d, &at->loc, "'${%s}' in Fn::Sub is %s, not a string", name,
                          cfn_is_no_value(v) ? "AWS::NoValue" : ynode_kind_name(v->kind));
    sb_add(sb, v->scalar, v->len);
    return 0;
}

static const struct ynode *eval_sub(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a = call->arg, *fmt = NULL, *vars = NULL;
    if (a->kind == YNODE_SCALAR && (call->is_short || !a->tag)) {
        fmt = a;
    } else if (a->kind == YNODE_SEQ && a->nr == 2 && is_string(a->items[0]) &&
               a->items[1]->kind == YNODE_MAP && !cfn_is_intrinsic(a->items[1])) {
        fmt = a->items[0];
        vars = a->items[1];
    } else {
        diag_error(c->d, &call->node->loc, "Fn::Sub needs a string or [string, {Name: value}]");
        return NULL;
    }
    struct strbuf sb = { 0 };
    sb_add(&sb, "", 0);
    const char *s = fmt->scalar;
    for (;;) {
        const char *open = strstr(s, "${");
        if (!open) {
            sb_adds(&sb, s);
            break;
        }
        sb_add(&sb, s, (size_t)(open - s));
        if (open[2] == '!') {
            /* AWS: ${!Literal} is written out as ${Literal}. */
            sb_adds(&sb, "${");
            s = open + 3;
            continue;
        }
        const char *close = strchr(open + 2, '}');
        if (!close || close == open + 2) {
            diag_error(c->d, &call->node->loc, "%s '${' in Fn::Sub",
                       close ? "empty variable name after" : "unterminated");
            goto fail;
        }
        char *name = xstrndup(open + 2, (size_t)(close - open - 2));
        int rc = sub_var(c, call, name, vars, depth, &sb);
        free(name);
        if (rc)
            goto fail;
        s = close + 1;
    }
    const struct ynode *ret = ydoc_new_scalar(doc_of(c), &call->node->loc, sb.buf, sb.len);
    free(sb.buf);
    return ret;
fail:
    free(sb.buf);
    return NULL;
}

/* Resolve a list argument whose items become strings (Fn::Join's list, for instance). */
static const struct ynode *resolve_list(struct rctx *c, const struct ynode *n, unsigned depth,
                                        const struct call *call)
{
    const struct ynode *v = resolve(c, n, depth);
    if (!v)
        return NULL;
    if (v->kind != YNODE_SEQ) {
        diag_error(c->d, &n->loc, "the list in %s must be a sequence, not a %s", call->name,
                   cfn_is_no_value(v) ? "AWS::NoValue" : ynode_kind_name(v->kind));
        return NULL;
    }
    return v;
}

static const struct ynode *eval_join(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a = cfn__list_arg(c, call, depth, 2, 2, "[delimiter, [values]]");
    if (!a)
        return NULL;
    const struct ynode *delim = cfn__resolve_scalar(c, a->items[0], depth, call, "the delimiter");
    const struct ynode *list = delim ? resolve_list(c, a->items[1], depth, call) : NULL;
    if (!list)
        return NULL;
    struct strbuf sb = { 0 };
    sb_add(&sb, "", 0);
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *v = cfn__resolve_scalar(c, list->items[i], depth, call, "a value");
        if (!v) {
            free(sb.buf);
            return NULL;
        }
        if (i)
            sb_add(&sb, delim->scalar, delim->len);
        sb_add(&sb, v->scalar, v->len);
    }
    const struct ynode *ret = ydoc_new_scalar(doc_of(c), &call->node->loc, sb.buf, sb.len);
    free(sb.buf);
    return ret;
}

static const struct ynode *eval_select(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a = cfn__list_arg(c, call, depth, 2, 2, "[index, [values]]");
    if (!a)
        return NULL;
    const struct ynode *ix = cfn__resolve_scalar(c, a->items[0], depth, call, "the index");
    size_t k;
    if (!ix)
        return NULL;
    if (!parse_index(ix->scalar, &k)) {
        diag_error(c->d, &a->items[0]->loc,
                   "index '%s' in Fn::Select is not a non-negative integer", ix->scalar);
        return NULL;
    }
    const struct ynode *list = resolve_list(c, a->items[1], depth, call);
    if (!list)
        return NULL;
    if (k >= list->nr) {
        diag_error(c->d, &call->node->loc,
                   "index %zu in Fn::Select is out of range (the list has %zu items)", k, list->nr);
        return NULL;
    }
    return list->items[k];
}

static const struct ynode *eval_split(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a = cfn__list_arg(c, call, depth, 2, 2, "[delimiter, string]");
    if (!a)
        return NULL;
    const struct ynode *delim = cfn__resolve_scalar(c, a->items[0], depth, call, "the delimiter");
    const struct ynode *src =
            delim ? cfn__resolve_scalar(c, a->items[1], depth, call, "the source") : NULL;
    if (!src)
        return NULL;
    if (delim->len == 0) {
        diag_error(c->d, &a->items[0]->loc, "the delimiter in Fn::Split must not be empty");
        return NULL;
    }
    size_t nr = 1;
    for (const char *p = src->scalar; (p = strstr(p, delim->scalar)) != NULL; p += delim->len)
        nr++;
    struct ynode *seq = ydoc_new_seq(doc_of(c), &call->node->loc, nr);
    const char *p = src->scalar;
    for (size_t i = 0; i < nr; i++) {
        const char *end = i + 1 < nr ? strstr(p, delim->scalar) : p + strlen(p);
        seq->items[i] = ydoc_new_scalar(doc_of(c), &call->node->loc, p, (size_t)(end - p));
        p = end + delim->len;
    }
    return seq;
}

const char **cfn__map_keys(const struct ynode *map)
{
    const char **v = xcalloc(map->nr + 1, sizeof(*v));
    for (size_t i = 0; i < map->nr; i++)
        v[i] = map->pairs[i].key->scalar;
    return v;
}

/* Look up `key` in `map`, or report it (with a suggestion) and return NULL. */
static const struct ynode *lookup(struct rctx *c, const struct ynode *map, const char *key,
                                  const struct ynode *at, const char *what)
{
    const struct ynode *v = ynode_get(map, key);
    if (v)
        return v;
    const char **keys = map && map->kind == YNODE_MAP ? cfn__map_keys(map) : NULL;
    cfn__error_suggest(c->d, &at->loc, key, keys, keys ? map->nr : 0, "%s '%s'", what, key);
    free(keys);
    return NULL;
}

static const struct ynode *eval_findinmap(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a =
            cfn__list_arg(c, call, depth, 3, 3, "[MapName, TopLevelKey, SecondLevelKey]");
    if (!a)
        return NULL;
    const struct ynode *k[3];
    static const char *const what[] = { "the map name", "the top-level key",
                                        "the second-level key" };
    for (size_t i = 0; i < 3; i++)
        if (!(k[i] = cfn__resolve_scalar(c, a->items[i], depth, call, what[i])))
            return NULL;
    const struct ynode *m =
            lookup(c, c->t->mappings, k[0]->scalar, a->items[0], "Fn::FindInMap: no mapping named");
    if (!m)
        return NULL;
    char *msg = xasprintf("Fn::FindInMap: mapping '%s' has no key", k[0]->scalar);
    const struct ynode *top = lookup(c, m, k[1]->scalar, a->items[1], msg);
    free(msg);
    if (!top)
        return NULL;
    msg = xasprintf("Fn::FindInMap: mapping '%s' key '%s' has no key", k[0]->scalar, k[1]->scalar);
    const struct ynode *v = lookup(c, top, k[2]->scalar, a->items[2], msg);
    free(msg);
    return v;
}

static const struct ynode *eval_base64(struct rctx *c, const struct call *call, unsigned depth)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const struct ynode *v = arg_value(c, call, depth);
    if (!v)
        return NULL;
    if (v->kind != YNODE_SCALAR || cfn_is_no_value(v)) {
        diag_error(c->d, &call->node->loc, "Fn::Base64 needs a string");
        return NULL;
    }
    const unsigned char *s = (const unsigned char *)v->scalar;
    size_t n = v->len, o = 0;
    char *out = xmalloc(4 * ((n + 2) / 3) + 1);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t x = (uint32_t)s[i] << 16;
        if (i + 1 < n)
            x |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < n)
            x |= s[i + 2];
        out[o++] = tab[(x >> 18) & 63];
        out[o++] = tab[(x >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(x >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[x & 63] : '=';
    }
    const struct ynode *ret = ydoc_new_scalar(doc_of(c), &call->node->loc, out, o);
    free(out);
    return ret;
}

/*
 * AWS: intrinsic-function-reference-getavailabilityzones: a Region name, or "" for the
 * stack's own Region, gives that Region's AZ names from the table the models pass in.
 */
static const struct ynode *eval_getazs(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct cfn_options *o = &c->t->pub.opt;
    if (!o->get_azs) {
        diag_error(c->d, &call->node->loc, "%s cannot be resolved by asgsim", call->name);
        return NULL;
    }
    const struct ynode *r = arg_value(c, call, depth);
    if (!r)
        return NULL;
    if (r->kind != YNODE_SCALAR || cfn_is_no_value(r)) {
        diag_error(c->d, &call->node->loc, "the region in %s must be a string, not a %s",
                   call->name, cfn_is_no_value(r) ? "AWS::NoValue" : ynode_kind_name(r->kind));
        return NULL;
    }
    const char *region = r->len ? r->scalar : o->region;
    size_t nr;
    const char *const *azs = o->get_azs(region, &nr);
    if (!azs) {
        diag_error(c->d, &r->loc, "%s: unknown region '%s'", call->name, region);
        return NULL;
    }
    struct ynode *seq = ydoc_new_seq(doc_of(c), &call->node->loc, nr);
    for (size_t i = 0; i < nr; i++)
        seq->items[i] = new_text(c, call->node, azs[i]);
    return seq;
}

/*
 * Fn::ImportValue: the value another stack exports, from the Exports map the caller passes
 * in (the simulator has no other stacks). AWS: intrinsic-function-reference-importvalue:
 * the name may be built with Fn::Sub, Fn::Join, ... but not from a resource's Ref or GetAtt.
 */
static const struct ynode *eval_import(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *name = arg_value(c, call, depth);
    if (!name)
        return NULL;
    if (name->kind != YNODE_SCALAR || cfn_is_no_value(name)) {
        diag_error(c->d, &call->node->loc,
                   "the export name in Fn::ImportValue must be a string, not a %s",
                   cfn_is_no_value(name) ? "AWS::NoValue" : ynode_kind_name(name->kind));
        return NULL;
    }
    if (name->resource_ref) {
        diag_error(c->d, &call->node->loc,
                   "Fn::ImportValue cannot use a Ref or GetAtt of a resource ('%s') in the export "
                   "name",
                   name->scalar);
        return NULL;
    }
    const struct ynode *exports = c->t->pub.opt.exports;
    if (!exports || exports->kind != YNODE_MAP) {
        diag_error(c->d, &call->node->loc,
                   "Fn::ImportValue: no export named '%s' (give the values of other stacks' "
                   "exports in an 'Exports' map of the scenario settings)",
                   name->scalar);
        return NULL;
    }
    const struct ynode *v = ynode_get(exports, name->scalar);
    if (!v) {
        const char **keys = cfn__map_keys(exports);
        cfn__error_suggest(c->d, &call->node->loc, name->scalar, keys, exports->nr,
                           "Fn::ImportValue: no export named '%s' in the scenario's Exports",
                           name->scalar);
        free(keys);
        return NULL;
    }
    if (v->kind != YNODE_SCALAR) {
        diag_error(c->d, &v->loc, "export '%s' must be a string, not a %s", name->scalar,
                   ynode_kind_name(v->kind));
        return NULL;
    }
    /* The value takes the import's location: errors in its use point at the template. */
    return ydoc_new_scalar(doc_of(c), &call->node->loc, v->scalar, v->len);
}

static const struct ynode *eval(struct rctx *c, const struct call *call, unsigned depth)
{
    int v;
    switch (call->fn) {
    case FN_REF:
        return eval_ref(c, call);
    case FN_GETATT:
        return eval_getatt(c, call, depth);
    case FN_SUB:
        return eval_sub(c, call, depth);
    case FN_JOIN:
        return eval_join(c, call, depth);
    case FN_SELECT:
        return eval_select(c, call, depth);
    case FN_SPLIT:
        return eval_split(c, call, depth);
    case FN_FINDINMAP:
        return eval_findinmap(c, call, depth);
    case FN_IF:
        return cfn__eval_if(c, call, depth);
    case FN_EQUALS:
    case FN_NOT:
    case FN_AND:
    case FN_OR:
    case FN_CONDITION:
        v = cfn__eval_condition(c, call->node, depth);
        return v < 0 ? NULL : new_text(c, call->node, v ? "true" : "false");
    case FN_BASE64:
        return eval_base64(c, call, depth);
    case FN_GETAZS:
        return eval_getazs(c, call, depth);
    case FN_IMPORTVALUE:
        return eval_import(c, call, depth);
    case FN_CIDR:
    case FN_TRANSFORM:
        diag_error(c->d, &call->node->loc, "%s cannot be resolved by asgsim", call->name);
        return NULL;
    case FN_UNKNOWN:
        break;
    }
    if (call->is_short)
        cfn__error_suggest(c->d, &call->node->loc, call->name, short_names, ARRAY_SIZE(short_names),
                           "unknown tag '%s'", call->name);
    else
        cfn__error_suggest(c->d, &call->node->loc, call->name, long_names, ARRAY_SIZE(long_names),
                           "unknown intrinsic function '%s'", call->name);
    return NULL;
}

static const struct ynode *resolve_from(struct rctx *c, const struct ynode *n, unsigned depth,
                                        bool skip_tag)
{
    struct call call;
    while (n && (skip_tag ? long_form(n, &call) : cfn__classify(n, &call))) {
        skip_tag = false;
        if (++depth > CFN_MAX_DEPTH) {
            diag_error(c->d, &n->loc, "intrinsic functions nested too deeply (more than %d levels)",
                       CFN_MAX_DEPTH);
            return NULL;
        }
        n = eval(c, &call, depth);
    }
    return n;
}

const struct ynode *cfn_resolve(struct cfn_template *t, const struct ynode *node,
                                struct diag_list *d)
{
    struct rctx c = { impl(t), d };
    return resolve(&c, node, 0);
}

bool cfn__sub_parts(const struct call *call, const struct ynode **fmt, const struct ynode **vars)
{
    const struct ynode *a = call->arg;
    *fmt = *vars = NULL;
    if (a->kind == YNODE_SCALAR && (call->is_short || !a->tag)) {
        *fmt = a;
    } else if (a->kind == YNODE_SEQ && a->nr == 2 && is_string(a->items[0])) {
        *fmt = a->items[0];
        *vars = a->items[1];
    }
    return *fmt != NULL;
}

void cfn__sub_names(const struct ynode *fmt, const struct ynode *vars, cfn__sub_name_fn *fn,
                    void *ctx)
{
    for (const char *s = fmt->scalar; (s = strstr(s, "${")) != NULL;) {
        const char *name = s + 2, *close = strchr(name, '}');
        if (!close)
            return;
        s = close + 1;
        if (*name == '!' || name == close)
            continue;
        size_t len = (size_t)(close - name);
        char *full = xstrndup(name, len);
        bool local = vars && vars->kind == YNODE_MAP && ynode_get(vars, full);
        free(full);
        if (local)
            continue;
        const char *dot = memchr(name, '.', len);
        fn(ctx, name, dot ? (size_t)(dot - name) : len, dot != NULL);
    }
}
