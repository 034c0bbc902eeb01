/*
 * predictive_bind.h - binding a ScalingPolicy's PredictiveScalingConfiguration and the
 * scenario's `Predictive:` settings into plain data (models/predictive_config.c), with AWS's
 * limits and messages.
 */
#ifndef ASGSIM_PREDICTIVE_BIND_H
#define ASGSIM_PREDICTIVE_BIND_H

#include "asgsim/bind.h"
#include "asgsim/policy_config.h"
#include "asgsim/predictive_config.h"
#include "asgsim/yamltree.h"

/**
 * Bind `PredictiveScalingConfiguration` of the policy properties `props` into *out
 * (defaults: ForecastOnly, SchedulingBufferTime 300 s, HonorMaxCapacity).
 * \return 0, or ASG_EINVAL with located errors in b->d (a missing configuration included).
 */
int predictive_config_bind(struct bind *b, const struct ynode *props,
                           struct predictive_config *out);

/**
 * Bind `Predictive: {History: DURATION}` of the scenario settings: how much load before
 * StartTime the forecaster starts with (0 to 14 days; default 0).
 * \return 0 or ASG_EINVAL.
 */
int predictive_settings_bind(struct bind *b, const struct ynode *settings, sim_time *history);

/**
 * Cross-policy rule (API_PredictiveScalingConfiguration): at most one predictive policy of
 * a group may be ForecastAndScale. Errors at the second one. \return 0 or ASG_EINVAL.
 */
int predictive_config_check(const struct scaling_config *c, struct diag_list *d);

#endif /* ASGSIM_PREDICTIVE_BIND_H */
