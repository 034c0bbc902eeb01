/*
 * serve_bind.h - binding the serving keys of the scenario settings into struct serve_config
 * (models/serve_config.c), for the scenario loader.
 */
#ifndef ASGSIM_SERVE_BIND_H
#define ASGSIM_SERVE_BIND_H

#include "asgsim/bind.h"
#include "asgsim/serve_config.h"
#include "asgsim/yamltree.h"

/**
 * Bind the serving keys of the `Metadata ASGSim::Scenario` mapping `settings` (Fidelity,
 * LoadBalancer, Tick, QueueLimit, LatencyObjective) into *out, defaults first.
 * capacity_rps_per_vcpu is left 0 (it is an instance property).
 * \return 0 or ASG_EINVAL with errors in b->d.
 */
int serve_config_bind(struct bind *b, const struct ynode *settings, struct serve_config *out);

#endif /* ASGSIM_SERVE_BIND_H */
