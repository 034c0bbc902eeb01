/*
 * schedule_config.h - one scheduled action (AWS::AutoScaling::ScheduledAction) with its
 * parsed cron recurrence, plain data. schedule.h parses cron and computes the firings.
 */
#ifndef ASGSIM_SCHEDULE_CONFIG_H
#define ASGSIM_SCHEDULE_CONFIG_H

#include "asgsim/diag.h"

#include <stdbool.h>
#include <stdint.h>

/** A parsed cron expression: one bit per allowed value of each field. */
struct cron {
    uint64_t minute; /* bits 0-59 */
    uint32_t hour;   /* bits 0-23 */
    uint32_t dom;    /* bits 1-31 */
    uint32_t month;  /* bits 1-12 */
    uint32_t dow;    /* bits 0-6, Sunday = 0 (7 is folded into 0) */
    bool dom_any;    /* day-of-month field was '*' */
    bool dow_any;    /* day-of-week field was '*' */
};

struct schedule_config {
    char *logical_id;
    char *name; /* ScheduledActionName isn't a CFN property: the logical id */
    bool has_min, has_max, has_desired;
    int64_t min_size, max_size, desired_capacity;
    bool has_recurrence;
    struct cron cron;
    char *time_zone; /* IANA name, NULL for UTC */
    bool has_start;  /* StartTime given */
    int64_t start_epoch_s;
    bool has_end; /* EndTime given */
    int64_t end_epoch_s;
    struct src_loc loc;
};

/** Free the strings; safe on a zeroed struct. */
void schedule_config_release(struct schedule_config *s);

#endif /* ASGSIM_SCHEDULE_CONFIG_H */
