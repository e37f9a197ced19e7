/* frontmatter.c — find the front matter block of a Markdown file. */
#include "frontmatter.h"

#include <string.h>

#include "text.h"

/* If the line at s[i..n) is exactly `mark` (3 bytes) followed by blanks and a
 * line end or the end of the text, return the offset after it; else 0. */
static size_t
S_marker(const char *s, size_t n, size_t i, const char *mark)
{
	if (n - i < 3 || memcmp(s + i, mark, 3) != 0)
		return 0;
	i += 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n)
		return i;
	if (s[i] == '\n' || s[i] == '\r')
		return text_next_line(s, n, i);
	return 0;
}

void
fm_split(const char *s, size_t n, struct fm_split *out)
{
	size_t i, next;
	int line = 1;

	memset(out, 0, sizeof(*out));
	out->state = FM_NONE;
	i = S_marker(s, n, 0, "---");
	if (i == 0)
		return;
	out->yaml_off = i;
	out->yaml_line0 = 1;
	while (i < n) {
		line++;
		if ((next = S_marker(s, n, i, "---")) != 0 || (next = S_marker(s, n, i, "...")) != 0) {
			out->state = FM_OK;
			out->yaml_len = i - out->yaml_off;
			out->body_off = next;
			out->body_line0 = line;
			return;
		}
		i = text_next_line(s, n, i);
	}
	out->state = FM_UNCLOSED;
	out->yaml_len = n - out->yaml_off;
	out->body_off = n;
	out->body_line0 = line;
}
