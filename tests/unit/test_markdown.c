/* Unit tests: [[ID]] references and links found in a body, with positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "markdown.h"

struct fx {
	struct arena a;
	struct md_parser *p;
	struct md_out out;
};

static int
S_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	md_global_init();
	arena_init(&f->a);
	f->p = md_new();
	*state = f;
	return 0;
}

static int
S_teardown(void **state)
{
	struct fx *f = *state;
	md_out_free(&f->out);
	md_free(f->p);
	arena_free(&f->a);
	free(f);
	return 0;
}

static void
S_scan(struct fx *f, const char *body, int line0)
{
	md_out_free(&f->out);
	md_scan(f->p, body, strlen(body), line0, &f->a, &f->out);
}

static void
test_ref_syntax(void **state)
{
	size_t io, il, to, tl;

	(void)state;
	assert_int_equal(md_ref_at("[[A.5.1]]", 9, &io, &il, &to, &tl), 9);
	assert_int_equal(io, 2);
	assert_int_equal(il, 5);
	assert_int_equal(tl, 0);
	assert_int_equal(md_ref_at("[[R-1| the risk ]] x", 20, &io, &il, &to, &tl), 18);
	assert_int_equal(il, 3);
	assert_memory_equal("[[R-1| the risk ]]" + to, "the risk", tl);
	assert_int_equal(md_ref_at("[[ ]]", 5, &io, &il, &to, &tl), 0);
	/* the bar escaped, as a table cell needs it: the id ends before it */
	assert_int_equal(md_ref_at("[[R-1\\|x]]", 10, &io, &il, &to, &tl), 10);
	assert_int_equal(il, 3);
	assert_int_equal(to, 7);
	assert_int_equal(tl, 1);
	assert_int_equal(md_ref_at("[[two words]]", 13, &io, &il, &to, &tl), 0);
	assert_int_equal(md_ref_at("[[A.5.1]", 8, &io, &il, &to, &tl), 0);
	assert_int_equal(md_ref_at("[[[A]]", 6, &io, &il, &to, &tl), 0);
}

static void
test_refs_outside_code(void **state)
{
	struct fx *f = *state;

	S_scan(f, "Text [[A.5.1]] and `[[CODE]]` and [[R-1|risk]].\n\n"
	    "```\n[[FENCED]]\n```\n\n    [[INDENTED]]\n\n\\[[ESCAPED]] **[[B]]**\n", 3);
	assert_int_equal(f->out.nrefs, 3);
	assert_string_equal(f->out.refs[0].id, "A.5.1");
	assert_int_equal(f->out.refs[0].line, 4);
	assert_int_equal(f->out.refs[0].col, 6);
	assert_string_equal(f->out.refs[1].id, "R-1");
	assert_string_equal(f->out.refs[1].text, "risk");
	assert_int_equal(f->out.refs[1].col, 35);
	assert_string_equal(f->out.refs[2].id, "B");
	assert_int_equal(f->out.refs[2].line, 12);
	assert_int_equal(f->out.refs[2].col, 16);
}

/* Several references on one line, after non-ASCII text: character columns,
 * counted on from the previous reference. */
static void
test_refs_one_line(void **state)
{
	struct fx *f = *state;

	S_scan(f, "\xc3\xa9 [[A]] \xc3\xbc [[B]] *x* [[C]]\n[[D]]\n", 0);
	assert_int_equal(f->out.nrefs, 4);
	assert_int_equal(f->out.refs[0].col, 3);
	assert_int_equal(f->out.refs[1].col, 11);
	assert_int_equal(f->out.refs[2].col, 21);
	assert_int_equal(f->out.refs[3].line, 2);
	assert_int_equal(f->out.refs[3].col, 1);
}

static void
test_refs_in_blocks(void **state)
{
	struct fx *f = *state;

	S_scan(f, "| a | b |\n|---|---|\n| é [[T1]] | x |\n\n- item\n  more [[L1]]\n\n> q [[Q1]]\n", 0);
	assert_int_equal(f->out.nrefs, 3);
	assert_string_equal(f->out.refs[0].id, "T1");
	assert_int_equal(f->out.refs[0].line, 3);
	assert_int_equal(f->out.refs[0].col, 5); /* characters, not bytes */
	assert_int_equal(f->out.refs[1].line, 6);
	assert_int_equal(f->out.refs[1].col, 8);
	assert_int_equal(f->out.refs[2].col, 5);
}

static void
test_entities_are_not_refs(void **state)
{
	struct fx *f = *state;

	S_scan(f, "&#91;&#91;X]] and [[Y]]\n", 0);
	assert_int_equal(f->out.nrefs, 1);
	assert_string_equal(f->out.refs[0].id, "Y");
	assert_int_equal(f->out.refs[0].col, 19);
}

static void
test_links(void **state)
{
	struct fx *f = *state;

	S_scan(f, "See [the policy](../p.md#x) and ![logo](img/logo.png).\n<https://example.com>\n", 10);
	assert_int_equal(f->out.nlinks, 3);
	assert_string_equal(f->out.links[0].url, "../p.md#x");
	assert_int_equal(f->out.links[0].line, 11);
	assert_int_equal(f->out.links[0].col, 5);
	assert_false(f->out.links[0].image);
	assert_string_equal(f->out.links[1].url, "img/logo.png");
	assert_int_equal(f->out.links[1].col, 33);
	assert_true(f->out.links[1].image);
}

static void
test_parser_reuse(void **state)
{
	struct fx *f = *state;

	for (int i = 0; i < 3; i++) {
		S_scan(f, "[[A]]\n", 0);
		assert_int_equal(f->out.nrefs, 1);
		assert_int_equal(f->out.refs[0].line, 1);
	}
}

/* GitHub's extensions in a body, and the nodes cmark-gfm places wrongly
 * or not at all: the references are found, at the columns written. */
static void
test_refs_gfm(void **state)
{
	struct fx *f = *state;

	S_scan(f, "~~old [[S1]]~~ www.example.com/x [[S2]]\n- [ ] task [[S3]]\n- [x] done [[S4]]\n", 0);
	assert_int_equal(f->out.nrefs, 4);
	assert_int_equal(f->out.refs[0].col, 7);
	assert_int_equal(f->out.refs[1].col, 34);
	assert_int_equal(f->out.refs[2].line, 2);
	assert_int_equal(f->out.refs[2].col, 12);
	assert_int_equal(f->out.refs[3].col, 12);
	/* a pipe ends a table cell before a code span can hold it */
	S_scan(f, "| a | b |\n|---|---|\n| `x | [[P1]] ` |\n\n`x | [[P2]] `\n", 0);
	assert_int_equal(f->out.nrefs, 1);
	assert_string_equal(f->out.refs[0].id, "P1");
	assert_int_equal(f->out.refs[0].line, 3);
	assert_int_equal(f->out.refs[0].col, 8);
	/* after an e-mail address: nodes the autolink extension leaves unplaced */
	S_scan(f, "x\n\nsee me@example.com [[E1]] and a@b.org[[E2]]\nme@example.com [[E3]]\n", 0);
	assert_int_equal(f->out.nrefs, 3);
	assert_int_equal(f->out.refs[0].line, 3);
	assert_int_equal(f->out.refs[0].col, 20);
	assert_int_equal(f->out.refs[1].col, 38);
	assert_int_equal(f->out.refs[2].line, 4);
	assert_int_equal(f->out.refs[2].col, 16);
	/* lazy continuation lines, placed as if indented as the first line */
	S_scan(f, "- a\nb [[L1]]\n\n> - a\n> b `c` [[L2]]\n\n1. a\n   b [[L3]]\n", 0);
	assert_int_equal(f->out.nrefs, 3);
	assert_int_equal(f->out.refs[0].line, 2);
	assert_int_equal(f->out.refs[0].col, 3);
	assert_int_equal(f->out.refs[1].line, 5);
	assert_int_equal(f->out.refs[1].col, 9);
	assert_int_equal(f->out.refs[2].line, 8);
	assert_int_equal(f->out.refs[2].col, 6);
}

/* References against an oracle, on bodies that mix every GitHub construct:
 * each [[Rn]] is written once, so where it is in the source is known, and
 * it is a reference when the tree a page is rendered from shows it as text
 * and no backslash escapes it. The scan must find exactly those, at the
 * line and column of the source. */
static int
S_in_text(cmark_node *root, const char *needle)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	int found = 0;

	while (!found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit = cmark_node_get_literal(n);
		found = ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_TEXT &&
		    lit != NULL && strstr(lit, needle) != NULL;
	}
	cmark_iter_free(it);
	return found;
}

/* md_html's references, as "R0 R1 ...", for the oracle: a page links
 * what the check sees. */
struct linked {
	char ids[8192];
	size_t n;
};

static int
S_link_ref(void *ctx, const char *id, const char **href, const char **title)
{
	struct linked *l = ctx;
	int k = snprintf(l->ids + l->n, sizeof(l->ids) - l->n, "%s ", id);

	if (k > 0 && (size_t)k < sizeof(l->ids) - l->n)
		l->n += (size_t)k;
	*href = "x.html";
	*title = id;
	return 1;
}

static const char *
S_no_url(void *ctx, const char *url, int image)
{
	(void)ctx, (void)url, (void)image;
	return NULL;
}

static int
S_oracle(struct fx *f, const char *body, int nids)
{
	size_t len = strlen(body);
	cmark_node *root = md_parse_tree(f->p, body, len);
	size_t k = 0;

	S_scan(f, body, 0);
	for (int id = 0; id < nids; id++) {
		char needle[32], want[24];
		const char *at;
		size_t bs = 0;
		int line = 1, col = 1;
		snprintf(want, sizeof(want), "R%d", id);
		snprintf(needle, sizeof(needle), "[[%s]]", want);
		at = strstr(body, needle);
		while (at - bs > body && at[-(long)bs - 1] == '\\')
			bs++;
		if (at == NULL || bs % 2 == 1 || !S_in_text(root, needle))
			continue;
		for (const char *c = body; c < at; c++) {
			if (*c == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)*c & 0xC0) != 0x80) {
				col++;
			}
		}
		if (k >= f->out.nrefs || strcmp(f->out.refs[k].id, want) != 0 ||
		    f->out.refs[k].line != line || f->out.refs[k].col != col) {
			print_message("on:\n%s\nwant %s at %d:%d, the scan has %s at %d:%d\n", body,
			    want, line, col, k < f->out.nrefs ? f->out.refs[k].id : "none",
			    k < f->out.nrefs ? f->out.refs[k].line : 0,
			    k < f->out.nrefs ? f->out.refs[k].col : 0);
			cmark_node_free(root);
			return 1;
		}
		k++;
	}
	if (k != f->out.nrefs) {
		print_message("on:\n%s\nthe scan has %zu references, want %zu\n", body,
		    f->out.nrefs, k);
		cmark_node_free(root);
		return 1;
	}
	/* the page links the same references, in the same order */
	{
		struct linked got = {{0}, 0}, want = {{0}, 0};
		struct md_html h = {S_link_ref, S_no_url, &got, NULL, NULL};
		size_t hn;
		for (size_t i = 0; i < f->out.nrefs; i++) {
			const char *x;
			S_link_ref(&want, f->out.refs[i].id, &x, &x);
		}
		free(md_html(f->p, body, len, &h, &hn));
		if (strcmp(got.ids, want.ids) != 0) {
			print_message("on:\n%s\nthe page links %s, the check sees %s\n", body, got.ids,
			    want.ids);
			cmark_node_free(root);
			return 1;
		}
	}
	/* links and images to relative URLs ("Ln.md"), each written once: at
	 * the '[' or the '!' that opens them */
	k = 0;
	for (size_t i = 0; i < f->out.nlinks; i++) {
		const char *url = f->out.links[i].url, *at;
		char want[24];
		int line = 1, col = 1, n;
		if (url[0] != 'L' || sscanf(url + 1, "%d", &n) != 1)
			continue;
		snprintf(want, sizeof(want), "](%s)", url);
		at = strstr(body, want);
		while (at != NULL && at > body && at[0] != '[')
			at--;
		if (at > body && at[-1] == '!')
			at--;
		for (const char *c = body; at != NULL && c < at; c++) {
			if (*c == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)*c & 0xC0) != 0x80) {
				col++;
			}
		}
		if (at == NULL || f->out.links[i].line != line || f->out.links[i].col != col) {
			print_message("on:\n%s\nlink %s: want %d:%d, the scan has %d:%d\n", body, url,
			    line, col, f->out.links[i].line, f->out.links[i].col);
			cmark_node_free(root);
			return 1;
		}
	}
	cmark_node_free(root);
	return 0;
}

static void
test_refs_oracle(void **state)
{
	static const char *const piece[] = {
		"[[R%d]]", "[[R%d]]", "`[[R%d]]`", "\\[[R%d]]", "**[[R%d]]**", "~~[[R%d]]~~",
		"www.example.com/[[R%d]]", "me@example.com[[R%d]]", "me@example.com [[R%d]]",
		"[t](p.md)", "[t](L%d.md)", "![i](L%d.png)", "[a *b*](L%d.md)", "`", "``", "```", "|", "\\|", "*", "_", "~", "[", "]", "<b>", "</b>",
		"&amp;", "\xc3\xa9", "www.example.com", "me@example.com", "https://example.org/a", "x",
	};
	static const char *const lead[] = {
		"", "", "", "- ", "- [ ] ", "> ", "> - ", "1. ", "# ", "    ", "| ", "|---|", "```",
		"  ", " ",
	};
	struct fx *f = *state;
	unsigned long x = 2026;
	char body[4096];
	int bad = 0;

	for (int round = 0; round < 4000; round++) {
		size_t n = 0;
		int ids = 0;
		x = x * 6364136223846793005ul + 1442695040888963407ul;
		for (size_t l = 0, lines = 1 + (x >> 40) % 8; l < lines; l++) {
			x = x * 6364136223846793005ul + 1442695040888963407ul;
			n += (size_t)snprintf(body + n, sizeof(body) - n, "%s",
			    lead[(x >> 33) % (sizeof(lead) / sizeof(*lead))]);
			for (size_t k = 1 + (x >> 20) % 6; k > 0; k--) {
				const char *pc;
				x = x * 6364136223846793005ul + 1442695040888963407ul;
				pc = piece[(x >> 33) % (sizeof(piece) / sizeof(*piece))];
				if (strstr(pc, "%d") != NULL)
					n += (size_t)snprintf(body + n, sizeof(body) - n, pc, ids++);
				else
					n += (size_t)snprintf(body + n, sizeof(body) - n, "%s", pc);
				if ((x >> 13) % 3 != 0)
					n += (size_t)snprintf(body + n, sizeof(body) - n, " ");
			}
			n += (size_t)snprintf(body + n, sizeof(body) - n, "\n%s", (x >> 9) % 4 ? "" : "\n");
		}
		if (S_oracle(f, body, ids) != 0 && ++bad >= 3)
			break;
	}
	assert_int_equal(bad, 0);
}

/* md_html: [[ID]] to links through the caller, URLs rewritten, anchors. */
static int
S_ref(void *ctx, const char *id, const char **href, const char **title)
{
	(void)ctx;
	if (strcmp(id, "R-1") != 0)
		return 0;
	*href = "../risk/R-1.html";
	*title = "A \"risk\" <title>";
	return 1;
}

static const char *
S_url(void *ctx, const char *url, int image)
{
	(void)ctx;
	if (strcmp(url, "other.md#roles") == 0)
		return "../policy/P-2.html#roles";
	if (strcmp(url, "hidden.md") == 0 || strcmp(url, "hidden.png") == 0)
		return ""; /* leads nowhere on the site */
	return image && strcmp(url, "img/a.png") == 0 ? "../assets/files/img/a.png" : NULL;
}

static char *
S_html(struct fx *f, const char *md, const char *prefix)
{
	static const char *const reserved[] = {"search", NULL};
	struct md_html h = {S_ref, S_url, NULL, reserved, prefix};
	size_t n;
	char *out = md_html(f->p, md, strlen(md), &h, &n);
	assert_int_equal(n, strlen(out));
	return out;
}

static void
test_html_refs(void **state)
{
	char *h = S_html(*state, "See [[R-1]], [[R-1|the risk]], [[NOPE]], `[[R-1]]` and \\[[R-1]].\n", NULL);
	assert_string_equal(h, "<p>See <a href=\"../risk/R-1.html\" title=\"A &quot;risk&quot; "
	    "&lt;title&gt;\">R-1</a>, <a href=\"../risk/R-1.html\" title=\"A &quot;risk&quot; "
	    "&lt;title&gt;\">the risk</a>, NOPE, <code>[[R-1]]</code> and [[R-1]].</p>\n");
	free(h);
	/* placed wrongly or not at all by cmark-gfm, linked all the same */
	h = S_html(*state, "x\n\nmail me@example.com [[R-1]]\n\n- a\nlazy [[R-1]]\n", NULL);
	assert_non_null(strstr(h, "me@example.com</a> <a href=\"../risk/R-1.html\""));
	assert_non_null(strstr(h, "lazy <a href=\"../risk/R-1.html\""));
	free(h);
}

static void
test_html_urls_and_safety(void **state)
{
	char *h = S_html(*state, "[a](other.md#roles) ![i](img/a.png) [x](javascript:alert(1)) "
	    "<script>alert(1)</script> ~~old~~ https://example.org\n", NULL);
	assert_non_null(strstr(h, "href=\"../policy/P-2.html#roles\""));
	assert_non_null(strstr(h, "src=\"../assets/files/img/a.png\""));
	assert_null(strstr(h, "javascript:"));
	assert_null(strstr(h, "<script>"));
	assert_non_null(strstr(h, "<del>old</del>"));
	assert_non_null(strstr(h, "<a href=\"https://example.org\">"));
	free(h);
	/* [[ID]] inside a link: its text, for HTML cannot nest links */
	h = S_html(*state, "[see [[R-1]]](other.md#roles)\n", NULL);
	assert_string_equal(h, "<p><a href=\"../policy/P-2.html#roles\">see R-1</a></p>\n");
	free(h);
	/* a link or image the site has no page for: its text, [[ID]] still a link */
	h = S_html(*state, "See [the *plan* of [[R-1]]](hidden.md) and ![a map](hidden.png).\n", NULL);
	assert_string_equal(h, "<p>See the <em>plan</em> of <a href=\"../risk/R-1.html\" title=\"A "
	    "&quot;risk&quot; &lt;title&gt;\">R-1</a> and a map.</p>\n");
	free(h);
}

static void
test_html_anchors(void **state)
{
	char *h = S_html(*state, "# Roles & Duties\n## Roles & Duties\n## Search\n### `code` naïve!\n", NULL);
	assert_non_null(strstr(h, "<h1 id=\"roles--duties\">"));
	assert_non_null(strstr(h, "<h2 id=\"roles--duties-1\">"));
	assert_non_null(strstr(h, "<h2 id=\"search-1\">")); /* the page's own id is taken */
	assert_non_null(strstr(h, "<h3 id=\"code-naïve\">"));
	free(h);
	h = S_html(*state, "## Purpose\n", "scope");
	assert_non_null(strstr(h, "<h2 id=\"scope-purpose\">"));
	free(h);
}

/* md_guard: each bound passes at its value and refuses one more. */
static void
test_guard(void **state)
{
	char msg[160], *b;
	int line = 0;
	size_t n;

	(void)state;
	b = malloc(6 * (MD_MAX_IMAGE_OPENERS + 1) + 64);
	n = 0;
	for (int i = 0; i < MD_MAX_IMAGE_OPENERS; i++)
		memcpy(b + n, "![[]()", 6), n += 6;
	assert_int_equal(md_guard(b, n, &line, msg, sizeof(msg)), 0);
	memcpy(b + n, "\n![x]", 5), n += 5;
	assert_int_equal(md_guard(b, n, &line, msg, sizeof(msg)), 1);
	assert_int_equal(line, 2);
	free(b);

	b = malloc(3 * (MD_MAX_LINE_CONTAINERS + 1) + 64);
	n = 0;
	for (int i = 0; i < MD_MAX_LINE_CONTAINERS; i++)
		memcpy(b + n, i % 2 ? "- " : "1. ", i % 2 ? 2 : 3), n += i % 2 ? 2 : 3;
	assert_int_equal(md_guard(b, n, &line, msg, sizeof(msg)), 0);
	memcpy(b + n, "> * x", 5), n += 5; /* quotes are not counted, the item is */
	assert_int_equal(md_guard(b, n, &line, msg, sizeof(msg)), 1);
	assert_int_equal(line, 1);
	free(b);

	/* 500 columns: 499 rows and the header make 250,000 cells */
	b = malloc(4 * 1024 * 1024);
	n = 0;
	for (int r = 0; r < 501; r++) {
		for (int c = 0; c < 500; c++)
			memcpy(b + n, r == 1 ? "|-" : "|x", 2), n += 2;
		b[n++] = '|', b[n++] = '\n';
	}
	assert_int_equal(md_guard(b, n, &line, msg, sizeof(msg)), 0);
	memcpy(b + n, "|y|\n", 4), n += 4;
	assert_int_equal(md_guard(b, n, &line, msg, sizeof(msg)), 1);
	assert_int_equal(line, 502);
	/* a blank line ends the table: the next starts from nothing */
	memcpy(b + n - 4, "\n|y|\n", 6), n += 2;
	assert_int_equal(md_guard(b, n, &line, msg, sizeof(msg)), 0);
	free(b);
	assert_int_equal(md_guard("", 0, &line, msg, sizeof(msg)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_ref_syntax),
		cmocka_unit_test_setup_teardown(test_refs_outside_code, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_refs_in_blocks, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_refs_one_line, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_entities_are_not_refs, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_links, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_parser_reuse, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_refs_gfm, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_refs_oracle, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_html_refs, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_html_urls_and_safety, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_html_anchors, S_setup, S_teardown),
	};
	return cmocka_run_group_tests_name("markdown", tests, NULL, NULL);
}
