/*
 * The per-instance EC2 usage meter (per second or per started hour, On-Demand or Spot),
 * EBS storage, and the ledger that applies Reserved Instances and Savings Plans.
 */
#include "asgsim/billing.h"

#include "asgsim/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

int64_t billing_period_seconds(sim_time duration)
{
    ASG_ASSERT(duration >= 0);
    if (duration < BILLING_MIN_PERIOD_US)
        duration = BILLING_MIN_PERIOD_US;
    return (duration + SIM_US_PER_SEC - 1) / SIM_US_PER_SEC;
}

int64_t billing_period_seconds_ex(sim_time duration, enum billing_granularity g,
                                  enum billing_market market, enum billing_end end)
{
    ASG_ASSERT(duration >= 0);
    /*
     * AWS: an interrupted Spot instance is not charged when EC2 interrupts it in its first
     * hour; later, seconds used (per-second) or full hours used without the interrupted
     * partial hour (hourly) (billing-for-interrupted-spot-instances.html).
     */
    bool interrupted = market == BILLING_SPOT && end == BILLING_END_INTERRUPTION;
    if (interrupted && duration < BILLING_HOUR_US)
        return 0;
    if (g == BILLING_PER_SECOND)
        return billing_period_seconds(duration);
    int64_t hours = duration / BILLING_HOUR_US;
    if (!interrupted && (duration % BILLING_HOUR_US != 0 || hours == 0))
        hours++; /* a started hour is billed, and at least one per start (ec2-instance-hour-billing)
                  */
    return hours * 3600;
}

static double usage_cost(int64_t seconds, double usd_per_hour)
{
    return (double)seconds * usd_per_hour / 3600.0;
}

void billing_set_policy(struct billing_meter *m, enum billing_granularity g,
                        enum billing_market market)
{
    ASG_ASSERT(!m->running);
    m->granularity = g;
    m->market = market;
}

void billing_attach_ledger(struct billing_meter *m, struct billing_ledger *ledger, const char *type)
{
    m->ledger = ledger;
    m->type = type;
}

/* ---- running totals ---------------------------------------------------------------------- */

void billing_attach_total(struct billing_meter *m, struct billing_total *total)
{
    ASG_ASSERT(!m->running && !m->storing);
    m->total = total;
}

static struct billing_class *total_class(struct billing_total *t, bool storage,
                                         enum billing_market market, enum billing_granularity g,
                                         double usd_per_hour)
{
    if (storage) {
        market = BILLING_ON_DEMAND;
        g = BILLING_PER_SECOND;
    }
    for (size_t i = 0; i < t->nr_classes; i++) {
        struct billing_class *c = &t->classes[i];
        if (c->storage == storage && c->market == market && c->granularity == g &&
            c->usd_per_hour == usd_per_hour)
            return c;
    }
    ALLOC_GROW(t->classes, t->nr_classes + 1, t->alloc_classes);
    struct billing_class *c = &t->classes[t->nr_classes++];
    *c = (struct billing_class){
        .storage = storage, .market = market, .granularity = g, .usd_per_hour = usd_per_hour
    };
    return c;
}

static void class_open(struct billing_class *c, sim_time start, size_t *slot)
{
    ASG_ASSERT(start >= 0);
    size_t alloc = c->alloc;
    ALLOC_GROW(c->starts, c->nr + 1, c->alloc);
    if (c->alloc != alloc || !c->slots)
        c->slots = xrealloc(c->slots, c->alloc * sizeof(*c->slots));
    *slot = c->nr;
    c->slots[c->nr] = slot;
    c->starts[c->nr++] = start;
    c->sum_start_s += start / SIM_US_PER_SEC;
    if (c->nr == 1 || start > c->latest_start)
        c->latest_start = start;
}

/* O(1): the meter knows its slot. latest_start stays an upper bound (it only decides
   whether class_seconds() may take its shortcut; both ways give the same seconds). */
static void class_close(struct billing_class *c, sim_time start, size_t *slot)
{
    size_t i = *slot;
    if (i >= c->nr || c->slots[i] != slot || c->starts[i] != start)
        ASG_BUG("no open billing period started at %" PRId64 " us", start);
    c->nr--;
    c->starts[i] = c->starts[c->nr];
    c->slots[i] = c->slots[c->nr];
    *c->slots[i] = i;
    c->sum_start_s -= start / SIM_US_PER_SEC;
    if (c->nr == 0)
        c->latest_start = 0;
}

static int64_t ceil_seconds(sim_time d)
{
    return (d + SIM_US_PER_SEC - 1) / SIM_US_PER_SEC;
}

/*
 * Billed seconds of the open periods of `c` at `now`, each as the meter counts it. At a
 * whole second, ceil((now - start) / 1 s) = now / 1 s - floor(start / 1 s), so a class
 * whose periods all passed their minimum sums in O(1); otherwise period by period.
 */
static int64_t class_seconds(const struct billing_class *c, sim_time now)
{
    if (c->nr == 0)
        return 0;
    ASG_ASSERT(now >= c->latest_start);
    if (now % SIM_US_PER_SEC == 0 &&
        (c->storage ||
         (c->granularity == BILLING_PER_SECOND && now - c->latest_start >= BILLING_MIN_PERIOD_US)))
        return (int64_t)c->nr * (now / SIM_US_PER_SEC) - c->sum_start_s;
    int64_t s = 0;
    for (size_t i = 0; i < c->nr; i++)
        s += c->storage ? ceil_seconds(now - c->starts[i])
                        : billing_period_seconds_ex(now - c->starts[i], c->granularity, c->market,
                                                    BILLING_END_USER);
    return s;
}

void billing_total_cost(const struct billing_total *t, sim_time now, double *on_demand_usd,
                        double *spot_usd, double *storage_usd)
{
    double usd[2] = { t->closed_usd[0], t->closed_usd[1] };
    double storage = t->closed_storage_usd;
    for (size_t i = 0; i < t->nr_classes; i++) {
        const struct billing_class *c = &t->classes[i];
        if (c->nr == 0)
            continue;
        double cost = usage_cost(class_seconds(c, now), c->usd_per_hour);
        if (c->storage)
            storage += cost;
        else
            usd[c->market] += cost;
    }
    if (on_demand_usd)
        *on_demand_usd = usd[BILLING_ON_DEMAND];
    if (spot_usd)
        *spot_usd = usd[BILLING_SPOT];
    if (storage_usd)
        *storage_usd = storage;
}

void billing_total_release(struct billing_total *t)
{
    for (size_t i = 0; i < t->nr_classes; i++) {
        free(t->classes[i].starts);
        free(t->classes[i].slots);
    }
    free(t->classes);
    memset(t, 0, sizeof(*t));
}

/* ---- meter ------------------------------------------------------------------------------- */

void billing_start(struct billing_meter *m, sim_time now, double usd_per_hour)
{
    ASG_ASSERT(!m->running);
    m->running = true;
    m->period_start = now;
    m->usd_per_hour = usd_per_hour;
    if (m->total)
        class_open(total_class(m->total, false, m->market, m->granularity, usd_per_hour), now,
                   &m->total_slot);
    /* Spot usage is not covered by RIs or Savings Plans: only On-Demand goes to the ledger. */
    if (m->ledger && m->market == BILLING_ON_DEMAND)
        billing_ledger_open(m->ledger, m->type, usd_per_hour, now);
}

static int64_t open_seconds(const struct billing_meter *m, sim_time now, enum billing_end end)
{
    return billing_period_seconds_ex(now - m->period_start, m->granularity, m->market, end);
}

void billing_stop_by(struct billing_meter *m, sim_time now, enum billing_end end)
{
    if (!m->running)
        return;
    int64_t s = open_seconds(m, now, end);
    m->closed_s += s;
    m->closed_usd += usage_cost(s, m->usd_per_hour);
    m->running = false;
    if (m->total) {
        class_close(total_class(m->total, false, m->market, m->granularity, m->usd_per_hour),
                    m->period_start, &m->total_slot);
        m->total->closed_usd[m->market] += usage_cost(s, m->usd_per_hour);
    }
    if (m->ledger && m->market == BILLING_ON_DEMAND)
        billing_ledger_close(m->ledger, m->type, m->usd_per_hour, m->period_start, now, s);
}

void billing_stop(struct billing_meter *m, sim_time now)
{
    billing_stop_by(m, now, BILLING_END_USER);
}

int64_t billing_seconds(const struct billing_meter *m, sim_time now)
{
    return m->closed_s + (m->running ? open_seconds(m, now, BILLING_END_USER) : 0);
}

double billing_cost_usd(const struct billing_meter *m, sim_time now)
{
    if (!m->running)
        return m->closed_usd;
    return m->closed_usd + usage_cost(open_seconds(m, now, BILLING_END_USER), m->usd_per_hour);
}

sim_time billing_until_next_hour(const struct billing_meter *m, sim_time now)
{
    if (!m->running)
        return -1;
    ASG_ASSERT(now >= m->period_start);
    return BILLING_HOUR_US - (now - m->period_start) % BILLING_HOUR_US;
}

void billing_storage_start(struct billing_meter *m, sim_time now, double gib,
                           double usd_per_gib_month, double month_hours)
{
    ASG_ASSERT(!m->storing);
    ASG_ASSERT(gib >= 0 && usd_per_gib_month >= 0 && month_hours > 0);
    m->ebs_usd_per_hour = gib * usd_per_gib_month / month_hours;
    billing_storage_resume(m, now);
}

void billing_storage_resume(struct billing_meter *m, sim_time now)
{
    ASG_ASSERT(!m->storing);
    m->storing = true;
    m->storage_start = now;
    if (m->total)
        class_open(total_class(m->total, true, BILLING_ON_DEMAND, BILLING_PER_SECOND,
                               m->ebs_usd_per_hour),
                   now, &m->storage_slot);
}

static double storage_period_usd(const struct billing_meter *m, sim_time now)
{
    ASG_ASSERT(now >= m->storage_start);
    int64_t s = (now - m->storage_start + SIM_US_PER_SEC - 1) / SIM_US_PER_SEC;
    return usage_cost(s, m->ebs_usd_per_hour);
}

void billing_storage_stop(struct billing_meter *m, sim_time now)
{
    if (!m->storing)
        return;
    double usd = storage_period_usd(m, now);
    m->closed_storage_usd += usd;
    m->storing = false;
    if (m->total) {
        class_close(total_class(m->total, true, BILLING_ON_DEMAND, BILLING_PER_SECOND,
                                m->ebs_usd_per_hour),
                    m->storage_start, &m->storage_slot);
        m->total->closed_storage_usd += usd;
    }
}

double billing_storage_usd(const struct billing_meter *m, sim_time now)
{
    return m->closed_storage_usd + (m->storing ? storage_period_usd(m, now) : 0.0);
}

double billing_month_hours(int64_t epoch_s)
{
    /* Civil date of `epoch_s` (days-from-civil inverse, proleptic Gregorian calendar). */
    int64_t z = (epoch_s >= 0 ? epoch_s : epoch_s - 86399) / 86400 + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int d = days[month - 1];
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        d = 29;
    return 24.0 * d;
}

/* ---- ledger ------------------------------------------------------------------------------ */

void billing_ledger_init(struct billing_ledger *l, int64_t start_epoch_s,
                         const struct billing_discounts *disc)
{
    static const struct billing_discounts none = { 0 };
    memset(l, 0, sizeof(*l));
    l->origin_offset_s = ((start_epoch_s % 3600) + 3600) % 3600;
    l->disc = disc ? disc : &none;
    ASG_ASSERT(l->disc->sp_discount >= 0 && l->disc->sp_discount < 1);
}

static void ledger_put(struct billing_ledger *l, int64_t hour, const char *type,
                       double usd_per_hour, sim_time usage)
{
    /* Only a few clock-hours are unpriced at a time: a short scan finds the bucket. */
    for (size_t i = l->nr; i-- > 0;) {
        struct billing_usage *u = &l->items[i];
        if (u->hour == hour && u->usd_per_hour == usd_per_hour && !strcmp(u->type, type)) {
            u->usage += usage;
            return;
        }
    }
    ALLOC_GROW(l->items, l->nr + 1, l->alloc);
    l->items[l->nr++] = (struct billing_usage){ hour, type, usd_per_hour, usage };
}

/* Lay `len` (negative: take back) of usage out from `start`, clock-hour by clock-hour. */
static void ledger_lay_out(struct billing_ledger *l, const char *type, double usd_per_hour,
                           sim_time start, sim_time len)
{
    ASG_ASSERT(start >= 0);
    int sign = len < 0 ? -1 : 1;
    sim_time pos = start + SIM_SEC(l->origin_offset_s);
    sim_time left = len < 0 ? -len : len;
    while (left > 0) {
        int64_t hour = pos / BILLING_HOUR_US;
        ASG_ASSERT(hour >= l->settled_hours);
        sim_time room = (hour + 1) * BILLING_HOUR_US - pos;
        sim_time chunk = left < room ? left : room;
        ledger_put(l, hour, type, usd_per_hour, sign * chunk);
        pos += chunk;
        left -= chunk;
    }
}

/* `n` instances running through [from, to): n x their time in each clock-hour. */
static void ledger_run(struct billing_ledger *l, const char *type, double usd_per_hour, int64_t n,
                       sim_time from, sim_time to)
{
    sim_time origin = SIM_SEC(l->origin_offset_s);
    while (from < to) {
        int64_t hour = (from + origin) / BILLING_HOUR_US;
        sim_time boundary = (hour + 1) * BILLING_HOUR_US - origin;
        sim_time until = boundary < to ? boundary : to;
        ASG_ASSERT(hour >= l->settled_hours);
        ledger_put(l, hour, type, usd_per_hour, n * (until - from));
        from = until;
    }
}

static int cmp_usage(const void *a, const void *b)
{
    const struct billing_usage *x = a, *y = b;
    if (x->hour != y->hour)
        return x->hour < y->hour ? -1 : 1;
    int c = strcmp(x->type, y->type);
    if (c)
        return c;
    return x->usd_per_hour < y->usd_per_hour ? -1 : x->usd_per_hour > y->usd_per_hour;
}

static double usage_us_cost(sim_time usage, double usd_per_hour)
{
    return (double)usage * usd_per_hour / (double)BILLING_HOUR_US;
}

/* Microseconds of clock-hour `hour` inside the run [0, end), the hours counted from the
   hour of time 0, which lies `origin` into its clock-hour. end < 0: no end yet. */
static sim_time window_share(int64_t hour, sim_time origin, sim_time end)
{
    sim_time lo = hour * BILLING_HOUR_US - origin, hi = lo + BILLING_HOUR_US;
    if (lo < 0)
        lo = 0;
    if (end >= 0 && hi > end)
        hi = end;
    return hi > lo ? hi - lo : 0;
}

/*
 * Price the rows u[0..nr) of one clock-hour (sorted by type and rate) into *sum. `share` is
 * the run's part of the hour, 0 outside the run's window: usage laid out past the window (a
 * started second billed at the very end) gets no discount, as the window pays no
 * commitment for that hour.
 */
static void price_hour(const struct billing_discounts *disc, const struct billing_usage *u,
                       size_t nr, sim_time share, bool in_window, struct billing_invoice_sums *sum)
{
    double od_usd = 0;
    /* Each reserved instance covers at most 3600 s of its type per clock-hour
       (concepts-reserved-instances-application.html). */
    for (size_t i = 0; i < nr; i++) {
        sim_time usage = u[i].usage;
        sum->undiscounted_usd += usage_us_cost(usage, u[i].usd_per_hour);
        for (size_t r = 0; in_window && r < disc->nr_ris; r++) {
            if (strcmp(disc->ris[r].type, u[i].type))
                continue;
            sim_time cap = disc->ris[r].count * share;
            /* usage of this type already covered this hour by earlier rows */
            sim_time used = 0;
            for (size_t k = i; k-- > 0;)
                if (!strcmp(u[k].type, u[i].type))
                    used += u[k].usage;
            sim_time room = cap > used ? cap - used : 0;
            sim_time covered = usage < room ? usage : room;
            sum->ri_covered += covered;
            usage -= covered;
        }
        od_usd += usage_us_cost(usage, u[i].usd_per_hour);
    }
    if (in_window && disc->sp_commit_usd_per_hour > 0) {
        /* The commitment is in discounted dollars (sp-applying.html). */
        double cover = disc->sp_commit_usd_per_hour * ((double)share / BILLING_HOUR_US) /
                       (1.0 - disc->sp_discount);
        if (cover > od_usd)
            cover = od_usd;
        sum->sp_covered_od_usd += cover;
        od_usd -= cover;
    }
    sum->on_demand_usd += od_usd;
}

/* Price every clock-hour before `upto` and keep only its sums. */
static void ledger_settle(struct billing_ledger *l, int64_t upto)
{
    if (upto <= l->settled_hours)
        return;
    if (l->nr) /* qsort and memmove want a buffer even for nothing */
        qsort(l->items, l->nr, sizeof(*l->items), cmp_usage);
    sim_time origin = SIM_SEC(l->origin_offset_s);
    size_t i = 0;
    for (int64_t hour = l->settled_hours; hour < upto; hour++) {
        size_t j = i;
        while (j < l->nr && l->items[j].hour == hour)
            j++;
        /* Before the run's end by construction: the whole hour is the run's. */
        price_hour(l->disc, l->items + i, j - i, window_share(hour, origin, -1), true, &l->settled);
        i = j;
    }
    if (l->nr > i)
        memmove(l->items, l->items + i, (l->nr - i) * sizeof(*l->items));
    l->nr -= i;
    l->settled_hours = upto;
}

/*
 * Record the running instances' usage up to `now`, an hour at a time, pricing each hour
 * that no later period can reach any more: a period closing now lays its extra (at most a
 * started hour) from now on, and takes back at most a second before now, so two clock-hours
 * back are final.
 */
static void ledger_advance(struct billing_ledger *l, sim_time now)
{
    ASG_ASSERT(now >= l->integrated_to);
    sim_time origin = SIM_SEC(l->origin_offset_s);
    while (l->integrated_to < now) {
        sim_time t = l->integrated_to;
        sim_time boundary = ((t + origin) / BILLING_HOUR_US + 1) * BILLING_HOUR_US - origin;
        sim_time to = boundary < now ? boundary : now;
        for (size_t c = 0; c < l->nr_open; c++)
            if (l->open[c].running)
                ledger_run(l, l->open[c].type, l->open[c].usd_per_hour, l->open[c].running, t, to);
        l->integrated_to = to;
        ledger_settle(l, (to + origin) / BILLING_HOUR_US - 1);
    }
}

static struct billing_open_class *open_class(struct billing_ledger *l, const char *type,
                                             double usd_per_hour)
{
    for (size_t c = 0; c < l->nr_open; c++)
        if (l->open[c].usd_per_hour == usd_per_hour && !strcmp(l->open[c].type, type))
            return &l->open[c];
    ALLOC_GROW(l->open, l->nr_open + 1, l->alloc_open);
    l->open[l->nr_open] = (struct billing_open_class){ type, usd_per_hour, 0 };
    return &l->open[l->nr_open++];
}

void billing_ledger_open(struct billing_ledger *l, const char *type, double usd_per_hour,
                         sim_time now)
{
    ledger_advance(l, now);
    open_class(l, type, usd_per_hour)->running++;
}

/* The billed layout [start, start + seconds) against the time run [start, now): record the
   part past now, or take back the part it falls short. */
static void ledger_close_period(struct billing_ledger *l, const char *type, double usd_per_hour,
                                sim_time start, sim_time now, int64_t seconds)
{
    sim_time end = start + SIM_SEC(seconds);
    if (end > now)
        ledger_lay_out(l, type, usd_per_hour, now, end - now);
    else if (end < now)
        ledger_lay_out(l, type, usd_per_hour, end, end - now);
}

void billing_ledger_close(struct billing_ledger *l, const char *type, double usd_per_hour,
                          sim_time start, sim_time now, int64_t seconds)
{
    ASG_ASSERT(start >= 0 && start <= now && seconds >= 0);
    ledger_advance(l, now);
    struct billing_open_class *c = open_class(l, type, usd_per_hour);
    ASG_ASSERT(c->running > 0);
    c->running--;
    ledger_close_period(l, type, usd_per_hour, start, now, seconds);
}

void billing_ledger_add_open(struct billing_ledger *l, const struct billing_meter *m, sim_time now)
{
    if (!m->running || m->market != BILLING_ON_DEMAND)
        return;
    ledger_advance(l, now);
    ledger_close_period(l, m->type, m->usd_per_hour, m->period_start, now,
                        open_seconds(m, now, BILLING_END_USER));
}

void billing_ledger_invoice(const struct billing_ledger *l, sim_time end,
                            struct billing_invoice *out)
{
    const struct billing_discounts *disc = l->disc;
    memset(out, 0, sizeof(*out));
    int64_t nr_hours = 0;
    sim_time origin = SIM_SEC(l->origin_offset_s);
    ASG_ASSERT(end >= l->integrated_to);
    if (end > 0)
        nr_hours = (end - 1 + origin) / BILLING_HOUR_US + 1;

    /* The unpriced hours, with the running instances' usage up to `end` (on a copy: an
       invoice changes nothing). */
    struct billing_ledger tail = *l;
    tail.items = xcalloc(l->nr + 1, sizeof(*tail.items));
    tail.alloc = l->nr + 1;
    if (l->nr)
        memcpy(tail.items, l->items, l->nr * sizeof(*tail.items));
    for (size_t c = 0; c < l->nr_open; c++)
        if (l->open[c].running)
            ledger_run(&tail, l->open[c].type, l->open[c].usd_per_hour, l->open[c].running,
                       l->integrated_to, end);
    qsort(tail.items, tail.nr, sizeof(*tail.items), cmp_usage);

    struct billing_invoice_sums sum = l->settled;
    for (size_t i = 0; i < tail.nr;) {
        int64_t hour = tail.items[i].hour;
        size_t j = i;
        while (j < tail.nr && tail.items[j].hour == hour)
            j++;
        /* The run's part of this clock-hour: a run is a slice of the account's time, so
           its first and last clock-hour carry only their share of the commitments
           (issue 18: a 2-hour run from 00:30 pays 2 hours of fee, not 3). */
        bool in_window = hour < nr_hours;
        price_hour(disc, tail.items + i, j - i, in_window ? window_share(hour, origin, end) : 0,
                   in_window, &sum);
        i = j;
    }
    free(tail.items);
    out->on_demand_usd = sum.on_demand_usd;
    out->sp_covered_od_usd = sum.sp_covered_od_usd;
    out->undiscounted_usd = sum.undiscounted_usd;
    out->ri_covered = sum.ri_covered;
    /* Fees for the run's time: the edge clock-hours' shares add up to the run's length. */
    double run_hours = end > 0 ? (double)end / BILLING_HOUR_US : 0.0;
    for (size_t r = 0; r < disc->nr_ris; r++)
        out->ri_usd += (double)disc->ris[r].count * disc->ris[r].usd_per_hour * run_hours;
    out->sp_usd = disc->sp_commit_usd_per_hour * run_hours;
    out->total_usd = out->on_demand_usd + out->ri_usd + out->sp_usd;
}

void billing_ledger_release(struct billing_ledger *l)
{
    free(l->items);
    free(l->open);
    l->items = NULL;
    l->open = NULL;
    l->nr = l->alloc = l->nr_open = l->alloc_open = 0;
}
