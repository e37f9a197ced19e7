/* yamltree.c — libyaml events -> struct ynode trees with source positions. */
#include "yamltree.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "hash.h"
#include "text.h"

struct level {              /* an open sequence or mapping */
	struct ynode *node;
	const yaml_char_t *anchor; /* registered when the container ends, so that
	                            * no alias can make a cycle */
	struct ynode **kids;    /* children so far (xmalloc'd, reused) */
	size_t n, cap;
};

struct loader {
	const struct yaml_ctx *y;
	struct level stack[YAML_MAX_DEPTH + 1];
	int depth;              /* open containers */
	struct hash anchors;    /* anchor name -> node */
	unsigned long expanded; /* nodes added by aliases */
	struct ynode *root;
};

static unsigned
S_add_size(unsigned a, unsigned b)
{
	return a > UINT_MAX - b ? UINT_MAX : a + b;
}

static struct ynode *
S_node(struct loader *L, enum ynode_type t, const yaml_mark_t *m)
{
	struct ynode *n = arena_alloc(L->y->arena, sizeof(*n));

	n->type = (unsigned char)t;
	n->line = (int)m->line + 1 + L->y->line0;
	n->col = (int)m->column + 1;
	n->size = 1;
	n->str = "";
	return n;
}

static void
S_error(struct loader *L, int rule, const yaml_mark_t *m, const char *msg, const char *arg)
{
	diag_add(L->y->diags, rule, L->y->file, (int)m->line + 1 + L->y->line0,
	    (int)m->column + 1, msg, arg);
}

/* Hand a finished node to the open container, or make it the root. */
static void
S_attach(struct loader *L, struct ynode *n)
{
	struct level *lv;

	if (L->depth == 0) {
		L->root = n;
		return;
	}
	lv = &L->stack[L->depth - 1];
	xgrow(&lv->kids, &lv->cap, lv->n + 1, sizeof(*lv->kids));
	lv->kids[lv->n++] = n;
	lv->node->size = S_add_size(lv->node->size, n->size);
}

static void
S_anchor(struct loader *L, const yaml_char_t *anchor, struct ynode *n)
{
	/* a later anchor of the same name wins, as in YAML */
	if (anchor != NULL)
		hash_set(&L->anchors, arena_strdup(L->y->arena, (const char *)anchor), n);
}

static void
S_duplicate(struct loader *L, const struct ynode *k, const struct ynode *first)
{
	diag_add(L->y->diags, R_SYNTAX, L->y->file, k->line, k->col,
	    "duplicate key '%s' (first at line %d)", k->str, first->line);
}

/* Report each later occurrence of a scalar key in map m: -1 if any. */
static int
S_check_keys(struct loader *L, const struct ynode *m)
{
	size_t pairs = m->n / 2;
	int rc = 0;

	if (pairs <= 16) {
		for (size_t i = 1; i < pairs; i++) {
			const struct ynode *k = m->kids[2 * i];
			if (k->type != YNODE_SCALAR)
				continue;
			for (size_t j = 0; j < i; j++) {
				const struct ynode *f = m->kids[2 * j];
				if (f->type == YNODE_SCALAR && f->len == k->len &&
				    memcmp(f->str, k->str, k->len) == 0) {
					S_duplicate(L, k, f);
					rc = -1;
					break;
				}
			}
		}
		return rc;
	}
	struct hash seen;
	hash_init(&seen, 0);
	for (size_t i = 0; i < pairs; i++) {
		const struct ynode *k = m->kids[2 * i], *f;
		if (k->type != YNODE_SCALAR)
			continue;
		if ((f = hash_put(&seen, k->str, (void *)k)) != NULL) {
			S_duplicate(L, k, f);
			rc = -1;
		}
	}
	hash_free(&seen);
	return rc;
}

int
yaml_load(const struct yaml_ctx *y, const char *text, size_t len, struct ynode **root)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct loader L;
	int rc = -1, done = 0, dup = 0;

	memset(&L, 0, sizeof(L));
	L.y = y;
	hash_init(&L.anchors, 0);
	*root = NULL;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3; /* a BOM may start a stream; it is not counted in columns */
		len -= 3;
	}
	/* bytes libyaml would refuse at 1:1 (isms.yaml, schemas; a Markdown
	 * file's are found before its front matter is split), at their place */
	if (!y->text_checked) {
		int nul, line, col;
		size_t bad = text_check_utf8(text, len, &nul);
		if (bad < len) {
			struct lines li;
			lines_index(&li, text, len);
			lines_pos(&li, text, bad, &line, &col);
			lines_free(&li);
			diag_add(y->diags, R_SYNTAX, y->file, y->line0 + line, col, "%s",
			    nul ? "text contains a NUL byte" : "text is not valid UTF-8");
			return -1;
		}
	}
	if (!yaml_parser_initialize(&p)) {
		diag_add(y->diags, R_SYNTAX, y->file, y->line0 + 1, 1, "invalid YAML: out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		struct ynode *n;
		struct level *lv;
		const yaml_char_t *anchor;

		if (!yaml_parser_parse(&p, &ev)) {
			S_error(&L, R_SYNTAX, &p.problem_mark, "invalid YAML: %s",
			    p.problem ? p.problem : "cannot parse");
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (L.root != NULL) {
				S_error(&L, R_SYNTAX, &ev.start_mark, "%s",
				    "invalid YAML: more than one document");
				goto fail;
			}
			break;
		case YAML_SCALAR_EVENT:
			/* "\0" in a quoted scalar: a NUL, which every C string
			 * after this would cut short */
			if (memchr(ev.data.scalar.value, 0, ev.data.scalar.length) != NULL) {
				S_error(&L, R_SYNTAX, &ev.start_mark, "%s",
				    "text contains a NUL byte (\\0 in a quoted scalar)");
				goto fail;
			}
			n = S_node(&L, YNODE_SCALAR, &ev.start_mark);
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			n->str = arena_strndup(y->arena, (const char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			n->len = ev.data.scalar.length;
			S_anchor(&L, ev.data.scalar.anchor, n);
			S_attach(&L, n);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (L.depth >= YAML_MAX_DEPTH) {
				diag_add(y->diags, R_LIMIT, y->file,
				    (int)ev.start_mark.line + 1 + y->line0, (int)ev.start_mark.column + 1,
				    "YAML nesting deeper than the limit of %d", YAML_MAX_DEPTH);
				goto fail;
			}
			n = S_node(&L, ev.type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQ : YNODE_MAP,
			    &ev.start_mark);
			lv = &L.stack[L.depth++];
			lv->node = n;
			lv->n = 0;
			anchor = ev.type == YAML_SEQUENCE_START_EVENT ?
			    ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;
			lv->anchor = anchor ? (const yaml_char_t *)arena_strdup(y->arena,
			    (const char *)anchor) : NULL;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			lv = &L.stack[--L.depth];
			n = lv->node;
			n->n = lv->n;
			n->kids = arena_alloc(y->arena, lv->n * sizeof(*n->kids));
			if (lv->n)
				memcpy(n->kids, lv->kids, lv->n * sizeof(*n->kids));
			/* every duplicate of the text is reported, then it fails */
			if (n->type == YNODE_MAP && S_check_keys(&L, n) != 0)
				dup = 1;
			S_anchor(&L, lv->anchor, n);
			S_attach(&L, n);
			break;
		case YAML_ALIAS_EVENT:
			n = hash_get(&L.anchors, (const char *)ev.data.alias.anchor);
			if (n == NULL) {
				S_error(&L, R_SYNTAX, &ev.start_mark, "invalid YAML: undefined alias '%s'",
				    (const char *)ev.data.alias.anchor);
				goto fail;
			}
			L.expanded += n->size;
			if (L.expanded > YAML_MAX_ALIAS_NODES) {
				diag_add(y->diags, R_LIMIT, y->file,
				    (int)ev.start_mark.line + 1 + y->line0, (int)ev.start_mark.column + 1,
				    "YAML aliases expand past the limit of %d nodes", YAML_MAX_ALIAS_NODES);
				goto fail;
			}
			/* the value in question is where the alias is: a copy of the
			 * anchored node there (its items shared; the arena owns all) */
			{
				struct ynode *c = arena_alloc(y->arena, sizeof(*c));
				*c = *n;
				c->line = (int)ev.start_mark.line + 1 + y->line0;
				c->col = (int)ev.start_mark.column + 1;
				S_attach(&L, c);
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (dup)
		goto out;
	*root = L.root;
	rc = 0;
	goto out;
fail:
	yaml_event_delete(&ev);
out:
	for (int i = 0; i <= YAML_MAX_DEPTH; i++)
		free(L.stack[i].kids);
	hash_free(&L.anchors);
	yaml_parser_delete(&p);
	return rc;
}

struct ynode *
ynode_get(const struct ynode *m, const char *key)
{
	if (m == NULL || m->type != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i];
		if (k->type == YNODE_SCALAR && k->str[0] == key[0] && strcmp(k->str, key) == 0)
			return m->kids[i + 1];
	}
	return NULL;
}

const struct ynode *
ynode_at(const struct ynode *key, const struct ynode *value)
{
	if (value == NULL || (value->type == YNODE_SCALAR && value->len == 0))
		return key;
	return value;
}

int
ynode_is_null(const struct ynode *n)
{
	if (n == NULL)
		return 1;
	if (n->type != YNODE_SCALAR || !n->plain)
		return 0;
	switch (n->len) {
	case 0:
		return 1;
	case 1:
		return n->str[0] == '~';
	case 4:
		return strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
		    strcmp(n->str, "NULL") == 0;
	default:
		return 0;
	}
}
