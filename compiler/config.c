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
		const struct ynode *k = m->kids[i];
		if (k->type == YNODE_SCALAR && S_known(keys, k->str))
			continue;
		if (where)
			diag_add(d, R_FIELD_UNKNOWN, CONFIG_FILE, k->line, k->col,
			    "unknown key '%s' in %s of isms.yaml", k->type == YNODE_SCALAR ? k->str : "?", where);
		else
			diag_add(d, R_FIELD_UNKNOWN, CONFIG_FILE, k->line, k->col,
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

int
config_load(struct config *c, struct arena *a, const char *text, size_t len, struct diags *d)
{
	struct yaml_ctx y = {a, d, CONFIG_FILE, 0};
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
	if (yaml_load(&y, text, len, &root) != 0)
		return -1;
	if (root != NULL && root->type != YNODE_MAP) {
		diag_add(d, R_SYNTAX, CONFIG_FILE, root->line, root->col, "isms.yaml is not a mapping");
		return -1;
	}
	c->root = root;
	c->name = S_string(root, "name", d);
	if (c->name == NULL || c->name[0] == '\0')
		diag_add(d, R_SCHEMA, CONFIG_FILE, 1, 1, "missing required field 'name'");
	if (root == NULL)
		return 0;
	S_unknown_keys(root, S_keys, NULL, d);
	c->organization = S_string(root, "organization", d);
	c->templates = S_string(root, "templates", d);
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
	if ((risk = ynode_get(root, "risk")) != NULL && !ynode_is_null(risk)) {
		static const char *const keys[] = {"scale", "appetite", NULL};
		if (risk->type != YNODE_MAP) {
			S_bad(d, risk, "field '%s' must be a mapping", "risk");
		} else {
			S_unknown_keys(risk, keys, "risk", d);
			S_int(risk, "scale", 2, 10, &c->risk_scale, d);
			S_int(risk, "appetite", 0, c->risk_scale * c->risk_scale, &c->risk_appetite, d);
		}
	}
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
		static const char *const keys[] = {"instructions", "memory_mb", "reports", NULL};
		if (n->type != YNODE_MAP) {
			S_bad(d, n, "field '%s' must be a mapping", "plugin_limits");
		} else {
			S_unknown_keys(n, keys, "plugin_limits", d);
			S_int(n, "instructions", 1000, 1000000000000L, &c->plugin_instructions, d);
			S_int(n, "memory_mb", 1, 4096, &c->plugin_memory_mb, d);
			S_int(n, "reports", 1, 10000000, &c->plugin_reports, d);
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
	return S_listed(c->exclude_classification, c->nexclude_classification,
	           ynode_get(fm, "classification")) ||
	    S_listed(c->exclude_status, c->nexclude_status, ynode_get(fm, "status"));
}
