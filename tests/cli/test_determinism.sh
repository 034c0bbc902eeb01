#!/usr/bin/env bash
# Same scenario and seed give identical output files; another seed does not.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/web-basic.yaml
export SOURCE_DATE_EPOCH=1700000000   # the one wall-clock value in a trace
mkdir -p "$WORK/a" "$WORK/b" "$WORK/c"
(cd "$WORK/a" && "$ASGSIM" run "$S" -o run.h5 -q)
(cd "$WORK/b" && "$ASGSIM" run "$S" -o run.h5 -q)
(cd "$WORK/c" && "$ASGSIM" run "$S" -o run.h5 -q --seed 99)
check "run a" test -s "$WORK/a/run.h5"
check "run b" test -s "$WORK/b/run.h5"
check "h5diff: identical datasets and attributes" h5diff "$WORK/a/run.h5" "$WORK/b/run.h5"
check "byte-identical files" cmp -s "$WORK/a/run.h5" "$WORK/b/run.h5"
check "another seed differs" bash -c "! h5diff -q '$WORK/a/run.h5' '$WORK/c/run.h5' /events /events >/dev/null"
finish
