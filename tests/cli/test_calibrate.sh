#!/usr/bin/env bash
# asgsim calibrate (issue 18 item 15): a round trip - tests/data/calibrate/web.yaml simulates
# m5.large with CapacityRpsPerVcpu 42 under a moving load, tools/calibrate-example.sh turns
# its time series into per-minute and 5-minute CloudWatch CSVs, and calibrate must find 42
# again within 2 % (the m5 rate 42 x 0.89 too); the README quotes the tool's output as it
# is; other column layouts, a latency column, a poor fit, and bad inputs with their exits.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

check "example tool" sh -c "'$SRCDIR/tools/calibrate-example.sh' '$ASGSIM' '$WORK' >example.txt"

# within PCT percent of WANT: the JSON field FIELD of calibrate's output in FILE
near() {
    /usr/bin/python3 - "$@" <<'PY'
import json, sys
path, field, want, pct = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
got = json.load(open(path))[field]
ok = abs(got / want - 1) <= pct / 100
print(f"  {path} {field} = {got:.4f}, want {want} within {pct} %" + ("" if ok else ": FAIL"))
sys.exit(0 if ok else 1)
PY
}

for p in 1m 5m; do
    check "calibrate $p --json" expect_exit 0 "$ASGSIM" calibrate cw-$p.csv \
        --instance-type m5.large --json
    cp out fit-$p.json
    check "$p: JSON parses, no warning" /usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["poor_fit"] is False and j["warnings"] == [], j["warnings"]
assert j["points_used"] >= (2500 if sys.argv[2] == "1m" else 500), j["points_used"]
assert j["period_s"] == (60 if sys.argv[2] == "1m" else 300)
assert j["dropped_changing"] > 0 and j["vcpus"] == 2 and j["family_factor"] == 0.89
' fit-$p.json $p
    check "$p: baseline CapacityRpsPerVcpu 42 within 2 %" \
        near fit-$p.json baseline_capacity_rps_per_vcpu 42 2
    check "$p: m5.large's own rate 37.38 within 2 %" near fit-$p.json capacity_rps_per_vcpu 37.38 2
done
check "--period 5m" expect_exit 0 "$ASGSIM" calibrate cw-5m.csv --instance-type m5.large --json \
    --period 5m
check "--period 5m: the detected period's fit" cmp -s out fit-5m.json
# the second-oldest row is the last but one line (newest first)
check "--period 10m does not fit 5-minute rows" expect_exit 65 "$ASGSIM" calibrate cw-5m.csv \
    --vcpus 2 --period 10m
check "--period 10m: located" grep -q "cw-5m.csv:576:1: error: timestamps are not on a regular" err
check "the 5-minute file really is newest first" \
    sh -c "sed -n 2p cw-5m.csv | grep -q '^2024-03-05T23:55:00Z'"

# The README shows the tool's output verbatim (the block after its command line).
check "README quotes tools/calibrate-example.sh" /usr/bin/python3 - "$SRCDIR/README.md" \
    example.txt <<'PY'
import sys
readme = open(sys.argv[1]).read()
start = readme.index("$ asgsim calibrate cw-1m.csv --instance-type m5.large\n")
block = readme[start:].split("\n", 1)[1].split("```", 1)[0]
got = open(sys.argv[2]).read()
if block != got:
    print("README block:\n" + block + "\ntool output:\n" + got)
    sys.exit(1)
PY

# Other layouts: RequestCountPerTarget with a prefix, renamed columns with --column, a
# latency column from asgsim's M/M/c law at the true rate (so the latency-implied capacity is
# 37.38), the same plus 50 ms of non-CPU time (a warning), and CPU with noise (poor fit).
check "variants" /usr/bin/python3 - <<'PY'
import csv, random
rows = list(csv.DictReader(open("cw-1m.csv")))
def erlang_c(c, a):
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1 - b))
def sojourn(rps, n, s=1 / 37.38):
    c = round(2 * n)
    return s + erlang_c(c, rps * s) * s / (c - rps * s)
def write(name, header, f):
    with open(name, "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(f(r))
def whole(r):
    n = float(r["GroupInServiceInstances"])
    return n > 0 and n == round(n)
write("per-target.csv", ["Timestamp", "app/web/50dc6c495c0c9188 RequestCountPerTarget",
                         "CPUUtilization", "GroupInServiceInstances"],
      lambda r: [r["Timestamp"], f"{float(r['RequestCount']) / float(r['GroupInServiceInstances']):.3f}"
                 if whole(r) else "", r["CPUUtilization"], r["GroupInServiceInstances"]])
write("renamed.csv", ["When", "Load", "Cpu", "Instances"],
      lambda r: [r["Timestamp"], r["RequestCount"], r["CPUUtilization"],
                 r["GroupInServiceInstances"]])
def with_latency(extra):
    return lambda r: [r["Timestamp"], r["RequestCount"], r["CPUUtilization"],
                      r["GroupInServiceInstances"],
                      f"{sojourn(float(r['RequestCount']) / 60, float(r['GroupInServiceInstances'])) + extra:.6f}"
                      if whole(r) and r["CPUUtilization"] and float(r["CPUUtilization"]) < 90 else ""]
header = ["Timestamp", "RequestCount", "CPUUtilization", "GroupInServiceInstances",
          "TargetResponseTime"]
write("latency.csv", header, with_latency(0))
write("latency-slow.csv", header, with_latency(0.05))
random.seed(18)
write("noisy.csv", list(rows[0].keys()),
      lambda r: [r["Timestamp"], r["RequestCount"],
                 f"{min(89, max(0, float(r['CPUUtilization']) + random.gauss(0, 15))):.2f}"
                 if r["CPUUtilization"] else "", r["GroupInServiceInstances"]])
PY
check "per target" expect_exit 0 "$ASGSIM" calibrate per-target.csv --vcpus 2 --json
cp out per-target.json
check "per target: 37.38 within 2 %" near per-target.json capacity_rps_per_vcpu 37.38 2
check "per target: the column found" grep -q '"requests-per-target": "app/web/50dc6c495c0c9188' \
    per-target.json
check "renamed columns need --column" expect_exit 65 "$ASGSIM" calibrate renamed.csv --vcpus 2
check "renamed: no load column" grep -q "renamed.csv:1:1: error: no load column" err
check "--column" expect_exit 0 "$ASGSIM" calibrate renamed.csv --vcpus 2 --json \
    --column time=when --column requests=LOAD --column cpu=Cpu --column in-service=Instances
cp out renamed.json
check "renamed: 37.38 within 2 %" near renamed.json capacity_rps_per_vcpu 37.38 2
check "latency" expect_exit 0 "$ASGSIM" calibrate latency.csv --instance-type m5.large --json
cp out latency.json
check "latency-implied capacity 37.38 within 2 %" \
    near latency.json latency_capacity_rps_per_vcpu 37.38 2
check "latency: no warning" grep -q '"warnings": \[\]' latency.json
check "latency text" expect_exit 0 "$ASGSIM" calibrate latency.csv --instance-type m5.large
check "latency text: printed" grep -q "latency-implied     CapacityRpsPerVcpu 37" out
check "slow latency" expect_exit 0 "$ASGSIM" calibrate latency-slow.csv --instance-type m5.large
check "slow latency: warned" grep -q "warning: latency and CPU disagree" err
check "slow latency: no service time fits" grep -q "latency-implied     none" out
check "noisy CPU" expect_exit 0 "$ASGSIM" calibrate noisy.csv --instance-type m5.large --json
check "noisy CPU: poor fit flagged" /usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["poor_fit"] and any("R^2" in w for w in j["warnings"]), j
' out
check "noisy CPU: warned on stderr" grep -q "calibrate: warning: poor fit: R^2" err
check "through the origin" expect_exit 0 "$ASGSIM" calibrate cw-1m.csv --vcpus 2 --through-origin
check "through the origin: no idle line" sh -c "! grep -q 'idle CPU' out"

# get-metric-data output (newest first, +00:00 times, no entry for a missing datapoint, the
# group's metric from a second call) flattened by tools/cloudwatch-to-csv.py: the same fit.
check "get-metric-data JSON" /usr/bin/python3 - <<'PY'
import csv, json
rows = list(csv.DictReader(open("cw-1m.csv")))[::-1]
def result(label):
    have = [r for r in rows if r[label]]
    return {"Id": label.lower(), "Label": label, "StatusCode": "Complete",
            "Timestamps": [r["Timestamp"].replace("Z", "+00:00") for r in have],
            "Values": [float(r[label]) for r in have]}
json.dump({"MetricDataResults": [result("RequestCount"), result("CPUUtilization")],
           "Messages": []}, open("gmd-elb.json", "w"), indent=1)
json.dump({"MetricDataResults": [result("GroupInServiceInstances")]}, open("gmd-asg.json", "w"))
PY
check "flatten" sh -c "'$SRCDIR/tools/cloudwatch-to-csv.py' gmd-elb.json gmd-asg.json >gmd.csv"
check "calibrate the flattened CSV" expect_exit 0 "$ASGSIM" calibrate gmd.csv \
    --instance-type m5.large --json
check "flattened: the per-minute fit exactly" /usr/bin/python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a.pop("input"); b.pop("input")
assert a == b, [(k, a[k], b[k]) for k in a if a[k] != b.get(k)]
' fit-1m.json out
echo '{"Messages": []}' >notgmd.json
check "flatten: not get-metric-data" expect_exit 65 "$SRCDIR/tools/cloudwatch-to-csv.py" notgmd.json
check "flatten: missing file" expect_exit 66 "$SRCDIR/tools/cloudwatch-to-csv.py" nosuch.json

# Bad inputs: located errors (65), unreadable files (66), usage (2); nothing written.
before=$(ls | sort)
printf 'Timestamp,RequestCount,GroupInServiceInstances\n2024-03-04T00:00:00Z,100,2\n' >nocpu.csv
check "no CPU column" expect_exit 65 "$ASGSIM" calibrate nocpu.csv --vcpus 2
check "no CPU column: message" grep -q "nocpu.csv:1:1: error: no CPU column in the header" err
{
    echo "Timestamp,RequestCount,CPUUtilization,GroupInServiceInstances"
    echo "2024-03-04T00:00:00Z,6000,40,2"
    echo "2024-03-04T00:01:00Z,6000,40,2"
    echo "yesterday,6000,40,2"
} >badtime.csv
check "garbage timestamp" expect_exit 65 "$ASGSIM" calibrate badtime.csv --vcpus 2
check "garbage timestamp: located" grep -q "badtime.csv:4:1: error: bad timestamp 'yesterday'" err
sed -n 1,6p cw-1m.csv >few.csv
check "too few points" expect_exit 65 "$ASGSIM" calibrate few.csv --vcpus 2
check "too few points: says why" grep -q "too few points to fit: 3 of 5 rows usable" err
check "missing file" expect_exit 66 "$ASGSIM" calibrate nosuch.csv --vcpus 2
check "a directory" expect_exit 66 "$ASGSIM" calibrate . --vcpus 2
check "no type or vCPUs" expect_exit 2 "$ASGSIM" calibrate cw-1m.csv
check "unknown type" expect_exit 2 "$ASGSIM" calibrate cw-1m.csv --instance-type m5.lage
check "unknown type: did you mean" grep -q "did you mean 'm5.large'" err
check "bad --column" expect_exit 2 "$ASGSIM" calibrate cw-1m.csv --vcpus 2 --column memory=X
check "bad --max-cpu" expect_exit 2 "$ASGSIM" calibrate cw-1m.csv --vcpus 2 --max-cpu 120
check "nothing written" test "$before" = "$(ls | sort | grep -v -x -e nocpu.csv -e badtime.csv \
    -e few.csv)"
check "--help" expect_exit 0 "$ASGSIM" calibrate --help
check "--help: usage" grep -q "Usage: asgsim calibrate HISTORY.csv" out
check "help calibrate" expect_exit 0 "$ASGSIM" help calibrate
check "listed in asgsim --help" sh -c "'$ASGSIM' --help | grep -q '^  calibrate HISTORY.csv'"
finish
