/*
 * test_rules.c -- the rule engine's extensions for the Q015 checks: a
 * ref look-up by a second column and a given day, conditions on a
 * reference table and on years, the check fail, a missing table that
 * puts its rules out of force, person rules (a case with its PERS), PERS
 * rules by kind, the reporting year as a value, a where that compares
 * decimals, and dates compared as a table that never saw one compares them
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "oms.h"
#include "oms_int.h"
#include "rules_int.h"

static char dir[64];

/* the reporting period run() checks in, as oms_period_parse() gives it */
#define YM(y, m)	((y) * 12 + (m) - 1)
static int period = YM(2026, 10);

/* What the rules reported, "ID@account " each. */
static char got[2048];

static void
on_rule(void *arg, const char *id, int warning, unsigned long line,
    const char *msg)
{
	(void)arg;
	(void)warning;
	(void)line;
	(void)msg;
	snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ", id);
}

static void
on_case(void *arg, const char *where, const char *account, const char *id,
    int warning, unsigned long line, const char *msg)
{
	(void)arg;
	(void)where;
	(void)warning;
	(void)line;
	(void)msg;
	snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s@%s ", id,
	    account);
}

/* a followed by sep and b, malloc'd */
static char *
cat(const char *a, const char *sep, const char *b)
{
	size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s%s%s", a, sep, b);
	return (p);
}

static char *
find(void *arg, const char *name)
{
	(void)arg;
	return (cat(dir, "/", name));
}

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

static const char hdr[] =
    "id\tscope\tkinds\tversions\tseverity\tcontext\tcheck\ttarget\targ\t"
    "when\tmessage\n";

static struct oms_rules *
load(const char *rows)
{
	struct oms_rules *rs;
	struct oms_err e;
	char path[128], *text;

	memset(&e, 0, sizeof(e));
	text = cat(hdr, "", rows);
	put("rules.tsv", text);
	free(text);
	snprintf(path, sizeof(path), "%s/rules.tsv", dir);
	rs = oms_rules_load(path, find, NULL, &e);
	if (rs == NULL)
		fail_msg("%s: %s", e.where, e.msg);
	return (rs);
}

static int run_reg;	/* the registry of run's records */

/* rc of a record of kind in the test's period, with link and account */
static void
ctx_init(struct omsi_rulectx *rc, const char *kind, const char *link,
    const char *account, void (*report)(void *, const char *, int,
    unsigned long, const char *), void (*report_case)(void *,
    const char *, const char *, const char *, int, unsigned long,
    const char *))
{
	memset(rc, 0, sizeof(*rc));
	rc->kind = kind;
	rc->version = "5.1";
	rc->period_first = oms_period_first(period);
	rc->period_last = oms_period_last(period);
	rc->report = report;
	rc->report_case = report_case;
	rc->link = link;
	rc->account = account;
}

/* Check the record xml in scope, with link and account; got the ids. */
static const char *
run(struct oms_rules *rs, int scope, const char *kind, const char *xml,
    const char *link, const char *account)
{
	struct omsi_rulectx rc;
	struct oms_err e;
	xmlDocPtr d;

	memset(&e, 0, sizeof(e));
	ctx_init(&rc, kind, link, account, on_rule, on_case);
	rc.reg = run_reg;
	got[0] = '\0';
	assert_non_null(d = xmlReadMemory(xml, (int)strlen(xml), "t.xml",
	    NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS));
	assert_true(omsi_rules_check(rs, scope, xmlDocGetRootElement(d), &rc,
	    &e) >= 0);
	xmlFreeDoc(d);
	return (got);
}

static char *
zap(const char *uslok, const char *rslt, const char *d1)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "<ZAP><PACIENT><ID_PAC>P1</ID_PAC>"
	    "<NOVOR>0</NOVOR></PACIENT><Z_SL><USL_OK>%s</USL_OK>"
	    "<DATE_Z_1>%s</DATE_Z_1><DATE_Z_2>2026-10-17</DATE_Z_2>"
	    "<RSLT>%s</RSLT><SL><DS1>C50.4</DS1><DS1_T>0</DS1_T></SL>"
	    "</Z_SL></ZAP>", uslok, d1, rslt);
	return (buf);
}

static void
test_ref_where_on(void **state)
{
	struct oms_rules *rs;

	(void)state;
	put("V009.tsv", "code\tname\tfrom\tto\tdl_uslov\n"
	    "101\tA\t2020-01-01\t\t1\n"
	    "102\tB\t2020-01-01\t2025-12-31\t1\n"
	    "201\tC\t2020-01-01\t\t2\n"
	    "301\tD (any)\t2020-01-01\t\t\n"
	    "105\tE old\t2010-01-01\t2015-12-31\t1\n"
	    "105\tE new\t2024-01-01\t\t1\n");
	rs = load("R1\tZAP\t*\t*\terror\tZ_SL\tref\tRSLT\t"
	    "V009.tsv on DATE_Z_1 where dl_uslov=USL_OK\t\tbad\n");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "101",
	    "2026-10-03"), NULL, NULL), "");
	/* a result of the day hospital for a 24-hour case */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "201",
	    "2026-10-03"), NULL, NULL), "R1 ");
	/* closed before the day the case began (on DATE_Z_1) ... */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "102",
	    "2026-10-03"), NULL, NULL), "R1 ");
	/* ... and valid on it */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "102",
	    "2025-12-31"), NULL, NULL), "");
	/* a code of two periods; an empty column matches any */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "105",
	    "2026-10-03"), NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "105",
	    "2020-06-01"), NULL, NULL), "R1 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("2", "301",
	    "2026-10-03"), NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "999",
	    "2026-10-03"), NULL, NULL), "R1 ");
	assert_int_equal(oms_rules_nmissing(rs), 0);
	oms_rules_free(rs);
}

static void
test_cond_table_years_fail(void **state)
{
	struct oms_rules *rs;

	(void)state;
	put("M002.tsv", "code\tname\ticd10\n1\tx\tC50.4\n");
	rs = load("T1\tZAP\t*\t*\terror\tZ_SL/SL\tfail\t.\t\t"
	    "DS1@M002.tsv:icd10\tin\n"
	    "T2\tZAP\t*\t*\terror\tZ_SL/SL\tfail\t.\t\t"
	    "DS1!@M002.tsv:icd10\tnot in\n"
	    "T3\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t"
	    "years(DATE_Z_1,DATE_Z_2)>=1\ta year\n"
	    "T4\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t"
	    "years(DATE_Z_1,DATE_Z_2)<1 && RSLT~1.*\tless\n");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "101",
	    "2026-10-03"), NULL, NULL), "T1 T4 ");
	/* a full year only on the day */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "201",
	    "2025-10-18"), NULL, NULL), "T1 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "201",
	    "2025-10-17"), NULL, NULL), "T1 T3 ");
	oms_rules_free(rs);
}

static void
test_missing_table(void **state)
{
	struct oms_rules *rs;

	(void)state;
	rs = load("M1\tZAP\t*\t*\terror\tZ_SL\tref\tRSLT\tV999.tsv\t\tx\n"
	    "M2\tZAP\t*\t*\terror\tZ_SL/SL\tfail\t.\t\tDS1@N404.tsv\tx\n"
	    "M3\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t\tin force\n");
	assert_int_equal(oms_rules_nmissing(rs), 2);
	assert_string_equal(oms_rules_missing(rs, 0), "V999.tsv");
	assert_string_equal(oms_rules_missing(rs, 1), "N404.tsv");
	assert_null(oms_rules_missing(rs, 2));
	assert_int_equal(oms_rules_dead(rs), 2);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "101",
	    "2026-10-03"), NULL, NULL), "M3 ");
	oms_rules_free(rs);
}

/*
 * Person rules: the cases kept (in memory, or in spool), checked with
 * their person's PERS.
 */
static void
person_rules(FILE *spool)
{
	static const char pers[] = "<PERS><ID_PAC>P1</ID_PAC>"
	    "<FAM>X</FAM><DR>2000-01-01</DR></PERS>";
	static const char kid[] = "<PERS><ID_PAC>P1</ID_PAC>"
	    "<DR>2020-01-01</DR></PERS>";
	struct oms_rules *rs;

	rs = load("P1\tZAP\t*\t*\terror\t.\trequired\tPERS/IM\t\t"
	    "PACIENT/NOVOR~0\tno first name\n"
	    "P2\tZAP\tC\t*\terror\tZ_SL/SL\tfail\t.\t\t"
	    "years(../../PERS/DR,../DATE_Z_1)>=18\tadult\n"
	    "P3\tPERS\tH\t*\terror\t.\trequired\tOT\t\t\tno OT in H\n");
	if (spool != NULL)
		omsi_rules_spool(rs, spool, "spool");
	/* the cases are kept, not checked, under their links */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", zap("1", "101",
	    "2010-10-03"), "0\037P1", "acc-0"), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", zap("1", "101",
	    "2026-10-03"), "0\037P1", "acc-1"), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "101",
	    "2026-10-03"), "0\037P1", "acc-2"), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", zap("1", "101",
	    "2026-10-03"), "1\037P1", "acc-3"), "");
	/* the person of registry 0: its cases, by kind (a child in
	   2010); P3 by kind */
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "H", pers, "0\037P1",
	    NULL), "P3 P1@acc-2 P1@acc-1 P2@acc-1 P1@acc-0 ");
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "C", kid, "1\037P1",
	    NULL), "P1@acc-3 ");
	/* a new build forgets them */
	omsi_rules_reset(rs);
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "C", pers, "0\037P1",
	    NULL), "");
	/* and keeps the cases of the next (a spool grows past its map) */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "101",
	    "2026-10-03"), "0\037P1", "acc-4"), "");
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "H", pers, "0\037P1",
	    NULL), "P3 P1@acc-4 ");
	oms_rules_free(rs);
}

/* the same with the cases kept in a spool file */
static void
test_person_rules(void **state)
{
	FILE *fp;

	(void)state;
	person_rules(NULL);
	assert_non_null(fp = tmpfile());
	assert_true(fputs("what was there before\n", fp) >= 0);
	person_rules(fp);
	fclose(fp);
}

/*
 * The person rules of 3,000 persons of one case each, checked in the
 * order of their cases (a spool read back a window at a time, past the
 * end of a window too) and in the reverse order (each case read alone):
 * the same reports as with the cases in memory.
 */
static void
persons_in_order(FILE *spool, int reverse, struct oms_buf *out)
{
	static const char with[] = "<PERS><ID_PAC>Q</ID_PAC><IM>A</IM></PERS>";
	static const char without[] = "<PERS><ID_PAC>Q</ID_PAC></PERS>";
	struct oms_rules *rs;
	char link[32], acc[64], d1[16], *slot[3000];
	int i, k;

	rs = load("P1\tZAP\t*\t*\terror\t.\trequired\tPERS/IM\t\t"
	    "PACIENT/NOVOR~0\tno first name\n");
	if (spool != NULL)
		omsi_rules_spool(rs, spool, "spool");
	for (i = 0; i < 3000; i++) {
		snprintf(link, sizeof(link), "0\037Q%d", i);
		/* accounts of several lengths: cases of several lengths */
		snprintf(acc, sizeof(acc), "acc-%0*d", 1 + i % 17, i);
		snprintf(d1, sizeof(d1), "2026-10-%02d", 1 + i % 28);
		assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1",
		    "101", d1), link, acc), "");
	}
	for (k = 0; k < 3000; k++) {
		i = reverse ? 2999 - k : k;
		snprintf(link, sizeof(link), "0\037Q%d", i);
		assert_non_null(slot[i] = strdup(run(rs, OMSI_SCOPE_PERS, "H",
		    i % 3 == 0 ? without : with, link, NULL)));
	}
	/* in the order of the cases, however they were checked */
	for (i = 0; i < 3000; i++) {
		assert_int_equal(oms_buf_adds(out, slot[i], NULL), 0);
		free(slot[i]);
	}
	oms_rules_free(rs);
}

static void
test_person_rules_order(void **state)
{
	struct oms_buf mem, fwd, rev;
	FILE *fp;

	(void)state;
	oms_buf_init(&mem, 0);
	oms_buf_init(&fwd, 0);
	oms_buf_init(&rev, 0);
	persons_in_order(NULL, 0, &mem);
	assert_non_null(fp = tmpfile());
	persons_in_order(fp, 0, &fwd);
	fclose(fp);
	assert_non_null(fp = tmpfile());
	persons_in_order(fp, 1, &rev);
	fclose(fp);
	assert_true(strncmp(mem.s, "P1@acc-0 P1@acc-0003 P1@acc-0000006 ",
	    36) == 0);
	assert_null(strstr(mem.s, "P1@acc-01 "));
	assert_string_equal(fwd.s, mem.s);
	assert_string_equal(rev.s, mem.s);
	oms_buf_release(&mem);
	oms_buf_release(&fwd);
	oms_buf_release(&rev);
}

/*
 * The person rules checked on the queue's thread (omsi_kq, rules_kq.c):
 * the reports, in one sequence with the PERS's own (whose callback
 * drains the queue first, as the program's message function does).
 */
static struct oms_buf qseq;
static struct omsi_kq *qkq;

static void
q_rule(void *arg, const char *id, int warning, unsigned long line,
    const char *msg)
{
	(void)arg, (void)warning, (void)msg;
	omsi_kq_drain(qkq);
	assert_int_equal(oms_buf_adds(&qseq, id, NULL), 0);
	assert_int_equal(oms_buf_adds(&qseq, line > 0 ? "+ " : "- ", NULL),
	    0);
}

static void
q_case(void *arg, const char *where, const char *account, const char *id,
    int warning, unsigned long line, const char *msg)
{
	char t[256];

	(void)arg, (void)warning, (void)msg;
	omsi_kq_drain(qkq);
	snprintf(t, sizeof(t), "%s@%s:%s:%lu ", id, account, where, line);
	assert_int_equal(oms_buf_adds(&qseq, t, NULL), 0);
}

/* Check xml in scope with rc's link, where and kq; -1 as the check. */
static int
q_run(struct oms_rules *rs, int scope, const char *xml, const char *link,
    const char *account, const char *where, struct oms_err *e)
{
	struct omsi_rulectx rc;
	xmlDocPtr d;
	int r;

	ctx_init(&rc, "H", link, account, q_rule, q_case);
	rc.where = where;
	rc.kept_later = qkq != NULL;
	assert_non_null(d = xmlReadMemory(xml, (int)strlen(xml), "t.xml",
	    NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS));
	r = omsi_rules_check(rs, scope, xmlDocGetRootElement(d), &rc, e);
	if (r >= 0 && scope == OMSI_SCOPE_PERS && qkq != NULL &&
	    omsi_kq_put(qkq, xmlDocGetRootElement(d), &rc, e) == -1)
		r = -1;
	xmlFreeDoc(d);
	return (r);
}

static const char qrules[] =
    "P1\tZAP\t*\t*\terror\t.\trequired\tPERS/IM\t\t"
    "PACIENT/NOVOR~0\tno first name\n"
    "P2\tZAP\t*\t*\terror\t.\tabsent\tPERS/OT\t\t"
    "PERS/DOST~1\tOT though DOST 1\n"
    "P3\tPERS\t*\t*\terror\t.\trequired\tOT\t\t\tno OT\n";

/*
 * n persons of one or two cases, kept in spool (or in memory), checked
 * on the queue when async, else on the way, into qseq; the persons: no
 * IM every third (P1 for each case), no OT every fifth (P3, its own), a
 * DOST 1 with an OT every eleventh (P2), an IM with a CR every seventh
 * (the text to the parser), an attribute every thirteenth (checked on
 * the way), an IM of a text and an element every seventeenth (too).
 */
static void
persons_queued(FILE *spool, int async, int n)
{
	struct oms_rules *rs, *ev = NULL;
	struct oms_err e;
	char link[32], acc[32], d1[16], pers[512], where[32];
	int i, c;

	memset(&e, 0, sizeof(e));
	rs = load(qrules);
	if (spool != NULL)
		omsi_rules_spool(rs, spool, "spool");
	for (i = 0; i < n; i++)
		for (c = 0; c < 1 + i % 2; c++) {
			snprintf(link, sizeof(link), "0\037Q%d", i);
			snprintf(acc, sizeof(acc), "a%d-%d", i, c);
			snprintf(d1, sizeof(d1), "2026-10-%02d", 1 + i % 28);
			assert_int_equal(q_run(rs, OMSI_SCOPE_ZAP, zap("1",
			    "101", d1), link, acc, "H.xml", &e), 0);
		}
	if (async) {
		ev = load(qrules);
		assert_non_null(qkq = omsi_kq_start(ev, rs, &e));
	}
	for (i = 0; i < n; i++) {
		snprintf(link, sizeof(link), "0\037Q%d", i);
		snprintf(where, sizeof(where), "L%d.xml", i / 1000);
		snprintf(pers, sizeof(pers), "<PERS%s><ID_PAC>Q%d</ID_PAC>"
		    "%s%s%s</PERS>", i % 13 == 0 ? " a=\"1\"" : "", i,
		    i % 3 == 0 ? "" : i % 7 == 0 ? "<IM>A&#13;B</IM>" :
		    i % 17 == 0 ? "<IM>A<X>1</X></IM>" : "<IM>A &amp; B</IM>",
		    i % 5 == 0 ? "" : "<OT>O</OT>",
		    i % 11 == 0 ? "<DOST>1</DOST>" : "");
		assert_true(q_run(rs, OMSI_SCOPE_PERS, pers, link, NULL,
		    where, &e) >= 0);
	}
	if (async) {
		assert_int_equal(omsi_kq_end(qkq, &e), 0);
		qkq = NULL;
		oms_rules_free(ev);
	}
	oms_rules_free(rs);
}

/*
 * 600 persons of one case each, the spool cut to its first half before
 * their checks, on the queue when async, else on the way: the reports
 * into qseq, the failure into *e.
 */
static void
cut_spool(int async, struct oms_err *e)
{
	struct oms_rules *rs, *ev = NULL;
	FILE *fp;
	char link[32], acc[32];
	off_t size;
	int k, r = 0;

	memset(e, 0, sizeof(*e));
	rs = load(qrules);
	assert_non_null(fp = tmpfile());
	omsi_rules_spool(rs, fp, "spool");
	for (k = 0; k < 600; k++) {
		snprintf(link, sizeof(link), "0\037Q%d", k);
		snprintf(acc, sizeof(acc), "a%d", k);
		assert_int_equal(q_run(rs, OMSI_SCOPE_ZAP, zap("1", "101",
		    "2026-10-01"), link, acc, "H.xml", e), 0);
	}
	assert_int_equal(omsi_rules_kept_flush(rs, e), 0);
	assert_true((size = ftello(fp)) > 0);
	assert_int_equal(ftruncate(fileno(fp), size / 2), 0);
	if (async) {
		ev = load(qrules);
		assert_non_null(qkq = omsi_kq_start(ev, rs, e));
	}
	for (k = 0; k < 600 && r != -1; k++) {
		snprintf(link, sizeof(link), "0\037Q%d", k);
		r = q_run(rs, OMSI_SCOPE_PERS, "<PERS><ID_PAC>Q</ID_PAC>"
		    "<OT>O</OT></PERS>", link, NULL, "L.xml", e);
	}
	if (async) {
		assert_int_equal(omsi_kq_end(qkq, r == -1 ? NULL : e), -1);
		qkq = NULL;
		oms_rules_free(ev);
	} else
		assert_int_equal(r, -1);
	oms_rules_free(rs);
	fclose(fp);
}

/*
 * The same reports in the same order on the queue as on the way, for
 * more persons than the queue holds (its reader waits) and for a few
 * (none waits); a failure of the thread (the spool cut short under it)
 * is the queue's, given by omsi_kq_end, after the reports before it.
 */
static void
test_person_rules_queue(void **state)
{
	static const int ns[] = { 5000, 40 };
	struct oms_err e;
	struct oms_buf way;
	FILE *fp;
	size_t i;
	int k;

	(void)state;
	oms_buf_init(&qseq, 0);
	oms_buf_init(&way, 0);
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		oms_buf_reset(&way);
		oms_buf_reset(&qseq);
		assert_non_null(fp = tmpfile());
		persons_queued(fp, 0, ns[i]);
		fclose(fp);
		assert_int_equal(oms_buf_add(&way, qseq.s, qseq.len, NULL), 0);
		/* each rule, of a case and of a PERS of its own, reported */
		assert_non_null(strstr(way.s, "P1@a3-1:L0.xml:"));
		assert_non_null(strstr(way.s, "P2@a11-1:L0.xml:"));
		assert_non_null(strstr(way.s, "P3+ P1@a15-1:"));
		oms_buf_reset(&qseq);
		assert_non_null(fp = tmpfile());
		persons_queued(fp, 1, ns[i]);
		fclose(fp);
		assert_string_equal(qseq.s, way.s);
		oms_buf_reset(&qseq);
		persons_queued(NULL, 1, ns[i]);
		assert_string_equal(qseq.s, way.s);
	}
	/* the spool cut short under the thread: the same reports as on
	   the way, up to the failure, and the same failure */
	for (k = 0; k < 2; k++) {
		oms_buf_reset(&qseq);
		cut_spool(k, &e);
		assert_string_equal(e.where, "spool");
		if (k == 0) {
			oms_buf_reset(&way);
			assert_int_equal(oms_buf_add(&way, qseq.s, qseq.len,
			    NULL), 0);
		}
	}
	assert_non_null(strstr(way.s, "P1@a299:L.xml:"));
	assert_null(strstr(way.s, "P1@a450:"));
	assert_string_equal(qseq.s, way.s);
	oms_buf_release(&way);
	oms_buf_release(&qseq);
}

/*
 * A PERS as the queue's text (omsi_rules_pers_text): every element and
 * its text as it is (O name N ... C, rules.c's marks), a CR a CR; what
 * the text would not say as the tree does is refused (0).
 */
#define O	"\001"
#define N	"\002"
#define C	"\003"
static void
test_pers_text(void **state)
{
	static const struct { const char *xml, *text; } t[] = {
		{ "<PERS><ID_PAC>1</ID_PAC><FAM>A &amp; &lt;B&gt;</FAM>"
		    "<DOST>1</DOST><DOST>3</DOST><X><Y>2</Y></X><E/></PERS>",
		  O "PERS" N O "ID_PAC" N "1" C O "FAM" N "A & <B>" C
		    O "DOST" N "1" C O "DOST" N "3" C O "X" N O "Y" N "2" C C
		    O "E" N C C },
		{ "<PERS><IM>a&#13;b&#13;</IM></PERS>",
		  O "PERS" N O "IM" N "a\rb\r" C C },
		{ "<PERS a=\"1\"><IM>a</IM></PERS>", NULL },
		{ "<PERS><IM>a<X/></IM></PERS>", NULL },
		{ "<PERS><IM>a<!--c-->b</IM></PERS>", NULL },
		{ "<PERS xmlns=\"urn:x\"><IM>a</IM></PERS>", NULL },
		{ "<PERS><IM><![CDATA[a<b]]></IM></PERS>",
		  O "PERS" N O "IM" N "a<b" C C },
	};
	struct oms_buf b;
	xmlDocPtr d;
	size_t i;

	(void)state;
	oms_buf_init(&b, 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		oms_buf_reset(&b);
		assert_non_null(d = xmlReadMemory(t[i].xml,
		    (int)strlen(t[i].xml), "t.xml", NULL, XML_PARSE_NONET));
		assert_int_equal(omsi_rules_pers_text(xmlDocGetRootElement(d),
		    &b, NULL), t[i].text != NULL);
		if (t[i].text != NULL)
			assert_string_equal(b.s, t[i].text);
		xmlFreeDoc(d);
	}
	oms_buf_release(&b);
}

/*
 * The spooled cases laid out again in the order the persons will come
 * (omsi_rules_regroup), learnt forward, backward, for every other person
 * (the rest last) or for the first third only, then checked forward or
 * backward: the same reports as in memory each time, over 20,000 cases
 * (3 MB of spool: groups of 1 MiB); a new build after it keeps its cases
 * at the spool's new end.  One case in 997 has an account of 9,000
 * bytes: longer than a group's buffer (8 KiB), it is copied across two
 * or three of its writes.
 */
#define NREG	20000
static void
persons_regrouped(int learn, int reverse, struct oms_buf *out)
{
	static const char with[] = "<PERS><ID_PAC>Q</ID_PAC><IM>A</IM></PERS>";
	static const char without[] = "<PERS><ID_PAC>Q</ID_PAC></PERS>";
	struct oms_rules *rs;
	struct oms_err e;
	char link[32], acc[9100], d1[16];
	char **slot = calloc(NREG, sizeof(*slot));
	FILE *spool = NULL;
	int i, k;

	assert_non_null(slot);
	rs = load("P1\tZAP\t*\t*\terror\t.\trequired\tPERS/IM\t\t"
	    "PACIENT/NOVOR~0\tno first name\n");
	if (learn >= 0) {
		assert_non_null(spool = tmpfile());
		omsi_rules_spool(rs, spool, "spool");
	}
	for (i = 0; i < NREG; i++) {
		snprintf(link, sizeof(link), "0\037Q%d", i);
		snprintf(acc, sizeof(acc), "acc-%0*d", i % 997 == 5 ? 9000 :
		    1 + i % 17, i);
		snprintf(d1, sizeof(d1), "2026-10-%02d", 1 + i % 28);
		assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1",
		    "101", d1), link, acc), "");
	}
	if (learn >= 0) {
		assert_int_equal(omsi_rules_order_begin(rs, &e), 0);
		for (k = 0; k < NREG; k++) {
			i = learn == 1 ? NREG - 1 - k : k;
			if ((learn == 2 && i % 2 == 1) ||
			    (learn == 3 && i >= NREG / 3))
				continue;
			snprintf(link, sizeof(link), "0\037Q%d", i);
			omsi_rules_order(rs, link, strlen(link));
			/* a link twice counts where it came first */
			omsi_rules_order(rs, link, strlen(link));
		}
		/* a link with no case changes nothing */
		omsi_rules_order(rs, "0\037nobody", 8);
		assert_int_equal(omsi_rules_regroup(rs, &e), 0);
	}
	for (k = 0; k < NREG; k++) {
		i = reverse ? NREG - 1 - k : k;
		snprintf(link, sizeof(link), "0\037Q%d", i);
		assert_non_null(slot[i] = strdup(run(rs, OMSI_SCOPE_PERS, "H",
		    i % 3 == 0 ? without : with, link, NULL)));
	}
	for (i = 0; i < NREG; i++) {
		assert_int_equal(oms_buf_adds(out, slot[i], NULL), 0);
		free(slot[i]);
	}
	/* a new build: its cases go after the regrouped ones */
	omsi_rules_reset(rs);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "101",
	    "2026-10-03"), "0\037R", "acc-new"), "");
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "H", without, "0\037R",
	    NULL), "P1@acc-new ");
	oms_rules_free(rs);
	if (spool != NULL)
		fclose(spool);
	free(slot);
}

static void
test_person_rules_regrouped(void **state)
{
	struct oms_buf mem, b;
	int learn, reverse;

	(void)state;
	oms_buf_init(&mem, 0);
	persons_regrouped(-1, 0, &mem);
	assert_true(strncmp(mem.s, "P1@acc-0 P1@acc-0003 ", 21) == 0);
	for (learn = 0; learn <= 3; learn++)
		for (reverse = 0; reverse <= 1; reverse++) {
			oms_buf_init(&b, 0);
			persons_regrouped(learn, reverse, &b);
			assert_string_equal(b.s, mem.s);
			oms_buf_release(&b);
		}
	oms_buf_release(&mem);
}

/*
 * unique in the registry: a value of an earlier record repeats, its
 * uppercase twin does not, and a new build forgets them
 */
static void
test_unique_registry(void **state)
{
	static const char a[] = "<ZAP><Z_SL><SL><SL_ID>"
	    "14f66a8a-b565-4ebc-9138-c1a3b0cd5178</SL_ID></SL><SL><SL_ID>"
	    "x-1</SL_ID></SL></Z_SL></ZAP>";
	static const char b[] = "<ZAP><Z_SL><SL><SL_ID>"
	    "14F66A8A-B565-4EBC-9138-C1A3B0CD5178</SL_ID></SL><SL><SL_ID>"
	    "x-2</SL_ID></SL></Z_SL></ZAP>";
	static const char c[] = "<ZAP><Z_SL><SL><SL_ID>x-2</SL_ID></SL><SL>"
	    "<SL_ID>14f66a8a-b565-4ebc-9138-c1a3b0cd5178</SL_ID></SL>"
	    "</Z_SL></ZAP>";
	struct oms_rules *rs;

	(void)state;
	rs = load("U\tZAP\t*\t*\terror\t.\tunique\tZ_SL/SL/SL_ID\t"
	    "registry\t\tnot unique\n");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", a, NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", b, NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", c, NULL, NULL),
	    "U U ");
	omsi_rules_reset(rs);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", c, NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", a, NULL, NULL),
	    "U ");
	oms_rules_free(rs);
}

/*
 * Each registry of a build has its own values: a value of registry 0
 * is new in registry 2 (the cases of both come in turns), and repeats in
 * registry 0; when the cases' scope ends they are all forgotten, not
 * when the persons' does.
 */
static void
test_unique_per_registry(void **state)
{
	static const char a[] = "<ZAP><Z_SL><SL><SL_ID>x-1</SL_ID></SL>"
	    "</Z_SL></ZAP>";
	static const char b[] = "<ZAP><Z_SL><SL><SL_ID>x-2</SL_ID></SL>"
	    "</Z_SL></ZAP>";
	struct oms_rules *rs;

	(void)state;
	rs = load("U\tZAP\t*\t*\terror\t.\tunique\tZ_SL/SL/SL_ID\t"
	    "registry\t\tnot unique\n");
	run_reg = 0;
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", a, NULL, NULL), "");
	run_reg = 2;
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", a, NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", b, NULL, NULL), "");
	run_reg = 0;
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", b, NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", a, NULL, NULL),
	    "U ");
	omsi_rules_end_scope(rs, OMSI_SCOPE_PERS);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", b, NULL, NULL),
	    "U ");
	omsi_rules_end_scope(rs, OMSI_SCOPE_ZAP);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", a, NULL, NULL), "");
	run_reg = 2;
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", b, NULL, NULL), "");
	run_reg = 0;
	oms_rules_free(rs);
}

/*
 * A kept case with names of every length goes through the text and back:
 * a tag written in one piece (up to 93 bytes of name) or in three
 */
static void
test_kept_long_names(void **state)
{
	static const size_t len[] = { 1, 92, 93, 94, 120 };
	char name[5][128], rows[2048], xml[2048];
	struct oms_rules *rs;
	size_t i, k = 0, x = 0;

	(void)state;
	x += (size_t)snprintf(xml, sizeof(xml), "<ZAP>");
	for (i = 0; i < 5; i++) {
		memset(name[i], 'N', len[i]);
		name[i][len[i]] = '\0';
		k += (size_t)snprintf(rows + k, sizeof(rows) - k,
		    "L%zu\tZAP\t*\t*\terror\t%s\tfail\t.\t\t"
		    "../PERS/DR~2000-01-01 && V~%zu\tlong\n", i, name[i],
		    i % 2);
		x += (size_t)snprintf(xml + x, sizeof(xml) - x,
		    "<%s><V>1</V></%s>", name[i], name[i]);
	}
	snprintf(xml + x, sizeof(xml) - x, "</ZAP>");
	rs = load(rows);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", xml, "0\037P1",
	    "acc"), "");
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "H", "<PERS><ID_PAC>P1"
	    "</ID_PAC><DR>2000-01-01</DR></PERS>", "0\037P1", NULL),
	    "L1@acc L3@acc ");
	oms_rules_free(rs);
}

/*
 * A node with many named children (more than a look one after the other
 * takes): every one of them found, the first, the last and repeated
 */
static void
test_many_children(void **state)
{
	char rows[4096], xml[2048];
	struct oms_rules *rs;
	size_t i, k = 0, x = 0;

	(void)state;
	x += (size_t)snprintf(xml, sizeof(xml), "<ZAP>");
	for (i = 0; i < 20; i++) {
		k += (size_t)snprintf(rows + k, sizeof(rows) - k,
		    "R%zu\tZAP\t*\t*\terror\t.\tmatch\tC%02zu\t%zu\t\tm\n",
		    i, i, i);
		x += (size_t)snprintf(xml + x, sizeof(xml) - x,
		    "<C%02zu>%zu</C%02zu>", 19 - i, 19 - i, 19 - i);
	}
	k += (size_t)snprintf(rows + k, sizeof(rows) - k,
	    "A\tZAP\t*\t*\terror\t.\tabsent\tC07\t\t\ta\n"
	    "Q\tZAP\t*\t*\terror\t.\trequired\tC20\t\t\tq\n");
	snprintf(xml + x, sizeof(xml) - x, "<C00>x</C00><C19>y</C19></ZAP>");
	rs = load(rows);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", xml, NULL, NULL),
	    "R0 R19 A Q ");
	oms_rules_free(rs);
}

/* a KSG_KPG of a case, its N_KSG, VER_KSG, KOEF_Z */
static char *
ksg(const char *nksg, const char *ver, const char *koef)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "<ZAP><Z_SL><DATE_Z_1>2026-10-03</DATE_Z_1>"
	    "<DATE_Z_2>2026-10-17</DATE_Z_2><SL><KSG_KPG><N_KSG>%s</N_KSG>"
	    "<VER_KSG>%s</VER_KSG><KSG_PG>0</KSG_PG><KOEF_Z>%s</KOEF_Z>"
	    "</KSG_KPG></SL></Z_SL></ZAP>", nksg, ver, koef);
	return (buf);
}

static void
test_period_year(void **state)
{
	struct oms_rules *rs;

	(void)state;
	rs = load("Y1\tZAP\t*\t*\terror\tZ_SL/SL/KSG_KPG\teq\tVER_KSG\t"
	    "@period_year\t\tnot the year\n");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2026", "1.28"), NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2025", "1.28"), NULL, NULL), "Y1 ");
	/* the year of the registry's period, not of the case */
	period = YM(2026, 1);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2026", "1.28"), NULL, NULL), "");
	period = YM(2025, 12);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2026", "1.28"), NULL, NULL), "Y1 ");
	period = YM(2026, 10);
	oms_rules_free(rs);
}

static void
test_where_decimal(void **state)
{
	struct oms_rules *rs;

	(void)state;
	put("V023.tsv", "code\tname\tfrom\tto\tkoef_z\n"
	    "st23.004\tA old\t2020-01-01\t2025-12-31\t1.10000\n"
	    "st23.004\tA\t2026-01-01\t\t1.28000\n"
	    "st02.001\tB\t2020-01-01\t\t0.50\n"
	    "st04.002\tC (any)\t2020-01-01\t\t\n"
	    "st05.001\tD\t2020-01-01\t\t-0.0\n"
	    "st06.001\tE\t2020-01-01\t\t12\n");
	rs = load("D1\tZAP\t*\t*\terror\tZ_SL/SL/KSG_KPG\tref\tN_KSG\t"
	    "V023.tsv where koef_z==KOEF_Z\t\tnot its KOEF_Z\n"
	    "D2\tZAP\t*\t*\terror\tZ_SL/SL/KSG_KPG\tref\tN_KSG\t"
	    "V023.tsv where koef_z=KOEF_Z\t\tnot its text\n");
	/* as decimals equal, as text not */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2026", "1.28"), NULL, NULL), "D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2026", "01.2800"), NULL, NULL), "D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2026", "1.28000"), NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st02.001",
	    "2026", "0.5"), NULL, NULL), "D2 ");
	/* another value, or the value of another period */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2026", "1.2801"), NULL, NULL), "D1 D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st23.004",
	    "2026", "1.1"), NULL, NULL), "D1 D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st02.001",
	    "2026", "-0.5"), NULL, NULL), "D1 D2 ");
	/* no decimal: no match */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st02.001",
	    "2026", ".5"), NULL, NULL), "D1 D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st02.001",
	    "2026", "0,5"), NULL, NULL), "D1 D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st02.001",
	    "2026", "0.5."), NULL, NULL), "D1 D2 ");
	/* an empty column matches anything; -0 is 0; integers */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st04.002",
	    "2026", "7.7"), NULL, NULL), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st05.001",
	    "2026", "0"), NULL, NULL), "D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st06.001",
	    "2026", "12.00"), NULL, NULL), "D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st06.001",
	    "2026", "2.00"), NULL, NULL), "D1 D2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", ksg("st06.001",
	    "2026", "120"), NULL, NULL), "D1 D2 ");
	oms_rules_free(rs);
}

static void
test_renamed(void **state)
{
	struct oms_rules *rs;
	struct oms_err e;

	(void)state;
	memset(&e, 0, sizeof(e));
	rs = load("003F.00.0440\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t\tx\n");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "101",
	    "2026-10-03"), NULL, NULL), "003F.00.0440 ");
	/* an oms.conf of before the Q015 ids */
	assert_int_equal(oms_rules_set(rs, "OMS.KD_Z", "off", &e), 0);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    zap("1", "101", "2026-10-03"), NULL, NULL), "");
	assert_int_equal(oms_rules_set(rs, "OMS.DATE.PERIOD", "off", &e), 0);
	assert_int_equal(oms_rules_set(rs, "OMS.NO.SUCH", "off", &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	oms_rules_free(rs);

	/* own rules that gave way to the Q015 ones checking the same */
	rs = load("002F.00.0130\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t\tx\n"
	    "001F.00.0700\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t\tx\n");
	assert_int_equal(oms_rules_set(rs, "OMS.NOVOR", "off", &e), 0);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    zap("1", "101", "2026-10-03"), NULL, NULL), "001F.00.0700 ");
	assert_int_equal(oms_rules_set(rs, "OMS.PERS.W", "warning", &e), 0);
	assert_int_equal(omsi_rules_warning(rs, "001F.00.0700"), 1);
	oms_rules_free(rs);

	/* a table that still has the old id: its rows are set */
	rs = load("OMS.NOVOR\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t\tx\n"
	    "002F.00.0130\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t\tx\n");
	assert_int_equal(oms_rules_set(rs, "OMS.NOVOR", "off", &e), 0);
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    zap("1", "101", "2026-10-03"), NULL, NULL), "002F.00.0130 ");
	oms_rules_free(rs);
}

static void
test_bad_rows(void **state)
{
	struct oms_rules *rs;
	struct oms_err e;
	char path[128];
	static const char *const bad[] = {
		"B\tZAP\t*\t*\terror\tZ_SL\tref\tRSLT\tV.tsv where x\t\tm\n",
		"B\tZAP\t*\t*\terror\tZ_SL\tref\tRSLT\tV.tsv on\t\tm\n",
		"B\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\tyears(A)>=1\tm\n",
		"B\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\tA@X.tsv:a && "
		    "B@X.tsv:b\tm\n",
		"B\tZAP\t*\t*\terror\tZ_SL\tfail\t.\t\t!A@X.tsv\tm\n",
		"B\tZAP\t*\t*\terror\tZ_SL\tref\tRSLT\tV.tsv where x==\t\tm\n",
		"B\tZAP\t*\t*\terror\tZ_SL\teq\tRSLT\t@period_month\t\tm\n",
	};
	size_t i;
	char *text;

	(void)state;
	snprintf(path, sizeof(path), "%s/rules.tsv", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		text = cat(hdr, "", bad[i]);
		put("rules.tsv", text);
		free(text);
		rs = oms_rules_load(path, find, NULL, &e);
		assert_null(rs);
		assert_int_equal(e.code, OMS_EDATA);
		assert_non_null(strstr(e.where, "rules.tsv:2"));
	}
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_rules.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return (0);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return (system(cmd) == 0 ? 0 : -1);
}

/* The tree of n (of d) as text, escapes and all, into buf. */
static void
dump(xmlDocPtr d, xmlNodePtr n, char *out, size_t len)
{
	xmlBufferPtr b;

	assert_non_null(b = xmlBufferCreate());
	assert_true(xmlNodeDump(b, d, n, 0, 0) > 0);
	snprintf(out, len, "%s", (const char *)xmlBufferContent(b));
	xmlBufferFree(b);
}

/* Every node under n links back to its parent and siblings, in doc. */
static void
linked(xmlNodePtr n, xmlDocPtr doc)
{
	xmlNodePtr c, prev = NULL;

	assert_ptr_equal(n->doc, doc);
	for (c = n->children; c != NULL; prev = c, c = c->next) {
		assert_ptr_equal(c->parent, n);
		assert_ptr_equal(c->prev, prev);
		linked(c, doc);
	}
	assert_ptr_equal(n->last, prev);
}

/*
 * A tree as text (omsi_rules_pers_text, which writes every element as
 * prune() writes those the rules name) and back (omsi_rules_unprune) is
 * the same tree: text with the marks' bytes in it (escaped), CR, "&",
 * "<", Cyrillic, empty elements without text; built in the rules' own
 * blocks (more nodes than a block holds, too), the next case in the
 * same.  Text the writer never writes is refused as bad, not guessed.
 */
static void
test_unprune(void **state)
{
	static const char *const xml[] = {
		"<ZAP><Z_SL><DATE_Z_2>2026-10-05</DATE_Z_2></Z_SL></ZAP>",
		"<ZAP><A>x &amp; y &lt;z&gt; \"q\" 'a'</A><B></B><C> </C></ZAP>",
		"<ZAP><A>one&#13;\ntwo&#13;three\n</A><A>\xd0\x98\xd0\xb2</A>"
		    "</ZAP>",
		"<ZAP><P><Q><R>1</R></Q><Q><R>2</R></Q></P></ZAP>",
		NULL,		/* 150 children */
		"<ZAP/>",
		NULL,		/* the marks' bytes in a text */
	};
	static const char *const bad[] = {
		"", "ZAP", O "ZAP", O "ZAP" N, O "ZAP" N "x", O N C,
		O "ZAP" N O "A" N "x" C, O "ZAP" N C C,
		O "ZAP" N "a\004" C, O "ZAP" N "a\004E" C,
		O "ZAP" N "a" N C, O "ZAP" N O "A" N C "x" C,
	};
	struct oms_rules *rs;
	struct oms_buf many, text;
	struct oms_err e;
	xmlDocPtr b;
	xmlNodePtr a, root;
	char da[8192], db[8192];
	size_t i, k;
	int isbad;

	(void)state;
	oms_buf_init(&many, 0);
	oms_buf_init(&text, 0);
	assert_int_equal(oms_buf_adds(&many, "<ZAP>", &e), 0);
	for (k = 0; k < 150; k++) {
		snprintf(da, sizeof(da), "<K%zu>%zu</K%zu>", k % 7, k, k % 7);
		assert_int_equal(oms_buf_adds(&many, da, &e), 0);
	}
	assert_int_equal(oms_buf_adds(&many, "</ZAP>", &e), 0);
	rs = load("");
	for (i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		if (xml[i] == NULL && i + 1 == sizeof(xml) / sizeof(xml[0])) {
			/* no parser makes it: a text node of its own */
			assert_non_null(b = xmlNewDoc((const xmlChar *)"1.0"));
			root = xmlNewDocNode(b, NULL, (const xmlChar *)"ZAP",
			    NULL);
			xmlDocSetRootElement(b, root);
			xmlAddChild(xmlNewChild(root, NULL, (const xmlChar *)
			    "A", NULL), xmlNewDocText(b, (const xmlChar *)
			    "\001a\002b\003c\004d\005"));
		} else {
			const char *x = xml[i] != NULL ? xml[i] : many.s;

			assert_non_null(b = xmlReadMemory(x, (int)strlen(x),
			    "case", "UTF-8", XML_PARSE_NONET));
		}
		oms_buf_reset(&text);
		assert_int_equal(omsi_rules_pers_text(xmlDocGetRootElement(b),
		    &text, &e), 1);
		assert_null(memchr(text.s, '\0', text.len));
		assert_non_null(a = omsi_rules_unprune(rs, text.s, &isbad));
		assert_int_equal(isbad, 0);
		assert_string_equal((const char *)a->name, "ZAP");
		assert_ptr_equal(a->parent, (xmlNodePtr)a->doc);
		linked(a, a->doc);
		dump(a->doc, a, da, sizeof(da));
		dump(b, xmlDocGetRootElement(b), db, sizeof(db));
		assert_string_equal(da, db);
		omsi_rules_unprune_done(rs);
		xmlFreeDoc(b);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(omsi_rules_unprune(rs, bad[i], &isbad));
		if (!isbad)
			fail_msg("bad text %zu taken", i);
		omsi_rules_unprune_done(rs);
	}
	oms_buf_release(&many);
	oms_buf_release(&text);
	oms_rules_free(rs);
}

/* Every element from n along steps s[k..] by a walk of the tree. */
static void
naive(xmlNodePtr n, const struct cpath *p, size_t k, xmlNodePtr *out,
    size_t *nout)
{
	xmlNodePtr c;

	for (; n != NULL && k < p->n && p->s[k] == NULL; k++)
		n = n->parent;
	if (n == NULL)
		return;
	if (k == p->n) {
		assert_true(*nout < 64);
		out[(*nout)++] = n;
		return;
	}
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, p->s[k]) == 0)
			naive(c, p, k + 1, out, nout);
}

static const char tree[] =
    "<LIST><HDR><V>5.1</V></HDR><ZAP><N>1</N><Z_SL><SL><DS>A</DS>"
    "<X><DS>in X</DS></X><USL><C>1</C></USL><DS>B</DS><USL><C>2</C>"
    "<C>3</C></USL><Q/><UNK><DS>no</DS></UNK><USL><C>4</C></USL></SL><SL><DS>C</DS><USL>"
    "<C>5</C></USL></SL><DATE>2026-10-05</DATE></Z_SL><PERS><DR>x</DR>"
    "</PERS></ZAP></LIST>";

/* paths over tree[], from its ZAP and from the first SL */
static const char *const paths[] = {
	".", "", "N", "Z_SL", "Z_SL/SL", "Z_SL/SL/DS", "Z_SL/SL/USL/C",
	"./Z_SL//SL/./USL", "Z_SL/SL/X/DS", "Z_SL/SL/Q", "Z_SL/NONE",
	"..", "../HDR/V", "../ZAP/Z_SL/SL/DS", "../..", "../../..",
	"../../../..", "DS", "USL/C", "../DATE", "../../PERS/DR",
	"../SL/USL/C", "/DS", "DS/", "USL//C", "X/DS",
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
};

/*
 * The record's index (omsi_rules_index) has the elements of the names
 * paths use (not UNK, nor what is in it), and reaches from the record
 * and from a node in it the nodes a walk of the tree reaches, in its
 * order, the tree above the record included; and the first of them by
 * omsi_path_text() steps.
 */
static void
test_index(void **state)
{
	struct oms_rules *rs;
	struct rnodes out;
	struct cpath p[sizeof(paths) / sizeof(paths[0])], q;
	xmlNodePtr want[64], rec, sl;
	xmlDocPtr d;
	const char *a, *b;
	size_t i, j, k, n;
	int from;

	(void)state;
	memset(&out, 0, sizeof(out));
	/* rules that name some of the elements, not X, Q, HDR, V, LIST */
	rs = load("R1\tZAP\t*\t*\terror\tZ_SL/SL\trequired\tDS\t\t"
	    "USL/C~1\tm\n"
	    "R2\tZAP\t*\t*\terror\t.\tle\tZ_SL/DATE\tN\t\tm\n"
	    "R3\tZAP\t*\t*\terror\t.\trequired\tPERS/DR\t\t\tm\n");
	assert_non_null(d = xmlReadMemory(tree, (int)strlen(tree), "t.xml",
	    NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS));
	rec = xmlDocGetRootElement(d)->children->next;
	sl = rec->children->next->children;
	assert_string_equal((const char *)sl->name, "SL");
	/* every name of the paths is known before a record is indexed */
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		assert_int_equal(omsi_rules_cpath(rs, paths[i], &p[i]), 0);
	assert_int_equal(omsi_rules_cpath(rs, "Z_SL/SL", &q), 0);
	assert_int_equal(omsi_rules_id(rs, "UNK"), 0);
	assert_int_equal(omsi_rules_index(rs, rec, NULL), 0);
	assert_ptr_equal(rs->ix.v[0].n, rec);
	assert_int_equal(rs->ix.v[0].parent, -1);
	assert_int_equal(rs->ix.n, 23);		/* all but UNK and its DS */
	for (i = 0; i < rs->ix.n; i++) {
		assert_string_not_equal((const char *)rs->ix.v[i].n->name,
		    "UNK");
		for (j = 0; j < rs->ix.v[i].nkid; j++) {
			k = rs->ix.v[i].kid0 + j;
			assert_ptr_equal(rs->ix.v[k].n->parent,
			    rs->ix.v[i].n);
			assert_int_equal(rs->ix.v[k].parent, (int)i);
			assert_int_equal(rs->ix.v[k].id, omsi_rules_id(rs,
			    (const char *)rs->ix.v[k].n->name));
			if (j > 0)
				assert_true(rs->ix.v[k - 1].id <=
				    rs->ix.v[k].id);
		}
	}
	for (from = 0; from < 2; from++)
		for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			/* the SL: found as the first node of the path */
			if (from == 1) {
				assert_int_equal(omsi_rules_collect(rs, 0, rec,
				    &q, &out), 0);
				assert_ptr_equal(out.v[0], sl);
				k = (size_t)out.x[0];
			} else
				k = 0;
			n = 0;
			naive(from ? sl : rec, &p[i], 0, want, &n);
			assert_int_equal(omsi_rules_collect(rs, (int)k,
			    rs->ix.v[k].n, &p[i], &out), 0);
			assert_int_equal(out.n, n);
			for (j = 0; j < n; j++) {
				assert_ptr_equal(out.v[j], want[j]);
				if (out.x[j] >= 0)
					assert_ptr_equal(rs->ix.v[out.x[j]].n,
					    want[j]);
			}
			/* omsi_path_text() of the same path */
			a = omsi_path_text(from ? sl : rec, paths[i]);
			b = omsi_rules_text(rs, (int)k, rs->ix.v[k].n, &p[i]);
			if (a == NULL)
				assert_null(b);
			else {
				assert_non_null(b);
				assert_string_equal(a, b);
			}
		}
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		free(p[i].s);
		free(p[i].id);
	}
	free(q.s);
	free(q.id);
	free(out.v);
	free(out.x);
	xmlFreeDoc(d);
	oms_rules_free(rs);
}

static const char *const gpaths[] = {
	"PERS/DR", "PERS", "PERS/FAM", "../../PERS/DR", "../../PERS/W",
	"../../../ZAP/PERS/DR", "PERS/..", "PERS/../Z_SL/SL/DS",
	"../PERS_LIST/PERS/DR",
};

/* The paths from the case caze and its SL, pers grafted and copied. */
static void
graft_case(struct oms_rules *rs, const char *caze, const char *pers)
{
	struct rnodes out;
	struct cpath p, sl;
	xmlDocPtr dc, dp, dx;
	xmlNodePtr want[64], rec, prs, xrec, from, xfrom;
	const char *a, *b;
	size_t i, j, n;
	int f, x;

	memset(&out, 0, sizeof(out));
	assert_int_equal(omsi_rules_cpath(rs, "Z_SL/SL", &sl), 0);
	assert_non_null(dc = xmlReadMemory(caze, (int)strlen(caze), "c.xml",
	    NULL, XML_PARSE_NONET));
	assert_non_null(dp = xmlReadMemory(pers, (int)strlen(pers), "p.xml",
	    NULL, XML_PARSE_NONET));
	assert_non_null(dx = xmlReadMemory(caze, (int)strlen(caze), "x.xml",
	    NULL, XML_PARSE_NONET));
	rec = xmlDocGetRootElement(dc);
	prs = xmlDocGetRootElement(dp)->children;
	xrec = xmlDocGetRootElement(dx);
	xmlAddChild(xrec, xmlDocCopyNode(prs, dx, 1));
	for (f = 0; f < 2; f++)
		for (i = 0; i < sizeof(gpaths) / sizeof(gpaths[0]); i++) {
			assert_int_equal(omsi_rules_cpath(rs, gpaths[i], &p),
			    0);
			assert_int_equal(omsi_rules_index(rs, rec, prs), 0);
			from = rec;
			xfrom = xrec;
			x = 0;
			if (f == 1) {	/* from the SL */
				assert_int_equal(omsi_rules_collect(rs, 0, rec,
				    &sl, &out), 0);
				from = out.v[0];
				x = out.x[0];
				xfrom = xrec->children->next->next->children;
				assert_string_equal((const char *)xfrom->name,
				    "SL");
			}
			n = 0;
			naive(xfrom, &p, 0, want, &n);
			assert_int_equal(omsi_rules_collect(rs, x, from, &p,
			    &out), 0);
			assert_int_equal(out.n, n);
			for (j = 0; j < n; j++) {
				assert_string_equal((const char *)
				    out.v[j]->name, (const char *)want[j]->name);
				assert_string_equal(omsi_text(out.v[j]),
				    omsi_text(want[j]));
			}
			a = omsi_path_text(xfrom, gpaths[i]);
			b = omsi_rules_text(rs, x, from, &p);
			if (a == NULL)
				assert_null(b);
			else {
				assert_non_null(b);
				assert_string_equal(a, b);
			}
			free(p.s);
			free(p.id);
		}
	free(sl.s);
	free(sl.id);
	free(out.v);
	free(out.x);
	xmlFreeDoc(dc);
	xmlFreeDoc(dp);
	xmlFreeDoc(dx);
}

/*
 * A PERS grafted as the last child of a case in the index reaches what a
 * copy of it added to the case's tree does, from the case and from
 * inside it (omsi_rules_collect, omsi_rules_text), with another PERS of
 * the case's own before it, and without.
 */
static void
test_graft(void **state)
{
	static const char pers[] =
	    "<PERS_LIST><PERS><FAM>F</FAM><DR>2000-01-01</DR><DR>2</DR>"
	    "<W>1</W></PERS></PERS_LIST>";
	struct oms_rules *rs;
	struct cpath p;
	size_t i;

	(void)state;
	rs = load("R1\tZAP\t*\t*\terror\t.\trequired\tPERS/DR\t\t\tm\n"
	    "R2\tZAP\t*\t*\terror\tZ_SL/SL\trequired\t../../PERS/W\t\t"
	    "PACIENT/NOVOR~0\tm\n");
	/* every name known before a record is indexed */
	for (i = 0; i < sizeof(gpaths) / sizeof(gpaths[0]); i++) {
		assert_int_equal(omsi_rules_cpath(rs, gpaths[i], &p), 0);
		free(p.s);
		free(p.id);
	}
	graft_case(rs, "<ZAP><PACIENT><NOVOR>0</NOVOR></PACIENT><PERS>"
	    "<DR>case</DR></PERS><Z_SL><SL><DS>A</DS></SL></Z_SL></ZAP>", pers);
	graft_case(rs, "<ZAP><PACIENT><NOVOR>0</NOVOR></PACIENT><NONE/>"
	    "<Z_SL><SL><DS>A</DS></SL></Z_SL></ZAP>", pers);
	oms_rules_free(rs);
}

/* rs on <ZAP><A>text</A></ZAP> made by hand (text need not be UTF-8) */
static const char *
run_text(struct oms_rules *rs, const char *text)
{
	struct omsi_rulectx rc;
	struct oms_err e;
	xmlDocPtr d;
	xmlNodePtr zap, a;

	memset(&e, 0, sizeof(e));
	memset(&rc, 0, sizeof(rc));
	rc.kind = "H";
	rc.version = "5.1";
	rc.period_first = oms_period_first(period);
	rc.period_last = oms_period_last(period);
	rc.report = on_rule;
	got[0] = '\0';
	assert_non_null(d = xmlNewDoc((const xmlChar *)"1.0"));
	assert_non_null(zap = xmlNewDocNode(d, NULL, (const xmlChar *)"ZAP",
	    NULL));
	xmlDocSetRootElement(d, zap);
	assert_non_null(a = xmlNewTextChild(zap, NULL, (const xmlChar *)"A",
	    NULL));
	assert_non_null(xmlAddChild(a, xmlNewDocText(d,
	    (const xmlChar *)text)));
	assert_true(omsi_rules_check(rs, OMSI_SCOPE_ZAP, zap, &rc, &e) >= 0);
	xmlFreeDoc(d);
	return (got);
}

/*
 * match: an ASCII value goes to the JIT code directly, any other through
 * pcre2_match and its UTF-8 check: a value that is not UTF-8 matches
 * nothing, not even .*
 */
static void
test_match_subjects(void **state)
{
	struct oms_rules *rs;

	(void)state;
	rs = load("M1\tZAP\t*\t*\terror\t.\tmatch\tA\t.*\t\tm\n"
	    "M2\tZAP\t*\t*\terror\t.\tmatch\tA\t[0-9]{3}\t\tm\n"
	    "M3\tZAP\t*\t*\terror\t.\tmatch\tA\t\\\\p{Cyrillic}+\t\tm\n");
	assert_string_equal(run_text(rs, "123"), "M3 ");
	assert_string_equal(run_text(rs, "12a"), "M2 M3 ");
	assert_string_equal(run_text(rs, ""), "M2 M3 ");
	assert_string_equal(run_text(rs, "\xd0\x98\xd0\xb2"), "M2 ");
	assert_string_equal(run_text(rs, "1\xff"), "M1 M2 M3 ");
	assert_string_equal(run_text(rs, "\xd0"), "M1 M2 M3 ");
	assert_string_equal(run_text(rs, "1\xc0\x80"), "M1 M2 M3 ");
	assert_string_equal(run_text(rs, "1\xed\xa0\x80"), "M1 M2 M3 ");
	assert_string_equal(run_text(rs, "\xff\xfe\xfd"), "M1 M2 M3 ");
	oms_rules_free(rs);
}

/*
 * A pattern of literals and one-character classes is matched without
 * PCRE2: the same answers as PCRE2 (anchored at both ends, UTF-8) gives,
 * as a match rule and as a condition, for plain patterns and others.
 */
static void
test_plain_patterns(void **state)
{
	static const char *const pat[] = {
		"1", "[01]", "[1-6]", "2|3", "000|035|065", "\xd0\xbd\xd0\xb5"
		"\xd1\x82", "0|1", "27", "[1246]", "[0-4]", "V021", "A-B",
		"a_b", "x y", "[a-c]|zz", "[0-z]", "[1-2-3]", "[-1]", "1|",
		"(1)", "1.", "\\d", "[^1]", "D4[5-7]", "3|4", "1|12",
		"\xd0\xb4|\xd0\xb4\xd0\xb0", "(?i)v021",
	};
	static const char *const subj[] = {
		"", "1", "0", "2", "3", "4", "6", "7", "12", "000", "035",
		"0350", "065", "\xd0\xbd\xd0\xb5\xd1\x82", "\xd0\x9d\xd0\x95"
		"\xd0\xa2", "\xd0\xbd\xd0\xb5", "27", "V021", "v021", "A-B",
		"a_b", "x y", "b", "zz", "z", ":", "-", "\xd0", "1\xff", "\xff",
		" 1", "1 ", "D45", "\xd0\xb4", "\xd0\xb4\xd0\xb0", "1\n",
	};
	struct oms_rules *rs;
	pcre2_code *re;
	pcre2_match_data *md;
	char row[256], want[16];
	const char *q;
	size_t i, j, k;
	int ec, hit;
	PCRE2_SIZE off;

	(void)state;
	assert_non_null(md = pcre2_match_data_create(4, NULL));
	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++) {
		assert_non_null(re = pcre2_compile((PCRE2_SPTR)pat[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_ANCHORED |
		    PCRE2_ENDANCHORED, &ec, &off, NULL));
		/* the pattern in TSV: its backslashes doubled */
		k = (size_t)snprintf(row, sizeof(row),
		    "M\tZAP\t*\t*\terror\t.\tmatch\tA\t");
		for (q = pat[i]; *q != '\0'; q++) {
			if (*q == '\\')
				row[k++] = '\\';
			row[k++] = *q;
		}
		k += (size_t)snprintf(row + k, sizeof(row) - k,
		    "\t\tm\nC\tZAP\t*\t*\terror\t.\tfail\t.\t\tA~");
		for (q = pat[i]; *q != '\0'; q++) {
			if (*q == '\\')
				row[k++] = '\\';
			row[k++] = *q;
		}
		snprintf(row + k, sizeof(row) - k, "\tc\n");
		rs = load(row);
		for (j = 0; j < sizeof(subj) / sizeof(subj[0]); j++) {
			hit = pcre2_match(re, (PCRE2_SPTR)subj[j],
			    PCRE2_ZERO_TERMINATED, 0, PCRE2_NO_JIT, md,
			    NULL) >= 0;
			snprintf(want, sizeof(want), "%s", hit ? "C " : "M ");
			if (strcmp(run_text(rs, subj[j]), want) != 0)
				fail_msg("pattern \"%s\", subject \"%s\": got "
				    "\"%s\", want \"%s\"", pat[i], subj[j], got,
				    want);
		}
		oms_rules_free(rs);
		pcre2_code_free(re);
	}
	pcre2_match_data_free(md);
}

/*
 * The answer of a condition that rules share is kept for one record and
 * one node of their context: not the next record's, nor the next node's.
 */
static void
test_cond_cache(void **state)
{
	struct oms_rules *rs;

	(void)state;
	rs = load("R1\tZAP\t*\t*\terror\t.\trequired\tB\t\tA~1\tr1\n"
	    "R2\tZAP\t*\t*\terror\t.\trequired\tC\t\tA!~1\tr2\n"
	    "R3\tZAP\t*\t*\terror\t.\tfail\t.\t\tA~1 && !B\tr3\n"
	    "R4\tZAP\t*\t*\terror\t.\tfail\t.\t\tA~2\tr4\n"
	    "R5\tZAP\t*\t*\terror\t.\tfail\t.\t\tA~[12] && A\tr5\n"
	    "S1\tZAP\t*\t*\terror\tS\tfail\t.\t\tA~1\ts1\n"
	    "S2\tZAP\t*\t*\terror\tS\tfail\t.\t\tA!~1\ts2\n"
	    "S3\tZAP\t*\t*\terror\tS\tfail\t.\t\tA~1\ts3\n");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    "<ZAP><A>1</A></ZAP>", NULL, NULL), "R1 R3 R5 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    "<ZAP><A>2</A></ZAP>", NULL, NULL), "R2 R4 R5 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    "<ZAP><A>1</A><B/></ZAP>", NULL, NULL), "R5 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    "<ZAP><A>3</A></ZAP>", NULL, NULL), "R2 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    "<ZAP><A>2</A><S><A>1</A></S><S><A>2</A></S><S/></ZAP>", NULL,
	    NULL), "R2 R4 R5 S1 S2 S2 S3 ");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H",
	    "<ZAP><A>2</A><S><A>2</A></S><S><A>1</A></S></ZAP>", NULL,
	    NULL), "R2 R4 R5 S1 S2 S3 ");
	oms_rules_free(rs);
}

/*
 * A name's id by its address in the parser's dictionary, and by its
 * text when it is not in one: a name of the same address and other text
 * is another name.
 */
static void
test_name_ids(void **state)
{
	static const char xml[] = "<ZAP><DS>1</DS><ZZ>2</ZZ></ZAP>";
	struct oms_rules *rs;
	xmlDocPtr d[3], own;
	xmlNodePtr ds, zz, n;
	const xmlChar *was;
	char name[8];
	unsigned id;
	size_t i;

	(void)state;
	rs = load("R1\tZAP\t*\t*\terror\t.\trequired\tDS\t\t\tm\n");
	assert_true((id = omsi_rules_id(rs, "DS")) != 0);
	assert_int_equal(omsi_rules_id(rs, "ZZ"), 0);
	/* three documents, three dictionaries: two cached at a time */
	for (i = 0; i < 3; i++) {
		assert_non_null(d[i] = xmlReadMemory(xml, (int)strlen(xml),
		    "t.xml", NULL, XML_PARSE_NONET));
		assert_non_null(d[i]->dict);
	}
	for (i = 0; i < 9; i++) {
		ds = xmlDocGetRootElement(d[i % 3])->children;
		zz = ds->next;
		assert_int_equal(omsi_rules_node_id(rs, ds), id);
		assert_int_equal(omsi_rules_node_id(rs, zz), 0);
		assert_int_equal(omsi_rules_node_id(rs, ds), id);
	}
	/* a name in memory of its own, then other text there */
	ds = xmlDocGetRootElement(d[0])->children;
	was = ds->name;
	snprintf(name, sizeof(name), "DS");
	ds->name = (const xmlChar *)name;
	assert_int_equal(omsi_rules_node_id(rs, ds), id);
	snprintf(name, sizeof(name), "ZZ");
	assert_int_equal(omsi_rules_node_id(rs, ds), 0);
	snprintf(name, sizeof(name), "DS");
	assert_int_equal(omsi_rules_node_id(rs, ds), id);
	ds->name = was;
	/* a document without a dictionary */
	assert_non_null(own = xmlNewDoc((const xmlChar *)"1.0"));
	assert_null(own->dict);
	assert_non_null(n = xmlNewDocNode(own, NULL, (const xmlChar *)"DS",
	    NULL));
	xmlDocSetRootElement(own, n);
	assert_int_equal(omsi_rules_node_id(rs, n), id);
	xmlFreeDoc(own);
	for (i = 0; i < 3; i++)
		xmlFreeDoc(d[i]);
	oms_rules_free(rs);
}

/*
 * The dates a rule compares are remembered by their text (date_of): over
 * records whose dates come back, go and differ by a byte, more of them
 * than are remembered, and texts that are no dates, each record gets
 * what a rule table that never saw a date before gives it.
 */
static void
test_date_memo(void **state)
{
	static const char *const d[] = {
		"2026-10-01", "2026-10-17", "2026-10-18", "2026-10-11",
		"2026-09-30", "2026-02-29", "2026-10-1x", "2026-10-171",
		"2026-10-1", "", "2024-02-29", "2026-13-01"
	};
	static const char rows[] =
	    "D1\tZAP\t*\t*\terror\tZ_SL\tle\tDATE_Z_1\tDATE_Z_2\t\t"
	    "begins after it ends\n";
	struct oms_rules *rs, *fresh;
	char want[sizeof(got)], xml[512];
	size_t i, j, nd = sizeof(d) / sizeof(d[0]), nfail = 0;

	(void)state;
	rs = load(rows);
	for (i = 0; i < 3 * nd; i++) {
		j = (i * 5 + i / nd) % nd;
		snprintf(xml, sizeof(xml), "<ZAP><Z_SL><DATE_Z_1>%s</DATE_Z_1>"
		    "<DATE_Z_2>%s</DATE_Z_2></Z_SL></ZAP>", d[j],
		    d[(j + i) % nd]);
		fresh = load(rows);
		snprintf(want, sizeof(want), "%s", run(fresh, OMSI_SCOPE_ZAP,
		    "H", xml, NULL, NULL));
		oms_rules_free(fresh);
		assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", xml, NULL,
		    NULL), want);
		nfail += want[0] != '\0';
	}
	/* the rule did fail, and did pass */
	assert_true(nfail > 0 && nfail < 3 * nd);
	oms_rules_free(rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_where_on),
		cmocka_unit_test(test_cond_table_years_fail),
		cmocka_unit_test(test_missing_table),
		cmocka_unit_test(test_person_rules),
		cmocka_unit_test(test_person_rules_order),
		cmocka_unit_test(test_person_rules_queue),
		cmocka_unit_test(test_pers_text),
		cmocka_unit_test(test_person_rules_regrouped),
		cmocka_unit_test(test_unique_registry),
		cmocka_unit_test(test_unique_per_registry),
		cmocka_unit_test(test_kept_long_names),
		cmocka_unit_test(test_many_children),
		cmocka_unit_test(test_period_year),
		cmocka_unit_test(test_where_decimal),
		cmocka_unit_test(test_renamed),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_unprune),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_graft),
		cmocka_unit_test(test_match_subjects),
		cmocka_unit_test(test_name_ids),
		cmocka_unit_test(test_plain_patterns),
		cmocka_unit_test(test_cond_cache),
		cmocka_unit_test(test_date_memo),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
