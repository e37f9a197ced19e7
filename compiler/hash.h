/* hash.h — a string-keyed hash table (open addressing, FNV-1a), optionally
 * case-insensitive for ASCII letters. Keys are borrowed, not copied. */
#ifndef ISMSC_HASH_H
#define ISMSC_HASH_H

#include <stddef.h>

struct hash {
	struct hash_slot *slots;
	size_t cap, len;  /* cap is a power of two */
	int fold;         /* 1: ASCII letter case is ignored */
};

void hash_init(struct hash *h, int fold);
/* The table's hash of a key (FNV-1a; fold: ASCII letter case ignored), for
 * callers that keep keys of their own. */
unsigned hash_key(const char *key, int fold);
void hash_free(struct hash *h);
/* The value stored under key, or NULL. */
void *hash_get(const struct hash *h, const char *key);
/* Store value under key unless the key is there already; returns the value
 * already stored (and stores nothing), or NULL when value was stored. */
void *hash_put(struct hash *h, const char *key, void *value);

/* Store value under key, replacing what was there. */
void hash_set(struct hash *h, const char *key, void *value);

#endif
