/*
 * test_tsv.c -- the TSV reader and writer, and the buffer and error helpers
 * under them
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "oms.h"

/* An in-memory input: data is copied, so fmemopen never sees a literal. */
struct src {
	char		*data;
	FILE		*fp;
	struct oms_tsv	*t;
};

static struct oms_tsv	*src_open(struct src *, const char *, size_t,
			    struct oms_err *);
static struct oms_tsv	*src_opens(struct src *, const char *,
			    struct oms_err *);
static void		 src_close(struct src *);

static struct oms_tsv *
src_open(struct src *s, const char *data, size_t len, struct oms_err *e)
{
	s->data = malloc(len + 1);
	assert_non_null(s->data);
	memcpy(s->data, data, len);
	if (len > 0)
		s->fp = fmemopen(s->data, len, "r");
	else
		s->fp = tmpfile();	/* fmemopen refuses size 0 */
	assert_non_null(s->fp);
	s->t = oms_tsv_open(s->fp, "t.tsv", e);
	return (s->t);
}

static struct oms_tsv *
src_opens(struct src *s, const char *data, struct oms_err *e)
{
	return (src_open(s, data, strlen(data), e));
}

static void
src_close(struct src *s)
{
	oms_tsv_free(s->t);
	fclose(s->fp);
	free(s->data);
}

/* Expect oms_tsv_next to fail on a record with where and msg. */
static void
expect_rec_err(const char *data, size_t len, const char *where,
    const char *msg)
{
	struct oms_err e = { 0 };
	struct oms_rec rec;
	struct src s;
	int r;

	assert_non_null(src_open(&s, data, len, &e));
	while ((r = oms_tsv_next(s.t, &rec, &e)) == 1)
		;
	assert_int_equal(r, -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, where);
	assert_string_equal(e.msg, msg);
	src_close(&s);
}

/* Expect oms_tsv_open to fail with where and msg. */
static void
expect_open_err(const char *data, size_t len, const char *where,
    const char *msg)
{
	struct oms_err e = { 0 };
	struct src s;

	assert_null(src_open(&s, data, len, &e));
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, where);
	assert_string_equal(e.msg, msg);
	src_close(&s);
}

/* The length of a literal, which may hold NUL bytes. */
#define REC_ERR(lit, where, msg) \
	expect_rec_err(lit, sizeof(lit) - 1, where, msg)
#define OPEN_ERR(lit, where, msg) \
	expect_open_err(lit, sizeof(lit) - 1, where, msg)

static void
test_tsv_escape_text(void **state)
{
	struct oms_err e = { 0 };
	struct oms_buf b;
	const char *row[] = { "a\tb", "c\nd", "e\rf", "g\\h", NULL, "", "\\t" };

	(void)state;
	oms_buf_init(&b, 0);
	assert_int_equal(oms_tsv_row(&b, row, 7, &e), 0);
	assert_string_equal(b.s,
	    "a\\tb\tc\\nd\te\\rf\tg\\\\h\t\t\t\\\\t\n");
	assert_int_equal(b.len, strlen(b.s));
	oms_buf_release(&b);
}

/*
 * Every byte at every place of a field as long as two words and a half:
 * written as it is, escaped, or refused (NUL, not UTF-8), as the writer
 * says it byte by byte.
 */
static void
test_tsv_escape_bytes(void **state)
{
	struct oms_err e = { 0 };
	struct oms_buf b;
	char s[21], want[64];
	size_t pos, n;
	int c;

	(void)state;
	oms_buf_init(&b, 0);
	for (pos = 0; pos < 20; pos++)
		for (c = 0; c < 256; c++) {
			memcpy(s, "abcdefghijklmnopqrst", 21);
			s[pos] = (char)c;
			oms_buf_reset(&b);
			if (c == 0 || c >= 0x80) {
				assert_int_equal(oms_tsv_escape(&b, s, 20, &e),
				    -1);
				assert_int_equal(b.len, 0);
				continue;
			}
			assert_int_equal(oms_tsv_escape(&b, s, 20, &e), 0);
			memcpy(want, s, pos);
			n = pos;
			if (c == '\t' || c == '\n' || c == '\r' || c == '\\') {
				want[n++] = '\\';
				want[n++] = c == '\t' ? 't' : c == '\n' ? 'n' :
				    c == '\r' ? 'r' : '\\';
			} else
				want[n++] = (char)c;
			memcpy(want + n, s + pos + 1, 20 - pos - 1);
			n += 20 - pos - 1;
			assert_int_equal(b.len, n);
			assert_memory_equal(b.s, want, n);
		}
	oms_buf_release(&b);
}

static void
test_tsv_round_trip(void **state)
{
	const char *hdr[] = { "plain", "tab\tcol", "esc" };
	const char *rows[][3] = {
		{ "x", "a\tb", "line1\nline2" },
		{ "cr\rhere", "back\\slash", "\\t is not a tab" },
		{ "", NULL, "\t\n\r\\" },
		{ "\\", "\\\\", "end\\" },
		{ "Привет, мир", "ё\tЁ", "€𝄞" },
	};
	struct oms_err e = { 0 };
	struct oms_rec rec;
	struct oms_buf b;
	struct src s;
	size_t i, j;
	const char *want;

	(void)state;
	oms_buf_init(&b, 0);
	assert_int_equal(oms_tsv_row(&b, hdr, 3, &e), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(oms_tsv_row(&b, rows[i], 3, &e), 0);
	assert_non_null(src_open(&s, b.s, b.len, &e));
	assert_int_equal(oms_tsv_ncol(s.t), 3);
	assert_string_equal(oms_tsv_colname(s.t, 1), "tab\tcol");
	assert_int_equal(oms_tsv_col(s.t, "tab\tcol"), 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
		assert_int_equal(rec.nf, 3);
		assert_int_equal(rec.lineno, i + 2);
		for (j = 0; j < 3; j++) {
			want = rows[i][j] != NULL ? rows[i][j] : "";
			assert_string_equal(rec.f[j], want);
			assert_int_equal(rec.len[j], strlen(want));
		}
	}
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 0);
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 0);
	assert_int_equal(e.code, 0);		/* untouched on success */
	src_close(&s);
	oms_buf_release(&b);
}

static void
test_tsv_ragged(void **state)
{
	static const char data[] =
	    "a\tb\tc\n1\t2\t3\n4\t5\n6\t7\t8\t9\n\n10\t11\t12\n";
	struct oms_err e = { 0 };
	struct oms_rec rec;
	struct src s;

	(void)state;
	assert_non_null(src_opens(&s, data, &e));
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "t.tsv:3");
	assert_string_equal(e.msg, "expected 3 fields, got 2");
	/* the reader goes on with the next line */
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), -1);
	assert_string_equal(e.where, "t.tsv:4");
	assert_string_equal(e.msg, "expected 3 fields, got 4");
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), -1);
	assert_string_equal(e.where, "t.tsv:5");
	assert_string_equal(e.msg, "expected 3 fields, got 1");
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
	assert_int_equal(rec.lineno, 6);
	assert_string_equal(rec.f[2], "12");
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 0);
	src_close(&s);
}

static void
test_tsv_one_column(void **state)
{
	struct oms_err e = { 0 };
	struct oms_rec rec;
	struct src s;

	(void)state;
	/* with one column an empty line is an empty field */
	assert_non_null(src_opens(&s, "account\n\nx\n", &e));
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
	assert_string_equal(rec.f[0], "");
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
	assert_string_equal(rec.f[0], "x");
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 0);
	src_close(&s);
	REC_ERR("a\n1\t2\n", "t.tsv:2", "expected 1 field, got 2");
}

static void
test_tsv_cr(void **state)
{
	(void)state;
	OPEN_ERR("a\tb\r\n1\t2\r\n", "t.tsv:1",
	    "carriage return (CRLF line ends?)");
	REC_ERR("a\tb\n1\t2\r\n", "t.tsv:2",
	    "carriage return (CRLF line ends?)");
	REC_ERR("a\tb\n1\t2\n3\rx\t4\n", "t.tsv:3",
	    "carriage return (CRLF line ends?)");
	/* old Mac line ends: one line, with CRs */
	OPEN_ERR("a\rb\r", "t.tsv:1",
	    "carriage return (CRLF line ends?)");
}

static void
test_tsv_nul(void **state)
{
	(void)state;
	REC_ERR("a\tb\n1\t2\0x\n", "t.tsv:2", "NUL byte");
	OPEN_ERR("a\0\tb\n", "t.tsv:1", "NUL byte");
}

static void
test_tsv_bad_escape(void **state)
{
	(void)state;
	REC_ERR("a\tb\nx\ty\\q\n", "t.tsv:2",
	    "column \"b\": invalid escape \"\\q\" (expected \\t, \\n, \\r "
	    "or \\\\)");
	REC_ERR("a\tb\nx\\\ty\n", "t.tsv:2",
	    "column \"a\": lone backslash at the end of the field "
	    "(write \\\\ for a backslash)");
	REC_ERR("a\tb\nx\ty\\\n", "t.tsv:2",
	    "column \"b\": lone backslash at the end of the field "
	    "(write \\\\ for a backslash)");
	/* \N is not an escape in this dialect */
	REC_ERR("a\tb\n\\N\ty\n", "t.tsv:2",
	    "column \"a\": invalid escape \"\\N\" (expected \\t, \\n, \\r "
	    "or \\\\)");
	REC_ERR("a\tb\n1\t2\n\\\\\\\xd0\xb6\t\n", "t.tsv:3",
	    "column \"a\": invalid escape: backslash before byte 0xd0 "
	    "(expected \\t, \\n, \\r or \\\\)");
	OPEN_ERR("a\\x\tb\n", "t.tsv:1",
	    "column 1: invalid escape \"\\x\" (expected \\t, \\n, \\r or "
	    "\\\\)");
}

static void
test_tsv_bad_utf8(void **state)
{
	(void)state;
	REC_ERR("a\tb\nok\t\xff\n", "t.tsv:2",
	    "column \"b\": invalid UTF-8 at byte 1");
	/* overlong "/" */
	REC_ERR("a\tb\nok\tx\xc0\xaf\n", "t.tsv:2",
	    "column \"b\": invalid UTF-8 at byte 2");
	/* overlong 3-byte form, surrogate, above U+10FFFF */
	REC_ERR("a\n\xe0\x80\xaf\n", "t.tsv:2",
	    "column \"a\": invalid UTF-8 at byte 1");
	REC_ERR("a\n\xed\xa0\x80\n", "t.tsv:2",
	    "column \"a\": invalid UTF-8 at byte 1");
	REC_ERR("a\n\xf4\x90\x80\x80\n", "t.tsv:2",
	    "column \"a\": invalid UTF-8 at byte 1");
	/* a sequence cut by the end of the field */
	REC_ERR("a\tb\n\xd0\tx\n", "t.tsv:2",
	    "column \"a\": invalid UTF-8 at byte 1");
	/* windows-1251 "Привет" */
	REC_ERR("a\n\xcf\xf0\xe8\xe2\xe5\xf2\n", "t.tsv:2",
	    "column \"a\": invalid UTF-8 at byte 1");
	OPEN_ERR("\xff\n", "t.tsv:1",
	    "column 1: invalid UTF-8 at byte 1");
}

static void
test_tsv_missing_header(void **state)
{
	(void)state;
	OPEN_ERR("", "t.tsv", "missing header line");
	OPEN_ERR("\xef\xbb\xbf" "a\tb\n", "t.tsv:1",
	    "UTF-8 byte order mark (save the file without BOM)");
}

static void
test_tsv_bad_columns(void **state)
{
	(void)state;
	OPEN_ERR("a\tb\ta\n", "t.tsv:1",
	    "duplicate column \"a\" (columns 1 and 3)");
	OPEN_ERR("x\ty\tz\ty\tx\n", "t.tsv:1",
	    "duplicate column \"y\" (columns 2 and 4)");
	OPEN_ERR("a\tz\ta\tz\ta\n", "t.tsv:1",
	    "duplicate column \"a\" (columns 1 and 3)");
	OPEN_ERR("a\t\tb\n", "t.tsv:1",
	    "empty column name (column 2)");
	OPEN_ERR("\n", "t.tsv:1", "empty column name (column 1)");
}

static void
test_tsv_header_only(void **state)
{
	struct oms_err e = { 0 };
	struct oms_rec rec;
	struct src s;

	(void)state;
	assert_non_null(src_opens(&s, "account\tsum\n", &e));
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 0);
	src_close(&s);
	assert_non_null(src_opens(&s, "account\tsum", &e));
	assert_int_equal(oms_tsv_ncol(s.t), 2);
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 0);
	src_close(&s);
	assert_int_equal(e.code, 0);
}

static void
test_tsv_no_final_lf(void **state)
{
	struct oms_err e = { 0 };
	struct oms_rec rec;
	struct src s;

	(void)state;
	assert_non_null(src_opens(&s, "a\tb\n1\t2\n3\t4", &e));
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
	assert_int_equal(rec.lineno, 3);
	assert_string_equal(rec.f[0], "3");
	assert_string_equal(rec.f[1], "4");
	assert_int_equal(rec.len[1], 1);
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 0);
	src_close(&s);
}

static void
test_tsv_columns(void **state)
{
	struct oms_err e = { 0 };
	struct src s;

	(void)state;
	assert_non_null(src_opens(&s, "account\tperiod\tsum\n", &e));
	assert_int_equal(oms_tsv_ncol(s.t), 3);
	assert_int_equal(oms_tsv_col(s.t, "account"), 0);
	assert_int_equal(oms_tsv_col(s.t, "sum"), 2);
	assert_int_equal(oms_tsv_col(s.t, "Sum"), -1);
	assert_int_equal(oms_tsv_col(s.t, "su"), -1);
	assert_int_equal(oms_tsv_col(s.t, ""), -1);
	assert_string_equal(oms_tsv_colname(s.t, 1), "period");
	assert_null(oms_tsv_colname(s.t, 3));
	src_close(&s);
}

static void
test_tsv_line_too_long(void **state)
{
	struct oms_err e = { 0 };
	struct oms_rec rec;
	struct src s;
	char *data;
	size_t n, len;

	(void)state;
	n = OMS_TSV_LINE_MAX + 10;
	len = 2 + n + 1 + 3;
	data = malloc(len);
	assert_non_null(data);
	memcpy(data, "a\n", 2);
	memset(data + 2, 'x', n);
	memcpy(data + 2 + n, "\nok\n", 4);
	assert_non_null(src_open(&s, data, len, &e));
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "t.tsv:2");
	assert_string_equal(e.msg, "line too long (over 1048576 bytes)");
	/* the rest of the long line was skipped */
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
	assert_int_equal(rec.lineno, 3);
	assert_string_equal(rec.f[0], "ok");
	src_close(&s);

	/* exactly OMS_TSV_LINE_MAX bytes is fine */
	memset(data + 2, 'y', OMS_TSV_LINE_MAX);
	data[2 + OMS_TSV_LINE_MAX] = '\n';
	assert_non_null(src_open(&s, data, 3 + OMS_TSV_LINE_MAX, &e));
	assert_int_equal(oms_tsv_next(s.t, &rec, &e), 1);
	assert_int_equal(rec.len[0], OMS_TSV_LINE_MAX);
	src_close(&s);
	free(data);
}

static void
test_tsv_read_error(void **state)
{
	struct oms_err e = { 0 };
	struct oms_tsv *t;
	FILE *fp;

	(void)state;
	fp = fopen("/dev/null", "w");	/* reading it sets the error flag */
	assert_non_null(fp);
	t = oms_tsv_open(fp, "w.tsv", &e);
	assert_null(t);
	assert_int_equal(e.code, OMS_EIO);
	assert_string_equal(e.where, "w.tsv:1");
	assert_non_null(strstr(e.msg, "read error"));
	fclose(fp);
}

static void
test_tsv_unescape(void **state)
{
	char s1[] = "a\\tb\\\\c\\nd\\re";
	char s2[] = "plain";
	char s3[] = "x\\";
	char s4[] = "x\\N";

	(void)state;
	assert_int_equal(oms_tsv_unescape(s1, strlen(s1)), 9);
	assert_memory_equal(s1, "a\tb\\c\nd\re", 10);
	assert_int_equal(oms_tsv_unescape(s2, strlen(s2)), 5);
	assert_string_equal(s2, "plain");
	assert_int_equal(oms_tsv_unescape(s3, strlen(s3)), -1);
	assert_int_equal(oms_tsv_unescape(s4, strlen(s4)), -1);
}

static void
test_tsv_writer_refuses(void **state)
{
	struct oms_err e = { 0 };
	struct oms_buf b;
	const char *bad[] = { "ok", "\xff" };

	(void)state;
	oms_buf_init(&b, 0);
	assert_int_equal(oms_buf_adds(&b, "keep", &e), 0);
	assert_int_equal(oms_tsv_escape(&b, "a\0b", 3, &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.msg, "NUL byte in a field");
	assert_int_equal(oms_tsv_row(&b, bad, 2, &e), -1);
	assert_string_equal(e.msg, "invalid UTF-8 at byte 1 of a field");
	/* nothing of the failed row stays */
	assert_int_equal(b.len, 4);
	assert_string_equal(b.s, "keep");
	oms_buf_release(&b);

	/* over the buffer's cap: the row is refused whole */
	oms_buf_init(&b, 8);
	assert_int_equal(oms_tsv_escape(&b, "\t\t\t", 3, &e), 0);
	assert_string_equal(b.s, "\\t\\t\\t");
	assert_int_equal(oms_tsv_row(&b, bad, 1, &e), -1);
	assert_string_equal(e.msg, "too long (over 8 bytes)");
	assert_string_equal(b.s, "\\t\\t\\t");
	oms_buf_release(&b);
}

/* ------------------------------------------------------ buf and err */

static void
test_buf(void **state)
{
	struct oms_err e = { 0 };
	struct oms_buf b;
	size_t i;

	(void)state;
	oms_buf_init(&b, 0);
	assert_int_equal(b.max, OMS_BUF_MAX_DEFAULT);
	assert_null(b.s);
	assert_int_equal(oms_buf_add(&b, "", 0, &e), 0);
	assert_non_null(b.s);
	assert_string_equal(b.s, "");
	for (i = 0; i < 1000; i++)
		assert_int_equal(oms_buf_addc(&b, 'a' + (int)(i % 26), &e), 0);
	assert_int_equal(b.len, 1000);
	assert_int_equal(strlen(b.s), 1000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.s[26], 'a');
	oms_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.s, "");
	assert_int_equal(oms_buf_printf(&b, &e, "%s-%d", "x", 42), 0);
	assert_int_equal(oms_buf_printf(&b, &e, "%0300d|", 7), 0);
	assert_int_equal(b.len, 4 + 301);
	assert_memory_equal(b.s, "x-42000", 7);
	assert_string_equal(b.s + b.len - 2, "7|");
	oms_buf_release(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, OMS_BUF_MAX_DEFAULT);
	oms_buf_release(&b);
	assert_int_equal(e.code, 0);
}

static void
test_buf_cap(void **state)
{
	struct oms_err e = { 0 };
	struct oms_buf b;

	(void)state;
	oms_buf_init(&b, 5);
	assert_int_equal(oms_buf_adds(&b, "abcd", &e), 0);
	assert_int_equal(oms_buf_adds(&b, "ef", &e), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "");
	assert_string_equal(e.msg, "too long (over 5 bytes)");
	assert_string_equal(b.s, "abcd");
	assert_int_equal(oms_buf_addc(&b, 'e', &e), 0);
	assert_string_equal(b.s, "abcde");
	assert_int_equal(oms_buf_addc(&b, 'f', &e), -1);
	assert_int_equal(oms_buf_printf(&b, &e, "%s", ""), 0);
	assert_int_equal(oms_buf_printf(&b, &e, "%d", 1), -1);
	assert_string_equal(b.s, "abcde");
	assert_int_equal(b.len, 5);
	oms_buf_reset(&b);
	assert_int_equal(oms_buf_printf(&b, &e, "%d", 123456), -1);
	assert_string_equal(b.s, "");
	assert_int_equal(oms_buf_printf(&b, &e, "%d", 12345), 0);
	assert_string_equal(b.s, "12345");
	oms_buf_release(&b);
}

static void
test_err(void **state)
{
	struct oms_err e = { 0 };
	char big[1000];

	(void)state;
	assert_int_equal(oms_err_set(&e, OMS_EDATA, "a.tsv", 17,
	    "expected %d fields, got %d", 7, 5), -1);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "a.tsv:17");
	assert_string_equal(e.msg, "expected 7 fields, got 5");
	oms_err_set(&e, OMS_EIO, "a.tsv", 0, "x");
	assert_string_equal(e.where, "a.tsv");
	oms_err_set(&e, OMS_EINTERNAL, NULL, 3, "y");
	assert_string_equal(e.where, "");
	assert_int_equal(oms_err_sys(&e, 2, "dir/f", "cannot open"), -1);
	assert_int_equal(e.code, OMS_EIO);
	assert_string_equal(e.where, "dir/f");
	assert_string_equal(e.msg, "cannot open: No such file or directory");
	oms_err_sys(&e, 12, NULL, "%s", "");
	assert_int_equal(e.code, OMS_ENOMEM);
	assert_string_equal(e.msg, "Cannot allocate memory");
	/* long texts are cut, not overflowed */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	oms_err_set(&e, OMS_EDATA, big, 1, "%s", big);
	assert_int_equal(strlen(e.where), sizeof(e.where) - 1);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	oms_err_clear(&e);
	assert_int_equal(e.code, OMS_EOK);
	assert_string_equal(e.where, "");
	assert_string_equal(e.msg, "");
	assert_int_equal(oms_err_set(NULL, OMS_EDATA, NULL, 0, "z"), -1);
}

/*
 * Many lines of every length across the reader's blocks: plain ones,
 * ones with an escape or a Cyrillic letter (read the careful way), a
 * ragged one among them (its line named, the next read after it), with
 * and without the last LF.
 */
static void
test_tsv_blocks(void **state)
{
	enum { NLINE = 700 };
	struct oms_buf in, want;
	struct oms_err e;
	struct oms_rec rec;
	struct src sr;
	size_t i, k, len, last;
	char f1[16];

	(void)state;
	for (last = 0; last < 2; last++) {
		oms_buf_init(&in, 0);
		assert_int_equal(oms_buf_adds(&in, "n\tv\tw\n", &e), 0);
		for (i = 0; i < NLINE; i++) {
			len = i * 37 % 1500;
			oms_buf_printf(&in, &e, "%zu\t", i);
			for (k = 0; k < len; k++)
				oms_buf_addc(&in, 'a' + (int)(k % 26), &e);
			if (i == 333)
				oms_buf_adds(&in, "\tragged", &e);
			oms_buf_adds(&in, i % 5 == 1 ? "\t\\t" : i % 5 == 2 ?
			    "\t\xd0\x96" : "\tz", &e);
			if (i + 1 < NLINE || !last)
				oms_buf_addc(&in, '\n', &e);
		}
		assert_true(in.len > 4 * ((size_t)64 << 10));
		assert_non_null(src_open(&sr, in.s, in.len, &e));
		for (i = 0; i < NLINE; i++) {
			if (i == 333) {
				assert_int_equal(oms_tsv_next(sr.t, &rec, &e),
				    -1);
				assert_string_equal(e.where, "t.tsv:335");
				assert_string_equal(e.msg,
				    "expected 3 fields, got 4");
				continue;
			}
			assert_int_equal(oms_tsv_next(sr.t, &rec, &e), 1);
			assert_int_equal(rec.lineno, i + 2);
			snprintf(f1, sizeof(f1), "%zu", i);
			assert_string_equal(rec.f[0], f1);
			len = i * 37 % 1500;
			assert_int_equal(rec.len[1], len);
			oms_buf_init(&want, 0);
			for (k = 0; k < len; k++)
				oms_buf_addc(&want, 'a' + (int)(k % 26), &e);
			assert_memory_equal(rec.f[1], want.s, len);
			oms_buf_release(&want);
			assert_string_equal(rec.f[2], i % 5 == 1 ? "\t" :
			    i % 5 == 2 ? "\xd0\x96" : "z");
		}
		assert_int_equal(oms_tsv_next(sr.t, &rec, &e), 0);
		assert_int_equal(oms_tsv_next(sr.t, &rec, &e), 0);
		src_close(&sr);
		oms_buf_release(&in);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsv_escape_text),
		cmocka_unit_test(test_tsv_escape_bytes),
		cmocka_unit_test(test_tsv_round_trip),
		cmocka_unit_test(test_tsv_ragged),
		cmocka_unit_test(test_tsv_one_column),
		cmocka_unit_test(test_tsv_cr),
		cmocka_unit_test(test_tsv_nul),
		cmocka_unit_test(test_tsv_bad_escape),
		cmocka_unit_test(test_tsv_bad_utf8),
		cmocka_unit_test(test_tsv_missing_header),
		cmocka_unit_test(test_tsv_bad_columns),
		cmocka_unit_test(test_tsv_header_only),
		cmocka_unit_test(test_tsv_no_final_lf),
		cmocka_unit_test(test_tsv_columns),
		cmocka_unit_test(test_tsv_line_too_long),
		cmocka_unit_test(test_tsv_blocks),
		cmocka_unit_test(test_tsv_read_error),
		cmocka_unit_test(test_tsv_unescape),
		cmocka_unit_test(test_tsv_writer_refuses),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_err),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
