/* yamltree.h — YAML text to a node tree in which every node keeps its line and
 * column, through libyaml's event API. Bounded: nesting depth and alias
 * expansion are limited, duplicate keys refused. */
#ifndef ISMSC_YAMLTREE_H
#define ISMSC_YAMLTREE_H

#include <stddef.h>

#include "diag.h"
#include "xalloc.h"

enum { YAML_MAX_DEPTH = 64, YAML_MAX_ALIAS_NODES = 10000 };

enum ynode_type { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	unsigned char type;    /* enum ynode_type */
	unsigned char plain;   /* a plain (unquoted, not block) scalar */
	int line, col;         /* 1-based, in the file; col in characters */
	const char *str;       /* scalar text, NUL-terminated */
	size_t len;            /* its length in bytes */
	struct ynode **kids;   /* sequence items, or map keys and values alternating */
	size_t n;              /* number of kids (twice the pairs of a map) */
	unsigned size;         /* nodes in this subtree, aliases expanded (saturates) */
};

/* Where a YAML text sits in its file, and where its diagnostics go. */
struct yaml_ctx {
	struct arena *arena;   /* owns the nodes */
	struct diags *diags;
	const char *file;      /* for diagnostics; borrowed */
	int line0;             /* lines of the file before the text */
	int text_checked;      /* the caller found the file UTF-8 with no NUL */
};

/* Parse one YAML document from text[0..len). Returns its root (NULL for an
 * empty document) and 0, or -1 after pushing a syntax or limit diagnostic.
 * Nodes live in y->arena; aliases share the anchored node. */
int yaml_load(const struct yaml_ctx *y, const char *text, size_t len, struct ynode **root);

/* The value of key in map m, or NULL (and NULL for a non-map m). */
struct ynode *ynode_get(const struct ynode *m, const char *key);
/* 1 for a null scalar: empty plain, ~, null. */
int ynode_is_null(const struct ynode *n);
/* Where a diagnostic about the pair key: value points (SPEC §4: at the
 * value in question): the value, or the key when the value is empty and
 * has no place of its own (libyaml puts it past the colon). */
const struct ynode *ynode_at(const struct ynode *key, const struct ynode *value);

#endif
