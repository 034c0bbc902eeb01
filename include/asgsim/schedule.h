/*
 * schedule.h - scheduled actions (AWS::AutoScaling::ScheduledAction): five-field cron
 * recurrences in UTC or an IANA time zone, StartTime / EndTime, and the sizes they set.
 *
 * Time zones use glibc's tz rules (TZ=<zone>, localtime/mktime). Setting TZ is
 * process-global, so schedule_times() switches it once per action, computes every firing
 * of the run, and restores it. Daylight saving: a local time that does not exist (the
 * spring-forward gap) does not fire; a local time that occurs twice (fall-back) fires once,
 * at its first occurrence. AWS documents neither case; this is asgsim's choice.
 */
#ifndef ASGSIM_SCHEDULE_H
#define ASGSIM_SCHEDULE_H

#include "asgsim/schedule_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Parse "min hour dom month dow" (numbers, '*', lists a,b, ranges a-b, steps * /n and
 * a-b/n). \return true, or false with a reason in err[errlen].
 */
bool cron_parse(const char *text, struct cron *out, char *err, size_t errlen);

/**
 * Does the local date/time match? Vixie cron rule: when both day fields are restricted,
 * either may match.
 */
bool cron_matches(const struct cron *c, int month, int mday, int wday, int hour, int minute);

/**
 * Every firing of `s` in [from_epoch_s, to_epoch_s] (UTC seconds), ascending, in a new
 * array *out (caller frees) of *nr items. AWS: with a Recurrence and a StartTime, the
 * action runs at StartTime and then follows the recurrence; EndTime ends it
 * (API_PutScheduledUpdateGroupAction).
 */
void schedule_times(const struct schedule_config *s, int64_t from_epoch_s, int64_t to_epoch_s,
                    int64_t **out, size_t *nr);

#endif /* ASGSIM_SCHEDULE_H */
