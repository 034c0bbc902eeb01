#!/usr/bin/env bash
# A queue-driven group (README "queue-driven"): the serving model is its queue, one state
# for the CloudWatch metrics and for the served, dropped and latency figures. SQS keeps a
# message until it is processed or older than the queue's MessageRetentionPeriod ("The
# length of time, in seconds, for which Amazon SQS retains a message ... Default: 345,600
# (4 days)", API_SetQueueAttributes; CloudFormation AWS::SQS::Queue): nothing is refused,
# also while no instance is InService, and only an expired message is dropped.
. "$(dirname "$0")/lib.sh"
M="$SRCDIR/tests/data/metrics"

run_export() { # NAME TEMPLATE ARGS...: run and export to $WORK/NAME
    local name=$1 t=$2; shift 2
    expect_exit 0 "$ASGSIM" run "$t" -o "$WORK/$name.h5" -q "$@" &&
        "$ASGSIM" export "$WORK/$name.h5" -o "$WORK/$name" -q
}
# summary NAME FIELD: a /summary figure
summary() {
    awk -F'\t' -v f="$2" 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} NR==2{print $c[f]}' "$WORK/$1/summary.tsv"
}
# ts NAME AWK-PROGRAM: run an awk program over /timeseries with columns named by c["name"]
ts() {
    awk -F'\t' "NR==1{for(i=1;i<=NF;i++)c[\$i]=i; next} $2" "$WORK/$1/timeseries.tsv"
}

# (a) tests/data/metrics/sqs.yaml: one initial instance and a diurnal load build a backlog
# of up to about 100 000 messages; before, the load balancer model dropped 3.3 M of them.
check "sqs.yaml runs" run_export sqs "$M/sqs.yaml"
check "sqs.yaml: no message is dropped" [ "$(summary sqs requests_dropped)" = 0.000000 ]
served_is_arrived_minus_backlog() {
    local arrived served backlog
    arrived=$(summary sqs requests_arrived)
    served=$(summary sqs requests_served)
    backlog=$(ts sqs '{b=$c["backlog"]} END{print b}')
    awk -v a="$arrived" -v s="$served" -v b="$backlog" 'BEGIN{exit !(b > 0 && s == a - b)}'
}
check "sqs.yaml: served = arrived - the backlog at the end" served_is_arrived_minus_backlog
check "sqs.yaml: the visible count CloudWatch sampled is the serving model's backlog" ts sqs \
    '$c["sqs_messages_visible"] != $c["backlog"] {bad=1} END{exit bad || NR < 1000}'
check "sqs.yaml: a backlog waited" ts sqs 'BEGIN{m=0} $c["backlog"] > m {m=$c["backlog"]} END{exit !(m > 10000)}'
check "sqs.yaml: and its messages' latency shows the wait" \
    awk -v p="$(summary sqs latency_p99_s)" 'BEGIN{exit !(p > 60)}'

# (b) MinSize 0: the first worker is InService 5 minutes after the alarm on the waiting
# messages launched it (tests/data/metrics/sqs-wait.yaml). Nothing is dropped, the load
# balancer's 5XX alarm never fires, and the first messages' latency includes the wait:
# those sent in the first 1 % of the run (18 s) waited until the worker was InService.
check "MinSize 0 runs" run_export wait "$M/sqs-wait.yaml"
check "MinSize 0: nothing dropped" [ "$(summary wait requests_dropped)" = 0.000000 ]
check "MinSize 0: all processed by the end" [ "$(summary wait requests_served)" = "$(summary wait requests_arrived)" ]
check "MinSize 0: HTTPCode_ELB_5XX_Count stays 0" ts wait \
    '$c["alarm_Refused"] != "OK" {bad=1} END{exit bad || !c["alarm_Refused"]}'
p99_includes_the_wait() {
    local up p99
    up=$(awk -F'\t' '$5 == "InService" {print $1; exit}' "$WORK/wait/events.tsv")
    p99=$(summary wait latency_p99_s)
    awk -v up="$up" -v p="$p99" 'BEGIN{exit !(up >= 300 && p > up - 18 && p < up + 5)}'
}
check "MinSize 0: latency p99 includes the wait for the first worker" p99_includes_the_wait
# While the backlog drains the worker works at its capacity (20 messages/s), not at the 5 a
# second sent: CPU 100 % from the first full 10 s sample after it is InService.
check "MinSize 0: CPU is the processing, 100 % while the backlog drains" ts wait '
    $c["in_service"] > 0 && !up { up = $c["time_s"] + 10 }
    up && $c["time_s"] >= up && $c["backlog"] > 0 { n++; if ($c["cpu_utilization_pct"] != 100) bad = 1 }
    END { exit bad || n < 5 }'
check "MinSize 0: the age of the oldest message is the time since the first was sent" ts wait \
    '$c["time_s"] <= 300 && $c["sqs_oldest_message_age_s"] != ($c["time_s"] > 0 ? $c["time_s"] : 0) {bad=1} END{exit bad}'
# ApproximateAgeOfOldestMessage ("The approximate age of the oldest non-deleted message in
# the queue", seconds: sqs-available-cloudwatch-metrics), sampled from the same queue: an
# alarm on it above 120 s (Maximum, 60 s periods) sees the minute [120, 180) s reach 170 s
# and launches the worker at 180 s, where the visible count launched it at 60 s. An alarm
# on the age alone makes the group queue-driven.
check "age of the oldest message runs" run_export age "$M/sqs-wait.yaml" \
    -p Metric=ApproximateAgeOfOldestMessage -p Threshold=120
launched_at() { awk -F'\t' '$5 == "Pending" {print $1; exit}' "$WORK/$1/events.tsv"; }
check "visible count > 0 launched the worker at 60 s" [ "$(launched_at wait)" = 60.000000 ]
check "age > 120 s launched the worker at 180 s" [ "$(launched_at age)" = 180.000000 ]
check "age: queue-driven, nothing dropped" [ "$(summary age requests_dropped)" = 0.000000 ]

# (c) Retention (tests/data/metrics/sqs-retention.yaml): MessageRetentionPeriod 60, 10
# messages/s, no worker for 10 minutes. The interval ending at t drops exactly what was
# sent in (t - 70, t - 60]: by hand from the trace, the messages sent in an interval
# (before 600 s nothing is processed) are its backlog's growth plus what it dropped.
check "retention runs" run_export ret "$M/sqs-retention.yaml"
check "retention: nothing expires in the first minute" ts ret \
    '$c["time_s"] <= 60 && $c["dropped"] != 0 {bad=1} END{exit bad}'
check "retention: each interval drops what was sent 60 to 70 s before" ts ret '
    { t = $c["time_s"] + 0; b[t] = $c["backlog"]; d[t] = $c["dropped"] }
    t >= 70 && t <= 600 { sent = b[t - 60] - b[t - 70] + d[t - 60]; if (d[t] != sent) bad = 1; n++ }
    END { exit bad || n != 54 }'
check "retention: at 600 s the oldest message is 60 s old" ts ret \
    '$c["time_s"] == 600 && $c["sqs_oldest_message_age_s"] == 60 {ok=1} END{exit !ok}'
check "retention: once the worker is InService nothing more expires" ts ret \
    '$c["time_s"] > 600 && ($c["dropped"] != 0 || $c["backlog"] != 0) {bad=1} END{exit bad}'
# expired_as_by_hand NAME: about the first 540 s of the load (5400 messages) expired, and
# nothing processed waited longer than the period
expired_as_by_hand() {
    check "$1: about 540 s of the load expired" awk -v d="$(summary "$1" requests_dropped)" \
        'BEGIN{exit !(d > 5400 - 4 * sqrt(5400) && d < 5400 + 4 * sqrt(5400))}'
    check "$1: nothing processed waited longer than the period" \
        awk -v p="$(summary "$1" latency_p99_s)" 'BEGIN{exit !(p < 60.5)}'
}
expired_as_by_hand ret
check "retention: arrived = served + dropped (+ 0 waiting)" bash -c \
    "[ \"\$(awk -v a=$(summary ret requests_arrived) -v s=$(summary ret requests_served) -v d=$(summary ret requests_dropped) 'BEGIN{print a - s - d}')\" = 0 ]"
check "the group's queue is no skipped resource" bash -c \
    "'$ASGSIM' run '$M/sqs-retention.yaml' -o '$WORK/w.h5' 2>&1 >/dev/null | grep -c 'not simulated' | grep -qx 0"

# A MessageRetentionPeriod outside SQS's range is a located error.
sed 's/MessageRetentionPeriod: 60/MessageRetentionPeriod: 59/' "$M/sqs-retention.yaml" >"$WORK/r59.yaml"
check "retention below 60 s is refused" expect_exit 65 "$ASGSIM" run "$WORK/r59.yaml" -o "$WORK/r59.h5" -q
check "... at its value" grep -q "r59.yaml:19:31: error: 'MessageRetentionPeriod' in AWS::SQS::Queue 'Jobs' must be between 60 and 1209600, got 59" "$WORK/err"
check "... and leaves no output" [ ! -e "$WORK/r59.h5" ]

# Fidelity: request: every message an event, one FIFO queue the free vCPUs take from (the
# queue's own, not a load balancer's). The same figures as fluid within the noise: nothing
# dropped, the visible count is the backlog, p99 within 3 %.
sed 's/SampleInterval: 10s/SampleInterval: 10s\n    Fidelity: request/' "$M/sqs-wait.yaml" >"$WORK/req.yaml"
check "request fidelity runs" run_export req "$WORK/req.yaml"
check "request: nothing dropped" [ "$(summary req requests_dropped)" = 0.000000 ]
check "request: the visible count CloudWatch sampled is the backlog" ts req \
    '$c["sqs_messages_visible"] != $c["backlog"] {bad=1} END{exit bad}'
check "request: p99 as fluid's" awk -v r="$(summary req latency_p99_s)" -v f="$(summary wait latency_p99_s)" \
    'BEGIN{exit !(r > 0.97 * f && r < 1.03 * f)}'
sed 's/SampleInterval: 10s/SampleInterval: 10s\n    Fidelity: request/' "$M/sqs-retention.yaml" >"$WORK/reqret.yaml"
check "request retention runs" run_export reqret "$WORK/reqret.yaml"
check "request retention: at 600 s the oldest message is just under 60 s old" ts reqret \
    '$c["time_s"] == 600 && $c["sqs_oldest_message_age_s"] <= 60 && $c["sqs_oldest_message_age_s"] > 59 {ok=1} END{exit !ok}'
expired_as_by_hand reqret
finish
