/* How a lifecycle action ends under the hook's timeouts; see lifecycle.h for the sources. */
#include "asgsim/lifecycle.h"

#include "asgsim/util.h"

#include "asgsim/banned.h"

const char *const lifecycle_transition_names[2] = { "autoscaling:EC2_INSTANCE_LAUNCHING",
                                                    "autoscaling:EC2_INSTANCE_TERMINATING" };
const char *const lifecycle_result_names[2] = { "CONTINUE", "ABANDON" };

sim_time lifecycle_global_timeout(sim_time heartbeat_timeout)
{
    sim_time hundred = 100 * heartbeat_timeout;
    return hundred < LIFECYCLE_GLOBAL_MAX ? hundred : LIFECYCLE_GLOBAL_MAX;
}

struct lifecycle_outcome lifecycle_action_outcome(const struct lifecycle_hook_config *hook,
                                                  sim_time duration, bool fails)
{
    ASG_ASSERT(duration >= 0 && hook->heartbeat_timeout > 0);
    sim_time global = lifecycle_global_timeout(hook->heartbeat_timeout);
    /* Without heartbeats the wait ends at the heartbeat timeout; heartbeats more often than
     * that restart it each time, so only the global timeout remains. (The heartbeat timeout
     * never exceeds the global one: 100 x 7200 s and 48 h are both above 7200 s.) */
    bool kept_alive = hook->heartbeat_every > 0 && hook->heartbeat_every < hook->heartbeat_timeout;
    sim_time deadline = kept_alive ? global : hook->heartbeat_timeout;
    struct lifecycle_outcome o;
    if (duration <= deadline) {
        o.result = fails ? hook->default_result : HOOK_CONTINUE;
        o.elapsed = duration;
        o.timed_out = false;
    } else {
        o.result = hook->default_result;
        o.elapsed = deadline;
        o.timed_out = true;
    }
    return o;
}
