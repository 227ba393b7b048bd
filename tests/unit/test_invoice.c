/*
 * test_invoice.c -- the sums per payer over an exported and answered
 * month (the oms_invoice_scan_* API, through fx_invoice), withholdings
 * read and recorded, invoices issued
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "fixture.h"

/* A accepted (76001), B partly (76002), C rejected (76000) */
static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (x == NULL || fx_open(x, FX_CONF_FFOMS, NULL) == -1 ||
	    fx_month_exported(x, 0) == -1 || fx_month_answered(x) == -1) {
		if (x != NULL)
			fx_close(x);
		free(x);
		return (-1);
	}
	*state = x;
	return (0);
}

static void
payer(const struct oms_payer_sum *p, const char *code, size_t accounts,
    size_t nrefused, int64_t claimed, int64_t refused, int64_t withheld,
    int64_t to_pay)
{
	assert_string_equal(p->payer, code);
	assert_int_equal(p->accounts, accounts);
	assert_int_equal(p->nrefused, nrefused);
	assert_int_equal(p->claimed, claimed);
	assert_int_equal(p->refused, refused);
	assert_int_equal(p->withheld, withheld);
	assert_int_equal(p->to_pay, to_pay);
}

static off_t
ledger_size(const struct fx *x)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/ledger.tsv", x->dir);
	assert_int_equal(stat(path, &st), 0);
	return (st.st_size);
}

/* The sums per payer, sorted by code, exact to the kopeck. */
static void
test_sums(void **state)
{
	struct fx *x = *state;
	struct oms_invoice inv;

	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	assert_int_equal(inv.period, FX_PERIOD);
	assert_int_equal(inv.n, 3);
	payer(&inv.p[0], "76000", 1, 1, 25025, 25025, 0, 0);
	payer(&inv.p[1], "76001", 1, 0, 100000, 0, 0, 100000);
	payer(&inv.p[2], "76002", 1, 1, 50050, 20050, 0, 30000);
	assert_string_equal(inv.p[1].number, "");
	assert_int_equal(inv.nw, 0);
	assert_int_equal(inv.w_recorded, 0);
	assert_int_equal(inv.next_seq, 1);
	oms_invoice_release(&inv);

	/* another period: nothing */
	assert_int_equal(fx_invoice(x, FX_PERIOD + 1, &inv), 0);
	assert_int_equal(inv.n, 0);
	oms_invoice_release(&inv);
}

/* Before any reply: all claimed, nothing refused. */
static void
test_sums_in_flight(void **state)
{
	struct fx *x = *state;
	struct oms_invoice inv;

	fx_close(x);
	assert_int_equal(fx_open(x, FX_CONF_FFOMS, NULL), 0);
	assert_int_equal(fx_month_exported(x, 0), 0);
	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	assert_int_equal(inv.n, 3);
	payer(&inv.p[2], "76002", 1, 0, 50050, 0, 0, 50050);
	oms_invoice_release(&inv);
}

/* A test registry is no claim: no payer at all. */
static void
test_test_registry(void **state)
{
	struct fx *x = *state;
	struct oms_invoice inv;

	fx_close(x);
	assert_int_equal(fx_open(x, FX_CONF_FFOMS, NULL), 0);
	assert_int_equal(fx_month_exported(x, 1), 0);
	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	assert_int_equal(inv.n, 0);
	oms_invoice_release(&inv);
}

static FILE *
text_file(const char *text)
{
	FILE *fp = tmpfile();

	assert_non_null(fp);
	fputs(text, fp);
	rewind(fp);
	return (fp);
}

/* Withholdings: read, checked line by line, recorded, and applied. */
static void
test_withhold(void **state)
{
	struct fx *x = *state;
	struct oms_invoice inv;
	struct oms_withhold *w;
	size_t nw;
	FILE *fp;
	static const struct {
		const char *text, *where, *msg;
	} bad[] = {
		{ "payer\tkind\tamount\n76099\tckdl\t1.00\n", "w.tsv:2",
		    "payer \"76099\" has no main registry of 2026-10" },
		{ "payer\tkind\tamount\n76001\tЦКДЛ\t1.00\n", "w.tsv:2",
		    "kind \"ЦКДЛ\" is not a word of a-z, 0-9, _ and - "
		    "(ckdl, petct ...)" },
		{ "payer\tkind\tamount\n76001\tckdl\t1,50\n", "w.tsv:2",
		    "amount \"1,50\" is not a sum of roubles such as 1234.50" },
		{ "payer\tkind\tamount\n76001\tckdl\t-1.00\n", "w.tsv:2",
		    "amount \"-1.00\" is not a sum of roubles such as "
		    "1234.50" },
		{ "payer\tkind\tamount\n76001\tckdl\t1.00\n76002\tpetct\t2.00\n"
		    "76001\tckdl\t3.00\n", "w.tsv:4",
		    "payer 76001, kind ckdl again (line 2 has it)" },
		{ "payer\tsum\n76001\t1.00\n", "w.tsv:1",
		    "the columns must include payer, kind and amount" },
		{ "payer\tkind\tamount\n76001\tckdl\n", "w.tsv:2",
		    "expected 3 fields, got 2" },
	};
	size_t i;

	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fp = text_file(bad[i].text);
		oms_err_clear(&x->e);
		assert_int_equal(oms_withhold_read(fp, "w.tsv", &inv, &w, &nw,
		    &x->e), -1);
		fclose(fp);
		assert_null(w);
		assert_int_equal(nw, 0);
		assert_int_equal(x->e.code, OMS_EDATA);
		assert_string_equal(x->e.where, bad[i].where);
		if (strstr(x->e.msg, bad[i].msg) == NULL)
			fail_msg("%zu: \"%s\" does not say \"%s\"", i,
			    x->e.msg, bad[i].msg);
	}

	fp = text_file("payer\tkind\tamount\tnote\n"
	    "76001\tckdl\t1234.50\tцентральная лаборатория\n"
	    "76001\tpetct\t100\t\n"
	    "76002\tckdl\t0.05\t\n");
	assert_int_equal(oms_withhold_read(fp, "w.tsv", &inv, &w, &nw, &x->e),
	    0);
	fclose(fp);
	assert_int_equal(nw, 3);
	assert_string_equal(w[0].payer, "76001");
	assert_string_equal(w[0].kind, "ckdl");
	assert_int_equal(w[0].amount, 123450);
	assert_int_equal(w[0].line, 2);
	assert_string_equal(w[1].kind, "petct");
	assert_int_equal(w[1].amount, 10000);
	assert_int_equal(w[2].amount, 5);
	assert_int_equal(w[2].line, 4);

	/* a dry run applies them, records nothing */
	assert_int_equal(oms_invoice_withhold(x->l, &inv, w, nw, "w.tsv", 1,
	    &x->e), 0);
	payer(&inv.p[1], "76001", 1, 0, 100000, 0, 133450, -33450);
	payer(&inv.p[2], "76002", 1, 1, 50050, 20050, 5, 29995);
	oms_invoice_release(&inv);
	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	assert_int_equal(inv.w_recorded, 0);
	assert_int_equal(inv.p[1].withheld, 0);

	/* recorded: the next reading has them */
	fp = text_file("payer\tkind\tamount\n76002\tckdl\t300.00\n");
	assert_int_equal(oms_withhold_read(fp, "w.tsv", &inv, &w, &nw, &x->e),
	    0);
	fclose(fp);
	assert_int_equal(oms_invoice_withhold(x->l, &inv, w, nw, "w.tsv", 0,
	    &x->e), 0);
	oms_invoice_release(&inv);
	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	assert_int_equal(inv.w_recorded, 1);
	assert_int_equal(inv.nw, 1);
	assert_string_equal(inv.w[0].kind, "ckdl");
	assert_int_equal(inv.w[0].line, 2);
	payer(&inv.p[2], "76002", 1, 1, 50050, 20050, 30000, 0);

	/* a new set replaces the old one: an empty one clears it */
	assert_int_equal(oms_invoice_withhold(x->l, &inv, NULL, 0, "empty.tsv",
	    0, &x->e), 0);
	oms_invoice_release(&inv);
	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	assert_int_equal(inv.w_recorded, 1);
	assert_int_equal(inv.nw, 0);
	payer(&inv.p[2], "76002", 1, 1, 50050, 20050, 0, 30000);
	oms_invoice_release(&inv);
}

/*
 * Invoices: numbered prefix + sequence for each payer with something to
 * pay; a dry run numbers them and records nothing; issued ones keep their
 * number and date.
 */
static void
test_issue(void **state)
{
	struct fx *x = *state;
	struct oms_invoice inv;
	off_t size0;

	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	size0 = ledger_size(x);
	assert_int_equal(oms_invoice_issue(x->l, &inv, "2026/",
	    oms_date_from_ymd(2026, 11, 20), 1, &x->e), 0);
	assert_string_equal(inv.p[0].number, "");	/* 76000: nothing */
	assert_string_equal(inv.p[1].number, "2026/1");
	assert_string_equal(inv.p[1].date, "2026-11-20");
	assert_int_equal(inv.p[1].issued, 100000);
	assert_string_equal(inv.p[2].number, "2026/2");
	assert_int_equal(inv.p[2].issued, 30000);
	assert_int_equal(inv.next_seq, 3);
	oms_invoice_release(&inv);
	assert_int_equal(ledger_size(x), size0);
	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	assert_string_equal(inv.p[1].number, "");
	assert_int_equal(inv.next_seq, 1);

	assert_int_equal(oms_invoice_issue(x->l, &inv, "2026/",
	    oms_date_from_ymd(2026, 11, 20), 0, &x->e), 0);
	oms_invoice_release(&inv);
	assert_int_equal(fx_invoice(x, FX_PERIOD, &inv), 0);
	assert_string_equal(inv.p[0].number, "");
	assert_string_equal(inv.p[1].number, "2026/1");
	assert_string_equal(inv.p[1].date, "2026-11-20");
	assert_int_equal(inv.p[1].issued, 100000);
	assert_string_equal(inv.p[2].number, "2026/2");
	assert_int_equal(inv.p[2].issued, 30000);
	assert_int_equal(inv.next_seq, 3);

	/* again, later: the same numbers and dates, nothing recorded */
	size0 = ledger_size(x);
	assert_int_equal(oms_invoice_issue(x->l, &inv, "2026/",
	    oms_date_from_ymd(2026, 11, 25), 0, &x->e), 0);
	assert_string_equal(inv.p[1].number, "2026/1");
	assert_string_equal(inv.p[1].date, "2026-11-20");
	assert_int_equal(inv.next_seq, 3);
	oms_invoice_release(&inv);
	assert_int_equal(ledger_size(x), size0);

	/* the numbers go on in the next period */
	assert_int_equal(fx_invoice(x, FX_PERIOD + 1, &inv), 0);
	assert_int_equal(inv.next_seq, 3);
	oms_invoice_release(&inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sums, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_sums_in_flight, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_test_registry, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_withhold, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_issue, setup, fx_teardown),
	};

	LIBXML_TEST_VERSION
	oms_xml_init();
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
