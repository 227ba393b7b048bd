/*
 * ffoms_source.c -- the federal profile's source documents: ZL_LIST and
 * PERS_LIST
 *
 * A ZL_LIST gives its kind by ZGLV/FILENAME (H, C, T, D*) and a case per
 * ZAP, keyed by account_key (Z_SL/SL/SL_ID by default); a PERS_LIST holds
 * the persons, paired with its cases by FILENAME1 (source.c).  The
 * patients' names for reports are read from the PERS of the pair.
 */
#include <stdlib.h>
#include <string.h>

#include <archive.h>

#include "src_int.h"

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

static int
add_case(struct oms_src *s, int doc, xmlNodePtr zap, unsigned long seq,
    struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct omsi_case_in in;
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
	in.dept = omsi_src_text_or(zap, "Z_SL/SL/PODR");
	in.doctor = omsi_src_text_or(zap, "Z_SL/SL/IDDOKT");
	in.payer = omsi_src_payer(s, omsi_path_text(zap, "PACIENT/SMO"), pbuf, d,
	    line, diag);
	in.sumname = "Z_SL/SUMV, DATE_Z_1 or DATE_Z_2";
	return (omsi_src_store(s, doc, line, seq, &in, diag, err));
}

static int
copy_field(char *dst, size_t len, xmlNodePtr n, const char *path)
{
	const char *v = omsi_path_text(n, path);

	snprintf(dst, len, "%s", v ? v : "");
	return (v != NULL);
}

/*
 * Read one ZL_LIST or PERS_LIST: its header, then (for cases) every ZAP.  A problem
 * with the document is reported to diag and the document is dropped.
 */
int
omsi_ffoms_src_scan(struct oms_src *s, int di, struct omsi_xin *x,
    struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[di];
	xmlTextReaderPtr r = omsi_xin_reader(x);
	xmlNodePtr n;
	const char *name;
	struct oms_err e;
	unsigned long seq = 0;
	int rc, depth;
	size_t first = s->ncases;

	memset(&e, 0, sizeof(e));
	/* at the root, which ffoms_src_bid took */
	name = (const char *)xmlTextReaderConstLocalName(r);
	d->type = strcmp(name, "ZL_LIST") == 0 ? OMS_DOC_CASES :
	    OMS_DOC_PERSONS;
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
			if (omsi_src_date(d, omsi_path_text(n, "DATA"),
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
	return (omsi_src_commit(s, di, first, diag, err));
bad:
	return (omsi_src_failed(s, di, first, &e, diag, err));
drop:
	return (omsi_src_failed(s, di, first, NULL, diag, err));
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

/*
 * The names of accounts[0..n) whose case document is paired with the
 * persons document k (oms_src_names): each PERS read once.
 */
int
omsi_ffoms_src_names(const struct oms_src *s, size_t k,
    const char *const *accounts, size_t n, char **names, struct oms_err *err)
{
	struct omsi_hash want;
	struct archive *ar;
	struct omsi_xin *xin;
	const struct oms_case *c;
	xmlNodePtr pers;
	const char *idpac;
	size_t *next, i, first;
	int rc = 0, any;

	if (s->docs[k].type != OMS_DOC_PERSONS)
		return (0);
	if ((next = calloc(n, sizeof(*next))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
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
	free(next);
	return (rc == -1 ? -1 : 0);
}
