/*
 * ec2_bind.h - binding of the scenario's EC2 and billing settings (models/ec2_config.c) into
 * struct ec2_config, called from the scenario loader. Errors go to b->d with the location
 * the user wrote. Every function returns 0 (or 1 where noted), or ASG_EINVAL after
 * recording errors.
 */
#ifndef ASGSIM_EC2_BIND_H
#define ASGSIM_EC2_BIND_H

#include "asgsim/bind.h"
#include "asgsim/catalog.h"
#include "asgsim/ec2_config.h"
#include "asgsim/yamltree.h"

#include <stdbool.h>
#include <stdint.h>

/**
 * Read `Billing:` from the settings mapping into `c` (defaults when absent): Granularity,
 * EbsGiBMonthUsd, RootVolumeGiB, MonthHours (default: hours of the UTC month containing
 * `start_epoch_s`), SavingsPlan {CommitmentUsdPerHour, Discount}, ReservedInstances
 * [{InstanceType, Count, UsdPerHour}] (types checked against `cat`).
 */
int ec2_config_bind_billing(struct bind *b, const struct ynode *settings, const struct catalog *cat,
                            int64_t start_epoch_s, struct ec2_config *c);

/**
 * Read `Timing:` from the Instances mapping: {Default | <instance type>: {Launch, Start,
 * Resume, Stop, Hibernate, Terminate}}, each a duration or distribution (bind_dist).
 * Missing transitions keep the Default's (or asgsim's) value. Call once, even when
 * `instances` is NULL, to set the defaults.
 */
int ec2_config_bind_timing(struct bind *b, const struct ynode *instances, const struct catalog *cat,
                           struct ec2_config *c);

/** Root volume and hibernation settings of one launch template. */
struct ec2_lt_storage {
    double root_volume_gib; /* 0: the scenario's Billing: RootVolumeGiB */
    bool root_encrypted;
    bool hibernation; /* HibernationOptions: Configured */
};

/**
 * Read BlockDeviceMappings (root volume: DeviceName /dev/xvda or /dev/sda1, else the first
 * mapping with Ebs) and HibernationOptions from LaunchTemplateData `data`. When hibernation
 * is configured, `type` (may be NULL when unknown) must allow it (ec2_hibernation_check())
 * with the volume size (or `default_root_gib`); otherwise an error at HibernationOptions.
 */
int ec2_config_bind_launch_template(struct bind *b, const struct ynode *data,
                                    const struct instance_type *type, double default_root_gib,
                                    struct ec2_lt_storage *out);

#endif /* ASGSIM_EC2_BIND_H */
