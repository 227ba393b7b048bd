/*
 * rules.c -- field rules as data: check records against the rule table
 * (loaded by rules_load.c); the person rules, checked with the persons
 *
 * A ZAP rule whose paths step into PERS is about the case and its
 * patient's PERS together (H<->L).  The cases are streamed before the
 * persons, so such a rule is not checked on the case: the case is kept,
 * pruned to the elements those rules name, under its link (registry and
 * ID_PAC), and checked when that person is, with the PERS as its last
 * child (in the record's index: the tree is not changed, nor the PERS
 * copied).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>	/* xmlStringText */

#include "rules_int.h"

/* ---------------------------------------------------------- evaluation */

static int
nodes_add(struct rnodes *ns, xmlNodePtr n, int x)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 16;
		xmlNodePtr *v = reallocarray(ns->v, cap, sizeof(*v));
		int *xv;

		if (v == NULL)
			return (-1);
		ns->v = v;
		if ((xv = reallocarray(ns->x, cap, sizeof(*xv))) == NULL)
			return (-1);
		ns->x = xv;
		ns->cap = cap;
	}
	ns->v[ns->n] = n;
	ns->x[ns->n++] = x;
	return (0);
}

unsigned
omsi_rules_id(const struct oms_rules *rs, const char *name)
{
	size_t id;

	return (omsi_hash_get(&rs->ids, name, &id) ? (unsigned)id : 0);
}

unsigned
omsi_rules_node_id(struct oms_rules *rs, xmlNodePtr n)
{
	struct namecache *c;
	xmlDictPtr dict;
	size_t h, k;
	unsigned id;

	if (n->doc == NULL || (dict = n->doc->dict) == NULL)
		return (omsi_rules_id(rs, (const char *)n->name));
	if (rs->nc[0].dict == dict)
		c = &rs->nc[0];
	else if (rs->nc[1].dict == dict)
		c = &rs->nc[1];
	else {
		c = &rs->nc[rs->ncnext];
		rs->ncnext ^= 1;
		if (c->dict != NULL)
			xmlDictFree(c->dict);	/* our reference */
		memset(c, 0, sizeof(*c));
		if (xmlDictReference(dict) == -1)
			return (omsi_rules_id(rs, (const char *)n->name));
		c->dict = dict;
	}
	h = (size_t)(((uintptr_t)n->name >> 3) * 0x9E3779B97F4A7C15ULL >> 32);
	for (k = h & (NC_SLOTS - 1); c->key[k] != NULL;
	    k = (k + 1) & (NC_SLOTS - 1))
		if (c->key[k] == n->name)
			return (c->id[k]);
	id = omsi_rules_id(rs, (const char *)n->name);
	if (c->n < NC_SLOTS / 2 && xmlDictOwns(dict, n->name) == 1) {
		c->key[k] = n->name;
		c->id[k] = id;
		c->n++;
	}
	return (id);
}

/* Room for one more node in ix; -1 on no memory. */
static int
ix_grow(struct rindex *ix)
{
	struct rixnode *v;
	size_t cap = ix->cap ? ix->cap * 2 : 256;

	if ((v = reallocarray(ix->v, cap, sizeof(*v))) == NULL)
		return (-1);
	ix->v = v;
	ix->cap = cap;
	return (0);
}

/* Add n, a child of v[parent] with name id, to ix; -1 on no memory. */
static inline int
ix_add(struct rindex *ix, xmlNodePtr n, int parent, unsigned id)
{
	struct rixnode *v;

	if (ix->n == ix->cap && ix_grow(ix) == -1)
		return (-1);
	v = &ix->v[ix->n++];
	v->n = n;
	v->parent = parent;
	v->id = id;
	v->kid0 = v->nkid = 0;
	return (0);
}

int
omsi_rules_index(struct oms_rules *rs, xmlNodePtr rec, xmlNodePtr graft)
{
	struct rindex *ix = &rs->ix;
	struct rixnode t;
	xmlNodePtr c;
	size_t i, j, k, k0;
	unsigned id;

	ix->n = 0;
	if (ix_add(ix, rec, -1, 0) == -1)
		return (-1);
	for (i = 0; i < ix->n; i++) {
		k0 = ix->n;
		for (c = ix->v[i].n->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    (id = omsi_rules_node_id(rs, c)) != 0 &&
			    ix_add(ix, c, (int)i, id) == -1)
				return (-1);
		if (i == 0 && graft != NULL &&
		    (id = omsi_rules_node_id(rs, graft)) != 0 &&
		    ix_add(ix, graft, 0, id) == -1)
			return (-1);
		ix->v[i].kid0 = (unsigned)k0;
		ix->v[i].nkid = (unsigned)(ix->n - k0);
		/* by id, stable: document order among the same names */
		for (j = k0 + 1; j < ix->n; j++) {
			t = ix->v[j];
			for (k = j; k > k0 && ix->v[k - 1].id > t.id; k--)
				ix->v[k] = ix->v[k - 1];
			ix->v[k] = t;
		}
	}
	return (0);
}

static int collect_steps(const struct rindex *, int, xmlNodePtr,
    const struct cpath *, size_t, struct rnodes *);

/*
 * The steps s[k..] of p from n, in the tree (strcmp): above the record,
 * back in the index at the record.
 */
static int
collect_tree(const struct rindex *ix, xmlNodePtr n, const struct cpath *p,
    size_t k, struct rnodes *out)
{
	xmlNodePtr c;

	for (; n != NULL && k < p->n && p->s[k] == NULL; k++)
		n = n->parent;
	if (n == NULL)
		return (0);
	if (n == ix->v[0].n)
		return (collect_steps(ix, 0, n, p, k, out));
	if (k == p->n)
		return (nodes_add(out, n, -1));
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, p->s[k]) == 0 &&
		    collect_tree(ix, c, p, k + 1, out) == -1)
			return (-1);
	return (0);
}

/* The first of the children of v[x] with name id or after it. */
static size_t
first_kid(const struct rindex *ix, int x, unsigned id)
{
	size_t lo = ix->v[x].kid0, hi = lo + ix->v[x].nkid, mid;

	if (hi - lo <= 8) {		/* a few: one after the other */
		while (lo < hi && ix->v[lo].id < id)
			lo++;
		return (lo);
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ix->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/*
 * The steps p[k..] from v[x] of the index, or from n in the tree when x
 * is -1: the nodes in the order a walk of the tree finds them.  A step
 * goes on in the loop with the last child it matches, the others before
 * it by a call each: most steps match one child.
 */
static int
collect_steps(const struct rindex *ix, int x, xmlNodePtr n,
    const struct cpath *p, size_t k, struct rnodes *out)
{
	size_t lo, end;
	unsigned id;

	for (;;) {
		if (x < 0)
			return (collect_tree(ix, n, p, k, out));
		for (; k < p->n && p->id[k] == 0; k++)
			if ((x = ix->v[x].parent) < 0)
				return (collect_tree(ix, ix->v[0].n->parent, p,
				    k + 1, out));
		if (k == p->n)
			return (nodes_add(out, ix->v[x].n, x));
		id = p->id[k];
		lo = first_kid(ix, x, id);
		end = ix->v[x].kid0 + ix->v[x].nkid;
		if (lo == end || ix->v[lo].id != id)
			return (0);
		for (; lo + 1 < end && ix->v[lo + 1].id == id; lo++)
			if (collect_steps(ix, (int)lo, ix->v[lo].n, p, k + 1,
			    out) == -1)
				return (-1);
		x = (int)lo;
		n = ix->v[lo].n;
		k++;
	}
}

/*
 * What omsi_path_text(n, path) gives, path compiled as p, from v[x] of
 * the index (n in the tree when x is -1): the first child of the name at
 * every step.
 */
static const char *
path_text(const struct rindex *ix, int x, xmlNodePtr n, const struct cpath *p)
{
	size_t k, lo, hi, mid, end;

	if (p->nul)
		return (NULL);
	for (k = 0; k < p->n; k++) {
		if (x < 0)
			n = p->s[k] == NULL ? n->parent : omsi_child(n,
			    p->s[k]);
		else if (p->id[k] == 0) {
			if ((x = ix->v[x].parent) < 0)
				n = ix->v[0].n->parent;
		} else {
			lo = ix->v[x].kid0;
			hi = end = lo + ix->v[x].nkid;
			while (lo < hi) {
				mid = lo + (hi - lo) / 2;
				if (ix->v[mid].id < p->id[k])
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == end || ix->v[lo].id != p->id[k])
				return (NULL);
			x = (int)lo;
		}
		if (x < 0 && n == NULL)
			return (NULL);
		if (x < 0 && n == ix->v[0].n)
			x = 0;		/* back at the record */
	}
	return (omsi_text(x < 0 ? n : ix->v[x].n));
}

int
omsi_rules_collect(struct oms_rules *rs, int x, xmlNodePtr n,
    const struct cpath *p, struct rnodes *out)
{
	out->n = 0;
	return (collect_steps(&rs->ix, x, n, p, 0, out));
}

/*
 * Is s one of the strings plain pattern p matches?  A one-byte subject
 * by its bit, another among the literals.
 */
static int
plain_match(const struct plain *p, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	const char *l;

	if (u[0] != '\0' && u[1] == '\0')
		return ((p->one[u[0] >> 3] >> (u[0] & 7)) & 1);
	for (l = p->lit; *l != '\0'; l += strlen(l) + 1)
		if (strcmp(l, s) == 0)
			return (1);
	return (0);
}

/*
 * Does s match re (pl, when the pattern is plain)?  Compiled by JIT
 * where it can be; a JIT match that fails otherwise than by no match
 * (its stack, a limit) is run again interpreted, so the answer is always
 * the interpreter's.
 */
static int
re_match(struct oms_rules *rs, pcre2_code *re, const struct plain *pl,
    const char *s)
{
	const unsigned char *p;
	int rc = PCRE2_ERROR_JIT_BADOPTION;

	if (pl != NULL)
		return (plain_match(pl, s));
	/*
	 * ASCII is UTF-8 as pcre2_match would check it is: straight to the
	 * JIT code (pcre2_jit_match, what pcre2_match calls after its
	 * checks), when the pattern has it.
	 */
	for (p = (const unsigned char *)s; *p != '\0' && *p < 0x80; p++)
		continue;
	if (*p == '\0')
		rc = pcre2_jit_match(re, (PCRE2_SPTR)s,
		    (PCRE2_SIZE)(p - (const unsigned char *)s), 0, 0, rs->md,
		    NULL);
	if (rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(re, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0,
		    0, rs->md, NULL);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		rc = pcre2_match(re, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0,
		    PCRE2_NO_JIT, rs->md, NULL);
	return (rc >= 0);
}

/* Is s a code of t (of its alt column when alt)? */
static int
in_table(const struct reftab *t, int alt, const char *s)
{
	size_t row;

	return (omsi_ref_find(t->t, alt, s, -1, &row));
}

/* Full years from the date at path a to the date at path b, or -1. */
static long
years_between(const struct oms_rules *rs, xmlNodePtr ctx, int cx,
    const struct cond *c)
{
	const char *da = path_text(&rs->ix, cx, ctx, &c->cp);
	const char *db = path_text(&rs->ix, cx, ctx, &c->cp2);
	int ya, ma, dda, yb, mb, ddb;
	long y;

	if (da == NULL || db == NULL ||
	    sscanf(da, "%4d-%2d-%2d", &ya, &ma, &dda) != 3 ||
	    sscanf(db, "%4d-%2d-%2d", &yb, &mb, &ddb) != 3)
		return (-1);
	y = yb - ya;
	if (mb < ma || (mb == ma && ddb < dda))
		y--;
	return (y);
}

/*
 * Does cond c hold on v[j] of context cx, before its !: the nodes of its
 * path, any of them in its table or matching its pattern (or there).
 */
static int
cond_hit(struct oms_rules *rs, const struct cond *c, struct ctxpath *cx,
    size_t j)
{
	struct rnodes *ns = &rs->cn;
	size_t k;
	int hit = 0;

	if (omsi_rules_collect(rs, cx->ns.x[j], cx->ns.v[j], &c->cp, ns) ==
	    -1)
		return (-1);
	for (k = 0; k < ns->n && !hit; k++)
		if (c->in != NULL)
			hit = in_table(c->in, c->in_alt, omsi_text(ns->v[k]));
		else
			hit = c->re == NULL || re_match(rs, c->re, c->pl,
			    omsi_text(ns->v[k]));
	return (hit);
}

/*
 * Do r's conditions hold on v[j] of its context cx?  A condition that
 * other rules of the context share is worked out once a node and record
 * (cx->hit).
 */
static int
cond_holds(struct oms_rules *rs, const struct rule *r, struct ctxpath *cx,
    size_t j, const struct omsi_rulectx *rc)
{
	unsigned char *h;
	size_t i;
	int hit;

	for (i = 0; i < r->nconds; i++) {
		const struct cond *c = &r->conds[i];

		if (c->plat) {
			hit = rc->plat != NULL && *rc->plat != '\0';
			if (hit == c->neg)
				return (0);
			continue;
		}
		if (c->path2 != NULL) {
			long y = years_between(rs, cx->ns.v[j], cx->ns.x[j],
			    c);

			if (y < 0 || (c->years_ge ? y < c->years :
			    y >= c->years))
				return (0);
			continue;
		}
		if (c->cid < 0)
			hit = cond_hit(rs, c, cx, j);
		else if (*(h = &cx->hit[j * cx->ncid + (size_t)c->cid]) != 0)
			hit = *h - 1;
		else if ((hit = cond_hit(rs, c, cx, j)) >= 0)
			*h = (unsigned char)(1 + hit);
		if (hit == -1)
			return (-1);
		if (hit == c->neg)
			return (0);
	}
	return (1);
}

/*
 * The parts of a decimal, -?DIGITS[.DIGITS], without the zeros that do
 * not count: 0 when s is one.
 */
static int
dec_split(const char *s, int *neg, const char **ip, size_t *il,
    const char **fp, size_t *fl)
{
	const char *p = s;

	*neg = *p == '-';
	if (*neg)
		p++;
	*ip = p;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == *ip)
		return (-1);
	*il = (size_t)(p - *ip);
	*fp = p;
	*fl = 0;
	if (*p == '.') {
		*fp = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == *fp)
			return (-1);
		*fl = (size_t)(p - *fp);
	}
	if (*p != '\0')
		return (-1);
	while (*il > 1 && **ip == '0')
		(*ip)++, (*il)--;
	while (*fl > 0 && (*fp)[*fl - 1] == '0')
		(*fl)--;
	if (*il == 1 && **ip == '0' && *fl == 0)
		*neg = 0;	/* -0 is 0 */
	return (0);
}

/*
 * Compare two decimals of any length and number of digits after the
 * point (1.28 and 1.28000 are equal): -1, 0, 1, or -2 when either is no
 * decimal.
 */
static int
deccmp(const char *a, const char *b)
{
	const char *ai, *af, *bi, *bf;
	size_t ail, afl, bil, bfl, k;
	int an, bn, c = 0;
	char da, db;

	if (dec_split(a, &an, &ai, &ail, &af, &afl) == -1 ||
	    dec_split(b, &bn, &bi, &bil, &bf, &bfl) == -1)
		return (-2);
	if (an != bn)
		return (an ? -1 : 1);
	if (ail != bil)
		c = ail < bil ? -1 : 1;
	else if ((c = memcmp(ai, bi, ail)) != 0)
		c = c < 0 ? -1 : 1;
	for (k = 0; c == 0 && (k < afl || k < bfl); k++) {
		da = k < afl ? af[k] : '0';
		db = k < bfl ? bf[k] : '0';
		if (da != db)
			c = da < db ? -1 : 1;
	}
	return (an ? -c : c);
}

/*
 * oms_date_parse(s, days), the last RULES_NDATE texts remembered by
 * their bytes (a record's nodes come and go at the same addresses).
 */
static int
date_of(struct oms_rules *rs, const char *s, long *days)
{
	struct datememo *m;
	size_t i;

	if (strnlen(s, 11) != 10)
		return (-1);	/* as oms_date_parse: not 10 bytes long */
	for (i = 0; i < RULES_NDATE; i++)
		if (memcmp(rs->dm[i].s, s, 10) == 0)
			break;
	if (i == RULES_NDATE) {
		i = rs->dmnext++ % RULES_NDATE;
		memcpy(rs->dm[i].s, s, 10);
		rs->dm[i].ok = oms_date_parse(s, &rs->dm[i].days);
	}
	m = &rs->dm[i];
	if (m->ok == 0)
		*days = m->days;
	return (m->ok);
}

/* Compare a and b as dates, else as decimals: -2 when not comparable. */
static int
compare(struct oms_rules *rs, const char *a, const char *b)
{
	long da, db;
	int64_t ma, mb;

	if (date_of(rs, a, &da) == 0 && date_of(rs, b, &db) == 0)
		return (da < db ? -1 : da > db);
	if (oms_money_parse(a, &ma) == 0 && oms_money_parse(b, &mb) == 0)
		return (ma < mb ? -1 : ma > mb);
	return (-2);
}

static const char *
arg_value(const struct oms_rules *rs, const struct rule *r, xmlNodePtr ctx,
    int cx, const struct omsi_rulectx *rc, char *buf)
{
	if (r->arg[0] == '=')
		return (r->arg + 1);
	if (strcmp(r->arg, "@period_end") == 0)
		return (oms_date_fmt(rc->period_last, buf));
	if (strcmp(r->arg, "@period_start") == 0)
		return (oms_date_fmt(rc->period_first, buf));
	if (strcmp(r->arg, "@period_year") == 0) {
		oms_date_fmt(rc->period_first, buf);
		buf[4] = '\0';		/* YYYY of YYYY-MM-DD */
		return (buf);
	}
	return (path_text(&rs->ix, cx, ctx, &r->vp));
}

/* "5.1" -> 5001; versions compare as numbers, not strings */
static long
vnum(const char *v)
{
	char *end;
	long major, minor = 0;

	major = strtol(v, &end, 10);
	if (*end == '.')
		minor = strtol(end + 1, NULL, 10);
	return (major * 1000 + minor);
}

static int
applies(const struct rule *r, int scope, const struct omsi_rulectx *rc)
{
	const char *p, *e;
	size_t len;
	int hit = 0;

	if (r->scope != scope || r->off || r->dead)
		return (0);
	if (r->vmin[0] != '\0' && vnum(rc->version) < vnum(r->vmin))
		return (0);
	if (r->vmax[0] != '\0' && vnum(rc->version) > vnum(r->vmax))
		return (0);
	if (strcmp(r->kinds, "*") == 0)
		return (1);
	for (p = r->kinds; *p != '\0' && !hit; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		len = (size_t)(e - p);
		if (len >= 2 && p[len - 1] == '*')
			hit = strncmp(rc->kind, p, len - 1) == 0;
		else
			hit = strlen(rc->kind) == len &&
			    strncmp(rc->kind, p, len) == 0;
	}
	return (hit);
}

static void
fail(const struct rule *r, const struct omsi_rulectx *rc, xmlNodePtr at,
    int *nerr, const char *fmt, ...)
    __attribute__((__format__(__printf__, 5, 6)));

static void
fail(const struct rule *r, const struct omsi_rulectx *rc, xmlNodePtr at,
    int *nerr, const char *fmt, ...)
{
	char detail[300], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s%s%s", r->message,
	    detail[0] ? ": " : "", detail);
	if (!r->warning)
		(*nerr)++;
	rc->report(rc->arg, r->id, r->warning, omsi_line(at), msg);
}

/* "../../DATE_Z_1" is shown as "DATE_Z_1" */
static const char *
shown(const char *path)
{
	const char *s = strrchr(path, '/');

	return (s != NULL ? s + 1 : path);
}

static int
days_between(struct oms_rules *rs, xmlNodePtr ctx, int cx, long *days)
{
	const char *kd = path_text(&rs->ix, cx, ctx, &rs->p_kd);
	const char *d1 = path_text(&rs->ix, cx, ctx, &rs->p_d1);
	const char *d2 = path_text(&rs->ix, cx, ctx, &rs->p_d2);
	long a, b;
	char *end;

	if (kd != NULL && *kd != '\0') {
		*days = strtol(kd, &end, 10);
		return (*end == '\0' ? 0 : -1);
	}
	if (d1 == NULL || d2 == NULL || date_of(rs, d1, &a) == -1 ||
	    date_of(rs, d2, &b) == -1)
		return (-1);
	*days = b - a;
	return (0);
}

/* min_days, max_days: -1 when empty */
static long
bound(const char *v)
{
	return (*v != '\0' ? strtol(v, NULL, 10) : -1);
}

enum { REF_OK, REF_UNKNOWN, REF_NOT_FOR, REF_NOT_ON };

/*
 * Look code v up in r's table: REF_OK and *row a row of it that the
 * where columns match, valid on the day (of r->refdate from ctx, else the
 * case's Z_SL/DATE_Z_2; no day, no date check).  Otherwise why not, with
 * *what the where path that matched no row (*wp its where), or the day.
 */
static int
ref_lookup(struct oms_rules *rs, const struct rule *r, xmlNodePtr ctx,
    int cx, xmlNodePtr rec, const char *v, size_t *row, const char **what,
    const struct where **wp)
{
	const struct omsi_refrow *rw;
	const char *const *rf;
	const char *day, *w;
	size_t i, k, first;
	long d = -1;
	int match, anymatch = 0;

	if (!omsi_ref_get(r->ref->t, v, &first))
		return (REF_UNKNOWN);
	day = r->refdate != NULL ? path_text(&rs->ix, cx, ctx, &r->dp) :
	    path_text(&rs->ix, 0, rec, &rs->p_dz2);
	if (day != NULL && date_of(rs, day, &d) == -1)
		d = -1;
	*what = NULL;
	for (i = first; ; i = rw->next - 1) {
		rw = omsi_ref_row(r->ref->t, i);
		rf = omsi_ref_fields(r->ref->t, i);
		match = 1;
		for (k = 0; k < r->nwhere && match; k++) {
			w = path_text(&rs->ix, cx, ctx, &r->where[k].cp);
			if (w != NULL && *rf[r->where[k].ci] != '\0' &&
			    (r->where[k].num ?
			    deccmp(w, rf[r->where[k].ci]) != 0 :
			    strcmp(w, rf[r->where[k].ci]) != 0)) {
				match = 0;
				*what = r->where[k].path;
				*wp = &r->where[k];
			}
		}
		if (match) {
			anymatch = 1;
			if (d == -1 || ((rw->from == -1 || d >= rw->from) &&
			    (rw->to == -1 || d <= rw->to))) {
				*row = i;
				return (REF_OK);
			}
		}
		if (rw->next == 0)
			break;
	}
	if (!anymatch)
		return (REF_NOT_FOR);
	*what = day;
	return (REF_NOT_ON);
}

/* The values rule r has seen in registry reg (from 0); NULL on ENOMEM. */
static struct omsi_rset *
seen_in(struct rule *r, int reg)
{
	struct omsi_rset *v;
	size_t i, n = reg > 0 ? (size_t)reg + 1 : 1;

	if (n > r->nseen) {
		if ((v = reallocarray(r->seen, n, sizeof(*v))) == NULL)
			return (NULL);
		for (i = r->nseen; i < n; i++)
			omsi_rset_init(&v[i], 0);
		r->seen = v;
		r->nseen = n;
	}
	return (&r->seen[reg > 0 ? reg : 0]);
}

static int
check_one(struct oms_rules *rs, struct rule *r, xmlNodePtr ctx, int cx,
    xmlNodePtr rec, const struct omsi_rulectx *rc, int *nerr,
    struct oms_err *err)
{
	struct rnodes *tnp = &rs->tn, *anp = &rs->an;
	const char *v, *sv, *a;
	char buf[16], sbuf[24];
	size_t i, j;
	int c, rv = 0;
	int64_t sum, x, total;
	long days, min, max;
	const char *const *rf;
	const struct where *wp = NULL;
	struct omsi_rset *set;

	if (omsi_rules_collect(rs, cx, ctx, &r->tp, tnp) == -1)
		goto nomem;
	switch (r->check) {
	case C_REQUIRED:
		if (tnp->n == 0)
			fail(r, rc, ctx, nerr, "%s missing", r->target);
		break;
	case C_ABSENT:
		if (tnp->n > 0)
			fail(r, rc, tnp->v[0], nerr, "%s must not be present",
			    r->target);
		break;
	case C_IN_PERSONS:
		break;		/* checked by the exporter against the L file */
	case C_FAIL:
		fail(r, rc, ctx, nerr, "%s", "");
		break;
	default:
		for (i = 0; i < tnp->n; i++) {
			v = omsi_text(tnp->v[i]);
			/* personal data never goes into a message */
			sv = (tnp->x[i] > 0 ?
			    rs->personal[rs->ix.v[tnp->x[i]].id] :
			    omsi_personal((const char *)tnp->v[i]->name)) ?
			    "(hidden)" : v;
			switch (r->check) {
			case C_MATCH:
				if (!re_match(rs, r->re, r->pl, v))
					fail(r, rc, tnp->v[i], nerr, "%s is "
					    "\"%s\"", r->target, sv);
				break;
			case C_LE: case C_LT: case C_GE: case C_GT:
			case C_EQ: case C_NE:
				if ((a = arg_value(rs, r, ctx, cx, rc,
				    buf)) == NULL)
					break;	/* nothing to compare with */
				c = compare(rs, v, a);
				if (c == -2 ||
				    (r->check == C_LE && c > 0) ||
				    (r->check == C_LT && c >= 0) ||
				    (r->check == C_GE && c < 0) ||
				    (r->check == C_GT && c <= 0) ||
				    (r->check == C_EQ && c != 0) ||
				    (r->check == C_NE && c == 0))
					fail(r, rc, tnp->v[i], nerr, "%s %s, %s "
					    "%s", r->target, sv, shown(r->arg),
					    omsi_personal(shown(r->arg)) ?
					    "(hidden)" : a);
				break;
			case C_SUM:
				if (omsi_rules_collect(rs, cx, ctx, &r->ap,
				    anp) == -1)
					goto nomem;
				total = 0;
				for (j = 0; j < anp->n; j++) {
					if (oms_money_parse(omsi_text(anp->v[j]),
					    &x) == -1)
						break;
					total += x;
				}
				if (j < anp->n || oms_money_parse(v, &sum) ==
				    -1 || sum != total)
					fail(r, rc, tnp->v[i], nerr, "%s is %s, "
					    "the sum of %s is %s", r->target, sv,
					    r->arg, oms_money_fmt(total, sbuf));
				break;
			case C_SNILS:
				if (!oms_snils_valid(v))
					fail(r, rc, tnp->v[i], nerr, "%s \"%s\" "
					    "has a wrong check sum", r->target,
					    sv);
				break;
			case C_ENP:
				if (!oms_enp_form(v))
					fail(r, rc, tnp->v[i], nerr, "%s \"%s\" "
					    "is not 16 digits", r->target, sv);
				break;
			case C_ENP_CHECK:
				if (oms_enp_form(v) && !oms_enp_check(v))
					fail(r, rc, tnp->v[i], nerr, "%s \"%s\" "
					    "has an unexpected check digit",
					    r->target, sv);
				break;
			case C_UNIQUE:
				if (r->registry) {
					if ((set = seen_in(r, rc->reg)) ==
					    NULL || (c = omsi_rset_add(set, v,
					    strlen(v))) == -1)
						goto nomem;
					if (c == 1)
						fail(r, rc, tnp->v[i], nerr,
						    "%s \"%s\" is not unique "
						    "in the registry",
						    r->target, sv);
					break;
				}
				for (j = 0; j < i; j++)
					if (strcmp(omsi_text(tnp->v[j]), v) == 0)
						break;
				if (j < i)
					fail(r, rc, tnp->v[i], nerr, "%s \"%s\" "
					    "repeats", r->target, sv);
				break;
			case C_REF:
			case C_REF_DAYS:
				switch (ref_lookup(rs, r, ctx, cx, rec, v, &j,
				    &a, &wp)) {
				case REF_UNKNOWN:
					if (r->check == C_REF)
						fail(r, rc, tnp->v[i], nerr,
						    "%s \"%s\" is not in %s",
						    r->target, sv,
						    r->ref->name);
					continue;
				case REF_NOT_FOR:
					if (r->check == C_REF)
						fail(r, rc, tnp->v[i], nerr,
						    "%s \"%s\" is not valid "
						    "with %s %s (%s)", r->target,
						    sv, shown(a), path_text(
						    &rs->ix, cx, ctx, &wp->cp),
						    r->ref->name);
					continue;
				case REF_NOT_ON:
					if (r->check == C_REF)
						fail(r, rc, tnp->v[i], nerr,
						    "%s \"%s\" is not valid "
						    "on %s (%s)", r->target, sv,
						    a, r->ref->name);
					continue;
				default:
					break;
				}
				if (r->check == C_REF)
					break;
				rf = omsi_ref_fields(r->ref->t, j);
				if (days_between(rs, ctx, cx, &days) == -1)
					break;
				min = bound(rf[R_MIN]);
				max = bound(rf[R_MAX]);
				if ((min != -1 && days < min) ||
				    (max != -1 && days > max))
					fail(r, rc, tnp->v[i], nerr, "%s \"%s\" "
					    "(%s) takes %ld to %ld days, the "
					    "stay is %ld", r->target, sv,
					    rf[R_NAME], min, max, days);
				break;
			default:
				break;
			}
		}
	}
	goto out;
nomem:
	rv = oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
out:
	return (rv);
}

/*
 * Check rule r on rec; -1 on error, else nerr grows.  The nodes of its
 * context are collected once per record (rs->gen) for all the rules that
 * share it: the rules only read the tree.
 */
static int
check_rule(struct oms_rules *rs, struct rule *r, xmlNodePtr rec,
    const struct omsi_rulectx *rc, int *nerr, struct oms_err *err)
{
	struct ctxpath *cx = &rs->ctx[r->ci];
	size_t j, need;
	int h;

	if (cx->gen != rs->gen) {
		if (omsi_rules_collect(rs, 0, rec, &cx->cp, &cx->ns) == -1) {
			cx->gen = 0;
			goto nomem;
		}
		/* no answer of the conditions known on these nodes */
		if ((need = cx->ns.n * cx->ncid) > cx->hitcap) {
			unsigned char *v = realloc(cx->hit, need);

			if (v == NULL) {
				cx->gen = 0;
				goto nomem;
			}
			cx->hit = v;
			cx->hitcap = need;
		}
		if (need > 0)
			memset(cx->hit, 0, need);
		cx->gen = rs->gen;
	}
	for (j = 0; j < cx->ns.n; j++) {
		if ((h = cond_holds(rs, r, cx, j, rc)) == -1)
			goto nomem;
		if (h && check_one(rs, r, cx->ns.v[j], cx->ns.x[j], rec, rc,
		    nerr, err) == -1)
			return (-1);
	}
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

/* ------------------------------------------------ compiled, and cached */

/*
 * The id of name (the rules' arena keeps it), a new one when it has
 * none; 0 on no memory.
 */
static unsigned
intern(struct oms_rules *rs, const char *s)
{
	char *v;
	size_t id;

	if (omsi_hash_get(&rs->ids, s, &id))
		return ((unsigned)id);
	if ((v = realloc(rs->personal, rs->nids + 2)) == NULL)
		return (0);
	rs->personal = v;
	if (rs->pname != NULL) {	/* a path compiled later (tests) */
		if ((v = realloc(rs->pname, rs->nids + 2)) == NULL)
			return (0);
		rs->pname = v;
		v[rs->nids + 1] = 0;
	}
	if (omsi_hash_put(&rs->ids, s, rs->nids + 1) == -1)
		return (0);
	rs->nids++;
	rs->personal[0] = 0;
	rs->personal[rs->nids] = (char)omsi_personal(s);
	return (rs->nids);
}

/* a letter or digit of ASCII, whatever the locale */
static int
ascii_alnum(int c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'));
}

/*
 * The plain form of pattern pat (struct plain) into *out, NULL when it is
 * not plain: top-level alternatives, each a literal (letters, digits,
 * '-', '_', ' ' and UTF-8 beyond ASCII: what PCRE2 matches only as
 * itself) or one class of ASCII letters, digits and their ranges
 * ("[1246]", "[0-4]").  -1 on no memory.
 */
static int
plain_of(const char *pat, struct plain **out)
{
	struct plain *p;
	const unsigned char *a, *e, *q;
	unsigned char lo, hi;
	char *l;

	*out = NULL;
	for (a = (const unsigned char *)pat; ; a = e + 1) {
		e = a + strcspn((const char *)a, "|");
		if (e == a)
			return (0);	/* an empty alternative */
		if (*a == '[') {
			if (e - a < 3 || e[-1] != ']')
				return (0);
			for (q = a + 1; q < e - 1; q++)
				if (!ascii_alnum(*q) && !(*q == '-' &&
				    q > a + 1 && q + 1 < e - 1))
					return (0);
		} else
			for (q = a; q < e; q++)
				if (!ascii_alnum(*q) && *q < 0x80 &&
				    *q != '-' && *q != '_' && *q != ' ')
					return (0);
		if (*e == '\0')
			break;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->lit = malloc(strlen(pat) + 2)) == NULL) {
		free(p);
		return (-1);
	}
	l = p->lit;
	for (a = (const unsigned char *)pat; ; a = e + 1) {
		e = a + strcspn((const char *)a, "|");
		if (*a == '[') {
			for (q = a + 1; q < e - 1; q++) {
				lo = hi = *q;
				if (q + 2 < e - 1 && q[1] == '-') {
					hi = q[2];
					q += 2;
				}
				for (; lo <= hi && lo != 0; lo++)
					p->one[lo >> 3] |=
					    (uint8_t)(1 << (lo & 7));
			}
		} else if (e - a == 1 && *a < 0x80)
			p->one[*a >> 3] |= (uint8_t)(1 << (*a & 7));
		else {
			memcpy(l, a, (size_t)(e - a));
			l += e - a;
			*l++ = '\0';
		}
		if (*e == '\0')
			break;
	}
	*l = '\0';
	*out = p;
	return (0);
}

static void
plain_free(struct plain *p)
{
	if (p != NULL)
		free(p->lit);
	free(p);
}

/* Compile path into p, its names interned. */
static int
compile_path(struct oms_rules *rs, const char *path, struct cpath *p)
{
	const char *e;
	size_t len, n = 0;

	p->s = NULL;
	p->id = NULL;
	p->n = 0;
	p->nul = 0;
	if (path == NULL)
		return (0);
	for (e = path; *e != '\0'; e = *e == '/' ? e + 1 : e) {
		len = strcspn(e, "/");
		if (len == 0 || len >= 64)
			p->nul = 1;
		e += len;
	}
	/* at most one step per '/' and one more */
	for (e = path; *e != '\0'; e++)
		n += *e == '/';
	if ((p->s = calloc(n + 1, sizeof(*p->s))) == NULL ||
	    (p->id = calloc(n + 1, sizeof(*p->id))) == NULL)
		return (-1);
	for (;;) {
		while (*path == '/')
			path++;
		if (*path == '\0')
			break;
		e = path + strcspn(path, "/");
		len = (size_t)(e - path);
		if (len == 2 && path[0] == '.' && path[1] == '.')
			p->s[p->n++] = NULL;
		else if (!(len == 1 && path[0] == '.')) {
			if ((p->s[p->n] = omsi_arena_strndup(&rs->arena, path,
			    len)) == NULL ||
			    (p->id[p->n] = intern(rs, p->s[p->n])) == 0)
				return (-1);
			p->n++;
		}
		path = e;
	}
	return (0);
}

int
omsi_rules_cpath(struct oms_rules *rs, const char *path, struct cpath *p)
{
	return (compile_path(rs, path, p));
}

const char *
omsi_rules_text(const struct oms_rules *rs, int x, xmlNodePtr n,
    const struct cpath *p)
{
	return (path_text(&rs->ix, x, n, p));
}

/*
 * The slot of c among the conditions of context cx (a new one unless
 * another rule of cx has the same path and pattern or table: its ! does
 * not count), its pattern in plain form; -1 on no memory.
 */
static int
cond_compile(struct ctxpath *cx, struct cond *c)
{
	const struct cond **v, *o;
	size_t i;

	c->cid = -1;
	if (c->plat || c->path2 != NULL)
		return (0);
	if (c->re != NULL && plain_of(c->pat, &c->pl) == -1)
		return (-1);
	for (i = 0; i < cx->ncid; i++) {
		o = cx->cids[i];
		if (strcmp(o->path, c->path) == 0 && o->in == c->in &&
		    o->in_alt == c->in_alt && (o->re == NULL) == (c->re ==
		    NULL) && (c->re == NULL || strcmp(o->pat, c->pat) == 0)) {
			c->cid = (int)i;
			return (0);
		}
	}
	if ((v = reallocarray(cx->cids, cx->ncid + 1, sizeof(*v))) == NULL)
		return (-1);
	cx->cids = v;
	v[cx->ncid] = c;
	c->cid = (int)cx->ncid++;
	return (0);
}

int
omsi_rules_compile(struct oms_rules *rs, struct oms_err *err)
{
	struct ctxpath *v;
	struct rule *r;
	size_t i, j, k;

	/* the names person rules use have ids too, for prune() */
	for (i = 0; i < rs->names.cap; i++)
		if (rs->names.tags[i] != 0 &&
		    intern(rs, rs->names.keys[i]) == 0)
			goto nomem;
	for (i = 0; i < rs->n; i++) {
		r = &rs->r[i];
		for (k = 0; k < rs->nctx; k++)
			if (strcmp(rs->ctx[k].path, r->context) == 0)
				break;
		if (k == rs->nctx) {
			if ((v = reallocarray(rs->ctx, rs->nctx + 1,
			    sizeof(*v))) == NULL)
				goto nomem;
			rs->ctx = v;
			memset(&v[k], 0, sizeof(v[k]));
			v[k].path = r->context;
			rs->nctx++;
			if (compile_path(rs, r->context, &v[k].cp) == -1)
				goto nomem;
		}
		r->ci = k;
		r->registry = r->check == C_UNIQUE &&
		    strcmp(r->arg, "registry") == 0;
		if (r->registry) {
			size_t *u = reallocarray(rs->uniq, rs->nuniq + 1,
			    sizeof(*u));

			if (u == NULL)
				goto nomem;
			rs->uniq = u;
			rs->uniq[rs->nuniq++] = i;
		}
		if (r->check == C_MATCH && plain_of(r->arg, &r->pl) == -1)
			goto nomem;
		for (j = 0; j < r->nconds; j++)
			if (cond_compile(&rs->ctx[k], &r->conds[j]) == -1)
				goto nomem;
		if (compile_path(rs, r->target, &r->tp) == -1 ||
		    (r->check == C_SUM && compile_path(rs, r->arg,
		    &r->ap) == -1) ||
		    (r->check >= C_LE && r->check <= C_NE &&
		    r->arg[0] != '=' && r->arg[0] != '@' &&
		    compile_path(rs, r->arg, &r->vp) == -1))
			goto nomem;
		for (j = 0; j < r->nconds; j++)
			if (compile_path(rs, r->conds[j].path,
			    &r->conds[j].cp) == -1 ||
			    compile_path(rs, r->conds[j].path2,
			    &r->conds[j].cp2) == -1)
				goto nomem;
		for (j = 0; j < r->nwhere; j++)
			if (compile_path(rs, r->where[j].path,
			    &r->where[j].cp) == -1)
				goto nomem;
		if (compile_path(rs, r->refdate, &r->dp) == -1)
			goto nomem;
	}
	if (compile_path(rs, "KD", &rs->p_kd) == -1 ||
	    compile_path(rs, "DATE_1", &rs->p_d1) == -1 ||
	    compile_path(rs, "DATE_2", &rs->p_d2) == -1 ||
	    compile_path(rs, "Z_SL/DATE_Z_2", &rs->p_dz2) == -1)
		goto nomem;
	if ((rs->pname = calloc(rs->nids + 1, 1)) == NULL)
		goto nomem;
	for (i = 0; i < rs->names.cap; i++)
		if (rs->names.tags[i] != 0)
			rs->pname[omsi_rules_id(rs, rs->names.keys[i])] = 1;
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

void
omsi_rules_uncache(struct oms_rules *rs)
{
	size_t i;

	for (i = 0; i < rs->ninf; i++) {
		free(rs->inf[i].kind);
		free(rs->inf[i].version);
		free(rs->inf[i].idx[0]);
		free(rs->inf[i].idx[1]);
	}
	free(rs->inf);
	rs->inf = NULL;
	rs->ninf = 0;
}

void
omsi_rules_free_compiled(struct oms_rules *rs)
{
	size_t i, j;

	omsi_rules_uncache(rs);
	for (i = 0; i < rs->nctx; i++) {
		free(rs->ctx[i].cp.s);
		free(rs->ctx[i].cp.id);
		free(rs->ctx[i].ns.v);
		free(rs->ctx[i].ns.x);
		free(rs->ctx[i].cids);
		free(rs->ctx[i].hit);
	}
	free(rs->ctx);
	rs->ctx = NULL;
	rs->nctx = 0;
	free(rs->uniq);
	rs->uniq = NULL;
	rs->nuniq = 0;
	for (i = 0; i < rs->n; i++) {
		free(rs->r[i].tp.s);
		free(rs->r[i].tp.id);
		free(rs->r[i].ap.s);
		free(rs->r[i].ap.id);
		free(rs->r[i].vp.s);
		free(rs->r[i].vp.id);
		plain_free(rs->r[i].pl);
		rs->r[i].pl = NULL;
		for (j = 0; j < rs->r[i].nconds; j++) {
			plain_free(rs->r[i].conds[j].pl);
			rs->r[i].conds[j].pl = NULL;
			free(rs->r[i].conds[j].cp.s);
			free(rs->r[i].conds[j].cp.id);
			free(rs->r[i].conds[j].cp2.s);
			free(rs->r[i].conds[j].cp2.id);
		}
		for (j = 0; j < rs->r[i].nwhere; j++) {
			free(rs->r[i].where[j].cp.s);
			free(rs->r[i].where[j].cp.id);
		}
		free(rs->r[i].dp.s);
		free(rs->r[i].dp.id);
	}
	free(rs->cn.v);
	free(rs->cn.x);
	free(rs->tn.v);
	free(rs->tn.x);
	free(rs->an.v);
	free(rs->an.x);
	free(rs->ix.v);
	free(rs->p_kd.s);
	free(rs->p_kd.id);
	free(rs->p_d1.s);
	free(rs->p_d1.id);
	free(rs->p_d2.s);
	free(rs->p_d2.id);
	free(rs->p_dz2.s);
	free(rs->p_dz2.id);
	free(rs->personal);
	free(rs->pname);
	for (i = 0; i < 2; i++)
		if (rs->nc[i].dict != NULL)
			xmlDictFree(rs->nc[i].dict);
	memset(rs->nc, 0, sizeof(rs->nc));
	omsi_rules_unprune_done(rs);
	if (rs->kdoc != NULL)
		xmlFreeDoc(rs->kdoc);	/* its reference to dict */
	if (rs->pdoc != NULL)
		xmlFreeDoc(rs->pdoc);
	rs->kdoc = rs->pdoc = NULL;
	for (i = 0; i < rs->nkblk; i++)
		free(rs->kblk[i]);
	free(rs->kblk);
	rs->kblk = NULL;
	rs->nkblk = rs->kused = 0;
	if (rs->dict != NULL)
		xmlDictFree(rs->dict);
	rs->dict = NULL;
	omsi_hash_release(&rs->ids);
}

/*
 * The rules in force for the scope, kind and version of rc (applies()),
 * worked out once for each of them; NULL on no memory, or when rc lacks
 * a kind or a version (the caller asks every rule then).
 */
static const struct inforce *
in_force(struct oms_rules *rs, int scope, const struct omsi_rulectx *rc)
{
	struct inforce *f;
	size_t i;
	int p;

	if (rc->kind == NULL || rc->version == NULL)
		return (NULL);
	for (i = 0; i < rs->ninf; i++) {
		f = &rs->inf[i];
		if (f->scope == scope && strcmp(f->kind, rc->kind) == 0 &&
		    strcmp(f->version, rc->version) == 0)
			return (f);
	}
	if ((f = reallocarray(rs->inf, rs->ninf + 1, sizeof(*f))) == NULL)
		return (NULL);
	rs->inf = f;
	f = &rs->inf[rs->ninf];
	memset(f, 0, sizeof(*f));
	f->scope = scope;
	if ((f->kind = strdup(rc->kind)) == NULL ||
	    (f->version = strdup(rc->version)) == NULL ||
	    (f->idx[0] = calloc(rs->n + 1, sizeof(*f->idx[0]))) == NULL ||
	    (f->idx[1] = calloc(rs->n + 1, sizeof(*f->idx[1]))) == NULL) {
		free(f->kind);
		free(f->version);
		free(f->idx[0]);
		free(f->idx[1]);
		return (NULL);
	}
	for (i = 0; i < rs->n; i++)
		if (applies(&rs->r[i], scope, rc)) {
			p = rs->r[i].person != 0;
			f->idx[p][f->n[p]++] = i;
		}
	rs->ninf++;
	return (f);
}

/*
 * The values record rec's rules will want unique in the registry, asked
 * of memory (omsi_rset_ahead) before the rules run: each is added to a
 * set of a million at random.  The elements are found by the last name
 * of the rule's target in the record's index: a hint, which may ask for
 * more than the rule will take.
 */
static void
ahead_unique(struct oms_rules *rs, int scope, int person,
    const struct omsi_rulectx *rc)
{
	struct rule *r;
	struct omsi_rset *set;
	const char *v;
	size_t i, j;
	unsigned id;

	for (i = 0; i < rs->nuniq; i++) {
		r = &rs->r[rs->uniq[i]];
		if (r->tp.n == 0 || r->person != person ||
		    !applies(r, scope, rc) ||
		    (set = seen_in(r, rc->reg)) == NULL)
			continue;
		id = r->tp.id[r->tp.n - 1];
		for (j = 0; j < rs->ix.n; j++)
			if (rs->ix.v[j].id == id &&
			    (v = omsi_text(rs->ix.v[j].n)) != NULL)
				omsi_rset_ahead(set, v, strlen(v), 0);
	}
}

/*
 * Check every rule in force for rc (person rules when person, else the
 * others) on rec.
 */
static int
check_rules(struct oms_rules *rs, int scope, int person, xmlNodePtr rec,
    xmlNodePtr pers, const struct omsi_rulectx *rc, int *nerr,
    struct oms_err *err)
{
	const struct inforce *f = in_force(rs, scope, rc);
	struct rule *r;
	size_t i, n = f != NULL ? f->n[person] : rs->n;

	if (n == 0)
		return (0);
	if (++rs->gen == 0)	/* a new record: no context collected */
		rs->gen = 1;
	if (omsi_rules_index(rs, rec, pers) == -1)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory"));
	ahead_unique(rs, scope, person, rc);
	for (i = 0; i < n; i++) {
		r = &rs->r[f != NULL ? f->idx[person][i] : i];
		if (f == NULL && (r->person != person ||
		    !applies(r, scope, rc)))
			continue;
		if (check_rule(rs, r, rec, rc, nerr, err) == -1)
			return (-1);
	}
	return (0);
}

/*
 * A kept case (prune), or a PERS for the rules' thread
 * (omsi_rules_pers_text), as text, and back (unprune_at): an element is
 * KT_OPEN, its name, KT_NAME, then its elements or its text, then
 * KT_CLOSE; a byte of text from KT_OPEN to KT_ESC is KT_ESC and the byte
 * plus 0x40 (XML text holds none: a C0 control is no XML Char).  No NUL:
 * the spool's records end at theirs.  It was XML, whose end tags and
 * escapes took a third of the 1M bench's spool of 204 MB, written,
 * read, laid out again and read again.
 */
#define KT_OPEN		'\001'
#define KT_NAME		'\002'
#define KT_CLOSE	'\003'
#define KT_ESC		'\004'

/*
 * Text t, escaped; with lf, CR LF and a lone CR as LF, as a parser reads
 * a kept case's text (it was XML, read back as a parser reads it).
 */
static int
add_text(struct oms_buf *b, const char *t, int lf, struct oms_err *err)
{
	const unsigned char *p = (const unsigned char *)t, *q;
	char esc[2];

	for (;;) {
		for (q = p; *q > KT_ESC && (*q != '\r' || !lf); q++)
			;
		if (q > p && oms_buf_add(b, p, (size_t)(q - p), err) == -1)
			return (-1);
		if (*q == '\0')
			return (0);
		if (*q == '\r') {
			if (oms_buf_addc(b, '\n', err) == -1)
				return (-1);
			p = q[1] == '\n' ? q + 2 : q + 1;
			continue;
		}
		esc[0] = KT_ESC;
		esc[1] = (char)(*q + 0x40);
		if (oms_buf_add(b, esc, 2, err) == -1)
			return (-1);
		p = q + 1;
	}
}

/* an element's start: KT_OPEN, its name, KT_NAME */
static int
add_open(struct oms_buf *b, const xmlChar *name, struct oms_err *err)
{
	size_t len = strlen((const char *)name);

	if (omsi_buf_room(b, len + 2, err) == -1)
		return (-1);
	b->s[b->len] = KT_OPEN;
	memcpy(b->s + b->len + 1, name, len);
	b->s[b->len + 1 + len] = KT_NAME;
	b->len += len + 2;
	b->s[b->len] = '\0';
	return (0);
}

/* n as text with only the elements person rules name (and their text). */
static int
prune(struct oms_rules *rs, xmlNodePtr n, int top, struct oms_buf *b,
    struct oms_err *err)
{
	xmlNodePtr c;
	int elems = 0;

	if (!top && !rs->pname[omsi_rules_node_id(rs, n)])
		return (0);
	if (add_open(b, n->name, err) == -1)
		return (-1);
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			elems = 1;
			if (prune(rs, c, 0, b, err) == -1)
				return (-1);
		}
	if (!elems && add_text(b, omsi_text(n), 1, err) == -1)
		return (-1);
	return (oms_buf_addc(b, KT_CLOSE, err));
}

/* The index in rs->kv of kind and version, added when new; -1 on none. */
static int
keep_kv(struct oms_rules *rs, const char *kind, const char *version)
{
	struct keptkv *kv;
	size_t i;

	for (i = 0; i < rs->nkv; i++)
		if (strcmp(rs->kv[i].kind, kind) == 0 &&
		    strcmp(rs->kv[i].version, version) == 0)
			return ((int)i);
	if (rs->nkv == UINT16_MAX || (kv = reallocarray(rs->kv, rs->nkv + 1,
	    sizeof(*kv))) == NULL)
		return (-1);
	rs->kv = kv;
	snprintf(kv[rs->nkv].kind, sizeof(kv->kind), "%s", kind);
	snprintf(kv[rs->nkv].version, sizeof(kv->version), "%s", version);
	return ((int)rs->nkv++);
}

/* Keep the pruned case rec under rc->link for its person's check. */
static int
keep(struct oms_rules *rs, xmlNodePtr rec, const struct omsi_rulectx *rc,
    struct oms_err *err)
{
	const char *acc = rc->account != NULL ? rc->account : "";
	struct kept *k;
	uint16_t *kk;
	size_t alen = strlen(acc) + 1;
	uint32_t prev;
	int kv;

	if (rs->nkept == rs->keptcap) {
		/* by half again: the last growth of a million wastes less */
		size_t cap = rs->keptcap ? rs->keptcap + rs->keptcap / 2 : 64;

		if ((k = reallocarray(rs->kept, cap, sizeof(*k))) == NULL)
			goto nomem;
		rs->kept = k;
		if ((kk = reallocarray(rs->kkv, cap, sizeof(*kk))) == NULL)
			goto nomem;
		rs->kkv = kk;
		rs->keptcap = cap;
	}
	if (rs->nkept >= UINT32_MAX - 1 ||
	    (kv = keep_kv(rs, rc->kind, rc->version)) == -1)
		goto nomem;
	k = &rs->kept[rs->nkept];
	memset(k, 0, sizeof(*k));
	rs->kkv[rs->nkept] = (uint16_t)kv;
	/* the account, its NUL, then the case */
	oms_buf_reset(&rs->buf);
	if (oms_buf_add(&rs->buf, acc, alen, err) == -1 ||
	    prune(rs, rec, 1, &rs->buf, err) == -1)
		return (-1);
	if (rs->buf.len + 1 >= KEPT_SPOOLED)
		goto nomem;
	k->len = (uint32_t)rs->buf.len;
	if (rs->spool != NULL) {
		k->len++;	/* with its NUL, to be read in place */
		/* appended: the stream stays at the end, reads are pread */
		if (rs->spool_end == -1)
			rs->spool_end = ftello(rs->spool);
		if ((k->at.off = rs->spool_end) == -1 ||
		    fwrite(rs->buf.s, 1, k->len, rs->spool) != k->len)
			return (oms_err_sys(err, errno, rs->spool_name,
			    "write"));
		rs->spool_end += (off_t)k->len;
		k->len |= KEPT_SPOOLED;
	} else if ((k->at.text = omsi_arena_strndup(&rs->kept_arena,
	    rs->buf.s, rs->buf.len)) == NULL)	/* len bytes, NULs and all */
		goto nomem;
	/* the newest case of the link first, the one before it next */
	if (omsi_rset_put(&rs->bylink, rc->link, strlen(rc->link),
	    (uint32_t)rs->nkept + 1, &prev) == -1)
		goto nomem;
	k->next = prev;
	rs->nkept++;
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

#define KNODES	64		/* nodes a block of rs->kblk */

/*
 * A node of a kept case or PERS being read back, zeroed, in the blocks
 * of rs->kblk (reused from case to case: none is freed alone); NULL on
 * no memory.
 */
static xmlNodePtr
knode(struct oms_rules *rs, xmlNodePtr parent, xmlElementType type,
    const xmlChar *name)
{
	size_t b = rs->kused / KNODES;
	xmlNode **v;
	xmlNodePtr n;

	if (b == rs->nkblk) {
		if ((v = reallocarray(rs->kblk, b + 1, sizeof(*v))) == NULL)
			return (NULL);
		rs->kblk = v;
		if ((v[b] = malloc(KNODES * sizeof(**v))) == NULL)
			return (NULL);
		rs->nkblk++;
	}
	n = &rs->kblk[b][rs->kused++ % KNODES];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->name = name;
	n->doc = parent->doc;
	n->parent = parent;
	if (parent->children == NULL)
		parent->children = n;
	else {
		n->prev = parent->last;
		parent->last->next = n;
	}
	parent->last = n;
	return (n);
}

/*
 * The element at *sp (text prune() or omsi_rules_pers_text wrote, which
 * ends at end) as a tree, a child of parent; *sp moves past it.  Its
 * text, unescaped, goes into tb, which has room for all of it (a text
 * is shorter than the marks around it).  NULL on no memory, or with *bad
 * set on text they did not write.
 */
static xmlNodePtr
unprune_at(struct oms_rules *rs, xmlNodePtr parent, const char **sp,
    const char *end, struct oms_buf *tb, int *bad)
{
	const char *s = *sp, *e;
	const xmlChar *name;
	xmlNodePtr n, c;
	char *t0, *t;

	*bad = 1;
	if (s == end || *s != KT_OPEN || (e = memchr(s + 1, KT_NAME,
	    (size_t)(end - s - 1))) == NULL || e == s + 1)
		return (NULL);
	*bad = 0;
	if ((name = xmlDictLookup(rs->dict, (const xmlChar *)s + 1,
	    (int)(e - s - 1))) == NULL ||
	    (n = knode(rs, parent, XML_ELEMENT_NODE, name)) == NULL)
		return (NULL);
	s = e + 1;
	if (s < end && *s == KT_OPEN) {
		while (s < end && *s == KT_OPEN)
			if (unprune_at(rs, n, &s, end, tb, bad) == NULL)
				return (NULL);
	} else if (s < end && *s != KT_CLOSE) {
		t0 = t = tb->s + tb->len;
		for (; s < end && *s != KT_CLOSE; s++) {
			if (*s == KT_ESC) {
				if (++s == end || s[0] < KT_OPEN + 0x40 ||
				    s[0] > KT_ESC + 0x40) {
					*bad = 1;
					return (NULL);
				}
				*t++ = (char)(s[0] - 0x40);
			} else if (*s == KT_OPEN || *s == KT_NAME) {
				*bad = 1;
				return (NULL);
			} else
				*t++ = *s;
		}
		*t++ = '\0';
		tb->len = (size_t)(t - tb->s);
		if ((c = knode(rs, n, XML_TEXT_NODE, xmlStringText)) == NULL)
			return (NULL);
		c->content = (xmlChar *)t0;
	}
	if (s == end || *s != KT_CLOSE) {
		*bad = 1;
		return (NULL);
	}
	*sp = s + 1;
	return (n);
}

/* The documents of the trees read back, and their dictionary; -1. */
static int
kdocs(struct oms_rules *rs)
{
	xmlDocPtr *d[2] = { &rs->kdoc, &rs->pdoc };
	size_t i;

	/* names from a dictionary of ours: not copied for every case */
	if (rs->dict == NULL && (rs->dict = xmlDictCreate()) == NULL)
		return (-1);
	for (i = 0; i < 2; i++)
		if (*d[i] == NULL) {
			if ((*d[i] = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
				return (-1);
			if (xmlDictReference(rs->dict) == -1)
				return (-1);
			(*d[i])->dict = rs->dict;
		}
	return (0);
}

/*
 * text (prune's or omsi_rules_pers_text's) as the only element of doc:
 * its nodes in rs's blocks from rs->kused on, its text in tb.  NULL on
 * no memory, or, with *bad, on a text they did not write (a spool that
 * changed under us).
 */
static xmlNodePtr
kbuild(struct oms_rules *rs, xmlDocPtr doc, struct oms_buf *tb,
    const char *text, int *bad)
{
	struct oms_err e;
	const char *s = text;
	size_t len = strlen(text), mark = rs->kused;
	xmlNodePtr root;

	*bad = 0;
	oms_err_clear(&e);	/* not a memset of its 1 KiB a record */
	doc->children = doc->last = NULL;
	oms_buf_reset(tb);
	if (oms_buf_grow(tb, len + 1, &e) == -1)
		return (NULL);
	if ((root = unprune_at(rs, (xmlNodePtr)doc, &s, text + len, tb,
	    bad)) != NULL && s != text + len) {
		root = NULL;
		*bad = 1;
	}
	if (root == NULL) {
		doc->children = doc->last = NULL;
		rs->kused = mark;
	}
	return (root);
}

/*
 * The kept case text as a tree, until omsi_rules_unprune_done, built in
 * rs's blocks.  NULL on no memory, or with *bad on text prune() did not
 * write.
 */
xmlNodePtr
omsi_rules_unprune(struct oms_rules *rs, const char *text, int *bad)
{
	*bad = 0;
	if (kdocs(rs) == -1)
		return (NULL);
	omsi_rules_unprune_done(rs);
	return (kbuild(rs, rs->kdoc, &rs->tbuf, text, bad));
}

/* The trees read back are done with. */
void
omsi_rules_unprune_done(struct oms_rules *rs)
{
	if (rs->kdoc != NULL)
		rs->kdoc->children = rs->kdoc->last = NULL;
	if (rs->pdoc != NULL)
		rs->pdoc->children = rs->pdoc->last = NULL;
	rs->kused = 0;
}

/* person rules report for the account of the case kept */
struct pctx {
	const struct omsi_rulectx *rc;
	const char	*account;
	unsigned long	 line;		/* of the PERS */
};

static void
report_person(void *arg, const char *id, int warning, unsigned long line,
    const char *msg)
{
	struct pctx *p = arg;

	(void)line;
	p->rc->report_case(p->rc->arg, p->rc->where, p->account, id, warning,
	    p->line, msg);
}

/*
 * A case is read back alone, unless it follows the one read before in
 * the spool: then this much is read with it, for when the persons come
 * in the order of their cases (in no order, a window would be read for
 * every case).
 */
#define KEPT_WINDOW	((size_t)256 << 10)
/* a group of cases regrouped (omsi_rules_regroup), read back whole */
#define KEPT_GROUP	((size_t)1 << 20)
#define KEPT_GBUF	((size_t)8 << 10)	/* a group's bytes to write */

/*
 * Up to want bytes of the spool from off in *b (NUL-terminated), at
 * least need of them: they end before the spool does.  0, or -1 with err.
 */
static int
spool_read(const struct oms_rules *rs, struct oms_buf *b, off_t off,
    size_t want, size_t need, struct oms_err *err)
{
	size_t got;
	ssize_t n;

	oms_buf_reset(b);
	if (oms_buf_grow(b, want, err) == -1)
		return (-1);
	for (got = 0; got < want; got += (size_t)n) {
		n = pread(fileno(rs->spool), b->s + got, want - got,
		    off + (off_t)got);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n == -1 || (n == 0 && got < need))
			return (oms_err_sys(err, n == 0 ? EIO : errno,
			    rs->spool_name, "read"));
		if (n == 0)
			break;
	}
	b->len = got;
	b->s[got] = '\0';
	return (0);
}

/*
 * The text of case k spooled by src (written with its NUL), in rd->kbuf
 * (rd's window on the spool: src's own, or an evaluator's); NULL on a
 * failure.
 */
static const char *
spooled(struct oms_rules *rd, const struct oms_rules *src,
    const struct kept *k, struct oms_err *err)
{
	size_t want, len = k->len & ~KEPT_SPOOLED, lo, hi, mid, at;
	off_t off = k->at.off;

	if (rd->kwlen > 0 && off >= rd->kwoff &&
	    (uint64_t)(off - rd->kwoff) + len <= rd->kwlen) {
		rd->knext = off + (off_t)len;
		return (rd->kbuf.s + (off - rd->kwoff));
	}
	want = off == rd->knext && len < KEPT_WINDOW ? KEPT_WINDOW : len;
	rd->knext = off + (off_t)len;
	if (src->ngroup > 0 && off >= src->gstart[0] &&
	    off < src->gstart[src->ngroup]) {
		/* regrouped: the whole group of the case, unless too big */
		for (lo = 0, hi = src->ngroup; hi - lo > 1; ) {
			mid = lo + (hi - lo) / 2;
			if (src->gstart[mid] <= off)
				lo = mid;
			else
				hi = mid;
		}
		if (src->gstart[lo + 1] - src->gstart[lo] <=
		    (off_t)(4 * KEPT_GROUP)) {
			want = (size_t)(src->gstart[lo + 1] -
			    src->gstart[lo]);
			off = src->gstart[lo];
		}
	}
	at = (size_t)(k->at.off - off);		/* the case in the window */
	if (src->spool_end != -1 && src->spool_end - off < (off_t)want)
		want = (size_t)(src->spool_end - off);
	if (want < at + len)
		want = at + len;
	rd->kwlen = 0;
	if (spool_read(src, &rd->kbuf, off, want, at + len, err) == -1)
		return (NULL);
	if (rd->kbuf.s[at + len - 1] != '\0') {
		oms_err_set(err, OMS_EIO, src->spool_name, 0,
		    "a kept case read back without its end");
		return (NULL);
	}
	rd->kwoff = off;
	rd->kwlen = rd->kbuf.len;
	return (rd->kbuf.s + at);
}

int
omsi_rules_person(const struct oms_rules *rs)
{
	return (rs->nperson > 0);
}

void
omsi_rules_spool(struct oms_rules *rs, FILE *fp, const char *name)
{
	rs->spool = fp;
	rs->spool_name = name;
	rs->spool_end = -1;	/* ftello once: the stream is only ours */
	rs->kwlen = 0;
	rs->knext = -1;
}

void
omsi_rules_unorder(struct oms_rules *rs)
{
	free(rs->kgroup);
	rs->kgroup = NULL;
	free(rs->gstart);
	rs->gstart = NULL;
	rs->ngroup = 0;
	rs->gcur = 0;
	rs->gbytes = 0;
}

int
omsi_rules_order_begin(struct oms_rules *rs, struct oms_err *err)
{
	size_t i;

	omsi_rules_unorder(rs);
	if (rs->spool == NULL || rs->nkept == 0)
		return (0);
	if ((rs->kgroup = reallocarray(NULL, rs->nkept,
	    sizeof(*rs->kgroup))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	for (i = 0; i < rs->nkept; i++)
		rs->kgroup[i] = UINT32_MAX;
	return (0);
}

void
omsi_rules_order(struct oms_rules *rs, const char *link, size_t len)
{
	omsi_rules_order_at(rs, omsi_rules_order_find(rs, link, len));
}

uint32_t
omsi_rules_order_find(const struct oms_rules *rs, const char *link,
    size_t len)
{
	uint32_t ki;

	if (rs->kgroup == NULL || !omsi_rset_get(&rs->bylink, link, len, &ki) ||
	    ki == 0)
		return (0);
	__builtin_prefetch(&rs->kept[ki - 1]);
	__builtin_prefetch(&rs->kgroup[ki - 1], 1);
	return (ki);
}

void
omsi_rules_order_at(struct oms_rules *rs, uint32_t ki)
{
	const struct kept *k;

	if (rs->kgroup == NULL || ki == 0)
		return;
	for (; ki != 0; ki = k->next) {
		k = &rs->kept[ki - 1];
		if (!(k->len & KEPT_SPOOLED) || rs->kgroup[ki - 1] != UINT32_MAX)
			continue;
		rs->kgroup[ki - 1] = rs->gcur;
		rs->gbytes += k->len & ~KEPT_SPOOLED;
	}
	if (rs->gbytes >= KEPT_GROUP && rs->gcur < UINT32_MAX - 2) {
		rs->gcur++;
		rs->gbytes = 0;
	}
}

void
omsi_rules_order_ahead(const struct oms_rules *rs, const char *link,
    size_t len, int step)
{
	if (rs->kgroup != NULL)
		omsi_rset_ahead(&rs->bylink, link, len, step);
}

/* n bytes at p written at off of the spool; -1 with err. */
static int
spool_pwrite(struct oms_rules *rs, const char *p, size_t n, off_t off,
    struct oms_err *err)
{
	ssize_t w;

	while (n > 0) {
		if ((w = pwrite(fileno(rs->spool), p, n, off)) == -1) {
			if (errno == EINTR)
				continue;
			return (oms_err_sys(err, errno, rs->spool_name,
			    "write"));
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return (0);
}

/*
 * The spooled cases copied past the end of the spool, group by group in
 * the order omsi_rules_order learnt (those it did not meet last): read
 * in order of the spool, each put in its group's buffer, a buffer
 * written where its group goes next when full.
 */
int
omsi_rules_regroup(struct oms_rules *rs, struct oms_err *err)
{
	struct oms_buf rb;
	uint64_t *size = NULL;
	off_t *pos = NULL, base, rboff = 0;
	size_t ng, g, i, len, *fill = NULL;
	char *gb = NULL;
	const char *text;
	int rc = -1;

	if (rs->kgroup == NULL)
		return (0);
	oms_buf_init(&rb, 0);
	if (fflush(rs->spool) == EOF) {
		oms_err_sys(err, errno, rs->spool_name, "write");
		goto out;
	}
	if (rs->spool_end == -1)
		rs->spool_end = ftello(rs->spool);
	if ((base = rs->spool_end) == -1) {
		oms_err_sys(err, errno, rs->spool_name, "seek");
		goto out;
	}
	/* the groups learnt, then one for the cases not met */
	ng = (size_t)rs->gcur + 2;
	for (i = 0; i < rs->nkept; i++)
		if (rs->kgroup[i] == UINT32_MAX)
			rs->kgroup[i] = (uint32_t)(ng - 1);
	if ((size = calloc(ng, sizeof(*size))) == NULL ||
	    (pos = calloc(ng + 1, sizeof(*pos))) == NULL ||
	    (fill = calloc(ng, sizeof(*fill))) == NULL ||
	    (gb = reallocarray(NULL, ng, KEPT_GBUF)) == NULL)
		goto nomem;
	for (i = 0; i < rs->nkept; i++)
		if (rs->kept[i].len & KEPT_SPOOLED)
			size[rs->kgroup[i]] += rs->kept[i].len & ~KEPT_SPOOLED;
	pos[0] = base;
	for (g = 0; g < ng; g++)
		pos[g + 1] = pos[g] + (off_t)size[g];
	if ((rs->gstart = calloc(ng + 1, sizeof(*rs->gstart))) == NULL)
		goto nomem;
	memcpy(rs->gstart, pos, (ng + 1) * sizeof(*pos));
	for (i = 0; i < rs->nkept; i++) {
		struct kept *k = &rs->kept[i];

		if (!(k->len & KEPT_SPOOLED))
			continue;
		len = k->len & ~KEPT_SPOOLED;
		/* the case, from a window read forward in the spool */
		if (rb.len == 0 || k->at.off < rboff ||
		    (uint64_t)(k->at.off - rboff) + len > rb.len) {
			if (spool_read(rs, &rb, k->at.off, len > KEPT_GROUP ?
			    len : KEPT_GROUP, len, err) == -1)
				goto out;
			rboff = k->at.off;
		}
		text = rb.s + (k->at.off - rboff);
		if (text[len - 1] != '\0') {
			oms_err_set(err, OMS_EIO, rs->spool_name, 0,
			    "a kept case read back without its end");
			goto out;
		}
		g = rs->kgroup[i];
		if (fill[g] + len > KEPT_GBUF) {
			if (spool_pwrite(rs, gb + g * KEPT_GBUF, fill[g],
			    pos[g], err) == -1)
				goto out;
			pos[g] += (off_t)fill[g];
			fill[g] = 0;
		}
		k->at.off = pos[g] + (off_t)fill[g];
		if (len > KEPT_GBUF) {
			if (spool_pwrite(rs, text, len, pos[g], err) == -1)
				goto out;
			pos[g] += (off_t)len;
		} else {
			memcpy(gb + g * KEPT_GBUF + fill[g], text, len);
			fill[g] += len;
		}
	}
	for (g = 0; g < ng; g++)
		if (fill[g] > 0 && spool_pwrite(rs, gb + g * KEPT_GBUF,
		    fill[g], pos[g], err) == -1)
			goto out;
	rs->ngroup = ng;
	rs->spool_end = rs->gstart[ng];
	/* the stream goes on from the end, as keep() expects */
	if (fseeko(rs->spool, rs->spool_end, SEEK_SET) == -1) {
		oms_err_sys(err, errno, rs->spool_name, "seek");
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
out:
	if (rc == -1) {
		free(rs->gstart);
		rs->gstart = NULL;
		rs->ngroup = 0;
	}
	free(rs->kgroup);
	rs->kgroup = NULL;
	rs->kwlen = 0;
	rs->knext = -1;
	oms_buf_release(&rb);
	free(size);
	free(pos);
	free(fill);
	free(gb);
	return (rc);
}

/*
 * The person rules of every case src keeps under rc->link, from kept
 * case ki (omsi_rules_kept_first) on, with pers (at line), evaluated by
 * ev: its window on src's spool, its trees read back, its rules' state.
 * ev is src for a check on the way (check_persons), or an evaluator of
 * its own on the thread of a struct omsi_kq (omsi_rules_check_kept).
 */
static int
check_kept(struct oms_rules *ev, const struct oms_rules *src, uint32_t ki,
    xmlNodePtr pers, unsigned long line, const struct omsi_rulectx *rc,
    struct oms_err *err)
{
	struct omsi_rulectx prc;
	struct pctx p;
	const struct kept *k;
	const char *text;
	xmlNodePtr zap;
	size_t mark;
	int nerr = 0, rv = 0, bad;

	if (ki == 0)
		return (0);
	if (kdocs(ev) == -1)
		goto nomem;
	mark = ev->kused;
	for (; ki != 0 && rv == 0; ki = k->next) {
		k = &src->kept[ki - 1];
		/* the account, its NUL, the case */
		if (!(k->len & KEPT_SPOOLED))
			text = k->at.text;
		else if ((text = spooled(ev, src, k, err)) == NULL)
			return (-1);
		ev->kused = mark;
		if ((zap = kbuild(ev, ev->kdoc, &ev->tbuf, text + strlen(text) +
		    1, &bad)) == NULL) {
			if (!bad)
				goto nomem;
			return (oms_err_set(err, OMS_EIO, src->spool_name, 0,
			    "a kept case read back is not as it was written "
			    "(account %s): was the spool changed?", text));
		}
		prc = *rc;
		prc.kind = src->kv[src->kkv[ki - 1]].kind;
		prc.version = src->kv[src->kkv[ki - 1]].version;
		prc.report = report_person;
		p.rc = rc;
		p.account = text;
		p.line = line;
		prc.arg = &p;
		/* the PERS is the case's last child in the index only */
		rv = check_rules(ev, OMSI_SCOPE_ZAP, 1, zap, pers, &prc, &nerr,
		    err);
		ev->kdoc->children = ev->kdoc->last = NULL;
	}
	ev->kused = mark;
	return (rv);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

uint32_t
omsi_rules_kept_first(const struct oms_rules *rs, const char *link)
{
	uint32_t ki;

	if (rs->nperson == 0 || omsi_rset_get(&rs->bylink, link, strlen(link),
	    &ki) != 1)
		return (0);
	return (ki);
}

int
omsi_rules_kept_flush(struct oms_rules *rs, struct oms_err *err)
{
	if (rs->spool != NULL && fflush(rs->spool) == EOF)
		return (oms_err_sys(err, errno, rs->spool_name, "write"));
	return (0);
}

/* The person rules of every case kept under rc->link, with pers. */
static int
check_persons(struct oms_rules *rs, xmlNodePtr pers,
    const struct omsi_rulectx *rc, struct oms_err *err)
{
	uint32_t ki;

	if ((ki = omsi_rules_kept_first(rs, rc->link)) == 0)
		return (0);
	if (omsi_rules_kept_flush(rs, err) == -1)
		return (-1);
	return (check_kept(rs, rs, ki, pers, omsi_line(pers), rc, err));
}

int
omsi_rules_check_kept(struct oms_rules *ev, const struct oms_rules *src,
    uint32_t ki, const char *perstext, unsigned long line,
    const struct omsi_rulectx *rc, struct oms_err *err)
{
	xmlNodePtr pers;
	int rv, bad;

	if (kdocs(ev) == -1)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory"));
	omsi_rules_unprune_done(ev);
	if ((pers = kbuild(ev, ev->pdoc, &ev->pbuf, perstext, &bad)) == NULL)
		return (bad ? oms_err_set(err, OMS_EINTERNAL, NULL, 0,
		    "a PERS given to the rules' thread is not as it was "
		    "written") : oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory"));
	rv = check_kept(ev, src, ki, pers, line, rc, err);
	omsi_rules_unprune_done(ev);
	return (rv);
}

int
omsi_rules_check_kept_tree(struct oms_rules *ev, const struct oms_rules *src,
    uint32_t ki, xmlNodePtr pers, const struct omsi_rulectx *rc,
    struct oms_err *err)
{
	return (check_kept(ev, src, ki, pers, omsi_line(pers), rc, err));
}

/*
 * n as text for omsi_rules_check_kept, as prune() writes every element,
 * its text as it is (a CR stays a CR): 1; 0 when the tree holds what
 * that text does not say (an attribute or namespace, text beside
 * elements or in pieces, empty, another kind of node, a long name); -1
 * on no memory.
 */
int
omsi_rules_pers_text(xmlNodePtr n, struct oms_buf *b, struct oms_err *err)
{
	xmlNodePtr c;
	const char *t = NULL;
	int elems = 0, texts = 0, r;

	if (n->type != XML_ELEMENT_NODE || n->properties != NULL ||
	    n->nsDef != NULL || n->ns != NULL ||
	    strlen((const char *)n->name) >= 128)
		return (0);
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			elems = 1;
		else if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL &&
		    *c->content != '\0') {
			t = (const char *)c->content;
			texts++;
		} else
			return (0);
	if (texts > 1 || (elems && texts > 0))
		return (0);
	if (add_open(b, n->name, err) == -1)
		return (-1);
	if (elems) {
		for (c = n->children; c != NULL; c = c->next)
			if ((r = omsi_rules_pers_text(c, b, err)) != 1)
				return (r);
	} else if (t != NULL && add_text(b, t, 0, err) == -1)
		return (-1);
	return (oms_buf_addc(b, KT_CLOSE, err) == -1 ? -1 : 1);
}

int
omsi_rules_check(struct oms_rules *rs, int scope, xmlNodePtr rec,
    const struct omsi_rulectx *rc, struct oms_err *err)
{
	int nerr = 0, linked, zap, pers;

	/* a case kept for the person rules, a PERS checked against them */
	linked = rs->nperson > 0 && rc->link != NULL &&
	    rc->report_case != NULL;
	zap = linked && scope == OMSI_SCOPE_ZAP;
	pers = linked && scope == OMSI_SCOPE_PERS && !rc->kept_later;
	/*
	 * Its link is looked up at random in a set of a million after the
	 * rules: asked of memory now, it is there by then.  A PERS checked
	 * later is looked up too, by omsi_kq_put, right after: the slot is
	 * asked for now, the entry it points to after the rules.
	 */
	if (linked && (zap || scope == OMSI_SCOPE_PERS))
		omsi_rset_ahead(&rs->bylink, rc->link, strlen(rc->link), 0);
	if (check_rules(rs, scope, 0, rec, NULL, rc, &nerr, err) == -1)
		return (-1);
	if (linked && scope == OMSI_SCOPE_PERS && rc->kept_later)
		omsi_rset_ahead(&rs->bylink, rc->link, strlen(rc->link), 1);
	if (zap && keep(rs, rec, rc, err) == -1)
		return (-1);
	if (pers && check_persons(rs, rec, rc, err) == -1)
		return (-1);
	return (nerr);
}

/* Forget the values of r's registries. */
static void
forget_seen(struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nseen; i++)
		omsi_rset_release(&r->seen[i]);
	free(r->seen);
	r->seen = NULL;
	r->nseen = 0;
}

void
omsi_rules_end_scope(struct oms_rules *rs, int scope)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].scope == scope)
			forget_seen(&rs->r[i]);
}

void
omsi_rules_reset(struct oms_rules *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		forget_seen(&rs->r[i]);
	rs->nkept = 0;
	rs->kwlen = 0;
	rs->knext = -1;
	omsi_rules_unorder(rs);
	omsi_rset_release(&rs->bylink);
	omsi_arena_release(&rs->kept_arena);
	omsi_arena_init(&rs->kept_arena);
}

int
omsi_rules_warning(const struct oms_rules *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].id, id) == 0)
			return (rs->r[i].warning);
	return (0);
}

int
omsi_rules_off(const struct oms_rules *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].id, id) == 0)
			return (rs->r[i].off);
	return (0);
}

