# pareto.gp - cost against an SLA figure for every sweep point (means over
# replications), with the Pareto front (no point is both cheaper and better) marked. When the
# sweep counts requests, the SLA figure is the share that missed the objective (over
# LatencyObjective or dropped), in percent on a linear axis, with bars from the lowest to
# the highest replication and the allowed share (1 %, LatencyObjective read as a p99
# objective) as a line; front labels stand upright above their points so they never overlap.
# Input: sweep_pareto.tsv and sweep_front.tsv from `asgsim export`. Run by hand:
#   gnuplot -e "in='DIR'; out='pareto.png'; fmt='png'" plots/pareto.gp
# (in: the directory of the exported tables; fmt: png or svg.)
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'pareto.'.fmt
set encoding utf8
if (fmt eq 'svg') {
    set terminal svg size 1200,600 dynamic enhanced font 'DejaVu Sans,12' background rgb 'white'
} else {
    set terminal pngcairo size 1200,600 enhanced font 'DejaVu Sans,12'
}
set output out
set datafile separator "\t"
all = in.'/sweep_pareto.tsv'
front = in.'/sweep_front.tsv'
header = system(sprintf("sed -n 1p '%s'", all))
yname = word(header, 3)
# the server's name for the share that missed: the new export
if (yname eq "miss_fraction_mean") {
    stats all using (column("objective_miss_fraction")) nooutput
    obj = STATS_max
    nfront = int(system(sprintf("awk 'NR > 1' '%s' | wc -l", front)))
    set title "Cost against requests that missed the objective (late or dropped)" font ',14'
    set xlabel "mean cost over replications (USD)"
    set ylabel "requests that missed the objective (%)"
    set tics nomirror
    set border 3
    set grid xtics ytics lc rgb '#dddddd'
    set key outside below center horizontal Left reverse
    set yrange [0:*]
    set offsets graph 0.04, graph 0.04, graph 0.08, 0
    # The front, numbered, listed right of the plot: point k's axis values, cost and share.
    list = system(sprintf("awk -F'\t' 'NR > 1 { printf \"%%d  %%s\\n     %%.2f USD, %%.3g %%%% missed\\n\", NR - 1, $5, $2, 100 * $3 }' '%s'", front))
    set rmargin at screen 0.66
    set label 10 "Pareto front (cheapest first):\n".list at screen 0.68, graph 1 left font ',9' noenhanced
    set format y "%g"
    plot all using 2:(100 * column(3)):(100 * column("miss_fraction_min")):(100 * column("miss_fraction_max")) \
             with yerrorbars pt 7 ps 1.1 lc rgb '#1f77b4' title "point: mean, lowest-highest replication", \
         front using 2:(100 * column(3)) with lines lw 2 lc rgb '#ff7f0e' title sprintf("Pareto front (%d points)", nfront), \
         front using 2:(100 * column(3)):(sprintf("%d", $0)) with labels offset 0.9,0.9 font ',10' tc rgb '#a04000' notitle, \
         (obj == obj ? 100 * obj : NaN) with lines dt 2 lw 2 lc rgb '#d62728' \
             title (obj == obj ? sprintf("allowed: %g %% of requests", 100 * obj) : "")
    exit
}
# "requests_over_objective_mean" -> "requests_over_objective"
if (strstrt(yname, "_mean") == strlen(yname) - 4) { yname = yname[1:strlen(yname) - 5] }
set title sprintf("Cost against %s, with the Pareto front", yname) font ',14' noenhanced
set xlabel "mean cost over replications (USD)"
set ylabel sprintf("mean %s (lower is better)", yname) noenhanced
set tics nomirror
set border 3
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse
set offsets graph 0.05, graph 0.15, graph 0.1, graph 0.05
plot all using 2:3 with points pt 7 ps 1.3 lc rgb '#1f77b4' title "sweep point", \
     front using 2:3 with linespoints lw 2 pt 6 ps 2.2 lc rgb '#d62728' title "Pareto front", \
     front using 2:3:5 with labels left offset 1.2,0.6 font ',9' tc rgb '#d62728' notitle noenhanced
