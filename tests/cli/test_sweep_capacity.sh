#!/usr/bin/env bash
# scenarios/sweep-capacity.yaml, the README's worked sweep: DesiredCapacity x
# CapacityRpsPerVcpu x 10 replications of web-basic.yaml (24 points, 240 runs). It is meant
# to show the trade-off its figures draw: cost grows with DesiredCapacity, requests that
# miss the 200 ms objective (late or dropped) fall with more or faster instances, and the
# cost-versus-SLA Pareto front has several points. (Otherwise it runs only in mpi_sweep_np2, with MPI builds.)
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/sweep-capacity.yaml

check "sweep" expect_exit 0 "$ASGSIM" sweep "$S" -j 2 -o "$WORK/sweep.h5" -q
check "export" expect_exit 0 "$ASGSIM" export "$WORK/sweep.h5" -o "$WORK/tsv" -q
check "cost against requests over the objective" /usr/bin/python3 - "$WORK/tsv" <<'PY'
import csv, sys
def table(name):
    lines = (l for l in open(sys.argv[1] + "/" + name + ".tsv") if not l.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))
points, results = table("sweep_points"), table("sweep_results")
assert len(points) == 24 and len(results) == 240, (len(points), len(results))
assert {r["replication"] for r in results} == {str(i) for i in range(10)}
stats = {r["point"]: r for r in table("sweep_stats")}
grid = {(float(p["DesiredCapacity"]), float(p["CapacityRpsPerVcpu"])): stats[p["point"]]
        for p in points}
desired = sorted({d for d, _ in grid}); rps = sorted({c for _, c in grid})
assert desired == [2, 4, 6, 8, 10, 12] and rps == [25, 50, 75, 100], (desired, rps)
cost = lambda d, c: float(grid[d, c]["cost_total_usd_mean"])
# requests that miss the objective: served late or dropped (an overloaded group serves few
# requests, so requests_over_objective alone falls when it drops more)
over = lambda d, c: (float(grid[d, c]["requests_over_objective_mean"]) +
                     float(grid[d, c]["requests_dropped_mean"]))
for c in rps:
    for lo, hi in zip(desired, desired[1:]):
        assert cost(hi, c) > cost(lo, c), ("cost", lo, hi, c)
        assert over(hi, c) <= over(lo, c), ("over objective", lo, hi, c)
for d in desired:
    for lo, hi in zip(rps, rps[1:]):
        assert over(d, hi) <= over(d, lo), ("over objective", d, lo, hi)
# the smallest, slowest group is overloaded; the largest, fastest one barely misses
assert over(2, 25) > 100 * over(12, 100), (over(2, 25), over(12, 100))
front = table("sweep_front")
assert len(front) >= 3, len(front)
costs = [float(r["cost_total_usd_mean"]) for r in front]
overs = [float(r["miss_fraction_mean"]) for r in front]  # late or dropped, over arrived
assert costs == sorted(costs) and overs == sorted(overs, reverse=True), (costs, overs)
PY
finish
