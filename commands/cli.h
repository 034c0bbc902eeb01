/*
 * cli.h - shared pieces of the asgsim command line (private to the executable).
 *
 * Exit codes (sysexits.h where one fits): 0 ok, 2 usage, 65 bad scenario, 66 missing
 * input, 70 internal error, 74 output failure, 130 interrupted (SIGINT), 143 terminated
 * (SIGTERM).
 */
#ifndef ASGSIM_CLI_H
#define ASGSIM_CLI_H

#include "asgsim/sim.h"

#include <stdbool.h>
#include <stdio.h>

enum cli_exit {
    EXIT_OK = 0,
    EXIT_USAGE = 2,
    EXIT_DATAERR = 65,
    EXIT_NOINPUT = 66,
    EXIT_SOFTWARE = 70,
    EXIT_IOERR = 74,
    EXIT_SIGINT = 130,
    EXIT_SIGTERM = 143
};

/** Exit code for a status returned by the library. */
int cli_exit_code(int status);

/** Print "asgsim: error: MSG" and a hint to try --help; \return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** 0 when `region` is in asgsim's Region table, else a usage error naming --region. */
int cli_check_region(const char *cmd, const char *region);

/** Install SIGINT/SIGTERM handlers that only set a flag. */
void cli_catch_signals(void);

/** The signal caught so far (0 when none). */
int cli_caught_signal(void);

/** The flag the handlers set, for run_opts.interrupt_flag (static storage). */
const volatile sig_atomic_t *cli_interrupt_flag(void);

/** argv joined with spaces, arguments with spaces or quotes single-quoted (caller frees). */
char *cli_command_line(int argc, char **argv);

/** Now (or SOURCE_DATE_EPOCH when set, for reproducible files) as "YYYY-MM-DDThh:mm:ssZ". */
void cli_created_utc(char buf[32]);

/** Write `s` as a JSON string literal. */
void cli_json_string(FILE *out, const char *s);

/** Progress line on stderr, only when enabled; rate-limited to 4 updates a second. */
struct cli_progress {
    bool enabled;
    bool shown;
    double last_wall_s;
};

void cli_progress_update(struct cli_progress *p, sim_time now, sim_time end,
                         unsigned long long events);
void cli_progress_done(struct cli_progress *p);

/** --progress WHEN: -1 auto, 0 never, 1 always; -2 when `when` is none of them. */
int cli_parse_progress(const char *when);

int cli_run(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_merge(int argc, char **argv);

/*
 * Sweep internals shared by cli_sweep.c (local workers, output) and cli_sweep_mpi.c (the
 * MPI master/worker driver). A run is numbered point * replications + replication.
 */
struct cli_sweep;
struct sweep_result;

/** Runs this process still has to do, in run order. */
size_t cli_sweep_nr_todo(const struct cli_sweep *sw);
uint64_t cli_sweep_todo(const struct cli_sweep *sw, size_t i);

/** Do run `run` (worker side) and fill *out; out->status is 0 or the run's error. */
void cli_sweep_run_one(struct cli_sweep *sw, uint64_t run, struct sweep_result *out);

/** Keep a finished run's result (master side): journal it and store it. \return 0 or < 0. */
int cli_sweep_collect(struct cli_sweep *sw, const struct sweep_result *r);

/** true when launched by mpirun with MPI support built in (checked from the environment). */
bool cli_sweep_mpi_launched(void);

/** MPI_Init; *rank is this process's rank. \return 0, or < 0 when MPI failed. */
int cli_sweep_mpi_init(int *rank);

/**
 * Rank 0 hands out the runs one at a time and collects results; other ranks run them.
 * \return 0, or the first failed run's status (rank 0).
 */
int cli_sweep_mpi_drive(struct cli_sweep *sw, int rank);

/** MPI_Finalize (when initialised). */
void cli_sweep_mpi_finalize(void);
int cli_export(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_recommend(int argc, char **argv);
int cli_compare(int argc, char **argv);

/** asgsim calibrate: fit CapacityRpsPerVcpu from a CloudWatch history CSV (calibrate.h). */
int cli_calibrate(int argc, char **argv);

/** The directory of the gnuplot scripts (as `plot` finds it), or NULL; caller frees. */
char *cli_plot_scripts_dir(void);

/** Copy SCRIPTS/KIND.gp into DIR. \return an exit code, after printing any error. */
int cli_plot_copy_script(const char *scripts, const char *dir, const char *kind);

/**
 * Run gnuplot ($GNUPLOT, default gnuplot) on DIR/KIND.gp in DIR, writing KIND.FMT.
 * \return 0, 69 when gnuplot cannot be run, 70 when it failed (after printing why).
 */
int cli_plot_gnuplot(const char *dir, const char *kind, const char *fmt);

/** asgsim metrics: the summary metric table (include/asgsim/summary.h) as Markdown. */
int cli_metrics(int argc, char **argv);

struct h5in_file;

/** What cli_export_dir found and wrote (drives which figures `plot` draws). */
struct cli_export_info {
    bool has_run;     /* timeseries.tsv written */
    bool has_latency; /* the time series has latency_* columns */
    bool is_sweep;    /* the file has /sweep/results */
    bool has_heatmap; /* sweep_heatmap.tsv written (two axes or more) */
    bool has_pareto;  /* sweep_pareto.tsv and sweep_front.tsv written (an SLA figure exists) */
    char **groups;    /* several groups: the LOGICAL_IDs written to groups/ID/ (owned) */
    size_t nr_groups;
    bool *group_latency; /* per group: its time series has latency_* columns */
};

/** Free what cli_export_dir() put in `info`. */
void cli_export_info_release(struct cli_export_info *info);

/** Open an asgsim trace or sweep file, printing errors; \return an exit code (66, 65...). */
int cli_open_trace(const char *input, struct h5in_file **f);

/** Export every table of `input` into `dir` (created); \return an exit code. */
int cli_export_dir(const char *input, const char *dir, bool csv, struct cli_export_info *info);

/** "DIR/STEM-suffix" default for an input file: STEM-suffix in the current directory. */
char *cli_default_dir(const char *input, const char *suffix);

/** mkdir -p; prints the error; \return 0 or -1. */
int cli_mkdirs(const char *dir);

/** A number as export writes it: integers plain, others %.6f, NaN as "NaN". */
void cli_put_number(FILE *fp, double v, bool integer);

#endif /* ASGSIM_CLI_H */
