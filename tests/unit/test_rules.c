/*
 * test_rules.c -- the rule engine's extensions for the Q015 checks: a
 * ref look-up by a second column and a given day, conditions on a
 * reference table and on years, the check fail, a missing table that
 * puts its rules out of force, person rules (a case with its PERS), PERS
 * rules by kind, the reporting year as a value, and a where that compares
 * decimals
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
on_case(void *arg, const char *account, const char *id, int warning,
    unsigned long line, const char *msg)
{
	(void)arg;
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

/* Check the record xml in scope, with link and account; got the ids. */
static const char *
run(struct oms_rules *rs, int scope, const char *kind, const char *xml,
    const char *link, const char *account)
{
	struct omsi_rulectx rc;
	struct oms_err e;
	xmlDocPtr d;

	memset(&e, 0, sizeof(e));
	memset(&rc, 0, sizeof(rc));
	rc.kind = kind;
	rc.version = "5.1";
	rc.period_first = oms_period_first(period);
	rc.period_last = oms_period_last(period);
	rc.report = on_rule;
	rc.report_case = on_case;
	rc.link = link;
	rc.account = account;
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

static void
test_person_rules(void **state)
{
	static const char pers[] = "<PERS><ID_PAC>P1</ID_PAC>"
	    "<FAM>X</FAM><DR>2000-01-01</DR></PERS>";
	static const char kid[] = "<PERS><ID_PAC>P1</ID_PAC>"
	    "<DR>2020-01-01</DR></PERS>";
	struct oms_rules *rs;

	(void)state;
	rs = load("P1\tZAP\t*\t*\terror\t.\trequired\tPERS/IM\t\t"
	    "PACIENT/NOVOR~0\tno first name\n"
	    "P2\tZAP\tC\t*\terror\tZ_SL/SL\tfail\t.\t\t"
	    "years(../../PERS/DR,../DATE_Z_1)>=18\tadult\n"
	    "P3\tPERS\tH\t*\terror\t.\trequired\tOT\t\t\tno OT in H\n");
	/* the cases are kept, not checked, under their links */
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", zap("1", "101",
	    "2026-10-03"), "0\037P1", "acc-1"), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "H", zap("1", "101",
	    "2026-10-03"), "0\037P1", "acc-2"), "");
	assert_string_equal(run(rs, OMSI_SCOPE_ZAP, "C", zap("1", "101",
	    "2026-10-03"), "1\037P1", "acc-3"), "");
	/* the person of registry 0: both its cases, by kind; P3 by kind */
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "H", pers, "0\037P1",
	    NULL), "P3 P1@acc-2 P1@acc-1 P2@acc-1 ");
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "C", kid, "1\037P1",
	    NULL), "P1@acc-3 ");
	/* a new build forgets them */
	omsi_rules_reset(rs);
	assert_string_equal(run(rs, OMSI_SCOPE_PERS, "C", pers, "0\037P1",
	    NULL), "");
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

/* The tree of d's root as text, escapes and all, into buf. */
static void
dump(xmlDocPtr d, char *out, size_t len)
{
	xmlBufferPtr b;

	assert_non_null(b = xmlBufferCreate());
	assert_true(xmlNodeDump(b, d, xmlDocGetRootElement(d), 0, 0) > 0);
	snprintf(out, len, "%s", (const char *)xmlBufferContent(b));
	xmlBufferFree(b);
}

/*
 * A kept case read back (omsi_rules_unprune) is the tree the parser
 * makes of the same text: escapes undone, CR LF and CR as LF, empty
 * elements without text; what prune() never writes goes to the parser.
 */
static void
test_unprune(void **state)
{
	static const char *const xml[] = {
		"<ZAP><Z_SL><DATE_Z_2>2026-10-05</DATE_Z_2></Z_SL></ZAP>",
		"<ZAP><A>x &amp; y &lt;z&gt; \"q\" 'a'</A><B></B><C> </C></ZAP>",
		"<ZAP><A>one\r\ntwo\rthree\n</A><A>\xd0\x98\xd0\xb2</A></ZAP>",
		"<ZAP><P><Q><R>1</R></Q><Q><R>2</R></Q></P></ZAP>",
		"<ZAP/>",
		"<ZAP><A>&#65;</A></ZAP>",
	};
	struct oms_rules *rs;
	xmlDocPtr a, b;
	char da[512], db[512];
	size_t i;

	(void)state;
	rs = load("");
	for (i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		assert_non_null(a = omsi_rules_unprune(rs, xml[i]));
		assert_non_null(b = xmlReadMemory(xml[i], (int)strlen(xml[i]),
		    "case", "UTF-8", XML_PARSE_NONET));
		dump(a, da, sizeof(da));
		dump(b, db, sizeof(db));
		assert_string_equal(da, db);
		xmlFreeDoc(a);
		xmlFreeDoc(b);
	}
	assert_null(omsi_rules_unprune(rs, "<ZAP><A>x</ZAP>"));
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
		cmocka_unit_test(test_period_year),
		cmocka_unit_test(test_where_decimal),
		cmocka_unit_test(test_renamed),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_unprune),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
