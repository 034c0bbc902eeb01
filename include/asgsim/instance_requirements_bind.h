/*
 * instance_requirements_bind.h - binding of InstanceRequirements (a launch template's
 * LaunchTemplateData or a MixedInstancesPolicy override) into instance_requirements.h's
 * plain data (models/instance_requirements_config.c).
 */
#ifndef ASGSIM_INSTANCE_REQUIREMENTS_BIND_H
#define ASGSIM_INSTANCE_REQUIREMENTS_BIND_H

#include "asgsim/bind.h"
#include "asgsim/instance_requirements.h"
#include "asgsim/yamltree.h"

/**
 * Bind the mapping `map` into `out` (initialised here with AWS's defaults). Properties the
 * catalog cannot decide (accelerators, network, local storage, ...) get one warning each and
 * are taken as met by every catalog type. \return 0, or ASG_EINVAL after located errors (then
 * `out` holds nothing to release).
 */
int instance_requirements_bind(struct bind *b, const struct ynode *map,
                               struct instance_requirements *out);

/**
 * A group's DesiredCapacityType (`props` is its Properties): *out is CAPACITY_UNITS when
 * absent. \return 0 or ASG_EINVAL.
 */
int capacity_type_bind(struct bind *b, const struct ynode *props, enum capacity_type *out);

#endif /* ASGSIM_INSTANCE_REQUIREMENTS_BIND_H */
