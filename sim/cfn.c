/*
 * CloudFormation template layer: section and parameter checks, then lazy resolution of the
 * intrinsic functions a simulator can evaluate offline. AWS rules cited from the
 * CloudFormation User Guide pages named in the comments.
 */
#include "asgsim/cfn.h"

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

/* Deeper nesting than this is a self-reference (or an absurd template), not a real value. */
#define CFN_MAX_DEPTH 64

/* AWS: pseudo-parameters-ref; a fixed account id keeps outputs deterministic. */
#define CFN_ACCOUNT_ID "123456789012"

struct cfn_impl {
    struct cfn_template pub;        /* first, so the public pointer converts back */
    const struct ynode **pdecl;     /* each parameter's declaration MAP, same index as params */
    const struct ynode *mappings;   /* Mappings MAP or NULL */
    const struct ynode *conditions; /* Conditions MAP or NULL */
    signed char *cond_state;        /* per condition: 0 unknown, 1 evaluating, 2 false, 3 true */
};

static struct cfn_impl *impl(struct cfn_template *t)
{
    return (struct cfn_impl *)t;
}

/* Identity of the AWS::NoValue marker: compared by address, never printed as a tag. */
static const char no_value_tag[] = "AWS::NoValue";

/* ---- small helpers ---------------------------------------------------------------------- */

struct strbuf {
    char *buf;
    size_t len, alloc;
};

static void sb_add(struct strbuf *sb, const char *s, size_t n)
{
    ALLOC_GROW(sb->buf, sb->len + n + 1, sb->alloc);
    if (n)
        memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

static void sb_adds(struct strbuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

/* " (did you mean 'X'?)" or "", as a new string. */
static char *suggest(const char *word, const char *const *cands, size_t nr)
{
    const char *best = nr ? diag_closest(word, cands, nr) : NULL;
    return best ? xasprintf(" (did you mean '%s'?)", best) : xstrdup("");
}

static int error_suggest(struct diag_list *d, const struct src_loc *loc, const char *word,
                         const char *const *cands, size_t nr, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

/* diag_error() with a did-you-mean suffix computed from `word` and `cands`. */
static int error_suggest(struct diag_list *d, const struct src_loc *loc, const char *word,
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

static bool is_string(const struct ynode *n)
{
    return n && n->kind == YNODE_SCALAR && !n->tag;
}

static bool key_is(const struct ynode *k, const char *s)
{
    return k->kind == YNODE_SCALAR && strcmp(k->scalar, s) == 0;
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

static bool parse_index(const char *s, size_t *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
        return false;
    *out = (size_t)strtoul(s, NULL, 10);
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

static bool is_ssm_value_type(const char *type)
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
    return is_ssm_value_type(type);
}

static bool type_is_list(const char *type)
{
    if (strncmp(type, "List<", 5) == 0 || strcmp(type, "CommaDelimitedList") == 0)
        return true;
    if (is_ssm_value_type(type)) {
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
static size_t split_list(const char *s, char ***out)
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

static void free_strv(char **v, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(v[i]);
    free(v);
}

/*
 * Compile AllowedPattern as CloudFormation applies it: to the entire value. CloudFormation
 * uses Java regular expressions; POSIX ERE covers the common subset, and `\d`, which POSIX
 * lacks, is rewritten to a bracket expression.
 */
static int compile_pattern(regex_t *re, const char *pat, char *err, size_t errlen)
{
    struct strbuf sb = { 0 };
    sb_adds(&sb, "^(");
    for (const char *p = pat; *p; p++) {
        if (p[0] == '\\' && p[1] == 'd') {
            sb_adds(&sb, "[0-9]");
            p++;
        } else if (p[0] == '\\' && p[1] == 'D') {
            sb_adds(&sb, "[^0-9]");
            p++;
        } else if (p[0] == '\\' && p[1]) {
            sb_add(&sb, p, 2);
            p++;
        } else {
            sb_add(&sb, p, 1);
        }
    }
    sb_adds(&sb, ")$");
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

static bool in_list(const char *s, const char *const *v, size_t nr)
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
        if (!in_list(k->scalar, param_keys, ARRAY_SIZE(param_keys)))
            error_suggest(d, &k->loc, k->scalar, param_keys, ARRAY_SIZE(param_keys),
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
        error_suggest(d, &type->loc, type->scalar, (const char *const *)names, nr,
                      "unknown Type '%s' for parameter '%s'", type->scalar, name);
        free_strv(names, nr);
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
        if (compile_pattern(&re, pat->scalar, err, sizeof(err)) != 0)
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

static const char **param_names(const struct cfn_template *t, size_t extra)
{
    const char **v = xcalloc(t->nr_params + extra + 1, sizeof(*v));
    for (size_t i = 0; i < t->nr_params; i++)
        v[i] = t->params[i].name;
    return v;
}

static int param_index(const struct cfn_template *t, const char *name)
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
    if (!p->value || (is_ssm_value_type(p->type) && !p->overridden))
        return;
    /* An override has no place in the file; the message names the parameter instead. */
    const struct src_loc *loc = p->overridden ? NULL : &ynode_get(decl, "Default")->loc;
    int bad = 0;
    if (p->is_list) {
        char **v;
        size_t nr = split_list(p->value, &v);
        for (size_t k = 0; k < nr && !bad; k++)
            bad = check_member(p, decl, v[k], loc, d);
        free_strv(v, nr);
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
        int k = param_index(pub, o->name);
        if (k < 0) {
            const char **names = param_names(pub, 0);
            error_suggest(d, NULL, o->name, names, pub->nr_params,
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
        if (!in_list(k->scalar, resource_attrs, ARRAY_SIZE(resource_attrs)))
            error_suggest(d, &k->loc, k->scalar, resource_attrs, ARRAY_SIZE(resource_attrs),
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
    struct cfn_template *pub = &t->pub;
    pub->resources = xrealloc(pub->resources, (pub->nr_resources + 1) * sizeof(*pub->resources));
    struct cfn_resource *res = &pub->resources[pub->nr_resources++];
    res->logical_id = id;
    res->type = type->scalar;
    res->node = r;
    res->properties = props;
    res->loc = rp->key->loc;
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
        if (!in_list(k->scalar, sections, ARRAY_SIZE(sections)))
            error_suggest(d, &k->loc, k->scalar, sections, ARRAY_SIZE(sections),
                          "unknown top-level section '%s'", k->scalar);
    }
    /* AWS: format-version-structure: 2010-09-09 is the only valid value. */
    const struct ynode *ver = ynode_get(root, "AWSTemplateFormatVersion");
    if (ver && (!is_string(ver) || strcmp(ver->scalar, "2010-09-09") != 0))
        diag_error(d, &ver->loc, "AWSTemplateFormatVersion must be '2010-09-09'");
    const struct ynode *tr = ynode_get(root, "Transform");
    if (tr)
        diag_warning(d, &tr->loc,
                     "'Transform' is not applied by asgsim; the template is read as written");
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

    const struct ynode_pair *rp = ynode_get_pair(root, "Resources");
    if (!rp) {
        diag_error(d, &root->loc, "template has no 'Resources' section");
    } else if (rp->value->kind != YNODE_MAP || rp->value->nr == 0) {
        diag_error(d, &rp->value->loc, "'Resources' must be a non-empty mapping");
    } else {
        for (size_t i = 0; i < rp->value->nr; i++)
            parse_resource(t, &rp->value->pairs[i], d);
    }

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
    int k = param_index(t, name);
    return k < 0 ? NULL : &t->params[k];
}

/* ---- intrinsic functions ---------------------------------------------------------------- */

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

struct call {
    enum fn fn;
    const char *name;         /* as written: "!Foo" or "Fn::Foo" */
    const struct ynode *node; /* the intrinsic as a whole (its location is the result's) */
    const struct ynode *arg;  /* the argument; for the short form, `node` itself */
    bool is_short;
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

static bool classify(const struct ynode *n, struct call *c)
{
    return short_form(n, c) || long_form(n, c);
}

bool cfn_is_intrinsic(const struct ynode *node)
{
    struct call c;
    return classify(node, &c);
}

bool cfn_is_no_value(const struct ynode *resolved)
{
    return resolved && resolved->tag == no_value_tag;
}

struct rctx {
    struct cfn_impl *t;
    struct diag_list *d;
};

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
static const struct ynode *list_arg(struct rctx *c, const struct call *call, unsigned depth,
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
static const struct ynode *resolve_scalar(struct rctx *c, const struct ynode *n, unsigned depth,
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
    error_suggest(c->d, &at->loc, name, pseudo_names, ARRAY_SIZE(pseudo_names),
                  "unknown pseudo parameter '%s'", name);
    return NULL;
}

static const struct ynode *param_value(struct rctx *c, size_t k, const struct ynode *at)
{
    const struct cfn_param *p = &c->t->pub.params[k];
    if (is_ssm_value_type(p->type) && !p->overridden) {
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
    size_t nr = split_list(p->value, &v);
    struct ynode *seq = ydoc_new_seq(doc_of(c), &at->loc, nr);
    for (size_t i = 0; i < nr; i++)
        seq->items[i] = new_text(c, at, v[i]);
    free_strv(v, nr);
    return seq;
}

/* Parameter and resource names, for "did you mean" on a bad reference. */
static const char **ref_names(const struct cfn_template *t, size_t *nr)
{
    const char **v = param_names(t, t->nr_resources);
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
    error_suggest(c->d, &at->loc, name, names, nr, "unresolved reference '%s'%s", name, in);
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
    int k = param_index(&c->t->pub, name);
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
        if (!in_list(attr, lt_attrs, ARRAY_SIZE(lt_attrs))) {
            error_suggest(c->d, &at->loc, attr, lt_attrs, ARRAY_SIZE(lt_attrs),
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
        error_suggest(c->d, &at->loc, id, names, c->t->pub.nr_resources,
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
        const struct ynode *an = resolve_scalar(c, a->items[1], depth, call, "the attribute name");
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
    } else if (param_index(&c->t->pub, name) >= 0) {
        v = param_value(c, (size_t)param_index(&c->t->pub, name), at);
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
    const struct ynode *a = list_arg(c, call, depth, 2, 2, "[delimiter, [values]]");
    if (!a)
        return NULL;
    const struct ynode *delim = resolve_scalar(c, a->items[0], depth, call, "the delimiter");
    const struct ynode *list = delim ? resolve_list(c, a->items[1], depth, call) : NULL;
    if (!list)
        return NULL;
    struct strbuf sb = { 0 };
    sb_add(&sb, "", 0);
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *v = resolve_scalar(c, list->items[i], depth, call, "a value");
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
    const struct ynode *a = list_arg(c, call, depth, 2, 2, "[index, [values]]");
    if (!a)
        return NULL;
    const struct ynode *ix = resolve_scalar(c, a->items[0], depth, call, "the index");
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
    const struct ynode *a = list_arg(c, call, depth, 2, 2, "[delimiter, string]");
    if (!a)
        return NULL;
    const struct ynode *delim = resolve_scalar(c, a->items[0], depth, call, "the delimiter");
    const struct ynode *src =
            delim ? resolve_scalar(c, a->items[1], depth, call, "the source") : NULL;
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

static const char **map_keys(const struct ynode *map)
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
    const char **keys = map && map->kind == YNODE_MAP ? map_keys(map) : NULL;
    error_suggest(c->d, &at->loc, key, keys, keys ? map->nr : 0, "%s '%s'", what, key);
    free(keys);
    return NULL;
}

static const struct ynode *eval_findinmap(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a =
            list_arg(c, call, depth, 3, 3, "[MapName, TopLevelKey, SecondLevelKey]");
    if (!a)
        return NULL;
    const struct ynode *k[3];
    static const char *const what[] = { "the map name", "the top-level key",
                                        "the second-level key" };
    for (size_t i = 0; i < 3; i++)
        if (!(k[i] = resolve_scalar(c, a->items[i], depth, call, what[i])))
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

static int eval_condition(struct rctx *c, const struct ynode *n, unsigned depth);

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
        int v = eval_condition(c, conds->pairs[i].value, depth + 1);
        t->cond_state[i] = (signed char)(v < 0 ? 0 : v + 2);
        return v;
    }
    const char **keys = conds ? map_keys(conds) : NULL;
    error_suggest(c->d, &at->loc, name, keys, conds ? conds->nr : 0, "unknown condition '%s'",
                  name);
    free(keys);
    return -1;
}

static int eval_equals(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a = list_arg(c, call, depth, 2, 2, "[value1, value2]");
    if (!a)
        return -1;
    const struct ynode *x = resolve_scalar(c, a->items[0], depth, call, "a value");
    const struct ynode *y = x ? resolve_scalar(c, a->items[1], depth, call, "a value") : NULL;
    if (!y)
        return -1;
    return x->len == y->len && memcmp(x->scalar, y->scalar, x->len) == 0;
}

/* A condition function (Fn::Equals/Not/And/Or or Condition): 1, 0, or -1 on error. */
static int eval_condition(struct rctx *c, const struct ynode *n, unsigned depth)
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
    } else if (!classify(n, &call)) {
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
        a = list_arg(c, &call, depth + 1, 1, 1, "[condition]");
        if (!a)
            return -1;
        int v = eval_condition(c, a->items[0], depth + 1);
        return v < 0 ? -1 : !v;
    case FN_AND:
    case FN_OR:
        /* AWS: intrinsic-function-reference-conditions: 2 to 10 conditions. */
        a = list_arg(c, &call, depth + 1, 2, 10, "a list of 2 to 10 conditions");
        if (!a)
            return -1;
        for (size_t i = 0; i < a->nr; i++) {
            int x = eval_condition(c, a->items[i], depth + 1);
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

static const struct ynode *eval_if(struct rctx *c, const struct call *call, unsigned depth)
{
    const struct ynode *a =
            list_arg(c, call, depth, 3, 3, "[ConditionName, value_if_true, value_if_false]");
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
        return eval_if(c, call, depth);
    case FN_EQUALS:
    case FN_NOT:
    case FN_AND:
    case FN_OR:
    case FN_CONDITION:
        v = eval_condition(c, call->node, depth);
        return v < 0 ? NULL : new_text(c, call->node, v ? "true" : "false");
    case FN_BASE64:
        return eval_base64(c, call, depth);
    case FN_CIDR:
    case FN_GETAZS:
    case FN_IMPORTVALUE:
    case FN_TRANSFORM:
        diag_error(c->d, &call->node->loc, "%s cannot be resolved by asgsim", call->name);
        return NULL;
    case FN_UNKNOWN:
        break;
    }
    if (call->is_short)
        error_suggest(c->d, &call->node->loc, call->name, short_names, ARRAY_SIZE(short_names),
                      "unknown tag '%s'", call->name);
    else
        error_suggest(c->d, &call->node->loc, call->name, long_names, ARRAY_SIZE(long_names),
                      "unknown intrinsic function '%s'", call->name);
    return NULL;
}

static const struct ynode *resolve_from(struct rctx *c, const struct ynode *n, unsigned depth,
                                        bool skip_tag)
{
    struct call call;
    while (n && (skip_tag ? long_form(n, &call) : classify(n, &call))) {
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
