#!/usr/bin/env bash
# Fn::ImportValue from the scenario's Exports: a subnet list imported as one comma-separated
# export and split back (the usual `!Split [',', !ImportValue !Sub '${ParentVPCStack}-...']`)
# must run exactly like web-basic, which gives the same subnets as a List parameter.
. "$(dirname "$0")/lib.sh"
BASE=$SRCDIR/scenarios/web-basic.yaml
IMP=$SRCDIR/tests/data/import-subnets.yaml

# The summary without the lines naming the files.
summary() { grep -v '^scenario\|^trace' "$WORK/out"; }

check "web-basic runs" expect_exit 0 "$ASGSIM" run "$BASE" -o "$WORK/base.h5" --until 2h
summary >"$WORK/base.out"
check "imported subnets run" expect_exit 0 "$ASGSIM" run "$IMP" -o "$WORK/imp.h5" --until 2h
check "no diagnostics" test ! -s "$WORK/err"
check "same summary as web-basic" diff "$WORK/base.out" <(summary)
check "same instances as web-basic" bash -c \
    "h5dump -d /instances '$WORK/base.h5' | tail -n +2 >'$WORK/b.txt' &&
     h5dump -d /instances '$WORK/imp.h5' | tail -n +2 >'$WORK/i.txt' && cmp -s '$WORK/b.txt' '$WORK/i.txt'"

# The exports may come from the --with settings file instead of the template's Metadata.
sed -n '/^  ASGSim::Scenario:/,/^$/p' "$IMP" | sed 's/^  //' >"$WORK/settings.yaml"
sed '/^Metadata:/,/^$/d' "$IMP" >"$WORK/bare.yaml"
check "exports from --with" expect_exit 0 "$ASGSIM" run "$WORK/bare.yaml" --with \
    "$WORK/settings.yaml" -o "$WORK/with.h5" --until 2h
check "same summary with --with" diff "$WORK/base.out" <(summary)

# A different stack name imports a different (missing) export: a located error naming it.
check "missing export" expect_exit 65 "$ASGSIM" run "$IMP" --parameter ParentVPCStack=nett \
    -o "$WORK/miss.h5"
check "names the export" grep -qF \
    "import-subnets.yaml:54:39: error: Fn::ImportValue: no export named 'nett-SubnetsPrivate' in the scenario's Exports (did you mean 'net-SubnetsPrivate'?)" \
    "$WORK/err"
check "no output left" test ! -e "$WORK/miss.h5"
finish
