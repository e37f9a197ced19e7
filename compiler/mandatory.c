/* mandatory.c — the documented information of clauses 4 to 10, found. */
#include "mandatory.h"

#include <string.h>

static const struct mandatory_item S_items[MANDATORY_N] = {
	{.clause = "4.3", .how = MAND_CLAUSE,
	    .title = "Scope of the information security management system"},
	{.clause = "5.2", .how = MAND_CLAUSE,
	    .title = "Information security policy"},
	{.clause = "6.1.2", .how = MAND_CLAUSE,
	    .title = "Information security risk assessment process"},
	{.clause = "6.1.3", .how = MAND_CLAUSE,
	    .title = "Information security risk treatment process"},
	{.clause = "6.1.3 d", .how = MAND_GENERATED,
	    .title = "Statement of Applicability"},
	{.clause = "6.2", .how = MAND_KIND, .kind = "objective",
	    .title = "Information security objectives"},
	{.clause = "7.2", .how = MAND_CLAUSE,
	    .title = "Evidence of competence"},
	{.clause = "8.1", .how = MAND_CLAUSE,
	    .title = "Operational planning and control"},
	{.clause = "8.2", .how = MAND_KIND, .kind = "risk",
	    .title = "Results of the information security risk assessments"},
	{.clause = "8.3", .how = MAND_TREATED, .kind = "risk",
	    .title = "Results of the information security risk treatment"},
	{.clause = "9.1", .how = MAND_MEASURED,
	    .title = "Evidence of the monitoring and measurement results"},
	{.clause = "9.2", .how = MAND_KIND, .kind = "audit",
	    .title = "Evidence of the audit programme and the audit results"},
	{.clause = "9.3", .how = MAND_KIND, .kind = "review",
	    .title = "Evidence of the results of management reviews"},
	{.clause = "10.2", .how = MAND_CORRECTED,
	    .title = "Evidence of nonconformities, actions taken and their results"},
};

int
clauses_hold(const struct ynode *c, const char *clause)
{
	if (c == NULL)
		return 0;
	if (c->type == YNODE_SCALAR)
		return strcmp(c->str, clause) == 0;
	for (size_t k = 0; c->type == YNODE_SEQ && k < c->n; k++)
		if (c->kids[k]->type == YNODE_SCALAR && strcmp(c->kids[k]->str, clause) == 0)
			return 1;
	return 0;
}

int
doc_holds_clause(const struct doc *d, const char *clause)
{
	if (d->failed || d->fm == NULL)
		return 0;
	if (d->entity != NULL && d->entity->kind != NULL && strcmp(d->entity->kind->name, "audit") == 0)
		return 0;
	return clauses_hold(d->clauses, clause);
}

int
doc_standing(const struct doc *d)
{
	const char *st = d->entity != NULL ? entity_str(d->entity, "status") : NULL;

	if (st == NULL)
		return 1;
	return strcmp(st, "approved") == 0 ? 3 : strcmp(st, "draft") == 0 ? 2 :
	    strcmp(st, "retired") == 0 ? 0 : 1;
}

static int
S_is(const struct entity *e, const char *kind)
{
	return e != NULL && e->valid && e->kind != NULL && strcmp(e->kind->name, kind) == 0;
}

static void
S_note(struct mandatory_item *it)
{
	it->count++;
	it->found = 1;
}

/* An objective with at least one measurement. */
static int
S_measured(const struct entity *e)
{
	const struct ynode *ms = entity_get(e, "measurements");
	return ms != NULL && (ms->type != YNODE_SEQ || ms->n > 0);
}

/* A finding that an action refers to by its finding field. */
static int
S_acted_on(const struct entity *e)
{
	for (size_t i = 0; i < e->in.n; i++) {
		const struct ref *r = e->in.v[i];
		if (r->field != NULL && strcmp(r->field->name, "finding") == 0 &&
		    r->from->entity != NULL && S_is(r->from->entity, "action"))
			return 1;
	}
	return 0;
}

void
mandatory_find(const struct model *m, struct mandatory_item items[MANDATORY_N])
{
	size_t untreated = 0;

	memcpy(items, S_items, sizeof(S_items));
	for (size_t i = 0; i < m->ndocs; i++) {
		const struct doc *d = &m->docs[i];
		if (d->failed || d->clauses == NULL)
			continue;
		for (int k = 0; k < MANDATORY_N; k++) {
			struct mandatory_item *it = &items[k];
			if (it->how == MAND_KIND || it->how == MAND_TREATED ||
			    !doc_holds_clause(d, it->clause))
				continue;
			S_note(it);
			if (it->how == MAND_GENERATED)
				continue; /* the SoA is ismsc's own: no list */
			if (it->ndocs < MANDATORY_SHOW)
				it->docs[it->ndocs++] = d;
			else
				it->moredocs++;
		}
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct entity *e = m->entities[i];
		const char *t;
		if (e->kind == NULL)
			continue;
		/* a risk that failed its schema still counts, as untreated
		 * when its treatment is what is missing */
		if (strcmp(e->kind->name, "risk") == 0 && !e->duplicate) {
			t = entity_str(e, "treatment");
			if (t == NULL || *t == '\0')
				untreated++;
		}
		for (int k = 0; k < MANDATORY_N; k++) {
			struct mandatory_item *it = &items[k];
			if (((it->how == MAND_KIND || it->how == MAND_TREATED) && !e->duplicate &&
			    strcmp(e->kind->name, it->kind) == 0) || /* schema errors are reported as such */
			    (it->how == MAND_MEASURED && S_is(e, "objective") && S_measured(e)) ||
			    (it->how == MAND_CORRECTED && S_is(e, "finding") && S_acted_on(e))) {
				S_note(it);
				if (it->record == NULL)
					it->record = e;
			}
		}
	}
	for (int k = 0; k < MANDATORY_N; k++)
		if (items[k].how == MAND_GENERATED)
			items[k].found = 1;
		else if (items[k].how == MAND_TREATED && untreated > 0)
			items[k].found = 0;
}
