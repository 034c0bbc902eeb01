#!/usr/bin/env bash
# asgsim run / validate / help: exit codes, outputs and error handling from the command line.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/web-basic.yaml

check "help on stdout, exit 0" expect_exit 0 "$ASGSIM" --help
check "help names run" grep -q "run SCENARIO" "$WORK/out"
check "version" expect_exit 0 "$ASGSIM" --version
check "version line" grep -q "^asgsim [0-9]" "$WORK/out"
check "run --help" expect_exit 0 "$ASGSIM" run --help
check "no command is a usage error" expect_exit 2 "$ASGSIM"
check "unknown command" expect_exit 2 "$ASGSIM" rnu
check "did you mean run" grep -q "did you mean 'run'" "$WORK/err"
check "unknown option" expect_exit 2 "$ASGSIM" run --frobnicate "$S"
check "bad --seed" expect_exit 2 "$ASGSIM" run --seed -3 "$S"
check "bad --until" expect_exit 2 "$ASGSIM" run --until soon "$S"
check "missing scenario" expect_exit 66 "$ASGSIM" run "$WORK/nope.yaml" -o "$WORK/x.h5"
check "missing scenario message" grep -q "nope.yaml" "$WORK/err"
check "no output for a missing scenario" test ! -e "$WORK/x.h5"

check "validate" expect_exit 0 "$ASGSIM" validate "$S"
check "validate says valid" grep -q "valid" "$WORK/out"

check "run" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/run.h5" --until 2h
check "trace written" test -s "$WORK/run.h5"
check "no tmp left" test ! -e "$WORK/run.h5.tmp"
check "summary on stdout" grep -q "^cost" "$WORK/out"
# issue 18: the text summary names each figure as /summary, --json and report do
check "text summary uses the metric names" bash -c "grep -qE '^cost_total_usd +[0-9.]+ USD$' '$WORK/out' && grep -qE '^latency_p99_s +[0-9.]+ s$' '$WORK/out' && grep -qE '^cost_per_million_requests_usd +[0-9.]+ USD$' '$WORK/out'"
check "no progress line when stderr is not a terminal" test ! -s "$WORK/err"
check "h5dump reads it" expect_exit 0 h5dump -H "$WORK/run.h5"
for g in /provenance /timeseries /events /activities /instances /summary; do
    check "group $g" grep -q "\"$g\"\|\"${g#/}\"" "$WORK/out"
done

check "json" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/j.h5" --until 1h --json
check "json is one object" /usr/bin/python3 -c "
import json,sys; o=json.load(open('$WORK/out')); assert o['exit_status']==0 and o['cost_usd']>0, o"
# issue 18 item 5: the whole summary, every cost component and the unit price
check "json carries every cost component" /usr/bin/python3 -c "
import json; o=json.load(open('$WORK/out'))
parts = ['cost_on_demand_after_discounts_usd', 'cost_spot_usd', 'cost_storage_usd', 'cost_reserved_instances_usd', 'cost_savings_plan_usd']
assert abs(sum(o[k] for k in parts) - o['cost_total_usd']) < 1e-5, o
assert 'spot_interruptions' in o
assert abs(o['cost_per_million_requests_usd'] - o['cost_total_usd'] * 1e6 / o['requests_served']) < 1e-5, o"

# Default output name: the scenario's stem in the current directory.
check "default output name" bash -c "cd '$WORK' && '$ASGSIM' run '$S' --until 10m -q && test -s web-basic.h5"

# Output directory that does not exist: exit 74, nothing written.
check "missing output dir" expect_exit 74 "$ASGSIM" run "$S" -o "$WORK/no/such/dir/x.h5" --until 10m
check "output error names the path" grep -q "no/such/dir" "$WORK/err"

# Parameters: an override changes the run; an unknown one is an error.
check "parameter override" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/p.h5" --until 1h -p DesiredCapacity=3 --json
check "override took effect" /usr/bin/python3 -c "
import json; o=json.load(open('$WORK/out')); assert o['instances_launched']==3, o"
check "unknown parameter" expect_exit 65 "$ASGSIM" run "$S" -o "$WORK/q.h5" -p DesiredCap=3
check "unknown parameter named" grep -q "DesiredCap" "$WORK/err"
check "no output after a bad parameter" test ! -e "$WORK/q.h5"
check "bad parameter syntax" expect_exit 2 "$ASGSIM" run "$S" -p DesiredCapacity

# --with: a template without the Metadata block plus a settings file.
sed '/^Metadata:/,/^Parameters:/{/^Parameters:/!d}' "$S" >"$WORK/plain.yaml"
cat >"$WORK/settings.yaml" <<'YAML'
ASGSim::Scenario:
  Duration: 30m
  Seed: 3
  Workload: {Kind: constant, Rps: 100}
  Instances: {CapacityRpsPerVcpu: 50}
YAML
check "plain template needs settings" expect_exit 65 "$ASGSIM" validate "$WORK/plain.yaml"
check "names the missing block" grep -q "ASGSim::Scenario" "$WORK/err"
check "with settings" expect_exit 0 "$ASGSIM" run "$WORK/plain.yaml" --with "$WORK/settings.yaml" -o "$WORK/w.h5" --json
check "with settings duration" /usr/bin/python3 -c "
import json; o=json.load(open('$WORK/out')); assert o['duration_s']==1800, o"

# Interruption: SIGINT stops the run, exit 130, no file left behind.
"$ASGSIM" run "$S" -o "$WORK/int.h5" --until 3650d -q --progress never &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
check "SIGINT exit 130" test $? = 130
check "SIGINT leaves no file" test ! -e "$WORK/int.h5" -a ! -e "$WORK/int.h5.tmp"
finish
