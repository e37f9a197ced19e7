/* mandatory.h — the documented information that ISO/IEC 27001 requires
 * (clauses 4 to 10), each item found in the model or reported missing. One
 * pass over the model, shared by the check (mandatory-docs), the site's
 * page and the DocBook book. */
#ifndef ISMSC_MANDATORY_H
#define ISMSC_MANDATORY_H

#include <stddef.h>

#include "model.h"

enum mandatory_how {
	MAND_CLAUSE,       /* a document whose clauses hold the number */
	MAND_GENERATED,    /* ismsc writes it (the SoA) */
	MAND_KIND,         /* at least one entity of a kind */
	MAND_TREATED,      /* at least one risk, each with a treatment */
	MAND_MEASURED,     /* an objective with measurements, or clauses 9.1 */
	MAND_CORRECTED,    /* clauses 10.2, or a finding an action refers to */
};

enum { MANDATORY_SHOW = 12 }; /* documents listed per item; the rest are counted */

struct mandatory_item {
	const char *clause;        /* "6.1.2" */
	const char *title;         /* what the standard asks for */
	enum mandatory_how how;
	const char *kind;          /* MAND_KIND: the kind */
	const struct doc *docs[MANDATORY_SHOW]; /* the first documents whose clauses hold it */
	size_t ndocs, moredocs;    /* ... how many of them, and how many more */
	const struct entity *record; /* the first record that holds it (an objective,
	                              * risk, audit, review or finding), or NULL */
	size_t count;              /* documents or entities found */
	int found;
};

enum { MANDATORY_N = 14 };

/* Fill items[MANDATORY_N], in clause order, from the model. */
void mandatory_find(const struct model *m, struct mandatory_item items[MANDATORY_N]);

/* 1 when the front matter node c (a clauses value: a scalar or a list)
 * holds clause. */
int clauses_hold(const struct ynode *c, const char *clause);

/* 1 when the document d documents clause: its clauses list the number and
 * it is not a record whose clauses mean something else (an audit's are
 * the clauses it audited). The scope of the home page and of the book is
 * the first such document for "4.3", as for mandatory-docs. */
int doc_holds_clause(const struct doc *d, const char *clause);

/* How fit a document that holds a clause is to stand for it (the home
 * page's scope and policy, the book's preface): approved 3, draft 2, no
 * status (not a policy or procedure, as a control with a stray clauses:) 1,
 * retired 0. The first of the fittest stands. */
int doc_standing(const struct doc *d);

#endif
