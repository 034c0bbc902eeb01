/* Scheduled actions: cron recurrences, in UTC or a time zone with daylight saving. */
#include "asgsim/schedule.h"

#include "asgsim/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asgsim/banned.h"

static bool parse_num(const char **p, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(*p, &end, 10);
    if (end == *p || errno || v < lo || v > hi)
        return false;
    *p = end;
    *out = (int)v;
    return true;
}

/* One field: comma-separated items of '*', N, N-M, each with an optional /STEP. */
static bool parse_field(const char *text, int lo, int hi, uint64_t *bits, bool *any)
{
    *bits = 0;
    *any = !strcmp(text, "*");
    const char *p = text;
    for (;;) {
        int a = lo, b = hi, step = 1;
        if (*p == '*') {
            p++;
        } else {
            if (!parse_num(&p, lo, hi, &a))
                return false;
            b = a;
            if (*p == '-') {
                p++;
                if (!parse_num(&p, lo, hi, &b) || b < a)
                    return false;
            }
        }
        if (*p == '/') {
            p++;
            if (!parse_num(&p, 1, hi, &step))
                return false;
            if (b == a && text[0] != '*')
                b = hi; /* "N/S": from N to the end, as cron does */
        }
        for (int v = a; v <= b; v += step)
            *bits |= UINT64_C(1) << v;
        if (*p == ',') {
            p++;
            continue;
        }
        return *p == '\0';
    }
}

bool cron_parse(const char *text, struct cron *out, char *err, size_t errlen)
{
    static const char *const names[] = { "minute", "hour", "day of month", "month", "day of week" };
    static const int lo[] = { 0, 0, 1, 1, 0 }, hi[] = { 59, 23, 31, 12, 7 };
    char *copy = xstrdup(text);
    char *fields[5];
    size_t nr = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (nr < 5)
            fields[nr] = tok;
        nr++;
    }
    bool ok = nr == 5;
    if (!ok)
        snprintf(err, errlen,
                 "it has %zu fields; AWS's cron has 5 (minute hour day-of-month "
                 "month day-of-week)",
                 nr);
    struct cron c = { 0 };
    uint64_t bits[5];
    bool any[5];
    for (size_t i = 0; ok && i < 5; i++) {
        if (!parse_field(fields[i], lo[i], hi[i], &bits[i], &any[i])) {
            snprintf(err, errlen, "the %s field '%s' is not valid (values %d-%d)", names[i],
                     fields[i], lo[i], hi[i]);
            ok = false;
        }
    }
    if (ok) {
        c.minute = bits[0];
        c.hour = (uint32_t)bits[1];
        c.dom = (uint32_t)bits[2];
        c.month = (uint32_t)bits[3];
        c.dow = (uint32_t)(bits[4] & 0x7f);
        if (bits[4] & (UINT64_C(1) << 7))
            c.dow |= 1; /* 7 is Sunday too */
        c.dom_any = any[2];
        c.dow_any = any[4];
        *out = c;
    }
    free(copy);
    return ok;
}

bool cron_matches(const struct cron *c, int month, int mday, int wday, int hour, int minute)
{
    if (!(c->minute >> minute & 1) || !(c->hour >> hour & 1) || !(c->month >> month & 1))
        return false;
    bool dom = c->dom >> mday & 1, dow = c->dow >> wday & 1;
    if (c->dom_any || c->dow_any)
        return dom && dow;
    return dom || dow;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void push(int64_t **out, size_t *nr, size_t *alloc, int64_t t)
{
    ALLOC_GROW(*out, *nr + 1, *alloc);
    (*out)[(*nr)++] = t;
}

/* Local calendar days overlapping [from, to] in the zone currently in TZ. */
static void recurrence_times(const struct cron *c, int64_t from, int64_t to, int64_t **out,
                             size_t *nr, size_t *alloc)
{
    time_t t0 = (time_t)from - 86400;
    struct tm day;
    localtime_r(&t0, &day);
    day.tm_hour = day.tm_min = day.tm_sec = 0;
    for (int64_t guard = 0; guard < 4000 * 1000; guard++) {
        struct tm probe = day;
        probe.tm_hour = 12;
        probe.tm_isdst = -1;
        time_t noon = mktime(&probe);
        if ((int64_t)noon - 86400 > to)
            break;
        for (int h = 0; h < 24; h++) {
            if (!(c->hour >> h & 1))
                continue;
            for (int mi = 0; mi < 60; mi++) {
                if (!cron_matches(c, probe.tm_mon + 1, probe.tm_mday, probe.tm_wday, h, mi))
                    continue;
                struct tm lt = probe;
                lt.tm_hour = h;
                lt.tm_min = mi;
                lt.tm_sec = 0;
                lt.tm_isdst = -1;
                time_t u = mktime(&lt);
                /* a normalised time means the local time does not exist (DST gap) */
                if (lt.tm_hour != h || lt.tm_min != mi)
                    continue;
                /* for a repeated local time, mktime may pick either; take the earlier */
                struct tm earlier;
                time_t e = u - 3600;
                localtime_r(&e, &earlier);
                if (earlier.tm_hour == h && earlier.tm_min == mi && earlier.tm_mday == lt.tm_mday)
                    u = e;
                if ((int64_t)u >= from && (int64_t)u <= to)
                    push(out, nr, alloc, (int64_t)u);
            }
        }
        day = probe;
        day.tm_mday++;
        day.tm_hour = 12;
        day.tm_isdst = -1;
        mktime(&day);
    }
}

/* The only lock in the models: it guards the process's TZ, not model state (issue 16). */
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

void schedule_times(const struct schedule_config *s, int64_t from_epoch_s, int64_t to_epoch_s,
                    int64_t **out, size_t *nr)
{
    int64_t *items = NULL;
    size_t n = 0, alloc = 0;
    int64_t lo = from_epoch_s, hi = to_epoch_s;
    if (s->has_end && s->end_epoch_s < hi)
        hi = s->end_epoch_s;
    if (s->has_start) {
        if (s->start_epoch_s >= from_epoch_s && s->start_epoch_s <= hi)
            push(&items, &n, &alloc, s->start_epoch_s);
        if (s->start_epoch_s > lo)
            lo = s->start_epoch_s + 1;
    }
    if (s->has_recurrence && lo <= hi) {
        /* TZ is process-global: switch once for this action, then restore it, holding a
           lock so that runs in other threads never see another action's zone. */
        pthread_mutex_lock(&tz_lock);
        const char *old = getenv("TZ");
        char *saved = old ? xstrdup(old) : NULL;
        setenv("TZ", s->time_zone ? s->time_zone : "UTC", 1);
        tzset();
        recurrence_times(&s->cron, lo, hi, &items, &n, &alloc);
        if (saved)
            setenv("TZ", saved, 1);
        else
            unsetenv("TZ");
        tzset();
        free(saved);
        pthread_mutex_unlock(&tz_lock);
    }
    if (n > 1)
        qsort(items, n, sizeof(*items), cmp_i64);
    /* a start time that the recurrence also hits runs once */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || items[k - 1] != items[i])
            items[k++] = items[i];
    *out = items;
    *nr = k;
}

void schedule_config_release(struct schedule_config *s)
{
    free(s->logical_id);
    free(s->name);
    free(s->time_zone);
    memset(s, 0, sizeof(*s));
}
