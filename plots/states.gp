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

# The scenario's name and dates on the time axis (timeaxis.gp, beside this script).
here = system(sprintf("dirname '%s'", ARG0))
load here.'/timeaxis.gp'

# The states in stacking order (bottom first), their legend names and colours. A state is
# drawn only when the time series has its column, so states that later models add
# (Pending:Wait, Warmed:*) appear without editing this script: add a word to each list.
states = "in_service pending pending_wait terminating terminating_wait warmed_stopped warmed_running warmed_hibernated"
names  = "InService Pending Pending:Wait Terminating Terminating:Wait Warmed:Stopped Warmed:Running Warmed:Hibernated"
colors = "#74c476 #fdae6b #fdd0a2 #fb6a4a #ff9896 #1f77b4 #aec7e8 #9467bd"
present = ""; pnames = ""; pcolors = ""
do for [i=1:words(states)] {
    # a state that never occurs stays out of the legend
    occurs = 0
    if (has(word(states, i))) {
        stats ts using (column(word(states, i))) nooutput
        occurs = STATS_max > 0
    }
    if (occurs) {
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
set ytics ystep(STATS_max * 1.15 + 1) format "%.0f"
set ytics nomirror
set border 3
set grid xtics ytics lc rgb '#dddddd'
set key outside below center horizontal Left reverse samplen 3 spacing 1.2 width 1
set title titled("instances by lifecycle state (stacked)") font ',14' noenhanced
set ylabel "instances"
# A border in the fill colour hides the seams between adjacent step rectangles.
set style fill solid 1.0 border
# Each sample holds from its time on, so the layers are drawn as filled steps, the
# highest sum first and each lower one over it.
eval timeaxis_on
plot for [k=n:1:-1] ts using (x(0)):(top(k)) with fillsteps lc rgb word(pcolors, k) title word(pnames, k) noenhanced
