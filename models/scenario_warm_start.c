/*
 * Binding the warm start settings (scenario.h): WarmStart and StatisticsStart. They are
 * asgsim's, not AWS's: a real group starts empty, but a planner replaying a week wants the
 * week's figures, not those of the first minutes of a group booting into full load.
 */
#include "asgsim/bind.h"
#include "asgsim/scenario.h"
#include "asgsim/yamltree.h"

#include "asgsim/banned.h"

int scenario_bind_warm_start(struct bind *b, const struct ynode *s, struct scenario *sc)
{
    int ret = 0, rc;
    if ((rc = bind_bool(b, s, "WarmStart", &sc->warm_start)) < 0)
        ret = rc;
    rc = bind_duration(b, s, "StatisticsStart", 0, SCENARIO_MAX_DURATION, &sc->statistics_start);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return ret;
    const struct ynode *n = ynode_get(s, "StatisticsStart");
    /* The figures are summed per sample: a start between samples would split one. */
    if (sc->statistics_start % sc->sample_interval)
        return diag_error(b->d, &n->loc,
                          "'StatisticsStart' in %s must be a multiple of SampleInterval (%g s)",
                          b->what, sim_time_to_seconds(sc->sample_interval));
    if (sc->statistics_start >= sc->duration)
        return diag_error(b->d, &n->loc,
                          "'StatisticsStart' in %s must be before the end of the run (Duration "
                          "%g s)",
                          b->what, sim_time_to_seconds(sc->duration));
    return ret;
}
