#!/usr/bin/env bash
# scenarios/az-outage.yaml: us-east-1a has no capacity from 2 h to 5 h, so the 3 h scale-out
# lands in the other AZs; at 5 h the group rebalances launch before terminate, exceeding
# MaxSize by one instance at most (auto-scaling-benefits.html), and ends 4 / 4 / 4.
. "$(dirname "$0")/lib.sh"
S=$SRCDIR/scenarios/az-outage.yaml

check "run" expect_exit 0 "$ASGSIM" run "$S" -o "$WORK/run.h5" -q
check "export" expect_exit 0 "$ASGSIM" export "$WORK/run.h5" -o "$WORK/tsv"
check "rebalanced launch before terminate, within MaxSize + 1" /usr/bin/python3 - "$WORK/tsv" <<'PY'
import csv, sys, collections
def table(name):
    return list(csv.DictReader((l for l in open(f"{sys.argv[1]}/{name}.tsv") if not l.startswith("#")),
                               delimiter="\t"))
inst = table("instances")
live = collections.Counter(r["az"] for r in inst if r["terminate_time_s"] == "NaN")
assert live == {"us-east-1a": 4, "us-east-1b": 4, "us-east-1c": 4}, live
# the scale-out at 3 h avoided the AZ without capacity
late = [r for r in inst if 10800 <= float(r["launch_time_s"]) < 18000]
assert len(late) == 6 and all(r["az"] != "us-east-1a" for r in late), late
acts = table("activities")
bal = [a for a in acts if "instances were launched to balance instances in zones us-east-1a" in a["cause"]]
launches = [a for a in bal if a["description"].startswith("Launching")]
ends = [a for a in bal if a["description"].startswith("Terminating")]
assert len(launches) == 2 and len(ends) == 2, bal
# each termination starts only once its launch is InService (launch before terminate)
for l, t in zip(launches, ends):
    assert float(t["start_time_s"]) >= float(l["end_time_s"]) > float(l["start_time_s"]), (l, t)
assert all("shrinking the capacity from 13 to 12" in t["cause"] for t in ends), ends
ts = table("timeseries")
peak = max(int(r["in_service"]) + int(r["pending"]) for r in ts)
assert peak == 13 and all(int(r["max_size"]) == 12 for r in ts), peak
s = table("summary")[0]
assert s["rebalance_launches"] == "2", s["rebalance_launches"]
PY
finish
