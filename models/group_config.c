/*
 * Binding the group's health checks, lifecycle hooks and instance lifetime, and the
 * scenario's hook actions and faults. AWS's rules are cited where they are applied.
 */
#include "asgsim/group_bind.h"
#include "asgsim/scenario.h"
#include "asgsim/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* "Up to 50 hooks per group" (API_PutLifecycleHook, ec2-auto-scaling-quotas). */
#define GROUP_MAX_HOOKS 50

/* MaxInstanceLifetime: 0 clears it, otherwise at least one day (API_CreateAutoScalingGroup). */
#define MIN_INSTANCE_LIFETIME_S 86400

/* A hook nobody completes: its action "lasts" past any timeout (global max is 48 h). */
#define NEVER_COMPLETES_S 1e9

/* The fields a hook has in both forms (API_PutLifecycleHook, API_LifecycleHookSpecification). */
static int bind_hook_fields(struct bind *b, const struct ynode *m, const char *default_name,
                            const struct src_loc *loc, struct asg_config *g)
{
    int ret = 0, rc;
    const char *name = default_name;
    if ((rc = bind_string(b, m, "LifecycleHookName", &name)) < 0)
        ret = rc;
    else if (rc == 0 && !default_name)
        ret = bind_missing(b, loc, "LifecycleHookName");
    int transition = -1;
    rc = bind_enum(b, m, "LifecycleTransition", lifecycle_transition_names, 2, &transition);
    if (rc < 0)
        ret = rc;
    else if (rc == 0)
        ret = bind_missing(b, loc, "LifecycleTransition");
    /* HeartbeatTimeout: 30..7200 s, default 3600 s (API_PutLifecycleHook). */
    int64_t hb = LIFECYCLE_HEARTBEAT_DEFAULT / SIM_US_PER_SEC;
    if ((rc = bind_int(b, m, "HeartbeatTimeout", LIFECYCLE_HEARTBEAT_MIN / SIM_US_PER_SEC,
                       LIFECYCLE_HEARTBEAT_MAX / SIM_US_PER_SEC, &hb)) < 0)
        ret = rc;
    /* DefaultResult: CONTINUE or ABANDON, default ABANDON (API_PutLifecycleHook). */
    int result = HOOK_ABANDON;
    if ((rc = bind_enum(b, m, "DefaultResult", lifecycle_result_names, 2, &result)) < 0)
        ret = rc;
    if (ret < 0)
        return ret;
    for (size_t i = 0; i < g->nr_hooks; i++)
        if (!strcmp(g->hooks[i].name, name))
            return diag_error(b->d, loc, "%s: lifecycle hook '%s' is defined twice", b->what, name);
    if (g->nr_hooks >= GROUP_MAX_HOOKS)
        return diag_error(b->d, loc, "%s: a group can have at most %d lifecycle hooks", b->what,
                          GROUP_MAX_HOOKS);
    g->hooks = xrealloc(g->hooks, (g->nr_hooks + 1) * sizeof(*g->hooks));
    g->hooks[g->nr_hooks++] = (struct lifecycle_hook_config){
        .name = xstrdup(name),
        .transition = (enum hook_transition)transition,
        .default_result = (enum hook_result)result,
        .heartbeat_timeout = SIM_SEC(hb),
        .action_duration = { DIST_CONSTANT, NEVER_COMPLETES_S, 0 },
    };
    return 0;
}

static const char *const hook_used[] = { "LifecycleHookName", "LifecycleTransition",
                                         "HeartbeatTimeout", "DefaultResult" };
/* Notifications go to SNS/SQS/EventBridge; the simulated action stands in for the receiver. */
static const char *const hook_inert[] = { "NotificationMetadata", "NotificationTargetARN",
                                          "RoleARN" };

static int bind_hook_list(struct bind *b, const struct ynode *props, struct asg_config *g)
{
    const struct ynode *list;
    int rc = bind_get(b, props, "LifecycleHookSpecificationList", &list);
    if (rc <= 0)
        return rc;
    if (list->kind != YNODE_SEQ)
        return diag_error(b->d, &list->loc, "%s: LifecycleHookSpecificationList must be a list",
                          b->what);
    int ret = 0;
    const struct bind_keys keys = { BIND_LIST(hook_used), BIND_LIST(hook_inert), NULL, 0 };
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *item = list->items[i];
        char *what = xasprintf("LifecycleHookSpecificationList item %zu of %s", i + 1, b->what);
        struct bind hb = { b->cfn, b->d, what };
        if ((rc = bind_check_keys(&hb, item, &keys)) < 0 ||
            (rc = bind_hook_fields(&hb, item, NULL, &item->loc, g)) < 0)
            ret = rc;
        free(what);
    }
    return ret;
}

int group_config_bind(struct bind *b, const struct ynode *props, struct asg_config *g)
{
    int ret = 0, rc;
    /* HealthCheckType: comma-separated EC2, EBS, ELB, VPC_LATTICE; EC2 is always on. */
    const char *hct;
    if ((rc = bind_string(b, props, "HealthCheckType", &hct)) < 0) {
        ret = rc;
    } else if (rc == 1) {
        const struct ynode *v = ynode_get(props, "HealthCheckType");
        char *copy = xstrdup(hct);
        char *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            while (*t == ' ')
                t++;
            size_t n = strlen(t);
            while (n && t[n - 1] == ' ')
                t[--n] = '\0';
            if (!strcmp(t, "ELB"))
                g->health_check_elb = true;
            else if (!strcmp(t, "EBS") || !strcmp(t, "VPC_LATTICE"))
                diag_warning(b->d, &v->loc, "%s: %s health checks are not modelled; ignored",
                             b->what, t);
            else if (strcmp(t, "EC2"))
                ret = diag_error(b->d, &v->loc,
                                 "'HealthCheckType' in %s must list EC2, EBS, ELB or "
                                 "VPC_LATTICE, got '%s'",
                                 b->what, t);
        }
        free(copy);
    }
    int64_t life = 0;
    if ((rc = bind_int(b, props, "MaxInstanceLifetime", 0, SCENARIO_MAX_DURATION / SIM_US_PER_SEC,
                       &life)) < 0) {
        ret = rc;
    } else if (rc == 1 && life > 0 && life < MIN_INSTANCE_LIFETIME_S) {
        ret = diag_error(b->d, &ynode_get(props, "MaxInstanceLifetime")->loc,
                         "'MaxInstanceLifetime' in %s must be 0 or at least 86400 seconds (one "
                         "day), got %" PRId64,
                         b->what, life);
    } else {
        g->max_instance_lifetime = SIM_SEC(life);
    }
    if ((rc = bind_hook_list(b, props, g)) < 0)
        ret = rc;
    return ret;
}

int group_config_bind_hook_resource(struct bind *b, const struct cfn_resource *r,
                                    struct asg_config *g)
{
    const struct ynode *p = r->properties;
    if (!p)
        return bind_missing(b, &r->loc, "Properties");
    static const char *const used[] = { "AutoScalingGroupName", "LifecycleHookName",
                                        "LifecycleTransition", "HeartbeatTimeout",
                                        "DefaultResult" };
    const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(hook_inert), NULL, 0 };
    int ret = bind_check_keys(b, p, &keys);
    if (ret < 0)
        return ret;
    const struct ynode *gn;
    int rc = bind_get(b, p, "AutoScalingGroupName", &gn);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return bind_missing(b, &r->loc, "AutoScalingGroupName");
    if (gn->kind != YNODE_SCALAR)
        return diag_error(b->d, &gn->loc, "'AutoScalingGroupName' in %s must be a string", b->what);
    if (!g)
        return 0; /* the group itself is in error; it was reported there */
    if (strcmp(gn->scalar, g->logical_id) && strcmp(gn->scalar, g->name))
        return diag_error(b->d, &gn->loc, "%s: AutoScalingGroupName '%s' is not the group '%s'",
                          b->what, gn->scalar, g->logical_id);
    /* CloudFormation names a hook itself when LifecycleHookName is absent; the logical id
       stands in for that name. */
    return bind_hook_fields(b, p, r->logical_id, &r->loc, g);
}

static int bind_hook_action(struct bind *b, const struct ynode *m, struct lifecycle_hook_config *h)
{
    static const char *const used[] = { "Duration", "FailureProbability", "HeartbeatEvery" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, m, &keys), rc;
    if (ret < 0)
        return ret;
    struct dist d;
    if ((rc = bind_dist(b, m, "Duration", &d)) < 0)
        ret = rc;
    else if (rc == 0)
        ret = bind_missing(b, &m->loc, "Duration");
    double p = 0;
    if ((rc = bind_double(b, m, "FailureProbability", 0, 1, &p)) < 0)
        ret = rc;
    sim_time every = 0;
    if ((rc = bind_duration(b, m, "HeartbeatEvery", SIM_SEC(1), LIFECYCLE_GLOBAL_MAX, &every)) < 0)
        ret = rc;
    if (ret < 0 || !h)
        return ret;
    h->action_duration = d;
    h->failure_probability = p;
    h->heartbeat_every = every;
    return 0;
}

/* The index of `az` (the value of m's key AZ) among the group's AZs, or an error there. */
static int bind_group_az(struct bind *b, const struct ynode *m, const struct asg_config *g,
                         const char *az, size_t *index)
{
    for (size_t k = 0; k < g->nr_azs; k++) {
        if (!strcmp(g->azs[k], az)) {
            *index = k;
            return 0;
        }
    }
    return diag_error(b->d, &ynode_get(m, "AZ")->loc,
                      "%s: '%s' is not an Availability Zone of the group", b->what, az);
}

/* Faults: PartitionFailure: {At, Partition (1-based, as AWS numbers them), AZ}, or a list. */
static int bind_partition_failure(struct bind *b, const struct ynode *m, const struct asg_config *g,
                                  struct health_faults *f)
{
    static const char *const used[] = { "At", "Partition", "AZ" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, m, &keys), rc;
    if (ret < 0)
        return ret;
    struct partition_failure pf = { 0, 0, 0 };
    if ((rc = bind_duration(b, m, "At", 0, SCENARIO_MAX_DURATION, &pf.at)) < 0)
        ret = rc;
    else if (rc == 0)
        ret = bind_missing(b, &m->loc, "At");
    int64_t part = 1;
    if ((rc = bind_int(b, m, "Partition", 1, PLACEMENT_MAX_PARTITIONS, &part)) < 0)
        ret = rc;
    else if (rc == 0)
        ret = bind_missing(b, &m->loc, "Partition");
    pf.partition = (int)part - 1;
    const char *az = NULL;
    if ((rc = bind_string(b, m, "AZ", &az)) < 0)
        ret = rc;
    if (ret < 0 || !g)
        return ret;
    if (!g->has_placement || g->placement.strategy != PLACEMENT_PARTITION)
        return diag_error(b->d, &m->loc, "%s: the group has no partition placement group", b->what);
    if (pf.partition >= g->placement.partition_count)
        return diag_error(b->d, &ynode_get(m, "Partition")->loc,
                          "%s: partition %d does not exist (PartitionCount is %d)", b->what,
                          pf.partition + 1, g->placement.partition_count);
    if (!az && g->nr_azs > 1)
        return bind_missing(b, &m->loc, "AZ");
    if (az && (rc = bind_group_az(b, m, g, az, &pf.az)) < 0)
        return rc;
    if (f->nr_partition_failures >= HEALTH_MAX_PARTITION_FAILURES)
        return diag_error(b->d, &m->loc, "%s: at most %d partition failures", b->what,
                          HEALTH_MAX_PARTITION_FAILURES);
    f->partition_failures[f->nr_partition_failures++] = pf;
    return 0;
}

/* Faults: InsufficientCapacity: {AZ, From, To}, or a list of them. */
static int bind_outage(struct bind *b, const struct ynode *m, const struct asg_config *g,
                       struct health_faults *f)
{
    static const char *const used[] = { "AZ", "From", "To" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, m, &keys), rc;
    if (ret < 0)
        return ret;
    struct capacity_outage o = { 0, 0, SCENARIO_MAX_DURATION };
    if ((rc = bind_duration(b, m, "From", 0, SCENARIO_MAX_DURATION, &o.from)) < 0)
        ret = rc;
    if ((rc = bind_duration(b, m, "To", 0, SCENARIO_MAX_DURATION, &o.to)) < 0)
        ret = rc;
    const char *az = NULL;
    if ((rc = bind_string(b, m, "AZ", &az)) < 0)
        ret = rc;
    else if (rc == 0)
        ret = bind_missing(b, &m->loc, "AZ");
    if (ret == 0 && o.to <= o.from)
        ret = diag_error(b->d, &m->loc, "%s: 'To' must be after 'From'", b->what);
    if (ret < 0 || !g)
        return ret;
    if ((rc = bind_group_az(b, m, g, az, &o.az)) < 0)
        return rc;
    if (f->nr_capacity_outages >= HEALTH_MAX_CAPACITY_OUTAGES)
        return diag_error(b->d, &m->loc, "%s: at most %d outages", b->what,
                          HEALTH_MAX_CAPACITY_OUTAGES);
    f->capacity_outages[f->nr_capacity_outages++] = o;
    return 0;
}

/* A mapping or a list of mappings under `key` of `m`, each bound by `fn`. */
static int bind_each(struct bind *b, const struct ynode *m, const char *key,
                     int (*fn)(struct bind *, const struct ynode *, const struct asg_config *,
                               struct health_faults *),
                     const struct asg_config *g, struct health_faults *f)
{
    const struct ynode *v;
    int rc = bind_get(b, m, key, &v);
    if (rc <= 0)
        return rc;
    char *what = xasprintf("Faults %s", key);
    struct bind eb = { b->cfn, b->d, what };
    int ret = 0;
    if (v->kind == YNODE_SEQ) {
        for (size_t i = 0; i < v->nr; i++)
            if ((rc = fn(&eb, v->items[i], g, f)) < 0)
                ret = rc;
    } else if ((rc = fn(&eb, v, g, f)) < 0) {
        ret = rc;
    }
    free(what);
    return ret;
}

static int bind_faults(struct bind *b, const struct ynode *settings, const struct asg_config *g,
                       struct health_faults *f)
{
    const struct ynode *m;
    int rc = bind_map(b, settings, "Faults", &m);
    if (rc <= 0)
        return rc;
    struct bind fb = { b->cfn, b->d, "Faults" };
    static const char *const used[] = { "InstanceFailureRate", "ElbFailureRate", "PartitionFailure",
                                        "InsufficientCapacity" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&fb, m, &keys);
    if (ret < 0)
        return ret;
    if ((rc = bind_double(&fb, m, "InstanceFailureRate", 0, 3600, &f->instance_failures_per_hour)) <
        0)
        ret = rc;
    if ((rc = bind_double(&fb, m, "ElbFailureRate", 0, 3600, &f->elb_failures_per_hour)) < 0)
        ret = rc;
    if ((rc = bind_each(&fb, m, "PartitionFailure", bind_partition_failure, g, f)) < 0)
        ret = rc;
    if ((rc = bind_each(&fb, m, "InsufficientCapacity", bind_outage, g, f)) < 0)
        ret = rc;
    return ret;
}

/* LaunchTemplateVersions: [{At: 2h, Version: 2}, ...] in time order. */
static int bind_template_versions(struct bind *b, const struct ynode *settings,
                                  struct asg_config *g)
{
    const struct ynode *v;
    int rc = bind_get(b, settings, "LaunchTemplateVersions", &v);
    if (rc <= 0)
        return rc;
    if (v->kind != YNODE_SEQ)
        return diag_error(b->d, &v->loc, "'LaunchTemplateVersions' in %s must be a list", b->what);
    struct bind vb = { b->cfn, b->d, "LaunchTemplateVersions" };
    static const char *const used[] = { "At", "Version" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = 0;
    sim_time last = -1;
    for (size_t i = 0; i < v->nr; i++) {
        const struct ynode *m = v->items[i];
        struct template_version_change c = { 0, 0 };
        int r1 = bind_check_keys(&vb, m, &keys);
        int r2 = r1 < 0 ? r1 : bind_duration(&vb, m, "At", 0, SCENARIO_MAX_DURATION, &c.at);
        int r3 = r1 < 0 ? r1 : bind_int(&vb, m, "Version", 1, INT32_MAX, &c.version);
        if (r1 < 0 || r2 < 0 || r3 < 0) {
            ret = ASG_EINVAL;
            continue;
        }
        if (r2 == 0 || r3 == 0) {
            ret = bind_missing(&vb, &m->loc, r2 == 0 ? "At" : "Version");
            continue;
        }
        if (c.at <= last) {
            ret = diag_error(b->d, &ynode_get(m, "At")->loc,
                             "LaunchTemplateVersions must be in time order");
            continue;
        }
        last = c.at;
        if (g) {
            g->template_versions =
                    xrealloc(g->template_versions, (g->nr_template_versions + 1) * sizeof(c));
            g->template_versions[g->nr_template_versions++] = c;
        }
    }
    return ret;
}

int group_config_bind_settings(struct bind *b, const struct ynode *settings, struct asg_config *g,
                               struct health_faults *faults)
{
    int ret = 0, rc;
    if (settings && (rc = bind_faults(b, settings, g, faults)) < 0)
        ret = rc;
    if (settings && (rc = bind_template_versions(b, settings, g)) < 0)
        ret = rc;
    sim_time retry = ASG_LAUNCH_RETRY_DEFAULT;
    if (settings && (rc = bind_duration(b, settings, "LaunchRetryInterval", SIM_SEC(1), SIM_DAY(1),
                                        &retry)) < 0)
        ret = rc;
    if (g)
        g->launch_retry_interval = retry;
    const struct ynode *hooks = NULL;
    if (settings && (rc = bind_map(b, settings, "Hooks", &hooks)) < 0)
        return rc;
    bool *seen = xcalloc(g && g->nr_hooks ? g->nr_hooks : 1, sizeof(*seen));
    for (size_t i = 0; hooks && i < hooks->nr; i++) {
        const struct ynode_pair *pr = &hooks->pairs[i];
        char *what = xasprintf("Hooks '%s'", pr->key->scalar);
        struct bind hb = { b->cfn, b->d, what };
        struct lifecycle_hook_config *h = NULL;
        for (size_t k = 0; g && k < g->nr_hooks && !h; k++) {
            if (!strcmp(g->hooks[k].name, pr->key->scalar)) {
                h = &g->hooks[k];
                seen[k] = true;
            }
        }
        if (g && !h) {
            const char **names = xcalloc(g->nr_hooks ? g->nr_hooks : 1, sizeof(*names));
            for (size_t k = 0; k < g->nr_hooks; k++)
                names[k] = g->hooks[k].name;
            const char *hint = diag_closest(pr->key->scalar, names, g->nr_hooks);
            ret = diag_error(b->d, &pr->key->loc,
                             "Hooks: the group has no lifecycle hook '%s'%s%s%s", pr->key->scalar,
                             hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
            free(names);
        } else if ((rc = bind_hook_action(&hb, pr->value, h)) < 0) {
            ret = rc;
        }
        free(what);
    }
    for (size_t k = 0; g && k < g->nr_hooks; k++)
        if (!seen[k])
            diag_warning(b->d, &g->loc.self,
                         "lifecycle hook '%s' has no entry under Hooks in the scenario: nothing "
                         "completes its action, so each ends after HeartbeatTimeout with its "
                         "DefaultResult",
                         g->hooks[k].name);
    free(seen);
    return ret;
}

void group_config_release(struct asg_config *g)
{
    for (size_t i = 0; i < g->nr_hooks; i++)
        free(g->hooks[i].name);
    free(g->hooks);
    g->hooks = NULL;
    g->nr_hooks = 0;
    free(g->template_versions);
    g->template_versions = NULL;
    g->nr_template_versions = 0;
}

int group_config_bind_warm_pool(struct bind *b, const struct cfn_resource *r, struct asg_config *g,
                                bool hibernation)
{
    const struct ynode *p = r->properties;
    if (!p)
        return bind_missing(b, &r->loc, "Properties");
    static const char *const used[] = { "AutoScalingGroupName", "MinSize",
                                        "MaxGroupPreparedCapacity", "PoolState",
                                        "InstanceReusePolicy" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, p, &keys), rc;
    if (ret < 0)
        return ret;
    const struct ynode *gn;
    if ((rc = bind_get(b, p, "AutoScalingGroupName", &gn)) < 0)
        return rc;
    if (rc == 0)
        return bind_missing(b, &r->loc, "AutoScalingGroupName");
    if (gn->kind != YNODE_SCALAR)
        return diag_error(b->d, &gn->loc, "'AutoScalingGroupName' in %s must be a string", b->what);
    /* API_PutWarmPool: MinSize >= 0 (default 0); MaxGroupPreparedCapacity -1 (unset) or
       0..100000; PoolState Stopped (default), Running, Hibernated. */
    struct warm_pool_config wp = { 0, -1, WARM_POOL_STOPPED, false };
    if ((rc = bind_int(b, p, "MinSize", 0, SCENARIO_MAX_INSTANCES, &wp.min_size)) < 0)
        ret = rc;
    if ((rc = bind_int(b, p, "MaxGroupPreparedCapacity", -1, SCENARIO_MAX_INSTANCES,
                       &wp.max_group_prepared_capacity)) < 0)
        ret = rc;
    int state = WARM_POOL_STOPPED;
    if ((rc = bind_enum(b, p, "PoolState", warm_pool_state_names, 3, &state)) < 0)
        ret = rc;
    wp.pool_state = (enum warm_pool_state)state;
    const struct ynode *reuse;
    if ((rc = bind_map(b, p, "InstanceReusePolicy", &reuse)) < 0) {
        ret = rc;
    } else if (rc == 1) {
        char *what = xasprintf("InstanceReusePolicy of %s", b->what);
        struct bind rb = { b->cfn, b->d, what };
        static const char *const rused[] = { "ReuseOnScaleIn" };
        const struct bind_keys rkeys = { BIND_LIST(rused), NULL, 0, NULL, 0 };
        if ((rc = bind_check_keys(&rb, reuse, &rkeys)) < 0 ||
            (rc = bind_bool(&rb, reuse, "ReuseOnScaleIn", &wp.reuse_on_scale_in)) < 0)
            ret = rc;
        free(what);
    }
    if (ret < 0 || !g)
        return ret;
    if (strcmp(gn->scalar, g->logical_id) && strcmp(gn->scalar, g->name))
        return diag_error(b->d, &gn->loc, "%s: AutoScalingGroupName '%s' is not the group '%s'",
                          b->what, gn->scalar, g->logical_id);
    if (g->has_warm_pool)
        return diag_error(b->d, &r->loc, "%s: the group already has a warm pool", b->what);
    /* 2023 text: no warm pool with a mixed instances policy or Spot (asgsim keeps to it). */
    if (g->has_mixed)
        return diag_error(b->d, &r->loc,
                          "%s: asgsim does not model a warm pool for a group with a "
                          "MixedInstancesPolicy",
                          b->what);
    if (wp.pool_state == WARM_POOL_HIBERNATED && !hibernation) {
        diag_warning(b->d, &ynode_get(p, "PoolState")->loc,
                     "%s: PoolState Hibernated needs HibernationOptions: Configured: true in "
                     "the launch template; instances fall back to Stopped",
                     b->what);
        wp.pool_state = WARM_POOL_STOPPED;
    }
    g->has_warm_pool = true;
    g->warm_pool = wp;
    return 0;
}

int group_config_bind_placement(struct bind *b, const struct cfn_template *t,
                                const struct ynode *props, const char *lt_group,
                                struct asg_config *g)
{
    const struct ynode *v = NULL;
    int rc = props ? bind_get(b, props, "PlacementGroup", &v) : 0;
    if (rc < 0)
        return rc;
    const char *name = rc == 1 ? v->scalar : lt_group;
    struct src_loc loc = rc == 1 ? v->loc : g->loc.self;
    if (!name)
        return 0;
    if (rc == 1 && v->kind != YNODE_SCALAR)
        return diag_error(b->d, &v->loc, "'PlacementGroup' in %s must be a string", b->what);
    /* Ref to an AWS::EC2::PlacementGroup gives its name; asgsim names it by logical id. */
    const struct cfn_resource *r = cfn_find_resource(t, name);
    if (!r || strcmp(r->type, "AWS::EC2::PlacementGroup"))
        return diag_error(b->d, &loc,
                          "%s: placement group '%s' is not an AWS::EC2::PlacementGroup of this "
                          "template",
                          b->what, name);
    char *what = xasprintf("AWS::EC2::PlacementGroup '%s'", r->logical_id);
    struct bind pb = { b->cfn, b->d, what };
    static const char *const used[] = { "Strategy", "PartitionCount", "SpreadLevel" };
    static const char *const inert[] = { "Tags" };
    const struct bind_keys keys = { BIND_LIST(used), BIND_LIST(inert), NULL, 0 };
    struct placement_config pc = { PLACEMENT_CLUSTER, 0 };
    int ret = 0;
    if (!r->properties) {
        ret = bind_missing(&pb, &r->loc, "Properties");
        goto out;
    }
    if ((ret = bind_check_keys(&pb, r->properties, &keys)) < 0)
        goto out;
    int strategy = PLACEMENT_CLUSTER;
    /* Strategy: cluster | partition | spread (AWS::EC2::PlacementGroup) */
    if ((rc = bind_enum(&pb, r->properties, "Strategy", placement_strategy_names, 3, &strategy)) <
        0)
        ret = rc;
    else if (rc == 0)
        ret = bind_missing(&pb, &r->loc, "Strategy");
    pc.strategy = (enum placement_strategy)strategy;
    int64_t parts = 0;
    /* "up to seven partitions per Availability Zone" (placement-groups.html) */
    if ((rc = bind_int(&pb, r->properties, "PartitionCount", 1, PLACEMENT_MAX_PARTITIONS, &parts)) <
        0)
        ret = rc;
    else if (ret == 0 && pc.strategy == PLACEMENT_PARTITION && rc == 0)
        ret = bind_missing(&pb, &r->loc, "PartitionCount");
    else if (ret == 0 && pc.strategy != PLACEMENT_PARTITION && rc == 1)
        ret = diag_error(b->d, &ynode_get(r->properties, "PartitionCount")->loc,
                         "%s: PartitionCount is only for the partition strategy", what);
    pc.partition_count = (int)parts;
    const char *level;
    if ((rc = bind_string(&pb, r->properties, "SpreadLevel", &level)) < 0)
        ret = rc;
    else if (rc == 1 && strcmp(level, "rack"))
        ret = diag_error(b->d, &ynode_get(r->properties, "SpreadLevel")->loc,
                         "%s: only SpreadLevel rack is modelled (host is for Outposts)", what);
    if (ret == 0 && pc.strategy == PLACEMENT_CLUSTER && g->nr_azs != 1)
        ret = diag_error(b->d, &loc,
                         "%s: a cluster placement group is in one Availability Zone, but the "
                         "group has %zu",
                         b->what, g->nr_azs);
    if (ret == 0) {
        g->has_placement = true;
        g->placement = pc;
    }
out:
    free(what);
    return ret;
}
