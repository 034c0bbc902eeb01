#!/usr/bin/env bash
# Resume: a sweep killed with SIGKILL part-way, started again with --resume, finishes
# without redoing the runs its journal records and gives the same results as an
# uninterrupted sweep. SIGINT stops cleanly (exit 130, no output file, journal kept).
. "$(dirname "$0")/lib.sh"
cat >"$WORK/sweep.yaml" <<YAML
Scenario: $SRCDIR/scenarios/web-basic.yaml
Axes:
  - Parameter: DesiredCapacity
    Range: {From: 2, To: 5, Step: 1}
  - Path: Metadata.ASGSim::Scenario.Duration
    Values: [40d]       # long runs, so that there is time to kill the sweep part-way
Replications: 4
YAML
cd "$WORK" || exit 1
RUNS=16
HEADER=64  # journal layout: commands/sweep_journal.c; the header holds the record size

# records_in FILE: finished runs the journal holds
records_in() {
    local size
    size=$(stat -c %s "$1" 2>/dev/null || echo 0)
    [ "$size" -ge $HEADER ] || { echo 0; return; }
    local record
    record=$(od -An -t u4 -j 24 -N 4 "$1" | tr -d ' ')
    echo $(((size - HEADER) / record))
}

# wait_for_records FILE N: until the journal holds N runs (or 60 s pass)
wait_for_records() {
    local i
    for i in $(seq 3000); do
        [ "$(records_in "$1")" -ge "$2" ] && return 0
        sleep 0.02
    done
    return 1
}

check "reference sweep" expect_exit 0 "$ASGSIM" sweep sweep.yaml -o ref.h5 -j 2 -q

# SIGKILL part-way, then --resume.
"$ASGSIM" sweep sweep.yaml -o killed.h5 -j 1 -q 2>kill.err &
pid=$!
check "journal fills" wait_for_records killed.h5.journal 1
kill -KILL "$pid"
wait "$pid"
status=$?
check "killed by SIGKILL (exit $status)" test "$status" = 137
check "no output from the killed sweep" test ! -e killed.h5
kept=$(records_in killed.h5.journal)
check "journal kept $kept of $RUNS runs" test "$kept" -ge 1 -a "$kept" -lt $RUNS
check "resume" expect_exit 0 "$ASGSIM" sweep sweep.yaml -o killed.h5 -j 2 --resume --traces traces
check "resume reports what it kept" grep -q "resuming: $kept of $RUNS runs already done" "$WORK/err"
ran=$(find traces -name '*.h5' | wc -l)
check "only the $((RUNS - kept)) missing runs ran again (ran $ran)" test "$ran" = $((RUNS - kept))
check "resumed results identical" h5diff ref.h5 killed.h5 /sweep/results /sweep/results
check "resumed stats identical" h5diff ref.h5 killed.h5 /sweep/stats /sweep/stats
check "journal removed once the output is written" test ! -e killed.h5.journal

# SIGINT: finished runs stay in the journal, exit 130, no output file.
"$ASGSIM" sweep sweep.yaml -o int.h5 -j 2 -q 2>int.err &
pid=$!
check "journal fills before SIGINT" wait_for_records int.h5.journal 1
kill -INT "$pid"
wait "$pid"
status=$?
check "SIGINT exits 130 (got $status)" test "$status" = 130
check "no output after SIGINT" test ! -e int.h5
check "no temporary file after SIGINT" test ! -e int.h5.tmp
kept=$(records_in int.h5.journal)
check "SIGINT kept finished runs ($kept)" test "$kept" -ge 1
check "SIGINT says how to finish" grep -q "run again with --resume" int.err
check "resume after SIGINT" expect_exit 0 "$ASGSIM" sweep sweep.yaml -o int.h5 -j 2 --resume
check "results after SIGINT and resume identical" h5diff ref.h5 int.h5 /sweep/results /sweep/results

# A journal from another sweep is refused, not silently mixed in.
"$ASGSIM" sweep sweep.yaml -o other.h5 -j 1 -q &
pid=$!
wait_for_records other.h5.journal 1
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sed -i 's/Replications: 4/Replications: 2/' sweep.yaml
check "journal of another sweep refused" expect_exit 65 "$ASGSIM" sweep sweep.yaml -o other.h5 --resume
check "refusal names the journal" grep -q "other.h5.journal' belongs to another sweep" "$WORK/err"
check "without --resume the stale journal is replaced" expect_exit 0 "$ASGSIM" sweep sweep.yaml -o other.h5 -q
finish
