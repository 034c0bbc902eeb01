#!/usr/bin/env bash
# The README's predictive-scaling answer: runs scenarios/worldcup98-predictive.yaml with
# target tracking alone (PredictiveMode ForecastOnly) and with ForecastAndScale, the two
# points of scenarios/worldcup98-predictive-sweep.yaml (a sweep's replication 0 is the plain
# run, figure for figure), prints the Markdown table of cost, time over objective, drops and
# forecast accuracy, and draws docs/figures/worldcup98-predictive.png (plots/forecast.gp).
# With OUTDIR "-" it prints the table only. With --figures it prints instead the figures
# the README's prose quotes, one `key value` per line (tools/readme-check compares them).
# With --runs DIR the two runs are kept in DIR and reused (under a lock), so that the table
# and the figures cost one pair of runs. Needs python3 and gnuplot.
# Usage: tools/worldcup98-predictive.sh [--figures] [--runs DIR] [ASGSIM] [OUTDIR]
#        (OUTDIR default docs/figures)
set -euo pipefail
figures=0 runs_dir=
while [ $# -gt 0 ]; do
    case $1 in
    --figures) figures=1; shift ;;
    --runs) runs_dir=$2; shift 2 ;;
    *) break ;;
    esac
done
asgsim=${1:-build/asgsim}
out=${2:-docs/figures}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=${runs_dir:-$tmp}
mkdir -p "$runs"
(
    flock 9
    for m in ForecastOnly ForecastAndScale; do
        [ -f "$runs/$m/summary.tsv" ] && continue
        "$asgsim" run "$src/scenarios/worldcup98-predictive.yaml" -p "PredictiveMode=$m" \
            -o "$runs/$m.h5" -q
        "$asgsim" export "$runs/$m.h5" -o "$runs/$m" -q
    done
) 9>"$runs/.lock"
if [ $figures = 1 ]; then
    python3 - "$runs/ForecastOnly" "$runs/ForecastAndScale" <<'PY'
import csv, math, sys
def table(d, name):
    return list(csv.DictReader(open(d + "/" + name + ".tsv"), delimiter="\t"))
(tt_s,), (pr_s,) = table(sys.argv[1], "summary"), table(sys.argv[2], "summary")
f = lambda s, k: float(s[k])
print("cost_more_pct %.0f" % (100 * (f(pr_s, "cost_usd") / f(tt_s, "cost_usd") - 1)))
print("more_instance_hours %.0f" % (f(pr_s, "instance_hours") - f(tt_s, "instance_hours")))
print("over_objective_saved_pct %.1f" % (100 * (1 - f(pr_s, "requests_over_objective") /
                                                   f(tt_s, "requests_over_objective"))))
print("seasonal_naive_low_pct %.1f" % -f(pr_s, "seasonal_naive_bias_pct"))
tt = {round(float(r["time_s"])): r for r in table(sys.argv[1], "timeseries")}
pr = {round(float(r["time_s"])): r for r in table(sys.argv[2], "timeseries")}
print("initial_instances %s" % tt[0]["desired_capacity"])
# the last sample minute with drops or a p99 over the objective, in either run
late = [t for run in (tt, pr) for t, r in run.items()
        if float(r["dropped"]) > 0 or (r["latency_p99_s"] != "NaN" and float(r["latency_p99_s"]) > 0.2)]
print("trouble_minutes %d" % (max(late) // 60))
# the ramp hours: the hourly mean load at least 15 % above the hour before (as
# tests/cli/test_worldcup98_predictive.sh), and how often each run has the hour's capacity
# (50 requests/s per instance at the 50 % target) InService at the hour's start
H, hours = 3600, 14 * 24
load = [sum(float(tt[t]["load_rps"]) for t in range(h * H + 60, (h + 1) * H + 1, 60)) / 60
        for h in range(hours)]
ramps = [h for h in range(1, hours) if load[h] >= 1.15 * load[h - 1]]
ready = lambda run: sum(int(run[h * H]["in_service"]) >= math.ceil(load[h] / 50) for h in ramps)
print("ramp_hours %d" % len(ramps))
print("ready_predictive %d" % ready(pr))
print("ready_target_tracking %d" % ready(tt))
PY
    exit 0
fi
python3 - "$runs" <<'PY'
import csv, sys
label = {"ForecastOnly": "target tracking alone (predictive ForecastOnly)",
         "ForecastAndScale": "target tracking + predictive (ForecastAndScale)"}
print("| run | cost (USD) | instance-hours | time over objective (s) | requests over objective "
      "| requests dropped | forecast MAPE / bias (%) | seasonal naive MAPE / bias (%) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for mode in label:
    r = next(csv.DictReader(open(f"{sys.argv[1]}/{mode}/summary.tsv"), delimiter="\t"))
    f = lambda k, d=0: f"{float(r[k]):,.{d}f}"
    print(f"| {label[mode]} | {f('cost_usd', 2)} | {f('instance_hours', 1)} "
          f"| {f('time_over_objective_s')} | {f('requests_over_objective')} "
          f"| {f('requests_dropped')} | {f('forecast_mape_pct', 1)} / {f('forecast_bias_pct', 1)} "
          f"| {f('seasonal_naive_mape_pct', 1)} / {f('seasonal_naive_bias_pct', 1)} |")
PY
[ "$out" = - ] && exit 0
mkdir -p "$out"
# two days of the second week (1998-06-22 and 23, hours 168-216); the right axis at 50
# requests/s per instance, where the scenario's 50 % CPU target holds
gnuplot -e "in='$runs/ForecastAndScale'; base='$runs/ForecastOnly'; out='$out/worldcup98-predictive.png'; from=168; to=216; rps=50; title='WorldCup98, 1998-06-22 and 23: load, forecast and capacity'" "$src/plots/forecast.gp"
