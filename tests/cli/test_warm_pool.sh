#!/usr/bin/env bash
# scenarios/warm-pool-vs-cold.yaml against its twin scenarios/cold-start.yaml: the same load
# step is scaled out (and failures replaced) from the warm pool (EC2 Start, no bootstrap) or
# by cold launches, and the warm side drops fewer requests; Warmed:* states reach /events
# and /timeseries.
. "$(dirname "$0")/lib.sh"
W=$SRCDIR/scenarios/warm-pool-vs-cold.yaml
C=$SRCDIR/scenarios/cold-start.yaml

check "run warm" expect_exit 0 "$ASGSIM" run "$W" -o "$WORK/warm.h5" -q
check "run cold" expect_exit 0 "$ASGSIM" run "$C" -o "$WORK/cold.h5" -q
check "warm starts replace failures and drop less" /usr/bin/python3 - "$WORK/warm.h5" "$WORK/cold.h5" <<'PY'
import subprocess, sys, re
def scalar(f, name):
    out = subprocess.run(["h5dump", "-m", "%.15g", "-d", "/summary/" + name, f], capture_output=True,
                         text=True, check=True).stdout
    return float(re.search(r"\(0\): ([-0-9.e+]+)", out).group(1))
warm, cold = sys.argv[1], sys.argv[2]
assert scalar(warm, "health_replacements") > 0 and scalar(cold, "health_replacements") > 0
assert scalar(warm, "warm_starts") > scalar(warm, "health_replacements")  # scale-out too
assert scalar(cold, "warm_starts") == 0
assert scalar(warm, "requests_dropped") < scalar(cold, "requests_dropped")
# the stopped pool pays EBS for its instances: more storage cost than the cold twin
assert scalar(warm, "cost_storage_usd") > scalar(cold, "cost_storage_usd")
PY
check "warm states in the trace" bash -c "h5dump -H '$WORK/warm.h5' | grep -q warmed_stopped && h5dump -d /events '$WORK/warm.h5' | grep -q 'Warmed:Stopped'"
finish
