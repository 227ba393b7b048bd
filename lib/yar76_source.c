/*
 * yar76_source.c -- the Yaroslavl profile's source document: bill.xml
 *
 * One <package> per file: body (the МО, the bill's date), bill (its
 * addressee), then patients, each with its personal_accounts; every
 * personal_account is an account, keyed by the attribute account_key
 * (xkey).  A patient's insurer is named by OGRN and turned into its code
 * through the insurers' register ref/F002.tsv.
 */
#include <stdlib.h>
#include <string.h>

#include <archive.h>

#include "reftab.h"
#include "src_int.h"

/*
 * The payer of a patient: the insurer of the first polis, when the policy
 * is of this region and the register knows its OGRN; the fund for people
 * insured elsewhere (region_oms of another region, or no ogrn_smo); the
 * OGRN itself, with a warning once, for an insurer the register lacks.
 */
static const char *
bill_payer(struct oms_src *s, xmlNodePtr patient, char *buf,
    const struct oms_srcdoc *d, unsigned long line, struct oms_diag *diag,
    struct oms_err *err)
{
	const struct oms_conf *c = s->conf;
	xmlNodePtr polis = omsi_path(patient, "polises/polis");
	const char *region, *ogrn;
	size_t i;

	region = omsi_attr(polis, "region_oms");
	ogrn = omsi_attr(polis, "ogrn_smo");
	if (ogrn == NULL || *ogrn == '\0' || (region != NULL &&
	    *region != '\0' && strncmp(region, c->tfoms, 2) != 0)) {
		snprintf(buf, 16, "%s000", c->tfoms);
		return (buf);
	}
	if (omsi_src_insurers(s, diag, err) == -1)
		return (NULL);
	if (s->ins != NULL && omsi_ref_get(s->ins, ogrn, &i))
		return (omsi_src_payer(s, omsi_ref_fields(s->ins, i)[1], buf, d,
		    line, diag));
	if (omsi_src_once(s, ogrn, diag, d->name, line, "the insurer with "
	    "OGRN %s (polis/ogrn_smo) is not in ref/F002.tsv; its accounts "
	    "show the OGRN as their payer until the register has it",
	    ogrn) == -1) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	snprintf(buf, 16, "%s", ogrn);
	return (buf);
}

/* The sum of the sum/elem@sum under n (an account or a manipulation). */
int
omsi_bill_sum(xmlNodePtr n, int64_t *sum)
{
	xmlNodePtr e;
	const char *v;
	int64_t x;
	int any = 0;

	*sum = 0;
	for (e = omsi_child(n, "sum"); e != NULL && (e = e->children) != NULL;
	    e = NULL)
		for (; e != NULL; e = e->next) {
			if (e->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)e->name, "elem") != 0)
				continue;
			if ((v = omsi_attr(e, "sum")) == NULL ||
			    oms_money_parse(v, &x) == -1)
				return (-1);
			*sum += x;
			any = 1;
		}
	return (any ? 0 : -1);
}

/*
 * pline is where the reader found the patient: libxml2 keeps an element's
 * line in 16 bits, and a bill's elements hold no text that would carry a
 * longer one, so past line 65535 the patient's line stands for its
 * accounts'.
 */
static int
add_account(struct oms_src *s, int doc, xmlNodePtr patient, xmlNodePtr pa,
    unsigned long pline, unsigned long seq, struct oms_diag *diag,
    struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct omsi_case_in in;
	unsigned long line = omsi_line(pa);
	char pbuf[16], sbuf[32];
	int64_t sum;

	if (line == 65535 && pline > line)
		line = pline;

	in.acc = omsi_attr(pa, s->conf->account_key);
	if (in.acc == NULL || *in.acc == '\0') {
		omsi_diagf(diag, 0, d->name, line, "personal_account without "
		    "%s, the account key (see account_key in oms.conf(5)); "
		    "skipped", s->conf->account_key);
		return (0);
	}
	in.idpac = omsi_attr(patient, "patientcod");
	in.d1 = omsi_attr(pa, "curestart");
	in.d2 = omsi_attr(pa, "cureend");
	in.dept = omsi_attr(omsi_path(pa, "additionals/additional"),
	    "division");
	in.doctor = omsi_attr(pa, "doctor");
	in.sum = omsi_bill_sum(pa, &sum) == 0 ? oms_money_fmt(sum, sbuf) :
	    NULL;
	in.sumname = "sum/elem@sum, curestart or cureend";
	if ((in.payer = bill_payer(s, patient, pbuf, d, line, diag, err)) ==
	    NULL)
		return (-1);
	return (omsi_src_store(s, doc, line, seq, &in, diag, err));
}

/*
 * Read a bill.xml: body (the МО, the bill date), bill (its addressee),
 * then every personal_account of every patient, each an account.
 */
int
omsi_yar76_src_scan(struct oms_src *s, int di, struct omsi_xin *x,
    struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[di];
	xmlTextReaderPtr r = omsi_xin_reader(x);
	xmlNodePtr pat, ra, pa;
	const char *name;
	xmlChar *v;
	struct oms_err e;
	unsigned long seq = 0, pline;
	size_t first = s->ncases;
	int rc, depth, dated, body = 0;

	memset(&e, 0, sizeof(e));
	d->type = OMS_DOC_BILL;
	snprintf(d->kind, sizeof(d->kind), "B");
	snprintf(d->filename, sizeof(d->filename), "bill.xml");
	while ((rc = omsi_xin_next_element(x, &e)) == 1) {
		depth = xmlTextReaderDepth(r);
		name = (const char *)xmlTextReaderConstLocalName(r);
		if (depth == 1 && strcmp(name, "body") == 0) {
			body = 1;
			if ((v = xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "ogrn_mo")) != NULL && strcmp((const char *)v,
			    s->conf->ogrn) != 0) {
				omsi_diagf(diag, 0, d->name, (unsigned long)
				    xmlTextReaderGetParserLineNumber(r), "body@"
				    "ogrn_mo %s is not this МО's OGRN (%s in "
				    "oms.conf); file skipped", (const char *)v,
				    s->conf->ogrn);
				xmlFree(v);
				goto drop;
			}
			xmlFree(v);
			v = xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "date_1");
			dated = omsi_src_date(d, (const char *)v, (unsigned long)
			    xmlTextReaderGetParserLineNumber(r), "body@date_1",
			    diag);
			xmlFree(v);
			if (dated == -1)
				goto drop;
			if ((v = xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "version")) != NULL)
				snprintf(d->version, sizeof(d->version), "%s",
				    (const char *)v);
			xmlFree(v);
			continue;
		}
		if (depth == 2 && strcmp(name, "bill") == 0) {
			if ((v = xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "ogrn_smo")) != NULL)
				snprintf(d->ogrn_smo, sizeof(d->ogrn_smo), "%s",
				    (const char *)v);
			xmlFree(v);
			continue;
		}
		if (depth == 3 && strcmp(name, "patients") == 0)
			continue;
		if (depth == 4 && strcmp(name, "patient") == 0) {
			pline = (unsigned long)
			    xmlTextReaderGetParserLineNumber(r);
			if ((pat = omsi_xin_expand(x, &e)) == NULL)
				goto bad;
			ra = omsi_child(pat, "register_accounts");
			for (pa = ra != NULL ? ra->children : NULL; pa != NULL;
			    pa = pa->next) {
				if (pa->type != XML_ELEMENT_NODE ||
				    strcmp((const char *)pa->name,
				    "personal_account") != 0)
					continue;
				OMSI_PROGRESS(s->ws, "reading source/", seq + 1,
				    0);
				if (add_account(s, di, pat, pa, pline, seq++,
				    diag, err) == -1)
					return (-1);
			}
		}
		/* anything else (account_sum, flk, a reply's expertises) */
		if (depth >= 1 && omsi_xin_skip(x, &e) == -1)
			goto bad;
	}
	if (rc == -1)
		goto bad;
	if (!body) {
		omsi_diagf(diag, 0, d->name, 0, "<package> without <body>: not "
		    "a bill.xml; file skipped");
		goto drop;
	}
	return (omsi_src_commit(s, di, first, diag, err));
bad:
	return (omsi_src_failed(s, di, first, &e, diag, err));
drop:
	return (omsi_src_failed(s, di, first, NULL, diag, err));
}

/* "surname name patronymic" of a bill's patient; NULL on ENOMEM. */
static char *
patient_name(xmlNodePtr pat)
{
	static const char *const part[] = { "surname", "name", "patronymic" };
	struct oms_buf b;
	xmlChar *v;
	size_t i;
	int r;

	oms_buf_init(&b, 4096);
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		if ((v = xmlGetProp(pat, (const xmlChar *)part[i])) == NULL)
			continue;
		r = *v == '\0' ? 0 : (b.len > 0 && oms_buf_addc(&b, ' ',
		    NULL) == -1) || oms_buf_adds(&b, (const char *)v, NULL) ==
		    -1 ? -1 : 0;
		xmlFree(v);
		if (r == -1) {
			oms_buf_release(&b);
			return (NULL);
		}
	}
	if (b.s == NULL)
		return (strdup(""));
	return (b.s);
}

/* The names of the accounts of bill k (want: account -> 1 + index). */
static int
bill_names(const struct oms_src *s, size_t k, const struct omsi_hash *want,
    char **names, struct oms_err *err)
{
	struct archive *ar;
	struct omsi_xin *xin;
	xmlTextReaderPtr r;
	xmlNodePtr pat, pa;
	const char *acc;
	size_t i;
	int rc;

	if (omsi_src_open(&s->docs[k], &ar, &xin, err) == -1)
		return (-1);
	r = omsi_xin_reader(xin);
	while ((rc = omsi_xin_next_element(xin, err)) == 1) {
		if (xmlTextReaderDepth(r) != 4 || strcmp((const char *)
		    xmlTextReaderConstLocalName(r), "patient") != 0)
			continue;
		if ((pat = omsi_xin_expand(xin, err)) == NULL) {
			rc = -1;
			break;
		}
		pa = omsi_child(pat, "register_accounts");
		for (pa = pa != NULL ? pa->children : NULL; pa != NULL;
		    pa = pa->next) {
			if (pa->type != XML_ELEMENT_NODE || (acc = omsi_attr(pa,
			    s->conf->account_key)) == NULL ||
			    !omsi_hash_get(want, acc, &i) ||
			    names[i - 1] != NULL)
				continue;
			if ((names[i - 1] = patient_name(pat)) == NULL) {
				omsi_src_close(ar, xin);
				return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
				    "out of memory"));
			}
		}
		if (omsi_xin_skip(xin, err) == -1) {
			rc = -1;
			break;
		}
	}
	omsi_src_close(ar, xin);
	return (rc == -1 ? -1 : 0);
}

/* The names of accounts[0..n) whose bill is document k (oms_src_names). */
int
omsi_yar76_src_names(const struct oms_src *s, size_t k,
    const char *const *accounts, size_t n, char **names, struct oms_err *err)
{
	struct omsi_hash want;
	const struct oms_case *c;
	size_t i;
	int rc = 0, any = 0;

	if (s->docs[k].type != OMS_DOC_BILL)
		return (0);
	omsi_hash_init(&want);
	for (i = 0; i < n && rc == 0; i++) {
		c = oms_src_find(s, accounts[i]);
		if (c == NULL || c->doc != (int)k)
			continue;
		if (omsi_hash_put(&want, c->account, i + 1) == -1)
			rc = oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory");
		any = 1;
	}
	if (rc == 0 && any)
		rc = bill_names(s, k, &want, names, err);
	omsi_hash_release(&want);
	return (rc);
}
