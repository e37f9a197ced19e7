/* check.c — the compiler's own checks over the finished model. */
#include "check.h"

#include <string.h>

#include "mandatory.h"

static int
S_is(const struct entity *e, const char *kind)
{
	return e->kind != NULL && strcmp(e->kind->name, kind) == 0;
}

static int
S_has_items(const struct entity *e, const char *field)
{
	const struct ynode *n = entity_get(e, field);
	return n != NULL && (n->type != YNODE_SEQ || n->n > 0);
}

static void
S_at_id(struct diags *d, int rule, const struct entity *e, const char *fmt, const char *a,
    const char *b)
{
	diag_add(d, rule, e->doc->path, e->id_node->line, e->id_node->col, fmt, a, b);
}

static void
S_control(const struct check_input *in, const struct entity *e, struct diags *d)
{
	const char *j = entity_str(e, "justification");
	int applicable = 0, referred = 0;

	(void)in;
	if (j == NULL || j[strspn(j, " \t\r\n")] == '\0')
		S_at_id(d, R_SOA_JUSTIFICATION, e, "control '%s' has no justification%s", e->id, "");
	if (yvalue_bool(entity_get(e, "applicable"), &applicable) != 0 || !applicable)
		return;
	for (size_t i = 0; i < e->in.n && !referred; i++) {
		const struct entity *from = e->in.v[i]->from->entity;
		referred = from == NULL || !S_is(from, "control");
	}
	if (!referred)
		S_at_id(d, R_CONTROL_ORPHAN, e,
		    "applicable control '%s' is referred to by nothing but controls%s", e->id, "");
}

static void
S_risk(const struct check_input *in, const struct entity *e, struct diags *d)
{
	const char *t = entity_str(e, "treatment");
	long l = 0, i = 0, score;

	if (t == NULL)
		return;
	if ((strcmp(t, "mitigate") == 0 || strcmp(t, "transfer") == 0) && !S_has_items(e, "controls"))
		S_at_id(d, R_RISK_UNTREATED, e, "risk '%s' is to %s but no control treats it", e->id, t);
	if (strcmp(t, "accept") == 0 && yvalue_int(entity_get(e, "likelihood"), &l) == 0 &&
	    yvalue_int(entity_get(e, "impact"), &i) == 0 &&
	    (score = config_risk_score(in->config, l, i)) > in->config->risk_appetite) {
		int by = entity_str(e, "accepted_by") != NULL, on = entity_get(e, "accepted_on") != NULL;
		if (!by || !on)
			diag_add(d, R_RISK_ACCEPTANCE, e->doc->path, e->id_node->line, e->id_node->col,
			    "risk '%s' scores %ld, above the appetite of %ld, and its acceptance lacks %s",
			    e->id, score, in->config->risk_appetite,
			    !by && !on ? "accepted_by and accepted_on" : !by ? "accepted_by" : "accepted_on");
	}
}

int
review_due(const struct config *c, const struct entity *e, date_t *due)
{
	const char *status = entity_str(e, "status");
	const struct ynode *on = entity_get(e, "approved_on");
	long months = c->review_interval_months;
	date_t approved;

	if (status == NULL || strcmp(status, "approved") != 0 || on == NULL ||
	    date_parse(on->str, on->len, &approved) != 0)
		return 0;
	yvalue_int(entity_get(e, "review_interval_months"), &months);
	*due = date_add_months(approved, (int)months);
	return 1;
}

static void
S_review(const struct check_input *in, const struct entity *e, struct diags *d)
{
	const struct ynode *on = entity_get(e, "approved_on");
	date_t due;
	char buf[11];

	if (review_due(in->config, e, &due) && due < in->as_of) {
		date_format(due, buf);
		diag_add(d, R_REVIEW_OVERDUE, e->doc->path, on->line, on->col,
		    "%s '%s' was due for review on %s", e->kind->name, e->id, buf);
	}
}

static int
S_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
link_resolve(const char *doc_path, const char *url, char *out, size_t size)
{
	size_t n = 0, k, seg[256], nseg = 0;
	const char *slash = strrchr(doc_path, '/'), *p;

	if (url[0] == '\0' || url[0] == '#' || url[0] == '?' || url[0] == '/')
		return 0;
	for (p = url; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (p > url && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '.' || *p == '-')); p++)
		;
	if (*p == ':' && p > url)
		return 0; /* a scheme: http:, mailto:, ... */
	if (size < 2)
		return -1;
	/* the doc's folder, then the link, percent-decoded, up to '#' or '?' */
	if (slash != NULL) {
		k = (size_t)(slash - doc_path) + 1;
		if (k >= size)
			return -1;
		memcpy(out, doc_path, k);
		n = k;
	}
	for (p = url; *p && *p != '#' && *p != '?'; p++) {
		int c = (unsigned char)*p;
		if (c == '%' && S_hex(p[1]) >= 0 && S_hex(p[2]) >= 0) {
			c = S_hex(p[1]) * 16 + S_hex(p[2]);
			p += 2;
		}
		if (c == '\0' || n + 1 >= size)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	/* normalise in place: drop "." and empty segments, fold ".." */
	k = 0;
	for (size_t i = 0; i <= n;) {
		size_t j = i;
		while (j < n && out[j] != '/')
			j++;
		size_t len = j - i;
		if (len == 0 || (len == 1 && out[i] == '.')) {
			/* skip */
		} else if (len == 2 && out[i] == '.' && out[i + 1] == '.') {
			if (nseg == 0)
				return -1; /* above the root */
			k = seg[--nseg];
		} else {
			if (nseg == sizeof(seg) / sizeof(*seg))
				return -1;
			seg[nseg++] = k;
			if (k > 0)
				out[k++] = '/';
			memmove(out + k, out + i, len);
			k += len;
		}
		i = j + 1;
	}
	out[k] = '\0';
	return 1;
}

static void
S_links(const struct check_input *in, const struct doc *doc, struct diags *d)
{
	char path[4096];

	for (size_t i = 0; i < doc->md.nlinks; i++) {
		const struct md_link *l = &doc->md.links[i];
		int rc = link_resolve(doc->path, l->url, path, sizeof(path));
		if (rc == 0 || (rc == 1 && path[0] != '\0' && source_has_file(in->source, path)))
			continue;
		if (rc == 1 && (path[0] == '\0' || source_has(in->source, path)))
			/* a folder has no page in the manual (the root is one too) */
			diag_add(d, R_LINK_BROKEN, doc->path, l->line, l->col,
			    "%s '%s' leads to a folder, not a file", l->image ? "image" : "link to",
			    l->url);
		else if (l->image)
			diag_add(d, R_LINK_BROKEN, doc->path, l->line, l->col,
			    "image '%s' is not in the tree", l->url);
		else
			diag_add(d, R_LINK_BROKEN, doc->path, l->line, l->col,
			    "link to '%s' leads to no file in the tree", l->url);
	}
}

/* Each item of documented information that clauses 4 to 10 require and
 * the tree does not hold, at isms.yaml (SPEC §4: a finding about the tree). */
static void
S_mandatory(const struct check_input *in, struct diags *d)
{
	static const char *const why[] = {
		[MAND_CLAUSE] = "no document has \"%s\" in its clauses",
		[MAND_KIND] = "no %s",
		[MAND_MEASURED] = "no objective has a measurement and no document has \"%s\" in its clauses",
		[MAND_CORRECTED] = "no document has \"%s\" in its clauses and no action refers to a finding",
	};
	const struct ynode *at = in->config->catalog_node;
	struct mandatory_item it[MANDATORY_N];
	char reason[128];

	mandatory_find(in->model, it);
	for (int k = 0; k < MANDATORY_N; k++) {
		if (it[k].found)
			continue;
		if (it[k].how == MAND_KIND)
			snprintf(reason, sizeof(reason), why[MAND_KIND], it[k].kind);
		else if (it[k].how == MAND_TREATED)
			snprintf(reason, sizeof(reason), "%s", it[k].count == 0 ? "no risk" :
			    "a risk has no treatment");
		else
			snprintf(reason, sizeof(reason), why[it[k].how], it[k].clause);
		diag_add(d, R_MANDATORY_DOCS, CONFIG_FILE, at ? at->line : 1, at ? at->col : 1,
		    "clause %s: %s: %s", it[k].clause, it[k].title, reason);
	}
}

/* templates: names a folder of the tree (config.c made sure it is inside). */
static void
S_templates(const struct check_input *in, struct diags *d)
{
	const char *t = in->config->templates;
	const struct ynode *n = ynode_get(in->config->root, "templates");

	if (t == NULL || t[0] == '\0' || n == NULL)
		return;
	if (!source_has(in->source, t) || source_has_file(in->source, t))
		diag_add(d, R_SCHEMA, CONFIG_FILE, n->line, n->col,
		    "field 'templates' names no folder of the tree ('%s')", t);
}

void
check_model(const struct check_input *in, struct diags *d)
{
	const struct model *m = in->model;
	const struct catalog *cat = &in->schemas->cat;
	const struct ynode *at = in->config->catalog_node;

	for (size_t i = 0; i < cat->n; i++)
		if (m->cat_decision[i] == NULL)
			diag_add(d, R_SOA_MISSING, CONFIG_FILE, at ? at->line : 1, at ? at->col : 1,
			    "catalogue control '%s' has no control entity", cat->v[i].id);
	for (size_t i = 0; i < m->n; i++) {
		const struct entity *e = m->entities[i];
		if (!e->valid)
			continue;
		if (S_is(e, "control"))
			S_control(in, e, d);
		else if (S_is(e, "risk"))
			S_risk(in, e, d);
		else if (S_is(e, "objective") && !S_has_items(e, "measurements"))
			S_at_id(d, R_OBJECTIVE_UNMEASURED, e, "objective '%s' has no measurement%s", e->id, "");
		else if (S_is(e, "policy") || S_is(e, "procedure"))
			S_review(in, e, d);
	}
	for (size_t i = 0; i < m->ndocs; i++)
		if (!m->docs[i].failed)
			S_links(in, &m->docs[i], d);
	S_mandatory(in, d);
	S_templates(in, d);
}
