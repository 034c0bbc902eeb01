# activities.gp - scaling activities on the timeline: a dashed vertical mark at the
# start of every activity, over desired and in-service capacity.
# Input: timeseries.tsv and activities.tsv from `asgsim export`. Run by hand:
#   gnuplot -e "in='DIR'; out='activities.png'; fmt='png'" plots/activities.gp
# (in: the directory of the exported tables; fmt: png or svg.)
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'activities.'.fmt
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

# Hours on the time axis for long runs, minutes for short ones.
stats ts using (column("time_s")) nooutput
tmax = STATS_max
tunit = tmax > 3 * 3600 ? 3600.0 : 60.0
t(c) = column("time_s") / tunit
acts = in.'/activities.tsv'
stats ts using (column("max_size")) nooutput
ymax = STATS_max * 1.15 + 1
nacts = int(system(sprintf("awk 'NR > 2' '%s' | wc -l", acts)))
set yrange [0:ymax]
set xlabel (tunit == 3600.0 ? "time since start (h)" : "time since start (min)")
set xrange [0:tmax / tunit]
set xtics nomirror
set ytics nomirror
set border 3
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse samplen 3 spacing 1.2 width 1
# A little room left of zero, so marks at the start are not hidden by the axis.
set xrange [-0.01 * tmax / tunit:tmax / tunit]
set title sprintf("Scaling activities (%d) on the timeline", nacts) font ',14'
set ylabel "instances"
plot \
    ts using (t(0)):(column("max_size")) with steps dt 2 lw 1.5 lc rgb '#d62728' title "MaxSize", \
    ts using (t(0)):(column("min_size")) with steps dt 2 lw 1.5 lc rgb '#1f77b4' title "MinSize", \
    ts using (t(0)):(column("desired_capacity")) with steps lw 6 lc rgb '#ffbb78' title "DesiredCapacity", \
    ts using (t(0)):(column("in_service")) with steps lw 2 lc rgb '#2ca02c' title "InService", \
    (nacts > 0 ? acts : ts) using (nacts > 0 ? column("start_time_s") / tunit : NaN):(0):(0):(ymax) \
        with vectors nohead dt 2 lw 1.5 lc rgb '#9467bd' title "activity start"
