/* Launch template versions at run time; see launch_template.h. */
#include "asgsim/launch_template.h"

#include "group_int.h"

#include "asgsim/asg.h"

#include "asgsim/banned.h"

static void template_event(struct sim_engine *eng, void *target, const union sim_payload *p);
static const struct sim_event_type template_event_type = { "group.template_version",
                                                           template_event };

void launch_template_init(struct template_state *s)
{
    s->version = 1;
    s->next_change = 0;
    s->timer = 0;
}

void launch_template_start(struct asg_group *g)
{
    struct template_state *s = &g->templates;
    if (s->next_change < g->cfg->nr_template_versions)
        s->timer = sim_schedule_at(g->eng, g->cfg->template_versions[s->next_change].at,
                                   &template_event_type, g, (union sim_payload){ 0 });
}

static void template_event(struct sim_engine *eng, void *target, const union sim_payload *p)
{
    (void)eng;
    (void)p;
    struct asg_group *g = target;
    g->templates.timer = 0;
    g->templates.version = g->cfg->template_versions[g->templates.next_change++].version;
    launch_template_start(g);
}

int64_t launch_template_current(const struct template_state *s)
{
    return s->version;
}

void launch_template_cancel(struct asg_group *g)
{
    group__cancel(g, &g->templates.timer);
}
