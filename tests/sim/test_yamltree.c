/* Tests for the YAML node tree: locations, tags, and everything CloudFormation rejects. */
#include "helpers.h"

#include "asgsim/infile.h"
#include "asgsim/util.h"
#include "asgsim/yamltree.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct ydoc *parse_ok(const char *text)
{
    struct diag_list d = { 0 };
    struct ydoc *doc = NULL;
    int rc = ydoc_parse(&doc, "t.yaml", text, strlen(text), &d);
    if (rc != 0)
        diag_print(&d, stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(d.nr, 0);
    diag_list_release(&d);
    return doc;
}

/* Parse `text`, expect failure with exactly one diagnostic; returns it formatted. */
static char *parse_fail(const char *text, size_t len)
{
    struct diag_list d = { 0 };
    struct ydoc *doc = (struct ydoc *)&d; /* sentinel: must stay untouched */
    int rc = ydoc_parse(&doc, "t.yaml", text, len, &d);
    ck_assert_int_eq(rc, ASG_EFORMAT);
    ck_assert_ptr_eq(doc, (struct ydoc *)&d);
    ck_assert_uint_eq(d.nr, 1);
    char *s = diag_format(&d.items[0]);
    diag_list_release(&d);
    return s;
}

static void expect_error(const char *text, const char *want)
{
    char *got = parse_fail(text, strlen(text));
    ck_assert_str_eq(got, want);
    free(got);
}

static void check_loc(const struct ynode *n, unsigned line, unsigned col)
{
    ck_assert_ptr_nonnull(n);
    ck_assert_uint_eq(n->loc.line, line);
    ck_assert_uint_eq(n->loc.col, col);
}

START_TEST(test_yamltree_example_template_locations_and_tags)
{
    char *path = test_src_path("tests/data/example-template.yaml");
    struct diag_list d = { 0 };
    struct ydoc *doc = NULL;
    ck_assert_int_eq(ydoc_load(&doc, path, &d), 0);
    ck_assert_str_eq(ydoc_file(doc), path);
    const struct ynode *root = ydoc_root(doc);
    ck_assert_int_eq(root->kind, YNODE_MAP);
    ck_assert_uint_eq(root->nr, 5);
    ck_assert_str_eq(root->pairs[4].key->scalar, "Resources");
    check_loc(root->pairs[4].key, 21, 1);
    ck_assert_str_eq(root->loc.file, path);

    const struct ynode *ver = ynode_get(root, "AWSTemplateFormatVersion");
    ck_assert_str_eq(ver->scalar, "2010-09-09");
    ck_assert(!ver->plain);
    check_loc(ver, 1, 27);

    const struct ynode *asg = ynode_get(ynode_get(root, "Resources"), "WebASG");
    check_loc(asg, 27, 5);
    const struct ynode *props = ynode_get(asg, "Properties");
    const struct ynode *max = ynode_get(props, "MaxSize");
    ck_assert_str_eq(max->tag, "!Ref");
    ck_assert_str_eq(max->scalar, "MaxSize");
    check_loc(max, 30, 16);
    const struct ynode *ver2 = ynode_get(ynode_get(props, "LaunchTemplate"), "Version");
    ck_assert_str_eq(ver2->tag, "!GetAtt");
    ck_assert_str_eq(ver2->scalar, "WebLT.LatestVersionNumber");
    check_loc(ver2, 39, 18);
    const struct ynode *tp = ynode_get(props, "TerminationPolicies");
    ck_assert_int_eq(tp->kind, YNODE_SEQ);
    ck_assert_uint_eq(tp->nr, 2);
    ck_assert_str_eq(tp->items[1]->scalar, "Default");
    check_loc(tp, 35, 28);
    check_loc(tp->items[1], 35, 51);
    const struct ynode *warmup = ynode_get(props, "DefaultInstanceWarmup");
    ck_assert_str_eq(warmup->scalar, "120");
    ck_assert(warmup->plain);
    ck_assert_ptr_null(warmup->tag);
    ck_assert_uint_eq(warmup->len, 3);

    const struct ynode *wl =
            ynode_get(ynode_get(ynode_get(root, "Metadata"), "ASGSim::Scenario"), "Workload");
    const struct ynode *burst = ynode_get(wl, "Bursts")->items[0];
    ck_assert_int_eq(burst->kind, YNODE_MAP);
    ck_assert_str_eq(ynode_get(burst, "At")->scalar, "2d10h");
    check_loc(burst, 14, 16);

    size_t len;
    const unsigned char *bytes = ydoc_bytes(doc, &len);
    ck_assert_uint_gt(len, 100);
    ck_assert_int_eq(memcmp(bytes, "AWSTemplateFormatVersion", 24), 0);
    ydoc_free(doc);
    diag_list_release(&d);
    free(path);
}

END_TEST

START_TEST(test_yamltree_tagged_sequences_and_mappings_keep_tags)
{
    struct ydoc *doc = parse_ok("a: !If [C, [], !Ref AWS::NoValue]\n"
                                "b: !Sub [\"${x}\", {x: 1}]\n"
                                "c: {\"Fn::GetAtt\": [L, V]}\n");
    const struct ynode *root = ydoc_root(doc);
    const struct ynode *a = ynode_get(root, "a");
    ck_assert_int_eq(a->kind, YNODE_SEQ);
    ck_assert_str_eq(a->tag, "!If");
    check_loc(a, 1, 4);
    ck_assert_uint_eq(a->items[1]->nr, 0);
    ck_assert_str_eq(a->items[2]->tag, "!Ref");
    check_loc(a->items[2], 1, 16);
    const struct ynode *b = ynode_get(root, "b");
    ck_assert_str_eq(b->tag, "!Sub");
    ck_assert_str_eq(b->items[0]->scalar, "${x}");
    ck_assert(!b->items[0]->plain);
    const struct ynode *c = ynode_get(root, "c");
    ck_assert_ptr_null(c->tag);
    ck_assert_str_eq(c->pairs[0].key->scalar, "Fn::GetAtt");
    check_loc(c->pairs[0].key, 3, 5);
    ydoc_free(doc);
}

END_TEST

START_TEST(test_yamltree_null_scalars)
{
    struct ydoc *doc = parse_ok("a:\nb: ~\nc: null\nd: ''\ne: x\nf: !!str\n");
    const struct ynode *root = ydoc_root(doc);
    ck_assert(ynode_is_null(ynode_get(root, "a")));
    ck_assert(ynode_is_null(ynode_get(root, "b")));
    ck_assert(ynode_is_null(ynode_get(root, "c")));
    ck_assert(!ynode_is_null(ynode_get(root, "d")));
    ck_assert(!ynode_is_null(ynode_get(root, "e")));
    ck_assert(!ynode_is_null(ynode_get(root, "f")));
    ck_assert(!ynode_is_null(root));
    ck_assert(!ynode_is_null(NULL));
    ck_assert_ptr_null(ynode_get(root, "zz"));
    ck_assert_ptr_null(ynode_get(ynode_get(root, "e"), "x"));
    ck_assert_ptr_eq(ynode_get_pair(root, "b")->value, ynode_get(root, "b"));
    ck_assert_str_eq(ynode_kind_name(YNODE_SEQ), "sequence");
    ydoc_free(doc);
}

END_TEST

START_TEST(test_yamltree_empty_stream_and_comments_give_null_root)
{
    struct ydoc *doc = parse_ok("");
    ck_assert_ptr_null(ydoc_root(doc));
    ydoc_free(doc);
    doc = parse_ok("# nothing here\n   # or here\n");
    ck_assert_ptr_null(ydoc_root(doc));
    ydoc_free(doc);
    ydoc_free(NULL);
}

END_TEST

START_TEST(test_yamltree_synthesized_nodes)
{
    struct ydoc *doc = parse_ok("a: 1\n");
    struct src_loc loc = { ydoc_file(doc), 7, 3 };
    struct ynode *s = ydoc_new_scalar(doc, &loc, "hello world", 5);
    ck_assert_int_eq(s->kind, YNODE_SCALAR);
    ck_assert_str_eq(s->scalar, "hello");
    ck_assert_uint_eq(s->len, 5);
    check_loc(s, 7, 3);
    struct ynode *q = ydoc_new_seq(doc, &loc, 3);
    ck_assert_int_eq(q->kind, YNODE_SEQ);
    ck_assert_uint_eq(q->nr, 3);
    ck_assert_ptr_null(q->items[2]);
    q->items[2] = s;
    /* Many nodes: the arena must grow past its first block. */
    for (int i = 0; i < 5000; i++)
        ck_assert_ptr_nonnull(ydoc_new_scalar(doc, &loc, "x", 1));
    ydoc_new_seq(doc, &loc, 10000);
    ydoc_free(doc);
}

END_TEST

START_TEST(test_yamltree_syntax_error_reports_context)
{
    expect_error(
            "a: 1\nb:\n  c: 2\n d: 3\n",
            "asgsim: t.yaml:4:2: error: did not find expected key (while parsing a block mapping at 1:1)");
    expect_error(
            "Resources:\n  A:\n    Type: x\n    Properties: {a: 1\n",
            "asgsim: t.yaml:5:1: error: did not find expected ',' or '}' (while parsing a flow mapping at 4:17)");
}

END_TEST

START_TEST(test_yamltree_syntax_error_without_context)
{
    expect_error("a: 1\nb:\n  c: 2\n    d: 3\n",
                 "asgsim: t.yaml:4:6: error: mapping values are not allowed in this context");
}

END_TEST

START_TEST(test_yamltree_rejects_invalid_utf8)
{
    expect_error("a: 1\nb: \"\xff\"\n",
                 "asgsim: t.yaml:2:5: error: invalid leading UTF-8 octet (#FF)");
}

END_TEST

START_TEST(test_yamltree_rejects_anchor)
{
    expect_error(
            "a: 1\nb: &x 2\n",
            "asgsim: t.yaml:2:4: error: YAML aliases and anchors are not supported by CloudFormation");
}

END_TEST

START_TEST(test_yamltree_rejects_alias_and_anchor_each)
{
    struct diag_list d = { 0 };
    struct ydoc *doc = NULL;
    const char *text = "a: &x [1]\nb: *x\n";
    ck_assert_int_eq(ydoc_parse(&doc, "t.yaml", text, strlen(text), &d), ASG_EFORMAT);
    ck_assert_uint_eq(d.nr, 2);
    ck_assert_uint_eq(d.items[0].loc.line, 1);
    ck_assert_uint_eq(d.items[0].loc.col, 4);
    ck_assert_uint_eq(d.items[1].loc.line, 2);
    ck_assert_uint_eq(d.items[1].loc.col, 4);
    ck_assert_str_eq(d.items[1].msg,
                     "YAML aliases and anchors are not supported by CloudFormation");
    diag_list_release(&d);
}

END_TEST

START_TEST(test_yamltree_rejects_merge_key)
{
    expect_error(
            "base: {a: 1}\nother:\n  b: 2\n  <<: {c: 3}\n",
            "asgsim: t.yaml:4:3: error: YAML merge keys ('<<') are not supported by CloudFormation");
}

END_TEST

START_TEST(test_yamltree_quoted_merge_key_is_a_plain_key)
{
    struct ydoc *doc = parse_ok("'<<': 1\n");
    ck_assert_str_eq(ydoc_root(doc)->pairs[0].key->scalar, "<<");
    ydoc_free(doc);
}

END_TEST

static const struct {
    const char *text;
    const char *want;
} bad_tags[] = {
    { "a: !!binary aGk=\n",
      "asgsim: t.yaml:1:4: error: YAML tag '!!binary' is not supported by CloudFormation" },
    { "a:\n  b: !!omap [x: 1]\n",
      "asgsim: t.yaml:2:6: error: YAML tag '!!omap' is not supported by CloudFormation" },
    { "a: !!pairs [x: 1]\n",
      "asgsim: t.yaml:1:4: error: YAML tag '!!pairs' is not supported by CloudFormation" },
    { "a: !!set {x}\n",
      "asgsim: t.yaml:1:4: error: YAML tag '!!set' is not supported by CloudFormation" },
    { "- !!timestamp 2024-01-01\n",
      "asgsim: t.yaml:1:3: error: YAML tag '!!timestamp' is not supported by CloudFormation" },
};

START_TEST(test_yamltree_rejects_unsupported_tags)
{
    expect_error(bad_tags[_i].text, bad_tags[_i].want);
}

END_TEST

START_TEST(test_yamltree_rejects_duplicate_key)
{
    expect_error("Resources:\n  A: {Type: x}\n  B: {Type: y}\n  A: {Type: z}\n",
                 "asgsim: t.yaml:4:3: error: duplicate key 'A' (first defined at 2:3)");
    /* The same key in different mappings is fine. */
    ydoc_free(parse_ok("a: {x: 1}\nb: {x: 2}\n"));
}

END_TEST

START_TEST(test_yamltree_rejects_non_scalar_key)
{
    expect_error("a: 1\n? [x, y]\n: 2\n",
                 "asgsim: t.yaml:2:3: error: mapping key must be a scalar, not a sequence");
    expect_error("{{a: 1}: 2}\n",
                 "asgsim: t.yaml:1:2: error: mapping key must be a scalar, not a mapping");
}

END_TEST

START_TEST(test_yamltree_rejects_second_document)
{
    expect_error(
            "a: 1\n---\nb: 2\n",
            "asgsim: t.yaml:2:1: error: more than one YAML document in the file (a CloudFormation template is one document)");
}

END_TEST

START_TEST(test_yamltree_rejects_nul_byte)
{
    static const char text[] = "a: 1\nbc: x\0y\n";
    char *got = parse_fail(text, sizeof(text) - 1);
    ck_assert_str_eq(got, "asgsim: t.yaml:2:6: error: input contains a NUL byte");
    free(got);
}

END_TEST

/* Issue 20: an escaped \0 in a double-quoted scalar silently cut the value at the NUL
 * ("c6i.large\0evil" read as c6i.large; "MaxSize\0x" as a duplicate of MaxSize). */
START_TEST(test_yamltree_rejects_escaped_nul_in_scalar)
{
    expect_error("a: 1\nt: \"c6i.large\\0evil\"\n",
                 "asgsim: t.yaml:2:4: error: the scalar contains a NUL character (\\0 or \\x00), "
                 "which no CloudFormation value may hold");
    expect_error("\"MaxSize\\x00x\": 1\n",
                 "asgsim: t.yaml:1:1: error: the scalar contains a NUL character (\\0 or \\x00), "
                 "which no CloudFormation value may hold");
}

END_TEST

/* Issue 20, class 4: documents that made the parser slow or loud. Duplicates are found by
 * sorting (a scan per key was quadratic), nesting is capped, and a long value quoted in a
 * message loses its middle. */
START_TEST(test_yamltree_duplicates_in_a_large_mapping)
{
    struct strbuf_lite {
        char *buf;
        size_t len, alloc;
    } sb = { 0 };

    for (int i = 0; i < 20000; i++) {
        char line[32];
        int n = snprintf(line, sizeof(line), "k%d: %d\n", i, i);
        ALLOC_GROW(sb.buf, sb.len + (size_t)n + 1, sb.alloc);
        memcpy(sb.buf + sb.len, line, (size_t)n + 1);
        sb.len += (size_t)n;
    }
    static const char tail[] = "k7: again\nk3: again\n";
    ALLOC_GROW(sb.buf, sb.len + sizeof(tail), sb.alloc);
    memcpy(sb.buf + sb.len, tail, sizeof(tail));
    sb.len += sizeof(tail) - 1;
    struct diag_list d = { 0 };
    struct ydoc *doc = NULL;
    ck_assert_int_eq(ydoc_parse(&doc, "t.yaml", sb.buf, sb.len, &d), ASG_EFORMAT);
    ck_assert_uint_eq(d.nr, 2);
    char *m0 = diag_format(&d.items[0]), *m1 = diag_format(&d.items[1]);
    /* in file order, each naming its first definition */
    ck_assert_str_eq(m0,
                     "asgsim: t.yaml:20001:1: error: duplicate key 'k7' (first defined at 8:1)");
    ck_assert_str_eq(m1,
                     "asgsim: t.yaml:20002:1: error: duplicate key 'k3' (first defined at 4:1)");
    free(m0);
    free(m1);
    diag_list_release(&d);
    free(sb.buf);
}

END_TEST

START_TEST(test_yamltree_nesting_is_capped)
{
    size_t depth = 100000;
    char *text = xmalloc(2 * depth + 2);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[2 * depth] = '\n';
    char *got = parse_fail(text, 2 * depth + 1);
    ck_assert_str_eq(got, "asgsim: t.yaml:1:257: error: collections nested deeper than 256 levels");
    free(got);
    free(text);
    /* 256 levels are fine */
    char ok[2 * 256 + 2];
    memset(ok, '[', 256);
    memset(ok + 256, ']', 256);
    ok[512] = '\n';
    ok[513] = '\0';
    struct ydoc *doc = parse_ok(ok);
    ydoc_free(doc);
}

END_TEST

START_TEST(test_yamltree_long_value_is_shortened_in_messages)
{
    size_t n = 1 << 20; /* a 1 MB key, defined twice (explicit keys have no length limit) */
    char *text = xmalloc(2 * n + 32);
    memcpy(text, "? ", 2);
    memset(text + 2, 'x', n);
    memcpy(text + 2 + n, "\n: 1\n? ", 7);
    memset(text + 9 + n, 'x', n);
    memcpy(text + 9 + 2 * n, "\n: 2\n", 5);
    char *got = parse_fail(text, 2 * n + 14);
    ck_assert_uint_le(strlen(got), DIAG_MAX_MESSAGE + 64);
    ck_assert_msg(strstr(got, "error: duplicate key 'xxxx"), "%.100s", got);
    ck_assert_msg(strstr(got, "bytes ...]"), "%.100s", got);
    size_t gl = strlen(got);
    ck_assert_str_eq(got + gl - strlen("' (first defined at 1:3)"), "' (first defined at 1:3)");
    free(got);
    free(text);
}

END_TEST

START_TEST(test_yamltree_load_missing_file)
{
    struct diag_list d = { 0 };
    struct ydoc *doc = NULL;
    ck_assert_int_eq(ydoc_load(&doc, "/nonexistent/x.yaml", &d), ASG_ENOENT);
    ck_assert_ptr_null(doc);
    ck_assert_uint_eq(d.nr, 1);
    char *s = diag_format(&d.items[0]);
    ck_assert_str_eq(s, "asgsim: error: cannot open file '/nonexistent/x.yaml': No such file or "
                        "directory");
    free(s);
    diag_list_release(&d);
}

END_TEST

START_TEST(test_yamltree_load_directory_is_io_error)
{
    /* Issue 20: a directory, a FIFO or a device is refused before any read (a FIFO with no
     * writer used to block forever, /dev/zero to read until memory ran out), exit 66. */
    char *dir = test_tmp_path("adir");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    char *fifo = test_tmp_path("afifo");
    remove(fifo);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    const char *paths[] = { dir, fifo, "/dev/zero" };
    const char *kinds[] = { "is a directory", "is a FIFO (named pipe)", "is a character device" };
    for (size_t i = 0; i < 3; i++) {
        struct diag_list d = { 0 };
        struct ydoc *doc = NULL;
        ck_assert_int_eq(ydoc_load(&doc, paths[i], &d), ASG_ENOENT);
        ck_assert_ptr_null(doc);
        ck_assert_uint_eq(d.nr, 1);
        ck_assert_msg(strstr(d.items[0].msg, kinds[i]), "%s", d.items[0].msg);
        ck_assert(strstr(d.items[0].msg, "asgsim reads only regular files"));
        diag_list_release(&d);
    }
    /* Over the size limit: refused by its size, without reading it (a sparse file). */
    char *big = test_tmp_path("big.yaml");
    FILE *f = fopen(big, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(ftruncate(fileno(f), (off_t)INFILE_MAX_YAML + 1), 0);
    fclose(f);
    struct diag_list d = { 0 };
    struct ydoc *doc = NULL;
    ck_assert_int_eq(ydoc_load(&doc, big, &d), ASG_ELIMIT);
    ck_assert_msg(strstr(d.items[0].msg, "over the limit of 16 MiB"), "%s", d.items[0].msg);
    diag_list_release(&d);
    remove(big);
    free(big);
    remove(fifo);
    free(fifo);
    rmdir(dir);
    free(dir);
}

END_TEST

START_TEST(test_yamltree_load_keeps_path_as_given)
{
    char *path = test_tmp_path("given.yaml");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("x: [1,\n", f);
    fclose(f);
    struct diag_list d = { 0 };
    struct ydoc *doc = NULL;
    ck_assert_int_eq(ydoc_load(&doc, path, &d), ASG_EFORMAT);
    ck_assert_uint_eq(d.nr, 1);
    ck_assert_str_eq(d.items[0].loc.file, path);
    ck_assert_uint_eq(d.items[0].loc.line, 2);
    diag_list_release(&d);
    remove(path);
    free(path);
}

END_TEST

Suite *yamltree_suite(void);

Suite *yamltree_suite(void)
{
    Suite *s = suite_create("yamltree");
    TCase *tc = tcase_create("tree");
    tcase_add_test(tc, test_yamltree_example_template_locations_and_tags);
    tcase_add_test(tc, test_yamltree_tagged_sequences_and_mappings_keep_tags);
    tcase_add_test(tc, test_yamltree_null_scalars);
    tcase_add_test(tc, test_yamltree_empty_stream_and_comments_give_null_root);
    tcase_add_test(tc, test_yamltree_synthesized_nodes);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_yamltree_syntax_error_reports_context);
    tcase_add_test(tc, test_yamltree_syntax_error_without_context);
    tcase_add_test(tc, test_yamltree_rejects_invalid_utf8);
    tcase_add_test(tc, test_yamltree_rejects_anchor);
    tcase_add_test(tc, test_yamltree_rejects_alias_and_anchor_each);
    tcase_add_test(tc, test_yamltree_rejects_merge_key);
    tcase_add_test(tc, test_yamltree_quoted_merge_key_is_a_plain_key);
    tcase_add_loop_test(tc, test_yamltree_rejects_unsupported_tags, 0, (int)ARRAY_SIZE(bad_tags));
    tcase_add_test(tc, test_yamltree_rejects_duplicate_key);
    tcase_add_test(tc, test_yamltree_rejects_non_scalar_key);
    tcase_add_test(tc, test_yamltree_rejects_second_document);
    tcase_add_test(tc, test_yamltree_rejects_nul_byte);
    suite_add_tcase(s, tc);

    tc = tcase_create("load");
    tcase_add_test(tc, test_yamltree_load_missing_file);
    tcase_add_test(tc, test_yamltree_load_directory_is_io_error);
    tcase_add_test(tc, test_yamltree_rejects_escaped_nul_in_scalar);
    tcase_add_test(tc, test_yamltree_duplicates_in_a_large_mapping);
    tcase_add_test(tc, test_yamltree_nesting_is_capped);
    tcase_add_test(tc, test_yamltree_long_value_is_shortened_in_messages);
    tcase_add_test(tc, test_yamltree_load_keeps_path_as_given);
    suite_add_tcase(s, tc);
    return s;
}
