#!/usr/bin/env bash
# A MixedInstancesPolicy group serves at each type's own rate (models/capacity.c multipliers:
# c7g 1.25, m5 0.89 of CapacityRpsPerVcpu 50; tests/data/capacity/mixed-rates.yaml). The
# 2 + 2 split is fixed by the allocation strategies (README, Mixed instances): On-Demand
# lowest-price takes the cheaper type per unit (c7g.large, 0.0725 against m5.large's
# 0.096 USD/h) for the base of 2; the Spot units above it go by
# capacity-optimized-prioritized, and with no interruptions every pool ties, so the first
# override (m5.large) wins.
# Round robin gives every target an equal share (ALB's default routing algorithm,
# elasticloadbalancing/latest/application/load-balancer-target-groups.html, "Routing
# algorithms"), and CloudWatch's CPUUtilization for the AutoScalingGroupName dimension is the
# average of the instances' own (as-scale-based-on-demand: "two instances at 60% and 40% give
# 50%"): the slower m5 instances are the busier ones.
. "$(dirname "$0")/lib.sh"
DATA=$SRCDIR/tests/data/capacity/mixed-rates.yaml
S=Metadata.ASGSim::Scenario
run() { # NAME --set ...
    local n=$1
    shift
    check "run $n" expect_exit 0 "$ASGSIM" run "$DATA" "$@" -o "$WORK/$n.h5" -q
}
run rr
run lor --set $S.LoadBalancer=least-outstanding-requests
run over --set $S.Workload.Rps=500
run req --set $S.Workload.Rps=20 --set $S.Fidelity=request
check "each type at its own rate" /usr/bin/python3 - "$WORK" <<'PY'
import sys, h5py
d = sys.argv[1]
f = h5py.File(d + "/rr.h5")
types = sorted(t.decode() for t in f["/instances"]["instance_type"][:])
assert types == ["c7g.large"] * 2 + ["m5.large"] * 2, types
c7g, m5 = 2 * 50 * 1.25, 2 * 50 * 0.89        # requests/s of one instance: 125 and 89
cap = 2 * c7g + 2 * m5                          # 428 requests/s (one rate: 4 x 89 = 356)
ts = f["/timeseries"]
cpu, seen = ts["cpu_utilization_pct"][:], ts["asg_avg_cpu_pct"][:]
# round robin: 75 requests/s each; c7g at 60 %, m5 at 84.27 %; their mean 72.13 %
want = (75 / c7g + 75 / m5) / 2 * 100
assert abs(cpu[1:] - want).max() < 1e-9, (cpu[1:5], want)
assert abs(seen[5:] - want).max() < 1e-9, (seen[:8], want)
# least outstanding requests: every instance as busy as the pooled capacity (asgsim's rule)
lor = h5py.File(d + "/lor.h5")["/timeseries"]["cpu_utilization_pct"][:]
assert abs(lor[1:] - 300 / cap * 100).max() < 1e-9, (lor[1:5], 300 / cap * 100)
# overload: each minute the fleet serves its whole capacity, 428 x 60 requests
o = h5py.File(d + "/over.h5")["/timeseries"]
served, dropped = o["served"][:], o["dropped"][:]
assert dropped[5:].min() > 0
assert abs(served[5:] - cap * 60).max() < 1e-6 * cap * 60, (served[5:8], cap * 60)
PY
check "request fidelity: service at each type's rate" /usr/bin/python3 - "$WORK" <<'PY'
import sys, h5py
s = h5py.File(sys.argv[1] + "/req.h5")["/summary"]
# round robin: 5 requests/s to each instance, served at its type's rate; so light a load
# that the wait is under 0.5 % of the latency (M/M/2 bounds it; round robin's regular
# spacing only shortens it)
def sojourn(lam, mu, c=2):
    a = lam / mu
    b = 1.0
    for k in range(1, c + 1):  # Erlang B, then C
        b = a * b / (k + a * b)
    pw = b / (1 - a / c * (1 - b))
    return pw / (c * mu - lam) + 1 / mu
want = (sojourn(5, 62.5) + sojourn(5, 44.5)) / 2  # 0.0193 s; at one rate (44.5): 0.0225 s
got = float(s["latency_mean_s"][()])
assert abs(got - want) < 0.02 * want, (got, want)
assert float(s["requests_dropped"][()]) == 0
PY
finish
