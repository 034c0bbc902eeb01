#!/usr/bin/env bash
# The real-template corpus (tests/corpus/, issue 17): every template is byte-identical to its
# source (SHA-256 in MANIFEST.tsv), every .yaml there is listed with a licence file, and the
# templates that run today keep running (tools/corpus-status.sh shows the rest).
. "$(dirname "$0")/lib.sh"
dir="$SRCDIR/tests/corpus"

manifest_ok() {
    local n=0 file repo commit path sha licence got
    while IFS=$'\t' read -r file repo commit path sha licence; do
        case $file in '#'* | '') continue ;; esac
        n=$((n + 1))
        got=$(sha256sum "$dir/$file" | cut -d' ' -f1)
        [ "$got" = "$sha" ] || { echo "  $file: SHA-256 $got, manifest says $sha"; return 1; }
        [[ $commit =~ ^[0-9a-f]{40}$ ]] || { echo "  $file: commit '$commit'"; return 1; }
        [ -f "$dir/LICENSE-$licence.txt" ] || { echo "  $file: no LICENSE-$licence.txt"; return 1; }
    done < "$dir/MANIFEST.tsv"
    [ "$n" -ge 12 ] || { echo "  only $n templates (issue 17 asks for at least 12)"; return 1; }
}

all_listed() {
    local f b
    for f in "$dir"/*.yaml "$dir"/*.json; do
        [ -e "$f" ] || continue
        b=$(basename "$f")
        case $b in settings.yaml | *.settings.yaml) continue ;; esac
        grep -q "^$b	" "$dir/MANIFEST.tsv" || { echo "  $b is not in MANIFEST.tsv"; return 1; }
    done
}

# runs NAME: the template runs with NAME.settings.yaml if there is one, else settings.yaml (and
# NAME.params), and launches instances.
runs() {
    local name=$1 params=() p settings=$dir/settings.yaml t
    t=$dir/$name.yaml
    [ -f "$t" ] || t=$dir/$name.json # CloudFormation templates may be JSON too
    if [ -f "$dir/$name.params" ]; then
        while IFS= read -r p; do [ -n "$p" ] && params+=(-p "$p"); done < "$dir/$name.params"
    fi
    [ -f "$dir/$name.settings.yaml" ] && settings=$dir/$name.settings.yaml
    expect_exit 0 "$ASGSIM" run "$t" --with "$settings" "${params[@]}" \
        -o "$WORK/$name.h5" -q || return 1
    "$ASGSIM" export "$WORK/$name.h5" -o "$WORK/$name" -q || return 1
    # several groups: each one's tables are in groups/LOGICAL_ID/ (README "Several groups")
    cat "$WORK/$name"/activities.tsv "$WORK/$name"/groups/*/activities.tsv 2>/dev/null |
        grep -q 'Launching' || { echo "  $name launched nothing"; return 1; }
}

check "manifest matches the files" manifest_ok
check "every template is listed" all_listed
# The templates that run today (tools/corpus-status.sh lists the rest and why).
for t in aws-asg-multi-az-notifications aws-asg-rolling-updates aws-asg-scheduled-action \
    aws-elb-guided-rolling-upgrade aws-ecs-public-vpc refarch-ecs-cluster \
    quickstart-linux-bastion refarch-wordpress-web asg-examples-lifecycle-userdata \
    widdix-vpc-ssh-bastion widdix-wordpress-ha asg-examples-custom-termination \
    asg-examples-faster-target-tracking asg-examples-predictive widdix-ecs-cluster \
    widdix-jenkins2-ha-agents; do
    check "$t runs and launches" runs "$t"
done
# Its CPU alarms drive simple scaling policies (WebServerScaleUpPolicy, ...).
check "multi-az-notifications: its policies acted" grep -q 'policy' \
    "$WORK/aws-asg-multi-az-notifications/activities.tsv"
# Its two ScheduledActions (07:00 up to 5..10, 19:00 down to 1) fire within the day.
check "scheduled-action: the 07:00 action acted" grep -q \
    'T07:00:00Z a scheduled action update of AutoScalingGroup constraints to min: 5, max: 10' \
    "$WORK/aws-asg-scheduled-action/activities.tsv"
check "scheduled-action: the 19:00 action acted" grep -q \
    'T19:00:00Z a scheduled action update of AutoScalingGroup constraints to min: 1, max: 1' \
    "$WORK/aws-asg-scheduled-action/activities.tsv"
# Its CPU alarms (Fn::ImportValue-built names resolved from the settings' Exports) drive
# simple scaling policies.
check "widdix-wordpress-ha: its policies acted" grep -qi 'policy' \
    "$WORK/widdix-wordpress-ha/activities.tsv"
# Its Overrides name c3.large first (previous generation, in the catalog since issue 17):
# OnDemandBaseCapacity 2 with the prioritized strategy launches two On-Demand c3.large.
check "custom-termination: two On-Demand c3.large" test "$(awk -F'\t' \
    'NR>1 && $3=="c3.large" && $4=="on-demand"' \
    "$WORK/asg-examples-custom-termination/instances.tsv" | wc -l)" = 2
# Its InstanceRequirements (2-4 vCPUs, >= 8 GiB, Graviton) resolve to m6g.large, and its
# target tracking on the agent's CPUUtilization (CustomizedMetricSpecification, Period 10)
# scales the group out and in over the day.
check "faster-target-tracking: m6g.large" grep -q 'm6g.large' \
    "$WORK/asg-examples-faster-target-tracking/instances.tsv"
check "faster-target-tracking: its policy acted" grep -q 'triggered policy FasterScalingPolicy' \
    "$WORK/asg-examples-faster-target-tracking/activities.tsv"
# Two groups (issue 17 item 9): the application group's target tracking acts on it alone.
check "predictive: the application group's policy acted" grep -q 'policy' \
    "$WORK/asg-examples-predictive/groups/ApplicationAutoScalingGroup/activities.tsv"
check "predictive: the load group launched" grep -q 'Launching' \
    "$WORK/asg-examples-predictive/groups/LoadAutoScalingGroup/activities.tsv"
# Custom metrics (README "Metrics however a template names them"): NAME.settings.yaml
# defines what the template's Lambda or scripts publish over the metrics asgsim produces.
# ECS: SchedulableContainers = 7 container slots per InService t2.micro - the containers
# the load holds; the shortage alarm scales out, the excess alarm (15 minutes) in.
E=$WORK/widdix-ecs-cluster/activities.tsv
check "widdix-ecs-cluster: the shortage alarm scaled out" grep -q \
    'alarm ContainerInstancesShortageAlarm in state ALARM triggered policy ScaleUpPolicy changing the desired capacity from 2 to 3' "$E"
check "widdix-ecs-cluster: the excess alarm scaled in" grep -q \
    'alarm ContainerInstancesExcessAlarm in state ALARM triggered policy ScaleDownPolicy changing the desired capacity from 3 to 2' "$E"
# Jenkins: builds queue on a workday (08:00-18:00); BuildQueue (the backlog) adds agents
# from 0, BuildActiveQueue (backlog + builds in progress) <= 0 removes them after 18:00.
J=$WORK/widdix-jenkins2-ha-agents/groups/AgentASG/activities.tsv
check "widdix-jenkins2: BuildQueue launched the first agent" grep -q \
    'T08:[0-9:]*Z a monitor alarm BuildQueueHighAlarm in state ALARM triggered policy AgentScalingUpPolicy changing the desired capacity from 0 to 1' "$J"
check "widdix-jenkins2: BuildQueue added the second agent" grep -q \
    'alarm BuildQueueHighAlarm in state ALARM triggered policy AgentScalingUpPolicy changing the desired capacity from 1 to 2' "$J"
check "widdix-jenkins2: BuildActiveQueue removed the last agent after 18:00" grep -q \
    'T1[89]:[0-9:]*Z a monitor alarm BuildActiveQueueEmptyAlarm in state ALARM triggered policy AgentScalingDownPolicy changing the desired capacity from 1 to 0' "$J"
check "widdix-jenkins2: the agents launched" grep -q 'Launching' "$J"
finish
