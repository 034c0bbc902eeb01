/*
 * Tests for Fn::ImportValue (resolved from the scenario's Exports map) and for the SAM
 * Transform and Globals sections.
 *
 * AWS: intrinsic-function-reference-importvalue: the import name may be built with Fn::Sub,
 * Fn::Join and the like, but "can't include Ref or GetAtt functions that depend on a
 * resource"; export values are strings.
 * AWS: transform-section-structure: Transform is one macro name or a list of them.
 * AWS: transform-aws-serverless: AWS::Serverless-2016-10-31 is the SAM transform.
 */
#include "helpers.h"

#include "asgsim/cfn.h"
#include "asgsim/util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *cfn_import_suite(void);

struct fx {
    struct ydoc *doc, *exports_doc;
    struct cfn_template *t;
    struct diag_list d;
};

/* Open `text` with the Exports map parsed from `exports` (NULL: no map). */
static int open_with(struct fx *f, const char *text, const char *exports)
{
    memset(f, 0, sizeof(*f));
    ck_assert_int_eq(ydoc_parse(&f->doc, "t.yaml", text, strlen(text), &f->d), 0);
    struct cfn_options opt = { 0 };
    if (exports) {
        ck_assert_int_eq(ydoc_parse(&f->exports_doc, "e.yaml", exports, strlen(exports), &f->d), 0);
        opt.exports = ydoc_root(f->exports_doc);
    }
    return cfn_open(&f->t, f->doc, &opt, &f->d);
}

static void fx_release(struct fx *f)
{
    cfn_close(f->t);
    ydoc_free(f->doc);
    ydoc_free(f->exports_doc);
    diag_list_release(&f->d);
}

static void expect_diag(const struct fx *f, size_t i, const char *want)
{
    ck_assert_uint_gt(f->d.nr, i);
    char *got = diag_format(&f->d.items[i]);
    ck_assert_str_eq(got, want);
    free(got);
}

static const struct ynode *resolve_prop(struct fx *f, const char *key)
{
    const struct cfn_resource *r = cfn_find_resource(f->t, "A");
    ck_assert_ptr_nonnull(r);
    const struct ynode *n = ynode_get(r->properties, key);
    ck_assert_ptr_nonnull(n);
    return cfn_resolve(f->t, n, &f->d);
}

static void expect_text(struct fx *f, const char *key, const char *want)
{
    const struct ynode *n = resolve_prop(f, key);
    if (!n)
        diag_print(&f->d, stderr);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->kind, YNODE_SCALAR);
    ck_assert_str_eq(n->scalar, want);
}

static void expect_resolve_error(struct fx *f, const char *key, const char *want)
{
    size_t before = f->d.nr;
    ck_assert_ptr_null(resolve_prop(f, key));
    ck_assert_uint_eq(f->d.nr, before + 1);
    expect_diag(f, before, want);
}

static const char exports_yaml[] = "net-SubnetsPrivate: subnet-a,subnet-b\n"
                                   "net-VpcId: vpc-1\n"
                                   "shared-max: '12'\n";

static const char imports_yaml[] =
        "Parameters:\n"
        "  ParentVPCStack: {Type: String, Default: net}\n"
        "Resources:\n"
        "  A:\n"
        "    Type: x\n"
        "    Properties:\n"
        "      Short: !ImportValue shared-max\n"
        "      Long: {'Fn::ImportValue': net-VpcId}\n"
        "      SubName: !ImportValue {'Fn::Sub': '${ParentVPCStack}-SubnetsPrivate'}\n"
        "      JoinName: {'Fn::ImportValue': !Join ['-', [!Ref ParentVPCStack, VpcId]]}\n"
        "      Split: !Split [',', {'Fn::ImportValue': !Sub '${ParentVPCStack}-SubnetsPrivate'}]\n"
        "      Missing: !ImportValue net-SubnetsPrivat\n"
        "      Far: !ImportValue something-else\n"
        "      ResRef: {'Fn::ImportValue': !Ref A}\n"
        "      ListName: {'Fn::ImportValue': [a, b]}\n";

START_TEST(test_import_value_forms)
{
    struct fx f;
    ck_assert_int_eq(open_with(&f, imports_yaml, exports_yaml), 0);
    expect_text(&f, "Short", "12");
    expect_text(&f, "Long", "vpc-1");
    /* The common nested-stack idiom: !ImportValue !Sub '${ParentVPCStack}-...'. */
    expect_text(&f, "SubName", "subnet-a,subnet-b");
    expect_text(&f, "JoinName", "vpc-1");
    const struct ynode *n = resolve_prop(&f, "Split");
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->kind, YNODE_SEQ);
    ck_assert_uint_eq(n->nr, 2);
    ck_assert_str_eq(n->items[0]->scalar, "subnet-a");
    ck_assert_str_eq(n->items[1]->scalar, "subnet-b");
    /* The imported value carries the location of the import. */
    n = resolve_prop(&f, "Short");
    ck_assert_uint_eq(n->loc.line, 7);
    ck_assert_uint_eq(f.d.nr, 0);
    fx_release(&f);
}

END_TEST

START_TEST(test_import_value_errors)
{
    struct fx f;
    ck_assert_int_eq(open_with(&f, imports_yaml, exports_yaml), 0);
    expect_resolve_error(
            &f, "Missing",
            "asgsim: t.yaml:12:16: error: Fn::ImportValue: no export named 'net-SubnetsPrivat' in "
            "the scenario's Exports (did you mean 'net-SubnetsPrivate'?)");
    expect_resolve_error(
            &f, "Far",
            "asgsim: t.yaml:13:12: error: Fn::ImportValue: no export named 'something-else' in "
            "the scenario's Exports");
    expect_resolve_error(&f, "ResRef",
                         "asgsim: t.yaml:14:15: error: Fn::ImportValue cannot use a Ref or GetAtt "
                         "of a resource ('A') in the export name");
    expect_resolve_error(
            &f, "ListName",
            "asgsim: t.yaml:15:17: error: the export name in Fn::ImportValue must be a string, "
            "not a sequence");
    fx_release(&f);

    /* No Exports at all: the message says where exports come from. */
    ck_assert_int_eq(open_with(&f, imports_yaml, NULL), 0);
    expect_resolve_error(
            &f, "Short",
            "asgsim: t.yaml:7:14: error: Fn::ImportValue: no export named 'shared-max' (give "
            "the values of other stacks' exports in an 'Exports' map of the scenario settings)");
    fx_release(&f);
}

END_TEST

#define MINIMAL_RESOURCES "Resources:\n  A:\n    Type: x\n"

START_TEST(test_sam_transform_and_globals_accepted)
{
    static const char *const texts[] = {
        "Transform: AWS::Serverless-2016-10-31\n" MINIMAL_RESOURCES,
        "Transform: [AWS::Serverless-2016-10-31]\n" MINIMAL_RESOURCES,
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals:\n  Function: {Timeout: 5}\n" MINIMAL_RESOURCES,
    };
    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        struct fx f;
        int rc = open_with(&f, texts[i], NULL);
        if (rc)
            diag_print(&f.d, stderr);
        ck_assert_int_eq(rc, 0);
        ck_assert_uint_eq(f.d.nr, 0);
        fx_release(&f);
    }
}

END_TEST

static void expect_open_error(const char *text, const char *want)
{
    struct fx f;
    ck_assert_int_eq(open_with(&f, text, NULL), ASG_EINVAL);
    ck_assert_ptr_null(f.t);
    expect_diag(&f, 0, want);
    fx_release(&f);
}

START_TEST(test_other_transforms_refused)
{
    expect_open_error("Transform: AWS::Include\n" MINIMAL_RESOURCES,
                      "asgsim: t.yaml:1:12: error: asgsim cannot expand the transform "
                      "'AWS::Include' (only AWS::Serverless-2016-10-31 is accepted)");
    expect_open_error("Transform: [AWS::Serverless-2016-10-31, MyMacro]\n" MINIMAL_RESOURCES,
                      "asgsim: t.yaml:1:41: error: asgsim cannot expand the transform "
                      "'MyMacro' (only AWS::Serverless-2016-10-31 is accepted)");
    expect_open_error(
            "Transform: {Name: AWS::Include, Parameters: {Location: s3://b/k}}\n" MINIMAL_RESOURCES,
            "asgsim: t.yaml:1:19: error: asgsim cannot expand the transform "
            "'AWS::Include' (only AWS::Serverless-2016-10-31 is accepted)");
    expect_open_error("Transform: {a: b}\n" MINIMAL_RESOURCES,
                      "asgsim: t.yaml:1:12: error: 'Transform' must be a transform name or a list "
                      "of them");
    expect_open_error("Globals:\n  Function: {Timeout: 5}\n" MINIMAL_RESOURCES,
                      "asgsim: t.yaml:1:1: error: 'Globals' is an AWS SAM section: it needs "
                      "'Transform: AWS::Serverless-2016-10-31'");
}

END_TEST

Suite *cfn_import_suite(void)
{
    Suite *s = suite_create("cfn_import");
    TCase *tc = tcase_create("import");
    tcase_add_test(tc, test_import_value_forms);
    tcase_add_test(tc, test_import_value_errors);
    tcase_add_test(tc, test_sam_transform_and_globals_accepted);
    tcase_add_test(tc, test_other_transforms_refused);
    suite_add_tcase(s, tc);
    return s;
}
