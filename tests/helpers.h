/* Shared helpers for the Check suites. */
#ifndef ASGSIM_TEST_HELPERS_H
#define ASGSIM_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

/** Path of a fresh scratch file under the build tree's tests/tmp (caller frees). */
char *test_tmp_path(const char *name);

/** Absolute path of a file in the source tree (caller frees). */
char *test_src_path(const char *relative);

/** splitmix64: a small fixed generator, so random tests replay identically everywhere. */
uint64_t test_rng_next(uint64_t *state);

/** A number in [0, n) from test_rng_next (n > 0; the modulo bias is harmless here). */
uint64_t test_rng_below(uint64_t *state, uint64_t n);

#endif
