/* output.c — a temporary tree beside OUT, swapped in whole at the end. */
#define _GNU_SOURCE
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

static int
S_fail(struct output *o, const char *what, const char *path)
{
	snprintf(o->err, sizeof(o->err), "%s %s: %s", what, path, strerror(errno));
	o->failed = 1;
	return -1;
}

/* 1 if the folder at path has no entries, 0 if it has, -1 on error. */
static int
S_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int
output_check(struct output *o, const char *out, const char *src)
{
	char sreal[PATH_MAX], oreal[PATH_MAX], *marker;
	struct stat st;
	size_t n;
	int empty, marked;

	memset(o, 0, sizeof(*o));
	o->out = xstrdup(out);
	if (lstat(out, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(o->err, sizeof(o->err), "%s: %s", out, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(o->err, sizeof(o->err), "%s is a symbolic link: not replaced", out);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(o->err, sizeof(o->err), "%s is not a folder: not replaced", out);
		return -1;
	}
	if (realpath(src, sreal) == NULL || realpath(out, oreal) == NULL) {
		snprintf(o->err, sizeof(o->err), "%s: %s", out, strerror(errno));
		return -1;
	}
	n = strlen(oreal);
	if (strcmp(sreal, oreal) == 0) {
		snprintf(o->err, sizeof(o->err), "%s is the source folder: not replaced", out);
		return -1;
	}
	if (strcmp(oreal, "/") == 0 || (strncmp(sreal, oreal, n) == 0 && sreal[n] == '/')) {
		snprintf(o->err, sizeof(o->err), "%s holds the source folder: not replaced", out);
		return -1;
	}
	if ((empty = S_empty(out)) < 0) {
		snprintf(o->err, sizeof(o->err), "%s: %s", out, strerror(errno));
		return -1;
	}
	marker = xasprintf("%s/%s", out, OUTPUT_MARKER);
	marked = lstat(marker, &st) == 0 && S_ISREG(st.st_mode);
	free(marker);
	if (!empty && !marked) {
		snprintf(o->err, sizeof(o->err),
		    "%s is not empty and was not written by ismsc (it has no %s): not replaced", out,
		    OUTPUT_MARKER);
		return -1;
	}
	return 0;
}

/* mkdir -p of path's folders up to (not including) its last component when
 * last is 0, or all of it when last is 1. EEXIST is fine: threads race. */
static int
S_mkdirs(char *path, int last)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	if (last && mkdir(path, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void
S_owner(char *buf, size_t size, long pid)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	snprintf(buf, size, "%s %ld\n", host, pid);
}

static void
S_claim(const char *tmp)
{
	char who[320], *path = xasprintf("%s/%s", tmp, OUTPUT_OWNER);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	S_owner(who, sizeof(who), (long)getpid());
	if (fd >= 0) {
		(void)!write(fd, who, strlen(who));
		close(fd);
	}
	free(path);
}

/* The owner file goes before the folder is put in place: the build's, not
 * the output's. */
static void
S_unclaim(const char *tmp)
{
	char *path = xasprintf("%s/%s", tmp, OUTPUT_OWNER);

	unlink(path);
	free(path);
}

/* Remove what builds of base killed on this machine left in parent: their
 * temporary folders, whose owner file names this host and a process that
 * is gone. A folder of a build still running, or of another machine (a
 * shared file system), or without an owner file, is left alone. */
static void
S_sweep(const char *parent, const char *base)
{
	char *prefix = xasprintf(".%s.ismsc-tmp-", base);
	size_t np = strlen(prefix);
	DIR *d = opendir(parent);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char *dir, *own, text[320] = "", mine[320];
		struct stat st;
		long pid = 0;
		int fd;
		ssize_t k;
		if (strncmp(e->d_name, prefix, np) != 0 || strlen(e->d_name) != np + 6)
			continue;
		dir = xasprintf("%s/%s", parent, e->d_name);
		own = xasprintf("%s/%s", dir, OUTPUT_OWNER);
		/* a folder, not a link to one */
		if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (fd = open(own, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) >= 0) {
			k = read(fd, text, sizeof(text) - 1);
			text[k > 0 ? k : 0] = '\0';
			close(fd);
			pid = atol(strrchr(text, ' ') != NULL ? strrchr(text, ' ') + 1 : "0");
			S_owner(mine, sizeof(mine), pid);
			if (pid > 0 && strcmp(text, mine) == 0 && kill((pid_t)pid, 0) != 0 &&
			    errno == ESRCH)
				output_remove_tree(dir);
		}
		free(own);
		free(dir);
	}
	if (d != NULL)
		closedir(d);
	free(prefix);
}

int
output_open(struct output *o)
{
	char *copy = xstrdup(o->out), *slash, *parent, *base;
	size_t n = strlen(copy);

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	if (slash == NULL) {
		parent = xstrdup(".");
		base = copy;
	} else {
		*slash = '\0';
		parent = xstrdup(slash == copy ? "/" : copy);
		base = slash + 1;
	}
	if (S_mkdirs(parent, 1) != 0) {
		S_fail(o, "cannot make", parent);
		free(parent), free(copy);
		return -1;
	}
	S_sweep(parent, base);
	o->tmp = xasprintf("%s/.%s.ismsc-tmp-XXXXXX", parent, base);
	free(parent), free(copy);
	if (mkdtemp(o->tmp) == NULL) {
		S_fail(o, "cannot make a folder beside", o->out);
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	chmod(o->tmp, 0755);
	S_claim(o->tmp);
	return 0;
}

/* A relative path that stays inside the tree. */
static int
S_safe(const char *path)
{
	const char *p = path;

	if (*p == '\0' || *p == '/')
		return 0;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

static int
S_open(struct output *o, const char *path, char **full)
{
	int fd;

	if (o->tmp == NULL || !S_safe(path)) {
		errno = EINVAL;
		*full = NULL;
		return S_fail(o, "cannot write", path);
	}
	*full = xasprintf("%s/%s", o->tmp, path);
	/* the folder is there for all but the first file in it */
	fd = open(*full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == ENOENT) {
		if (S_mkdirs(*full, 0) != 0)
			return S_fail(o, "cannot make the folder of", path);
		fd = open(*full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	}
	if (fd < 0)
		return S_fail(o, "cannot write", path);
	return fd;
}

/* Count n more bytes against o's budget: 0, or -1 once it is spent (a
 * template that repeats itself could fill the disk, a page at a time). */
static int
S_spend(struct output *o, size_t n, const char *path)
{
	size_t total = __atomic_add_fetch(&o->written, n, __ATOMIC_RELAXED);

	if (o->budget == 0 || total <= o->budget)
		return 0;
	if (!__atomic_exchange_n(&o->failed, 1, __ATOMIC_RELAXED))
		snprintf(o->err, sizeof(o->err), "the site passes %zu MiB at %s (64 times the source "
		    "and 512 MiB): a template that repeats itself?", o->budget >> 20, path);
	return -1;
}

static int
S_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
output_write(struct output *o, const char *path, const void *data, size_t len)
{
	char *full;
	int fd, rc = 0;

	if (S_spend(o, len, path) != 0)
		return -1;
	fd = S_open(o, path, &full);
	if (fd >= 0) {
		if (S_write_all(fd, data, len) != 0)
			rc = S_fail(o, "cannot write", path);
		if (close(fd) != 0 && rc == 0)
			rc = S_fail(o, "cannot write", path);
	} else {
		rc = -1;
	}
	free(full);
	return rc;
}

int
output_start(struct output *o, struct output_file *f, const char *path)
{
	char *full;

	f->o = o;
	f->path = path;
	f->fd = S_open(o, path, &full);
	free(full);
	return f->fd >= 0 ? 0 : -1;
}

int
output_part(struct output_file *f, const void *data, size_t len)
{
	if (f->fd < 0)
		return -1;
	if (S_spend(f->o, len, f->path) != 0 || S_write_all(f->fd, data, len) != 0) {
		if (!f->o->failed)
			S_fail(f->o, "cannot write", f->path);
		close(f->fd);
		f->fd = -1;
		return -1;
	}
	return 0;
}

int
output_end(struct output_file *f)
{
	int fd = f->fd;

	f->fd = -1;
	if (fd < 0)
		return -1;
	if (close(fd) != 0)
		return S_fail(f->o, "cannot write", f->path);
	return 0;
}

int
output_copy(struct output *o, const char *path, const char *from)
{
	char buf[65536], *full;
	int in, fd, rc = 0;
	ssize_t n;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		return S_fail(o, "cannot read", from);
	if ((fd = S_open(o, path, &full)) < 0) {
		close(in);
		free(full);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = S_fail(o, "cannot read", from);
			break;
		}
		if (S_write_all(fd, buf, (size_t)n) != 0) {
			rc = S_fail(o, "cannot write", path);
			break;
		}
	}
	if (close(fd) != 0 && rc == 0)
		rc = S_fail(o, "cannot write", path);
	close(in);
	free(full);
	return rc;
}

static int
S_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int
output_remove_tree(const char *path)
{
	return nftw(path, S_unlink, 16, FTW_DEPTH | FTW_PHYS);
}

int
output_commit(struct output *o)
{
	static const char marker[] =
	    "This folder was written by ismsc build; the next build replaces it whole.\n";
	struct stat st;
	char *old;

	if (o->failed || o->tmp == NULL)
		return -1;
	S_unclaim(o->tmp);
	if (output_write(o, OUTPUT_MARKER, marker, sizeof(marker) - 1) != 0)
		return -1;
	if (lstat(o->out, &st) != 0 && errno == ENOENT) {
		if (rename(o->tmp, o->out) != 0)
			return S_fail(o, "cannot move the new tree to", o->out);
		free(o->tmp);
		o->tmp = NULL;
		return 0;
	}
	/* both exist: swap them in one step, then remove the old tree */
	if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->out, RENAME_EXCHANGE) == 0) {
		output_remove_tree(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return 0;
	}
	/* no exchange on this file system: rename aside, in, and remove */
	old = xasprintf("%s.ismsc-old", o->tmp);
	if (rename(o->out, old) != 0) {
		free(old);
		return S_fail(o, "cannot move aside", o->out);
	}
	if (rename(o->tmp, o->out) != 0) {
		S_fail(o, "cannot move the new tree to", o->out);
		rename(old, o->out);
		free(old);
		return -1;
	}
	output_remove_tree(old);
	free(old);
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

int
output_commit_new(struct output *o)
{
	if (o->failed || o->tmp == NULL)
		return -1;
	S_unclaim(o->tmp);
	/* RENAME_NOREPLACE: a folder made meanwhile is not replaced either */
	if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->out, RENAME_NOREPLACE) != 0) {
		struct stat st;
		if ((errno != EINVAL && errno != ENOSYS) || lstat(o->out, &st) == 0 ||
		    rename(o->tmp, o->out) != 0)
			return S_fail(o, "cannot move the new tree to", o->out);
	}
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void
output_free(struct output *o)
{
	if (o->tmp != NULL) {
		output_remove_tree(o->tmp);
		free(o->tmp);
	}
	free(o->out);
	memset(o, 0, sizeof(*o));
}
