/* compile.c — one run of the compiler, stage after stage. */
#include "compile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "diagfmt.h"
#include "markdown.h"

#ifndef ISMSC_DATADIR
#define ISMSC_DATADIR "/usr/local/share/ismsc"
#endif

static int
S_isdir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
find_datadir(void)
{
	const char *env = getenv("ISMSC_DATADIR");
	char exe[PATH_MAX], *p, *cand;
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((p = strrchr(exe, '/')) != NULL)
			*p = '\0';
		cand = xasprintf("%s/../share/ismsc", exe);
		if (S_isdir(cand)) {
			char *s = xasprintf("%s/schemas", cand);
			int ok = S_isdir(s);
			free(s);
			if (ok)
				return cand;
		}
		free(cand);
		/* a checkout: build/ismsc or build/asan/ismsc */
		for (const char *up = "/..", *up2 = "/../.."; up != NULL; up = up2, up2 = NULL) {
			cand = xasprintf("%s%s/schemas/catalogs", exe, up);
			if (S_isdir(cand)) {
				free(cand);
				return xasprintf("%s%s", exe, up);
			}
			free(cand);
		}
	}
	return S_isdir(ISMSC_DATADIR) ? xstrdup(ISMSC_DATADIR) : NULL;
}

/* Read a whole file of a source, with the size limit as a diagnostic. */
static int
S_read(struct run *r, struct source *src, const char *path, char **data, size_t *len)
{
	int rc = source_read(src, path, data, len, FILE_LIMIT);

	if (rc == SOURCE_TOO_BIG)
		diag_add(&r->diags, R_LIMIT, path, 1, 1, "file is larger than the limit of %d MiB",
		    FILE_LIMIT >> 20);
	else if (rc != SOURCE_OK)
		diag_add(&r->diags, R_SYNTAX, path, 1, 1, "cannot read the file");
	return rc;
}

static int
S_as_of(struct run *r)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	if (r->opt->as_of != NULL) {
		if (date_parse(r->opt->as_of, strlen(r->opt->as_of), &r->as_of) != 0) {
			fprintf(stderr, "ismsc: --as-of '%s' is not a date (YYYY-MM-DD)\n", r->opt->as_of);
			return -1;
		}
		return 0;
	}
	if (r->cfg.has_as_of) {
		r->as_of = r->cfg.as_of;
		return 0;
	}
	if (sde != NULL && sde[0] != '\0') {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0) {
			r->as_of = date_from_epoch(v);
			return 0;
		}
		if (!r->opt->quiet) /* a note, not an error */
			fprintf(stderr, "ismsc: SOURCE_DATE_EPOCH '%s' is not a number of seconds; using today\n",
			    sde);
	}
	r->as_of = date_from_epoch((long long)time(NULL));
	return 0;
}

/* The compiler's kinds and catalogue, then the project's own kinds. */
static int
S_schemas(struct run *r)
{
	struct source data;
	char *dir = xasprintf("%s/schemas", r->datadir), *catfile, *data_text;
	size_t len;
	int rc = -1, found = 0;
	struct diags internal;

	diags_init(&internal);
	r->sch.risk_scale = r->cfg.risk_scale;
	if (source_open_dir(&data, dir, NULL, &internal) != 0) {
		fprintf(stderr, "ismsc: cannot read the schemas in %s: %s\n", dir, strerror(errno));
		free(dir);
		return -1;
	}
	catfile = xasprintf("catalogs/%s.yaml", r->cfg.catalog);
	if (!source_has(&data, catfile)) {
		const struct ynode *at = r->cfg.catalog_node;
		diag_add(&r->diags, R_SCHEMA, CONFIG_FILE, at ? at->line : 1, at ? at->col : 1,
		    "field 'catalog' names no known catalogue ('%s')", r->cfg.catalog);
		free(catfile);
		catfile = xstrdup("catalogs/iso27001-2022.yaml");
	}
	for (size_t i = 0; i < data.n; i++) {
		const char *p = data.paths[i];
		int is_cat = strcmp(p, catfile) == 0;
		size_t n = strlen(p);
		if (!is_cat && (strchr(p, '/') != NULL || n < 6 || strcmp(p + n - 5, ".yaml") != 0))
			continue;
		if (source_read(&data, p, &data_text, &len, FILE_LIMIT) != SOURCE_OK)
			goto out;
		int bad = is_cat ? schemas_load_catalog(&r->sch, p, data_text, len, &internal)
		    : schemas_load_kind(&r->sch, p, data_text, len, 1, &internal);
		free(data_text);
		if (bad != 0)
			goto out;
		found += is_cat;
	}
	if (!found || internal.n > 0)
		goto out;
	/* the project's own kinds: schemas/NAME.yaml */
	for (size_t i = 0; i < r->src.n; i++) {
		const char *p = r->src.paths[i];
		size_t n = strlen(p);
		if (strncmp(p, "schemas/", 8) != 0 || strchr(p + 8, '/') != NULL || n < 13 ||
		    strcmp(p + n - 5, ".yaml") != 0)
			continue;
		r->nfiles++;
		if (S_read(r, &r->src, p, &data_text, &len) != SOURCE_OK)
			continue;
		schemas_load_kind(&r->sch, p, data_text, len, 0, &r->diags);
		free(data_text);
	}
	schemas_check(&r->sch, &r->diags);
	rc = 0;
out:
	if (rc != 0) {
		fprintf(stderr, "ismsc: the compiler's schemas in %s are broken\n", dir);
		for (size_t i = 0; i < internal.n; i++)
			fprintf(stderr, "%s/%s:%d:%d: %s\n", dir, internal.v[i].file, internal.v[i].line,
			    internal.v[i].col, internal.v[i].msg);
	}
	diags_free(&internal);
	source_close(&data);
	free(catfile);
	free(dir);
	return rc;
}

int
run_threads(const struct options *o)
{
	const char *env = getenv("ISMSC_THREADS"); /* for benchmarks */
	long n = o->threads > 0 ? o->threads : env ? atol(env) : sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

/* Document control (7.5): read the git history when the rule is on or a
 * build will show it. A team that set the rule in isms.yaml hears, in one
 * note, why it could not run; everybody else is not bothered. */
static void
S_history(struct run *r)
{
	int on = r->rules.v[R_DOC_CONTROL].sev != SEV_OFF;

	if (!on && !r->opt->keep_bodies) {
		snprintf(r->hist.reason, sizeof(r->hist.reason), "%s", "has the rule document-control off");
		return;
	}
	history_load(&r->hist, r->opt->src, r->opt->git_rev, &r->model, &r->diags);
	if (!r->hist.checked && on && !r->opt->quiet && ynode_get(r->cfg.rules, "document-control") != NULL)
		fprintf(stderr, "ismsc: note: %s %s; document-control skipped\n", r->opt->src,
		    r->hist.reason);
}

int
run_check(struct run *r, const struct options *opt)
{
	char *text;
	size_t len;
	struct check_input in;
	int bad, flags;

	memset(r, 0, sizeof(*r));
	r->opt = opt;
	arena_init(&r->arena);
	schemas_init(&r->sch);
	rules_init(&r->rules);
	diags_init(&r->diags);
	r->datadir = opt->datadir ? xstrdup(opt->datadir) : find_datadir();
	if (r->datadir == NULL) {
		fputs("ismsc: cannot find the compiler's data folder (set ISMSC_DATADIR)\n", stderr);
		return 2;
	}
	if (opt->git_rev != NULL) {
		char err[512];
		if (source_open_git(&r->src, opt->src, opt->git_rev, opt->skip ? opt->skip : "_site", &r->diags, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "ismsc: %s\n", err);
			return 2;
		}
	} else if (source_open_dir(&r->src, opt->src, opt->skip ? opt->skip : "_site", &r->diags) != 0) {
		fprintf(stderr, "ismsc: %s: %s\n", opt->src, strerror(errno));
		return 2;
	}
	if (!source_has(&r->src, CONFIG_FILE)) {
		fprintf(stderr, "ismsc: %s: no isms.yaml: not the root of an ISMS\n", opt->src);
		return 2;
	}
	r->nfiles++;
	if (S_read(r, &r->src, CONFIG_FILE, &text, &len) != SOURCE_OK)
		return 0; /* the diagnostic says why */
	bad = config_load(&r->cfg, &r->arena, text, len, &r->diags);
	free(text);
	if (bad)
		return 0;
	if (S_as_of(r) != 0)
		return 2;
	if (S_schemas(r) != 0)
		return 2;
	md_global_init();
	flags = (opt->hash_bodies ? MODEL_HASH_BODIES : 0) | (opt->keep_bodies ? MODEL_KEEP_BODIES : 0);
	model_build(&r->model, &r->src, &r->sch, run_threads(opt), flags, opt->hooks, &r->diags);
	r->nfiles += r->model.ndocs;
	r->pin = (struct plugin_input){&r->model, &r->sch, &r->cfg, &r->src, r->datadir, r->as_of};
	r->plugins = plugins_load(&r->pin, &r->rules, &r->diags);
	if (r->plugins == NULL) {
		fputs("ismsc: cannot start Lua for the plugins\n", stderr);
		return 2;
	}
	config_apply_rules(&r->cfg, &r->rules, &r->diags);
	in.model = &r->model;
	in.schemas = &r->sch;
	in.config = &r->cfg;
	in.source = &r->src;
	in.as_of = r->as_of;
	S_history(r);
	if (opt->on_model != NULL)
		opt->on_model(r, opt->on_model_ctx);
	check_model(&in, &r->diags);
	plugins_run(&r->plugins, &r->rules, &r->diags);
	return 0;
}

/* The entity id of the doc at path, for the diagnostics' "entity". */
static const char *
S_entity_of(const void *ctx, const char *path)
{
	const struct doc *doc = model_doc(ctx, path);
	return doc != NULL && doc->entity != NULL ? doc->entity->id : NULL;
}

/* Where SRC sits in the git repository that holds it ("" at its root, else
 * "dir/sub/"), so that SARIF and GitHub paths are the repository's. */
static char *
S_git_prefix(const char *src)
{
	char *real = realpath(src, NULL), *dir, *git;
	size_t n;

	if (real == NULL)
		return xstrdup("");
	dir = xstrdup(real);
	for (;;) {
		struct stat st;
		git = xasprintf("%s/.git", strcmp(dir, "/") == 0 ? "" : dir);
		int found = stat(git, &st) == 0;
		free(git);
		if (found)
			break;
		char *slash = strrchr(dir, '/');
		if (slash == NULL || slash == dir) {
			free(dir);
			free(real);
			return xstrdup(""); /* not in a repository: paths stay as they are */
		}
		*slash = '\0';
	}
	n = strlen(dir);
	char *rel = real[n] == '/' ? xasprintf("%s/", real + n + 1) : xstrdup("");
	free(dir);
	free(real);
	return rel;
}

void
run_finish(struct run *r)
{
	diags_finish(&r->diags, &r->rules);
}

/* Print the sorted diagnostics to fp in format, paths after prefix. */
static int
S_print(struct run *r, FILE *fp, enum diag_format format, const char *prefix, int errors_only)
{
	size_t errors, warnings;
	char date[11];
	struct diagfmt f;

	diags_count(&r->diags, &r->rules, &errors, &warnings);
	date_format(r->as_of, date);
	f = (struct diagfmt){&r->diags, &r->rules, prefix, date, r->nfiles, errors, warnings,
	    errors_only, S_entity_of, &r->model};
	switch (format) {
	case DIAG_JSON:
		return diagfmt_json(fp, &f);
	case DIAG_SARIF:
		return diagfmt_sarif(fp, &f);
	case DIAG_GITHUB:
		return diagfmt_github(fp, &f);
	default:
		diags_print_text(fp, &r->diags, &r->rules, errors_only);
		return ferror(fp) ? -1 : 0;
	}
}

int
run_print(struct run *r, FILE *fp, enum diag_format format)
{
	return S_print(r, fp, format, "", 0);
}

int
run_report(struct run *r)
{
	size_t errors, warnings;
	char *prefix = NULL;
	int rc;

	run_finish(r);
	diags_count(&r->diags, &r->rules, &errors, &warnings);
	if (r->opt->path_prefix != NULL) {
		size_t n = strlen(r->opt->path_prefix);
		prefix = n == 0 || r->opt->path_prefix[n - 1] == '/' ? xstrdup(r->opt->path_prefix)
		    : xasprintf("%s/", r->opt->path_prefix);
	} else if (r->opt->format == DIAG_SARIF || r->opt->format == DIAG_GITHUB) {
		prefix = S_git_prefix(r->opt->src);
	}
	rc = S_print(r, stdout, r->opt->format, prefix ? prefix : "", r->opt->quiet);
	free(prefix);
	if (fflush(stdout) != 0 || rc != 0) {
		fputs("ismsc: cannot write the diagnostics\n", stderr);
		return 2;
	}
	/* SPEC §4's form whatever the counts ("1 errors"), so that one
	 * pattern matches every summary */
	if (!r->opt->quiet)
		fprintf(stderr, "ismsc: %zu files, %zu errors, %zu warnings\n", r->nfiles, errors,
		    warnings);
	return errors > 0 || (r->opt->werror && warnings > 0) ? 1 : 0;
}

void
run_free(struct run *r)
{
	if (r == NULL || plugins_lost())
		return; /* a rule's thread still reads the model: main ends with _exit */
	plugins_free(r->plugins);
	history_free(&r->hist);
	model_free(&r->model);
	diags_free(&r->diags);
	rules_free(&r->rules);
	schemas_free(&r->sch);
	source_close(&r->src);
	arena_free(&r->arena);
	free(r->datadir);
}
