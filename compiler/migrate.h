/* migrate.h — `ismsc migrate`: from a checked project on the ISO/IEC
 * 27001:2013 catalogue to the 2022 control decisions that its decisions
 * imply, through the mapping in the compiler's schemas/mappings/. */
#ifndef ISMSC_MIGRATE_H
#define ISMSC_MIGRATE_H

#include "compile.h"

/* Load and check opt->src, then print the migration report (Markdown) to
 * standard output; with write, also write one control entity per 2022
 * control to SRC/controls-2022/ (refused when it exists). Returns the exit
 * status: 0 done (conflicts and new controls are reported, not failures),
 * 1 the project has errors (its diagnostics are printed instead), 2 it
 * could not run (not a 2013 project, the folder exists, a write failed). */
int migrate_run(const struct options *opt, int write);

#endif
