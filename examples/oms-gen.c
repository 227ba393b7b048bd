/*
 * oms-gen -- a synthetic MIS export for testing oms (no real personal data)
 *
 * Plays the medical organisation's information system: for every month it
 * writes the main registry file (HM...) with its persons file (LM...) and a
 * dispensarisation file (DPM..., ДВ1) with its persons file (LPM...), and
 * with --kinds a cancer file (CM...) and a high-tech care file (TM...), in
 * the FFOMS XML format of the version the period calls for
 * (docs/ffoms-format.md), windows-1251 encoded.
 * With --profile yar76 it writes instead one Yaroslavl "bill.xml" per month
 * (package/body/bill v6.15, shared/spec/yar76-format.md §2).
 *
 * Deterministic: the same options give byte-identical files (own PRNG,
 * no clock).  Streams: a file is generated twice, first to learn SD_Z and
 * SUMMAV for the header, then to write it; persons are derived from their
 * number, so only a bitmap of the persons used is kept per file.
 *
 * Build: gcc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -O2 \
 *            -o examples/oms-gen examples/oms-gen.c
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG		"oms-gen"
#define MAX_N		10000000L	/* N_ZAP is N(8) */
#define MAX_MONTHS	1200
#define MAX_DEFECTS	64
#define MAX_SL		2
#define MAX_USL		3

enum { EX_OK = 0, EX_FAIL = 1, EX_USAGE = 2, EX_IO = 3 };

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
static long
rnd(struct rng *r, long n)
{
	return (n <= 1 ? 0 : (long)((rng_next(r) >> 11) % (uint64_t)n));
}

/* uniform in [a, b] */
static long
rnd_in(struct rng *r, long a, long b)
{
	return (b <= a ? a : a + rnd(r, b - a + 1));
}

/* true with probability pct/100 */
static int
chance(struct rng *r, int pct)
{
	return (rnd(r, 100) < pct);
}

/* A value derived from a key and a number, for per-person attributes. */
static uint64_t
hash2(uint64_t key, uint64_t x, uint64_t salt)
{
	return (mix64(key ^ mix64(x * 0x2545f4914f6cdd1dULL + salt)));
}

/* ------------------------------------------------------------- dates */

/* Days since 1970-01-01 (H. Hinnant's algorithms). */
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

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, int m)
{
	return ((int)(m == 12 ? days_from_civil(y + 1, 1, 1) :
	    days_from_civil(y, m + 1, 1)) - (int)days_from_civil(y, m, 1));
}

/* Whole years from birth date b to day t. */
static int
age_at(long b, long t)
{
	int by, bm, bd, ty, tm, td, a;

	civil_from_days(b, &by, &bm, &bd);
	civil_from_days(t, &ty, &tm, &td);
	a = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		a--;
	return (a);
}

static long
add_years(long day, int n)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	return (days_from_civil(y + n, m, d));
}

/* ---------------------------------------------------------- reference */

/*
 * Care profiles: V002 profile, V021 speciality, visit codes and tariffs
 * (kopecks), bed profile (V020) and hospital service code where the
 * profile treats in hospital.  Codes and tariffs are plausible, synthetic.
 */
struct prof {
	int		 profil, prvs, profil_k;
	const char	*visit1, *visit2, *hosp;
	long		 tarif1, tarif2;
	const char	*ds[6];		/* '+' prefix: acute (C_ZAB 1) */
	int		 sex;		/* 0 any, 2 female only */
	int		 child;		/* 1 children only */
};

enum { P_THER, P_GP, P_CARD, P_NEUR, P_SURG, P_GYN, P_OPHT, P_ENT, P_ENDO,
	P_PED, P_NEPH, P_REHAB, P_TRAUM, P_ONC, P_CSURG, NPROF };

static const struct prof profs[NPROF] = {
	[P_THER] = { 97, 76, 30, "B01.047.001", "B01.047.002", "B01.047.009",
	    61240, 48015, { "+J06.9", "+J20.9", "I10", "I11.9", "K29.5",
	    "+M54.5" }, 0, 0 },
	[P_GP] = { 57, 39, 0, "B01.026.001", "B01.026.002", NULL,
	    64000, 49830, { "+J06.9", "+J02.9", "I10", "E11.9", "K29.5",
	    "+M54.5" }, 0, 0 },
	[P_CARD] = { 29, 23, 11, "B01.015.001", "B01.015.002", "B01.015.006",
	    74510, 59070, { "I10", "I11.9", "I25.1", "I48.0", NULL, NULL },
	    0, 0 },
	[P_NEUR] = { 53, 53, 13, "B01.023.001", "B01.023.002", "B01.023.003",
	    74510, 59070, { "+G44.2", "G43.0", "M54.1", "I67.8", NULL, NULL },
	    0, 0 },
	[P_SURG] = { 112, 87, 40, "B01.057.001", "B01.057.002", "B01.057.003",
	    70255, 56000, { "+L02.4", "K40.9", "+S61.0", "+L72.1", NULL,
	    NULL }, 0, 0 },
	[P_GYN] = { 136, 2, 3, "B01.001.001", "B01.001.002", "B01.001.005",
	    78025, 61090, { "+N76.0", "N95.1", "N92.0", NULL, NULL, NULL },
	    2, 0 },
	[P_OPHT] = { 65, 48, 24, "B01.029.001", "B01.029.002", "B01.029.003",
	    69080, 52040, { "+H10.0", "H52.1", "H40.1", "H25.0", NULL, NULL },
	    0, 0 },
	[P_ENT] = { 162, 47, 0, "B01.028.001", "B01.028.002", NULL,
	    69080, 52040, { "J31.0", "+H66.9", "J32.0", "+J03.9", NULL, NULL },
	    0, 0 },
	[P_ENDO] = { 122, 17, 0, "B01.058.001", "B01.058.002", NULL,
	    74510, 59070, { "E11.9", "E03.9", "E66.0", NULL, NULL, NULL },
	    0, 0 },
	[P_PED] = { 68, 49, 0, "B01.031.001", "B01.031.002", NULL,
	    65000, 50500, { "+J06.9", "+J02.9", "+A08.4", "+J20.9", "L20.8",
	    NULL }, 0, 1 },
	[P_NEPH] = { 56, 40, 18, NULL, NULL, "B01.025.003", 0, 0,
	    { NULL }, 0, 0 },
	[P_REHAB] = { 158, 104, 32, NULL, NULL, "B05.023.001", 0, 0,
	    { NULL }, 0, 0 },
	[P_TRAUM] = { 100, 90, 47, NULL, NULL, "B01.050.003", 0, 0,
	    { NULL }, 0, 0 },
	/* the C file: a known cancer followed up in the clinic */
	[P_ONC] = { 60, 41, 0, "B01.027.001", "B01.027.002", NULL,
	    79010, 62040, { "C18.7", "C34.1", "C44.3", "C67.9", "C16.2",
	    "C43.5" }, 0, 0 },
	/* the T file: high-tech cardiac surgery */
	[P_CSURG] = { 81, 67, 9, NULL, NULL, "A16.12.004", 0, 0,
	    { "I25.1", "I20.8", "I35.0", NULL, NULL, NULL }, 0, 0 },
};

/*
 * High-tech care (T file): type (V018-shaped), method (V019-shaped) and
 * the standard cost in kopecks; synthetic.
 */
static const struct {
	const char	*vid;
	int		 metod;
	long		 cost;
} vmps[] = {
	{ "14.00.1.001", 451, 25134000 }, { "14.00.1.002", 452, 31287000 },
	{ "14.00.2.001", 463, 42150000 },
};

/* outpatient profile for an adult, by weight */
static const struct {
	int	prof, weight;
} outprof[] = {
	{ P_THER, 35 }, { P_GP, 10 }, { P_CARD, 10 }, { P_NEUR, 10 },
	{ P_SURG, 8 }, { P_GYN, 8 }, { P_OPHT, 7 }, { P_ENT, 7 },
	{ P_ENDO, 5 },
};

/* diagnostic services of an outpatient episode */
static const struct {
	const char	*code;
	long		 tarif;
} diags[] = {
	{ "A09.05.023", 9850 }, { "B03.016.002", 21200 },
	{ "A05.10.006", 31080 }, { "A06.09.006", 35500 },
	{ "A04.16.001", 82030 }, { "B03.016.006", 18040 },
};

/*
 * KSG groups: keep in step with ref/ksg.tsv (code, min_days, max_days);
 * koef is KOEF_Z times 100000.  sex/maxage restrict the patients.
 */
struct ksg {
	const char	*code;
	int		 min, max;
	long		 koef;
	int		 prof;
	const char	*ds[3];
	int		 sex, maxage;
};

static const struct ksg ksgs[] = {
	{ "st02.001", 2, 10, 93000, P_GYN, { "O21.0", "O23.0", "O26.8" }, 2, 45 },
	{ "st04.002", 5, 14, 201000, P_THER, { "K50.1", "K51.0", NULL }, 0, 0 },
	{ "st12.001", 3, 10, 58000, P_THER, { "A04.9", "A08.4", "A09.0" }, 0, 0 },
	{ "st13.001", 5, 15, 142000, P_CARD, { "I20.0", "I21.4", NULL }, 0, 0 },
	{ "st13.004", 3, 12, 112000, P_CARD, { "I48.0", "I47.1", NULL }, 0, 0 },
	{ "st13.006", 5, 16, 142000, P_CARD, { "I42.0", "I40.9", NULL }, 0, 0 },
	{ "st15.006", 3, 12, 96000, P_NEUR, { "G40.2", "R56.8", NULL }, 0, 0 },
	{ "st15.015", 7, 21, 252000, P_NEUR, { "I63.5", "I63.3", NULL }, 0, 0 },
	{ "st15.016", 5, 14, 82000, P_NEUR, { "I67.8", "I67.2", NULL }, 0, 0 },
	{ "st16.005", 3, 10, 40000, P_NEUR, { "S06.0", NULL, NULL }, 0, 0 },
	{ "st23.004", 5, 20, 128000, P_THER, { "J18.9", "J15.9", "J90" }, 0, 0 },
	{ "st23.005", 4, 14, 111000, P_THER, { "J45.0", "J45.9", NULL }, 0, 0 },
	{ "st25.004", 1, 5, 101000, P_CARD, { "I25.1", "I11.9", NULL }, 0, 0 },
	{ "st27.001", 3, 10, 74000, P_THER, { "K29.5", "K21.0", "K25.3" }, 0, 0 },
	{ "st27.003", 3, 10, 72000, P_THER, { "K80.2", "K81.1", NULL }, 0, 0 },
	{ "st27.007", 4, 12, 78000, P_CARD, { "I20.8", "I25.1", NULL }, 0, 0 },
	{ "st27.009", 4, 12, 78000, P_CARD, { "I50.0", "I11.0", NULL }, 0, 0 },
	{ "st27.012", 1, 7, 53000, P_THER, { "T42.4", "T51.0", NULL }, 0, 0 },
	{ "st29.001", 3, 12, 99000, P_TRAUM, { "M21.0", "M21.6", NULL }, 0, 0 },
	{ "st37.001", 12, 21, 153000, P_REHAB, { "I69.3", "G81.9", NULL }, 0, 0 },
	{ "ds02.001", 2, 10, 83000, P_GYN, { "O21.0", "O23.1", NULL }, 2, 45 },
	{ "ds04.001", 3, 12, 89000, P_THER, { "K29.5", "K86.1", NULL }, 0, 0 },
	{ "ds13.001", 3, 14, 80000, P_CARD, { "I11.9", "I25.1", "I10" }, 0, 0 },
	{ "ds15.001", 3, 14, 98000, P_NEUR, { "G55.1", "G62.9", NULL }, 0, 0 },
	{ "ds18.001", 3, 14, 160000, P_NEPH, { "N03.9", "N18.3", NULL }, 0, 0 },
	{ "ds21.001", 2, 8, 39000, P_OPHT, { "H40.1", "H26.9", NULL }, 0, 0 },
	{ "ds23.001", 3, 12, 90000, P_THER, { "J44.1", "J45.0", NULL }, 0, 0 },
	{ "ds25.001", 1, 5, 184000, P_CARD, { "I25.1", NULL, NULL }, 0, 0 },
	{ "ds29.001", 3, 12, 94000, P_TRAUM, { "M42.1", "M17.1", NULL }, 0, 0 },
	{ "ds37.001", 8, 14, 198000, P_REHAB, { "I69.3", NULL, NULL }, 0, 0 },
};
#define NKSG		(sizeof(ksgs) / sizeof(ksgs[0]))
#define NKSG_ST		20		/* st... first, then ds... */
#define BZTSZ_KS	2785040L	/* base rate, 24-hour hospital */
#define BZTSZ_DS	1564020L	/* base rate, day hospital */

/* the first stage of the adult dispensarisation (ДВ1) */
static const struct {
	const char	*code;
	long		 tarif;
} dvn[] = {
	{ "B04.047.002", 115000 },	/* the therapist's examination */
	{ "A09.05.023", 9850 }, { "A09.05.026", 10520 },
	{ "A05.10.006", 31080 }, { "A06.09.006", 35500 },
};

/* surnames take -А in the feminine */
static const char *const fams[] = {
	"ИВАНОВ", "ПЕТРОВ", "СИДОРОВ", "СМИРНОВ", "КУЗНЕЦОВ", "ПОПОВ",
	"ВАСИЛЬЕВ", "СОКОЛОВ", "МИХАЙЛОВ", "НОВИКОВ", "ФЁДОРОВ", "МОРОЗОВ",
	"ВОЛКОВ", "АЛЕКСЕЕВ", "ЛЕБЕДЕВ", "СЕМЁНОВ", "ЕГОРОВ", "ПАВЛОВ",
	"КОЗЛОВ", "СТЕПАНОВ", "НИКОЛАЕВ", "ОРЛОВ", "АНДРЕЕВ", "МАКАРОВ",
	"НИКИТИН", "ЗАХАРОВ", "ЗАЙЦЕВ", "СОЛОВЬЁВ", "БОРИСОВ", "ЯКОВЛЕВ",
	"ГРИГОРЬЕВ", "РОМАНОВ", "ВОРОБЬЁВ", "СЕРГЕЕВ", "КОВАЛЁВ", "ФРОЛОВ",
	"ЖУКОВ", "БЕЛОВ", "КОМАРОВ", "ТИХОНОВ",
};
static const char *const ims_m[] = {
	"АЛЕКСАНДР", "СЕРГЕЙ", "ДМИТРИЙ", "АНДРЕЙ", "АЛЕКСЕЙ", "МАКСИМ",
	"ЕВГЕНИЙ", "ИВАН", "МИХАИЛ", "НИКОЛАЙ", "ВЛАДИМИР", "ПАВЕЛ",
	"АРТЁМ", "ЮРИЙ", "ВИКТОР", "ОЛЕГ", "РОМАН", "ИГОРЬ", "КОНСТАНТИН",
	"ДЕНИС",
};
static const char *const ims_f[] = {
	"ЕЛЕНА", "ОЛЬГА", "НАТАЛЬЯ", "ТАТЬЯНА", "ИРИНА", "СВЕТЛАНА", "АННА",
	"МАРИЯ", "ЮЛИЯ", "ЕКАТЕРИНА", "ГАЛИНА", "ЛЮДМИЛА", "МАРИНА",
	"ВАЛЕНТИНА", "НАДЕЖДА", "ДАРЬЯ", "ЛАРИСА", "ОКСАНА", "ВЕРА", "ПОЛИНА",
};
static const char *const ots[][2] = {
	{ "АЛЕКСАНДРОВИЧ", "АЛЕКСАНДРОВНА" }, { "СЕРГЕЕВИЧ", "СЕРГЕЕВНА" },
	{ "ДМИТРИЕВИЧ", "ДМИТРИЕВНА" }, { "АНДРЕЕВИЧ", "АНДРЕЕВНА" },
	{ "АЛЕКСЕЕВИЧ", "АЛЕКСЕЕВНА" }, { "ИВАНОВИЧ", "ИВАНОВНА" },
	{ "МИХАЙЛОВИЧ", "МИХАЙЛОВНА" }, { "НИКОЛАЕВИЧ", "НИКОЛАЕВНА" },
	{ "ВЛАДИМИРОВИЧ", "ВЛАДИМИРОВНА" }, { "ПАВЛОВИЧ", "ПАВЛОВНА" },
	{ "ВИКТОРОВИЧ", "ВИКТОРОВНА" }, { "ОЛЕГОВИЧ", "ОЛЕГОВНА" },
	{ "ЮРЬЕВИЧ", "ЮРЬЕВНА" }, { "ПЕТРОВИЧ", "ПЕТРОВНА" },
	{ "ВАСИЛЬЕВИЧ", "ВАСИЛЬЕВНА" }, { "ЕВГЕНЬЕВИЧ", "ЕВГЕНЬЕВНА" },
};
static const char *const cities[] = {
	"Г. ЯРОСЛАВЛЬ", "Г. РЫБИНСК", "Г. КОСТРОМА", "Г. ВОЛОГДА",
	"Г. МОСКВА", "Г. ИВАНОВО", "Г. ТВЕРЬ", "Г. ВЛАДИМИР",
};
static const char *const docorgs[] = {
	"ОТДЕЛОМ УФМС РОССИИ", "ОТДЕЛЕНИЕМ УФМС РОССИИ", "УМВД РОССИИ",
	"ОТДЕЛОМ ВНУТРЕННИХ ДЕЛ", "ГУ МВД РОССИИ",
};
static const char *const roman[] = { "I", "II", "III", "IV", "V" };
static const char *const zags[] = { "ГР", "ЯР", "КО", "МЮ", "ВО" };

/* Regions: the fund code, OKATO of the subject, an insurer there. */
static const struct {
	const char	*tfoms, *okato, *smo;
} regions[] = {
	{ "76", "78000", "76001" }, { "77", "45000", "77011" },
	{ "78", "40000", "78005" }, { "50", "46000", "50046" },
	{ "44", "34000", "44002" }, { "35", "19000", "35003" },
	{ "37", "24000", "37001" },
};
#define NREGIONS	(sizeof(regions) / sizeof(regions[0]))

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ options */

enum defect_kind { D_SUM, D_SNILS, D_USLDATE, D_KSG, D_SMO };
static const char *const defect_names[] = { "sum", "snils", "usl-date",
	"ksg", "smo" };

enum profile { PR_FFOMS, PR_YAR76 };

/* the files of a month, in the order written (the H file last) */
enum { F_H, F_DP, F_C, F_T };
#define FK_H		(1 << F_H)
#define FK_DP		(1 << F_DP)
#define FK_C		(1 << F_C)
#define FK_T		(1 << F_T)
static const char *const fkind_names[] = { "H", "DP", "C", "T" };

/*
 * The format version of a file kind (F_* or 4 for L) in a period, as
 * ref/versions.tsv of oms has it (keep the two in step): H 3.2 from
 * 2022-01 and 4.0 from 2024-03; C 4.0 from 2024-03; every kind 5.0 from
 * 2025-01 and 5.1 from 2025-07; before, 3.1; L 3.2 from 2019-11.
 */
static const char *
kind_version(int fk, int ym)
{
	if (fk == 4)
		return (ym >= 201911 ? "3.2" : "3.1");
	if (ym >= 202507)
		return ("5.1");
	if (ym >= 202501)
		return ("5.0");
	if (ym >= 202403 && (fk == F_H || fk == F_C))
		return ("4.0");
	if (ym >= 202201 && fk == F_H)
		return ("3.2");
	return ("3.1");
}

struct defect {
	enum defect_kind kind;
	long		 n;
	int		 applied;
};

struct opts {
	uint64_t	 seed;
	long		 n, months;
	int		 y0, m0;
	char		 mo[7], tfoms[3];
	char		 ogrn[14], kpp[10];	/* yar76 */
	enum profile	 profile;
	const char	*dir;
	struct defect	 def[MAX_DEFECTS];
	int		 ndef;
	int		 kinds;			/* FK_* bits */
	char		 version[4][6];		/* --version KIND=V, by F_* */
};

/* ------------------------------------------------------------- state */

/* Everything a file's generation changes; copied to run it twice. */
struct state {
	struct rng	 rng;
	long		 caseno;	/* over the run, for --defect */
	uint64_t	 guid;		/* SL_ID counter */
	long		 idserv;	/* within the file */
	long		 nhist;
	int		 blk[10], blkpos;	/* payer classes, see next_class() */
	struct defect	 def[MAX_DEFECTS];
	long		 extra[MAX_DEFECTS];	/* case numbers of bad-SNILS persons */
	int		 nextra;
};

struct gen {
	const struct opts *o;
	uint64_t	 key;		/* derived from all options */
	long		 pool;		/* persons 1..pool */
	long		 total;		/* cases of the run */
	long		 ref_day;	/* the first day of the first period */
	int		 own_region;	/* index in regions[], -1 none */
	char		 own_okato[3];
	unsigned char	*used;		/* bitmap: persons of the current file */
	long		 nused;
	long		 force_person;	/* yar76: the next case's person */
	struct state	 st;
	/* the current file */
	int		 year, month;
	long		 first, last;	/* days of the month */
	char		 version[6];	/* of the cases file */
	char		 pversion[6];	/* of the persons file */
	int		 v5;		/* 5.0 or later */
	int		 v31;		/* 3.1: NPOLIS, USL/PRVS and CODE_MD */
};

struct person {
	long		 id;
	int		 w;		/* 1 male, 2 female */
	long		 dr;
	const char	*fam, *im, *ot;	/* fam gets 'А' when w == 2 */
	int		 region;	/* index in regions[]; -1 own */
	const char	*smo;
	char		 smobuf[6];
	char		 enp[17];
	char		 snils[15];
	int		 child_doc;	/* birth certificate */
	char		 docser[16], docnum[8];
	long		 docdate;
	const char	*docorg, *mr;
	char		 tel[24];
	int		 soc;
};

/* ------------------------------------------------------ check digits */

static int
snils_ctl(long body)
{
	int d[9], i, s = 0;

	for (i = 8; i >= 0; i--, body /= 10)
		d[i] = (int)(body % 10);
	for (i = 0; i < 9; i++)
		s += d[i] * (9 - i);
	if (s < 100)
		return (s);
	if (s <= 101)
		return (0);
	s %= 101;
	return (s == 100 ? 0 : s);
}

/*
 * A SNILS for number x: an affine bijection onto the numbers above
 * 001-001-998 (which carry a check sum), so distinct x never collide.
 */
static void
make_snils(char *buf, uint64_t key, long x, int bad)
{
	const long M = 999999999L - 1002000L + 1;
	long body = 1002000L + (long)(((uint64_t)x * 1000003ULL +
	    key % (uint64_t)M) % (uint64_t)M);
	int ctl = snils_ctl(body);
	char tmp[48];

	if (bad)
		ctl = (ctl + 1) % 100;	/* any other value is wrong */
	snprintf(tmp, sizeof(tmp), "%03ld-%03ld-%03ld %02d", body / 1000000,
	    body / 1000 % 1000, body % 1000, ctl);
	memcpy(buf, tmp, 14);		/* always 14 characters */
	buf[14] = '\0';
}

/* ENP: region, 13 digits (a bijection of x), Luhn check digit. */
static void
make_enp(char *buf, uint64_t key, const char *region, long x)
{
	const uint64_t M = 10000000000000ULL;
	uint64_t body = ((uint64_t)x * 7777777ULL + key % M) % M;
	int i, dig, sum = 0;

	snprintf(buf, 17, "%s%013" PRIu64, region, body);
	for (i = 14; i >= 0; i--) {
		dig = buf[i] - '0';
		if ((14 - i) % 2 == 0 && (dig *= 2) > 9)
			dig -= 9;
		sum += dig;
	}
	buf[15] = (char)('0' + (10 - sum % 10) % 10);
	buf[16] = '\0';
}

/* ----------------------------------------------------------- persons */

/*
 * The insurer of person N is pay_class[(N - 1) % 10]: 0 the region's first
 * insurer ({tfoms}001), 1 its second ({tfoms}002), 2 an insurer of another
 * region.  Cases draw the class from shuffled blocks of ten, so every ten
 * cases of a file have exactly 6, 3 and 1 of them.
 */
static const int pay_class[10] = { 0, 1, 0, 0, 2, 0, 1, 0, 1, 0 };

static void
person_get(const struct gen *g, long id, struct person *p)
{
	uint64_t h = hash2(g->key, (uint64_t)id, 1), h2, h3;
	int age, i, bad = 0;

	memset(p, 0, sizeof(*p));
	h2 = hash2(g->key, (uint64_t)id, 2);
	h3 = hash2(g->key, (uint64_t)id, 3);
	p->id = id;
	p->w = (int)(h & 1) + 1;
	p->fam = fams[(h >> 1) % NELEMS(fams)];
	p->im = p->w == 1 ? ims_m[(h >> 9) % NELEMS(ims_m)] :
	    ims_f[(h >> 9) % NELEMS(ims_f)];
	p->ot = (h >> 17) % 100 == 0 ? NULL :
	    ots[(h >> 24) % NELEMS(ots)][p->w - 1];
	if ((h >> 31) % 100 < 12)
		age = 1 + (int)((h >> 38) % 17);	/* a child */
	else
		age = 18 + (int)((h >> 38) % 73);
	p->dr = g->ref_day - age * 365L - (long)((h2 >> 3) % 365);
	/* insurance by the person's number: see pay_class[] */
	p->region = -1;
	i = pay_class[(id - 1) % 10];
	if (i < 2) {
		snprintf(p->smobuf, sizeof(p->smobuf), "%s00%c", g->o->tfoms,
		    (char)('1' + i));
		p->smo = p->smobuf;
	} else {
		int r = (int)((h2 >> 20) % NREGIONS);

		if (r == g->own_region)
			r = (r + 1) % (int)NREGIONS;
		p->region = r;
		p->smo = regions[r].smo;
	}
	make_enp(p->enp, g->key, p->region == -1 ? g->o->tfoms :
	    regions[p->region].tfoms, id);
	for (i = 0; i < g->st.nextra; i++)
		if (g->pool + 1 + i == id)
			bad = 1;
	make_snils(p->snils, g->key, id, bad);
	p->mr = cities[(h2 >> 28) % NELEMS(cities)];
	age = age_at(p->dr, g->ref_day);
	if (age < 14) {
		p->child_doc = 1;
		snprintf(p->docser, sizeof(p->docser), "%s-%s",
		    roman[(h3 >> 1) % NELEMS(roman)], zags[(h3 >> 4) % NELEMS(zags)]);
		p->docdate = p->dr + 7 + (long)((h3 >> 8) % 30);
		p->docorg = "ОТДЕЛОМ ЗАГС";
	} else {
		int at = age >= 45 ? 45 : age >= 20 ? 20 : 14;
		long d = add_years(p->dr, at) + (long)((h3 >> 8) % 40);

		if (d > g->ref_day)
			d = g->ref_day - 1;
		snprintf(p->docser, sizeof(p->docser), "%02d %02d",
		    (int)((h3 >> 16) % 99) + 1, (int)(((d / 365) + 70) % 100));
		p->docdate = d;
		p->docorg = docorgs[(h3 >> 24) % NELEMS(docorgs)];
	}
	snprintf(p->docnum, sizeof(p->docnum), "%06d",
	    (int)((h3 >> 32) % 1000000));
	snprintf(p->tel, sizeof(p->tel), "+7 000 %03d-%02d-%02d",
	    (int)((h3 >> 40) % 1000), (int)((h3 >> 50) % 100),
	    (int)((h3 >> 57) % 100));
	p->soc = (h2 >> 40) % 100 < 2 ? 35 : 0;
}

/* A block of ten payer classes, shuffled. */
static void
shuffle_block(int *blk, struct rng *r)
{
	int i, j, t;

	memcpy(blk, pay_class, sizeof(pay_class));
	for (i = 9; i > 0; i--) {
		j = (int)rnd(r, i + 1);
		t = blk[i];
		blk[i] = blk[j];
		blk[j] = t;
	}
}

/* The payer class of the next case of the file. */
static int
next_class(struct gen *g)
{
	struct state *st = &g->st;

	if (st->blkpos >= 10) {
		shuffle_block(st->blk, &st->rng);
		st->blkpos = 0;
	}
	return (st->blk[st->blkpos++]);
}

/*
 * A person from the pool of the payer class drawn for the case (any, when
 * the pool is too small), at least 18 on day t if adult (when possible).
 */
static long
pick_person(struct gen *g, int adult, long t)
{
	long id = 0, nb;
	int i, slot, nslots = 0, slots[10], cls = next_class(g);

	for (slot = 0; slot < 10; slot++)
		if (pay_class[slot] == cls && slot < g->pool)
			slots[nslots++] = slot;
	for (i = 0; i < 24; i++) {
		struct person p;

		if (nslots > 0) {
			/* a block of ten whose slot is in the pool */
			slot = slots[rnd(&g->st.rng, nslots)];
			nb = (g->pool - slot - 1) / 10 + 1;
			id = 10 * rnd(&g->st.rng, nb) + slot + 1;
		} else
			id = 1 + rnd(&g->st.rng, g->pool);
		if (!adult)
			break;
		person_get(g, id, &p);
		if (age_at(p.dr, t) >= 18)
			break;
	}
	return (id);
}

/* ------------------------------------------------------------- cases */

enum { K_AMB, K_KS, K_DS, K_DISP, K_ONK, K_VMP };

struct usl {
	long		 d_in, d_out;
	const char	*code;
	long		 kol;		/* hundredths */
	long		 tarif, sum;	/* kopecks */
	char		 id[24];
};

struct sl {
	char		 id[37];
	int		 prof, det;
	const char	*p_cel;
	long		 d1, d2;
	int		 kd;		/* -1 none */
	const char	*ds1;
	int		 c_zab;		/* 0 none */
	int		 p_per;		/* 0 none */
	const struct ksg *ksg;
	int		 ksg_bad;
	int		 doc;		/* doctor number */
	long		 tarif, sum_m;
	char		 nhist[32];
	/* high-tech care: vmps[vmp], the voucher */
	int		 vmp;
	long		 tal_d, tal_p;
	char		 tal_num[24];
	/* dispensarisation */
	int		 pr_d_n, ds1_pr, naz;
	int		 nusl;
	struct usl	 usl[MAX_USL];
};

struct zcase {
	int		 kind;
	long		 caseno;	/* over the run */
	long		 person;
	int		 age;
	int		 usl_ok, vidpom, for_pom;
	char		 npr_mo[7];
	long		 npr_date;	/* -1 none */
	long		 dz1, dz2;
	int		 kd_z;		/* -1 none */
	int		 rslt, ishod, rslt_d;
	int		 idsp;
	long		 sumv;
	int		 nsl;
	struct sl	 sl[MAX_SL];
};

/*
 * SL_ID: a v4-shaped GUID whose last 48 bits are a bijection of a counter
 * (unique within a run) and whose other bits are random.
 */
static void
make_guid(struct gen *g, char *buf)
{
	const uint64_t m48 = (1ULL << 48) - 1;
	uint64_t x = (g->st.guid++ ^ g->key) & m48;
	uint64_t hi = rng_next(&g->st.rng), lo = rng_next(&g->st.rng);

	x = (x * 0x9e3779b97f4a7c15ULL) & m48;
	x ^= x >> 24;
	x = (x * 0xd6e8feb86659fd93ULL) & m48;
	snprintf(buf, 37, "%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64
	    "-%04" PRIx64 "-%012" PRIx64, hi >> 32, (hi >> 16) & 0xffff,
	    hi & 0xfff, ((lo >> 48) & 0x3fff) | 0x8000, x);
}

/* A doctor of a profile: one of three, numbered 1000 * profile + i. */
static int
pick_doc(struct gen *g, int prof)
{
	return (1000 * (prof + 1) + (int)rnd(&g->st.rng, 3));
}

static void
add_usl(struct gen *g, struct sl *s, long d_in, long d_out, const char *code,
    long tarif, long kol)
{
	struct usl *u = &s->usl[s->nusl++];

	u->d_in = d_in;
	u->d_out = d_out;
	u->code = code;
	u->kol = kol;
	u->tarif = tarif;
	u->sum = tarif * kol / 100;
	snprintf(u->id, sizeof(u->id), "%ld", ++g->st.idserv);
	s->sum_m += u->sum;
}

static const char *
pick_ds(struct gen *g, const struct prof *p, int *acute)
{
	int n = 0;
	const char *d;

	while (n < 6 && p->ds[n] != NULL)
		n++;
	d = p->ds[rnd(&g->st.rng, n)];
	*acute = d[0] == '+';
	return (d + (d[0] == '+'));
}

/* An outpatient episode over [d1, d2]: visits and tests. */
static void
amb_sl(struct gen *g, struct zcase *c, struct sl *s, int prof, long d1,
    long d2, int multi)
{
	const struct prof *p = &profs[prof];
	int acute, k;

	make_guid(g, s->id);
	s->prof = prof;
	s->d1 = d1;
	s->d2 = d2;
	s->kd = -1;
	s->p_cel = multi ? "3.0" : "1.0";
	s->ds1 = pick_ds(g, p, &acute);
	s->c_zab = acute ? 1 : chance(&g->st.rng, 20) ? 2 : 3;
	s->doc = pick_doc(g, prof);
	snprintf(s->nhist, sizeof(s->nhist), "%ld", c->person);
	add_usl(g, s, d1, d1, p->visit1, p->tarif1, 100);
	k = (int)rnd(&g->st.rng, 3);		/* 0..2 more */
	if (d2 > d1 && k == 0)
		k = 1;
	if (k == 2 || (k == 1 && d2 == d1)) {
		int t = (int)rnd(&g->st.rng, NELEMS(diags));
		long day = rnd_in(&g->st.rng, d1, d2);

		add_usl(g, s, day, day, diags[t].code, diags[t].tarif, 100);
		k--;
	}
	if (k == 1) {
		if (d2 > d1)
			add_usl(g, s, d2, d2, p->visit2, p->tarif2, 100);
		else {
			int t = (int)rnd(&g->st.rng, NELEMS(diags));

			if (strcmp(diags[t].code, s->usl[s->nusl - 1].code) == 0)
				t = (t + 1) % (int)NELEMS(diags);
			add_usl(g, s, d1, d1, diags[t].code, diags[t].tarif,
			    100);
		}
	}
	s->tarif = s->sum_m;
}

static int
ksg_fits(const struct ksg *k, const struct person *p, int age)
{
	return ((k->sex == 0 || k->sex == p->w) &&
	    (k->maxage == 0 || age <= k->maxage));
}

/* Choose the case's dates: [s, e], e in the month, ~10 % start before. */
static void
case_dates(struct gen *g, long span, int prev, long *s, long *e)
{
	if (prev && span > 0) {
		long hi = g->first + span - 1;

		*e = rnd_in(&g->st.rng, g->first, hi < g->last ? hi : g->last);
	} else
		*e = rnd_in(&g->st.rng, g->first + span, g->last);
	*s = *e - span;
}

static void
make_case(struct gen *g, int disp, struct zcase *c)
{
	struct rng *r = &g->st.rng;
	struct person p;
	long span;
	int prev, i, d;

	memset(c, 0, sizeof(*c));
	c->caseno = ++g->st.caseno;
	c->npr_date = -1;
	c->kd_z = -1;
	prev = chance(r, 10);
	if (disp == F_DP)
		c->kind = K_DISP;
	else if (disp == F_C)
		c->kind = K_ONK;
	else if (disp == F_T)
		c->kind = K_VMP;
	else {
		i = (int)rnd(r, 100);
		c->kind = i < 70 ? K_AMB : i < 85 ? K_KS : K_DS;
		/* the last case of the run takes a ksg defect still pending */
		if (c->caseno == g->total)
			for (d = 0; d < g->o->ndef; d++)
				if (g->st.def[d].kind == D_KSG &&
				    !g->st.def[d].applied)
					c->kind = K_KS;
	}
	c->person = g->force_person != 0 ? g->force_person :
	    pick_person(g, c->kind != K_AMB, g->first);
	for (i = 0; i < g->o->ndef; i++)
		if (g->st.def[i].kind == D_SNILS && g->st.def[i].n == c->caseno &&
		    g->st.nextra < MAX_DEFECTS) {
			/* a person of its own, so that the defect stays here */
			c->person = g->pool + 1 + g->st.nextra;
			g->st.extra[g->st.nextra++] = c->caseno;
			g->st.def[i].applied = 1;
		}
	person_get(g, c->person, &p);

	if (c->kind == K_AMB) {
		int prof, multi = prev || chance(r, 30);

		if (age_at(p.dr, g->first) < 18)
			prof = P_PED;
		else {
			int w = (int)rnd(r, 100), k = 0;

			while (w >= outprof[k].weight) {
				w -= outprof[k].weight;
				k++;
			}
			prof = outprof[k].prof;
			if (profs[prof].sex != 0 && profs[prof].sex != p.w)
				prof = P_THER;
		}
		span = multi ? rnd_in(r, 2, 20) : 0;
		case_dates(g, span, prev, &c->dz1, &c->dz2);
		c->usl_ok = 3;
		c->vidpom = prof == P_THER || prof == P_GP || prof == P_PED ?
		    12 : 13;
		c->for_pom = chance(r, 15) ? 2 : 3;
		c->idsp = multi ? 30 : 29;
		if (multi && span >= 2 && prof != P_PED && chance(r, 15)) {
			/* the therapist, then a specialist */
			long mid = rnd_in(r, c->dz1, c->dz2 - 1);
			int p2 = P_CARD + (int)rnd(r, 2);

			amb_sl(g, c, &c->sl[0], P_THER, c->dz1, mid, mid > c->dz1);
			amb_sl(g, c, &c->sl[1], p2, mid + 1, c->dz2,
			    c->dz2 > mid + 1);
			c->nsl = 2;
		} else {
			amb_sl(g, c, &c->sl[0], prof, c->dz1, c->dz2, multi);
			c->nsl = 1;
		}
		if (c->sl[0].c_zab == 1) {
			c->rslt = 301;
			c->ishod = chance(r, 80) ? 301 : 303;
		} else {
			c->rslt = chance(r, 60) ? 314 : 304;
			c->ishod = chance(r, 50) ? 303 : 304;
		}
	} else if (c->kind == K_ONK) {
		/* a known cancer followed up in the clinic (C file) */
		int multi = prev || chance(r, 30);

		span = multi ? rnd_in(r, 2, 20) : 0;
		case_dates(g, span, prev, &c->dz1, &c->dz2);
		c->usl_ok = 3;
		c->vidpom = 13;
		c->for_pom = 3;
		c->idsp = multi ? 30 : 29;
		amb_sl(g, c, &c->sl[0], P_ONC, c->dz1, c->dz2, multi);
		c->nsl = 1;
		c->rslt = chance(r, 60) ? 314 : 304;
		c->ishod = 304;
	} else if (c->kind == K_VMP) {
		/* planned high-tech surgery on a voucher (T file) */
		struct sl *s = &c->sl[0];
		int kd = (int)rnd_in(r, 5, 14), v = (int)rnd(r, NELEMS(vmps));

		case_dates(g, kd, prev, &c->dz1, &c->dz2);
		c->usl_ok = 1;
		c->vidpom = 32;
		c->for_pom = 3;
		snprintf(c->npr_mo, sizeof(c->npr_mo), "%s%04d", g->o->tfoms,
		    (int)rnd_in(r, 1, 40));
		c->npr_date = c->dz1 - rnd_in(r, 14, 40);
		c->kd_z = kd;
		make_guid(g, s->id);
		s->prof = P_CSURG;
		s->vmp = v;
		s->tal_d = c->npr_date + rnd_in(r, 1, 10);
		s->tal_p = c->dz1;
		snprintf(s->tal_num, sizeof(s->tal_num), "%s.0000.%05ld.%03d",
		    g->o->tfoms, ++g->st.nhist % 100000, (int)rnd_in(r, 1, 999));
		s->d1 = c->dz1;
		s->d2 = c->dz2;
		s->kd = -1;
		s->ds1 = profs[P_CSURG].ds[rnd(r, 3)];
		s->doc = pick_doc(g, P_CSURG);
		snprintf(s->nhist, sizeof(s->nhist), "%ld/%02d",
		    g->st.nhist, g->year % 100);
		add_usl(g, s, c->dz1, c->dz2, profs[P_CSURG].hosp,
		    vmps[v].cost, 100);
		s->tarif = s->sum_m;
		c->nsl = 1;
		c->idsp = 33;
		c->rslt = chance(r, 95) ? 101 : 102;
		c->ishod = chance(r, 30) ? 101 : 102;
	} else if (c->kind == K_KS || c->kind == K_DS) {
		struct sl *s = &c->sl[0];
		const struct ksg *k;
		int age = age_at(p.dr, g->first), kd, lo, hi, tries = 0;
		size_t base = c->kind == K_KS ? 0 : NKSG_ST;
		size_t cnt = c->kind == K_KS ? NKSG_ST : NKSG - NKSG_ST;

		do
			k = &ksgs[base + (size_t)rnd(r, (long)cnt)];
		while (!ksg_fits(k, &p, age) && ++tries < 16);
		if (!ksg_fits(k, &p, age))
			k = &ksgs[base + 1];
		lo = k->min;
		hi = k->max;
		if (c->kind == K_DS && prev && lo < 2)
			lo = 2;			/* a stay over two days at least */
		if (lo > hi)
			hi = lo;
		kd = (int)rnd_in(r, lo, hi);
		/* 24-hour: bed days = nights; day hospital: both days count */
		span = c->kind == K_KS ? kd : kd - 1;
		case_dates(g, span, prev, &c->dz1, &c->dz2);
		c->usl_ok = c->kind == K_KS ? 1 : 2;
		c->vidpom = 31;
		c->for_pom = c->kind == K_KS && chance(r, 50) ? 1 : 3;
		if (c->for_pom == 3) {
			if (chance(r, 50))
				memcpy(c->npr_mo, g->o->mo, 7);
			else
				snprintf(c->npr_mo, sizeof(c->npr_mo), "%s%04d",
				    g->o->tfoms, (int)rnd_in(r, 1, 40));
			c->npr_date = c->dz1 - rnd_in(r, 0, 14);
		}
		c->kd_z = kd;
		make_guid(g, s->id);
		s->prof = k->prof;
		s->ksg = k;
		s->d1 = c->dz1;
		s->d2 = c->dz2;
		s->kd = kd;
		d = 0;
		while (d < 3 && k->ds[d] != NULL)
			d++;
		s->ds1 = k->ds[rnd(r, d)];
		s->p_per = c->for_pom == 1 && chance(r, 70) ? 2 : 1;
		s->doc = pick_doc(g, k->prof);
		snprintf(s->nhist, sizeof(s->nhist), "%ld/%02d",
		    ++g->st.nhist, g->year % 100);
		add_usl(g, s, c->dz1, c->dz2, profs[k->prof].hosp,
		    ((c->kind == K_KS ? BZTSZ_KS : BZTSZ_DS) * k->koef +
		    50000) / 100000, 100);
		for (i = (int)rnd(r, 3); i > 0; i--) {
			int t = (int)rnd(r, NELEMS(diags));
			long day = rnd_in(r, c->dz1, c->dz2);

			add_usl(g, s, day, day, diags[t].code, 0, 100);
		}
		s->tarif = s->sum_m;
		c->nsl = 1;
		c->idsp = 33;
		c->rslt = c->kind == K_KS ? (chance(r, 95) ? 101 : 102) : 201;
		c->ishod = c->kind == K_KS ? (chance(r, 25) ? 101 : 102) :
		    (chance(r, 25) ? 201 : 202);
	} else {
		/* ДВ1: tests first, the therapist's examination last */
		struct sl *s = &c->sl[0];
		int n, t0;

		span = chance(r, 70) && !prev ? 0 : rnd_in(r, 1, 5);
		case_dates(g, span, prev, &c->dz1, &c->dz2);
		c->vidpom = 12;
		c->for_pom = 3;
		c->idsp = 30;
		i = (int)rnd(r, 100);
		c->rslt_d = i < 40 ? 1 : i < 75 ? 2 : i < 95 ? 31 : 32;
		make_guid(g, s->id);
		s->prof = P_THER;
		s->d1 = c->dz1;
		s->d2 = c->dz2;
		s->kd = -1;
		s->doc = pick_doc(g, P_THER);
		snprintf(s->nhist, sizeof(s->nhist), "%ld", c->person);
		if (c->rslt_d >= 31) {
			s->ds1 = chance(r, 50) ? "I10" : "E11.9";
			s->ds1_pr = 1;
			s->pr_d_n = 2;
			s->naz = 1;
		} else {
			s->ds1 = "Z00.0";
			/* not to be observed: PR_D_N is required with a
			   diagnosis (003F.00.2571) */
			s->pr_d_n = 3;
		}
		n = (int)rnd_in(r, 1, 2);
		t0 = 1 + (int)rnd(r, (long)NELEMS(dvn) - 1);
		for (i = 0; i < n; i++) {
			int t = 1 + (t0 - 1 + i) % ((int)NELEMS(dvn) - 1);
			long day = rnd_in(r, c->dz1, c->dz2);

			add_usl(g, s, day, day, dvn[t].code, dvn[t].tarif, 100);
		}
		add_usl(g, s, c->dz2, c->dz2, dvn[0].code, dvn[0].tarif, 100);
		s->tarif = s->sum_m;
		c->nsl = 1;
	}
	c->age = age_at(p.dr, c->dz1);
	for (i = 0; i < c->nsl; i++) {
		c->sl[i].det = c->age < 18;
		c->sumv += c->sl[i].sum_m;
	}

	/* the defects asked for */
	for (i = 0; i < g->o->ndef; i++) {
		struct defect *df = &g->st.def[i];

		switch (df->kind) {
		case D_SUM:
			if (df->n == c->caseno) {
				c->sumv += 100;
				df->applied = 1;
			}
			break;
		case D_USLDATE:
			if (df->n == c->caseno) {
				c->sl[0].usl[0].d_in = c->dz1 - 1;
				df->applied = 1;
			}
			break;
		case D_KSG:
			if (!df->applied && c->caseno >= df->n &&
			    c->sl[0].ksg != NULL) {
				c->sl[0].ksg_bad = 1;
				df->applied = 1;
			}
			break;
		case D_SNILS:
		case D_SMO:		/* yar76: see y_patient() */
			break;
		}
	}
}

/* ------------------------------------------------------------ output */

struct out {
	FILE		*f;
	char		 line[1024];
	size_t		 len;
};

static void
put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + n >= sizeof(o->line))
		n = sizeof(o->line) - 1 - o->len;
	memcpy(o->line + o->len, s, n);
	o->len += n;
}

/* UTF-8 text as windows-1251, escaped for XML (and '"' if attr). */
static void
put_esc(struct out *o, const char *s, int attr)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u != '\0' && o->len + 8 < sizeof(o->line)) {
		unsigned cp;

		if (*u < 0x80) {
			if (*u == '&')
				put(o, "&amp;");
			else if (*u == '<')
				put(o, "&lt;");
			else if (*u == '>')
				put(o, "&gt;");
			else if (*u == '"' && attr)
				put(o, "&quot;");
			else
				o->line[o->len++] = (char)*u;
			u++;
			continue;
		}
		if ((*u & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80) {
			cp = ((unsigned)(*u & 0x1f) << 6) | (u[1] & 0x3f);
			u += 2;
		} else if ((*u & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 &&
		    (u[2] & 0xc0) == 0x80) {
			cp = ((unsigned)(*u & 0x0f) << 12) |
			    ((unsigned)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
			u += 3;
		} else {
			cp = '?';
			u++;
		}
		if (cp >= 0x410 && cp <= 0x44f)
			o->line[o->len++] = (char)(0xc0 + (cp - 0x410));
		else if (cp == 0x401)
			o->line[o->len++] = (char)0xa8;
		else if (cp == 0x451)
			o->line[o->len++] = (char)0xb8;
		else if (cp == 0x2116)
			o->line[o->len++] = (char)0xb9;
		else
			o->line[o->len++] = '?';
	}
}

static void
put_text(struct out *o, const char *s)
{
	put_esc(o, s, 0);
}

static void
flush_line(struct out *o)
{
	o->line[o->len++] = '\n';
	fwrite(o->line, 1, o->len, o->f);
	o->len = 0;
}

static void
indent(struct out *o, int n)
{
	static const char sp[] = "                                ";

	put(o, sp + (sizeof(sp) - 1 - (size_t)(2 * n)));
}

static void
open_el(struct out *o, int n, const char *name)
{
	indent(o, n);
	put(o, "<");
	put(o, name);
	put(o, ">");
	flush_line(o);
}

static void
close_el(struct out *o, int n, const char *name)
{
	indent(o, n);
	put(o, "</");
	put(o, name);
	put(o, ">");
	flush_line(o);
}

static void
el_t(struct out *o, int n, const char *name, const char *val)
{
	indent(o, n);
	put(o, "<");
	put(o, name);
	put(o, ">");
	put_text(o, val);
	put(o, "</");
	put(o, name);
	put(o, ">");
	flush_line(o);
}

static void
el_i(struct out *o, int n, const char *name, long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%ld", v);
	el_t(o, n, name, b);
}

static void
fmt_money(char *b, size_t sz, long kop)
{
	snprintf(b, sz, "%s%ld.%02ld", kop < 0 ? "-" : "",
	    (kop < 0 ? -kop : kop) / 100, (kop < 0 ? -kop : kop) % 100);
}

static void
el_m(struct out *o, int n, const char *name, long kop)
{
	char b[32];

	fmt_money(b, sizeof(b), kop);
	el_t(o, n, name, b);
}

static void
fmt_date(char *b, long day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(b, 11, "%04d-%02d-%02d", y, m, d);
}

static void
el_d(struct out *o, int n, const char *name, long day)
{
	char b[11];

	fmt_date(b, day);
	el_t(o, n, name, b);
}

static void
el_k(struct out *o, int n, const char *name, long k)
{
	char b[24];

	snprintf(b, sizeof(b), "%ld.%05ld", k / 100000, k % 100000);
	el_t(o, n, name, b);
}

static void
doc_snils(const struct gen *g, int doc, char *buf)
{
	make_snils(buf, g->key, 500000000L + doc, 0);
}

static void
emit_usl(struct gen *g, struct out *o, const struct sl *s,
    const struct usl *u, char *doc)
{
	const struct prof *p = &profs[s->prof];
	char b[32];

	open_el(o, 4, "USL");
	el_t(o, 5, "IDSERV", u->id);
	el_t(o, 5, "LPU", g->o->mo);
	/* the department of the episode (one region's schemas want it) */
	el_i(o, 5, "PODR", 1000 + 10 * s->prof + (s->ksg != NULL));
	el_i(o, 5, "PROFIL", p->profil);
	el_i(o, 5, "DET", s->det);
	el_d(o, 5, "DATE_IN", u->d_in);
	el_d(o, 5, "DATE_OUT", u->d_out);
	el_t(o, 5, "DS", s->ds1);
	el_t(o, 5, "CODE_USL", u->code);
	snprintf(b, sizeof(b), "%ld.%02ld", u->kol / 100, u->kol % 100);
	el_t(o, 5, "KOL_USL", b);
	el_m(o, 5, "TARIF", u->tarif);
	el_m(o, 5, "SUMV_USL", u->sum);
	if (g->v31) {
		/* 3.1: the one doctor of the service, without MR_USL_N */
		el_i(o, 5, "PRVS", p->prvs);
		el_t(o, 5, "CODE_MD", doc);
	} else {
		open_el(o, 5, "MR_USL_N");
		el_i(o, 6, "MR_N", 1);
		el_i(o, 6, "PRVS", p->prvs);
		el_t(o, 6, "CODE_MD", doc);
		close_el(o, 5, "MR_USL_N");
	}
	close_el(o, 4, "USL");
}

/*
 * The D files (here DP, ДВ1) have a structure of their own: no USL_OK,
 * FOR_POM, RSLT or ISHOD in Z_SL, no PROFIL, DET, PRVS or IDDOKT in SL,
 * the kind of examination in SCHET/DISP, its result in RSLT_D, and every
 * referral (NAZ) names the doctor who made it (NAZ_IDDOKT).  They were
 * VERSION 3.1 until the period 2024-12 and share the H file's from 2025
 * (docs/ffoms-format-D.md, xsd/D-*.xsd).
 */
static const char *
d_version(const struct gen *g)
{
	return (g->year * 100 + g->month < 202501 ? "3.1" : g->version);
}

/*
 * 3.1 before the period 2021-08 (the editions D-3.1-2019-01 and
 * D-3.1-2020-04 of ref/versions.tsv): NPOLIS without ENP, a referral
 * without NAZ_IDDOKT, the doctor of a service as USL/PRVS and CODE_MD.
 */
static int
d_early(const struct gen *g)
{
	return (g->year * 100 + g->month < 202108);
}

static void
emit_d_usl(struct gen *g, struct out *o, const struct sl *s,
    const struct usl *u, const char *doc)
{
	open_el(o, 4, "USL");
	el_t(o, 5, "IDSERV", u->id);
	el_t(o, 5, "LPU", g->o->mo);
	el_d(o, 5, "DATE_IN", u->d_in);
	el_d(o, 5, "DATE_OUT", u->d_out);
	el_i(o, 5, "P_OTK", 0);
	el_t(o, 5, "CODE_USL", u->code);
	el_m(o, 5, "TARIF", u->tarif);
	el_m(o, 5, "SUMV_USL", u->sum);
	if (d_early(g)) {
		el_i(o, 5, "PRVS", profs[s->prof].prvs);
		el_t(o, 5, "CODE_MD", doc);
		close_el(o, 4, "USL");
		return;
	}
	open_el(o, 5, "MR_USL_N");
	el_i(o, 6, "MR_N", 1);
	el_i(o, 6, "PRVS", profs[s->prof].prvs);
	el_t(o, 6, "CODE_MD", doc);
	close_el(o, 5, "MR_USL_N");
	close_el(o, 4, "USL");
}

static void
emit_d_case(struct gen *g, struct out *o, const struct zcase *c, long nzap)
{
	struct person p;
	char doc[16], id[24];
	int i, j;

	person_get(g, c->person, &p);
	open_el(o, 1, "ZAP");
	el_i(o, 2, "N_ZAP", nzap);
	el_i(o, 2, "PR_NOV", 0);
	open_el(o, 2, "PACIENT");
	snprintf(id, sizeof(id), "%010ld", c->person);
	el_t(o, 3, "ID_PAC", id);
	el_i(o, 3, "VPOLIS", 3);
	el_t(o, 3, d_early(g) ? "NPOLIS" : "ENP", p.enp);
	if (p.region != -1)
		el_t(o, 3, "ST_OKATO", regions[p.region].okato);
	el_t(o, 3, "SMO", p.smo);
	el_t(o, 3, "NOVOR", "0");
	if (g->v5) {
		int y, m, d;

		el_t(o, 3, "SOC", p.soc ? "035" : "000");
		/* the next examination a year on: the same month */
		civil_from_days(c->dz2, &y, &m, &d);
		el_i(o, 3, "NEXT_D", m);
	}
	close_el(o, 2, "PACIENT");

	open_el(o, 2, "Z_SL");
	el_i(o, 3, "IDCASE", nzap);
	el_i(o, 3, "VIDPOM", c->vidpom);
	el_t(o, 3, "LPU", g->o->mo);
	el_i(o, 3, "VBR", 0);
	el_d(o, 3, "DATE_Z_1", c->dz1);
	el_d(o, 3, "DATE_Z_2", c->dz2);
	el_i(o, 3, "P_OTK", 0);
	el_i(o, 3, "RSLT_D", c->rslt_d);
	/* a person without a patronymic is a special case (003F.00.0460) */
	if (p.ot == NULL)
		el_i(o, 3, "OS_SLUCH", 2);
	for (i = 0; i < c->nsl; i++) {
		const struct sl *s = &c->sl[i];

		doc_snils(g, s->doc, doc);
		open_el(o, 3, "SL");
		el_t(o, 4, "SL_ID", s->id);
		el_t(o, 4, "NHISTORY", s->nhist);
		el_d(o, 4, "DATE_1", s->d1);
		el_d(o, 4, "DATE_2", s->d2);
		el_t(o, 4, "DS1", s->ds1);
		if (s->ds1_pr)
			el_i(o, 4, "DS1_PR", 1);
		el_i(o, 4, "DS_ONK", 0);
		if (s->pr_d_n)
			el_i(o, 4, "PR_D_N", s->pr_d_n);
		if (s->naz) {
			/*
			 * an examination elsewhere (NAZ_R 3): its kind; no
			 * NAZ_USL, NAPR_DATE or NAPR_MO without a suspected
			 * malignancy (Q015 003F.00.1310-1360)
			 */
			open_el(o, 4, "NAZ");
			el_i(o, 5, "NAZ_N", 1);
			el_i(o, 5, "NAZ_R", 3);
			if (!d_early(g))
				el_t(o, 5, "NAZ_IDDOKT", doc);
			el_i(o, 5, "NAZ_V", 1);
			close_el(o, 4, "NAZ");
		}
		el_t(o, 4, "ED_COL", "1.00");
		el_m(o, 4, "TARIF", s->tarif);
		el_m(o, 4, "SUM_M", s->sum_m);
		for (j = 0; j < s->nusl; j++)
			emit_d_usl(g, o, s, &s->usl[j], doc);
		close_el(o, 3, "SL");
	}
	el_i(o, 3, "IDSP", c->idsp);
	el_m(o, 3, "SUMV", c->sumv);
	close_el(o, 2, "Z_SL");
	close_el(o, 1, "ZAP");
}

static void
emit_case(struct gen *g, struct out *o, const struct zcase *c, long nzap)
{
	struct person p;
	char doc[16];
	int i, j;

	if (c->kind == K_DISP) {
		emit_d_case(g, o, c, nzap);
		return;
	}
	person_get(g, c->person, &p);
	open_el(o, 1, "ZAP");
	el_i(o, 2, "N_ZAP", nzap);
	el_i(o, 2, "PR_NOV", 0);
	open_el(o, 2, "PACIENT");
	{
		char id[24];

		snprintf(id, sizeof(id), "%010ld", c->person);
		el_t(o, 3, "ID_PAC", id);
	}
	el_i(o, 3, "VPOLIS", 3);
	el_t(o, 3, g->v31 ? "NPOLIS" : "ENP", p.enp);
	if (p.region != -1)
		el_t(o, 3, "ST_OKATO", regions[p.region].okato);
	el_t(o, 3, "SMO", p.smo);
	el_t(o, 3, "NOVOR", "0");
	if (g->v5)
		el_t(o, 3, "SOC", p.soc ? "035" : "000");
	close_el(o, 2, "PACIENT");

	open_el(o, 2, "Z_SL");
	el_i(o, 3, "IDCASE", nzap);
	el_i(o, 3, "USL_OK", c->usl_ok);
	el_i(o, 3, "VIDPOM", c->vidpom);
	el_i(o, 3, "FOR_POM", c->for_pom);
	if (c->npr_date != -1) {
		el_t(o, 3, "NPR_MO", c->npr_mo);
		el_d(o, 3, "NPR_DATE", c->npr_date);
	}
	el_t(o, 3, "LPU", g->o->mo);
	el_d(o, 3, "DATE_Z_1", c->dz1);
	el_d(o, 3, "DATE_Z_2", c->dz2);
	if (c->kd_z != -1)
		el_i(o, 3, "KD_Z", c->kd_z);
	el_i(o, 3, "RSLT", c->rslt);
	el_i(o, 3, "ISHOD", c->ishod);
	/* a person without a patronymic is a special case (Q015 003F.00.0460) */
	if (p.ot == NULL)
		el_i(o, 3, "OS_SLUCH", 2);
	for (i = 0; i < c->nsl; i++) {
		const struct sl *s = &c->sl[i];
		const struct prof *pr = &profs[s->prof];

		doc_snils(g, s->doc, doc);
		open_el(o, 3, "SL");
		el_t(o, 4, "SL_ID", s->id);
		if (c->kind == K_VMP) {
			el_t(o, 4, "VID_HMP", vmps[s->vmp].vid);
			el_i(o, 4, "METOD_HMP", vmps[s->vmp].metod);
		}
		/* a department per profile, wards apart from clinics */
		el_i(o, 4, "PODR", 1000 + 10 * s->prof +
		    (s->ksg != NULL));
		el_i(o, 4, "PROFIL", pr->profil);
		if (s->ksg != NULL || c->kind == K_VMP)
			el_i(o, 4, "PROFIL_K", pr->profil_k);
		el_i(o, 4, "DET", s->det);
		if (c->kind == K_VMP) {
			el_d(o, 4, "TAL_D", s->tal_d);
			el_t(o, 4, "TAL_NUM", s->tal_num);
			el_d(o, 4, "TAL_P", s->tal_p);
		}
		if (s->p_cel != NULL)
			el_t(o, 4, "P_CEL", s->p_cel);
		el_t(o, 4, "NHISTORY", s->nhist);
		if (s->p_per)
			el_i(o, 4, "P_PER", s->p_per);
		el_d(o, 4, "DATE_1", s->d1);
		el_d(o, 4, "DATE_2", s->d2);
		if (s->kd != -1)
			el_i(o, 4, "KD", s->kd);
		el_t(o, 4, "DS1", s->ds1);
		if (s->c_zab)
			el_i(o, 4, "C_ZAB", s->c_zab);
		/* the H file has no DS_ONK: a suspected cancer is a C case */
		if (c->kind == K_ONK || c->kind == K_VMP)
			el_i(o, 4, "DS_ONK", 0);
		if (c->kind == K_ONK) {
			/* no council needed; followed up (N018 3) */
			open_el(o, 4, "CONS");
			el_i(o, 5, "PR_CONS", 0);
			close_el(o, 4, "CONS");
			open_el(o, 4, "ONK_SL");
			el_i(o, 5, "DS1_T", 3);
			close_el(o, 4, "ONK_SL");
		}
		if (s->ksg != NULL) {
			char bad[16];

			open_el(o, 4, "KSG_KPG");
			snprintf(bad, sizeof(bad), "%.2s99.901",
			    s->ksg->code);
			el_t(o, 5, "N_KSG", s->ksg_bad ? bad : s->ksg->code);
			el_i(o, 5, "VER_KSG", g->year);
			el_i(o, 5, "KSG_PG", 0);
			el_k(o, 5, "KOEF_Z", s->ksg->koef);
			el_k(o, 5, "KOEF_UP", 100000);
			el_m(o, 5, "BZTSZ", c->kind == K_KS ? BZTSZ_KS :
			    BZTSZ_DS);
			el_k(o, 5, "KOEF_D", 100000);
			el_k(o, 5, "KOEF_U", 100000);
			el_i(o, 5, "SL_K", 0);
			close_el(o, 4, "KSG_KPG");
		}
		el_i(o, 4, "PRVS", pr->prvs);
		el_t(o, 4, "VERS_SPEC", "V021");
		el_t(o, 4, "IDDOKT", doc);
		el_t(o, 4, "ED_COL", "1.00");
		el_m(o, 4, "TARIF", s->tarif);
		el_m(o, 4, "SUM_M", s->sum_m);
		for (j = 0; j < s->nusl; j++)
			emit_usl(g, o, s, &s->usl[j], doc);
		close_el(o, 3, "SL");
	}
	el_i(o, 3, "IDSP", c->idsp);
	el_m(o, 3, "SUMV", c->sumv);
	close_el(o, 2, "Z_SL");
	close_el(o, 1, "ZAP");
}

static void
emit_pers(struct gen *g, struct out *o, long id, int disp)
{
	struct person p;
	char b[24];

	person_get(g, id, &p);
	open_el(o, 1, "PERS");
	snprintf(b, sizeof(b), "%010ld", id);
	el_t(o, 2, "ID_PAC", b);
	indent(o, 2);
	put(o, "<FAM>");
	put_text(o, p.fam);
	if (p.w == 2)
		put_text(o, "А");
	put(o, "</FAM>");
	flush_line(o);
	el_t(o, 2, "IM", p.im);
	if (p.ot != NULL)
		el_t(o, 2, "OT", p.ot);
	el_i(o, 2, "W", p.w);
	el_d(o, 2, "DR", p.dr);
	if (p.ot == NULL)
		el_i(o, 2, "DOST", 1);
	if (disp)
		el_t(o, 2, "TEL", p.tel);
	el_t(o, 2, "MR", p.mr);
	el_t(o, 2, "DOCTYPE", p.child_doc ? "3" : "14");
	el_t(o, 2, "DOCSER", p.docser);
	el_t(o, 2, "DOCNUM", p.docnum);
	if (strcmp(g->pversion, "3.1") != 0) {	/* since L 3.2 */
		el_d(o, 2, "DOCDATE", p.docdate);
		el_t(o, 2, "DOCORG", p.docorg);
	}
	el_t(o, 2, "SNILS", p.snils);
	if (g->own_okato[0] != '\0') {
		snprintf(b, sizeof(b), "%s401000000", g->own_okato);
		el_t(o, 2, "OKATOG", b);
	}
	close_el(o, 1, "PERS");
}

/* ------------------------------------------------------------- files */

static int
fail_io(const char *path)
{
	fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
	return (-1);
}

static FILE *
open_tmp(const char *dir, const char *name, char *tmp, size_t sz)
{
	FILE *f;

	snprintf(tmp, sz, "%s/.%s.tmp", dir, name);
	if ((f = fopen(tmp, "wb")) == NULL)
		fail_io(tmp);
	return (f);
}

static int
close_tmp(FILE *f, const char *tmp, const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (ferror(f) || fclose(f) != 0) {
		fail_io(tmp);
		unlink(tmp);
		return (-1);
	}
	if (rename(tmp, path) != 0) {
		fail_io(path);
		unlink(tmp);
		return (-1);
	}
	return (0);
}

static void
mark_used(struct gen *g, long id)
{
	if (!(g->used[id >> 3] & (1u << (id & 7)))) {
		g->used[id >> 3] |= (unsigned char)(1u << (id & 7));
		g->nused++;
	}
}

/*
 * One pair: the cases file (H, DP, C or T: disp is its F_*) and its
 * persons file.  The cases are generated twice from the same state: first
 * for SD_Z and SUMMAV, then to be written.
 */
static int
write_pair(struct gen *g, int disp, long ncases, const char *base)
{
	const struct opts *op = g->o;
	char name[64], lname[72], tmp[4096], d[11];
	struct state save;
	struct out o;
	struct zcase c;
	long i, sum = 0, data, nmax;
	int yy = g->year % 100, ym = g->year * 100 + g->month;

	/* the version of each file: --version, else the period's */
	snprintf(g->version, sizeof(g->version), "%s",
	    op->version[disp][0] != '\0' ? op->version[disp] :
	    kind_version(disp, ym));
	snprintf(g->pversion, sizeof(g->pversion), "%s", kind_version(4, ym));
	g->v5 = atoi(g->version) >= 5;
	g->v31 = strcmp(g->version, "3.1") == 0;
	g->st.blkpos = 10;		/* a new block of payer classes */
	save = g->st;
	snprintf(name, sizeof(name), "%s", base);
	/* LM... for H, LPM... for DP, LCM... and LTM... for C and T */
	snprintf(lname, sizeof(lname), "L%s", disp == F_C || disp == F_T ?
	    base : base + 1);
	for (i = 0; i < ncases; i++) {
		make_case(g, disp, &c);
		sum += c.sumv;
	}
	g->st = save;
	g->st.idserv = 0;

	data = g->last + 3;	/* exported on the 3rd of the next month */
	fmt_date(d, data);
	{
		char fn[80];

		snprintf(fn, sizeof(fn), "%s.xml", name);
		if ((o.f = open_tmp(op->dir, fn, tmp, sizeof(tmp))) == NULL)
			return (-1);
		o.len = 0;
		setvbuf(o.f, NULL, _IOFBF, 1 << 16);
		fputs("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n",
		    o.f);
		open_el(&o, 0, "ZL_LIST");
		open_el(&o, 1, "ZGLV");
		el_t(&o, 2, "VERSION", disp ? d_version(g) : g->version);
		el_t(&o, 2, "DATA", d);
		el_t(&o, 2, "FILENAME", name);
		el_i(&o, 2, "SD_Z", ncases);
		close_el(&o, 1, "ZGLV");
		open_el(&o, 1, "SCHET");
		el_i(&o, 2, "CODE", (yy * 100 + g->month) * 10 + disp + 1);
		el_t(&o, 2, "CODE_MO", op->mo);
		el_i(&o, 2, "YEAR", g->year);
		el_i(&o, 2, "MONTH", g->month);
		{
			char ns[32];

			snprintf(ns, sizeof(ns), "%02d%02d-%d", yy, g->month,
			    disp + 1);
			el_t(&o, 2, "NSCHET", ns);
		}
		el_t(&o, 2, "DSCHET", d);
		el_m(&o, 2, "SUMMAV", sum);
		if (disp == F_DP)
			el_t(&o, 2, "DISP", "ДВ1");
		close_el(&o, 1, "SCHET");
		memset(g->used, 0, (size_t)(g->pool + MAX_DEFECTS + 8) / 8 + 1);
		g->nused = 0;
		for (i = 0; i < ncases; i++) {
			make_case(g, disp, &c);
			mark_used(g, c.person);
			emit_case(g, &o, &c, i + 1);
		}
		close_el(&o, 0, "ZL_LIST");
		if (close_tmp(o.f, tmp, op->dir, fn) == -1)
			return (-1);
		fprintf(stderr, "%s: %s/%s: %ld cases\n", PROG, op->dir, fn,
		    ncases);
	}
	{
		char fn[80];

		snprintf(fn, sizeof(fn), "%s.xml", lname);
		if ((o.f = open_tmp(op->dir, fn, tmp, sizeof(tmp))) == NULL)
			return (-1);
		o.len = 0;
		setvbuf(o.f, NULL, _IOFBF, 1 << 16);
		fputs("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n",
		    o.f);
		open_el(&o, 0, "PERS_LIST");
		open_el(&o, 1, "ZGLV");
		el_t(&o, 2, "VERSION", g->pversion);
		el_t(&o, 2, "DATA", d);
		el_t(&o, 2, "FILENAME", lname);
		el_t(&o, 2, "FILENAME1", name);
		close_el(&o, 1, "ZGLV");
		nmax = g->pool + g->st.nextra;
		for (i = 1; i <= nmax; i++)
			if (g->used[i >> 3] & (1u << (i & 7)))
				emit_pers(g, &o, i, disp == F_DP);
		close_el(&o, 0, "PERS_LIST");
		if (close_tmp(o.f, tmp, op->dir, fn) == -1)
			return (-1);
		fprintf(stderr, "%s: %s/%s: %ld persons of %ld cases\n", PROG,
		    op->dir, fn, g->nused, ncases);
	}
	return (0);
}

/* ------------------------------------------------------------- yar76 */

/*
 * The Yaroslavl profile: one bill_{mo}_{YYYYMM}.xml per month, the
 * package/body/bill tree of shared/spec/yar76-format.md §2, four spaces an
 * indent level, CRLF.  Each case is a function of (options, month, index):
 * the generator state is set afresh for every case, so the second case of
 * a person written in one patient element can be made again at the place
 * of the first.  A month is made twice: for its persons (who is written
 * with whom) and the total, then to be written.
 */

#define Y_FUND		"1027600000000"	/* the fund: the bill's payer */
#define Y_SMO_BAD	"1027600000099"	/* --defect smo: no insurer's OGRN */
#define Y_ODD_FAM	"Д'АРТАНЬЯН & СЫНОВЬЯ"	/* every month's first patient */
#define Y_GROUP_PCT	20		/* of two-case persons: one patient */
#define Y_MAXMANIP	3

/* polis@ogrn_smo by payer class (see pay_class[]): 60, 30, 10 % */
static const char *const y_smo[3] = { "1027600000011", "1027600000022",
	"1027700000033" };
#define Y_OTHER_REGION	"77"

/* link[i] once the month's persons are known */
enum { Y_ALONE = -1, Y_SECOND = -2 };	/* else the index of the partner */

struct yar {
	const struct opts *o;		/* the options as given (the defects) */
	int32_t		*link;		/* o->n: the person, then as above */
	unsigned char	*cnt;		/* person: cases in the month, to 255 */
	int32_t		*first;		/* person: its first case's index, -1 */
	long		 acc0;		/* accounts of the earlier months */
};

struct yperson {
	struct person	 p;
	const char	*fam;
	char		 fambuf[64];
	char		 code[8];	/* patientcod */
	const char	*region, *smo;
	char		 enp[17];
	long		 begin_p;
	char		 kladr[18];
	int		 dom, kvart, soc;
};

/* Case i of month k (0-based) into c; case 0 is the odd-surname person's. */
static void
y_case(struct gen *g, int k, long i, struct zcase *c)
{
	uint64_t x = (uint64_t)k * (uint64_t)MAX_N + (uint64_t)i;
	struct rng br;

	rng_seed(&g->st.rng, hash2(g->key, x, 76));
	rng_seed(&br, hash2(g->key, x - (uint64_t)(i % 10), 77));
	shuffle_block(g->st.blk, &br);		/* 6/3/1 in every ten */
	g->st.blkpos = (int)(i % 10);
	g->st.caseno = g->o->n * k + i;
	g->st.nhist = g->st.caseno;
	g->force_person = i == 0 ? g->pool + 1 : 0;
	make_case(g, 0, c);
	g->force_person = 0;
}

/*
 * What is written of a case: its last SL (the one that ends in the month,
 * the specialist's of a therapist-then-specialist case), with its services;
 * in hospital only the KSG line.
 */
static const struct sl *
y_sl(const struct zcase *c)
{
	return (&c->sl[c->nsl - 1]);
}

static int
y_nmanip(const struct zcase *c)
{
	int n = c->kind == K_AMB ? y_sl(c)->nusl : 1;

	return (n > Y_MAXMANIP ? Y_MAXMANIP : n);
}

static long
y_sum(const struct zcase *c)
{
	long s = 0;
	int j;

	for (j = 0; j < y_nmanip(c); j++)
		s += y_sl(c)->usl[j].sum;
	return (s);
}

/* How many defects of a kind fall on the accounts [a, b] of the run. */
static int
y_defects(struct gen *g, const struct yar *y, enum defect_kind kind, long a,
    long b)
{
	int i, n = 0;

	for (i = 0; i < y->o->ndef; i++)
		if (g->st.def[i].kind == kind && g->st.def[i].n >= a &&
		    g->st.def[i].n <= b) {
			g->st.def[i].applied = 1;
			n++;
		}
	return (n);
}

/*
 * A v4-shaped GUID, uppercase, for key number n: the last 48 bits are a
 * bijection of n, the others are hashed from it.
 */
static void
y_xkey(const struct gen *g, uint64_t n, char *buf)
{
	const uint64_t m48 = (1ULL << 48) - 1;
	uint64_t x = (n ^ g->key) & m48, h = hash2(g->key, n, 78);
	uint64_t v = hash2(g->key, n, 79);

	x = (x * 0x9e3779b97f4a7c15ULL) & m48;
	x ^= x >> 24;
	x = (x * 0xd6e8feb86659fd93ULL) & m48;
	snprintf(buf, 37, "%08" PRIX64 "-%04" PRIX64 "-4%03" PRIX64
	    "-%04" PRIX64 "-%012" PRIX64, h >> 32, (h >> 16) & 0xffff,
	    h & 0xfff, (v & 0x3fff) | 0x8000, x);
}

/* key numbers: four per case, the account's then its manipulations' */
static uint64_t
y_keyno(int k, long i, int j)
{
	return (((uint64_t)k * (uint64_t)MAX_N + (uint64_t)i) * 4 +
	    (uint64_t)j);
}

static void
y_person(const struct gen *g, long id, struct yperson *y)
{
	const uint64_t M = 9000000;	/* patientcod: a bijection of id */
	uint64_t h = hash2(g->key, (uint64_t)id, 4);
	long b0 = days_from_civil(2011, 5, 1), last = g->ref_day - 1;
	int cls = pay_class[(id - 1) % 10];

	memset(y, 0, sizeof(*y));
	person_get(g, id, &y->p);
	if (id == g->pool + 1)
		y->fam = Y_ODD_FAM;
	else {
		snprintf(y->fambuf, sizeof(y->fambuf), "%s%s", y->p.fam,
		    y->p.w == 2 ? "А" : "");
		y->fam = y->fambuf;
	}
	snprintf(y->code, sizeof(y->code), "%07" PRIu64,
	    (uint64_t)(1000000 + ((uint64_t)id * 7777777ULL + g->key % M) % M));
	y->smo = y_smo[cls];
	if (cls == 2) {
		y->region = Y_OTHER_REGION;
		make_enp(y->enp, g->key, Y_OTHER_REGION, id);
	} else {
		y->region = g->o->tfoms;
		memcpy(y->enp, y->p.enp, sizeof(y->enp));
	}
	/* the single-format policy: from 2011-05, or soon after birth */
	y->begin_p = b0 + (long)(h % (uint64_t)(last > b0 ? last - b0 : 1));
	if (y->begin_p < y->p.dr)
		y->begin_p = y->p.dr + 7 + (long)((h >> 20) % 30);
	if (y->begin_p > last)
		y->begin_p = last;
	snprintf(y->kladr, sizeof(y->kladr), "%s%s%04d00",
	    cls == 2 ? Y_OTHER_REGION : "76", cls == 2 ? "000000000" :
	    "000001000", 1 + (int)((h >> 28) % 800));
	y->dom = 1 + (int)((h >> 40) % 120);
	y->kvart = 1 + (int)((h >> 48) % 240);
	y->soc = 1 + (int)((h >> 60) & 1);
}

/* the writer: an element's start, its attributes, its end, CRLF */

static void
y_eol(struct out *o)
{
	o->line[o->len++] = '\r';
	o->line[o->len++] = '\n';
	fwrite(o->line, 1, o->len, o->f);
	o->len = 0;
}

static void
y_open(struct out *o, int n, const char *name)
{
	while (n-- > 0)
		put(o, "    ");
	put(o, "<");
	put(o, name);
}

static void
y_attr(struct out *o, const char *name, const char *val)
{
	put(o, " ");
	put(o, name);
	put(o, "=\"");
	put_esc(o, val, 1);
	put(o, "\"");
}

static void
y_attr_i(struct out *o, const char *name, long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%ld", v);
	y_attr(o, name, b);
}

static void
y_attr_m(struct out *o, const char *name, long kop)
{
	char b[32];

	fmt_money(b, sizeof(b), kop);
	y_attr(o, name, b);
}

static void
y_attr_d(struct out *o, const char *name, long day)
{
	char b[11];

	fmt_date(b, day);
	y_attr(o, name, b);
}

/* ">" or "/>" */
static void
y_end(struct out *o, int empty)
{
	put(o, empty ? "/>" : ">");
	y_eol(o);
}

static void
y_leaf(struct out *o, int n, const char *name)
{
	y_open(o, n, name);
	y_end(o, 0);
}

static void
y_close(struct out *o, int n, const char *name)
{
	while (n-- > 0)
		put(o, "    ");
	put(o, "</");
	put(o, name);
	put(o, ">");
	y_eol(o);
}

/* sum/elem at level n */
static void
y_sumel(struct out *o, int n, long kop)
{
	y_leaf(o, n, "sum");
	y_open(o, n + 1, "elem");
	y_attr(o, "type_acc", "1");
	y_attr_m(o, "suml", kop);
	y_attr_m(o, "sum", kop);
	y_end(o, 1);
	y_close(o, n, "sum");
}

/* the 11 digits of a doctor's SNILS */
static void
y_doctor(const struct gen *g, int doc, char *buf)
{
	char s[16];
	int i, j = 0;

	doc_snils(g, doc, s);
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] >= '0' && s[i] <= '9')
			buf[j++] = s[i];
	buf[j] = '\0';
}

/* personal_account n_pp of case i of month k */
static void
y_account(struct gen *g, const struct yar *y, struct out *o,
    const struct zcase *c, int k, long i, long npp)
{
	const struct opts *op = y->o;
	const struct sl *s = y_sl(c);
	const struct prof *pr = &profs[s->prof];
	char key[37], doc[16];
	int j, nm = y_nmanip(c);
	long acc = y_sum(c);

	acc += 100L * y_defects(g, y, D_SUM, y->acc0 + npp, y->acc0 + npp);
	y_doctor(g, s->doc, doc);
	y_xkey(g, y_keyno(k, i, 0), key);
	y_open(o, 6, "personal_account");
	y_attr_i(o, "help_type", c->vidpom);
	y_attr_i(o, "help_cond", c->usl_ok);
	y_attr_i(o, "n_pp", npp);
	y_attr(o, "xkey", key);
	y_attr(o, "n_card", s->nhist);
	y_attr_d(o, "curestart", s->d1);
	y_attr_d(o, "cureend", s->d2);
	y_attr(o, "doctor", doc);
	y_attr_i(o, "spec", pr->prvs);
	y_attr_i(o, "result", c->rslt);
	y_attr_i(o, "outcome", c->ishod);
	y_attr(o, "vg", "1");
	y_end(o, 0);

	y_leaf(o, 7, "manipulations");
	for (j = 0; j < nm; j++) {
		const struct usl *u = &s->usl[j];

		y_xkey(g, y_keyno(k, i, 1 + j), key);
		y_open(o, 8, "manipulation");
		y_attr(o, "xkey", key);
		y_attr_i(o, "prof_oms", pr->profil);
		y_attr_i(o, "det", s->det);
		y_attr(o, "service", u->code);
		y_attr_i(o, "quantity", s->ksg != NULL ? s->kd : u->kol / 100);
		y_attr(o, "doctor", doc);
		y_attr_i(o, "spec", pr->prvs);
		y_attr_d(o, "date_1", u->d_in);
		y_attr_d(o, "date_2", u->d_out);
		y_end(o, 0);
		y_sumel(o, 9, u->sum);
		y_leaf(o, 9, "additionals");
		y_open(o, 10, "additional");
		y_attr(o, "ogrn_lpu", op->ogrn);
		y_attr(o, "kpp_lpu", op->kpp);
		if (s->ksg != NULL) {
			y_attr(o, "ksg", s->ksg->code);
			y_attr_i(o, "count_d", s->kd);
		}
		y_end(o, 1);
		y_leaf(o, 10, "diagnoses");
		y_open(o, 11, "diagnose");
		y_attr(o, "mkb", s->ds1);
		y_end(o, 1);
		y_close(o, 10, "diagnoses");
		y_close(o, 9, "additionals");
		y_close(o, 8, "manipulation");
	}
	y_close(o, 7, "manipulations");

	y_leaf(o, 7, "diagnoses");
	y_open(o, 8, "diagnose");
	y_attr(o, "type", "1");
	y_attr(o, "mkb", s->ds1);
	y_end(o, 1);
	y_close(o, 7, "diagnoses");
	y_leaf(o, 7, "additionals");
	y_open(o, 8, "additional");
	/* a department per kind and profile: 1xx, 2xx hospital, 3xx clinic */
	y_attr_i(o, "division", 100 * (c->kind == K_KS ? 1 : c->kind == K_DS ?
	    2 : 3) + s->prof + 1);
	y_attr(o, "finsource", "1");
	y_attr(o, "type_r", "1");
	y_end(o, 1);
	y_close(o, 7, "additionals");
	y_sumel(o, 7, acc);
	y_close(o, 6, "personal_account");
}

/* One patient element with the accounts of cases idx[0..nc) of month k. */
static void
y_patient(struct gen *g, const struct yar *y, struct out *o,
    const struct zcase *c, const long *idx, int nc, int k, long npp)
{
	struct yperson yp;
	int j, bad = y_defects(g, y, D_SMO, y->acc0 + npp,
	    y->acc0 + npp + nc - 1) > 0;

	y_person(g, c[0].person, &yp);
	y_open(o, 4, "patient");
	y_attr(o, "patientcod", yp.code);
	y_attr(o, "surname", yp.fam);
	y_attr(o, "name", yp.p.im);
	if (yp.p.ot != NULL)
		y_attr(o, "patronymic", yp.p.ot);
	y_attr_d(o, "birthdate", yp.p.dr);
	y_attr_i(o, "sex", yp.p.w);
	y_attr(o, "ss", yp.p.snils);
	y_end(o, 0);

	y_leaf(o, 5, "polises");
	y_open(o, 6, "polis");
	y_attr(o, "region_oms", yp.region);
	y_attr(o, "type_polis", "3");
	y_attr(o, "polisnum", yp.enp);
	y_attr_d(o, "begin_p", yp.begin_p);
	y_attr(o, "ogrn_smo", bad ? Y_SMO_BAD : yp.smo);
	y_end(o, 1);
	y_close(o, 5, "polises");

	/* a passport, or a birth certificate under 14 (as in FFOMS mode) */
	y_leaf(o, 5, "docs");
	y_open(o, 6, "doc");
	y_attr(o, "doctype", yp.p.child_doc ? "3" : "14");
	y_attr(o, "docser", yp.p.docser);
	y_attr(o, "docnum", yp.p.docnum);
	y_end(o, 1);
	y_close(o, 5, "docs");

	y_leaf(o, 5, "addresses");
	y_open(o, 6, "address");
	y_attr(o, "type_adress", "1");
	y_attr(o, "kladr", yp.kladr);
	y_attr_i(o, "dom", yp.dom);
	y_attr_i(o, "kvart", yp.kvart);
	y_end(o, 1);
	y_close(o, 5, "addresses");

	y_open(o, 5, "additional_data");
	y_attr_i(o, "socialstat", yp.soc);
	y_end(o, 1);

	y_leaf(o, 5, "register_accounts");
	for (j = 0; j < nc; j++)
		y_account(g, y, o, &c[j], k, idx[j], npp + j);
	y_close(o, 5, "register_accounts");
	y_close(o, 4, "patient");
}

/* A person with two cases in month k: in one patient element? */
static int
y_grouped(const struct gen *g, long person, int k)
{
	return (hash2(g->key, (uint64_t)person, 1000 + (uint64_t)k) % 100 <
	    Y_GROUP_PCT);
}

/* The bill of month k (g->year, g->month set). */
static int
y_write_bill(struct gen *g, struct yar *y, int k)
{
	const struct opts *op = y->o;
	struct zcase c[2];
	struct out o;
	char fn[64], tmp[4096], b[16];
	long i, n = op->n, total = 0, npp, idx[2], npat = 0;
	int32_t p;

	/* the persons and the total */
	memset(y->cnt, 0, (size_t)g->pool + 2);
	for (i = 0; i < n; i++) {
		y_case(g, k, i, &c[0]);
		y->link[i] = (int32_t)c[0].person;
		if (y->cnt[c[0].person] < 255)
			y->cnt[c[0].person]++;
		total += y_sum(&c[0]);
	}
	for (i = 0; i < op->ndef; i++)
		if (op->def[i].kind == D_SUM && op->def[i].n > y->acc0 &&
		    op->def[i].n <= y->acc0 + n)
			total += 100;
	/* who is written with whom */
	for (i = 0; i < n; i++) {
		p = y->link[i];
		y->link[i] = Y_ALONE;
		if (y->cnt[p] != 2 || !y_grouped(g, p, k))
			continue;
		if (y->first[p] < 0)
			y->first[p] = (int32_t)i;
		else {
			y->link[y->first[p]] = (int32_t)i;
			y->link[i] = Y_SECOND;
			y->first[p] = -1;
		}
	}

	snprintf(fn, sizeof(fn), "bill_%s_%04d%02d.xml", op->mo, g->year,
	    g->month);
	if ((o.f = open_tmp(op->dir, fn, tmp, sizeof(tmp))) == NULL)
		return (-1);
	o.len = 0;
	setvbuf(o.f, NULL, _IOFBF, 1 << 16);
	fputs("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\r\n", o.f);
	y_leaf(&o, 0, "package");
	y_open(&o, 1, "body");
	y_attr(&o, "version", "6.15");
	y_attr(&o, "protocol", "Reestr");
	y_attr(&o, "creator", PROG);
	y_attr(&o, "telcreator", "(000) 000-00-00");
	y_attr(&o, "ogrn_mo", op->ogrn);
	y_attr(&o, "kpp_mo", op->kpp);
	y_attr_i(&o, "year", g->year);
	snprintf(b, sizeof(b), "%02d", g->month);
	y_attr(&o, "month", b);
	y_attr_d(&o, "date_1", g->last + 1);
	y_end(&o, 0);
	y_open(&o, 2, "bill");
	y_attr(&o, "t_opl", "1");
	y_attr(&o, "ogrn_smo", Y_FUND);
	y_end(&o, 0);
	y_leaf(&o, 3, "account_sum");
	y_leaf(&o, 4, "account_elem_t");
	y_open(&o, 5, "account_elem");
	y_attr(&o, "type_acc", "1");
	y_attr_m(&o, "amountl", total);
	y_attr_m(&o, "amount", total);
	y_end(&o, 1);
	y_close(&o, 4, "account_elem_t");
	y_close(&o, 3, "account_sum");
	y_leaf(&o, 3, "patients");
	for (i = 0, npp = 1; i < n; i++) {
		if (y->link[i] == Y_SECOND)
			continue;
		idx[0] = i;
		y_case(g, k, i, &c[0]);
		if (y->link[i] >= 0) {
			idx[1] = y->link[i];
			y_case(g, k, idx[1], &c[1]);
		}
		y_patient(g, y, &o, c, idx, y->link[i] >= 0 ? 2 : 1, k, npp);
		npp += y->link[i] >= 0 ? 2 : 1;
		npat++;
	}
	y_close(&o, 3, "patients");
	y_close(&o, 2, "bill");
	y_close(&o, 1, "body");
	y_close(&o, 0, "package");
	if (close_tmp(o.f, tmp, op->dir, fn) == -1)
		return (-1);
	fprintf(stderr, "%s: %s/%s: %ld accounts of %ld patients\n", PROG,
	    op->dir, fn, n, npat);
	y->acc0 += n;
	return (0);
}

static int
y_run(struct gen *g, const struct opts *op)
{
	struct yar y;
	size_t np = (size_t)g->pool + 2;	/* persons 1..pool+1 */
	int k, rc = EX_OK;

	memset(&y, 0, sizeof(y));
	y.o = op;
	y.link = calloc((size_t)op->n, sizeof(*y.link));
	y.cnt = calloc(np, 1);
	y.first = malloc(np * sizeof(*y.first));
	if (y.link == NULL || y.cnt == NULL || y.first == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		rc = EX_IO;
		goto out;
	}
	memset(y.first, 0xff, np * sizeof(*y.first));	/* all -1 */
	for (k = 0; k < op->months; k++) {
		g->year = op->y0 + (op->m0 - 1 + k) / 12;
		g->month = (op->m0 - 1 + k) % 12 + 1;
		g->first = days_from_civil(g->year, g->month, 1);
		g->last = g->first + days_in_month(g->year, g->month) - 1;
		if (y_write_bill(g, &y, k) == -1) {
			rc = EX_IO;
			break;
		}
	}
out:
	free(y.link);
	free(y.cnt);
	free(y.first);
	return (rc);
}

/* -------------------------------------------------------------- main */

static void
usage(FILE *f)
{
	fputs("usage: oms-gen [--profile ffoms|yar76] [-s seed] [-n cases]"
	    " [-m months]\n"
	    "               [-p YYYY-MM] [--mo CODE] [--tfoms CODE]"
	    " [--ogrn OGRN]\n"
	    "               [--kpp KPP] [--kinds LIST] [--version KIND=V]..."
	    "\n"
	    "               [--defect NAME:N]... -o DIR\n", f);
}

static void
help(void)
{
	usage(stdout);
	fputs("\n"
	    "Writes a synthetic MIS export (FFOMS XML, windows-1251) into DIR:"
	    " for each\nmonth HM{mo}T{tfoms}_{YYMM}1.xml + LM..., and a"
	    " dispensarisation (ДВ1) pair\nDPM{mo}T{tfoms}_{YYMM}1.xml +"
	    " LPM...\nWith --profile yar76: one Yaroslavl"
	    " bill_{mo}_{YYYYMM}.xml a month\n(package/body/bill 6.15, CRLF).  All names and numbers"
	    " are synthetic.\n\n", stdout);
	fputs("  --profile NAME   ffoms (default) or yar76\n"
	    "  -s SEED          random seed (default 1); same options, same"
	    " bytes\n"
	    "  -n CASES         cases per month (default 200); about 10 % go"
	    " to the DP file\n"
	    "  -m MONTHS        number of months (default 3)\n"
	    "  -p YYYY-MM       first reporting period (default 2026-08)\n"
	    "  --mo CODE        the MO's 6-digit registry code (default"
	    " 760001)\n"
	    "  --tfoms CODE     the fund's 2-digit region code (default 76)\n"
	    "  --ogrn OGRN      yar76: the MO's 13-digit OGRN (default"
	    " 1027600000001)\n"
	    "  --kpp KPP        yar76: the MO's 9-digit KPP (default"
	    " 760401001)\n"
	    "  --kinds LIST     ffoms: the files of a month, of H, C, T, DP"
	    " (default H,DP);\n"
	    "                   C (cancer follow-up, CM... + LCM...) and T"
	    " (high-tech\n"
	    "                   surgery, TM... + LTM...) get 5 % of -n each,"
	    " written first\n"
	    "  --version KIND=V ffoms: write KIND (H, C, T, DP) in format"
	    " version V instead\n"
	    "                   of the period's; repeatable\n"
	    "  -o DIR           output directory (created if missing)\n"
	    "  --defect NAME:N  corrupt the N-th case of the run (1-based, in"
	    " the order\n"
	    "                   written: per month the C, T, DP files, then"
	    " the H file);\n"
	    "                   repeatable:\n", stdout);
	fputs("                   sum       SUMV = sum of SUM_M + 1.00"
	    " (SUMMAV still adds up)\n"
	    "                   snils     the patient's SNILS gets a wrong"
	    " check sum (the\n"
	    "                             case gets a person of its own)\n"
	    "                   usl-date  the first service's DATE_IN is the"
	    " day before DATE_Z_1\n"
	    "                   ksg       N_KSG not in ref/ksg.tsv, on the"
	    " first hospital case\n"
	    "                             at or after N (the run's last case"
	    " becomes one\n"
	    "                             if need be)\n"
	    "                   smo       yar76 only: the patient of the N-th"
	    " account gets\n"
	    "                             polis@ogrn_smo " Y_SMO_BAD " (no"
	    " insurer's)\n"
	    "                   With yar76 N counts accounts in the order"
	    " written; only\n"
	    "                   sum (the account's sum = sum of its"
	    " manipulations + 1.00)\n"
	    "                   and smo are available.\n"
	    "  -h, --help       this help\n\n"
	    "VERSION follows the period and the kind as oms's ref/versions.tsv"
	    " does: every\nkind 5.1 from 2025-07 and 5.0 from 2025-01; H 4.0"
	    " from 2024-03 and 3.2 from\n2022-01, C 4.0 from 2024-03; before"
	    " that 3.1 (T and DP until 2024-12); the\nL files 3.2 from 2019-11,"
	    " else 3.1.  One line per file on stderr.\nExit status: 0 done,"
	    " 1 a defect could not be placed, 2 usage, 3 I/O.\n", stdout);
	fputs("The DP files have no FOR_POM, and every referral (NAZ) names"
	    " its doctor\n(NAZ_IDDOKT).\n", stdout);
	fputs("\nyar76: the insurers are 1027600000011 (60 %), 1027600000022"
	    " (30 %) and,\nfor patients of region 77, 1027700000033 (10 %);"
	    " the bill's payer is the fund,\n" Y_FUND ".  Most patients get"
	    " a patient element per account; 20 % of\nthe patients with two"
	    " cases in the month get one holding both.  The first\npatient of"
	    " every month is " Y_ODD_FAM ".\n", stdout);
}

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

static int
parse_long(const char *s, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return (errno == 0 && end != s && *end == '\0' && *v >= lo && *v <= hi);
}

/* the first n characters are digits */
static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

/* --kinds H,C,T,DP: the bits of the kinds named, at least one */
static int
parse_kinds(const char *s, int *kinds)
{
	size_t n;
	int k, fk;

	*kinds = 0;
	for (;;) {
		n = strcspn(s, ",");
		for (fk = 0, k = -1; fk < (int)NELEMS(fkind_names); fk++)
			if (strlen(fkind_names[fk]) == n &&
			    strncmp(s, fkind_names[fk], n) == 0)
				k = fk;
		if (k == -1)
			return (-1);
		*kinds |= 1 << k;
		if (s[n] == '\0')
			return (0);
		s += n + 1;
	}
}

/* a format version: one or two digits, a dot, one or two digits */
static int
version_ok(const char *v)
{
	size_t a = strspn(v, "0123456789"), b;

	if (a < 1 || a > 2 || v[a] != '.')
		return (0);
	b = strspn(v + a + 1, "0123456789");
	return (b >= 1 && b <= 2 && v[a + 1 + b] == '\0');
}

static int
mkdirs(const char *dir)
{
	char p[4096];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return (-1);
	memcpy(p, dir, n + 1);
	for (i = 1; i <= n; i++)
		if (p[i] == '/' || p[i] == '\0') {
			char c = p[i];

			p[i] = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST)
				return (-1);
			p[i] = c;
		}
	return (0);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "mo", required_argument, NULL, 'M' },
		{ "tfoms", required_argument, NULL, 'T' },
		{ "defect", required_argument, NULL, 'D' },
		{ "profile", required_argument, NULL, 'R' },
		{ "ogrn", required_argument, NULL, 'G' },
		{ "kpp", required_argument, NULL, 'K' },
		{ "kinds", required_argument, NULL, 'k' },
		{ "version", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o, go;
	struct gen g;
	struct stat sb;
	long v, total;
	int ch, i, k, rc = EX_OK, y_opt = 0;
	const char *f_opt = NULL;

	memset(&o, 0, sizeof(o));
	o.seed = 1;
	o.n = 200;
	o.months = 3;
	o.y0 = 2026;
	o.m0 = 8;
	strcpy(o.mo, "760001");
	strcpy(o.tfoms, "76");
	strcpy(o.ogrn, "1027600000001");
	strcpy(o.kpp, "760401001");
	o.kinds = FK_H | FK_DP;
	while ((ch = getopt_long(argc, argv, "hs:n:m:p:o:", lopts, NULL)) != -1) {
		switch (ch) {
		case 's': {
			char *end;

			errno = 0;
			o.seed = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    optarg[0] == '-')
				return (bad_usage("-s: not a seed: %s", optarg));
			break;
		}
		case 'n':
			if (!parse_long(optarg, 1, MAX_N, &o.n))
				return (bad_usage("-n: not a number of cases "
				    "(1-%ld): %s", MAX_N, optarg));
			break;
		case 'm':
			if (!parse_long(optarg, 1, MAX_MONTHS, &o.months))
				return (bad_usage("-m: not a number of months "
				    "(1-%d): %s", MAX_MONTHS, optarg));
			break;
		case 'p':
			if (strlen(optarg) != 7 || optarg[4] != '-' ||
			    !all_digits(optarg, 4) || !all_digits(optarg + 5, 2) ||
			    (o.y0 = atoi(optarg)) < 2000 ||
			    (o.m0 = atoi(optarg + 5)) < 1 || o.m0 > 12)
				return (bad_usage("-p: not a period YYYY-MM "
				    "(2000-01 or later): %s", optarg));
			break;
		case 'o':
			o.dir = optarg;
			break;
		case 'M':
			if (strlen(optarg) != 6 || !all_digits(optarg, 6))
				return (bad_usage("--mo: not a 6-digit code: %s",
				    optarg));
			strcpy(o.mo, optarg);
			break;
		case 'T':
			if (strlen(optarg) != 2 || !all_digits(optarg, 2))
				return (bad_usage("--tfoms: not a 2-digit code: "
				    "%s", optarg));
			strcpy(o.tfoms, optarg);
			break;
		case 'R':
			if (strcmp(optarg, "ffoms") == 0)
				o.profile = PR_FFOMS;
			else if (strcmp(optarg, "yar76") == 0)
				o.profile = PR_YAR76;
			else
				return (bad_usage("--profile: ffoms or yar76: "
				    "%s", optarg));
			break;
		case 'G':
			if (strlen(optarg) != 13 || !all_digits(optarg, 13))
				return (bad_usage("--ogrn: not a 13-digit "
				    "OGRN: %s", optarg));
			strcpy(o.ogrn, optarg);
			y_opt = 'G';
			break;
		case 'K':
			if (strlen(optarg) != 9 || !all_digits(optarg, 9))
				return (bad_usage("--kpp: not a 9-digit KPP: "
				    "%s", optarg));
			strcpy(o.kpp, optarg);
			y_opt = 'K';
			break;
		case 'D': {
			const char *colon = strchr(optarg, ':');

			if (o.ndef == MAX_DEFECTS)
				return (bad_usage("--defect: more than %d",
				    MAX_DEFECTS));
			if (colon == NULL)
				return (bad_usage("--defect: expected NAME:N: %s",
				    optarg));
			for (k = 0; k < (int)NELEMS(defect_names); k++)
				if (strlen(defect_names[k]) ==
				    (size_t)(colon - optarg) &&
				    strncmp(optarg, defect_names[k],
				    (size_t)(colon - optarg)) == 0)
					break;
			if (k == (int)NELEMS(defect_names))
				return (bad_usage("--defect: unknown defect "
				    "(sum, snils, usl-date, ksg, smo): %s",
				    optarg));
			if (!parse_long(colon + 1, 1, MAX_N * MAX_MONTHS, &v))
				return (bad_usage("--defect: N is a case number "
				    "from 1: %s", optarg));
			o.def[o.ndef].kind = (enum defect_kind)k;
			o.def[o.ndef].n = v;
			o.ndef++;
			break;
		}
		case 'k':
			if (parse_kinds(optarg, &o.kinds) == -1)
				return (bad_usage("--kinds: a comma-separated list"
				    " of H, C, T, DP: %s", optarg));
			f_opt = "kinds";
			break;
		case 'V': {
			const char *eq = strchr(optarg, '=');
			int fk;

			for (fk = 0; fk < (int)NELEMS(fkind_names); fk++)
				if (eq != NULL && strlen(fkind_names[fk]) ==
				    (size_t)(eq - optarg) && strncmp(optarg,
				    fkind_names[fk], (size_t)(eq - optarg)) == 0)
					break;
			if (fk == (int)NELEMS(fkind_names) || !version_ok(eq + 1))
				return (bad_usage("--version: expected KIND=V, "
				    "KIND one of H, C, T, DP and V like 3.1: %s",
				    optarg));
			snprintf(o.version[fk], sizeof(o.version[fk]), "%s",
			    eq + 1);
			f_opt = "version";
			break;
		}
		case 'h':
			help();
			return (EX_OK);
		default:
			usage(stderr);
			return (EX_USAGE);
		}
	}
	if (optind < argc)
		return (bad_usage("unexpected argument: %s", argv[optind]));
	if (o.dir == NULL)
		return (bad_usage("-o DIR is required"));
	if (o.y0 + (o.m0 - 1 + o.months - 1) / 12 > 2099)
		return (bad_usage("the periods go past 2099"));
	if (o.profile == PR_YAR76) {
		if (f_opt != NULL)
			return (bad_usage("--%s: --profile ffoms only", f_opt));
		total = o.n * o.months;
		for (i = 0; i < o.ndef; i++) {
			if (o.def[i].kind != D_SUM && o.def[i].kind != D_SMO)
				return (bad_usage("--defect %s: not with "
				    "--profile yar76 (sum, smo only)",
				    defect_names[o.def[i].kind]));
			if (o.def[i].n > total)
				return (bad_usage("--defect %s:%ld: the run has "
				    "%ld accounts", defect_names[o.def[i].kind],
				    o.def[i].n, total));
		}
	} else {
		long nd = (o.n + 5) / 10 < 1 ? 1 : (o.n + 5) / 10;
		long nh = o.n - nd < 1 ? 1 : o.n - nd;
		long nct = (o.n + 10) / 20 < 1 ? 1 : (o.n + 10) / 20;

		if (y_opt != 0)
			return (bad_usage("--%s: --profile yar76 only",
			    y_opt == 'G' ? "ogrn" : "kpp"));
		/* the last one is an H case, when H is written */
		total = ((o.kinds & FK_DP ? nd : 0) + (o.kinds & FK_H ? nh : 0) +
		    (o.kinds & FK_C ? nct : 0) + (o.kinds & FK_T ? nct : 0)) *
		    o.months;
		for (i = 0; i < o.ndef; i++) {
			if (o.def[i].kind == D_SMO)
				return (bad_usage("--defect smo: --profile "
				    "yar76 only"));
			if (o.def[i].n > total)
				return (bad_usage("--defect %s:%ld: the run has "
				    "%ld cases", defect_names[o.def[i].kind],
				    o.def[i].n, total));
		}
	}
	if (mkdirs(o.dir) != 0 || stat(o.dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "%s: %s: cannot create the directory: %s\n",
		    PROG, o.dir, strerror(errno));
		return (EX_IO);
	}

	memset(&g, 0, sizeof(g));
	g.o = &o;
	g.key = mix64(o.seed ^ mix64((uint64_t)(o.y0 * 100 + o.m0) ^
	    mix64((uint64_t)atol(o.mo) * 100 + (uint64_t)atol(o.tfoms))));
	rng_seed(&g.st.rng, g.key);
	g.total = total;
	g.pool = (o.n * 7 + 5) / 10 < 1 ? 1 : (o.n * 7 + 5) / 10;
	g.ref_day = days_from_civil(o.y0, o.m0, 1);
	g.own_region = -1;
	for (i = 0; i < (int)NREGIONS; i++)
		if (strcmp(regions[i].tfoms, o.tfoms) == 0) {
			g.own_region = i;
			memcpy(g.own_okato, regions[i].okato, 2);
		}
	if ((g.used = calloc((size_t)(g.pool + MAX_DEFECTS + 8) / 8 + 1, 1)) ==
	    NULL) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return (EX_IO);
	}
	memcpy(g.st.def, o.def, sizeof(o.def));
	if (o.profile == PR_YAR76) {
		/* the cases without defects: y_run() places them */
		go = o;
		go.ndef = 0;
		g.o = &go;
		rc = y_run(&g, &o);
	}

	for (k = 0; o.profile == PR_FFOMS && k < o.months; k++) {
		long nd = (o.n + 5) / 10 < 1 ? 1 : (o.n + 5) / 10;
		long nh = o.n - nd < 1 ? 1 : o.n - nd;
		long nct = (o.n + 10) / 20 < 1 ? 1 : (o.n + 10) / 20;
		char base[64];

		g.year = o.y0 + (o.m0 - 1 + k) / 12;
		g.month = (o.m0 - 1 + k) % 12 + 1;
		g.first = days_from_civil(g.year, g.month, 1);
		g.last = g.first + days_in_month(g.year, g.month) - 1;
		/* C, T, DP, then H: the run's last case is an H case */
		static const int order[] = { F_C, F_T, F_DP, F_H };
		size_t f;

		for (f = 0; f < NELEMS(order); f++) {
			int fk = order[f];

			if (!(o.kinds & (1 << fk)))
				continue;
			snprintf(base, sizeof(base), "%sM%sT%s_%02d%02d1",
			    fkind_names[fk], o.mo, o.tfoms, g.year % 100,
			    g.month);
			if (write_pair(&g, fk, fk == F_DP ? nd : fk == F_H ? nh :
			    nct, base) == -1) {
				rc = EX_IO;
				break;
			}
		}
		if (rc != EX_OK)
			break;
	}
	if (rc == EX_OK)
		for (i = 0; i < o.ndef; i++)
			if (!g.st.def[i].applied) {
				fprintf(stderr, "%s: --defect %s:%ld: not placed "
				    "(no hospital case at or after case %ld)\n",
				    PROG, defect_names[o.def[i].kind], o.def[i].n,
				    o.def[i].n);
				rc = EX_FAIL;
			}
	free(g.used);
	return (rc);
}
