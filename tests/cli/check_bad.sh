#!/usr/bin/env bash
# One bad-input case: asgsim must exit with the expected code (65 unless the case says
# otherwise), print the expected diagnostic at the expected FILE:LINE:COL, and leave no
# output file (neither OUT.h5 nor OUT.h5.tmp) behind.
# The expectation is the case's first line, "# expect: LINE:COL: error: TEXT", or, for
# files that cannot hold a comment, the first line of CASE.expect. "# exit: N" may follow.
set -u
case_file=$1
: "${ASGSIM:?}" "${TMPBASE:?}"
if [ -f "$case_file.expect" ]; then spec=$case_file.expect; else spec=$case_file; fi
expect=$(sed -n '1s/^# expect: //p' "$spec")
want_exit=$(sed -n '2s/^# exit: //p' "$spec")
want_exit=${want_exit:-65}
if [ -z "$expect" ]; then
    echo "FAIL: $case_file has no '# expect:' line"; exit 1
fi
dir=$(mktemp -d "$TMPBASE/bad.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$ASGSIM" run "$case_file" -o "$dir/out.h5" >"$dir/stdout" 2>"$dir/stderr"
status=$?
fail=0
if [ "$status" != "$want_exit" ]; then
    echo "FAIL: exit status $status, expected $want_exit"; fail=1
fi
# Location 0:0 means "no line:column" (the message names the file only or nothing).
case $expect in
    0:0:*) want="asgsim: ${expect#0:0: }" ;;
    *) want="asgsim: $case_file:$expect" ;;
esac
if ! grep -qF -- "$want" "$dir/stderr"; then
    echo "FAIL: stderr lacks: $want"; fail=1
fi
if [ -e "$dir/out.h5" ] || [ -e "$dir/out.h5.tmp" ]; then
    echo "FAIL: output file left behind"; fail=1
fi
if [ -s "$dir/stdout" ]; then
    echo "FAIL: stdout is not empty"; fail=1
fi
if grep -q "BUG\|Sanitizer\|runtime error" "$dir/stderr"; then
    echo "FAIL: crash or sanitizer report"; fail=1
fi
echo "--- stderr:"; cat "$dir/stderr"
[ $fail = 0 ] && echo "PASS: $(basename "$case_file")"
exit $fail
