/*
 * Choosing a point of a finished sweep (sweep_pick.h): objectives, per-point figures over
 * replications, the cheapest point that meets them, and its `asgsim run` line.
 */
#include "sweep_pick.h"

#include "cli.h"

#include "asgsim/bind.h"
#include "asgsim/diag.h"
#include "asgsim/util.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char pick_options_help[] =
        "      --max-p99 DURATION   objective on each run's p99 latency, e.g. 200ms\n"
        "      --max-drop-rate F    objective on dropped / arrived requests, e.g. 0.001 or 0.1%\n"
        "      --max-time-over-objective DURATION  objective on the time whose p99 exceeded\n"
        "                           the scenario's LatencyObjective, e.g. 10m\n"
        "      --min-pass F         share of a point's replications that must meet every\n"
        "                           objective (default 1: all of them); the means must too\n"
        "      --runners-up N       how many next-cheapest points to list (default 3)\n";

void pick_objectives_init(struct pick_objectives *o)
{
    o->max_p99_s = o->max_drop_rate = o->max_time_over_s = (double)NAN;
    o->min_pass = 1.0;
    o->nr_runners_up = 3;
}

bool pick_objectives_any(const struct pick_objectives *o)
{
    return !isnan(o->max_p99_s) || !isnan(o->max_drop_rate) || !isnan(o->max_time_over_s);
}

static int bad_value(const char *cmd, const char *opt, const char *arg, const char *want)
{
    fprintf(stderr, "asgsim: %s: error: %s: '%s' is not %s\n", cmd, opt, arg, want);
    return EXIT_DATAERR;
}

/* A fraction 0..1, or a percentage with '%'. */
static bool parse_fraction(const char *arg, double *out)
{
    size_t len = strlen(arg);
    double v;
    if (len > 1 && arg[len - 1] == '%') {
        char *num = xstrndup(arg, len - 1);
        bool ok = bind_parse_double(num, &v);
        free(num);
        if (!ok)
            return false;
        v /= 100.0;
    } else if (!bind_parse_double(arg, &v)) {
        return false;
    }
    if (!(v >= 0 && v <= 1))
        return false;
    *out = v;
    return true;
}

int pick_option(struct pick_objectives *o, const char *cmd, int opt, const char *arg)
{
    sim_time t;
    double v;
    int64_t n;
    switch (opt) {
    case PICK_OPT_MAX_P99:
    case PICK_OPT_MAX_OVER:
        if (!bind_parse_duration(arg, &t) || t < 0)
            return bad_value(cmd,
                             opt == PICK_OPT_MAX_P99 ? "--max-p99" : "--max-time-over-objective",
                             arg, "a duration (a number of seconds, or with a unit: 200ms, 10m)");
        *(opt == PICK_OPT_MAX_P99 ? &o->max_p99_s : &o->max_time_over_s) = sim_time_to_seconds(t);
        return 1;
    case PICK_OPT_MAX_DROP:
        if (!parse_fraction(arg, &v))
            return bad_value(cmd, "--max-drop-rate", arg, "a fraction from 0 to 1 (or 0% to 100%)");
        o->max_drop_rate = v;
        return 1;
    case PICK_OPT_MIN_PASS:
        if (!parse_fraction(arg, &v))
            return bad_value(cmd, "--min-pass", arg, "a fraction from 0 to 1 (or 0% to 100%)");
        o->min_pass = v;
        return 1;
    case PICK_OPT_RUNNERS_UP:
        if (!bind_parse_int(arg, &n) || n < 0 || n > 1000)
            return bad_value(cmd, "--runners-up", arg, "a count from 0 to 1000");
        o->nr_runners_up = (unsigned)n;
        return 1;
    default:
        return 0;
    }
}

int pick_unknown_objective(const char *cmd, const char *arg)
{
    static const char *const names[] = { "--max-p99", "--max-drop-rate",
                                         "--max-time-over-objective", "--min-pass" };
    if (strncmp(arg, "--max-", 6) && strncmp(arg, "--min-", 6))
        return 0;
    char *name = xstrdup(arg);
    char *eq = strchr(name, '=');
    if (eq)
        *eq = '\0';
    const char *hint = diag_closest(name, names, ARRAY_SIZE(names));
    fprintf(stderr,
            "asgsim: %s: error: unknown objective '%s'%s%s%s; objectives are --max-p99, "
            "--max-drop-rate and --max-time-over-objective\n",
            cmd, name, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    free(name);
    return EXIT_DATAERR;
}

int pick_sweep_open(struct pick_sweep *s, const char *input)
{
    struct diag_list d = { 0 };
    memset(s, 0, sizeof(*s));
    s->input = input;
    int st = sweep_file_read(&s->file, input, &d);
    if (st == 0)
        st = sweep_spec_parse(&s->spec, s->file.sweep_path, s->file.sweep_text, s->file.sweep_len,
                              &d);
    diag_print(&d, stderr);
    diag_list_release(&d);
    if (st < 0)
        return cli_exit_code(st);
    s->nr_points = s->spec.nr_points;
    s->points = xcalloc(s->nr_points ? s->nr_points : 1, sizeof(*s->points));
    for (size_t p = 0; p < s->nr_points; p++)
        s->points[p].point = p;
    return 0;
}

static double drop_rate(const struct run_summary *r)
{
    return r->requests_arrived > 0 ? r->requests_dropped / r->requests_arrived : 0.0;
}

/* NaN meets nothing: a run that served no request has no p99 to compare. */
static bool meets(double v, double max)
{
    return isnan(max) || (!isnan(v) && v <= max);
}

static bool all_met(const struct pick_objectives *o, double p99, double drop, double over)
{
    return meets(p99, o->max_p99_s) && meets(drop, o->max_drop_rate) &&
           meets(over, o->max_time_over_s);
}

/* 95 % Wilson score interval for k successes in n trials (Wilson 1927): it stays in
   [0, 1] and is not degenerate at k = 0 or k = n, unlike the normal approximation. */
static void wilson(size_t k, size_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = *hi = (double)NAN;
        return;
    }
    const double z = 1.959963984540054;
    double nn = (double)n, p = (double)k / nn, z2 = z * z;
    double den = 1 + z2 / nn;
    double mid = (p + z2 / (2 * nn)) / den;
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den;
    *lo = fmax(0.0, mid - half);
    *hi = fmin(1.0, mid + half);
}

int pick_sweep_evaluate(struct pick_sweep *s, const struct pick_objectives *o, const char *cmd)
{
    size_t np = s->nr_points;
    double *sum = xcalloc(np ? 4 * np : 1, sizeof(*sum));
    s->has_latency = false;
    for (size_t p = 0; p < np; p++) {
        s->points[p].n = s->points[p].nr_pass = 0;
    }
    for (size_t i = 0; i < s->file.nr_results; i++) {
        const struct sweep_result *r = &s->file.results[i];
        if (r->point >= np)
            continue;
        struct pick_point *pt = &s->points[r->point];
        const struct run_summary *m = &r->summary;
        double drop = drop_rate(m);
        if (!isnan(m->latency_p99_s))
            s->has_latency = true;
        pt->n++;
        sum[4 * r->point] += m->cost_total_usd;
        sum[4 * r->point + 1] += m->latency_p99_s;
        sum[4 * r->point + 2] += drop;
        sum[4 * r->point + 3] += m->time_over_objective_s;
        if (all_met(o, m->latency_p99_s, drop, m->time_over_objective_s))
            pt->nr_pass++;
    }
    if (!s->has_latency && (!isnan(o->max_p99_s) || !isnan(o->max_time_over_s))) {
        fprintf(stderr,
                "asgsim: %s: error: %s: no run served a request (the scenario has no Workload), "
                "so latency objectives cannot be checked\n",
                cmd, s->input);
        free(sum);
        return EXIT_DATAERR;
    }
    for (size_t p = 0; p < np; p++) {
        struct pick_point *pt = &s->points[p];
        double n = (double)pt->n;
        pt->cost_mean = pt->n ? sum[4 * p] / n : (double)NAN;
        pt->p99_mean = pt->n ? sum[4 * p + 1] / n : (double)NAN;
        pt->drop_rate_mean = pt->n ? sum[4 * p + 2] / n : (double)NAN;
        pt->time_over_mean = pt->n ? sum[4 * p + 3] / n : (double)NAN;
        wilson(pt->nr_pass, pt->n, &pt->pass_low, &pt->pass_high);
        pt->mean_ok = pt->n && all_met(o, pt->p99_mean, pt->drop_rate_mean, pt->time_over_mean);
        /* A tiny slack so that 0.9 of 10 passes --min-pass 0.9 despite rounding. */
        pt->ok = pt->mean_ok && (double)pt->nr_pass >= o->min_pass * n - 1e-9;
    }
    /* Pareto front on mean cost and mean p99, both minimised. */
    for (size_t i = 0; i < np; i++) {
        struct pick_point *a = &s->points[i];
        a->front = a->n && !isnan(a->cost_mean) && !isnan(a->p99_mean);
        for (size_t k = 0; k < np && a->front; k++) {
            const struct pick_point *b = &s->points[k];
            if (k != i && b->n && !isnan(b->p99_mean) && b->cost_mean <= a->cost_mean &&
                b->p99_mean <= a->p99_mean &&
                (b->cost_mean < a->cost_mean || b->p99_mean < a->p99_mean))
                a->front = false;
        }
    }
    free(sum);
    return 0;
}

static const struct pick_sweep *rank_ctx;

static int cmp_cost(const void *x, const void *y)
{
    const struct pick_point *a = &rank_ctx->points[*(const size_t *)x];
    const struct pick_point *b = &rank_ctx->points[*(const size_t *)y];
    if (a->cost_mean != b->cost_mean)
        return a->cost_mean < b->cost_mean ? -1 : 1;
    return a->point < b->point ? -1 : a->point > b->point;
}

size_t *pick_sweep_ranked(const struct pick_sweep *s, size_t *nr)
{
    size_t *idx = xcalloc(s->nr_points ? s->nr_points : 1, sizeof(*idx));
    size_t n = 0;
    for (size_t p = 0; p < s->nr_points; p++)
        if (s->points[p].ok)
            idx[n++] = p;
    rank_ctx = s;
    qsort(idx, n, sizeof(*idx), cmp_cost);
    rank_ctx = NULL;
    *nr = n;
    return idx;
}

char *pick_point_label(const struct pick_sweep *s, uint64_t point)
{
    char *out = xstrdup("");
    for (size_t a = 0; a < s->spec.nr_axes; a++) {
        char *next = xasprintf("%s%s%s=%s", out, a ? ", " : "", s->spec.axes[a].name,
                               sweep_value(&s->spec, point, a));
        free(out);
        out = next;
    }
    return out;
}

/* argv of `asgsim run` that re-runs replication 0 of `point` (strings owned by *owned). */
static char *run_command(const struct pick_sweep *s, uint64_t point)
{
    size_t alloc = 6 + 2 * s->spec.nr_axes;
    char **argv = xcalloc(alloc, sizeof(*argv));
    size_t n = 0;
    argv[n++] = xstrdup("asgsim");
    argv[n++] = xstrdup("run");
    argv[n++] = xstrdup(s->file.scenario_path);
    argv[n++] = xstrdup("--seed");
    argv[n++] = xasprintf("%" PRIu64, s->file.base_seed);
    for (size_t a = 0; a < s->spec.nr_axes; a++) {
        const struct sweep_axis *ax = &s->spec.axes[a];
        argv[n++] = xstrdup(ax->target == SWEEP_PARAMETER ? "--parameter" : "--set");
        argv[n++] = xasprintf("%s=%s", ax->key, sweep_value(&s->spec, point, a));
    }
    char *line = cli_command_line((int)n, argv);
    for (size_t i = 0; i < n; i++)
        free(argv[i]);
    free(argv);
    return line;
}

/* The same command as run_command(), one --set or --parameter per line, shell-quoted. */
static void print_run_lines(FILE *out, const struct pick_sweep *s, uint64_t point)
{
    char *head_argv[] = { xstrdup("asgsim"), xstrdup("run"), xstrdup(s->file.scenario_path),
                          xstrdup("--seed"), xasprintf("%" PRIu64, s->file.base_seed) };
    char *head = cli_command_line(5, head_argv);
    fprintf(out, "  %s", head);
    free(head);
    for (size_t i = 0; i < ARRAY_SIZE(head_argv); i++)
        free(head_argv[i]);
    for (size_t a = 0; a < s->spec.nr_axes; a++) {
        const struct sweep_axis *ax = &s->spec.axes[a];
        char *kv = xasprintf("%s=%s", ax->key, sweep_value(&s->spec, point, a));
        char *pair[] = { xstrdup(ax->target == SWEEP_PARAMETER ? "--parameter" : "--set"), kv };
        char *line = cli_command_line(2, pair);
        fprintf(out, " \\\n      %s", line);
        free(line);
        free(pair[0]);
        free(kv);
    }
    fputc('\n', out);
}

static void json_num(FILE *out, const char *key, double v)
{
    fprintf(out, "\"%s\": ", key);
    if (isfinite(v))
        fprintf(out, "%.6g", v);
    else
        fputs("null", out);
}

void pick_print_point_json(FILE *out, const struct pick_sweep *s, const struct pick_point *pt)
{
    fprintf(out, "{\"point\": %" PRIu64 ", \"axes\": {", pt->point);
    for (size_t a = 0; a < s->spec.nr_axes; a++) {
        fputs(a ? ", " : "", out);
        cli_json_string(out, s->spec.axes[a].name);
        fputs(": ", out);
        cli_json_string(out, sweep_value(&s->spec, pt->point, a));
    }
    fprintf(out, "}, \"n\": %zu, ", pt->n);
    json_num(out, "cost_total_usd_mean", pt->cost_mean);
    fputs(", ", out);
    json_num(out, "latency_p99_s_mean", pt->p99_mean);
    fputs(", ", out);
    json_num(out, "drop_rate_mean", pt->drop_rate_mean);
    fputs(", ", out);
    json_num(out, "time_over_objective_s_mean", pt->time_over_mean);
    fprintf(out, ", \"replications_passing\": %zu, ", pt->nr_pass);
    json_num(out, "pass_share", pt->n ? (double)pt->nr_pass / (double)pt->n : (double)NAN);
    fputs(", ", out);
    json_num(out, "pass_share_ci_low", pt->pass_low);
    fputs(", ", out);
    json_num(out, "pass_share_ci_high", pt->pass_high);
    fputs(", \"set\": [", out);
    bool first = true;
    for (size_t a = 0; a < s->spec.nr_axes; a++) {
        const struct sweep_axis *ax = &s->spec.axes[a];
        char *kv = xasprintf("%s%s=%s", ax->target == SWEEP_PARAMETER ? "--parameter " : "--set ",
                             ax->key, sweep_value(&s->spec, pt->point, a));
        fputs(first ? "" : ", ", out);
        cli_json_string(out, kv);
        free(kv);
        first = false;
    }
    char *cmd = run_command(s, pt->point);
    fputs("], \"command\": ", out);
    cli_json_string(out, cmd);
    free(cmd);
    fputc('}', out);
}

static void describe_objectives(FILE *out, const struct pick_objectives *o)
{
    bool any = false;
    if (!isnan(o->max_p99_s)) {
        fprintf(out, "latency_p99_s <= %g s", o->max_p99_s);
        any = true;
    }
    if (!isnan(o->max_drop_rate)) {
        fprintf(out, "%sdrop rate <= %g", any ? ", " : "", o->max_drop_rate);
        any = true;
    }
    if (!isnan(o->max_time_over_s)) {
        fprintf(out, "%stime_over_objective_s <= %g s", any ? ", " : "", o->max_time_over_s);
        any = true;
    }
    if (!any)
        fputs("none (the cheapest point)", out);
    fprintf(out, "; on the mean and in at least %g%% of replications", 100.0 * o->min_pass);
}

static const char points_header[] = "  point   cost_total_usd latency_p99_s  drop_rate "
                                    "time_over_s  pass       axes\n";

void pick_print_point_text(FILE *out, const struct pick_sweep *s, const struct pick_point *pt)
{
    char *label = pick_point_label(s, pt->point);
    fprintf(out, "%c %-7" PRIu64 " %12.6f %14.6f %10.6f %12.1f %4zu/%-4zu  %s\n",
            pt->front ? '*' : ' ', pt->point, pt->cost_mean, pt->p99_mean, pt->drop_rate_mean,
            pt->time_over_mean, pt->nr_pass, pt->n, label);
    free(label);
}

void pick_print_points_header(FILE *out)
{
    fputs(points_header, out);
}

int pick_print_recommendation(FILE *out, const struct pick_sweep *s,
                              const struct pick_objectives *o, bool json)
{
    size_t nr_ok;
    size_t *ok = pick_sweep_ranked(s, &nr_ok);
    size_t nr_runners = nr_ok > 1 ? nr_ok - 1 : 0;
    if (nr_runners > o->nr_runners_up)
        nr_runners = o->nr_runners_up;
    if (json) {
        fputs("{\"sweep\": ", out);
        cli_json_string(out, s->input);
        fputs(", \"objectives\": {", out);
        json_num(out, "max_p99_s", o->max_p99_s);
        fputs(", ", out);
        json_num(out, "max_drop_rate", o->max_drop_rate);
        fputs(", ", out);
        json_num(out, "max_time_over_objective_s", o->max_time_over_s);
        fputs(", ", out);
        json_num(out, "min_pass", o->min_pass);
        fprintf(out,
                "}, \"interval\": \"95%% Wilson score\", \"points\": %zu, \"replications\": %" PRIu32
                ", \"points_meeting\": %zu, \"recommendation\": ",
                s->nr_points, s->spec.replications, nr_ok);
        if (nr_ok)
            pick_print_point_json(out, s, &s->points[ok[0]]);
        else
            fputs("null", out);
        fputs(", \"runners_up\": [", out);
        for (size_t i = 0; i < nr_runners; i++) {
            fputs(i ? ", " : "", out);
            pick_print_point_json(out, s, &s->points[ok[1 + i]]);
        }
        fputs("]}\n", out);
        free(ok);
        return nr_ok ? 0 : 1;
    }
    fprintf(out, "objectives   ");
    describe_objectives(out, o);
    fprintf(out, "\nmeeting      %zu of %zu points (%" PRIu32 " replications each)\n", nr_ok,
            s->nr_points, s->spec.replications);
    if (!nr_ok) {
        fprintf(out, "no point meets the objectives; the nearest by replications passing:\n");
        pick_print_points_header(out);
        /* The points that pass most often, then the cheapest. */
        size_t shown = 0;
        for (size_t want = s->spec.replications + 1; want-- > 0 && shown < 3;)
            for (size_t p = 0; p < s->nr_points && shown < 3; p++)
                if (s->points[p].nr_pass == want && s->points[p].n) {
                    pick_print_point_text(out, s, &s->points[p]);
                    shown++;
                }
        free(ok);
        return 1;
    }
    const struct pick_point *best = &s->points[ok[0]];
    char *label = pick_point_label(s, best->point);
    fprintf(out, "\nrecommended  point %" PRIu64 ": %s\n", best->point, label);
    free(label);
    fprintf(out, "  cost_total_usd_mean            %.6f USD\n", best->cost_mean);
    if (s->has_latency)
        fprintf(out, "  latency_p99_s_mean             %.6f s\n", best->p99_mean);
    fprintf(out, "  drop rate (mean)               %.6f\n", best->drop_rate_mean);
    fprintf(out, "  time_over_objective_s_mean     %.1f s\n", best->time_over_mean);
    fprintf(out,
            "  replications passing           %zu of %zu (%.0f%%; 95%% Wilson interval "
            "%.1f%%-%.1f%%)\n",
            best->nr_pass, best->n, 100.0 * (double)best->nr_pass / (double)best->n,
            100.0 * best->pass_low, 100.0 * best->pass_high);
    fputs("re-run it (replication 0) with\n", out);
    print_run_lines(out, s, best->point);
    if (nr_runners) {
        fprintf(out, "\nrunners-up (next cheapest that meet the objectives)\n");
        pick_print_points_header(out);
        for (size_t i = 0; i < nr_runners; i++)
            pick_print_point_text(out, s, &s->points[ok[1 + i]]);
    }
    free(ok);
    return 0;
}

void pick_sweep_release(struct pick_sweep *s)
{
    sweep_file_release(&s->file);
    sweep_spec_release(&s->spec);
    free(s->points);
    memset(s, 0, sizeof(*s));
}
