/* history.c — document control from the git history of the source root.
 *
 * One walk from the start commit along first parents (the history of the
 * branch as merged, not of every side branch). For each commit only the
 * tracked files are looked at: the tree of each folder that holds one is
 * compared with the same folder one commit newer, and only when it differs
 * are its tracked entries compared, so a commit that touched nothing tracked
 * costs a lookup per folder. Then each document's versions are read oldest
 * first and their front matter compared as YAML values. */
#include "history.h"

#include <git2.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "date.h"
#include "frontmatter.h"
#include "hash.h"
#include "text.h"
#include "xalloc.h"
#include "yamltree.h"

enum { SUBJECT_MAX = 200, AUTHOR_MAX = 100 };

/* One change of a tracked file: the newer commit of a pair whose entries
 * differ, or the oldest commit walked when the file is there. */
struct change {
	size_t commit;        /* index into h->commits */
	git_oid blob;
	int present;          /* 0: the commit deleted the file */
};

struct tracked {
	const struct entity *e;
	const char *name;     /* the file name in its folder */
	size_t dir;
	git_oid oid;          /* in the commit walked before (one newer) */
	int present;
	struct change *ch;    /* newest first */
	size_t nch, capch;
};

struct folder {
	char *path;           /* "" for the root */
	git_oid oid;
	int present;
};

/* A copy of s[0..n) that is valid UTF-8 without control characters, cut
 * at a character boundary near max bytes: commit metadata is anybody's.
 * Each scan looks at a window of max bytes, so a huge message costs little. */
static char *
S_clean(const char *s, size_t n, size_t max)
{
	char *out = xmalloc(max + 8);
	size_t i = 0, o = 0;

	while (i < n && o < max) {
		int nul;
		size_t win = n - i < max + 4 ? n - i : max + 4;
		size_t ok = text_check_utf8(s + i, win, &nul);
		if (ok == 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3); /* U+FFFD for a bad byte */
			o += 3;
			i++;
			continue;
		}
		while (ok > 0 && o < max) {
			unsigned char c = (unsigned char)s[i];
			size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
			if (len == 1)
				out[o] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
			else
				memcpy(out + o, s + i, len);
			o += len;
			i += len;
			ok -= len;
		}
	}
	if (i < n) {
		memcpy(out + o, "\xE2\x80\xA6", 3); /* an ellipsis: cut here */
		o += 3;
	}
	out[o] = '\0';
	return out;
}

static void
S_commit_info(struct hist_commit *hc, const git_commit *c)
{
	const git_signature *a = git_commit_author(c);
	const char *subj = git_commit_summary((git_commit *)c);
	long long t = (long long)git_commit_time(c);
	const char *name = a != NULL && a->name != NULL ? a->name : "";

	git_oid_tostr(hc->id, sizeof(hc->id), git_commit_id(c));
	memcpy(hc->short_id, hc->id, 7);
	hc->short_id[7] = '\0';
	if (t < 0)
		t = 0;
	if (t > 253402300799LL) /* 9999-12-31 */
		t = 253402300799LL;
	date_format(date_from_epoch(t), hc->date);
	hc->author = S_clean(name, strlen(name), AUTHOR_MAX);
	hc->subject = subj != NULL ? S_clean(subj, strlen(subj), SUBJECT_MAX) : xstrdup("");
}

static void
S_push_change(struct tracked *t, size_t commit, const git_oid *blob, int present)
{
	xgrow(&t->ch, &t->capch, t->nch + 1, sizeof(*t->ch));
	t->ch[t->nch].commit = commit;
	git_oid_cpy(&t->ch[t->nch].blob, blob);
	t->ch[t->nch].present = present;
	t->nch++;
}

/* The oid of folder path in tree (the tree itself for ""), or -1. */
static int
S_folder_oid(git_tree *tree, const char *path, git_oid *out)
{
	git_tree_entry *te;
	int rc = -1;

	if (path[0] == '\0') {
		git_oid_cpy(out, git_tree_id(tree));
		return 0;
	}
	if (git_tree_entry_bypath(&te, tree, path) != 0)
		return -1;
	if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
		git_oid_cpy(out, git_tree_entry_id(te));
		rc = 0;
	}
	git_tree_entry_free(te);
	return rc;
}

/* Compare the tracked files of commit k (tree) with the commit walked
 * before it (k - 1, one newer), recording what that newer commit changed. */
static void
S_visit(git_repository *repo, git_tree *tree, size_t k, struct folder *dirs, size_t ndirs,
    struct tracked *tr, const size_t *first, const size_t *count)
{
	for (size_t d = 0; d < ndirs; d++) {
		git_oid oid;
		git_tree *sub = NULL;
		int present = S_folder_oid(tree, dirs[d].path, &oid) == 0;

		if (k > 0 && present == dirs[d].present && (!present || git_oid_equal(&oid, &dirs[d].oid)))
			continue; /* nothing below it changed */
		if (present && dirs[d].path[0] != '\0' && git_tree_lookup(&sub, repo, &oid) != 0)
			present = 0;
		for (size_t i = first[d]; i < first[d] + count[d]; i++) {
			struct tracked *t = &tr[i];
			const git_tree_entry *te = NULL;
			int here = 0;
			if (present)
				te = git_tree_entry_byname(sub != NULL ? sub : tree, t->name);
			if (te != NULL && git_tree_entry_type(te) == GIT_OBJECT_BLOB)
				here = 1;
			if (k > 0 && (here != t->present ||
			    (here && !git_oid_equal(git_tree_entry_id(te), &t->oid))))
				S_push_change(t, k - 1, &t->oid, t->present);
			t->present = here;
			if (here)
				git_oid_cpy(&t->oid, git_tree_entry_id(te));
		}
		git_tree_free(sub);
		dirs[d].present = present;
		if (present)
			git_oid_cpy(&dirs[d].oid, &oid);
	}
}

/* One version of a document: its front matter values and its body. */
struct version {
	git_blob *blob;
	const struct ynode *ver, *appr;
	const char *body;
	size_t blen;
};

static int
S_same_node(const struct ynode *a, const struct ynode *b)
{
	if (a != NULL && ynode_is_null(a))
		a = NULL;
	if (b != NULL && ynode_is_null(b))
		b = NULL;
	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type || a->n != b->n)
		return 0;
	if (a->type == YNODE_SCALAR)
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	for (size_t i = 0; i < a->n; i++)
		if (!S_same_node(a->kids[i], b->kids[i]))
			return 0;
	return 1;
}

/* Read a version; a blob that cannot be read or parsed has no values (a
 * front matter that does not parse counts as one without version). */
static int
S_version(git_repository *repo, const git_oid *oid, const char *path, struct arena *a,
    struct version *v)
{
	const char *s;
	size_t n;
	struct fm_split fm;

	memset(v, 0, sizeof(*v));
	if (git_blob_lookup(&v->blob, repo, oid) != 0)
		return -1;
	s = git_blob_rawcontent(v->blob);
	n = (size_t)git_blob_rawsize(v->blob);
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	fm_split(s, n, &fm);
	v->body = s + fm.body_off;
	v->blen = n - fm.body_off;
	if (fm.state == FM_OK) {
		struct diags scratch;
		struct ynode *root = NULL;
		struct yaml_ctx y = {a, &scratch, path, fm.yaml_line0, 0};
		diags_init(&scratch);
		if (yaml_load(&y, s + fm.yaml_off, fm.yaml_len, &root) == 0 && root != NULL) {
			v->ver = ynode_get(root, "version");
			v->appr = ynode_get(root, "approved_on");
		}
		diags_free(&scratch);
	}
	return 0;
}

/* Find the first body change after the last change of version or
 * approved_on, oldest version first; report it at the entity. */
static void
S_judge(struct history *h, git_repository *repo, struct tracked *t, struct diags *d)
{
	struct version prev, cur;
	struct arena a[2];
	size_t set = SIZE_MAX, drift = SIZE_MAX;
	int have = 0, ai = 0;
	const struct entity *e = t->e;
	const struct ynode *at;

	if (t->nch == 0)
		return;
	arena_init(&a[0]);
	arena_init(&a[1]);
	memset(&prev, 0, sizeof(prev));
	for (size_t j = t->nch; j-- > 0;) {
		const struct change *c = &t->ch[j];
		if (!c->present) {
			git_blob_free(prev.blob);
			memset(&prev, 0, sizeof(prev));
			have = 0;
			continue;
		}
		ai ^= 1;
		arena_free(&a[ai]);
		if (S_version(repo, &c->blob, e->doc->path, &a[ai], &cur) != 0) {
			ai ^= 1; /* prev's arena stays */
			continue;
		}
		if (!have || !S_same_node(prev.ver, cur.ver) || !S_same_node(prev.appr, cur.appr)) {
			set = j; /* added, or its version or approval changed */
			drift = SIZE_MAX;
		} else if (drift == SIZE_MAX && (prev.blen != cur.blen ||
		    memcmp(prev.body, cur.body, cur.blen) != 0)) {
			drift = j;
		}
		git_blob_free(prev.blob);
		prev = cur;
		have = 1;
	}
	git_blob_free(prev.blob);
	arena_free(&a[0]);
	arena_free(&a[1]);
	if (drift == SIZE_MAX || set == SIZE_MAX)
		return;
	at = ynode_get(e->fm, "version");
	if (at == NULL)
		at = ynode_get(e->fm, "approved_on");
	if (at == NULL)
		at = e->id_node;
	const struct hist_commit *bc = &h->commits[t->ch[drift].commit];
	const struct hist_commit *vc = &h->commits[t->ch[set].commit];
	diag_add(d, R_DOC_CONTROL, e->doc->path, at != NULL ? at->line : 1, at != NULL ? at->col : 1,
	    "body changed in commit %s (%s) without a change of version or approved_on since commit %s (%s)",
	    bc->short_id, bc->date, vc->short_id, vc->date);
}

static void
S_skip(struct history *h, const char *why)
{
	h->checked = 0;
	snprintf(h->reason, sizeof(h->reason), "%s", why);
}

/* Is the working folder wd ("/path/", as libgit2 gives it) the folder real? */
static int
S_is_top(const char *real, const char *wd)
{
	size_t n = strlen(real);

	if (strcmp(real, "/") == 0)
		return strcmp(wd, "/") == 0;
	return strncmp(real, wd, n) == 0 && strcmp(wd + n, "/") == 0;
}

static int
S_tracked_cmp(const void *x, const void *y)
{
	const struct tracked *a = x, *b = y;
	return a->dir < b->dir ? -1 : a->dir > b->dir;
}

static int
S_has_dotgit(const char *src)
{
	char *dotgit = xasprintf("%s/.git", src);
	struct stat st;
	int there = lstat(dotgit, &st) == 0;

	free(dotgit);
	return there;
}

/* The object rev names, or HEAD's. HEAD is read as a reference, not
 * parsed: libgit2 1.5's revparse leaks a reference when HEAD names an
 * object that is not there. */
static int
S_rev(git_object **obj, git_repository *repo, const char *rev)
{
	git_reference *head = NULL;
	int rc;

	*obj = NULL;
	if (rev != NULL)
		return git_revparse_single(obj, repo, rev);
	if ((rc = git_repository_head(&head, repo)) == 0)
		rc = git_reference_peel(obj, head, GIT_OBJECT_ANY);
	git_reference_free(head);
	return rc;
}

void
history_load(struct history *h, const char *src, const char *rev, const struct model *m,
    struct diags *d)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_commit *c = NULL;
	struct tracked *tr = NULL;
	struct folder *dirs = NULL;
	size_t ntr = 0, captr = 0, ndirs = 0, capdirs = 0, capcommits = 0, *first = NULL, *count = NULL;
	struct hash dirindex;
	char *real = NULL;
	const char *wd;

	memset(h, 0, sizeof(*h));
	/* the top of a working tree only: no search upwards, and without a
	 * .git there, not even libgit2's start (it reads the system's
	 * certificates) */
	if (!S_has_dotgit(src)) {
		S_skip(h, "is not the top of a git checkout");
		return;
	}
	hash_init(&dirindex, 0);
	git_libgit2_init();
	if (git_repository_open_ext(&repo, src, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		/* there is one, but libgit2 refuses it (another owner) */
		S_skip(h, "has a git repository that cannot be opened");
		goto out;
	}
	if ((wd = git_repository_workdir(repo)) == NULL || (real = realpath(src, NULL)) == NULL ||
	    !S_is_top(real, wd)) {
		S_skip(h, "is not the top of a git checkout");
		goto out;
	}
	if (S_rev(&obj, repo, rev) != 0 ||
	    git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) != 0) {
		S_skip(h, rev != NULL ? "has no such revision" : "has no commits");
		goto out;
	}
	/* the files to follow, grouped by folder */
	for (size_t i = 0; i < m->n; i++) {
		const struct entity *e = m->entities[i];
		const char *p = e->doc->path, *slash;
		char *dir;
		size_t di;
		if (e->kind == NULL || (strcmp(e->kind->name, "policy") != 0 &&
		    strcmp(e->kind->name, "procedure") != 0))
			continue;
		xgrow(&tr, &captr, ntr + 1, sizeof(*tr));
		slash = strrchr(p, '/');
		dir = slash != NULL ? xstrndup(p, (size_t)(slash - p)) : xstrdup("");
		di = (size_t)(uintptr_t)hash_get(&dirindex, dir); /* index + 1 */
		if (di == 0) {
			xgrow(&dirs, &capdirs, ndirs + 1, sizeof(*dirs));
			memset(&dirs[ndirs], 0, sizeof(*dirs));
			dirs[ndirs].path = dir;
			di = ++ndirs;
			hash_put(&dirindex, dir, (void *)(uintptr_t)di);
		} else {
			free(dir);
		}
		memset(&tr[ntr], 0, sizeof(*tr));
		tr[ntr].e = e;
		tr[ntr].name = slash != NULL ? slash + 1 : p;
		tr[ntr].dir = di - 1;
		ntr++;
	}
	if (ntr > 1)
		qsort(tr, ntr, sizeof(*tr), S_tracked_cmp);
	first = xcalloc(ndirs + 1, sizeof(*first));
	count = xcalloc(ndirs + 1, sizeof(*count));
	for (size_t i = ntr; i-- > 0;) {
		first[tr[i].dir] = i;
		count[tr[i].dir]++;
	}
	h->checked = 1;
	git_oid_tostr(h->head, sizeof(h->head), git_commit_id(c));
	h->shallow = git_repository_is_shallow(repo) == 1;
	/* the walk: first parents, newest first */
	while (c != NULL) {
		git_tree *tree = NULL;
		git_commit *parent = NULL;
		if (h->ncommits == HISTORY_MAX_COMMITS) {
			h->limited = 1;
			break;
		}
		xgrow(&h->commits, &capcommits, h->ncommits + 1, sizeof(*h->commits));
		S_commit_info(&h->commits[h->ncommits], c);
		if (git_commit_tree(&tree, c) == 0) {
			S_visit(repo, tree, h->ncommits, dirs, ndirs, tr, first, count);
			git_tree_free(tree);
		}
		h->ncommits++;
		if (git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) != 0)
			h->shallow = 1; /* the parent is not there: a shallow clone */
		git_commit_free(c);
		c = parent;
	}
	/* the oldest commit walked holds the first version known */
	for (size_t i = 0; i < ntr && h->ncommits > 0; i++)
		if (tr[i].present)
			S_push_change(&tr[i], h->ncommits - 1, &tr[i].oid, 1);
	h->ndocs = m->ndocs;
	h->docs = xcalloc(m->ndocs + 1, sizeof(*h->docs));
	for (size_t i = 0; i < ntr; i++) {
		struct doc_history *dh = &h->docs[tr[i].e->doc - m->docs];
		size_t rows = tr[i].nch < HISTORY_MAX_ROWS ? tr[i].nch : HISTORY_MAX_ROWS;
		dh->v = xcalloc(rows + 1, sizeof(*dh->v));
		for (size_t k = 0; k < tr[i].nch; k++) {
			if (!tr[i].ch[k].present)
				continue; /* a deletion: the page lists versions */
			if (dh->n < rows)
				dh->v[dh->n++] = &h->commits[tr[i].ch[k].commit];
			dh->total++;
		}
		S_judge(h, repo, &tr[i], d);
	}
out:
	git_commit_free(c);
	git_object_free(obj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	for (size_t i = 0; i < ntr; i++)
		free(tr[i].ch);
	free(tr);
	hash_free(&dirindex); /* its keys are the folders' paths */
	for (size_t i = 0; i < ndirs; i++)
		free(dirs[i].path);
	free(dirs);
	free(first);
	free(count);
	free(real);
}

const struct doc_history *
history_doc(const struct history *h, const struct model *m, const struct doc *d)
{
	size_t i;

	if (h == NULL || !h->checked || h->docs == NULL || d < m->docs)
		return NULL;
	i = (size_t)(d - m->docs);
	return i < h->ndocs && h->docs[i].v != NULL ? &h->docs[i] : NULL;
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->ncommits; i++) {
		free(h->commits[i].author);
		free(h->commits[i].subject);
	}
	free(h->commits);
	for (size_t i = 0; h->docs != NULL && i < h->ndocs; i++)
		free(h->docs[i].v);
	free(h->docs);
	memset(h, 0, sizeof(*h));
}
