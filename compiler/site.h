/* site.h — `ismsc build`: the checked model as a static site (a page per
 * entity and plain page, the home page, the SoA, the traceability matrix,
 * the risk register, CSV, JSON and the search index) and as DocBook, all
 * written through one output folder that is swapped in whole. */
#ifndef ISMSC_SITE_H
#define ISMSC_SITE_H

#include "compile.h"

enum site_format { SITE_ALL, SITE_DOCBOOK };

struct site_options {
	const char *out;          /* OUT */
	const char *templates;    /* --templates DIR, or NULL */
	const char *tree_templates; /* else isms.yaml's templates: a folder of the source
	                             * tree, read through it (no link out of the tree) */
	enum site_format format;
	int pack;                 /* --pack: audit-pack.zip too */
};

/* May the build replace OUT? 0, or 2 after printing why not. Call before
 * the check, so that a refused folder costs nothing. */
int site_precheck(const struct site_options *so, const char *src);

/* Write the site of a run that found no errors. Returns 0, or 2 after
 * printing why it could not (OUT is then left as it was). */
int site_build(struct run *r, const struct site_options *so);

struct site;
struct cmark_node;

/* Open the site of a run whose ids are registered but whose bodies are not
 * read yet (the model's ready hook, with its threads): the temporary folder
 * beside OUT, every page's link and the book's plan. NULL when it cannot open so (nothing said: site_build
 * says it later). */
struct site *site_open(struct run *r, const struct site_options *so, int threads);

/* The model's body hook: d's body rendered now from tree, the model's own
 * parse, so that it is parsed once for the check and the whole site. On
 * the parsing threads, any number at once. */
void site_body(struct site *s, int thread, const struct doc *d, struct cmark_node *tree);

/* Start an open site once the model is read but its rules have not run:
 * the book, and with it the pages of entities, on threads of their own,
 * while the caller runs the rules. NULL when it cannot start (s is then
 * closed). */
struct site *site_start(struct site *s);

/* Throw away a site opened but not started: its folder too. Accepts NULL. */
void site_close(struct site *s);

/* Finish a started site. With status 0 (the rules found no errors), write
 * the rest and put it in place, and return as site_build does; with
 * another status, stop the book, remove what was written and return
 * status. Frees s. */
int site_finish(struct site *s, int status);

#endif
