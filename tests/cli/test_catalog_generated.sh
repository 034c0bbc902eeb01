#!/usr/bin/env bash
# models/instance_types.tsv is exactly what tools/gen-instance-catalog.py makes of the source
# extracts in data/instance-catalog/ (whose checks it also runs: regional us-east-1 prices
# against the extract, credit baselines, proportional pricing): edit those, not the table.
. "$(dirname "$0")/lib.sh"
check "the catalog table is generated from data/instance-catalog/" \
    /usr/bin/python3 "$SRCDIR/tools/gen-instance-catalog.py" --check
finish
