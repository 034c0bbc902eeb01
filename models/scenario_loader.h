/*
 * scenario_loader.h - private to models/scenario*.c: the state of one scenario_load() and the
 * two halves it calls, the settings (scenario_settings.c: `Metadata: ASGSim::Scenario` or the
 * --with file) and the template's resources (scenario_resources.c).
 */
#ifndef ASGSIM_MODELS_SCENARIO_LOADER_H
#define ASGSIM_MODELS_SCENARIO_LOADER_H

#include "asgsim/bind.h"
#include "asgsim/cfn.h"
#include "asgsim/diag.h"
#include "asgsim/metric_bind.h"
#include "asgsim/scenario.h"
#include "asgsim/yamltree.h"

#include <stdbool.h>

#define SETTINGS_KEY "ASGSim::Scenario"

struct loader {
    struct scenario *sc;
    struct cfn_template *cfn;
    struct diag_list *d;
    const struct scenario_load_opts *opts;
    struct src_loc settings_loc;
    struct src_loc workload_loc;
    bool has_workload;
    const char *region; /* Metadata Region (static, from regions.h), or NULL when absent */
    struct metric_customs customs; /* CustomMetrics: top level, then `Groups:` entries' */
};

/* The settings block: from --with FILE, else the template's Metadata. NULL when missing. */
const struct ynode *scenario_find_settings(struct loader *l, const struct ydoc *with);

/* Bind the settings block `s` into l->sc. \return 0 or ASG_EINVAL (errors in l->d). */
int scenario_load_settings(struct loader *l, const struct ynode *s);

/* Load the template's modelled resources (launch templates, groups and what names them)
   into l->sc; `settings` may be NULL. \return 0 or ASG_EINVAL (errors in l->d). */
int scenario_load_resources(struct loader *l, const struct ynode *settings);

/* Append `lt` (moved: l->sc owns its strings) as resource r's launch template named `name`. */
void scenario_add_launch_template(struct loader *l, const struct cfn_resource *r, const char *name,
                                  struct launch_template_config *lt);

/* Whether the group (its scaling `c`, served as `serve`) works off a queue: the settings'
   QueueDriven wins; else its scaling says, with a warning when an alarm on the queue only
   notifies (scenario_groups.c). */
void scenario_apply_queue_setting(struct loader *l, const struct serve_config *serve,
                                  struct scaling_config *c, const char *group);

/* Error "unknown instance type" at `at`, with did-you-mean. \return ASG_EINVAL. */
int scenario_unknown_type(struct loader *l, const struct ynode *at, const char *type);

/* Root volume, encryption and hibernation of a launch template's data or a launch
   configuration's properties into `lt` (scenario_resources.c). */
int scenario_load_lt_storage(struct loader *l, struct bind *b, const struct ynode *data,
                             const char *type, struct launch_template_config *lt);

/* An AWS::AutoScaling::LaunchConfiguration, appended to l->sc->launch_templates
   (scenario_launch_config.c). \return 0 or ASG_EINVAL. */
int scenario_load_launch_config(struct loader *l, const struct cfn_resource *r);

/* The group's LaunchConfigurationName `ref` into g->launch_template. */
int scenario_resolve_launch_config(struct loader *l, struct bind *b, const struct ynode *ref,
                                   struct asg_config *g);

/* The group resource r names by its AutoScalingGroupName: the only one with one group; with
   several, NULL and an error when it names none (scenario_groups.c). */
struct asg_config *scenario_named_group(struct loader *l, const struct cfn_resource *r);

/* Which group the settings' load drives and each group's own settings and scaling resources
   (`Group:`, `Groups:`), once every group is loaded. \return 0 or ASG_EINVAL. */
int scenario_load_groups(struct loader *l, const struct ynode *settings);

#endif /* ASGSIM_MODELS_SCENARIO_LOADER_H */
