/* Shared helpers for the Check suites. */
#ifndef ASGSIM_TEST_HELPERS_H
#define ASGSIM_TEST_HELPERS_H

#include <stddef.h>

/** Path of a fresh scratch file under the build tree's tests/tmp (caller frees). */
char *test_tmp_path(const char *name);

/** Absolute path of a file in the source tree (caller frees). */
char *test_src_path(const char *relative);

#endif
