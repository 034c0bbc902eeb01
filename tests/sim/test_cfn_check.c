/*
 * Tests for the structure CloudFormation rejects before it creates anything (issue 20,
 * class 6; sim/cfn_check.c). AWS: aws-attribute-dependson (a resource may depend on
 * several, "Circular dependency between resources" otherwise), outputs-section-structure
 * (Value is required), conditions-section-structure. The error cases as whole runs (exit
 * 65, location, nothing on disk) are tests/data/bad/depends_on_*.yaml, output_*.yaml,
 * condition_cycle_unused.yaml and description_not_string.yaml.
 */
#include "helpers.h"

#include "asgsim/cfn.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

Suite *cfn_check_suite(void);

struct fx {
    struct ydoc *doc;
    struct cfn_template *t;
    struct diag_list d;
};

static int open_text(struct fx *f, const char *text)
{
    memset(f, 0, sizeof(*f));
    ck_assert_int_eq(ydoc_parse(&f->doc, "t.yaml", text, strlen(text), &f->d), 0);
    return cfn_open(&f->t, f->doc, NULL, &f->d);
}

static void fx_release(struct fx *f)
{
    cfn_close(f->t);
    ydoc_free(f->doc);
    diag_list_release(&f->d);
}

static void expect_ok(const char *text)
{
    struct fx f;
    int rc = open_text(&f, text);
    if (rc)
        diag_print(&f.d, stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(f.d.nr, 0);
    fx_release(&f);
}

static void expect_error(const char *text, const char *want)
{
    struct fx f;
    ck_assert_int_eq(open_text(&f, text), ASG_EINVAL);
    ck_assert_uint_gt(f.d.nr, 0);
    char *got = diag_format(&f.d.items[0]);
    ck_assert_str_eq(got, want);
    free(got);
    fx_release(&f);
}

START_TEST(test_cfn_depends_on_diamond_is_not_a_cycle)
{
    /* D waits for B and C, both wait for A: a graph CloudFormation creates in order. */
    expect_ok("Resources:\n"
              "  A: {Type: x}\n"
              "  B: {Type: x, DependsOn: A}\n"
              "  C: {Type: x, DependsOn: [A]}\n"
              "  D: {Type: x, DependsOn: [B, C]}\n");
}

END_TEST

START_TEST(test_cfn_depends_on_errors)
{
    expect_error("Resources:\n  A: {Type: x, DependsOn: [B, 7]}\n  B: {Type: x}\n",
                 "asgsim: t.yaml:2:31: error: resource 'A': DependsOn names '7', which is not a "
                 "resource of the template (did you mean 'A'?)");
    expect_error("Resources:\n  A: {Type: x, DependsOn: {B: 1}}\n  B: {Type: x}\n",
                 "asgsim: t.yaml:2:27: error: resource 'A': DependsOn must be a resource name "
                 "or a list of them");
    /* The shortest loop: two resources waiting for each other. */
    expect_error("Resources:\n  A: {Type: x, DependsOn: B}\n  B: {Type: x, DependsOn: A}\n",
                 "asgsim: t.yaml:2:27: error: circular dependency between resources: A -> B -> "
                 "A (DependsOn)");
}

END_TEST

START_TEST(test_cfn_outputs_name_what_exists)
{
    expect_ok("Parameters:\n  Env: {Type: String, Default: dev}\n"
              "Resources:\n  LT: {Type: AWS::EC2::LaunchTemplate}\n"
              "Outputs:\n"
              "  V: {Value: !GetAtt LT.LatestVersionNumber}\n"
              "  S: {Value: !Sub '${AWS::Region}-${Env}-${LT}-${LT.Id}-${!Literal}', "
              "Description: an id}\n"
              "  L: {Value: !Sub ['${X}', {X: !Ref Env}]}\n"
              "  P: {Value: !Ref AWS::StackName}\n");
    expect_error("Resources:\n  LT: {Type: x}\n"
                 "Outputs:\n  V: {Value: !GetAtt Env.Id}\n",
                 "asgsim: t.yaml:4:14: error: output 'V': Fn::GetAtt names 'Env', which is not "
                 "a resource of the template");
    expect_error("Resources:\n  LT: {Type: x}\nOutputs:\n  V: {Value: !Sub 'a-${LX}'}\n",
                 "asgsim: t.yaml:4:14: error: output 'V': Fn::Sub names 'LX', which is neither "
                 "a parameter nor a resource of the template (did you mean 'LT'?)");
    expect_error("Resources:\n  LT: {Type: x}\nOutputs:\n  V: x\n",
                 "asgsim: t.yaml:4:6: error: output 'V' must be a mapping with a Value, not a "
                 "scalar");
    expect_error("Resources:\n  LT: {Type: x}\nOutputs:\n  V: {Value: x, Description: [a]}\n",
                 "asgsim: t.yaml:4:30: error: the Description of output 'V' must be a string, "
                 "not a sequence");
}

END_TEST

Suite *cfn_check_suite(void)
{
    Suite *s = suite_create("cfn_check");
    TCase *tc = tcase_create("structure");
    tcase_add_test(tc, test_cfn_depends_on_diamond_is_not_a_cycle);
    tcase_add_test(tc, test_cfn_depends_on_errors);
    tcase_add_test(tc, test_cfn_outputs_name_what_exists);
    suite_add_tcase(s, tc);
    return s;
}
