/* site.c — the manual as a static site. Each page's data is built as a
 * JSON value (libjansson) and rendered with a Mustache template; entity and
 * plain pages are rendered on several threads, the rest on one. */
#include "site.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "check.h"
#include "diagfmt.h"
#include "docbook.h"
#include "hash.h"
#include "mandatory.h"
#include "markdown.h"
#include "mustache.h"
#include "output.h"
#include "pack.h"
#include "xalloc.h"

enum tpl { T_LAYOUT, T_INDEX, T_ENTITY, T_PAGE, T_LIST, T_SOA, T_MATRIX, T_RISKS, T_DOCUMENTED,
	T__N };

static const char *const S_tplname[T__N] = {
	"layout", "index", "entity", "page", "list", "soa", "matrix", "risks", "documented",
};

/* ids the templates use themselves: a heading of that name gets another
 * anchor (name-1), as a repeated heading does */
static const char *const S_reserved[] = {
	"main", "search", "search-help", "search-results", "search-status", "scope", "policy",
	"dashboard", "dashboard-h", "referrers-h", "card-soa-h", "card-risks-h", "card-overdue-h",
	"card-objectives-h", "card-improvement-h", "card-documented-h", "history-h", NULL,
};

struct site {
	struct run *r;
	const struct model *m;
	const struct config *cfg;
	const struct schemas *sch;
	struct output out;
	const char *tdirs[2];         /* the project's templates, then the compiler's */
	struct mu_template *t[T__N];
	json_t *base;                 /* {site: {...}}: the bottom of every context stack */
	char **href;                  /* doc index -> its page, relative to the root, or NULL */
	char **search;                /* doc index -> its search entry (compact JSON), or NULL */
	char **file;                  /* doc index -> its page's file (href, not encoded) */
	json_t **links;               /* doc index -> the link to its entity (S_elink), or NULL */
	json_t **clinks;              /* catalogue control -> its link (S_clink_new) */
	struct mu_val *vclinks;       /* the same as values, in varena, borrowing clinks */
	struct mu_val *vlinks;        /* the same as values (S_velink), in varena, borrowing links */
	struct arena varena;
	struct kindinfo *kinds;       /* kinds present, in schema order */
	size_t nkinds;
	json_t **navs;                /* kind index -> the nav of its pages; [nkinds]: plain pages */
	struct mu_val vbase, *vnavs;  /* base and navs as values, in varena */
	char **copies;                /* files of the tree to copy (images, attachments) */
	size_t ncopies, capcopies;
	pthread_mutex_t lock;         /* copies, from the threads */
	size_t next;                  /* the next doc for a thread */
	unsigned char *done;          /* doc index -> its page is written (from the book's parse) */
	struct md_parser *render;     /* lends its extensions to md_html_tree; never parses */
	struct docbook *book_plan;    /* the book planned at site_open, or NULL */
	char **html;                  /* doc index -> its body's HTML from the model's parse, or NULL */
	size_t *htmllen;
	char dberr[256];              /* why isms.xml could not be written */
	struct mandatory_item mand[MANDATORY_N]; /* documented information, found once */
	const struct site_options *so;
	char *tdir;                   /* the compiler's templates */
	pthread_t book;               /* the book's thread, when booked */
	int booked;
	int failed;                   /* also tells the book to stop */
};

#define DOCUMENTED_HTML "documented-information.html"

struct kindinfo {
	const struct kinddef *k;
	const char *href;             /* its list page */
	size_t count;
};

/* ---- small helpers --------------------------------------------------------- */

/* A path of the tree as a URL path: bytes other than letters, digits and
 * "/._-~" percent-encoded (a plain page may be called "a #1.md"). */
static char *
S_urlenc(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(path) * 3 + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._-~", *p) != NULL) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* Mark the build failed; from any thread. */
static void
S_failed(struct site *s)
{
	__atomic_store_n(&s->failed, 1, __ATOMIC_RELAXED);
}

static size_t
S_docno(const struct site *s, const struct doc *d)
{
	return (size_t)(d - s->m->docs);
}

static const char *
S_entity_title(const struct site *s, const struct entity *e)
{
	const char *t = entity_title(e, &s->sch->cat);

	return t != NULL ? t : e->id;
}

static int
S_excluded(const struct site *s, const struct entity *e)
{
	return s->href[S_docno(s, e->doc)] == NULL;
}

/* Whether path is the file of an entity that publish: leaves out: the
 * diagnostics at it would tell what it holds (a title, a link target),
 * so the published isms.json leaves them out too. */
static int
S_hidden_file(const struct site *s, const char *path)
{
	const struct doc *d = model_doc(s->m, path);

	return d != NULL && d->entity != NULL && S_excluded(s, d->entity);
}

static json_t *
S_jstr(const char *str)
{
	json_t *j = str != NULL ? json_string(str) : NULL;

	return j != NULL ? j : json_string("");
}

/* A link value {id, text, title, href?} to an entity: one per entity,
 * made with S_elink_new before the threads start and shared (jansson
 * counts references atomically; no one changes a link once made). */
static json_t *
S_elink(const struct site *s, const struct entity *e)
{
	return json_incref(s->links[S_docno(s, e->doc)]);
}

static json_t *
S_elink_new(const struct site *s, const struct entity *e)
{
	const char *href = s->href[S_docno(s, e->doc)];
	json_t *j = json_object();

	json_object_set_new_nocheck(j, "id", json_string_nocheck(e->id));
	json_object_set_new_nocheck(j, "text", json_string_nocheck(e->id));
	json_object_set_new_nocheck(j, "title", href != NULL ? S_jstr(S_entity_title(s, e)) :
	    json_string_nocheck(""));
	if (href != NULL)
		json_object_set_new_nocheck(j, "href", json_string_nocheck(href));
	return j;
}

/* A link value to a catalogue control: its decision's page, or its SoA
 * row; made once per control in S_begin (s->clinks). */
static json_t *
S_clink_new(const struct site *s, int cat)
{
	const struct catalog_control *c = &s->sch->cat.v[cat];
	const struct entity *e = s->m->cat_decision[cat];
	char *href;
	json_t *j;

	if (e != NULL)
		return S_elink(s, e);
	href = xasprintf("soa.html#control-%s", c->id);
	j = json_pack("{s:s, s:s, s:o, s:s}", "id", c->id, "text", c->id, "title",
	    S_jstr(c->title), "href", href);
	free(href);
	return j;
}

static json_t *
S_reflink(const struct site *s, const struct ref *r)
{
	if (r->to != NULL)
		return S_elink(s, r->to);
	if (r->cat >= 0)
		return json_incref(s->clinks[r->cat]);
	return json_pack("{s:s, s:s, s:s}", "id", r->id, "text", r->id, "title", "");
}

/* ---- the same as values for the pages of entities ------------------------- */

/* A string of the model (UTF-8, checked when read) as a value; NULL: "". */
static struct mu_val
S_vstr(const char *str)
{
	return str != NULL ? mu_str(str) : mu_strn("", 0);
}

static struct mu_val
S_velink(const struct site *s, const struct entity *e)
{
	return s->vlinks[S_docno(s, e->doc)];
}

static struct mu_val
S_vreflink(const struct site *s, struct arena *a, const struct ref *r)
{
	struct mu_val v;

	if (r->to != NULL)
		return S_velink(s, r->to);
	if (r->cat >= 0)
		return s->vclinks[r->cat];
	v = mu_map(a);
	mu_set(a, v, "id", mu_str(r->id));
	mu_set(a, v, "text", mu_str(r->id));
	mu_set(a, v, "title", mu_strn("", 0));
	return v;
}

static char *
S_rootof(const char *href)
{
	size_t depth = 0;
	char *root;

	for (const char *p = href; *p != '\0'; p++)
		depth += *p == '/';
	root = xmalloc(depth * 3 + 1);
	for (size_t i = 0; i < depth; i++)
		memcpy(root + i * 3, "../", 3);
	root[depth * 3] = '\0';
	return root;
}

/* ---- templates ------------------------------------------------------------- */

enum { TEMPLATE_LIMIT = 16 << 20 };

/* A template file of --templates DIR: a regular file (a FIFO would block),
 * read whole; NULL when it is not one, cannot be read or is over
 * TEMPLATE_LIMIT. */
static char *
S_readfile(const char *path, size_t *len)
{
	char *text;

	return source_read_at(AT_FDCWD, path, &text, len, TEMPLATE_LIMIT) == SOURCE_OK ? text : NULL;
}

/* name.mustache from the project's templates (a folder of the source tree,
 * read through the source, or --templates DIR), else the compiler's. */
static char *
S_loader(void *ctx, const char *name, size_t *len)
{
	struct site *s = ctx;
	const char *tree = s->so->tree_templates;
	char *path, *text = NULL;

	if (strchr(name, '/') != NULL || name[0] == '.' || name[0] == '\0')
		return NULL;
	if (s->tdirs[0] == NULL && tree != NULL) {
		path = xasprintf("%s%s%s.mustache", tree, tree[0] != '\0' ? "/" : "", name);
		if (!source_has_file(&s->r->src, path) ||
		    source_read(&s->r->src, path, &text, len, TEMPLATE_LIMIT) != SOURCE_OK)
			text = NULL;
		free(path);
		if (text != NULL)
			return text;
	}
	for (int i = 0; i < 2; i++) {
		if (s->tdirs[i] == NULL)
			continue;
		path = xasprintf("%s/%s.mustache", s->tdirs[i], name);
		text = S_readfile(path, len);
		free(path);
		if (text != NULL)
			return text;
	}
	return NULL;
}

static int
S_templates(struct site *s, int loud)
{
	for (int i = 0; i < T__N; i++) {
		char err[256];
		size_t len;
		char *text = S_loader(s, S_tplname[i], &len);
		if (text == NULL) {
			if (loud)
				fprintf(stderr, "ismsc: template %s.mustache not found\n", S_tplname[i]);
			return -1;
		}
		s->t[i] = mu_compile(text, len, S_loader, s, err, sizeof(err));
		free(text);
		if (s->t[i] == NULL) {
			if (loud)
				fprintf(stderr, "ismsc: template %s.mustache:%s\n", S_tplname[i], err);
			return -1;
		}
	}
	return 0;
}

/* Render page template t with ctx, then the layout around it, with the
 * page's HTML as "content" (in a frame above ctx, not copied), and write it.
 * a holds the frame; NULL: an arena of its own. */
static void
S_page_vals(struct site *s, enum tpl t, struct mu_val ctx, const char *href, struct mu_buf *b,
    struct arena *a)
{
	struct mu_val stack[3] = {s->vbase, ctx, mu_null()};
	struct mu_buf content = {NULL, 0, 0};
	struct arena own;
	int rc;

	if (a == NULL)
		arena_init(a = &own);
	b->len = 0;
	mu_buf_reserve(&content, 32768); /* most pages fit: no growing on the way */
	if ((rc = mu_render_vals(s->t[t], stack, 2, &content)) == MU_OK) {
		stack[2] = mu_map(a);
		mu_set(a, stack[2], "content", mu_strn(content.s, content.len));
		mu_buf_reserve(b, content.len + 16384);
		rc = mu_render_vals(s->t[T_LAYOUT], stack, 3, b);
	}
	mu_buf_free(&content);
	if (a == &own)
		arena_free(&own);
	if (rc != MU_OK) {
		if (!__atomic_exchange_n(&s->failed, 1, __ATOMIC_RELAXED))
			snprintf(s->out.err, sizeof(s->out.err), "cannot render %s: %s", href,
			    mu_strerror(rc));
		return;
	}
	if (output_write(&s->out, href, b->s != NULL ? b->s : "", b->len) != 0)
		S_failed(s);
}

static void
S_page(struct site *s, enum tpl t, json_t *ctx, const char *href, struct mu_buf *b)
{
	S_page_vals(s, t, mu_json(ctx), href, b, NULL);
}

/* The navigation of a page: current is the kind whose page it is, or NULL. */
static json_t *
S_nav(const struct site *s, const char *href, const char *current)
{
	json_t *nav = json_array();

	json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "title", "Home", "href",
	    "index.html", "current", strcmp(href, "index.html") == 0));
	for (size_t i = 0; i < s->nkinds; i++) {
		const struct kindinfo *k = &s->kinds[i];
		int cur = current != NULL && strcmp(current, k->k->name) == 0;
		json_array_append_new(nav, json_pack("{s:o, s:s, s:b}", "title",
		    S_jstr(k->k->plural), "href", k->href, "current", cur));
	}
	json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "title", "SoA", "href", "soa.html",
	    "current", strcmp(href, "soa.html") == 0));
	json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "title", "Matrix", "href",
	    "matrix.html", "current", strcmp(href, "matrix.html") == 0));
	return nav;
}

/* The values every page has: root, page, nav. Entity and plain pages share
 * one navigation per kind, made before the threads start. */
static json_t *
S_ctx(const struct site *s, const char *href, const char *title, const char *kind,
    const char *id, const char *current)
{
	json_t *ctx = json_object(), *nav = NULL; /* shared: jansson counts references atomically */
	char *root = S_rootof(href);

	json_object_set_new(ctx, "root", json_string(root));
	free(root);
	json_object_set_new(ctx, "page", json_pack("{s:o, s:s, s:o}", "title", S_jstr(title),
	    "kind", kind, "id", S_jstr(id)));
	if (strcmp(kind, "entity") == 0 || strcmp(kind, "page") == 0) {
		for (size_t i = 0; current != NULL && i < s->nkinds; i++)
			if (strcmp(s->kinds[i].k->name, current) == 0)
				nav = s->navs[i];
		if (current == NULL)
			nav = s->navs[s->nkinds];
	}
	if (nav != NULL)
		json_object_set(ctx, "nav", nav);
	else
		json_object_set_new(ctx, "nav", S_nav(s, href, current));
	return ctx;
}

/* S_ctx for the pages of entities and plain pages, in a. */
static struct mu_val
S_vctx(const struct site *s, struct arena *a, const char *href, const char *title,
    const char *kind, const char *id, const char *current)
{
	struct mu_val ctx = mu_map(a), page = mu_map(a);
	struct mu_val nav = s->vnavs[s->nkinds];
	char *root = S_rootof(href);

	mu_set(a, ctx, "root", mu_strdup(a, root));
	free(root);
	mu_set(a, page, "title", S_vstr(title));
	mu_set(a, page, "kind", mu_str(kind));
	mu_set(a, page, "id", S_vstr(id));
	mu_set(a, ctx, "page", page);
	for (size_t i = 0; current != NULL && i < s->nkinds; i++)
		if (strcmp(s->kinds[i].k->name, current) == 0)
			nav = s->vnavs[i];
	mu_set(a, ctx, "nav", nav);
	return ctx;
}

/* ---- bodies ---------------------------------------------------------------- */

struct bodyctx {
	struct site *s;
	const struct doc *doc;
	const char *root;
	const char *id_prefix;        /* its headings' ids begin "PREFIX-", or NULL */
	char buf[8192];               /* the last href made */
};

static int
S_body_ref(void *ctx, const char *id, const char **href, const char **title)
{
	struct bodyctx *B = ctx;
	const struct entity *e = model_find(B->s->m, id);
	int cat;

	if (e != NULL) {
		const char *h = B->s->href[S_docno(B->s, e->doc)];
		if (h == NULL)
			return 0;
		snprintf(B->buf, sizeof(B->buf), "%s%s", B->root, h);
		*href = B->buf;
		*title = S_entity_title(B->s, e);
		return 1;
	}
	if ((cat = catalog_find(&B->s->sch->cat, id)) >= 0) {
		snprintf(B->buf, sizeof(B->buf), "%ssoa.html#control-%s", B->root,
		    B->s->sch->cat.v[cat].id);
		*href = B->buf;
		*title = B->s->sch->cat.v[cat].title;
		return 1;
	}
	return 0;
}

static void
S_copy_later(struct site *s, const char *path)
{
	pthread_mutex_lock(&s->lock);
	xgrow(&s->copies, &s->capcopies, s->ncopies + 1, sizeof(*s->copies));
	s->copies[s->ncopies++] = xstrdup(path);
	pthread_mutex_unlock(&s->lock);
}

/* A relative link to a file of the tree: to its page (a Markdown file), or
 * to its copy under assets/files/ (anything else). */
static const char *
S_body_url(void *ctx, const char *url, int image)
{
	struct bodyctx *B = ctx;
	char path[2048];
	const char *frag = strpbrk(url, "#?");
	const struct doc *d;

	/* #heading of the same body: on the home page its id has a prefix */
	if (url[0] == '#' && url[1] != '\0' && B->id_prefix != NULL) {
		snprintf(B->buf, sizeof(B->buf), "#%s-%s", B->id_prefix, url + 1);
		return B->buf;
	}
	if (link_resolve(B->doc->path, url, path, sizeof(path)) != 1)
		return NULL;
	if (path[0] == '\0') {
		snprintf(B->buf, sizeof(B->buf), "%s", frag != NULL && *frag == '#' ? frag : "");
		return B->buf;
	}
	if ((d = model_doc(B->s->m, path)) != NULL) {
		const char *h = B->s->href[S_docno(B->s, d)];
		if (h == NULL || image)
			return ""; /* hidden, or a document as an image: its text alone */
		snprintf(B->buf, sizeof(B->buf), "%s%s%s", B->root, h,
		    frag != NULL && *frag == '#' ? frag : "");
		return B->buf;
	}
	if (!source_has_file(&B->s->r->src, path))
		return source_has(&B->s->r->src, path) ? "" : NULL; /* a folder has no page */
	S_copy_later(B->s, path);
	{
		char *enc = S_urlenc(path);
		snprintf(B->buf, sizeof(B->buf), "%sassets/files/%s", B->root, enc);
		free(enc);
	}
	return B->buf;
}

/* d's body as HTML: parsed with p, or rendered from the tree docbook.c
 * parsed when tree is not NULL (*tree is NULL for an empty body). */
static char *
S_render_body(struct site *s, struct md_parser *p, struct cmark_node *const *tree,
    const struct doc *d, const char *root, const char *id_prefix, size_t *len)
{
	struct bodyctx B = {s, d, root, id_prefix, {0}};
	struct md_html h = {S_body_ref, S_body_url, &B, S_reserved, id_prefix};
	size_t i = S_docno(s, d);
	char *html;

	if (s->html != NULL && s->html[i] != NULL && id_prefix == NULL) {
		/* rendered from the model's parse (site_body): taken once */
		html = s->html[i];
		*len = s->htmllen[i];
		s->html[i] = NULL;
		return html;
	}
	if (tree != NULL)
		return md_html_tree(s->render, *tree, d->body, d->body_len, &h, len);
	if (d->body == NULL) {
		*len = 0;
		return xstrdup("");
	}
	return md_html(p, d->body, d->body_len, &h, len);
}

/* The first words of a page's text, from its HTML, for the search index. */
static json_t *
S_excerpt(const char *html, size_t n)
{
	enum { MAX = 300 };
	char out[MAX + 8];
	size_t o = 0;
	int tag = 0, space = 1;

	for (size_t i = 0; i < n && o < MAX; i++) {
		char c = html[i];
		if (tag) {
			tag = c != '>';
			continue;
		}
		if (c == '<') {
			tag = 1;
			c = ' ';
		} else if (c == '&') {
			static const struct { const char *e; char c; } ent[] = {
				{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''},
			};
			for (size_t k = 0; k < sizeof(ent) / sizeof(*ent); k++)
				if (strncmp(html + i, ent[k].e, strlen(ent[k].e)) == 0) {
					c = ent[k].c;
					i += strlen(ent[k].e) - 1;
					break;
				}
		}
		if (c == ' ' || c == '\n' || c == '\t') {
			if (!space)
				out[o++] = ' ';
			space = 1;
			continue;
		}
		out[o++] = c;
		space = 0;
	}
	while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
		o--; /* a cut character: drop its continuation bytes ... */
	if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
		o--; /* ... and its lead byte */
	while (o > 0 && out[o - 1] == ' ')
		o--;
	return json_stringn(out, o);
}

/* ---- entity pages ---------------------------------------------------------- */

/* The references of e's field f, as links. */
static json_t *
S_ref_links(const struct site *s, const struct entity *e, const struct fielddef *f)
{
	json_t *v = json_array();

	for (size_t i = 0; i < e->doc->nrefs; i++)
		if (e->doc->refs[i].field == f)
			json_array_append_new(v, S_reflink(s, &e->doc->refs[i]));
	return v;
}

static int
S_skip_fact(const char *name)
{
	return strcmp(name, "id") == 0 || strcmp(name, "kind") == 0 || strcmp(name, "title") == 0;
}

/* One value of a field that is not a reference, {text}, marked "enum"
 * when isenum, added to list. */
static void
S_vtext(struct arena *a, struct mu_val list, const char *text, int isenum)
{
	struct mu_val o = mu_map(a);

	mu_set(a, o, "text", S_vstr(text));
	if (isenum)
		mu_set(a, o, "enum", mu_bool(1));
	mu_add(a, list, o);
}

/* The values of such a field, in a: a scalar, each item of a list (a
 * mapping in it as "key: value, ..."), or "key: value" for each pair of a
 * mapping. */
static struct mu_val
S_vscalar_values(struct arena *a, const struct ynode *n, int isenum)
{
	struct mu_val v = mu_list(a);

	if (n->type == YNODE_SCALAR) {
		S_vtext(a, v, n->str, isenum);
	} else if (n->type == YNODE_SEQ) {
		for (size_t i = 0; i < n->n; i++) {
			const struct ynode *x = n->kids[i];
			if (x->type == YNODE_SCALAR) {
				S_vtext(a, v, x->str, isenum);
			} else if (x->type == YNODE_MAP) {
				/* a list of maps (measurements): "key: value, key: value" */
				size_t len = 0, cap = 0;
				char *t = NULL;
				for (size_t k = 0; k + 1 < x->n; k += 2) {
					const struct ynode *kk = x->kids[k], *vv = x->kids[k + 1];
					const char *vs = vv->type == YNODE_SCALAR ? vv->str : "...";
					size_t need = strlen(kk->str) + strlen(vs) + 5;
					xgrow(&t, &cap, len + need + 1, 1);
					len += (size_t)sprintf(t + len, "%s%s: %s", k ? ", " : "", kk->str, vs);
				}
				S_vtext(a, v, t != NULL ? arena_strdup(a, t) : "", isenum);
				free(t);
			}
		}
	} else if (n->type == YNODE_MAP) {
		for (size_t k = 0; k + 1 < n->n; k += 2) {
			const struct ynode *vv = n->kids[k + 1];
			S_vtext(a, v, arena_printf(a, "%s: %s", n->kids[k]->str,
			    vv->type == YNODE_SCALAR ? vv->str : "..."), isenum);
		}
	}
	return v;
}

/* The references of e's field f, as values with links, in a. */
static struct mu_val
S_vref_values(const struct site *s, struct arena *a, const struct entity *e,
    const struct fielddef *f, int isenum)
{
	struct mu_val v = mu_list(a);
	const struct doc *d = e->doc;

	for (size_t i = 0; i < d->nrefs; i++) {
		const struct ref *r = &d->refs[i];
		struct mu_val o;
		if (r->field != f)
			continue;
		o = mu_map(a);
		mu_set(a, o, "text", mu_str(r->id));
		mu_set(a, o, "link", S_vreflink(s, a, r));
		if (isenum)
			mu_set(a, o, "enum", mu_bool(1));
		mu_add(a, v, o);
	}
	return v;
}

/* One row of an entity's facts, in a. */
static void
S_vfact(const struct site *s, struct arena *a, const struct entity *e, const char *name,
    const struct ynode *val, struct mu_val facts)
{
	const struct fielddef *f = e->kind != NULL ? kind_field(e->kind, name) : NULL;
	int isref = f != NULL && (f->type == FT_REF || (f->type == FT_LIST && f->of == FT_REF));
	int isenum = f != NULL && f->enumv != NULL;
	struct mu_val fact;
	char *label;

	if (ynode_is_null(val))
		return;
	/* "residual_likelihood" -> "Residual likelihood" */
	label = arena_strdup(a, name);
	for (char *c = label; *c != '\0'; c++)
		if (*c == '_')
			*c = ' ';
	if (label[0] >= 'a' && label[0] <= 'z')
		label[0] = (char)(label[0] - 'a' + 'A');
	fact = mu_map(a);
	mu_set(a, fact, "name", mu_str(name));
	mu_set(a, fact, "label", mu_str(label));
	mu_set(a, fact, "values", isref ? S_vref_values(s, a, e, f, isenum) :
	    S_vscalar_values(a, val, isenum));
	mu_add(a, facts, fact);
}

static const char *
S_level(const struct site *s, long score)
{
	return config_risk_level(s->cfg, score)->name;
}

static int
S_int(const struct entity *e, const char *field, long *v)
{
	const struct ynode *n = entity_get(e, field);

	return n != NULL && yvalue_int(n, v) == 0;
}

static json_t *
S_risk(const struct site *s, const struct entity *e)
{
	long l, i, rl, ri, score;
	json_t *j;

	if (!S_int(e, "likelihood", &l) || !S_int(e, "impact", &i))
		return NULL;
	score = config_risk_score(s->cfg, l, i);
	j = json_pack("{s:I, s:I, s:I, s:s, s:I}", "likelihood", (json_int_t)l, "impact",
	    (json_int_t)i, "inherent", (json_int_t)score, "level", S_level(s, score), "appetite",
	    (json_int_t)s->cfg->risk_appetite);
	if (S_int(e, "residual_likelihood", &rl) && S_int(e, "residual_impact", &ri)) {
		long r = config_risk_score(s->cfg, rl, ri);
		json_object_set_new(j, "residual", json_integer(r));
		json_object_set_new(j, "residual_level", json_string(S_level(s, r)));
	}
	return j;
}

static void
S_svg_text(struct mu_buf *b, const char *s)
{
	mu_buf_put_html(b, s, strlen(s));
}

static void
S_bprintf(struct mu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
S_bprintf(struct mu_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		mu_buf_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* An objective's measurements against its target, as a small line chart. */
static json_t *
S_chart(const struct entity *e)
{
	const struct ynode *ms = entity_get(e, "measurements"), *tg = entity_get(e, "target");
	double v[64], target = 0, lo, hi;
	const char *dates[64];
	size_t n = 0;
	int has_target = tg != NULL && yvalue_number(tg, &target) == 0;
	struct mu_buf b = {NULL, 0, 0};
	json_t *j;
	enum { W = 480, H = 200, L = 48, R = 16, T = 16, B = 32 };

	if (ms == NULL || ms->type != YNODE_SEQ)
		return NULL;
	for (size_t i = 0; i < ms->n && n < 64; i++) {
		const struct ynode *val = ynode_get(ms->kids[i], "value"),
		                   *dt = ynode_get(ms->kids[i], "date");
		if (val != NULL && yvalue_number(val, &v[n]) == 0 && isfinite(v[n])) {
			dates[n] = dt != NULL && dt->type == YNODE_SCALAR ? dt->str : "";
			n++;
		}
	}
	if (n == 0)
		return NULL;
	lo = hi = has_target ? target : v[0];
	for (size_t i = 0; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	if (hi - lo < 1e-9) {
		hi += 1;
		lo -= 1;
	}
	if (!isfinite(hi - lo) || (has_target && !isfinite(target)))
		return NULL; /* values too far apart to draw (1e308 and -1e308) */
#define X(i) (L + (n > 1 ? (double)(i) * (W - L - R) / (double)(n - 1) : (W - L - R) / 2.0))
#define Y(x) (T + (hi - (x)) * (H - T - B) / (hi - lo))
	S_bprintf(&b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"measurements against the target\" xmlns=\"http://www.w3.org/2000/svg\">",
	    W, H);
	S_bprintf(&b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, H - B,
	    W - R, H - B);
	S_bprintf(&b, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>", L - 6,
	    Y(hi) + 4, hi);
	S_bprintf(&b, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>", L - 6,
	    Y(lo) + 4, lo);
	if (has_target)
		S_bprintf(&b, "<line class=\"target\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\">"
		    "<title>target %g</title></line>", L, Y(target), W - R, Y(target), target);
	mu_buf_put(&b, "<polyline class=\"series\" points=\"", 33);
	for (size_t i = 0; i < n; i++)
		S_bprintf(&b, "%s%.1f,%.1f", i ? " " : "", X(i), Y(v[i]));
	mu_buf_put(&b, "\"/>", 3);
	for (size_t i = 0; i < n; i++) {
		S_bprintf(&b, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", X(i),
		    Y(v[i]));
		S_svg_text(&b, dates[i]);
		S_bprintf(&b, ": %g</title></circle>", v[i]);
	}
	if (n > 0) {
		mu_buf_put(&b, "<text class=\"tick\" x=\"", 22);
		S_bprintf(&b, "%d\" y=\"%d\">", L, H - 10);
		S_svg_text(&b, dates[0]);
		mu_buf_put(&b, "</text>", 7);
		S_bprintf(&b, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", W - R,
		    H - 10);
		S_svg_text(&b, dates[n - 1]);
		mu_buf_put(&b, "</text>", 7);
	}
	mu_buf_put(&b, "</svg>", 6);
#undef X
#undef Y
	j = json_stringn(b.s, b.len);
	mu_buf_free(&b);
	return j;
}

/* A policy's or procedure's change history from git (clause 7.5): rows
 * newest first, or why there are none. */
static json_t *
S_history(const struct site *s, const struct entity *e)
{
	const struct history *h = &s->r->hist;
	const struct doc_history *dh = history_doc(h, s->m, e->doc);
	json_t *rows = json_array(), *j;

	for (size_t i = 0; dh != NULL && i < dh->n; i++)
		json_array_append_new(rows, json_pack("{s:s, s:o, s:o, s:s}", "date", dh->v[i]->date,
		    "author", S_jstr(dh->v[i]->author), "subject", S_jstr(dh->v[i]->subject), "commit",
		    dh->v[i]->short_id));
	j = json_pack("{s:o, s:i}", "rows", rows, "older", dh != NULL ? (int)(dh->total - dh->n) : 0);
	if (!h->checked) {
		char *why = xasprintf("No change history: the source %s.", h->reason);
		json_object_set_new(j, "none", json_string(why));
		free(why);
	} else if (dh == NULL || dh->n == 0) {
		json_object_set_new(j, "none", json_string("No commit has changed this file yet."));
	}
	return j;
}

/* d's entry in the search index, dumped here, on the page's thread (a
 * value jansson refused, not UTF-8, has none). */
static void
S_search_entry(struct site *s, const struct doc *d, json_t *entry)
{
	s->search[S_docno(s, d)] = entry != NULL ?
	    json_dumps(entry, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(entry);
}

/* An entity's page. Its values are built in an arena of the page's, and
 * borrow the model's strings and the body's HTML. */
static void
S_entity_page(struct site *s, struct md_parser *p, struct cmark_node *const *tree,
    const struct entity *e, struct mu_buf *b)
{
	const char *href = s->href[S_docno(s, e->doc)];
	const char *title = S_entity_title(s, e);
	char *root = S_rootof(href), *body;
	size_t blen;
	struct arena a;
	struct mu_val ctx, facts, refs, ent;
	const struct ynode *fm = e->fm;
	const struct fielddef **fields = NULL; /* of the referring document */
	size_t capf = 0;
	json_t *x[3] = {NULL, NULL, NULL};

	arena_init(&a);
	ctx = S_vctx(s, &a, href, title, "entity", e->id, e->kind->name);
	ent = mu_map(&a);
	mu_set(&a, ent, "id", mu_str(e->id));
	mu_set(&a, ent, "kind", mu_str(e->kind->name));
	mu_set(&a, ent, "kind_title", mu_str(e->kind->name));
	mu_set(&a, ent, "title", S_vstr(title));
	mu_set(&a, ent, "path", mu_str(e->doc->path));
	mu_set(&a, ent, "line", mu_int(e->id_node != NULL ? e->id_node->line : 1));
	mu_set(&a, ctx, "entity", ent);
	/* facts: the schema's fields in its order, then the project's others */
	facts = mu_list(&a);
	for (size_t i = 0; i < e->kind->n; i++) {
		const struct fielddef *f = e->kind->fields[i];
		const struct ynode *v = entity_get(e, f->name);
		if (v != NULL && !S_skip_fact(f->name))
			S_vfact(s, &a, e, f->name, v, facts);
	}
	for (size_t i = 0; fm != NULL && i + 1 < fm->n; i += 2) {
		const char *k = fm->kids[i]->str;
		if (kind_field(e->kind, k) == NULL && !S_skip_fact(k))
			S_vfact(s, &a, e, k, fm->kids[i + 1], facts);
	}
	mu_set(&a, ctx, "facts", facts);
	body = S_render_body(s, p, tree, e->doc, root, NULL, &blen);
	mu_set(&a, ctx, "body", mu_strn(body, blen));
	S_search_entry(s, e->doc, json_pack("{s:o, s:s, s:s, s:s, s:o}", "title", S_jstr(title),
	    "kind", e->kind->name, "id", e->id, "href", href, "text", S_excerpt(body, blen)));
	/* referred to by: one line per referring document and field, plain
	 * pages included; a document's references are adjacent, and its fields
	 * seen are few (the schema's) */
	refs = mu_list(&a);
	for (size_t i = 0, nf = 0; i < e->in.n; i++) {
		const struct ref *r = e->in.v[i];
		const struct entity *from = r->from->entity;
		size_t k = S_docno(s, r->from), j;
		struct mu_val o;
		if (i == 0 || e->in.v[i - 1]->from != r->from)
			nf = 0;
		for (j = 0; j < nf && fields[j] != r->field; j++)
			;
		if (j < nf)
			continue;
		xgrow(&fields, &capf, nf + 1, sizeof(*fields));
		fields[nf++] = r->field;
		if (s->href[k] == NULL)
			continue; /* left out of the manual: not even its id */
		o = mu_map(&a);
		mu_set(&a, o, "link", s->vlinks[k]);
		mu_set(&a, o, "kind", mu_str(from != NULL ? from->kind->name : "page"));
		mu_set(&a, o, "field", mu_str(r->field != NULL ? r->field->name : "text"));
		mu_add(&a, refs, o);
	}
	mu_set(&a, ctx, "referrers", refs);
	free(fields);
	if (strcmp(e->kind->name, "policy") == 0 || strcmp(e->kind->name, "procedure") == 0)
		mu_set(&a, ctx, "history", mu_json(x[0] = S_history(s, e)));
	if (strcmp(e->kind->name, "risk") == 0 && (x[1] = S_risk(s, e)) != NULL)
		mu_set(&a, ctx, "risk", mu_json(x[1]));
	if (strcmp(e->kind->name, "objective") == 0 && (x[2] = S_chart(e)) != NULL)
		mu_set(&a, ctx, "chart", mu_json(x[2]));
	if (e->cat >= 0) {
		const struct catalog_control *c = &s->sch->cat.v[e->cat];
		struct mu_val ctl = mu_map(&a);
		mu_set(&a, ctl, "catalog_id", mu_str(c->id));
		mu_set(&a, ctl, "catalog_title", mu_str(c->title));
		mu_set(&a, ctl, "theme", mu_str(c->theme));
		mu_set(&a, ctx, "control", ctl);
	}
	S_page_vals(s, T_ENTITY, ctx, href, b, &a);
	for (int i = 0; i < 3; i++)
		json_decref(x[i]);
	arena_free(&a);
	free(body);
	free(root);
}

static void
S_plain_page(struct site *s, struct md_parser *p, struct cmark_node *const *tree,
    const struct doc *d, struct mu_buf *b)
{
	const char *href = s->href[S_docno(s, d)];
	const char *title = d->title != NULL ? d->title : d->path;
	char *root = S_rootof(href), *body;
	size_t blen;
	struct arena a;
	struct mu_val ctx;

	arena_init(&a);
	ctx = S_vctx(s, &a, href, title, "page", NULL, NULL);
	body = S_render_body(s, p, tree, d, root, NULL, &blen);
	mu_set(&a, ctx, "title", S_vstr(title));
	mu_set(&a, ctx, "path", mu_str(d->path));
	mu_set(&a, ctx, "body", mu_strn(body, blen));
	S_search_entry(s, d, json_pack("{s:o, s:s, s:s, s:s, s:o}", "title", S_jstr(title),
	    "kind", "page", "id", "", "href", href, "text", S_excerpt(body, blen)));
	S_page_vals(s, T_PAGE, ctx, s->file[S_docno(s, d)], b, &a);
	arena_free(&a);
	free(body);
	free(root);
}

static void *
S_worker(void *arg)
{
	struct site *s = arg;
	struct md_parser *p = md_new();
	struct mu_buf b = {NULL, 0, 0};

	for (;;) {
		size_t i = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED);
		const struct doc *d;
		if (i >= s->m->ndocs || __atomic_load_n(&s->failed, __ATOMIC_RELAXED))
			break;
		d = &s->m->docs[i];
		if (s->href[i] == NULL || s->done[i])
			continue;
		if (d->entity != NULL)
			S_entity_page(s, p, NULL, d->entity, &b);
		else
			S_plain_page(s, p, NULL, d, &b);
	}
	mu_buf_free(&b);
	md_free(p);
	return NULL;
}

/* docbook.c is done with d's tree: d's page from it, on the book's thread,
 * so that each body is parsed once for both. */
static void
S_book_page(void *ctx, const struct doc *d, struct cmark_node *root)
{
	struct site *s = ctx;
	size_t i = S_docno(s, d);
	struct mu_buf b = {NULL, 0, 0};

	if (root == NULL && d->body_len > 0 && (s->html == NULL || s->html[i] == NULL))
		return; /* the book had its body from the model, the page did not: later */
	if (s->href[i] == NULL || __atomic_load_n(&s->failed, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&s->done[i], 1, __ATOMIC_RELAXED))
		return;
	if (d->entity != NULL)
		S_entity_page(s, NULL, &root, d->entity, &b);
	else
		S_plain_page(s, NULL, &root, d, &b);
	mu_buf_free(&b);
}

/* ---- the pages of the whole model ------------------------------------------ */

/* A vector of entities, from malloc. */
struct evec {
	const struct entity **v;
	size_t n, cap;
};

/* Add to out the entities of kind k1 or k2 among the referrers in, each
 * once (seen holds the ids added), in order. */
static void
S_referring_into(const struct refvec *in, const char *k1, const char *k2, struct evec *out,
    struct hash *seen)
{
	for (size_t i = 0; in != NULL && i < in->n; i++) {
		const struct entity *from = in->v[i]->from->entity;
		if (from == NULL || from->kind == NULL)
			continue;
		if (strcmp(from->kind->name, k1) != 0 && (k2 == NULL || strcmp(from->kind->name, k2) != 0))
			continue;
		if (hash_get(seen, from->id) != NULL)
			continue;
		hash_put(seen, from->id, (void *)from);
		xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = from;
	}
}

/* The ids of v[0..n) joined with "; ", for a CSV cell (to free). */
static char *
S_eids(const struct entity *const *v, size_t n)
{
	struct mu_buf b = {NULL, 0, 0};

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			mu_buf_put(&b, "; ", 2);
		mu_buf_put(&b, v[i]->id, strlen(v[i]->id));
	}
	return b.s != NULL ? b.s : xstrdup("");
}

/* The entities of kind k1 or k2 referring to e (a control entity) or to
 * catalogue control cat, each once, in order, into v. */
static void
S_referring(const struct site *s, const struct entity *e, int cat, const char *k1,
    const char *k2, struct evec *v)
{
	struct hash seen;

	hash_init(&seen, 0);
	if (e != NULL)
		S_referring_into(&e->in, k1, k2, v, &seen);
	if (cat >= 0)
		S_referring_into(&s->m->cat_in[cat], k1, k2, v, &seen);
	hash_free(&seen);
}

/* The links to v's entities. */
static json_t *
S_links(const struct site *s, const struct evec *v)
{
	json_t *out = json_array();

	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(out, S_elink(s, v->v[i]));
	return out;
}

/* One CSV cell: quoted when it must be, and never read as a formula. */
static void
S_csv_cell(struct mu_buf *b, const char *v, int last)
{
	int quote = strpbrk(v, ",\"\r\n") != NULL;
	int formula = v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@';

	if (quote)
		mu_buf_put(b, "\"", 1);
	if (formula)
		mu_buf_put(b, "'", 1);
	for (const char *p = v; *p != '\0';) {
		size_t n = strcspn(p, "\"");
		mu_buf_put(b, p, n);
		p += n;
		if (*p == '"') {
			mu_buf_put(b, "\"\"", 2);
			p++;
		}
	}
	if (quote)
		mu_buf_put(b, "\"", 1);
	mu_buf_put(b, last ? "\r\n" : ",", last ? 2 : 1);
}

static void
S_csv_row(struct mu_buf *b, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		S_csv_cell(b, cells[i] != NULL ? cells[i] : "", i + 1 == n);
}

static const char *
S_jget(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v != NULL ? v : "";
}

/* One SoA row for catalogue control cat (or -1) decided by e (or NULL). */
static json_t *
S_soa_row(struct site *s, int cat, const struct entity *e, char *ids[3])
{
	static const char *const refs[3][3] = {{"risks", "risk", NULL},
	    {"policies", "policy", "procedure"}, {"objectives", "objective", NULL}};
	const struct catalog_control *c = cat >= 0 ? &s->sch->cat.v[cat] : NULL;
	int hidden = e != NULL && S_excluded(s, e);
	json_t *row = json_object();
	const char *title = c != NULL ? c->title : NULL;
	int applicable;

	json_object_set_new(row, "id", json_string(c != NULL ? c->id : e->id));
	json_object_set_new(row, "theme", S_jstr(c != NULL ? c->theme : "own"));
	if (e != NULL && !hidden) {
		json_object_set_new(row, "link", S_elink(s, e));
		if (e->title != NULL)
			title = e->title;
	}
	json_object_set_new(row, "title", S_jstr(hidden && c == NULL ? "" : title));
	json_object_set_new(row, "missing", json_boolean(e == NULL));
	if (e != NULL && !hidden) {
		const struct ynode *a = entity_get(e, "applicable");
		json_object_set_new(row, "applicable", json_string(a != NULL && yvalue_bool(a,
		    &applicable) == 0 ? (applicable ? "yes" : "no") : ""));
		json_object_set_new(row, "justification", S_jstr(entity_str(e, "justification")));
		json_object_set_new(row, "implementation", S_jstr(entity_str(e, "implementation")));
		json_object_set_new(row, "owner", S_jstr(entity_str(e, "owner")));
	} else {
		json_object_set_new(row, "applicable", json_string(""));
		json_object_set_new(row, "justification", json_string(""));
		json_object_set_new(row, "implementation", json_string(""));
		json_object_set_new(row, "owner", json_string(""));
	}
	for (int k = 0; k < 3; k++) {
		struct evec v = {NULL, 0, 0};
		S_referring(s, hidden ? NULL : e, cat, refs[k][1], refs[k][2], &v);
		json_object_set_new(row, refs[k][0], S_links(s, &v));
		ids[k] = S_eids(v.v, v.n);
		free(v.v);
	}
	return row;
}

static void
S_soa_csv(struct mu_buf *csv, json_t *row, const char *theme, char *ids[3])
{
	const char *cells[] = {S_jget(row, "id"), theme, S_jget(row, "title"),
	    S_jget(row, "applicable"), S_jget(row, "justification"), S_jget(row, "implementation"),
	    S_jget(row, "owner"), ids[0], ids[1], ids[2]};

	S_csv_row(csv, cells, 10);
	for (int k = 0; k < 3; k++)
		free(ids[k]);
}

static int
S_byid(const void *a, const void *b)
{
	return strcmp((*(const struct entity *const *)a)->id, (*(const struct entity *const *)b)->id);
}

/* Entities of kind name, sorted by id (a fresh array to free). */
static const struct entity **
S_of_kind(const struct site *s, const char *name, int own_controls, size_t *n)
{
	const struct entity **v = xmalloc((s->m->n + 1) * sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < s->m->n; i++) {
		const struct entity *e = s->m->entities[i];
		if (e->kind == NULL || strcmp(e->kind->name, name) != 0)
			continue;
		if (own_controls && e->cat >= 0)
			continue;
		v[(*n)++] = e;
	}
	qsort(v, *n, sizeof(*v), S_byid);
	return v;
}

static void
S_soa(struct site *s, struct mu_buf *b)
{
	static const char *const head[] = {"control", "theme", "title", "applicable",
	    "justification", "implementation", "owner", "risks", "policies", "objectives"};
	json_t *ctx = S_ctx(s, "soa.html", "Statement of Applicability", "soa", NULL, NULL);
	json_t *themes = json_array(), *theme = NULL, *own = json_array(), *row;
	const char *cur = NULL;
	char *ids[3];
	struct mu_buf csv = {NULL, 0, 0};
	const struct entity **v;
	size_t n, i;
	char asof[11];

	S_csv_row(&csv, head, 10);
	for (size_t c = 0; c < s->sch->cat.n; c++) {
		const struct catalog_control *cc = &s->sch->cat.v[c];
		row = S_soa_row(s, (int)c, s->m->cat_decision[c], ids);
		if (cur == NULL || strcmp(cur, cc->theme) != 0) {
			cur = cc->theme;
			theme = json_pack("{s:s, s:s, s:[]}", "name", cur, "title",
			    catalog_theme_title(&s->sch->cat, cur), "controls");
			json_array_append_new(themes, theme);
		}
		json_array_append(json_object_get(theme, "controls"), row);
		S_soa_csv(&csv, row, cc->theme, ids);
		json_decref(row);
	}
	v = S_of_kind(s, "control", 1, &n);
	for (i = 0; i < n; i++) {
		row = S_soa_row(s, -1, v[i], ids);
		json_array_append(own, row);
		S_soa_csv(&csv, row, "own", ids);
		json_decref(row);
	}
	free(v);
	json_object_set_new(ctx, "themes", themes);
	json_object_set_new(ctx, "own", own);
	json_object_set_new(ctx, "catalog_title", S_jstr(s->sch->cat.title));
	date_format(s->r->as_of, asof);
	json_object_set_new(ctx, "as_of", json_string(asof));
	S_page(s, T_SOA, ctx, "soa.html", b);
	json_decref(ctx);
	if (output_write(&s->out, "soa.csv", csv.s != NULL ? csv.s : "", csv.len) != 0)
		S_failed(s);
	mu_buf_free(&csv);
}

/* What the matrix shows of one control: the policies and objectives that
 * refer to it, worked out once however many risks name it. */
struct ctlinfo {
	struct evec pol, obj;
	char *pol_ids, *obj_ids;      /* for the CSV */
	struct hash objs;             /* the ids in obj */
	struct ctlinfo *next;         /* all of them, to free */
};

struct memo {
	struct hash by_id;
	struct ctlinfo *all;
};

enum { MATRIX_SHOWN = 8 };        /* links in one HTML cell; the rest are counted */

static struct ctlinfo *
S_ctlinfo(struct site *s, struct memo *memo, const struct entity *ce, int cat)
{
	const char *key = ce != NULL ? ce->id : s->sch->cat.v[cat].id;
	struct ctlinfo *ci = hash_get(&memo->by_id, key);

	if (ci == NULL) {
		ci = xcalloc(1, sizeof(*ci));
		S_referring(s, ce, cat, "policy", "procedure", &ci->pol);
		S_referring(s, ce, cat, "objective", NULL, &ci->obj);
		hash_init(&ci->objs, 0);
		for (size_t i = 0; i < ci->obj.n; i++)
			hash_put(&ci->objs, ci->obj.v[i]->id, (void *)ci->obj.v[i]);
		ci->pol_ids = S_eids(ci->pol.v, ci->pol.n);
		ci->obj_ids = S_eids(ci->obj.v, ci->obj.n);
		hash_put(&memo->by_id, key, ci);
		ci->next = memo->all;
		memo->all = ci;
	}
	return ci;
}

/* At most MATRIX_SHOWN links of v then w, as name, and how many more as
 * name_more. */
static void
S_shown(const struct site *s, struct arena *a, struct mu_val row, const char *name,
    const char *more, const struct evec *v, const struct evec *w)
{
	struct mu_val shown = mu_list(a);
	size_t nv = v != NULL ? v->n : 0, n = nv + (w != NULL ? w->n : 0);

	for (size_t i = 0; i < n && i < MATRIX_SHOWN; i++)
		mu_add(a, shown, S_velink(s, i < nv ? v->v[i] : w->v[i - nv]));
	mu_set(a, row, name, shown);
	mu_set(a, row, more, mu_int(n > MATRIX_SHOWN ? (long long)(n - MATRIX_SHOWN) : 0));
}

/* One row: a risk and one control it names (r), or the risk alone. */
static void
S_matrix_row(struct site *s, struct arena *a, struct memo *memo, const struct entity *risk,
    const struct ref *r, int first, int span, struct mu_val rows, struct mu_buf *csv)
{
	int hidden = S_excluded(s, risk);
	long l, i, rl, ri;
	char inh[32] = "", res[32] = "", *rids, *objids;
	const struct entity *ce = r != NULL ? r->to : NULL;
	int cat = r != NULL ? (ce != NULL ? ce->cat : r->cat) : -1;
	const char *ctitle = "", *risk_title = hidden ? "" : S_entity_title(s, risk);
	const char *treatment = hidden ? "" : entity_str(risk, "treatment");
	struct ctlinfo *ci = r != NULL ? S_ctlinfo(s, memo, ce, cat) : NULL;
	struct evec robj = {NULL, 0, 0};
	struct mu_val row = mu_map(a);

	if (!hidden && S_int(risk, "likelihood", &l) && S_int(risk, "impact", &i))
		snprintf(inh, sizeof(inh), "%ld", l * i);
	if (!hidden && S_int(risk, "residual_likelihood", &rl) && S_int(risk, "residual_impact", &ri))
		snprintf(res, sizeof(res), "%ld", rl * ri);
	if (r != NULL) {
		if (ce != NULL && !S_excluded(s, ce))
			ctitle = S_entity_title(s, ce);
		else if (cat >= 0)
			ctitle = s->sch->cat.v[cat].title;
	}
	/* objectives: the control's, then those that name the risk itself
	 * and are not the control's (a row never walks all the control's:
	 * there may be thousands, on every row that names it) */
	S_referring(s, risk, -1, "objective", NULL, &robj);
	if (ci != NULL) {
		size_t k = 0;
		for (size_t j = 0; j < robj.n; j++)
			if (hash_get(&ci->objs, robj.v[j]->id) == NULL)
				robj.v[k++] = robj.v[j];
		robj.n = k;
	}
	rids = S_eids(robj.v, robj.n);
	if (ci == NULL || ci->obj_ids[0] == '\0')
		objids = xstrdup(rids);
	else
		objids = rids[0] ? xasprintf("%s; %s", ci->obj_ids, rids) : xstrdup(ci->obj_ids);

	mu_set(a, row, "risk", S_velink(s, risk));
	mu_set(a, row, "risk_title", S_vstr(risk_title));
	mu_set(a, row, "inherent", mu_strdup(a, inh));
	mu_set(a, row, "residual", mu_strdup(a, res));
	mu_set(a, row, "treatment", S_vstr(treatment));
	mu_set(a, row, "first", mu_bool(first));
	mu_set(a, row, "span", mu_int(span));
	mu_set(a, row, "gap_control", mu_bool(r == NULL));
	if (r != NULL)
		mu_set(a, row, "control", S_vreflink(s, a, r));
	mu_set(a, row, "control_title", S_vstr(ctitle));
	mu_set(a, row, "gap_policy", mu_bool(ci != NULL && ci->pol.n == 0));
	S_shown(s, a, row, "policies", "policies_more", ci != NULL ? &ci->pol : NULL, NULL);
	S_shown(s, a, row, "objectives", "objectives_more", ci != NULL ? &ci->obj : NULL, &robj);
	{
		const char *cells[] = {risk->id, risk_title, inh, res, treatment != NULL ? treatment : "",
		    r != NULL ? r->id : "", ctitle, ci != NULL ? ci->pol_ids : "", objids};
		S_csv_row(csv, cells, 9);
	}
	free(robj.v);
	free(rids);
	free(objids);
	mu_add(a, rows, row);
}

/* The matrix: its rows are values (at 100,000 documents, hundreds of
 * thousands of rows, which as JSON took most of a gigabyte). */
static void
S_matrix(struct site *s, struct mu_buf *b)
{
	static const char *const head[] = {"risk", "risk_title", "inherent", "residual", "treatment",
	    "control", "control_title", "policies", "objectives"};
	json_t *jctx = S_ctx(s, "matrix.html", "Traceability matrix", "matrix", NULL, NULL);
	struct arena a;
	struct mu_val ctx, rows;
	struct mu_buf csv = {NULL, 0, 0};
	size_t n;
	const struct entity **v = S_of_kind(s, "risk", 0, &n);
	const struct fielddef *cf = schemas_kind(s->sch, "risk") != NULL ?
	    kind_field(schemas_kind(s->sch, "risk"), "controls") : NULL;
	struct memo memo = {{0}, NULL};
	struct output_file f;
	struct hash pairs;

	arena_init(&a);
	ctx = mu_from_json(&a, jctx);
	rows = mu_list(&a);
	/* the CSV in parts: each row lists all the policies of its control,
	 * which in a large ISMS makes it the largest file by far */
	if (output_start(&s->out, &f, "matrix.csv") != 0)
		S_failed(s);
	hash_init(&memo.by_id, 0);
	S_csv_row(&csv, head, 9);
	for (size_t i = 0; i < n; i++) {
		const struct doc *d = v[i]->doc;
		int span = 0, first = 1;
		if (csv.len >= (1u << 20)) {
			if (output_part(&f, csv.s, csv.len) != 0)
				S_failed(s);
			csv.len = 0;
		}
		/* a row per risk and control pair: a control listed twice, once */
		hash_init(&pairs, 0);
		for (size_t k = 0; k < d->nrefs; k++)
			if (d->refs[k].field == cf && cf != NULL &&
			    hash_put(&pairs, d->refs[k].id, &d->refs[k]) == NULL)
				span++;
		for (size_t k = 0; k < d->nrefs; k++) {
			if (d->refs[k].field != cf || cf == NULL ||
			    hash_get(&pairs, d->refs[k].id) != &d->refs[k])
				continue;
			S_matrix_row(s, &a, &memo, v[i], &d->refs[k], first, span, rows, &csv);
			first = 0;
		}
		hash_free(&pairs);
		if (span == 0)
			S_matrix_row(s, &a, &memo, v[i], NULL, 1, 1, rows, &csv);
	}
	free(v);
	mu_set(&a, ctx, "rows", rows);
	if (output_part(&f, csv.s != NULL ? csv.s : "", csv.len) != 0 || output_end(&f) != 0)
		S_failed(s);
	mu_buf_free(&csv);
	S_page_vals(s, T_MATRIX, ctx, "matrix.html", b, &a);
	while (memo.all != NULL) {
		struct ctlinfo *ci = memo.all;
		memo.all = ci->next;
		hash_free(&ci->objs);
		free(ci->pol.v), free(ci->obj.v);
		free(ci->pol_ids), free(ci->obj_ids), free(ci);
	}
	hash_free(&memo.by_id);
	arena_free(&a);
	json_decref(jctx);
}

/* The text colour that reads on a level's colour (#rgb or #rrggbb, checked
 * by config.c): black on light, white on dark (relative luminance). */
static const char *
S_ink(const char *color)
{
	unsigned v[3];
	size_t n = strlen(color);
	double y;

	for (int i = 0; i < 3; i++) {
		char h[3] = {color[n == 4 ? 1 + i : 1 + 2 * i], color[n == 4 ? 1 + i : 2 + 2 * i], 0};
		v[i] = (unsigned)strtoul(h, NULL, 16);
	}
	y = 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
	return y > 140 ? "#111" : "#fff";
}

/* "likelihood 3 (Possible)" into a heat map's tooltip. */
static void
S_axis(struct mu_buf *b, const char *axis, const char **labels, long v)
{
	S_bprintf(b, "%s %ld", axis, v);
	if (labels != NULL) {
		mu_buf_put(b, " (", 2);
		S_svg_text(b, labels[v - 1]);
		mu_buf_put(b, ")", 1);
	}
}

/* A heat map: likelihood up, impact across, the count of risks per cell. */
static json_t *
S_heatmap(const struct site *s, const struct entity **v, size_t n, int residual)
{
	long scale = s->cfg->risk_scale < 1 ? 1 : s->cfg->risk_scale > 10 ? 10 : s->cfg->risk_scale;
	enum { C = 44, M = 40 };
	int count[11][11] = {{0}};
	struct mu_buf b = {NULL, 0, 0};
	long w = M + scale * C + 8, h = scale * C + M + 8;
	json_t *j;

	for (size_t i = 0; i < n; i++) {
		long l, im, rl, ri;
		if (S_excluded(s, v[i]))
			continue;
		if (!S_int(v[i], "likelihood", &l) || !S_int(v[i], "impact", &im))
			continue;
		/* after treatment: the residual pair, or where it stays without
		 * one, as the home page counts it */
		if (residual && S_int(v[i], "residual_likelihood", &rl) &&
		    S_int(v[i], "residual_impact", &ri))
			l = rl, im = ri;
		if (l >= 1 && l <= scale && im >= 1 && im <= scale)
			count[l][im]++;
	}
	S_bprintf(&b, "<svg class=\"heat\" viewBox=\"0 0 %ld %ld\" role=\"img\" aria-label=\"%s\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">", w, h,
	    residual ? "risks by residual likelihood and impact" : "risks by likelihood and impact");
	for (long l = scale; l >= 1; l--) {
		for (long im = 1; im <= scale; im++) {
			long x = M + (im - 1) * C, y = (scale - l) * C, sc = config_risk_score(s->cfg, l, im);
			const struct risklevel *lv = config_risk_level(s->cfg, sc);
			S_bprintf(&b, "<rect class=\"cell %s\" x=\"%ld\" y=\"%ld\" width=\"%d\" height=\"%d\"",
			    lv->name, x, y, C - 2, C - 2);
			if (lv->color != NULL) /* a checked #rgb or #rrggbb */
				S_bprintf(&b, " style=\"fill: %s\"", lv->color);
			mu_buf_put(&b, "><title>", 8);
			S_axis(&b, "likelihood", s->cfg->likelihood_labels, l);
			mu_buf_put(&b, ", ", 2);
			S_axis(&b, "impact", s->cfg->impact_labels, im);
			S_bprintf(&b, ": score %ld, %s, %d risk%s</title></rect>", sc, lv->name,
			    count[l][im], count[l][im] == 1 ? "" : "s");
			if (count[l][im] > 0)
				S_bprintf(&b, "<text class=\"count\" x=\"%ld\" y=\"%ld\" text-anchor=\"middle\"%s%s%s>"
				    "%d</text>", x + C / 2 - 1, y + C / 2 + 4, lv->color ? " style=\"fill: " : "",
				    lv->color ? S_ink(lv->color) : "", lv->color ? "\"" : "", count[l][im]);
		}
		S_bprintf(&b, "<text class=\"tick\" x=\"%d\" y=\"%ld\" text-anchor=\"end\">%ld</text>",
		    M - 6, (scale - l) * C + C / 2 + 4, l);
	}
	for (long im = 1; im <= scale; im++)
		S_bprintf(&b, "<text class=\"tick\" x=\"%ld\" y=\"%ld\" text-anchor=\"middle\">%ld</text>",
		    M + (im - 1) * C + C / 2 - 1, scale * C + 16, im);
	S_bprintf(&b, "<text class=\"label\" x=\"%ld\" y=\"%ld\" text-anchor=\"middle\">impact</text>",
	    M + scale * C / 2, scale * C + 34);
	S_bprintf(&b, "<text class=\"label\" x=\"12\" y=\"%ld\" text-anchor=\"middle\" "
	    "transform=\"rotate(-90 12 %ld)\">likelihood</text>", scale * C / 2, scale * C / 2);
	mu_buf_put(&b, "</svg>", 6);
	j = json_stringn(b.s, b.len);
	mu_buf_free(&b);
	return j;
}

/* The risk methodology of isms.yaml for the templates: scoring, the
 * scales' labels, the level bands with their score ranges. */
static json_t *
S_method(const struct site *s)
{
	const struct config *c = s->cfg;
	json_t *levels = json_array(), *scales = json_array();
	long lo, max;
	const char *const axis[2] = {"Likelihood", "Impact"};
	const char **const labels[2] = {c->likelihood_labels, c->impact_labels};

	config_risk_range(c, &lo, &max);
	for (size_t k = 0; k < c->nlevels; k++) {
		long hi = k + 1 < c->nlevels ? c->levels[k].max : max;
		json_array_append_new(levels, json_pack("{s:s, s:I, s:I, s:o, s:s}", "name",
		    c->levels[k].name, "from", (json_int_t)lo, "to", (json_int_t)hi, "color",
		    S_jstr(c->levels[k].color), "ink", c->levels[k].color ?
		    S_ink(c->levels[k].color) : ""));
		lo = hi + 1;
	}
	for (int a = 0; a < 2; a++) {
		json_t *steps = json_array();
		for (long v = 1; labels[a] != NULL && v <= c->risk_scale; v++)
			json_array_append_new(steps, json_pack("{s:I, s:o}", "value", (json_int_t)v,
			    "label", S_jstr(labels[a][v - 1])));
		json_array_append_new(scales, json_pack("{s:s, s:b, s:o}", "name", axis[a], "labelled",
		    labels[a] != NULL, "steps", steps));
	}
	return json_pack("{s:s, s:b, s:o, s:o, s:I}", "scoring", c->risk_matrix != NULL ?
	    "matrix" : "product", "matrix", c->risk_matrix != NULL, "levels", levels, "scales",
	    scales, "max", (json_int_t)max);
}

static void
S_risks(struct site *s, struct mu_buf *b)
{
	json_t *ctx = S_ctx(s, "risks.html", "Risk register", "risks", NULL, "risk");
	json_t *rows = json_array();
	size_t n;
	const struct entity **v = S_of_kind(s, "risk", 0, &n);
	const struct fielddef *cf = schemas_kind(s->sch, "risk") != NULL ?
	    kind_field(schemas_kind(s->sch, "risk"), "controls") : NULL;

	for (size_t i = 0; i < n; i++) {
		const struct entity *e = v[i];
		json_t *row = json_object(), *risk;
		if (S_excluded(s, e)) {
			json_object_set_new(row, "link", S_elink(s, e));
			json_array_append_new(rows, row);
			continue;
		}
		json_object_set_new(row, "link", S_elink(s, e));
		json_object_set_new(row, "title", S_jstr(S_entity_title(s, e)));
		json_object_set_new(row, "owner", S_jstr(entity_str(e, "owner")));
		json_object_set_new(row, "treatment", S_jstr(entity_str(e, "treatment")));
		if ((risk = S_risk(s, e)) != NULL)
			json_object_update(row, risk), json_decref(risk);
		{
			long rl, ri;
			if (S_int(e, "residual_likelihood", &rl) && S_int(e, "residual_impact", &ri)) {
				json_object_set_new(row, "residual_likelihood", json_integer(rl));
				json_object_set_new(row, "residual_impact", json_integer(ri));
			}
		}
		json_object_set_new(row, "controls", cf != NULL ? S_ref_links(s, e, cf) : json_array());
		json_array_append_new(rows, row);
	}
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "scale", json_integer(s->cfg->risk_scale));
	json_object_set_new(ctx, "appetite", json_integer(s->cfg->risk_appetite));
	json_object_set_new(ctx, "method", S_method(s));
	json_object_set_new(ctx, "heat_before", S_heatmap(s, v, n, 0));
	json_object_set_new(ctx, "heat_after", S_heatmap(s, v, n, 1));
	free(v);
	S_page(s, T_RISKS, ctx, "risks.html", b);
	json_decref(ctx);
}

/* The columns a kind's list shows beyond id, title, owner and status: the
 * fields of these names that its schema defines (the records' dates, due
 * dates, types and severities). */
static const char *const S_listcols[][2] = {
	{"date", "Date"}, {"due", "Due"}, {"type", "Type"}, {"severity", "Severity"},
};
enum { NLISTCOLS = sizeof(S_listcols) / sizeof(*S_listcols) };

static json_t *
S_list_columns(const struct kinddef *k)
{
	json_t *cols = json_array();

	for (int c = 0; c < NLISTCOLS; c++)
		if (kind_field(k, S_listcols[c][0]) != NULL)
			json_array_append_new(cols, json_pack("{s:s, s:s}", "name", S_listcols[c][0],
			    "label", S_listcols[c][1]));
	return cols;
}

static json_t *
S_list_cells(const struct site *s, const struct kinddef *k, const struct entity *e)
{
	json_t *cells = json_array();

	for (int c = 0; c < NLISTCOLS; c++) {
		const struct fielddef *f = kind_field(k, S_listcols[c][0]);
		if (f != NULL)
			json_array_append_new(cells, json_pack("{s:o, s:b}", "value",
			    S_jstr(S_excluded(s, e) ? NULL : entity_str(e, f->name)), "enum",
			    f->enumv != NULL));
	}
	return cells;
}

static void
S_lists(struct site *s, struct mu_buf *b)
{
	for (size_t i = 0; i < s->nkinds; i++) {
		const struct kindinfo *k = &s->kinds[i];
		json_t *ctx, *rows;
		size_t n;
		const struct entity **v;
		if (strcmp(k->k->name, "risk") == 0)
			continue; /* the risk register is its list */
		ctx = S_ctx(s, k->href, k->k->plural, "list", NULL, k->k->name);
		rows = json_array();
		v = S_of_kind(s, k->k->name, 0, &n);
		for (size_t j = 0; j < n; j++) {
			json_t *row;
			if (S_excluded(s, v[j]))
				continue; /* only the SoA and the matrix name what publish: hides */
			row = json_pack("{s:o, s:o, s:o, s:o}", "link", S_elink(s, v[j]), "title",
			    S_jstr(S_entity_title(s, v[j])), "owner", S_jstr(entity_str(v[j], "owner")),
			    "status", S_jstr(entity_str(v[j], "status")));
			json_object_set_new(row, "cells", S_list_cells(s, k->k, v[j]));
			json_array_append_new(rows, row);
		}
		free(v);
		json_object_set_new(ctx, "columns", S_list_columns(k->k));
		json_object_set_new(ctx, "kind", json_pack("{s:s, s:o}", "name", k->k->name, "title",
		    S_jstr(k->k->plural)));
		json_object_set_new(ctx, "rows", rows);
		S_page(s, T_LIST, ctx, k->href, b);
		json_decref(ctx);
	}
}

/* A link value to a document: its entity's, or a plain page's. */
static json_t *
S_dlink(const struct site *s, const struct doc *d)
{
	const char *href = s->href[S_docno(s, d)], *t = d->title != NULL ? d->title : d->path;

	if (d->entity != NULL)
		return S_elink(s, d->entity);
	return href != NULL ? json_pack("{s:s, s:o, s:o, s:s}", "id", "", "text", S_jstr(t),
	    "title", S_jstr(t), "href", href) : json_pack("{s:s, s:s, s:s}", "id", "", "text",
	    d->path, "title", "");
}

static const struct kindinfo *
S_kindinfo(const struct site *s, const char *name)
{
	for (size_t i = 0; i < s->nkinds; i++)
		if (strcmp(s->kinds[i].k->name, name) == 0)
			return &s->kinds[i];
	return NULL;
}

/* "where" of an item: the documents whose clauses hold it (and how many
 * more), or the list of the kind whose records hold it. */
static void
S_where(const struct site *s, const struct mandatory_item *it, json_t *row)
{
	const struct kindinfo *k;
	const char *kind = it->record != NULL ? it->record->kind->name : NULL;
	json_t *docs = json_array();

	for (size_t i = 0; i < it->ndocs; i++)
		json_array_append_new(docs, S_dlink(s, it->docs[i]));
	json_object_set_new(row, "documents", docs);
	if (it->moredocs > 0)
		json_object_set_new(row, "more", json_integer((json_int_t)it->moredocs));
	if (it->how == MAND_GENERATED)
		json_object_set_new(row, "generated", json_pack("{s:s, s:s}", "text",
		    "Statement of Applicability", "href", "soa.html"));
	if (kind != NULL && (k = S_kindinfo(s, kind)) != NULL)
		json_object_set_new(row, "records", json_pack("{s:o, s:o, s:I, s:s}", "text",
		    S_jstr(k->k->plural), "title", S_jstr(k->k->plural), "count",
		    (json_int_t)k->count, "href", k->href));
}

/* The documented information that clauses 4 to 10 require: where each
 * item lives, or that it is missing (the mandatory-docs rule's view). */
static void
S_documented(struct site *s, struct mu_buf *b)
{
	json_t *ctx = S_ctx(s, DOCUMENTED_HTML, "Documented information", "documented", NULL, NULL);
	json_t *rows = json_array();
	const struct mandatory_item *it = s->mand;
	int found = 0;

	for (int k = 0; k < MANDATORY_N; k++) {
		json_t *row = json_pack("{s:s, s:s, s:b}", "clause", it[k].clause, "title",
		    it[k].title, "found", it[k].found);
		S_where(s, &it[k], row);
		json_array_append_new(rows, row);
		found += it[k].found;
	}
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "found", json_integer(found));
	json_object_set_new(ctx, "total", json_integer(MANDATORY_N));
	json_object_set_new(ctx, "missing", json_integer(MANDATORY_N - found));
	S_page(s, T_DOCUMENTED, ctx, DOCUMENTED_HTML, b);
	json_decref(ctx);
}

/* The published entity that documents clause: the first of the fittest
 * (approved, draft, no status, retired: doc_standing). */
static const struct entity *
S_clause(const struct site *s, const char *clause)
{
	const struct entity *best = NULL;

	for (size_t i = 0; i < s->m->n; i++) {
		const struct entity *e = s->m->entities[i];
		if (e->doc->clauses != NULL && !S_excluded(s, e) && doc_holds_clause(e->doc, clause) &&
		    (best == NULL || doc_standing(e->doc) > doc_standing(best->doc)))
			best = e;
	}
	return best;
}

/* An open finding, action or incident: status open, or none given. */
static int
S_open(const struct entity *e)
{
	const char *st = entity_str(e, "status");

	return st == NULL || strcmp(st, "closed") != 0;
}

/* {link, date} of a dated record, or null. */
static json_t *
S_dated(const struct site *s, const struct entity *e)
{
	if (e == NULL)
		return json_null();
	return json_pack("{s:o, s:o}", "link", S_elink(s, e), "date", S_jstr(entity_str(e, "date")));
}

static void
S_index(struct site *s, struct md_parser *p, struct mu_buf *b)
{
	json_t *ctx = S_ctx(s, "index.html", "Home", "index", NULL, NULL);
	const char *part[2][2] = {{"scope", "4.3"}, {"policy", "5.2"}};
	long soa[8] = {0}; /* decided applicable excluded implemented partial planned not */
	long before[16] = {0}, after[16] = {0}, untreated = 0, nrisks = 0;
	json_t *overdue = json_array(), *objectives = json_array(), *kinds = json_array();
	json_t *findings = json_array(), *actions = json_array(), *incidents = json_array();
	const struct entity *latest[2] = {NULL, NULL}; /* the latest audit, review */
	long nopen_actions = 0;
	int mfound = 0;
	char asof[11];

	date_format(s->r->as_of, asof);

	for (int i = 0; i < 2; i++) {
		const struct entity *e = S_clause(s, part[i][1]);
		size_t blen;
		char *body;
		if (e == NULL)
			continue;
		body = S_render_body(s, p, NULL, e->doc, "", part[i][0], &blen);
		json_object_set_new(ctx, part[i][0], json_pack("{s:o, s:s%}", "link", S_elink(s, e),
		    "body", body, blen));
		free(body);
	}
	for (size_t c = 0; c < s->sch->cat.n; c++) {
		const struct entity *e = s->m->cat_decision[c];
		int app;
		const char *impl;
		if (e == NULL)
			continue;
		soa[0]++;
		if (yvalue_bool(entity_get(e, "applicable"), &app) != 0)
			continue;
		soa[app ? 1 : 2]++;
		if (!app || (impl = entity_str(e, "implementation")) == NULL)
			continue;
		soa[strcmp(impl, "implemented") == 0 ? 3 : strcmp(impl, "partial") == 0 ? 4 :
		    strcmp(impl, "planned") == 0 ? 5 : 6]++;
	}
	json_object_set_new(ctx, "soa", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "total", (json_int_t)s->sch->cat.n, "decided", (json_int_t)soa[0], "applicable",
	    (json_int_t)soa[1], "excluded", (json_int_t)soa[2], "missing",
	    (json_int_t)(s->sch->cat.n - (size_t)soa[0]), "implemented", (json_int_t)soa[3],
	    "partial", (json_int_t)soa[4], "planned", (json_int_t)soa[5], "not_implemented",
	    (json_int_t)soa[6], "percent_implemented", (json_int_t)(soa[1] ? soa[3] * 100 / soa[1] : 0)));
	for (size_t i = 0; i < s->m->n; i++) {
		const struct entity *e = s->m->entities[i];
		long l, im;
		date_t due;
		if (e->kind == NULL || S_excluded(s, e))
			continue;
		if (strcmp(e->kind->name, "risk") == 0 && S_int(e, "likelihood", &l) &&
		    S_int(e, "impact", &im)) {
			const struct risklevel *lv = config_risk_level(s->cfg,
			    config_risk_score(s->cfg, l, im));
			const char *t = entity_str(e, "treatment");
			size_t ncontrols = 0;
			nrisks++;
			before[lv - s->cfg->levels]++;
			if (S_int(e, "residual_likelihood", &l) && S_int(e, "residual_impact", &im))
				lv = config_risk_level(s->cfg, config_risk_score(s->cfg, l, im));
			after[lv - s->cfg->levels]++;
			for (size_t k = 0; k < e->doc->nrefs; k++)
				ncontrols += e->doc->refs[k].field != NULL &&
				    strcmp(e->doc->refs[k].field->name, "controls") == 0;
			if (ncontrols == 0 && (t == NULL || strcmp(t, "accept") != 0))
				untreated++;
		}
		if (review_due(s->cfg, e, &due) && due < s->r->as_of) {
			char buf[11];
			date_format(due, buf);
			json_array_append_new(overdue, json_pack("{s:o, s:s}", "link", S_elink(s, e),
			    "due", buf));
		}
		if (e->valid && (strcmp(e->kind->name, "audit") == 0 ||
		    strcmp(e->kind->name, "review") == 0)) {
			int k = e->kind->name[0] == 'r';
			const char *d = entity_str(e, "date");
			if (d != NULL && strcmp(d, asof) <= 0 && (latest[k] == NULL ||
			    strcmp(d, entity_str(latest[k], "date")) >= 0))
				latest[k] = e;
		} else if (e->valid && strcmp(e->kind->name, "finding") == 0 && S_open(e))
			json_array_append_new(findings, json_pack("{s:o, s:o}", "link", S_elink(s, e),
			    "type", S_jstr(entity_str(e, "type"))));
		else if (e->valid && strcmp(e->kind->name, "incident") == 0 && S_open(e))
			json_array_append_new(incidents, json_pack("{s:o, s:o}", "link", S_elink(s, e),
			    "severity", S_jstr(entity_str(e, "severity"))));
		else if (e->valid && strcmp(e->kind->name, "action") == 0 && S_open(e)) {
			const char *d = entity_str(e, "due");
			nopen_actions++;
			if (d != NULL && strcmp(d, asof) < 0)
				json_array_append_new(actions, json_pack("{s:o, s:s}", "link",
				    S_elink(s, e), "due", d));
		}
		if (strcmp(e->kind->name, "objective") == 0) {
			const struct ynode *ms = entity_get(e, "measurements"), *last = NULL;
			if (ms != NULL && ms->type == YNODE_SEQ && ms->n > 0)
				last = ynode_get(ms->kids[ms->n - 1], "value");
			json_array_append_new(objectives, json_pack("{s:o, s:o, s:o, s:o}", "link",
			    S_elink(s, e), "status", S_jstr(entity_str(e, "status")), "target",
			    S_jstr(entity_str(e, "target")), "latest", S_jstr(last != NULL &&
			    last->type == YNODE_SCALAR ? last->str : NULL)));
		}
	}
	{
		/* by level, the highest first */
		json_t *levels = json_array();
		for (size_t k = s->cfg->nlevels; k-- > 0;)
			json_array_append_new(levels, json_pack("{s:s, s:I, s:I, s:o}", "name",
			    s->cfg->levels[k].name, "before", (json_int_t)before[k], "after",
			    (json_int_t)after[k], "color", S_jstr(s->cfg->levels[k].color)));
		json_object_set_new(ctx, "risks", json_pack("{s:I, s:o, s:I}", "total",
		    (json_int_t)nrisks, "levels", levels, "untreated", (json_int_t)untreated));
	}
	for (size_t i = 0; i < s->nkinds; i++)
		json_array_append_new(kinds, json_pack("{s:o, s:I, s:s}", "title",
		    S_jstr(s->kinds[i].k->plural), "count", (json_int_t)s->kinds[i].count, "href",
		    s->kinds[i].href));
	json_object_set_new(ctx, "overdue", overdue);
	json_object_set_new(ctx, "objectives", objectives);
	json_object_set_new(ctx, "improvement", json_pack("{s:o, s:o, s:o, s:I, s:o, s:o}",
	    "findings", findings, "overdue_actions", actions, "incidents", incidents, "open_actions",
	    (json_int_t)nopen_actions, "last_audit", S_dated(s, latest[0]), "last_review",
	    S_dated(s, latest[1])));
	for (int k = 0; k < MANDATORY_N; k++)
		mfound += s->mand[k].found;
	json_object_set_new(ctx, "documented", json_pack("{s:i, s:i, s:i, s:s}", "found", mfound,
	    "total", MANDATORY_N, "missing", MANDATORY_N - mfound, "href", DOCUMENTED_HTML));
	json_object_set_new(ctx, "kinds", kinds);
	S_page(s, T_INDEX, ctx, "index.html", b);
	json_decref(ctx);
}

/* ---- JSON ------------------------------------------------------------------ */

/* n as JSON, typed as a value of type t of field f says (f NULL: as
 * written): integers, numbers and booleans as such, a list's items as its
 * type says, a single scalar of a list as a list of one (SPEC §2), and the
 * declared fields of a map by their own types. */
static json_t *
S_jas(const struct ynode *n, const struct fielddef *f, enum ftype t)
{
	json_t *j;
	long l;
	double d;
	int b;

	if (n == NULL || ynode_is_null(n))
		return json_null();
	if (f != NULL && t == FT_LIST) {
		j = json_array();
		if (n->type != YNODE_SEQ)
			json_array_append_new(j, S_jas(n, f, f->of));
		for (size_t i = 0; n->type == YNODE_SEQ && i < n->n; i++)
			json_array_append_new(j, S_jas(n->kids[i], f, f->of));
		return j;
	}
	switch (n->type) {
	case YNODE_SCALAR:
		if (f != NULL && (t == FT_INTEGER || t == FT_NUMBER) && yvalue_int(n, &l) == 0)
			return json_integer(l);
		if (f != NULL && t == FT_NUMBER && yvalue_number(n, &d) == 0)
			return json_real(d);
		if (f != NULL && t == FT_BOOLEAN && yvalue_bool(n, &b) == 0)
			return json_boolean(b);
		return S_jstr(n->str);
	case YNODE_SEQ:
		j = json_array();
		for (size_t i = 0; i < n->n; i++)
			json_array_append_new(j, S_jas(n->kids[i], NULL, FT_STRING));
		return j;
	default:
		j = json_object();
		for (size_t i = 0; i + 1 < n->n; i += 2) {
			const struct fielddef *sub = NULL;
			for (size_t k = 0; f != NULL && t == FT_MAP && k < f->nfields; k++)
				if (strcmp(f->fields[k]->name, n->kids[i]->str) == 0)
					sub = f->fields[k];
			json_object_set_new(j, n->kids[i]->str, S_jas(n->kids[i + 1], sub,
			    sub != NULL ? sub->type : FT_STRING));
		}
		return j;
	}
}

static json_t *
S_jvalue(const struct ynode *n, const struct fielddef *f)
{
	return S_jas(n, f, f != NULL ? f->type : FT_STRING);
}

/* An entity in isms.json: its facts, fields and references both ways. */
static json_t *
S_entity_json(const struct site *s, const struct entity *e)
{
	const struct ynode *fm = e->fm;
	json_t *j, *fields, *refs, *in;

	if (S_excluded(s, e))
		return json_pack("{s:s, s:s, s:b}", "id", e->id, "kind", e->kind->name, "published", 0);
	fields = json_object();
	for (size_t k = 0; fm != NULL && k + 1 < fm->n; k += 2)
		json_object_set_new(fields, fm->kids[k]->str, S_jvalue(fm->kids[k + 1],
		    kind_field(e->kind, fm->kids[k]->str)));
	/* built by hand, not with json_pack: there are many */
	refs = json_array();
	for (size_t k = 0; k < e->doc->nrefs; k++) {
		const struct ref *r = &e->doc->refs[k];
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "id", json_string(r->to != NULL ? r->to->id : r->id));
		json_object_set_new_nocheck(o, "field", r->field != NULL ?
		    json_string(r->field->name) : json_null());
		json_object_set_new_nocheck(o, "line", json_integer(r->line));
		json_object_set_new_nocheck(o, "column", json_integer(r->col));
		json_array_append_new(refs, o);
	}
	in = json_array();
	for (size_t k = 0; k < e->in.n; k++) {
		const struct ref *r = e->in.v[k];
		json_t *o;
		if (s->href[S_docno(s, r->from)] == NULL)
			continue; /* left out of the manual: not even its id */
		o = json_object();
		if (r->from->entity != NULL)
			json_object_set_new_nocheck(o, "id", json_string(r->from->entity->id));
		else /* a plain page, by its file as in "pages" */
			json_object_set_new_nocheck(o, "file", json_string(r->from->path));
		json_object_set_new_nocheck(o, "field", r->field != NULL ?
		    json_string(r->field->name) : json_null());
		json_array_append_new(in, o);
	}
	j = json_pack("{s:s, s:s, s:o, s:s, s:i, s:b, s:s, s:o, s:o, s:o}", "id", e->id, "kind",
	    e->kind->name, "title", S_jstr(S_entity_title(s, e)), "file", e->doc->path, "line",
	    e->id_node != NULL ? e->id_node->line : 1, "published", 1, "href",
	    s->href[S_docno(s, e->doc)], "fields", fields, "references", refs, "referred_by", in);
	return j;
}

/* jansson's output for an entity of isms.json, appended to a buffer and
 * indented two more spaces: a new line comes alone (jansson escapes one in
 * a string), followed by the indentation. */
static int
S_dump_indented(const char *buf, size_t size, void *data)
{
	struct mu_buf *b = data;

	if (size == 1 && buf[0] == '\n')
		mu_buf_put(b, "\n  ", 3);
	else
		mu_buf_put(b, buf, size);
	return 0;
}

/* isms.json: root, dumped with its entities left empty, then each entity
 * dumped on its own into its place in the array, so that the model is
 * never all in memory as JSON values. The bytes are those one json_dumps
 * of the whole would give. */
static void
S_write_model(struct site *s, json_t *root)
{
	static const char key[] = "\n \"entities\": []"; /* raw new lines are layout only */
	size_t flags = JSON_INDENT(1) | JSON_PRESERVE_ORDER;
	char *text = json_dumps(root, flags), *at;
	struct mu_buf b = {NULL, 0, 0};
	struct output_file f;
	size_t n = 0;

	if (text == NULL || (at = strstr(text, key)) == NULL) {
		free(text);
		S_failed(s);
		return;
	}
	/* written a megabyte at a time: at 100,000 documents it is 170 MB */
	if (output_start(&s->out, &f, "isms.json") != 0)
		S_failed(s);
	at += sizeof(key) - 3; /* at "[]" */
	mu_buf_put(&b, text, (size_t)(at - text));
	mu_buf_put(&b, "[", 1);
	for (size_t i = 0; i < s->m->n; i++) {
		json_t *j = S_entity_json(s, s->m->entities[i]);
		size_t mark;
		if (j == NULL)
			continue;
		if (b.len >= (1u << 20)) {
			if (output_part(&f, b.s, b.len) != 0)
				S_failed(s);
			b.len = 0;
		}
		mark = b.len;
		mu_buf_put(&b, n > 0 ? ",\n  " : "\n  ", n > 0 ? 4 : 3);
		/* a value jansson refuses (not UTF-8) leaves the entity out, as
		 * json_array_append_new would */
		if (json_dump_callback(j, S_dump_indented, &b, flags) == 0)
			n++;
		else
			b.len = mark;
		json_decref(j);
	}
	if (n > 0)
		mu_buf_put(&b, "\n ", 2);
	mu_buf_put(&b, "]", 1);
	at += 2;
	mu_buf_put(&b, at, strlen(at));
	mu_buf_put(&b, "\n", 1);
	free(text);
	if (output_part(&f, b.s, b.len) != 0 || output_end(&f) != 0)
		S_failed(s);
	mu_buf_free(&b);
}

static void
S_model_json(struct site *s)
{
	char asof[11];
	json_t *root, *pages = json_array(), *diags = json_array(), *method;

	date_format(s->r->as_of, asof);
	for (size_t i = 0; i < s->m->ndocs; i++) {
		const struct doc *d = &s->m->docs[i];
		if (d->entity == NULL)
			json_array_append_new(pages, json_pack("{s:s, s:o, s:s}", "file", d->path, "title",
			    d->title != NULL ? json_string(d->title) : json_null(), "href", s->href[i]));
	}
	for (size_t i = 0; i < s->r->diags.n; i++) {
		const struct diag *d = &s->r->diags.v[i];
		const struct rule *ru = &s->r->rules.v[d->rule];
		if (ru->sev == SEV_OFF || S_hidden_file(s, d->file))
			continue;
		/* a plugin's message, a file's name: any bytes, made UTF-8 */
		json_array_append_new(diags, json_pack("{s:o, s:i, s:i, s:s, s:s, s:o}", "file",
		    diagfmt_text(d->file), "line", d->line, "column", d->col, "severity",
		    severity_name(ru->sev), "rule", ru->name, "message", diagfmt_text(d->msg)));
	}
	root = json_pack("{s:s, s:o, s:o, s:s, s:s, s:{s:i, s:i}, s:o, s:o, s:o}", "generator",
	    "ismsc " ISMSC_VERSION, "name", S_jstr(s->cfg->name), "organization",
	    S_jstr(s->cfg->organization), "as_of", asof, "catalog", s->sch->cat.name, "risk",
	    "scale", (int)s->cfg->risk_scale, "appetite", (int)s->cfg->risk_appetite, "entities",
	    json_array(), "pages", pages, "diagnostics", diags);
	/* the methodology beside scale and appetite: scoring, levels, labels */
	method = S_method(s);
	for (size_t k = 0; k < json_array_size(json_object_get(method, "levels")); k++)
		json_object_del(json_array_get(json_object_get(method, "levels"), k), "ink"); /* a page's */
	json_object_update(json_object_get(root, "risk"), method);
	json_decref(method);
	if (s->r->hist.checked) {
		const struct history *h = &s->r->hist;
		json_object_set_new(root, "document_control", json_pack("{s:b, s:s, s:i, s:b}", "checked",
		    1, "commit", h->head, "commits", (int)h->ncommits, "complete",
		    !h->limited && !h->shallow));
	} else {
		char *why = xasprintf("the source %s", s->r->hist.reason);
		json_object_set_new(root, "document_control", json_pack("{s:b, s:s}", "checked", 0,
		    "reason", why));
		free(why);
	}
	S_write_model(s, root);
	json_decref(root);
}

static void
S_search_index(struct site *s)
{
	static const char pre[] = "window.ISMSC_SEARCH = ", post[] = ";\n";
	struct mu_buf b = {NULL, 0, 0};
	size_t n = 0;

	/* the entries, dumped by the pages, in a compact array: the bytes
	 * json_dumps of the array would give */
	mu_buf_put(&b, pre, sizeof(pre) - 1);
	mu_buf_put(&b, "[", 1);
	for (size_t i = 0; i < s->m->ndocs; i++) {
		if (s->search[i] == NULL)
			continue;
		if (n++ > 0)
			mu_buf_put(&b, ",", 1);
		mu_buf_put(&b, s->search[i], strlen(s->search[i]));
	}
	mu_buf_put(&b, "]", 1);
	if (output_write(&s->out, "search-index.json", b.s + sizeof(pre) - 1,
	    b.len - (sizeof(pre) - 1)) != 0)
		S_failed(s);
	mu_buf_put(&b, post, sizeof(post) - 1);
	if (output_write(&s->out, "assets/search-index.js", b.s, b.len) != 0)
		S_failed(s);
	mu_buf_free(&b);
}

/* The compiler's assets (CSS, JS), the project's own over them: from
 * --templates DIR/assets, or from the templates folder's assets/ in the
 * source tree, read through the source like every file of the tree. */
static void
S_assets(struct site *s)
{
	const char *tree = s->so->tree_templates;

	for (int i = 1; i >= 0; i--) {
		struct source src;
		struct diags d;
		char *dir;
		if (s->tdirs[i] == NULL)
			continue;
		dir = xasprintf("%s/assets", s->tdirs[i]);
		diags_init(&d);
		if (source_open_dir(&src, dir, NULL, &d) == 0) {
			for (size_t k = 0; k < src.n; k++) {
				char *from = xasprintf("%s/%s", dir, src.paths[k]);
				char *to = xasprintf("assets/%s", src.paths[k]);
				if (output_copy(&s->out, to, from) != 0)
					S_failed(s);
				free(from);
				free(to);
			}
			source_close(&src);
		}
		diags_free(&d);
		free(dir);
	}
	if (s->tdirs[0] == NULL && tree != NULL) {
		char *pre = xasprintf("%s%sassets/", tree, tree[0] != '\0' ? "/" : "");
		size_t np = strlen(pre);
		for (size_t k = 0; k < s->r->src.n; k++) {
			const char *path = s->r->src.paths[k];
			char *data, *to;
			size_t len;
			if (strncmp(path, pre, np) != 0 ||
			    source_read(&s->r->src, path, &data, &len, FILE_LIMIT) != SOURCE_OK)
				continue;
			to = xasprintf("assets/%s", path + np);
			if (output_write(&s->out, to, data, len) != 0)
				S_failed(s);
			free(to);
			free(data);
		}
		free(pre);
	}
}

static int
S_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of the tree that bodies link to, copied once each. */
static void
S_copies(struct site *s)
{
	if (s->ncopies > 1)
		qsort(s->copies, s->ncopies, sizeof(*s->copies), S_strcmp);
	for (size_t i = 0; i < s->ncopies; i++) {
		char *data, *to;
		size_t len;
		if (i > 0 && strcmp(s->copies[i], s->copies[i - 1]) == 0)
			continue;
		if (source_read(&s->r->src, s->copies[i], &data, &len, FILE_LIMIT) != SOURCE_OK)
			continue;
		to = xasprintf("assets/files/%s", s->copies[i]);
		__atomic_add_fetch(&s->out.budget, len, __ATOMIC_RELAXED); /* copies are the source's */
		if (output_write(&s->out, to, data, len) != 0)
			S_failed(s);
		free(to);
		free(data);
	}
}

/* ---- the build --------------------------------------------------------------- */

/* Longer than this, a file or folder name of the site is cut and given a
 * hash of the whole (file systems take 255 bytes; ids and kind names are
 * of any length, and a page adds ".html"). */
enum { NAME_KEEP = 200, NAME_MAX_SITE = 250 };

/* name[0..n) as one component of a path of the site, with suffix after
 * it: as it is when short enough, else its first NAME_KEEP bytes, "-" and
 * 16 hex digits of its hash. A string to free. */
static char *
S_component(const char *name, size_t n, const char *suffix)
{
	unsigned long long h = 14695981039346656037ULL;

	if (n + strlen(suffix) <= NAME_MAX_SITE)
		return xasprintf("%.*s%s", (int)n, name, suffix);
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
	return xasprintf("%.*s-%016llx%s", NAME_KEEP, name, h, suffix);
}

/* A kind's folder: its name, cut when long. A string to free. */
static char *
S_kind_dir(const struct kinddef *kd)
{
	return S_component(kd->name, strlen(kd->name), "");
}

/* A kind's list: <kind>/index.html, or index-1.html, ... when an entity of
 * the kind has that id (ids are unique ignoring case, and so are pages). */
static char *
S_list_href(const struct site *s, const struct kinddef *kd)
{
	char name[32] = "index";
	const struct entity *e;

	char *dir, *href;

	for (unsigned k = 1; (e = hash_get(&s->m->by_id, name)) != NULL && e->kind == kd; k++)
		snprintf(name, sizeof(name), "index-%u", k);
	dir = S_kind_dir(kd);
	href = xasprintf("%s/%s.html", dir, name);
	free(dir);
	return href;
}

/* Pages: <kind>/<id>.html, pages/<path>.html; NULL for what publish: hides. */
static void
S_hrefs(struct site *s)
{
	s->href = xcalloc(s->m->ndocs + 1, sizeof(*s->href));
	s->search = xcalloc(s->m->ndocs + 1, sizeof(*s->search));
	s->file = xcalloc(s->m->ndocs + 1, sizeof(*s->file));
	for (size_t i = 0; i < s->m->ndocs; i++) {
		const struct doc *d = &s->m->docs[i];
		const struct entity *e = d->entity;
		if (e != NULL) {
			if (!config_excluded(s->cfg, e->fm)) {
				char *dir = S_kind_dir(e->kind), *page = S_component(e->id, strlen(e->id), ".html");
				s->href[i] = xasprintf("%s/%s", dir, page);
				free(dir);
				free(page);
			}
		} else {
			const char *base = strrchr(d->path, '/');
			size_t n = strlen(d->path), b;
			char *page;
			if (n > 3 && strcmp(d->path + n - 3, ".md") == 0)
				n -= 3;
			b = base != NULL ? (size_t)(base + 1 - d->path) : 0;
			page = S_component(d->path + b, n - b, ".html");
			s->file[i] = xasprintf("pages/%.*s%s", (int)b, d->path, page);
			s->href[i] = S_urlenc(s->file[i]);
			free(page);
		}
	}
	s->kinds = xcalloc(s->sch->n + 1, sizeof(*s->kinds));
	for (size_t k = 0; k < s->sch->n; k++) {
		const struct kinddef *kd = s->sch->kinds[k];
		size_t count = 0, any = 0; /* published, and all */
		for (size_t i = 0; i < s->m->n; i++) {
			const struct entity *e = s->m->entities[i];
			any += e->kind == kd;
			count += e->kind == kd && s->href[S_docno(s, e->doc)] != NULL;
		}
		if (any == 0)
			continue;
		s->kinds[s->nkinds].k = kd;
		s->kinds[s->nkinds].count = count;
		if (strcmp(kd->name, "risk") == 0)
			s->kinds[s->nkinds].href = xstrdup("risks.html");
		else
			s->kinds[s->nkinds].href = S_list_href(s, kd);
		s->nkinds++;
	}
}

int
site_precheck(const struct site_options *so, const char *src)
{
	struct output o;
	int rc = output_check(&o, so->out, src);

	if (rc != 0)
		fprintf(stderr, "ismsc: %s\n", o.err);
	output_free(&o);
	return rc != 0 ? 2 : 0;
}

static void
S_free(struct site *s)
{
	for (int i = 0; i < T__N; i++)
		mu_free(s->t[i]);
	for (size_t i = 0; s->href != NULL && i < s->m->ndocs; i++) {
		free(s->href[i]);
		free(s->file[i]);
		free(s->search[i]);
	}
	for (size_t i = 0; s->links != NULL && i < s->m->ndocs; i++)
		json_decref(s->links[i]);
	free(s->links);
	for (size_t c = 0; s->clinks != NULL && c < s->sch->cat.n; c++)
		json_decref(s->clinks[c]);
	free(s->clinks);
	free(s->vclinks);
	free(s->vlinks);
	arena_free(&s->varena);
	free(s->href);
	free(s->file);
	free(s->search);
	for (size_t i = 0; i < s->nkinds; i++)
		free((char *)s->kinds[i].href);
	for (size_t i = 0; s->navs != NULL && i <= s->nkinds; i++)
		json_decref(s->navs[i]);
	free(s->navs);
	free(s->vnavs);
	free(s->kinds);
	for (size_t i = 0; i < s->ncopies; i++)
		free(s->copies[i]);
	free(s->copies);
	free(s->done);
	for (size_t i = 0; s->html != NULL && i < s->m->ndocs; i++)
		free(s->html[i]);
	free(s->html);
	free(s->htmllen);
	docbook_free(s->book_plan);
	md_free(s->render);
	json_decref(s->base);
	output_free(&s->out);
	pthread_mutex_destroy(&s->lock);
	free(s->tdir);
}

/* What the book reads; with pages set, it makes the pages of the bodies
 * it has too. */
static struct docbook_input
S_book_input(struct site *s, int pages)
{
	return (struct docbook_input){s->m, s->sch, s->cfg, s->r->as_of,
	    s->r->hist.checked ? s->r->hist.head : NULL, run_threads(s->r->opt), &s->r->hist,
	    pages ? S_book_page : NULL, s, &s->failed};
}

/* isms.xml: from the plan made at site_open, with the bodies the model
 * gave it, or planned and parsed here (site_build). */
static void
S_docbook(struct site *s, int pages)
{
	char *path = xasprintf("%s/isms.xml", s->out.tmp);
	struct docbook_input in = S_book_input(s, pages);

	if ((s->book_plan != NULL ? docbook_write_planned(s->book_plan, &in, path)
	    : docbook_write(&in, path)) != 0) {
		snprintf(s->dberr, sizeof(s->dberr), "cannot write isms.xml: %s", strerror(errno));
		S_failed(s);
	}
	free(path);
}

static void *
S_docbook_thread(void *arg)
{
	S_docbook(arg, 1);
	return NULL;
}

/* The folder and the links of every page: 0, or 2 (said when loud). */
static int
S_prepare(struct site *s, struct run *r, const struct site_options *so, int loud)
{
	s->r = r;
	s->m = &r->model;
	s->cfg = &r->cfg;
	s->sch = &r->sch;
	s->so = so;
	pthread_mutex_init(&s->lock, NULL);
	if (output_check(&s->out, so->out, r->opt->src) != 0) {
		if (loud)
			fprintf(stderr, "ismsc: %s\n", s->out.err);
		return 2;
	}
	/* what the site may write: 64 times the bodies, and 512 MiB (the
	 * 10,000-document corpus writes 10 times its bodies) */
	s->out.budget = (size_t)512 << 20;
	for (size_t i = 0; i < s->m->ndocs; i++)
		s->out.budget += 64 * s->m->docs[i].body_len;
	s->tdir = xasprintf("%s/templates", r->datadir);
	s->tdirs[0] = so->templates;
	s->tdirs[1] = s->tdir;
	json_object_seed(1);
	S_hrefs(s);
	s->render = md_new();
	if (output_open(&s->out) != 0) {
		if (loud)
			fprintf(stderr, "ismsc: %s\n", s->out.err);
		return 2;
	}
	return 0;
}

/* What every page shares, then the book on a thread of its own, and with
 * it the pages of entities and plain pages, each body parsed once for
 * both. 0, or 2 (said when loud). */
static int
S_begin(struct site *s, int loud)
{
	char asof[11];

	s->links = xcalloc(s->m->ndocs + 1, sizeof(*s->links));
	s->vlinks = xcalloc(s->m->ndocs + 1, sizeof(*s->vlinks));
	for (size_t i = 0; i < s->m->ndocs; i++) {
		const struct doc *d = &s->m->docs[i];
		if (d->entity != NULL)
			s->links[i] = S_elink_new(s, d->entity);
		else if (s->href[i] != NULL) /* a plain page, for "referred to by" */
			s->links[i] = json_pack("{s:s, s:o, s:o, s:s}", "id", d->path, "text",
			    S_jstr(d->title != NULL ? d->title : d->path), "title",
			    S_jstr(d->title != NULL ? d->title : ""), "href", s->href[i]);
		else
			continue;
		s->vlinks[i] = mu_from_json(&s->varena, s->links[i]); /* its strings */
	}
	s->clinks = xcalloc(s->sch->cat.n + 1, sizeof(*s->clinks));
	s->vclinks = xcalloc(s->sch->cat.n + 1, sizeof(*s->vclinks));
	for (size_t c = 0; c < s->sch->cat.n; c++) {
		s->clinks[c] = S_clink_new(s, (int)c);
		s->vclinks[c] = mu_from_json(&s->varena, s->clinks[c]);
	}
	if (S_templates(s, loud) != 0)
		return 2;
	date_format(s->r->as_of, asof);
	s->base = json_pack("{s:{s:o, s:o, s:s, s:s, s:o, s:s}}", "site", "name",
	    S_jstr(s->cfg->name), "organization", S_jstr(s->cfg->organization), "as_of", asof,
	    "catalog", s->sch->cat.name, "catalog_title", S_jstr(s->sch->cat.title), "generator",
	    "ismsc " ISMSC_VERSION);
	s->navs = xcalloc(s->nkinds + 1, sizeof(*s->navs));
	for (size_t i = 0; i < s->nkinds; i++)
		s->navs[i] = S_nav(s, "pages/x.html", s->kinds[i].k->name);
	s->navs[s->nkinds] = S_nav(s, "pages/x.html", NULL);
	s->vbase = mu_from_json(&s->varena, s->base);
	s->vnavs = xcalloc(s->nkinds + 1, sizeof(*s->vnavs));
	for (size_t i = 0; i <= s->nkinds; i++)
		s->vnavs[i] = mu_from_json(&s->varena, s->navs[i]);
	s->done = xcalloc(s->m->ndocs + 1, 1);
	s->booked = pthread_create(&s->book, NULL, S_docbook_thread, s) == 0;
	return 0;
}

/* Put the site in place, unless something failed: 0, or 2 after saying
 * why (OUT is then left as it was). */
static int
S_commit(struct site *s)
{
	const struct site_options *so = s->so;

	if (s->dberr[0] != '\0' && s->out.err[0] == '\0')
		snprintf(s->out.err, sizeof(s->out.err), "%s", s->dberr);
	if (so->pack && !s->failed && !s->out.failed)
		pack_write(&s->out, s->r);
	if (s->failed || s->out.failed) {
		fprintf(stderr, "ismsc: %s; %s left as it was\n",
		    s->out.err[0] ? s->out.err : "cannot write the site", so->out);
		return 2;
	}
	if (output_commit(&s->out) != 0) {
		fprintf(stderr, "ismsc: %s; %s left as it was\n", s->out.err, so->out);
		return 2;
	}
	return 0;
}

static void *
S_model_json_thread(void *arg)
{
	S_model_json(arg);
	return NULL;
}

/* The pages of the whole model, here while the book runs (they read what
 * it reads and write other files), and isms.json on a thread of its own
 * beside them, so that whichever of the three ends last has company; then
 * the pages the book did not parse, the search index and the assets; then
 * commit. */
static int
S_end(struct site *s)
{
	pthread_t th[4], json;
	int nth, jsoned = pthread_create(&json, NULL, S_model_json_thread, s) == 0;

	{
		struct md_parser *p = md_new();
		struct mu_buf b = {NULL, 0, 0};
		mandatory_find(s->m, s->mand); /* for the home page and the documented information */
		S_index(s, p, &b);
		S_lists(s, &b);
		S_soa(s, &b);
		S_matrix(s, &b);
		S_risks(s, &b);
		S_documented(s, &b);
		mu_buf_free(&b);
		md_free(p);
	}
	if (!jsoned)
		S_model_json(s);
	if (s->booked)
		pthread_join(s->book, NULL);
	else
		S_docbook(s, 1);
	s->booked = 0;
	/* pages whose body the book did not parse, if any, on workers */
	nth = run_threads(s->r->opt);
	for (int i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, S_worker, s) != 0)
			nth = i;
	if (nth == 0)
		S_worker(s);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	S_search_index(s);
	S_assets(s);
	S_copies(s);
	if (jsoned)
		pthread_join(json, NULL);
	return S_commit(s);
}

int
site_build(struct run *r, const struct site_options *so)
{
	struct site s;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = S_prepare(&s, r, so, 1)) == 0) {
		if (so->format == SITE_DOCBOOK) {
			S_docbook(&s, 0);
			rc = S_commit(&s);
		} else if ((rc = S_begin(&s, 1)) == 0) {
			rc = S_end(&s);
		}
	}
	S_free(&s);
	return rc;
}

struct site *
site_open(struct run *r, const struct site_options *so, int threads)
{
	struct site *s = xcalloc(1, sizeof(*s));
	struct docbook_input in;

	if (so->format != SITE_ALL || S_prepare(s, r, so, 0) != 0) {
		S_free(s);
		free(s);
		return NULL;
	}
	s->html = xcalloc(s->m->ndocs + 1, sizeof(*s->html));
	s->htmllen = xcalloc(s->m->ndocs + 1, sizeof(*s->htmllen));
	in = S_book_input(s, 1);
	s->book_plan = docbook_new(&in, threads);
	return s;
}

void
site_body(struct site *s, int thread, const struct doc *d, struct cmark_node *tree)
{
	size_t i = S_docno(s, d);
	char *root, *html;

	/* the book first: the page's rendering changes the tree */
	docbook_body(s->book_plan, thread, d, tree);
	if (d->entity == NULL || s->href[i] == NULL)
		return; /* plain pages are few: they parse on their own */
	root = S_rootof(s->href[i]);
	html = S_render_body(s, NULL, &tree, d, root, NULL, &s->htmllen[i]);
	/* kept until the page is made: no more than its size */
	s->html[i] = memcpy(xmalloc(s->htmllen[i] + 1), html, s->htmllen[i] + 1);
	free(html);
	free(root);
}

struct site *
site_start(struct site *s)
{
	if (S_begin(s, 0) != 0) {
		site_close(s);
		return NULL;
	}
	return s;
}

void
site_close(struct site *s)
{
	if (s == NULL)
		return;
	S_free(s);
	free(s);
}

int
site_finish(struct site *s, int status)
{
	if (status == 0) {
		status = S_end(s);
	} else {
		__atomic_store_n(&s->failed, 1, __ATOMIC_RELAXED);
		if (s->booked)
			pthread_join(s->book, NULL);
	}
	S_free(s);
	free(s);
	return status;
}
