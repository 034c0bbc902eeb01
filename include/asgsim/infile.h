/*
 * infile.h - opening an input file (template, settings, sweep file, workload trace) so that
 * only a regular file of bounded size is read: a directory, FIFO, socket or device (such as
 * /dev/zero) is refused before any read, so a run never blocks or reads without end.
 */
#ifndef ASGSIM_INFILE_H
#define ASGSIM_INFILE_H

#include "asgsim/diag.h"

#include <stddef.h>
#include <stdio.h>

/* Size limits: CloudFormation takes a template of at most 1 MB (from S3); a scenario may
 * carry its settings besides, and generated sweeps more, so YAML inputs get 16 MiB. A
 * per-second workload trace of ten years is about 600 MB; traces get 1 GiB. */
#define INFILE_MAX_YAML  ((size_t)16 << 20)
#define INFILE_MAX_TRACE ((size_t)1 << 30)

/**
 * Open `path` for reading when it is a regular file of at most `max_bytes` bytes. `what`
 * names the file's role in messages ("workload trace"). The file is opened without blocking
 * (a FIFO with no writer does not hang) and checked with fstat() before any read.
 * \return 0 with *out (caller fcloses); ASG_ENOENT when it is missing, unreadable or not a
 * regular file (exit 66); ASG_ELIMIT when it is larger than the limit (exit 65). One
 * diagnostic names the path and the rule.
 */
int infile_open(FILE **out, const char *path, const char *what, size_t max_bytes,
                struct diag_list *d);

#endif /* ASGSIM_INFILE_H */
