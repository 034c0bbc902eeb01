#!/usr/bin/env bash
# SIGINT and SIGTERM are honoured within a second at any point of a run (issue 20, class 1):
# inside a long stretch of fluid steps (Tick 1 ms, one sample an hour: millions of steps in
# one event) and in a burst of request events (50,000 requests/s, every request an event).
# Each case: exit 130 / 143 as `asgsim run --help` documents, the message, well under 3 s
# from the signal to the exit, and no output file, no .tmp.
. "$(dirname "$0")/lib.sh"

# interrupt NAME SIGNAL WANT SCENARIO: run, send SIGNAL after 1 s, check the end
interrupt() {
    local name=$1 sig=$2 want=$3 s=$4
    "$ASGSIM" run "$s" -q --progress never -o "$WORK/$name.h5" 2>"$WORK/$name.err" &
    local pid=$!
    sleep 1
    check "$name: still running after 1 s" kill -0 "$pid"
    local t0 t1 rc
    t0=$(date +%s%N)
    kill "-$sig" "$pid"
    wait "$pid"
    rc=$?
    t1=$(date +%s%N)
    local ms=$(((t1 - t0) / 1000000))
    check "$name: exit $want (got $rc)" test "$rc" = "$want"
    check "$name: says so" grep -q "error: interrupted at" "$WORK/$name.err"
    check "$name: ends ${ms} ms after $sig, under 3 s" test "$ms" -lt 3000
    check "$name: no output, no .tmp" test ! -e "$WORK/$name.h5" -a ! -e "$WORK/$name.h5.tmp"
}

# A fluid run whose every event does millions of 1 ms steps: the engine's periodic check
# (every 65,536 events) and the slices (a thousandth of the run) are far away.
cat >"$WORK/fluid.yaml" <<'YAML'
AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  ASGSim::Scenario:
    Duration: 3650d
    SampleInterval: 1h
    Tick: 1ms
    Workload: {Kind: constant, Rps: 2000}
    Instances: {BootTime: 1s, CapacityRpsPerVcpu: 50}
Resources:
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {InstanceType: c6i.large}
  ASG:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '40'
      MaxSize: '40'
      AvailabilityZones: [us-east-1a, us-east-1b]
      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: !GetAtt LT.LatestVersionNumber}
YAML
interrupt fluid-int INT 130 "$WORK/fluid.yaml"
interrupt fluid-term TERM 143 "$WORK/fluid.yaml"

# Request fidelity at 50,000 requests/s for 5 h (9e8 requests, under the 1e9 limit).
sed -e 's/Duration: 3650d/Duration: 5h/' -e 's/Tick: 1ms/Fidelity: request/' \
    -e 's/SampleInterval: 1h/SampleInterval: 60s/' -e 's/Rps: 2000/Rps: 50000/' \
    -e "s/'40'/'1000'/g" "$WORK/fluid.yaml" >"$WORK/requests.yaml"
interrupt requests-int INT 130 "$WORK/requests.yaml"
interrupt requests-term TERM 143 "$WORK/requests.yaml"
finish
