/* What a run writes besides its tables: /provenance and the /summary datasets. */
#include "asgsim/rng.h"
#include "asgsim/run.h"
#include "asgsim/scenario.h"
#include "asgsim/summary.h"
#include "asgsim/trace.h"
#include "asgsim/utc.h"
#include "asgsim/util.h"

#include <gsl/gsl_version.h>
#include <string.h>
#include <yaml.h>

#include "asgsim/banned.h"

static const struct trace_field param_fields[] = {
    { "name", TRACE_STR, "1", 64, NULL, 0 },
    { "value", TRACE_STR, "1", 256, NULL, 0 },
    { "overridden", TRACE_I32, "1", 0, NULL, 0 },
};

void run_write_provenance(const struct scenario *sc, struct trace_sink *s, const struct run_opts *o)
{
    trace_put_text(s, "/provenance/scenario", (const char *)sc->bytes, sc->len);
    trace_set_attr_str(s, "/provenance", "scenario_path", sc->path);
    trace_set_attr_str(s, "/provenance", "scenario_sha256", sc->sha256);
    trace_set_attr_str(s, "/provenance", "stack_name", sc->stack_name);
    char start[21]; /* StartTime: the figures' dates */
    utc_format(sc->start_epoch_s, start);
    trace_set_attr_str(s, "/provenance", "start_time_utc", start);
    if (sc->with_path) {
        trace_put_text(s, "/provenance/settings", (const char *)sc->with_bytes, sc->with_len);
        trace_set_attr_str(s, "/provenance", "settings_path", sc->with_path);
    }
    trace_set_attr_str(s, "/provenance", "command_line", o->command_line ? o->command_line : "");
    trace_set_attr_str(s, "/provenance", "rng_type", rng_type_name());
    trace_set_attr_i64(s, "/provenance", "base_seed", (int64_t)sc->seed);
    trace_set_attr_i64(s, "/provenance", "point", (int64_t)o->point);
    trace_set_attr_i64(s, "/provenance", "replication", (int64_t)o->replication);
    trace_set_attr_str(s, "/provenance", "tool_version", ASGSIM_VERSION);
    trace_set_attr_i64(s, "/provenance", "schema_version", ASGSIM_SCHEMA_VERSION);
    trace_set_attr_str(s, "/provenance", "gsl_version", GSL_VERSION);
    trace_set_attr_str(s, "/provenance", "yaml_version", yaml_get_version_string());
    if (o->created_utc)
        trace_set_attr_str(s, "/", "created_utc", o->created_utc);

    struct trace_table *params;
    if (trace_table_open(s, "/provenance/parameters", TRACE_COMPOUND, param_fields,
                         ARRAY_SIZE(param_fields), &params) == 0) {
        for (size_t i = 0; i < sc->nr_params; i++) {
            union trace_value row[] = { { .str = sc->params[i].name },
                                        { .str = sc->params[i].value ? sc->params[i].value : "" },
                                        { .i32 = sc->params[i].overridden } };
            trace_append(s, params, row);
        }
    }
}

/* PREFIX/summary: one dataset per metric of the table (include/asgsim/summary.h) that
   applies; the stack's (several groups) only those that add up over groups. */
void run_write_summary(struct trace_sink *sink, const char *prefix, const struct run_summary *r,
                       bool stack)
{
    for (size_t m = 0; m < SUMMARY_NR; m++) {
        const struct summary_metric *sm = &summary_metrics[m];
        bool derived = !strcmp(sm->name, "cost_per_million_requests_usd"); /* stack_summary */
        if (!summary_applies(r, m) || (stack && !summary_adds(m) && !derived))
            continue;
        char *path = xasprintf("%s/summary/%s", prefix, sm->name);
        if (sm->kind == SUMMARY_COUNT)
            trace_put_i64(sink, path, (int64_t)summary_get(r, m), sm->units);
        else
            trace_put_f64(sink, path, summary_get(r, m), sm->units);
        free(path);
    }
}
