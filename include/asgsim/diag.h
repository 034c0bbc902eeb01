/*
 * diag.h - status codes, source locations and collected diagnostics.
 *
 * Bad user input is collected in a struct diag_list (keep going, report every error, up to
 * DIAG_MAX_ERRORS) and printed GNU style:
 *     asgsim: web.yaml:31:7: error: unknown property 'MinSzie' in ... (did you mean 'MinSize'?)
 * Lines and columns are 1-based.
 */
#ifndef ASGSIM_DIAG_H
#define ASGSIM_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** Status codes returned by actions: 0 or a negative value. The message is in a diagnostic. */
enum asg_status {
    ASG_OK = 0,
    ASG_EINVAL = -1,    /* bad input (scenario, option value) */
    ASG_ENOENT = -2,    /* no such file, id or key */
    ASG_EIO = -3,       /* read or write failed */
    ASG_EFORMAT = -4,   /* input is not in the expected format */
    ASG_ELIMIT = -5,    /* input asks for more than the simulator allows */
    ASG_EINTR = -6,     /* interrupted by a signal */
    ASG_ECANTCREAT = -7 /* output cannot be created */
};

/** Short text for a status code ("invalid input", ...); never NULL. */
const char *asg_strerror(int status);

/**
 * A position in an input file. `file` is borrowed: it must outlive the location (the
 * loaders intern file names for the life of the document or scenario). line/col are
 * 1-based; 0 means "unknown" (then only the file, or nothing, is printed).
 */
struct src_loc {
    const char *file;
    uint32_t line;
    uint32_t col;
};

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag {
    enum diag_level level;
    struct src_loc loc; /* loc.file copied into `file` below, so the diag owns it */
    char *file;
    char *msg;
};

#define DIAG_MAX_ERRORS 50

/* A message longer than this many bytes loses its middle ("[... N bytes ...]"). */
#define DIAG_MAX_MESSAGE 1024

/** Collected diagnostics. Zero-initialise (`struct diag_list d = {0};`), diag_list_release(). */
struct diag_list {
    struct diag *items;
    size_t nr, alloc;
    size_t nr_errors;
    size_t nr_warnings;
    bool quiet_warnings; /* drop warnings instead of recording them */
};

/**
 * Record an error at `loc` (may be NULL: no location). Stops recording after
 * DIAG_MAX_ERRORS errors but still counts them.
 * \return ASG_EINVAL, so callers can `return diag_error(...)`.
 */
int diag_error(struct diag_list *d, const struct src_loc *loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/** Record an error with a chosen status code; \return `status`. */
int diag_error_status(struct diag_list *d, int status, const struct src_loc *loc, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

/** Record a warning at `loc` (may be NULL). */
void diag_warning(struct diag_list *d, const struct src_loc *loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/** Record a note (follow-up line to the previous diagnostic). */
void diag_note(struct diag_list *d, const struct src_loc *loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/** true when at least one error was recorded. */
bool diag_has_errors(const struct diag_list *d);

/** Print every diagnostic, in the order recorded, as "asgsim: FILE:L:C: level: msg\n". */
void diag_print(const struct diag_list *d, FILE *out);

/** Format one diagnostic (as diag_print does, without the newline) into a new string. */
char *diag_format(const struct diag *dg);

/** Free every diagnostic; the list is empty and reusable afterwards. */
void diag_list_release(struct diag_list *d);

/**
 * "Did you mean" helper: the candidate closest to `word` by edit distance (case-insensitive
 * Damerau-Levenshtein), or NULL when none is close enough to be a plausible typo.
 */
const char *diag_closest(const char *word, const char *const *candidates, size_t nr);

#endif /* ASGSIM_DIAG_H */
