/*
 * group_bind.h - binding the group's health, lifecycle hook and lifetime settings
 * (AWS::AutoScaling::AutoScalingGroup properties, AWS::AutoScaling::LifecycleHook resources
 * and the Metadata ASGSim::Scenario keys `Hooks` and `Faults`) into struct asg_config and
 * struct health_faults (models/group_config.c). Rules and defaults are AWS's
 * (API_PutLifecycleHook, API_CreateAutoScalingGroup, aws-properties-as-group); every error
 * names FILE:LINE:COL.
 */
#ifndef ASGSIM_GROUP_BIND_H
#define ASGSIM_GROUP_BIND_H

#include "asgsim/bind.h"
#include "asgsim/cfn.h"
#include "asgsim/group_config.h"
#include "asgsim/health_config.h"
#include "asgsim/yamltree.h"

#include <stdbool.h>

/**
 * HealthCheckType, MaxInstanceLifetime and LifecycleHookSpecificationList of the group
 * whose Properties are `props`, into `g`. \return 0 or ASG_EINVAL (errors in b->d).
 */
int group_config_bind(struct bind *b, const struct ynode *props, struct asg_config *g);

/**
 * One AWS::AutoScaling::LifecycleHook resource. Its AutoScalingGroupName must name `g`
 * (a Ref to the group's logical id or its name). \return 0 or ASG_EINVAL.
 */
int group_config_bind_hook_resource(struct bind *b, const struct cfn_resource *r,
                                    struct asg_config *g);

/**
 * One AWS::AutoScaling::WarmPool resource for `g` (at most one per group). Hibernated
 * needs `hibernation` (the launch template's HibernationOptions: Configured); without it
 * instances "fall back to Stopped" (ec2-auto-scaling-warm-pools), with a warning.
 * \return 0 or ASG_EINVAL.
 */
int group_config_bind_warm_pool(struct bind *b, const struct cfn_resource *r, struct asg_config *g,
                                bool hibernation);

/**
 * The group's placement group: its PlacementGroup property (`props`), else the launch
 * template's Placement.GroupName (`lt_group`, may be NULL), naming an
 * AWS::EC2::PlacementGroup of `t`. A cluster group must have one AZ (placement-groups.html).
 * \return 0 or ASG_EINVAL.
 */
int group_config_bind_placement(struct bind *b, const struct cfn_template *t,
                                const struct ynode *props, const char *lt_group,
                                struct asg_config *g);

/**
 * The settings keys `Hooks` (what each hook's custom action does, by hook name) and
 * `Faults` (instance failure rates), `LaunchTemplateVersions` and `LaunchRetryInterval`
 * (default ASG_LAUNCH_RETRY_DEFAULT). `g` may be NULL when the template has no valid group;
 * then Hooks is only checked for shape. \return 0 or ASG_EINVAL.
 */
int group_config_bind_settings(struct bind *b, const struct ynode *settings, struct asg_config *g,
                               struct health_faults *faults);

#endif /* ASGSIM_GROUP_BIND_H */
