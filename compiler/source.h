/* source.h — the source layer: the files of a tree, listed in byte order of
 * their relative paths, and read one at a time. Everything above this layer
 * sees only relative paths, so a tree can be a folder or, later, a commit of
 * a git repository. */
#ifndef ISMSC_SOURCE_H
#define ISMSC_SOURCE_H

#include <stddef.h>

#include "diag.h"

enum {
	SOURCE_OK = 0,
	SOURCE_ERROR = -1,    /* could not be read; errno says why */
	SOURCE_TOO_BIG = -2,  /* larger than the limit asked for */
};

struct source;

struct source_ops {
	/* Read the whole file at path (relative) into *data (NUL-terminated,
	 * freed by the caller) and its size into *len; refuse files larger
	 * than limit bytes with SOURCE_TOO_BIG, without reading them. */
	int (*read)(struct source *s, const char *path, char **data, size_t *len, size_t limit);
	void (*close)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	void *impl;        /* the implementation's state */
	char **paths;      /* relative paths of regular files, '/'-separated, sorted */
	size_t n, cap;
	char **dirs;       /* relative paths of the folders that hold them, sorted */
	size_t ndirs, capdirs;
	char **held;       /* paths that diagnostics borrow (skipped links) */
	size_t nheld, capheld;
};

/* Open the folder root: walk it, skipping hidden entries (a name starting
 * with '.'), the folder `skip` (relative to root; NULL for none), any folder
 * holding an ".ismsc-output" marker, and symbolic links that lead out of
 * root, which get a `symlink` warning in d. Returns 0, or -1 when root is
 * not a readable folder (errno set). */
int source_open_dir(struct source *s, const char *root, const char *skip, struct diags *d);
/* Open the tree of SRC (a folder of a git repository) at revision rev, read
 * from the repository itself. Returns 0, or -1 with a reason in err. */
int source_open_git(struct source *s, const char *src, const char *rev, const char *skip,
    struct diags *d, char *err, size_t errsize);
/* Read a file of the tree (see source_ops.read). */
int source_read(struct source *s, const char *path, char **data, size_t *len, size_t limit);
/* 1 if path (relative, normalised) is a file or folder of the tree. */
int source_has(const struct source *s, const char *path);
/* Read the regular file at path (relative to the folder open at dirfd, or
 * to the working folder with AT_FDCWD) whole, opened without blocking (a
 * FIFO or a device is refused, not waited on): as source_read. */
int source_read_at(int dirfd, const char *path, char **data, size_t *len, size_t limit);
/* 1 if name, one part of a path, is UTF-8: a file or folder whose name is
 * not is left out of the tree, with a syntax error. */
int source_name_ok(const char *name);
/* 1 if path (relative, normalised) is a file of the tree. */
int source_has_file(const struct source *s, const char *path);
/* Release everything; accepts a zeroed or already closed source. */
void source_close(struct source *s);

#endif
