/* Unit tests: kinds as data and the validation of front matter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "schema.h"

static const char S_kind[] =
    "kind: thing\n"
    "plural: things\n"
    "fields:\n"
    "  title: {type: string, required: true}\n"
    "  level: {type: integer, min: 1, max: risk.scale}\n"
    "  state: {type: string, enum: [open, closed]}\n"
    "  on:    {type: date}\n"
    "  flag:  {type: boolean}\n"
    "  mode:  {type: string, enum: [a, b, none], required_if: flag, else_enum: [none]}\n"
    "  links: {type: list, of: ref, kind: thing}\n"
    "  parts:\n"
    "    type: list\n"
    "    of: map\n"
    "    fields:\n"
    "      date: {type: date, required: true}\n"
    "      value: {type: number, required: true}\n";

struct fx {
	struct schemas s;
	struct diags d;
	struct arena a;
	struct validation v;
};

static int
S_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	schemas_init(&f->s);
	diags_init(&f->d);
	arena_init(&f->a);
	f->s.risk_scale = 5;
	assert_int_equal(schemas_load_kind(&f->s, "thing.yaml", S_kind, strlen(S_kind), 1, &f->d), 0);
	assert_int_equal(f->d.n, 0);
	*state = f;
	return 0;
}

static int
S_teardown(void **state)
{
	struct fx *f = *state;
	free(f->v.refs);
	schemas_free(&f->s);
	diags_free(&f->d);
	arena_free(&f->a);
	free(f);
	return 0;
}

/* Validate text as the front matter of a thing; returns the verdict. */
static int
S_check(struct fx *f, const char *text)
{
	struct yaml_ctx y = {&f->a, &f->d, "t.md", 1, 0};
	struct ynode *root;

	diags_free(&f->d);
	free(f->v.refs);
	memset(&f->v, 0, sizeof(f->v));
	assert_int_equal(yaml_load(&y, text, strlen(text), &root), 0);
	return schema_validate(&f->s, schemas_kind(&f->s, "thing"), root, ynode_get(root, "id"),
	    "t.md", &f->v, &f->d);
}

static void
test_kind_loaded(void **state)
{
	struct fx *f = *state;
	const struct kinddef *k = schemas_kind(&f->s, "thing");

	assert_non_null(k);
	assert_string_equal(k->plural, "things");
	assert_int_equal(k->n, 8);
	assert_int_equal(kind_field(k, "links")->of, FT_REF);
	assert_string_equal(kind_field(k, "links")->kind, "thing");
	assert_int_equal(kind_field(k, "parts")->nfields, 2);
}

static void
test_valid(void **state)
{
	struct fx *f = *state;

	assert_true(S_check(f, "id: T-1\nkind: thing\ntitle: A\nlevel: 5\nstate: open\non: 2024-02-29\n"
	    "flag: true\nmode: a\nlinks: [T-2, T-3]\nparts: [{date: 2025-01-01, value: 97.5}]\n"));
	assert_int_equal(f->d.n, 0);
	assert_int_equal(f->v.nrefs, 2);
	assert_string_equal(f->v.refs[1].id, "T-3");
	assert_int_equal(f->v.refs[1].node->col, 14);
}

static void
test_scalar_is_list_of_one(void **state)
{
	struct fx *f = *state;

	assert_true(S_check(f, "id: T-1\ntitle: A\nlinks: T-9\n"));
	assert_int_equal(f->v.nrefs, 1);
	assert_string_equal(f->v.refs[0].id, "T-9");
}

static void
test_missing_required_at_id(void **state)
{
	struct fx *f = *state;

	assert_false(S_check(f, "kind: thing\nid: T-1\n"));
	assert_int_equal(f->d.n, 1);
	assert_string_equal(f->d.v[0].msg, "missing required field 'title'");
	assert_int_equal(f->d.v[0].line, 3);
	assert_int_equal(f->d.v[0].col, 5);
	assert_false(S_check(f, "id: T-1\ntitle: A\nflag: true\n"));
	assert_string_equal(f->d.v[0].msg, "missing required field 'mode'");
}

static void
test_bad_values(void **state)
{
	struct fx *f = *state;

	assert_false(S_check(f, "id: T\ntitle: A\nlevel: 6\nstate: ajar\non: 2023-02-29\nflag: yes\n"
	    "parts: [{date: x, value: \"9\"}]\nmode: b\n"));
	assert_int_equal(f->d.n, 6);
	assert_string_equal(f->d.v[0].msg, "field 'level' must be between 1 and 5");
	assert_int_equal(f->d.v[0].line, 4);
	assert_int_equal(f->d.v[0].col, 8);
	assert_string_equal(f->d.v[1].msg, "field 'state' must be one of open, closed");
	assert_string_equal(f->d.v[2].msg, "field 'on' must be a date (YYYY-MM-DD)");
	assert_string_equal(f->d.v[3].msg, "field 'flag' must be true or false");
	assert_string_equal(f->d.v[4].msg, "field 'date' must be a date (YYYY-MM-DD)");
	assert_string_equal(f->d.v[5].msg, "field 'value' must be a number");
	assert_false(S_check(f, "id: T\ntitle: A\nlevel: '3'\n"));
	assert_string_equal(f->d.v[0].msg, "field 'level' must be an integer");
	assert_false(S_check(f, "id: T\ntitle: A\nflag: false\nmode: a\n"));
	assert_string_equal(f->d.v[0].msg, "field 'mode' must be none when flag is false");
}

static void
test_unknown_field_is_a_warning(void **state)
{
	struct fx *f = *state;

	assert_true(S_check(f, "id: T\ntitle: A\ntitel: B\nparts: [{date: 2025-01-01, value: 1, note: x}]\n"
	    "extra:\n"));
	assert_int_equal(f->d.n, 3);
	assert_int_equal(f->d.v[0].rule, R_FIELD_UNKNOWN);
	assert_string_equal(f->d.v[0].msg, "unknown field 'titel' for kind thing");
	assert_int_equal(f->d.v[0].col, 8); /* at the value in question */
	assert_string_equal(f->d.v[1].msg, "unknown field 'note' in 'parts'");
	assert_int_equal(f->d.v[1].col, 44);
	assert_string_equal(f->d.v[2].msg, "unknown field 'extra' for kind thing");
	assert_int_equal(f->d.v[2].col, 1); /* no value: at the key */
}

static void
test_bad_schema_files(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
		"kind: Bad Name\n",
		"kind: assets\n",
		"plural: x\n",
		"kind: x\nfields: {a: {type: float}}\n",
		"kind: x\nfields: {a: {type: ref}}\n",
		"kind: x\nfields: {id: {type: string}}\n",
		"kind: thing\nfields: {title: {type: string}}\n",
		"- a list\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		diags_free(&f->d);
		assert_int_equal(schemas_load_kind(&f->s, "x.yaml", bad[i], strlen(bad[i]), 0, &f->d), -1);
		assert_true(f->d.n >= 1);
		assert_int_equal(f->d.v[0].rule, R_SCHEMA);
	}
}

static void
test_extend_kind(void **state)
{
	struct fx *f = *state;
	static const char ext[] = "kind: thing\nfields:\n  tier: {type: string, enum: [gold]}\n";

	assert_int_equal(schemas_load_kind(&f->s, "x.yaml", ext, strlen(ext), 0, &f->d), 0);
	assert_false(S_check(f, "id: T\ntitle: A\ntier: silver\n"));
	assert_string_equal(f->d.v[0].msg, "field 'tier' must be one of gold");
}

static void
test_ids(void **state)
{
	(void)state;
	assert_true(id_valid("A.5.1"));
	assert_true(id_valid("POL-001_x"));
	assert_false(id_valid("../etc/passwd"));
	assert_false(id_valid("a/b"));
	assert_false(id_valid("1abc"));
	assert_false(id_valid("Contr\xc3\xb4le"));
	assert_false(id_valid(""));
}

/* A theme the catalogue lists keeps its title; one it does not is titled
 * from its id, so every control's theme has a title. */
static void
test_catalog_themes(void **state)
{
	static const char cat[] =
	    "catalog: t\n"
	    "themes:\n"
	    "  - {id: people, title: \"A.6 People\"}\n"
	    "controls:\n"
	    "  - {id: A.1, theme: people, title: One}\n"
	    "  - {id: A.2, theme: physical_site, title: Two}\n"
	    "  - {id: A.3, theme: physical_site, title: Three}\n";
	struct fx *f = *state;

	assert_int_equal(schemas_load_catalog(&f->s, "t.yaml", cat, strlen(cat), &f->d), 0);
	assert_string_equal(catalog_theme_title(&f->s.cat, "people"), "A.6 People");
	assert_string_equal(catalog_theme_title(&f->s.cat, "physical_site"), "Physical site controls");
	assert_int_equal(f->s.cat.nthemes, 2);
	assert_null(catalog_theme_title(&f->s.cat, "none"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kind_loaded, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_valid, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_scalar_is_list_of_one, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_missing_required_at_id, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_field_is_a_warning, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_bad_schema_files, S_setup, S_teardown),
		cmocka_unit_test_setup_teardown(test_extend_kind, S_setup, S_teardown),
		cmocka_unit_test(test_ids),
		cmocka_unit_test_setup_teardown(test_catalog_themes, S_setup, S_teardown),
	};
	return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
