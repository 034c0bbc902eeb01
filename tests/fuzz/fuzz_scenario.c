/*
 * libFuzzer harness for the scenario loader: every input is written to a file and loaded
 * exactly as `asgsim validate` would (YAML tree, CloudFormation layer, binding, checks).
 * Any crash, leak or sanitizer report is a bug; bad input must only produce diagnostics.
 */
#include "asgsim/scenario.h"
#include "asgsim/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *path;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path)
        path = xasprintf("/dev/shm/asgsim-fuzz-%ld.yaml", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    struct scenario sc;
    struct diag_list d = { .quiet_warnings = false };
    const struct cfn_override ov[] = { { "DesiredCapacity", "3" } };
    struct scenario_load_opts o = { 0 };
    /* Half of the inputs also get an override, so that path through cfn is fuzzed too. */
    if (size && (data[0] & 1)) {
        o.overrides = ov;
        o.nr_overrides = 1;
    }
    if (scenario_load(&sc, path, &o, &d) == 0)
        scenario_release(&sc);
    /* Formatting every diagnostic exercises the message code on whatever was recorded. */
    for (size_t i = 0; i < d.nr; i++)
        free(diag_format(&d.items[i]));
    diag_list_release(&d);
    return 0;
}
