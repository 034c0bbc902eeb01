/* Collected diagnostics in GNU format, status texts, and the did-you-mean helper. */
#include "asgsim/diag.h"

#include "asgsim/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *asg_strerror(int status)
{
    switch (status) {
    case ASG_OK:
        return "success";
    case ASG_EINVAL:
        return "invalid input";
    case ASG_ENOENT:
        return "not found";
    case ASG_EIO:
        return "input/output error";
    case ASG_EFORMAT:
        return "bad format";
    case ASG_ELIMIT:
        return "limit exceeded";
    case ASG_EINTR:
        return "interrupted";
    case ASG_ECANTCREAT:
        return "cannot create output";
    default:
        return "unknown error";
    }
}

/* A UTF-8 sequence never starts with a continuation byte (10xxxxxx). */
static size_t char_start(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/*
 * Keeps a message within DIAG_MAX_MESSAGE bytes: a value quoted whole (a 1 MB scalar) loses
 * its middle, so the start (what is wrong) and the end (where it was first defined, say)
 * both stay. Takes and returns a malloc'd string.
 */
static char *shorten(char *msg)
{
    size_t len = strlen(msg);
    if (len <= DIAG_MAX_MESSAGE)
        return msg;
    size_t head = char_start(msg, DIAG_MAX_MESSAGE * 2 / 3);
    size_t tail = char_start(msg, len - DIAG_MAX_MESSAGE / 4);
    char *out = xasprintf("%.*s[... %zu bytes ...]%s", (int)head, msg, tail - head, msg + tail);
    free(msg);
    return out;
}

__attribute__((format(printf, 4, 0))) static void add(struct diag_list *d, enum diag_level level,
                                                      const struct src_loc *loc, const char *fmt,
                                                      va_list ap)
{
    if (level == DIAG_ERROR)
        d->nr_errors++;
    else if (level == DIAG_WARNING)
        d->nr_warnings++;
    if (level == DIAG_WARNING && d->quiet_warnings)
        return;
    if (level == DIAG_ERROR && d->nr_errors > DIAG_MAX_ERRORS)
        return;

    char *msg = shorten(xvasprintf(fmt, ap));

    ALLOC_GROW(d->items, d->nr + 1, d->alloc);
    struct diag *dg = &d->items[d->nr++];
    memset(dg, 0, sizeof(*dg));
    dg->level = level;
    dg->msg = msg;
    if (loc) {
        dg->file = xstrdup(loc->file);
        dg->loc = *loc;
        dg->loc.file = dg->file;
    }
}

int diag_error(struct diag_list *d, const struct src_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
    return ASG_EINVAL;
}

int diag_error_status(struct diag_list *d, int status, const struct src_loc *loc, const char *fmt,
                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
    return status;
}

void diag_warning(struct diag_list *d, const struct src_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, DIAG_WARNING, loc, fmt, ap);
    va_end(ap);
}

void diag_note(struct diag_list *d, const struct src_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, DIAG_NOTE, loc, fmt, ap);
    va_end(ap);
}

bool diag_has_errors(const struct diag_list *d)
{
    return d->nr_errors > 0;
}

static const char *level_name(enum diag_level level)
{
    switch (level) {
    case DIAG_ERROR:
        return "error";
    case DIAG_WARNING:
        return "warning";
    case DIAG_NOTE:
        return "note";
    }
    return "error";
}

char *diag_format(const struct diag *dg)
{
    const char *lv = level_name(dg->level);
    if (dg->file && dg->loc.line)
        return xasprintf("asgsim: %s:%u:%u: %s: %s", dg->file, dg->loc.line, dg->loc.col, lv,
                         dg->msg);
    if (dg->file)
        return xasprintf("asgsim: %s: %s: %s", dg->file, lv, dg->msg);
    return xasprintf("asgsim: %s: %s", lv, dg->msg);
}

void diag_print(const struct diag_list *d, FILE *out)
{
    for (size_t i = 0; i < d->nr; i++) {
        char *line = diag_format(&d->items[i]);
        fprintf(out, "%s\n", line);
        free(line);
    }
    if (d->nr_errors > DIAG_MAX_ERRORS)
        fprintf(out, "asgsim: error: too many errors (%zu), only the first %d shown\n",
                d->nr_errors, DIAG_MAX_ERRORS);
}

void diag_list_release(struct diag_list *d)
{
    for (size_t i = 0; i < d->nr; i++) {
        free(d->items[i].file);
        free(d->items[i].msg);
    }
    free(d->items);
    bool quiet = d->quiet_warnings;
    memset(d, 0, sizeof(*d));
    d->quiet_warnings = quiet;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), ignoring case. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *prev2 = xcalloc(lb + 1, sizeof(size_t));
    size_t *prev = xcalloc(lb + 1, sizeof(size_t));
    size_t *cur = xcalloc(lb + 1, sizeof(size_t));
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca == cb ? 0 : 1;
            size_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    size_t dist = prev[lb];
    free(prev2);
    free(prev);
    free(cur);
    return dist;
}

const char *diag_closest(const char *word, const char *const *candidates, size_t nr)
{
    const char *best = NULL;
    size_t best_dist = SIZE_MAX;
    size_t len = strlen(word);
    /* A typo changes at most about a third of a word; beyond that a suggestion is noise. */
    size_t limit = len < 4 ? 1 : len / 3 + 1;
    for (size_t i = 0; i < nr; i++) {
        size_t dist = edit_distance(word, candidates[i]);
        if (dist < best_dist) {
            best_dist = dist;
            best = candidates[i];
        }
    }
    return best_dist <= limit ? best : NULL;
}
