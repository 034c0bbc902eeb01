#!/usr/bin/env bash
# scenarios/partition-failure.yaml: the failed partition's two instances are terminated at
# 6 h and replaced; every instance records its partition (2 per partition per AZ).
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/partition-failure.yaml

check "run" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/run.h5" -q
check "export" expect_exit 0 "$ASGSIM" export "$WORK/run.h5" -o "$WORK/tsv"
check "the partition's instances were replaced" /usr/bin/python3 - "$WORK/tsv" <<'PY'
import csv, sys, collections
rows = list(csv.DictReader((l for l in open(sys.argv[1] + "/instances.tsv") if not l.startswith("#")),
                           delimiter="\t"))
gone = [r for r in rows if r["terminate_time_s"] != "NaN"]
assert len(gone) == 2, gone
assert all(r["az"] == "us-east-1a" and r["partition"] == "2" for r in gone), gone
assert all(float(r["terminate_time_s"]) == 21600 for r in gone), gone
live = collections.Counter((r["az"], r["partition"]) for r in rows if r["terminate_time_s"] == "NaN")
assert len(rows) == 14 and all(n == 2 for n in live.values()) and len(live) == 6, live
acts = open(sys.argv[1] + "/activities.tsv").read()
assert acts.count("in response to a EC2 health check indicating it has been terminated or stopped.") >= 4
PY
finish
