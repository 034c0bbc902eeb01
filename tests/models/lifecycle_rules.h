/*
 * lifecycle_rules.h - the lifecycle transitions AWS allows (ec2-auto-scaling-lifecycle.html,
 * warm-pool-instance-lifecycle.html), written out independently of models/asg.c so that
 * tests can check the model against them. Includes EC2 interrupting a Spot Instance from
 * any running state (Pending -> Terminating) and ReuseOnScaleIn (InService ->
 * Warmed:Pending).
 */
#ifndef ASGSIM_TESTS_LIFECYCLE_RULES_H
#define ASGSIM_TESTS_LIFECYCLE_RULES_H

#include "asgsim/asg.h"

#include <stdbool.h>

static inline bool lifecycle_allowed(int from, int to)
{
    switch (from) {
    case LIFECYCLE_PENDING:
        return to == LIFECYCLE_PENDING_WAIT || to == LIFECYCLE_IN_SERVICE ||
               to == LIFECYCLE_TERMINATING;
    case LIFECYCLE_WARMED_PENDING:
    case LIFECYCLE_WARMED_PENDING_PROCEED:
        return to == LIFECYCLE_WARMED_STOPPED || to == LIFECYCLE_WARMED_RUNNING ||
               to == LIFECYCLE_WARMED_HIBERNATED || to == LIFECYCLE_WARMED_TERMINATING ||
               (from == LIFECYCLE_WARMED_PENDING && to == LIFECYCLE_WARMED_PENDING_WAIT);
    case LIFECYCLE_WARMED_PENDING_WAIT:
        return to == LIFECYCLE_WARMED_PENDING_PROCEED || to == LIFECYCLE_WARMED_TERMINATING;
    case LIFECYCLE_WARMED_TERMINATING:
        return to == LIFECYCLE_WARMED_TERMINATING_WAIT || to == LIFECYCLE_WARMED_TERMINATED;
    case LIFECYCLE_WARMED_TERMINATING_WAIT:
        return to == LIFECYCLE_WARMED_TERMINATING_PROCEED;
    case LIFECYCLE_WARMED_TERMINATING_PROCEED:
        return to == LIFECYCLE_WARMED_TERMINATED;
    case LIFECYCLE_WARMED_STOPPED:
    case LIFECYCLE_WARMED_RUNNING:
    case LIFECYCLE_WARMED_HIBERNATED:
        return to == LIFECYCLE_PENDING || to == LIFECYCLE_WARMED_TERMINATING;
    case LIFECYCLE_PENDING_WAIT:
        return to == LIFECYCLE_PENDING_PROCEED || to == LIFECYCLE_TERMINATING;
    case LIFECYCLE_PENDING_PROCEED:
        return to == LIFECYCLE_IN_SERVICE;
    case LIFECYCLE_IN_SERVICE:
        return to == LIFECYCLE_TERMINATING || to == LIFECYCLE_WARMED_PENDING;
    case LIFECYCLE_TERMINATING:
        return to == LIFECYCLE_TERMINATING_WAIT || to == LIFECYCLE_TERMINATED;
    case LIFECYCLE_TERMINATING_WAIT:
        return to == LIFECYCLE_TERMINATING_PROCEED;
    case LIFECYCLE_TERMINATING_PROCEED:
        return to == LIFECYCLE_TERMINATED;
    default:
        return false;
    }
}

#endif /* ASGSIM_TESTS_LIFECYCLE_RULES_H */
