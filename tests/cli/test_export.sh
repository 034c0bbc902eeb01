#!/usr/bin/env bash
# asgsim export: tables of a small fixed run compared with the golden files in tests/golden/,
# CSV quoting, NaN, and the errors for missing and foreign files.
# After an intended change of the output: UPDATE_GOLDEN=1 ctest -R cli_export, then review
# `git diff tests/golden` before committing.
. "$(dirname "$0")/lib.sh"
G=$SRCDIR/tests/golden
TABLES="timeseries events instances activities summary"

check "run the golden scenario" expect_exit 0 "$ASGSIM" run "$G/export-small.yaml" -o "$WORK/small.h5" -q
check "export" expect_exit 0 "$ASGSIM" export "$WORK/small.h5" -o "$WORK/tsv"
check "export says where" grep -q "tables written to $WORK/tsv/" "$WORK/err"
for t in $TABLES; do
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$WORK/tsv/$t.tsv" "$G/export-small.$t.tsv"
        echo "updated $G/export-small.$t.tsv"
    fi
    check "$t.tsv matches the golden file" diff -u "$G/export-small.$t.tsv" "$WORK/tsv/$t.tsv"
done
check "first line is the header" grep -q "^time_s	" <(head -1 "$WORK/tsv/timeseries.tsv")
check "provenance beside the tables names the input" grep -qx "source	small.h5" "$WORK/tsv/provenance.tsv"
check "provenance: schema_version" grep -qx "schema_version	3" "$WORK/tsv/provenance.tsv"
check "provenance: StartTime" grep -qx "start_time_utc	2024-01-01T00:00:00Z" "$WORK/tsv/provenance.tsv"
check "provenance: the scenario" grep -q "^stack_name	export-small$" "$WORK/tsv/provenance.tsv"
# Issue 18: every table opens in pandas with no option but the separator.
if /usr/bin/python3 -c "import pandas" 2>/dev/null; then
    check "pandas reads every table as it is" /usr/bin/python3 - "$WORK/tsv" <<'PY'
import glob, sys, pandas as pd
for path in glob.glob(sys.argv[1] + "/*.tsv"):
    df = pd.read_csv(path, sep="\t")
    assert not any(str(c).startswith("#") or str(c).startswith("Unnamed") for c in df.columns), path
ts = pd.read_csv(sys.argv[1] + "/timeseries.tsv", sep="\t")
assert ts.columns[0] == "time_s" and ts["time_s"].dtype.kind == "f" and len(ts) > 10
PY
    # The README's h5py recipe prints text, not bytes.
    awk '/^```python/ { on = 1; next } /^```/ { on = 0 } on' "$SRCDIR/README.md" |
        sed "s|out/demo/run.h5|$WORK/small.h5|" >"$WORK/recipe.py"
    check "README recipe runs" expect_exit 0 /usr/bin/python3 "$WORK/recipe.py"
    check "README recipe prints strings" grep -q "None *Pending *launch" "$WORK/out"
    check "README recipe prints no bytes" bash -c "! grep -q \"b'\" '$WORK/out'"
fi
check "unit-suffixed names as they are" grep -qP "^time_s\t.*\tcost_usd\t.*\tlatency_p99_s\t" "$WORK/tsv/timeseries.tsv"
check "enum columns as names" grep -q "	None	Pending	launch	" "$WORK/tsv/events.tsv"
check "NaN for an instance still running" grep -q "	NaN	" "$WORK/tsv/instances.tsv"
check "every timeseries row has as many cells as the header" \
    awk -F'\t' 'NR == 1 { n = NF } NR > 1 && NF != n { exit 1 }' "$WORK/tsv/timeseries.tsv"
check "activities keep one row per line (no tabs in text)" \
    awk -F'\t' 'NR > 1 && NF != 6 { exit 1 }' "$WORK/tsv/activities.tsv"

check "csv" expect_exit 0 "$ASGSIM" export "$WORK/small.h5" --format csv -o "$WORK/csv" -q
check "csv files" test -s "$WORK/csv/timeseries.csv" -a -s "$WORK/csv/summary.csv"
check "csv header" grep -qP "^time_s,.*,cost_usd," "$WORK/csv/timeseries.csv"
check "csv quotes text with commas" grep -q ',"At 20' "$WORK/csv/activities.csv"
check "csv parses with as many fields in every row" /usr/bin/python3 -c '
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1])) if r and not r[0].startswith("#")]
sys.exit(0 if len({len(r) for r in rows}) == 1 and len(rows) > 1 else 1)' "$WORK/csv/activities.csv"
# A scaling scenario adds decisions.tsv, one row per policy invocation. Only the header is
# checked here: the rows are asserted in the policy tests, which drive models/policy.c.
DEC_HEADER="time_s	policy	kind	alarm	alarm_state	metric_value	metric_from_s	metric_to_s	metric_values	measured_capacity	current_capacity	ready_capacity	formula	result	desired_before	desired_after	reason"
check "run a scaling scenario" expect_exit 0 "$ASGSIM" run "$SRCDIR/scenarios/every-policy.yaml" --until 1h -o "$WORK/scaling.h5" -q
check "export a scaling run" expect_exit 0 "$ASGSIM" export "$WORK/scaling.h5" -o "$WORK/scaling" -q
check "decisions.tsv header" sh -c "sed -n 1p '$WORK/scaling/decisions.tsv' | grep -qxF '$DEC_HEADER'"
check "policy_invocations in the summary" grep -q "policy_invocations" "$WORK/scaling/summary.tsv"
check "export a scaling run as csv" expect_exit 0 "$ASGSIM" export "$WORK/scaling.h5" --format csv -o "$WORK/scaling-csv" -q
check "decisions.csv header" sh -c "sed -n 1p '$WORK/scaling-csv/decisions.csv' | grep -qxF '$(echo "$DEC_HEADER" | tr '\t' ',')'"
check "no decisions table without scaling" test ! -e "$WORK/tsv/decisions.tsv"
check "default directory" sh -c "cd '$WORK' && '$ASGSIM' export small.h5 -q && test -s small-data/summary.tsv"

check "bad --format" expect_exit 2 "$ASGSIM" export "$WORK/small.h5" --format xls
check "no input" expect_exit 2 "$ASGSIM" export
check "missing file" expect_exit 66 "$ASGSIM" export "$WORK/nope.h5" -o "$WORK/x"
check "missing file message" grep -q "nope.h5" "$WORK/err"
echo "not hdf5" >"$WORK/text.h5"
check "text file" expect_exit 65 "$ASGSIM" export "$WORK/text.h5" -o "$WORK/x"
check "text file message" grep -q "is not an HDF5 file" "$WORK/err"
/usr/bin/python3 -c 'import h5py, sys; h5py.File(sys.argv[1], "w").create_dataset("x", data=[1, 2])' "$WORK/other.h5"
check "foreign HDF5 file" expect_exit 65 "$ASGSIM" export "$WORK/other.h5" -o "$WORK/x"
check "foreign HDF5 message" grep -q "is not an asgsim trace or sweep file" "$WORK/err"
check "nothing written for a foreign file" test ! -e "$WORK/x"
finish
