/*
 * reftab.c -- reference tables (the TSV files of ref/, oms-tsv(5)): read
 * one whole, look its rows up by code, by code and day, or by a second
 * column.  The one reader of F014, Q015, the texts of rules.tsv, the
 * tables the rules name (ksg.tsv ...) and the insurers' F002 (reftab.h;
 * oms_ref_* of oms.h for cmd/).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"
#include "reftab.h"

struct oms_ref {
	struct omsi_arena	 arena;		/* the fields and codes */
	const struct omsi_refspec *spec;	/* borrowed while reading */
	size_t			 ncols;
	struct omsi_refrow	*rows;
	const char		**f;		/* ncols per row */
	size_t			 n, cap;
	struct omsi_hash	 idx;		/* code -> 1 + its first row */
	struct omsi_hash	 aidx;		/* alt -> 1 + its first row */
};

/* A date column: "" (or no column) is open, else YYYY-MM-DD. */
static int
date_field(const struct oms_rec *rec, int col, long *days)
{
	if (col == -1 || rec->f[col][0] == '\0') {
		*days = -1;
		return (0);
	}
	return (oms_date_parse(rec->f[col], days));
}

/* Append row n to the chain of key in h (file order). */
static int
chain(struct oms_ref *t, struct omsi_hash *h, const char *key, int alt)
{
	size_t i, first;
	size_t *next;

	if (!omsi_hash_get(h, key, &first))
		return (omsi_hash_put(h, key, t->n + 1));
	for (i = first - 1;; i = *next - 1) {
		next = alt ? &t->rows[i].anext : &t->rows[i].next;
		if (*next == 0)
			break;
	}
	*next = t->n + 1;
	return (0);
}

static int
grow(struct oms_ref *t)
{
	struct omsi_refrow *rows;
	const char **f;
	size_t cap;

	if (t->n < t->cap)
		return (0);
	cap = t->cap ? t->cap * 2 : 64;
	if ((rows = reallocarray(t->rows, cap, sizeof(*rows))) == NULL)
		return (-1);
	t->rows = rows;
	if ((f = reallocarray(t->f, cap * t->ncols, sizeof(*f))) == NULL)
		return (-1);
	t->f = f;
	t->cap = cap;
	return (0);
}

/* Add rec as row t->n; 1 added, 0 left out (OMSI_REF_FIRST), -1 ENOMEM. */
static int
add(struct oms_ref *t, const struct oms_rec *rec, const int *col, int calt,
    long from, long to)
{
	const struct omsi_refspec *sp = t->spec;
	const char **f;
	size_t i, j;

	if (sp->dup == OMSI_REF_FIRST &&
	    omsi_hash_get(&t->idx, rec->f[col[0]], NULL))
		return (0);
	if (grow(t) == -1)
		return (-1);
	f = &t->f[t->n * t->ncols];
	for (i = 0; i < t->ncols; i++)
		if ((f[i] = col[i] == -1 ? "" : omsi_arena_strdup(&t->arena,
		    rec->f[col[i]])) == NULL)
			return (-1);
	t->rows[t->n].from = from;
	t->rows[t->n].to = to;
	t->rows[t->n].next = t->rows[t->n].anext = 0;
	if (sp->dup == OMSI_REF_ALL) {
		if (chain(t, &t->idx, f[0], 0) == -1)
			return (-1);
	} else if (omsi_hash_put(&t->idx, f[0], t->n + 1) == -1)
		return (-1);
	if (calt != -1 && rec->f[calt][0] != '\0') {
		const char *a = NULL;

		for (j = 0; j < t->ncols; j++)
			if (col[j] == calt)
				a = f[j];
		if (a == NULL && (a = omsi_arena_strdup(&t->arena,
		    rec->f[calt])) == NULL)
			return (-1);
		if (chain(t, &t->aidx, a, 1) == -1)
			return (-1);
	}
	t->n++;
	return (1);
}

struct oms_ref *
omsi_ref_read(FILE *fp, const char *name, const struct omsi_refspec *sp,
    struct oms_err *err)
{
	struct oms_ref *t;
	struct oms_tsv *tsv = NULL;
	struct oms_rec rec;
	int *col = NULL, cfrom, cto, calt, rc = -1;
	long from, to;
	size_t i;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		goto nomem;
	omsi_arena_init(&t->arena);
	omsi_hash_init(&t->idx);
	omsi_hash_init(&t->aidx);
	if ((col = calloc(sp->ncols, sizeof(*col))) == NULL)
		goto nomem;
	t->spec = sp;
	t->ncols = sp->ncols;
	if ((tsv = oms_tsv_open(fp, name, err)) == NULL)
		goto fail;
	for (i = 0; i < sp->ncols; i++)
		if ((col[i] = oms_tsv_col(tsv, sp->cols[i])) == -1 &&
		    i < sp->nreq) {
			if (sp->nocol != NULL)
				oms_err_set(err, OMS_EDATA, name, 1, "%s",
				    sp->nocol);
			else
				oms_err_set(err, OMS_EDATA, name, 1,
				    "no column \"%s\"", sp->cols[i]);
			goto fail;
		}
	cfrom = sp->from != NULL ? oms_tsv_col(tsv, sp->from) : -1;
	cto = sp->to != NULL ? oms_tsv_col(tsv, sp->to) : -1;
	calt = sp->alt != NULL ? oms_tsv_col(tsv, sp->alt) : -1;
	while ((rc = oms_tsv_next(tsv, &rec, err)) == 1) {
		if (sp->skip_empty && rec.f[col[0]][0] == '\0')
			continue;
		if (date_field(&rec, cfrom, &from) == -1 ||
		    date_field(&rec, cto, &to) == -1) {
			oms_err_set(err, OMS_EDATA, name, rec.lineno, "%s",
			    sp->baddate != NULL ? sp->baddate :
			    "a validity date is not YYYY-MM-DD");
			goto fail;
		}
		if (sp->dup == OMSI_REF_ONCE &&
		    omsi_hash_get(&t->idx, rec.f[col[0]], NULL)) {
			oms_err_set(err, OMS_EDATA, name, rec.lineno,
			    "code \"%s\" twice", rec.f[col[0]]);
			goto fail;
		}
		if (add(t, &rec, col, calt, from, to) == -1)
			goto nomem;
	}
	if (rc == -1)
		goto fail;
	oms_tsv_free(tsv);
	free(col);
	t->spec = NULL;
	return (t);
nomem:
	oms_err_set(err, OMS_ENOMEM, sp->nomem_file ? name : NULL, 0,
	    "out of memory");
fail:
	oms_tsv_free(tsv);
	free(col);
	oms_ref_free(t);
	return (NULL);
}

struct oms_ref *
omsi_ref_load(const char *path, const struct omsi_refspec *sp,
    struct oms_err *err)
{
	struct oms_ref *t;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		oms_err_sys(err, errno, path, "%s", sp->open_what);
		return (NULL);
	}
	t = omsi_ref_read(fp, path, sp, err);
	fclose(fp);
	return (t);
}

size_t
omsi_ref_count(const struct oms_ref *t)
{
	return (t->n);
}

const struct omsi_refrow *
omsi_ref_row(const struct oms_ref *t, size_t i)
{
	return (&t->rows[i]);
}

const char *const *
omsi_ref_fields(const struct oms_ref *t, size_t i)
{
	return (&t->f[i * t->ncols]);
}

int
omsi_ref_get(const struct oms_ref *t, const char *code, size_t *row)
{
	size_t i;

	if (!omsi_hash_get(&t->idx, code, &i))
		return (0);
	if (row != NULL)
		*row = i - 1;
	return (1);
}

/*
 * The codes are not reused, only closed and renamed: the row valid on
 * day, else the one valid last.
 */
int
omsi_ref_find(const struct oms_ref *t, int alt, const char *code, long day,
    size_t *row)
{
	const struct omsi_refrow *e, *best = NULL;
	size_t i;

	if (!omsi_hash_get(alt ? &t->aidx : &t->idx, code, &i))
		return (0);
	for (; i != 0; i = alt ? e->anext : e->next) {
		e = &t->rows[i - 1];
		if (day != -1 && (e->from == -1 || e->from <= day) &&
		    (e->to == -1 || day <= e->to)) {
			best = e;
			break;
		}
		if (best == NULL || (best->to != -1 &&
		    (e->to == -1 || e->to > best->to)))
			best = e;
	}
	*row = (size_t)(best - t->rows);
	return (1);
}

/* ---------------------------------------------------- oms_ref_* (oms.h) */

struct oms_ref *
oms_ref_read(FILE *fp, const char *name, const char *const *cols,
    size_t ncols, size_t nreq, struct oms_err *err)
{
	struct omsi_refspec sp;

	memset(&sp, 0, sizeof(sp));
	sp.cols = cols;
	sp.ncols = ncols;
	sp.nreq = nreq;
	sp.dup = OMSI_REF_LAST;
	return (omsi_ref_read(fp, name, &sp, err));
}

const char *const *
oms_ref_get(const struct oms_ref *t, const char *code)
{
	size_t i;

	if (t == NULL || !omsi_ref_get(t, code, &i))
		return (NULL);
	return (omsi_ref_fields(t, i));
}

void
oms_ref_free(struct oms_ref *t)
{
	if (t == NULL)
		return;
	omsi_hash_release(&t->idx);
	omsi_hash_release(&t->aidx);
	omsi_arena_release(&t->arena);
	free(t->rows);
	free(t->f);
	free(t);
}
