/* diff.h — `ismsc diff`: what a change does to traceability, between two
 * checked models, as Markdown for a pull-request comment. */
#ifndef ISMSC_DIFF_H
#define ISMSC_DIFF_H

#include <stdio.h>

#include "compile.h"

/* Compare two finished runs (diagnostics sorted) and print the report to fp.
 * Diagnostics are compared as multisets of (fingerprint, severity), the
 * fingerprint leaving the line out. Returns how many more errors (and
 * warnings, when werror) head has than base, fingerprint by fingerprint: new
 * findings, extra copies of old ones and warnings made errors. */
size_t diff_report(FILE *fp, struct run *base, struct run *head, const char *base_name,
    const char *head_name, int werror);

#endif
