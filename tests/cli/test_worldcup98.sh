#!/usr/bin/env bash
# scenarios/worldcup98-week.yaml replays a real week (data/worldcup98/): the group scales
# out for each match and back in after it. The same trace as CSV with a header and ISO 8601
# times gives the same run; a 5-minute version warns that it is coarser than the samples;
# Window cuts a day out; bad traces and windows get located errors, exit 65, no output.
. "$(dirname "$0")/lib.sh"
WC=$SRCDIR/scenarios/worldcup98-week.yaml
DATA=$SRCDIR/data/worldcup98/worldcup98-week-1998-06-22.tsv

check "attribution beside the data" grep -q "MIT" "$SRCDIR/data/worldcup98/ATTRIBUTION"
check "validate" expect_exit 0 "$ASGSIM" validate "$WC"
check "run" expect_exit 0 "$ASGSIM" run "$WC" -o "$WORK/wc.h5"
check "nothing on stderr" test ! -s "$WORK/err"
check "export" expect_exit 0 "$ASGSIM" export "$WORK/wc.h5" -o "$WORK/wc"
check "scales out for the matches and in after them" /usr/bin/python3 - "$WORK/wc" <<'PY'
import csv, sys
def table(d, name):
    lines = (l for l in open(d + "/" + name + ".tsv") if not l.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))
H, D = 3600, 86400
ts = table(sys.argv[1], "timeseries")
def desired(day, h0, h1):
    return [int(r["desired_capacity"]) for r in ts
            if int(float(r["time_s"]) // D) == day and h0 * H <= float(r["time_s"]) % D < h1 * H]
# Thursday 25 June (day 3) has the week's busiest minute (3,554 rps, 890 after RateScale):
# at 50 % CPU of 100 rps per instance that needs about 18 instances.
assert max(desired(3, 0, 24)) >= 12, max(desired(3, 0, 24))
for day in range(7):
    night = desired(day, 4, 6)  # 04:00-06:00 UTC: 50 to 60 rps, MinSize is enough
    assert max(night) <= 3, (day, night)
# weekdays' matches take the group well above its night size
for day in range(5):
    assert max(desired(day, 12, 24)) >= 3 * max(desired(day, 4, 6)), day
s = table(sys.argv[1], "summary")[0]
assert float(s["cost_usd"]) > 0
acts = table(sys.argv[1], "activities")
assert sum(1 for a in acts if "Launching" in a["description"]) >= 30
assert sum(1 for a in acts if "Terminating" in a["description"]) >= 30
PY

# The same trace as people export it: CSV, a header row, ISO 8601 times.
/usr/bin/python3 - "$DATA" "$WORK/wc.csv" <<'PY'
import sys, datetime
out = open(sys.argv[2], "w")
out.write("timestamp,requests_per_second\n")
t0 = datetime.datetime(1998, 6, 22, tzinfo=datetime.timezone.utc)
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    t, r = line.split()
    when = t0 + datetime.timedelta(seconds=float(t))
    out.write(when.strftime("%Y-%m-%dT%H:%M:%SZ") + "," + r + "\n")
PY
sed "s|Path: .*|Path: $WORK/wc.csv|" "$WC" >"$WORK/csv.yaml"
check "CSV with ISO times runs" expect_exit 0 "$ASGSIM" run "$WORK/csv.yaml" -o "$WORK/csv.h5"
check "CSV: nothing on stderr" test ! -s "$WORK/err"
check "CSV gives the same summary" cmp <(h5dump -g /summary "$WORK/wc.h5" | grep -v HDF5) \
    <(h5dump -g /summary "$WORK/csv.h5" | grep -v HDF5)

# Resample to 5 minutes: coarser than SampleInterval, which asgsim says.
sed "s|Path: .*|Path: $DATA|; s|RateScale: 0.25|RateScale: 0.25\n      Resample: 5m|" "$WC" \
    >"$WORK/coarse.yaml"
check "5-minute trace runs" expect_exit 0 "$ASGSIM" run "$WORK/coarse.yaml" -o "$WORK/c.h5"
check "5-minute trace warns" grep -q \
    "warning: workload trace rows are 300 s apart, coarser than SampleInterval 60 s" "$WORK/err"

# Window: Thursday alone, by date; the run starts at its first minute.
sed "s|Path: .*|Path: $WORK/wc.csv\n      Window: {Start: '1998-06-25T00:00:00Z', End: 1998-06-26T00:00:00Z}|;
     s|Duration: 7d|Duration: 1d|; s|StartTime: .*|StartTime: '1998-06-25T00:00:00Z'|;
     /StatisticsStart/d" "$WC" \
    >"$WORK/day.yaml"
check "a one-day window runs" expect_exit 0 "$ASGSIM" run "$WORK/day.yaml" -o "$WORK/day.h5"
check "window: nothing on stderr" test ! -s "$WORK/err"
check "window: the day's requests" /usr/bin/python3 - "$WORK/day.h5" "$DATA" <<'PY'
import sys, h5py
arrived = float(h5py.File(sys.argv[1])["/summary/requests_arrived"][()])
rows = [l.split() for l in open(sys.argv[2]) if not l.startswith("#")]
want = sum(float(r) * 60 * 0.25 for t, r in rows if 3 * 86400 <= float(t) < 4 * 86400)
assert abs(arrived / want - 1) < 0.01, (arrived, want)
PY

# Bad input: located, exit 65, nothing left on disk.
bad() { # NAME YAML EXPECT
    check "$1: exit 65" expect_exit 65 "$ASGSIM" run "$2" -o "$WORK/bad.h5"
    check "$1: located" grep -qF -- "$3" "$WORK/err"
    check "$1: no output" test ! -e "$WORK/bad.h5" -a ! -e "$WORK/bad.h5.tmp"
}
sed "s|Start: '1998-06-25T00:00:00Z'|Start: 6d|; s|End: 1998-06-26T00:00:00Z|End: 8d|" \
    "$WORK/day.yaml" >"$WORK/outside.yaml"
line=$(grep -n "Window:" "$WORK/outside.yaml" | cut -d: -f1)
bad "window outside" "$WORK/outside.yaml" \
    "outside.yaml:$line:32: error: 'Window End' 1998-06-30T00:00:00Z in Workload is outside the trace, which runs from 1998-06-22T00:00:00Z to 1998-06-28T23:59:00Z"
{ echo "when,rps"; echo "0,1"; } >"$WORK/hdr.csv"
sed "s|Path: .*|Path: $WORK/hdr.csv|" "$WC" >"$WORK/hdr.yaml"
bad "unknown header" "$WORK/hdr.yaml" "hdr.csv:1:1: error: unknown column 'when'"
{ echo "time,rps"; echo "1998-06-22T00:00:00Z,1"; echo "1998-06-22T00:61:00Z,2"; } >"$WORK/ts.csv"
sed "s|Path: .*|Path: $WORK/ts.csv|" "$WC" >"$WORK/ts.yaml"
bad "bad timestamp" "$WORK/ts.yaml" "ts.csv:3:1: error: bad timestamp '1998-06-22T00:61:00Z'"
finish
