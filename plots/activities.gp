# activities.gp - scaling activities on the timeline: over desired and in-service capacity,
# a tick in one band for each launch and in another for each termination (and a third for
# any other activity), so that a week of 1,500 activities reads as their density.
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

# The scenario's name and dates on the time axis (timeaxis.gp, beside this script).
here = system(sprintf("dirname '%s'", ARG0))
load here.'/timeaxis.gp'
acts = in.'/activities.tsv'
# Activities by kind, from their descriptions (AWS's words: "Launching a new EC2 instance",
# "Terminating EC2 instance"); a kind that never occurs stays out of the legend.
count(pat) = int(system(sprintf("awk -F'\t' 'NR > 1 && $0 ~ /%s/' '%s' 2>/dev/null | wc -l", pat, acts)))
nlaunch = count("\tLaunching ")
nterm = count("\tTerminating ")
nacts = int(system(sprintf("awk 'NR > 1' '%s' 2>/dev/null | wc -l", acts)))
nother = nacts - nlaunch - nterm
kind(p) = strstrt(strcol("description"), p) == 1
stats ts using (column("max_size")) nooutput
top = STATS_max
# The bands sit above MaxSize: launches highest, then terminations, then the rest.
yl = top * 1.30 + 1.5; yt = top * 1.20 + 1; yo = top * 1.10 + 0.5
set yrange [0:top * 1.38 + 2]
set ytics 0, ystep(top * 1.1 + 1), top * 1.1 + 1 format "%.0f"
set ytics nomirror
set border 3
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse samplen 3 spacing 1.2 width 1
set title titled(sprintf("%d scaling activities: %d launches, %d terminations", nacts, nlaunch, nterm)) font ',14' noenhanced
set ylabel "instances"
eval timeaxis_on
plot \
    ts using (x(0)):(column("max_size")) with steps dt 2 lw 1.5 lc rgb '#d62728' title "MaxSize", \
    ts using (x(0)):(column("min_size")) with steps dt 2 lw 1.5 lc rgb '#1f77b4' title "MinSize", \
    ts using (x(0)):(column("desired_capacity")) with steps lw 6 lc rgb '#ffbb78' title "DesiredCapacity", \
    ts using (x(0)):(column("in_service")) with steps lw 2 lc rgb '#2ca02c' title "InService", \
    (nlaunch > 0 ? acts : ts) using (nlaunch > 0 && kind("Launching") ? xs(column("start_time_s")) : NaN):(yl) \
        with points pt 7 ps 0.5 lc rgb '#2ca02c' title (nlaunch > 0 ? sprintf("launch (%d)", nlaunch) : ""), \
    (nterm > 0 ? acts : ts) using (nterm > 0 && kind("Terminating") ? xs(column("start_time_s")) : NaN):(yt) \
        with points pt 7 ps 0.5 lc rgb '#d62728' title (nterm > 0 ? sprintf("termination (%d)", nterm) : ""), \
    (nother > 0 ? acts : ts) using (nother > 0 && !kind("Launching") && !kind("Terminating") ? xs(column("start_time_s")) : NaN):(yo) \
        with points pt 7 ps 0.5 lc rgb '#9467bd' title (nother > 0 ? sprintf("other activity (%d)", nother) : "")
