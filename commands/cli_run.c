/* asgsim run / asgsim validate. */
#include "cli.h"

#include "asgsim/bind.h"
#include "asgsim/run.h"
#include "asgsim/scenario.h"
#include "asgsim/sweep.h"
#include "asgsim/trace.h"
#include "asgsim/util.h"
#include "asgsim/yamltree.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asgsim/banned.h"

static const char run_usage[] =
        "Usage: asgsim run SCENARIO [options]\n"
        "Simulate the Auto Scaling group in a CloudFormation template and write an HDF5 trace.\n"
        "\n"
        "  -o, --output FILE        trace file (default: SCENARIO's name with .h5, in the\n"
        "                           current directory); written as FILE.tmp, then renamed\n"
        "      --seed N             base seed of every random stream (default: Metadata Seed)\n"
        "      --until DURATION     simulated length, e.g. 3600, 90m, 7d (default: Metadata\n"
        "                           Duration)\n"
        "  -p, --parameter NAME=VALUE  set a template parameter (repeatable)\n"
        "      --set PATH=VALUE     replace the value at a dotted property path, as a sweep\n"
        "                           axis's Path does (repeatable), e.g.\n"
        "                           Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu=75\n"
        "      --with FILE          take the ASGSim::Scenario settings from FILE\n"
        "      --stack-name NAME    value of AWS::StackName (default: the file name)\n"
        "      --region NAME        value of AWS::Region and Fn::GetAZs' Region, and the\n"
        "                           Region's prices (default: Metadata Region, else us-east-1)\n"
        "      --json               print one JSON summary object on stdout\n"
        "      --progress WHEN      auto (default: only when stderr is a terminal), always, never\n"
        "  -q, --quiet              print errors only\n"
        "  -h, --help               show this help\n"
        "\n"
        "Exit status: 0 ok, 2 usage, 65 bad scenario, 66 missing input, 74 output error,\n"
        "130 interrupted (SIGINT), 143 terminated (SIGTERM).\n";

static const char validate_usage[] =
        "Usage: asgsim validate SCENARIO... [options]\n"
        "Check scenarios without running them; report every error as FILE:LINE:COL.\n"
        "A sweep file (top-level Scenario key) is checked with the scenario of every point.\n"
        "\n"
        "  -p, --parameter NAME=VALUE  set a template parameter (repeatable)\n"
        "      --set PATH=VALUE     replace the value at a dotted property path (repeatable)\n"
        "      --with FILE          take the ASGSim::Scenario settings from FILE\n"
        "      --region NAME        value of AWS::Region (default: Metadata Region, else\n"
        "                           us-east-1)\n"
        "  -q, --quiet              print errors only\n"
        "  -h, --help               show this help\n"
        "\n"
        "Exit status: 0 all valid, 2 usage, 65 a scenario is invalid, 66 a file is missing.\n";

struct common_opts {
    struct cfn_override *overrides;
    size_t nr_overrides, alloc_overrides;
    struct cfn_override *paths; /* --set PATH=VALUE, the sweep's Path syntax */
    size_t nr_paths, alloc_paths;
    const char *with_path;
    const char *stack_name;
    const char *region;
    bool quiet;
};

/* --set PATH=VALUE: the value replaces the scalar at a dotted property path, exactly as a
   sweep axis's Path does (so a sweep point can be re-run on its own). */
static int add_path(struct common_opts *c, const char *cmd, char *arg)
{
    char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return cli_usage_error(cmd,
                               "--set needs PATH=VALUE, e.g. "
                               "Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu=75, "
                               "got '%s'",
                               arg);
    *eq = '\0';
    for (size_t i = 0; i < c->nr_paths; i++)
        if (!strcmp(c->paths[i].name, arg))
            return cli_usage_error(cmd, "--set %s given twice", arg);
    ALLOC_GROW(c->paths, c->nr_paths + 1, c->alloc_paths);
    c->paths[c->nr_paths++] = (struct cfn_override){ arg, eq + 1 };
    return 0;
}

static int add_override(struct common_opts *c, const char *cmd, char *arg)
{
    char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return cli_usage_error(cmd, "--parameter needs NAME=VALUE, got '%s'", arg);
    *eq = '\0';
    for (size_t i = 0; i < c->nr_overrides; i++)
        if (!strcmp(c->overrides[i].name, arg))
            return cli_usage_error(cmd, "parameter '%s' given twice", arg);
    ALLOC_GROW(c->overrides, c->nr_overrides + 1, c->alloc_overrides);
    c->overrides[c->nr_overrides++] = (struct cfn_override){ arg, eq + 1 };
    return 0;
}

enum {
    OPT_SEED = 256,
    OPT_UNTIL,
    OPT_WITH,
    OPT_STACK,
    OPT_REGION,
    OPT_JSON,
    OPT_PROGRESS,
    OPT_SET
};

/*
 * The options run and validate share. \return 1 when `opt` was one of them, 0 when not,
 * or a usage exit code.
 */
static int common_option(int opt, struct common_opts *c, const char *cmd)
{
    switch (opt) {
    case 'p': {
        int rc = add_override(c, cmd, optarg);
        return rc ? rc : 1;
    }
    case OPT_SET: {
        int rc = add_path(c, cmd, optarg);
        return rc ? rc : 1;
    }
    case OPT_WITH:
        c->with_path = optarg;
        return 1;
    case OPT_STACK:
        c->stack_name = optarg;
        return 1;
    case OPT_REGION: {
        int rc = cli_check_region(cmd, optarg);
        c->region = optarg;
        return rc ? rc : 1;
    }
    case 'q':
        c->quiet = true;
        return 1;
    default:
        return 0;
    }
}

static char *default_output(const char *scenario)
{
    const char *base = strrchr(scenario, '/');
    base = base ? base + 1 : scenario;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *stem = xstrndup(base, n);
    char *out = xasprintf("%s.h5", stem);
    free(stem);
    return out;
}

static void print_diags(struct diag_list *d)
{
    diag_print(d, stderr);
    diag_list_release(d);
}

static bool interrupted(void *ctx)
{
    (void)ctx;
    return cli_caught_signal() != 0;
}

struct progress_ctx {
    struct cli_progress bar;
};

static void on_progress(void *ctx, sim_time now, sim_time end, uint64_t events)
{
    struct progress_ctx *p = ctx;
    cli_progress_update(&p->bar, now, end, (unsigned long long)events);
}

/* The figures a planner reads first, under their one name (include/asgsim/summary.h);
   --json and report give every metric. */
static void print_summary(FILE *out, const struct scenario *sc, const char *output,
                          const struct run_summary *r)
{
    static const char *const always[] = {
        "duration_s",     "cost_total_usd",     "cost_usd",
        "instance_hours", "mean_in_service",    "mean_cpu_utilization_pct",
        "activities",     "instances_launched", "instances_terminated",
    };
    static const char *const serving[] = {
        "cost_per_million_requests_usd",
        "requests_arrived",
        "requests_served",
        "requests_dropped",
        "latency_p50_s",
        "latency_p95_s",
        "latency_p99_s",
        "latency_mean_s",
    };
    static const char *const objective[] = { "latency_objective_s", "requests_over_objective",
                                             "time_over_objective_s" };
    const char *const *lists[] = { always, serving, objective };
    const size_t sizes[] = { ARRAY_SIZE(always), ARRAY_SIZE(serving), ARRAY_SIZE(objective) };
    fprintf(out, "%-30s %s (seed %" PRIu64 ")\n", "scenario", sc->path, sc->seed);
    /* Several groups: the stack's figures, which add up; `asgsim report` has each group's. */
    bool stack = sc->nr_groups > 1;
    if (stack)
        fprintf(out, "%-30s %zu (each one's figures: asgsim report)\n", "groups", sc->nr_groups);
    for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
        if (l == 1 && !(sc->has_workload || (stack && r->requests_arrived > 0)))
            break;
        if (l == 2 && !(r->latency_objective_s > 0))
            break;
        for (size_t i = 0; i < sizes[l]; i++) {
            size_t m = summary_find(lists[l][i]);
            ASG_ASSERT(m < SUMMARY_NR);
            if (stack && !summary_adds(m) && strcmp(lists[l][i], "cost_per_million_requests_usd"))
                continue; /* an average or a quantile of one group */
            double v = summary_get(r, m);
            fprintf(out, "%-30s ", summary_metrics[m].name);
            if (summary_metrics[m].kind == SUMMARY_COUNT)
                fprintf(out, "%.0f", v);
            else
                fprintf(out, "%.6f", v);
            fprintf(out, " %s\n", summary_metrics[m].units);
        }
    }
    fprintf(out, "%-30s %s\n", "trace", output);
}

/* A JSON number, or null for NaN / infinity (JSON has neither). */
static void json_num(const char *key, double v)
{
    if (isfinite(v))
        printf(", \"%s\": %.6f", key, v);
    else
        printf(", \"%s\": null", key);
}

/* The whole summary, one key per metric of the table (include/asgsim/summary.h). */
static void print_json(const struct scenario *sc, const char *output, const struct run_summary *r)
{
    printf("{\"scenario\": ");
    cli_json_string(stdout, sc->path);
    printf(", \"output\": ");
    cli_json_string(stdout, output);
    printf(", \"seed\": %" PRIu64, sc->seed);
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        if (!summary_applies(r, m))
            continue;
        if (summary_metrics[m].kind == SUMMARY_COUNT)
            printf(", \"%s\": %.0f", summary_metrics[m].name, summary_get(r, m));
        else
            json_num(summary_metrics[m].name, summary_get(r, m));
    }
    printf(", \"exit_status\": 0}\n");
}

int cli_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "seed", required_argument, NULL, OPT_SEED },
        { "until", required_argument, NULL, OPT_UNTIL },
        { "parameter", required_argument, NULL, 'p' },
        { "set", required_argument, NULL, OPT_SET },
        { "with", required_argument, NULL, OPT_WITH },
        { "stack-name", required_argument, NULL, OPT_STACK },
        { "region", required_argument, NULL, OPT_REGION },
        { "json", no_argument, NULL, OPT_JSON },
        { "progress", required_argument, NULL, OPT_PROGRESS },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    struct common_opts c = { 0 };
    struct scenario_load_opts lo = { 0 };
    const char *output = NULL;
    bool json = false;
    int progress = -1; /* auto */
    int rc = EXIT_OK, opt;
    char *out_path = NULL, *cmdline = NULL;
    struct scenario sc = { 0 };
    struct trace_sink *sink = NULL;
    struct diag_list d = { 0 };

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:p:qh", longopts, NULL)) != -1) {
        int common = common_option(opt, &c, "run");
        if (common > 1) {
            rc = common;
            goto out;
        }
        if (common)
            continue;
        switch (opt) {
        case 'o':
            output = optarg;
            break;
        case OPT_SEED: {
            int64_t v;
            if (!bind_parse_int(optarg, &v) || v < 0) {
                rc = cli_usage_error("run", "--seed needs a non-negative integer, got '%s'",
                                     optarg);
                goto out;
            }
            lo.has_seed = true;
            lo.seed = (uint64_t)v;
            break;
        }
        case OPT_UNTIL:
            if (!bind_parse_duration(optarg, &lo.duration)) {
                rc = cli_usage_error("run",
                                     "--until needs a duration such as 3600, 90m or 7d, got '%s'",
                                     optarg);
                goto out;
            }
            lo.has_duration = true;
            break;
        case OPT_JSON:
            json = true;
            break;
        case OPT_PROGRESS:
            if (!strcmp(optarg, "auto")) {
                progress = -1;
            } else if (!strcmp(optarg, "always")) {
                progress = 1;
            } else if (!strcmp(optarg, "never")) {
                progress = 0;
            } else {
                rc = cli_usage_error("run", "--progress must be auto, always or never, got '%s'",
                                     optarg);
                goto out;
            }
            break;
        case 'h':
            fputs(run_usage, stdout);
            goto out;
        default:
            rc = cli_usage_error("run", "unknown or incomplete option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        rc = cli_usage_error("run", "no scenario given");
        goto out;
    }
    if (argc - optind > 1) {
        rc = cli_usage_error("run", "one scenario at a time, got '%s' too", argv[optind + 1]);
        goto out;
    }
    const char *path = argv[optind];
    lo.with_path = c.with_path;
    lo.overrides = c.overrides;
    lo.nr_overrides = c.nr_overrides;
    lo.path_overrides = c.paths;
    lo.nr_path_overrides = c.nr_paths;
    lo.stack_name = c.stack_name;
    lo.region = c.region;
    d.quiet_warnings = c.quiet;

    int st = scenario_load(&sc, path, &lo, &d);
    print_diags(&d);
    if (st < 0) {
        rc = cli_exit_code(st);
        goto out;
    }
    /* Handlers first: a signal from here on removes the .tmp instead of leaving it. */
    cli_catch_signals();
    out_path = output ? xstrdup(output) : default_output(path);
    st = h5out_open(&sink, out_path, &d);
    print_diags(&d);
    if (st < 0) {
        rc = cli_exit_code(st);
        goto out;
    }

    cmdline = cli_command_line(argc + 1, argv - 1);
    char created[32];
    cli_created_utc(created);
    struct progress_ctx pc = { { progress == 1 || (progress == -1 && isatty(2) && !c.quiet), false,
                                 0 } };
    struct run_opts ro = { .command_line = cmdline,
                           .created_utc = created,
                           .interrupted = interrupted,
                           .interrupt_flag = cli_interrupt_flag(),
                           .progress = on_progress,
                           .ctx = &pc };
    struct run_summary sum;
    st = run_scenario(&sc, &ro, sink, &sum, &d);
    cli_progress_done(&pc.bar);
    if (st == 0 && (st = trace_close(sink, true)) < 0)
        diag_error_status(&d, st, NULL, "cannot write '%s': %s", out_path,
                          sink->error ? sink->error : asg_strerror(st));
    print_diags(&d);
    if (st < 0) {
        rc = cli_exit_code(st);
        goto out;
    }
    if (json)
        print_json(&sc, out_path, &sum);
    else if (!c.quiet)
        print_summary(stdout, &sc, out_path, &sum);
out:
    /* Anything not committed is discarded: a failed or interrupted run leaves no file. */
    trace_sink_free(sink);
    scenario_release(&sc);
    free(out_path);
    free(cmdline);
    free(c.overrides);
    free(c.paths);
    return rc;
}

/* A sweep file names its scenario under a top-level Scenario key; a template never has one. */
static bool is_sweep_file(const char *path)
{
    struct diag_list d = { .quiet_warnings = true };
    struct ydoc *doc = NULL;
    bool sweep = false;
    if (ydoc_load(&doc, path, &d) == 0) {
        const struct ynode *root = ydoc_root(doc);
        sweep = root && root->kind == YNODE_MAP && ynode_get(root, "Scenario") &&
                !ynode_get(root, "Resources");
    }
    ydoc_free(doc);
    diag_list_release(&d);
    return sweep;
}

/* Validate a sweep file and every point's scenario, as `asgsim sweep` would before running. */
static int validate_sweep(const char *path, const struct common_opts *c)
{
    struct diag_list d = { .quiet_warnings = c->quiet };
    struct sweep_spec sp;
    int st = sweep_spec_load(&sp, path, &d);
    print_diags(&d);
    if (st < 0)
        return cli_exit_code(st);
    struct cfn_override *params = xcalloc(sp.nr_axes + c->nr_overrides + 1, sizeof(*params));
    struct cfn_override *paths = xcalloc(sp.nr_axes + c->nr_paths + 1, sizeof(*paths));
    uint64_t p;
    for (p = 0; p < sp.nr_points && st == 0; p++) {
        struct scenario sc = { 0 };
        struct scenario_load_opts lo = { .with_path = c->with_path,
                                         .overrides = params,
                                         .path_overrides = paths,
                                         .stack_name = c->stack_name,
                                         .region = c->region };
        for (size_t i = 0; i < c->nr_overrides; i++)
            params[lo.nr_overrides++] = c->overrides[i];
        for (size_t i = 0; i < c->nr_paths; i++)
            paths[lo.nr_path_overrides++] = c->paths[i];
        for (size_t a = 0; a < sp.nr_axes; a++) {
            struct cfn_override ov = { sp.axes[a].key, sweep_value(&sp, p, a) };
            if (sp.axes[a].target == SWEEP_PARAMETER)
                params[lo.nr_overrides++] = ov;
            else
                paths[lo.nr_path_overrides++] = ov;
        }
        st = scenario_load(&sc, sp.scenario_path, &lo, &d);
        if (st < 0 && st != ASG_ENOENT && st != ASG_EIO)
            for (size_t a = 0; a < sp.nr_axes; a++)
                diag_note(&d, &sp.axes[a].loc, "in sweep point %" PRIu64 ", where %s = %s", p,
                          sp.axes[a].name, sweep_value(&sp, p, a));
        else if (st < 0)
            diag_note(&d, &sp.scenario_loc, "the sweep's scenario is '%s'", sp.scenario_path);
        print_diags(&d);
        d.quiet_warnings = true; /* every point reads the same template: warn once */
        scenario_release(&sc);
    }
    if (st == 0 && !c->quiet)
        printf("%s: valid sweep: %" PRIu64 " point%s x %" PRIu32 " replication%s of '%s'\n", path,
               sp.nr_points, sp.nr_points == 1 ? "" : "s", sp.replications,
               sp.replications == 1 ? "" : "s", sp.scenario_path);
    free(params);
    free(paths);
    sweep_spec_release(&sp);
    return st < 0 ? cli_exit_code(st) : EXIT_OK;
}

int cli_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "parameter", required_argument, NULL, 'p' },
        { "set", required_argument, NULL, OPT_SET },
        { "with", required_argument, NULL, OPT_WITH },
        { "stack-name", required_argument, NULL, OPT_STACK },
        { "region", required_argument, NULL, OPT_REGION },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    struct common_opts c = { 0 };
    int rc = EXIT_OK, opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "p:qh", longopts, NULL)) != -1) {
        int common = common_option(opt, &c, "validate");
        if (common > 1) {
            rc = common;
            goto out;
        }
        if (common)
            continue;
        switch (opt) {
        case 'h':
            fputs(validate_usage, stdout);
            goto out;
        default:
            rc = cli_usage_error("validate", "unknown or incomplete option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        rc = cli_usage_error("validate", "no scenario given");
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        if (is_sweep_file(argv[i])) {
            int code = validate_sweep(argv[i], &c);
            if (code && (rc == EXIT_OK || code == EXIT_NOINPUT))
                rc = code;
            continue;
        }
        struct scenario sc = { 0 };
        struct diag_list d = { .quiet_warnings = c.quiet };
        struct scenario_load_opts lo = { .with_path = c.with_path,
                                         .overrides = c.overrides,
                                         .nr_overrides = c.nr_overrides,
                                         .path_overrides = c.paths,
                                         .nr_path_overrides = c.nr_paths,
                                         .stack_name = c.stack_name,
                                         .region = c.region };
        int st = scenario_load(&sc, argv[i], &lo, &d);
        print_diags(&d);
        if (st < 0) {
            int code = cli_exit_code(st);
            /* A missing file outranks an invalid one: the run cannot even start. */
            if (rc == EXIT_OK || code == EXIT_NOINPUT)
                rc = code;
        } else if (!c.quiet) {
            /* one line per group: a stack may have several (README "Several groups") */
            for (size_t k = 0; k < sc.nr_groups; k++) {
                const struct asg_config *g = &sc.groups[k];
                printf("%s: valid: group '%s' (min %" PRId64 ", desired %" PRId64 ", max %" PRId64
                       ", %zu AZ%s), %s\n",
                       argv[i], g->name, g->min_size, g->desired_capacity, g->max_size, g->nr_azs,
                       g->nr_azs == 1 ? "" : "s",
                       sc.launch_templates[g->launch_template].instance_type);
            }
        }
        scenario_release(&sc);
    }
out:
    free(c.overrides);
    free(c.paths);
    return rc;
}
