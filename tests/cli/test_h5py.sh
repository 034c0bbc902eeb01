#!/usr/bin/env bash
# The trace is readable by Debian's h5py: str attributes, units everywhere, provenance hash.
. "$(dirname "$0")/lib.sh"
check "run" expect_exit 0 "$ASGSIM" run "$SRCDIR/scenarios/web-basic.yaml" -o "$WORK/run.h5" --until 3h
check "h5check" /usr/bin/python3 "$SRCDIR/tests/h5check.py" "$WORK/run.h5"
finish
