/* diagfmt.h — the machine-readable forms of the diagnostics: one JSON
 * document, SARIF 2.1.0 for code scanning, and GitHub workflow commands.
 * JSON is built with libjansson, never by hand. */
#ifndef ISMSC_DIAGFMT_H
#define ISMSC_DIAGFMT_H

#include <jansson.h>
#include <stdio.h>

#include "diag.h"

/* What the printers need besides the sorted list. */
struct diagfmt {
	const struct diags *diags;
	const struct rules *rules;
	const char *prefix;        /* prepended to FILE in SARIF and GitHub ("" or "dir/") */
	const char *as_of;         /* "YYYY-MM-DD" */
	size_t files, errors, warnings;
	int errors_only;           /* --quiet */
	/* the entity id of a file, or NULL (for each diagnostic's "entity") */
	const char *(*entity_of)(const void *ctx, const char *file);
	const void *ctx;
};

/* Print in the given form; returns 0, or -1 when the output failed or (JSON,
 * SARIF) a value could not be built, in which case nothing is printed rather
 * than a document with a value left out. Every string is made UTF-8 first,
 * since a plugin's rule description or message may hold any bytes. */
int diagfmt_json(FILE *fp, const struct diagfmt *f);
int diagfmt_sarif(FILE *fp, const struct diagfmt *f);
int diagfmt_github(FILE *fp, const struct diagfmt *f);

/* A JSON string of s, which a plugin may have made of any bytes: each byte
 * that is not UTF-8 becomes U+FFFD (json_string would refuse the whole).
 * NULL only when memory runs out. */
json_t *diagfmt_text(const char *s);

/* The fingerprint of a finding: rule, file, entity and message, not the
 * line, so that it keeps its identity when lines move (16 hex digits). */
void diag_fingerprint(const char *rule, const char *file, const char *entity, const char *msg,
    char out[17]);

#endif
