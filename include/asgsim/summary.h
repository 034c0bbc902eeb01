/*
 * summary.h - the one table of summary metrics (issue 16). Every writer iterates it:
 * /summary, `asgsim run --json`, /sweep/results and /sweep/stats, export, report and the
 * README's table (`asgsim metrics` prints it). Adding a metric is one line below, plus
 * setting its field of struct run_summary where the run ends (models/run.c).
 *
 * Naming rule: snake_case with the unit as a suffix (_s, _usd, _rps, _pct; none for
 * counts); over replications the same name plus _mean, _sd, _ci_low, _ci_high, _n.
 * Renaming or re-laying any output raises ASGSIM_SCHEMA_VERSION.
 */
#ifndef ASGSIM_SUMMARY_H
#define ASGSIM_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* /provenance schema_version: raised whenever an output name or layout changes. */
#define ASGSIM_SCHEMA_VERSION 3

/* Kinds: REAL is a double; COUNT a whole number (uint64_t, written as a 64-bit integer). */
#define SUMMARY_CTYPE_REAL  double
#define SUMMARY_CTYPE_COUNT uint64_t

/* Flags: SCALING metrics are written only when the scenario scales (alarms, policies,
   scheduled actions). */
#define SUMMARY_ALWAYS     0u
#define SUMMARY_SCALING    1u
#define SUMMARY_PREDICTIVE 2u /* written only when the scenario has a predictive policy */

/* X(name, kind, HDF5 units, flags, description) - one line per metric. */
#define SUMMARY_METRICS(X)                                                                         \
    X(duration_s, REAL, "s", SUMMARY_ALWAYS, "simulated time")                                     \
    X(cost_usd, REAL, "USD", SUMMARY_ALWAYS,                                                       \
      "usage at list prices, On-Demand plus Spot (the sum of /instances cost_usd)")                \
    X(instance_hours, REAL, "h", SUMMARY_ALWAYS, "billed instance time")                           \
    X(instances_launched, COUNT, "instances", SUMMARY_ALWAYS, "instances launched")                \
    X(instances_terminated, COUNT, "instances", SUMMARY_ALWAYS, "instances terminated")            \
    X(activities, COUNT, "activities", SUMMARY_ALWAYS, "scaling activities")                       \
    X(mean_in_service, REAL, "instances", SUMMARY_ALWAYS,                                          \
      "time-average of InService instances over the samples")                                      \
    X(mean_cpu_utilization_pct, REAL, "percent", SUMMARY_ALWAYS,                                   \
      "mean CPU utilization over samples with an InService instance")                              \
    X(events, COUNT, "events", SUMMARY_ALWAYS, "engine events fired")                              \
    X(requests_arrived, REAL, "requests", SUMMARY_ALWAYS, "requests offered")                      \
    X(requests_served, REAL, "requests", SUMMARY_ALWAYS, "requests served")                        \
    X(requests_dropped, REAL, "requests", SUMMARY_ALWAYS,                                          \
      "requests dropped: queue full or no InService instance")                                     \
    X(requests_over_objective, REAL, "requests", SUMMARY_ALWAYS,                                   \
      "requests served slower than LatencyObjective")                                              \
    X(latency_mean_s, REAL, "s", SUMMARY_ALWAYS, "mean latency, arrival to completion")            \
    X(latency_p50_s, REAL, "s", SUMMARY_ALWAYS, "median latency")                                  \
    X(latency_p95_s, REAL, "s", SUMMARY_ALWAYS, "95th percentile latency")                         \
    X(latency_p99_s, REAL, "s", SUMMARY_ALWAYS, "99th percentile latency")                         \
    X(latency_objective_s, REAL, "s", SUMMARY_ALWAYS, "LatencyObjective (0: none)")                \
    X(time_over_objective_s, REAL, "s", SUMMARY_ALWAYS,                                            \
      "sample intervals whose p99 latency exceeded the objective")                                 \
    X(cost_on_demand_usd, REAL, "USD", SUMMARY_ALWAYS, "On-Demand usage at list prices")           \
    X(cost_spot_usd, REAL, "USD", SUMMARY_ALWAYS, "Spot usage")                                    \
    X(cost_storage_usd, REAL, "USD", SUMMARY_ALWAYS, "EBS storage")                                \
    X(cost_on_demand_after_discounts_usd, REAL, "USD", SUMMARY_ALWAYS,                             \
      "On-Demand usage after Reserved Instances and Savings Plans")                                \
    X(cost_reserved_instances_usd, REAL, "USD", SUMMARY_ALWAYS, "Reserved Instance fees")          \
    X(cost_savings_plan_usd, REAL, "USD", SUMMARY_ALWAYS, "Savings Plan commitment")               \
    X(cost_total_usd, REAL, "USD", SUMMARY_ALWAYS,                                                 \
      "the invoice: On-Demand after discounts, fees, Spot and EBS")                                \
    X(cost_per_million_requests_usd, REAL, "USD", SUMMARY_ALWAYS,                                  \
      "cost_total_usd per million requests served (NaN: none served)")                             \
    X(instances_on_demand, COUNT, "instances", SUMMARY_ALWAYS, "On-Demand instances launched")     \
    X(instances_spot, COUNT, "instances", SUMMARY_ALWAYS, "Spot instances launched")               \
    X(spot_rebalance_recommendations, COUNT, "signals", SUMMARY_ALWAYS,                            \
      "Spot rebalance recommendations")                                                            \
    X(spot_interruption_notices, COUNT, "signals", SUMMARY_ALWAYS, "Spot interruption notices")    \
    X(spot_interruptions, COUNT, "instances", SUMMARY_ALWAYS, "Spot instances interrupted")        \
    X(lifecycle_actions, COUNT, "actions", SUMMARY_ALWAYS, "lifecycle actions finished")           \
    X(lifecycle_action_timeouts, COUNT, "actions", SUMMARY_ALWAYS,                                 \
      "lifecycle hook actions that timed out")                                                     \
    X(launches_abandoned, COUNT, "instances", SUMMARY_ALWAYS,                                      \
      "launches abandoned by a lifecycle hook")                                                    \
    X(instance_failures_ec2, COUNT, "instances", SUMMARY_ALWAYS, "EC2 status check failures")      \
    X(instance_failures_elb, COUNT, "instances", SUMMARY_ALWAYS,                                   \
      "load balancer health check failures")                                                       \
    X(health_replacements, COUNT, "instances", SUMMARY_ALWAYS, "unhealthy instances replaced")     \
    X(lifetime_replacements, COUNT, "instances", SUMMARY_ALWAYS,                                   \
      "instances replaced at MaxInstanceLifetime")                                                 \
    X(warm_starts, COUNT, "instances", SUMMARY_ALWAYS, "instances started from the warm pool")     \
    X(launch_failures, COUNT, "launches", SUMMARY_ALWAYS, "launches no AZ could place")            \
    X(partition_failed_instances, COUNT, "instances", SUMMARY_ALWAYS,                              \
      "instances lost to a placement partition failure")                                           \
    X(returned_to_warm_pool, COUNT, "instances", SUMMARY_ALWAYS,                                   \
      "InService instances returned by ReuseOnScaleIn")                                            \
    X(launch_retries, COUNT, "retries", SUMMARY_ALWAYS, "launch retries")                          \
    X(rebalance_launches, COUNT, "instances", SUMMARY_ALWAYS, "launches by AZ rebalancing")        \
    X(warm_pool_health_replacements, COUNT, "instances", SUMMARY_ALWAYS,                           \
      "unhealthy warm pool instances replaced")                                                    \
    X(policy_capacity_changes, COUNT, "activities", SUMMARY_SCALING,                               \
      "capacity changes by scaling policies")                                                      \
    X(scheduled_capacity_changes, COUNT, "activities", SUMMARY_SCALING,                            \
      "capacity changes by scheduled actions")                                                     \
    X(policy_invocations, COUNT, "invocations", SUMMARY_SCALING,                                   \
      "policy invocations (rows of /decisions)")                                                   \
    X(forecast_hours, COUNT, "h", SUMMARY_PREDICTIVE,                                              \
      "hours of the run whose forecast was scored against the hour's mean load")                   \
    X(forecast_mape_pct, REAL, "percent", SUMMARY_PREDICTIVE,                                      \
      "predictive scaling's forecast: mean absolute percentage error of the hourly load")          \
    X(forecast_bias_pct, REAL, "percent", SUMMARY_PREDICTIVE,                                      \
      "predictive scaling's forecast: (forecast - actual) / actual load, summed over the hours")   \
    X(seasonal_naive_hours, COUNT, "h", SUMMARY_PREDICTIVE,                                        \
      "those of them with a load one week before (the seasonal-naive forecast)")                   \
    X(seasonal_naive_mape_pct, REAL, "percent", SUMMARY_PREDICTIVE,                                \
      "the same hour last week as the forecast: mean absolute percentage error, same hours")       \
    X(seasonal_naive_bias_pct, REAL, "percent", SUMMARY_PREDICTIVE,                                \
      "the same hour last week as the forecast: bias")

enum summary_kind { SUMMARY_REAL, SUMMARY_COUNT };

/** The figures of one run, one field per metric (same name); also written to /summary. */
struct run_summary {
#define SUMMARY_FIELD(name, kind, units, flags, desc) SUMMARY_CTYPE_##kind name;
    SUMMARY_METRICS(SUMMARY_FIELD)
#undef SUMMARY_FIELD
    bool scaling;    /* the scenario scales: the SUMMARY_SCALING metrics apply */
    bool predictive; /* the scenario has a predictive policy: SUMMARY_PREDICTIVE apply */
};

enum summary_id {

#define SUMMARY_ID(name, kind, units, flags, desc) SUMMARY_ID_##name,
    SUMMARY_METRICS(SUMMARY_ID)
#undef SUMMARY_ID
            SUMMARY_NR
};

struct summary_metric {
    const char *name;        /* /summary dataset, --json key, sweep column */
    enum summary_kind kind;  /* REAL or COUNT */
    const char *units;       /* HDF5 units attribute */
    unsigned flags;          /* SUMMARY_SCALING */
    const char *description; /* README table */
};

extern const struct summary_metric summary_metrics[SUMMARY_NR];

/** Value of metric m of `r`, as a double. */
double summary_get(const struct run_summary *r, size_t m);

/** Set metric m of `r` (a COUNT is truncated to a whole number). */
void summary_set(struct run_summary *r, size_t m, double v);

/** true when metric m applies to the run (is written to /summary and --json). */
bool summary_applies(const struct run_summary *r, size_t m);

/** Index of the metric named `name`, or SUMMARY_NR. */
size_t summary_find(const char *name);

/** Whether metric m adds up over a stack's groups (the stack-wide /summary holds only those). */
bool summary_adds(size_t m);

/** Add every metric that adds up (summary_adds) of `from` to `to`; `scaling` is or-ed. */
void summary_add(struct run_summary *to, const struct run_summary *from);

#endif /* ASGSIM_SUMMARY_H */
