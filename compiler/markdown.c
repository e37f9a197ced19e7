/* markdown.c — cmark-gfm parse of a body; references and links out. */
#include "markdown.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

enum { REF_MAX_ID = 256 };

struct md_parser {
	cmark_parser *cp;
};

static const char *const S_exts[] = {"table", "strikethrough", "autolink", "tasklist"};

void
md_global_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static cmark_parser *
S_parser(void)
{
	cmark_parser *cp = cmark_parser_new(CMARK_OPT_DEFAULT);

	for (size_t i = 0; i < sizeof(S_exts) / sizeof(*S_exts); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(S_exts[i]);
		if (e != NULL)
			cmark_parser_attach_syntax_extension(cp, e);
	}
	return cp;
}

struct md_parser *
md_new(void)
{
	struct md_parser *p = xcalloc(1, sizeof(*p));

	p->cp = S_parser();
	return p;
}

void
md_free(struct md_parser *p)
{
	if (p == NULL)
		return;
	cmark_parser_free(p->cp);
	free(p);
}

void
md_out_free(struct md_out *out)
{
	if (out == NULL)
		return;
	free(out->refs);
	free(out->links);
	memset(out, 0, sizeof(*out));
}

static int
S_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t
md_ref_at(const char *s, size_t n, size_t *id_off, size_t *id_len, size_t *text_off,
    size_t *text_len)
{
	size_t i, a, b, bar = 0, end;

	if (n < 5 || s[0] != '[' || s[1] != '[')
		return 0;
	for (end = 2; end + 1 < n; end++) {
		if (s[end] == ']' && s[end + 1] == ']')
			break;
		if (s[end] == '[' || s[end] == '\n')
			return 0;
		if (s[end] == '|' && bar == 0)
			bar = end;
	}
	if (end + 1 >= n)
		return 0;
	a = 2;
	b = bar ? bar : end;
	while (a < b && S_space(s[a]))
		a++;
	while (b > a && S_space(s[b - 1]))
		b--;
	if (a == b || b - a > REF_MAX_ID)
		return 0;
	for (i = a; i < b; i++)
		if (S_space(s[i]) || s[i] == ']')
			return 0;
	*id_off = a;
	*id_len = b - a;
	*text_off = *text_len = 0;
	if (bar) {
		size_t ta = bar + 1, tb = end;
		while (ta < tb && S_space(s[ta]))
			ta++;
		while (tb > ta && S_space(s[tb - 1]))
			tb--;
		*text_off = ta;
		*text_len = tb - ta;
	}
	return end + 2;
}

struct scan {
	const char *body;
	size_t len;
	int line0;
	struct lines lines;   /* built on first need */
	int indexed;
	struct arena *a;
	struct md_out *out;
};

static void
S_index(struct scan *S)
{
	if (!S->indexed) {
		lines_index(&S->lines, S->body, S->len);
		S->indexed = 1;
	}
}

/* The byte offset of (line, byte column) of the body, clamped. */
static size_t
S_offset(struct scan *S, int line, int col)
{
	size_t off, ls, le;

	S_index(S);
	if (line < 1)
		line = 1;
	if ((size_t)line > S->lines.n)
		line = (int)S->lines.n;
	ls = S->lines.start[line - 1];
	le = (size_t)line < S->lines.n ? S->lines.start[line] : S->len;
	off = ls + (size_t)(col > 0 ? col - 1 : 0);
	return off > le ? le : off;
}

static void
S_pos(struct scan *S, size_t off, int *line, int *col)
{
	S_index(S);
	lines_pos(&S->lines, S->body, off, line, col);
	*line += S->line0;
}

/* References in one text node: each found in the literal, then located in
 * the source line (an escape or entity shifts the literal against it). A
 * `[[` escaped in the source, or not in the source at all, is no reference. */
static void
S_text(struct scan *S, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	size_t n, from, line_end;
	int line = cmark_node_get_start_line(node);

	if (lit == NULL || strstr(lit, "[[") == NULL)
		return;
	n = strlen(lit);
	from = S_offset(S, line, cmark_node_get_start_column(node));
	S_index(S);
	line_end = (size_t)line < S->lines.n ? S->lines.start[line] : S->len;
	size_t misses = 0, node_start = from;
	for (size_t i = 0; i + 1 < n && misses < 16; i++) {
		size_t io, il, to, tl, k, at, bs;
		if (lit[i] != '[' || lit[i + 1] != '[')
			continue;
		if ((k = md_ref_at(lit + i, n - i, &io, &il, &to, &tl)) == 0)
			continue;
		/* the same reference in the source, at or after `from`; a literal
		 * character comes from at least one source byte, so not before
		 * node_start + i either */
		at = (size_t)-1;
		for (size_t j = from > node_start + i ? from : node_start + i; j + 1 < line_end; j++) {
			size_t jo, jl, jto, jtl;
			if (S->body[j] == '[' && S->body[j + 1] == '[' &&
			    md_ref_at(S->body + j, line_end - j, &jo, &jl, &jto, &jtl) != 0 &&
			    jl == il && memcmp(S->body + j + jo, lit + i + io, il) == 0) {
				at = j;
				break;
			}
		}
		if (at == (size_t)-1) {
			misses++; /* made by entities: not written as a reference */
			continue;
		}
		from = at + 2;
		for (bs = 0; at > bs && S->body[at - bs - 1] == '\\'; bs++)
			;
		if (bs % 2 == 1)
			continue;
		xgrow(&S->out->refs, &S->out->caprefs, S->out->nrefs + 1, sizeof(*S->out->refs));
		struct md_ref *r = &S->out->refs[S->out->nrefs++];
		r->id = arena_strndup(S->a, lit + i + io, il);
		r->text = tl ? arena_strndup(S->a, lit + i + to, tl) : NULL;
		S_pos(S, at, &r->line, &r->col);
		i += k - 1;
	}
}

static void
S_link(struct scan *S, cmark_node *node, int image)
{
	const char *url = cmark_node_get_url(node);
	struct md_link *l;

	if (url == NULL)
		return;
	xgrow(&S->out->links, &S->out->caplinks, S->out->nlinks + 1, sizeof(*S->out->links));
	l = &S->out->links[S->out->nlinks++];
	l->url = arena_strdup(S->a, url);
	l->image = image;
	S_pos(S, S_offset(S, cmark_node_get_start_line(node), cmark_node_get_start_column(node)),
	    &l->line, &l->col);
}

void
md_scan(struct md_parser *p, const char *body, size_t len, int line0, struct arena *a,
    struct md_out *out)
{
	struct scan S = {body, len, line0, {NULL, 0}, 0, a, out};
	cmark_node *doc;
	cmark_iter *it;
	cmark_event_type ev;

	cmark_parser_feed(p->cp, body, len);
	doc = cmark_parser_finish(p->cp);
	if (doc == NULL) {
		/* should not happen; start afresh for the next body */
		cmark_parser_free(p->cp);
		p->cp = S_parser();
		return;
	}
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT:
			S_text(&S, node);
			break;
		case CMARK_NODE_LINK:
			S_link(&S, node, 0);
			break;
		case CMARK_NODE_IMAGE:
			S_link(&S, node, 1);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	lines_free(&S.lines);
}
