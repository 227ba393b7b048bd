/*
 * test_lib.c -- encoding sniffing, atomic files, the workspace lock, the
 * rule engine and the version timeline
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iconv.h>
#include <unistd.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "oms_int.h"

static int
sniff(const char *bytes, char *out)
{
	struct oms_err e = { 0 };

	return (omsi_sniff_encoding((const unsigned char *)bytes,
	    strlen(bytes), 1, out, 32, "x.xml", &e));
}

static void
test_sniff(void **state)
{
	char enc[32];
	struct oms_err e = { 0 };

	(void)state;
	/* cp1251 bytes as declared */
	assert_int_equal(sniff("<?xml version=\"1.0\" encoding=\"windows-1251\""
	    "?><a>\xc8\xc2\xc0\xcd\xce\xc2</a>", enc), 0);
	assert_string_equal(enc, "windows-1251");
	/* declared cp1251, really UTF-8: the bytes win */
	assert_int_equal(sniff("<?xml version=\"1.0\" encoding=\"windows-1251\""
	    "?><a>\xd0\x98\xd0\x92\xd0\x90\xd0\x9d</a>", enc), 0);
	assert_string_equal(enc, "UTF-8");
	/* declared UTF-8, really cp1251 */
	assert_int_equal(sniff("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<a>\xc8\xc2\xc0\xcd\xce\xc2</a>", enc), 0);
	assert_string_equal(enc, "windows-1251");
	/* no declaration, ASCII */
	assert_int_equal(sniff("<a>b</a>", enc), 0);
	assert_string_equal(enc, "UTF-8");
	/* UTF-8 BOM */
	assert_int_equal(sniff("\xef\xbb\xbf<a>\xd0\x98</a>", enc), 0);
	assert_string_equal(enc, "UTF-8");
	/* a BOM that lies */
	assert_int_equal(omsi_sniff_encoding((const unsigned char *)
	    "\xef\xbb\xbf<a>\xc8\xc2</a>", 12, 1, enc, sizeof(enc), "b.xml",
	    &e), -1);
	assert_string_equal(e.where, "b.xml:1");
	/* UTF-16 is refused */
	assert_int_equal(omsi_sniff_encoding((const unsigned char *)
	    "\xff\xfe<\0a\0", 6, 1, enc, sizeof(enc), "c.xml", &e), -1);
	assert_non_null(strstr(e.msg, "UTF-16"));
	/* binary junk: neither */
	assert_int_equal(sniff("<a>\x81\x82\x83\x84\x85</a>", enc), -1);
	/* a multibyte sequence cut by the end of the sniffed block */
	assert_int_equal(omsi_sniff_encoding((const unsigned char *)
	    "<a>\xd0\x98\xd0", 6, 0, enc, sizeof(enc), "d.xml", &e), 0);
	assert_string_equal(enc, "UTF-8");
}

static void
test_afile(void **state)
{
	char dir[] = "/tmp/oms-test-afile-XXXXXX", path[128];
	struct oms_afile af;
	struct oms_err e = { 0 };
	struct stat st;
	FILE *fp;
	char buf[16] = "";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.zip", dir);
	/* abort leaves nothing */
	assert_int_equal(oms_afile_open(&af, path, &e), 0);
	fputs("half", af.fp);
	oms_afile_abort(&af);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(rmdir(dir), 0);	/* no temp file either */
	assert_non_null(mkdtemp(strcpy(dir, "/tmp/oms-test-afile-XXXXXX")));
	snprintf(path, sizeof(path), "%s/out.zip", dir);
	umask(022);
	assert_int_equal(oms_afile_open(&af, path, &e), 0);
	fputs("whole", af.fp);
	assert_int_equal(oms_afile_commit(&af, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	fp = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_string_equal(buf, "whole");
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_lock(void **state)
{
	char dir[] = "/tmp/oms-test-ws-XXXXXX", p[128];
	struct oms_ws a, b;
	struct oms_err e = { 0 };
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/oms.conf", dir);
	fp = fopen(p, "w");
	fputs("profile = ffoms\nmo = 760001\nogrn = 1027600000001\n"
	    "kpp = 760401001\ntfoms = 76\n", fp);
	fclose(fp);
	assert_int_equal(oms_ws_open(&a, dir, &e), 0);
	assert_int_equal(oms_ws_open(&b, dir, &e), 0);
	assert_int_equal(oms_ws_lock(&a, &e), 0);
	assert_int_equal(oms_ws_lock(&b, &e), -1);
	assert_int_equal(e.code, OMS_ELOCKED);
	assert_non_null(strstr(e.msg, "in use by another oms run"));
	oms_ws_close(&a);
	assert_int_equal(oms_ws_lock(&b, &e), 0);
	oms_ws_close(&b);
	unlink(p);
	snprintf(p, sizeof(p), "%s/.oms.lock", dir);
	unlink(p);
	assert_int_equal(rmdir(dir), 0);
}

/* ----------------------------------------------------------- rules */

struct found {
	char	ids[512];
	int	n;
};

static void
report(void *arg, const char *id, int warning, unsigned long line,
    const char *msg)
{
	struct found *f = arg;

	(void)warning;
	(void)line;
	(void)msg;
	strcat(f->ids, id);
	strcat(f->ids, " ");
	f->n++;
}

static char *
no_ref(void *arg, const char *name)
{
	(void)arg;
	return (strdup(name));
}

static const char rules[] =
    "id\tscope\tkinds\tversions\tseverity\tcontext\tcheck\ttarget\targ\t"
    "when\tmessage\n"
    "SUM\tZAP\t*\t*\terror\tZ_SL\tsum\tSUMV\tSL/SUM_M\t\tm\n"
    "DATE\tZAP\t*\t*\terror\tZ_SL/SL/USL\tge\tDATE_IN\t../../DATE_Z_1\t\tm\n"
    "PER\tZAP\t*\t*\terror\tZ_SL\tle\tDATE_Z_2\t@period_end\t\tm\n"
    "COND\tZAP\t*\t*\terror\tZ_SL\trequired\tNPR_MO\t\tUSL_OK~2\tm\n"
    "NEG\tZAP\t*\t*\terror\tPACIENT\tabsent\tSPOLIS\t\tVPOLIS!~1\tm\n"
    "UNIQ\tZAP\t*\t*\terror\t.\tunique\tZ_SL/SL/SL_ID\tregistry\t\tm\n"
    "NEW\tZAP\t*\t5.0-\terror\tPACIENT\trequired\tSOC\t\t\tm\n"
    "DONLY\tZAP\tD*\t*\terror\t.\trequired\tNOPE\t\t\tm\n"
    "RE\tZAP\t*\t*\twarning\tZ_SL/SL\tmatch\tDS1\t[A-Z]\\\\d\\\\d(\\\\.\\\\d)?\t\tm\n";

static struct oms_rules *
load_rules(void)
{
	char p[] = "/tmp/oms-test-rules-XXXXXX";
	struct oms_err e = { 0 };
	struct oms_rules *rs;
	int fd;

	fd = mkstemp(p);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, rules, strlen(rules)),
	    (ssize_t)strlen(rules));
	close(fd);
	rs = oms_rules_load(p, no_ref, NULL, &e);
	if (rs == NULL)
		fail_msg("%s: %s", e.where, e.msg);
	unlink(p);
	return (rs);
}

static int
run(struct oms_rules *rs, const char *xml, const char *kind,
    const char *version, struct found *f)
{
	struct omsi_rulectx rc;
	struct oms_err e = { 0 };
	xmlDocPtr doc;
	int n;

	memset(f, 0, sizeof(*f));
	memset(&rc, 0, sizeof(rc));
	rc.kind = kind;
	rc.version = version;
	oms_date_parse("2026-10-01", &rc.period_first);
	oms_date_parse("2026-10-31", &rc.period_last);
	rc.report = report;
	rc.arg = f;
	doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL,
	    XML_PARSE_NOBLANKS | XML_PARSE_NONET);
	assert_non_null(doc);
	n = omsi_rules_check(rs, OMSI_SCOPE_ZAP, xmlDocGetRootElement(doc),
	    &rc, &e);
	xmlFreeDoc(doc);
	return (n);
}

#define GOOD "<ZAP><PACIENT><VPOLIS>3</VPOLIS><SOC>000</SOC></PACIENT>" \
    "<Z_SL><USL_OK>3</USL_OK><DATE_Z_1>2026-10-01</DATE_Z_1>" \
    "<DATE_Z_2>2026-10-02</DATE_Z_2><SL><SL_ID>s1</SL_ID><DS1>J06.9</DS1>" \
    "<SUM_M>1.50</SUM_M><USL><DATE_IN>2026-10-01</DATE_IN></USL></SL>" \
    "<SL><SL_ID>s2</SL_ID><DS1>J06</DS1><SUM_M>2</SUM_M></SL>" \
    "<SUMV>3.50</SUMV></Z_SL></ZAP>"

static void
test_rules(void **state)
{
	struct oms_rules *rs = load_rules();
	struct found f;

	(void)state;
	assert_int_equal(oms_rules_count(rs), 9);
	assert_int_equal(run(rs, GOOD, "H", "5.1", &f), 0);
	assert_string_equal(f.ids, "");
	/* the same SL_IDs again in the same registry */
	assert_int_equal(run(rs, GOOD, "H", "5.1", &f), 2);
	assert_string_equal(f.ids, "UNIQ UNIQ ");
	omsi_rules_reset(rs);
	assert_int_equal(run(rs, GOOD, "H", "5.1", &f), 0);
	omsi_rules_reset(rs);
	/* SUMV off by a kopeck, a service before the case, a late case,
	 * a day hospital without NPR_MO, SPOLIS with VPOLIS 3, no SOC in
	 * 5.1, a bad DS1 (warning only) */
	assert_int_equal(run(rs, "<ZAP><PACIENT><VPOLIS>3</VPOLIS>"
	    "<SPOLIS>X</SPOLIS></PACIENT><Z_SL><USL_OK>2</USL_OK>"
	    "<DATE_Z_1>2026-10-05</DATE_Z_1><DATE_Z_2>2026-11-01</DATE_Z_2>"
	    "<SL><SL_ID>z</SL_ID><DS1>J0</DS1><SUM_M>1.00</SUM_M><USL>"
	    "<DATE_IN>2026-10-04</DATE_IN></USL></SL><SUMV>1.01</SUMV></Z_SL>"
	    "</ZAP>", "H", "5.1", &f), 6);
	assert_string_equal(f.ids, "SUM DATE PER COND NEG NEW RE ");
	/* versions and kinds select rules */
	omsi_rules_reset(rs);
	assert_int_equal(run(rs, "<ZAP><PACIENT><VPOLIS>3</VPOLIS></PACIENT>"
	    "</ZAP>", "H", "4.0", &f), 0);
	assert_int_equal(run(rs, "<ZAP><PACIENT><VPOLIS>3</VPOLIS></PACIENT>"
	    "</ZAP>", "DP", "4.0", &f), 1);
	assert_string_equal(f.ids, "DONLY ");
	/* oms.conf rule.ID = off / warning */
	omsi_rules_reset(rs);
	{
		struct oms_err e = { 0 };

		assert_int_equal(oms_rules_set(rs, "DONLY", "off", &e), 0);
		assert_int_equal(oms_rules_set(rs, "NEW", "warning", &e), 0);
		assert_int_equal(oms_rules_set(rs, "NOPE", "off", &e), -1);
		assert_non_null(strstr(e.msg, "no rule with that id"));
		assert_int_equal(oms_rules_set(rs, "SUM", "maybe", &e), -1);
		assert_non_null(strstr(e.msg, "not off, warning or error"));
	}
	assert_int_equal(run(rs, "<ZAP><PACIENT><VPOLIS>3</VPOLIS></PACIENT>"
	    "</ZAP>", "DP", "5.1", &f), 0);
	assert_string_equal(f.ids, "NEW ");	/* reported, not counted */
	oms_rules_free(rs);
}

static void
test_rules_bad_table(void **state)
{
	char p[] = "/tmp/oms-test-rules-XXXXXX";
	struct oms_err e = { 0 };
	const char bad[] = "id\tscope\tkinds\tversions\tseverity\tcontext\t"
	    "check\ttarget\targ\twhen\tmessage\n"
	    "X\tZAP\t*\t*\terror\t.\tfrobnicate\tA\t\t\tm\n";
	int fd;

	(void)state;
	fd = mkstemp(p);
	assert_int_equal(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
	close(fd);
	assert_null(oms_rules_load(p, no_ref, NULL, &e));
	assert_non_null(strstr(e.where, ":2"));
	assert_non_null(strstr(e.msg, "unknown check \"frobnicate\""));
	unlink(p);
}

/* A temporary file holding text; the caller unlinks it. */
static void
tmpfile_with(char *p, const char *text)
{
	int fd;

	fd = mkstemp(p);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	close(fd);
}

static void
test_reasons(void **state)
{
	char f014[] = "/tmp/oms-test-f014-XXXXXX";
	char q015[] = "/tmp/oms-test-q015-XXXXXX";
	char bad[] = "/tmp/oms-test-bad-XXXXXX";
	struct oms_err e = { 0 };
	struct oms_reasons *r;
	const char *osn;
	long d2020, d2026;

	(void)state;
	tmpfile_with(f014, "code\tosn\tname\tfrom\tto\n"
	    "53\t5.1.4\told wording\t2011-01-01\t2021-12-31\n"
	    "53\t1.3.4\tnew wording\t2022-01-01\t\n"
	    "202\t1.3.4\tfields\t2022-01-01\t\n"
	    "003F.00.0090\t\tan F014 row of the same name\t\t\n");
	tmpfile_with(q015, "code\tname\n003F.00.0090\tNPOLIS required\n");
	tmpfile_with(bad, "code\tosn\tname\tfrom\tto\n"
	    "1\t\tx\t31.12.2021\t\n");
	assert_int_equal(oms_date_parse("2020-05-01", &d2020), 0);
	assert_int_equal(oms_date_parse("2026-10-01", &d2026), 0);

	r = oms_reasons_load(f014, q015, NULL, &e);
	assert_non_null(r);
	/* the row valid on the day; without a day, the one valid last */
	assert_string_equal(oms_reasons_text(r, OMS_STAGE_CONTROL, "53",
	    d2020, &osn), "old wording");
	assert_string_equal(osn, "5.1.4");
	assert_string_equal(oms_reasons_text(r, OMS_STAGE_CONTROL, "53",
	    d2026, &osn), "new wording");
	assert_string_equal(osn, "1.3.4");
	assert_string_equal(oms_reasons_text(r, OMS_STAGE_DEMAND, "53", -1,
	    NULL), "new wording");
	/* ФЛК codes are Q015's first, МЭК codes F014's */
	assert_string_equal(oms_reasons_text(r, OMS_STAGE_FLK, "003F.00.0090",
	    d2026, NULL), "NPOLIS required");
	assert_string_equal(oms_reasons_text(r, OMS_STAGE_CONTROL,
	    "003F.00.0090", d2026, NULL), "an F014 row of the same name");
	assert_null(oms_reasons_text(r, OMS_STAGE_CONTROL, "999", d2026,
	    &osn));
	assert_string_equal(osn, "");
	/* yar76 codes are bases of refusal (Osn), or refinements of them */
	assert_string_equal(oms_reasons_text(r, OMS_STAGE_FLK, "5.1.4",
	    d2020, &osn), "old wording");
	assert_string_equal(osn, "5.1.4");
	assert_string_equal(oms_reasons_text(r, OMS_STAGE_DEMAND, "1.3.4.01",
	    d2026, NULL), "new wording");
	assert_null(oms_reasons_text(r, OMS_STAGE_DEMAND, "5.9", d2026, NULL));
	assert_null(oms_reasons_text(r, OMS_STAGE_DEMAND, "7.1.4.01", d2026,
	    NULL));
	oms_reasons_free(r);

	/* no tables at all is not an error; a bad date is, with its line */
	r = oms_reasons_load(NULL, NULL, NULL, &e);
	assert_non_null(r);
	assert_null(oms_reasons_text(r, OMS_STAGE_FLK, "53", -1, NULL));
	oms_reasons_free(r);
	assert_null(oms_reasons_load(bad, NULL, NULL, &e));
	assert_non_null(strstr(e.where, ":2"));
	unlink(f014);
	unlink(q015);
	unlink(bad);
}

/* The windows-1251 table is iconv's, byte for byte, both ways. */
static void
test_cp1251(void **state)
{
	iconv_t cd;
	unsigned b, cp;
	char in[1], out[8], *ip, *op;
	size_t il, ol;

	(void)state;
	cd = iconv_open("UTF-32LE", "WINDOWS-1251");
	assert_true(cd != (iconv_t)-1);
	for (b = 0; b < 256; b++) {
		in[0] = (char)b;
		ip = in;
		il = 1;
		op = out;
		ol = sizeof(out);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			assert_int_equal(omsi_cp1251_decode((unsigned char)b), 0);
			continue;
		}
		cp = (unsigned char)out[0] | (unsigned char)out[1] << 8 |
		    (unsigned char)out[2] << 16;
		assert_int_equal(omsi_cp1251_decode((unsigned char)b), cp);
		assert_int_equal(omsi_cp1251_encode(cp), (int)b);
	}
	iconv_close(cd);
	assert_int_equal(omsi_cp1251_encode(0x4E2D), -1);	/* a Han */
	assert_int_equal(oms_xml_init(), 0);
	assert_int_equal(oms_xml_init(), 0);	/* twice is once */
}

/* a deterministic generator for the codec test */
static uint32_t
cp_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8);
}

/*
 * The handler libxml2 calls, fed in pieces of every size (an ASCII run of
 * 8 and more, Cyrillic, every other character, output space of one byte
 * and up, a UTF-8 sequence split between calls): its bytes are iconv's
 * both ways, and a byte or character windows-1251 lacks stops it (-2) at
 * that very place.
 */
static void
test_cp1251_handler(void **state)
{
	xmlCharEncodingHandlerPtr h;
	unsigned char src[700], u[2400], ref[2400], back[700], *o;
	char *ip, *op;
	size_t il, ol, n, i, done, got, ulen;
	uint32_t seed = 17;
	iconv_t cd;
	int iter, in, out, lim, r;

	(void)state;
	assert_int_equal(oms_xml_init(), 0);
	h = xmlFindCharEncodingHandler(OMSI_CP1251);
	assert_non_null(h);
	assert_non_null(h->input);
	assert_non_null(h->output);
	cd = iconv_open("UTF-8", "WINDOWS-1251");
	assert_true(cd != (iconv_t)-1);
	for (iter = 0; iter < 3000; iter++) {
		n = 1 + cp_rand(&seed) % sizeof(src);
		for (i = 0; i < n; i++) {
			unsigned k = cp_rand(&seed) % 10;
			unsigned char b;

			if (k < 5)		/* long ASCII runs */
				b = (unsigned char)(' ' + cp_rand(&seed) % 95);
			else if (k < 8)		/* А..я */
				b = (unsigned char)(0xC0 + cp_rand(&seed) % 64);
			else
				b = (unsigned char)(0x80 + cp_rand(&seed) % 64);
			if (b == 0x98)
				b = 0x99;	/* not a character */
			src[i] = b;
		}
		ip = (char *)src;
		il = n;
		op = (char *)ref;
		ol = sizeof(ref);
		assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
		ulen = sizeof(ref) - ol;
		/* windows-1251 to UTF-8, in pieces */
		for (done = 0, got = 0; done < n; ) {
			in = (int)(1 + cp_rand(&seed) % 40);
			out = (int)(1 + cp_rand(&seed) % 40);
			if ((size_t)in > n - done)
				in = (int)(n - done);
			lim = out;
			r = h->input(u + got, &out, src + done, &in);
			assert_true(r >= 0);
			assert_true(out <= lim);
			done += (size_t)in;
			got += (size_t)out;
		}
		assert_int_equal(got, ulen);
		assert_memory_equal(u, ref, ulen);
		/* and back, a sequence split between calls at random */
		for (done = 0, got = 0, o = back; done < ulen; ) {
			in = (int)(1 + cp_rand(&seed) % 40);
			out = (int)(1 + cp_rand(&seed) % 40);
			if ((size_t)in > ulen - done)
				in = (int)(ulen - done);
			lim = out;
			r = h->output(o + got, &out, u + done, &in);
			assert_true(r >= 0);
			assert_true(out <= lim);
			done += (size_t)in;
			got += (size_t)out;
		}
		assert_int_equal(got, n);
		assert_memory_equal(back, src, n);
	}
	iconv_close(cd);
	/* 0x98 is not a character: stopped there, what came before kept */
	memcpy(src, "abcdefghijk\xC0\x98z", 14);
	in = 14;
	out = (int)sizeof(u);
	assert_int_equal(h->input(u, &out, src, &in), -2);
	assert_int_equal(in, 12);
	assert_int_equal(out, 13);
	assert_memory_equal(u, "abcdefghijk\xD0\x90", 13);
	/* a Han has no byte: stopped at it */
	memcpy(u, "abcdefghij\xD0\x90\xE4\xB8\xADz", 16);
	in = 16;
	out = (int)sizeof(back);
	assert_int_equal(h->output(back, &out, u, &in), -2);
	assert_int_equal(in, 12);
	assert_int_equal(out, 11);
	assert_memory_equal(back, "abcdefghij\xC0", 11);
	xmlCharEncCloseFunc(h);
}

static void
test_version_for(void **state)
{
	char p[] = "/tmp/oms-test-versions-XXXXXX";
	struct oms_conf c;
	struct oms_err e = { 0 };
	struct oms_ref *t;

	(void)state;
	memset(&c, 0, sizeof(c));
	tmpfile_with(p, "source\tversion\tkind\tfrom\n"
	    "x\t3.1\tH\t2019-01\n"
	    "x\t5.0\tH\t2025-01\n"
	    "x\t5.1\tH\t2025-07\n"
	    "x\t4.0\tH\t2024-03\n"
	    "x\t3.1\tD*\t2019-01\n"
	    "x\t5.0\tD*\t2025-01\n"
	    "x\t9.9\tDV\t2025-06\n"
	    "x\t3.2\tL\t2019-11\n");
	assert_non_null(t = oms_versions_load(p, &e));
	unlink(p);
	assert_string_equal(oms_version_for(&c, t, "H", 2025 * 12 + 6), "5.1");
	assert_string_equal(oms_version_for(&c, t, "H", 2025 * 12 + 5), "5.0");
	assert_string_equal(oms_version_for(&c, t, "H", 2025 * 12 + 0), "5.0");
	assert_string_equal(oms_version_for(&c, t, "H", 2024 * 12 + 11), "4.0");
	assert_string_equal(oms_version_for(&c, t, "H", 2024 * 12 + 2), "4.0");
	assert_string_equal(oms_version_for(&c, t, "H", 2024 * 12 + 1), "3.1");
	assert_null(oms_version_for(&c, t, "H", 2018 * 12 + 11));
	assert_null(oms_version_for(&c, t, "C", 2025 * 12 + 6));
	assert_string_equal(oms_version_for(&c, t, "DP", 2024 * 12 + 11), "3.1");
	assert_string_equal(oms_version_for(&c, t, "DP", 2026 * 12), "5.0");
	/* a kind's own rows before D*, while one applies */
	assert_string_equal(oms_version_for(&c, t, "DV", 2025 * 12 + 6), "9.9");
	assert_string_equal(oms_version_for(&c, t, "DV", 2025 * 12 + 4), "5.0");
	assert_string_equal(oms_version_for(&c, t, "L", 2019 * 12 + 10), "3.2");
	assert_null(oms_version_for(&c, t, "L", 2019 * 12 + 9));
	assert_null(oms_version_for(&c, NULL, "H", 2025 * 12));
	oms_ref_free(t);

	strcpy(p, "/tmp/oms-test-versions-XXXXXX");
	tmpfile_with(p, "kind\tfrom\tversion\nH\t2019-01\t3.1\n"
	    "HX\t2019-01\t3.1\n");
	assert_null(oms_versions_load(p, &e));
	assert_non_null(strstr(e.where, ":3"));
	assert_non_null(strstr(e.msg, "kind \"HX\""));
	unlink(p);
	strcpy(p, "/tmp/oms-test-versions-XXXXXX");
	tmpfile_with(p, "kind\tfrom\tversion\nH\t2019-13\t3.1\n");
	assert_null(oms_versions_load(p, &e));
	assert_non_null(strstr(e.where, ":2"));
	assert_non_null(strstr(e.msg, "from \"2019-13\""));
	unlink(p);
	strcpy(p, "/tmp/oms-test-versions-XXXXXX");
	tmpfile_with(p, "kind\tfrom\tversion\nH\t2019-01\t3\n");
	assert_null(oms_versions_load(p, &e));
	assert_non_null(strstr(e.msg, "version \"3\""));
	unlink(p);
	strcpy(p, "/tmp/oms-test-versions-XXXXXX");
	tmpfile_with(p, "kind\tversion\nH\t3.1\n");
	assert_null(oms_versions_load(p, &e));
	assert_non_null(strstr(e.msg, "from"));
	unlink(p);
}

/* The editions of one version: the schema column and its default. */
static void
test_edition_for(void **state)
{
	char p[] = "/tmp/oms-test-versions-XXXXXX";
	char kd[] = "version.D", kdv[] = "version.DV";
	char v31[] = "3.1", v51[] = "5.1", v99[] = "9.9";
	char *keys[2] = { kd, kdv };
	char *vals[2] = { v31, v51 };
	struct oms_conf c;
	struct oms_err e = { 0 };
	struct oms_edition ed;
	struct oms_ref *t;

	(void)state;
	memset(&c, 0, sizeof(c));
	tmpfile_with(p, "kind\tfrom\tversion\tschema\n"
	    "H\t2019-01\t3.1\t\n"
	    "D*\t2019-01\t3.1\tD-3.1-2019-01\n"
	    "D*\t2020-04\t3.1\tD-3.1-2020-04\n"
	    "D*\t2021-08\t3.1\tD-3.1\n"
	    "D*\t2025-01\t5.0\t\n"
	    "D*\t2025-07\t5.1\t\n"
	    "L\t2019-11\t3.2\t\n");
	assert_non_null(t = oms_versions_load(p, &e));
	unlink(p);
	assert_int_equal(oms_edition_for(&c, t, "DP", 2020 * 12 + 2, &ed), 0);
	assert_string_equal(ed.version, "3.1");
	assert_string_equal(ed.schema, "D-3.1-2019-01");
	assert_int_equal(oms_edition_for(&c, t, "DO", 2020 * 12 + 3, &ed), 0);
	assert_string_equal(ed.schema, "D-3.1-2020-04");
	assert_int_equal(oms_edition_for(&c, t, "DO", 2021 * 12 + 6, &ed), 0);
	assert_string_equal(ed.schema, "D-3.1-2020-04");
	assert_int_equal(oms_edition_for(&c, t, "DO", 2021 * 12 + 7, &ed), 0);
	assert_string_equal(ed.schema, "D-3.1");
	assert_string_equal(oms_version_for(&c, t, "DO", 2021 * 12 + 7), "3.1");
	/* an empty schema, or none: K-V */
	assert_int_equal(oms_edition_for(&c, t, "DP", 2025 * 12 + 7, &ed), 0);
	assert_string_equal(ed.version, "5.1");
	assert_string_equal(ed.schema, "D-5.1");
	assert_int_equal(oms_edition_for(&c, t, "H", 2021 * 12, &ed), 0);
	assert_string_equal(ed.schema, "H-3.1");
	assert_int_equal(oms_edition_for(&c, t, "L", 2021 * 12, &ed), 0);
	assert_string_equal(ed.schema, "L-3.2");
	assert_int_equal(oms_edition_for(&c, t, "C", 2021 * 12, &ed), -1);
	/*
	 * oms.conf forces the version: the table's edition of it for the
	 * period, else its first; K-V when the table has no row of it
	 */
	c.nkv = 1;
	c.keys = keys;
	c.vals = vals;
	assert_int_equal(oms_edition_for(&c, t, "DP", 2026 * 12, &ed), 0);
	assert_string_equal(ed.version, "3.1");
	assert_string_equal(ed.schema, "D-3.1");
	assert_int_equal(oms_edition_for(&c, t, "DP", 2020 * 12 + 5, &ed), 0);
	assert_string_equal(ed.schema, "D-3.1-2020-04");
	assert_int_equal(oms_edition_for(&c, t, "DP", 2018 * 12, &ed), 0);
	assert_string_equal(ed.schema, "D-3.1-2019-01");
	c.nkv = 2;	/* version.DV = 5.1 before its time: its first row */
	assert_int_equal(oms_edition_for(&c, t, "DV", 2021 * 12, &ed), 0);
	assert_string_equal(ed.version, "5.1");
	assert_string_equal(ed.schema, "D-5.1");
	vals[0] = v99;		/* no row of 9.9 */
	assert_int_equal(oms_edition_for(&c, t, "DP", 2021 * 12, &ed), 0);
	assert_string_equal(ed.schema, "D-9.9");
	assert_int_equal(oms_edition_for(&c, NULL, "DP", 2021 * 12, &ed), 0);
	assert_string_equal(ed.schema, "D-9.9");
	oms_ref_free(t);

	/* a schema must be K-V or K-V-EDITION of its own row */
	strcpy(p, "/tmp/oms-test-versions-XXXXXX");
	tmpfile_with(p, "kind\tfrom\tversion\tschema\n"
	    "D*\t2019-01\t3.1\tD-3.1-2019\n"
	    "D*\t2020-01\t3.1\tH-3.1\n");
	assert_null(oms_versions_load(p, &e));
	assert_non_null(strstr(e.where, ":3"));
	assert_non_null(strstr(e.msg, "schema \"H-3.1\""));
	unlink(p);
	strcpy(p, "/tmp/oms-test-versions-XXXXXX");
	tmpfile_with(p, "kind\tfrom\tversion\tschema\n"
	    "D*\t2019-01\t3.1\tD-3.1-../../x\n");
	assert_null(oms_versions_load(p, &e));
	assert_non_null(strstr(e.msg, "schema"));
	unlink(p);
	strcpy(p, "/tmp/oms-test-versions-XXXXXX");
	tmpfile_with(p, "kind\tfrom\tversion\tschema\n"
	    "H\t2019-01\t3.1\tH-3.10\n");
	assert_null(oms_versions_load(p, &e));
	unlink(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_afile),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_rules_bad_table),
		cmocka_unit_test(test_version_for),
		cmocka_unit_test(test_edition_for),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_cp1251),
		cmocka_unit_test(test_cp1251_handler),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
