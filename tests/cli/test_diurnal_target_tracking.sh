#!/usr/bin/env bash
# scenarios/diurnal-target-tracking.yaml against scenarios/diurnal-web.yaml, as the README
# tells it: the same week of load, a 50 % CPU target on 2-20 instances instead of a fixed
# 6. The group follows the daily curve (few instances at night, many near the 15:00 UTC
# peak, always within MinSize and MaxSize), absorbs Wednesday's flash crowd, and drops far
# fewer requests than the fixed group for a comparable bill.
. "$(dirname "$0")/lib.sh"
TT=$SRCDIR/scenarios/diurnal-target-tracking.yaml
WEB=$SRCDIR/scenarios/diurnal-web.yaml

check "validate" expect_exit 0 "$ASGSIM" validate "$TT"
check "run target tracking" expect_exit 0 "$ASGSIM" run "$TT" -o "$WORK/tt.h5"
check "nothing on stderr" test ! -s "$WORK/err"
check "run the fixed group" expect_exit 0 "$ASGSIM" run "$WEB" -o "$WORK/web.h5"
check "export target tracking" expect_exit 0 "$ASGSIM" export "$WORK/tt.h5" -o "$WORK/tt"
check "export the fixed group" expect_exit 0 "$ASGSIM" export "$WORK/web.h5" -o "$WORK/web"
check "follows the daily curve, drops far less" /usr/bin/python3 - "$WORK/tt" "$WORK/web" <<'PY'
import csv, sys
def table(d, name):
    lines = (l for l in open(d + "/" + name + ".tsv") if not l.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))
H, D = 3600, 86400
tt, web = table(sys.argv[1], "timeseries"), table(sys.argv[2], "timeseries")
# within MinSize / MaxSize at every sample
for r in tt:
    assert int(r["min_size"]) == 2 and int(r["max_size"]) == 20, r["time_s"]
    assert 2 <= int(r["desired_capacity"]) <= 20, (r["time_s"], r["desired_capacity"])
def desired(day, h0, h1):
    return [int(r["desired_capacity"]) for r in tt
            if int(float(r["time_s"]) // D) == day and h0 * H <= float(r["time_s"]) % D < h1 * H]
for day in range(7):
    night, peak = desired(day, 2, 5), desired(day, 14, 16)
    # low at night (120 rps on weekdays: 3 instances at 50 %), high near the peak (480 rps)
    assert max(night) <= 4, (day, night)
    assert min(peak) >= 2 * max(night), (day, min(peak), max(night))
    if day < 5:
        assert min(peak) >= 8, (day, peak)
# the flash crowd (Wednesday 14:00) takes the group above its usual peak
assert max(desired(2, 14, 16)) > max(desired(1, 14, 16)), "no scale-out for the crowd"
# far fewer drops than the fixed 6: none in the crowd, which costs the fixed group dearly
def dropped(ts, a, b):
    return sum(float(r["dropped"]) for r in ts if a < float(r["time_s"]) <= b)
crowd = (2 * D + 14 * H, 2 * D + 16 * H)
assert dropped(web, *crowd) > 10000, dropped(web, *crowd)
assert dropped(tt, *crowd) == 0, dropped(tt, *crowd)
s, w = table(sys.argv[1], "summary")[0], table(sys.argv[2], "summary")[0]
assert float(s["requests_dropped"]) < float(w["requests_dropped"]) / 3, (
    s["requests_dropped"], w["requests_dropped"])
assert float(s["requests_over_objective"]) < float(w["requests_over_objective"]) / 10
assert float(s["time_over_objective_s"]) < float(w["time_over_objective_s"]) / 10
# for a comparable bill: within 10 % of the fixed group's
assert abs(float(s["cost_usd"]) / float(w["cost_usd"]) - 1) < 0.1, (s["cost_usd"], w["cost_usd"])
# the scaling was done by target tracking's own alarms
causes = [r["cause"] for r in table(sys.argv[1], "activities")]
assert any("-AlarmHigh-" in c and "triggered policy CpuTarget50" in c for c in causes)
assert any("-AlarmLow-" in c and "triggered policy CpuTarget50" in c for c in causes)
PY
finish
