/*
 * asgsim plot: export a trace or sweep, copy the gnuplot script of each figure next to it
 * and run gnuplot there, so the directory can be re-plotted by hand (`cd DIR && gnuplot
 * capacity.gp`) without asgsim.
 */
#include "cli.h"

#include "asgsim/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asgsim/banned.h"

static const char plot_usage[] =
        "Usage: asgsim plot RUN.h5|SWEEP.h5 [options]\n"
        "Draw the standard figures of a trace or sweep with gnuplot. The exported tables and\n"
        "a copy of each figure's gnuplot script are written next to the figures.\n"
        "\n"
        "  -o, --output DIR         directory for data, scripts and figures (default: RUN-plots)\n"
        "      --format FMT         png (default, 1200x600) or svg\n"
        "      --kind K             draw only figure K (repeatable): capacity, states, cost,\n"
        "                           latency, activities (runs); heatmap, pareto (sweeps)\n"
        "  -q, --quiet              print errors only\n"
        "  -h, --help               show this help\n"
        "\n"
        "Environment: GNUPLOT (the gnuplot program, default 'gnuplot'), ASGSIM_PLOTS (the\n"
        "directory of the *.gp scripts, default: plots/ of the source tree).\n"
        "Exit status: 0 ok, 2 usage, 65 not an asgsim file, 66 missing input, 69 gnuplot\n"
        "cannot be run, 70 gnuplot failed, 74 output error.\n";

static const char *const run_kinds[] = { "capacity", "states", "cost", "latency", "activities" };
static const char *const sweep_kinds[] = { "heatmap", "pareto" };

static bool known_kind(const char *k)
{
    for (size_t i = 0; i < sizeof(run_kinds) / sizeof(run_kinds[0]); i++)
        if (!strcmp(k, run_kinds[i]))
            return true;
    for (size_t i = 0; i < sizeof(sweep_kinds) / sizeof(sweep_kinds[0]); i++)
        if (!strcmp(k, sweep_kinds[i]))
            return true;
    return false;
}

static char *dir_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? xstrndup(path, (size_t)(s - path)) : xstrdup(".");
}

static bool has_script(const char *dir)
{
    char *p = xasprintf("%s/capacity.gp", dir);
    bool ok = access(p, R_OK) == 0;
    free(p);
    return ok;
}

/* Where the *.gp scripts are: $ASGSIM_PLOTS, then plots/ beside or above the executable's
 * directory, then the source tree this file was compiled from. Caller frees. */
static char *scripts_dir(void)
{
    const char *env = getenv("ASGSIM_PLOTS");
    if (env && *env)
        return xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *bin = dir_of(exe);
        static const char *const rel[] = { "../plots", "../share/asgsim/plots", "plots" };
        for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
            char *p = xasprintf("%s/%s", bin, rel[i]);
            if (has_script(p)) {
                free(bin);
                return p;
            }
            free(p);
        }
        free(bin);
    }
    char *sim = dir_of(__FILE__);
    char *src = dir_of(sim);
    char *p = xasprintf("%s/plots", src);
    free(sim);
    free(src);
    if (has_script(p))
        return p;
    free(p);
    return NULL;
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in) {
        fprintf(stderr, "asgsim: error: cannot read '%s': %s\n", from, strerror(errno));
        return EXIT_NOINPUT;
    }
    FILE *out = fopen(to, "wb");
    if (!out) {
        fprintf(stderr, "asgsim: error: cannot create '%s': %s\n", to, strerror(errno));
        fclose(in);
        return EXIT_IOERR;
    }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, n, out);
    int rc = EXIT_OK;
    if (ferror(in) | ferror(out) | (fclose(out) != 0)) {
        fprintf(stderr, "asgsim: error: cannot write '%s'\n", to);
        rc = EXIT_IOERR;
    }
    fclose(in);
    return rc;
}

enum { EXIT_UNAVAILABLE = 69 }; /* sysexits EX_UNAVAILABLE: a needed program is missing */

/*
 * Run `gnuplot -e "in='.'; out='K.FMT'; fmt='FMT'" K.gp` in `dir`. A pipe that closes on
 * exec tells the parent whether exec itself failed (and why), so a missing gnuplot is
 * reported as such and not as a gnuplot error.
 */
static int run_gnuplot(const char *gnuplot, const char *dir, const char *kind, const char *fmt)
{
    char *vars = xasprintf("in='.'; out='%s.%s'; fmt='%s'", kind, fmt, fmt);
    char *script = xasprintf("%s.gp", kind);
    char *prog = xstrdup(gnuplot);
    char opt_e[] = "-e";
    char *const args[] = { prog, opt_e, vars, script, NULL };
    int pfd[2];
    if (pipe(pfd) != 0 || fcntl(pfd[1], F_SETFD, FD_CLOEXEC) != 0) {
        fprintf(stderr, "asgsim: error: pipe: %s\n", strerror(errno));
        free(prog);
        free(vars);
        free(script);
        return EXIT_SOFTWARE;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        int err = 0;
        if (chdir(dir) != 0)
            err = errno;
        else {
            execvp(gnuplot, args);
            err = errno;
        }
        ssize_t w = write(pfd[1], &err, sizeof(err));
        (void)w;
        _exit(127);
    }
    close(pfd[1]);
    int rc = EXIT_OK;
    if (pid < 0) {
        fprintf(stderr, "asgsim: error: fork: %s\n", strerror(errno));
        close(pfd[0]);
        rc = EXIT_SOFTWARE;
        goto out;
    }
    int err = 0;
    ssize_t got = read(pfd[0], &err, sizeof(err));
    close(pfd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof(err)) {
        fprintf(stderr,
                "asgsim: error: cannot run gnuplot '%s': %s (install gnuplot-nox or set "
                "GNUPLOT=/path/to/gnuplot); the data and scripts are in %s/\n",
                gnuplot, strerror(err), dir);
        rc = EXIT_UNAVAILABLE;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFEXITED(status))
            fprintf(stderr, "asgsim: error: gnuplot failed on %s/%s (exit status %d)\n", dir,
                    script, WEXITSTATUS(status));
        else
            fprintf(stderr, "asgsim: error: gnuplot was killed by signal %d on %s/%s\n",
                    WTERMSIG(status), dir, script);
        rc = EXIT_SOFTWARE;
    }
out:
    free(prog);
    free(vars);
    free(script);
    return rc;
}

/* Why figure `k` cannot be drawn from what was exported; NULL when it can. */
static const char *skip_reason(const char *k, const struct cli_export_info *info)
{
    bool is_run_kind = strcmp(k, "heatmap") && strcmp(k, "pareto");
    if (is_run_kind && !info->has_run)
        return "the file has no time series";
    if (!strcmp(k, "latency") && !info->has_latency)
        return "the run records no latency (no workload: no request was offered)";
    if (!strcmp(k, "heatmap") && !info->has_heatmap)
        return "it needs a sweep over two axes or more";
    if (!strcmp(k, "pareto") && !info->has_pareto)
        return "it needs a sweep whose results carry an SLA figure";
    return NULL;
}

/* Draw figures `kinds` from the tables in `dir` (one run, or one group of a stack). */
static int draw_in(const char *gnuplot, const char *scripts, const char *dir,
                   const char *const *kinds, size_t nr_kinds, const char *fmt,
                   const struct cli_export_info *info, bool quiet, size_t *drawn)
{
    int rc;
    {
        /* The run figures load the shared time axis and title script from beside them. */
        char *from = xasprintf("%s/timeaxis.gp", scripts);
        char *to = xasprintf("%s/timeaxis.gp", dir);
        rc = copy_file(from, to);
        free(from);
        free(to);
    }
    for (size_t i = 0; i < nr_kinds && rc == EXIT_OK; i++) {
        const char *k = kinds[i];
        const char *why = skip_reason(k, info);
        if (why) {
            if (!quiet)
                fprintf(stderr, "asgsim: note: skipping the %s figure: %s\n", k, why);
            continue;
        }
        char *from = xasprintf("%s/%s.gp", scripts, k);
        char *to = xasprintf("%s/%s.gp", dir, k);
        rc = copy_file(from, to);
        free(from);
        free(to);
        if (!rc)
            rc = run_gnuplot(gnuplot, dir, k, fmt);
        if (!rc) {
            (*drawn)++;
            if (!quiet)
                fprintf(stderr, "asgsim: wrote %s/%s.%s\n", dir, k, fmt);
        }
    }
    /* When gnuplot is missing, still leave every script beside the data for later. */
    if (rc == EXIT_UNAVAILABLE)
        for (size_t i = 0; i < nr_kinds; i++) {
            if (skip_reason(kinds[i], info))
                continue;
            char *from = xasprintf("%s/%s.gp", scripts, kinds[i]);
            char *to = xasprintf("%s/%s.gp", dir, kinds[i]);
            copy_file(from, to);
            free(from);
            free(to);
        }
    return rc;
}

enum { OPT_FORMAT = 256, OPT_KIND };

int cli_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "kind", required_argument, NULL, OPT_KIND },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *dir = NULL, *fmt = "png";
    const char **kinds = NULL;
    size_t nr_kinds = 0, alloc_kinds = 0;
    bool quiet = false;
    int opt, rc = EXIT_OK;
    char *def = NULL, *scripts = NULL;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            dir = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "png") && strcmp(optarg, "svg")) {
                rc = cli_usage_error("plot", "--format must be png or svg, got '%s'", optarg);
                goto out;
            }
            fmt = optarg;
            break;
        case OPT_KIND:
            if (!known_kind(optarg)) {
                rc = cli_usage_error("plot", "unknown figure kind '%s'", optarg);
                goto out;
            }
            ALLOC_GROW(kinds, nr_kinds + 1, alloc_kinds);
            kinds[nr_kinds++] = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            fputs(plot_usage, stdout);
            goto out;
        default:
            rc = cli_usage_error("plot", "unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind != argc - 1) {
        rc = cli_usage_error("plot", "expected one RUN.h5 or SWEEP.h5 file");
        goto out;
    }
    const char *input = argv[optind];
    if (!dir)
        dir = def = cli_default_dir(input, "plots");
    scripts = scripts_dir();
    if (!scripts) {
        fprintf(stderr, "asgsim: error: cannot find the gnuplot scripts (plots/*.gp); set "
                        "ASGSIM_PLOTS to their directory\n");
        rc = EXIT_SOFTWARE;
        goto out;
    }
    struct cli_export_info info;
    if ((rc = cli_export_dir(input, dir, false, &info))) {
        cli_export_info_release(&info);
        goto out;
    }
    if (!nr_kinds) {
        if (info.has_run || info.nr_groups)
            for (size_t i = 0; i < sizeof(run_kinds) / sizeof(run_kinds[0]); i++) {
                ALLOC_GROW(kinds, nr_kinds + 1, alloc_kinds);
                kinds[nr_kinds++] = run_kinds[i];
            }
        if (info.is_sweep)
            for (size_t i = 0; i < sizeof(sweep_kinds) / sizeof(sweep_kinds[0]); i++) {
                ALLOC_GROW(kinds, nr_kinds + 1, alloc_kinds);
                kinds[nr_kinds++] = sweep_kinds[i];
            }
    }
    const char *gnuplot = getenv("GNUPLOT");
    if (!gnuplot || !*gnuplot)
        gnuplot = "gnuplot";
    size_t drawn = 0;
    if (!info.nr_groups) {
        rc = draw_in(gnuplot, scripts, dir, kinds, nr_kinds, fmt, &info, quiet, &drawn);
    } else {
        /* Several groups: the run's figures of each group in DIR/groups/LOGICAL_ID/. */
        struct cli_export_info gi = info;
        gi.is_sweep = false;
        for (size_t g = 0; g < info.nr_groups && !rc; g++) {
            char *sub = xasprintf("%s/groups/%s", dir, info.groups[g]);
            gi.has_run = true;
            gi.has_latency = info.group_latency[g];
            rc = draw_in(gnuplot, scripts, sub, kinds, nr_kinds, fmt, &gi, quiet, &drawn);
            free(sub);
        }
    }
    cli_export_info_release(&info);
    if (!rc && !quiet)
        fprintf(stderr,
                "asgsim: %zu figure%s in %s/ (re-draw one with: cd %s && gnuplot KIND.gp)\n", drawn,
                drawn == 1 ? "" : "s", dir, dir);
out:
    free(kinds);
    free(def);
    free(scripts);
    return rc;
}

/* For other commands that draw a figure (compare): the same script lookup and runner. */
char *cli_plot_scripts_dir(void)
{
    return scripts_dir();
}

int cli_plot_gnuplot(const char *dir, const char *kind, const char *fmt)
{
    const char *gnuplot = getenv("GNUPLOT");
    return run_gnuplot(gnuplot && *gnuplot ? gnuplot : "gnuplot", dir, kind, fmt);
}

int cli_plot_copy_script(const char *scripts, const char *dir, const char *kind)
{
    char *from = xasprintf("%s/%s.gp", scripts, kind);
    char *to = xasprintf("%s/%s.gp", dir, kind);
    int rc = copy_file(from, to);
    free(from);
    free(to);
    return rc;
}
