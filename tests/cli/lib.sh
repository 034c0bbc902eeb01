# Helpers for the command-line tests. Each test sources this, calls `check`, ends with `finish`.
set -u
: "${ASGSIM:?}" "${SRCDIR:?}" "${TMPBASE:?}"
mkdir -p "$TMPBASE"
WORK=$(mktemp -d "$TMPBASE/cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILED=0
PASSED=0

# check NAME COMMAND...: run COMMAND, count a pass when it succeeds
check() {
    local name=$1; shift
    if "$@"; then PASSED=$((PASSED + 1)); else echo "FAIL: $name"; FAILED=$((FAILED + 1)); fi
}

# expect_exit N COMMAND...: COMMAND exits with N; its stdout/stderr land in $WORK/out, $WORK/err
expect_exit() {
    local want=$1; shift
    "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        echo "  exit $got, expected $want: $*"; sed 's/^/  stderr: /' "$WORK/err" | head -5
        return 1
    fi
}

finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}
