/*
 * test_nsi.c -- NSI packets of the federal fund into TSV: the F014 and
 * Q015 layouts, F002 in both generations, the common layout of the V-,
 * F- and N-tables, the books M001 and M002, encodings, dates, the
 * errors; the insurers' register read back by day
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
	struct oms_nsi_info info;
	char path[64];
	int r;

	packet(path, bytes);
	r = oms_nsi_convert(path, name, out, &info, e);
	unlink(path);
	if (r == 0 && nrows != NULL)
		*nrows = info.nrows;
	return (r);
}

/* The catalog bytes turned out to be, or NULL on error. */
static const char *
catalog(const char *bytes, struct oms_buf *out, struct oms_err *e)
{
	struct oms_nsi_info info;
	char path[64];
	int r;

	packet(path, bytes);
	r = oms_nsi_convert(path, "p.xml", out, &info, e);
	unlink(path);
	return (r == 0 ? info.catalog : NULL);
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
	    "<zglv><type>V099</type></zglv>\n"
	    "<zap><IDXX>1</IDXX><XXNAME>X</XXNAME></zap>\n"
	    "</packet>\n", "V099.xml", &out, &n, &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "V099.xml:4");
	assert_string_equal(e.msg, "unknown NSI layout: <zap> has IDXX, "
	    "XXNAME; expected the key of a known catalog (oms-nsi -l lists "
	    "them)");
	assert_string_equal(out.s, "kept\n");	/* as it was */
	assert_int_equal(n, 7);

	/* an insurers' register without the insurer's code */
	assert_int_equal(convert("<packet>\n<insCompany><smo>76001</smo>"
	    "<nam_smop>X</nam_smop></insCompany>\n</packet>\n", "F002.xml",
	    &out, &n, &e), -1);
	assert_string_equal(e.where, "F002.xml:2");
	assert_string_equal(e.msg, "unknown NSI layout: <insCompany> has "
	    "smo, nam_smop; expected smocod (F002)");

	/* records under a name no layout has */
	assert_int_equal(convert("<packet>\n<zglv/>\n<rec><IDPR>1</IDPR>"
	    "</rec>\n</packet>", "r.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "r.xml:3");
	assert_string_equal(e.msg, "unknown NSI layout: records called "
	    "<rec>; expected <zap> or <insCompany> in a <packet>");

	/* a packet whose header names another catalog than its records */
	assert_int_equal(convert("<packet>\n<zglv><type>V012</type></zglv>\n"
	    "<zap><IDRMP>101</IDRMP><DATEBEG>01.01.2011</DATEBEG></zap>\n"
	    "</packet>", "v.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "v.xml:3");
	assert_string_equal(e.msg, "the packet says it is V012 (zglv/type) "
	    "but its records are V009's (IDRMP)");

	/* a header naming a catalog oms-nsi does not know */
	assert_int_equal(convert("<packet>\n<zglv><type>N099</type></zglv>\n"
	    "<zap><ID_St>1</ID_St><DATEBEG>01.09.2018</DATEBEG></zap>\n"
	    "</packet>", "n.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "n.xml:3");
	assert_string_equal(e.msg, "the packet says it is N099 (zglv/type), "
	    "a catalog oms-nsi does not know (its records look like N002's)");

	/* two catalogs in one packet */
	assert_int_equal(convert("<packet>\n<zap><IDPR>1</IDPR><DATEBEG>"
	    "01.01.2011</DATEBEG></zap>\n<insCompany><smocod>76001</smocod>"
	    "</insCompany>\n</packet>", "two.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "two.xml:3");
	assert_string_equal(e.msg, "<insCompany> among <zap> records: a "
	    "packet holds one catalog");
	assert_string_equal(out.s, "kept\n");
	oms_buf_release(&out);
}

/*
 * F002 as nsi.ffoms.ru gave it: <packet> with a zglv, insCompany records
 * in lower case; the requisites, the addresses joined, the dates of
 * inclusion in the register.  Synthetic insurers.
 */
static const char f002_nsi[] =
    "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n"
    "<packet>\n"
    "<zglv><type>F002</type><version>2.3</version><date>01.03.2024</date>"
    "</zglv>\n"
    "<insCompany><tf_okato>76000</tf_okato><smocod>76001</smocod>\n"
    /* "СМО «Пример-1» (пример)", "СМО-1" */
    "<nam_smop>\xd1\xcc\xce \xab\xcf\xf0\xe8\xec\xe5\xf0-1\xbb "
    "(\xef\xf0\xe8\xec\xe5\xf0)</nam_smop><nam_smok>\xd1\xcc\xce-1"
    "</nam_smok>\n"
    "<inn>7600000011</inn><Ogrn>1027600000011</Ogrn><KPP>760401011</KPP>\n"
    "<jurAddress><index_j>150000</index_j><addr_j>Example st. 2"
    "</addr_j></jurAddress>\n"
    "<pstAddress><index_f/><addr_f>PO box 1</addr_f></pstAddress>\n"
    "<okopf>12300</okopf><licenziy><n_doc>1</n_doc></licenziy>\n"
    "<insInclude><d_begin>01.01.2011</d_begin><d_end/></insInclude>\n"
    "<d_edit>01.02.2024</d_edit></insCompany>\n"
    /* an insurer that left the register; no KPP, no addresses */
    "<insCompany><tf_okato>76000</tf_okato><smocod>76003</smocod>"
    "<nam_smop>Old insurer (example)</nam_smop><inn>7600000033</inn>"
    "<Ogrn>1027600000033</Ogrn>"
    "<insInclude><d_begin>01.01.2011</d_begin><d_end>30.06.2023</d_end>"
    "</insInclude></insCompany>\n"
    "</packet>\n";

/* the same register as ЕРСМО gives it since 2024: PACKET, VERSION, DATE */
static const char f002_ersmo[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<PACKET><VERSION>1.0</VERSION><DATE>2024-06-01</DATE>\n"
    "<insCompany><TF_OKATO>76000</TF_OKATO><smocod>76001</smocod>"
    "<nam_smop>СМО «Пример-1» (пример)</nam_smop>"
    "<nam_smok>СМО-1</nam_smok><INN>7600000011</INN>"
    "<Ogrn>1027600000011</Ogrn><KPP>760401011</KPP>"
    "<jurAddress><INDEX_J>150000</INDEX_J><ADDR_J>Example st. 2</ADDR_J>"
    "</jurAddress><pstAddress><addr_f>PO box 1</addr_f></pstAddress>"
    "<insInclude><d_begin>2011-01-01</d_begin><d_end></d_end>"
    "</insInclude><D_EDIT>2024-05-20</D_EDIT></insCompany>\n"
    "</PACKET>\n";

static void
test_nsi_f002(void **state)
{
	static const char head[] = "code\tname\tshort\tinn\tkpp\togrn\t"
	    "address\tpost_address\tokato\tfrom\tto\n";
	static const char row1[] = "76001\tСМО «Пример-1» (пример)\tСМО-1\t"
	    "7600000011\t760401011\t1027600000011\t150000, Example st. 2\t"
	    "PO box 1\t76000\t2011-01-01\t\n";
	struct oms_buf out;
	struct oms_err e = { 0 };
	size_t n = 0;

	(void)state;
	oms_buf_init(&out, 0);
	assert_int_equal(convert(f002_nsi, "F002.xml", &out, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out.s, "code\tname\tshort\tinn\tkpp\togrn\t"
	    "address\tpost_address\tokato\tfrom\tto\n"
	    "76001\tСМО «Пример-1» (пример)\tСМО-1\t"
	    "7600000011\t760401011\t1027600000011\t150000, Example st. 2\t"
	    "PO box 1\t76000\t2011-01-01\t\n"
	    "76003\tOld insurer (example)\t\t7600000033\t\t1027600000033\t"
	    "\t\t76000\t2011-01-01\t2023-06-30\n");
	oms_buf_reset(&out);
	assert_string_equal(catalog(f002_ersmo, &out, &e), "F002");
	assert_true(strncmp(out.s, head, sizeof(head) - 1) == 0);
	assert_string_equal(out.s + sizeof(head) - 1, row1);

	/* the name is required; tax numbers are digits */
	oms_buf_reset(&out);
	assert_int_equal(convert("<packet>\n<insCompany><smocod>76001"
	    "</smocod>\n<nam_smok> </nam_smok></insCompany></packet>",
	    "n.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "n.xml:3");
	assert_string_equal(e.msg, "<insCompany> without nam_smop or "
	    "nam_smok (column name of F002)");
	assert_int_equal(convert("<packet>\n<insCompany><smocod>76001"
	    "</smocod><nam_smop>X</nam_smop>\n<KPP>7604O1001</KPP>"
	    "</insCompany></packet>", "k.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "k.xml:3");
	assert_string_equal(e.msg, "KPP \"7604O1001\" is not a number");
	assert_int_equal(out.len, 0);
	oms_buf_release(&out);
}

/* The common layout: code name from to and the second keys. */
static void
test_nsi_common(void **state)
{
	struct oms_buf out;
	struct oms_err e = { 0 };

	(void)state;
	oms_buf_init(&out, 0);
	assert_string_equal(catalog("<packet><zglv><type>V012</type></zglv>"
	    "<zap><IDIZ>101</IDIZ><IZNAME>Выздоровление</IZNAME>"
	    "<DL_USLOV>1</DL_USLOV><DATEBEG>01.01.2011</DATEBEG>"
	    "<DATEEND/></zap></packet>", &out, &e), "V012");
	assert_string_equal(out.s, "code\tname\tfrom\tto\tusl_ok\n"
	    "101\tВыздоровление\t2011-01-01\t\t1\n");

	/* a code as the registry writes it: "1.0" of V025, ДВ4 of V016 */
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><IDPC>1.0</IDPC>"
	    "<N_PC>Посещение</N_PC><DATEBEG>2018-01-01</DATEBEG></zap>"
	    "</packet>", &out, &e), "V025");
	assert_string_equal(out.s, "code\tname\tfrom\tto\n"
	    "1.0\tПосещение\t2018-01-01\t\n");
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><IDDT>ДВ4</IDDT>"
	    "<DTNAME>Диспансеризация</DTNAME><DATEBEG>01.06.2021</DATEBEG>"
	    "</zap></packet>", &out, &e), "V016");

	/* N008 has N007's key too: it is N008 */
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><ID_R_M>4</ID_R_M>"
	    "<ID_Mrf>1</ID_Mrf><R_M_NAME>G2</R_M_NAME>"
	    "<DATEBEG>01.09.2018</DATEBEG></zap></packet>", &out, &e), "N008");
	assert_string_equal(out.s, "code\tname\tfrom\tto\tmrf\n"
	    "4\tG2\t2018-09-01\t\t1\n");

	/* N021 by what REGNUM_DOP names, ID_LEKP_EXT, else ID_LEKP */
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><ID_ZAP>1</ID_ZAP>"
	    "<CODE_SH>sh1</CODE_SH><ID_LEKP>000001</ID_LEKP><ID_LEKP_EXT>"
	    "000009</ID_LEKP_EXT><DATEBEG>01.09.2018</DATEBEG></zap>"
	    "<zap><ID_ZAP>2</ID_ZAP><CODE_SH>sh1</CODE_SH><ID_LEKP>000002"
	    "</ID_LEKP><DATEBEG>01.09.2018</DATEBEG></zap></packet>", &out,
	    &e), "N021");
	assert_string_equal(out.s, "code\tname\tfrom\tto\tcode_sh\tid_lekp\t"
	    "id_zap\n000009\t\t2018-09-01\t\tsh1\t000001\t1\n"
	    "000002\t\t2018-09-01\t\tsh1\t000002\t2\n");

	/* N006 holds N002's ID_St: it is N006 */
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><ID_gr>7</ID_gr><DS_gr>C16"
	    "</DS_gr><ID_St>1</ID_St><ID_T>2</ID_T><ID_N>3</ID_N><ID_M>4"
	    "</ID_M><DATEBEG>01.09.2018</DATEBEG></zap></packet>", &out, &e),
	    "N006");
	assert_string_equal(out.s, "code\tname\tfrom\tto\tds\tst\tt\tn\tm\n"
	    "7\t\t2018-09-01\t\tC16\t1\t2\t3\t4\n");

	/* the stage and its diagnosis */
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><ID_St>1</ID_St>"
	    "<DS_St>C00</DS_St><KOD_St>I</KOD_St><DATEBEG>01.09.2018</DATEBEG>"
	    "</zap></packet>", &out, &e), "N002");
	assert_string_equal(out.s, "code\tname\tfrom\tto\tds\n"
	    "1\tI\t2018-09-01\t\tC00\n");

	/* F011's IDDoc is F008's IDDOC in another case: its masks tell */
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><IDDoc>14</IDDoc>"
	    "<DocName>P</DocName><DocSer>99 99</DocSer><DocNum>0999999"
	    "</DocNum><DATEBEG>01.01.2011</DATEBEG></zap></packet>", &out, &e),
	    "F011");
	assert_string_equal(out.s, "code\tname\tfrom\tto\tdocser\tdocnum\n"
	    "14\tP\t2011-01-01\t\t99 99\t0999999\n");
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><IDDOC>3</IDDOC>"
	    "<DOCNAME>P</DOCNAME><DATEBEG>01.01.2011</DATEBEG></zap></packet>",
	    &out, &e), "F008");

	/* O002: the code glued from four parts, which must fill 11 digits */
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zap><TER>78</TER><KOD1>401"
	    "</KOD1><KOD2>000</KOD2><KOD3>000</KOD3><NAME1>Y</NAME1></zap>"
	    "</packet>", &out, &e), "O002");
	assert_string_equal(out.s, "code\tname\tfrom\tto\n"
	    "78401000000\tY\t\t\n");
	oms_buf_reset(&out);
	assert_int_equal(convert("<packet>\n<zap><TER>78</TER><KOD1>401"
	    "</KOD1><KOD2>0</KOD2><KOD3>000</KOD3></zap></packet>", "o.xml",
	    &out, NULL, &e), -1);
	assert_string_equal(e.where, "o.xml:2");
	assert_string_equal(e.msg, "TER KOD1 KOD2 KOD3 give \"784010000\", "
	    "not the 11 digits of a O002 code");
	assert_int_equal(convert("<packet>\n<zap><TER>78</TER><KOD1>4x1"
	    "</KOD1><KOD2>0</KOD2><KOD3>000</KOD3></zap></packet>", "o.xml",
	    &out, NULL, &e), -1);
	assert_string_equal(e.msg, "KOD1 \"4x1\" is not a number");

	/* Q016 keeps its name from the header */
	oms_buf_reset(&out);
	assert_string_equal(catalog("<packet><zglv><type>Q016</type></zglv>"
	    "<zap><ID_TEST>003K.00.0430</ID_TEST></zap></packet>", &out, &e),
	    "Q016");

	/* DATEBEG is required in the common layout */
	oms_buf_reset(&out);
	assert_int_equal(convert("<packet>\n<zap><IDRMP>101</IDRMP>"
	    "<RMPNAME>X</RMPNAME><DL_USLOV>1</DL_USLOV></zap>\n</packet>",
	    "V009.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "V009.xml:2");
	assert_string_equal(e.msg, "<zap> without DATEBEG (column from of "
	    "V009)");
	oms_buf_release(&out);
}

/* M001 from the Ministry of Health's NSI: book/entries/entry */
static void
test_nsi_m001(void **state)
{
	struct oms_buf out;
	struct oms_err e = { 0 };
	size_t n = 0;

	(void)state;
	oms_buf_init(&out, 0);
	assert_int_equal(convert("<?xml version=\"1.0\"?>\n<book>\n"
	    "<name>x</name>\n<entries>\n"
	    "<entry><ID>1</ID><REC_CODE>01</REC_CODE><MKB_CODE>A00</MKB_CODE>"
	    "<MKB_NAME>Холера</MKB_NAME><ACTUAL>1</ACTUAL></entry>\n"
	    "<entry><ID>2</ID><MKB_CODE>A00.0</MKB_CODE><MKB_NAME>Холера "
	    "классическая</MKB_NAME><ID_PARENT>1</ID_PARENT><ACTUAL>0</ACTUAL>"
	    "</entry>\n</entries>\n</book>\n", "M001.xml", &out, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out.s, "code\tname\tfrom\tto\tactual\n"
	    "A00\tХолера\t\t\t1\n"
	    "A00.0\tХолера классическая\t\t\t0\n");

	/* something else than entry among the entries */
	oms_buf_reset(&out);
	assert_int_equal(convert("<book>\n<entries>\n<row><MKB_CODE>A00"
	    "</MKB_CODE></row>\n</entries></book>", "m.xml", &out, NULL, &e),
	    -1);
	assert_string_equal(e.where, "m.xml:3");
	assert_string_equal(e.msg, "unknown NSI layout: records called "
	    "<row>; expected <entry> in <book>/<entries>");
	oms_buf_release(&out);
}

/*
 * M002, the topography of ICD-O by ICD-10 code: book/entries/entry told
 * from M001 by ICD10 and ICDOTopography; the ID is the code, else ICD10
 */
static void
test_nsi_m002(void **state)
{
	struct oms_buf out;
	struct oms_err e = { 0 };
	size_t n = 0;

	(void)state;
	oms_buf_init(&out, 0);
	assert_string_equal(catalog("<book><entries>\n"
	    "<entry><ID>7</ID><ICD10>C43.5</ICD10>"
	    "<ICDOTopography>C44.5</ICDOTopography><TNM_7>true</TNM_7>"
	    "<TNM_8>false</TNM_8></entry>\n</entries></book>\n", &out, &e),
	    "M002");
	oms_buf_reset(&out);
	assert_int_equal(convert("<book><entries>\n"
	    "<entry><ID>7</ID><ICD10>C43.5</ICD10>"
	    "<ICDOTopography>C44.5</ICDOTopography><TNM_7>true</TNM_7>"
	    "<TNM_8>false</TNM_8></entry>\n"
	    "<entry><ICDOTopography>C50.4</ICDOTopography>"
	    "<ICD10> C50.4 </ICD10></entry>\n"
	    "</entries></book>\n", "M002.xml", &out, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out.s,
	    "code\tname\tfrom\tto\ticd10\ticdo\ttnm7\ttnm8\n"
	    "7\t\t\t\tC43.5\tC44.5\ttrue\tfalse\n"
	    "C50.4\t\t\t\tC50.4\tC50.4\t\t\n");

	/* a later entry without its diagnosis */
	oms_buf_reset(&out);
	assert_int_equal(convert("<book><entries>\n"
	    "<entry><ID>1</ID><ICD10>C16.0</ICD10>"
	    "<ICDOTopography>C16.0</ICDOTopography></entry>\n"
	    "<entry><ID>2</ID><ICDOTopography>C16.2</ICDOTopography></entry>\n"
	    "</entries></book>\n", "m2.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "m2.xml:3");
	assert_string_equal(e.msg, "<entry> without ICD10 (column icd10 of "
	    "M002)");

	/* an entry of neither book */
	assert_int_equal(convert("<book><entries>\n<entry><ID>1</ID>"
	    "<ICD10>C16.0</ICD10></entry>\n</entries></book>\n", "m3.xml",
	    &out, NULL, &e), -1);
	assert_string_equal(e.msg, "unknown NSI layout: <entry> has ID, "
	    "ICD10; expected MKB_CODE (M001) or ICD10 with ICDOTopography "
	    "(M002)");
	oms_buf_release(&out);
}

/* ref/F002.tsv read back: the row valid on a day */
static void
test_nsi_insurers(void **state)
{
	static const char tab[] =
	    "code\tname\tshort\tinn\tkpp\togrn\taddress\tpost_address\t"
	    "okato\tfrom\tto\n"
	    "76001\tOld name\t\t7600000011\t760401011\t1027600000011\tA\t"
	    "\t76000\t2011-01-01\t2023-12-31\n"
	    "76001\tNew name\t\t7600000011\t760401012\t1027600000011\tB\t"
	    "\t76000\t2024-01-01\t\n"
	    "76003\tGone\t\t7600000033\t\t1027600000033\t\t\t76000\t"
	    "2011-01-01\t2023-06-30\n";
	static const char old[] = "code\tname\tinn\n76005\tX\t1\n";
	static const char bad[] = "code\tname\tfrom\n76005\tX\t01.01.2011\n";
	struct oms_err e = { 0 };
	struct oms_insurer ins;
	struct oms_ref *t;
	long d;
	FILE *fp;

	(void)state;
	assert_non_null(fp = fmemopen((void *)tab, sizeof(tab) - 1, "r"));
	assert_non_null(t = oms_insurers_read(fp, "F002.tsv", &e));
	fclose(fp);
	assert_int_equal(oms_date_parse("2024-11-05", &d), 0);
	assert_int_equal(oms_insurer_find(t, "76001", d, &ins), 1);
	assert_string_equal(ins.name, "New name");
	assert_string_equal(ins.kpp, "760401012");
	assert_string_equal(ins.address, "B");
	assert_int_equal(ins.to, -1);
	assert_int_equal(oms_date_parse("2024-01-01", &d), 0);	/* its first */
	assert_int_equal(oms_insurer_find(t, "76001", d, &ins), 1);
	assert_string_equal(ins.name, "New name");
	assert_int_equal(oms_date_parse("2023-05-01", &d), 0);
	assert_int_equal(oms_insurer_find(t, "76001", d, &ins), 1);
	assert_string_equal(ins.name, "Old name");
	assert_int_equal(oms_insurer_find(t, "76003", d, &ins), 1);
	assert_int_equal(oms_date_parse("2024-11-05", &d), 0);
	assert_int_equal(oms_insurer_find(t, "76003", d, &ins), 2);
	assert_string_equal(ins.name, "Gone");
	assert_int_equal(oms_date_parse("2023-06-30", &d), 0);
	assert_int_equal(ins.to, d);
	assert_int_equal(oms_insurer_find(t, "76099", d, &ins), 0);
	assert_int_equal(oms_insurer_find(NULL, "76001", d, &ins), 0);
	oms_ref_free(t);

	/* the older layout: no dates, no short name */
	assert_non_null(fp = fmemopen((void *)old, strlen(old), "r"));
	assert_non_null(t = oms_insurers_read(fp, "F002.tsv", &e));
	fclose(fp);
	assert_int_equal(oms_insurer_find(t, "76005", d, &ins), 1);
	assert_string_equal(ins.inn, "1");
	assert_string_equal(ins.kpp, "");
	assert_int_equal(ins.from, -1);
	oms_ref_free(t);

	/* a date that is not one, with the line */
	assert_non_null(fp = fmemopen((void *)bad, strlen(bad), "r"));
	assert_null(oms_insurers_read(fp, "F002.tsv", &e));
	fclose(fp);
	assert_string_equal(e.where, "F002.tsv:2");
	assert_string_equal(e.msg, "a validity date (from, to) is not "
	    "YYYY-MM-DD");
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
	    "root element <ZL_LIST> is not <packet> (or <book>): not an "
	    "NSI packet");

	/* a packet of a header only */
	assert_int_equal(convert("<packet>\n<zglv/>\n<VERSION>1</VERSION>"
	    "\n</packet>", "e.xml", &out, NULL, &e), -1);
	assert_string_equal(e.where, "e.xml");
	assert_string_equal(e.msg, "no records in the packet; expected "
	    "<zap> or <insCompany> records in <packet>");

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
		cmocka_unit_test(test_nsi_f002),
		cmocka_unit_test(test_nsi_common),
		cmocka_unit_test(test_nsi_m001),
		cmocka_unit_test(test_nsi_m002),
		cmocka_unit_test(test_nsi_insurers),
		cmocka_unit_test(test_nsi_errors),
	};
	int r;

	LIBXML_TEST_VERSION
	cmocka_set_message_output(CM_OUTPUT_TAP);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return (r);
}
