#!/usr/bin/env bash
# SHA-256 of the exported /timeseries, /events, /activities and /summary of every example
# scenario, one line each: "<scenario> <table> <sha256>". A refactoring that must not
# change behaviour compares this output before and after (issue 16).
# Usage: tools/example-digests.sh [ASGSIM] [SCENARIO_DIR] > digests.txt
set -euo pipefail
asgsim=${1:-build/asgsim}
dir=${2:-scenarios}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in "$dir"/*.yaml; do
    name=$(basename "$s" .yaml)
    # sweep files are not scenarios: they name one with a top-level Scenario key
    if grep -q '^Scenario:' "$s"; then continue; fi
    "$asgsim" run "$s" -o "$tmp/$name.h5" -q
    "$asgsim" export "$tmp/$name.h5" -o "$tmp/$name" -q
    for t in timeseries events activities summary; do
        # the whole table: header and rows (where it came from is in provenance.tsv)
        printf '%s %s %s\n' "$name" "$t" "$(sha256sum <"$tmp/$name/$t.tsv" | cut -d' ' -f1)"
    done
done
