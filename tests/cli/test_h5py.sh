#!/usr/bin/env bash
# The trace is readable by Debian's h5py: str attributes, units everywhere, provenance hash.
. "$(dirname "$0")/lib.sh"
check "run" expect_exit 0 "$ASGSIM" run "$SRCDIR/scenarios/web-basic.yaml" -o "$WORK/run.h5" --until 3h
check "h5check" /usr/bin/python3 "$SRCDIR/tests/h5check.py" "$WORK/run.h5"
# With scaling: /decisions, and activity causes longer than the 512 bytes they used to be cut at.
check "run a scaling scenario" expect_exit 0 "$ASGSIM" run "$SRCDIR/scenarios/every-policy.yaml" -o "$WORK/scaling.h5" --until 2h
check "h5check of a scaling run" /usr/bin/python3 "$SRCDIR/tests/h5check.py" "$WORK/scaling.h5"
check "h5py reads /decisions and whole activity text" /usr/bin/python3 -c '
import sys, h5py
f = h5py.File(sys.argv[1], "r")
d = f["decisions"]
assert d.ndim == 1 and "formula" in d.dtype.names and "reason" in d.dtype.names
assert list(h5py.check_enum_dtype(d.dtype.fields["alarm_state"][0])) == ["INSUFFICIENT_DATA", "OK", "ALARM", "None"]
causes = [c.decode("utf-8") for c in f["activities"]["cause"]]
assert causes and all(c.startswith("At ") and c.endswith(".") for c in causes), causes[:3]
' "$WORK/scaling.h5"
# Names of 238 and 210 characters make causes of about 700 bytes, which used to be cut at 511.
ALARM=$(printf 'CpuHigh%.0s' $(seq 34))
POLICY=$(printf 'StepOut%.0s' $(seq 30))
sed -e "s/\bCpuHigh\b/$ALARM/g" -e "s/\bStepOut\b/$POLICY/g" "$SRCDIR/scenarios/every-policy.yaml" >"$WORK/long.yaml"
check "run with long names" expect_exit 0 "$ASGSIM" run "$WORK/long.yaml" -o "$WORK/long.h5" --until 2h
check "causes are whole" /usr/bin/python3 -c '
import sys, h5py
causes = [c.decode("utf-8") for c in h5py.File(sys.argv[1], "r")["activities"]["cause"]]
long = [c for c in causes if sys.argv[2] in c and sys.argv[3] in c]
assert long and all(len(c) > 600 and c.endswith(".") for c in long), [len(c) for c in long]
' "$WORK/long.h5" "$ALARM" "$POLICY"
check "export keeps the whole cause" expect_exit 0 "$ASGSIM" export "$WORK/long.h5" -o "$WORK/long" -q
check "exported cause is whole" grep -q "triggered policy $POLICY changing" "$WORK/long/activities.tsv"
finish
