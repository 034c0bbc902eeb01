#!/usr/bin/env bash
# Resources asgsim does not simulate (issue 17, item 8): a stack's database, security
# groups, topic and an alarm on the database that only notifies are skipped with ONE
# warning that lists them by type; the group still runs and its policy acts. An alarm
# on such a metric that triggers the group's scaling policy is an error instead
# (tests/data/bad/alarm_unmodelled_metric_drives_policy.yaml).
. "$(dirname "$0")/lib.sh"
T="$SRCDIR/tests/data/unmodelled/stack.yaml"

check "the stack runs" expect_exit 0 "$ASGSIM" run "$T" -o "$WORK/u.h5" -q
"$ASGSIM" run "$T" -o "$WORK/u2.h5" >/dev/null 2>"$WORK/err"
check "one warning, no more" bash -c "[ \"\$(grep -c warning '$WORK/err')\" = 1 ]"
want='5 resources not simulated by asgsim, skipped: AWS::EC2::SecurityGroup (WebSecurityGroup, DbSecurityGroup); AWS::RDS::DBInstance (Database); AWS::SNS::Topic (Topic); AWS::CloudWatch::Alarm (DatabaseCPUAlarm)'
check "it lists every skipped resource by type" grep -qF "$want" "$WORK/err"
check "export" "$ASGSIM" export "$WORK/u.h5" -o "$WORK/u" -q
check "the group's policy acted" grep -q 'policy' "$WORK/u/activities.tsv"
finish
