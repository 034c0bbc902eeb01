/*
 * Helpers for suites that run whole scenarios into the memory sink: write a scenario text
 * to a scratch file, load it and run it, and read /timeseries back by time.
 */
#ifndef ASGSIM_TEST_RUN_HELPERS_H
#define ASGSIM_TEST_RUN_HELPERS_H

#include "helpers.h"

#include "asgsim/run.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Write `text` to the scratch file `name`, load it into *sc (printing the diagnostics and
 * failing the test when it does not load), run it into a new memory sink *sink, and
 * remove the file. The caller releases *sc, *d and *sink.
 */
static inline void test_run_text(const char *name, const char *text, struct scenario *sc,
                                 struct diag_list *d, struct trace_sink **sink)
{
    char *path = test_tmp_path(name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    int rc = scenario_load(sc, path, NULL, d);
    if (rc)
        for (size_t i = 0; i < d->nr; i++)
            fprintf(stderr, "%s\n", d->items[i].msg);
    ck_assert_int_eq(rc, 0);
    *sink = trace_mem_new();
    ck_assert_int_eq(run_scenario(sc, NULL, *sink, NULL, d), 0);
    remove(path);
    free(path);
}

/* The last /timeseries value of int32 column `col` at or before t_s seconds; -1 if none. */
static inline int32_t test_ts_i32_at(struct trace_sink *sink, const char *col, double t_s)
{
    size_t n = trace_mem_rows(sink, "/timeseries");
    int32_t v = -1;
    for (size_t i = 0; i < n; i++)
        if (trace_mem_cell(sink, "/timeseries", i, "time_s")->f64 <= t_s)
            v = trace_mem_cell(sink, "/timeseries", i, col)->i32;
    return v;
}

#endif
