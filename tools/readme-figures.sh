#!/usr/bin/env bash
# The figures README.md quotes from example runs, one `key value` per line: runs each
# example the README names (asgsim run, then asgsim export) and prints every /summary
# metric as RUN.METRIC (raw), plus the derived figures the prose quotes (drops in a window,
# capacity changes, instances per AZ), formatted as the README writes them. README.md
# refers to them as <!-- readme-num: fig KEY [SPEC] --> and tools/readme-check compares
# (make test: cli_readme). Takes a few seconds.
#
#   tools/readme-figures.sh [ASGSIM]        # default: $ASGSIM, else build/asgsim
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
asgsim=${1:-${ASGSIM:-$src/build/asgsim}}
[ -x "$asgsim" ] || { echo "readme-figures: no asgsim at $asgsim (build first)" >&2; exit 66; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

runs="diurnal-web diurnal-target-tracking flash-crowd-step business-hours every-policy
      spot-mix warm-pool-vs-cold cold-start partition-failure az-outage"
# two at a time: the runs are independent, and most machines running this have 2+ cores
echo $runs | xargs -n 1 -P 2 bash -c \
    '"$0" run "$1/scenarios/$3.yaml" -o "$2/$3.h5" -q && "$0" export "$2/$3.h5" -o "$2/$3" -q' \
    "$asgsim" "$src" "$out" 2>&1 | sed 's/^/readme-figures: /' >&2
for s in $runs; do
    [ -f "$out/$s/summary.tsv" ] || { echo "readme-figures: $s did not run" >&2; exit 1; }
done

/usr/bin/python3 - "$out" $runs <<'PY'
import csv, sys
from collections import Counter
from datetime import datetime, timedelta
out, runs = sys.argv[1], sys.argv[2:]

def table(run, name):
    return list(csv.DictReader(open("%s/%s/%s.tsv" % (out, run, name)), delimiter="\t"))

def summary(run):
    return table(run, "summary")[0]

def say(key, value):
    print(key, value)

def num(x):                         # 98654.3 -> "98,654"
    return "{:,}".format(round(float(x)))

def dropped(run, a, b):             # requests dropped in (a, b], seconds
    return sum(float(r["dropped"]) for r in table(run, "timeseries") if a < float(r["time_s"]) <= b)

def at(run, t):
    return next(r for r in table(run, "timeseries") if float(r["time_s"]) == t)

def changes(prefix, run, start):    # every capacity change: PREFIX.cN.time (HH:MM), .from, .to
    d0 = datetime.fromisoformat(start)
    rows = [r for r in table(run, "decisions") if r["reason"] == "changed"]
    for n, r in enumerate(rows, 1):
        t = (d0 + timedelta(seconds=float(r["time_s"]))).strftime("%H:%M")
        say("%s.c%d.time" % (prefix, n), t)
        say("%s.c%d.policy" % (prefix, n), r["policy"])
        say("%s.c%d.from" % (prefix, n), r["desired_before"])
        say("%s.c%d.to" % (prefix, n), r["desired_after"])

for run in runs:
    for k, v in summary(run).items():
        say("%s.%s" % (run, k), v)

H, D = 3600, 86400
# Workload and serving: diurnal-web.yaml, a fixed group of 6
for name, h in (("night", 3), ("peak", 15)):
    say("web.p99_%s" % name, "%.3f" % float(at("diurnal-web", h * H)["latency_p99_s"]))
say("web.dropped_first_hour", num(dropped("diurnal-web", 0, H)))
say("web.dropped_crowd", num(dropped("diurnal-web", 2 * D + 14 * H, 2 * D + 16 * H)))

# Examples: diurnal-target-tracking.yaml against diurnal-web.yaml
tt, web = summary("diurnal-target-tracking"), summary("diurnal-web")
say("tt.cost_more_pct", "%.0f" % (100 * (float(tt["cost_usd"]) / float(web["cost_usd"]) - 1)))
ts = table("diurnal-target-tracking", "timeseries")
def desired(days, h0, h1):
    return [int(r["desired_capacity"]) for r in ts
            if int(float(r["time_s"]) // D) in days and h0 * H <= float(r["time_s"]) % D < h1 * H]
weekdays = (0, 1, 3, 4)             # Wednesday has the flash crowd
for name, days in (("weekday", weekdays), ("weekend", (5, 6))):
    for part, h0, h1 in (("night", 2, 5), ("peak", 14, 16)):
        v = desired(days, h0, h1)
        say("tt.%s_%s" % (name, part), "%d" % v[0] if min(v) == max(v) else "%d-%d" % (min(v), max(v)))
say("tt.crowd_max", max(desired((2,), 14, 16)))
say("tt.dropped_first_hour", num(dropped("diurnal-target-tracking", 0, H)))
say("tt.dropped_crowd", num(dropped("diurnal-target-tracking", 2 * D + 14 * H, 2 * D + 16 * H)))

# Examples: flash-crowd-step.yaml (starts 12:00 UTC, crowd at 14:00)
changes("flash", "flash-crowd-step", "2024-01-03T12:00:00")
say("flash.dropped_cold20", num(dropped("flash-crowd-step", 0, 1200)))
say("flash.dropped_crowd20", num(dropped("flash-crowd-step", 2 * H, 2 * H + 1200)))

# Examples: business-hours.yaml (UTC): every run of the OfficeOpens action
d0 = datetime.fromisoformat("2024-03-04T00:00:00")
opens = [r for r in table("business-hours", "decisions") if r["policy"] == "OfficeOpens"]
for n, r in enumerate(opens, 1):
    t = d0 + timedelta(seconds=float(r["time_s"]))
    say("hours.open%d.time" % n, t.strftime("%H:%M"))
    say("hours.open%d.date" % n, t.strftime("%Y-%m-%d"))
say("hours.open_from_min", min(int(r["desired_before"]) for r in opens))
say("hours.open_from_max", max(int(r["desired_before"]) for r in opens))
say("hours.open_to", max(int(r["desired_after"]) for r in opens))
say("hours.dropped_first_hour", num(dropped("business-hours", 0, H)))

# Every policy type on one group: every-policy.yaml
changes("every", "every-policy", "2024-05-06T00:00:00")

# Reading the summary of spot-mix.yaml: instances at launch per market
n = Counter(r["market"] for r in table("spot-mix", "instances") if float(r["launch_time_s"]) == 0)
for market, v in n.items():
    say("spot.%s_at_launch" % market.replace("-", "_"), v)
s = summary("spot-mix")
say("spot.savings_plan_covers_usd",
    "%.3f" % (float(s["cost_on_demand_usd"]) - float(s["cost_on_demand_after_discounts_usd"])))

# Warm pool against cold start
for name, run in (("warm", "warm-pool-vs-cold"), ("cold", "cold-start")):
    say("pool.%s_dropped_first6m" % name, num(dropped(run, 0, 360)))
w, c = summary("warm-pool-vs-cold"), summary("cold-start")
say("pool.extra_cost_usd", "%.2f" % (float(w["cost_total_usd"]) - float(c["cost_total_usd"])))
say("pool.extra_ebs_usd", "%.2f" % (float(w["cost_storage_usd"]) - float(c["cost_storage_usd"])))

# A partition failure: instances at launch, and those the failure terminated
inst = table("partition-failure", "instances")
gone = [r for r in inst if r["terminate_time_s"] != "NaN"]
say("partition.at_launch", sum(float(r["launch_time_s"]) == 0 for r in inst))
say("partition.failed", len(gone))
say("partition.failed_at_h", "%g" % (min(float(r["terminate_time_s"]) for r in gone) / H))
say("partition.failed_partition", ",".join(sorted({r["partition"] for r in gone})))

# An Availability Zone outage: instances per AZ (a, b, c) at a few times
inst = table("az-outage", "instances")
for name, t in (("before", 2.99 * H), ("h4", 4 * H), ("h5", 5 * H), ("end", 7.99 * H)):
    live = [r for r in inst if float(r["launch_time_s"]) <= t and
            (r["terminate_time_s"] == "NaN" or float(r["terminate_time_s"]) > t)]
    say("az.%s.n" % name, len(live))
    for k, (_, v) in enumerate(sorted(Counter(r["az"] for r in live).items())):
        say("az.%s.%s" % (name, "abc"[k]), v)
PY
