/*
 * floor: what `ismsc build` could take at best on this machine, with none
 * of ismsc's own code: the work of the libraries it must use and of the
 * kernel, on the same corpus and for the same outputs.
 *
 *   floor SRC SITE TMP
 *
 * SRC is a corpus, SITE ismsc's build of it, TMP a folder to write in.
 * Each phase redoes one part of a build with the libraries alone:
 *
 *   parse   read every .md, load its front matter with libyaml, parse
 *           its body with cmark-gfm (the extensions ismsc uses) and
 *           render it as HTML once;
 *   json    jansson: make each entity of SITE's isms.json and each entry
 *           of its search index again (a deep copy of the loaded value)
 *           and dump it, one at a time, as a build streams them;
 *   xml     libxml2: make each part of SITE's isms.xml again, node by
 *           node with names from a dictionary, and free it (a build
 *           makes the book a part at a time; writing it is left out);
 *   write   create SITE's tree again under TMP, every file written whole.
 *
 * Only the work is timed, not the loading of SITE. Each phase uses every
 * core (json and xml run beside each other). The floor is the CPU time of
 * all phases over the number of cores: the wall time of a build that did
 * nothing else and kept every core busy all the time. It leaves out the
 * rest of a build (the model, the checks, the Lua rules, the templates,
 * the CSV files, the book's conversion and writing), so a build can only
 * take longer.
 *
 * Prints the CPU seconds of parse, of json and xml, and of write, then
 * the floor in seconds and the number of cores.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <yaml.h>

#define MAXTHREADS 16

struct files {
	char **path;
	size_t n, cap;
};

struct blob {
	char *path;
	char *data;
	size_t len;
};

static int nthreads = 2;

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "floor: %s %s: %s\n", what, path, strerror(errno));
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "floor: out of memory\n");
		exit(2);
	}
	return p;
}

/* The files under dir whose names end with suffix ("" for all), hidden
 * entries left out, as paths relative to top. */
static void
walk(struct files *f, const char *top, const char *rel, const char *suffix)
{
	char *dir;
	DIR *d;
	struct dirent *e;

	if (asprintf(&dir, "%s/%s", top, rel) < 0 || (d = opendir(dir)) == NULL)
		die("cannot open", top);
	while ((e = readdir(d)) != NULL) {
		char *sub;
		size_t nl = strlen(e->d_name), sl = strlen(suffix);
		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s%s%s", rel, rel[0] != '\0' ? "/" : "", e->d_name) < 0)
			die("out of memory", top);
		if (e->d_type == DT_DIR) {
			walk(f, top, sub, suffix);
			free(sub);
		} else if (e->d_type == DT_REG && nl >= sl && strcmp(e->d_name + nl - sl, suffix) == 0) {
			if (f->n == f->cap) {
				f->cap = f->cap != 0 ? 2 * f->cap : 1024;
				if ((f->path = realloc(f->path, f->cap * sizeof(*f->path))) == NULL)
					die("out of memory", top);
			}
			f->path[f->n++] = sub;
		} else {
			free(sub);
		}
	}
	closedir(d);
	free(dir);
}

static char *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *s;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) != 0)
		die("cannot read", path);
	s = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, s + got, (size_t)st.st_size - got);
		if (r <= 0)
			die("cannot read", path);
		got += (size_t)r;
	}
	close(fd);
	s[got] = '\0';
	*len = got;
	return s;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Run fn on every core, each taking the items i with i % nthreads == k. */
struct share {
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t n;
	int k;
};

static void *
share_run(void *arg)
{
	struct share *s = arg;

	for (size_t i = (size_t)s->k; i < s->n; i += (size_t)nthreads)
		s->fn(s->ctx, i);
	return NULL;
}

static void
on_every_core(void (*fn)(void *, size_t), void *ctx, size_t n)
{
	pthread_t th[MAXTHREADS];
	struct share sh[MAXTHREADS];

	for (int k = 0; k < nthreads; k++) {
		sh[k] = (struct share){fn, ctx, n, k};
		if (pthread_create(&th[k], NULL, share_run, &sh[k]) != 0)
			die("cannot start a thread", "");
	}
	for (int k = 0; k < nthreads; k++)
		pthread_join(th[k], NULL);
}

/* ---- parse ---------------------------------------------------------- */

struct corpus {
	const char *top;
	struct files f;
};

static void
parse_one(void *ctx, size_t i)
{
	static const char *const exts[] = {"table", "strikethrough", "autolink", "tasklist"};
	struct corpus *c = ctx;
	char *path, *text, *body, *html;
	size_t len, blen;
	cmark_parser *cp;
	cmark_node *doc;

	if (asprintf(&path, "%s/%s", c->top, c->f.path[i]) < 0)
		die("out of memory", "");
	text = slurp(path, &len);
	body = text;
	blen = len;
	if (len >= 4 && memcmp(text, "---\n", 4) == 0) {
		char *end = strstr(text + 3, "\n---\n");
		if (end != NULL) {
			yaml_parser_t yp;
			yaml_document_t yd;
			yaml_parser_initialize(&yp);
			yaml_parser_set_input_string(&yp, (const unsigned char *)text + 4,
			    (size_t)(end + 1 - (text + 4)));
			if (yaml_parser_load(&yp, &yd))
				yaml_document_delete(&yd);
			yaml_parser_delete(&yp);
			body = end + 5;
			blen = len - (size_t)(body - text);
		}
	}
	cp = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (size_t k = 0; k < sizeof(exts) / sizeof(*exts); k++)
		cmark_parser_attach_syntax_extension(cp, cmark_find_syntax_extension(exts[k]));
	cmark_parser_feed(cp, body, blen);
	doc = cmark_parser_finish(cp);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(cp));
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(cp);
	free(text);
	free(path);
}

/* ---- json and xml, beside each other ---------------------------------- */

struct outputs {
	json_t *model, *search;
	xmlDocPtr book;
};

/* A new tree like the one under from, made node by node, as a build
 * makes its own (elements, attributes, text; the namespace only at the
 * top, as the serialiser writes it). */
static xmlNodePtr
rebuild(xmlDocPtr doc, xmlNodePtr from)
{
	xmlNodePtr to;

	if (from->type == XML_TEXT_NODE)
		return xmlNewDocText(doc, from->content);
	if (from->type != XML_ELEMENT_NODE)
		return NULL;
	to = xmlNewDocNode(doc, NULL, from->name, NULL);
	for (xmlAttrPtr a = from->properties; a != NULL; a = a->next) {
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
		xmlNewProp(to, a->name, v);
		xmlFree(v);
	}
	for (xmlNodePtr c = from->children; c != NULL; c = c->next) {
		xmlNodePtr n = rebuild(doc, c);
		if (n != NULL)
			xmlAddChild(to, n);
	}
	return to;
}

static int
sink(const char *buf, size_t size, void *data)
{
	size_t *n = data;

	(void)buf;
	*n += size;
	return 0;
}

/* A JSON array made again and dumped one item at a time, as a build that
 * streams it does: the bytes it dumped. */
static size_t
redo_json(json_t *array, size_t flags)
{
	size_t n = 0;

	for (size_t k = 0; k < json_array_size(array); k++) {
		json_t *copy = json_deep_copy(json_array_get(array, k));
		if (copy == NULL || json_dump_callback(copy, sink, &n, flags) != 0)
			die("jansson cannot dump", "");
		json_decref(copy);
	}
	return n;
}

static void
redo_output(void *ctx, size_t i)
{
	struct outputs *o = ctx;

	if (i == 0) {
		redo_json(json_object_get(o->model, "entities"), JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		redo_json(o->search, JSON_COMPACT | JSON_PRESERVE_ORDER);
	} else {
		/* a piece at a time: each part of the book (a chapter's
		 * children), made, then freed */
		xmlDocPtr copy = xmlNewDoc(BAD_CAST "1.0");
		copy->dict = xmlDictCreate();
		for (xmlNodePtr ch = xmlDocGetRootElement(o->book)->children; ch != NULL; ch = ch->next)
			for (xmlNodePtr part = ch->children; part != NULL; part = part->next) {
				xmlNodePtr n = rebuild(copy, part);
				if (n != NULL)
					xmlFreeNode(n);
			}
		xmlFreeDoc(copy);
	}
}

/* ---- write ------------------------------------------------------------ */

struct tree {
	const char *to;
	struct blob *b;
};

static void
write_one(void *ctx, size_t i)
{
	struct tree *t = ctx;
	char *path;
	int fd;

	if (asprintf(&path, "%s/%s", t->to, t->b[i].path) < 0)
		die("out of memory", "");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, t->b[i].data, t->b[i].len) != (ssize_t)t->b[i].len || close(fd) != 0)
		die("cannot write", path);
	free(path);
}

/* Make the folders the files need, parents first (the paths are sorted). */
static void
make_dirs(const char *to, struct blob *b, size_t n)
{
	if (mkdir(to, 0755) != 0)
		die("cannot make", to);
	for (size_t i = 0; i < n; i++) {
		char *path, *slash;
		if (asprintf(&path, "%s/%s", to, b[i].path) < 0)
			die("out of memory", "");
		for (slash = path + strlen(to) + 1; (slash = strchr(slash, '/')) != NULL; slash++) {
			*slash = '\0';
			if (mkdir(path, 0755) != 0 && errno != EEXIST)
				die("cannot make", path);
			*slash = '/';
		}
		free(path);
	}
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct blob *)a)->path, ((const struct blob *)b)->path);
}

int
main(int argc, char **argv)
{
	struct corpus c = {NULL, {NULL, 0, 0}};
	struct outputs o;
	struct files sf = {NULL, 0, 0};
	struct tree t;
	json_error_t err;
	double t0, parse, json_xml, wr;
	char *p, *to;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (argc != 4) {
		fprintf(stderr, "usage: floor SRC SITE TMP\n");
		return 2;
	}
	nthreads = cores < 1 ? 1 : cores > MAXTHREADS ? MAXTHREADS : (int)cores;
	cmark_gfm_core_extensions_ensure_registered();
	xmlInitParser();

	/* the inputs of each phase, untimed */
	c.top = argv[1];
	walk(&c.f, argv[1], "", ".md");
	if (asprintf(&p, "%s/isms.json", argv[2]) < 0 ||
	    (o.model = json_load_file(p, 0, &err)) == NULL)
		die("cannot load", argv[2]);
	free(p);
	if (asprintf(&p, "%s/search-index.json", argv[2]) < 0 ||
	    (o.search = json_load_file(p, 0, &err)) == NULL)
		die("cannot load", argv[2]);
	free(p);
	if (asprintf(&p, "%s/isms.xml", argv[2]) < 0 ||
	    (o.book = xmlReadFile(p, NULL, XML_PARSE_NONET | XML_PARSE_HUGE)) == NULL)
		die("cannot load", argv[2]);
	free(p);
	walk(&sf, argv[2], "", "");
	t.b = xmalloc(sf.n * sizeof(*t.b));
	for (size_t i = 0; i < sf.n; i++) {
		if (asprintf(&p, "%s/%s", argv[2], sf.path[i]) < 0)
			die("out of memory", "");
		t.b[i].path = sf.path[i];
		t.b[i].data = slurp(p, &t.b[i].len);
		free(p);
	}
	qsort(t.b, sf.n, sizeof(*t.b), by_path);
	if (asprintf(&to, "%s/floor-%ld", argv[3], (long)getpid()) < 0)
		die("out of memory", "");
	t.to = to;

	t0 = cpu_seconds();
	on_every_core(parse_one, &c, c.f.n);
	parse = cpu_seconds() - t0;

	t0 = cpu_seconds();
	on_every_core(redo_output, &o, 2);
	json_xml = cpu_seconds() - t0;

	t0 = cpu_seconds();
	make_dirs(to, t.b, sf.n);
	on_every_core(write_one, &t, sf.n);
	wr = cpu_seconds() - t0;

	printf("%.3f %.3f %.3f %.3f %d\n", parse, json_xml, wr,
	    (parse + json_xml + wr) / nthreads, nthreads);
	return 0;
}
