#!/usr/bin/env bash
# asgsim plot: every figure kind gives a non-empty PNG with a valid signature, with its
# gnuplot script and data beside it; the sweep figures from a small sweep file built here
# with h5py; a missing gnuplot is a clear error that still leaves data and scripts.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/web-basic.yaml

png_ok() { # FILE: non-empty, starts with the 8-byte PNG signature
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

check "run" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/run.h5" --until 2h -q

# Test-only inputs: a run with latency columns, and a 4 x 3 sweep with replications in the
# layout of /sweep/points, /sweep/results and /sweep/stats.
check "make test inputs" /usr/bin/python3 - "$WORK/run.h5" "$WORK/lat.h5" "$WORK/sweep.h5" <<'PY'
import shutil, sys
import numpy as np, h5py
run, lat, sweep = sys.argv[1:4]
shutil.copy(run, lat)
# A copy without latency columns, to see the latency figure skipped.
shutil.copy(run, run.replace("run.h5", "nolat.h5"))
with h5py.File(run.replace("run.h5", "nolat.h5"), "a") as f:
    for name in [n for n in f["/timeseries"] if n.startswith("latency_")]:
        del f["/timeseries/" + name]
with h5py.File(lat, "a") as f:
    t = f["/timeseries/time_s"][:]
    for name, base in (("latency_p50_ms", 40.0), ("latency_p99_ms", 120.0), ("latency_objective_ms", 150.0)):
        if name in f["/timeseries"]:
            del f["/timeseries/" + name]
        d = f.create_dataset("/timeseries/" + name, data=base + 0 * t + (20 * np.sin(t / 900.0) ** 2 if name != "latency_objective_ms" else 0))
        d.attrs["units"] = "ms"
cooldowns = [60.0, 120.0, 300.0, 600.0]
types = [b"c6i.large", b"c6i.xlarge", b"m6i.large"]
pts = np.zeros(12, dtype=[("point", "<u4"), ("Cooldown", "<f8"), ("InstanceType", "S16")])
res = []
for p in range(12):
    c, j = cooldowns[p // 3], p % 3
    pts[p] = (p, c, types[j])
    for r in range(3):
        res.append((p, r, 10 + 2 * j + c / 200 + 0.1 * r, 24.0 * (6 + j), 5.5, 60.0, 100.0 + c, 3000.0 / (j + 1) + 2 * c))
res = np.array(res, dtype=[("point", "<u4"), ("replication", "<u4"), ("cost_usd", "<f8"), ("instance_hours", "<f8"),
                           ("mean_in_service", "<f8"), ("mean_cpu_utilization_pct", "<f8"), ("latency_p99_ms", "<f8"),
                           ("requests_over_objective", "<f8")])
with h5py.File(sweep, "w") as f:
    f.create_dataset("/sweep/points", data=pts)
    f.create_dataset("/sweep/results", data=res).attrs["units"] = ["1", "1", "USD", "h", "instances", "percent", "ms", "requests"]
    st = np.zeros(12, dtype=[("point", "<u4"), ("cost_usd_mean", "<f8"), ("cost_usd_sd", "<f8")])
    for p in range(12):
        v = res["cost_usd"][res["point"] == p]
        st[p] = (p, v.mean(), v.std(ddof=1))
    f.create_dataset("/sweep/stats", data=st)
PY

check "plot a run" expect_exit 0 "$ASGSIM" plot "$WORK/run.h5" -o "$WORK/run"
for k in capacity states cost activities; do
    check "$k.png" png_ok "$WORK/run/$k.png"
    check "$k.gp beside it" test -s "$WORK/run/$k.gp"
done
check "data beside the figures" test -s "$WORK/run/timeseries.tsv" -a -s "$WORK/run/activities.tsv"
check "latency.png from the run's own percentiles" png_ok "$WORK/run/latency.png"
check "says where" grep -q "5 figures in $WORK/run/" "$WORK/err"
check "plot a run without latency" expect_exit 0 "$ASGSIM" plot "$WORK/nolat.h5" -o "$WORK/nolat"
check "latency skipped with a note" grep -q "note: skipping the latency figure" "$WORK/err"
check "no latency.png without latency" test ! -e "$WORK/nolat/latency.png"

check "plot latency" expect_exit 0 "$ASGSIM" plot "$WORK/lat.h5" -o "$WORK/lat" --kind latency
check "latency.png" png_ok "$WORK/lat/latency.png"
check "only the asked kind" test ! -e "$WORK/lat/capacity.png"

check "plot a sweep" expect_exit 0 "$ASGSIM" plot "$WORK/sweep.h5" -o "$WORK/sweep"
for k in heatmap pareto; do
    check "$k.png" png_ok "$WORK/sweep/$k.png"
    check "$k.gp beside it" test -s "$WORK/sweep/$k.gp"
done
check "sweep tables" test -s "$WORK/sweep/sweep_points.tsv" -a -s "$WORK/sweep/sweep_results.tsv" -a -s "$WORK/sweep/sweep_stats.tsv"
# Cost rises with Cooldown and with the type; violations fall with the type: the front is
# the three Cooldown=60 points, cheapest first.
check "Pareto front" diff <(awk -F'\t' 'NR > 1 { print $1 }' "$WORK/sweep/sweep_front.tsv" | tr '\n' ' ') <(printf '0 1 2 ')
check "heatmap cell (Cooldown 600, m6i.large) is the mean cost" \
    grep -qP '^3\t2\t600\tm6i.large\t17.100000\tNaN\tNaN$' "$WORK/sweep/sweep_heatmap.tsv"

check "re-draw by hand from the copied script" \
    sh -c "cd '$WORK/run' && rm capacity.png && gnuplot capacity.gp && test -s capacity.png"
check "svg" expect_exit 0 "$ASGSIM" plot "$WORK/run.h5" -o "$WORK/svg" --format svg --kind capacity
check "svg file" grep -q "<svg" "$WORK/svg/capacity.svg"

check "missing gnuplot fails" expect_exit 69 env GNUPLOT=/nonexistent "$ASGSIM" plot "$WORK/run.h5" -o "$WORK/nognu"
check "missing gnuplot message" grep -q "cannot run gnuplot '/nonexistent'" "$WORK/err"
check "data still written" test -s "$WORK/nognu/timeseries.tsv"
check "scripts still written" test -s "$WORK/nognu/capacity.gp" -a -s "$WORK/nognu/states.gp"
check "failing gnuplot" expect_exit 70 env GNUPLOT=false "$ASGSIM" plot "$WORK/run.h5" -o "$WORK/fail" --kind cost
check "failing gnuplot message" grep -q "gnuplot failed" "$WORK/err"

# A run without a workload has latency columns of NaN only: every other figure is drawn
# and the latency one skipped with a note (gnuplot refused it before: "all points y value
# undefined").
if command -v gnuplot >/dev/null; then
    check "no-workload run" expect_exit 0 "$ASGSIM" run "$SRCDIR/tests/data/instance-choice/requirements.yaml" -o "$WORK/nw.h5" -q
    check "no-workload run plots" expect_exit 0 "$ASGSIM" plot "$WORK/nw.h5" -o "$WORK/nw"
    check "no-workload: latency skipped with a note" grep -q "skipping the latency figure: the run records no latency" "$WORK/err"
    check "no-workload: capacity drawn" test -s "$WORK/nw/capacity.png"
fi
check "unknown kind" expect_exit 2 "$ASGSIM" plot "$WORK/run.h5" --kind pie
check "bad format" expect_exit 2 "$ASGSIM" plot "$WORK/run.h5" --format gif
check "missing input" expect_exit 66 "$ASGSIM" plot "$WORK/nope.h5" -o "$WORK/x"
finish
