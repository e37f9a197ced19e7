/* hash.c — string-keyed open-addressing hash table. */
#include "hash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct hash_slot {
	const char *key;
	void *value;
	uint32_t h;
};

static uint32_t
S_hash(const char *s, int fold)
{
	uint32_t h = 2166136261u;
	unsigned char c;

	while ((c = (unsigned char)*s++) != '\0') {
		if (fold && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 16777619u;
	}
	return h;
}

unsigned
hash_key(const char *key, int fold)
{
	return S_hash(key, fold);
}

static int
S_equal(const char *a, const char *b, int fold)
{
	unsigned char x, y;

	if (!fold)
		return strcmp(a, b) == 0;
	do {
		x = (unsigned char)*a++;
		y = (unsigned char)*b++;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
	} while (x == y && x != '\0');
	return x == y;
}

void
hash_init(struct hash *h, int fold)
{
	h->slots = NULL;
	h->cap = h->len = 0;
	h->fold = fold;
}

void
hash_free(struct hash *h)
{
	if (h == NULL)
		return;
	free(h->slots);
	h->slots = NULL;
	h->cap = h->len = 0;
}

static struct hash_slot *
S_find(const struct hash *h, const char *key, uint32_t hv)
{
	size_t i = hv & (h->cap - 1);

	for (;;) {
		struct hash_slot *s = &h->slots[i];
		if (s->key == NULL || (s->h == hv && S_equal(s->key, key, h->fold)))
			return s;
		i = (i + 1) & (h->cap - 1);
	}
}

void *
hash_get(const struct hash *h, const char *key)
{
	struct hash_slot *s;

	if (h->cap == 0)
		return NULL;
	s = S_find(h, key, S_hash(key, h->fold));
	return s->key ? s->value : NULL;
}

static void
S_resize(struct hash *h, size_t cap)
{
	struct hash_slot *old = h->slots;
	size_t oldcap = h->cap, i;

	h->slots = xcalloc(cap, sizeof(*h->slots));
	h->cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].key != NULL)
			*S_find(h, old[i].key, old[i].h) = old[i];
	free(old);
}

void *
hash_put(struct hash *h, const char *key, void *value)
{
	uint32_t hv = S_hash(key, h->fold);
	struct hash_slot *s;

	if ((h->len + 1) * 4 > h->cap * 3)
		S_resize(h, h->cap ? h->cap * 2 : 64);
	s = S_find(h, key, hv);
	if (s->key != NULL)
		return s->value;
	s->key = key;
	s->value = value;
	s->h = hv;
	h->len++;
	return NULL;
}

void
hash_set(struct hash *h, const char *key, void *value)
{
	uint32_t hv = S_hash(key, h->fold);
	struct hash_slot *s;

	if ((h->len + 1) * 4 > h->cap * 3)
		S_resize(h, h->cap ? h->cap * 2 : 64);
	s = S_find(h, key, hv);
	if (s->key == NULL) {
		s->key = key;
		s->h = hv;
		h->len++;
	}
	s->value = value;
}
