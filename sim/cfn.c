/*
 * CloudFormation template layer: section and parameter checks, then lazy resolution of the
 * intrinsic functions a simulator can evaluate offline. AWS rules cited from the
 * CloudFormation User Guide pages named in the comments.
 *
 * This file reads the template: its sections, Parameters (types, constraints, values and
 * --parameter overrides) and Resources (cfn_open(), cfn_find_*()). The intrinsic functions
 * are in cfn_fn.c (cfn_resolve()), the condition functions in cfn_cond.c; what the three
 * share is in cfn_int.h.
 */
#include "asgsim/cfn.h"

#include "cfn_int.h"

#include "asgsim/util.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
#include "asgsim/banned.h" /* last: bans unsafe functions in this file only */

/* clang-format on */

/* ---- small helpers ---------------------------------------------------------------------- */

/* " (did you mean 'X'?)" or "", as a new string. */
static char *suggest(const char *word, const char *const *cands, size_t nr)
{
    const char *best = nr ? diag_closest(word, cands, nr) : NULL;
    return best ? xasprintf(" (did you mean '%s'?)", best) : xstrdup("");
}

/* diag_error() with a did-you-mean suffix computed from `word` and `cands`. */
int cfn__error_suggest(struct diag_list *d, const struct src_loc *loc, const char *word,
                       const char *const *cands, size_t nr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ASG_ASSERT(n >= 0);
    char *msg = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    char *hint = suggest(word, cands, nr);
    int ret = diag_error(d, loc, "%s%s", msg, hint);
    free(hint);
    free(msg);
    return ret;
}

/* A number as CloudFormation's Number type takes it: decimal integer or float, finite. */
static bool parse_number(const char *s, double *out)
{
    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
        return false;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* ---- parameter types ------------------------------------------------------------------- */

/* AWS: parameters-section-structure, "Supported AWS-specific parameter types". */
static const char *const aws_specific_types[] = {
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
};

static const char *const plain_types[] = {
    "String", "Number", "List<Number>", "CommaDelimitedList", "AWS::SSM::Parameter::Name",
};

#define SSM_VALUE_PREFIX "AWS::SSM::Parameter::Value<"

bool cfn__is_ssm_value_type(const char *type)
{
    size_t n = strlen(type);
    return strncmp(type, SSM_VALUE_PREFIX, strlen(SSM_VALUE_PREFIX)) == 0 && n > 0 &&
           type[n - 1] == '>';
}

static bool is_known_type(const char *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(plain_types); i++)
        if (strcmp(type, plain_types[i]) == 0)
            return true;
    for (size_t i = 0; i < ARRAY_SIZE(aws_specific_types); i++) {
        if (strcmp(type, aws_specific_types[i]) == 0)
            return true;
        size_t n = strlen(aws_specific_types[i]);
        if (strncmp(type, "List<", 5) == 0 && strncmp(type + 5, aws_specific_types[i], n) == 0 &&
            strcmp(type + 5 + n, ">") == 0)
            return true;
    }
    return cfn__is_ssm_value_type(type);
}

static bool type_is_list(const char *type)
{
    if (strncmp(type, "List<", 5) == 0 || strcmp(type, "CommaDelimitedList") == 0)
        return true;
    if (cfn__is_ssm_value_type(type)) {
        const char *inner = type + strlen(SSM_VALUE_PREFIX);
        return strncmp(inner, "List<", 5) == 0 || strncmp(inner, "CommaDelimitedList>", 19) == 0;
    }
    return false;
}

static bool type_is_number(const char *type)
{
    return strcmp(type, "Number") == 0 || strcmp(type, "List<Number>") == 0;
}

static char **type_names(size_t *nr)
{
    size_t n = ARRAY_SIZE(plain_types) + 2 * ARRAY_SIZE(aws_specific_types);
    char **v = xcalloc(n, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < ARRAY_SIZE(plain_types); i++)
        v[k++] = xstrdup(plain_types[i]);
    for (size_t i = 0; i < ARRAY_SIZE(aws_specific_types); i++) {
        v[k++] = xstrdup(aws_specific_types[i]);
        v[k++] = xasprintf("List<%s>", aws_specific_types[i]);
    }
    *nr = k;
    return v;
}

/*
 * Split a list parameter value on commas. AWS (parameters-section-structure): the members
 * of a CommaDelimitedList are space-trimmed. An empty value is an empty list.
 */
size_t cfn__split_list(const char *s, char ***out)
{
    char **v = NULL;
    size_t nr = 0, alloc = 0;
    if (*s) {
        for (const char *p = s;; p++) {
            const char *end = strchr(p, ',');
            if (!end)
                end = p + strlen(p);
            const char *a = p, *b = end;
            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                b--;
            ALLOC_GROW(v, nr + 1, alloc);
            v[nr++] = xstrndup(a, (size_t)(b - a));
            if (!*end)
                break;
            p = end;
        }
    }
    *out = v;
    return nr;
}

void cfn__free_strv(char **v, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(v[i]);
    free(v);
}

/*
 * Compile AllowedPattern as CloudFormation applies it: to the entire value, in Java's syntax
 * (cfn_regex.c translates it). Returns 0, a regcomp() error with its message in err, or -1
 * when the pattern uses a Java feature POSIX cannot express (err names it).
 */
static int compile_pattern(regex_t *re, const char *pat, char *err, size_t errlen)
{
    char *ere;
    const char *why;
    int tr = cfn__java_regex_to_ere(pat, &ere, &why);
    if (tr == 1) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    struct strbuf sb = { 0 };
    sb_adds(&sb, "^(");
    sb_adds(&sb, tr == 0 ? ere : pat); /* malformed: let regcomp() say what is wrong */
    sb_adds(&sb, ")$");
    free(ere);
    int rc = regcomp(re, sb.buf, REG_EXTENDED | REG_NOSUB);
    if (rc != 0)
        regerror(rc, re, err, errlen);
    free(sb.buf);
    return rc;
}

/* ---- cfn_open ------------------------------------------------------------------------- */

/* AWS: template-anatomy. */
static const char *const sections[] = {
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Globals", /* AWS SAM only: check_transform() */
};

/* AWS: aws-product-attribute-reference. */
static const char *const resource_attrs[] = {
    "Type",           "Properties",     "DependsOn",    "Condition",           "Metadata",
    "CreationPolicy", "DeletionPolicy", "UpdatePolicy", "UpdateReplacePolicy",
};

/* AWS: parameters-section-structure. */
static const char *const param_keys[] = {
    "Type",      "Default",   "AllowedValues", "AllowedPattern",        "MinValue", "MaxValue",
    "MinLength", "MaxLength", "Description",   "ConstraintDescription", "NoEcho",
};

bool cfn__in_list(const char *s, const char *const *v, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        if (strcmp(s, v[i]) == 0)
            return true;
    return false;
}

static void check_scalar_key(const struct ynode *decl, const char *key, const char *pname,
                             struct diag_list *d)
{
    const struct ynode *v = ynode_get(decl, key);
    if (v && !is_string(v))
        diag_error(d, &v->loc, "'%s' of parameter '%s' must be a plain scalar, not a %s%s", key,
                   pname, v->tag ? "tagged " : "", ynode_kind_name(v->kind));
}

static void check_number_key(const struct ynode *decl, const char *key, const char *pname,
                             bool integer, struct diag_list *d)
{
    const struct ynode *v = ynode_get(decl, key);
    double x;
    if (!v)
        return;
    if (!is_string(v) || !parse_number(v->scalar, &x) || (integer && (x < 0 || x != floor(x))))
        diag_error(d, &v->loc, "'%s' of parameter '%s' must be %s", key, pname,
                   integer ? "a non-negative integer" : "a number");
}

static void parse_param(struct cfn_impl *t, const struct ynode_pair *pp, struct diag_list *d)
{
    const char *name = pp->key->scalar;
    const struct ynode *decl = pp->value;
    if (decl->kind != YNODE_MAP) {
        diag_error(d, &decl->loc, "parameter '%s' must be a mapping, not a %s", name,
                   ynode_kind_name(decl->kind));
        return;
    }
    for (size_t i = 0; i < decl->nr; i++) {
        const struct ynode *k = decl->pairs[i].key;
        if (!cfn__in_list(k->scalar, param_keys, ARRAY_SIZE(param_keys)))
            cfn__error_suggest(d, &k->loc, k->scalar, param_keys, ARRAY_SIZE(param_keys),
                               "unknown key '%s' in parameter '%s'", k->scalar, name);
    }
    const struct ynode *type = ynode_get(decl, "Type");
    if (!type) {
        diag_error(d, &pp->key->loc, "parameter '%s' has no 'Type'", name);
        return;
    }
    if (!is_string(type)) {
        diag_error(d, &type->loc, "'Type' of parameter '%s' must be a plain scalar", name);
        return;
    }
    if (!is_known_type(type->scalar)) {
        size_t nr;
        char **names = type_names(&nr);
        cfn__error_suggest(d, &type->loc, type->scalar, (const char *const *)names, nr,
                           "unknown Type '%s' for parameter '%s'", type->scalar, name);
        cfn__free_strv(names, nr);
        return;
    }
    static const char *const scalar_keys[] = { "Default", "AllowedPattern", "Description",
                                               "ConstraintDescription", "NoEcho" };
    for (size_t i = 0; i < ARRAY_SIZE(scalar_keys); i++)
        check_scalar_key(decl, scalar_keys[i], name, d);
    check_number_key(decl, "MinValue", name, false, d);
    check_number_key(decl, "MaxValue", name, false, d);
    check_number_key(decl, "MinLength", name, true, d);
    check_number_key(decl, "MaxLength", name, true, d);
    const struct ynode *av = ynode_get(decl, "AllowedValues");
    if (av) {
        bool ok = av->kind == YNODE_SEQ && !av->tag;
        for (size_t i = 0; ok && i < av->nr; i++)
            ok = is_string(av->items[i]);
        if (!ok)
            diag_error(d, &av->loc,
                       "'AllowedValues' of parameter '%s' must be a list of plain scalars", name);
    }
    const struct ynode *pat = ynode_get(decl, "AllowedPattern");
    if (is_string(pat)) {
        regex_t re;
        char err[128];
        int rc = compile_pattern(&re, pat->scalar, err, sizeof(err));
        if (rc < 0)
            diag_warning(d, &pat->loc,
                         "AllowedPattern of parameter '%s' uses %s, which asgsim cannot "
                         "evaluate; values are not checked against it",
                         name, err);
        else if (rc > 0)
            diag_error(d, &pat->loc, "invalid AllowedPattern for parameter '%s': %s", name, err);
        else
            regfree(&re);
    }

    struct cfn_template *pub = &t->pub;
    pub->params = xrealloc(pub->params, (pub->nr_params + 1) * sizeof(*pub->params));
    t->pdecl = xrealloc(t->pdecl, (pub->nr_params + 1) * sizeof(*t->pdecl));
    struct cfn_param *p = &pub->params[pub->nr_params];
    memset(p, 0, sizeof(*p));
    p->name = xstrdup(name);
    p->type = xstrdup(type->scalar);
    p->is_list = type_is_list(type->scalar);
    p->loc = pp->key->loc;
    const struct ynode *def = ynode_get(decl, "Default");
    if (is_string(def))
        p->value = xstrdup(def->scalar);
    t->pdecl[pub->nr_params++] = decl;
}

const char **cfn__param_names(const struct cfn_template *t, size_t extra)
{
    const char **v = xcalloc(t->nr_params + extra + 1, sizeof(*v));
    for (size_t i = 0; i < t->nr_params; i++)
        v[i] = t->params[i].name;
    return v;
}

int cfn__param_index(const struct cfn_template *t, const char *name)
{
    for (size_t i = 0; i < t->nr_params; i++)
        if (strcmp(t->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Check one member of a parameter value against the declared constraints; 0 or -1. */
static int check_member(const struct cfn_param *p, const struct ynode *decl, const char *v,
                        const struct src_loc *loc, struct diag_list *d)
{
    double x;
    if (type_is_number(p->type)) {
        if (!parse_number(v, &x))
            return diag_error(d, loc, "parameter '%s' value '%s' is not a number", p->name, v);
        const struct ynode *mn = ynode_get(decl, "MinValue"), *mx = ynode_get(decl, "MaxValue");
        double lim;
        if (is_string(mn) && parse_number(mn->scalar, &lim) && x < lim)
            return diag_error(d, loc, "parameter '%s' value %s is less than MinValue %s", p->name,
                              v, mn->scalar);
        if (is_string(mx) && parse_number(mx->scalar, &lim) && x > lim)
            return diag_error(d, loc, "parameter '%s' value %s is greater than MaxValue %s",
                              p->name, v, mx->scalar);
    }
    const struct ynode *av = ynode_get(decl, "AllowedValues");
    if (av && av->kind == YNODE_SEQ) {
        bool found = false;
        struct strbuf sb = { 0 };
        for (size_t i = 0; i < av->nr; i++) {
            if (av->items[i]->kind != YNODE_SCALAR)
                continue;
            if (strcmp(av->items[i]->scalar, v) == 0)
                found = true;
            if (sb.len)
                sb_adds(&sb, ", ");
            sb_adds(&sb, av->items[i]->scalar);
        }
        if (!found) {
            diag_error(d, loc, "parameter '%s' value '%s' is not one of its AllowedValues (%s)",
                       p->name, v, sb.buf ? sb.buf : "");
            free(sb.buf);
            return -1;
        }
        free(sb.buf);
    }
    if (type_is_number(p->type))
        return 0;
    const struct ynode *pat = ynode_get(decl, "AllowedPattern");
    if (is_string(pat)) {
        regex_t re;
        char err[128];
        if (compile_pattern(&re, pat->scalar, err, sizeof(err)) == 0) {
            int rc = regexec(&re, v, 0, NULL, 0);
            regfree(&re);
            if (rc != 0)
                return diag_error(d, loc,
                                  "parameter '%s' value '%s' does not match AllowedPattern '%s'",
                                  p->name, v, pat->scalar);
        }
    }
    if (p->is_list)
        return 0;
    /* AWS: MinLength/MaxLength apply to String types. */
    const struct ynode *mn = ynode_get(decl, "MinLength"), *mx = ynode_get(decl, "MaxLength");
    size_t len = utf8_chars(v);
    if (is_string(mn) && parse_number(mn->scalar, &x) && (double)len < x)
        return diag_error(d, loc, "parameter '%s' value '%s' is shorter than MinLength %s", p->name,
                          v, mn->scalar);
    if (is_string(mx) && parse_number(mx->scalar, &x) && (double)len > x)
        return diag_error(d, loc, "parameter '%s' value '%s' is longer than MaxLength %s", p->name,
                          v, mx->scalar);
    return 0;
}

static void check_param_value(struct cfn_impl *t, size_t i, struct diag_list *d)
{
    const struct cfn_param *p = &t->pub.params[i];
    const struct ynode *decl = t->pdecl[i];
    /* The Default of an SSM parameter type names the SSM parameter, not the value. */
    if (!p->value || (cfn__is_ssm_value_type(p->type) && !p->overridden))
        return;
    /* An override has no place in the file; the message names the parameter instead. */
    const struct src_loc *loc = p->overridden ? NULL : &ynode_get(decl, "Default")->loc;
    int bad = 0;
    if (p->is_list) {
        char **v;
        size_t nr = cfn__split_list(p->value, &v);
        for (size_t k = 0; k < nr && !bad; k++)
            bad = check_member(p, decl, v[k], loc, d);
        cfn__free_strv(v, nr);
    } else {
        bad = check_member(p, decl, p->value, loc, d);
    }
    const struct ynode *cd = ynode_get(decl, "ConstraintDescription");
    if (bad && is_string(cd))
        diag_note(d, loc, "%s", cd->scalar);
}

static void apply_overrides(struct cfn_impl *t, struct diag_list *d)
{
    struct cfn_template *pub = &t->pub;
    for (size_t i = 0; i < pub->opt.nr_overrides; i++) {
        const struct cfn_override *o = &pub->opt.overrides[i];
        int k = cfn__param_index(pub, o->name);
        if (k < 0) {
            const char **names = cfn__param_names(pub, 0);
            cfn__error_suggest(
                    d, NULL, o->name, names, pub->nr_params,
                    "parameter '%s' given with --parameter is not declared in the template",
                    o->name);
            free(names);
            continue;
        }
        struct cfn_param *p = &pub->params[k];
        free(p->value);
        p->value = xstrdup(o->value);
        p->overridden = true;
    }
}

static void parse_resource(struct cfn_impl *t, const struct ynode_pair *rp, struct diag_list *d)
{
    const char *id = rp->key->scalar;
    const struct ynode *r = rp->value;
    if (r->kind != YNODE_MAP) {
        diag_error(d, &r->loc, "resource '%s' must be a mapping, not a %s", id,
                   ynode_kind_name(r->kind));
        return;
    }
    for (size_t i = 0; i < r->nr; i++) {
        const struct ynode *k = r->pairs[i].key;
        if (!cfn__in_list(k->scalar, resource_attrs, ARRAY_SIZE(resource_attrs)))
            cfn__error_suggest(d, &k->loc, k->scalar, resource_attrs, ARRAY_SIZE(resource_attrs),
                               "unknown attribute '%s' in resource '%s'", k->scalar, id);
    }
    const struct ynode *type = ynode_get(r, "Type");
    if (!type) {
        diag_error(d, &rp->key->loc, "resource '%s' has no 'Type'", id);
        return;
    }
    if (!is_string(type) || ynode_is_null(type)) {
        diag_error(
                d, &type->loc,
                "'Type' of resource '%s' must be a string such as 'AWS::AutoScaling::AutoScalingGroup'",
                id);
        return;
    }
    const struct ynode *props = ynode_get(r, "Properties");
    if (ynode_is_null(props))
        props = NULL;
    if (props && props->kind != YNODE_MAP) {
        diag_error(d, &props->loc, "'Properties' of resource '%s' must be a mapping, not a %s", id,
                   ynode_kind_name(props->kind));
        return;
    }
    /* AWS (aws-attribute-condition): the resource is created only when its condition is
     * true; one that is not is kept aside, for the messages about references to it. */
    const struct ynode *cond = ynode_get(r, "Condition");
    int created = 1;
    if (cond) {
        if (!is_string(cond) || ynode_is_null(cond)) {
            diag_error(d, &cond->loc,
                       "the Condition of resource '%s' must be the name of a condition", id);
            return;
        }
        if ((created = cfn__condition_value(t, cond, d)) < 0)
            return;
    }
    struct cfn_template *pub = &t->pub;
    /* What the binders read: the Properties without those AWS::NoValue removes, so that a
       property's presence ("give A or B, not both") is what CloudFormation passes on. */
    if (created && props)
        props = cfn__present(t, props);
    struct cfn_resource **list = created ? &pub->resources : &t->absent;
    size_t *nr = created ? &pub->nr_resources : &t->nr_absent;
    *list = xrealloc(*list, (*nr + 1) * sizeof(**list));
    struct cfn_resource *res = &(*list)[(*nr)++];
    res->logical_id = id;
    res->type = type->scalar;
    res->node = r;
    res->properties = props;
    res->loc = rp->key->loc;
    res->condition = cond ? cond->scalar : NULL;
}

static const struct ynode *section_map(const struct ynode *root, const char *name,
                                       struct diag_list *d)
{
    const struct ynode *v = ynode_get(root, name);
    if (!v)
        return NULL;
    if (v->kind != YNODE_MAP) {
        diag_error(d, &v->loc, "'%s' must be a mapping, not a %s", name, ynode_kind_name(v->kind));
        return NULL;
    }
    return v;
}

#define SAM_TRANSFORM "AWS::Serverless-2016-10-31"

/* One Transform entry: a macro name, or {Name: ..., Parameters: ...}. \return is it SAM? */
static bool check_one_transform(const struct ynode *n, struct diag_list *d)
{
    const struct ynode *name = n->kind == YNODE_MAP ? ynode_get(n, "Name") : n;
    if (!is_string(name) || ynode_is_null(name)) {
        diag_error(d, &n->loc, "'Transform' must be a transform name or a list of them");
        return false;
    }
    if (strcmp(name->scalar, SAM_TRANSFORM) == 0)
        return true;
    diag_error(d, &name->loc,
               "asgsim cannot expand the transform '%s' (only " SAM_TRANSFORM " is accepted)",
               name->scalar);
    return false;
}

/*
 * The SAM transform is accepted and not applied: it only expands AWS::Serverless::*
 * resources, which asgsim does not model. Any other transform or macro may rewrite the
 * template arbitrarily, so reading it as written would simulate the wrong thing.
 * AWS: transform-section-structure (a name or a list), transform-aws-serverless.
 */
static void check_transform(const struct ynode *root, struct diag_list *d)
{
    const struct ynode *tr = ynode_get(root, "Transform");
    bool sam = false;
    if (tr && tr->kind == YNODE_SEQ) {
        for (size_t i = 0; i < tr->nr; i++)
            sam |= check_one_transform(tr->items[i], d);
    } else if (tr) {
        sam = check_one_transform(tr, d);
    }
    const struct ynode_pair *g = ynode_get_pair(root, "Globals");
    if (g && !sam && !tr)
        diag_error(d, &g->key->loc,
                   "'Globals' is an AWS SAM section: it needs 'Transform: " SAM_TRANSFORM "'");
    else if (g && sam && g->value->kind != YNODE_MAP)
        diag_error(d, &g->value->loc, "'Globals' must be a mapping, not a %s",
                   ynode_kind_name(g->value->kind));
}

int cfn_open(struct cfn_template **out, struct ydoc *doc, const struct cfn_options *opt,
             struct diag_list *d)
{
    size_t errors_before = d->nr_errors;
    struct cfn_impl *t = xcalloc(1, sizeof(*t));
    struct cfn_template *pub = &t->pub;
    pub->doc = doc;
    if (opt)
        pub->opt = *opt;
    if (!pub->opt.stack_name)
        pub->opt.stack_name = "asgsim";
    if (!pub->opt.region)
        pub->opt.region = "us-east-1";

    const struct ynode *root = ydoc_root(doc);
    if (!root || (ynode_is_null(root) && root->len == 0)) {
        struct src_loc loc = { ydoc_file(doc), 1, 1 };
        diag_error(d, &loc, "scenario is empty");
        goto fail;
    }
    if (root->kind != YNODE_MAP) {
        diag_error(d, &root->loc, "a template must be a mapping of sections, not a %s",
                   ynode_kind_name(root->kind));
        goto fail;
    }
    for (size_t i = 0; i < root->nr; i++) {
        const struct ynode *k = root->pairs[i].key;
        if (!cfn__in_list(k->scalar, sections, ARRAY_SIZE(sections)))
            cfn__error_suggest(d, &k->loc, k->scalar, sections, ARRAY_SIZE(sections),
                               "unknown top-level section '%s'", k->scalar);
    }
    /* AWS: format-version-structure: 2010-09-09 is the only valid value. */
    const struct ynode *ver = ynode_get(root, "AWSTemplateFormatVersion");
    if (ver && (!is_string(ver) || strcmp(ver->scalar, "2010-09-09") != 0))
        diag_error(d, &ver->loc, "AWSTemplateFormatVersion must be '2010-09-09'");
    check_transform(root, d);
    pub->metadata = section_map(root, "Metadata", d);
    t->mappings = section_map(root, "Mappings", d);
    t->conditions = section_map(root, "Conditions", d);
    if (t->conditions)
        t->cond_state = xcalloc(t->conditions->nr, sizeof(*t->cond_state));

    const struct ynode *params = section_map(root, "Parameters", d);
    for (size_t i = 0; params && i < params->nr; i++)
        parse_param(t, &params->pairs[i], d);
    apply_overrides(t, d);
    for (size_t i = 0; i < pub->nr_params; i++)
        check_param_value(t, i, d);
    cfn__check_conditions(t, d);

    const struct ynode_pair *rp = ynode_get_pair(root, "Resources");
    if (!rp) {
        diag_error(d, &root->loc, "template has no 'Resources' section");
    } else if (rp->value->kind != YNODE_MAP || rp->value->nr == 0) {
        diag_error(d, &rp->value->loc, "'Resources' must be a non-empty mapping");
    } else {
        for (size_t i = 0; i < rp->value->nr; i++)
            parse_resource(t, &rp->value->pairs[i], d);
    }
    t->outputs = section_map(root, "Outputs", d);
    cfn__check_absent_refs(t, d);
    cfn__check_structure(t, d);

    if (d->nr_errors > errors_before)
        goto fail;
    *out = pub;
    return 0;
fail:
    cfn_close(pub);
    return ASG_EINVAL;
}

void cfn_close(struct cfn_template *pub)
{
    if (!pub)
        return;
    struct cfn_impl *t = impl(pub);
    for (size_t i = 0; i < pub->nr_params; i++) {
        free(pub->params[i].name);
        free(pub->params[i].type);
        free(pub->params[i].value);
    }
    free(pub->params);
    free(pub->resources);
    free(t->absent);
    free(t->pdecl);
    free(t->cond_state);
    free(t);
}

const struct cfn_resource *cfn_find_resource(const struct cfn_template *t, const char *logical_id)
{
    for (size_t i = 0; i < t->nr_resources; i++)
        if (strcmp(t->resources[i].logical_id, logical_id) == 0)
            return &t->resources[i];
    return NULL;
}

const struct cfn_param *cfn_find_param(const struct cfn_template *t, const char *name)
{
    int k = cfn__param_index(t, name);
    return k < 0 ? NULL : &t->params[k];
}
