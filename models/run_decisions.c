/* The decision log of a run (/decisions, or a group's /groups/ID/decisions): run.h. */
#include "asgsim/policy.h"
#include "asgsim/run.h"
#include "asgsim/util.h"

#include <math.h>

#include "asgsim/banned.h"

/*
 * The decision log: one row per policy invocation (struct policy_decision, field for
 * field). Names of policies and alarms, the datapoints and the formula have no bound:
 * variable-length text. The metric value is in the alarm metric's own unit.
 */
enum dec_col {
    DEC_TIME,
    DEC_POLICY,
    DEC_KIND,
    DEC_ALARM,
    DEC_ALARM_STATE,
    DEC_METRIC_VALUE,
    DEC_METRIC_FROM,
    DEC_METRIC_TO,
    DEC_METRIC_VALUES,
    DEC_MEASURED_CAPACITY,
    DEC_CURRENT_CAPACITY,
    DEC_READY_CAPACITY,
    DEC_FORMULA,
    DEC_RESULT,
    DEC_DESIRED_BEFORE,
    DEC_DESIRED_AFTER,
    DEC_REASON,
    DEC_NR
};

/* alarm_state: cw_state_names, then "None" (-1: a scheduled action has no alarm). */
#define DECISION_ALARM_STATE_NONE CW_STATE_NR

static double seconds_or_nan(sim_time t)
{
    return t < 0 ? (double)NAN : sim_time_to_seconds(t);
}

int run_decisions_open(struct trace_sink *sink, struct trace_table **out)
{
    return run_decisions_open_at(sink, "/decisions", out);
}

int run_decisions_open_at(struct trace_sink *sink, const char *path, struct trace_table **out)
{
    const char *states[CW_STATE_NR + 1];
    for (size_t i = 0; i < CW_STATE_NR; i++)
        states[i] = cw_state_names[i];
    states[DECISION_ALARM_STATE_NONE] = "None";
    const struct trace_field fields[DEC_NR] = {
        [DEC_TIME] = { "time_s", TRACE_F64, "s", 0, NULL, 0 },
        [DEC_POLICY] = { "policy", TRACE_VSTR, "1", 0, NULL, 0 },
        [DEC_KIND] = { "kind", TRACE_VSTR, "1", 0, NULL, 0 },
        [DEC_ALARM] = { "alarm", TRACE_VSTR, "1", 0, NULL, 0 },
        [DEC_ALARM_STATE] = { "alarm_state", TRACE_ENUM, "1", 0, states, ARRAY_SIZE(states) },
        [DEC_METRIC_VALUE] = { "metric_value", TRACE_F64, "metric", 0, NULL, 0 },
        [DEC_METRIC_FROM] = { "metric_from_s", TRACE_F64, "s", 0, NULL, 0 },
        [DEC_METRIC_TO] = { "metric_to_s", TRACE_F64, "s", 0, NULL, 0 },
        [DEC_METRIC_VALUES] = { "metric_values", TRACE_VSTR, "1", 0, NULL, 0 },
        [DEC_MEASURED_CAPACITY] = { "measured_capacity", TRACE_F64, "units", 0, NULL, 0 },
        [DEC_CURRENT_CAPACITY] = { "current_capacity", TRACE_I64, "units", 0, NULL, 0 },
        [DEC_READY_CAPACITY] = { "ready_capacity", TRACE_I64, "units", 0, NULL, 0 },
        [DEC_FORMULA] = { "formula", TRACE_VSTR, "1", 0, NULL, 0 },
        [DEC_RESULT] = { "result", TRACE_I64, "units", 0, NULL, 0 },
        [DEC_DESIRED_BEFORE] = { "desired_before", TRACE_I64, "units", 0, NULL, 0 },
        [DEC_DESIRED_AFTER] = { "desired_after", TRACE_I64, "units", 0, NULL, 0 },
        [DEC_REASON] = { "reason", TRACE_ENUM, "1", 0, decision_reason_names, DECISION_NR },
    };
    return trace_table_open(sink, path, TRACE_COMPOUND, fields, DEC_NR, out);
}

int run_decision_append(struct trace_sink *sink, struct trace_table *t,
                        const struct policy_decision *d)
{
    union trace_value row[DEC_NR] = {
        [DEC_TIME] = { .f64 = sim_time_to_seconds(d->time) },
        [DEC_POLICY] = { .str = d->policy },
        [DEC_KIND] = { .str = d->kind },
        [DEC_ALARM] = { .str = d->alarm },
        [DEC_ALARM_STATE] = { .i32 = d->alarm_state < 0 ? DECISION_ALARM_STATE_NONE
                                                        : (int32_t)d->alarm_state },
        [DEC_METRIC_VALUE] = { .f64 = d->metric_value },
        [DEC_METRIC_FROM] = { .f64 = seconds_or_nan(d->metric_from) },
        [DEC_METRIC_TO] = { .f64 = seconds_or_nan(d->metric_to) },
        [DEC_METRIC_VALUES] = { .str = d->metric_values },
        [DEC_MEASURED_CAPACITY] = { .f64 = d->measured_capacity },
        [DEC_CURRENT_CAPACITY] = { .i64 = d->current_capacity },
        [DEC_READY_CAPACITY] = { .i64 = d->ready_capacity },
        [DEC_FORMULA] = { .str = d->formula },
        [DEC_RESULT] = { .i64 = d->result },
        [DEC_DESIRED_BEFORE] = { .i64 = d->desired_before },
        [DEC_DESIRED_AFTER] = { .i64 = d->desired_after },
        [DEC_REASON] = { .i32 = (int32_t)d->reason },
    };
    return trace_append(sink, t, row);
}
