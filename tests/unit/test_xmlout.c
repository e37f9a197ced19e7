/* Unit tests: xmlout_node against libxml2's own xmlNodeDump, byte for byte,
 * on random trees of elements, attributes, text and processing
 * instructions with every byte that is escaped, mixed and element-only
 * content, empty text nodes, namespaced names and indentation past its
 * cap; and the trees it leaves to xmlNodeDump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "xmlout.h"

static uint32_t S_seed = 12345;

static uint32_t
S_rand(uint32_t n)
{
	S_seed = S_seed * 1103515245u + 12345u;
	return (S_seed >> 8) % n;
}

/* Text of pieces that libxml2 escapes or passes through. */
static void
S_text(char *buf, size_t cap, int ascii)
{
	static const char *const bits[] = {"a", "Zz", " ", "<", ">", "&", "\"", "'", "\r", "\n",
	    "\t", "]]>", "&amp;", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x94\x92", "--", "?>"};
	size_t n = 0, k = S_rand(12);

	buf[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		const char *b = bits[S_rand(ascii ? 13 : sizeof(bits) / sizeof(*bits))];
		if (n + strlen(b) + 1 > cap)
			break;
		memcpy(buf + n, b, strlen(b) + 1);
		n += strlen(b);
	}
}

static const char *const S_names[] = {"para", "section", "title", "emphasis", "row", "x"};

/* A random subtree of depth at most depth under parent. */
static void
S_tree(xmlDocPtr doc, xmlNodePtr parent, xmlNsPtr ns, int depth, int ascii_attrs)
{
	char text[128];
	size_t kids = depth > 0 ? S_rand(5) : 0;

	for (size_t i = 0; i < kids; i++) {
		xmlNodePtr c = NULL;
		switch (S_rand(8)) {
		case 0:
		case 1:
			S_text(text, sizeof(text), 0);
			c = xmlNewDocText(doc, (const xmlChar *)text);
			break;
		case 2:
			c = S_rand(2) ? xmlNewDocTextLen(doc, NULL, 0) : xmlNewDocText(doc, (const xmlChar *)"");
			break;
		case 3:
			c = xmlNewDocPI(doc, (const xmlChar *)"linebreak",
			    S_rand(2) ? NULL : (const xmlChar *)"a b");
			break;
		default:
			c = xmlNewDocNode(doc, S_rand(4) == 0 ? ns : NULL,
			    (const xmlChar *)S_names[S_rand(sizeof(S_names) / sizeof(*S_names))], NULL);
			for (size_t a = S_rand(3); a > 0; a--) {
				char name[8];
				snprintf(name, sizeof(name), "a%zu", a);
				S_text(text, sizeof(text), ascii_attrs);
				if (S_rand(3) == 0)
					xmlNewNsProp(c, ns, (const xmlChar *)name, (const xmlChar *)text);
				else
					xmlNewProp(c, (const xmlChar *)name, (const xmlChar *)text);
			}
			S_tree(doc, c, ns, depth - 1, ascii_attrs);
			break;
		}
		xmlAddChild(parent, c);
	}
}

/* xmlout_node and xmlNodeDump give the same bytes for n at level. */
static void
S_same(xmlDocPtr doc, xmlNodePtr n, int level)
{
	xmlBufferPtr ours = xmlBufferCreate(), theirs = xmlBufferCreate();

	xmlBufferAdd(ours, (const xmlChar *)"[", 1); /* appended, not replaced */
	xmlBufferAdd(theirs, (const xmlChar *)"[", 1);
	assert_int_equal(xmlout_node(ours, doc, n, level), 0);
	xmlNodeDump(theirs, doc, n, level, 1);
	assert_string_equal(xmlBufferContent(ours), xmlBufferContent(theirs));
	xmlBufferFree(ours);
	xmlBufferFree(theirs);
}

static void
S_random(const char *encoding)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr holder = xmlNewDocNode(doc, NULL, (const xmlChar *)"holder", NULL);
	xmlNsPtr ns = xmlNewNs(holder, (const xmlChar *)"http://www.w3.org/1999/xlink",
	    (const xmlChar *)"xlink");
	size_t own = 0, all = 0;

	if (encoding != NULL)
		doc->encoding = xmlStrdup((const xmlChar *)encoding);
	for (int i = 0; i < 3000; i++) {
		xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"section", NULL);
		xmlAddChild(holder, root);
		S_tree(doc, root, ns, 1 + (int)S_rand(6), (int)S_rand(2));
		own += (size_t)xmlout_known(root);
		all++;
		S_same(doc, root, (int)S_rand(4));
		for (xmlNodePtr c = root->children; c != NULL; c = c->next)
			S_same(doc, c, 2);
		xmlUnlinkNode(root);
		xmlFreeNode(root);
	}
	/* most trees are written here, not by xmlNodeDump */
	assert_true(own > all / 3);
	xmlFreeNode(holder);
	xmlFreeDoc(doc);
}

static void
test_random(void **state)
{
	(void)state;
	S_random(NULL);
	S_random("UTF-8");
}

/* Nested past libxml2's 30 levels of indentation, at a level past it too. */
static void
test_deep(void **state)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"section", NULL), n = root;

	(void)state;
	for (int i = 0; i < 80; i++)
		n = xmlNewChild(n, NULL, (const xmlChar *)(i % 7 == 6 ? "para" : "section"),
		    i % 7 == 6 ? (const xmlChar *)"a < b" : NULL);
	assert_true(xmlout_known(root));
	S_same(doc, root, 0);
	S_same(doc, root, 40);
	xmlFreeNode(root);
	xmlFreeDoc(doc);
}

/* What it leaves to libxml2: namespace declarations, comments, CDATA,
 * non-ASCII attributes in a document without encoding. */
static void
test_fallback(void **state)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr n;

	(void)state;
	n = xmlNewDocNode(doc, NULL, (const xmlChar *)"a", NULL);
	xmlNewNs(n, (const xmlChar *)"urn:x", (const xmlChar *)"p");
	xmlNewChild(n, NULL, (const xmlChar *)"b", NULL);
	assert_false(xmlout_known(n));
	S_same(doc, n, 1);
	xmlFreeNode(n);

	n = xmlNewDocNode(doc, NULL, (const xmlChar *)"a", NULL);
	xmlAddChild(n, xmlNewDocComment(doc, (const xmlChar *)" c "));
	xmlAddChild(n, xmlNewCDataBlock(doc, (const xmlChar *)"x<y", 3));
	assert_false(xmlout_known(n));
	S_same(doc, n, 0);
	xmlFreeNode(n);

	n = xmlNewDocNode(doc, NULL, (const xmlChar *)"a", NULL);
	xmlNewProp(n, (const xmlChar *)"t", (const xmlChar *)"caf\xc3\xa9");
	assert_false(xmlout_known(n));
	S_same(doc, n, 0);
	doc->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	assert_true(xmlout_known(n));
	S_same(doc, n, 0);
	xmlFreeNode(n);
	xmlFreeDoc(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
