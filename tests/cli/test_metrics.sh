#!/usr/bin/env bash
# asgsim metrics prints the one table of summary metrics; the README's copy (between the
# metrics:begin/end markers) must be exactly that output, so the names cannot drift.
. "$(dirname "$0")/lib.sh"
check "metrics" expect_exit 0 "$ASGSIM" metrics
check "README table is asgsim metrics" diff -u \
    <(sed -n '/<!-- metrics:begin -->/,/<!-- metrics:end -->/p' "$SRCDIR/README.md" | sed '1d;$d' | grep -v '^<!-- readme-') "$WORK/out"
cp "$WORK/out" "$WORK/metrics.md"
check "run --json" expect_exit 0 "$ASGSIM" run "$SRCDIR/tests/golden/export-small.yaml" --json -o "$WORK/r.h5"
check "json keys are the table's names" /usr/bin/python3 -c '
import json, re, sys
o = json.load(open(sys.argv[1]))
rows = re.findall(r"^\| `([a-z0-9_]+)` \|(.*)\|$", open(sys.argv[2]).read(), re.M)
want = {n for n, rest in rows if "only when the scenario scales" not in rest
        and "only with a predictive scaling policy" not in rest}
assert want <= set(o), want - set(o)
' "$WORK/out" "$WORK/metrics.md"
check "extra arguments" expect_exit 2 "$ASGSIM" metrics x
finish
