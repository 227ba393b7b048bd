/*
 * analyze-group.c -- oms-analyze's summary lines (by total, state, stage,
 * reason, payer, kind, department and doctor, in print order) and the
 * lists of refused accounts
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cli.h"

static const char *const bynames[] = {
	"total", "state", "stage", "reason", "payer", "kind", "dept", "doctor",
	"payer_total", "contradiction"
};
#define NBY	(sizeof(bynames) / sizeof(bynames[0]))

/* One account under one key of one breakdown, before they are summed. */
struct gitem {
	int		 by;
	const char	*key;
	const char	*name;
	const struct arow *r;
};

static void
add_item(struct analyze *an, struct gitem **v, size_t *n, size_t *cap,
    int by, const char *key, const char *name, const struct arow *r)
{
	(void)an;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[*n].by = by;
	(*v)[*n].key = key;
	(*v)[*n].name = name;
	(*v)[*n].r = r;
	(*n)++;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct gitem *x = a, *y = b;

	if (x->by != y->by)
		return (x->by < y->by ? -1 : 1);
	return (strcmp(x->key, y->key));
}

size_t
by_rank(const char *by)
{
	size_t i;

	for (i = 0; i < NBY; i++)
		if (strcmp(bynames[i], by) == 0)
			return (i);
	return (NBY);
}

static int
cmp_group(const void *a, const void *b)
{
	const struct agroup *x = a, *y = b;
	size_t rx = by_rank(x->by), ry = by_rank(y->by);

	if (rx != ry)
		return (rx < ry ? -1 : 1);
	if (rx == 0)		/* total: all, then refused */
		return (strcmp(x->key, "all") == 0 ? -1 :
		    strcmp(y->key, "all") == 0);
	if (rx == by_rank("contradiction")) {	/* as the ledger has them */
		int c = strcmp(x->key, y->key);

		return (c != 0 ? c : strcmp(x->name, y->name));
	}
	if (x->refused != y->refused)
		return (x->refused > y->refused ? -1 : 1);
	return (strcmp(x->key, y->key));
}

void
group_refused(struct analyze *an, struct agroup *all, struct agroup *st)
{
	struct gitem *v = NULL;
	struct agroup *g;
	struct arow *r;
	const char *p, *osn, *code;
	char *buf = NULL;
	size_t i, n, nv = 0, cap = 0, bcap = 0;

	/*
	 * Every row is in "total all" and in its state: those few groups
	 * are summed here; only refused rows, a few in a hundred, go
	 * through the sort that makes the other groups.
	 */
	*all = an->pre_all;
	memcpy(st, an->pre_st, sizeof(an->pre_st));
	for (i = 0; i < an->nrow; i++) {
		r = &an->row[i];
		all->accounts++;
		all->claimed += r->claimed;
		all->refused += r->refused;
		if (r->state >= 0 && r->state < OMS_ST_NSTATES) {
			st[r->state].accounts++;
			st[r->state].claimed += r->claimed;
			st[r->state].refused += r->refused;
		}
		if (!is_refused(r))
			continue;
		add_item(an, &v, &nv, &cap, 0, "refused", "", r);
		add_item(an, &v, &nv, &cap, 2, r->stage, "", r);
		for (p = r->reasons; *p != '\0'; p += n + (p[n] == ',')) {
			n = strcspn(p, ",");
			if (n == 0)
				continue;
			if (n >= bcap) {	/* any code whole */
				bcap = n + 64;
				buf = xreallocarray(buf, bcap, 1);
			}
			memcpy(buf, p, n);
			buf[n] = '\0';
			code = keep(an, buf);
			add_item(an, &v, &nv, &cap, 3, code, code_text(an, r,
			    code, &osn), r);
		}
		add_item(an, &v, &nv, &cap, 4, r->payer, "", r);
		add_item(an, &v, &nv, &cap, 5, r->kind, "", r);
		add_item(an, &v, &nv, &cap, 6, r->dept, "", r);
		add_item(an, &v, &nv, &cap, 7, r->doctor, "", r);
	}
	free(buf);
	if (nv > 0)
		qsort(v, nv, sizeof(*v), cmp_item);
	for (i = 0; i < nv; i++) {
		if (i == 0 || cmp_item(&v[i - 1], &v[i]) != 0)
			(void)new_group(an, bynames[v[i].by], v[i].key,
			    v[i].name);
		g = &an->g[an->ng - 1];
		g->accounts++;
		g->claimed += v[i].r->claimed;
		g->refused += v[i].r->refused;
	}
	free(v);
}

void
group_finish(struct analyze *an, const struct agroup *all,
    const struct agroup *st)
{
	struct agroup *g;
	size_t i;

	for (i = 0; i <= OMS_ST_NSTATES; i++) {
		const struct agroup *src = i == 0 ? all : &st[i - 1];

		if (src->accounts == 0)
			continue;
		g = new_group(an, bynames[i == 0 ? 0 : 1], i == 0 ? "all" :
		    oms_state_name((int)i - 1), "");
		g->accounts = src->accounts;
		g->claimed = src->claimed;
		g->refused = src->refused;
	}
	if (an->ng > 0)
		qsort(an->g, an->ng, sizeof(*an->g), cmp_group);
}

static int
cmp_row(const void *a, const void *b)
{
	const struct arow *x = *(struct arow *const *)a;
	const struct arow *y = *(struct arow *const *)b;
	int c;

	if ((c = strcmp(x->period, y->period)) != 0 ||
	    (c = strcmp(x->registry, y->registry)) != 0)
		return (c);
	return (strcmp(x->account, y->account));
}

/* The refused accounts, and what -r lists of them. */
void
lists(struct analyze *an)
{
	struct arow *r;
	size_t i;

	an->refused = xreallocarray(NULL, an->nrow + 1, sizeof(*an->refused));
	an->list = xreallocarray(NULL, an->nrow + 1, sizeof(*an->list));
	for (i = 0; i < an->nrow; i++) {
		r = &an->row[i];
		if (!is_refused(r))
			continue;
		row_text(an, r);
		an->refused[an->nrefused++] = r;
		if (r->state == OMS_ST_REJECTED || an->partial)
			an->list[an->nlist++] = r;
	}
	if (an->nrefused > 0)
		qsort(an->refused, an->nrefused, sizeof(*an->refused), cmp_row);
	if (an->nlist > 0)
		qsort(an->list, an->nlist, sizeof(*an->list), cmp_row);
}
