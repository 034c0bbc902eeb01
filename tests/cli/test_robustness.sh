#!/usr/bin/env bash
# Interruptions and resource failures lose nothing and leave no half file; absurd requests
# are refused up front; extreme but valid scenarios run.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/web-basic.yaml
LONG=(run "$S" --until 3650d -q --progress never)

# SIGTERM: exit 143, no file, no .tmp.
"$ASGSIM" "${LONG[@]}" -o "$WORK/term.h5" 2>"$WORK/term.err" &
pid=$!; sleep 0.5; kill -TERM $pid; wait $pid
check "SIGTERM exit 143" test $? = 143
check "SIGTERM says so" grep -q "interrupted" "$WORK/term.err"
check "SIGTERM leaves no file" test ! -e "$WORK/term.h5" -a ! -e "$WORK/term.h5.tmp"

# SIGKILL leaves at most the .tmp, which the next run to the same output replaces.
"$ASGSIM" "${LONG[@]}" -o "$WORK/kill.h5" 2>/dev/null &
pid=$!; sleep 0.5; kill -KILL $pid; wait $pid 2>/dev/null
check "SIGKILL leaves no final file" test ! -e "$WORK/kill.h5"
check "next run succeeds" expect_exit 0 "$ASGSIM" run "$S" --until 1h -q -o "$WORK/kill.h5"
check "and cleans the .tmp" test ! -e "$WORK/kill.h5.tmp" -a -s "$WORK/kill.h5"

# A full file system (a 64 KiB tmpfs) and a read-only one: exit 74, clear error, no file.
mnt=$WORK/mnt
mkdir -p "$mnt"
if mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
    check "full disk exit 74" expect_exit 74 "$ASGSIM" run "$S" -q -o "$mnt/x.h5"
    check "full disk message" grep -q "No space left on device" "$WORK/err"
    check "full disk leaves nothing" test -z "$(ls -A "$mnt")"
    umount "$mnt"
    mount -t tmpfs -o ro,size=64k tmpfs "$mnt"
    check "read-only exit 74" expect_exit 74 "$ASGSIM" run "$S" -q -o "$mnt/x.h5"
    check "read-only message" grep -q "Read-only file system" "$WORK/err"
    umount "$mnt"
else
    echo "note: cannot mount a tmpfs here (not root?); full and read-only cases not run"
fi
check "missing directory exit 74" expect_exit 74 "$ASGSIM" run "$S" -q -o "$WORK/none/x.h5"

# Absurd requests are refused before any work, naming the limit.
sed "s/MaxSize: '12'/MaxSize: '1000000000'/" "$S" >"$WORK/huge.yaml"
check "a billion instances" expect_exit 65 "$ASGSIM" run "$WORK/huge.yaml" -o "$WORK/h.h5"
check "names the limit" grep -q "between 0 and 100000" "$WORK/err"
check "a century" expect_exit 65 "$ASGSIM" run "$S" --until 36500d -o "$WORK/h.h5"
check "names the day limit" grep -q "limit of 3660 days" "$WORK/err"
printf 'ASGSim::Scenario:\n  Duration: 36500d\n  SampleInterval: 1ms\n' >"$WORK/ms.yaml"
check "a century at 1 ms" expect_exit 65 "$ASGSIM" run "$S" --with "$WORK/ms.yaml" -o "$WORK/h.h5"
check "names both limits" bash -c "grep -q 'between 1s and 1d' '$WORK/err' && grep -q 'between 0s and 3660d' '$WORK/err'"
check "no output after refusals" test ! -e "$WORK/h.h5"

# Extreme but valid: MaxSize 0, a zero-length run, 10,000 instances.
sed -e "s/MinSize: '2'/MinSize: '0'/" -e "s/MaxSize: '12'/MaxSize: '0'/" "$S" >"$WORK/zero.yaml"
check "MaxSize 0" expect_exit 0 "$ASGSIM" run "$WORK/zero.yaml" -p DesiredCapacity=0 --json -o "$WORK/z.h5"
check "MaxSize 0 costs nothing" /usr/bin/python3 -c "
import json; o=json.load(open('$WORK/out')); assert o['cost_usd']==0 and o['instances_launched']==0, o"
check "zero-length run" expect_exit 0 "$ASGSIM" run "$S" --until 0 --json -o "$WORK/0.h5"
check "zero-length run has one sample" bash -c "h5dump -d /timeseries/time_s '$WORK/0.h5' | grep -q '( 1 )'"
sed "s/MaxSize: '12'/MaxSize: '10000'/" "$S" >"$WORK/big.yaml"
check "10,000 instances" expect_exit 0 "$ASGSIM" run "$WORK/big.yaml" -p DesiredCapacity=10000 --until 1h --json -o "$WORK/big.h5"
check "10,000 launched" /usr/bin/python3 -c "
import json; o=json.load(open('$WORK/out')); assert o['instances_launched']==10000, o"
finish
