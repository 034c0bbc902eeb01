#!/usr/bin/env bash
# Figures a planner can read (issue 18), checked in their SVG text: the scenario's name in
# the titles, dates from StartTime on the time axes, legends that list only what occurs, no
# objective line without an objective, activities counted by kind.
. "$(dirname "$0")/lib.sh"
WC=$SRCDIR/scenarios/worldcup98-week.yaml
check "run" expect_exit 0 "$ASGSIM" run "$WC" -o "$WORK/wc.h5" -q
check "plot svg" expect_exit 0 "$ASGSIM" plot "$WORK/wc.h5" -o "$WORK/figs" --format svg -q
for k in capacity states cost latency activities; do
    check "$k: the scenario's name in the title" grep -q "worldcup98-week: " "$WORK/figs/$k.svg"
    check "$k: dates on the time axis" grep -q "Thu 25 Jun" "$WORK/figs/$k.svg"
done
check "states: no warm pool state in the legend" bash -c "! grep -q 'Warmed' '$WORK/figs/states.svg'"
check "cost: no Spot or storage in the legend" bash -c "! grep -qE '>(Spot|storage)<' '$WORK/figs/cost.svg'"
check "activities: launches and terminations counted" \
    grep -q "186 scaling activities: 94 launches, 92 terminations" "$WORK/figs/activities.svg"
check "latency: the objective" grep -q ">objective<" "$WORK/figs/latency.svg"
# Without a LatencyObjective there is no objective line.
sed "/LatencyObjective/d; s|Path: .*|Path: $SRCDIR/data/worldcup98/worldcup98-week-1998-06-22.tsv|" "$WC" >"$WORK/noobj.yaml"
check "run without objective" expect_exit 0 "$ASGSIM" run "$WORK/noobj.yaml" --until 6h -o "$WORK/n.h5" -q
check "plot latency" expect_exit 0 "$ASGSIM" plot "$WORK/n.h5" -o "$WORK/n" --kind latency --format svg -q
check "no objective line" bash -c "! grep -q '>objective<' '$WORK/n/latency.svg'"
check "the title says so" grep -q "no objective set" "$WORK/n/latency.svg"
check "hours on a 6-hour axis" grep -q ">03:00<" "$WORK/n/latency.svg"

# Sweep figures: the heatmap crosses out the points that miss the objective (late or
# dropped over 1 %), the Pareto front plots that share on a linear axis with the allowed
# share as a line, and lists its points beside the plot instead of labelling them in place.
sed "s/^Replications: 10 /Replications: 2 /; s|^Scenario: web-basic.yaml|Scenario: $SRCDIR/scenarios/web-basic.yaml|" \
    "$SRCDIR/scenarios/sweep-capacity.yaml" >"$WORK/sweep.yaml"
check "sweep" expect_exit 0 "$ASGSIM" sweep "$WORK/sweep.yaml" -o "$WORK/sweep.h5" -q
check "plot the sweep" expect_exit 0 "$ASGSIM" plot "$WORK/sweep.h5" -o "$WORK/sp" --format svg -q
check "heatmap: misses crossed out" grep -q "crossed out: [1-9][0-9]* of 24 points miss the objective" "$WORK/sp/heatmap.svg"
check "heatmap: how much missed" grep -q "% missed" "$WORK/sp/heatmap.svg"
check "pareto: the allowed share" grep -q "allowed: 1 % of requests" "$WORK/sp/pareto.svg"
check "pareto: the front listed" grep -q "Pareto front (cheapest first):" "$WORK/sp/pareto.svg"
check "pareto: drops count as misses" /usr/bin/python3 - "$WORK/sp" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/sweep_pareto.tsv"), delimiter="\t"))
res = list(csv.DictReader(open(sys.argv[1] + "/sweep_results.tsv"), delimiter="\t"))
for p in rows:
    mine = [r for r in res if r["point"] == p["point"]]
    f = [(float(r["requests_over_objective"]) + float(r["requests_dropped"])) / float(r["requests_arrived"]) for r in mine]
    assert abs(float(p["miss_fraction_mean"]) - sum(f) / len(f)) < 1e-6, p
    assert abs(float(p["miss_fraction_min"]) - min(f)) < 1e-6 and abs(float(p["miss_fraction_max"]) - max(f)) < 1e-6
    assert "LatencyObjective" not in p["label"]  # a fixed axis is not worth a label
PY
finish
