#!/usr/bin/env bash
# Runs every real template of tests/corpus/ (issue 17) with the shared settings file, or
# NAME.settings.yaml when a template has its own (its load and CustomMetrics), and
# NAME.params (NAME=VALUE per line) when it has parameters without defaults. It prints one
# line each: "runs" with the launches and policy-caused activities, or
# "refused" with the first error asgsim gave. Usage: tools/corpus-status.sh [ASGSIM]
set -uo pipefail
asgsim=${1:-build/asgsim}
dir=$(dirname "$0")/../tests/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok=0 total=0
while IFS=$'\t' read -r file _; do
    case $file in '#'* | '') continue ;; esac
    total=$((total + 1))
    params=()
    if [ -f "$dir/${file%.*}.params" ]; then
        while IFS= read -r p; do [ -n "$p" ] && params+=(-p "$p"); done < "$dir/${file%.*}.params"
    fi
    settings=$dir/settings.yaml
    [ -f "$dir/${file%.*}.settings.yaml" ] && settings=$dir/${file%.*}.settings.yaml
    if "$asgsim" run "$dir/$file" --with "$settings" "${params[@]}" -o "$tmp/r.h5" -q \
        2> "$tmp/err"; then
        "$asgsim" export "$tmp/r.h5" -o "$tmp/x" -q
        # several groups: each one's tables are in groups/LOGICAL_ID/
        acts=$(cat "$tmp"/x/activities.tsv "$tmp"/x/groups/*/activities.tsv 2>/dev/null)
        launches=$(grep -c 'Launching' <<< "$acts" || true)
        policy=$(grep -ciE 'policy|scheduled|alarm' <<< "$acts" || true)
        printf '%-42s runs     launches=%s policy_activities=%s\n' "$file" "$launches" "$policy"
        ok=$((ok + 1))
        rm -rf "$tmp/x" "$tmp/r.h5"
    else
        printf '%-42s refused  %s\n' "$file" "$(grep -m1 error "$tmp/err" | cut -c1-160)"
    fi
done < "$dir/MANIFEST.tsv"
echo "$ok of $total templates run"
