/*
 * fixture.h -- a small synthetic workspace for the unit tests of the
 * source scan, the export, the reply readers, requeue and invoices
 *
 * Header-only: the Makefile links every tests/unit/test_*.c alone, so
 * everything here is static (and marked unused, as each test uses a part).
 * Only the public API of oms.h is used.  Every name, number and date is
 * invented; ENP and SNILS carry valid check digits.
 *
 * The one place that uses the ledger callback API (oms_ledger_open_with
 * with oms_invoice_scan_event as its fn) is fx_invoice() at the end: when
 * that API changes, only it changes.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oms.h"

#define FX_UNUSED	__attribute__((__unused__))

#define FX_PERIOD	(2026 * 12 + 9)		/* 2026-10 */

/* the three accounts of the standard month (SL_ID) */
#define FX_A	"a0000001-0000-4000-8000-000000000001"
#define FX_B	"a0000002-0000-4000-8000-000000000002"
#define FX_C	"a0000003-0000-4000-8000-000000000003"
#define FX_REG	"HM760001T76_26101"

/* ------------------------------------------------------------ paths */

/* The top of the source tree (xsd/, ref/): the cwd of make check. */
static FX_UNUSED const char *
fx_top(void)
{
	static char top[PATH_MAX];
	static const char *const tries[] = { ".", "../..", NULL };
	char probe[PATH_MAX + 32];
	size_t i;

	if (top[0] != '\0')
		return (top);
	for (i = 0; tries[i] != NULL; i++) {
		if (realpath(tries[i], top) == NULL)
			continue;
		snprintf(probe, sizeof(probe), "%s/xsd/H-5.1.xsd", top);
		if (access(probe, R_OK) == 0)
			return (top);
	}
	fprintf(stderr, "fixture.h: run from the top of the tree\n");
	abort();
}

static FX_UNUSED const char *
fx_xsddir(void)
{
	static char p[PATH_MAX + 8];

	snprintf(p, sizeof(p), "%s/xsd", fx_top());
	return (p);
}

static FX_UNUSED const char *
fx_refdir(void)
{
	static char p[PATH_MAX + 8];

	snprintf(p, sizeof(p), "%s/ref", fx_top());
	return (p);
}

/* rm -rf path (no symbolic links are followed) */
static FX_UNUSED void
fx_rmrf(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *dp;
	char sub[PATH_MAX];

	if (lstat(path, &st) == -1)
		return;
	if (S_ISDIR(st.st_mode) && (dp = opendir(path)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			fx_rmrf(sub);
		}
		closedir(dp);
		rmdir(path);
	} else
		unlink(path);
}

/*
 * The bytes of the file at path, malloc'd with a NUL after them, their
 * number in *len; NULL when it cannot be read whole.
 */
static FX_UNUSED char *
fx_read_file(const char *path, size_t *len)
{
	FILE *fp;
	char *b = NULL;
	long n;

	*len = 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n + 1)) != NULL &&
	    fread(b, 1, (size_t)n, fp) == (size_t)n) {
		b[n] = '\0';
		*len = (size_t)n;
	} else {
		free(b);
		b = NULL;
	}
	fclose(fp);
	return (b);
}

/* Write text to dir/rel (its directory made first); 0 or -1. */
static FX_UNUSED int
fx_write(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;
	FILE *fp;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		if (oms_mkdirs(path, NULL) == -1)
			return (-1);
		*slash = '/';
	}
	if ((fp = fopen(path, "w")) == NULL)
		return (-1);
	ok = fputs(text, fp) != EOF;
	return (fclose(fp) == 0 && ok ? 0 : -1);
}

static FX_UNUSED int
fx_exists(const char *dir, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return (access(path, F_OK) == 0);
}

/* ------------------------------------------------------ diagnostics */

/* What oms_diag reported, one "E|W where: msg" line each. */
struct fx_diag {
	struct oms_diag	 d;
	struct oms_buf	 text;
};

static void
fx_on_diag(void *arg, int warning, const struct oms_err *e)
{
	struct fx_diag *fd = arg;

	(void)oms_buf_printf(&fd->text, NULL, "%c %s: %s\n",
	    warning ? 'W' : 'E', e->where, e->msg);
}

static FX_UNUSED void
fx_diag_init(struct fx_diag *fd)
{
	memset(fd, 0, sizeof(*fd));
	fd->d.fn = fx_on_diag;
	fd->d.arg = fd;
	oms_buf_init(&fd->text, 0);
}

static FX_UNUSED void
fx_diag_reset(struct fx_diag *fd)
{
	fd->d.nerrors = fd->d.nwarnings = 0;
	oms_buf_reset(&fd->text);
	if (fd->text.s != NULL)
		fd->text.s[0] = '\0';
}

static FX_UNUSED const char *
fx_diag_text(const struct fx_diag *fd)
{
	return (fd->text.s != NULL ? fd->text.s : "");
}

/* A source case as a line of text into b, its document by name. */
static FX_UNUSED void
fx_case_text(struct oms_buf *b, const struct oms_src *src,
    const struct oms_case *c)
{
	(void)oms_buf_printf(b, NULL, "case %s %s %s %s %s %s %lld %ld %ld "
	    "%s %lu %lu %d\n", c->account, c->id_pac, c->payer, c->dept,
	    c->doctor, c->kind, (long long)c->sum, (long)c->date_begin,
	    (long)c->date_end, oms_src_doc(src, (size_t)c->doc)->name,
	    (unsigned long)c->line, (unsigned long)c->seq, (int)c->dup);
}

/* ------------------------------------------------------- workspace */

struct fx {
	char		 dir[64];
	struct oms_ws	 ws;
	struct oms_ledger *l;		/* NULL until fx_ledger() */
	struct oms_src	*src;		/* NULL until fx_scan() */
	struct fx_diag	 diag;
	struct oms_err	 e;
};

#define FX_CONF_FFOMS	"# a test МО (synthetic)\n" \
	"profile = ffoms\nmo = 760001\nogrn = 1027600000001\n" \
	"kpp = 760401001\ntfoms = 76\npayers = 76001 76002\n"
#define FX_CONF_YAR76	"# a test МО of the Yaroslavl profile (synthetic)\n" \
	"profile = yar76\nmo = 760001\nogrn = 1027600000001\n" \
	"kpp = 760401001\ntfoms = 76\npayers = 76001 76002\n"

/*
 * A fresh workspace: oms.conf is conf plus extra (may be NULL); open,
 * locked, reference tables from the tree's ref/.  0 or -1 (x->e says).
 */
static FX_UNUSED int
fx_open(struct fx *x, const char *conf, const char *extra)
{
	char text[4096];

	memset(x, 0, sizeof(*x));
	x->ws.lockfd = -1;
	fx_diag_init(&x->diag);
	snprintf(x->dir, sizeof(x->dir), "/tmp/oms-unit-XXXXXX");
	if (mkdtemp(x->dir) == NULL)
		return (oms_err_sys(&x->e, errno, "mkdtemp", "%s", ""));
	snprintf(text, sizeof(text), "%s%s", conf, extra != NULL ? extra : "");
	if (fx_write(x->dir, "oms.conf", text) == -1)
		return (oms_err_sys(&x->e, errno, "oms.conf", "write"));
	if (oms_ws_open(&x->ws, x->dir, &x->e) == -1)
		return (-1);
	x->ws.refdir = fx_refdir();
	return (oms_ws_lock(&x->ws, &x->e));
}

static FX_UNUSED void
fx_close(struct fx *x)
{
	oms_src_free(x->src);
	oms_ledger_free(x->l);
	oms_ws_close(&x->ws);
	oms_buf_release(&x->diag.text);
	if (x->dir[0] != '\0')
		fx_rmrf(x->dir);
	memset(x, 0, sizeof(*x));
}

/* A cmocka setup: a fresh workspace (fx_open) in *state; 0 or -1. */
static FX_UNUSED int
fx_setup(void **state, const char *conf, const char *extra)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (x == NULL || fx_open(x, conf, extra) == -1) {
		free(x);
		return (-1);
	}
	*state = x;
	return (0);
}

/* The cmocka teardown of fx_setup. */
static FX_UNUSED int
fx_teardown(void **state)
{
	fx_close(*state);
	free(*state);
	return (0);
}

/* (Re)open the ledger as the next program would; NULL on error. */
static FX_UNUSED struct oms_ledger *
fx_ledger(struct fx *x)
{
	char *p;

	oms_ledger_free(x->l);
	if ((p = oms_ws_path(&x->ws, "ledger.tsv")) == NULL)
		return (x->l = NULL);
	x->l = oms_ledger_open(p, &x->e);
	free(p);
	return (x->l);
}

/* (Re)scan source/; NULL on error. */
static FX_UNUSED struct oms_src *
fx_scan(struct fx *x)
{
	oms_src_free(x->src);
	fx_diag_reset(&x->diag);
	return (x->src = oms_src_scan(&x->ws, &x->diag.d, &x->e));
}

/* --------------------------------------------------- source documents */

/* An outpatient case of one day (USL_OK 3), one SL with one service. */
struct fx_case {
	const char	*sl_id;
	const char	*id_pac;
	const char	*enp;
	const char	*smo;
	const char	*date;		/* DATE_Z_1 = DATE_Z_2 */
	const char	*podr;
	const char	*doctor;	/* IDDOKT, a SNILS */
	const char	*sum;		/* SUM_M, TARIF */
	const char	*sumv;		/* Z_SL/SUMV; NULL = sum */
};

struct fx_pers {
	const char	*id_pac;
	const char	*fam, *im, *ot;
	const char	*w;
	const char	*dr;
	const char	*snils;
};

static const struct fx_case fx_cases[] = {
	{ FX_A, "P0001", "7600000000000017", "76001", "2026-10-05", "1070",
	    "112-233-445 95", "1000.00", NULL },
	{ FX_B, "P0002", "7600000000000025", "76002", "2026-10-12", "1000",
	    "223-344-556 39", "500.50", NULL },
	/* insured in another region: the fund pays (76000) */
	{ FX_C, "P0003", "7700000000000032", "77011", "2026-10-20", "1070",
	    "112-233-445 95", "250.25", NULL },
};

static const struct fx_pers fx_persons[] = {
	{ "P0001", "ТЕСТОВ", "ИВАН", "ПЕТРОВИЧ", "1", "1970-01-15",
	    "334-455-667 84" },
	{ "P0002", "ПРИМЕРОВА", "АННА", "СЕРГЕЕВНА", "2", "1985-06-30",
	    "445-566-778 28" },
	{ "P0003", "ОБРАЗЦОВ", "ПЁТР", "ИЛЬИЧ", "1", "1959-11-02",
	    "556-677-889 73" },
};

#define FX_NCASES	(sizeof(fx_cases) / sizeof(fx_cases[0]))

/* The ZAP of case c as the N-th record, appended to b. */
static FX_UNUSED void
fx_zap(struct oms_buf *b, unsigned n, const struct fx_case *c)
{
	(void)oms_buf_printf(b, NULL,
	    "  <ZAP>\n"
	    "    <N_ZAP>%u</N_ZAP>\n"
	    "    <PR_NOV>0</PR_NOV>\n"
	    "    <PACIENT>\n"
	    "      <ID_PAC>%s</ID_PAC>\n"
	    "      <VPOLIS>3</VPOLIS>\n"
	    "      <ENP>%s</ENP>\n"
	    "      <SMO>%s</SMO>\n"
	    "      <NOVOR>0</NOVOR>\n"
	    "      <SOC>000</SOC>\n"
	    "    </PACIENT>\n"
	    "    <Z_SL>\n"
	    "      <IDCASE>%u</IDCASE>\n"
	    "      <USL_OK>3</USL_OK>\n"
	    "      <VIDPOM>12</VIDPOM>\n"
	    "      <FOR_POM>3</FOR_POM>\n"
	    "      <LPU>760001</LPU>\n"
	    "      <DATE_Z_1>%s</DATE_Z_1>\n"
	    "      <DATE_Z_2>%s</DATE_Z_2>\n"
	    "      <RSLT>304</RSLT>\n"
	    "      <ISHOD>304</ISHOD>\n"
	    "      <SL>\n"
	    "        <SL_ID>%s</SL_ID>\n"
	    "        <PODR>%s</PODR>\n"
	    "        <PROFIL>97</PROFIL>\n"
	    "        <DET>0</DET>\n"
	    "        <P_CEL>1.0</P_CEL>\n"
	    "        <NHISTORY>%u</NHISTORY>\n"
	    "        <DATE_1>%s</DATE_1>\n"
	    "        <DATE_2>%s</DATE_2>\n"
	    "        <DS1>K29.5</DS1>\n"
	    "        <DS2>K21.9</DS2>\n"
	    "        <C_ZAB>2</C_ZAB>\n"
	    "        <PRVS>76</PRVS>\n"
	    "        <VERS_SPEC>V021</VERS_SPEC>\n"
	    "        <IDDOKT>%s</IDDOKT>\n"
	    "        <ED_COL>1.00</ED_COL>\n"
	    "        <TARIF>%s</TARIF>\n"
	    "        <SUM_M>%s</SUM_M>\n"
	    "        <USL>\n"
	    "          <IDSERV>1</IDSERV>\n"
	    "          <LPU>760001</LPU>\n"
	    "          <PROFIL>97</PROFIL>\n"
	    "          <DET>0</DET>\n"
	    "          <DATE_IN>%s</DATE_IN>\n"
	    "          <DATE_OUT>%s</DATE_OUT>\n"
	    "          <DS>K29.5</DS>\n"
	    "          <CODE_USL>B01.047.001</CODE_USL>\n"
	    "          <KOL_USL>1.00</KOL_USL>\n"
	    "          <TARIF>%s</TARIF>\n"
	    "          <SUMV_USL>%s</SUMV_USL>\n"
	    "          <MR_USL_N>\n"
	    "            <MR_N>1</MR_N>\n"
	    "            <PRVS>76</PRVS>\n"
	    "            <CODE_MD>%s</CODE_MD>\n"
	    "          </MR_USL_N>\n"
	    "        </USL>\n"
	    "      </SL>\n"
	    "      <IDSP>29</IDSP>\n"
	    "      <SUMV>%s</SUMV>\n"
	    "    </Z_SL>\n"
	    "  </ZAP>\n",
	    n, c->id_pac, c->enp, c->smo, n, c->date, c->date, c->sl_id,
	    c->podr, n, c->date, c->date, c->doctor, c->sum, c->sum, c->date,
	    c->date, c->sum, c->sum, c->doctor,
	    c->sumv != NULL ? c->sumv : c->sum);
}

/* A ZL_LIST named filename, dated data (ZGLV/DATA), of cases c[0..n). */
static FX_UNUSED char *
fx_cases_doc(const char *filename, const char *data,
    const struct fx_case *c, size_t n)
{
	struct oms_buf b;
	size_t i;

	oms_buf_init(&b, 0);
	(void)oms_buf_printf(&b, NULL,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ZL_LIST>\n"
	    "  <ZGLV>\n"
	    "    <VERSION>5.1</VERSION>\n"
	    "    <DATA>%s</DATA>\n"
	    "    <FILENAME>%s</FILENAME>\n"
	    "    <SD_Z>%zu</SD_Z>\n"
	    "  </ZGLV>\n"
	    "  <SCHET>\n"
	    "    <CODE>1</CODE>\n"
	    "    <CODE_MO>760001</CODE_MO>\n"
	    "    <YEAR>2026</YEAR>\n"
	    "    <MONTH>10</MONTH>\n"
	    "    <NSCHET>1</NSCHET>\n"
	    "    <DSCHET>%s</DSCHET>\n"
	    "    <SUMMAV>0.00</SUMMAV>\n"
	    "  </SCHET>\n", data, filename, n, data);
	for (i = 0; i < n; i++)
		fx_zap(&b, (unsigned)i + 1, &c[i]);
	(void)oms_buf_adds(&b, "</ZL_LIST>\n", NULL);
	return (b.s);
}

/* A PERS_LIST pairing with filename1, of persons p[0..n). */
static FX_UNUSED char *
fx_persons_doc(const char *filename, const char *filename1, const char *data,
    const struct fx_pers *p, size_t n)
{
	struct oms_buf b;
	size_t i;

	oms_buf_init(&b, 0);
	(void)oms_buf_printf(&b, NULL,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<PERS_LIST>\n"
	    "  <ZGLV>\n"
	    "    <VERSION>3.2</VERSION>\n"
	    "    <DATA>%s</DATA>\n"
	    "    <FILENAME>%s</FILENAME>\n"
	    "    <FILENAME1>%s</FILENAME1>\n"
	    "  </ZGLV>\n", data, filename, filename1);
	for (i = 0; i < n; i++)
		(void)oms_buf_printf(&b, NULL,
		    "  <PERS>\n"
		    "    <ID_PAC>%s</ID_PAC>\n"
		    "    <FAM>%s</FAM>\n"
		    "    <IM>%s</IM>\n"
		    "    <OT>%s</OT>\n"
		    "    <W>%s</W>\n"
		    "    <DR>%s</DR>\n"
		    "    <DOCTYPE>14</DOCTYPE>\n"
		    "    <DOCSER>00 00</DOCSER>\n"
		    "    <DOCNUM>%06zu</DOCNUM>\n"
		    "    <SNILS>%s</SNILS>\n"
		    "  </PERS>\n", p[i].id_pac, p[i].fam, p[i].im, p[i].ot,
		    p[i].w, p[i].dr, i + 1, p[i].snils);
	(void)oms_buf_adds(&b, "</PERS_LIST>\n", NULL);
	return (b.s);
}

/*
 * The standard month in source/: h.xml (HM760001T76_26101, the cases
 * c[0..n), by default fx_cases) and l.xml (its persons).
 */
static FX_UNUSED int
fx_month(struct fx *x, const struct fx_case *c, size_t n)
{
	char *h, *p;
	int r;

	if (c == NULL) {
		c = fx_cases;
		n = FX_NCASES;
	}
	h = fx_cases_doc(FX_REG, "2026-11-02", c, n);
	p = fx_persons_doc("LM760001T76_26101", FX_REG, "2026-11-02",
	    fx_persons, sizeof(fx_persons) / sizeof(fx_persons[0]));
	r = h == NULL || p == NULL ||
	    fx_write(x->dir, "source/h.xml", h) == -1 ||
	    fx_write(x->dir, "source/l.xml", p) == -1 ? -1 : 0;
	free(h);
	free(p);
	return (r);
}

/* ---------------------------------------------------------- export */

static FX_UNUSED void
fx_export_opts(struct oms_export_opts *o, int test, int check_only)
{
	memset(o, 0, sizeof(*o));
	o->period = FX_PERIOD;
	o->test = test;
	o->check_only = check_only;
	o->date = oms_date_from_ymd(2026, 11, 3);
	o->xsddir = fx_xsddir();
	o->refdir = fx_refdir();
}

/*
 * Scan source/ and export accounts acc[0..n) (all of fx_cases when acc
 * is NULL) with the ledger as it is; the oms_export return.
 */
static FX_UNUSED int
fx_export(struct fx *x, const char *const *acc, size_t n,
    const struct oms_export_opts *o, struct oms_export_res *res)
{
	static const char *const all[] = { FX_A, FX_B, FX_C };

	if (acc == NULL) {
		acc = all;
		n = 3;
	}
	if (x->l == NULL && fx_ledger(x) == NULL)
		return (-1);
	if (fx_scan(x) == NULL)
		return (-1);
	return (oms_export(&x->ws, x->l, x->src, acc, n, o, &x->diag.d, res,
	    &x->e));
}

/* The standard month exported as one main (or test) registry; 0 or -1. */
static FX_UNUSED int
fx_month_exported(struct fx *x, int test)
{
	struct oms_export_opts o;
	struct oms_export_res res;
	int r;

	if (fx_month(x, NULL, 0) == -1)
		return (-1);
	fx_export_opts(&o, test, 0);
	r = fx_export(x, NULL, 0, &o, &res);
	if (r == 0 && (res.nreg != 1 || strcmp(res.reg[0].name, FX_REG) != 0))
		r = -1;
	oms_export_res_release(&res);
	return (r);
}

/* ---------------------------------------------------------- replies */

/*
 * Write text to DIR/inbox/name, the ledger open: its path (free it), or
 * NULL (x->e says).
 */
static FX_UNUSED char *
fx_inbox(struct fx *x, const char *name, const char *text)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "inbox/%s", name);
	if (fx_write(x->dir, rel, text) == -1) {
		oms_err_sys(&x->e, errno, rel, "write");
		return (NULL);
	}
	if (x->l == NULL && fx_ledger(x) == NULL)
		return (NULL);
	return (oms_ws_path(&x->ws, rel));
}

/* Write text to DIR/inbox/name and import it; the oms_import return. */
static FX_UNUSED int
fx_import(struct fx *x, const char *name, const char *text,
    struct oms_import_res *res)
{
	char *path;
	int r;

	if ((path = fx_inbox(x, name, text)) == NULL)
		return (-1);
	r = oms_import(&x->ws, x->l, path, res, &x->e);
	free(path);
	return (r);
}

/* A record of a control answer or a demand answer. */
struct fx_ans {
	unsigned	 n_zap;
	const char	*sl_id;
	const char	*sumv;
	const char	*oplata;	/* NULL: no OPLATA */
	const char	*sump;		/* NULL: none */
	const char	*s_osn;		/* NULL: no SANK */
	const char	*s_sum;
	const char	*sank_it;	/* NULL: none */
};

/* A ZL_LIST answer of records a[0..n), ZGLV/DATA data. */
static FX_UNUSED char *
fx_answer_doc(const char *filename, const char *data, const char *code_mo,
    const struct fx_ans *a, size_t n)
{
	struct oms_buf b;
	size_t i;

	oms_buf_init(&b, 0);
	(void)oms_buf_printf(&b, NULL,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ZL_LIST>\n"
	    " <ZGLV>\n"
	    "  <VERSION>5.1</VERSION>\n"
	    "  <DATA>%s</DATA>\n"
	    "  <FILENAME>%s</FILENAME>\n"
	    "  <SD_Z>%zu</SD_Z>\n"
	    " </ZGLV>\n"
	    " <SCHET>\n"
	    "  <CODE>1</CODE>\n"
	    "  <CODE_MO>%s</CODE_MO>\n"
	    "  <YEAR>2026</YEAR>\n"
	    "  <MONTH>10</MONTH>\n"
	    "  <NSCHET>1</NSCHET>\n"
	    "  <DSCHET>%s</DSCHET>\n"
	    " </SCHET>\n", data, filename, n, code_mo, data);
	for (i = 0; i < n; i++) {
		(void)oms_buf_printf(&b, NULL,
		    " <ZAP>\n"
		    "  <N_ZAP>%u</N_ZAP>\n"
		    "  <PR_NOV>0</PR_NOV>\n"
		    "  <Z_SL>\n"
		    "   <IDCASE>%u</IDCASE>\n"
		    "   <SL>\n"
		    "    <SL_ID>%s</SL_ID>\n"
		    "   </SL>\n"
		    "   <SUMV>%s</SUMV>\n", a[i].n_zap, a[i].n_zap, a[i].sl_id,
		    a[i].sumv);
		if (a[i].oplata != NULL)
			(void)oms_buf_printf(&b, NULL,
			    "   <OPLATA>%s</OPLATA>\n", a[i].oplata);
		if (a[i].sump != NULL)
			(void)oms_buf_printf(&b, NULL, "   <SUMP>%s</SUMP>\n",
			    a[i].sump);
		if (a[i].s_osn != NULL)
			(void)oms_buf_printf(&b, NULL,
			    "   <SANK>\n"
			    "    <S_CODE>s%u</S_CODE>\n"
			    "    <S_SUM>%s</S_SUM>\n"
			    "    <S_TIP>1</S_TIP>\n"
			    "    <S_OSN>%s</S_OSN>\n"
			    "    <DATE_ACT>%s</DATE_ACT>\n"
			    "    <S_IST>1</S_IST>\n"
			    "   </SANK>\n", a[i].n_zap, a[i].s_sum,
			    a[i].s_osn, data);
		if (a[i].sank_it != NULL)
			(void)oms_buf_printf(&b, NULL,
			    "   <SANK_IT>%s</SANK_IT>\n", a[i].sank_it);
		(void)oms_buf_adds(&b, "  </Z_SL>\n </ZAP>\n", NULL);
	}
	(void)oms_buf_adds(&b, "</ZL_LIST>\n", NULL);
	return (b.s);
}

/*
 * The fund's control answer to the standard month: A accepted, B partly
 * (200.50 of 500.50 refused for 204), C rejected for 208.
 */
static const struct fx_ans fx_control[] = {
	{ 1, FX_A, "1000.00", "1", "1000.00", NULL, NULL, NULL },
	{ 2, FX_B, "500.50", "3", "300.00", "204", "200.50", "200.50" },
	{ 3, FX_C, "250.25", "2", "0.00", "208", "250.25", "250.25" },
};

/* Import the control answer above as HT76M760001_26101.xml; 0 or -1. */
static FX_UNUSED int
fx_month_answered(struct fx *x)
{
	struct oms_import_res res;
	char *doc;
	int r;

	doc = fx_answer_doc("HT76M760001_26101", "2026-11-10", "760001",
	    fx_control, 3);
	r = doc == NULL ? -1 : fx_import(x, "HT76M760001_26101.xml", doc,
	    &res);
	free(doc);
	if (r == 0 && res.n != 3)
		r = -1;
	oms_import_res_release(&res);
	return (r);
}

/* ---------------------------------------------------------- invoice */

/*
 * The sums of period per payer: (re)opens the ledger with the invoice
 * scan as its event callback.  The only user of oms_ledger_open_with and
 * oms_invoice_scan_event in the tests: adapt it here when that API
 * changes.  0, or -1 with x->e filled (x->l is then NULL).
 */
static FX_UNUSED int
fx_invoice(struct fx *x, int period, struct oms_invoice *inv)
{
	struct oms_invoice_scan *scan;
	char *p;

	memset(inv, 0, sizeof(*inv));
	oms_ledger_free(x->l);
	x->l = NULL;
	if ((scan = oms_invoice_scan_new(period, &x->e)) == NULL)
		return (-1);
	if ((p = oms_ws_path(&x->ws, "ledger.tsv")) == NULL) {
		oms_invoice_scan_free(scan);
		return (-1);
	}
	x->l = oms_ledger_open_with(p, oms_invoice_scan_event, scan, &x->e);
	free(p);
	if (x->l == NULL) {
		oms_invoice_scan_free(scan);
		return (-1);
	}
	return (oms_invoice_scan_end(scan, inv, &x->e));
}

#endif /* FIXTURE_H */
