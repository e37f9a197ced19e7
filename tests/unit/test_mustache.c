/* Unit tests: the Mustache engine against the official spec's required
 * modules (from $SHARED/suites/mustache-spec, default ../shared), then our own
 * corners: escaping, compile errors with their lines, the recursion and size
 * bounds, data never read as a template, the context stack, indentation,
 * several threads on one template, and random templates. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "mustache.h"

static const char *const S_required[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials", "sections",
};

static char S_specs[4096];   /* the folder of the spec's JSON files */
static int S_have_specs;
static int S_ci;              /* CI=true: a missing suite is a failure */
static int S_passed, S_total;

/* The loader over a JSON object of name -> text. */
static char *
S_load(void *ctx, const char *name, size_t *len)
{
	const json_t *v = json_object_get((const json_t *)ctx, name);
	char *s;

	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	s = malloc(*len + 1);
	assert_non_null(s);
	memcpy(s, json_string_value(v), *len + 1);
	return s;
}

/* Render text against the one context data, with partials (may be NULL);
 * returns the output (free it) or NULL with err set. */
static char *
S_render(const char *text, json_t *data, json_t *partials, int *status, char *err, size_t errsize)
{
	struct mu_template *t;
	struct mu_buf out = {0};
	int st;

	t = mu_compile(text, strlen(text), S_load, partials, err, errsize);
	if (t == NULL)
		return NULL;
	st = mu_render(t, &data, 1, &out);
	if (status != NULL)
		*status = st;
	mu_free(t);
	return out.s;
}

/* The same, with data turned into values (mu_from_json) first. */
static char *
S_render_vals(const char *text, json_t *data, json_t *partials, int *status)
{
	struct mu_template *t;
	struct mu_buf out = {0};
	struct arena a;
	struct mu_val v;

	t = mu_compile(text, strlen(text), S_load, partials, NULL, 0);
	if (t == NULL)
		return NULL;
	arena_init(&a);
	v = mu_from_json(&a, data);
	*status = mu_render_vals(t, &v, 1, &out);
	arena_free(&a);
	mu_free(t);
	return out.s;
}

/* Render and compare; data is JSON text. */
static void
S_expect(const char *text, const char *data, const char *partials, const char *expected)
{
	json_error_t je;
	json_t *d = json_loads(data, JSON_DECODE_ANY, &je), *p = NULL;
	char err[256], *got;
	int status = -99;

	assert_non_null(d);
	if (partials != NULL)
		assert_non_null(p = json_loads(partials, 0, &je));
	got = S_render(text, d, p, &status, err, sizeof(err));
	if (got == NULL)
		fail_msg("compile error: %s", err);
	assert_int_equal(status, MU_OK);
	assert_string_equal(got, expected);
	free(got);
	json_decref(d);
	json_decref(p);
}

/* Compile text, expecting the error message msg. */
static void
S_expect_error(const char *text, const char *partials, const char *msg)
{
	json_error_t je;
	json_t *p = partials != NULL ? json_loads(partials, 0, &je) : NULL;
	char err[256];
	struct mu_template *t = mu_compile(text, strlen(text), S_load, p, err, sizeof(err));

	if (t != NULL)
		fail_msg("compiled, expected: %s", msg);
	assert_string_equal(err, msg);
	json_decref(p);
}

/* ---- the spec ------------------------------------------------------------ */

static int
S_setup(void **state)
{
	const char *shared = getenv("SHARED"), *ci = getenv("CI");
	struct stat st;

	(void)state;
	if (shared == NULL || *shared == '\0')
		shared = "../shared";
	S_ci = ci != NULL && strcmp(ci, "true") == 0;
	snprintf(S_specs, sizeof(S_specs), "%s/suites/mustache-spec/specs", shared);
	S_have_specs = stat(S_specs, &st) == 0 && S_ISDIR(st.st_mode);
	if (!S_have_specs)
		printf("skipped: %s/suites/mustache-spec not found%s\n", shared,
		    S_ci ? " (CI=true: a failure)" : "");
	return 0;
}

static int
S_teardown(void **state)
{
	(void)state;
	if (S_have_specs)
		printf("mustache spec: %d of %d required tests passed\n", S_passed, S_total);
	return 0;
}

/* Run every test of one spec file; each must pass. */
static void
S_spec(const char *module)
{
	char path[4200];
	json_error_t je;
	json_t *root, *tests, *tc;
	size_t i;
	int failed = 0;

	if (!S_have_specs) {
		if (S_ci)
			fail_msg("%s not found and CI=true", S_specs);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.json", S_specs, module);
	if ((root = json_load_file(path, 0, &je)) == NULL)
		fail_msg("%s: %s", path, je.text);
	tests = json_object_get(root, "tests");
	assert_true(json_is_array(tests));
	json_array_foreach(tests, i, tc) {
		const char *name = json_string_value(json_object_get(tc, "name"));
		const char *text = json_string_value(json_object_get(tc, "template"));
		const char *want = json_string_value(json_object_get(tc, "expected"));
		json_t *data = json_object_get(tc, "data");
		json_t *partials = json_object_get(tc, "partials");
		char err[256], *got;
		int status = MU_OK;

		assert_non_null(text);
		assert_non_null(want);
		S_total++;
		got = S_render(text, data, partials, &status, err, sizeof(err));
		if (got == NULL)
			print_error("%s: %s: compile error: %s\n", module, name, err);
		else if (status != MU_OK || strcmp(got, want) != 0)
			print_error("%s: %s:\n  expected \"%s\"\n  got      \"%s\" (status %d)\n",
			    module, name, want, got, status);
		else
			S_passed++;
		failed += got == NULL || status != MU_OK || strcmp(got, want) != 0;
		free(got);
		/* and again with the data as values, as the site's pages have it */
		got = S_render_vals(text, data, partials, &status);
		if (got == NULL || status != MU_OK || strcmp(got, want) != 0) {
			print_error("%s: %s (values):\n  expected \"%s\"\n  got      \"%s\"\n",
			    module, name, want, got != NULL ? got : "(null)");
			failed++;
		}
		free(got);
	}
	json_decref(root);
	assert_int_equal(failed, 0);
}

static void test_spec_comments(void **state) { (void)state; S_spec(S_required[0]); }
static void test_spec_delimiters(void **state) { (void)state; S_spec(S_required[1]); }
static void test_spec_interpolation(void **state) { (void)state; S_spec(S_required[2]); }
static void test_spec_inverted(void **state) { (void)state; S_spec(S_required[3]); }
static void test_spec_partials(void **state) { (void)state; S_spec(S_required[4]); }
static void test_spec_sections(void **state) { (void)state; S_spec(S_required[5]); }

/* ---- our own ------------------------------------------------------------- */

static void
test_escape(void **state)
{
	struct mu_buf b = {0};

	(void)state;
	S_expect("{{x}}|{{{x}}}|{{&x}}", "{\"x\": \"<a href=\\\"u\\\">'&'</a>\"}", NULL,
	    "&lt;a href=&quot;u&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;|<a href=\"u\">'&'</a>|<a href=\"u\">'&'</a>");
	mu_buf_put_html(&b, "a\0<", 3); /* lengths, not NULs */
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.s, "a\0&lt;", 7);
	mu_buf_free(&b);
	mu_buf_put_html(&b, "", 0);     /* always a string */
	assert_string_equal(b.s, "");
	mu_buf_free(&b);
	mu_buf_free(NULL);
}

static void
test_errors(void **state)
{
	char deep[16000] = "";
	char small[8];
	struct mu_template *t;

	(void)state;
	S_expect_error("a\n{{#s}}\nb\n", NULL, "2: unclosed section \"s\"");
	S_expect_error("{{#a}}\n{{^b}}{{/a}}", NULL, "2: section \"b\" (line 2) closed as \"a\"");
	S_expect_error("x\n\n{{/a}}", NULL, "3: closing tag \"a\" with no open section");
	S_expect_error("ok\na {{b", NULL, "2: unclosed tag");
	S_expect_error("{{{a}}", NULL, "1: unclosed tag");
	S_expect_error("{{=<% %>}}", NULL, "1: unclosed tag");
	S_expect_error("{{=<%=}}", NULL, "1: bad delimiter change \"<%\"");
	S_expect_error("{{=<% a %>=}}", NULL, "1: bad delimiter change \"<% a %>\"");
	S_expect_error("{{=a= b=}}", NULL, "1: bad delimiter change \"a= b\"");
	S_expect_error("{{a b}}", NULL, "1: bad tag name \"a b\"");
	S_expect_error("{{ }}", NULL, "1: empty tag");
	S_expect_error("{{#}}{{/}}", NULL, "1: empty tag");
	S_expect_error("{{<parent}}{{/parent}}", NULL,
	    "1: template inheritance (\"<\" tags) is not supported");
	S_expect_error("{{>p}}", "{\"p\": \"x\\n{{#q}}\"}", "p:2: unclosed section \"q\"");
	for (int i = 0; i <= MU_MAX_NESTING; i++)
		strcat(deep, "{{#a}}");
	S_expect_error(deep, NULL, "1: sections nested too deeply; limit is 100");
	deep[0] = '\0';
	for (int i = 0; i <= MU_MAX_PARTIALS; i++) /* "{{>p0}}{{>p1}}..." */
		snprintf(deep + strlen(deep), sizeof(deep) - strlen(deep), "{{>p%d}}", i);
	S_expect_error(deep, NULL, "1: too many partials; limit is 1000");
	/* no error buffer, or a small one */
	assert_null(mu_compile("{{#a}}", 6, NULL, NULL, NULL, 0));
	assert_null(mu_compile("{{#a}}", 6, NULL, NULL, small, sizeof(small)));
	assert_string_equal(small, "1: uncl");
	/* an empty template, and one with no text at all */
	assert_non_null(t = mu_compile(NULL, 0, NULL, NULL, NULL, 0));
	mu_free(t);
	mu_free(NULL);
}

static void
test_recursion(void **state)
{
	json_t *data = json_pack("{s:b}", "a", 1);
	json_t *p;
	char *out;
	char err[256];
	int status;

	(void)state;
	/* a partial that includes itself with nothing to stop it */
	p = json_pack("{s:s}", "p", "x{{>p}}");
	out = S_render("{{>p}}", data, p, &status, err, sizeof(err));
	assert_int_equal(status, MU_EPARTIALS);
	assert_int_equal(strlen(out), MU_MAX_PARTIAL_DEPTH);
	assert_string_equal(mu_strerror(status), "partials nested too deeply; limit is 64");
	free(out);
	json_decref(p);

	/* ... inside a section whose data never runs out */
	p = json_pack("{s:s}", "p", "{{#a}}<{{>p}}>{{/a}}");
	out = S_render("{{>p}}", data, p, &status, err, sizeof(err));
	assert_int_equal(status, MU_EPARTIALS);
	assert_int_equal(strlen(out), MU_MAX_PARTIAL_DEPTH);
	free(out);
	json_decref(p);

	/* ... twice: the first bound reached stops the whole render */
	p = json_pack("{s:s}", "p", "{{>p}}{{>p}}");
	out = S_render("{{>p}}", data, p, &status, err, sizeof(err));
	assert_int_equal(status, MU_EPARTIALS);
	free(out);
	json_decref(p);

	/* sections over a list, eight deep: 20^8 passes unless the step bound
	 * stops them */
	p = json_pack("{s:s}", "p", "{{#l}}{{>q}}{{/l}}");
	json_object_set_new(p, "q", json_string("{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}."
	    "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}"));
	json_object_set_new(data, "l", json_pack("[iiiiiiiiiiiiiiiiiiii]", 1, 2, 3, 4, 5, 6, 7, 8,
	    9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20));
	out = S_render("{{>p}}", data, p, &status, err, sizeof(err));
	assert_int_equal(status, MU_ESTEPS);
	assert_string_equal(mu_strerror(status),
	    "template runs too many steps; limit is 20000000 and 256 per value of its data");
	free(out);
	json_decref(p);

	/* ... under ten sections a time: the depth bound comes first */
	p = json_pack("{s:s}", "p",
	    "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{>p}}"
	    "{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}");
	out = S_render("{{>p}}", data, p, &status, err, sizeof(err));
	assert_int_equal(status, MU_EDEPTH);
	free(out);
	json_decref(p);

	/* a finite recursion renders whole */
	json_decref(data);
	S_expect("{{>node}}",
	    "{\"v\": 1, \"kids\": [{\"v\": 2, \"kids\": [{\"v\": 3, \"kids\": []}]}, {\"v\": 4, \"kids\": []}]}",
	    "{\"node\": \"{{v}}({{#kids}}{{>node}}{{/kids}})\"}", "1(2(3())4())");
}

static void
test_output_bound(void **state)
{
	/* 1 MiB of data, 16^3 times over: the output bound stops it */
	json_t *data, *list = json_array();
	char *big = malloc(1 << 20);
	struct mu_template *t;
	struct mu_buf out = {0};
	static const char text[] = "{{#l}}{{#l}}{{#l}}{{{big}}}{{/l}}{{/l}}{{/l}}";

	(void)state;
	memset(big, 'x', 1 << 20);
	for (int i = 0; i < 16; i++)
		json_array_append_new(list, json_true());
	data = json_pack("{s:s%,s:o}", "big", big, (size_t)1 << 20, "l", list);
	t = mu_compile(text, sizeof(text) - 1, NULL, NULL, NULL, 0);
	assert_int_equal(mu_render(t, &data, 1, &out), MU_ESIZE);
	assert_true(out.len > MU_MAX_OUTPUT && out.len <= MU_MAX_OUTPUT + (1 << 20));
	assert_int_equal(out.s[out.len], '\0');
	mu_buf_free(&out);
	mu_free(t);
	json_decref(data);
	free(big);
}

static void
test_data_is_not_template(void **state)
{
	(void)state;
	S_expect("{{v}} {{{v}}} {{#v}}{{.}}{{/v}} {{>v}}",
	    "{\"v\": \"{{x}}{{#x}}{{>p}}\", \"x\": \"BAD\"}", "{\"p\": \"BAD\"}",
	    "{{x}}{{#x}}{{&gt;p}} {{x}}{{#x}}{{>p}} {{x}}{{#x}}{{&gt;p}} ");
}

static void
test_stack(void **state)
{
	json_t *site = json_pack("{s:s,s:{s:s}}", "title", "Site", "site", "name", "Tallyforge");
	json_t *page = json_pack("{s:s,s:[{s:s},{s:s}]}", "title", "Page", "rows",
	    "title", "Row 1", "id", "R2");
	json_t *stack[3] = {site, NULL, page};
	char *before_site = json_dumps(site, JSON_SORT_KEYS), *before_page = json_dumps(page, 0);
	char *after;
	static const char text[] =
	    "{{site.name}}: {{title}}{{#rows}} [{{title}} {{id}}]{{/rows}}";
	struct mu_template *t = mu_compile(text, sizeof(text) - 1, NULL, NULL, NULL, 0);
	struct mu_buf out = {0};

	(void)state;
	assert_int_equal(mu_render(t, stack, 3, &out), MU_OK);
	assert_string_equal(out.s, "Tallyforge: Page [Row 1 ] [Page R2]");
	out.len = 0;
	assert_int_equal(mu_render(t, stack, 1, &out), MU_OK); /* the base alone */
	assert_string_equal(out.s, "Tallyforge: Site");
	/* nothing changed, no reference taken */
	assert_int_equal(site->refcount, 1);
	assert_int_equal(page->refcount, 1);
	after = json_dumps(site, JSON_SORT_KEYS);
	assert_string_equal(after, before_site);
	free(after);
	after = json_dumps(page, 0);
	assert_string_equal(after, before_page);
	free(after);
	free(before_site);
	free(before_page);
	mu_buf_free(&out);
	mu_free(t);
	json_decref(site);
	json_decref(page);
}

static void
test_values(void **state)
{
	(void)state;
	S_expect("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}}",
	    "{\"a\": 85, \"b\": -3, \"c\": 1.21, \"d\": 0.1, \"e\": 2.0, \"f\": 1e21, \"g\": 9007199254740993}",
	    NULL, "85 -3 1.21 0.1 2 1e+21 9007199254740993");
	S_expect("{{a}}", "{\"a\": 0.3333333333333333}", NULL, "0.3333333333333333");
	S_expect("[{{t}} {{f}} {{n}} {{o}} {{l}} {{m}}]",
	    "{\"t\": true, \"f\": false, \"n\": null, \"o\": {\"x\": 1}, \"l\": [1, 2]}", NULL,
	    "[true false    ]");
	/* truthiness: "" 0 0.0 [] null false and missing are falsey */
	S_expect("{{#s}}s{{/s}}{{#z}}z{{/z}}{{#r}}r{{/r}}{{#l}}l{{/l}}{{#n}}n{{/n}}{{#f}}f{{/f}}{{#m}}m{{/m}}",
	    "{\"s\": \"\", \"z\": 0, \"r\": 0.0, \"l\": [], \"n\": null, \"f\": false}", NULL, "");
	S_expect("{{#s}}s{{/s}}{{#z}}z{{/z}}{{#o}}o{{/o}}{{#l}}l{{/l}}{{#x}}<{{.}}>{{/x}}",
	    "{\"s\": \"0\", \"z\": 7, \"o\": {}, \"l\": [false, null], \"x\": \"a&b\"}", NULL,
	    "szoll<a&amp;b>");
	/* a dotted name into something that is not an object */
	S_expect("[{{a.length}}{{a.0}}{{#a.b}}x{{/a.b}}]", "{\"a\": \"str\"}", NULL, "[]");
	/* a root that is not an object */
	S_expect("{{#.}}{{.}},{{/.}}", "[1, \"two\", 3.5]", NULL, "1,two,3.5,");
}

static void
test_indent(void **state)
{
	(void)state;
	/* standalone partials inside standalone partials: the indents add up */
	S_expect("<\n  {{>a}}\n>", "{}", "{\"a\": \"a1\\n  {{>b}}\\na2\\n\", \"b\": \"b1\\n\\nb2\\n\"}",
	    "<\n  a1\n    b1\n    \n    b2\n  a2\n>");
	/* a partial inside a line is not indented, even within an indented one */
	S_expect("  {{>a}}\n", "{}", "{\"a\": \"x {{>b}}\\n\", \"b\": \"b1\\nb2\"}",
	    "  x b1\nb2\n");
	/* a closing tag at the start of a line, not standalone: indented each time */
	S_expect(" {{>a}}\n", "{\"s\": [1, 2]}", "{\"a\": \"{{#s}}x\\n{{/s}}y\"}",
	    " x\n x\n y");
	/* data with newlines is not indented */
	S_expect("  {{>a}}", "{\"v\": \"1\\n2\"}", "{\"a\": \"{{v}}\\n{{v}}\"}",
	    "  1\n2\n  1\n2");
	/* a missing partial is nothing */
	S_expect("[{{>none}}]\n  {{>none}}\n.", "{}", "{}", "[]\n.");
	/* a partial keeps its own delimiters; the caller's stay */
	S_expect("{{=<% %>=}}<%>p%><%v%>", "{\"v\": 1}", "{\"p\": \"{{v}}{{=[ ]=}}[v]\"}", "111");
}

/* ---- threads ------------------------------------------------------------- */

struct job {
	const struct mu_template *t;
	json_t *stack[2];
	const char *want;
	int ok;
};

static void *
S_worker(void *arg)
{
	struct job *j = arg;
	struct mu_buf out = {0};

	j->ok = 1;
	for (int i = 0; i < 300 && j->ok; i++) {
		out.len = 0;
		if (mu_render(j->t, j->stack, 2, &out) != MU_OK || strcmp(out.s, j->want) != 0)
			j->ok = 0;
	}
	mu_buf_free(&out);
	return NULL;
}

/* Values built by hand: setting a key again replaces it in place, lists
 * keep their order, truth as for JSON, JSON values inside values, dotted
 * names through both, borrowed strings, and the step budget counted over
 * values too. */
static void
test_native(void **state)
{
	static const char text[] = "{{#page}}{{title}}|{{n}}|{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}"
	    "|{{#map}}M{{/map}}|{{#zero}}Z{{/zero}}{{^blank}}b{{/blank}}|"
	    "{{#items}}[{{.}}]{{/items}}|{{json.x.y}}|{{j}}|{{{raw}}}{{/page}}|{{site}}";
	struct mu_template *t = mu_compile(text, sizeof(text) - 1, NULL, NULL, NULL, 0);
	json_t *j = json_pack("{s:{s:s}}", "x", "y", "deep"), *r = json_real(1.25);
	struct mu_val page, items, stack[2];
	struct mu_buf out = {0};
	struct arena a;
	char title[] = "A & B";

	(void)state;
	assert_non_null(t);
	arena_init(&a);
	page = mu_map(&a);
	items = mu_list(&a);
	mu_set(&a, page, "title", mu_str("first"));
	mu_set(&a, page, "n", mu_int(-42));
	mu_set(&a, page, "empty", mu_list(&a));
	mu_set(&a, page, "map", mu_map(&a));
	mu_set(&a, page, "zero", mu_int(0));
	mu_set(&a, page, "blank", mu_strn("", 0));
	mu_add(&a, items, mu_str("one"));
	mu_add(&a, items, mu_int(2));
	mu_add(&a, items, mu_bool(1));
	mu_add(&a, items, mu_null());
	mu_set(&a, page, "items", items);
	mu_set(&a, page, "json", mu_json(j));
	mu_set(&a, page, "j", mu_json(r));
	mu_set(&a, page, "raw", mu_str("<b>"));
	mu_set(&a, page, "title", mu_str(title)); /* replaced, not added */
	assert_int_equal(mu_size(page), 10);
	assert_int_equal(mu_size(items), 4);
	stack[0] = mu_map(&a);
	mu_set(&a, stack[0], "site", mu_strdup(&a, "S"));
	stack[1] = mu_map(&a);
	mu_set(&a, stack[1], "page", page);
	assert_int_equal(mu_render_vals(t, stack, 2, &out), MU_OK);
	assert_string_equal(out.s, "A &amp; B|-42|e|M|b|[one][2][true][]|deep|1.25|<b>|S");
	title[0] = 'Z'; /* borrowed, not copied */
	out.len = 0;
	assert_int_equal(mu_render_vals(t, stack, 2, &out), MU_OK);
	assert_string_equal(out.s, "Z &amp; B|-42|e|M|b|[one][2][true][]|deep|1.25|<b>|S");
	mu_free(t);

	/* integers in decimal, to both ends of their range */
	t = mu_compile("{{a}} {{b}} {{c}} {{d}} {{e}}", 29, NULL, NULL, NULL, 0);
	page = mu_map(&a);
	mu_set(&a, page, "a", mu_int(0));
	mu_set(&a, page, "b", mu_int(7));
	mu_set(&a, page, "c", mu_int(1000000));
	mu_set(&a, page, "d", mu_int(LLONG_MAX));
	mu_set(&a, page, "e", mu_int(LLONG_MIN));
	out.len = 0;
	assert_int_equal(mu_render_vals(t, &page, 1, &out), MU_OK);
	assert_string_equal(out.s, "0 7 1000000 9223372036854775807 -9223372036854775808");
	mu_free(t);

	/* a loop over many values earns the steps they count */
	t = mu_compile("{{#l}}{{#l}}.{{/l}}{{/l}}", 25, NULL, NULL, NULL, 0);
	assert_non_null(t);
	items = mu_list(&a);
	for (int i = 0; i < 6000; i++)
		mu_add(&a, items, mu_int(i));
	page = mu_map(&a);
	mu_set(&a, page, "l", items);
	out.len = 0;
	assert_int_equal(mu_render_vals(t, &page, 1, &out), MU_ESTEPS);
	mu_free(t);
	mu_buf_free(&out);
	arena_free(&a);
	json_decref(j);
	json_decref(r);
}

static void
test_threads(void **state)
{
	static const char text[] = "<h1>{{site.name}}</h1>\n{{#rows}}\n  {{>row}}\n{{/rows}}\n";
	json_t *partials = json_pack("{s:s}", "row", "<tr><td>{{id}}</td><td>{{title}}</td></tr>\n");
	json_t *site = json_pack("{s:{s:s}}", "site", "name", "A & B");
	json_t *rows = json_array(), *page;
	struct mu_template *t = mu_compile(text, sizeof(text) - 1, S_load, partials, NULL, 0);
	struct mu_buf want = {0};
	struct job jobs[4];
	pthread_t th[4];

	(void)state;
	for (int i = 0; i < 50; i++)
		json_array_append_new(rows, json_pack("{s:i,s:s}", "id", i, "title", "<x>"));
	page = json_pack("{s:o}", "rows", rows);
	assert_non_null(t);
	jobs[0].stack[0] = site;
	jobs[0].stack[1] = page;
	assert_int_equal(mu_render(t, jobs[0].stack, 2, &want), MU_OK);
	assert_non_null(strstr(want.s, "  <tr><td>49</td><td>&lt;x&gt;</td></tr>\n"));
	for (int i = 0; i < 4; i++) {
		jobs[i].t = t;
		jobs[i].stack[0] = site;
		jobs[i].stack[1] = page;
		jobs[i].want = want.s;
		assert_int_equal(pthread_create(&th[i], NULL, S_worker, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_true(jobs[i].ok);
	}
	assert_int_equal(site->refcount, 1);
	assert_int_equal(page->refcount, 1);
	mu_buf_free(&want);
	mu_free(t);
	json_decref(partials);
	json_decref(site);
	json_decref(page);
}

/* ---- random templates: no crash, no leak, always a string ---------------- */

static unsigned long S_seed = 12345;

static unsigned
S_rand(unsigned n)
{
	S_seed = S_seed * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)(S_seed >> 33) % n;
}

static void
S_random_text(char *buf, size_t size)
{
	static const char *const bits[] = {
		"{{", "}}", "{{{", "}}}", "#", "^", "/", ">", "!", "=", "&", "a", "b", "a.b", ".",
		" ", "\n", "\r\n", "\t", "p", "q", "{{#a}}", "{{/a}}", "{{^b}}", "{{/b}}", "{{>p}}",
		"{{>q}}", "{{=<% %>=}}", "<%", "%>", "{{a}}", "{{.}}", "{{! x }}", "x", "<&\">",
	};
	size_t len = 0, k = S_rand(24);

	buf[0] = '\0';
	while (k-- > 0) {
		const char *b = bits[S_rand(sizeof(bits) / sizeof(bits[0]))];
		if (len + strlen(b) + 1 > size)
			break;
		strcpy(buf + len, b);
		len += strlen(b);
	}
}

static void
test_random(void **state)
{
	char text[256], p[256], q[256], err[128];
	json_t *data = json_pack("{s:[{s:s},{s:b}],s:i,s:{s:s}}", "a", "b", "x", "b", 1, "b", 0,
	    "q", "r", "s");
	struct arena a;
	struct mu_val vals;
	int compiled = 0;

	(void)state;
	arena_init(&a);
	vals = mu_from_json(&a, data);
	for (int i = 0; i < 3000; i++) {
		json_t *partials;
		struct mu_template *t;
		struct mu_buf out = {0}, vout = {0};

		S_random_text(text, sizeof(text));
		S_random_text(p, sizeof(p));
		S_random_text(q, sizeof(q));
		partials = json_pack("{s:s,s:s}", "p", p, "q", q);
		t = mu_compile(text, strlen(text), S_load, partials, err, sizeof(err));
		if (t != NULL) {
			compiled++;
			int st = mu_render(t, &data, 1, &out);
			assert_non_null(out.s);
			assert_int_equal(strlen(out.s), out.len);
			/* the same data as values renders the same, status and bytes */
			assert_int_equal(mu_render_vals(t, &vals, 1, &vout), st);
			assert_string_equal(vout.s, out.s);
		} else
			assert_true(err[0] != '\0');
		mu_buf_free(&out);
		mu_buf_free(&vout);
		mu_free(t);
		json_decref(partials);
	}
	assert_true(compiled > 100);
	arena_free(&a);
	json_decref(data);
}

/* A large page (a matrix of 300,000 rows) runs more than MU_MAX_STEPS ops
 * honestly: its data earns the steps, so it renders whole. */
static void
test_large_data(void **state)
{
	json_t *data = json_object(), *l = json_array();
	char err[256], *out;
	int status;

	(void)state;
	for (int i = 0; i < 400000; i++)
		json_array_append_new(l, json_integer(i % 10));
	json_object_set_new(data, "l", l);
	out = S_render("{{#l}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}"
	    "{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}"
	    "{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}"
	    "{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{.}}{{/l}}",
	    data, NULL, &status, err, sizeof(err));
	assert_int_equal(status, MU_OK);
	assert_int_equal(strlen(out), (size_t)400000 * 62); /* one digit per {{.}} */
	free(out);
	json_decref(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_comments),
		cmocka_unit_test(test_spec_delimiters),
		cmocka_unit_test(test_spec_interpolation),
		cmocka_unit_test(test_spec_inverted),
		cmocka_unit_test(test_spec_partials),
		cmocka_unit_test(test_spec_sections),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_recursion),
		cmocka_unit_test(test_output_bound),
		cmocka_unit_test(test_data_is_not_template),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_indent),
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_large_data),
	};
	return cmocka_run_group_tests_name("mustache", tests, S_setup, S_teardown);
}
