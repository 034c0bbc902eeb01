#!/usr/bin/env bash
# Same answer everywhere: /sweep/results (and points and stats) are identical for -j 1,
# -j 2, mpirun -np 2 (when built with MPI; ASGSIM_MPIRUN is set by CTest then) and shards
# 0/2 + 1/2 merged, in either order.
. "$(dirname "$0")/lib.sh"
cat >"$WORK/sweep.yaml" <<YAML
Scenario: $SRCDIR/scenarios/web-basic.yaml
Axes:
  - Parameter: DesiredCapacity
    Values: [2, 5]
  - Name: Type
    Path: Resources.WebLaunchTemplate.Properties.LaunchTemplateData.InstanceType
    Values: [c6i.large, m6i.xlarge]
  - Path: Metadata.ASGSim::Scenario.Instances.CapacityRpsPerVcpu
    Range: {From: 20, To: 60, Step: 20}
Replications: 3
YAML
cd "$WORK" || exit 1
check "-j 1" expect_exit 0 "$ASGSIM" sweep sweep.yaml -o j1.h5 -j 1 -q
check "-j 2" expect_exit 0 "$ASGSIM" sweep sweep.yaml -o j2.h5 -j 2 -q
check "shard 0/2" expect_exit 0 "$ASGSIM" sweep sweep.yaml -o s0.h5 --shard 0/2 -q
check "shard 1/2" expect_exit 0 "$ASGSIM" sweep sweep.yaml -o s1.h5 --shard 1/2 -q
check "merge" expect_exit 0 "$ASGSIM" merge s1.h5 s0.h5 -o merged.h5 -q
check "12 points" bash -c "h5ls j1.h5/sweep/points | grep -q '{12/'"
check "36 results" bash -c "h5ls j1.h5/sweep/results | grep -q '{36/'"
check "shard 0 holds the even points only" bash -c "h5ls s0.h5/sweep/points | grep -q '{6/'"
check "the text axis is a string column" bash -c "h5dump -H -d /sweep/points j1.h5 | grep -q 'H5T_STRING'"
others="j2.h5 merged.h5"
if [ -n "${ASGSIM_MPIRUN:-}" ]; then
    # shellcheck disable=SC2086 # the launcher line is split on purpose
    check "mpirun -np 2" expect_exit 0 $ASGSIM_MPIRUN "$ASGSIM" sweep sweep.yaml -o mpi.h5 -q
    others="$others mpi.h5"
else
    echo "note: built without MPI; the mpirun case is skipped"
fi
for f in $others; do
    for ds in /sweep/results /sweep/points /sweep/stats; do
        check "$f $ds identical to -j 1" h5diff j1.h5 "$f" "$ds" "$ds"
    done
done
check "merge refuses an incomplete set" expect_exit 65 "$ASGSIM" merge s0.h5 -o bad.h5
check "incomplete merge says what is missing" grep -q "lack 18 of 36 runs" "$WORK/err"
check "merge refuses a shard given twice" expect_exit 65 "$ASGSIM" merge s0.h5 s0.h5 s1.h5 -o bad.h5
check "no file from a failed merge" test ! -e bad.h5
check "journal removed after success" test ! -e j1.h5.journal
finish
