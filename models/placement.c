/* Placement groups: where a launch may go and which partition it lands in. */
#include "asgsim/placement.h"

#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

const char *const placement_strategy_names[3] = { "cluster", "partition", "spread" };

static size_t columns(const struct placement_config *cfg)
{
    return cfg->strategy == PLACEMENT_PARTITION ? (size_t)cfg->partition_count : 1;
}

void placement_init(struct placement_state *s, const struct placement_config *cfg, size_t nr_azs)
{
    ASG_ASSERT(cfg->strategy != PLACEMENT_PARTITION ||
               (cfg->partition_count >= 1 && cfg->partition_count <= PLACEMENT_MAX_PARTITIONS));
    s->cfg = cfg;
    s->nr_azs = nr_azs;
    s->count = xcalloc(nr_azs * columns(cfg), sizeof(*s->count));
}

void placement_release(struct placement_state *s)
{
    free(s->count);
    s->count = NULL;
}

int placement_place(struct placement_state *s, size_t az, const char *instance_type, int *partition,
                    const char **error)
{
    ASG_ASSERT(az < s->nr_azs);
    size_t cols = columns(s->cfg);
    size_t *row = &s->count[az * cols];
    switch (s->cfg->strategy) {
    case PLACEMENT_CLUSTER:
        if (!strncmp(instance_type, "t", 1) && strchr(instance_type, '.') &&
            strchr(instance_type, '.') - instance_type <= 3) {
            /* Burstable types (t2, t3, t3a, t4g) cannot join a cluster placement group. */
            *error = "Placement groups may not be used with instances of type burstable "
                     "performance (T). Launching EC2 instance failed.";
            return -1;
        }
        *partition = 0;
        break;
    case PLACEMENT_SPREAD:
        if (row[0] >= PLACEMENT_SPREAD_MAX_PER_AZ) {
            *error = "A spread placement group can have a maximum of seven running instances "
                     "per Availability Zone. Launching EC2 instance failed.";
            return -1;
        }
        *partition = 0;
        break;
    case PLACEMENT_PARTITION: {
        /* EC2 "tries to distribute the instances evenly": the emptiest, lowest-numbered. */
        size_t best = 0;
        for (size_t p = 1; p < cols; p++)
            if (row[p] < row[best])
                best = p;
        *partition = (int)best;
        break;
    }
    }
    row[*partition]++;
    return 0;
}

void placement_remove(struct placement_state *s, size_t az, int partition)
{
    size_t *c = &s->count[az * columns(s->cfg) + (size_t)partition];
    ASG_ASSERT(*c > 0);
    (*c)--;
}

size_t placement_count(const struct placement_state *s, size_t az, int partition)
{
    return s->count[az * columns(s->cfg) + (size_t)partition];
}

void placement_instance_init(struct instance_placement *ip)
{
    *ip = (struct instance_placement){ .partition = -1, .placed = false };
}

int placement_place_instance(struct placement_state *s, size_t az, const char *instance_type,
                             struct instance_placement *ip, const char **error)
{
    int rc = placement_place(s, az, instance_type, &ip->partition, error);
    ip->placed = rc == 0;
    return rc;
}

void placement_release_instance(struct placement_state *s, size_t az, struct instance_placement *ip)
{
    if (!ip->placed)
        return;
    placement_remove(s, az, ip->partition);
    ip->placed = false;
}

int placement_instance_partition(const struct instance_placement *ip)
{
    return ip->partition;
}
