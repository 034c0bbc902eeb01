/* asgsim: the command line entry point; dispatches to one command. */
#include "cli.h"

#include "asgsim/diag.h"

#include <gsl/gsl_version.h>
#include <stdio.h>
#include <stdlib.h>
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
        "  calibrate HISTORY.csv  fit CapacityRpsPerVcpu from a group's CloudWatch metrics\n"
        "  metrics             print the table of summary metrics (the README's table)\n"
        "\n"
        "  help COMMAND        the help of one command (as 'asgsim COMMAND --help')\n"
        "\n"
        "  -h, --help          show this help ('asgsim COMMAND --help' for a command)\n"
        "  -V, --version       show the version (also after any command)\n"
        "\n"
        "Exit status: 0 ok, 2 usage, 65 bad scenario, 66 missing input, 74 output error,\n"
        "130 interrupted.\n";

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    { "run", cli_run },         { "validate", cli_validate },   { "sweep", cli_sweep },
    { "merge", cli_merge },     { "export", cli_export },       { "plot", cli_plot },
    { "report", cli_report },   { "recommend", cli_recommend }, { "compare", cli_compare },
    { "metrics", cli_metrics }, { "calibrate", cli_calibrate },
};

static int version(void)
{
    printf("asgsim %s\n", ASGSIM_VERSION);
    printf("GSL %s, libyaml %s\n", GSL_VERSION, yaml_get_version_string());
    /* Where `plot` and `compare` take their gnuplot scripts from (an install is checked
       by this line: the scripts must come from its prefix, not the source tree). */
    char *scripts = cli_plot_scripts_dir();
    printf("plot scripts: %s\n", scripts ? scripts : "(not found; set ASGSIM_PLOTS)");
    free(scripts);
    return EXIT_OK;
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

static int unknown_command(const char *cmd)
{
    const char *names[sizeof(commands) / sizeof(commands[0]) + 1];
    size_t n = 0;
    for (; n < sizeof(commands) / sizeof(commands[0]); n++)
        names[n] = commands[n].name;
    names[n++] = "help";
    const char *hint = diag_closest(cmd, names, n);
    if (hint)
        return cli_usage_error(NULL, "unknown command '%s' (did you mean '%s'?)", cmd, hint);
    return cli_usage_error(NULL, "unknown command '%s'", cmd);
}

/* Under mpirun every rank would run the same scenario into the same file (and all but one
   fail to create it). Launchers say so in the environment (Open MPI, PMI, PMIx). */
static long mpi_rank(void)
{
    static const char *const vars[] = { "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK" };
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strtol(v, NULL, 10);
    }
    return -1;
}

static long mpi_size(void)
{
    static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE" };
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strtol(v, NULL, 10);
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(NULL, "no command given");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version"))
        return version();
    if (!strcmp(cmd, "help")) {
        /* `asgsim help run` is `asgsim run --help`. */
        if (argc < 3) {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        const struct command *c = find_command(argv[2]);
        if (!c)
            return unknown_command(argv[2]);
        char help[] = "--help";
        char *args[] = { argv[2], help, NULL };
        return c->fn(2, args);
    }
    const struct command *c = find_command(cmd);
    if (!c)
        return unknown_command(cmd);
    /* --version after any command (before a "--" that ends the options). */
    for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--version"))
            return version();
    if (c->fn == cli_run && mpi_size() > 1) {
        long rank = mpi_rank();
        if (rank != 0)
            return EXIT_OK; /* one simulation: rank 0 runs it */
        fprintf(stderr, "asgsim: note: 'run' is one simulation, so under mpirun only rank 0 "
                        "runs it; use 'asgsim sweep' to spread runs over the ranks\n");
    }
    return c->fn(argc - 1, argv + 1);
}
