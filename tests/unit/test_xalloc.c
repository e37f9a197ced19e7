/* Unit tests: formatted strings (one pass when short, two when long), the
 * arena, and growing arrays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void
test_asprintf(void **state)
{
	char *s, *want;
	struct arena a;

	(void)state;
	s = xasprintf("%s/%s-%d", "policies", "POL-1", 7);
	assert_string_equal(s, "policies/POL-1-7");
	free(s);
	s = xasprintf("%s", "");
	assert_string_equal(s, "");
	free(s);
	/* around the small buffer's size: 255 fits it, 256 and more do not */
	for (size_t n = 250; n <= 1100; n += n < 260 ? 1 : 400) {
		want = xmalloc(n + 1);
		memset(want, 'x', n);
		want[n] = '\0';
		s = xasprintf("%s", want);
		assert_int_equal(strlen(s), n);
		assert_string_equal(s, want);
		free(s);
		arena_init(&a);
		s = arena_printf(&a, "%s|%zu", want, n);
		assert_int_equal(strncmp(s, want, n), 0);
		assert_int_equal(strtoul(s + n + 1, NULL, 10), n);
		arena_free(&a);
		free(want);
	}
}

static void
test_grow(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	(void)state;
	for (size_t i = 0; i < 1000; i++) {
		xgrow(&v, &cap, i + 1, sizeof(*v));
		assert_true(cap >= i + 1);
		v[i] = (int)i;
	}
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(v[i], (int)i);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asprintf),
		cmocka_unit_test(test_grow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
