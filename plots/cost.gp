# cost.gp - cost accumulating over the run, stacked by market when the
# time series splits it (cost_on_demand, cost_spot, cost_storage), else the total.
# Input: timeseries.tsv from `asgsim export`. Run by hand:
#   gnuplot -e "in='DIR'; out='cost.png'; fmt='png'" plots/cost.gp
# (in: the directory of the exported tables; fmt: png or svg.)
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'cost.'.fmt
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

# The scenario's name and dates on the time axis (timeaxis.gp, beside this script).
here = system(sprintf("dirname '%s'", ARG0))
load here.'/timeaxis.gp'

parts  = "cost_on_demand_usd cost_spot_usd cost_storage_usd"
names  = "On-Demand Spot storage"
colors = "#1f77b4 #ff7f0e #8c8c8c"
present = ""; pnames = ""; pcolors = ""
do for [i=1:words(parts)] {
    # a market that costs nothing stays out of the legend
    occurs = 0
    if (has(word(parts, i))) {
        stats ts using (column(word(parts, i))) nooutput
        occurs = STATS_max > 0
    }
    if (occurs) {
        present = present." ".word(parts, i)
        pnames = pnames." ".word(names, i)
        pcolors = pcolors." ".word(colors, i)
    }
}
n = words(present)
top(k) = sum [j=1:k] column(word(present, j))

stats ts using (column("cost_usd")) nooutput
total = STATS_max
set yrange [0:total * 1.15 + 0.01]
set ytics nomirror
set border 3
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse samplen 3 spacing 1.2 width 1
set title titled(sprintf("cost accumulating, %.2f USD in all", total)) font ',14' noenhanced
set ylabel "cost since start (USD)"
set style fill solid 0.6 noborder
set label 1 sprintf("%.2f USD", total) at graph 1, first total offset -1,1 right
eval timeaxis_on
if (n > 0) {
    plot for [k=n:1:-1] ts using (x(0)):(top(k)) with filledcurves x1 lc rgb word(pcolors, k) title word(pnames, k), \
         ts using (x(0)):(column("cost_usd")) with lines lw 2 lc rgb '#000000' title "total"
} else {
    plot ts using (x(0)):(column("cost_usd")) with filledcurves x1 lc rgb '#1f77b4' title "cost (all markets)", \
         ts using (x(0)):(column("cost_usd")) with lines lw 2 lc rgb '#08306b' notitle
}
