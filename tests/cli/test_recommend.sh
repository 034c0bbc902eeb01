#!/usr/bin/env bash
# asgsim recommend (issue 18 item 1): the cheapest point that meets the objectives on the
# mean and in --min-pass of its replications, checked against an independent reading of
# /sweep/results with h5py; its re-run line reproduces replication 0; bad objectives,
# units and files fail with 65/66.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
cat >cap.yaml <<YAML
Scenario: $SRCDIR/tests/golden/export-small.yaml
Axes:
  - Name: DesiredCapacity
    Parameter: DesiredCapacity
    Values: [3, 4, 5, 6, 8]
  - Name: CapacityRpsPerVcpu
    Path: Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu
    Values: [40, 60]
  - Name: LatencyObjective
    Path: Metadata.ASGSim::Scenario.LatencyObjective
    Values: [200ms]
  - Name: Duration
    Path: Metadata.ASGSim::Scenario.Duration
    Values: [2h]
Replications: 5
Seed: 7
YAML
check "sweep" expect_exit 0 "$ASGSIM" sweep cap.yaml -o cap.h5 -q -j 2
check "a run trace" expect_exit 0 "$ASGSIM" run "$SRCDIR/tests/golden/export-small.yaml" -o run.h5 -q

# Issue 18 item 6: this sweep's p99 is bimodal across replications at some points (a queue
# that drains or not); the interval must stay within the values seen, with n given.
check "stats intervals stay in range" /usr/bin/python3 -c '
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1]); r = f["sweep/results"][()]; st = f["sweep/stats"][()]
wide = 0
for row in st:
    x = r[r["point"] == row["point"]]
    for m in ("latency_p99_s", "cost_total_usd", "requests_dropped"):
        lo, hi = row[m + "_ci_low"], row[m + "_ci_high"]
        assert x[m].min() <= lo <= row[m + "_mean"] <= hi <= x[m].max(), (row["point"], m, lo, hi)
        assert row[m + "_n"] == 5
    wide += x["latency_p99_s"].max() > 10 * x["latency_p99_s"].min()
assert wide >= 1, "no bimodal point: the check would not test anything"
' cap.h5

# The same choice computed from /sweep/results: per point, the mean of each run's figures
# and the count of runs meeting every objective.
pick() { /usr/bin/python3 - "$@" <<'PY'
import sys, h5py, numpy as np
path, p99, drop, minpass = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
r = h5py.File(path)["sweep/results"][()]
best = None
for p in sorted(set(r["point"])):
    x = r[r["point"] == p]
    rate = x["requests_dropped"] / x["requests_arrived"]
    ok = (x["latency_p99_s"] <= p99) & (rate <= drop)
    if x["latency_p99_s"].mean() <= p99 and rate.mean() <= drop and ok.sum() >= minpass * len(x):
        c = x["cost_total_usd"].mean()
        if best is None or c < best[0]:
            best = (c, p, ok.sum())
print(best[1], best[2])
PY
}
check "recommend" expect_exit 0 "$ASGSIM" recommend cap.h5 --max-p99 200ms --max-drop-rate 0.02
read -r want_p want_k < <(pick cap.h5 0.2 0.02 1.0)
check "the cheapest point meeting every objective in every replication" grep -qE "^recommended  point $want_p:" "$WORK/out"
check "pass count" grep -qE "replications passing +$want_k of 5 \(100%; 95% Wilson interval 56\.6%-100\.0%\)" "$WORK/out"
check "re-run lines" grep -qE "^  asgsim run .*export-small\.yaml --seed 7 \\\\$" "$WORK/out"
check "one --set line per Path axis" grep -qE "^      --set Metadata\.ASGSim::Scenario\.Instances\.CapacityRpsPerVcpu=[0-9]+ \\\\$" "$WORK/out"
# The lines as printed, pasted into a shell (the continuations included), re-run the point.
/usr/bin/python3 - "$WORK/out" "$ASGSIM" >rerun.sh <<'PY'
import sys, shlex
lines = open(sys.argv[1]).read().split("re-run it (replication 0) with\n")[1].split("\n\n")[0].rstrip("\n").split("\n")
lines[0] = lines[0].replace("asgsim", shlex.quote(sys.argv[2]), 1)
print("\n".join(lines) + " -o rerun-text.h5 -q")
PY
check "the re-run lines are a shell command" bash rerun.sh
check "... that wrote the trace" test -s rerun-text.h5

check "--min-pass 0.6" expect_exit 0 "$ASGSIM" recommend cap.h5 --max-p99 1s --max-drop-rate 2% --min-pass 0.6 --json
cp "$WORK/out" relaxed.json
read -r want_p want_k < <(pick cap.h5 1.0 0.02 0.6)
check "JSON: the cheapest point passing in 60 % of replications" /usr/bin/python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
r = o["recommendation"]
assert r["point"] == int(sys.argv[2]) and r["replications_passing"] == int(sys.argv[3]), r
assert r["n"] == 5 and o["interval"] == "95% Wilson score", o
# Wilson 4 of 5: 0.3755 .. 0.9638 (Wilson 1927; also statsmodels proportion_confint method="wilson")
if r["replications_passing"] == 4:
    assert abs(r["pass_share_ci_low"] - 0.375535) < 1e-5 and abs(r["pass_share_ci_high"] - 0.963776) < 1e-5, r
assert len(o["runners_up"]) <= 3
costs = [r["cost_total_usd_mean"]] + [x["cost_total_usd_mean"] for x in o["runners_up"]]
assert costs == sorted(costs), costs
assert any(s.startswith("--set Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu=") for s in r["set"]), r
' relaxed.json "$want_p" "$want_k"

# The re-run line gives replication 0 of the point, figure for figure.
cmd=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["recommendation"]["command"])' relaxed.json)
check "re-run" expect_exit 0 bash -c "${cmd/asgsim/\"$ASGSIM\"} -o rerun.h5 --json"
check "re-run equals replication 0" /usr/bin/python3 -c '
import json, sys, h5py
o = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))["recommendation"]["point"]
r = h5py.File(sys.argv[3])["sweep/results"][()]
x = r[(r["point"] == p) & (r["replication"] == 0)][0]
assert abs(o["cost_total_usd"] - x["cost_total_usd"]) < 1e-6 and abs(o["latency_p99_s"] - x["latency_p99_s"]) < 1e-6, (o, x)
' "$WORK/out" relaxed.json cap.h5

# asgsim report on a sweep (item 3): points, front, recommendation; with no objective given
# the sweep's LatencyObjective (200 ms, one value) is the p99 to meet.
check "report a sweep" expect_exit 0 "$ASGSIM" report cap.h5
cp "$WORK/out" report.txt
check "report: one row per point" test "$(grep -cE '^[* ] [0-9]+ ' report.txt)" = 10
check "report: the default objective" grep -qF "objectives   latency_p99_s <= 0.2 s;" report.txt
check "recommend with that objective" expect_exit 0 "$ASGSIM" recommend cap.h5 --max-p99 200ms
check "report recommends the same point" diff <(grep '^recommended' report.txt) <(grep '^recommended' "$WORK/out")
check "report --json" expect_exit 0 "$ASGSIM" report cap.h5 --json
check "report: the front is the cost/p99 Pareto front of the means" /usr/bin/python3 -c '
import json, sys, h5py, numpy as np
o = json.load(open(sys.argv[1])); r = h5py.File(sys.argv[2])["sweep/results"][()]
pts = sorted(set(r["point"]))
m = {p: (r[r["point"] == p]["cost_total_usd"].mean(), r[r["point"] == p]["latency_p99_s"].mean()) for p in pts}
front = [p for p in pts if not any(q != p and m[q][0] <= m[p][0] and m[q][1] <= m[p][1] and m[q] != m[p] for q in pts)]
assert o["front"] == front, (o["front"], front)
assert len(o["points"]) == 10 and o["recommend"]["recommendation"]["point"] in front
' "$WORK/out" cap.h5
check "report: objectives on a run trace" expect_exit 2 "$ASGSIM" report run.h5 --max-p99 1s

check "no point meets: exit 1" expect_exit 1 "$ASGSIM" recommend cap.h5 --max-p99 1ms
check "says so" grep -q "no point meets the objectives" "$WORK/out"
check "no point meets: JSON null" expect_exit 1 "$ASGSIM" recommend cap.h5 --max-p99 1ms --json
check "recommendation null" /usr/bin/python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["recommendation"] is None' "$WORK/out"

check "unknown objective" expect_exit 65 "$ASGSIM" recommend cap.h5 --max-p95 200ms
check "unknown objective named" grep -qF "unknown objective '--max-p95' (did you mean '--max-p99'?)" "$WORK/err"
check "bad unit" expect_exit 65 "$ASGSIM" recommend cap.h5 --max-p99 200qs
check "bad unit named" grep -qF -- "--max-p99: '200qs' is not a duration" "$WORK/err"
check "drop rate over 1" expect_exit 65 "$ASGSIM" recommend cap.h5 --max-drop-rate 1.5
check "bad --min-pass" expect_exit 65 "$ASGSIM" recommend cap.h5 --min-pass x
check "non-sweep file" expect_exit 65 "$ASGSIM" recommend run.h5 --max-p99 200ms
check "non-sweep named" grep -qF "not a sweep output" "$WORK/err"
check "missing file" expect_exit 66 "$ASGSIM" recommend nothere.h5
check "usage" expect_exit 2 "$ASGSIM" recommend
check "help" expect_exit 0 "$ASGSIM" recommend --help
# With discounts the invoice (cost_total_usd) is what recommend ranks by, and what the sweep
# heatmap and Pareto tables show, so the cheapest cell of the figure is the recommended point.
# A Savings Plan commitment of 0.2 USD/h (28 % off) makes the two costs differ at every point.
sed 's/^    Duration: 10m .*/    Duration: 2h\n    Billing: {SavingsPlan: {CommitmentUsdPerHour: 0.2, Discount: 0.28}}/' \
    "$SRCDIR/tests/golden/export-small.yaml" >sp.yaml
cat >sp-sweep.yaml <<YAML
Scenario: sp.yaml
Axes:
  - {Name: DesiredCapacity, Parameter: DesiredCapacity, Values: [2, 3, 5]}
  - {Name: RequestRate, Parameter: RequestRate, Values: [100, 200]}
Replications: 1
YAML
check "sweep with a Savings Plan" expect_exit 0 "$ASGSIM" sweep sp-sweep.yaml -o sp.h5 -q
check "export it" expect_exit 0 "$ASGSIM" export sp.h5 -o sp-tables -q
check "heatmap cost is the invoice (cost_total_usd), as recommend ranks" /usr/bin/python3 -c '
import sys, h5py, csv
r = h5py.File(sys.argv[1])["sweep/results"][()]
rows = list(csv.DictReader(open(sys.argv[2] + "/sweep_heatmap.tsv"), delimiter="\t"))
pts = list(csv.DictReader(open(sys.argv[2] + "/sweep_points.tsv"), delimiter="\t"))
point = {(float(q["DesiredCapacity"]), float(q["RequestRate"])): int(q["point"]) for q in pts}
assert len(rows) == 6 and "cost_total_usd_mean" in rows[0], rows[0].keys()
differ = 0
for row in rows:
    x = r[r["point"] == point[(float(row["DesiredCapacity"]), float(row["RequestRate"]))]]
    assert len(x) == 1, row
    assert abs(float(row["cost_total_usd_mean"]) - x["cost_total_usd"].mean()) < 1e-6, (row, x)  # 6 decimals
    differ += abs(x["cost_total_usd"].mean() - x["cost_usd"].mean()) > 1e-6
assert differ == 6, "the Savings Plan should make both costs differ"
front = list(csv.DictReader(open(sys.argv[2] + "/sweep_pareto.tsv"), delimiter="\t"))
assert "cost_total_usd_mean" in front[0], front[0].keys()
' sp.h5 sp-tables
finish
