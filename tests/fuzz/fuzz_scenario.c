/*
 * libFuzzer harness for the scenario loader: every input is written to a file and loaded
 * exactly as `asgsim validate` would (YAML tree, CloudFormation layer, binding, checks).
 * Any crash, leak or sanitizer report is a bug; bad input must only produce diagnostics.
 */
#include "fuzz_util.h"

#include "asgsim/cfn.h"
#include "asgsim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(0, "scenario.yaml", data, size);
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
    fuzz_diag_done(&d);
    return 0;
}
