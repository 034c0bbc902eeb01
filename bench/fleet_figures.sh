#!/usr/bin/env bash
# Fleet benchmarks (issue 19): does the cost of a run grow with the fleet, and no faster?
#
#   fleet_figures.sh ASGSIM TRACKING_SCENARIO FIXED_SCENARIO [RUNS]
#
# - a scaling group at MaxSize 1,000, 10,000 and 100,000 for one simulated week:
#   TRACKING_SCENARIO (scenarios/diurnal-target-tracking.yaml, MaxSize 20) with BaseRps,
#   MaxSize and DesiredCapacity multiplied by the same factor (50, 500, 5,000);
# - a fixed fleet of 10,000 instances for one simulated year: FIXED_SCENARIO
#   (bench/year-100.yaml, 100 instances) with the sizes and BaseRps multiplied by 100; and
#   FIXED_SCENARIO itself, the 100-instance year, as the reference a slower machine scales by;
# - peak RSS of TRACKING_SCENARIO as it is (a scaling group, MaxSize 20) and of
#   FIXED_SCENARIO over a day, 30 days, a year and ten years: within 5 % of the day's.
# CPU time (user + system of the run) is the median of RUNS runs (default 3; the 100,000
# week and the ten-year run once), pinned to core 1 when taskset works. Cost per
# instance-hour = CPU time / instance-hours simulated (the run's --json summary).
# Verdicts against the issue's targets, measured on the project's 2-core machine: ratios
# 10k/1k and 100k/10k <= 12x; the 10,000 week <= 1.5 s and the 100,000 week <= 20 s CPU.
set -eu
asgsim=${1:?path to asgsim}
tracking=${2:?target-tracking scenario}
fixed=${3:?fixed-fleet scenario}
runs=${4:-${BENCH_RUNS:-3}}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pin=()
if taskset -c 1 true 2>/dev/null; then
    pin=(taskset -c 1)
fi

/usr/bin/python3 - "$out" "$runs" "$asgsim" "$tracking" "$fixed" "${pin[@]}" <<'PY'
import json, os, re, statistics, sys, time

out, runs, asgsim, tracking, fixed = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
pin = sys.argv[6:]


def scaled(src, name, subs):
    """A copy of scenario `src` with each (pattern, replacement) applied exactly once."""
    with open(src) as f:
        text = f.read()
    for pat, rep in subs:
        text, n = re.subn(pat, rep, text, count=1, flags=re.M)
        if n != 1:
            sys.exit(f"fleet_figures: {src}: no match for {pat!r}")
    path = os.path.join(out, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def tracking_at(factor):
    return scaled(tracking, f"tracking-{factor}.yaml", [
        (r"(BaseRps:\s*)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) * factor}"),
        (r"(MaxSize:\s*')(\d+)'", lambda m: f"{m.group(1)}{int(m.group(2)) * factor}'"),
        (r"(DesiredCapacity:\s*')(\d+)'", lambda m: f"{m.group(1)}{int(m.group(2)) * factor}'"),
    ])


def fixed_at(factor):
    return scaled(fixed, f"fixed-{factor}.yaml", [
        (r"(BaseRps:\s*)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) * factor}"),
        (r"(MinSize:\s*')(\d+)'", lambda m: f"{m.group(1)}{int(m.group(2)) * factor}'"),
        (r"(MaxSize:\s*')(\d+)'", lambda m: f"{m.group(1)}{int(m.group(2)) * factor}'"),
        (r"(DesiredCapacity:\s*')(\d+)'", lambda m: f"{m.group(1)}{int(m.group(2)) * factor}'"),
    ])


def run(scenario, until):
    """One run in a fresh child: (CPU s, peak RSS MiB, --json summary)."""
    args = pin + [asgsim, "run", scenario, "-q", "--json", "-o", os.path.join(out, "run.h5"),
                  "--until", until]
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.path.join(out, "summary.json"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.execvp(args[0], args)
    _, status, ru = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"fleet_figures: {' '.join(args)} failed")
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, summary


def measure(scenario, until, n):
    rs = [run(scenario, until) for _ in range(n)]
    return (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs), rs[0][2],
            [r[0] for r in rs])


def verdict(ok):
    return "target met" if ok else "TARGET NOT MET"


print(f"# asgsim fleet benchmarks: median of {runs} runs"
      f"{', pinned to core 1' if pin else ''}; load average "
      + " ".join(f"{x:.2f}" for x in os.getloadavg()))

ref_cpu, _, ref_sum, _ = measure(fixed, "365d", runs)
print(f"reference     100-instance year   {ref_cpu:7.2f} s CPU   "
      f"{1e6 * ref_cpu / ref_sum['instance_hours']:6.2f} us/instance-hour   ({fixed})")

week = {}
for size, factor in ((1000, 50), (10000, 500), (100000, 5000)):
    cpu, rss, s, cpus = measure(tracking_at(factor), "7d", runs if size < 100000 else 1)
    week[size] = cpu
    target = {10000: 1.5, 100000: 20.0}.get(size)
    note = (f"   [<= {target:g} s: {verdict(cpu <= target)}; {cpu / ref_cpu:5.2f}x the reference]"
            if target else "")
    print(f"week MaxSize {size:>6,}   {cpu:7.2f} s CPU   "
          f"{1e6 * cpu / s['instance_hours']:6.2f} us/instance-hour   "
          f"mean in service {s['mean_in_service']:8.0f}   peak RSS {rss:6.1f} MiB{note}")
for big, small in ((10000, 1000), (100000, 10000)):
    r = week[big] / week[small]
    print(f"ratio {big // 1000}k/{small // 1000}k      {r:7.2f}x   [<= 12x: {verdict(r <= 12.0)}]")

cpu, rss, s, _ = measure(fixed_at(100), "365d", runs)
print(f"fixed 10,000-instance year {cpu:7.2f} s CPU   "
      f"{1e6 * cpu / s['instance_hours']:6.2f} us/instance-hour   peak RSS {rss:6.1f} MiB   "
      f"({cpu / ref_cpu:5.2f}x the reference)")

# Memory over run length (issue 19 point 3): peak RSS of a day, 30 days, a year and ten
# years, for a scaling group (TRACKING_SCENARIO as it is, MaxSize 20: ten simulated years
# in half a minute) and the fixed 100-instance FIXED_SCENARIO; within 5 % of the day's.
def rss_over_lengths(label, scenario):
    rss = {u: measure(scenario, u, 1)[1] for u in ("1d", "30d", "365d", "3650d")}
    worst = max(rss.values()) / rss["1d"] - 1.0
    print(f"peak RSS {label:<28} day {rss['1d']:6.1f} MiB   30 days {rss['30d']:6.1f}   "
          f"year {rss['365d']:6.1f}   ten years {rss['3650d']:6.1f}   "
          f"(worst {100.0 * worst:+.1f} % over the day)   [within 5 %: {verdict(worst <= 0.05)}]")


rss_over_lengths("scaling group (MaxSize 20)", tracking)
rss_over_lengths("fixed group (100 instances)", fixed)
print(f"load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
PY
