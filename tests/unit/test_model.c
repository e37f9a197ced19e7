/* Unit tests: the id table, the model built from a small tree (references
 * resolved both ways, duplicates caught), dates and link resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "date.h"
#include "hash.h"
#include "model.h"

static void
test_hash(void **state)
{
	struct hash h;
	static char keys[2000][16], x[] = "x", y[] = "y", one[] = "1", two[] = "2";

	(void)state;
	hash_init(&h, 1);
	for (int i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "Id-%d", i);
		assert_null(hash_put(&h, keys[i], keys[i]));
	}
	assert_ptr_equal(hash_get(&h, "id-1999"), keys[1999]); /* letter case ignored */
	assert_ptr_equal(hash_put(&h, "ID-7", x), keys[7]);   /* the first stays */
	assert_null(hash_get(&h, "Id-2000"));
	hash_set(&h, "id-7", y);
	assert_string_equal(hash_get(&h, "Id-7"), "y");
	hash_free(&h);
	hash_init(&h, 0);
	assert_null(hash_put(&h, "A", one));
	assert_null(hash_put(&h, "a", two));
	assert_string_equal(hash_get(&h, "a"), "2");
	hash_free(&h);
}

static void
test_dates(void **state)
{
	date_t d;
	char buf[11];

	(void)state;
	assert_int_equal(date_parse("1970-01-01", 10, &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(date_parse("2024-02-29", 10, &d), 0);
	assert_int_equal(date_parse("2023-02-29", 10, &d), -1);
	assert_int_equal(date_parse("2023-13-01", 10, &d), -1);
	assert_int_equal(date_parse("2023-1-01", 9, &d), -1);
	assert_int_equal(date_parse("2025-01-31", 10, &d), 0);
	date_format(date_add_months(d, 1), buf);
	assert_string_equal(buf, "2025-02-28");
	date_format(date_add_months(d, 13), buf);
	assert_string_equal(buf, "2026-02-28");
	assert_int_equal(date_parse("2023-02-28", 10, &d), 0);
	date_format(date_add_months(d, 12), buf);
	assert_string_equal(buf, "2024-02-28");
	date_format(date_from_epoch(1764288000LL), buf);
	assert_string_equal(buf, "2025-11-28");
	date_format(date_from_epoch(-1), buf);
	assert_string_equal(buf, "1969-12-31");
}

static void
test_link_resolve(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(link_resolve("policies/a.md", "b.md", out, sizeof(out)), 1);
	assert_string_equal(out, "policies/b.md");
	assert_int_equal(link_resolve("policies/a.md", "../risks/./r%201.md#top", out, sizeof(out)), 1);
	assert_string_equal(out, "risks/r 1.md");
	assert_int_equal(link_resolve("a.md", "x/../../etc/passwd", out, sizeof(out)), -1);
	assert_int_equal(link_resolve("a.md", "https://example.com/x.md", out, sizeof(out)), 0);
	assert_int_equal(link_resolve("a.md", "mailto:x@y", out, sizeof(out)), 0);
	assert_int_equal(link_resolve("a.md", "#anchor", out, sizeof(out)), 0);
	assert_int_equal(link_resolve("a.md", "/abs.md", out, sizeof(out)), 0);
	assert_int_equal(link_resolve("a/b.md", "..", out, sizeof(out)), 1);
	assert_string_equal(out, "");
	assert_int_equal(link_resolve("a.md", "x%00y", out, sizeof(out)), -1);
}

/* ---- a model from a tree on disk --------------------------------------- */

static char S_dir[64];

static void
S_write(const char *path, const char *text)
{
	char full[256], *slash;
	FILE *fp;

	snprintf(full, sizeof(full), "%s/%s", S_dir, path);
	slash = strrchr(full, '/');
	*slash = '\0';
	mkdir(full, 0777);
	*slash = '/';
	fp = fopen(full, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static const char S_kinds[] =
    "kind: control\nplural: controls\nfields:\n  applicable: {type: boolean}\n"
    "  annex: {type: list, of: ref, kind: catalog}\n";
static const char S_risk[] =
    "kind: risk\nplural: risks\nfields:\n  title: {type: string}\n"
    "  controls: {type: list, of: ref, kind: control}\n";
static const char S_cat[] =
    "catalog: test\ncontrols:\n  - {id: A.1, theme: t, title: One}\n  - {id: A.2, theme: t, title: Two}\n";

/* What the hooks saw of a build in two passes. */
struct hooked {
	struct model *m;
	pthread_mutex_t lock;
	int ready, threads;
	int registered;           /* at ready: every id found, no body read yet */
	int bodies[8];            /* calls per doc */
	int bad;                  /* a call with no tree or on no such thread */
};

static void
S_ready(void *ctx, int threads)
{
	struct hooked *h = ctx;
	static const char *const ids[] = {"A.1", "OWN-1", "R-1", "R-2"};
	int ok = h->m->n == 5;

	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++)
		ok &= model_find(h->m, ids[i]) != NULL;
	for (size_t i = 0; i < h->m->ndocs; i++)
		ok &= h->m->docs[i].nrefs == 0 && h->m->docs[i].md.nrefs == 0;
	h->ready++;
	h->threads = threads;
	h->registered = ok;
}

static void
S_body(void *ctx, int thread, const struct doc *d, struct cmark_node *tree)
{
	struct hooked *h = ctx;

	pthread_mutex_lock(&h->lock);
	if (tree == NULL || thread < 0 || thread >= h->threads || h->ready != 1)
		h->bad++;
	h->bodies[d - h->m->docs]++;
	pthread_mutex_unlock(&h->lock);
}

/* The model of a small tree, built in one pass, or in two with hooks: the
 * same references, both ways, and the same diagnostics. */
static size_t
S_model_case(const struct model_hooks *hooks)
{
	size_t ndocs;
	struct source src;
	struct schemas sch;
	struct diags d;
	struct model m;
	char cmd[128];

	strcpy(S_dir, "/tmp/ismsc-model-XXXXXX");
	assert_non_null(mkdtemp(S_dir));
	S_write("isms.yaml", "name: t\n");
	S_write("c/A.1.md", "---\nid: A.1\nkind: control\napplicable: true\n---\n");
	S_write("c/own.md", "---\nid: OWN-1\nkind: control\nannex: [A.2, A.9]\n---\n");
	S_write("r/r1.md", "---\nid: R-1\nkind: risk\ncontrols: [A.1, A.2, R-2, NOPE]\n---\nSee [[OWN-1]] and [[r-2]].\n");
	S_write("r/r2.md", "---\nid: R-2\nkind: risk\n---\n");
	S_write("r/r3.md", "---\nid: r-2\nkind: risk\n---\n");
	S_write("page.md", "# A page\n\n[[R-1|the first risk]]\n");

	diags_init(&d);
	schemas_init(&sch);
	assert_int_equal(schemas_load_kind(&sch, "c", S_kinds, strlen(S_kinds), 1, &d), 0);
	assert_int_equal(schemas_load_kind(&sch, "r", S_risk, strlen(S_risk), 1, &d), 0);
	assert_int_equal(schemas_load_catalog(&sch, "cat", S_cat, strlen(S_cat), &d), 0);
	assert_int_equal(source_open_dir(&src, S_dir, NULL, &d), 0);
	assert_int_equal(src.n, 7);
	assert_string_equal(src.paths[0], "c/A.1.md");
	assert_true(source_has(&src, "r"));
	if (hooks != NULL)
		((struct hooked *)hooks->ctx)->m = &m;
	model_build(&m, &src, &sch, 2, 0, hooks, &d);
	ndocs = m.ndocs;

	assert_int_equal(m.ndocs, 6);
	assert_int_equal(m.n, 5);
	/* invariant: every resolved reference is in its target's list, and back */
	for (size_t i = 0; i < m.ndocs; i++)
		for (size_t k = 0; k < m.docs[i].nrefs; k++) {
			struct ref *r = &m.docs[i].refs[k];
			int found = 0;
			if (r->to != NULL)
				for (size_t j = 0; j < r->to->in.n; j++)
					found |= r->to->in.v[j] == r;
			else if (r->cat >= 0)
				for (size_t j = 0; j < m.cat_in[r->cat].n; j++)
					found |= m.cat_in[r->cat].v[j] == r;
			else
				found = 1;
			assert_true(found);
		}
	struct entity *a1 = model_find(&m, "A.1"), *r1 = model_find(&m, "R-1"), *own = model_find(&m, "OWN-1");
	assert_non_null(a1);
	assert_int_equal(a1->cat, 0);
	assert_ptr_equal(m.cat_decision[0], a1);
	assert_null(m.cat_decision[1]); /* own controls do not fill catalogue rows */
	assert_int_equal(a1->in.n, 1);
	assert_ptr_equal(a1->in.v[0]->from, r1->doc);
	assert_int_equal(m.cat_in[1].n, 2); /* A.2 from OWN-1's annex and from R-1 */
	assert_int_equal(own->in.n, 1);
	assert_int_equal(r1->in.n, 1);
	assert_null(r1->in.v[0]->from->entity); /* from the plain page */
	assert_string_equal(r1->in.v[0]->text, "the first risk");
	assert_null(model_find(&m, "r-2"));
	assert_true(model_find(&m, "R-2") != NULL);

	struct rules t;
	rules_init(&t);
	diags_finish(&d, &t);
	/* R-2 is a risk, not a control; NOPE unknown; A.9 no catalogue id;
	 * r-2 differs in case from R-2 (both as a duplicate and as a reference) */
	const char *want[] = {
		"c/own.md:4:14: ref-unknown reference to unknown catalogue control 'A.9'",
		"r/r1.md:4:22: ref-kind 'R-2' is a risk, not a control",
		"r/r1.md:4:27: ref-unknown reference to unknown control 'NOPE'",
		"r/r1.md:6:19: ref-unknown reference to unknown id 'r-2' (ids are case-sensitive: 'R-2')",
		"r/r3.md:2:5: id-duplicate id 'r-2' differs only in case from 'R-2' in r/r2.md",
	};
	assert_int_equal(d.n, 5);
	for (size_t i = 0; i < d.n; i++) {
		char got[256];
		snprintf(got, sizeof(got), "%s:%d:%d: %s %s", d.v[i].file, d.v[i].line, d.v[i].col,
		    t.v[d.v[i].rule].name, d.v[i].msg);
		assert_string_equal(got, want[i]);
	}
	rules_free(&t);
	model_free(&m);
	source_close(&src);
	schemas_free(&sch);
	diags_free(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", S_dir);
	assert_int_equal(system(cmd), 0);
	return ndocs;
}

static void
test_model(void **state)
{
	(void)state;
	assert_int_equal(S_model_case(NULL), 6);
}

/* With hooks (a build): ready once, when every id is registered and no
 * body is read; then each body once, with its tree, on a parsing thread;
 * and the model is the same as without. */
static void
test_model_hooks(void **state)
{
	struct hooked h;
	struct model_hooks hooks = {S_ready, S_body, &h};
	size_t ndocs;

	(void)state;
	memset(&h, 0, sizeof(h));
	pthread_mutex_init(&h.lock, NULL);
	ndocs = S_model_case(&hooks);
	assert_int_equal(h.ready, 1);
	assert_int_equal(h.threads, 1); /* fewer than 64 files: one thread */
	assert_true(h.registered);
	assert_int_equal(h.bad, 0);
	assert_int_equal(ndocs, 6);
	for (size_t i = 0; i < ndocs; i++)
		assert_int_equal(h.bodies[i], 1);
	pthread_mutex_destroy(&h.lock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_link_resolve),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_model_hooks),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
