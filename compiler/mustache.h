/* mustache.h — Mustache templates (the spec's required modules: variables,
 * sections, inverted sections, comments, partials, set delimiters). A template
 * and every partial it reaches are compiled once into a tree of ops; the tree
 * is then rendered any number of times, from several threads at once, against
 * a stack of values that rendering only reads: JSON (jansson), or values
 * built for the purpose (struct mu_val), which may hold JSON.
 *
 * Truthiness (the spec leaves it to the host language; this follows
 * JavaScript, as mustache.js does): missing, null, false, 0, 0.0, "" and []
 * are falsey; everything else, {} included, is truthy. A variable renders a
 * string as it is, an integer in decimal, a real in the fewest digits that
 * read back the same (1.21 -> "1.21"), true and false as "true" and
 * "false", and null, objects and arrays as nothing. */
#ifndef ISMSC_MUSTACHE_H
#define ISMSC_MUSTACHE_H

#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "xalloc.h"

/* Bounds on what a template may ask for (mu_compile fails past the first
 * two; mu_render stops past the others). */
#define MU_MAX_NESTING       100        /* sections open at once in one text */
#define MU_MAX_PARTIALS      1000       /* distinct partial names in a template */
#define MU_MAX_PARTIAL_DEPTH 64         /* partials inside partials, while rendering */
#define MU_MAX_DEPTH         512        /* sections and partials inside each other, while rendering */
#define MU_MAX_STEPS         20000000ul /* ops run by one mu_render, ... */
#define MU_STEPS_PER_VALUE   256        /* ... and this many more per value of its data */
#define MU_MAX_OUTPUT        ((size_t)256 << 20) /* bytes added by one mu_render: 256 MiB */

/* What mu_render returns. */
enum mu_status {
	MU_OK = 0,
	MU_EPARTIALS = -1, /* MU_MAX_PARTIAL_DEPTH reached */
	MU_EDEPTH = -2,    /* MU_MAX_DEPTH reached */
	MU_ESTEPS = -3,    /* MU_MAX_STEPS reached */
	MU_ESIZE = -4      /* MU_MAX_OUTPUT reached */
};

/* A growable output buffer. Start from {0}; s is NUL-terminated after every
 * append (s[len] == '\0'). Set len to 0 to reuse it. */
struct mu_buf {
	char *s;
	size_t len, cap;
};

/* Room for n more bytes (and the NUL) without growing again. */
void mu_buf_reserve(struct mu_buf *b, size_t n);

/* Append s[0..n). Inline: pages are written a few bytes at a time. */
static inline void
mu_buf_put(struct mu_buf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n)
		mu_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}
/* Append s[0..n) escaped for HTML text and attribute values: & < > " '
 * become &amp; &lt; &gt; &quot; &#39;. */
void mu_buf_put_html(struct mu_buf *b, const char *s, size_t n);
/* Free the buffer's storage and empty it. Accepts NULL. */
void mu_buf_free(struct mu_buf *b);

/* Finds the text of the partial called name: returns it in a buffer from
 * malloc, which the caller of the loader frees, with its length in *len; or
 * NULL when there is no such partial (it then renders as nothing, as the spec
 * says; a loader that wants to warn about it can do so here). */
typedef char *(*mu_loader)(void *ctx, const char *name, size_t *len);

struct mu_template;

/* Compile text[0..len) and, through load (which may be NULL: no partials),
 * every partial it reaches, each name loaded once, at compile time; recursive
 * partials are fine. Partials are read with the default delimiters. Returns
 * the template, which owns copies of all the texts, or NULL on a syntax error
 * (an unclosed tag, an unclosed or mismatched section, a bad delimiter change,
 * an empty or spaced name, an inheritance tag, a bound passed) after writing
 * "LINE: message" into err[0..errsize), or "NAME:LINE: message" when the fault
 * is in the partial NAME. err may be NULL. */
struct mu_template *mu_compile(const char *text, size_t len, mu_loader load, void *ctx,
    char *err, size_t errsize);

/* Render t, appending to out. stack[0..nstack) is the context stack, base
 * first: names are looked up from stack[nstack - 1] down (NULL entries are
 * skipped). Neither t nor the values are changed (no reference counts
 * either), so threads may render the same template and values at once, each
 * into its own buffer. Returns MU_OK, or another enum mu_status when a bound
 * stopped the rendering (out then holds what was rendered before). */
int mu_render(const struct mu_template *t, json_t *const *stack, size_t nstack,
    struct mu_buf *out);

/* Values built for rendering, in an arena, borrowing their strings: a page
 * has hundreds of small values, looked up by name many times, which cost
 * a tenth of what JSON values cost to build, look up and free. A map or a
 * list may hold JSON values (mu_json), rendered as mu_render renders them;
 * the rules of truth and output are the same for both. */
enum mu_kind { MU_NULL, MU_FALSE, MU_TRUE, MU_INT, MU_STR, MU_LIST, MU_MAP, MU_JSON };

struct mu_seq;

struct mu_val {
	enum mu_kind kind;
	size_t n;                  /* MU_STR: the length */
	union {
		long long i;
		const char *s;         /* borrowed: it must outlive the rendering */
		struct mu_seq *seq;    /* MU_MAP, MU_LIST */
		const json_t *json;    /* borrowed too */
	} u;
};

static inline struct mu_val mu_null(void) { return (struct mu_val){MU_NULL, 0, {0}}; }
static inline struct mu_val mu_bool(int b)
{
	return (struct mu_val){b ? MU_TRUE : MU_FALSE, 0, {0}};
}
static inline struct mu_val mu_int(long long i) { return (struct mu_val){MU_INT, 0, {.i = i}}; }
/* s[0..n), or NULL for null */
static inline struct mu_val mu_strn(const char *s, size_t n)
{
	return s != NULL ? (struct mu_val){MU_STR, n, {.s = s}} : mu_null();
}
struct mu_val mu_str(const char *s);                        /* NULL: null */
struct mu_val mu_strdup(struct arena *a, const char *s);    /* a copy in a */
static inline struct mu_val mu_json(const json_t *j)
{
	return j != NULL ? (struct mu_val){MU_JSON, 0, {.json = j}} : mu_null();
}

/* A new empty map or list in a, as a value. */
struct mu_val mu_map(struct arena *a);
struct mu_val mu_list(struct arena *a);
/* Set key (borrowed) in map m (a value from mu_map) to v, replacing a value
 * it had; add v at the end of list l. Values are kept in order. */
void mu_set(struct arena *a, struct mu_val m, const char *key, struct mu_val v);
void mu_add(struct arena *a, struct mu_val l, struct mu_val v);
/* v as values in a: objects as maps, arrays as lists, strings borrowed
 * from v (which must outlive them), reals left as JSON. Deeper than 64
 * levels, the rest stays JSON. */
struct mu_val mu_from_json(struct arena *a, const json_t *v);
/* The size of a list or map value, 0 for others. */
size_t mu_size(struct mu_val v);

/* mu_render with a stack of these values. */
int mu_render_vals(const struct mu_template *t, const struct mu_val *stack, size_t nstack,
    struct mu_buf *out);

/* The message for a status of mu_render, e.g. "partials nested too deeply;
 * limit is 64". A static string. */
const char *mu_strerror(int status);

/* Free a template. Accepts NULL. */
void mu_free(struct mu_template *t);

#endif
