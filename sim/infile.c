/* Opening input files: regular files of bounded size only (include/asgsim/infile.h). */
#include "asgsim/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asgsim/banned.h"

static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO (named pipe)";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

int infile_open(FILE **out, const char *path, const char *what, size_t max_bytes,
                struct diag_list *d)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return diag_error_status(d, ASG_ENOENT, NULL, "cannot open %s '%s': %s", what, path,
                                 strerror(err));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return diag_error_status(d, ASG_ENOENT, NULL, "cannot read %s '%s': %s", what, path,
                                 strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return diag_error_status(d, ASG_ENOENT, NULL,
                                 "%s '%s' is %s; asgsim reads only regular files", what, path,
                                 file_kind(st.st_mode));
    }
    if ((unsigned long long)st.st_size > (unsigned long long)max_bytes) {
        close(fd);
        return diag_error_status(d, ASG_ELIMIT, NULL,
                                 "%s '%s' is %lld bytes, over the limit of %zu MiB for a %s", what,
                                 path, (long long)st.st_size, max_bytes >> 20, what);
    }
    /* Regular files never block; clear O_NONBLOCK so stdio reads see no EAGAIN. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int err = errno;
        close(fd);
        return diag_error_status(d, ASG_EIO, NULL, "cannot read %s '%s': %s", what, path,
                                 strerror(err));
    }
    *out = f;
    return 0;
}
