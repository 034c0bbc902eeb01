/*
 * fuzz_util.h - what the libFuzzer harnesses share: a per-process scratch file that each
 * input is written to (the loaders read files, as `asgsim` does), and diagnostic cleanup.
 * Header-only so that every harness stays one translation unit for libFuzzer and for the
 * replay driver (replay_main.c) alike.
 */
#ifndef ASGSIM_FUZZ_UTIL_H
#define ASGSIM_FUZZ_UTIL_H

#include "asgsim/diag.h"
#include "asgsim/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Up to four scratch files per process, removed at exit so that no run leaves litter. */
static char *fuzz_paths[4];

static void fuzz_remove_paths(void)
{
    for (size_t i = 0; i < sizeof(fuzz_paths) / sizeof(fuzz_paths[0]); i++)
        if (fuzz_paths[i]) {
            unlink(fuzz_paths[i]);
            free(fuzz_paths[i]);
            fuzz_paths[i] = NULL;
        }
}

/*
 * Path of scratch file `slot` named NAME (its extension matters to nobody, but keeps
 * messages readable), in /dev/shm when there is one (no disk writes at 10^5 inputs/s).
 */
static const char *fuzz_path(unsigned slot, const char *name)
{
    if (!fuzz_paths[slot]) {
        struct stat st;
        const char *dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
        fuzz_paths[slot] = xasprintf("%s/asgsim-fuzz-%ld-%s", dir, (long)getpid(), name);
        static int registered;
        if (!registered++)
            atexit(fuzz_remove_paths);
    }
    return fuzz_paths[slot];
}

/* Write `size` bytes to scratch file `slot`; aborts (a harness fault, not a finding) on error. */
static const char *fuzz_write(unsigned slot, const char *name, const void *data, size_t size)
{
    const char *p = fuzz_path(slot, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f) != 0)
        abort();
    return p;
}

/* Format every diagnostic (the message code runs on whatever was recorded), then free. */
static void fuzz_diag_done(struct diag_list *d)
{
    for (size_t i = 0; i < d->nr; i++)
        free(diag_format(&d->items[i]));
    diag_list_release(d);
}

#endif /* ASGSIM_FUZZ_UTIL_H */
