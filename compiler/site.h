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

#endif
