/* model.c — docs and entities from the source: parsed in parallel (each
 * file independent), then ids registered and references resolved in path
 * order, so the result never depends on the threads. */
#include "model.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "text.h"

struct job {
	struct model *m;
	int flags;
	struct source *src;
	const struct schemas *sch;
	const struct model_hooks *hooks; /* NULL: one pass */
	int pass;                        /* with hooks: 1 front matter, 2 bodies */
	atomic_size_t next;
};

struct worker {
	struct job *job;
	struct arena *arena;
	struct md_parser *md;
	int thread;
	struct doc *doc;                 /* the body in hand, for S_then */
};

static int
S_is_markdown(const char *path)
{
	size_t n = strlen(path);
	return n > 3 && strcmp(path + n - 3, ".md") == 0;
}

/* The entity part of a doc whose front matter has `kind`. */
static void
S_entity(struct worker *w, struct doc *doc, const struct ynode *fm, const struct ynode *kind,
    struct validation *val)
{
	const struct schemas *sch = w->job->sch;
	struct entity *e = arena_alloc(w->arena, sizeof(*e));
	const struct ynode *id = ynode_get(fm, "id");

	e->doc = doc;
	e->fm = fm;
	e->title = entity_str(e, "title"); /* read for every link to it */
	e->cat = -1;
	e->valid = 1;
	e->kindname = kind->type == YNODE_SCALAR ? kind->str : "";
	if (id == NULL || ynode_is_null(id)) {
		diag_add(&doc->diags, R_SCHEMA, doc->path, 1, 1, "missing required field 'id'");
		id = NULL;
		e->valid = 0;
	} else if (id->type != YNODE_SCALAR || !id_valid(id->str)) {
		diag_add(&doc->diags, R_SCHEMA, doc->path, id->line, id->col, "invalid id '%s'",
		    id->type == YNODE_SCALAR ? id->str : "(not a scalar)");
		e->valid = 0;
	} else {
		e->id = id->str;
		e->id_node = id;
	}
	if (kind->type != YNODE_SCALAR || (e->kind = schemas_kind(sch, kind->str)) == NULL) {
		diag_add(&doc->diags, R_SCHEMA, doc->path, kind->line, kind->col, "unknown kind '%s'",
		    kind->type == YNODE_SCALAR ? kind->str : "(not a scalar)");
		e->valid = 0;
	} else if (!schema_validate(sch, e->kind, fm, id, doc->path, val, &doc->diags)) {
		e->valid = 0;
	}
	if (e->id != NULL)
		doc->entity = e;
}

/* The tree of the body in hand, to the build's hook. */
static void
S_then(void *ctx, struct cmark_node *tree)
{
	struct worker *w = ctx;
	const struct model_hooks *h = w->job->hooks;

	h->body(h->ctx, w->thread, w->doc, tree);
}

/* The body's references and links, then the doc's references: its fields'
 * (val) first, then the body's, all in one array. */
static void
S_scan(struct worker *w, struct doc *doc, const char *body, size_t len, int line0,
    const struct validation *val)
{
	const struct model_hooks *h = w->job->hooks;

	char why[160];
	int at;

	w->doc = doc;
	if (md_guard(body, len, &at, why, sizeof(why)) != 0) {
		/* not parsed: a limit error, so nothing is built from it either */
		diag_add(&doc->diags, R_LIMIT, doc->path, line0 + at, 1, "%s", why);
		doc->body = NULL;
		doc->body_len = 0;
	} else {
		md_scan_then(w->md, body, len, line0, w->arena, &doc->md,
		    h != NULL && h->body != NULL ? S_then : NULL, w);
	}
	doc->nrefs = val->nrefs + doc->md.nrefs;
	doc->refs = arena_alloc(w->arena, (doc->nrefs + 1) * sizeof(*doc->refs));
	for (size_t i = 0; i < val->nrefs; i++) {
		struct ref *r = &doc->refs[i];
		r->id = val->refs[i].id;
		r->line = val->refs[i].node->line;
		r->col = val->refs[i].node->col;
		r->field = val->refs[i].field;
		r->from = doc;
		r->cat = -1;
	}
	for (size_t i = 0; i < doc->md.nrefs; i++) {
		struct ref *r = &doc->refs[val->nrefs + i];
		r->id = doc->md.refs[i].id;
		r->text = doc->md.refs[i].text;
		r->line = doc->md.refs[i].line;
		r->col = doc->md.refs[i].col;
		r->from = doc;
		r->cat = -1;
	}
}

/* The first pass over a file (the only one without hooks): read it, check
 * its text, load its front matter, validate its entity; then its body. */
static void
S_parse(struct worker *w, struct doc *doc)
{
	struct source *src = w->job->src;
	char *data = NULL;
	const char *s;
	size_t len, bad;
	int nul, rc;
	struct fm_split fs;
	struct validation val = {NULL, 0, 0};
	const struct ynode *fm = NULL;

	rc = source_read(src, doc->path, &data, &len, FILE_LIMIT);
	if (rc == SOURCE_TOO_BIG) {
		diag_add(&doc->diags, R_LIMIT, doc->path, 1, 1,
		    "file is larger than the limit of %d MiB", FILE_LIMIT >> 20);
		goto fail;
	}
	if (rc != SOURCE_OK) {
		diag_add(&doc->diags, R_SYNTAX, doc->path, 1, 1, "cannot read the file");
		goto fail;
	}
	s = data;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3; /* a BOM: not text, not counted in columns */
		len -= 3;
	}
	if ((bad = text_check_utf8(s, len, &nul)) < len) {
		struct lines li;
		int line, col;
		lines_index(&li, s, len);
		lines_pos(&li, s, bad, &line, &col);
		lines_free(&li);
		diag_add(&doc->diags, R_SYNTAX, doc->path, line, col,
		    nul ? "text contains a NUL byte" : "text is not valid UTF-8");
		goto fail;
	}
	fm_split(s, len, &fs);
	if (fs.state == FM_UNCLOSED) {
		diag_add(&doc->diags, R_SYNTAX, doc->path, 1, 1, "front matter is never closed");
		goto fail;
	}
	if (fs.state == FM_OK) {
		struct yaml_ctx y = {w->arena, &doc->diags, doc->path, fs.yaml_line0, 1};
		struct ynode *root;
		const struct ynode *kind, *title;
		if (yaml_load(&y, s + fs.yaml_off, fs.yaml_len, &root) != 0)
			goto fail;
		if (root != NULL && root->type != YNODE_MAP) {
			diag_add(&doc->diags, R_SYNTAX, doc->path, root->line, root->col,
			    "front matter is not a mapping");
			goto fail;
		}
		fm = root;
		doc->fm = root;
		if ((title = ynode_get(fm, "title")) != NULL && title->type == YNODE_SCALAR &&
		    !ynode_is_null(title))
			doc->title = title->str;
		doc->clauses = ynode_get(fm, "clauses");
		if ((kind = ynode_get(fm, "kind")) != NULL)
			S_entity(w, doc, fm, kind, &val);
	}
	if ((w->job->flags & MODEL_KEEP_BODIES) || w->job->hooks != NULL) {
		doc->body = arena_strndup(w->arena, s + fs.body_off, len - fs.body_off);
		doc->body_len = len - fs.body_off;
		doc->body_line0 = fs.body_line0;
	}
	if (w->job->flags & MODEL_HASH_BODIES) {
		unsigned long long h = 14695981039346656037ULL;
		for (size_t i = fs.body_off; i < len; i++)
			h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
		doc->body_hash = h;
	}
	if (w->job->hooks != NULL) {
		/* the body waits for the second pass */
		doc->val = arena_alloc(w->arena, sizeof(*doc->val));
		*doc->val = val;
	} else {
		S_scan(w, doc, s + fs.body_off, len - fs.body_off, fs.body_line0, &val);
		free(val.refs);
	}
	free(data);
	return;
fail:
	doc->failed = 1;
	doc->entity = NULL;
	free(val.refs);
	free(data);
}

static void *
S_work(void *arg)
{
	struct worker *w = arg;
	struct job *job = w->job;
	size_t i;

	w->md = md_new();
	while ((i = atomic_fetch_add(&job->next, 1)) < job->m->ndocs) {
		struct doc *doc = &job->m->docs[i];
		if (job->pass != 2) {
			S_parse(w, doc);
		} else if (doc->val != NULL) {
			S_scan(w, doc, doc->body, doc->body_len, doc->body_line0, doc->val);
			free(doc->val->refs);
			doc->val = NULL;
		}
	}
	md_free(w->md);
	return NULL;
}

static void
S_refvec_push(struct refvec *v, struct ref *r)
{
	xgrow(&v->v, &v->cap, v->n + 1, sizeof(*v->v));
	v->v[v->n++] = r;
}

/* Register ids in path order: the first file keeps an id. */
static void
S_register(struct model *m, const struct schemas *sch, struct diags *d)
{
	for (size_t i = 0; i < m->ndocs; i++) {
		struct entity *e = m->docs[i].entity, *first;
		if (e == NULL)
			continue;
		xgrow(&m->entities, &m->cap, m->n + 1, sizeof(*m->entities));
		m->entities[m->n++] = e;
		if ((first = hash_put(&m->by_id, e->id, e)) != NULL) {
			e->duplicate = 1;
			if (strcmp(first->id, e->id) == 0)
				diag_add(d, R_ID_DUPLICATE, e->doc->path, e->id_node->line, e->id_node->col,
				    "duplicate id '%s', first used in %s", e->id, first->doc->path);
			else
				diag_add(d, R_ID_DUPLICATE, e->doc->path, e->id_node->line, e->id_node->col,
				    "id '%s' differs only in case from '%s' in %s", e->id, first->id,
				    first->doc->path);
			continue;
		}
		if (e->kind != NULL && strcmp(e->kind->name, "control") == 0 &&
		    (e->cat = catalog_find(&sch->cat, e->id)) >= 0)
			m->cat_decision[e->cat] = e;
	}
}

static const char *
S_kindname(const struct entity *e)
{
	return e->kind ? e->kind->name : e->kindname;
}

/* "a" or "an" before a kind's name: "an audit", "an incident". */
static const char *
S_article(const char *word)
{
	return word != NULL && word[0] != '\0' && strchr("aeiou", word[0]) != NULL ? "an" : "a";
}

static void
S_resolve(struct model *m, const struct schemas *sch, struct diags *d)
{
	for (size_t i = 0; i < m->ndocs; i++) {
		struct doc *doc = &m->docs[i];
		for (size_t k = 0; k < doc->nrefs; k++) {
			struct ref *r = &doc->refs[k];
			const char *want = r->field ? r->field->kind : NULL;
			struct entity *e = NULL;

			if (want == NULL || strcmp(want, "catalog") != 0)
				e = hash_get(&m->by_id, r->id);
			/* an id that differs from an entity's only in case: the
			 * catalogue's control of that id, if it is one, else unknown */
			if (e != NULL && strcmp(e->id, r->id) != 0 && catalog_find(&sch->cat, r->id) >= 0)
				e = NULL;
			if (e != NULL && strcmp(e->id, r->id) != 0) {
				diag_add(d, R_REF_UNKNOWN, doc->path, r->line, r->col,
				    "reference to unknown %s '%s' (ids are case-sensitive: '%s')",
				    want && strcmp(want, "catalog") ? want : "id", r->id, e->id);
				continue;
			}
			if (e == NULL) {
				r->cat = catalog_find(&sch->cat, r->id);
				if (r->cat < 0) {
					if (want == NULL)
						diag_add(d, R_REF_UNKNOWN, doc->path, r->line, r->col,
						    "reference to unknown id '%s'", r->id);
					else if (strcmp(want, "catalog") == 0)
						diag_add(d, R_REF_UNKNOWN, doc->path, r->line, r->col,
						    "reference to unknown catalogue control '%s'", r->id);
					else
						diag_add(d, R_REF_UNKNOWN, doc->path, r->line, r->col,
						    "reference to unknown %s '%s'", want, r->id);
					continue;
				}
				if (want != NULL && strcmp(want, "control") != 0 && strcmp(want, "catalog") != 0) {
					diag_add(d, R_REF_KIND, doc->path, r->line, r->col,
					    "'%s' is a control, not %s %s", r->id, S_article(want), want);
					r->cat = -1;
					continue;
				}
				S_refvec_push(&m->cat_in[r->cat], r);
				/* an own control's annex: the catalogue control's
				 * decision, where there is one, is referred to too */
				if (m->cat_decision[r->cat] != NULL)
					S_refvec_push(&m->cat_decision[r->cat]->in, r);
				continue;
			}
			if (want != NULL && strcmp(S_kindname(e), want) != 0) {
				diag_add(d, R_REF_KIND, doc->path, r->line, r->col, "'%s' is %s %s, not %s %s",
				    r->id, S_article(S_kindname(e)), S_kindname(e), S_article(want), want);
				continue;
			}
			r->to = e;
			S_refvec_push(&e->in, r);
		}
	}
}

/* S_work on this thread and threads - 1 more. */
static void
S_run(struct worker *w, pthread_t *tid, int threads)
{
	for (int t = 1; t < threads; t++)
		if (pthread_create(&tid[t], NULL, S_work, &w[t]) != 0)
			tid[t] = 0; /* the others take its share */
	S_work(&w[0]);
	for (int t = 1; t < threads; t++)
		if (tid[t])
			pthread_join(tid[t], NULL);
}

void
model_build(struct model *m, struct source *src, const struct schemas *sch, int threads,
    int flags, const struct model_hooks *hooks, struct diags *d)
{
	struct job job;
	struct worker *w;
	pthread_t *tid;
	size_t nmd = 0, k = 0;

	memset(m, 0, sizeof(*m));
	hash_init(&m->by_id, 1);
	for (size_t i = 0; i < src->n; i++)
		nmd += S_is_markdown(src->paths[i]);
	m->docs = xcalloc(nmd + 1, sizeof(*m->docs));
	for (size_t i = 0; i < src->n; i++)
		if (S_is_markdown(src->paths[i]))
			m->docs[k++].path = src->paths[i];
	m->ndocs = nmd;
	m->cat_decision = xcalloc(sch->cat.n + 1, sizeof(*m->cat_decision));
	m->cat_in = xcalloc(sch->cat.n + 1, sizeof(*m->cat_in));
	m->ncat = sch->cat.n;

	if (threads < 1 || nmd < 64)
		threads = 1;
	job.m = m;
	job.flags = flags;
	job.src = src;
	job.sch = sch;
	atomic_init(&job.next, 0);
	m->narenas = threads;
	m->arenas = xcalloc((size_t)threads, sizeof(*m->arenas));
	w = xcalloc((size_t)threads, sizeof(*w));
	tid = xcalloc((size_t)threads, sizeof(*tid));
	for (int t = 0; t < threads; t++) {
		arena_init(&m->arenas[t]);
		w[t].job = &job;
		w[t].arena = &m->arenas[t];
		w[t].thread = t;
	}
	job.hooks = hooks;
	job.pass = 1;
	S_run(w, tid, threads);
	S_register(m, sch, d);
	if (hooks != NULL) {
		if (hooks->ready != NULL)
			hooks->ready(hooks->ctx, threads);
		job.pass = 2;
		atomic_store(&job.next, 0);
		S_run(w, tid, threads);
	}
	free(w);
	free(tid);

	for (size_t i = 0; i < m->ndocs; i++)
		diags_move(d, &m->docs[i].diags);
	S_resolve(m, sch, d);
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->ndocs; i++) {
		md_out_free(&m->docs[i].md);
		diags_free(&m->docs[i].diags);
	}
	for (size_t i = 0; i < m->n; i++)
		free(m->entities[i]->in.v);
	for (int t = 0; t < m->narenas; t++)
		arena_free(&m->arenas[t]);
	for (size_t i = 0; i < m->ncat; i++)
		free(m->cat_in[i].v);
	free(m->cat_in);
	free(m->arenas);
	free(m->docs);
	free(m->entities);
	free(m->cat_decision);
	hash_free(&m->by_id);
	memset(m, 0, sizeof(*m));
}

const struct ynode *
entity_get(const struct entity *e, const char *field)
{
	const struct ynode *n = ynode_get(e->fm, field);
	return ynode_is_null(n) ? NULL : n;
}

const char *
entity_str(const struct entity *e, const char *field)
{
	const struct ynode *n = entity_get(e, field);
	return n != NULL && n->type == YNODE_SCALAR ? n->str : NULL;
}

const char *
entity_title(const struct entity *e, const struct catalog *cat)
{
	const char *t = e->title;

	if (t == NULL && e->cat >= 0 && (size_t)e->cat < cat->n)
		t = cat->v[e->cat].title;
	return t;
}

struct entity *
model_find(const struct model *m, const char *id)
{
	struct entity *e = hash_get(&m->by_id, id);
	return e != NULL && strcmp(e->id, id) == 0 ? e : NULL;
}

struct doc *
model_doc(const struct model *m, const char *path)
{
	size_t lo = 0, hi = m->ndocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->docs[mid].path, path);
		if (c == 0)
			return &m->docs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
