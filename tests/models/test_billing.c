/*
 * Billing meter: per-second billing with a 60-second minimum per start.
 * Source: aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-per-second-billing/
 * and AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html (each start has a 1-minute minimum).
 */
#include "asgsim/billing.h"

#include <check.h>
#include <stdint.h>

#define M5_LARGE 0.096 /* USD/h, us-east-1 Linux On-Demand (models/instance_types.tsv) */

/* A small deterministic generator for the randomised total test (no libc rand: banned). */
static uint64_t lcg_next(uint64_t *x)
{
    *x = *x * 6364136223846793005u + 1442695040888963407u;
    return *x >> 33;
}

/*
 * The running total of 40 meters under random starts, stops (by the user and by
 * interruption), restarts and storage, hourly and per-second, On-Demand and Spot, at whole
 * and fractional seconds and within the first minute of periods: at every step it equals
 * the meters added one by one, up to the rounding of that sum ((2n + 4) ulps of it, n
 * meters). One billed second more or less would be 2.6e-5 USD, far outside.
 */
START_TEST(test_billing_total_equals_the_sum_of_its_meters)
{
    enum { N = 40 };

    static const double rates[] = { M5_LARGE, 0.085, 0.0312 };
    struct billing_total total = { 0 };
    struct billing_meter m[N] = { 0 };
    uint64_t x = 42;
    for (size_t i = 0; i < N; i++) {
        billing_set_policy(&m[i], lcg_next(&x) % 4 == 0 ? BILLING_HOURLY : BILLING_PER_SECOND,
                           lcg_next(&x) % 3 == 0 ? BILLING_SPOT : BILLING_ON_DEMAND);
        billing_attach_total(&m[i], &total);
    }
    sim_time now = 0;
    size_t nr_young = 0, nr_fractional = 0;
    for (int step = 0; step < 4000; step++) {
        now += (sim_time)(lcg_next(&x) % 90000000u);
        if (lcg_next(&x) % 2)
            now -= now % SIM_US_PER_SEC; /* samples fall on whole seconds */
        struct billing_meter *mm = &m[lcg_next(&x) % N];
        switch (lcg_next(&x) % 4) {
        case 0:
            if (!mm->running)
                billing_start(mm, now, rates[lcg_next(&x) % 3]);
            break;
        case 1:
            billing_stop_by(mm, now,
                            lcg_next(&x) % 2 ? BILLING_END_USER : BILLING_END_INTERRUPTION);
            break;
        case 2:
            if (!mm->storing)
                billing_storage_start(mm, now, 8.0, 0.08, 744.0);
            break;
        default:
            billing_storage_stop(mm, now);
            break;
        }
        for (int k = 0; k < 3; k++) {
            sim_time t = now + (k == 0 ? 0 : k == 1 ? SIM_SEC(20) : SIM_SEC(20) + 1);
            double by[2] = { 0, 0 }, storage = 0;
            for (size_t i = 0; i < N; i++) {
                by[m[i].market] += billing_cost_usd(&m[i], t);
                storage += billing_storage_usd(&m[i], t);
                if (m[i].running && t - m[i].period_start < BILLING_MIN_PERIOD_US)
                    nr_young++;
            }
            nr_fractional += t % SIM_US_PER_SEC != 0;
            double od, spot, sto;
            billing_total_cost(&total, t, &od, &spot, &sto);
            double ulps = (2 * N + 4) * 0x1p-53, tiny = 1e-300; /* the check is '<' */
            ck_assert_double_eq_tol(od, by[BILLING_ON_DEMAND], ulps * by[BILLING_ON_DEMAND] + tiny);
            ck_assert_double_eq_tol(spot, by[BILLING_SPOT], ulps * by[BILLING_SPOT] + tiny);
            ck_assert_double_eq_tol(sto, storage, ulps * storage + tiny);
        }
    }
    /* the slow paths were taken too */
    ck_assert_uint_gt(nr_young, 100);
    ck_assert_uint_gt(nr_fractional, 100);
    billing_total_release(&total);
}

END_TEST

START_TEST(test_billing_90_seconds_is_90_seconds)
{
    struct billing_meter m = { 0 };
    billing_start(&m, SIM_SEC(10), M5_LARGE);
    billing_stop(&m, SIM_SEC(100));
    ck_assert_int_eq(billing_seconds(&m, SIM_SEC(500)), 90);
    /* 90 s x 0.096 USD/h / 3600 s/h = 0.0024 USD */
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_SEC(500)), 0.0024, 1e-12);
}

END_TEST

START_TEST(test_billing_30_seconds_pays_the_minute)
{
    struct billing_meter m = { 0 };
    billing_start(&m, 0, M5_LARGE);
    billing_stop(&m, SIM_SEC(30));
    ck_assert_int_eq(billing_seconds(&m, SIM_SEC(30)), 60);
    /* 60 s x 0.096 / 3600 = 0.0016 USD */
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_SEC(30)), 0.0016, 1e-12);
}

END_TEST

START_TEST(test_billing_each_start_has_its_own_minimum)
{
    struct billing_meter m = { 0 };
    billing_start(&m, 0, M5_LARGE);
    billing_stop(&m, SIM_SEC(20)); /* 60 s */
    billing_start(&m, SIM_SEC(100), M5_LARGE);
    billing_stop(&m, SIM_SEC(400)); /* 300 s */
    ck_assert_int_eq(billing_seconds(&m, SIM_SEC(400)), 360);
    /* 360 s x 0.096 / 3600 = 0.0096 USD */
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_SEC(400)), 0.0096, 1e-12);
}

END_TEST

START_TEST(test_billing_started_second_counts)
{
    /* 90.2 s of running is billed in one-second increments: 91 s. */
    ck_assert_int_eq(billing_period_seconds(SIM_MS(90200)), 91);
    ck_assert_int_eq(billing_period_seconds(SIM_SEC(61)), 61);
    ck_assert_int_eq(billing_period_seconds(0), 60);
}

END_TEST

START_TEST(test_billing_open_period_counts_to_now_and_never_decreases)
{
    struct billing_meter m = { 0 };
    billing_start(&m, 0, M5_LARGE);
    double last = 0;
    for (sim_time t = 0; t <= SIM_HOUR(2); t += SIM_SEC(7)) {
        double c = billing_cost_usd(&m, t);
        ck_assert(c >= last);
        last = c;
    }
    /* one hour = 0.096 USD exactly */
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_HOUR(1)), 0.096, 1e-12);
    ck_assert_int_eq(billing_seconds(&m, SIM_HOUR(1)), 3600);
}

END_TEST

/*
 * Invoices below. Sources:
 *   [H] repost.aws/knowledge-center/ec2-instance-hour-billing: hourly billing bills partial
 *       hours as full hours, with a 1-hour minimum each time the instance enters running.
 *   [S] AWSEC2/latest/UserGuide/billing-for-interrupted-spot-instances.html: EC2-interrupted
 *       Spot: no charge in the first hour; after it, seconds used (per-second) or full hours
 *       without the interrupted partial hour (hourly). User-ended: billed as usual.
 *   [E] repost.aws/knowledge-center/ebs-volume-charges: GiB-month over the month's real
 *       length ("31-day month" = 744 h); ec2-instance-lifecycle.html: a stopped instance
 *       pays only EBS.
 *   [R] concepts-reserved-instances-application.html: an RI covers at most 3600 s of usage
 *       per clock-hour.
 *   [P] savingsplans/latest/userguide/sp-applying.html: RIs apply first; the hourly
 *       commitment (in discounted dollars) covers usage hour by hour; unused commitment is
 *       still paid and does not carry over.
 */
#define M5_LARGE_SPOT 0.0418              /* USD/h, typical Spot (models/instance_types.tsv) */
#define JAN_2024      INT64_C(1704067200) /* 2024-01-01T00:00:00Z */

static double run_once(enum billing_granularity g, enum billing_market mk, double rate,
                       sim_time len, enum billing_end end)
{
    struct billing_meter m = { 0 };
    billing_set_policy(&m, g, mk);
    billing_start(&m, SIM_SEC(5), rate);
    billing_stop_by(&m, SIM_SEC(5) + len, end);
    ck_assert(!m.running);
    return billing_cost_usd(&m, SIM_DAY(1));
}

START_TEST(test_billing_hourly_90_seconds_pays_one_hour)
{
    /* [H] 90 s -> 1 started hour: 1 x 0.096 = 0.096 USD */
    ck_assert_double_eq_tol(
            run_once(BILLING_HOURLY, BILLING_ON_DEMAND, M5_LARGE, SIM_SEC(90), BILLING_END_USER),
            0.096, 1e-12);
}

END_TEST

START_TEST(test_billing_hourly_30_seconds_pays_one_hour)
{
    /* [H] 30 s -> 1-hour minimum: 0.096 USD */
    ck_assert_double_eq_tol(
            run_once(BILLING_HOURLY, BILLING_ON_DEMAND, M5_LARGE, SIM_SEC(30), BILLING_END_USER),
            0.096, 1e-12);
}

END_TEST

START_TEST(test_billing_hourly_61_minutes_pays_two_hours)
{
    /* [H] 61 min -> 2 started hours: 2 x 0.096 = 0.192 USD */
    ck_assert_double_eq_tol(
            run_once(BILLING_HOURLY, BILLING_ON_DEMAND, M5_LARGE, SIM_MIN(61), BILLING_END_USER),
            0.192, 1e-12);
    ck_assert_int_eq(billing_period_seconds_ex(SIM_MIN(61), BILLING_HOURLY, BILLING_ON_DEMAND,
                                               BILLING_END_USER),
                     7200);
}

END_TEST

START_TEST(test_billing_hourly_exact_hour_pays_one_hour)
{
    /* [H] exactly 3600 s is one full hour, not two: 0.096 USD */
    ck_assert_double_eq_tol(
            run_once(BILLING_HOURLY, BILLING_ON_DEMAND, M5_LARGE, SIM_HOUR(1), BILLING_END_USER),
            0.096, 1e-12);
}

END_TEST

START_TEST(test_billing_hourly_each_start_pays_an_hour)
{
    /* [H] two runs of 10 min: each entry into running has a 1-hour minimum:
       2 x 0.096 = 0.192 USD, 7200 billed seconds */
    struct billing_meter m = { 0 };
    billing_set_policy(&m, BILLING_HOURLY, BILLING_ON_DEMAND);
    billing_start(&m, 0, M5_LARGE);
    billing_stop(&m, SIM_MIN(10));
    billing_start(&m, SIM_MIN(20), M5_LARGE);
    billing_stop(&m, SIM_MIN(30));
    ck_assert_int_eq(billing_seconds(&m, SIM_HOUR(1)), 7200);
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_HOUR(1)), 0.192, 1e-12);
}

END_TEST

START_TEST(test_billing_spot_hourly_interrupted_at_40_minutes_is_free)
{
    /* [S] EC2 interrupts in the first hour: no charge */
    ck_assert_double_eq_tol(run_once(BILLING_HOURLY, BILLING_SPOT, M5_LARGE_SPOT, SIM_MIN(40),
                                     BILLING_END_INTERRUPTION),
                            0.0, 1e-15);
}

END_TEST

START_TEST(test_billing_spot_hourly_user_stop_at_40_minutes_pays_hour)
{
    /* [S]+[H] the user ends it at 40 min: 1 full hour at the Spot price = 0.0418 USD */
    ck_assert_double_eq_tol(
            run_once(BILLING_HOURLY, BILLING_SPOT, M5_LARGE_SPOT, SIM_MIN(40), BILLING_END_USER),
            0.0418, 1e-12);
}

END_TEST

START_TEST(test_billing_spot_hourly_interrupted_at_1h40m_pays_one_hour)
{
    /* [S] 1 h 40 min, interrupted by EC2: full hours used (1), interrupted partial hour free:
       1 x 0.0418 = 0.0418 USD */
    ck_assert_double_eq_tol(run_once(BILLING_HOURLY, BILLING_SPOT, M5_LARGE_SPOT, SIM_MIN(100),
                                     BILLING_END_INTERRUPTION),
                            0.0418, 1e-12);
}

END_TEST

START_TEST(test_billing_spot_hourly_user_stop_at_1h40m_pays_two_hours)
{
    /* [S] user ends at 1 h 40 min: full hours used + the partial hour = 2 x 0.0418 = 0.0836 */
    ck_assert_double_eq_tol(
            run_once(BILLING_HOURLY, BILLING_SPOT, M5_LARGE_SPOT, SIM_MIN(100), BILLING_END_USER),
            0.0836, 1e-12);
}

END_TEST

START_TEST(test_billing_spot_per_second_interrupted_at_40_minutes_is_free)
{
    /* [S] Linux per-second, EC2 interrupts in the first hour: no charge, 0 billed seconds */
    ck_assert_double_eq_tol(run_once(BILLING_PER_SECOND, BILLING_SPOT, M5_LARGE_SPOT, SIM_MIN(40),
                                     BILLING_END_INTERRUPTION),
                            0.0, 1e-15);
    ck_assert_int_eq(billing_period_seconds_ex(SIM_MIN(40), BILLING_PER_SECOND, BILLING_SPOT,
                                               BILLING_END_INTERRUPTION),
                     0);
}

END_TEST

START_TEST(test_billing_spot_per_second_interrupted_at_1h40m_pays_seconds)
{
    /* [S] after the first hour: seconds used: 6000 s x 0.0418 / 3600 = 0.06966666... USD */
    ck_assert_double_eq_tol(run_once(BILLING_PER_SECOND, BILLING_SPOT, M5_LARGE_SPOT, SIM_MIN(100),
                                     BILLING_END_INTERRUPTION),
                            6000.0 * 0.0418 / 3600.0, 1e-12);
    ck_assert_double_eq_tol(6000.0 * 0.0418 / 3600.0, 0.0696666667, 1e-9);
}

END_TEST

START_TEST(test_billing_spot_per_second_user_stop_at_40_minutes_pays_seconds)
{
    /* [S] user ends at 40 min: 2400 s x 0.0418 / 3600 = 0.02786666... USD */
    ck_assert_double_eq_tol(run_once(BILLING_PER_SECOND, BILLING_SPOT, M5_LARGE_SPOT, SIM_MIN(40),
                                     BILLING_END_USER),
                            0.0278666667, 1e-9);
}

END_TEST

START_TEST(test_billing_on_demand_ignores_interruption_rule)
{
    /* The interruption rule is for Spot only: On-Demand 40 min per-second = 2400 s x 0.096
       / 3600 = 0.064 USD */
    ck_assert_double_eq_tol(run_once(BILLING_PER_SECOND, BILLING_ON_DEMAND, M5_LARGE, SIM_MIN(40),
                                     BILLING_END_INTERRUPTION),
                            0.064, 1e-12);
}

END_TEST

START_TEST(test_billing_month_hours_follow_the_calendar)
{
    /* [E] January 31 d = 744 h; February 2024 (leap) 696 h; February 2023 672 h;
       April 2024 720 h */
    ck_assert_double_eq(billing_month_hours(JAN_2024), 744.0);
    ck_assert_double_eq(billing_month_hours(JAN_2024 + 31 * 86400), 696.0);
    ck_assert_double_eq(billing_month_hours(JAN_2024 - 334 * 86400), 672.0); /* 2023-02-01 */
    ck_assert_double_eq(billing_month_hours(JAN_2024 + 91 * 86400 + 3600), 720.0);
}

END_TEST

START_TEST(test_billing_stopped_instance_pays_ebs_for_a_day)
{
    /* [E] 8 GiB gp3 at 0.08 USD/GiB-month, January (744 h), stopped for 24 h, no usage:
       8 x 0.08 x 24 / 744 = 15.36 / 744 = 0.0206451613 USD */
    struct billing_meter m = { 0 };
    billing_storage_start(&m, 0, 8, 0.08, billing_month_hours(JAN_2024));
    ck_assert_double_eq_tol(billing_storage_usd(&m, SIM_DAY(1)), 0.0206451613, 1e-10);
    ck_assert_double_eq_tol(billing_cost_usd(&m, SIM_DAY(1)), 0.0, 1e-15);
}

END_TEST

START_TEST(test_billing_run_an_hour_then_stop_pays_usage_and_ebs)
{
    /* Running 1 h then stopped 23 h, 8 GiB at 0.08 USD/GiB-month in a 744-h month:
       usage 3600 s x 0.096 / 3600 = 0.096; EBS for all 24 h = 0.0206451613;
       total 0.1166451613 USD */
    struct billing_meter m = { 0 };
    billing_storage_start(&m, 0, 8, 0.08, 744);
    billing_start(&m, 0, M5_LARGE);
    billing_stop(&m, SIM_HOUR(1));
    double total = billing_cost_usd(&m, SIM_DAY(1)) + billing_storage_usd(&m, SIM_DAY(1));
    ck_assert_double_eq_tol(total, 0.1166451613, 1e-10);
    /* Terminated after the day: storage stops growing. */
    billing_storage_stop(&m, SIM_DAY(1));
    ck_assert_double_eq_tol(billing_storage_usd(&m, SIM_DAY(2)), 0.0206451613, 1e-10);
}

END_TEST

START_TEST(test_billing_until_next_hour)
{
    struct billing_meter m = { 0 };
    ck_assert_int_eq(billing_until_next_hour(&m, SIM_SEC(10)), -1);
    billing_start(&m, SIM_SEC(100), M5_LARGE);
    /* 25 min in: 35 min to the next billing hour */
    ck_assert_int_eq(billing_until_next_hour(&m, SIM_SEC(100) + SIM_MIN(25)), SIM_MIN(35));
    /* 61 min 40 s in: 58 min 20 s left */
    ck_assert_int_eq(billing_until_next_hour(&m, SIM_SEC(100) + SIM_SEC(3700)), SIM_SEC(3500));
    /* exactly on a boundary a new hour has just started: a full hour left */
    ck_assert_int_eq(billing_until_next_hour(&m, SIM_SEC(100) + SIM_HOUR(2)), SIM_HOUR(1));
}

END_TEST

/* Run `n` m5.large On-Demand instances from `start` for `len` into ledger `l`. */
static void run_od(struct billing_ledger *l, int n, sim_time start, sim_time len)
{
    struct billing_meter m[8] = { 0 };
    ck_assert_int_le(n, 8);
    for (int i = 0; i < n; i++) {
        billing_attach_ledger(&m[i], l, "m5.large");
        billing_start(&m[i], start, M5_LARGE);
    }
    for (int i = 0; i < n; i++)
        billing_stop(&m[i], start + len);
}

START_TEST(test_billing_no_discount_invoice_equals_meters)
{
    /* 2 x 90 min On-Demand: 2 x 5400 s x 0.096 / 3600 = 0.288 USD, no fees */
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, NULL);
    run_od(&l, 2, 0, SIM_MIN(90));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(2), &inv);
    ck_assert_double_eq_tol(inv.total_usd, 0.288, 1e-12);
    ck_assert_double_eq_tol(inv.undiscounted_usd, 0.288, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_savings_plan_covers_part_of_an_hour)
{
    /* [P] 2 m5.large for one clock-hour: On-Demand 2 x 0.096 = 0.192.
       Commitment 0.05 USD/h at 28 % off covers 0.05 / 0.72 = 0.0694444 of On-Demand usage;
       rest 0.192 - 0.0694444 = 0.1225556 On-Demand; total 0.05 + 0.1225556 = 0.1725556 */
    struct billing_discounts disc = { .sp_commit_usd_per_hour = 0.05, .sp_discount = 0.28 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    run_od(&l, 2, 0, SIM_HOUR(1));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(1), &inv);
    ck_assert_double_eq_tol(inv.sp_covered_od_usd, 0.0694444444, 1e-9);
    ck_assert_double_eq_tol(inv.on_demand_usd, 0.1225555556, 1e-9);
    ck_assert_double_eq_tol(inv.sp_usd, 0.05, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.1725555556, 1e-9);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_unused_savings_plan_commitment_is_still_paid)
{
    /* [P] one m5.large for 30 min of hour 0, nothing in hour 1; commitment 0.1 USD/h, 30 % off.
       Hour 0: usage 0.048 fully covered (0.1 / 0.7 = 0.142857 > 0.048); hour 1: nothing.
       The 90-minute run pays 1.5 h x 0.1 commitment = 0.15 USD (issue 18: prorated in its
       last clock-hour), no On-Demand charge */
    struct billing_discounts disc = { .sp_commit_usd_per_hour = 0.1, .sp_discount = 0.3 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    run_od(&l, 1, 0, SIM_MIN(30));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_MIN(90), &inv);
    ck_assert_double_eq_tol(inv.on_demand_usd, 0.0, 1e-12);
    ck_assert_double_eq_tol(inv.sp_covered_od_usd, 0.048, 1e-12);
    ck_assert_double_eq_tol(inv.sp_usd, 0.15, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.15, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_reserved_instance_covers_one_instance_hour)
{
    /* [R] 1 RI for m5.large at 0.06 USD/h; 2 instances for one clock-hour (7200 s):
       RI covers 3600 s; 3600 s On-Demand = 0.096; fee 0.06; total 0.156 USD */
    const struct billing_ri ri = { "m5.large", 1, 0.06 };
    struct billing_discounts disc = { .ris = &ri, .nr_ris = 1 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    run_od(&l, 2, 0, SIM_HOUR(1));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(1), &inv);
    ck_assert_int_eq(inv.ri_covered, SIM_HOUR(1));
    ck_assert_double_eq_tol(inv.on_demand_usd, 0.096, 1e-12);
    ck_assert_double_eq_tol(inv.ri_usd, 0.06, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.156, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_reserved_instance_applies_per_clock_hour)
{
    /* [R] 2 instances 00:30-01:30 in a run of 00:00-02:00: each clock-hour has
       2 x 1800 s = 3600 s, all covered by 1 RI. Fees 2 x 0.06 = 0.12; On-Demand 0.
       Without the clock-hour split the same 7200 s would leave 3600 s On-Demand. */
    const struct billing_ri ri = { "m5.large", 1, 0.06 };
    struct billing_discounts disc = { .ris = &ri, .nr_ris = 1 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    run_od(&l, 2, SIM_MIN(30), SIM_HOUR(1));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(2), &inv);
    ck_assert_int_eq(inv.ri_covered, SIM_HOUR(2));
    ck_assert_double_eq_tol(inv.on_demand_usd, 0.0, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.12, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_clock_hours_follow_the_start_time)
{
    /* [R] time 0 is 00:45 UTC. 2 instances run 00:45-01:15 in a run of 00:45-01:45:
       clock-hour 00 holds 2 x 900 s, clock-hour 01 holds 2 x 900 s; the RI covers the
       run's part of each clock-hour: 900 s of hour 00, 2700 s of hour 01, 900 + 900 s used.
       Fees follow the run's hour: 1 x 0.06 = 0.06; On-Demand 900 s = 0.024; total 0.084 */
    const struct billing_ri ri = { "m5.large", 1, 0.06 };
    struct billing_discounts disc = { .ris = &ri, .nr_ris = 1 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024 + 2700, &disc);
    run_od(&l, 2, 0, SIM_MIN(30));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(1), &inv);
    ck_assert_int_eq(inv.ri_covered, SIM_MIN(45));
    ck_assert_double_eq_tol(inv.ri_usd, 0.06, 1e-12);
    ck_assert_double_eq_tol(inv.on_demand_usd, 0.024, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.084, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_fees_are_prorated_in_the_first_and_last_clock_hour)
{
    /* Issue 18: a 2-hour run from 00:30 pays 2 hours of fee, not 3 (clock-hours 00, 01,
       02 are met, the first and last for 30 min each). 1 RI at 0.06 and a 0.1 USD/h
       commitment, no usage: 2 x 0.06 + 2 x 0.1 = 0.32 USD. */
    const struct billing_ri ri = { "m5.large", 1, 0.06 };
    struct billing_discounts disc = {
        .ris = &ri, .nr_ris = 1, .sp_commit_usd_per_hour = 0.1, .sp_discount = 0.3
    };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024 + 1800, &disc);
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(2), &inv);
    ck_assert_double_eq_tol(inv.ri_usd, 0.12, 1e-12);
    ck_assert_double_eq_tol(inv.sp_usd, 0.2, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.32, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_coverage_is_prorated_in_the_edge_clock_hours)
{
    /* Issue 18: coverage follows the fee. Run 00:30-02:30, 2 m5.large throughout; 1 RI.
       Clock-hour 00 (30 min in the run): the RI covers 1800 s of the 3600 s used;
       hour 01: 3600 s of 7200; hour 02: 1800 of 3600. Covered 7200 s = 2 h; fee 2 x 0.06;
       On-Demand 7200 s x 0.096 / 3600 = 0.192; total 0.312 USD. */
    const struct billing_ri ri = { "m5.large", 1, 0.06 };
    struct billing_discounts disc = { .ris = &ri, .nr_ris = 1 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024 + 1800, &disc);
    run_od(&l, 2, 0, SIM_HOUR(2));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(2), &inv);
    ck_assert_int_eq(inv.ri_covered, SIM_HOUR(2));
    ck_assert_double_eq_tol(inv.ri_usd, 0.12, 1e-12);
    ck_assert_double_eq_tol(inv.on_demand_usd, 0.192, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.312, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_ri_then_savings_plan)
{
    /* [R]+[P] 3 m5.large for one hour, 1 RI at 0.06, commitment 0.06912 USD/h at 28 % off.
       RI covers one instance; 2 x 0.096 = 0.192 left; SP covers 0.06912 / 0.72 = 0.096;
       0.096 On-Demand. Total 0.06 + 0.06912 + 0.096 = 0.22512 USD */
    const struct billing_ri ri = { "m5.large", 1, 0.06 };
    struct billing_discounts disc = {
        .ris = &ri, .nr_ris = 1, .sp_commit_usd_per_hour = 0.06912, .sp_discount = 0.28
    };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    run_od(&l, 3, 0, SIM_HOUR(1));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(1), &inv);
    ck_assert_double_eq_tol(inv.on_demand_usd, 0.096, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.22512, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_ri_of_other_type_does_not_apply)
{
    /* [R] an RI for c5.large does not cover m5.large: 1 h On-Demand 0.096 + fee 0.085 */
    const struct billing_ri ri = { "c5.large", 1, 0.085 };
    struct billing_discounts disc = { .ris = &ri, .nr_ris = 1 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    run_od(&l, 1, 0, SIM_HOUR(1));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(1), &inv);
    ck_assert_double_eq_tol(inv.total_usd, 0.181, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_spot_usage_is_not_discounted)
{
    /* Spot usage never reaches the ledger; the commitment is still paid: 1 h x 0.05 */
    struct billing_discounts disc = { .sp_commit_usd_per_hour = 0.05, .sp_discount = 0.28 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    struct billing_meter m = { 0 };
    billing_set_policy(&m, BILLING_PER_SECOND, BILLING_SPOT);
    billing_attach_ledger(&m, &l, "m5.large");
    billing_start(&m, 0, M5_LARGE_SPOT);
    billing_stop(&m, SIM_HOUR(1));
    ck_assert_uint_eq(l.nr, 0);
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(1), &inv);
    ck_assert_double_eq_tol(inv.total_usd, 0.05, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_open_period_reaches_the_ledger_at_the_end)
{
    /* An instance still running at the end (45 min) is counted once: 2700 s x 0.096 / 3600
       = 0.072 USD */
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, NULL);
    struct billing_meter m = { 0 };
    billing_attach_ledger(&m, &l, "m5.large");
    billing_start(&m, 0, M5_LARGE);
    billing_ledger_add_open(&l, &m, SIM_MIN(45));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_MIN(45), &inv);
    ck_assert_double_eq_tol(inv.total_usd, 0.072, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_usage_past_the_window_is_not_discounted)
{
    /* [P] one m5.large from 0.5 s to the end of a 1-hour window: billed 3600 s (a started
       second counts), laid out from 0.5 s, so 0.5 s falls in clock-hour 1, outside the
       window. Commitment 1 USD/h covers all of hour 0 (3599.5 s = 0.09598667 USD) and is
       paid once: 1.0 + 0.5 s x 0.096 / 3600 = 1.0000133333 USD */
    struct billing_discounts disc = { .sp_commit_usd_per_hour = 1.0, .sp_discount = 0.28 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    struct billing_meter m = { 0 };
    billing_attach_ledger(&m, &l, "m5.large");
    billing_start(&m, SIM_MS(500), M5_LARGE);
    billing_ledger_add_open(&l, &m, SIM_HOUR(1));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(1), &inv);
    ck_assert_double_eq_tol(inv.sp_covered_od_usd, 0.0959866667, 1e-9);
    ck_assert_double_eq_tol(inv.total_usd, 1.0000133333, 1e-9);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_ledger_stays_small_over_a_year)
{
    /* [R] A year (8760 clock-hours) of 2 m5.large running throughout and a third started at
       10 past every hour and stopped at 40 past: each hour holds 7200 + 1800 = 9000 s; 1 RI
       covers 3600 s of it, 5400 s x 0.096 / 3600 = 0.144 USD On-Demand. Year: 1261.44 USD
       On-Demand + 8760 x 0.06 = 525.6 USD of fees. The ledger prices hours as they close:
       it never holds more than a few clock-hours, however long the run. */
    const struct billing_ri ri = { "m5.large", 1, 0.06 };
    struct billing_discounts disc = { .ris = &ri, .nr_ris = 1 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    struct billing_meter base[2] = { 0 };
    for (int i = 0; i < 2; i++) {
        billing_attach_ledger(&base[i], &l, "m5.large");
        billing_start(&base[i], 0, M5_LARGE);
    }
    size_t most = 0;
    for (int64_t h = 0; h < 8760; h++) {
        struct billing_meter m = { 0 };
        billing_attach_ledger(&m, &l, "m5.large");
        billing_start(&m, SIM_HOUR(h) + SIM_MIN(10), M5_LARGE);
        billing_stop(&m, SIM_HOUR(h) + SIM_MIN(40));
        most = l.nr > most ? l.nr : most;
    }
    ck_assert_uint_le(most, 3);
    for (int i = 0; i < 2; i++)
        billing_stop(&base[i], SIM_HOUR(8760));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(8760), &inv);
    ck_assert_int_eq(inv.ri_covered, SIM_HOUR(8760));
    ck_assert_double_eq_tol(inv.on_demand_usd, 1261.44, 1e-6);
    ck_assert_double_eq_tol(inv.ri_usd, 525.6, 1e-9);
    ck_assert_double_eq_tol(inv.undiscounted_usd, 8760 * 9000 * 0.096 / 3600, 1e-6);
    billing_ledger_release(&l);
}

END_TEST

START_TEST(test_billing_hourly_minimum_reaches_past_its_stop)
{
    /* [R] Hourly billing: an instance from 00:50 to 01:00 is billed a whole hour laid out
       from 00:50, so 50 minutes fall in clock-hour 01 after it stopped. A second instance
       runs 00:00-02:00. 1 RI: hour 00 holds 3600 + 600 s (RI covers 3600), hour 01 holds
       3600 + 3000 s (covers 3600): 3600 s On-Demand = 0.096 USD, fees 2 x 0.06. */
    const struct billing_ri ri = { "m5.large", 1, 0.06 };
    struct billing_discounts disc = { .ris = &ri, .nr_ris = 1 };
    struct billing_ledger l;
    billing_ledger_init(&l, JAN_2024, &disc);
    struct billing_meter a = { 0 }, b = { 0 };
    billing_attach_ledger(&a, &l, "m5.large");
    billing_attach_ledger(&b, &l, "m5.large");
    billing_set_policy(&b, BILLING_HOURLY, BILLING_ON_DEMAND);
    billing_start(&a, 0, M5_LARGE);
    billing_start(&b, SIM_MIN(50), M5_LARGE);
    billing_stop(&b, SIM_HOUR(1));
    billing_stop(&a, SIM_HOUR(2));
    struct billing_invoice inv;
    billing_ledger_invoice(&l, SIM_HOUR(2), &inv);
    ck_assert_int_eq(inv.ri_covered, SIM_HOUR(2));
    ck_assert_double_eq_tol(inv.on_demand_usd, 0.096, 1e-12);
    ck_assert_double_eq_tol(inv.total_usd, 0.096 + 0.12, 1e-12);
    billing_ledger_release(&l);
}

END_TEST

Suite *billing_suite(void);

Suite *billing_suite(void)
{
    Suite *s = suite_create("billing");
    TCase *tc = tcase_create("per_second");
    tcase_add_test(tc, test_billing_90_seconds_is_90_seconds);
    tcase_add_test(tc, test_billing_30_seconds_pays_the_minute);
    tcase_add_test(tc, test_billing_each_start_has_its_own_minimum);
    tcase_add_test(tc, test_billing_started_second_counts);
    tcase_add_test(tc, test_billing_open_period_counts_to_now_and_never_decreases);
    suite_add_tcase(s, tc);
    TCase *h = tcase_create("hourly_spot_storage");
    tcase_add_test(h, test_billing_hourly_90_seconds_pays_one_hour);
    tcase_add_test(h, test_billing_hourly_30_seconds_pays_one_hour);
    tcase_add_test(h, test_billing_hourly_61_minutes_pays_two_hours);
    tcase_add_test(h, test_billing_hourly_exact_hour_pays_one_hour);
    tcase_add_test(h, test_billing_hourly_each_start_pays_an_hour);
    tcase_add_test(h, test_billing_spot_hourly_interrupted_at_40_minutes_is_free);
    tcase_add_test(h, test_billing_spot_hourly_user_stop_at_40_minutes_pays_hour);
    tcase_add_test(h, test_billing_spot_hourly_interrupted_at_1h40m_pays_one_hour);
    tcase_add_test(h, test_billing_spot_hourly_user_stop_at_1h40m_pays_two_hours);
    tcase_add_test(h, test_billing_spot_per_second_interrupted_at_40_minutes_is_free);
    tcase_add_test(h, test_billing_spot_per_second_interrupted_at_1h40m_pays_seconds);
    tcase_add_test(h, test_billing_spot_per_second_user_stop_at_40_minutes_pays_seconds);
    tcase_add_test(h, test_billing_on_demand_ignores_interruption_rule);
    tcase_add_test(h, test_billing_month_hours_follow_the_calendar);
    tcase_add_test(h, test_billing_stopped_instance_pays_ebs_for_a_day);
    tcase_add_test(h, test_billing_run_an_hour_then_stop_pays_usage_and_ebs);
    tcase_add_test(h, test_billing_until_next_hour);
    suite_add_tcase(s, h);
    TCase *t = tcase_create("total");
    tcase_add_test(t, test_billing_total_equals_the_sum_of_its_meters);
    suite_add_tcase(s, t);
    TCase *d = tcase_create("ledger");
    tcase_add_test(d, test_billing_no_discount_invoice_equals_meters);
    tcase_add_test(d, test_billing_savings_plan_covers_part_of_an_hour);
    tcase_add_test(d, test_billing_unused_savings_plan_commitment_is_still_paid);
    tcase_add_test(d, test_billing_reserved_instance_covers_one_instance_hour);
    tcase_add_test(d, test_billing_reserved_instance_applies_per_clock_hour);
    tcase_add_test(d, test_billing_clock_hours_follow_the_start_time);
    tcase_add_test(d, test_billing_fees_are_prorated_in_the_first_and_last_clock_hour);
    tcase_add_test(d, test_billing_coverage_is_prorated_in_the_edge_clock_hours);
    tcase_add_test(d, test_billing_ri_then_savings_plan);
    tcase_add_test(d, test_billing_ri_of_other_type_does_not_apply);
    tcase_add_test(d, test_billing_spot_usage_is_not_discounted);
    tcase_add_test(d, test_billing_open_period_reaches_the_ledger_at_the_end);
    tcase_add_test(d, test_billing_usage_past_the_window_is_not_discounted);
    tcase_add_test(d, test_billing_ledger_stays_small_over_a_year);
    tcase_add_test(d, test_billing_hourly_minimum_reaches_past_its_stop);
    suite_add_tcase(s, d);
    return s;
}
