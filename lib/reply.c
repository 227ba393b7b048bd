/*
 * reply.c -- read what the fund and the insurers answer (ffoms profile)
 *
 * A reply is recognised by its name (PCRE2 patterns with the named groups
 * type, mo, yymm and n, which oms.conf may override) and its root element:
 * FLK_P is a ФЛК protocol, ZL_LIST a control answer or an answer to the
 * payment demand.  It must be addressed to this МО and answer a registry the
 * ledger holds; its records are mapped back through the ledger's N_ZAP map,
 * never by re-reading our own archive.  Nothing is written unless the whole
 * file was read and understood.
 *
 * A yar76 reply is the bill.xml we sent, annotated, in a ZIP named like the
 * bill: the first 27 characters of the name (OGRN, KPP, YYMM, digit) are
 * the bill's, the last two differ; a penultimate yar76.demand ("2") makes
 * it an answer to the payment demand of the insurer whose letter is last.
 * Its accounts are mapped by xkey, which is the account id.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "oms_int.h"

#define MAX_ENTRIES	64

static const struct {
	const char	*key;
	int		 stage;
	const char	*pattern;
} patterns[] = {
	/* V + the registry's name; V or F in place of its kind letter; F +
	   a name like the control answer's (oms-import(1) has the sources) */
	{ "pattern.flk", OMS_STAGE_FLK,
	    "V(?<type>H|C|T|D[A-Z])M(?<mo>\\d{6})[TS]\\d{2,5}_"
	    "(?<yymm>\\d{4})(?<n>\\d+)"
	    "|[VF]M(?<mo>\\d{6})[TS]\\d{2,5}_(?<yymm>\\d{4})(?<n>\\d+)"
	    "|F(?<type>H|C|T|D[A-Z])[TS]\\d{2}M(?<mo>\\d{6})_"
	    "(?<yymm>\\d{4})(?<n>\\d+)" },
	{ "pattern.demand", OMS_STAGE_DEMAND,
	    "(?<type>H|C|T|D[A-Z])S\\d{5}M(?<mo>\\d{6})_(?<yymm>\\d{4})"
	    "(?<n>\\d+)|(?<type>H|C|T|D[A-Z])T\\d{2}M(?<mo>\\d{6})_"
	    "(?<yymm>\\d{4})(?<n>\\d+)D" },
	{ "pattern.control", OMS_STAGE_CONTROL,
	    "(?<type>H|C|T|D[A-Z])T\\d{2}M(?<mo>\\d{6})_(?<yymm>\\d{4})"
	    "(?<n>\\d+)" },
};
#define NPATTERNS	(sizeof(patterns) / sizeof(patterns[0]))

/* what the name says */
struct ident {
	int	 stage;
	char	 type[4];
	char	 mo[8];
	int	 period;
	int	 package;
	char	 base[256];	/* the name that matched, without extension */
};

/* one record's decision while reading */
struct dec {
	size_t	 acct;		/* index into the registry map */
	int	 decision;
	int64_t	 claimed, accepted, refused;
	struct oms_buf reasons;
	int	 set;
	/* yar76: what the annotations said */
	int	 seen;		/* its personal_account is in the reply */
	int	 verdict;	/* smo@pay was there */
	int	 refuse;	/* refused: pay, a ФЛК fact, identification */
	int	 exp;		/* an expertise gave sums */
	int64_t	 exp_refused;
	unsigned long expline;	/* of its first expertise with sums */
	size_t	 pnext;		/* the patient's next account + 1 */
};

struct imp {
	struct oms_ws		*ws;
	struct oms_ledger	*l;
	const char		*path;
	int			 fd;		/* path, a regular file */
	const char		*name;		/* for messages */
	struct ident		 id;
	const struct oms_reg	*reg;
	int			 ri;		/* reg's index in the ledger */
	/* the registry map: N_ZAP -> account */
	struct omsi_hash	 byzap;
	/* N_ZAP 1, 2, ... as a registry numbers them: index + 1, by number */
	size_t			*byno;
	size_t			 nbyno;
	struct omsi_arena	 arena;
	const char		**acc;
	const char		**zap;
	size_t			 nacc, cap;
	struct dec		*dec;		/* one per account, same index */
	struct oms_buf		 filecodes;	/* ФЛК errors on the whole file */
	int			 yar;		/* profile yar76 */
	int			 flk;		/* yar76: body/flk was there */
	long			 rdate;		/* the date the reply carries, or -1 */
	struct omsi_hash	 bypat;		/* yar76: patientcod -> dec + 1 */
	/* elements not known where no refusal stands: "name:line: <X> in
	   <Y>" lines, the first MAX_UNKNOWN of them */
	struct oms_buf		 unknown;
	size_t			 nunknown;
	/* a ZIP: the names of its entries so far, and whether its own
	   name was a reply's */
	const char		*ent[MAX_ENTRIES];
	int			 nent;
	int			 zipnamed;
	char			 entry[300];	/* the one read */
};
#define MAX_UNKNOWN	20

/* ------------------------------------------------------------ naming */

/* Copy group name; one the pattern lacks, or that did not take part,
   is "" when optional, else -1. */
static int
group(pcre2_code *re, pcre2_match_data *md, const char *name, char *out,
    size_t len, int optional)
{
	PCRE2_SIZE n = len;
	int r;

	(void)re;
	if ((r = pcre2_substring_copy_byname(md, (PCRE2_SPTR)name,
	    (PCRE2_UCHAR *)out, &n)) == 0)
		return (0);
	if (optional && (r == PCRE2_ERROR_UNSET ||
	    r == PCRE2_ERROR_NOSUBSTRING)) {
		*out = '\0';
		return (0);
	}
	return (-1);
}

static int	recognise(const struct oms_conf *, const char *, struct ident *,
		    struct oms_err *);

int
omsi_recognise(const struct oms_conf *c, const char *base, int *stage,
    struct oms_err *err)
{
	struct ident id;
	int r;

	memset(&id, 0, sizeof(id));
	if ((r = recognise(c, base, &id, err)) == 1)
		*stage = id.stage;
	return (r);
}

/* Match base against the patterns; 1 recognised, 0 not, -1 error. */
static int
recognise(const struct oms_conf *c, const char *base, struct ident *id,
    struct oms_err *err)
{
	pcre2_code *re;
	pcre2_match_data *md;
	const char *pat;
	char yymm[8], n[16];
	int ec, r = 0;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];
	size_t i;

	for (i = 0; i < NPATTERNS && r == 0; i++) {
		pat = oms_conf_get(c, patterns[i].key);
		if (pat == NULL)
			pat = patterns[i].pattern;
		re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
		    PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED |
		    PCRE2_DUPNAMES | PCRE2_CASELESS, &ec, &off, NULL);
		if (re == NULL) {
			pcre2_get_error_message(ec, msg, sizeof(msg));
			return (oms_err_set(err, OMS_EDATA, c->path, 0,
			    "%s: %s at offset %zu", patterns[i].key,
			    (char *)msg, (size_t)off));
		}
		if ((md = pcre2_match_data_create_from_pattern(re, NULL)) ==
		    NULL) {
			pcre2_code_free(re);
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		}
		if (pcre2_match(re, (PCRE2_SPTR)base, PCRE2_ZERO_TERMINATED, 0,
		    0, md, NULL) >= 0) {
			if (group(re, md, "type", id->type, sizeof(id->type),
			    1) || group(re, md, "mo", id->mo, sizeof(id->mo),
			    0) || group(re, md, "yymm", yymm, sizeof(yymm), 0) ||
			    group(re, md, "n", n, sizeof(n), 0) ||
			    strlen(yymm) != 4)
				r = oms_err_set(err, OMS_EDATA, c->path, 0,
				    "%s must have the named groups mo, yymm "
				    "(4 digits) and n, and may have type",
				    patterns[i].key);
			else {
				id->stage = patterns[i].stage;
				id->period = (2000 + (yymm[0] - '0') * 10 +
				    (yymm[1] - '0')) * 12 + (yymm[2] - '0') *
				    10 + (yymm[3] - '0') - 1;
				id->package = atoi(n);
				snprintf(id->base, sizeof(id->base), "%s", base);
				for (ec = 0; id->type[ec] != '\0'; ec++)
					if (id->type[ec] >= 'a' &&
					    id->type[ec] <= 'z')
						id->type[ec] -= 'a' - 'A';
				r = 1;
			}
		}
		pcre2_match_data_free(md);
		pcre2_code_free(re);
	}
	return (r);
}

/* "dir/HT76M760001_26101.ZIP" -> "HT76M760001_26101" */
static void
base_of(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *dot;

	snprintf(out, len, "%s", b);
	if ((dot = strrchr(out, '.')) != NULL && (strcasecmp(dot, ".zip") ==
	    0 || strcasecmp(dot, ".xml") == 0 || strcasecmp(dot, ".7z") == 0))
		*dot = '\0';
}

/* ----------------------------------------------------------- the map */

/* "1" .. "999999999" as written (no sign, no leading 0): its value, else 0. */
static size_t
zap_number(const char *z)
{
	size_t v = 0, n = 0;

	if (*z < '1' || *z > '9')
		return (0);
	for (; *z >= '0' && *z <= '9' && n < 9; z++, n++)
		v = v * 10 + (size_t)(*z - '0');
	return (*z == '\0' ? v : 0);
}

static int
map_add(void *arg, const char *account, const char *n_zap, const char *idcase)
{
	struct imp *m = arg;
	const char **a, **z;
	char *k, *acc;
	size_t v;

	(void)idcase;		/* the registry writes IDCASE = N_ZAP */
	if (m->nacc == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;

		if ((a = reallocarray(m->acc, cap, sizeof(*a))) == NULL)
			return (-1);
		m->acc = a;
		if ((z = reallocarray(m->zap, cap, sizeof(*z))) == NULL)
			return (-1);
		m->zap = z;
		m->cap = cap;
	}
	/* yar76 replies name the account by its id, xkey */
	if ((k = omsi_arena_strdup(&m->arena, n_zap)) == NULL ||
	    (acc = omsi_arena_strdup(&m->arena, account)) == NULL)
		return (-1);
	if (!m->yar && (v = zap_number(n_zap)) > 0) {
		/* a number as the registry wrote it: a table, no hash */
		if (v >= m->nbyno) {
			size_t n = m->nbyno ? m->nbyno : 1024, *b;

			while (n <= v)
				n *= 2;
			if ((b = reallocarray(m->byno, n, sizeof(*b))) == NULL)
				return (-1);
			memset(b + m->nbyno, 0, (n - m->nbyno) * sizeof(*b));
			m->byno = b;
			m->nbyno = n;
		}
		m->byno[v] = m->nacc + 1;
	} else if (omsi_hash_put(&m->byzap, m->yar ? acc : k, m->nacc) == -1)
		return (-1);
	m->acc[m->nacc] = acc;
	m->zap[m->nacc] = k;
	m->nacc++;
	return (0);
}

/* Add code to the comma-separated list b, once. */
static int
add_reason(struct oms_buf *b, const char *code, struct oms_err *err)
{
	const char *p = b->s, *hit;
	size_t n = strlen(code);

	if (n == 0)
		return (0);
	for (hit = p; hit != NULL && (hit = strstr(hit, code)) != NULL;
	    hit += n)
		if ((hit == p || hit[-1] == ',') && (hit[n] == ',' ||
		    hit[n] == '\0'))
			return (0);
	if (b->len > 0 && oms_buf_addc(b, ',', err) == -1)
		return (-1);
	return (oms_buf_adds(b, code, err));
}

/* The codes of findings on the whole file, each once, after d's own. */
static int
add_file_codes(struct imp *m, struct dec *d, struct oms_err *err)
{
	char *codes = m->filecodes.s, *c, *save;
	int rc = 0;

	for (c = strtok_r(codes, ",", &save); c != NULL && rc == 0;
	    c = strtok_r(NULL, ",", &save))
		rc = add_reason(&d->reasons, c, err);
	/* strtok_r cut the list: mend it for the next one */
	for (c = codes; c < codes + m->filecodes.len; c++)
		if (*c == '\0')
			*c = ',';
	return (rc);
}

/* The record of N_ZAP (or IDCASE) zap; -1 with err when unknown. */
static long
record(struct imp *m, const char *zap, unsigned long line,
    struct oms_err *err)
{
	size_t i;

	if (zap == NULL || *zap == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, line,
		    "a record without N_ZAP"));
	if ((i = zap_number(zap)) > 0 && !m->yar) {
		if (i < m->nbyno && m->byno[i] != 0)
			return ((long)m->byno[i] - 1);
	} else if (omsi_hash_get(&m->byzap, zap, &i))
		return ((long)i);
	return (oms_err_set(err, OMS_EDATA, m->name, line, "N_ZAP %s is not "
	    "in registry %s", zap, m->reg->name));
}

/* ------------------------------------------------------------ parsing */

/*
 * The layouts of a ФЛК protocol (root FLK_P) that are read, and the
 * elements each may hold: the order's, with one PR per error naming its
 * record by N_ZAP or IDCASE (none: the whole file), and the one some
 * regions use (Primorsky krai's fund, and a MIS vendor's reader of it),
 * a ZAP per refused record with SL (or SLUCH) holding OTKAZ/I_TYPE, the
 * fund's own error codes.  Whatever else stands where refusals can stand
 * makes the protocol unreadable: it is refused as a whole, naming the
 * element, so that nothing unread is taken as accepted.
 */
static const char *const flk_top[] = {
	"FNAME", "FNAME_I", "FNAME_1", "SCHET", "ZGLV", "PR", "ZAP", NULL
};
static const char *const pr_names[] = {
	"OSHIB", "IM_POL", "ZN_POL", "NSCHET", "BAS_EL", "BASE_EL", "N_ZAP",
	"ID_PAC", "IDCASE", "SL_ID", "IDSERV", "COMMENT", "FATALITY", NULL
};
static const char *const zap_names[] = { "N_ZAP", "SL", "SLUCH", NULL };
static const char *const sl_names[] = {
	"SL_ID", "IDCASE", "NHISTORY", "CARD", "SMO", "SMO_FOND", "OTKAZ", NULL
};
static const char *const otkaz_names[] = { "I_TYPE", "COMMENT", NULL };
static int
known(const char *const *names, const xmlChar *name)
{
	for (; *names != NULL; names++)
		if (strcmp(*names, (const char *)name) == 0)
			return (1);
	return (0);
}

/* the headers, where no refusal stands: what else they hold is noted */
static const char *const zglv_names[] = {
	"VERSION", "DATA", "FILENAME", "FILENAME1", "SD_Z", NULL
};
static const char *const schet_names[] = {
	"CODE", "CODE_MO", "YEAR", "MONTH", "NSCHET", "DSCHET", "PLAT",
	"SUMMAV", "COMENTS", "SUMMAP", "SANK_MEK", "SANK_MEE", "SANK_EKMP",
	"DISP", NULL
};

/* Note an element not read where no refusal can stand (oms-import -v). */
static void
note_unknown(struct imp *m, const char *name, unsigned long line,
    const char *el, const char *in)
{
	struct oms_err e;

	if (m->nunknown++ >= MAX_UNKNOWN)
		return;
	(void)oms_buf_printf(&m->unknown, &e, "%s:%lu: <%s> in <%s> not "
	    "read\n", name, line, el, in);
}

static void
note_children(struct imp *m, xmlNodePtr n, const char *const *names)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !known(names, c->name))
			note_unknown(m, m->name, omsi_line(c),
			    (const char *)c->name, (const char *)n->name);
}

/* Every child element of n is one of names; else err names it. */
static int
children_known(struct imp *m, xmlNodePtr n, const char *const *names,
    struct oms_err *err)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !known(names, c->name))
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(c), "<%s> in <%s> is not an element "
			    "of a ФЛК protocol this reader knows, and refusals "
			    "may stand there: not imported", (const char *)
			    c->name, (const char *)n->name));
	return (0);
}

static int
blanks(const char *p, size_t n)
{
	for (; n > 0; p++, n--)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return (0);
	return (1);
}

#define SPLIT_TEXT	"its text is split by a comment, a processing " \
			"instruction or an element; not imported, ask the " \
			"sender for the value in one piece"

/*
 * The text of the element at path below n (n itself when path is NULL),
 * as the streamed reader takes it (track_value): its text that is not
 * blanks, else blanks when it holds nothing else, else "".  *v is NULL
 * when there is no such element.  Text in pieces, a comment, a PI or an
 * element between them, is refused, so that "1<!-- -->0" is never
 * taken for 1: -1 with err.
 */
static int
field(struct imp *m, xmlNodePtr n, const char *path, const char **v,
    struct oms_err *err)
{
	xmlNodePtr e = path != NULL ? omsi_path(n, path) : n, c;
	const char *text = NULL, *bl = NULL, *t;
	int kids = 0;

	*v = NULL;
	if (e == NULL)
		return (0);
	for (c = e->children; c != NULL; c = c->next) {
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE) {
			kids = 1;
			continue;
		}
		if ((t = (const char *)c->content) == NULL)
			continue;
		if (!blanks(t, strlen(t))) {
			if (text != NULL)
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(e), "<%s>: " SPLIT_TEXT,
				    (const char *)e->name));
			text = t;
		} else if (bl == NULL)
			bl = t;
	}
	*v = text != NULL ? text : !kids && bl != NULL ? bl : "";
	return (0);
}

/*
 * A date the reply gives, what at name:line: a real day as YYYY-MM-DD
 * (no 30 February, no month 13, no day 0), into *days when not NULL;
 * else -1 with err.
 */
static int
reply_date(const char *name, unsigned long line, const char *what,
    const char *v, long *days, struct oms_err *err)
{
	long d;

	if (oms_date_parse(v, &d) == -1)
		return (oms_err_set(err, OMS_EDATA, name, line, "%s \"%s\" is "
		    "not a date (YYYY-MM-DD, a day of that month); not "
		    "imported, ask the sender for a corrected reply", what, v));
	if (days != NULL)
		*days = d;
	return (0);
}

/* "HM760001T76_26101.xml" -> "HM760001T76_26101" */
static void
strip_xml(const char *s, char *out, size_t len)
{
	size_t n;

	snprintf(out, len, "%s", s);
	n = strlen(out);
	if (n > 4 && strcasecmp(out + n - 4, ".xml") == 0)
		out[n - 4] = '\0';
}

static int	use_registry(struct imp *, const struct oms_reg *,
		    struct oms_err *);

/* FNAME_I (or FNAME_1): the registry it answers, with or without .xml. */
static int
flk_fname_i(struct imp *m, xmlNodePtr n, struct oms_err *err)
{
	char name[128];
	const char *v;
	int ri;

	if (field(m, n, NULL, &v, err) == -1)
		return (-1);
	strip_xml(v, name, sizeof(name));
	if (m->reg != NULL) {
		if (strcasecmp(name, m->reg->name) != 0)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(n), "%s \"%s\" is not the registry %s "
			    "the name points to", (const char *)n->name,
			    v, m->reg->name));
		return (0);
	}
	/* the name did not say: the body does */
	if ((ri = oms_ledger_find_reg(m->l, name)) < 0)
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(n),
		    "%s \"%s\" is not a registry this workspace sent; not "
		    "imported", (const char *)n->name, v));
	return (use_registry(m, oms_ledger_reg(m->l, (size_t)ri), err));
}

/* The record a PR or ZAP names; -1 with err when none or unknown. */
static long
flk_record(struct imp *m, xmlNodePtr n, const char *zap, const char *idcase,
    struct oms_err *err)
{
	if (m->reg == NULL)
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(n),
		    "<%s> before FNAME_I, and the file's name does not say "
		    "which registry it answers", (const char *)n->name));
	return (record(m, zap != NULL && *zap != '\0' ? zap : idcase,
	    omsi_line(n), err));
}

static int
flk_refuse(struct imp *m, long i, const char *code, struct oms_err *err)
{
	m->dec[i].decision = OMS_ST_REJECTED;
	m->dec[i].set = 1;
	return (add_reason(&m->dec[i].reasons, code, err));
}

/* PR: one error, on a record or (no N_ZAP, no IDCASE) on the file. */
static int
flk_pr(struct imp *m, xmlNodePtr n, struct oms_err *err)
{
	const char *code, *zap, *idcase;
	long i;

	if (children_known(m, n, pr_names, err) == -1)
		return (-1);
	if (field(m, n, "OSHIB", &code, err) == -1)
		return (-1);
	if (code == NULL || *code == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(n),
		    "PR without OSHIB"));
	if (field(m, n, "N_ZAP", &zap, err) == -1 ||
	    field(m, n, "IDCASE", &idcase, err) == -1)
		return (-1);
	if ((zap == NULL || *zap == '\0') && (idcase == NULL ||
	    *idcase == '\0'))
		return (add_reason(&m->filecodes, code, err));
	if ((i = flk_record(m, n, zap, idcase, err)) == -1)
		return (-1);
	return (flk_refuse(m, i, code, err));
}

/* ZAP: a record with its SL (SLUCH), refused by each OTKAZ in them. */
static int
flk_zap(struct imp *m, xmlNodePtr n, struct oms_err *err)
{
	xmlNodePtr sl, o;
	const char *code, *zap, *idcase = NULL;
	long i;

	if (children_known(m, n, zap_names, err) == -1)
		return (-1);
	/* the record: by N_ZAP, else the first SL's IDCASE */
	for (sl = n->children; sl != NULL && (sl->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)sl->name, "N_ZAP") == 0); sl = sl->next)
		;
	if (field(m, n, "N_ZAP", &zap, err) == -1 || (sl != NULL &&
	    field(m, sl, "IDCASE", &idcase, err) == -1) ||
	    (i = flk_record(m, n, zap, idcase, err)) == -1)
		return (-1);
	for (; sl != NULL; sl = sl->next) {
		if (sl->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)sl->name, "N_ZAP") == 0)
			continue;
		if (children_known(m, sl, sl_names, err) == -1)
			return (-1);
		for (o = sl->children; o != NULL; o = o->next) {
			if (o->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)o->name, "OTKAZ") != 0)
				continue;
			if (children_known(m, o, otkaz_names, err) == -1)
				return (-1);
			if (field(m, o, "I_TYPE", &code, err) == -1)
				return (-1);
			if (code == NULL || *code == '\0')
				return (oms_err_set(err, OMS_EDATA, m->name,
				    omsi_line(o), "OTKAZ without I_TYPE"));
			if (flk_refuse(m, i, code, err) == -1)
				return (-1);
		}
	}
	return (0);
}

static int
read_flk(struct imp *m, struct omsi_xin *x, struct oms_err *err)
{
	xmlTextReaderPtr r = omsi_xin_reader(x);
	xmlNodePtr n;
	const xmlChar *name;
	const char *v;
	size_t k;
	int rc;

	while ((rc = omsi_xin_next_element(x, err)) == 1) {
		if (xmlTextReaderDepth(r) != 1)
			continue;
		name = xmlTextReaderConstLocalName(r);
		if (!known(flk_top, name))
			return (oms_err_set(err, OMS_EDATA, m->name,
			    (unsigned long)xmlTextReaderGetParserLineNumber(r),
			    "<%s> in <FLK_P> is not an element of a ФЛК "
			    "protocol this reader knows, and refusals may "
			    "stand there: not imported", (const char *)name));
		if (strcmp((const char *)name, "FNAME") == 0)
			continue;
		if ((n = omsi_xin_expand(x, err)) == NULL)
			return (-1);
		v = (const char *)name;
		if (strcmp(v, "FNAME_I") == 0 || strcmp(v, "FNAME_1") == 0)
			rc = flk_fname_i(m, n, err);
		else if (strcmp(v, "PR") == 0)
			rc = flk_pr(m, n, err);
		else if (strcmp(v, "ZAP") == 0)
			rc = flk_zap(m, n, err);
		else if (strcmp(v, "SCHET") == 0) {
			note_children(m, n, schet_names);
			if (field(m, n, "CODE_MO", &v, err) == -1)
				return (-1);
			rc = v != NULL && *v != '\0' && strcmp(v,
			    m->ws->conf.mo) != 0 ? oms_err_set(err, OMS_EDATA,
			    m->name, omsi_line(n), "SCHET/CODE_MO %s is not "
			    "this МО (%s)", v, m->ws->conf.mo) : 0;
			if (rc == 0 && (field(m, n, "DSCHET", &v, err) == -1 ||
			    (v != NULL && reply_date(m->name, omsi_line(
			    omsi_path(n, "DSCHET")), "SCHET/DSCHET", v, NULL,
			    err) == -1)))
				return (-1);
		} else {	/* ZGLV */
			note_children(m, n, zglv_names);
			if (field(m, n, "DATA", &v, err) == -1)
				return (-1);
			rc = v != NULL ? reply_date(m->name, omsi_line(
			    omsi_path(n, "DATA")), "ZGLV/DATA", v, &m->rdate,
			    err) : 0;
		}
		if (rc == -1 || omsi_xin_skip(x, err) == -1)
			return (-1);
	}
	if (rc == -1)
		return (-1);
	if (m->reg == NULL)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "no FNAME_I, "
		    "and the file's name does not say which registry it "
		    "answers; not imported"));
	/* every account gets its ФЛК decision */
	for (k = 0; k < m->nacc; k++) {
		struct dec *d = &m->dec[k];

		if (m->filecodes.len > 0) {
			d->decision = OMS_ST_REJECTED;
			if (add_file_codes(m, d, err) == -1)
				return (-1);
		} else if (!d->set)
			d->decision = OMS_ST_ACCEPTED;
		d->set = 1;
	}
	return (0);
}

/* ----------------------------------------------- the answer, streamed */

/*
 * A control answer or an answer to the payment demand holds a ZAP for
 * every account sent, a million of them: it is read by SAX, with no tree
 * and nothing allocated per record, while a second thread inflates the
 * ZIP entry (or reads the file) into a small ring of buffers.  Of each ZAP
 * it takes what omsi_path_text would find in its subtree: at every step
 * the first child element of the name, and in the last one its first
 * text node.  The checks and their messages are those of the ФЛК path.
 */
#define FEED_CHUNK	((size_t)256 << 10)
#define FEED_NBUF	3
#define FEED_SNIFF	((size_t)64 << 10)
/* a field's text: libxml2 refuses longer text nodes (XML_MAX_TEXT_LENGTH) */
#define FIELD_MAX	((size_t)10000000 + 1)

/* the input: a file or an archive entry, fed by a second thread */
struct feed {
	char		 name[600];	/* for messages */
	int		 fd;		/* file input, or -1 */
	struct archive	*ar;		/* archive input, or NULL */
	int64_t		 raw0;		/* archive bytes before the entry */
	uint64_t	 nread;		/* bytes out of the entry */
	unsigned char	*head;		/* the sniffed bytes */
	size_t		 headlen;
	int		 eof;		/* the input ended while sniffing */
	char		 enc[32];
	/*
	 * windows-1251 is turned into UTF-8 here, by the thread, with the
	 * table of lib/cp1251.c: the parser then needs no decoder.  A byte
	 * that is no character (0x98) ends the input as libxml2's decoder
	 * would (bad): what came before it is parsed.
	 */
	int		 conv;
	int		 bad;
	unsigned char	 utf[128][4];	/* 0x80.. in UTF-8; [3] the length */
	unsigned char	*raw;		/* the thread's bytes to turn */
	unsigned char	*uhead;		/* the head, turned */
	size_t		 uheadlen;
	/* the ring: the thread fills buf[wr % N], the parser reads rd */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 sync;		/* mu and cv were initialised */
	pthread_t	 th;
	int		 started;
	unsigned char	*buf[FEED_NBUF];
	size_t		 len[FEED_NBUF];
	size_t		 rd, wr;
	int		 done;		/* no more buffers will come */
	int		 stop;		/* the parser wants no more */
	int		 ioerr;		/* xerr says why the input ended */
	struct oms_err	 xerr;
};

/* Read up to len bytes of the input; -1 with f->xerr filled. */
static ssize_t
feed_read(struct feed *f, void *buf, size_t len)
{
	ssize_t n;

	if ((n = omsi_input_read(f->ar, f->fd, f->raw0, &f->nread, buf, len,
	    f->name, &f->xerr)) < 0)
		f->ioerr = 1;
	return (n);
}

/*
 * windows-1251 in to UTF-8 at out (room for 3 * n); the bytes written.
 * *bad is set when a byte is no character: the output stops before it.
 */
static size_t
feed_conv(const struct feed *f, const unsigned char *in, size_t n,
    unsigned char *out, int *bad)
{
	const unsigned char *ip = in, *end = in + n, *u;
	unsigned char *op = out;
	uint64_t w;

	while (ip < end) {
		if (end - ip >= 8) {
			memcpy(&w, ip, 8);
			if ((w & UINT64_C(0x8080808080808080)) == 0) {
				memcpy(op, &w, 8);
				ip += 8;
				op += 8;
				continue;
			}
		}
		if (*ip < 0x80) {
			*op++ = *ip++;
			continue;
		}
		u = f->utf[*ip - 0x80];
		if (u[3] == 0) {
			*bad = 1;
			break;
		}
		memcpy(op, u, 4);	/* the buffers have room for it */
		op += u[3];
		ip++;
	}
	return ((size_t)(op - out));
}

static void
feed_table(struct feed *f)
{
	unsigned cp, b;
	unsigned char *u;

	for (b = 0x80; b < 0x100; b++) {
		u = f->utf[b - 0x80];
		memset(u, 0, 4);
		if ((cp = omsi_cp1251_decode((unsigned char)b)) == 0)
			continue;
		if (cp < 0x800) {
			u[0] = (unsigned char)(0xC0 | cp >> 6);
			u[1] = (unsigned char)(0x80 | (cp & 0x3F));
			u[3] = 2;
		} else {
			u[0] = (unsigned char)(0xE0 | cp >> 12);
			u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			u[2] = (unsigned char)(0x80 | (cp & 0x3F));
			u[3] = 3;
		}
	}
}

/* Fill b with up to FEED_CHUNK bytes (turned); 1 when the input ended. */
static int
feed_fill(struct feed *f, unsigned char *b, size_t *len)
{
	unsigned char *in = f->conv ? f->raw : b;
	ssize_t r = 0;
	size_t n;

	for (n = 0; n < FEED_CHUNK; n += (size_t)r)
		if ((r = feed_read(f, in + n, FEED_CHUNK - n)) <= 0)
			break;
	*len = f->conv ? feed_conv(f, in, n, b, &f->bad) : n;
	return (r <= 0 || f->bad);
}

static void *
feed_main(void *arg)
{
	struct feed *f = arg;
	unsigned char *b;
	size_t n;
	int end = 0;

	while (!end) {
		pthread_mutex_lock(&f->mu);
		while (f->wr - f->rd == FEED_NBUF && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (f->stop) {
			pthread_mutex_unlock(&f->mu);
			break;
		}
		b = f->buf[f->wr % FEED_NBUF];
		pthread_mutex_unlock(&f->mu);
		end = feed_fill(f, b, &n);
		pthread_mutex_lock(&f->mu);
		f->len[f->wr % FEED_NBUF] = n;
		f->wr++;
		f->done = end;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
	}
	return (NULL);
}

/* Stop the thread and wait for it. */
static void
feed_stop(struct feed *f)
{
	if (!f->started)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->th, NULL);
	f->started = 0;
}

static void
feed_free(struct feed *f)
{
	size_t i;

	if (f == NULL)
		return;
	feed_stop(f);
	if (f->sync) {
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
	}
	for (i = 0; i < FEED_NBUF; i++)
		free(f->buf[i]);
	if (f->fd != -1)
		close(f->fd);
	free(f->raw);
	free(f->uhead);
	free(f->head);
	free(f);
}

/* Sniff the encoding from the first bytes, as omsi_xin_file does. */
static struct feed *
feed_start(struct feed *f, struct oms_err *err)
{
	ssize_t r;
	size_t i;

	if ((f->head = malloc(FEED_SNIFF)) == NULL)
		goto nomem;
	while (f->headlen < FEED_SNIFF && !f->eof) {
		if ((r = feed_read(f, f->head + f->headlen, FEED_SNIFF -
		    f->headlen)) < 0) {
			*err = f->xerr;
			goto fail;
		}
		if (r == 0)
			f->eof = 1;
		f->headlen += (size_t)r;
	}
	if (f->headlen == 0) {
		oms_err_set(err, OMS_EDATA, f->name, 0, "empty file");
		goto fail;
	}
	if (omsi_sniff_encoding(f->head, f->headlen, f->eof, f->enc,
	    sizeof(f->enc), f->name, err) == -1)
		goto fail;
	if (strcasecmp(f->enc, "windows-1251") == 0) {
		f->conv = 1;
		feed_table(f);
		if ((f->raw = malloc(FEED_CHUNK)) == NULL ||
		    (f->uhead = malloc(3 * FEED_SNIFF + 4)) == NULL)
			goto nomem;
		f->uheadlen = feed_conv(f, f->head, f->headlen, f->uhead,
		    &f->bad);
		snprintf(f->enc, sizeof(f->enc), "UTF-8");
	}
	for (i = 0; i < FEED_NBUF; i++)
		if ((f->buf[i] = malloc(f->conv ? 3 * FEED_CHUNK + 4 :
		    FEED_CHUNK)) == NULL)
			goto nomem;
	if (pthread_mutex_init(&f->mu, NULL) != 0)
		goto nomem;
	if (pthread_cond_init(&f->cv, NULL) != 0) {
		pthread_mutex_destroy(&f->mu);
		goto nomem;
	}
	f->sync = 1;
	return (f);
nomem:
	oms_err_set(err, OMS_ENOMEM, f->name, 0, "out of memory");
fail:
	feed_free(f);
	return (NULL);
}

static struct feed *
feed_new(const char *name, struct oms_err *err)
{
	struct feed *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, name, 0, "out of memory");
		return (NULL);
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->fd = -1;
	return (f);
}

/* The file open at fd, from its start (the feed reads a copy of fd). */
static struct feed *
feed_file(int fd, const char *name, struct oms_err *err)
{
	struct feed *f;

	if ((f = feed_new(name, err)) == NULL)
		return (NULL);
	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    (f->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		oms_err_sys(err, errno, name, "read");
		feed_free(f);
		return (NULL);
	}
	return (feed_start(f, err));
}

static struct feed *
feed_archive(struct archive *ar, const char *name, struct oms_err *err)
{
	struct feed *f;

	if ((f = feed_new(name, err)) == NULL)
		return (NULL);
	f->ar = ar;
	f->raw0 = archive_filter_bytes(ar, -1);
	return (feed_start(f, err));
}

/*
 * The next buffer of input (*len 0 at the end), or NULL when reading
 * failed (f->xerr).  Without the thread (none could be started) it is
 * read here.  Hand it back with feed_put.
 */
static const unsigned char *
feed_get(struct feed *f, size_t *len)
{
	const unsigned char *b;

	if (!f->started) {
		if (f->done || f->bad) {
			*len = 0;
			return (f->ioerr ? NULL : f->buf[0]);
		}
		f->done = feed_fill(f, f->buf[0], len);
		return (f->ioerr ? NULL : f->buf[0]);
	}
	pthread_mutex_lock(&f->mu);
	while (f->rd == f->wr && !f->done)
		pthread_cond_wait(&f->cv, &f->mu);
	if (f->done && f->ioerr && f->wr - f->rd <= 1)
		b = NULL;		/* the last buffer is cut short */
	else if (f->rd == f->wr) {
		*len = 0;
		b = f->buf[0];
	} else {
		*len = f->len[f->rd % FEED_NBUF];
		b = f->buf[f->rd % FEED_NBUF];
	}
	pthread_mutex_unlock(&f->mu);
	return (b);
}

static void
feed_put(struct feed *f)
{
	if (!f->started)
		return;
	pthread_mutex_lock(&f->mu);
	if (f->rd != f->wr)
		f->rd++;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/*
 * The paths read below a record (N_ZAP, Z_SL/SL/SL_ID, ...): the first
 * element of seg[0] among the record's children, the first seg[1] in
 * that, and so on; and the first text node of the last, as the tree
 * would hold it (XML_PARSE_NOBLANKS drops blanks that a child follows,
 * CDATA is text).  Names are compared as the parser's dictionary strings.
 * sx.on[d] has a bit for each path whose element at depth d is open (the
 * record itself included), sx.tgt[d] for each path whose last element
 * that is.
 */
struct track {
	char		 *path;
	const xmlChar	**seg;
	size_t		  nseg;
	int		  never;	/* no element can match a segment */
	size_t		  m;		/* segments open now */
	unsigned char	 *tried;	/* seg[i] was met under the open i-1 */
	int		  hit;		/* the element is there */
	unsigned long	  line;		/* ... at this line */
	int		  kids;		/* it has child nodes so far */
	int		  text;		/* its first text node began */
	int		  done;		/* ... and is complete */
	struct oms_buf	  buf;		/* that text, or blanks pending */
};

enum {
	T_NZAP, T_KEY, T_OPLATA, T_SUMV, T_SUMP, T_SANKIT, T_ZSL,
	T_SSUM, T_SOSN, T_SIST, T_DACT,	/* below a SANK of the first Z_SL */
	T_CODEMO, T_DSCHET,		/* below SCHET */
	T_DATA,				/* below ZGLV */
	T_N
};
#define ZAP_TRACKS	((1u << T_SSUM) - 1)
#define SANK_TRACKS	((1u << T_SSUM) | (1u << T_SOSN) | (1u << T_SIST) | \
			(1u << T_DACT))
#define MAX_DEPTH	300		/* libxml2 stops at 256 */

struct sank {
	unsigned long	 line;
	int		 bad;		/* S_SUM there and malformed */
	int		 has_sum;	/* S_SUM there */
	int64_t		 sum;
	int		 counts;	/* S_IST none or 1: in SANK_IT */
	int		 osn;		/* S_OSN there */
	size_t		 off;		/* its text in sx.osn */
};

struct sx {
	struct imp		*m;
	struct feed		*f;
	xmlParserCtxtPtr	 ctxt;
	struct oms_err		*err;
	int			 failed;
	int			 root;		/* the root was seen */
	int			 depth;		/* of the open element, root 0 */
	int			 in;		/* at depth 1: 'Z' ZAP, 'S' SCHET */
	int			 insank;	/* a SANK of the first Z_SL */
	unsigned long		 line;		/* of the ZAP or SCHET */
	unsigned long		 sankline;
	uint64_t		 nrec;
	const xmlChar		*zl_list, *zap, *schet, *sank_name, *zglv;
	struct track		 t[T_N];
	unsigned		 on[MAX_DEPTH], tgt[MAX_DEPTH];
	struct sank		*sanks;
	size_t			 nsank, capsank;
	struct oms_buf		 osn;
};

static int
same(const xmlChar *a, const xmlChar *b)
{
	return (a == b || (*a == *b && strcmp((const char *)a,
	    (const char *)b) == 0));
}

static int
track_init(struct track *t, xmlDictPtr dict, const char *path,
    struct oms_err *err)
{
	const char *q;
	char *p, *s;
	size_t n = 1, i;

	oms_buf_init(&t->buf, FIELD_MAX);
	for (q = path; *q != '\0'; q++)
		n += *q == '/';
	if ((t->seg = calloc(n, sizeof(*t->seg))) == NULL ||
	    (t->tried = calloc(n + 1, 1)) == NULL ||
	    (t->path = strdup(path)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	/* as omsi_path: a trailing '/' ends it, an empty or long step fails */
	for (i = 0, p = t->path; *p != '\0'; i++) {
		s = p;
		p += strcspn(p, "/");
		if (p == s || p - s >= 64)
			t->never = 1;
		if (*p == '/')
			*p++ = '\0';
		if ((t->seg[i] = xmlDictLookup(dict, (xmlChar *)s, -1)) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
	}
	if ((t->nseg = i) == 0)
		t->never = 1;		/* conf.c allows no empty key */
	return (0);
}

static void
track_release(struct track *t)
{
	free(t->path);
	free(t->seg);
	free(t->tried);
	oms_buf_release(&t->buf);
}

static int
blank(const struct oms_buf *b)
{
	return (blanks(b->s, b->len));
}

/* The record of the tracks in mask begins at depth d. */
static void
sx_begin(struct sx *s, unsigned mask, int d)
{
	struct track *t;
	int i;

	for (i = 0; i < T_N; i++) {
		if (!(mask & 1u << i))
			continue;
		t = &s->t[i];
		t->m = 0;
		t->tried[0] = 0;
		t->hit = t->kids = t->text = t->done = 0;
		oms_buf_reset(&t->buf);
		if (!t->never)
			s->on[d] |= 1u << i;
	}
}

/* A child node (element, comment, PI) of the element at depth d. */
static void
sx_child(struct sx *s, int d)
{
	unsigned mask = s->tgt[d];
	struct track *t;
	int i;

	for (i = 0; mask != 0; i++, mask >>= 1) {
		if (!(mask & 1) || (t = &s->t[i])->done)
			continue;
		if (t->text)
			t->done = 1;
		else if (t->buf.len > 0 && !blank(&t->buf))
			t->text = t->done = 1;
		else
			oms_buf_reset(&t->buf);		/* ignorable blanks */
		t->kids = 1;
	}
}

static unsigned long	sx_line(const struct sx *);

/* Element name begins at depth d: it may be the next step of a path. */
static void
sx_step(struct sx *s, int d, const xmlChar *name)
{
	unsigned mask = s->on[d - 1] & ~s->tgt[d - 1];
	struct track *t;
	int i;

	for (i = 0; mask != 0; i++, mask >>= 1) {
		if (!(mask & 1))
			continue;
		t = &s->t[i];
		if (t->tried[t->m] || !same(name, t->seg[t->m]))
			continue;
		t->tried[t->m++] = 1;
		t->tried[t->m] = 0;
		s->on[d] |= 1u << i;
		if (t->m == t->nseg) {
			t->hit = 1;
			t->line = sx_line(s);
			s->tgt[d] |= 1u << i;
		}
	}
}

/* The element at depth d ends. */
static void
sx_close(struct sx *s, int d)
{
	unsigned mask = s->on[d];
	struct track *t;
	int i;

	for (i = 0; mask != 0; i++, mask >>= 1) {
		if (!(mask & 1) || (t = &s->t[i])->m == 0)
			continue;	/* the record itself */
		if (t->m == t->nseg && !t->done) {
			/* blanks alone stay in an element without children */
			if (!t->text && t->kids && blank(&t->buf))
				oms_buf_reset(&t->buf);
			t->done = 1;
		}
		t->m--;
	}
}

/* What omsi_path_text would return: NULL when there is no element. */
static const char *
track_value(const struct track *t)
{
	if (!t->hit)
		return (NULL);
	return (t->buf.s != NULL ? t->buf.s : "");
}

static int
money_text(const char *s, int64_t *v)
{
	return (s == NULL ? 0 : oms_money_parse(s, v) == 0 ? 1 : -1);
}

/* Stop at the first failure; err is filled already. */
static void
sx_fail(struct sx *s)
{
	s->failed = 1;
	xmlStopParser(s->ctxt);
}

static unsigned long
sx_line(const struct sx *s)
{
	return ((unsigned long)xmlSAX2GetLineNumber(s->ctxt));
}

/* What a record of an answer says about its money. */
struct sums {
	int	 oplata;		/* 1, 2 or 3 */
	int64_t	 sumv, sump, it, ssum;
	int	 has_sump, has_it;	/* SUMP, SANK_IT there */
	size_t	 nssum;			/* S_SUM counted in ssum */
};

/* "SUMV 960.80, SUMP 0.00, SANK_IT 960.80": what the record gave. */
static void
sums_given(const struct sums *x, char *out, size_t len)
{
	char a[32], b[32], c[32], e[32];

	snprintf(out, len, "SUMV %s%s%s%s%s%s%s", oms_money_fmt(x->sumv, a),
	    x->has_sump ? ", SUMP " : "", x->has_sump ?
	    oms_money_fmt(x->sump, b) : "", x->has_it ? ", SANK_IT " : "",
	    x->has_it ? oms_money_fmt(x->it, c) : "", x->nssum > 0 ?
	    ", S_SUM in all " : "", x->nssum > 0 ? oms_money_fmt(x->ssum, e) :
	    "");
}

static int	sums_err(struct imp *, size_t, unsigned long,
		    const struct sums *, struct oms_err *, const char *, ...)
		    __attribute__((__format__(__printf__, 6, 7)));

static int
sums_err(struct imp *m, size_t i, unsigned long line, const struct sums *x,
    struct oms_err *err, const char *fmt, ...)
{
	char what[200], given[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	sums_given(x, given, sizeof(given));
	return (oms_err_set(err, OMS_EDATA, m->name, line, "N_ZAP %s (account "
	    "%s): %s (%s): the sums do not add up; not imported, ask the "
	    "sender for a corrected reply", m->zap[i], m->acc[i], what,
	    given));
}

/*
 * Do the sums of record i add up, with each other and with what the
 * registry claimed?  SUMV is the claim; the refused sum (SANK_IT, else
 * the S_SUM of the sanctions that count in it) is at most SUMV and SUMV
 * minus SUMP; OPLATA 1 pays all of SUMV, 2 nothing, 3 a part.  What a
 * reply leaves out follows from the rest.  The numbers go into the
 * invoices: a record that breaks a rule refuses the reply whole.
 */
static int
answer_sums(struct imp *m, size_t i, unsigned long line, struct sums *x,
    struct dec *d, struct oms_err *err)
{
	const struct oms_acct *c;
	int64_t ref, paid;
	int has_ref = x->has_it || x->nssum > 0;
	char a[32];

	c = oms_ledger_claim(m->l, m->acc[i], m->ri);
	if (c != NULL && x->sumv != c->sum)
		return (sums_err(m, i, line, x, err, "SUMV is not what "
		    "registry %s claimed, %s", m->reg->name,
		    oms_money_fmt(c->sum, a)));
	if (x->sumv < 0 || (x->has_sump && x->sump < 0) ||
	    (x->has_it && x->it < 0))
		return (sums_err(m, i, line, x, err, "a sum is negative"));
	if (x->has_it && x->nssum > 0 && x->it != x->ssum)
		return (sums_err(m, i, line, x, err, "SANK_IT is not the sum "
		    "of the S_SUM of its sanctions"));
	ref = x->has_it ? x->it : x->ssum;
	if (has_ref && ref > x->sumv)
		return (sums_err(m, i, line, x, err, "more is refused than "
		    "SUMV"));
	if (x->has_sump && x->sump > x->sumv)
		return (sums_err(m, i, line, x, err, "SUMP is more than "
		    "SUMV"));
	if (x->has_sump && has_ref && x->sump + ref != x->sumv)
		return (sums_err(m, i, line, x, err, "SUMP plus the refused "
		    "sum is not SUMV"));
	if (x->has_sump)
		paid = x->sump;
	else if (has_ref)
		paid = x->sumv - ref;
	else if (x->oplata == 3)
		return (sums_err(m, i, line, x, err, "OPLATA 3 (partly paid) "
		    "without SUMP or SANK_IT: how much is paid is not said"));
	else
		paid = x->oplata == 1 ? x->sumv : 0;
	if (x->oplata == 1 && paid != x->sumv)
		return (sums_err(m, i, line, x, err, "OPLATA 1 pays all of "
		    "SUMV, but %s is paid", oms_money_fmt(paid, a)));
	if (x->oplata == 2 && paid != 0)
		return (sums_err(m, i, line, x, err, "OPLATA 2 pays nothing, "
		    "but %s is paid", oms_money_fmt(paid, a)));
	if (x->oplata == 3 && (paid <= 0 || paid >= x->sumv))
		return (sums_err(m, i, line, x, err, "OPLATA 3 pays a part "
		    "of SUMV (0 < SUMP < SUMV), but %s is paid",
		    oms_money_fmt(paid, a)));
	d->claimed = x->sumv;
	d->accepted = paid;
	d->refused = x->sumv - paid;
	return (0);
}

/* A ZAP was read: the checks read_answer made on its tree, in order. */
static int
zap_done(struct sx *s, struct oms_err *err)
{
	struct imp *m = s->m;
	unsigned long line = s->line;
	const char *v, *key;
	struct sums x;
	struct dec *d;
	size_t k;
	long i;

	if ((i = record(m, track_value(&s->t[T_NZAP]), line, err)) == -1)
		return (-1);
	d = &m->dec[i];
	key = track_value(&s->t[T_KEY]);
	if (key != NULL && strcmp(key, m->acc[i]) != 0)
		return (oms_err_set(err, OMS_EDATA, m->name, line, "N_ZAP %s "
		    "holds %s, but registry %s sent account %s there",
		    m->zap[i], key, m->reg->name, m->acc[i]));
	if (d->set)
		return (oms_err_set(err, OMS_EDATA, m->name, line,
		    "N_ZAP %s twice", m->zap[i]));
	v = track_value(&s->t[T_OPLATA]);
	if (v == NULL || strcmp(v, "0") == 0)
		return (0);	/* no decision yet */
	memset(&x, 0, sizeof(x));
	if (strcmp(v, "1") == 0)
		d->decision = OMS_ST_ACCEPTED;
	else if (strcmp(v, "2") == 0)
		d->decision = OMS_ST_REJECTED;
	else if (strcmp(v, "3") == 0)
		d->decision = OMS_ST_PARTIAL;
	else
		return (oms_err_set(err, OMS_EDATA, m->name, line, "OPLATA "
		    "\"%s\" is not 0, 1, 2 or 3", v));
	x.oplata = v[0] - '0';
	if (money_text(track_value(&s->t[T_SUMV]), &x.sumv) != 1 ||
	    (x.has_sump = money_text(track_value(&s->t[T_SUMP]),
	    &x.sump)) == -1 || (x.has_it = money_text(track_value(
	    &s->t[T_SANKIT]), &x.it)) == -1)
		return (oms_err_set(err, OMS_EDATA, m->name, line, "N_ZAP %s: "
		    "SUMV, SUMP or SANK_IT missing or malformed", m->zap[i]));
	for (k = 0; k < s->nsank; k++) {
		if (s->sanks[k].bad || s->sanks[k].sum < 0)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    s->sanks[k].line, "N_ZAP %s: bad S_SUM (a sum of "
			    "0 or more, two decimals and a dot)", m->zap[i]));
		if (!s->sanks[k].has_sum || !s->sanks[k].counts)
			continue;
		/* each is at most MONEY_MAX: no overflow for a long while */
		if ((x.ssum += s->sanks[k].sum) > INT64_MAX / 2)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    s->sanks[k].line, "N_ZAP %s: the S_SUM add up to "
			    "more than any sum", m->zap[i]));
		x.nssum++;
	}
	if (answer_sums(m, (size_t)i, line, &x, d, err) == -1)
		return (-1);
	for (k = 0; k < s->nsank; k++)
		if (s->sanks[k].osn && add_reason(&d->reasons, s->osn.s +
		    s->sanks[k].off, err) == -1)
			return (-1);
	d->set = 1;
	return (0);
}

/* A SANK of the first Z_SL was read: keep what zap_done will need. */
static int
sank_done(struct sx *s, struct oms_err *err)
{
	struct sank *k;
	const char *v;
	int64_t sum;
	size_t cap;
	int r;

	if (s->nsank == s->capsank) {
		cap = s->capsank ? s->capsank * 2 : 16;
		if ((k = reallocarray(s->sanks, cap, sizeof(*k))) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		s->sanks = k;
		s->capsank = cap;
	}
	k = &s->sanks[s->nsank++];
	k->line = s->sankline;
	k->has_sum = (r = money_text(track_value(&s->t[T_SSUM]), &sum)) == 1;
	k->bad = r == -1;
	k->sum = k->has_sum ? sum : 0;
	v = track_value(&s->t[T_SIST]);
	k->counts = v == NULL || strcmp(v, "1") == 0;
	if ((v = track_value(&s->t[T_DACT])) != NULL && reply_date(s->m->name,
	    s->t[T_DACT].line, "SANK/DATE_ACT", v, NULL, err) == -1)
		return (-1);
	k->off = s->osn.len;
	if ((k->osn = (v = track_value(&s->t[T_SOSN])) != NULL) &&
	    oms_buf_add(&s->osn, v, strlen(v) + 1, err) == -1)
		return (-1);
	return (0);
}

/*
 * Where an answer's refusals stand: its records, and in them the
 * sanctions.  An element there that the order does not have makes the
 * answer unreadable (refused as a whole), never "accepted".
 */
static const char *const answer_top[] = { "ZGLV", "SCHET", "ZAP", NULL };
static const char *const answer_zap[] = {
	"N_ZAP", "PR_NOV", "PACIENT", "Z_SL", NULL
};
static const char *const answer_sank[] = {
	"S_CODE", "S_SUM", "S_TIP", "SL_ID", "S_OSN", "DATE_ACT", "NUM_ACT",
	"CODE_EXP", "S_COM", "S_IST", NULL
};

static void
unknown_element(struct sx *s, const xmlChar *name, const char *in)
{
	oms_err_set(s->err, OMS_EDATA, s->f->name, sx_line(s), "<%s> in <%s> "
	    "is not an element of an answer this reader knows, and refusals "
	    "may stand there: not imported", (const char *)name, in);
	sx_fail(s);
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int natt, int ndef,
    const xmlChar **att)
{
	struct sx *s = ctx;
	struct imp *m = s->m;
	int d;

	(void)prefix;
	(void)uri;
	(void)nns;
	(void)ns;
	(void)natt;
	(void)ndef;
	(void)att;
	if (s->failed)
		return;
	d = ++s->depth;
	if (d >= MAX_DEPTH)
		return;
	s->on[d] = s->tgt[d] = 0;
	if (d == 0) {
		s->root = 1;
		if (!same(local, s->zl_list)) {
			oms_err_set(s->err, OMS_EDATA, m->name, 0, "named like "
			    "a %s reply but its root element is <%s>",
			    oms_stage_name(m->id.stage), (const char *)local);
			sx_fail(s);
		}
		return;
	}
	if (d == 1) {
		s->in = 0;
		if (!known(answer_top, local)) {
			unknown_element(s, local, "ZL_LIST");
			return;
		}
		if (same(local, s->zap)) {
			OMSI_PROGRESS(m->ws, "reading the reply", ++s->nrec, 0);
			s->in = 'Z';
			s->insank = 0;
			s->nsank = 0;
			oms_buf_reset(&s->osn);
			sx_begin(s, ZAP_TRACKS, 1);
		} else if (same(local, s->schet)) {
			s->in = 'S';
			sx_begin(s, 1u << T_CODEMO | 1u << T_DSCHET, 1);
		} else if (same(local, s->zglv)) {
			s->in = 'G';
			sx_begin(s, 1u << T_DATA, 1);
		}
		s->line = sx_line(s);
		return;
	}
	if (s->in == 0)
		return;
	if (d == 2 && (s->in == 'S' || s->in == 'G') && !known(s->in == 'S' ?
	    schet_names : zglv_names, local))
		note_unknown(m, s->f->name, sx_line(s), (const char *)local,
		    s->in == 'S' ? "SCHET" : "ZGLV");
	if ((d == 2 && s->in == 'Z' && !known(answer_zap, local)) ||
	    (d == 4 && s->insank && !known(answer_sank, local))) {
		unknown_element(s, local, d == 2 ? "ZAP" : "SANK");
		return;
	}
	if (s->tgt[d - 1] != 0)
		sx_child(s, d - 1);
	if (s->on[d - 1] != 0)
		sx_step(s, d, local);
	if (d == 3 && s->in == 'Z' && !s->insank && (s->on[2] & s->tgt[2] &
	    1u << T_ZSL) && same(local, s->sank_name)) {
		s->insank = 1;
		s->sankline = sx_line(s);
		sx_begin(s, SANK_TRACKS, 3);
	}
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct sx *s = ctx;
	const char *v;
	int d = s->depth--;

	(void)local;
	(void)prefix;
	(void)uri;
	if (s->failed || d < 1 || d >= MAX_DEPTH || s->in == 0)
		return;
	if (d > 1) {
		if (s->on[d] != 0)
			sx_close(s, d);
		if (d == 3 && s->insank) {
			s->insank = 0;
			if (sank_done(s, s->err) == -1)
				sx_fail(s);
		}
		return;
	}
	if (s->in == 'Z') {
		s->in = 0;
		if (zap_done(s, s->err) == -1)
			sx_fail(s);
		return;
	}
	if (s->in == 'G') {
		s->in = 0;
		v = track_value(&s->t[T_DATA]);
		if (v != NULL && reply_date(s->m->name, s->t[T_DATA].line,
		    "ZGLV/DATA", v, &s->m->rdate, s->err) == -1)
			sx_fail(s);
		return;
	}
	s->in = 0;
	v = track_value(&s->t[T_CODEMO]);
	if (v != NULL && strcmp(v, s->m->ws->conf.mo) != 0) {
		oms_err_set(s->err, OMS_EDATA, s->m->name, s->line,
		    "SCHET/CODE_MO %s is not this МО (%s)", v,
		    s->m->ws->conf.mo);
		sx_fail(s);
		return;
	}
	v = track_value(&s->t[T_DSCHET]);
	if (v != NULL && reply_date(s->m->name, s->t[T_DSCHET].line,
	    "SCHET/DSCHET", v, NULL, s->err) == -1)
		sx_fail(s);
}

/*
 * More text after a comment, a PI or an element in a field whose text
 * came before them: refused, as field() refuses it in a tree.
 */
static void
split_text(struct sx *s, const struct track *t)
{
	const char *z = s->in == 'Z' && t != &s->t[T_NZAP] &&
	    s->t[T_NZAP].done ? track_value(&s->t[T_NZAP]) : NULL;

	oms_err_set(s->err, OMS_EDATA, s->f->name, sx_line(s), "%s%s%s<%s>: "
	    SPLIT_TEXT, z != NULL ? "N_ZAP " : "", z != NULL ? z : "",
	    z != NULL ? ": " : "", (const char *)t->seg[t->nseg - 1]);
	sx_fail(s);
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct sx *s = ctx;
	char msg[sizeof(s->err->msg)];
	struct track *t;
	unsigned mask;
	int i;

	if (s->failed || s->depth < 0 || s->depth >= MAX_DEPTH ||
	    (mask = s->tgt[s->depth]) == 0)
		return;
	for (i = 0; mask != 0; i++, mask >>= 1) {
		if (!(mask & 1))
			continue;
		if ((t = &s->t[i])->done) {
			/* done while open: text came, then a child */
			if (i != T_ZSL && !blanks((const char *)ch,
			    (size_t)len)) {
				split_text(s, t);
				return;
			}
			continue;
		}
		if (oms_buf_add(&t->buf, ch, (size_t)len, s->err) == -1) {
			memcpy(msg, s->err->msg, sizeof(msg));
			oms_err_set(s->err, s->err->code, s->f->name,
			    sx_line(s), "%s", msg);
			sx_fail(s);
			return;
		}
	}
}

/* A comment or a processing instruction: a child node that ends text. */
static void
on_comment(void *ctx, const xmlChar *v)
{
	struct sx *s = ctx;

	(void)v;
	if (!s->failed && s->depth >= 0 && s->depth < MAX_DEPTH &&
	    s->tgt[s->depth] != 0)
		sx_child(s, s->depth);
}

static void
on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void)target;
	on_comment(ctx, data);
}

/* A DOCTYPE, or a reference to a declared entity: refused unread. */
static void
on_dtd(void *ctx, const xmlChar *name, const xmlChar *eid,
    const xmlChar *sid)
{
	struct sx *s = ctx;

	(void)name;
	(void)eid;
	(void)sid;
	if (s->failed)
		return;
	oms_err_set(s->err, OMS_EDATA, s->f->name, sx_line(s), "DTDs and "
	    "entity references are not accepted in registry files");
	sx_fail(s);
}

static void
on_ref(void *ctx, const xmlChar *name)
{
	on_dtd(ctx, name, NULL, NULL);
}

/* The parser's first error, as lib/xml.c words it. */
static void
on_error(void *ctx, omsi_xml_error e)
{
	struct sx *s = ctx;
	char msg[400];

	if (e == NULL || e->level < XML_ERR_ERROR || s->failed)
		return;
	omsi_xml_msg(msg, sizeof(msg), e);
	s->failed = 1;		/* the callbacks do no more */
	oms_err_set(s->err, e->domain == XML_FROM_SCHEMASV ? OMS_ESCHEMA :
	    OMS_EDATA, s->f->name, (unsigned long)(e->line > 0 ? e->line : 0),
	    "%s", msg);
}

static void
sx_release(struct sx *s)
{
	int i;

	for (i = 0; i < T_N; i++)
		track_release(&s->t[i]);
	free(s->sanks);
	oms_buf_release(&s->osn);
	if (s->ctxt != NULL)
		xmlFreeParserCtxt(s->ctxt);
}

static int
sx_init(struct sx *s, struct imp *m, struct oms_err *err)
{
	static const char *const path[T_N] = {
		"N_ZAP", NULL, "Z_SL/OPLATA", "Z_SL/SUMV", "Z_SL/SUMP",
		"Z_SL/SANK_IT", "Z_SL", "S_SUM", "S_OSN", "S_IST", "DATE_ACT",
		"CODE_MO", "DSCHET", "DATA"
	};
	xmlDictPtr dict = s->ctxt->dict;
	int i;

	for (i = 0; i < T_N; i++)
		if (track_init(&s->t[i], dict, path[i] != NULL ? path[i] :
		    m->ws->conf.account_key, err) == -1)
			return (-1);
	if ((s->zl_list = xmlDictLookup(dict, (const xmlChar *)"ZL_LIST",
	    -1)) == NULL || (s->zap = xmlDictLookup(dict, (const xmlChar *)
	    "ZAP", -1)) == NULL || (s->schet = xmlDictLookup(dict,
	    (const xmlChar *)"SCHET", -1)) == NULL || (s->sank_name =
	    xmlDictLookup(dict, (const xmlChar *)"SANK", -1)) == NULL ||
	    (s->zglv = xmlDictLookup(dict, (const xmlChar *)"ZGLV", -1)) ==
	    NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	return (0);
}

/* Feed the parser one piece; -1 when it, or a callback, failed. */
static int
sx_chunk(struct sx *s, const unsigned char *p, size_t n, int terminate)
{
	int r;

	r = xmlParseChunk(s->ctxt, (const char *)p, (int)n, terminate);
	if (s->failed)
		return (-1);
	if (r != 0) {
		oms_err_set(s->err, OMS_EDATA, s->f->name, sx_line(s),
		    "malformed XML");
		return (-1);
	}
	return (0);
}

static int
read_answer(struct imp *m, struct feed *f, struct oms_err *err)
{
	xmlSAXHandler sax;
	xmlCharEncodingHandlerPtr h;
	struct sx *s;
	const unsigned char *b, *head;
	size_t n, first, headlen;
	int rc = -1, r, more;

	/* on the heap: the depth masks make it some 2.5 KiB */
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	s->m = m;
	s->f = f;
	s->err = err;
	s->depth = -1;
	oms_buf_init(&s->osn, (size_t)64 << 20);
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.ignorableWhitespace = on_text;
	sax.cdataBlock = on_text;
	sax.comment = on_comment;
	sax.processingInstruction = on_pi;
	sax.internalSubset = on_dtd;
	sax.reference = on_ref;
	sax.serror = on_error;
	/* as xmlReaderForIO: the first 4 bytes, then the encoding */
	head = f->conv ? f->uhead : f->head;
	headlen = f->conv ? f->uheadlen : f->headlen;
	first = headlen >= 4 ? 4 : 0;
	if ((s->ctxt = xmlCreatePushParserCtxt(&sax, s, first ? (const char *)
	    head : NULL, (int)first, f->name)) == NULL) {
		oms_err_set(err, OMS_EDATA, f->name, 0, "cannot read encoding "
		    "\"%s\"", f->enc);
		goto out;
	}
	if (sx_init(s, m, err) == -1)
		goto out;
	xmlCtxtUseOptions(s->ctxt, OMSI_XML_OPTIONS | XML_PARSE_IGNORE_ENC);
	/* turned into UTF-8 here, it is parsed without a decoder */
	if (!f->conv && (h = xmlFindCharEncodingHandler(f->enc)) != NULL)
		xmlSwitchToEncoding(s->ctxt, h);
	more = !f->eof && !f->bad;	/* f->bad is the thread's from now */
	if (more && pthread_create(&f->th, NULL, feed_main, f) == 0)
		f->started = 1;
	if (sx_chunk(s, head + first, headlen - first, 0) == -1)
		goto out;
	while (more) {
		if ((b = feed_get(f, &n)) == NULL) {
			*err = f->xerr;
			goto out;
		}
		if (n == 0)
			break;
		r = sx_chunk(s, b, n, 0);
		feed_put(f);
		if (r == -1)
			goto out;
	}
	if (f->bad) {		/* read after the thread's last buffer */
		/* as libxml2 says it when its decoder fails */
		oms_err_set(err, OMS_EDATA, f->name, sx_line(s),
		    "malformed XML");
		goto out;
	}
	if (sx_chunk(s, NULL, 0, 1) == -1)
		goto out;
	if (!s->root) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "no root element");
		goto out;
	}
	rc = 0;
out:
	feed_stop(f);
	sx_release(s);
	free(s);
	return (rc);
}

/* ------------------------------------------------------------ the file */

/*
 * Open the reply given, which must be a regular file: a FIFO or a device
 * named like a reply would hang the run, which holds the workspace lock,
 * or never end.  stat() follows a symbolic link (the user named it) and
 * refuses the rest unopened; fstat() checks what was opened, O_NONBLOCK
 * so that a FIFO put there in between cannot block the open.  The fd,
 * or -1 with err.
 */
static int
open_reply(const char *path, struct oms_err *err)
{
	struct stat st;
	const char *what;
	int fd = -1, fl;

	if (stat(path, &st) == -1)
		return (oms_err_sys(err, errno, path, "open"));
	if (S_ISREG(st.st_mode)) {
		if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
			return (oms_err_sys(err, errno, path, "open"));
		if (fstat(fd, &st) == -1) {
			oms_err_sys(err, errno, path, "stat");
			close(fd);
			return (-1);
		}
	}
	if (S_ISREG(st.st_mode)) {
		if ((fl = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
			oms_err_sys(err, errno, path, "open");
			close(fd);
			return (-1);
		}
		return (fd);
	}
	if (fd != -1)
		close(fd);
	what = S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) ?
	    "a character device" : S_ISBLK(st.st_mode) ? "a block device" :
	    S_ISDIR(st.st_mode) ? "a directory" : S_ISSOCK(st.st_mode) ?
	    "a socket" : "no regular file";
	return (oms_err_set(err, OMS_EDATA, path, 0, "%s, not a file: not "
	    "read, not imported; give the reply file itself", what));
}

/* The SHA-256 of what fd holds, from its start. */
static int
hash_fd(int fd, const char *path, char sha[65], struct oms_err *err)
{
	struct omsi_sha256 c;
	char buf[65536];
	ssize_t n;
	off_t off = 0;

	omsi_sha256_init(&c);
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		omsi_sha256_add(&c, buf, (size_t)n);
		off += n;
	}
	if (n == -1)
		return (oms_err_sys(err, errno, path, "read"));
	omsi_sha256_hex(&c, sha);
	return (0);
}

static int
hash_file(const char *path, char sha[65], struct oms_err *err)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (oms_err_sys(err, errno, path, "open"));
	rc = hash_fd(fd, path, sha, err);
	close(fd);
	return (rc);
}

static int
is_zip(const struct imp *m)
{
	unsigned char b[4];

	return (pread(m->fd, b, 4, 0) == 4 && b[0] == 'P' && b[1] == 'K' &&
	    b[2] == 3 && b[3] == 4);
}

/* The reply's ZIP, read from m->fd; NULL with err. */
static struct archive *
zip_open(struct imp *m, struct oms_err *err)
{
	struct archive *ar;

	if ((ar = archive_read_new()) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	archive_read_support_format_zip(ar);
	if (lseek(m->fd, 0, SEEK_SET) == -1) {
		oms_err_sys(err, errno, m->name, "read");
		archive_read_free(ar);
		return (NULL);
	}
	/* libarchive reads the fd and leaves it open */
	if (archive_read_open_fd(ar, m->fd, 65536) != ARCHIVE_OK) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "not a readable ZIP: "
		    "%s", archive_error_string(ar));
		archive_read_free(ar);
		return (NULL);
	}
	return (ar);
}

/*
 * Copy the file as received into DIR/archive; rel gets "archive/NAME",
 * *made the path of a copy made now (free it), or NULL when the same
 * bytes were there already.
 */
static int
keep(struct imp *m, const char *sha, char *rel, size_t rlen, char **made,
    struct oms_err *err)
{
	const char *b = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 :
	    m->path;
	char *dir = NULL, *dst = NULL, name[300], other[65], buf[65536];
	struct oms_afile af;
	const char *dot;
	ssize_t n;
	off_t off = 0;
	int rc = -1;

	if (oms_ws_mkdir(m->ws, "archive", err) == -1)
		goto out;
	if ((dir = oms_ws_path(m->ws, "archive")) == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "%s", b);
	for (;;) {
		free(dst);
		if ((dst = oms_path_join(dir, name)) == NULL)
			goto nomem;
		if (access(dst, F_OK) == -1)
			break;
		if (hash_file(dst, other, err) == -1)
			goto out;
		if (strcmp(other, sha) == 0) {	/* the same bytes: kept */
			snprintf(rel, rlen, "archive/%s", name);
			rc = 0;
			goto out;
		}
		/* another file of that name: keep both */
		dot = strrchr(b, '.');
		snprintf(name, sizeof(name), "%.*s-%.8s%s",
		    (int)(dot ? dot - b : (long)strlen(b)), b, sha,
		    dot ? dot : "");
	}
	if (oms_afile_open(&af, dst, err) == -1)
		goto out;
	while ((n = pread(m->fd, buf, sizeof(buf), off)) > 0) {
		if (fwrite(buf, 1, (size_t)n, af.fp) != (size_t)n)
			break;
		off += n;
	}
	if (n != 0) {
		oms_err_sys(err, errno, m->path, "copy into archive/");
		oms_afile_abort(&af);
		goto out;
	}
	if (oms_afile_commit(&af, err) == -1)
		goto out;
	snprintf(rel, rlen, "archive/%s", name);
	*made = dst;
	dst = NULL;
	rc = 0;
	goto out;
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
out:
	free(dir);
	free(dst);
	return (rc);
}

/* Answers are read by SAX (read_answer), ФЛК protocols by the reader. */
static int
streamed(const struct imp *m)
{
	return (m->id.stage == OMS_STAGE_CONTROL ||
	    m->id.stage == OMS_STAGE_DEMAND);
}

/*
 * One more entry of the ZIP: at most MAX_ENTRIES of them, each name once
 * (which of two would be the reply?).  -1 with err.
 */
static int
zip_entry(struct imp *m, struct archive_entry *ae, struct oms_err *err)
{
	const char *en = archive_entry_pathname(ae);
	int i;

	if (en == NULL)
		en = "";
	if (m->nent == MAX_ENTRIES)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "more than %d "
		    "entries: not a reply; not imported", MAX_ENTRIES));
	for (i = 0; i < m->nent; i++)
		if (strcasecmp(m->ent[i], en) == 0)
			return (oms_err_set(err, OMS_EDATA, m->name, 0, "two "
			    "entries named \"%s\": which is the reply is not "
			    "known; not imported, ask the sender for a ZIP "
			    "with each name once", en));
	if ((m->ent[m->nent] = omsi_arena_strdup(&m->arena, en)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	m->nent++;
	return (0);
}

/*
 * After the reply was read from a ZIP: the entries that follow are
 * counted and their names checked as well, and none may be a second
 * reply (named like it, or like any reply when the ZIP's own name was
 * not one).  -1 with err.
 */
static int
zip_rest(struct imp *m, struct archive *ar, struct oms_err *err)
{
	struct archive_entry *ae;
	struct ident id;
	char base[256];
	int r;

	if (ar == NULL)
		return (0);
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		if (zip_entry(m, ae, err) == -1)
			return (-1);
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		base_of(archive_entry_pathname(ae) != NULL ?
		    archive_entry_pathname(ae) : "", base, sizeof(base));
		memset(&id, 0, sizeof(id));
		if (strcasecmp(base, m->id.base) == 0 || (!m->zipnamed &&
		    (r = recognise(&m->ws->conf, base, &id, err)) != 0))
			return (r == -1 ? -1 : oms_err_set(err, OMS_EDATA,
			    m->name, 0, "entries \"%s\" and \"%s\" are both "
			    "named like a reply: which is the reply is not "
			    "known; not imported, ask the sender for a ZIP "
			    "with one", m->entry, archive_entry_pathname(ae)));
	}
	if (r != ARCHIVE_EOF)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: "
		    "%s", archive_error_string(ar)));
	return (0);
}

/* Open the document to read: the file, or the right entry of a ZIP. */
static int
open_doc(struct imp *m, struct archive **arp, struct omsi_xin **xp,
    struct feed **fp, struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	char base[256], name[600];
	const char *en;
	int r, matched = m->id.stage != 0;

	*arp = NULL;
	if (!is_zip(m)) {
		if (streamed(m))
			return ((*fp = feed_file(m->fd, m->name, err)) ==
			    NULL ? -1 : 0);
		*xp = omsi_xin_file(m->path, m->name, err);
		return (*xp == NULL ? -1 : 0);
	}
	if ((ar = zip_open(m, err)) == NULL)
		return (-1);
	m->zipnamed = matched;
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		if (zip_entry(m, ae, err) == -1)
			goto fail;
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		en = m->ent[m->nent - 1];
		base_of(en, base, sizeof(base));
		if (!matched) {
			if ((r = recognise(&m->ws->conf, base, &m->id, err)) ==
			    -1)
				goto fail;
			if (r == 0)
				continue;
		} else if (strcasecmp(base, m->id.base) != 0)
			continue;
		snprintf(name, sizeof(name), "%s:%s", m->name, en);
		snprintf(m->entry, sizeof(m->entry), "%s", en);
		if (streamed(m) ? (*fp = feed_archive(ar, name, err)) == NULL :
		    (*xp = omsi_xin_archive(ar, name, err)) == NULL)
			goto fail;
		*arp = ar;
		return (0);
	}
	if (r != ARCHIVE_EOF)
		oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: %s",
		    archive_error_string(ar));
	else
		oms_err_set(err, OMS_EDATA, m->name, 0, "no entry named "
		    "like a reply (%s.XML)", matched ? m->id.base : "…");
fail:
	archive_read_free(ar);
	return (-1);
}

/* Read the replies to registry r: its map, a decision per account. */
static int
use_registry(struct imp *m, const struct oms_reg *r, struct oms_err *err)
{
	size_t i;

	m->reg = r;
	m->ri = oms_ledger_find_reg(m->l, r->name);
	if (oms_ledger_registry_map(m->l, r->name, map_add, m, err) != 0) {
		if (err->msg[0] == '\0')
			oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (-1);
	}
	if ((m->dec = calloc(m->nacc ? m->nacc : 1, sizeof(*m->dec))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	for (i = 0; i < m->nacc; i++)
		oms_buf_init(&m->dec[i].reasons, 1 << 16);
	return (0);
}

/*
 * The registry the name points to: of its kind, period and package; a
 * name without the kind (VM..., FM...) points to the one registry of
 * that period and package, and when there are several a ФЛК protocol's
 * FNAME_I says which (m->reg stays NULL until read_flk finds it).
 */
static int
find_registry(struct imp *m, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	const struct oms_reg *r, *hit = NULL;
	char ps[8];
	size_t i, n = 0;

	if (strcmp(m->id.mo, c->mo) != 0)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "addressed to "
		    "МО %s, but this workspace is МО %s; not imported",
		    m->id.mo, c->mo));
	for (i = 0; i < oms_ledger_nreg(m->l); i++) {
		r = oms_ledger_reg(m->l, i);
		if ((m->id.type[0] == '\0' || strcmp(r->kind, m->id.type) ==
		    0) && r->period == m->id.period && r->package ==
		    m->id.package) {
			hit = r;
			n++;
		}
	}
	if (n == 1)
		return (use_registry(m, hit, err));
	if (n > 1 && m->id.stage == OMS_STAGE_FLK)
		return (0);
	if (n > 1)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "the name "
		    "does not say the kind, and %zu registries of period %s "
		    "have package %d; not imported", n, oms_period_fmt(
		    m->id.period, ps), m->id.package));
	return (oms_err_set(err, OMS_EDATA, m->name, 0, "answers a registry "
	    "this workspace never sent (%s, period %s, package %d); not "
	    "imported", m->id.type[0] != '\0' ? m->id.type : "any kind",
	    oms_period_fmt(m->id.period, ps), m->id.package));
}

/* What the ledger says account i claimed in this registry (which it
   may have left since). */
static int64_t
claim(const struct imp *m, size_t i)
{
	const struct oms_acct *c = oms_ledger_claim(m->l, m->acc[i], m->ri);

	return (c != NULL ? c->sum : 0);
}

/* ------------------------------------------------------------- yar76 */

/*
 * Which registry a yar76 reply answers: one of ours whose name shares
 * the reply's first 27 characters and not its last two.  With a fixed
 * yar76.digit several could; the last sent wins.  1 found, -1 not.
 */
static int
yar_recognise(struct imp *m, const char *base, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	const struct oms_reg *r, *hit = NULL;
	size_t i, n = strlen(base), rn;
	const char *dem = oms_conf_own(c, "demand");

	if (n < 28 || n > 40)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "not named like "
		    "a reply to a bill (OGRN, KPP, YYMM, a digit and two "
		    "characters; see oms-import(1))"));
	if (strncmp(base, c->ogrn, 13) != 0 || strncmp(base + 13, c->kpp,
	    9) != 0)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "addressed to "
		    "OGRN %.13s KPP %.9s, but this workspace is OGRN %s KPP "
		    "%s; not imported", base, base + 13, c->ogrn, c->kpp));
	for (i = 0; i < oms_ledger_nreg(m->l); i++) {
		r = oms_ledger_reg(m->l, i);
		rn = strlen(r->name);
		if (rn < 28 || strncmp(r->name, base, 27) != 0)
			continue;
		if (strcasecmp(r->name, base) == 0)
			return (oms_err_set(err, OMS_EDATA, m->name, 0, "this is "
			    "the bill %s itself, not a reply to it", r->name));
		if (strcasecmp(r->name + rn - 2, base + n - 2) == 0)
			continue;
		hit = r;
	}
	if (hit == NULL)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "answers a bill "
		    "this workspace never sent (none begins with %.27s); not "
		    "imported", base));
	m->reg = hit;
	m->id.period = hit->period;
	m->id.package = hit->package;
	snprintf(m->id.type, sizeof(m->id.type), "%s", hit->kind);
	snprintf(m->id.base, sizeof(m->id.base), "%s", base);
	/* the rest is known when it is read: ФЛК if it has body/flk */
	m->id.stage = tolower((unsigned char)base[n - 2]) ==
	    tolower((unsigned char)dem[0]) ? OMS_STAGE_DEMAND :
	    OMS_STAGE_CONTROL;
	return (1);
}

/*
 * A yar76 reply: bill.xml, the only entry of a ZIP, or the XML itself.
 * The first entry is checked here; that none follows, by yar_no_more
 * once it has been read (one pass over the file, not two).
 */
static int
yar_open(struct imp *m, struct archive **arp, struct omsi_xin **xp,
    struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	char name[600];
	int r;

	*arp = NULL;
	if (!is_zip(m)) {
		*xp = omsi_xin_file(m->path, m->name, err);
		return (*xp == NULL ? -1 : 0);
	}
	if ((ar = zip_open(m, err)) == NULL)
		return (-1);
	if ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_EOF) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "an empty ZIP: a reply "
		    "to a bill holds bill.xml");
		goto fail;
	}
	if (r != ARCHIVE_OK) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: %s",
		    archive_error_string(ar));
		goto fail;
	}
	if (archive_entry_filetype(ae) != AE_IFREG ||
	    strcasecmp(archive_entry_pathname(ae), "bill.xml") != 0) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "a reply to a bill "
		    "holds one entry, bill.xml; this one has another entry");
		goto fail;
	}
	snprintf(name, sizeof(name), "%s:%s", m->name,
	    archive_entry_pathname(ae));
	if ((*xp = omsi_xin_archive(ar, name, err)) == NULL)
		goto fail;
	*arp = ar;
	return (0);
fail:
	archive_read_free(ar);
	return (-1);
}

/* After bill.xml: nothing else may be in the ZIP. */
static int
yar_no_more(struct imp *m, struct archive *ar, struct oms_err *err)
{
	struct archive_entry *ae;
	int r;

	if (ar == NULL || (r = archive_read_next_header(ar, &ae)) ==
	    ARCHIVE_EOF)
		return (0);
	if (r == ARCHIVE_OK)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "a reply to a "
		    "bill holds one entry, bill.xml; this one has more than "
		    "one"));
	return (oms_err_set(err, OMS_EDATA, m->name, 0, "damaged ZIP: %s",
	    archive_error_string(ar)));
}

/* The account of xkey; -1 with err when the bill did not carry it. */
static long
yar_account(struct imp *m, const char *key, unsigned long line,
    const char *what, struct oms_err *err)
{
	size_t i;

	if (key == NULL || *key == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, line, "%s without "
		    "%s", what, m->ws->conf.account_key));
	if (!omsi_hash_get(&m->byzap, key, &i))
		return (oms_err_set(err, OMS_EDATA, m->name, line, "%s %s is "
		    "not in bill %s", what, key, m->reg->name));
	return ((long)i);
}

/* Add the values of attribute attr of the elements under list/item. */
static int
yar_codes(struct dec *d, xmlNodePtr n, const char *list, const char *item,
    struct oms_err *err)
{
	xmlNodePtr c = omsi_child(n, list);
	const char *v;

	for (c = c != NULL ? c->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, item) == 0 &&
		    (v = omsi_attr(c, item)) != NULL &&
		    add_reason(&d->reasons, v, err) == -1)
			return (-1);
	return (0);
}

/* Is v one of the smo@pay values that refuse (yar76.pay_refused)? */
static int
yar_pay_refused(const struct oms_conf *c, const char *v)
{
	const char *p = oms_conf_own(c, "pay_refused");
	size_t n = strlen(v);

	while (*p != '\0') {
		p += strspn(p, " ");
		if (strncmp(p, v, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return (1);
		p += strcspn(p, " ");
	}
	return (0);
}

static int
yar_patient(struct imp *m, xmlNodePtr pat, struct oms_err *err)
{
	const struct oms_conf *c = &m->ws->conf;
	xmlNodePtr pa, smo;
	const char *v, *code = omsi_attr(pat, "patientcod");
	int an_p = (v = omsi_attr(omsi_child(pat, "an_p"), "an_p")) != NULL &&
	    strcmp(v, "1") == 0;
	size_t prev;
	struct dec *d;
	char *k;
	long i;

	pa = omsi_child(pat, "register_accounts");
	for (pa = pa != NULL ? pa->children : NULL; pa != NULL; pa = pa->next) {
		if (pa->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)pa->name, "personal_account") != 0)
			continue;
		if ((i = yar_account(m, omsi_attr(pa, c->account_key),
		    omsi_line(pa), "personal_account", err)) == -1)
			return (-1);
		d = &m->dec[i];
		if (d->seen)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(pa), "account %s twice", m->acc[i]));
		d->seen = 1;
		if (code != NULL && *code != '\0') {
			d->pnext = omsi_hash_get(&m->bypat, code, &prev) ?
			    prev : 0;
			if ((k = omsi_arena_strdup(&m->arena, code)) == NULL ||
			    omsi_hash_put(&m->bypat, k, (size_t)i + 1) == -1)
				return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
				    "out of memory"));
		}
		if (an_p) {
			/* the patient was not identified */
			d->refuse = 1;
			if (add_reason(&d->reasons, "5.1.4.01", err) == -1)
				return (-1);
		}
		if ((smo = omsi_child(pa, "smo")) == NULL)
			continue;
		d->verdict = 1;
		v = omsi_attr(smo, "pay");
		if (v == NULL || !yar_pay_refused(c, v))
			continue;
		d->refuse = 1;
		if (yar_codes(d, smo, "an_pss", "an_ps", err) == -1 ||
		    yar_codes(d, smo, "an_mess", "an_mes", err) == -1 ||
		    yar_codes(d, smo, "an_sums", "an_sum", err) == -1)
			return (-1);
	}
	return (0);
}

static int
yar_expertise(struct imp *m, xmlNodePtr ex, struct oms_err *err)
{
	xmlNodePtr e;
	const char *v;
	int64_t suml, sum;
	struct dec *d;
	long i;

	if ((i = yar_account(m, omsi_attr(ex, "xkey"), omsi_line(ex),
	    "expertise", err)) == -1)
		return (-1);
	if ((v = omsi_attr(ex, "date")) != NULL && reply_date(m->name,
	    omsi_line(ex), "expertise@date", v, NULL, err) == -1)
		return (-1);
	d = &m->dec[i];
	e = omsi_child(ex, "ps_sum");
	for (e = e != NULL ? e->children : NULL; e != NULL; e = e->next) {
		if (e->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)e->name, "ps_elem") != 0)
			continue;
		if ((v = omsi_attr(e, "suml")) == NULL ||
		    oms_money_parse(v, &suml) == -1 ||
		    (v = omsi_attr(e, "sum")) == NULL ||
		    oms_money_parse(v, &sum) == -1 || sum > suml || sum < 0)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(e), "expertise of %s: ps_elem without "
			    "suml and sum, or sum above suml", m->acc[i]));
		if (!d->exp)
			d->expline = omsi_line(e);
		d->exp = 1;
		d->exp_refused += suml - sum;	/* each at most MONEY_MAX */
		if (d->exp_refused > INT64_MAX / 2)
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(e), "expertise of %s: the refused sums "
			    "add up to more than any sum", m->acc[i]));
	}
	for (e = ex->children; e != NULL; e = e->next)
		if (e->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)e->name, "defects") == 0 &&
		    (v = omsi_attr(e, "code")) != NULL &&
		    add_reason(&d->reasons, v, err) == -1)
			return (-1);
	if (d->exp_refused > 0)
		d->refuse = 1;
	return (0);
}

/* A ФЛК finding: on an account (acc), a patient (pat) or the bill. */
static int
yar_fact(struct imp *m, xmlNodePtr f, struct oms_err *err)
{
	const char *acc = omsi_attr(f, "acc"), *pat = omsi_attr(f, "pat");
	const char *code = omsi_attr(f, "defect_code");
	size_t first, k;
	long i;

	if (code == NULL || *code == '\0')
		code = omsi_attr(f, "test");
	if (code == NULL || *code == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, omsi_line(f),
		    "fact without defect_code or test"));
	if (acc != NULL && *acc != '\0') {
		if ((i = yar_account(m, acc, omsi_line(f), "fact@acc", err)) ==
		    -1)
			return (-1);
		m->dec[i].refuse = 1;
		return (add_reason(&m->dec[i].reasons, code, err));
	}
	if (pat != NULL && *pat != '\0') {
		if (!omsi_hash_get(&m->bypat, pat, &first))
			return (oms_err_set(err, OMS_EDATA, m->name,
			    omsi_line(f), "fact@pat %s is no patient of bill "
			    "%s", pat, m->reg->name));
		for (k = first; k != 0; k = m->dec[k - 1].pnext) {
			m->dec[k - 1].refuse = 1;
			if (add_reason(&m->dec[k - 1].reasons, code, err) == -1)
				return (-1);
		}
		return (0);
	}
	return (add_reason(&m->filecodes, code, err));
}

static int
read_bill(struct imp *m, struct omsi_xin *x, struct oms_err *err)
{
	xmlTextReaderPtr r = omsi_xin_reader(x);
	const struct oms_conf *c = &m->ws->conf;
	xmlNodePtr n;
	xmlChar *v;
	const char *name;
	int rc, depth, body = 0;
	uint64_t nrec = 0;

	while ((rc = omsi_xin_next_element(x, err)) == 1) {
		depth = xmlTextReaderDepth(r);
		name = (const char *)xmlTextReaderConstLocalName(r);
		if (depth == 1 && strcmp(name, "body") == 0) {
			body = 1;
			v = xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "ogrn_mo");
			if (v != NULL && strcmp((const char *)v, c->ogrn) !=
			    0) {
				oms_err_set(err, OMS_EDATA, m->name,
				    (unsigned long)
				    xmlTextReaderGetParserLineNumber(r),
				    "body@ogrn_mo %s is not this МО (%s)",
				    (const char *)v, c->ogrn);
				xmlFree(v);
				return (-1);
			}
			xmlFree(v);
			continue;
		}
		if ((depth == 2 && (strcmp(name, "bill") == 0 ||
		    strcmp(name, "flk") == 0)) || (depth == 3 &&
		    (strcmp(name, "patients") == 0 ||
		    strcmp(name, "expertises") == 0 ||
		    strcmp(name, "register") == 0))) {
			if (strcmp(name, "flk") == 0)
				m->flk = 1;
			if (strcmp(name, "register") == 0 && (v =
			    xmlTextReaderGetAttribute(r, (const xmlChar *)
			    "filename")) != NULL) {
				rc = strncasecmp((const char *)v, m->reg->name,
				    strlen(m->reg->name)) != 0;
				if (rc)
					oms_err_set(err, OMS_EDATA, m->name,
					    (unsigned long)
					    xmlTextReaderGetParserLineNumber(r),
					    "flk/register@filename \"%s\" is "
					    "not the bill %s the name points "
					    "to", (const char *)v,
					    m->reg->name);
				xmlFree(v);
				if (rc)
					return (-1);
			}
			continue;
		}
		if (depth == 4 && (strcmp(name, "patient") == 0 ||
		    strcmp(name, "expertise") == 0 ||
		    strcmp(name, "fact") == 0)) {
			OMSI_PROGRESS(m->ws, "reading the reply", ++nrec, 0);
			if ((n = omsi_xin_expand(x, err)) == NULL)
				return (-1);
			if ((name[0] == 'p' ? yar_patient(m, n, err) :
			    name[0] == 'e' ? yar_expertise(m, n, err) :
			    yar_fact(m, n, err)) == -1)
				return (-1);
		}
		if (depth >= 1 && omsi_xin_skip(x, err) == -1)
			return (-1);
	}
	if (rc == -1)
		return (-1);
	if (!body)
		return (oms_err_set(err, OMS_EDATA, m->name, 0, "<package> "
		    "without <body>: not a reply to a bill"));
	return (0);
}

/*
 * The decisions: a ФЛК answer decides every account of the bill (a
 * finding refuses it); other answers the accounts with a verdict.  The
 * claim is the ledger's; a refusal takes all of it unless an expertise
 * says how much (then it may be partial).
 */
static int
yar_decide(struct imp *m, struct oms_err *err)
{
	struct dec *d;
	size_t i;

	if (m->id.stage != OMS_STAGE_DEMAND && m->flk)
		m->id.stage = OMS_STAGE_FLK;
	for (i = 0; i < m->nacc; i++) {
		d = &m->dec[i];
		if (m->filecodes.len > 0 && (m->id.stage == OMS_STAGE_FLK ||
		    d->seen)) {
			d->refuse = 1;
			if (add_file_codes(m, d, err) == -1)
				return (-1);
		}
		if (!d->refuse && !d->verdict && !d->exp &&
		    m->id.stage != OMS_STAGE_FLK)
			continue;	/* no word on it */
		d->claimed = claim(m, i);
		if (d->exp && d->exp_refused > d->claimed) {
			char r[32], c[32];

			return (oms_err_set(err, OMS_EDATA, m->name,
			    d->expline, "account %s: the expertises refuse "
			    "%s (suml minus sum of ps_elem), more than the %s "
			    "bill %s claimed: the sums do not add up; not "
			    "imported, ask the sender for a corrected reply",
			    m->acc[i], oms_money_fmt(d->exp_refused, r),
			    oms_money_fmt(d->claimed, c), m->reg->name));
		}
		if (!d->refuse) {
			d->decision = OMS_ST_ACCEPTED;
			d->refused = 0;
			oms_buf_reset(&d->reasons);
		} else if (d->exp && d->exp_refused > 0 &&
		    d->exp_refused < d->claimed) {
			d->decision = OMS_ST_PARTIAL;
			d->refused = d->exp_refused;
		} else {
			d->decision = OMS_ST_REJECTED;
			d->refused = d->claimed;
		}
		d->accepted = d->claimed - d->refused;
		d->set = 1;
	}
	return (0);
}

static int
record_ledger(struct imp *m, const char *sha, struct oms_import_res *res,
    struct oms_err *err)
{
	struct oms_buf b, data;
	const char *f[OMS_L_NCOL];
	char now[32], period[8], sum[32], a[32], rf[32], rd[16], n[32];
	size_t i, nrec = 0;
	struct oms_ledger_tx tx = { .fd = -1 };
	int rc = -1;

	oms_buf_init(&b, (size_t)1 << 30);
	/* a decision's reasons are at most 64 KiB (use_registry) */
	oms_buf_init(&data, (size_t)1 << 20);
	oms_ledger_now(now, sizeof(now));
	oms_period_fmt(m->reg->period, period);
	/* a reply of a million records: its lines go out in pieces */
	if (oms_ledger_begin(m->l, &tx, err) == -1)
		goto out;
	for (i = 0; i < m->nacc; i++) {
		struct dec *d = &m->dec[i];

		if (!d->set)
			continue;
		memset(f, 0, sizeof(f));
		/* escaped as the ledger reads it: a code may hold ; = % */
		oms_buf_reset(&data);
		if (oms_ledger_data(&data, "stage", oms_stage_name(m->id.stage),
		    err) == -1 || oms_ledger_data(&data, "decision",
		    oms_state_name(d->decision), err) == -1 ||
		    oms_ledger_data(&data, "accepted", oms_money_fmt(
		    d->accepted, a), err) == -1 || oms_ledger_data(&data,
		    "refused", oms_money_fmt(d->refused, rf), err) == -1 ||
		    oms_ledger_data(&data, "reasons", d->reasons.s != NULL ?
		    d->reasons.s : "", err) == -1 || (m->rdate >= 0 &&
		    oms_ledger_data(&data, "date", oms_date_fmt(m->rdate, rd),
		    err) == -1))
			goto out;
		f[OMS_L_TIME] = now;
		f[OMS_L_EVENT] = "decision";
		f[OMS_L_ACCOUNT] = m->acc[i];
		f[OMS_L_REGISTRY] = m->reg->name;
		f[OMS_L_PERIOD] = period;
		f[OMS_L_KIND] = m->reg->kind;
		f[OMS_L_N_ZAP] = m->zap[i];
		f[OMS_L_IDCASE] = m->zap[i];
		f[OMS_L_SUM] = oms_money_fmt(d->claimed, sum);
		f[OMS_L_FILE] = res->reply;
		f[OMS_L_DATA] = data.s;
		if (oms_ledger_line(&b, f, err) == -1)
			goto out;
		nrec++;
		if (b.len > LEDGER_PIECE && oms_ledger_flush(&tx, &b, err) == -1)
			goto out;
	}
	memset(f, 0, sizeof(f));
	oms_buf_reset(&data);
	snprintf(n, sizeof(n), "%zu", nrec);
	if (oms_ledger_data(&data, "stage", oms_stage_name(m->id.stage),
	    err) == -1 || oms_ledger_data(&data, "sha256", sha, err) == -1 ||
	    oms_ledger_data(&data, "records", n, err) == -1)
		goto out;
	f[OMS_L_TIME] = now;
	f[OMS_L_EVENT] = "import";
	f[OMS_L_REGISTRY] = m->reg->name;
	f[OMS_L_PERIOD] = period;
	f[OMS_L_KIND] = m->reg->kind;
	f[OMS_L_FILE] = res->reply;
	f[OMS_L_DATA] = data.s;
	if (oms_ledger_line(&b, f, err) == -1)
		goto out;
	rc = oms_ledger_commit(&tx, &b, "import", now, err);
out:
	if (rc == -1)
		oms_ledger_abort(&tx);
	oms_buf_release(&b);
	oms_buf_release(&data);
	return (rc);
}

static int
fill_result(struct imp *m, struct oms_import_res *res, struct oms_err *err)
{
	size_t i, k = 0;

	if ((res->d = calloc(m->nacc ? m->nacc : 1, sizeof(*res->d))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	for (i = 0; i < m->nacc; i++) {
		struct dec *d = &m->dec[i];
		struct oms_decision *o = &res->d[k];

		if (!d->set)
			continue;
		o->stage = m->id.stage;
		o->decision = d->decision;
		o->claimed = d->claimed;
		o->accepted = d->accepted;
		o->refused = d->refused;
		if ((o->account = strdup(m->acc[i])) == NULL ||
		    (o->n_zap = strdup(m->zap[i])) == NULL ||
		    (o->reasons = strdup(d->reasons.s ? d->reasons.s : "")) ==
		    NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		res->n = ++k;
	}
	return (0);
}

/* ФЛК decisions carry the sums the registry claimed */
static void
flk_sums(struct imp *m)
{
	size_t i;

	for (i = 0; i < m->nacc; i++) {
		struct dec *d = &m->dec[i];

		d->claimed = claim(m, i);
		d->accepted = d->decision == OMS_ST_ACCEPTED ? d->claimed : 0;
		d->refused = d->claimed - d->accepted;
	}
}

int
oms_import(struct oms_ws *ws, struct oms_ledger *l, const char *path,
    struct oms_import_res *res, struct oms_err *err)
{
	struct imp m;
	struct archive *ar = NULL;
	struct omsi_xin *x = NULL;
	struct feed *f = NULL;
	const char *when, *root;
	char sha[65], base[256], *made = NULL;
	size_t i;
	int rc = -1, r;

	memset(res, 0, sizeof(*res));
	memset(&m, 0, sizeof(m));
	m.ws = ws;
	m.l = l;
	m.path = path;
	m.name = path;
	m.fd = -1;
	m.rdate = -1;
	omsi_hash_init(&m.byzap);
	omsi_arena_init(&m.arena);
	oms_buf_init(&m.filecodes, 1 << 20);
	oms_buf_init(&m.unknown, 1 << 16);

	if ((m.fd = open_reply(path, err)) == -1 ||
	    hash_fd(m.fd, path, sha, err) == -1)
		goto out;
	if ((when = oms_ledger_imported(l, sha)) != NULL) {
		res->already = 1;
		snprintf(res->when, sizeof(res->when), "%s", when);
		rc = 0;
		goto out;
	}
	base_of(path, base, sizeof(base));
	m.yar = strcmp(ws->conf.profile, "yar76") == 0;
	omsi_hash_init(&m.bypat);
	if (m.yar) {
		if (yar_recognise(&m, base, err) == -1 ||
		    yar_open(&m, &ar, &x, err) == -1)
			goto out;
	} else if ((r = recognise(&ws->conf, base, &m.id, err)) == -1 ||
	    open_doc(&m, &ar, &x, &f, err) == -1)
		goto out;
	if (m.id.stage == 0) {
		oms_err_set(err, OMS_EDATA, path, 0, "not named like a reply "
		    "(see pattern.flk, pattern.control, pattern.demand in "
		    "oms.conf(5))");
		goto out;
	}
	if (m.yar ? use_registry(&m, m.reg, err) == -1 :
	    find_registry(&m, err) == -1)
		goto out;
	res->stage = m.id.stage;
	if (f != NULL) {
		/* an answer: its root is checked as it is read */
		if (read_answer(&m, f, err) == -1)
			goto out;
		feed_free(f);
		f = NULL;
		if (zip_rest(&m, ar, err) == -1)
			goto out;
		goto done;
	}
	/* the root says what it is */
	if ((r = omsi_xin_next_element(x, err)) != 1) {
		if (r == 0)
			oms_err_set(err, OMS_EDATA, path, 0, "no root element");
		goto out;
	}
	root = (const char *)xmlTextReaderConstLocalName(omsi_xin_reader(x));
	if (m.yar) {
		if (strcmp(root, "package") != 0) {
			oms_err_set(err, OMS_EDATA, path, 0, "named like a "
			    "reply to bill %s but its root element is <%s>, "
			    "not <package>", m.reg->name, root);
			goto out;
		}
		if (read_bill(&m, x, err) == -1 ||
		    yar_no_more(&m, ar, err) == -1 || yar_decide(&m, err) == -1)
			goto out;
		res->stage = m.id.stage;
	} else if (strcmp(root, "FLK_P") != 0) {
		oms_err_set(err, OMS_EDATA, path, 0, "named like a %s reply "
		    "but its root element is <%s>", oms_stage_name(m.id.stage),
		    root);
		goto out;
	} else {
		if (read_flk(&m, x, err) == -1 || zip_rest(&m, ar, err) == -1)
			goto out;
		flk_sums(&m);
	}
done:
	omsi_src_close(ar, x);
	ar = NULL;
	x = NULL;
	snprintf(res->registry, sizeof(res->registry), "%s", m.reg->name);
	/* all read and understood: keep the file, then commit */
	res->contra0 = oms_ledger_ncontra(l);
	if (keep(&m, sha, res->reply, sizeof(res->reply), &made, err) == -1)
		goto out;
	if (record_ledger(&m, sha, res, err) == -1) {
		/* nothing recorded: the copy goes too, and the message says
		   which reply it was */
		if (made != NULL)
			(void)unlink(made);
		if (err->where[0] == '\0')
			snprintf(err->where, sizeof(err->where), "%s", path);
		goto out;
	}
	if (fill_result(&m, res, err) == -1)
		goto out;
	res->ncontra = oms_ledger_ncontra(l) - res->contra0;
	res->nunknown = m.nunknown;
	if (m.unknown.len > 0) {
		res->unknown = m.unknown.s;	/* taken over */
		oms_buf_init(&m.unknown, 0);
	}
	rc = 0;
out:
	free(made);
	feed_free(f);		/* its thread first: it reads ar */
	omsi_src_close(ar, x);
	for (i = 0; m.dec != NULL && i < m.nacc; i++)
		oms_buf_release(&m.dec[i].reasons);
	free(m.dec);
	free(m.acc);
	free(m.zap);
	oms_buf_release(&m.filecodes);
	oms_buf_release(&m.unknown);
	omsi_hash_release(&m.byzap);
	free(m.byno);
	omsi_hash_release(&m.bypat);
	omsi_arena_release(&m.arena);
	if (m.fd != -1)
		close(m.fd);
	return (rc);
}

void
oms_import_res_release(struct oms_import_res *res)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		free(res->d[i].account);
		free(res->d[i].n_zap);
		free(res->d[i].reasons);
	}
	free(res->d);
	free(res->unknown);
	memset(res, 0, sizeof(*res));
}
