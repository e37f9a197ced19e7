/* compile.h — the pipeline of one run: source -> isms.yaml -> schemas ->
 * model -> checks -> diagnostics. One struct owns everything of the run. */
#ifndef ISMSC_COMPILE_H
#define ISMSC_COMPILE_H

#include <stdio.h>

#include "config.h"
#include "date.h"
#include "diag.h"
#include "history.h"
#include "model.h"
#include "plugin.h"
#include "schema.h"
#include "source.h"

enum diag_format { DIAG_TEXT, DIAG_JSON, DIAG_SARIF, DIAG_GITHUB };

struct run;

struct options {
	const char *src;           /* the source root; "." by default */
	const char *as_of;         /* --as-of, or NULL */
	const char *datadir;       /* where schemas/ lives; found when NULL */
	int werror, quiet;
	enum diag_format format;
	int threads;               /* 0: as many as the machine has, up to 4 */
	const char *path_prefix;   /* --path-prefix, or NULL: found from git */
	const char *git_rev;       /* read SRC from this revision of its git repository */
	int hash_bodies;           /* fingerprint bodies (diff) */
	int keep_bodies;           /* keep bodies' text (build) */
	const char *skip;          /* a folder of SRC not to read (build's OUT), else _site */
	/* Called once the model is read (and its history, and which rules are
	 * on), before the checks and the plugins run: build starts writing
	 * then. NULL for none. */
	void (*on_model)(struct run *r, void *ctx);
	void *on_model_ctx;
	/* The model's hooks (build), or NULL. */
	const struct model_hooks *hooks;
};

struct run {
	const struct options *opt;
	char *datadir;
	struct source src;
	struct arena arena;        /* isms.yaml's nodes, strings of the run */
	struct config cfg;
	struct schemas sch;
	struct rules rules;
	struct diags diags;
	struct model model;
	struct plugins *plugins;
	struct plugin_input pin;
	struct history hist;       /* document control: git history of SRC */
	date_t as_of;
	size_t nfiles;             /* files read, for the summary */
};

/* Load and check the tree of opt->src. Returns 0 when the run could go
 * through (diagnostics or not), or 2 after printing why it could not. */
int run_check(struct run *r, const struct options *opt);
/* Sort the diagnostics and drop those of rules that are off. */
void run_finish(struct run *r);
/* Sort and print the diagnostics and the summary; returns the exit status
 * (0, or 1 for errors, or for warnings under --werror). */
int run_report(struct run *r);
/* Print every diagnostic of a reported run (errors and warnings, whatever
 * --quiet says) to fp in format, paths as they are in SRC. Returns 0, or -1
 * when the output failed. */
int run_print(struct run *r, FILE *fp, enum diag_format format);
void run_free(struct run *r);

/* Threads to use: opt->threads, else $ISMSC_THREADS, else the cores, up to 4. */
int run_threads(const struct options *opt);

/* The data folder (schemas/, lua/, samples/) of this binary: $ISMSC_DATADIR,
 * else <bin>/../share/ismsc, else <bin>/.. in a checkout, else the prefix
 * compiled in. Returns a string to free, or NULL. */
char *find_datadir(void);

#endif
