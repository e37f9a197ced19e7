/* source_git.c — a source tree read straight from a git repository with
 * libgit2: the tree of a revision (no checkout, no shell). Hands the same
 * sorted file list and reads as the folder source. */
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "source.h"
#include "xalloc.h"

struct gitsrc {
	git_repository *repo;
	git_tree *tree;       /* the tree of SRC at the revision */
	struct hash blobs;    /* path -> git_oid* (links inside the tree resolved) */
	struct arena arena;   /* the oids and link paths */
};

struct walk {
	struct source *s;
	struct gitsrc *g;
	struct diags *d;
	const char *skip;
	char **links;         /* symbolic links, resolved once every blob is known */
	git_oid *link_oids;
	size_t nlinks, caplinks, caplinkoids;
};

static void
S_push(char ***v, size_t *n, size_t *cap, char *s)
{
	xgrow(v, cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

static int
S_hidden(const char *root, const char *name)
{
	(void)root;
	return name[0] == '.';
}

static int
S_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk *w = payload;
	const char *name = git_tree_entry_name(e);
	git_filemode_t mode = git_tree_entry_filemode(e);
	char *path;

	if (S_hidden(root, name))
		return 1; /* skip (a subtree too) */
	path = xasprintf("%s%s", root, name);
	if (!source_name_ok(name)) {
		diag_add(w->d, R_SYNTAX, path, 1, 1, "file name is not valid UTF-8; left out");
		S_push(&w->s->held, &w->s->nheld, &w->s->capheld, path); /* the diagnostic's */
		return 1;
	}
	if (mode == GIT_FILEMODE_TREE) {
		if (w->skip != NULL && strcmp(path, w->skip) == 0) {
			free(path);
			return 1;
		}
		S_push(&w->s->dirs, &w->s->ndirs, &w->s->capdirs, path);
		return 0;
	}
	if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
		git_oid *oid = arena_alloc(&w->g->arena, sizeof(*oid));
		git_oid_cpy(oid, git_tree_entry_id(e));
		S_push(&w->s->paths, &w->s->n, &w->s->cap, path);
		hash_put(&w->g->blobs, path, oid);
		return 0;
	}
	if (mode == GIT_FILEMODE_LINK) {
		xgrow(&w->link_oids, &w->caplinkoids, w->nlinks + 1, sizeof(*w->link_oids));
		git_oid_cpy(&w->link_oids[w->nlinks], git_tree_entry_id(e));
		S_push(&w->links, &w->nlinks, &w->caplinks, path);
		return 0;
	}
	free(path); /* submodules */
	return 0;
}

/* Normalise dir-of(link) + target into out; -1 when it leaves the tree. */
static int
S_resolve(const char *link, const char *target, size_t tlen, char *out, size_t size)
{
	const char *slash = strrchr(link, '/');
	char buf[4096];
	size_t n = 0, k = 0, seg[256], nseg = 0;

	if (tlen == 0 || target[0] == '/')
		return -1;
	if (slash != NULL) {
		n = (size_t)(slash - link) + 1;
		if (n >= sizeof(buf))
			return -1;
		memcpy(buf, link, n);
	}
	if (n + tlen >= sizeof(buf) || tlen >= size)
		return -1;
	memcpy(buf + n, target, tlen);
	n += tlen;
	buf[n] = '\0';
	for (size_t i = 0; i <= n;) {
		size_t j = i;
		while (j < n && buf[j] != '/')
			j++;
		size_t len = j - i;
		if (len == 0 || (len == 1 && buf[i] == '.')) {
		} else if (len == 2 && buf[i] == '.' && buf[i + 1] == '.') {
			if (nseg == 0)
				return -1;
			k = seg[--nseg];
		} else {
			if (nseg == 256 || k + len + 2 > size)
				return -1;
			seg[nseg++] = k;
			if (k > 0)
				out[k++] = '/';
			memcpy(out + k, buf + i, len);
			k += len;
		}
		i = j + 1;
	}
	out[k] = '\0';
	return 0;
}

static int
S_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
S_git_read(struct source *s, const char *path, char **data, size_t *len, size_t limit)
{
	struct gitsrc *g = s->impl;
	const git_oid *oid = hash_get(&g->blobs, path);
	git_blob *blob;
	git_object_size_t size;

	*data = NULL;
	*len = 0;
	if (oid == NULL || git_blob_lookup(&blob, g->repo, oid) != 0)
		return SOURCE_ERROR;
	size = git_blob_rawsize(blob);
	if (size > limit) {
		git_blob_free(blob);
		return SOURCE_TOO_BIG;
	}
	*data = xmalloc((size_t)size + 1);
	memcpy(*data, git_blob_rawcontent(blob), (size_t)size);
	(*data)[size] = '\0';
	*len = (size_t)size;
	git_blob_free(blob);
	return SOURCE_OK;
}

static void
S_git_close(struct source *s)
{
	struct gitsrc *g = s->impl;

	if (g == NULL)
		return;
	git_tree_free(g->tree);
	git_repository_free(g->repo);
	hash_free(&g->blobs);
	arena_free(&g->arena);
	free(g);
	git_libgit2_shutdown();
}

static const struct source_ops S_git_ops = {S_git_read, S_git_close};

int
source_open_git(struct source *s, const char *src, const char *rev, const char *skip,
    struct diags *d, char *err, size_t errsize)
{
	struct gitsrc *g;
	git_object *obj = NULL;
	git_tree *top = NULL;
	struct walk w;
	const char *workdir;
	char *real = NULL, *sub = NULL;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	git_libgit2_init();
	g = xcalloc(1, sizeof(*g));
	hash_init(&g->blobs, 0);
	arena_init(&g->arena);
	s->ops = &S_git_ops;
	s->impl = g;
	if (git_repository_open_ext(&g->repo, src, 0, NULL) != 0) {
		snprintf(err, errsize, "%s is not in a git repository", src);
		goto out;
	}
	if (git_revparse_single(&obj, g->repo, rev) != 0 ||
	    git_object_peel((git_object **)&top, obj, GIT_OBJECT_TREE) != 0) {
		snprintf(err, errsize, "'%s' names no commit of the repository", rev);
		goto out;
	}
	/* SRC may be a folder of the repository: take its subtree */
	workdir = git_repository_workdir(g->repo);
	real = realpath(src, NULL);
	if (workdir == NULL || real == NULL) {
		snprintf(err, errsize, "%s: no working folder", src);
		goto out;
	}
	size_t wl = strlen(workdir);
	if (strncmp(real, workdir, wl) == 0 || (strncmp(real, workdir, wl - 1) == 0 && real[wl - 1] == '\0')) {
		sub = xstrdup(strlen(real) >= wl ? real + wl : "");
	} else {
		snprintf(err, errsize, "%s is outside the repository's working folder", src);
		goto out;
	}
	if (sub[0] == '\0') {
		g->tree = top;
		top = NULL;
	} else {
		git_tree_entry *te;
		if (git_tree_entry_bypath(&te, top, sub) != 0 ||
		    git_tree_entry_type(te) != GIT_OBJECT_TREE ||
		    git_tree_lookup(&g->tree, g->repo, git_tree_entry_id(te)) != 0) {
			snprintf(err, errsize, "%s is not in the tree of '%s'", sub, rev);
			if (te)
				git_tree_entry_free(te);
			goto out;
		}
		git_tree_entry_free(te);
	}
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.g = g;
	w.d = d;
	w.skip = skip;
	if (git_tree_walk(g->tree, GIT_TREEWALK_PRE, S_cb, &w) != 0) {
		snprintf(err, errsize, "cannot walk the tree of '%s'", rev);
		goto out;
	}
	/* symbolic links: followed to a file of the tree, else a warning */
	for (size_t i = 0; i < w.nlinks; i++) {
		git_blob *b;
		char target[4096];
		const git_oid *to = NULL;
		if (git_blob_lookup(&b, g->repo, &w.link_oids[i]) == 0) {
			if (S_resolve(w.links[i], git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), target,
			    sizeof(target)) == 0)
				to = hash_get(&g->blobs, target);
			git_blob_free(b);
		}
		if (to != NULL) {
			hash_put(&g->blobs, w.links[i], (void *)to);
			S_push(&s->paths, &s->n, &s->cap, w.links[i]);
		} else {
			diag_add(d, R_SYMLINK, w.links[i], 1, 1,
			    "symbolic link leads out of the source root; not followed");
			S_push(&s->held, &s->nheld, &s->capheld, w.links[i]);
		}
	}
	free(w.links);
	free(w.link_oids);
	if (s->n > 1)
		qsort(s->paths, s->n, sizeof(*s->paths), S_cmp);
	if (s->ndirs > 1)
		qsort(s->dirs, s->ndirs, sizeof(*s->dirs), S_cmp);
	rc = 0;
out:
	git_object_free(obj);
	git_tree_free(top);
	free(real);
	free(sub);
	if (rc != 0)
		source_close(s);
	return rc;
}
