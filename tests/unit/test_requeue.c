/*
 * test_requeue.c -- oms_requeue and oms_restore_test over a ledger built
 * by an export and an import of the fixture's month
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>

#include "fixture.h"

/* the month exported and answered: A accepted, B partial, C rejected */
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

/* the month exported as a test registry, B refused by its ФЛК */
static int
setup_test(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct oms_import_res res;

	if (x == NULL || fx_open(x, FX_CONF_FFOMS, NULL) == -1 ||
	    fx_month_exported(x, 1) == -1 || fx_import(x, "V" FX_REG ".xml",
	    "<FLK_P><FNAME>V" FX_REG "</FNAME><FNAME_I>" FX_REG "</FNAME_I>"
	    "<PR><OSHIB>904</OSHIB><N_ZAP>2</N_ZAP></PR></FLK_P>\n",
	    &res) == -1) {
		if (x != NULL)
			fx_close(x);
		free(x);
		return (-1);
	}
	oms_import_res_release(&res);
	*state = x;
	return (0);
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

/* The text of entry name in the ZIP at path (malloc'd). */
static char *
zip_entry(const char *path, const char *name)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char *buf = NULL;
	la_int64_t size;

	archive_read_support_format_zip(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240),
	    ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(ae), name) != 0)
			continue;
		size = archive_entry_size(ae);
		assert_true(size > 0 && size < 1 << 20);
		buf = calloc(1, (size_t)size + 1);
		assert_int_equal(archive_read_data(a, buf, (size_t)size),
		    size);
		break;
	}
	archive_read_free(a);
	assert_non_null(buf);
	return (buf);
}

static void
item(const struct oms_rq_item *it, const char *account, int action,
    const char *registry, const char *reasons, const char *detail)
{
	assert_string_equal(it->account, account);
	assert_string_equal(oms_rq_action_name(it->action),
	    oms_rq_action_name(action));
	assert_string_equal(it->registry, registry);
	assert_string_equal(it->reasons, reasons);
	assert_string_equal(it->detail, detail);
}

/*
 * Only the rejected account is queued; the accepted, the partly paid
 * (without force), the unknown and the one given twice are told why.
 */
static void
test_queue(void **state)
{
	struct fx *x = *state;
	struct oms_requeue_opts o;
	struct oms_rq_res res;
	const char *acc[] = { FX_A, FX_B, FX_C, "no-such-account", FX_C };
	const struct oms_acct *a;
	off_t size0;

	memset(&o, 0, sizeof(o));
	/* dry run first: the same items, nothing recorded */
	o.dry_run = 1;
	size0 = ledger_size(x);
	assert_int_equal(oms_requeue(x->l, acc, 5, &o, &res, &x->e), 0);
	assert_int_equal(res.n, 5);
	assert_int_equal(res.nrefused, 4);
	oms_rq_res_release(&res);
	assert_int_equal(ledger_size(x), size0);
	assert_int_equal(oms_ledger_acct(x->l, FX_C)->state, OMS_ST_REJECTED);

	o.dry_run = 0;
	assert_int_equal(oms_requeue(x->l, acc, 5, &o, &res, &x->e), 0);
	assert_int_equal(res.n, 5);
	assert_int_equal(res.nrefused, 4);
	item(&res.v[0], FX_A, OMS_RQ_REFUSED, FX_REG, "", "accepted in "
	    FX_REG);
	item(&res.v[1], FX_B, OMS_RQ_REFUSED, FX_REG, "204", "partly paid in "
	    FX_REG " (300.00 accepted): sending it again claims the accepted "
	    "part twice; --force to queue it anyway");
	item(&res.v[2], FX_C, OMS_RQ_QUEUED, FX_REG, "208", "rejected");
	item(&res.v[3], "no-such-account", OMS_RQ_REFUSED, "", "",
	    "never sent: oms-select lists it when it is due");
	item(&res.v[4], FX_C, OMS_RQ_REFUSED, "", "", "given twice");
	oms_rq_res_release(&res);
	assert_true(ledger_size(x) > size0);

	assert_non_null(fx_ledger(x));
	a = oms_ledger_acct(x->l, FX_C);
	assert_int_equal(a->state, OMS_ST_QUEUED);
	assert_int_equal(oms_ledger_acct(x->l, FX_B)->state, OMS_ST_PARTIAL);

	/* queued already */
	assert_int_equal(oms_requeue(x->l, acc + 2, 1, &o, &res, &x->e), 0);
	item(&res.v[0], FX_C, OMS_RQ_REFUSED, FX_REG, "208",
	    "already queued for the next registry");
	oms_rq_res_release(&res);
}

/* requeue.final refuses a reason sending again cannot cure; force not. */
static void
test_final_and_force(void **state)
{
	struct fx *x = *state;
	char c221[] = "221", c208[] = "208";
	char *final[] = { c221, c208, NULL };
	struct oms_requeue_opts o;
	struct oms_rq_res res;
	const char *acc[] = { FX_C, FX_B };

	memset(&o, 0, sizeof(o));
	o.final = final;
	assert_int_equal(oms_requeue(x->l, acc, 1, &o, &res, &x->e), 0);
	item(&res.v[0], FX_C, OMS_RQ_REFUSED, FX_REG, "208", "refused for "
	    "208, which sending again does not cure (requeue.final in "
	    "oms.conf); --force to queue it anyway");
	assert_int_equal(res.nrefused, 1);
	oms_rq_res_release(&res);
	assert_int_equal(oms_ledger_acct(x->l, FX_C)->state, OMS_ST_REJECTED);

	o.force = 1;
	assert_int_equal(oms_requeue(x->l, acc, 2, &o, &res, &x->e), 0);
	assert_int_equal(res.nrefused, 0);
	item(&res.v[0], FX_C, OMS_RQ_QUEUED, FX_REG, "208", "rejected");
	item(&res.v[1], FX_B, OMS_RQ_QUEUED, FX_REG, "204", "partial");
	oms_rq_res_release(&res);
	assert_int_equal(oms_ledger_acct(x->l, FX_B)->state, OMS_ST_QUEUED);
}

/*
 * A fix with the queueing; the next export sends the account again as
 * repeated (PR_NOV 1) in package 2; a fix the export would not make is
 * refused before anything is recorded.
 */
static void
test_fix_and_resend(void **state)
{
	struct fx *x = *state;
	const char *path[] = { "PACIENT/ENP" }, *value[] = {
	    "7600000000000041" };
	const char *bad[] = { "N_ZAP" };
	struct oms_requeue_opts o;
	struct oms_rq_res res;
	struct oms_export_opts eo;
	struct oms_export_res er;
	const char *acc[] = { FX_C };
	const struct oms_acct *a;
	const struct oms_fix *f;
	off_t size0;
	char want[512], *xml;

	memset(&o, 0, sizeof(o));
	o.path = bad;
	o.value = value;
	o.nfix = 1;
	size0 = ledger_size(x);
	oms_err_clear(&x->e);
	assert_int_equal(oms_requeue(x->l, acc, 1, &o, &res, &x->e), -1);
	assert_int_equal(x->e.code, OMS_EDATA);
	assert_non_null(strstr(x->e.msg, "N_ZAP"));
	assert_int_equal(res.n, 0);
	assert_int_equal(ledger_size(x), size0);

	o.path = path;
	assert_int_equal(oms_requeue(x->l, acc, 1, &o, &res, &x->e), 0);
	assert_int_equal(res.n, 2);
	item(&res.v[0], FX_C, OMS_RQ_FIXED, "", "", "PACIENT/ENP");
	item(&res.v[1], FX_C, OMS_RQ_QUEUED, FX_REG, "208", "rejected");
	oms_rq_res_release(&res);
	assert_int_equal(oms_ledger_nfix(x->l), 1);
	f = oms_ledger_fix(x->l, 0);
	assert_string_equal(f->account, FX_C);
	assert_string_equal(f->path, "PACIENT/ENP");
	assert_string_equal(f->value, "7600000000000041");
	assert_int_equal(oms_ledger_acct(x->l, FX_C)->nfixes, 1);

	fx_export_opts(&eo, 0, 0);
	assert_int_equal(fx_export(x, acc, 1, &eo, &er), 0);
	/* the fix is told, its value hidden (personal data) */
	snprintf(want, sizeof(want), "W source/h.xml:142: account " FX_C ": "
	    "PACIENT/ENP set to \"(hidden)\" by the fix of %s (oms-requeue "
	    "--fixes)\n", oms_ledger_fix(x->l, 0)->time);
	assert_string_equal(fx_diag_text(&x->diag), want);
	assert_int_equal(er.nreg, 1);
	assert_string_equal(er.reg[0].name, "HM760001T76_26102");
	assert_int_equal(er.reg[0].sum, 25025);
	oms_export_res_release(&er);
	assert_non_null(fx_ledger(x));
	a = oms_ledger_acct(x->l, FX_C);
	assert_int_equal(a->state, OMS_ST_INFLIGHT);
	assert_int_equal(a->pr_nov, 1);
	assert_int_equal(a->nexports, 2);
	assert_int_equal(a->n_zap, 1);
	assert_string_equal(oms_ledger_reg(x->l, (size_t)a->reg)->name,
	    "HM760001T76_26102");
	/* the archive carries the fixed value, as a repeated account */
	snprintf(want, sizeof(want), "%s/outbox/HM760001T76_26102.zip",
	    x->dir);
	xml = zip_entry(want, "HM760001T76_26102.XML");
	assert_non_null(strstr(xml, "<PR_NOV>1</PR_NOV>"));
	assert_non_null(strstr(xml, "<ENP>7600000000000041</ENP>"));
	assert_null(strstr(xml, "7700000000000032"));
	assert_non_null(strstr(xml, "<SL_ID>" FX_C "</SL_ID>"));
	free(xml);
	/* the first registry keeps its claim and decision */
	a = oms_ledger_claim(x->l, FX_C, 0);
	assert_non_null(a);
	assert_int_equal(a->decision, OMS_ST_REJECTED);
	assert_int_equal(a->refused, 25025);
}

/* Withdrawing a fix; withdrawing one that is not in force. */
static void
test_withdraw(void **state)
{
	struct fx *x = *state;
	const char *path[] = { "PERS/FAM" }, *value[] = { "ИСПРАВЛЕНОВ" };
	struct oms_requeue_opts o;
	struct oms_rq_res res;
	const char *acc[] = { FX_C, FX_A };

	memset(&o, 0, sizeof(o));
	o.path = path;
	o.value = value;
	o.nfix = 1;
	assert_int_equal(oms_requeue(x->l, acc, 1, &o, &res, &x->e), 0);
	oms_rq_res_release(&res);
	assert_int_equal(oms_ledger_nfix(x->l), 1);
	o.mode = OMS_RQ_MODE_WITHDRAW;
	o.value = NULL;
	assert_int_equal(oms_requeue(x->l, acc, 2, &o, &res, &x->e), 0);
	assert_int_equal(res.n, 2);
	item(&res.v[0], FX_C, OMS_RQ_WITHDRAWN, "", "", "PERS/FAM");
	item(&res.v[1], FX_A, OMS_RQ_REFUSED, "", "", "no such fix in force "
	    "(oms-requeue --fixes)");
	assert_int_equal(res.nrefused, 1);
	oms_rq_res_release(&res);
	assert_non_null(fx_ledger(x));
	assert_int_equal(oms_ledger_nfix(x->l), 0);
	assert_int_equal(oms_ledger_acct(x->l, FX_C)->nfixes, 0);
}

/*
 * A test registry of the period: its refused account is not requeued
 * but restored with the others; restored once, the registry is gone
 * from what can be restored.
 */
static void
test_restore(void **state)
{
	struct fx *x = *state;
	struct oms_requeue_opts o;
	struct oms_rq_res res;
	const char *acc[] = { FX_B };
	const struct oms_acct *a;
	off_t size0;
	size_t i;

	assert_int_equal(oms_ledger_acct(x->l, FX_B)->state, OMS_ST_REJECTED);
	memset(&o, 0, sizeof(o));
	assert_int_equal(oms_requeue(x->l, acc, 1, &o, &res, &x->e), 0);
	item(&res.v[0], FX_B, OMS_RQ_REFUSED, FX_REG, "904", "refused by the "
	    "test registry " FX_REG ": restore the test registries of its "
	    "period instead (oms-requeue --restore-test)");
	oms_rq_res_release(&res);

	/* another period has none */
	oms_err_clear(&x->e);
	assert_int_equal(oms_restore_test(x->l, FX_PERIOD - 1, 0, &res,
	    &x->e), -1);
	assert_int_equal(x->e.code, OMS_EDATA);
	assert_string_equal(x->e.msg, "no test registry of 2026-09 to "
	    "restore");

	size0 = ledger_size(x);
	assert_int_equal(oms_restore_test(x->l, FX_PERIOD, 1, &res, &x->e), 0);
	assert_int_equal(res.n, 3);
	oms_rq_res_release(&res);
	assert_int_equal(ledger_size(x), size0);
	assert_int_equal(oms_ledger_reg(x->l, 0)->restored, 0);

	assert_int_equal(oms_restore_test(x->l, FX_PERIOD, 0, &res, &x->e), 0);
	assert_int_equal(res.n, 3);
	assert_int_equal(res.nrefused, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(res.v[i].action, OMS_RQ_RESTORED);
		assert_string_equal(res.v[i].registry, FX_REG);
		assert_string_equal(res.v[i].detail, "new");
	}
	oms_rq_res_release(&res);

	assert_non_null(fx_ledger(x));
	assert_int_equal(oms_ledger_reg(x->l, 0)->restored, 1);
	a = oms_ledger_acct(x->l, FX_B);
	assert_int_equal(a->state, OMS_ST_NEW);
	assert_int_equal(oms_ledger_acct(x->l, FX_A)->state, OMS_ST_NEW);
	assert_int_equal(oms_restore_test(x->l, FX_PERIOD, 0, &res, &x->e),
	    -1);
	assert_string_equal(x->e.msg, "no test registry of 2026-10 to "
	    "restore");

	/* new again: the main registry takes them, package 2 */
	{
		struct oms_export_opts eo;
		struct oms_export_res er;

		fx_export_opts(&eo, 0, 0);
		assert_int_equal(fx_export(x, NULL, 0, &eo, &er), 0);
		assert_string_equal(er.reg[0].name, "HM760001T76_26102");
		assert_int_equal(er.reg[0].naccounts, 3);
		oms_export_res_release(&er);
		assert_int_equal(oms_ledger_acct(x->l, FX_B)->pr_nov, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queue, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_final_and_force, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_fix_and_resend, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_withdraw, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup_test,
		    fx_teardown),
	};

	LIBXML_TEST_VERSION
	oms_xml_init();
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
