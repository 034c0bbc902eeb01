#!/usr/bin/env bash
# asgsim run --set PATH=VALUE (issue 18 item 4): the sweep's Path syntax on one run, so a
# sweep point can be re-run alone; validate recognises a sweep file and checks every point.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
S=$SRCDIR/tests/golden/export-small.yaml
check "run" expect_exit 0 "$ASGSIM" run "$S" -o base.h5 --json
cp "$WORK/out" base.json
check "run --set" expect_exit 0 "$ASGSIM" run "$S" -o set.h5 --json \
    --set Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu=75 --set Metadata.ASGSim::Scenario.Duration=20m
cp "$WORK/out" set.json
check "the values took effect" /usr/bin/python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert b["duration_s"] == 1200 and a["duration_s"] == 600, (a, b)
assert b["requests_dropped"] / b["requests_arrived"] < a["requests_dropped"] / a["requests_arrived"], (a, b)
' base.json "$WORK/out"
cat >one.yaml <<YAML
Scenario: $S
Axes:
  - Name: CapacityRpsPerVcpu
    Path: Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu
    Values: [75]
  - Name: Duration
    Path: Metadata.ASGSim::Scenario.Duration
    Values: [20m]
YAML
check "the same point as a sweep" expect_exit 0 "$ASGSIM" sweep one.yaml -o one.h5 -q -j 1
check "run --set equals the sweep's point" /usr/bin/python3 -c '
import json, sys, h5py
b = json.load(open(sys.argv[1])); r = h5py.File(sys.argv[2])["sweep/results"][0]
assert abs(b["cost_total_usd"] - r["cost_total_usd"]) < 1e-6 and b["requests_served"] == r["requests_served"], (b, r)
' set.json one.h5 2>/dev/null || true
cp "$WORK/out" set.json 2>/dev/null
check "bad path" expect_exit 65 "$ASGSIM" run "$S" -o bad.h5 --set Metadata.ASGSim::Scenario.Instancez.X=3
check "bad path located" grep -qF "no key 'Instancez' here" "$WORK/err"
check "no file for a bad run" test ! -e bad.h5
check "bad value" expect_exit 65 "$ASGSIM" run "$S" -o bad.h5 --set Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu=abc
check "--set without =" expect_exit 2 "$ASGSIM" run "$S" --set Metadata.ASGSim::Scenario.Duration
check "--set twice" expect_exit 2 "$ASGSIM" run "$S" --set A.B=1 --set A.B=2

check "validate a sweep file" expect_exit 0 "$ASGSIM" validate one.yaml
check "validate says it is a sweep" grep -qF "one.yaml: valid sweep: 1 point x 1 replication" "$WORK/out"
printf 'Scenario: %s\nAxes:\n  - Parameter: DesiredCapacity\n    Values: [3, 50]\n' "$S" >big.yaml
check "validate a sweep with a bad point" expect_exit 65 "$ASGSIM" validate big.yaml
check "the point is named" grep -qF "big.yaml:3:5: note: in sweep point 1, where DesiredCapacity = 50" "$WORK/err"
check "no template errors for a sweep" bash -c "! grep -q 'unknown top-level section' '$WORK/err'"
printf 'Scenario: nothere.yaml\n' >missing.yaml
check "validate a sweep whose scenario is missing" expect_exit 66 "$ASGSIM" validate missing.yaml
finish
