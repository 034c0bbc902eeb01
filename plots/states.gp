# states.gp - instances by lifecycle state, stacked over time.
# Input: timeseries.tsv from `asgsim export`. Run by hand:
#   gnuplot -e "in='DIR'; out='states.png'; fmt='png'" plots/states.gp
# (in: the directory of the exported tables; fmt: png or svg.)
if (!exists("in")) in = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'states.'.fmt
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

# The states in stacking order (bottom first), their legend names and colours. A state is
# drawn only when the time series has its column, so states that later models add
# (Pending:Wait, Warmed:*) appear without editing this script: add a word to each list.
states = "in_service pending pending_wait terminating terminating_wait warmed_stopped warmed_running warmed_hibernated"
names  = "InService Pending Pending:Wait Terminating Terminating:Wait Warmed:Stopped Warmed:Running Warmed:Hibernated"
colors = "#74c476 #fdae6b #fdd0a2 #fb6a4a #ff9896 #1f77b4 #aec7e8 #9467bd"
present = ""; pnames = ""; pcolors = ""
do for [i=1:words(states)] {
    if (has(word(states, i))) {
        present = present." ".word(states, i)
        pnames = pnames." ".word(names, i)
        pcolors = pcolors." ".word(colors, i)
    }
}
n = words(present)
# Top of layer k: the sum of the layers up to k.
top(k) = sum [j=1:k] column(word(present, j))

stats ts using (top(n)) nooutput
set yrange [0:STATS_max * 1.15 + 1]
# Instances come whole: no 0.5 ticks on small groups.
if (STATS_max < 10) { set ytics 1 }
set xlabel (tunit == 3600.0 ? "time since start (h)" : "time since start (min)")
set xrange [0:tmax / tunit]
set xtics nomirror
set ytics nomirror
set border 3
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse samplen 3 spacing 1.2 width 1
set title "Instances by lifecycle state (stacked)" font ',14'
set ylabel "instances"
# A border in the fill colour hides the seams between adjacent step rectangles.
set style fill solid 1.0 border
# Each sample holds from its time on, so the layers are drawn as filled steps, the
# highest sum first and each lower one over it.
plot for [k=n:1:-1] ts using (t(0)):(top(k)) with fillsteps lc rgb word(pcolors, k) title word(pnames, k) noenhanced
