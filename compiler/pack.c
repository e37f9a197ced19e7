/* pack.c — the audit pack: hash every member with nettle's SHA-256, then
 * zip them with libarchive in byte order of their names, with one time (the
 * midnight that starts as_of, UTC), one mode (0644) and no owner, so that
 * the same input gives the same bytes. Files are streamed in chunks: a large
 * manual is never held in memory. */
#define _GNU_SOURCE
#include "pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

#ifndef ISMSC_VERSION
#define ISMSC_VERSION "0.1.0"
#endif

#define MANUAL "manual/"       /* the manual's folder in the zip */
#define MANIFEST "MANIFEST.sha256"
#define CHUNK 65536

/* One member of the zip: a file of the new tree, or text made here. */
struct member {
	char *name;            /* in the zip */
	char *file;            /* on disk, or NULL */
	char *data;            /* else the text */
	size_t len;
	uint8_t sum[SHA256_DIGEST_SIZE];
};

struct pack {
	struct output *o;
	struct run *r;
	struct member *m;
	size_t n, cap;
	char *buf;             /* CHUNK bytes */
	int fd;                /* the zip, while it is written */
	int werr;              /* the first error writing it, or 0 */
};

static int
S_fail(struct pack *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->o->err, sizeof(p->o->err), fmt, ap);
	va_end(ap);
	p->o->failed = 1;
	return -1;
}

/* Take name, file and data (owned from now on). */
static void
S_add(struct pack *p, char *name, char *file, char *data, size_t len)
{
	struct member *m;

	xgrow(&p->m, &p->cap, p->n + 1, sizeof(*p->m));
	m = &p->m[p->n++];
	memset(m, 0, sizeof(*m));
	m->name = name;
	m->file = file;
	m->data = data;
	m->len = len;
}

/* The regular files under dir (rel in the tree), but for the marker and
 * the pack itself. Folders give no members: unzip makes them. */
static int
S_walk(struct pack *p, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return S_fail(p, "cannot read %s: %s", rel[0] ? rel : ".", strerror(errno));
	while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
		struct stat st;
		char *full, *name;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (rel[0] == '\0' && (strcmp(e->d_name, OUTPUT_MARKER) == 0 ||
		    strcmp(e->d_name, OUTPUT_OWNER) == 0 || strcmp(e->d_name, PACK_NAME) == 0))
			continue;
		full = xasprintf("%s/%s", dir, e->d_name);
		name = rel[0] ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		if (lstat(full, &st) != 0) {
			rc = S_fail(p, "cannot read %s: %s", name, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = S_walk(p, full, name);
		} else if (S_ISREG(st.st_mode)) {
			S_add(p, xasprintf(MANUAL "%s", name), full, NULL, 0);
			full = NULL;
		}
		free(full);
		free(name);
	}
	if (rc == 0 && errno != 0)
		rc = S_fail(p, "cannot read %s: %s", rel[0] ? rel : ".", strerror(errno));
	closedir(d);
	return rc;
}

/* The member's name for messages: its path in the output tree. */
static const char *
S_shown(const struct member *m)
{
	return m->file != NULL ? m->name + strlen(MANUAL) : m->name;
}

static int
S_read(int fd, char *buf, size_t n, ssize_t *got)
{
	do
		*got = read(fd, buf, n);
	while (*got < 0 && errno == EINTR);
	return *got < 0 ? -1 : 0;
}

static int
S_hash(struct pack *p, struct member *m)
{
	struct sha256_ctx c;
	ssize_t n;
	int fd;

	sha256_init(&c);
	if (m->file == NULL) {
		sha256_update(&c, m->len, (const uint8_t *)m->data);
	} else {
		if ((fd = open(m->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			return S_fail(p, "cannot read %s: %s", S_shown(m), strerror(errno));
		while (S_read(fd, p->buf, CHUNK, &n) == 0 && n > 0)
			sha256_update(&c, (size_t)n, (const uint8_t *)p->buf);
		close(fd);
		if (n < 0)
			return S_fail(p, "cannot read %s: %s", S_shown(m), strerror(errno));
	}
	sha256_digest(&c, SHA256_DIGEST_SIZE, m->sum);
	return 0;
}

static int
S_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->name, ((const struct member *)b)->name);
}

/* MANIFEST.sha256 as sha256sum writes it: a name with a backslash or a
 * newline is escaped and its line starts with a backslash. */
static int
S_manifest(struct pack *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (fp == NULL)
		return S_fail(p, "cannot write %s: %s", MANIFEST, strerror(errno));
	for (size_t i = 0; i < p->n; i++) {
		const struct member *m = &p->m[i];
		int esc = strpbrk(m->name, "\\\n") != NULL;
		if (esc)
			fputc('\\', fp);
		for (size_t k = 0; k < sizeof(m->sum); k++)
			fprintf(fp, "%02x", m->sum[k]);
		fputs("  ", fp);
		for (const char *s = m->name; *s != '\0'; s++) {
			if (esc && *s == '\\')
				fputs("\\\\", fp);
			else if (esc && *s == '\n')
				fputs("\\n", fp);
			else
				fputc(*s, fp);
		}
		fputc('\n', fp);
	}
	if (fclose(fp) != 0) {
		free(text);
		return S_fail(p, "cannot write %s: %s", MANIFEST, strerror(errno));
	}
	S_add(p, xstrdup(MANIFEST), NULL, text, len);
	return 0;
}

/* The text a printer writes, as a member. */
static int
S_diagnostics(struct pack *p, const char *name, enum diag_format format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	int rc;

	if (fp == NULL)
		return S_fail(p, "cannot write %s: %s", name, strerror(errno));
	rc = run_print(p->r, fp, format);
	if (fclose(fp) != 0 || rc != 0) {
		free(text);
		return S_fail(p, "cannot write %s", name);
	}
	S_add(p, xstrdup(name), NULL, text, len);
	return 0;
}

/* 1 when a path of the tree (relative to SRC) is one the source walk
 * would read: no hidden part, not in OUT. */
static int
S_readable(const struct run *r, const char *rel)
{
	const char *skip = r->opt->skip != NULL ? r->opt->skip : "_site";
	size_t n = strlen(skip);

	if (strncmp(rel, skip, n) == 0 && (rel[n] == '/' || rel[n] == '\0'))
		return 0;
	for (const char *s = rel;; s++) {
		if (*s == '.')
			return 0;
		if ((s = strchr(s, '/')) == NULL)
			return 1;
	}
}

/* 1 when the files that the run read are not those of HEAD: one of them
 * is changed, staged, untracked or ignored, or a file HEAD has is gone. */
static int
S_modified(const struct run *r, git_repository *repo, const char *prefix)
{
	git_status_options so;
	git_status_list *list = NULL;
	git_index *index = NULL;
	size_t plen = strlen(prefix);
	int modified = 1;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_repository_index(&index, repo) != 0 || git_status_list_new(&list, repo, &so) != 0)
		goto out;
	for (size_t i = 0; i < r->src.n; i++) {
		char *path = xasprintf("%s%s", prefix, r->src.paths[i]);
		int tracked = git_index_get_bypath(index, path, 0) != NULL;
		free(path);
		if (!tracked)
			goto out;
	}
	for (size_t i = 0, n = git_status_list_entrycount(list); i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
		const char *path = d != NULL ? d->old_file.path : NULL, *rel;
		if (path == NULL || strncmp(path, prefix, plen) != 0)
			continue;
		rel = path + plen;
		if (source_has_file(&r->src, rel))
			goto out;
		if ((e->status & (GIT_STATUS_WT_DELETED | GIT_STATUS_INDEX_DELETED)) &&
		    S_readable(r, rel))
			goto out;
	}
	modified = 0;
out:
	git_status_list_free(list);
	git_index_free(index);
	return modified;
}

/* pack-info.txt: what made the pack, and from which revision. */
static void
S_info(struct pack *p)
{
	git_repository *repo = NULL;
	git_oid oid;
	char rev[GIT_OID_HEXSZ + 1], asof[11], *real = NULL, *text;
	const char *workdir, *modified = NULL;
	size_t wl;

	strcpy(rev, "none");
	git_libgit2_init();
	if (git_repository_open_ext(&repo, p->r->opt->src, 0, NULL) != 0 ||
	    git_reference_name_to_id(&oid, repo, "HEAD") != 0)
		goto out;
	git_oid_tostr(rev, sizeof(rev), &oid);
	modified = "yes";
	workdir = git_repository_workdir(repo);
	real = realpath(p->r->opt->src, NULL);
	if (workdir == NULL || real == NULL)
		goto out;
	/* SRC's path in the work tree, "" or "dir/" */
	wl = strlen(workdir);
	if (strncmp(real, workdir, wl) == 0) {
		char *prefix = real[wl] != '\0' ? xasprintf("%s/", real + wl) : xstrdup("");
		modified = S_modified(p->r, repo, prefix) ? "yes" : "no";
		free(prefix);
	} else if (wl > 0 && strncmp(real, workdir, wl - 1) == 0 && real[wl - 1] == '\0') {
		modified = S_modified(p->r, repo, "") ? "yes" : "no";
	}
out:
	date_format(p->r->as_of, asof);
	if (modified != NULL)
		text = xasprintf("generator: ismsc %s\nas_of: %s\nsource_revision: %s\n"
		    "source_modified: %s\n", ISMSC_VERSION, asof, rev, modified);
	else
		text = xasprintf("generator: ismsc %s\nas_of: %s\nsource_revision: none\n",
		    ISMSC_VERSION, asof);
	S_add(p, xstrdup("pack-info.txt"), NULL, text, strlen(text));
	free(real);
	git_repository_free(repo);
	git_libgit2_shutdown();
}

static int
S_member(struct pack *p, struct archive *a, const struct member *m, time_t mtime)
{
	struct archive_entry *e = archive_entry_new();
	ssize_t n = 0;
	off_t size = (off_t)m->len;
	int fd = -1, rc = -1;

	if (m->file != NULL) {
		struct stat st;
		if ((fd = open(m->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 || fstat(fd, &st) != 0) {
			S_fail(p, "cannot read %s: %s", S_shown(m), strerror(errno));
			goto out;
		}
		size = st.st_size;
	}
	archive_entry_set_pathname_utf8(e, m->name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, size);
	archive_entry_set_mtime(e, mtime, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		goto zip;
	if (m->file == NULL) {
		if (m->len > 0 && archive_write_data(a, m->data, m->len) != (la_ssize_t)m->len)
			goto zip;
	} else {
		while (S_read(fd, p->buf, CHUNK, &n) == 0 && n > 0)
			if (archive_write_data(a, p->buf, (size_t)n) != n)
				goto zip;
		if (n < 0) {
			S_fail(p, "cannot read %s: %s", S_shown(m), strerror(errno));
			goto out;
		}
	}
	if (archive_write_finish_entry(a) != ARCHIVE_OK)
		goto zip;
	rc = 0;
	goto out;
zip:
	S_fail(p, "cannot write %s: %s", PACK_NAME, archive_error_string(a));
out:
	if (fd >= 0)
		close(fd);
	archive_entry_free(e);
	return rc;
}

/* libarchive's output: the first write error is kept and told after the
 * close, so that libarchive always finishes its entry and frees its
 * compressor (it does not on the way out of a failed write). */
static la_ssize_t
S_out(struct archive *a, void *ctx, const void *buf, size_t n)
{
	struct pack *p = ctx;
	const char *s = buf;

	(void)a;
	for (size_t left = n; p->werr == 0 && left > 0;) {
		ssize_t w = write(p->fd, s, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			p->werr = errno;
			break;
		}
		s += w;
		left -= (size_t)w;
	}
	return (la_ssize_t)n;
}

static int
S_zip(struct pack *p, const char *path)
{
	struct archive *a;
	time_t mtime = (time_t)p->r->as_of * 86400;
	int rc = 0;

	p->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (p->fd < 0)
		return S_fail(p, "cannot write %s: %s", PACK_NAME, strerror(errno));
	a = archive_write_new();
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate,zip:hdrcharset=UTF-8") != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, p, NULL, S_out, NULL) != ARCHIVE_OK) {
		rc = S_fail(p, "cannot write %s: %s", PACK_NAME, archive_error_string(a));
		archive_write_free(a);
		close(p->fd);
		return rc;
	}
	for (size_t i = 0; i < p->n && rc == 0 && p->werr == 0; i++)
		rc = S_member(p, a, &p->m[i], mtime);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = S_fail(p, "cannot write %s: %s", PACK_NAME, archive_error_string(a));
	archive_write_free(a);
	if (close(p->fd) != 0 && p->werr == 0)
		p->werr = errno;
	if (p->werr != 0 && rc == 0)
		rc = S_fail(p, "cannot write %s: %s", PACK_NAME, strerror(p->werr));
	return rc;
}

int
pack_write(struct output *o, struct run *r)
{
	struct pack p;
	char *path, *tz;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.r = r;
	p.buf = xmalloc(CHUNK);
	if (o->tmp == NULL || S_walk(&p, o->tmp, "") != 0 ||
	    S_diagnostics(&p, "diagnostics.txt", DIAG_TEXT) != 0 ||
	    S_diagnostics(&p, "diagnostics.json", DIAG_JSON) != 0)
		goto out;
	S_info(&p);
	for (size_t i = 0; i < p.n; i++)
		if (S_hash(&p, &p.m[i]) != 0)
			goto out;
	qsort(p.m, p.n, sizeof(*p.m), S_cmp);
	if (S_manifest(&p) != 0)
		goto out;
	qsort(p.m, p.n, sizeof(*p.m), S_cmp);
	/* libarchive writes a zip's DOS times in local time; under UTC they
	 * read as_of 00:00 on every machine, as the Unix time beside them
	 * does. The site's threads are done: nothing else reads TZ now. */
	tz = getenv("TZ") != NULL ? xstrdup(getenv("TZ")) : NULL;
	setenv("TZ", "UTC0", 1);
	tzset();
	path = xasprintf("%s/%s", o->tmp, PACK_NAME);
	rc = S_zip(&p, path);
	free(path);
	if (tz != NULL)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(tz);
out:
	for (size_t i = 0; i < p.n; i++) {
		free(p.m[i].name);
		free(p.m[i].file);
		free(p.m[i].data);
	}
	free(p.m);
	free(p.buf);
	return rc;
}
