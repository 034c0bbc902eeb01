/*
 * asgsim report: the few numbers a planner reads first (cost, instance-hours, SLA,
 * activities, instances), from a trace's /summary, as text or as one JSON object.
 */
#include "cli.h"
#include "sweep_pick.h"

#include "asgsim/h5in.h"
#include "asgsim/summary.h"
#include "asgsim/util.h"

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

static const char report_usage[] =
        "Usage: asgsim report RUN.h5|SWEEP.h5 [options]\n"
        "Print a short summary of a trace: cost, instance-hours, SLA figures (when the run\n"
        "has them), scaling activities and instances. For a sweep output: every point's\n"
        "means over its replications, the cost-p99 Pareto front (marked *), and the\n"
        "recommendation of 'asgsim recommend' (objectives as there; with none given, the\n"
        "scenario's LatencyObjective as --max-p99 when the points share one).\n"
        "\n"
        "%s"
        "      --json               print one JSON object on stdout instead\n"
        "  -h, --help               show this help\n"
        "\n"
        "Exit status: 0 ok, 2 usage, 65 not an asgsim trace or a bad objective, 66 missing\n"
        "input.\n";

/* With no objective given, the sweep's own LatencyObjective (when every run has the same
   one) is the p99 to meet: that is what the scenario's author asked for. */
static void default_objective(const struct pick_sweep *s, struct pick_objectives *o)
{
    if (pick_objectives_any(o) || !s->file.nr_results)
        return;
    double lo = s->file.results[0].summary.latency_objective_s;
    for (size_t i = 1; i < s->file.nr_results; i++)
        if (s->file.results[i].summary.latency_objective_s != lo)
            return;
    if (lo > 0)
        o->max_p99_s = lo;
}

static int report_sweep(const char *input, struct pick_objectives *o, bool json)
{
    struct pick_sweep s;
    int rc = pick_sweep_open(&s, input);
    if (rc)
        return rc;
    default_objective(&s, o);
    if ((rc = pick_sweep_evaluate(&s, o, "report")) != 0)
        goto out;
    if (json) {
        printf("{\"sweep\": ");
        cli_json_string(stdout, input);
        printf(", \"scenario\": ");
        cli_json_string(stdout, s.file.scenario_path);
        printf(", \"replications\": %u, \"points\": [", (unsigned)s.spec.replications);
        bool sep = false;
        for (size_t p = 0; p < s.nr_points; p++) {
            if (!s.points[p].n) /* a shard's file holds only its own points */
                continue;
            fputs(sep ? ", " : "", stdout);
            pick_print_point_json(stdout, &s, &s.points[p]);
            sep = true;
        }
        printf("], \"front\": [");
        bool first = true;
        for (size_t p = 0; p < s.nr_points; p++)
            if (s.points[p].front) {
                printf("%s%zu", first ? "" : ", ", p);
                first = false;
            }
        printf("], \"recommend\": ");
        pick_print_recommendation(stdout, &s, o, true);
        printf("}\n");
        goto out;
    }
    printf("sweep        %s: %zu points x %u replications of %s\n", input, s.nr_points,
           (unsigned)s.spec.replications, s.file.scenario_path);
    printf("\npoints: means over replications; pass: replications meeting the objectives;\n"
           "* on the Pareto front of cost_total_usd and latency_p99_s (both lower is better)\n");
    pick_print_points_header(stdout);
    for (size_t p = 0; p < s.nr_points; p++)
        if (s.points[p].n)
            pick_print_point_text(stdout, &s, &s.points[p]);
    putchar('\n');
    pick_print_recommendation(stdout, &s, o, false);
out:
    pick_sweep_release(&s);
    return rc;
}

/* The figures a planner reads first, in this order, under their one name (summary.h). */
static const char *const known[] = {
    "cost_total_usd",
    "cost_per_million_requests_usd",
    "cost_usd",
    "instance_hours",
    "mean_in_service",
    "mean_cpu_utilization_pct",
    "activities",
    "instances_launched",
    "instances_terminated",
    "duration_s",
    "events",
};

static bool is_sla(const char *name)
{
    return !strncmp(name, "latency_", 8) || !strncmp(name, "sla_", 4) ||
           strstr(name, "objective") != NULL;
}

static void print_value(FILE *out, const struct h5in_column *c)
{
    if (c->nr != 1) {
        fputs("?", out);
        return;
    }
    if (c->kind == H5IN_STRING)
        fputs(c->str[0], out);
    else
        cli_put_number(out, c->num[0], c->kind == H5IN_INT);
}

static void print_line(const struct h5in_column *c, const char *label)
{
    printf("%-30s ", label);
    print_value(stdout, c);
    const char *u = c->units;
    if (u && strcmp(u, "1"))
        printf(" %s", u);
    putchar('\n');
}

static int find(const struct h5in_column *cols, size_t nr, const char *name)
{
    for (size_t i = 0; i < nr; i++)
        if (!strcmp(cols[i].name, name))
            return (int)i;
    return -1;
}

/* Read PATH/summary (every dataset) into *cols. \return an exit code. */
static int read_summary(struct h5in_file *f, const char *prefix, struct h5in_column **cols,
                        size_t *nr_cols)
{
    struct diag_list d = { 0 };
    char **names;
    size_t nr;
    char *group = xasprintf("%s/summary", prefix);
    int rc = h5in_list_datasets(f, group, &names, &nr, &d);
    *cols = xcalloc(nr ? nr : 1, sizeof(**cols));
    *nr_cols = 0;
    for (size_t i = 0; i < nr && !rc; i++) {
        char *p = xasprintf("%s/%s", group, names[i]);
        rc = h5in_read_column(f, p, &(*cols)[*nr_cols], &d);
        free(p);
        if (!rc)
            (*nr_cols)++;
    }
    if (rc) {
        diag_print(&d, stderr);
        rc = cli_exit_code(rc);
    }
    h5in_names_free(names, nr);
    diag_list_release(&d);
    free(group);
    return rc;
}

static void free_columns(struct h5in_column *cols, size_t nr_cols)
{
    for (size_t i = 0; i < nr_cols; i++)
        h5in_column_release(&cols[i]);
    free(cols);
}

static void print_json_fields(const struct h5in_column *cols, size_t nr_cols)
{
    for (size_t i = 0; i < nr_cols; i++) {
        if (i)
            printf(", ");
        cli_json_string(stdout, cols[i].name); /* the names as they are */
        printf(": ");
        if (cols[i].nr == 1 && cols[i].kind == H5IN_STRING)
            cli_json_string(stdout, cols[i].str[0]);
        else if (cols[i].nr == 1 && isfinite(cols[i].num[0]))
            print_value(stdout, &cols[i]);
        else
            fputs("null", stdout); /* JSON has no NaN */
    }
}

/* The figures a planner reads first, then the SLA ones, then the rest. */
static void print_text(const struct h5in_column *cols, size_t nr_cols, bool stack)
{
    bool *done = xcalloc(nr_cols ? nr_cols : 1, sizeof(*done));
    for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
        int i = find(cols, nr_cols, known[k]);
        if (i >= 0) {
            print_line(&cols[i], known[k]);
            done[i] = true;
        }
    }
    bool sla = false;
    for (size_t i = 0; i < nr_cols; i++)
        if (!done[i] && is_sla(cols[i].name)) {
            print_line(&cols[i], cols[i].name);
            done[i] = sla = true;
        }
    if (!sla && !stack)
        printf("%-30s (this run records no latency or SLA figures)\n", "SLA");
    for (size_t i = 0; i < nr_cols; i++)
        if (!done[i])
            print_line(&cols[i], cols[i].name);
    free(done);
}

int cli_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        PICK_LONG_OPTIONS,
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    bool json = false;
    int opt;
    struct pick_objectives o;
    pick_objectives_init(&o);
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int prc = pick_option(&o, "report", opt, optarg);
        if (prc > 1)
            return prc;
        if (prc)
            continue;
        switch (opt) {
        case 'j':
            json = true;
            break;
        case 'h':
            printf(report_usage, pick_options_help);
            return EXIT_OK;
        default:
            if ((prc = pick_unknown_objective("report", argv[optind - 1])))
                return prc;
            return cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("report", "expected one RUN.h5 or SWEEP.h5 file");
    const char *input = argv[optind];
    struct h5in_file *f;
    int rc = cli_open_trace(input, &f);
    if (rc)
        return rc;
    if (!h5in_is_group(f, "/summary")) {
        bool sweep = h5in_exists(f, "/sweep/results");
        h5in_close(f);
        if (sweep)
            return report_sweep(input, &o, json);
        fprintf(stderr,
                "asgsim: error: %s has neither /summary nor /sweep/results (report needs a run "
                "trace or a sweep output)\n",
                input);
        return EXIT_DATAERR;
    }
    if (pick_objectives_any(&o)) {
        h5in_close(f);
        return cli_usage_error("report", "objectives apply to a sweep output; %s is a run trace",
                               input);
    }
    struct h5in_column *cols;
    size_t nr_cols;
    rc = read_summary(f, "", &cols, &nr_cols);
    /* Several groups (README "Several groups"): the stack's figures, then each group's. */
    char **groups = NULL;
    size_t nr_groups = 0;
    struct h5in_column **gcols = NULL;
    size_t *nr_gcols = NULL;
    if (!rc && h5in_is_group(f, "/groups")) {
        struct diag_list d = { 0 };
        if ((rc = h5in_list_groups(f, "/groups", &groups, &nr_groups, &d))) {
            diag_print(&d, stderr);
            rc = cli_exit_code(rc);
        }
        diag_list_release(&d);
        gcols = xcalloc(nr_groups + 1, sizeof(*gcols));
        nr_gcols = xcalloc(nr_groups + 1, sizeof(*nr_gcols));
        for (size_t g = 0; g < nr_groups && !rc; g++) {
            char *prefix = xasprintf("/groups/%s", groups[g]);
            rc = read_summary(f, prefix, &gcols[g], &nr_gcols[g]);
            free(prefix);
        }
    }
    h5in_close(f);
    if (rc)
        goto out;
    if (json) {
        printf("{\"trace\": ");
        cli_json_string(stdout, input);
        if (nr_cols)
            printf(", ");
        print_json_fields(cols, nr_cols);
        if (nr_groups) {
            printf(", \"groups\": {");
            for (size_t g = 0; g < nr_groups; g++) {
                printf("%s", g ? ", " : "");
                cli_json_string(stdout, groups[g]);
                printf(": {");
                print_json_fields(gcols[g], nr_gcols[g]);
                printf("}");
            }
            printf("}");
        }
        printf("}\n");
        goto out;
    }
    printf("%-30s %s\n", "trace", input);
    if (nr_groups)
        printf("%-30s %zu (the stack's figures; each group's below)\n", "groups", nr_groups);
    print_text(cols, nr_cols, nr_groups > 0);
    for (size_t g = 0; g < nr_groups; g++) {
        printf("\n%-30s %s\n", "group", groups[g]);
        print_text(gcols[g], nr_gcols[g], false);
    }
out:
    free_columns(cols, nr_cols);
    for (size_t g = 0; gcols && g < nr_groups; g++)
        if (gcols[g])
            free_columns(gcols[g], nr_gcols[g]);
    free(gcols);
    free(nr_gcols);
    h5in_names_free(groups, nr_groups);
    return rc;
}

/* The README's table of names, from the one table: `asgsim metrics`. */
int cli_metrics(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs("Usage: asgsim metrics\n"
              "Print the table of summary metrics (include/asgsim/summary.h) as Markdown: the\n"
              "names /summary, run --json, sweep results and stats, export and report use.\n",
              stdout);
        return EXIT_OK;
    }
    if (argc > 1)
        return cli_usage_error("metrics", "takes no arguments");
    printf("| name | kind | HDF5 units | meaning |\n|---|---|---|---|\n");
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        const struct summary_metric *sm = &summary_metrics[m];
        printf("| `%s` | %s | %s | %s%s |\n", sm->name,
               sm->kind == SUMMARY_COUNT ? "count" : "real", sm->units, sm->description,
               sm->flags & SUMMARY_SCALING      ? " (only when the scenario scales)"
               : sm->flags & SUMMARY_PREDICTIVE ? " (only with a predictive scaling policy)"
                                                : "");
    }
    return EXIT_OK;
}
