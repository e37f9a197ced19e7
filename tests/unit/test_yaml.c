/* Unit tests: YAML to nodes with positions; duplicate keys; the bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "yamltree.h"

struct fx {
	struct arena a;
	struct diags d;
	struct yaml_ctx y;
};

static int
S_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	arena_init(&f->a);
	diags_init(&f->d);
	f->y = (struct yaml_ctx){&f->a, &f->d, "f.md", 1, 0};
	*state = f;
	return 0;
}

static int
S_teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->a);
	diags_free(&f->d);
	free(f);
	return 0;
}

static struct ynode *
S_load(struct fx *f, const char *text, int *rc)
{
	struct ynode *root = NULL;
	*rc = yaml_load(&f->y, text, strlen(text), &root);
	return root;
}

static void
test_positions(void **state)
{
	struct fx *f = *state;
	int rc;
	/* line0 = 1: the text starts on line 2 of its file */
	struct ynode *r = S_load(f, "id: P-1\ntitle: \"Café policy\"\ncontrols:\n  - A.5.1\n  - [A.5.2, 'A.5.3']\n", &rc);

	assert_int_equal(rc, 0);
	assert_non_null(r);
	assert_int_equal(r->type, YNODE_MAP);
	assert_int_equal(r->n, 6);
	const struct ynode *id = ynode_get(r, "id");
	assert_string_equal(id->str, "P-1");
	assert_int_equal(id->line, 2);
	assert_int_equal(id->col, 5);
	assert_true(id->plain);
	const struct ynode *t = ynode_get(r, "title");
	assert_int_equal(t->col, 8); /* the opening quote */
	assert_false(t->plain);
	const struct ynode *c = ynode_get(r, "controls");
	assert_int_equal(c->type, YNODE_SEQ);
	assert_int_equal(c->kids[0]->line, 5);
	assert_int_equal(c->kids[0]->col, 5);
	assert_int_equal(c->kids[1]->kids[1]->col, 13); /* the quote */
	assert_int_equal(f->d.n, 0);
}

static void
test_columns_count_characters(void **state)
{
	struct fx *f = *state;
	int rc;
	struct ynode *r = S_load(f, "titre: \"éèà\"\nx: [é, ü, z]\n", &rc);

	assert_int_equal(rc, 0);
	const struct ynode *x = ynode_get(r, "x");
	assert_int_equal(x->kids[2]->col, 11); /* not the byte column 13 */
}

static void
test_duplicate_key(void **state)
{
	struct fx *f = *state;
	int rc;

	S_load(f, "a: 1\nb: 2\na: 3\n", &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(f->d.n, 1);
	assert_int_equal(f->d.v[0].rule, R_SYNTAX);
	assert_int_equal(f->d.v[0].line, 4);
	assert_int_equal(f->d.v[0].col, 1);
	assert_string_equal(f->d.v[0].msg, "duplicate key 'a' (first at line 2)");
	/* every duplicate, in the order the maps end: a nested one does not
	 * hide one at the top, nor a third occurrence the second */
	f->d.n = 0;
	S_load(f, "a: 1\na: 2\nm: {x: 1, x: 2}\na: 3\n", &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(f->d.n, 3);
	assert_int_equal(f->d.v[0].line, 4); /* x, when {x: 1, x: 2} ends */
	assert_int_equal(f->d.v[0].col, 11);
	assert_int_equal(f->d.v[1].line, 3);
	assert_int_equal(f->d.v[2].line, 5);
	assert_string_equal(f->d.v[2].msg, "duplicate key 'a' (first at line 2)");
}

/* A NUL made by an escape is refused as a NUL byte is: C strings would cut
 * the value short (and two keys "a\0b", "a\0c" would look alike). */
static void
test_nul_escape(void **state)
{
	struct fx *f = *state;
	int rc;

	f->d.n = 0;
	S_load(f, "a: 1\nb: \"x\\0y\"\n", &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(f->d.n, 1);
	assert_int_equal(f->d.v[0].rule, R_SYNTAX);
	assert_int_equal(f->d.v[0].line, 3);
	assert_int_equal(f->d.v[0].col, 4);
	assert_non_null(strstr(f->d.v[0].msg, "NUL"));
}

static void
test_syntax_error(void **state)
{
	struct fx *f = *state;
	int rc;

	S_load(f, "a: [1, 2\nb: c\n", &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(f->d.n, 1);
	assert_int_equal(f->d.v[0].rule, R_SYNTAX);
	assert_true(strncmp(f->d.v[0].msg, "invalid YAML: ", 14) == 0);
}

static void
test_depth_limit(void **state)
{
	struct fx *f = *state;
	char buf[256];
	int rc;

	/* the root map is level 1: 63 brackets make 64 levels, which is allowed */
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "x: ");
	memset(buf + 3, '[', 63);
	memset(buf + 66, ']', 63);
	S_load(f, buf, &rc);
	assert_int_equal(rc, 0);
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "x: ");
	memset(buf + 3, '[', 64);
	S_load(f, buf, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(f->d.v[0].rule, R_LIMIT);
	assert_int_equal(f->d.v[0].col, 67);
}

static void
test_aliases(void **state)
{
	struct fx *f = *state;
	int rc;
	struct ynode *r = S_load(f, "a: &x [1, 2]\nb: *x\nc: &y z\nd:  *y\n", &rc);
	const struct ynode *a = ynode_get(r, "a"), *b = ynode_get(r, "b");

	assert_int_equal(rc, 0);
	/* the alias is where its value is said to be; the items are shared */
	assert_ptr_equal(a->kids, b->kids);
	assert_int_equal(b->n, 2);
	assert_int_equal(a->line, 2);
	assert_int_equal(b->line, 3);
	assert_int_equal(b->col, 4);
	assert_string_equal(ynode_get(r, "d")->str, "z");
	assert_int_equal(ynode_get(r, "d")->line, 5);
	assert_int_equal(ynode_get(r, "d")->col, 5);
	S_load(f, "a: *nope\n", &rc);
	assert_int_equal(rc, -1);
}

static void
test_nulls(void **state)
{
	struct fx *f = *state;
	int rc;
	struct ynode *r = S_load(f, "a:\nb: ~\nc: null\nd: ''\n", &rc);

	assert_true(ynode_is_null(ynode_get(r, "a")));
	assert_true(ynode_is_null(ynode_get(r, "b")));
	assert_true(ynode_is_null(ynode_get(r, "c")));
	assert_false(ynode_is_null(ynode_get(r, "d")));
	r = S_load(f, "e: Null\nf: NULL\ng: nulL\nh: ~x\ni: '~'\nj: nul\nk: nulls\n\"\": 1\nee: 2\n", &rc);
	assert_true(ynode_is_null(ynode_get(r, "e")));
	assert_true(ynode_is_null(ynode_get(r, "f")));
	for (const char *k = "ghijk"; *k != '\0'; k++) {
		char key[2] = {*k, '\0'};
		assert_non_null(ynode_get(r, key));
		assert_false(ynode_is_null(ynode_get(r, key)));
	}
	/* keys alike in their first letter, and the empty key */
	assert_string_equal(ynode_get(r, "ee")->str, "2");
	assert_string_equal(ynode_get(r, "")->str, "1");
	assert_null(ynode_get(r, "eee"));
	assert_null(S_load(f, "", &rc));
	assert_int_equal(rc, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_positions, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_columns_count_characters, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_key, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_nul_escape, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_syntax_error, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_aliases, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_nulls, S_setup, S_teardown),
	};
	return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
