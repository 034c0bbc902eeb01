# forecast.gp - predictive scaling: the actual load, the forecast in force and the capacity.
# Load and forecast (requests/s) on the left axis; InService instances of the run, its
# forecast capacity and, when `base` names a second export (the same scenario without
# predictive scaling acting), that run's InService, on the right axis. `from` and `to` (hours
# since start) pick a window; `rps` (requests/s one instance serves at the policy's target)
# scales the right axis so that capacity and load meet where the target holds.
# Input: timeseries.tsv from `asgsim export` of a run with a PredictiveScaling policy:
#   gnuplot -e "in='DIR'; base='DIR2'; out='forecast.png'; from=0; to=48" plots/forecast.gp
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'forecast.'.fmt
if (!exists("title")) title = 'Predictive scaling: load, forecast and capacity'
set encoding utf8
if (fmt eq 'svg') {
    set terminal svg size 1200,600 dynamic enhanced font 'DejaVu Sans,12' background rgb 'white'
} else {
    set terminal pngcairo size 1200,600 enhanced font 'DejaVu Sans,12'
}
set output out
set datafile separator "\t"
ts = in.'/timeseries.tsv'

stats ts using (column("time_s")) nooutput
if (!exists("from")) from = 0
if (!exists("to")) to = STATS_max / 3600.0
set xrange [from:to]
set xlabel "time since start (h)"
stats ts using (column("load_rps")) nooutput
load_max = STATS_max
stats ts using (column("in_service")) nooutput
cap_max = STATS_max
set yrange [0:load_max * 1.1]
if (!exists("rps")) rps = load_max / cap_max
set y2range [0:load_max * 1.1 / rps]
set ylabel "load (requests/s)"
set y2label "instances"
set ytics nomirror
set y2tics
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse samplen 3 spacing 1.2 width 1
set title title font ',14'

t(c) = column("time_s") / 3600.0
baseplot = ''
if (exists("base")) {
    baseplot = sprintf(", '%s/timeseries.tsv' using (t(0)):(column('in_service')) axes x1y2 with steps lw 2 lc rgb '#9467bd' title 'InService, target tracking alone'", base)
}
# the run without predictive scaling first, so that where both agree the predictive run shows
plot ts using (t(0)):(column("load_rps")) with lines lw 1 lc rgb '#8c8c8c' title "load (requests/s)", \
     ts using (t(0)):(column("forecast_load_rps")) with steps lw 2 lc rgb '#ff7f0e' title "forecast load (requests/s)" @baseplot, \
     ts using (t(0)):(column("forecast_capacity")) axes x1y2 with steps dt 2 lw 2 lc rgb '#d62728' title "forecast capacity", \
     ts using (t(0)):(column("in_service")) axes x1y2 with steps lw 2 lc rgb '#2ca02c' title "InService, with predictive scaling"
