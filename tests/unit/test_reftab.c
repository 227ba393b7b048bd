/*
 * test_reftab.c -- reference tables (reftab.c): oms_ref_* and the
 * library's own look-ups by code, by day and by a second column, the
 * rules for a code given twice, and the errors with their file:line
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
#include "reftab.h"

/* A stream holding text (fmemopen: nothing on disk). */
static FILE *
mem(const char *text)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(fp);
	return (fp);
}

static long
day(const char *s)
{
	long d;

	assert_int_equal(oms_date_parse(s, &d), 0);
	return (d);
}

static void
test_public(void **state)
{
	static const char *const cols[] = { "code", "ogrn", "kpp" };
	const char *const *f;
	struct oms_ref *r;
	struct oms_err e;
	FILE *fp;

	(void)state;
	memset(&e, 0, sizeof(e));
	/* kpp is optional: the header lacks it, its field is "" */
	fp = mem("ogrn\tcode\tname\n1027600000011\t76001\tA\n"
	    "1027600000022\t76002\tB\n1027600000033\t76001\tC\n");
	r = oms_ref_read(fp, "F002.tsv", cols, 3, 2, &e);
	fclose(fp);
	assert_non_null(r);
	/* a code given again: the later row replaces the earlier */
	assert_non_null(f = oms_ref_get(r, "76001"));
	assert_string_equal(f[0], "76001");
	assert_string_equal(f[1], "1027600000033");
	assert_string_equal(f[2], "");
	assert_non_null(f = oms_ref_get(r, "76002"));
	assert_string_equal(f[1], "1027600000022");
	assert_null(oms_ref_get(r, "76003"));
	assert_null(oms_ref_get(NULL, "76001"));
	oms_ref_free(r);
	oms_ref_free(NULL);

	/* a required column missing: EDATA at name:1 */
	fp = mem("code\tname\n76001\tA\n");
	assert_null(oms_ref_read(fp, "F002.tsv", cols, 3, 2, &e));
	fclose(fp);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "F002.tsv:1");
	assert_string_equal(e.msg, "no column \"ogrn\"");

	/* a ragged line is the TSV reader's error, with its line */
	fp = mem("code\togrn\n76001\t1\n76002\n");
	assert_null(oms_ref_read(fp, "F002.tsv", cols, 2, 2, &e));
	fclose(fp);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "F002.tsv:3");
}

static const char *const vcols[] = { "code", "osn", "name" };

static void
test_by_day(void **state)
{
	static const struct omsi_refspec spec = {
		.cols = vcols, .ncols = 3, .nreq = 2, .from = "from",
		.to = "to", .alt = "osn", .dup = OMSI_REF_ALL,
		.open_what = "open",
	};
	struct oms_ref *r;
	struct oms_err e;
	size_t row;
	FILE *fp;

	(void)state;
	memset(&e, 0, sizeof(e));
	fp = mem("code\tosn\tname\tfrom\tto\n"
	    "53\t5.1.4\told\t2019-01-01\t2023-12-31\n"
	    "53\t5.1.4\tnew\t2024-01-01\t\n"
	    "60\t5.3.1\tclosed\t2019-01-01\t2020-12-31\n");
	r = omsi_ref_read(fp, "F014.tsv", &spec, &e);
	fclose(fp);
	assert_non_null(r);
	assert_int_equal(omsi_ref_count(r), 3);

	/* the row valid on the day */
	assert_int_equal(omsi_ref_find(r, 0, "53", day("2022-06-01"), &row),
	    1);
	assert_string_equal(omsi_ref_fields(r, row)[2], "old");
	assert_int_equal(omsi_ref_find(r, 0, "53", day("2026-10-01"), &row),
	    1);
	assert_string_equal(omsi_ref_fields(r, row)[2], "new");
	assert_int_equal(omsi_ref_row(r, row)->to, -1);
	/* any day: the open one */
	assert_int_equal(omsi_ref_find(r, 0, "53", -1, &row), 1);
	assert_string_equal(omsi_ref_fields(r, row)[2], "new");
	/* no row valid that day: the one valid last */
	assert_int_equal(omsi_ref_find(r, 0, "60", day("2026-10-01"), &row),
	    1);
	assert_string_equal(omsi_ref_fields(r, row)[2], "closed");
	/* by the second column */
	assert_int_equal(omsi_ref_find(r, 1, "5.1.4", day("2020-01-01"),
	    &row), 1);
	assert_string_equal(omsi_ref_fields(r, row)[0], "53");
	assert_string_equal(omsi_ref_fields(r, row)[2], "old");
	assert_int_equal(omsi_ref_find(r, 0, "99", -1, &row), 0);
	assert_int_equal(omsi_ref_find(r, 1, "53", -1, &row), 0);
	oms_ref_free(r);

	/* a date that is not one names its line */
	fp = mem("code\tosn\tname\tfrom\tto\n53\t5.1.4\tx\t2024-13-01\t\n");
	assert_null(omsi_ref_read(fp, "F014.tsv", &spec, &e));
	fclose(fp);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "F014.tsv:2");
}

static void
test_dup_rules(void **state)
{
	static const char *const cols[] = { "code", "name" };
	struct omsi_refspec spec = {
		.cols = cols, .ncols = 2, .nreq = 2, .dup = OMSI_REF_FIRST,
		.open_what = "open",
	};
	static const char twice[] = "code\tname\nA\tfirst\nA\tsecond\n";
	struct oms_ref *r;
	struct oms_err e;
	size_t row;
	FILE *fp;

	(void)state;
	memset(&e, 0, sizeof(e));
	fp = mem(twice);
	assert_non_null(r = omsi_ref_read(fp, "t.tsv", &spec, &e));
	fclose(fp);
	assert_int_equal(omsi_ref_get(r, "A", &row), 1);
	assert_string_equal(omsi_ref_fields(r, row)[1], "first");
	oms_ref_free(r);

	spec.dup = OMSI_REF_ONCE;
	fp = mem(twice);
	assert_null(omsi_ref_read(fp, "t.tsv", &spec, &e));
	fclose(fp);
	assert_int_equal(e.code, OMS_EDATA);
	assert_string_equal(e.where, "t.tsv:3");
	assert_non_null(strstr(e.msg, "A"));

	/* rows without a code are left out when asked */
	spec.dup = OMSI_REF_LAST;
	spec.skip_empty = 1;
	fp = mem("code\tname\n\tnone\nB\tb\n");
	assert_non_null(r = omsi_ref_read(fp, "t.tsv", &spec, &e));
	fclose(fp);
	assert_int_equal(omsi_ref_count(r), 1);
	assert_int_equal(omsi_ref_get(r, "", &row), 0);
	oms_ref_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public),
		cmocka_unit_test(test_by_day),
		cmocka_unit_test(test_dup_rules),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
