# latency.gp - latency percentiles over time against the objective. Draws every
# latency_p* column of the time series, and the objective (a time-series column whose name
# contains 'objective', else latency_objective from summary.tsv) as a dashed line. `asgsim plot` skips this figure when there is no latency.
# Input: timeseries.tsv from `asgsim export`. Run by hand:
#   gnuplot -e "in='DIR'; out='latency.png'; fmt='png'" plots/latency.gp
# (in: the directory of the exported tables; fmt: png or svg.)
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'latency.'.fmt
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

pcts = ""; objective = ""
do for [i=1:words(header)] {
    w = word(header, i)
    if (strstrt(w, "latency_p") == 1) { pcts = pcts." ".w }
    if (strstrt(w, "objective") > 0) { objective = w }
}
if (words(pcts) == 0) { print "latency.gp: no latency_p* column in ".ts; exit status 1 }
# A run's objective is one number: asgsim writes it to /summary, exported as summary.tsv.
objval = NaN
if (objective eq "") {
    sm = in.'/summary.tsv'
    sh = system(sprintf("sed -n 1p '%s' 2>/dev/null", sm))
    do for [i=1:words(sh)] {
        w = word(sh, i)
        if (strstrt(w, "latency_objective") == 1) {
            stats sm using (column(w)) nooutput
            objval = STATS_max
        }
    }
}
# Unit from the first column's suffix (latency_p99_ms -> ms).
u = word(pcts, 1)
unit = strstrt(u, "_ms") ? "ms" : "s"
set ytics nomirror
set border 3
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse samplen 3 spacing 1.2 width 1
set title titled(objective ne "" || objval > 0 ? "latency percentiles against the objective" : "latency percentiles (no objective set)") font ',14' noenhanced
set ylabel sprintf("latency (%s)", unit)
set yrange [0:*]
label(w) = w[9:strstrt(w[9:], "_") > 0 ? 8 + strstrt(w[9:], "_") - 1 : strlen(w)]
eval timeaxis_on
if (objective ne "") {
    plot for [i=1:words(pcts)] ts using (x(0)):(column(word(pcts, i))) with lines lw 2 title label(word(pcts, i)) noenhanced, \
         ts using (x(0)):(column(objective)) with lines dt 2 lw 2 lc rgb '#d62728' title "objective"
} else {
    # LatencyObjective 0 (or none): no objective, no line
    if (objval == objval && objval > 0) {
        plot for [i=1:words(pcts)] ts using (x(0)):(column(word(pcts, i))) with lines lw 2 title label(word(pcts, i)) noenhanced, \
             objval with lines dt 2 lw 2 lc rgb '#d62728' title "objective"
    } else {
        plot for [i=1:words(pcts)] ts using (x(0)):(column(word(pcts, i))) with lines lw 2 title label(word(pcts, i)) noenhanced
    }
}
