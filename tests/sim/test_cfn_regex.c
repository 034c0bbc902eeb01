/*
 * Tests for AllowedPattern: CloudFormation reads it as a Java regular expression
 * (AWS: parameters-section-structure, "AllowedPattern: A regular expression that represents
 * the patterns to allow for String or CommaDelimitedList types"), so the patterns of real
 * templates must be accepted and checked as Java would, not refused by POSIX rules.
 */
#include "cfn_int.h"
#include "helpers.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *cfn_regex_suite(void);

/* Does the Java pattern accept the whole of `value`? The pattern must translate. */
static bool java_matches(const char *pat, const char *value)
{
    char *ere;
    const char *why;
    ck_assert_msg(cfn__java_regex_to_ere(pat, &ere, &why) == 0, "%s: %s", pat, why ? why : "");
    char *full = xasprintf("^(%s)$", ere);
    regex_t re;
    int rc = regcomp(&re, full, REG_EXTENDED | REG_NOSUB);
    ck_assert_msg(rc == 0, "%s -> %s does not compile", pat, full);
    bool ok = regexec(&re, value, 0, NULL, 0) == 0;
    regfree(&re);
    free(full);
    free(ere);
    return ok;
}

static void expect_unsupported(const char *pat)
{
    static char sentinel[] = "sentinel";
    char *ere = sentinel;
    const char *why = NULL;
    ck_assert_int_eq(cfn__java_regex_to_ere(pat, &ere, &why), 1);
    ck_assert_ptr_null(ere);
    ck_assert_ptr_nonnull(why);
}

/* aws-quickstart/quickstart-linux-bastion, parameter QSS3KeyPrefix: a `-` after a range is a
 * literal in Java; POSIX regcomp() said "Invalid range end" and asgsim refused the template. */
START_TEST(test_regex_dash_after_range_is_literal)
{
    const char *p = "^([0-9a-zA-Z-.]+/)*$";
    ck_assert(java_matches(p, "quickstart-linux-bastion/"));
    ck_assert(java_matches(p, "a.b/c-d/"));
    ck_assert(java_matches(p, ""));
    ck_assert(!java_matches(p, "a b/"));
    ck_assert(!java_matches(p, "abc"));
}

END_TEST

/* aws-samples/aws-refarch-wordpress, parameter WPAdminEmail: escapes inside brackets. */
START_TEST(test_regex_escapes_inside_brackets)
{
    const char *p =
            "^(([^<>()\\[\\]\\\\.,;:\\s@\"]+(\\.[^<>()\\[\\]\\\\.,;:\\s@\"]+)*)|(\".+\"))@"
            "((\\[[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}])|(([a-zA-Z\\-0-9]+\\.)+"
            "[a-zA-Z]{2,}))$";
    ck_assert(java_matches(p, "admin@example.com"));
    ck_assert(java_matches(p, "first.last@mail.example.org"));
    ck_assert(java_matches(p, "a@[10.0.0.1]"));
    ck_assert(!java_matches(p, "admin@"));
    ck_assert(!java_matches(p, "ad min@example.com"));
    ck_assert(!java_matches(p, "a[b@example.com"));
    ck_assert(!java_matches(p, "a\\b@example.com"));

    ck_assert(java_matches("[\\[\\]\\\\.]", "["));
    ck_assert(java_matches("[\\[\\]\\\\.]", "]"));
    ck_assert(java_matches("[\\[\\]\\\\.]", "\\"));
    ck_assert(java_matches("[\\[\\]\\\\.]", "."));
    ck_assert(!java_matches("[\\[\\]\\\\.]", "a"));
    ck_assert(java_matches("[-^]+", "^-^"));
    ck_assert(java_matches("[\\^]", "^"));
    ck_assert(!java_matches("[^^]", "^"));
    ck_assert(java_matches("[^^]", "a"));
    ck_assert(java_matches("[a-c^-]+", "a^-c"));
    ck_assert(java_matches("[\\w.-]+", "my_bucket.name-1"));
    ck_assert(!java_matches("[\\w.-]+", "my bucket"));
}

END_TEST

START_TEST(test_regex_classes_groups_and_quantifiers)
{
    ck_assert(java_matches("\\d{3}", "123"));
    ck_assert(!java_matches("\\d{3}", "12a"));
    ck_assert(java_matches("\\S+\\s\\S+", "a b"));
    ck_assert(!java_matches("\\S+", "a b"));
    ck_assert(java_matches("\\w+", "abc_9"));
    ck_assert(!java_matches("\\W", "a"));
    ck_assert(java_matches("(?:ab)+", "abab"));
    ck_assert(java_matches("a.*?b", "axxb")); /* lazy: same whole-value matches */
    ck_assert(java_matches("arn:aws:s3:::\\S+/.*", "arn:aws:s3:::bucket/key"));
    ck_assert(java_matches("sg-\\w{8}(?:\\w{9})?", "sg-0123abcd"));
    ck_assert(java_matches("\\-\\/\\@", "-/@"));
    ck_assert(java_matches("a\\.b", "a.b"));
    ck_assert(!java_matches("a\\.b", "axb"));
}

END_TEST

/* Java features POSIX has no form for are reported, not mistranslated. */
START_TEST(test_regex_unsupported_features_are_named)
{
    expect_unsupported("^((?!0$)[1-2]?[0-9]|30)$"); /* aws-refarch-wordpress, WebAsgMax */
    expect_unsupported("(?=a)a");
    expect_unsupported("(?i)abc");
    expect_unsupported("\\bword\\b");
    expect_unsupported("(a)\\1");
    expect_unsupported("a++");
    expect_unsupported("[a-z&&[^e]]");
}

END_TEST

/* A lookahead pattern is a warning, and the template opens: CloudFormation accepts it. A
 * pattern that is malformed in any syntax stays an error. */
START_TEST(test_regex_template_with_lookahead_opens_with_warning)
{
    const char *text = "Parameters:\n"
                       "  WebAsgMax:\n"
                       "    Type: String\n"
                       "    Default: '4'\n"
                       "    AllowedPattern: ^((?!0$)[1-2]?[0-9]|30)$\n"
                       "Resources:\n  A:\n    Type: AWS::EC2::PlacementGroup\n";
    struct ydoc *doc = NULL;
    struct cfn_template *t = NULL;
    struct diag_list d = { 0 };
    ck_assert_int_eq(ydoc_parse(&doc, "t.yaml", text, strlen(text), &d), 0);
    ck_assert_int_eq(cfn_open(&t, doc, NULL, &d), 0);
    ck_assert_uint_eq(d.nr, 1);
    char *msg = diag_format(&d.items[0]);
    ck_assert_str_eq(msg, "asgsim: t.yaml:5:21: warning: AllowedPattern of parameter 'WebAsgMax' "
                          "uses a lookaround or named group, which asgsim cannot evaluate; values "
                          "are not checked against it");
    free(msg);
    cfn_close(t);
    ydoc_free(doc);
    diag_list_release(&d);
}

END_TEST

Suite *cfn_regex_suite(void)
{
    Suite *s = suite_create("cfn_regex");
    TCase *tc = tcase_create("java");
    tcase_add_test(tc, test_regex_dash_after_range_is_literal);
    tcase_add_test(tc, test_regex_escapes_inside_brackets);
    tcase_add_test(tc, test_regex_classes_groups_and_quantifiers);
    tcase_add_test(tc, test_regex_unsupported_features_are_named);
    tcase_add_test(tc, test_regex_template_with_lookahead_opens_with_warning);
    suite_add_tcase(s, tc);
    return s;
}
