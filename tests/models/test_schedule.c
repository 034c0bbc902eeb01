/*
 * Scheduled actions: AWS's five-field cron, UTC and IANA time zones across daylight
 * saving changes, StartTime / EndTime (API_PutScheduledUpdateGroupAction,
 * ec2-auto-scaling-scheduled-scaling), and TZ restored afterwards.
 */
#include "asgsim/schedule.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* UTC seconds of a civil date and time (days-from-civil). */
static int64_t utc(int64_t y, int64_t m, int64_t d, int64_t h, int64_t mi)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    return days * 86400 + h * 3600 + mi * 60;
}

/* The zone's text lives here: schedule_config owns a mutable string. */
static char zone_buf[64];

static struct schedule_config recurring(const char *cron, const char *zone)
{
    struct schedule_config s = { .has_recurrence = true };
    if (zone) {
        snprintf(zone_buf, sizeof(zone_buf), "%s", zone);
        s.time_zone = zone_buf;
    }
    char err[128];
    ck_assert_msg(cron_parse(cron, &s.cron, err, sizeof(err)), "%s", err);
    return s;
}

START_TEST(test_cron_parses_aws_example_and_rejects_bad_fields)
{
    struct cron c;
    char err[128];
    /* the API reference's example "30 0 1 1,6,12 *" */
    ck_assert(cron_parse("30 0 1 1,6,12 *", &c, err, sizeof(err)));
    ck_assert(cron_matches(&c, 6, 1, 3, 0, 30));
    ck_assert(!cron_matches(&c, 7, 1, 3, 0, 30));
    ck_assert(cron_parse("*/15 9-17 * * 1-5", &c, err, sizeof(err)));
    ck_assert(cron_matches(&c, 1, 1, 1, 9, 45));  /* Monday 09:45 */
    ck_assert(!cron_matches(&c, 1, 6, 6, 9, 45)); /* Saturday */
    ck_assert(!cron_matches(&c, 1, 1, 1, 9, 50));
    ck_assert(!cron_parse("0 25 * * *", &c, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "hour"));
    ck_assert(!cron_parse("0 9 * *", &c, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "4 fields"));
    /* both day fields restricted: either matches (cron's rule); 7 is Sunday */
    ck_assert(cron_parse("0 0 13 * 7", &c, err, sizeof(err)));
    ck_assert(cron_matches(&c, 2, 13, 2, 0, 0));
    ck_assert(cron_matches(&c, 2, 4, 0, 0, 0));
    ck_assert(!cron_matches(&c, 2, 5, 1, 0, 0));
}

END_TEST

START_TEST(test_schedule_utc_recurrence_with_start_and_end)
{
    struct schedule_config s = recurring("0 22 * * *", NULL);
    int64_t *t;
    size_t n;
    schedule_times(&s, utc(2024, 1, 1, 0, 0), utc(2024, 1, 4, 0, 0), &t, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(t[0], utc(2024, 1, 1, 22, 0));
    ck_assert_int_eq(t[2], utc(2024, 1, 3, 22, 0));
    free(t);
    /* AWS: with Recurrence and StartTime the action runs at StartTime, then follows the
       recurrence; EndTime ends it */
    s.has_start = true;
    s.start_epoch_s = utc(2024, 1, 2, 7, 15);
    s.has_end = true;
    s.end_epoch_s = utc(2024, 1, 3, 21, 0);
    schedule_times(&s, utc(2024, 1, 1, 0, 0), utc(2024, 1, 4, 0, 0), &t, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(t[0], utc(2024, 1, 2, 7, 15));
    ck_assert_int_eq(t[1], utc(2024, 1, 2, 22, 0));
    free(t);
}

END_TEST

/* America/New_York: 09:00 is 14:00 UTC in winter (EST) and 13:00 UTC after the
   2024-03-10 change to EDT. */
START_TEST(test_schedule_time_zone_follows_daylight_saving)
{
    struct schedule_config s = recurring("0 9 * * *", "America/New_York");
    int64_t *t;
    size_t n;
    schedule_times(&s, utc(2024, 3, 9, 0, 0), utc(2024, 3, 12, 0, 0), &t, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(t[0], utc(2024, 3, 9, 14, 0));
    ck_assert_int_eq(t[1], utc(2024, 3, 10, 13, 0));
    ck_assert_int_eq(t[2], utc(2024, 3, 11, 13, 0));
    free(t);
    /* Etc/GMT+9 has no daylight saving: 09:00 is always 18:00 UTC */
    s = recurring("0 9 * * *", "Etc/GMT+9");
    schedule_times(&s, utc(2024, 3, 9, 0, 0), utc(2024, 3, 12, 0, 0), &t, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(t[1], utc(2024, 3, 10, 18, 0));
    free(t);
}

END_TEST

/* asgsim's documented choice: 02:30 does not exist on 2024-03-10 in New York (skipped);
   01:30 happens twice on 2024-11-03 (runs once, at the first, EDT, 05:30 UTC). */
START_TEST(test_schedule_dst_gap_skips_and_overlap_runs_once)
{
    struct schedule_config s = recurring("30 2 * * *", "America/New_York");
    int64_t *t;
    size_t n;
    schedule_times(&s, utc(2024, 3, 9, 0, 0), utc(2024, 3, 12, 0, 0), &t, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(t[0], utc(2024, 3, 9, 7, 30));  /* EST */
    ck_assert_int_eq(t[1], utc(2024, 3, 11, 6, 30)); /* EDT */
    free(t);
    s = recurring("30 1 * * *", "America/New_York");
    schedule_times(&s, utc(2024, 11, 3, 0, 0), utc(2024, 11, 4, 0, 0), &t, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t[0], utc(2024, 11, 3, 5, 30));
    free(t);
}

END_TEST

START_TEST(test_schedule_restores_tz)
{
    setenv("TZ", "Asia/Tokyo", 1);
    struct schedule_config s = recurring("0 9 * * *", "Europe/Paris");
    int64_t *t;
    size_t n;
    schedule_times(&s, utc(2024, 7, 1, 0, 0), utc(2024, 7, 2, 0, 0), &t, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t[0], utc(2024, 7, 1, 7, 0)); /* CEST = UTC+2 */
    free(t);
    ck_assert_str_eq(getenv("TZ"), "Asia/Tokyo");
    unsetenv("TZ");
}

END_TEST

Suite *schedule_suite(void);

Suite *schedule_suite(void)
{
    Suite *s = suite_create("schedule");
    TCase *t = tcase_create("cron");
    tcase_add_test(t, test_cron_parses_aws_example_and_rejects_bad_fields);
    tcase_add_test(t, test_schedule_utc_recurrence_with_start_and_end);
    tcase_add_test(t, test_schedule_time_zone_follows_daylight_saving);
    tcase_add_test(t, test_schedule_dst_gap_skips_and_overlap_runs_once);
    tcase_add_test(t, test_schedule_restores_tz);
    suite_add_tcase(s, t);
    return s;
}
