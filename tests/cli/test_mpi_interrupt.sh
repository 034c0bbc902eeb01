#!/usr/bin/env bash
# Ctrl-C on `mpirun ... asgsim sweep` (issue 20, class 1): every rank ends cleanly, no half
# file is left, and `--resume` under mpirun finishes the sweep with the results of an
# uninterrupted one. Open MPI's mpirun (4.1) answers SIGINT by sending the ranks SIGCONT,
# then SIGTERM about a second later, then SIGKILL to those still running; the ranks catch
# SIGTERM: rank 0 stops handing out runs, keeps the finished ones in OUT.h5.journal and
# tells the workers to stop. ASGSIM_MPIRUN is set by CTest when built with MPI
# (`mpirun -np 2 --oversubscribe ...`); without it the test is skipped (exit 77).
. "$(dirname "$0")/lib.sh"
if [ -z "${ASGSIM_MPIRUN:-}" ]; then
    echo "note: built without MPI (ASGSIM_MPIRUN unset); skipped"
    exit 77
fi
cat >"$WORK/sweep.yaml" <<YAML
Scenario: $SRCDIR/scenarios/web-basic.yaml
Axes:
  - Parameter: DesiredCapacity
    Values: [2, 4, 6, 8]
  - Path: Metadata.ASGSim::Scenario.Duration
    Values: [60d]       # long runs, so that there is time to interrupt the sweep part-way
Replications: 4
Seed: 7
YAML
cd "$WORK" || exit 1
HEADER=64 # journal layout: commands/sweep_journal.c (as in test_sweep_resume.sh)
records_in() {
    local size
    size=$(stat -c %s "$1" 2>/dev/null || echo 0)
    [ "$size" -ge $HEADER ] || { echo 0; return; }
    echo $(((size - HEADER) / $(od -An -t u4 -j 24 -N 4 "$1" | tr -d ' ')))
}

# shellcheck disable=SC2086 # the launcher line is split on purpose
check "uninterrupted mpirun sweep" expect_exit 0 $ASGSIM_MPIRUN "$ASGSIM" sweep sweep.yaml -o ref.h5 -q

# shellcheck disable=SC2086
$ASGSIM_MPIRUN "$ASGSIM" sweep sweep.yaml -o int.h5 -q >int.out 2>&1 &
mp=$!
for _ in $(seq 3000); do
    [ "$(records_in int.h5.journal)" -ge 1 ] && break
    sleep 0.02
done
check "the sweep has started" test "$(records_in int.h5.journal)" -ge 1
ranks=$(pgrep -P "$mp" | tr '\n' ' ')
kill -INT "$mp"
wait "$mp"
status=$?
check "mpirun reports the interruption (exit $status)" test "$status" != 0
check "rank 0 kept the finished runs" grep -q "asgsim: interrupted: [0-9]* of 16 runs kept in 'int.h5.journal'" int.out
kept=$(records_in int.h5.journal)
check "part of the sweep was done ($kept of 16)" test "$kept" -ge 1 -a "$kept" -lt 16
# A rank mpirun had to kill, or one that crashed, is reported as "exited on signal N".
check "no rank was killed" bash -c "! grep -q 'signal' int.out"
# exited: gone, or a zombie nobody has reaped yet (mpirun has gone before its children)
alive=""
for r in $ranks; do
    state=$(ps -o stat= -p "$r" 2>/dev/null)
    [ -n "$state" ] && [ "${state#Z}" = "$state" ] && alive="$alive $r($state)"
done
check "every rank has exited${alive:+ (alive:$alive)}" test -z "$alive"
check "no half file" test ! -e int.h5 -a ! -e int.h5.tmp
sed 's/^/  mpirun: /' int.out | head -5

# shellcheck disable=SC2086
check "--resume under mpirun completes" expect_exit 0 $ASGSIM_MPIRUN "$ASGSIM" sweep sweep.yaml -o int.h5 --resume
check "it redid only the rest" grep -q "resuming: $kept of 16 runs already done" "$WORK/err"
check "journal removed" test ! -e int.h5.journal
for ds in /sweep/results /sweep/points /sweep/stats; do
    check "$ds identical to the uninterrupted sweep" h5diff ref.h5 int.h5 "$ds" "$ds"
done
finish
