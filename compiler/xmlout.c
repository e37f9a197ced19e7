/* xmlout.c — a libxml2 tree serialised byte for byte as xmlNodeDump does. */
#include "xmlout.h"

#include <limits.h>
#include <string.h>

#include <libxml/globals.h>

/* What xmlNodeDump writes for a byte of text and of an attribute value
 * (libxml2's xmlEscapeContent and xmlBufAttrSerializeTxtContent); NULL:
 * the byte itself. */
static const char *const S_text_esc[256] = {
	['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['\r'] = "&#13;",
};
static const char *const S_attr_esc[256] = {
	['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;",
	['\n'] = "&#10;", ['\r'] = "&#13;", ['\t'] = "&#9;",
};

/* libxml2 indents by its xmlTreeIndentString ("  ") once per level, up to
 * 60 characters. */
enum { INDENT_MAX = 30 };
static const char S_spaces[2 * INDENT_MAX + 1] =
    "                                                            ";

/* The output, gathered here and handed to libxml2 a block at a time. */
struct out {
	xmlBufferPtr b;
	size_t n;
	int failed;
	char buf[16384];
};

static void
S_flush(struct out *o)
{
	if (o->n > 0 && xmlBufferAdd(o->b, (const xmlChar *)o->buf, (int)o->n) != 0)
		o->failed = 1;
	o->n = 0;
}

static inline void
S_put(struct out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - o->n) {
		S_flush(o);
		if (n >= sizeof(o->buf)) {
			if (n > INT_MAX || xmlBufferAdd(o->b, (const xmlChar *)s, (int)n) != 0)
				o->failed = 1;
			return;
		}
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

static void
S_puts(struct out *o, const xmlChar *s)
{
	S_put(o, (const char *)s, strlen((const char *)s));
}

/* s escaped with esc, whose bytes are those of stop (strcspn finds them
 * many bytes at a time). */
static void
S_escaped(struct out *o, const xmlChar *s, const char *const *esc, const char *stop)
{
	const char *p = (const char *)s;

	for (;;) {
		size_t n = strcspn(p, stop);
		S_put(o, p, n);
		p += n;
		if (*p == '\0')
			return;
		S_put(o, esc[(unsigned char)*p], strlen(esc[(unsigned char)*p]));
		p++;
	}
}

static void
S_indent(struct out *o, int level)
{
	S_put(o, S_spaces, 2 * (size_t)(level > INDENT_MAX ? INDENT_MAX : level));
}

static void
S_name(struct out *o, const xmlNs *ns, const xmlChar *name)
{
	if (ns != NULL && ns->prefix != NULL) {
		S_puts(o, ns->prefix);
		S_put(o, ":", 1);
	}
	S_puts(o, name);
}

static int
S_ascii(const xmlChar *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 0x80)
			return 0;
	return 1;
}

int
xmlout_known(xmlNodePtr root)
{
	xmlNodePtr cur = root;

	for (;;) {
		switch (cur->type) {
		case XML_ELEMENT_NODE:
			if (cur->nsDef != NULL)
				return 0;
			for (xmlAttrPtr a = cur->properties; a != NULL; a = a->next)
				for (xmlNodePtr t = a->children; t != NULL; t = t->next)
					if (t->type != XML_TEXT_NODE || (t->content != NULL &&
					    (a->doc == NULL || a->doc->encoding == NULL) && !S_ascii(t->content)))
						return 0;
			break;
		case XML_TEXT_NODE: /* not "textnoenc", written unescaped */
			if (cur->name == NULL || strcmp((const char *)cur->name, "text") != 0)
				return 0;
			break;
		case XML_PI_NODE:
			break;
		default:
			return 0;
		}
		if (cur->type == XML_ELEMENT_NODE && cur->children != NULL) {
			cur = cur->children;
			continue;
		}
		while (cur != root && cur->next == NULL)
			cur = cur->parent;
		if (cur == root)
			return 1;
		cur = cur->next;
	}
}

/* The walk of libxml2's xmlNodeDumpOutputInternal: a new line after each
 * child and indentation before it, unless its parent has text among its
 * children (mixed content), where whitespace would be text. */
int
xmlout_node(xmlBufferPtr out, xmlDocPtr doc, xmlNodePtr root, int level)
{
	struct out out_, *o = &out_;
	xmlNodePtr cur = root, unformatted = NULL;
	int format = 1, indent = xmlIndentTreeOutput;

	if (root == NULL || out == NULL)
		return -1;
	if (level < 0 || strcmp(xmlTreeIndentString, "  ") != 0 || !xmlout_known(root))
		return xmlNodeDump(out, doc, root, level, 1) < 0 ? -1 : 0;
	o->b = out;
	o->n = 0;
	o->failed = 0;
	for (;;) {
		if (cur != root && format && indent && cur->type != XML_TEXT_NODE)
			S_indent(o, level);
		if (cur->type == XML_ELEMENT_NODE && cur->_private != NULL) {
			const struct xmlout_raw *raw = cur->_private;
			S_put(o, raw->s, raw->n);
		} else if (cur->type == XML_ELEMENT_NODE) {
			S_put(o, "<", 1);
			S_name(o, cur->ns, cur->name);
			for (xmlAttrPtr a = cur->properties; a != NULL; a = a->next) {
				S_put(o, " ", 1);
				S_name(o, a->ns, a->name);
				S_put(o, "=\"", 2);
				for (xmlNodePtr t = a->children; t != NULL; t = t->next)
					if (t->content != NULL)
						S_escaped(o, t->content, S_attr_esc, "<>&\"\n\r\t");
				S_put(o, "\"", 1);
			}
			if (cur->children != NULL) {
				for (xmlNodePtr c = cur->children; format && c != NULL; c = c->next)
					if (c->type == XML_TEXT_NODE) {
						format = 0;
						unformatted = cur;
					}
				S_put(o, format ? ">\n" : ">", format ? 2 : 1);
				level++;
				cur = cur->children;
				continue;
			}
			S_put(o, "/>", 2);
		} else if (cur->type == XML_TEXT_NODE) {
			if (cur->content != NULL)
				S_escaped(o, cur->content, S_text_esc, "<>&\r");
		} else { /* XML_PI_NODE */
			S_put(o, "<?", 2);
			S_puts(o, cur->name);
			if (cur->content != NULL) {
				S_put(o, " ", 1);
				S_puts(o, cur->content);
			}
			S_put(o, "?>", 2);
		}
		/* on to the next node, closing the elements left */
		for (;;) {
			if (cur == root)
				goto done;
			if (format)
				S_put(o, "\n", 1);
			if (cur->next != NULL) {
				cur = cur->next;
				break;
			}
			cur = cur->parent;
			if (level > 0)
				level--;
			if (format && indent)
				S_indent(o, level);
			S_put(o, "</", 2);
			S_name(o, cur->ns, cur->name);
			S_put(o, ">", 1);
			if (cur == unformatted) {
				format = 1;
				unformatted = NULL;
			}
		}
	}
done:
	S_flush(o);
	return o->failed ? -1 : 0;
}
