/*
 * YAML node tree built from libyaml events. Every node, string and child array lives in an
 * arena owned by struct ydoc, so freeing a document is a walk over a few large blocks.
 */
#include "asgsim/yamltree.h"

#include "asgsim/infile.h"
#include "asgsim/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* clang-format off */
#include "asgsim/banned.h" /* last: bans unsafe functions in this file only */
/* clang-format on */

#define ARENA_ALIGN     16
#define ARENA_BLOCK_MIN 16384

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
};

/* Round the block header up so that the first allocation is aligned like malloc's. */
#define ARENA_HDR ((sizeof(struct arena_block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

struct ydoc {
    char *file;
    unsigned char *bytes; /* copy of the input, NUL-terminated */
    size_t len;
    struct ynode *root;
    struct arena_block *blocks;
};

static void *arena_alloc(struct ydoc *doc, size_t size)
{
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size == 0)
        size = ARENA_ALIGN;
    struct arena_block *b = doc->blocks;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK_MIN ? size : ARENA_BLOCK_MIN;
        b = xmalloc(ARENA_HDR + cap);
        b->used = 0;
        b->cap = cap;
        /* A block made for one big request goes behind the current one, which keeps its room. */
        if (doc->blocks && size > ARENA_BLOCK_MIN) {
            b->next = doc->blocks->next;
            doc->blocks->next = b;
        } else {
            b->next = doc->blocks;
            doc->blocks = b;
        }
    }
    void *p = (unsigned char *)b + ARENA_HDR + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

static char *arena_strndup(struct ydoc *doc, const char *s, size_t len)
{
    char *p = arena_alloc(doc, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static uint32_t mark_to_u32(size_t v)
{
    return v >= UINT32_MAX ? UINT32_MAX : (uint32_t)v + 1;
}

static struct src_loc mark_loc(const struct ydoc *doc, yaml_mark_t m)
{
    struct src_loc loc = { doc->file, mark_to_u32(m.line), mark_to_u32(m.column) };
    return loc;
}

/*
 * 1-based line:column of byte `offset`, counting columns in characters as libyaml does
 * (UTF-8 continuation bytes do not advance the column).
 */
static struct src_loc offset_loc(const struct ydoc *doc, size_t offset)
{
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < offset && i < doc->len; i++) {
        unsigned char c = doc->bytes[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= doc->len || doc->bytes[i + 1] != '\n'))) {
            line++;
            col = 1;
        } else if (c == '\r' || (c & 0xC0) == 0x80) {
            continue;
        } else {
            col++;
        }
    }
    struct src_loc loc = { doc->file, line, col };
    return loc;
}

struct frame {
    struct ynode *node;
    struct ynode **items;     /* SEQ children */
    struct ynode_pair *pairs; /* MAP children */
    size_t nr, alloc;
    struct ynode *key; /* MAP: key waiting for its value */
};

struct builder {
    struct ydoc *doc;
    struct diag_list *d;
    struct frame *stack;
    size_t nr, alloc;
    size_t nr_errors;
    size_t nr_docs;
    bool stop; /* an error that ends parsing (nesting too deep) */
};

/* Deeper nesting than any template needs (CloudFormation intrinsics nest a few levels); a
 * cap keeps a hostile file of 100,000 nested collections from costing time and stack. */
#define YAML_MAX_DEPTH 256

static void berror(struct builder *b, const struct src_loc *loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void berror(struct builder *b, const struct src_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_error(b->d, loc, "%s", msg);
    free(msg);
    b->nr_errors++;
}

static bool same_text(const struct ynode *a, const struct ynode *b)
{
    return a->len == b->len && memcmp(a->scalar, b->scalar, a->len) == 0;
}

/* Attach a finished node to the open container (or make it the root). */
static void attach(struct builder *b, struct ynode *n)
{
    if (b->nr == 0) {
        b->doc->root = n;
        return;
    }
    struct frame *f = &b->stack[b->nr - 1];
    if (f->node->kind == YNODE_SEQ) {
        ALLOC_GROW(f->items, f->nr + 1, f->alloc);
        f->items[f->nr++] = n;
        return;
    }
    if (f->key) {
        ALLOC_GROW(f->pairs, f->nr + 1, f->alloc);
        f->pairs[f->nr].key = f->key;
        f->pairs[f->nr].value = n;
        f->nr++;
        f->key = NULL;
        return;
    }
    f->key = n;
    if (n->kind != YNODE_SCALAR) {
        berror(b, &n->loc, "mapping key must be a scalar, not a %s", ynode_kind_name(n->kind));
        return;
    }
    /* YAML 1.1 merge keys: libyaml passes `<<` through as a plain key without merging. */
    if (n->plain && !n->tag && n->len == 2 && memcmp(n->scalar, "<<", 2) == 0) {
        berror(b, &n->loc, "YAML merge keys ('<<') are not supported by CloudFormation");
        return;
    }
    /* Duplicate keys are found when the mapping closes (check_duplicates). */
}

static const char *const unsupported_tags[] = {
    "tag:yaml.org,2002:binary", "tag:yaml.org,2002:omap",      "tag:yaml.org,2002:pairs",
    "tag:yaml.org,2002:set",    "tag:yaml.org,2002:timestamp",
};

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

static struct ynode *new_node(struct builder *b, enum ynode_kind kind, yaml_mark_t mark,
                              const yaml_char_t *tag, const yaml_char_t *anchor)
{
    struct ynode *n = arena_alloc(b->doc, sizeof(*n));
    n->kind = kind;
    n->loc = mark_loc(b->doc, mark);
    if (tag) {
        const char *t = (const char *)tag;
        n->tag = arena_strndup(b->doc, t, strlen(t));
        for (size_t i = 0; i < ARRAY_SIZE(unsupported_tags); i++) {
            if (strcmp(t, unsupported_tags[i]) == 0) {
                berror(b, &n->loc, "YAML tag '!!%s' is not supported by CloudFormation",
                       t + strlen(YAML_TAG_PREFIX));
                break;
            }
        }
    }
    if (anchor)
        berror(b, &n->loc, "YAML aliases and anchors are not supported by CloudFormation");
    return n;
}

static void push(struct builder *b, struct ynode *n)
{
    if (b->nr >= YAML_MAX_DEPTH && !b->stop) {
        berror(b, &n->loc, "collections nested deeper than %d levels", YAML_MAX_DEPTH);
        b->stop = true;
    }
    ALLOC_GROW(b->stack, b->nr + 1, b->alloc);
    struct frame *f = &b->stack[b->nr++];
    memset(f, 0, sizeof(*f));
    f->node = n;
}

/* A key and its position, sorted by key text, then position, so equal keys are adjacent
 * with the first definition first. */
struct kref {
    const struct ynode *key;
    size_t i;
};

static int cmp_kref(const void *pa, const void *pb)
{
    const struct kref *x = pa, *y = pb;
    const struct ynode *a = x->key, *b = y->key;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->scalar, b->scalar, n);
    if (c == 0 && a->len != b->len)
        c = a->len < b->len ? -1 : 1;
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int cmp_size(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

/*
 * Reports each key defined twice in a closing mapping, in file order: O(n log n), where a
 * scan per key was quadratic (a mapping of 150,000 keys took over 10 s).
 */
static void check_duplicates(struct builder *b, const struct frame *f)
{
    if (f->nr < 2)
        return;
    struct kref *idx = xcalloc(f->nr, sizeof(*idx));
    size_t n = 0;
    for (size_t i = 0; i < f->nr; i++)
        if (f->pairs[i].key->kind == YNODE_SCALAR)
            idx[n++] = (struct kref){ f->pairs[i].key, i };
    qsort(idx, n, sizeof(*idx), cmp_kref);
    size_t *dup = xcalloc(f->nr, sizeof(*dup)), *first = xcalloc(f->nr, sizeof(*first));
    size_t nr_dup = 0;
    for (size_t i = 1, g = 0; i < n; i++) {
        if (!same_text(idx[i].key, idx[g].key)) {
            g = i;
            continue;
        }
        first[idx[i].i] = idx[g].i;
        dup[nr_dup++] = idx[i].i;
    }
    qsort(dup, nr_dup, sizeof(*dup), cmp_size);
    for (size_t i = 0; i < nr_dup; i++) {
        const struct ynode *k = f->pairs[dup[i]].key, *k0 = f->pairs[first[dup[i]]].key;
        berror(b, &k->loc, "duplicate key '%s' (first defined at %u:%u)", k->scalar, k0->loc.line,
               k0->loc.col);
    }
    free(first);
    free(dup);
    free(idx);
}

static void pop(struct builder *b)
{
    ASG_ASSERT(b->nr > 0);
    struct frame *f = &b->stack[--b->nr];
    struct ynode *n = f->node;
    if (n->kind == YNODE_MAP)
        check_duplicates(b, f);
    n->nr = f->nr;
    if (n->kind == YNODE_SEQ) {
        n->items = arena_alloc(b->doc, f->nr * sizeof(*n->items));
        if (f->nr)
            memcpy(n->items, f->items, f->nr * sizeof(*n->items));
    } else {
        n->pairs = arena_alloc(b->doc, f->nr * sizeof(*n->pairs));
        if (f->nr)
            memcpy(n->pairs, f->pairs, f->nr * sizeof(*n->pairs));
    }
    free(f->items);
    free(f->pairs);
    attach(b, n);
}

static void builder_release(struct builder *b)
{
    for (size_t i = 0; i < b->nr; i++) {
        free(b->stack[i].items);
        free(b->stack[i].pairs);
    }
    free(b->stack);
}

static void syntax_error(struct builder *b, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "cannot parse YAML";
    struct src_loc loc;
    char extra[64] = "";
    if (p->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset, not a mark. */
        loc = offset_loc(b->doc, p->problem_offset);
        if (p->problem_value != -1)
            snprintf(extra, sizeof(extra), " (#%X)", (unsigned)p->problem_value);
        berror(b, &loc, "%s%s", problem, extra);
        return;
    }
    loc = mark_loc(b->doc, p->problem_mark);
    if (p->context) {
        struct src_loc ctx = mark_loc(b->doc, p->context_mark);
        berror(b, &loc, "%s (%s at %u:%u)", problem, p->context, ctx.line, ctx.col);
    } else {
        berror(b, &loc, "%s", problem);
    }
}

/* Feed every event to the builder. Stops at the first syntax error or a second document. */
static void build(struct builder *b)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        ASG_BUG("yaml_parser_initialize failed (out of memory)");
    yaml_parser_set_input_string(&p, b->doc->bytes, b->doc->len);
    for (bool done = false; !done;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            syntax_error(b, &p);
            break;
        }
        struct ynode *n;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++b->nr_docs > 1) {
                struct src_loc loc = mark_loc(b->doc, ev.start_mark);
                berror(b, &loc,
                       "more than one YAML document in the file (a CloudFormation template is one document)");
                done = true;
            }
            break;
        case YAML_ALIAS_EVENT:
            n = new_node(b, YNODE_SCALAR, ev.start_mark, NULL, NULL);
            berror(b, &n->loc, "YAML aliases and anchors are not supported by CloudFormation");
            n->scalar = arena_strndup(b->doc, "", 0);
            n->plain = true;
            attach(b, n);
            break;
        case YAML_SCALAR_EVENT:
            n = new_node(b, YNODE_SCALAR, ev.start_mark, ev.data.scalar.tag, ev.data.scalar.anchor);
            n->scalar = arena_strndup(b->doc, (const char *)ev.data.scalar.value,
                                      ev.data.scalar.length);
            n->len = ev.data.scalar.length;
            n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            /* An escaped NUL would cut every later C-string view of the value short. */
            if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length))
                berror(b, &n->loc,
                       "the scalar contains a NUL character (\\0 or \\x00), which no "
                       "CloudFormation value may hold");
            attach(b, n);
            break;
        case YAML_SEQUENCE_START_EVENT:
            n = new_node(b, YNODE_SEQ, ev.start_mark, ev.data.sequence_start.tag,
                         ev.data.sequence_start.anchor);
            push(b, n);
            break;
        case YAML_MAPPING_START_EVENT:
            n = new_node(b, YNODE_MAP, ev.start_mark, ev.data.mapping_start.tag,
                         ev.data.mapping_start.anchor);
            push(b, n);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            pop(b);
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            break;
        }
        yaml_event_delete(&ev);
        if (b->stop)
            done = true;
    }
    yaml_parser_delete(&p);
}

int ydoc_parse(struct ydoc **out, const char *file, const void *bytes, size_t len,
               struct diag_list *d)
{
    struct ydoc *doc = xcalloc(1, sizeof(*doc));
    doc->file = xstrdup(file ? file : "<input>");
    doc->bytes = xmalloc(len + 1);
    if (len)
        memcpy(doc->bytes, bytes, len);
    doc->bytes[len] = '\0';
    doc->len = len;

    /* libyaml would stop at a NUL with a vague "control characters" message. */
    const unsigned char *nul = len ? memchr(doc->bytes, '\0', len) : NULL;
    if (nul) {
        struct src_loc loc = offset_loc(doc, (size_t)(nul - doc->bytes));
        diag_error(d, &loc, "input contains a NUL byte");
        ydoc_free(doc);
        return ASG_EFORMAT;
    }

    struct builder b = { .doc = doc, .d = d };
    build(&b);
    builder_release(&b);
    if (b.nr_errors) {
        ydoc_free(doc);
        return ASG_EFORMAT;
    }
    *out = doc;
    return 0;
}

int ydoc_load(struct ydoc **out, const char *path, struct diag_list *d)
{
    FILE *f = NULL;
    int rc = infile_open(&f, path, "file", INFILE_MAX_YAML, d);
    if (rc < 0)
        return rc;
    unsigned char *buf = NULL;
    size_t nr = 0, alloc = 0;
    for (;;) {
        ALLOC_GROW(buf, nr + 65536, alloc);
        size_t got = fread(buf + nr, 1, alloc - nr, f);
        nr += got;
        if (got == 0)
            break;
        if (nr > INFILE_MAX_YAML) { /* it grew while being read */
            fclose(f);
            free(buf);
            return diag_error_status(d, ASG_ELIMIT, NULL,
                                     "file '%s' grew over the limit of %zu MiB", path,
                                     INFILE_MAX_YAML >> 20);
        }
    }
    if (ferror(f)) {
        int err = errno;
        fclose(f);
        free(buf);
        return diag_error_status(d, ASG_EIO, NULL, "cannot read '%s': %s", path, strerror(err));
    }
    fclose(f);
    int ret = ydoc_parse(out, path, buf, nr, d);
    free(buf);
    return ret;
}

void ydoc_free(struct ydoc *doc)
{
    if (!doc)
        return;
    for (struct arena_block *b = doc->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(doc->bytes);
    free(doc->file);
    free(doc);
}

const struct ynode *ydoc_root(const struct ydoc *doc)
{
    return doc->root;
}

const char *ydoc_file(const struct ydoc *doc)
{
    return doc->file;
}

const unsigned char *ydoc_bytes(const struct ydoc *doc, size_t *len)
{
    *len = doc->len;
    return doc->bytes;
}

struct ynode *ydoc_new_scalar(struct ydoc *doc, const struct src_loc *loc, const char *text,
                              size_t len)
{
    struct ynode *n = arena_alloc(doc, sizeof(*n));
    n->kind = YNODE_SCALAR;
    n->scalar = arena_strndup(doc, text, len);
    n->len = len;
    n->loc = *loc;
    return n;
}

struct ynode *ydoc_new_seq(struct ydoc *doc, const struct src_loc *loc, size_t nr)
{
    struct ynode *n = arena_alloc(doc, sizeof(*n));
    n->kind = YNODE_SEQ;
    n->nr = nr;
    n->items = arena_alloc(doc, nr * sizeof(*n->items));
    n->loc = *loc;
    return n;
}

struct ynode *ydoc_new_map(struct ydoc *doc, const struct src_loc *loc, size_t nr)
{
    struct ynode *n = arena_alloc(doc, sizeof(*n));
    n->kind = YNODE_MAP;
    n->nr = nr;
    n->pairs = arena_alloc(doc, nr * sizeof(*n->pairs));
    n->loc = *loc;
    return n;
}

const struct ynode_pair *ynode_get_pair(const struct ynode *map, const char *key)
{
    if (!map || map->kind != YNODE_MAP)
        return NULL;
    size_t len = strlen(key);
    for (size_t i = 0; i < map->nr; i++) {
        const struct ynode *k = map->pairs[i].key;
        if (k->kind == YNODE_SCALAR && k->len == len && memcmp(k->scalar, key, len) == 0)
            return &map->pairs[i];
    }
    return NULL;
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
    const struct ynode_pair *p = ynode_get_pair(map, key);
    return p ? p->value : NULL;
}

bool ynode_is_null(const struct ynode *n)
{
    if (!n || n->kind != YNODE_SCALAR || !n->plain || n->tag)
        return false;
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
    for (size_t i = 0; i < ARRAY_SIZE(nulls); i++)
        if (strcmp(n->scalar, nulls[i]) == 0)
            return true;
    return false;
}

const char *ynode_kind_name(enum ynode_kind kind)
{
    switch (kind) {
    case YNODE_SCALAR:
        return "scalar";
    case YNODE_SEQ:
        return "sequence";
    case YNODE_MAP:
        return "mapping";
    }
    return "node";
}

/* Mutable view of a node: the tree is immutable to readers, but the document owns it. */
static struct ynode *map_value(struct ynode *map, const char *key, size_t len)
{
    for (size_t i = 0; i < map->nr; i++) {
        const struct ynode *k = map->pairs[i].key;
        if (k->len == len && !memcmp(k->scalar, key, len))
            return map->pairs[i].value;
    }
    return NULL;
}

int ydoc_set_scalar(struct ydoc *doc, const char *path, const char *value, struct diag_list *d)
{
    struct src_loc top = { doc->file, 1, 1 };
    struct ynode *node = doc->root;
    const char *seg = path;
    if (!*path)
        return diag_error(d, &top, "empty path");
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t len = dot ? (size_t)(dot - seg) : strlen(seg);
        if (len == 0)
            return diag_error(d, &top, "path '%s' has an empty component", path);
        if (!node || node->kind != YNODE_MAP)
            return diag_error(d, node ? &node->loc : &top,
                              "path '%s': '%.*s' is not inside a mapping", path, (int)len, seg);
        struct ynode *next = map_value(node, seg, len);
        if (!dot) {
            if (next && next->kind != YNODE_SCALAR)
                return diag_error(d, &next->loc, "path '%s' names a %s, not a single value", path,
                                  ynode_kind_name(next->kind));
            struct src_loc loc = next ? next->loc : node->loc;
            struct ynode *n = ydoc_new_scalar(doc, &loc, value, strlen(value));
            n->plain = true;
            if (next) {
                for (size_t i = 0; i < node->nr; i++)
                    if (node->pairs[i].value == next)
                        node->pairs[i].value = n;
                return 0;
            }
            /* A key the template leaves out (e.g. Cooldown) is added at the end of the map. */
            struct ynode_pair *pairs = arena_alloc(doc, (node->nr + 1) * sizeof(*pairs));
            if (node->nr)
                memcpy(pairs, node->pairs, node->nr * sizeof(*pairs));
            pairs[node->nr].key = ydoc_new_scalar(doc, &loc, seg, len);
            pairs[node->nr].key->plain = true;
            pairs[node->nr].value = n;
            node->pairs = pairs;
            node->nr++;
            return 0;
        }
        if (!next)
            return diag_error(d, &node->loc, "path '%s': no key '%.*s' here", path, (int)len, seg);
        node = next;
        seg = dot + 1;
    }
}
