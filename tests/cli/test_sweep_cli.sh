#!/usr/bin/env bash
# asgsim sweep: error reporting (FILE:LINE:COL, exit 65), bad values at a point, missing
# files, --shard auto from Slurm's variables, --traces and common random numbers.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
W=$SRCDIR/scenarios/web-basic.yaml

printf 'Scenario: %s\nAxes:\n  - Parameter: DesiredCapacity\n    Valeus: [1]\n' "$W" >typo.yaml
check "typo in the sweep file" expect_exit 65 "$ASGSIM" sweep typo.yaml -o typo.h5
check "typo reported at line:col" grep -qF "asgsim: typo.yaml:4:5: error: unknown property 'Valeus' in the sweep file (did you mean 'Values'?)" "$WORK/err"
check "no output for a bad sweep" test ! -e typo.h5 -a ! -e typo.h5.journal

printf 'Scenario: %s\nAxes:\n  - Parameter: DesiredCapacity\n    Values: [4, 50]\n' "$W" >big.yaml
check "a value the scenario rejects" expect_exit 65 "$ASGSIM" sweep big.yaml -o big.h5
check "the sweep names the bad point" grep -qF "big.yaml:3:5: note: in sweep point 1, where DesiredCapacity = 50" "$WORK/err"

printf 'Scenario: %s\nAxes:\n  - Path: Resources.WebASG.Propertiez.MaxSize\n    Values: [4]\n' "$W" >path.yaml
check "a path that is not in the template" expect_exit 65 "$ASGSIM" sweep path.yaml -o path.h5
check "bad path reported" grep -qF "no key 'Propertiez' here" "$WORK/err"

printf 'Scenario: nothere.yaml\n' >missing.yaml
check "missing scenario" expect_exit 66 "$ASGSIM" sweep missing.yaml -o m.h5
check "missing scenario named" grep -qF "nothere.yaml" "$WORK/err"
check "missing sweep file" expect_exit 66 "$ASGSIM" sweep nosuch.yaml -o m.h5
check "-j 0 is a usage error" expect_exit 2 "$ASGSIM" sweep big.yaml -j 0
check "bad --shard" expect_exit 2 "$ASGSIM" sweep big.yaml --shard 2/2

cat >ok.yaml <<YAML
Scenario: $W
Axes:
  - Parameter: DesiredCapacity
    Values: [3, 6, 9]
Replications: 2
YAML
check "--shard auto without Slurm" env -u SLURM_ARRAY_TASK_ID -u SLURM_ARRAY_TASK_COUNT \
    bash -c "'$ASGSIM' sweep ok.yaml --shard auto 2>'$WORK/err'; test \$? = 2"
check "--shard auto names the variables" grep -qF "SLURM_ARRAY_TASK_ID" "$WORK/err"
check "--shard auto from Slurm" env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 \
    "$ASGSIM" sweep ok.yaml --shard auto -o auto.h5 -q
check "shard 1/2 of 3 points holds point 1 only" bash -c "h5dump -d /sweep/points auto.h5 | grep -A2 '(0): {' | grep -q '^ *1,'"
check "shard attributes" bash -c "h5dump -a /sweep/shard_count auto.h5 | grep -q '(0): 2'"

check "--traces" expect_exit 0 "$ASGSIM" sweep ok.yaml -o t.h5 -j 2 --traces traces
check "one trace per run" test "$(find traces -name '*.h5' | wc -l)" = 6
check "trace records its point" bash -c "h5dump -a /provenance/point traces/p000002-r0001.h5 | grep -q '(0): 2'"
check "trace records the seed point" bash -c "h5dump -a /provenance/seed_point traces/p000002-r0001.h5 | grep -q '(0): 0'"
check "progress only on a terminal" test ! -s "$WORK/err"
check "summary line" grep -qF "3 points x 2 replications, 6 runs -> t.h5" "$WORK/out"
# Common random numbers: the random streams do not depend on the point, so replication 1
# boots its instances at the same times whatever DesiredCapacity is: the first launch's
# InService time is the same at points 0 and 2.
first_in_service() {
    h5dump -d /instances -m %.9f "$1" | grep -m1 -A7 '(0): {' | sed -n 8p
}
a=$(first_in_service traces/p000000-r0001.h5)
b=$(first_in_service traces/p000002-r0001.h5)
c=$(first_in_service traces/p000000-r0000.h5)
check "same streams across points ($a = $b)" test -n "$a" -a "$a" = "$b"
check "other streams across replications ($a != $c)" test "$a" != "$c"
"$ASGSIM" run "$W" -o run.h5 -q
check "merge refuses a run trace" expect_exit 65 "$ASGSIM" merge run.h5 -o m.h5
check "merge says it is not a sweep" grep -qF "cannot read 'run.h5': not a sweep output" "$WORK/err"
check "merge needs -o" expect_exit 2 "$ASGSIM" merge t.h5
# Memory is that of one point's scenario, not of every point's: 400 points over a trace
# workload (the WorldCup98 week, ~0.2 MB a scenario) peak within 8 MB of 10 points. Not under
# AddressSanitizer, whose quarantine keeps freed memory by design.
if [ -x /usr/bin/time ] && ! ldd "$ASGSIM" 2>/dev/null | grep -q libasan; then
    sed -e "s#\.\./data/#$SRCDIR/data/#" -e 's/Duration: 7d/Duration: 2h/' \
        "$SRCDIR/scenarios/worldcup98-week.yaml" >wc.yaml
    for n in 10 400; do
        printf 'Scenario: wc.yaml\nAxes:\n  - Path: Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu\n    Range: {From: 1, To: %s, Step: 1}\n' "$n" >wc$n.yaml
        /usr/bin/time -f %M -o wc$n.rss "$ASGSIM" sweep wc$n.yaml -o wc$n.h5 -q -j 2
    done
    small=$(tail -n 1 wc10.rss); big=$(tail -n 1 wc400.rss)
    check "memory flat: 400 points ($big KB) within 8 MB of 10 ($small KB)" test $((big - small)) -lt 8192
    check "400 points, 400 results" bash -c "h5dump -H -d /sweep/results wc400.h5 | grep -q 'DATASPACE  SIMPLE { ( 400 )'"
else
    echo "note: /usr/bin/time missing or AddressSanitizer build; the memory check is skipped"
fi
finish
