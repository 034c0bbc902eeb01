/* Lifecycle hooks: how an action ends under its hook's timeouts, and the waits of a group's
   instances; see lifecycle.h for the sources. */
#include "asgsim/lifecycle.h"

#include "group_int.h"

#include "asgsim/asg.h"
#include "asgsim/util.h"

#include <gsl/gsl_rng.h>

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

static void hook_done(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type hook_done_event = { "instance.hook_done", hook_done };

void lifecycle_hooks_init(struct hook_state *s, size_t nr_hooks, struct rng_set *rngs)
{
    if (nr_hooks > 0)
        s->rng = rng_set_stream(rngs, "lifecycle-hooks");
}

bool lifecycle_hooks_has(const struct asg_config *cfg, enum hook_transition t)
{
    for (size_t i = 0; i < cfg->nr_hooks; i++)
        if (cfg->hooks[i].transition == t)
            return true;
    return false;
}

/*
 * All actions start together; the wait ends when the last completes, or at the earliest
 * ABANDON, which stops the remaining actions (lifecycle-hooks.html). Each action's end
 * under its hook's heartbeat and global timeouts comes from lifecycle_action_outcome().
 */
void lifecycle_hooks_start(struct asg_group *g, struct instance *inst, enum hook_transition t)
{
    sim_time end = 0, abandon_at = -1;
    bool timed_out = false, abandon_timed_out = false;
    for (size_t i = 0; i < g->cfg->nr_hooks; i++) {
        const struct lifecycle_hook_config *h = &g->cfg->hooks[i];
        if (h->transition != t)
            continue;
        sim_time d = dist_sample_time(&h->action_duration, g->hooks.rng);
        bool fails = h->failure_probability > 0 &&
                     gsl_rng_uniform(g->hooks.rng) < h->failure_probability;
        struct lifecycle_outcome o = lifecycle_action_outcome(h, d, fails);
        if (o.result == HOOK_ABANDON) {
            if (abandon_at < 0 || o.elapsed < abandon_at) {
                abandon_at = o.elapsed;
                abandon_timed_out = o.timed_out;
            }
        } else if (o.elapsed >= end) {
            end = o.elapsed;
            timed_out = o.timed_out;
        }
    }
    inst->hooks.transition = t;
    union sim_payload p = { .i = HOOK_CONTINUE };
    if (abandon_at >= 0) {
        end = abandon_at;
        timed_out = abandon_timed_out;
        p.i = HOOK_ABANDON;
    }
    if (timed_out)
        p.i |= 2;
    inst->hooks.timer = sim_schedule(g->eng, end, &hook_done_event, inst, p);
}

void lifecycle_hooks_cancel(struct asg_group *g, struct instance *inst)
{
    group__cancel(g, &inst->hooks.timer);
}

static void hook_done(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    struct instance *inst = target;
    struct asg_group *g = inst->group;
    inst->hooks.timer = 0;
    enum hook_result r = (enum hook_result)(p->i & 1);
    bool timed_out = (p->i & 2) != 0;
    g->hooks.nr_actions++;
    g->hooks.nr_timeouts += timed_out;
    inst->hooks.timed_out = timed_out;
    if (r == HOOK_ABANDON && inst->hooks.transition == HOOK_LAUNCHING) {
        g->hooks.nr_launches_abandoned++;
        inst->hooks.launch_abandoned = true;
    }
    const char *cause = r == HOOK_ABANDON ? (timed_out ? "hook timeout: ABANDON" : "ABANDON")
                                          : (timed_out ? "hook timeout: CONTINUE" : "CONTINUE");
    group__hook_done(g, inst, r, cause);
}
