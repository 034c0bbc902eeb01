#include "helpers.h"

#include "asgsim/util.h"

#include <stdio.h>
#include <unistd.h>

char *test_tmp_path(const char *name)
{
    char *p = xasprintf("%s/%ld-%s", ASGSIM_TEST_TMP, (long)getpid(), name);
    remove(p);
    return p;
}

char *test_src_path(const char *relative)
{
    return xasprintf("%s/%s", ASGSIM_SOURCE_DIR, relative);
}

uint64_t test_rng_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t test_rng_below(uint64_t *state, uint64_t n)
{
    return test_rng_next(state) % n;
}
