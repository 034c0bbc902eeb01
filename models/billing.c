/* The per-instance EC2 usage meter: per-second billing with a 60 s minimum per start. */
#include "asgsim/billing.h"

#include "asgsim/util.h"

#include "asgsim/banned.h"

int64_t billing_period_seconds(sim_time duration)
{
    ASG_ASSERT(duration >= 0);
    if (duration < BILLING_MIN_PERIOD_US)
        duration = BILLING_MIN_PERIOD_US;
    return (duration + SIM_US_PER_SEC - 1) / SIM_US_PER_SEC;
}

static double period_cost(int64_t seconds, double usd_per_hour)
{
    return (double)seconds * usd_per_hour / 3600.0;
}

void billing_start(struct billing_meter *m, sim_time now, double usd_per_hour)
{
    ASG_ASSERT(!m->running);
    m->running = true;
    m->period_start = now;
    m->usd_per_hour = usd_per_hour;
}

void billing_stop(struct billing_meter *m, sim_time now)
{
    if (!m->running)
        return;
    int64_t s = billing_period_seconds(now - m->period_start);
    m->closed_s += s;
    m->closed_usd += period_cost(s, m->usd_per_hour);
    m->running = false;
}

int64_t billing_seconds(const struct billing_meter *m, sim_time now)
{
    return m->closed_s + (m->running ? billing_period_seconds(now - m->period_start) : 0);
}

double billing_cost_usd(const struct billing_meter *m, sim_time now)
{
    if (!m->running)
        return m->closed_usd;
    return m->closed_usd +
           period_cost(billing_period_seconds(now - m->period_start), m->usd_per_hour);
}
