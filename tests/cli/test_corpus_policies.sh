#!/usr/bin/env bash
# Real templates of the corpus (tests/corpus/, issue 17 item 11) whose groups scale with the
# policies planners deploy: target tracking on predefined metrics, queue-driven target
# tracking, Spot with attribute-based types, step scaling. Each must launch its group and its
# policies must act, with the shared settings.yaml or, where its load is of another kind, its
# own NAME.settings.yaml. test_corpus.sh checks every template's bytes and licence.
. "$(dirname "$0")/lib.sh"
dir="$SRCDIR/tests/corpus"

# What real templates write that AWS accepts (tests/data/policies/tt-cooldown.yaml says why):
# a Cooldown on a target tracking policy is ignored, and the deprecated singular
# NotificationConfiguration is accepted. The run with the Cooldown is the run without it.
P="$SRCDIR/tests/data/policies/tt-cooldown.yaml"
cooldown_ignored() {
    expect_exit 0 "$ASGSIM" run "$P" -o "$WORK/cd.h5" --progress never || return 1
    grep -q "tt-cooldown.yaml:[0-9]*:7: warning: .*'Cooldown' has no effect on a TargetTrackingScaling" \
        "$WORK/err" || { echo "  no warning about the ignored Cooldown"; return 1; }
    expect_exit 0 "$ASGSIM" run "$P" -p Cooldown=none -o "$WORK/nocd.h5" -q || return 1
    "$ASGSIM" export "$WORK/cd.h5" -o "$WORK/cd" -q && "$ASGSIM" export "$WORK/nocd.h5" -o "$WORK/nocd" -q &&
        grep -q 'triggered policy Track' "$WORK/cd/activities.tsv" &&
        cmp -s "$WORK/cd/decisions.tsv" "$WORK/nocd/decisions.tsv"
}
check "a target tracking policy's Cooldown is accepted and has no effect" cooldown_ignored

# JSON templates are CloudFormation too: tt-cooldown.json is tt-cooldown.yaml in JSON and
# runs the same, and an error in one is located at its line and column (the key's quote).
json_same() {
    expect_exit 0 "$ASGSIM" run "${P%.yaml}.json" -o "$WORK/json.h5" -q &&
        "$ASGSIM" export "$WORK/json.h5" -o "$WORK/json" -q &&
        cmp -s "$WORK/json/decisions.tsv" "$WORK/cd/decisions.tsv" &&
        cmp -s "$WORK/json/activities.tsv" "$WORK/cd/activities.tsv"
}
check "a JSON template runs as its YAML twin" json_same
json_error_located() {
    sed 's/"MaxSize"/"MaxSzie"/' "${P%.yaml}.json" > "$WORK/bad.json"
    expect_exit 65 "$ASGSIM" run "$WORK/bad.json" -o "$WORK/bad.h5" -q &&
        grep -qF "$WORK/bad.json:29:9: error: unknown property 'MaxSzie'" "$WORK/err" &&
        [ ! -e "$WORK/bad.h5" ] && [ ! -e "$WORK/bad.h5.tmp" ]
}
check "an error in a JSON template names its line and column" json_error_located

# runs NAME [SETTINGS]: the template runs with SETTINGS (default: NAME.settings.yaml if there
# is one, else the shared settings.yaml) and NAME.params, and launches instances; its tables
# land in $WORK/NAME (a group's in groups/LOGICAL_ID/ when there are several).
runs() {
    local name=$1 settings=${2:-} params=() p t
    if [ -z "$settings" ]; then
        settings=$dir/settings.yaml
        [ -f "$dir/$name.settings.yaml" ] && settings=$dir/$name.settings.yaml
    fi
    for t in "$dir/$name.yaml" "$dir/$name.json"; do [ -f "$t" ] && break; done
    if [ -f "$dir/$name.params" ]; then
        while IFS= read -r p; do [ -n "$p" ] && params+=(-p "$p"); done < "$dir/$name.params"
    fi
    expect_exit 0 "$ASGSIM" run "$t" --with "$settings" "${params[@]}" -o "$WORK/$name.h5" -q ||
        return 1
    "$ASGSIM" export "$WORK/$name.h5" -o "$WORK/$name" -q || return 1
    cat "$WORK/$name"/activities.tsv "$WORK/$name"/groups/*/activities.tsv 2>/dev/null |
        grep -q 'Launching' || { echo "  $name launched nothing"; return 1; }
}

# acted FILE ALARM POLICY FROM TO: an activity's cause says ALARM (the alarm's name up to its
# generated suffix) in state ALARM triggered POLICY changing desired from FROM to TO; FROM or
# TO may be a regular expression such as [0-9]*.
acted() {
    local cause="a monitor alarm $2[^ ]* in state ALARM triggered policy $3"
    grep -q "$cause changing the desired capacity from $4 to $5\." "$1" ||
        { echo "  no '$2 ... $3 ... from $4 to $5' in $1"; return 1; }
}

# aws-samples/sqs-ec2-graviton-spot: target tracking on the queue's
# ApproximateNumberOfMessagesVisible (CustomizedMetricSpecification, Sum, target 2 messages),
# so the group is queue-driven (README "Metrics however a template names them"): the
# settings' rate is messages/s and one c7g.medium works off 100 a second. Whenever the load
# is above that (the cold start, then about 03:30 to 20:30) one instance (MinSize 1) falls
# behind, the backlog passes 2 and AlarmHigh (3 of 3 datapoints over the target) scales out
# to ceil(1 x backlog / 2), far above MaxSize 4, so AWS's clamp gives 4. Four drain the
# queue, the backlog sits at 0, below the target, and AlarmLow (15 of 15) scales in to
# ceil(4 x 0 / 2) = 0, clamped to MinSize 1: the policy cycles between 1 and 4, as README
# observes for queue-driven target tracking.
t=sqs-graviton-spot
check "$t runs and launches" runs $t
check "$t: AlarmHigh scaled out to MaxSize" acted "$WORK/$t/activities.tsv" \
    TargetTracking-autoScalingGroup-AlarmHigh autoScalingPolicy 1 4
check "$t: AlarmLow scaled in to MinSize" acted "$WORK/$t/activities.tsv" \
    TargetTracking-autoScalingGroup-AlarmLow autoScalingPolicy 4 1
# Its MixedInstancesPolicy: OnDemandBaseCapacity 0 and OnDemandPercentageAboveBaseCapacity 0
# make every instance Spot; its InstanceRequirements (CpuManufacturers
# amazon-web-services, AllowedInstanceTypes c7g.*, m7g.*, r7g.*) allow only those Graviton
# families.
only_graviton_spot() {
    awk -F'\t' 'NR>1 { n++; if ($4 != "spot" || $3 !~ /^(c7g|m7g|r7g)\./) bad = 1 }
        END { exit bad || n == 0 }' "$WORK/$t/instances.tsv" ||
        { echo "  other instances:"; cut -f3,4 "$WORK/$t/instances.tsv" | sort -u; return 1; }
}
check "$t: every instance is a Spot c7g, m7g or r7g" only_graviton_spot

# aws-quickstart/quickstart-ibm-websphere-liberty: a launch configuration (t2.micro) and
# target tracking on the predefined ASGAverageCPUUtilization, target 75 %, min 2, max 4; its
# Cooldown '60' is ignored, as AWS ignores it. With its settings (the account's default T2
# credit option unlimited) the day's load takes the group's CPU above 75 %: AlarmHigh scales
# out 2 -> 3 -> 4 (MaxSize); at night it falls below AlarmLow's threshold (0.7 x 75, README
# "Policies"), which scales in 4 -> 3 -> 2 (MinSize).
t=quickstart-websphere-liberty
check "$t runs and launches" runs $t
check "$t: AlarmHigh scaled out" acted "$WORK/$t/activities.tsv" \
    TargetTracking-LibertyAutoScalingGroup-AlarmHigh LibertyTargetTrackingScalingPolicy 3 4
check "$t: AlarmLow scaled in to MinSize" acted "$WORK/$t/activities.tsv" \
    TargetTracking-LibertyAutoScalingGroup-AlarmLow LibertyTargetTrackingScalingPolicy 3 2
# With the shared settings the t2.micro run in T2's default standard mode: their launch
# credits are spent after about an hour, and CloudWatch's CPUUtilization, which target
# tracking reads, shows the 10 % baseline ("CPU utilization is gradually lowered to the
# baseline level", EC2 User Guide, standard mode). So the policy never scales out while most
# requests are dropped: AWS's behaviour, which the planner must see.
check "$t, standard credits: runs" runs $t "$dir/settings.yaml"
check "$t, standard credits: no scaling, the baseline seen, most requests dropped" \
    /usr/bin/python3 - "$WORK/$t.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1]); ts = f["/timeseries"]; s = f["/summary"]
t, bal, seen = ts["time_s"][:], ts["cpu_credit_balance"][:], ts["asg_avg_cpu_pct"][:]
assert (ts["desired_capacity"][:] == 2).all()
out = t[bal == 0].min()
assert out < 2 * 3600 and (seen[t > out + 600] <= 10 + 1e-9).all(), (out, seen[t > out + 600].max())
assert s["requests_dropped"][()] > 0.8 * s["requests_arrived"][()]
PY

# aws-samples/amazon-ec2-auto-scaling-group-examples, predictive scaling for blue/green
# deployments: three groups (issue 17 item 9). The blue application group (ASG-myapp-v1) has
# target tracking on ASGAverageCPUUtilization (target 25 %) and a ForecastOnly predictive
# policy (which never scales); the green one (ASG-myapp-v2) has no policy yet (the
# deployment copies it later), and the load generators' group has none. With the shared load
# on every group, blue's CPU passes 25 % at the peak and AlarmHigh scales out from MinSize 6;
# AlarmLow brings it back to 6. Green keeps its 6.
t=asg-examples-predictive-blue-green
check "$t runs and launches" runs $t
g=$WORK/$t/groups
check "$t: blue's AlarmHigh scaled out" acted "$g/ApplicationAutoScalingGroup/activities.tsv" \
    TargetTracking-ASG-myapp-v1-AlarmHigh TargetTrackingScalingCPUUtilization 6 7
check "$t: blue's AlarmLow scaled in to MinSize" acted "$g/ApplicationAutoScalingGroup/activities.tsv" \
    TargetTracking-ASG-myapp-v1-AlarmLow TargetTrackingScalingCPUUtilization '[0-9]*' 6
check "$t: green launched six and no policy acted on it" bash -c \
    "[ \"\$(grep -c Launching '$g/GreenApplicationAutoScalingGroup/activities.tsv')\" = 6 ] &&
     ! grep -q 'triggered policy' '$g/GreenApplicationAutoScalingGroup/activities.tsv'"

# aws-samples/ec2-asg-memory-metric-sample (AWS CDK output): step scaling on the CloudWatch
# agent's MemoryUtilization (namespace EC2_ASG_Memory), which no simulated component
# produces. With the shared settings asgsim refuses it with an error naming the alarm, the
# metric and the policy (issue 17 item 8), exit 65, and leaves no trace file.
t=asg-memory-metric-step
refused_memory() {
    expect_exit 65 "$ASGSIM" run "$dir/$t.yaml" --with "$dir/settings.yaml" -o "$WORK/$t.h5" -q ||
        return 1
    local want="$t.yaml:[0-9]*:[0-9]*: error: AWS::CloudWatch::Alarm"
    want+=" 'StepScalingPolicyUpperAlarm14655AF0': metric 'MemoryUtilization' in namespace"
    want+=" 'EC2_ASG_Memory' is not one asgsim produces, and the alarm triggers the group's"
    want+=" scaling policy 'StepScalingPolicyUpperPolicy2CA010F0'"
    grep -q "$want" "$WORK/err" || { echo "  not the expected error:"; head -3 "$WORK/err"; return 1; }
    [ ! -e "$WORK/$t.h5" ] && [ ! -e "$WORK/$t.h5.tmp" ]
}
check "$t with the shared settings is refused: its step policies scale on memory" refused_memory
# Its own settings say how memory follows the load (CustomMetrics: 15 % + 1 % per 1,000
# requests a minute per instance). Step adjustments +1 at >= 30 % and -1 at <= 20 % for 3
# minutes, MinSize 1, MaxSize 2: one instance passes 30 % above 250 requests/s, which the
# diurnal load (80 to 320) reaches in the morning, and two fall below 20 % under 167
# requests/s in the evening. So the group goes 1 -> 2 by the upper alarm, 2 -> 1 by the lower.
check "$t runs with its settings" runs "$t"
check "$t: the upper alarm's step policy scales out" acted "$WORK/$t/activities.tsv" \
    StepScalingPolicyUpperAlarm StepScalingPolicyUpperPolicy2CA010F0 1 2
check "$t: the lower alarm's step policy scales in" acted "$WORK/$t/activities.tsv" \
    StepScalingPolicyLowerAlarm StepScalingPolicyLowerPolicyE6EEFF5F 2 1

finish
