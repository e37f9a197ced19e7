/* plugin.h — rule plugins in sandboxed Lua 5.4: the compiler's own lua/ and
 * the project's plugins: files, loaded into one Lua state (a new one after
 * a file or rule stuck past the time limit), each file in its own
 * environment, each rule run under an instruction, memory and time budget
 * against a read-only model built once per run. */
#ifndef ISMSC_PLUGIN_H
#define ISMSC_PLUGIN_H

#include <stddef.h>

#include "config.h"
#include "date.h"
#include "diag.h"
#include "model.h"
#include "schema.h"
#include "source.h"

struct plugin_input {
	const struct model *model;
	const struct schemas *schemas;
	const struct config *config;
	struct source *src;       /* the project's tree (its plugins: files) */
	const char *datadir;      /* the compiler's lua/ is here */
	date_t as_of;
};

struct plugins;

/* Load the compiler's lua/NAME.lua files, then the files and folders of plugins: in
 * isms.yaml, and add their rules to t. Failures are `plugin` diagnostics in
 * d. Returns NULL only when Lua itself cannot start. */
struct plugins *plugins_load(const struct plugin_input *in, struct rules *t, struct diags *d);
/* Run every loaded rule that t does not switch off, in file order, on a
 * thread of their own, watched: a rule still running after plugin_limits:
 * seconds (stuck in a library call the instruction count cannot see, such
 * as a string pattern that backtracks) is a `plugin` diagnostic, and the
 * rules after it run in a new instance, which replaces *pp. The threads
 * given up on keep the model, so that the process must then end without
 * freeing it (plugins_lost). */
void plugins_run(struct plugins **pp, struct rules *t, struct diags *d);
/* Free what plugins_load made (NULL is fine). */
void plugins_free(struct plugins *p);
/* Whether a rule was given up on in this process: then a thread still
 * reads the model, and the process ends with _exit, freeing nothing. */
int plugins_lost(void);

#endif
