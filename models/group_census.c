/*
 * The counts a scaling policy takes of its group every 10 s (asg_group_census()), kept as
 * instances change state instead of walked over the group at each sample.
 *
 * Warm-up is the one count that changes without an event: an instance stops warming
 * `warmup` after it entered InService. Entries into InService come in time order, so they
 * are logged in a queue, and a watch per warm-up value keeps the position up to which the
 * log has passed its warm-up and the sum of the live entries after it. An instance leaving
 * InService marks its entry dead and is taken out of every watch that still counts it.
 */
#include "group_int.h"

#include "asgsim/asg.h"
#include "asgsim/capacity.h"
#include "asgsim/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

#define CENSUS_MAX_WATCHES 8

static struct census_record *record_at(struct group_census *c, uint64_t seq)
{
    ASG_ASSERT(seq >= c->first_seq && seq < c->next_seq);
    return &c->records[c->head_index + (size_t)(seq - c->first_seq)];
}

/* Drop the records every watch has passed. */
static void trim(struct group_census *c)
{
    uint64_t keep = c->next_seq;
    for (size_t i = 0; i < c->nr_watches; i++)
        if (c->watches[i].head < keep)
            keep = c->watches[i].head;
    size_t drop = (size_t)(keep - c->first_seq);
    if (drop == 0)
        return;
    c->trimmed = true;
    c->head_index += drop;
    c->nr_records -= drop;
    c->first_seq = keep;
    /* Move the rest to the front once the dead part is the larger: O(1) amortised. */
    if (c->head_index > c->nr_records) {
        memmove(c->records, c->records + c->head_index, c->nr_records * sizeof(*c->records));
        c->head_index = 0;
    }
}

static void log_entry(struct group_census *c, struct instance *inst)
{
    if (c->nr_watches == 0) {
        /* Nobody asks about warm-up: keep nothing (a watch made later walks the group). */
        c->trimmed = true;
        inst->census_seq = 0;
        return;
    }
    ALLOC_GROW(c->records, c->head_index + c->nr_records + 1, c->alloc_records);
    c->records[c->head_index + c->nr_records++] =
            (struct census_record){ inst->in_service_at, inst->weight, true };
    inst->census_seq = c->next_seq++;
    for (size_t i = 0; i < c->nr_watches; i++) {
        c->watches[i].warming++;
        c->watches[i].warming_units += inst->weight;
    }
}

static void log_exit(struct group_census *c, struct instance *inst)
{
    uint64_t seq = inst->census_seq;
    if (seq < c->first_seq || seq >= c->next_seq)
        return; /* every watch has passed it, or it was never logged */
    struct census_record *r = record_at(c, seq);
    ASG_ASSERT(r->alive);
    r->alive = false;
    for (size_t i = 0; i < c->nr_watches; i++) {
        if (c->watches[i].head <= seq) {
            c->watches[i].warming--;
            c->watches[i].warming_units -= r->units;
        }
    }
}

/* The entry of `type`, made at its first entry into InService: a group has a few types. */
static void census_type_move(struct group_census *c, const struct instance_type *type, int s)
{
    size_t i = 0;
    while (i < c->nr_types && c->types[i].type != type)
        i++;
    if (i == c->nr_types) {
        ALLOC_GROW(c->types, c->nr_types + 1, c->alloc_types);
        double rps = c->capacity ? capacity_rps_per_vcpu(c->capacity, type->name) : 0;
        c->types[c->nr_types++] = (struct census_type){ type, rps, 0 };
    }
    c->types[i].in_service += s;
    ASG_ASSERT(c->types[i].in_service >= 0);
}

void group__census_move(struct asg_group *g, struct instance *inst, int from, int to)
{
    struct group_census *c = &g->census;
    int64_t w = inst->weight, v = inst->type->vcpus;
    bool was_current = from >= 0 && from <= LIFECYCLE_IN_SERVICE;
    bool is_current = to >= 0 && to <= LIFECYCLE_IN_SERVICE;
    if (was_current != is_current) {
        int s = is_current ? 1 : -1;
        c->current += s;
        c->current_units += s * w;
        if (inst->initial) {
            c->initial += s;
            c->initial_units += s * w;
        }
    }
    bool was_terminating = from >= LIFECYCLE_TERMINATING && from <= LIFECYCLE_TERMINATING_PROCEED;
    bool is_terminating = to >= LIFECYCLE_TERMINATING && to <= LIFECYCLE_TERMINATING_PROCEED;
    if (was_terminating != is_terminating)
        c->terminating_units += is_terminating ? w : -w;
    bool was_in = from == LIFECYCLE_IN_SERVICE, is_in = to == LIFECYCLE_IN_SERVICE;
    if (was_in == is_in)
        return;
    int s = is_in ? 1 : -1;
    c->in_service += s;
    c->in_service_units += s * w;
    c->in_service_vcpus += s * v;
    census_type_move(c, inst->type, s);
    if (inst->initial)
        return; /* never warming */
    c->later_in_service += s;
    c->later_in_service_units += s * w;
    if (is_in)
        log_entry(c, inst);
    else
        log_exit(c, inst);
}

/* The warm-up sums by a walk over the group (policy.c's definition). */
static void walk(const struct asg_group *g, sim_time warmup, sim_time now, int64_t *warming,
                 int64_t *warming_units)
{
    *warming = *warming_units = 0;
    for (size_t i = 0; i < g->nr_live; i++) {
        const struct instance *inst = g->live[i];
        if (!inst->initial && inst->state == LIFECYCLE_IN_SERVICE &&
            now < inst->in_service_at + warmup) {
            (*warming)++;
            *warming_units += inst->weight;
        }
    }
}

static struct census_watch *watch_for(struct group_census *c, sim_time warmup)
{
    for (size_t i = 0; i < c->nr_watches; i++)
        if (c->watches[i].warmup == warmup)
            return &c->watches[i];
    if (c->trimmed || c->nr_watches == CENSUS_MAX_WATCHES)
        return NULL;
    /* Nothing was dropped yet: the log holds every entry into InService so far. */
    c->watches = xrealloc(c->watches, (c->nr_watches + 1) * sizeof(*c->watches));
    struct census_watch *w = &c->watches[c->nr_watches++];
    *w = (struct census_watch){ .warmup = warmup, .head = c->first_seq };
    for (uint64_t s = c->first_seq; s < c->next_seq; s++) {
        const struct census_record *r = record_at(c, s);
        if (r->alive) {
            w->warming++;
            w->warming_units += r->units;
        }
    }
    return w;
}

void asg_group_census(struct asg_group *g, sim_time warmup, sim_time now, struct asg_census *out)
{
    struct group_census *c = &g->census;
    int64_t warming, warming_units;
    struct census_watch *w = watch_for(c, warmup);
    if (w) {
        /* Entries whose warm-up has ended by now: `now < at + warmup` no longer holds. */
        while (w->head < c->next_seq) {
            const struct census_record *r = record_at(c, w->head);
            if (now < r->at + warmup)
                break;
            if (r->alive) {
                w->warming--;
                w->warming_units -= r->units;
            }
            w->head++;
        }
        trim(c);
        warming = w->warming;
        warming_units = w->warming_units;
    } else {
        walk(g, warmup, now, &warming, &warming_units);
    }
    int64_t ready = c->initial + c->later_in_service - warming;
    *out = (struct asg_census){
        .in_service = c->in_service,
        .in_service_units = c->in_service_units,
        .in_service_vcpus = c->in_service_vcpus,
        .reporting = c->in_service - warming,
        .reporting_units = c->in_service_units - warming_units,
        .current_units = c->current_units,
        .ready_units = c->initial_units + c->later_in_service_units - warming_units,
        .not_ready = c->current - ready,
        .terminating_units = c->terminating_units,
        .types = c->types,
        .nr_types = c->nr_types,
    };
}

void asg_group_set_capacity(struct asg_group *g, const struct capacity_config *c)
{
    ASG_ASSERT(g->census.nr_types == 0);
    g->census.capacity = c;
}

/* Whether an earlier entry InService has t[i]'s rate (its vCPUs were summed there). */
static bool rate_summed(const struct census_type *t, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (t[j].in_service && t[j].rps_per_vcpu == t[i].rps_per_vcpu)
            return true;
    return false;
}

double asg_fleet_capacity_rps(const struct census_type *t, size_t n)
{
    double cap = 0;
    for (size_t i = 0; i < n; i++) {
        if (!t[i].in_service || rate_summed(t, i))
            continue;
        int64_t vcpus = 0;
        for (size_t j = i; j < n; j++)
            if (t[j].rps_per_vcpu == t[i].rps_per_vcpu)
                vcpus += t[j].in_service * t[j].type->vcpus;
        cap += (double)vcpus * t[i].rps_per_vcpu;
    }
    return cap;
}

double asg_fleet_cpu_pct(const struct census_type *t, size_t n, double work_rps, double cap_pct,
                         bool equal_shares)
{
    double cap = asg_fleet_capacity_rps(t, n);
    if (!(cap > 0))
        return 0;
    /* instances of one capacity: the average is the pooled figure (the same double as
       before types were rated apart) */
    bool uniform = true;
    double first = -1;
    int64_t nr = 0;
    for (size_t i = 0; i < n; i++) {
        if (!t[i].in_service)
            continue;
        double c = (double)t[i].type->vcpus * t[i].rps_per_vcpu;
        if (first < 0)
            first = c;
        uniform = uniform && c == first;
        nr += t[i].in_service;
    }
    if (!equal_shares || uniform)
        return fmin(cap_pct, 100.0 * work_rps / cap);
    double share = work_rps / (double)nr, sum = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].in_service)
            sum += (double)t[i].in_service *
                   fmin(cap_pct, 100.0 * share / ((double)t[i].type->vcpus * t[i].rps_per_vcpu));
    return sum / (double)nr;
}

void group__census_release(struct asg_group *g)
{
    free(g->census.records);
    free(g->census.watches);
    free(g->census.types);
    memset(&g->census, 0, sizeof(g->census));
}
