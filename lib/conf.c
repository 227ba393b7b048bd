/*
 * conf.c -- oms.conf (oms.conf(5))
 *
 * One "key = value" a line; blank lines and comment lines are skipped.  '#'
 * starts a comment only as the first non-blank character of a line: values
 * may contain '#' ("mo = 123456 # x" has the value "123456 # x", which the
 * check of mo then refuses).  The key and the value are split at the first
 * '=' and trimmed of blanks (spaces and tabs); nothing is quoted or escaped.
 * A UTF-8 byte order mark at the start of the file is skipped and CRLF line
 * ends are accepted.
 *
 * Keys are those of the table below, plus any key that starts with one of
 * its prefixes ("name.", "mo_" ...) followed by [A-Za-z0-9_.]+.  A key may
 * appear once.  Every key is also kept raw, in file order, in keys/vals/
 * lines, so oms_conf_get() answers for all of them.
 *
 * Every value is checked here, at load, so that an error names its line:
 * it is UTF-8 text without control characters (TAB aside), and a value
 * that goes into a file name, a registry or a fixed-size field has its
 * shape (a version is "5.1", never "../../x" or 5000 digits) and its
 * length; a pattern.* compiles as oms-import compiles it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "profile.h"

#define CONF_LINE_MAX	((size_t)64 << 10)
#define BLANKS		" \t"

struct conf_ctx {
	const char	*name;
	unsigned long	 line;
	const char	*key;		/* the key of the line, for prefix keys */
	struct oms_err	*err;
};

/* An invoice number is char[32]: the prefix, then up to 10 digits. */
#define INVOICE_PREFIX_MAX	21
/* ZGLV/VERSION and the registry's version are char[8]. */
#define VERSION_MAX		7
/* The name of a file in a workspace; a registry name is char[64]. */
#define NAME_MAX_LEN		63

struct conf_key {
	const char	*name;
	int		(*set)(struct oms_conf *, const struct conf_key *,
			    const char *, struct conf_ctx *);
	size_t		 off;		/* of the field set */
	int		 n;		/* digits for conf_digits */
	int		 flags;
#define CONF_REQUIRED	0x01
#define CONF_PREFIX	0x02		/* name is a prefix, raw value only */
};

static int	conf_bad(struct conf_ctx *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static int	conf_nomem(struct conf_ctx *);
static int	conf_init(struct oms_conf *, struct oms_err *);
static int	conf_digits(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_account_key(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_archive_ext(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_package_width(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_payers(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_zip_level(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_from(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_profile(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_send_to(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_version(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_pattern(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_rule(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_name(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_invoice(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_mo_detail(struct oms_conf *, const struct conf_key *,
		    const char *, struct conf_ctx *);
static int	conf_text(const char *, struct conf_ctx *);
static const char *shown(const char *, char *, size_t);
static const struct conf_key *conf_lookup(const char *);
static int	conf_store(struct oms_conf *, const char *, const char *,
		    struct conf_ctx *);
static int	conf_line(struct oms_conf *, char *, size_t,
		    struct conf_ctx *);
static int	conf_required(const struct oms_conf *, struct conf_ctx *);

/* Sorted.  primary_from and repeat_from find their _back field by name. */
static const struct conf_key conf_keys[] = {
	{ "account_key", conf_account_key, 0, 0, 0 },
	{ "archive_ext", conf_archive_ext, 0, 0, 0 },
	{ "invoice.", conf_invoice, 0, 0, CONF_PREFIX },
	{ "kpp", conf_digits, offsetof(struct oms_conf, kpp), 9,
	    CONF_REQUIRED },
	{ "mo", conf_digits, offsetof(struct oms_conf, mo), 6,
	    CONF_REQUIRED },
	{ "mo_", conf_mo_detail, 0, 0, CONF_PREFIX },
	{ "name.", conf_name, 0, 0, CONF_PREFIX },
	{ "ogrn", conf_digits, offsetof(struct oms_conf, ogrn), 13,
	    CONF_REQUIRED },
	{ "package_width", conf_package_width, 0, 0, 0 },
	{ "pattern.", conf_pattern, 0, 0, CONF_PREFIX },
	{ "payers", conf_payers, 0, 0, 0 },
	{ "primary_from", conf_from, 0, 0, 0 },
	{ "profile", conf_profile, 0, 0, CONF_REQUIRED },
	{ "repeat_from", conf_from, 0, 0, 0 },
	{ "requeue.", NULL, 0, 0, CONF_PREFIX },
	{ "rule.", conf_rule, 0, 0, CONF_PREFIX },
	{ "send_to", conf_send_to, 0, 0, 0 },
	{ "tfoms", conf_digits, offsetof(struct oms_conf, tfoms), 2,
	    CONF_REQUIRED },
	{ "version.", conf_version, 0, 0, CONF_PREFIX },
	{ "zip_level", conf_zip_level, 0, 0, 0 },
};
/* NAME.KEY of a profile NAME: its own keys (conf_profile_keys) */
static const struct conf_key profile_key = { "", NULL, 0, 0, CONF_PREFIX };
#define NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))

static int
conf_bad(struct conf_ctx *ctx, const char *fmt, ...)
{
	char msg[sizeof(ctx->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return (oms_err_set(ctx->err, OMS_EDATA, ctx->name, ctx->line, "%s",
	    msg));
}

static int
conf_nomem(struct conf_ctx *ctx)
{
	return (oms_err_set(ctx->err, OMS_ENOMEM, ctx->name, ctx->line,
	    "out of memory"));
}

static int
conf_init(struct oms_conf *c, struct oms_err *err)
{
	memset(c, 0, sizeof(*c));
	c->send_to = OMS_SEND_TFOMS;
	c->primary_back = 0;
	c->primary_from = -1;
	c->repeat_back = 1;
	c->repeat_from = -1;
	/* the first profile's defaults until oms.conf names one */
	snprintf(c->archive_ext, sizeof(c->archive_ext), "%s",
	    omsi_profile_of(c)->archive_ext);
	c->package_width = 1;
	if ((c->account_key = strdup(omsi_profile_of(c)->account_key)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory"));
	return (0);
}

/* mo, ogrn, kpp, tfoms: exactly k->n ASCII digits. */
static int
conf_digits(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	if (strlen(v) != (size_t)k->n || strspn(v, "0123456789") != strlen(v))
		return (conf_bad(ctx, "%s: expected %d digits, got \"%s\"",
		    k->name, k->n, v));
	memcpy((char *)c + k->off, v, (size_t)k->n + 1);
	return (0);
}

/*
 * Element names of [A-Z0-9_] joined by '/' ("Z_SL/SL/SL_ID", ffoms), or
 * one attribute name of [a-z0-9_] ("xkey", yar76); conf_profile_keys
 * checks that the form fits the profile (profile.h).
 */
static int
conf_account_key(struct oms_conf *c, const struct conf_key *k,
    const char *v, struct conf_ctx *ctx)
{
	static const char name[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
	static const char attr[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
	const char *p;
	char *s;
	size_t n;

	if (strspn(v, attr) == strlen(v) && *v != '\0')
		goto ok;
	for (p = v;; p += n + 1) {
		n = strspn(p, name);
		if (n == 0 || (p[n] != '/' && p[n] != '\0'))
			return (conf_bad(ctx, "%s: expected element names of "
			    "[A-Z0-9_] joined by \"/\" (like Z_SL/SL/SL_ID), "
			    "or an attribute (like xkey), got \"%s\"",
			    k->name, v));
		if (p[n] == '\0')
			break;
	}
ok:
	if ((s = strdup(v)) == NULL)
		return (conf_nomem(ctx));
	free(c->account_key);
	c->account_key = s;
	return (0);
}

static int
conf_archive_ext(struct oms_conf *c, const struct conf_key *k,
    const char *v, struct conf_ctx *ctx)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t n;

	n = strlen(v);
	if (n < 1 || n >= sizeof(c->archive_ext) || strspn(v, alnum) != n)
		return (conf_bad(ctx, "%s: expected 1 to %zu letters or "
		    "digits, got \"%s\"", k->name, sizeof(c->archive_ext) - 1,
		    v));
	memcpy(c->archive_ext, v, n + 1);
	return (0);
}

static int
conf_package_width(struct oms_conf *c, const struct conf_key *k,
    const char *v, struct conf_ctx *ctx)
{
	if (v[0] < '1' || v[0] > '6' || v[1] != '\0')
		return (conf_bad(ctx, "%s: expected a number from 1 to 6, "
		    "got \"%s\"", k->name, v));
	c->package_width = v[0] - '0';
	return (0);
}

/* The deflate level of the archives, read by the writers (zip.c). */
static int
conf_zip_level(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	(void)c;
	if (v[0] < '1' || v[0] > '9' || v[1] != '\0')
		return (conf_bad(ctx, "%s: expected a number from 1 to 9, "
		    "got \"%s\"", k->name, v));
	return (0);
}

/* 5-digit codes separated by commas and/or blanks. */
static int
conf_payers(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	static const char sep[] = ", \t";
	const char *p;
	char **list;
	size_t i, j, n, len;

	for (n = 0, p = v + strspn(v, sep); *p != '\0';
	    p += len, p += strspn(p, sep), n++) {
		len = strcspn(p, sep);
		if (len != 5 || strspn(p, "0123456789") < 5)
			return (conf_bad(ctx, "%s: expected 5-digit codes "
			    "separated by commas or blanks, got \"%.*s\"",
			    k->name, (int)len, p));
	}
	if (n == 0)
		return (conf_bad(ctx, "%s: expected 5-digit codes separated "
		    "by commas or blanks, got \"\"", k->name));
	if ((list = calloc(n + 1, sizeof(*list))) == NULL)
		return (conf_nomem(ctx));
	for (i = 0, p = v + strspn(v, sep); i < n;
	    p += 5, p += strspn(p, sep), i++) {
		for (j = 0; j < i; j++)
			if (strncmp(list[j], p, 5) == 0) {
				conf_bad(ctx, "%s: \"%.5s\" listed twice",
				    k->name, p);
				goto fail;
			}
		if ((list[i] = strndup(p, 5)) == NULL) {
			conf_nomem(ctx);
			goto fail;
		}
	}
	c->payers = list;	/* a key given twice never gets here */
	return (0);
fail:
	for (i = 0; list[i] != NULL; i++)
		free(list[i]);
	free(list);
	return (-1);
}

/*
 * primary_from, repeat_from: months before the period's first month
 * (0-120, into *_back) or a date YYYY-MM-DD (days, into *_from).  A date
 * given wins over the months; -1, the "unset" of *_from, is 1969-12-31,
 * and dates before 1970 are refused anyway.
 */
static int
conf_from(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	size_t n;
	long days;
	int months, *back;
	long *from;

	if (strcmp(k->name, "primary_from") == 0) {
		back = &c->primary_back;
		from = &c->primary_from;
	} else {
		back = &c->repeat_back;
		from = &c->repeat_from;
	}
	n = strlen(v);
	if (n >= 1 && n <= 3 && strspn(v, "0123456789") == n) {
		months = atoi(v);
		if (months > 120)
			goto bad;
		*back = months;
		*from = -1;
		return (0);
	}
	if (oms_date_parse(v, &days) == -1)
		goto bad;
	if (days < 0)
		return (conf_bad(ctx, "%s: expected a date from 1970-01-01 "
		    "on, got \"%s\"", k->name, v));
	*from = days;
	return (0);
bad:
	return (conf_bad(ctx, "%s: expected months from 0 to 120 or a date "
	    "YYYY-MM-DD, got \"%s\"", k->name, v));
}

static int
conf_profile(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	const struct oms_profile *p;
	char names[256];

	if ((p = omsi_profile_find(v)) == NULL)
		return (conf_bad(ctx, "%s: expected %s, got \"%s\"", k->name,
		    omsi_profile_names(names, sizeof(names)), v));
	snprintf(c->profile, sizeof(c->profile), "%s", v);
	c->prof = p;
	return (0);
}

static int
conf_send_to(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	if (strcmp(v, "tfoms") == 0)
		c->send_to = OMS_SEND_TFOMS;
	else if (strcmp(v, "smo") == 0)
		c->send_to = OMS_SEND_SMO;
	else
		return (conf_bad(ctx, "%s: expected \"tfoms\" or \"smo\", "
		    "got \"%s\"", k->name, v));
	return (0);
}

/* v for a message: itself, or its first 40 bytes and its length. */
static const char *
shown(const char *v, char *buf, size_t len)
{
	size_t n = strlen(v), k = 40;

	if (n <= 48)
		return (v);
	while (k > 0 && ((unsigned char)v[k] & 0xc0) == 0x80)
		k--;		/* not in the middle of a character */
	snprintf(buf, len, "%.*s... (%zu bytes)", (int)k, v, n);
	return (buf);
}

/*
 * Every value: UTF-8 (the file is UTF-8, oms-tsv(5)), and no control
 * character but TAB, since values go into XML, TSV and HTML.
 */
static int
conf_text(const char *v, struct conf_ctx *ctx)
{
	const unsigned char *p = (const unsigned char *)v;
	unsigned long cp, min;
	int need;

	while (*p != '\0') {
		if (*p < 0x80) {
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				return (conf_bad(ctx, "%s: control character "
				    "0x%02x in the value", ctx->key, *p));
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			cp = *p & 0x1f;
			need = 1;
			min = 0x80;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			cp = *p & 0x0f;
			need = 2;
			min = 0x800;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			cp = *p & 0x07;
			need = 3;
			min = 0x10000;
		} else
			goto bad;
		for (p++; need > 0; need--, p++) {
			if ((*p & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (*p & 0x3f);
		}
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp > 0x10ffff || cp == 0xfffe || cp == 0xffff)
			goto bad;
		if (cp >= 0x80 && cp < 0xa0)	/* C1 controls */
			return (conf_bad(ctx, "%s: control character "
			    "U+%04lX in the value", ctx->key, cp));
	}
	return (0);
bad:
	return (conf_bad(ctx, "%s: the value is not UTF-8 text; save %s as "
	    "UTF-8", ctx->key, ctx->name));
}

/*
 * version.KIND: KIND is a registry kind (H, C, T, D, D and a letter) or L;
 * the value is a format version like 3.2 or 5.1: digits, a dot, digits,
 * VERSION_MAX characters at most.  It goes into ZGLV/VERSION and names
 * the schema file KIND-VERSION.xsd.
 */
static int
conf_version(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	const char *kind = ctx->key + strlen(k->name);
	char buf[64];
	size_t a, b;

	(void)c;
	if (!(strcmp(kind, "H") == 0 || strcmp(kind, "C") == 0 ||
	    strcmp(kind, "T") == 0 || strcmp(kind, "L") == 0 ||
	    (kind[0] == 'D' && (kind[1] == '\0' || (kind[1] >= 'A' &&
	    kind[1] <= 'Z' && kind[2] == '\0')))))
		return (conf_bad(ctx, "%s: no such kind \"%s\" (H, C, T, D, D "
		    "and a letter such as DP, or L)", ctx->key, kind));
	a = strspn(v, "0123456789");
	b = v[a] == '.' ? strspn(v + a + 1, "0123456789") : 0;
	if (a == 0 || b == 0 || v[a + 1 + b] != '\0' ||
	    a + 1 + b > VERSION_MAX)
		return (conf_bad(ctx, "%s: expected a format version like 5.1 "
		    "(digits, a dot, digits; at most %d characters), got "
		    "\"%s\"", ctx->key, VERSION_MAX, shown(v, buf,
		    sizeof(buf))));
	return (0);
}

/*
 * pattern.flk, pattern.control, pattern.demand: compiled as oms-import
 * compiles them (lib/ffoms_reply.c: UTF, anchored at both ends, caseless,
 * duplicate names), with the named groups it needs.
 */
static int
conf_pattern(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	static const char *const need[] = { "mo", "yymm", "n" };
	const char *name = ctx->key + strlen(k->name);
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	size_t i;
	int ec, r;

	(void)c;
	if (strcmp(name, "flk") != 0 && strcmp(name, "control") != 0 &&
	    strcmp(name, "demand") != 0)
		return (conf_bad(ctx, "%s: no such pattern (pattern.flk, "
		    "pattern.control or pattern.demand)", ctx->key));
	re = pcre2_compile((PCRE2_SPTR)v, PCRE2_ZERO_TERMINATED, PCRE2_UTF |
	    PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_DUPNAMES |
	    PCRE2_CASELESS, &ec, &off, NULL);
	if (re == NULL) {
		if (ec == PCRE2_ERROR_NOMEMORY)
			return (conf_nomem(ctx));
		pcre2_get_error_message(ec, msg, sizeof(msg));
		return (conf_bad(ctx, "%s: %s at offset %zu", ctx->key,
		    (const char *)msg, (size_t)off));
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		r = pcre2_substring_number_from_name(re, (PCRE2_SPTR)need[i]);
		if (r < 0 && r != PCRE2_ERROR_NOUNIQUESUBSTRING) {
			pcre2_code_free(re);
			return (conf_bad(ctx, "%s: no named group (?<%s>...); "
			    "the pattern must have mo, yymm and n, and may "
			    "have type", ctx->key, need[i]));
		}
	}
	pcre2_code_free(re);
	return (0);
}

/* rule.ID = off | warning | error; the id is checked against the table. */
static int
conf_rule(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	char buf[64];

	(void)c;
	(void)k;
	if (strcmp(v, "off") != 0 && strcmp(v, "warning") != 0 &&
	    strcmp(v, "error") != 0)
		return (conf_bad(ctx, "%s: expected off, warning or error, got "
		    "\"%s\"", ctx->key, shown(v, buf, sizeof(buf))));
	return (0);
}

/*
 * name.*: kept for the naming of a later version; a value will name a
 * file, so it may not make a path (a '/' or '\\', a leading dot) or be
 * longer than a registry name.
 */
static int
conf_name(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	char buf[64];

	(void)c;
	(void)k;
	if (*v == '\0' || *v == '.' || strpbrk(v, "/\\") != NULL ||
	    strlen(v) > NAME_MAX_LEN)
		return (conf_bad(ctx, "%s: expected a file name of at most %d "
		    "bytes, without '/' or '\\' and not beginning with a dot, "
		    "got \"%s\"", ctx->key, NAME_MAX_LEN,
		    shown(v, buf, sizeof(buf))));
	return (0);
}

/* invoice.prefix begins every invoice number (and its file's name). */
static int
conf_invoice(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	char buf[64];

	(void)c;
	(void)k;
	if (strcmp(ctx->key, "invoice.prefix") == 0 &&
	    strlen(v) > INVOICE_PREFIX_MAX)
		return (conf_bad(ctx, "%s: at most %d bytes (an invoice number "
		    "is the prefix and its sequence number), got \"%s\"",
		    ctx->key, INVOICE_PREFIX_MAX, shown(v, buf,
		    sizeof(buf))));
	return (0);
}

/* The МО's codes on its invoices: INN, BIK and the two accounts. */
static int
conf_mo_detail(struct oms_conf *c, const struct conf_key *k, const char *v,
    struct conf_ctx *ctx)
{
	static const struct {
		const char	*key;
		size_t		 n1, n2;	/* digits: n1 or n2 */
	} codes[] = {
		{ "mo_account", 20, 20 },
		{ "mo_bik", 9, 9 },
		{ "mo_corr_account", 20, 20 },
		{ "mo_inn", 10, 12 },
	};
	char buf[64];
	size_t i, n = strlen(v);

	(void)c;
	(void)k;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (strcmp(ctx->key, codes[i].key) != 0)
			continue;
		if ((n != codes[i].n1 && n != codes[i].n2) ||
		    strspn(v, "0123456789") != n) {
			if (codes[i].n1 == codes[i].n2)
				return (conf_bad(ctx, "%s: expected %zu "
				    "digits, got \"%s\"", ctx->key,
				    codes[i].n1, shown(v, buf, sizeof(buf))));
			return (conf_bad(ctx, "%s: expected %zu or %zu "
			    "digits, got \"%s\"", ctx->key, codes[i].n1,
			    codes[i].n2, shown(v, buf, sizeof(buf))));
		}
	}
	return (0);
}

/* The profile NAME of a key NAME.KEY, *rest set to KEY; else NULL. */
static const struct oms_profile *
key_profile(const char *key, const char **rest)
{
	const char *dot = strchr(key, '.');
	char name[16];
	size_t n;

	if (dot == NULL || (n = (size_t)(dot - key)) >= sizeof(name))
		return (NULL);
	memcpy(name, key, n);
	name[n] = '\0';
	*rest = dot + 1;
	return (omsi_profile_find(name));
}

static const struct conf_key *
conf_lookup(const char *key)
{
	static const char suffix[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.";
	const struct conf_key *k;
	const struct oms_profile *q;
	const char *p;
	size_t n;

	for (k = conf_keys; k < conf_keys + NKEYS; k++) {
		if (!(k->flags & CONF_PREFIX)) {
			if (strcmp(key, k->name) == 0)
				return (k);
			continue;
		}
		n = strlen(k->name);
		if (strncmp(key, k->name, n) != 0)
			continue;
		p = key + n;
		if (*p != '\0' && strspn(p, suffix) == strlen(p))
			return (k);
	}
	if ((q = key_profile(key, &p)) != NULL && q->conf_key != NULL &&
	    *p != '\0' && strspn(p, suffix) == strlen(p))
		return (&profile_key);
	return (NULL);
}

/* Keep key = value raw, in file order. */
static int
conf_store(struct oms_conf *c, const char *key, const char *val,
    struct conf_ctx *ctx)
{
	char **keys, **vals, *k, *v;
	unsigned long *lines;
	size_t n;

	n = c->nkv + 1;
	if ((keys = reallocarray(c->keys, n, sizeof(*keys))) == NULL)
		return (conf_nomem(ctx));
	c->keys = keys;
	if ((vals = reallocarray(c->vals, n, sizeof(*vals))) == NULL)
		return (conf_nomem(ctx));
	c->vals = vals;
	if ((lines = reallocarray(c->lines, n, sizeof(*lines))) == NULL)
		return (conf_nomem(ctx));
	c->lines = lines;
	if ((k = strdup(key)) == NULL || (v = strdup(val)) == NULL) {
		free(k);
		return (conf_nomem(ctx));
	}
	c->keys[c->nkv] = k;
	c->vals[c->nkv] = v;
	c->lines[c->nkv] = ctx->line;
	c->nkv = n;
	return (0);
}

/* One line, without its LF; s[len] is '\0'. */
static int
conf_line(struct oms_conf *c, char *s, size_t len, struct conf_ctx *ctx)
{
	const struct conf_key *k;
	char *eq, *key, *val, *end;
	size_t i;

	if (len > 0 && s[len - 1] == '\r')
		s[--len] = '\0';
	if (ctx->line == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		len -= 3;
	}
	if (memchr(s, '\0', len) != NULL)
		return (conf_bad(ctx, "NUL byte"));
	if (memchr(s, '\r', len) != NULL)
		return (conf_bad(ctx, "carriage return inside a line "
		    "(CR line ends?)"));
	s += strspn(s, BLANKS);
	if (*s == '\0' || *s == '#')
		return (0);
	if ((eq = strchr(s, '=')) == NULL || eq == s)
		return (conf_bad(ctx, "expected \"key = value\""));
	key = s;
	for (end = eq; end > key && strchr(BLANKS, end[-1]) != NULL; end--)
		;
	*end = '\0';
	val = eq + 1 + strspn(eq + 1, BLANKS);
	for (end = val + strlen(val); end > val &&
	    strchr(BLANKS, end[-1]) != NULL; end--)
		;
	*end = '\0';
	if ((k = conf_lookup(key)) == NULL)
		return (conf_bad(ctx, "unknown key \"%s\"", key));
	for (i = 0; i < c->nkv; i++)
		if (strcmp(c->keys[i], key) == 0)
			return (conf_bad(ctx, "\"%s\" given twice (first on "
			    "line %lu)", key, c->lines[i]));
	ctx->key = key;
	if (conf_text(val, ctx) == -1)
		return (-1);
	if (k->set != NULL && k->set(c, k, val, ctx) == -1)
		return (-1);
	return (conf_store(c, key, val, ctx));
}

/* Every required key, or an error naming the file and the missing keys. */
static int
conf_required(const struct oms_conf *c, struct conf_ctx *ctx)
{
	char list[256];
	size_t i, len, nmiss;

	list[0] = '\0';
	len = 0;
	nmiss = 0;
	for (i = 0; i < NKEYS; i++) {
		if (!(conf_keys[i].flags & CONF_REQUIRED) ||
		    oms_conf_get(c, conf_keys[i].name) != NULL)
			continue;
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
			    "%s\"%s\"", nmiss > 0 ? ", " : "",
			    conf_keys[i].name);
		nmiss++;
	}
	if (nmiss == 0)
		return (0);
	return (oms_err_set(ctx->err, OMS_EDATA, ctx->name, 0,
	    "missing required key%s %s", nmiss > 1 ? "s" : "", list));
}

const char *
oms_conf_own(const struct oms_conf *c, const char *name)
{
	const struct oms_profile *p = omsi_profile_of(c);
	char key[64];
	const char *v;

	snprintf(key, sizeof(key), "%s.%s", p->name, name);
	if ((v = oms_conf_get(c, key)) != NULL)
		return (v);
	return (p->conf_default != NULL ? p->conf_default(name) : "");
}

/*
 * What depends on the profile (profile.h): the shape of account_key, the
 * keys of its own (NAME.KEY), and the defaults of account_key and
 * archive_ext.
 */
static int
conf_profile_keys(struct oms_conf *c, struct conf_ctx *ctx)
{
	const struct oms_profile *p = omsi_profile_of(c);
	const struct oms_profile *q;
	const char *k, *v, *rest;
	char why[256];
	size_t i;
	char *s;

	for (i = 0; i < c->nkv; i++) {
		k = c->keys[i];
		v = c->vals[i];
		ctx->line = c->lines[i];
		if (strcmp(k, "account_key") == 0 && !p->account_key_ok(v))
			return (conf_bad(ctx, "account_key: \"%s\" does not "
			    "fit profile %s (%s)", v, p->name,
			    p->account_key_shape));
		/* conf_lookup took NAME.KEY only of a profile with keys */
		if ((q = key_profile(k, &rest)) == NULL)
			continue;
		if (q != p)
			return (conf_bad(ctx, "%s: only for profile %s", k,
			    q->name));
		if (p->conf_key(rest, v, why, sizeof(why)) == -1)
			return (conf_bad(ctx, "%s", why));
	}
	ctx->line = 0;
	if (oms_conf_get(c, "archive_ext") == NULL)
		snprintf(c->archive_ext, sizeof(c->archive_ext), "%s",
		    p->archive_ext);
	if (oms_conf_get(c, "account_key") == NULL &&
	    strcmp(c->account_key, p->account_key) != 0) {
		if ((s = strdup(p->account_key)) == NULL)
			return (conf_nomem(ctx));
		free(c->account_key);
		c->account_key = s;
	}
	return (0);
}

/*
 * On error c is released, as by oms_conf_release(): calling that again is
 * harmless.
 */
int
oms_conf_read(struct oms_conf *c, FILE *fp, const char *name,
    struct oms_err *err)
{
	struct conf_ctx ctx;
	char *line;
	size_t size;
	ssize_t n;
	int r;

	if (name == NULL)
		name = "-";
	if (conf_init(c, err) == -1)
		goto fail;
	ctx.name = name;
	ctx.line = 0;
	ctx.key = "";
	ctx.err = err;
	if ((c->path = strdup(name)) == NULL) {
		conf_nomem(&ctx);
		goto fail;
	}
	line = NULL;
	size = 0;
	r = 0;
	while (r == 0 && (n = getline(&line, &size, fp)) != -1) {
		ctx.line++;
		if ((size_t)n > CONF_LINE_MAX)
			r = conf_bad(&ctx, "line too long (over %zu bytes)",
			    CONF_LINE_MAX);
		else {
			if (n > 0 && line[n - 1] == '\n')
				line[--n] = '\0';
			r = conf_line(c, line, (size_t)n, &ctx);
		}
	}
	if (r == 0 && ferror(fp))
		r = oms_err_sys(err, errno, name, "read error");
	free(line);
	if (r == -1 || conf_required(c, &ctx) == -1 ||
	    conf_profile_keys(c, &ctx) == -1)
		goto fail;
	return (0);
fail:
	oms_conf_release(c);
	return (-1);
}

int
oms_conf_load(struct oms_conf *c, const char *path, struct oms_err *err)
{
	FILE *fp;
	int r;

	memset(c, 0, sizeof(*c));
	if ((fp = fopen(path, "r")) == NULL)
		return (oms_err_sys(err, errno, path, "cannot open"));
	r = oms_conf_read(c, fp, path, err);
	fclose(fp);
	return (r);
}

void
oms_conf_release(struct oms_conf *c)
{
	size_t i;

	free(c->account_key);
	if (c->payers != NULL)
		for (i = 0; c->payers[i] != NULL; i++)
			free(c->payers[i]);
	free(c->payers);
	for (i = 0; i < c->nkv; i++) {
		free(c->keys[i]);
		free(c->vals[i]);
	}
	free(c->keys);
	free(c->vals);
	free(c->lines);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

/* The raw value of key (the last one, though a key appears once), or NULL. */
const char *
oms_conf_get(const struct oms_conf *c, const char *key)
{
	size_t i;

	for (i = c->nkv; i > 0; i--)
		if (strcmp(c->keys[i - 1], key) == 0)
			return (c->vals[i - 1]);
	return (NULL);
}
