# pareto.gp - cost against an SLA figure for every sweep point (means over
# replications), with the Pareto front (no point is both cheaper and better) marked.
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
