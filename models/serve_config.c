/* Binding the serving keys of `Metadata ASGSim::Scenario` (serve.h). */
#include "asgsim/bind.h"
#include "asgsim/serve_bind.h"

#include <string.h>

#include "asgsim/banned.h"

int serve_config_bind(struct bind *b, const struct ynode *settings, struct serve_config *out)
{
    static const char *const fidelities[] = { "fluid", "request" };
    static const char *const lbs[] = { "round-robin", "least-outstanding-requests" };
    memset(out, 0, sizeof(*out));
    out->queue_limit = SERVE_DEFAULT_QUEUE_LIMIT;
    int ret = 0, rc, v = 0;
    if ((rc = bind_enum(b, settings, "Fidelity", fidelities, 2, &v)) < 0)
        ret = rc;
    out->fidelity = (enum serve_fidelity)v;
    v = 0;
    if ((rc = bind_enum(b, settings, "LoadBalancer", lbs, 2, &v)) < 0)
        ret = rc;
    out->lb = (enum serve_lb)v;
    if ((rc = bind_duration(b, settings, "Tick", SIM_MS(1), SIM_DAY(1), &out->tick)) < 0)
        ret = rc;
    if ((rc = bind_int(b, settings, "QueueLimit", 0, INT64_C(1000000000), &out->queue_limit)) < 0)
        ret = rc;
    if ((rc = bind_duration(b, settings, "LatencyObjective", SIM_US(1), SIM_DAY(1),
                            &out->latency_objective)) < 0)
        ret = rc;
    bool queue = false;
    if ((rc = bind_bool(b, settings, "QueueDriven", &queue)) < 0)
        ret = rc;
    else if (rc == 1)
        out->queue_setting = queue ? SERVE_QUEUE_YES : SERVE_QUEUE_NO;
    return ret;
}
