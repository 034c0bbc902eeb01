#!/usr/bin/env bash
# scenarios/every-policy.yaml: one group with a simple policy and its alarm, a step policy
# and its alarm, target tracking and scheduled actions runs cleanly (exit 0, nothing on
# stderr), writes its HDF5 file, and each policy type changes the desired capacity at least
# once: /activities carries each one's cause in AWS's words.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/every-policy.yaml

check "validate" expect_exit 0 "$ASGSIM" validate "$S"
check "run" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/run.h5"
check "nothing on stderr (no warning)" test ! -s "$WORK/err"
check "the HDF5 file is written" test -s "$WORK/run.h5"
check "no .tmp left" test ! -e "$WORK/run.h5.tmp"
check "export" expect_exit 0 "$ASGSIM" export "$WORK/run.h5" -o "$WORK/tsv"
check "every policy type caused an activity" /usr/bin/python3 - "$WORK/tsv" <<'PY'
import csv, sys
def table(name):
    lines = (l for l in open(sys.argv[1] + "/" + name + ".tsv") if not l.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))
causes = [r["cause"] for r in table("activities")]
want = {
    "simple (SimpleIn, alarm CpuVeryLow)":
        "a monitor alarm CpuVeryLow in state ALARM triggered policy SimpleIn changing",
    "step (StepOut, alarm CpuHigh)":
        "a monitor alarm CpuHigh in state ALARM triggered policy StepOut changing",
    "target tracking, scale-out (Cpu70)": "-AlarmHigh-",
    "scheduled action (WindowOpens)":
        "a scheduled action update of AutoScalingGroup constraints to min: 4, max: 12, desired: 4",
}
bad = [k for k, text in want.items() if not any(text in c for c in causes)]
assert not bad, "no activity caused by: %s" % bad
assert any("-AlarmHigh-" in c and "triggered policy Cpu70" in c for c in causes)
s = table("summary")[0]
assert int(s["scheduled_capacity_changes"]) >= 1, s["scheduled_capacity_changes"]
assert int(s["policy_capacity_changes"]) >= 3, s["policy_capacity_changes"]
# the simple policy's scale-in took the group back to MinSize 2 after the crowd
ts = table("timeseries")
assert max(int(r["desired_capacity"]) for r in ts) > 4
assert int(ts[-1]["desired_capacity"]) == 2, ts[-1]["desired_capacity"]
PY
finish
