/*
 * test_util.c -- money, dates, periods, SNILS and ENP
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

static int64_t
money(const char *s)
{
	int64_t v = -42;

	assert_int_equal(oms_money_parse(s, &v), 0);
	return (v);
}

static void
test_money_parse(void **state)
{
	static const char *bad[] = {
		"", "-", "+1", " 12", "12 ", "12.", ".5", "-.5", "12.345",
		"12,50", "1e3", "-0", "-0.00", "-0.0", "--1", "1-", "1.2.3",
		"0x10", "12.5a", "１２", "90000000000000.01",
		"90000000000001", "-90000000000000.01",
		"99999999999999999999999", "9223372036854775807",
	};
	int64_t v;
	size_t i;

	(void)state;
	assert_int_equal(money("12.5"), 1250);
	assert_int_equal(money("12"), 1200);
	assert_int_equal(money("12.05"), 1205);
	assert_int_equal(money("0"), 0);
	assert_int_equal(money("0.00"), 0);
	assert_int_equal(money("0.01"), 1);
	assert_int_equal(money("-0.01"), -1);
	assert_int_equal(money("-12.50"), -1250);
	assert_int_equal(money("007.10"), 710);
	assert_int_equal(money("90000000000000"), INT64_C(9000000000000000));
	assert_int_equal(money("-90000000000000.00"),
	    -INT64_C(9000000000000000));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 77;
		if (oms_money_parse(bad[i], &v) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(v, 77);	/* untouched */
	}
}

static void
test_money_fmt(void **state)
{
	char buf[24];
	int64_t v;

	(void)state;
	assert_string_equal(oms_money_fmt(0, buf), "0.00");
	assert_string_equal(oms_money_fmt(1, buf), "0.01");
	assert_string_equal(oms_money_fmt(-1, buf), "-0.01");
	assert_string_equal(oms_money_fmt(-1250, buf), "-12.50");
	assert_string_equal(oms_money_fmt(123456789, buf), "1234567.89");
	assert_string_equal(oms_money_fmt(INT64_MIN, buf),
	    "-92233720368547758.08");
	assert_string_equal(oms_money_fmt(INT64_MAX, buf),
	    "92233720368547758.07");
	assert_ptr_equal(oms_money_fmt(5, buf), buf);
	for (v = -1005; v <= 1005; v += 67) {
		oms_money_fmt(v, buf);
		assert_int_equal(money(buf), v);
	}
}

static long
date(const char *s)
{
	long d = -999999;

	if (oms_date_parse(s, &d) != 0)
		fail_msg("refused \"%s\"", s);
	return (d);
}

static void
test_date_parse(void **state)
{
	static const char *bad[] = {
		"2025-02-29", "1900-02-29", "2100-02-29", "2024-04-31",
		"2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32",
		"2024-1-01", "2024-01-1", "24-01-01", "2024-01-01x",
		" 2024-01-01", "2024/01/01", "2024-01-01 ", "", "20240101",
		"1899-12-31", "2200-01-01", "-024-01-01", "2024-+1-01",
	};
	long d;
	size_t i;

	(void)state;
	assert_int_equal(date("1970-01-01"), 0);
	assert_int_equal(date("1969-12-31"), -1);
	assert_int_equal(date("2000-01-01"), 10957);
	assert_int_equal(date("2024-02-29"), 19782);
	assert_int_equal(date("2000-02-29"), date("2000-03-01") - 1);
	assert_int_equal(date("1900-01-01"), -25567);
	assert_int_equal(date("2199-12-31"), 84005);
	assert_int_equal(date("2026-10-31"), 20757);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = 5;
		if (oms_date_parse(bad[i], &d) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(d, 5);
	}
}

static void
test_date_every_day(void **state)
{
	char buf[11];
	long d, first, last;
	int y, m, dd, py, pm, pd;

	(void)state;
	first = date("1900-01-01");
	last = date("2199-12-31");
	oms_date_to_ymd(first, &py, &pm, &pd);
	assert_int_equal(py, 1900);
	for (d = first + 1; d <= last; d++) {
		oms_date_to_ymd(d, &y, &m, &dd);
		/* each day follows the one before */
		if (dd == pd + 1)
			assert_true(y == py && m == pm);
		else {
			assert_int_equal(dd, 1);
			assert_true((y == py && m == pm + 1) ||
			    (y == py + 1 && m == 1 && pm == 12));
		}
		assert_int_equal(oms_date_from_ymd(y, m, dd), d);
		assert_int_equal(date(oms_date_fmt(d, buf)), d);
		py = y;
		pm = m;
		pd = dd;
	}
	assert_int_equal(y, 2199);
	assert_int_equal(m, 12);
	assert_int_equal(dd, 31);
	assert_string_equal(oms_date_fmt(19782, buf), "2024-02-29");
	assert_string_equal(oms_date_fmt(0, buf), "1970-01-01");
}

static void
test_date_from_ymd_carry(void **state)
{
	(void)state;
	assert_int_equal(oms_date_from_ymd(2024, 13, 1), date("2025-01-01"));
	assert_int_equal(oms_date_from_ymd(2024, 3, 0), date("2024-02-29"));
	assert_int_equal(oms_date_from_ymd(2025, 3, 0), date("2025-02-28"));
	assert_int_equal(oms_date_from_ymd(2024, 0, 1), date("2023-12-01"));
	assert_int_equal(oms_date_from_ymd(2024, -11, 1), date("2023-01-01"));
	assert_int_equal(oms_date_from_ymd(2024, 1, 32), date("2024-02-01"));
}

static int
period(const char *s)
{
	int p = -1;

	if (oms_period_parse(s, &p) != 0)
		fail_msg("refused \"%s\"", s);
	return (p);
}

static void
test_period(void **state)
{
	static const char *bad[] = {
		"2024-13", "2024-00", "2024-2", "24-02", "2024-02-01",
		"202402", "2024-1a", "", "1899-12", "2200-01", "2024-02 ",
	};
	char buf[8];
	size_t i;
	int p;

	(void)state;
	assert_int_equal(period("2024-02"), 2024 * 12 + 1);
	assert_int_equal(period("2024-12"), 2024 * 12 + 11);
	assert_int_equal(period("2025-01"), period("2024-12") + 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = 3;
		if (oms_period_parse(bad[i], &p) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(p, 3);
	}
	assert_string_equal(oms_period_fmt(period("2026-10"), buf), "2026-10");
	assert_string_equal(oms_period_fmt(period("1900-01"), buf), "1900-01");
	assert_string_equal(oms_period_fmt(period("2199-12"), buf), "2199-12");
}

static void
test_period_days(void **state)
{
	(void)state;
	assert_int_equal(oms_period_first(period("2024-02")),
	    date("2024-02-01"));
	assert_int_equal(oms_period_last(period("2024-02")),
	    date("2024-02-29"));
	assert_int_equal(oms_period_last(period("2025-02")),
	    date("2025-02-28"));
	assert_int_equal(oms_period_last(period("2000-02")),
	    date("2000-02-29"));
	assert_int_equal(oms_period_last(period("1900-02")),
	    date("1900-02-28"));
	assert_int_equal(oms_period_first(period("2025-01")),
	    date("2025-01-01"));
	assert_int_equal(oms_period_last(period("2024-12")),
	    date("2024-12-31"));
	assert_int_equal(oms_period_last(period("2024-04")),
	    date("2024-04-30"));
	assert_int_equal(oms_period_of(date("2024-02-29")), period("2024-02"));
	assert_int_equal(oms_period_of(date("2024-03-01")), period("2024-03"));
	assert_int_equal(oms_period_of(date("2024-12-31")), period("2024-12"));
	assert_int_equal(oms_period_of(date("2025-01-01")), period("2025-01"));
	assert_int_equal(oms_period_of(oms_period_first(period("2026-10"))),
	    period("2026-10"));
	assert_int_equal(oms_period_of(oms_period_last(period("2026-10"))),
	    period("2026-10"));
}

static void
test_snils(void **state)
{
	static const char *good[] = {
		"112-233-445 95", "11223344595",
		"001-001-998 00",	/* no check sum up to here */
		"000-000-001 99",
		"001-001-999 65",	/* sum 65 */
		"002-569-961 49",	/* sum 150: 150 mod 101 */
		"001-508-815 00",	/* sum 100 */
		"001-437-544 00",	/* sum 101 */
		"006-996-682 00",	/* sum 201: mod 101 is 100 */
		"999-999-999 01",	/* sum 405 */
	};
	static const char *bad[] = {
		"112-233-445 96", "11223344596", "112-233-445 05",
		"001-001-999 66", "006-996-682 100", "006-996-682 99",
		"001-508-815 01",
		"112-233-44595", "112 233 445 95", "112-233-445-95",
		"1122334459", "112233445955", "112-233-445 9a",
		"1122334459a", "", " 11223344595",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (oms_snils_valid(good[i]) != 1)
			fail_msg("refused \"%s\"", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (oms_snils_valid(bad[i]) != 0)
			fail_msg("accepted \"%s\"", bad[i]);
}

/* The §7.5 algorithm spelled out literally, to check the library against. */
static int
enp_spec(const char *s)
{
	char odd[16], digits[40];
	unsigned long long n;
	size_t no, nd;
	int i, sum;

	no = nd = 0;
	for (i = 0; i < 15; i++)
		if ((15 - i) % 2 == 1)		/* odd from the right */
			odd[no++] = s[i];
	odd[no] = '\0';
	n = strtoull(odd, NULL, 10) * 2;
	nd = (size_t)snprintf(digits, sizeof(digits), "%llu", n);
	for (i = 0; i < 15; i++)
		if ((15 - i) % 2 == 0)
			digits[nd++] = s[i];
	digits[nd] = '\0';
	for (sum = 0, i = 0; digits[i] != '\0'; i++)
		sum += digits[i] - '0';
	return ((10 - sum % 10) % 10);
}

static void
test_enp(void **state)
{
	char s[17];
	uint64_t x;
	int i, k, want;

	(void)state;
	assert_int_equal(oms_enp_form("7701234567890126"), 1);
	assert_int_equal(oms_enp_form("770123456789012"), 0);
	assert_int_equal(oms_enp_form("77012345678901267"), 0);
	assert_int_equal(oms_enp_form("77012345678901x6"), 0);
	assert_int_equal(oms_enp_form(" 770123456789012"), 0);
	assert_int_equal(oms_enp_form(""), 0);
	assert_int_equal(oms_enp_check("7701234567890126"), 1);
	assert_int_equal(oms_enp_check("7701234567890127"), 0);
	assert_int_equal(oms_enp_check("7600000000000009"), 1);
	assert_int_equal(oms_enp_check("5000000000000017"), 1);
	assert_int_equal(oms_enp_check("4111111111111111"), 1);	/* Luhn */
	assert_int_equal(oms_enp_check("770123456789012"), 0);
	assert_int_equal(oms_enp_check("770123456789012a"), 0);
	/* against the literal algorithm, over pseudo-random bodies */
	x = 88172645463325252ULL;
	for (k = 0; k < 2000; k++) {
		for (i = 0; i < 15; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[i] = (char)('0' + x % 10);
		}
		s[16] = '\0';
		want = enp_spec(s);
		for (i = 0; i < 10; i++) {
			s[15] = (char)('0' + i);
			assert_int_equal(oms_enp_check(s), i == want);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_parse),
		cmocka_unit_test(test_money_fmt),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_date_every_day),
		cmocka_unit_test(test_date_from_ymd_carry),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_period_days),
		cmocka_unit_test(test_snils),
		cmocka_unit_test(test_enp),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
