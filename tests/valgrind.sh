#!/usr/bin/env bash
# make test-valgrind: every example scenario and every Check suite under valgrind, which must
# report no memory error and no definite leak (exit 1 otherwise). Check runs with CK_FORK=no
# so valgrind sees the tests themselves; its abort-expecting tests skip themselves then.
set -u
build=${1:?build dir}
src=$(cd "$(dirname "$0")/.." && pwd)
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
# run WANT NAME COMMAND...: COMMAND must exit WANT (valgrind itself exits 99 on a finding)
run() {
    local want=$1 name=$2; shift 2
    "$@" >"$tmp/log" 2>&1
    if [ $? = "$want" ]; then
        pass=$((pass + 1)); echo "ok   $name"
    else
        fail=$((fail + 1)); echo "FAIL $name"; tail -30 "$tmp/log"
    fi
}
for s in "$src"/scenarios/*.yaml; do
    grep -q '^Axes:' "$s" && continue # a sweep file, not a scenario
    run 0 "run $(basename "$s")" "${vg[@]}" "$build/asgsim" run "$s" --until 6h -q -o "$tmp/out.h5"
done
for b in min_greater_than_max yaml_alias unresolved_ref unknown_instance_type; do
    run 65 "bad input $b" "${vg[@]}" "$build/asgsim" validate "$src/tests/data/bad/$b.yaml"
done
for runner in check_sim check_models check_engine_ladder; do
    for suite in $(sed -n 's/^SUITE(\(.*\))$/\1/p' "$build/tests/${runner}_suites.h"); do
        run 0 "$runner $suite" env CK_FORK=no CK_RUN_SUITE="$suite" "${vg[@]}" "$build/tests/$runner"
    done
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
