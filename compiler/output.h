/* output.h — the output folder of `build`, written whole or not at all: the
 * new tree goes to a temporary folder beside OUT and is swapped in at the
 * end, and only a folder that ismsc wrote (it holds the marker) is replaced. */
#ifndef ISMSC_OUTPUT_H
#define ISMSC_OUTPUT_H

#include <stddef.h>

#define OUTPUT_MARKER ".ismsc-output"
/* In a temporary folder while it is written: "host pid" of the build, so
 * that a later build can remove what a killed one left; not committed. */
#define OUTPUT_OWNER ".ismsc-owner"

struct output {
	char *out;        /* OUT as given */
	char *tmp;        /* the temporary folder beside it, while open */
	int failed;       /* a write failed: commit refuses */
	char err[512];    /* why, for the message */
	size_t budget;    /* bytes the files written may add up to (0: any) */
	size_t written;   /* so far, by every thread */
};

/* May OUT be replaced by a build of the source root src? 0 when it may
 * (missing, empty, or holding the marker); -1 with the reason in o->err
 * when it is another folder, a file, the source root or a folder that holds
 * it. */
int output_check(struct output *o, const char *out, const char *src);

/* Make the temporary folder beside OUT. Returns 0 or -1 (reason in o->err). */
int output_open(struct output *o);

/* Write data to path (relative, '/'-separated) in the new tree, making its
 * folders. Safe to call from several threads at once. Returns 0 or -1 (and
 * marks the output failed). */
int output_write(struct output *o, const char *path, const void *data, size_t len);

/* A file of the new tree written in parts, for what is too large to hold
 * whole (a matrix of a large ISMS). output_start opens path, making its
 * folders; output_part appends; output_end closes. Each returns 0 or -1
 * (and marks the output failed); after a failure the rest do nothing and
 * output_end still closes. One file, one thread. */
struct output_file {
	struct output *o;
	const char *path;
	int fd;
};
int output_start(struct output *o, struct output_file *f, const char *path);
int output_part(struct output_file *f, const void *data, size_t len);
int output_end(struct output_file *f);

/* Copy the file at from into path of the new tree. Returns 0 or -1. */
int output_copy(struct output *o, const char *path, const char *from);

/* Write the marker and move the new tree into place, removing the old one.
 * Returns 0, or -1 with the reason in o->err (OUT as it was). */
int output_commit(struct output *o);

/* Move the new tree into place as OUT, which must not exist (a new folder
 * of a source tree, as `migrate --write` makes): no marker is written and
 * nothing is ever replaced. Returns 0, or -1 with the reason in o->err. */
int output_commit_new(struct output *o);

/* Remove the temporary folder if it is still there, and free o. */
void output_free(struct output *o);

/* Remove the tree at path without following symbolic links. */
int output_remove_tree(const char *path);

#endif
