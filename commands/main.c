/* asgsim: the command line entry point; dispatches to one command. */
#include "cli.h"

#include "asgsim/diag.h"

#include <gsl/gsl_version.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "asgsim/banned.h"

static const char usage[] =
        "Usage: asgsim COMMAND [options] [args]\n"
        "A discrete-event simulator of Amazon EC2 Auto Scaling groups.\n"
        "\n"
        "Commands:\n"
        "  run SCENARIO        simulate a CloudFormation template and write an HDF5 trace\n"
        "  validate SCENARIO...  check scenarios and report every error\n"
        "  sweep SWEEP.yaml    run a scenario over a grid of values with replications\n"
        "  merge SHARD.h5...   join the outputs of 'sweep --shard I/N' into one file\n"
        "  export RUN.h5       write a trace's or sweep's tables as TSV/CSV for other tools\n"
        "  plot RUN.h5         draw the standard figures with gnuplot (PNG or SVG)\n"
        "  report RUN.h5       print a short summary of a trace or sweep (--json for one object)\n"
        "  recommend SWEEP.h5  the cheapest point of a sweep that meets objectives\n"
        "  compare A.h5 B.h5   run summaries side by side, and one figure overlaying them\n"
        "  metrics             print the table of summary metrics (the README's table)\n"
        "\n"
        "  -h, --help          show this help ('asgsim COMMAND --help' for a command)\n"
        "  -V, --version       show the version\n"
        "\n"
        "Exit status: 0 ok, 2 usage, 65 bad scenario, 66 missing input, 74 output error,\n"
        "130 interrupted.\n";

int main(int argc, char **argv)
{
    static const char *const commands[] = { "run",  "validate", "sweep",   "merge", "export",
                                            "plot", "report",   "metrics", "help",  "recommend" };
    if (argc < 2)
        return cli_usage_error(NULL, "no command given");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("asgsim %s\n", ASGSIM_VERSION);
        printf("GSL %s, libyaml %s\n", GSL_VERSION, yaml_get_version_string());
        return EXIT_OK;
    }
    if (!strcmp(cmd, "run"))
        return cli_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate"))
        return cli_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep"))
        return cli_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge"))
        return cli_merge(argc - 1, argv + 1);
    if (!strcmp(cmd, "export"))
        return cli_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "plot"))
        return cli_plot(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return cli_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare"))
        return cli_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "recommend"))
        return cli_recommend(argc - 1, argv + 1);
    if (!strcmp(cmd, "metrics"))
        return cli_metrics(argc - 1, argv + 1);
    const char *hint = diag_closest(cmd, commands, sizeof(commands) / sizeof(commands[0]));
    if (hint)
        return cli_usage_error(NULL, "unknown command '%s' (did you mean '%s'?)", cmd, hint);
    return cli_usage_error(NULL, "unknown command '%s'", cmd);
}
