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

/* Start the site of a run whose model is read but whose rules have not run:
 * the book, and with it the pages of entities, on threads of their own,
 * into the temporary folder beside OUT, while the caller runs the rules.
 * NULL when it cannot start so (nothing said: site_build says it later). */
struct site *site_start(struct run *r, const struct site_options *so);

/* Finish a started site. With status 0 (the rules found no errors), write
 * the rest and put it in place, and return as site_build does; with
 * another status, stop the book, remove what was written and return
 * status. Frees s. */
int site_finish(struct site *s, int status);

#endif
