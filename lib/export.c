/*
 * export.c -- build, check and write the registries of the ffoms profile
 *
 * For each registry (one per kind, or per kind and payer with send_to =
 * smo) the cases are copied from source/ as they came, with the fields the
 * registry owns replaced (N_ZAP, PR_NOV, IDCASE), into a body file; then the
 * persons of those cases are copied from the paired PERS_LIST files.  Every
 * record is checked against the schema and the rule table on the way.  Only
 * when every account passed are the headers written (their counts and sums
 * come from what was copied), the archives packed under temporary names,
 * renamed into outbox/ and recorded in the ledger.
 */
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/encoding.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "oms_int.h"
#include "export_int.h"

#define PERS_VERSION_DEFAULT	"3.2"

/* ------------------------------------------------------------- helpers */

/* Does DIR/rel exist (1, the error saying what to do), or not (0)? */
static int
exists(const struct oms_ws *ws, const char *rel, struct oms_err *err)
{
	struct stat st;
	char *p;
	int r = 0;

	if ((p = oms_ws_path(ws, rel)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, rel, 0, "out of memory"));
	if (lstat(p, &st) == 0)
		r = oms_err_set(err, OMS_EIO, rel, 0, "exists but the ledger does "
		    "not record it (the ledger was cut, or restored from an "
		    "older copy?); oms never overwrites a registry that may "
		    "have been sent: if it was sent, restore ledger.tsv from "
		    "the copy that records it; if it was not, move it out of "
		    "outbox/; then run again");
	else if (errno != ENOENT)
		r = oms_err_sys(err, errno, rel, "stat");
	free(p);
	return (r);
}

static int
is_yar(const struct exp *x)
{
	return (strcmp(x->ws->conf.profile, "yar76") == 0);
}

const char *
oms_version_for(const struct oms_conf *c, const char *kind, int period)
{
	char key[32];
	const char *v;

	snprintf(key, sizeof(key), "version.%s", kind);
	if ((v = oms_conf_get(c, key)) != NULL)
		return (v);
	if (kind[0] == 'D' && (v = oms_conf_get(c, "version.D")) != NULL)
		return (v);
	if (period >= 2025 * 12 + 6)
		return ("5.1");
	if (period >= 2025 * 12 + 0)
		return ("5.0");
	if (period >= 2024 * 12 + 2)
		return ("4.0");
	return ("3.2");
}

void
omsi_exp_vproblem(struct exp *x, const char *where, unsigned long line,
    int warning, const char *fmt, va_list ap)
{
	/* a rebuild says nothing new: the first build said it */
	omsi_vdiagf(x->replay ? NULL : x->diag, warning, OMS_ESCHEMA, where,
	    line, fmt, ap);
	if (!warning)
		x->nproblems++;
}

void
omsi_exp_problem(struct exp *x, const char *where, unsigned long line,
    int warning, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	omsi_exp_vproblem(x, where, line, warning, fmt, ap);
	va_end(ap);
}

static void
on_rule(void *arg, const char *id, int warning, unsigned long line,
    const char *msg)
{
	struct exp *x = arg;

	omsi_exp_problem(x, x->cur_doc, line, warning, "account %s: %s: %s",
	    x->cur_account, id, msg);
	if (!warning)
		x->cur_bad = 1;
}

/*
 * libxml2 quotes the value it refuses ("The value '12345' is not ...");
 * of a personal element it must not reach a message.
 */
static void
hide_value(char *msg, size_t len, void *node)
{
	xmlNodePtr n = node;
	char q[512], *p;
	const char *v;
	size_t ql;

	if (n == NULL || n->type != XML_ELEMENT_NODE ||
	    !omsi_personal((const char *)n->name))
		return;
	v = omsi_text(n);
	if (snprintf(q, sizeof(q), "'%s'", v) >= (int)sizeof(q) || *v == '\0')
		return;
	ql = strlen(q);
	for (p = msg; (p = strstr(p, q)) != NULL; ) {
		const char *h = "'(hidden)'";
		size_t hl = strlen(h), rest = strlen(p + ql);

		if ((size_t)(p - msg) + hl + rest + 1 > len)
			break;
		memmove(p + hl, p + ql, rest + 1);
		memcpy(p, h, hl);
		p += hl;
	}
}

static void
on_schema_error(void *arg, omsi_xml_error e)
{
	struct exp *x = arg;
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	snprintf(x->vmsg, sizeof(x->vmsg), "%s", e->message ? e->message :
	    "invalid");
	hide_value(x->vmsg, sizeof(x->vmsg), e->node);
	n = strlen(x->vmsg);
	while (n > 0 && (x->vmsg[n - 1] == '\n' || x->vmsg[n - 1] == ' '))
		x->vmsg[--n] = '\0';
	x->vline = e->line > 0 ? (unsigned long)e->line : 0;
	omsi_exp_problem(x, x->cur_doc, x->vline, 0, "account %s: xsd: %s",
	    x->cur_account, x->vmsg);
	x->cur_bad = 1;
}

static char *
find_ref(void *arg, const char *name)
{
	struct exp *x = arg;

	return (oms_ws_find(x->ws, "ref", name, x->o->refdir));
}

/* The schema for "H-5.1" etc., compiled once; NULL when there is none. */
static struct schema *
get_schema(struct exp *x, const char *key, struct oms_err *err)
{
	struct schema *s;
	char file[64], *path;
	size_t i;

	for (i = 0; i < x->nschemas; i++)
		if (strcmp(x->schemas[i].key, key) == 0)
			return (&x->schemas[i]);
	s = reallocarray(x->schemas, x->nschemas + 1, sizeof(*s));
	if (s == NULL)
		goto nomem;
	x->schemas = s;
	s = &x->schemas[x->nschemas];
	memset(s, 0, sizeof(*s));
	if ((s->key = strdup(key)) == NULL)
		goto nomem;
	x->nschemas++;
	snprintf(file, sizeof(file), "%s.xsd", key);
	if ((path = oms_ws_find(x->ws, "xsd", file, x->o->xsddir)) == NULL)
		goto nomem;
	if (access(path, R_OK) == -1) {
		omsi_exp_problem(x, path, 0, 1, "no schema for %s; its "
		    "records are checked by the rule table only", key);
		free(path);
		return (s);
	}
	/* no network, nothing outside its directory, no raw stderr */
	if ((s->s = omsi_schema_compile(path, err)) == NULL) {
		free(path);
		return (NULL);
	}
	free(path);
	if ((s->v = xmlSchemaNewValidCtxt(s->s)) == NULL)
		goto nomem;
	xmlSchemaSetValidStructuredErrors(s->v, on_schema_error, x);
	return (s);
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
	return (NULL);
}

/* Set the text of child name of n, creating it after `after` if absent. */
static int
set_child(xmlNodePtr n, const char *name, const char *value, const char *after)
{
	xmlNodePtr c, a, nc;

	if ((c = omsi_child(n, name)) != NULL) {
		xmlNodeSetContent(c, (const xmlChar *)value);
		return (0);
	}
	nc = xmlNewDocNode(n->doc, NULL, (const xmlChar *)name,
	    (const xmlChar *)value);
	if (nc == NULL)
		return (-1);
	a = after != NULL ? omsi_child(n, after) : NULL;
	if (a != NULL)
		xmlAddNextSibling(a, nc);
	else if (n->children != NULL)
		xmlAddPrevSibling(n->children, nc);
	else
		xmlAddChild(n, nc);
	return (0);
}

/* Write an element subtree through the text writer. */
static int
write_node(xmlTextWriterPtr w, xmlNodePtr n)
{
	xmlNodePtr c;
	xmlAttrPtr a;
	int elems = 0;

	if (xmlTextWriterStartElement(w, n->name) < 0)
		return (-1);
	for (a = n->properties; a != NULL; a = a->next) {
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		int r = xmlTextWriterWriteAttribute(w, a->name,
		    v ? v : (const xmlChar *)"");

		xmlFree(v);
		if (r < 0)
			return (-1);
	}
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			elems = 1;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (write_node(w, c) == -1)
				return (-1);
		} else if (!elems && (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL) {
			if (xmlTextWriterWriteString(w, c->content) < 0)
				return (-1);
		}
	}
	if (xmlTextWriterFullEndElement(w) < 0)
		return (-1);
	return (0);
}

static xmlTextWriterPtr
body_writer(struct exp *x, FILE *fp)
{
	xmlOutputBufferPtr out;
	xmlTextWriterPtr w;

	xmlCharEncodingHandlerPtr h;

	(void)x;
	/* a handler of its own: the buffer closes it */
	if ((h = xmlFindCharEncodingHandler(omsi_cp1251_name())) == NULL)
		return (NULL);
	if ((out = xmlOutputBufferCreateFile(fp, h)) == NULL) {
		xmlCharEncCloseFunc(h);
		return (NULL);
	}
	if ((w = xmlNewTextWriter(out)) == NULL) {
		xmlOutputBufferClose(out);
		return (NULL);
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, (const xmlChar *)" ");
	return (w);
}

FILE *
omsi_exp_temp(struct exp *x, const char *base, char **pathp, struct oms_err *err)
{
	char *dir, *path;
	int fd;
	FILE *fp;

	/* in the workspace itself: outbox/ is not touched before the end */
	if ((dir = strdup(x->ws->dir)) == NULL)
		goto nomem;
	path = malloc(strlen(dir) + strlen(base) + 24);
	if (path == NULL) {
		free(dir);
		goto nomem;
	}
	sprintf(path, "%s/.tmp-%s-XXXXXX", dir, base);
	free(dir);
	if ((fd = mkstemp(path)) == -1) {
		oms_err_sys(err, errno, path, "create temporary file");
		free(path);
		return (NULL);
	}
	(void)fchmod(fd, 0600);
	if ((fp = fdopen(fd, "w+")) == NULL) {
		oms_err_sys(err, errno, path, "fdopen");
		close(fd);
		unlink(path);
		free(path);
		return (NULL);
	}
	*pathp = path;
	return (fp);
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
	return (NULL);
}

static void
reg_release(struct reg *r)
{
	if (r->hw != NULL)
		xmlFreeTextWriter(r->hw);
	if (r->lw != NULL)
		xmlFreeTextWriter(r->lw);
	r->hw = r->lw = NULL;
	if (r->hbody != NULL)
		fclose(r->hbody);
	if (r->lbody != NULL)
		fclose(r->lbody);
	r->hbody = r->lbody = NULL;
	if (r->hpath != NULL)
		unlink(r->hpath);
	if (r->lpath != NULL)
		unlink(r->lpath);
	free(r->hpath);
	free(r->lpath);
	r->hpath = r->lpath = NULL;
	omsi_hash_release(&r->need);
	free(r->pfix);
	r->pfix = NULL;
	r->npfix = r->pfix_cap = 0;
	omsi_arena_release(&r->arena);
	free(r->need_doc);
	r->need_doc = NULL;
	if (r->af.tmp != NULL || r->af.path != NULL)
		oms_afile_abort(&r->af);
}

/* -------------------------------------------------------- registries */

static int
cmp_sel(const void *a, const void *b)
{
	const struct sel *x = a, *y = b;

	if (x->c->doc != y->c->doc)
		return (x->c->doc < y->c->doc ? -1 : 1);
	return (x->c->seq < y->c->seq ? -1 : x->c->seq > y->c->seq);
}

static int
kindclass(const char *kind)
{
	return (kind[0] == 'D' ? 'D' : kind[0]);
}

static int
kind_rank(const char *kind)
{
	switch (kind[0]) {
	case 'H':
		return (0);
	case 'C':
		return (1);
	case 'T':
		return (2);
	default:
		return (3);
	}
}

static int
reg_cmp(const struct reg *a, const struct reg *b)
{
	int c;

	if (kind_rank(a->out.kind) != kind_rank(b->out.kind))
		return (kind_rank(a->out.kind) - kind_rank(b->out.kind));
	if ((c = strcmp(a->out.kind, b->out.kind)) != 0)
		return (c);
	return (strcmp(a->out.payer, b->out.payer));
}

/* Group the selection into registries and name them. */
static int
plan(struct exp *x, struct oms_ledger *l, struct oms_err *err)
{
	const struct oms_conf *c = &x->ws->conf;
	int smo = c->send_to == OMS_SEND_SMO;
	size_t i, j;
	int pkg, y, m;
	struct reg *r;
	char num[16], recv[24];
	const struct oms_srcdoc *d;

	pkg = oms_ledger_next_package(l, x->o->period);
	y = x->o->period / 12 % 100;
	m = x->o->period % 12 + 1;
	for (i = 0; i < x->nsel; i++) {
		struct sel *s = &x->sel[i];

		if (s->bad)
			continue;
		for (j = 0; j < x->nreg; j++)
			if (strcmp(x->reg[j].out.kind, s->c->kind) == 0 &&
			    (!smo || strcmp(x->reg[j].out.payer,
			    s->c->payer) == 0))
				break;
		if (j == x->nreg) {
			r = reallocarray(x->reg, x->nreg + 1, sizeof(*r));
			if (r == NULL)
				goto nomem;
			x->reg = r;
			r = &x->reg[x->nreg++];
			memset(r, 0, sizeof(*r));
			omsi_hash_init(&r->need);
			omsi_arena_init(&r->arena);
			snprintf(r->out.kind, sizeof(r->out.kind), "%s",
			    s->c->kind);
			if (smo)
				snprintf(r->out.payer, sizeof(r->out.payer),
				    "%s", s->c->payer);
			r->kindclass = kindclass(s->c->kind);
			snprintf(r->out.version, sizeof(r->out.version), "%s",
			    oms_version_for(c, s->c->kind, x->o->period));
			d = oms_src_doc(x->src, (size_t)s->c->doc);
			snprintf(r->disp, sizeof(r->disp), "%s", d->disp);
		}
		s->reg = (int)j;
	}
	/* numbered in a fixed order: H, C, T, then D*, then by payer */
	if (x->nreg > 1) {
		int *map = calloc(x->nreg, sizeof(*map));
		struct reg tmp;
		size_t k;

		if (map == NULL)
			goto nomem;
		for (i = 0; i < x->nreg; i++)
			map[i] = (int)i;
		for (i = 1; i < x->nreg; i++)	/* few registries: insertion */
			for (k = i; k > 0 && reg_cmp(&x->reg[k - 1],
			    &x->reg[k]) > 0; k--) {
				int t = map[k - 1];

				tmp = x->reg[k - 1];
				x->reg[k - 1] = x->reg[k];
				x->reg[k] = tmp;
				map[k - 1] = map[k];
				map[k] = t;
			}
		/* map[new] = old; the selection points at old indices */
		for (i = 0; i < x->nsel; i++)
			for (k = 0; k < x->nreg; k++)
				if (x->sel[i].reg == map[k]) {
					x->sel[i].reg = (int)k + (int)x->nreg;
					break;
				}
		for (i = 0; i < x->nsel; i++)
			if (x->sel[i].reg >= (int)x->nreg)
				x->sel[i].reg -= (int)x->nreg;
		free(map);
	}
	for (i = 0; i < x->nreg; i++) {
		r = &x->reg[i];
		r->out.package = pkg++;
		snprintf(num, sizeof(num), "%0*d", c->package_width,
		    r->out.package);
		if (smo && strcmp(r->out.payer, c->tfoms) != 0 &&
		    strncmp(r->out.payer + 2, "000", 3) != 0)
			snprintf(recv, sizeof(recv), "S%s", r->out.payer);
		else
			snprintf(recv, sizeof(recv), "T%s", c->tfoms);
		snprintf(r->out.name, sizeof(r->out.name), "%sM%s%s_%02d%02d%s",
		    r->out.kind, c->mo, recv, y, m, num);
		snprintf(r->lname, sizeof(r->lname), "L%s%s",
		    r->out.kind[0] == 'H' ? "" : r->out.kind[0] == 'D' ?
		    r->out.kind + 1 : r->out.kind,
		    r->out.name + strlen(r->out.kind));
		snprintf(r->out.archive, sizeof(r->out.archive),
		    "outbox/%s.%s", r->out.name, c->archive_ext);
		snprintf(r->pers_version, sizeof(r->pers_version), "%s",
		    oms_conf_get(c, "version.L") != NULL ?
		    oms_conf_get(c, "version.L") : PERS_VERSION_DEFAULT);
	}
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

/* ------------------------------------------------------------ copying */

/* Has the account a fix of its person (a PERS/ path) in force? */
static int
has_pers_fix(const struct exp *x, const char *account)
{
	const struct oms_acct *a;
	const struct oms_fix *f;
	size_t i, nfix;

	if (x->ledger == NULL || (a = oms_ledger_acct(x->ledger,
	    account)) == NULL || a->nfixes == 0)
		return (0);
	nfix = oms_ledger_nfix(x->ledger);
	for (i = 0; i < nfix; i++) {
		f = oms_ledger_fix(x->ledger, i);
		if (strcmp(f->account, account) == 0 &&
		    strncmp(f->path, "PERS/", 5) == 0)
			return (1);
	}
	return (0);
}

/*
 * The fixes in force for the account (oms-requeue --set) into its record:
 * scope ZAP takes the paths into the case, PERS those after "PERS/".  A
 * path the record lacks makes the account bad.
 */
static int
apply_fixes(struct exp *x, const struct sel *s, int scope, xmlNodePtr rec,
    struct oms_err *err)
{
	const struct oms_acct *a;
	const struct oms_fix *f;
	const char *path;
	xmlNodePtr n;
	size_t i, nfix;

	if (x->ledger == NULL || (a = oms_ledger_acct(x->ledger,
	    s->c->account)) == NULL || a->nfixes == 0)
		return (0);
	nfix = oms_ledger_nfix(x->ledger);
	for (i = 0; i < nfix; i++) {
		f = oms_ledger_fix(x->ledger, i);
		if (strcmp(f->account, s->c->account) != 0)
			continue;
		path = f->path;
		if ((strncmp(path, "PERS/", 5) == 0) != (scope ==
		    OMSI_SCOPE_PERS))
			continue;
		if (scope == OMSI_SCOPE_PERS)
			path += 5;
		if ((n = omsi_path(rec, path)) == NULL) {
			omsi_exp_problem(x, x->cur_doc, omsi_line(rec), 0,
			    "account %s: the fix of %s cannot be made: the "
			    "record has no such element (oms-requeue "
			    "--withdraw %s)", s->c->account, f->path, f->path);
			x->cur_bad = 1;
			continue;
		}
		omsi_exp_problem(x, x->cur_doc, omsi_line(rec), 1, "account "
		    "%s: %s set to \"%s\" by the fix of %s (oms-requeue "
		    "--fixes)", s->c->account, f->path,
		    omsi_personal((const char *)n->name) ? "(hidden)" :
		    f->value, f->time);
		/* text, never markup: no entity is expanded */
		xmlNodeSetContent(n, NULL);
		xmlNodeAddContent(n, (const xmlChar *)f->value);
		if (n->children == NULL && *f->value != '\0')
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
	}
	return (0);
}

static int
check_record(struct exp *x, struct reg *r, int scope, xmlNodePtr rec,
    struct oms_err *err)
{
	struct omsi_rulectx rc;
	struct schema *s;
	char key[32];

	snprintf(key, sizeof(key), "%c-%s", scope == OMSI_SCOPE_PERS ? 'L' :
	    r->kindclass, scope == OMSI_SCOPE_PERS ? r->pers_version :
	    r->out.version);
	if ((s = get_schema(x, key, err)) == NULL)
		return (-1);
	if (s->v != NULL && xmlSchemaValidateOneElement(s->v, rec) != 0)
		x->cur_bad = 1;
	memset(&rc, 0, sizeof(rc));
	rc.kind = r->out.kind;
	rc.version = scope == OMSI_SCOPE_PERS ? r->pers_version :
	    r->out.version;
	rc.period_first = oms_period_first(x->o->period);
	rc.period_last = oms_period_last(x->o->period);
	rc.report = on_rule;
	rc.arg = x;
	if (omsi_rules_check(x->rules, scope, rec, &rc, err) == -1)
		return (-1);
	return (0);
}

static int
copy_case(struct exp *x, struct sel *s, xmlNodePtr zap,
    const struct oms_srcdoc *d, struct oms_err *err)
{
	struct reg *r = &x->reg[s->reg];
	xmlNodePtr zsl;
	char num[24];
	const char *idpac, *sum;
	size_t prev;

	x->cur_doc = d->name;
	x->cur_account = s->c->account;
	x->cur_bad = 0;
	OMSI_PROGRESS(x->ws, "building the registries", s - x->sel + 1,
	    x->nsel);
	if (apply_fixes(x, s, OMSI_SCOPE_ZAP, zap, err) == -1)
		return (-1);
	s->n_zap = ++r->nzap;
	snprintf(num, sizeof(num), "%lu", s->n_zap);
	if (set_child(zap, "N_ZAP", num, NULL) == -1 ||
	    set_child(zap, "PR_NOV", s->pr_nov ? "1" : "0", "N_ZAP") == -1 ||
	    ((zsl = omsi_child(zap, "Z_SL")) != NULL &&
	    set_child(zsl, "IDCASE", num, NULL) == -1))
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	if (check_record(x, r, OMSI_SCOPE_ZAP, zap, err) == -1)
		return (-1);
	sum = omsi_path_text(zap, "Z_SL/SUMV");
	if (sum == NULL || oms_money_parse(sum, &s->sum) == -1)
		s->sum = 0;	/* reported by the schema or the rules */
	if (x->cur_bad)
		s->bad = 1;
	r->sum += s->sum;
	/* the persons this case needs */
	idpac = omsi_path_text(zap, "PACIENT/ID_PAC");
	if (idpac != NULL && *idpac != '\0' &&
	    !omsi_hash_get(&r->need, idpac, &prev)) {
		const char *k = omsi_arena_strdup(&r->arena, idpac);

		if (k == NULL || omsi_hash_put(&r->need, k,
		    (size_t)(s - x->sel)) == -1)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
	} else if (idpac != NULL && *idpac != '\0' &&
	    has_pers_fix(x, s->c->account)) {
		/* a person's record is written once: take this one's too */
		struct pfix *pf;

		if (r->npfix == r->pfix_cap) {
			size_t cap = r->pfix_cap ? r->pfix_cap * 2 : 8;

			if ((pf = reallocarray(r->pfix, cap,
			    sizeof(*pf))) == NULL)
				return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
				    "out of memory"));
			r->pfix = pf;
			r->pfix_cap = cap;
		}
		pf = r->pfix;
		if ((pf[r->npfix].idpac = omsi_arena_strdup(&r->arena,
		    idpac)) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		pf[r->npfix++].si = (size_t)(s - x->sel);
	}
	if (write_node(r->hw, zap) == -1)
		return (oms_err_set(err, OMS_EIO, r->hpath, 0,
		    "cannot write the registry body"));
	return (0);
}

/* Stream the cases documents and copy the selected cases. */
static int
copy_cases(struct exp *x, struct oms_err *err)
{
	size_t i = 0, k, ndoc = oms_src_ndocs(x->src);
	const struct oms_srcdoc *d;
	struct archive *ar;
	struct omsi_xin *xin;
	xmlTextReaderPtr rd;
	xmlNodePtr zap;
	unsigned long seq;
	int rc;

	for (k = 0; k < ndoc; k++) {
		while (i < x->nsel && x->sel[i].bad)
			i++;
		if (i == x->nsel)
			break;
		if ((size_t)x->sel[i].c->doc != k)
			continue;
		d = oms_src_doc(x->src, k);
		if (omsi_src_open(d, &ar, &xin, err) == -1)
			return (-1);
		rd = omsi_xin_reader(xin);
		seq = 0;
		while ((rc = omsi_xin_next_element(xin, err)) == 1) {
			if (xmlTextReaderDepth(rd) != 1)
				continue;
			if (strcmp((const char *)xmlTextReaderConstLocalName(rd),
			    "ZAP") == 0) {
				while (i < x->nsel && x->sel[i].bad)
					i++;
				if (i < x->nsel && (size_t)x->sel[i].c->doc ==
				    k && x->sel[i].c->seq == seq) {
					if ((zap = omsi_xin_expand(xin, err)) ==
					    NULL || copy_case(x, &x->sel[i],
					    zap, d, err) == -1)
						break;
					x->sel[i].seen = 1;
					i++;
				}
				seq++;
			}
			if (omsi_xin_skip(xin, err) == -1)
				break;
		}
		omsi_src_close(ar, xin);
		if (rc != 0)
			return (-1);
		/* anything of this document not found: the file changed */
		for (; i < x->nsel && (size_t)x->sel[i].c->doc == k; i++)
			if (!x->sel[i].bad && !x->sel[i].seen)
				return (oms_err_set(err, OMS_EDATA, d->name, 0,
				    "account %s is no longer where it was; the "
				    "file changed while exporting, run again",
				    x->sel[i].c->account));
	}
	return (0);
}

/* Mark every account of registry r that uses idpac as bad. */
static void
bad_person(struct exp *x, struct reg *r, const char *idpac)
{
	size_t i;
	const char *p;

	for (i = 0; i < x->nsel; i++) {
		if (x->sel[i].reg != (int)(r - x->reg) || !x->sel[i].seen)
			continue;
		p = x->sel[i].c->id_pac;
		if (strcmp(p, idpac) == 0)
			x->sel[i].bad = 1;
	}
}

/* Stream the persons documents and copy the persons needed. */
static int
copy_persons(struct exp *x, struct oms_err *err)
{
	size_t k, ndoc = oms_src_ndocs(x->src), ri, si, i;
	const struct oms_srcdoc *d;
	struct archive *ar;
	struct omsi_xin *xin;
	xmlNodePtr pers;
	const char *idpac;
	int rc, wanted, warn;
	struct reg *r;
	struct oms_err e;

	for (k = 0; k < ndoc; k++) {
		d = oms_src_doc(x->src, k);
		if (d->type != OMS_DOC_PERSONS)
			continue;
		/* is this document the pair of any selected case? */
		wanted = 0;
		for (i = 0; i < x->nsel && !wanted; i++)
			wanted = x->sel[i].seen && oms_src_doc(x->src,
			    (size_t)x->sel[i].c->doc)->pair == (int)k;
		if (!wanted)
			continue;
		if (omsi_src_open(d, &ar, &xin, err) == -1)
			return (-1);
		while ((rc = omsi_xin_next_element(xin, err)) == 1) {
			if (xmlTextReaderDepth(omsi_xin_reader(xin)) != 1 ||
			    strcmp((const char *)xmlTextReaderConstLocalName(
			    omsi_xin_reader(xin)), "PERS") != 0)
				continue;
			if ((pers = omsi_xin_expand(xin, err)) == NULL) {
				rc = -1;
				break;
			}
			idpac = omsi_path_text(pers, "ID_PAC");
			if (idpac == NULL)
				continue;
			for (ri = 0; ri < x->nreg; ri++) {
				r = &x->reg[ri];
				if (!omsi_hash_get(&r->need, idpac, &si) ||
				    si == (size_t)-1)
					continue;
				/* only from the pair of that case's file */
				if (oms_src_doc(x->src,
				    (size_t)x->sel[si].c->doc)->pair != (int)k)
					continue;
				x->cur_doc = d->name;
				x->cur_account = x->sel[si].c->account;
				x->cur_bad = 0;
				if (apply_fixes(x, &x->sel[si], OMSI_SCOPE_PERS,
				    pers, err) == -1) {
					omsi_src_close(ar, xin);
					return (-1);
				}
				for (i = 0; i < r->npfix; i++)
					if (strcmp(r->pfix[i].idpac, idpac) ==
					    0 && apply_fixes(x, &x->sel[
					    r->pfix[i].si], OMSI_SCOPE_PERS,
					    pers, err) == -1) {
						omsi_src_close(ar, xin);
						return (-1);
					}
				if (check_record(x, r, OMSI_SCOPE_PERS, pers,
				    err) == -1) {
					omsi_src_close(ar, xin);
					return (-1);
				}
				if (x->cur_bad)
					bad_person(x, r, idpac);
				if (write_node(r->lw, pers) == -1) {
					omsi_src_close(ar, xin);
					return (oms_err_set(err, OMS_EIO,
					    r->lpath, 0, "cannot write the "
					    "persons body"));
				}
				r->npers++;
				/* mark written (the key is there already) */
				if (omsi_hash_put(&r->need, idpac,
				    (size_t)-1) == -1) {
					omsi_src_close(ar, xin);
					return (oms_err_set(err, OMS_ENOMEM,
					    NULL, 0, "out of memory"));
				}
			}
		}
		omsi_src_close(ar, xin);
		if (rc == -1)
			return (-1);
	}
	/* persons nobody found */
	memset(&e, 0, sizeof(e));
	if (omsi_rules_off(x->rules, "003F.00.3070"))
		return (0);
	for (ri = 0; ri < x->nreg; ri++) {
		r = &x->reg[ri];
		for (i = 0; i < r->need.cap; i++) {
			if (r->need.keys[i] == NULL ||
			    r->need.vals[i] == (size_t)-1)
				continue;
			si = r->need.vals[i];
			d = oms_src_doc(x->src, (size_t)x->sel[si].c->doc);
			warn = omsi_rules_warning(x->rules, "003F.00.3070");
			omsi_exp_problem(x, d->name, x->sel[si].c->line, warn,
			    "account %s: 003F.00.3070: patient ID_PAC \"%s\" "
			    "is not in the persons file%s%s",
			    x->sel[si].c->account, r->need.keys[i],
			    d->pair >= 0 ? " " : " (there is none with "
			    "FILENAME1 ", d->pair >= 0 ? oms_src_doc(x->src,
			    (size_t)d->pair)->name : d->filename);
			if (!warn)
				bad_person(x, r, r->need.keys[i]);
		}
	}
	return (0);
}

/* ------------------------------------------------------------ writing */

static int
w_elem(xmlTextWriterPtr w, const char *name, const char *value)
{
	return (xmlTextWriterWriteElement(w, (const xmlChar *)name,
	    (const xmlChar *)value) < 0 ? -1 : 0);
}

/* The header of the main file, into buf. */
static int
write_header(struct exp *x, struct reg *r, int persons, xmlBufferPtr buf)
{
	const struct oms_conf *c = &x->ws->conf;
	xmlTextWriterPtr w;
	char date[16], n[32], sum[32], code[16];
	int ok = -1, y, m;

	if ((w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		return (-1);
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, (const xmlChar *)" ");
	oms_date_fmt(x->o->date, date);
	y = x->o->period / 12;
	m = x->o->period % 12 + 1;
	if (xmlTextWriterStartDocument(w, "1.0", "windows-1251", NULL) < 0 ||
	    xmlTextWriterStartElement(w, (const xmlChar *)(persons ?
	    "PERS_LIST" : "ZL_LIST")) < 0 ||
	    xmlTextWriterStartElement(w, (const xmlChar *)"ZGLV") < 0)
		goto out;
	if (persons) {
		if (w_elem(w, "VERSION", r->pers_version) == -1 ||
		    w_elem(w, "DATA", date) == -1 ||
		    w_elem(w, "FILENAME", r->lname) == -1 ||
		    w_elem(w, "FILENAME1", r->out.name) == -1 ||
		    xmlTextWriterEndElement(w) < 0)
			goto out;
	} else {
		snprintf(n, sizeof(n), "%lu", r->nzap);
		snprintf(code, sizeof(code), "%02d%02d%04d", y % 100, m,
		    r->out.package % 10000);
		if (w_elem(w, "VERSION", r->out.version) == -1 ||
		    w_elem(w, "DATA", date) == -1 ||
		    w_elem(w, "FILENAME", r->out.name) == -1 ||
		    w_elem(w, "SD_Z", n) == -1 ||
		    xmlTextWriterEndElement(w) < 0 ||
		    xmlTextWriterStartElement(w, (const xmlChar *)"SCHET") < 0 ||
		    w_elem(w, "CODE", code) == -1 ||
		    w_elem(w, "CODE_MO", c->mo) == -1 ||
		    xmlTextWriterWriteFormatElement(w, (const xmlChar *)"YEAR",
		    "%d", y) < 0 ||
		    xmlTextWriterWriteFormatElement(w, (const xmlChar *)"MONTH",
		    "%d", m) < 0 ||
		    w_elem(w, "NSCHET", code) == -1 ||
		    w_elem(w, "DSCHET", date) == -1 ||
		    (r->out.payer[0] != '\0' &&
		    w_elem(w, "PLAT", r->out.payer) == -1) ||
		    w_elem(w, "SUMMAV", oms_money_fmt(r->sum, sum)) == -1 ||
		    (r->kindclass == 'D' && r->disp[0] != '\0' &&
		    w_elem(w, "DISP", r->disp) == -1) ||
		    xmlTextWriterEndElement(w) < 0)
			goto out;
	}
	if (xmlTextWriterFlush(w) < 0)
		goto out;
	ok = 0;
out:
	xmlFreeTextWriter(w);	/* leaves the root open: the body follows */
	return (ok);
}

int
omsi_zip_entry(struct archive *a, const char *name, time_t mtime,
    const char *head, size_t headlen, FILE *body, const char *tail,
    struct oms_err *err)
{
	struct archive_entry *ae;
	char buf[65536];
	long blen;
	size_t n;
	int rc = -1;

	if (fflush(body) == EOF || (blen = ftell(body)) < 0 ||
	    fseek(body, 0, SEEK_SET) == -1)
		return (oms_err_sys(err, errno, name, "temporary file"));
	if ((ae = archive_entry_new()) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_mtime(ae, mtime, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_size(ae, (la_int64_t)(headlen + (size_t)blen +
	    strlen(tail)));
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		goto aerr;
	if (archive_write_data(a, head, headlen) < 0)
		goto aerr;
	while ((n = fread(buf, 1, sizeof(buf), body)) > 0)
		if (archive_write_data(a, buf, n) < 0)
			goto aerr;
	if (ferror(body)) {
		oms_err_sys(err, errno, name, "read temporary file");
		goto out;
	}
	if (archive_write_data(a, tail, strlen(tail)) < 0)
		goto aerr;
	rc = 0;
	goto out;
aerr:
	oms_err_set(err, OMS_EIO, name, 0, "archive: %s%s%s",
	    archive_error_string(a), archive_errno(a) > 0 ? ": " : "",
	    archive_errno(a) > 0 ? strerror(archive_errno(a)) : "");
out:
	archive_entry_free(ae);
	return (rc);
}

/* A ZIP written to fp (deflate, no padding); NULL with err filled. */
struct archive *
omsi_zip_open(FILE *fp, const char *path, struct oms_err *err)
{
	struct archive *a;

	if ((a = archive_write_new()) == NULL ||
	    archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate") !=
	    ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_FILE(a, fp) != ARCHIVE_OK) {
		oms_err_set(err, OMS_EINTERNAL, path, 0, "archive: %s",
		    a ? archive_error_string(a) : "out of memory");
		if (a != NULL)
			archive_write_free(a);
		return (NULL);
	}
	return (a);
}

/* Finish the ZIP (the caller frees a); -1 with err naming the cause. */
int
omsi_zip_close(struct archive *a, const char *path, struct oms_err *err)
{
	if (archive_write_close(a) != ARCHIVE_OK)
		return (oms_err_set(err, OMS_EIO, path, 0, "archive: %s%s%s",
		    archive_error_string(a), archive_errno(a) > 0 ? ": " : "",
		    archive_errno(a) > 0 ? strerror(archive_errno(a)) : ""));
	return (0);
}

/* Pack registry r into its archive under a temporary name. */
static int
pack(struct exp *x, struct reg *r, struct oms_err *err)
{
	xmlBufferPtr hh = NULL, lh = NULL;
	struct archive *a = NULL;
	char *path = NULL, ename[96];
	time_t mtime;
	int rc = -1;

	if (xmlTextWriterFlush(r->hw) < 0 || xmlTextWriterFlush(r->lw) < 0)
		return (oms_err_set(err, OMS_EIO, r->hpath, 0,
		    "cannot write the registry body"));
	if ((hh = xmlBufferCreate()) == NULL || (lh = xmlBufferCreate()) ==
	    NULL || write_header(x, r, 0, hh) == -1 ||
	    write_header(x, r, 1, lh) == -1) {
		oms_err_set(err, OMS_EINTERNAL, r->out.name, 0,
		    "cannot write the registry header");
		goto out;
	}
	if ((path = oms_ws_path(x->ws, r->out.archive)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (oms_afile_open(&r->af, path, err) == -1)
		goto out;
	mtime = (time_t)x->o->date * 86400 + 12 * 3600;
	if ((a = omsi_zip_open(r->af.fp, path, err)) == NULL)
		goto out;
	snprintf(ename, sizeof(ename), "%s.XML", r->out.name);
	if (omsi_zip_entry(a, ename, mtime, (const char *)xmlBufferContent(hh),
	    (size_t)xmlBufferLength(hh), r->hbody, "</ZL_LIST>\n", err) == -1)
		goto out;
	snprintf(ename, sizeof(ename), "%s.XML", r->lname);
	if (omsi_zip_entry(a, ename, mtime, (const char *)xmlBufferContent(lh),
	    (size_t)xmlBufferLength(lh), r->lbody, "</PERS_LIST>\n",
	    err) == -1)
		goto out;
	if (omsi_zip_close(a, path, err) == -1)
		goto out;
	rc = 0;
out:
	if (a != NULL)
		archive_write_free(a);
	if (hh != NULL)
		xmlBufferFree(hh);
	if (lh != NULL)
		xmlBufferFree(lh);
	free(path);
	return (rc);
}

/* ------------------------------------------------------------- driver */

static int
open_bodies(struct exp *x, struct oms_err *err)
{
	size_t i;
	struct reg *r;

	for (i = 0; i < x->nreg; i++) {
		r = &x->reg[i];
		if ((r->hbody = omsi_exp_temp(x, r->out.name, &r->hpath, err)) ==
		    NULL || (r->lbody = omsi_exp_temp(x, r->lname, &r->lpath,
		    err)) == NULL)
			return (-1);
		if ((r->hw = body_writer(x, r->hbody)) == NULL ||
		    (r->lw = body_writer(x, r->lbody)) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "cannot start the XML writer"));
	}
	return (0);
}

static void
release_regs(struct exp *x)
{
	size_t i;

	omsi_yar_release(x);
	for (i = 0; i < x->nreg; i++)
		reg_release(&x->reg[i]);
	free(x->reg);
	x->reg = NULL;
	x->nreg = 0;
}

/* One attempt over the accounts not marked bad; 1 = new bad accounts. */
static int
build(struct exp *x, struct oms_ledger *l, struct oms_err *err)
{
	size_t i, nbad0 = 0, nbad = 0;

	for (i = 0; i < x->nsel; i++) {
		nbad0 += x->sel[i].bad;
		x->sel[i].seen = 0;
		x->sel[i].reg = -1;
	}
	omsi_rules_reset(x->rules);
	if (is_yar(x)) {
		if (omsi_yar_plan(x, l, err) == -1 ||
		    omsi_yar_copy(x, err) == -1)
			return (-1);
	} else if (plan(x, l, err) == -1 || open_bodies(x, err) == -1 ||
	    copy_cases(x, err) == -1 || copy_persons(x, err) == -1)
		return (-1);
	for (i = 0; i < x->nsel; i++)
		nbad += x->sel[i].bad;
	return (nbad > nbad0);
}

static int
record(struct exp *x, struct oms_ledger *l, struct oms_err *err)
{
	struct oms_buf b;
	const char *f[OMS_L_NCOL];
	char now[32], period[8], sum[32], data[128], nz[24], pr[4], end[16];
	size_t i, j;
	struct reg *r;
	struct oms_buf db;
	struct oms_ledger_tx tx = { .fd = -1 };
	int rc = -1;

	oms_buf_init(&b, (size_t)1 << 30);
	oms_buf_init(&db, OMS_TSV_LINE_MAX);
	oms_ledger_now(now, sizeof(now));
	oms_period_fmt(x->o->period, period);
	/* a million accounts make 200 MB of lines: they go out in pieces */
	if (oms_ledger_begin(l, &tx, err) == -1)
		goto out;
	for (i = 0; i < x->nreg; i++) {
		r = &x->reg[i];
		memset(f, 0, sizeof(f));
		f[OMS_L_TIME] = now;
		f[OMS_L_EVENT] = "registry";
		f[OMS_L_REGISTRY] = r->out.name;
		f[OMS_L_PERIOD] = period;
		f[OMS_L_KIND] = r->out.kind;
		f[OMS_L_PAYER] = r->out.payer;
		f[OMS_L_SUM] = oms_money_fmt(r->sum, sum);
		f[OMS_L_FILE] = r->out.archive;
		snprintf(data, sizeof(data), "accounts=%lu;test=%d;package=%d;"
		    "version=%s", r->nzap, x->o->test, r->out.package,
		    r->out.version);
		f[OMS_L_DATA] = data;
		if (oms_ledger_line(&b, f, err) == -1)
			goto out;
		for (j = 0; j < x->nsel; j++) {
			struct sel *s = &x->sel[j];

			if (s->bad || s->reg != (int)i)
				continue;
			memset(f, 0, sizeof(f));
			snprintf(nz, sizeof(nz), "%lu", s->n_zap);
			snprintf(pr, sizeof(pr), "%d", s->pr_nov);
			f[OMS_L_TIME] = now;
			f[OMS_L_EVENT] = "export";
			f[OMS_L_ACCOUNT] = s->c->account;
			f[OMS_L_REGISTRY] = r->out.name;
			f[OMS_L_PERIOD] = period;
			f[OMS_L_KIND] = s->c->kind;
			f[OMS_L_PAYER] = s->c->payer;
			f[OMS_L_PR_NOV] = pr;
			f[OMS_L_N_ZAP] = nz;
			f[OMS_L_IDCASE] = nz;
			f[OMS_L_SUM] = oms_money_fmt(s->sum, sum);
			f[OMS_L_FILE] = oms_src_doc(x->src,
			    (size_t)s->c->doc)->name;
			oms_buf_reset(&db);
			if (oms_ledger_data(&db, "end", s->c->date_end >= 0 ?
			    oms_date_fmt(s->c->date_end, end) : "", err) ==
			    -1 || (*s->c->dept != '\0' && oms_ledger_data(&db,
			    "dept", s->c->dept, err) == -1) ||
			    (*s->c->doctor != '\0' && oms_ledger_data(&db,
			    "doctor", s->c->doctor, err) == -1))
				goto out;
			f[OMS_L_DATA] = db.s;
			if (oms_ledger_line(&b, f, err) == -1)
				goto out;
			if (b.len > LEDGER_PIECE &&
			    oms_ledger_flush(&tx, &b, err) == -1)
				goto out;
		}
	}
	rc = oms_ledger_commit(&tx, &b, x->o->test ? "export-test" : "export",
	    now, err);
out:
	if (rc == -1)
		oms_ledger_abort(&tx);
	oms_buf_release(&db);
	oms_buf_release(&b);
	return (rc);
}

/* Check the input accounts; problems make them bad. */
static int
select_input(struct exp *x, struct oms_ledger *l, const char *const *acc,
    size_t n, struct oms_err *err)
{
	struct omsi_hash seen;
	const struct oms_case *c;
	const struct oms_acct *a;
	const struct oms_srcdoc *d;
	size_t i;
	char ps[8];

	omsi_hash_init(&seen);
	if ((x->sel = calloc(n ? n : 1, sizeof(*x->sel))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		if (omsi_hash_get(&seen, acc[i], NULL)) {
			omsi_exp_problem(x, "input", 0, 0, "account %s is "
			    "given twice", acc[i]);
			continue;	/* the first one stands */
		}
		if (omsi_hash_put(&seen, acc[i], 0) == -1)
			goto nomem;
		if ((c = oms_src_find(x->src, acc[i])) == NULL) {
			omsi_exp_problem(x, "input", 0, 0, "account %s is not "
			    "in source/ (see oms-select(1))", acc[i]);
			x->inbad = reallocarray(x->inbad, x->ninbad + 1,
			    sizeof(*x->inbad));
			if (x->inbad == NULL ||
			    (x->inbad[x->ninbad] = strdup(acc[i])) == NULL)
				goto nomem;
			x->ninbad++;
			continue;
		}
		d = oms_src_doc(x->src, (size_t)c->doc);
		struct sel *s = &x->sel[x->nsel++];

		s->c = c;
		s->reg = -1;
		a = oms_ledger_acct(l, acc[i]);
		if (c->dup) {
			omsi_exp_problem(x, d->name, c->line, 0, "account %s "
			    "appears twice in its source file", acc[i]);
			s->bad = 1;
		} else if (a != NULL && a->state != OMS_ST_NEW &&
		    a->state != OMS_ST_QUEUED) {
			const struct oms_reg *rg = oms_ledger_reg(l,
			    (size_t)a->reg);

			omsi_exp_problem(x, d->name, c->line, 0, "account %s "
			    "is %s (registry %s); only new and queued "
			    "accounts are exported", acc[i],
			    oms_state_name(a->state), rg ? rg->name : "?");
			s->bad = 1;
		} else if (c->date_end > oms_period_last(x->o->period)) {
			omsi_exp_problem(x, d->name, c->line, 0, "account %s: "
			    "case ends on %s, after the period %s", acc[i],
			    oms_date_fmt(c->date_end, (char[16]){ 0 }),
			    oms_period_fmt(x->o->period, ps));
			s->bad = 1;
		} else if (d->pair == -1 && d->type != OMS_DOC_BILL) {
			omsi_exp_problem(x, d->name, c->line, 0, "account %s: "
			    "no PERS_LIST file pairs with %s", acc[i],
			    d->filename);
			s->bad = 1;
		}
		s->pr_nov = a != NULL && a->state == OMS_ST_QUEUED;
	}
	omsi_hash_release(&seen);
	/* copy in document and file order */
	qsort(x->sel, x->nsel, sizeof(*x->sel), cmp_sel);
	return (0);
nomem:
	omsi_hash_release(&seen);
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

int
oms_export(struct oms_ws *ws, struct oms_ledger *l, const struct oms_src *src,
    const char *const *acc, size_t n, const struct oms_export_opts *o,
    struct oms_diag *diag, struct oms_export_res *res, struct oms_err *err)
{
	struct exp x;
	char *rpath = NULL, *outbox = NULL;
	size_t i, j, nbad;
	int rc = -1, b;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.ws = ws;
	x.o = o;
	x.src = src;
	x.ledger = l;
	x.diag = diag;
	if ((x.cp1251 = xmlFindCharEncodingHandler("windows-1251")) == NULL) {
		oms_err_set(err, OMS_EINTERNAL, NULL, 0,
		    "libxml2 cannot encode windows-1251 (built without iconv?)");
		goto out;
	}
	xmlCharEncCloseFunc(x.cp1251);	/* it can: that is all we asked */
	x.cp1251 = NULL;
	if ((rpath = oms_ws_find(ws, "ref", "rules.tsv", o->refdir)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if ((x.rules = oms_rules_load(rpath, find_ref, &x, err)) == NULL)
		goto out;
	for (i = 0; i < ws->conf.nkv; i++)
		if (strncmp(ws->conf.keys[i], "rule.", 5) == 0 &&
		    oms_rules_set(x.rules, ws->conf.keys[i] + 5,
		    ws->conf.vals[i], err) == -1) {
			snprintf(err->where, sizeof(err->where), "%s:%lu",
			    ws->conf.path ? ws->conf.path : "oms.conf",
			    ws->conf.lines[i]);
			goto out;
		}
	if ((outbox = oms_ws_path(ws, "outbox")) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	/* go on after bad input: every problem is listed in one run */
	if (select_input(&x, l, acc, n, err) == -1)
		goto out;
	for (;;) {
		if ((b = build(&x, l, err)) == -1)
			goto out;
		if (b == 0 || !o->skip_invalid)
			break;
		release_regs(&x);	/* again without the bad ones */
		x.replay = 1;
	}
	nbad = x.ninbad;
	for (i = 0; i < x.nsel; i++)
		nbad += x.sel[i].bad;
	res->nbad = nbad;
	if (x.nproblems > 0 && !o->skip_invalid) {
		rc = 1;
		goto out;
	}
	if (nbad > 0 && (res->bad = calloc(nbad, sizeof(char *))) != NULL) {
		for (i = 0, j = 0; i < x.nsel; i++)
			if (x.sel[i].bad)
				res->bad[j++] = strdup(x.sel[i].c->account);
		for (i = 0; i < x.ninbad; i++)
			res->bad[j++] = strdup(x.inbad[i]);
	}
	/* registries left empty by skip_invalid are not written */
	if ((res->reg = calloc(x.nreg ? x.nreg : 1, sizeof(*res->reg))) ==
	    NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < x.nreg; i++) {
		x.reg[i].out.naccounts = x.reg[i].nzap;
		x.reg[i].out.sum = x.reg[i].sum;
		res->reg[res->nreg++] = x.reg[i].out;
	}
	if (o->check_only || x.nreg == 0) {
		rc = nbad > 0;
		goto out;
	}
	if (oms_ws_mkdir(ws, "outbox", err) == -1)
		goto out;
	/*
	 * What is in outbox/ under a registry's name may have been sent:
	 * it is never overwritten.  The ledger picked these names as unused,
	 * so one that exists was made by a run the ledger has lost.
	 */
	for (i = 0; i < x.nreg; i++)
		if (exists(ws, x.reg[i].out.archive, err) != 0)
			goto out;
	for (i = 0; i < x.nreg; i++)
		if ((is_yar(&x) ? omsi_yar_pack(&x, &x.reg[i], err) :
		    pack(&x, &x.reg[i], err)) == -1)
			goto out;
	/*
	 * Two phases: the archives are made durable under their temporary
	 * names, the ledger block is the commit point, and only then do they
	 * appear in outbox/ under the names a person or a script would send.
	 * A crash after the commit leaves temporary files that the next run
	 * (oms_ws_recover) renames; before it, files it removes.
	 */
	for (i = 0; i < x.nreg; i++)
		if (oms_afile_sync(&x.reg[i].af, err) == -1)
			goto undo;
	if (record(&x, l, err) == -1)
		goto undo;
	for (i = 0; i < x.nreg; i++)
		if (oms_afile_publish_new(&x.reg[i].af, err) == -1) {
			/*
			 * Recorded: the temporary files must stay, and the
			 * next run puts them in place (oms_ws_recover).
			 */
			for (j = 0; j < x.nreg; j++)
				oms_afile_forget(&x.reg[j].af);
			rc = -1;
			goto out;
		}
	rc = nbad > 0;
	goto out;
undo:
	/* the ledger does not name them: take the archives back */
	for (i = 0; i < x.nreg; i++)
		oms_afile_abort(&x.reg[i].af);
	res->nreg = 0;
out:
	release_regs(&x);
	for (i = 0; i < x.nschemas; i++) {
		if (x.schemas[i].v != NULL)
			xmlSchemaFreeValidCtxt(x.schemas[i].v);
		if (x.schemas[i].s != NULL)
			xmlSchemaFree(x.schemas[i].s);
		free(x.schemas[i].key);
	}
	free(x.schemas);
	oms_rules_free(x.rules);
	if (x.cp1251 != NULL)
		xmlCharEncCloseFunc(x.cp1251);
	free(x.sel);
	for (i = 0; i < x.ninbad; i++)
		free(x.inbad[i]);
	free(x.inbad);
	free(rpath);
	free(outbox);
	return (rc);
}

void
oms_export_res_release(struct oms_export_res *res)
{
	size_t i;

	for (i = 0; i < res->nbad && res->bad != NULL; i++)
		free(res->bad[i]);
	free(res->bad);
	free(res->reg);
	memset(res, 0, sizeof(*res));
}
