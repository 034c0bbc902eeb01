/*
 * scenario_loader.h - private to models/scenario*.c: the state of one scenario_load() and the
 * two halves it calls, the settings (scenario_settings.c: `Metadata: ASGSim::Scenario` or the
 * --with file) and the template's resources (scenario_resources.c).
 */
#ifndef ASGSIM_MODELS_SCENARIO_LOADER_H
#define ASGSIM_MODELS_SCENARIO_LOADER_H

#include "asgsim/cfn.h"
#include "asgsim/diag.h"
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
};

/* The settings block: from --with FILE, else the template's Metadata. NULL when missing. */
const struct ynode *scenario_find_settings(struct loader *l, const struct ydoc *with);

/* Bind the settings block `s` into l->sc. \return 0 or ASG_EINVAL (errors in l->d). */
int scenario_load_settings(struct loader *l, const struct ynode *s);

/* Load the template's modelled resources (launch templates, groups and what names them)
   into l->sc; `settings` may be NULL. \return 0 or ASG_EINVAL (errors in l->d). */
int scenario_load_resources(struct loader *l, const struct ynode *settings);

#endif /* ASGSIM_MODELS_SCENARIO_LOADER_H */
