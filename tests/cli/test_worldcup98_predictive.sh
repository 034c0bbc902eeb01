#!/usr/bin/env bash
# scenarios/worldcup98-predictive.yaml (issue 21 item 5): two weeks of the real WorldCup98
# load with target tracking alone (PredictiveMode ForecastOnly) and with predictive scaling
# acting too (ForecastAndScale). What must hold whichever run is cheaper:
#  - the predictive run's capacity rises ahead of the daily ramps: on the ramp hours (the
#    hourly mean load at least 15 % above the hour before), its desired capacity a minute
#    before the hour is above what it was an hour earlier in most of them, and above the
#    target-tracking run's at that minute in most of them; its InService capacity at the
#    hour's start covers the hour's mean load at the 50 % target (50 requests/s per
#    instance) more often than target tracking alone does;
#  - every capacity change of the predictive policy happens SchedulingBufferTime (300 s)
#    before an hour, and it never lowers desired capacity;
#  - the forecast beats the seasonal-naive forecast on this trace (MAPE and |bias|);
#  - ForecastOnly logs the same forecasts without acting;
#  - the two-point sweep runs.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/worldcup98-predictive.yaml

check "validate" expect_exit 0 "$ASGSIM" validate "$S"
for m in ForecastOnly ForecastAndScale; do
    check "run $m" expect_exit 0 "$ASGSIM" run "$S" -p "PredictiveMode=$m" -o "$WORK/$m.h5"
    check "nothing on stderr ($m)" test ! -s "$WORK/err"
    check "export $m" expect_exit 0 "$ASGSIM" export "$WORK/$m.h5" -o "$WORK/$m"
done
check "capacity ahead of the ramps" /usr/bin/python3 - "$WORK/ForecastOnly" "$WORK/ForecastAndScale" <<'PY'
import csv, math, sys
def table(d, name):
    lines = (l for l in open(d + "/" + name + ".tsv") if not l.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))
tt = {round(float(r["time_s"])): r for r in table(sys.argv[1], "timeseries")}
pr = {round(float(r["time_s"])): r for r in table(sys.argv[2], "timeseries")}
H, hours = 3600, 14 * 24
# hourly mean load: the 60 one-minute rows that end within the hour
load = [sum(float(tt[t]["load_rps"]) for t in range(h * H + 60, (h + 1) * H + 1, 60)) / 60
        for h in range(hours)]
ramps = [h for h in range(1, hours) if load[h] >= 1.15 * load[h - 1]]
assert len(ramps) >= 40, len(ramps)
des = lambda run, t: int(run[t]["desired_capacity"])
rose = sum(des(pr, h * H - 60) > des(pr, h * H - 3660) for h in ramps)
above = sum(des(pr, h * H - 60) > des(tt, h * H - 60) for h in ramps)
ready = lambda run: sum(int(run[h * H]["in_service"]) >= math.ceil(load[h] / 50) for h in ramps)
print(f"{len(ramps)} ramp hours: predictive desired rose in the hour before {rose}, above "
      f"target tracking's {above}; capacity ready at the hour: predictive {ready(pr)}, "
      f"target tracking alone {ready(tt)}")
assert rose > len(ramps) / 2, rose
assert above > len(ramps) / 2, above
assert ready(pr) > ready(tt), (ready(pr), ready(tt))
# ForecastOnly: the same forecast series, and the predictive policy changes nothing
for t in range(0, hours * H, 600):
    assert tt[t]["forecast_load_rps"] == pr[t]["forecast_load_rps"], t
for run, acts in ((sys.argv[1], False), (sys.argv[2], True)):
    rows = [r for r in table(run, "decisions") if r["kind"] == "PredictiveScaling"]
    assert len(rows) == hours + 1, len(rows)   # one per hour, the last for the hour at the end
    changed = [r for r in rows if r["reason"] == "changed"]
    assert bool(changed) == acts, len(changed)
    for r in rows:
        assert int(r["desired_after"]) >= int(r["desired_before"]), r["time_s"]
        t = round(float(r["time_s"]))
        assert t == 0 or t % H == H - 300, t
        assert r["metric_values"].startswith("issued_s="), r["metric_values"]
PY
check "forecast beats seasonal naive" /usr/bin/python3 - "$WORK/ForecastAndScale" <<'PY'
import csv, sys
rows = [l for l in open(sys.argv[1] + "/summary.tsv") if not l.startswith("#")]
s = {k: float(v) for k, v in next(csv.DictReader(rows, delimiter="\t")).items()}
assert s["forecast_hours"] == 336 and s["seasonal_naive_hours"] == 336, s
assert s["forecast_mape_pct"] < s["seasonal_naive_mape_pct"], s
assert abs(s["forecast_bias_pct"]) < abs(s["seasonal_naive_bias_pct"]), s
PY
check "two-point sweep" expect_exit 0 "$ASGSIM" sweep "$SRCDIR/scenarios/worldcup98-predictive-sweep.yaml" -o "$WORK/sweep.h5" -q
finish
