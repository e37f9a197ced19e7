/* history.h — document control (ISO/IEC 27001 clause 7.5) from the git
 * history of the source: for each policy and procedure, the commits that
 * changed its file, and whether its body changed in a commit after the last
 * one that changed its version or approved_on. Read with libgit2, no shell.
 *
 * Only a source root that is the top of a git working tree is read (never a
 * repository found further up), so that a tree kept inside another project
 * does not take that project's history for its own. */
#ifndef ISMSC_HISTORY_H
#define ISMSC_HISTORY_H

#include <stddef.h>

#include "diag.h"
#include "model.h"

enum {
	HISTORY_MAX_COMMITS = 10000, /* commits walked at most, from the start commit */
	HISTORY_MAX_ROWS = 50,       /* changes kept per document for the pages */
};

/* One commit of the walk. Strings are valid UTF-8 without control
 * characters, the subject cut at about 200 bytes. */
struct hist_commit {
	char id[41];          /* full hex id */
	char short_id[8];     /* its first 7 digits */
	char date[11];        /* commit time as a UTC date */
	char *author;
	char *subject;
};

/* The commits that changed one document's file, newest first. */
struct doc_history {
	const struct hist_commit **v; /* at most HISTORY_MAX_ROWS */
	size_t n;
	size_t total;                 /* all the changes seen in the walk */
};

struct history {
	int checked;                  /* 1: the history was read; 0: skipped */
	char reason[128];             /* when skipped: why, as "is not ...", "has no ..." */
	char head[41];                /* the start commit (checked) */
	size_t ncommits;              /* commits walked */
	int limited;                  /* the walk stopped at HISTORY_MAX_COMMITS */
	int shallow;                  /* the history ends at a missing parent (shallow clone) */
	struct hist_commit *commits;
	struct doc_history *docs;     /* doc index -> its history; NULL when skipped */
	size_t ndocs;
};

/* Read the history of src from revision rev (NULL: HEAD), first parents
 * only, for the policies and procedures of m, and push a `document-control`
 * diagnostic into d for each whose body changed after its last change of
 * version or approved_on. When src is not the top of a git working tree,
 * or has no commits, h->checked stays 0 and h->reason says why; that is not
 * an error. Free h with history_free. */
void history_load(struct history *h, const char *src, const char *rev, const struct model *m,
    struct diags *d);
/* The history of doc d of m, or NULL when it has none (skipped, or not a
 * policy or procedure). */
const struct doc_history *history_doc(const struct history *h, const struct model *m,
    const struct doc *d);
/* Release everything; accepts a zeroed struct. */
void history_free(struct history *h);

#endif
