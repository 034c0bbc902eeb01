/*
 * asgsim report: the few numbers a planner reads first (cost, instance-hours, SLA,
 * activities, instances), from a trace's /summary, as text or as one JSON object.
 */
#include "cli.h"

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
        "Usage: asgsim report RUN.h5 [options]\n"
        "Print a short summary of a trace: cost, instance-hours, SLA figures (when the run\n"
        "has them), scaling activities and instances.\n"
        "\n"
        "      --json               print one JSON object on stdout instead\n"
        "  -h, --help               show this help\n"
        "\n"
        "Exit status: 0 ok, 2 usage, 65 not an asgsim trace, 66 missing input.\n";

/* Human labels for the summary figures we know, in the order they are printed. */
static const char *const known[][2] = {
    { "cost_usd", "cost" },
    { "instance_hours", "instance-hours" },
    { "mean_in_service", "in service (mean)" },
    { "mean_cpu_utilization_pct", "CPU utilisation (mean)" },
    { "activities", "scaling activities" },
    { "instances_launched", "instances launched" },
    { "instances_terminated", "instances terminated" },
    { "duration_s", "simulated time" },
    { "events", "events" },
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
    printf("%-26s ", label);
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
        int i = find(cols, nr_cols, known[k][0]);
        if (i >= 0) {
            print_line(&cols[i], known[k][1]);
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
        printf("%-26s (this run records no latency or SLA figures)\n", "SLA");
    for (size_t i = 0; i < nr_cols; i++)
        if (!done[i])
            print_line(&cols[i], cols[i].name);
    free(done);
}

int cli_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    bool json = false;
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            json = true;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return EXIT_OK;
        default:
            return cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("report", "expected one RUN.h5 file");
    const char *input = argv[optind];
    struct h5in_file *f;
    int rc = cli_open_trace(input, &f);
    if (rc)
        return rc;
    if (!h5in_is_group(f, "/summary")) {
        fprintf(stderr,
                "asgsim: error: %s has no /summary (report needs a run trace; "
                "for a sweep use 'asgsim export' or 'asgsim plot')\n",
                input);
        h5in_close(f);
        return EXIT_DATAERR;
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
    printf("trace                      %s\n", input);
    if (nr_groups)
        printf("%-26s %zu (the stack's figures; each group's below)\n", "groups", nr_groups);
    print_text(cols, nr_cols, nr_groups > 0);
    for (size_t g = 0; g < nr_groups; g++) {
        printf("\ngroup                      %s\n", groups[g]);
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
    (void)argv;
    if (argc > 1)
        return cli_usage_error("metrics", "takes no arguments");
    printf("| name | kind | HDF5 units | meaning |\n|---|---|---|---|\n");
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        const struct summary_metric *sm = &summary_metrics[m];
        printf("| `%s` | %s | %s | %s%s |\n", sm->name,
               sm->kind == SUMMARY_COUNT ? "count" : "real", sm->units, sm->description,
               sm->flags & SUMMARY_SCALING ? " (only when the scenario scales)" : "");
    }
    return EXIT_OK;
}
