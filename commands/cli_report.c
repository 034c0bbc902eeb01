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

static int find(struct h5in_column *cols, size_t nr, const char *name)
{
    for (size_t i = 0; i < nr; i++)
        if (!strcmp(cols[i].name, name))
            return (int)i;
    return -1;
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
    struct diag_list d = { 0 };
    char **names;
    size_t nr;
    rc = h5in_list_datasets(f, "/summary", &names, &nr, &d);
    struct h5in_column *cols = xcalloc(nr ? nr : 1, sizeof(*cols));
    size_t nr_cols = 0;
    for (size_t i = 0; i < nr && !rc; i++) {
        char *p = xasprintf("/summary/%s", names[i]);
        rc = h5in_read_column(f, p, &cols[nr_cols], &d);
        free(p);
        if (!rc)
            nr_cols++;
    }
    h5in_close(f);
    if (rc) {
        diag_print(&d, stderr);
        rc = cli_exit_code(rc);
        goto out;
    }
    if (json) {
        printf("{\"trace\": ");
        cli_json_string(stdout, input);
        for (size_t i = 0; i < nr_cols; i++) {
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
        printf("}\n");
        goto out;
    }
    printf("trace                      %s\n", input);
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
    if (!sla)
        printf("%-26s (this run records no latency or SLA figures)\n", "SLA");
    for (size_t i = 0; i < nr_cols; i++)
        if (!done[i])
            print_line(&cols[i], cols[i].name);
    free(done);
out:
    for (size_t i = 0; i < nr_cols; i++)
        h5in_column_release(&cols[i]);
    free(cols);
    h5in_names_free(names, nr);
    diag_list_release(&d);
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
               sm->flags & SUMMARY_SCALING      ? " (only when the scenario scales)"
               : sm->flags & SUMMARY_PREDICTIVE ? " (only with a predictive scaling policy)"
                                                : "");
    }
    return EXIT_OK;
}
