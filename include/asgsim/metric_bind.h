/*
 * metric_bind.h - naming the metrics asgsim produces as a template names them: a
 * (Namespace, MetricName, Dimensions) triple, or a `Metrics` list of metric math
 * (models/metric_config.c). Used by alarms and by target tracking's
 * CustomizedMetricSpecification.
 */
#ifndef ASGSIM_METRIC_BIND_H
#define ASGSIM_METRIC_BIND_H

#include "asgsim/bind.h"
#include "asgsim/cloudwatch_config.h"
#include "asgsim/yamltree.h"

/** What asgsim produces, for messages: "AWS/EC2 CPUUtilization, ...". */
extern const char metric_bind_produced[];

/**
 * A metric the settings define (`CustomMetrics`): one an application publishes, given as
 * arithmetic over the names of metrics asgsim produces for the group. The strings and nodes
 * are borrowed from the settings document (valid while it is loaded).
 */
struct metric_custom {
    const char *name;            /* MetricName */
    const char *ns;              /* Namespace, or NULL: any namespace */
    const char *group;           /* a `Groups:` entry's logical id, or NULL: every group */
    const char *expr;            /* Expression */
    const struct ynode *node;    /* the definition, for the unused warning */
    const struct ynode *expr_at; /* the Expression, for its errors */
    struct diag_list *d;         /* where its errors went */
    bool bad;                    /* reported already: whatever uses it fails quietly */
    bool used;                   /* an alarm or target tracking policy watches it */
};

/** The definitions of one scenario; zero-initialise, metric_customs_release(). */
struct metric_customs {
    struct metric_custom *items;
    size_t nr, alloc;
};

/** Which definitions a group's alarms and policies see (NULL customs: none). */
struct metric_scope {
    struct metric_customs *customs;
    const char *group_id, *group_name;
};

/**
 * Append the definitions of the `CustomMetrics` list `list` (for `group`, a logical id, or
 * NULL for every group) to *out, checking each: keys, MetricName not a produced metric,
 * Expression arithmetic over produced metric names, no name given twice in one scope.
 * \return 0 or ASG_EINVAL after located errors (a bad definition is kept, marked `bad`).
 */
int metric_bind_customs(struct bind *b, const struct ynode *list, const char *group,
                        struct metric_customs *out);

/**
 * The definition an alarm or policy of scope `s` names with `ns`/`name`: the group's own
 * first, then a stack-wide one; NULL when none. *other_ns, when not NULL, is set to the
 * Namespace of a definition of that name in another namespace (for messages), else NULL.
 */
struct metric_custom *metric_find_custom(const struct metric_scope *s, const char *ns,
                                         const char *name, const char **other_ns);

/**
 * Compile definition `def` for a use with statistic `stat` into `out` (each produced metric
 * its expression names becomes a query with that statistic) and mark it used. `out` is the
 * caller's to cw_math_release(); it is empty on failure.
 * \return 1, or ASG_EINVAL without a message when the definition was bad.
 */
int metric_bind_custom(struct metric_custom *def, enum cw_statistic stat, struct cw_math *out);

/** Warn, at each, about definitions nothing used. */
void metric_customs_warn_unused(struct diag_list *d, const struct metric_customs *c);

/** Free the array (the definitions borrow the rest); safe on a zeroed struct. */
void metric_customs_release(struct metric_customs *c);

/**
 * The produced metric that `ns`/`name` with `dims` (a Dimensions list, or NULL) names; `at`
 * locates warnings. \return 1 (and *out), 0 when asgsim does not produce it (nothing
 * reported), or ASG_EINVAL.
 */
int metric_bind_name(struct bind *b, const struct ynode *at, const char *ns, const char *name,
                     const struct ynode *dims, enum cw_metric *out);

/**
 * Bind a `Metrics` list (alarm MetricDataQuery or TargetTrackingMetricDataQuery entries) into
 * `out`: exactly one entry returns data (ReturnData absent or true); MetricStat entries must
 * name produced metrics or metrics `scope` defines (NULL: none); expressions are arithmetic.
 * *period_s is the MetricStat Period (0 when none gives one; they must agree). \return 1; 0 when a
 * MetricStat names a metric asgsim does not produce (*unproduced: its MetricName node; nothing
 * reported, `out` empty); or ASG_EINVAL after located errors.
 */
int metric_bind_math(struct bind *b, const struct ynode *list, const struct metric_scope *scope,
                     struct cw_math *out, int64_t *period_s, const struct ynode **unproduced);

/**
 * Bind statistic `key` of `map`: a named one (Average, ...) when `named`, a percentile (p99,
 * cw_percentile_parse) when `percentile`. Other extended statistics (tm90, IQM, ...) are a
 * located error naming their kind, as asgsim does not model them. \return 1 (*out set), 0
 * when absent, or ASG_EINVAL after a located error.
 */
int metric_bind_statistic(struct bind *b, const struct ynode *map, const char *key, bool named,
                          bool percentile, enum cw_statistic *out);

#endif /* ASGSIM_METRIC_BIND_H */
