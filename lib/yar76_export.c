/*
 * yar76_export.c -- write the yar76 bill: bill.xml in a ZIP named ...13x.7z
 *
 * One registry holds every selected account (all payers).  The accounts
 * are read from source/ in document order and their personal_account
 * subtrees copied as they came, with n_pp (and x_key2 for a repeated
 * account) set, into a spool file; each patient's own data (the patient
 * element without its register_accounts) goes there once per patient
 * element: once per account, as the template has it, or with
 * yar76.group_patients once for all of a patient's accounts.  bill.xml is
 * assembled from the spool only when every account has been read: its
 * totals (account_sum) come first in the file and are known only then.
 * Memory holds a few words per account, never the records.
 *
 * The XML is serialised here rather than through xmlTextWriter because
 * the pieces are spliced in another order than they are made; every
 * attribute value and text is escaped, and characters windows-1251 lacks
 * become character references (Promed wrote values raw and unescaped).
 * Before a record goes to the spool, and before the bill is assembled,
 * they are checked against the template (yar76_check.c): the values of
 * the head oms.conf must give, and xsd/yar76-VERSION.xsd.
 *
 * This file defines the profile's table of the export, omsi_yar76_export.
 */
#include <sys/types.h>

#include <archive.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yar76_int.h"

#define CRLF	"\r\n"

static int
nomem(struct oms_err *err)
{
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

/* ------------------------------------------------------- serialising */

/*
 * Append UTF-8 s as windows-1251, escaped for an attribute value (attr)
 * or for text.  Bytes that are not UTF-8 cannot come from libxml2.
 */
static int
put_esc(struct oms_buf *b, const char *s, int attr, struct oms_err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	int c, n;
	char ref[16];

	while (*p != '\0') {
		if (*p < 0x80) {
			cp = *p++;
			switch (cp) {
			case '&':
				if (oms_buf_adds(b, "&amp;", err) == -1)
					return (-1);
				continue;
			case '<':
				if (oms_buf_adds(b, "&lt;", err) == -1)
					return (-1);
				continue;
			case '>':
				if (oms_buf_adds(b, "&gt;", err) == -1)
					return (-1);
				continue;
			case '"':
				if (attr) {
					if (oms_buf_adds(b, "&quot;", err) ==
					    -1)
						return (-1);
					continue;
				}
				break;
			case '\t': case '\n': case '\r':
				if (attr) {
					snprintf(ref, sizeof(ref), "&#%u;", cp);
					if (oms_buf_adds(b, ref, err) == -1)
						return (-1);
					continue;
				}
				break;
			}
			if (oms_buf_addc(b, (int)cp, err) == -1)
				return (-1);
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 2;
		} else {
			cp = *p & 0x07;
			n = 3;
		}
		for (p++; n > 0 && (*p & 0xc0) == 0x80; n--, p++)
			cp = cp << 6 | (*p & 0x3f);
		if ((c = omsi_cp1251_encode(cp)) >= 0) {
			if (oms_buf_addc(b, c, err) == -1)
				return (-1);
		} else {
			snprintf(ref, sizeof(ref), "&#%u;", cp);
			if (oms_buf_adds(b, ref, err) == -1)
				return (-1);
		}
	}
	return (0);
}

static int
put_indent(struct oms_buf *b, int level, struct oms_err *err)
{
	for (; level > 0; level--)
		if (oms_buf_adds(b, "    ", err) == -1)
			return (-1);
	return (0);
}

/* ' name="value"' */
static int
put_attr(struct oms_buf *b, const char *name, const char *value,
    struct oms_err *err)
{
	if (oms_buf_addc(b, ' ', err) == -1 || oms_buf_adds(b, name, err) ==
	    -1 || oms_buf_adds(b, "=\"", err) == -1 ||
	    put_esc(b, value, 1, err) == -1 || oms_buf_addc(b, '"', err) == -1)
		return (-1);
	return (0);
}

static int
put_node_attr(struct oms_buf *b, xmlNodePtr n, xmlAttrPtr a,
    struct oms_err *err)
{
	const char *v;
	xmlChar *s;
	int r;

	if ((v = omsi_attr(n, (const char *)a->name)) != NULL)
		return (put_attr(b, (const char *)a->name, v, err));
	if ((s = xmlNodeListGetString(n->doc, a->children, 1)) == NULL)
		return (nomem(err));
	r = put_attr(b, (const char *)a->name, (const char *)s, err);
	xmlFree(s);
	return (r);
}

static int	put_node(struct oms_buf *, xmlNodePtr, int, struct oms_err *);

/* The children of n and its end tag, after a start tag left open. */
static int
put_rest(struct oms_buf *b, xmlNodePtr n, int level, const char *skip,
    struct oms_err *err)
{
	xmlNodePtr c;
	int elems = 0, text = 0;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			elems = 1;
		else if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL &&
		    *c->content != '\0')
			text = 1;
	if (!elems && !text)
		return (oms_buf_adds(b, "/>" CRLF, err));
	if (oms_buf_addc(b, '>', err) == -1)
		return (-1);
	if (!elems) {
		for (c = n->children; c != NULL; c = c->next)
			if (c->content != NULL && put_esc(b, (const char *)
			    c->content, 0, err) == -1)
				return (-1);
	} else {
		if (oms_buf_adds(b, CRLF, err) == -1)
			return (-1);
		for (c = n->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE && (skip == NULL ||
			    strcmp((const char *)c->name, skip) != 0) &&
			    put_node(b, c, level + 1, err) == -1)
				return (-1);
		if (put_indent(b, level, err) == -1)
			return (-1);
	}
	if (oms_buf_adds(b, "</", err) == -1 ||
	    oms_buf_adds(b, (const char *)n->name, err) == -1 ||
	    oms_buf_adds(b, ">" CRLF, err) == -1)
		return (-1);
	return (0);
}

static int
put_node(struct oms_buf *b, xmlNodePtr n, int level, struct oms_err *err)
{
	xmlAttrPtr a;

	if (put_indent(b, level, err) == -1 || oms_buf_addc(b, '<', err) ==
	    -1 || oms_buf_adds(b, (const char *)n->name, err) == -1)
		return (-1);
	for (a = n->properties; a != NULL; a = a->next)
		if (put_node_attr(b, n, a, err) == -1)
			return (-1);
	return (put_rest(b, n, level, NULL, err));
}

/*
 * The head of a patient: its start tag and children without the
 * accounts, left open for register_accounts.
 */
static int
put_head(struct oms_buf *b, xmlNodePtr pat, struct oms_err *err)
{
	xmlNodePtr c;
	xmlAttrPtr a;

	if (put_indent(b, 1, err) == -1 || oms_buf_adds(b, "<patient",
	    err) == -1)
		return (-1);
	for (a = pat->properties; a != NULL; a = a->next)
		if (put_node_attr(b, pat, a, err) == -1)
			return (-1);
	if (oms_buf_adds(b, ">" CRLF, err) == -1)
		return (-1);
	for (c = pat->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "register_accounts") != 0 &&
		    strcmp((const char *)c->name, "an_p") != 0 &&
		    put_node(b, c, 2, err) == -1)
			return (-1);
	return (0);
}

/*
 * A personal_account, level 3, with n_pp's value left out (*npp_at is
 * where it goes) and, for a repeated account, x_key2 = its own key when
 * the MIS did not set one: the key of the account sent before.
 */
static int
put_account(struct oms_buf *b, xmlNodePtr pa, const char *key, int repeated,
    size_t *npp_at, struct oms_err *err)
{
	xmlAttrPtr a;
	int have_npp = omsi_attr(pa, "n_pp") != NULL;
	int have_k2 = pa != NULL && xmlHasProp(pa, (const xmlChar *)"x_key2") !=
	    NULL;
	const char *name, *acc;

	acc = omsi_attr(pa, key);
	if (put_indent(b, 3, err) == -1 || oms_buf_adds(b,
	    "<personal_account", err) == -1)
		return (-1);
	for (a = pa->properties; a != NULL; a = a->next) {
		name = (const char *)a->name;
		if (!have_npp && strcmp(name, key) == 0) {
			if (oms_buf_adds(b, " n_pp=\"", err) == -1)
				return (-1);
			*npp_at = b->len;
			if (oms_buf_addc(b, '"', err) == -1)
				return (-1);
			have_npp = 1;
		}
		if (strcmp(name, "n_pp") == 0) {
			if (oms_buf_adds(b, " n_pp=\"", err) == -1)
				return (-1);
			*npp_at = b->len;
			if (oms_buf_addc(b, '"', err) == -1)
				return (-1);
			continue;
		}
		if (repeated && !have_k2 && strcmp(name, "comment") == 0) {
			if (put_attr(b, "x_key2", acc, err) == -1)
				return (-1);
			have_k2 = 1;
		}
		if (put_node_attr(b, pa, a, err) == -1)
			return (-1);
	}
	if (repeated && !have_k2 && put_attr(b, "x_key2", acc, err) == -1)
		return (-1);
	return (put_rest(b, pa, 3, "smo", err));
}

/* ---------------------------------------------------------- planning */

/* One registry (the bill) for the selection, named from oms.conf. */
static int
yar_plan(struct exp *x, struct oms_ledger *l, struct oms_err *err)
{
	const struct oms_conf *c = &x->ws->conf;
	const char *digit = oms_conf_own(c, "digit");
	struct reg *r;
	size_t i, n = 0;
	int pkg;
	char d[16];

	for (i = 0; i < x->nsel; i++)
		if (!x->sel[i].bad)
			n++;
	if (n == 0)
		return (0);
	if (omsi_yar76_configured(c, err) == -1)
		return (-1);
	if ((x->reg = calloc(1, sizeof(*x->reg))) == NULL)
		return (nomem(err));
	x->nreg = 1;
	r = &x->reg[0];
	for (i = 0; i < x->nsel; i++)
		if (!x->sel[i].bad)
			x->sel[i].reg = 0;
	pkg = oms_ledger_next_package(l, x->o->period);
	if (strcmp(digit, "package") == 0) {
		if (pkg > 9)
			return (oms_err_set(err, OMS_EDATA, c->path, 0, "this "
			    "would be registry %d of %s, and a bill's name has "
			    "one digit for it (yar76.digit = package); set "
			    "yar76.digit to a letter in oms.conf", pkg,
			    oms_period_fmt(x->o->period, d)));
		snprintf(d, sizeof(d), "%d", pkg);
	} else
		snprintf(d, sizeof(d), "%s", digit);
	r->out.package = pkg;
	snprintf(r->out.kind, sizeof(r->out.kind), "B");
	snprintf(r->out.version, sizeof(r->out.version), "%s",
	    oms_conf_own(c, "version"));
	snprintf(r->out.name, sizeof(r->out.name), "%s%s%02d%02d%s%s%s",
	    c->ogrn, c->kpp, x->o->period / 12 % 100, x->o->period % 12 + 1, d,
	    oms_conf_own(c, "ind"), oms_conf_own(c, "payer"));
	snprintf(r->out.archive, sizeof(r->out.archive), "outbox/%s.%s",
	    r->out.name, c->archive_ext);
	if (oms_ledger_find_reg(l, r->out.name) != -1)
		return (oms_err_set(err, OMS_EDATA, c->path, 0, "registry %s "
		    "was made before (the ledger has it) and a name is one "
		    "registry: with yar76.digit = %s every registry of %s "
		    "gets this name; set yar76.digit = package in oms.conf "
		    "(or another digit)", r->out.name, digit,
		    oms_period_fmt(x->o->period, d)));
	return (0);
}

/* ----------------------------------------------------------- copying */

static int
spool_write(struct omsi_yar *y, const struct oms_buf *b, off_t *off,
    struct oms_err *err)
{
	*off = y->spos;
	if (b->len > 0 && fwrite(b->s, 1, b->len, y->spool) != b->len)
		return (oms_err_sys(err, errno, y->spath, "write"));
	y->spos += (off_t)b->len;
	return (0);
}

/* Add the sum/elem of an account to the totals by type_acc. */
static int
add_types(struct exp *x, struct omsi_yar *y, xmlNodePtr pa, const char *doc)
{
	xmlNodePtr e = omsi_child(pa, "sum");
	const char *t, *v, *vl;
	int64_t s, sl;
	size_t i;

	for (e = e != NULL ? e->children : NULL; e != NULL; e = e->next) {
		if (e->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)e->name, "elem") != 0)
			continue;
		t = omsi_attr(e, "type_acc");
		v = omsi_attr(e, "sum");
		vl = omsi_attr(e, "suml");
		if (t == NULL || strlen(t) >= sizeof(y->types[0].type) ||
		    v == NULL || oms_money_parse(v, &s) == -1 ||
		    (vl != NULL && oms_money_parse(vl, &sl) == -1)) {
			omsi_exp_problem(x, doc, omsi_line(e), 0, "account "
			    "%s: sum/elem without type_acc, or with a bad sum "
			    "or suml", x->cur_account);
			return (1);
		}
		if (vl == NULL)
			sl = s;
		for (i = 0; i < y->ntypes; i++)
			if (strcmp(y->types[i].type, t) == 0)
				break;
		if (i == y->ntypes) {
			if (y->ntypes == MAX_TYPES) {
				omsi_exp_problem(x, doc, omsi_line(e), 0,
				    "account %s: more than %d kinds of "
				    "type_acc in one bill", x->cur_account,
				    MAX_TYPES);
				return (1);
			}
			snprintf(y->types[i].type, sizeof(y->types[i].type),
			    "%s", t);
			y->ntypes++;
		}
		y->types[i].sum += s;
		y->types[i].suml += sl;
	}
	return (0);
}

/* The attributes the format requires of a personal_account and patient. */
static const char *const acc_required[] = {
	"help_type", "help_cond", "n_card", "curestart", "cureend", "doctor",
	"spec", "result", "vg", NULL
};
static const char *const pat_required[] = {
	"surname", "name", "birthdate", "sex", NULL
};

/* Check one account; 1 when it is bad (reported). */
static int
check_account(struct exp *x, struct sel *s, xmlNodePtr pat, xmlNodePtr pa,
    const char *doc)
{
	const struct oms_acct *a;
	xmlNodePtr m;
	int64_t sum, msum, total = 0;
	unsigned long line = omsi_line(pa);
	size_t i;
	int bad = 0, nman = 0;

	for (i = 0; acc_required[i] != NULL; i++)
		if (omsi_attr(pa, acc_required[i]) == NULL ||
		    *omsi_attr(pa, acc_required[i]) == '\0') {
			omsi_exp_problem(x, doc, line, 0, "account %s: "
			    "personal_account without %s", s->c->account,
			    acc_required[i]);
			bad = 1;
		}
	for (i = 0; pat_required[i] != NULL; i++)
		if (xmlHasProp(pat, (const xmlChar *)pat_required[i]) ==
		    NULL) {
			omsi_exp_problem(x, doc, omsi_line(pat), 0, "account "
			    "%s: its patient has no %s", s->c->account,
			    pat_required[i]);
			bad = 1;
		}
	if (omsi_bill_sum(pa, &sum) == -1) {
		omsi_exp_problem(x, doc, line, 0, "account %s: no "
		    "sum/elem@sum, or a bad one", s->c->account);
		return (1);
	}
	m = omsi_child(pa, "manipulations");
	for (m = m != NULL ? m->children : NULL; m != NULL; m = m->next) {
		if (m->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)m->name, "manipulation") != 0)
			continue;
		nman++;
		if (omsi_bill_sum(m, &msum) == -1) {
			omsi_exp_problem(x, doc, omsi_line(m), 0, "account "
			    "%s: a manipulation without sum/elem@sum, or a "
			    "bad one", s->c->account);
			bad = 1;
			continue;
		}
		total += msum;
	}
	if (!bad && nman > 0 && total != sum) {
		char a1[32], a2[32];

		omsi_exp_problem(x, doc, line, 0, "account %s: sum/elem@sum "
		    "%s is not the sum of its manipulations, %s", s->c->account,
		    oms_money_fmt(sum, a1), oms_money_fmt(total, a2));
		bad = 1;
	}
	if (x->ledger != NULL && (a = oms_ledger_acct(x->ledger,
	    s->c->account)) != NULL && a->nfixes > 0) {
		omsi_exp_problem(x, doc, line, 0, "account %s: has fixes in "
		    "force, and profile yar76 cannot make them; withdraw them "
		    "(oms-requeue --withdraw) and fix the case in the MIS",
		    s->c->account);
		bad = 1;
	}
	s->sum = sum;
	return (bad);
}

/*
 * The patient an account goes under: with grouping, one per patientcod
 * and identical data (a patient whose data differ between two documents
 * stays two patients, so nothing is merged that the MIS did not say
 * was one); without, one per account.
 */
static int
patient_of(struct omsi_yar *y, xmlNodePtr pat, size_t si, size_t *pi,
    struct oms_err *err)
{
	const char *code = omsi_attr(pat, "patientcod");
	char key[96], *k;
	uint64_t h;

	oms_buf_reset(&y->b);
	if (put_head(&y->b, pat, err) == -1)
		return (-1);
	if (y->group && code != NULL && *code != '\0' && strlen(code) < 64) {
		h = omsi_hash_str(y->b.s);
		snprintf(key, sizeof(key), "%s/%016llx", code,
		    (unsigned long long)h);
		if (omsi_hash_get(&y->bypat, key, pi))
			return (0);
	} else
		snprintf(key, sizeof(key), "#%zu", si);
	if (y->npat == y->patcap) {
		size_t cap = y->patcap ? y->patcap * 2 : 1024;
		struct ypat *p = reallocarray(y->pat, cap, sizeof(*p));

		if (p == NULL)
			return (nomem(err));
		y->pat = p;
		y->patcap = cap;
	}
	*pi = y->npat;
	memset(&y->pat[*pi], 0, sizeof(y->pat[*pi]));
	y->pat[*pi].len = y->b.len;
	if (spool_write(y, &y->b, &y->pat[*pi].off, err) == -1)
		return (-1);
	if ((k = omsi_arena_strdup(&y->arena, key)) == NULL ||
	    omsi_hash_put(&y->bypat, k, *pi) == -1)
		return (nomem(err));
	y->npat++;
	return (0);
}

static int
copy_account(struct exp *x, struct omsi_yar *y, struct sel *s,
    xmlNodePtr pat, xmlNodePtr pa, const char *doc, struct oms_err *err)
{
	struct reg *r = &x->reg[0];
	size_t si = (size_t)(s - x->sel), pi;
	struct yacc *ya = &y->acc[si];
	struct ypat *p;
	int rc = 0;

	x->cur_doc = doc;
	x->cur_account = s->c->account;
	x->cur_line = s->c->line;
	OMSI_PROGRESS(x->ws, "building the registry", si + 1, x->nsel);
	if (check_account(x, s, pat, pa, doc) ||
	    (rc = omsi_yar76_check(x, y, s, pat, pa, err)) == 1 ||
	    (rc == 0 && add_types(x, y, pa, doc))) {
		s->bad = 1;
		return (0);
	}
	if (rc == -1)
		return (-1);
	if (patient_of(y, pat, si, &pi, err) == -1)
		return (-1);
	oms_buf_reset(&y->b);
	ya->npp_at = 0;
	if (put_account(&y->b, pa, x->ws->conf.account_key, s->pr_nov,
	    &ya->npp_at, err) == -1)
		return (-1);
	ya->len = y->b.len;
	if (spool_write(y, &y->b, &ya->off, err) == -1)
		return (-1);
	ya->spooled = 1;
	p = &y->pat[pi];
	if (p->last != 0)
		y->acc[p->last - 1].next = si + 1;
	else
		p->first = si + 1;
	p->last = si + 1;
	r->nzap++;
	r->sum += s->sum;
	return (0);
}

/* Read the selected accounts from source/ into the spool, checking them. */
static int
yar_copy(struct exp *x, struct oms_err *err)
{
	struct omsi_yar *y;
	size_t i = 0, k, ndoc = oms_src_ndocs(x->src);
	const struct oms_srcdoc *d;
	struct archive *ar;
	struct omsi_xin *xin;
	xmlTextReaderPtr rd;
	xmlNodePtr pat, pa;
	unsigned long seq;
	int rc = 0;

	if (x->nreg == 0)
		return (0);
	if (x->w == NULL && (x->w = calloc(1, sizeof(struct yar_exp))) ==
	    NULL)
		return (nomem(err));
	if (YEXP(x)->schema == NULL &&
	    omsi_yar76_load_schema(x, &x->reg[0], err) == -1)
		return (-1);
	if ((y = calloc(1, sizeof(*y))) == NULL)
		return (nomem(err));
	YEXP(x)->y = y;
	if ((y->cdoc = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
		return (nomem(err));
	omsi_hash_init(&y->bypat);
	omsi_arena_init(&y->arena);
	oms_buf_init(&y->b, OMS_BUF_MAX_DEFAULT);
	y->group = strcmp(oms_conf_own(&x->ws->conf, "group_patients"),
	    "yes") == 0;
	if ((y->acc = calloc(x->nsel, sizeof(*y->acc))) == NULL)
		return (nomem(err));
	if ((y->spool = omsi_exp_temp(x, "bill", &y->spath, err)) == NULL)
		return (-1);
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
		while (rc == 0 && (rc = omsi_xin_next_element(xin, err)) == 1) {
			rc = 0;
			if (xmlTextReaderDepth(rd) != 4 || strcmp((const char *)
			    xmlTextReaderConstLocalName(rd), "patient") != 0)
				continue;
			if ((pat = omsi_xin_expand(xin, err)) == NULL) {
				rc = -1;
				break;
			}
			pa = omsi_child(pat, "register_accounts");
			for (pa = pa != NULL ? pa->children : NULL;
			    pa != NULL && rc == 0; pa = pa->next) {
				if (pa->type != XML_ELEMENT_NODE ||
				    strcmp((const char *)pa->name,
				    "personal_account") != 0)
					continue;
				while (i < x->nsel && x->sel[i].bad)
					i++;
				if (i < x->nsel && (size_t)x->sel[i].c->doc ==
				    k && x->sel[i].c->seq == seq) {
					rc = copy_account(x, y, &x->sel[i],
					    pat, pa, d->name, err);
					x->sel[i].seen = 1;
					i++;
				}
				seq++;
			}
			if (rc == 0 && omsi_xin_skip(xin, err) == -1)
				rc = -1;
		}
		omsi_src_close(ar, xin);
		if (rc != 0)
			return (-1);
		if (omsi_exp_all_seen(x, i, k, d->name, err) == -1)
			return (-1);
	}
	return (omsi_yar76_check_head(x, y, err));
}

/* ----------------------------------------------------------- writing */

static int
put_header(struct exp *x, struct omsi_yar *y, struct oms_buf *b,
    struct oms_err *err)
{
	struct head h;
	char sl[32], s[32];
	size_t i;

	if (oms_buf_adds(b, "<?xml version=\"1.0\" encoding=\"windows-1251\"?>"
	    CRLF "<package>" CRLF "<body", err) == -1)
		return (-1);
	omsi_yar76_head(x, &x->reg[0], 0, &h);
	for (i = 0; i < h.n; i++)
		if (put_attr(b, h.name[i], h.value[i], err) == -1)
			return (-1);
	if (oms_buf_adds(b, ">" CRLF "<bill", err) == -1)
		return (-1);
	omsi_yar76_head(x, &x->reg[0], 1, &h);
	for (i = 0; i < h.n; i++)
		if (put_attr(b, h.name[i], h.value[i], err) == -1)
			return (-1);
	if (oms_buf_adds(b, ">" CRLF "<account_sum>" CRLF "<account_elem_t>"
	    CRLF, err) == -1)
		return (-1);
	for (i = 0; i < y->ntypes; i++)
		if (oms_buf_adds(b, "<account_elem", err) == -1 ||
		    put_attr(b, "type_acc", y->types[i].type, err) == -1 ||
		    put_attr(b, "amountl", oms_money_fmt(y->types[i].suml, sl),
		    err) == -1 || put_attr(b, "amount", oms_money_fmt(
		    y->types[i].sum, s), err) == -1 ||
		    oms_buf_adds(b, "/>" CRLF, err) == -1)
			return (-1);
	return (oms_buf_adds(b, "</account_elem_t>" CRLF "</account_sum>" CRLF
	    "<patients>" CRLF, err));
}

static int
spool_read(struct omsi_yar *y, off_t off, size_t len, struct oms_buf *b,
    struct oms_err *err)
{
	oms_buf_reset(b);
	if (len == 0)
		return (0);
	if (b->cap < len + 1) {
		char *p = realloc(b->s, len + 1);

		if (p == NULL)
			return (nomem(err));
		b->s = p;
		b->cap = len + 1;
	}
	if (fseeko(y->spool, off, SEEK_SET) == -1 ||
	    fread(b->s, 1, len, y->spool) != len)
		return (oms_err_sys(err, errno ? errno : EIO, y->spath,
		    "read the spool"));
	b->len = len;
	b->s[len] = '\0';
	return (0);
}

/* The patients from the spool into body, numbering the accounts. */
static int
put_patients(struct exp *x, struct omsi_yar *y, FILE *body, const char *bpath,
    struct oms_err *err)
{
	struct oms_buf b;
	struct yacc *ya;
	unsigned long npp = 0;
	size_t i, a;
	char num[24];
	int rc = -1;

	oms_buf_init(&b, OMS_BUF_MAX_DEFAULT);
	if (fflush(y->spool) == EOF)
		goto ioerr_spool;
	for (i = 0; i < y->npat; i++) {
		if (spool_read(y, y->pat[i].off, y->pat[i].len, &b, err) == -1)
			goto out;
		if (fwrite(b.s, 1, b.len, body) != b.len ||
		    fputs("        <register_accounts>" CRLF, body) == EOF)
			goto ioerr;
		for (a = y->pat[i].first; a != 0; a = ya->next) {
			ya = &y->acc[a - 1];
			if (spool_read(y, ya->off, ya->len, &b, err) == -1)
				goto out;
			x->sel[a - 1].n_zap = ++npp;
			snprintf(num, sizeof(num), "%lu", npp);
			if (fwrite(b.s, 1, ya->npp_at, body) != ya->npp_at ||
			    fputs(num, body) == EOF ||
			    fwrite(b.s + ya->npp_at, 1, b.len - ya->npp_at,
			    body) != b.len - ya->npp_at)
				goto ioerr;
			OMSI_PROGRESS(x->ws, "writing the bill", npp,
			    x->reg[0].nzap);
		}
		if (fputs("        </register_accounts>" CRLF "    </patient>"
		    CRLF, body) == EOF)
			goto ioerr;
	}
	rc = 0;
	goto out;
ioerr_spool:
	oms_err_sys(err, errno, y->spath, "write");
	goto out;
ioerr:
	oms_err_sys(err, errno, bpath, "write");
out:
	oms_buf_release(&b);
	return (rc);
}

/*
 * Write bill.xml from the spool and pack it under a temporary name: the
 * patients are deflated by a second thread while they are written.
 */
static int
yar_pack(struct exp *x, struct reg *r, struct oms_err *err)
{
	struct omsi_yar *y = YAR(x);
	struct oms_buf head;
	struct omsi_zpool *zp = NULL;
	struct omsi_zbody *zb = NULL;
	struct omsi_zip *a = NULL;
	char *path = NULL;
	time_t mtime;
	int level = omsi_zip_level(&x->ws->conf), rc = -1;

	oms_buf_init(&head, OMS_BUF_MAX_DEFAULT);
	if (y == NULL)
		return (oms_err_set(err, OMS_EINTERNAL, NULL, 0,
		    "the bill was not read"));
	if ((y->body = omsi_exp_temp(x, r->out.name, &y->bpath, err)) ==
	    NULL)
		goto out;
	if ((zp = omsi_zpool_new(level, err)) == NULL ||
	    (zb = omsi_zbody_new(zp, y->body, y->bpath, err)) == NULL)
		goto out;
	if (put_header(x, y, &head, err) == -1 ||
	    put_patients(x, y, omsi_zbody_fp(zb), y->bpath, err) == -1)
		goto out;
	if ((path = oms_ws_path(x->ws, r->out.archive)) == NULL) {
		nomem(err);
		goto out;
	}
	if (oms_afile_open(&r->af, path, err) == -1)
		goto out;
	mtime = OMSI_EXP_MTIME(x);
	if ((a = omsi_zip_open(r->af.fp, path, level, err)) == NULL)
		goto out;
	if (omsi_zip_entry(a, "bill.xml", mtime, head.s, head.len, zb,
	    "</patients>" CRLF "</bill>" CRLF "</body>" CRLF "</package>" CRLF,
	    err) == -1)
		goto out;
	if (omsi_zip_close(a, err) == -1)
		goto out;
	rc = 0;
out:
	omsi_zip_free(a);
	omsi_zbody_free(zb);
	omsi_zpool_free(zp);
	oms_buf_release(&head);
	free(path);
	return (rc);
}

/* What one build made; the schema stays (yar_done). */
static void
yar_release(struct exp *x)
{
	struct omsi_yar *y = YAR(x);

	if (y == NULL)
		return;
	if (y->first != NULL)
		xmlFreeNode(y->first);
	if (y->cdoc != NULL)
		xmlFreeDoc(y->cdoc);
	if (y->spool != NULL)
		fclose(y->spool);
	if (y->spath != NULL)
		unlink(y->spath);
	free(y->spath);
	if (y->body != NULL)
		fclose(y->body);
	if (y->bpath != NULL)
		unlink(y->bpath);
	free(y->bpath);
	free(y->acc);
	free(y->pat);
	omsi_hash_release(&y->bypat);
	omsi_arena_release(&y->arena);
	oms_buf_release(&y->b);
	free(y);
	YEXP(x)->y = NULL;
}

static void
yar_done(struct exp *x)
{
	struct yar_exp *ye = x->w;

	if (ye == NULL)
		return;
	yar_release(x);
	omsi_yar76_schema_free(ye);
	free(ye);
	x->w = NULL;
}

const struct omsi_export_ops omsi_yar76_export = {
	.admit = NULL,		/* every bill carries its patients */
	.plan = yar_plan,
	.copy = yar_copy,
	.pack = yar_pack,
	.numbers_in_pack = 1,	/* N_ZAP is the patient's order in the bill */
	.release = yar_release,
	.done = yar_done,
};
