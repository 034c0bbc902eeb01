# timeaxis.gp - loaded by the run figures (capacity, states, cost, latency, activities):
# the scenario's name for titles and dates on the time axis, both from provenance.tsv
# (asgsim export). Needs `in` and `ts` (the timeseries table). Sets tmax (s), t0 (the
# epoch of StartTime, or 0), x(d) (a row's x value: use `using (x(0)):...`), xs(s) (the x
# value of a time in seconds since the start) and titled(s) (s after the scenario's name).
# `stats` refuses time data, so a script says `if (dates) { set xdata time }` (see
# timeaxis_on below) after its last stats and before it plots.
# Without provenance.tsv (tables from an older export) the axis is hours or minutes since
# the start.
prov = in.'/provenance.tsv'
name = system(sprintf("awk -F'\t' '$1 == \"stack_name\" { print $2 }' '%s' 2>/dev/null", prov))
start = system(sprintf("awk -F'\t' '$1 == \"start_time_utc\" { print $2 }' '%s' 2>/dev/null", prov))
stats ts using (column("time_s")) nooutput
tmax = STATS_max
# a group of a stack (asgsim export's DIR/groups/ID/provenance.tsv names it)
group = system(sprintf("awk -F'\t' '$1 == \"group\" { print $2 }' '%s' 2>/dev/null", prov))
if (strlen(group) > 0) { name = name.", group ".group }
titled(s) = strlen(name) > 0 ? name.": ".s : s
if (strlen(start) == 20) {
    t0 = strptime("%Y-%m-%dT%H:%M:%SZ", start)
    tunit = 1.0
    dates = 1
    if (tmax > 2 * 86400) {
        # one tick a day, named; minor ticks every 6 hours
        set format x "%a %d %b"
        set xtics 86400
        set mxtics 4
    } else {
        if (tmax > 6 * 3600) { set format x "%d %b\n%H:%M" } else { set format x "%H:%M" }
    }
    set xlabel sprintf("time (UTC) from StartTime %s", start)
} else {
    t0 = 0
    dates = 0
    tunit = tmax > 3 * 3600 ? 3600.0 : 60.0
    set xlabel (tunit == 3600.0 ? "time since start (h)" : "time since start (min)")
}
xs(s) = t0 + s / tunit
x(d) = xs(column("time_s"))
set xrange [xs(0):xs(tmax)]
set xtics nomirror
# room for the last date label at the right end
if (dates) { set rmargin 7 }
# Instances come whole: integer ticks at a step that leaves a readable number of them.
ystep(top) = top <= 12 ? 1 : top <= 25 ? 2 : top <= 60 ? 5 : top <= 120 ? 10 : top <= 250 ? 20 : 50 * ceil(top / 500.0)
# Call with `eval timeaxis_on` after the last stats: the x axis becomes dates.
timeaxis_on = 'if (dates) { set xdata time; set timefmt "%s" }'
