/* Unit tests: UTF-8 validation, character columns, the line index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static size_t
S_bad(const char *s, size_t n, int *nul)
{
	return text_check_utf8(s, n, nul);
}

static void
test_utf8(void **state)
{
	int nul;
	static const char ok[] = "plain ASCII text, long enough for the fast path; caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92";

	(void)state;
	assert_int_equal(S_bad(ok, sizeof(ok) - 1, &nul), sizeof(ok) - 1);
	assert_int_equal(S_bad("abcdefghij\xff", 11, &nul), 10);
	assert_false(nul);
	assert_int_equal(S_bad("abcdefgh\0jklmnop", 16, &nul), 8); /* NUL inside a word */
	assert_true(nul);
	assert_int_equal(S_bad("abc\0", 4, &nul), 3);
	assert_true(nul);
	assert_int_equal(S_bad("\xc0\xaf", 2, &nul), 0);         /* overlong */
	assert_int_equal(S_bad("\xe0\x80\xaf", 3, &nul), 0);     /* overlong */
	assert_int_equal(S_bad("\xed\xa0\x80", 3, &nul), 0);     /* surrogate */
	assert_int_equal(S_bad("\xf4\x90\x80\x80", 4, &nul), 0); /* past U+10FFFF */
	assert_int_equal(S_bad("x\xe2\x82", 3, &nul), 1);        /* cut short */
	assert_int_equal(S_bad("\xc3\xa9\x80", 3, &nul), 2);     /* lone continuation */
}

static void
test_clean(void **state)
{
	char *s;

	(void)state;
	s = text_utf8_clean("plain caf" "\xc3\xa9");
	assert_string_equal(s, "plain caf" "\xc3\xa9");
	free(s);
	s = text_utf8_clean("a" "\xff" "b" "\xc3" "\xc3\xa9" "\xe2\x82");
	assert_string_equal(s, "a" "\xef\xbf\xbd" "b" "\xef\xbf\xbd" "\xc3\xa9" "\xef\xbf\xbd"
	    "\xef\xbf\xbd");
	free(s);
	s = text_utf8_clean("");
	assert_string_equal(s, "");
	free(s);
}

static void
test_lines(void **state)
{
	static const char s[] = "ab\r\ncaf\xc3\xa9 x\n\nlast";
	struct lines l;
	int line, col;

	(void)state;
	lines_index(&l, s, sizeof(s) - 1);
	assert_int_equal(l.n, 4);
	lines_pos(&l, s, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	lines_pos(&l, s, 10, &line, &col); /* the 'x' after "café " */
	assert_int_equal(line, 2);
	assert_int_equal(col, 6);
	lines_pos(&l, s, sizeof(s) - 2, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 4);
	assert_int_equal(text_chars("caf\xc3\xa9", 5), 4);
	lines_free(&l);
	/* a lone CR ends a line too; CRLF is one line end; a last line end
	 * starts an empty line, as LF does */
	{
		static const char cr[] = "a\rb\r\nc\n\rd\r";
		lines_index(&l, cr, sizeof(cr) - 1);
		assert_int_equal(l.n, 6);
		lines_pos(&l, cr, 2, &line, &col); /* b */
		assert_int_equal(line, 2);
		lines_pos(&l, cr, 5, &line, &col); /* c */
		assert_int_equal(line, 3);
		lines_pos(&l, cr, 8, &line, &col); /* d, after "\n\r": an empty line between */
		assert_int_equal(line, 5);
		assert_int_equal(col, 1);
		assert_int_equal(text_next_line(cr, sizeof(cr) - 1, 3), 5);
		assert_int_equal(text_next_line("x", 1, 0), 1);
		lines_free(&l);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_lines),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
