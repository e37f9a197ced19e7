/* init.c — start a new ISMS from the sample that ships with the compiler. */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "source.h"
#include "xalloc.h"

static int
S_empty_or_missing(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (d == NULL)
		return errno == ENOENT ? 1 : -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

/* Make the folders that p names before each '/' from p + from on, as
 * mkdir -p does: one that exists already is fine. Returns 0, or -1 with
 * errno set. */
static int
S_mkdirs(char *p, size_t from)
{
	char *s = p + from;
	int rc = 0;

	while (rc == 0 && (s = strchr(s, '/')) != NULL) {
		*s = '\0';
		if (s > p && mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s++ = '/';
	}
	return rc;
}

/* Make the folders of path (relative, inside dir). */
static int
S_mkparents(const char *dir, const char *path)
{
	char *p = xasprintf("%s/%s", dir, path);
	int rc = S_mkdirs(p, strlen(dir) + 1);

	free(p);
	return rc;
}

/* Make dir and the folders above it that are missing: the man page says
 * that DIR is created if missing, and deep/a/b means deep/ too. */
static int
S_mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = S_mkdirs(p, 0);

	free(p);
	if (rc == 0 && mkdir(dir, 0777) != 0 && errno != EEXIST)
		rc = -1;
	return rc;
}

static int
S_write(const char *dir, const char *path, const char *data, size_t len)
{
	char *p = xasprintf("%s/%s", dir, path);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666), rc = -1;

	if (fd >= 0) {
		size_t off = 0;
		while (off < len) {
			ssize_t k = write(fd, data + off, len - off);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			off += (size_t)k;
		}
		rc = off == len ? 0 : -1;
		if (close(fd) != 0)
			rc = -1;
	}
	free(p);
	return rc;
}

/* isms.yaml without its as_of line: a new ISMS is checked as of today. */
static size_t
S_drop_as_of(char *s, size_t len)
{
	size_t r = 0, w = 0;

	while (r < len) {
		const char *nl = memchr(s + r, '\n', len - r);
		size_t n = nl ? (size_t)(nl - (s + r)) + 1 : len - r;
		if (!(n >= 6 && memcmp(s + r, "as_of:", 6) == 0)) {
			memmove(s + w, s + r, n);
			w += n;
		}
		r += n;
	}
	return w;
}

int
init_tree(const char *datadir, const char *dir)
{
	char *samples = xasprintf("%s/samples", datadir);
	struct source src;
	struct diags d;
	int rc = 2, empty = S_empty_or_missing(dir);

	diags_init(&d);
	if (empty != 1) {
		fprintf(stderr, "ismsc: %s: %s\n", dir, empty < 0 ? strerror(errno) :
		    "folder is not empty; init starts a new ISMS in an empty folder");
		free(samples);
		return 2;
	}
	if (source_open_dir(&src, samples, NULL, &d) != 0) {
		fprintf(stderr, "ismsc: cannot read the sample in %s: %s\n", samples, strerror(errno));
		free(samples);
		return 2;
	}
	if (S_mkdir_p(dir) != 0) {
		fprintf(stderr, "ismsc: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < src.n; i++) {
		char *data;
		size_t len;
		if (source_read(&src, src.paths[i], &data, &len, (size_t)1 << 30) != SOURCE_OK) {
			fprintf(stderr, "ismsc: cannot read %s/%s\n", samples, src.paths[i]);
			goto out;
		}
		if (strcmp(src.paths[i], CONFIG_FILE) == 0)
			len = S_drop_as_of(data, len);
		if (S_mkparents(dir, src.paths[i]) != 0 || S_write(dir, src.paths[i], data, len) != 0) {
			fprintf(stderr, "ismsc: cannot write %s/%s: %s\n", dir, src.paths[i], strerror(errno));
			free(data);
			goto out;
		}
		free(data);
	}
	printf("ismsc: a new ISMS in %s (%zu files); check it with: ismsc check %s\n", dir, src.n, dir);
	rc = 0;
out:
	source_close(&src);
	diags_free(&d);
	free(samples);
	return rc;
}
