/*
 * Attribute-based instance type selection (issue 17 item 6) against the shipped catalog.
 * Rules from AWS's API reference, InstanceRequirements
 * (docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRequirements.html, and the
 * CloudFormation table aws-properties-autoscaling-autoscalinggroup-instancerequirements):
 * types must meet every attribute; BurstablePerformance and BareMetal default to excluded;
 * ExcludedInstanceTypes takes '*' wildcards ("c5*.*", "m5a.*", "r*", "*3*");
 * OnDemandMaxPricePercentageOverLowestPrice defaults to 20 and
 * SpotMaxPricePercentageOverLowestPrice to 100, over the price of the lowest priced current
 * generation C, M or R type that meets the attributes, per vCPU or per MiB when
 * DesiredCapacityType is vcpu or memory-mib. CPU manufacturer from the type name
 * (instance-type-names.html: "a" AMD, "g" AWS Graviton, "i" Intel).
 */
#include "asgsim/instance_requirements.h"

#include <check.h>
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

static const struct mixed_override *find(const struct mixed_policy *m, const char *type)
{
    for (size_t i = 0; i < m->nr_overrides; i++)
        if (!strcmp(m->overrides[i].type, type))
            return &m->overrides[i];
    return NULL;
}

START_TEST(test_instance_requirements_names)
{
    ck_assert_int_eq(instance_type_cpu("m6g.large"), CPU_AWS);
    ck_assert_int_eq(instance_type_cpu("c7gd.xlarge"), CPU_AWS);
    ck_assert_int_eq(instance_type_cpu("a1.large"), CPU_AWS);
    ck_assert_int_eq(instance_type_cpu("m5a.large"), CPU_AMD);
    ck_assert_int_eq(instance_type_cpu("c6i.large"), CPU_INTEL);
    ck_assert_int_eq(instance_type_cpu("m5.large"), CPU_INTEL);
    ck_assert_int_eq(instance_type_cpu("g4dn.xlarge"), CPU_INTEL);
    ck_assert(instance_type_is_burstable("t3.micro"));
    ck_assert(instance_type_is_burstable("t4g.small"));
    ck_assert(!instance_type_is_burstable("m5.large"));
    ck_assert(instance_type_is_bare_metal("m5.metal"));
    ck_assert(instance_type_is_bare_metal("c7i.metal-24xl"));
    ck_assert(!instance_type_is_bare_metal("m5.large"));
    ck_assert(instance_type_is_previous_generation("c3.large"));
    ck_assert(!instance_type_is_previous_generation("c4.large"));
    ck_assert(!instance_type_is_previous_generation("cc.large"));
}

END_TEST

START_TEST(test_instance_requirements_wildcards)
{
    /* AWS's examples for ExcludedInstanceTypes */
    ck_assert(instance_type_pattern_match("c5*.*", "c5.large"));
    ck_assert(instance_type_pattern_match("c5*.*", "c5a.xlarge"));
    ck_assert(!instance_type_pattern_match("c5*.*", "c6i.large"));
    ck_assert(instance_type_pattern_match("m5a.*", "m5a.large"));
    ck_assert(!instance_type_pattern_match("m5a.*", "m5.large"));
    ck_assert(instance_type_pattern_match("r*", "r6g.xlarge"));
    ck_assert(instance_type_pattern_match("*3*", "t3.micro"));
    ck_assert(instance_type_pattern_match("*3*", "m5.2xlarge") == false);
    ck_assert(instance_type_pattern_match("m5.8xlarge", "m5.8xlarge"));
    ck_assert(!instance_type_pattern_match("m5.8xlarge", "m5.8xlarg"));
}

END_TEST

/* tests/corpus/asg-examples-faster-target-tracking.yaml: 2-4 vCPUs, >= 8 GiB, Graviton */
START_TEST(test_instance_requirements_graviton_price_protection)
{
    struct instance_requirements r;
    instance_requirements_init(&r);
    r.vcpu_min = 2;
    r.vcpu_max = 4;
    r.memory_mib_min = 8192;
    r.cpu_manufacturers = 1u << CPU_AWS;
    struct mixed_policy m = { 0 };
    /* m6g, m7g, r6g and r7g large/xlarge, c6g.xlarge, c6gn.xlarge, c7g.xlarge (c6g.large
       has 4 GiB; t4g is burstable, excluded by default) */
    ck_assert_uint_eq(instance_requirements_resolve(&r, &cat, CAPACITY_UNITS, &m), 11);
    ck_assert_uint_eq(m.nr_overrides, 11);
    ck_assert_ptr_nonnull(find(&m, "r7g.large"));
    ck_assert_ptr_nonnull(find(&m, "c6gn.xlarge"));
    ck_assert_ptr_null(find(&m, "t4g.large"));
    ck_assert_ptr_null(find(&m, "c6g.large"));
    /* On-Demand: lowest C/M/R is m6g.large $0.077; +20 % = $0.0924 */
    ck_assert(!find(&m, "m6g.large")->no_on_demand);
    ck_assert(!find(&m, "m7g.large")->no_on_demand); /* $0.0816 */
    ck_assert(find(&m, "r6g.large")->no_on_demand);  /* $0.1008 */
    ck_assert(find(&m, "m6g.xlarge")->no_on_demand);
    /* Spot: lowest $0.0299 (m6g.large, r6g.large); +100 % = $0.0598 */
    ck_assert(!find(&m, "r6g.large")->no_spot);
    ck_assert(!find(&m, "r6g.xlarge")->no_spot); /* $0.0582 */
    ck_assert(find(&m, "m7g.xlarge")->no_spot);  /* $0.0872 */
    ck_assert_int_eq(find(&m, "m6g.xlarge")->weight, 1);
    mixed_policy_release(&m);

    /* per vCPU: m6g.xlarge costs what two m6g.large cost, so it passes too, weighted 4 */
    ck_assert_uint_eq(instance_requirements_resolve(&r, &cat, CAPACITY_VCPU, &m), 11);
    ck_assert(!find(&m, "m6g.xlarge")->no_on_demand);
    ck_assert_int_eq(find(&m, "m6g.xlarge")->weight, 4);
    ck_assert_int_eq(find(&m, "m6g.large")->weight, 2);
    mixed_policy_release(&m);
    ck_assert_uint_eq(instance_requirements_resolve(&r, &cat, CAPACITY_MEMORY_MIB, &m), 11);
    ck_assert_int_eq(find(&m, "r6g.large")->weight, 16384);
    mixed_policy_release(&m);
}

END_TEST

START_TEST(test_instance_requirements_burstable_and_lists)
{
    struct instance_requirements r;
    instance_requirements_init(&r);
    r.vcpu_min = 2;
    r.vcpu_max = 2;
    r.memory_mib_min = 4096;
    r.memory_mib_max = 4096;
    struct mixed_policy m = { 0 };
    /* default: burstable excluded: c5.large, c6i.large, c7i.large, c6g.large, c7g.large */
    instance_requirements_resolve(&r, &cat, CAPACITY_UNITS, &m);
    ck_assert_ptr_null(find(&m, "t3.medium"));
    ck_assert_ptr_nonnull(find(&m, "c5.large"));
    mixed_policy_release(&m);
    r.burstable = IR_REQUIRED;
    ck_assert_uint_eq(instance_requirements_resolve(&r, &cat, CAPACITY_UNITS, &m), 4);
    ck_assert_ptr_nonnull(find(&m, "t3.medium"));
    ck_assert_ptr_nonnull(find(&m, "t2.medium"));
    ck_assert_ptr_nonnull(find(&m, "t3a.medium"));
    ck_assert_ptr_nonnull(find(&m, "t4g.medium"));
    mixed_policy_release(&m);
    /* no C/M/R type: the identified price is the lowest current generation one (t4g.medium
       $0.0336; +20 % = $0.04032 keeps t3a.medium $0.0376, not t3.medium $0.0416 or t2.medium
       $0.0464) */
    instance_requirements_resolve(&r, &cat, CAPACITY_UNITS, &m);
    ck_assert(!find(&m, "t4g.medium")->no_on_demand);
    ck_assert(!find(&m, "t3a.medium")->no_on_demand);
    ck_assert(find(&m, "t3.medium")->no_on_demand);
    ck_assert(find(&m, "t2.medium")->no_on_demand);
    mixed_policy_release(&m);
    r.burstable = IR_EXCLUDED;
    char c_any[] = "c*";
    char *ex[] = { c_any };
    r.excluded = ex;
    r.nr_excluded = 1;
    instance_requirements_resolve(&r, &cat, CAPACITY_UNITS, &m);
    ck_assert_uint_eq(m.nr_overrides, 0);
    mixed_policy_release(&m);
    r.excluded = NULL;
    r.nr_excluded = 0;
    r.generation_current = false; /* previous only: c3.large has 3.75 GiB */
    ck_assert_uint_eq(instance_requirements_resolve(&r, &cat, CAPACITY_UNITS, &m), 0);
    mixed_policy_release(&m);
}

END_TEST

Suite *instance_requirements_suite(void);

Suite *instance_requirements_suite(void)
{
    Suite *s = suite_create("instance_requirements");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_instance_requirements_names);
    tcase_add_test(tc, test_instance_requirements_wildcards);
    tcase_add_test(tc, test_instance_requirements_graviton_price_protection);
    tcase_add_test(tc, test_instance_requirements_burstable_and_lists);
    suite_add_tcase(s, tc);
    return s;
}
