/* The warm pool's size rule; see warm_pool.h for the sources. */
#include "asgsim/warm_pool.h"

#include "asgsim/util.h"

#include "asgsim/banned.h"

const char *const warm_pool_state_names[3] = { "Stopped", "Running", "Hibernated" };

int64_t warm_pool_target(const struct warm_pool_config *wp, int64_t max_size, int64_t desired)
{
    ASG_ASSERT(wp->min_size >= 0 && desired >= 0);
    int64_t prepared =
            wp->max_group_prepared_capacity >= 0 ? wp->max_group_prepared_capacity : max_size;
    /* "If desired > MaxGroupPreparedCapacity, the pool size is 0 unless MinSize is set." */
    int64_t size = prepared > desired ? prepared - desired : 0;
    return size > wp->min_size ? size : wp->min_size;
}
