/*
 * Loading a scenario: the CloudFormation template's modelled resources plus the
 * `Metadata: ASGSim::Scenario` settings, validated against AWS's rules into plain data.
 * Every error is collected (not just the first) and names FILE:LINE:COL. This file reads the
 * files and assembles the run; scenario_settings.c binds the settings and
 * scenario_resources.c the resources (scenario_loader.h).
 */
#include "asgsim/scenario.h"

#include "scenario_loader.h"

#include "asgsim/bind.h"
#include "asgsim/ec2_bind.h"
#include "asgsim/group_bind.h"
#include "asgsim/instance_requirements.h"
#include "asgsim/market_bind.h"
#include "asgsim/metric_bind.h"
#include "asgsim/policy_bind.h"
#include "asgsim/regions.h"
#include "asgsim/serve_bind.h"
#include "asgsim/sha256.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"
#include "asgsim/workload.h"
#include "asgsim/workload_bind.h"
#include "asgsim/yamltree.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

/* ---- the whole scenario ------------------------------------------------------------------ */

/*
 * The settings' Region, read before the template is opened: conditions (on AWS::Region,
 * say) are evaluated when it is opened. The settings are bound later and check the value;
 * anything but a known Region name here gives the default.
 */
static const char *peek_region(const struct ydoc *doc, const struct ydoc *with)
{
    const struct ynode *s = NULL;
    if (with) {
        s = ydoc_root(with);
    } else {
        const struct ynode *root = ydoc_root(doc);
        const struct ynode *meta =
                root && root->kind == YNODE_MAP ? ynode_get(root, "Metadata") : NULL;
        s = meta && meta->kind == YNODE_MAP ? ynode_get(meta, "ASGSim::Scenario") : NULL;
    }
    const struct ynode *r = s && s->kind == YNODE_MAP ? ynode_get(s, "Region") : NULL;
    size_t nr;
    if (r && r->kind == YNODE_SCALAR && !r->tag && region_azs(r->scalar, &nr))
        return r->scalar;
    return REGION_DEFAULT;
}

/*
 * Rates each within range can still combine into absurd ones (a Product, a spike's
 * multiplier, a trace's RateScale), and request fidelity makes every request an event:
 * refuse both up front with a hint rather than run out of memory (issue 20, class 2).
 */
static int check_rates_of(const struct workload_config *w, const struct serve_config *serve,
                          sim_time duration, const struct src_loc *at, struct diag_list *d)
{
    double peak = workload_peak_rps(w);
    if (!(peak <= SCENARIO_MAX_RPS))
        return diag_error_status(d, ASG_ELIMIT, at,
                                 "the Workload's peak rate is up to %g requests/s, more than "
                                 "asgsim's limit of %g%s",
                                 peak, SCENARIO_MAX_RPS,
                                 w->kind == WORKLOAD_PRODUCT
                                         ? " (each part is within it; their Product is not)"
                                         : "");
    if (serve->fidelity != SERVE_REQUEST)
        return 0;
    double per_s = (double)SIM_SEC(1);
    if (peak > per_s)
        return diag_error_status(d, ASG_ELIMIT, at,
                                 "request fidelity at a peak of %g requests/s: more than one "
                                 "request per microsecond, the resolution of asgsim's clock; "
                                 "use Fidelity: fluid",
                                 peak);
    double secs = (double)duration / per_s, requests = peak * secs;
    if (requests > SCENARIO_MAX_REQUESTS) {
        char span[64];
        if (secs >= 86400)
            snprintf(span, sizeof(span), "%g days", secs / 86400);
        else
            snprintf(span, sizeof(span), "%g s", secs);
        return diag_error_status(d, ASG_ELIMIT, at,
                                 "request fidelity would simulate up to %g requests (a peak of "
                                 "%g requests/s for %s), more than asgsim's limit of %g "
                                 "requests; use Fidelity: fluid, or a shorter run (--until)",
                                 requests, peak, span, SCENARIO_MAX_REQUESTS);
    }
    return 0;
}

/* The top-level Workload and every group's own (Groups: ID: Workload). */
static int check_rates(const struct scenario *sc, const struct src_loc *at, struct diag_list *d)
{
    if (sc->has_workload) {
        int rc = check_rates_of(&sc->workload, &sc->serve, sc->duration, at, d);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; sc->per_group && i < sc->nr_groups; i++) {
        const struct scenario_group *g = &sc->per_group[i];
        if (!g->has_workload || g->shared_workload)
            continue;
        int rc = check_rates_of(&g->workload, &g->serve, sc->duration, at, d);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* For callers that did not check --region first (the commands do, as a usage error). */
static int unknown_region(struct diag_list *d, const char *region)
{
    size_t nr;
    const char *const *names = region_names(&nr);
    const char *hint = diag_closest(region, names, nr);
    if (hint)
        return diag_error(d, NULL, "--region: unknown region '%s' (did you mean '%s'?)", region,
                          hint);
    return diag_error(d, NULL, "--region: unknown region '%s'", region);
}

static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return xstrndup(base, n);
}

int scenario_load(struct scenario *out, const char *path, const struct scenario_load_opts *opts,
                  struct diag_list *d)
{
    static const struct scenario_load_opts no_opts = { 0 };
    if (!opts)
        opts = &no_opts;
    struct scenario *sc = xcalloc(1, sizeof(*sc));
    struct ydoc *doc = NULL, *with = NULL;
    struct cfn_template *cfn = NULL;
    struct loader l = { .sc = sc, .d = d, .opts = opts };
    int ret;

    memset(out, 0, sizeof(*out));
    catalog_load_builtin(&sc->catalog);
    if ((ret = ydoc_load(&doc, path, d)) < 0)
        goto out;
    for (size_t i = 0; i < opts->nr_path_overrides; i++)
        if ((ret = ydoc_set_scalar(doc, opts->path_overrides[i].name, opts->path_overrides[i].value,
                                   d)) < 0)
            goto out;
    if (opts->with_path && (ret = ydoc_load(&with, opts->with_path, d)) < 0)
        goto out;
    sc->path = xstrdup(path);
    sc->stack_name = opts->stack_name ? xstrdup(opts->stack_name) : file_stem(path);
    size_t nr_azs;
    if (opts->region && !region_azs(opts->region, &nr_azs)) {
        ret = unknown_region(d, opts->region);
        goto out;
    }
    struct cfn_options copt = { .overrides = opts->overrides,
                                .nr_overrides = opts->nr_overrides,
                                .stack_name = sc->stack_name,
                                .region = opts->region ? opts->region : peek_region(doc, with),
                                .get_azs = region_azs };
    if ((ret = cfn_open(&cfn, doc, &copt, d)) < 0)
        goto out;
    l.cfn = cfn;
    /* Prices follow the Region; before the settings, whose own types then override them. A
     * wrong Region setting is reported by the settings binder. */
    bool priced = catalog_select_region(&sc->catalog, copt.region);

    const struct ynode *settings = scenario_find_settings(&l, with);
    int rc = settings ? scenario_load_settings(&l, settings) : ASG_EINVAL;
    ret = rc;
    /* The settings name the Region, so the resources are read only once it is settled. */
    sc->region = xstrdup(opts->region ? opts->region : l.region ? l.region : REGION_DEFAULT);
    cfn->opt.region = sc->region;
    if (!priced)
        diag_warning(d, NULL,
                     "region %s: instance prices are us-east-1's (the catalog has no prices "
                     "for this Region)",
                     sc->region);
    /* Resources are checked even when the settings are wrong: report every error at once. */
    if ((rc = scenario_load_resources(&l, settings)) < 0)
        ret = rc;
    if (ret < 0 || diag_has_errors(d)) {
        ret = ret < 0 ? ret : ASG_EINVAL;
        goto out;
    }

    if (opts->has_seed)
        sc->seed = opts->seed;
    if (opts->has_duration)
        sc->duration = opts->duration;
    if (sc->duration > SCENARIO_MAX_DURATION) {
        ret = diag_error_status(d, ASG_ELIMIT, NULL,
                                "a run of %" PRId64
                                " days is longer than asgsim's limit of %" PRId64 " days",
                                sc->duration / SIM_DAY(1), SCENARIO_MAX_DURATION / SIM_DAY(1));
        goto out;
    }
    if (sc->duration / sc->sample_interval > SCENARIO_MAX_SAMPLES) {
        ret = diag_error_status(d, ASG_ELIMIT, &l.settings_loc,
                                "Duration / SampleInterval gives %" PRId64
                                " samples, more than the limit of %d; use a longer SampleInterval",
                                sc->duration / sc->sample_interval, SCENARIO_MAX_SAMPLES);
        goto out;
    }
    if (l.has_workload && (ret = check_rates(sc, &l.workload_loc, d)) < 0)
        goto out;
    if (l.has_workload && sc->instances.capacity_rps_per_vcpu <= 0) {
        ret = diag_error(d, &l.workload_loc,
                         "a Workload needs Instances: CapacityRpsPerVcpu (requests per second one "
                         "vCPU serves at 100%% CPU) in the scenario metadata");
        goto out;
    }

    size_t len;
    const unsigned char *bytes = ydoc_bytes(doc, &len);
    sc->bytes = xmalloc(len ? len : 1);
    memcpy(sc->bytes, bytes, len);
    sc->len = len;
    sha256_hex(sc->bytes, sc->len, sc->sha256);
    if (with) {
        bytes = ydoc_bytes(with, &len);
        sc->with_path = xstrdup(opts->with_path);
        sc->with_bytes = xmalloc(len ? len : 1);
        memcpy(sc->with_bytes, bytes, len);
        sc->with_len = len;
    }
    sc->params = xcalloc(cfn->nr_params ? cfn->nr_params : 1, sizeof(*sc->params));
    for (size_t i = 0; i < cfn->nr_params; i++) {
        sc->params[i].name = xstrdup(cfn->params[i].name);
        sc->params[i].value = xstrdup(cfn->params[i].value);
        sc->params[i].overridden = cfn->params[i].overridden;
    }
    sc->nr_params = cfn->nr_params;
    /* Locations must outlive the YAML document: point them at the scenario's own path. */
    for (size_t i = 0; i < sc->nr_launch_templates; i++)
        sc->launch_templates[i].loc.file = sc->path;
    for (size_t i = 0; i < sc->nr_groups; i++) {
        struct asg_config *g = &sc->groups[i];
        g->loc.self.file = g->loc.min_size.file = g->loc.max_size.file = sc->path;
        g->loc.desired_capacity.file = sc->path;
    }
    scaling_config_set_file(&sc->scaling, sc->path);
    /* EC2 metric periods follow the group's launch template (Monitoring: Enabled) */
    if (sc->nr_groups)
        sc->scaling.cw.detailed =
                sc->launch_templates[sc->groups[0].launch_template].detailed_monitoring;
    for (size_t i = 0; sc->per_group && i < sc->nr_groups; i++) {
        struct scaling_config *c = &sc->per_group[i].scaling;
        scaling_config_set_file(c, sc->path);
        c->cw.detailed = sc->launch_templates[sc->groups[i].launch_template].detailed_monitoring;
    }
    *out = *sc;
    memset(sc, 0, sizeof(*sc));
    ret = 0;
out:
    metric_customs_release(&l.customs);
    scenario_release(sc);
    free(sc);
    cfn_close(cfn);
    ydoc_free(with);
    ydoc_free(doc);
    return ret;
}

void scenario_group_view(const struct scenario *sc, size_t i, struct scenario_group_view *v)
{
    ASG_ASSERT(i < sc->nr_groups);
    v->cfg = &sc->groups[i];
    if (!sc->per_group) {
        v->has_workload = sc->has_workload;
        v->workload = &sc->workload;
        v->serve = &sc->serve;
        v->scaling = &sc->scaling;
        return;
    }
    const struct scenario_group *pg = &sc->per_group[i];
    v->has_workload = pg->has_workload;
    v->workload = pg->shared_workload ? &sc->workload : &pg->workload;
    v->serve = pg->shared_workload ? &sc->serve : &pg->serve;
    v->scaling = &pg->scaling;
}

void scenario_release(struct scenario *sc)
{
    free(sc->path);
    free(sc->stack_name);
    free(sc->region);
    free(sc->bytes);
    free(sc->with_path);
    free(sc->with_bytes);
    catalog_release(&sc->catalog);
    capacity_config_release(&sc->instances.capacity);
    workload_config_release(&sc->workload);
    ec2_config_release(&sc->ec2);
    spot_config_release(&sc->spot);
    for (size_t i = 0; i < sc->nr_launch_templates; i++) {
        free(sc->launch_templates[i].logical_id);
        free(sc->launch_templates[i].name);
        free(sc->launch_templates[i].instance_type);
        free(sc->launch_templates[i].placement_group);
        if (sc->launch_templates[i].requirements)
            instance_requirements_release(sc->launch_templates[i].requirements);
        free(sc->launch_templates[i].requirements);
    }
    free(sc->launch_templates);
    for (size_t i = 0; i < sc->nr_groups; i++) {
        struct asg_config *g = &sc->groups[i];
        free(g->logical_id);
        free(g->name);
        for (size_t j = 0; j < g->nr_azs; j++)
            free(g->azs[j]);
        free(g->azs);
        mixed_policy_release(&g->mixed);
        group_config_release(g);
    }
    free(sc->groups);
    scaling_config_release(&sc->scaling);
    for (size_t i = 0; sc->per_group && i < sc->nr_groups; i++) {
        workload_config_release(&sc->per_group[i].workload);
        scaling_config_release(&sc->per_group[i].scaling);
    }
    free(sc->per_group);
    for (size_t i = 0; i < sc->nr_params; i++) {
        free(sc->params[i].name);
        free(sc->params[i].value);
    }
    free(sc->params);
    memset(sc, 0, sizeof(*sc));
}
