/*
 * utc.h - UTC calendar arithmetic on integer seconds since 1970 (proleptic Gregorian),
 * without the C library's time zone state: exact, thread-safe and the same everywhere.
 */
#ifndef ASGSIM_UTC_H
#define ASGSIM_UTC_H

#include <stdbool.h>
#include <stdint.h>

/** Days from 1970-01-01 to year-month-day (month 1..12, day 1..31). */
int64_t utc_days_from_civil(int64_t y, int64_t m, int64_t d);

/** The date of a day number (inverse of utc_days_from_civil). */
void utc_civil_from_days(int64_t days, int64_t *y, int64_t *m, int64_t *d);

/**
 * Parse "YYYY-MM-DDThh:mm:ssZ" (the UTC form CloudFormation and the Auto Scaling API use),
 * years 1970..2200, real calendar dates only. \return false (out untouched) otherwise.
 */
bool utc_parse(const char *s, int64_t *epoch_s);

/** Format epoch seconds as "YYYY-MM-DDThh:mm:ssZ" into buf[21]. */
void utc_format(int64_t epoch_s, char buf[21]);

#endif /* ASGSIM_UTC_H */
