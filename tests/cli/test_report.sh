#!/usr/bin/env bash
# asgsim report: the text summary and --json agree with the trace's /summary.
. "$(dirname "$0")/lib.sh"
check "run" expect_exit 0 "$ASGSIM" run "$SRCDIR/tests/golden/export-small.yaml" -o "$WORK/run.h5" -q
check "report" expect_exit 0 "$ASGSIM" report "$WORK/run.h5"
# issue 18: the report names each figure as /summary and run --json do
check "cost line" grep -qE '^cost_total_usd +0\.042500 USD$' "$WORK/out"
check "cost per million requests" grep -qE '^cost_per_million_requests_usd +0\.301478 USD$' "$WORK/out"
check "instance-hours line" grep -qE '^instance_hours +0\.500000 h$' "$WORK/out"
check "activities line" grep -qE '^activities +3 activities$' "$WORK/out"
check "instances line" grep -qE '^instances_launched +3 instances$' "$WORK/out"
check "SLA lines" grep -qE '^latency_p99_s +10\.[0-9]+ s$' "$WORK/out"
check "requests dropped" grep -qE '^requests_dropped +[0-9]+' "$WORK/out"
check "report --json" expect_exit 0 "$ASGSIM" report --json "$WORK/run.h5"
check "one JSON object with the figures" /usr/bin/python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert abs(o["cost_usd"] - 0.0425) < 1e-9, o
assert o["instance_hours"] == 0.5 and o["activities"] == 3 and o["instances_launched"] == 3, o
' "$WORK/out"
check "missing file" expect_exit 66 "$ASGSIM" report "$WORK/nope.h5"
echo x >"$WORK/text.h5"
check "not HDF5" expect_exit 65 "$ASGSIM" report "$WORK/text.h5"
check "usage" expect_exit 2 "$ASGSIM" report
finish
