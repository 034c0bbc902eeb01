/*
 * util.h - allocation that never returns NULL, always-on assertions, array growth.
 *
 * asgsim is an application: running out of memory is not recoverable, so the x*alloc
 * functions print "asgsim: out of memory (N bytes)" and abort instead of returning NULL.
 */
#ifndef ASGSIM_UTIL_H
#define ASGSIM_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/** malloc() that aborts on failure. \return never NULL (a 0-byte request gets 1 byte). */
void *xmalloc(size_t size);

/** calloc() that checks n * size for overflow and aborts on failure. */
void *xcalloc(size_t n, size_t size);

/**
 * xcalloc whose pages are all resident on return: calloc leaves untouched pages unmapped,
 * so a buffer filled only late in a run made long runs peak higher than short ones
 * (issue 19). Caller frees.
 */
void *xcalloc_resident(size_t n, size_t size);

/** realloc() that aborts on failure; xrealloc(p, 0) frees p and returns NULL. */
void *xrealloc(void *ptr, size_t size);

/** strdup() that aborts on failure; xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);

/** Copy of the first n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);

/** printf into a freshly allocated string owned by the caller. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * vprintf into a freshly allocated string owned by the caller (sim/util.c): the one place
 * that sizes with vsnprintf(NULL, 0, ...) and prints. `ap` is left for the caller to
 * va_end (it is copied, not consumed). A format vsnprintf rejects is a bug: it aborts.
 */
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/** Report an internal bug (file:line: BUG: ...) and abort. For broken invariants only. */
_Noreturn void asg_bug(const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define ASG_BUG(...) asg_bug(__FILE__, __LINE__, __VA_ARGS__)

/* Assertions stay on in every build: a wrong simulation is worse than a crash. */
#define ASG_ASSERT(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            asg_bug(__FILE__, __LINE__, "assertion failed: %s", #cond);                            \
    } while (0)

/*
 * Grow an array `items` with `nr` used and `alloc` allocated slots so that it holds at
 * least `need` elements (git's ALLOC_GROW). Growth is geometric, so appends are O(1)
 * amortised.
 */
#define ALLOC_GROW(items, need, alloc)                                                             \
    do {                                                                                           \
        if ((need) > (alloc)) {                                                                    \
            size_t alloc_grow_n_ = (alloc) < 8 ? 8 : (alloc) + (alloc) / 2;                        \
            if (alloc_grow_n_ < (need))                                                            \
                alloc_grow_n_ = (need);                                                            \
            (items) = xrealloc((items), alloc_grow_n_ * sizeof(*(items)));                         \
            (alloc) = alloc_grow_n_;                                                               \
        }                                                                                          \
    } while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** write() all `len` bytes, retrying after EINTR. \return 0, or -1 with errno set. */
int fd_write_all(int fd, const void *buf, size_t len);

/**
 * read() until `len` bytes or end of file, retrying after EINTR.
 * \return the bytes read (fewer only at end of file), or -1 with errno set.
 */
long fd_read_all(int fd, void *buf, size_t len);

#endif /* ASGSIM_UTIL_H */
