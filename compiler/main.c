/* main.c — the command line: parse it, run the pipeline, exit with its
 * status. Nothing else happens here. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "date.h"
#include "plugin.h"
#include "diff.h"
#include "init.h"
#include "migrate.h"
#include "site.h"
#include "xalloc.h"

#ifndef ISMSC_VERSION
#define ISMSC_VERSION "0.1.0"
#endif

static const char S_usage[] =
    "usage: ismsc check [SRC] [--as-of DATE] [--werror] [--quiet]\n"
    "                   [--diagnostics text|json|sarif|github] [--path-prefix DIR]\n"
    "       ismsc build [SRC] [-o OUT] [--format html|docbook] [--templates DIR] [--pack]\n"
    "       ismsc diff BASE HEAD | ismsc diff --git REV [SRC]  [--fail-on new]\n"
    "       ismsc init DIR\n"
    "       ismsc migrate [SRC] [--write]\n"
    "       ismsc --help | --version\n";

static const char S_help[] =
    "ismsc - compile an ISO/IEC 27001 ISMS kept as Markdown with YAML front matter\n"
    "\n"
    "Commands:\n"
    "  check [SRC]        validate the ISMS whose isms.yaml is in SRC (default .)\n"
    "  build [SRC]        check, then write the manual to OUT (default SRC/_site):\n"
    "                     the site, soa.csv, matrix.csv, isms.json, isms.xml\n"
    "  diff BASE HEAD     what a change does to traceability, as Markdown\n"
    "  diff --git REV [SRC]  the same, the base read from revision REV of SRC's\n"
    "                     git repository (SRC defaults to .)\n"
    "  init DIR           start a new ISMS in DIR from the sample\n"
    "  migrate [SRC]      the 2022 control decisions that a 2013 project's imply;\n"
    "                     with --write, also as files in SRC/controls-2022/\n"
    "\n"
    "Options:\n"
    "  --as-of DATE       the date that date rules use (YYYY-MM-DD); else as_of of\n"
    "                     isms.yaml, else SOURCE_DATE_EPOCH, else today (UTC)\n"
    "  --werror           exit 1 on warnings too\n"
    "  --quiet            print errors only, and no summary\n"
    "  --diagnostics FMT  text (the default), json, sarif (SARIF 2.1.0) or github\n"
    "                     (workflow commands that annotate a pull request)\n"
    "  --path-prefix DIR  put DIR/ before paths in sarif and github output; by\n"
    "                     default the path of SRC in its git repository\n"
    "  -h, --help         this help\n"
    "  --version          the version\n"
    "  --fail-on new      diff: exit 1 when the head has errors the base did not\n"
    "  -o, --output OUT   build: the output folder (default SRC/_site); replaced\n"
    "                     only when missing, empty or written by ismsc\n"
    "  --templates DIR    build: templates that override the compiler's\n"
    "  --format FMT       build: html (everything, the default) or docbook\n"
    "                     (isms.xml only)\n"
    "  --pack             build: also OUT/audit-pack.zip, the audit pack: the\n"
    "                     manual, the diagnostics, the source revision and a\n"
    "                     SHA-256 manifest\n"
    "\n"
    "Diagnostics go to standard output, one per line, sorted:\n"
    "  FILE:LINE:COL: SEVERITY: MESSAGE [RULE]\n"
    "and a summary to standard error.\n"
    "\n"
    "Exit status: 0 no errors; 1 errors (or warnings with --werror);\n"
    "2 the compiler could not run (bad usage, no isms.yaml, internal failure).\n"
    "diff exits 0 unless it could not run (2) or --fail-on new finds new errors (1).\n";

static const char *const S_cmd_help[][2] = {
	{"build", "usage: ismsc build [SRC] [-o OUT] [--templates DIR] [--format html|docbook]\n"
	    "                   [--pack] [--as-of DATE] [--werror] [--quiet] [--diagnostics FMT]\n"
	    "Check the ISMS in SRC (default .), then, when it has no errors, write the manual\n"
	    "to OUT (default SRC/_site): index.html, a page per entity and plain page,\n"
	    "soa.html/.csv, matrix.html/.csv, risks.html, isms.json, isms.xml, the search\n"
	    "index and assets/. OUT is written beside and swapped in whole; a folder that\n"
	    "ismsc did not write (no .ismsc-output marker), the source folder and a folder\n"
	    "holding it are refused (exit 2). A build with errors writes nothing (exit 1).\n"
	    "With --pack, OUT also gets audit-pack.zip: the files written under manual/,\n"
	    "diagnostics.txt and .json, pack-info.txt (source revision, version, as_of) and\n"
	    "MANIFEST.sha256 for sha256sum -c; the same input gives the same zip.\n"},
	{"check", "usage: ismsc check [SRC] [--as-of DATE] [--werror] [--quiet]\n"
	    "                   [--diagnostics text|json|sarif|github] [--path-prefix DIR]\n"
	    "Validate the ISMS whose isms.yaml is in SRC (default .): diagnostics on standard\n"
	    "output, a summary on standard error. Exit 0 no errors, 1 errors (or warnings with\n"
	    "--werror), 2 could not run.\n"},
	{"diff", "usage: ismsc diff BASE HEAD [--fail-on new] [--as-of DATE] [--werror]\n"
	    "       ismsc diff --git REV [SRC] [--fail-on new] [--as-of DATE] [--werror]\n"
	    "Print, as Markdown for a pull-request comment, what HEAD changes against BASE:\n"
	    "entities added, removed and changed, references gained and lost, risks whose\n"
	    "treatment or scores changed, risks left with no control, SoA rows changed, and the\n"
	    "diagnostics introduced, fixed or changed in severity (each copy counts; lines do\n"
	    "not). With --git, BASE is revision REV of the git repository of SRC, read from\n"
	    "the repository itself, and HEAD is SRC as it is. Exit 0, or 1 with --fail-on new\n"
	    "when HEAD has errors BASE did not (a new one, another copy, a warning made an\n"
	    "error), 2 could not run.\n"},
	{"migrate", "usage: ismsc migrate [SRC] [--write] [--as-of DATE] [--werror]\n"
	    "Check the ISMS in SRC (default .), which must be on catalog: iso27001-2013, then\n"
	    "print as Markdown the ISO/IEC 27001:2022 control decisions that its 2013 decisions\n"
	    "imply (through ISO/IEC 27002:2022 Annex B): each 2022 control's applicability and\n"
	    "implementation and its 2013 sources, the conflicts, the controls new in 2022 still\n"
	    "to decide, and the references to 2013 controls to update. With --write, also\n"
	    "write them as control entities to SRC/controls-2022/ (refused, exit 2, when it\n"
	    "exists). Exit 0 done, 1 the project has errors, 2 could not run.\n"},
	{"init", "usage: ismsc init DIR\n"
	    "Start a new ISMS in DIR (created if missing; refused if not empty) from the sample\n"
	    "that ships with ismsc, without its as_of.\n"},
};

static int
S_usage_error(const char *fmt, const char *arg)
{
	fputs("ismsc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(S_usage, stderr);
	return 2;
}

/* The value of an option given as "--name VALUE" or "--name=VALUE". */
static const char *
S_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], name) == 0 && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int
S_is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* diff BASE HEAD, or diff --git REV [SRC]: two runs, one report. */
static int
S_diff(const struct options *opt, const char *const *pos, int npos, const char *git_rev,
    int fail_on_new)
{
	struct options ob = *opt, oh = *opt;
	struct run base, head;
	int status = 0;
	size_t nnew;

	if (git_rev != NULL) {
		if (npos > 1)
			return S_usage_error("%s", "diff --git takes one revision and at most one folder");
		ob.src = oh.src = npos == 1 ? pos[0] : ".";
		ob.git_rev = git_rev;
	} else {
		if (npos != 2)
			return S_usage_error("%s", "diff needs BASE and HEAD (or --git REV)");
		ob.src = pos[0];
		oh.src = pos[1];
	}
	ob.hash_bodies = oh.hash_bodies = 1;
	ob.quiet = oh.quiet = 1;
	status = run_check(&base, &ob);
	if (status == 0)
		status = run_check(&head, &oh);
	else
		memset(&head, 0, sizeof(head));
	if (status == 0) {
		run_finish(&base);
		run_finish(&head);
		nnew = diff_report(stdout, &base, &head, git_rev ? git_rev : ob.src,
		    git_rev ? oh.src : oh.src, opt->werror);
		if (fflush(stdout) != 0) {
			fputs("ismsc: diff: cannot write the report\n", stderr);
			status = 2;
		} else if (fail_on_new && nnew > 0) {
			status = 1;
		}
	}
	run_free(&base);
	run_free(&head);
	return status;
}

/* OUT's path inside SRC, when it is there: the source walk skips it. */
static char *
S_inside(const char *src, const char *out)
{
	char sreal[PATH_MAX], oreal[PATH_MAX];
	size_t n;

	if (realpath(src, sreal) == NULL)
		return NULL;
	if (realpath(out, oreal) == NULL) {
		/* not there yet: the real path of its folder, and its name */
		char *copy = xstrdup(out), *slash;
		const char *dir = ".", *base = copy;
		int ok;
		n = strlen(copy);
		while (n > 1 && copy[n - 1] == '/')
			copy[--n] = '\0';
		if ((slash = strrchr(copy, '/')) != NULL) {
			*slash = '\0';
			dir = slash == copy ? "/" : copy;
			base = slash + 1;
		}
		ok = realpath(dir, oreal) != NULL && strlen(oreal) + strlen(base) + 2 <= sizeof(oreal);
		if (ok) {
			if (strcmp(oreal, "/") != 0)
				strcat(oreal, "/");
			strcat(oreal, base);
		}
		free(copy);
		if (!ok)
			return NULL;
	}
	n = strlen(sreal);
	if (strncmp(oreal, sreal, n) == 0 && oreal[n] == '/')
		return xstrdup(oreal + n + 1);
	return NULL;
}

/* A build opens its site once the model's ids are registered, so that each
 * body is rendered from the model's own parse (site_body), and starts
 * writing as soon as the model is read, while the checks and the plugins
 * run, unless the model already has errors: the book and the pages of
 * entities are written to the temporary folder meanwhile, and thrown away
 * if the rules find errors. */
struct early {
	struct site_options *so;
	struct run *r;
	struct site *opened;          /* at the model's ready hook, for the bodies */
	struct site *site;            /* started */
};

/* The project's templates: --templates, else isms.yaml's templates:. */
static void
S_templates_of(struct run *r, struct site_options *so)
{
	if (so->templates == NULL)
		so->tree_templates = r->cfg.templates;
}

/* Whether the model's first pass (front matter, ids) found errors, by
 * the rules' default severities. */
static int
S_first_pass_failed(const struct run *r)
{
	size_t errors, warnings;

	diags_count(&r->diags, &r->rules, &errors, &warnings);
	for (size_t i = 0; errors == 0 && i < r->model.ndocs; i++)
		diags_count(&r->model.docs[i].diags, &r->rules, &errors, &warnings);
	return errors > 0;
}

/* The model's ids are registered: open the site, so that each body is
 * rendered from the model's own parse of it. Renderers read a checked
 * model: after errors (an unknown kind, a file that does not parse) the
 * site stays shut; the build then fails, or, should isms.yaml have made
 * those errors warnings, is built after the check as --format builds are. */
static void
S_ready(void *ctx, int threads)
{
	struct early *e = ctx;

	if (S_first_pass_failed(e->r))
		return;
	S_templates_of(e->r, e->so);
	e->opened = site_open(e->r, e->so, threads);
}

static void
S_body(void *ctx, int thread, const struct doc *d, struct cmark_node *tree)
{
	struct early *e = ctx;

	if (e->opened != NULL)
		site_body(e->opened, thread, d, tree);
}

static void
S_early(struct run *r, void *ctx)
{
	struct early *e = ctx;
	size_t errors, warnings;

	diags_count(&r->diags, &r->rules, &errors, &warnings);
	if (e->opened == NULL || errors > 0 || (r->opt->werror && warnings > 0))
		return;
	e->site = site_start(e->opened);
	e->opened = NULL;
}

static int
S_build(struct options *opt, struct site_options *so, const char *const *pos, int npos)
{
	struct early early = {NULL, NULL, NULL, NULL};
	struct model_hooks hooks = {S_ready, S_body, &early};
	struct run run;
	char *out = NULL, *skip;
	int status;

	if (npos > 1)
		return S_usage_error("too many arguments at '%s'", pos[1]);
	if (npos == 1)
		opt->src = pos[0];
	if (so->out == NULL)
		so->out = out = xasprintf("%s/_site", opt->src);
	if ((status = site_precheck(so, opt->src)) != 0) {
		free(out);
		return status;
	}
	skip = S_inside(opt->src, so->out);
	opt->skip = skip;
	opt->keep_bodies = 1;
	opt->on_model = S_early;
	opt->on_model_ctx = &early;
	opt->hooks = so->format == SITE_ALL ? &hooks : NULL; /* the book alone parses its own */
	early.so = so;
	early.r = &run;
	status = run_check(&run, opt);
	site_close(early.opened); /* not started: the model had errors */
	early.opened = NULL;
	if (status == 0)
		status = run_report(&run);
	if (early.site != NULL) {
		status = site_finish(early.site, status);
	} else if (status == 0) {
		S_templates_of(&run, so);
		status = site_build(&run, so);
	}
	if (status == 1 && !opt->quiet) {
		fprintf(stderr, "ismsc: nothing written to %s\n", so->out);
	}
	run_free(&run);
	free(skip);
	free(out);
	return status;
}

static int
S_main(int argc, char **argv)
{
	struct options opt;
	struct site_options so = {.format = SITE_ALL};
	struct run run;
	const char *cmd = NULL, *pos[2] = {NULL, NULL}, *git_rev = NULL;
	int npos = 0, status, help = 0, version = 0, fail_on_new = 0, write = 0;

	memset(&opt, 0, sizeof(opt));
	opt.src = ".";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			help = 1;
		} else if (S_is_opt(a, "--git")) {
			if ((v = S_value(argc, argv, &i, "--git")) == NULL)
				return S_usage_error("%s needs a revision", a);
			git_rev = v;
		} else if (S_is_opt(a, "--fail-on")) {
			if ((v = S_value(argc, argv, &i, "--fail-on")) == NULL || strcmp(v, "new") != 0)
				return S_usage_error("%s takes 'new'", a);
			fail_on_new = 1;
		} else if (strcmp(a, "--version") == 0) {
			version = 1; /* after the other options: a bad one is bad usage */
		} else if (strcmp(a, "-o") == 0 || S_is_opt(a, "--output")) {
			if ((v = strcmp(a, "-o") == 0 ? (i + 1 < argc ? argv[++i] : NULL) :
			    S_value(argc, argv, &i, "--output")) == NULL || v[0] == '\0')
				return S_usage_error("%s needs a folder", a);
			so.out = v;
		} else if (S_is_opt(a, "--templates")) {
			if ((v = S_value(argc, argv, &i, "--templates")) == NULL)
				return S_usage_error("%s needs a folder", a);
			so.templates = v;
		} else if (S_is_opt(a, "--format")) {
			if ((v = S_value(argc, argv, &i, "--format")) == NULL)
				return S_usage_error("%s needs html or docbook", a);
			if (strcmp(v, "html") == 0)
				so.format = SITE_ALL;
			else if (strcmp(v, "docbook") == 0)
				so.format = SITE_DOCBOOK;
			else
				return S_usage_error("--format: '%s' is not html or docbook", v);
		} else if (strcmp(a, "--write") == 0) {
			write = 1;
		} else if (strcmp(a, "--pack") == 0) {
			so.pack = 1;
		} else if (strcmp(a, "--werror") == 0) {
			opt.werror = 1;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			opt.quiet = 1;
		} else if (S_is_opt(a, "--as-of")) {
			if ((v = S_value(argc, argv, &i, "--as-of")) == NULL)
				return S_usage_error("%s needs a date", a);
			opt.as_of = v;
		} else if (S_is_opt(a, "--diagnostics")) {
			if ((v = S_value(argc, argv, &i, "--diagnostics")) == NULL)
				return S_usage_error("%s needs a format", a);
			if (strcmp(v, "text") == 0)
				opt.format = DIAG_TEXT;
			else if (strcmp(v, "json") == 0)
				opt.format = DIAG_JSON;
			else if (strcmp(v, "sarif") == 0)
				opt.format = DIAG_SARIF;
			else if (strcmp(v, "github") == 0)
				opt.format = DIAG_GITHUB;
			else
				return S_usage_error("--diagnostics: '%s' is not text, json, sarif or github", v);
		} else if (S_is_opt(a, "--path-prefix")) {
			if ((v = S_value(argc, argv, &i, "--path-prefix")) == NULL)
				return S_usage_error("%s needs a path", a);
			opt.path_prefix = v;
		} else if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				if (cmd == NULL)
					cmd = argv[i];
				else if (npos < 2)
					pos[npos++] = argv[i];
				else
					return S_usage_error("too many arguments at '%s'", argv[i]);
			}
		} else if (a[0] == '-' && a[1] != '\0') {
			return S_usage_error("unknown option '%s'", a);
		} else if (cmd == NULL) {
			cmd = a;
		} else if (npos < 2) {
			pos[npos++] = a;
		} else {
			return S_usage_error("too many arguments at '%s'", a);
		}
	}
	if (version) {
		printf("ismsc %s\n", ISMSC_VERSION);
		return 0;
	}
	if (help) {
		for (size_t k = 0; cmd != NULL && k < sizeof(S_cmd_help) / sizeof(*S_cmd_help); k++)
			if (strcmp(cmd, S_cmd_help[k][0]) == 0) {
				fputs(S_cmd_help[k][1], stdout);
				return 0;
			}
		fputs(S_help, stdout);
		return 0;
	}
	if (cmd == NULL)
		return S_usage_error("%s", "a command is needed");
	if (strcmp(cmd, "diff") == 0)
		return S_diff(&opt, pos, npos, git_rev, fail_on_new);
	if (git_rev != NULL || fail_on_new)
		return S_usage_error("%s", "--git and --fail-on are options of diff");
	if (strcmp(cmd, "build") == 0)
		return S_build(&opt, &so, pos, npos);
	if (so.out != NULL || so.templates != NULL || so.format != SITE_ALL || so.pack)
		return S_usage_error("%s", "-o, --templates, --format and --pack are options of build");
	if (strcmp(cmd, "migrate") == 0) {
		if (npos > 1)
			return S_usage_error("too many arguments at '%s'", pos[1]);
		if (npos == 1)
			opt.src = pos[0];
		return migrate_run(&opt, write);
	}
	if (write)
		return S_usage_error("%s", "--write is an option of migrate");
	if (strcmp(cmd, "init") == 0) {
		char *datadir;
		date_t d;
		if (npos != 1)
			return S_usage_error("%s", "init needs a folder");
		/* init checks nothing and leaves as_of out; a malformed --as-of
		 * is status 2 all the same (SPEC §1), as for every command */
		if (opt.as_of != NULL && date_parse(opt.as_of, strlen(opt.as_of), &d) != 0) {
			fprintf(stderr, "ismsc: --as-of '%s' is not a date (YYYY-MM-DD)\n", opt.as_of);
			return 2;
		}
		if ((datadir = find_datadir()) == NULL) {
			fputs("ismsc: cannot find the compiler's data folder (set ISMSC_DATADIR)\n", stderr);
			return 2;
		}
		status = init_tree(datadir, pos[0]);
		free(datadir);
		return status;
	}
	if (strcmp(cmd, "check") != 0)
		return S_usage_error("unknown command '%s'", cmd);
	if (npos > 1)
		return S_usage_error("too many arguments at '%s'", pos[1]);
	if (npos == 1)
		opt.src = pos[0];
	status = run_check(&run, &opt);
	if (status == 0)
		status = run_report(&run);
	run_free(&run);
	return status;
}

/* The status, made 2 when standard output could not be written (a full
 * disk, /dev/full): the last buffer is written only now, and a report that
 * did not get out must not pass for one that did. A status of 2 has had its
 * message already. Closing a stdout that was closed before the run, with
 * nothing to write, is no failure (EBADF after a good flush). */
static int
S_close_stdout(int status)
{
	int bad;

	errno = 0;
	bad = fflush(stdout) != 0 || ferror(stdout);
	if (!bad && fclose(stdout) != 0 && errno != EBADF)
		bad = 1;
	if (bad && status != 2) {
		if (errno != 0)
			fprintf(stderr, "ismsc: cannot write to standard output: %s\n", strerror(errno));
		else
			fputs("ismsc: cannot write to standard output\n", stderr);
		status = 2;
	}
	return status;
}

int
main(int argc, char **argv)
{
	int status = S_close_stdout(S_main(argc, argv));

	if (plugins_lost()) {
		/* a rule's thread, given up on, still runs: end without it */
		fflush(stderr);
		_exit(status);
	}
	return status;
}
