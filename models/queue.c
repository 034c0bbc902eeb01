/* The message queue of a queue-driven group: fluid arrivals and processing. */
#include "asgsim/queue.h"

#include "asgsim/banned.h"

double msg_queue_advance(struct msg_queue *q, sim_time now, double arrival_per_s,
                         double capacity_per_s)
{
    double dt = sim_time_to_seconds(now - q->last);
    q->last = now;
    if (dt <= 0)
        return 0;
    double offered = q->visible + arrival_per_s * dt;
    double done = capacity_per_s * dt;
    if (done > offered)
        done = offered;
    q->visible = offered - done;
    return done;
}
