/*
 * policy.h - dynamic scaling (simple, step and target tracking policies driven by
 * CloudWatch alarms) and scheduled actions for one Auto Scaling group.
 *
 * struct autoscaler samples the group into CloudWatch every CW_SAMPLE_STEP, evaluates
 * every alarm each minute, invokes the policies of alarms in ALARM once per minute
 * (Auto Scaling actions repeat while the alarm stays in the state, AlarmThatSendsEmail),
 * and runs scheduled actions at their times. Each change of desired capacity goes through
 * asg_group_set_desired() with AWS's cause.
 *
 * Ownership: configs are plain data owned by struct scenario; the autoscaler borrows them
 * and the group, and owns its CloudWatch store and the target-tracking alarms it creates.
 */
#ifndef ASGSIM_POLICY_H
#define ASGSIM_POLICY_H

#include "asgsim/cloudwatch.h"
#include "asgsim/diag.h"
#include "asgsim/policy_config.h"
#include "asgsim/queue.h"
#include "asgsim/schedule.h"
#include "asgsim/sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asg_group;
struct invocation;
struct predictor;

/**
 * The adjustment in instances of `type` with `amount` at `current` capacity. Percent:
 * results above 1 round down, in (0, 1) become 1, in (-1, 0) become -1, below -1 round
 * towards zero; then MinAdjustmentMagnitude (as-scaling-simple-step). ExactCapacity
 * returns amount - current.
 */
int64_t policy_adjustment(enum adjustment_type type, int64_t amount, int64_t min_magnitude,
                          int64_t current);

/**
 * The step of `p` for a metric `diff` = value - threshold (above the threshold lower bounds
 * are inclusive and upper bounds exclusive; below it the reverse; API_StepAdjustment).
 * \return the step or NULL when none matches.
 */
const struct step_adjustment *policy_find_step(const struct policy_config *p, double diff);

/**
 * Target tracking's new capacity for `current` instances at `metric` with `target`:
 * ceil(current * metric / target), which rounds up when adding and removes only whole
 * instances (as-scaling-target-tracking).
 */
int64_t policy_target_capacity(int64_t current, double metric, double target);

/*
 * The decision log (/decisions): one record per policy invocation, whether it changes
 * capacity or not. Capacities are in capacity units (WeightedCapacity; instances without
 * weights).
 */
enum decision_reason {
    DECISION_CHANGED,                 /* desired capacity changed */
    DECISION_NO_CHANGE,               /* the policy's result is the current desired capacity */
    DECISION_COOLDOWN,                /* simple policy: the cooldown has not expired */
    DECISION_IN_PROGRESS,             /* simple policy: the last activity has not finished */
    DECISION_WARMUP,                  /* scale-in blocked: a scale-out is still warming up */
    DECISION_AT_MIN,                  /* would go below MinSize: clamped, nothing left to remove */
    DECISION_AT_MAX,                  /* would go above MaxSize: clamped, nothing left to add */
    DECISION_SCALE_IN_DISABLED,       /* target tracking with DisableScaleIn */
    DECISION_OTHER_POLICY_WANTS_MORE, /* another policy proposed a larger capacity */
    DECISION_SCALE_IN_OVERSHOOT,      /* removing a unit would bring the metric above target */
    DECISION_NO_STEP,                 /* no step adjustment matches the metric */
    DECISION_NO_DATA,                 /* the alarm has no datapoint to compute from */
    DECISION_SUSPENDED,               /* a suspended process (not produced: asgsim models none) */
    DECISION_NR
};

/** "changed", "no-change", "cooldown", ... (the names of /decisions/reason). */
extern const char *const decision_reason_names[DECISION_NR];

struct policy_decision {
    sim_time time;
    const char *policy;        /* policy logical id, or the scheduled action's */
    const char *kind;          /* "SimpleScaling", "StepScaling", "TargetTrackingScaling",
                                  "ScheduledAction" */
    const char *alarm;         /* alarm name; "" for a scheduled action */
    int alarm_state;           /* enum cw_alarm_state; -1 for a scheduled action */
    double metric_value;       /* the value the policy computed with; NaN when none */
    sim_time metric_from;      /* start of the oldest datapoint used; -1 when none */
    sim_time metric_to;        /* end of the newest datapoint used; -1 when none */
    const char *metric_values; /* every datapoint used, "start_s=value" newest first; "" */
    double measured_capacity;  /* units reporting during metric_from..metric_to; NaN */
    int64_t current_capacity;  /* units Pending or InService (desired's counterpart) */
    int64_t ready_capacity;    /* units InService and past their warm-up */
    const char *formula;       /* the computation in words, e.g. "ceil(30 * 16.67 / 50) = 10" */
    int64_t result;            /* the capacity the formula gives, before clamping */
    int64_t desired_before;
    int64_t desired_after; /* after this invocation (the winner of the minute applied) */
    enum decision_reason reason;
};

/** Where the autoscaler reports its decisions; `decided` may be NULL. */
struct autoscaler_observer {
    void *ctx;
    void (*decided)(void *ctx, const struct policy_decision *d); /* d borrowed for the call */
};

/**
 * Record, through autoscaler_record_serving(), the serving of every interval that ends at or
 * before `now` and is not recorded yet.
 */
typedef void autoscaler_serving_fn(void *ctx, sim_time now);

struct autoscaler {
    const struct scaling_config *cfg;
    struct asg_group *g;
    struct sim_engine *eng;
    int64_t start_epoch_s;
    double capacity_rps_per_vcpu; /* the launch template type's rate (predictive scaling) */
    bool equal_shares;  /* CPU: every instance gets the same share of the load (round robin,
                           the default); else shares follow capacity (asg_fleet_cpu_pct()) */
    double rate_factor; /* share of full speed the instances run at: 1, or a spent burstable
                           instance's baseline (autoscaler_set_rate_factor()) */
    double (*load_rps)(void *ctx, sim_time now); /* offered load, requests/s */
    void *load_ctx;
    struct cloudwatch cw;
    struct cw_alarm_config *tt_alarms; /* 2 per target-tracking policy: high, low (owned) */
    size_t nr_tt_alarms;
    struct cw_alarm *alarms; /* the scenario's, then the target-tracking ones */
    size_t nr_alarms;
    sim_time cooldown_until; /* simple policies: no scaling before */
    bool simple_in_progress; /* a simple policy's activity has not finished yet */
    sim_time simple_cooldown;
    int64_t **sched_times; /* per scheduled action: its firings (epoch s) */
    size_t *nr_sched_times;
    size_t *next_sched;
    sim_event_id tick;
    struct autoscaler_observer obs;
    struct invocation *inv; /* this minute's policy invocations (policy.c) */
    size_t nr_inv, alloc_inv;
    uint64_t nr_decisions;
    uint64_t nr_policy_changes;
    uint64_t nr_scheduled_changes;
    /* predictive scaling (predictive.h, models/predictive.c) */
    struct predictor *pred; /* one per PredictiveScaling policy (owned) */
    size_t nr_pred;
    int64_t forecast_floor; /* the ForecastAndScale policy's capacity this hour; 0: none */
    sim_time end;           /* the run's end */
    /* cfg->queue_driven: where the queue the workload fills is read (NULL: no workload,
       the queue stays empty), and what was processed at the previous sample */
    msg_queue_read_fn *queue_read;
    void *queue_ctx;
    double queue_processed;
    sim_time queue_sampled;
    struct msg_queue_status queue; /* as last sampled */
    double queue_busy_rps;         /* messages processed per second since the sample before */
    /* where the load balancer's metrics are brought up to date before an alarm reads them
       (autoscaler_set_serving); NULL: the run records them at its samples only */
    autoscaler_serving_fn *serving;
    void *serving_ctx;
};

/**
 * Set up and start: the first sample now, alarms each minute, scheduled actions at their
 * times up to `end`. `cfg`, `g` and `eng` are borrowed; `obs` (may be NULL) is copied.
 */
void autoscaler_start(struct autoscaler *a, const struct scaling_config *cfg, struct asg_group *g,
                      struct sim_engine *eng, int64_t start_epoch_s, double capacity_rps_per_vcpu,
                      double (*load_rps)(void *ctx, sim_time now), void *load_ctx, sim_time end,
                      const struct autoscaler_observer *obs);

struct serve_hist;

/**
 * A queue-driven group: read its queue with `read(ctx, ...)` at every sample (ctx borrowed).
 * Call after autoscaler_start, before the simulation runs.
 */
void autoscaler_set_queue(struct autoscaler *a, msg_queue_read_fn *read, void *ctx);

/**
 * Where the serving figures come from: before it evaluates an alarm that reads
 * TargetResponseTime or an HTTPCode_*_5XX_Count (directly or in metric math), the autoscaler
 * calls `fn(ctx, now)` once per instant, so that the alarm reads every interval that has
 * ended (ctx borrowed). Call after autoscaler_start, before the simulation runs.
 */
void autoscaler_set_serving(struct autoscaler *a, autoscaler_serving_fn *fn, void *ctx);

/**
 * The instances run at `f` (0 < f <= 1) of full speed from now on: burstable instances whose
 * credits are spent run at their baseline, and CloudWatch's CPUUtilization shows what they
 * use, never more than f x 100 %.
 */
void autoscaler_set_rate_factor(struct autoscaler *a, double f);

/** How the load balancer shares the load, for the CPU the instances report: `equal` for round
    robin (each InService instance the same share), false for least outstanding requests. */
void autoscaler_set_equal_shares(struct autoscaler *a, bool equal);

/**
 * Record the load balancer's figures of a serving interval that ended at `now`: `served`
 * requests whose response times `latency` holds (borrowed; its sum_s is their total in
 * seconds, its bins give TargetResponseTime percentiles), `dropped` refused ones
 * (HTTPCode_ELB_5XX when `in_service` is 0, no target to send them to; else
 * HTTPCode_Target_5XX), over `interval` (>= 0, for per-minute counts; 0 for what happened
 * at the instant `now` after the interval before it was recorded). The datapoints belong to
 * the period the interval ends in (its last microsecond).
 */
void autoscaler_record_serving(struct autoscaler *a, sim_time now, sim_time interval, double served,
                               const struct serve_hist *latency, double dropped, size_t in_service);

/** Cancel pending events and free; safe on a zeroed struct. */
void autoscaler_release(struct autoscaler *a);

/**
 * The newest published datapoint of metric `m` as an Average over the group (for CW_CPU:
 * ASGAverageCPUUtilization as CloudWatch shows it at `now`), NaN when none is published.
 */
double autoscaler_metric(const struct autoscaler *a, enum cw_metric m, sim_time now);

#endif /* ASGSIM_POLICY_H */
