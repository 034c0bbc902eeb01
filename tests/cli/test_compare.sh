#!/usr/bin/env bash
# asgsim compare (issue 18 item 2): summaries side by side with differences from the first
# file, as text and JSON, and one gnuplot figure overlaying capacity, cost and latency.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
S=$SRCDIR/tests/golden/export-small.yaml
check "run A" expect_exit 0 "$ASGSIM" run "$S" -o a.h5 -q
check "run B" expect_exit 0 "$ASGSIM" run "$S" -p DesiredCapacity=6 -o b.h5 -q
check "compare" expect_exit 0 "$ASGSIM" compare a.h5 b.h5 -o cmp
# export-small: 3 vs 6 c6i.large for 10 minutes (0.085 USD/h, per second): 0.0425 vs 0.085
check "cost_total_usd side by side with its difference" \
    grep -qE '^cost_total_usd +0\.042500 +0\.085000 +0\.042500 +\+100\.0% USD$' "$WORK/out"
check "every metric of the table" test "$(grep -cE '^[a-z0-9_]+ ' "$WORK/out")" -ge 40
check "the figure" test -s cmp/compare.png
check "its script and data beside it" test -s cmp/compare.gp -a -s cmp/run1/timeseries.tsv -a -s cmp/run2/timeseries.tsv
check "re-drawable by hand" sh -c "cd cmp && rm compare.png && gnuplot compare.gp && test -s compare.png"
check "compare --json" expect_exit 0 "$ASGSIM" compare a.h5 b.h5 --json --no-plot
cp "$WORK/out" cmp.json
check "report A" expect_exit 0 "$ASGSIM" report a.h5 --json
cp "$WORK/out" a.json
check "report B" expect_exit 0 "$ASGSIM" report b.h5 --json
check "JSON values and differences agree with report" /usr/bin/python3 -c '
import json, sys
c, a, b = (json.load(open(p)) for p in sys.argv[1:4])
assert c["files"] == ["a.h5", "b.h5"]
for k in ("cost_total_usd", "requests_dropped", "latency_p99_s", "instances_launched"):
    v = c["metrics"][k]
    assert abs(v["values"][0] - a[k]) < 1e-6 and abs(v["values"][1] - b[k]) < 1e-6, (k, v)
    assert abs(v["diff"][0] - (b[k] - a[k])) < 1e-6, (k, v)
' cmp.json a.json "$WORK/out"
check "three files" expect_exit 0 "$ASGSIM" compare a.h5 b.h5 a.h5 --no-plot
check "two difference columns" grep -qE '^cost_total_usd( +[-+0-9.%]+){7} USD$' "$WORK/out"

printf 'Scenario: %s\nAxes:\n  - Parameter: DesiredCapacity\n    Values: [3]\n' "$S" >sw.yaml
check "a sweep" expect_exit 0 "$ASGSIM" sweep sw.yaml -o sw.h5 -q -j 1
check "a sweep is not a run trace" expect_exit 65 "$ASGSIM" compare a.h5 sw.h5 --no-plot
check "says what to use" grep -qF "sw.h5 is not a run trace (no /summary); it is a sweep output" "$WORK/err"
echo x >text.h5
check "not HDF5" expect_exit 65 "$ASGSIM" compare a.h5 text.h5
check "missing file" expect_exit 66 "$ASGSIM" compare a.h5 nothere.h5
check "one file" expect_exit 2 "$ASGSIM" compare a.h5
check "missing gnuplot" expect_exit 69 env GNUPLOT=/nonexistent "$ASGSIM" compare a.h5 b.h5 -o nognu
finish
