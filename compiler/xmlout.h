/* xmlout.h — a libxml2 tree serialised as xmlNodeDump serialises it (with
 * format on), for the kinds of node the book builds, several times faster:
 * xmlNodeDump costs one buffer call per name, quote and indentation, about
 * 45 instructions per byte of the book, and was an eighth of a build.
 * What it does not know (another node type, namespace declarations, an
 * attribute that libxml2 would write as character references) it leaves to
 * xmlNodeDump itself, so the bytes are libxml2's either way;
 * tests/unit/test_xmlout.c compares the two on random trees. */
#ifndef ISMSC_XMLOUT_H
#define ISMSC_XMLOUT_H

#include <libxml/tree.h>

/* Append node n of doc, at indentation level, to out: the bytes that
 * xmlNodeDump(out, doc, n, level, 1) appends. Returns 0, or -1 when out
 * could not grow. */
int xmlout_node(xmlBufferPtr out, xmlDocPtr doc, xmlNodePtr n, int level);

/* Whether xmlout_node writes root itself (else it calls xmlNodeDump): every
 * node under it is an element without namespace declarations, text to
 * escape (not "textnoenc") or a processing instruction, and attribute
 * values are text, ASCII unless the document has an encoding (libxml2
 * writes other characters as references then). */
int xmlout_known(xmlNodePtr root);

/* XML serialised already, at the level of the element that stands for it
 * (an element without attributes or children whose _private points here):
 * xmlout_node writes the text in its place, without the indentation that
 * goes before it. xmlNodeDump knows nothing of it: a tree that holds one
 * must pass xmlout_known. */
struct xmlout_raw {
	const char *s;
	size_t n;
};

#endif
