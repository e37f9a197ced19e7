/* frontmatter.h — split a Markdown file into its YAML front matter and its
 * body. The front matter is a first line "---" and runs to a line "---" or
 * "..."; CRLF line ends are accepted (a BOM is stripped before). */
#ifndef ISMSC_FRONTMATTER_H
#define ISMSC_FRONTMATTER_H

#include <stddef.h>

enum fm_state { FM_NONE, FM_OK, FM_UNCLOSED };

struct fm_split {
	enum fm_state state;
	size_t yaml_off, yaml_len; /* the YAML text (FM_OK) */
	size_t body_off;           /* where the body starts (the whole file for FM_NONE) */
	int yaml_line0;            /* lines before the YAML text: 1 */
	int body_line0;            /* lines before the body */
};

/* Split s[0..n). Never fails: a file that does not open with "---" has no
 * front matter, and one that never closes it is FM_UNCLOSED (the body is
 * then empty). */
void fm_split(const char *s, size_t n, struct fm_split *out);

#endif
