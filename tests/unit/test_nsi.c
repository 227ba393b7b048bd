/*
 * test_nsi.c -- NSI packets of the federal fund into TSV: the F014 and
 * Q015 layouts, encodings, dates, and the errors
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

/* Write a packet into a temporary file; the caller unlinks path. */
static void
packet(char *path, const char *bytes)
{
	int fd;
	size_t n = strlen(bytes);

	strcpy(path, "/tmp/oms-test-nsi-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	close(fd);
}

/* Convert bytes named name; the table (or NULL on error) in *out. */
static int
convert(const char *bytes, const char *name, struct oms_buf *out,
    size_t *nrows, struct oms_err *e)
{
	char path[64];
	int r;

	packet(path, bytes);
	r = oms_nsi_convert(path, name, out, nrows, e);
	unlink(path);
	return (r);
}

/* windows-1251, as the fund serves it; F014 with both generations */
static const char f014_cp1251[] =
    "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n"
    "<packet>\n"
    "  <zglv><type>F014</type><version>3.1</version>"
    "<date>01.02.2024</date></zglv>\n"
    "  <zap>\n"
    "    <Kod>53</Kod><IDVID>1</IDVID>\n"
    /* "Некорректное заполнение\n      полей реестра  " */
    "    <Naim> \xcd\xe5\xea\xee\xf0\xf0\xe5\xea\xf2\xed\xee\xe5 "
    "\xe7\xe0\xef\xee\xeb\xed\xe5\xed\xe8\xe5\n      \xef\xee\xeb\xe5\xe9 "
    "\xf0\xe5\xe5\xf1\xf2\xf0\xe0  </Naim>\n"
    "    <Osn>5.1.4</Osn><Komment/>\n"
    "    <DATEBEG>01.01.2011</DATEBEG><DATEEND>31.12.2021</DATEEND>\n"
    "  </zap>\n"
    /* names in capitals, the text in Komment, ISO dates with a time */
    "  <zap><KOD> 221 </KOD><OSN>1.10.1</OSN><NAIM></NAIM>"
    /* "Позиция реестра оплачена ранее" */
    "<KOMMENT>\xcf\xee\xe7\xe8\xf6\xe8\xff \xf0\xe5\xe5\xf1\xf2\xf0\xe0 "
    "\xee\xef\xeb\xe0\xf7\xe5\xed\xe0 \xf0\xe0\xed\xe5\xe5</KOMMENT>"
    "<DATEBEG>2022-01-01T00:00:00</DATEBEG><DATEEND/></zap>\n"
    /* a time after the Russian date; no DATEEND at all */
    "  <zap><Kod>1</Kod><Osn>1.1</Osn><Naim>A &amp; B</Naim>"
    "<DATEBEG>01.03.2023 0:00:00</DATEBEG></zap>\n"
    "</packet>\n";

static void
test_nsi_f014(void **state)
{
	struct oms_buf out;
	struct oms_err e = { 0 };
	size_t n = 99;

	(void)state;
	oms_buf_init(&out, 0);
	assert_int_equal(oms_buf_adds(&out, "kept\n", &e), 0);
	assert_int_equal(convert(f014_cp1251, "F014.xml", &out, &n, &e), 0);
	assert_int_equal(e.code, OMS_EOK);
	assert_int_equal(n, 3);
	assert_string_equal(out.s,
	    "kept\n"
	    "code\tosn\tname\tfrom\tto\n"
	    "53\t5.1.4\tНекорректное заполнение полей реестра\t"
	    "2011-01-01\t2021-12-31\n"
	    "221\t1.10.1\tПозиция реестра оплачена ранее\t2022-01-01\t\n"
	    "1\t1.1\tA & B\t2023-03-01\t\n");
	oms_buf_release(&out);
}

/* UTF-8 without a declaration, names in other cases, Q015 and Q016 ids */
static const char q015_utf8[] =
    "<PACKET>\n"
    "<ZGLV><TYPE>Q015</TYPE></ZGLV>\n"
    "<ZAP><ID_TEST>003F.00.2110</ID_TEST>"
    "<ID_EL>ZL_LIST/ZAP/N_ZAP</ID_EL>"
    "<TYPE_MD><TYPE_D>H</TYPE_D><TYPE_D>C</TYPE_D></TYPE_MD>"
    "<COMMENT>Номер записи не уникален</COMMENT>"
    "<DATEBEG>01.01.2019</DATEBEG></ZAP>\n"
    "<ZAP><id_test>003K.00.0430</id_test>"
    "<desc_test>Койко-дни\tпревышают  длительность</desc_test>"
    "<comment>не это</comment></ZAP>\n"
    "<ZAP><ID_TEST>006F.00.0310</ID_TEST><DESC_TEST> </DESC_TEST>"
    "<COMMENT>NPR_DATE &lt;= DATE_Z_1, путь A\\B</COMMENT></ZAP>\n"
    "<ZAP><ID_TEST>001T.00.0000</ID_TEST></ZAP>\n"
    "</PACKET>\n";

static void
test_nsi_q015(void **state)
{
	struct oms_buf out;
	struct oms_err e = { 0 };
	size_t n = 0;

	(void)state;
	oms_buf_init(&out, 0);
	assert_int_equal(convert(q015_utf8, "Q015.xml", &out, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_string_equal(out.s,
	    "code\tname\n"
	    "003F.00.2110\tНомер записи не уникален\n"
	    "003K.00.0430\tКойко-дни превышают длительность\n"
	    "006F.00.0310\tNPR_DATE <= DATE_Z_1, путь A\\\\B\n"
	    "001T.00.0000\t\n");
	oms_buf_release(&out);
}

static void
test_nsi_unknown(void **state)
{
	struct oms_buf out;
	struct oms_err e = { 0 };
	size_t n = 7;

	(void)state;
	oms_buf_init(&out, 0);
	assert_int_equal(oms_buf_adds(&out, "kept\n", &e), 0);
	assert_int_equal(convert("<?xml version=\"1.0\"?>\n<packet>\n"
	    "<zglv><type>F002</type></zglv>\n"
	    "<zap><smocod>76001</smocod><nam_smop>X</nam_smop></zap>\n"
	    "</packet>\n", "F002.xml", &out, &n, &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "F002.xml:4");
	assert_string_equal(e.msg, "unknown NSI layout: <zap> has smocod, "
	    "nam_smop; expected Kod with Osn or Naim (F014), or ID_TEST "
	    "(Q015, Q016)");
	assert_string_equal(out.s, "kept\n");	/* as it was */
	assert_int_equal(n, 7);
	oms_buf_release(&out);
}

static void
test_nsi_errors(void **state)
{
	struct oms_buf out;
	struct oms_err e = { 0 };

	(void)state;
	oms_buf_init(&out, 0);

	/* not a packet */
	assert_int_equal(convert("<ZL_LIST><ZGLV/></ZL_LIST>", "h.xml", &out,
	    NULL, &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "h.xml:1");
	assert_string_equal(e.msg,
	    "root element <ZL_LIST> is not <packet>: not an NSI packet");

	/* records under another name (the F002 download uses insCompany) */
	assert_int_equal(convert("<packet>\n<zglv/>\n<insCompany/>\n</packet>",
	    "e.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "e.xml");
	assert_string_equal(e.msg, "no <zap> records in the packet; expected "
	    "packet/zap with Kod with Osn or Naim (F014), or ID_TEST "
	    "(Q015, Q016)");

	/* a date that does not exist, on its own line */
	assert_int_equal(convert("<packet>\n<zap><Kod>53</Kod><Osn>5.1.4</Osn>"
	    "\n<DATEBEG>31.02.2020</DATEBEG></zap>\n</packet>", "d.xml", &out,
	    NULL, &e), -1);
	assert_string_equal(e.where, "d.xml:3");
	assert_string_equal(e.msg, "DATEBEG \"31.02.2020\" is not a date "
	    "(DD.MM.YYYY or YYYY-MM-DD)");

	/* S_OSN is numeric */
	assert_int_equal(convert("<packet><zap><Kod>5.1.4</Kod><Osn>5.1.4"
	    "</Osn></zap></packet>", "k.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "k.xml:1");
	assert_string_equal(e.msg, "Kod \"5.1.4\" is not a number");

	/* a later record without the key */
	assert_int_equal(convert("<packet>\n<zap><Kod>1</Kod><Osn>1.1</Osn>"
	    "</zap>\n<zap><Osn>1.2</Osn></zap>\n</packet>", "m.xml", &out,
	    NULL, &e), -1);
	assert_string_equal(e.where, "m.xml:3");
	assert_string_equal(e.msg, "<zap> without Kod (the F014 code)");
	assert_int_equal(out.len, 0);

	/* malformed XML */
	assert_int_equal(convert("<packet><zap><Kod>1</Kod></packet>",
	    "x.xml", &out, NULL, &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "x.xml:1");

	/* DTDs are refused */
	assert_int_equal(convert("<!DOCTYPE packet [<!ENTITY a \"b\">]>\n"
	    "<packet><zap><Kod>1</Kod><Osn>&a;</Osn></zap></packet>", "t.xml",
	    &out, NULL, &e), -1);
	assert_int_equal(e.code, OMS_EDATA);

	/* no such file */
	assert_int_equal(oms_nsi_convert("/nonexistent/F014.xml", "F014.xml",
	    &out, NULL, &e), -1);
	assert_int_equal(e.code, OMS_EIO);
	assert_string_equal(e.where, "F014.xml");
	oms_buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsi_f014),
		cmocka_unit_test(test_nsi_q015),
		cmocka_unit_test(test_nsi_unknown),
		cmocka_unit_test(test_nsi_errors),
	};
	int r;

	LIBXML_TEST_VERSION
	cmocka_set_message_output(CM_OUTPUT_TAP);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return (r);
}
