/* diff.c — two models compared: entities, fields, references, risks, the
 * SoA and the diagnostics. Every list is sorted, so the report is stable. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "diagfmt.h"
#include "hash.h"
#include "xalloc.h"

/* A list of owned strings. */
struct strv {
	char **v;
	size_t n, cap;
};

static void
S_add(struct strv *s, char *str)
{
	xgrow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = str;
}

static int
S_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
S_sort(struct strv *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), S_cmp);
}

static void
S_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Markdown inline code for any text: backticks doubled around, never broken. */
static char *
S_code(const char *s)
{
	const char *fence = strchr(s, '`') ? "``" : "`";
	char *out = xasprintf("%s%s%s%s%s", fence, fence[1] ? " " : "", s, fence[1] ? " " : "", fence);
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '|')
			*p = ' ';
	return out;
}

/* The canonical text of a YAML node, to tell whether a value changed. */
static void
S_canon(const struct ynode *n, char **buf, size_t *len, size_t *cap)
{
	const char *open = "", *close = "";

	if (n == NULL)
		return;
	if (n->type == YNODE_SCALAR) {
		xgrow(buf, cap, *len + n->len + 3, 1);
		(*buf)[(*len)++] = '"';
		memcpy(*buf + *len, n->str, n->len);
		*len += n->len;
		(*buf)[(*len)++] = '"';
		return;
	}
	open = n->type == YNODE_SEQ ? "[" : "{";
	close = n->type == YNODE_SEQ ? "]" : "}";
	xgrow(buf, cap, *len + 2, 1);
	(*buf)[(*len)++] = *open;
	for (size_t i = 0; i < n->n; i++) {
		S_canon(n->kids[i], buf, len, cap);
		xgrow(buf, cap, *len + 2, 1);
		(*buf)[(*len)++] = n->type == YNODE_MAP && i % 2 == 0 ? ':' : ',';
	}
	xgrow(buf, cap, *len + 2, 1);
	(*buf)[(*len)++] = *close;
}

static int
S_same(const struct ynode *a, const struct ynode *b)
{
	char *x = NULL, *y = NULL;
	size_t xl = 0, yl = 0, xc = 0, yc = 0;
	int same;

	if (ynode_is_null(a) || ynode_is_null(b))
		return ynode_is_null(a) == ynode_is_null(b);
	S_canon(a, &x, &xl, &xc);
	S_canon(b, &y, &yl, &yc);
	same = xl == yl && (xl == 0 || memcmp(x, y, xl) == 0);
	free(x);
	free(y);
	return same;
}

static const char *
S_kind(const struct entity *e)
{
	return e->kind ? e->kind->name : e->kindname;
}

static const char *
S_str(const struct entity *e, const char *f)
{
	return e != NULL ? entity_str(e, f) : NULL;
}

static long
S_int(const struct entity *e, const char *f)
{
	long v = 0;
	yvalue_int(e ? entity_get(e, f) : NULL, &v);
	return v;
}

/* The score of a likelihood and impact pair under cfg's scoring; 0 when
 * either is missing. */
static long
S_score(const struct config *cfg, const struct entity *e, const char *lf, const char *imf)
{
	long l = S_int(e, lf), i = S_int(e, imf);

	return l != 0 && i != 0 ? config_risk_score(cfg, l, i) : 0;
}

/* The fields whose values differ between two versions of an entity. */
static char *
S_changed_fields(const struct entity *a, const struct entity *b)
{
	char *out = xstrdup("");
	const struct entity *side[2] = {a, b};
	struct hash seen;

	hash_init(&seen, 0);
	for (int s = 0; s < 2; s++) {
		const struct ynode *fm = side[s]->fm;
		for (size_t i = 0; fm != NULL && i + 1 < fm->n; i += 2) {
			const struct ynode *k = fm->kids[i];
			if (k->type != YNODE_SCALAR || hash_put(&seen, k->str, (void *)k) != NULL)
				continue;
			if (!S_same(entity_get(a, k->str), entity_get(b, k->str))) {
				char *code = S_code(k->str), *next = xasprintf("%s%s%s", out, *out ? ", " : "", code);
				free(code);
				free(out);
				out = next;
			}
		}
	}
	hash_free(&seen);
	if (a->doc->body_hash != b->doc->body_hash) {
		char *next = xasprintf("%s%sthe text", out, *out ? ", " : "");
		free(out);
		out = next;
	}
	return out;
}

/* "FROM -> TO (field)" for every resolved reference of a model. */
static void
S_refs(const struct model *m, struct hash *set, struct strv *keep)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct entity *e = m->entities[i];
		if (e->duplicate)
			continue;
		for (size_t k = 0; k < e->doc->nrefs; k++) {
			const struct ref *r = &e->doc->refs[k];
			char *key;
			if (r->to == NULL && r->cat < 0)
				continue;
			key = xasprintf("`%s` → `%s` (%s)", e->id, r->to ? r->to->id : r->id,
			    r->field ? r->field->name : "text");
			if (hash_put(set, key, key) != NULL) {
				free(key);
				continue;
			}
			S_add(keep, key);
		}
	}
}

static void
S_section(FILE *fp, const char *title, struct strv *items)
{
	if (items->n == 0)
		return;
	S_sort(items);
	fprintf(fp, "\n### %s (%zu)\n\n", title, items->n);
	for (size_t i = 0; i < items->n; i++)
		fprintf(fp, "- %s\n", items->v[i]);
}

/* One diagnostic of a run as diff compares them: its fingerprint (rule,
 * file, entity and message, not the line, so that moving text does not make
 * it new), its severity in force (a warning made an error is a new error),
 * and its place in the run's sorted list. */
struct dkey {
	char fp[17];
	enum severity sev;
	size_t i;
};

static int
S_dkey_cmp(const void *x, const void *y)
{
	const struct dkey *a = x, *b = y;
	int c = strcmp(a->fp, b->fp);

	if (c != 0)
		return c;
	if (a->sev != b->sev)
		return a->sev < b->sev ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/* The diagnostics of a run sorted by fingerprint, severity and place: a
 * multiset, for a finding made twice counts twice. Returns an array of
 * r->diags.n keys, to free. */
static struct dkey *
S_dkeys(struct run *r)
{
	struct dkey *k = xmalloc((r->diags.n + 1) * sizeof(*k));

	for (size_t i = 0; i < r->diags.n; i++) {
		const struct diag *g = &r->diags.v[i];
		const struct doc *doc = model_doc(&r->model, g->file);
		const struct entity *e = doc ? doc->entity : NULL;
		diag_fingerprint(r->rules.v[g->rule].name, g->file, e ? e->id : NULL, g->msg, k[i].fp);
		k[i].sev = r->rules.v[g->rule].sev;
		k[i].i = i;
	}
	if (r->diags.n > 1)
		qsort(k, r->diags.n, sizeof(*k), S_dkey_cmp);
	return k;
}

/* A diagnostic as the report lists it, under the severity text sev. */
static char *
S_diag_line(struct run *r, const struct diag *g, const char *sev)
{
	char *where = xasprintf("%s:%d:%d", g->file, g->line, g->col), *code = S_code(where);
	char *msg = S_code(g->msg);
	char *s = xasprintf("**%s** %s %s [%s]", sev, code, msg, r->rules.v[g->rule].name);
	free(where);
	free(code);
	free(msg);
	return s;
}

/* What the change does to the diagnostics: introduced, fixed, and those
 * whose severity changed. */
struct dchange {
	struct strv fresh, fixed;     /* lines of the report */
	struct strv graded;           /* the same finding at another severity */
	const struct dkey **xa, **xb; /* scratch: one fingerprint's extras in base, head */
};

static int
S_fails(enum severity s, int werror)
{
	return s == SEV_ERROR || (werror && s == SEV_WARNING);
}

/* Compare the occurrences of one fingerprint: a[0..na) in base, b[0..nb) in
 * head, each sorted by severity and place. Those of the same severity pair
 * up in order; what is left over is extra on one side, and a base extra
 * with a head extra (then of the other severity) is one finding whose
 * severity changed. Returns how many more failures (errors, and warnings
 * under werror) head has than base, for --fail-on new. */
static size_t
S_diag_group(struct run *base, const struct dkey *a, size_t na, struct run *head,
    const struct dkey *b, size_t nb, int werror, struct dchange *dc)
{
	size_t x = 0, y = 0, nxa = 0, nxb = 0, fa = 0, fb = 0, k;

	while (x < na || y < nb) {
		if (x < na && y < nb && a[x].sev == b[y].sev)
			x++, y++;
		else if (x < na && (y == nb || a[x].sev < b[y].sev))
			dc->xa[nxa++] = &a[x++];
		else
			dc->xb[nxb++] = &b[y++];
	}
	k = nxa < nxb ? nxa : nxb;
	for (size_t i = 0; i < k; i++) {
		char *sev = xasprintf("%s → %s", severity_name(dc->xa[i]->sev),
		    severity_name(dc->xb[i]->sev));
		S_add(&dc->graded, S_diag_line(head, &head->diags.v[dc->xb[i]->i], sev));
		free(sev);
	}
	for (size_t i = k; i < nxb; i++)
		S_add(&dc->fresh, S_diag_line(head, &head->diags.v[dc->xb[i]->i],
		    severity_name(dc->xb[i]->sev)));
	for (size_t i = k; i < nxa; i++)
		S_add(&dc->fixed, S_diag_line(base, &base->diags.v[dc->xa[i]->i],
		    severity_name(dc->xa[i]->sev)));
	for (size_t i = 0; i < na; i++)
		fa += S_fails(a[i].sev, werror);
	for (size_t i = 0; i < nb; i++)
		fb += S_fails(b[i].sev, werror);
	return fb > fa ? fb - fa : 0;
}

/* Compare the diagnostics of two runs as multisets of fingerprints, one
 * fingerprint at a time. Returns the new failures, as S_diag_group. */
static size_t
S_diags(struct run *base, struct run *head, int werror, struct dchange *dc)
{
	struct dkey *ka = S_dkeys(base), *kb = S_dkeys(head);
	size_t na = base->diags.n, nb = head->diags.n, x = 0, y = 0, nnew = 0;

	dc->xa = xmalloc((na + 1) * sizeof(*dc->xa));
	dc->xb = xmalloc((nb + 1) * sizeof(*dc->xb));
	while (x < na || y < nb) {
		const char *fp = x < na && (y == nb || strcmp(ka[x].fp, kb[y].fp) <= 0) ?
		    ka[x].fp : kb[y].fp;
		size_t ex = x, ey = y;
		while (ex < na && strcmp(ka[ex].fp, fp) == 0)
			ex++;
		while (ey < nb && strcmp(kb[ey].fp, fp) == 0)
			ey++;
		nnew += S_diag_group(base, ka + x, ex - x, head, kb + y, ey - y, werror, dc);
		x = ex;
		y = ey;
	}
	free(dc->xa);
	free(dc->xb);
	free(ka);
	free(kb);
	return nnew;
}

size_t
diff_report(FILE *fp, struct run *base, struct run *head, const char *base_name,
    const char *head_name, int werror)
{
	const struct model *a = &base->model, *b = &head->model;
	struct strv added = {0}, removed = {0}, changed = {0}, gained = {0}, lost = {0},
	    risks = {0}, untreated = {0}, soa = {0}, keys_a = {0}, keys_b = {0};
	struct dchange dc = {{0}, {0}, {0}, NULL, NULL};
	struct hash refs_a, refs_b;
	size_t errs[2], warns[2], nnew = 0;
	char date[11];

	/* entities */
	for (size_t i = 0; i < b->n; i++) {
		const struct entity *e = b->entities[i], *old;
		if (e->duplicate)
			continue;
		old = model_find(a, e->id);
		if (old == NULL || old->duplicate) {
			const char *t = S_str(e, "title");
			char *title = t ? S_code(t) : xstrdup("");
			S_add(&added, xasprintf("`%s` %s %s (%s)", e->id, S_kind(e), title, e->doc->path));
			free(title);
		} else {
			char *f = S_changed_fields(old, e);
			if (*f)
				S_add(&changed, xasprintf("`%s` %s: %s", e->id, S_kind(e), f));
			free(f);
		}
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct entity *e = a->entities[i];
		if (!e->duplicate && model_find(b, e->id) == NULL)
			S_add(&removed, xasprintf("`%s` %s (%s)", e->id, S_kind(e), e->doc->path));
	}

	/* references */
	hash_init(&refs_a, 0);
	hash_init(&refs_b, 0);
	S_refs(a, &refs_a, &keys_a);
	S_refs(b, &refs_b, &keys_b);
	for (size_t i = 0; i < keys_b.n; i++)
		if (hash_get(&refs_a, keys_b.v[i]) == NULL)
			S_add(&gained, xstrdup(keys_b.v[i]));
	for (size_t i = 0; i < keys_a.n; i++)
		if (hash_get(&refs_b, keys_a.v[i]) == NULL)
			S_add(&lost, xstrdup(keys_a.v[i]));

	/* risks: treatment, scores, and those left with no control */
	for (size_t i = 0; i < b->n; i++) {
		const struct entity *e = b->entities[i], *old;
		const char *t;
		int open;
		if (e->duplicate || e->kind == NULL || strcmp(e->kind->name, "risk") != 0)
			continue;
		old = model_find(a, e->id);
		t = S_str(e, "treatment");
		open = t && (!strcmp(t, "mitigate") || !strcmp(t, "transfer")) &&
		    entity_get(e, "controls") == NULL;
		if (open && (old == NULL || entity_get(old, "controls") != NULL ||
		    !S_same(entity_get(old, "treatment"), entity_get(e, "treatment"))))
			S_add(&untreated, xasprintf("`%s` (%s) is to %s and no control treats it", e->id,
			    e->doc->path, t));
		if (old == NULL)
			continue;
		/* each side scored by its own methodology */
		long s0 = S_score(&base->cfg, old, "likelihood", "impact");
		long s1 = S_score(&head->cfg, e, "likelihood", "impact");
		long r0 = S_score(&base->cfg, old, "residual_likelihood", "residual_impact");
		long r1 = S_score(&head->cfg, e, "residual_likelihood", "residual_impact");
		const char *t0 = S_str(old, "treatment");
		if (s0 != s1 || r0 != r1 || !S_same(entity_get(old, "treatment"), entity_get(e, "treatment"))) {
			char *line = xasprintf("`%s`: treatment %s → %s, score %ld → %ld, residual %ld → %ld",
			    e->id, t0 ? t0 : "—", t ? t : "—", s0, s1, r0, r1);
			S_add(&risks, line);
		}
	}

	/* the SoA: applicability and implementation of every control row */
	for (int side = 0; side < 2; side++) {
		const struct model *m = side ? b : a, *o = side ? a : b;
		for (size_t i = 0; i < m->n; i++) {
			const struct entity *e = m->entities[i], *other;
			if (e->duplicate || e->kind == NULL || strcmp(e->kind->name, "control") != 0)
				continue;
			other = model_find(o, e->id);
			if (side == 1 && other != NULL)
				continue; /* seen from the base */
			const struct entity *x = side ? other : e, *y = side ? e : other;
			const char *ax = S_str(x, "applicable"), *ay = S_str(y, "applicable");
			const char *ix = S_str(x, "implementation"), *iy = S_str(y, "implementation");
			if (strcmp(ax ? ax : "", ay ? ay : "") == 0 && strcmp(ix ? ix : "", iy ? iy : "") == 0)
				continue;
			S_add(&soa, xasprintf("| `%s` | %s → %s | %s → %s |", e->id, ax ? ax : "—",
			    ay ? ay : "—", ix ? ix : "—", iy ? iy : "—"));
		}
	}

	/* diagnostics the change introduces, fixes, or makes more or less severe */
	nnew = S_diags(base, head, werror, &dc);

	diags_count(&base->diags, &base->rules, &errs[0], &warns[0]);
	diags_count(&head->diags, &head->rules, &errs[1], &warns[1]);
	date_format(head->as_of, date);
	{
		char *bn = S_code(base_name), *hn = S_code(head_name);
		fprintf(fp, "## ismsc: what this change does to the ISMS\n\n");
		fprintf(fp, "Base %s, head %s, as of %s.\n\n", bn, hn, date);
		free(bn);
		free(hn);
	}
	fprintf(fp, "| | base | head |\n|---|---:|---:|\n");
	fprintf(fp, "| entities | %zu | %zu |\n", a->n, b->n);
	fprintf(fp, "| errors | %zu | %zu |\n", errs[0], errs[1]);
	fprintf(fp, "| warnings | %zu | %zu |\n", warns[0], warns[1]);
	if (added.n + removed.n + changed.n + gained.n + lost.n + risks.n + untreated.n + soa.n +
	    dc.fresh.n + dc.fixed.n + dc.graded.n == 0)
		fprintf(fp, "\nNo change to entities, references, risks, the SoA or the diagnostics.\n");
	S_section(fp, "Diagnostics this change introduces", &dc.fresh);
	S_section(fp, "Diagnostics whose severity changed", &dc.graded);
	S_section(fp, "Diagnostics this change fixes", &dc.fixed);
	S_section(fp, "Risks left with no control", &untreated);
	S_section(fp, "Risks whose treatment or scores changed", &risks);
	if (soa.n > 0) {
		S_sort(&soa);
		fprintf(fp, "\n### Statement of Applicability rows changed (%zu)\n\n", soa.n);
		fprintf(fp, "| control | applicable | implementation |\n|---|---|---|\n");
		for (size_t i = 0; i < soa.n; i++)
			fprintf(fp, "%s\n", soa.v[i]);
	}
	S_section(fp, "Entities added", &added);
	S_section(fp, "Entities removed", &removed);
	S_section(fp, "Entities changed", &changed);
	S_section(fp, "References gained", &gained);
	S_section(fp, "References lost", &lost);

	hash_free(&refs_a);
	hash_free(&refs_b);
	struct strv *all[] = {&added, &removed, &changed, &gained, &lost, &risks, &untreated, &soa,
	    &dc.fresh, &dc.fixed, &dc.graded, &keys_a, &keys_b};
	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++)
		S_free(all[i]);
	return nnew;
}
