/*
 * yar76_reply.c -- the replies of profile yar76: the annotated bill
 *
 * A yar76 reply is the bill.xml we sent, annotated, in a ZIP named like the
 * bill: the first 27 characters of the name (OGRN, KPP, YYMM, digit) are
 * the bill's, the last two differ; a penultimate yar76.demand ("2") makes
 * it an answer to the payment demand of the insurer whose letter is last.
 * Its accounts are mapped by xkey, which is the account id.  A reply with
 * body/flk is a ФЛК answer; the decisions are taken once all is read.
 */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_int.h"

/* what the annotations said of one account (m->dec's order) */
struct yacct {
	int		 seen;		/* its personal_account is in the reply */
	int		 verdict;	/* smo@pay was there */
	int		 refuse;	/* refused: pay, a ФЛК fact, identification */
	int		 exp;		/* an expertise gave sums */
	int64_t		 exp_refused;
	unsigned long	 expline;	/* of its first expertise with sums */
	size_t		 pnext;		/* the patient's next account + 1 */
};

/* the reader's own state (m->own) */
struct yimp {
	int		 flk;		/* body/flk was there */
	struct omsi_hash bypat;		/* patientcod -> account + 1 */
	struct yacct	*a;		/* one per account */
};
#define Y(m)	((struct yimp *)(m)->own)

/*
 * Which registry a yar76 reply answers: one of ours whose name shares
 * the reply's first 27 characters and not its last two.  With a fixed
 * yar76.digit several could; the last sent wins.  1 found, -1 not.
 */
static int
yar_recognise(struct imp *m, const char *base, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	const struct oms_reg *r, *hit = NULL;
	size_t i, n = strlen(base), rn;
	const char *dem = oms_conf_own(c, "demand");

	if (n < 28 || n > 40)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "not named like "
		    "a reply to a bill (OGRN, KPP, YYMM, a digit and two "
		    "characters; see oms-import(1))"));
	if (strncmp(base, c->ogrn, 13) != 0 || strncmp(base + 13, c->kpp,
	    9) != 0)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "addressed to "
		    "OGRN %.13s KPP %.9s, but this workspace is OGRN %s KPP "
		    "%s; not imported", base, base + 13, c->ogrn, c->kpp));
	for (i = 0; i < oms_ledger_nreg(m->l); i++) {
		r = oms_ledger_reg(m->l, i);
		rn = strlen(r->name);
		if (rn < 28 || strncmp(r->name, base, 27) != 0)
			continue;
		if (strcasecmp(r->name, base) == 0)
			return (oms_err_set(err, OMS_EDATA, m->name, 0, "this is "
			    "the bill %s itself, not a reply to it", r->name));
		if (strcasecmp(r->name + rn - 2, base + n - 2) == 0)
			continue;
		hit = r;
	}
	if (hit == NULL)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "answers a bill "
		    "this workspace never sent (none begins with %.27s); not "
		    "imported", base));
	m->reg = hit;
	m->id.period = hit->period;
	m->id.package = hit->package;
	snprintf(m->id.type, sizeof(m->id.type), "%s", hit->kind);
	snprintf(m->id.base, sizeof(m->id.base), "%s", base);
	/* the rest is known when it is read: ФЛК if it has body/flk */
	m->id.stage = tolower((unsigned char)base[n - 2]) ==
	    tolower((unsigned char)dem[0]) ? OMS_STAGE_DEMAND :
	    OMS_STAGE_CONTROL;
	return (1);
}

/*
 * A yar76 reply: bill.xml, the only entry of a ZIP, or the XML itself.
 * The first entry is checked here; that none follows, by yar_no_more
 * once it has been read (one pass over the file, not two).
 */
static int
yar_open(struct imp *m, struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	char name[600];
	int r;

	if (!omsi_imp_is_zip(m)) {
		m->x = omsi_xin_file(m->path, m->name, err);
		return (m->x == NULL ? -1 : 0);
	}
	if ((ar = omsi_imp_zip(m, err)) == NULL)
		return (-1);
	if ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_EOF) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "an empty ZIP: a reply "
		    "to a bill holds bill.xml");
		goto fail;
	}
	if (r != ARCHIVE_OK) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: %s",
		    archive_error_string(ar));
		goto fail;
	}
	if (archive_entry_filetype(ae) != AE_IFREG ||
	    strcasecmp(archive_entry_pathname(ae), "bill.xml") != 0) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "a reply to a bill "
		    "holds one entry, bill.xml; this one has another entry");
		goto fail;
	}
	snprintf(name, sizeof(name), "%s:%s", m->name,
	    archive_entry_pathname(ae));
	if ((m->x = omsi_xin_archive(ar, name, err)) == NULL)
		goto fail;
	m->ar = ar;
	return (0);
fail:
	archive_read_free(ar);
	return (-1);
}

/* After bill.xml: nothing else may be in the ZIP. */
static int
yar_no_more(struct imp *m, struct archive *ar, struct oms_err *err)
{
	struct archive_entry *ae;
	int r;

	if (ar == NULL || (r = archive_read_next_header(ar, &ae)) ==
	    ARCHIVE_EOF)
		return (0);
	if (r == ARCHIVE_OK)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "a reply to a "
		    "bill holds one entry, bill.xml; this one has more than "
		    "one"));
	return (oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: %s",
	    archive_error_string(ar)));
}

/* The account of xkey; -1 with err when the bill did not carry it. */
static long
yar_account(struct imp *m, const char *key, unsigned long line,
    const char *what, struct oms_err *err)
{
	size_t i;

	if (key == NULL || *key == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, line, "%s without "
		    "%s", what, m->ws->conf.account_key));
	if (!omsi_hash_get(&m->bykey, key, &i))
		return (oms_err_set(err, OMS_EDATA, m->name, line, "%s %s is "
		    "not in bill %s", what, key, m->reg->name));
	return ((long)i);
}

/* Add the values of attribute attr of the elements under list/item. */
static int
yar_codes(struct imp *m, struct dec *d, xmlNodePtr n, const char *list,
    const char *item, struct oms_err *err)
{
	xmlNodePtr c = omsi_child(n, list);
	const char *v;

	for (c = c != NULL ? c->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, item) == 0 &&
		    (v = omsi_attr(c, item)) != NULL &&
		    omsi_imp_dreason(m, d, v, err) == -1)
			return (-1);
	return (0);
}

/* Is v one of the smo@pay values that refuse (yar76.pay_refused)? */
static int
yar_pay_refused(const struct oms_conf *c, const char *v)
{
	const char *p = oms_conf_own(c, "pay_refused");
	size_t n = strlen(v);

	while (*p != '\0') {
		p += strspn(p, " ");
		if (strncmp(p, v, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return (1);
		p += strcspn(p, " ");
	}
	return (0);
}

static int
yar_patient(struct imp *m, xmlNodePtr pat, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	xmlNodePtr pa, smo;
	const char *v, *code = omsi_attr(pat, "patientcod");
	int an_p = (v = omsi_attr(omsi_child(pat, "an_p"), "an_p")) != NULL &&
	    strcmp(v, "1") == 0;
	size_t prev;
	struct dec *d;
	struct yacct *ya;
	char *k;
	long i;

	pa = omsi_child(pat, "register_accounts");
	for (pa = pa != NULL ? pa->children : NULL; pa != NULL; pa = pa->next) {
		if (pa->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)pa->name, "personal_account") != 0)
			continue;
		if ((i = yar_account(m, omsi_attr(pa, c->account_key),
		    omsi_line(pa), "personal_account", err)) == -1)
			return (-1);
		d = &m->dec[i];
		ya = &Y(m)->a[i];
		if (ya->seen)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(pa), "account %s twice", m->acc[i]));
		ya->seen = 1;
		if (code != NULL && *code != '\0') {
			ya->pnext = omsi_hash_get(&Y(m)->bypat, code, &prev) ?
			    prev : 0;
			if ((k = omsi_arena_strdup(&m->arena, code)) == NULL ||
			    omsi_hash_put(&Y(m)->bypat, k, (size_t)i + 1) == -1)
				return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
				    "out of memory"));
		}
		if (an_p) {
			/* the patient was not identified */
			ya->refuse = 1;
			if (omsi_imp_dreason(m, d, "5.1.4.01", err) == -1)
				return (-1);
		}
		if ((smo = omsi_child(pa, "smo")) == NULL)
			continue;
		ya->verdict = 1;
		v = omsi_attr(smo, "pay");
		if (v == NULL || !yar_pay_refused(c, v))
			continue;
		ya->refuse = 1;
		if (yar_codes(m, d, smo, "an_pss", "an_ps", err) == -1 ||
		    yar_codes(m, d, smo, "an_mess", "an_mes", err) == -1 ||
		    yar_codes(m, d, smo, "an_sums", "an_sum", err) == -1)
			return (-1);
	}
	return (0);
}

static int
yar_expertise(struct imp *m, xmlNodePtr ex, struct oms_err *err)
{
	xmlNodePtr e;
	const char *v;
	int64_t suml, sum;
	struct dec *d;
	struct yacct *ya;
	long i;

	if ((i = yar_account(m, omsi_attr(ex, "xkey"), omsi_line(ex),
	    "expertise", err)) == -1)
		return (-1);
	if ((v = omsi_attr(ex, "date")) != NULL && omsi_imp_date(m->name,
	    omsi_line(ex), "expertise@date", v, NULL, err) == -1)
		return (-1);
	d = &m->dec[i];
	ya = &Y(m)->a[i];
	e = omsi_child(ex, "ps_sum");
	for (e = e != NULL ? e->children : NULL; e != NULL; e = e->next) {
		if (e->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)e->name, "ps_elem") != 0)
			continue;
		if ((v = omsi_attr(e, "suml")) == NULL ||
		    oms_money_parse(v, &suml) == -1 ||
		    (v = omsi_attr(e, "sum")) == NULL ||
		    oms_money_parse(v, &sum) == -1 || sum > suml || sum < 0)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(e), "expertise of %s: ps_elem without "
			    "suml and sum, or sum above suml", m->acc[i]));
		if (!ya->exp)
			ya->expline = omsi_line(e);
		ya->exp = 1;
		ya->exp_refused += suml - sum;	/* each at most MONEY_MAX */
		if (ya->exp_refused > INT64_MAX / 2)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(e), "expertise of %s: the refused sums "
			    "add up to more than any sum", m->acc[i]));
	}
	for (e = ex->children; e != NULL; e = e->next)
		if (e->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)e->name, "defects") == 0 &&
		    (v = omsi_attr(e, "code")) != NULL &&
		    omsi_imp_dreason(m, d, v, err) == -1)
			return (-1);
	if (ya->exp_refused > 0)
		ya->refuse = 1;
	return (0);
}

/* A ФЛК finding: on an account (acc), a patient (pat) or the bill. */
static int
yar_fact(struct imp *m, xmlNodePtr f, struct oms_err *err)
{
	const char *acc = omsi_attr(f, "acc"), *pat = omsi_attr(f, "pat");
	const char *code = omsi_attr(f, "defect_code");
	size_t first, k;
	long i;

	if (code == NULL || *code == '\0')
		code = omsi_attr(f, "test");
	if (code == NULL || *code == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(f),
		    "fact without defect_code or test"));
	if (acc != NULL && *acc != '\0') {
		if ((i = yar_account(m, acc, omsi_line(f), "fact@acc", err)) ==
		    -1)
			return (-1);
		Y(m)->a[i].refuse = 1;
		return (omsi_imp_dreason(m, &m->dec[i], code, err));
	}
	if (pat != NULL && *pat != '\0') {
		if (!omsi_hash_get(&Y(m)->bypat, pat, &first))
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(f), "fact@pat %s is no patient of bill "
			    "%s", pat, m->reg->name));
		for (k = first; k != 0; k = Y(m)->a[k - 1].pnext) {
			Y(m)->a[k - 1].refuse = 1;
			if (omsi_imp_dreason(m, &m->dec[k - 1], code,
			    err) == -1)
				return (-1);
		}
		return (0);
	}
	return (omsi_imp_reason(&m->filecodes, code, err));
}

static int
read_bill(struct imp *m, struct omsi_xin *x, struct oms_err *err)
{
	xmlTextReaderPtr r = omsi_xin_reader(x);
	const struct oms_conf *c = &m->ws->conf;
	xmlNodePtr n;
	xmlChar *v;
	const char *name;
	int rc, depth, body = 0;
	uint64_t nrec = 0;

	while ((rc = omsi_xin_next_element(x, err)) == 1) {
		depth = xmlTextReaderDepth(r);
		name = (const char *)xmlTextReaderConstLocalName(r);
		if (depth == 1 && strcmp(name, "body") == 0) {
			body = 1;
			v = xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "ogrn_mo");
			if (v != NULL && strcmp((const char *)v, c->ogrn) !=
			    0) {
				oms_err_set(err, OMS_EDATA, m->name,
				    (unsigned long)
				    xmlTextReaderGetParserLineNumber(r),
				    "body@ogrn_mo %s is not this МО (%s)",
				    (const char *)v, c->ogrn);
				xmlFree(v);
				return (-1);
			}
			xmlFree(v);
			continue;
		}
		if ((depth == 2 && (strcmp(name, "bill") == 0 ||
		    strcmp(name, "flk") == 0)) || (depth == 3 &&
		    (strcmp(name, "patients") == 0 ||
		    strcmp(name, "expertises") == 0 ||
		    strcmp(name, "register") == 0))) {
			if (strcmp(name, "flk") == 0)
				Y(m)->flk = 1;
			if (strcmp(name, "register") == 0 && (v =
			    xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "filename")) != NULL) {
				rc = strncasecmp((const char *)v, m->reg->name,
				    strlen(m->reg->name)) != 0;
				if (rc)
					oms_err_set(err, OMS_EDATA, m->name,
					    (unsigned long)
					    xmlTextReaderGetParserLineNumber(r),
					    "flk/register@filename \"%s\" is "
					    "not the bill %s the name points "
					    "to", (const char *)v,
					    m->reg->name);
				xmlFree(v);
				if (rc)
					return (-1);
			}
			continue;
		}
		if (depth == 4 && (strcmp(name, "patient") == 0 ||
		    strcmp(name, "expertise") == 0 ||
		    strcmp(name, "fact") == 0)) {
			OMSI_PROGRESS(m->ws, "reading the reply", ++nrec, 0);
			if ((n = omsi_xin_expand(x, err)) == NULL)
				return (-1);
			if ((name[0] == 'p' ? yar_patient(m, n, err) :
			    name[0] == 'e' ? yar_expertise(m, n, err) :
			    yar_fact(m, n, err)) == -1)
				return (-1);
		}
		if (depth >= 1 && omsi_xin_skip(x, err) == -1)
			return (-1);
	}
	if (rc == -1)
		return (-1);
	if (!body)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "<package> "
		    "without <body>: not a reply to a bill"));
	return (0);
}

/*
 * The decisions: a ФЛК answer decides every account of the bill (a
 * finding refuses it); other answers the accounts with a verdict.  The
 * claim is the ledger's; a refusal takes all of it unless an expertise
 * says how much (then it may be partial).
 */
static int
yar_decide(struct imp *m, struct oms_err *err)
{
	struct dec *d;
	struct yacct *ya;
	size_t i;

	if (m->id.stage != OMS_STAGE_DEMAND && Y(m)->flk)
		m->id.stage = OMS_STAGE_FLK;
	for (i = 0; i < m->nacc; i++) {
		d = &m->dec[i];
		ya = &Y(m)->a[i];
		if (m->filecodes.len > 0 && (m->id.stage == OMS_STAGE_FLK ||
		    ya->seen)) {
			ya->refuse = 1;
			if (omsi_imp_file_codes(m, d, err) == -1)
				return (-1);
		}
		if (!ya->refuse && !ya->verdict && !ya->exp &&
		    m->id.stage != OMS_STAGE_FLK)
			continue;	/* no word on it */
		d->claimed = omsi_imp_claim(m, i);
		if (ya->exp && ya->exp_refused > d->claimed) {
			char r[32], c[32];

			return (oms_err_set(err, OMS_EDATA, m->name,
			    ya->expline, "account %s: the expertises refuse "
			    "%s (suml minus sum of ps_elem), more than the %s "
			    "bill %s claimed: the sums do not add up; not "
			    "imported, ask the sender for a corrected reply",
			    m->acc[i], oms_money_fmt(ya->exp_refused, r),
			    oms_money_fmt(d->claimed, c), m->reg->name));
		}
		if (!ya->refuse) {
			d->decision = OMS_ST_ACCEPTED;
			d->refused = 0;
			omsi_imp_reasons_reset(m, d);
		} else if (ya->exp && ya->exp_refused > 0 &&
		    ya->exp_refused < d->claimed) {
			d->decision = OMS_ST_PARTIAL;
			d->refused = ya->exp_refused;
		} else {
			d->decision = OMS_ST_REJECTED;
			d->refused = d->claimed;
		}
		d->accepted = d->claimed - d->refused;
		d->set = 1;
	}
	return (0);
}

/* ---------------------------------------------------------- the ops */

static int
yar_open_reply(struct imp *m, const char *base, struct oms_err *err)
{
	struct yimp *y;

	if ((y = calloc(1, sizeof(*y))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	omsi_hash_init(&y->bypat);
	m->own = y;
	if (yar_recognise(m, base, err) == -1 || yar_open(m, err) == -1)
		return (-1);
	return (0);
}

/* yar_recognise found the bill */
static int
yar_registry(struct imp *m, struct oms_err *err)
{
	return (omsi_imp_registry(m, m->reg, OMSI_MAP_ACCOUNT, err));
}

static int
yar_read(struct imp *m, struct oms_err *err)
{
	const char *root;

	if (omsi_imp_root(m, &root, err) == -1)
		return (-1);
	if (strcmp(root, "package") != 0)
		return (oms_err_set(err, OMS_EDATA, m->path, 0, "named like a "
		    "reply to bill %s but its root element is <%s>, not "
		    "<package>", m->reg->name, root));
	if ((Y(m)->a = calloc(m->nacc + 1, sizeof(*Y(m)->a))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	return (read_bill(m, m->x, err));
}

static int
yar_finish(struct imp *m, struct oms_err *err)
{
	if (yar_no_more(m, m->ar, err) == -1 || yar_decide(m, err) == -1)
		return (-1);
	return (0);
}

static void
yar_release(struct imp *m)
{
	struct yimp *y = m->own;

	if (y == NULL)
		return;
	omsi_hash_release(&y->bypat);
	free(y->a);
	free(y);
	m->own = NULL;
}

const struct omsi_reply_ops omsi_yar76_reply = {
	.open = yar_open_reply,
	.registry = yar_registry,
	.read = yar_read,
	.finish = yar_finish,
	.release = yar_release,
};
