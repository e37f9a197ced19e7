/* check.h — the built-in checks of the compiler (SPEC §4, first table) that
 * need the whole model: the SoA, risks, objectives, reviews and links. */
#ifndef ISMSC_CHECK_H
#define ISMSC_CHECK_H

#include "config.h"
#include "date.h"
#include "diag.h"
#include "model.h"
#include "source.h"

struct check_input {
	const struct model *model;
	const struct schemas *schemas;
	const struct config *config;
	const struct source *source;
	date_t as_of;
};

/* Run every built-in model check; diagnostics go to d. */
void check_model(const struct check_input *in, struct diags *d);

/* Resolve a link written in the doc at doc_path to a path of the tree:
 * returns 1 and writes the normalised path into out (size bytes) for a
 * relative link, 0 for a link that is not relative (a URL, a fragment,
 * an absolute path), -1 for a relative link that leaves the root. */
int link_resolve(const char *doc_path, const char *url, char *out, size_t size);

/* The date a document's review is due (approved_on plus its interval), for
 * an approved document: returns 1 and sets *due, else 0. */
int review_due(const struct config *c, const struct entity *e, date_t *due);

#endif
