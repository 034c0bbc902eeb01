/*
 * forecast.h - the load forecaster of predictive scaling: a seasonal regression over the
 * hourly history, and the seasonal-naive forecast it is scored against.
 *
 * AWS does not publish its forecaster (ec2-auto-scaling-predictive-scaling.html says only
 * that it learns daily and weekly patterns from up to 14 days of history). asgsim's model,
 * fitted by weighted least squares with GSL (gsl_multifit_wlinear):
 *
 *   log(y[t] + c) = b0 + b1 * t + hour_of_day[h(t)] + day_of_week[d(t)] + e[t]
 *
 * y[t] the load of UTC hour t, c = 1 % of the mean load (so hours with no load stay finite),
 * h and d the UTC hour of day and day of week. Multiplicative seasonality: the daily shape
 * scales with the level, as web traffic does. The weights halve every FORECAST_HALF_LIFE_H
 * hours (one day) back from the newest hour, so the fit follows a level that moves (a trend
 * that turns, an event that builds up); the weekly profile therefore leans on the most recent
 * occurrence of each weekday, relative to the trend.
 * Terms enter only when the history can identify them: the hourly profile from 24 hours, the
 * trend from 72, the weekly profile from 14 days (each weekday seen twice). The trend is
 * damped: its slope is extrapolated over at most FORECAST_TREND_CAP_H hours, then held.
 * The forecast is exp(fitted) - c, never below 0.
 *
 * Plain functions of their inputs: no allocation survives a call, no state.
 */
#ifndef ASGSIM_FORECAST_H
#define ASGSIM_FORECAST_H

#include <stddef.h>
#include <stdint.h>

/** Hours of history the forecaster uses at most (AWS: the previous 14 days). */
#define FORECAST_HISTORY_H 336
/** Hours of history needed before any forecast (AWS: at least 24 hours). */
#define FORECAST_MIN_HISTORY_H 24
/** Hours each forecast covers (AWS: the next 48 hours, hourly). */
#define FORECAST_HORIZON_H 48
/** Weight half-life of the fit, hours. */
#define FORECAST_HALF_LIFE_H 24.0
/** Hours over which the fitted trend is extrapolated before it is held. */
#define FORECAST_TREND_CAP_H 24.0

/**
 * Fit the seasonal model to `n` hourly loads y[0..n) (y[i] is UTC hour first_hour + i, hours
 * since 1970; loads >= 0, NaN for an unknown hour, which is left out of the fit) and write
 * the `horizon` hours that follow to out[0..horizon).
 * \return 0, or ASG_EINVAL (out untouched) when fewer than FORECAST_MIN_HISTORY_H hours are
 *         known.
 */
int forecast_seasonal(const double *y, size_t n, int64_t first_hour, size_t horizon, double *out);

/**
 * The seasonal-naive forecast of hour `i` (an index into y, possibly >= n for a forecast
 * ahead): the load of the same hour one week before, y[i - 168], when that lies in y and is
 * known. \return the value or NaN.
 */
double forecast_seasonal_naive(const double *y, size_t n, size_t i);

/**
 * Accuracy of forecasts f against actual loads a over `n` hours, counting only hours where
 * f, a and (when `also` is not NULL) also[i] are all known and a > 0, so that two forecasts
 * are scored on the same hours. mape_pct: mean of |f - a| / a, in percent; bias_pct:
 * (sum f - sum a) / sum a, in percent (positive: over-forecast). \return the hours counted
 * (0: both outputs NaN).
 */
size_t forecast_accuracy(const double *f, const double *a, const double *also, size_t n,
                         double *mape_pct, double *bias_pct);

#endif /* ASGSIM_FORECAST_H */
