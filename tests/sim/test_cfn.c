/* Tests for the CloudFormation layer: template checks, parameters, intrinsic resolution. */
#include "helpers.h"

#include "asgsim/cfn.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *cfn_suite(void);

/* One template under test; tests fill `opt` before calling open_ok/open_fail. */
struct fx {
    struct ydoc *doc;
    struct cfn_template *t;
    struct diag_list d;
};

static int open_text(struct fx *f, const char *text, const struct cfn_options *opt)
{
    memset(f, 0, sizeof(*f));
    int rc = ydoc_parse(&f->doc, "t.yaml", text, strlen(text), &f->d);
    ck_assert_int_eq(rc, 0);
    return cfn_open(&f->t, f->doc, opt, &f->d);
}

static void open_ok(struct fx *f, const char *text, const struct cfn_options *opt)
{
    int rc = open_text(f, text, opt);
    if (rc)
        diag_print(&f->d, stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(f->t);
}

static void fx_release(struct fx *f)
{
    cfn_close(f->t);
    ydoc_free(f->doc);
    diag_list_release(&f->d);
}

/* Diagnostic `i`, formatted (caller frees). */
static char *diag_at(const struct fx *f, size_t i)
{
    ck_assert_uint_gt(f->d.nr, i);
    return diag_format(&f->d.items[i]);
}

static void expect_diag(const struct fx *f, size_t i, const char *want)
{
    char *got = diag_at(f, i);
    ck_assert_str_eq(got, want);
    free(got);
}

/* cfn_open must fail, with `want` as the first diagnostic and *out untouched. */
static void expect_open_error(const char *text, const struct cfn_options *opt, const char *want)
{
    struct fx f;
    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(ydoc_parse(&f.doc, "t.yaml", text, strlen(text), &f.d), 0);
    struct cfn_template *sentinel = (struct cfn_template *)&f;
    f.t = sentinel;
    ck_assert_int_eq(cfn_open(&f.t, f.doc, opt, &f.d), ASG_EINVAL);
    ck_assert_ptr_eq(f.t, sentinel);
    f.t = NULL;
    expect_diag(&f, 0, want);
    fx_release(&f);
}

/* The node at Resources.R.Properties.<key>. */
static const struct ynode *prop(const struct fx *f, const char *res, const char *key)
{
    const struct cfn_resource *r = cfn_find_resource(f->t, res);
    ck_assert_ptr_nonnull(r);
    const struct ynode *n = ynode_get(r->properties, key);
    ck_assert_ptr_nonnull(n);
    return n;
}

/* The node at <key> of Properties as written, and that <key> is absent from the resource's
   properties: a value that is AWS::NoValue removes its key (cfn.h). */
static const struct ynode *removed_prop(const struct fx *f, const char *res, const char *key)
{
    const struct cfn_resource *r = cfn_find_resource(f->t, res);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_null(ynode_get(r->properties, key));
    const struct ynode *n = ynode_get(ynode_get(r->node, "Properties"), key);
    ck_assert_ptr_nonnull(n);
    return n;
}

/* Resolve Resources.R.Properties.<key>; must succeed. */
static const struct ynode *resolve_prop(struct fx *f, const char *res, const char *key)
{
    const struct ynode *n = cfn_resolve(f->t, prop(f, res, key), &f->d);
    if (!n)
        diag_print(&f->d, stderr);
    ck_assert_ptr_nonnull(n);
    return n;
}

static void expect_text(struct fx *f, const char *res, const char *key, const char *want)
{
    const struct ynode *n = resolve_prop(f, res, key);
    ck_assert_int_eq(n->kind, YNODE_SCALAR);
    ck_assert_str_eq(n->scalar, want);
    ck_assert_uint_eq(n->len, strlen(want));
}

/* Resolving must fail with `want` as the only new diagnostic. */
static void expect_resolve_error(struct fx *f, const char *res, const char *key, const char *want)
{
    size_t before = f->d.nr;
    ck_assert_ptr_null(cfn_resolve(f->t, prop(f, res, key), &f->d));
    ck_assert_uint_eq(f->d.nr, before + 1);
    expect_diag(f, before, want);
}

static struct fx example;

static void example_setup(void)
{
    char *path = test_src_path("tests/data/example-template.yaml");
    memset(&example, 0, sizeof(example));
    ck_assert_int_eq(ydoc_load(&example.doc, path, &example.d), 0);
    free(path);
    ck_assert_int_eq(cfn_open(&example.t, example.doc, NULL, &example.d), 0);
}

static void example_teardown(void)
{
    fx_release(&example);
}

/* ---- the example template ---------------------------------------------------------------- */

START_TEST(test_cfn_example_opens_with_params_and_resources)
{
    const struct cfn_template *t = example.t;
    ck_assert_uint_eq(example.d.nr, 0);
    ck_assert_uint_eq(t->nr_params, 2);
    const struct cfn_param *p = cfn_find_param(t, "MaxSize");
    ck_assert_str_eq(p->type, "Number");
    ck_assert_str_eq(p->value, "20");
    ck_assert(!p->overridden);
    ck_assert(!p->is_list);
    ck_assert_uint_eq(p->loc.line, 19);
    ck_assert_uint_eq(p->loc.col, 3);
    p = cfn_find_param(t, "Subnets");
    ck_assert(p->is_list);
    ck_assert_str_eq(p->value, "subnet-a,subnet-b");
    ck_assert_ptr_null(cfn_find_param(t, "Nope"));

    ck_assert_uint_eq(t->nr_resources, 5);
    static const char *const ids[] = { "WebLT", "WebASG", "WebWarmPool", "CpuTarget",
                                       "NightlyScaleIn" };
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(t->resources[i].logical_id, ids[i]);
    const struct cfn_resource *r = cfn_find_resource(t, "WebASG");
    ck_assert_ptr_eq(r, &t->resources[1]);
    ck_assert_str_eq(r->type, "AWS::AutoScaling::AutoScalingGroup");
    ck_assert_uint_eq(r->loc.line, 26);
    ck_assert_uint_eq(r->loc.col, 3);
    ck_assert_int_eq(r->properties->kind, YNODE_MAP);
    ck_assert_ptr_null(cfn_find_resource(t, "webasg"));
    ck_assert_ptr_nonnull(ynode_get(t->metadata, "ASGSim::Scenario"));
    ck_assert_str_eq(t->opt.stack_name, "asgsim");
    ck_assert_str_eq(t->opt.region, "us-east-1");
}

END_TEST

START_TEST(test_cfn_example_ref_number_parameter_keeps_location)
{
    const struct ynode *n = resolve_prop(&example, "WebASG", "MaxSize");
    ck_assert_int_eq(n->kind, YNODE_SCALAR);
    ck_assert_str_eq(n->scalar, "20");
    ck_assert(!n->resource_ref);
    ck_assert_uint_eq(n->loc.line, 30);
    ck_assert_uint_eq(n->loc.col, 16);
    ck_assert_str_eq(n->loc.file, ydoc_file(example.doc));
}

END_TEST

START_TEST(test_cfn_example_ref_list_parameter_gives_sequence)
{
    const struct ynode *n = resolve_prop(&example, "WebASG", "VPCZoneIdentifier");
    ck_assert_int_eq(n->kind, YNODE_SEQ);
    ck_assert_uint_eq(n->nr, 2);
    ck_assert_str_eq(n->items[0]->scalar, "subnet-a");
    ck_assert_str_eq(n->items[1]->scalar, "subnet-b");
    ck_assert_uint_eq(n->loc.line, 36);
    ck_assert_uint_eq(n->items[1]->loc.line, 36);
}

END_TEST

START_TEST(test_cfn_example_ref_and_getatt_of_launch_template)
{
    const struct ynode *lt = prop(&example, "WebASG", "LaunchTemplate");
    const struct ynode *id = cfn_resolve(example.t, ynode_get(lt, "LaunchTemplateId"), &example.d);
    ck_assert(id->resource_ref);
    ck_assert_str_eq(id->scalar, "WebLT");
    const struct ynode *v = cfn_resolve(example.t, ynode_get(lt, "Version"), &example.d);
    ck_assert(!v->resource_ref);
    ck_assert_str_eq(v->scalar, "1");
    ck_assert_uint_eq(v->loc.line, 39);
    ck_assert_uint_eq(v->loc.col, 18);
    /* A plain value comes back as it is. */
    const struct ynode *min = prop(&example, "WebASG", "MinSize");
    ck_assert_ptr_eq(cfn_resolve(example.t, min, &example.d), min);
    const struct ynode *tp = prop(&example, "WebASG", "TerminationPolicies");
    ck_assert_ptr_eq(cfn_resolve(example.t, tp, &example.d), tp);
    ck_assert_uint_eq(example.d.nr, 0);
}

END_TEST

START_TEST(test_cfn_override_replaces_default)
{
    struct cfn_override ov[] = { { "MaxSize", "30" }, { "Subnets", "subnet-x, subnet-y ,z" } };
    struct cfn_options opt = { ov, 2, "web", "eu-west-1", NULL, NULL };
    struct fx f;
    char *path = test_src_path("tests/data/example-template.yaml");
    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(ydoc_load(&f.doc, path, &f.d), 0);
    free(path);
    ck_assert_int_eq(cfn_open(&f.t, f.doc, &opt, &f.d), 0);
    const struct cfn_param *p = cfn_find_param(f.t, "MaxSize");
    ck_assert(p->overridden);
    ck_assert_str_eq(p->value, "30");
    expect_text(&f, "WebASG", "MaxSize", "30");
    const struct ynode *n = resolve_prop(&f, "WebASG", "VPCZoneIdentifier");
    ck_assert_uint_eq(n->nr, 3);
    ck_assert_str_eq(n->items[0]->scalar, "subnet-x");
    ck_assert_str_eq(n->items[1]->scalar, "subnet-y");
    ck_assert_str_eq(n->items[2]->scalar, "z");
    ck_assert_str_eq(f.t->opt.stack_name, "web");
    fx_release(&f);
}

END_TEST

/* ---- template shape ---------------------------------------------------------------------- */

#define MINIMAL_RESOURCES "Resources:\n  A:\n    Type: AWS::EC2::PlacementGroup\n"

START_TEST(test_cfn_rejects_empty_template)
{
    struct fx f;
    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(ydoc_parse(&f.doc, "t.yaml", "# nothing\n", 10, &f.d), 0);
    ck_assert_int_eq(cfn_open(&f.t, f.doc, NULL, &f.d), ASG_EINVAL);
    ck_assert_ptr_null(f.t);
    ck_assert_uint_eq(f.d.nr, 1);
    expect_diag(&f, 0, "asgsim: t.yaml:1:1: error: scenario is empty");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_rejects_non_mapping_root)
{
    expect_open_error(
            "\n- a\n- b\n", NULL,
            "asgsim: t.yaml:2:1: error: a template must be a mapping of sections, not a sequence");
}

END_TEST

START_TEST(test_cfn_misspelt_section_suggests)
{
    struct fx f;
    ck_assert_int_eq(
            open_text(&f, "Parameters: {}\nResorces:\n  A:\n    Type: AWS::EC2::PlacementGroup\n",
                      NULL),
            ASG_EINVAL);
    ck_assert_uint_eq(f.d.nr, 2);
    expect_diag(
            &f, 0,
            "asgsim: t.yaml:2:1: error: unknown top-level section 'Resorces' (did you mean 'Resources'?)");
    expect_diag(&f, 1, "asgsim: t.yaml:1:1: error: template has no 'Resources' section");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_rejects_bad_resources)
{
    expect_open_error("Resources: {}\n", NULL,
                      "asgsim: t.yaml:1:12: error: 'Resources' must be a non-empty mapping");
    expect_open_error("Resources:\n  A: x\n", NULL,
                      "asgsim: t.yaml:2:6: error: resource 'A' must be a mapping, not a scalar");
    expect_open_error("Resources:\n  A:\n    Properties: {}\n", NULL,
                      "asgsim: t.yaml:2:3: error: resource 'A' has no 'Type'");
    expect_open_error(
            "Resources:\n  A:\n    Type: [x]\n", NULL,
            "asgsim: t.yaml:3:11: error: 'Type' of resource 'A' must be a string such as 'AWS::AutoScaling::AutoScalingGroup'");
    expect_open_error(
            "Resources:\n  A:\n    Type: x\n    Properties: [1]\n", NULL,
            "asgsim: t.yaml:4:17: error: 'Properties' of resource 'A' must be a mapping, not a sequence");
    expect_open_error(
            "Resources:\n  A:\n    Type: x\n    Propertes: {}\n", NULL,
            "asgsim: t.yaml:4:5: error: unknown attribute 'Propertes' in resource 'A' (did you mean 'Properties'?)");
    expect_open_error("AWSTemplateFormatVersion: 2011-01-01\n" MINIMAL_RESOURCES, NULL,
                      "asgsim: t.yaml:1:27: error: AWSTemplateFormatVersion must be '2010-09-09'");
}

END_TEST

START_TEST(test_cfn_accepts_all_resource_attributes)
{
    struct fx f;
    open_ok(&f,
            "Conditions: {C: !Equals [a, a]}\n"
            "Resources:\n  A:\n    Type: x\n    DependsOn: B\n    Condition: C\n"
            "    Metadata: {}\n    CreationPolicy: {}\n    DeletionPolicy: Retain\n"
            "    UpdatePolicy: {}\n    UpdateReplacePolicy: Retain\n  B: {Type: y}\n",
            NULL);
    ck_assert_ptr_null(f.t->resources[0].properties);
    fx_release(&f);
}

END_TEST

/* ---- parameters ------------------------------------------------------------------------ */

START_TEST(test_cfn_rejects_bad_parameter_declarations)
{
    expect_open_error("Parameters:\n  P: {Default: 1}\n" MINIMAL_RESOURCES, NULL,
                      "asgsim: t.yaml:2:3: error: parameter 'P' has no 'Type'");
    expect_open_error(
            "Parameters:\n  P: {Type: Strng}\n" MINIMAL_RESOURCES, NULL,
            "asgsim: t.yaml:2:13: error: unknown Type 'Strng' for parameter 'P' (did you mean 'String'?)");
    expect_open_error(
            "Parameters:\n  P: {Type: String, Defualt: x}\n" MINIMAL_RESOURCES, NULL,
            "asgsim: t.yaml:2:21: error: unknown key 'Defualt' in parameter 'P' (did you mean 'Default'?)");
    expect_open_error("Parameters:\n  P: x\n" MINIMAL_RESOURCES, NULL,
                      "asgsim: t.yaml:2:6: error: parameter 'P' must be a mapping, not a scalar");
    expect_open_error("Parameters:\n  P: {Type: Number, MinValue: low}\n" MINIMAL_RESOURCES, NULL,
                      "asgsim: t.yaml:2:31: error: 'MinValue' of parameter 'P' must be a number");
    expect_open_error(
            "Parameters:\n  P: {Type: String, AllowedPattern: '[a-'}\n" MINIMAL_RESOURCES, NULL,
            "asgsim: t.yaml:2:37: error: invalid AllowedPattern for parameter 'P': Invalid range end");
}

END_TEST

START_TEST(test_cfn_accepts_aws_specific_parameter_types)
{
    struct fx f;
    open_ok(&f,
            "Parameters:\n"
            "  S: {Type: 'AWS::EC2::Subnet::Id', Default: subnet-1}\n"
            "  L: {Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-1,subnet-2'}\n"
            "  N: {Type: 'List<Number>', Default: '1,2.5'}\n"
            "  K: {Type: 'AWS::SSM::Parameter::Name', Default: /x/y}\n"
            "  V: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /ami/latest}\n"
            "Resources:\n  A:\n    Type: x\n    Properties:\n"
            "      S: !Ref S\n      L: !Ref L\n      N: !Ref N\n      V: !Ref V\n",
            NULL);
    ck_assert(!cfn_find_param(f.t, "S")->is_list);
    ck_assert(cfn_find_param(f.t, "L")->is_list);
    expect_text(&f, "A", "S", "subnet-1");
    ck_assert_uint_eq(resolve_prop(&f, "A", "L")->nr, 2);
    ck_assert_str_eq(resolve_prop(&f, "A", "N")->items[1]->scalar, "2.5");
    /* SSM values exist only in an AWS account; an error only where one is needed. */
    expect_resolve_error(
            &f, "A", "V",
            "asgsim: t.yaml:14:10: error: parameter 'V' of type 'AWS::SSM::Parameter::Value<String>' cannot be resolved offline (give its value with --parameter V=VALUE)");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_ssm_parameter_override_is_used)
{
    struct cfn_override ov = { "V", "ami-123" };
    struct cfn_options opt = { &ov, 1, NULL, NULL, NULL, NULL };
    struct fx f;
    open_ok(&f,
            "Parameters:\n  V: {Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>'}\n"
            "Resources:\n  A: {Type: x, Properties: {V: !Ref V}}\n",
            &opt);
    expect_text(&f, "A", "V", "ami-123");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_override_of_undeclared_parameter)
{
    struct cfn_override ov = { "MaxSzie", "3" };
    struct cfn_options opt = { &ov, 1, NULL, NULL, NULL, NULL };
    expect_open_error(
            "Parameters:\n  MaxSize: {Type: Number}\n" MINIMAL_RESOURCES, &opt,
            "asgsim: error: parameter 'MaxSzie' given with --parameter is not declared in the template (did you mean 'MaxSize'?)");
    ov.name = "Zebra";
    expect_open_error(
            "Parameters:\n  MaxSize: {Type: Number}\n" MINIMAL_RESOURCES, &opt,
            "asgsim: error: parameter 'Zebra' given with --parameter is not declared in the template");
}

END_TEST

START_TEST(test_cfn_number_parameter_must_be_a_number)
{
    expect_open_error("Parameters:\n  N: {Type: Number, Default: ten}\n" MINIMAL_RESOURCES, NULL,
                      "asgsim: t.yaml:2:30: error: parameter 'N' value 'ten' is not a number");
    expect_open_error(
            "Parameters:\n  N: {Type: 'List<Number>', Default: '1,x'}\n" MINIMAL_RESOURCES, NULL,
            "asgsim: t.yaml:2:38: error: parameter 'N' value 'x' is not a number");
    struct cfn_override ov = { "N", "0x10" };
    struct cfn_options opt = { &ov, 1, NULL, NULL, NULL, NULL };
    expect_open_error("Parameters:\n  N: {Type: Number, Default: 1}\n" MINIMAL_RESOURCES, &opt,
                      "asgsim: error: parameter 'N' value '0x10' is not a number");
}

END_TEST

START_TEST(test_cfn_parameter_constraints)
{
    expect_open_error(
            "Parameters:\n  N: {Type: Number, Default: 3, MinValue: 5}\n" MINIMAL_RESOURCES, NULL,
            "asgsim: t.yaml:2:30: error: parameter 'N' value 3 is less than MinValue 5");
    expect_open_error(
            "Parameters:\n  N: {Type: Number, Default: 9, MaxValue: 5.5}\n" MINIMAL_RESOURCES, NULL,
            "asgsim: t.yaml:2:30: error: parameter 'N' value 9 is greater than MaxValue 5.5");
    expect_open_error(
            "Parameters:\n  S: {Type: String, Default: ab, MinLength: 3}\n" MINIMAL_RESOURCES, NULL,
            "asgsim: t.yaml:2:30: error: parameter 'S' value 'ab' is shorter than MinLength 3");
    expect_open_error(
            "Parameters:\n  S: {Type: String, Default: abcd, MaxLength: 3}\n" MINIMAL_RESOURCES,
            NULL,
            "asgsim: t.yaml:2:30: error: parameter 'S' value 'abcd' is longer than MaxLength 3");
    expect_open_error(
            "Parameters:\n  S: {Type: String, Default: gp3, AllowedValues: [gp2, io1]}\n" MINIMAL_RESOURCES,
            NULL,
            "asgsim: t.yaml:2:30: error: parameter 'S' value 'gp3' is not one of its AllowedValues (gp2, io1)");
    expect_open_error(
            "Parameters:\n  S: {Type: String, Default: abc1, AllowedPattern: '[a-z]+'}\n" MINIMAL_RESOURCES,
            NULL,
            "asgsim: t.yaml:2:30: error: parameter 'S' value 'abc1' does not match AllowedPattern '[a-z]+'");
    expect_open_error(
            "Parameters:\n  L: {Type: CommaDelimitedList, Default: 'a,b', AllowedValues: [a, c]}\n" MINIMAL_RESOURCES,
            NULL,
            "asgsim: t.yaml:2:42: error: parameter 'L' value 'b' is not one of its AllowedValues (a, c)");
    struct cfn_override ov = { "N", "7" };
    struct cfn_options opt = { &ov, 1, NULL, NULL, NULL, NULL };
    expect_open_error(
            "Parameters:\n  N: {Type: Number, AllowedValues: [1, 2]}\n" MINIMAL_RESOURCES, &opt,
            "asgsim: error: parameter 'N' value '7' is not one of its AllowedValues (1, 2)");
}

END_TEST

START_TEST(test_cfn_constraint_description_is_a_note)
{
    struct fx f;
    ck_assert_int_eq(
            open_text(
                    &f,
                    "Parameters:\n  S:\n    Type: String\n    Default: '12'\n"
                    "    AllowedPattern: '\\d{3}'\n    ConstraintDescription: three digits\n" MINIMAL_RESOURCES,
                    NULL),
            ASG_EINVAL);
    ck_assert_uint_eq(f.d.nr, 2);
    expect_diag(
            &f, 0,
            "asgsim: t.yaml:4:14: error: parameter 'S' value '12' does not match AllowedPattern '\\d{3}'");
    expect_diag(&f, 1, "asgsim: t.yaml:4:14: note: three digits");
    fx_release(&f);
    open_ok(&f,
            "Parameters:\n  S: {Type: String, Default: '123', AllowedPattern: '\\d{3}'}\n" MINIMAL_RESOURCES,
            NULL);
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_parameter_without_value_fails_only_when_referenced)
{
    struct fx f;
    open_ok(&f,
            "Parameters:\n  P: {Type: String}\n  Q: {Type: String}\n"
            "Resources:\n  A:\n    Type: x\n    Properties:\n      X: !Ref P\n",
            NULL);
    ck_assert_ptr_null(cfn_find_param(f.t, "P")->value);
    expect_resolve_error(
            &f, "A", "X",
            "asgsim: t.yaml:8:10: error: parameter 'P' has no Default and no --parameter value");
    fx_release(&f);
}

END_TEST

/* ---- Ref, GetAtt, Sub ------------------------------------------------------------------ */

static const char forms_yaml[] =
        "Parameters:\n"
        "  MaxSize: {Type: Number, Default: 20}\n"
        "  Subnets: {Type: CommaDelimitedList, Default: 'a,b'}\n"
        "Resources:\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "  G:\n"
        "    Type: AWS::AutoScaling::AutoScalingGroup\n"
        "    Properties:\n"
        "      RefShort: !Ref MaxSize\n"
        "      RefLong: {Ref: MaxSize}\n"
        "      RefRes: {Ref: LT}\n"
        "      AttShort: !GetAtt LT.DefaultVersionNumber\n"
        "      AttList: !GetAtt [LT, LatestVersionNumber]\n"
        "      AttLong: {'Fn::GetAtt': [LT, LatestVersionNumber]}\n"
        "      AttLongDot: {'Fn::GetAtt': LT.LaunchTemplateId}\n"
        "      AttOther: !GetAtt G.Whatever\n"
        "      AttBad: !GetAtt LX.LatestVersionNumber\n"
        "      AttBadAttr: !GetAtt LT.LatestVersionNumbr\n"
        "      AttShape: !GetAtt LT\n"
        "      SubShort: !Sub '${AWS::StackName}-${MaxSize}-${LT}-${LT.LatestVersionNumber}-${!Lit}'\n"
        "      SubLong: {'Fn::Sub': 'x${AWS::Region}y'}\n"
        "      SubVars: !Sub ['${A}/${B}', {A: !Ref MaxSize, B: plain}]\n"
        "      SubList: !Sub '${Subnets}'\n"
        "      SubBad: !Sub 'x${Nope}'\n"
        "      SubOpen: !Sub 'x${MaxSize'\n"
        "      RefBad: !Ref MaxSzie\n"
        "      RefBadLong: {Ref: Nothing}\n"
        "      Nested: {'Fn::Join': ['', ['a', !Sub '${MaxSize}']]}\n";

START_TEST(test_cfn_ref_short_and_long_forms)
{
    struct fx f;
    open_ok(&f, forms_yaml, NULL);
    expect_text(&f, "G", "RefShort", "20");
    expect_text(&f, "G", "RefLong", "20");
    const struct ynode *n = resolve_prop(&f, "G", "RefLong");
    ck_assert_uint_eq(n->loc.line, 11);
    ck_assert_uint_eq(n->loc.col, 16);
    n = resolve_prop(&f, "G", "RefRes");
    ck_assert(n->resource_ref);
    ck_assert_str_eq(n->scalar, "LT");
    ck_assert(cfn_is_intrinsic(prop(&f, "G", "RefShort")));
    ck_assert(cfn_is_intrinsic(prop(&f, "G", "RefLong")));
    ck_assert(!cfn_is_intrinsic(f.t->resources[1].properties));
    ck_assert(!cfn_is_intrinsic(n));
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_misspelt_ref_suggests)
{
    struct fx f;
    open_ok(&f, forms_yaml, NULL);
    expect_resolve_error(
            &f, "G", "RefBad",
            "asgsim: t.yaml:27:15: error: unresolved reference 'MaxSzie' (did you mean 'MaxSize'?)");
    expect_resolve_error(&f, "G", "RefBadLong",
                         "asgsim: t.yaml:28:19: error: unresolved reference 'Nothing'");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_getatt_forms)
{
    struct fx f;
    open_ok(&f, forms_yaml, NULL);
    expect_text(&f, "G", "AttShort", "1");
    expect_text(&f, "G", "AttList", "1");
    expect_text(&f, "G", "AttLong", "1");
    const struct ynode *n = resolve_prop(&f, "G", "AttLongDot");
    ck_assert(n->resource_ref);
    ck_assert_str_eq(n->scalar, "LT");
    n = resolve_prop(&f, "G", "AttOther");
    ck_assert(n->resource_ref);
    ck_assert_str_eq(n->scalar, "G");
    expect_resolve_error(
            &f, "G", "AttBad",
            "asgsim: t.yaml:18:15: error: unresolved reference 'LX' in Fn::GetAtt (did you mean 'LT'?)");
    expect_resolve_error(
            &f, "G", "AttBadAttr",
            "asgsim: t.yaml:19:19: error: AWS::EC2::LaunchTemplate 'LT' has no attribute 'LatestVersionNumbr' (did you mean 'LatestVersionNumber'?)");
    expect_resolve_error(
            &f, "G", "AttShape",
            "asgsim: t.yaml:20:17: error: Fn::GetAtt needs 'LogicalId.Attribute' or [LogicalId, Attribute]");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_sub_forms)
{
    struct cfn_options opt = { NULL, 0, "web", "eu-west-3", NULL, NULL };
    struct fx f;
    open_ok(&f, forms_yaml, &opt);
    expect_text(&f, "G", "SubShort", "web-20-LT-1-${Lit}");
    expect_text(&f, "G", "SubLong", "xeu-west-3y");
    expect_text(&f, "G", "SubVars", "20/plain");
    expect_text(&f, "G", "Nested", "a20");
    const struct ynode *n = resolve_prop(&f, "G", "SubShort");
    ck_assert_uint_eq(n->loc.line, 21);
    ck_assert_uint_eq(n->loc.col, 17);
    expect_resolve_error(
            &f, "G", "SubList",
            "asgsim: t.yaml:24:16: error: '${Subnets}' in Fn::Sub is sequence, not a string");
    expect_resolve_error(&f, "G", "SubBad",
                         "asgsim: t.yaml:25:15: error: unresolved reference 'Nope' in Fn::Sub");
    expect_resolve_error(&f, "G", "SubOpen",
                         "asgsim: t.yaml:26:16: error: unterminated '${' in Fn::Sub");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_pseudo_parameters)
{
    static const char yaml[] = "Resources:\n  A:\n    Type: x\n    Properties:\n"
                               "      Name: !Ref AWS::StackName\n"
                               "      Region: !Ref AWS::Region\n"
                               "      Account: !Ref AWS::AccountId\n"
                               "      Partition: !Ref AWS::Partition\n"
                               "      Suffix: !Ref AWS::URLSuffix\n"
                               "      Arns: !Ref AWS::NotificationARNs\n"
                               "      None: !Ref AWS::NoValue\n"
                               "      Bad: !Ref AWS::Regoin\n";
    struct fx f;
    open_ok(&f, yaml, NULL);
    expect_text(&f, "A", "Name", "asgsim");
    expect_text(&f, "A", "Region", "us-east-1");
    expect_text(&f, "A", "Account", "123456789012");
    expect_text(&f, "A", "Partition", "aws");
    expect_text(&f, "A", "Suffix", "amazonaws.com");
    ck_assert_uint_eq(resolve_prop(&f, "A", "Arns")->nr, 0);
    ck_assert(cfn_is_no_value(cfn_resolve(f.t, removed_prop(&f, "A", "None"), &f.d)));
    ck_assert(!cfn_is_no_value(resolve_prop(&f, "A", "Name")));
    ck_assert(!cfn_is_no_value(NULL));
    expect_resolve_error(
            &f, "A", "Bad",
            "asgsim: t.yaml:12:12: error: unknown pseudo parameter 'AWS::Regoin' (did you mean 'AWS::Region'?)");
    fx_release(&f);

    struct cfn_options opt = { NULL, 0, "s", "cn-north-1", NULL, NULL };
    open_ok(&f, yaml, &opt);
    expect_text(&f, "A", "Name", "s");
    expect_text(&f, "A", "Partition", "aws-cn");
    expect_text(&f, "A", "Suffix", "amazonaws.com.cn");
    fx_release(&f);
}

END_TEST

/* A stand-in for the models' Region table: sim/ knows no AWS data. */
static const char *const *fake_azs(const char *region, size_t *nr)
{
    static const char *const east[] = { "us-east-1a", "us-east-1b" };
    static const char *const west[] = { "us-west-1a", "us-west-1c" };
    *nr = 2;
    if (strcmp(region, "us-east-1") == 0)
        return east;
    if (strcmp(region, "us-west-1") == 0)
        return west;
    *nr = 0;
    return NULL;
}

/*
 * AWS: docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-
 * getavailabilityzones.html: the argument is a Region name; ""
 * and !Ref AWS::Region both mean the stack's own Region; the result is a list of AZ names.
 */
START_TEST(test_cfn_getazs_lists_the_regions_zones)
{
    static const char yaml[] = "Resources:\n  A:\n    Type: x\n    Properties:\n"
                               "      Empty: !GetAZs ''\n"
                               "      Own: {'Fn::GetAZs': !Ref AWS::Region}\n"
                               "      Named: !GetAZs us-east-1\n"
                               "      Pick: !Select [1, !GetAZs '']\n"
                               "      Unknown: !GetAZs mars-north-1\n"
                               "      Shape: !GetAZs [a]\n";
    struct cfn_options opt = { NULL, 0, "s", "us-west-1", fake_azs, NULL };
    struct fx f;
    open_ok(&f, yaml, &opt);
    const struct ynode *n = resolve_prop(&f, "A", "Empty");
    ck_assert_int_eq(n->kind, YNODE_SEQ);
    ck_assert_uint_eq(n->nr, 2);
    ck_assert_str_eq(n->items[0]->scalar, "us-west-1a");
    ck_assert_str_eq(n->items[1]->scalar, "us-west-1c");
    n = resolve_prop(&f, "A", "Own");
    ck_assert_uint_eq(n->nr, 2);
    ck_assert_str_eq(n->items[1]->scalar, "us-west-1c");
    n = resolve_prop(&f, "A", "Named");
    ck_assert_str_eq(n->items[0]->scalar, "us-east-1a");
    expect_text(&f, "A", "Pick", "us-west-1c");
    expect_resolve_error(&f, "A", "Unknown",
                         "asgsim: t.yaml:9:16: error: Fn::GetAZs: unknown region 'mars-north-1'");
    expect_resolve_error(
            &f, "A", "Shape",
            "asgsim: t.yaml:10:14: error: the region in Fn::GetAZs must be a string, not a sequence");
    fx_release(&f);

    /* Without a Region table (no get_azs) the function stays unresolvable. */
    open_ok(&f, yaml, NULL);
    expect_resolve_error(&f, "A", "Empty",
                         "asgsim: t.yaml:5:14: error: Fn::GetAZs cannot be resolved by asgsim");
    fx_release(&f);
}

END_TEST

/* ---- the other functions ----------------------------------------------------------------- */

static const char fns_yaml[] = "Parameters:\n"
                               "  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}\n"
                               "  Azs: {Type: CommaDelimitedList, Default: 'az-a,az-b,az-c'}\n"
                               "Mappings:\n"
                               "  Sizes:\n"
                               "    prod: {Max: 10, Zones: [x, y]}\n"
                               "    dev: {Max: 2}\n"
                               "Conditions:\n"
                               "  IsProd: !Equals [!Ref Env, prod]\n"
                               "  IsDev: !Not [!Condition IsProd]\n"
                               "  Both: !And [!Condition IsProd, {Condition: IsDev}]\n"
                               "  Either: {'Fn::Or': [{Condition: IsDev}, !Equals [a, a]]}\n"
                               "  NotDev: !Not [!Condition IsDev]\n"
                               "Resources:\n"
                               "  A:\n"
                               "    Type: x\n"
                               "    Properties:\n"
                               "      Join: !Join ['-', [a, !Ref Env, !Select [1, !Ref Azs]]]\n"
                               "      JoinList: !Join [',', !Ref Azs]\n"
                               "      Select: !Select ['2', !Split [',', 'p,q,r']]\n"
                               "      SelectOut: !Select [5, [a, b]]\n"
                               "      Split: {'Fn::Split': ['::', 'a::b::']}\n"
                               "      Find: !FindInMap [Sizes, !Ref Env, Max]\n"
                               "      FindList: !FindInMap [Sizes, prod, Zones]\n"
                               "      FindBad: !FindInMap [Sizes, dev, Zones]\n"
                               "      FindBadMap: !FindInMap [Size, dev, Max]\n"
                               "      If: !If [IsProd, !Ref Env, other]\n"
                               "      IfNo: !If [IsDev, x, !Ref AWS::NoValue]\n"
                               "      IfLong: {'Fn::If': [Either, yes, no]}\n"
                               "      IfBoth: !If [Both, yes, no]\n"
                               "      IfBad: !If [IsPrd, a, b]\n"
                               "      IfNotDev: !If [NotDev, a, b]\n"
                               "      Eq: !Equals [a, b]\n"
                               "      B64: !Base64 'hello'\n"
                               "      B64Long: {'Fn::Base64': !Sub '${Env}!'}\n"
                               "      Import: !ImportValue shared-vpc\n"
                               "      Azs: !GetAZs ''\n"
                               "      Cidr: {'Fn::Cidr': [10.0.0.0/16, 2, 8]}\n"
                               "      Unknown: {'Fn::Joinn': [a, [b]]}\n"
                               "      UnknownTag: !Jion [a, [b]]\n";

START_TEST(test_cfn_join_select_split)
{
    struct fx f;
    open_ok(&f, fns_yaml, NULL);
    expect_text(&f, "A", "Join", "a-prod-az-b");
    expect_text(&f, "A", "JoinList", "az-a,az-b,az-c");
    expect_text(&f, "A", "Select", "r");
    const struct ynode *n = resolve_prop(&f, "A", "Split");
    ck_assert_int_eq(n->kind, YNODE_SEQ);
    ck_assert_uint_eq(n->nr, 3);
    ck_assert_str_eq(n->items[0]->scalar, "a");
    ck_assert_str_eq(n->items[1]->scalar, "b");
    ck_assert_str_eq(n->items[2]->scalar, "");
    expect_resolve_error(
            &f, "A", "SelectOut",
            "asgsim: t.yaml:21:18: error: index 5 in Fn::Select is out of range (the list has 2 items)");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_find_in_map)
{
    struct fx f;
    open_ok(&f, fns_yaml, NULL);
    expect_text(&f, "A", "Find", "10");
    const struct ynode *n = resolve_prop(&f, "A", "FindList");
    ck_assert_int_eq(n->kind, YNODE_SEQ);
    ck_assert_str_eq(n->items[1]->scalar, "y");
    ck_assert_uint_eq(n->loc.line, 6);
    expect_resolve_error(
            &f, "A", "FindBad",
            "asgsim: t.yaml:25:40: error: Fn::FindInMap: mapping 'Sizes' key 'dev' has no key 'Zones'");
    expect_resolve_error(
            &f, "A", "FindBadMap",
            "asgsim: t.yaml:26:31: error: Fn::FindInMap: no mapping named 'Size' (did you mean 'Sizes'?)");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_conditions_and_if)
{
    struct fx f;
    open_ok(&f, fns_yaml, NULL);
    expect_text(&f, "A", "If", "prod");
    ck_assert(cfn_is_no_value(cfn_resolve(f.t, removed_prop(&f, "A", "IfNo"), &f.d)));
    expect_text(&f, "A", "IfLong", "yes");
    expect_text(&f, "A", "IfBoth", "no");
    expect_text(&f, "A", "Eq", "false");
    expect_resolve_error(
            &f, "A", "IfBad",
            "asgsim: t.yaml:31:19: error: unknown condition 'IsPrd' (did you mean 'IsProd'?)");
    expect_text(&f, "A", "IfNotDev", "a");
    fx_release(&f);

    struct cfn_override ov = { "Env", "dev" };
    struct cfn_options opt = { &ov, 1, NULL, NULL, NULL, NULL };
    open_ok(&f, fns_yaml, &opt);
    expect_text(&f, "A", "If", "other");
    expect_text(&f, "A", "IfNo", "x");
    expect_text(&f, "A", "Find", "2");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_base64_and_offline_impossible_functions)
{
    struct fx f;
    open_ok(&f, fns_yaml, NULL);
    expect_text(&f, "A", "B64", "aGVsbG8=");
    expect_text(&f, "A", "B64Long", "cHJvZCE=");
    /* Imports resolve from the scenario's Exports (test_cfn_import.c); here there are none. */
    expect_resolve_error(
            &f, "A", "Import",
            "asgsim: t.yaml:36:15: error: Fn::ImportValue: no export named 'shared-vpc' (give "
            "the values of other stacks' exports in an 'Exports' map of the scenario settings)");
    expect_resolve_error(&f, "A", "Azs",
                         "asgsim: t.yaml:37:12: error: Fn::GetAZs cannot be resolved by asgsim");
    expect_resolve_error(&f, "A", "Cidr",
                         "asgsim: t.yaml:38:13: error: Fn::Cidr cannot be resolved by asgsim");
    expect_resolve_error(
            &f, "A", "Unknown",
            "asgsim: t.yaml:39:16: error: unknown intrinsic function 'Fn::Joinn' (did you mean 'Fn::Join'?)");
    expect_resolve_error(
            &f, "A", "UnknownTag",
            "asgsim: t.yaml:40:19: error: unknown tag '!Jion' (did you mean '!Join'?)");
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_deep_condition_chain_is_cut_off)
{
    char *text = xstrdup("Conditions:\n");
    for (int i = 0; i < 100; i++) {
        char *next = xasprintf("%s  C%d: !Condition C%d\n", text, i, i + 1);
        free(text);
        text = next;
    }
    char *full = xasprintf("%s  C100: !Equals [a, a]\nResources:\n  A:\n    Type: x\n"
                           "    Properties: {P: !If [C0, a, b]}\n",
                           text);
    free(text);
    struct fx f;
    /* Every condition is evaluated when the template is opened (issue 20: CloudFormation
       rejects a broken condition whether or not a resource uses it). */
    ck_assert_int_ne(open_text(&f, full, NULL), 0);
    ck_assert_uint_eq(f.d.nr, 1);
    ck_assert_str_eq(f.d.items[0].msg, "conditions nested too deeply (more than 64 levels)");
    fx_release(&f);
    free(full);
}

END_TEST

START_TEST(test_cfn_sam_transform_is_accepted)
{
    /* The SAM transform only expands AWS::Serverless::* resources, which asgsim ignores. */
    struct fx f;
    open_ok(&f, "Transform: AWS::Serverless-2016-10-31\n" MINIMAL_RESOURCES, NULL);
    ck_assert_uint_eq(f.d.nr, 0);
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_rejects_misused_functions)
{
    struct fx f;
    ck_assert_int_ne(open_text(&f,
                               "Conditions:\n  C: !Join ['', [a]]\n"
                               "Resources:\n  A:\n    Type: x\n",
                               NULL),
                     0);
    ck_assert_uint_eq(f.d.nr, 1);
    ck_assert_str_eq(f.d.items[0].msg, "Fn::Join is not a condition function");
    ck_assert_uint_eq(f.d.items[0].loc.line, 2);
    fx_release(&f);
    open_ok(&f,
            "Conditions:\n  C: !Equals [a, a]\n"
            "Resources:\n  A:\n    Type: x\n    Properties:\n"
            "      SubFn: {'Fn::Sub': {'Fn::Join': ['', [a]]}}\n"
            "      RefList: !Ref [A]\n"
            "      JoinScalar: !Join [',', abc]\n"
            "      IfC: !If [C, a, b]\n",
            NULL);
    expect_resolve_error(
            &f, "A", "SubFn",
            "asgsim: t.yaml:7:14: error: Fn::Sub needs a string or [string, {Name: value}]");
    expect_resolve_error(
            &f, "A", "RefList",
            "asgsim: t.yaml:8:16: error: Ref needs the name of a parameter or resource");
    expect_resolve_error(
            &f, "A", "JoinScalar",
            "asgsim: t.yaml:9:31: error: the list in Fn::Join must be a sequence, not a scalar");
    expect_text(&f, "A", "IfC", "a");
    fx_release(&f);
}

END_TEST

Suite *cfn_suite(void)
{
    Suite *s = suite_create("cfn");
    TCase *tc = tcase_create("example");
    tcase_add_checked_fixture(tc, example_setup, example_teardown);
    tcase_add_test(tc, test_cfn_example_opens_with_params_and_resources);
    tcase_add_test(tc, test_cfn_example_ref_number_parameter_keeps_location);
    tcase_add_test(tc, test_cfn_example_ref_list_parameter_gives_sequence);
    tcase_add_test(tc, test_cfn_example_ref_and_getatt_of_launch_template);
    suite_add_tcase(s, tc);

    tc = tcase_create("template");
    tcase_add_test(tc, test_cfn_override_replaces_default);
    tcase_add_test(tc, test_cfn_rejects_empty_template);
    tcase_add_test(tc, test_cfn_rejects_non_mapping_root);
    tcase_add_test(tc, test_cfn_misspelt_section_suggests);
    tcase_add_test(tc, test_cfn_rejects_bad_resources);
    tcase_add_test(tc, test_cfn_accepts_all_resource_attributes);
    tcase_add_test(tc, test_cfn_getazs_lists_the_regions_zones);
    tcase_add_test(tc, test_cfn_sam_transform_is_accepted);
    suite_add_tcase(s, tc);

    tc = tcase_create("parameters");
    tcase_add_test(tc, test_cfn_rejects_bad_parameter_declarations);
    tcase_add_test(tc, test_cfn_accepts_aws_specific_parameter_types);
    tcase_add_test(tc, test_cfn_ssm_parameter_override_is_used);
    tcase_add_test(tc, test_cfn_override_of_undeclared_parameter);
    tcase_add_test(tc, test_cfn_number_parameter_must_be_a_number);
    tcase_add_test(tc, test_cfn_parameter_constraints);
    tcase_add_test(tc, test_cfn_constraint_description_is_a_note);
    tcase_add_test(tc, test_cfn_parameter_without_value_fails_only_when_referenced);
    suite_add_tcase(s, tc);

    tc = tcase_create("resolve");
    tcase_add_test(tc, test_cfn_ref_short_and_long_forms);
    tcase_add_test(tc, test_cfn_misspelt_ref_suggests);
    tcase_add_test(tc, test_cfn_getatt_forms);
    tcase_add_test(tc, test_cfn_sub_forms);
    tcase_add_test(tc, test_cfn_pseudo_parameters);
    tcase_add_test(tc, test_cfn_join_select_split);
    tcase_add_test(tc, test_cfn_find_in_map);
    tcase_add_test(tc, test_cfn_conditions_and_if);
    tcase_add_test(tc, test_cfn_base64_and_offline_impossible_functions);
    tcase_add_test(tc, test_cfn_deep_condition_chain_is_cut_off);
    tcase_add_test(tc, test_cfn_rejects_misused_functions);
    suite_add_tcase(s, tc);
    return s;
}
