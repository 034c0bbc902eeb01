/*
 * policy_bind.h - loading the template's scaling resources (AWS::AutoScaling::ScalingPolicy,
 * ScheduledAction, AWS::CloudWatch::Alarm) and the CloudWatch and TargetTracking settings
 * into struct scaling_config (models/policy_config.c), for the scenario loader.
 */
#ifndef ASGSIM_POLICY_BIND_H
#define ASGSIM_POLICY_BIND_H

#include "asgsim/bind.h"
#include "asgsim/cfn.h"
#include "asgsim/diag.h"
#include "asgsim/metric_bind.h"
#include "asgsim/policy_config.h"
#include "asgsim/yamltree.h"

#include <stdbool.h>
#include <stdint.h>

/**
 * Bind `CloudWatch: {PublicationDelay, NetworkInBytesPerRequest, NetworkOutBytesPerRequest}`
 * of the scenario settings into *out (defaults first: no delay, 0 bytes).
 * \return 0 or ASG_EINVAL with errors in b->d.
 */
int cw_settings_bind(struct bind *b, const struct ynode *settings, struct cw_config *out);

/**
 * Load the template's AWS::AutoScaling::ScalingPolicy, AWS::AutoScaling::ScheduledAction
 * and AWS::CloudWatch::Alarm resources for the group `group_logical_id` (named
 * `group_name`) into *out, checking AWS's rules. `run_start_epoch_s` is the scenario's
 * StartTime (a scheduled action may not start before it). An alarm or policy on a metric
 * asgsim does not produce reads it from `customs` (the settings' CustomMetrics, NULL for
 * none), whose definitions it marks used. Every error goes to `d`.
 * \return 0 or ASG_EINVAL; *out holds what loaded either way (scaling_config_release()).
 */
int scaling_config_load(struct cfn_template *t, struct diag_list *d, const char *group_logical_id,
                        const char *group_name, int64_t run_start_epoch_s,
                        struct metric_customs *customs, struct scaling_config *out);

/**
 * scaling_config_load() for one of several groups: resources whose AutoScalingGroupName is
 * one of `others` (the other groups' logical ids and names, NULL-terminated) are left to
 * that group, as are alarms that trigger only their policies; an alarm that triggers no
 * policy is loaded only when `home` is true.
 */
int scaling_config_load_among(struct cfn_template *t, struct diag_list *d,
                              const char *group_logical_id, const char *group_name,
                              const char *const *others, bool home, int64_t run_start_epoch_s,
                              struct metric_customs *customs, struct scaling_config *out);

/**
 * Bind `TargetTracking: {ScaleInThresholdRatio}` of the scenario settings (0.01-0.99,
 * default TT_SCALE_IN_RATIO_DEFAULT) into *scale_in_ratio.
 * \return 0 or ASG_EINVAL with errors in b->d.
 */
int tt_settings_bind(struct bind *b, const struct ynode *settings, double *scale_in_ratio);

/**
 * Bind a launch template's `Monitoring: {Enabled: bool}` (LaunchTemplateData `data`) into
 * *detailed; launch templates default to basic monitoring (enable-as-instance-metrics).
 * \return 0 or ASG_EINVAL.
 */
int cw_monitoring_bind(struct bind *b, const struct ynode *data, bool *detailed);

/** true for the resource types scaling_config_load() reads. */
bool scaling_config_handles(const char *type);

/** Point every stored location at `path` (the YAML document is about to be freed). */
void scaling_config_set_file(struct scaling_config *c, const char *path);

#endif /* ASGSIM_POLICY_BIND_H */
