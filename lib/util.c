/*
 * util.c -- money, dates, periods and check digits
 *
 * All parsers are strict and locale-free: they take exactly the documented
 * form and nothing around it (no blanks, no '+', no thousands separators).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "oms.h"

#define MONEY_MAX	INT64_C(9000000000000000)	/* kopecks, 9e13 roubles */
#define YEAR_MIN	1900
#define YEAR_MAX	2199

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')

static int	digits(const char *, size_t);
static int	num(const char *, size_t);
static int	mdays(int, int);
static long	floordiv(long, long);

/* 1 when s[0..n) are all ASCII digits. */
static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ISDIGIT(s[i]))
			return (0);
	return (1);
}

/* The value of n (<= 9) ASCII digits, already checked. */
static int
num(const char *s, size_t n)
{
	int v;

	for (v = 0; n > 0; s++, n--)
		v = v * 10 + (*s - '0');
	return (v);
}

static int
mdays(int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return (29);
	return (days[m - 1]);
}

static long
floordiv(long a, long b)
{
	return (a / b - (a % b != 0 && (a < 0) != (b < 0)));
}

/* ---------------------------------------------------------------- money */

/*
 * [-]DIGITS[.D[D]], at most MONEY_MAX kopecks either way.  A '-' before
 * a zero amount ("-0", "-0.00") is refused: oms_money_fmt() never writes it,
 * and a sign on nothing is more likely a broken export than a sum.
 */
int
oms_money_parse(const char *s, int64_t *out)
{
	int64_t v;
	int neg;

	neg = *s == '-';
	if (neg)
		s++;
	if (!ISDIGIT(*s))
		return (-1);
	for (v = 0; ISDIGIT(*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > MONEY_MAX / 100)
			return (-1);
	}
	v *= 100;
	if (*s == '.') {
		s++;
		if (!ISDIGIT(s[0]))
			return (-1);
		v += (s[0] - '0') * 10;
		s++;
		if (ISDIGIT(s[0])) {
			v += s[0] - '0';
			s++;
		}
	}
	if (*s != '\0' || v > MONEY_MAX || (neg && v == 0))
		return (-1);
	*out = neg ? -v : v;
	return (0);
}

/* "-1234.50": the digits from the right, no printf (a million of them
   go into a reply's ledger lines and its TSV) */
char *
oms_money_fmt(int64_t v, char *buf)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	char t[24];
	size_t n = 0, k = 0;

	t[n++] = (char)('0' + u % 10);
	u /= 10;
	t[n++] = (char)('0' + u % 10);
	u /= 10;
	t[n++] = '.';
	do {
		t[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		t[n++] = '-';
	while (n > 0)
		buf[k++] = t[--n];
	buf[k] = '\0';
	return (buf);
}

/* ---------------------------------------------------------------- dates */

/* YYYY-MM-DD, a real calendar day of the years YEAR_MIN..YEAR_MAX. */
int
oms_date_parse(const char *s, long *days)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2))
		return (-1);
	y = num(s, 4);
	m = num(s + 5, 2);
	d = num(s + 8, 2);
	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 ||
	    d < 1 || d > mdays(y, m))
		return (-1);
	*days = oms_date_from_ymd(y, m, d);
	return (0);
}

static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

static void
put4(char *p, int v)
{
	put2(p, v / 100);
	put2(p + 2, v % 100);
}

char *
oms_date_fmt(long days, char *buf)
{
	int y, m, d;

	oms_date_to_ymd(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;		/* does not fit; never the case for parsed dates */
	/* by hand: a report formats a million of them */
	put4(buf, y);
	buf[4] = '-';
	put2(buf + 5, m);
	buf[7] = '-';
	put2(buf + 8, d);
	buf[10] = '\0';
	return (buf);
}

/*
 * days_from_civil (H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms").  m out of 1..12 is carried into y, and d is an offset from
 * the first of the month: (y, m + 1, 0) is the last day of month m.
 */
long
oms_date_from_ymd(int y, int m, int d)
{
	long yy, mm, era, yoe, doy, doe;

	yy = (long)y + floordiv((long)m - 1, 12);
	mm = (long)m - 1 - floordiv((long)m - 1, 12) * 12 + 1;
	yy -= mm <= 2;
	era = floordiv(yy, 400);
	yoe = yy - era * 400;
	doy = (153 * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5 + (long)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* civil_from_days, the inverse of the above. */
void
oms_date_to_ymd(long days, int *y, int *m, int *d)
{
	long z, era, doe, yoe, doy, mp, mm;

	z = days + 719468;
	era = floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	mm = mp < 10 ? mp + 3 : mp - 9;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

/* -------------------------------------------------------------- periods */

int
oms_period_parse(const char *s, int *period)
{
	int y, m;

	if (strlen(s) != 7 || s[4] != '-' || !digits(s, 4) ||
	    !digits(s + 5, 2))
		return (-1);
	y = num(s, 4);
	m = num(s + 5, 2);
	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12)
		return (-1);
	*period = y * 12 + m - 1;
	return (0);
}

char *
oms_period_fmt(int period, char *buf)
{
	int y, m;

	if ((m = period % 12) < 0)
		m += 12;
	y = (period - m) / 12;
	if (y < 0 || y > 9999)
		y = 0;		/* does not fit; never the case for parsed periods */
	put4(buf, y);
	buf[4] = '-';
	put2(buf + 5, m + 1);
	buf[7] = '\0';
	return (buf);
}

long
oms_period_first(int period)
{
	return (oms_date_from_ymd(0, period + 1, 1));
}

long
oms_period_last(int period)
{
	return (oms_date_from_ymd(0, period + 2, 0));
}

int
oms_period_of(long days)
{
	int y, m, d;

	oms_date_to_ymd(days, &y, &m, &d);
	return (y * 12 + m - 1);
}

/* --------------------------------------------------------- check digits */

/*
 * SNILS, "XXX-XXX-XXX YY" or 11 digits (ffoms-format.md §7.5).  Numbers up
 * to 001-001-998 were issued without a check sum and are valid as they are.
 * Otherwise the first nine digits weighted 9..1 give the sum s; the check
 * number is s below 100, 00 for 100 and 101, else s mod 101 with 100 as 00.
 */
int
oms_snils_valid(const char *s)
{
	char d[11];
	int i, sum, ctl;

	if (strlen(s) == 14 && s[3] == '-' && s[7] == '-' && s[11] == ' ' &&
	    digits(s, 3) && digits(s + 4, 3) && digits(s + 8, 3) &&
	    digits(s + 12, 2)) {
		memcpy(d, s, 3);
		memcpy(d + 3, s + 4, 3);
		memcpy(d + 6, s + 8, 3);
		memcpy(d + 9, s + 12, 2);
	} else if (strlen(s) == 11 && digits(s, 11))
		memcpy(d, s, 11);
	else
		return (0);
	if (num(d, 9) <= 1001998)
		return (1);
	for (sum = 0, i = 0; i < 9; i++)
		sum += (d[i] - '0') * (9 - i);
	if (sum < 100)
		ctl = sum;
	else if (sum <= 101)
		ctl = 0;
	else if ((ctl = sum % 101) == 100)
		ctl = 0;
	return (ctl == num(d + 9, 2));
}

int
oms_enp_form(const char *s)
{
	return (strlen(s) == 16 && digits(s, 16));
}

/*
 * The ENP check digit as ffoms-format.md §7.5 describes it (not verified
 * against an official source): in the 15-digit body, the digits in odd
 * positions counting from the right form a number that is doubled, the
 * digits in even positions are appended, and the check digit is
 * (10 - (sum of all those digits) mod 10) mod 10.  Doubling a number adds
 * one carry (digit sum - 9) for each digit >= 5, so this is exactly Luhn.
 */
int
oms_enp_check(const char *s)
{
	int i, dig, sum;

	if (!oms_enp_form(s))
		return (0);
	for (sum = 0, i = 14; i >= 0; i--) {
		dig = s[i] - '0';
		if ((14 - i) % 2 == 0) {	/* position 1, 3, ... from the right */
			dig *= 2;
			if (dig > 9)
				dig -= 9;
		}
		sum += dig;
	}
	return ((10 - sum % 10) % 10 == s[15] - '0');
}
