/*
 * Several Auto Scaling groups in one template (issue 17 item 9; README "Several groups"):
 * which group a resource names, which group the settings' load drives (`Group:` beside the
 * Workload, or `Groups: {LOGICAL_ID: {...}}`), and each group's scaling resources.
 */
#include "scenario_loader.h"

#include "asgsim/bind.h"
#include "asgsim/group_bind.h"
#include "asgsim/metric_bind.h"
#include "asgsim/policy_bind.h"
#include "asgsim/scenario.h"
#include "asgsim/serve_bind.h"
#include "asgsim/util.h"
#include "asgsim/workload_bind.h"
#include "asgsim/yamltree.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* Settings of one group: under `Groups: ID:`, or at the top level where `Group:` names it. */
static const char *const group_keys[] = { "Hooks", "LaunchTemplateVersions",
                                          "LaunchRetryInterval" };

static long find_group(const struct scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->nr_groups; i++)
        if (!strcmp(name, sc->groups[i].logical_id) || !strcmp(name, sc->groups[i].name))
            return (long)i;
    return -1;
}

/* "'X' is not an Auto Scaling group of the template (did you mean 'Y'?; its groups: A, B)" */
static int no_such_group(struct loader *l, const struct src_loc *at, const char *what,
                         const char *name)
{
    const struct scenario *sc = l->sc;
    const char **ids = xcalloc(sc->nr_groups + 1, sizeof(*ids));
    char *list = xstrdup("");
    for (size_t i = 0; i < sc->nr_groups; i++) {
        ids[i] = sc->groups[i].logical_id;
        char *more = xasprintf("%s%s%s", list, i ? ", " : "", ids[i]);
        free(list);
        list = more;
    }
    const char *hint = diag_closest(name, ids, sc->nr_groups);
    int rc = diag_error(l->d, at,
                        "%s: '%s' is not an AWS::AutoScaling::AutoScalingGroup of the template"
                        "%s%s%s (its groups: %s)",
                        what, name, hint ? "; did you mean '" : "", hint ? hint : "",
                        hint ? "'?" : "", list);
    free(list);
    free(ids);
    return rc;
}

struct asg_config *scenario_named_group(struct loader *l, const struct cfn_resource *r)
{
    struct scenario *sc = l->sc;
    if (sc->nr_groups <= 1)
        return sc->nr_groups ? &sc->groups[0] : NULL;
    const struct ynode *gn =
            r->properties ? ynode_get(r->properties, "AutoScalingGroupName") : NULL;
    if (gn && (gn = cfn_resolve(l->cfn, gn, NULL)) && gn->kind == YNODE_SCALAR) {
        long i = find_group(sc, gn->scalar);
        if (i >= 0)
            return &sc->groups[i];
        char *what = xasprintf("%s '%s': AutoScalingGroupName", r->type, r->logical_id);
        no_such_group(l, &gn->loc, what, gn->scalar);
        free(what);
        return NULL;
    }
    return &sc->groups[0]; /* its binder reports the missing or malformed name */
}

/* `Group:` at the top level: the index of the group it names, -1 when absent, or an error. */
static int bind_group_key(struct loader *l, struct bind *b, const struct ynode *settings, long *out)
{
    const char *name;
    *out = -1;
    int rc = bind_string(b, settings, "Group", &name);
    if (rc <= 0)
        return rc;
    if ((*out = find_group(l->sc, name)) < 0)
        return no_such_group(l, &ynode_get(settings, "Group")->loc, "Group", name);
    return 0;
}

/* The single group: `Group:` may name it; per-group settings are the top-level ones. */
static int load_one(struct loader *l, struct bind *b, const struct ynode *settings)
{
    long k;
    int ret = bind_group_key(l, b, settings, &k);
    const struct ynode *groups = settings ? ynode_get(settings, "Groups") : NULL;
    if (groups)
        ret = diag_error(l->d, &groups->loc,
                         "'Groups' is for templates with several Auto Scaling groups; this one "
                         "has one: give its settings at the top level");
    return ret;
}

/* One group's view of the settings: its `Groups:` entry, the top-level group keys when
   `Group:` names it, the stack-wide Faults on the first group (bound once). */
static int bind_group_settings(struct loader *l, const struct ynode *settings,
                               const struct ynode *entry, bool top, bool faults, size_t i)
{
    struct ynode_pair pairs[ARRAY_SIZE(group_keys) * 2 + 1];
    size_t n = 0;
    for (size_t k = 0; k < ARRAY_SIZE(group_keys); k++) {
        const struct ynode_pair *own = entry ? ynode_get_pair(entry, group_keys[k]) : NULL;
        const struct ynode_pair *shared = top ? ynode_get_pair(settings, group_keys[k]) : NULL;
        if (own && shared)
            return diag_error(l->d, &own->key->loc,
                              "'%s' for group '%s' is given twice: here and at the top level "
                              "(where 'Group' names it)",
                              group_keys[k], l->sc->groups[i].logical_id);
        if (own || shared)
            pairs[n++] = *(own ? own : shared);
    }
    const struct ynode_pair *f = faults ? ynode_get_pair(settings, "Faults") : NULL;
    if (f)
        pairs[n++] = *f;
    struct ynode view = { .kind = YNODE_MAP, .loc = entry ? entry->loc : l->settings_loc };
    view.nr = n;
    view.pairs = pairs;
    char *what = entry ? xasprintf("Groups '%s'", l->sc->groups[i].logical_id)
                       : xstrdup("Metadata " SETTINGS_KEY);
    struct bind gb = { l->cfn, l->d, what };
    struct health_faults scratch = l->sc->faults;
    int rc = group_config_bind_settings(&gb, &view, &l->sc->groups[i],
                                        faults ? &l->sc->faults : &scratch);
    free(what);
    return rc;
}

/* A `Groups:` entry's own Workload and serving keys. */
static int bind_entry_load(struct loader *l, const struct ynode *entry, size_t i,
                           struct scenario_group *pg)
{
    const char *id = l->sc->groups[i].logical_id;
    char *what = xasprintf("Groups '%s'", id);
    struct bind b = { l->cfn, l->d, what };
    static const char *const used[] = { "Workload",
                                        "Fidelity",
                                        "LoadBalancer",
                                        "Tick",
                                        "QueueLimit",
                                        "LatencyObjective",
                                        "QueueDriven",
                                        "Hooks",
                                        "LaunchTemplateVersions",
                                        "LaunchRetryInterval",
                                        "CustomMetrics" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&b, entry, &keys), rc;
    if (ret == 0 && (rc = serve_config_bind(&b, entry, &pg->serve)) < 0)
        ret = rc;
    const struct ynode *customs;
    if (ret == 0 && (rc = bind_get(&b, entry, "CustomMetrics", &customs)) < 0)
        ret = rc;
    else if (ret == 0 && rc == 1 && (rc = metric_bind_customs(&b, customs, id, &l->customs)) < 0)
        ret = rc;
    const struct ynode *w;
    if (ret == 0 && (rc = bind_map(&b, entry, "Workload", &w)) < 0) {
        ret = rc;
    } else if (ret == 0 && rc == 1) {
        char *wwhat = xasprintf("Groups '%s' Workload", id);
        struct bind wb = { l->cfn, l->d, wwhat };
        const struct workload_bind_opts wo = { l->sc->sample_interval, l->sc->duration };
        if ((rc = workload_config_bind(&wb, w, &wo, &pg->workload)) < 0)
            ret = rc;
        else
            pg->has_workload = true;
        if (!l->has_workload)
            l->workload_loc = w->loc;
        l->has_workload = true;
        free(wwhat);
    }
    free(what);
    return ret;
}

/* The top-level keys that need a group when there are several and `Group:` is absent. */
static int check_unassigned(struct loader *l, const struct ynode *settings)
{
    int ret = 0;
    for (size_t k = 0; k < ARRAY_SIZE(group_keys); k++) {
        const struct ynode_pair *p = ynode_get_pair(settings, group_keys[k]);
        if (p)
            ret = diag_error(l->d, &p->key->loc,
                             "the template has several Auto Scaling groups: say which one '%s' "
                             "is for with 'Group: LOGICAL_ID', or give it under 'Groups: "
                             "LOGICAL_ID:'",
                             group_keys[k]);
    }
    return ret;
}

static int load_several(struct loader *l, struct bind *b, const struct ynode *settings)
{
    struct scenario *sc = l->sc;
    int ret = 0, rc;
    sc->per_group = xcalloc(sc->nr_groups, sizeof(*sc->per_group));
    long top = -1;
    if (settings && (rc = bind_group_key(l, b, settings, &top)) < 0)
        ret = rc;
    const struct ynode **entries = xcalloc(sc->nr_groups, sizeof(*entries));
    const struct ynode *groups = NULL;
    if (settings && (rc = bind_map(b, settings, "Groups", &groups)) < 0)
        ret = rc;
    for (size_t i = 0; groups && i < groups->nr; i++) {
        const struct ynode_pair *p = &groups->pairs[i];
        long k = find_group(sc, p->key->scalar);
        if (k < 0) {
            ret = no_such_group(l, &p->key->loc, "Groups", p->key->scalar);
        } else if (p->value->kind != YNODE_MAP) {
            ret = diag_error(l->d, &p->value->loc, "'Groups' '%s' must be a mapping",
                             p->key->scalar);
        } else {
            entries[k] = p->value;
            if ((rc = bind_entry_load(l, p->value, (size_t)k, &sc->per_group[k])) < 0)
                ret = rc;
        }
    }
    if (settings && top < 0 && (rc = check_unassigned(l, settings)) < 0)
        ret = rc;
    /* The top-level Workload: the group `Group:` names, else every group without its own. */
    if (sc->has_workload && top >= 0) {
        if (sc->per_group[top].has_workload)
            ret = diag_error(l->d, &ynode_get_pair(entries[top], "Workload")->key->loc,
                             "group '%s' has a Workload here and at the top level (where "
                             "'Group' names it)",
                             sc->groups[top].logical_id);
        sc->per_group[top].has_workload = sc->per_group[top].shared_workload = true;
    } else if (sc->has_workload && !ynode_get(settings, "Group")) {
        size_t n = 0;
        for (size_t i = 0; i < sc->nr_groups; i++)
            if (!sc->per_group[i].has_workload) {
                sc->per_group[i].has_workload = sc->per_group[i].shared_workload = true;
                n++;
            }
        if (n > 1)
            diag_warning(l->d, &l->workload_loc,
                         "the template has %zu Auto Scaling groups and no 'Group' names the one "
                         "this Workload drives: each of the %zu groups without a Workload of "
                         "its own receives all of it (name one with 'Group: LOGICAL_ID')",
                         sc->nr_groups, n);
    }
    for (size_t i = 0; i < sc->nr_groups; i++) {
        struct scenario_group *pg = &sc->per_group[i];
        if (!pg->has_workload)
            serve_config_bind(b, NULL, &pg->serve); /* defaults: it serves nothing */
        if ((rc = bind_group_settings(l, settings, entries[i], top == (long)i,
                                      i == (top >= 0 ? (size_t)top : 0), i)) < 0)
            ret = rc;
        /* Its policies, alarms and scheduled actions; the others' names leave theirs out. */
        const char **others = xcalloc(2 * sc->nr_groups + 1, sizeof(*others));
        size_t n = 0;
        for (size_t j = 0; j < sc->nr_groups; j++) {
            if (j == i)
                continue;
            others[n++] = sc->groups[j].logical_id;
            others[n++] = sc->groups[j].name;
        }
        pg->scaling.cw = sc->scaling.cw;
        pg->scaling.tt_scale_in_ratio = sc->scaling.tt_scale_in_ratio;
        if ((rc = scaling_config_load_among(l->cfn, l->d, sc->groups[i].logical_id,
                                            sc->groups[i].name, others, i == 0, sc->start_epoch_s,
                                            &l->customs, &pg->scaling)) < 0)
            ret = rc;
        else
            scenario_apply_queue_setting(l, pg->shared_workload ? &sc->serve : &pg->serve,
                                         &pg->scaling, sc->groups[i].logical_id);
        free(others);
    }
    free(entries);
    return ret;
}

void scenario_apply_queue_setting(struct loader *l, const struct serve_config *serve,
                                  struct scaling_config *c, const char *group)
{
    if (serve->queue_setting != SERVE_QUEUE_AUTO) {
        c->queue_driven = serve->queue_setting == SERVE_QUEUE_YES;
        return;
    }
    const struct cw_alarm_config *a = scaling_config_notify_only_queue_alarm(c);
    if (!c->queue_driven && a)
        diag_warning(l->d, &a->loc,
                     "AWS::CloudWatch::Alarm '%s' watches an AWS/SQS metric but scales nothing: "
                     "group '%s' is served as requests behind a load balancer, not from the "
                     "queue (give QueueDriven: true in the settings if it works the queue off)",
                     a->name, group);
}

int scenario_load_groups(struct loader *l, const struct ynode *settings)
{
    struct bind b = { l->cfn, l->d, "Metadata " SETTINGS_KEY };
    if (l->sc->nr_groups <= 1)
        return load_one(l, &b, settings);
    return load_several(l, &b, settings);
}
