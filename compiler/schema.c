/* schema.c — kinds and the catalogue as data; front matter validation.
 * Hands the model a verdict per entity and the references it found. */
#include "schema.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

static const char *const S_types[] = {
	[FT_STRING] = "string", [FT_INTEGER] = "integer", [FT_NUMBER] = "number",
	[FT_BOOLEAN] = "boolean", [FT_DATE] = "date", [FT_REF] = "ref",
	[FT_LIST] = "list", [FT_MAP] = "map",
};

/* Names a field cannot take: the entity's own keys and what plugins see. */
static const char *const S_reserved[] = {"id", "kind", "file", "line", "refs", "referrers", NULL};

void
schemas_init(struct schemas *s)
{
	memset(s, 0, sizeof(*s));
	arena_init(&s->arena);
	hash_init(&s->by_name, 0);
	hash_init(&s->cat.by_id, 0);
	s->risk_scale = 5;
}

void
schemas_free(struct schemas *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->kinds[i]->fields);
	free(s->kinds);
	hash_free(&s->by_name);
	hash_free(&s->cat.by_id);
	arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

const struct kinddef *
schemas_kind(const struct schemas *s, const char *name)
{
	return hash_get(&s->by_name, name);
}

const struct fielddef *
kind_field(const struct kinddef *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->fields[i]->name[0] == name[0] && strcmp(k->fields[i]->name, name) == 0)
			return k->fields[i];
	return NULL;
}

int
catalog_find(const struct catalog *c, const char *id)
{
	void *v = hash_get(&c->by_id, id);
	return v ? (int)((intptr_t)v - 1) : -1;
}

const char *
catalog_theme_title(const struct catalog *c, const char *theme)
{
	for (size_t i = 0; theme != NULL && i < c->nthemes; i++)
		if (strcmp(c->themes[i].id, theme) == 0)
			return c->themes[i].title;
	return NULL;
}

int
id_valid(const char *id)
{
	const unsigned char *p = (const unsigned char *)id;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
		return 0;
	for (p++; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

int
name_valid(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

int
yvalue_int(const struct ynode *n, long *out)
{
	const char *p;
	char *end;
	long v;

	if (n == NULL || n->type != YNODE_SCALAR || !n->plain || n->len == 0)
		return -1;
	p = n->str;
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	v = strtol(n->str, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int
yvalue_number(const struct ynode *n, double *out)
{
	char *end;
	double v;
	const char *p;

	if (n == NULL || n->type != YNODE_SCALAR || !n->plain || n->len == 0)
		return -1;
	p = n->str;
	if (*p == '+' || *p == '-')
		p++;
	if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) ||
	    strpbrk(p, "xX") != NULL)
		return -1; /* no inf, nan, nor hex (0x10, which strtod takes) */
	v = strtod(n->str, &end);
	if (*end == '%' && end[1] == '\0')
		end++; /* a percentage, as measurements of objectives often are: 97.5% */
	if (*end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int
yvalue_bool(const struct ynode *n, int *out)
{
	if (n == NULL || n->type != YNODE_SCALAR || !n->plain)
		return -1;
	if (!strcmp(n->str, "true") || !strcmp(n->str, "True") || !strcmp(n->str, "TRUE"))
		*out = 1;
	else if (!strcmp(n->str, "false") || !strcmp(n->str, "False") || !strcmp(n->str, "FALSE"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* ---- loading kind files ------------------------------------------------ */

struct loadctx {
	struct schemas *s;
	const char *file;
	struct diags *d;
	int bad;
};

static void
S_err(struct loadctx *L, const struct ynode *at, const char *fmt, const char *a, const char *b)
{
	diag_add(L->d, R_SCHEMA, L->file, at ? at->line : 1, at ? at->col : 1, fmt, a, b);
	L->bad = 1;
}

static const char **
S_strlist(struct loadctx *L, const struct ynode *n, size_t *count, const char *what)
{
	const char **v;

	*count = 0;
	if (n->type != YNODE_SEQ) {
		S_err(L, n, "'%s' must be a list%s", what, "");
		return NULL;
	}
	v = arena_alloc(&L->s->arena, (n->n + 1) * sizeof(*v));
	for (size_t i = 0; i < n->n; i++) {
		if (n->kids[i]->type != YNODE_SCALAR) {
			S_err(L, n->kids[i], "'%s' must list scalars%s", what, "");
			return NULL;
		}
		v[(*count)++] = n->kids[i]->str;
	}
	return v;
}

static int
S_type(const char *name)
{
	for (size_t i = 0; i < sizeof(S_types) / sizeof(*S_types); i++)
		if (strcmp(S_types[i], name) == 0)
			return (int)i;
	return -1;
}

static struct fielddef *S_fielddef(struct loadctx *L, const struct ynode *key, const struct ynode *spec);

/* The `fields:` map of a kind or of a map field. */
static struct fielddef **
S_fields(struct loadctx *L, const struct ynode *m, size_t *count)
{
	struct fielddef **v;

	*count = 0;
	if (m->type != YNODE_MAP) {
		S_err(L, m, "'fields' must be a mapping%s%s", "", "");
		return NULL;
	}
	v = arena_alloc(&L->s->arena, (m->n / 2 + 1) * sizeof(*v));
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		struct fielddef *f = S_fielddef(L, m->kids[i], m->kids[i + 1]);
		if (f != NULL)
			v[(*count)++] = f;
	}
	return v;
}

static struct fielddef *
S_fielddef(struct loadctx *L, const struct ynode *key, const struct ynode *spec)
{
	struct fielddef *f;
	const struct ynode *t;

	if (key->type != YNODE_SCALAR || key->len == 0) {
		S_err(L, key, "a field name must be a scalar%s%s", "", "");
		return NULL;
	}
	if (spec->type != YNODE_MAP) {
		S_err(L, spec, "field '%s' must be described by a mapping%s", key->str, "");
		return NULL;
	}
	f = arena_alloc(&L->s->arena, sizeof(*f));
	f->name = key->str;
	f->type = FT_STRING;
	for (size_t i = 0; i + 1 < spec->n; i += 2) {
		const struct ynode *k = spec->kids[i];
		static const char *const known[] = {"type", "required", "enum", "min", "max",
		    "kind", "of", "fields", "required_if", "else_enum", NULL};
		int ok = 0;
		for (int j = 0; known[j]; j++)
			ok |= k->type == YNODE_SCALAR && strcmp(k->str, known[j]) == 0;
		if (!ok)
			diag_add(L->d, R_FIELD_UNKNOWN, L->file, k->line, k->col,
			    "unknown key '%s' in the description of field '%s'", k->str, key->str);
	}
	if ((t = ynode_get(spec, "type")) != NULL) {
		int ty = t->type == YNODE_SCALAR ? S_type(t->str) : -1;
		if (ty < 0) {
			S_err(L, t, "field 'type' must be one of string, integer, number, boolean, date, ref, list, map%s%s", "", "");
			return NULL;
		}
		f->type = (enum ftype)ty;
	}
	f->of = FT_STRING;
	if ((t = ynode_get(spec, "of")) != NULL) {
		int ty = t->type == YNODE_SCALAR ? S_type(t->str) : -1;
		if (ty < 0 || ty == FT_LIST) {
			S_err(L, t, "field 'of' must be one of string, integer, number, boolean, date, ref, map%s%s", "", "");
			return NULL;
		}
		f->of = (enum ftype)ty;
	}
	if ((t = ynode_get(spec, "required")) != NULL && yvalue_bool(t, &f->required) != 0)
		S_err(L, t, "field 'required' must be true or false%s%s", "", "");
	if ((t = ynode_get(spec, "enum")) != NULL)
		f->enumv = S_strlist(L, t, &f->nenum, "enum");
	if ((t = ynode_get(spec, "else_enum")) != NULL)
		f->else_enum = S_strlist(L, t, &f->nelse, "else_enum");
	if ((t = ynode_get(spec, "required_if")) != NULL) {
		if (t->type != YNODE_SCALAR)
			S_err(L, t, "field 'required_if' must name a field%s%s", "", "");
		else
			f->required_if = t->str;
	}
	if ((t = ynode_get(spec, "min")) != NULL) {
		if (yvalue_int(t, &f->min) != 0)
			S_err(L, t, "field 'min' must be an integer%s%s", "", "");
		else
			f->has_min = 1;
	}
	if ((t = ynode_get(spec, "max")) != NULL) {
		if (yvalue_int(t, &f->max) == 0)
			f->has_max = 1;
		else if (t->type == YNODE_SCALAR && strcmp(t->str, "risk.scale") == 0)
			f->max_setting = "risk.scale";
		else
			S_err(L, t, "field 'max' must be an integer or risk.scale%s%s", "", "");
	}
	if ((t = ynode_get(spec, "kind")) != NULL) {
		if (t->type != YNODE_SCALAR || !name_valid(t->str))
			S_err(L, t, "field 'kind' must name a kind%s%s", "", "");
		else {
			f->kind = t->str;
			f->file = L->file;
			f->kind_at = t;
		}
	}
	if ((f->type == FT_REF || (f->type == FT_LIST && f->of == FT_REF)) && f->kind == NULL)
		S_err(L, key, "field '%s' refers to no kind (add kind:)%s", key->str, "");
	if ((t = ynode_get(spec, "fields")) != NULL)
		f->fields = S_fields(L, t, &f->nfields);
	return f;
}

static void
S_add_field(struct loadctx *L, struct kinddef *k, struct fielddef *f, const struct ynode *at)
{
	for (int i = 0; S_reserved[i]; i++)
		if (strcmp(f->name, S_reserved[i]) == 0) {
			S_err(L, at, "field name '%s' is reserved%s", f->name, "");
			return;
		}
	if (kind_field(k, f->name) != NULL) {
		S_err(L, at, "field '%s' of kind %s is already defined", f->name, k->name);
		return;
	}
	xgrow(&k->fields, &k->cap, k->n + 1, sizeof(*k->fields));
	k->fields[k->n++] = f;
}

int
schemas_load_kind(struct schemas *s, const char *file, const char *text, size_t len,
    int builtin, struct diags *d)
{
	struct yaml_ctx y = {&s->arena, d, file, 0, 0};
	struct loadctx L = {s, file, d, 0};
	struct ynode *root, *kn, *pl, *fl;
	struct kinddef *k;

	if (yaml_load(&y, text, len, &root) != 0)
		return -1;
	if (root == NULL || root->type != YNODE_MAP) {
		S_err(&L, root, "a schema file must be a mapping%s%s", "", "");
		return -1;
	}
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const struct ynode *key = root->kids[i];
		if (key->type != YNODE_SCALAR || (strcmp(key->str, "kind") && strcmp(key->str, "plural") &&
		    strcmp(key->str, "fields")))
			diag_add(d, R_FIELD_UNKNOWN, file, key->line, key->col,
			    "unknown key '%s' in a schema", key->type == YNODE_SCALAR ? key->str : "?");
	}
	kn = ynode_get(root, "kind");
	if (kn == NULL) {
		S_err(&L, NULL, "missing required field 'kind'%s%s", "", "");
		return -1;
	}
	if (kn->type != YNODE_SCALAR || !name_valid(kn->str)) {
		S_err(&L, kn, "invalid kind '%s'%s", kn->type == YNODE_SCALAR ? kn->str : "?", "");
		return -1;
	}
	if (strcmp(kn->str, "assets") == 0 || strcmp(kn->str, "pages") == 0 ||
	    strcmp(kn->str, "catalog") == 0) {
		S_err(&L, kn, "kind '%s' is reserved%s", kn->str, "");
		return -1;
	}
	k = hash_get(&s->by_name, kn->str);
	if (k == NULL) {
		k = arena_alloc(&s->arena, sizeof(*k));
		k->name = kn->str;
		k->builtin = builtin;
		k->kind_file = file;
		k->kind_at = kn;
		xgrow(&s->kinds, &s->cap, s->n + 1, sizeof(*s->kinds));
		s->kinds[s->n++] = k;
		hash_put(&s->by_name, k->name, k);
	}
	pl = ynode_get(root, "plural");
	if (pl != NULL) {
		if (pl->type != YNODE_SCALAR || !name_valid(pl->str))
			S_err(&L, pl, "field 'plural' must be a name like the kind's%s%s", "", "");
		else if (k->plural == NULL || k->n == 0) {
			k->plural = pl->str;
			k->plural_file = file;
			k->plural_at = pl;
		}
	}
	if (k->plural == NULL)
		k->plural = arena_printf(&s->arena, "%ss", k->name);
	fl = ynode_get(root, "fields");
	if (fl != NULL) {
		size_t n;
		struct fielddef **v = S_fields(&L, fl, &n);
		for (size_t i = 0; i < n; i++)
			S_add_field(&L, k, v[i], fl->kids[2 * i]);
	}
	return L.bad ? -1 : 0;
}

static void
S_check_refs(const struct schemas *s, struct fielddef *const *v, size_t n, struct diags *d)
{
	for (size_t i = 0; i < n; i++) {
		const struct fielddef *f = v[i];
		if (f->kind_at != NULL && strcmp(f->kind, "catalog") != 0 &&
		    schemas_kind(s, f->kind) == NULL)
			diag_add(d, R_SCHEMA, f->file, f->kind_at->line, f->kind_at->col,
			    "field '%s' refers to kind '%s', which no schema defines", f->name, f->kind);
		S_check_refs(s, f->fields, f->nfields, d);
	}
}

void
schemas_check(const struct schemas *s, struct diags *d)
{
	/* the names the plugin API gives isms beside the kinds' lists */
	static const char *const api[] = {"entities", "by_id", "catalog", "kinds", "as_of",
	    "config", "risk", "review_interval_months", "audit_interval_months", "add_months", NULL};
	struct hash plurals;

	hash_init(&plurals, 0);
	for (size_t k = 0; k < s->n; k++) {
		const struct kinddef *kd = s->kinds[k], *other, *said;
		/* at the plural, or at the kind whose default plural it is */
		const char *file = kd->plural_at != NULL ? kd->plural_file : kd->kind_file;
		const struct ynode *at = kd->plural_at != NULL ? kd->plural_at : kd->kind_at;
		S_check_refs(s, kd->fields, kd->n, d);
		for (size_t i = 0; at != NULL && api[i] != NULL; i++)
			if (strcmp(kd->plural, api[i]) == 0)
				diag_add(d, R_SCHEMA, file, at->line, at->col,
				    "plural '%s' is a name of the plugin API (isms.%s)", kd->plural,
				    kd->plural);
		if ((other = hash_put(&plurals, kd->plural, (void *)kd)) == NULL)
			continue;
		/* reported where a plural is written (a default is kind + "s") */
		said = kd->plural_at != NULL ? kd : other;
		if (said->plural_at != NULL)
			diag_add(d, R_SCHEMA, said->plural_file, said->plural_at->line,
			    said->plural_at->col, "plural '%s' is taken by kind '%s'", said->plural,
			    said == kd ? other->name : kd->name);
	}
	hash_free(&plurals);
}

/* A theme the catalogue does not list: titled from its id, "organizational"
 * -> "Organizational controls". */
static void
S_theme_named(struct schemas *s, const char *id)
{
	size_t n = strlen(id);
	char *t = arena_alloc(&s->arena, n + sizeof(" controls"));

	for (size_t i = 0; i < n; i++)
		t[i] = id[i] == '_' ? ' ' : id[i];
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	memcpy(t + n, " controls", sizeof(" controls"));
	s->cat.themes[s->cat.nthemes++] = (struct catalog_theme){id, t};
}

int
schemas_load_catalog(struct schemas *s, const char *file, const char *text, size_t len,
    struct diags *d)
{
	struct yaml_ctx y = {&s->arena, d, file, 0, 0};
	struct ynode *root, *c, *t;

	if (yaml_load(&y, text, len, &root) != 0)
		return -1;
	c = ynode_get(root, "controls");
	if (c == NULL || c->type != YNODE_SEQ) {
		diag_add(d, R_SCHEMA, file, 1, 1, "a catalogue must list its controls");
		return -1;
	}
	s->cat.name = (t = ynode_get(root, "catalog")) && t->type == YNODE_SCALAR ? t->str : "";
	s->cat.title = (t = ynode_get(root, "title")) && t->type == YNODE_SCALAR ? t->str : s->cat.name;
	t = ynode_get(root, "themes");
	/* room for the listed themes and, in the worst case, one per control */
	s->cat.themes = arena_alloc(&s->arena, ((t != NULL && t->type == YNODE_SEQ ? t->n : 0) +
	    c->n + 1) * sizeof(*s->cat.themes));
	if (t != NULL && t->type == YNODE_SEQ) {
		for (size_t i = 0; i < t->n; i++) {
			const struct ynode *id = ynode_get(t->kids[i], "id");
			const struct ynode *ti = ynode_get(t->kids[i], "title");
			if (!id || !ti || id->type || ti->type) {
				diag_add(d, R_SCHEMA, file, t->kids[i]->line, t->kids[i]->col,
				    "a catalogue theme needs an id and a title");
				return -1;
			}
			s->cat.themes[s->cat.nthemes++] = (struct catalog_theme){id->str, ti->str};
		}
	}
	s->cat.v = arena_alloc(&s->arena, (c->n + 1) * sizeof(*s->cat.v));
	for (size_t i = 0; i < c->n; i++) {
		const struct ynode *id = ynode_get(c->kids[i], "id");
		const struct ynode *th = ynode_get(c->kids[i], "theme");
		const struct ynode *ti = ynode_get(c->kids[i], "title");
		struct catalog_control *cc = &s->cat.v[s->cat.n];
		if (!id || !th || !ti || id->type || th->type || ti->type || !id_valid(id->str)) {
			diag_add(d, R_SCHEMA, file, c->kids[i]->line, c->kids[i]->col,
			    "a catalogue control needs an id, a theme and a title");
			return -1;
		}
		cc->id = id->str;
		cc->theme = th->str;
		cc->title = ti->str;
		if (hash_put(&s->cat.by_id, cc->id, (void *)(intptr_t)(s->cat.n + 1)) != NULL) {
			diag_add(d, R_SCHEMA, file, id->line, id->col, "duplicate control '%s'", id->str);
			return -1;
		}
		s->cat.n++;
		if (catalog_theme_title(&s->cat, cc->theme) == NULL)
			S_theme_named(s, cc->theme);
	}
	return 0;
}

/* ---- validation -------------------------------------------------------- */

struct vctx {
	const struct schemas *s;
	const char *kind;
	const char *file;
	struct validation *v;
	struct diags *d;
	int ok;
	const struct ynode *id_node; /* where a missing field is said to be */
};

static void
S_verr(struct vctx *V, const struct ynode *at, const char *fmt, const char *field, const char *extra)
{
	diag_add(V->d, R_SCHEMA, V->file, at->line, at->col, fmt, field, extra);
	V->ok = 0;
}

static void
S_enum_error(struct vctx *V, const struct ynode *at, const char *field, const char *const *v, size_t n)
{
	size_t len = 1;
	char *list, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 2;
	p = list = xmalloc(len);
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? ", " : "", v[i]);
	S_verr(V, at, "field '%s' must be one of %s", field, list);
	free(list);
}

static int
S_in(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void S_validate_map(struct vctx *V, struct fielddef *const *defs, size_t ndefs,
    const struct ynode *m, const char *where, const struct ynode *req_at);

/* Validate one scalar-ish value of type t for field f. */
static void
S_value(struct vctx *V, const struct fielddef *f, enum ftype t, const struct ynode *n)
{
	long iv;
	double dv;
	int bv;
	date_t dt;

	if (t == FT_MAP) {
		if (n->type != YNODE_MAP)
			S_verr(V, n, "field '%s' must be a mapping%s", f->name, "");
		else if (f->fields != NULL)
			S_validate_map(V, f->fields, f->nfields, n, f->name, V->id_node);
		return;
	}
	if (n->type != YNODE_SCALAR) {
		S_verr(V, n, "field '%s' must be a scalar%s", f->name, "");
		return;
	}
	switch (t) {
	case FT_STRING:
		if (f->enumv != NULL && !S_in(f->enumv, f->nenum, n->str))
			S_enum_error(V, n, f->name, f->enumv, f->nenum);
		break;
	case FT_INTEGER:
		if (yvalue_int(n, &iv) != 0) {
			S_verr(V, n, "field '%s' must be an integer%s", f->name, "");
			break;
		}
		long max = f->max_setting ? V->s->risk_scale : f->max;
		int has_max = f->has_max || f->max_setting;
		if ((f->has_min && iv < f->min) || (has_max && iv > max)) {
			char range[64];
			if (f->has_min && has_max)
				snprintf(range, sizeof(range), "between %ld and %ld", f->min, max);
			else if (f->has_min)
				snprintf(range, sizeof(range), "at least %ld", f->min);
			else
				snprintf(range, sizeof(range), "at most %ld", max);
			S_verr(V, n, "field '%s' must be %s", f->name, range);
		}
		break;
	case FT_NUMBER:
		if (yvalue_number(n, &dv) != 0)
			S_verr(V, n, "field '%s' must be a number%s", f->name, "");
		break;
	case FT_BOOLEAN:
		if (yvalue_bool(n, &bv) != 0)
			S_verr(V, n, "field '%s' must be true or false%s", f->name, "");
		break;
	case FT_DATE:
		if (date_parse(n->str, n->len, &dt) != 0)
			S_verr(V, n, "field '%s' must be a date (YYYY-MM-DD)%s", f->name, "");
		break;
	case FT_REF:
		/* ~ or "A 5" in a list of references is a bad id, not one
		 * that does not exist */
		if (n->len == 0 || ynode_is_null(n) || !id_valid(n->str)) {
			S_verr(V, n, "field '%s' must hold ids, not '%s'", f->name, n->str);
			break;
		}
		xgrow(&V->v->refs, &V->v->cap, V->v->nrefs + 1, sizeof(*V->v->refs));
		V->v->refs[V->v->nrefs++] = (struct fieldref){n->str, n, f};
		break;
	default:
		break;
	}
}

static void
S_field(struct vctx *V, const struct fielddef *f, const struct ynode *n)
{
	if (f->type == FT_LIST || f->type == FT_REF) {
		enum ftype of = f->type == FT_REF ? FT_REF : f->of;
		if (n->type == YNODE_SEQ) {
			for (size_t i = 0; i < n->n; i++)
				S_value(V, f, of, n->kids[i]);
		} else if (n->type == YNODE_SCALAR || of == FT_MAP) {
			S_value(V, f, of, n); /* a list of one */
		} else {
			S_verr(V, n, "field '%s' must be a list%s", f->name, "");
		}
		return;
	}
	S_value(V, f, f->type, n);
}

static void
S_validate_map(struct vctx *V, struct fielddef *const *defs, size_t ndefs, const struct ynode *m,
    const char *where, const struct ynode *req_at)
{
	const char *rfile = V->file;

	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i], *val = m->kids[i + 1];
		const struct fielddef *f = NULL;
		if (k->type != YNODE_SCALAR) {
			S_verr(V, k, "a field name must be a scalar%s%s", "", "");
			continue;
		}
		if (where == NULL && (strcmp(k->str, "id") == 0 || strcmp(k->str, "kind") == 0))
			continue;
		for (size_t j = 0; j < ndefs && f == NULL; j++)
			if (strcmp(defs[j]->name, k->str) == 0)
				f = defs[j];
		if (f == NULL) {
			const struct ynode *at = ynode_at(k, val);
			diag_add(V->d, R_FIELD_UNKNOWN, rfile, at->line, at->col, where ?
			    "unknown field '%s' in '%s'" : "unknown field '%s' for kind %s", k->str,
			    where ? where : V->kind);
			continue;
		}
		if (ynode_is_null(val))
			continue; /* an empty value is an absent one */
		S_field(V, f, val);
	}
	for (size_t j = 0; j < ndefs; j++) {
		const struct fielddef *f = defs[j];
		const struct ynode *val = ynode_get(m, f->name);
		int req = f->required, flag;
		if (f->required_if != NULL) {
			const struct ynode *cond = ynode_get(m, f->required_if);
			if (cond != NULL && yvalue_bool(cond, &flag) == 0) {
				if (flag)
					req = 1;
				else if (!ynode_is_null(val) && val->type == YNODE_SCALAR &&
				    f->else_enum != NULL && !S_in(f->else_enum, f->nelse, val->str)) {
					char *allowed = xstrdup(f->else_enum[0]);
					diag_add(V->d, R_SCHEMA, rfile, val->line, val->col,
					    "field '%s' must be %s when %s is false", f->name, allowed,
					    f->required_if);
					free(allowed);
					V->ok = 0;
				}
			}
		}
		if (req && ynode_is_null(val)) {
			/* at the id value, as SPEC §4 puts a missing field, even
			 * in a map of a list: the message says which */
			diag_add(V->d, R_SCHEMA, rfile, req_at ? req_at->line : 1, req_at ? req_at->col : 1,
			    where ? "missing required field '%s' in '%s'" : "missing required field '%s'",
			    f->name, where);
			V->ok = 0;
		}
	}
}

int
schema_validate(const struct schemas *s, const struct kinddef *k, const struct ynode *fm,
    const struct ynode *id_node, const char *file, struct validation *v, struct diags *d)
{
	struct vctx V = {s, k->name, file, v, d, 1, id_node};

	S_validate_map(&V, k->fields, k->n, fm, NULL, id_node);
	return V.ok;
}
