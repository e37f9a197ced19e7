/* model.h — the model of an ISMS: every Markdown file as a doc, the docs
 * with `kind` as entities in one id table, and every reference resolved in
 * both directions. Built from the source and the schemas; hands the checks
 * and the renderers a finished graph. */
#ifndef ISMSC_MODEL_H
#define ISMSC_MODEL_H

#include <stddef.h>

#include "diag.h"
#include "hash.h"
#include "markdown.h"
#include "schema.h"
#include "source.h"
#include "xalloc.h"
#include "yamltree.h"

enum { FILE_LIMIT = 64 * 1024 * 1024 };

struct entity;
struct doc;

struct ref {
	const char *id;                 /* as written */
	int line, col;                  /* of the value, or of the "[[" */
	const struct fielddef *field;   /* NULL for a reference in a body */
	const char *text;               /* [[ID|text]]: the text, else NULL */
	struct doc *from;
	struct entity *to;              /* the entity it resolves to, or NULL */
	int cat;                        /* or the catalogue control's index, else -1 */
};

struct refvec {
	struct ref **v;
	size_t n, cap;
};

struct doc {
	const char *path;               /* relative to the root; the source owns it */
	const char *title;              /* front matter title, or NULL */
	const struct ynode *fm;         /* the front matter mapping, or NULL (plain pages too) */
	const struct ynode *clauses;    /* its clauses field, or NULL: found while the mapping
	                                 * is in cache (mandatory_find asks of every file) */
	struct entity *entity;          /* NULL for a plain page */
	struct ref *refs;               /* field references first, then the body's */
	size_t nrefs;
	struct md_out md;               /* body references and links */
	struct diags diags;             /* found while parsing, merged later */
	unsigned long long body_hash;   /* of the body's bytes (MODEL_HASH_BODIES), for diff */
	const char *body;               /* the Markdown body (MODEL_KEEP_BODIES), NUL-terminated */
	size_t body_len;
	int body_line0;                 /* lines of the file before the body */
	int failed;                     /* unreadable: syntax or limit error */
	struct validation *val;         /* field references, between the two passes */
};

struct entity {
	const char *id;
	const char *kindname;           /* as written */
	const struct kinddef *kind;     /* NULL when the kind is unknown */
	struct doc *doc;
	const struct ynode *fm;         /* the front matter mapping */
	const struct ynode *id_node;
	const char *title;              /* the front matter's, or NULL: see entity_title */
	int valid;                      /* passed its schema */
	int duplicate;                  /* its id was taken by an earlier file */
	int cat;                        /* catalogue index of a control decision, else -1 */
	struct refvec in;               /* references to it */
};

struct model {
	struct doc *docs;               /* every Markdown file, in path order */
	size_t ndocs;
	struct entity **entities;       /* in path order */
	size_t n, cap;
	struct hash by_id;              /* id -> entity, letter case ignored */
	struct entity **cat_decision;   /* catalogue index -> its control entity, or NULL */
	struct refvec *cat_in;          /* catalogue index -> references to it */
	size_t ncat;                    /* catalogue controls */
	struct arena *arenas;           /* one per parsing thread */
	int narenas;
};

/* Parse every Markdown file of src on up to `threads` threads, validate each
 * entity against sch, then register ids and resolve references. Every
 * diagnostic goes to d. flags: MODEL_HASH_BODIES to fingerprint bodies,
 * MODEL_KEEP_BODIES to keep their text for the renderers. */
enum { MODEL_HASH_BODIES = 1, MODEL_KEEP_BODIES = 2 };

/* For a renderer that takes each body's tree from the model's own parse, so
 * that no body is parsed twice (a build). With hooks, the files are read in
 * two passes: front matter first, then, once every id is registered, ready
 * is called, and then each body is parsed, scanned and handed to body on
 * the parsing thread (0 .. threads - 1) before its tree is freed. */
struct model_hooks {
	void (*ready)(void *ctx, int threads);
	void (*body)(void *ctx, int thread, const struct doc *d, struct cmark_node *tree);
	void *ctx;
};

/* hooks may be NULL. */
void model_build(struct model *m, struct source *src, const struct schemas *sch, int threads,
    int flags, const struct model_hooks *hooks, struct diags *d);
void model_free(struct model *m);

/* A field's value node, or NULL when absent or null. */
const struct ynode *entity_get(const struct entity *e, const char *field);
/* A field's value as a string when it is a scalar, else NULL. */
const char *entity_str(const struct entity *e, const char *field);
/* The entity's title, or for a control deciding a catalogue control that
 * control's title; NULL when neither. */
const char *entity_title(const struct entity *e, const struct catalog *cat);
/* The doc at path, or NULL (docs are sorted by path: a binary search). */
struct doc *model_doc(const struct model *m, const char *path);
/* The entity with this exact id, or NULL. */
struct entity *model_find(const struct model *m, const char *id);

#endif
