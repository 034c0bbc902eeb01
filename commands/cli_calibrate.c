/*
 * asgsim calibrate: fit Instances.CapacityRpsPerVcpu from a group's CloudWatch history
 * (calibrate.h) and print the fit, its error and the settings lines to use.
 */
#include "cli.h"

#include "asgsim/bind.h"
#include "asgsim/calibrate.h"
#include "asgsim/capacity.h"
#include "asgsim/catalog.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

static const char calibrate_usage[] =
        "Usage: asgsim calibrate HISTORY.csv (--instance-type TYPE | --vcpus N) [options]\n"
        "Fit Instances.CapacityRpsPerVcpu (requests/s one vCPU serves at 100 %% CPU) from a\n"
        "group's CloudWatch history: a CSV with an ISO 8601 timestamp column and one column\n"
        "per metric, per minute or per 5 minutes (detected from the timestamps), rows in any\n"
        "order, empty cells for missing datapoints. Columns are found by CloudWatch's names,\n"
        "in any case and after any prefix ('my-asg CPUUtilization'):\n"
        "  load        RequestCount (Sum per period) or RequestCountPerTarget (Sum per period\n"
        "              per instance)\n"
        "  cpu         CPUUtilization (Average, percent)\n"
        "  in-service  GroupInServiceInstances (Average)\n"
        "  latency     TargetResponseTime (Average, seconds; optional)\n"
        "The fit is a least-squares line CPU = idle + 100 * load per vCPU / CapacityRpsPerVcpu\n"
        "through the periods below --max-cpu; with a latency column, the capacity whose\n"
        "service time (and M/M/c waiting) fits the latencies is printed as a check.\n"
        "\n"
        "      --instance-type TYPE  the group's type: vCPUs from asgsim's catalog, and the\n"
        "                            baseline rate from its family's multiplier\n"
        "      --vcpus N             vCPUs per instance (reference family assumed)\n"
        "      --column KIND=NAME    the column of KIND (time, requests, requests-per-target,\n"
        "                            rps, cpu, in-service, latency); rps is a load in\n"
        "                            requests/s (repeatable)\n"
        "      --period DURATION     the metrics' period (default: from the timestamps)\n"
        "      --max-cpu PCT         leave out periods at or above this CPU (default 90)\n"
        "      --through-origin      fit without the idle intercept\n"
        "      --json                print one JSON object on stdout\n"
        "  -h, --help                show this help\n"
        "\n"
        "Exit status: 0 fitted (warnings on stderr when the fit is poor), 2 usage, 65 bad\n"
        "history (located FILE:LINE:COL) or too few points, 66 unreadable file.\n";

struct calib_cli {
    const char *input;
    const char *type;
    double vcpus;
    double factor; /* the family's capacity multiplier (1 with --vcpus) */
    struct calib_opts o;
    const char *names[CALIB_KIND_NR];
    double period_s;
    bool json;
};

static const char *const load_units[CALIB_KIND_NR] = {
    [CALIB_REQUESTS] = "Sum of requests per period, over the period's seconds",
    [CALIB_REQUESTS_PER_TARGET] = "Sum per instance per period, times InService, over the "
                                  "period's seconds",
    [CALIB_RPS] = "requests/s",
};

/* Warnings about the fit's quality, as plain sentences (also listed in --json). */
static size_t fit_warnings(const struct calib_result *r, const struct calib_cli *c, char *w[8])
{
    size_t n = 0;
    double cap = r->capacity_rps_per_vcpu;
    if (r->line.r2 < 0.9)
        w[n++] = xasprintf("poor fit: R^2 is %.3f (below 0.9): CPU follows the load loosely, "
                           "so the capacity is uncertain",
                           r->line.r2);
    if (!isfinite(r->capacity_high) || (r->capacity_high - r->capacity_low) / 2 > 0.1 * cap)
        w[n++] = xasprintf("poor fit: the 95 %% interval (%.4g to %.4g) is wider than +-10 %% "
                           "of the fit",
                           r->capacity_low, r->capacity_high);
    if (r->load_max < 1.5 * r->load_min)
        w[n++] = xasprintf("the load per vCPU varies little (%.4g to %.4g requests/s): the "
                           "slope and the idle CPU are hard to tell apart; a history with "
                           "quiet and busy hours fits better",
                           r->load_min, r->load_max);
    if (!c->o.origin && r->line.intercept < -5)
        w[n++] = xasprintf("the fitted idle CPU is negative (%.2f %%): CPU rises faster than "
                           "linearly with load, or the columns do not belong together",
                           r->line.intercept);
    if (r->nr_latency && (fabs(r->latency_model_s / r->latency_mean_s - 1) > 0.25 ||
                          fabs(r->latency_capacity_rps / cap - 1) > 0.25))
        w[n++] = xasprintf("latency and CPU disagree: the mean %s is %.3g s, asgsim's at the "
                           "fitted capacity %.3g s; asgsim's only latency is the service time "
                           "1/CapacityRpsPerVcpu plus queueing, so time spent elsewhere "
                           "(databases, other services) is not in its latencies",
                           r->load_kind == CALIB_RPS ? "latency" : "TargetResponseTime",
                           r->latency_mean_s, r->latency_model_s);
    return n;
}

static void fmt_time(double epoch_s, char buf[21])
{
    utc_format((int64_t)floor(epoch_s), buf);
}

static void put_json_num(double v)
{
    if (isfinite(v))
        printf("%.10g", v);
    else
        fputs("null", stdout);
}

static void print_json(const struct calib_cli *c, const struct calib_history *h,
                       const struct calib_result *r, char **w, size_t nw)
{
    const struct calib_line *l = &r->line;
    char t0[21], t1[21];
    fmt_time(h->time_s[0], t0);
    fmt_time(h->time_s[h->nr - 1], t1);
    printf("{\"input\": ");
    cli_json_string(stdout, c->input);
    printf(", \"period_s\": %g, \"first\": \"%s\", \"last\": \"%s\", \"rows\": %zu", h->period_s,
           t0, t1, h->nr);
    printf(", \"columns\": {");
    bool first = true;
    for (int k = 0; k < CALIB_KIND_NR; k++)
        if (h->column[k]) {
            printf("%s\"%s\": ", first ? "" : ", ", calib_kind_names[k]);
            cli_json_string(stdout, h->column[k]);
            first = false;
        }
    printf("}, \"load\": \"%s\"", calib_kind_names[r->load_kind]);
    printf(", \"instance_type\": ");
    if (c->type)
        cli_json_string(stdout, c->type);
    else
        fputs("null", stdout);
    printf(", \"vcpus\": %g, \"family_factor\": %g", c->vcpus, c->factor);
    printf(", \"points_used\": %zu, \"dropped_missing\": %zu, \"dropped_saturated\": %zu, "
           "\"dropped_no_instances\": %zu, \"dropped_changing\": %zu, \"max_cpu_pct\": %g",
           r->nr_used, r->nr_missing, r->nr_saturated, r->nr_no_instances, r->nr_changing,
           c->o.max_cpu_pct);
    printf(", \"through_origin\": %s", c->o.origin ? "true" : "false");
    printf(", \"capacity_rps_per_vcpu\": ");
    put_json_num(r->capacity_rps_per_vcpu);
    printf(", \"capacity_rps_per_vcpu_se\": ");
    put_json_num(r->capacity_se);
    printf(", \"capacity_rps_per_vcpu_ci_low\": ");
    put_json_num(r->capacity_low);
    printf(", \"capacity_rps_per_vcpu_ci_high\": ");
    put_json_num(r->capacity_high);
    printf(", \"baseline_capacity_rps_per_vcpu\": ");
    put_json_num(r->capacity_rps_per_vcpu / c->factor);
    printf(", \"idle_cpu_pct\": ");
    put_json_num(l->intercept);
    printf(", \"idle_cpu_pct_se\": ");
    put_json_num(l->intercept_se);
    printf(", \"r2\": ");
    put_json_num(l->r2);
    printf(", \"rmse_cpu_pct\": ");
    put_json_num(l->rmse);
    printf(", \"load_min_rps_per_vcpu\": ");
    put_json_num(r->load_min);
    printf(", \"load_max_rps_per_vcpu\": ");
    put_json_num(r->load_max);
    printf(", \"latency_points\": %zu", r->nr_latency);
    printf(", \"latency_mean_s\": ");
    put_json_num(r->nr_latency ? r->latency_mean_s : (double)NAN);
    printf(", \"latency_model_s\": ");
    put_json_num(r->nr_latency ? r->latency_model_s : (double)NAN);
    printf(", \"latency_capacity_rps_per_vcpu\": ");
    put_json_num(r->nr_latency && r->latency_fits ? r->latency_capacity_rps : (double)NAN);
    printf(", \"latency_fits\": %s", r->latency_fits ? "true" : "false");
    printf(", \"poor_fit\": %s, \"warnings\": [", nw ? "true" : "false");
    for (size_t i = 0; i < nw; i++) {
        if (i)
            fputs(", ", stdout);
        cli_json_string(stdout, w[i]);
    }
    printf("]}\n");
}

/* The settings to paste under Metadata: ASGSim::Scenario. */
static void print_settings(const struct calib_cli *c, const struct calib_result *r)
{
    double cap = r->capacity_rps_per_vcpu;
    printf("\nsettings (under Metadata: ASGSim::Scenario):\n");
    printf("  Instances:\n");
    if (c->factor != 1) {
        printf("    CapacityRpsPerVcpu: %.4g   # the baseline: %s's %.4g / its family's %.2f\n",
               cap / c->factor, c->type, cap, c->factor);
        printf("    TypeCapacityRpsPerVcpu: {%s: %.4g}\n", c->type, cap);
    } else {
        printf("    CapacityRpsPerVcpu: %.4g\n", cap);
    }
}

static void print_text(const struct calib_cli *c, const struct calib_history *h,
                       const struct calib_result *r)
{
    const struct calib_line *l = &r->line;
    char t0[21], t1[21];
    fmt_time(h->time_s[0], t0);
    fmt_time(h->time_s[h->nr - 1], t1);
    printf("history      %s: %zu rows every %g s, %s to %s\n", c->input, h->nr, h->period_s, t0,
           t1);
    printf("load         %s (%s)\n", h->column[r->load_kind], load_units[r->load_kind]);
    printf("CPU          %s\n", h->column[CALIB_CPU]);
    if (c->type)
        printf("instances    %s x %g vCPUs (%s)\n", h->column[CALIB_IN_SERVICE], c->vcpus, c->type);
    else
        printf("instances    %s x %g vCPUs\n", h->column[CALIB_IN_SERVICE], c->vcpus);
    size_t dropped = r->nr_missing + r->nr_saturated + r->nr_no_instances + r->nr_changing;
    printf("points       %zu used, %zu left out: %zu with a missing value, %zu with no instance "
           "in service,\n             %zu while the group changed size (InService not whole), "
           "%zu at CPU >= %g %%\n",
           r->nr_used, dropped, r->nr_missing, r->nr_no_instances, r->nr_changing, r->nr_saturated,
           c->o.max_cpu_pct);
    printf("\nfit          CPU %% = %s100 x requests/s per vCPU / CapacityRpsPerVcpu\n",
           c->o.origin ? "" : "idle + ");
    printf("  CapacityRpsPerVcpu  %.4g requests/s per vCPU (standard error %.2g; 95 %% "
           "interval %.4g to ",
           r->capacity_rps_per_vcpu, r->capacity_se, r->capacity_low);
    if (isfinite(r->capacity_high))
        printf("%.4g)\n", r->capacity_high);
    else
        printf("unbounded)\n");
    if (!c->o.origin)
        printf("  idle CPU            %.2f %% (standard error %.2g; asgsim models none)\n",
               l->intercept, l->intercept_se);
    printf("  R^2                 %.4f; residual %.2g points of CPU\n", l->r2, l->rmse);
    printf("  load per vCPU       %.4g to %.4g requests/s\n", r->load_min, r->load_max);
    if (r->nr_latency) {
        printf("\nlatency      %s, %zu points\n", h->column[CALIB_LATENCY], r->nr_latency);
        printf("  observed mean       %.4g s\n", r->latency_mean_s);
        printf("  asgsim at the fit   %.4g s (service time %.4g s plus M/M/c waiting)\n",
               r->latency_model_s, 1 / r->capacity_rps_per_vcpu);
        if (r->latency_fits)
            printf("  latency-implied     CapacityRpsPerVcpu %.4g (service time %.4g s)\n",
                   r->latency_capacity_rps, 1 / r->latency_capacity_rps);
        else
            printf("  latency-implied     none: no service time gives these latencies at "
                   "these loads\n");
    }
    print_settings(c, r);
}

static int set_column(struct calib_cli *c, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return cli_usage_error("calibrate", "--column needs KIND=NAME, got '%s'", arg);
    for (int k = 0; k < CALIB_KIND_NR; k++)
        if (strlen(calib_kind_names[k]) == (size_t)(eq - arg) &&
            !strncmp(arg, calib_kind_names[k], (size_t)(eq - arg))) {
            c->names[k] = eq + 1;
            return 0;
        }
    return cli_usage_error("calibrate",
                           "unknown column kind in '%s': expected time, requests, "
                           "requests-per-target, rps, cpu, in-service or latency",
                           arg);
}

static int set_type(struct calib_cli *c)
{
    struct catalog cat = { 0 };
    catalog_load_builtin(&cat);
    const struct instance_type *t = catalog_find(&cat, c->type);
    int rc = 0;
    if (!t) {
        const char *hint = catalog_closest(&cat, c->type);
        if (hint)
            rc = cli_usage_error("calibrate", "unknown instance type '%s' (did you mean '%s'?)",
                                 c->type, hint);
        else
            rc = cli_usage_error("calibrate", "unknown instance type '%s'", c->type);
    } else {
        c->vcpus = t->vcpus;
        c->factor = capacity_family_factor(c->type);
    }
    catalog_release(&cat);
    return rc;
}

static bool parse_positive(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || v <= 0)
        return false;
    *out = v;
    return true;
}

static int parse_args(struct calib_cli *c, int argc, char **argv)
{
    enum { OPT_TYPE = 256, OPT_VCPUS, OPT_COLUMN, OPT_PERIOD, OPT_MAX_CPU, OPT_ORIGIN, OPT_JSON };
    static const struct option longopts[] = {
        { "instance-type", required_argument, NULL, OPT_TYPE },
        { "vcpus", required_argument, NULL, OPT_VCPUS },
        { "column", required_argument, NULL, OPT_COLUMN },
        { "period", required_argument, NULL, OPT_PERIOD },
        { "max-cpu", required_argument, NULL, OPT_MAX_CPU },
        { "through-origin", no_argument, NULL, OPT_ORIGIN },
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    int opt, rc;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_TYPE:
            c->type = optarg;
            break;
        case OPT_VCPUS:
            if (!parse_positive(optarg, &c->vcpus))
                return cli_usage_error("calibrate", "--vcpus needs a number > 0, got '%s'", optarg);
            break;
        case OPT_COLUMN:
            if ((rc = set_column(c, optarg)))
                return rc;
            break;
        case OPT_PERIOD: {
            sim_time p;
            if (!bind_parse_duration(optarg, &p) || p <= 0)
                return cli_usage_error("calibrate",
                                       "--period needs a duration such as 60, 1m or 5m, got '%s'",
                                       optarg);
            c->period_s = sim_time_to_seconds(p);
            break;
        }
        case OPT_MAX_CPU:
            if (!parse_positive(optarg, &c->o.max_cpu_pct) || c->o.max_cpu_pct > 100)
                return cli_usage_error("calibrate",
                                       "--max-cpu needs a percentage in (0, 100], "
                                       "got '%s'",
                                       optarg);
            break;
        case OPT_ORIGIN:
            c->o.origin = true;
            break;
        case OPT_JSON:
            c->json = true;
            break;
        case 'h':
            fputs(calibrate_usage, stdout);
            return -1;
        default:
            return cli_usage_error("calibrate", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("calibrate", "expected one HISTORY.csv file");
    c->input = argv[optind];
    if (!c->type == !(c->vcpus > 0))
        return cli_usage_error("calibrate", "give the group's --instance-type or its --vcpus "
                                            "(one of them)");
    if (c->type && (rc = set_type(c)))
        return rc;
    c->o.vcpus = c->vcpus;
    return 0;
}

int cli_calibrate(int argc, char **argv)
{
    struct calib_cli c = { .factor = 1, .o = { .max_cpu_pct = 90 } };
    int rc = parse_args(&c, argc, argv);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    struct diag_list d = { 0 };
    struct calib_history h = { 0 };
    struct calib_result r;
    int st = calib_history_load(&h, c.input, c.names, c.period_s, &d);
    if (!st)
        st = calib_fit(&h, &c.o, &r, &d);
    diag_print(&d, stderr);
    diag_list_release(&d);
    if (st) {
        calib_history_release(&h);
        return cli_exit_code(st);
    }
    char *w[8];
    size_t nw = fit_warnings(&r, &c, w);
    for (size_t i = 0; i < nw; i++)
        fprintf(stderr, "asgsim: calibrate: warning: %s\n", w[i]);
    if (c.json)
        print_json(&c, &h, &r, w, nw);
    else
        print_text(&c, &h, &r);
    for (size_t i = 0; i < nw; i++)
        free(w[i]);
    calib_history_release(&h);
    return EXIT_OK;
}
