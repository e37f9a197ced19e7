/* text.h — UTF-8 and line helpers shared by the readers: validation, columns
 * in characters, and the line index of a buffer. */
#ifndef ISMSC_TEXT_H
#define ISMSC_TEXT_H

#include <stddef.h>

/* Offset of the first byte of s[0..n) that is not well-formed UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF included) or is NUL; n when
 * all is well. *nul is set to 1 when that byte is a NUL. */
size_t text_check_utf8(const char *s, size_t n, int *nul);

/* A copy of the string s (to free) in which each byte that is not part of
 * well-formed UTF-8 is U+FFFD: for outputs that must be UTF-8 (JSON),
 * whatever a file name holds. */
char *text_utf8_clean(const char *s);

/* The number of characters (UTF-8 lead bytes) in s[0..n). */
size_t text_chars(const char *s, size_t n);

/* The start offsets of the lines of a buffer: line k (1-based) starts at
 * start[k - 1]. Lines end at "\n"; a "\r" before it belongs to the line. */
struct lines {
	size_t *start;
	size_t n;
};

/* The offset after the line end at or after i in s[0..n): "\n", "\r\n" or a
 * lone "\r", as CommonMark and YAML end lines; n when there is none. */
size_t text_next_line(const char *s, size_t n, size_t i);

/* Index the lines of s[0..n) (ended as text_next_line says); free with
 * lines_free. */
void lines_index(struct lines *l, const char *s, size_t n);
void lines_free(struct lines *l);
/* The 1-based line that holds byte offset off (the last that starts at or
 * before it). */
size_t lines_line(const struct lines *l, size_t off);
/* The 1-based line and character column of byte offset off. */
void lines_pos(const struct lines *l, const char *s, size_t off, int *line, int *col);

#endif
