/* Unit tests: the output folder, refused when it is not ismsc's, written
 * beside and swapped in whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "xalloc.h"

struct fx {
	char dir[64];
};

static int
S_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/ismsc-test-output-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
S_teardown(void **state)
{
	struct fx *f = *state;
	output_remove_tree(f->dir);
	free(f);
	return 0;
}

static void
S_put(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static int
S_exists(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int rc = access(p, F_OK) == 0;
	free(p);
	return rc;
}

static void
test_refusals(void **state)
{
	struct fx *f = *state;
	struct output o;
	char *src = xasprintf("%s/src", f->dir), *foreign = xasprintf("%s/foreign", f->dir);
	char *file = xasprintf("%s/file", f->dir), *link = xasprintf("%s/link", f->dir);

	mkdir(src, 0755);
	mkdir(foreign, 0755);
	S_put(foreign, "notes.txt", "mine");
	S_put(f->dir, "file", "x");
	assert_int_equal(symlink(foreign, link), 0);
	assert_int_equal(output_check(&o, foreign, src), -1);
	assert_non_null(strstr(o.err, "not written by ismsc"));
	output_free(&o);
	assert_int_equal(output_check(&o, src, src), -1);
	assert_non_null(strstr(o.err, "is the source folder"));
	output_free(&o);
	assert_int_equal(output_check(&o, f->dir, src), -1);
	assert_non_null(strstr(o.err, "holds the source folder"));
	output_free(&o);
	assert_int_equal(output_check(&o, file, src), -1);
	output_free(&o);
	assert_int_equal(output_check(&o, link, src), -1);
	output_free(&o);
	/* a marker makes the foreign folder ismsc's */
	S_put(foreign, OUTPUT_MARKER, "");
	assert_int_equal(output_check(&o, foreign, src), 0);
	output_free(&o);
	free(src), free(foreign), free(file), free(link);
}

static void
test_write_and_swap(void **state)
{
	struct fx *f = *state;
	struct output o;
	char *src = xasprintf("%s/src", f->dir), *out = xasprintf("%s/a/b/out", f->dir);

	mkdir(src, 0755);
	/* a first build makes OUT and its folders */
	assert_int_equal(output_check(&o, out, src), 0);
	assert_int_equal(output_open(&o), 0);
	assert_int_equal(output_write(&o, "x/y/z.html", "one", 3), 0);
	assert_int_equal(output_write(&o, "old.html", "old", 3), 0);
	assert_int_equal(output_commit(&o), 0);
	output_free(&o);
	assert_true(S_exists(out, "x/y/z.html"));
	assert_true(S_exists(out, OUTPUT_MARKER));
	/* a second replaces it whole: no stale file, nothing left beside */
	assert_int_equal(output_check(&o, out, src), 0);
	assert_int_equal(output_open(&o), 0);
	assert_int_equal(output_write(&o, "new.html", "two", 3), 0);
	assert_int_equal(output_commit(&o), 0);
	output_free(&o);
	assert_true(S_exists(out, "new.html"));
	assert_false(S_exists(out, "old.html"));
	/* a path that leaves the tree is refused, and the failure sticks */
	assert_int_equal(output_check(&o, out, src), 0);
	assert_int_equal(output_open(&o), 0);
	assert_int_equal(output_write(&o, "../escape.html", "x", 1), -1);
	assert_int_equal(output_write(&o, "/abs.html", "x", 1), -1);
	assert_int_equal(output_write(&o, "a/./b.html", "x", 1), -1);
	assert_int_equal(output_commit(&o), -1);
	output_free(&o);
	assert_true(S_exists(out, "new.html")); /* OUT as it was */
	assert_false(S_exists(f->dir, "a/b/escape.html"));
	free(src), free(out);
}

static void
test_abandoned(void **state)
{
	struct fx *f = *state;
	struct output o;
	char *src = xasprintf("%s/src", f->dir), *out = xasprintf("%s/out", f->dir);
	char *tmp;

	mkdir(src, 0755);
	assert_int_equal(output_check(&o, out, src), 0);
	assert_int_equal(output_open(&o), 0);
	assert_int_equal(output_write(&o, "page.html", "x", 1), 0);
	tmp = xstrdup(o.tmp);
	output_free(&o); /* a build that stops: its temporary folder goes */
	assert_int_equal(access(tmp, F_OK), -1);
	assert_false(S_exists(f->dir, "out"));
	free(tmp), free(src), free(out);
}

/* A file written in parts: whole when every part went; a path out of the
 * tree or a part that cannot be written fails the build, and OUT stays. */
static void
test_parts(void **state)
{
	struct fx *f = *state;
	struct output o;
	struct output_file of;
	char *src = xasprintf("%s/src", f->dir), *out = xasprintf("%s/out", f->dir);
	char *path = xasprintf("%s/out/m/big.csv", f->dir), buf[64] = "";
	FILE *fp;

	mkdir(src, 0755);
	assert_int_equal(output_check(&o, out, src), 0);
	assert_int_equal(output_open(&o), 0);
	assert_int_equal(output_start(&o, &of, "m/big.csv"), 0);
	assert_int_equal(output_part(&of, "a,b\n", 4), 0);
	assert_int_equal(output_part(&of, "", 0), 0);
	assert_int_equal(output_part(&of, "1,2\n", 4), 0);
	assert_int_equal(output_end(&of), 0);
	assert_int_equal(output_commit(&o), 0);
	output_free(&o);
	assert_non_null(fp = fopen(path, "r"));
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, fp), 8);
	fclose(fp);
	assert_string_equal(buf, "a,b\n1,2\n");
	/* a path out of the tree: nothing opens, nothing is written */
	assert_int_equal(output_check(&o, out, src), 0);
	assert_int_equal(output_open(&o), 0);
	assert_int_equal(output_start(&o, &of, "../big.csv"), -1);
	assert_int_equal(output_part(&of, "x", 1), -1);
	assert_int_equal(output_end(&of), -1);
	assert_int_equal(output_commit(&o), -1);
	output_free(&o);
	assert_false(S_exists(f->dir, "big.csv"));
	/* a part that cannot be written (its descriptor gone) */
	assert_int_equal(output_check(&o, out, src), 0);
	assert_int_equal(output_open(&o), 0);
	assert_int_equal(output_start(&o, &of, "m/big.csv"), 0);
	assert_int_equal(close(of.fd), 0);
	assert_int_equal(output_part(&of, "x", 1), -1);
	assert_int_equal(of.fd, -1);
	assert_int_equal(output_end(&of), -1);
	assert_int_equal(output_commit(&o), -1);
	assert_non_null(strstr(o.err, "cannot write m/big.csv"));
	output_free(&o);
	assert_non_null(fp = fopen(path, "r")); /* OUT as it was */
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, fp), 8);
	fclose(fp);
	free(src), free(out), free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refusals, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_write_and_swap, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_abandoned, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_parts, S_setup, S_teardown),
	};
	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
