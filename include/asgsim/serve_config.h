/*
 * serve_config.h - how requests are served (fidelity, load balancer, queue), plain data.
 * Bound by serve_bind.h; serve.h says how it acts.
 */
#ifndef ASGSIM_SERVE_CONFIG_H
#define ASGSIM_SERVE_CONFIG_H

#include "asgsim/sim.h"

#include <stdbool.h>
#include <stdint.h>

enum serve_fidelity { SERVE_FLUID, SERVE_REQUEST };

enum serve_lb { SERVE_LB_ROUND_ROBIN, SERVE_LB_LEAST_OUTSTANDING };

/** How requests are served; plain data, bound by serve_config_bind(). */
struct serve_config {
    enum serve_fidelity fidelity;
    enum serve_lb lb;
    sim_time tick;                /* fluid: aggregation step; 0 = the caller's default */
    int64_t queue_limit;          /* waiting requests one instance holds (default 1000) */
    sim_time latency_objective;   /* requests slower than this count as over; 0 = none */
    double capacity_rps_per_vcpu; /* the launch template type's rate of one vCPU, requests/s;
                                     each instance serves at its own (serve_add_rated) */
    /* A queue-driven group (serve.h, queue mode): the load is messages into one FIFO queue
       without a limit; queue_limit and lb do not apply. Fluid fidelity only. */
    bool queue;
    sim_time retention; /* queue: a message older than this is deleted unprocessed; 0: never */

    /* QueueDriven in the settings: whether the group works off a queue, when its scaling
       alone does not say (an alarm on the queue that only notifies) or says wrongly */
    enum serve_queue_setting { SERVE_QUEUE_AUTO, SERVE_QUEUE_YES, SERVE_QUEUE_NO } queue_setting;
};

#define SERVE_DEFAULT_QUEUE_LIMIT 1000

#endif /* ASGSIM_SERVE_CONFIG_H */
