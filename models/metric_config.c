/*
 * Metrics as templates name them: the table of produced metrics, the custom-namespace rule,
 * and metric math (`Metrics` with `Expression`) compiled to postfix. AWS: Metrics entries
 * (API_MetricDataQuery) have an Id, and a MetricStat or an Expression; exactly one returns
 * data ("specify true for the one expression result to use as the alarm"; ReturnData
 * defaults to true).
 */
#include "asgsim/metric_bind.h"
#include "asgsim/util.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char metric_bind_produced[] =
        "AWS/EC2 CPUUtilization, NetworkIn, NetworkOut; AWS/ApplicationELB RequestCount, "
        "RequestCountPerTarget, TargetResponseTime, HTTPCode_ELB_5XX_Count, "
        "HTTPCode_Target_5XX_Count; AWS/SQS ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage; AWS/AutoScaling Group* metrics; a custom namespace's "
        "CPUUtilization with the group's AutoScalingGroupName dimension; and the metrics the settings "
        "define in CustomMetrics";

struct metric_name {
    const char *ns, *name;
    enum cw_metric metric;
};

static const struct metric_name metrics[] = {
    { "AWS/EC2", "CPUUtilization", CW_CPU },
    { "AWS/EC2", "NetworkIn", CW_NETWORK_IN },
    { "AWS/EC2", "NetworkOut", CW_NETWORK_OUT },
    { "AWS/ApplicationELB", "RequestCountPerTarget", CW_REQUEST_COUNT_PER_TGT },
    { "AWS/ApplicationELB", "RequestCount", CW_REQUEST_COUNT },
    { "AWS/ApplicationELB", "TargetResponseTime", CW_TARGET_RESPONSE_TIME },
    { "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", CW_ELB_5XX },
    { "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", CW_TARGET_5XX },
    { "AWS/SQS", "ApproximateNumberOfMessagesVisible", CW_SQS_VISIBLE },
    { "AWS/SQS", "ApproximateAgeOfOldestMessage", CW_SQS_OLDEST_AGE },
    { "AWS/AutoScaling", "GroupMinSize", CW_GROUP_MIN_SIZE },
    { "AWS/AutoScaling", "GroupMaxSize", CW_GROUP_MAX_SIZE },
    { "AWS/AutoScaling", "GroupDesiredCapacity", CW_GROUP_DESIRED },
    { "AWS/AutoScaling", "GroupInServiceInstances", CW_GROUP_IN_SERVICE },
    { "AWS/AutoScaling", "GroupPendingInstances", CW_GROUP_PENDING },
    { "AWS/AutoScaling", "GroupTerminatingInstances", CW_GROUP_TERMINATING },
    { "AWS/AutoScaling", "GroupTotalInstances", CW_GROUP_TOTAL },
};

static bool has_group_dimension(struct bind *b, const struct ynode *dims)
{
    if (!dims || dims->kind != YNODE_SEQ)
        return false;
    for (size_t i = 0; i < dims->nr; i++) {
        const char *name = NULL;
        if (dims->items[i]->kind == YNODE_MAP &&
            bind_string(b, dims->items[i], "Name", &name) == 1 &&
            !strcmp(name, "AutoScalingGroupName"))
            return true;
    }
    return false;
}

int metric_bind_name(struct bind *b, const struct ynode *at, const char *ns, const char *name,
                     const struct ynode *dims, enum cw_metric *out)
{
    for (size_t k = 0; k < ARRAY_SIZE(metrics); k++)
        if (!strcmp(metrics[k].ns, ns) && !strcmp(metrics[k].name, name)) {
            *out = metrics[k].metric;
            return 1;
        }
    /* A namespace of the template's own with the group's dimension: the instances publish
       it through an agent (the CloudWatch agent's cpu_usage_active, often renamed
       CPUUtilization). asgsim's rule: it is the group's CPU utilization, every 10 s. */
    if (strncmp(ns, "AWS/", 4) &&
        (!strcmp(name, "CPUUtilization") || !strcmp(name, "cpu_usage_active")) &&
        has_group_dimension(b, dims)) {
        diag_warning(b->d, &at->loc,
                     "%s: metric '%s' in namespace '%s' is taken as the group's CPU "
                     "utilization as an agent on its instances publishes it, every 10 s",
                     b->what, name, ns);
        *out = CW_AGENT_CPU;
        return 1;
    }
    return 0;
}

/* ---- metric math ------------------------------------------------------------------------ */

struct entry {
    const struct ynode *node;
    const char *id;
    const char *expr; /* Expression, or NULL */
    const struct ynode *expr_node;
    size_t query;                 /* MetricStat: index into math->queries */
    struct metric_custom *custom; /* MetricStat of a metric the settings define, or NULL */
    enum cw_statistic stat;       /* ... and its Stat */
    bool returns;
};

struct compiler {
    struct bind *b;
    struct entry *e;
    size_t nr;
    struct cw_math *m;
    size_t alloc_rpn;
    int depth;
    size_t alloc_queries;
    /* inside a CustomMetrics Expression: names are produced metrics, read with `stat` */
    const struct metric_custom *def;
    enum cw_statistic stat;
};

struct lexer {
    const char *p;
    const struct ynode *at;
};

static void emit(struct compiler *c, struct cw_math_token t)
{
    ALLOC_GROW(c->m->rpn, c->m->nr_rpn + 1, c->alloc_rpn);
    c->m->rpn[c->m->nr_rpn++] = t;
}

static void skip_space(struct lexer *x)
{
    while (isspace((unsigned char)*x->p))
        x->p++;
}

static int compile_expr(struct compiler *c, const struct entry *e);
static int compile_custom(struct compiler *c, const struct metric_custom *def,
                          enum cw_statistic stat);
static int parse_sum(struct compiler *c, struct lexer *x);

static const struct metric_name *produced_named(const char *name, size_t len)
{
    for (size_t k = 0; k < ARRAY_SIZE(metrics); k++)
        if (strlen(metrics[k].name) == len && !strncmp(metrics[k].name, name, len))
            return &metrics[k];
    return NULL;
}

/* A name in a CustomMetrics Expression: the produced metric, with the use's statistic. */
static int custom_name(struct compiler *c, struct lexer *x, const char *name, size_t len)
{
    const struct metric_name *p = produced_named(name, len);
    if (!p) {
        const char *names[ARRAY_SIZE(metrics)];
        for (size_t k = 0; k < ARRAY_SIZE(metrics); k++)
            names[k] = metrics[k].name;
        char *word = xstrndup(name, len);
        const char *hint = diag_closest(word, names, ARRAY_SIZE(names));
        int rc = diag_error(c->b->d, &x->at->loc,
                            "%s: Expression: '%s' is not a metric asgsim produces%s%s%s (it "
                            "produces AWS/EC2 CPUUtilization, NetworkIn, NetworkOut; "
                            "AWS/ApplicationELB RequestCount, RequestCountPerTarget, "
                            "TargetResponseTime, HTTPCode_ELB_5XX_Count, "
                            "HTTPCode_Target_5XX_Count; AWS/SQS "
                            "ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage; "
                            "AWS/AutoScaling Group*)",
                            c->b->what, word, hint ? " (did you mean '" : "", hint ? hint : "",
                            hint ? "'?)" : "");
        free(word);
        return rc;
    }
    struct cw_math *m = c->m;
    size_t q = 0;
    while (q < m->nr_queries &&
           !(m->queries[q].metric == p->metric && m->queries[q].stat == c->stat))
        q++;
    if (q == m->nr_queries) {
        ALLOC_GROW(m->queries, m->nr_queries + 1, c->alloc_queries);
        m->queries[m->nr_queries++] = (struct cw_math_query){ p->metric, c->stat };
    }
    emit(c, (struct cw_math_token){ .op = CW_OP_QUERY, .query = q });
    return 0;
}

static int syntax(struct compiler *c, struct lexer *x, const char *why)
{
    return diag_error(c->b->d, &x->at->loc, "%s: Expression: %s at '%.20s'", c->b->what, why,
                      *x->p ? x->p : "(end)");
}

static int parse_atom(struct compiler *c, struct lexer *x)
{
    skip_space(x);
    if (*x->p == '(') {
        x->p++;
        int rc = parse_sum(c, x);
        if (rc < 0)
            return rc;
        skip_space(x);
        if (*x->p != ')')
            return syntax(c, x, "')' expected");
        x->p++;
        return 0;
    }
    if (*x->p == '-') {
        x->p++;
        int rc = parse_atom(c, x);
        if (rc == 0)
            emit(c, (struct cw_math_token){ .op = CW_OP_NEG });
        return rc;
    }
    if (isdigit((unsigned char)*x->p) || *x->p == '.') {
        char *end;
        double v = strtod(x->p, &end);
        x->p = end;
        emit(c, (struct cw_math_token){ .op = CW_OP_NUM, .num = v });
        return 0;
    }
    if (isalpha((unsigned char)*x->p)) {
        const char *start = x->p;
        while (isalnum((unsigned char)*x->p) || *x->p == '_')
            x->p++;
        size_t len = (size_t)(x->p - start);
        skip_space(x);
        if (*x->p == '(')
            return diag_error(c->b->d, &x->at->loc,
                              "%s: Expression: function '%.*s' is not modelled by asgsim "
                              "(arithmetic over the %s only)",
                              c->b->what, (int)len, start,
                              c->def ? "names of produced metrics" : "Metrics ids");
        if (c->def)
            return custom_name(c, x, start, len);
        for (size_t i = 0; i < c->nr; i++) {
            const struct entry *e = &c->e[i];
            if (strlen(e->id) != len || strncmp(e->id, start, len))
                continue;
            if (e->custom)
                return compile_custom(c, e->custom, e->stat);
            if (!e->expr) {
                emit(c, (struct cw_math_token){ .op = CW_OP_QUERY, .query = e->query });
                return 0;
            }
            return compile_expr(c, e);
        }
        return diag_error(c->b->d, &x->at->loc, "%s: Expression: no Metrics entry has Id '%.*s'",
                          c->b->what, (int)len, start);
    }
    return syntax(c, x,
                  c->def ? "a number, a metric name or '(' expected"
                         : "a number, an Id or '(' expected");
}

static int parse_product(struct compiler *c, struct lexer *x)
{
    int rc = parse_atom(c, x);
    for (skip_space(x); rc == 0 && (*x->p == '*' || *x->p == '/'); skip_space(x)) {
        enum cw_math_op op = *x->p++ == '*' ? CW_OP_MUL : CW_OP_DIV;
        if ((rc = parse_atom(c, x)) == 0)
            emit(c, (struct cw_math_token){ .op = op });
    }
    return rc;
}

static int parse_sum(struct compiler *c, struct lexer *x)
{
    int rc = parse_product(c, x);
    for (skip_space(x); rc == 0 && (*x->p == '+' || *x->p == '-'); skip_space(x)) {
        enum cw_math_op op = *x->p++ == '+' ? CW_OP_ADD : CW_OP_SUB;
        if ((rc = parse_product(c, x)) == 0)
            emit(c, (struct cw_math_token){ .op = op });
    }
    return rc;
}

static int compile_expr(struct compiler *c, const struct entry *e)
{
    /* expressions may use one another; a cycle would recurse without end */
    if (++c->depth > 16)
        return diag_error(c->b->d, &e->expr_node->loc,
                          "%s: Expression of '%s' refers to itself through other expressions",
                          c->b->what, e->id);
    struct lexer x = { e->expr, e->expr_node };
    int rc = parse_sum(c, &x);
    skip_space(&x);
    if (rc == 0 && *x.p)
        rc = syntax(c, &x, "unexpected text");
    c->depth--;
    return rc;
}

/* A metric the settings define, in place: its expression with the use's statistic. */
static int compile_custom(struct compiler *c, const struct metric_custom *def,
                          enum cw_statistic stat)
{
    const struct metric_custom *outer = c->def;
    enum cw_statistic outer_stat = c->stat;
    c->def = def;
    c->stat = stat;
    struct lexer x = { def->expr, def->expr_at };
    int rc = parse_sum(c, &x);
    skip_space(&x);
    if (rc == 0 && *x.p)
        rc = syntax(c, &x, "unexpected text");
    c->def = outer;
    c->stat = outer_stat;
    return rc;
}

int metric_bind_statistic(struct bind *b, const struct ynode *map, const char *key, bool named,
                          bool percentile, enum cw_statistic *out)
{
    const char *s = NULL;
    int rc = bind_string(b, map, key, &s);
    if (rc <= 0)
        return rc;
    for (int i = 0; named && i < CW_STAT_NR; i++) {
        if (!strcmp(s, cw_statistic_names[i])) {
            *out = (enum cw_statistic)i;
            return 1;
        }
    }
    if (percentile && cw_percentile_parse(s, out))
        return 1;
    const struct ynode *at = NULL;
    bind_get(b, map, key, &at);
    const char *kind = percentile ? cw_extended_kind(s) : NULL;
    if (kind)
        return diag_error(b->d, &at->loc,
                          "%s: %s '%s' (a %s) is not modelled by asgsim; of CloudWatch's "
                          "extended statistics it models the percentiles, p0 to p100",
                          b->what, key, s, kind);
    if (percentile && !named)
        return diag_error(b->d, &at->loc,
                          "%s: %s '%s' is not a percentile CloudWatch accepts: p0 to p100 with at "
                          "most two decimals, as p99 or p99.9",
                          b->what, key, s);
    if (percentile)
        return diag_error(b->d, &at->loc,
                          "'%s' in %s must be one of Average, Sum, Minimum, Maximum, SampleCount "
                          "or a percentile p0 to p100 with at most two decimals (p99, p99.9), "
                          "got '%s'",
                          key, b->what, s);
    int v;
    return bind_enum(b, map, key, cw_statistic_names, CW_STAT_NR, &v);
}

static int bind_stat(struct bind *b, const struct ynode *ms, struct cw_math_query *q,
                     int64_t *period_s)
{
    static const char *const used[] = { "Metric", "Stat", "Period", "Unit" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int rc = bind_check_keys(b, ms, &keys);
    if (rc < 0)
        return rc;
    /* API_MetricStat: "any CloudWatch statistic or extended statistic" */
    rc = metric_bind_statistic(b, ms, "Stat", true, true, &q->stat);
    if (rc == 0)
        rc = bind_missing(b, &ms->loc, "Stat");
    if (rc < 0)
        return rc;
    int64_t p = 0;
    if ((rc = bind_int(b, ms, "Period", 1, 86400 * 7, &p)) < 0)
        return rc;
    if (rc == 1 && *period_s && p != *period_s)
        return diag_error(b->d, &ynode_get(ms, "Period")->loc,
                          "%s: the MetricStat entries give different periods (%" PRId64
                          " s and %" PRId64 " s); asgsim needs one",
                          b->what, *period_s, p);
    if (rc == 1)
        *period_s = p;
    return 0;
}

int metric_bind_math(struct bind *b, const struct ynode *list, const struct metric_scope *scope,
                     struct cw_math *out, int64_t *period_s, const struct ynode **unproduced)
{
    memset(out, 0, sizeof(*out));
    *period_s = 0;
    if (list->kind != YNODE_SEQ || list->nr == 0)
        return diag_error(b->d, &list->loc, "%s: 'Metrics' must be a non-empty list", b->what);
    struct entry *e = xcalloc(list->nr, sizeof(*e));
    out->queries = xcalloc(list->nr, sizeof(*out->queries));
    int ret = 0, rc;
    size_t nr_returns = 0;
    const struct entry *ret_e = NULL;
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *item = list->items[i];
        static const char *const used[] = { "Id", "Expression", "MetricStat", "ReturnData",
                                            "Period" };
        static const char *const inert[] = { "Label", "AccountId" };
        const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(inert), NULL, 0 };
        e[i].node = item;
        e[i].returns = true;
        if ((rc = bind_check_keys(b, item, &keys)) < 0 ||
            (rc = bind_bool(b, item, "ReturnData", &e[i].returns)) < 0) {
            ret = rc;
            continue;
        }
        rc = bind_string(b, item, "Id", &e[i].id);
        if (rc == 0)
            rc = bind_missing(b, &item->loc, "Id");
        if (rc < 0) {
            ret = rc;
            continue;
        }
        const struct ynode *ms = NULL;
        int re = bind_string(b, item, "Expression", &e[i].expr);
        int rm = bind_map(b, item, "MetricStat", &ms);
        if (re < 0 || rm < 0) {
            ret = ASG_EINVAL;
            continue;
        }
        if (re + rm != 1) {
            ret = diag_error(b->d, &item->loc,
                             "%s: a Metrics entry needs exactly one of Expression and MetricStat",
                             b->what);
            continue;
        }
        nr_returns += e[i].returns;
        if (e[i].returns)
            ret_e = &e[i];
        if (re) {
            bind_get(b, item, "Expression", &e[i].expr_node);
            continue;
        }
        const struct ynode *m = NULL;
        const char *ns = NULL, *name = NULL;
        struct cw_math_query *q = &out->queries[out->nr_queries];
        if ((rc = bind_stat(b, ms, q, period_s)) < 0) {
            ret = rc;
            continue;
        }
        rc = bind_map(b, ms, "Metric", &m);
        if (rc == 0)
            rc = bind_missing(b, &ms->loc, "Metric");
        if (rc < 0) {
            ret = rc;
            continue;
        }
        static const char *const mused[] = { "MetricName", "Namespace", "Dimensions" };
        const struct bind_keys mkeys = { BIND_LIST(mused), NULL, 0, NULL, 0 };
        const struct ynode *dims = NULL;
        if ((rc = bind_check_keys(b, m, &mkeys)) < 0 ||
            (rc = bind_get(b, m, "Dimensions", &dims)) < 0) {
            ret = rc;
            continue;
        }
        int rn = bind_string(b, m, "MetricName", &name);
        int rs = bind_string(b, m, "Namespace", &ns);
        if (rn == 0)
            rn = bind_missing(b, &m->loc, "MetricName");
        if (rs == 0)
            rs = bind_missing(b, &m->loc, "Namespace");
        if (rn < 0 || rs < 0) {
            ret = ASG_EINVAL;
            continue;
        }
        const struct ynode *name_node = ynode_get(m, "MetricName");
        if ((rc = metric_bind_name(b, name_node, ns, name, dims, &q->metric)) < 0) {
            ret = rc;
            continue;
        }
        if (rc == 0) {
            /* one the settings define: compiled where the expression names it */
            struct metric_custom *def = metric_find_custom(scope, ns, name, NULL);
            if (def && def->bad) {
                ret = ASG_EINVAL;
            } else if (def) {
                def->used = true;
                e[i].custom = def;
                e[i].stat = q->stat;
            } else if (!*unproduced) {
                *unproduced = name_node;
            }
            continue;
        }
        e[i].query = out->nr_queries++;
    }
    if (ret == 0 && nr_returns != 1)
        ret = diag_error(b->d, &list->loc,
                         "%s: exactly one Metrics entry must return data (the others need "
                         "ReturnData: false); %zu do",
                         b->what, nr_returns);
    if (ret == 0 && !*unproduced) {
        struct compiler c = { .b = b, .e = e, .nr = list->nr, .m = out, .alloc_queries = list->nr };
        if (ret_e->expr)
            ret = compile_expr(&c, ret_e);
        else if (ret_e->custom)
            ret = compile_custom(&c, ret_e->custom, ret_e->stat);
        else
            emit(&c, (struct cw_math_token){ .op = CW_OP_QUERY, .query = ret_e->query });
    }
    free(e);
    if (ret < 0 || *unproduced)
        cw_math_release(out);
    return ret < 0 ? ret : *unproduced ? 0 : 1;
}

/* ---- metrics the settings define (CustomMetrics) ------------------------------------------ */

static bool same_scope(const char *g1, const char *g2)
{
    return g1 == g2 || (g1 && g2 && !strcmp(g1, g2));
}

/* One definition: {MetricName, Namespace, Expression}. */
static int bind_custom(struct bind *b, const struct ynode *item, const char *group,
                       struct metric_customs *out)
{
    static const char *const used[] = { "MetricName", "Namespace", "Expression" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    char *what = group ? xasprintf("Groups '%s' CustomMetrics", group) : xstrdup("CustomMetrics");
    struct bind db = { b->cfn, b->d, what };
    struct metric_custom def = { .group = group, .node = item, .d = b->d };
    int rc = bind_check_keys(&db, item, &keys);
    if (rc == 0 && (rc = bind_string(&db, item, "MetricName", &def.name)) == 0)
        rc = bind_missing(&db, &item->loc, "MetricName");
    if (rc < 0) {
        free(what);
        return rc;
    }
    /* from here on, messages name the definition */
    char *named = xasprintf("%s '%s'", what, def.name);
    free(what);
    what = named;
    db.what = what;
    int rs = bind_string(&db, item, "Namespace", &def.ns);
    int re = bind_string(&db, item, "Expression", &def.expr);
    if (re == 0)
        re = bind_missing(&db, &item->loc, "Expression");
    def.expr_at = ynode_get(item, "Expression");
    const struct ynode *name_at = ynode_get(item, "MetricName");
    /* a definition in error is kept (marked bad) so that its uses add no second error */
    int ret = rs < 0 || re < 0 ? ASG_EINVAL : 0;
    const struct metric_name *p = produced_named(def.name, strlen(def.name));
    if (ret == 0 && p && (!def.ns || !strcmp(def.ns, p->ns)))
        ret = diag_error(b->d, &name_at->loc,
                         "%s: '%s' is a metric asgsim produces (%s); CustomMetrics defines the "
                         "metrics it does not",
                         what, def.name, p->ns);
    for (size_t i = 0; ret == 0 && i < out->nr; i++) {
        const struct metric_custom *o = &out->items[i];
        if (same_scope(o->group, group) && !strcmp(o->name, def.name) &&
            (!o->ns || !def.ns || !strcmp(o->ns, def.ns)))
            ret = diag_error(b->d, &name_at->loc, "%s: defined twice (first at line %u)", what,
                             (unsigned)o->node->loc.line);
    }
    /* compiled once here for its errors; each use compiles it with its own statistic */
    struct cw_math m = { 0 };
    struct compiler c = { .b = &db, .m = &m };
    if (ret == 0)
        ret = compile_custom(&c, &def, CW_AVERAGE);
    cw_math_release(&m);
    def.bad = ret < 0;
    ALLOC_GROW(out->items, out->nr + 1, out->alloc);
    out->items[out->nr++] = def;
    free(what);
    return ret;
}

int metric_bind_customs(struct bind *b, const struct ynode *list, const char *group,
                        struct metric_customs *out)
{
    if (list->kind != YNODE_SEQ)
        return diag_error(b->d, &list->loc,
                          "%s: 'CustomMetrics' must be a list of {MetricName, Namespace, "
                          "Expression}",
                          b->what);
    int ret = 0;
    for (size_t i = 0; i < list->nr; i++) {
        int rc = bind_custom(b, list->items[i], group, out);
        if (rc < 0)
            ret = rc;
    }
    return ret;
}

struct metric_custom *metric_find_custom(const struct metric_scope *s, const char *ns,
                                         const char *name, const char **other_ns)
{
    struct metric_custom *own = NULL, *shared = NULL;
    if (other_ns)
        *other_ns = NULL;
    for (size_t i = 0; s && s->customs && i < s->customs->nr; i++) {
        struct metric_custom *d = &s->customs->items[i];
        if (strcmp(d->name, name))
            continue;
        bool mine = !d->group || (s->group_id && !strcmp(d->group, s->group_id)) ||
                    (s->group_name && !strcmp(d->group, s->group_name));
        if (!mine)
            continue;
        if (d->ns && strcmp(d->ns, ns)) {
            if (other_ns)
                *other_ns = d->ns;
            continue;
        }
        if (d->group && !own)
            own = d;
        else if (!d->group && !shared)
            shared = d;
    }
    return own ? own : shared;
}

int metric_bind_custom(struct metric_custom *def, enum cw_statistic stat, struct cw_math *out)
{
    memset(out, 0, sizeof(*out));
    if (def->bad)
        return ASG_EINVAL;
    def->used = true;
    struct bind b = { NULL, def->d, "CustomMetrics" };
    struct compiler c = { .b = &b, .m = out };
    int rc = compile_custom(&c, def, stat);
    if (rc < 0) {
        cw_math_release(out);
        return rc;
    }
    return 1;
}

void metric_customs_warn_unused(struct diag_list *d, const struct metric_customs *c)
{
    for (size_t i = 0; i < c->nr; i++) {
        const struct metric_custom *def = &c->items[i];
        if (def->used || def->bad)
            continue;
        const struct ynode *at = ynode_get(def->node, "MetricName");
        if (def->group)
            diag_warning(d, &at->loc,
                         "Groups '%s' CustomMetrics '%s': no alarm or target tracking policy of "
                         "that group watches this metric; the definition is unused",
                         def->group, def->name);
        else
            diag_warning(d, &at->loc,
                         "CustomMetrics '%s': no alarm or target tracking policy watches this "
                         "metric; the definition is unused",
                         def->name);
    }
}

void metric_customs_release(struct metric_customs *c)
{
    free(c->items);
    memset(c, 0, sizeof(*c));
}
