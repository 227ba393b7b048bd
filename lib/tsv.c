/*
 * tsv.c -- the oms TSV dialect (oms-tsv(5)), reader and writer
 *
 * A file is UTF-8 text of LF-terminated lines (the last LF may be missing).
 * The first line is the header: unique, non-empty column names.  Every
 * further line is a record with exactly as many fields as the header, split
 * on TAB.  In a field (and in a column name) \t \n \r \\ stand for TAB, LF,
 * CR and backslash; every other backslash sequence, a lone backslash at the
 * end of a field, a NUL byte, a raw CR anywhere, a UTF-8 byte order mark and
 * invalid UTF-8 are errors naming file:line (and the column).  \N is not an
 * escape: the dialect has no NULL, an empty field is just empty.
 *
 * Lines are read in blocks of TSV_BLOCK bytes (past the line: the reader
 * owns the stream until its end) into a buffer capped at
 * OMS_TSV_LINE_MAX, so a hostile file without line ends cannot make the
 * reader allocate more.  A line of plain ASCII (no NUL, CR, backslash or
 * byte past 0x7f) is split on its TABs alone: nothing in it can be an
 * error but the number of fields.
 * After an error in a record the reader stays on the next line: calling
 * oms_tsv_next() again goes on with it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oms.h"

#define TSV_BLOCK	((size_t)64 << 10)

struct oms_tsv {
	FILE		 *fp;
	char		 *name;
	unsigned long	  lineno;
	int		  eof;
	char		 *rb;		/* TSV_BLOCK bytes read, from rpos */
	size_t		  rpos, rlen;
	struct oms_buf	  line;
	char		 *hdr;		/* the header line, split */
	const char	**cols;		/* ncol names, pointing into hdr */
	size_t		  ncol;
	const char	**f;		/* ncol fields of the current record */
	size_t		 *len;
};

struct tsv_colsort {
	const char	*name;
	size_t		 i;
};

static int	tsv_getline(struct oms_tsv *, struct oms_err *);
static int	tsv_raw_check(struct oms_tsv *, struct oms_err *);
static size_t	tsv_count(const struct oms_buf *);
static int	tsv_split(struct oms_tsv *, struct oms_err *);
static int	tsv_field_err(struct oms_tsv *, size_t, struct oms_err *,
		    const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));
static long	tsv_unescape(char *, size_t, size_t *);
static int	tsv_utf8(const unsigned char *, size_t, size_t *);
static int	tsv_header_check(struct oms_tsv *, struct oms_err *);
static int	tsv_colcmp(const void *, const void *);

/*
 * Read the next line into t->line without its LF: 1 = a line, 0 = end of
 * input, -1 = error.
 */
static int
tsv_getline(struct oms_tsv *t, struct oms_err *err)
{
	const char *p, *nl;
	size_t n;
	int any, toolong, end = 0;
	struct oms_err e;

	if (t->eof)
		return (0);
	oms_buf_reset(&t->line);
	t->lineno++;
	any = toolong = 0;
	for (;;) {
		if (t->rpos == t->rlen) {
			t->rpos = t->rlen = 0;
			if ((n = fread(t->rb, 1, TSV_BLOCK, t->fp)) == 0) {
				end = 1;
				break;
			}
			t->rlen = n;
		}
		any = 1;
		p = t->rb + t->rpos;
		nl = memchr(p, '\n', t->rlen - t->rpos);
		n = nl != NULL ? (size_t)(nl - p) : t->rlen - t->rpos;
		t->rpos += n + (nl != NULL);
		if (!toolong && oms_buf_add(&t->line, p, n, &e) == -1) {
			if (e.code != OMS_EDATA)
				return (oms_err_set(err, e.code, t->name,
				    t->lineno, "%s", e.msg));
			toolong = 1;
		}
		if (nl != NULL)
			break;
	}
	if (end) {
		t->eof = 1;
		if (ferror(t->fp))
			return (oms_err_set(err, OMS_EIO, t->name, t->lineno,
			    "read error: %s", strerror(errno)));
		if (!any) {
			t->lineno--;
			return (0);
		}
	}
	if (toolong)
		return (oms_err_set(err, OMS_EDATA, t->name, t->lineno,
		    "line too long (over %zu bytes)", t->line.max));
	return (1);
}

/* Bytes that may not appear anywhere in a raw line. */
static int
tsv_raw_check(struct oms_tsv *t, struct oms_err *err)
{
	const char *s = t->line.s;
	size_t len = t->line.len;

	if (memchr(s, '\0', len) != NULL)
		return (oms_err_set(err, OMS_EDATA, t->name, t->lineno,
		    "NUL byte"));
	if (memchr(s, '\r', len) != NULL)
		return (oms_err_set(err, OMS_EDATA, t->name, t->lineno,
		    "carriage return (CRLF line ends?)"));
	if (t->lineno == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		return (oms_err_set(err, OMS_EDATA, t->name, t->lineno,
		    "UTF-8 byte order mark (save the file without BOM)"));
	return (0);
}

static size_t
tsv_count(const struct oms_buf *b)
{
	const char *p, *end;
	size_t n;

	n = 1;
	end = b->s + b->len;
	for (p = b->s; (p = memchr(p, '\t', (size_t)(end - p))) != NULL; p++)
		n++;
	return (n);
}

/* An error in field i of the current line: "column "name": ...". */
static int
tsv_field_err(struct oms_tsv *t, size_t i, struct oms_err *err,
    const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (t->cols != NULL)
		return (oms_err_set(err, OMS_EDATA, t->name, t->lineno,
		    "column \"%s\": %s", t->cols[i], what));
	return (oms_err_set(err, OMS_EDATA, t->name, t->lineno,
	    "column %zu: %s", i + 1, what));
}

/*
 * Split t->line (of exactly t->ncol fields) into t->f and t->len, then
 * check and unescape every field in place.
 */
static int
tsv_split(struct oms_tsv *t, struct oms_err *err)
{
	char *p, *end, *tab;
	size_t i, bad;
	long n;
	int c;

	p = t->line.s;
	end = p + t->line.len;
	for (i = 0; i < t->ncol; i++) {
		if ((tab = memchr(p, '\t', (size_t)(end - p))) == NULL)
			tab = end;
		*tab = '\0';
		t->f[i] = p;
		if (tsv_utf8((unsigned char *)p, (size_t)(tab - p), &bad) == -1)
			return (tsv_field_err(t, i, err,
			    "invalid UTF-8 at byte %zu", bad + 1));
		if ((n = tsv_unescape(p, (size_t)(tab - p), &bad)) == -1) {
			c = (unsigned char)p[bad + 1];
			if (c == '\0')
				return (tsv_field_err(t, i, err,
				    "lone backslash at the end of the field "
				    "(write \\\\ for a backslash)"));
			if (c >= 0x20 && c < 0x7f)
				return (tsv_field_err(t, i, err,
				    "invalid escape \"\\%c\" (expected \\t, "
				    "\\n, \\r or \\\\)", c));
			return (tsv_field_err(t, i, err,
			    "invalid escape: backslash before byte 0x%02x "
			    "(expected \\t, \\n, \\r or \\\\)", c));
		}
		t->len[i] = (size_t)n;
		p = tab + 1;
	}
	return (0);
}

/*
 * The unescaping proper.  Returns the new length, or -1 with *bad set to
 * the offset of the offending backslash.
 */
static long
tsv_unescape(char *s, size_t len, size_t *bad)
{
	char *r, *w, *end;

	end = s + len;
	if ((r = memchr(s, '\\', len)) == NULL)
		return ((long)len);
	for (w = r; r < end; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		switch (r + 1 < end ? r[1] : '\0') {
		case 't':
			*w++ = '\t';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case '\\':
			*w++ = '\\';
			break;
		default:
			*bad = (size_t)(r - s);
			return (-1);
		}
		r++;
	}
	*w = '\0';
	return ((long)(w - s));
}

/*
 * When the result is shorter than len it is NUL-terminated, so a
 * NUL-terminated s stays NUL-terminated; s[len] itself is never written.
 */
long
oms_tsv_unescape(char *s, size_t len)
{
	size_t bad;

	return (tsv_unescape(s, len, &bad));
}

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF.  Returns 0, or -1 with *bad set to the offset of the bad
 * sequence.
 */
static int
tsv_utf8(const unsigned char *s, size_t len, size_t *bad)
{
	size_t i, k, n;
	unsigned char c, lo, hi;

	for (i = 0; i < len; i += n) {
		c = s[i];
		lo = 0x80;
		hi = 0xbf;
		if (c < 0x80) {
			n = 1;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			if (c == 0xf0)
				lo = 0x90;	/* overlong */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else {
			*bad = i;
			return (-1);
		}
		if (n > len - i) {
			*bad = i;
			return (-1);
		}
		if (s[i + 1] < lo || s[i + 1] > hi) {
			*bad = i;
			return (-1);
		}
		for (k = 2; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80) {
				*bad = i;
				return (-1);
			}
	}
	return (0);
}

static int
tsv_colcmp(const void *a, const void *b)
{
	const struct tsv_colsort *x = a, *y = b;
	int r;

	if ((r = strcmp(x->name, y->name)) != 0)
		return (r);
	return (x->i < y->i ? -1 : x->i > y->i);
}

/* Column names must be non-empty and unique (sorted, so n log n). */
static int
tsv_header_check(struct oms_tsv *t, struct oms_err *err)
{
	struct tsv_colsort *s;
	size_t i, j, first, dup;

	for (i = 0; i < t->ncol; i++)
		if (t->cols[i][0] == '\0')
			return (oms_err_set(err, OMS_EDATA, t->name, 1,
			    "empty column name (column %zu)", i + 1));
	if ((s = calloc(t->ncol, sizeof(*s))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, t->name, 1,
		    "out of memory"));
	for (i = 0; i < t->ncol; i++) {
		s[i].name = t->cols[i];
		s[i].i = i;
	}
	qsort(s, t->ncol, sizeof(*s), tsv_colcmp);
	/* report the duplicate met first when reading left to right */
	first = dup = t->ncol;
	for (i = 0; i + 1 < t->ncol; i = j) {
		for (j = i + 1; j < t->ncol &&
		    strcmp(s[i].name, s[j].name) == 0; j++)
			;
		if (j > i + 1 && s[i + 1].i < dup) {
			first = s[i].i;
			dup = s[i + 1].i;
		}
	}
	free(s);
	if (dup < t->ncol)
		return (oms_err_set(err, OMS_EDATA, t->name, 1,
		    "duplicate column \"%s\" (columns %zu and %zu)",
		    t->cols[dup], first + 1, dup + 1));
	return (0);
}

struct oms_tsv *
oms_tsv_open(FILE *fp, const char *name, struct oms_err *err)
{
	struct oms_tsv *t;
	size_t i;
	int r;

	if (name == NULL)
		name = "-";
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->name = strdup(name)) == NULL) {
		free(t);
		oms_err_set(err, OMS_ENOMEM, name, 0, "out of memory");
		return (NULL);
	}
	t->fp = fp;
	oms_buf_init(&t->line, OMS_TSV_LINE_MAX);
	if ((t->rb = malloc(TSV_BLOCK)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, name, 0, "out of memory");
		goto fail;
	}
	if ((r = tsv_getline(t, err)) <= 0) {
		if (r == 0)
			oms_err_set(err, OMS_EDATA, t->name, 0,
			    "missing header line");
		goto fail;
	}
	if (tsv_raw_check(t, err) == -1)
		goto fail;
	/* t->cols stays NULL while splitting: errors name columns by number */
	t->ncol = tsv_count(&t->line);
	if ((t->f = calloc(t->ncol, sizeof(*t->f))) == NULL ||
	    (t->len = calloc(t->ncol, sizeof(*t->len))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, t->name, 1, "out of memory");
		goto fail;
	}
	if (tsv_split(t, err) == -1)
		goto fail;
	if ((t->cols = calloc(t->ncol, sizeof(*t->cols))) == NULL ||
	    (t->hdr = malloc(t->line.len + 1)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, t->name, 1, "out of memory");
		goto fail;
	}
	memcpy(t->hdr, t->line.s, t->line.len + 1);
	for (i = 0; i < t->ncol; i++)
		t->cols[i] = t->hdr + (t->f[i] - t->line.s);
	if (tsv_header_check(t, err) == -1)
		goto fail;
	return (t);
fail:
	oms_tsv_free(t);
	return (NULL);
}

size_t
oms_tsv_ncol(const struct oms_tsv *t)
{
	return (t->ncol);
}

/* The name of column i, or NULL when there is no such column. */
const char *
oms_tsv_colname(const struct oms_tsv *t, size_t i)
{
	return (i < t->ncol ? t->cols[i] : NULL);
}

int
oms_tsv_col(const struct oms_tsv *t, const char *colname)
{
	size_t i;

	for (i = 0; i < t->ncol; i++)
		if (strcmp(t->cols[i], colname) == 0)
			return ((int)i);	/* ncol <= OMS_TSV_LINE_MAX + 1 */
	return (-1);
}

/* Has the word a zero byte?  Exact, as the bits of 0x80 it gives are. */
#define HASZERO(w)	(((w) - UINT64_C(0x0101010101010101)) & ~(w) & \
			    UINT64_C(0x8080808080808080))

/*
 * Is s (len bytes) ASCII with no backslash, and, for the reader, no NUL
 * or CR (neither the raw checks nor UTF-8 nor an escape can find fault
 * with a line of it), for the writer nothing below the space (a field of
 * it is written as it is)?  A word at a time.
 */
static int
tsv_ascii(const char *s, size_t len, int writer)
{
	const uint64_t hi = UINT64_C(0x8080808080808080),
	    cr = UINT64_C(0x0d0d0d0d0d0d0d0d), sp = UINT64_C(0x2020202020202020),
	    bs = UINT64_C(0x5c5c5c5c5c5c5c5c);
	uint64_t w, bad;
	size_t i;
	unsigned char c;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		bad = w & hi;
		bad |= HASZERO(w ^ bs);
		/* a byte below the space; a NUL or CR */
		bad |= writer ? (w - sp) & ~w & hi : HASZERO(w) |
		    HASZERO(w ^ cr);
		if (bad != 0)
			return (0);
	}
	for (; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x80 || c == '\\' || (writer ? c < 0x20 : c == '\0' ||
		    c == '\r'))
			return (0);
	}
	return (1);
}

/* A plain line (tsv_ascii) into its fields: 0, or -1 when not ncol. */
static int
tsv_split_plain(struct oms_tsv *t, struct oms_err *err)
{
	char *p = t->line.s, *end = p + t->line.len, *tab;
	size_t i, nf;

	for (i = 0; i < t->ncol; i++) {
		if ((tab = memchr(p, '\t', (size_t)(end - p))) == NULL) {
			if (i + 1 < t->ncol)
				break;
			tab = end;
		} else if (i + 1 == t->ncol)
			break;
		*tab = '\0';
		t->f[i] = p;
		t->len[i] = (size_t)(tab - p);
		p = tab + 1;
	}
	if (i == t->ncol)
		return (0);
	/* i fields split off, the others from p on: as tsv_count says */
	for (nf = i + 1; (tab = memchr(p, '\t', (size_t)(end - p))) != NULL;
	    p = tab + 1)
		nf++;
	return (oms_err_set(err, OMS_EDATA, t->name, t->lineno,
	    "expected %zu field%s, got %zu", t->ncol, t->ncol == 1 ? "" :
	    "s", nf));
}

int
oms_tsv_next(struct oms_tsv *t, struct oms_rec *rec, struct oms_err *err)
{
	size_t nf;
	int r;

	if ((r = tsv_getline(t, err)) <= 0)
		return (r);
	if (tsv_ascii(t->line.s, t->line.len, 0)) {
		if (tsv_split_plain(t, err) == -1)
			return (-1);
		goto done;
	}
	if (tsv_raw_check(t, err) == -1)
		return (-1);
	if ((nf = tsv_count(&t->line)) != t->ncol)
		return (oms_err_set(err, OMS_EDATA, t->name, t->lineno,
		    "expected %zu field%s, got %zu", t->ncol,
		    t->ncol == 1 ? "" : "s", nf));
	if (tsv_split(t, err) == -1)
		return (-1);
done:
	rec->nf = t->ncol;
	rec->f = t->f;
	rec->len = t->len;
	rec->lineno = t->lineno;
	return (1);
}

void
oms_tsv_free(struct oms_tsv *t)
{
	if (t == NULL)
		return;
	oms_buf_release(&t->line);
	free(t->rb);
	free(t->name);
	free(t->hdr);
	free(t->cols);
	free(t->f);
	free(t->len);
	free(t);
}

/*
 * The writer.  NUL bytes and invalid UTF-8 are refused, because the reader
 * would refuse them.  On error b is left as it was.
 */
int
oms_tsv_escape(struct oms_buf *b, const char *s, size_t len,
    struct oms_err *err)
{
	size_t i, run, old, bad;
	char esc[2];

	if (tsv_ascii(s, len, 1))
		return (oms_buf_add(b, s, len, err));
	if (memchr(s, '\0', len) != NULL)
		return (oms_err_set(err, OMS_EDATA, NULL, 0,
		    "NUL byte in a field"));
	if (tsv_utf8((const unsigned char *)s, len, &bad) == -1)
		return (oms_err_set(err, OMS_EDATA, NULL, 0,
		    "invalid UTF-8 at byte %zu of a field", bad + 1));
	old = b->len;
	esc[0] = '\\';
	for (i = run = 0; i < len; i++) {
		switch (s[i]) {
		case '\t':
			esc[1] = 't';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		default:
			continue;
		}
		if (oms_buf_add(b, s + run, i - run, err) == -1 ||
		    oms_buf_add(b, esc, 2, err) == -1)
			goto fail;
		run = i + 1;
	}
	if (oms_buf_add(b, s + run, len - run, err) == -1)
		goto fail;
	return (0);
fail:
	b->len = old;
	if (b->s != NULL)
		b->s[old] = '\0';
	return (-1);
}

int
oms_tsv_row(struct oms_buf *b, const char *const *f, size_t n,
    struct oms_err *err)
{
	size_t i, old;

	old = b->len;
	for (i = 0; i < n; i++) {
		if (i > 0 && oms_buf_addc(b, '\t', err) == -1)
			goto fail;
		if (f[i] != NULL &&
		    oms_tsv_escape(b, f[i], strlen(f[i]), err) == -1)
			goto fail;
	}
	if (oms_buf_addc(b, '\n', err) == -1)
		goto fail;
	return (0);
fail:
	b->len = old;
	if (b->s != NULL)
		b->s[old] = '\0';
	return (-1);
}
