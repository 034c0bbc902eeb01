# capacity.gp - capacity against load: DesiredCapacity, InService, MinSize and MaxSize as
# steps (each sample holds from its time on), the load on the right axis.
# Input: timeseries.tsv from `asgsim export`. Run by hand:
#   gnuplot -e "in='DIR'; out='capacity.png'; fmt='png'" plots/capacity.gp
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'capacity.'.fmt
set encoding utf8
if (fmt eq 'svg') {
    set terminal svg size 1200,600 dynamic enhanced font 'DejaVu Sans,12' background rgb 'white'
} else {
    set terminal pngcairo size 1200,600 enhanced font 'DejaVu Sans,12'
}
set output out
set datafile separator "\t"
ts = in.'/timeseries.tsv'
header = system(sprintf("sed -n 1p '%s'", ts))
has(c) = strstrt("\t".header."\t", "\t".c."\t") > 0

# Statistics first: `stats` filters by the ranges set later.
load_max = 0
if (has("load_rps")) {
    stats ts using (column("load_rps")) nooutput
    load_max = STATS_max
}

# The scenario's name and dates on the time axis (timeaxis.gp, beside this script).
here = system(sprintf("dirname '%s'", ARG0))
load here.'/timeaxis.gp'
stats ts using (column("max_size")) nooutput
set yrange [0:STATS_max * 1.15 + 1]
set ytics ystep(STATS_max * 1.15 + 1) format "%.0f"

# A group without a workload (an idle group of a stack) has a load of 0 throughout: no load
# line, axis or legend entry then.
loaded = has("load_rps") && load_max > 0
set title titled(loaded ? "capacity against load" : "capacity") font ',14' noenhanced
set ylabel "instances"
set ytics nomirror
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse samplen 3 spacing 1.2 width 1

# The load is drawn only when the time series has some (on the right axis).
loadplot = ''
if (loaded) {
    set y2label "load (requests/s)"
    unset rmargin  # the right axis leaves room for the last date
    set y2tics
    set y2range [0:load_max * 1.15 + 1]
    set border 11
    loadplot = "ts using (x(0)):(column('load_rps')) axes x1y2 with lines lw 1.5 lc rgb '#8c8c8c' title 'load (requests/s, right axis)',"
} else {
    set border 3
}

# DesiredCapacity is drawn wide and pale under InService: they are equal most of the time.
eval timeaxis_on
plot @loadplot \
    ts using (x(0)):(column("max_size")) with steps dt 2 lw 2 lc rgb '#d62728' title "MaxSize", \
    ts using (x(0)):(column("min_size")) with steps dt 2 lw 2 lc rgb '#1f77b4' title "MinSize", \
    ts using (x(0)):(column("desired_capacity")) with steps lw 6 lc rgb '#ffbb78' title "DesiredCapacity", \
    ts using (x(0)):(column("in_service")) with steps lw 2 lc rgb '#2ca02c' title "InService"
