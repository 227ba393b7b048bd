/*
 * test_words.c -- sums in Russian words, as the invoices write them
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "invoice.h"

static void
check(int64_t kopecks, const char *want)
{
	char buf[512];

	assert_string_equal(rub_words(kopecks, buf, sizeof(buf)), want);
}

static void
test_words(void **state)
{
	(void)state;
	check(0, "Ноль рублей 00 копеек");
	check(100, "Один рубль 00 копеек");
	check(201, "Два рубля 01 копейка");
	check(502, "Пять рублей 02 копейки");
	check(1100, "Одиннадцать рублей 00 копеек");
	check(2111, "Двадцать один рубль 11 копеек");
	check(100000, "Одна тысяча рублей 00 копеек");
	check(200000, "Две тысячи рублей 00 копеек");
	check(1100000, "Одиннадцать тысяч рублей 00 копеек");
	check(123456789, "Один миллион двести тридцать четыре тысячи "
	    "пятьсот шестьдесят семь рублей 89 копеек");
	check(177012635, "Один миллион семьсот семьдесят тысяч сто двадцать "
	    "шесть рублей 35 копеек");
	check(200000000000, "Два миллиарда рублей 00 копеек");
	check(-1550, "Минус пятнадцать рублей 50 копеек");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
