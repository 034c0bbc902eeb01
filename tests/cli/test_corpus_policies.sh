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

finish
