#!/usr/bin/env bash
# Scenario benchmarks (issue 8 points 1c and 1d). Prints figures; asserts nothing.
#
#   scenario_figures.sh ASGSIM FLUID_SCENARIO REQUEST_SCENARIO [RUNS]
#
# - request mode: simulated requests per CPU second, REQUEST_SCENARIO over its Duration
#   (requests served, from the run's --json summary, / user+system CPU time of the run);
# - fluid mode: CPU and wall time of one simulated year of FLUID_SCENARIO (--until 365d);
# - peak resident memory of a one-day and a one-year run of FLUID_SCENARIO.
# Each figure is the median of RUNS runs (default 3), each run pinned to core 1 when
# taskset works. The load average is printed: the machine may be shared, and CPU time is
# the steadier figure then (wall time counts the time other processes held the core).
set -eu
asgsim=${1:?path to asgsim}
fluid=${2:?fluid scenario}
request=${3:?request-mode scenario}
runs=${4:-${BENCH_RUNS:-3}}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pin=()
if taskset -c 1 true 2>/dev/null; then
    pin=(taskset -c 1)
fi

/usr/bin/python3 - "$out" "$runs" "$asgsim" "$fluid" "$request" "${pin[@]}" <<'PY'
import json, os, resource, statistics, subprocess, sys, time

out, runs, asgsim, fluid, request = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
pin = sys.argv[6:]


def run(scenario, until=None):
    """One run in a fresh child: (wall s, CPU s, peak RSS MiB, --json summary)."""
    args = pin + [asgsim, "run", scenario, "-q", "--json", "-o", os.path.join(out, "run.h5")]
    if until:
        args += ["--until", until]
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.path.join(out, "summary.json"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.execvp(args[0], args)
    _, status, ru = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"scenario_figures: {' '.join(args)} failed")
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, summary


def median_of(scenario, until=None):
    rs = [run(scenario, until) for _ in range(runs)]
    med = lambda i: statistics.median(r[i] for r in rs)
    return med(0), med(1), med(2), rs[0][3], [r[1] for r in rs]


print(f"# asgsim scenario benchmarks: median of {runs} runs"
      f"{', pinned to core 1' if pin else ''}; load average "
      + " ".join(f"{x:.2f}" for x in os.getloadavg()))

wall, cpu, rss, summary, cpus = median_of(request)
served = summary["requests_served"]


def verdict(ok):
    return "target met" if ok else "TARGET NOT MET"


rate = served / cpu / 1e6
print(f"request mode  {rate:8.2f} M simulated requests/CPU s   "
      f"({served:.0f} requests in {cpu:.2f} s CPU, {wall:.2f} s wall; {request})"
      f"   [>= 5 M: {verdict(rate >= 5.0)}]")

wall_d, cpu_d, rss_d, _, _ = median_of(fluid, "1d")
wall_y, cpu_y, rss_y, _, cpus = median_of(fluid, "365d")
print(f"fluid year    {cpu_y:8.2f} s CPU   {wall_y:6.2f} s wall   "
      f"(runs: {', '.join(f'{c:.2f}' for c in cpus)} s CPU; {fluid})"
      f"   [<= 2 s: {verdict(cpu_y <= 2.0)}]")
print(f"peak RSS      day {rss_d:6.1f} MiB   year {rss_y:6.1f} MiB   "
      f"({100.0 * (rss_y / rss_d - 1.0):+.1f} %)   [within 10 %: {verdict(rss_y <= 1.1 * rss_d)}]")
print(f"load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
PY
