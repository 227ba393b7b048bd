/*
 * reasons.c -- the texts of refusal codes: F014 (МЭК, МЭЭ, ЭКМП reasons),
 * Q015 (the federal ФЛК checks) and oms's own rule table
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"

/* T_OSN: F014 again, by its Osn ("5.1.3"), which yar76 replies name */
enum { T_F014, T_Q015, T_RULES, T_OSN, NTABLES };

struct rentry {
	const char	*osn;		/* F014 Osn, or "" */
	const char	*text;
	long		 from, to;	/* valid days; -1 = open */
	size_t		 next;		/* the next row with the same code, or 0 */
};

struct rtable {
	struct omsi_hash  idx;		/* code -> 1 + index of its first row */
	struct rentry	 *e;
	size_t		  n, cap;
};

struct oms_reasons {
	struct omsi_arena arena;
	struct rtable	  t[NTABLES];
};

static int
add(struct oms_reasons *r, struct rtable *t, const char *code,
    const char *osn, const char *text, long from, long to)
{
	struct rentry *e;
	size_t i, first;
	const char *k;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		if ((e = reallocarray(t->e, cap, sizeof(*e))) == NULL)
			return (-1);
		t->e = e;
		t->cap = cap;
	}
	e = &t->e[t->n];
	e->from = from;
	e->to = to;
	e->next = 0;
	if ((e->osn = omsi_arena_strdup(&r->arena, osn)) == NULL ||
	    (e->text = omsi_arena_strdup(&r->arena, text)) == NULL)
		return (-1);
	if (omsi_hash_get(&t->idx, code, &first)) {
		for (i = first - 1; t->e[i].next != 0; i = t->e[i].next - 1)
			;
		t->e[i].next = t->n + 1;
	} else if ((k = omsi_arena_strdup(&r->arena, code)) == NULL ||
	    omsi_hash_put(&t->idx, k, t->n + 1) == -1)
		return (-1);
	t->n++;
	return (0);
}

static int
need(const struct oms_tsv *tsv, const char *col, const char *name,
    struct oms_err *err)
{
	int c;

	if ((c = oms_tsv_col(tsv, col)) == -1)
		return (oms_err_set(err, OMS_EDATA, name, 1,
		    "no column \"%s\"", col));
	return (c);
}

/* A date column: "" is open, anything else must be YYYY-MM-DD. */
static int
date_field(const struct oms_rec *rec, int col, long *days)
{
	if (col == -1 || rec->f[col][0] == '\0') {
		*days = -1;
		return (0);
	}
	return (oms_date_parse(rec->f[col], days));
}

static int
load(struct oms_reasons *r, int which, const char *path, struct oms_err *err)
{
	struct oms_tsv *tsv;
	struct oms_rec rec;
	FILE *fp;
	int ccode, ctext, cosn = -1, cfrom = -1, cto = -1, rc;
	long from, to;

	if ((fp = fopen(path, "r")) == NULL)
		return (oms_err_sys(err, errno, path, "open"));
	if ((tsv = oms_tsv_open(fp, path, err)) == NULL) {
		fclose(fp);
		return (-1);
	}
	rc = -1;
	if ((ccode = need(tsv, which == T_RULES ? "id" : "code", path,
	    err)) == -1 || (ctext = need(tsv, which == T_RULES ? "message" :
	    "name", path, err)) == -1)
		goto out;
	if (which == T_F014) {
		cosn = oms_tsv_col(tsv, "osn");
		cfrom = oms_tsv_col(tsv, "from");
		cto = oms_tsv_col(tsv, "to");
	}
	while ((rc = oms_tsv_next(tsv, &rec, err)) == 1) {
		if (rec.f[ccode][0] == '\0')
			continue;
		if (date_field(&rec, cfrom, &from) == -1 ||
		    date_field(&rec, cto, &to) == -1) {
			rc = oms_err_set(err, OMS_EDATA, path, rec.lineno,
			    "a validity date is not YYYY-MM-DD");
			break;
		}
		/* a rule id appears once per check; its first message will do */
		if (which == T_RULES &&
		    omsi_hash_get(&r->t[which].idx, rec.f[ccode], NULL))
			continue;
		if (add(r, &r->t[which], rec.f[ccode], cosn == -1 ? "" :
		    rec.f[cosn], rec.f[ctext], from, to) == -1 ||
		    (cosn != -1 && rec.f[cosn][0] != '\0' && add(r,
		    &r->t[T_OSN], rec.f[cosn], rec.f[cosn], rec.f[ctext],
		    from, to) == -1)) {
			rc = oms_err_set(err, OMS_ENOMEM, path, 0,
			    "out of memory");
			break;
		}
	}
out:
	oms_tsv_free(tsv);
	fclose(fp);
	return (rc == 0 ? 0 : -1);
}

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
	omsi_arena_init(&r->arena);
	for (i = 0; i < NTABLES; i++)
		omsi_hash_init(&r->t[i].idx);
	path[T_F014] = f014;
	path[T_Q015] = q015;
	path[T_RULES] = rules;
	path[T_OSN] = NULL;	/* filled with F014 */
	for (i = 0; i < NTABLES; i++)
		if (path[i] != NULL && load(r, i, path[i], err) == -1) {
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
	for (i = 0; i < NTABLES; i++) {
		omsi_hash_release(&r->t[i].idx);
		free(r->t[i].e);
	}
	omsi_arena_release(&r->arena);
	free(r);
}

/*
 * The row of code valid on day; failing that (or with day -1) the row
 * valid last: the codes are not reused, only closed and renamed.
 */
static const struct rentry *
find(const struct rtable *t, const char *code, long day)
{
	const struct rentry *e, *best = NULL;
	size_t i;

	if (!omsi_hash_get(&t->idx, code, &i))
		return (NULL);
	for (; i != 0; i = e->next) {
		e = &t->e[i - 1];
		if (day != -1 && (e->from == -1 || e->from <= day) &&
		    (e->to == -1 || day <= e->to))
			return (e);
		if (best == NULL || (best->to != -1 &&
		    (e->to == -1 || e->to > best->to)))
			best = e;
	}
	return (best);
}

const char *
oms_reasons_text(const struct oms_reasons *r, int stage, const char *code,
    long day, const char **osn)
{
	static const int flk[] = { T_Q015, T_RULES, T_F014 };
	static const int other[] = { T_F014, T_Q015, T_RULES };
	const int *order = stage == OMS_STAGE_FLK ? flk : other;
	const struct rentry *e;
	int i;

	char base[64], *dot;

	for (i = 0; i < NTABLES - 1; i++)
		if ((e = find(&r->t[order[i]], code, day)) != NULL)
			goto found;
	/*
	 * Not a code of any table: the base of refusal it may be (F014's
	 * Osn, as the Yaroslavl defect codes look), or a refinement of one
	 * ("5.1.4.01" of "5.1.4").
	 */
	snprintf(base, sizeof(base), "%s", code);
	for (;;) {
		if ((e = find(&r->t[T_OSN], base, day)) != NULL)
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
	if (osn != NULL)
		*osn = e->osn;
	return (e->text);
}
