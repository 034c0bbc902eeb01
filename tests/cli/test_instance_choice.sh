#!/usr/bin/env bash
# Instance choice (issue 17, item 6): Overrides with InstanceRequirements resolved against
# the catalog, DesiredCapacityType counting capacity in vCPUs or instances, lowest-price
# On-Demand (AWS's default with InstanceRequirements, API_InstancesDistribution), and a
# launch template with no InstanceType whose types come from the Overrides.
. "$(dirname "$0")/lib.sh"
T="$SRCDIR/tests/data/instance-choice/requirements.yaml"

run_export() { # NAME ARGS...: run and export to $WORK/NAME
    local name=$1; shift
    expect_exit 0 "$ASGSIM" run "$T" -o "$WORK/$name.h5" "$@" &&
        cp "$WORK/err" "$WORK/$name.err" && "$ASGSIM" export "$WORK/$name.h5" -o "$WORK/$name" -q
}
types() { awk -F'\t' 'NR>1{print $3}' "$WORK/$1/instances.tsv" | sort | uniq -c | tr -s ' ' | sed 's/^ //'; }

check "vcpu run" run_export vcpu
# 2-4 vCPUs, >= 8 GiB, Graviton: per vCPU c6g.xlarge ($0.136 / 4) is the cheapest, so 8
# vCPUs of desired capacity are two c6g.xlarge, each weighing 4.
check "vcpu: two c6g.xlarge" test "$(types vcpu)" = "2 c6g.xlarge"
check "vcpu: weight 4" bash -c "awk -F'\t' 'NR>1 && \$12!=4{bad=1} END{exit bad}' '$WORK/vcpu/instances.tsv'"
check "accelerators: one warning" grep -q "warning: property 'AcceleratorCount' of InstanceRequirements" "$WORK/vcpu.err"
check "units run" run_export units -p CapacityType=units
# per instance m6g.large ($0.077) is the cheapest: eight of them
check "units: eight m6g.large" test "$(types units)" = "8 m6g.large"
finish
