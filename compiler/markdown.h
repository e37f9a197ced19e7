/* markdown.h — a Markdown body parsed once with cmark-gfm (tables,
 * strikethrough, autolinks, task lists): the [[ID]] references in its text
 * (never in code) and its links and images, each with its position. */
#ifndef ISMSC_MARKDOWN_H
#define ISMSC_MARKDOWN_H

#include <stddef.h>

#include "xalloc.h"

struct md_ref {
	const char *id;      /* in the arena */
	const char *text;    /* the text after '|', or NULL */
	int line, col;       /* of the first '[' */
};

struct md_link {
	const char *url;     /* in the arena */
	int line, col;       /* of the '[' (or the '!' of an image) */
	int image;
};

struct md_out {
	struct md_ref *refs;
	size_t nrefs, caprefs;
	struct md_link *links;
	size_t nlinks, caplinks;
};

/* Make sure cmark-gfm's extensions are registered; call once before threads. */
void md_global_init(void);

struct md_parser;
/* A parser to use for many bodies, one thread at a time; md_free accepts NULL. */
struct md_parser *md_new(void);
void md_free(struct md_parser *p);

/* Parse body[0..len) into a cmark-gfm tree (a cmark_node *, freed with
 * cmark_node_free), or NULL. cmark-gfm's parsers share global tables, so
 * this parse and md_scan's take turns in their inline phase. */
struct cmark_node *md_parse_tree(struct md_parser *p, const char *body, size_t len);
/* Its extensions, for cmark_render_html (a cmark_llist *). */
struct _cmark_llist *md_extensions(struct md_parser *p);

/* Bounds on what a body may ask of cmark-gfm 0.29 (Debian 12), whose parser
 * is quadratic in a few shapes: image openers that never close around
 * links ("![[]()" repeated: 40,000 take 3.5 s, 160,000 minutes), lists
 * opened many at once on one line ("- - - ... x": 40,000 take minutes),
 * and tables whose rows are padded to a wide header (4,000
 * columns by 4,000 rows take gigabytes; 1,000 by 1,000 take 260 MB). No ISMS document comes near. */
enum {
	MD_MAX_IMAGE_OPENERS = 20000,   /* "![" in one body */
	MD_MAX_LINE_CONTAINERS = 1000,  /* list items one line opens */
	MD_MAX_TABLE_CELLS = 250000     /* a table's columns times its rows */
};

/* 0 when body[0..len) keeps within the bounds; else 1, with the 1-based
 * line of the body where it leaves them and why in msg[0..size). */
int md_guard(const char *body, size_t len, int *line, char *msg, size_t size);

/* Parse body[0..len), which starts after line0 lines of its file, and append
 * its references and links to out (strings in a). */
void md_scan(struct md_parser *p, const char *body, size_t len, int line0, struct arena *a,
    struct md_out *out);
/* md_scan, then then(ctx, tree) with the tree before it is freed (NULL:
 * none), so that a renderer need not parse the body again. */
void md_scan_then(struct md_parser *p, const char *body, size_t len, int line0, struct arena *a,
    struct md_out *out, void (*then)(void *ctx, struct cmark_node *tree), void *ctx);
void md_out_free(struct md_out *out);

/* Find the [[ID]] or [[ID|text]] that starts at s[0..n) (s[0] == '['): on
 * success, return its length and set the id and text spans. 0 if none. */
size_t md_ref_at(const char *s, size_t n, size_t *id_off, size_t *id_len, size_t *text_off,
    size_t *text_len);

/* The [[ID]] references of the text nodes of a tree parsed from one body,
 * found as md_scan finds them (in the literal, then in the source line,
 * and not escaped there), for renderers that walk the tree themselves. */
struct md_body;
struct md_body *md_body_new(const char *body, size_t len);
void md_body_free(struct md_body *b);

struct md_textref {
	size_t off, len;              /* the reference in the node's literal */
	size_t id_off, id_len;        /* its id, from the reference's start (off) */
	size_t text_off, text_len;    /* [[ID|text]]: the text; text_len 0 without */
};
typedef void (*md_ref_fn)(void *ctx, const char *lit, const struct md_textref *r);
/* Call fn for each reference of text node `text` (a cmark_node * of a tree
 * parsed from b's body), in order. */
void md_text_refs(struct md_body *b, struct cmark_node *text, md_ref_fn fn, void *ctx);

/* How md_html renders references and URLs. */
struct md_html {
	/* [[ID]]: set the link's href and title and return 1, or return 0 to
	 * print its text plainly; the strings need only last until the call
	 * returns to md_html */
	int (*ref)(void *ctx, const char *id, const char **href, const char **title);
	/* a link's or image's URL: its replacement, "" to show its text alone
	 * (it leads nowhere on the site), or NULL to keep it */
	const char *(*url)(void *ctx, const char *url, int image);
	void *ctx;
	const char *const *reserved;  /* ids the page uses itself, NULL-terminated, or NULL */
	const char *id_prefix;        /* put before every heading id ("scope-"), or NULL */
};

/* Render body[0..len) as HTML, as GitHub would: cmark-gfm's renderer (raw
 * HTML omitted, unsafe URLs dropped), [[ID]] as links, URLs rewritten, and
 * GitHub-style ids on the headings. Returns a string to free. */
char *md_html(struct md_parser *p, const char *body, size_t len, const struct md_html *h,
    size_t *outlen);

/* md_html for root, the tree md_parse_tree made of body[0..len), which it
 * changes (URLs, links) but does not free. p only lends its extensions to
 * the renderer: no thread may be parsing with it meanwhile. */
char *md_html_tree(struct md_parser *p, struct cmark_node *root, const char *body, size_t len,
    const struct md_html *h, size_t *outlen);

#endif
