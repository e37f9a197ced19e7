/* source.c — a source tree read from a folder: a walk that never leaves the
 * root, then reads by relative path. Hands a sorted file list to the driver. */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"
#include "xalloc.h"

enum { WALK_MAX_DEPTH = 128 }; /* folders nested deeper are not walked */

struct dirsrc {
	int rootfd;
	char *root;      /* the root as given */
	char *real;      /* its real path */
	const char *skip;
	struct diags *d;
	struct {         /* folders on the walk's path, to break cycles */
		dev_t dev;
		ino_t ino;
	} stack[WALK_MAX_DEPTH + 1];
	int depth;
};

static void
S_push(char ***v, size_t *n, size_t *cap, char *s)
{
	xgrow(v, cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

/* 1 if the real path p is root or lies inside it. */
static int
S_inside(const char *root, const char *p)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(root, p, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

int
source_name_ok(const char *name)
{
	size_t n = strlen(name);
	int nul;

	return text_check_utf8(name, n, &nul) == n;
}

static void S_walk(struct source *s, struct dirsrc *ds, int dfd, const char *rel);

/* A name in a folder, with its type as readdir gave it (DT_UNKNOWN when
 * the file system does not say). */
struct dname {
	char *name;
	unsigned char type;
};

static void
S_entry(struct source *s, struct dirsrc *ds, int dfd, const char *rel, const struct dname *dn)
{
	const char *name = dn->name;
	char *path = rel[0] ? xasprintf("%s/%s", rel, name) : xstrdup(name);
	struct stat st;

	if (!source_name_ok(name)) {
		/* every output names the file (JSON, the zip, links): UTF-8 or nothing */
		diag_add(ds->d, R_SYNTAX, path, 1, 1, "file name is not valid UTF-8; left out");
		S_push(&s->held, &s->nheld, &s->capheld, path); /* the diagnostic borrows it */
		return;
	}

	if (dn->type == DT_REG) {
		/* a regular file, not a link to one: no need to ask again */
		S_push(&s->paths, &s->n, &s->cap, path);
		return;
	}
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		goto drop;
	if (S_ISLNK(st.st_mode)) {
		char *full = xasprintf("%s/%s", ds->root, path);
		char *real = realpath(full, NULL);
		free(full);
		if (real == NULL || !S_inside(ds->real, real) || stat(real, &st) != 0) {
			/* out of the root, or leading nowhere: never followed */
			diag_add(ds->d, R_SYMLINK, path, 1, 1, real == NULL ?
			    "symbolic link leads nowhere; not followed" :
			    "symbolic link leads out of the source root; not followed");
			free(real);
			/* the diagnostic borrows the path: the source keeps it */
			S_push(&s->held, &s->nheld, &s->capheld, path);
			return;
		}
		free(real);
	}
	if (S_ISREG(st.st_mode)) {
		S_push(&s->paths, &s->n, &s->cap, path);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		int fd;
		if (ds->skip != NULL && strcmp(path, ds->skip) == 0)
			goto drop;
		for (int i = 0; i <= ds->depth; i++)
			if (ds->stack[i].dev == st.st_dev && ds->stack[i].ino == st.st_ino)
				goto drop; /* a link back up: a cycle */
		if (ds->depth >= WALK_MAX_DEPTH)
			goto drop;
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			goto drop;
		if (faccessat(fd, ".ismsc-output", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
			close(fd);
			goto drop;
		}
		ds->depth++;
		ds->stack[ds->depth].dev = st.st_dev;
		ds->stack[ds->depth].ino = st.st_ino;
		S_push(&s->dirs, &s->ndirs, &s->capdirs, path);
		S_walk(s, ds, fd, path);
		ds->depth--;
		return; /* S_walk closed fd */
	}
drop:
	free(path);
}

static int
S_cmpname(const void *a, const void *b)
{
	return strcmp(((const struct dname *)a)->name, ((const struct dname *)b)->name);
}

/* Walk the folder open at dfd (closed here); rel is its relative path. */
static void
S_walk(struct source *s, struct dirsrc *ds, int dfd, const char *rel)
{
	DIR *dir = fdopendir(dfd);
	struct dirent *e;
	struct dname *names = NULL;
	size_t n = 0, cap = 0;

	if (dir == NULL) {
		close(dfd);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* hidden, and . and .. */
		xgrow(&names, &cap, n + 1, sizeof(*names));
		names[n].name = xstrdup(e->d_name);
		names[n++].type = e->d_type;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), S_cmpname);
	for (size_t i = 0; i < n; i++) {
		S_entry(s, ds, dirfd(dir), rel, &names[i]);
		free(names[i].name);
	}
	free(names);
	closedir(dir);
}

int
source_read_at(int dirfd, const char *path, char **data, size_t *len, size_t limit)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, rc = SOURCE_ERROR;

	*data = NULL;
	*len = 0;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return SOURCE_ERROR;
	if (fstat(fd, &st) != 0)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > limit) {
		rc = SOURCE_TOO_BIG;
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* the file shrank: take what is there */
		got += (size_t)k;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	rc = SOURCE_OK;
out:
	close(fd);
	return rc;
}

static int
S_dir_read(struct source *s, const char *path, char **data, size_t *len, size_t limit)
{
	return source_read_at(((struct dirsrc *)s->impl)->rootfd, path, data, len, limit);
}

static void
S_dir_close(struct source *s)
{
	struct dirsrc *ds = s->impl;

	if (ds == NULL)
		return;
	if (ds->rootfd >= 0)
		close(ds->rootfd);
	free(ds->root);
	free(ds->real);
	free(ds);
}

static const struct source_ops S_dir_ops = {S_dir_read, S_dir_close};

int
source_open_dir(struct source *s, const char *root, const char *skip, struct diags *d)
{
	struct dirsrc *ds;
	struct stat st;
	int fd;

	memset(s, 0, sizeof(*s));
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ds = xcalloc(1, sizeof(*ds));
	ds->rootfd = fd;
	ds->root = xstrdup(root);
	ds->real = realpath(root, NULL);
	ds->skip = skip;
	ds->d = d;
	s->ops = &S_dir_ops;
	s->impl = ds;
	if (ds->real == NULL || fstat(fd, &st) != 0) {
		source_close(s);
		return -1;
	}
	ds->stack[0].dev = st.st_dev;
	ds->stack[0].ino = st.st_ino;
	fd = dup(ds->rootfd);
	if (fd < 0) {
		source_close(s);
		return -1;
	}
	S_walk(s, ds, fd, "");
	/* byte order of the whole relative path, not of the walk */
	if (s->n > 1)
		qsort(s->paths, s->n, sizeof(*s->paths), S_cmpname);
	if (s->ndirs > 1)
		qsort(s->dirs, s->ndirs, sizeof(*s->dirs), S_cmpname);
	return 0;
}

int
source_read(struct source *s, const char *path, char **data, size_t *len, size_t limit)
{
	return s->ops->read(s, path, data, len, limit);
}

static int
S_bsearch(char *const *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], key);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
source_has(const struct source *s, const char *path)
{
	return S_bsearch(s->paths, s->n, path) || S_bsearch(s->dirs, s->ndirs, path);
}

int
source_has_file(const struct source *s, const char *path)
{
	return S_bsearch(s->paths, s->n, path);
}

void
source_close(struct source *s)
{
	if (s == NULL)
		return;
	if (s->ops != NULL)
		s->ops->close(s);
	for (size_t i = 0; i < s->n; i++)
		free(s->paths[i]);
	for (size_t i = 0; i < s->ndirs; i++)
		free(s->dirs[i]);
	for (size_t i = 0; i < s->nheld; i++)
		free(s->held[i]);
	free(s->paths);
	free(s->dirs);
	free(s->held);
	memset(s, 0, sizeof(*s));
}
