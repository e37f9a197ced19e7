/* pack.h — `ismsc build --pack`: the audit pack, one zip that an auditor
 * can keep: every file of the manual under manual/, the diagnostics of the
 * build, pack-info.txt (the source revision, the ismsc version and as_of)
 * and MANIFEST.sha256, which `sha256sum -c` checks after unzipping. The
 * same input gives the same zip byte for byte. */
#ifndef ISMSC_PACK_H
#define ISMSC_PACK_H

#include "compile.h"
#include "output.h"

#define PACK_NAME "audit-pack.zip"

/* Write PACK_NAME into the new tree of o (open, every other file written)
 * from the files of that tree and the diagnostics of r (reported). Returns
 * 0, or -1 with the reason in o->err and o marked failed. */
int pack_write(struct output *o, struct run *r);

#endif
