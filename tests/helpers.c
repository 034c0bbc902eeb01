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
