/* init.h — `ismsc init DIR`: a new ISMS from the sample. */
#ifndef ISMSC_INIT_H
#define ISMSC_INIT_H

/* Copy the sample of datadir into dir (created if missing; refused if not
 * empty), leaving out the sample's as_of. Returns the exit status (0 or 2),
 * having printed why on failure. */
int init_tree(const char *datadir, const char *dir);

#endif
