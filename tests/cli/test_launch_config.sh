#!/usr/bin/env bash
# Launch configurations (issue 17, item 3): a group launched from an
# AWS::AutoScaling::LaunchConfiguration runs like one launched from a launch template:
# its InstanceType, its root volume (storage cost), detailed monitoring by default
# (1-minute metrics: AWS's default for launch configurations), and SpotPrice making
# every instance Spot.
. "$(dirname "$0")/lib.sh"
T="$SRCDIR/tests/data/launch-config/lc.yaml"

run_export() { # NAME ARGS...: run and export to $WORK/NAME
    local name=$1; shift
    expect_exit 0 "$ASGSIM" run "$T" -o "$WORK/$name.h5" -q "$@" &&
        "$ASGSIM" export "$WORK/$name.h5" -o "$WORK/$name" -q
}

check "on-demand run" run_export od
# LaunchConfigurationName is simulated, so no warning may call it unmodelled
check "no 'not modelled' warning for LaunchConfigurationName" bash -c \
    "'$ASGSIM' validate '$T' 2>&1 | grep -q 'valid: group' && ! '$ASGSIM' validate '$T' 2>&1 | grep -q \"LaunchConfigurationName' .* not modelled\""
check "t2.medium instances" bash -c "[ \"\$(awk -F'\t' 'NR>1{print \$3}' '$WORK/od/instances.tsv' | sort -u)\" = t2.medium ]"
check "all On-Demand" bash -c "[ \"\$(awk -F'\t' 'NR>1{print \$4}' '$WORK/od/instances.tsv' | sort -u)\" = on-demand ]"
check "storage is billed" bash -c "awk -F'\t' 'NR==1{for(i=1;i<=NF;i++) if(\$i==\"storage_cost_usd\") c=i; next} NR>1 && \$c>0 {f=1} END{exit !f}' '$WORK/od/instances.tsv'"
check "the policy acted" grep -q 'TargetTracking\|target tracking\|policy' "$WORK/od/activities.tsv"
check "spot run" run_export spot -p Spot=yes
check "SpotPrice: every instance Spot" bash -c "awk -F'\t' 'NR==1{for(i=1;i<=NF;i++) if(\$i==\"market\") c=i; next} NR>1 {n++; if(\$c!=\"spot\") bad=1} END{exit bad || n==0}' '$WORK/spot/instances.tsv'"
finish
