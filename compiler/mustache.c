/* mustache.c — Mustache: template text to a tree of ops (compile), then the
 * tree and a stack of JSON values to text (render). Compiling reads the
 * template and its partials once; rendering only reads the tree and the
 * values, so it may run in many threads at once. */
#include "mustache.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "xalloc.h"

#define S_NPOS SIZE_MAX
#define S_STR_(x) #x
#define S_STR(x) S_STR_(x)

/* mu_strerror spells these two out */
_Static_assert(MU_MAX_STEPS == 20000000ul, "mu_strerror: steps");
_Static_assert(MU_MAX_OUTPUT == (size_t)256 << 20, "mu_strerror: output");

/* ---- output buffer ------------------------------------------------------ */

void
mu_buf_reserve(struct mu_buf *b, size_t n)
{
	size_t need = n > SIZE_MAX - b->len - 1 ? SIZE_MAX : b->len + n + 1;

	if (b->cap < need)
		xgrow(&b->s, &b->cap, need < 256 ? 256 : need, 1);
}

/* What each byte becomes in HTML: an index in S_entity, 0 for itself. */
static const unsigned char S_html[256] = {
	['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};

static const struct {
	const char *s;
	size_t n;
} S_entity[] = {
	{"", 0}, {"&amp;", 5}, {"&lt;", 4}, {"&gt;", 4}, {"&quot;", 6}, {"&#39;", 5},
};

void
mu_buf_put_html(struct mu_buf *b, const char *s, size_t n)
{
	size_t i = 0, run;
	unsigned char k;

	while (i < n) {
		run = i;
		while (i < n && S_html[(unsigned char)s[i]] == 0)
			i++;
		if (i > run)
			mu_buf_put(b, s + run, i - run);
		if (i < n) {
			k = S_html[(unsigned char)s[i++]];
			mu_buf_put(b, S_entity[k].s, S_entity[k].n);
		}
	}
	if (b->s == NULL)
		mu_buf_put(b, "", 0);
}

void
mu_buf_free(struct mu_buf *b)
{
	if (b == NULL)
		return;
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* ---- the compiled form -------------------------------------------------- */

enum op_kind { OP_TEXT, OP_VAR, OP_RAW, OP_SECTION, OP_INVERTED, OP_PARTIAL };

/* A key as a lookup compares it: its hash_key, its length and its first
 * eight bytes, zero-padded. Keys of eight bytes or fewer, nearly all of
 * them, are then told apart without comparing strings. */
struct mu_key {
	uint64_t head;
	unsigned hash, len;
};

static struct mu_key
S_key(const char *s)
{
	struct mu_key k = {0, hash_key(s, 0), (unsigned)strlen(s)};

	memcpy(&k.head, s, k.len < 8 ? k.len : 8);
	return k;
}

/* Whether key a (text as) is key b (text bs). */
static inline int
S_key_is(const struct mu_key *a, const char *as, const struct mu_key *b, const char *bs)
{
	return a->hash == b->hash && a->head == b->head && a->len == b->len &&
	    (a->len <= 8 || memcmp(as + 8, bs + 8, a->len - 8) == 0);
}

/* A name as looked up: "a.b.c" is the parts "a\0b\0c\0", n = 3. */
struct mu_name {
	const char *parts;       /* each part NUL-terminated, end to end */
	const struct mu_key *k;  /* each part's key */
	size_t n;                /* the number of parts; 0 for the implicit iterator "." */
};

struct mu_op;

struct mu_block {
	const struct mu_op *v;
	size_t n;
};

struct mu_op {
	unsigned char kind;       /* enum op_kind */
	unsigned char bol;        /* begins a line: an indented partial's indentation goes first */
	unsigned char end_bol;    /* a section whose closing tag begins a line (not standalone) */
	unsigned char standalone; /* a partial alone on its line; text is its indentation */
	const char *text;         /* OP_TEXT: the text; OP_PARTIAL: the indentation */
	size_t len;               /* of text */
	struct mu_name name;      /* OP_VAR, OP_RAW, OP_SECTION, OP_INVERTED */
	struct mu_block body;     /* OP_SECTION, OP_INVERTED */
	size_t partial;           /* OP_PARTIAL: index in the template's partials */
};

struct mu_partial {
	const char *name;
	struct mu_block body;     /* empty when the loader had none */
};

struct mu_template {
	struct arena arena;           /* the texts, ops and names */
	struct mu_block body;
	struct mu_partial *partials;  /* every partial reached, each compiled once */
	size_t npartials, cap;
};

void
mu_free(struct mu_template *t)
{
	if (t == NULL)
		return;
	arena_free(&t->arena);
	free(t->partials);
	free(t);
}

/* ---- compiling ---------------------------------------------------------- */

struct delims {
	const char *open, *close;
	size_t olen, clen;
};

/* A block being read: the template's (level 0) or an open section's. */
struct level {
	struct mu_op *v;          /* its ops so far */
	size_t n, cap;
	struct mu_op open;        /* the section op that opened it */
	const char *key;          /* the section's name as written, for the closing tag */
	size_t keylen;
	int line;                 /* of the opening tag */
};

struct compiler {
	struct mu_template *t;
	struct hash index;        /* partial name -> index in t->partials, plus 1 */
	const char *where;        /* the partial being read; NULL for the template */
	const char *s;            /* the text being read */
	size_t n;
	size_t lpos;              /* s[0..lpos) holds line - 1 newlines */
	int line;
	char *err;
	size_t errsize;
	int depth;                /* sections open */
	struct level lv[MU_MAX_NESTING + 1];
};

/* One tag as read. */
struct tag {
	int type;                 /* '#', '^', '/', '>', '!', '=', '{', '&', '<', '$', or 0 */
	size_t at, end;           /* the tag is s[at..end) */
	const char *key;          /* its content, spaces trimmed */
	size_t keylen;
	int line;
	int standalone;           /* alone on its line: s[ls..next) is the line */
	size_t ls, next;
};

static int
S_error(struct compiler *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
S_error(struct compiler *c, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->err == NULL || c->errsize == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->where != NULL)
		snprintf(c->err, c->errsize, "%s:%d: %s", c->where, line, msg);
	else
		snprintf(c->err, c->errsize, "%d: %s", line, msg);
	return -1;
}

/* The line of offset off; offsets asked for never go back. */
static int
S_line(struct compiler *c, size_t off)
{
	const char *p;

	while (c->lpos < off && (p = memchr(c->s + c->lpos, '\n', off - c->lpos)) != NULL) {
		if (c->line < INT_MAX)
			c->line++;
		c->lpos = (size_t)(p - c->s) + 1;
	}
	if (c->lpos < off)
		c->lpos = off;
	return c->line;
}

static int
S_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* 1 when offset off begins a line of the text. */
static int
S_bol(const struct compiler *c, size_t off)
{
	return off == 0 || c->s[off - 1] == '\n';
}

/* The first offset at or after from where pat[0..m) occurs in s[0..n), or
 * S_NPOS. */
static size_t
S_find(const char *s, size_t n, size_t from, const char *pat, size_t m)
{
	const char *p;

	while (from <= n && n - from >= m &&
	    (p = memchr(s + from, pat[0], n - from - m + 1)) != NULL) {
		if (memcmp(p, pat, m) == 0)
			return (size_t)(p - s);
		from = (size_t)(p - s) + 1;
	}
	return S_NPOS;
}

static void
S_emit(struct compiler *c, const struct mu_op *op)
{
	struct level *l = &c->lv[c->depth];

	xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = *op;
}

static void
S_text(struct compiler *c, size_t from, size_t to)
{
	struct mu_op op;

	if (to <= from)
		return;
	memset(&op, 0, sizeof(op));
	op.kind = OP_TEXT;
	op.bol = (unsigned char)S_bol(c, from);
	op.text = c->s + from;
	op.len = to - from;
	S_emit(c, &op);
}

/* The ops read into level l, moved into the template's arena. */
static struct mu_block
S_finish(struct compiler *c, struct level *l)
{
	struct mu_block b = {NULL, 0};
	struct mu_op *v;

	if (l->n > 0) {
		v = arena_alloc(&c->t->arena, l->n * sizeof(*v));
		memcpy(v, l->v, l->n * sizeof(*v));
		b.v = v;
		b.n = l->n;
	}
	l->n = 0;
	return b;
}

/* Read the tag that opens at s[at], its sigil, content and line. */
static int
S_read_tag(struct compiler *c, size_t at, const struct delims *d, struct tag *tg)
{
	const char *s = c->s;
	size_t n = c->n, p = at + d->olen, q, e, le;
	int prefix = 0;

	memset(tg, 0, sizeof(*tg));
	tg->at = at;
	tg->line = S_line(c, at);
	if (p < n) {
		switch (s[p]) {
		case '#': case '^': case '/': case '>': case '!':
		case '=': case '{': case '&': case '<': case '$':
			tg->type = (unsigned char)s[p++];
			break;
		}
	}
	if (tg->type == '{')
		prefix = '}';
	else if (tg->type == '=')
		prefix = '=';
	q = S_find(s, n, p, d->close, d->clen);
	while (prefix && q != S_NPOS && (q == p || s[q - 1] != prefix))
		q = S_find(s, n, q + 1, d->close, d->clen);
	if (q == S_NPOS)
		return S_error(c, tg->line, "unclosed tag");
	e = prefix ? q - 1 : q;
	while (p < e && S_space(s[p]))
		p++;
	while (e > p && S_space(s[e - 1]))
		e--;
	tg->key = s + p;
	tg->keylen = e - p;
	tg->end = q + d->clen;

	/* Standalone: only spaces and tabs between the line's start and the
	 * tag, and between the tag and the line's end. */
	if (tg->type == 0 || tg->type == '{' || tg->type == '&')
		return 0;
	tg->ls = at;
	while (tg->ls > 0 && (s[tg->ls - 1] == ' ' || s[tg->ls - 1] == '\t'))
		tg->ls--;
	if (!S_bol(c, tg->ls))
		return 0;
	le = tg->end;
	while (le < n && (s[le] == ' ' || s[le] == '\t'))
		le++;
	if (le == n)
		tg->next = n;
	else if (s[le] == '\n')
		tg->next = le + 1;
	else if (s[le] == '\r' && le + 1 < n && s[le + 1] == '\n')
		tg->next = le + 2;
	else
		return 0;
	tg->standalone = 1;
	return 0;
}

/* A name is one or more bytes, none a space or a control character. */
static int
S_check_name(struct compiler *c, const struct tag *tg)
{
	size_t i;

	if (tg->keylen == 0)
		return S_error(c, tg->line, "empty tag");
	for (i = 0; i < tg->keylen; i++)
		if ((unsigned char)tg->key[i] <= ' ' || tg->key[i] == 0x7f)
			return S_error(c, tg->line, "bad tag name \"%.*s\"",
			    (int)(tg->keylen > 64 ? 64 : tg->keylen), tg->key);
	return 0;
}

/* Keep the tag's content as a name to look up. */
static int
S_name(struct compiler *c, const struct tag *tg, struct mu_name *nm)
{
	struct mu_key *k;
	char *p;
	size_t i;

	if (S_check_name(c, tg) == -1)
		return -1;
	nm->parts = NULL;
	nm->n = 0;
	if (tg->keylen == 1 && tg->key[0] == '.')
		return 0;
	p = arena_strndup(&c->t->arena, tg->key, tg->keylen);
	nm->parts = p;
	nm->n = 1;
	for (i = 0; i < tg->keylen; i++)
		if (p[i] == '.') {
			p[i] = '\0';
			nm->n++;
		}
	k = arena_alloc(&c->t->arena, nm->n * sizeof(*k));
	for (i = 0; i < nm->n; i++, p += strlen(p) + 1)
		k[i] = S_key(p);
	nm->k = k;
	return 0;
}

static int
S_var(struct compiler *c, const struct tag *tg)
{
	struct mu_op op;

	memset(&op, 0, sizeof(op));
	op.kind = tg->type == '{' || tg->type == '&' ? OP_RAW : OP_VAR;
	op.bol = (unsigned char)S_bol(c, tg->at);
	if (S_name(c, tg, &op.name) == -1)
		return -1;
	S_emit(c, &op);
	return 0;
}

static int
S_open(struct compiler *c, const struct tag *tg)
{
	struct level *l;
	struct mu_op op;

	if (c->depth >= MU_MAX_NESTING)
		return S_error(c, tg->line, "sections nested too deeply; limit is %d", MU_MAX_NESTING);
	memset(&op, 0, sizeof(op));
	op.kind = tg->type == '#' ? OP_SECTION : OP_INVERTED;
	op.bol = (unsigned char)(!tg->standalone && S_bol(c, tg->at));
	if (S_name(c, tg, &op.name) == -1)
		return -1;
	l = &c->lv[++c->depth];
	l->n = 0;
	l->open = op;
	l->key = tg->key;
	l->keylen = tg->keylen;
	l->line = tg->line;
	return 0;
}

static int
S_close(struct compiler *c, const struct tag *tg)
{
	struct level *l = &c->lv[c->depth];
	struct mu_op op;

	if (c->depth == 0)
		return S_error(c, tg->line, "closing tag \"%.*s\" with no open section",
		    (int)(tg->keylen > 64 ? 64 : tg->keylen), tg->key);
	if (tg->keylen != l->keylen || memcmp(tg->key, l->key, l->keylen) != 0)
		return S_error(c, tg->line, "section \"%.*s\" (line %d) closed as \"%.*s\"",
		    (int)(l->keylen > 64 ? 64 : l->keylen), l->key, l->line,
		    (int)(tg->keylen > 64 ? 64 : tg->keylen), tg->key);
	op = l->open;
	op.end_bol = (unsigned char)(!tg->standalone && S_bol(c, tg->at));
	op.body = S_finish(c, l);
	c->depth--;
	S_emit(c, &op);
	return 0;
}

/* The index of the partial called key in the template, added when new. */
static int
S_partial_index(struct compiler *c, const struct tag *tg, size_t *idx)
{
	struct mu_template *t = c->t;
	char *name = xstrndup(tg->key, tg->keylen);
	void *v = hash_get(&c->index, name);

	free(name);
	if (v != NULL) {
		*idx = (size_t)(uintptr_t)v - 1;
		return 0;
	}
	if (t->npartials >= MU_MAX_PARTIALS)
		return S_error(c, tg->line, "too many partials; limit is %d", MU_MAX_PARTIALS);
	xgrow(&t->partials, &t->cap, t->npartials + 1, sizeof(*t->partials));
	*idx = t->npartials++;
	t->partials[*idx].name = arena_strndup(&t->arena, tg->key, tg->keylen);
	t->partials[*idx].body.v = NULL;
	t->partials[*idx].body.n = 0;
	hash_put(&c->index, t->partials[*idx].name, (void *)(uintptr_t)(*idx + 1));
	return 0;
}

static int
S_partial(struct compiler *c, const struct tag *tg)
{
	struct mu_op op;

	if (S_check_name(c, tg) == -1)
		return -1;
	memset(&op, 0, sizeof(op));
	op.kind = OP_PARTIAL;
	if (S_partial_index(c, tg, &op.partial) == -1)
		return -1;
	if (tg->standalone) {
		op.standalone = 1;
		op.text = c->s + tg->ls;
		op.len = tg->at - tg->ls;
	} else
		op.bol = (unsigned char)S_bol(c, tg->at);
	S_emit(c, &op);
	return 0;
}

/* {{=<% %>=}}: two delimiters, apart, without spaces or "=" in them. */
static int
S_delims(struct compiler *c, const struct tag *tg, struct delims *d)
{
	const char *k = tg->key, *e = k + tg->keylen, *a = k, *b;

	while (a < e && !S_space(*a))
		a++;
	b = a;
	while (b < e && S_space(*b))
		b++;
	if (a == k || b == a || b == e || memchr(k, '=', (size_t)(a - k)) != NULL ||
	    memchr(b, '=', (size_t)(e - b)) != NULL)
		goto bad;
	for (const char *p = b; p < e; p++)
		if (S_space(*p))
			goto bad;
	d->open = k;
	d->olen = (size_t)(a - k);
	d->close = b;
	d->clen = (size_t)(e - b);
	return 0;
bad:
	return S_error(c, tg->line, "bad delimiter change \"%.*s\"",
	    (int)(tg->keylen > 64 ? 64 : tg->keylen), tg->key);
}

static int
S_do_tag(struct compiler *c, const struct tag *tg, struct delims *d)
{
	switch (tg->type) {
	case '!':
		return 0;
	case '=':
		return S_delims(c, tg, d);
	case '#':
	case '^':
		return S_open(c, tg);
	case '/':
		return S_close(c, tg);
	case '>':
		return S_partial(c, tg);
	case '<':
	case '$':
		return S_error(c, tg->line, "template inheritance (\"%c\" tags) is not supported",
		    tg->type);
	default:
		return S_var(c, tg);
	}
}

/* Compile s[0..n), which the template owns, into *out. */
static int
S_parse(struct compiler *c, const char *s, size_t n, struct mu_block *out)
{
	struct delims d = {"{{", "}}", 2, 2};
	struct tag tg;
	size_t pos = 0, at;

	c->s = s;
	c->n = n;
	c->lpos = 0;
	c->line = 1;
	c->depth = 0;
	c->lv[0].n = 0;
	for (;;) {
		at = S_find(s, n, pos, d.open, d.olen);
		if (at == S_NPOS) {
			S_text(c, pos, n);
			break;
		}
		if (S_read_tag(c, at, &d, &tg) == -1)
			return -1;
		S_text(c, pos, tg.standalone ? tg.ls : at);
		if (S_do_tag(c, &tg, &d) == -1)
			return -1;
		pos = tg.standalone ? tg.next : tg.end;
	}
	if (c->depth > 0) {
		struct level *l = &c->lv[c->depth];
		return S_error(c, l->line, "unclosed section \"%.*s\"",
		    (int)(l->keylen > 64 ? 64 : l->keylen), l->key);
	}
	*out = S_finish(c, &c->lv[0]);
	return 0;
}

/* A copy of s[0..n) in the template's arena. */
static const char *
S_keep(struct mu_template *t, const char *s, size_t n)
{
	char *p = arena_alloc(&t->arena, n + 1);

	if (n > 0)
		memcpy(p, s, n);
	return p;
}

struct mu_template *
mu_compile(const char *text, size_t len, mu_loader load, void *ctx, char *err, size_t errsize)
{
	struct mu_template *t = xcalloc(1, sizeof(*t));
	struct compiler *c = xcalloc(1, sizeof(*c));
	struct mu_block body;
	const char *src;
	char *p;
	size_t i, n;
	int status = -1;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	arena_init(&t->arena);
	c->t = t;
	c->err = err;
	c->errsize = errsize;
	hash_init(&c->index, 0);
	if (S_parse(c, S_keep(t, text, len), len, &t->body) == -1)
		goto out;
	/* t->partials grows as partials name more partials */
	for (i = 0; i < t->npartials; i++) {
		n = 0;
		if (load == NULL || (p = load(ctx, t->partials[i].name, &n)) == NULL)
			continue;
		src = S_keep(t, p, n);
		free(p);
		c->where = t->partials[i].name;
		if (S_parse(c, src, n, &body) == -1)
			goto out;
		t->partials[i].body = body;
	}
	status = 0;
out:
	for (i = 0; i <= MU_MAX_NESTING; i++)
		free(c->lv[i].v);
	hash_free(&c->index);
	free(c);
	if (status == -1) {
		mu_free(t);
		return NULL;
	}
	return t;
}

/* ---- values --------------------------------------------------------------- */

/* A map and a list are both a chain of nodes in order; a list's have no
 * key. */
struct mu_node {
	const char *key;
	struct mu_key k;        /* of the key */
	struct mu_val v;
	struct mu_node *next;
};

struct mu_seq {
	struct mu_node *first, *last;
	size_t n;
	unsigned long long keys; /* a map's: bit hash % 64 of each key, so that most
	                          * lookups of a key it lacks stop here */
};

struct mu_val
mu_str(const char *s)
{
	return s != NULL ? mu_strn(s, strlen(s)) : mu_null();
}

struct mu_val
mu_strdup(struct arena *a, const char *s)
{
	return s != NULL ? mu_strn(arena_strdup(a, s), strlen(s)) : mu_null();
}

struct mu_val
mu_map(struct arena *a)
{
	return (struct mu_val){MU_MAP, 0, {.seq = arena_alloc(a, sizeof(struct mu_seq))}};
}

struct mu_val
mu_list(struct arena *a)
{
	return (struct mu_val){MU_LIST, 0, {.seq = arena_alloc(a, sizeof(struct mu_seq))}};
}

/* Add a node at the end of q (a map that has no such key, or a list). */
static void
S_append(struct arena *a, struct mu_seq *q, const char *key, struct mu_key k, struct mu_val v)
{
	struct mu_node *p = arena_alloc(a, sizeof(*p));

	p->key = key;
	p->k = k;
	p->v = v;
	if (key != NULL)
		q->keys |= 1ull << (k.hash & 63);
	if (q->last != NULL)
		q->last->next = p;
	else
		q->first = p;
	q->last = p;
	q->n++;
}

void
mu_set(struct arena *a, struct mu_val m, const char *key, struct mu_val v)
{
	struct mu_key k;

	if (m.kind != MU_MAP)
		return;
	k = S_key(key);
	for (struct mu_node *p = m.u.seq->first; p != NULL; p = p->next)
		if (S_key_is(&p->k, p->key, &k, key)) {
			p->v = v;
			return;
		}
	S_append(a, m.u.seq, key, k, v);
}

void
mu_add(struct arena *a, struct mu_val l, struct mu_val v)
{
	if (l.kind == MU_LIST)
		S_append(a, l.u.seq, NULL, (struct mu_key){0, 0, 0}, v);
}

/* A JSON scalar as a value (a string borrowed); objects, arrays and reals
 * stay JSON. */
static struct mu_val
S_native(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return mu_strn(json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return mu_int((long long)json_integer_value(v));
	case JSON_TRUE:
		return mu_bool(1);
	case JSON_FALSE:
		return mu_bool(0);
	case JSON_NULL:
		return mu_null();
	default:
		return mu_json(v);
	}
}

static struct mu_val
S_from_json(struct arena *a, const json_t *v, int depth)
{
	struct mu_val out;
	const char *k;
	json_t *x;
	size_t i;

	if (depth > 64)
		return mu_json(v);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		out = mu_map(a);
		/* keys of an object are unique: appended, not searched */
		json_object_foreach((json_t *)v, k, x)
			S_append(a, out.u.seq, k, S_key(k), S_from_json(a, x, depth + 1));
		return out;
	case JSON_ARRAY:
		out = mu_list(a);
		json_array_foreach(v, i, x) mu_add(a, out, S_from_json(a, x, depth + 1));
		return out;
	default:
		return S_native(v);
	}
}

struct mu_val
mu_from_json(struct arena *a, const json_t *v)
{
	return v != NULL ? S_from_json(a, v, 0) : mu_null();
}

size_t
mu_size(struct mu_val v)
{
	switch (v.kind) {
	case MU_MAP:
	case MU_LIST:
		return v.u.seq->n;
	case MU_JSON:
		return json_is_array(v.u.json) ? json_array_size(v.u.json) :
		    json_is_object(v.u.json) ? json_object_size(v.u.json) : 0;
	default:
		return 0;
	}
}

/* The value of key (k) in v, a map or a JSON object; 0 when it has none. */
static int
S_get(struct mu_val v, const char *key, const struct mu_key *k, struct mu_val *out)
{
	const json_t *j;

	if (v.kind == MU_MAP) {
		if (!((v.u.seq->keys >> (k->hash & 63)) & 1))
			return 0;
		for (const struct mu_node *p = v.u.seq->first; p != NULL; p = p->next)
			if (S_key_is(&p->k, p->key, k, key)) {
				*out = p->v;
				return 1;
			}
		return 0;
	}
	if (v.kind != MU_JSON || !json_is_object(v.u.json) ||
	    (j = json_object_get(v.u.json, key)) == NULL)
		return 0;
	*out = mu_json(j);
	return 1;
}

/* ---- rendering ---------------------------------------------------------- */

/* The indentation of a standalone partial, prefixed by the one it sits in. */
struct indent {
	const char *s;
	size_t n;
	const struct indent *up;
};

struct render {
	const struct mu_template *t;
	struct mu_buf *out;
	struct mu_val *stack;     /* the context stack, base first */
	size_t n, cap;
	size_t start;             /* out->len when the render began */
	size_t nbase;             /* the stack given to mu_render */
	unsigned long steps;
	unsigned long max_steps;  /* MU_MAX_STEPS, and more for more data once counted */
	int counted;              /* max_steps counts the data */
	int depth;                /* sections and partials entered */
	int partials;             /* partials entered */
	int status;               /* enum mu_status */
};

static void S_block(struct render *r, const struct mu_block *b, const struct indent *ind);
static int S_step(struct render *r);

static void
S_indent(struct mu_buf *out, const struct indent *ind)
{
	if (ind == NULL)
		return;
	S_indent(out, ind->up);
	mu_buf_put(out, ind->s, ind->n);
}

/* The value of a name: the first context (top down) that is an object with
 * the first part, then each further part in the value before; null when a
 * part is missing. */
static struct mu_val
S_lookup(const struct render *r, const struct mu_name *nm)
{
	struct mu_val v = mu_null();
	const char *part = nm->parts;
	const struct mu_val *f;
	size_t i;
	int found = 0;

	if (nm->n == 0)
		return r->n > 0 ? r->stack[r->n - 1] : v;
	for (i = r->n; i-- > 0 && !found;) {
		f = &r->stack[i];
		/* most frames are maps without the key: their mask says so here */
		if (f->kind == MU_MAP ? ((f->u.seq->keys >> (nm->k[0].hash & 63)) & 1) :
		    f->kind == MU_JSON)
			found = S_get(*f, part, &nm->k[0], &v);
	}
	for (i = 1; found && i < nm->n; i++) {
		part += strlen(part) + 1;
		found = S_get(v, part, &nm->k[i], &v);
	}
	return found ? v : mu_null();
}

static int
S_truthy(struct mu_val v)
{
	if (v.kind == MU_JSON)
		v = S_native(v.u.json);
	switch (v.kind) {
	case MU_TRUE:
	case MU_MAP:
		return 1;
	case MU_INT:
		return v.u.i != 0;
	case MU_STR:
		return v.n > 0;
	case MU_LIST:
		return v.u.seq->n > 0;
	case MU_JSON: /* an object, an array or a real */
		return json_is_object(v.u.json) || json_array_size(v.u.json) > 0 ||
		    (json_is_real(v.u.json) && json_real_value(v.u.json) != 0.0);
	default:
		return 0;
	}
}

/* A real in the fewest significant digits (15 to 17) that read back the
 * same, with "." for the decimal point whatever the locale. */
static void
S_real(struct mu_buf *out, double d)
{
	char buf[64];
	int prec, n = 0;

	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	for (char *p = buf; *p != '\0'; p++)
		if (*p == ',')
			*p = '.';
	if (n > 0)
		mu_buf_put(out, buf, strlen(buf));
}

static void
S_value(struct mu_buf *out, struct mu_val v, int escape)
{
	char buf[32];
	int n;

	if (v.kind == MU_JSON)
		v = S_native(v.u.json);
	switch (v.kind) {
	case MU_STR:
		if (escape)
			mu_buf_put_html(out, v.u.s, v.n);
		else
			mu_buf_put(out, v.u.s, v.n);
		break;
	case MU_INT: {
		/* decimal, written backwards: pages print thousands of counts */
		unsigned long long u = v.u.i < 0 ? 0ull - (unsigned long long)v.u.i :
		    (unsigned long long)v.u.i;
		n = (int)sizeof(buf);
		do
			buf[--n] = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v.u.i < 0)
			buf[--n] = '-';
		mu_buf_put(out, buf + n, sizeof(buf) - (size_t)n);
		break;
	}
	case MU_TRUE:
		mu_buf_put(out, "true", 4);
		break;
	case MU_FALSE:
		mu_buf_put(out, "false", 5);
		break;
	case MU_JSON: /* a real; objects and arrays render as nothing */
		if (json_is_real(v.u.json))
			S_real(out, json_real_value(v.u.json));
		break;
	default: /* null, maps and lists render as nothing */
		break;
	}
}

/* Text, with the indentation after each newline that more text follows. */
static void
S_put_text(struct render *r, const struct mu_op *op, const struct indent *ind)
{
	const char *p = op->text, *end = op->text + op->len, *nl;

	if (ind == NULL) {
		mu_buf_put(r->out, p, op->len);
		return;
	}
	if (op->bol)
		S_indent(r->out, ind);
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL && nl + 1 < end) {
		mu_buf_put(r->out, p, (size_t)(nl + 1 - p));
		S_indent(r->out, ind);
		p = nl + 1;
	}
	mu_buf_put(r->out, p, (size_t)(end - p));
}

/* One pass over a section's body, with top pushed on the stack unless NULL. */
static void
S_body(struct render *r, const struct mu_op *op, const struct indent *ind,
    const struct mu_val *top)
{
	if (r->depth >= MU_MAX_DEPTH) {
		r->status = MU_EDEPTH;
		return;
	}
	if (top != NULL) {
		if (r->n == r->cap)
			xgrow(&r->stack, &r->cap, r->n + 1, sizeof(*r->stack));
		r->stack[r->n++] = *top;
	}
	r->depth++;
	S_block(r, &op->body, ind);
	r->depth--;
	if (op->end_bol && ind != NULL)
		S_indent(r->out, ind);
	if (top != NULL)
		r->n--;
}

static void
S_section(struct render *r, const struct mu_op *op, const struct indent *ind)
{
	struct mu_val v = S_lookup(r, &op->name), x;
	size_t i, n;

	if (op->bol && ind != NULL)
		S_indent(r->out, ind);
	if (op->kind == OP_INVERTED) {
		if (!S_truthy(v))
			S_body(r, op, ind, NULL);
		return;
	}
	if (v.kind == MU_LIST) {
		for (const struct mu_node *it = v.u.seq->first; it != NULL && r->status == MU_OK;
		    it = it->next) {
			if (S_step(r) != 0)
				return;
			S_body(r, op, ind, &it->v);
		}
	} else if (v.kind == MU_JSON && json_is_array(v.u.json)) {
		n = json_array_size(v.u.json);
		for (i = 0; i < n && r->status == MU_OK; i++) {
			if (S_step(r) != 0)
				return;
			x = mu_json(json_array_get(v.u.json, i));
			S_body(r, op, ind, &x);
		}
	} else if (S_truthy(v))
		S_body(r, op, ind, &v);
}

static void
S_partial_render(struct render *r, const struct mu_op *op, const struct indent *ind)
{
	const struct mu_partial *p = &r->t->partials[op->partial];
	struct indent mine;
	const struct indent *next = NULL;

	if (op->bol && ind != NULL)
		S_indent(r->out, ind);
	if (p->body.n == 0)
		return;
	if (r->partials >= MU_MAX_PARTIAL_DEPTH) {
		r->status = MU_EPARTIALS;
		return;
	}
	if (r->depth >= MU_MAX_DEPTH) {
		r->status = MU_EDEPTH;
		return;
	}
	/* A standalone partial indents each of its lines; one inside a line
	 * does not (the spec's "Inline Indentation"). */
	if (op->standalone) {
		next = ind;
		if (op->len > 0) {
			mine.s = op->text;
			mine.n = op->len;
			mine.up = ind;
			next = &mine;
		}
	}
	r->partials++;
	r->depth++;
	S_block(r, &p->body, next);
	r->depth--;
	r->partials--;
}

static void
S_block(struct render *r, const struct mu_block *b, const struct indent *ind)
{
	const struct mu_op *op;
	size_t i;

	for (i = 0; i < b->n && r->status == MU_OK; i++) {
		op = &b->v[i];
		if (S_step(r) != 0)
			return;
		switch (op->kind) {
		case OP_TEXT:
			S_put_text(r, op, ind);
			break;
		case OP_VAR:
		case OP_RAW:
			if (op->bol && ind != NULL)
				S_indent(r->out, ind);
			S_value(r->out, S_lookup(r, &op->name), op->kind == OP_VAR);
			break;
		case OP_SECTION:
		case OP_INVERTED:
			S_section(r, op, ind);
			break;
		case OP_PARTIAL:
			S_partial_render(r, op, ind);
			break;
		}
		if (r->status == MU_OK && r->out->len - r->start > MU_MAX_OUTPUT)
			r->status = MU_ESIZE;
	}
}

/* The values in v (lists, maps and JSON arrays and objects counted with
 * what they hold, to a depth of 64): a large page's data earns its
 * template more steps. */
static unsigned long
S_json_values(const json_t *v, int depth)
{
	unsigned long n = 1;
	size_t i;
	const char *k;
	json_t *x;

	if (depth > 64)
		return n;
	if (json_is_array(v))
		json_array_foreach((json_t *)v, i, x) n += S_json_values(x, depth + 1);
	else if (json_is_object(v))
		json_object_foreach((json_t *)v, k, x) n += S_json_values(x, depth + 1);
	return n;
}

static unsigned long
S_values(struct mu_val v, int depth)
{
	unsigned long n = 1;

	if (depth > 64)
		return n;
	if (v.kind == MU_JSON)
		return S_json_values(v.u.json, depth);
	if (v.kind == MU_LIST)
		for (const struct mu_node *it = v.u.seq->first; it != NULL; it = it->next)
			n += S_values(it->v, depth + 1);
	else if (v.kind == MU_MAP)
		for (const struct mu_node *p = v.u.seq->first; p != NULL; p = p->next)
			n += S_values(p->v, depth + 1);
	return n;
}

/* One more step: 0, or -1 (and MU_ESTEPS) past the limit. The data is
 * counted only when MU_MAX_STEPS is reached, which few pages do. */
static int
S_step(struct render *r)
{
	if (++r->steps <= r->max_steps)
		return 0;
	if (!r->counted) {
		r->counted = 1;
		for (size_t i = 0; i < r->nbase; i++)
			r->max_steps += MU_STEPS_PER_VALUE * S_values(r->stack[i], 0);
		if (r->steps <= r->max_steps)
			return 0;
	}
	r->status = MU_ESTEPS;
	return -1;
}

int
mu_render_vals(const struct mu_template *t, const struct mu_val *stack, size_t nstack,
    struct mu_buf *out)
{
	struct render r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.max_steps = MU_MAX_STEPS;
	r.t = t;
	r.out = out;
	r.start = out->len;
	xgrow(&r.stack, &r.cap, nstack + 16, sizeof(*r.stack));
	for (i = 0; i < nstack; i++)
		if (stack[i].kind != MU_NULL)
			r.stack[r.n++] = stack[i];
	r.nbase = r.n;
	if (t != NULL)
		S_block(&r, &t->body, NULL);
	free(r.stack);
	if (out->s == NULL)
		mu_buf_put(out, "", 0);
	return r.status;
}

int
mu_render(const struct mu_template *t, json_t *const *stack, size_t nstack, struct mu_buf *out)
{
	struct mu_val small[8] = {0}, *v = nstack <= 8 ? small : xcalloc(nstack, sizeof(*v));
	int rc;

	for (size_t i = 0; i < nstack; i++)
		v[i] = mu_json(stack[i]);
	rc = mu_render_vals(t, v, nstack, out);
	if (v != small)
		free(v);
	return rc;
}

const char *
mu_strerror(int status)
{
	switch (status) {
	case MU_OK:
		return "no error";
	case MU_EPARTIALS:
		return "partials nested too deeply; limit is " S_STR(MU_MAX_PARTIAL_DEPTH);
	case MU_EDEPTH:
		return "sections and partials nested too deeply; limit is " S_STR(MU_MAX_DEPTH);
	case MU_ESTEPS:
		return "template runs too many steps; limit is 20000000 and " S_STR(MU_STEPS_PER_VALUE) " per value of its data";
	case MU_ESIZE:
		return "template output too large; limit is 256 MiB";
	default:
		return "unknown template error";
	}
}
