#!/usr/bin/env bash
# The README's calibration example: simulates tests/data/calibrate/web.yaml (m5.large with a
# known CapacityRpsPerVcpu of 42), turns its time series into the CSV a CloudWatch export
# gives (cloudwatch-to-csv below: per period the Sum of requests, the Average CPU and the
# Average InService, timestamped at the period's start), and runs `asgsim calibrate` on it.
# Writes OUTDIR/cw-1m.csv (oldest first, as the console's download) and OUTDIR/cw-5m.csv
# (newest first, as get-metric-data returns); prints calibrate's output for cw-1m.csv.
# Needs python3. Usage: tools/calibrate-example.sh [ASGSIM] [OUTDIR]
set -euo pipefail
asgsim=${1:-build/asgsim}
# absolute, for the calibrate run in OUTDIR
case $asgsim in */*) asgsim=$(cd "$(dirname "$asgsim")" && pwd)/$(basename "$asgsim") ;; esac
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${2:-$tmp}
mkdir -p "$out"
"$asgsim" run "$src/tests/data/calibrate/web.yaml" -o "$tmp/web.h5" -q
"$asgsim" export "$tmp/web.h5" -o "$tmp/web" -q
python3 - "$tmp/web/timeseries.tsv" "$out" <<'PY'
# cloudwatch-to-csv: the simulator's 10-second samples aggregated as CloudWatch aggregates
# its datapoints. Requests in a sample interval are what arrived: served + dropped + the
# change of the backlog.
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
start = 1709510400  # StartTime, 2024-03-04T00:00:00Z
def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(start + t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
def aggregate(period):
    per = {}
    prev_backlog = 0.0
    for r in rows:
        t = float(r["time_s"])
        backlog = float(r["backlog"])
        if t > 0:
            k = math.ceil(t / period) - 1
            p = per.setdefault(k, [0.0, [], []])
            p[0] += float(r["served"]) + float(r["dropped"]) + backlog - prev_backlog
            if r["cpu_utilization_pct"] != "NaN":
                p[1].append(float(r["cpu_utilization_pct"]))
            p[2].append(float(r["in_service"]))
        prev_backlog = backlog
    out = []
    for k in sorted(per):
        req, cpu, ins = per[k]
        out.append((iso(k * period), f"{req:.0f}",
                    f"{sum(cpu) / len(cpu):.2f}" if cpu else "",
                    f"{sum(ins) / len(ins):.2f}"))
    return out
header = ("Timestamp", "RequestCount", "CPUUtilization", "GroupInServiceInstances")
for name, period, newest_first in (("cw-1m.csv", 60, False), ("cw-5m.csv", 300, True)):
    with open(f"{sys.argv[2]}/{name}", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        data = aggregate(period)
        w.writerows(reversed(data) if newest_first else data)
PY
cd "$out"
"$asgsim" calibrate cw-1m.csv --instance-type m5.large
