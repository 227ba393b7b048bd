/*
 * test_conf.c -- oms.conf
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

#include "oms.h"

/* The required keys, for tests that only care about one more line. */
#define BASE \
	"profile = ffoms\n" \
	"mo = 760001\n" \
	"ogrn = 1027600000001\n" \
	"kpp = 760401001\n" \
	"tfoms = 76\n"
#define YAR \
	"profile = yar76\n" \
	"mo = 760001\n" \
	"ogrn = 1027600000001\n" \
	"kpp = 760401001\n" \
	"tfoms = 76\n"

static int
conf_str(struct oms_conf *c, const char *text, size_t len,
    struct oms_err *e)
{
	char *data;
	FILE *fp;
	int r;

	data = malloc(len + 1);
	assert_non_null(data);
	memcpy(data, text, len);
	fp = len > 0 ? fmemopen(data, len, "r") : tmpfile();
	assert_non_null(fp);
	r = oms_conf_read(c, fp, "t.conf", e);
	fclose(fp);
	free(data);
	return (r);
}

#define CONF(c, lit, e)	conf_str(c, lit, sizeof(lit) - 1, e)

/* Expect the text to be refused with where and msg; c ends released. */
static void
expect_err(const char *text, const char *where, const char *msg)
{
	struct oms_err e = { 0 };
	struct oms_conf c;

	assert_int_equal(conf_str(&c, text, strlen(text), &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, where);
	assert_string_equal(e.msg, msg);
	assert_int_equal(c.nkv, 0);
	assert_null(c.account_key);
	assert_null(c.path);
	oms_conf_release(&c);
}

static void
test_conf_full(void **state)
{
	static const char text[] =
	    "# oms.conf of a test MO\n"
	    "\n"
	    "profile = yar76\n"
	    "mo = 760001\n"
	    "ogrn\t=\t1027600000001  \n"
	    "kpp=760401001\n"
	    "tfoms = 76\n"
	    "   # indented comment\n"
	    "send_to = smo\n"
	    "account_key = pa_key\n"
	    "payers = 76001, 76002\t76003,76004\n"
	    "primary_from = 3\n"
	    "repeat_from = 2024-01-15\n"
	    "archive_ext = 7z\n"
	    "package_width = 2\n"
	    "mo_name = ГБУЗ ЯО \"Больница № 1\" # not a comment\n"
	    "mo_inn = 7601000001\n"
	    "name.registry = HM{mo}T{tfoms}_{yymm}{n}\n"
	    "pattern.flk = V(?<mo>\\d{6})_(?<yymm>\\d{4})(?<n>\\d+)(=x)?\n"
	    "version.H = 3.2\n"
	    "invoice.bank = ПАО Банк\n"
	    "rule.sum_check = off\n"
	    "mo_empty =\n";
	struct oms_err e = { 0 };
	struct oms_conf c;
	long d;

	(void)state;
	assert_int_equal(CONF(&c, text, &e), 0);
	assert_int_equal(e.code, 0);
	assert_string_equal(c.profile, "yar76");
	assert_string_equal(c.mo, "760001");
	assert_string_equal(c.ogrn, "1027600000001");
	assert_string_equal(c.kpp, "760401001");
	assert_string_equal(c.tfoms, "76");
	assert_int_equal(c.send_to, OMS_SEND_SMO);
	assert_string_equal(c.account_key, "pa_key");
	assert_non_null(c.payers);
	assert_string_equal(c.payers[0], "76001");
	assert_string_equal(c.payers[1], "76002");
	assert_string_equal(c.payers[2], "76003");
	assert_string_equal(c.payers[3], "76004");
	assert_null(c.payers[4]);
	assert_int_equal(c.primary_back, 3);
	assert_int_equal(c.primary_from, -1);
	assert_int_equal(oms_date_parse("2024-01-15", &d), 0);
	assert_int_equal(c.repeat_from, d);
	assert_int_equal(c.repeat_back, 1);
	assert_string_equal(c.archive_ext, "7z");
	assert_int_equal(c.package_width, 2);
	assert_string_equal(c.path, "t.conf");

	/* every key, raw, in file order */
	assert_int_equal(c.nkv, 20);
	assert_string_equal(c.keys[0], "profile");
	assert_int_equal(c.lines[0], 3);
	assert_string_equal(c.keys[2], "ogrn");
	assert_string_equal(c.vals[2], "1027600000001");
	assert_string_equal(c.keys[19], "mo_empty");
	assert_int_equal(c.lines[19], 23);
	assert_string_equal(oms_conf_get(&c, "mo"), "760001");
	assert_string_equal(oms_conf_get(&c, "payers"),
	    "76001, 76002\t76003,76004");
	assert_string_equal(oms_conf_get(&c, "primary_from"), "3");
	assert_string_equal(oms_conf_get(&c, "mo_name"),
	    "ГБУЗ ЯО \"Больница № 1\" # not a comment");
	assert_string_equal(oms_conf_get(&c, "pattern.flk"),
	    "V(?<mo>\\d{6})_(?<yymm>\\d{4})(?<n>\\d+)(=x)?");
	assert_string_equal(oms_conf_get(&c, "version.H"), "3.2");
	assert_string_equal(oms_conf_get(&c, "invoice.bank"), "ПАО Банк");
	assert_string_equal(oms_conf_get(&c, "rule.sum_check"), "off");
	assert_string_equal(oms_conf_get(&c, "name.registry"),
	    "HM{mo}T{tfoms}_{yymm}{n}");
	assert_string_equal(oms_conf_get(&c, "mo_empty"), "");
	assert_null(oms_conf_get(&c, "mo_address"));
	assert_null(oms_conf_get(&c, "version.h"));
	oms_conf_release(&c);
	assert_null(c.keys);
	assert_int_equal(c.nkv, 0);
	oms_conf_release(&c);		/* twice is fine */
}

static void
test_conf_defaults(void **state)
{
	struct oms_err e = { 0 };
	struct oms_conf c;

	(void)state;
	assert_int_equal(CONF(&c, BASE, &e), 0);
	assert_string_equal(c.profile, "ffoms");
	assert_int_equal(c.send_to, OMS_SEND_TFOMS);
	assert_string_equal(c.account_key, "Z_SL/SL/SL_ID");
	assert_null(c.payers);
	assert_int_equal(c.primary_back, 0);
	assert_int_equal(c.primary_from, -1);
	assert_int_equal(c.repeat_back, 1);
	assert_int_equal(c.repeat_from, -1);
	assert_string_equal(c.archive_ext, "zip");
	assert_int_equal(c.package_width, 1);
	assert_int_equal(c.nkv, 5);
	assert_null(oms_conf_get(&c, "send_to"));
	oms_conf_release(&c);
}

static void
test_conf_from(void **state)
{
	struct oms_err e = { 0 };
	struct oms_conf c;
	long d;

	(void)state;
	assert_int_equal(CONF(&c, BASE "primary_from = 2023-12-01\n"
	    "repeat_from = 120\n", &e), 0);
	assert_int_equal(oms_date_parse("2023-12-01", &d), 0);
	assert_int_equal(c.primary_from, d);
	assert_int_equal(c.primary_back, 0);
	assert_int_equal(c.repeat_back, 120);
	assert_int_equal(c.repeat_from, -1);
	oms_conf_release(&c);

	assert_int_equal(CONF(&c, BASE "repeat_from = 0\n", &e), 0);
	assert_int_equal(c.repeat_back, 0);
	oms_conf_release(&c);

	expect_err(BASE "primary_from = 121\n", "t.conf:6",
	    "primary_from: expected months from 0 to 120 or a date "
	    "YYYY-MM-DD, got \"121\"");
	expect_err(BASE "repeat_from = -1\n", "t.conf:6",
	    "repeat_from: expected months from 0 to 120 or a date "
	    "YYYY-MM-DD, got \"-1\"");
	expect_err(BASE "repeat_from = 2023-02-29\n", "t.conf:6",
	    "repeat_from: expected months from 0 to 120 or a date "
	    "YYYY-MM-DD, got \"2023-02-29\"");
	expect_err(BASE "repeat_from = 1969-12-31\n", "t.conf:6",
	    "repeat_from: expected a date from 1970-01-01 on, "
	    "got \"1969-12-31\"");
}

static void
test_conf_payers(void **state)
{
	struct oms_err e = { 0 };
	struct oms_conf c;

	(void)state;
	assert_int_equal(CONF(&c, BASE "payers = ,76001,,\n", &e), 0);
	assert_string_equal(c.payers[0], "76001");
	assert_null(c.payers[1]);
	oms_conf_release(&c);

	expect_err(BASE "payers = 76001, 7600\n", "t.conf:6",
	    "payers: expected 5-digit codes separated by commas or blanks, "
	    "got \"7600\"");
	expect_err(BASE "payers = 76001;76002\n", "t.conf:6",
	    "payers: expected 5-digit codes separated by commas or blanks, "
	    "got \"76001;76002\"");
	expect_err(BASE "payers =\n", "t.conf:6",
	    "payers: expected 5-digit codes separated by commas or blanks, "
	    "got \"\"");
	expect_err(BASE "payers = 76001 76002 76001\n", "t.conf:6",
	    "payers: \"76001\" listed twice");
}

static void
test_conf_errors(void **state)
{
	(void)state;
	expect_err("profile = ffoms\n# x\nmo = 12345\n", "t.conf:3",
	    "mo: expected 6 digits, got \"12345\"");
	expect_err("mo = 7600011\n", "t.conf:1",
	    "mo: expected 6 digits, got \"7600011\"");
	expect_err("ogrn = 10276000000a1\n", "t.conf:1",
	    "ogrn: expected 13 digits, got \"10276000000a1\"");
	expect_err("kpp = \n", "t.conf:1",
	    "kpp: expected 9 digits, got \"\"");
	expect_err("tfoms = 7\n", "t.conf:1",
	    "tfoms: expected 2 digits, got \"7\"");
	expect_err(BASE "payer = 76001\n", "t.conf:6",
	    "unknown key \"payer\"");
	expect_err(BASE "MO = 760001\n", "t.conf:6", "unknown key \"MO\"");
	expect_err(BASE "name. = x\n", "t.conf:6", "unknown key \"name.\"");
	expect_err(BASE "pattern.a-b = x\n", "t.conf:6",
	    "unknown key \"pattern.a-b\"");
	expect_err(BASE "mo code = 1\n", "t.conf:6",
	    "unknown key \"mo code\"");
	expect_err("profile = ffoms\n\nmo = 760001\nmo = 760002\n",
	    "t.conf:4", "\"mo\" given twice (first on line 3)");
	expect_err(BASE "\nmo_name = a\nmo_name = b\n", "t.conf:8",
	    "\"mo_name\" given twice (first on line 7)");
	expect_err("profile ffoms\n", "t.conf:1", "expected \"key = value\"");
	expect_err(BASE "= 1\n", "t.conf:6", "expected \"key = value\"");
	expect_err(BASE "profile2 = x\n", "t.conf:6",
	    "unknown key \"profile2\"");
	expect_err("profile = FFOMS\n", "t.conf:1",
	    "profile: expected \"ffoms\" or \"yar76\", got \"FFOMS\"");
	expect_err("send_to = fund\n", "t.conf:1",
	    "send_to: expected \"tfoms\" or \"smo\", got \"fund\"");
	expect_err("account_key = Z_SL//SL_ID\n", "t.conf:1",
	    "account_key: expected element names of [A-Z0-9_] joined by "
	    "\"/\" (like Z_SL/SL/SL_ID), or an attribute (like xkey), got \"Z_SL//SL_ID\"");
	expect_err("account_key = z_sl/SL\n", "t.conf:1",
	    "account_key: expected element names of [A-Z0-9_] joined by "
	    "\"/\" (like Z_SL/SL/SL_ID), or an attribute (like xkey), got \"z_sl/SL\"");
	expect_err("account_key = SL/\n", "t.conf:1",
	    "account_key: expected element names of [A-Z0-9_] joined by "
	    "\"/\" (like Z_SL/SL/SL_ID), or an attribute (like xkey), got \"SL/\"");
	expect_err("archive_ext = tar.gz\n", "t.conf:1",
	    "archive_ext: expected 1 to 7 letters or digits, got \"tar.gz\"");
	expect_err("archive_ext = zipzipzi\n", "t.conf:1",
	    "archive_ext: expected 1 to 7 letters or digits, "
	    "got \"zipzipzi\"");
	expect_err("package_width = 7\n", "t.conf:1",
	    "package_width: expected a number from 1 to 6, got \"7\"");
	expect_err("package_width = 0\n", "t.conf:1",
	    "package_width: expected a number from 1 to 6, got \"0\"");
	expect_err("profile = ffoms\rmo = 760001\r", "t.conf:1",
	    "carriage return inside a line (CR line ends?)");
	/* what depends on the profile */
	expect_err(BASE "account_key = xkey\n", "t.conf:6",
	    "account_key: \"xkey\" does not fit profile ffoms (element "
	    "names like Z_SL/SL/SL_ID)");
	expect_err(BASE "yar76.digit = 1\n", "t.conf:6",
	    "yar76.digit: only for profile yar76");
	expect_err(YAR "yar76.digit = 12\n", "t.conf:6",
	    "yar76.digit: expected one letter or digit, or \"package\", got "
	    "\"12\"");
	expect_err(YAR "yar76.sufix = x\n", "t.conf:6",
	    "yar76.sufix: unknown key (see oms.conf(5))");
	expect_err(YAR "yar76.group_patients = 1\n", "t.conf:6",
	    "yar76.group_patients: expected yes or no, got \"1\"");
	expect_err(YAR "yar76.letter.7600 = A\n", "t.conf:6",
	    "yar76.letter.7600: expected yar76.letter.CODE = L, an insurer's "
	    "5-digit code and one letter, got \"A\"");
	expect_err(YAR "account_key = Z_SL/SL/SL_ID\n", "t.conf:6",
	    "account_key: \"Z_SL/SL/SL_ID\" does not fit profile yar76 (an "
	    "attribute of personal_account, like xkey)");
}

/* Values that go into names, registries and fields: checked at load. */
static void
test_conf_values(void **state)
{
	struct oms_err e = { 0 };
	struct oms_conf c;
	char big[5100], want[200];

	(void)state;
	/* versions: digits, a dot, digits, at most 7 characters */
	assert_int_equal(CONF(&c, BASE "version.H = 5.1\nversion.DP = 5.0\n"
	    "version.D = 4.0\nversion.L = 3.2\nversion.C = 123.123\n", &e), 0);
	assert_string_equal(oms_conf_get(&c, "version.C"), "123.123");
	oms_conf_release(&c);
	expect_err(BASE "version.H = ../../x\n", "t.conf:6",
	    "version.H: expected a format version like 5.1 (digits, a dot, "
	    "digits; at most 7 characters), got \"../../x\"");
	expect_err(BASE "version.H = 5\n", "t.conf:6",
	    "version.H: expected a format version like 5.1 (digits, a dot, "
	    "digits; at most 7 characters), got \"5\"");
	expect_err(BASE "version.T = 5.1.2\n", "t.conf:6",
	    "version.T: expected a format version like 5.1 (digits, a dot, "
	    "digits; at most 7 characters), got \"5.1.2\"");
	expect_err(BASE "version.T = 1234.123\n", "t.conf:6",
	    "version.T: expected a format version like 5.1 (digits, a dot, "
	    "digits; at most 7 characters), got \"1234.123\"");
	expect_err(BASE "version.L = .1\n", "t.conf:6",
	    "version.L: expected a format version like 5.1 (digits, a dot, "
	    "digits; at most 7 characters), got \".1\"");
	memcpy(big, BASE "version.H = ", sizeof(BASE "version.H = ") - 1);
	memset(big + sizeof(BASE "version.H = ") - 1, '7', 5000);
	strcpy(big + sizeof(BASE "version.H = ") - 1 + 5000, "\n");
	snprintf(want, sizeof(want), "version.H: expected a format version "
	    "like 5.1 (digits, a dot, digits; at most 7 characters), got "
	    "\"%.40s... (5000 bytes)\"", big + sizeof(BASE "version.H = ") -
	    1);
	expect_err(big, "t.conf:6", want);
	expect_err(BASE "version.X = 5.1\n", "t.conf:6",
	    "version.X: no such kind \"X\" (H, C, T, D, D and a letter such "
	    "as DP, or L)");
	expect_err(BASE "version.h = 5.1\n", "t.conf:6",
	    "version.h: no such kind \"h\" (H, C, T, D, D and a letter such "
	    "as DP, or L)");
	expect_err(BASE "version.DPX = 5.1\n", "t.conf:6",
	    "version.DPX: no such kind \"DPX\" (H, C, T, D, D and a letter "
	    "such as DP, or L)");
	expect_err(YAR "yar76.version = ...\n", "t.conf:6",
	    "yar76.version: expected digits with dots between, at most 7 "
	    "characters, got \"...\"");
	expect_err(YAR "yar76.version = 6..15\n", "t.conf:6",
	    "yar76.version: expected digits with dots between, at most 7 "
	    "characters, got \"6..15\"");
	assert_int_equal(CONF(&c, YAR "yar76.version = 6.15.1\n", &e), 0);
	oms_conf_release(&c);

	/* patterns: compiled at load, with the line */
	expect_err(BASE "\npattern.flk = V(?<mo>\\d{6}_(?<yymm>\\d{4})"
	    "(?<n>\\d+)\n", "t.conf:7",
	    "pattern.flk: missing closing parenthesis at offset 36");
	expect_err(BASE "pattern.control = (?<mo>\\d{6})[\n", "t.conf:6",
	    "pattern.control: missing terminating ] for character class at "
	    "offset 13");
	expect_err(BASE "pattern.demand = (?<mo>\\d{6})_(?<n>\\d+)\n",
	    "t.conf:6", "pattern.demand: no named group (?<yymm>...); the "
	    "pattern must have mo, yymm and n, and may have type");
	expect_err(BASE "pattern.reply = x\n", "t.conf:6",
	    "pattern.reply: no such pattern (pattern.flk, pattern.control or "
	    "pattern.demand)");
	assert_int_equal(CONF(&c, BASE "pattern.control = (?<type>H)T(?<mo>"
	    "\\d{6})_(?<yymm>\\d{4})(?<n>\\d+)|C(?<mo>\\d{6})_(?<yymm>"
	    "\\d{4})(?<n>\\d+)\n", &e), 0);
	oms_conf_release(&c);

	/* severities, names, invoice numbers, codes */
	expect_err(BASE "rule.OMS.SUM = maybe\n", "t.conf:6",
	    "rule.OMS.SUM: expected off, warning or error, got \"maybe\"");
	expect_err(BASE "name.registry = ../x\n", "t.conf:6",
	    "name.registry: expected a file name of at most 63 bytes, without "
	    "'/' or '\\' and not beginning with a dot, got \"../x\"");
	expect_err(BASE "name.registry = a/b\n", "t.conf:6",
	    "name.registry: expected a file name of at most 63 bytes, without "
	    "'/' or '\\' and not beginning with a dot, got \"a/b\"");
	assert_int_equal(CONF(&c, BASE "invoice.prefix = 2026/ОМС-123456789\n",
	    &e), 0);
	oms_conf_release(&c);
	expect_err(BASE "invoice.prefix = 2026/ОМС-1234567890\n", "t.conf:6",
	    "invoice.prefix: at most 21 bytes (an invoice number is the "
	    "prefix and its sequence number), got \"2026/ОМС-1234567890\"");
	expect_err(BASE "mo_inn = 76000000\n", "t.conf:6",
	    "mo_inn: expected 10 or 12 digits, got \"76000000\"");
	expect_err(BASE "mo_bik = 04780000X\n", "t.conf:6",
	    "mo_bik: expected 9 digits, got \"04780000X\"");
	expect_err(BASE "mo_account = 0322464378000000710\n", "t.conf:6",
	    "mo_account: expected 20 digits, got \"0322464378000000710\"");
	assert_int_equal(CONF(&c, BASE "mo_inn = 760000009912\n"
	    "mo_corr_account = 40102810000000000000\n", &e), 0);
	oms_conf_release(&c);

	/* every value: UTF-8 text without control characters */
	expect_err(BASE "mo_name = \xc3\xc1\xd3\n", "t.conf:6",
	    "mo_name: the value is not UTF-8 text; save t.conf as UTF-8");
	expect_err(BASE "mo_name = a\x1b[31mb\n", "t.conf:6",
	    "mo_name: control character 0x1b in the value");
	expect_err(BASE "mo_name = a\xc2\x85" "b\n", "t.conf:6",
	    "mo_name: control character U+0085 in the value");
	expect_err(BASE "mo_name = \xe0\x80\xaf\n", "t.conf:6",
	    "mo_name: the value is not UTF-8 text; save t.conf as UTF-8");
	expect_err(YAR "yar76.telcreator = 1\x7f\n", "t.conf:6",
	    "yar76.telcreator: control character 0x7f in the value");
	assert_int_equal(CONF(&c, BASE "mo_name = ГБУЗ\t«№ 1»\n", &e), 0);
	oms_conf_release(&c);
}

/* yar76: its own defaults, and the name parts as set */
static void
test_conf_yar76(void **state)
{
	struct oms_err e = { 0 };
	struct oms_conf c;

	(void)state;
	assert_int_equal(CONF(&c, YAR "yar76.digit = package\n"
	    "yar76.letter.76001 = A\n", &e), 0);
	assert_string_equal(c.account_key, "xkey");
	assert_string_equal(c.archive_ext, "7z");
	assert_string_equal(oms_conf_own(&c, "digit"), "package");
	assert_string_equal(oms_conf_own(&c, "ind"), "3");
	assert_string_equal(oms_conf_own(&c, "payer"), "x");
	assert_string_equal(oms_conf_own(&c, "demand"), "2");
	assert_string_equal(oms_conf_own(&c, "pay_refused"), "4");
	assert_string_equal(oms_conf_own(&c, "letter.76001"), "A");
	assert_string_equal(oms_conf_own(&c, "letter.76002"), "");
	assert_string_equal(oms_conf_own(&c, "telcreator"), "");
	/* the template's shape; the bill's four values have no default */
	assert_string_equal(oms_conf_own(&c, "group_patients"), "no");
	assert_string_equal(oms_conf_own(&c, "date_2"), "");
	assert_string_equal(oms_conf_own(&c, "n_out"), "");
	assert_string_equal(oms_conf_own(&c, "date_in"), "");
	oms_conf_release(&c);
	assert_int_equal(CONF(&c, YAR "yar76.date_2 = period-end\n"
	    "yar76.date_in = 2026-11-05\nyar76.n_out = 12/7\n", &e), 0);
	assert_string_equal(oms_conf_own(&c, "date_2"), "period-end");
	oms_conf_release(&c);
	expect_err(YAR "yar76.date_in = 2026-11-31\n", "t.conf:6",
	    "yar76.date_in: expected \"date\", \"period-start\", "
	    "\"period-end\" or a date YYYY-MM-DD, got \"2026-11-31\"");
	assert_int_equal(CONF(&c, YAR "archive_ext = zip\n", &e), 0);
	assert_string_equal(c.archive_ext, "zip");
	oms_conf_release(&c);
}

static void
test_conf_missing(void **state)
{
	(void)state;
	expect_err("profile = ffoms\nmo = 760001\nogrn = 1027600000001\n"
	    "tfoms = 76\n", "t.conf", "missing required key \"kpp\"");
	expect_err("# nothing\n", "t.conf",
	    "missing required keys \"kpp\", \"mo\", \"ogrn\", \"profile\", "
	    "\"tfoms\"");
	expect_err("", "t.conf",
	    "missing required keys \"kpp\", \"mo\", \"ogrn\", \"profile\", "
	    "\"tfoms\"");
}

static void
test_conf_bom_crlf(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbfprofile = ffoms\r\n"
	    "mo = 760001\r\n"
	    "\r\n"
	    "# comment\r\n"
	    "ogrn = 1027600000001\r\n"
	    "kpp = 760401001\r\n"
	    "mo_name = X  \r\n"
	    "tfoms = 76";		/* no final line end */
	struct oms_err e = { 0 };
	struct oms_conf c;

	(void)state;
	assert_int_equal(CONF(&c, text, &e), 0);
	assert_string_equal(c.profile, "ffoms");
	assert_string_equal(c.keys[0], "profile");
	assert_string_equal(c.mo, "760001");
	assert_string_equal(c.tfoms, "76");
	assert_string_equal(oms_conf_get(&c, "mo_name"), "X");
	assert_int_equal(c.lines[4], 7);
	oms_conf_release(&c);
	/* a BOM is skipped at the start only */
	expect_err(BASE "\xef\xbb\xbfmo_x = 1\n", "t.conf:6",
	    "unknown key \"\xef\xbb\xbfmo_x\"");
}

static void
test_conf_load(void **state)
{
	struct oms_err e = { 0 };
	struct oms_conf c;
	char path[] = "/tmp/test_conf.XXXXXX";
	FILE *fp;
	int fd;

	(void)state;
	assert_int_equal(oms_conf_load(&c, "/nonexistent/oms.conf", &e), -1);
	assert_int_equal(e.code, OMS_EIO);
	assert_string_equal(e.where, "/nonexistent/oms.conf");
	assert_string_equal(e.msg, "cannot open: No such file or directory");
	oms_conf_release(&c);

	fd = mkstemp(path);
	assert_true(fd != -1);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(BASE "mo_x = 1\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(oms_conf_load(&c, path, &e), 0);
	assert_string_equal(c.path, path);
	assert_string_equal(c.kpp, "760401001");
	assert_string_equal(oms_conf_get(&c, "mo_x"), "1");
	oms_conf_release(&c);

	fp = fopen(path, "a");
	assert_non_null(fp);
	fputs("kpp = 760401002\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(oms_conf_load(&c, path, &e), -1);
	assert_int_equal(strncmp(e.where, path, strlen(path)), 0);
	assert_string_equal(e.where + strlen(path), ":7");
	assert_string_equal(e.msg, "\"kpp\" given twice (first on line 4)");
	oms_conf_release(&c);
	unlink(path);
}

static void
test_conf_release_zeroed(void **state)
{
	struct oms_conf c;

	(void)state;
	memset(&c, 0, sizeof(c));
	oms_conf_release(&c);
	assert_null(oms_conf_get(&c, "mo"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_full),
		cmocka_unit_test(test_conf_defaults),
		cmocka_unit_test(test_conf_from),
		cmocka_unit_test(test_conf_payers),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_conf_values),
		cmocka_unit_test(test_conf_yar76),
		cmocka_unit_test(test_conf_missing),
		cmocka_unit_test(test_conf_bom_crlf),
		cmocka_unit_test(test_conf_load),
		cmocka_unit_test(test_conf_release_zeroed),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
