/*
 * asgsim compare: two or more run traces side by side - every summary metric with its
 * difference from the first file - and one figure overlaying their capacity, cost and
 * latency over time (plots/compare.gp, drawn by gnuplot as `plot` draws its figures).
 */
#include "cli.h"

#include "asgsim/h5in.h"
#include "asgsim/summary.h"
#include "asgsim/util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

static const char compare_usage[] =
        "Usage: asgsim compare A.h5 B.h5 [MORE.h5...] [options]\n"
        "Print the summaries of two or more run traces side by side, each metric with its\n"
        "difference from the first file (absolute and relative), and draw one figure that\n"
        "overlays their InService capacity, cost so far and p99 latency over time.\n"
        "\n"
        "  -o, --output DIR         directory for the figure, its data and script (default:\n"
        "                           A-compare)\n"
        "      --format FMT         png (default) or svg\n"
        "      --no-plot            print the table only\n"
        "      --json               print one JSON object on stdout instead of the table\n"
        "  -q, --quiet              print errors only (and the table or JSON)\n"
        "  -h, --help               show this help\n"
        "\n"
        "Exit status: 0 ok, 2 usage, 65 not a run trace, 66 missing input, 69 gnuplot cannot\n"
        "be run, 70 gnuplot failed, 74 output error.\n";

/* One file's summary, by metric of the table (NAN where the file lacks it). */
struct compared {
    const char *path;
    double v[SUMMARY_NR];
    bool has[SUMMARY_NR];
};

static int read_summary(const char *input, struct compared *c)
{
    struct h5in_file *f;
    int rc = cli_open_trace(input, &f);
    if (rc)
        return rc;
    if (!h5in_is_group(f, "/summary")) {
        fprintf(stderr, "asgsim: compare: error: %s is not a run trace (no /summary)%s\n", input,
                h5in_exists(f, "/sweep/results")
                        ? "; it is a sweep output: use 'asgsim report' or 'asgsim recommend'"
                        : "");
        h5in_close(f);
        return EXIT_DATAERR;
    }
    c->path = input;
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        char *p = xasprintf("/summary/%s", summary_metrics[m].name);
        struct diag_list d = { 0 };
        struct h5in_column col = { 0 };
        c->v[m] = (double)NAN;
        c->has[m] = false;
        if (h5in_exists(f, p) && h5in_read_column(f, p, &col, &d) == 0 && col.nr == 1 &&
            col.kind != H5IN_STRING) {
            c->v[m] = col.num[0];
            c->has[m] = true;
        }
        h5in_column_release(&col);
        diag_list_release(&d);
        free(p);
    }
    h5in_close(f);
    return EXIT_OK;
}

static void put_num(FILE *out, double v, bool whole, int width)
{
    if (isnan(v))
        fprintf(out, " %*s", width, "-");
    else if (whole)
        fprintf(out, " %*.0f", width, v);
    else
        fprintf(out, " %*.6f", width, v);
}

static void print_table(const struct compared *cs, size_t n)
{
    printf("%-34s", "metric");
    for (size_t i = 0; i < n; i++) {
        const char *b = strrchr(cs[i].path, '/');
        printf(" %16.16s", b ? b + 1 : cs[i].path);
    }
    for (size_t i = 1; i < n; i++)
        printf(" %14s%zu %9s", "diff", i, "rel");
    putchar('\n');
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        bool any = false;
        for (size_t i = 0; i < n; i++)
            any = any || cs[i].has[m];
        if (!any)
            continue;
        bool whole = summary_metrics[m].kind == SUMMARY_COUNT;
        printf("%-34s", summary_metrics[m].name);
        for (size_t i = 0; i < n; i++)
            put_num(stdout, cs[i].v[m], whole, 16);
        for (size_t i = 1; i < n; i++) {
            double d = cs[i].v[m] - cs[0].v[m];
            put_num(stdout, d, whole, 15);
            if (isnan(d) || cs[0].v[m] == 0)
                printf(" %9s", d == 0 ? "0%" : "-");
            else
                printf(" %+8.1f%%", 100.0 * d / fabs(cs[0].v[m]));
        }
        printf(" %s\n", strcmp(summary_metrics[m].units, "1") ? summary_metrics[m].units : "");
    }
}

static void json_value(double v)
{
    if (isfinite(v))
        printf("%.9g", v);
    else
        fputs("null", stdout);
}

static void print_json(const struct compared *cs, size_t n)
{
    printf("{\"files\": [");
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", stdout);
        cli_json_string(stdout, cs[i].path);
    }
    printf("], \"metrics\": {");
    bool first = true;
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        bool any = false;
        for (size_t i = 0; i < n; i++)
            any = any || cs[i].has[m];
        if (!any)
            continue;
        printf("%s\"%s\": {\"values\": [", first ? "" : ", ", summary_metrics[m].name);
        first = false;
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", stdout);
            json_value(cs[i].v[m]);
        }
        /* differences from the first file, one per other file */
        printf("], \"diff\": [");
        for (size_t i = 1; i < n; i++) {
            fputs(i > 1 ? ", " : "", stdout);
            json_value(cs[i].v[m] - cs[0].v[m]);
        }
        printf("]}");
    }
    printf("}}\n");
}

/* Export every file's tables under DIR/runI and list them (dir, label) for compare.gp. */
static int draw(const struct compared *cs, size_t n, const char *dir, const char *fmt, bool quiet)
{
    char *scripts = cli_plot_scripts_dir();
    if (!scripts) {
        fprintf(stderr, "asgsim: error: cannot find the gnuplot scripts (plots/*.gp); set "
                        "ASGSIM_PLOTS to their directory\n");
        return EXIT_SOFTWARE;
    }
    int rc = cli_mkdirs(dir) ? EXIT_IOERR : EXIT_OK;
    char *list = xasprintf("%s/compare_runs.tsv", dir);
    FILE *fp = rc ? NULL : fopen(list, "w");
    if (!rc && !fp) {
        fprintf(stderr, "asgsim: error: cannot create '%s'\n", list);
        rc = EXIT_IOERR;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        char *sub = xasprintf("%s/run%zu", dir, i + 1);
        struct cli_export_info info;
        rc = cli_export_dir(cs[i].path, sub, false, &info);
        if (!rc && !info.has_run) {
            fprintf(stderr, "asgsim: error: %s has no time series to draw\n", cs[i].path);
            rc = EXIT_DATAERR;
        }
        /* The label is the file name, without spaces (gnuplot splits words on them). */
        const char *b = strrchr(cs[i].path, '/');
        char *label = xstrdup(b ? b + 1 : cs[i].path);
        for (char *p = label; *p; p++)
            if (*p == ' ' || *p == '\t' || *p == '\'' || *p == '"')
                *p = '_';
        if (!rc)
            fprintf(fp, "run%zu\t%s\n", i + 1, label);
        free(label);
        free(sub);
    }
    if (fp && fclose(fp) != 0 && !rc) {
        fprintf(stderr, "asgsim: error: cannot write '%s'\n", list);
        rc = EXIT_IOERR;
    }
    if (!rc)
        rc = cli_plot_copy_script(scripts, dir, "compare");
    if (!rc)
        rc = cli_plot_gnuplot(dir, "compare", fmt);
    if (!rc && !quiet)
        fprintf(stderr, "asgsim: wrote %s/compare.%s (re-draw with: cd %s && gnuplot compare.gp)\n",
                dir, fmt, dir);
    free(list);
    free(scripts);
    return rc;
}

int cli_compare(int argc, char **argv)
{
    enum { OPT_FORMAT = 256, OPT_NO_PLOT, OPT_JSON };
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "no-plot", no_argument, NULL, OPT_NO_PLOT },
        { "json", no_argument, NULL, OPT_JSON },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *dir = NULL, *fmt = "png";
    bool plot = true, json = false, quiet = false;
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            dir = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "png") && strcmp(optarg, "svg"))
                return cli_usage_error("compare", "--format must be png or svg, got '%s'", optarg);
            fmt = optarg;
            break;
        case OPT_NO_PLOT:
            plot = false;
            break;
        case OPT_JSON:
            json = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            fputs(compare_usage, stdout);
            return EXIT_OK;
        default:
            return cli_usage_error("compare", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    size_t n = argc > optind ? (size_t)(argc - optind) : 0;
    if (n < 2)
        return cli_usage_error("compare", "expected two or more run traces, got %zu", n);
    struct compared *cs = xcalloc(n, sizeof(*cs));
    int rc = EXIT_OK;
    for (size_t i = 0; i < n && !rc; i++)
        rc = read_summary(argv[optind + (int)i], &cs[i]);
    if (!rc) {
        if (json)
            print_json(cs, n);
        else
            print_table(cs, n);
        fflush(stdout);
    }
    char *def = NULL;
    if (!rc && plot) {
        if (!dir)
            dir = def = cli_default_dir(cs[0].path, "compare");
        rc = draw(cs, n, dir, fmt, quiet);
    }
    free(def);
    free(cs);
    return rc;
}
