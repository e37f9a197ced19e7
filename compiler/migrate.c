/* migrate.c — `ismsc migrate`: a checked 2013 project's control decisions,
 * carried through the mapping of ISO/IEC 27002:2022 Annex B to one decision
 * per 2022 control. Reads the model that compile.c built; hands on a
 * Markdown report and, with --write, a folder of control entities. */
#define _GNU_SOURCE
#include "migrate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output.h"

#define FROM_CATALOG "iso27001-2013"
#define TO_CATALOG "iso27001-2022"
#define MAPPING_FILE "mappings/iso27001-2013-to-2022.yaml"
#define WRITE_DIR "controls-2022"

/* Implementation, least advanced first: a 2022 control fed by several 2013
 * controls is only as far along as the least advanced of them. */
static const char *const S_impl[] = {"not-implemented", "planned", "partial", "implemented"};

/* One 2022 control and what the 2013 decisions say of it. */
struct target {
	size_t *src;               /* 2013 catalogue indices that map to it, in order */
	size_t nsrc, cap;
	int decided;               /* sources with a decision */
	int applicable;            /* any decided source applicable */
	int excluded;              /* any decided source not applicable */
	int impl;                  /* least advanced of the applicable sources */
};

/* A reference to a 2013 control outside the 2013 decisions themselves. */
struct oldref {
	const char *path, *id;     /* borrowed from the model and the catalogue */
	int line, col, cat;        /* cat: 2013 catalogue index */
};

struct migration {
	struct run *run;
	const struct catalog *from;   /* the project's 2013 catalogue */
	struct schemas to;            /* the 2022 catalogue */
	struct arena arena;           /* the mapping's nodes */
	size_t **map;                 /* 2013 index -> 2022 indices */
	size_t *nmap;
	struct target *t;             /* per 2022 index */
	struct oldref *refs;
	size_t nrefs, caprefs;
	size_t ncarried, nnew, nconflict;
	size_t nfresh;                /* of nnew: new in 2022, fed by no 2013 control */
};

/* Print the compiler's own diagnostics about its data files. */
static void
S_data_broken(const char *dir, const struct diags *d)
{
	fprintf(stderr, "ismsc: migrate: the compiler's data in %s is broken\n", dir);
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "%s/%s:%d:%d: %s\n", dir, d->v[i].file, d->v[i].line, d->v[i].col,
		    d->v[i].msg);
}

/* The 2022 catalogue and the mapping, checked against both catalogues:
 * every 2013 control maps to at least one known 2022 control. */
static int
S_load(struct migration *M)
{
	char *dir = xasprintf("%s/schemas", M->run->datadir), *text;
	const char *path;
	struct source data = {0};
	struct diags d;
	struct ynode *root = NULL, *map;
	size_t len;
	int rc = -1;

	diags_init(&d);
	/* the compiler's data, read as compile.c reads its schemas */
	if (source_open_dir(&data, dir, NULL, &d) != 0) {
		fprintf(stderr, "ismsc: migrate: cannot read %s: %s\n", dir, strerror(errno));
		goto out;
	}
	path = "catalogs/" TO_CATALOG ".yaml";
	if (source_read(&data, path, &text, &len, FILE_LIMIT) != SOURCE_OK) {
		fprintf(stderr, "ismsc: migrate: cannot read %s/%s\n", dir, path);
		goto out;
	}
	schemas_load_catalog(&M->to, path, text, len, &d);
	free(text);
	path = MAPPING_FILE;
	if (d.n > 0 || source_read(&data, path, &text, &len, FILE_LIMIT) != SOURCE_OK) {
		if (d.n == 0)
			fprintf(stderr, "ismsc: migrate: cannot read %s/%s\n", dir, path);
		goto out;
	}
	{
		struct yaml_ctx y = {&M->arena, &d, MAPPING_FILE, 0, 0};
		yaml_load(&y, text, len, &root);
		free(text);
	}
	if (d.n > 0)
		goto out;
	map = ynode_get(root, "map");
	if (map == NULL || map->type != YNODE_MAP) {
		diag_add(&d, R_SCHEMA, MAPPING_FILE, 1, 1, "a mapping needs a map of controls");
		goto out;
	}
	M->map = xcalloc(M->from->n + 1, sizeof(*M->map));
	M->nmap = xcalloc(M->from->n + 1, sizeof(*M->nmap));
	for (size_t i = 0; i < map->n; i += 2) {
		const struct ynode *k = map->kids[i], *v = map->kids[i + 1];
		int c = k->type == YNODE_SCALAR ? catalog_find(M->from, k->str) : -1;
		if (c < 0 || M->map[c] != NULL || v->type != YNODE_SEQ || v->n == 0) {
			diag_add(&d, R_SCHEMA, MAPPING_FILE, k->line, k->col,
			    "'%s' is not a %s control mapped once to a list of controls",
			    k->type == YNODE_SCALAR ? k->str : "?", FROM_CATALOG);
			continue;
		}
		M->map[c] = xcalloc(v->n, sizeof(**M->map));
		for (size_t j = 0; j < v->n; j++) {
			int t = v->kids[j]->type == YNODE_SCALAR ? catalog_find(&M->to.cat, v->kids[j]->str) : -1;
			if (t < 0) {
				diag_add(&d, R_SCHEMA, MAPPING_FILE, v->kids[j]->line, v->kids[j]->col,
				    "not a %s control", TO_CATALOG);
				continue;
			}
			M->map[c][M->nmap[c]++] = (size_t)t;
		}
	}
	for (size_t c = 0; c < M->from->n; c++)
		if (M->nmap[c] == 0 && M->map[c] == NULL)
			diag_add(&d, R_SCHEMA, MAPPING_FILE, 1, 1, "control '%s' is not mapped",
			    M->from->v[c].id);
	if (d.n == 0)
		rc = 0;
out:
	if (rc != 0 && d.n > 0)
		S_data_broken(dir, &d);
	diags_free(&d);
	source_close(&data);
	free(dir);
	return rc;
}

static int
S_impl_rank(const char *s)
{
	for (int i = 0; s != NULL && i < 4; i++)
		if (strcmp(s, S_impl[i]) == 0)
			return i;
	return 0;
}

/* The decision on 2013 control c, or NULL; *app its applicability. */
static const struct entity *
S_decision(const struct migration *M, size_t c, int *app)
{
	const struct entity *e = M->run->model.cat_decision[c];

	*app = 0;
	if (e == NULL || !e->valid)
		return NULL;
	if (yvalue_bool(entity_get(e, "applicable"), app) != 0)
		*app = 0;
	return e;
}

/* Fold the 2013 decisions into one per 2022 control. */
static void
S_derive(struct migration *M)
{
	M->t = xcalloc(M->to.cat.n + 1, sizeof(*M->t));
	for (size_t c = 0; c < M->from->n; c++)
		for (size_t k = 0; k < M->nmap[c]; k++) {
			struct target *t = &M->t[M->map[c][k]];
			xgrow(&t->src, &t->cap, t->nsrc + 1, sizeof(*t->src));
			t->src[t->nsrc++] = c;
		}
	for (size_t j = 0; j < M->to.cat.n; j++) {
		struct target *t = &M->t[j];
		t->impl = 3;
		for (size_t k = 0; k < t->nsrc; k++) {
			int app;
			const struct entity *e = S_decision(M, t->src[k], &app);
			if (e == NULL)
				continue;
			t->decided++;
			if (app) {
				int r = S_impl_rank(entity_str(e, "implementation"));
				t->applicable = 1;
				t->impl = r < t->impl ? r : t->impl;
			} else {
				t->excluded = 1;
			}
		}
		if (t->decided == 0)
			M->nnew++;
		else
			M->ncarried++;
		M->nfresh += t->nsrc == 0;
		M->nconflict += t->applicable && t->excluded;
	}
}

static int
S_refcmp(const void *a, const void *b)
{
	const struct oldref *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* References to 2013 controls from everything but the 2013 decisions, which
 * the migration replaces: the user must point them at 2022 ids. */
static void
S_find_refs(struct migration *M)
{
	const struct model *m = &M->run->model;

	for (size_t i = 0; i < m->ndocs; i++) {
		const struct doc *doc = &m->docs[i];
		if (doc->entity != NULL && doc->entity->cat >= 0)
			continue;
		for (size_t k = 0; k < doc->nrefs; k++) {
			const struct ref *r = &doc->refs[k];
			int c = r->cat >= 0 ? r->cat : r->to != NULL ? r->to->cat : -1;
			if (c < 0 || (size_t)c >= M->from->n)
				continue;
			xgrow(&M->refs, &M->caprefs, M->nrefs + 1, sizeof(*M->refs));
			M->refs[M->nrefs++] = (struct oldref){doc->path, M->from->v[c].id, r->line, r->col, c};
		}
	}
	if (M->nrefs > 0)
		qsort(M->refs, M->nrefs, sizeof(*M->refs), S_refcmp);
}

/* "A.5.1, A.8.8": the 2022 ids that 2013 control c maps to. */
static void
S_put_targets(FILE *fp, const struct migration *M, size_t c)
{
	for (size_t k = 0; k < M->nmap[c]; k++)
		fprintf(fp, "%s%s", k ? ", " : "", M->to.cat.v[M->map[c][k]].id);
}

/* A Markdown table cell: no pipe or line break breaks the table. */
static void
S_put_cell(FILE *fp, const char *s)
{
	for (; s != NULL && *s; s++)
		if (*s == '|')
			fputs("\\|", fp);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', fp);
		else
			fputc(*s, fp);
}

static void
S_report(FILE *fp, const struct migration *M)
{
	const struct catalog *to = &M->to.cat;
	const struct config *cfg = &M->run->cfg;
	size_t n;

	fputs("# Migration from ISO/IEC 27001:2013 to ISO/IEC 27001:2022\n\n", fp);
	fputs("Project: ", fp);
	S_put_cell(fp, cfg->name);
	fprintf(fp, "\n\n%zu 2022 controls: %zu decided from the 2013 decisions, %zu to decide "
	    "(%zu of them new in 2022), %zu with a conflict; %zu reference%s to 2013 controls to "
	    "update.\n\n", to->n, M->ncarried, M->nnew, M->nfresh, M->nconflict, M->nrefs,
	    M->nrefs == 1 ? "" : "s");

	fputs("## Control decisions\n\n", fp);
	fputs("| 2022 control | Title | Applicable | Implementation | From 2013 |\n", fp);
	fputs("|---|---|---|---|---|\n", fp);
	for (size_t j = 0; j < to->n; j++) {
		const struct target *t = &M->t[j];
		fprintf(fp, "| %s | ", to->v[j].id);
		S_put_cell(fp, to->v[j].title);
		if (t->decided == 0)
			fputs(" | **to decide** | | ", fp);
		else if (t->applicable)
			fprintf(fp, " | yes%s | %s | ", t->excluded ? " (conflict)" : "", S_impl[t->impl]);
		else
			fputs(" | no | | ", fp);
		if (t->nsrc == 0)
			fputs("new in 2022", fp);
		for (size_t k = 0; k < t->nsrc; k++)
			fprintf(fp, "%s%s", k ? ", " : "", M->from->v[t->src[k]].id);
		fputs(" |\n", fp);
	}

	fputs("\n## Conflicts\n\n", fp);
	if (M->nconflict == 0)
		fputs("None: the 2013 controls behind each 2022 control agree on applicability.\n", fp);
	for (size_t j = 0; j < to->n; j++) {
		const struct target *t = &M->t[j];
		const char *sep;
		if (!(t->applicable && t->excluded))
			continue;
		fprintf(fp, "- %s ", to->v[j].id);
		S_put_cell(fp, to->v[j].title);
		for (int want = 1; want >= 0; want--) {
			fputs(want ? ": applicable in " : "; not applicable in ", fp);
			sep = "";
			for (size_t k = 0; k < t->nsrc; k++) {
				int app;
				if (S_decision(M, t->src[k], &app) != NULL && app == want) {
					fprintf(fp, "%s%s", sep, M->from->v[t->src[k]].id);
					sep = ", ";
				}
			}
		}
		fputs(". Taken as applicable.\n", fp);
	}

	fputs("\n## Controls to decide\n\n", fp);
	n = 0;
	for (size_t j = 0; j < to->n; j++) {
		const struct target *t = &M->t[j];
		if (t->decided > 0)
			continue;
		fprintf(fp, "- %s ", to->v[j].id);
		S_put_cell(fp, to->v[j].title);
		if (t->nsrc == 0) {
			fputs(": new in 2022\n", fp);
		} else {
			fputs(": no decision on ", fp);
			for (size_t k = 0; k < t->nsrc; k++)
				fprintf(fp, "%s%s", k ? ", " : "", M->from->v[t->src[k]].id);
			fputc('\n', fp);
		}
		n++;
	}
	if (n == 0)
		fputs("None.\n", fp);

	fputs("\n## References to update\n\n", fp);
	if (M->nrefs == 0) {
		fputs("None: nothing but the 2013 control decisions names a 2013 control.\n", fp);
		return;
	}
	fputs("| Where | 2013 control | 2022 controls |\n|---|---|---|\n", fp);
	for (size_t i = 0; i < M->nrefs; i++) {
		const struct oldref *r = &M->refs[i];
		fputs("| ", fp);
		S_put_cell(fp, r->path);
		fprintf(fp, ":%d:%d | %s | ", r->line, r->col, r->id);
		S_put_targets(fp, M, (size_t)r->cat);
		fputs(" |\n", fp);
	}
}

/* s inside a YAML double-quoted scalar: any text reads back the same. */
static void
S_put_yaml_text(FILE *fp, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
}

static void
S_put_yaml(FILE *fp, const char *s)
{
	fputc('"', fp);
	S_put_yaml_text(fp, s);
	fputc('"', fp);
}

/* The evidence of e (a list, or a scalar as a list of one) into fp. */
static void
S_put_evidence(FILE *fp, const struct entity *e, int *any)
{
	const struct ynode *v = entity_get(e, "evidence");
	size_t n = v == NULL ? 0 : v->type == YNODE_SEQ ? v->n : v->type == YNODE_SCALAR;

	for (size_t i = 0; i < n; i++) {
		const struct ynode *it = v->type == YNODE_SEQ ? v->kids[i] : v;
		if (it->type != YNODE_SCALAR || ynode_is_null(it))
			continue;
		if (!*any)
			fputs("evidence:\n", fp);
		*any = 1;
		fputs("  - ", fp);
		S_put_yaml(fp, it->str);
		fputc('\n', fp);
	}
}

/* The control entity for 2022 control j, as a file's text (to free). */
static char *
S_entity_text(const struct migration *M, size_t j, size_t *len)
{
	const struct target *t = &M->t[j];
	const struct catalog_control *cc = &M->to.cat.v[j];
	char *text = NULL;
	FILE *fp = open_memstream(&text, len);
	const char *owner = NULL;
	int app, any = 0;

	if (fp == NULL) {
		perror("ismsc: open_memstream");
		abort();
	}
	fprintf(fp, "---\nid: %s\nkind: control\n", cc->id);
	if (t->decided == 0) {
		/* a decision still to make: written so that it counts in the SoA and
		 * shows in every report until someone decides it */
		fputs("applicable: true\nimplementation: planned\n", fp);
		fprintf(fp, "justification: \"TO DECIDE: %s; decide whether it applies, how far it "
		    "is implemented, and justify it\"\n", t->nsrc == 0 ? "new in ISO/IEC 27001:2022" :
		    "no decision on the 2013 controls it replaces");
	} else {
		const char *sep = "";
		fprintf(fp, "applicable: %s\n", t->applicable ? "true" : "false");
		if (t->applicable)
			fprintf(fp, "implementation: %s\n", S_impl[t->impl]);
		/* the sources' justifications, each after its 2013 id */
		fputs("justification: \"", fp);
		for (size_t k = 0; k < t->nsrc; k++) {
			const struct entity *e = S_decision(M, t->src[k], &app);
			const char *js = e != NULL ? entity_str(e, "justification") : NULL;
			if (e == NULL)
				continue;
			fprintf(fp, "%s%s%s: ", sep, M->from->v[t->src[k]].id,
			    t->applicable && t->excluded ? app ? " (applicable)" : " (not applicable)" : "");
			sep = " ";
			S_put_yaml_text(fp, js != NULL ? js : "no justification given");
			if (js == NULL || strlen(js) == 0 || strchr(".!?", js[strlen(js) - 1]) == NULL)
				fputc('.', fp);
		}
		fputs("\"\n", fp);
		/* owner and evidence of the applicable sources (of all, when none is) */
		for (size_t k = 0; k < t->nsrc && owner == NULL; k++) {
			const struct entity *e = S_decision(M, t->src[k], &app);
			if (e != NULL && app == t->applicable)
				owner = entity_str(e, "owner");
		}
		if (owner != NULL) {
			fputs("owner: ", fp);
			S_put_yaml(fp, owner);
			fputc('\n', fp);
		}
		for (size_t k = 0; k < t->nsrc; k++) {
			const struct entity *e = S_decision(M, t->src[k], &app);
			if (e != NULL && app == t->applicable)
				S_put_evidence(fp, e, &any);
		}
	}
	fprintf(fp, "---\n\n# %s %s\n\n", cc->id, cc->title);
	if (t->nsrc == 0) {
		fputs("**Decision to make.** This control is new in ISO/IEC 27001:2022: no 2013 control "
		    "maps to it. `applicable: true` and `implementation: planned` hold its place until "
		    "the decision is made.\n", fp);
	} else {
		fputs(t->decided == 0 ? "**Decision to make.** " : "", fp);
		fputs("Migrated by `ismsc migrate` from the ISO/IEC 27001:2013 decisions on ", fp);
		for (size_t k = 0; k < t->nsrc; k++) {
			const struct entity *e = S_decision(M, t->src[k], &app);
			fprintf(fp, "%s%s (%s)", k == 0 ? "" : k + 1 == t->nsrc ? " and " : ", ",
			    M->from->v[t->src[k]].id, e == NULL ? "no decision" : !app ? "not applicable" :
			    S_impl[S_impl_rank(entity_str(e, "implementation"))]);
		}
		fputs(".\n", fp);
		if (t->applicable && t->excluded)
			fputs("\n**Conflict:** the 2013 controls disagreed on applicability; it is taken as "
			    "applicable, at the implementation of the least advanced applicable one. Review "
			    "this decision.\n", fp);
	}
	if (fclose(fp) != 0) {
		perror("ismsc: open_memstream");
		abort();
	}
	return text;
}

/* SRC/controls-2022/, whole or not at all. */
static int
S_write(const struct migration *M, const char *src)
{
	char *dir = xasprintf("%s/%s", src, WRITE_DIR);
	struct output o;
	int rc = 2;

	memset(&o, 0, sizeof(o));
	o.out = dir;
	if (output_open(&o) != 0)
		goto out;
	for (size_t j = 0; j < M->to.cat.n; j++) {
		size_t len;
		char *text = S_entity_text(M, j, &len);
		char *name = xasprintf("%s.md", M->to.cat.v[j].id);
		int bad = output_write(&o, name, text, len);
		free(name);
		free(text);
		if (bad)
			goto out;
	}
	if (output_commit_new(&o) != 0)
		goto out;
	fprintf(stderr, "ismsc: migrate: wrote %zu control decisions to %s\n", M->to.cat.n, dir);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ismsc: migrate: nothing written: %s\n", o.err[0] ? o.err : dir);
	output_free(&o);
	return rc;
}

int
migrate_run(const struct options *opt, int write)
{
	struct run run;
	struct migration M;
	size_t errors, warnings;
	char *dir = NULL;
	struct stat st;
	int status;

	memset(&M, 0, sizeof(M));
	schemas_init(&M.to);
	arena_init(&M.arena);
	status = run_check(&run, opt);
	if (status != 0)
		goto out;
	status = 2;
	if (run.cfg.catalog == NULL || strcmp(run.cfg.catalog, FROM_CATALOG) != 0) {
		fprintf(stderr, "ismsc: migrate: %s is on catalog '%s', not '%s': nothing to migrate\n",
		    opt->src, run.cfg.catalog ? run.cfg.catalog : "", FROM_CATALOG);
		goto out;
	}
	dir = xasprintf("%s/%s", opt->src, WRITE_DIR);
	if (write && lstat(dir, &st) == 0) {
		fprintf(stderr, "ismsc: migrate: %s already exists: nothing written\n", dir);
		goto out;
	}
	run_finish(&run);
	diags_count(&run.diags, &run.rules, &errors, &warnings);
	if (errors > 0 || (opt->werror && warnings > 0)) {
		status = run_report(&run);
		if (status != 2)
			fprintf(stderr, "ismsc: migrate: fix the errors first\n");
		goto out;
	}
	M.run = &run;
	M.from = &run.sch.cat;
	if (S_load(&M) != 0)
		goto out;
	S_derive(&M);
	S_find_refs(&M);
	S_report(stdout, &M);
	if (fflush(stdout) != 0) {
		fputs("ismsc: migrate: cannot write the report\n", stderr);
		goto out;
	}
	status = write ? S_write(&M, opt->src) : 0;
out:
	for (size_t c = 0; M.map != NULL && c < M.from->n; c++)
		free(M.map[c]);
	free(M.map);
	free(M.nmap);
	for (size_t j = 0; M.t != NULL && j < M.to.cat.n; j++)
		free(M.t[j].src);
	free(M.t);
	free(M.refs);
	schemas_free(&M.to);
	arena_free(&M.arena);
	free(dir);
	run_free(&run);
	return status;
}
