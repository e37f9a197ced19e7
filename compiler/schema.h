/* schema.h — kinds, their fields and the control catalogue, all loaded from
 * YAML files (the compiler's schemas/ and the project's own), and the
 * validation of one entity's front matter against its kind. */
#ifndef ISMSC_SCHEMA_H
#define ISMSC_SCHEMA_H

#include <stddef.h>

#include "diag.h"
#include "hash.h"
#include "xalloc.h"
#include "yamltree.h"

enum ftype { FT_STRING, FT_INTEGER, FT_NUMBER, FT_BOOLEAN, FT_DATE, FT_REF, FT_LIST, FT_MAP };

struct fielddef {
	const char *name;
	enum ftype type;
	enum ftype of;            /* FT_LIST: the items' type */
	const char *kind;         /* FT_REF or list of refs: target kind; "catalog" for catalogue ids */
	int required;
	const char **enumv;       /* allowed strings (for lists: of each item), or NULL */
	size_t nenum;
	int has_min, has_max;
	long min, max;
	const char *max_setting;  /* max read from isms.yaml ("risk.scale") */
	const char *required_if;  /* required when this boolean field is true */
	const char **else_enum;   /* ... and limited to these when it is false */
	size_t nelse;
	struct fielddef **fields; /* FT_MAP (or list of maps) with declared fields */
	size_t nfields;
	const char *file;         /* where kind is said, for schemas_check */
	const struct ynode *kind_at;
};

struct kinddef {
	const char *name;         /* e.g. "risk" */
	const char *plural;       /* e.g. "risks" */
	struct fielddef **fields;
	size_t n, cap;
	int builtin;              /* defined by the compiler's schemas/ */
	const char *plural_file;  /* where plural is said, if it is */
	const struct ynode *plural_at;
	const char *kind_file;    /* where the kind is first defined */
	const struct ynode *kind_at;
};

struct catalog_control {
	const char *id, *theme, *title;
};

struct catalog_theme {
	const char *id, *title;   /* e.g. "A.9", "A.9 Access control" */
};

struct catalog {
	const char *name;         /* e.g. "iso27001-2022" */
	const char *title;        /* e.g. "ISO/IEC 27001:2022 Annex A" */
	struct catalog_control *v;
	size_t n;
	struct catalog_theme *themes; /* as the catalogue lists them */
	size_t nthemes;
	struct hash by_id;        /* id -> index + 1 (as a pointer-sized int) */
};

struct schemas {
	struct kinddef **kinds;   /* in load order: built-in first */
	size_t n, cap;
	struct hash by_name;
	struct catalog cat;
	struct arena arena;       /* owns every string and definition */
	long risk_scale;          /* for max: risk.scale */
};

void schemas_init(struct schemas *s);
void schemas_free(struct schemas *s);

/* Load a kind file (the format of SPEC §2) from text; a new kind is added,
 * an existing one gets extra fields. Problems go to d at file (schema,
 * field-unknown); returns 0 or -1. */
int schemas_load_kind(struct schemas *s, const char *file, const char *text, size_t len,
    int builtin, struct diags *d);
/* Load the catalogue from text; returns 0 or -1. */
int schemas_load_catalog(struct schemas *s, const char *file, const char *text, size_t len,
    struct diags *d);

const struct kinddef *schemas_kind(const struct schemas *s, const char *name);
/* Once every kind is loaded: a reference to a kind that none defines, and a
 * plural that another kind or the plugin API (isms.entities, ...) has
 * already, are schema errors at their place. */
void schemas_check(const struct schemas *s, struct diags *d);
const struct fielddef *kind_field(const struct kinddef *k, const char *name);
/* The index of a catalogue id, or -1. */
int catalog_find(const struct catalog *c, const char *id);
/* The title the catalogue gives theme (e.g. "Organizational controls",
 * "A.9 Access control"; one it does not list is titled from its id, so a
 * control's theme always has one), or NULL for a theme no control has. */
const char *catalog_theme_title(const struct catalog *c, const char *theme);

/* One reference found in a front matter field. */
struct fieldref {
	const char *id;
	const struct ynode *node;       /* the id's scalar */
	const struct fielddef *field;
};

/* What validation hands on: references, in field order. */
struct validation {
	struct fieldref *refs;
	size_t nrefs, cap;
};

/* Validate the front matter map fm of an entity of kind k: required fields
 * (reported at id_node, or 1:1 when NULL), types, enumerations, ranges,
 * unknown fields. References are appended to v. Returns 1 when the entity
 * passes, 0 when it has a schema error. */
int schema_validate(const struct schemas *s, const struct kinddef *k, const struct ynode *fm,
    const struct ynode *id_node, const char *file, struct validation *v, struct diags *d);

/* Value helpers for validated nodes. */
int yvalue_int(const struct ynode *n, long *out);
int yvalue_number(const struct ynode *n, double *out);
int yvalue_bool(const struct ynode *n, int *out);
/* 1 if s matches [a-z][a-z0-9-]*: the names of kinds and of rules */
int name_valid(const char *s);
/* 1 if id matches [A-Za-z][A-Za-z0-9._-]* */
int id_valid(const char *id);

#endif
