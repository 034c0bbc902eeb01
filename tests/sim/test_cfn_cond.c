/*
 * Tests for conditions on resources and outputs (issue 17). AWS (TemplateReference
 * aws-attribute-condition): CloudFormation creates a resource only when its Condition is
 * true. A reference from a resource (or output) that is created to one that is not is an
 * error unless it sits in an Fn::If branch not taken (the rule cfn-lint and AWS's
 * cloudformation-validate apply: rules/references.rs exempts only Fn::If branches).
 */
#include "helpers.h"

#include "asgsim/cfn.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *cfn_cond_suite(void);

struct fx {
    struct ydoc *doc;
    struct cfn_template *t;
    struct diag_list d;
};

static int open_text(struct fx *f, const char *text, const struct cfn_options *opt)
{
    memset(f, 0, sizeof(*f));
    ck_assert_int_eq(ydoc_parse(&f->doc, "t.yaml", text, strlen(text), &f->d), 0);
    return cfn_open(&f->t, f->doc, opt, &f->d);
}

static void fx_release(struct fx *f)
{
    cfn_close(f->t);
    ydoc_free(f->doc);
    diag_list_release(&f->d);
}

/* cfn_open must fail with `want` as the first diagnostic. */
static void expect_open_error(const char *text, const char *want)
{
    struct fx f;
    int rc = open_text(&f, text, NULL);
    ck_assert_int_eq(rc, ASG_EINVAL);
    ck_assert_ptr_null(f.t);
    ck_assert_uint_gt(f.d.nr, 0);
    char *got = diag_format(&f.d.items[0]);
    ck_assert_str_eq(got, want);
    free(got);
    fx_release(&f);
}

static const char cond_yaml[] = "Parameters:\n"
                                "  Env: {Type: String, Default: dev}\n"
                                "Conditions:\n"
                                "  IsProd: !Equals [!Ref Env, prod]\n"
                                "  IsDev: !Equals [!Ref Env, dev]\n"
                                "Resources:\n"
                                "  Web:\n"
                                "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                                "  ProdOnly:\n"
                                "    Type: AWS::AutoScaling::ScheduledAction\n"
                                "    Condition: IsProd\n"
                                "    Properties: {AutoScalingGroupName: !Ref Web}\n"
                                "  DevOnly:\n"
                                "    Type: AWS::AutoScaling::ScheduledAction\n"
                                "    Condition: IsDev\n"
                                "    Properties:\n"
                                "      AutoScalingGroupName: !Ref Web\n"
                                "      Guarded: !If [IsProd, !Ref ProdOnly, !Ref AWS::NoValue]\n"
                                "      GuardedAtt: !If [IsProd, !GetAtt ProdOnly.Arn, none]\n"
                                "      GuardedSub: {Fn::If: [IsProd, !Sub '${ProdOnly}', none]}\n"
                                "Outputs:\n"
                                "  ProdOut:\n"
                                "    Condition: IsProd\n"
                                "    Value: !Ref ProdOnly\n";

START_TEST(test_cfn_resource_under_false_condition_does_not_exist)
{
    struct fx f;
    ck_assert_int_eq(open_text(&f, cond_yaml, NULL), 0);
    ck_assert_uint_eq(f.t->nr_resources, 2);
    ck_assert_str_eq(f.t->resources[0].logical_id, "Web");
    ck_assert_str_eq(f.t->resources[1].logical_id, "DevOnly");
    ck_assert_ptr_null(cfn_find_resource(f.t, "ProdOnly"));
    ck_assert_uint_eq(f.d.nr, 0); /* no warning about the resource left out */
    fx_release(&f);

    struct cfn_override ov = { "Env", "prod" };
    struct cfn_options opt = { .overrides = &ov, .nr_overrides = 1 };
    ck_assert_int_eq(open_text(&f, cond_yaml, &opt), 0);
    ck_assert_uint_eq(f.t->nr_resources, 2);
    ck_assert_str_eq(f.t->resources[1].logical_id, "ProdOnly");
    ck_assert_ptr_null(cfn_find_resource(f.t, "DevOnly"));
    fx_release(&f);
}

END_TEST

/* "Gone" is under a false condition; "Here" exists and refers to it on line 9. */
#define GONE_HEAD                                                                                  \
    "Conditions:\n  Never: !Equals [a, b]\nResources:\n  Gone:\n    Type: x\n"                     \
    "    Condition: Never\n  Here:\n    Type: y\n"

START_TEST(test_cfn_reference_to_resource_not_created_is_an_error)
{
    expect_open_error(GONE_HEAD "    Properties: {P: !Ref Gone}\n",
                      "asgsim: t.yaml:9:21: error: Ref names resource 'Gone', which is not "
                      "created: its condition 'Never' is false");
    expect_open_error(GONE_HEAD "    Properties: {P: {Ref: Gone}}\n",
                      "asgsim: t.yaml:9:21: error: Ref names resource 'Gone', which is not "
                      "created: its condition 'Never' is false");
    expect_open_error(GONE_HEAD "    Properties: {P: !GetAtt Gone.Arn}\n",
                      "asgsim: t.yaml:9:21: error: Fn::GetAtt names resource 'Gone', which is "
                      "not created: its condition 'Never' is false");
    expect_open_error(GONE_HEAD "    Properties: {P: {Fn::GetAtt: [Gone, Arn]}}\n",
                      "asgsim: t.yaml:9:21: error: Fn::GetAtt names resource 'Gone', which is "
                      "not created: its condition 'Never' is false");
    expect_open_error(GONE_HEAD "    Properties: {P: !Sub 'x-${Gone.Arn}'}\n",
                      "asgsim: t.yaml:9:21: error: Fn::Sub names resource 'Gone', which is "
                      "not created: its condition 'Never' is false");
    expect_open_error(GONE_HEAD "    Properties: {P: [{Q: !Ref Gone}]}\n",
                      "asgsim: t.yaml:9:26: error: Ref names resource 'Gone', which is not "
                      "created: its condition 'Never' is false");
    expect_open_error(GONE_HEAD "    DependsOn: [Gone]\n",
                      "asgsim: t.yaml:9:17: error: DependsOn names resource 'Gone', which is "
                      "not created: its condition 'Never' is false");
    expect_open_error(GONE_HEAD "    DependsOn: Gone\n",
                      "asgsim: t.yaml:9:16: error: DependsOn names resource 'Gone', which is "
                      "not created: its condition 'Never' is false");
    /* The branch taken counts, the other does not. */
    expect_open_error(GONE_HEAD "    Properties: {P: !If [Never, x, !Ref Gone]}\n",
                      "asgsim: t.yaml:9:36: error: Ref names resource 'Gone', which is not "
                      "created: its condition 'Never' is false");
    expect_open_error(GONE_HEAD "Outputs:\n  O:\n    Value: !Ref Gone\n",
                      "asgsim: t.yaml:11:12: error: Ref names resource 'Gone', which is not "
                      "created: its condition 'Never' is false");

    struct fx f;
    ck_assert_int_eq(open_text(&f,
                               GONE_HEAD "    Properties: {P: !If [Never, !Ref Gone, x]}\n"
                                         "Outputs:\n  O:\n    Condition: Never\n"
                                         "    Value: !Ref Gone\n",
                               NULL),
                     0);
    ck_assert_uint_eq(f.t->nr_resources, 1);
    fx_release(&f);
}

END_TEST

/*
 * AWS::NoValue "Removes the corresponding resource property when specified as a return
 * value in the Fn::If intrinsic function" (pseudo-parameter-reference): the Properties a
 * resource exposes leave such a key (and such a list item) out, keep the value an Fn::If
 * picks, and leave an Fn::If whose condition is unknown for cfn_resolve() to report.
 */
START_TEST(test_cfn_novalue_removes_the_property)
{
    static const char text[] = "Parameters:\n"
                               "  Env: {Type: String, Default: dev}\n"
                               "Conditions:\n"
                               "  IsProd: !Equals [!Ref Env, prod]\n"
                               "Resources:\n"
                               "  Web:\n"
                               "    Type: AWS::AutoScaling::AutoScalingGroup\n"
                               "    Properties:\n"
                               "      Gone: !If [IsProd, 1, !Ref AWS::NoValue]\n"
                               "      Kept: !If [IsProd, !Ref AWS::NoValue, 2]\n"
                               "      Plain: {Ref: AWS::NoValue}\n"
                               "      Nested: {Deep: !If [IsProd, 1, {Ref: AWS::NoValue}], B: 3}\n"
                               "      List: [a, !If [IsProd, b, !Ref AWS::NoValue], c]\n"
                               "      Unknown: !If [NoSuchCondition, 1, !Ref AWS::NoValue]\n";
    struct fx f;
    ck_assert_int_eq(open_text(&f, text, NULL), 0);
    const struct ynode *p = cfn_find_resource(f.t, "Web")->properties;
    ck_assert_ptr_null(ynode_get(p, "Gone"));
    ck_assert_ptr_null(ynode_get(p, "Plain"));
    const struct ynode *kept = ynode_get(p, "Kept");
    ck_assert_ptr_nonnull(kept);
    ck_assert_str_eq(kept->scalar, "2");
    ck_assert_uint_eq(kept->loc.line, 10); /* where the value picked is written */
    const struct ynode *nested = ynode_get(p, "Nested");
    ck_assert_uint_eq(nested->nr, 1);
    ck_assert_ptr_null(ynode_get(nested, "Deep"));
    const struct ynode *list = ynode_get(p, "List");
    ck_assert_uint_eq(list->nr, 2);
    ck_assert_str_eq(list->items[1]->scalar, "c");
    ck_assert_ptr_nonnull(ynode_get(p, "Unknown"));
    ck_assert_uint_eq(f.d.nr, 0);
    fx_release(&f);
    /* the other way, the condition keeps them */
    struct cfn_override ov = { "Env", "prod" };
    struct cfn_options opt = { .overrides = &ov, .nr_overrides = 1 };
    ck_assert_int_eq(open_text(&f, text, &opt), 0);
    p = cfn_find_resource(f.t, "Web")->properties;
    ck_assert_str_eq(ynode_get(p, "Gone")->scalar, "1");
    ck_assert_ptr_null(ynode_get(p, "Kept"));
    ck_assert_uint_eq(ynode_get(p, "List")->nr, 3);
    ck_assert_uint_eq(ynode_get(ynode_get(p, "Nested"), "Deep")->loc.line, 12);
    fx_release(&f);
}

END_TEST

START_TEST(test_cfn_condition_attribute_must_name_a_condition)
{
    expect_open_error(
            "Conditions:\n  Never: !Equals [a, b]\nResources:\n  A:\n    Type: x\n"
            "    Condition: Nevr\n",
            "asgsim: t.yaml:6:16: error: unknown condition 'Nevr' (did you mean 'Never'?)");
    expect_open_error("Resources:\n  A:\n    Type: x\n    Condition: Never\n",
                      "asgsim: t.yaml:4:16: error: unknown condition 'Never'");
    expect_open_error("Conditions:\n  Never: !Equals [a, b]\nResources:\n  A:\n    Type: x\n"
                      "    Condition: [Never]\n",
                      "asgsim: t.yaml:6:16: error: the Condition of resource 'A' must be the "
                      "name of a condition");
    expect_open_error("Conditions:\n  Never: !Equals [a, b]\nResources:\n  A:\n    Type: x\n"
                      "Outputs:\n  O:\n    Condition: Nevr\n    Value: x\n",
                      "asgsim: t.yaml:8:16: error: unknown condition 'Nevr' (did you mean "
                      "'Never'?)");
}

END_TEST

Suite *cfn_cond_suite(void)
{
    Suite *s = suite_create("cfn_cond");
    TCase *tc = tcase_create("conditions");
    tcase_add_test(tc, test_cfn_resource_under_false_condition_does_not_exist);
    tcase_add_test(tc, test_cfn_reference_to_resource_not_created_is_an_error);
    tcase_add_test(tc, test_cfn_condition_attribute_must_name_a_condition);
    tcase_add_test(tc, test_cfn_novalue_removes_the_property);
    suite_add_tcase(s, tc);
    return s;
}
