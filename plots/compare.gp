# compare.gp - two or more runs overlaid: InService capacity, cost so far and p99 latency
# over time, one colour per run, one panel per figure (the latency panel only when every
# run has a latency_p99_s column).
# Input: compare_runs.tsv (one line per run: its directory of exported tables and a label)
# as `asgsim compare` writes it. Run by hand:
#   gnuplot -e "in='DIR'; out='compare.png'; fmt='png'" plots/compare.gp
# (in: the directory holding compare_runs.tsv; fmt: png or svg.)
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'compare.'.fmt
set encoding utf8
if (fmt eq 'svg') {
    set terminal svg size 1200,1000 dynamic enhanced font 'DejaVu Sans,12' background rgb 'white'
} else {
    set terminal pngcairo size 1200,1000 enhanced font 'DejaVu Sans,12'
}
set output out
set datafile separator "\t"
list = in.'/compare_runs.tsv'
dirs = system(sprintf("cut -f1 '%s'", list))
labels = system(sprintf("cut -f2 '%s'", list))
n = words(dirs)
if (n < 1) { print "compare.gp: no run listed in ".list; exit status 1 }
ts(i) = in.'/'.word(dirs, i).'/timeseries.tsv'

# Hours on the time axis for long runs, minutes for short ones; the longest run sets it.
tmax = 0
do for [i=1:n] {
    stats ts(i) using (column("time_s")) nooutput
    if (STATS_max > tmax) { tmax = STATS_max }
}
tunit = tmax > 3 * 3600 ? 3600.0 : 60.0
t(c) = column("time_s") / tunit

# Latency panel only when every run has a p99 column.
lat = 1
do for [i=1:n] {
    h = system(sprintf("sed -n 2p '%s'", ts(i)))
    if (strstrt("\t".h."\t", "\tlatency_p99_s\t") == 0) { lat = 0 }
}
panels = lat ? 3 : 2

set xrange [0:tmax / tunit]
set xtics nomirror
set ytics nomirror
set border 3
set grid xtics ytics lc rgb '#dddddd'
set key outside right top vertical Left reverse samplen 3 spacing 1.1 noenhanced
set lmargin 12
set multiplot layout panels,1 title "Runs compared" font ',14'

set title "InService capacity" font ',12'
set ylabel "instances"
set yrange [0:*]
unset xlabel
plot for [i=1:n] ts(i) using (t(0)):(column("in_service")) with steps lw 2 title word(labels, i)

set title "Cost so far (usage at list prices, cost_usd)" font ",12" noenhanced
set ylabel "USD"
if (!lat) { set xlabel (tunit == 3600.0 ? "time since start (h)" : "time since start (min)") }
plot for [i=1:n] ts(i) using (t(0)):(column("cost_usd")) with lines lw 2 title word(labels, i)

if (lat) {
    set title "p99 latency per sample interval" font ',12'
    set ylabel "latency (s)"
    set xlabel (tunit == 3600.0 ? "time since start (h)" : "time since start (min)")
    plot for [i=1:n] ts(i) using (t(0)):(column("latency_p99_s")) with lines lw 2 title word(labels, i)
}
unset multiplot
