/*
 * The predictive-scaling forecaster (forecast.h): what the seasonal model reproduces, when it
 * refuses, the seasonal-naive baseline and the accuracy figures, and that it beats the
 * seasonal-naive forecast on the shipped WorldCup98 trace (issue 21 item 3).
 */
#include "helpers.h"

#include "asgsim/diag.h"
#include "asgsim/forecast.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2024-01-01T00:00Z (a Monday) in hours since 1970 */
#define MONDAY_H (19723 * 24)

START_TEST(test_forecast_flat_history_forecasts_the_same_load)
{
    double y[FORECAST_HISTORY_H], out[FORECAST_HORIZON_H];
    for (size_t i = 0; i < FORECAST_HISTORY_H; i++)
        y[i] = 500;
    ck_assert_int_eq(forecast_seasonal(y, FORECAST_HISTORY_H, MONDAY_H, FORECAST_HORIZON_H, out),
                     0);
    for (size_t j = 0; j < FORECAST_HORIZON_H; j++)
        ck_assert_double_eq_tol(out[j], 500, 1e-6);
}

END_TEST

/* AWS: "at least 24 hours of historical data" before a forecast is generated
   (ec2-auto-scaling-predictive-scaling.html); unknown hours do not count. */
START_TEST(test_forecast_needs_24_known_hours)
{
    double y[30], out[FORECAST_HORIZON_H] = { -1 };
    for (size_t i = 0; i < 30; i++)
        y[i] = i < 7 ? (double)NAN : 100;
    ck_assert_int_eq(forecast_seasonal(y, 30, MONDAY_H, FORECAST_HORIZON_H, out), ASG_EINVAL);
    ck_assert_double_eq(out[0], -1);
    ck_assert_int_eq(forecast_seasonal(y, 23, MONDAY_H, 1, out), ASG_EINVAL);
    y[3] = 100; /* now 24 known */
    ck_assert_int_eq(forecast_seasonal(y, 30, MONDAY_H, FORECAST_HORIZON_H, out), 0);
}

END_TEST

/* A daily shape with a weekend dip repeats exactly: the fit reproduces the next two days to
   within 1 % (not exactly: the offset c inside the log makes the pattern slightly less than
   multiplicative to the model). */
START_TEST(test_forecast_reproduces_daily_and_weekly_pattern)
{
    double y[FORECAST_HISTORY_H], out[FORECAST_HORIZON_H];
    double day[7] = { 1, 1, 1, 1, 1, 0.6, 0.5 };
    for (size_t i = 0; i < FORECAST_HISTORY_H + FORECAST_HORIZON_H; i++) {
        double v = 300 * day[(i / 24) % 7] *
                   (1 + 0.6 * cos(2 * 3.14159265358979323846 * ((double)(i % 24) - 15) / 24));
        if (i < FORECAST_HISTORY_H)
            y[i] = v;
        else
            out[i - FORECAST_HISTORY_H] = v;
    }
    double want[FORECAST_HORIZON_H];
    memcpy(want, out, sizeof(want));
    ck_assert_int_eq(forecast_seasonal(y, FORECAST_HISTORY_H, MONDAY_H, FORECAST_HORIZON_H, out),
                     0);
    for (size_t j = 0; j < FORECAST_HORIZON_H; j++)
        ck_assert_double_eq_tol(out[j], want[j], 0.01 * want[j]);
}

END_TEST

/* Growth of 2 % a day goes on in the forecast (for the first FORECAST_TREND_CAP_H hours). */
START_TEST(test_forecast_follows_a_trend)
{
    double y[FORECAST_HISTORY_H], out[FORECAST_HORIZON_H];
    for (size_t i = 0; i < FORECAST_HISTORY_H; i++)
        y[i] = 1000 * pow(1.02, (double)i / 24);
    ck_assert_int_eq(forecast_seasonal(y, FORECAST_HISTORY_H, MONDAY_H, FORECAST_HORIZON_H, out),
                     0);
    double next = 1000 * pow(1.02, (double)FORECAST_HISTORY_H / 24);
    ck_assert_double_eq_tol(out[0], next, 0.01 * next);
    double held = 1000 * pow(1.02, (double)(FORECAST_HISTORY_H - 1 + FORECAST_TREND_CAP_H) / 24);
    ck_assert_double_eq_tol(out[FORECAST_HORIZON_H - 1], held, 0.01 * held);
}

END_TEST

START_TEST(test_forecast_seasonal_naive_is_same_hour_last_week)
{
    double y[200];
    for (size_t i = 0; i < 200; i++)
        y[i] = (double)i;
    ck_assert(isnan(forecast_seasonal_naive(y, 200, 167)));
    ck_assert_double_eq(forecast_seasonal_naive(y, 200, 168), 0);
    ck_assert_double_eq(forecast_seasonal_naive(y, 200, 250), 82);
    ck_assert(isnan(forecast_seasonal_naive(y, 200, 368)));
}

END_TEST

START_TEST(test_forecast_accuracy_scores_common_hours)
{
    double f[] = { 110, 90, NAN, 50, 10 }, a[] = { 100, 100, 100, 0, 20 };
    double other[] = { 1, 1, 1, 1, NAN };
    double mape, bias;
    /* hours 0 and 1 only: hour 2 has no forecast, 3 no load, 4 no other forecast */
    ck_assert_uint_eq(forecast_accuracy(f, a, other, 5, &mape, &bias), 2);
    ck_assert_double_eq_tol(mape, 10, 1e-12);
    ck_assert_double_eq_tol(bias, 0, 1e-12);
    ck_assert_uint_eq(forecast_accuracy(f, a, NULL, 5, &mape, &bias), 3);
    ck_assert_double_eq_tol(mape, (10 + 10 + 50) / 3.0, 1e-12);
    ck_assert_double_eq_tol(bias, 100.0 * (210 - 220) / 220, 1e-12);
    ck_assert_uint_eq(forecast_accuracy(f, a, other, 0, &mape, &bias), 0);
    ck_assert(isnan(mape) && isnan(bias));
}

END_TEST

/*
 * Issue 21 item 3: on the shipped WorldCup98 trace (28 days from 1998-06-01), forecasts made
 * every 6 hours from the previous 14 days, each used for the 6 hours after it (as a run acts
 * on them), have a lower MAPE over the last 14 days than the seasonal-naive forecast, and a
 * smaller bias.
 */
START_TEST(test_forecast_beats_seasonal_naive_on_worldcup98)
{
    char *path = test_src_path("data/worldcup98/worldcup98-1998-06-01-28d.tsv");
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);

    enum { HOURS = 28 * 24 };

    double sum[HOURS] = { 0 }, y[HOURS], fc[HOURS], naive[HOURS];
    int cnt[HOURS] = { 0 };
    char line[256];
    while (fgets(line, sizeof(line), fp)) {
        if (line[0] == '#')
            continue;
        char *end;
        double t = strtod(line, &end), r = strtod(end, NULL);
        size_t h = (size_t)(t / 3600);
        ck_assert_uint_lt(h, HOURS);
        sum[h] += r;
        cnt[h]++;
    }
    fclose(fp);
    free(path);
    for (size_t h = 0; h < HOURS; h++) {
        y[h] = cnt[h] ? sum[h] / cnt[h] : (double)NAN;
        fc[h] = (double)NAN;
        naive[h] = forecast_seasonal_naive(y, HOURS, h);
    }
    const int64_t first_hour = 10378 * 24; /* 1998-06-01 */
    for (size_t t = FORECAST_HISTORY_H; t < HOURS; t += 6) {
        double out[FORECAST_HORIZON_H];
        ck_assert_int_eq(forecast_seasonal(y + t - FORECAST_HISTORY_H, FORECAST_HISTORY_H,
                                           first_hour + (int64_t)(t - FORECAST_HISTORY_H),
                                           FORECAST_HORIZON_H, out),
                         0);
        for (size_t j = 0; j < 6; j++)
            fc[t + j] = out[j];
    }
    double m, b, nm, nb;
    size_t k = forecast_accuracy(fc + FORECAST_HISTORY_H, y + FORECAST_HISTORY_H,
                                 naive + FORECAST_HISTORY_H, HOURS - FORECAST_HISTORY_H, &m, &b);
    forecast_accuracy(naive + FORECAST_HISTORY_H, y + FORECAST_HISTORY_H, fc + FORECAST_HISTORY_H,
                      HOURS - FORECAST_HISTORY_H, &nm, &nb);
    fprintf(stderr,
            "worldcup98: %zu hours, model MAPE %.2f %% bias %.2f %%, seasonal naive "
            "MAPE %.2f %% bias %.2f %%\n",
            k, m, b, nm, nb);
    ck_assert_uint_eq(k, HOURS - FORECAST_HISTORY_H);
    ck_assert_double_lt(m, nm);
    ck_assert_double_lt(fabs(b), fabs(nb));
}

END_TEST

Suite *forecast_suite(void);

Suite *forecast_suite(void)
{
    Suite *s = suite_create("forecast");
    TCase *t = tcase_create("forecast");
    tcase_add_test(t, test_forecast_flat_history_forecasts_the_same_load);
    tcase_add_test(t, test_forecast_needs_24_known_hours);
    tcase_add_test(t, test_forecast_reproduces_daily_and_weekly_pattern);
    tcase_add_test(t, test_forecast_follows_a_trend);
    tcase_add_test(t, test_forecast_seasonal_naive_is_same_hour_last_week);
    tcase_add_test(t, test_forecast_accuracy_scores_common_hours);
    tcase_add_test(t, test_forecast_beats_seasonal_naive_on_worldcup98);
    suite_add_tcase(s, t);
    return s;
}
