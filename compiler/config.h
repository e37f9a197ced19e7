/* config.h — the project file isms.yaml: read, validated at its positions,
 * and turned into the settings of a run (catalogue, as_of, risk scale and
 * appetite, rule severities and options, plugins, publishing). */
#ifndef ISMSC_CONFIG_H
#define ISMSC_CONFIG_H

#include <stddef.h>

#include "date.h"
#include "diag.h"
#include "xalloc.h"
#include "yamltree.h"

#define CONFIG_FILE "isms.yaml"

/* A band of risk scores: scores up to max (and above the band before) are
 * this level. color is "#rgb" or "#rrggbb", or NULL for the stylesheet's. */
struct risklevel {
	const char *name, *color;
	long max;
};

struct config {
	const struct ynode *root;          /* the whole mapping (NULL when empty) */
	const char *name, *organization;
	const char *catalog;               /* default "iso27001-2022" */
	const struct ynode *catalog_node;  /* where catalogue findings are reported */
	int has_as_of;
	date_t as_of;
	long review_interval_months;       /* default 12 */
	long audit_interval_months;        /* default 12; the audit rules' cycle (clause 9.2) */
	long risk_scale, risk_appetite;    /* defaults 5 and 8 */
	const char **likelihood_labels;    /* risk.likelihood: risk_scale labels, or NULL */
	const char **impact_labels;        /* risk.impact */
	const long *risk_matrix;           /* scoring: matrix: [l-1][i-1], else NULL (product) */
	struct risklevel *levels;          /* ascending; defaults low, medium, high */
	size_t nlevels;
	const struct ynode *rules;         /* the rules: mapping, or NULL */
	const struct ynode *plugins;       /* list of paths, or NULL */
	long plugin_instructions;          /* plugin_limits: instructions (per rule) */
	long plugin_memory_mb;             /* plugin_limits: memory_mb (per rule) */
	long plugin_reports;               /* plugin_limits: reports (per rule) */
	long plugin_seconds;               /* plugin_limits: seconds (per rule, wall clock) */
	const char **exclude_classification, **exclude_status;
	const char *templates;             /* the project's templates folder, relative to the root */
	size_t nexclude_classification, nexclude_status;
};

/* Parse and validate isms.yaml from text; problems go to d (schema,
 * field-unknown, syntax, limit). Fills c with usable settings, the defaults
 * standing in for bad values; returns -1 when the file is not a YAML
 * mapping at all (nothing can be checked with settings it did not give). */
int config_load(struct config *c, struct arena *a, const char *text, size_t len, struct diags *d);

/* Apply rules: to the rule table: severities and, for the unknown names,
 * field-unknown warnings. Call once every rule (plugins too) is known. */
void config_apply_rules(const struct config *c, struct rules *t, struct diags *d);

/* The score of a likelihood and an impact (1..risk_scale) under the
 * project's scoring: their product, or the matrix's cell. */
long config_risk_score(const struct config *c, long likelihood, long impact);
/* The lowest and the highest score the scoring gives. */
void config_risk_range(const struct config *c, long *lo, long *hi);
/* The level of a score: the first band whose max it does not exceed
 * (the last band above every max). */
const struct risklevel *config_risk_level(const struct config *c, long score);

/* The options mapping of a rule (rules: {name: {severity: ..., ...}}), or NULL. */
const struct ynode *config_rule_options(const struct config *c, const char *rule);

/* 1 when publish: leaves out the entity with front matter fm (its
 * classification or status is listed). */
int config_excluded(const struct config *c, const struct ynode *fm);

#endif
