/* Binding of the scenario's EC2 timing, billing and launch-template storage settings. */
#include "asgsim/ec2.h"
#include "asgsim/ec2_bind.h"
#include "asgsim/util.h"

#include <stdlib.h>
#include <string.h>

#include "asgsim/banned.h"

static const char *const granularity_names[] = { "per-second", "hourly" };

static int bind_type_name(struct bind *b, const struct ynode *map, const char *key,
                          const struct catalog *cat, const char **out)
{
    int rc = bind_string(b, map, key, out);
    if (rc <= 0)
        return rc;
    if (catalog_find(cat, *out))
        return 1;
    const struct ynode *n = NULL;
    bind_get(b, map, key, &n);
    if (catalog_find_unpriced(cat, *out))
        return catalog_unknown(cat, b->d, &n->loc, *out, b->what, NULL);
    const char *hint = catalog_closest(cat, *out);
    if (hint)
        rc = diag_error(b->d, &n->loc, "unknown instance type '%s' in %s (did you mean '%s'?)",
                        *out, b->what, hint);
    else
        rc = diag_error(b->d, &n->loc, "unknown instance type '%s' in %s", *out, b->what);
    return rc;
}

static int bind_ris(struct bind *b, const struct ynode *billing, const struct catalog *cat,
                    struct ec2_config *c)
{
    const struct ynode *list;
    int rc = bind_get(b, billing, "ReservedInstances", &list);
    if (rc <= 0)
        return rc;
    if (list->kind != YNODE_SEQ)
        return diag_error(b->d, &list->loc,
                          "'ReservedInstances' must be a list of {InstanceType, Count, "
                          "UsdPerHour}, got a %s",
                          ynode_kind_name(list->kind));
    int ret = 0;
    c->ris = xcalloc(list->nr ? list->nr : 1, sizeof(*c->ris));
    c->ri_types = xcalloc(list->nr ? list->nr : 1, sizeof(*c->ri_types));
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *item = list->items[i];
        struct bind ib = { b->cfn, b->d, "a ReservedInstances entry" };
        static const char *const used[] = { "InstanceType", "Count", "UsdPerHour" };
        const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
        if ((rc = bind_check_keys(&ib, item, &keys)) < 0) {
            ret = rc;
            continue;
        }
        const char *type = NULL;
        int64_t count = 0;
        double rate = -1;
        if ((rc = bind_type_name(&ib, item, "InstanceType", cat, &type)) == 0)
            rc = bind_missing(&ib, &item->loc, "InstanceType");
        if (rc < 0)
            ret = rc;
        if ((rc = bind_int(&ib, item, "Count", 1, 1000000, &count)) == 0)
            rc = bind_missing(&ib, &item->loc, "Count");
        if (rc < 0)
            ret = rc;
        if ((rc = bind_double(&ib, item, "UsdPerHour", 0, 1e6, &rate)) == 0)
            rc = bind_missing(&ib, &item->loc, "UsdPerHour");
        if (rc < 0)
            ret = rc;
        if (ret < 0)
            continue;
        c->ri_types[c->nr_ris] = xstrdup(type);
        c->ris[c->nr_ris] = (struct billing_ri){ c->ri_types[c->nr_ris], count, rate };
        c->nr_ris++;
    }
    return ret;
}

int ec2_config_bind_billing(struct bind *b, const struct ynode *settings, const struct catalog *cat,
                            int64_t start_epoch_s, struct ec2_config *c)
{
    c->granularity = BILLING_PER_SECOND;
    c->ebs_usd_per_gib_month = 0;
    c->root_volume_gib = 8;
    c->month_hours = billing_month_hours(start_epoch_s);
    const struct ynode *m;
    int rc = bind_map(b, settings, "Billing", &m);
    if (rc <= 0)
        return rc;
    struct bind bb = { b->cfn, b->d, "Billing" };
    static const char *const used[] = { "Granularity", "EbsGiBMonthUsd", "RootVolumeGiB",
                                        "MonthHours",  "SavingsPlan",    "ReservedInstances" };
    const struct bind_keys keys = { BIND_LIST(used), NULL, 0, NULL, 0 };
    int ret = bind_check_keys(&bb, m, &keys);
    if (ret < 0)
        return ret;
    int g = BILLING_PER_SECOND;
    if ((rc = bind_enum(&bb, m, "Granularity", granularity_names, 2, &g)) < 0)
        ret = rc;
    c->granularity = (enum billing_granularity)g;
    if ((rc = bind_double(&bb, m, "EbsGiBMonthUsd", 0, 1000, &c->ebs_usd_per_gib_month)) < 0)
        ret = rc;
    /* gp3 volumes are 1 GiB to 16 TiB (ebs-volume-types) */
    if ((rc = bind_double(&bb, m, "RootVolumeGiB", 1, 16384, &c->root_volume_gib)) < 0)
        ret = rc;
    if ((rc = bind_double(&bb, m, "MonthHours", 1, 744, &c->month_hours)) < 0)
        ret = rc;
    const struct ynode *sp;
    rc = bind_map(&bb, m, "SavingsPlan", &sp);
    if (rc < 0) {
        ret = rc;
    } else if (rc == 1) {
        struct bind sb = { b->cfn, b->d, "SavingsPlan" };
        static const char *const spused[] = { "CommitmentUsdPerHour", "Discount" };
        const struct bind_keys spkeys = { BIND_LIST(spused), NULL, 0, NULL, 0 };
        if ((rc = bind_check_keys(&sb, sp, &spkeys)) < 0) {
            ret = rc;
        } else {
            /* AWS accepts commitments from 0.001 USD/h (CreateSavingsPlan) */
            if ((rc = bind_double(&sb, sp, "CommitmentUsdPerHour", 0.001, 1e6,
                                  &c->sp_commit_usd_per_hour)) == 0)
                rc = bind_missing(&sb, &sp->loc, "CommitmentUsdPerHour");
            if (rc < 0)
                ret = rc;
            if ((rc = bind_double(&sb, sp, "Discount", 0, 0.99, &c->sp_discount)) == 0)
                rc = bind_missing(&sb, &sp->loc, "Discount");
            if (rc < 0)
                ret = rc;
        }
    }
    if ((rc = bind_ris(&bb, m, cat, c)) < 0)
        ret = rc;
    return ret;
}

static int bind_one_timing(struct bind *b, const struct ynode *map, struct ec2_timing *t)
{
    const struct bind_keys keys = { ec2_transition_keys, EC2_T_NR, NULL, 0, NULL, 0 };
    int ret = bind_check_keys(b, map, &keys);
    if (ret < 0)
        return ret;
    for (int i = 0; i < EC2_T_NR; i++) {
        int rc = bind_dist(b, map, ec2_transition_keys[i], &t->t[i]);
        if (rc < 0)
            ret = rc;
    }
    return ret;
}

int ec2_config_bind_timing(struct bind *b, const struct ynode *instances, const struct catalog *cat,
                           struct ec2_config *c)
{
    ec2_timing_defaults(&c->timing);
    const struct ynode *m = NULL;
    int rc = instances ? bind_map(b, instances, "Timing", &m) : 0;
    if (rc <= 0)
        return rc;
    int ret = 0;
    c->timing_given = true;
    /* Default first, so that per-type entries start from it whatever the order. */
    const struct ynode *def;
    if ((rc = bind_map(b, m, "Default", &def)) < 0)
        ret = rc;
    else if (rc == 1) {
        struct bind db = { b->cfn, b->d, "Timing: Default" };
        if ((rc = bind_one_timing(&db, def, &c->timing)) < 0)
            ret = rc;
    }
    c->per_type = xcalloc(m->nr ? m->nr : 1, sizeof(*c->per_type));
    for (size_t i = 0; i < m->nr; i++) {
        const char *name = m->pairs[i].key->scalar;
        if (!strcmp(name, "Default"))
            continue;
        if (!catalog_find(cat, name)) {
            if (catalog_find_unpriced(cat, name)) {
                ret = catalog_unknown(cat, b->d, &m->pairs[i].key->loc, name, "Timing", NULL);
                continue;
            }
            const char *hint = catalog_closest(cat, name);
            ret = hint ? diag_error(b->d, &m->pairs[i].key->loc,
                                    "unknown instance type '%s' in Timing (did you mean '%s'?)",
                                    name, hint)
                       : diag_error(b->d, &m->pairs[i].key->loc,
                                    "unknown instance type '%s' in Timing; use 'Default' or a "
                                    "type from the catalog",
                                    name);
            continue;
        }
        const struct ynode *tm;
        if ((rc = bind_map(b, m, name, &tm)) < 0) {
            ret = rc;
            continue;
        }
        char *what = xasprintf("Timing: %s", name);
        struct bind tb = { b->cfn, b->d, what };
        struct ec2_type_timing *tt = &c->per_type[c->nr_per_type];
        tt->timing = c->timing;
        rc = bind_one_timing(&tb, tm, &tt->timing);
        free(what);
        if (rc < 0) {
            ret = rc;
            continue;
        }
        tt->type = xstrdup(name);
        c->nr_per_type++;
    }
    return ret;
}

static int bind_root_volume(struct bind *b, const struct ynode *data, struct ec2_lt_storage *out)
{
    const struct ynode *list;
    int rc = bind_get(b, data, "BlockDeviceMappings", &list);
    if (rc <= 0)
        return rc;
    if (list->kind != YNODE_SEQ)
        return diag_error(b->d, &list->loc, "'BlockDeviceMappings' must be a list, got a %s",
                          ynode_kind_name(list->kind));
    const struct ynode *root = NULL;
    for (size_t i = 0; i < list->nr; i++) {
        const struct ynode *item = list->items[i];
        if (item->kind != YNODE_MAP || !ynode_get(item, "Ebs"))
            continue;
        const struct ynode *dev = ynode_get(item, "DeviceName");
        bool is_root = dev && dev->scalar &&
                       (!strcmp(dev->scalar, "/dev/xvda") || !strcmp(dev->scalar, "/dev/sda1"));
        if (is_root || !root)
            root = item;
        if (is_root)
            break;
    }
    if (!root)
        return 0;
    const struct ynode *ebs;
    if ((rc = bind_map(b, root, "Ebs", &ebs)) <= 0)
        return rc;
    int ret = 0;
    if ((rc = bind_double(b, ebs, "VolumeSize", 1, 65536, &out->root_volume_gib)) < 0)
        ret = rc;
    if ((rc = bind_bool(b, ebs, "Encrypted", &out->root_encrypted)) < 0)
        ret = rc;
    return ret;
}

int ec2_config_bind_launch_template(struct bind *b, const struct ynode *data,
                                    const struct instance_type *type, double default_root_gib,
                                    struct ec2_lt_storage *out)
{
    memset(out, 0, sizeof(*out));
    int ret = bind_root_volume(b, data, out);
    if (ret > 0)
        ret = 0;
    const struct ynode *h;
    int rc = bind_map(b, data, "HibernationOptions", &h);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return ret;
    if ((rc = bind_bool(b, h, "Configured", &out->hibernation)) < 0)
        return rc;
    if (!out->hibernation || !type)
        return ret;
    const struct ynode_pair *hp = ynode_get_pair(data, "HibernationOptions");
    const struct src_loc *at = hp ? &hp->key->loc : &h->loc;
    double gib = out->root_volume_gib > 0 ? out->root_volume_gib : default_root_gib;
    enum ec2_hibernation_refusal why = ec2_hibernation_check(type, gib, out->root_encrypted);
    if (why == EC2_HIB_RAM_TOO_LARGE)
        return diag_error(b->d, at,
                          "%s: instance type '%s' has %g GiB of RAM, and %s (hibernating-"
                          "prerequisites)",
                          b->what, type->name, type->memory_gib, ec2_hibernation_refusal_text(why));
    if (why == EC2_HIB_ROOT_TOO_SMALL)
        return diag_error(b->d, at, "%s: %s (%g GiB root for %g GiB of RAM)", b->what,
                          ec2_hibernation_refusal_text(why), gib, type->memory_gib);
    if (why != EC2_HIB_OK)
        return diag_error(b->d, at, "%s: %s", b->what, ec2_hibernation_refusal_text(why));
    return ret;
}
