#!/usr/bin/env bash
# Issue 20, class 3: inputs must be regular files under a size limit. A device, directory or
# FIFO is refused before any read (exit 66), with a message naming the rule, and nothing is
# left on disk; a trace that is a FIFO no longer blocks the run.
. "$(dirname "$0")/lib.sh"
S="$SRCDIR/scenarios/web-basic.yaml"

# refused EXIT TEXT ARGS...: asgsim run exits EXIT within 10 s, says TEXT, leaves no output.
refused() {
    local want=$1 text=$2; shift 2
    expect_exit "$want" timeout 10 "$ASGSIM" run "$@" -o "$WORK/out.h5" || return 1
    grep -qF -- "$text" "$WORK/err" || { echo "  stderr lacks: $text"; cat "$WORK/err"; return 1; }
    [ ! -e "$WORK/out.h5" ] && [ ! -e "$WORK/out.h5.tmp" ] || { echo "  output left behind"; return 1; }
}

check "scenario /dev/zero" refused 66 "'/dev/zero' is a character device; asgsim reads only regular files" /dev/zero
check "settings /dev/zero" refused 66 "'/dev/zero' is a character device" "$S" --with /dev/zero
mkdir "$WORK/dir"
check "scenario is a directory" refused 66 "is a directory; asgsim reads only regular files" "$WORK/dir"
mkfifo "$WORK/fifo.yaml"
check "scenario is a FIFO" refused 66 "is a FIFO (named pipe)" "$WORK/fifo.yaml"

# A workload trace that is a FIFO: refused at once (it used to block forever).
mkfifo "$WORK/trace.tsv"
cat > "$WORK/trace-fifo.yaml" <<'YAML'
AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  ASGSim::Scenario:
    Duration: 1h
    Workload: {Kind: trace, Path: trace.tsv}
    Instances: {CapacityRpsPerVcpu: 100}
Resources:
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {InstanceType: c6i.large}
  ASG:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      AvailabilityZones: [us-east-1a]
      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: !GetAtt LT.LatestVersionNumber}
YAML
check "trace is a FIFO" refused 65 "workload trace '$WORK/trace.tsv' is a FIFO (named pipe)" "$WORK/trace-fifo.yaml"

# Over the size limit (a sparse file: nothing is read).
truncate -s 17M "$WORK/big.yaml"
check "scenario over 16 MiB" refused 65 "over the limit of 16 MiB" "$WORK/big.yaml"
finish
