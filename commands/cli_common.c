/* Pieces shared by the asgsim commands: exit codes, signals, JSON, progress. */
#include "cli.h"

#include "asgsim/diag.h"
#include "asgsim/regions.h"
#include "asgsim/util.h"

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asgsim/banned.h"

int cli_exit_code(int status)
{
    switch (status) {
    case ASG_OK:
        return EXIT_OK;
    case ASG_EINVAL:
    case ASG_EFORMAT:
    case ASG_ELIMIT:
        return EXIT_DATAERR;
    case ASG_ENOENT:
        return EXIT_NOINPUT;
    case ASG_EIO:
    case ASG_ECANTCREAT:
        return EXIT_IOERR;
    case ASG_EINTR:
        return cli_caught_signal() == SIGTERM ? EXIT_SIGTERM : EXIT_SIGINT;
    default:
        return EXIT_SOFTWARE;
    }
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("asgsim: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'asgsim %s%s--help' for more information.\n", cmd ? cmd : "",
            cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_check_region(const char *cmd, const char *region)
{
    size_t nr;
    if (region_azs(region, &nr))
        return 0;
    const char *const *names = region_names(&nr);
    const char *hint = diag_closest(region, names, nr);
    if (hint)
        return cli_usage_error(cmd, "--region: unknown region '%s' (did you mean '%s'?)", region,
                               hint);
    return cli_usage_error(cmd, "--region: unknown region '%s'", region);
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    caught = sig;
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_caught_signal(void)
{
    return (int)caught;
}

const volatile sig_atomic_t *cli_interrupt_flag(void)
{
    return &caught;
}

char *cli_command_line(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) * 4 + 3;
    char *s = xcalloc(len, 1), *p = s;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool quote = !*a || strpbrk(a, " \t\n'\"\\$`*?;&|<>()") != NULL;
        if (i)
            *p++ = ' ';
        if (quote)
            *p++ = '\'';
        for (; *a; a++) {
            if (quote && *a == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *a;
            }
        }
        if (quote)
            *p++ = '\'';
    }
    *p = '\0';
    return s;
}

void cli_created_utc(char buf[32])
{
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            t = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cli_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void format_span(char *buf, size_t n, sim_time t)
{
    int64_t s = t / SIM_US_PER_SEC;
    if (s >= 86400)
        snprintf(buf, n, "%lldd%02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(buf, n, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        snprintf(buf, n, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
}

void cli_progress_update(struct cli_progress *p, sim_time now, sim_time end,
                         unsigned long long events)
{
    if (!p->enabled)
        return;
    double w = wall_seconds();
    if (p->shown && w - p->last_wall_s < 0.25 && now < end)
        return;
    p->last_wall_s = w;
    char a[32], b[32];
    format_span(a, sizeof(a), now);
    format_span(b, sizeof(b), end);
    double pct = end > 0 ? 100.0 * (double)now / (double)end : 100.0;
    fprintf(stderr, "\rasgsim: %5.1f%% simulated %s of %s, %llu events", pct, a, b, events);
    fflush(stderr);
    p->shown = true;
}

int cli_parse_progress(const char *when)
{
    if (!strcmp(when, "auto"))
        return -1;
    if (!strcmp(when, "always"))
        return 1;
    if (!strcmp(when, "never"))
        return 0;
    return -2;
}

void cli_progress_done(struct cli_progress *p)
{
    if (p->enabled && p->shown) {
        fputc('\n', stderr);
        p->shown = false;
    }
}
