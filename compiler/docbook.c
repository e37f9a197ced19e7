/* docbook.c — the DocBook back end: the checked model as one DocBook 5.0
 * <book>, built with libxml2 (trees, never markup by hand), each Markdown
 * body converted from its cmark-gfm tree. Hands the build one file,
 * isms.xml, valid against the DocBook 5.0 RELAX NG schema.
 *
 * The book: <info> (name, organisation, as_of, revision); a preface with
 * the scope (the document whose clauses hold "4.3"); a chapter per kind, in
 * a fixed order (policies, procedures, assets, the risk register, the SoA,
 * controls, the traceability matrix, objectives, audits, findings, actions,
 * reviews, incidents, then the project's own kinds in schema order), each
 * entity a <section> with its id and title, a table of its facts and its
 * body; plain pages last, as appendices. An empty chapter is left out; an
 * entity that publish: leaves out has no section and shows by its id alone.
 *
 * Markdown: a leading h1 that repeats the title is left out; each heading
 * opens a section inside the last one of a lower level (a skipped level
 * opens no empty section); a heading in a list item or a quote, where no
 * section can start, is a <bridgehead>; a hard line break is the
 * <?linebreak?> that docbook-xsl knows; raw HTML and thematic breaks are
 * dropped; a task item starts with a ballot box; a relative link leads to
 * an entity's section or a page's appendix (a .md file), or to
 * assets/files/PATH where the site copies other files, a URL only with a
 * safe scheme; nesting deeper than DB_MAX_DEPTH is kept as plain text. */
#include "docbook.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "hash.h"
#include "mandatory.h"
#include "markdown.h"
#include "xalloc.h"
#include "xmlout.h"

#define DB_NS "http://docbook.org/ns/docbook"
#define XLINK_NS "http://www.w3.org/1999/xlink"

/* S_textnode keeps short text where libxml2's compact nodes do */
_Static_assert(offsetof(xmlNode, nsDef) == offsetof(xmlNode, properties) + sizeof(void *),
    "libxml2's compact text nodes");

enum {
	DB_MAX_DEPTH = 40,  /* Markdown nesting kept as elements; deeper is flattened to text */
	DB_MAX_VALUE = 16,  /* nesting of a free-form YAML value shown in a fact */
};

struct einfo {
	const struct entity *e;
	const struct kinddef *kind; /* e's, here beside the link: referrers lists read
	                             * thousands of them, which the entities would scatter */
	const char *xmlid;        /* its section's xml:id, or NULL: it has none */
	struct xmlout_raw link;   /* a link to it, written (S_link_raw), or empty */
	const char *trace;        /* its row of the matrix's control table, or NULL */
	int used;                 /* a risk names it (own controls) */
};

/* The elements that hold elements only, where whitespace is layout; the
 * first two are written on one line (a table row; a list item that is one
 * paragraph). */
static const char *const S_eonames[] = {"row", "listitem", "section", "tbody", "itemizedlist",
    "orderedlist", "blockquote", "informaltable", "tgroup", "thead", "preface", "chapter",
    "appendix", "info"};
enum { EO_ROW, EO_LISTITEM };

/* The pieces of the book (see S_serialise) are jobs, built and serialised
 * on any thread, written in order by the main thread. */
enum { JOB_FREE, JOB_RUNNING, JOB_DONE, JOB_WINDOW = 256 /* jobs done ahead of the writer */ };

/* A growable string. */
struct sbuf {
	char *s;
	size_t n, cap;
};

/* Where the book goes; a failure to write is remembered here. */
struct sink {
	FILE *fp;
	int err;                  /* errno of the first failure, or 0 */
};

struct book;
struct job;

/* Builds a piece into h, the holder that is serialised and freed. */
typedef void piece_fn(struct book *B, xmlNodePtr h, const struct job *j);

struct job {
	piece_fn *fn;
	const struct entity *e;   /* the entity of a section or preface */
	const struct doc *page;   /* the plain page of an appendix */
	const struct kinddef *k;  /* the kind of a chapter's head, or the risks' */
	const char *el;           /* "section" or "preface" */
	size_t i;                 /* a SoA theme's first catalogue index */
	const char *open;         /* the xml:id of the chapter it opens, or NULL */
	const char *xmlid;        /* the xml:id of an appendix the piece is */
	int close;                /* it ends its chapter */
	int level;                /* the frame's level where it goes */
	int state;                /* JOB_*, under the pool's lock */
};

struct pool {
	struct job *v;
	size_t n, cap;
	size_t next;              /* the first job a worker may take */
	size_t taken;             /* jobs the writer has written */
	xmlBufferPtr slots[JOB_WINDOW]; /* job i is serialised into slots[i % JOB_WINDOW] */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* What one thread builds with. The plan (every xml:id, who has a section,
 * the jobs) is made by S_plan before any worker starts and only read
 * after; the tools are each thread's own: a worker works on a copy of the
 * main thread's book with tools of its own. */
struct book {
	const struct docbook_input *in;
	const struct model *m;
	const struct catalog *cat;
	xmlNsPtr db, xlink, xml;  /* namespaces; the elements' is DocBook's */
	struct arena a;           /* the xml:ids */
	struct hash ids;          /* xml:ids given, letter case ignored */
	struct einfo *ev;         /* one per entity of m, in its order */
	struct einfo **bydoc;     /* doc index -> its entity's einfo, or NULL */
	const char **soa;         /* catalogue index -> its SoA row's xml:id */
	struct xmlout_raw *soalink; /* catalogue index -> a link to its row, written, or empty */
	const char **trace;       /* catalogue index -> its matrix row's xml:id, or NULL */
	const char **page;        /* doc index -> its appendix's xml:id (plain pages), or NULL */
	const struct entity *scope;
	struct einfo **own;       /* the organisation's own controls, by id */
	size_t nown;
	struct pool *pool;
	struct frag *frag;        /* doc index -> its body from the model's parse, or NULL */
	/* this thread's tools */
	xmlDocPtr doc;            /* owns the nodes made (their names in its dictionary) */
	const xmlChar *eo[sizeof(S_eonames) / sizeof(*S_eonames)]; /* in doc's dictionary */
	const xmlChar *para, *entry; /* the commonest names, likewise */
	struct {                  /* element names (string literals) in doc's dictionary, */
		const char *lit;      /* by their address: the dictionary hashes them */
		const xmlChar *name;  /* for each of a million nodes otherwise */
	} names[64];
	struct md_parser *md;
	char *tmp;                /* scratch for cleaned text */
	size_t tmpcap;
	/* the main thread's */
	struct sink *sink;
	xmlTextWriterPtr w;       /* the frame's writer, onto sink */
	int level;                /* elements of the frame open */
};

/* An entity's body as its section holds it, serialised when the model
 * parsed it (docbook_body), so that the book need not parse it again. */
struct frag {
	struct xmlout_raw raw;    /* its blocks, at the section's content's level */
	int set;                  /* made (raw.n is 0 for a body with no block) */
};

/* A book planned before the model's bodies are read. */
struct docbook {
	struct docbook_input in;  /* the caller's, completed before the writing */
	struct book B;            /* the plan, and the main thread's tools */
	struct pool P;
	struct book *tw;          /* docbook_body's books, one per parsing thread */
	int ntw;
	int ok;                   /* B's tools are made and the plan with them */
};

/* The conversion of one Markdown body. */
struct conv {
	struct book *B;
	const struct doc *doc;
	struct md_body *refs;     /* finds the body's [[ID]] as the model does */
	int in_link;              /* inside a link: no link in it */
};

static void
S_sb_add(struct sbuf *b, const char *s, size_t n)
{
	xgrow(&b->s, &b->cap, b->n + n + 1, 1);
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* The output, for libxml2's writer and for the pieces: a failure is
 * remembered, not reported by libxml2. */
static int
S_write(void *ctx, const char *buf, int len)
{
	struct sink *k = ctx;

	if (len > 0 && k->err == 0 && fwrite(buf, 1, (size_t)len, k->fp) != (size_t)len)
		k->err = errno != 0 ? errno : EIO;
	return len;
}

/* ---- text and nodes ------------------------------------------------------ */

/* The length of the character at u[0..n) when it is well-formed UTF-8
 * and XML 1.0 allows it (no C0 control but tab, newline and CR, no
 * surrogate, no U+FFFE or U+FFFF), else 0. */
static size_t
S_xmlchar(const unsigned char *u, size_t n)
{
	unsigned c = u[0];
	unsigned long cp;
	size_t k;

	if (c < 0x80)
		return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
	k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (k == 0 || k > n)
		return 0;
	cp = c & (0x7F >> k);
	for (size_t j = 1; j < k; j++) {
		if ((u[j] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (u[j] & 0x3F);
	}
	if (k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp >= 0xFFFE))
		return 0;
	if (k == 4 && (cp < 0x10000 || cp > 0x10FFFF))
		return 0;
	return k;
}

/* s[0..n) without what XML 1.0 does not allow (see S_xmlchar). Returns s
 * itself when it is clean, else the cleaned copy in B->tmp; *outn gets the
 * length. */
static const char *
S_clean(struct book *B, const char *s, size_t n, size_t *outn)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o, k;

	while (i < n) {
		uint64_t w;
		if (i + 8 <= n) {
			/* eight bytes at a time while none is a control or not ASCII */
			memcpy(&w, u + i, 8);
			if ((((w - 0x2020202020202020ULL) | w) & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		if (u[i] >= 0x20 && u[i] < 0x80)
			i++;
		else if ((k = S_xmlchar(u + i, n - i)) > 0)
			i += k;
		else
			break;
	}
	if (i == n) {
		*outn = n;
		return s;
	}
	xgrow(&B->tmp, &B->tmpcap, n + 1, 1);
	memcpy(B->tmp, s, i);
	for (o = i; i < n;) {
		if ((k = S_xmlchar(u + i, n - i)) == 0) {
			i++; /* drop one byte and look again */
			continue;
		}
		memcpy(B->tmp + o, s + i, k);
		o += k;
		i += k;
	}
	B->tmp[o] = '\0';
	*outn = o;
	return B->tmp;
}

/* Link n as the last child of parent (xmlAddChild would merge a text node
 * into the text before it: a run of many small texts, quadratic). */
static xmlNodePtr
S_add(xmlNodePtr parent, xmlNodePtr n)
{
	n->parent = parent;
	if (parent->last != NULL) {
		parent->last->next = n;
		n->prev = parent->last;
	} else {
		parent->children = n;
	}
	parent->last = n;
	return n;
}

/* Link n as the first child of parent. */
static void
S_prepend(xmlNodePtr parent, xmlNodePtr n)
{
	n->parent = parent;
	n->next = parent->children;
	if (parent->children != NULL)
		parent->children->prev = n;
	else
		parent->last = n;
	parent->children = n;
}

static void
S_remove(xmlNodePtr n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/* A DocBook element, appended to parent unless parent is NULL. Its name
 * is looked up in the dictionary once per address it is passed at (string
 * literals, all of them), and compared to be sure. */
static xmlNodePtr
S_el(struct book *B, xmlNodePtr parent, const char *name)
{
	size_t h = ((uintptr_t)name >> 3) % (sizeof(B->names) / sizeof(*B->names));
	xmlNodePtr n;

	if (B->names[h].lit != name || strcmp((const char *)B->names[h].name, name) != 0) {
		B->names[h].lit = name;
		B->names[h].name = xmlDictLookup(B->doc->dict, (const xmlChar *)name, -1);
	}
	n = xmlNewDocNodeEatName(B->doc, B->db, (xmlChar *)B->names[h].name, NULL);
	return parent != NULL ? S_add(parent, n) : n;
}

/* A text node of s[0..n). A short one keeps its text in the node itself,
 * as libxml2's parser does with XML_PARSE_COMPACT (one allocation less;
 * such a node is never changed afterwards, and xmlFreeNode knows it). */
static xmlNodePtr
S_textnode(struct book *B, const char *s, size_t n)
{
	xmlNodePtr t;

	if (n >= 2 * sizeof(void *))
		return xmlNewDocTextLen(B->doc, (const xmlChar *)s, (int)n);
	t = xmlNewDocTextLen(B->doc, NULL, 0);
	t->content = (xmlChar *)t + offsetof(xmlNode, properties);
	memcpy(t->content, s, n);
	t->content[n] = '\0';
	return t;
}

/* Append s[0..n) as text, cleaned; libxml2 escapes it when it saves. */
static void
S_textn(struct book *B, xmlNodePtr parent, const char *s, size_t n)
{
	const char *c = S_clean(B, s, n, &n);

	if (n > 0)
		S_add(parent, S_textnode(B, c, n));
}

static void
S_text(struct book *B, xmlNodePtr parent, const char *s)
{
	if (s != NULL)
		S_textn(B, parent, s, strlen(s));
}

/* An element holding the text s (none when s is NULL). */
static xmlNodePtr
S_eltext(struct book *B, xmlNodePtr parent, const char *name, const char *s)
{
	xmlNodePtr n = S_el(B, parent, name);

	S_text(B, n, s);
	return n;
}

/* An attribute of n with the value v (as libxml2's xmlNewNsProp, but with
 * a compact text node, and never entered in the document's ID table,
 * which nothing here reads). */
static void
S_prop(struct book *B, xmlNodePtr n, xmlNsPtr ns, const char *name, const char *v)
{
	xmlAttrPtr a = xmlNewNsProp(n, ns, (const xmlChar *)name, NULL);
	xmlNodePtr t = S_textnode(B, v, strlen(v));

	a->children = a->last = t;
	t->parent = (xmlNodePtr)a;
}

/* An attribute whose value is text from the source, cleaned. */
static void
S_attr(struct book *B, xmlNodePtr n, xmlNsPtr ns, const char *name, const char *s, size_t len)
{
	const char *c = S_clean(B, s, len, &len);
	char *v = xstrndup(c, len);

	S_prop(B, n, ns, name, v);
	free(v);
}

static void
S_setid(struct book *B, xmlNodePtr n, const char *id)
{
	S_prop(B, n, B->xml, "id", id);
}

/* 1 when n holds an element other than its title: a component or section
 * must have some content. */
static int
S_has_content(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !xmlStrEqual(c->name, (const xmlChar *)"title"))
			return 1;
	return 0;
}

/* Give n (a section, list item, block quote) the block it needs. */
static void
S_need_block(struct book *B, xmlNodePtr n)
{
	if (!S_has_content(n))
		S_el(B, n, "para");
}

/* ---- xml:ids --------------------------------------------------------------- */

/* A fresh xml:id from prefix and s: s made an NCName (a character outside
 * [A-Za-z0-9._-] becomes '_', and one that cannot start a name gets a '_'
 * before it), then "-2", "-3", ... added until it differs from every id
 * given so far, letter case ignored (chunked output on a case-insensitive
 * disk must not collide). Owned by B->a. */
static const char *
S_newid(struct book *B, const char *prefix, const char *s)
{
	size_t np = strlen(prefix), ns = strlen(s), n = 0;
	char *base = xmalloc(np + ns + 2), *id;

	if (np == 0 && !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		base[n++] = '_';
	memcpy(base + n, prefix, np);
	n += np;
	for (size_t i = 0; i < ns; i++) {
		char c = s[i];
		base[n++] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' ? c : '_';
	}
	base[n] = '\0';
	id = arena_strdup(&B->a, base);
	for (unsigned k = 2; hash_get(&B->ids, id) != NULL; k++)
		id = arena_printf(&B->a, "%s-%u", base, k);
	free(base);
	hash_put(&B->ids, id, id);
	return id;
}

/* ---- the model --------------------------------------------------------- */

static int
S_is(const struct entity *e, const char *kind)
{
	return e != NULL && e->kind != NULL && strcmp(e->kind->name, kind) == 0;
}

static struct einfo *
S_info(const struct book *B, const struct entity *e)
{
	struct einfo *i = e != NULL ? B->bydoc[e->doc - B->m->docs] : NULL;

	return i != NULL && i->e == e ? i : NULL;
}

/* The xml:id of e's section, or NULL when it has none. */
static const char *
S_xmlid(const struct book *B, const struct entity *e)
{
	const struct einfo *i = S_info(B, e);

	return i != NULL ? i->xmlid : NULL;
}

/* "ID Title", the heading of an entity's section; a string to free. */
static char *
S_heading(const struct book *B, const struct entity *e)
{
	const char *t = entity_title(e, B->cat);

	return t != NULL ? xasprintf("%s %s", e->id, t) : xstrdup(e->id);
}

/* A link to the xml:id to, shown as text[0..n), or the text alone when to
 * is NULL. raw, when not NULL or empty, is that link written already
 * (S_link_raw): it stands in, and no nodes are made. */
static void
S_link_to(struct book *B, xmlNodePtr parent, const char *to, const struct xmlout_raw *raw,
    const char *text, size_t n)
{
	xmlNodePtr l;

	if (to == NULL) {
		S_textn(B, parent, text, n);
		return;
	}
	if (raw != NULL && raw->n > 0) {
		S_el(B, parent, "link")->_private = (void *)raw;
		return;
	}
	l = S_el(B, parent, "link");
	S_prop(B, l, NULL, "linkend", to);
	S_textn(B, l, text, n);
}

/* An entity as a link from its einfo; its id, the text, is read only when the link
 * is not written already. */
static void
S_info_link(struct book *B, xmlNodePtr parent, const struct einfo *in)
{
	int written = in->xmlid != NULL && in->link.n > 0;

	S_link_to(B, parent, in->xmlid, &in->link, written ? NULL : in->e->id,
	    written ? 0 : strlen(in->e->id));
}

/* e as a link to its section, or its id alone when it has none. */
static void
S_entity_link(struct book *B, xmlNodePtr parent, const struct entity *e)
{
	const struct einfo *in = S_info(B, e);

	if (in != NULL)
		S_info_link(B, parent, in);
	else
		S_link_to(B, parent, NULL, NULL, e->id, strlen(e->id));
}

/* Where a reference to id leads: its entity's section, or a catalogue
 * control's SoA row when no entity has the id; NULL when nowhere (an unknown
 * id, or an entity that publish: leaves out). *raw gets the link there,
 * written (S_link_raw). */
static const char *
S_target(const struct book *B, const char *id, const struct xmlout_raw **raw)
{
	const struct entity *e = model_find(B->m, id);
	const struct einfo *in;
	int k;

	*raw = NULL;
	if (e != NULL) {
		if ((in = S_info(B, e)) == NULL)
			return NULL;
		*raw = &in->link;
		return in->xmlid;
	}
	if ((k = catalog_find(B->cat, id)) >= 0 && (size_t)k < B->cat->n) {
		*raw = B->soalink != NULL ? &B->soalink[k] : NULL;
		return B->soa[k];
	}
	return NULL;
}

/* A reference to id shown as text[0..n): a link where it leads somewhere,
 * else the text alone. References in facts and tables, thousands of times
 * over, show the id itself: they take the written link. */
static void
S_ref(struct book *B, xmlNodePtr parent, const char *id, const char *text, size_t n)
{
	const struct xmlout_raw *raw;
	const char *to = S_target(B, id, &raw);

	if (strlen(id) != n || memcmp(id, text, n) != 0)
		raw = NULL;
	S_link_to(B, parent, to, raw, text, n);
}

/* The plain page doc as a link to its appendix. */
static void
S_page_link(struct book *B, xmlNodePtr parent, const struct doc *doc)
{
	const char *to = B->page[doc - B->m->docs];
	xmlNodePtr l;

	if (to == NULL) {
		S_text(B, parent, doc->path);
		return;
	}
	l = S_el(B, parent, "link");
	S_prop(B, l, NULL, "linkend", to);
	S_text(B, l, doc->title != NULL ? doc->title : doc->path);
}

static int
S_kind_in(const struct kinddef *k, const char *const *kinds)
{
	for (; k != NULL && *kinds != NULL; kinds++)
		if (strcmp(k->name, *kinds) == 0)
			return 1;
	return 0;
}

/* The documents that refer through refs, each once (a document's references
 * are adjacent in refs), as links joined by ", ", into n cells at once: cell
 * k gets those of the kinds kinds[k], or with kinds[k] NULL every one, plain
 * pages too. One walk for a row's cells: at 10,000 documents a control has
 * thousands of referrers, each a few cache misses away. */
static void
S_referrers_into(struct book *B, xmlNodePtr *cells, const char *const *const *kinds, int n,
    const struct refvec *refs)
{
	const struct doc *prev = NULL;
	int first[3] = {1, 1, 1};

	for (size_t i = 0; i < refs->n; i++) {
		const struct doc *d = refs->v[i]->from;
		const struct einfo *in;
		if (d == prev)
			continue;
		prev = d;
		in = B->bydoc[d - B->m->docs]; /* NULL for a plain page */
		for (int k = 0; k < n && k < 3; k++) {
			if (kinds[k] != NULL && (in == NULL || !S_kind_in(in->kind, kinds[k])))
				continue;
			if (!first[k])
				S_textn(B, cells[k], ", ", 2);
			first[k] = 0;
			if (in != NULL)
				S_info_link(B, cells[k], in);
			else
				S_page_link(B, cells[k], d);
		}
	}
}

/* The same into one cell. */
static void
S_referrers(struct book *B, xmlNodePtr parent, const struct refvec *refs,
    const char *const *kinds)
{
	S_referrers_into(B, &parent, &kinds, 1, refs);
}

static const char *const S_risks[] = {"risk", NULL};
static const char *const S_policies[] = {"policy", "procedure", NULL};
static const char *const S_objectives[] = {"objective", NULL};
static const char *const *const S_rpo[] = {S_risks, S_policies, S_objectives};

/* ---- Markdown ------------------------------------------------------------ */

/* The cmark-gfm tree of a doc's body (free with cmark_node_free), or NULL.
 * Parses go through md_parse_tree, which has them take turns (cmark-gfm's
 * globals); the conversion of the trees runs on every thread. */
static cmark_node *
S_parse(struct book *B, const struct doc *doc)
{
	if (doc->body == NULL || doc->body_len == 0)
		return NULL;
	return md_parse_tree(B->md, doc->body, doc->body_len);
}

static int
S_type_is(cmark_node *n, const char *name)
{
	const char *t = cmark_node_get_type_string(n);

	return t != NULL && strcmp(t, name) == 0;
}

/* The plain text of a subtree (text and code; breaks and blocks as spaces),
 * walked with cmark's iterator so that no nesting is too deep. */
static void
S_plain(cmark_node *n, struct sbuf *b)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *x = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(x);
		const char *lit;
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK) {
			if ((lit = cmark_node_get_literal(x)) != NULL)
				S_sb_add(b, lit, strlen(lit));
		} else if ((t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK ||
		    (x != n && (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)) &&
		    b->n > 0 && b->s[b->n - 1] != ' ') {
			S_sb_add(b, " ", 1);
		}
	}
	cmark_iter_free(it);
}

/* The first block of a body when it is a level 1 heading: its text in b. */
static cmark_node *
S_first_h1(cmark_node *root, struct sbuf *b)
{
	cmark_node *n = root != NULL ? cmark_node_first_child(root) : NULL;

	if (n == NULL || cmark_node_get_type(n) != CMARK_NODE_HEADING ||
	    cmark_node_get_heading_level(n) != 1)
		return NULL;
	S_plain(n, b);
	return n;
}

static int
S_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A URL as a URI reference: each byte outside RFC 3986's unreserved and
 * reserved characters (brackets excepted) percent-encoded, as is a '%' not
 * followed by two hex digits. Returns a string to free. */
static char *
S_uri(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *o = xmalloc(3 * n + 1), *p = o;

	for (const unsigned char *u = (const unsigned char *)s; *u != '\0'; u++) {
		int c = *u;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~:/?#@!$&'()*+,;=", c) != NULL ||
		    (c == '%' && S_hex(u[1]) && S_hex(u[2]))) {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return o;
}

/* A file of the tree as the site has it: assets/files/PATH, a URI; a
 * string to free. */
static char *
S_files_uri(const char *path)
{
	char *p = xasprintf("assets/files/%s", path), *u = S_uri(p);

	free(p);
	return u;
}

static int
S_is_md(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".md") == 0;
}

/* 1 when url starts with one of the schemes a reader can follow safely. */
static int
S_safe_scheme(const char *url, int image)
{
	static const char *const schemes[] = {"http:", "https:", "mailto:", "ftp:"};
	size_t n = image ? 2 : sizeof(schemes) / sizeof(*schemes);

	for (size_t i = 0; i < n; i++)
		if (strncasecmp(url, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	return 0;
}

/* Where a relative link to the tree's path leads: an entity's section or a
 * plain page's appendix; NULL when nowhere. */
static const char *
S_path_target(const struct book *B, const char *path)
{
	const struct doc *d = path[0] != '\0' ? model_doc(B->m, path) : NULL;

	if (d == NULL)
		return NULL;
	return d->entity != NULL ? S_xmlid(B, d->entity) : B->page[d - B->m->docs];
}

static void S_block(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth);
static void S_inline(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth);

static void
S_blocks(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth)
{
	for (; n != NULL; n = cmark_node_next(n))
		S_block(C, n, parent, depth);
}

static void
S_inlines(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth)
{
	for (; n != NULL; n = cmark_node_next(n))
		S_inline(C, n, parent, depth);
}

/* A text node, its [[ID]] and [[ID|text]] references made links; they are
 * found by markdown.c, as the model finds them ("\\[[" is text, and so is
 * a "[[" that entities made). */
struct textrefs {
	struct conv *C;
	xmlNodePtr parent;
	size_t pos;               /* the literal up to here is out */
};

static void
S_text_ref(void *ctx, const char *lit, const struct md_textref *r)
{
	struct textrefs *T = ctx;
	struct book *B = T->C->B;
	char *id = xstrndup(lit + r->off + r->id_off, r->id_len);

	S_textn(B, T->parent, lit + T->pos, r->off - T->pos);
	if (T->C->in_link) /* no link in a link: the text shown, as the site does */
		S_textn(B, T->parent, r->text_len > 0 ? lit + r->off + r->text_off : id,
		    r->text_len > 0 ? r->text_len : r->id_len);
	else if (r->text_len > 0)
		S_ref(B, T->parent, id, lit + r->off + r->text_off, r->text_len);
	else
		S_ref(B, T->parent, id, id, r->id_len);
	free(id);
	T->pos = r->off + r->len;
}

static void
S_text_refs(struct conv *C, cmark_node *node, xmlNodePtr parent)
{
	const char *lit = cmark_node_get_literal(node);
	struct textrefs T = {C, parent, 0};
	size_t n;

	if (lit == NULL)
		return;
	n = strlen(lit);
	if (strstr(lit, "[[") == NULL) {
		S_textn(C->B, parent, lit, n);
		return;
	}
	if (C->refs == NULL)
		C->refs = md_body_new(C->doc->body, C->doc->body_len);
	md_text_refs(C->refs, node, S_text_ref, &T);
	S_textn(C->B, parent, lit + T.pos, n - T.pos);
}

/* A link: to an entity's section or a plain page's appendix when it leads
 * to a Markdown file of the tree that has one; to assets/files/PATH, where
 * the site copies the tree's other files, for any other relative link; to
 * its URL when that has a safe scheme; otherwise its text alone. */
static void
S_link(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth)
{
	struct book *B = C->B;
	const char *url = cmark_node_get_url(n), *title = cmark_node_get_title(n), *to = NULL;
	char path[4096], *href = NULL;
	xmlNodePtr l;
	int rc;

	if (!C->in_link && url != NULL && url[0] != '\0') {
		rc = link_resolve(C->doc->path, url, path, sizeof(path));
		if (rc == 1 && S_is_md(path))
			to = S_path_target(B, path);
		else if (rc == 1 && path[0] != '\0')
			href = S_files_uri(path);
		else if (rc == 0 && S_safe_scheme(url, 0))
			href = S_uri(url);
	}
	if (to == NULL && href == NULL) {
		S_inlines(C, cmark_node_first_child(n), parent, depth + 1);
		return;
	}
	l = S_el(B, parent, "link");
	if (to != NULL)
		S_prop(B, l, NULL, "linkend", to);
	else
		S_prop(B, l, B->xlink, "href", href);
	/* DocBook 5.0's schema takes xlink:title beside xlink:href only */
	if (to == NULL && title != NULL && title[0] != '\0')
		S_attr(B, l, B->xlink, "title", title, strlen(title));
	free(href);
	C->in_link++;
	S_inlines(C, cmark_node_first_child(n), l, depth + 1);
	C->in_link--;
}

/* An image, where Markdown puts it: an inlinemediaobject whose fileref is
 * assets/files/PATH, where the site copies the tree's files (or its http(s)
 * URL), its description as <alt>. An image from elsewhere leaves its
 * description as text. */
static void
S_image(struct conv *C, cmark_node *n, xmlNodePtr parent)
{
	struct book *B = C->B;
	const char *url = cmark_node_get_url(n);
	char path[4096], *ref = NULL;
	struct sbuf alt = {NULL, 0, 0};
	xmlNodePtr o, d;
	int rc;

	if (url != NULL && url[0] != '\0') {
		rc = link_resolve(C->doc->path, url, path, sizeof(path));
		if (rc == 1 && path[0] != '\0' && !S_is_md(path)) /* a document is no image */
			ref = S_files_uri(path);
		else if (rc == 0 && S_safe_scheme(url, 1))
			ref = S_uri(url);
	}
	for (cmark_node *c = cmark_node_first_child(n); c != NULL; c = cmark_node_next(c))
		S_plain(c, &alt);
	if (ref == NULL) {
		if (alt.n > 0)
			S_textn(B, parent, alt.s, alt.n);
		free(alt.s);
		return;
	}
	o = S_el(B, parent, "inlinemediaobject");
	if (alt.n > 0)
		S_textn(B, S_el(B, o, "alt"), alt.s, alt.n);
	d = S_el(B, S_el(B, o, "imageobject"), "imagedata");
	S_prop(B, d, NULL, "fileref", ref);
	free(ref);
	free(alt.s);
}

/* An emphasis element, with a role unless role is NULL. */
static xmlNodePtr
S_emphasis(struct book *B, xmlNodePtr parent, const char *role)
{
	xmlNodePtr e = S_el(B, parent, "emphasis");

	if (role != NULL)
		S_prop(B, e, NULL, "role", role);
	return e;
}

/* The plain text of n appended to parent: how a node too deeply nested is
 * kept. */
static void
S_flat(struct conv *C, cmark_node *n, xmlNodePtr parent)
{
	struct sbuf b = {NULL, 0, 0};

	S_plain(n, &b);
	if (b.n > 0)
		S_textn(C->B, parent, b.s, b.n);
	free(b.s);
}

static void
S_inline(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth)
{
	struct book *B = C->B;
	const char *lit;

	if (depth >= DB_MAX_DEPTH) {
		S_flat(C, n, parent);
		return;
	}
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
		S_text_refs(C, n, parent);
		break;
	case CMARK_NODE_SOFTBREAK:
		S_textn(B, parent, " ", 1);
		break;
	case CMARK_NODE_LINEBREAK:
		/* a para has no line break element; docbook-xsl knows this one */
		S_add(parent, xmlNewDocPI(B->doc, (const xmlChar *)"linebreak", NULL));
		break;
	case CMARK_NODE_CODE:
		lit = cmark_node_get_literal(n);
		S_eltext(B, parent, "literal", lit);
		break;
	case CMARK_NODE_HTML_INLINE:
		break; /* raw HTML is never copied */
	case CMARK_NODE_EMPH:
		S_inlines(C, cmark_node_first_child(n), S_emphasis(B, parent, NULL), depth + 1);
		break;
	case CMARK_NODE_STRONG:
		S_inlines(C, cmark_node_first_child(n), S_emphasis(B, parent, "strong"), depth + 1);
		break;
	case CMARK_NODE_LINK:
		S_link(C, n, parent, depth);
		break;
	case CMARK_NODE_IMAGE:
		S_image(C, n, parent);
		break;
	default:
		if (S_type_is(n, "strikethrough"))
			parent = S_emphasis(B, parent, "strikethrough");
		S_inlines(C, cmark_node_first_child(n), parent, depth + 1);
		break;
	}
}

/* A task list item's state as a ballot box at the start of its first
 * paragraph. */
static void
S_task(struct book *B, xmlNodePtr item, int checked)
{
	xmlNodePtr first = item->children,
	    mark = S_textnode(B, checked ? "\xE2\x98\x91 " : "\xE2\x98\x90 ", 4);

	if (first == NULL || !xmlStrEqual(first->name, (const xmlChar *)"para")) {
		xmlNodePtr p = xmlNewDocNode(B->doc, B->db, (const xmlChar *)"para", NULL);
		S_prepend(item, p);
		first = p;
	}
	S_prepend(first, mark);
}

static void
S_list(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth)
{
	struct book *B = C->B;
	int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST,
	    start = cmark_node_get_list_start(n);
	xmlNodePtr l = S_el(B, parent, ordered ? "orderedlist" : "itemizedlist");
	char num[16];

	if (cmark_node_get_list_tight(n))
		S_prop(B, l, NULL, "spacing", "compact");
	if (ordered && start != 1) {
		snprintf(num, sizeof(num), "%d", start);
		S_prop(B, l, NULL, "startingnumber", num);
	}
	for (cmark_node *it = cmark_node_first_child(n); it != NULL; it = cmark_node_next(it)) {
		xmlNodePtr li = S_el(B, l, "listitem");
		S_blocks(C, cmark_node_first_child(it), li, depth + 2);
		if (S_type_is(it, "tasklist"))
			S_task(B, li, cmark_gfm_extensions_get_tasklist_item_checked(it));
		S_need_block(B, li);
	}
	if (l->children == NULL)
		S_el(B, S_el(B, l, "listitem"), "para");
}

static void
S_code(struct conv *C, cmark_node *n, xmlNodePtr parent)
{
	struct book *B = C->B;
	const char *lit = cmark_node_get_literal(n), *info = cmark_node_get_fence_info(n);
	size_t len = lit != NULL ? strlen(lit) : 0, k;
	xmlNodePtr p = S_el(B, parent, "programlisting");

	if (info != NULL && (k = strcspn(info, " \t")) > 0)
		S_attr(B, p, NULL, "language", info, k);
	if (len > 0 && lit[len - 1] == '\n')
		len--;
	if (len > 0)
		S_textn(B, p, lit, len);
}

/* A GFM table as a CALS informaltable: the column alignments on colspecs,
 * the header row in thead (in tbody when the table has no other row, as
 * tbody needs one). */
static void
S_table(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth)
{
	struct book *B = C->B;
	int cols = cmark_gfm_extensions_get_table_columns(n), nbody = 0;
	uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
	xmlNodePtr t, g, head = NULL, body;
	char buf[24];

	for (cmark_node *r = cmark_node_first_child(n); r != NULL; r = cmark_node_next(r))
		nbody += !cmark_gfm_extensions_get_table_row_is_header(r);
	if (cols < 1 || cmark_node_first_child(n) == NULL) {
		S_flat(C, n, S_el(B, parent, "para"));
		return;
	}
	t = S_el(B, parent, "informaltable");
	g = S_el(B, t, "tgroup");
	snprintf(buf, sizeof(buf), "%d", cols);
	S_prop(B, g, NULL, "cols", buf);
	for (int i = 0; i < cols; i++) {
		xmlNodePtr cs = S_el(B, g, "colspec");
		const char *a = al == NULL ? NULL : al[i] == 'l' ? "left" : al[i] == 'c' ? "center"
		    : al[i] == 'r' ? "right" : NULL;
		snprintf(buf, sizeof(buf), "c%d", i + 1);
		S_prop(B, cs, NULL, "colname", buf);
		if (a != NULL)
			S_prop(B, cs, NULL, "align", a);
	}
	if (nbody > 0)
		head = S_el(B, g, "thead");
	body = S_el(B, g, "tbody");
	for (cmark_node *r = cmark_node_first_child(n); r != NULL; r = cmark_node_next(r)) {
		int hdr = cmark_gfm_extensions_get_table_row_is_header(r), k = 0;
		xmlNodePtr row = S_el(B, hdr && head != NULL ? head : body, "row");
		for (cmark_node *c = cmark_node_first_child(r); c != NULL && k < cols;
		    c = cmark_node_next(c), k++)
			S_inlines(C, cmark_node_first_child(c), S_el(B, row, "entry"), depth + 1);
		if (row->children == NULL)
			S_el(B, row, "entry");
	}
}

static void
S_block(struct conv *C, cmark_node *n, xmlNodePtr parent, int depth)
{
	struct book *B = C->B;
	xmlNodePtr x;

	if (depth >= DB_MAX_DEPTH) {
		x = S_el(B, parent, "para");
		S_flat(C, n, x);
		return;
	}
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_PARAGRAPH:
		x = S_el(B, parent, "para");
		S_inlines(C, cmark_node_first_child(n), x, depth + 1);
		if (x->children == NULL)
			S_remove(x); /* it held raw HTML only */
		break;
	case CMARK_NODE_HEADING:
		/* a heading in a list item or a quote: no section can start there */
		S_inlines(C, cmark_node_first_child(n), S_el(B, parent, "bridgehead"), depth + 1);
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		x = S_el(B, parent, "blockquote");
		S_blocks(C, cmark_node_first_child(n), x, depth + 1);
		S_need_block(B, x);
		break;
	case CMARK_NODE_LIST:
		S_list(C, n, parent, depth);
		break;
	case CMARK_NODE_CODE_BLOCK:
		S_code(C, n, parent);
		break;
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_THEMATIC_BREAK:
		break; /* raw HTML is never copied; a rule has no DocBook block */
	default:
		if (S_type_is(n, "table"))
			S_table(C, n, parent, depth);
		else
			S_blocks(C, cmark_node_first_child(n), parent, depth + 1);
		break;
	}
}

/* Convert the body root of doc into sec, a component or section that has
 * its title and facts already: the blocks before the first heading go into
 * sec; each heading opens a section inside the nearest open one of a lower
 * level (a level skipped opens no empty section). skip, the leading h1 that
 * repeats the title, is left out. */
static void
S_body(struct book *B, const struct doc *doc, cmark_node *root, cmark_node *skip, xmlNodePtr sec)
{
	struct conv C = {B, doc, NULL, 0};
	xmlNodePtr stack[8];
	int level[8], k = 0;

	stack[0] = sec;
	level[0] = 0;
	for (cmark_node *n = root ? cmark_node_first_child(root) : NULL; n; n = cmark_node_next(n)) {
		if (n == skip)
			continue;
		if (cmark_node_get_type(n) != CMARK_NODE_HEADING) {
			S_block(&C, n, stack[k], 1);
			continue;
		}
		int l = cmark_node_get_heading_level(n);
		while (k > 0 && level[k] >= l)
			S_need_block(B, stack[k--]);
		xmlNodePtr s = S_el(B, stack[k], "section");
		S_inlines(&C, cmark_node_first_child(n), S_el(B, s, "title"), 1);
		stack[++k] = s;
		level[k] = l;
	}
	while (k > 0)
		S_need_block(B, stack[k--]);
	md_body_free(C.refs);
}

/* ---- facts --------------------------------------------------------------- */

static int
S_is_ref(const struct fielddef *f)
{
	return f != NULL && (f->type == FT_REF || (f->type == FT_LIST && f->of == FT_REF));
}

/* A front matter value as inline text: references as links, booleans as
 * yes or no, lists joined by ", ", maps as "key: value" joined by "; ". */
static void
S_value(struct book *B, xmlNodePtr parent, const struct fielddef *f, const struct ynode *v,
    int depth)
{
	int b;

	if (v == NULL || ynode_is_null(v))
		return;
	if (depth > DB_MAX_VALUE) {
		S_textn(B, parent, "...", 3);
		return;
	}
	switch (v->type) {
	case YNODE_SCALAR:
		if (S_is_ref(f))
			S_ref(B, parent, v->str, v->str, strlen(v->str));
		else if (f != NULL && f->type == FT_BOOLEAN && yvalue_bool(v, &b) == 0)
			S_text(B, parent, b ? "yes" : "no");
		else
			S_text(B, parent, v->str);
		break;
	case YNODE_SEQ:
		for (size_t i = 0; i < v->n; i++) {
			if (i > 0)
				S_textn(B, parent, ", ", 2);
			S_value(B, parent, f, v->kids[i], depth + 1);
		}
		break;
	default:
		for (size_t i = 0; i + 1 < v->n; i += 2) {
			if (i > 0)
				S_textn(B, parent, "; ", 2);
			S_value(B, parent, NULL, v->kids[i], depth + 1);
			S_textn(B, parent, ": ", 2);
			S_value(B, parent, NULL, v->kids[i + 1], depth + 1);
		}
		break;
	}
}

/* "approved_on" -> "Approved on"; a string to free. */
static char *
S_label(const char *name)
{
	char *s = xstrdup(name);

	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

/* One row of the facts table (made with the first): the field's name, and
 * the entry for its value. */
static xmlNodePtr
S_fact(struct book *B, xmlNodePtr *tbody, xmlNodePtr parent, const char *name)
{
	xmlNodePtr row;

	if (*tbody == NULL) {
		xmlNodePtr t = S_el(B, parent, "informaltable"), g = S_el(B, t, "tgroup");
		S_prop(B, t, NULL, "role", "facts");
		S_prop(B, g, NULL, "cols", "2");
		*tbody = S_el(B, g, "tbody");
	}
	row = S_el(B, *tbody, "row");
	S_eltext(B, row, "entry", name);
	return S_el(B, row, "entry");
}

/* The facts of e, as a table of two columns: each front matter field its
 * kind defines (but title, shown as the heading, and an objective's
 * measurements, shown as a table of their own), in the schema's order,
 * then who refers to it. A list of several plain values (evidence) is an
 * itemizedlist; any other value is inline. */
static void
S_facts(struct book *B, xmlNodePtr parent, const struct entity *e)
{
	xmlNodePtr tbody = NULL, c;

	for (size_t i = 0; e->kind != NULL && i < e->kind->n; i++) {
		const struct fielddef *f = e->kind->fields[i];
		const struct ynode *v = entity_get(e, f->name);
		char *label;
		if (v == NULL || strcmp(f->name, "title") == 0 || (v->type == YNODE_SEQ && v->n == 0) ||
		    (S_is(e, "objective") && strcmp(f->name, "measurements") == 0))
			continue;
		label = S_label(f->name);
		c = S_fact(B, &tbody, parent, label);
		free(label);
		if (v->type == YNODE_SEQ && v->n > 1 && !S_is_ref(f) && f->of != FT_MAP) {
			xmlNodePtr l = S_el(B, c, "itemizedlist");
			S_prop(B, l, NULL, "spacing", "compact");
			for (size_t k = 0; k < v->n; k++)
				S_value(B, S_el(B, S_el(B, l, "listitem"), "para"), f, v->kids[k], 1);
		} else {
			S_value(B, c, f, v, 0);
		}
	}
	if (e->in.n > 0)
		S_referrers(B, S_fact(B, &tbody, parent, "Referred to by"), &e->in, NULL);
}

/* ---- tables of the model ------------------------------------------------- */

/* An informaltable with n columns and a header row; returns its tbody. */
static xmlNodePtr
S_table_new(struct book *B, xmlNodePtr parent, const char *const *head, int n)
{
	xmlNodePtr t = S_el(B, parent, "informaltable"), g = S_el(B, t, "tgroup"), r;
	char buf[24];

	snprintf(buf, sizeof(buf), "%d", n);
	S_prop(B, g, NULL, "cols", buf);
	for (int i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "c%d", i + 1);
		S_prop(B, S_el(B, g, "colspec"), NULL, "colname", buf);
	}
	r = S_el(B, S_el(B, g, "thead"), "row");
	for (int i = 0; i < n; i++)
		S_eltext(B, r, "entry", head[i]);
	return S_el(B, g, "tbody");
}

/* A table with no row is no table (tbody needs one): remove it. */
static void
S_table_end(xmlNodePtr tbody)
{
	if (tbody->children == NULL)
		S_remove(tbody->parent->parent);
}

static xmlNodePtr
S_cell(struct book *B, xmlNodePtr row, const char *text)
{
	return S_eltext(B, row, "entry", text);
}

static void
S_cell_ref(struct book *B, xmlNodePtr row, const struct entity *e)
{
	S_entity_link(B, S_el(B, row, "entry"), e);
}

/* The risk methodology of isms.yaml: scales, scoring, appetite, levels. */
static void
S_method(struct book *B, xmlNodePtr h)
{
	const struct config *c = B->in->cfg;
	const char *const axis[2] = {"Likelihood", "Impact"};
	const char **const labels[2] = {c->likelihood_labels, c->impact_labels};
	char *t = xasprintf("Likelihood and impact are rated from 1 to %ld; a risk's score is %s, "
	    "and a score above the risk appetite of %ld needs treatment or a named acceptance.",
	    c->risk_scale, c->risk_matrix != NULL ? "read from the organisation's risk matrix" :
	    "likelihood \xC3\x97 impact", c->risk_appetite);
	xmlNodePtr list;

	S_text(B, S_el(B, h, "para"), t);
	free(t);
	list = S_el(B, h, "itemizedlist");
	for (size_t k = 0; k < c->nlevels; k++) {
		t = k + 1 < c->nlevels ? xasprintf("%s: a score up to %ld", c->levels[k].name,
		    c->levels[k].max) : xasprintf("%s: any higher score", c->levels[k].name);
		S_text(B, S_el(B, S_el(B, list, "listitem"), "para"), t);
		free(t);
	}
	for (int a = 0; a < 2; a++) {
		if (labels[a] == NULL)
			continue;
		list = S_el(B, h, "orderedlist");
		S_prop(B, list, NULL, "numeration", "arabic");
		S_text(B, S_el(B, list, "title"), axis[a]);
		for (long v = 0; v < c->risk_scale; v++)
			S_text(B, S_el(B, S_el(B, list, "listitem"), "para"), labels[a][v]);
	}
}

/* Likelihood times impact as "20 (4 × 5)" into buf; 0 when either is
 * missing. */
static int
S_score(const struct book *B, const struct entity *e, const char *lf, const char *imf, char *buf,
    size_t size)
{
	const struct config *c = B->in->cfg;
	long l, i, score;

	if (yvalue_int(entity_get(e, lf), &l) != 0 || yvalue_int(entity_get(e, imf), &i) != 0)
		return 0;
	score = config_risk_score(c, l, i);
	snprintf(buf, size, "%ld (%ld \xC3\x97 %ld, %s)", score, l, i,
	    config_risk_level(c, score)->name);
	return 1;
}

/* Each field's value of e as a cell (nothing for an entity that publish:
 * leaves out: it shows by id only). */
static void
S_cells(struct book *B, xmlNodePtr row, const struct entity *e, int pub,
    const char *const *fields)
{
	for (; *fields != NULL; fields++) {
		xmlNodePtr c = S_el(B, row, "entry");
		if (pub)
			S_value(B, c, kind_field(e->kind, *fields), entity_get(e, *fields), 0);
	}
}

static void
S_risk_table(struct book *B, xmlNodePtr parent, const struct kinddef *k)
{
	static const char *const head[] = {"Risk", "Title", "Owner", "Inherent", "Residual",
	    "Treatment", "Controls"};
	static const char *const f1[] = {"title", "owner", NULL}, *const f2[] = {"treatment",
	    "controls", NULL};
	xmlNodePtr tb = S_table_new(B, parent, head, 7);
	char buf[64];

	for (size_t i = 0; i < B->m->n; i++) {
		const struct entity *e = B->m->entities[i];
		xmlNodePtr row;
		int pub;
		if (e->kind != k || !e->valid || e->duplicate)
			continue;
		pub = S_xmlid(B, e) != NULL;
		row = S_el(B, tb, "row");
		S_cell_ref(B, row, e);
		S_cells(B, row, e, pub, f1);
		S_cell(B, row, pub && S_score(B, e, "likelihood", "impact", buf, sizeof(buf)) ? buf : NULL);
		S_cell(B, row, pub && S_score(B, e, "residual_likelihood", "residual_impact", buf,
		    sizeof(buf)) ? buf : NULL);
		S_cells(B, row, e, pub, f2);
	}
	S_table_end(tb);
}

static void
S_asset_table(struct book *B, xmlNodePtr parent, const struct kinddef *k)
{
	static const char *const head[] = {"Asset", "Title", "Type", "Classification", "Owner"};
	static const char *const f[] = {"title", "type", "classification", "owner", NULL};
	xmlNodePtr tb = S_table_new(B, parent, head, 5);

	for (size_t i = 0; i < B->m->n; i++) {
		const struct entity *e = B->m->entities[i];
		xmlNodePtr row;
		if (e->kind != k || !e->valid || e->duplicate)
			continue;
		row = S_el(B, tb, "row");
		S_cell_ref(B, row, e);
		S_cells(B, row, e, S_xmlid(B, e) != NULL, f);
	}
	S_table_end(tb);
}

/* The measurement of an objective with the latest date (the later one in
 * the list on a tie), or NULL. */
static const struct ynode *
S_latest(const struct entity *e)
{
	const struct ynode *ms = entity_get(e, "measurements"), *best = NULL, *bd = NULL;

	for (size_t i = 0; ms != NULL && ms->type == YNODE_SEQ && i < ms->n; i++) {
		const struct ynode *d = ynode_get(ms->kids[i], "date");
		if (d != NULL && d->type == YNODE_SCALAR &&
		    (bd == NULL || strcmp(d->str, bd->str) >= 0)) {
			best = ms->kids[i];
			bd = d;
		}
	}
	return best;
}

static void
S_objective_table(struct book *B, xmlNodePtr parent, const struct kinddef *k)
{
	static const char *const head[] = {"Objective", "Title", "Target", "Latest", "Status"};
	static const char *const f1[] = {"title", "target", NULL}, *const f2[] = {"status", NULL};
	xmlNodePtr tb = S_table_new(B, parent, head, 5);

	for (size_t i = 0; i < B->m->n; i++) {
		const struct entity *e = B->m->entities[i];
		const struct ynode *last;
		xmlNodePtr row, c;
		int pub;
		if (e->kind != k || !e->valid || e->duplicate)
			continue;
		pub = S_xmlid(B, e) != NULL;
		row = S_el(B, tb, "row");
		S_cell_ref(B, row, e);
		S_cells(B, row, e, pub, f1);
		c = S_el(B, row, "entry");
		if (pub && (last = S_latest(e)) != NULL) {
			S_value(B, c, NULL, ynode_get(last, "value"), 0);
			S_textn(B, c, " (", 2);
			S_value(B, c, NULL, ynode_get(last, "date"), 0);
			S_textn(B, c, ")", 1);
		}
		S_cells(B, row, e, pub, f2);
	}
	S_table_end(tb);
}

/* An objective's measurements, in their order. */
static void
S_measurements(struct book *B, xmlNodePtr parent, const struct entity *e)
{
	static const char *const head[] = {"Date", "Value"};
	const struct ynode *ms = entity_get(e, "measurements");
	xmlNodePtr tb;

	if (ms == NULL || ms->type != YNODE_SEQ || ms->n == 0)
		return;
	tb = S_table_new(B, parent, head, 2);
	for (size_t i = 0; i < ms->n; i++) {
		xmlNodePtr row = S_el(B, tb, "row");
		S_value(B, S_el(B, row, "entry"), NULL, ynode_get(ms->kids[i], "date"), 0);
		S_value(B, S_el(B, row, "entry"), NULL, ynode_get(ms->kids[i], "value"), 0);
	}
	S_table_end(tb);
}

/* The cells of a control's SoA row from its decision d (none when it has
 * no section: missing, or left out by publish:) and the references refs. */
static void
S_soa_cells(struct book *B, xmlNodePtr row, const struct entity *d, const struct refvec *refs)
{
	static const char *const f[] = {"implementation", "justification", NULL};
	int pub = d != NULL && S_xmlid(B, d) != NULL, app;
	xmlNodePtr cells[3];

	S_cell(B, row, d == NULL ? "not decided" : !pub ? NULL
	    : yvalue_bool(entity_get(d, "applicable"), &app) == 0 ? (app ? "yes" : "no") : NULL);
	S_cells(B, row, d, pub, f);
	cells[0] = S_el(B, row, "entry");
	cells[1] = S_el(B, row, "entry");
	cells[2] = S_el(B, row, "entry");
	S_referrers_into(B, cells, S_rpo, 3, refs); /* risks, policies, objectives */
}

/* ---- pieces and the frame ----------------------------------------------- */

/* The book is written as a frame (book, chapter), streamed with libxml2's
 * writer, around pieces (an entity's section, a table, a chapter's title),
 * each built as a tree, serialised by libxml2 and freed. Pieces are jobs:
 * built on worker threads and on the main thread, written by the main
 * thread in the book's order. Memory stays that of the pieces in flight,
 * however large the ISMS. */

/* The index of n's name in S_eonames, or -1. */
static int
S_element_only(const struct book *B, xmlNodePtr n)
{
	for (size_t i = 0; i < sizeof(S_eonames) / sizeof(*S_eonames); i++)
		if (n->name == B->eo[i])
			return (int)i;
	return -1;
}

/* libxml2 indents an element's content unless a child of it is text. In
 * mixed content (a para, a title, an entry) whitespace would be text, so an
 * element there with no text of its own (a para that is one link) gets an
 * empty text node: nothing is added to what it says. A row, and a list item
 * that is one paragraph, get one too, to stay on one line. */
static void
S_guard(struct book *B, xmlNodePtr n)
{
	int eo;

	if (n->type != XML_ELEMENT_NODE || n->children == NULL)
		return;
	eo = n->name == B->para || n->name == B->entry ? -1 : S_element_only(B, n);
	if (eo > EO_LISTITEM || (eo == EO_LISTITEM && (n->children != n->last ||
	    n->children->type != XML_ELEMENT_NODE || n->children->name != B->para))) {
		for (xmlNodePtr c = n->children; c != NULL; c = c->next)
			S_guard(B, c);
		return;
	}
	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		if (c->type == XML_TEXT_NODE)
			return;
	S_prepend(n, S_textnode(B, "", 0));
}

static const char S_spaces[] = "\n                                ";

/* A new line and the indentation of level, appended to out. */
static void
S_indent(xmlBufferPtr out, int level)
{
	int w = 2 * level;

	if (w > (int)sizeof(S_spaces) - 2)
		w = (int)sizeof(S_spaces) - 2;
	xmlBufferAdd(out, (const xmlChar *)S_spaces, 1 + w);
}

/* Serialise each child of holder at level into out, a new line and the
 * level's indentation before each, and free holder. */
static void
S_serialise(struct book *B, xmlNodePtr holder, int level, xmlBufferPtr out)
{
	for (xmlNodePtr c = holder->children; c != NULL; c = c->next) {
		S_guard(B, c);
		S_indent(out, level);
		(void)xmlout_node(out, B->doc, c, level);
	}
	xmlFreeNode(holder);
}

/* ---- the pieces ------------------------------------------------------------ */

static void S_entity(struct book *B, xmlNodePtr parent, const struct entity *e, const char *el);
static void S_appendix(struct book *B, xmlNodePtr parent, const struct doc *doc, const char *id);
static char *S_chapter_title(const struct kinddef *k);

static void
S_piece_entity(struct book *B, xmlNodePtr h, const struct job *j)
{
	S_entity(B, h, j->e, j->el);
}

static void
S_piece_appendix(struct book *B, xmlNodePtr h, const struct job *j)
{
	S_appendix(B, h, j->page, B->page[j->page - B->m->docs]);
}

/* A kind's chapter title, and its summary table for assets, risks and
 * objectives. */
static void
S_piece_head(struct book *B, xmlNodePtr h, const struct job *j)
{
	const struct kinddef *k = j->k;
	char *title = S_chapter_title(k);

	S_eltext(B, h, "title", title);
	free(title);
	if (strcmp(k->name, "risk") == 0) {
		S_method(B, h);
		S_risk_table(B, h, k);
	} else if (strcmp(k->name, "asset") == 0) {
		S_asset_table(B, h, k);
	} else if (strcmp(k->name, "objective") == 0) {
		S_objective_table(B, h, k);
	}
}

/* The SoA's title and what it covers. */
static void
S_piece_soa_head(struct book *B, xmlNodePtr h, const struct job *j)
{
	const struct model *m = B->m;
	size_t decided = 0, applicable = 0;
	char *s;

	(void)j;
	S_eltext(B, h, "title", "Statement of Applicability");
	if (B->cat->n == 0)
		return;
	for (size_t i = 0; i < B->cat->n; i++) {
		int app;
		decided += m->cat_decision[i] != NULL;
		applicable += m->cat_decision[i] != NULL &&
		    yvalue_bool(entity_get(m->cat_decision[i], "applicable"), &app) == 0 && app;
	}
	s = xasprintf("%s: %zu controls, %zu decided, %zu applicable.",
	    B->cat->title != NULL ? B->cat->title : B->cat->name, B->cat->n, decided, applicable);
	S_text(B, S_el(B, h, "para"), s);
	free(s);
}

static const char *
S_theme(const struct book *B, size_t i)
{
	return B->cat->v[i].theme != NULL ? B->cat->v[i].theme : "";
}

/* The SoA of one theme: the catalogue's controls from j->i while the theme
 * stays the same. Each row has an xml:id: a reference to a control that no
 * entity decides leads there. */
static void
S_piece_soa_theme(struct book *B, xmlNodePtr h, const struct job *j)
{
	static const char *const head[] = {"Control", "Title", "Applicable", "Implementation",
	    "Justification", "Risks", "Policies", "Objectives"};
	const struct model *m = B->m;
	const char *theme = S_theme(B, j->i);
	xmlNodePtr sec = S_el(B, h, "section"), tb;
	S_eltext(B, sec, "title", catalog_theme_title(B->cat, theme));
	tb = S_table_new(B, sec, head, 8);
	for (size_t i = j->i; i < B->cat->n && strcmp(S_theme(B, i), theme) == 0; i++) {
		const struct entity *d = m->cat_decision[i];
		xmlNodePtr row = S_el(B, tb, "row");
		S_setid(B, row, B->soa[i]);
		if (d != NULL)
			S_cell_ref(B, row, d);
		else
			S_cell(B, row, B->cat->v[i].id);
		S_cell(B, row, B->cat->v[i].title);
		S_soa_cells(B, row, d, d != NULL ? &d->in : &m->cat_in[i]);
	}
}

/* The SoA of the organisation's own controls, by id. */
static void
S_piece_soa_own(struct book *B, xmlNodePtr h, const struct job *j)
{
	static const char *const head[] = {"Control", "Title", "Annex A", "Applicable",
	    "Implementation", "Justification", "Risks", "Policies", "Objectives"};
	static const char *const fannex[] = {"annex", NULL};
	xmlNodePtr sec = S_el(B, h, "section"), tb;

	(void)j;
	S_eltext(B, sec, "title", "The organisation's own controls");
	tb = S_table_new(B, sec, head, 9);
	for (size_t i = 0; i < B->nown; i++) {
		const struct entity *e = B->own[i]->e;
		int pub = B->own[i]->xmlid != NULL;
		xmlNodePtr row = S_el(B, tb, "row");
		S_cell_ref(B, row, e);
		S_cell(B, row, pub ? entity_title(e, B->cat) : NULL);
		S_cells(B, row, e, pub, fannex);
		S_soa_cells(B, row, e, &e->in);
	}
}

/* The documented information that clauses 4 to 10 require, as an
 * appendix: each item, held or missing, and the documents that hold it. */
static void
S_piece_documented(struct book *B, xmlNodePtr h, const struct job *j)
{
	static const char *const head[] = {"Clause", "Documented information", "Status",
	    "Where it lives"};
	struct mandatory_item it[MANDATORY_N];
	xmlNodePtr a = S_el(B, h, "appendix"), tb;

	S_setid(B, a, j->xmlid);
	S_eltext(B, a, "title", "Documented information");
	S_eltext(B, a, "para", "The documented information that ISO/IEC 27001 clauses 4 to 10 "
	    "require, and where this ISMS holds it.");
	mandatory_find(B->m, it);
	tb = S_table_new(B, a, head, 4);
	for (int k = 0; k < MANDATORY_N; k++) {
		xmlNodePtr row = S_el(B, tb, "row"), where;
		S_cell(B, row, it[k].clause);
		S_cell(B, row, it[k].title);
		S_cell(B, row, it[k].found ? "held" : "missing");
		where = S_el(B, row, "entry");
		if (it[k].how == MAND_GENERATED)
			S_text(B, where, "the Statement of Applicability (generated)");
		else if (it[k].how == MAND_KIND || it[k].how == MAND_TREATED)
			S_text(B, where, it[k].count > 0 ? "the records of this book" : "");
		for (size_t i = 0; i < it[k].ndocs; i++) {
			const struct doc *d = it[k].docs[i];
			if (i > 0)
				S_text(B, where, ", ");
			if (d->entity != NULL)
				S_entity_link(B, where, d->entity);
			else
				S_page_link(B, where, d);
		}
	}
}

/* The control a reference from a risk names: *e its entity, or *cat its
 * catalogue index when no entity has the id (and when the entity decides a
 * catalogue control). Returns 0, or -1 when neither. */
static int
S_control_of(const struct book *B, const char *id, const struct entity **e, int *cat)
{
	*e = model_find(B->m, id);
	*cat = -1;
	if (*e != NULL && (*e)->cat >= 0)
		*cat = (*e)->cat;
	else if (*e == NULL)
		*cat = catalog_find(B->cat, id);
	if (*cat >= 0 && (size_t)*cat >= B->cat->n)
		*cat = -1;
	return *e != NULL || *cat >= 0 ? 0 : -1;
}

/* e's controls field, and in *n how many ids it holds. */
static const struct ynode *
S_controls(const struct entity *e, size_t *n)
{
	const struct ynode *c = entity_get(e, "controls");

	*n = c == NULL ? 0 : c->type == YNODE_SEQ ? c->n : 1;
	return c;
}

static const char *
S_item(const struct ynode *list, size_t i)
{
	const struct ynode *v = list->type == YNODE_SEQ ? list->kids[i] : list;

	return v->type == YNODE_SCALAR ? v->str : NULL;
}

static int
S_risk_row(const struct entity *e, const struct kinddef *risk)
{
	return e->kind == risk && e->valid && !e->duplicate;
}

/* The matrix, first table: risk -> control, one row per pair, with the
 * objectives that name the risk; a control cell links to the control's
 * row of the second table. */
static void
S_piece_matrix_risks(struct book *B, xmlNodePtr h, const struct job *j)
{
	static const char *const head[] = {"Risk", "Inherent", "Residual", "Treatment", "Control",
	    "Objectives"};
	static const char *const ft[] = {"treatment", NULL};
	const struct model *m = B->m;
	xmlNodePtr sec, tb;
	struct hash pairs;
	char buf[64];

	S_eltext(B, h, "title", "Traceability matrix");
	sec = S_el(B, h, "section");
	S_eltext(B, sec, "title", "Risks and their controls");
	tb = S_table_new(B, sec, head, 6);
	for (size_t i = 0; i < m->n; i++) {
		const struct entity *e = m->entities[i], *c;
		const struct ynode *list;
		size_t n;
		int pub, k;
		if (!S_risk_row(e, j->k))
			continue;
		pub = S_xmlid(B, e) != NULL;
		list = S_controls(e, &n);
		hash_init(&pairs, 0);
		for (size_t r = 0; r < (n > 0 ? n : 1); r++) {
			const char *id = n > 0 ? S_item(list, r) : NULL, *to = NULL;
			xmlNodePtr row, cc;
			/* a row per risk and control pair: a control listed twice, once */
			if (id != NULL && hash_put(&pairs, id, (void *)id) != NULL)
				continue;
			row = S_el(B, tb, "row");
			S_cell_ref(B, row, e);
			S_cell(B, row, pub && S_score(B, e, "likelihood", "impact", buf, sizeof(buf)) ? buf
			    : NULL);
			S_cell(B, row, pub && S_score(B, e, "residual_likelihood", "residual_impact", buf,
			    sizeof(buf)) ? buf : NULL);
			S_cells(B, row, e, pub, ft);
			cc = S_el(B, row, "entry");
			if (id != NULL && S_control_of(B, id, &c, &k) == 0) {
				const struct einfo *ci = S_info(B, c);
				to = k >= 0 ? B->trace[k] : ci != NULL ? ci->trace : NULL;
			}
			if (to != NULL) {
				xmlNodePtr l = S_el(B, cc, "link");
				S_prop(B, l, NULL, "linkend", to);
				S_text(B, l, id);
			} else {
				S_text(B, cc, id);
			}
			S_referrers(B, S_el(B, row, "entry"), &e->in, S_objectives);
		}
		hash_free(&pairs);
	}
}

/* The matrix, second table: control -> policies and objectives, one row
 * per control that a risk names (catalogue order, then the organisation's
 * own). Two tables keep the matrix as large as the model, where one row
 * per risk, control and policy would not be. */
static void
S_piece_matrix_controls(struct book *B, xmlNodePtr h, const struct job *j)
{
	static const char *const head[] = {"Control", "Title", "Policies", "Objectives"};
	const struct model *m = B->m;
	xmlNodePtr sec = S_el(B, h, "section"), tb;

	(void)j;
	S_eltext(B, sec, "title", "Controls, policies and objectives");
	tb = S_table_new(B, sec, head, 4);
	for (size_t k = 0; k < B->cat->n + B->nown; k++) {
		const struct entity *c = k < B->cat->n ? m->cat_decision[k] : B->own[k - B->cat->n]->e;
		const char *id = k < B->cat->n ? B->trace[k] : B->own[k - B->cat->n]->trace;
		const struct refvec *refs = c != NULL ? &c->in : &m->cat_in[k];
		xmlNodePtr row, cells[2];
		if (id == NULL)
			continue;
		row = S_el(B, tb, "row");
		S_setid(B, row, id);
		if (c != NULL)
			S_cell_ref(B, row, c);
		else
			S_cell(B, row, B->cat->v[k].id);
		S_cell(B, row, k < B->cat->n ? B->cat->v[k].title
		    : S_xmlid(B, c) != NULL ? entity_title(c, B->cat) : NULL);
		cells[0] = S_el(B, row, "entry");
		cells[1] = S_el(B, row, "entry");
		S_referrers_into(B, cells, S_rpo + 1, 2, refs); /* policies, objectives */
	}
}

/* A policy's or procedure's change history from git, newest first. */
static void
S_history(struct book *B, xmlNodePtr parent, const struct entity *e)
{
	static const char *const head[] = {"Date", "Author", "Change", "Commit"};
	const struct doc_history *dh = history_doc(B->in->hist, B->m, e->doc);
	xmlNodePtr tb;

	if (dh == NULL || dh->n == 0)
		return;
	S_eltext(B, parent, "para", "Change history");
	tb = S_table_new(B, parent, head, 4);
	for (size_t i = 0; i < dh->n; i++) {
		xmlNodePtr row = S_el(B, tb, "row");
		S_cell(B, row, dh->v[i]->date);
		S_cell(B, row, dh->v[i]->author);
		S_cell(B, row, dh->v[i]->subject);
		S_cell(B, row, dh->v[i]->short_id);
	}
	S_table_end(tb);
}

/* ---- components -------------------------------------------------------- */

/* The book is done with doc's tree: the caller's turn at it, then free. */
static void
S_done_with(struct book *B, const struct doc *doc, cmark_node *root)
{
	if (B->in->page != NULL)
		B->in->page(B->in->page_ctx, doc, root);
	if (root != NULL)
		cmark_node_free(root);
}

/* e's body (root, the tree of its Markdown) into s, its section headed
 * heading: without its leading h1 when that repeats the title. */
static void
S_entity_body(struct book *B, const struct entity *e, cmark_node *root, const char *heading,
    xmlNodePtr s)
{
	const char *title = entity_title(e, B->cat);
	struct sbuf h1 = {NULL, 0, 0};
	cmark_node *skip = S_first_h1(root, &h1);

	/* an empty heading ("#") has no text, and repeats nothing */
	if (skip != NULL && (h1.s == NULL || (strcmp(h1.s, heading) != 0 &&
	    (title == NULL || strcmp(h1.s, title) != 0))))
		skip = NULL;
	S_body(B, e->doc, root, skip, s);
	free(h1.s);
}

/* An entity as a component or section named el under parent: xml:id,
 * "ID Title", facts, measurements, body. */
static void
S_entity(struct book *B, xmlNodePtr parent, const struct entity *e, const char *el)
{
	xmlNodePtr s = S_el(B, parent, el);
	char *heading = S_heading(B, e);
	const struct frag *f = B->frag != NULL ? &B->frag[e->doc - B->m->docs] : NULL;
	cmark_node *root = NULL;
	xmlNodePtr raw = NULL;

	S_setid(B, s, S_xmlid(B, e));
	S_eltext(B, s, "title", heading);
	S_facts(B, s, e);
	if (S_is(e, "objective"))
		S_measurements(B, s, e);
	if (S_is(e, "policy") || S_is(e, "procedure"))
		S_history(B, s, e);
	if (f != NULL && f->set) {
		/* the body as docbook_body serialised it, in its place */
		if (f->raw.n > 0)
			(raw = S_el(B, s, "serialised-body"))->_private = (void *)&f->raw;
		/* xmlNodeDump, which writes what xmlout_node does not know,
		 * would not know the stand-in: no section holds such a node
		 * today, but if one did, the body is parsed as before */
		if (raw != NULL && !xmlout_known(s)) {
			S_remove(raw);
			raw = NULL;
			f = NULL;
		}
	}
	if (f == NULL || !f->set) {
		root = S_parse(B, e->doc);
		S_entity_body(B, e, root, heading, s);
	}
	S_need_block(B, s);
	S_done_with(B, e->doc, root);
	free(heading);
}

/* A plain page as an appendix under parent, titled by its front matter
 * title, else by its leading h1 (then left out of the body), else by its
 * path. */
static void
S_appendix(struct book *B, xmlNodePtr parent, const struct doc *doc, const char *id)
{
	xmlNodePtr a = S_el(B, parent, "appendix");
	cmark_node *root = S_parse(B, doc), *skip;
	struct sbuf h1 = {NULL, 0, 0};

	S_setid(B, a, id);
	skip = S_first_h1(root, &h1);
	if (doc->title != NULL) {
		S_eltext(B, a, "title", doc->title);
		if (skip != NULL && strcmp(h1.s, doc->title) != 0)
			skip = NULL;
	} else if (skip != NULL) {
		struct conv C = {B, doc, NULL, 0};
		S_inlines(&C, cmark_node_first_child(skip), S_el(B, a, "title"), 1);
		md_body_free(C.refs);
	} else {
		S_eltext(B, a, "title", doc->path);
	}
	S_body(B, doc, root, skip, a);
	S_need_block(B, a);
	S_done_with(B, doc, root);
	free(h1.s);
}

/* "policies" -> "Policies"; a string to free. */
static char *
S_chapter_title(const struct kinddef *k)
{
	if (strcmp(k->name, "risk") == 0)
		return xstrdup("Risk register");
	return S_label(k->plural != NULL ? k->plural : k->name);
}

static int
S_has_table(const struct kinddef *k)
{
	return strcmp(k->name, "risk") == 0 || strcmp(k->name, "asset") == 0 ||
	    strcmp(k->name, "objective") == 0;
}

/* 1 when kind k's chapter has something in it: a row of its table, or a
 * section. */
static int
S_chapter_has(const struct book *B, const struct kinddef *k)
{
	int table = S_has_table(k);

	for (size_t i = 0; i < B->m->n; i++) {
		const struct entity *e = B->m->entities[i];
		if (e->kind == k && e->valid && !e->duplicate &&
		    (table || (e != B->scope && S_xmlid(B, e) != NULL)))
			return 1;
	}
	return 0;
}

/* ---- jobs ---------------------------------------------------------------- */

static struct job *
S_job_add(struct pool *P, void (*fn)(struct book *, xmlNodePtr, const struct job *), int level)
{
	struct job *j;

	xgrow(&P->v, &P->cap, P->n + 1, sizeof(*P->v));
	j = &P->v[P->n++];
	memset(j, 0, sizeof(*j));
	j->fn = fn;
	j->level = level;
	j->state = JOB_FREE;
	return j;
}

/* Build job j with B's tools and serialise it into its slot: the buffer of
 * the window's place it has (free: the job JOB_WINDOW before it is
 * written). */
static void
S_job_run(struct book *B, struct job *j)
{
	struct pool *P = B->pool;
	xmlBufferPtr *slot = &P->slots[(size_t)(j - P->v) % JOB_WINDOW];
	xmlNodePtr h = S_el(B, NULL, "piece");

	if (*slot == NULL)
		*slot = xmlBufferCreate();
	if (B->in->stop == NULL || !__atomic_load_n(B->in->stop, __ATOMIC_RELAXED))
		j->fn(B, h, j);
	S_serialise(B, h, j->level, *slot);
	if (j->e != NULL && B->frag != NULL) {
		/* written: the body's text is no longer needed (each entity has
		 * one piece, and only this thread reads it) */
		struct frag *f = &B->frag[j->e->doc - B->m->docs];
		free((void *)f->raw.s);
		f->raw.s = NULL;
		f->raw.n = 0;
	}
}

/* The first free job no more than JOB_WINDOW ahead of the writer, or
 * NULL; call with the pool's lock held. */
static struct job *
S_job_take(struct pool *P)
{
	while (P->next < P->n && P->v[P->next].state != JOB_FREE)
		P->next++;
	return P->next < P->n && P->next < P->taken + JOB_WINDOW ? &P->v[P->next++] : NULL;
}

/* Write the next job's piece into the frame: built here when no worker
 * has taken it, else (building later ones meanwhile) waited for. */
static void
S_job_write(struct book *B)
{
	struct pool *P = B->pool;
	struct job *j = &P->v[P->taken];
	xmlBufferPtr slot;

	if (j->open != NULL) {
		xmlTextWriterWriteRawLen(B->w, (const xmlChar *)S_spaces, 1 + 2 * B->level);
		xmlTextWriterStartElement(B->w, (const xmlChar *)"chapter");
		xmlTextWriterWriteAttribute(B->w, (const xmlChar *)"xml:id", (const xmlChar *)j->open);
		xmlTextWriterWriteRawLen(B->w, (const xmlChar *)"", 0); /* closes the start tag */
		B->level++;
	}
	pthread_mutex_lock(&P->lock);
	while (j->state != JOB_DONE) {
		struct job *k = j->state == JOB_FREE ? j : S_job_take(P);
		if (k == NULL) {
			pthread_cond_wait(&P->cond, &P->lock);
			continue;
		}
		k->state = JOB_RUNNING;
		pthread_mutex_unlock(&P->lock);
		S_job_run(B, k);
		pthread_mutex_lock(&P->lock);
		k->state = JOB_DONE;
		pthread_cond_broadcast(&P->cond);
	}
	pthread_mutex_unlock(&P->lock);
	slot = P->slots[P->taken % JOB_WINDOW];
	/* the piece goes straight to the file, after what the writer holds */
	xmlTextWriterFlush(B->w);
	S_write(B->sink, (const char *)xmlBufferContent(slot), xmlBufferLength(slot));
	xmlBufferEmpty(slot);
	if (j->close) {
		B->level--;
		xmlTextWriterWriteRawLen(B->w, (const xmlChar *)S_spaces, 1 + 2 * B->level);
		xmlTextWriterEndElement(B->w);
	}
	pthread_mutex_lock(&P->lock);
	P->taken++; /* its slot is free now */
	pthread_cond_broadcast(&P->cond);
	pthread_mutex_unlock(&P->lock);
}

/* This thread's tools: a document (whose dictionary holds the names of the
 * nodes it makes), a cmark-gfm parser. Returns 0 or -1. */
static int
S_tools(struct book *B)
{
	B->doc = xmlNewDoc((const xmlChar *)"1.0");
	B->md = md_new();
	memset(B->names, 0, sizeof(B->names)); /* a new dictionary */
	B->tmp = NULL;
	B->tmpcap = 0;
	if (B->doc == NULL || (B->doc->dict = xmlDictCreate()) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(S_eonames) / sizeof(*S_eonames); i++)
		B->eo[i] = xmlDictLookup(B->doc->dict, (const xmlChar *)S_eonames[i], -1);
	B->para = xmlDictLookup(B->doc->dict, (const xmlChar *)"para", -1);
	B->entry = xmlDictLookup(B->doc->dict, (const xmlChar *)"entry", -1);
	return 0;
}

static void
S_tools_free(struct book *B)
{
	if (B->doc != NULL)
		xmlFreeDoc(B->doc);
	md_free(B->md);
	free(B->tmp);
}

/* A worker: takes the first free job, no more than JOB_WINDOW ahead of the
 * writer, until none is left. */
static void *
S_worker(void *arg)
{
	struct book W = *(struct book *)arg;
	struct pool *P = W.pool;

	if (S_tools(&W) != 0) {
		S_tools_free(&W);
		return NULL; /* the main thread builds what this one would have */
	}
	pthread_mutex_lock(&P->lock);
	for (;;) {
		struct job *j = S_job_take(P);
		if (j == NULL && P->next >= P->n)
			break;
		if (j == NULL) {
			pthread_cond_wait(&P->cond, &P->lock);
			continue;
		}
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&P->lock);
		S_job_run(&W, j);
		pthread_mutex_lock(&P->lock);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&P->cond);
	}
	pthread_mutex_unlock(&P->lock);
	S_tools_free(&W);
	return NULL;
}

/* Worker threads besides the main one: the threads the caller gives, less
 * one, at most 3; none for a small book. */
static int
S_nworkers(size_t njobs, int threads)
{
	if (njobs < 64 || threads < 2)
		return 0;
	return threads > 4 ? 3 : threads - 1;
}

/* ---- the plan ------------------------------------------------------------ */

static int
S_own_cmp(const void *a, const void *b)
{
	const struct einfo *x = *(struct einfo *const *)a, *y = *(struct einfo *const *)b;

	return strcmp(x->e->id, y->e->id);
}

static void
S_plan_section(struct book *B, const struct entity *e)
{
	struct job *j = S_job_add(B->pool, S_piece_entity, 2);

	j->e = e;
	j->el = "section";
}

/* The chapter of kind k: its title and summary table, then a section per
 * entity that has one, in path order (controls in catalogue order, then
 * the organisation's own by id; the scope is the preface). */
static void
S_plan_chapter(struct book *B, const struct kinddef *k)
{
	struct pool *P = B->pool;
	struct job *j;

	if (!S_chapter_has(B, k))
		return;
	j = S_job_add(P, S_piece_head, 2);
	j->k = k;
	j->open = S_newid(B, "", k->plural != NULL ? k->plural : k->name);
	if (strcmp(k->name, "control") == 0) {
		for (size_t i = 0; i < B->cat->n; i++)
			if (S_xmlid(B, B->m->cat_decision[i]) != NULL)
				S_plan_section(B, B->m->cat_decision[i]);
		for (size_t i = 0; i < B->nown; i++)
			if (B->own[i]->xmlid != NULL)
				S_plan_section(B, B->own[i]->e);
	} else {
		for (size_t i = 0; i < B->m->n; i++) {
			const struct entity *e = B->m->entities[i];
			if (e->kind == k && e != B->scope && S_xmlid(B, e) != NULL)
				S_plan_section(B, e);
		}
	}
	P->v[P->n - 1].close = 1;
}

/* The Statement of Applicability: every catalogue control in a table per
 * theme (themes in catalogue order), then the organisation's own. */
static void
S_plan_soa(struct book *B)
{
	struct pool *P = B->pool;

	if (B->cat->n == 0 && B->nown == 0)
		return;
	S_job_add(P, S_piece_soa_head, 2)->open = S_newid(B, "", "soa");
	for (size_t i = 0; i < B->cat->n; i++)
		if (i == 0 || strcmp(S_theme(B, i), S_theme(B, i - 1)) != 0)
			S_job_add(P, S_piece_soa_theme, 2)->i = i;
	if (B->nown > 0)
		S_job_add(P, S_piece_soa_own, 2);
	P->v[P->n - 1].close = 1;
}

/* The traceability matrix, when there are risks: the ids of the rows of
 * the controls that risks name, then its two tables. */
static void
S_plan_matrix(struct book *B, const struct kinddef *risk)
{
	const struct model *m = B->m;
	struct pool *P = B->pool;
	unsigned char *used = xcalloc(B->cat->n + 1, 1);
	int any = 0, rows = 0;
	struct job *j;

	for (size_t i = 0; i < m->n; i++) {
		const struct entity *e = m->entities[i], *c;
		const struct ynode *list;
		size_t n;
		int k;
		if (!S_risk_row(e, risk))
			continue;
		any = 1;
		list = S_controls(e, &n);
		for (size_t r = 0; r < n; r++) {
			const char *id = S_item(list, r);
			struct einfo *ci;
			if (id == NULL || S_control_of(B, id, &c, &k) != 0)
				continue;
			if (k >= 0)
				used[k] = 1;
			else if ((ci = S_info(B, c)) != NULL && S_is(c, "control"))
				ci->used = 1;
		}
	}
	if (any) {
		j = S_job_add(P, S_piece_matrix_risks, 2);
		j->k = risk;
		j->open = S_newid(B, "", "matrix");
		for (size_t k = 0; k < B->cat->n; k++)
			if (used[k] && ++rows)
				B->trace[k] = S_newid(B, "trace-", B->cat->v[k].id);
		for (size_t k = 0; k < B->nown; k++)
			if (B->own[k]->used && ++rows)
				B->own[k]->trace = S_newid(B, "trace-", B->own[k]->e->id);
		if (rows > 0)
			S_job_add(P, S_piece_matrix_controls, 2);
		P->v[P->n - 1].close = 1;
	}
	free(used);
}

/* The kinds with a chapter of their own, in the book's order (the SoA
 * comes before the controls, the matrix after them), then the project's
 * own kinds in schema order. */
static const char *const S_order[] = {"policy", "procedure", "asset", "risk", "control",
    "objective", "audit", "finding", "action", "review", "incident"};
enum { NORDER = sizeof(S_order) / sizeof(*S_order) };

/* Whether c would be escaped or cleaned in text: markup, a control
 * character, or any byte of a character outside ASCII. */
static int
S_needs_care(char c)
{
	return c == '<' || c == '>' || c == '&' || c == '\r' || (unsigned char)c < 0x20 ||
	    (unsigned char)c >= 0x80;
}

/* <link linkend="to">text</link>, as xmlout_node writes the element S_ref
 * makes, in B's arena; empty when a character would need escaping or
 * cleaning (ids and xml:ids never do: this is a guard). */
static struct xmlout_raw
S_link_raw(struct book *B, const char *to, const char *text)
{
	static const char open[] = "<link linkend=\"", mid[] = "\">", close[] = "</link>";
	struct xmlout_raw r = {NULL, 0};
	size_t nt, nx;
	char *s;

	for (nt = 0; to[nt] != '\0'; nt++)
		if (S_needs_care(to[nt]) || to[nt] == '"')
			return r;
	for (nx = 0; text[nx] != '\0'; nx++)
		if (S_needs_care(text[nx]))
			return r;
	r.n = sizeof(open) - 1 + nt + sizeof(mid) - 1 + nx + sizeof(close) - 1;
	r.s = s = arena_alloc(&B->a, r.n + 1);
	memcpy(s, open, sizeof(open) - 1), s += sizeof(open) - 1;
	memcpy(s, to, nt), s += nt;
	memcpy(s, mid, sizeof(mid) - 1), s += sizeof(mid) - 1;
	memcpy(s, text, nx), s += nx;
	memcpy(s, close, sizeof(close)); /* and its NUL */
	return r;
}

/* Which entities get a section; the xml:ids of sections, SoA rows and
 * appendices (entity ids first, so that they keep their own), chapters and
 * matrix rows; and the jobs, in the order the book has them. */
static void
S_plan(struct book *B)
{
	const struct model *m = B->m;
	const struct schemas *sch = B->in->sch;
	const struct kinddef *k, *risk = schemas_kind(sch, "risk");

	B->ev = xcalloc(m->n + 1, sizeof(*B->ev));
	B->bydoc = xcalloc(m->ndocs + 1, sizeof(*B->bydoc));
	B->soa = xcalloc(B->cat->n + 1, sizeof(*B->soa));
	B->trace = xcalloc(B->cat->n + 1, sizeof(*B->trace));
	B->page = xcalloc(m->ndocs + 1, sizeof(*B->page));
	B->own = xcalloc(m->n + 1, sizeof(*B->own));
	for (size_t i = 0; i < m->n; i++) {
		const struct entity *e = m->entities[i];
		struct einfo *in = &B->ev[i];
		in->e = e;
		in->kind = e->kind;
		B->bydoc[e->doc - m->docs] = in;
		if (e->id == NULL || e->duplicate)
			continue;
		if (e->valid && e->kind != NULL && !config_excluded(B->in->cfg, e->fm))
			in->xmlid = S_newid(B, "", e->id);
		if (e->valid && S_is(e, "control") && e->cat < 0)
			B->own[B->nown++] = in;
		if (in->xmlid != NULL && doc_holds_clause(e->doc, "4.3") &&
		    (B->scope == NULL || doc_standing(e->doc) > doc_standing(B->scope->doc)))
			B->scope = e; /* the first of the fittest, as the home page's */
	}
	if (B->nown > 1)
		qsort(B->own, B->nown, sizeof(*B->own), S_own_cmp);
	for (size_t i = 0; i < B->cat->n; i++)
		B->soa[i] = S_newid(B, "soa-", B->cat->v[i].id);
	/* each link as xmlout_node would write it, made once */
	B->soalink = xcalloc(B->cat->n + 1, sizeof(*B->soalink));
	for (size_t i = 0; i < B->cat->n; i++)
		B->soalink[i] = S_link_raw(B, B->soa[i], B->cat->v[i].id);
	for (size_t i = 0; i < m->n; i++)
		if (B->ev[i].xmlid != NULL)
			B->ev[i].link = S_link_raw(B, B->ev[i].xmlid, B->ev[i].e->id);
	for (size_t i = 0; i < m->ndocs; i++)
		if (!m->docs[i].failed && m->docs[i].entity == NULL)
			B->page[i] = S_newid(B, "page-", m->docs[i].path);

	if (B->scope != NULL) {
		struct job *j = S_job_add(B->pool, S_piece_entity, 1);
		j->e = B->scope;
		j->el = "preface";
	}
	for (size_t i = 0; i < NORDER; i++) {
		if ((k = schemas_kind(sch, S_order[i])) == NULL)
			continue;
		if (k == schemas_kind(sch, "control"))
			S_plan_soa(B);
		S_plan_chapter(B, k);
		if (k == schemas_kind(sch, "control") && risk != NULL)
			S_plan_matrix(B, risk);
	}
	for (size_t i = 0; i < sch->n; i++) {
		size_t o = 0;
		while (o < NORDER && strcmp(S_order[o], sch->kinds[i]->name) != 0)
			o++;
		if (o == NORDER)
			S_plan_chapter(B, sch->kinds[i]);
	}
	for (size_t i = 0; i < m->ndocs; i++)
		if (B->page[i] != NULL)
			S_job_add(B->pool, S_piece_appendix, 1)->page = &m->docs[i];
	S_job_add(B->pool, S_piece_documented, 1)->xmlid = S_newid(B, "", "documented-information");
}

/* ---- the book ------------------------------------------------------------ */

static void
S_info_block(struct book *B, xmlNodePtr h)
{
	const struct config *cfg = B->in->cfg;
	xmlNodePtr info = S_el(B, h, "info");
	char date[11];

	S_eltext(B, info, "title", cfg->name != NULL ? cfg->name
	    : "Information security management system");
	if (cfg->organization != NULL)
		S_eltext(B, info, "orgname", cfg->organization);
	date_format(B->in->as_of, date);
	S_eltext(B, info, "date", date);
	if (B->in->revision != NULL)
		S_eltext(B, info, "releaseinfo", B->in->revision);
}

/* The book: its element, its info, then every job's piece in order. */
static void
S_book(struct book *B)
{
	xmlBufferPtr info = xmlBufferCreate();
	xmlNodePtr h = S_el(B, NULL, "piece");

	xmlTextWriterStartDocument(B->w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(B->w, (const xmlChar *)"book");
	xmlTextWriterWriteAttribute(B->w, (const xmlChar *)"xmlns", (const xmlChar *)DB_NS);
	xmlTextWriterWriteAttribute(B->w, (const xmlChar *)"xmlns:xlink", (const xmlChar *)XLINK_NS);
	xmlTextWriterWriteAttribute(B->w, (const xmlChar *)"version", (const xmlChar *)"5.0");
	S_info_block(B, h);
	if (info != NULL) {
		S_serialise(B, h, 1, info);
		xmlTextWriterWriteRawLen(B->w, xmlBufferContent(info), xmlBufferLength(info));
		xmlBufferFree(info);
	} else {
		xmlFreeNode(h);
	}
	B->level = 1;
	while (B->pool->taken < B->pool->n)
		S_job_write(B);
	xmlTextWriterWriteRawLen(B->w, (const xmlChar *)S_spaces, 1);
	xmlTextWriterEndElement(B->w);
	xmlTextWriterEndDocument(B->w);
}

/* ---- saving ---------------------------------------------------------------- */

/* The document's xml: namespace (libxml2 finds it only from a node). */
static xmlNsPtr
S_xml_ns(xmlDocPtr doc)
{
	xmlNodePtr n = xmlNewDocNode(doc, NULL, (const xmlChar *)"x", NULL);
	xmlNsPtr ns = xmlSearchNs(doc, n, (const xmlChar *)"xml");

	xmlFreeNode(n);
	return ns;
}

/* The parts of B that the plan needs, its tools and the plan: 0, or -1. */
static int
S_prepare(struct docbook *db, const struct docbook_input *in)
{
	struct book *B = &db->B;

	db->in = *in;
	xmlInitParser();
	md_global_init();
	pthread_mutex_init(&db->P.lock, NULL);
	pthread_cond_init(&db->P.cond, NULL);
	B->in = &db->in;
	B->m = in->m;
	B->cat = &in->sch->cat;
	B->pool = &db->P;
	arena_init(&B->a);
	hash_init(&B->ids, 1);
	B->db = xmlNewNs(NULL, (const xmlChar *)DB_NS, NULL);
	B->xlink = xmlNewNs(NULL, (const xmlChar *)XLINK_NS, (const xmlChar *)"xlink");
	if (S_tools(B) != 0 || (B->xml = S_xml_ns(B->doc)) == NULL || B->db == NULL ||
	    B->xlink == NULL)
		return -1;
	S_plan(B);
	return 0;
}

struct docbook *
docbook_new(const struct docbook_input *in, int threads)
{
	struct docbook *db = xcalloc(1, sizeof(*db));

	db->ok = S_prepare(db, in) == 0;
	if (db->ok && threads > 0) {
		db->B.frag = xcalloc(in->m->ndocs + 1, sizeof(*db->B.frag));
		db->tw = xcalloc((size_t)threads, sizeof(*db->tw));
		for (int t = 0; t < threads; t++) {
			db->tw[t] = db->B; /* the plan, with tools of its own */
			db->ntw = t + 1;
			if (S_tools(&db->tw[t]) != 0) {
				db->ok = 0;
				break;
			}
		}
	}
	return db;
}

void
docbook_body(struct docbook *db, int thread, const struct doc *d, struct cmark_node *root)
{
	struct book *W;
	const struct entity *e = d->entity;
	struct frag *f;
	xmlNodePtr holder;
	xmlBufferPtr out;
	char *heading;
	int level;

	if (!db->ok || thread < 0 || thread >= db->ntw || e == NULL || S_xmlid(&db->B, e) == NULL)
		return; /* no section: plain pages are appendices, built as before */
	W = &db->tw[thread];
	f = &W->frag[d - W->m->docs];
	level = e == W->scope ? 2 : 3; /* the content of the preface, or of a chapter's section */
	holder = S_el(W, NULL, "section");
	heading = S_heading(W, e);
	S_entity_body(W, e, root, heading, holder);
	free(heading);
	if ((out = xmlBufferCreate()) == NULL) {
		xmlFreeNode(holder);
		return;
	}
	/* as S_serialise and xmlout_node would write the section's blocks:
	 * each guarded, a new line and the level's indentation between them */
	for (xmlNodePtr c = holder->children; c != NULL; c = c->next) {
		S_guard(W, c);
		if (c != holder->children)
			S_indent(out, level);
		(void)xmlout_node(out, W->doc, c, level);
	}
	/* kept until the book is written: no more than its size */
	f->raw.n = (size_t)xmlBufferLength(out);
	f->raw.s = f->raw.n > 0 ? memcpy(xmalloc(f->raw.n), xmlBufferContent(out), f->raw.n) : NULL;
	f->set = 1;
	xmlBufferFree(out);
	xmlFreeNode(holder);
}

int
docbook_write_planned(struct docbook *db, const struct docbook_input *in, const char *path)
{
	struct book *B = &db->B, plan;
	struct pool *P = &db->P;
	struct sink k = {NULL, 0};
	xmlOutputBufferPtr out;
	pthread_t tid[3];
	int rc = -1, nw = 0;

	if (!db->ok) {
		errno = ENOMEM;
		return -1;
	}
	db->in = *in;
	if ((k.fp = fopen(path, "wb")) == NULL)
		return -1;
	setvbuf(k.fp, NULL, _IOFBF, 1 << 20); /* libxml2 hands over 4 kB at a time */
	B->sink = &k;
	out = xmlOutputBufferCreateIO(S_write, NULL, &k, NULL);
	if (out != NULL && (B->w = xmlNewTextWriter(out)) == NULL)
		xmlOutputBufferClose(out);
	if (B->w == NULL) {
		k.err = ENOMEM;
	} else {
		plan = *B; /* what workers copy, unchanged while they run */
		for (int i = S_nworkers(P->n, db->in.threads); nw < i; nw++)
			if (pthread_create(&tid[nw], NULL, S_worker, &plan) != 0)
				break; /* the main thread builds what it would have */
		S_book(B);
		for (int i = 0; i < nw; i++)
			pthread_join(tid[i], NULL);
	}
	if (B->w != NULL)
		xmlFreeTextWriter(B->w); /* flushes */
	B->w = NULL;
	B->sink = NULL;
	if (fclose(k.fp) != 0 && k.err == 0)
		k.err = errno != 0 ? errno : EIO;
	if (k.err == 0)
		rc = 0;
	if (rc != 0)
		errno = k.err != 0 ? k.err : EIO;
	return rc;
}

void
docbook_free(struct docbook *db)
{
	struct book *B;
	struct pool *P;

	if (db == NULL)
		return;
	B = &db->B;
	P = &db->P;
	for (size_t i = 0; i < JOB_WINDOW; i++)
		if (P->slots[i] != NULL)
			xmlBufferFree(P->slots[i]);
	free(P->v);
	pthread_mutex_destroy(&P->lock);
	pthread_cond_destroy(&P->cond);
	for (int t = 0; t < db->ntw; t++)
		S_tools_free(&db->tw[t]);
	free(db->tw);
	for (size_t i = 0; B->frag != NULL && i < B->m->ndocs; i++)
		free((void *)B->frag[i].raw.s);
	free(B->frag);
	S_tools_free(B); /* the xml: namespace with the document */
	if (B->db != NULL)
		xmlFreeNs(B->db);
	if (B->xlink != NULL)
		xmlFreeNs(B->xlink);
	hash_free(&B->ids);
	arena_free(&B->a);
	free(B->ev);
	free(B->bydoc);
	free(B->soa);
	free(B->soalink);
	free(B->trace);
	free(B->page);
	free(B->own);
	free(db);
}

int
docbook_write(const struct docbook_input *in, const char *path)
{
	struct docbook *db = docbook_new(in, 0);
	int rc = docbook_write_planned(db, in, path), err = errno;

	docbook_free(db);
	errno = err;
	return rc;
}
