/*
 * predictive.h - predictive scaling at run time, part of the autoscaler (policy.h).
 *
 * For each PredictiveScaling policy (aws-behaviour.md 4.5): the load of every UTC hour is
 * recorded when the hour ends (the mean offered load over the hour, sampled every
 * CW_SAMPLE_STEP as CloudWatch samples it), starting with `Predictive: History` of load
 * before StartTime, evaluated from the workload without simulating those days. From 24
 * hours of history on, a forecast of the next 48 hours (forecast.h) is made at StartTime and
 * refreshed at every UTC hour divisible by 6, from the previous 14 days. SchedulingBufferTime
 * before each hour, a ForecastAndScale policy raises desired capacity to the forecast
 * capacity of that hour when it is below it (never lowers it), within MinSize and MaxSize, or
 * raises MaxSize as IncreaseMaxCapacity allows. Until the next hour's action the forecast
 * capacity is a floor under dynamic scaling's scale-in: the group takes the larger of the
 * two (ec2-auto-scaling-predictive-scaling). ForecastOnly policies forecast and log the
 * same decisions without acting.
 *
 * Forecast capacity = ceil(forecast load x scaling metric per request/s / TargetValue): the
 * capacity that holds the scaling metric at TargetValue, which is where target tracking
 * settles on a flat load (asgsim's rule: AWS does not publish its formula). Every simulated
 * metric is proportional to the offered load, so asgsim forecasts the offered load in
 * requests/s; the load metric's own unit differs by a constant factor.
 *
 * Ownership: the autoscaler owns its predictors; configs and the group are borrowed.
 */
#ifndef ASGSIM_PREDICTIVE_H
#define ASGSIM_PREDICTIVE_H

#include "asgsim/forecast.h"
#include "asgsim/policy.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct predictor {
    const struct policy_config *p; /* borrowed */
    struct autoscaler *a;          /* the owner */
    double per_rps;                /* scaling metric (summed over the group) per request/s */
    int64_t first_hour;            /* UTC hour (since 1970) of load[0] */
    int64_t history_hour;          /* UTC hour the history starts (first_hour at the start) */
    double *load;                  /* mean load of each hour, requests/s; NaN unknown */
    double *in_force;              /* forecast load acted on for each hour; NaN none */
    size_t nr_hours, alloc_hours;  /* hours recorded in load / in_force */
    int64_t done_hour;             /* hours before this one are recorded */
    double fc[FORECAST_HORIZON_H]; /* the newest forecast, hours fc_hour.. */
    int64_t fc_hour;
    sim_time fc_issued; /* -1: no forecast yet */
    int64_t next_action_hour;
    sim_event_id action, tick;
    /* Running sums of predictor_score, hour by hour as hours end, so that load and
       in_force keep only the hours forecasts read (issue 19: memory flat over years). */
    size_t sc_k, sc_naive_k;
    double sc_ape, sc_sf, sc_sa, sc_naive_ape, sc_naive_sf, sc_naive_sa;
    char values[512];  /* the decision's metric_values */
    char formula[256]; /* the decision's formula */
};

/**
 * Accuracy of a run's forecasts (forecast_accuracy), and of seasonal-naive ones on the hours
 * that have both (all of them when the history reaches a week before StartTime).
 */
struct forecast_score {
    size_t hours; /* hours scored: forecast and load known, load > 0 */
    double mape_pct, bias_pct;
    size_t naive_hours; /* those of them with a seasonal-naive forecast too */
    double naive_mape_pct, naive_bias_pct;
};

/**
 * Start a predictor for each PredictiveScaling policy of a->cfg (autoscaler_start calls it
 * once the autoscaler is set up): history, the first forecast, the hourly events up to `end`.
 */
void autoscaler_predictive_start(struct autoscaler *a, sim_time end);

/** Cancel the predictors' events and free them; safe when none were started. */
void autoscaler_predictive_release(struct autoscaler *a);

/**
 * The predictor whose figures the run reports: the ForecastAndScale one, else the first.
 * \return NULL when the scenario has no predictive policy.
 */
const struct predictor *autoscaler_predictor(const struct autoscaler *a);

/**
 * The forecast load (requests/s) in force at `now`, and its forecast capacity (units,
 * before MinSize/MaxSize): the hour whose action has run, which is the hour holding
 * now + SchedulingBufferTime. \return false (outputs NaN) when there is none.
 */
bool predictor_forecast_at(const struct predictor *pr, sim_time now, double *load_rps,
                           double *capacity);

/** Score the forecasts of the hours recorded since StartTime against their actual load. */
void predictor_score(const struct predictor *pr, struct forecast_score *out);

#endif /* ASGSIM_PREDICTIVE_H */
