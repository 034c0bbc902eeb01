/*
 * Replay driver: the harnesses' LLVMFuzzerTestOneInput compiled without libFuzzer (any
 * compiler), fed every regular file under the directories and files named on the command
 * line, in sorted order. So the seed corpus and every crash the fuzzers found run in the
 * ordinary test suite (and in the ASan + UBSan build, which turns a finding into a failure).
 * Missing arguments are skipped; exit 1 when nothing at all was replayed (a wrong path in
 * the test must not pass silently), else 0 (a crash ends the process first).
 */
#include "asgsim/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replayed;

static void replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            cap = cap ? 2 * cap : 65536;
            buf = xrealloc(buf, cap);
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    /* An exact-size copy, as libFuzzer gives: ASan then sees any read past the input. */
    uint8_t *exact = xmalloc(len ? len : 1);
    if (len)
        memcpy(exact, buf, len);
    free(buf);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    replayed++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (S_ISREG(st.st_mode)) {
        replay_file(path);
        return;
    }
    if (!S_ISDIR(st.st_mode))
        return;
    DIR *dir = opendir(path);
    if (!dir)
        return;
    char **names = NULL;
    size_t nr = 0, alloc = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.')
            continue;
        ALLOC_GROW(names, nr + 1, alloc);
        names[nr++] = xasprintf("%s/%s", path, e->d_name);
    }
    closedir(dir);
    qsort(names, nr, sizeof(*names), by_name);
    for (size_t i = 0; i < nr; i++) {
        replay(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        replay(argv[i]);
    fprintf(stderr, "replay: %zu input%s\n", replayed, replayed == 1 ? "" : "s");
    return replayed ? 0 : 1;
}
