/* The predictive-scaling forecaster: seasonal regression in log space (forecast.h). */
#include "asgsim/forecast.h"

#include "asgsim/diag.h"
#include "asgsim/util.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdbool.h>

#include "asgsim/banned.h"

#define HOURS_PER_WEEK 168

/* UTC hour of day and day of week (0 = Monday; 1970-01-01 was a Thursday) of an epoch hour. */
static int hour_of_day(int64_t hour)
{
    int64_t h = hour % 24;
    return (int)(h < 0 ? h + 24 : h);
}

static int day_of_week(int64_t hour)
{
    int64_t day = hour >= 0 ? hour / 24 : (hour - 23) / 24;
    int64_t d = (day + 3) % 7;
    return (int)(d < 0 ? d + 7 : d);
}

struct design {
    bool trend, daily, weekly;
    size_t p; /* columns */
};

/* The regressors of epoch hour `hour` at time `t` (hours from the newest fitted hour). */
static void regressors(const struct design *ds, int64_t hour, double t, double *x)
{
    size_t k = 0;
    x[k++] = 1.0;
    if (ds->trend)
        x[k++] = t / 24.0; /* per day: keeps the column on the scale of the dummies */
    if (ds->daily)
        for (int h = 1; h < 24; h++)
            x[k++] = hour_of_day(hour) == h ? 1.0 : 0.0;
    if (ds->weekly)
        for (int d = 1; d < 7; d++)
            x[k++] = day_of_week(hour) == d ? 1.0 : 0.0;
}

int forecast_seasonal(const double *y, size_t n, int64_t first_hour, size_t horizon, double *out)
{
    size_t known = 0, first = n, last = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i])) {
            known++;
            sum += y[i];
            first = first < i ? first : i;
            last = i;
        }
    if (known < FORECAST_MIN_HISTORY_H)
        return ASG_EINVAL;
    double mean = sum / (double)known;
    if (!(mean > 0)) {
        for (size_t j = 0; j < horizon; j++)
            out[j] = 0;
        return 0;
    }
    double c = 0.01 * mean;
    size_t span = last - first + 1;
    struct design ds = { .trend = span >= 72, .daily = true, .weekly = span >= 2 * HOURS_PER_WEEK };
    ds.p = 1 + (ds.trend ? 1u : 0u) + (ds.daily ? 23u : 0u) + (ds.weekly ? 6u : 0u);

    gsl_matrix *X = gsl_matrix_alloc(known, ds.p);
    gsl_vector *z = gsl_vector_alloc(known), *w = gsl_vector_alloc(known);
    gsl_vector *beta = gsl_vector_alloc(ds.p);
    gsl_matrix *cov = gsl_matrix_alloc(ds.p, ds.p);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(known, ds.p);
    double x[1 + 1 + 23 + 6];
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i]))
            continue;
        double t = (double)i - (double)last; /* <= 0: the newest hour is t = 0 */
        regressors(&ds, first_hour + (int64_t)i, t, x);
        for (size_t k = 0; k < ds.p; k++)
            gsl_matrix_set(X, r, k, x[k]);
        gsl_vector_set(z, r, log(y[i] + c));
        gsl_vector_set(w, r, exp2(t / FORECAST_HALF_LIFE_H));
        r++;
    }
    double chisq;
    /* SVD-based: a design that the history cannot fully identify still gets the
       minimum-norm solution rather than an error */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int status = gsl_multifit_wlinear(X, w, z, beta, cov, &chisq, ws);
    gsl_set_error_handler(old);
    int ret = 0;
    if (status) {
        ret = ASG_EINVAL;
        goto out;
    }
    for (size_t j = 0; j < horizon; j++) {
        size_t i = n + j;
        double t = (double)i - (double)last;
        /* damped trend: the slope is followed for FORECAST_TREND_CAP_H hours, then held */
        regressors(&ds, first_hour + (int64_t)i, fmin(t, FORECAST_TREND_CAP_H), x);
        /* the trend column took the capped t; seasonal columns the real hour */
        double v = 0;
        for (size_t k = 0; k < ds.p; k++)
            v += x[k] * gsl_vector_get(beta, k);
        double f = exp(v) - c;
        out[j] = f > 0 ? f : 0;
    }
out:
    gsl_multifit_linear_free(ws);
    gsl_matrix_free(cov);
    gsl_vector_free(beta);
    gsl_vector_free(w);
    gsl_vector_free(z);
    gsl_matrix_free(X);
    return ret;
}

double forecast_seasonal_naive(const double *y, size_t n, size_t i)
{
    if (i < HOURS_PER_WEEK || i - HOURS_PER_WEEK >= n)
        return (double)NAN;
    return y[i - HOURS_PER_WEEK];
}

size_t forecast_accuracy(const double *f, const double *a, const double *also, size_t n,
                         double *mape_pct, double *bias_pct)
{
    size_t k = 0;
    double ape = 0, sf = 0, sa = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(f[i]) || isnan(a[i]) || !(a[i] > 0) || (also && isnan(also[i])))
            continue;
        k++;
        ape += fabs(f[i] - a[i]) / a[i];
        sf += f[i];
        sa += a[i];
    }
    *mape_pct = k ? 100.0 * ape / (double)k : (double)NAN;
    *bias_pct = k ? 100.0 * (sf - sa) / sa : (double)NAN;
    return k;
}
