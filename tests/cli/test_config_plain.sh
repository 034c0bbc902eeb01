#!/usr/bin/env bash
# Runtime model files compile against plain configuration only (issue 16, item 3): neither
# they nor any header they pull in includes the YAML tree, CloudFormation resolution or the
# binding helpers. Only the binders (models/*_config.c, models/scenario*.c) may.
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR" || exit 1
cc=${CC:-cc}
runtime="asg billing calibrate cloudwatch ec2 lifecycle market placement policy run schedule serve
         termination warm_pool workload"
for m in $runtime; do
    f=models/$m.c
    [ -f "$f" ] || continue
    # -MM: every non-system header the file includes, directly or through other headers;
    # -MG: a header that is missing (e.g. generated) does not stop the listing.
    deps=$("$cc" -MM -MG -I include "$f" 2>&1)
    bad=$(printf '%s\n' "$deps" | tr ' \\' '\n\n' | grep -E '(^|/)(yamltree|cfn|bind)\.h$' |
        sort -u | tr '\n' ' ')
    check "$f includes no yamltree.h, cfn.h or bind.h${bad:+ (it pulls in: $bad)}" test -z "$bad"
done
# The check itself sees a binder's includes.
check "the check itself finds bind.h in models/scenario.c's includes" \
    sh -c "'$cc' -MM -MG -I include models/scenario.c | grep -q 'asgsim/bind\.h'"
finish
