#!/usr/bin/env bash
# Capacity per instance type: the same load on four instances of different families uses
# their documented per-vCPU multipliers (c6i 1.00, m5 0.89, c7g 1.25, models/capacity.c), a
# scenario's own rate for a type wins, and a t2.medium in standard mode (AWS's credit table:
# 24 credits/h, 20 % baseline per vCPU, 60 launch credits) serves at full speed until its
# credits are spent, then at its baseline.
. "$(dirname "$0")/lib.sh"
scenario() { # TYPE LOAD_RPS EXTRA_INSTANCES_LINE
    cat <<YAML
AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  ASGSim::Scenario:
    Duration: 3h
    Seed: 7
    Fidelity: fluid
    WarmStart: true
    Workload: {Kind: constant, Rps: $2}
    Instances:
      CapacityRpsPerVcpu: 50
      $3
Resources:
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        InstanceType: $1
  ASG:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '4'
      MaxSize: '4'
      AvailabilityZones: [us-east-1a]
      LaunchTemplate:
        LaunchTemplateId: !Ref LT
        Version: !GetAtt LT.LatestVersionNumber
YAML
}
for t in c6i.large m5.large c7g.large; do
    scenario $t 300 "BootTime: 60s" >"$WORK/$t.yaml"
    check "run $t" expect_exit 0 "$ASGSIM" run "$WORK/$t.yaml" -o "$WORK/$t.h5"
done
scenario m5.large 300 "TypeCapacityRpsPerVcpu: {m5.large: 25, m5: 40}" >"$WORK/own.yaml"
check "run m5.large at its own rate" expect_exit 0 "$ASGSIM" run "$WORK/own.yaml" -o "$WORK/own.h5"
check "the families' multipliers and a type's own rate" /usr/bin/python3 - "$WORK" <<'PY'
import sys, h5py
def cpu(name):
    return float(h5py.File(sys.argv[1] + "/" + name + ".h5")["/summary/mean_cpu_utilization_pct"][()])
# 300 rps on 4 x 2 vCPUs: c6i 50 rps/vCPU -> 75 %; m5 x 0.89 -> 84.27 %; c7g x 1.25 -> 60 %
for name, want in (("c6i.large", 75.0), ("m5.large", 300 / (8 * 50 * 0.89) * 100),
                   ("c7g.large", 60.0)):
    assert abs(cpu(name) - want) < 1e-6, (name, cpu(name), want)
# the type's own 25 rps/vCPU wins over the family's 40: 200 rps of capacity, CPU 100 %
f = h5py.File(sys.argv[1] + "/own.h5")
assert cpu("own") == 100.0 and f["/summary/requests_dropped"][()] > 0
PY

# t2.medium standard (T2's default): 4 x 2 vCPUs of 50 x 0.71 rps asked at 50 %: each spends
# 1 credit/min and earns 0.4, so its 60 launch credits last 100 minutes; then it serves at
# 20 %, 56.8 rps of the 142 offered.
scenario t2.medium 142 "BootTime: 60s" >"$WORK/t2.yaml"
check "run t2.medium" expect_exit 0 "$ASGSIM" run "$WORK/t2.yaml" -o "$WORK/t2.h5"
scenario t3.medium 142 "BootTime: 60s" >"$WORK/t3.yaml"
check "run t3.medium (unlimited by default)" expect_exit 0 "$ASGSIM" run "$WORK/t3.yaml" \
    -o "$WORK/t3.h5"
scenario t3.medium 142 "CpuCredits: standard" >"$WORK/t3s.yaml"
check "run t3.medium standard" expect_exit 0 "$ASGSIM" run "$WORK/t3s.yaml" -o "$WORK/t3s.h5"
check "credits run out, then the baseline" /usr/bin/python3 - "$WORK" <<'PY'
import sys, h5py
d = sys.argv[1]
ts = h5py.File(d + "/t2.h5")["/timeseries"]
t, bal, cpu, drop = ts["time_s"][:], ts["cpu_credit_balance"][:], ts["cpu_utilization_pct"][:], ts["dropped"][:]
assert bal[0] == 60 and abs(bal[1] - (60 - 0.6)) < 1e-9, bal[:3]            # one minute of net spending
assert bal[t == 90 * 60][0] > 0 and bal[t == 102 * 60][0] == 0, (bal[t == 90 * 60], bal[t == 102 * 60])
assert drop[t <= 95 * 60].sum() == 0 and drop[t > 105 * 60].min() > 0
assert abs(cpu[-1] - 20.0) < 1e-9, cpu[-1]                 # CloudWatch shows the baseline
# T3 is unlimited by default: no credits column, no drops; standard T3 has no launch credits
t3 = h5py.File(d + "/t3.h5")
assert "cpu_credit_balance" not in t3["/timeseries"] and t3["/summary/requests_dropped"][()] == 0
s = h5py.File(d + "/t3s.h5")["/timeseries"]
assert s["cpu_credit_balance"][1] == 0 and s["dropped"][2:].min() > 0
PY

# Target tracking reads CloudWatch's CPUUtilization, and a throttled T2 shows its baseline
# there (EC2 User Guide, standard mode: "CPU utilization is gradually lowered to the baseline
# level"): once the t2.micro group's credits are spent, the metric the policy sees is 10 %,
# not the 47 % of offered load over full-speed capacity, and it scales in to MinSize 1
# (desired = 3 x 10 / 50 = 0.6, rounded up), dropping most of the load. That is AWS's
# behaviour, and the pitfall a planner must see.
T2TT=$SRCDIR/tests/data/policies/t2-credits-target-tracking.yaml
check "run t2.micro with target tracking" expect_exit 0 "$ASGSIM" run "$T2TT" -o "$WORK/t2tt.h5" -q
check "the policy sees the throttled CPU and scales in" /usr/bin/python3 - "$WORK/t2tt.h5" <<'PY'
import sys, h5py
ts = h5py.File(sys.argv[1])["/timeseries"]
t, bal, seen = ts["time_s"][:], ts["cpu_credit_balance"][:], ts["asg_avg_cpu_pct"][:]
desired = ts["desired_capacity"][:]
out = t[bal == 0].min()                                   # the credits are spent
assert 60 * 60 < out < 120 * 60, out
assert abs(seen[t < out - 600][-1] - 100 / 3 / 71 * 100) < 0.01, seen[t < out - 600][-1]
assert (seen[t > out + 600] <= 10 + 1e-9).all(), seen[t > out + 600].max()
assert desired[t < out].min() == 3 and desired[-1] == 1, (desired[t < out].min(), desired[-1])
PY

scenario m5.large 300 "TypeCapacityRpsPerVcpu: {zz9: 40}" >"$WORK/bad.yaml"
check "unknown family: exit 65" expect_exit 65 "$ASGSIM" run "$WORK/bad.yaml" -o "$WORK/bad.h5"
check "unknown family: located" grep -q "bad.yaml:11:32: error: unknown instance type .zz9." "$WORK/err"
scenario m5.large 300 "CpuCredits: sometimes" >"$WORK/bad2.yaml"
check "bad CpuCredits: exit 65" expect_exit 65 "$ASGSIM" run "$WORK/bad2.yaml" -o "$WORK/bad.h5"
check "bad CpuCredits: located" grep -q "bad2.yaml:11:19: error: " "$WORK/err"
check "no output" test ! -e "$WORK/bad.h5"
finish
