/* CloudWatch as the group's scaling sees it: coarse, late metrics and M-of-N alarms. */
#include "asgsim/cloudwatch.h"

#include "asgsim/serve.h"
#include "asgsim/util.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *const cw_metric_names[CW_NR] = {
    [CW_CPU] = "CPUUtilization",
    [CW_NETWORK_IN] = "NetworkIn",
    [CW_NETWORK_OUT] = "NetworkOut",
    [CW_REQUEST_COUNT_PER_TGT] = "RequestCountPerTarget",
    [CW_GROUP_MIN_SIZE] = "GroupMinSize",
    [CW_GROUP_MAX_SIZE] = "GroupMaxSize",
    [CW_GROUP_DESIRED] = "GroupDesiredCapacity",
    [CW_GROUP_IN_SERVICE] = "GroupInServiceInstances",
    [CW_GROUP_PENDING] = "GroupPendingInstances",
    [CW_GROUP_TERMINATING] = "GroupTerminatingInstances",
    [CW_GROUP_TOTAL] = "GroupTotalInstances",
    [CW_REPORTING_CAPACITY] = "asgsim:ReportingCapacityUnits",
    [CW_IN_SERVICE_CAPACITY] = "asgsim:InServiceCapacityUnits",
    [CW_REQUEST_COUNT] = "RequestCount",
    [CW_AGENT_CPU] = "CPUUtilization (agent)",
    [CW_TARGET_RESPONSE_TIME] = "TargetResponseTime",
    [CW_ELB_5XX] = "HTTPCode_ELB_5XX_Count",
    [CW_TARGET_5XX] = "HTTPCode_Target_5XX_Count",
    [CW_SQS_VISIBLE] = "ApproximateNumberOfMessagesVisible",
    [CW_SQS_OLDEST_AGE] = "ApproximateAgeOfOldestMessage",
};

const char *const cw_statistic_names[CW_STAT_NR] = { "Average", "Sum", "Minimum", "Maximum",
                                                     "SampleCount" };

const char *const cw_comparison_names[CW_CMP_NR] = { "GreaterThanOrEqualToThreshold",
                                                     "GreaterThanThreshold", "LessThanThreshold",
                                                     "LessThanOrEqualToThreshold" };

const char *const cw_missing_names[CW_MISSING_NR] = { "missing", "notBreaching", "breaching",
                                                      "ignore" };

const char *const cw_state_names[CW_STATE_NR] = { "INSUFFICIENT_DATA", "OK", "ALARM" };

/*
 * fmin and fmax for numbers that are not NaN, inline: gcc calls libm for fmin/fmax (it may
 * not assume no NaN), three calls per recorded value. On a tie (+0 and -0) the second
 * argument, as glibc's fmin/fmax do on x86-64, so results are the same bits as before.
 */
static double lesser(double x, double y)
{
    return x < y ? x : y;
}

static double greater(double x, double y)
{
    return x > y ? x : y;
}

static bool is_ec2_metric(enum cw_metric m)
{
    /* the reporting capacity shares the EC2 metrics' periods, so that their datapoints
       cover the same time */
    return m == CW_CPU || m == CW_NETWORK_IN || m == CW_NETWORK_OUT || m == CW_REPORTING_CAPACITY;
}

void cloudwatch_init(struct cloudwatch *cw, const struct cw_config *cfg, sim_time retention)
{
    memset(cw, 0, sizeof(*cw));
    cw->cfg = *cfg;
    ASG_ASSERT(retention > 0);
    cw->retention = retention;
    for (int m = 0; m < CW_NR; m++) {
        struct cw_series *s = &cw->series[m];
        s->period = cloudwatch_period(cw, (enum cw_metric)m);
        /* starts are multiples of the period within [newest - retention, newest] */
        s->max = (size_t)(retention / s->period) + 2;
    }
}

/* The k-th datapoint of `s`, oldest first (k < s->nr). */
static struct cw_datapoint *at(const struct cw_series *s, size_t k)
{
    size_t i = s->head + k;
    return &s->items[i < s->alloc ? i : i - s->alloc];
}

/* Room for one more datapoint: double the ring up to s->max, oldest moved to the front. */
static void ring_grow(struct cw_series *s)
{
    ASG_ASSERT(s->nr == s->alloc && s->alloc < s->max);
    size_t alloc = s->alloc ? 2 * s->alloc : 16;
    if (alloc > s->max)
        alloc = s->max;
    struct cw_datapoint *items = xcalloc(alloc, sizeof(*items));
    for (size_t k = 0; k < s->nr; k++)
        items[k] = *at(s, k);
    free(s->items);
    s->items = items;
    s->alloc = alloc;
    s->head = 0;
}

size_t cloudwatch_nr_datapoints(const struct cloudwatch *cw, enum cw_metric m)
{
    return cw->series[m].nr;
}

void cloudwatch_release(struct cloudwatch *cw)
{
    for (int m = 0; m < CW_NR; m++) {
        free(cw->series[m].items);
        free(cw->hists[m].items);
        free(cw->hists[m].start);
    }
    memset(cw, 0, sizeof(*cw));
}

bool cw_percentile_parse(const char *s, enum cw_statistic *out)
{
    /* p(\d{1,2}(\.\d{0,2})?|100), whole string: API_PutMetricAlarm's ExtendedStatistic */
    if (s[0] != 'p')
        return false;
    int hundredths;
    if (!strcmp(s, "p100")) {
        hundredths = 10000;
    } else {
        const char *c = s + 1;
        int whole = 0, digits = 0;
        for (; isdigit((unsigned char)*c) && digits < 2; c++, digits++)
            whole = whole * 10 + (*c - '0');
        if (digits == 0)
            return false;
        int frac = 0, scale = 100;
        if (*c == '.') {
            c++;
            for (int k = 0; isdigit((unsigned char)*c) && k < 2; c++, k++) {
                scale /= 10;
                frac += (*c - '0') * scale;
            }
        }
        if (*c)
            return false;
        hundredths = whole * 100 + frac;
    }
    *out = (enum cw_statistic)((int)CW_PERCENTILE_0 + hundredths);
    return true;
}

const char *cw_extended_kind(const char *s)
{
    /* Statistics-definitions.html: tm/wm/tc/ts with a percentage (tm90), their
       TM(..)/WM(..)/TC(..)/TS(..) forms, IQM and PR(..) */
    static const struct {
        const char *lower, *upper, *kind;
    } forms[] = { { "tm", "TM(", "trimmed mean" },
                  { "wm", "WM(", "winsorized mean" },
                  { "tc", "TC(", "trimmed count" },
                  { "ts", "TS(", "trimmed sum" },
                  { NULL, "PR(", "percentile rank" } };

    if (!strcmp(s, "IQM"))
        return "interquartile mean";
    for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
        size_t n = strlen(forms[i].upper);
        if (!strncmp(s, forms[i].upper, n) && s[strlen(s) - 1] == ')')
            return forms[i].kind;
        if (forms[i].lower && !strncmp(s, forms[i].lower, 2) && isdigit((unsigned char)s[2]))
            return forms[i].kind;
    }
    return NULL;
}

double cw_low_sample_threshold(enum cw_statistic s)
{
    double q = cw_stat_percentile(s) / 100.0;
    if (q >= 0.5 && q < 1.0)
        return 10.0 / (1.0 - q);
    if (q > 0.0 && q < 0.5)
        return 10.0 / q;
    return 0.0;
}

sim_time cloudwatch_period(const struct cloudwatch *cw, enum cw_metric m)
{
    /* AWS: basic monitoring 5-minute periods, detailed 1-minute (using-cloudwatch-new);
       ALB metrics and the AWS/AutoScaling group metrics are 1-minute
       (ec2-auto-scaling-metrics). */
    if (m == CW_AGENT_CPU)
        return SIM_SEC(10); /* a high-resolution custom metric, 10-second datapoints */
    return is_ec2_metric(m) && !cw->cfg.detailed ? SIM_MIN(5) : SIM_MIN(1);
}

void cw_math_release(struct cw_math *m)
{
    free(m->queries);
    free(m->rpn);
    memset(m, 0, sizeof(*m));
}

bool cw_math_eval(const struct cw_math *m, const struct cloudwatch *cw, sim_time from, sim_time to,
                  sim_time now, double *out)
{
    double stack_vals[32];
    double *st = m->nr_rpn <= ARRAY_SIZE(stack_vals) ? stack_vals : xcalloc(m->nr_rpn, sizeof(*st));
    size_t n = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < m->nr_rpn; i++) {
        const struct cw_math_token *t = &m->rpn[i];
        double x, y;
        switch (t->op) {
        case CW_OP_NUM:
            st[n++] = t->num;
            break;
        case CW_OP_QUERY:
            /* a query without a datapoint leaves the period without one (asgsim's rule;
               CloudWatch's functions that fill gaps are not modelled) */
            ok = cloudwatch_stat(cw, m->queries[t->query].metric, m->queries[t->query].stat, from,
                                 to, now, &st[n++]);
            break;
        case CW_OP_NEG:
            st[n - 1] = -st[n - 1];
            break;
        default:
            y = st[--n];
            x = st[n - 1];
            if (t->op == CW_OP_ADD)
                st[n - 1] = x + y;
            else if (t->op == CW_OP_SUB)
                st[n - 1] = x - y;
            else if (t->op == CW_OP_MUL)
                st[n - 1] = x * y;
            else
                st[n - 1] = x / y;
            break;
        }
    }
    /* a division by zero gives no datapoint, not an infinity */
    ok = ok && n == 1 && isfinite(st[0]);
    if (ok)
        *out = st[0];
    if (st != stack_vals)
        free(st);
    return ok;
}

/*
 * How often one source gives one sample of `m` (SampleCount counts sources x slots). AWS
 * (ec2-metricscollected, "Metric Collection and Calculation"): in basic monitoring "the
 * hypervisor measures five separate samples per metric during each five-minute interval"
 * and each is in the datapoint's SampleCount, so CPUUtilization counts one sample a minute;
 * the agent's high-resolution metric one per 10 s datapoint. NetworkIn/Out are one sample
 * per instance and period (asgsim's rule: their value is the bytes of the whole period, see
 * README, so Sum stays the group's bytes in it), and so is the reporting capacity that goes
 * with the EC2 datapoints. The other metrics have 1-minute periods.
 */
static sim_time sample_slot(const struct cloudwatch *cw, enum cw_metric m)
{
    sim_time period = cw->series[m].period;
    if (m == CW_NETWORK_IN || m == CW_NETWORK_OUT || m == CW_REPORTING_CAPACITY)
        return period;
    return period < SIM_MIN(1) ? period : SIM_MIN(1);
}

/* The datapoint of `m` for the period `now` lies in, new (empty) when there is none yet. */
static struct cw_datapoint *datapoint_at(struct cloudwatch *cw, enum cw_metric m, sim_time now)
{
    struct cw_series *s = &cw->series[m];
    sim_time start = now - now % s->period;
    struct cw_datapoint *dp = s->nr > 0 ? at(s, s->nr - 1) : NULL;
    if (dp && dp->start == start)
        return dp;
    ASG_ASSERT(!dp || dp->start < start);
    /* keep memory bounded: forget datapoints older than the retention */
    while (s->nr > 0 && at(s, 0)->start < start - cw->retention) {
        s->head = s->head + 1 < s->alloc ? s->head + 1 : 0;
        s->nr--;
    }
    if (s->nr == s->alloc)
        ring_grow(s);
    s->nr++;
    dp = at(s, s->nr - 1);
    *dp = (struct cw_datapoint){
        .start = start, .min = (double)INFINITY, .max = -(double)INFINITY, .last_at = -1
    };
    return dp;
}

void cloudwatch_record(struct cloudwatch *cw, enum cw_metric m, sim_time now, double value,
                       double count)
{
    if (count <= 0 || !isfinite(value))
        return;
    struct cw_datapoint *dp = datapoint_at(cw, m, now);
    dp->sum += value * count;
    dp->weight += count;
    dp->min = lesser(dp->min, value);
    dp->max = greater(dp->max, value);
    /* several calls at one time are several instances reporting at once */
    if (dp->count_at_last > 0 && dp->last_at == now) {
        dp->count_at_last += count;
    } else {
        sim_time slot = sample_slot(cw, m);
        if (dp->last_at < 0 || now / slot != dp->last_at / slot)
            dp->slot_max = 0; /* a new sample slot */
        dp->last_at = now;
        dp->count_at_last = count;
    }
    /* a slot's samples: the most sources that reported at once in it */
    if (dp->count_at_last > dp->slot_max) {
        dp->samples += dp->count_at_last - dp->slot_max;
        dp->slot_max = dp->count_at_last;
    }
}

void cloudwatch_record_requests(struct cloudwatch *cw, enum cw_metric m, sim_time now,
                                double served, const struct serve_hist *h)
{
    if (!(served > 0) || !(h->total > 0))
        return;
    struct cw_datapoint *dp = datapoint_at(cw, m, now);
    /* the fastest and slowest request: half a request below and above (cloudwatch.h); one
       request's latency is the mean */
    double mean = h->sum_s / h->total, v[2] = { mean, mean };
    if (h->total > 1) {
        double q[2] = { 0.5 / h->total, 1 - 0.5 / h->total };
        serve_hist_quantiles(h, 2, q, v);
    }
    dp->sum += h->sum_s;
    dp->weight += served;
    dp->samples += served; /* every request is a sample */
    dp->min = lesser(dp->min, lesser(v[0], mean));
    dp->max = greater(dp->max, greater(v[1], mean));
}

void cloudwatch_record_count(struct cloudwatch *cw, enum cw_metric m, sim_time now, double n)
{
    if (!(n >= 0) || !isfinite(n))
        return;
    struct cw_datapoint *dp = datapoint_at(cw, m, now);
    /* the zero a period without a response holds (max 0: responses are samples of 1) */
    bool zero = dp->samples > 0 && dp->max == 0;
    if (n == 0) {
        if (dp->samples == 0)
            *dp = (struct cw_datapoint){ .start = dp->start, .weight = 1, .samples = 1 };
        return;
    }
    if (zero)
        *dp = (struct cw_datapoint){ .start = dp->start };
    dp->sum += n;
    dp->weight += n;
    dp->samples += n;
    dp->min = dp->max = 1;
}

void cloudwatch_keep_histograms(struct cloudwatch *cw, enum cw_metric m, sim_time window)
{
    struct cw_hist_ring *r = &cw->hists[m];
    ASG_ASSERT(window > 0 && r->max == 0);
    /* period starts within [newest - window, newest] */
    r->max = (size_t)(window / cw->series[m].period) + 2;
    r->window = window;
    r->items = xcalloc(r->max, sizeof(*r->items));
    r->start = xcalloc(r->max, sizeof(*r->start));
}

static size_t ring_index(const struct cw_hist_ring *r, size_t k)
{
    size_t i = r->head + k;
    return i < r->max ? i : i - r->max;
}

void cloudwatch_record_hist(struct cloudwatch *cw, enum cw_metric m, sim_time now,
                            const struct serve_hist *h)
{
    struct cw_hist_ring *r = &cw->hists[m];
    if (r->max == 0 || !(h->total > 0))
        return;
    sim_time period = cw->series[m].period, start = now - now % period;
    size_t newest = r->nr ? ring_index(r, r->nr - 1) : 0;
    if (!r->nr || r->start[newest] != start) {
        ASG_ASSERT(!r->nr || r->start[newest] < start);
        while (r->nr > 0 && (r->start[r->head] < start - r->window || r->nr == r->max)) {
            r->head = r->head + 1 < r->max ? r->head + 1 : 0;
            r->nr--;
        }
        newest = ring_index(r, r->nr++);
        r->start[newest] = start;
        memset(&r->items[newest], 0, sizeof(r->items[newest]));
    }
    serve_hist_merge(&r->items[newest], h);
}

/* Is the k-th kept histogram of `m` (oldest first) one of a period starting in [from, to)
   and published by `now`? */
static const struct serve_hist *hist_in(const struct cloudwatch *cw, enum cw_metric m, size_t k,
                                        sim_time from, sim_time to, sim_time now)
{
    const struct cw_hist_ring *r = &cw->hists[m];
    size_t i = ring_index(r, k);
    sim_time start = r->start[i];
    if (start < from || start >= to ||
        start + cw->series[m].period + cw->cfg.publication_delay > now)
        return NULL;
    return &r->items[i];
}

/* The requests of the kept histograms of `m` in [from, to) published by `now`; *nr of them,
   the last in *one. */
static double hists_total(const struct cloudwatch *cw, enum cw_metric m, sim_time from, sim_time to,
                          sim_time now, size_t *nr, const struct serve_hist **one)
{
    double total = 0;
    *nr = 0;
    for (size_t k = 0; k < cw->hists[m].nr; k++) {
        const struct serve_hist *h = hist_in(cw, m, k, from, to, now);
        if (h) {
            total += h->total;
            *one = h;
            ++*nr;
        }
    }
    return total;
}

static bool hist_percentile(const struct cloudwatch *cw, enum cw_metric m, double q, sim_time from,
                            sim_time to, sim_time now, double *out)
{
    const struct serve_hist *one = NULL;
    size_t n;
    if (!(hists_total(cw, m, from, to, now, &n, &one) > 0))
        return false;
    if (n == 1) {
        *out = serve_hist_quantile(one, q);
        return true;
    }
    /* a period of several metric periods: their histograms merged */
    struct serve_hist *merged = xcalloc(1, sizeof(*merged));
    for (size_t k = 0; k < cw->hists[m].nr; k++) {
        const struct serve_hist *h = hist_in(cw, m, k, from, to, now);
        if (h)
            serve_hist_merge(merged, h);
    }
    *out = serve_hist_quantile(merged, q);
    free(merged);
    return true;
}

/* The next datapoint of `s` before the *i-th (counting down, oldest first numbering)
   starting in [from, to) and published by `now`; NULL when none is left. */
static const struct cw_datapoint *next_in(const struct cloudwatch *cw, const struct cw_series *s,
                                          size_t *i, sim_time from, sim_time to, sim_time now)
{
    for (; *i > 0; --*i) {
        const struct cw_datapoint *dp = at(s, *i - 1);
        if (dp->start < from)
            return NULL;
        if (dp->start < to && dp->start + s->period + cw->cfg.publication_delay <= now) {
            --*i;
            return dp;
        }
    }
    return NULL;
}

struct weighted {
    double value, weight;
};

static int by_value(const void *a, const void *b)
{
    double x = ((const struct weighted *)a)->value, y = ((const struct weighted *)b)->value;
    return (x > y) - (x < y);
}

/* The datapoints' percentile, each datapoint weighted by its SampleCount (cloudwatch.h). */
static bool datapoint_percentile(const struct cloudwatch *cw, enum cw_metric m, double q,
                                 sim_time from, sim_time to, sim_time now, double *out)
{
    const struct cw_series *s = &cw->series[m];
    struct weighted stack_vals[64], *v = stack_vals;
    size_t n = 0, alloc = ARRAY_SIZE(stack_vals);
    double total = 0;
    const struct cw_datapoint *dp;
    for (size_t i = s->nr; (dp = next_in(cw, s, &i, from, to, now));) {
        if (n == alloc) {
            alloc *= 2;
            struct weighted *grown = xcalloc(alloc, sizeof(*grown));
            memcpy(grown, v, n * sizeof(*v));
            if (v != stack_vals)
                free(v);
            v = grown;
        }
        v[n++] = (struct weighted){ dp->sum / dp->weight, dp->samples };
        total += dp->samples;
    }
    if (n > 0) {
        qsort(v, n, sizeof(*v), by_value);
        /* the smallest value with at least q of the weight at or below it */
        double cum = 0, target = q * total;
        size_t k = 0;
        for (; k + 1 < n; k++) {
            cum += v[k].weight;
            if (v[k].weight > 0 && cum >= target)
                break;
        }
        *out = v[k].value;
    }
    if (v != stack_vals)
        free(v);
    return n > 0;
}

double cloudwatch_percentile_samples(const struct cloudwatch *cw, enum cw_metric m, sim_time from,
                                     sim_time to, sim_time now)
{
    if (cw->hists[m].max) {
        const struct serve_hist *one;
        size_t n;
        return hists_total(cw, m, from, to, now, &n, &one);
    }
    double v;
    return cloudwatch_stat(cw, m, CW_SAMPLE_COUNT, from, to, now, &v) ? v : 0.0;
}

bool cw_alarm_config_percentile_of(const struct cw_alarm_config *c, enum cw_metric m)
{
    if (!c->math)
        return c->metric == m && cw_stat_is_percentile(c->statistic);
    for (size_t i = 0; i < c->math->nr_queries; i++)
        if (c->math->queries[i].metric == m && cw_stat_is_percentile(c->math->queries[i].stat))
            return true;
    return false;
}

bool cloudwatch_stat(const struct cloudwatch *cw, enum cw_metric m, enum cw_statistic st,
                     sim_time from, sim_time to, sim_time now, double *out)
{
    if (cw_stat_is_percentile(st)) {
        double q = cw_stat_percentile(st) / 100.0;
        /* the latencies themselves, never the means of serving intervals */
        ASG_ASSERT(m != CW_TARGET_RESPONSE_TIME || cw->hists[m].max);
        return cw->hists[m].max ? hist_percentile(cw, m, q, from, to, now, out)
                                : datapoint_percentile(cw, m, q, from, to, now, out);
    }
    const struct cw_series *s = &cw->series[m];
    double sum = 0, weight = 0, lo = (double)INFINITY, hi = -(double)INFINITY, samples = 0,
           total = 0;
    bool any = false;
    const struct cw_datapoint *dp;
    for (size_t i = s->nr; (dp = next_in(cw, s, &i, from, to, now));) {
        any = true;
        sum += dp->sum;
        weight += dp->weight;
        lo = lesser(lo, dp->min);
        hi = greater(hi, dp->max);
        samples += dp->samples;
        total += dp->sum / dp->weight * dp->samples;
    }
    if (!any)
        return false;
    switch (st) {
    case CW_AVERAGE:
        *out = sum / weight;
        break;
    case CW_SUM:
        *out = total;
        break;
    case CW_MINIMUM:
        *out = lo;
        break;
    case CW_MAXIMUM:
        *out = hi;
        break;
    case CW_SAMPLE_COUNT:
        *out = samples;
        break;
    default:
        ASG_BUG("statistic %d", (int)st);
    }
    return true;
}

bool cloudwatch_latest(const struct cloudwatch *cw, enum cw_metric m, enum cw_statistic st,
                       sim_time now, double *out)
{
    const struct cw_series *s = &cw->series[m];
    for (size_t i = s->nr; i > 0; i--) {
        const struct cw_datapoint *dp = at(s, i - 1);
        if (dp->start + s->period + cw->cfg.publication_delay <= now)
            return cloudwatch_stat(cw, m, st, dp->start, dp->start + 1, now, out);
    }
    return false;
}

void cw_alarm_init(struct cw_alarm *a, const struct cw_alarm_config *cfg)
{
    *a = (struct cw_alarm){ .cfg = cfg,
                            .state = CW_INSUFFICIENT_DATA,
                            .last_value = (double)NAN,
                            .window_min = (double)NAN,
                            .window_max = (double)NAN,
                            .window_mean = (double)NAN,
                            .evaluated_at = -1,
                            .window_end = -1,
                            .last_from = -1,
                            .last_to = -1 };
    for (size_t i = 0; i < CW_ALARM_USED_MAX; i++) {
        a->used_value[i] = (double)NAN;
        a->used_start[i] = -1;
    }
}

bool cw_alarm_breaches(const struct cw_alarm_config *cfg, double value)
{
    switch (cfg->comparison) {
    case CW_GE:
        return value >= cfg->threshold;
    case CW_GT:
        return value > cfg->threshold;
    case CW_LT:
        return value < cfg->threshold;
    case CW_LE:
        return value <= cfg->threshold;
    default:
        ASG_BUG("comparison %d", (int)cfg->comparison);
    }
}

/*
 * The decision, as AWS documents it (AlarmThatSendsEmail.html#alarms-evaluating-missing-data,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
 * text and tables of awsdocs/amazon-cloudwatch-user-guide doc_source/AlarmThatSendsEmail.md
 * at b355497, 2023-05-18):
 * - CloudWatch retrieves an evaluation range longer than N. With at least N real
 *   datapoints in it, the N newest real ones decide and TreatMissingData is not used.
 * - Otherwise every real datapoint in the range is used and the N - real others are
 *   filled "as few times as possible" by the treatment: breaching, notBreaching. ALARM
 *   when at least M of the N are breaching, else OK.
 * - `missing` and `ignore` fill with nothing: M real breaching -> ALARM; a real
 *   non-breaching datapoint -> OK (tables: "0 - - - -" 3 of 3 and "0 - X - -" 2 of 3 are
 *   OK under both). When every real datapoint is breaching but they are fewer than M:
 *   `missing` goes to ALARM by the premature-alarm rule ("Avoiding premature transitions
 *   to alarm state": the oldest breaching datapoint in the evaluation range is at least M
 *   periods old and every newer one is breaching or missing; "- - X - -" 3 of 3, "- - - X
 *   -" 2 of 3) and else to INSUFFICIENT_DATA (no real datapoint: "- - - - -"; too young:
 *   "- - - - X", the 2018 table, and the text "does not go immediately into ALARM state
 *   when the data is either - - - - X or - - - X -"). `ignore` retains the current state
 *   in both cases (the tables' "Retain current state" for "- - - - -", "- - X - -",
 *   "- - - X -"): the premature rule is not applied to it.
 * Where the tables are silent the same rules apply to any M and N.
 */
enum cw_alarm_state cw_alarm_decide(const struct cw_alarm_config *cfg, const double *vals,
                                    size_t nr, enum cw_alarm_state current)
{
    size_t n = (size_t)cfg->evaluation_periods, m = (size_t)cfg->datapoints_to_alarm;
    size_t real = 0, breaching = 0, oldest = 0;
    for (size_t i = 0; i < nr && real < n; i++) {
        if (isnan(vals[i]))
            continue;
        real++;
        breaching += cw_alarm_breaches(cfg, vals[i]);
        oldest = i;
    }
    if (real >= n)
        return breaching >= m ? CW_ALARM : CW_OK;
    size_t fill = n - real;
    switch (cfg->missing) {
    case CW_BREACHING:
        return breaching + fill >= m ? CW_ALARM : CW_OK;
    case CW_NOT_BREACHING:
        return breaching >= m ? CW_ALARM : CW_OK;
    case CW_MISSING:
    case CW_IGNORE:
        if (breaching >= m)
            return CW_ALARM;
        if (breaching < real)
            return CW_OK;
        /* every real datapoint (perhaps none) breaches, fewer than M of them */
        if (cfg->missing == CW_IGNORE)
            return current;
        if (real > 0 && oldest + 1 >= m)
            return CW_ALARM; /* premature-alarm rule: old enough */
        return CW_INSUFFICIENT_DATA;
    default:
        ASG_BUG("missing-data treatment %d", (int)cfg->missing);
    }
}

/* The documented example: N = 3 retrieves 5 datapoints; asgsim uses N + 2 throughout. */
#define CW_RANGE_EXTRA 2

sim_time cw_alarm_window_end(const struct cw_alarm_config *cfg, const struct cloudwatch *cw,
                             sim_time now)
{
    /* AWS (AlarmThatSendsEmail.html#high-resolution-alarms and "Evaluating an alarm"):
       alarms of 10 s and 30 s periods are evaluated every 10 s, the others every minute */
    sim_time step = cfg->period < SIM_MIN(1) ? SIM_SEC(10) : SIM_MIN(1);
    sim_time t = now - cw->cfg.publication_delay, r = t % step;
    return t - (r < 0 ? r + step : r);
}

bool cw_alarm_evaluate(struct cw_alarm *a, const struct cloudwatch *cw, sim_time now)
{
    const struct cw_alarm_config *c = a->cfg;
    size_t n = (size_t)c->evaluation_periods, range = n + CW_RANGE_EXTRA;
    double stack_vals[64];
    double *vals = range <= ARRAY_SIZE(stack_vals) ? stack_vals : xcalloc(range, sizeof(*vals));
    sim_time end = cw_alarm_window_end(c, cw, now);
    size_t nr_real = 0;
    a->last_value = (double)NAN;
    a->last_from = a->last_to = -1;
    for (size_t i = 0; i < range; i++) {
        sim_time to = end - (sim_time)i * c->period;
        double v;
        vals[i] = (double)NAN;
        /* nothing is recorded before time 0 */
        if (to <= 0 ||
            !(c->math ? cw_math_eval(c->math, cw, to - c->period, to, now, &v)
                      : cloudwatch_stat(cw, c->metric, c->statistic, to - c->period, to, now, &v)))
            continue;
        vals[i] = v;
        if (nr_real++ == 0) {
            a->last_value = v;
            a->last_from = to - c->period;
            a->last_to = to;
        }
    }
    /* the datapoints the decision uses (cw_alarm_decide): the N newest real ones, or all
       real ones and the newest missing periods filled */
    size_t want_real = nr_real < n ? nr_real : n, fill = n - want_real, got_real = 0, used = 0;
    double lo = (double)INFINITY, hi = -(double)INFINITY, sum = 0;
    for (size_t i = 0; i < range && used < n; i++) {
        bool real = !isnan(vals[i]);
        if (real ? got_real == want_real : fill == 0)
            continue;
        if (real) {
            got_real++;
            lo = lesser(lo, vals[i]);
            hi = greater(hi, vals[i]);
            sum += vals[i];
        } else {
            fill--;
        }
        if (used < CW_ALARM_USED_MAX) {
            a->used_value[used] = vals[i];
            a->used_start[used] = real ? end - (sim_time)(i + 1) * c->period : -1;
        }
        used++;
    }
    a->used_nr = n;
    a->window_min = got_real ? lo : (double)NAN;
    a->window_max = got_real ? hi : (double)NAN;
    a->window_mean = got_real ? sum / (double)got_real : (double)NAN;
    a->evaluated_at = now;
    a->window_end = end;
    /* EvaluateLowSampleCountPercentile ignore: too few samples in the newest period keep
       the state (cloudwatch.h) */
    bool keep = false;
    if (c->low_sample_ignore && !c->math && cw_stat_is_percentile(c->statistic) && !isnan(vals[0]))
        keep = cloudwatch_percentile_samples(cw, c->metric, end - c->period, end, now) <
               cw_low_sample_threshold(c->statistic);
    enum cw_alarm_state next = keep ? a->state : cw_alarm_decide(c, vals, range, a->state);
    if (vals != stack_vals)
        free(vals);
    if (next == a->state)
        return false;
    a->state = next;
    a->changed_at = now;
    return true;
}

void cw_alarm_config_release(struct cw_alarm_config *cfg)
{
    free(cfg->name);
    free(cfg->alarm_actions);
    free(cfg->ok_actions);
    memset(cfg, 0, sizeof(*cfg));
}
