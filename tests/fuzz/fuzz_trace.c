/*
 * libFuzzer harness for workload traces (issue 20, class 7): every input is a trace file,
 * read by workload_trace_load() and, when it loads, queried the way a run does (step,
 * peak, rates, window, resampling) and then replayed by a fixed scenario that scales and
 * resamples it (so the peak and RateScale checks of class 2 see fuzzed rows too).
 */
#include "fuzz_util.h"

#include "asgsim/scenario.h"
#include "asgsim/workload.h"
#include "asgsim/workload_config.h"

#include <math.h>
#include <string.h>

/* The template names the trace by its base name: paths are relative to the scenario file. */
static const char *template_path(const char *trace)
{
    static const char *path;
    if (path)
        return path;
    const char *base = strrchr(trace, '/') ? strrchr(trace, '/') + 1 : trace;
    char *text = xasprintf("AWSTemplateFormatVersion: '2010-09-09'\n"
                           "Metadata:\n"
                           "  ASGSim::Scenario:\n"
                           "    Duration: 1h\n"
                           "    Workload: {Kind: trace, Path: '%s', RateScale: 3, Resample: 1m}\n"
                           "    Instances: {CapacityRpsPerVcpu: 50}\n"
                           "Resources:\n"
                           "  LT:\n"
                           "    Type: AWS::EC2::LaunchTemplate\n"
                           "    Properties: {LaunchTemplateData: {InstanceType: c6i.large}}\n"
                           "  ASG:\n"
                           "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                           "    Properties:\n"
                           "      MinSize: '1'\n"
                           "      MaxSize: '2'\n"
                           "      AvailabilityZones: [us-east-1a]\n"
                           "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}\n",
                           base);
    path = fuzz_write(1, "scenario.yaml", text, strlen(text));
    free(text);
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *trace = fuzz_write(0, "trace.csv", data, size);
    struct workload_config w = { 0 };
    struct diag_list d = { .quiet_warnings = false };
    if (workload_trace_load(&w, trace, &d) == 0) {
        double first = w.time_s[0], last = w.time_s[w.nr_rows - 1];
        double step = workload_trace_step_s(&w);
        volatile double sink = workload_peak_rps(&w) + step;
        for (int i = 0; i <= 4; i++)
            sink += workload_rate_rps(&w, 0, SIM_SEC(900 * i));
        (void)sink;
        /* The window and resampling the binder applies, with bounds it would accept. */
        if (w.nr_rows >= 2 && isfinite(last - first)) {
            workload_trace_window(&w, first + (last - first) / 4, last);
            if (w.nr_rows >= 2)
                workload_trace_resample(&w, fmax(1.0, 2 * workload_trace_step_s(&w)));
        }
        workload_config_release(&w);
        struct scenario sc;
        if (scenario_load(&sc, template_path(trace), &(struct scenario_load_opts){ 0 }, &d) == 0)
            scenario_release(&sc);
    }
    workload_config_release(&w);
    fuzz_diag_done(&d);
    return 0;
}
