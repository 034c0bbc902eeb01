#!/usr/bin/env bash
# Metrics the simulator produces, however a template names them (issue 17, item 7):
# target tracking with CustomizedMetricSpecification (one metric, or `Metrics` metric math)
# decides exactly as the predefined metric of the same quantity does, and an alarm with
# metric math (`Metrics` with an `Expression`) drives a step policy.
. "$(dirname "$0")/lib.sh"
T="$SRCDIR/tests/data/metrics/tt.yaml"

run_export() { # NAME TEMPLATE ARGS...: run and export to $WORK/NAME
    local name=$1 t=$2; shift 2
    expect_exit 0 "$ASGSIM" run "$t" -o "$WORK/$name.h5" -q "$@" &&
        "$ASGSIM" export "$WORK/$name.h5" -o "$WORK/$name" -q
}
same_activities() { # A B: the same activities at the same times (header line aside)
    diff <(tail -n +2 "$WORK/$1/activities.tsv" | cut -f1,2,5,6) \
        <(tail -n +2 "$WORK/$2/activities.tsv" | cut -f1,2,5,6) >/dev/null &&
        [ "$(grep -c 'triggered policy Track' "$WORK/$1/activities.tsv")" -gt 0 ]
}
for f in predefined-cpu customized-cpu predefined-alb math-alb; do
    check "$f runs" run_export "$f" "$T" -p Form="$f"
done
# AWS/EC2 CPUUtilization (Average, the group's dimension) is ASGAverageCPUUtilization
check "customized CPU decides as the predefined metric" same_activities predefined-cpu customized-cpu
# RequestCount (Sum) / GroupInServiceInstances is RequestCountPerTarget with one-unit targets
check "metric math decides as ALBRequestCountPerTarget" same_activities predefined-alb math-alb
check "alarm with metric math runs" run_export alarm "$SRCDIR/tests/data/metrics/alarm_math.yaml"
check "its step policy acted" grep -q 'alarm Busy in state ALARM triggered policy Out' \
    "$WORK/alarm/activities.tsv"
# The load balancer's metrics from serving (tests/data/metrics/alb.yaml): a flash crowd at
# 01:00 overflows the targets' queues.
A="$SRCDIR/tests/data/metrics/alb.yaml"
acted_after_spike() { grep -q 'T01:0[0-9]:00Z a monitor alarm Trouble in state ALARM' "$WORK/$1/activities.tsv"; }
check "Target 5XX alarm runs" run_export t5xx "$A"
check "targets' refusals (HTTPCode_Target_5XX_Count) scale out at the spike" acted_after_spike t5xx
check "TargetResponseTime alarm runs" run_export latency "$A" -p Metric=TargetResponseTime -p Threshold=0.1
check "response time scales out at the spike" acted_after_spike latency
check "ELB 5XX alarm runs" run_export elb5xx "$A" -p Metric=HTTPCode_ELB_5XX_Count
# the load balancer itself refuses only while no target is InService: at the start
check "ELB 5XX only before a target is InService" bash -c \
    "grep -q 'T00:0[0-9]:00Z a monitor alarm Trouble' '$WORK/elb5xx/activities.tsv' && ! grep -q 'T0[1-9]:[0-9:]*Z a monitor alarm Trouble' '$WORK/elb5xx/activities.tsv'"
# A queue-driven group (tests/data/metrics/sqs.yaml): backlog per instance as AWS's metric
# math example computes it. One initial instance cannot keep up with 200 messages/s, so the
# first decision is AlarmHigh on a backlog per instance above the target of 100; once the
# fleet has worked the queue off the backlog is 0 and AlarmLow scales in.
check "queue-driven run" run_export sqs "$SRCDIR/tests/data/metrics/sqs.yaml"
check "backlog per instance above 100 scales out first" bash -c \
    "awk -F'\t' 'NR==2{exit !(\$4 ~ /AlarmHigh/ && \$6 > 100 && \$16 > \$15)}' '$WORK/sqs/decisions.tsv'"
check "a worked-off queue scales in" bash -c \
    "awk -F'\t' 'NR>1 && \$4 ~ /AlarmLow/ && \$6 == 0 && \$16 < \$15 {f=1} END{exit !f}' '$WORK/sqs/decisions.tsv'"
# An alarm on AWS/SQS that only notifies a topic scales nothing: a web group beside it stays a
# web group (tests/data/metrics/sqs-notify-only.yaml), served behind its load balancer with a
# QueueLimit (300 requests/s on one instance of 200 at the start: some are dropped) and no
# queue columns.
check "notify-only SQS alarm: runs" run_export sqs-notify "$SRCDIR/tests/data/metrics/sqs-notify-only.yaml"
check "notify-only SQS alarm: the group is not queue-driven" /usr/bin/python3 -c '
import sys, h5py
f = h5py.File(sys.argv[1])
assert "sqs_messages_visible" not in f["/timeseries"], list(f["/timeseries"])
assert f["/summary/requests_dropped"][()] > 0
' "$WORK/sqs-notify.h5"
check "notify-only SQS alarm: a warning says so and names QueueDriven" bash -c \
    "'$ASGSIM' run '$SRCDIR/tests/data/metrics/sqs-notify-only.yaml' -o '$WORK/w.h5' 2>&1 >/dev/null |
     grep -q \"sqs-notify-only.yaml:[0-9]*:3: warning: AWS::CloudWatch::Alarm 'DeadLettersWaiting' watches an AWS/SQS metric but scales nothing: group 'Web' is served as requests .*QueueDriven: true\""
# QueueDriven in the settings wins either way.
sed 's/^    Workload: {Kind: constant, Rps: 300}/&\n    QueueDriven: true/' \
    "$SRCDIR/tests/data/metrics/sqs-notify-only.yaml" >"$WORK/qd-true.yaml"
check "QueueDriven: true makes it queue-driven" run_export qd-true "$WORK/qd-true.yaml"
check "... no drops, the queue's columns" /usr/bin/python3 -c '
import sys, h5py
f = h5py.File(sys.argv[1])
assert "sqs_messages_visible" in f["/timeseries"] and f["/summary/requests_dropped"][()] == 0
' "$WORK/qd-true.h5"
sed 's/^    Workload: {Kind: diurnal, BaseRps: 200, Amplitude: 0.8}/&\n    QueueDriven: false/' \
    "$SRCDIR/tests/data/metrics/sqs.yaml" >"$WORK/qd-false.yaml"
check "QueueDriven: false serves a queue-scaled group as requests" run_export qd-false "$WORK/qd-false.yaml"
check "... no queue columns" /usr/bin/python3 -c '
import sys, h5py
assert "sqs_messages_visible" not in h5py.File(sys.argv[1])["/timeseries"]
' "$WORK/qd-false.h5"
sed 's/^    Workload: {Kind: constant, Rps: 300}/&\n    QueueDriven: sometimes/' \
    "$SRCDIR/tests/data/metrics/sqs-notify-only.yaml" >"$WORK/qd-bad.yaml"
check "QueueDriven must be a boolean" expect_exit 65 "$ASGSIM" run "$WORK/qd-bad.yaml" -o "$WORK/qd-bad.h5"
check "... located" grep -q "qd-bad.yaml:11:18: error:" "$WORK/err"
# A metric the settings define (tests/data/metrics/custom.yaml: CustomMetrics Backlog =
# ApproximateNumberOfMessagesVisible): its alarms decide exactly as the same alarms on AWS/SQS
# ApproximateNumberOfMessagesVisible, each name of the expression read with the alarm's own
# Statistic and Period as a metric-math MetricStat would be (API_MetricDataQuery); both make
# the group queue-driven. Both the scale-out and the scale-in alarm act.
C="$SRCDIR/tests/data/metrics/custom.yaml"
check "custom metric form runs" run_export custom "$C"
# (warnings are not printed under -q: run once more without it)
check "custom metric: no warning when the definition is used" bash -c \
    "'$ASGSIM' run '$C' -o '$WORK/w.h5' 2>&1 >/dev/null | grep -c warning | grep -qx 0"
check "AWS/SQS form runs" run_export custom-sqs "$C" -p Namespace=AWS/SQS \
    -p MetricName=ApproximateNumberOfMessagesVisible
check "AWS/SQS form warns" expect_exit 0 "$ASGSIM" run "$C" -p Namespace=AWS/SQS \
    -p MetricName=ApproximateNumberOfMessagesVisible -o "$WORK/w.h5"
check "AWS/SQS form: the unused definition is a warning at its MetricName" grep -q \
    "custom.yaml:17:21: warning: CustomMetrics 'Backlog': no alarm or target tracking policy watches this metric" \
    "$WORK/err"
same_as_sqs() {
    diff <(tail -n +2 "$WORK/custom/activities.tsv" | cut -f1,2,5,6) \
        <(tail -n +2 "$WORK/custom-sqs/activities.tsv" | cut -f1,2,5,6) >/dev/null &&
        grep -q 'alarm BacklogHigh in state ALARM triggered policy Out' "$WORK/custom/activities.tsv" &&
        grep -q 'alarm BacklogEmpty in state ALARM triggered policy In' "$WORK/custom/activities.tsv"
}
check "custom metric decides as AWS/SQS ApproximateNumberOfMessagesVisible" same_as_sqs
# A definition in another namespace does not match; the alarm's error says where it is.
check "a namespace that does not match is refused" expect_exit 65 "$ASGSIM" run "$C" \
    -p Namespace=other -o "$WORK/other.h5" -q
check "... with a hint at the definition" grep -q "CustomMetrics defines it in namespace 'app'" "$WORK/err"
# Target tracking on a defined metric (tests/data/metrics/custom-tt.yaml: RequestsPerWorker =
# RequestCount / GroupInServiceInstances), named by a CustomizedMetricSpecification, by the
# MetricStat its Metrics return, or by an expression over that MetricStat: each decides as
# the metric math of tt.yaml's math-alb form.
for f in single stat math; do
    check "target tracking on a defined metric ($f) runs" run_export "ctt-$f" \
        "$SRCDIR/tests/data/metrics/custom-tt.yaml" -p Form=$f
    check "... and decides as metric math over the produced metrics ($f)" \
        same_activities "ctt-$f" math-alb
done
# Several groups (tests/data/metrics/custom-groups.yaml): group B's own definition is tried
# before the top-level one, so only A's alarm on the same metric acts.
check "per-group definitions run" run_export cgroups "$SRCDIR/tests/data/metrics/custom-groups.yaml"
check "A scales on the top-level definition" grep -q 'alarm ADemand in state ALARM triggered policy AOut' \
    "$WORK/cgroups/groups/A/activities.tsv"
check "B scales not, on its own definition" bash -c "! grep -q 'policy' '$WORK/cgroups/groups/B/activities.tsv'"
finish
