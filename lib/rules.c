/*
 * rules.c -- field rules as data: load ref/rules.tsv and check records
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"
#include "reftab.h"

enum check {
	C_REQUIRED, C_ABSENT, C_MATCH, C_LE, C_LT, C_GE, C_GT, C_EQ, C_NE,
	C_SUM, C_SNILS, C_ENP, C_ENP_CHECK, C_UNIQUE, C_REF, C_REF_DAYS,
	C_IN_PERSONS
};

static const struct {
	const char	*name;
	enum check	 c;
} checks[] = {
	{ "absent", C_ABSENT }, { "enp", C_ENP }, { "enp_check", C_ENP_CHECK },
	{ "eq", C_EQ }, { "ge", C_GE }, { "gt", C_GT },
	{ "in_persons", C_IN_PERSONS }, { "le", C_LE }, { "lt", C_LT },
	{ "match", C_MATCH }, { "ne", C_NE }, { "ref", C_REF },
	{ "ref_days", C_REF_DAYS }, { "required", C_REQUIRED },
	{ "snils", C_SNILS }, { "sum", C_SUM }, { "unique", C_UNIQUE },
};

struct cond {
	char		*path;
	int		 neg;		/* !PATH or PATH!~RE */
	pcre2_code	*re;		/* NULL: existence test */
};

/* a look-up table of ref and ref_days, by the name rules give it */
struct reftab {
	char		*name;
	struct oms_ref	*t;
};

enum { R_CODE, R_NAME, R_MIN, R_MAX };
static const char *const refcols[] = {
	"code", "name", "min_days", "max_days"
};
/* a code once, dated; the messages are the rule table's own */
static const struct omsi_refspec refspec = {
	refcols, 4, 1, "from", "to", NULL, OMSI_REF_ONCE, 0,
	"reference table", "no \"code\" column",
	"bad date in from/to (expected YYYY-MM-DD)", 0
};

struct rule {
	char		*id;
	int		 off;		/* rule.ID = off */
	int		 scope;
	char		*kinds;
	char		 vmin[8], vmax[8];
	int		 warning;
	char		*context;
	enum check	 check;
	char		*target;
	char		*arg;
	struct cond	*conds;
	size_t		 nconds;
	char		*message;
	pcre2_code	*re;		/* match */
	struct reftab	*ref;		/* ref, ref_days */
	struct omsi_hash seen;		/* unique within the registry */
	struct omsi_arena seen_arena;
};

struct oms_rules {
	struct rule	*r;
	size_t		 n;
	struct reftab	**refs;
	size_t		 nrefs;
	pcre2_match_data *md;
};

struct nodes {
	xmlNodePtr	*v;
	size_t		 n, cap;
};

/* ---------------------------------------------------------- evaluation */

static int
nodes_add(struct nodes *ns, xmlNodePtr n)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 16;
		xmlNodePtr *v = reallocarray(ns->v, cap, sizeof(*v));

		if (v == NULL)
			return (-1);
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n++] = n;
	return (0);
}

/* All elements reached from n along path ("A/B", "..", "."). */
static int
collect(xmlNodePtr n, const char *path, struct nodes *out)
{
	const char *e;
	size_t len;
	xmlNodePtr c;

	if (n == NULL)
		return (0);
	while (*path == '/')
		path++;
	if (*path == '\0')
		return (nodes_add(out, n));
	e = path + strcspn(path, "/");
	len = (size_t)(e - path);
	if (len == 1 && path[0] == '.')
		return (collect(n, e, out));
	if (len == 2 && path[0] == '.' && path[1] == '.')
		return (collect(n->parent, e, out));
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strlen((const char *)c->name) == len &&
		    memcmp(c->name, path, len) == 0 &&
		    collect(c, e, out) == -1)
			return (-1);
	return (0);
}

static int
re_match(struct oms_rules *rs, pcre2_code *re, const char *s)
{
	return (pcre2_match(re, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0,
	    rs->md, NULL) >= 0);
}

static int
cond_holds(struct oms_rules *rs, const struct rule *r, xmlNodePtr ctx)
{
	struct nodes ns = { 0 };
	size_t i, j;
	int hit;

	for (i = 0; i < r->nconds; i++) {
		const struct cond *c = &r->conds[i];

		ns.n = 0;
		if (collect(ctx, c->path, &ns) == -1) {
			free(ns.v);
			return (-1);
		}
		hit = 0;
		for (j = 0; j < ns.n && !hit; j++)
			hit = c->re == NULL ||
			    re_match(rs, c->re, omsi_text(ns.v[j]));
		if (hit == c->neg) {
			free(ns.v);
			return (0);
		}
	}
	free(ns.v);
	return (1);
}

/* Compare a and b as dates, else as decimals: -2 when not comparable. */
static int
compare(const char *a, const char *b)
{
	long da, db;
	int64_t ma, mb;

	if (oms_date_parse(a, &da) == 0 && oms_date_parse(b, &db) == 0)
		return (da < db ? -1 : da > db);
	if (oms_money_parse(a, &ma) == 0 && oms_money_parse(b, &mb) == 0)
		return (ma < mb ? -1 : ma > mb);
	return (-2);
}

static const char *
arg_value(const struct rule *r, xmlNodePtr ctx, const struct omsi_rulectx *rc,
    char *buf)
{
	if (r->arg[0] == '=')
		return (r->arg + 1);
	if (strcmp(r->arg, "@period_end") == 0)
		return (oms_date_fmt(rc->period_last, buf));
	if (strcmp(r->arg, "@period_start") == 0)
		return (oms_date_fmt(rc->period_first, buf));
	return (omsi_path_text(ctx, r->arg));
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

	if (r->scope != scope || r->off)
		return (0);
	if (r->vmin[0] != '\0' && vnum(rc->version) < vnum(r->vmin))
		return (0);
	if (r->vmax[0] != '\0' && vnum(rc->version) > vnum(r->vmax))
		return (0);
	if (strcmp(r->kinds, "*") == 0 || scope == OMSI_SCOPE_PERS)
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
days_between(xmlNodePtr ctx, long *days)
{
	const char *kd = omsi_path_text(ctx, "KD");
	const char *d1 = omsi_path_text(ctx, "DATE_1");
	const char *d2 = omsi_path_text(ctx, "DATE_2");
	long a, b;
	char *end;

	if (kd != NULL && *kd != '\0') {
		*days = strtol(kd, &end, 10);
		return (*end == '\0' ? 0 : -1);
	}
	if (d1 == NULL || d2 == NULL || oms_date_parse(d1, &a) == -1 ||
	    oms_date_parse(d2, &b) == -1)
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

static int
check_one(struct oms_rules *rs, struct rule *r, xmlNodePtr ctx, xmlNodePtr rec,
    const struct omsi_rulectx *rc, int *nerr, struct oms_err *err)
{
	struct nodes tn = { 0 }, an = { 0 };
	const char *v, *sv, *a;
	char buf[16], sbuf[24];
	size_t i, j;
	int c, rv = 0;
	int64_t sum, x, total;
	long date, days, min, max;
	const struct omsi_refrow *row;
	const char *const *rf;

	if (collect(ctx, r->target, &tn) == -1)
		goto nomem;
	switch (r->check) {
	case C_REQUIRED:
		if (tn.n == 0)
			fail(r, rc, ctx, nerr, "%s missing", r->target);
		break;
	case C_ABSENT:
		if (tn.n > 0)
			fail(r, rc, tn.v[0], nerr, "%s must not be present",
			    r->target);
		break;
	case C_IN_PERSONS:
		break;		/* checked by the exporter against the L file */
	default:
		for (i = 0; i < tn.n; i++) {
			v = omsi_text(tn.v[i]);
			/* personal data never goes into a message */
			sv = omsi_personal((const char *)tn.v[i]->name) ?
			    "(hidden)" : v;
			switch (r->check) {
			case C_MATCH:
				if (!re_match(rs, r->re, v))
					fail(r, rc, tn.v[i], nerr, "%s is "
					    "\"%s\"", r->target, sv);
				break;
			case C_LE: case C_LT: case C_GE: case C_GT:
			case C_EQ: case C_NE:
				if ((a = arg_value(r, ctx, rc, buf)) ==
				    NULL)
					break;	/* nothing to compare with */
				c = compare(v, a);
				if (c == -2 ||
				    (r->check == C_LE && c > 0) ||
				    (r->check == C_LT && c >= 0) ||
				    (r->check == C_GE && c < 0) ||
				    (r->check == C_GT && c <= 0) ||
				    (r->check == C_EQ && c != 0) ||
				    (r->check == C_NE && c == 0))
					fail(r, rc, tn.v[i], nerr, "%s %s, %s "
					    "%s", r->target, sv, shown(r->arg),
					    omsi_personal(shown(r->arg)) ?
					    "(hidden)" : a);
				break;
			case C_SUM:
				an.n = 0;
				if (collect(ctx, r->arg, &an) == -1)
					goto nomem;
				total = 0;
				for (j = 0; j < an.n; j++) {
					if (oms_money_parse(omsi_text(an.v[j]),
					    &x) == -1)
						break;
					total += x;
				}
				if (j < an.n || oms_money_parse(v, &sum) ==
				    -1 || sum != total)
					fail(r, rc, tn.v[i], nerr, "%s is %s, "
					    "the sum of %s is %s", r->target, sv,
					    r->arg, oms_money_fmt(total, sbuf));
				break;
			case C_SNILS:
				if (!oms_snils_valid(v))
					fail(r, rc, tn.v[i], nerr, "%s \"%s\" "
					    "has a wrong check sum", r->target,
					    sv);
				break;
			case C_ENP:
				if (!oms_enp_form(v))
					fail(r, rc, tn.v[i], nerr, "%s \"%s\" "
					    "is not 16 digits", r->target, sv);
				break;
			case C_ENP_CHECK:
				if (oms_enp_form(v) && !oms_enp_check(v))
					fail(r, rc, tn.v[i], nerr, "%s \"%s\" "
					    "has an unexpected check digit",
					    r->target, sv);
				break;
			case C_UNIQUE:
				if (strcmp(r->arg, "registry") == 0) {
					if (omsi_hash_get(&r->seen, v, NULL)) {
						fail(r, rc, tn.v[i], nerr,
						    "%s \"%s\" is not unique "
						    "in the registry",
						    r->target, sv);
						break;
					}
					if ((a = omsi_arena_strdup(
					    &r->seen_arena, v)) == NULL ||
					    omsi_hash_put(&r->seen, a, 0) == -1)
						goto nomem;
					break;
				}
				for (j = 0; j < i; j++)
					if (strcmp(omsi_text(tn.v[j]), v) == 0)
						break;
				if (j < i)
					fail(r, rc, tn.v[i], nerr, "%s \"%s\" "
					    "repeats", r->target, sv);
				break;
			case C_REF:
			case C_REF_DAYS:
				if (!omsi_ref_get(r->ref->t, v, &j)) {
					if (r->check == C_REF)
						fail(r, rc, tn.v[i], nerr,
						    "%s \"%s\" is not in %s",
						    r->target, sv,
						    r->ref->name);
					break;
				}
				row = omsi_ref_row(r->ref->t, j);
				rf = omsi_ref_fields(r->ref->t, j);
				a = omsi_path_text(rec, "Z_SL/DATE_Z_2");
				if (r->check == C_REF) {
					if (a != NULL &&
					    oms_date_parse(a, &date) == 0 &&
					    ((row->from != -1 &&
					    date < row->from) ||
					    (row->to != -1 && date > row->to)))
						fail(r, rc, tn.v[i], nerr,
						    "%s \"%s\" is not valid "
						    "on %s", r->target, sv, a);
					break;
				}
				if (days_between(ctx, &days) == -1)
					break;
				min = bound(rf[R_MIN]);
				max = bound(rf[R_MAX]);
				if ((min != -1 && days < min) ||
				    (max != -1 && days > max))
					fail(r, rc, tn.v[i], nerr, "%s \"%s\" "
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
	free(tn.v);
	free(an.v);
	return (rv);
}

int
omsi_rules_check(struct oms_rules *rs, int scope, xmlNodePtr rec,
    const struct omsi_rulectx *rc, struct oms_err *err)
{
	struct nodes cn = { 0 };
	size_t i, j;
	int nerr = 0, h;

	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->r[i];

		if (!applies(r, scope, rc))
			continue;
		cn.n = 0;
		if (collect(rec, r->context, &cn) == -1)
			goto nomem;
		for (j = 0; j < cn.n; j++) {
			if ((h = cond_holds(rs, r, cn.v[j])) == -1)
				goto nomem;
			if (h && check_one(rs, r, cn.v[j], rec, rc, &nerr,
			    err) == -1) {
				free(cn.v);
				return (-1);
			}
		}
	}
	free(cn.v);
	return (nerr);
nomem:
	free(cn.v);
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

void
omsi_rules_reset(struct oms_rules *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		omsi_hash_release(&rs->r[i].seen);
		omsi_arena_release(&rs->r[i].seen_arena);
	}
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

/* ------------------------------------------------------------- loading */

static pcre2_code *
compile(const char *pat, const char *file, unsigned long line,
    struct oms_err *err)
{
	pcre2_code *re;
	int ec;
	PCRE2_SIZE off;
	PCRE2_UCHAR buf[256];

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &ec, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, buf, sizeof(buf));
		oms_err_set(err, OMS_EDATA, file, line,
		    "pattern \"%s\" at offset %zu: %s", pat, (size_t)off,
		    (char *)buf);
	}
	return (re);
}

static struct reftab *
load_ref(struct oms_rules *rs, const char *name,
    char *(*find)(void *, const char *), void *farg, struct oms_err *err)
{
	struct reftab *t, **v;
	char *path;
	size_t i;

	for (i = 0; i < rs->nrefs; i++)
		if (strcmp(rs->refs[i]->name, name) == 0)
			return (rs->refs[i]);
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->name = strdup(name)) == NULL) {
		free(t);
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	v = reallocarray(rs->refs, rs->nrefs + 1, sizeof(*v));
	if (v == NULL) {
		free(t->name);
		free(t);
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	rs->refs = v;
	rs->refs[rs->nrefs++] = t;
	if ((path = find(farg, name)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	t->t = omsi_ref_load(path, &refspec, err);
	free(path);
	return (t->t != NULL ? t : NULL);
}

static int
parse_conds(struct rule *r, char *when, const char *file, unsigned long line,
    struct oms_err *err)
{
	char *p, *next, *op;
	struct cond *c;

	if (strcmp(when, "") == 0 || strcmp(when, "-") == 0)
		return (0);
	for (p = when; p != NULL; p = next) {
		if ((next = strstr(p, "&&")) != NULL) {
			*next = '\0';
			next += 2;
		}
		while (isspace((unsigned char)*p))
			p++;
		for (op = p + strlen(p); op > p &&
		    isspace((unsigned char)op[-1]); op--)
			op[-1] = '\0';
		c = reallocarray(r->conds, r->nconds + 1, sizeof(*c));
		if (c == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		r->conds = c;
		c = &r->conds[r->nconds];
		memset(c, 0, sizeof(*c));
		if (*p == '!' && strchr(p, '~') != NULL)
			return (oms_err_set(err, OMS_EDATA, file, line,
			    "condition \"%s\": write PATH!~RE, not !PATH~RE",
			    p));
		if (*p == '!') {
			c->neg = 1;
			p++;
		}
		if ((op = strchr(p, '~')) != NULL) {
			if (op > p && op[-1] == '!') {
				c->neg = 1;
				op[-1] = '\0';
			}
			*op = '\0';
			if ((c->re = compile(op + 1, file, line, err)) == NULL)
				return (-1);
		}
		if ((c->path = strdup(p)) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		r->nconds++;
		if (*c->path == '\0')
			return (oms_err_set(err, OMS_EDATA, file, line,
			    "empty path in condition"));
	}
	return (0);
}

static const char *const rcols[] = {
	"id", "scope", "kinds", "versions", "severity", "context", "check",
	"target", "arg", "when", "message"
};

struct oms_rules *
oms_rules_load(const char *path, char *(*find)(void *, const char *),
    void *farg, struct oms_err *err)
{
	struct oms_rules *rs;
	struct oms_tsv *tsv = NULL;
	struct oms_rec rec;
	struct rule *r;
	FILE *fp;
	int col[11], rc;
	size_t i;
	const char *v, *dash;

	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	if ((rs->md = pcre2_match_data_create(4, NULL)) == NULL)
		goto nomem;
	if ((fp = fopen(path, "r")) == NULL) {
		oms_err_sys(err, errno, path, "rule table");
		goto fail;
	}
	if ((tsv = oms_tsv_open(fp, path, err)) == NULL) {
		fclose(fp);
		goto fail;
	}
	for (i = 0; i < 11; i++)
		if ((col[i] = oms_tsv_col(tsv, rcols[i])) == -1) {
			oms_err_set(err, OMS_EDATA, path, 1,
			    "no \"%s\" column", rcols[i]);
			goto fail_tsv;
		}
	while ((rc = oms_tsv_next(tsv, &rec, err)) == 1) {
		r = reallocarray(rs->r, rs->n + 1, sizeof(*r));
		if (r == NULL)
			goto nomem_tsv;
		rs->r = r;
		r = &rs->r[rs->n++];
		memset(r, 0, sizeof(*r));
		omsi_hash_init(&r->seen);
		omsi_arena_init(&r->seen_arena);
		if ((r->id = strdup(rec.f[col[0]])) == NULL ||
		    (r->kinds = strdup(rec.f[col[2]])) == NULL ||
		    (r->context = strdup(rec.f[col[5]])) == NULL ||
		    (r->target = strdup(rec.f[col[7]])) == NULL ||
		    (r->arg = strdup(rec.f[col[8]])) == NULL ||
		    (r->message = strdup(rec.f[col[10]])) == NULL)
			goto nomem_tsv;
		v = rec.f[col[1]];
		if (strcmp(v, "ZAP") == 0)
			r->scope = OMSI_SCOPE_ZAP;
		else if (strcmp(v, "PERS") == 0)
			r->scope = OMSI_SCOPE_PERS;
		else {
			oms_err_set(err, OMS_EDATA, path, rec.lineno,
			    "scope \"%s\": expected ZAP or PERS", v);
			goto fail_tsv;
		}
		v = rec.f[col[3]];
		if (strcmp(v, "*") != 0) {
			dash = strchr(v, '-');
			if (dash == NULL) {
				snprintf(r->vmin, sizeof(r->vmin), "%s", v);
				snprintf(r->vmax, sizeof(r->vmax), "%s", v);
			} else {
				snprintf(r->vmin, sizeof(r->vmin), "%.*s",
				    (int)(dash - v), v);
				snprintf(r->vmax, sizeof(r->vmax), "%s",
				    dash + 1);
			}
		}
		v = rec.f[col[4]];
		if (strcmp(v, "warning") == 0)
			r->warning = 1;
		else if (strcmp(v, "error") != 0) {
			oms_err_set(err, OMS_EDATA, path, rec.lineno,
			    "severity \"%s\": expected error or warning", v);
			goto fail_tsv;
		}
		v = rec.f[col[6]];
		for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			if (strcmp(checks[i].name, v) == 0)
				break;
		if (i == sizeof(checks) / sizeof(checks[0])) {
			oms_err_set(err, OMS_EDATA, path, rec.lineno,
			    "unknown check \"%s\" (see oms-rules(5))", v);
			goto fail_tsv;
		}
		r->check = checks[i].c;
		if (r->check == C_MATCH &&
		    (r->re = compile(r->arg, path, rec.lineno, err)) == NULL)
			goto fail_tsv;
		if ((r->check == C_REF || r->check == C_REF_DAYS) &&
		    (r->ref = load_ref(rs, r->arg, find, farg, err)) == NULL)
			goto fail_tsv;
		{
			char *when = strdup(rec.f[col[9]]);

			if (when == NULL)
				goto nomem_tsv;
			rc = parse_conds(r, when, path, rec.lineno, err);
			free(when);
			if (rc == -1)
				goto fail_tsv;
		}
	}
	if (rc == -1)
		goto fail_tsv;
	oms_tsv_free(tsv);
	fclose(fp);
	return (rs);
nomem_tsv:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
fail_tsv:
	oms_tsv_free(tsv);
	fclose(fp);
	goto fail;
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
fail:
	oms_rules_free(rs);
	return (NULL);
}

int
oms_rules_set(struct oms_rules *rs, const char *id, const char *sev,
    struct oms_err *err)
{
	size_t i;
	int found = 0, off, warning;

	if (strcmp(sev, "off") == 0)
		off = 1, warning = 0;
	else if (strcmp(sev, "warning") == 0)
		off = 0, warning = 1;
	else if (strcmp(sev, "error") == 0)
		off = 0, warning = 0;
	else
		return (oms_err_set(err, OMS_EDATA, NULL, 0, "rule.%s: \"%s\" "
		    "is not off, warning or error", id, sev));
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].id, id) == 0) {
			rs->r[i].off = off;
			rs->r[i].warning = warning;
			found = 1;
		}
	if (!found)
		return (oms_err_set(err, OMS_EDATA, NULL, 0, "rule.%s: no rule "
		    "with that id in the rule table", id));
	return (0);
}

size_t
oms_rules_count(const struct oms_rules *rs)
{
	return (rs->n);
}

void
oms_rules_free(struct oms_rules *rs)
{
	size_t i, j;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->r[i];

		free(r->id);
		free(r->kinds);
		free(r->context);
		free(r->target);
		free(r->arg);
		free(r->message);
		pcre2_code_free(r->re);
		for (j = 0; j < r->nconds; j++) {
			free(r->conds[j].path);
			pcre2_code_free(r->conds[j].re);
		}
		free(r->conds);
		omsi_hash_release(&r->seen);
		omsi_arena_release(&r->seen_arena);
	}
	free(rs->r);
	for (i = 0; i < rs->nrefs; i++) {
		struct reftab *t = rs->refs[i];

		free(t->name);
		oms_ref_free(t->t);
		free(t);
	}
	free(rs->refs);
	pcre2_match_data_free(rs->md);
	free(rs);
}
