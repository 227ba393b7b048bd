/*
 * yar76.c -- the profile of the Yaroslavl fund (yar76): its table
 *
 * One bill.xml of kind B per registry, in an archive named from OGRN, KPP
 * and the oms.conf yar76.* keys (oms.conf(5), shared/spec/yar76-format.md).
 * The table points at the profile's pieces: the bill's scan in source/
 * (yar76_source.c), its writer (yar76_export.c) and its replies
 * (yar76_reply.c).  The keys of its own are here.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "profile.h"
#include "src_int.h"

#define YAR_VERSION_MAX	7	/* the version goes into char[8] */

static int	yar_any(const char *);
static int	yar_char(const char *);
static int	yar_day(const char *);
static int	yar_digit(const char *);
static int	yar_bool(const char *);
static int	yar_word(const char *);
static int	yar_words(const char *);
static int	yar_number(const char *);
static int	yar_ogrn(const char *);
static int	yar_version(const char *);

/*
 * The keys of the yar76 profile (oms.conf(5)): the parts of the registry
 * name, the fixed attributes of bill.xml and how replies are read.  The
 * format leaves these points open (docs/yar76-format.md), so they are
 * settings with the defaults the regional guide suggests.  The template
 * requires bill@date_2, @n_out, @date_in and body@telcreator but says
 * nothing of what they mean: their keys have no default, and the writer
 * refuses a bill while one is unset (yar76_export.c).
 */
static const struct yar_key {
	const char	*name;
	const char	*dflt;
	const char	*shape;		/* for the message */
	int		(*ok)(const char *);
} yar_keys[] = {
	{ "creator", "oms", "a word", yar_word },
	{ "date_2", "", "\"date\", \"period-start\", \"period-end\" or a "
	    "date YYYY-MM-DD", yar_day },
	{ "date_in", "", "\"date\", \"period-start\", \"period-end\" or a "
	    "date YYYY-MM-DD", yar_day },
	{ "demand", "2", "one letter or digit", yar_char },
	{ "digit", "1", "one letter or digit, or \"package\"", yar_digit },
	{ "group_patients", "no", "yes or no", yar_bool },
	{ "ind", "3", "one letter or digit", yar_char },
	{ "n_out", "", "text (\"package\" and \"name\" are words of their "
	    "own)", yar_any },
	{ "pay_refused", "4", "codes separated by spaces", yar_words },
	{ "payer", "x", "one letter or digit", yar_char },
	{ "t_opl", "1", "digits", yar_number },
	{ "telcreator", "", "text", yar_any },
	{ "tfoms_ogrn", "", "13 digits", yar_ogrn },
	{ "version", "6.15", "digits with dots between, at most 7 "
	    "characters", yar_version },
};
#define NYARKEYS	(sizeof(yar_keys) / sizeof(yar_keys[0]))

static int
yar_any(const char *v)
{
	(void)v;
	return (1);
}

static int
yar_char(const char *v)
{
	return (v[0] != '\0' && v[1] == '\0' && strchr("0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", v[0]) !=
	    NULL);
}

/* a date of bill.xml: one the export knows, by name, or a fixed one */
static int
yar_day(const char *v)
{
	long d;

	return (*v == '\0' || strcmp(v, "date") == 0 ||
	    strcmp(v, "period-start") == 0 || strcmp(v, "period-end") == 0 ||
	    oms_date_parse(v, &d) == 0);
}

static int
yar_digit(const char *v)
{
	return (strcmp(v, "package") == 0 || yar_char(v));
}

static int
yar_bool(const char *v)
{
	return (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0);
}

static int
yar_word(const char *v)
{
	return (*v != '\0' && strcspn(v, " \t\"&<>") == strlen(v));
}

static int
yar_words(const char *v)
{
	return (*v != '\0' && strcspn(v, "\"&<>") == strlen(v));
}

static int
yar_number(const char *v)
{
	return (*v != '\0' && strspn(v, "0123456789") == strlen(v) &&
	    strlen(v) < 8);
}

static int
yar_ogrn(const char *v)
{
	return (strlen(v) == 13 && strspn(v, "0123456789") == 13);
}

/* digits, and dots between digits: "6.15"; r->out.version is char[8] */
static int
yar_version(const char *v)
{
	const char *p;

	if (strlen(v) > YAR_VERSION_MAX)
		return (0);
	for (p = v;; p++) {
		if (strspn(p, "0123456789") == 0)
			return (0);
		p += strspn(p, "0123456789");
		if (*p == '\0')
			return (1);
		if (*p != '.')
			return (0);
	}
}


static const char *
yar_default(const char *name)
{
	size_t i;

	for (i = 0; i < NYARKEYS; i++)
		if (strcmp(yar_keys[i].name, name) == 0)
			return (yar_keys[i].dflt);
	return ("");
}

/* yar76.KEY = v: a key of the table, or yar76.letter.CODE */
static int
yar_key(const char *k, const char *v, char *why, size_t len)
{
	size_t j;

	if (strncmp(k, "letter.", 7) == 0) {
		if (strlen(k + 7) != 5 || strspn(k + 7, "0123456789") != 5 ||
		    !yar_char(v)) {
			snprintf(why, len, "yar76.%s: expected "
			    "yar76.letter.CODE = L, an insurer's 5-digit code "
			    "and one letter, got \"%s\"", k, v);
			return (-1);
		}
		return (0);
	}
	for (j = 0; j < NYARKEYS; j++)
		if (strcmp(yar_keys[j].name, k) == 0)
			break;
	if (j == NYARKEYS) {
		snprintf(why, len, "yar76.%s: unknown key (see oms.conf(5))",
		    k);
		return (-1);
	}
	if (!yar_keys[j].ok(v)) {
		snprintf(why, len, "yar76.%s: expected %s, got \"%s\"", k,
		    yar_keys[j].shape, v);
		return (-1);
	}
	return (0);
}

/* account_key is an attribute of personal_account */
static int
yar_account_key(const char *v)
{
	return (strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
	    strlen(v));
}

static int
yar_kind(const char *k)
{
	return (strcmp(k, "B") == 0);
}

/* OGRN KPP YY MM digit ind payer . ext */
static int
yar_ours(const struct oms_conf *c, const char *name)
{
	const char *p = name;
	size_t n;

	if (strncmp(p, c->ogrn, 13) != 0 || strncmp(p + 13, c->kpp, 9) != 0 ||
	    strspn(p + 22, "0123456789") < 4)
		return (0);
	for (p += 26, n = 0; *p != '\0' && *p != '.'; p++, n++)
		;
	return (n >= 1 && n <= 3 && *p == '.' &&
	    strcasecmp(p + 1, c->archive_ext) == 0);
}

static int
yar_src_bid(const char *root)
{
	return (strcmp(root, "package") == 0);
}

const struct oms_profile omsi_profile_yar76 = {
	.name = "yar76",
	.conf_key = yar_key,
	.conf_default = yar_default,
	.account_key = "xkey",
	.account_key_ok = yar_account_key,
	.account_key_shape = "an attribute of personal_account, like xkey",
	.archive_ext = "7z",
	.kind_valid = yar_kind,
	.kind_bad = "is not a registry kind of profile yar76 (B)",
	.fixes = 0,
	.rules = 0,
	.src_roots = "package",
	.src_bid = yar_src_bid,
	.src_scan = omsi_yar76_src_scan,
	.src_names = omsi_yar76_src_names,
	.archive_ours = yar_ours,

	.exp = &omsi_yar76_export,	/* yar76_export.c */


	.reply = &omsi_yar76_reply,
};
