/* diag.c — the rule table and the diagnostics list. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

static const struct {
	const char *name;
	enum severity def;
	int fixed;
	const char *description;
} S_builtin[RULE__BUILTIN] = {
	[R_SYNTAX] = {"syntax", SEV_ERROR, 1, "YAML that does not parse, duplicate keys, front matter that is not a mapping or is never closed, text that is not UTF-8, a NUL byte"},
	[R_SCHEMA] = {"schema", SEV_ERROR, 1, "an unknown kind, a missing required field, a wrong type, a value outside an enumeration or a range, a bad date or id"},
	[R_LIMIT] = {"limit", SEV_ERROR, 1, "input over a bound: file size, YAML nesting depth, alias expansion"},
	[R_ID_DUPLICATE] = {"id-duplicate", SEV_ERROR, 1, "an id used again"},
	[R_PLUGIN] = {"plugin", SEV_ERROR, 1, "a plugin that does not load, errors, or exceeds its limits"},
	[R_REF_UNKNOWN] = {"ref-unknown", SEV_ERROR, 0, "a reference to an id that does not exist"},
	[R_REF_KIND] = {"ref-kind", SEV_ERROR, 0, "a reference to an entity of the wrong kind"},
	[R_FIELD_UNKNOWN] = {"field-unknown", SEV_WARNING, 0, "a field that no schema defines"},
	[R_SOA_MISSING] = {"soa-missing", SEV_ERROR, 0, "a catalogue control with no control entity"},
	[R_SOA_JUSTIFICATION] = {"soa-justification", SEV_ERROR, 0, "a control with no justification for its inclusion or exclusion"},
	[R_RISK_UNTREATED] = {"risk-untreated", SEV_ERROR, 0, "a risk to mitigate or transfer with no control"},
	[R_RISK_ACCEPTANCE] = {"risk-acceptance", SEV_ERROR, 0, "an accepted risk above appetite without accepted_by or accepted_on"},
	[R_CONTROL_ORPHAN] = {"control-orphan", SEV_WARNING, 0, "an applicable control that nothing but controls refers to"},
	[R_OBJECTIVE_UNMEASURED] = {"objective-unmeasured", SEV_WARNING, 0, "an objective with no measurement"},
	[R_REVIEW_OVERDUE] = {"review-overdue", SEV_WARNING, 0, "an approved policy or procedure past its review date"},
	[R_LINK_BROKEN] = {"link-broken", SEV_WARNING, 0, "a relative link or image to a file that is not in the tree"},
	[R_SYMLINK] = {"symlink", SEV_WARNING, 0, "a symbolic link that leads out of the source root, not followed"},
	[R_MANDATORY_DOCS] = {"mandatory-docs", SEV_OFF, 0, "documented information that clauses 4 to 10 require and the tree does not hold"},
	[R_DOC_CONTROL] = {"document-control", SEV_WARNING, 0, "a policy or procedure whose body changed in a git commit after the last change of its version or approved_on"},
};

void
rules_init(struct rules *t)
{
	t->v = NULL;
	t->n = t->cap = 0;
	for (int i = 0; i < RULE__BUILTIN; i++) {
		int k = rules_add(t, S_builtin[i].name, S_builtin[i].def, S_builtin[i].description);
		t->v[k].fixed = S_builtin[i].fixed;
	}
}

void
rules_free(struct rules *t)
{
	if (t == NULL)
		return;
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

int
rules_find(const struct rules *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
rules_add(struct rules *t, const char *name, enum severity def, const char *description)
{
	struct rule *r;

	xgrow(&t->v, &t->cap, t->n + 1, sizeof(*t->v));
	r = &t->v[t->n];
	r->name = name;
	r->def = r->sev = def;
	r->fixed = 0;
	r->description = description;
	return (int)t->n++;
}

const char *
severity_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "off";
}

void
diags_init(struct diags *d)
{
	d->v = NULL;
	d->n = d->cap = 0;
}

void
diags_free(struct diags *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	diags_init(d);
}

void
diag_add(struct diags *d, int rule, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	struct diag *g;
	int n;

	xgrow(&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	g = &d->v[d->n++];
	g->file = file;
	g->line = line > 0 ? line : 1;
	g->col = col > 0 ? col : 1;
	g->rule = rule;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	g->msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(g->msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
}

void
diags_move(struct diags *dst, struct diags *src)
{
	if (src->n == 0)
		return;
	xgrow(&dst->v, &dst->cap, dst->n + src->n, sizeof(*dst->v));
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	free(src->v);
	diags_init(src);
}

static int
S_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c;

	if ((c = strcmp(x->file, y->file)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->rule != y->rule && (c = strcmp(x->rname, y->rname)) != 0)
		return c;
	return strcmp(x->msg, y->msg);
}

void
diags_finish(struct diags *d, const struct rules *t)
{
	size_t k = 0;

	for (size_t i = 0; i < d->n; i++) {
		if (t->v[d->v[i].rule].sev == SEV_OFF)
			free(d->v[i].msg);
		else {
			d->v[i].rname = t->v[d->v[i].rule].name;
			d->v[k++] = d->v[i];
		}
	}
	d->n = k;
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), S_cmp);
}

void
diags_count(const struct diags *d, const struct rules *t, size_t *errors, size_t *warnings)
{
	*errors = *warnings = 0;
	for (size_t i = 0; i < d->n; i++) {
		enum severity s = t->v[d->v[i].rule].sev;
		if (s == SEV_ERROR)
			(*errors)++;
		else if (s == SEV_WARNING)
			(*warnings)++;
	}
}

/* s with its control characters, and the bytes that are not UTF-8, written
 * as escapes (\n, \t, \x1b, \xff), so that a diagnostic stays on its line
 * whatever a file name or a value holds, and sends nothing to the terminal. */
static void
S_put_escaped(FILE *fp, const char *s)
{
	size_t n = strlen(s), good = 0;
	int nul;

	for (; *s != '\0'; s++, n--) {
		unsigned char c = (unsigned char)*s;
		if (good == 0 && c >= 0x80 && (good = text_check_utf8(s, n, &nul)) == 0) {
			fprintf(fp, "\\x%02x", c); /* not UTF-8 */
			continue;
		}
		if (good > 0)
			good--;
		if (c >= 0x20 && c != 0x7f)
			putc(c, fp);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\r')
			fputs("\\r", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else
			fprintf(fp, "\\x%02x", c);
	}
}

void
diags_print_text(FILE *fp, const struct diags *d, const struct rules *t, int errors_only)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		const struct rule *r = &t->v[g->rule];
		if (errors_only && r->sev != SEV_ERROR)
			continue;
		S_put_escaped(fp, g->file);
		fprintf(fp, ":%d:%d: %s: ", g->line, g->col, severity_name(r->sev));
		S_put_escaped(fp, g->msg);
		fprintf(fp, " [%s]\n", r->name);
	}
}
