#!/usr/bin/env bash
# WarmStart and StatisticsStart on three hours of the WorldCup98 week that begin in a match
# (Thursday 1998-06-25 15:00 UTC, 360 requests/s after RateScale 0.25). Cold, the group of 2
# boots into full load and drops requests for minutes; warm, it starts with the 8 instances
# that serve the first minute at the policy's 50 % CPU target, InService at time 0, and
# drops none. StatisticsStart leaves the first 30 minutes out of the summary.
. "$(dirname "$0")/lib.sh"
WC=$SRCDIR/scenarios/worldcup98-week.yaml
DATA=$SRCDIR/data/worldcup98/worldcup98-week-1998-06-22.tsv
sed "s|Path: .*|Path: $DATA\n      Window: {Start: 3d15h, End: 3d18h}|; s|Duration: 7d|Duration: 3h|;
     s|StartTime: .*|StartTime: '1998-06-25T15:00:00Z'|; /WarmStart/d; /StatisticsStart/d" \
    "$WC" >"$WORK/cold.yaml"
sed 's|    SampleInterval: 60s|    SampleInterval: 60s\n    WarmStart: true\n    StatisticsStart: 30m|' \
    "$WORK/cold.yaml" >"$WORK/warm.yaml"
check "cold run" expect_exit 0 "$ASGSIM" run "$WORK/cold.yaml" -o "$WORK/cold.h5"
check "warm run" expect_exit 0 "$ASGSIM" run "$WORK/warm.yaml" -o "$WORK/warm.h5"
check "warm: nothing on stderr" test ! -s "$WORK/err"
check "warm starts sized and ready, statistics from 30 minutes" /usr/bin/python3 - \
    "$WORK/cold.h5" "$WORK/warm.h5" <<'PY'
import sys, h5py
cold, warm = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
ct, wt = cold["/timeseries"], warm["/timeseries"]
# cold: 2 instances still booting at time 0, then too few: drops in the first 10 minutes
assert ct["in_service"][0] == 0 and ct["desired_capacity"][0] == 2
assert ct["dropped"][:11].sum() > 10000, ct["dropped"][:11].sum()
# warm: ceil(359.5 rps / (2 vCPU x 50 rps x 50 %)) = 8, InService at time 0, no drops
assert wt["in_service"][0] == 8 and wt["desired_capacity"][0] == 8, (wt["in_service"][0])
assert wt["dropped"][:11].sum() == 0
acts = warm["/activities"]
assert all(s == 0 for s in acts["start_time_s"][:8])
# StatisticsStart 30m: the summary counts what was served after the sample at 1800 s
t = wt["time_s"][:]
after = wt["served"][t > 1800].sum()
got = warm["/summary/requests_served"][()]
assert abs(got / after - 1) < 1e-3, (got, after)
assert got < wt["served"][:].sum() * 0.9
# the cold run's summary keeps its cold start: the drops are in it
assert cold["/summary/requests_dropped"][()] > 10000
PY
# A start that is not on a sample, or after the end, is refused where it is written.
sed 's|StatisticsStart: 30m|StatisticsStart: 90s|' "$WORK/warm.yaml" >"$WORK/bad.yaml"
check "StatisticsStart between samples: exit 65" expect_exit 65 "$ASGSIM" run "$WORK/bad.yaml" \
    -o "$WORK/bad.h5"
line=$(grep -n "StatisticsStart:" "$WORK/bad.yaml" | cut -d: -f1)
check "located" grep -qF "bad.yaml:$line:22: error: 'StatisticsStart' in Metadata ASGSim::Scenario must be a multiple of SampleInterval (60 s)" "$WORK/err"
check "no output" test ! -e "$WORK/bad.h5"
finish
