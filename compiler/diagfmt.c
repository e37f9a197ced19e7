/* diagfmt.c — diagnostics as JSON, SARIF 2.1.0 and GitHub annotations. */
#include "diagfmt.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

void
diag_fingerprint(const char *rule, const char *file, const char *entity, const char *msg,
    char out[17])
{
	const char *parts[4] = {rule, file, entity ? entity : "", msg};
	uint64_t h = 14695981039346656037ULL;

	for (int i = 0; i < 4; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL; /* a separator no text holds */
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static int
S_skip(const struct diagfmt *f, const struct diag *g)
{
	return f->errors_only && f->rules->v[g->rule].sev != SEV_ERROR;
}

json_t *
diagfmt_text(const char *s)
{
	char *clean = text_utf8_clean(s);
	json_t *j = json_string(clean);

	free(clean);
	return j;
}

/* Print doc and free it; bad is set when a value could not be built or
 * added, and then nothing is printed: a SARIF rule left out would shift
 * the ruleIndex of every later one, a JSON diagnostic left out would go
 * unseen. */
static int
S_dump(FILE *fp, json_t *doc, int bad)
{
	int rc = bad || doc == NULL ? -1 :
	    json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);

	json_decref(doc);
	if (rc == 0 && fputc('\n', fp) == EOF)
		rc = -1;
	return rc;
}

int
diagfmt_json(FILE *fp, const struct diagfmt *f)
{
	json_t *doc = json_object(), *list = json_array();
	int bad = 0;

	bad |= json_object_set_new(doc, "ismsc", json_string(ISMSC_VERSION));
	bad |= json_object_set_new(doc, "format", json_integer(1));
	bad |= json_object_set_new(doc, "as_of", json_string(f->as_of));
	bad |= json_object_set_new(doc, "summary", json_pack("{s:I,s:I,s:I}", "files",
	    (json_int_t)f->files, "errors", (json_int_t)f->errors, "warnings", (json_int_t)f->warnings));
	for (size_t i = 0; i < f->diags->n; i++) {
		const struct diag *g = &f->diags->v[i];
		const char *entity = f->entity_of ? f->entity_of(f->ctx, g->file) : NULL;
		if (S_skip(f, g))
			continue;
		/* JSON is UTF-8: a file name that is not loses nothing but its bad bytes */
		bad |= json_array_append_new(list, json_pack("{s:o,s:i,s:i,s:s,s:o,s:o,s:o}",
		    "file", diagfmt_text(g->file), "line", g->line, "column", g->col,
		    "severity", severity_name(f->rules->v[g->rule].sev),
		    "rule", diagfmt_text(f->rules->v[g->rule].name), "message", diagfmt_text(g->msg),
		    "entity", entity ? diagfmt_text(entity) : json_null()));
	}
	bad |= json_object_set_new(doc, "diagnostics", list);
	return S_dump(fp, doc, bad);
}

/* A relative path as a URI reference: RFC 3986 unreserved characters and
 * '/' stay, every other byte is percent-encoded. */
static char *
S_uri(const char *prefix, const char *path)
{
	char *full = xasprintf("%s%s", prefix, path), *out = xmalloc(strlen(full) * 3 + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)full; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p) != NULL)
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	*o = '\0';
	free(full);
	return out;
}

static const char *
S_level(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "none";
}

int
diagfmt_sarif(FILE *fp, const struct diagfmt *f)
{
	json_t *doc = json_object(), *run = json_object(), *rules = json_array(),
	    *results = json_array();
	int bad = 0;

	/* every rule, in the order of the table, for ruleIndex is its index */
	for (size_t i = 0; i < f->rules->n; i++) {
		const struct rule *r = &f->rules->v[i];
		bad |= json_array_append_new(rules, json_pack("{s:o,s:o,s:{s:o},s:{s:s}}",
		    "id", diagfmt_text(r->name), "name", diagfmt_text(r->name), "shortDescription", "text",
		    diagfmt_text(r->description && r->description[0] ? r->description : r->name),
		    "defaultConfiguration", "level", S_level(r->sev)));
	}
	for (size_t i = 0; i < f->diags->n; i++) {
		const struct diag *g = &f->diags->v[i];
		const struct rule *r = &f->rules->v[g->rule];
		const char *entity = f->entity_of ? f->entity_of(f->ctx, g->file) : NULL;
		char fp16[17], *uri;
		if (S_skip(f, g))
			continue;
		uri = S_uri(f->prefix, g->file);
		diag_fingerprint(r->name, g->file, entity, g->msg, fp16);
		bad |= json_array_append_new(results, json_pack(
		    "{s:o,s:i,s:s,s:{s:o},s:[{s:{s:{s:s,s:s},s:{s:i,s:i}}}],s:{s:s}}",
		    "ruleId", diagfmt_text(r->name), "ruleIndex", g->rule, "level", S_level(r->sev),
		    "message", "text", diagfmt_text(g->msg),
		    "locations", "physicalLocation", "artifactLocation", "uri", uri,
		    "uriBaseId", "%SRCROOT%", "region", "startLine", g->line, "startColumn", g->col,
		    "partialFingerprints", "ismsc/v1", fp16));
		free(uri);
	}
	bad |= json_object_set_new(run, "tool", json_pack("{s:{s:s,s:s,s:s,s:o}}", "driver",
	    "name", "ismsc", "version", ISMSC_VERSION, "semanticVersion", ISMSC_VERSION,
	    "rules", rules));
	bad |= json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
	bad |= json_object_set_new(run, "results", results);
	bad |= json_object_set_new(doc, "$schema",
	    json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	bad |= json_object_set_new(doc, "version", json_string("2.1.0"));
	bad |= json_object_set_new(doc, "runs", json_pack("[o]", run));
	return S_dump(fp, doc, bad);
}

/* Workflow command escaping: data escapes %, CR and LF; properties also : and ,. */
static void
S_gh_escape(FILE *fp, const char *s, int property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", fp);
		else if (*s == '\r')
			fputs("%0D", fp);
		else if (*s == '\n')
			fputs("%0A", fp);
		else if (property && *s == ':')
			fputs("%3A", fp);
		else if (property && *s == ',')
			fputs("%2C", fp);
		else
			fputc(*s, fp);
	}
}

int
diagfmt_github(FILE *fp, const struct diagfmt *f)
{
	for (size_t i = 0; i < f->diags->n; i++) {
		const struct diag *g = &f->diags->v[i];
		const struct rule *r = &f->rules->v[g->rule];
		char *raw, *path, *name, *msg;
		if (S_skip(f, g))
			continue;
		raw = xasprintf("%s%s", f->prefix, g->file);
		path = text_utf8_clean(raw);
		name = text_utf8_clean(r->name);
		msg = text_utf8_clean(g->msg);
		fprintf(fp, "::%s file=", r->sev == SEV_ERROR ? "error" : "warning");
		S_gh_escape(fp, path, 1);
		fprintf(fp, ",line=%d,col=%d,title=", g->line, g->col);
		S_gh_escape(fp, name, 1);
		fputs("::", fp);
		S_gh_escape(fp, msg, 0);
		fputc('\n', fp);
		free(raw);
		free(path);
		free(name);
		free(msg);
	}
	return ferror(fp) ? -1 : 0;
}
