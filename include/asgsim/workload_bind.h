/*
 * workload_bind.h - binding the scenario's `Workload:` mapping into struct workload_config
 * (models/workload_config.c), for the scenario loader.
 */
#ifndef ASGSIM_WORKLOAD_BIND_H
#define ASGSIM_WORKLOAD_BIND_H

#include "asgsim/bind.h"
#include "asgsim/workload_config.h"
#include "asgsim/yamltree.h"

/** What the trace checks compare a trace with (0: no check). */
struct workload_bind_opts {
    sim_time sample_interval; /* a trace coarser than this is warned about */
    sim_time duration;        /* a run longer than the trace is warned about */
};

/**
 * Bind the scenario's `Workload:` value `node` into *out (zeroed first). The forms are
 * `{Kind: NAME, ...}`, `{Sum: [PATTERN, ...]}` and `{Product: [PATTERN, ...]}`, nested
 * freely. A trace `Path` is relative to the directory of the file the node came from.
 * \return 0, or ASG_EINVAL with every error in b->d (*out released).
 */
int workload_config_bind(struct bind *b, const struct ynode *node,
                         const struct workload_bind_opts *opts, struct workload_config *out);

#endif /* ASGSIM_WORKLOAD_BIND_H */
