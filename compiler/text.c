/* text.c — UTF-8 validation, character columns, line index. */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

size_t
text_check_utf8(const char *str, size_t n, int *nul)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	*nul = 0;
	while (i < n) {
		unsigned c;

		/* ASCII without NUL, eight bytes at a time */
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) != 0 ||
			    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = s[i];
		size_t len;
		unsigned cp, min;

		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		if (c == 0) {
			*nul = 1;
			return i;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2; cp = c & 0x1F; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3; cp = c & 0x0F; min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (n - i < len)
			return i;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += len;
	}
	return n;
}

char *
text_utf8_clean(const char *s)
{
	size_t n = strlen(s), o = 0, ok;
	char *out = xmalloc(n * 3 + 1);
	int nul;

	while (n > 0) {
		ok = text_check_utf8(s, n, &nul);
		memcpy(out + o, s, ok);
		o += ok;
		if (ok == n)
			break;
		memcpy(out + o, "\xEF\xBF\xBD", 3);
		o += 3;
		s += ok + 1;
		n -= ok + 1;
	}
	out[o] = '\0';
	return out;
}

size_t
text_chars(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

void
lines_index(struct lines *l, const char *s, size_t n)
{
	size_t cap = 0;
	const char *p = s, *end = s + n;

	l->start = NULL;
	l->n = 0;
	xgrow(&l->start, &cap, 1, sizeof(*l->start));
	l->start[l->n++] = 0;
	if (memchr(s, '\r', n) != NULL) { /* CR line ends, alone or before LF */
		for (size_t i = text_next_line(s, n, 0); i < n; i = text_next_line(s, n, i)) {
			xgrow(&l->start, &cap, l->n + 1, sizeof(*l->start));
			l->start[l->n++] = i;
		}
		if (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) {
			xgrow(&l->start, &cap, l->n + 1, sizeof(*l->start));
			l->start[l->n++] = n;
		}
		return;
	}
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p++;
		xgrow(&l->start, &cap, l->n + 1, sizeof(*l->start));
		l->start[l->n++] = (size_t)(p - s);
	}
}

size_t
text_next_line(const char *s, size_t n, size_t i)
{
	for (; i < n; i++)
		if (s[i] == '\n')
			return i + 1;
		else if (s[i] == '\r')
			return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
	return n;
}

void
lines_free(struct lines *l)
{
	if (l == NULL)
		return;
	free(l->start);
	l->start = NULL;
	l->n = 0;
}

size_t
lines_line(const struct lines *l, size_t off)
{
	size_t lo = 0, hi = l->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

void
lines_pos(const struct lines *l, const char *s, size_t off, int *line, int *col)
{
	size_t k = lines_line(l, off) - 1;

	*line = (int)k + 1;
	*col = (int)text_chars(s + l->start[k], off - l->start[k]) + 1;
}
