/*
 * The sweep journal: what a killed sweep has already finished. Layout: a 64-byte header
 * (magic, record size, sha256 of the key) then fixed-size struct sweep_result records in
 * completion order. Records are raw native structs: a journal is only ever read back by
 * the same binary on the same machine that wrote it, to resume.
 */
#include "asgsim/sha256.h"
#include "asgsim/sweep.h"
#include "asgsim/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asgsim/banned.h"

#define JOURNAL_MAGIC "asgsim-sweep-journal/1\n"

struct journal_header {
    char magic[24];
    uint32_t record_size;
    uint32_t reserved;
    uint8_t key_sha256[32];
};

static void make_header(struct journal_header *h, const char *key)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->magic, JOURNAL_MAGIC, sizeof(JOURNAL_MAGIC) - 1);
    h->record_size = (uint32_t)sizeof(struct sweep_result);
    sha256(key, strlen(key), h->key_sha256);
}

/* Read the records of an existing journal; a torn last record is dropped (truncated). */
static int read_existing(int fd, const char *path, const struct journal_header *want,
                         struct sweep_result **done, size_t *nr_done, struct diag_list *d)
{
    struct journal_header h;
    ssize_t n = fd_read_all(fd, &h, sizeof(h));
    if (n < 0)
        return diag_error_status(d, ASG_EIO, NULL, "cannot read '%s': %s", path, strerror(errno));
    if (n == 0)
        return 0; /* created but never written: nothing done yet */
    if ((size_t)n < sizeof(h) || memcmp(h.magic, want->magic, sizeof(h.magic)) ||
        h.record_size != want->record_size)
        return diag_error_status(d, ASG_EFORMAT, NULL,
                                 "'%s' is not a sweep journal of this asgsim; remove it or run "
                                 "without --resume",
                                 path);
    if (memcmp(h.key_sha256, want->key_sha256, sizeof(h.key_sha256)))
        return diag_error(d, NULL,
                          "'%s' belongs to another sweep (the sweep file, the scenario or "
                          "--shard or --region changed); remove it or run without --resume",
                          path);
    struct sweep_result *items = NULL;
    size_t nr = 0, alloc = 0;
    for (;;) {
        struct sweep_result r;
        n = fd_read_all(fd, &r, sizeof(r));
        if (n < 0) {
            free(items);
            return diag_error_status(d, ASG_EIO, NULL, "cannot read '%s': %s", path,
                                     strerror(errno));
        }
        if ((size_t)n < sizeof(r))
            break;
        ALLOC_GROW(items, nr + 1, alloc);
        items[nr++] = r;
    }
    off_t keep = (off_t)(sizeof(h) + nr * sizeof(struct sweep_result));
    if (ftruncate(fd, keep) < 0 || lseek(fd, keep, SEEK_SET) < 0) {
        free(items);
        return diag_error_status(d, ASG_EIO, NULL, "cannot truncate '%s': %s", path,
                                 strerror(errno));
    }
    *done = items;
    *nr_done = nr;
    return 1;
}

int sweep_journal_open(struct sweep_journal *j, const char *path, const char *key, bool resume,
                       struct sweep_result **done, size_t *nr_done, struct diag_list *d)
{
    struct journal_header want;
    make_header(&want, key);
    *done = NULL;
    *nr_done = 0;
    int fd = open(path, O_RDWR | O_CREAT | (resume ? 0 : O_TRUNC), 0644);
    if (fd < 0)
        return diag_error_status(d, ASG_ECANTCREAT, NULL, "cannot open journal '%s': %s", path,
                                 strerror(errno));
    int rc = resume ? read_existing(fd, path, &want, done, nr_done, d) : 0;
    if (rc < 0) {
        close(fd);
        return rc;
    }
    if (rc == 0) {
        if (ftruncate(fd, 0) < 0 || fd_write_all(fd, &want, sizeof(want)) < 0 || fsync(fd) < 0) {
            rc = diag_error_status(d, ASG_EIO, NULL, "cannot write journal '%s': %s", path,
                                   strerror(errno));
            close(fd);
            free(*done);
            *done = NULL;
            *nr_done = 0;
            return rc;
        }
    }
    j->fd = fd;
    j->path = xstrdup(path);
    return 0;
}

int sweep_journal_append(struct sweep_journal *j, const struct sweep_result *r)
{
    if (fd_write_all(j->fd, r, sizeof(*r)) < 0 || fsync(j->fd) < 0)
        return ASG_EIO;
    return 0;
}

void sweep_journal_close(struct sweep_journal *j, bool remove)
{
    if (j->path) {
        close(j->fd);
        if (remove)
            unlink(j->path);
    }
    free(j->path);
    j->path = NULL;
    j->fd = -1;
}
