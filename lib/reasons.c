/*
 * reasons.c -- the texts of refusal codes: F014 (МЭК, МЭЭ, ЭКМП reasons),
 * Q015 (the federal ФЛК checks) and oms's own rule table
 */
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"
#include "reftab.h"

enum { T_F014, T_Q015, T_RULES, NTABLES };

static const char *const f014cols[] = { "code", "name", "osn" };
static const char *const q015cols[] = { "code", "name" };
static const char *const rulecols[] = { "id", "message" };

/*
 * F014 keeps every row of a code (they are dated) and is looked up by its
 * Osn too; a rule id appears once per check, its first message will do.
 */
static const struct omsi_refspec specs[NTABLES] = {
	[T_F014] = { f014cols, 3, 2, "from", "to", "osn", OMSI_REF_ALL, 1,
	    "open", NULL, NULL, 1 },
	[T_Q015] = { q015cols, 2, 2, NULL, NULL, NULL, OMSI_REF_ALL, 1,
	    "open", NULL, NULL, 1 },
	[T_RULES] = { rulecols, 2, 2, NULL, NULL, NULL, OMSI_REF_FIRST, 1,
	    "open", NULL, NULL, 1 },
};

struct oms_reasons {
	struct oms_ref	*t[NTABLES];	/* NULL when absent */
};

struct oms_reasons *
oms_reasons_load(const char *f014, const char *q015, const char *rules,
    struct oms_err *err)
{
	struct oms_reasons *r;
	const char *path[NTABLES];
	int i;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	path[T_F014] = f014;
	path[T_Q015] = q015;
	path[T_RULES] = rules;
	for (i = 0; i < NTABLES; i++)
		if (path[i] != NULL && (r->t[i] = omsi_ref_load(path[i],
		    &specs[i], err)) == NULL) {
			oms_reasons_free(r);
			return (NULL);
		}
	return (r);
}

void
oms_reasons_free(struct oms_reasons *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < NTABLES; i++)
		oms_ref_free(r->t[i]);
	free(r);
}

/* Row *row of table which has code (by Osn when alt) on day. */
static int
find(const struct oms_reasons *r, int which, int alt, const char *code,
    long day, size_t *row)
{
	return (r->t[which] != NULL &&
	    omsi_ref_find(r->t[which], alt, code, day, row));
}

const char *
oms_reasons_text(const struct oms_reasons *r, int stage, const char *code,
    long day, const char **osn)
{
	static const int flk[] = { T_Q015, T_RULES, T_F014 };
	static const int other[] = { T_F014, T_Q015, T_RULES };
	const int *order = stage == OMS_STAGE_FLK ? flk : other;
	const char *const *f;
	char base[64], *dot;
	size_t row;
	int i, which;

	for (i = 0; i < NTABLES; i++)
		if (find(r, which = order[i], 0, code, day, &row))
			goto found;
	/*
	 * Not a code of any table: the base of refusal it may be (F014's
	 * Osn, as the Yaroslavl defect codes look), or a refinement of one
	 * ("5.1.4.01" of "5.1.4").
	 */
	snprintf(base, sizeof(base), "%s", code);
	for (;;) {
		if (find(r, which = T_F014, 1, base, day, &row))
			goto found;
		if ((dot = strrchr(base, '.')) == NULL ||
		    strchr(base, '.') == dot)
			break;
		*dot = '\0';
	}
	if (osn != NULL)
		*osn = "";
	return (NULL);
found:
	f = omsi_ref_fields(r->t[which], row);
	if (osn != NULL)
		*osn = which == T_F014 ? f[2] : "";
	return (f[1]);
}
