/*
 * Runs in threads (issue 16): the models keep no static mutable state, so runs in several
 * threads of one process give the results of separate processes. Three example scenarios
 * (two fluid ones with different service rates, so that a shared per-rate table would be
 * thrashed, and one at request fidelity) are run one at a time into the memory sink, then
 * all at once in three threads, twice over; every /timeseries cell and every /summary
 * scalar of each threaded run must equal the run's alone, bit for bit.
 */
#include "helpers.h"

#include "asgsim/run.h"
#include "asgsim/scenario.h"
#include "asgsim/summary.h"
#include "asgsim/trace.h"
#include "asgsim/util.h"

#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR_RUNS 4

struct job {
    const char *path;    /* in the source tree */
    sim_time duration;   /* replaces the scenario's, to keep the test short */
    double capacity_rps; /* replaces CapacityRpsPerVcpu when > 0 */
    struct scenario sc;
    struct diag_list d;
    struct trace_sink *sink;
    int rc;
};

static struct job jobs[NR_RUNS] = {
    { .path = "scenarios/diurnal-target-tracking.yaml", .duration = SIM_SEC(2 * 86400) },
    { .path = "scenarios/flash-crowd-step.yaml",
      .duration = SIM_SEC(6 * 3600),
      .capacity_rps = 40 },
    { .path = "bench/requests.yaml", .duration = SIM_SEC(5 * 60) },
    /* scheduled actions with a Recurrence in a time zone: schedule.c switches the TZ */
    { .path = "scenarios/business-hours.yaml", .duration = SIM_SEC(2 * 86400) },
};

static void load(struct job *j)
{
    char *path = test_src_path(j->path);
    int rc = scenario_load(&j->sc, path, NULL, &j->d);
    if (rc)
        for (size_t i = 0; i < j->d.nr; i++)
            fprintf(stderr, "%s\n", j->d.items[i].msg);
    ck_assert_int_eq(rc, 0);
    free(path);
    j->sc.duration = j->duration;
    if (j->capacity_rps > 0)
        j->sc.instances.capacity_rps_per_vcpu = j->capacity_rps;
}

static void *run_job(void *arg)
{
    struct job *j = arg;
    j->sink = trace_mem_new();
    j->rc = run_scenario(&j->sc, NULL, j->sink, NULL, &j->d);
    return NULL;
}

static bool same_bits(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n) == 0;
}

/* Every cell of table `path` in `got` equals the one in `want`. */
static void check_table(struct trace_sink *want, struct trace_sink *got, const char *path,
                        const char *what)
{
    size_t rows = trace_mem_rows(want, path);
    ck_assert_msg(rows > 0, "%s: no rows in %s", what, path);
    ck_assert_msg(trace_mem_rows(got, path) == rows, "%s %s: %zu rows, alone %zu", what, path,
                  trace_mem_rows(got, path), rows);
    size_t nr_fields = 0;
    for (const struct trace_field *f; (f = trace_mem_field(want, path, nr_fields)); nr_fields++) {
        const struct trace_field *g = trace_mem_field(got, path, nr_fields);
        ck_assert_msg(g && strcmp(g->name, f->name) == 0, "%s %s: field %zu is not %s", what, path,
                      nr_fields, f->name);
        for (size_t r = 0; r < rows; r++) {
            const union trace_value *a = trace_mem_cell(want, path, r, f->name);
            const union trace_value *b = trace_mem_cell(got, path, r, f->name);
            ck_assert_ptr_nonnull(a);
            ck_assert_ptr_nonnull(b);
            bool same;
            switch (f->type) {
            case TRACE_I32:
            case TRACE_ENUM:
                same = a->i32 == b->i32;
                break;
            case TRACE_U32:
                same = a->u32 == b->u32;
                break;
            case TRACE_I64:
                same = a->i64 == b->i64;
                break;
            case TRACE_F64:
                same = same_bits(&a->f64, &b->f64, sizeof(a->f64));
                break;
            default: /* TRACE_STR, TRACE_VSTR */
                same = strcmp(a->str ? a->str : "", b->str ? b->str : "") == 0;
                break;
            }
            ck_assert_msg(same, "%s %s: %s differs in row %zu", what, path, f->name, r);
        }
    }
    ck_assert_msg(nr_fields > 1, "%s %s: no fields", what, path);
}

/* The /summary scalar names: every metric of the summary table (include/asgsim/summary.h). */
static char **summary_names(size_t *nr)
{
    char **names = xcalloc(SUMMARY_NR, sizeof(*names));
    for (size_t i = 0; i < SUMMARY_NR; i++)
        names[i] = xasprintf("/summary/%s", summary_metrics[i].name);
    *nr = SUMMARY_NR;
    return names;
}

static void check_summary(struct trace_sink *want, struct trace_sink *got, const char *what)
{
    size_t n;
    char **names = summary_names(&n);
    ck_assert_uint_ge(n, 20);
    size_t present = 0;
    for (size_t i = 0; i < n; i++) {
        double a = trace_mem_scalar(want, names[i]), b = trace_mem_scalar(got, names[i]);
        ck_assert_msg(same_bits(&a, &b, sizeof(a)), "%s %s: %.17g, alone %.17g", what, names[i], b,
                      a);
        present += a == a;
        free(names[i]);
    }
    free(names);
    ck_assert_uint_ge(present, 20);
}

START_TEST(test_runs_in_threads_equal_runs_alone)
{
    struct trace_sink *alone[NR_RUNS];
    for (size_t i = 0; i < NR_RUNS; i++) {
        load(&jobs[i]);
        run_job(&jobs[i]);
        ck_assert_int_eq(jobs[i].rc, 0);
        alone[i] = jobs[i].sink;
        jobs[i].sink = NULL;
    }
    /* The first two differ in their service rate. */
    ck_assert(jobs[0].sc.instances.capacity_rps_per_vcpu !=
              jobs[1].sc.instances.capacity_rps_per_vcpu);
    for (int round = 0; round < 2; round++) {
        pthread_t threads[NR_RUNS];
        for (size_t i = 0; i < NR_RUNS; i++)
            ck_assert_int_eq(pthread_create(&threads[i], NULL, run_job, &jobs[i]), 0);
        for (size_t i = 0; i < NR_RUNS; i++)
            ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
        for (size_t i = 0; i < NR_RUNS; i++) {
            ck_assert_int_eq(jobs[i].rc, 0);
            check_table(alone[i], jobs[i].sink, "/timeseries", jobs[i].path);
            check_summary(alone[i], jobs[i].sink, jobs[i].path);
            trace_sink_free(jobs[i].sink);
            jobs[i].sink = NULL;
        }
    }
    for (size_t i = 0; i < NR_RUNS; i++) {
        trace_sink_free(alone[i]);
        scenario_release(&jobs[i].sc);
        diag_list_release(&jobs[i].d);
    }
}

END_TEST

Suite *threads_suite(void);

Suite *threads_suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_runs_in_threads_equal_runs_alone);
    suite_add_tcase(s, tc);
    return s;
}
