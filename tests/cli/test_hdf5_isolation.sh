#!/usr/bin/env bash
# Only sim/h5out.c (writing) and sim/h5in.c (reading) include <hdf5.h>: every other part of
# the program goes through trace.h or h5in.h, so the HDF5 dependency stays in two files.
# Tests may include it to check files independently.
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR" || exit 1
offenders=$(grep -rlE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](hdf5|H5[A-Za-z_]*)\.h[>"]' \
    --include='*.c' --include='*.h' . |
    grep -vE '^\./(sim/h5out\.c|sim/h5in\.c|tests/|build[^/]*/)' || true)
if [ -n "$offenders" ]; then echo "files that include hdf5.h but may not:"; echo "$offenders"; fi
check "only h5out.c and h5in.c include hdf5.h" test -z "$offenders"
check "the check itself finds h5in.c" grep -q '#include <hdf5.h>' sim/h5in.c
finish
