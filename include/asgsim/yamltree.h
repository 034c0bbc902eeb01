/*
 * yamltree.h - an immutable YAML node tree with source locations (libyaml underneath).
 *
 * Every node keeps its 1-based line:column and its tag verbatim ("!Ref", "!GetAtt", ...),
 * so later layers can resolve CloudFormation intrinsics and point errors at the text the
 * user wrote. No typing is done here: every scalar is text.
 *
 * Rejected, as CloudFormation rejects them (template-formats.md): anchors and aliases,
 * `<<` merge keys, the binary/omap/pairs/set/timestamp tags, more than one document.
 * Also rejected: duplicate keys in a mapping, non-scalar mapping keys, NUL bytes.
 * This layer knows nothing of CloudFormation or AWS.
 */
#ifndef ASGSIM_YAMLTREE_H
#define ASGSIM_YAMLTREE_H

#include "asgsim/diag.h"

#include <stdbool.h>
#include <stddef.h>

enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode;

struct ynode_pair {
    struct ynode *key; /* always a SCALAR */
    struct ynode *value;
};

struct ynode {
    enum ynode_kind kind;
    const char *tag;          /* verbatim tag as written ("!Ref"), NULL when untagged */
    const char *scalar;       /* SCALAR: text, NUL-terminated; NULL otherwise */
    size_t len;               /* SCALAR: length of `scalar` in bytes */
    bool plain;               /* SCALAR: written without quotes (so may mean null, a number...) */
    bool resource_ref;        /* synthesized by the CloudFormation layer: `scalar` is the
                                 logical id of the resource a Ref named */
    struct src_loc loc;       /* where the node starts (1-based) */
    size_t nr;                /* SEQ: number of items; MAP: number of pairs */
    struct ynode **items;     /* SEQ items in order */
    struct ynode_pair *pairs; /* MAP pairs in file order */
};

struct ydoc; /* opaque: owns the nodes, the file name and a copy of the input bytes */

/**
 * Parse `len` bytes (need not be NUL-terminated) as one YAML document. `file` is the name
 * used in locations and is copied. Syntax errors are reported at libyaml's problem mark,
 * with the context mark ("while parsing a block mapping at 3:5") when there is one.
 * \return 0 and *out set (root NULL for an empty stream), or ASG_EFORMAT with
 *         diagnostics recorded in `d` and *out untouched.
 */
int ydoc_parse(struct ydoc **out, const char *file, const void *bytes, size_t len,
               struct diag_list *d);

/**
 * Read the file at `path` and parse it. \return as ydoc_parse(), or ASG_ENOENT when the
 * file does not exist / ASG_EIO when it cannot be read (one diagnostic naming the path).
 */
int ydoc_load(struct ydoc **out, const char *path, struct diag_list *d);

/** Free the document and every node in it. NULL is a no-op. */
void ydoc_free(struct ydoc *doc);

/** The root node, or NULL for an empty document. Owned by the document. */
const struct ynode *ydoc_root(const struct ydoc *doc);

/** The file name given at parse time (owned by the document; valid for its lifetime). */
const char *ydoc_file(const struct ydoc *doc);

/** The exact input bytes (owned by the document), length in *len. */
const unsigned char *ydoc_bytes(const struct ydoc *doc, size_t *len);

/**
 * New nodes owned by the document, for layers that synthesize values (the CloudFormation
 * resolver). `text` is copied. A new SEQ has `nr` items, all NULL, to be filled in.
 */
struct ynode *ydoc_new_scalar(struct ydoc *doc, const struct src_loc *loc, const char *text,
                              size_t len);
struct ynode *ydoc_new_seq(struct ydoc *doc, const struct src_loc *loc, size_t nr);
/** A new MAP with `nr` pairs, all NULL, to be filled in (keys may be shared nodes). */
struct ynode *ydoc_new_map(struct ydoc *doc, const struct src_loc *loc, size_t nr);

/**
 * Replace the scalar at a dotted path of mapping keys ("Resources.WebASG.Properties.MaxSize")
 * with the plain scalar `value` (copied), dropping any tag (so a `!Ref X` there becomes the
 * value). A missing last key is added to its mapping. Used by sweeps to vary properties.
 * \return 0, or ASG_EINVAL with a diagnostic when a key on the way is missing or the path
 *         names a mapping or sequence; the document is unchanged on failure.
 */
int ydoc_set_scalar(struct ydoc *doc, const char *path, const char *value, struct diag_list *d);

/** Value of `key` in a MAP (exact, case-sensitive match), or NULL when absent / not a MAP. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);

/** The pair whose key is `key` in a MAP, or NULL. */
const struct ynode_pair *ynode_get_pair(const struct ynode *map, const char *key);

/** true for a plain scalar that YAML 1.1 reads as null: "", "~", "null", "Null", "NULL". */
bool ynode_is_null(const struct ynode *n);

/** "scalar", "sequence" or "mapping", for messages. */
const char *ynode_kind_name(enum ynode_kind kind);

#endif /* ASGSIM_YAMLTREE_H */
