/* plugin.c — the Lua sandbox and the rule API. Takes the checked model and
 * the plugin files; hands back `plugin` diagnostics and each rule's reports.
 *
 * Safety: one Lua state; every call into Lua is protected (lua_pcall), so a
 * Lua error never unwinds across a C frame that owns memory. Each rule runs
 * under a count hook (instructions, counted across all its coroutines, since
 * new threads inherit the hook) and a custom allocator (memory). The model
 * is a tree of empty proxy tables whose metatables are locked; the shared
 * libraries are proxies too, one set per plugin file. Loading and the rules
 * run on a thread of their own under a watch (S_watch): what the count
 * cannot see (a string pattern that backtracks, in C) is stopped by time,
 * the thread given up on with its state, and the work goes on in a new one. */
#include "plugin.h"

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <lua.h>
#include <lualib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

enum { HOOK_EVERY = 1000, MESSAGE_MAX = 4096 /* bytes of a report's or an error's message */ };

/* The budgets of a rule. The first one a rule exceeds is named in its
 * diagnostic even if the rule caught the error (pcall, a coroutine) and
 * went on: it did not run as written, and SPEC §5 wants it said. */
enum limit { LIMIT_NONE, LIMIT_INSTRUCTIONS, LIMIT_MEMORY, LIMIT_REPORTS };

struct prule {
	int rule;          /* index in the rule table; -1 until bound (S_bind) */
	const char *name;  /* its id, severity and description, for binding */
	enum severity sev;
	const char *desc;
	int ref;           /* registry reference of the check function */
	int envref;        /* registry reference of its file's environment */
	const char *file;  /* the plugin's path, for diagnostics */
	const char *source;/* its chunk name ("@file") */
	int line;          /* where check is defined */
	/* the options it declares (options = {threshold = "integer"}), by
	 * which its mapping under rules: is checked; none declared: none checked */
	const char **opt;
	enum ftype *opttype;
	size_t nopt;
	int declares;      /* it has an options table */
};

struct plugins {
	lua_State *L;
	const struct plugin_input *in;
	struct diags *d;
	struct arena arena;        /* rule names, paths */
	struct prule *rules;
	size_t n, cap;
	/* budgets */
	size_t mem_used, mem_limit;    /* limit 0: none */
	struct {                       /* an allocation refused, which Lua may ask */
		void *ptr;             /* again after an emergency collection */
		size_t osize, nsize;
		int pending;
	} refused;
	enum limit hit;                /* the first budget the running rule exceeded */
	int hit_line;                  /* where, in the plugin's own code; 0: unknown */
	long long count, count_limit;  /* instructions of the running rule */
	long long max_instructions;
	size_t max_memory;
	long max_reports;
	/* the running rule or plugin file */
	int cur_rule;                  /* rule table index, -1 while loading */
	const char *cur_source;
	int err_line;
	long reports;
	size_t report_bytes;           /* the running rule's reports, kept */
	const struct entity **all;     /* the valid entities, in file order */
	size_t nall;
	const struct entity ***bykind; /* ... of each kind of the schemas */
	size_t *nbykind;
	int lists_built;
	int mt_ref[16];                /* registry refs: each view tag's metatable */
	int cache_ref[16];             /* ... and its cache of views */
	/* the watch over plugins_run: the rules run on a thread of their own */
	pthread_mutex_t lock;
	pthread_cond_t cond;           /* a rule started, or the last one ended */
	size_t at;                     /* the rule running */
	struct timespec since;         /* when it started (CLOCK_MONOTONIC) */
	int done, abandoned;
	struct diags own;              /* the finished rules' diagnostics, for the watch */
	size_t from;                   /* the first rule to run */
	const struct rules *t;
	long max_seconds;
	/* the files to load, in order, loaded on a watched thread too */
	struct load_item *items;
	size_t nitems, capitems;
	struct source builtin;         /* the compiler's lua/ (open while loading) */
	int builtin_open;
	size_t quiet;                  /* items before this one load silently (a reload) */
	const unsigned char *skip;     /* items not to load: stuck the last time */
};

/* A plugin file to load: path in src, named label in diagnostics. */
struct load_item {
	struct source *src;
	const char *path, *label;
};

/* Runners given up on (a rule stuck in a library call): their threads
 * still hold the model, so the process must end without freeing it. The
 * one state of the process that is not the run's: a thread outlives it. */
static int S_lost;

static struct plugins *
S_self(lua_State *L)
{
	return *(struct plugins **)lua_getextraspace(L);
}

/* A diagnostic is one line for people: a message from a plugin (a report,
 * an error) longer than MESSAGE_MAX bytes is cut, between characters, and
 * ends in an ellipsis. Returns the length of msg to keep; *more is the
 * ellipsis or "". */
static size_t
S_cut(const char *msg, size_t len, const char **more)
{
	*more = "";
	if (len <= MESSAGE_MAX)
		return len;
	len = MESSAGE_MAX;
	while (len > 0 && ((unsigned char)msg[len] & 0xC0) == 0x80)
		len--;
	*more = "\xE2\x80\xA6"; /* … */
	return len;
}

/* ---- budgets ------------------------------------------------------------- */

static void
S_hit(struct plugins *p, enum limit l, int line)
{
	if (p->hit == LIMIT_NONE) {
		p->hit = l;
		p->hit_line = line;
	}
}

/* A refused allocation is not yet the memory limit hit: Lua answers it with
 * an emergency collection and asks the same again, having only freed in
 * between. The limit is hit when the second answer is no too, or when Lua
 * asks for something else instead (it gave up). */
static void *
S_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct plugins *p = ud;
	size_t old = ptr != NULL ? osize : 0;
	int again = 0;
	void *q;

	if (nsize == 0) {
		free(ptr);
		p->mem_used -= old;
		return NULL;
	}
	if (nsize > old && p->refused.pending) {
		again = ptr == p->refused.ptr && osize == p->refused.osize && nsize == p->refused.nsize;
		p->refused.pending = 0;
		if (!again)
			S_hit(p, LIMIT_MEMORY, 0);
	}
	if (nsize > old && p->mem_limit != 0 && p->mem_used + (nsize - old) > p->mem_limit) {
		if (again) {
			S_hit(p, LIMIT_MEMORY, 0);
		} else {
			p->refused.ptr = ptr;
			p->refused.osize = osize;
			p->refused.nsize = nsize;
			p->refused.pending = 1;
		}
		return NULL;
	}
	q = realloc(ptr, nsize);
	if (q == NULL)
		return NULL;
	p->mem_used = p->mem_used - old + nsize;
	return q;
}

/* How a diagnostic or an error names limit l. */
static void
S_limit_text(const struct plugins *p, enum limit l, char *buf, size_t size)
{
	switch (l) {
	case LIMIT_INSTRUCTIONS:
		snprintf(buf, size, "instruction limit of %lld reached", p->max_instructions);
		break;
	case LIMIT_MEMORY:
		snprintf(buf, size, "memory limit of %zu MiB reached", p->max_memory >> 20);
		break;
	case LIMIT_REPORTS:
		snprintf(buf, size, "report limit of %ld reached", p->max_reports);
		break;
	default:
		snprintf(buf, size, "no limit");
		break;
	}
}

/* The line of the plugin's own code that runs (the innermost), or 0. */
static int
S_where(lua_State *L)
{
	struct plugins *p = S_self(L);
	lua_Debug ar;

	for (int level = 0; p->cur_source != NULL && lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 &&
		    strcmp(ar.source, p->cur_source) == 0)
			return ar.currentline;
	return 0;
}

/* Raise the error of limit l, exceeded here. */
static int
S_exceeded(lua_State *L, enum limit l)
{
	struct plugins *p = S_self(L);
	char what[64];

	S_hit(p, l, S_where(L));
	S_limit_text(p, l, what, sizeof(what));
	return luaL_error(L, "%s", what);
}

static void
S_hook(lua_State *L, lua_Debug *ar)
{
	struct plugins *p = S_self(L);

	(void)ar;
	p->count += HOOK_EVERY;
	if (p->count_limit > 0 && p->count > p->count_limit) {
		/* from now on at every instruction, in this and every thread */
		lua_sethook(L, S_hook, LUA_MASKCOUNT, 1);
		S_exceeded(L, LIMIT_INSTRUCTIONS);
	}
}

static void
S_budget_start(struct plugins *p)
{
	if (p->mem_used > (size_t)32 << 20)
		lua_gc(p->L, LUA_GCCOLLECT); /* the last rule's garbage is not this one's */
	p->count = 0;
	p->count_limit = p->max_instructions;
	p->refused.pending = 0;
	p->hit = LIMIT_NONE;
	p->hit_line = 0;
	p->report_bytes = 0;
	p->mem_limit = p->mem_used + p->max_memory;
	lua_sethook(p->L, S_hook, LUA_MASKCOUNT, HOOK_EVERY);
}

static void
S_budget_stop(struct plugins *p)
{
	lua_sethook(p->L, NULL, 0, 0);
	p->count_limit = 0;
	p->mem_limit = 0;
	lua_settop(p->L, 0);
}

/* The message handler: remember the line of the plugin's own code where the
 * error happened, and strip the "file:line: " that Lua put in front. */
static int
S_msgh(lua_State *L)
{
	struct plugins *p = S_self(L);
	const char *msg;

	p->err_line = S_where(L);
	msg = lua_tostring(L, 1);
	if (msg == NULL) {
		lua_pushstring(L, "an error object that is not a string");
		return 1;
	}
	if (p->cur_source != NULL) {
		size_t n = strlen(p->cur_source + 1);
		if (strncmp(msg, p->cur_source + 1, n) == 0 && msg[n] == ':') {
			const char *q = msg + n + 1;
			while (*q >= '0' && *q <= '9')
				q++;
			if (q > msg + n + 1 && q[0] == ':' && q[1] == ' ')
				msg = q + 2;
		}
	}
	lua_pushstring(L, msg);
	return 1;
}

/* Call the function below nargs arguments on the stack, protected, with the
 * budgets on. If it fails, or exceeded a budget even though it caught the
 * error, push a `plugin` diagnostic (naming the first budget exceeded) and
 * return a failure status; else LUA_OK. */
static int
S_call(struct plugins *p, int nargs, int nres, const char *file, int defline, const char *what)
{
	lua_State *L = p->L;
	int base = lua_gettop(L) - nargs, rc;

	lua_pushcfunction(L, S_msgh);
	lua_insert(L, base);
	p->err_line = 0;
	S_budget_start(p);
	rc = lua_pcall(L, nargs, nres, base);
	lua_sethook(L, NULL, 0, 0);
	if (p->refused.pending || rc == LUA_ERRMEM)
		S_hit(p, LIMIT_MEMORY, 0);
	p->refused.pending = 0;
	if (rc != LUA_OK || p->hit != LIMIT_NONE) {
		const char *msg = rc != LUA_OK ? lua_tostring(L, -1) : NULL, *more;
		int line = p->err_line;
		char limit[64];
		size_t len;
		if (p->hit != LIMIT_NONE) {
			/* where the limit's own error ended the run, Lua said
			 * where; else where the limit was hit, if known */
			S_limit_text(p, p->hit, limit, sizeof(limit));
			if (msg == NULL || strcmp(msg, limit) != 0)
				line = p->hit_line;
			msg = limit;
		}
		if (msg == NULL)
			msg = "error";
		len = S_cut(msg, strlen(msg), &more);
		diag_add(p->d, R_PLUGIN, file, line ? line : defline, 1, "%s: %.*s%s", what,
		    (int)len, msg, more);
		if (rc == LUA_OK)
			rc = LUA_ERRRUN;
	}
	lua_remove(L, base); /* the handler */
	p->count_limit = 0;
	p->mem_limit = 0;
	return rc;
}

/* ---- read-only proxies ---------------------------------------------------- */

static const char S_ro_key[] = "__ismsc_readonly";

static int
S_ro_newindex(lua_State *L)
{
	return luaL_error(L, "the model and the libraries are read-only");
}

/* The real table behind the proxy at idx (pushed), or nil. */
static void
S_real(lua_State *L, int idx)
{
	if (!lua_getmetatable(L, idx)) {
		lua_pushnil(L);
		return;
	}
	lua_getfield(L, -1, "__index");
	lua_remove(L, -2);
}

static int
S_ro_len(lua_State *L)
{
	S_real(L, 1);
	lua_pushinteger(L, lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0);
	return 1;
}

static int
S_ro_next(lua_State *L)
{
	S_real(L, 1);
	if (!lua_istable(L, -1))
		return 0;
	lua_pushvalue(L, 2);
	if (lua_next(L, -2))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int
S_ro_pairs(lua_State *L)
{
	lua_pushcfunction(L, S_ro_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Replace the table on top of the stack by a read-only proxy of it. */
static void
S_proxy(lua_State *L)
{
	lua_newtable(L);                 /* real proxy */
	lua_createtable(L, 0, 6);        /* real proxy mt */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, S_ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, S_ro_len);
	lua_setfield(L, -2, "__len");
	lua_pushcfunction(L, S_ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, S_ro_key);
	lua_setmetatable(L, -2);
	lua_remove(L, -2);
}

static int
S_is_proxy(lua_State *L, int idx)
{
	int yes;

	if (!lua_getmetatable(L, idx))
		return 0;
	yes = lua_getfield(L, -1, S_ro_key) != LUA_TNIL;
	lua_pop(L, 2);
	return yes;
}

/* ---- the model in Lua ------------------------------------------------------
 *
 * The model is not copied into Lua: `isms` and everything under it are
 * views, small userdata that read the C model when indexed. Building them
 * costs nothing up front, and a view is read-only by construction (rawset
 * and setmetatable need a table). Each C object has one view per run, kept
 * in a cache, so that isms.by_id[x] == isms.risks[i] holds. Views answer
 * indexing, #, ipairs and pairs like tables. */

enum vtag {
	V_ISMS, V_ENTLIST, V_BYID, V_ENTITY, V_NODE, V_REFS, V_REFERRERS, V_CATALOG,
	V_CATENTRY, V_KINDS, V_KIND, V_FIELDS, V_FIELD, V_SETTINGS, V__N
};

struct view {
	enum vtag tag;
	const void *ptr;              /* the C object */
	const struct fielddef *f;     /* V_NODE: how its items are typed, or NULL */
	int list;                     /* V_NODE: a scalar counts as a list of one */
	const void *const *items;     /* V_ENTLIST, V_REFS, V_REFERRERS */
	size_t n;
};

static const char *const S_vnames[V__N] = {
	"ismsc.isms", "ismsc.entlist", "ismsc.byid", "ismsc.entity", "ismsc.node", "ismsc.refs",
	"ismsc.referrers", "ismsc.catalog", "ismsc.catentry", "ismsc.kinds", "ismsc.kind",
	"ismsc.fields", "ismsc.field", "ismsc.settings",
};

static const char *const S_ftypes[] = {"string", "integer", "number", "boolean", "date", "ref",
    "list", "map"};

static void S_push_view(lua_State *L, enum vtag tag, const void *ptr, const struct fielddef *f,
    int list);

/* A value of type t (typed by f), or a view for what is not a scalar. */
static void
S_push_typed(lua_State *L, const struct fielddef *f, enum ftype t, const struct ynode *n)
{
	long iv;
	double dv;
	int bv;

	if (n == NULL || ynode_is_null(n)) {
		lua_pushnil(L);
		return;
	}
	if (n->type != YNODE_SCALAR) {
		S_push_view(L, V_NODE, n, t == FT_MAP ? f : NULL, 0);
		return;
	}
	if (f == NULL) { /* no schema: as YAML types it */
		if (yvalue_int(n, &iv) == 0)
			lua_pushinteger(L, iv);
		else if (yvalue_bool(n, &bv) == 0)
			lua_pushboolean(L, bv);
		else if (yvalue_number(n, &dv) == 0)
			lua_pushnumber(L, dv);
		else
			lua_pushlstring(L, n->str, n->len);
		return;
	}
	if ((t == FT_INTEGER || t == FT_NUMBER) && yvalue_int(n, &iv) == 0)
		lua_pushinteger(L, iv);
	else if (t == FT_NUMBER && yvalue_number(n, &dv) == 0)
		lua_pushnumber(L, dv);
	else if (t == FT_BOOLEAN && yvalue_bool(n, &bv) == 0)
		lua_pushboolean(L, bv);
	else
		lua_pushlstring(L, n->str, n->len);
}

/* A field of an entity, as its schema types it: a list field is always a list. */
static void
S_push_field(lua_State *L, const struct fielddef *f, const struct ynode *n)
{
	if (f->type == FT_LIST || f->type == FT_REF)
		S_push_view(L, V_NODE, n, f, 1);
	else
		S_push_typed(L, f, f->type, n);
}

static int
S_reserved_key(const char *k)
{
	return !strcmp(k, "id") || !strcmp(k, "kind") || !strcmp(k, "file") || !strcmp(k, "line") ||
	    !strcmp(k, "refs") || !strcmp(k, "referrers");
}

/* The distinct ids an entity refers to, or that refer to it, in order. */
static void
S_idlist(struct plugins *p, const struct entity *e, int referrers, const void *const **out, size_t *n)
{
	size_t cap = referrers ? e->in.n : e->doc->nrefs, k = 0;
	const char **v = arena_alloc(&p->arena, (cap + 1) * sizeof(*v));
	struct hash seen;

	hash_init(&seen, 0);
	for (size_t i = 0; i < cap; i++) {
		const struct ref *r = referrers ? e->in.v[i] : &e->doc->refs[i];
		const char *id;
		if (referrers) {
			const struct entity *from = r->from->entity;
			if (from == NULL || !from->valid || from->duplicate)
				continue;
			id = from->id;
		} else {
			if (r->to == NULL && r->cat < 0)
				continue;
			id = r->to != NULL ? r->to->id : r->id;
		}
		if (hash_put(&seen, id, (void *)id) == NULL)
			v[k++] = id;
	}
	hash_free(&seen);
	*out = (const void *const *)v;
	*n = k;
}

static struct view *
S_view(lua_State *L, int idx)
{
	return lua_touserdata(L, idx);
}

static void
S_push_view(lua_State *L, enum vtag tag, const void *ptr, const struct fielddef *f, int list)
{
	struct plugins *p = S_self(L);
	struct view *v;

	/* the cache: one view per object and tag */
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->mt_ref[tag]);
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->cache_ref[tag]);
	lua_rawgetp(L, -1, ptr ? ptr : (const void *)p);
	if (!lua_isnil(L, -1)) {
		lua_replace(L, -3);
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	v = lua_newuserdatauv(L, sizeof(*v), 0);
	memset(v, 0, sizeof(*v));
	v->tag = tag;
	v->ptr = ptr;
	v->f = f;
	v->list = list;
	if (tag == V_ENTLIST) {
		const struct kinddef *kd = ptr;
		v->items = kd ? NULL : (const void *const *)p->all;
		v->n = kd ? 0 : p->nall;
		for (size_t k = 0; kd != NULL && k < p->in->schemas->n; k++)
			if (p->in->schemas->kinds[k] == kd) {
				v->items = (const void *const *)p->bykind[k];
				v->n = p->nbykind[k];
			}
	} else if (tag == V_REFS || tag == V_REFERRERS) {
		S_idlist(p, ptr, tag == V_REFERRERS, &v->items, &v->n);
	}
	lua_pushvalue(L, -3);
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, ptr ? ptr : (const void *)p);
	lua_replace(L, -3);
	lua_pop(L, 1);
}

/* The n-th item (1-based) of a list view; 0 when past its end. */
static int
S_list_item(lua_State *L, const struct view *v, lua_Integer i)
{
	const struct ynode *n = v->ptr;

	switch (v->tag) {
	case V_ENTLIST:
		if (i < 1 || (size_t)i > v->n)
			return 0;
		S_push_view(L, V_ENTITY, v->items[i - 1], NULL, 0);
		return 1;
	case V_REFS:
	case V_REFERRERS:
		if (i < 1 || (size_t)i > v->n)
			return 0;
		lua_pushstring(L, v->items[i - 1]);
		return 1;
	case V_NODE:
		if (n == NULL || i < 1)
			return 0;
		if (n->type == YNODE_SEQ) {
			if ((size_t)i > n->n)
				return 0;
			n = n->kids[i - 1];
		} else if (n->type != YNODE_SCALAR || !v->list || i != 1 || ynode_is_null(n)) {
			return 0;
		}
		if (v->f != NULL)
			S_push_typed(L, v->f, v->f->type == FT_REF ? FT_REF : v->f->of, n);
		else
			S_push_typed(L, NULL, FT_STRING, n);
		return 1;
	default:
		return 0;
	}
}

static lua_Integer
S_list_len(const struct view *v)
{
	const struct ynode *n = v->ptr;

	if (v->tag == V_NODE) {
		if (n == NULL)
			return 0;
		if (n->type == YNODE_SEQ)
			return (lua_Integer)n->n;
		return n->type == YNODE_SCALAR && v->list && !ynode_is_null(n) ? 1 : 0;
	}
	return (lua_Integer)v->n;
}

static const struct entity *
S_valid(const struct entity *e)
{
	return e != NULL && e->valid && !e->duplicate && e->kind != NULL ? e : NULL;
}

/* isms.add_months("YYYY-MM-DD", n): the date n months later, clamped to the
 * end of the month as review-overdue counts (date.c); nil for a bad date. */
static int
S_add_months(lua_State *L)
{
	size_t n;
	const char *s = lua_tolstring(L, 1, &n);
	int ok;
	lua_Integer months = lua_tointegerx(L, 2, &ok);
	date_t d;
	char out[11];

	if (s == NULL || !ok || months < -120000 || months > 120000 || date_parse(s, n, &d) != 0) {
		lua_pushnil(L);
		return 1;
	}
	date_format(date_add_months(d, (int)months), out);
	lua_pushstring(L, out);
	return 1;
}

/* isms.risk.score(likelihood, impact): the score under the project's
 * scoring (product or matrix); nil when either is not an integer. */
static int
S_risk_score(lua_State *L)
{
	struct plugins *p = S_self(L);
	int ok1, ok2;
	lua_Integer l = lua_tointegerx(L, 1, &ok1), i = lua_tointegerx(L, 2, &ok2);

	if (!ok1 || !ok2 || l < -1000000 || l > 1000000 || i < -1000000 || i > 1000000)
		lua_pushnil(L);
	else
		lua_pushinteger(L, config_risk_score(p->in->config, (long)l, (long)i));
	return 1;
}

/* isms.risk.level(score): the name of the level band the score falls in. */
static int
S_risk_level(lua_State *L)
{
	struct plugins *p = S_self(L);
	int ok;
	lua_Integer s = lua_tointegerx(L, 1, &ok);

	if (!ok)
		lua_pushnil(L);
	else
		lua_pushstring(L, config_risk_level(p->in->config, s < LONG_MIN / 2 ? LONG_MIN / 2 :
		    s > LONG_MAX / 2 ? LONG_MAX / 2 : (long)s)->name);
	return 1;
}

/* t[key] for every kind of view; pushes one value. */
static int
S_index(lua_State *L)
{
	struct plugins *p = S_self(L);
	const struct view *v = S_view(L, 1);
	const struct schemas *sch = p->in->schemas;
	const char *k;

	if (lua_type(L, 2) == LUA_TNUMBER) {
		lua_Integer i = lua_tointeger(L, 2);
		if (!S_list_item(L, v, i))
			lua_pushnil(L);
		return 1;
	}
	if (lua_type(L, 2) != LUA_TSTRING) {
		lua_pushnil(L);
		return 1;
	}
	k = lua_tostring(L, 2);
	switch (v->tag) {
	case V_ISMS: {
		char date[11];
		if (!strcmp(k, "entities")) {
			S_push_view(L, V_ENTLIST, NULL, NULL, 0);
		} else if (!strcmp(k, "by_id")) {
			S_push_view(L, V_BYID, NULL, NULL, 0);
		} else if (!strcmp(k, "catalog")) {
			S_push_view(L, V_CATALOG, NULL, NULL, 0);
		} else if (!strcmp(k, "kinds")) {
			S_push_view(L, V_KINDS, NULL, NULL, 0);
		} else if (!strcmp(k, "risk")) {
			S_push_view(L, V_SETTINGS, NULL, NULL, 0);
		} else if (!strcmp(k, "as_of")) {
			date_format(p->in->as_of, date);
			lua_pushstring(L, date);
		} else if (!strcmp(k, "review_interval_months")) {
			lua_pushinteger(L, p->in->config->review_interval_months);
		} else if (!strcmp(k, "audit_interval_months")) {
			lua_pushinteger(L, p->in->config->audit_interval_months);
		} else if (!strcmp(k, "add_months")) {
			lua_pushcfunction(L, S_add_months);
		} else if (!strcmp(k, "config")) {
			S_push_view(L, V_NODE, p->in->config->root, NULL, 0);
		} else {
			lua_pushnil(L);
			for (size_t i = 0; i < sch->n; i++)
				if (!strcmp(sch->kinds[i]->plural, k)) {
					lua_pop(L, 1);
					S_push_view(L, V_ENTLIST, sch->kinds[i], NULL, 0);
					break;
				}
		}
		return 1;
	}
	case V_BYID: {
		const struct entity *e = S_valid(model_find(p->in->model, k));
		if (e != NULL)
			S_push_view(L, V_ENTITY, e, NULL, 0);
		else
			lua_pushnil(L);
		return 1;
	}
	case V_ENTITY: {
		const struct entity *e = v->ptr;
		const struct fielddef *f;
		if (!strcmp(k, "id"))
			lua_pushstring(L, e->id);
		else if (!strcmp(k, "kind"))
			lua_pushstring(L, e->kind->name);
		else if (!strcmp(k, "file"))
			lua_pushstring(L, e->doc->path);
		else if (!strcmp(k, "line"))
			lua_pushinteger(L, e->id_node->line);
		else if (!strcmp(k, "refs"))
			S_push_view(L, V_REFS, e, NULL, 0);
		else if (!strcmp(k, "referrers"))
			S_push_view(L, V_REFERRERS, e, NULL, 0);
		else if ((f = kind_field(e->kind, k)) != NULL)
			S_push_field(L, f, entity_get(e, k));
		else
			S_push_typed(L, NULL, FT_STRING, entity_get(e, k));
		return 1;
	}
	case V_NODE: {
		const struct ynode *n = v->ptr, *val = ynode_get(n, k);
		const struct fielddef *sub = NULL;
		for (size_t j = 0; v->f != NULL && j < v->f->nfields && sub == NULL; j++)
			if (!strcmp(v->f->fields[j]->name, k))
				sub = v->f->fields[j];
		if (sub != NULL)
			S_push_field(L, sub, val);
		else
			S_push_typed(L, NULL, FT_STRING, val);
		return 1;
	}
	case V_CATALOG: {
		int i = catalog_find(&sch->cat, k);
		if (i >= 0)
			S_push_view(L, V_CATENTRY, &sch->cat.v[i], NULL, 0);
		else
			lua_pushnil(L);
		return 1;
	}
	case V_CATENTRY: {
		const struct catalog_control *cc = v->ptr;
		if (!strcmp(k, "id"))
			lua_pushstring(L, cc->id);
		else if (!strcmp(k, "title"))
			lua_pushstring(L, cc->title);
		else if (!strcmp(k, "theme"))
			lua_pushstring(L, cc->theme);
		else
			lua_pushnil(L);
		return 1;
	}
	case V_KINDS: {
		const struct kinddef *kd = schemas_kind(sch, k);
		if (kd != NULL)
			S_push_view(L, V_KIND, kd, NULL, 0);
		else
			lua_pushnil(L);
		return 1;
	}
	case V_KIND: {
		const struct kinddef *kd = v->ptr;
		if (!strcmp(k, "name"))
			lua_pushstring(L, kd->name);
		else if (!strcmp(k, "plural"))
			lua_pushstring(L, kd->plural);
		else if (!strcmp(k, "fields"))
			S_push_view(L, V_FIELDS, kd, NULL, 0);
		else
			lua_pushnil(L);
		return 1;
	}
	case V_FIELDS: {
		const struct fielddef *f = kind_field(v->ptr, k);
		if (f != NULL)
			S_push_view(L, V_FIELD, f, NULL, 0);
		else
			lua_pushnil(L);
		return 1;
	}
	case V_FIELD: {
		const struct fielddef *f = v->ptr;
		if (!strcmp(k, "name"))
			lua_pushstring(L, f->name);
		else if (!strcmp(k, "type"))
			lua_pushstring(L, S_ftypes[f->type]);
		else if (!strcmp(k, "required"))
			lua_pushboolean(L, f->required);
		else if (!strcmp(k, "kind") && f->kind != NULL)
			lua_pushstring(L, f->kind);
		else
			lua_pushnil(L);
		return 1;
	}
	case V_SETTINGS:
		if (!strcmp(k, "scale"))
			lua_pushinteger(L, p->in->config->risk_scale);
		else if (!strcmp(k, "appetite"))
			lua_pushinteger(L, p->in->config->risk_appetite);
		else if (!strcmp(k, "scoring"))
			lua_pushstring(L, p->in->config->risk_matrix != NULL ? "matrix" : "product");
		else if (!strcmp(k, "score"))
			lua_pushcfunction(L, S_risk_score);
		else if (!strcmp(k, "level"))
			lua_pushcfunction(L, S_risk_level);
		else
			lua_pushnil(L);
		return 1;
	default:
		lua_pushnil(L);
		return 1;
	}
}

static int
S_len(lua_State *L)
{
	lua_pushinteger(L, S_list_len(S_view(L, 1)));
	return 1;
}

/* The pos-th key of a view that is a map (1-based); 0 past the end. */
static int
S_key_at(lua_State *L, const struct view *v, lua_Integer pos)
{
	struct plugins *p = S_self(L);
	const struct schemas *sch = p->in->schemas;
	static const char *const isms_keys[] = {"entities", "by_id", "catalog", "kinds", "as_of",
	    "config", "risk", "review_interval_months", "audit_interval_months", "add_months", NULL};
	static const char *const entity_keys[] = {"id", "kind", "file", "line", "refs", "referrers", NULL};
	static const char *const cat_keys[] = {"id", "title", "theme", NULL};
	static const char *const kind_keys[] = {"name", "plural", "fields", NULL};
	static const char *const field_keys[] = {"name", "type", "required", "kind", NULL};
	static const char *const settings_keys[] = {"scale", "appetite", "scoring", "score", "level",
	    NULL};
	const char *const *fixed = NULL;
	lua_Integer nfixed = 0;

	switch (v->tag) {
	case V_ISMS: fixed = isms_keys; break;
	case V_ENTITY: fixed = entity_keys; break;
	case V_CATENTRY: fixed = cat_keys; break;
	case V_KIND: fixed = kind_keys; break;
	case V_FIELD: fixed = field_keys; break;
	case V_SETTINGS: fixed = settings_keys; break;
	default: break;
	}
	while (fixed != NULL && fixed[nfixed] != NULL)
		nfixed++;
	if (pos <= nfixed) {
		lua_pushstring(L, fixed[pos - 1]);
		return 1;
	}
	pos -= nfixed;
	switch (v->tag) {
	case V_ISMS:
		if ((size_t)pos > sch->n)
			return 0;
		lua_pushstring(L, sch->kinds[pos - 1]->plural);
		return 1;
	case V_ENTITY: {
		const struct entity *e = v->ptr;
		const struct ynode *fm = e->fm;
		/* the front matter's keys in order, less those with fixed names */
		for (size_t i = 0; fm != NULL && i + 1 < fm->n; i += 2) {
			const struct ynode *key = fm->kids[i];
			if (key->type != YNODE_SCALAR || S_reserved_key(key->str) || ynode_is_null(fm->kids[i + 1]))
				continue;
			if (--pos == 0) {
				lua_pushstring(L, key->str);
				return 1;
			}
		}
		return 0;
	}
	case V_NODE: {
		const struct ynode *n = v->ptr;
		if (n == NULL || n->type != YNODE_MAP || (size_t)pos * 2 > n->n)
			return 0;
		if (n->kids[2 * (pos - 1)]->type != YNODE_SCALAR)
			lua_pushboolean(L, 0); /* a complex key: keeps the walk going */
		else
			lua_pushstring(L, n->kids[2 * (pos - 1)]->str);
		return 1;
	}
	case V_BYID:
		if ((size_t)pos > p->nall)
			return 0;
		lua_pushstring(L, p->all[pos - 1]->id);
		return 1;
	case V_CATALOG:
		if ((size_t)pos > sch->cat.n)
			return 0;
		lua_pushstring(L, sch->cat.v[pos - 1].id);
		return 1;
	case V_KINDS:
		if ((size_t)pos > sch->n)
			return 0;
		lua_pushstring(L, sch->kinds[pos - 1]->name);
		return 1;
	case V_FIELDS: {
		const struct kinddef *kd = v->ptr;
		if ((size_t)pos > kd->n)
			return 0;
		lua_pushstring(L, kd->fields[pos - 1]->name);
		return 1;
	}
	default:
		return 0;
	}
}

/* The iterator of pairs(): its position is an upvalue. */
static int
S_iter(lua_State *L)
{
	const struct view *v = S_view(L, 1);
	lua_Integer pos = lua_tointeger(L, lua_upvalueindex(1));

	for (;;) {
		pos++;
		lua_pushinteger(L, pos);
		lua_replace(L, lua_upvalueindex(1));
		if (v->tag == V_ENTLIST || v->tag == V_REFS || v->tag == V_REFERRERS ||
		    (v->tag == V_NODE && (v->ptr == NULL || ((const struct ynode *)v->ptr)->type != YNODE_MAP))) {
			lua_pushinteger(L, pos);
			if (!S_list_item(L, v, pos))
				return 0;
			return 2;
		}
		lua_settop(L, 1);
		if (!S_key_at(L, v, pos))
			return 0;
		if (lua_type(L, -1) != LUA_TSTRING) {
			lua_pop(L, 1);
			continue;
		}
		lua_pushvalue(L, 1);
		lua_pushvalue(L, -2);
		lua_pushcfunction(L, S_index);
		lua_insert(L, -3);
		lua_call(L, 2, 1);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 2);
			continue;
		}
		return 2;
	}
}

static int
S_pairs(lua_State *L)
{
	luaL_checkudata(L, 1, S_vnames[S_view(L, 1)->tag]);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, S_iter, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int
S_tostring(lua_State *L)
{
	const struct view *v = S_view(L, 1);

	if (v->tag == V_ENTITY)
		lua_pushfstring(L, "%s %s", ((const struct entity *)v->ptr)->kind->name,
		    ((const struct entity *)v->ptr)->id);
	else
		lua_pushfstring(L, "%s", S_vnames[v->tag] + 6);
	return 1;
}

/* The metatables of the views (protected call). */
static int
S_open_views(lua_State *L)
{
	struct plugins *p = S_self(L);

	for (int t = 0; t < V__N; t++) {
		luaL_newmetatable(L, S_vnames[t]);
		lua_pushcfunction(L, S_index);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, S_ro_newindex);
		lua_setfield(L, -2, "__newindex");
		lua_pushcfunction(L, S_len);
		lua_setfield(L, -2, "__len");
		lua_pushcfunction(L, S_pairs);
		lua_setfield(L, -2, "__pairs");
		lua_pushcfunction(L, S_tostring);
		lua_setfield(L, -2, "__tostring");
		lua_pushliteral(L, "read-only");
		lua_setfield(L, -2, "__metatable");
		lua_newtable(L); /* the cache, weak: a view lives while Lua holds it */
		lua_createtable(L, 0, 1);
		lua_pushliteral(L, "v");
		lua_setfield(L, -2, "__mode");
		lua_setmetatable(L, -2);
		lua_pushvalue(L, -1);
		p->cache_ref[t] = luaL_ref(L, LUA_REGISTRYINDEX);
		lua_setfield(L, -2, "cache");
		p->mt_ref[t] = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	return 0;
}

/* The entity lists, in file order, of the valid entities (once per run). */
static void
S_lists(struct plugins *p)
{
	const struct model *m = p->in->model;
	const struct schemas *sch = p->in->schemas;

	p->all = arena_alloc(&p->arena, (m->n + 1) * sizeof(*p->all));
	p->bykind = arena_alloc(&p->arena, (sch->n + 1) * sizeof(*p->bykind));
	p->nbykind = arena_alloc(&p->arena, (sch->n + 1) * sizeof(*p->nbykind));
	for (size_t i = 0; i < m->n; i++)
		if (S_valid(m->entities[i]))
			p->all[p->nall++] = m->entities[i];
	for (size_t k = 0; k < sch->n; k++) {
		p->bykind[k] = arena_alloc(&p->arena, (p->nall + 1) * sizeof(**p->bykind));
		for (size_t i = 0; i < p->nall; i++)
			if (p->all[i]->kind == sch->kinds[k])
				p->bykind[k][p->nbykind[k]++] = p->all[i];
	}
}

/* ---- the sandbox ---------------------------------------------------------- */

static int
S_rawset(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (S_is_proxy(L, 1))
		return luaL_error(L, "the model and the libraries are read-only");
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

static int
S_collectgarbage(lua_State *L)
{
	static const char *const allowed[] = {"count", "collect", "step", "isrunning", NULL};
	const char *opt = luaL_optstring(L, 1, "collect");

	for (int i = 0; allowed[i]; i++)
		if (strcmp(opt, allowed[i]) == 0) {
			lua_pushvalue(L, lua_upvalueindex(1));
			lua_insert(L, 1);
			lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
			return lua_gettop(L);
		}
	return luaL_error(L, "collectgarbage('%s') is not allowed in a plugin", opt);
}

/* load(chunk [, name [, mode [, env]]]): text only, in the plugin's env. */
static int
S_load(lua_State *L)
{
	int n = lua_gettop(L);

	lua_settop(L, 4);
	lua_pushliteral(L, "t");
	lua_replace(L, 3);
	if (n < 4) {
		lua_pushvalue(L, lua_upvalueindex(2));
		lua_replace(L, 4);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 4, LUA_MULTRET);
	return lua_gettop(L);
}

static int
S_os_time(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int
S_os_date(lua_State *L)
{
	luaL_checkstring(L, 1);
	luaL_checkinteger(L, 2);
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

/* A key of a table, as S_sorted_pairs sorts it. */
struct pkey {
	int rank;              /* numbers, strings, false, true, the rest */
	int isint;
	lua_Integer i;
	lua_Number d;
	const char *s;         /* anchored by the table of keys */
	size_t len;
	lua_Integer pos;       /* in Lua's order: the rest keep it */
};

/* An integer against a float, exactly (as doubles, 2^63 - 1 and 2^63 are
 * one number): -1, 0 or 1. */
static int
S_int_float(lua_Integer i, lua_Number d)
{
	lua_Number f;

	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	f = floor(d);
	if (i != (lua_Integer)f)
		return i < (lua_Integer)f ? -1 : 1;
	return d > f ? -1 : 0;
}

static int
S_pkey_cmp(const void *pa, const void *pb)
{
	const struct pkey *a = pa, *b = pb;
	int c;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->rank == 0 && a->isint && b->isint && a->i != b->i)
		return a->i < b->i ? -1 : 1;
	if (a->rank == 0 && a->isint != b->isint &&
	    (c = a->isint ? S_int_float(a->i, b->d) : -S_int_float(b->i, a->d)) != 0)
		return c;
	if (a->rank == 0 && !a->isint && !b->isint && a->d != b->d)
		return a->d < b->d ? -1 : 1;
	if (a->rank == 1) {
		c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
		if (c != 0 || a->len != b->len)
			return c != 0 ? c : a->len < b->len ? -1 : 1;
	}
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* The iterator of S_sorted_pairs: upvalues are the table, its keys in order and
 * the position; a key removed during the loop is passed over. */
static int
S_sorted_next(lua_State *L)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));

	for (;;) {
		lua_pushinteger(L, ++i);
		lua_replace(L, lua_upvalueindex(3));
		if (lua_rawgeti(L, lua_upvalueindex(2), i) == LUA_TNIL)
			return 1;                                   /* the end: nil */
		lua_pushvalue(L, -1);
		if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
			return 2;                                   /* key, value */
		lua_pop(L, 2);
	}
}

/* pairs, in the same order on every run. Lua's own follows the hashes of
 * string keys, which are seeded afresh for each state, and SPEC §5 wants a
 * rule's result to depend on the source and as_of alone. A value with
 * __pairs keeps its own (the model's views); a table's keys are sorted:
 * numbers, strings (byte order), false, true, then the rest in Lua's
 * order. Memory for the sort is Lua's, within the rule's budget. */
static int
S_sorted_pairs(lua_State *L)
{
	lua_Integer n = 0;
	struct pkey *k;

	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_newtable(L);                                        /* 2: keys, Lua's order */
	lua_pushnil(L);
	while (lua_next(L, 1) != 0) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_rawseti(L, 2, ++n);
	}
	k = lua_newuserdatauv(L, (size_t)n * sizeof(*k) + 1, 0); /* 3 */
	for (lua_Integer i = 0; i < n; i++) {
		struct pkey *p = &k[i];
		memset(p, 0, sizeof(*p));
		p->pos = i + 1;
		switch (lua_rawgeti(L, 2, i + 1)) {
		case LUA_TNUMBER:
			p->isint = lua_isinteger(L, -1);
			p->i = lua_tointeger(L, -1);
			p->d = lua_tonumber(L, -1);
			break;
		case LUA_TSTRING:
			p->rank = 1;
			p->s = lua_tolstring(L, -1, &p->len);
			break;
		case LUA_TBOOLEAN:
			p->rank = 2 + lua_toboolean(L, -1);
			break;
		default:
			p->rank = 4;
			break;
		}
		lua_pop(L, 1);
	}
	qsort(k, (size_t)n, sizeof(*k), S_pkey_cmp);
	lua_createtable(L, (int)(n < INT_MAX ? n : INT_MAX), 0); /* 4: keys, sorted */
	for (lua_Integer i = 0; i < n; i++) {
		lua_rawgeti(L, 2, k[i].pos);
		lua_rawseti(L, 4, i + 1);
	}
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 4);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, S_sorted_next, 3);
	return 1;
}

/* Whether the value at idx is one of the model's views (read-only userdata
 * whose metatable is named "ismsc.*"). */
static int
S_is_view(lua_State *L, int idx)
{
	int yes = 0;

	if (lua_type(L, idx) == LUA_TUSERDATA && luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
		yes = strncmp(lua_tostring(L, -1), "ismsc.", 6) == 0;
		lua_pop(L, 1);
	}
	return yes;
}

/* type: "table" for the model's views, which SPEC §5 gives "in natural Lua
 * types" (they are read-only userdata underneath). */
static int
S_type(lua_State *L)
{
	luaL_checkany(L, 1);
	lua_pushstring(L, S_is_view(L, 1) ? "table" : luaL_typename(L, 1));
	return 1;
}

/* next, for the views too (Lua's refuses what is no table): their own order
 * walked from the start to the key given, so that next(t) == nil, the usual
 * test of emptiness, costs one step. */
static int
S_next(lua_State *L)
{
	int found;

	if (!S_is_view(L, 1)) {
		lua_pushvalue(L, lua_upvalueindex(1));
		lua_insert(L, 1);
		lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
		return lua_gettop(L);
	}
	lua_settop(L, 2);
	found = lua_isnil(L, 2);
	luaL_getmetafield(L, 1, "__pairs");
	lua_pushvalue(L, 1);
	lua_call(L, 1, 3);                                 /* 3 iterator, 4 state, 5 control */
	for (;;) {
		lua_pushvalue(L, 3);
		lua_pushvalue(L, 4);
		lua_pushvalue(L, 5);
		lua_call(L, 2, 2);                             /* 6 key, 7 value */
		if (lua_isnil(L, 6) || found)
			return lua_isnil(L, 6) ? 1 : 2;
		found = lua_rawequal(L, 6, 2);
		lua_pop(L, 1);
		lua_replace(L, 5);
	}
}

/* math.random, one generator per plugin file. Lua has one per state, which
 * the files would share: what one file drew or seeded would change what
 * another gets, and SPEC §5 gives each file its own environment. This is
 * Lua 5.4's generator (xoshiro256**), seeded, drawn and projected onto a
 * range as lmathlib does, so a file draws what Lua's math.random would
 * after math.randomseed(27001). */
struct rng {
	uint64_t s[4];
};

static uint64_t
S_rotl(uint64_t x, int n)
{
	return (x << n) | (x >> (64 - n));
}

static uint64_t
S_rng_next(struct rng *g)
{
	uint64_t *s = g->s, r = S_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = S_rotl(s[3], 45);
	return r;
}

static void
S_rng_seed(struct rng *g, lua_Integer n1, lua_Integer n2)
{
	g->s[0] = (uint64_t)n1;
	g->s[1] = 0xff; /* not all zero */
	g->s[2] = (uint64_t)n2;
	g->s[3] = 0;
	for (int i = 0; i < 16; i++)
		S_rng_next(g); /* spread the seed */
}

/* math.random([m [, n]]): a float in [0, 1), an integer in [1, m] or
 * [m, n], or any integer for random(0); the generator is upvalue 1. */
static int
S_random(lua_State *L)
{
	struct rng *g = lua_touserdata(L, lua_upvalueindex(1));
	uint64_t r = S_rng_next(g), n, lim;
	lua_Integer low, up;

	switch (lua_gettop(L)) {
	case 0:
		lua_pushnumber(L, (lua_Number)(r >> 11) * 0x1p-53); /* 53 bits */
		return 1;
	case 1:
		low = 1;
		up = luaL_checkinteger(L, 1);
		if (up == 0) {
			lua_pushinteger(L, (lua_Integer)r);
			return 1;
		}
		break;
	case 2:
		low = luaL_checkinteger(L, 1);
		up = luaL_checkinteger(L, 2);
		break;
	default:
		return luaL_error(L, "wrong number of arguments");
	}
	luaL_argcheck(L, low <= up, 1, "interval is empty");
	/* onto [0, n] without bias: masked to the smallest 2^b - 1 not below
	 * n, drawn again while past n */
	n = (uint64_t)up - (uint64_t)low;
	lim = n;
	for (int b = 1; b < 64; b <<= 1)
		lim |= lim >> b;
	while ((r &= lim) > n)
		r = S_rng_next(g);
	lua_pushinteger(L, (lua_Integer)(r + (uint64_t)low));
	return 1;
}

/* math.randomseed(x [, y]) only with a seed: without one Lua seeds from
 * the clock, and a rule's result may depend on the source and as_of alone. */
static int
S_randomseed(lua_State *L)
{
	lua_Integer n1 = luaL_checkinteger(L, 1), n2 = luaL_optinteger(L, 2, 0);

	S_rng_seed(lua_touserdata(L, lua_upvalueindex(1)), n1, n2);
	lua_pushinteger(L, n1);
	lua_pushinteger(L, n2);
	return 2;
}

/* Replace the math library on top of the stack by a copy of it whose random
 * and randomseed share a generator of their own, seeded the same for all. */
static void
S_own_math(lua_State *L)
{
	struct rng *g;

	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, -3)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	g = lua_newuserdatauv(L, sizeof(*g), 0);
	S_rng_seed(g, 27001, 0);
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, S_random, 1);
	lua_setfield(L, -3, "random");
	lua_pushcclosure(L, S_randomseed, 1);
	lua_setfield(L, -2, "randomseed");
	lua_remove(L, -2);
}

/* setmetatable, refusing a metatable with __gc: a finalizer runs whenever
 * the collector gets to it, inside another rule's budget or when the state
 * is closed with none at all. Lua marks an object for finalization only if
 * its metatable has __gc when it is set, so a later __gc never runs. */
static int
S_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE); /* checked here, to be named in the error */
	luaL_argexpected(L, lua_type(L, 2) == LUA_TNIL || lua_type(L, 2) == LUA_TTABLE, 2,
	    "nil or table");
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: a plugin may not set __gc (a finalizer "
			    "would run outside its rule)");
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* Open the safe libraries and keep them in the registry (once per state). */
static int
S_open(lua_State *L)
{
	static const char *const base_ok[] = {"assert", "error", "getmetatable", "ipairs", "next",
	    "pairs", "pcall", "rawequal", "rawget", "rawlen", "select", "setmetatable",
	    "tonumber", "tostring", "type", "xpcall", "_VERSION", NULL};
	static const struct { const char *name; lua_CFunction open; } libs[] = {
		{"string", luaopen_string}, {"table", luaopen_table}, {"math", luaopen_math},
		{"utf8", luaopen_utf8}, {"coroutine", luaopen_coroutine},
	};

	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);  /* base */
	lua_newtable(L);                              /* base safe */
	for (int i = 0; base_ok[i]; i++) {
		lua_getfield(L, -2, base_ok[i]);
		lua_setfield(L, -2, base_ok[i]);
	}
	lua_pushcfunction(L, S_rawset);
	lua_setfield(L, -2, "rawset");
	lua_pushcfunction(L, S_sorted_pairs);
	lua_setfield(L, -2, "pairs");
	lua_getfield(L, -2, "next");
	lua_pushcclosure(L, S_next, 1);
	lua_setfield(L, -2, "next");
	lua_pushcfunction(L, S_type);
	lua_setfield(L, -2, "type");
	lua_getfield(L, -2, "setmetatable");
	lua_pushcclosure(L, S_setmetatable, 1);
	lua_setfield(L, -2, "setmetatable");
	lua_getfield(L, -2, "collectgarbage");
	lua_pushcclosure(L, S_collectgarbage, 1);
	lua_setfield(L, -2, "collectgarbage");
	lua_getfield(L, -2, "load");
	lua_setfield(L, LUA_REGISTRYINDEX, "ismsc.load");
	lua_setfield(L, LUA_REGISTRYINDEX, "ismsc.base");
	lua_pop(L, 1);

	lua_newtable(L); /* lib name -> real table */
	for (size_t i = 0; i < sizeof(libs) / sizeof(*libs); i++) {
		luaL_requiref(L, libs[i].name, libs[i].open, 0);
		lua_setfield(L, -2, libs[i].name);
	}
	/* Lua's math.random, seeded from the clock, is no plugin's: each file
	 * gets its own (S_own_math) */
	lua_getfield(L, -1, "math");
	lua_pushnil(L);
	lua_setfield(L, -2, "random");
	lua_pushnil(L);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	/* no string.dump, even through the string metatable; and lock that metatable */
	lua_getfield(L, -1, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_getfield(L, -1, "format");
	lua_setfield(L, LUA_REGISTRYINDEX, "ismsc.format");
	lua_pop(L, 1);
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	/* os: time(t) and date(fmt, t) only */
	luaL_requiref(L, "os", luaopen_os, 0);
	lua_createtable(L, 0, 2);
	lua_getfield(L, -2, "time");
	lua_pushcclosure(L, S_os_time, 1);
	lua_setfield(L, -2, "time");
	lua_getfield(L, -2, "date");
	lua_pushcclosure(L, S_os_date, 1);
	lua_setfield(L, -2, "date");
	lua_setfield(L, -3, "os");
	lua_pop(L, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "ismsc.libs");
	S_open_views(L);
	/* the globals of the state itself are not the plugins' */
	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, -4);
	}
	lua_pop(L, 1);
	return 0;
}

/* Push a new environment for one plugin file. */
static int
S_env(lua_State *L)
{
	lua_newtable(L);                                     /* env */
	lua_getfield(L, LUA_REGISTRYINDEX, "ismsc.base");
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -5);
	}
	lua_pop(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, "ismsc.libs");
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		/* a proxy of the library, this plugin's own: rawset on it cannot reach others */
		if (strcmp(lua_tostring(L, -2), "math") == 0)
			S_own_math(L);
		S_proxy(L);
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -5);
	}
	lua_pop(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, "ismsc.load");
	lua_pushvalue(L, -2);
	lua_pushcclosure(L, S_load, 2);
	lua_setfield(L, -2, "load");
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	return 1;
}

/* ---- the rule API ---------------------------------------------------------- */

static int
S_report(lua_State *L)
{
	struct plugins *p = S_self(L);
	const struct entity *e = NULL;
	const char *msg, *more;
	size_t len;
	int n = lua_gettop(L);

	if (p->cur_rule < 0)
		return luaL_error(L, "report() is only for a rule's check function");
	if (!lua_isnil(L, 1)) {
		const struct view *v = luaL_testudata(L, 1, S_vnames[V_ENTITY]);
		if (v == NULL)
			return luaL_argerror(L, 1, "an entity of isms, or nil");
		e = v->ptr;
	}
	luaL_checkstring(L, 2);
	lua_getfield(L, LUA_REGISTRYINDEX, "ismsc.format");
	lua_insert(L, 2);
	lua_call(L, n - 1, 1);
	msg = lua_tolstring(L, -1, &len);
	if (++p->reports > p->max_reports)
		return S_exceeded(L, LIMIT_REPORTS);
	/* what is kept of the message counts against the rule's memory */
	if (msg == NULL)
		msg = "", len = 0;
	len = S_cut(msg, len, &more);
	p->report_bytes += len + 64;
	if (p->mem_limit > 0 && p->report_bytes > p->max_memory)
		return S_exceeded(L, LIMIT_MEMORY);
	/* straight to the watch, so that a rule stopped later keeps what it
	 * reported, as one that errors does */
	pthread_mutex_lock(&p->lock);
	if (!p->abandoned) {
		if (e != NULL) {
			diag_add(&p->own, p->cur_rule, e->doc->path, e->id_node->line, e->id_node->col,
			    "%.*s%s", (int)len, msg, more);
		} else {
			const struct ynode *at = p->in->config->catalog_node;
			diag_add(&p->own, p->cur_rule, CONFIG_FILE, at ? at->line : 1, at ? at->col : 1,
			    "%.*s%s", (int)len, msg, more);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Keep the rule named id, whose check function is 4 below the top; its
 * number comes when it is bound (S_bind, on the caller's thread). */
static void
S_keep_rule(struct plugins *p, const char *id, enum severity sev, const char *desc, int envref,
    const char *file, const char *source, int line)
{
	struct prule *r;

	xgrow(&p->rules, &p->cap, p->n + 1, sizeof(*p->rules));
	r = &p->rules[p->n++];
	r->rule = -1;
	r->name = arena_strdup(&p->arena, id);
	r->sev = sev;
	r->desc = arena_strdup(&p->arena, desc);
	lua_pushvalue(p->L, -4); /* the check function */
	r->ref = luaL_ref(p->L, LUA_REGISTRYINDEX);
	r->envref = envref;
	r->file = file;
	r->source = source;
	r->line = line;
	r->opt = NULL;
	r->opttype = NULL;
	r->nopt = 0;
	r->declares = 0;
}

/* The options a rule declares, from the table on top of the stack (its
 * rule table): 0, or -1 when they are not names mapped to integer, number,
 * string or boolean. */
static int
S_take_options(struct plugins *p, struct prule *r)
{
	static const struct { const char *name; enum ftype t; } types[] = {
		{"integer", FT_INTEGER}, {"number", FT_NUMBER}, {"string", FT_STRING},
		{"boolean", FT_BOOLEAN},
	};
	lua_State *L = p->L;
	size_t n = 0;
	int rc = 0;

	lua_pushliteral(L, "options");
	if (lua_rawget(L, -2) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	r->declares = 1;
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		return -1;
	}
	for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
		n++;
	r->opt = arena_alloc(&p->arena, (n + 1) * sizeof(*r->opt));
	r->opttype = arena_alloc(&p->arena, (n + 1) * sizeof(*r->opttype));
	for (lua_pushnil(L); rc == 0 && lua_next(L, -2); lua_pop(L, 1)) {
		size_t k;
		if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
			rc = -1;
			continue;
		}
		for (k = 0; k < sizeof(types) / sizeof(*types); k++)
			if (strcmp(lua_tostring(L, -1), types[k].name) == 0)
				break;
		if (k == sizeof(types) / sizeof(*types)) {
			rc = -1;
			continue;
		}
		r->opt[r->nopt] = arena_strdup(&p->arena, lua_tostring(L, -2));
		r->opttype[r->nopt++] = types[k].t;
	}
	if (rc != 0)
		lua_pop(L, 1); /* the key the loop stopped at */
	lua_pop(L, 1);     /* the options */
	return rc;
}

/* Check the options isms.yaml gives rule r against those it declares: an
 * unknown one is field-unknown, a bad value a schema error at its place. */
static void
S_check_options(struct plugins *p, const struct prule *r, const struct ynode *opts)
{
	static const char *const what[] = {[FT_INTEGER] = "an integer", [FT_NUMBER] = "a number",
	    [FT_STRING] = "a scalar", [FT_BOOLEAN] = "true or false"};

	for (size_t i = 0; r->declares && opts != NULL && i + 1 < opts->n; i += 2) {
		const struct ynode *k = opts->kids[i], *v = opts->kids[i + 1], *at = ynode_at(k, v);
		long iv;
		double dv;
		int bv, ok;
		size_t j;
		if (k->type != YNODE_SCALAR || strcmp(k->str, "severity") == 0)
			continue;
		for (j = 0; j < r->nopt && strcmp(r->opt[j], k->str) != 0; j++)
			;
		if (j == r->nopt) {
			diag_add(p->d, R_FIELD_UNKNOWN, CONFIG_FILE, at->line, at->col,
			    "unknown option '%s' of rule '%s'", k->str, r->name);
			continue;
		}
		switch (r->opttype[j]) {
		case FT_INTEGER: ok = yvalue_int(v, &iv) == 0; break;
		case FT_NUMBER: ok = yvalue_number(v, &dv) == 0; break;
		case FT_BOOLEAN: ok = yvalue_bool(v, &bv) == 0; break;
		default: ok = v->type == YNODE_SCALAR; break;
		}
		if (!ok)
			diag_add(p->d, R_SCHEMA, CONFIG_FILE, v->line, v->col,
			    "option '%s' of rule '%s' must be %s", k->str, r->name, what[r->opttype[j]]);
	}
}

/* Take the rule table at the top of the stack (from file). */
static void
S_take_rule(struct plugins *p, const char *file, const char *source, int envref)
{
	lua_State *L = p->L;
	const char *id, *sev, *desc;
	enum severity s = SEV_ERROR;
	int line = 1, ok = 1;
	lua_Debug ar;

	if (!lua_istable(L, -1)) {
		diag_add(p->d, R_PLUGIN, file, 1, 1, "a plugin returns a rule or a list of rules");
		return;
	}
	/* fields read raw: a rule table is the plugin's data, not code to run */
	lua_pushliteral(L, "check");
	lua_rawget(L, -2);
	if (lua_isfunction(L, -1)) {
		lua_pushvalue(L, -1);
		if (lua_getinfo(L, ">S", &ar) && ar.linedefined > 0)
			line = ar.linedefined;
	} else {
		ok = 0;
	}
	lua_pushliteral(L, "id");
	lua_rawget(L, -3);
	id = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	lua_pushliteral(L, "severity");
	lua_rawget(L, -4);
	sev = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	lua_pushliteral(L, "description");
	lua_rawget(L, -5);
	desc = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
	if (sev != NULL && strcmp(sev, "warning") == 0)
		s = SEV_WARNING;
	else if (sev != NULL && strcmp(sev, "error") != 0)
		ok = 0;
	if (id == NULL || !name_valid(id)) {
		diag_add(p->d, R_PLUGIN, file, line, 1,
		    "a rule needs an id like 'my-rule' ([a-z][a-z0-9-]*)");
	} else if (!ok) {
		diag_add(p->d, R_PLUGIN, file, line, 1,
		    "rule '%s' needs a check function and a severity of error or warning", id);
	} else {
		S_keep_rule(p, id, s, desc, envref, file, source, line);
		lua_pushvalue(L, -5); /* the rule table, below check, id, severity, description */
		if (S_take_options(p, &p->rules[p->n - 1]) != 0)
			diag_add(p->d, R_PLUGIN, file, line, 1, "rule '%s': options must map names to "
			    "integer, number, string or boolean", id);
		lua_pop(L, 1);
	}
	lua_pop(L, 4);
}

/* Load one plugin file's text and take its rules. */
static void
S_load_file(struct plugins *p, const char *file, const char *text, size_t len)
{
	lua_State *L = p->L;
	char *source = arena_printf(&p->arena, "@%s", file);
	int envref, rc;

	lua_settop(L, 0);
	lua_pushcfunction(L, S_env);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
		diag_add(p->d, R_PLUGIN, file, 1, 1, "cannot make the sandbox: %s", lua_tostring(L, -1));
		lua_settop(L, 0);
		return;
	}
	lua_pushvalue(L, -1);
	envref = luaL_ref(L, LUA_REGISTRYINDEX);
	rc = luaL_loadbufferx(L, text, len, source, "t");
	if (rc != LUA_OK) {
		/* "file:LINE: message" */
		const char *msg = lua_tostring(L, -1), *q, *more;
		int line = 1;
		size_t n = strlen(file), keep;
		if (msg != NULL && strncmp(msg, file, n) == 0 && msg[n] == ':') {
			line = atoi(msg + n + 1);
			q = strchr(msg + n + 1, ':');
			msg = q != NULL && q[1] == ' ' ? q + 2 : msg;
		}
		if (msg == NULL)
			msg = "error";
		keep = S_cut(msg, strlen(msg), &more); /* the text of a token can be long */
		diag_add(p->d, R_PLUGIN, file, line > 0 ? line : 1, 1, "plugin does not load: %.*s%s",
		    (int)keep, msg, more);
		lua_settop(L, 0);
		return;
	}
	lua_pushvalue(L, 1);
	lua_setupvalue(L, -2, 1); /* _ENV */
	p->cur_source = source;
	p->cur_rule = -1;
	if (S_call(p, 0, 1, file, 1, "plugin does not load") != LUA_OK) {
		lua_settop(L, 0);
		return;
	}
	if (lua_istable(L, -1)) {
		/* a rule has an id or a check; a list of rules has neither */
		lua_pushliteral(L, "id");
		lua_rawget(L, -2);
		lua_pushliteral(L, "check");
		lua_rawget(L, -3);
		int single = !lua_isnil(L, -1) || !lua_isnil(L, -2);
		lua_pop(L, 2);
		if (single) {
			S_take_rule(p, file, source, envref);
		} else {
			lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
			if (n == 0)
				diag_add(p->d, R_PLUGIN, file, 1, 1, "a plugin returns a rule or a list of rules");
			for (lua_Integer i = 1; i <= n; i++) {
				lua_rawgeti(L, -1, i);
				S_take_rule(p, file, source, envref);
				lua_pop(L, 1);
			}
		}
	} else {
		diag_add(p->d, R_PLUGIN, file, 1, 1, "a plugin returns a rule or a list of rules");
	}
	lua_settop(L, 0);
}

static int
S_is_lua(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && strcmp(path + n - 4, ".lua") == 0;
}

static void
S_read_and_load(struct plugins *p, struct source *src, const char *path, const char *label)
{
	char *text;
	size_t len;
	int rc = source_read(src, path, &text, &len, FILE_LIMIT);

	if (rc != SOURCE_OK) {
		diag_add(p->d, rc == SOURCE_TOO_BIG ? R_LIMIT : R_PLUGIN, label, 1, 1,
		    rc == SOURCE_TOO_BIG ? "file is larger than the limit of 64 MiB" :
		    "plugin cannot be read");
		return;
	}
	S_load_file(p, label, text, len);
	free(text);
}

static void S_item(struct plugins *p, struct source *src, const char *path, const char *label);
static struct plugins *S_load_all(const struct plugin_input *in, struct rules *t, struct diags *d,
    const struct plugins *follow);

/* The file path of src, or the .lua files of the folder path, to load. */
static void
S_items_at(struct plugins *p, struct source *src, const char *path)
{
	size_t n = strlen(path);

	for (size_t k = 0; k < src->n; k++) {
		const char *f = src->paths[k];
		if (strcmp(f, path) == 0 || (strncmp(f, path, n) == 0 && f[n] == '/' && S_is_lua(f)))
			S_item(p, src, f, f);
	}
}

/* A new Lua state with the sandbox, and the list of files to load: the
 * compiler's lua/NAME.lua, then the files and folders of plugins: (what
 * names none is said to d, unless silent). NULL when Lua cannot start. */
static struct plugins *
S_prepare(const struct plugin_input *in, struct diags *d, int silent)
{
	struct plugins *p = xcalloc(1, sizeof(*p));
	const struct ynode *list = in->config->plugins;
	char *dir;

	arena_init(&p->arena);
	p->in = in;
	p->d = d;
	p->cur_rule = -1;
	p->max_seconds = in->config->plugin_seconds > 0 ? in->config->plugin_seconds : 10;
	diags_init(&p->own);
	pthread_mutex_init(&p->lock, NULL);
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&p->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	p->max_instructions = in->config->plugin_instructions;
	p->max_memory = (size_t)in->config->plugin_memory_mb << 20;
	p->max_reports = in->config->plugin_reports;
	p->L = lua_newstate(S_alloc, p);
	if (p->L == NULL) {
		free(p);
		return NULL;
	}
	*(struct plugins **)lua_getextraspace(p->L) = p;
	/* os.time and os.date read the time zone: make them the same everywhere
	 * (once: a runner given up on may be reading it) */
	if (getenv("TZ") == NULL || strcmp(getenv("TZ"), "UTC0") != 0) {
		setenv("TZ", "UTC0", 1);
		tzset();
	}
	lua_pushcfunction(p->L, S_open);
	if (lua_pcall(p->L, 0, 0, 0) != LUA_OK) {
		lua_close(p->L);
		free(p);
		return NULL;
	}
	lua_pushcfunction(p->L, S_report);
	lua_setfield(p->L, LUA_REGISTRYINDEX, "ismsc.report");

	/* the compiler's own rules, in file order */
	dir = xasprintf("%s/lua", in->datadir);
	if (source_open_dir(&p->builtin, dir, NULL, d) == 0) {
		p->builtin_open = 1;
		for (size_t i = 0; i < p->builtin.n; i++)
			if (S_is_lua(p->builtin.paths[i]) && strchr(p->builtin.paths[i], '/') == NULL)
				S_item(p, &p->builtin, p->builtin.paths[i],
				    arena_printf(&p->arena, "lua/%s", p->builtin.paths[i]));
	}
	free(dir);

	/* the project's: plugins: lists files or folders of the tree. A folder
	 * with no .lua files loads none, and so does a missing one written as a
	 * folder ("lua/"): SPEC §1 makes the project's Lua files optional, yet
	 * its example lists lua/. A file that is not there is a mistake. */
	for (size_t i = 0; list != NULL && i < (list->type == YNODE_SEQ ? list->n : 1); i++) {
		const struct ynode *item = list->type == YNODE_SEQ ? list->kids[i] : list;
		char path[4096];
		int rc, found = 0;
		if (item->type != YNODE_SCALAR)
			continue;
		rc = link_resolve(CONFIG_FILE, item->str, path, sizeof(path));
		if (rc == 1 && path[0] != '\0' && source_has(in->src, path)) {
			found = 1;
			S_items_at(p, in->src, path);
		} else if (rc == 1 && path[0] != '\0') {
			found = item->len > 0 && item->str[item->len - 1] == '/';
		}
		if (!found && !silent)
			diag_add(d, R_PLUGIN, CONFIG_FILE, item->line, item->col,
			    "plugin '%s' is no file or folder of the tree", item->str);
	}
	/* no plugins: key: the project's plugins are its lua/NAME.lua, the .lua
	 * files in its lua/ folder, if any (SPEC §1) */
	for (size_t k = 0; list == NULL && k < in->src->n; k++) {
		const char *f = in->src->paths[k];
		if (strncmp(f, "lua/", 4) == 0 && strchr(f + 4, '/') == NULL && S_is_lua(f))
			S_item(p, in->src, f, f);
	}
	return p;
}

/* Give each rule of p its number in t: a reload (follow) the number the
 * rule had there, by place; else a new one, unless the id is taken (a
 * diagnostic, in d). Rules not numbered are dropped. */
static void
S_bind(struct plugins *p, struct rules *t, struct diags *d, const struct plugins *follow)
{
	size_t k = 0, keep = 0;

	for (size_t i = 0; i < p->n; i++) {
		struct prule *r = &p->rules[i];
		const struct prule *o = follow != NULL && k < follow->n ? &follow->rules[k] : NULL;
		if (o != NULL) {
			if (strcmp(o->file, r->file) == 0 && strcmp(o->name, r->name) == 0) {
				r->rule = o->rule;
				k++;
			}
		} else if (rules_find(t, r->name) >= 0) {
			diag_add(d, R_PLUGIN, r->file, r->line, 1, "rule id '%s' is already taken", r->name);
		} else {
			r->rule = rules_add(t, r->name, r->sev, r->desc);
		}
		if (r->rule >= 0)
			p->rules[keep++] = *r;
		else
			luaL_unref(p->L, LUA_REGISTRYINDEX, r->ref);
	}
	p->n = keep;
}

struct plugins *
plugins_load(const struct plugin_input *in, struct rules *t, struct diags *d)
{
	return S_load_all(in, t, d, NULL);
}

static void
S_item(struct plugins *p, struct source *src, const char *path, const char *label)
{
	xgrow(&p->items, &p->capitems, p->nitems + 1, sizeof(*p->items));
	p->items[p->nitems++] = (struct load_item){src, path, label};
}

static int
S_isms(lua_State *L)
{
	S_push_view(L, V_ISMS, NULL, NULL, 0);
	return 1;
}

/* The options of a rule: its mapping under rules:, a read-only view (protected call). */
static int
S_options(lua_State *L)
{
	S_push_view(L, V_NODE, lua_touserdata(L, 1), NULL, 0);
	return 1;
}

/* Run rule i, its diagnostics into p->d. */
static void
S_run_rule(struct plugins *p, size_t i)
{
	lua_State *L = p->L;
	const struct rules *t = p->t;
	struct prule *r = &p->rules[i];
	const struct ynode *opts;
	char what[160];

	lua_settop(L, 0);
	if (!p->lists_built) {
		S_lists(p);
		p->lists_built = 1;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->ref);
	lua_pushcfunction(L, S_isms);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
		diag_add(p->d, R_PLUGIN, r->file, r->line, 1, "rule '%s' failed: %s",
		    t->v[r->rule].name, lua_tostring(L, -1));
		return;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "ismsc.report");
	opts = config_rule_options(p->in->config, t->v[r->rule].name);
	S_check_options(p, r, opts);
	lua_pushcfunction(L, S_options);
	lua_pushlightuserdata(L, (void *)opts);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	p->cur_rule = r->rule;
	p->cur_source = r->source;
	p->reports = 0;
	snprintf(what, sizeof(what), "rule '%s' failed", t->v[r->rule].name);
	S_call(p, 3, 0, r->file, r->line, what);
	p->cur_rule = -1;
	S_budget_stop(p);
}

/* The start of item i (a rule, or a file to load), for the watch. */
static void
S_begin(struct plugins *p, size_t i)
{
	pthread_mutex_lock(&p->lock);
	p->at = i;
	clock_gettime(CLOCK_MONOTONIC, &p->since);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* The end of an item, with its diagnostics rd (dropped when silent): 0, or
 * -1 when the watch has given up on this thread, which must then stop. */
static int
S_end(struct plugins *p, struct diags *rd, int silent)
{
	int gone;

	pthread_mutex_lock(&p->lock);
	if (!(gone = p->abandoned) && !silent)
		diags_move(&p->own, rd);
	pthread_mutex_unlock(&p->lock);
	diags_free(rd);
	p->d = NULL;
	return gone ? -1 : 0;
}

static void
S_done(struct plugins *p)
{
	pthread_mutex_lock(&p->lock);
	p->done = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* The runner: rules from p->from on, each one's diagnostics handed to the
 * watch when it ends; nothing more once the watch has given up on it. */
static void *
S_runner(void *arg)
{
	struct plugins *p = arg;

	for (size_t i = p->from; i < p->n; i++) {
		struct diags rd;
		if (p->t->v[p->rules[i].rule].sev == SEV_OFF)
			continue;
		S_begin(p, i);
		diags_init(&rd);
		p->d = &rd;
		S_run_rule(p, i);
		if (S_end(p, &rd, 0) != 0)
			return NULL; /* the process ends without us */
	}
	S_done(p);
	return NULL;
}

/* The loader: each file of p->items but those skipped, its diagnostics
 * handed to the watch (those before p->quiet were said the first time). */
static void *
S_loader(void *arg)
{
	struct plugins *p = arg;

	for (size_t i = 0; i < p->nitems; i++) {
		struct diags rd;
		if (p->skip != NULL && p->skip[i])
			continue;
		S_begin(p, i);
		diags_init(&rd);
		p->d = &rd;
		S_read_and_load(p, p->items[i].src, p->items[i].path, p->items[i].label);
		if (S_end(p, &rd, i < p->quiet) != 0)
			return NULL;
	}
	S_done(p);
	return NULL;
}

/* Run work(p) on a thread and watch it: 0 when it ended, or 1 with *stuck
 * the item that ran past the time limit (p is then that thread's: it holds
 * it until the process ends). The finished items' diagnostics go to d. */
static int
S_watch(struct plugins *p, void *(*work)(void *), struct diags *d, size_t *stuck)
{
	pthread_t th;
	int gave_up = 0;

	p->done = 0;
	clock_gettime(CLOCK_MONOTONIC, &p->since);
	if (pthread_create(&th, NULL, work, p) != 0) {
		work(p); /* no thread: unwatched */
		diags_move(d, &p->own);
		return 0;
	}
	pthread_mutex_lock(&p->lock);
	while (!p->done) {
		struct timespec until = p->since;
		size_t at = p->at;
		until.tv_sec += p->max_seconds;
		if (pthread_cond_timedwait(&p->cond, &p->lock, &until) == ETIMEDOUT && !p->done &&
		    p->at == at) {
			gave_up = 1;
			break;
		}
	}
	diags_move(d, &p->own);
	if (gave_up) {
		p->abandoned = 1;
		*stuck = p->at;
	}
	pthread_mutex_unlock(&p->lock);
	if (gave_up) {
		pthread_detach(th);
		__atomic_add_fetch(&S_lost, 1, __ATOMIC_SEQ_CST);
	} else {
		pthread_join(th, NULL);
	}
	return gave_up;
}

/* Load the plugins, watched: a file whose top-level code is stuck (a string
 * pattern that backtracks) is a plugin diagnostic, and the files are loaded
 * again in a new state without it. Then bind the rules to t: new numbers,
 * or for a reload after a stuck rule (follow) the numbers they had, in
 * silence (quiet: what loading says was said the first time). */
static struct plugins *
S_load_all(const struct plugin_input *in, struct rules *t, struct diags *d,
    const struct plugins *follow)
{
	struct diags sink;
	struct plugins *p;
	unsigned char *skip = NULL;
	size_t stuck = 0, quiet = 0;

	diags_init(&sink);
	for (;;) {
		if ((p = S_prepare(in, follow != NULL || skip != NULL ? &sink : d, follow != NULL ||
		    skip != NULL)) == NULL)
			break;
		p->quiet = follow != NULL ? p->nitems : quiet;
		p->skip = skip;
		p->at = 0;
		if (S_watch(p, S_loader, follow != NULL ? &sink : d, &stuck) == 0) {
			S_bind(p, t, follow != NULL ? &sink : d, follow);
			break;
		}
		if (follow == NULL)
			diag_add(d, R_PLUGIN, p->items[stuck].label, 1, 1, "plugin does not load: time "
			    "limit of %ld s reached (in a library call the instruction count cannot see, "
			    "such as a string pattern that backtracks)", p->max_seconds);
		if (skip == NULL)
			skip = xcalloc(p->nitems + 1, 1);
		skip[stuck] = 1;
		quiet = stuck + 1;
	}
	if (p != NULL)
		p->skip = NULL; /* read while loading only, which has ended */
	free(skip);
	diags_free(&sink);
	return p;
}

void
plugins_run(struct plugins **pp, struct rules *t, struct diags *d)
{
	size_t stuck = 0;

	while (*pp != NULL) {
		struct plugins *p = *pp;
		const struct prule *r;
		p->t = t;
		p->at = p->from;
		if (S_watch(p, S_runner, d, &stuck) == 0)
			break;
		/* a rule stuck where the instruction count cannot reach it (a
		 * string pattern that backtracks): given up on, with its state;
		 * the rules after it run in a new one */
		r = &p->rules[stuck];
		diag_add(d, R_PLUGIN, r->file, r->line, 1, "rule '%s' stopped: time limit of %ld s "
		    "reached (in a library call the instruction count cannot see, such as a string "
		    "pattern that backtracks)", t->v[r->rule].name, p->max_seconds);
		/* the same files loaded again, the same rules under the same
		 * numbers (what loading says was said the first time) */
		if ((*pp = S_load_all(p->in, t, NULL, p)) != NULL)
			(*pp)->from = stuck + 1;
	}
}

int
plugins_lost(void)
{
	return __atomic_load_n(&S_lost, __ATOMIC_SEQ_CST);
}

void
plugins_free(struct plugins *p)
{
	if (p == NULL)
		return;
	lua_close(p->L);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	diags_free(&p->own);
	if (p->builtin_open)
		source_close(&p->builtin);
	free(p->items);
	free(p->rules);
	arena_free(&p->arena);
	free(p);
}
