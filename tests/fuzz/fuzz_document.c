/* libFuzzer harness: one Markdown file through every parser of a doc —
 * UTF-8 check, front matter split, YAML with its bounds, schema validation
 * against a kind with every field type, the body's references, and the body
 * rendered as a page renders it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "frontmatter.h"
#include "markdown.h"
#include "schema.h"
#include "text.h"
#include "yamltree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* every reference a link, every URL rewritten: all the renderer's paths */
static int
S_ref(void *ctx, const char *id, const char **href, const char **title)
{
	(void)ctx;
	*href = id;
	*title = id;
	return 1;
}

static const char *
S_url(void *ctx, const char *url, int image)
{
	(void)ctx;
	return image ? "img.png" : url;
}

static const char S_kind[] =
    "kind: thing\nfields:\n  title: {type: string, required: true}\n"
    "  n: {type: integer, min: 1, max: risk.scale}\n  x: {type: number}\n"
    "  d: {type: date}\n  b: {type: boolean}\n  e: {type: string, enum: [a, b]}\n"
    "  r: {type: list, of: ref, kind: thing}\n  m: {type: list, of: map, fields: {d: {type: date}}}\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct schemas sch;
	static struct md_parser *md;
	static int ready;
	const char *s = (const char *)data;
	struct arena a;
	struct diags d;
	struct fm_split fs;
	struct md_out out;
	int nul;

	if (!ready) {
		struct diags dd;
		diags_init(&dd);
		schemas_init(&sch);
		schemas_load_kind(&sch, "k", S_kind, sizeof(S_kind) - 1, 1, &dd);
		diags_free(&dd);
		md_global_init();
		md = md_new();
		ready = 1;
	}
	if (text_check_utf8(s, size, &nul) < size)
		return 0;
	arena_init(&a);
	diags_init(&d);
	memset(&out, 0, sizeof(out));
	fm_split(s, size, &fs);
	if (fs.state == FM_OK) {
		struct yaml_ctx y = {&a, &d, "f.md", fs.yaml_line0, 0};
		struct ynode *root;
		if (yaml_load(&y, s + fs.yaml_off, fs.yaml_len, &root) == 0 && root != NULL &&
		    root->type == YNODE_MAP) {
			struct validation v = {NULL, 0, 0};
			schema_validate(&sch, schemas_kind(&sch, "thing"), root, ynode_get(root, "id"), "f.md", &v, &d);
			free(v.refs);
		}
	}
	md_scan(md, s + fs.body_off, size - fs.body_off, fs.body_line0, &a, &out);
	md_out_free(&out);
	{
		struct md_html h = {S_ref, S_url, NULL, NULL, "p"};
		size_t n;
		free(md_html(md, s + fs.body_off, size - fs.body_off, &h, &n));
	}
	diags_free(&d);
	arena_free(&a);
	return 0;
}
