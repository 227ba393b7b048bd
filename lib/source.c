/*
 * source.c -- scan the MIS's files in source/ into an index of cases
 */
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"

#define MAX_ENTRIES	10000

struct oms_src {
	struct oms_srcdoc *docs;
	size_t		   ndocs, docs_cap;
	struct oms_case	  *cases;	/* every case seen */
	size_t		   ncases, cases_cap;
	size_t		  *win;		/* indices of winning cases, sorted */
	size_t		   nwin;
	struct omsi_hash   idx;		/* account -> index into cases */
	struct omsi_hash   warned;	/* insurers warned about */
	struct omsi_hash   ins;		/* yar76: insurer OGRN -> ins_code */
	const char	 **ins_code;
	size_t		   nins;
	int		   ins_loaded;
	struct omsi_arena  arena;
	const struct oms_conf *conf;
	const struct oms_ws *ws;	/* for progress */
};

void
omsi_diag(struct oms_diag *d, int warning, const struct oms_err *e)
{
	if (d == NULL)
		return;
	if (warning)
		d->nwarnings++;
	else
		d->nerrors++;
	if (d->fn != NULL)
		d->fn(d->arg, warning, e);
}

void
omsi_vdiagf(struct oms_diag *d, int warning, int code, const char *file,
    unsigned long line, const char *fmt, va_list ap)
{
	struct oms_err e;

	memset(&e, 0, sizeof(e));
	oms_err_set(&e, code, file, line, "%s", "");
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	omsi_diag(d, warning, &e);
}

void
omsi_diagf(struct oms_diag *d, int warning, const char *file,
    unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	omsi_vdiagf(d, warning, OMS_EDATA, file, line, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------ opening a doc */

static int
is_zip(const char *path)
{
	unsigned char m[4];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return (0);
	n = fread(m, 1, 4, fp);
	fclose(fp);
	return (n == 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4);
}

static struct archive *
zip_open(const char *path, const char *name, struct oms_err *err)
{
	struct archive *ar;

	if ((ar = archive_read_new()) == NULL) {
		oms_err_set(err, OMS_ENOMEM, name, 0, "out of memory");
		return (NULL);
	}
	archive_read_support_format_zip(ar);
	if (archive_read_open_filename(ar, path, 65536) != ARCHIVE_OK) {
		oms_err_set(err, OMS_EDATA, name, 0, "not a readable ZIP: %s",
		    archive_error_string(ar));
		archive_read_free(ar);
		return (NULL);
	}
	return (ar);
}

int
omsi_src_open(const struct oms_srcdoc *d, struct archive **arp,
    struct omsi_xin **xp, struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	int r;

	*arp = NULL;
	*xp = NULL;
	if (d->entry == NULL) {
		*xp = omsi_xin_file(d->path, d->name, err);
		return (*xp == NULL ? -1 : 0);
	}
	if ((ar = zip_open(d->path, d->name, err)) == NULL)
		return (-1);
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK)
		if (strcmp(archive_entry_pathname(ae), d->entry) == 0) {
			*arp = ar;
			if ((*xp = omsi_xin_archive(ar, d->name, err)) == NULL)
				goto fail;
			return (0);
		}
	oms_err_set(err, OMS_EDATA, d->name, 0, r == ARCHIVE_EOF ?
	    "entry is gone from the archive (changed while we ran?)" :
	    "%s", archive_error_string(ar));
fail:
	archive_read_free(ar);
	*arp = NULL;
	return (-1);
}

void
omsi_src_close(struct archive *ar, struct omsi_xin *x)
{
	omsi_xin_free(x);
	if (ar != NULL)
		archive_read_free(ar);
}

/* ------------------------------------------------------------ scanning */

static int
kind_of(const char *name, char *kind)
{
	size_t n;

	if (name[0] == 'H' || name[0] == 'C' || name[0] == 'T')
		n = 1;
	else if (name[0] == 'D' && name[1] >= 'A' && name[1] <= 'Z')
		n = 2;
	else
		return (-1);
	if (name[n] != 'M' && name[n] != 'S' && name[n] != 'T')
		return (-1);
	memcpy(kind, name, n);
	kind[n] = '\0';
	return (0);
}

static const char *
payer_of(struct oms_src *s, const char *smo, char *buf,
    const struct oms_srcdoc *d, unsigned long line, struct oms_diag *diag)
{
	const struct oms_conf *c = s->conf;
	size_t i;
	char *k;

	if (smo != NULL && strlen(smo) == 5) {
		if (c->payers != NULL) {
			for (i = 0; c->payers[i] != NULL; i++)
				if (strcmp(c->payers[i], smo) == 0)
					return (smo);
			/* a regional insurer oms.conf does not list */
			if (strncmp(smo, c->tfoms, 2) == 0 &&
			    strcmp(smo + 2, "000") != 0 &&
			    !omsi_hash_get(&s->warned, smo, NULL) &&
			    (k = omsi_arena_strdup(&s->arena, smo)) != NULL &&
			    omsi_hash_put(&s->warned, k, 0) == 0)
				omsi_diagf(diag, 1, d->name, line, "insurer %s "
				    "is not in \"payers\" in oms.conf; its "
				    "patients are billed to %s000", smo,
				    c->tfoms);
		} else if (strncmp(smo, c->tfoms, 2) == 0 &&
		    strcmp(smo + 2, "000") != 0)
			return (smo);
	}
	snprintf(buf, 8, "%s000", c->tfoms);
	return (buf);
}

static const char *
text_or(xmlNodePtr n, const char *path)
{
	const char *v = omsi_path_text(n, path);

	return (v != NULL ? v : "");
}

/*
 * The document date (ZGLV/DATA, body@date_1 of a bill) into d->data.  It
 * decides which version of a case is the newest (oms-select(1)), so a
 * document without one is an error and is skipped: it must neither lose
 * to an older version unseen nor beat a newer one.  -1 when reported.
 */
static int
doc_date(struct oms_srcdoc *d, const char *v, unsigned long line,
    const char *what, struct oms_diag *diag)
{
	if (v != NULL && oms_date_parse(v, &d->data) == 0)
		return (0);
	d->data = -1;
	if (v == NULL)
		omsi_diagf(diag, 0, d->name, line, "no %s: the newest version "
		    "of a case is told by this date (YYYY-MM-DD); file "
		    "skipped", what);
	else
		omsi_diagf(diag, 0, d->name, line, "%s \"%.40s\" is not a date "
		    "YYYY-MM-DD: the newest version of a case is told by "
		    "it; file skipped", what, v);
	return (-1);
}

/* newer document wins: ZGLV/DATA, then mtime, then name */
static int
doc_newer(const struct oms_srcdoc *a, const struct oms_srcdoc *b)
{
	if (a->data != b->data)
		return (a->data > b->data);
	if (a->mtime != b->mtime)
		return (a->mtime > b->mtime);
	return (strcmp(a->name, b->name) > 0);
}

static int	commit_cases(struct oms_src *, int, size_t, struct oms_diag *,
		    struct oms_err *);

/* What a case says of itself, as strings of its document. */
struct case_in {
	const char	*acc, *idpac, *dept, *doctor, *payer;
	const char	*sum, *d1, *d2;
	const char	*sumname;	/* for messages: "Z_SL/SUMV" */
};

static int
store_case(struct oms_src *s, int doc, unsigned long line, unsigned long seq,
    const struct case_in *in, struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct oms_case *c;

	if (s->ncases == s->cases_cap) {
		size_t cap = s->cases_cap ? s->cases_cap * 2 : 4096;

		c = reallocarray(s->cases, cap, sizeof(*c));
		if (c == NULL)
			goto nomem;
		s->cases = c;
		s->cases_cap = cap;
	}
	c = &s->cases[s->ncases];
	memset(c, 0, sizeof(*c));
	c->doc = doc;
	c->line = line;
	c->seq = seq;
	snprintf(c->kind, sizeof(c->kind), "%s", d->kind);
	if ((c->account = omsi_arena_strdup(&s->arena, in->acc)) == NULL ||
	    (c->id_pac = omsi_arena_strdup(&s->arena,
	    in->idpac ? in->idpac : "")) == NULL ||
	    (c->dept = omsi_arena_strdup(&s->arena, in->dept ? in->dept :
	    "")) == NULL ||
	    (c->doctor = omsi_arena_strdup(&s->arena, in->doctor ?
	    in->doctor : "")) == NULL ||
	    (c->payer = omsi_arena_strdup(&s->arena, in->payer)) == NULL)
		goto nomem;
	if (in->sum == NULL || oms_money_parse(in->sum, &c->sum) == -1 ||
	    in->d1 == NULL || oms_date_parse(in->d1, &c->date_begin) == -1 ||
	    in->d2 == NULL || oms_date_parse(in->d2, &c->date_end) == -1) {
		omsi_diagf(diag, 0, d->name, line, "account %s: %s missing "
		    "or malformed; skipped", in->acc, in->sumname);
		return (0);
	}
	s->ncases++;
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, d->name, 0, "out of memory"));
}

static int
add_case(struct oms_src *s, int doc, xmlNodePtr zap, unsigned long seq,
    struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct case_in in;
	unsigned long line = omsi_line(zap);
	char pbuf[8];

	in.acc = omsi_path_text(zap, s->conf->account_key);
	if (in.acc == NULL || *in.acc == '\0') {
		omsi_diagf(diag, 0, d->name, line, "record without %s, the "
		    "account key (see account_key in oms.conf(5)); skipped",
		    s->conf->account_key);
		return (0);
	}
	in.idpac = omsi_path_text(zap, "PACIENT/ID_PAC");
	in.sum = omsi_path_text(zap, "Z_SL/SUMV");
	in.d1 = omsi_path_text(zap, "Z_SL/DATE_Z_1");
	in.d2 = omsi_path_text(zap, "Z_SL/DATE_Z_2");
	in.dept = text_or(zap, "Z_SL/SL/PODR");
	in.doctor = text_or(zap, "Z_SL/SL/IDDOKT");
	in.payer = payer_of(s, omsi_path_text(zap, "PACIENT/SMO"), pbuf, d,
	    line, diag);
	in.sumname = "Z_SL/SUMV, DATE_Z_1 or DATE_Z_2";
	return (store_case(s, doc, line, seq, &in, diag, err));
}

/*
 * A document given up: e (unless NULL) is reported, or returned when the
 * machine failed rather than the file; the cases read from it are
 * forgotten.  1 = go on with the next file, -1 = stop.
 */
static int
doc_failed(struct oms_src *s, int di, size_t first, const struct oms_err *e,
    struct oms_diag *diag, struct oms_err *err)
{
	if (e != NULL && (e->code == OMS_ENOMEM || e->code == OMS_EIO)) {
		*err = *e;
		return (-1);
	}
	if (e != NULL)
		omsi_diag(diag, 0, e);
	s->ncases = first;
	s->docs[di].ncases = 0;
	return (1);
}

/* ------------------------------------------------------ the yar76 bill */

/*
 * The insurers' register (ref/F002.tsv, columns code and ogrn): a bill
 * names a patient's insurer by OGRN, the ledger and the invoices by code.
 * A missing table is a warning: every insurer then shows as its OGRN.
 */
static int
load_insurers(struct oms_src *s, struct oms_diag *diag, struct oms_err *err)
{
	struct oms_tsv *t;
	struct oms_rec rec;
	struct oms_err e;
	const char **v;
	char *path, *code, *ogrn;
	FILE *fp;
	int cc, co, r;

	s->ins_loaded = 1;
	if ((path = oms_ws_find(s->ws, "ref", "F002.tsv", s->ws->refdir)) ==
	    NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	memset(&e, 0, sizeof(e));
	if ((fp = fopen(path, "r")) == NULL) {
		omsi_diagf(diag, 1, path, 0, "cannot open the insurers' "
		    "register (%s): payers show as the OGRN of the policy",
		    strerror(errno));
		free(path);
		return (0);
	}
	r = 0;
	if ((t = oms_tsv_open(fp, path, &e)) == NULL)
		r = -1;
	else if ((cc = oms_tsv_col(t, "code")) == -1 ||
	    (co = oms_tsv_col(t, "ogrn")) == -1) {
		oms_err_set(&e, OMS_EDATA, path, 1, "no columns code and ogrn");
		r = -1;
	} else {
		while ((r = oms_tsv_next(t, &rec, &e)) == 1) {
			if (s->nins % 64 == 0) {
				v = reallocarray(s->ins_code, s->nins + 64,
				    sizeof(*v));
				if (v == NULL)
					goto nomem;
				s->ins_code = v;
			}
			if ((code = omsi_arena_strdup(&s->arena,
			    rec.f[cc])) == NULL || (ogrn = omsi_arena_strdup(
			    &s->arena, rec.f[co])) == NULL ||
			    omsi_hash_put(&s->ins, ogrn, s->nins) == -1)
				goto nomem;
			s->ins_code[s->nins++] = code;
		}
	}
	oms_tsv_free(t);
	fclose(fp);
	free(path);
	if (r == -1) {
		if (e.code == OMS_ENOMEM || e.code == OMS_EIO) {
			*err = e;
			return (-1);
		}
		omsi_diag(diag, 1, &e);	/* a broken table: as if missing */
	}
	return (0);
nomem:
	oms_tsv_free(t);
	fclose(fp);
	free(path);
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

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
	char *k;

	region = omsi_attr(polis, "region_oms");
	ogrn = omsi_attr(polis, "ogrn_smo");
	if (ogrn == NULL || *ogrn == '\0' || (region != NULL &&
	    *region != '\0' && strncmp(region, c->tfoms, 2) != 0)) {
		snprintf(buf, 16, "%s000", c->tfoms);
		return (buf);
	}
	if (!s->ins_loaded && load_insurers(s, diag, err) == -1)
		return (NULL);
	if (omsi_hash_get(&s->ins, ogrn, &i))
		return (payer_of(s, s->ins_code[i], buf, d, line, diag));
	if (!omsi_hash_get(&s->warned, ogrn, NULL)) {
		if ((k = omsi_arena_strdup(&s->arena, ogrn)) == NULL ||
		    omsi_hash_put(&s->warned, k, 0) == -1) {
			oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
			return (NULL);
		}
		omsi_diagf(diag, 1, d->name, line, "the insurer with OGRN %s "
		    "(polis/ogrn_smo) is not in ref/F002.tsv; its accounts "
		    "show the OGRN as their payer until the register has it",
		    ogrn);
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

static int
add_account(struct oms_src *s, int doc, xmlNodePtr patient, xmlNodePtr pa,
    unsigned long seq, struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct case_in in;
	unsigned long line = omsi_line(pa);
	char pbuf[16], sbuf[32];
	int64_t sum;

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
	return (store_case(s, doc, line, seq, &in, diag, err));
}

/*
 * Read a bill.xml: body (the МО, the bill date), bill (its addressee),
 * then every personal_account of every patient, each an account.
 */
static int
scan_bill(struct oms_src *s, int di, struct omsi_xin *x, struct oms_diag *diag,
    struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[di];
	xmlTextReaderPtr r = omsi_xin_reader(x);
	xmlNodePtr pat, ra, pa;
	const char *name;
	xmlChar *v;
	struct oms_err e;
	unsigned long seq = 0;
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
			dated = doc_date(d, (const char *)v, (unsigned long)
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
				if (add_account(s, di, pat, pa, seq++, diag,
				    err) == -1)
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
	return (commit_cases(s, di, first, diag, err));
bad:
	return (doc_failed(s, di, first, &e, diag, err));
drop:
	return (doc_failed(s, di, first, NULL, diag, err));
}

/* Index the cases of a document read whole: [first, s->ncases). */
static int
commit_cases(struct oms_src *s, int doc, size_t first, struct oms_diag *diag,
    struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct oms_case *c, *old;
	size_t i, prev;

	for (i = first; i < s->ncases; i++) {
		c = &s->cases[i];
		d->ncases++;
		if (omsi_hash_get(&s->idx, c->account, &prev)) {
			old = &s->cases[prev];
			if (old->doc == doc) {
				old->dup = 1;
				omsi_diagf(diag, 0, d->name, c->line, "account "
				    "%s appears twice in this file (first on "
				    "line %lu); it will not be exported until "
				    "the MIS fixes it", c->account, old->line);
				continue;
			}
			if (!doc_newer(d, &s->docs[old->doc]))
				continue;
		}
		if (omsi_hash_put(&s->idx, c->account, i) == -1)
			return (oms_err_set(err, OMS_ENOMEM, d->name, 0,
			    "out of memory"));
	}
	return (0);
}

static int
copy_field(char *dst, size_t len, xmlNodePtr n, const char *path)
{
	const char *v = omsi_path_text(n, path);

	snprintf(dst, len, "%s", v ? v : "");
	return (v != NULL);
}

/*
 * Read one document: its header, then (for cases) every ZAP.  A problem
 * with the document is reported to diag and the document is dropped.
 */
static int
scan_doc(struct oms_src *s, int di, struct omsi_xin *x, struct oms_diag *diag,
    struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[di];
	xmlTextReaderPtr r = omsi_xin_reader(x);
	xmlNodePtr n;
	const char *name;
	struct oms_err e;
	unsigned long seq = 0;
	int rc, depth, yar;
	size_t first = s->ncases;

	memset(&e, 0, sizeof(e));
	if ((rc = omsi_xin_next_element(x, &e)) != 1)
		goto bad;
	name = (const char *)xmlTextReaderConstLocalName(r);
	yar = strcmp(s->conf->profile, "yar76") == 0;
	if (strcmp(name, "package") == 0 || yar) {
		if (strcmp(name, "package") == 0 && yar)
			return (scan_bill(s, di, x, diag, err));
		omsi_diagf(diag, 1, d->name, 0, "root element <%s> is not of "
		    "profile %s (%s); not a source file, ignored", name,
		    s->conf->profile, yar ? "package" : "ZL_LIST or "
		    "PERS_LIST");
		return (1);
	}
	if (strcmp(name, "ZL_LIST") == 0)
		d->type = OMS_DOC_CASES;
	else if (strcmp(name, "PERS_LIST") == 0)
		d->type = OMS_DOC_PERSONS;
	else {
		omsi_diagf(diag, 1, d->name, 0, "root element <%s> is not "
		    "ZL_LIST or PERS_LIST; not a source file, ignored", name);
		return (1);
	}
	while ((rc = omsi_xin_next_element(x, &e)) == 1) {
		depth = xmlTextReaderDepth(r);
		name = (const char *)xmlTextReaderConstLocalName(r);
		if (depth != 1)
			continue;
		if (strcmp(name, "ZGLV") == 0) {
			if ((n = omsi_xin_expand(x, &e)) == NULL)
				goto bad;
			copy_field(d->filename, sizeof(d->filename), n,
			    "FILENAME");
			copy_field(d->filename1, sizeof(d->filename1), n,
			    "FILENAME1");
			copy_field(d->version, sizeof(d->version), n,
			    "VERSION");
			if (doc_date(d, omsi_path_text(n, "DATA"),
			    omsi_line(omsi_child(n, "DATA") != NULL ?
			    omsi_child(n, "DATA") : n), "ZGLV/DATA",
			    diag) == -1)
				goto drop;
			if (d->type == OMS_DOC_PERSONS)
				break;	/* the rest is read by oms-export */
			if (kind_of(d->filename, d->kind) == -1) {
				omsi_diagf(diag, 0, d->name, omsi_line(n),
				    "ZGLV/FILENAME \"%s\" does not name a "
				    "registry kind (H, C, T, D*); file "
				    "skipped", d->filename);
				goto drop;
			}
			if ((rc = omsi_xin_skip(x, &e)) == -1)
				goto bad;
		} else if (strcmp(name, "SCHET") == 0) {
			if ((n = omsi_xin_expand(x, &e)) == NULL)
				goto bad;
			copy_field(d->disp, sizeof(d->disp), n, "DISP");
			if (omsi_xin_skip(x, &e) == -1)
				goto bad;
		} else if (strcmp(name, "ZAP") == 0) {
			if (d->kind[0] == '\0') {
				omsi_diagf(diag, 0, d->name,
				    (unsigned long)
				    xmlTextReaderGetParserLineNumber(r),
				    "ZAP before ZGLV; file skipped");
				goto drop;
			}
			if ((n = omsi_xin_expand(x, &e)) == NULL)
				goto bad;
			OMSI_PROGRESS(s->ws, "reading source/", seq + 1, 0);
			if (add_case(s, di, n, seq++, diag, err) == -1)
				return (-1);
			if (omsi_xin_skip(x, &e) == -1)
				goto bad;
		}
	}
	if (rc == -1)
		goto bad;
	if (d->filename[0] == '\0') {
		omsi_diagf(diag, 0, d->name, 0, "no ZGLV/FILENAME; file "
		    "skipped");
		goto drop;
	}
	return (commit_cases(s, di, first, diag, err));
bad:
	return (doc_failed(s, di, first, &e, diag, err));
drop:
	return (doc_failed(s, di, first, NULL, diag, err));
}

static struct oms_srcdoc *
new_doc(struct oms_src *s, const char *path, const char *entry,
    const char *name, time_t mtime)
{
	struct oms_srcdoc *d;

	if (s->ndocs == s->docs_cap) {
		size_t cap = s->docs_cap ? s->docs_cap * 2 : 16;

		d = reallocarray(s->docs, cap, sizeof(*d));
		if (d == NULL)
			return (NULL);
		s->docs = d;
		s->docs_cap = cap;
	}
	d = &s->docs[s->ndocs];
	memset(d, 0, sizeof(*d));
	d->pair = -1;
	d->data = -1;
	d->mtime = mtime;
	if ((d->path = strdup(path)) == NULL ||
	    (entry != NULL && (d->entry = strdup(entry)) == NULL) ||
	    (d->name = strdup(name)) == NULL) {
		free(d->path);
		free(d->entry);
		return (NULL);
	}
	s->ndocs++;
	return (d);
}

static void
drop_last_doc(struct oms_src *s)
{
	struct oms_srcdoc *d = &s->docs[--s->ndocs];

	free(d->path);
	free(d->entry);
	free(d->name);
}

static int
scan_one(struct oms_src *s, const char *path, const char *entry,
    const char *name, time_t mtime, struct archive *ar, struct oms_diag *diag,
    struct oms_err *err)
{
	struct omsi_xin *x;
	struct oms_err e;
	int r;

	memset(&e, 0, sizeof(e));
	if (new_doc(s, path, entry, name, mtime) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, name, 0,
		    "out of memory"));
	x = ar != NULL ? omsi_xin_archive(ar, name, &e) :
	    omsi_xin_file(path, name, &e);
	if (x == NULL) {
		drop_last_doc(s);
		if (e.code == OMS_ENOMEM) {
			*err = e;
			return (-1);
		}
		omsi_diag(diag, 0, &e);
		return (0);
	}
	r = scan_doc(s, (int)s->ndocs - 1, x, diag, err);
	omsi_xin_free(x);
	if (r == 1)
		drop_last_doc(s);
	return (r == -1 ? -1 : 0);
}

static int
scan_zip(struct oms_src *s, const char *path, const char *rel,
    time_t mtime, struct oms_diag *diag, struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	struct oms_err e;
	const char *en, *base;
	char name[1024];
	int r, n = 0;

	memset(&e, 0, sizeof(e));
	if ((ar = zip_open(path, rel, &e)) == NULL) {
		omsi_diag(diag, 0, &e);
		return (0);
	}
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		if (++n > MAX_ENTRIES) {
			omsi_diagf(diag, 0, rel, 0, "more than %d entries; "
			    "the rest is ignored", MAX_ENTRIES);
			break;
		}
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		en = archive_entry_pathname(ae);
		base = strrchr(en, '/') ? strrchr(en, '/') + 1 : en;
		if (*base == '.' || *base == '\0')
			continue;
		if ((size_t)snprintf(name, sizeof(name), "%s:%s", rel, en) >=
		    sizeof(name)) {
			omsi_diagf(diag, 0, rel, 0, "entry name too long; "
			    "skipped");
			continue;
		}
		if (scan_one(s, path, en, name, mtime, ar, diag, err) == -1) {
			archive_read_free(ar);
			return (-1);
		}
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_EOF)
		omsi_diagf(diag, 0, rel, 0, "damaged ZIP: %s",
		    archive_error_string(ar));
	archive_read_free(ar);
	return (0);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* cases are stored in document and file order, so by index */
static int
cmp_idx(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y ? -1 : x > y);
}

/* Pair every cases document with its persons document. */
static void
pair_docs(struct oms_src *s, struct oms_diag *diag)
{
	size_t i, j;

	for (i = 0; i < s->ndocs; i++) {
		struct oms_srcdoc *d = &s->docs[i];

		if (d->type != OMS_DOC_CASES)
			continue;
		for (j = 0; j < s->ndocs; j++) {
			struct oms_srcdoc *p = &s->docs[j];

			if (p->type != OMS_DOC_PERSONS ||
			    strcmp(p->filename1, d->filename) != 0)
				continue;
			if (d->pair == -1 || doc_newer(p, &s->docs[d->pair]))
				d->pair = (int)j;
		}
		if (d->pair == -1 && d->ncases > 0)
			omsi_diagf(diag, 1, d->name, 0, "no PERS_LIST file "
			    "with FILENAME1 %s in source/; its accounts "
			    "cannot be exported", d->filename);
	}
}

struct oms_src *
oms_src_scan(const struct oms_ws *ws, struct oms_diag *diag,
    struct oms_err *err)
{
	struct oms_src *s;
	char *dir = NULL, *path = NULL, **names = NULL, rel[1024];
	size_t nnames = 0, cap = 0, i, j;
	struct dirent *de;
	struct stat st;
	DIR *dp = NULL;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	s->conf = &ws->conf;
	s->ws = ws;
	omsi_hash_init(&s->idx);
	omsi_hash_init(&s->warned);
	omsi_hash_init(&s->ins);
	omsi_arena_init(&s->arena);
	if ((dir = oms_ws_path(ws, "source")) == NULL)
		goto nomem;
	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT) {
			free(dir);
			return (s);	/* nothing exported yet */
		}
		oms_err_sys(err, errno, dir, "open directory");
		goto fail;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (nnames == cap) {
			char **n = reallocarray(names, cap ? cap * 2 : 64,
			    sizeof(*n));
			if (n == NULL)
				goto nomem;
			names = n;
			cap = cap ? cap * 2 : 64;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL)
			goto nomem;
		nnames++;
	}
	closedir(dp);
	dp = NULL;
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), cmp_str);
	for (i = 0; i < nnames; i++) {
		free(path);
		if ((path = oms_path_join(dir, names[i])) == NULL)
			goto nomem;
		snprintf(rel, sizeof(rel), "source/%s", names[i]);
		if (stat(path, &st) == -1) {
			oms_err_sys(err, errno, rel, "stat");
			goto fail;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (is_zip(path)) {
			if (scan_zip(s, path, rel, st.st_mtime, diag, err) == -1)
				goto fail;
		} else if (scan_one(s, path, NULL, rel, st.st_mtime, NULL, diag,
		    err) == -1)
			goto fail;
	}
	pair_docs(s, diag);
	/* the winners, in document order */
	if (s->idx.n > 0 &&
	    (s->win = calloc(s->idx.n, sizeof(*s->win))) == NULL)
		goto nomem;
	for (i = 0, j = 0; i < s->idx.cap; i++)
		if (s->idx.keys[i] != NULL)
			s->win[j++] = s->idx.vals[i];
	s->nwin = j;
	if (s->nwin > 0)
		qsort(s->win, s->nwin, sizeof(*s->win), cmp_idx);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	free(dir);
	return (s);
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
fail:
	if (dp != NULL)
		closedir(dp);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	free(dir);
	oms_src_free(s);
	return (NULL);
}

void
oms_src_free(struct oms_src *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndocs; i++) {
		free(s->docs[i].path);
		free(s->docs[i].entry);
		free(s->docs[i].name);
	}
	free(s->docs);
	free(s->cases);
	free(s->win);
	omsi_hash_release(&s->idx);
	omsi_hash_release(&s->warned);
	omsi_hash_release(&s->ins);
	free(s->ins_code);
	omsi_arena_release(&s->arena);
	free(s);
}

size_t
oms_src_ndocs(const struct oms_src *s)
{
	return (s->ndocs);
}

const struct oms_srcdoc *
oms_src_doc(const struct oms_src *s, size_t i)
{
	return (i < s->ndocs ? &s->docs[i] : NULL);
}

size_t
oms_src_ncases(const struct oms_src *s)
{
	return (s->nwin);
}

const struct oms_case *
oms_src_case(const struct oms_src *s, size_t i)
{
	return (i < s->nwin ? &s->cases[s->win[i]] : NULL);
}

const struct oms_case *
oms_src_find(const struct oms_src *s, const char *account)
{
	size_t i;

	return (omsi_hash_get(&s->idx, account, &i) ? &s->cases[i] : NULL);
}

/* "FAM IM OT" of one PERS, the parts it has; NULL on ENOMEM. */
static char *
person_name(xmlNodePtr pers)
{
	static const char *const part[] = { "FAM", "IM", "OT" };
	struct oms_buf b;
	const char *v;
	size_t i;

	oms_buf_init(&b, 4096);
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		if ((v = omsi_path_text(pers, part[i])) == NULL || *v == '\0')
			continue;
		if ((b.len > 0 && oms_buf_addc(&b, ' ', NULL) == -1) ||
		    oms_buf_adds(&b, v, NULL) == -1) {
			oms_buf_release(&b);
			return (NULL);
		}
	}
	if (b.s == NULL)
		return (strdup(""));
	return (b.s);
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

int
oms_src_names(const struct oms_src *s, const char *const *accounts,
    size_t n, char **names, struct oms_err *err)
{
	struct omsi_hash want;
	struct archive *ar;
	struct omsi_xin *xin;
	const struct oms_case *c;
	xmlNodePtr pers;
	const char *idpac;
	size_t *next = NULL, i, k, first;
	int rc = 0, any;

	for (i = 0; i < n; i++)
		names[i] = NULL;
	if (n == 0)
		return (0);
	if ((next = calloc(n, sizeof(*next))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	for (k = 0; k < s->ndocs && rc == 0; k++) {
		if (s->docs[k].type == OMS_DOC_BILL) {
			omsi_hash_init(&want);
			any = 0;
			for (i = 0; i < n && rc == 0; i++) {
				c = oms_src_find(s, accounts[i]);
				if (c == NULL || c->doc != (int)k)
					continue;
				if (omsi_hash_put(&want, c->account, i + 1) ==
				    -1)
					rc = oms_err_set(err, OMS_ENOMEM, NULL,
					    0, "out of memory");
				any = 1;
			}
			if (rc == 0 && any)
				rc = bill_names(s, k, &want, names, err);
			omsi_hash_release(&want);
			continue;
		}
		if (s->docs[k].type != OMS_DOC_PERSONS)
			continue;
		/* ID_PAC -> 1 + the first account, chained through next */
		omsi_hash_init(&want);
		any = 0;
		for (i = 0; i < n; i++) {
			c = oms_src_find(s, accounts[i]);
			if (c == NULL || c->doc < 0 ||
			    s->docs[c->doc].pair != (int)k)
				continue;
			next[i] = omsi_hash_get(&want, c->id_pac, &first) ?
			    first : 0;
			if (omsi_hash_put(&want, c->id_pac, i + 1) == -1) {
				rc = oms_err_set(err, OMS_ENOMEM, NULL, 0,
				    "out of memory");
				break;
			}
			any = 1;
		}
		if (rc == 0 && any &&
		    (rc = omsi_src_open(&s->docs[k], &ar, &xin, err)) == 0) {
			while ((rc = omsi_xin_next_element(xin, err)) == 1) {
				if (xmlTextReaderDepth(omsi_xin_reader(xin)) !=
				    1 || strcmp((const char *)
				    xmlTextReaderConstLocalName(
				    omsi_xin_reader(xin)), "PERS") != 0)
					continue;
				if ((pers = omsi_xin_expand(xin, err)) == NULL) {
					rc = -1;
					break;
				}
				if ((idpac = omsi_path_text(pers, "ID_PAC")) ==
				    NULL || !omsi_hash_get(&want, idpac, &first))
					continue;
				for (i = first; i != 0; i = next[i - 1]) {
					if (names[i - 1] != NULL)
						continue;
					if ((names[i - 1] = person_name(pers)) ==
					    NULL) {
						rc = oms_err_set(err,
						    OMS_ENOMEM, NULL, 0,
						    "out of memory");
						break;
					}
				}
				if (rc == -1)
					break;
			}
			omsi_src_close(ar, xin);
		}
		omsi_hash_release(&want);
	}
	free(next);
	if (rc == -1) {
		for (i = 0; i < n; i++) {
			free(names[i]);
			names[i] = NULL;
		}
		return (-1);
	}
	return (0);
}
