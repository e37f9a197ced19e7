/* Unit tests: the DocBook book built from small trees, read back with
 * libxml2 and asked with XPath: the root, every linkend resolving to an
 * xml:id, xml:ids unique (letter case ignored), sections nested as the
 * headings say, hostile titles and ids, publish:, deterministic output on
 * any number of threads, and a write that fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <pthread.h>

#include "compile.h"
#include "docbook.h"
#include "hash.h"
#include "markdown.h"

#define DB_NS "http://docbook.org/ns/docbook"

static char S_dir[64];

/* A file of the tree, its folders made. */
static void
S_write(const char *path, const char *text)
{
	char full[512];
	FILE *fp;

	snprintf(full, sizeof(full), "%s/%s", S_dir, path);
	for (char *p = full + strlen(S_dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(full, 0777);
		*p = '/';
	}
	fp = fopen(full, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
S_setup(void **state)
{
	char cwd[PATH_MAX];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	setenv("ISMSC_DATADIR", cwd, 1); /* tests run from the repo root */
	strcpy(S_dir, "/tmp/ismsc-docbook-XXXXXX");
	assert_non_null(mkdtemp(S_dir));
	return 0;
}

static int
S_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", S_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Check the tree and write its book to S_dir/out.xml; returns what
 * docbook_write returned. */
static int
S_book(const char *revision)
{
	struct options opt = {.src = S_dir, .keep_bodies = 1, .threads = 1, .quiet = 1,
	    .as_of = "2026-11-01"};
	struct run r;
	char out[128];
	int rc;

	snprintf(out, sizeof(out), "%s/out.xml", S_dir);
	assert_int_equal(run_check(&r, &opt), 0);
	/* the threads as a build takes them: ISMSC_THREADS, else the cores */
	rc = docbook_write(&(struct docbook_input){&r.model, &r.sch, &r.cfg, r.as_of, revision,
	    run_threads(&(struct options){0}), &r.hist, NULL, NULL, NULL}, out);
	run_free(&r);
	return rc;
}

static xmlDocPtr
S_read(void)
{
	char out[128];
	xmlDocPtr doc;

	snprintf(out, sizeof(out), "%s/out.xml", S_dir);
	doc = xmlReadFile(out, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	return doc;
}

/* The nodes that expr selects ("db" is DocBook's namespace); free the
 * result with xmlXPathFreeObject. */
static xmlXPathObjectPtr
S_xpath(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;

	xmlXPathRegisterNs(ctx, (const xmlChar *)"db", (const xmlChar *)DB_NS);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"xlink", (const xmlChar *)"http://www.w3.org/1999/xlink");
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	xmlXPathFreeContext(ctx);
	assert_non_null(o);
	return o;
}

static int
S_count(xmlDocPtr doc, const char *expr)
{
	xmlXPathObjectPtr o = S_xpath(doc, expr);
	int n = o->nodesetval != NULL ? o->nodesetval->nodeNr : 0;

	xmlXPathFreeObject(o);
	return n;
}

/* The string value of expr (XPath string()), to free. */
static char *
S_string(xmlDocPtr doc, const char *expr)
{
	char *e = xasprintf("string(%s)", expr), *s;
	xmlXPathObjectPtr o = S_xpath(doc, e);

	s = xstrdup(o->stringval != NULL ? (const char *)o->stringval : "");
	xmlXPathFreeObject(o);
	free(e);
	return s;
}

static void
S_assert_string(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = S_string(doc, expr);

	if (strcmp(got, want) != 0)
		fail_msg("%s is '%s', not '%s'", expr, got, want);
	free(got);
}

/* Every xml:id is unique, letter case ignored, and every linkend is one of
 * them; returns how many linkends there are. */
static int
S_links_resolve(xmlDocPtr doc)
{
	xmlXPathObjectPtr ids = S_xpath(doc, "//@xml:id"), ends = S_xpath(doc, "//@linkend");
	struct hash h;
	int n = ends->nodesetval != NULL ? ends->nodesetval->nodeNr : 0;
	char **v;
	int nv = ids->nodesetval != NULL ? ids->nodesetval->nodeNr : 0;

	hash_init(&h, 1);
	v = xcalloc((size_t)nv + 1, sizeof(*v));
	for (int i = 0; i < nv; i++) {
		v[i] = (char *)xmlNodeGetContent(ids->nodesetval->nodeTab[i]);
		if (hash_put(&h, v[i], v[i]) != NULL)
			fail_msg("xml:id '%s' is given twice (letter case ignored)", v[i]);
	}
	for (int i = 0; i < n; i++) {
		char *to = (char *)xmlNodeGetContent(ends->nodesetval->nodeTab[i]);
		char *got = hash_get(&h, to);
		if (got == NULL || strcmp(got, to) != 0)
			fail_msg("linkend '%s' leads nowhere", to);
		xmlFree(to);
	}
	for (int i = 0; i < nv; i++)
		xmlFree(v[i]);
	free(v);
	hash_free(&h);
	xmlXPathFreeObject(ids);
	xmlXPathFreeObject(ends);
	return n;
}

static const char S_policy[] =
    "---\nid: %s\nkind: policy\ntitle: %s\nowner: CISO\nstatus: approved\napproved_by: Board\n"
    "approved_on: 2026-06-01\n%s---\n\n%s";

/* A policy: id, title, extra front matter lines, body; to free. */
static char *
S_pol(const char *id, const char *title, const char *extra, const char *body)
{
	return xasprintf(S_policy, id, title, extra, body);
}

static void
S_put_policy(const char *path, const char *id, const char *title, const char *extra,
    const char *body)
{
	char *s = S_pol(id, title, extra, body);

	S_write(path, s);
	free(s);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_root_and_info(void **state)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlChar *v;

	(void)state;
	S_write("isms.yaml", "name: Test ISMS\norganization: ACME & Sons\n");
	S_put_policy("p/scope.md", "POL-1", "Scope", "clauses: [\"4.3\"]\n", "The scope.\n");
	assert_int_equal(S_book("0123abc"), 0);
	doc = S_read();
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "book");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href, DB_NS);
	v = xmlGetNoNsProp(root, (const xmlChar *)"version");
	assert_non_null(v);
	assert_string_equal((const char *)v, "5.0");
	xmlFree(v);
	S_assert_string(doc, "/db:book/db:info/db:title", "Test ISMS");
	S_assert_string(doc, "/db:book/db:info/db:orgname", "ACME & Sons");
	S_assert_string(doc, "/db:book/db:info/db:date", "2026-11-01");
	S_assert_string(doc, "/db:book/db:info/db:releaseinfo", "0123abc");
	/* the scope is the preface, and not again among the policies */
	S_assert_string(doc, "/db:book/db:preface/@xml:id", "POL-1");
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-1']"), 0);
	/* the SoA is there even with no decision; no policy chapter is empty */
	assert_int_equal(S_count(doc, "//db:chapter[@xml:id='soa']//db:tbody/db:row"), 93);
	assert_int_equal(S_count(doc, "//db:chapter[@xml:id='policies']"), 0);
	S_links_resolve(doc);
	xmlFreeDoc(doc);
}

static void
test_links_resolve(void **state)
{
	xmlDocPtr doc;

	(void)state;
	S_write("isms.yaml", "name: t\npublish:\n  exclude_status: [draft]\n");
	S_put_policy("p/a.md", "POL-A", "A", "controls: [A.5.1, A.5.2]\n",
	    "[[POL-B]], [[POL-B|text]], [[A.5.1]], [[A.5.2]], [[DRAFT-1]], [[NOPE-9]],\n"
	    "[b](b.md), [b2](./b.md#x), [page](../page.md), [draft](draft.md), [gone](gone.md),\n"
	    "[file](../files/f.pdf), [web](https://example.com/?a=1&b=2), [js](javascript:x()),\n"
	    "`[[POL-B]]` and \\[[POL-B]].\n");
	S_put_policy("p/b.md", "POL-B", "B", "supersedes: [DRAFT-1]\n", "Back to [[POL-A]].\n");
	S_write("p/draft.md", "---\nid: DRAFT-1\nkind: policy\ntitle: D\nowner: x\nstatus: draft\n---\n"
	    "Refers to [[POL-A]].\n");
	S_write("c/A.5.1.md", "---\nid: A.5.1\nkind: control\napplicable: true\n"
	    "implementation: implemented\njustification: j\n---\n");
	S_write("page.md", "# A plain page\n\nSee [[POL-A]].\n");
	S_write("files/f.pdf", "%PDF");
	assert_int_equal(S_book(NULL), 0);
	doc = S_read();
	assert_true(S_links_resolve(doc) > 10);
	/* each kind of target */
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-A']//db:para/db:link[@linkend='POL-B']"), 4);
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-A']//db:link[@linkend='A.5.1']"), 2);
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-A']//db:link[@linkend='soa-A.5.2']"), 2);
	assert_int_equal(S_count(doc, "//db:row[@xml:id='soa-A.5.2']"), 1);
	assert_int_equal(S_count(doc, "//db:link[@linkend='page-page.md']"), 2); /* and referred to by */
	S_assert_string(doc, "//db:appendix[@xml:id='page-page.md']/db:title", "A plain page");
	assert_int_equal(S_count(doc, "//db:link[@xlink:href='assets/files/files/f.pdf']"), 1);
	assert_int_equal(S_count(doc, "//db:link[@xlink:href='https://example.com/?a=1&b=2']"), 1);
	assert_int_equal(S_count(doc, "//db:link[starts-with(@xlink:href, 'javascript')]"), 0);
	/* left out by publish: no section, no link, its id as text */
	assert_int_equal(S_count(doc, "//*[@xml:id='DRAFT-1']"), 0);
	assert_int_equal(S_count(doc, "//db:link[.='DRAFT-1']"), 0);
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-B']//db:entry[.='DRAFT-1']"), 1);
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-A']//db:para[contains(., 'DRAFT-1, NOPE-9')]"), 1);
	/* in code, or escaped: text */
	assert_int_equal(S_count(doc, "//db:literal[.='[[POL-B]]']"), 1);
	assert_int_equal(S_count(doc, "//db:para[contains(., 'and [[POL-B]].')]"), 1);
	/* referred to by, from entities and plain pages; the draft by its id only */
	S_assert_string(doc, "//db:section[@xml:id='POL-A']//db:row[db:entry='Referred to by']/db:entry[2]",
	    "POL-B, DRAFT-1, page.md");
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-A']//db:row[db:entry='Referred to by']"
	    "/db:entry[2]/db:link"), 2);
	xmlFreeDoc(doc);
}

static void
test_sections_nested(void **state)
{
	xmlDocPtr doc;

	(void)state;
	S_write("isms.yaml", "name: t\n");
	S_put_policy("p/a.md", "POL-A", "The title", "",
	    "# The title\n\nIntro.\n\n## One\n\n#### Deep\n\ntext\n\n### Three\n\n## Two\n\n"
	    "## Empty\n## Last\n\n- item\n\n  ## in a list\n\n> # in a quote\n");
	assert_int_equal(S_book(NULL), 0);
	doc = S_read();
	/* the h1 that repeats the title is left out; h4 under h2 opens one section */
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-A']/db:section"), 4);
	S_assert_string(doc, "//db:section[@xml:id='POL-A']/db:para", "Intro.");
	S_assert_string(doc, "//db:section[@xml:id='POL-A']/db:section[1]/db:title", "One");
	S_assert_string(doc, "//db:section[@xml:id='POL-A']/db:section[1]/db:section[1]/db:title", "Deep");
	S_assert_string(doc, "//db:section[@xml:id='POL-A']/db:section[1]/db:section[2]/db:title", "Three");
	S_assert_string(doc, "//db:section[@xml:id='POL-A']/db:section[2]/db:title", "Two");
	/* an empty section still has a block */
	assert_int_equal(S_count(doc, "//db:section[db:title='Empty']/db:para"), 1);
	assert_int_equal(S_count(doc, "//db:section[db:title='Three']/db:para"), 1);
	/* a heading where no section can start */
	assert_int_equal(S_count(doc, "//db:listitem/db:bridgehead[.='in a list']"), 1);
	assert_int_equal(S_count(doc, "//db:blockquote/db:bridgehead[.='in a quote']"), 1);
	S_links_resolve(doc);
	xmlFreeDoc(doc);
}

static void
test_markdown(void **state)
{
	xmlDocPtr doc;

	(void)state;
	S_write("isms.yaml", "name: t\n");
	S_put_policy("p/a.md", "POL-A", "A", "",
	    "*e* **s** ~~x~~ `c`\\\nnext\n\n"
	    "| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n"
	    "- [ ] open\n- [x] done\n\n5. five\n6. six\n\n"
	    "```c\nint x;\n```\n\n![alt text](img/p.png) <b>raw</b>\n\n<div>block</div>\n\n---\n");
	assert_int_equal(S_book(NULL), 0);
	doc = S_read();
	assert_int_equal(S_count(doc, "//db:emphasis[not(@role)][.='e']"), 1);
	assert_int_equal(S_count(doc, "//db:emphasis[@role='strong'][.='s']"), 1);
	assert_int_equal(S_count(doc, "//db:emphasis[@role='strikethrough'][.='x']"), 1);
	assert_int_equal(S_count(doc, "//db:literal[.='c']"), 1);
	assert_int_equal(S_count(doc, "//db:para/processing-instruction('linebreak')"), 1);
	assert_int_equal(S_count(doc, "//db:section[@xml:id='POL-A']//db:informaltable/db:tgroup[@cols='3']"
	    "[db:colspec[2]/@align='center'][db:thead/db:row][db:tbody/db:row]"), 1);
	assert_int_equal(S_count(doc, "//db:listitem/db:para[starts-with(., '\xE2\x98\x90 open')]"), 1);
	assert_int_equal(S_count(doc, "//db:listitem/db:para[starts-with(., '\xE2\x98\x91 done')]"), 1);
	assert_int_equal(S_count(doc, "//db:orderedlist[@startingnumber='5']/db:listitem"), 2);
	S_assert_string(doc, "//db:programlisting[@language='c']", "int x;");
	assert_int_equal(S_count(doc, "//db:para/db:inlinemediaobject[db:alt='alt text']"
	    "/db:imageobject/db:imagedata[@fileref='assets/files/p/img/p.png']"), 1);
	assert_int_equal(S_count(doc, "//*[contains(., 'block')]"), 0);
	assert_int_equal(S_count(doc, "//*[local-name()='b' or local-name()='div']"), 0);
	xmlFreeDoc(doc);
}

static void
test_hostile(void **state)
{
	xmlDocPtr doc;

	(void)state;
	S_write("isms.yaml", "name: \"a\\x01b <c> & \\uFFFE d ]]>\"\n");
	/* ids that are the book's own ids, and ids that differ only in case */
	S_put_policy("p/1.md", "soa-A.5.1", "\"t\\x02<i>&amp;\\uFFFF\"", "", "x \x01 y \xEF\xBF\xBE z &#1; &#xFFFF;\n");
	S_put_policy("p/2.md", "page-README.md", "R", "", "[[soa-A.5.1]] [[A.5.1]] [[Ab]] [[AB]]\n");
	S_put_policy("p/3.md", "policies", "P", "", "[[policies]]\n");
	S_put_policy("p/4.md", "Ab", "first", "", "\n");
	S_put_policy("p/5.md", "AB", "second, a duplicate", "", "\n");
	S_write("README.md", "# Read me\n");
	S_write("we ird/<&>\".md", "# Odd path\n");
	assert_int_equal(S_book(NULL), 0);
	doc = S_read();
	S_assert_string(doc, "/db:book/db:info/db:title", "ab <c> &  d ]]>");
	S_assert_string(doc, "//db:section[@xml:id='soa-A.5.1']/db:title", "soa-A.5.1 t<i>&amp;");
	S_assert_string(doc, "//db:section[@xml:id='soa-A.5.1']/db:para", "x  y  z  ");
	/* the entities keep their ids; the book's own take the next free one */
	assert_int_equal(S_count(doc, "//db:row[@xml:id='soa-A.5.1-2']"), 1);
	assert_int_equal(S_count(doc, "//db:appendix[@xml:id='page-README.md-2']"), 1);
	assert_int_equal(S_count(doc, "//db:chapter[@xml:id='policies-2']"), 1);
	assert_int_equal(S_count(doc, "//db:section[@xml:id='policies']"), 1);
	assert_int_equal(S_count(doc, "//db:appendix[@xml:id='page-we_ird_____.md']"), 1);
	/* a duplicate id has no section, and a reference to it no link */
	assert_int_equal(S_count(doc, "//db:section[@xml:id='Ab']"), 1);
	assert_int_equal(S_count(doc, "//db:section[@xml:id='AB']"), 0);
	assert_int_equal(S_count(doc, "//db:link[@linkend='soa-A.5.1']"), 1);
	assert_int_equal(S_count(doc, "//db:link[@linkend='soa-A.5.1-2']"), 1);
	assert_int_equal(S_count(doc, "//db:link[.='AB']"), 0);
	S_links_resolve(doc);
	xmlFreeDoc(doc);
}

/* The same bytes from one thread and from four. */
static void
test_threads(void **state)
{
	char a[128], b[128], cmd[300];

	(void)state;
	S_write("isms.yaml", "name: t\n");
	for (int i = 0; i < 150; i++) {
		char path[32], id[16], body[160];
		snprintf(path, sizeof(path), "p/%03d.md", i);
		snprintf(id, sizeof(id), "POL-%03d", i);
		snprintf(body, sizeof(body), "# Head\n\nText ~~struck~~ www.example.com [[POL-%03d]].\n\n"
		    "| a | b |\n|---|---|\n| 1 | 2 |\n", (i + 1) % 150);
		S_put_policy(path, id, "T", "controls: [A.5.1]\n", body);
	}
	setenv("ISMSC_THREADS", "1", 1);
	assert_int_equal(S_book(NULL), 0);
	snprintf(a, sizeof(a), "%s/out.xml", S_dir);
	snprintf(b, sizeof(b), "%s/one.xml", S_dir);
	assert_int_equal(rename(a, b), 0);
	setenv("ISMSC_THREADS", "4", 1);
	assert_int_equal(S_book(NULL), 0);
	unsetenv("ISMSC_THREADS");
	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	assert_int_equal(system(cmd), 0);
	xmlDocPtr doc = S_read();
	assert_int_equal(S_count(doc, "//db:emphasis[@role='strikethrough']"), 150);
	assert_int_equal(S_count(doc, "//db:link[@xlink:href='http://www.example.com']"), 150);
	assert_int_equal(S_links_resolve(doc), 150 + 150 + 150 + 150);
	xmlFreeDoc(doc);
}

/* What the page hook saw: per doc, calls, and its tree as cmark-gfm's HTML. */
struct seen {
	pthread_mutex_t lock;
	const struct model *m;
	int *calls;
	char **html;
};

static void
S_seen(void *ctx, const struct doc *d, struct cmark_node *root)
{
	struct seen *S = ctx;
	size_t i = (size_t)(d - S->m->docs);
	char *html = root != NULL ? cmark_render_html(root, CMARK_OPT_DEFAULT, NULL) : NULL;

	pthread_mutex_lock(&S->lock);
	if (S->calls[i]++ == 0)
		S->html[i] = html;
	else
		free(html);
	pthread_mutex_unlock(&S->lock);
}

/* The site renders its pages from the trees the book parsed: each doc with
 * a body comes to the hook, on any of four threads, with its tree whole
 * (the same as a parse of its own); an empty body comes as NULL. */
static void
test_page_hook(void **state)
{
	struct options opt = {.src = S_dir, .keep_bodies = 1, .threads = 4, .quiet = 1};
	struct seen S = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL};
	struct md_parser *p = md_new();
	struct run r;
	char out[128];

	(void)state;
	S_write("isms.yaml", "name: t\n");
	for (int i = 0; i < 120; i++) {
		char path[32], id[16], body[200];
		snprintf(path, sizeof(path), "p/%03d.md", i);
		snprintf(id, sizeof(id), "POL-%03d", i);
		snprintf(body, sizeof(body), "# Head\n\nText ~~struck~~ www.example.com [[POL-%03d]] "
		    "[a](../q.md).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", (i + 1) % 120);
		S_put_policy(path, id, "T", "", i == 7 ? "" : body);
	}
	S_write("q.md", "# A page\n\n- [x] done\n");
	assert_int_equal(run_check(&r, &opt), 0);
	S.m = &r.model;
	S.calls = calloc(r.model.ndocs, sizeof(*S.calls));
	S.html = calloc(r.model.ndocs, sizeof(*S.html));
	snprintf(out, sizeof(out), "%s/out.xml", S_dir);
	assert_int_equal(docbook_write(&(struct docbook_input){&r.model, &r.sch, &r.cfg, r.as_of,
	    NULL, 4, NULL, S_seen, &S, NULL}, out), 0);
	assert_int_equal(r.model.ndocs, 121);
	for (size_t i = 0; i < r.model.ndocs; i++) {
		const struct doc *d = &r.model.docs[i];
		assert_int_equal(S.calls[i], 1);
		if (d->body_len == 0) {
			assert_null(S.html[i]);
			assert_non_null(d->entity);
			assert_string_equal(d->entity->id, "POL-007");
		} else {
			cmark_node *own = md_parse_tree(p, d->body, d->body_len);
			char *want = cmark_render_html(own, CMARK_OPT_DEFAULT, NULL);
			assert_non_null(S.html[i]);
			assert_string_equal(S.html[i], want);
			free(want);
			cmark_node_free(own);
		}
		free(S.html[i]);
	}
	/* told to stop (the site's rules found errors): no more pieces,
	 * so no more trees for the pages, and the book still returns */
	{
		int stop = 1;
		memset(S.calls, 0, r.model.ndocs * sizeof(*S.calls));
		assert_int_equal(docbook_write(&(struct docbook_input){&r.model, &r.sch, &r.cfg,
		    r.as_of, NULL, 4, NULL, S_seen, &S, &stop}, out), 0);
		for (size_t i = 0; i < r.model.ndocs; i++)
			assert_int_equal(S.calls[i], 0);
	}
	free(S.calls);
	free(S.html);
	md_free(p);
	run_free(&r);
}

/* A book planned at the model's ready hook and given each body from the
 * model's own parse. */
struct planned {
	struct run *r;
	struct docbook *db;
	int threads;
	pthread_mutex_t lock;
	int bodies;
};

static void
S_planned_ready(void *ctx, int threads)
{
	struct planned *P = ctx;
	struct run *r = P->r;

	P->threads = threads;
	P->db = docbook_new(&(struct docbook_input){&r->model, &r->sch, &r->cfg, r->as_of, NULL, 4,
	    NULL, NULL, NULL, NULL}, threads);
}

static void
S_planned_body(void *ctx, int thread, const struct doc *d, struct cmark_node *tree)
{
	struct planned *P = ctx;

	assert_true(thread >= 0 && thread < P->threads);
	docbook_body(P->db, thread, d, tree);
	pthread_mutex_lock(&P->lock);
	P->bodies++;
	pthread_mutex_unlock(&P->lock);
}

/* A file's bytes, to free. */
static char *
S_slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long len;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	s = malloc((size_t)len + 1);
	assert_int_equal(fread(s, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return s;
}

/* A build parses each body once: the book takes its sections' bodies from
 * the model's parse, on the model's threads, and is byte for byte the book
 * that parses them itself. The page hook then gets no tree for those (the
 * site has their HTML from the same parse), and still gets plain pages'.
 * Bodies of every kind: the scope (the preface, a level higher), a leading
 * h1 that repeats the title and one that does not, nested headings, lists,
 * tables, code, links and images with non-ASCII text, an empty body. */
static void
test_planned(void **state)
{
	struct planned P = {NULL, NULL, 0, PTHREAD_MUTEX_INITIALIZER, 0};
	struct model_hooks hooks = {S_planned_ready, S_planned_body, &P};
	struct options opt = {.src = S_dir, .keep_bodies = 1, .threads = 4, .quiet = 1,
	    .as_of = "2026-11-01", .hooks = &hooks};
	struct seen S = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL};
	static const char *const bodies[] = {
		"# T\n\nThe title again, left out.\n",
		"# Another head\n\nKept: it is not the title.\n",
		"Text.\n\n### Skipped a level\n\n- a\n  - [[POL-001]]\n\n## Two\n\n> quote\n",
		"| a | b |\n|---|---|\n| [[POL-002]] | `[[POL-003]]` |\n\n```\n[[NOPE]]\n```\n",
		"See [Größe](https://de.wikipedia.org/wiki/Größe) and ![i](img.png \"é\").\n",
		"1. one\n2. two\n\n---\n\n- [x] done\n- [ ] not\n",
		"",
	};
	struct run r;
	char a[128], b[128];
	char *x, *y;
	size_t nx, ny;

	(void)state;
	P.r = &r;
	S_write("isms.yaml", "name: t\n");
	S_put_policy("a/scope.md", "POL-SCOPE", "Scope", "clauses: [\"4.3\"]\n", "# Scope\n\n## In\n\nAll.\n");
	for (int i = 0; i < 70; i++) {
		char path[32], id[16];
		snprintf(path, sizeof(path), "p/%03d.md", i);
		snprintf(id, sizeof(id), "POL-%03d", i);
		S_put_policy(path, id, "T", "", bodies[i % 7]);
	}
	S_write("q.md", "# A page\n\n- [x] done [[POL-004]]\n");
	assert_int_equal(run_check(&r, &opt), 0);
	assert_int_equal(P.threads, 4);
	assert_int_equal(P.bodies, 72);
	S.m = &r.model;
	S.calls = calloc(r.model.ndocs, sizeof(*S.calls));
	S.html = calloc(r.model.ndocs, sizeof(*S.html));
	snprintf(a, sizeof(a), "%s/planned.xml", S_dir);
	snprintf(b, sizeof(b), "%s/own.xml", S_dir);
	assert_int_equal(docbook_write_planned(P.db, &(struct docbook_input){&r.model, &r.sch,
	    &r.cfg, r.as_of, NULL, 4, NULL, S_seen, &S, NULL}, a), 0);
	for (size_t i = 0; i < r.model.ndocs; i++) {
		/* one call each; a tree only for the plain page */
		assert_int_equal(S.calls[i], 1);
		if (r.model.docs[i].entity != NULL)
			assert_null(S.html[i]);
		else
			assert_non_null(S.html[i]);
		free(S.html[i]);
	}
	docbook_free(P.db);
	assert_int_equal(docbook_write(&(struct docbook_input){&r.model, &r.sch, &r.cfg, r.as_of,
	    NULL, 4, NULL, NULL, NULL, NULL}, b), 0);
	x = S_slurp(a, &nx);
	y = S_slurp(b, &ny);
	assert_int_equal(nx, ny);
	assert_memory_equal(x, y, nx);
	assert_non_null(strstr(x, "wiki/Gr%C3%B6%C3%9Fe\">Größe</link>"));
	assert_non_null(strstr(x, "<preface"));
	free(x);
	free(y);
	free(S.calls);
	free(S.html);
	run_free(&r);
}

static void
test_write_fails(void **state)
{
	struct options opt = {.src = S_dir, .keep_bodies = 1, .threads = 1, .quiet = 1};
	struct run r;
	char out[128];

	(void)state;
	S_write("isms.yaml", "name: t\n");
	assert_int_equal(run_check(&r, &opt), 0);
	snprintf(out, sizeof(out), "%s/no/such/folder/out.xml", S_dir);
	errno = 0;
	assert_int_equal(docbook_write(&(struct docbook_input){&r.model, &r.sch, &r.cfg, r.as_of, NULL, 1, NULL,
	    NULL, NULL, NULL}, out), -1);
	assert_int_equal(errno, ENOENT);
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root_and_info, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_links_resolve, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_sections_nested, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_markdown, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_hostile, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_threads, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_page_hook, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_planned, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_write_fails, S_setup, S_teardown),
	};
	int rc = cmocka_run_group_tests_name("docbook", tests, NULL, NULL);

	xmlCleanupParser();
	return rc;
}
