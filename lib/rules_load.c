/*
 * rules_load.c -- read ref/rules.tsv and the reference tables its rules
 * name; the table's severities (rule.ID in oms.conf); which tables are
 * missing
 *
 * The rows are read first and the tables after, each once with every
 * column a rule compares (where COL=PATH) and the column conditions look
 * codes up by (PATH@TABLE:COL).  A table whose file does not exist is not
 * an error: the rules that need it are not in force, and
 * oms_rules_missing() names it, for the program to say so once.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules_int.h"

static const struct {
	const char	*name;
	enum check	 c;
} checks[] = {
	{ "absent", C_ABSENT }, { "enp", C_ENP }, { "enp_check", C_ENP_CHECK },
	{ "eq", C_EQ }, { "fail", C_FAIL }, { "ge", C_GE }, { "gt", C_GT },
	{ "in_persons", C_IN_PERSONS }, { "le", C_LE }, { "lt", C_LT },
	{ "match", C_MATCH }, { "ne", C_NE }, { "ref", C_REF },
	{ "ref_days", C_REF_DAYS }, { "required", C_REQUIRED },
	{ "snils", C_SNILS }, { "sum", C_SUM }, { "unique", C_UNIQUE },
};

static int
nomem(struct oms_err *err)
{
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

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
	} else	/* without JIT (not built in, no memory): interpreted */
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return (re);
}

/* The table named name, registered (not read yet) on first use. */
static struct reftab *
table(struct oms_rules *rs, const char *name, struct oms_err *err)
{
	struct reftab *t, **v;
	size_t i;

	for (i = 0; i < rs->nrefs; i++)
		if (strcmp(rs->refs[i]->name, name) == 0)
			return (rs->refs[i]);
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->name = strdup(name)) == NULL) {
		free(t);
		nomem(err);
		return (NULL);
	}
	if ((v = reallocarray(rs->refs, rs->nrefs + 1, sizeof(*v))) == NULL) {
		free(t->name);
		free(t);
		nomem(err);
		return (NULL);
	}
	rs->refs = v;
	rs->refs[rs->nrefs++] = t;
	return (t);
}

/* The index of column col among t's fields, added when new. */
static int
column(struct reftab *t, const char *col, size_t *ci, struct oms_err *err)
{
	static const char *const fixed[] = {
		"code", "name", "min_days", "max_days"
	};
	char **v;
	size_t i;

	for (i = 0; i < R_NFIXED; i++)
		if (strcmp(fixed[i], col) == 0) {
			*ci = i;
			return (0);
		}
	for (i = 0; i < t->nextra; i++)
		if (strcmp(t->extra[i], col) == 0) {
			*ci = R_NFIXED + i;
			return (0);
		}
	if ((v = reallocarray(t->extra, t->nextra + 1, sizeof(*v))) == NULL)
		return (nomem(err));
	t->extra = v;
	if ((t->extra[t->nextra] = strdup(col)) == NULL)
		return (nomem(err));
	*ci = R_NFIXED + t->nextra++;
	return (0);
}

/* Read every table the rules named, or mark it missing. */
static int
load_tables(struct oms_rules *rs, char *(*find)(void *, const char *),
    void *farg, struct oms_err *err)
{
	struct omsi_refspec spec;
	const char **cols;
	struct reftab *t;
	char *path;
	size_t i, j;

	for (i = 0; i < rs->nrefs; i++) {
		t = rs->refs[i];
		if ((cols = calloc(R_NFIXED + t->nextra, sizeof(*cols))) == NULL)
			return (nomem(err));
		cols[R_CODE] = "code";
		cols[R_NAME] = "name";
		cols[R_MIN] = "min_days";
		cols[R_MAX] = "max_days";
		for (j = 0; j < t->nextra; j++)
			cols[R_NFIXED + j] = t->extra[j];
		memset(&spec, 0, sizeof(spec));
		spec.cols = cols;
		spec.ncols = R_NFIXED + t->nextra;
		spec.nreq = 1;
		spec.from = "from";
		spec.to = "to";
		spec.alt = t->alt;
		/* a code may have a row per period of validity */
		spec.dup = OMSI_REF_ALL;
		spec.open_what = "reference table";
		spec.nocol = "no \"code\" column";
		spec.baddate = "bad date in from/to (expected YYYY-MM-DD)";
		if ((path = find(farg, t->name)) == NULL) {
			free(cols);
			return (nomem(err));
		}
		if (access(path, F_OK) == -1 && errno == ENOENT)
			t->missing = 1;
		else
			t->t = omsi_ref_load(path, &spec, err);
		free(path);
		free(cols);
		if (!t->missing && t->t == NULL)
			return (-1);
	}
	return (0);
}

/* "PATH@TABLE" or "PATH@TABLE:COL" (c->path holds PATH) */
static int
parse_in(struct oms_rules *rs, struct cond *c, char *spec,
    const char *file, unsigned long line, struct oms_err *err)
{
	char *col;

	if ((col = strchr(spec, ':')) != NULL)
		*col++ = '\0';
	if (*spec == '\0')
		return (oms_err_set(err, OMS_EDATA, file, line,
		    "condition: no table after @"));
	if ((c->in = table(rs, spec, err)) == NULL)
		return (-1);
	if (col != NULL) {
		if (c->in->alt != NULL && strcmp(c->in->alt, col) != 0)
			return (oms_err_set(err, OMS_EDATA, file, line,
			    "conditions look %s up by \"%s\" and \"%s\": one "
			    "column a table", spec, c->in->alt, col));
		if (c->in->alt == NULL && (c->in->alt = strdup(col)) == NULL)
			return (nomem(err));
		c->in_alt = 1;
	}
	return (0);
}

/* "years(PATH,PATH2)>=N" or "years(PATH,PATH2)<N" */
static int
parse_years(struct cond *c, const char *p, const char *file,
    unsigned long line, struct oms_err *err)
{
	const char *comma, *close, *num;
	char *end;

	if ((comma = strchr(p, ',')) == NULL ||
	    (close = strchr(comma, ')')) == NULL)
		goto bad;
	if (strncmp(close + 1, ">=", 2) == 0) {
		c->years_ge = 1;
		num = close + 3;
	} else if (close[1] == '<')
		num = close + 2;
	else
		goto bad;
	c->years = strtol(num, &end, 10);
	if (end == num || *end != '\0' || comma == p + 6 || close == comma + 1)
		goto bad;
	if ((c->path = strndup(p + 6, (size_t)(comma - p - 6))) == NULL ||
	    (c->path2 = strndup(comma + 1, (size_t)(close - comma - 1))) ==
	    NULL)
		return (nomem(err));
	return (0);
bad:
	return (oms_err_set(err, OMS_EDATA, file, line, "condition \"%s\": "
	    "expected years(PATH,PATH)>=N or years(PATH,PATH)<N", p));
}

static int
parse_conds(struct oms_rules *rs, struct rule *r, char *when,
    const char *file, unsigned long line, struct oms_err *err)
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
			return (nomem(err));
		r->conds = c;
		c = &r->conds[r->nconds];
		memset(c, 0, sizeof(*c));
		if (strncmp(p, "years(", 6) == 0) {
			if (parse_years(c, p, file, line, err) == -1)
				return (-1);
			r->nconds++;
			continue;
		}
		if (strcmp(p, "@PLAT") == 0 || strcmp(p, "!@PLAT") == 0) {
			c->neg = *p == '!';
			c->plat = 1;
			if ((c->path = strdup(p)) == NULL)
				return (nomem(err));
			r->nconds++;
			continue;
		}
		if (*p == '!' && strpbrk(p, "~@") != NULL)
			return (oms_err_set(err, OMS_EDATA, file, line,
			    "condition \"%s\": write PATH!~RE or PATH!@TABLE, "
			    "not !PATH~RE", p));
		if (*p == '!') {
			c->neg = 1;
			p++;
		}
		if ((op = strpbrk(p, "~@")) != NULL) {
			int in = *op == '@';

			if (op > p && op[-1] == '!') {
				c->neg = 1;
				op[-1] = '\0';
			}
			*op = '\0';
			if (in) {
				if (parse_in(rs, c, op + 1, file, line, err) ==
				    -1)
					return (-1);
			} else if ((c->re = compile(op + 1, file, line,
			    err)) == NULL)
				return (-1);
			else if ((c->pat = strdup(op + 1)) == NULL)
				return (nomem(err));
		}
		if ((c->path = strdup(p)) == NULL)
			return (nomem(err));
		r->nconds++;
		if (*c->path == '\0')
			return (oms_err_set(err, OMS_EDATA, file, line,
			    "empty path in condition"));
	}
	return (0);
}

/* arg of ref and ref_days: "TABLE [on PATH] [where COL=PATH | COL==PATH]..." */
static int
parse_ref(struct oms_rules *rs, struct rule *r, const char *file,
    unsigned long line, struct oms_err *err)
{
	char *words[16], *p, *eq;
	size_t n = 0, i;
	struct where *w;

	for (p = strtok(r->arg, " "); p != NULL; p = strtok(NULL, " "))
		if (n < sizeof(words) / sizeof(words[0]))
			words[n++] = p;
		else
			return (oms_err_set(err, OMS_EDATA, file, line,
			    "too many words in arg"));
	if (n == 0)
		return (oms_err_set(err, OMS_EDATA, file, line,
		    "%s: no reference table in arg", r->id));
	if ((r->ref = table(rs, words[0], err)) == NULL)
		return (-1);
	for (i = 1; i < n; i += 2) {
		if (i + 1 == n)
			return (oms_err_set(err, OMS_EDATA, file, line,
			    "arg: \"%s\" wants a value", words[i]));
		if (strcmp(words[i], "on") == 0) {
			if ((r->refdate = strdup(words[i + 1])) == NULL)
				return (nomem(err));
			continue;
		}
		if (strcmp(words[i], "where") != 0 ||
		    (eq = strchr(words[i + 1], '=')) == NULL ||
		    eq == words[i + 1] || eq[1] == '\0' ||
		    (eq[1] == '=' && eq[2] == '\0'))
			return (oms_err_set(err, OMS_EDATA, file, line,
			    "arg: expected TABLE [on PATH] [where COL=PATH]... "
			    "(or COL==PATH), not \"%s %s\"", words[i],
			    words[i + 1]));
		*eq++ = '\0';
		if ((w = reallocarray(r->where, r->nwhere + 1,
		    sizeof(*w))) == NULL)
			return (nomem(err));
		r->where = w;
		w = &r->where[r->nwhere];
		memset(w, 0, sizeof(*w));
		r->nwhere++;
		if ((w->num = *eq == '=') != 0)
			eq++;
		if ((w->col = strdup(words[i + 1])) == NULL ||
		    (w->path = strdup(eq)) == NULL)
			return (nomem(err));
		if (column(r->ref, w->col, &w->ci, err) == -1)
			return (-1);
	}
	/* the arg is the table's name from here on, for messages */
	memmove(r->arg, words[0], strlen(words[0]) + 1);
	return (0);
}

/* Add the element names of path to rs->names; 1 when one is PERS. */
static int
path_names(struct oms_rules *rs, const char *path, int add, int *pers)
{
	const char *p, *e;
	char *name;
	size_t len;

	for (p = path; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "/");
		len = (size_t)(e - p);
		if (len == 0 || (len == 1 && *p == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			continue;
		if (len == 4 && memcmp(p, "PERS", 4) == 0)
			*pers = 1;
		if (!add)
			continue;
		if ((name = omsi_arena_strndup(&rs->arena, p, len)) == NULL ||
		    omsi_hash_put(&rs->names, name, 0) == -1)
			return (-1);
	}
	return (0);
}

/* Which ZAP rules step into PERS, and the names they use. */
static int
person_rules(struct oms_rules *rs, struct oms_err *err)
{
	struct rule *r;
	size_t i, j, k;
	int pers;

	for (k = 0; k < 2; k++)
		for (i = 0; i < rs->n; i++) {
			r = &rs->r[i];
			if (r->scope != OMSI_SCOPE_ZAP || (k == 1 &&
			    !r->person))
				continue;
			pers = 0;
			if (path_names(rs, r->context, k, &pers) == -1 ||
			    path_names(rs, r->target, k, &pers) == -1 ||
			    (r->check != C_MATCH && r->check != C_REF &&
			    r->check != C_REF_DAYS && r->check != C_UNIQUE &&
			    r->arg[0] != '=' && r->arg[0] != '@' &&
			    path_names(rs, r->arg, k, &pers) == -1) ||
			    (r->refdate != NULL && path_names(rs, r->refdate,
			    k, &pers) == -1))
				return (nomem(err));
			for (j = 0; j < r->nconds; j++)
				if (path_names(rs, r->conds[j].path, k,
				    &pers) == -1 || (r->conds[j].path2 != NULL &&
				    path_names(rs, r->conds[j].path2, k,
				    &pers) == -1))
					return (nomem(err));
			for (j = 0; j < r->nwhere; j++)
				if (path_names(rs, r->where[j].path, k,
				    &pers) == -1)
					return (nomem(err));
			if (k == 0 && pers) {
				r->person = 1;
				rs->nperson++;
			}
		}
	return (0);
}

static const char *const rcols[] = {
	"id", "scope", "kinds", "versions", "severity", "context", "check",
	"target", "arg", "when", "message"
};

static int
parse_row(struct oms_rules *rs, struct rule *r, const struct oms_rec *rec,
    const int *col, const char *path, struct oms_err *err)
{
	const char *v, *dash;
	char *when;
	size_t i;
	int rc;

	if ((r->id = strdup(rec->f[col[0]])) == NULL ||
	    (r->kinds = strdup(rec->f[col[2]])) == NULL ||
	    (r->context = strdup(rec->f[col[5]])) == NULL ||
	    (r->target = strdup(rec->f[col[7]])) == NULL ||
	    (r->arg = strdup(rec->f[col[8]])) == NULL ||
	    (r->message = strdup(rec->f[col[10]])) == NULL)
		return (nomem(err));
	v = rec->f[col[1]];
	if (strcmp(v, "ZAP") == 0)
		r->scope = OMSI_SCOPE_ZAP;
	else if (strcmp(v, "PERS") == 0)
		r->scope = OMSI_SCOPE_PERS;
	else
		return (oms_err_set(err, OMS_EDATA, path, rec->lineno,
		    "scope \"%s\": expected ZAP or PERS", v));
	v = rec->f[col[3]];
	if (strcmp(v, "*") != 0) {
		if ((dash = strchr(v, '-')) == NULL) {
			snprintf(r->vmin, sizeof(r->vmin), "%s", v);
			snprintf(r->vmax, sizeof(r->vmax), "%s", v);
		} else {
			snprintf(r->vmin, sizeof(r->vmin), "%.*s",
			    (int)(dash - v), v);
			snprintf(r->vmax, sizeof(r->vmax), "%s", dash + 1);
		}
	}
	v = rec->f[col[4]];
	if (strcmp(v, "warning") == 0)
		r->warning = 1;
	else if (strcmp(v, "error") != 0)
		return (oms_err_set(err, OMS_EDATA, path, rec->lineno,
		    "severity \"%s\": expected error or warning", v));
	v = rec->f[col[6]];
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (strcmp(checks[i].name, v) == 0)
			break;
	if (i == sizeof(checks) / sizeof(checks[0]))
		return (oms_err_set(err, OMS_EDATA, path, rec->lineno,
		    "unknown check \"%s\" (see oms-rules(5))", v));
	r->check = checks[i].c;
	if (r->check >= C_LE && r->check <= C_NE && r->arg[0] == '@' &&
	    strcmp(r->arg, "@period_start") != 0 &&
	    strcmp(r->arg, "@period_end") != 0 &&
	    strcmp(r->arg, "@period_year") != 0)
		return (oms_err_set(err, OMS_EDATA, path, rec->lineno,
		    "arg \"%s\": expected @period_start, @period_end or "
		    "@period_year (see oms-rules(5))", r->arg));
	if (r->check == C_MATCH &&
	    (r->re = compile(r->arg, path, rec->lineno, err)) == NULL)
		return (-1);
	if ((r->check == C_REF || r->check == C_REF_DAYS) &&
	    parse_ref(rs, r, path, rec->lineno, err) == -1)
		return (-1);
	if ((when = strdup(rec->f[col[9]])) == NULL)
		return (nomem(err));
	rc = parse_conds(rs, r, when, path, rec->lineno, err);
	free(when);
	return (rc);
}

struct oms_rules *
oms_rules_load(const char *path, char *(*find)(void *, const char *),
    void *farg, struct oms_err *err)
{
	struct oms_rules *rs;
	struct oms_tsv *tsv = NULL;
	struct oms_rec rec;
	struct rule *r;
	FILE *fp = NULL;
	int col[11], rc;
	size_t i, j;

	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		nomem(err);
		return (NULL);
	}
	omsi_hash_init(&rs->names);
	omsi_hash_init(&rs->ids);
	omsi_rset_init(&rs->bylink, 1);
	omsi_arena_init(&rs->arena);
	omsi_arena_init(&rs->kept_arena);
	oms_buf_init(&rs->buf, 0);
	oms_buf_init(&rs->tbuf, 0);
	oms_buf_init(&rs->pbuf, 0);
	oms_buf_init(&rs->kbuf, 0);
	if ((rs->md = pcre2_match_data_create(4, NULL)) == NULL) {
		nomem(err);
		goto fail;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		oms_err_sys(err, errno, path, "rule table");
		goto fail;
	}
	if ((tsv = oms_tsv_open(fp, path, err)) == NULL)
		goto fail;
	for (i = 0; i < 11; i++)
		if ((col[i] = oms_tsv_col(tsv, rcols[i])) == -1) {
			oms_err_set(err, OMS_EDATA, path, 1,
			    "no \"%s\" column", rcols[i]);
			goto fail;
		}
	while ((rc = oms_tsv_next(tsv, &rec, err)) == 1) {
		if ((r = reallocarray(rs->r, rs->n + 1, sizeof(*r))) == NULL) {
			nomem(err);
			goto fail;
		}
		rs->r = r;
		r = &rs->r[rs->n++];
		memset(r, 0, sizeof(*r));
		if (parse_row(rs, r, &rec, col, path, err) == -1)
			goto fail;
	}
	if (rc == -1)
		goto fail;
	oms_tsv_free(tsv);
	tsv = NULL;
	fclose(fp);
	fp = NULL;
	if (load_tables(rs, find, farg, err) == -1 ||
	    person_rules(rs, err) == -1 || omsi_rules_compile(rs, err) == -1)
		goto fail;
	/* a rule whose table is missing is not in force */
	for (i = 0; i < rs->n; i++) {
		r = &rs->r[i];
		if (r->ref != NULL && r->ref->missing)
			r->dead = 1;
		for (j = 0; j < r->nconds; j++)
			if (r->conds[j].in != NULL && r->conds[j].in->missing)
				r->dead = 1;
	}
	return (rs);
fail:
	oms_tsv_free(tsv);
	if (fp != NULL)
		fclose(fp);
	oms_rules_free(rs);
	return (NULL);
}

/*
 * Ids the shipped table used before its rules took their Q015 ids, or
 * before a rule of its own gave way to the Q015 one that checks the same
 * (OMS.NOVOR, OMS.PERS.W): an oms.conf that names one still sets the rule
 * ("" for a rule dropped).  A table that still has rows of the old id (a
 * workspace's copy) has them set instead.
 */
static const struct {
	const char	*old, *now;
} renamed[] = {
	{ "003F.00.0210", "003F.00.0070" },
	{ "OMS.DATE.PERIOD", "" },	/* oms-export checks it before any */
	{ "OMS.KD_Z", "003F.00.0440" },
	{ "OMS.KSG.HOSP", "003F.00.0800" },
	{ "OMS.NOVOR", "002F.00.0130" },
	{ "OMS.PERS.W", "001F.00.0700" },
	{ "OMS.P_CEL", "003F.00.0670" },
	{ "OMS.UNIQ.IDSERV", "003F.00.2850" },
};

static int
has_id(const struct oms_rules *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].id, id) == 0)
			return (1);
	return (0);
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
	for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if (strcmp(renamed[i].old, id) == 0 && !has_id(rs, id)) {
			if (*renamed[i].now == '\0')
				return (0);
			id = renamed[i].now;
			break;
		}
	omsi_rules_uncache(rs);		/* the rules in force may change */
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

size_t
oms_rules_nmissing(const struct oms_rules *rs)
{
	size_t i, n = 0;

	for (i = 0; i < rs->nrefs; i++)
		n += rs->refs[i]->missing;
	return (n);
}

const char *
oms_rules_missing(const struct oms_rules *rs, size_t k)
{
	size_t i;

	for (i = 0; i < rs->nrefs; i++)
		if (rs->refs[i]->missing && k-- == 0)
			return (rs->refs[i]->name);
	return (NULL);
}

size_t
oms_rules_dead(const struct oms_rules *rs)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++)
		n += rs->r[i].dead;
	return (n);
}

void
oms_rules_free(struct oms_rules *rs)
{
	size_t i, j;

	if (rs == NULL)
		return;
	omsi_rules_reset(rs);
	omsi_rules_free_compiled(rs);
	for (i = 0; i < rs->n; i++) {
		struct rule *r = &rs->r[i];

		free(r->id);
		free(r->kinds);
		free(r->context);
		free(r->target);
		free(r->arg);
		free(r->message);
		free(r->refdate);
		pcre2_code_free(r->re);
		for (j = 0; j < r->nconds; j++) {
			free(r->conds[j].path);
			free(r->conds[j].path2);
			free(r->conds[j].pat);
			pcre2_code_free(r->conds[j].re);
		}
		free(r->conds);
		for (j = 0; j < r->nwhere; j++) {
			free(r->where[j].col);
			free(r->where[j].path);
		}
		free(r->where);
		/* r->seen went with omsi_rules_reset */
	}
	free(rs->r);
	for (i = 0; i < rs->nrefs; i++) {
		struct reftab *t = rs->refs[i];

		free(t->name);
		for (j = 0; j < t->nextra; j++)
			free(t->extra[j]);
		free(t->extra);
		free(t->alt);
		oms_ref_free(t->t);
		free(t);
	}
	free(rs->refs);
	free(rs->kept);
	free(rs->kkv);
	free(rs->kv);
	omsi_hash_release(&rs->names);
	omsi_rset_release(&rs->bylink);
	omsi_rules_unorder(rs);
	omsi_arena_release(&rs->arena);
	omsi_arena_release(&rs->kept_arena);
	oms_buf_release(&rs->buf);
	oms_buf_release(&rs->tbuf);
	oms_buf_release(&rs->pbuf);
	oms_buf_release(&rs->kbuf);
	pcre2_match_data_free(rs->md);
	free(rs);
}
