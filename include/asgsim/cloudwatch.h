/*
 * cloudwatch.h - the metrics CloudWatch holds for one Auto Scaling group, and alarm
 * evaluation over them.
 *
 * Metrics: the EC2 per-instance metrics aggregated over the group (CPUUtilization,
 * NetworkIn, NetworkOut with the AutoScalingGroupName dimension), the ALB's
 * RequestCountPerTarget and the group size metrics (AWS/AutoScaling, 1-minute). EC2
 * metrics have 5-minute periods with basic monitoring and 1-minute periods with detailed
 * monitoring (using-cloudwatch-new.html). A period's datapoint becomes visible
 * `publication_delay` after the period ends. The caller samples the fleet every
 * CW_SAMPLE_STEP and records the values; a datapoint is the average of its samples. Its
 * SampleCount counts each reporting source once per sample slot (a minute for CPUUtilization,
 * so five per instance in a basic-monitoring datapoint, as AWS's hypervisor samples; see
 * sample_slot in cloudwatch.c) and each request of a per-request metric.
 * Instances still in their default instance warmup are left out of the EC2 aggregates by
 * the caller (ec2-auto-scaling-default-instance-warmup.html).
 *
 * Percentiles (Statistics-definitions.html: "the relative standing of a value in a dataset")
 * are over a period's raw samples. For a metric the caller also records as latency
 * histograms (cloudwatch_record_hist: TargetResponseTime, one per serving interval) they are
 * the percentile of the histograms of the period merged, that is of the latencies of the
 * requests completed in it. For the other metrics the raw samples are the datapoints: each
 * metric period's value counted once per sample its sources took (its SampleCount;
 * asgsim's instances are alike, so they all report that value).
 *
 * Alarms (AlarmThatSendsEmail.html, API_PutMetricAlarm.html) are evaluated every minute
 * over an "M out of N" window of Period-long datapoints with TreatMissingData; see
 * cw_alarm_evaluate for the window and cw_alarm_decide for the decision.
 *
 * Ownership: struct cloudwatch owns its datapoints; alarm configs are borrowed.
 */
#ifndef ASGSIM_CLOUDWATCH_H
#define ASGSIM_CLOUDWATCH_H

#include "asgsim/cloudwatch_config.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** How often the caller samples the fleet into CloudWatch. */
#define CW_SAMPLE_STEP SIM_SEC(10)

/** One period of one metric, aggregated over its samples. */
struct cw_datapoint {
    sim_time start;
    double sum;           /* sum of sampled values, each weighted by its sample count */
    double weight;        /* total weight of the samples */
    double min;           /* smallest sampled value */
    double max;           /* largest sampled value */
    double samples;       /* SampleCount: per sample slot the most sources reporting at once
                             (cloudwatch_record), or requests (cloudwatch_record_requests) */
    sim_time last_at;     /* time of the newest sample; -1 before one */
    double count_at_last; /* sources recorded at last_at */
    double slot_max;      /* most sources at once in last_at's sample slot */
};

/*
 * A ring of the datapoints within the retention: `nr` of them, the oldest at items[head].
 * It grows to at most `max` (retention / period + 2) within one retention window and then
 * stays that size, so memory does not depend on the run's length (issue 19).
 */
struct cw_series {
    sim_time period;
    struct cw_datapoint *items;
    size_t head, nr, alloc, max;
};

struct serve_hist;

/*
 * The latency histograms of a metric's newest periods, one per period, for percentiles: a
 * ring of `max` (fixed when kept) periods, the oldest at index `head`. Only the periods
 * within `window` of the newest are kept, so memory is max x sizeof(struct serve_hist)
 * whatever the run's length.
 */
struct cw_hist_ring {
    struct serve_hist *items;
    sim_time *start; /* period start of items[k] */
    size_t head, nr, max;
    sim_time window;
};

struct cloudwatch {
    struct cw_config cfg;
    struct cw_series series[CW_NR];
    struct cw_hist_ring hists[CW_NR]; /* empty (max 0) unless cloudwatch_keep_histograms() */
    sim_time retention;               /* datapoints older than this are dropped */
};

/**
 * Set up empty series; `retention` (> 0, at least the longest window any reader asks
 * for) bounds memory: a series holds at most retention / period + 2 datapoints.
 */
void cloudwatch_init(struct cloudwatch *cw, const struct cw_config *cfg, sim_time retention);

/** Free the datapoints; safe on a zeroed struct. */
void cloudwatch_release(struct cloudwatch *cw);

/** Period of metric `m`: 300 s for EC2 metrics with basic monitoring, else 60 s. */
sim_time cloudwatch_period(const struct cloudwatch *cw, enum cw_metric m);

/**
 * Record that at time `now` `count` sources (instances; 1 for group metrics) report
 * `value` each. count 0 records nothing (no datapoint is better than a zero).
 */
void cloudwatch_record(struct cloudwatch *cw, enum cw_metric m, sim_time now, double value,
                       double count);

/**
 * Record the requests completed in an interval ending by `now` for a per-request metric
 * (TargetResponseTime): `served` of them (> 0, else nothing), with latencies `h` (borrowed;
 * seconds). AWS: each request is one sample, so a period's SampleCount is its requests, Sum
 * their total latency, Average their mean, and Minimum/Maximum the fastest and slowest
 * request (load-balancer-cloudwatch-metrics, "Statistics for Application Load Balancer
 * metrics"). asgsim's rule for those two, from the histogram: the latency with half a
 * request of `h` below it (above it for the slowest), never beyond the interval's mean (one
 * request: the mean, its latency). In
 * request mode that lies in the bin of the fastest (slowest) request, within a bin's 2.3 %;
 * in fluid mode, where `h` is the latency law's mass spread over N requests, it is the
 * latency the fastest (slowest) of N draws is as likely to be below as above, about (the
 * law's support reaches the shift below and has no end above, so its bounds are no answer).
 * A period's are the extremes over its intervals.
 */
void cloudwatch_record_requests(struct cloudwatch *cw, enum cw_metric m, sim_time now,
                                double served, const struct serve_hist *h);

/**
 * Record `n` (>= 0; fractional in fluid mode) responses counted by a count metric of the load
 * balancer (HTTPCode_*_5XX_Count) in the period `now` lies in. AWS: "The most useful
 * statistic is Sum. Minimum, Maximum, and Average all return 1" (load-balancer-cloudwatch-
 * metrics): each response is a sample of 1, so Sum and SampleCount are the count. asgsim's
 * rule for a period without one: n = 0 gives a datapoint of one sample of 0 (alarms read 0,
 * not missing data), dropped as soon as the period counts a response.
 */
void cloudwatch_record_count(struct cloudwatch *cw, enum cw_metric m, sim_time now, double n);

/**
 * Keep the latency histograms of metric `m` (cloudwatch_record_hist) for percentiles over
 * periods that start within `window` (> 0) of the newest. Call once, before recording.
 */
void cloudwatch_keep_histograms(struct cloudwatch *cw, enum cw_metric m, sim_time window);

/**
 * Add histogram `h` (borrowed; its counts are requests, latencies in seconds) to the period
 * of `m` that `now` lies in. Nothing when `m`'s histograms are not kept or `h` is empty.
 */
void cloudwatch_record_hist(struct cloudwatch *cw, enum cw_metric m, sim_time now,
                            const struct serve_hist *h);

/** Datapoints metric `m`'s series holds now (at most its `max`). */
size_t cloudwatch_nr_datapoints(const struct cloudwatch *cw, enum cw_metric m);

/**
 * Statistic `st` of metric `m` over the datapoints starting in [from, to) that are
 * published by `now`. \return false (and *out untouched) when there is none.
 *
 * A percentile of a metric whose histograms are kept is the histograms' (interpolated within
 * a 2.3 % wide bin, serve_hist_quantile; p0 and p100 are the edges of the lowest and highest
 * bins that hold a request); of any other metric it is the smallest datapoint value whose
 * datapoints, weighted by SampleCount, make up at least p % of the weight (so p0 is the
 * Minimum and p100 the Maximum of the datapoints); where AWS documents no method, asgsim's.
 * Percentiles are asked of a histogram metric only once its histograms are kept.
 */
bool cloudwatch_stat(const struct cloudwatch *cw, enum cw_metric m, enum cw_statistic st,
                     sim_time from, sim_time to, sim_time now, double *out);

/**
 * The raw samples a percentile of `m` over [from, to) at `now` is computed from: the
 * requests in the histograms, or the datapoints' SampleCount; 0 when none.
 */
double cloudwatch_percentile_samples(const struct cloudwatch *cw, enum cw_metric m, sim_time from,
                                     sim_time to, sim_time now);

/** Does alarm `c` read a percentile of metric `m` (its statistic or a metric-math query)? */
bool cw_alarm_config_percentile_of(const struct cw_alarm_config *c, enum cw_metric m);

/**
 * The newest published datapoint of `m` at `now` as statistic `st` (one metric period).
 * \return false when none is published.
 */
bool cloudwatch_latest(const struct cloudwatch *cw, enum cw_metric m, enum cw_statistic st,
                       sim_time now, double *out);

/**
 * Metric math `m` over the datapoints starting in [from, to) published by `now`: each
 * query's statistic as cloudwatch_stat() gives it, combined by the expression. \return false
 * (and *out untouched) when a query has no datapoint or the result is not finite.
 */
bool cw_math_eval(const struct cw_math *m, const struct cloudwatch *cw, sim_time from, sim_time to,
                  sim_time now, double *out);

/** How many of the datapoints an evaluation used struct cw_alarm keeps (the newest). */
#define CW_ALARM_USED_MAX 16

/**
 * An alarm at run time. Plain data, no allocation: nothing to release.
 *
 * What the last evaluation used, for the decision log: `last_from`/`last_to` bound the
 * newest alarm period holding a real datapoint; `used_*` are the N datapoints the
 * decision counted (cw_alarm_decide), newest first: the N newest real ones when the
 * evaluation range holds N, else every real one in the range plus N - real filled ones
 * (value NaN, start -1), placed where the newest missing periods are. Only the first
 * CW_ALARM_USED_MAX are kept; `used_nr` is N all the same.
 */
struct cw_alarm {
    const struct cw_alarm_config *cfg; /* borrowed */
    enum cw_alarm_state state;         /* a new alarm is INSUFFICIENT_DATA */
    double last_value;                 /* newest real datapoint of the last evaluation; NaN */
    /* the last evaluation's N newest real datapoints, for MetricAggregationType */
    double window_min, window_max, window_mean; /* NaN when none */
    sim_time changed_at;                        /* time of the last state change */
    sim_time evaluated_at;                      /* `now` of the last evaluation; -1 */
    sim_time window_end;                        /* end of the newest alarm period evaluated; -1 */
    sim_time last_from; /* [from, to) of the period of last_value; -1 when none */
    sim_time last_to;
    size_t used_nr;                         /* N after an evaluation, 0 before */
    double used_value[CW_ALARM_USED_MAX];   /* NaN for a filled (missing) datapoint */
    sim_time used_start[CW_ALARM_USED_MAX]; /* alarm period start; -1 for a filled one */
};

/** Start an alarm in INSUFFICIENT_DATA. */
void cw_alarm_init(struct cw_alarm *a, const struct cw_alarm_config *cfg);

/**
 * The end of the newest alarm period an evaluation at `now` looks at: the last whole
 * minute (10 s for alarms with Period < 60 s) at or before `now - publication_delay`,
 * that is the newest minute that is over and whose datapoints CloudWatch has published.
 */
sim_time cw_alarm_window_end(const struct cw_alarm_config *cfg, const struct cloudwatch *cw,
                             sim_time now);

/** Does `value` breach the alarm's threshold? */
bool cw_alarm_breaches(const struct cw_alarm_config *cfg, double value);

/**
 * Evaluate the alarm at `now` and set its state.
 *
 * The window slides: AWS evaluates alarms with Period >= 60 s every minute and those
 * with Period 10 s or 30 s every 10 s (AlarmThatSendsEmail.html), each over the most
 * recent periods, not periods aligned to Period boundaries. The newest alarm period is
 * [end - Period, end) with end = cw_alarm_window_end(); older ones step back by Period.
 * So a 5-minute alarm evaluated at 12:07 (no publication delay) looks at [12:02, 12:07),
 * [11:57, 12:02), ... The caller should call this every minute for Period >= 60 s and
 * every 10 s for Period < 60 s; any `now` gives the right window for that time.
 *
 * An alarm period's statistic is over the metric datapoints whose timestamp (period
 * start) lies in it and that are published by `now` (CloudWatch aggregates stored
 * datapoints by timestamp): a 5-minute alarm period over 1-minute datapoints aggregates
 * five; a 1-minute alarm period over 5-minute (basic monitoring) datapoints holds one only
 * when the datapoint's start falls in it and it is published, so most such periods are
 * missing, as in CloudWatch.
 *
 * Where AWS is silent, asgsim: takes an evaluation range of N + 2 periods (AWS documents
 * only "when N = 3, 5": "the exact number ... depends on the length of the alarm period
 * and whether it is based on a metric with standard resolution or high resolution");
 * treats the publication delay as one fixed delay after a metric period ends (AWS
 * publishes no figure); counts periods that begin before time 0 as holding whatever
 * datapoints they have; and aggregates a period's datapoints as cloudwatch_stat does.
 *
 * EvaluateLowSampleCountPercentile `ignore` (cfg->low_sample_ignore): "the alarm state does
 * not change during periods with too few data points" (API_PutMetricAlarm). asgsim's
 * reading: when the newest alarm period holds a datapoint computed from fewer raw samples
 * than cw_low_sample_threshold(), the evaluation keeps the state (the older periods of the
 * window were judged when they were the newest).
 *
 * \return true when the state changed.
 */
bool cw_alarm_evaluate(struct cw_alarm *a, const struct cloudwatch *cw, sim_time now);

/**
 * The decision core, without metrics: `vals` holds the evaluation range newest first
 * (NaN = missing), `nr` of them. \return the new state given the current one.
 *
 * AWS's rules and tables (AlarmThatSendsEmail.html#alarms-evaluating-missing-data): N
 * real datapoints in the range -> the N newest decide, whatever TreatMissingData;
 * otherwise all real ones are used and the rest filled: breaching/notBreaching count the
 * filled ones as such; missing/ignore: M real breaching -> ALARM, a real non-breaching
 * one -> OK, else (all real ones breaching, fewer than M) missing gives ALARM when the
 * oldest is at least M periods old (the premature-alarm rule) and INSUFFICIENT_DATA
 * otherwise, and ignore keeps `current`. Where AWS's tables are silent (other M and N,
 * ignore with M real breaching), asgsim applies the same rules; that ignore never takes
 * the premature-alarm rule is the tables' ("- - X - -": IGNORE retains the state).
 */
enum cw_alarm_state cw_alarm_decide(const struct cw_alarm_config *cfg, const double *vals,
                                    size_t nr, enum cw_alarm_state current);

#endif /* ASGSIM_CLOUDWATCH_H */
