/* config.c — isms.yaml, validated key by key. */
#include "config.h"

#include <string.h>

#include "schema.h"

static const char *const S_keys[] = {
	"name", "organization", "catalog", "as_of", "review_interval_months",
	"audit_interval_months", "risk", "rules", "plugins", "plugin_limits", "publish",
	"templates", NULL
};

static void
S_bad(struct diags *d, const struct ynode *n, const char *fmt, const char *key)
{
	diag_add(d, R_SCHEMA, CONFIG_FILE, n->line, n->col, fmt, key);
}

static int
S_known(const char *const *keys, const char *k)
{
	for (int i = 0; keys[i]; i++)
		if (strcmp(keys[i], k) == 0)
			return 1;
	return 0;
}

/* Warn about keys of map m that are not in keys. */
static void
S_unknown_keys(const struct ynode *m, const char *const *keys, const char *where, struct diags *d)
{
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i], *at = ynode_at(k, m->kids[i + 1]);
		if (k->type == YNODE_SCALAR && S_known(keys, k->str))
			continue;
		if (where)
			diag_add(d, R_FIELD_UNKNOWN, CONFIG_FILE, at->line, at->col,
			    "unknown key '%s' in %s of isms.yaml", k->type == YNODE_SCALAR ? k->str : "?", where);
		else
			diag_add(d, R_FIELD_UNKNOWN, CONFIG_FILE, at->line, at->col,
			    "unknown key '%s' in isms.yaml", k->type == YNODE_SCALAR ? k->str : "?");
	}
}

static const char *
S_string(const struct ynode *m, const char *key, struct diags *d)
{
	const struct ynode *n = ynode_get(m, key);

	if (n == NULL || ynode_is_null(n))
		return NULL;
	if (n->type != YNODE_SCALAR) {
		S_bad(d, n, "field '%s' must be a scalar", key);
		return NULL;
	}
	return n->str;
}

/* A folder of the source tree, relative to its root: no absolute path, no
 * "..", no hidden part (the walk leaves hidden folders out); "./" parts and
 * trailing slashes dropped; "" for the root. The project's own files come
 * from it, through the source, never from outside the tree. */
static const char *
S_folder(struct arena *a, const struct ynode *m, const char *key, struct diags *d)
{
	const char *s = S_string(m, key, d), *p, *q;
	char *out;
	size_t n = 0;

	if (s == NULL)
		return NULL;
	out = arena_alloc(a, strlen(s) + 1);
	for (p = s; *p != '\0'; p = *q != '\0' ? q + 1 : q) {
		size_t len;
		q = strchr(p, '/');
		if (q == NULL)
			q = p + strlen(p);
		len = (size_t)(q - p);
		if (p == s && len == 0)
			goto bad; /* absolute */
		if (len == 0 || (len == 1 && p[0] == '.'))
			continue;
		if (p[0] == '.')
			goto bad; /* "..", or hidden */
		if (n > 0)
			out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
	}
	out[n] = '\0';
	return out;
bad:
	S_bad(d, ynode_get(m, key), "field '%s' must name a folder inside the source tree, "
	    "not hidden", key);
	return NULL;
}

static void
S_int(const struct ynode *m, const char *key, long min, long max, long *out, struct diags *d)
{
	const struct ynode *n = ynode_get(m, key);
	long v;

	if (n == NULL || ynode_is_null(n))
		return;
	if (yvalue_int(n, &v) != 0) {
		S_bad(d, n, "field '%s' must be an integer", key);
		return;
	}
	if (v < min || v > max) {
		diag_add(d, R_SCHEMA, CONFIG_FILE, n->line, n->col,
		    "field '%s' must be between %ld and %ld", key, min, max);
		return;
	}
	*out = v;
}

static const char **
S_strings(struct arena *a, const struct ynode *m, const char *key, size_t *count, struct diags *d)
{
	const struct ynode *n = ynode_get(m, key);
	const char **v;

	*count = 0;
	if (n == NULL || ynode_is_null(n))
		return NULL;
	if (n->type == YNODE_SCALAR) {
		v = arena_alloc(a, sizeof(*v));
		v[(*count)++] = n->str;
		return v;
	}
	if (n->type != YNODE_SEQ) {
		S_bad(d, n, "field '%s' must be a list", key);
		return NULL;
	}
	v = arena_alloc(a, (n->n + 1) * sizeof(*v));
	for (size_t i = 0; i < n->n; i++) {
		if (n->kids[i]->type != YNODE_SCALAR)
			S_bad(d, n->kids[i], "field '%s' must list scalars", key);
		else
			v[(*count)++] = n->kids[i]->str;
	}
	return v;
}

long
config_risk_score(const struct config *c, long l, long i)
{
	if (l < 1 || i < 1 || l > c->risk_scale || i > c->risk_scale)
		return l * i; /* out of range: reported by the schema, scored plainly */
	if (c->risk_matrix != NULL)
		return c->risk_matrix[(l - 1) * c->risk_scale + (i - 1)];
	return l * i;
}

void
config_risk_range(const struct config *c, long *lo, long *hi)
{
	*lo = *hi = config_risk_score(c, 1, 1);
	for (long l = 1; l <= c->risk_scale; l++)
		for (long i = 1; i <= c->risk_scale; i++) {
			long s = config_risk_score(c, l, i);
			*lo = s < *lo ? s : *lo;
			*hi = s > *hi ? s : *hi;
		}
}

/* The highest score the scoring gives. */
static long
S_max(const struct config *c)
{
	long lo, hi;

	config_risk_range(c, &lo, &hi);
	return hi;
}

const struct risklevel *
config_risk_level(const struct config *c, long score)
{
	for (size_t k = 0; k + 1 < c->nlevels; k++)
		if (score <= c->levels[k].max)
			return &c->levels[k];
	return &c->levels[c->nlevels - 1];
}

/* risk.likelihood or risk.impact: one label per step of the scale. */
static const char **
S_labels(struct arena *a, const struct ynode *risk, const char *key, long scale, struct diags *d)
{
	const struct ynode *n = ynode_get(risk, key);
	size_t count;
	const char **v = S_strings(a, risk, key, &count, d);

	if (v == NULL)
		return NULL;
	if ((long)count != scale || count != n->n) {
		diag_add(d, R_SCHEMA, CONFIG_FILE, n->line, n->col,
		    "field 'risk.%s' must list %ld labels, one per step of the scale", key, scale);
		return NULL;
	}
	return v;
}

/* risk.matrix: scale rows (likelihood 1 first) of scale scores (impact 1 first). */
static const long *
S_matrix(struct arena *a, const struct ynode *n, long scale, struct diags *d)
{
	long *m = arena_alloc(a, (size_t)(scale * scale) * sizeof(*m));

	if (n->type != YNODE_SEQ || (long)n->n != scale) {
		diag_add(d, R_SCHEMA, CONFIG_FILE, n->line, n->col,
		    "field 'risk.matrix' must list %ld rows, one per likelihood", scale);
		return NULL;
	}
	for (long l = 0; l < scale; l++) {
		const struct ynode *row = n->kids[l];
		if (row->type != YNODE_SEQ || (long)row->n != scale) {
			diag_add(d, R_SCHEMA, CONFIG_FILE, row->line, row->col,
			    "a row of 'risk.matrix' must list %ld scores, one per impact", scale);
			return NULL;
		}
		for (long i = 0; i < scale; i++)
			if (yvalue_int(row->kids[i], &m[l * scale + i]) != 0 || m[l * scale + i] < 0 ||
			    m[l * scale + i] > 1000) {
				diag_add(d, R_SCHEMA, CONFIG_FILE, row->kids[i]->line, row->kids[i]->col,
				    "a score of 'risk.matrix' must be an integer between 0 and 1000%s", "");
				return NULL;
			}
	}
	return m;
}

static int
S_color(const char *s)
{
	size_t n = strlen(s), k = 1;

	if ((n != 4 && n != 7) || s[0] != '#')
		return 0;
	while (k < n && strchr("0123456789abcdefABCDEF", s[k]) != NULL)
		k++;
	return k == n;
}

/* risk.levels: bands {name, max, color}, ascending by max. */
static void
S_levels(struct config *c, struct arena *a, const struct ynode *n, struct diags *d)
{
	static const char *const keys[] = {"name", "max", "color", NULL};
	struct risklevel *v;
	size_t k = 0;

	if (n->type != YNODE_SEQ || n->n == 0 || n->n > 16) {
		S_bad(d, n, "field '%s' must list 1 to 16 levels {name, max, color}", "risk.levels");
		return;
	}
	v = arena_alloc(a, n->n * sizeof(*v));
	for (size_t j = 0; j < n->n; j++) {
		const struct ynode *b = n->kids[j];
		const char *name = NULL, *color = NULL;
		long max = -1;
		if (b->type != YNODE_MAP) {
			S_bad(d, b, "a level of '%s' must be a mapping {name, max, color}", "risk.levels");
			return;
		}
		S_unknown_keys(b, keys, "risk.levels", d);
		name = S_string(b, "name", d);
		color = S_string(b, "color", d);
		S_int(b, "max", 0, 1000000, &max, d);
		if (name == NULL || !name_valid(name)) {
			S_bad(d, b, "a level of '%s' needs a name matching [a-z][a-z0-9-]*", "risk.levels");
			return;
		}
		if (color != NULL && !S_color(color)) {
			const struct ynode *cn = ynode_get(b, "color");
			diag_add(d, R_SCHEMA, CONFIG_FILE, cn->line, cn->col,
			    "field 'color' must be a colour #rgb or #rrggbb, not '%s'", color);
			return;
		}
		if (max < 0 || (k > 0 && max <= v[k - 1].max)) {
			S_bad(d, b, "the levels of '%s' need a max each, ascending", "risk.levels");
			return;
		}
		v[k].name = name;
		v[k].color = color;
		v[k++].max = max;
	}
	c->levels = v;
	c->nlevels = k;
}

/* risk: the methodology (scale, labels, scoring, appetite, levels). */
static void
S_risk(struct config *c, struct arena *a, const struct ynode *risk, struct diags *d)
{
	static const char *const keys[] = {"scale", "appetite", "likelihood", "impact", "scoring",
		"matrix", "levels", NULL};
	const struct ynode *n;
	const char *scoring;
	long appetite = -1;

	if (risk->type != YNODE_MAP) {
		S_bad(d, risk, "field '%s' must be a mapping", "risk");
		return;
	}
	S_unknown_keys(risk, keys, "risk", d);
	if ((n = ynode_get(risk, "likelihood")) != NULL && n->type == YNODE_SEQ &&
	    ynode_get(risk, "scale") == NULL && n->n >= 2 && n->n <= 10)
		c->risk_scale = (long)n->n; /* the labels give the scale */
	S_int(risk, "scale", 2, 10, &c->risk_scale, d);
	c->likelihood_labels = S_labels(a, risk, "likelihood", c->risk_scale, d);
	c->impact_labels = S_labels(a, risk, "impact", c->risk_scale, d);
	scoring = S_string(risk, "scoring", d);
	n = ynode_get(risk, "matrix");
	if (scoring != NULL && strcmp(scoring, "product") != 0 && strcmp(scoring, "matrix") != 0) {
		const struct ynode *sn = ynode_get(risk, "scoring");
		diag_add(d, R_SCHEMA, CONFIG_FILE, sn->line, sn->col,
		    "field 'risk.scoring' must be product or matrix, not '%s'", scoring);
	} else if (scoring != NULL && strcmp(scoring, "matrix") == 0) {
		if (n == NULL)
			S_bad(d, ynode_get(risk, "scoring"), "scoring: matrix needs '%s'", "risk.matrix");
		else
			c->risk_matrix = S_matrix(a, n, c->risk_scale, d);
	} else if (n != NULL) {
		S_bad(d, n, "field '%s' is used only with scoring: matrix", "risk.matrix");
	}
	S_int(risk, "appetite", 0, S_max(c), &appetite, d);
	if (appetite >= 0)
		c->risk_appetite = appetite;
	else if (c->risk_appetite > S_max(c))
		c->risk_appetite = S_max(c);
	if ((n = ynode_get(risk, "levels")) != NULL && !ynode_is_null(n))
		S_levels(c, a, n, d);
}

/* The default levels: low up to half the appetite, medium up to it, high above. */
static void
S_default_levels(struct config *c, struct arena *a)
{
	struct risklevel *v = arena_alloc(a, 3 * sizeof(*v));

	v[0] = (struct risklevel){"low", NULL, c->risk_appetite / 2};
	v[1] = (struct risklevel){"medium", NULL, c->risk_appetite};
	v[2] = (struct risklevel){"high", NULL, S_max(c)};
	c->levels = v;
	c->nlevels = 3;
}

int
config_load(struct config *c, struct arena *a, const char *text, size_t len, struct diags *d)
{
	struct yaml_ctx y = {a, d, CONFIG_FILE, 0, 0};
	struct ynode *root = NULL;
	const struct ynode *n, *risk, *pub;

	memset(c, 0, sizeof(*c));
	c->catalog = "iso27001-2022";
	c->review_interval_months = 12;
	c->audit_interval_months = 12;
	c->risk_scale = 5;
	c->risk_appetite = 8;
	c->plugin_instructions = 100000000;
	c->plugin_memory_mb = 128;
	c->plugin_reports = 100000;
	c->plugin_seconds = 10;
	S_default_levels(c, a);
	if (yaml_load(&y, text, len, &root) != 0)
		return -1;
	if (root != NULL && root->type != YNODE_MAP) {
		diag_add(d, R_SYNTAX, CONFIG_FILE, root->line, root->col, "isms.yaml is not a mapping");
		return -1;
	}
	c->root = root;
	/* a name that is there but bad is reported at its place, once */
	c->name = S_string(root, "name", d);
	if (c->name != NULL && c->name[0] == '\0')
		S_bad(d, ynode_get(root, "name"), "field '%s' must not be empty", "name");
	else if (c->name == NULL && (ynode_get(root, "name") == NULL ||
	    ynode_is_null(ynode_get(root, "name"))))
		diag_add(d, R_SCHEMA, CONFIG_FILE, 1, 1, "missing required field 'name'");
	if (root == NULL)
		return 0;
	S_unknown_keys(root, S_keys, NULL, d);
	c->organization = S_string(root, "organization", d);
	c->templates = S_folder(a, root, "templates", d);
	if ((n = ynode_get(root, "catalog")) != NULL) {
		c->catalog_node = n;
		if (n->type == YNODE_SCALAR && !ynode_is_null(n))
			c->catalog = n->str;
		else
			S_bad(d, n, "field '%s' must name a catalogue", "catalog");
	}
	if ((n = ynode_get(root, "as_of")) != NULL && !ynode_is_null(n)) {
		if (n->type != YNODE_SCALAR || date_parse(n->str, n->len, &c->as_of) != 0)
			S_bad(d, n, "field '%s' must be a date (YYYY-MM-DD)", "as_of");
		else
			c->has_as_of = 1;
	}
	S_int(root, "review_interval_months", 1, 120, &c->review_interval_months, d);
	/* read by the audit-interval and audit-coverage rules through isms.config */
	S_int(root, "audit_interval_months", 1, 120, &c->audit_interval_months, d);
	c->levels = NULL;
	if ((risk = ynode_get(root, "risk")) != NULL && !ynode_is_null(risk))
		S_risk(c, a, risk, d);
	if (c->levels == NULL)
		S_default_levels(c, a); /* from the appetite in force */
	if ((n = ynode_get(root, "rules")) != NULL && !ynode_is_null(n)) {
		if (n->type != YNODE_MAP)
			S_bad(d, n, "field '%s' must be a mapping", "rules");
		else
			c->rules = n;
	}
	if ((n = ynode_get(root, "plugins")) != NULL && !ynode_is_null(n)) {
		size_t count;
		if (S_strings(a, root, "plugins", &count, d) != NULL)
			c->plugins = n;
	}
	if ((n = ynode_get(root, "plugin_limits")) != NULL && !ynode_is_null(n)) {
		static const char *const keys[] = {"instructions", "memory_mb", "reports", "seconds",
		    NULL};
		if (n->type != YNODE_MAP) {
			S_bad(d, n, "field '%s' must be a mapping", "plugin_limits");
		} else {
			S_unknown_keys(n, keys, "plugin_limits", d);
			S_int(n, "instructions", 1000, 1000000000000L, &c->plugin_instructions, d);
			S_int(n, "memory_mb", 1, 4096, &c->plugin_memory_mb, d);
			S_int(n, "reports", 1, 10000000, &c->plugin_reports, d);
			S_int(n, "seconds", 1, 86400, &c->plugin_seconds, d);
		}
	}
	if ((pub = ynode_get(root, "publish")) != NULL && !ynode_is_null(pub)) {
		static const char *const keys[] = {"exclude_classification", "exclude_status", NULL};
		if (pub->type != YNODE_MAP) {
			S_bad(d, pub, "field '%s' must be a mapping", "publish");
		} else {
			S_unknown_keys(pub, keys, "publish", d);
			c->exclude_classification = S_strings(a, pub, "exclude_classification",
			    &c->nexclude_classification, d);
			c->exclude_status = S_strings(a, pub, "exclude_status", &c->nexclude_status, d);
		}
	}
	return 0;
}

static int
S_severity(const struct ynode *n, enum severity *s)
{
	if (n == NULL || n->type != YNODE_SCALAR)
		return -1;
	if (strcmp(n->str, "error") == 0)
		*s = SEV_ERROR;
	else if (strcmp(n->str, "warning") == 0)
		*s = SEV_WARNING;
	else if (strcmp(n->str, "off") == 0)
		*s = SEV_OFF;
	else
		return -1;
	return 0;
}

void
config_apply_rules(const struct config *c, struct rules *t, struct diags *d)
{
	const struct ynode *m = c->rules;

	if (m == NULL)
		return;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i], *v = m->kids[i + 1], *sv = v;
		enum severity s;
		int r = k->type == YNODE_SCALAR ? rules_find(t, k->str) : -1;

		if (r < 0) {
			diag_add(d, R_FIELD_UNKNOWN, CONFIG_FILE, k->line, k->col,
			    "unknown rule '%s' in isms.yaml", k->type == YNODE_SCALAR ? k->str : "?");
			continue;
		}
		if (v->type == YNODE_MAP) {
			sv = ynode_get(v, "severity");
			if (sv == NULL)
				continue; /* options only */
		}
		if (S_severity(sv, &s) != 0) {
			diag_add(d, R_SCHEMA, CONFIG_FILE, sv->line, sv->col,
			    "the severity of rule '%s' must be one of error, warning, off", k->str);
			continue;
		}
		if (t->v[r].fixed && s != SEV_ERROR) {
			diag_add(d, R_SCHEMA, CONFIG_FILE, sv->line, sv->col,
			    "rule '%s' is always an error", k->str);
			continue;
		}
		t->v[r].sev = s;
	}
}

const struct ynode *
config_rule_options(const struct config *c, const char *rule)
{
	const struct ynode *v = ynode_get(c->rules, rule);

	return v != NULL && v->type == YNODE_MAP ? v : NULL;
}

static int
S_listed(const char **v, size_t n, const struct ynode *x)
{
	if (x == NULL || x->type != YNODE_SCALAR)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], x->str) == 0)
			return 1;
	return 0;
}

int
config_excluded(const struct config *c, const struct ynode *fm)
{
	/* the fields are looked up only when something is left out */
	return (c->nexclude_classification > 0 && S_listed(c->exclude_classification,
	           c->nexclude_classification, ynode_get(fm, "classification"))) ||
	    (c->nexclude_status > 0 &&
	        S_listed(c->exclude_status, c->nexclude_status, ynode_get(fm, "status")));
}
