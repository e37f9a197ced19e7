/* docbook.h — the whole manual as one DocBook 5.0 <book>, built with
 * libxml2's tree API from the checked model. */
#ifndef ISMSC_DOCBOOK_H
#define ISMSC_DOCBOOK_H

#include "config.h"
#include "date.h"
#include "history.h"
#include "model.h"
#include "schema.h"

struct cmark_node;

struct docbook_input {
	const struct model *m;       /* built with MODEL_KEEP_BODIES */
	const struct schemas *sch;
	const struct config *cfg;    /* name, organization, risk settings, publish: */
	date_t as_of;
	const char *revision;        /* the git commit of the source, or NULL */
	int threads;                 /* threads to use (run_threads); 1 or less: none besides */
	const struct history *hist;  /* policies' and procedures' change history, or NULL */
	/* If set, called with each body's cmark-gfm tree once the book has read
	 * it, before it is freed, on the thread that built the piece (the site
	 * renders its pages from the same parse); root is NULL for an empty
	 * body and for one that docbook_body gave the book, and a doc may come
	 * more than once (the scope's preface). */
	void (*page)(void *ctx, const struct doc *d, struct cmark_node *root);
	void *page_ctx;
	/* If set, once *stop is non-zero, pieces are no longer built: the
	 * file is left incomplete, for a caller that throws it away. */
	const int *stop;
};

/* Write the book to path. Entities that publish: leaves out get no section
 * and appear in tables by id only. Returns 0, or -1 with errno set. */
int docbook_write(const struct docbook_input *in, const char *path);

/* The same in steps, so that each body is read from the model's own parse
 * (a build): plan the book once ids are registered (in needs m, sch and
 * cfg only; threads: the parsing threads, 0 for none); hand it each body's
 * tree on parsing thread 0 .. threads - 1 before md_html_tree changes it;
 * then write it with the whole input. */
struct docbook;
struct docbook *docbook_new(const struct docbook_input *in, int threads);
void docbook_body(struct docbook *db, int thread, const struct doc *d, struct cmark_node *root);
int docbook_write_planned(struct docbook *db, const struct docbook_input *in, const char *path);
void docbook_free(struct docbook *db);

#endif
