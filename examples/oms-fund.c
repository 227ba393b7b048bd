/*
 * oms-fund -- play the territorial fund (ТФОМС) and the insurers (СМО)
 *
 * For tests and the demo; every value it invents is synthetic.  It reads
 * registry archives as oms-export writes them (one H/C/T/D* ZL_LIST and its
 * PERS_LIST in a ZIP) and answers each as the fund and the insurers would:
 *
 *   V{main}               the ФЛК protocol (FLK_P), always
 *   {T}T{tf}M{mo}_{sfx}   the fund's control answer (МЭК): the ZL_LIST with
 *                         OPLATA, SUMP, SANK, SANK_IT and SUMMAP, SANK_MEK
 *   {T}S{smo}M{mo}_{sfx}  per insurer, the answer to the payment demand
 *   {T}T{tf}M{mo}_{sfx}D  the same for the people the fund pays for
 *
 * each a ZIP holding NAME.XML in windows-1251, plus DIR/truth.tsv: what was
 * decided, record by record and stage by stage, for tests to compare with
 * what oms-import reads.  See examples/README-fund.md.
 *
 * Deterministic: its own PRNG, seeded from -s and the registry's name, fixed
 * ZIP entry times, no clock.  Streaming: a registry is read twice with
 * xmlTextReader, one ZAP expanded at a time (first to learn the records and
 * decide, then to write every answer in the same pass); a small struct per
 * record is all that is kept.
 *
 * Build: cc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -O2 \
 *            $(pkg-config --cflags libxml-2.0 libarchive) \
 *            -o examples/oms-fund examples/oms-fund.c \
 *            $(pkg-config --libs libxml-2.0 libarchive)
 */
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>

#define PROG		"oms-fund"
#define MAX_RECORDS	100000000L	/* N_ZAP is N(8) */
#define MAX_ENTRIES	64		/* entries in one registry archive */
#define MAX_XML		(4LL << 30)	/* bytes inflated from one entry */
#define MAX_PAYERS	256
#define NAMELEN		40
#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOBLANKS | \
	XML_PARSE_COMPACT | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES)

enum { EX_OK = 0, EX_DATA = 1, EX_USAGE = 2, EX_IO = 3 };
enum { ST_FLK = 1, ST_CONTROL, ST_DEMAND };
enum { EL_ZGLV = 1, EL_SCHET, EL_ZAP };
enum { ROLE_NONE, ROLE_FLK, ROLE_REFUSE, ROLE_PARTIAL };
enum { OPT_DATE = 256, OPT_DEMAND, OPT_FLK, OPT_FLKFILE, OPT_PARTIAL,
	OPT_REFUSE };

#if LIBXML_VERSION >= 21200
typedef const xmlError *fund_xml_error;
#else
typedef xmlError *fund_xml_error;	/* Debian 12: 2.9.14 */
#endif

/* ---------------------------------------------------------- reference */

/*
 * ФЛК errors put on records: Q015 ids and texts as in ref/Q015.tsv; honly:
 * the element is not in D* files
 */
static const struct flkerr {
	const char	*oshib, *im_pol, *bas_el, *comment;
	int		 sl;		/* in SL: the protocol names SL_ID */
	int		 honly;
} flkerrs[] = {
	{ "001F.00.0080", "SMO", "PACIENT", "Код СМО (PACIENT/SMO) не найден "
	    "в справочнике F002", 0, 0 },
	{ "003F.00.0090", "NPOLIS", "PACIENT", "Номер полиса (NPOLIS) "
	    "обязателен для полиса, отличного от единого (VPOLIS ≠ 3)", 0, 0 },
	{ "003F.00.3070", "ID_PAC", "PACIENT", "Пациент (PACIENT/ID_PAC) не "
	    "найден в файле персональных данных (L)", 0, 0 },
	{ "003F.00.0210", "SUMV", "Z_SL", "Сумма случая (SUMV) должна быть "
	    "больше нуля", 0, 0 },
	{ "006F.00.0310", "NPR_DATE", "Z_SL", "Дата направления (NPR_DATE) "
	    "позже даты начала случая (DATE_Z_1)", 0, 1 },
	{ "003F.00.3130", "WEI", "SL", "Масса тела (WEI) обязательна для "
	    "этого случая", 1, 1 },
};

static const struct flkerr fileerr = {
	"001T.00.0000", "FILENAME", "ZGLV", "Файл не прошёл форматный "
	"контроль: имя файла, структура архива, XML или схема", 0, 0
};

/*
 * Refusal reasons: F014 Kod (S_OSN) and its name (S_COM), МЭК codes of
 * ref/F014.tsv valid from 2022 (1.3.4-1.6.2, 1.10.1).
 */
static const struct reason {
	int		 kod;
	const char	*text;
} reasons[] = {
	{ 202, "Некорректное заполнение полей реестра счетов" },
	{ 203, "Заявленная сумма по позиции реестра счетов содержит "
	    "арифметическую ошибку" },
	{ 204, "Дата оказания медицинской помощи не соответствует отчётному "
	    "периоду (периоду оплаты)" },
	{ 205, "Медицинская помощь оказана лицу, застрахованному другой СМО" },
	{ 208, "Неактуальные данные о застрахованном лице в реестре счетов" },
	{ 212, "Медицинская помощь сверх распределённого объёма" },
	{ 221, "Позиция реестра счетов оплачена ранее (повторное выставление "
	    "счёта)" },
};

/* ------------------------------------------------------------- random */

static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31));
}

struct rng {
	uint64_t s[4];			/* xoshiro256** */
};

static void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = seed = mix64(seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return ((x << k) | (x >> (64 - k)));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return (res);
}

/* uniform in [0, n) */
static size_t
rnd(struct rng *r, size_t n)
{
	return (n <= 1 ? 0 : (size_t)((rng_next(r) >> 11) % n));
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h);
}

static void
shuffle(struct rng *r, size_t *v, size_t n)
{
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = rnd(r, i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* ------------------------------------------------------------- state */

struct sank {
	int64_t	 sum;
	int	 why;			/* index into reasons[] */
	int	 stage;			/* ST_CONTROL or ST_DEMAND */
};

struct rec {
	char		 n_zap[12];
	char		 idcase[16];
	char		 sl_id[40];	/* of the first SL */
	int64_t		 sumv;
	size_t		 payer;		/* index into reg.payer */
	int		 flk;		/* 1 + index into flkerrs[], or 0 */
	int		 ctl;		/* control OPLATA, 0: not in it */
	int		 dem;		/* demand OPLATA, 0: not in it */
	int		 nsank;
	struct sank	 sank[2];
};

/* one answer being written: XML into an unlinked temp file, then a ZIP */
struct out {
	char		 name[NAMELEN];	/* NAME: NAME.zip holds NAME.XML */
	char		*tmp;		/* the ZIP under a temp name */
	FILE		*xfp;
	xmlTextWriterPtr w;
	int		 bad;		/* a write failed */
	size_t		 n;		/* records */
	int64_t		 summav, summap, sank;
};

struct payer {
	char		 code[6];
	struct out	 out;
};

struct reg {				/* one registry archive */
	const char	*path;
	char		 entry[NAMELEN + 8];	/* the main entry */
	char		 base[NAMELEN];		/* its name without .XML */
	char		 type[3], mo[7], tfoms[3], suffix[20];
	int		 isxh;			/* H, C or T */
	uint64_t	 key;
	struct rec	*rec;
	size_t		 nrec, cap;
	struct payer	*payer;
	size_t		 npayer;
	struct out	 flk, ctl;
};

struct fund {
	uint64_t	 seed;
	long		 nflk, nrefuse, npartial, ndemand;
	int		 flkfile;
	char		 date[11];
	time_t		 mtime;
	const char	*dir;
	FILE		*truth;
	char		*truthtmp;
};

/* ---------------------------------------------------------- messages */

static int	complain(int, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));

static int
complain(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return (code);
}

static void
usage(FILE *f)
{
	fputs("usage: oms-fund [-s seed] [--flk N] [--flk-file] [--refuse N]"
	    " [--partial N]\n"
	    "                [--demand-refuse N] [--date YYYY-MM-DD] -o DIR"
	    " ARCHIVE...\n", f);
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Answers registry archives (H/C/T/D* + L in a ZIP, as oms-export"
	    " writes them)\nas the fund and the insurers would, into DIR:\n"
	    "  V{name}.zip                ФЛК protocol (FLK_P), always\n"
	    "  {T}T{tf}M{mo}_{sfx}.zip    control answer of the fund (МЭК)\n"
	    "  {T}S{smo}M{mo}_{sfx}.zip   answer to the payment demand, per"
	    " insurer\n"
	    "  {T}T{tf}M{mo}_{sfx}D.zip   the same for the fund as payer\n"
	    "  truth.tsv                  what was decided, per record and"
	    " stage\n\n", stdout);
	fputs("  -s SEED              random seed (default 1); same inputs,"
	    " same bytes\n"
	    "  --flk N              N records get one ФЛК error each"
	    " (default 0)\n"
	    "  --flk-file           one ФЛК error on the whole file instead;"
	    " nothing else\n"
	    "  --refuse N           N records refused at control (OPLATA 2)\n"
	    "  --partial N          N records partly refused at control"
	    " (OPLATA 3)\n"
	    "  --demand-refuse N    N more refusals in the demand answers\n"
	    "  --date YYYY-MM-DD    DATA, DSCHET, DATE_ACT, ZIP times"
	    " (default 2026-11-10)\n"
	    "  -o DIR               where to write (created if missing)\n"
	    "  -h, --help           this text\n", stdout);
}

static int
bad_usage(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));

static int
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(stderr);
	return (EX_USAGE);
}

/* ------------------------------------------------------------- values */

static int
parse_long(const char *s, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return (errno == 0 && end != s && *end == '\0' && *v >= lo &&
	    *v <= hi);
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

/* Days since 1970-01-01 (H. Hinnant's algorithm). */
static long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* "YYYY-MM-DD" -> days since the epoch; -1 if it is not a date */
static long
parse_date(const char *s)
{
	int y, m, d, dim;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !all_digits(s, 4) || !all_digits(s + 5, 2) ||
	    !all_digits(s + 8, 2))
		return (-1);
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return (-1);
	dim = (int)((m == 12 ? days_from_civil(y + 1, 1, 1) :
	    days_from_civil(y, m + 1, 1)) - days_from_civil(y, m, 1));
	return (d > dim ? -1 : days_from_civil(y, m, d));
}

/* "123.45" -> 12345 kopecks; -1 if malformed */
static int
money_parse(const char *s, int64_t *v)
{
	int64_t x = 0;
	int n = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		if (++n > 13)
			return (-1);
		x = x * 10 + (*s - '0');
	}
	if (n == 0)
		return (-1);
	x *= 100;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return (-1);
		x += (*s++ - '0') * 10;
		if (*s >= '0' && *s <= '9')
			x += *s++ - '0';
	}
	if (*s != '\0')
		return (-1);
	*v = x;
	return (0);
}

static const char *
money_fmt(int64_t v, char buf[32])
{
	snprintf(buf, 32, "%" PRId64 ".%02d", v / 100, (int)(v % 100));
	return (buf);
}

/* A deterministic GUID-like S_CODE for sanction k of record i. */
static void
s_code(const struct reg *g, size_t i, int k, char buf[40])
{
	uint64_t h1 = mix64(g->key ^ mix64((uint64_t)i * 4 + (uint64_t)k)),
	    h2 = mix64(h1);

	snprintf(buf, 40, "%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64 "-%04"
	    PRIx64 "-%012" PRIx64, h1 >> 32, (h1 >> 16) & 0xffff,
	    h1 & 0xfff, ((h2 >> 48) & 0x3fff) | 0x8000,
	    h2 & (uint64_t)0xffffffffffff);
}

static const char *
decision(int oplata)
{
	return (oplata == 1 ? "accepted" : oplata == 3 ? "partial" :
	    "rejected");
}

/* -------------------------------------------------------------- names */

/*
 * "HM760001T76_26101" -> type H, mo 760001, tfoms 76, suffix _26101.
 * The receiver is the fund (T + 2 digits) or an insurer (S + 5 digits,
 * whose first two digits are the region).  0 if it is no registry name.
 */
static int
parse_name(struct reg *g, const char *s)
{
	size_t t, n;

	if (s[0] == 'H' || s[0] == 'C' || s[0] == 'T')
		t = 1;
	else if (s[0] == 'D' && s[1] >= 'A' && s[1] <= 'Z')
		t = 2;
	else
		return (0);
	if (s[t] != 'M' || !all_digits(s + t + 1, 6))
		return (0);
	n = t + 7;
	if (s[n] == 'T' && all_digits(s + n + 1, 2) && s[n + 3] == '_')
		n += 3;
	else if (s[n] == 'S' && all_digits(s + n + 1, 5) && s[n + 6] == '_')
		n += 6;
	else
		return (0);
	if (strlen(s + n) < 6 || strlen(s + n) >= sizeof(g->suffix) ||
	    !all_digits(s + n + 1, strlen(s + n + 1)) || strlen(s) > 26)
		return (0);
	memcpy(g->type, s, t);
	g->type[t] = '\0';
	memcpy(g->mo, s + t + 1, 6);
	g->mo[6] = '\0';
	memcpy(g->tfoms, s + t + 8, 2);
	g->tfoms[2] = '\0';
	snprintf(g->suffix, sizeof(g->suffix), "%s", s + n);
	g->isxh = t == 1;
	return (1);
}

/* ----------------------------------------------------------- reading */

struct xin {
	struct archive	*ar;
	long long	 total;
	int		 toobig;
	char		 where[PATH_MAX + NAMELEN + 8];	/* "path:ENTRY" */
	char		 err[512];		/* the first XML error */
};

static int
xin_read(void *ctx, char *buf, int len)
{
	struct xin *x = ctx;
	la_ssize_t n;

	if ((n = archive_read_data(x->ar, buf, (size_t)len)) < 0) {
		if (x->err[0] == '\0')
			snprintf(x->err, sizeof(x->err), "%s",
			    archive_error_string(x->ar));
		return (-1);
	}
	if ((x->total += n) > MAX_XML) {
		x->toobig = 1;
		return (-1);
	}
	return ((int)n);
}

static int
xin_close(void *ctx)
{
	(void)ctx;
	return (0);
}

static void
on_xml_error(void *arg, fund_xml_error e)
{
	struct xin *x = arg;
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR || x->err[0] != '\0')
		return;
	snprintf(x->err, sizeof(x->err), "line %d: %s", e->line,
	    e->message ? e->message : "XML error");
	n = strlen(x->err);
	while (n > 0 && (x->err[n - 1] == '\n' || x->err[n - 1] == ' '))
		x->err[--n] = '\0';
}

/* Check an entry name; 1 main file (g is filled), 2 L file, 0 other. */
static int
entry_kind(struct reg *g, const char *name)
{
	char base[NAMELEN];
	size_t i, n = strlen(name);

	if (n < 5 || n >= sizeof(base) + 4 || strcasecmp(name + n - 4,
	    ".xml") != 0 || strchr(name, '/') != NULL ||
	    strchr(name, '\\') != NULL)
		return (0);
	for (i = 0; i < n - 4; i++)	/* names are compared in upper case */
		base[i] = name[i] >= 'a' && name[i] <= 'z' ?
		    (char)(name[i] - 'a' + 'A') : name[i];
	base[n - 4] = '\0';
	if (parse_name(g, base)) {
		snprintf(g->base, sizeof(g->base), "%s", base);
		return (1);
	}
	return (base[0] == 'L' ? 2 : 0);
}

/* Find the one main file of the archive. */
static int
list_entries(struct reg *g)
{
	struct archive *ar;
	struct archive_entry *ae;
	const char *name;
	int r, n = 0, rv = EX_OK, fd;

	if ((fd = open(g->path, O_RDONLY | O_CLOEXEC)) == -1)
		return (complain(EX_IO, "%s: %s", g->path, strerror(errno)));
	close(fd);
	if ((ar = archive_read_new()) == NULL)
		return (complain(EX_IO, "%s: out of memory", g->path));
	archive_read_support_format_zip(ar);
	if (archive_read_open_filename(ar, g->path, 65536) != ARCHIVE_OK) {
		rv = complain(EX_DATA, "%s: not a ZIP archive: %s", g->path,
		    archive_error_string(ar));
		goto out;
	}
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		name = archive_entry_pathname(ae);
		if (++n > MAX_ENTRIES) {
			rv = complain(EX_DATA, "%s: more than %d entries",
			    g->path, MAX_ENTRIES);
			goto out;
		}
		if (name == NULL || archive_entry_filetype(ae) != AE_IFREG)
			continue;
		switch (entry_kind(g, name)) {
		case 1:
			if (g->entry[0] != '\0') {
				rv = complain(EX_DATA, "%s: two main files, "
				    "%s and %s", g->path, g->entry, name);
				goto out;
			}
			snprintf(g->entry, sizeof(g->entry), "%s", name);
			break;
		case 2:
			break;
		default:
			rv = complain(EX_DATA, "%s: \"%s\" is neither a "
			    "registry file (H, C, T, D*) nor its L file",
			    g->path, name);
			goto out;
		}
		if (archive_entry_size_is_set(ae) &&
		    archive_entry_size(ae) > MAX_XML) {
			rv = complain(EX_DATA, "%s: %s is too large", g->path,
			    name);
			goto out;
		}
		if (archive_read_data_skip(ar) != ARCHIVE_OK) {
			rv = complain(EX_DATA, "%s: %s", g->path,
			    archive_error_string(ar));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF)
		rv = complain(EX_DATA, "%s: %s", g->path,
		    archive_error_string(ar));
	else if (g->entry[0] == '\0')
		rv = complain(EX_DATA, "%s: no registry file (H, C, T or D*) "
		    "in the archive", g->path);
	else if (!parse_name(g, g->base))	/* the one we keep */
		rv = complain(EX_DATA, "%s: bad name %s", g->path, g->base);
out:
	archive_read_free(ar);
	return (rv);
}

/* The first element child of n called name. */
static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return (c);
	return (NULL);
}

/* The trimmed text at path ("Z_SL/SUMV"): 1 found, 0 absent, -1 too long */
static int
get(xmlNodePtr n, const char *path, char *buf, size_t len)
{
	char step[32];
	const char *p = path, *slash;
	xmlChar *s;
	const char *a, *b;

	while (n != NULL && *p != '\0') {
		slash = strchr(p, '/');
		snprintf(step, sizeof(step), "%.*s", (int)(slash != NULL ?
		    (size_t)(slash - p) : strlen(p)), p);
		n = child(n, step);
		p = slash != NULL ? slash + 1 : "";
	}
	if (n == NULL || (s = xmlNodeGetContent(n)) == NULL)
		return (0);
	for (a = (const char *)s; *a == ' ' || *a == '\t' || *a == '\n' ||
	    *a == '\r'; a++)
		;
	for (b = a + strlen(a); b > a && (b[-1] == ' ' || b[-1] == '\t' ||
	    b[-1] == '\n' || b[-1] == '\r'); b--)
		;
	if ((size_t)(b - a) >= len) {
		xmlFree(s);
		return (-1);
	}
	memcpy(buf, a, (size_t)(b - a));
	buf[b - a] = '\0';
	xmlFree(s);
	return (1);
}

static int
payer_of(struct reg *g, const char *smo, size_t *ip)
{
	char code[6];
	struct payer *p;
	size_t i;

	if (strlen(smo) == 5 && all_digits(smo, 5) &&
	    strncmp(smo, g->tfoms, 2) == 0 && strcmp(smo + 2, "000") != 0) {
		memcpy(code, smo, 5);
		code[5] = '\0';
	} else
		snprintf(code, sizeof(code), "%s000", g->tfoms);
	for (i = 0; i < g->npayer; i++)
		if (strcmp(g->payer[i].code, code) == 0) {
			*ip = i;
			return (0);
		}
	if (g->npayer == MAX_PAYERS)
		return (-1);
	if ((p = reallocarray(g->payer, g->npayer + 1, sizeof(*p))) == NULL)
		return (-1);
	g->payer = p;
	memset(&p[g->npayer], 0, sizeof(*p));
	snprintf(p[g->npayer].code, sizeof(p->code), "%s", code);
	*ip = g->npayer++;
	return (0);
}

/* Pass 1: learn one depth-1 element. */
static int
scan_elem(struct reg *g, const struct xin *x, xmlNodePtr n, int which)
{
	char buf[64], smo[16];
	struct rec *r;
	long line = xmlGetLineNo(n);

	if (which == EL_ZGLV) {
		if (get(n, "FILENAME", buf, sizeof(buf)) != 1 ||
		    strcasecmp(buf, g->base) != 0)
			return (complain(EX_DATA, "%s:%ld: ZGLV/FILENAME is "
			    "not %s", x->where, line, g->base));
		return (EX_OK);
	}
	if (which != EL_ZAP)
		return (EX_OK);
	if (g->nrec == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 256;

		if (g->nrec >= (size_t)MAX_RECORDS)
			return (complain(EX_DATA, "%s: more than %ld records",
			    x->where, MAX_RECORDS));
		if ((r = reallocarray(g->rec, cap, sizeof(*r))) == NULL)
			return (complain(EX_IO, "out of memory"));
		g->rec = r;
		g->cap = cap;
	}
	r = &g->rec[g->nrec];
	memset(r, 0, sizeof(*r));
	if (get(n, "N_ZAP", r->n_zap, 9) != 1 || r->n_zap[0] == '\0' ||
	    !all_digits(r->n_zap, strlen(r->n_zap)))
		return (complain(EX_DATA, "%s:%ld: ZAP without a good N_ZAP "
		    "(1-8 digits)", x->where, line));
	if (get(n, "Z_SL/IDCASE", r->idcase, 12) != 1 ||
	    r->idcase[0] == '\0' ||
	    !all_digits(r->idcase, strlen(r->idcase)))
		return (complain(EX_DATA, "%s:%ld: N_ZAP %s: no good "
		    "Z_SL/IDCASE", x->where, line, r->n_zap));
	if (get(n, "Z_SL/SL/SL_ID", r->sl_id, 37) != 1 || r->sl_id[0] == '\0')
		return (complain(EX_DATA, "%s:%ld: N_ZAP %s: no good "
		    "Z_SL/SL/SL_ID", x->where, line, r->n_zap));
	if (get(n, "Z_SL/SUMV", buf, sizeof(buf)) != 1 ||
	    money_parse(buf, &r->sumv) == -1)
		return (complain(EX_DATA, "%s:%ld: N_ZAP %s: no good "
		    "Z_SL/SUMV", x->where, line, r->n_zap));
	if (get(n, "PACIENT/SMO", smo, sizeof(smo)) != 1)
		smo[0] = '\0';
	if (payer_of(g, smo, &r->payer) == -1)
		return (complain(EX_DATA, "%s: more than %d payers",
		    x->where, MAX_PAYERS));
	g->nrec++;
	return (EX_OK);
}

static int	write_elem(const struct fund *, struct reg *, xmlNodePtr, int,
		    size_t);

/*
 * Read the main file of the archive, calling scan_elem (pass 1) or
 * write_elem (pass 2) for ZGLV, SCHET and each ZAP.
 */
static int
walk(const struct fund *f, struct reg *g, int pass)
{
	struct archive_entry *ae;
	struct xin x;
	xmlTextReaderPtr r = NULL;
	xmlNodePtr n;
	const char *name;
	int rc, which, seen = 0, rv = EX_OK;
	size_t izap = 0;

	memset(&x, 0, sizeof(x));
	snprintf(x.where, sizeof(x.where), "%s:%s", g->path, g->entry);
	if ((x.ar = archive_read_new()) == NULL)
		return (complain(EX_IO, "out of memory"));
	archive_read_support_format_zip(x.ar);
	if (archive_read_open_filename(x.ar, g->path, 65536) != ARCHIVE_OK) {
		rv = complain(EX_DATA, "%s: %s", g->path,
		    archive_error_string(x.ar));
		goto out;
	}
	while ((rc = archive_read_next_header(x.ar, &ae)) == ARCHIVE_OK)
		if (archive_entry_pathname(ae) != NULL &&
		    strcmp(archive_entry_pathname(ae), g->entry) == 0)
			break;
	if (rc != ARCHIVE_OK) {
		rv = complain(EX_DATA, "%s: %s went missing", g->path,
		    g->entry);
		goto out;
	}
	if ((r = xmlReaderForIO(xin_read, xin_close, &x, x.where, NULL,
	    XML_OPTIONS)) == NULL) {
		rv = complain(EX_IO, "%s: cannot make an XML reader", x.where);
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, &x);
	rc = xmlTextReaderRead(r);
	while (rc == 1) {
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_DOCUMENT_TYPE) {
			rv = complain(EX_DATA, "%s: a DOCTYPE is not accepted",
			    x.where);
			goto out;
		}
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) {
			rc = xmlTextReaderRead(r);
			continue;
		}
		name = (const char *)xmlTextReaderConstLocalName(r);
		if (xmlTextReaderDepth(r) == 0) {
			if (strcmp(name, "ZL_LIST") != 0) {
				rv = complain(EX_DATA, "%s: the root is <%s>, "
				    "not <ZL_LIST>", x.where, name);
				goto out;
			}
			rc = xmlTextReaderRead(r);
			continue;
		}
		which = strcmp(name, "ZGLV") == 0 ? EL_ZGLV :
		    strcmp(name, "SCHET") == 0 ? EL_SCHET :
		    strcmp(name, "ZAP") == 0 ? EL_ZAP : 0;
		if (which == 0 || which != seen + 1 - (seen == EL_ZAP)) {
			rv = complain(EX_DATA, "%s:%d: <%s> is out of place "
			    "(ZGLV, SCHET, then ZAP)", x.where,
			    xmlTextReaderGetParserLineNumber(r), name);
			goto out;
		}
		seen = which;
		if ((n = xmlTextReaderExpand(r)) == NULL)
			break;
		if (pass == 1)
			rv = scan_elem(g, &x, n, which);
		else if (which == EL_ZAP && izap >= g->nrec)
			rv = complain(EX_DATA, "%s: changed while read",
			    x.where);
		else
			rv = write_elem(f, g, n, which, izap);
		if (rv != EX_OK)
			goto out;
		if (which == EL_ZAP)
			izap++;
		rc = xmlTextReaderNext(r);
	}
	if (x.toobig)
		rv = complain(EX_DATA, "%s: inflates to more than %lld bytes",
		    x.where, MAX_XML);
	else if (rc != 0 || x.err[0] != '\0')
		rv = complain(EX_DATA, "%s: %s", x.where, x.err[0] != '\0' ?
		    x.err : "not well-formed XML");
	else if (seen != EL_ZAP)
		rv = complain(EX_DATA, "%s: no ZAP", x.where);
	else if (izap != g->nrec && pass == 2)
		rv = complain(EX_DATA, "%s: changed while read", x.where);
out:
	xmlFreeTextReader(r);
	archive_read_free(x.ar);
	return (rv);
}

/* ---------------------------------------------------------- deciding */

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return ((x > y) - (x < y));
}

static int
check_unique(const struct reg *g)
{
	long *v;
	size_t i;
	int rv = EX_OK;

	if ((v = reallocarray(NULL, g->nrec, sizeof(*v))) == NULL)
		return (complain(EX_IO, "out of memory"));
	for (i = 0; i < g->nrec; i++)
		v[i] = atol(g->rec[i].n_zap);
	qsort(v, g->nrec, sizeof(*v), cmp_long);
	for (i = 1; i < g->nrec && rv == EX_OK; i++)
		if (v[i] == v[i - 1])
			rv = complain(EX_DATA, "%s:%s: N_ZAP %ld twice",
			    g->path, g->entry, v[i]);
	free(v);
	return (rv);
}

static int64_t
refused(const struct rec *r, int stage)
{
	int64_t s = 0;
	int k;

	for (k = 0; k < r->nsank; k++)
		if (r->sank[k].stage <= stage)
			s += r->sank[k].sum;
	return (s);
}

/* A part of sum: 10 to 50 %, rounded to kopecks, at least 1 kopeck. */
static int64_t
part_of(struct rng *rng, int64_t sum)
{
	int64_t pct = 10 + (int64_t)rnd(rng, 41), s;

	s = (sum * pct + 50) / 100;
	return (s < 1 ? 1 : s);
}

static long
clamp(const struct reg *g, const char *what, long want, size_t have)
{
	if (want > 0 && (size_t)want > have) {
		complain(EX_OK, "%s: %s %ld: only %zu records left for it",
		    g->base, what, want, have);
		return ((long)have);
	}
	return (want);
}

static int
decide(const struct fund *f, struct reg *g)
{
	struct rng rng;
	unsigned char *role = NULL;
	size_t *idx = NULL, i, j, n = g->nrec, nerr = 0, errs[NELEMS(flkerrs)];
	long nf, nr, np, nd;
	struct rec *r;
	struct out *o;
	int64_t s;

	g->key = mix64(f->seed ^ mix64(fnv1a(g->base)));
	rng_seed(&rng, g->key);
	if ((idx = reallocarray(NULL, n, sizeof(*idx))) == NULL ||
	    (role = calloc(n, 1)) == NULL) {
		free(idx);
		return (complain(EX_IO, "out of memory"));
	}
	for (i = 0; i < NELEMS(flkerrs); i++)
		if (g->isxh || !flkerrs[i].honly)
			errs[nerr++] = i;
	for (i = 0; i < n; i++)
		idx[i] = i;
	shuffle(&rng, idx, n);
	if (f->flkfile)
		nf = nr = np = 0;
	else {
		nf = clamp(g, "--flk", f->nflk, n);
		nr = clamp(g, "--refuse", f->nrefuse, n - (size_t)nf);
		np = clamp(g, "--partial", f->npartial, n - (size_t)(nf + nr));
	}
	for (i = 0; i < n; i++)
		role[idx[i]] = (long)i < nf ? ROLE_FLK : (long)i < nf + nr ?
		    ROLE_REFUSE : (long)i < nf + nr + np ? ROLE_PARTIAL :
		    ROLE_NONE;
	for (i = 0; i < n; i++) {
		r = &g->rec[i];
		r->ctl = 1;
		switch (role[i]) {
		case ROLE_FLK:
			r->flk = 1 + (int)errs[rnd(&rng, nerr)];
			r->ctl = 0;
			break;
		case ROLE_REFUSE:
		case ROLE_PARTIAL:
			s = role[i] == ROLE_REFUSE ? r->sumv :
			    part_of(&rng, r->sumv);
			r->ctl = s >= r->sumv ? 2 : 3;
			r->sank[0].sum = s >= r->sumv ? r->sumv : s;
			r->sank[0].why = (int)rnd(&rng, NELEMS(reasons));
			r->sank[0].stage = ST_CONTROL;
			r->nsank = 1;
			break;
		}
		if (f->flkfile)
			r->ctl = 0;
	}

	/* the demand: what passed control with OPLATA 1 or 3 */
	for (i = j = 0; i < n; i++)
		if (g->rec[i].ctl == 1 || g->rec[i].ctl == 3)
			idx[j++] = i;
	shuffle(&rng, idx, j);
	nd = f->flkfile ? 0 : clamp(g, "--demand-refuse", f->ndemand, j);
	memset(role, 0, n);
	for (i = 0; i < (size_t)nd; i++)
		role[idx[i]] = ROLE_REFUSE;
	for (i = 0; i < n; i++) {
		r = &g->rec[i];
		r->dem = r->ctl == 1 || r->ctl == 3 ? r->ctl : 0;
		if (role[i] == ROLE_REFUSE) {
			int64_t rest = r->sumv - refused(r, ST_CONTROL);

			s = rnd(&rng, 2) ? rest : part_of(&rng, rest);
			if (s > rest)
				s = rest;
			r->dem = s >= rest ? 2 : 3;
			r->sank[r->nsank].sum = s;
			r->sank[r->nsank].why = (int)rnd(&rng, NELEMS(reasons));
			r->sank[r->nsank].stage = ST_DEMAND;
			r->nsank++;
		}
	}

	/* what each answer holds */
	for (i = 0; i < n; i++) {
		r = &g->rec[i];
		if (r->ctl != 0) {
			o = &g->ctl;
			o->n++;
			o->summav += r->sumv;
			o->sank += refused(r, ST_CONTROL);
			o->summap += r->sumv - refused(r, ST_CONTROL);
		}
		if (r->dem != 0) {
			o = &g->payer[r->payer].out;
			o->n++;
			o->summav += r->sumv;
			o->sank += refused(r, ST_DEMAND);
			o->summap += r->sumv - refused(r, ST_DEMAND);
		}
	}
	free(idx);
	free(role);
	return (EX_OK);
}

/* ----------------------------------------------------------- writing */

static void
ck(struct out *o, int rc)
{
	if (rc < 0)
		o->bad = 1;
}

static void
el(struct out *o, const char *name, const char *val)
{
	ck(o, xmlTextWriterWriteElement(o->w, BAD_CAST name, BAD_CAST val));
}

static void
el_money(struct out *o, const char *name, int64_t v)
{
	char buf[32];

	el(o, name, money_fmt(v, buf));
}

/* dir/abc, malloc'd; NULL when out of memory */
static char *
dirfile(const char *dir, const char *a, const char *b, const char *c)
{
	size_t n = strlen(dir) + strlen(a) + strlen(b) + strlen(c) + 2;
	char *s;

	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "%s/%s%s%s", dir, a, b, c);
	return (s);
}

static int
out_open(const struct fund *f, struct out *o, const char *name)
{
	char *t;
	int fd;
	xmlOutputBufferPtr ob;

	snprintf(o->name, sizeof(o->name), "%s", name);
	if (strlen(name) > (name[0] == 'V' ? 27u : 26u))	/* T(26) */
		return (complain(EX_DATA, "%s: the answer's name is too long "
		    "for FILENAME", name));
	if ((t = dirfile(f->dir, ".", name, ".XML.XXXXXX")) == NULL)
		return (complain(EX_IO, "out of memory"));
	if ((fd = mkstemp(t)) == -1) {
		complain(EX_IO, "%s: %s", t, strerror(errno));
		free(t);
		return (EX_IO);
	}
	unlink(t);
	free(t);
	if ((o->xfp = fdopen(fd, "w+")) == NULL) {
		close(fd);
		return (complain(EX_IO, "fdopen: %s", strerror(errno)));
	}
	if ((ob = xmlOutputBufferCreateFile(o->xfp, NULL)) == NULL ||
	    (o->w = xmlNewTextWriter(ob)) == NULL) {
		if (ob != NULL)
			xmlOutputBufferClose(ob);
		return (complain(EX_IO, "%s: cannot make an XML writer",
		    name));
	}
	ck(o, xmlTextWriterSetIndent(o->w, 1));
	ck(o, xmlTextWriterSetIndentString(o->w, BAD_CAST " "));
	ck(o, xmlTextWriterStartDocument(o->w, "1.0", "windows-1251", NULL));
	return (o->bad ? complain(EX_IO, "%s: cannot start the XML (is "
	    "windows-1251 supported?)", name) : EX_OK);
}

/* Finish the XML and pack it into a ZIP under a temp name. */
static int
out_close(const struct fund *f, struct out *o)
{
	struct archive *a = NULL;
	struct archive_entry *ae = NULL;
	struct stat sb;
	char buf[65536], entry[NAMELEN + 8];
	ssize_t n;
	int fd = -1, xfd, rv = EX_IO;

	ck(o, xmlTextWriterEndDocument(o->w));
	ck(o, xmlTextWriterFlush(o->w));
	xmlFreeTextWriter(o->w);
	o->w = NULL;
	if (o->bad || fflush(o->xfp) == EOF || ferror(o->xfp))
		return (complain(EX_IO, "%s: cannot write the XML: %s",
		    o->name, strerror(errno)));
	xfd = fileno(o->xfp);
	if (fstat(xfd, &sb) == -1 || lseek(xfd, 0, SEEK_SET) == -1)
		return (complain(EX_IO, "%s: %s", o->name, strerror(errno)));
	if ((o->tmp = dirfile(f->dir, ".", o->name, ".zip.XXXXXX")) == NULL)
		return (complain(EX_IO, "out of memory"));
	if ((fd = mkstemp(o->tmp)) == -1) {
		complain(EX_IO, "%s: %s", o->tmp, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return (EX_IO);
	}
	snprintf(entry, sizeof(entry), "%s.XML", o->name);
	if ((a = archive_write_new()) == NULL ||
	    (ae = archive_entry_new()) == NULL) {
		complain(EX_IO, "out of memory");
		goto out;
	}
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate") !=
	    ARCHIVE_OK || archive_write_set_bytes_in_last_block(a, 1) !=
	    ARCHIVE_OK || archive_write_open_fd(a, fd) != ARCHIVE_OK)
		goto fail;
	archive_entry_set_pathname(ae, entry);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_mtime(ae, f->mtime, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_size(ae, (la_int64_t)sb.st_size);
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		goto fail;
	while ((n = read(xfd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) != n)
			goto fail;
	if (n == -1) {
		complain(EX_IO, "%s: %s", o->name, strerror(errno));
		goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		goto fail;
	if (fsync(fd) == -1) {
		complain(EX_IO, "%s: %s", o->tmp, strerror(errno));
		goto out;
	}
	rv = EX_OK;
	goto out;
fail:
	complain(EX_IO, "%s: %s", o->tmp, archive_error_string(a));
out:
	archive_entry_free(ae);
	archive_write_free(a);
	if (fd != -1 && close(fd) == -1 && rv == EX_OK)
		rv = complain(EX_IO, "%s: %s", o->tmp, strerror(errno));
	fclose(o->xfp);
	o->xfp = NULL;
	return (rv);
}

/* Put the ZIP in place. */
static int
out_commit(const struct fund *f, struct out *o)
{
	char *dst;
	int rv = EX_OK;

	if (o->tmp == NULL)
		return (EX_OK);
	if ((dst = dirfile(f->dir, "", o->name, ".zip")) == NULL)
		return (complain(EX_IO, "out of memory"));
	if (rename(o->tmp, dst) == -1)
		rv = complain(EX_IO, "%s: %s", dst, strerror(errno));
	free(dst);
	free(o->tmp);
	o->tmp = NULL;
	return (rv);
}

static void
out_abort(struct out *o)
{
	if (o->w != NULL)
		xmlFreeTextWriter(o->w);
	o->w = NULL;
	if (o->xfp != NULL)
		fclose(o->xfp);
	o->xfp = NULL;
	if (o->tmp != NULL) {
		unlink(o->tmp);
		free(o->tmp);
	}
	o->tmp = NULL;
}

/* Copy an element subtree as it came. */
static void
copy_node(struct out *o, xmlNodePtr n)
{
	xmlNodePtr c;
	xmlAttrPtr a;
	xmlChar *s;
	int elems = 0;

	ck(o, xmlTextWriterStartElement(o->w, n->name));
	for (a = n->properties; a != NULL; a = a->next) {
		s = xmlNodeListGetString(n->doc, a->children, 1);
		ck(o, xmlTextWriterWriteAttribute(o->w, a->name,
		    s != NULL ? s : BAD_CAST ""));
		xmlFree(s);
	}
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			elems = 1;
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			copy_node(o, c);
		else if (!elems && (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
			ck(o, xmlTextWriterWriteString(o->w, c->content));
	ck(o, xmlTextWriterEndElement(o->w));
}

static int
named(xmlNodePtr n, const char *name)
{
	return (strcmp((const char *)n->name, name) == 0);
}

static void
write_zglv(const struct fund *f, struct out *o, xmlNodePtr n)
{
	xmlNodePtr c;
	char buf[32];

	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "ZGLV"));
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (named(c, "DATA"))
			el(o, "DATA", f->date);
		else if (named(c, "FILENAME"))
			el(o, "FILENAME", o->name);
		else if (named(c, "SD_Z")) {
			snprintf(buf, sizeof(buf), "%zu", o->n);
			el(o, "SD_Z", buf);
		} else
			copy_node(o, c);
	}
	ck(o, xmlTextWriterEndElement(o->w));
}

/*
 * SCHET with the answer's sums: SUMMAV over the records it holds, SUMMAP
 * and SANK_MEK after SUMMAV (and COMENTS), DSCHET the answer's date; plat,
 * when set, goes into PLAT.
 */
static void
write_schet(const struct fund *f, struct out *o, xmlNodePtr n,
    const char *plat)
{
	static const char *const head[] = { "CODE", "CODE_MO", "YEAR",
	    "MONTH", "NSCHET", "DSCHET", "PLAT", "SUMMAV", "COMENTS" };
	xmlNodePtr c;
	size_t i;
	int plat_done = plat == NULL, sums_done = 0;

	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "SCHET"));
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || named(c, "SUMMAP") ||
		    named(c, "SANK_MEK") || named(c, "SANK_MEE") ||
		    named(c, "SANK_EKMP") || (plat != NULL && named(c,
		    "PLAT")))
			continue;
		for (i = 0; i < NELEMS(head); i++)
			if (named(c, head[i]))
				break;
		if (!plat_done && i > 6) {
			el(o, "PLAT", plat);
			plat_done = 1;
		}
		if (!sums_done && i == NELEMS(head)) {
			el_money(o, "SUMMAP", o->summap);
			el_money(o, "SANK_MEK", o->sank);
			sums_done = 1;
		}
		if (named(c, "DSCHET"))
			el(o, "DSCHET", f->date);
		else if (named(c, "SUMMAV"))
			el_money(o, "SUMMAV", o->summav);
		else
			copy_node(o, c);
	}
	if (!plat_done)
		el(o, "PLAT", plat);
	if (!sums_done) {
		el_money(o, "SUMMAP", o->summap);
		el_money(o, "SANK_MEK", o->sank);
	}
	ck(o, xmlTextWriterEndElement(o->w));
}

/* OPLATA, SUMP, SANK..., SANK_IT of record i at a stage */
static void
write_decision(const struct fund *f, const struct reg *g, struct out *o,
    size_t i, int stage, const char *act)
{
	const struct rec *r = &g->rec[i];
	const struct sank *s;
	char buf[40];
	int k, any = 0;

	snprintf(buf, sizeof(buf), "%d", stage == ST_CONTROL ? r->ctl :
	    r->dem);
	el(o, "OPLATA", buf);
	el_money(o, "SUMP", r->sumv - refused(r, stage));
	for (k = 0; k < r->nsank; k++) {
		s = &r->sank[k];
		if (s->stage > stage)
			continue;
		any = 1;
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "SANK"));
		s_code(g, i, k, buf);
		el(o, "S_CODE", buf);
		el_money(o, "S_SUM", s->sum);
		el(o, "S_TIP", "1");
		el(o, "SL_ID", r->sl_id);
		snprintf(buf, sizeof(buf), "%d", reasons[s->why].kod);
		el(o, "S_OSN", buf);
		el(o, "DATE_ACT", f->date);
		el(o, "NUM_ACT", s->stage == ST_CONTROL ? g->ctl.name : act);
		el(o, "S_COM", reasons[s->why].text);
		el(o, "S_IST", "1");
		ck(o, xmlTextWriterEndElement(o->w));
	}
	if (any)
		el_money(o, "SANK_IT", refused(r, stage));
}

/* The ZAP whole, with the decision after Z_SL/SUMV. */
static void
write_zap(const struct fund *f, const struct reg *g, struct out *o,
    xmlNodePtr zap, size_t i, int stage)
{
	xmlNodePtr c, z;

	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "ZAP"));
	for (c = zap->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!named(c, "Z_SL")) {
			copy_node(o, c);
			continue;
		}
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "Z_SL"));
		for (z = c->children; z != NULL; z = z->next) {
			if (z->type != XML_ELEMENT_NODE || named(z, "OPLATA") ||
			    named(z, "SUMP") || named(z, "SANK") ||
			    named(z, "SANK_IT"))
				continue;
			copy_node(o, z);
			if (named(z, "SUMV"))
				write_decision(f, g, o, i, stage, o->name);
		}
		ck(o, xmlTextWriterEndElement(o->w));
	}
	ck(o, xmlTextWriterEndElement(o->w));
}

/* Pass 2: write one depth-1 element into the answers. */
static int
write_elem(const struct fund *f, struct reg *g, xmlNodePtr n, int which,
    size_t izap)
{
	struct rec *r;
	struct payer *p;
	char buf[16];
	size_t i;

	if (which == EL_ZAP) {
		r = &g->rec[izap];
		if (get(n, "N_ZAP", buf, sizeof(buf)) != 1 ||
		    strcmp(buf, r->n_zap) != 0)
			return (complain(EX_DATA, "%s:%s: changed while read",
			    g->path, g->entry));
		if (r->ctl != 0)
			write_zap(f, g, &g->ctl, n, izap, ST_CONTROL);
		if (r->dem != 0)
			write_zap(f, g, &g->payer[r->payer].out, n, izap,
			    ST_DEMAND);
		return (EX_OK);
	}
	for (i = 0; i <= g->npayer; i++) {
		p = i < g->npayer ? &g->payer[i] : NULL;
		if (p != NULL && p->out.n == 0)
			continue;
		if (which == EL_ZGLV) {
			if (p == NULL)
				ck(&g->ctl, xmlTextWriterStartElement(g->ctl.w,
				    BAD_CAST "ZL_LIST"));
			else
				ck(&p->out, xmlTextWriterStartElement(p->out.w,
				    BAD_CAST "ZL_LIST"));
			write_zglv(f, p != NULL ? &p->out : &g->ctl, n);
		} else
			write_schet(f, p != NULL ? &p->out : &g->ctl, n,
			    p != NULL ? p->code : NULL);
	}
	return (EX_OK);
}

static int
write_flk(const struct fund *f, struct reg *g)
{
	struct out *o = &g->flk;
	const struct flkerr *e;
	const struct rec *r;
	char name[NAMELEN + 1];
	size_t i, nerr = 0;
	int rv;

	snprintf(name, sizeof(name), "V%s", g->base);
	if ((rv = out_open(f, o, name)) != EX_OK)
		return (rv);
	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "FLK_P"));
	el(o, "FNAME", o->name);
	el(o, "FNAME_I", g->base);
	for (i = 0; i < (f->flkfile ? 1 : g->nrec); i++) {
		r = f->flkfile ? NULL : &g->rec[i];
		if (r != NULL && r->flk == 0)
			continue;
		e = r != NULL ? &flkerrs[r->flk - 1] : &fileerr;
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "PR"));
		el(o, "OSHIB", e->oshib);
		el(o, "IM_POL", e->im_pol);
		el(o, "BAS_EL", e->bas_el);
		if (r != NULL) {
			el(o, "N_ZAP", r->n_zap);
			el(o, "IDCASE", r->idcase);
			if (e->sl)
				el(o, "SL_ID", r->sl_id);
		}
		el(o, "COMMENT", e->comment);
		ck(o, xmlTextWriterEndElement(o->w));
		nerr++;
	}
	o->n = nerr;
	return (out_close(f, o));
}

/* -------------------------------------------------------------- truth */

static void
tsv_field(FILE *fp, const char *s, int last)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		default:
			fputc(*s, fp);
		}
	fputc(last ? '\n' : '\t', fp);
}

static void
truth_line(FILE *fp, const struct reg *g, const char *stage,
    const struct rec *r, const char *dec, int64_t acc, const char *why)
{
	char a[32], b[32], c[32];

	tsv_field(fp, g->base, 0);
	tsv_field(fp, stage, 0);
	tsv_field(fp, r->n_zap, 0);
	tsv_field(fp, r->idcase, 0);
	tsv_field(fp, r->sl_id, 0);
	tsv_field(fp, dec, 0);
	tsv_field(fp, money_fmt(r->sumv, a), 0);
	tsv_field(fp, money_fmt(acc, b), 0);
	tsv_field(fp, money_fmt(r->sumv - acc, c), 0);
	tsv_field(fp, why, 1);
}

/* The S_OSN codes of a record up to a stage, each once. */
static void
codes(const struct rec *r, int stage, char *buf, size_t len)
{
	char one[8];
	int k, j, dup;
	size_t n = 0;

	buf[0] = '\0';
	for (k = 0; k < r->nsank; k++) {
		if (r->sank[k].stage > stage)
			continue;
		for (dup = 0, j = 0; j < k; j++)
			if (r->sank[j].why == r->sank[k].why)
				dup = 1;
		if (dup)
			continue;
		snprintf(one, sizeof(one), "%d", reasons[r->sank[k].why].kod);
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    n > 0 ? "," : "", one);
	}
}

static void
truth_reg(const struct fund *f, const struct reg *g)
{
	const struct rec *r;
	char why[32];
	size_t i;

	for (i = 0; i < g->nrec; i++) {
		r = &g->rec[i];
		if (f->flkfile)
			truth_line(f->truth, g, "flk", r, "rejected", 0,
			    fileerr.oshib);
		else if (r->flk != 0)
			truth_line(f->truth, g, "flk", r, "rejected", 0,
			    flkerrs[r->flk - 1].oshib);
		else
			truth_line(f->truth, g, "flk", r, "accepted", r->sumv,
			    "");
	}
	for (i = 0; i < g->nrec; i++) {
		r = &g->rec[i];
		if (r->ctl == 0)
			continue;
		codes(r, ST_CONTROL, why, sizeof(why));
		truth_line(f->truth, g, "control", r, decision(r->ctl),
		    r->sumv - refused(r, ST_CONTROL), why);
	}
	for (i = 0; i < g->nrec; i++) {
		r = &g->rec[i];
		if (r->dem == 0)
			continue;
		codes(r, ST_DEMAND, why, sizeof(why));
		truth_line(f->truth, g, "demand", r, decision(r->dem),
		    r->sumv - refused(r, ST_DEMAND), why);
	}
}

/* ---------------------------------------------------------- registry */

static void
say(const struct fund *f, const struct out *o, const char *what,
    const struct reg *g, int stage)
{
	size_t i, n[4] = { 0, 0, 0, 0 };
	int v;

	if (stage == ST_FLK) {
		fprintf(stderr, "%s: %s/%s.zip: %s, %zu error(s)\n", PROG,
		    f->dir, o->name, what, o->n);
		return;
	}
	for (i = 0; i < g->nrec; i++) {
		if (stage == ST_CONTROL)
			v = g->rec[i].ctl;
		else if (&g->payer[g->rec[i].payer].out == o)
			v = g->rec[i].dem;
		else
			v = 0;
		n[v]++;
	}
	fprintf(stderr, "%s: %s/%s.zip: %s, %zu record(s): %zu accepted, "
	    "%zu partial, %zu rejected\n", PROG, f->dir, o->name, what, o->n,
	    n[1], n[3], n[2]);
}

static int
do_registry(const struct fund *f, const char *path)
{
	struct reg g;
	struct payer *p;
	char name[NAMELEN + 8];
	size_t i;
	int rv;

	memset(&g, 0, sizeof(g));
	g.path = path;
	if ((rv = list_entries(&g)) != EX_OK ||
	    (rv = walk(f, &g, 1)) != EX_OK ||
	    (rv = check_unique(&g)) != EX_OK ||
	    (rv = decide(f, &g)) != EX_OK ||
	    (rv = write_flk(f, &g)) != EX_OK)
		goto out;
	if (g.ctl.n > 0) {
		snprintf(name, sizeof(name), "%sT%sM%s%s", g.type, g.tfoms,
		    g.mo, g.suffix);
		if ((rv = out_open(f, &g.ctl, name)) != EX_OK)
			goto out;
		for (i = 0; i < g.npayer; i++) {
			p = &g.payer[i];
			if (p->out.n == 0)
				continue;
			if (strcmp(p->code + 2, "000") == 0)
				snprintf(name, sizeof(name), "%sT%sM%s%sD",
				    g.type, g.tfoms, g.mo, g.suffix);
			else
				snprintf(name, sizeof(name), "%sS%sM%s%s",
				    g.type, p->code, g.mo, g.suffix);
			if ((rv = out_open(f, &p->out, name)) != EX_OK)
				goto out;
		}
		if ((rv = walk(f, &g, 2)) != EX_OK ||
		    (rv = out_close(f, &g.ctl)) != EX_OK)
			goto out;
		for (i = 0; i < g.npayer; i++)
			if (g.payer[i].out.n > 0 &&
			    (rv = out_close(f, &g.payer[i].out)) != EX_OK)
				goto out;
	} else if (!f->flkfile)
		complain(EX_OK, "%s: no record passed ФЛК: no control answer",
		    g.base);

	/* all written: put them in place */
	if ((rv = out_commit(f, &g.flk)) != EX_OK ||
	    (rv = out_commit(f, &g.ctl)) != EX_OK)
		goto out;
	for (i = 0; i < g.npayer; i++)
		if ((rv = out_commit(f, &g.payer[i].out)) != EX_OK)
			goto out;
	truth_reg(f, &g);
	say(f, &g.flk, "ФЛК protocol", &g, ST_FLK);
	if (g.ctl.n > 0)
		say(f, &g.ctl, "control", &g, ST_CONTROL);
	for (i = 0; i < g.npayer; i++)
		if (g.payer[i].out.n > 0)
			say(f, &g.payer[i].out, "demand", &g, ST_DEMAND);
out:
	out_abort(&g.flk);
	out_abort(&g.ctl);
	for (i = 0; i < g.npayer; i++)
		out_abort(&g.payer[i].out);
	free(g.payer);
	free(g.rec);
	return (rv);
}

/* -------------------------------------------------------------- main */

static int
mkdirs(const char *dir)
{
	char *p, *s;
	int rv = 0;

	if ((s = strdup(dir)) == NULL)
		return (-1);
	for (p = s + 1; rv == 0; p++)
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(s, 0700) == -1 && errno != EEXIST)
				rv = -1;
			*p = c;
			if (c == '\0')
				break;
		}
	free(s);
	return (rv);
}

static int
sync_dir(const char *dir)
{
	int fd, rv = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (-1);
	if (fsync(fd) == -1 && errno != EINVAL)
		rv = -1;
	close(fd);
	return (rv);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {	/* sorted */
		{ "date",          required_argument, NULL, OPT_DATE },
		{ "demand-refuse", required_argument, NULL, OPT_DEMAND },
		{ "flk",           required_argument, NULL, OPT_FLK },
		{ "flk-file",      no_argument,       NULL, OPT_FLKFILE },
		{ "help",          no_argument,       NULL, 'h' },
		{ "partial",       required_argument, NULL, OPT_PARTIAL },
		{ "refuse",        required_argument, NULL, OPT_REFUSE },
		{ NULL,            0,                 NULL, 0 }
	};
	struct fund f;
	struct stat sb;
	char *end, *dst = NULL;
	long day, *countp;
	int ch, fd, r, rval = EX_OK;

	memset(&f, 0, sizeof(f));
	f.seed = 1;
	snprintf(f.date, sizeof(f.date), "2026-11-10");
	while ((ch = getopt_long(argc, argv, "+ho:s:", longopts, NULL)) != -1)
		switch (ch) {
		case OPT_DATE:
			if (parse_date(optarg) == -1)
				return (bad_usage("--date: not a date "
				    "YYYY-MM-DD: %s", optarg));
			snprintf(f.date, sizeof(f.date), "%s", optarg);
			break;
		case OPT_DEMAND:
		case OPT_FLK:
		case OPT_PARTIAL:
		case OPT_REFUSE:
			countp = ch == OPT_DEMAND ? &f.ndemand : ch == OPT_FLK ?
			    &f.nflk : ch == OPT_PARTIAL ? &f.npartial :
			    &f.nrefuse;
			if (!parse_long(optarg, 0, MAX_RECORDS, countp))
				return (bad_usage("--%s: not a number of "
				    "records: %s", ch == OPT_DEMAND ?
				    "demand-refuse" : ch == OPT_FLK ? "flk" :
				    ch == OPT_PARTIAL ? "partial" : "refuse",
				    optarg));
			break;
		case OPT_FLKFILE:
			f.flkfile = 1;
			break;
		case 'h':
			help();
			return (EX_OK);
		case 'o':
			f.dir = optarg;
			break;
		case 's':
			errno = 0;
			f.seed = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    optarg[0] == '-')
				return (bad_usage("-s: not a seed: %s",
				    optarg));
			break;
		default:
			usage(stderr);
			return (EX_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (f.dir == NULL)
		return (bad_usage("-o DIR is required"));
	if (argc == 0)
		return (bad_usage("no registry archive given"));
	day = parse_date(f.date);
	f.mtime = (time_t)day * 86400 + 12 * 3600;

	LIBXML_TEST_VERSION
	if (mkdirs(f.dir) == -1 || stat(f.dir, &sb) == -1 ||
	    !S_ISDIR(sb.st_mode))
		return (complain(EX_IO, "%s: cannot create the directory: %s",
		    f.dir, strerror(errno)));
	if ((f.truthtmp = dirfile(f.dir, "", ".truth.tsv", ".XXXXXX")) ==
	    NULL)
		return (complain(EX_IO, "out of memory"));
	if ((fd = mkstemp(f.truthtmp)) == -1 ||
	    (f.truth = fdopen(fd, "w")) == NULL)
		return (complain(EX_IO, "%s: %s", f.truthtmp,
		    strerror(errno)));
	fputs("registry\tstage\tn_zap\tidcase\tsl_id\tdecision\tclaimed\t"
	    "accepted\trefused\treasons\n", f.truth);

	for (; *argv != NULL; argv++)
		if ((r = do_registry(&f, *argv)) > rval)
			rval = r;

	if (fflush(f.truth) == EOF || ferror(f.truth) ||
	    fsync(fileno(f.truth)) == -1) {
		r = complain(EX_IO, "%s: %s", f.truthtmp, strerror(errno));
		fclose(f.truth);
		unlink(f.truthtmp);
		free(f.truthtmp);
		return (r);
	}
	fclose(f.truth);
	if ((dst = dirfile(f.dir, "", "truth.tsv", "")) == NULL ||
	    rename(f.truthtmp, dst) == -1) {
		rval = complain(EX_IO, "%s/truth.tsv: %s", f.dir,
		    strerror(errno));
		unlink(f.truthtmp);
	}
	if (sync_dir(f.dir) == -1)
		rval = complain(EX_IO, "%s: %s", f.dir, strerror(errno));
	free(dst);
	free(f.truthtmp);
	xmlCleanupParser();
	return (rval);
}
