/*
 * launch_template.h - the group's launch template versions at run time (models/
 * launch_template.c).
 *
 * Launch template versions (the scenario's template_versions, asg_config) change at their
 * times; new launches use the current one, so OldestLaunchTemplate and the default
 * termination policy prefer instances launched from older versions (termination.h). The
 * group starts at version 1. Instances keep the version they were launched from
 * (inst->template_version).
 *
 * Ownership: struct template_state lives in struct asg_group (g->templates); only
 * models/launch_template.c writes it.
 */
#ifndef ASGSIM_LAUNCH_TEMPLATE_H
#define ASGSIM_LAUNCH_TEMPLATE_H

#include "asgsim/sim.h"

#include <stddef.h>
#include <stdint.h>

struct asg_group;

/** Which launch template version the group's new launches use. */
struct template_state {
    int64_t version;    /* the version new launches use (1 at the start) */
    size_t next_change; /* index into cfg->template_versions */
    sim_event_id timer; /* the next version change, 0 when none */
};

/** Start at version 1; no change is scheduled yet. */
void launch_template_init(struct template_state *s);

/** Schedule the group's version changes (at its creation). */
void launch_template_start(struct asg_group *g);

/** The version new launches use now. */
int64_t launch_template_current(const struct template_state *s);

/** Cancel the next version change (end of run). */
void launch_template_cancel(struct asg_group *g);

#endif /* ASGSIM_LAUNCH_TEMPLATE_H */
