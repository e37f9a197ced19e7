/* diag.h — diagnostics: the rule table (names, default and configured
 * severities), the list that every stage pushes into, and the text printer. */
#ifndef ISMSC_DIAG_H
#define ISMSC_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum severity { SEV_OFF, SEV_WARNING, SEV_ERROR };

/* The built-in rules; plugin rules get indices after RULE__BUILTIN. */
enum rule_id {
	R_SYNTAX, R_SCHEMA, R_LIMIT, R_ID_DUPLICATE, R_PLUGIN,
	R_REF_UNKNOWN, R_REF_KIND, R_FIELD_UNKNOWN, R_SOA_MISSING,
	R_SOA_JUSTIFICATION, R_RISK_UNTREATED, R_RISK_ACCEPTANCE,
	R_CONTROL_ORPHAN, R_OBJECTIVE_UNMEASURED, R_REVIEW_OVERDUE,
	R_LINK_BROKEN, R_SYMLINK, R_MANDATORY_DOCS, R_DOC_CONTROL,
	RULE__BUILTIN
};

struct rule {
	const char *name;           /* stable rule name, e.g. "ref-unknown" */
	enum severity def;          /* default severity */
	enum severity sev;          /* severity in force (rules: of isms.yaml) */
	int fixed;                  /* 1: cannot be switched off or lowered */
	const char *description;    /* one line for people */
};

/* The rule table of a run. */
struct rules {
	struct rule *v;
	size_t n, cap;
};

/* Fill t with the built-in compiler rules at their default severities. */
void rules_init(struct rules *t);
void rules_free(struct rules *t);
/* The index of the rule called name, or -1. */
int rules_find(const struct rules *t, const char *name);
/* Add a rule (name and description are borrowed); returns its index. */
int rules_add(struct rules *t, const char *name, enum severity def, const char *description);

struct diag {
	const char *file;  /* relative to the source root; borrowed */
	int line, col;     /* 1-based; col in characters */
	int rule;          /* index into the rule table */
	char *msg;         /* owned */
	const char *rname; /* the rule's name, set by diags_finish for sorting */
};

struct diags {
	struct diag *v;
	size_t n, cap;
};

void diags_init(struct diags *d);
void diags_free(struct diags *d);
/* Push one diagnostic; file must outlive the list. */
void diag_add(struct diags *d, int rule, const char *file, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Move every diagnostic of src to the end of dst; src is left empty. */
void diags_move(struct diags *dst, struct diags *src);
/* Drop diagnostics of rules that are off and sort the rest by file, line,
 * column, rule name and message. */
void diags_finish(struct diags *d, const struct rules *t);
/* Count the diagnostics of each severity. */
void diags_count(const struct diags *d, const struct rules *t, size_t *errors, size_t *warnings);
/* Print "FILE:LINE:COL: SEVERITY: MESSAGE [RULE]" lines; errors only when
 * errors_only is set. */
void diags_print_text(FILE *fp, const struct diags *d, const struct rules *t, int errors_only);

const char *severity_name(enum severity s);

#endif
