#!/usr/bin/env bash
# The README's predictive-scaling answer: runs scenarios/worldcup98-predictive-sweep.yaml
# (target tracking alone = PredictiveMode ForecastOnly, against ForecastAndScale), prints the
# Markdown table of cost, time over objective, drops and forecast accuracy, and draws
# docs/figures/worldcup98-predictive.png (plots/forecast.gp) from the two runs.
# Needs python3 and gnuplot.
# Usage: tools/worldcup98-predictive.sh [ASGSIM] [OUTDIR]   (OUTDIR default docs/figures)
set -euo pipefail
asgsim=${1:-build/asgsim}
out=${2:-docs/figures}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
"$asgsim" sweep "$src/scenarios/worldcup98-predictive-sweep.yaml" -o "$tmp/sweep.h5" -q
"$asgsim" export "$tmp/sweep.h5" -o "$tmp/sweep" -q
python3 - "$tmp/sweep" <<'PY'
import csv, sys
def table(name):
    rows = list(csv.reader(open(f"{sys.argv[1]}/{name}.tsv"), delimiter="\t"))[1:]
    return [dict(zip(rows[0], r)) for r in rows[1:]]
mode = {p["point"]: p["PredictiveMode"] for p in table("sweep_points")}
label = {"ForecastOnly": "target tracking alone (predictive ForecastOnly)",
         "ForecastAndScale": "target tracking + predictive (ForecastAndScale)"}
print("| run | cost (USD) | instance-hours | time over objective (s) | requests over objective "
      "| requests dropped | forecast MAPE / bias (%) | seasonal naive MAPE / bias (%) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for r in table("sweep_results"):
    f = lambda k, d=0: f"{float(r[k]):,.{d}f}"
    print(f"| {label[mode[r['point']]]} | {f('cost_usd', 2)} | {f('instance_hours', 1)} "
          f"| {f('time_over_objective_s')} | {f('requests_over_objective')} "
          f"| {f('requests_dropped')} | {f('forecast_mape_pct', 1)} / {f('forecast_bias_pct', 1)} "
          f"| {f('seasonal_naive_mape_pct', 1)} / {f('seasonal_naive_bias_pct', 1)} |")
PY
for m in ForecastOnly ForecastAndScale; do
    "$asgsim" run "$src/scenarios/worldcup98-predictive.yaml" -p "PredictiveMode=$m" \
        -o "$tmp/$m.h5" -q
    "$asgsim" export "$tmp/$m.h5" -o "$tmp/$m" -q
done
# two days of the second week (1998-06-22 and 23, hours 168-216); the right axis at 50
# requests/s per instance, where the scenario's 50 % CPU target holds
gnuplot -e "in='$tmp/ForecastAndScale'; base='$tmp/ForecastOnly'; out='$out/worldcup98-predictive.png'; from=168; to=216; rps=50; title='WorldCup98, 1998-06-22 and 23: load, forecast and capacity'" "$src/plots/forecast.gp"
