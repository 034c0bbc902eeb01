#!/usr/bin/env bash
# Launches that keep failing (issue 20, class 1): a launch hook that abandons every launch
# runs to the end in bounded time, memory and output, with asgsim's back-off (README,
# "Launch ABANDON"): the first abandoned launch since the last success is replaced at once,
# the n-th round in a row waits LaunchRetryInterval (60 s) x 2^(n-2), at most an hour.
# AWS documents no pause ("terminates the instance and launches a replacement",
# https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html) and only that it
# may suspend a group that has launched nothing for over 24 hours
# (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html,
# not modelled). The cancelled activity is in AWS's words
# (https://aws.amazon.com/premiumsupport/knowledge-center/lifecycle-actions-code-deploy/).
. "$(dirname "$0")/lib.sh"

# scenario BOOT HOOKS_ENTRY: a group of 2 whose launch hook ends in ABANDON
scenario() {
    cat <<YAML
AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  ASGSim::Scenario:
    Duration: 1d
    Instances: {BootTime: $1}
$2
Resources:
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {InstanceType: c6i.large}
  ASG:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '2'
      MaxSize: '4'
      AvailabilityZones: [us-east-1a]
      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: !GetAtt LT.LatestVersionNumber}
      LifecycleHookSpecificationList:
        - {LifecycleHookName: boot, LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', DefaultResult: ABANDON, HeartbeatTimeout: 30}
YAML
}

# rows FILE: data rows of an exported table
rows() { echo $(($(wc -l <"$1") - 1)); }

# 1. The action fails at once and the boot takes no time: this used to loop at time 0
#    (8 GB of memory, 6.8 GB of .tmp). Now a simulated day takes well under a second.
scenario 0s "    Hooks:
      boot: {Duration: 0s, FailureProbability: 1}" >"$WORK/zero.yaml"
TIMEFORMAT=%U+%S
cpu=$( { time "$ASGSIM" run "$WORK/zero.yaml" -q -o "$WORK/zero.h5" >/dev/null 2>"$WORK/zero.err"; } 2>&1 )
check "zero boot: a day runs" test -s "$WORK/zero.h5" -a ! -s "$WORK/zero.err"
check "zero boot: under 2 s of CPU ($cpu)" awk "BEGIN { exit !($cpu < 2) }"
"$ASGSIM" export "$WORK/zero.h5" -o "$WORK/zero" -q
# At 0: two launches and the first one's immediate replacement (3); then rounds of two
# launches at 60, 180, 420, 900, 1860, 3780 s and hourly from 7380 s: 7380 + 3600 k <=
# 86400 for k = 0..21, 28 rounds in all: 3 + 2 x 28 = 59 activities.
check "zero boot: 59 activities" test "$(rows "$WORK/zero/activities.tsv")" = 59
check "zero boot: every launch Cancelled" \
    test "$(grep -c $'\tCancelled\tLaunching a new EC2 instance: i-' "$WORK/zero/activities.tsv")" = 59
check "zero boot: AWS's status reason" grep -q "Status Reason: Instance failed to complete user's Lifecycle Action: Lifecycle Action with token [0-9a-f-]\{36\} was abandoned: Lifecycle Action Completed with ABANDON Result" "$WORK/zero/activities.tsv"
check "zero boot: rounds an hour apart at the end" \
    bash -c "cut -f1 '$WORK/zero/activities.tsv' | tail -n 4 | tr '\n' ' ' | grep -q '79380.000000 79380.000000 82980.000000 82980.000000'"

# Memory stays flat: a year holds the same state as a day (rows go to the file). Not under
# AddressSanitizer, whose quarantine keeps freed memory and grows with the run by design.
if [ -x /usr/bin/time ] && ! ldd "$ASGSIM" 2>/dev/null | grep -q libasan; then
    /usr/bin/time -f %M -o "$WORK/day.rss" "$ASGSIM" run "$WORK/zero.yaml" -q -o "$WORK/d.h5"
    /usr/bin/time -f %M -o "$WORK/year.rss" "$ASGSIM" run "$WORK/zero.yaml" --until 365d -q -o "$WORK/y.h5"
    day=$(tail -n 1 "$WORK/day.rss"); year=$(tail -n 1 "$WORK/year.rss")
    check "memory flat: a year ($year KB) within 8 MB of a day ($day KB)" test $((year - day)) -lt 8192
    "$ASGSIM" export "$WORK/y.h5" -o "$WORK/y" -q
    # 3 + 2 x (6 + 2432): 7380 + 3600 k <= 365 x 86400 for k = 0..8757
    check "a year: 17531 activities" test "$(rows "$WORK/y/activities.tsv")" = 17531
else
    echo "note: /usr/bin/time missing; the memory check is skipped"
fi

# 2. A 90 s boot and a hook nobody completes: each launch ends 120 s after it starts, with
#    AWS's "Heartbeat Timeout" reason. Launches at 0 (2), 120, 180, 360 (2), then rounds of
#    two at 720, 1320, 2400, 4440 and every 3720 s from 8160 (k = 0..21): 58 launches, one
#    activity each (tests/models/test_group_backoff.c follows the same schedule).
scenario 90s "" >"$WORK/boot.yaml"
check "90 s boot: runs" expect_exit 0 "$ASGSIM" run "$WORK/boot.yaml" -q -o "$WORK/boot.h5"
"$ASGSIM" export "$WORK/boot.h5" -o "$WORK/boot" -q
check "90 s boot: 58 activities" test "$(rows "$WORK/boot/activities.tsv")" = 58
check "90 s boot: Heartbeat Timeout" grep -q "was abandoned: Heartbeat Timeout" "$WORK/boot/activities.tsv"
finish
