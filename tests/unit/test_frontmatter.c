/* Unit tests: splitting the front matter off a Markdown file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "frontmatter.h"

static void
S_split(const char *s, struct fm_split *f)
{
	fm_split(s, strlen(s), f);
}

static void
test_plain_page(void **state)
{
	struct fm_split f;

	(void)state;
	S_split("# Title\n\ntext\n", &f);
	assert_int_equal(f.state, FM_NONE);
	assert_int_equal(f.body_off, 0);
	assert_int_equal(f.body_line0, 0);
	S_split("", &f);
	assert_int_equal(f.state, FM_NONE);
	S_split("----\nx\n", &f); /* four dashes: a thematic break */
	assert_int_equal(f.state, FM_NONE);
}

static void
test_dashes(void **state)
{
	const char *s = "---\nid: A\nkind: policy\n---\nbody\n";
	struct fm_split f;

	(void)state;
	S_split(s, &f);
	assert_int_equal(f.state, FM_OK);
	assert_int_equal(f.yaml_line0, 1);
	assert_memory_equal(s + f.yaml_off, "id: A\nkind: policy\n", f.yaml_len);
	assert_int_equal(f.yaml_len, strlen("id: A\nkind: policy\n"));
	assert_string_equal(s + f.body_off, "body\n");
	assert_int_equal(f.body_line0, 4);
}

static void
test_dots_and_crlf(void **state)
{
	const char *s = "---\r\nid: A\r\n...\r\nbody\r\n";
	struct fm_split f;

	(void)state;
	S_split(s, &f);
	assert_int_equal(f.state, FM_OK);
	assert_int_equal(f.yaml_len, strlen("id: A\r\n"));
	assert_string_equal(s + f.body_off, "body\r\n");
	assert_int_equal(f.body_line0, 3);
}

static void
test_trailing_blanks_and_eof(void **state)
{
	const char *s = "--- \nid: A\n---\t";
	struct fm_split f;

	(void)state;
	S_split(s, &f);
	assert_int_equal(f.state, FM_OK);
	assert_int_equal(f.body_off, strlen(s));
}

static void
test_unclosed(void **state)
{
	struct fm_split f;

	(void)state;
	S_split("---\nid: A\nkind: policy\n", &f);
	assert_int_equal(f.state, FM_UNCLOSED);
	S_split("---", &f);
	assert_int_equal(f.state, FM_UNCLOSED);
	/* "----" inside does not close it, nor "--- x" */
	S_split("---\na: 1\n----\n--- x\n", &f);
	assert_int_equal(f.state, FM_UNCLOSED);
}

static void
test_empty(void **state)
{
	struct fm_split f;

	(void)state;
	S_split("---\n---\n", &f);
	assert_int_equal(f.state, FM_OK);
	assert_int_equal(f.yaml_len, 0);
	assert_int_equal(f.body_line0, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_page),
		cmocka_unit_test(test_dashes),
		cmocka_unit_test(test_dots_and_crlf),
		cmocka_unit_test(test_trailing_blanks_and_eof),
		cmocka_unit_test(test_unclosed),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests_name("frontmatter", tests, NULL, NULL);
}
