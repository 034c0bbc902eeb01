#!/usr/bin/env bash
# README.md: the quoted outputs and figures whose commands take longer (marked `slow`:
# the WorldCup98 predictive sweep, the worked capacity sweep). cli_readme runs the rest and
# tests the tool itself.
. "$(dirname "$0")/lib.sh"
check "README.md is current (slow part)" expect_exit 0 \
    /usr/bin/python3 "$SRCDIR/tools/readme-check" --check --slow
cat "$WORK/out"
finish
