#!/usr/bin/env bash
# Scenario benchmarks (issue 8 1c/1d): wall time of one simulated year in fluid mode with
# 1-minute samples, and peak resident memory of a one-day and a one-year run of the same
# scenario. Prints figures; asserts nothing.
set -eu
asgsim=${1:?path to asgsim}
scenario=${2:?scenario}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
measure() { # label, --until value
    /usr/bin/python3 - "$asgsim" "$scenario" "$2" "$out/run.h5" "$1" <<'PY'
import resource, subprocess, sys, time
asgsim, scenario, until, out, label = sys.argv[1:6]
t0 = time.monotonic()
subprocess.run([asgsim, "run", scenario, "--until", until, "-q", "-o", out], check=True)
wall = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
print(f"scenario      {label:<5} {wall:8.2f} s wall   peak RSS {rss:7.1f} MiB   ({scenario})")
PY
}
echo "# asgsim scenario benchmarks (one run each; see docs/performance.md)"
measure day 1d
measure year 365d
