#!/usr/bin/env bash
# Issue 17 item 9, several groups: tests/data/groups/two-groups.yaml has three groups; each
# group's policies act on their own group only, each stays within its own MinSize/MaxSize,
# the idle group launches and is billed, the stack's cost is the sum of the groups', and a
# one-group file keeps today's layout. Without 'Group:' a top-level Workload drives every
# group (README "Several groups"), with a warning.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/tests/data/groups/two-groups.yaml

check "run" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/g.h5" -q
check "export" expect_exit 0 "$ASGSIM" export "$WORK/g.h5" -o "$WORK/x" -q
check "per-group layout" /usr/bin/python3 - "$WORK/g.h5" "$WORK/x" <<'PY'
import csv, subprocess, sys, re
h5, x = sys.argv[1], sys.argv[2]
listing = subprocess.run(["h5ls", "-r", h5], capture_output=True, text=True, check=True).stdout
for g in ("WebASG", "WorkerASG", "BatchASG"):
    for t in ("timeseries", "events", "activities", "instances", "summary"):
        assert re.search(r"^/groups/%s/%s\b" % (g, t), listing, re.M), (g, t)
assert not re.search(r"^/timeseries\b", listing, re.M)  # no stack-wide time series
def scalar(name):
    out = subprocess.run(["h5dump", "-m", "%.15g", "-d", name, h5], capture_output=True,
                         text=True, check=True).stdout
    return float(re.search(r"\(0\): ([-0-9.e+]+)", out).group(1))
def rows(g, t):
    with open("%s/groups/%s/%s.tsv" % (x, g, t)) as f:
        lines = [l for l in f if not l.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))
# capacity bounds per group: (MinSize, MaxSize) of each group in the template
for g, lo, hi in (("WebASG", 2, 8), ("WorkerASG", 1, 3), ("BatchASG", 1, 5)):
    d = [int(r["desired_capacity"]) for r in rows(g, "timeseries")]
    assert min(d) >= lo and max(d) <= hi, (g, min(d), max(d))
# each group's policies act on their own group only
pol = {g: {r["policy"] for r in rows(g, "decisions")} for g in ("WebASG", "WorkerASG", "BatchASG")}
assert pol["WebASG"] == {"WebCpuTarget"}, pol
assert pol["WorkerASG"] == {"WorkerScaleOut"}, pol
assert pol["BatchASG"] == {"BatchNightly"}, pol
assert max(int(r["desired_capacity"]) for r in rows("WebASG", "timeseries")) > 2  # it scaled
assert max(int(r["desired_capacity"]) for r in rows("WorkerASG", "timeseries")) == 3
assert int(rows("BatchASG", "timeseries")[-1]["desired_capacity"]) == 3  # the scheduled action
# the idle group: no load, launched and billed
assert scalar("/groups/BatchASG/summary/requests_arrived") == 0
assert scalar("/groups/BatchASG/summary/instances_launched") == 3
assert scalar("/groups/BatchASG/summary/cost_usd") > 0
assert scalar("/groups/WorkerASG/summary/requests_arrived") > 0
# the stack: cost and launches are the sums of the groups'
for m in ("cost_usd", "cost_total_usd", "instances_launched", "instance_hours", "requests_arrived"):
    s = sum(scalar("/groups/%s/summary/%s" % (g, m)) for g in ("WebASG", "WorkerASG", "BatchASG"))
    assert abs(scalar("/summary/" + m) - s) <= 1e-9 * max(1, s), (m, s)
PY
check "report names every group" bash -c "'$ASGSIM' report '$WORK/g.h5' | grep -c '^group ' | grep -qx 3"
check "report --json has groups" bash -c "'$ASGSIM' report --json '$WORK/g.h5' | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert set(d[\"groups\"])=={\"WebASG\",\"WorkerASG\",\"BatchASG\"}'"
if command -v gnuplot > /dev/null; then
    check "plot draws each group's figures" bash -c "'$ASGSIM' plot '$WORK/g.h5' -o '$WORK/p' -q &&
        test -s '$WORK/p/groups/WebASG/capacity.png' && test -s '$WORK/p/groups/BatchASG/capacity.png'"
    # each group's figures say which group they show (timeaxis.gp reads the group row)
    check "a group's provenance names the group" grep -qx $'group\tBatchASG' "$WORK/p/groups/BatchASG/provenance.tsv"
    check "the stack's provenance names no group" bash -c "! grep -q '^group' '$WORK/x/provenance.tsv'"
fi

# No Group: the top-level Workload drives every group without its own, with a warning.
sed -e '/^    Group: WebASG$/d' "$S" > "$WORK/nogroup.yaml"
check "no Group: runs" expect_exit 0 "$ASGSIM" run "$WORK/nogroup.yaml" -o "$WORK/n.h5" -q
check "no Group: warns" bash -c "'$ASGSIM' validate '$WORK/nogroup.yaml' 2>&1 | grep -q \"no 'Group' names the one this Workload drives\""
check "no Group: each group gets the load" /usr/bin/python3 - "$WORK/n.h5" <<'PY'
import subprocess, sys, re
def scalar(name):
    out = subprocess.run(["h5dump", "-m", "%.15g", "-d", name, sys.argv[1]], capture_output=True,
                         text=True, check=True).stdout
    return float(re.search(r"\(0\): ([-0-9.e+]+)", out).group(1))
assert scalar("/groups/WebASG/summary/requests_arrived") > 0
assert scalar("/groups/BatchASG/summary/requests_arrived") > 0
PY
finish
