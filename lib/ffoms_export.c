/*
 * ffoms_export.c -- write the registries of the federal profile (ffoms)
 *
 * For each registry (one per kind, or per kind and payer with send_to =
 * smo) the cases are copied from source/ as they came, with the fields the
 * registry owns replaced (N_ZAP, PR_NOV, IDCASE), into a body file; then
 * the persons of those cases are copied from the paired PERS_LIST files
 * (ffoms_persons.c).  Every record is fixed and checked on the way
 * (ffoms_check.c).  The headers are written last, when their counts and
 * sums are known, and the ZIP packs header and body of both files.  This
 * file defines the profile's table of the export, omsi_ffoms_export.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <libxml/encoding.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>

#include "export_int.h"
#include "reftab.h"
#include "xtree_int.h"

/*
 * The table of format versions, ref/versions.tsv (oms.conf(5)): columns
 * kind, from, version and, optionally, schema found by name, others
 * (source) ignored.  A kind is H, C, T, L, D and a letter, or D* for every
 * D kind; from is the first reporting period YYYY-MM of the row's
 * edition; schema names the schema of the edition, xsd/SCHEMA.xsd, when
 * one version had several contents over time (the D files' 3.1): K-V
 * itself or K-V-EDITION, K the kind's letter.  Empty: K-V.
 */
static const char *const vcols[] = { "kind", "from", "version", "schema" };

static int
vkind_ok(const char *k)
{
	if (strcmp(k, "H") == 0 || strcmp(k, "C") == 0 ||
	    strcmp(k, "T") == 0 || strcmp(k, "L") == 0 ||
	    strcmp(k, "D*") == 0)
		return (1);
	return (k[0] == 'D' && k[1] >= 'A' && k[1] <= 'Z' && k[2] == '\0');
}

static int
vversion_ok(const char *v)
{
	size_t n = strspn(v, "0123456789");

	return (n >= 1 && n <= 2 && v[n] == '.' &&
	    strspn(v + n + 1, "0123456789") >= 1 &&
	    v[n + 1 + strspn(v + n + 1, "0123456789")] == '\0');
}

/* "" or K-V, or K-V- and letters, digits, '.', '-', '_': a file name */
static int
vschema_ok(const char *s, const char *kind, const char *version)
{
	char kv[16];
	size_t n;

	if (*s == '\0')
		return (1);
	n = (size_t)snprintf(kv, sizeof(kv), "%c-%s", kind[0], version);
	if (strlen(s) >= sizeof(((struct oms_edition *)0)->schema) ||
	    strncmp(s, kv, n) != 0)
		return (0);
	if (s[n] == '\0')
		return (1);
	return (s[n] == '-' && s[n + 1] != '\0' &&
	    strspn(s + n + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s + n + 1));
}

struct oms_ref *
oms_versions_load(const char *path, struct oms_err *err)
{
	struct omsi_refspec sp;
	struct oms_ref *t;
	size_t i;

	memset(&sp, 0, sizeof(sp));
	sp.cols = vcols;
	sp.ncols = 4;
	sp.nreq = 3;
	sp.dup = OMSI_REF_ALL;
	sp.open_what = "the table of format versions";
	if ((t = omsi_ref_load(path, &sp, err)) == NULL)
		return (NULL);
	/* every row is kept in file order: row i is line i + 2 */
	for (i = 0; i < omsi_ref_count(t); i++) {
		const char *const *f = omsi_ref_fields(t, i);
		int period;

		if (!vkind_ok(f[0]))
			oms_err_set(err, OMS_EDATA, path, i + 2, "kind \"%s\": "
			    "expected H, C, T, L, D and a letter, or D*", f[0]);
		else if (oms_period_parse(f[1], &period) == -1)
			oms_err_set(err, OMS_EDATA, path, i + 2, "from \"%s\": "
			    "expected a reporting period YYYY-MM", f[1]);
		else if (!vversion_ok(f[2]))
			oms_err_set(err, OMS_EDATA, path, i + 2, "version "
			    "\"%s\": expected a format version like 5.1", f[2]);
		else if (!vschema_ok(f[3], f[0], f[2]))
			oms_err_set(err, OMS_EDATA, path, i + 2, "schema "
			    "\"%s\": expected %c-%s, or %c-%s- and an edition "
			    "(letters, digits, '.', '-', '_'), at most %zu "
			    "characters", f[3], f[0][0], f[2], f[0][0], f[2],
			    sizeof(((struct oms_edition *)0)->schema) - 1);
		else
			continue;
		oms_ref_free(t);
		return (NULL);
	}
	return (t);
}

/*
 * The row of the table for kind in period: a row of the kind itself
 * before a D* row.  Without want, the row with the latest from not after
 * the period; with want (a version oms.conf forces), the row of that
 * version with the latest from not after the period, failing that its
 * row with the earliest from (a version forced before its time takes its
 * first edition).  -1 when none.
 */
static ssize_t
vrow(const struct oms_ref *t, const char *kind, int period, const char *want)
{
	ssize_t best, early;
	int pass, bestp, earlyp, p;
	size_t i;

	if (t == NULL)
		return (-1);
	for (pass = 0; pass < 2; pass++) {
		best = early = -1;
		bestp = -1;
		earlyp = 0;
		for (i = 0; i < omsi_ref_count(t); i++) {
			const char *const *f = omsi_ref_fields(t, i);

			if (pass == 0 ? strcmp(f[0], kind) != 0 :
			    kind[0] != 'D' || strcmp(f[0], "D*") != 0)
				continue;
			if ((want != NULL && strcmp(f[2], want) != 0) ||
			    oms_period_parse(f[1], &p) == -1)
				continue;
			if (early == -1 || p < earlyp) {
				early = (ssize_t)i;
				earlyp = p;
			}
			if (p > period || p < bestp)
				continue;
			best = (ssize_t)i;
			bestp = p;
		}
		if (best != -1)
			return (best);
		if (want != NULL && early != -1)
			return (early);
	}
	return (-1);
}

int
oms_edition_for(const struct oms_conf *c, const struct oms_ref *t,
    const char *kind, int period, struct oms_edition *e)
{
	char key[32];
	const char *v;
	ssize_t row;

	memset(e, 0, sizeof(*e));
	snprintf(key, sizeof(key), "version.%s", kind);
	if ((v = oms_conf_get(c, key)) == NULL && kind[0] == 'D')
		v = oms_conf_get(c, "version.D");
	row = vrow(t, kind, period, v);
	if (v == NULL) {
		if (row == -1)
			return (-1);
		v = omsi_ref_fields(t, (size_t)row)[2];
	}
	e->version = v;
	if (row != -1 && *omsi_ref_fields(t, (size_t)row)[3] != '\0')
		snprintf(e->schema, sizeof(e->schema), "%s",
		    omsi_ref_fields(t, (size_t)row)[3]);
	else
		snprintf(e->schema, sizeof(e->schema), "%c-%s", kind[0], v);
	return (0);
}

const char *
oms_version_for(const struct oms_conf *c, const struct oms_ref *t,
    const char *kind, int period)
{
	struct oms_edition e;

	return (oms_edition_for(c, t, kind, period, &e) == -1 ? NULL :
	    e.version);
}

/* Set the text of child name of n, creating it after `after` if absent. */
static int
set_child(xmlNodePtr n, const char *name, const char *value, const char *after)
{
	xmlNodePtr c, a, nc;

	if ((c = omsi_child(n, name)) != NULL) {
		omsi_xtree_set_text(c, value);	/* the tree may be xtree's */
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

/* A text writer of windows-1251 into fp, indenting by one space. */
static xmlTextWriterPtr
body_writer(FILE *fp)
{
	xmlCharEncodingHandlerPtr h;
	xmlOutputBufferPtr out;
	xmlTextWriterPtr w;

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
	int pkg;
	struct reg *r;
	struct ffreg *f;
	struct omsi_ffoms_name nm;
	const struct oms_srcdoc *d;
	struct oms_ref *vt = NULL;
	struct oms_edition ed;
	char *vpath, pbuf[8];
	int rc = -1;

	if ((vpath = oms_ws_find(x->ws, "ref", "versions.tsv",
	    x->o->refdir)) == NULL)
		goto nomem;
	if (access(vpath, R_OK) == -1 && errno == ENOENT) {
		oms_err_set(err, OMS_EIO, vpath, 0, "no table of format versions:"
		    " install oms's ref/versions.tsv, or put one in the "
		    "workspace's ref/");
		free(vpath);
		return (-1);
	}
	vt = oms_versions_load(vpath, err);
	free(vpath);
	if (vt == NULL)
		return (-1);
	oms_period_fmt(x->o->period, pbuf);
	pkg = oms_ledger_next_package(l, x->o->period);
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
			if ((f = calloc(1, sizeof(*f))) == NULL)
				goto nomem;
			r->w = f;
			omsi_hash_init(&f->need);
			omsi_arena_init(&f->arena);
			snprintf(r->out.kind, sizeof(r->out.kind), "%s",
			    s->c->kind);
			if (smo)
				snprintf(r->out.payer, sizeof(r->out.payer),
				    "%s", s->c->payer);
			f->kindclass = kindclass(s->c->kind);
			if (oms_edition_for(c, vt, s->c->kind, x->o->period,
			    &ed) == -1) {
				oms_err_set(err, OMS_EDATA, NULL, 0, "no format "
				    "version of kind %s for %s in ref/versions.tsv:"
				    " add a row, or set version.%s in oms.conf",
				    s->c->kind, pbuf, s->c->kind);
				goto out;
			}
			snprintf(r->out.version, sizeof(r->out.version), "%s",
			    ed.version);
			snprintf(f->schema, sizeof(f->schema), "%s",
			    ed.schema);
			d = oms_src_doc(x->src, (size_t)s->c->doc);
			snprintf(f->disp, sizeof(f->disp), "%s", d->disp);
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
		f = FFREG(r);
		r->out.package = pkg++;
		memset(&nm, 0, sizeof(nm));
		snprintf(nm.kind, sizeof(nm.kind), "%s", r->out.kind);
		snprintf(nm.mo, sizeof(nm.mo), "%s", c->mo);
		/* to an insurer, or to the fund (its own code, or XX000) */
		if (smo && strcmp(r->out.payer, c->tfoms) != 0 &&
		    strncmp(r->out.payer + 2, "000", 3) != 0) {
			nm.to = 'S';
			snprintf(nm.code, sizeof(nm.code), "%s", r->out.payer);
		} else {
			nm.to = 'T';
			snprintf(nm.code, sizeof(nm.code), "%s", c->tfoms);
		}
		nm.yy = x->o->period / 12 % 100;
		nm.mm = x->o->period % 12 + 1;
		nm.package = r->out.package;
		nm.width = c->package_width;
		if (omsi_ffoms_name_build(r->out.name, sizeof(r->out.name),
		    &nm) == -1) {
			oms_err_set(err, OMS_EINTERNAL, NULL, 0,
			    "registry name too long");
			goto out;
		}
		snprintf(f->lname, sizeof(f->lname), "L%s%s",
		    r->out.kind[0] == 'H' ? "" : r->out.kind[0] == 'D' ?
		    r->out.kind + 1 : r->out.kind,
		    r->out.name + strlen(r->out.kind));
		snprintf(r->out.archive, sizeof(r->out.archive),
		    "outbox/%s.%s", r->out.name, c->archive_ext);
		if (oms_edition_for(c, vt, "L", x->o->period, &ed) == -1) {
			oms_err_set(err, OMS_EDATA, NULL, 0, "no format version "
			    "of kind L for %s in ref/versions.tsv: add a row, "
			    "or set version.L in oms.conf", pbuf);
			goto out;
		}
		snprintf(f->pers_version, sizeof(f->pers_version), "%s",
		    ed.version);
		snprintf(f->pers_schema, sizeof(f->pers_schema), "%s",
		    ed.schema);
	}
	rc = 0;
	goto out;
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
out:
	oms_ref_free(vt);
	return (rc);
}

/* One case into its registry: N_ZAP, PR_NOV and IDCASE set, checked. */
static int
copy_case(struct exp *x, struct sel *s, xmlNodePtr zap,
    const struct oms_srcdoc *d, struct oms_err *err)
{
	struct reg *r = &x->reg[s->reg];
	struct ffreg *f = FFREG(r);
	xmlNodePtr zsl;
	char num[24];
	const char *idpac, *sum;

	x->cur_doc = d->name;
	x->cur_account = s->c->account;
	x->cur_line = s->c->line;
	x->cur_bad = 0;
	OMSI_PROGRESS(x->ws, "building the registries", s - x->sel + 1,
	    x->nsel);
	if (omsi_ffoms_fixes(x, s, OMSI_SCOPE_ZAP, zap, err) == -1)
		return (-1);
	s->n_zap = ++r->nzap;
	snprintf(num, sizeof(num), "%lu", (unsigned long)s->n_zap);
	if (set_child(zap, "N_ZAP", num, NULL) == -1 ||
	    set_child(zap, "PR_NOV", s->pr_nov ? "1" : "0", "N_ZAP") == -1 ||
	    ((zsl = omsi_child(zap, "Z_SL")) != NULL &&
	    set_child(zsl, "IDCASE", num, NULL) == -1))
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	if (omsi_ffoms_check(x, r, OMSI_SCOPE_ZAP, zap, err) == -1)
		return (-1);
	sum = omsi_path_text(zap, "Z_SL/SUMV");
	if (sum == NULL || oms_money_parse(sum, &s->sum) == -1)
		s->sum = 0;	/* reported by the schema or the rules */
	if (x->cur_bad)
		s->bad = 1;
	r->sum += s->sum;
	/* the person this case needs: need_persons (ffoms_persons.c) */
	idpac = omsi_path_text(zap, "PACIENT/ID_PAC");
	s->pac = SEL_PAC_NONE;
	if (idpac != NULL && *idpac != '\0' &&
	    strcmp(idpac, s->c->id_pac) == 0)
		s->pac = SEL_PAC_SRC;
	else if (idpac != NULL && *idpac != '\0') {
		struct ownpac *o;

		if (f->nown == f->own_cap) {
			size_t cap = f->own_cap ? f->own_cap * 2 : 8;

			if ((o = reallocarray(f->own, cap, sizeof(*o))) ==
			    NULL)
				return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
				    "out of memory"));
			f->own = o;
			f->own_cap = cap;
		}
		if ((f->own[f->nown].idpac = omsi_arena_strdup(&f->arena,
		    idpac)) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		f->own[f->nown++].si = (size_t)(s - x->sel);
		s->pac = SEL_PAC_OWN;
	}
	if (omsi_ffoms_write_node(x, f->hw, zap) == -1)
		return (oms_err_set(err, OMS_EIO, f->hpath, 0,
		    "cannot write the registry body"));
	return (0);
}

/* the cases of one document read by the fast scanner (xtree.c) */
struct fastcases {
	struct exp		*x;
	size_t			 k, i;
	const struct oms_srcdoc	*d;
	unsigned long		 seq;
};

static int
fast_want(void *arg, const xmlChar *name)
{
	struct fastcases *c = arg;
	struct exp *x = c->x;
	int want;

	if (strcmp((const char *)name, "ZAP") != 0)
		return (0);
	while (c->i < x->nsel && x->sel[c->i].bad)
		c->i++;
	want = c->i < x->nsel && (size_t)x->sel[c->i].c->doc == c->k &&
	    x->sel[c->i].c->seq == c->seq;
	c->seq++;
	/* a fix (omsi_ffoms_fixes) frees nodes: not in the arena */
	if (want && x->ledger != NULL && oms_ledger_nfix(x->ledger) > 0)
		return (OMSI_XTREE_SOLID);
	return (want);
}

static int
fast_take(void *arg, xmlNodePtr zap, struct oms_err *err)
{
	struct fastcases *c = arg;

	if (copy_case(c->x, &c->x->sel[c->i], zap, c->d, err) == -1)
		return (-1);
	c->x->sel[c->i].seen = 1;
	c->i++;
	return (0);
}

/*
 * Document k through the fast scanner, as copy_cases reads it with
 * libxml2: 0 done, 1 when libxml2 is to read the rest (the scanner
 * doubted: the cases copied so far are passed in *ip, and libxml2's
 * reading copies the next ones), -1 on error.
 */
static int
fast_cases(struct exp *x, size_t k, const struct oms_srcdoc *d, size_t *ip,
    struct oms_err *err)
{
	struct fastcases c = { x, k, *ip, d, 0 };
	int r;

	r = omsi_xtree_copy(d->path, d->entry, d->name, fast_want, fast_take,
	    &c, err);
	*ip = c.i;
	return (r);
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
	int rc, fast = !x->ws->plain_xml;

	for (k = 0; k < ndoc; k++) {
		while (i < x->nsel && x->sel[i].bad)
			i++;
		if (i == x->nsel)
			break;
		if ((size_t)x->sel[i].c->doc != k)
			continue;
		d = oms_src_doc(x->src, k);
		if (fast && (rc = fast_cases(x, k, d, &i, err)) != 1) {
			if (rc == -1 ||
			    omsi_exp_all_seen(x, i, k, d->name, err) == -1)
				return (-1);
			continue;
		}
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
		if (omsi_exp_all_seen(x, i, k, d->name, err) == -1)
			return (-1);
	}
	return (0);
}

static int
open_bodies(struct exp *x, struct oms_err *err)
{
	size_t i;
	struct reg *r;
	struct ffreg *f;

	for (i = 0; i < x->nreg; i++) {
		r = &x->reg[i];
		f = FFREG(r);
		if ((f->hbody = omsi_exp_temp(x, r->out.name, &f->hpath,
		    err)) == NULL || (f->lbody = omsi_exp_temp(x, f->lname,
		    &f->lpath, err)) == NULL)
			return (-1);
		/* deflated on the pool's thread while they are written;
		   only checked (-n), dropped */
		if ((!x->o->check_only && x->zpool == NULL &&
		    (x->zpool = omsi_zpool_new(
		    omsi_zip_level(&x->ws->conf), err)) == NULL) ||
		    (f->hz = omsi_zbody_new(x->zpool, f->hbody, f->hpath,
		    err)) == NULL || (f->lz = omsi_zbody_new(x->zpool,
		    f->lbody, f->lpath, err)) == NULL)
			return (-1);
		if ((f->hw = body_writer(omsi_zbody_fp(f->hz))) == NULL ||
		    (f->lw = body_writer(omsi_zbody_fp(f->lz))) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "cannot start the XML writer"));
	}
	return (0);
}

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
	const struct ffreg *f = FFREG(r);
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
		if (w_elem(w, "VERSION", f->pers_version) == -1 ||
		    w_elem(w, "DATA", date) == -1 ||
		    w_elem(w, "FILENAME", f->lname) == -1 ||
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
		    (f->kindclass == 'D' && f->disp[0] != '\0' &&
		    w_elem(w, "DISP", f->disp) == -1) ||
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

/* Pack registry r into its archive under a temporary name. */
static int
pack(struct exp *x, struct reg *r, struct oms_err *err)
{
	struct ffreg *f = FFREG(r);
	xmlBufferPtr hh = NULL, lh = NULL;
	struct omsi_zip *a = NULL;
	char *path = NULL, ename[96];
	time_t mtime;
	int rc = -1;

	if (xmlTextWriterFlush(f->hw) < 0 || xmlTextWriterFlush(f->lw) < 0)
		return (oms_err_set(err, OMS_EIO, f->hpath, 0,
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
	mtime = OMSI_EXP_MTIME(x);
	if ((a = omsi_zip_open(r->af.fp, path, omsi_zip_level(&x->ws->conf),
	    err)) == NULL)
		goto out;
	snprintf(ename, sizeof(ename), "%s.XML", r->out.name);
	if (omsi_zip_entry(a, ename, mtime, (const char *)xmlBufferContent(hh),
	    (size_t)xmlBufferLength(hh), f->hz, "</ZL_LIST>\n", err) == -1)
		goto out;
	snprintf(ename, sizeof(ename), "%s.XML", f->lname);
	if (omsi_zip_entry(a, ename, mtime, (const char *)xmlBufferContent(lh),
	    (size_t)xmlBufferLength(lh), f->lz, "</PERS_LIST>\n",
	    err) == -1)
		goto out;
	if (omsi_zip_close(a, err) == -1)
		goto out;
	rc = 0;
out:
	omsi_zip_free(a);
	if (hh != NULL)
		xmlBufferFree(hh);
	if (lh != NULL)
		xmlBufferFree(lh);
	free(path);
	return (rc);
}

/* The writer's part of each registry: its bodies and what it needed. */
static void
ffoms_release(struct exp *x)
{
	struct ffreg *f;
	size_t i;

	for (i = 0; i < x->nreg; i++) {
		if ((f = x->reg[i].w) == NULL)
			continue;
		if (f->hw != NULL)
			xmlFreeTextWriter(f->hw);
		if (f->lw != NULL)
			xmlFreeTextWriter(f->lw);
		omsi_zbody_free(f->hz);
		omsi_zbody_free(f->lz);
		if (f->hbody != NULL)
			fclose(f->hbody);
		if (f->lbody != NULL)
			fclose(f->lbody);
		if (f->hpath != NULL)
			unlink(f->hpath);
		if (f->lpath != NULL)
			unlink(f->lpath);
		free(f->hpath);
		free(f->lpath);
		omsi_hash_release(&f->need);
		free(f->pfix);
		free(f->own);
		omsi_arena_release(&f->arena);
		free(f);
		x->reg[i].w = NULL;
	}
	omsi_zpool_free(x->zpool);	/* after its bodies */
	x->zpool = NULL;
}

/* A case whose file has no PERS_LIST cannot be written. */
static int
ffoms_admit(struct exp *x, const struct sel *s)
{
	const struct oms_srcdoc *d = oms_src_doc(x->src, (size_t)s->c->doc);

	if (d->pair != -1)
		return (0);
	omsi_exp_problem(x, d->name, s->c->line, 0, "account %s: no "
	    "PERS_LIST file pairs with %s", s->c->account, d->filename);
	return (1);
}

/* The cases into the bodies, then their persons. */
static int
ffoms_copy(struct exp *x, struct oms_err *err)
{
	struct omsi_ahead *a;
	int r;

	if (open_bodies(x, err) == -1)
		return (-1);
	a = omsi_ffoms_persons_ahead(x);
	r = copy_cases(x, err);
	omsi_ffoms_persons_ahead_end(a);
	if (r == -1)
		return (-1);
	if (x->rules != NULL)	/* the cases' sets, before the persons */
		omsi_rules_end_scope(x->rules, OMSI_SCOPE_ZAP);
	if (omsi_ffoms_copy_persons(x, err) == -1)	/* and need them */
		return (-1);
	return (0);
}

const struct omsi_export_ops omsi_ffoms_export = {
	.admit = ffoms_admit,
	.plan = plan,
	.copy = ffoms_copy,
	.pack = pack,
	.release = ffoms_release,
	.done = omsi_ffoms_schemas_free,
};
