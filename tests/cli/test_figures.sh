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
finish
