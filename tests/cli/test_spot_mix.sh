#!/usr/bin/env bash
# scenarios/spot-mix.yaml: the cost split and the Spot counts reach /summary, /timeseries and
# /instances, and the invoice adds up.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/spot-mix.yaml

check "validate" expect_exit 0 "$ASGSIM" validate "$S"
check "run one day" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/run.h5" --until 1d -q
check "summary adds up" /usr/bin/python3 - "$WORK/run.h5" <<'PY'
import subprocess, sys, re
f = sys.argv[1]
def scalar(name):
    out = subprocess.run(["h5dump", "-m", "%.15g", "-d", "/summary/" + name, f], capture_output=True,
                         text=True, check=True).stdout
    return float(re.search(r"\(0\): ([-0-9.e+]+)", out).group(1))
od, spot, sto = scalar("cost_on_demand_usd"), scalar("cost_spot_usd"), scalar("cost_storage_usd")
od_after, ri, sp = (scalar("cost_on_demand_after_discounts_usd"), scalar("cost_reserved_instances_usd"),
                    scalar("cost_savings_plan_usd"))
total, cost = scalar("cost_total_usd"), scalar("cost_usd")
assert od > 0 and spot > 0 and sto > 0, (od, spot, sto)
# 4 On-Demand m5.large for 24 h at 0.096 USD/h, less EC2's pending time (30-90 s each):
# Instances: Timing makes the group bill from running
assert 4 * 0.096 * (24 - 90 / 3600) <= od <= 4 * 0.096 * (24 - 30 / 3600), od
# Savings Plan 0.10 USD/h at 28 % off: 24 x 0.10 paid, 24 x 0.10 / 0.72 of usage covered
assert abs(sp - 2.4) < 1e-9, sp
assert abs(od_after - (od - 24 * 0.10 / 0.72)) < 1e-6, od_after
assert abs(total - (od_after + ri + sp + spot + sto)) < 1e-6, total
assert abs(cost - (od + spot)) < 1e-6, (cost, od, spot)
assert scalar("spot_interruptions") <= scalar("spot_interruption_notices")
assert scalar("instances_on_demand") == 4
PY
check "timeseries has the split" bash -c "h5dump -H '$WORK/run.h5' | grep -q cost_storage"
finish
