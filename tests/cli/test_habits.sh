#!/usr/bin/env bash
# Command-line habits (issue 18 item 13): --version and --help after any command, `asgsim
# help CMD`, sweep --progress, an install whose plot scripts come from its prefix, and
# `asgsim run` under mpirun (one run, not one per rank fighting over the file).
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
S=$SRCDIR/tests/golden/export-small.yaml
for c in run validate sweep merge export plot report recommend compare metrics; do
    check "$c --version" expect_exit 0 "$ASGSIM" "$c" --version
    check "$c --version prints the version" grep -q "^asgsim [0-9]" "$WORK/out"
    check "$c --help" expect_exit 0 "$ASGSIM" "$c" --help
    check "$c --help is its usage" grep -q "^Usage: asgsim $c" "$WORK/out"
    check "help $c" expect_exit 0 "$ASGSIM" help "$c"
    check "help $c is the same text" sh -c "'$ASGSIM' $c --help | cmp -s - '$WORK/out'"
done
check "--version after arguments" expect_exit 0 "$ASGSIM" run "$S" -o v.h5 --version
check "... runs nothing" test ! -e v.h5
check "--version after '--' is an argument" expect_exit 66 "$ASGSIM" validate -- --version
check "help of an unknown command" expect_exit 2 "$ASGSIM" help rnu
check "did you mean" grep -qF "unknown command 'rnu' (did you mean 'run'?)" "$WORK/err"

printf 'Scenario: %s\nAxes:\n  - Parameter: DesiredCapacity\n    Values: [3, 4]\nReplications: 2\n' "$S" >sw.yaml
check "sweep --progress always" expect_exit 0 "$ASGSIM" sweep sw.yaml -o p.h5 -j 1 --progress always
check "progress lines" grep -qF "4 of 4 runs done (100%)" "$WORK/err"
check "sweep --progress never" expect_exit 0 "$ASGSIM" sweep sw.yaml -o n.h5 -j 1 --progress never
check "no progress" bash -c "! grep -q 'runs done' '$WORK/err'"
check "bad --progress" expect_exit 2 "$ASGSIM" sweep sw.yaml --progress sometimes

# An install: the scripts must come from PREFIX/share/asgsim/plots, not the source tree.
BUILD=$(dirname "$ASGSIM")
check "install" expect_exit 0 cmake --install "$BUILD" --prefix "$WORK/inst"
check "installed scripts" test -s "$WORK/inst/share/asgsim/plots/capacity.gp" -a -s "$WORK/inst/share/asgsim/plots/compare.gp"
check "installed asgsim finds them" expect_exit 0 env -u ASGSIM_PLOTS "$WORK/inst/bin/asgsim" --version
check "from its prefix" grep -qxF "plot scripts: $WORK/inst/bin/../share/asgsim/plots" "$WORK/out"
check "installed run" expect_exit 0 "$WORK/inst/bin/asgsim" run "$S" -o inst.h5 -q
if command -v gnuplot >/dev/null; then
    check "installed plot" expect_exit 0 env -u ASGSIM_PLOTS "$WORK/inst/bin/asgsim" plot inst.h5 -o instplots --kind capacity -q
    check "installed plot drew" test -s instplots/capacity.png
fi

# Under mpirun (what the launcher says in the environment): rank 0 runs once, others leave.
check "rank 1 of 2 does nothing" expect_exit 0 env OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 "$ASGSIM" run "$S" -o r1.h5 -q
check "... and writes nothing" test ! -e r1.h5
check "rank 0 of 2 runs" expect_exit 0 env OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 "$ASGSIM" run "$S" -o r0.h5 -q
check "... says to use sweep" grep -qF "use 'asgsim sweep' to spread runs over the ranks" "$WORK/err"
check "... and writes the trace" test -s r0.h5
if [ -n "${ASGSIM_MPIRUN:-}" ]; then
    check "mpirun -np 2 asgsim run" expect_exit 0 $ASGSIM_MPIRUN "$ASGSIM" run "$S" -o mpi.h5 -q
    check "one trace" test -s mpi.h5
fi
finish
