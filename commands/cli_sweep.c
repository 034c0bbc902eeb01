/*
 * asgsim sweep / asgsim merge: many runs of one scenario over a grid of values.
 *
 * The parent loads every point's scenario up front (so a bad value is reported before any
 * run starts), forks worker processes that inherit them, hands out runs one at a time over
 * a pipe per worker and gets fixed-size result records back. Only the parent journals and
 * writes HDF5, and it writes rows in run order, so the output does not depend on -j or on
 * which worker finished first.
 */
#include "cli.h"

#include "asgsim/bind.h"
#include "asgsim/run.h"
#include "asgsim/scenario.h"
#include "asgsim/sha256.h"
#include "asgsim/sweep.h"
#include "asgsim/trace.h"
#include "asgsim/util.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asgsim/banned.h"

static const char sweep_usage[] =
        "Usage: asgsim sweep SWEEP.yaml [options]\n"
        "Run a scenario over the grid of values a sweep file describes, with replications,\n"
        "and write one HDF5 file: /sweep/points, /sweep/results, /sweep/stats, /provenance.\n"
        "\n"
        "  -o, --output FILE     output (default: SWEEP's name with .h5); a journal FILE.journal\n"
        "                        records finished runs until the output is written\n"
        "  -j, --jobs N          worker processes (default: the number of online cores)\n"
        "      --traces DIR      also write every run's full trace to DIR/pPPPPPP-rRRRR.h5\n"
        "      --shard I/N       run only points I, I+N, I+2N, ... (0 <= I < N), for merging\n"
        "                        later with 'asgsim merge'; 'auto' takes I and N from\n"
        "                        SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT\n"
        "      --resume          keep the runs the journal says are done; run the rest\n"
        "      --progress WHEN   runs done so far on stderr: auto (default: only when stderr\n"
        "                        is a terminal), always, never\n"
        "      --region NAME     value of AWS::Region in every run, and the Region's prices\n"
        "                        (default: the scenario's Metadata Region, else us-east-1)\n"
        "  -q, --quiet           print errors only\n"
        "  -h, --help            show this help\n"
        "\n"
        "Under 'mpirun -np N' (built with ASGSIM_MPI) rank 0 hands out runs and writes the file.\n"
        "Replication r of every point uses the same random streams (common random numbers).\n"
        "\n"
        "Exit status: 0 ok, 2 usage, 65 bad sweep or scenario, 66 missing input, 74 output\n"
        "error, 130 interrupted (finished runs stay in the journal; use --resume).\n";

static const char merge_usage[] =
        "Usage: asgsim merge SHARD.h5... -o OUT.h5\n"
        "Join the outputs of 'asgsim sweep --shard I/N' into one sweep file, as if the sweep\n"
        "had run in one go. Every shard must come from the same sweep, and together they\n"
        "must hold every run exactly once.\n"
        "\n"
        "  -o, --output FILE     merged output (required)\n"
        "  -q, --quiet           print errors only\n"
        "  -h, --help            show this help\n";

struct cli_sweep {
    struct sweep_spec spec;
    struct scenario base; /* the shard's first point: bytes, path and SHA-256 for the output */
    struct scenario cur;  /* the point this process ran last, kept for its next replication */
    uint64_t cur_point;   /* UINT64_MAX: none */
    uint64_t base_seed;
    uint32_t shard_index, shard_count;
    const char *traces_dir;
    const char *region;           /* --region, or NULL */
    uint64_t nr_runs;             /* in the whole sweep */
    struct sweep_result *results; /* by run index */
    bool *have;
    size_t nr_mine, nr_have; /* runs in this shard, and finished */
    uint64_t *todo;
    size_t nr_todo;
    struct sweep_journal journal;
    bool progress;
    double last_progress_s;
};

size_t cli_sweep_nr_todo(const struct cli_sweep *sw)
{
    return sw->nr_todo;
}

uint64_t cli_sweep_todo(const struct cli_sweep *sw, size_t i)
{
    return sw->todo[i];
}

static bool interrupted(void *ctx)
{
    (void)ctx;
    return cli_caught_signal() != 0;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(struct cli_sweep *sw, bool last)
{
    if (!sw->progress)
        return;
    double now = wall_s();
    if (!last && now - sw->last_progress_s < 0.25)
        return;
    sw->last_progress_s = now;
    fprintf(stderr, "\rasgsim: sweep: %zu of %zu runs done (%.0f%%)%s", sw->nr_have, sw->nr_mine,
            100.0 * (double)sw->nr_have / (double)(sw->nr_mine ? sw->nr_mine : 1),
            last ? "\n" : "");
}

static int current_point(struct cli_sweep *sw, uint64_t p, struct diag_list *d);

void cli_sweep_run_one(struct cli_sweep *sw, uint64_t run, struct sweep_result *out)
{
    uint64_t p = run / sw->spec.replications;
    uint32_t r = (uint32_t)(run % sw->spec.replications);
    struct diag_list d = { .quiet_warnings = true };
    struct trace_sink *sink = NULL;
    char *path = NULL;
    struct run_summary sum = { 0 };
    int st;

    memset(out, 0, sizeof(*out));
    out->point = (uint32_t)p;
    out->replication = r;
    if (sw->traces_dir) {
        path = xasprintf("%s/p%06" PRIu64 "-r%04" PRIu32 ".h5", sw->traces_dir, p, r);
        st = h5out_open(&sink, path, &d);
        if (st < 0)
            goto out;
    } else {
        sink = trace_null_new();
    }
    /* Point 0 for the seeds of every point: common random numbers across points. */
    struct run_opts ro = { .point = 0,
                           .replication = r,
                           .interrupted = interrupted,
                           .interrupt_flag = cli_interrupt_flag() };
    if ((st = current_point(sw, p, &d)) < 0)
        goto out;
    st = run_scenario(&sw->cur, &ro, sink, &sum, &d);
    if (st == 0 && sw->traces_dir) {
        trace_set_attr_i64(sink, "/provenance", "point", (int64_t)p);
        trace_set_attr_i64(sink, "/provenance", "seed_point", 0);
        if ((st = trace_close(sink, true)) < 0)
            diag_error_status(&d, st, NULL, "cannot write '%s': %s", path,
                              sink->error ? sink->error : asg_strerror(st));
    }
    if (st == 0) {
        out->summary = sum;
    }
out:
    if (st != ASG_EINTR)
        diag_print(&d, stderr);
    diag_list_release(&d);
    trace_sink_free(sink);
    free(path);
    out->status = st;
}

int cli_sweep_collect(struct cli_sweep *sw, const struct sweep_result *r)
{
    uint64_t run = (uint64_t)r->point * sw->spec.replications + r->replication;
    ASG_ASSERT(run < sw->nr_runs && r->status == 0);
    if (sw->have[run])
        return 0;
    if (sweep_journal_append(&sw->journal, r) < 0) {
        fprintf(stderr, "asgsim: error: cannot write journal '%s': %s\n", sw->journal.path,
                strerror(errno));
        return ASG_EIO;
    }
    sw->results[run] = *r;
    sw->have[run] = true;
    sw->nr_have++;
    show_progress(sw, false);
    return 0;
}

/* ---- local worker processes ---- */

struct worker {
    pid_t pid;
    int task_fd;   /* parent writes run indices */
    int result_fd; /* parent reads sweep_result records */
    bool busy;
};

static _Noreturn void worker_main(struct cli_sweep *sw, int task_fd, int result_fd)
{
    uint64_t run;
    /* A worker whose parent died must not linger: writes then fail and it leaves. */
    signal(SIGPIPE, SIG_DFL);
    while (fd_read_all(task_fd, &run, sizeof(run)) == (long)sizeof(run)) {
        struct sweep_result r;
        cli_sweep_run_one(sw, run, &r);
        if (fd_write_all(result_fd, &r, sizeof(r)) < 0)
            break;
        if (r.status == ASG_EINTR)
            break;
    }
    fflush(stderr);
    _exit(0);
}

static int send_task(struct worker *w, uint64_t run)
{
    if (fd_write_all(w->task_fd, &run, sizeof(run)) < 0)
        return -1;
    w->busy = true;
    return 0;
}

static void stop_workers(struct worker *ws, size_t nr, int sig)
{
    for (size_t i = 0; i < nr; i++) {
        if (ws[i].task_fd >= 0)
            close(ws[i].task_fd);
        ws[i].task_fd = -1;
        if (sig && ws[i].pid > 0)
            kill(ws[i].pid, sig);
    }
}

static int drive_local(struct cli_sweep *sw, unsigned jobs)
{
    size_t nr = jobs < sw->nr_todo ? jobs : sw->nr_todo;
    struct worker *ws = xcalloc(nr ? nr : 1, sizeof(*ws));
    struct pollfd *pfds = xcalloc(nr ? nr : 1, sizeof(*pfds));
    size_t *slot = xcalloc(nr ? nr : 1, sizeof(*slot));
    size_t next = 0;
    int ret = 0;
    bool forwarded = false;

    fflush(NULL); /* buffered output must not be written twice by the children */
    /* A worker that died makes writes to its pipe fail with EPIPE instead of killing us. */
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < nr; i++) {
        int tp[2], rp[2];
        ws[i].task_fd = ws[i].result_fd = -1;
        if (pipe(tp) < 0 || pipe(rp) < 0) {
            fprintf(stderr, "asgsim: error: cannot create a pipe: %s\n", strerror(errno));
            nr = i;
            ret = ASG_EIO;
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "asgsim: error: cannot start a worker: %s\n", strerror(errno));
            close(tp[0]);
            close(tp[1]);
            close(rp[0]);
            close(rp[1]);
            nr = i;
            ret = ASG_EIO;
            break;
        }
        if (pid == 0) {
            /* The child keeps only its own two ends. */
            for (size_t k = 0; k < i; k++) {
                close(ws[k].task_fd);
                close(ws[k].result_fd);
            }
            close(tp[1]);
            close(rp[0]);
            worker_main(sw, tp[0], rp[1]);
        }
        close(tp[0]);
        close(rp[1]);
        ws[i] = (struct worker){ pid, tp[1], rp[0], false };
    }
    for (size_t i = 0; i < nr && ret == 0 && next < sw->nr_todo; i++)
        if (send_task(&ws[i], sw->todo[next++]) < 0)
            ret = ASG_EIO;

    for (;;) {
        int sig = cli_caught_signal();
        if (sig && !forwarded) {
            /* Workers stop their current run; finished runs are already journalled. */
            stop_workers(ws, nr, sig);
            forwarded = true;
        }
        size_t nfds = 0;
        for (size_t i = 0; i < nr; i++)
            if (ws[i].busy) {
                pfds[nfds] = (struct pollfd){ ws[i].result_fd, POLLIN, 0 };
                slot[nfds++] = i;
            }
        if (nfds == 0)
            break;
        int n = poll(pfds, (nfds_t)nfds, 250);
        if (n < 0 && errno != EINTR) {
            ret = ASG_EIO;
            break;
        }
        for (size_t k = 0; n > 0 && k < nfds; k++) {
            if (!pfds[k].revents)
                continue;
            struct worker *w = &ws[slot[k]];
            struct sweep_result r;
            w->busy = false;
            if (fd_read_all(w->result_fd, &r, sizeof(r)) != (long)sizeof(r)) {
                fprintf(stderr, "asgsim: error: worker %d stopped without a result\n", (int)w->pid);
                ret = ret ? ret : ASG_EIO;
                continue;
            }
            if (r.status == 0) {
                int rc = cli_sweep_collect(sw, &r);
                if (rc < 0 && !ret)
                    ret = rc;
            } else if (r.status == ASG_EINTR) {
                /* Also when only the worker was signalled: the sweep cannot finish. */
                ret = ret ? ret : ASG_EINTR;
            } else if (!ret) {
                fprintf(stderr,
                        "asgsim: error: run of point %" PRIu32 " replication %" PRIu32
                        " failed: %s\n",
                        r.point, r.replication, asg_strerror(r.status));
                ret = r.status;
            }
            if (!ret && !cli_caught_signal() && next < sw->nr_todo &&
                send_task(w, sw->todo[next++]) < 0)
                ret = ASG_EIO;
        }
    }
    stop_workers(ws, nr, 0);
    for (size_t i = 0; i < nr; i++) {
        close(ws[i].result_fd);
        while (waitpid(ws[i].pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    free(ws);
    free(pfds);
    free(slot);
    if (!ret && cli_caught_signal())
        ret = ASG_EINTR;
    return ret;
}

/* ---- the output file ---- */

struct sweep_out {
    const struct sweep_spec *spec;
    const struct sweep_result *results; /* by run index */
    uint32_t shard_index, shard_count;
    const char *scenario_path;
    const unsigned char *scenario_bytes;
    size_t scenario_len;
    uint64_t base_seed;
    const char *command_line;
};

static int write_output(const struct sweep_out *o, const char *path, struct diag_list *d)
{
    const struct sweep_spec *sp = o->spec;
    struct trace_sink *s = NULL;
    int st = h5out_open(&s, path, d);
    if (st < 0)
        return st;
    char sha[65], created[32];
    sha256_hex(o->scenario_bytes, o->scenario_len, sha);
    cli_created_utc(created);
    trace_set_attr_str(s, "/", "created_utc", created);
    trace_put_text(s, "/provenance/sweep", (const char *)sp->bytes, sp->len);
    trace_set_attr_str(s, "/provenance", "sweep_path", sp->path);
    trace_set_attr_i64(s, "/provenance", "schema_version", ASGSIM_SCHEMA_VERSION);
    trace_set_attr_str(s, "/provenance", "sweep_sha256", sp->sha256);
    trace_put_text(s, "/provenance/scenario", (const char *)o->scenario_bytes, o->scenario_len);
    trace_set_attr_str(s, "/provenance", "scenario_path", o->scenario_path);
    trace_set_attr_str(s, "/provenance", "scenario_sha256", sha);
    trace_set_attr_str(s, "/provenance", "command_line", o->command_line ? o->command_line : "");
    trace_set_attr_str(s, "/provenance", "tool_version", ASGSIM_VERSION);
    trace_set_attr_i64(s, "/provenance", "base_seed", (int64_t)o->base_seed);
    trace_set_attr_str(s, "/provenance", "seeding",
                       "replication r of every point uses the streams of "
                       "rng_set_init(base_seed, 0, r): common random numbers across points");
    trace_set_attr_i64(s, "/sweep", "points", (int64_t)sp->nr_points);
    trace_set_attr_i64(s, "/sweep", "replications", (int64_t)sp->replications);
    trace_set_attr_i64(s, "/sweep", "shard_index", o->shard_index);
    trace_set_attr_i64(s, "/sweep", "shard_count", o->shard_count);
    /* Also as text: readers that turn integers into doubles would round a 64-bit seed. */
    char seed_text[24];
    snprintf(seed_text, sizeof(seed_text), "%" PRIu64, o->base_seed);
    trace_set_attr_str(s, "/sweep", "base_seed_text", seed_text);

    /* /sweep/points: one column per axis, numbers as F64, anything else as text. */
    size_t nf = 1 + sp->nr_axes;
    struct trace_field *pf = xcalloc(nf, sizeof(*pf));
    union trace_value *row =
            xcalloc(nf > 1 + SWEEP_NR_STATS * SUMMARY_NR ? nf : 1 + SWEEP_NR_STATS * SUMMARY_NR,
                    sizeof(*row));
    pf[0] = (struct trace_field){ "point", TRACE_U32, "1", 0, NULL, 0 };
    for (size_t a = 0; a < sp->nr_axes; a++) {
        const struct sweep_axis *ax = &sp->axes[a];
        pf[1 + a] = (struct trace_field){ ax->name, ax->numeric ? TRACE_F64 : TRACE_STR,
                                          "1",      ax->max_len + 1,
                                          NULL,     0 };
    }
    struct trace_table *t;
    if (trace_table_open(s, "/sweep/points", TRACE_COMPOUND, pf, nf, &t) == 0) {
        for (uint64_t p = 0; p < sp->nr_points; p++) {
            if (!sweep_point_in_shard(p, o->shard_index, o->shard_count))
                continue;
            row[0].u32 = (uint32_t)p;
            for (size_t a = 0; a < sp->nr_axes; a++) {
                const char *v = sweep_value(sp, p, a);
                if (sp->axes[a].numeric) {
                    bool ok = bind_parse_double(v, &row[1 + a].f64);
                    ASG_ASSERT(ok);
                } else {
                    row[1 + a].str = v;
                }
            }
            trace_append(s, t, row);
        }
    }
    free(pf);

    /* /sweep/results: one row per run, in run order, one column per summary metric. */
    struct trace_field rf[2 + SUMMARY_NR];
    rf[0] = (struct trace_field){ "point", TRACE_U32, "1", 0, NULL, 0 };
    rf[1] = (struct trace_field){ "replication", TRACE_U32, "1", 0, NULL, 0 };
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        const struct summary_metric *sm = &summary_metrics[m];
        rf[2 + m] = (struct trace_field){
            sm->name, sm->kind == SUMMARY_COUNT ? TRACE_I64 : TRACE_F64, sm->units, 0, NULL, 0
        };
    }
    if (trace_table_open(s, "/sweep/results", TRACE_COMPOUND, rf, ARRAY_SIZE(rf), &t) == 0) {
        for (uint64_t p = 0; p < sp->nr_points; p++) {
            if (!sweep_point_in_shard(p, o->shard_index, o->shard_count))
                continue;
            for (uint32_t r = 0; r < sp->replications; r++) {
                const struct sweep_result *res = &o->results[p * sp->replications + r];
                ASG_ASSERT(res->point == p && res->replication == r && res->status == 0);
                row[0].u32 = (uint32_t)p;
                row[1].u32 = r;
                for (size_t m = 0; m < SUMMARY_NR; m++) {
                    if (summary_metrics[m].kind == SUMMARY_COUNT)
                        row[2 + m].i64 = (int64_t)summary_get(&res->summary, m);
                    else
                        row[2 + m].f64 = summary_get(&res->summary, m);
                }
                trace_append(s, t, row);
            }
        }
    }

    /* /sweep/stats: per point and metric, the mean, sd, 95 % bootstrap interval and count. */
    static const char *const suffix[SWEEP_NR_STATS] = { "mean", "sd", "ci_low", "ci_high", "n" };
    struct trace_field sf[1 + SWEEP_NR_STATS * SUMMARY_NR];
    char *names[SWEEP_NR_STATS * SUMMARY_NR];
    sf[0] = (struct trace_field){ "point", TRACE_U32, "1", 0, NULL, 0 };
    for (size_t m = 0; m < SUMMARY_NR; m++)
        for (size_t k = 0; k < SWEEP_NR_STATS; k++) {
            size_t i = SWEEP_NR_STATS * m + k;
            bool n = k == SWEEP_NR_STATS - 1;
            names[i] = xasprintf("%s_%s", summary_metrics[m].name, suffix[k]);
            sf[1 + i] = (struct trace_field){
                names[i], n ? TRACE_I64 : TRACE_F64, n ? "runs" : summary_metrics[m].units, 0, NULL,
                0
            };
        }
    double *x = xcalloc(sp->replications, sizeof(*x));
    if (trace_table_open(s, "/sweep/stats", TRACE_COMPOUND, sf, ARRAY_SIZE(sf), &t) == 0) {
        for (uint64_t p = 0; p < sp->nr_points; p++) {
            if (!sweep_point_in_shard(p, o->shard_index, o->shard_count))
                continue;
            row[0].u32 = (uint32_t)p;
            for (size_t m = 0; m < SUMMARY_NR; m++) {
                struct sweep_stats st5;
                for (uint32_t r = 0; r < sp->replications; r++)
                    x[r] = summary_get(&o->results[p * sp->replications + r].summary, m);
                sweep_stats_compute(x, sp->replications, &st5);
                union trace_value *v = &row[1 + SWEEP_NR_STATS * m];
                v[0].f64 = st5.mean;
                v[1].f64 = st5.sd;
                v[2].f64 = st5.ci_low;
                v[3].f64 = st5.ci_high;
                v[4].i64 = (int64_t)sp->replications;
            }
            trace_append(s, t, row);
        }
    }
    free(x);
    free(row);
    st = trace_close(s, true);
    if (st < 0)
        diag_error_status(d, st, NULL, "cannot write '%s': %s", path,
                          s->error ? s->error : asg_strerror(st));
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        free(names[i]);
    trace_sink_free(s);
    return st;
}

/* ---- asgsim sweep ---- */

static char *default_output(const char *sweep, bool shard, uint32_t index)
{
    const char *base = strrchr(sweep, '/');
    base = base ? base + 1 : sweep;
    const char *dot = strrchr(base, '.');
    int n = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    if (shard)
        return xasprintf("%.*s-shard%" PRIu32 ".h5", n, base, index);
    return xasprintf("%.*s.h5", n, base);
}

/* Load point p's scenario into *sc: the sweep's scenario with the point's axis values. */
static int load_point(const struct cli_sweep *sw, uint64_t p, struct scenario *sc,
                      struct diag_list *d)
{
    const struct sweep_spec *sp = &sw->spec;
    struct cfn_override *params = xcalloc(sp->nr_axes + 1, sizeof(*params));
    struct cfn_override *paths = xcalloc(sp->nr_axes + 1, sizeof(*paths));
    struct scenario_load_opts lo = { .overrides = params,
                                     .path_overrides = paths,
                                     .has_seed = sp->has_seed,
                                     .seed = sp->seed,
                                     .region = sw->region };
    for (size_t a = 0; a < sp->nr_axes; a++) {
        struct cfn_override ov = { sp->axes[a].key, sweep_value(sp, p, a) };
        if (sp->axes[a].target == SWEEP_PARAMETER)
            params[lo.nr_overrides++] = ov;
        else
            paths[lo.nr_path_overrides++] = ov;
    }
    int st = scenario_load(sc, sp->scenario_path, &lo, d);
    free(params);
    free(paths);
    return st;
}

/*
 * Check the scenario of every point in this shard before any run, stopping at the first bad
 * one, but keep only the first: memory stays that of one scenario (a trace workload is
 * megabytes), however many points the sweep has. Each run loads its point again.
 */
static int check_points(struct cli_sweep *sw, struct diag_list *d)
{
    const struct sweep_spec *sp = &sw->spec;
    int st = 0;
    bool quiet_warnings = d->quiet_warnings, have_base = false;
    for (uint64_t p = 0; p < sp->nr_points && st == 0; p++) {
        if (!sweep_point_in_shard(p, sw->shard_index, sw->shard_count))
            continue;
        struct scenario sc = { 0 };
        st = load_point(sw, p, &sc, d);
        if (st < 0 && st != ASG_ENOENT && st != ASG_EIO) {
            for (size_t a = 0; a < sp->nr_axes; a++)
                diag_note(d, &sp->axes[a].loc, "in sweep point %" PRIu64 ", where %s = %s", p,
                          sp->axes[a].name, sweep_value(sp, p, a));
        } else if (st < 0) {
            diag_note(d, &sp->scenario_loc, "the sweep's scenario is '%s'", sp->scenario_path);
        }
        if (st == 0) {
            sw->base_seed = sc.seed;
            /* Every point reads the same template: its warnings are said once. */
            d->quiet_warnings = true;
        }
        if (st == 0 && !have_base) {
            sw->base = sc;
            have_base = true;
        } else {
            scenario_release(&sc);
        }
    }
    d->quiet_warnings = quiet_warnings;
    return st;
}

/* Make sw->cur point p's scenario. A file changed since the sweep began is an error: the
   journal and the output name the bytes the sweep started with. */
static int current_point(struct cli_sweep *sw, uint64_t p, struct diag_list *d)
{
    if (sw->cur_point == p)
        return 0;
    scenario_release(&sw->cur);
    memset(&sw->cur, 0, sizeof(sw->cur));
    sw->cur_point = UINT64_MAX;
    int st = load_point(sw, p, &sw->cur, d);
    if (st == 0 && strcmp(sw->cur.sha256, sw->base.sha256)) {
        scenario_release(&sw->cur);
        memset(&sw->cur, 0, sizeof(sw->cur));
        return diag_error(d, NULL, "'%s' changed while the sweep ran (point %" PRIu64 ")",
                          sw->spec.scenario_path, p);
    }
    if (st == 0)
        sw->cur_point = p;
    return st;
}

static void cli_sweep_release(struct cli_sweep *sw)
{
    scenario_release(&sw->base);
    scenario_release(&sw->cur);
    sweep_spec_release(&sw->spec);
    free(sw->results);
    free(sw->have);
    free(sw->todo);
    sweep_journal_close(&sw->journal, false);
}

static int parse_shard(const char *arg, uint32_t *index, uint32_t *count)
{
    if (strcmp(arg, "auto")) {
        if (!sweep_parse_shard(arg, index, count))
            return cli_usage_error("sweep", "--shard needs I/N with 0 <= I < N, or auto; got '%s'",
                                   arg);
        return 0;
    }
    const char *id = getenv("SLURM_ARRAY_TASK_ID"), *nr = getenv("SLURM_ARRAY_TASK_COUNT");
    if (!id || !nr)
        return cli_usage_error("sweep", "--shard auto needs SLURM_ARRAY_TASK_ID and "
                                        "SLURM_ARRAY_TASK_COUNT (run it inside a Slurm job "
                                        "array, or give --shard I/N)");
    char *text = xasprintf("%s/%s", id, nr);
    bool ok = sweep_parse_shard(text, index, count);
    free(text);
    if (!ok)
        return cli_usage_error("sweep",
                               "--shard auto: SLURM_ARRAY_TASK_ID=%s is not in 0..%s-1 (use "
                               "--array=0-N with N+1 tasks)",
                               id, nr);
    return 0;
}

enum { OPT_TRACES = 256, OPT_SHARD, OPT_RESUME, OPT_REGION, OPT_PROGRESS };

int cli_sweep(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "jobs", required_argument, NULL, 'j' },
        { "traces", required_argument, NULL, OPT_TRACES },
        { "region", required_argument, NULL, OPT_REGION },
        { "shard", required_argument, NULL, OPT_SHARD },
        { "resume", no_argument, NULL, OPT_RESUME },
        { "progress", required_argument, NULL, OPT_PROGRESS },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    struct cli_sweep sw = { .shard_count = 1, .cur_point = UINT64_MAX, .journal = { -1, NULL } };
    struct diag_list d = { 0 };
    const char *output = NULL;
    bool resume = false, quiet = false, sharded = false, mpi = false;
    int progress = -1;            /* --progress: -1 auto (a terminal), 0 never, 1 always */
    bool workers_waiting = false; /* MPI: other ranks wait for rank 0 to hand out runs */
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    int rc = EXIT_OK, opt, st, rank = 0;
    char *out_path = NULL, *cmdline = NULL, *journal_path = NULL, *key = NULL;
    struct sweep_result *done = NULL;
    size_t nr_done = 0;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            output = optarg;
            break;
        case 'j': {
            int64_t v;
            if (!bind_parse_int(optarg, &v) || v < 1 || v > 4096) {
                rc = cli_usage_error("sweep", "--jobs needs a number from 1 to 4096, got '%s'",
                                     optarg);
                goto out;
            }
            jobs = (long)v;
            break;
        }
        case OPT_TRACES:
            sw.traces_dir = optarg;
            break;
        case OPT_REGION:
            if ((rc = cli_check_region("sweep", optarg)))
                goto out;
            sw.region = optarg;
            break;
        case OPT_SHARD:
            if ((rc = parse_shard(optarg, &sw.shard_index, &sw.shard_count)))
                goto out;
            sharded = true;
            break;
        case OPT_RESUME:
            resume = true;
            break;
        case OPT_PROGRESS:
            if ((progress = cli_parse_progress(optarg)) < -1) {
                rc = cli_usage_error("sweep", "--progress must be auto, always or never, got '%s'",
                                     optarg);
                goto out;
            }
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            fputs(sweep_usage, stdout);
            goto out;
        default:
            rc = cli_usage_error("sweep", "unknown or incomplete option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        rc = cli_usage_error("sweep", "no sweep file given");
        goto out;
    }
    if (argc - optind > 1) {
        rc = cli_usage_error("sweep", "one sweep file at a time, got '%s' too", argv[optind + 1]);
        goto out;
    }
    if (jobs < 1)
        jobs = 1;

    if (cli_sweep_mpi_launched()) {
        if (cli_sweep_mpi_init(&rank) < 0) {
            rc = EXIT_SOFTWARE;
            goto out;
        }
        mpi = true;
    }
    /* Every rank loads the sweep; only rank 0 speaks. */
    d.quiet_warnings = quiet || rank != 0;
    st = sweep_spec_load(&sw.spec, argv[optind], &d);
    if (st == 0)
        st = check_points(&sw, &d);
    if (rank == 0)
        diag_print(&d, stderr);
    diag_list_release(&d);
    if (st < 0) {
        rc = cli_exit_code(st);
        goto out;
    }

    sw.nr_runs = sw.spec.nr_points * sw.spec.replications;
    sw.results = xcalloc(sw.nr_runs, sizeof(*sw.results));
    sw.have = xcalloc(sw.nr_runs, sizeof(*sw.have));
    sw.todo = xcalloc(sw.nr_runs, sizeof(*sw.todo));
    for (uint64_t run = 0; run < sw.nr_runs; run++)
        if (sweep_point_in_shard(run / sw.spec.replications, sw.shard_index, sw.shard_count))
            sw.nr_mine++;
    if (sw.nr_mine == 0) {
        rc = cli_usage_error(
                "sweep", "shard %" PRIu32 "/%" PRIu32 " has no points: the sweep has only %" PRIu64,
                sw.shard_index, sw.shard_count, sw.spec.nr_points);
        goto out;
    }

    workers_waiting = mpi && rank == 0;
    cli_catch_signals();
    if (rank == 0) {
        out_path = output ? xstrdup(output) : default_output(argv[optind], sharded, sw.shard_index);
        if (sw.traces_dir && mkdir(sw.traces_dir, 0777) < 0 && errno != EEXIST) {
            fprintf(stderr, "asgsim: error: cannot create '%s': %s\n", sw.traces_dir,
                    strerror(errno));
            rc = EXIT_IOERR;
            goto out;
        }
        journal_path = xasprintf("%s.journal", out_path);
        /* The journal belongs to this sweep file, scenario bytes, seed, shard and --region
           only; without --region the key is unchanged, so older journals still resume. */
        key = xasprintf("sweep %s scenario %s seed %" PRIu64 " shard %" PRIu32 "/%" PRIu32 "%s%s",
                        sw.spec.sha256, sw.base.sha256, sw.base_seed, sw.shard_index,
                        sw.shard_count, sw.region ? " region " : "", sw.region ? sw.region : "");
        st = sweep_journal_open(&sw.journal, journal_path, key, resume, &done, &nr_done, &d);
        diag_print(&d, stderr);
        diag_list_release(&d);
        if (st < 0) {
            rc = cli_exit_code(st);
            goto out;
        }
        for (size_t i = 0; i < nr_done; i++) {
            const struct sweep_result *r = &done[i];
            uint64_t run = (uint64_t)r->point * sw.spec.replications + r->replication;
            if (r->status || r->point >= sw.spec.nr_points ||
                r->replication >= sw.spec.replications ||
                !sweep_point_in_shard(r->point, sw.shard_index, sw.shard_count) || sw.have[run])
                continue;
            sw.results[run] = *r;
            sw.have[run] = true;
            sw.nr_have++;
        }
        if (resume && !quiet)
            fprintf(stderr, "asgsim: resuming: %zu of %zu runs already done\n", sw.nr_have,
                    sw.nr_mine);
    }
    /* Under MPI, workers do not read the journal: rank 0 only hands out what is left. */
    for (uint64_t run = 0; run < sw.nr_runs; run++)
        if (!sw.have[run] &&
            sweep_point_in_shard(run / sw.spec.replications, sw.shard_index, sw.shard_count))
            sw.todo[sw.nr_todo++] = run;

    sw.progress = rank == 0 && (progress == 1 || (progress == -1 && !quiet && isatty(2)));
    workers_waiting = false;
    if (mpi)
        st = cli_sweep_mpi_drive(&sw, rank);
    else
        st = drive_local(&sw, (unsigned)jobs);
    show_progress(&sw, true);
    if (rank != 0)
        goto out;
    if (st < 0) {
        if (st == ASG_EINTR)
            fprintf(stderr,
                    "asgsim: interrupted: %zu of %zu runs kept in '%s'; run again with "
                    "--resume to finish\n",
                    sw.nr_have, sw.nr_mine, journal_path);
        rc = cli_exit_code(st);
        goto out;
    }

    ASG_ASSERT(sw.nr_have == sw.nr_mine);
    cmdline = cli_command_line(argc + 1, argv - 1);
    const struct scenario *base = &sw.base;
    struct sweep_out o = { &sw.spec,    sw.results, sw.shard_index, sw.shard_count, base->path,
                           base->bytes, base->len,  sw.base_seed,   cmdline };
    st = write_output(&o, out_path, &d);
    diag_print(&d, stderr);
    diag_list_release(&d);
    if (st < 0) {
        rc = cli_exit_code(st);
        goto out;
    }
    sweep_journal_close(&sw.journal, true);
    if (!quiet)
        printf("%s: %" PRIu64 " points x %" PRIu32 " replications%s, %zu runs -> %s\n",
               sw.spec.path, sw.spec.nr_points, sw.spec.replications,
               sharded ? " (this shard)" : "", sw.nr_mine, out_path);
out:
    if (workers_waiting) {
        /* Rank 0 failed before handing out runs: an empty list tells the others to stop. */
        sw.nr_todo = 0;
        cli_sweep_mpi_drive(&sw, rank);
    }
    if (mpi)
        cli_sweep_mpi_finalize();
    cli_sweep_release(&sw);
    free(done);
    free(out_path);
    free(cmdline);
    free(journal_path);
    free(key);
    return rc;
}

/* ---- asgsim merge ---- */

int cli_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *output = NULL;
    bool quiet = false;
    int rc = EXIT_OK, opt, st;
    struct diag_list d = { 0 };
    struct sweep_file *shards = NULL;
    size_t nr = 0;
    struct sweep_spec spec = { 0 };
    struct sweep_result *results = NULL;
    bool *have = NULL;
    char *cmdline = NULL;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            output = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            fputs(merge_usage, stdout);
            goto out;
        default:
            rc = cli_usage_error("merge", "unknown or incomplete option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        rc = cli_usage_error("merge", "no shard files given");
        goto out;
    }
    if (!output) {
        rc = cli_usage_error("merge", "-o OUT.h5 is required");
        goto out;
    }
    nr = (size_t)(argc - optind);
    shards = xcalloc(nr, sizeof(*shards));
    for (size_t i = 0; i < nr; i++) {
        if ((st = sweep_file_read(&shards[i], argv[optind + (int)i], &d)) < 0)
            goto fail;
        if (i > 0 &&
            (shards[i].sweep_len != shards[0].sweep_len ||
             memcmp(shards[i].sweep_text, shards[0].sweep_text, shards[0].sweep_len) ||
             shards[i].scenario_len != shards[0].scenario_len ||
             memcmp(shards[i].scenario_text, shards[0].scenario_text, shards[0].scenario_len) ||
             shards[i].base_seed != shards[0].base_seed)) {
            st = diag_error(&d, NULL,
                            "'%s' and '%s' come from different sweeps (sweep file, scenario or "
                            "seed differ)",
                            argv[optind], argv[optind + (int)i]);
            goto fail;
        }
    }
    st = sweep_spec_parse(&spec, shards[0].sweep_path, shards[0].sweep_text, shards[0].sweep_len,
                          &d);
    if (st < 0)
        goto fail;
    uint64_t nr_runs = spec.nr_points * spec.replications;
    results = xcalloc(nr_runs, sizeof(*results));
    have = xcalloc(nr_runs, sizeof(*have));
    for (size_t i = 0; i < nr; i++)
        for (size_t k = 0; k < shards[i].nr_results; k++) {
            const struct sweep_result *r = &shards[i].results[k];
            uint64_t run = (uint64_t)r->point * spec.replications + r->replication;
            if (r->point >= spec.nr_points || r->replication >= spec.replications) {
                st = diag_error_status(&d, ASG_EFORMAT, NULL,
                                       "'%s': point %" PRIu32 " replication %" PRIu32
                                       " is not in the sweep",
                                       argv[optind + (int)i], r->point, r->replication);
                goto fail;
            }
            if (have[run]) {
                st = diag_error(&d, NULL,
                                "point %" PRIu32 " replication %" PRIu32
                                " appears twice (is a shard given twice?); last seen in '%s'",
                                r->point, r->replication, argv[optind + (int)i]);
                goto fail;
            }
            results[run] = *r;
            have[run] = true;
        }
    for (uint64_t run = 0; run < nr_runs; run++)
        if (!have[run]) {
            size_t missing = 0;
            for (uint64_t k = run; k < nr_runs; k++)
                missing += !have[k];
            st = diag_error(&d, NULL,
                            "the shards lack %zu of %" PRIu64 " runs, starting with point %" PRIu64
                            " replication %" PRIu64 " (is a shard missing?)",
                            missing, nr_runs, run / spec.replications, run % spec.replications);
            goto fail;
        }
    cmdline = cli_command_line(argc + 1, argv - 1);
    struct sweep_out o = { &spec,
                           results,
                           0,
                           1,
                           shards[0].scenario_path,
                           (const unsigned char *)shards[0].scenario_text,
                           shards[0].scenario_len,
                           shards[0].base_seed,
                           cmdline };
    st = write_output(&o, output, &d);
    if (st < 0)
        goto fail;
    diag_print(&d, stderr);
    if (!quiet)
        printf("merged %zu files: %" PRIu64 " points x %" PRIu32 " replications -> %s\n", nr,
               spec.nr_points, spec.replications, output);
    goto out;
fail:
    diag_print(&d, stderr);
    rc = cli_exit_code(st);
out:
    diag_list_release(&d);
    for (size_t i = 0; shards && i < nr; i++)
        sweep_file_release(&shards[i]);
    free(shards);
    sweep_spec_release(&spec);
    free(results);
    free(have);
    free(cmdline);
    return rc;
}
