/* xalloc.h — the one allocation policy: abort with a message on out-of-memory,
 * and arenas for the many small, long-lived objects of a run. */
#ifndef ISMSC_XALLOC_H
#define ISMSC_XALLOC_H

#include <stddef.h>

/* malloc, calloc, realloc and strdup that never return NULL: on failure they
 * print "ismsc: out of memory" and exit with status 2. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A printf into a fresh string that the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *p (an array of *cap elements of size `size`) so that it holds at least
 * `need` elements; doubles, so appends are amortised O(1). */
void xgrow(void *pp, size_t *cap, size_t need, size_t size);

/* An arena: bump allocation from large blocks, all freed at once. */
struct arena {
	struct arena_block *head; /* newest block first */
	char *next, *end;         /* free space in the newest block */
};

void arena_init(struct arena *a);
/* Free every block; the arena may be used again. Accepts NULL. */
void arena_free(struct arena *a);
/* n bytes aligned for any type, zeroed. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
