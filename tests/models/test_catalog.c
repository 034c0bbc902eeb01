/*
 * The shipped instance catalog (issue 17 item 10): the families the issue names, specs,
 * architecture, CPU credits, prices per Region pinned against their sources
 * (data/instance-catalog/README.md), and Spot prices that are never 0.
 */
#include "helpers.h"

#include "asgsim/catalog.h"
#include "asgsim/scenario.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct catalog cat;

static void setup(void)
{
    memset(&cat, 0, sizeof(cat));
    catalog_load_builtin(&cat);
}

static void teardown(void)
{
    catalog_release(&cat);
}

static const struct instance_type *get(const char *name)
{
    const struct instance_type *t = catalog_find(&cat, name);
    ck_assert_msg(t != NULL, "%s is not in the catalog", name);
    return t;
}

static bool has_family(const char *family)
{
    size_t n = strlen(family);
    for (size_t i = 0; i < cat.nr; i++)
        if (!strncmp(cat.items[i].name, family, n) && cat.items[i].name[n] == '.')
            return true;
    return false;
}

START_TEST(test_catalog_lists_the_issue_families)
{
    /* issue 17 item 10: t2, t3, t3a, t4g, m4, m5*, m6*, m7*, c4, c5*, c6*, c7*, r4, r5*, r6*,
       r7*, and storage, GPU and memory families */
    static const char *const families[] = {
        "t2",  "t3",  "t3a", "t4g",  "m4",  "m5",  "m5a",    "m5n",      "m6a", "m6g", "m6i",
        "m7a", "m7g", "m7i", "c4",   "c5",  "c5a", "c5n",    "c6a",      "c6g", "c6i", "c7a",
        "c7g", "c7i", "r4",  "r5",   "r5a", "r6a", "r6g",    "r6i",      "r7a", "r7g", "r7i",
        "i3",  "i4i", "d3",  "g4dn", "g5",  "z1d", "x2iedn", "m7i-flex",
    };
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        ck_assert_msg(has_family(families[i]), "no %s type", families[i]);
    ck_assert_uint_ge(cat.nr, 200);
    ck_assert_uint_eq(cat.nr_regions, 5);
    ck_assert_str_eq(cat.region, "us-east-1");
}

END_TEST

START_TEST(test_catalog_specs_and_architecture)
{
    /* [SPEC1] AWS's Spot Instance Advisor feed: cores (vCPUs) and ram_gb */
    ck_assert_int_eq(get("t2.nano")->vcpus, 1);
    ck_assert_double_eq(get("t2.nano")->memory_gib, 0.5);
    ck_assert_int_eq(get("c4.large")->vcpus, 2);
    ck_assert_double_eq(get("c4.large")->memory_gib, 3.75);
    ck_assert_double_eq(get("r4.large")->memory_gib, 15.25);
    ck_assert_int_eq(get("g4dn.xlarge")->vcpus, 4);
    ck_assert_double_eq(get("z1d.2xlarge")->memory_gib, 64);
    ck_assert_int_eq(get("m7i-flex.4xlarge")->vcpus, 16);
    /* [A1] AWS's naming: 'g' after the generation is Graviton */
    ck_assert_int_eq(get("m7g.large")->arch, ARCH_ARM64);
    ck_assert_int_eq(get("t4g.micro")->arch, ARCH_ARM64);
    ck_assert_int_eq(get("c6gn.xlarge")->arch, ARCH_ARM64);
    ck_assert_int_eq(get("m5.large")->arch, ARCH_X86_64);
    ck_assert_int_eq(get("g4dn.xlarge")->arch, ARCH_X86_64); /* 'g' series, not attribute */
    ck_assert_int_eq(get("c7a.large")->arch, ARCH_X86_64);
}

END_TEST

START_TEST(test_catalog_burstable_credits)
{
    /* [C1] AWS credit table: earned per hour; baseline = credits / vCPUs / 60 */
    ck_assert_double_eq(get("t2.nano")->cpu_credits_per_hour, 3);
    ck_assert_double_eq(get("t2.2xlarge")->cpu_credits_per_hour, 81.6);
    ck_assert_double_eq(get("t3.nano")->cpu_credits_per_hour, 6);
    ck_assert_double_eq(get("t3a.xlarge")->cpu_credits_per_hour, 96);
    ck_assert_double_eq(get("t4g.2xlarge")->cpu_credits_per_hour, 192);
    ck_assert_double_eq_tol(get("t3.large")->cpu_credits_per_hour / 2 / 60, 0.30, 1e-12);
    ck_assert_double_eq_tol(get("t2.xlarge")->cpu_credits_per_hour / 4 / 60, 0.225, 1e-12);
    size_t burstable = 0;
    for (size_t i = 0; i < cat.nr; i++) {
        const struct instance_type *t = &cat.items[i];
        bool is_t = t->name[0] == 't';
        ck_assert_msg(is_t == (t->cpu_credits_per_hour > 0), "%s: credits %g", t->name,
                      t->cpu_credits_per_hour);
        if (is_t) {
            double baseline = t->cpu_credits_per_hour / t->vcpus / 60;
            ck_assert(baseline > 0 && baseline <= 0.4);
            burstable++;
        }
    }
    ck_assert_uint_eq(burstable, 28); /* 7 sizes of t2, t3, t3a, t4g */
}

END_TEST

/* `name`'s On-Demand and Spot prices once the catalog is priced for `region` */
static void priced(const char *region, const char *name, double od)
{
    struct catalog c = { 0 };
    catalog_load_builtin(&c);
    ck_assert(catalog_select_region(&c, region));
    const struct instance_type *t = catalog_find(&c, name);
    ck_assert_msg(t != NULL, "%s not priced in %s", name, region);
    ck_assert_msg(t->on_demand_usd_per_hour == od, "%s in %s: %.6g, want %.6g", name, region,
                  t->on_demand_usd_per_hour, od);
    ck_assert(t->spot_usd_per_hour > 0 && t->spot_usd_per_hour < od);
    catalog_release(&c);
}

START_TEST(test_catalog_prices_per_region)
{
    /* [R1] SkyPilot catalog (AWS Price List), read into data/instance-catalog/regional.tsv */
    priced("us-east-1", "m5.large", 0.096);
    priced("us-west-2", "m5.large", 0.096);
    priced("eu-west-1", "m5.large", 0.107);
    priced("eu-central-1", "m5.large", 0.115);
    priced("ap-southeast-1", "m5.large", 0.12);
    priced("eu-west-1", "t3.small", 0.0228);
    priced("ap-southeast-1", "c7g.xlarge", 0.1666);
    priced("eu-central-1", "r6i.4xlarge", 1.216);
    priced("ap-southeast-1", "g4dn.xlarge", 0.736);
    priced("eu-west-1", "t2.micro", 0.0126);
    priced("eu-central-1", "z1d.2xlarge", 0.9);
    priced("eu-west-1", "m4.large", 0.111); /* listed 0.111; from m4.2xlarge 0.444 */
    priced("ap-southeast-1", "r3.large", 0.2);
    priced("eu-central-1", "m6a.xlarge", 0.207); /* listed 0.207; from m6a.large 0.1035 */
    priced("eu-west-1", "c6a.4xlarge", 0.65664); /* listed 0.65664; from c6a.large */
    priced("eu-west-1", "c7a.4xlarge", 0.88096); /* listed 0.88096; from c7a.large */
    priced("ap-southeast-1", "r6a.large", 0.1368);
    /* other sizes in proportion to the reference type: m5.4xlarge = 8 x m5.large, as [R1]
       lists it (eu-central-1 0.92); t3.xlarge = 8 x t3.small (eu-west-1 0.1824) */
    priced("eu-central-1", "m5.4xlarge", 0.92);
    priced("eu-west-1", "t3.xlarge", 0.1824);
    priced("ap-southeast-1", "c5.xlarge", 0.196);
    /* [R1] rows of the families that were us-east-1 only (issue 17 item 10): each family's
       reference type as listed there */
    priced("eu-west-1", "r5a.large", 0.127);
    priced("ap-southeast-1", "r5a.large", 0.136);
    priced("eu-central-1", "m5n.large", 0.141);
    priced("us-west-2", "c5n.large", 0.108);
    priced("eu-central-1", "r7a.large", 0.18354);
    priced("ap-southeast-1", "x2iedn.xlarge", 1.20881);
    priced("eu-west-1", "i4i.large", 0.189);
    priced("ap-southeast-1", "d3.xlarge", 0.626);
    /* GPU sizes are not priced in proportion: each listed size has its own [R1] row */
    priced("eu-west-1", "g4dn.2xlarge", 0.838);
    priced("ap-southeast-1", "g4dn.4xlarge", 1.685);
    priced("eu-central-1", "g5.2xlarge", 1.5156);
    priced("us-west-2", "g5.4xlarge", 1.624);
    /* derived sizes: reference price x us-east-1 ratio, rounded to 6 decimals (asgsim's rule,
       data/instance-catalog/README.md). r5a.2xlarge in eu-west-1: 0.127 x 0.452 / 0.113 =
       0.508, as [R1] lists it; i4i.4xlarge: 0.189 x 1.373 / 0.172 = 1.508703 where [R1]
       lists 1.514; r7a.medium: 0.17026 x 0.07608 / 0.15215 = 0.085136, [R1] 0.08513 */
    priced("eu-west-1", "r5a.2xlarge", 0.508);
    priced("eu-west-1", "i4i.4xlarge", 1.508703);
    priced("eu-west-1", "r7a.medium", 0.085136);
    /* [OD1] us-east-1, unchanged from the previous catalog */
    ck_assert_double_eq(get("c5.2xlarge")->on_demand_usd_per_hour, 0.34);
    ck_assert_double_eq(get("m4.large")->on_demand_usd_per_hour, 0.1);
    ck_assert_double_eq(get("i4i.large")->on_demand_usd_per_hour, 0.172);
}

END_TEST

START_TEST(test_catalog_unpriced_types_leave_the_region)
{
    /* [R1] lists no ap-southeast-1 row of r7a, g5, m7a or c7a (the "-" of regional.tsv):
       there they are refused, other types keep their price */
    ck_assert(catalog_select_region(&cat, "ap-southeast-1"));
    ck_assert_str_eq(cat.region, "ap-southeast-1");
    static const char *const unpriced[] = { "r7a.large",  "r7a.medium", "g5.xlarge",
                                            "g5.4xlarge", "m7a.large",  "c7a.2xlarge" };
    for (size_t i = 0; i < sizeof(unpriced) / sizeof(unpriced[0]); i++) {
        ck_assert_msg(catalog_find(&cat, unpriced[i]) == NULL, "%s priced", unpriced[i]);
        ck_assert_ptr_nonnull(catalog_find_unpriced(&cat, unpriced[i]));
    }
    ck_assert_ptr_nonnull(catalog_find(&cat, "m4.large"));
    ck_assert_ptr_nonnull(catalog_find(&cat, "g4dn.xlarge"));
    struct diag_list d = { 0 };
    struct src_loc at = { "t.yaml", 3, 7 };
    ck_assert_int_eq(catalog_unknown(&cat, &d, &at, "r7a.large", "LaunchTemplate 'LT'", NULL),
                     ASG_EINVAL);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "has no On-Demand price for ap-southeast-1"));
    diag_list_release(&d);
    /* m7a and c7a are priced in eu-west-1 */
    struct catalog ie = { 0 };
    catalog_load_builtin(&ie);
    ck_assert(catalog_select_region(&ie, "eu-west-1"));
    ck_assert_ptr_nonnull(catalog_find(&ie, "m7a.large"));
    ck_assert_ptr_nonnull(catalog_find(&ie, "c7a.2xlarge"));
    catalog_release(&ie);
    /* a Region without price columns keeps us-east-1's prices */
    struct catalog c = { 0 };
    catalog_load_builtin(&c);
    ck_assert(!catalog_select_region(&c, "us-east-2"));
    ck_assert_str_eq(c.region, "us-east-1");
    ck_assert_double_eq(catalog_find(&c, "m5.large")->on_demand_usd_per_hour, 0.096);
    catalog_release(&c);
}

END_TEST

START_TEST(test_catalog_spot_is_never_zero)
{
    static const char *const regions[] = { "us-east-1", "us-west-2", "eu-west-1", "eu-central-1",
                                           "ap-southeast-1" };
    for (size_t r = 0; r < 5; r++) {
        struct catalog c = { 0 };
        catalog_load_builtin(&c);
        ck_assert(catalog_select_region(&c, regions[r]));
        for (size_t i = 0; i < c.nr; i++)
            ck_assert_msg(c.items[i].spot_usd_per_hour > 0 &&
                                  c.items[i].spot_usd_per_hour < c.items[i].on_demand_usd_per_hour,
                          "%s in %s: Spot %g", c.items[i].name, regions[r],
                          c.items[i].spot_usd_per_hour);
        catalog_release(&c);
    }
    /* us-east-1 keeps the snapshot [S1]; elsewhere the type's own ratio carries over */
    ck_assert_double_eq(get("m5.large")->spot_usd_per_hour, 0.0418);
    struct catalog c = { 0 };
    catalog_load_builtin(&c);
    catalog_select_region(&c, "eu-west-1");
    ck_assert_double_eq_tol(catalog_find(&c, "m5.large")->spot_usd_per_hour, 0.107 * 0.0418 / 0.096,
                            1e-12);
    /* no snapshot: the median ratio of the 46 snapshot types */
    double ratio = catalog_spot_ratio(&c);
    ck_assert_double_eq_tol(ratio, 0.387, 0.001);
    ck_assert_double_eq_tol(catalog_find(&c, "m5a.large")->spot_usd_per_hour, 0.096 * ratio, 1e-12);
    catalog_release(&c);
}

END_TEST

/* A scenario's own type without SpotUsdPerHour: a documented derivation, never 0. */
START_TEST(test_catalog_added_type_gets_a_derived_spot_price)
{
    char *path = test_tmp_path("added-type.yaml");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("AWSTemplateFormatVersion: '2010-09-09'\n"
          "Metadata:\n"
          "  ASGSim::Scenario:\n"
          "    Region: ap-southeast-1\n"
          "    Instances:\n"
          "      Types:\n"
          "        x9.huge: {Vcpus: 64, MemoryGiB: 512, OnDemandUsdPerHour: 5}\n"
          "        r7a.large: {OnDemandUsdPerHour: 0.19}\n"
          "Resources:\n"
          "  LT:\n"
          "    Type: AWS::EC2::LaunchTemplate\n"
          "    Properties:\n"
          "      LaunchTemplateData: {InstanceType: x9.huge}\n"
          "  ASG:\n"
          "    Type: AWS::AutoScaling::AutoScalingGroup\n"
          "    Properties:\n"
          "      MinSize: '1'\n"
          "      MaxSize: '2'\n"
          "      AvailabilityZones: [ap-southeast-1a]\n"
          "      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: !GetAtt "
          "LT.LatestVersionNumber}\n",
          f);
    fclose(f);
    struct scenario sc;
    struct diag_list d = { 0 };
    ck_assert_int_eq(scenario_load(&sc, path, NULL, &d), 0);
    const struct instance_type *x9 = catalog_find(&sc.catalog, "x9.huge");
    double ratio = catalog_spot_ratio(&sc.catalog);
    ck_assert(ratio > 0);
    ck_assert_double_eq_tol(x9->spot_usd_per_hour, 5 * ratio, 1e-12);
    /* listed without an ap-southeast-1 price ([R1] has no row there): the settings' price,
       its size from the catalog */
    const struct instance_type *r7a = catalog_find(&sc.catalog, "r7a.large");
    ck_assert_double_eq(r7a->on_demand_usd_per_hour, 0.19);
    ck_assert_int_eq(r7a->vcpus, 2);
    ck_assert(r7a->spot_usd_per_hour > 0);
    size_t warned = 0;
    for (size_t i = 0; i < d.nr; i++)
        warned += strstr(d.items[i].msg, "has no SpotUsdPerHour") != NULL;
    ck_assert_uint_eq(warned, 2);
    scenario_release(&sc);
    diag_list_release(&d);
    free(path);
}

END_TEST

Suite *catalog_suite(void);

Suite *catalog_suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *tc = tcase_create("shipped");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_catalog_lists_the_issue_families);
    tcase_add_test(tc, test_catalog_specs_and_architecture);
    tcase_add_test(tc, test_catalog_burstable_credits);
    tcase_add_test(tc, test_catalog_prices_per_region);
    tcase_add_test(tc, test_catalog_unpriced_types_leave_the_region);
    tcase_add_test(tc, test_catalog_spot_is_never_zero);
    tcase_add_test(tc, test_catalog_added_type_gets_a_derived_spot_price);
    suite_add_tcase(s, tc);
    return s;
}
