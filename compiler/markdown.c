/* markdown.c — cmark-gfm parse of a body; references and links out. */
#include "markdown.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
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

/* cmark-gfm keeps the table of special inline characters in globals, which
 * every parse switches its extensions' characters on in, and off again at
 * the end: two parses at once race on them, and a strikethrough or an
 * autolink comes and goes, and with an autolink a code span (in
 * "www.example.com/`[[ID]]`" the autolink takes the backticks, and the
 * reference is text). So the inline phase of every parse
 * (cmark_parser_finish) takes turns; feeding lines, which parses blocks
 * only, runs in parallel. Taking turns costs a check of 10,000 documents a
 * tenth of its time (0.22 s to 0.245 s) and a build nothing measurable.
 * tests/build.sh builds one tree many times on four threads, and
 * tests/golden.sh checks one many times, to hold this. */
static pthread_mutex_t S_cmark_lock = PTHREAD_MUTEX_INITIALIZER;

static cmark_node *
S_parse(struct md_parser *p, const char *body, size_t len)
{
	cmark_node *doc;

	cmark_parser_feed(p->cp, body, len); /* blocks: no inline tables involved */
	pthread_mutex_lock(&S_cmark_lock);
	doc = cmark_parser_finish(p->cp);
	pthread_mutex_unlock(&S_cmark_lock);
	if (doc == NULL) {
		/* should not happen; start afresh for the next body */
		cmark_parser_free(p->cp);
		p->cp = S_parser();
	}
	return doc;
}

cmark_node *
md_parse_tree(struct md_parser *p, const char *body, size_t len)
{
	return S_parse(p, body, len);
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
	/* "\|", the bar written in a table cell (and anywhere an escape): the
	 * text has "|" there; no id holds a backslash */
	if (bar && s[bar - 1] == '\\')
		b--;
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
	size_t after;         /* just past the last reference found */
	size_t lafter;        /* just past the start of the last link found */
	size_t spare;         /* bytes the searches past misplaced nodes may still
	                       * read: S_index sets it to a few times the body */
	size_t last_off;      /* the last position asked for, so that many */
	int last_line, last_col; /* on one line cost one pass over it (0: none) */
};

static void
S_index(struct scan *S)
{
	if (!S->indexed) {
		lines_index(&S->lines, S->body, S->len);
		S->indexed = 1;
		S->spare = 4 * S->len + 65536;
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
	size_t lo;

	S_index(S);
	/* the column: counted on from the last position when it is on the
	 * same line, before this one */
	lo = lines_line(&S->lines, off) - 1;
	if (S->last_line == (int)lo + 1 && S->last_off <= off)
		*col = S->last_col + (int)text_chars(S->body + S->last_off, off - S->last_off);
	else
		*col = (int)text_chars(S->body + S->lines.start[lo], off - S->lines.start[lo]) + 1;
	S->last_off = off;
	S->last_line = (int)lo + 1;
	S->last_col = *col;
	*line = (int)lo + 1 + S->line0;
}

/* References in one text node: each found in the literal, then located in
 * the source line (an escape or entity shifts the literal against it). A
 * `[[` escaped in the source, or not in the source at all, is no reference. */
/* A reference found in a text node: [off, off + len) of its literal, the id
 * and text spans relative to off, and its source offset in the body. */
struct found {
	size_t off, len, io, il, to, tl, at;
};
typedef void (*found_fn)(struct scan *S, cmark_node *node, const char *lit, const struct found *f,
    void *ctx);

/* The first "[[" at or after lo, before end, that opens a reference to
 * id[0..n), or (size_t)-1. */
static size_t
S_find(const struct scan *S, size_t lo, size_t end, const char *id, size_t n)
{
	for (size_t j = lo; j + 1 < end; j++) {
		size_t jo, jl, jto, jtl;
		if (S->body[j] == '[' && S->body[j + 1] == '[' &&
		    md_ref_at(S->body + j, end - j, &jo, &jl, &jto, &jtl) != 0 && jl == n &&
		    memcmp(S->body + j + jo, id, n) == 0)
			return j;
	}
	return (size_t)-1;
}

/* end, or less: the part of a search over [lo, end) that S->spare still
 * pays for, so that a body whose references or links cannot be found
 * (written with entities, say) costs time in proportion to its length, not
 * to its length squared. */
static size_t
S_window(struct scan *S, size_t lo, size_t end)
{
	if (lo >= end)
		return end;
	if (end - lo > S->spare)
		end = lo + S->spare;
	S->spare -= end - lo;
	return end;
}

/* The block (paragraph, heading, table cell) that holds an inline node,
 * or NULL when it is more than 64 inlines deep: for such nesting, made to
 * be hostile, the walk would cost each node its depth, and the node keeps
 * the place cmark-gfm gave it. */
static cmark_node *
S_block_of(cmark_node *node)
{
	for (int depth = 0; node != NULL && depth <= 64; depth++, node = cmark_node_parent(node))
		if ((cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
			return node;
	return NULL;
}

/* The line that holds body offset off, [*ls, *le) (a text node never spans
 * two), and the lines of the block that holds the inline node (its
 * paragraph, heading or table cell: block positions are sound), [*bs, *be),
 * widened to hold the line. */
static void
S_lines_around(struct scan *S, cmark_node *node, size_t off, size_t *ls, size_t *le,
    size_t *bs, size_t *be)
{
	cmark_node *b = S_block_of(node);
	size_t line;
	int first, last;

	S_index(S);
	line = lines_line(&S->lines, off);
	*bs = *ls = S->lines.start[line - 1];
	*be = *le = line < S->lines.n ? S->lines.start[line] : S->len;
	if (b == NULL || (first = cmark_node_get_start_line(b)) < 1 ||
	    (last = cmark_node_get_end_line(b)) < first)
		return;
	if ((size_t)first <= S->lines.n && S->lines.start[first - 1] < *bs)
		*bs = S->lines.start[first - 1];
	if ((size_t)last >= S->lines.n)
		*be = S->len;
	else if (S->lines.start[last] > *be)
		*be = S->lines.start[last];
}

/* The bytes of the text of a subtree's literals. */
static size_t
S_textlen(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	size_t len = lit != NULL ? strlen(lit) : 0;

	for (cmark_node *c = cmark_node_first_child(n); c != NULL; c = cmark_node_next(c))
		len += S_textlen(c);
	return len;
}

/* cmark-gfm places an inline node of a paragraph's later line as if the
 * line were indented as its first: a lazy continuation line, indented less
 * ("- a" then "b [[X]]"), gets columns too far right, past the reference.
 * Such a line's content starts after its spaces, tabs and '>' (a paragraph
 * line never starts with an unescaped '>': a block quote would begin);
 * off, reckoned as cmark-gfm does, moves left by what the line lacks. */
static size_t
S_lazy(struct scan *S, cmark_node *node, size_t off)
{
	cmark_node *b = S_block_of(node);
	int line = cmark_node_get_start_line(node);
	size_t ls, k, want;

	if (b == NULL || cmark_node_get_type(b) != CMARK_NODE_PARAGRAPH ||
	    line <= cmark_node_get_start_line(b) || cmark_node_get_start_column(b) < 1)
		return off;
	ls = S_offset(S, line, 1);
	for (k = ls; k < S->len && (S->body[k] == ' ' || S->body[k] == '\t' || S->body[k] == '>'); k++)
		;
	want = (size_t)(cmark_node_get_start_column(b) - 1);
	if (k - ls < want) {
		size_t back = want - (k - ls);
		off = off - ls > back ? off - back : ls;
	}
	return off;
}

/* Where a placed node starts: its position, less what S_lazy finds; and a
 * text node that begins with backticks no code span closes is placed after
 * them ("``x [[ID]]" at the start of a block or a table cell). */
static size_t
S_placed(struct scan *S, cmark_node *node)
{
	size_t off = S_lazy(S, node, S_offset(S, cmark_node_get_start_line(node),
	    cmark_node_get_start_column(node)));
	const char *lit = cmark_node_get_type(node) == CMARK_NODE_TEXT ?
	    cmark_node_get_literal(node) : NULL;
	size_t ticks = 0, j = 0;

	while (lit != NULL && lit[ticks] == '`')
		ticks++;
	if (ticks == 0 || off < ticks || off >= S->len || S->body[off] == '`')
		return off;
	while (j < ticks && S->body[off - ticks + j] == '`')
		j++;
	return j == ticks ? off - ticks : off;
}

/* Where a node starts in the body. cmark-gfm gives no position (line 0) to
 * the nodes its autolink extension makes of an e-mail address and of the
 * text after it: theirs is reckoned from the nearest node before them that
 * has one, plus the text in between. A literal is never longer than its
 * source (escapes and entities only shorten it), so the reckoning is at or
 * before the true start, where the search for a reference begins. */
static size_t
S_start(struct scan *S, cmark_node *node)
{
	size_t len = 0;
	cmark_node *p;

	if (cmark_node_get_start_line(node) > 0)
		return S_placed(S, node);
	for (p = cmark_node_previous(node); p != NULL; p = cmark_node_previous(p)) {
		if (cmark_node_get_start_line(p) > 0) {
			if (cmark_node_get_type(p) == CMARK_NODE_TEXT)
				return S_placed(S, p) + S_textlen(p) + len;
			return S_offset(S, cmark_node_get_end_line(p), cmark_node_get_end_column(p)) + 1 +
			    len;
		}
		len += S_textlen(p);
	}
	p = cmark_node_parent(node);
	return (p != NULL ? S_start(S, p) : 0) + len;
}

static void
S_text(struct scan *S, cmark_node *node, found_fn fn, void *ctx)
{
	const char *lit = cmark_node_get_literal(node);
	size_t n, from, line_start, line_end, block_start, block_end;

	if (lit == NULL || strstr(lit, "[[") == NULL)
		return;
	n = strlen(lit);
	from = S_start(S, node);
	S_index(S);
	if (from > S->len)
		from = S->len;
	S_lines_around(S, node, from, &line_start, &line_end, &block_start, &block_end);
	size_t misses = 0, node_start = from;
	for (size_t i = 0; i + 1 < n && misses < 16; i++) {
		size_t io, il, to, tl, k, at, bs, lo;
		if (lit[i] != '[' || lit[i + 1] != '[')
			continue;
		if ((k = md_ref_at(lit + i, n - i, &io, &il, &to, &tl)) == 0)
			continue;
		/* the same reference in the source, at or after `from`; a literal
		 * character comes from at least one source byte, so not before
		 * node_start + i either; and after the last one found, since text
		 * nodes come in the order of the source. Should cmark-gfm have
		 * placed the node wrongly (an autolink's end is one column off; a
		 * code span over two lines leaves the lines after it one short),
		 * it is the first after the last one found, in the node's block. */
		lo = from > node_start + i ? from : node_start + i;
		at = S_find(S, lo > S->after ? lo : S->after, line_end, lit + i + io, il);
		if (at == (size_t)-1) {
			lo = S->after > block_start ? S->after : block_start;
			at = S_find(S, lo, S_window(S, lo, block_end), lit + i + io, il);
		}
		if (at == (size_t)-1) {
			misses++; /* made by entities: not written as a reference */
			continue;
		}
		from = at + 2;
		if (S->after < from)
			S->after = from;
		for (bs = 0; at > bs && S->body[at - bs - 1] == '\\'; bs++)
			;
		if (bs % 2 == 1)
			continue;
		fn(S, node, lit, &(struct found){i, k, io, il, to, tl, at}, ctx);
		i += k - 1;
	}
}

static void
S_record(struct scan *S, cmark_node *node, const char *lit, const struct found *f, void *ctx)
{
	struct md_ref *r;

	(void)node, (void)ctx;
	xgrow(&S->out->refs, &S->out->caprefs, S->out->nrefs + 1, sizeof(*S->out->refs));
	r = &S->out->refs[S->out->nrefs++];
	r->id = arena_strndup(S->a, lit + f->off + f->io, f->il);
	r->text = f->tl ? arena_strndup(S->a, lit + f->off + f->to, f->tl) : NULL;
	S_pos(S, f->at, &r->line, &r->col);
}

/* The '[' that opens the link whose text ends at s[end] (the ']' before
 * "("), bracket for bracket, or (size_t)-1. */
static size_t
S_open_bracket(const char *s, size_t lo, size_t end)
{
	size_t depth = 0, j = end, bs;

	while (j-- > lo) {
		if (s[j] != '[' && s[j] != ']')
			continue;
		for (bs = 0; j - bs > lo && s[j - bs - 1] == '\\'; bs++)
			;
		if (bs % 2 == 1)
			continue;
		if (s[j] == ']')
			depth++;
		else if (depth-- == 0)
			return j;
	}
	return (size_t)-1;
}

/* The start ('[', or the '!' of an image) of the first link to url whose
 * "](url" is in [lo, end) and whose '[' is at or after lo; or (size_t)-1. */
static size_t
S_link_at(const struct scan *S, size_t lo, size_t end, const char *url, int image)
{
	size_t ul = strlen(url);

	for (size_t j = lo; j + 2 + ul <= end; j++) {
		size_t u = j + 2, at;
		if (S->body[j] != ']' || S->body[j + 1] != '(')
			continue;
		while (u < end && (S->body[u] == ' ' || S->body[u] == '\t' || S->body[u] == '<'))
			u++; /* "](" then the URL, maybe after spaces or in <...> */
		if (u + ul > end || memcmp(S->body + u, url, ul) != 0 ||
		    (at = S_open_bracket(S->body, lo, j)) == (size_t)-1)
			continue;
		return image && at > 0 && S->body[at - 1] == '!' ? at - 1 : at;
	}
	return (size_t)-1;
}

/* Where a link or image starts: at its '[' or '!'. cmark-gfm misplaces it
 * as it does text (S_text): the placed start stands when the first link to
 * the URL after it starts there; else it is the first such link after the
 * last one found, in the block. A reference link, or a URL written
 * otherwise (entities, escapes), stays where it is placed. */
static size_t
S_link_start(struct scan *S, cmark_node *node, const char *url, int image)
{
	size_t off = S_placed(S, node), ls, le, start, end, at;

	S_lines_around(S, node, off, &ls, &le, &start, &end);
	if (start < S->lafter)
		start = S->lafter;
	if (off >= start && off < end && S_link_at(S, off, S_window(S, off, end), url, image) == off)
		at = off;
	else if ((at = S_link_at(S, start, S_window(S, start, end), url, image)) == (size_t)-1)
		return off;
	S->lafter = at + 1;
	return at;
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
	S_pos(S, S_link_start(S, node, url, image), &l->line, &l->col);
}

void
md_scan(struct md_parser *p, const char *body, size_t len, int line0, struct arena *a,
    struct md_out *out)
{
	md_scan_then(p, body, len, line0, a, out, NULL, NULL);
}

/* The cells of a GFM table's delimiter row (|:--|--:|), or 0 when line
 * is not one. */
static size_t
S_delimiter_cells(const char *s, size_t n)
{
	size_t i = 0, cells = 0, pipes = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (i < n) {
		size_t dashes = 0;
		if (s[i] == '|') {
			pipes++;
			i++;
		}
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		if (s[i] == ':')
			i++;
		while (i < n && s[i] == '-')
			i++, dashes++;
		if (dashes == 0)
			return 0;
		if (i < n && s[i] == ':')
			i++;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		cells++;
		if (i < n && s[i] != '|')
			return 0;
	}
	return pipes > 0 ? cells : 0;
}

/* How many list items the line s[0..n) opens at its start (block quotes
 * between them are passed over: cmark-gfm takes 100,000 of those fast). */
static size_t
S_line_containers(const char *s, size_t n)
{
	size_t i = 0, k = 0;

	for (;;) {
		size_t d = 0;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < n && s[i] == '>') {
			i++;
			continue;
		}
		if (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
		    (s[i + 1] == ' ' || s[i + 1] == '\t')) {
			i += 2, k++;
			continue;
		}
		while (i + d < n && d < 9 && s[i + d] >= '0' && s[i + d] <= '9')
			d++;
		if (d > 0 && i + d + 1 < n && (s[i + d] == '.' || s[i + d] == ')') &&
		    (s[i + d + 1] == ' ' || s[i + d + 1] == '\t')) {
			i += d + 2, k++;
			continue;
		}
		return k;
	}
}

/* The 1-based line of offset off of body[0..len) (a refusal's: rare). */
static int
S_line_at(const char *body, size_t len, size_t off)
{
	struct lines li;
	int line;

	lines_index(&li, body, len);
	line = (int)lines_line(&li, off);
	lines_free(&li);
	return line;
}

int
md_guard(const char *body, size_t len, int *line, char *msg, size_t size)
{
	size_t openers = 0, table = 0, rows = 0;
	const char *p = body, *end = body + len;
	int ln = 1;

	/* "![", with memchr: this runs over every body */
	while ((p = memchr(p, '!', (size_t)(end - p))) != NULL && ++p < end)
		if (*p == '[' && ++openers > MD_MAX_IMAGE_OPENERS) {
			*line = S_line_at(body, len, (size_t)(p - body));
			snprintf(msg, size, "more than %d images in one file; cmark-gfm would take too "
			    "long", MD_MAX_IMAGE_OPENERS);
			return 1;
		}
	/* the starts of lines (ended by \n, \r\n or \r, as cmark-gfm ends them):
	 * lists a line opens, and tables, in block quotes too */
	for (const char *s = body, *nl = NULL; s < end; ln++) {
		const char *cr;
		size_t n, f = 0, cells, next;
		/* the next LF (or end), found again only once passed: where lines
		 * end with CR alone, a search from each line would be quadratic */
		if ((nl == NULL || nl < s) && (nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		n = (size_t)(nl - s);
		if ((cr = memchr(s, '\r', n)) != NULL)
			n = (size_t)(cr - s);
		next = n + 1 + (cr != NULL && cr + 1 == nl);
		while (f < n && (s[f] == ' ' || s[f] == '\t' || s[f] == '>'))
			f++;
		if (f == n) {
			table = rows = 0; /* a blank line ends a table */
		} else if (strchr("-*+>0123456789", s[f]) != NULL &&
		    S_line_containers(s, n) > MD_MAX_LINE_CONTAINERS) {
			*line = ln;
			snprintf(msg, size, "a line that opens more than %d lists; cmark-gfm would take "
			    "too long", MD_MAX_LINE_CONTAINERS);
			return 1;
		} else if (table > 0 && (++rows + 1) * table > MD_MAX_TABLE_CELLS) {
			*line = ln;
			snprintf(msg, size, "a table of more than %d cells", MD_MAX_TABLE_CELLS);
			return 1;
		} else if (table == 0 && strchr("|-:", s[f]) != NULL &&
		    (cells = S_delimiter_cells(s + f, n - f)) > 0) {
			table = cells;
			rows = 0;
		}
		s += next;
	}
	return 0;
}

void
md_scan_then(struct md_parser *p, const char *body, size_t len, int line0, struct arena *a,
    struct md_out *out, void (*then)(void *ctx, struct cmark_node *tree), void *ctx)
{
	struct scan S = {.body = body, .len = len, .line0 = line0, .a = a, .out = out};
	cmark_node *doc;
	cmark_iter *it;
	cmark_event_type ev;

	if ((doc = S_parse(p, body, len)) == NULL)
		return;
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT:
			S_text(&S, node, S_record, NULL);
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
	if (then != NULL)
		then(ctx, doc);
	cmark_node_free(doc);
	lines_free(&S.lines);
}

/* ---- rendering ------------------------------------------------------------ */

struct split {
	cmark_node *node;
	struct found f;
	const char *lit;
};

struct render {
	struct split *v;
	size_t n, cap;
};

static void
S_collect(struct scan *S, cmark_node *node, const char *lit, const struct found *f, void *ctx)
{
	struct render *R = ctx;

	(void)S;
	xgrow(&R->v, &R->cap, R->n + 1, sizeof(*R->v));
	R->v[R->n++] = (struct split){node, *f, lit};
}

static cmark_node *
S_textnode(const char *s, size_t n)
{
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	char *lit = xstrndup(s, n);

	cmark_node_set_literal(t, lit);
	free(lit);
	return t;
}

/* Whether node is no more than MD_LINK_DEPTH nodes below its document.
 * cmark-gfm walks all the ancestors of a node inserted (to refuse a
 * cycle): in a body nested deeper, made to be hostile, a link before each
 * of n references would cost n times the depth, and those stay text. */
enum { MD_LINK_DEPTH = 128 };

static int
S_shallow(cmark_node *node)
{
	int depth = 0;

	for (; node != NULL; node = cmark_node_parent(node))
		if (++depth > MD_LINK_DEPTH)
			return 0;
	return 1;
}

/* Whether node is inside a link (it is shallow: see S_shallow). */
static int
S_in_link(cmark_node *node)
{
	for (node = cmark_node_parent(node); node != NULL; node = cmark_node_parent(node))
		if (cmark_node_get_type(node) == CMARK_NODE_LINK)
			return 1;
	return 0;
}

/* Replace the text node of splits v[0..n) (all of one node) by its text
 * and the references' links; inside a link, which HTML cannot nest, by the
 * text alone. */
static void
S_split(const struct md_html *h, struct split *v, size_t n)
{
	cmark_node *node = v[0].node;
	const char *lit = v[0].lit;
	size_t pos = 0, len = strlen(lit);
	int linked;

	if (!S_shallow(node))
		return;
	linked = !S_in_link(node);
	for (size_t i = 0; i < n; i++) {
		const struct found *f = &v[i].f;
		const char *href = NULL, *title = NULL;
		char *id = xstrndup(lit + f->off + f->io, f->il);
		const char *show = f->tl ? lit + f->off + f->to : id;
		size_t nshow = f->tl ? f->tl : f->il;
		cmark_node *t;

		if (f->off > pos)
			cmark_node_insert_before(node, S_textnode(lit + pos, f->off - pos));
		t = S_textnode(show, nshow);
		if (h->ref(h->ctx, id, &href, &title) && linked) {
			cmark_node *a = cmark_node_new(CMARK_NODE_LINK);
			cmark_node_set_url(a, href);
			cmark_node_set_title(a, title != NULL ? title : "");
			cmark_node_append_child(a, t);
			t = a;
		}
		cmark_node_insert_before(node, t);
		pos = f->off + f->len;
		free(id);
	}
	if (pos < len)
		cmark_node_insert_before(node, S_textnode(lit + pos, len - pos));
	cmark_node_free(node);
}

/* GitHub's heading anchors: lower case, punctuation dropped, spaces to
 * hyphens; a repeated anchor gets -1, -2, ... */
static char *
S_slug(cmark_node *heading, const char *prefix)
{
	cmark_iter *it = cmark_iter_new(heading);
	cmark_event_type ev;
	size_t n = 0, cap = 0;
	char *s = NULL;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *x = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(x);
		const char *lit;
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_TEXT && t != CMARK_NODE_CODE))
			continue;
		if ((lit = cmark_node_get_literal(x)) == NULL)
			continue;
		for (const unsigned char *p = (const unsigned char *)lit; *p != '\0'; p++) {
			int c = *p;
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			else if (c == ' ')
				c = '-';
			else if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			             c == '-' || c == '_'))
				continue;
			xgrow(&s, &cap, n + 2, 1);
			s[n++] = (char)c;
		}
	}
	cmark_iter_free(it);
	xgrow(&s, &cap, n + 1, 1);
	s[n] = '\0';
	if (prefix != NULL) {
		char *p = xasprintf("%s-%s", prefix, s);
		free(s);
		s = p;
	}
	return s;
}

struct slugs {
	char **v;                 /* the anchors, in document order */
	size_t n, cap;
	struct hash used;
	struct hash next;         /* a name -> the next -N to try for it */
	char **bases;             /* the names kept as keys of next */
	size_t nb, capb;
};

static void
S_add_slug(struct slugs *L, char *base)
{
	char *s = base;
	uintptr_t k = (uintptr_t)hash_get(&L->next, base);

	if (hash_get(&L->used, s) != NULL) {
		/* taken: the next free -N, counted on from the last one given to
		 * this name, so a thousand headings "Notes" cost no more than one */
		for (k = k ? k : 1;; k++) {
			s = xasprintf("%s-%lu", base, (unsigned long)k);
			if (hash_get(&L->used, s) == NULL)
				break;
			free(s);
		}
		if (hash_get(&L->next, base) == NULL) {
			xgrow(&L->bases, &L->capb, L->nb + 1, sizeof(*L->bases));
			L->bases[L->nb++] = base; /* the key, kept */
			hash_put(&L->next, base, (void *)(k + 1));
		} else {
			hash_set(&L->next, base, (void *)(k + 1));
			free(base);
		}
	}
	xgrow(&L->v, &L->cap, L->n + 1, sizeof(*L->v));
	L->v[L->n++] = s;
	hash_put(&L->used, s, s);
}

/* Put id="..." into the rendered headings, in document order. */
static char *
S_anchor(const char *html, const struct slugs *L, size_t *len)
{
	size_t n = strlen(html), k = 0, cap = n + 1, o = 0;
	char *out;

	for (size_t i = 0; i < L->n; i++)
		cap += strlen(L->v[i]) + 6;
	out = xmalloc(cap);
	for (size_t i = 0; i < n;) {
		const char *lt = k < L->n ? memchr(html + i, '<', n - i) : NULL;
		size_t j = lt != NULL ? (size_t)(lt - html) + 1 : n; /* up to and with the '<' */
		memcpy(out + o, html + i, j - i);
		o += j - i;
		i = j;
		if (lt != NULL && i + 2 < n && html[i] == 'h' && html[i + 1] >= '1' &&
		    html[i + 1] <= '6' && html[i + 2] == '>') {
			o += (size_t)sprintf(out + o, "h%c id=\"%s\"", html[i + 1], L->v[k++]);
			i += 2;
		}
	}
	out[o] = '\0';
	*len = o;
	return out;
}

char *
md_html_tree(struct md_parser *p, cmark_node *doc, const char *body, size_t len,
    const struct md_html *h, size_t *outlen)
{
	struct scan S = {.body = body, .len = len};
	struct render R = {NULL, 0, 0};
	struct slugs L = {NULL, 0, 0, {0}, {0}, NULL, 0, 0};
	cmark_node **drop = NULL;
	size_t ndrop = 0, capdrop = 0;
	cmark_iter *it;
	cmark_event_type ev;
	char *html, *out;

	if (doc == NULL) {
		*outlen = 0;
		return xstrdup("");
	}
	/* find the references and rewrite the URLs ... */
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT) {
			S_text(&S, node, S_collect, &R);
		} else if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			const char *url = cmark_node_get_url(node), *to;
			if (url == NULL || (to = h->url(h->ctx, url, t == CMARK_NODE_IMAGE)) == NULL)
				continue;
			if (to[0] != '\0') {
				cmark_node_set_url(node, to);
			} else {
				xgrow(&drop, &capdrop, ndrop + 1, sizeof(*drop));
				drop[ndrop++] = node;
			}
		}
	}
	cmark_iter_free(it);
	lines_free(&S.lines);
	/* a link or image that leads nowhere on the site: its text alone (the
	 * text nodes moved out are those collected, still) */
	for (size_t i = 0; i < ndrop; i++) {
		cmark_node *c;
		while ((c = cmark_node_first_child(drop[i])) != NULL)
			cmark_node_insert_before(drop[i], c);
		cmark_node_free(drop[i]);
	}
	free(drop);
	/* ... then turn the references into links, the iterator done with the
	 * nodes */
	for (size_t i = 0, j; i < R.n; i = j) {
		for (j = i + 1; j < R.n && R.v[j].node == R.v[i].node; j++)
			;
		S_split(h, R.v + i, j - i);
	}
	free(R.v);
	/* the headings' anchors; the page's own ids are taken */
	hash_init(&L.used, 0);
	hash_init(&L.next, 0);
	for (size_t i = 0; h->reserved != NULL && h->reserved[i] != NULL; i++)
		hash_put(&L.used, h->reserved[i], (void *)h->reserved[i]);
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_HEADING)
			S_add_slug(&L, S_slug(node, h->id_prefix));
	}
	cmark_iter_free(it);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p->cp));
	out = S_anchor(html, &L, outlen);
	free(html);
	for (size_t i = 0; i < L.n; i++)
		free(L.v[i]);
	free(L.v);
	for (size_t i = 0; i < L.nb; i++)
		free(L.bases[i]);
	free(L.bases);
	hash_free(&L.used);
	hash_free(&L.next);
	return out;
}

char *
md_html(struct md_parser *p, const char *body, size_t len, const struct md_html *h,
    size_t *outlen)
{
	cmark_node *doc = md_parse_tree(p, body, len);
	char *out = md_html_tree(p, doc, body, len, h, outlen);

	if (doc != NULL)
		cmark_node_free(doc);
	return out;
}

cmark_llist *
md_extensions(struct md_parser *p)
{
	return cmark_parser_get_syntax_extensions(p->cp);
}

/* ---- references in other renderers' trees --------------------------------- */

struct md_body {
	struct scan S;
};

struct md_body *
md_body_new(const char *body, size_t len)
{
	struct md_body *b = xcalloc(1, sizeof(*b));

	b->S.body = body;
	b->S.len = len;
	return b;
}

void
md_body_free(struct md_body *b)
{
	if (b == NULL)
		return;
	lines_free(&b->S.lines);
	free(b);
}

struct adapter {
	md_ref_fn fn;
	void *ctx;
};

static void
S_adapt(struct scan *S, cmark_node *node, const char *lit, const struct found *f, void *ctx)
{
	struct adapter *A = ctx;

	(void)S, (void)node;
	A->fn(A->ctx, lit, &(struct md_textref){f->off, f->len, f->io, f->il, f->to, f->tl});
}

void
md_text_refs(struct md_body *b, cmark_node *text, md_ref_fn fn, void *ctx)
{
	struct adapter A = {fn, ctx};

	S_text(&b->S, text, S_adapt, &A);
}
