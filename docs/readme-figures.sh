#!/usr/bin/env bash
# Every figure README.md quotes from a run, regenerated: runs each example the README
# names (asgsim run, then asgsim export) and prints the figures in the form the README
# gives them, section by section. Takes a few seconds.
#
#   docs/readme-figures.sh [ASGSIM]        # default: build/asgsim of this tree
#
# After a change of behaviour, run it and copy what changed into README.md.
# The one performance figure the README quotes (the fluid year) comes from `make bench`
# (an optimised build on a quiet machine); the last line here is only a rough check.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
asgsim=${1:-${ASGSIM:-$src/build/asgsim}}
[ -x "$asgsim" ] || { echo "readme-figures: no asgsim at $asgsim (build first)" >&2; exit 66; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for s in diurnal-web diurnal-target-tracking flash-crowd-step business-hours every-policy \
         spot-mix warm-pool-vs-cold cold-start partition-failure az-outage; do
    "$asgsim" run "$src/scenarios/$s.yaml" -o "$out/$s.h5" -q
    "$asgsim" export "$out/$s.h5" -o "$out/$s" -q
done
TIMEFORMAT='%U %S'
cpu=$( { time "$asgsim" run "$src/bench/year-100.yaml" -o "$out/year.h5" -q; } 2>&1 \
       | awk '{ printf "%.2f", $1 + $2 }')

/usr/bin/python3 - "$out" "$cpu" <<'PY'
import csv, sys
from collections import Counter
from datetime import datetime, timedelta
out, cpu = sys.argv[1], sys.argv[2]

def table(run, name):
    lines = (l for l in open("%s/%s/%s.tsv" % (out, run, name)) if not l.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))

def summary(run):
    return table(run, "summary")[0]

def num(x):                         # 98654.3 -> "98,654"
    return "{:,}".format(round(float(x)))

def dropped(run, a, b):             # requests dropped in (a, b], seconds
    return sum(float(r["dropped"]) for r in table(run, "timeseries") if a < float(r["time_s"]) <= b)

def at(run, t):
    return next(r for r in table(run, "timeseries") if float(r["time_s"]) == t)

def changes(run, start):            # "HH:MM policy before->after", the policy that set desired
    d0 = datetime.fromisoformat(start)
    return ["%s %s %s->%s" % ((d0 + timedelta(seconds=float(r["time_s"]))).strftime("%H:%M"),
                              r["policy"], r["desired_before"], r["desired_after"])
            for r in table(run, "decisions") if r["reason"] == "changed"]

H, D = 3600, 86400
print("== Workload and serving: diurnal-web.yaml (fixed 6 c6i.large)")
for h in (3, 15):
    print("  p99 at %02d:00 UTC Monday: %.3f s" % (h, float(at("diurnal-web", h * H)["latency_p99_s"])))
ts = table("diurnal-web", "timeseries")
print("  p99 max: %.2f s (flash crowd, Wednesday 14:00)" % max(
    float(r["latency_p99_s"]) for r in ts if r["latency_p99_s"] != "NaN"))
print("  dropped in the first hour (boot): %s, in the crowd (14:00-16:00): %s" % (
    num(dropped("diurnal-web", 0, H)), num(dropped("diurnal-web", 2 * D + 14 * H, 2 * D + 16 * H))))

print("== Examples: diurnal-target-tracking.yaml against diurnal-web.yaml")
tt, web = summary("diurnal-target-tracking"), summary("diurnal-web")
for key, fmt in (("cost_usd", "%.2f USD"), ("requests_dropped", None),
                 ("requests_over_objective", None), ("time_over_objective_s", "%.0f s")):
    f = (lambda v: fmt % float(v)) if fmt else num
    print("  %-24s %s -> %s" % (key, f(web[key]), f(tt[key])))
ts = table("diurnal-target-tracking", "timeseries")
def desired(days, h0, h1):
    v = [int(r["desired_capacity"]) for r in ts
         if int(float(r["time_s"]) // D) in days and h0 * H <= float(r["time_s"]) % D < h1 * H]
    return "%d-%d" % (min(v), max(v)) if min(v) != max(v) else str(v[0])
over = [float(r["time_s"]) for r in ts
        if r["latency_p99_s"] != "NaN" and float(r["latency_p99_s"]) > 0.2]
print("  p99 over 200 ms: %d min, %d of it in the first hour" % (
    len(over), sum(t <= H for t in over)))
print("  desired, weekdays but Wednesday: night (02:00-05:00) %s, peak (14:00-16:00) %s" % (
    desired((0, 1, 3, 4), 2, 5), desired((0, 1, 3, 4), 14, 16)))
print("  desired, weekend: night %s, peak %s; Wednesday peak (flash crowd) %s" % (
    desired((5, 6), 2, 5), desired((5, 6), 14, 16), desired((2,), 14, 16)))
print("  dropped in the first hour: %s (diurnal-web: %s); in the crowd: %s (diurnal-web: %s)" % (
    num(dropped("diurnal-target-tracking", 0, H)), num(dropped("diurnal-web", 0, H)),
    num(dropped("diurnal-target-tracking", 2 * D + 14 * H, 2 * D + 16 * H)),
    num(dropped("diurnal-web", 2 * D + 14 * H, 2 * D + 16 * H))))

print("== Examples: flash-crowd-step.yaml (starts 12:00 UTC, crowd at 14:00)")
for c in changes("flash-crowd-step", "2024-01-03T12:00:00"):
    print("  " + c)
s = summary("flash-crowd-step")
print("  dropped %s: %s in the first 20 minutes, %s in the first 20 minutes of the crowd; p99 %.2f s" % (
    num(s["requests_dropped"]), num(dropped("flash-crowd-step", 0, 1200)),
    num(dropped("flash-crowd-step", 2 * H, 2 * H + 1200)), float(s["latency_p99_s"])))

print("== Examples: business-hours.yaml (UTC)")
d0 = datetime.fromisoformat("2024-03-04T00:00:00")
for r in table("business-hours", "decisions"):
    if r["policy"] == "OfficeOpens":
        print("  %s OfficeOpens desired %s -> %s" % (
            (d0 + timedelta(seconds=float(r["time_s"]))).strftime("%a %Y-%m-%d %H:%M"),
            r["desired_before"], r["desired_after"]))
cause = next(r["cause"] for r in table("business-hours", "activities") if "scheduled action" in r["cause"])
print("  first cause (Activities and output): " + cause[:cause.index(".") + 1])
s = summary("business-hours")
print("  scheduled changes %s, policy changes %s; dropped %s, %s of them in the first hour" % (
    s["scheduled_capacity_changes"], s["policy_capacity_changes"], num(s["requests_dropped"]),
    num(dropped("business-hours", 0, H))))

print("== Every policy type on one group: every-policy.yaml")
for c in changes("every-policy", "2024-05-06T00:00:00"):
    print("  " + c)

print("== Reading the summary of spot-mix.yaml")
s = summary("spot-mix")
n = Counter((r["market"], r["instance_type"]) for r in table("spot-mix", "instances")
            if float(r["launch_time_s"]) == 0)
print("  at launch: %s" % ", ".join("%d %s %s" % (v, m, t) for (m, t), v in sorted(n.items())))
for k in ("cost_on_demand_usd", "cost_savings_plan_usd", "cost_on_demand_after_discounts_usd"):
    print("  %-36s %.3f" % (k, float(s[k])))

print("== Warm pool against cold start: warm-pool-vs-cold.yaml, cold-start.yaml")
w, c = summary("warm-pool-vs-cold"), summary("cold-start")
print("  dropped: warm %s, cold %s; in the first six minutes: warm %s, cold %s" % (
    num(w["requests_dropped"]), num(c["requests_dropped"]),
    num(dropped("warm-pool-vs-cold", 0, 360)), num(dropped("cold-start", 0, 360))))
print("  mean latency: warm %.3f s, cold %.3f s" % (float(w["latency_mean_s"]), float(c["latency_mean_s"])))
print("  cost_total: warm %.3f, cold %.3f USD: +%.2f, of it EBS +%.2f" % (
    float(w["cost_total_usd"]), float(c["cost_total_usd"]),
    float(w["cost_total_usd"]) - float(c["cost_total_usd"]),
    float(w["cost_storage_usd"]) - float(c["cost_storage_usd"])))
print("  pool instances failed and replaced: %s" % w["warm_pool_health_replacements"])

print("== A partition failure: partition-failure.yaml")
inst = table("partition-failure", "instances")
gone = [r for r in inst if r["terminate_time_s"] != "NaN"]
print("  %d %s at launch; terminated at %s: %s" % (
    sum(float(r["launch_time_s"]) == 0 for r in inst), inst[0]["instance_type"],
    ", ".join(sorted({"%g h" % (float(r["terminate_time_s"]) / H) for r in gone})),
    ", ".join("%s partition %s" % (r["az"], r["partition"]) for r in gone)))

print("== An Availability Zone outage: az-outage.yaml (instances per AZ)")
inst = table("az-outage", "instances")
for t in (2.99 * H, 4 * H, 5 * H, 7.99 * H):
    live = [r for r in inst if float(r["launch_time_s"]) <= t and
            (r["terminate_time_s"] == "NaN" or float(r["terminate_time_s"]) > t)]
    print("  %5.2f h: %2d  %s" % (t / H, len(live), " / ".join(
        "%d" % v for _, v in sorted(Counter(r["az"] for r in live).items()))))

print("== Performance: bench/year-100.yaml, one simulated year")
print("  %s s CPU with this build (README quotes make bench's optimised build)" % cpu)
PY
