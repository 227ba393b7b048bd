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
 * A ZIP whose only entry is bill.xml is a Yaroslavl (yar76) registry,
 * B.7z; it is answered in P0L.7z (ФЛК) and P2{A,B,T}.7z (per payer), see
 * the yar76 section below.  One run takes archives of one profile only.
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
	int		 yar;		/* yar76: NAME.7z holds bill.xml */
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
	int		 yar;		/* the archives are yar76 */
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
	    " stage\n\n"
	    "A ZIP whose only entry is bill.xml is a yar76 (Yaroslavl) registry"
	    " B.7z,\nB = OGRN KPP YY MM digit ind payer (29), P = its first 27"
	    " characters,\nL its last:\n"
	    "  P0L.7z                     ФЛК answer of the fund: the bill and"
	    " body/flk\n"
	    "  P2A.7z, P2B.7z             answer to the demand of 76001, 76002\n"
	    "  P2T.7z                     the same for the fund as payer\n"
	    "  truth.tsv                  per account: flk, demand\n"
	    "--flk, --refuse, --partial and --demand-refuse count accounts;"
	    " the refusals are\nmade in the demand answers.  One run takes"
	    " archives of one profile, and not\ninto a DIR whose truth.tsv is"
	    " of the other.\n\n", stdout);
	fputs("  -s SEED              random seed (default 1); same inputs,"
	    " same bytes\n"
	    "  --flk N              N records get one ФЛК error each"
	    " (default 0)\n"
	    "  --flk-file           one ФЛК error on the whole file instead;"
	    " nothing else\n"
	    "                       (federal only)\n"
	    "  --refuse N           N records refused at control (OPLATA 2)\n"
	    "  --partial N          N records partly refused at control"
	    " (OPLATA 3)\n"
	    "  --demand-refuse N    N more refusals in the demand answers"
	    " (yar76: --refuse)\n"
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
clamp(const char *base, const char *what, long want, size_t have,
    const char *noun)
{
	if (want > 0 && (size_t)want > have) {
		complain(EX_OK, "%s: %s %ld: only %zu %s left for it",
		    base, what, want, have, noun);
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
		nf = clamp(g->base, "--flk", f->nflk, n, "records");
		nr = clamp(g->base, "--refuse", f->nrefuse, n - (size_t)nf,
		    "records");
		np = clamp(g->base, "--partial", f->npartial,
		    n - (size_t)(nf + nr), "records");
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
	nd = f->flkfile ? 0 : clamp(g->base, "--demand-refuse", f->ndemand, j,
	    "records");
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
	if (!o->yar &&			/* FILENAME: T(26) */
	    strlen(name) > (name[0] == 'V' ? 27u : 26u))
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
	ck(o, xmlTextWriterSetIndentString(o->w, BAD_CAST (o->yar ? "    " :
	    " ")));
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
	if ((o->tmp = dirfile(f->dir, ".", o->name, o->yar ? ".7z.XXXXXX" :
	    ".zip.XXXXXX")) == NULL)
		return (complain(EX_IO, "out of memory"));
	if ((fd = mkstemp(o->tmp)) == -1) {
		complain(EX_IO, "%s: %s", o->tmp, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return (EX_IO);
	}
	if (o->yar)
		snprintf(entry, sizeof(entry), "bill.xml");
	else
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
	if ((dst = dirfile(f->dir, "", o->name, o->yar ? ".7z" : ".zip")) ==
	    NULL)
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

/* Copy the attributes of an element as they came. */
static void
copy_attrs(struct out *o, xmlNodePtr n)
{
	xmlAttrPtr a;
	xmlChar *s;

	for (a = n->properties; a != NULL; a = a->next) {
		s = xmlNodeListGetString(n->doc, a->children, 1);
		ck(o, xmlTextWriterWriteAttribute(o->w, a->name,
		    s != NULL ? s : BAD_CAST ""));
		xmlFree(s);
	}
}

/* Copy an element subtree as it came. */
static void
copy_node(struct out *o, xmlNodePtr n)
{
	xmlNodePtr c;
	int elems = 0;

	ck(o, xmlTextWriterStartElement(o->w, n->name));
	copy_attrs(o, n);
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

/* ------------------------------------------------------------- yar76 */

/*
 * The Yaroslavl profile (/work/shared/spec/yar76-format.md): a ZIP named
 * B.7z whose only entry is bill.xml, package/body/bill/{account_sum,
 * patients/patient/register_accounts/personal_account*}.  B is OGRN(13)
 * KPP(9) YY MM digit ind payer; P = B's first 27 characters, L its last.
 * The fund answers ФЛК in P0L.7z (the bill as sent plus body/flk), each
 * payer the demand in P2{letter}.7z (its accounts that passed ФЛК, each
 * with smo@pay, and bill/expertises for the refusals).
 */

#define YAR_NAMELEN	29
#define YAR_ELEMS	4	/* sum/elem of one account */
#define YAR_TOTALS	8	/* distinct type_acc in one answer */
#define YAR_TFOMS_OGRN	"1027600000000"
#define FED_HEAD	"registry\tstage\tn_zap\tidcase\tsl_id\tdecision\t" \
	"claimed\taccepted\trefused\treasons"
#define YAR_HEAD	"registry\tstage\tn_pp\txkey\tdecision\tclaimed\t" \
	"accepted\trefused\treasons"

/* polis@ogrn_smo -> insurer and its letter; the fund pays for the rest */
static const struct insurer {
	const char	*ogrn, *code;
	char		 letter;
} insurers[] = {
	{ "1027600000011", "76001", 'A' },
	{ "1027600000022", "76002", 'B' },
	{ NULL,            "76000", 'T' },	/* the fund: keep it last */
};
#define YAR_FUND	(NELEMS(insurers) - 1)

/* ФЛК tests put on accounts; dt: the attribute the fact is about */
static const struct yflk {
	const char	*test, *element, *expression, *defect, *fact, *dt;
} yflks[] = {
	{ "T0301", "personal_account", "outcome заполнен", "5.1.3",
	    "Не заполнен обязательный атрибут outcome (исход заболевания)",
	    "outcome" },
	{ "T0412", "personal_account", "cureend в отчётном периоде", "5.1.4",
	    "Некорректное заполнение поля реестра: дата окончания лечения "
	    "(cureend) вне отчётного периода", "cureend" },
	{ "T0521", "polis", "ogrn_smo совпадает с СМО по регистру "
	    "застрахованных", "5.2.1", "Медицинская помощь оказана лицу, "
	    "застрахованному другой СМО", "ogrn_smo" },
};

struct ysum {				/* money by sum/elem@type_acc */
	char		 type_acc[8];
	int64_t		 suml, sum;
};

struct yacc {				/* one personal_account */
	char		 n_pp[16], xkey[64], n_card[64], pat[40];
	char		 cureend[16], ogrn_smo[16];
	int64_t		 sum;		/* claimed: Σ sum/elem@sum */
	struct ysum	 el[YAR_ELEMS];
	size_t		 nel;
	size_t		 ins;		/* index into insurers[] */
	int		 flk;		/* 1 + index into yflks[], or 0 */
	int		 dem;		/* 1 accepted, 2 rejected, 3 partial */
	int64_t		 refused;
	int		 why;		/* index into reasons[] */
};

struct yreg {				/* one yar76 archive */
	const char	*path;
	char		 base[NAMELEN];	/* B */
	char		 year[5], month[3];	/* body@year, @month */
	struct yacc	*acc;
	size_t		 nacc, cap;
	struct out	 flk, dem[NELEMS(insurers)];
	struct ysum	 tot[NELEMS(insurers)][YAR_TOTALS];
	size_t		 ntot[NELEMS(insurers)];
};

/*
 * The profile of an archive: 1 a ZIP whose only entry is bill.xml (yar76),
 * 0 another ZIP (federal), -1 none (unreadable, not a ZIP: the run's
 * profile reports it).
 */
static int
profile_of(const char *path)
{
	struct archive *ar;
	struct archive_entry *ae;
	const char *name;
	int r, n = 0, bill = 0;

	if ((ar = archive_read_new()) == NULL)
		return (-1);
	archive_read_support_format_zip(ar);
	if (archive_read_open_filename(ar, path, 65536) != ARCHIVE_OK) {
		archive_read_free(ar);
		return (-1);
	}
	while (n < 2 && (r = archive_read_next_header(ar, &ae)) ==
	    ARCHIVE_OK) {
		name = archive_entry_pathname(ae);
		bill = ++n == 1 && name != NULL &&
		    strcmp(name, "bill.xml") == 0 &&
		    archive_entry_filetype(ae) == AE_IFREG;
		if (archive_read_data_skip(ar) != ARCHIVE_OK)
			break;
	}
	archive_read_free(ar);
	return (n == 1 && bill && r == ARCHIVE_EOF ? 1 : n > 0 ? 0 : -1);
}

/* B from the archive's name, checked: OGRN KPP YY MM digit ind payer */
static int
yar_name(struct yreg *y)
{
	const char *b = strrchr(y->path, '/'), *dot;
	size_t n, i;
	int ok;

	b = b != NULL ? b + 1 : y->path;
	n = (dot = strrchr(b, '.')) != NULL ? (size_t)(dot - b) : strlen(b);
	ok = n == YAR_NAMELEN && all_digits(b, 13) && all_digits(b + 22, 6);
	for (i = 13; ok && i < 22; i++)	/* KPP: digits, or A-Z in 5-6 */
		ok = (b[i] >= '0' && b[i] <= '9') ||
		    (b[i] >= 'A' && b[i] <= 'Z');
	if (!ok || ((b[28] < 'A' || b[28] > 'Z') &&
	    (b[28] < 'a' || b[28] > 'z')))
		return (complain(EX_DATA, "%s: not a yar76 registry name "
		    "(OGRN 13, KPP 9, YY MM, digit, 3 or 7, payer letter)",
		    y->path));
	if (b[27] != '3' && b[27] != '7')	/* 0 and 2 are the answers' */
		return (complain(EX_DATA, "%s: character 28 of the name is "
		    "%c, not 3 (all payers) or 7", y->path, b[27]));
	if (b[24] > '1' || (b[24] == '1' && b[25] > '2') ||
	    (b[24] == '0' && b[25] == '0'))
		return (complain(EX_DATA, "%s: month %.2s in the name",
		    y->path, b + 24));
	memcpy(y->base, b, n);
	y->base[n] = '\0';
	return (EX_OK);
}

/* An attribute: 1 found, 0 absent (buf is ""), -1 too long. */
static int
prop(xmlNodePtr n, const char *name, char *buf, size_t len)
{
	xmlChar *s;
	size_t l;

	buf[0] = '\0';
	if (n == NULL || (s = xmlGetProp(n, BAD_CAST name)) == NULL)
		return (0);
	if ((l = strlen((const char *)s)) >= len) {
		xmlFree(s);
		return (-1);
	}
	memcpy(buf, s, l + 1);
	xmlFree(s);
	return (1);
}

static size_t
insurer_of(const char *region, const char *ogrn)
{
	size_t i;

	if (strcmp(region, "76") != 0 || ogrn[0] == '\0')
		return (YAR_FUND);
	for (i = 0; i < YAR_FUND; i++)
		if (strcmp(ogrn, insurers[i].ogrn) == 0)
			return (i);
	return (YAR_FUND);
}

/* Pass 1: one personal_account. */
static int
yscan_account(struct yreg *y, const char *where, xmlNodePtr pa,
    const char *pat, const char *ogrn, size_t ins)
{
	static const char *const want[] = { "n_pp", "xkey" };
	struct yacc *a;
	xmlNodePtr e;
	char money[32];
	long line = xmlGetLineNo(pa);
	size_t i;
	int r;

	if (y->nacc == y->cap) {
		size_t cap = y->cap ? y->cap * 2 : 256;

		if (y->nacc >= (size_t)MAX_RECORDS)
			return (complain(EX_DATA, "%s: more than %ld accounts",
			    where, MAX_RECORDS));
		if ((a = reallocarray(y->acc, cap, sizeof(*a))) == NULL)
			return (complain(EX_IO, "out of memory"));
		y->acc = a;
		y->cap = cap;
	}
	a = &y->acc[y->nacc];
	memset(a, 0, sizeof(*a));
	for (i = 0; i < NELEMS(want); i++)
		if (prop(pa, want[i], i == 0 ? a->n_pp : a->xkey, i == 0 ?
		    sizeof(a->n_pp) : sizeof(a->xkey)) != 1 ||
		    (i == 0 ? a->n_pp : a->xkey)[0] == '\0')
			return (complain(EX_DATA, "%s:%ld: personal_account "
			    "without a good @%s", where, line, want[i]));
	if (prop(pa, "n_card", a->n_card, sizeof(a->n_card)) == -1 ||
	    prop(pa, "cureend", a->cureend, sizeof(a->cureend)) == -1)
		return (complain(EX_DATA, "%s:%ld: account %s: @n_card or "
		    "@cureend is too long", where, line, a->xkey));
	snprintf(a->pat, sizeof(a->pat), "%s", pat);
	snprintf(a->ogrn_smo, sizeof(a->ogrn_smo), "%s", ogrn);
	a->ins = ins;
	for (e = child(pa, "sum"), e = e != NULL ? e->children : NULL;
	    e != NULL; e = e->next) {
		struct ysum *s;

		if (e->type != XML_ELEMENT_NODE || !named(e, "elem"))
			continue;
		if (a->nel == YAR_ELEMS)
			return (complain(EX_DATA, "%s:%ld: account %s: more "
			    "than %d sum/elem", where, line, a->xkey,
			    YAR_ELEMS));
		s = &a->el[a->nel++];
		if (prop(e, "type_acc", s->type_acc, sizeof(s->type_acc)) ==
		    -1)
			return (complain(EX_DATA, "%s:%ld: account %s: "
			    "sum/elem@type_acc is too long", where, line,
			    a->xkey));
		if (s->type_acc[0] == '\0')
			snprintf(s->type_acc, sizeof(s->type_acc), "1");
		if ((r = prop(e, "sum", money, sizeof(money))) == -1 ||
		    (r == 1 && money_parse(money, &s->sum) == -1))
			return (complain(EX_DATA, "%s:%ld: account %s: "
			    "sum/elem@sum is not an amount: %s", where, line,
			    a->xkey, money));
		if ((r = prop(e, "suml", money, sizeof(money))) == -1 ||
		    (r == 1 && money_parse(money, &s->suml) == -1))
			return (complain(EX_DATA, "%s:%ld: account %s: "
			    "sum/elem@suml is not an amount: %s", where, line,
			    a->xkey, money));
		if (r == 0)
			s->suml = s->sum;
		if ((a->sum += s->sum) > INT64_MAX / 100)
			return (complain(EX_DATA, "%s:%ld: account %s: the sum "
			    "is too large", where, line, a->xkey));
	}
	y->nacc++;
	return (EX_OK);
}

/* Pass 1: one patient and its accounts. */
static int
yscan_patient(struct yreg *y, const char *where, xmlNodePtr pat)
{
	char pc[40], region[16], ogrn[16];
	xmlNodePtr polis = child(child(pat, "polises"), "polis"), ra, pa;
	size_t ins;
	int rv;

	if (prop(pat, "patientcod", pc, sizeof(pc)) == -1 ||
	    prop(polis, "region_oms", region, sizeof(region)) == -1 ||
	    prop(polis, "ogrn_smo", ogrn, sizeof(ogrn)) == -1)
		return (complain(EX_DATA, "%s:%ld: patient: @patientcod, "
		    "polis@region_oms or polis@ogrn_smo is too long", where,
		    xmlGetLineNo(pat)));
	ins = insurer_of(region, ogrn);
	for (ra = pat->children; ra != NULL; ra = ra->next) {
		if (ra->type != XML_ELEMENT_NODE ||
		    !named(ra, "register_accounts"))
			continue;
		for (pa = ra->children; pa != NULL; pa = pa->next)
			if (pa->type == XML_ELEMENT_NODE &&
			    named(pa, "personal_account") &&
			    (rv = yscan_account(y, where, pa, pc, ogrn, ins)) !=
			    EX_OK)
				return (rv);
	}
	return (EX_OK);
}

/* The answer k writes to: 0 the ФЛК answer, 1.. an insurer's; NULL: none */
static struct out *
yout(struct yreg *y, size_t k)
{
	if (k == 0)
		return (&y->flk);
	return (k <= NELEMS(insurers) && y->dem[k - 1].n > 0 ?
	    &y->dem[k - 1] : NULL);
}

/* The attributes of the reader's element, into every answer. */
static void
yattrs_all(struct yreg *y, xmlTextReaderPtr r, const char *name)
{
	struct out *o;
	size_t k;
	int rc;

	for (k = 0; k <= NELEMS(insurers); k++) {
		if ((o = yout(y, k)) == NULL)
			continue;
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST name));
		for (rc = xmlTextReaderMoveToFirstAttribute(r); rc == 1;
		    rc = xmlTextReaderMoveToNextAttribute(r))
			ck(o, xmlTextWriterWriteAttribute(o->w,
			    xmlTextReaderConstName(r),
			    xmlTextReaderConstValue(r)));
		xmlTextReaderMoveToElement(r);
	}
}

static void
attr(struct out *o, const char *name, const char *val)
{
	ck(o, xmlTextWriterWriteAttribute(o->w, BAD_CAST name, BAD_CAST val));
}

static void
attr_money(struct out *o, const char *name, int64_t v)
{
	char buf[32];

	attr(o, name, money_fmt(v, buf));
}

/* account_sum of an insurer's answer: its accounts' money by type_acc */
static void
yaccount_sum(struct yreg *y, size_t i)
{
	struct out *o = &y->dem[i];
	size_t t;

	if (y->ntot[i] == 0)
		return;
	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "account_sum"));
	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "account_elem_t"));
	for (t = 0; t < y->ntot[i]; t++) {
		ck(o, xmlTextWriterStartElement(o->w,
		    BAD_CAST "account_elem"));
		attr(o, "type_acc", y->tot[i][t].type_acc);
		attr_money(o, "amountl", y->tot[i][t].suml);
		attr_money(o, "amount", y->tot[i][t].sum);
		ck(o, xmlTextWriterEndElement(o->w));
	}
	ck(o, xmlTextWriterEndElement(o->w));
	ck(o, xmlTextWriterEndElement(o->w));
}

/* An account as sent, less a smo it may carry, plus the insurer's smo. */
static void
ywrite_account(struct out *o, xmlNodePtr pa, const struct yacc *a)
{
	const struct reason *w = &reasons[a->why];
	xmlNodePtr c;
	char kod[8];

	ck(o, xmlTextWriterStartElement(o->w, pa->name));
	copy_attrs(o, pa);
	for (c = pa->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !named(c, "smo"))
			copy_node(o, c);
	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "smo"));
	attr(o, "pay", a->dem == 1 ? "1" : "4");
	if (a->dem != 1) {
		snprintf(kod, sizeof(kod), "%d", w->kod);
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST (a->dem == 2 ?
		    "an_mess" : "an_sums")));
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST (a->dem == 2 ?
		    "an_mes" : "an_sum")));
		attr(o, a->dem == 2 ? "an_mes" : "an_sum", kod);
		attr(o, "comment", w->text);
		ck(o, xmlTextWriterEndElement(o->w));
		ck(o, xmlTextWriterEndElement(o->w));
	}
	ck(o, xmlTextWriterEndElement(o->w));
	ck(o, xmlTextWriterEndElement(o->w));
}

/* does account j go into the answer of insurer i? */
static int
yin(const struct yreg *y, size_t j, size_t i)
{
	return (y->acc[j].dem != 0 && y->acc[j].ins == i);
}

/*
 * Pass 2: one patient, as sent into the ФЛК answer; into an insurer's
 * answer with only its accounts that passed ФЛК, if it has any.  *ia is
 * the index of the patient's first account.
 */
static int
ywrite_patient(struct yreg *y, const char *where, xmlNodePtr pat,
    size_t *ia)
{
	xmlNodePtr ra, pa;
	struct out *o;
	size_t i, j, first = *ia, nown, n = 0;

	copy_node(&y->flk, pat);
	for (ra = pat->children; ra != NULL; ra = ra->next)
		if (ra->type == XML_ELEMENT_NODE &&
		    named(ra, "register_accounts"))
			for (pa = ra->children; pa != NULL; pa = pa->next)
				if (pa->type == XML_ELEMENT_NODE &&
				    named(pa, "personal_account")) {
					char xkey[64];

					if (first + n >= y->nacc ||
					    prop(pa, "xkey", xkey,
					    sizeof(xkey)) != 1 ||
					    strcmp(xkey,
					    y->acc[first + n].xkey) != 0)
						return (complain(EX_DATA,
						    "%s: changed while read",
						    where));
					n++;
				}
	*ia = first + n;
	for (i = 0; i < NELEMS(insurers); i++) {
		o = &y->dem[i];
		for (nown = 0, j = first; j < first + n; j++)
			nown += (size_t)yin(y, j, i);
		if (o->n == 0 || nown == 0)
			continue;
		ck(o, xmlTextWriterStartElement(o->w, pat->name));
		copy_attrs(o, pat);
		for (j = first, ra = pat->children; ra != NULL;
		    ra = ra->next) {
			size_t k = j;

			if (ra->type != XML_ELEMENT_NODE)
				continue;
			if (!named(ra, "register_accounts")) {
				copy_node(o, ra);
				continue;
			}
			for (nown = 0, pa = ra->children; pa != NULL;
			    pa = pa->next)
				if (pa->type == XML_ELEMENT_NODE &&
				    named(pa, "personal_account"))
					nown += (size_t)yin(y, k++, i);
			if (nown == 0) {
				j = k;
				continue;
			}
			ck(o, xmlTextWriterStartElement(o->w, ra->name));
			copy_attrs(o, ra);
			for (pa = ra->children; pa != NULL; pa = pa->next) {
				if (pa->type != XML_ELEMENT_NODE)
					continue;
				if (!named(pa, "personal_account"))
					copy_node(o, pa);
				else if (yin(y, j++, i))
					ywrite_account(o, pa, &y->acc[j - 1]);
			}
			ck(o, xmlTextWriterEndElement(o->w));
		}
		ck(o, xmlTextWriterEndElement(o->w));
	}
	return (EX_OK);
}

/* bill/expertises of insurer i's answer: an act per refused account */
static void
yexpertises(const struct fund *f, struct yreg *y, size_t i)
{
	struct out *o = &y->dem[i];
	const struct yacc *a;
	char buf[32];
	size_t j, k = 0;

	for (j = 0; j < y->nacc; j++) {
		a = &y->acc[j];
		if (!yin(y, j, i) || a->dem == 1)
			continue;
		if (k++ == 0)
			ck(o, xmlTextWriterStartElement(o->w,
			    BAD_CAST "expertises"));
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "expertise"));
		snprintf(buf, sizeof(buf), "%zu", k);
		attr(o, "number", buf);
		attr(o, "date", f->date);
		attr(o, "n_exp", "1");
		attr(o, "type", "1");
		attr(o, "xkey", a->xkey);
		if (a->n_card[0] != '\0')
			attr(o, "n_card", a->n_card);
		snprintf(buf, sizeof(buf), "%d", a->dem == 2 ? 100 :
		    (int)((a->refused * 100 + a->sum / 2) / a->sum));
		attr(o, "percent", buf);
		attr(o, "final", "1");
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "ps_sum"));
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "ps_elem"));
		attr(o, "type_acc", a->nel > 0 ? a->el[0].type_acc : "1");
		attr_money(o, "suml", a->sum);
		attr_money(o, "sum", a->sum - a->refused);
		ck(o, xmlTextWriterEndElement(o->w));
		ck(o, xmlTextWriterEndElement(o->w));
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "defects"));
		attr(o, "code_type", "1");
		snprintf(buf, sizeof(buf), "%d", reasons[a->why].kod);
		attr(o, "code", buf);
		ck(o, xmlTextWriterEndElement(o->w));
		ck(o, xmlTextWriterEndElement(o->w));
	}
	if (k > 0)
		ck(o, xmlTextWriterEndElement(o->w));
}

/* body/flk of the ФЛК answer: the tests run and a fact per failure */
static void
yflk_protocol(const struct fund *f, struct yreg *y)
{
	struct out *o = &y->flk;
	const struct yacc *a;
	const struct yflk *t;
	char buf[32];
	size_t i, j, nfail;

	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "flk"));
	attr(o, "version", "1");
	attr(o, "year", y->year);
	attr(o, "month", y->month);
	attr(o, "type", "1");
	attr(o, "creator", "ТФОМС (симулятор)");
	attr(o, "org_ogrn", YAR_TFOMS_OGRN);
	snprintf(buf, sizeof(buf), "%s 10:00:00", f->date);
	attr(o, "datetime", buf);
	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "plan"));
	for (i = 0; i < NELEMS(yflks); i++) {
		t = &yflks[i];
		for (nfail = 0, j = 0; j < y->nacc; j++)
			nfail += y->acc[j].flk == (int)i + 1;
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "test"));
		attr(o, "code", t->test);
		attr(o, "category", "1");
		attr(o, "element", t->element);
		attr(o, "condition", "всегда");
		attr(o, "expression", t->expression);
		attr(o, "defect_code", t->defect);
		snprintf(buf, sizeof(buf), "%zu", y->nacc);
		attr(o, "count_total", buf);
		snprintf(buf, sizeof(buf), "%zu", nfail);
		attr(o, "count_fail", buf);
		ck(o, xmlTextWriterEndElement(o->w));
	}
	ck(o, xmlTextWriterEndElement(o->w));
	ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "register"));
	attr(o, "filename", y->base);
	snprintf(buf, sizeof(buf), "%.13s", y->base);
	attr(o, "provider", buf);
	for (j = 0; j < y->nacc; j++) {
		a = &y->acc[j];
		if (a->flk == 0)
			continue;
		t = &yflks[a->flk - 1];
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "fact"));
		attr(o, "bill", "1");
		if (a->pat[0] != '\0')
			attr(o, "pat", a->pat);
		attr(o, "acc", a->xkey);
		attr(o, "test", t->test);
		attr(o, "fact", t->fact);
		attr(o, "defect_code", t->defect);
		ck(o, xmlTextWriterStartElement(o->w, BAD_CAST "dt"));
		attr(o, "t", t->dt);
		attr(o, "d", strcmp(t->dt, "cureend") == 0 ? a->cureend :
		    strcmp(t->dt, "ogrn_smo") == 0 ? a->ogrn_smo : "");
		ck(o, xmlTextWriterEndElement(o->w));
		ck(o, xmlTextWriterEndElement(o->w));
	}
	ck(o, xmlTextWriterEndElement(o->w));
	ck(o, xmlTextWriterEndElement(o->w));
	o->n = 0;
	for (j = 0; j < y->nacc; j++)
		o->n += y->acc[j].flk != 0;
}

/* The period of the bill: body@year and @month, else from the name. */
static void
yperiod(struct yreg *y, xmlTextReaderPtr r)
{
	xmlChar *yy = xmlTextReaderGetAttribute(r, BAD_CAST "year"),
	    *mm = xmlTextReaderGetAttribute(r, BAD_CAST "month");

	if (yy != NULL && mm != NULL && strlen((char *)yy) == 4 &&
	    all_digits((char *)yy, 4) && strlen((char *)mm) == 2 &&
	    all_digits((char *)mm, 2)) {
		memcpy(y->year, yy, 5);
		memcpy(y->month, mm, 3);
	} else {
		snprintf(y->year, sizeof(y->year), "20%.2s", y->base + 22);
		snprintf(y->month, sizeof(y->month), "%.2s", y->base + 24);
	}
	xmlFree(yy);
	xmlFree(mm);
}

/*
 * Read bill.xml: pass 1 learns the accounts, pass 2 writes every answer.
 * Only package, body, bill and patients are entered; the rest of bill is
 * expanded one child (or one patient) at a time.
 */
static int
ywalk(const struct fund *f, struct yreg *y, int pass)
{
	static const char *const path[] = { "package", "body", "bill" };
	struct archive_entry *ae;
	struct xin x;
	xmlTextReaderPtr r = NULL;
	xmlNodePtr n;
	struct out *o;
	const char *name;
	int rc, depth, seen[4] = { 0, 0, 0, 0 }, rv = EX_OK;
	size_t ia = 0, i, k;

	memset(&x, 0, sizeof(x));
	snprintf(x.where, sizeof(x.where), "%s:bill.xml", y->path);
	if ((x.ar = archive_read_new()) == NULL)
		return (complain(EX_IO, "out of memory"));
	archive_read_support_format_zip(x.ar);
	if (archive_read_open_filename(x.ar, y->path, 65536) != ARCHIVE_OK) {
		rv = complain(EX_DATA, "%s: %s", y->path,
		    archive_error_string(x.ar));
		goto out;
	}
	while ((rc = archive_read_next_header(x.ar, &ae)) == ARCHIVE_OK)
		if (archive_entry_pathname(ae) != NULL &&
		    strcmp(archive_entry_pathname(ae), "bill.xml") == 0)
			break;
	if (rc != ARCHIVE_OK) {
		rv = complain(EX_DATA, "%s: bill.xml went missing", y->path);
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
		switch (xmlTextReaderNodeType(r)) {
		case XML_READER_TYPE_DOCUMENT_TYPE:
			rv = complain(EX_DATA, "%s: a DOCTYPE is not accepted",
			    x.where);
			goto out;
		case XML_READER_TYPE_END_ELEMENT:	/* </patients> */
			if (pass == 2 && xmlTextReaderDepth(r) == 3)
				for (k = 0; k <= NELEMS(insurers); k++)
					if ((o = yout(y, k)) != NULL)
						ck(o, xmlTextWriterEndElement(
						    o->w));
			/* FALLTHROUGH */
		default:
			rc = xmlTextReaderRead(r);
			continue;
		case XML_READER_TYPE_ELEMENT:
			break;
		}
		name = (const char *)xmlTextReaderConstLocalName(r);
		depth = xmlTextReaderDepth(r);
		if (depth < 3) {
			if (strcmp(name, path[depth]) != 0 || seen[depth]++) {
				rv = complain(EX_DATA, "%s:%d: <%s> is out of "
				    "place (package/body/bill)", x.where,
				    xmlTextReaderGetParserLineNumber(r), name);
				goto out;
			}
			if (pass == 1 && depth == 1)
				yperiod(y, r);
			if (pass == 2)
				yattrs_all(y, r, name);
			if (pass == 2 && depth == 2)
				for (i = 0; i < NELEMS(insurers); i++)
					if (y->dem[i].n > 0)
						yaccount_sum(y, i);
			rc = xmlTextReaderRead(r);
			continue;
		}
		if (depth == 3 && strcmp(name, "patients") == 0) {
			if (seen[3]++) {
				rv = complain(EX_DATA, "%s:%d: a second "
				    "<patients>", x.where,
				    xmlTextReaderGetParserLineNumber(r));
				goto out;
			}
			for (k = 0; pass == 2 && k <= NELEMS(insurers); k++)
				if ((o = yout(y, k)) != NULL) {
					ck(o, xmlTextWriterStartElement(o->w,
					    BAD_CAST "patients"));
					if (xmlTextReaderIsEmptyElement(r))
						ck(o, xmlTextWriterEndElement(
						    o->w));
				}
			rc = xmlTextReaderRead(r);
			continue;
		}
		if (depth == 4 && strcmp(name, "patient") != 0) {
			rv = complain(EX_DATA, "%s:%d: <%s> in <patients>",
			    x.where, xmlTextReaderGetParserLineNumber(r),
			    name);
			goto out;
		}
		if ((n = xmlTextReaderExpand(r)) == NULL)
			break;
		if (depth == 4)
			rv = pass == 1 ? yscan_patient(y, x.where, n) :
			    ywrite_patient(y, x.where, n, &ia);
		else if (pass == 2)	/* bill's other children: as sent */
			copy_node(&y->flk, n);
		if (rv != EX_OK)
			goto out;
		rc = xmlTextReaderNext(r);
	}
	if (x.toobig)
		rv = complain(EX_DATA, "%s: inflates to more than %lld bytes",
		    x.where, MAX_XML);
	else if (rc != 0 || x.err[0] != '\0')
		rv = complain(EX_DATA, "%s: %s", x.where, x.err[0] != '\0' ?
		    x.err : "not well-formed XML");
	else if (y->nacc == 0)
		rv = complain(EX_DATA, "%s: no package/body/bill/patients/"
		    "patient/register_accounts/personal_account", x.where);
	else if (pass == 2 && ia != y->nacc)
		rv = complain(EX_DATA, "%s: changed while read", x.where);
	else if (pass == 2) {
		for (i = 0; i < NELEMS(insurers); i++)
			if (y->dem[i].n > 0) {
				yexpertises(f, y, i);
				ck(&y->dem[i], xmlTextWriterEndElement(
				    y->dem[i].w));	/* bill */
			}
		ck(&y->flk, xmlTextWriterEndElement(y->flk.w));	/* bill */
		yflk_protocol(f, y);
	}
out:
	xmlFreeTextReader(r);
	archive_read_free(x.ar);
	return (rv);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

static int
yunique(const struct yreg *y)
{
	const char **v;
	size_t i;
	int rv = EX_OK;

	if ((v = reallocarray(NULL, y->nacc, sizeof(*v))) == NULL)
		return (complain(EX_IO, "out of memory"));
	for (i = 0; i < y->nacc; i++)
		v[i] = y->acc[i].xkey;
	qsort(v, y->nacc, sizeof(*v), cmp_str);
	for (i = 1; i < y->nacc && rv == EX_OK; i++)
		if (strcmp(v[i], v[i - 1]) == 0)
			rv = complain(EX_DATA, "%s:bill.xml: xkey %s twice",
			    y->path, v[i]);
	free(v);
	return (rv);
}

/*
 * Who is refused what, as the federal mode picks: one shuffle of the
 * accounts, then ФЛК, --refuse, --partial and --demand-refuse (which is a
 * --refuse here: there is no control stage before the demand).
 */
static int
ydecide(const struct fund *f, struct yreg *y)
{
	struct rng rng;
	unsigned char *role = NULL;
	size_t *idx = NULL, i, t, n = y->nacc;
	long nf, nr, np, nd;
	struct yacc *a;
	struct ysum *s;
	int64_t part;

	rng_seed(&rng, mix64(f->seed ^ mix64(fnv1a(y->base))));
	if ((idx = reallocarray(NULL, n, sizeof(*idx))) == NULL ||
	    (role = calloc(n, 1)) == NULL) {
		free(idx);
		return (complain(EX_IO, "out of memory"));
	}
	for (i = 0; i < n; i++)
		idx[i] = i;
	shuffle(&rng, idx, n);
	nf = clamp(y->base, "--flk", f->nflk, n, "accounts");
	nr = clamp(y->base, "--refuse", f->nrefuse, n - (size_t)nf,
	    "accounts");
	np = clamp(y->base, "--partial", f->npartial, n - (size_t)(nf + nr),
	    "accounts");
	nd = clamp(y->base, "--demand-refuse", f->ndemand,
	    n - (size_t)(nf + nr + np), "accounts");
	for (i = 0; i < n; i++)
		role[idx[i]] = (long)i < nf ? ROLE_FLK : (long)i < nf + nr ?
		    ROLE_REFUSE : (long)i < nf + nr + np ? ROLE_PARTIAL :
		    (long)i < nf + nr + np + nd ? ROLE_REFUSE : ROLE_NONE;
	for (i = 0; i < n; i++) {
		a = &y->acc[i];
		a->dem = 1;
		switch (role[i]) {
		case ROLE_FLK:
			a->flk = 1 + (int)rnd(&rng, NELEMS(yflks));
			a->dem = 0;
			break;
		case ROLE_REFUSE:
		case ROLE_PARTIAL:
			part = role[i] == ROLE_REFUSE ? a->sum :
			    part_of(&rng, a->sum);
			a->dem = part >= a->sum ? 2 : 3;
			a->refused = part >= a->sum ? a->sum : part;
			a->why = (int)rnd(&rng, NELEMS(reasons));
			break;
		}
	}
	free(idx);
	free(role);

	/* what each insurer's answer holds */
	for (i = 0; i < n; i++) {
		a = &y->acc[i];
		if (a->dem == 0)
			continue;
		y->dem[a->ins].n++;
		for (s = a->el; s < a->el + a->nel; s++) {
			for (t = 0; t < y->ntot[a->ins]; t++)
				if (strcmp(y->tot[a->ins][t].type_acc,
				    s->type_acc) == 0)
					break;
			if (t == YAR_TOTALS)
				return (complain(EX_DATA, "%s:bill.xml: more "
				    "than %d kinds of sum/elem@type_acc",
				    y->path, YAR_TOTALS));
			if (t == y->ntot[a->ins]) {
				y->ntot[a->ins]++;
				memcpy(&y->tot[a->ins][t], s, sizeof(*s));
			} else {
				y->tot[a->ins][t].suml += s->suml;
				y->tot[a->ins][t].sum += s->sum;
			}
		}
	}
	return (EX_OK);
}

static void
ytruth_line(FILE *fp, const struct yreg *y, const char *stage,
    const struct yacc *a, const char *dec, int64_t acc, const char *why)
{
	char b1[32], b2[32], b3[32];

	tsv_field(fp, y->base, 0);
	tsv_field(fp, stage, 0);
	tsv_field(fp, a->n_pp, 0);
	tsv_field(fp, a->xkey, 0);
	tsv_field(fp, dec, 0);
	tsv_field(fp, money_fmt(a->sum, b1), 0);
	tsv_field(fp, money_fmt(acc, b2), 0);
	tsv_field(fp, money_fmt(a->sum - acc, b3), 0);
	tsv_field(fp, why, 1);
}

static void
ytruth(const struct fund *f, const struct yreg *y)
{
	const struct yacc *a;
	char kod[8];
	size_t i;

	for (i = 0; i < y->nacc; i++) {
		a = &y->acc[i];
		if (a->flk != 0)
			ytruth_line(f->truth, y, "flk", a, "rejected", 0,
			    yflks[a->flk - 1].defect);
		else
			ytruth_line(f->truth, y, "flk", a, "accepted", a->sum,
			    "");
	}
	for (i = 0; i < y->nacc; i++) {
		a = &y->acc[i];
		if (a->dem == 0)
			continue;
		snprintf(kod, sizeof(kod), "%d", reasons[a->why].kod);
		ytruth_line(f->truth, y, "demand", a, decision(a->dem),
		    a->sum - a->refused, a->dem == 1 ? "" : kod);
	}
}

static int
do_yar76(const struct fund *f, const char *path)
{
	struct yreg y;
	struct out *o;
	char name[NAMELEN];
	size_t i, j, v[4];
	int rv, fd;

	memset(&y, 0, sizeof(y));
	y.path = path;
	y.flk.yar = 1;
	for (i = 0; i < NELEMS(insurers); i++)
		y.dem[i].yar = 1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (complain(EX_IO, "%s: %s", path, strerror(errno)));
	close(fd);
	if (profile_of(path) != 1)
		return (complain(EX_DATA, "%s: not a yar76 archive (a ZIP "
		    "whose only entry is bill.xml)", path));
	if ((rv = yar_name(&y)) != EX_OK ||
	    (rv = ywalk(f, &y, 1)) != EX_OK ||
	    (rv = yunique(&y)) != EX_OK ||
	    (rv = ydecide(f, &y)) != EX_OK)
		goto out;
	snprintf(name, sizeof(name), "%.27s0%c", y.base, y.base[28]);
	if ((rv = out_open(f, &y.flk, name)) != EX_OK)
		goto out;
	for (i = 0; i < NELEMS(insurers); i++) {
		snprintf(name, sizeof(name), "%.27s2%c", y.base,
		    insurers[i].letter);
		if (y.dem[i].n > 0 &&
		    (rv = out_open(f, &y.dem[i], name)) != EX_OK)
			goto out;
	}
	if ((rv = ywalk(f, &y, 2)) != EX_OK)
		goto out;
	for (i = 0; i <= NELEMS(insurers); i++)
		if ((o = yout(&y, i)) != NULL &&
		    (rv = out_close(f, o)) != EX_OK)
			goto out;
	for (i = 0; i <= NELEMS(insurers); i++)
		if ((o = yout(&y, i)) != NULL &&
		    (rv = out_commit(f, o)) != EX_OK)
			goto out;
	ytruth(f, &y);
	fprintf(stderr, "%s: %s/%s.7z: ФЛК answer, %zu error(s)\n", PROG,
	    f->dir, y.flk.name, y.flk.n);
	for (i = 0; i < NELEMS(insurers); i++) {
		if (y.dem[i].n == 0)
			continue;
		memset(v, 0, sizeof(v));
		for (j = 0; j < y.nacc; j++)
			if (yin(&y, j, i))
				v[y.acc[j].dem]++;
		fprintf(stderr, "%s: %s/%s.7z: demand, payer %s, %zu "
		    "account(s): %zu accepted, %zu partial, %zu rejected\n",
		    PROG, f->dir, y.dem[i].name, insurers[i].code,
		    y.dem[i].n, v[1], v[3], v[2]);
	}
	if (y.flk.n == y.nacc)
		complain(EX_OK, "%s: no account passed ФЛК: no demand answer",
		    y.base);
out:
	out_abort(&y.flk);
	for (i = 0; i < NELEMS(insurers); i++)
		out_abort(&y.dem[i]);
	free(y.acc);
	return (rv);
}

/*
 * A truth.tsv already in DIR from a run of the other profile: 1 (and say
 * so).  Anything that is no truth.tsv header is overwritten as before.
 */
static int
truth_clash(const char *dir, const char *head)
{
	char *path, *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int rv = 0;

	if ((path = dirfile(dir, "", "truth.tsv", "")) == NULL)
		return (0);
	if ((fp = fopen(path, "r")) != NULL) {
		if ((n = getline(&line, &cap, fp)) > 0) {
			if (line[n - 1] == '\n')
				line[--n] = '\0';
			if (strncmp(line, "registry\t", 9) == 0 &&
			    strcmp(line, head) != 0) {
				complain(EX_USAGE, "%s holds the truth of a "
				    "%s run (other columns); use another -o "
				    "DIR", path, strcmp(line, FED_HEAD) == 0 ?
				    "federal" : strcmp(line, YAR_HEAD) == 0 ?
				    "yar76" : "different");
				rv = 1;
			}
		}
		free(line);
		fclose(fp);
	}
	free(path);
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
	int ch, fd, r, i, rval = EX_OK;

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
	for (f.yar = -1, i = 0; i < argc; i++)	/* one profile a run */
		if ((r = profile_of(argv[i])) == -1)
			continue;
		else if (f.yar == -1)
			f.yar = r;
		else if (r != f.yar)
			return (bad_usage("%s: a %s archive among %s ones: "
			    "truth.tsv cannot hold both; run them apart",
			    argv[i], r ? "yar76" : "federal", r ? "federal" :
			    "yar76"));
	f.yar = f.yar == 1;
	if (f.yar && f.flkfile)
		return (bad_usage("--flk-file is for federal archives only"));
	day = parse_date(f.date);
	f.mtime = (time_t)day * 86400 + 12 * 3600;

	LIBXML_TEST_VERSION
	if (mkdirs(f.dir) == -1 || stat(f.dir, &sb) == -1 ||
	    !S_ISDIR(sb.st_mode))
		return (complain(EX_IO, "%s: cannot create the directory: %s",
		    f.dir, strerror(errno)));
	if (truth_clash(f.dir, f.yar ? YAR_HEAD : FED_HEAD))
		return (EX_USAGE);
	if ((f.truthtmp = dirfile(f.dir, "", ".truth.tsv", ".XXXXXX")) ==
	    NULL)
		return (complain(EX_IO, "out of memory"));
	if ((fd = mkstemp(f.truthtmp)) == -1 ||
	    (f.truth = fdopen(fd, "w")) == NULL)
		return (complain(EX_IO, "%s: %s", f.truthtmp,
		    strerror(errno)));
	fputs(f.yar ? YAR_HEAD "\n" : FED_HEAD "\n", f.truth);

	for (; *argv != NULL; argv++)
		if ((r = f.yar ? do_yar76(&f, *argv) : do_registry(&f,
		    *argv)) > rval)
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
