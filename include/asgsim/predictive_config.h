/*
 * predictive_config.h - a predictive scaling policy (PredictiveScalingConfiguration of an
 * AWS::AutoScaling::ScalingPolicy) as plain data. Bound by models/predictive_config.c,
 * run by predictive.h.
 */
#ifndef ASGSIM_PREDICTIVE_CONFIG_H
#define ASGSIM_PREDICTIVE_CONFIG_H

#include "asgsim/sim.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * The quantities asgsim produces that predictive scaling can use. Each is proportional to
 * the offered load: a load metric is the group's total (ASGTotalCPUUtilization, the ALB's
 * RequestCount, ...), a scaling metric the per-instance average that TargetValue is in
 * (ASGAverageCPUUtilization, RequestCountPerTarget, ...).
 */
enum predictive_metric { PM_CPU, PM_NETWORK_IN, PM_NETWORK_OUT, PM_ALB_REQUESTS, PM_NR };

/** "ASGCPUUtilization", "ASGNetworkIn", "ASGNetworkOut", "ALBRequestCount" (metric pairs). */
extern const char *const predictive_pair_names[PM_NR];

enum predictive_mode {
    PREDICTIVE_FORECAST_ONLY,
    PREDICTIVE_FORECAST_AND_SCALE,
    PREDICTIVE_MODE_NR
};

/** "ForecastOnly", "ForecastAndScale" */
extern const char *const predictive_mode_names[PREDICTIVE_MODE_NR];

/** Default SchedulingBufferTime (API_PredictiveScalingConfiguration). */
#define PREDICTIVE_DEFAULT_BUFFER SIM_SEC(300)

struct predictive_config {
    enum predictive_mode mode;             /* ForecastOnly by default */
    enum predictive_metric load_metric;    /* what is forecast */
    enum predictive_metric scaling_metric; /* what TargetValue is in, per instance */
    double target_value;                   /* in the scaling metric's unit */
    sim_time scheduling_buffer;            /* launch this long before the hour; < 1 h */
    bool increase_max;                     /* MaxCapacityBreachBehavior IncreaseMaxCapacity */
    int64_t max_capacity_buffer_pct;       /* MaxCapacityBuffer, 0-100 (IncreaseMaxCapacity) */
};

#endif /* ASGSIM_PREDICTIVE_CONFIG_H */
