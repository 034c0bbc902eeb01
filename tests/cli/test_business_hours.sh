#!/usr/bin/env bash
# scenarios/business-hours.yaml, as the README tells it: weekday scheduled actions at 08:00
# (MinSize 16) and 19:00 (MinSize 2) New York time on top of a 50 % CPU target. Their UTC
# times move by an hour when daylight saving starts (Sunday 2024-03-10): the morning action
# runs at 13:00 UTC until Friday 2024-03-08 and at 12:00 UTC on Monday 2024-03-11, the
# evening one at 00:00 UTC, then 23:00 UTC; none at weekends. Each morning action takes
# desired to 16, and the drops are the cold start's first hour.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/business-hours.yaml

check "validate" expect_exit 0 "$ASGSIM" validate "$S"
check "run" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/run.h5"
check "nothing on stderr" test ! -s "$WORK/err"
check "export" expect_exit 0 "$ASGSIM" export "$WORK/run.h5" -o "$WORK/tsv"
check "scheduled actions in UTC across the DST change" /usr/bin/python3 - "$WORK/tsv" <<'PY'
import csv, sys
from datetime import datetime, timedelta
def table(name):
    lines = (l for l in open(sys.argv[1] + "/" + name + ".tsv") if not l.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))
t0 = datetime(2024, 3, 4)  # StartTime, a Monday
def utc(t):
    return (t0 + timedelta(seconds=float(t))).strftime("%Y-%m-%d %H:%M")
dec = table("decisions")
opens = [r for r in dec if r["policy"] == "OfficeOpens"]
closes = [r for r in dec if r["policy"] == "OfficeCloses"]
assert all(r["kind"] == "ScheduledAction" for r in opens + closes)
want_opens = ["2024-03-0%d 13:00" % d for d in range(4, 9)] + ["2024-03-11 12:00"]
assert [utc(r["time_s"]) for r in opens] == want_opens, [utc(r["time_s"]) for r in opens]
want_closes = ["2024-03-0%d 00:00" % d for d in range(5, 10)] + ["2024-03-11 23:00"]
assert [utc(r["time_s"]) for r in closes] == want_closes, [utc(r["time_s"]) for r in closes]
# each morning action takes desired to 16 from what target tracking had (below 16)
for r in opens:
    assert int(r["desired_before"]) < 16 and int(r["desired_after"]) == 16, (utc(r["time_s"]), r)
ts = {float(r["time_s"]): r for r in table("timeseries")}
for r in opens:
    row = ts[float(r["time_s"])]    # the row at t shows the state after the action
    assert int(row["min_size"]) == 16 and int(row["desired_capacity"]) == 16, utc(r["time_s"])
    assert int(ts[float(r["time_s"]) - 60]["min_size"]) == 2, utc(r["time_s"])
for r in closes:
    assert int(ts[float(r["time_s"])]["min_size"]) == 2, utc(r["time_s"])
# AWS's wording, with the UTC time after the change
causes = [r["cause"] for r in table("activities")]
assert any(c.startswith("At 2024-03-11T12:00:00Z a scheduled action update of AutoScalingGroup "
                        "constraints to min: 16, max: 30, desired: 16 changing the desired "
                        "capacity from ") for c in causes)
s = table("summary")[0]
assert int(s["scheduled_capacity_changes"]) == 6, s["scheduled_capacity_changes"]
assert int(s["policy_capacity_changes"]) > 0
# the drops are all in the first hour, when the group starts at MinSize 2
late = sum(float(r["dropped"]) for t, r in ts.items() if t > 3600)
assert float(s["requests_dropped"]) > 0 and late == 0, (s["requests_dropped"], late)
PY
finish
