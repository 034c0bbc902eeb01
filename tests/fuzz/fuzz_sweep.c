/*
 * libFuzzer harness for sweep files (issue 20, class 7): every input is parsed by
 * sweep_spec_parse() (the bytes `asgsim sweep` reads); when it parses, the first and the
 * last point are applied to a fixed scenario the way the sweep applies them (parameters as
 * overrides, paths into the template), so fuzzed axes reach the override code too.
 */
#include "fuzz_util.h"

#include "asgsim/cfn.h"
#include "asgsim/scenario.h"
#include "asgsim/sweep.h"

#include <string.h>

static const char scenario_text[] =
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Metadata:\n"
        "  ASGSim::Scenario:\n"
        "    Duration: 1h\n"
        "    Workload: {Kind: constant, Rps: 100}\n"
        "    Instances: {CapacityRpsPerVcpu: 50}\n"
        "Parameters:\n"
        "  DesiredCapacity: {Type: Number, Default: 2}\n"
        "Resources:\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties: {LaunchTemplateData: {InstanceType: c6i.large}}\n"
        "  WebASG:\n"
        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n"
        "      MinSize: '1'\n"
        "      MaxSize: '8'\n"
        "      DesiredCapacity: !Ref DesiredCapacity\n"
        "      AvailabilityZones: [us-east-1a, us-east-1b]\n"
        "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n";

static void load_point(const struct sweep_spec *sp, const char *scenario, uint64_t p,
                       struct diag_list *d)
{
    struct cfn_override *params = xcalloc(sp->nr_axes + 1, sizeof(*params));
    struct cfn_override *paths = xcalloc(sp->nr_axes + 1, sizeof(*paths));
    struct scenario_load_opts o = { .overrides = params, .path_overrides = paths };
    for (size_t a = 0; a < sp->nr_axes; a++) {
        struct cfn_override ov = { sp->axes[a].key, sweep_value(sp, p, a) };
        if (sp->axes[a].target == SWEEP_PARAMETER)
            params[o.nr_overrides++] = ov;
        else
            paths[o.nr_path_overrides++] = ov;
    }
    o.has_seed = sp->has_seed;
    o.seed = sp->seed;
    struct scenario sc;
    if (scenario_load(&sc, scenario, &o, d) == 0)
        scenario_release(&sc);
    free(params);
    free(paths);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *scenario;
    if (!scenario)
        scenario = fuzz_write(1, "scenario.yaml", scenario_text, strlen(scenario_text));
    struct sweep_spec sp;
    struct diag_list d = { .quiet_warnings = false };
    if (sweep_spec_parse(&sp, "fuzz-sweep.yaml", data, size, &d) == 0) {
        load_point(&sp, scenario, 0, &d);
        if (sp.nr_points > 1)
            load_point(&sp, scenario, sp.nr_points - 1, &d);
        sweep_spec_release(&sp);
    }
    fuzz_diag_done(&d);
    return 0;
}
