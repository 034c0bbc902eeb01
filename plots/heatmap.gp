# heatmap.gp - a sweep over two axes as a heatmap of the mean cost per cell
# (mean over replications, and over any further axes). Cells are placed by index so
# uneven axis values (Cooldown 60, 120, 300, 600) get equal cells.
# Input: sweep_heatmap.tsv from `asgsim export`. Run by hand:
#   gnuplot -e "in='DIR'; out='heatmap.png'; fmt='png'" plots/heatmap.gp
# (in: the directory of the exported tables; fmt: png or svg.)
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'heatmap.'.fmt
set encoding utf8
if (fmt eq 'svg') {
    set terminal svg size 1200,600 dynamic enhanced font 'DejaVu Sans,12' background rgb 'white'
} else {
    set terminal pngcairo size 1200,600 enhanced font 'DejaVu Sans,12'
}
set output out
set datafile separator "\t"
hm = in.'/sweep_heatmap.tsv'
header = system(sprintf("sed -n 1p '%s'", hm))
xname = word(header, 3); yname = word(header, 4); zname = word(header, 5)
set title sprintf("Mean cost by %s and %s", xname, yname) font ',14' noenhanced
set xlabel xname noenhanced
set ylabel yname noenhanced
set cblabel "mean cost over replications (USD)"
set palette defined (0 '#f7fbff', 0.5 '#6baed6', 1 '#08306b')
set tics out nomirror
set border 3
set rmargin 16
unset key
# Values sit in small white boxes so they stay readable on dark cells.
set style textbox opaque fc rgb 'white' noborder margins 2,1
stats hm using 1:2 nooutput
set xrange [-0.5:STATS_max_x + 0.5]
set yrange [-0.5:STATS_max_y + 0.5]
# A cell whose mean share of requests that missed the objective (late or dropped) is above
# the allowed share (the sweep's LatencyObjective as a p99 objective: 1 %) is crossed out and
# says how much missed; without an objective no cell is marked.
objtext = system(sprintf("awk -F'\t' 'NR == 2 && NF >= 7 { print $7 }' '%s'", hm))
obj = (objtext eq "" || objtext eq "NaN") ? NaN : real(objtext)
miss(d) = obj == obj && column("miss_fraction_mean") > obj
nmiss = 0
if (obj == obj) {
    stats hm using (miss(0) ? 1 : 0) nooutput
    nmiss = int(STATS_sum)
    set title sprintf("Mean cost by %s and %s\ncrossed out: %d of %d points miss the objective (over %g %% of requests late or dropped)", xname, yname, nmiss, STATS_records, 100 * obj) font ',13' noenhanced
}
plot hm using 1:2:5:xtic(3):ytic(4) with image, \
     hm using ($1 - 0.5):($2 - 0.5):(miss(0) ? 1 : NaN):(1) with vectors nohead lw 2 lc rgb '#d62728' notitle, \
     hm using ($1 - 0.5):($2 + 0.5):(miss(0) ? 1 : NaN):(-1) with vectors nohead lw 2 lc rgb '#d62728' notitle, \
     hm using 1:2:(miss(0) ? sprintf("%.2f\n%.3g %% missed", $5, 100 * column("miss_fraction_mean")) : sprintf("%.2f", $5)) \
        with labels boxed font ',11' tc rgb '#222222'
