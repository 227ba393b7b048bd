/*
 * test_export.c -- oms_export: checking only, writing a registry, what
 * the ledger records, and the accounts it refuses
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>

#include <sys/stat.h>
#include <sys/syscall.h>

#include "fixture.h"

/*
 * read(2) as the library calls it (the program's own read is the one
 * liboms.a's objects are linked to): past fail_after bytes of the file
 * whose inode is fail_ino it fails with EIO, a disk going bad mid-file.
 */
static ino_t fail_ino;
static off_t fail_after;

ssize_t
read(int fd, void *buf, size_t n)
{
	struct stat st;
	off_t at;

	if (fail_ino != 0 && fstat(fd, &st) == 0 && st.st_ino == fail_ino &&
	    (at = lseek(fd, 0, SEEK_CUR)) != -1) {
		if (at >= fail_after) {
			errno = EIO;
			return (-1);
		}
		if ((off_t)n > fail_after - at)
			n = (size_t)(fail_after - at);
	}
	return (syscall(SYS_read, fd, buf, n));
}

static int
setup(void **state)
{
	return (fx_setup(state, FX_CONF_FFOMS, NULL));
}

static int
setup_smo(void **state)
{
	return (fx_setup(state, FX_CONF_FFOMS, "send_to = smo\n"));
}

/* The names of the entries of a ZIP, space-separated, into out. */
static void
zip_names(const char *path, char *out, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;

	out[0] = '\0';
	archive_read_support_format_zip(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240),
	    ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		if (out[0] != '\0')
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, archive_entry_pathname(ae), len - strlen(out) - 1);
	}
	archive_read_free(a);
}

/* -n: checked clean, the registries it would build, nothing written. */
static void
test_check_only(void **state)
{
	struct fx *x = *state;
	struct oms_export_opts o;
	struct oms_export_res res;

	assert_int_equal(fx_month(x, NULL, 0), 0);
	fx_export_opts(&o, 0, 1);
	assert_int_equal(fx_export(x, NULL, 0, &o, &res), 0);
	assert_string_equal(fx_diag_text(&x->diag), "");
	assert_int_equal(res.nreg, 1);
	assert_int_equal(res.nbad, 0);
	assert_null(res.bad);
	assert_string_equal(res.reg[0].name, FX_REG);
	assert_string_equal(res.reg[0].archive, "outbox/" FX_REG ".zip");
	assert_string_equal(res.reg[0].kind, "H");
	assert_string_equal(res.reg[0].payer, "");
	assert_string_equal(res.reg[0].version, "5.1");
	assert_int_equal(res.reg[0].package, 1);
	assert_int_equal(res.reg[0].naccounts, 3);
	assert_int_equal(res.reg[0].sum, 100000 + 50050 + 25025);
	oms_export_res_release(&res);
	assert_false(fx_exists(x->dir, "outbox"));
	assert_false(fx_exists(x->dir, "ledger.tsv"));
	assert_int_equal(oms_ledger_nreg(x->l), 0);
}

/* Written: the archive, the ledger's registry and accounts, in order. */
static void
test_export(void **state)
{
	struct fx *x = *state;
	struct oms_export_opts o;
	struct oms_export_res res;
	const struct oms_reg *r;
	const struct oms_acct *a;
	struct stat st;
	char path[256], names[256];
	const char *acc[] = { FX_C, FX_A };	/* input order does not count */

	assert_int_equal(fx_month(x, NULL, 0), 0);
	fx_export_opts(&o, 0, 0);
	assert_int_equal(fx_export(x, acc, 2, &o, &res), 0);
	assert_string_equal(fx_diag_text(&x->diag), "");
	assert_int_equal(res.nreg, 1);
	assert_string_equal(res.reg[0].name, FX_REG);
	assert_int_equal(res.reg[0].naccounts, 2);
	assert_int_equal(res.reg[0].sum, 125025);
	oms_export_res_release(&res);

	snprintf(path, sizeof(path), "%s/outbox/%s.zip", x->dir, FX_REG);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	zip_names(path, names, sizeof(names));
	assert_string_equal(names, FX_REG ".XML LM760001T76_26101.XML");

	/* the ledger, read back as the next program reads it */
	assert_non_null(fx_ledger(x));
	assert_int_equal(oms_ledger_nreg(x->l), 1);
	r = oms_ledger_reg(x->l, 0);
	assert_string_equal(r->name, FX_REG);
	assert_string_equal(r->archive, "outbox/" FX_REG ".zip");
	assert_int_equal(r->period, FX_PERIOD);
	assert_string_equal(r->kind, "H");
	assert_int_equal(r->test, 0);
	assert_int_equal(r->package, 1);
	assert_int_equal(r->naccounts, 2);
	assert_int_equal(r->sum, 125025);
	/* numbered in source order: A is N_ZAP 1, C is 2 */
	a = oms_ledger_acct(x->l, FX_A);
	assert_non_null(a);
	assert_int_equal(a->state, OMS_ST_INFLIGHT);
	assert_int_equal(a->reg, 0);
	assert_int_equal(a->n_zap, 1);
	assert_int_equal(a->pr_nov, 0);
	assert_int_equal(a->nexports, 1);
	assert_int_equal(a->sum, 100000);
	assert_string_equal(a->payer, "76001");
	assert_string_equal(a->kind, "H");
	assert_string_equal(a->source, "source/h.xml");
	assert_string_equal(a->dept, "1070");
	assert_string_equal(a->doctor, "112-233-445 95");
	a = oms_ledger_acct(x->l, FX_C);
	assert_int_equal(a->n_zap, 2);
	assert_string_equal(a->payer, "76000");
	assert_null(oms_ledger_acct(x->l, FX_B));
	assert_int_equal(oms_ledger_next_package(x->l, FX_PERIOD), 2);

	/* sent accounts are not sent again; the one left goes as package 2 */
	assert_int_equal(fx_export(x, acc, 1, &o, &res), 1);
	assert_int_equal(res.nreg, 0);
	assert_int_equal(res.nbad, 1);
	oms_export_res_release(&res);
	assert_int_equal(x->diag.d.nerrors, 1);
	assert_string_equal(fx_diag_text(&x->diag), "E source/h.xml:142: "
	    "account " FX_C " is in-flight (registry " FX_REG "); only new "
	    "and queued accounts are exported\n");
	acc[0] = FX_B;
	assert_int_equal(fx_export(x, acc, 1, &o, &res), 0);
	assert_string_equal(res.reg[0].name, "HM760001T76_26102");
	assert_int_equal(res.reg[0].package, 2);
	assert_int_equal(res.reg[0].naccounts, 1);
	assert_int_equal(res.reg[0].sum, 50050);
	oms_export_res_release(&res);
	assert_true(fx_exists(x->dir, "outbox/HM760001T76_26102.zip"));
}

/*
 * A source file whose name the ledger escapes (a backslash): its
 * accounts' lines are written field by field, escaped, not put together
 * as they are; the name reads back whole.  test_export reads back lines
 * put together.
 */
static void
test_ledger_escapes(void **state)
{
	struct fx *x = *state;
	struct oms_export_opts o;
	struct oms_export_res res;
	const struct oms_acct *a;
	char from[256], to[256], *p, *text = NULL;
	const char *acc[] = { FX_A, FX_C };
	FILE *fp;
	size_t len = 0;

	assert_int_equal(fx_month(x, NULL, 0), 0);
	snprintf(from, sizeof(from), "%s/source/h.xml", x->dir);
	snprintf(to, sizeof(to), "%s/source/h\\1;=%%.xml", x->dir);
	assert_int_equal(rename(from, to), 0);
	fx_export_opts(&o, 0, 0);
	assert_int_equal(fx_export(x, acc, 2, &o, &res), 0);
	assert_string_equal(fx_diag_text(&x->diag), "");
	oms_export_res_release(&res);
	assert_non_null(p = oms_ws_path(&x->ws, "ledger.tsv"));
	assert_non_null(fp = fopen(p, "r"));
	free(p);
	assert_true(getdelim(&text, &len, '\0', fp) > 0);
	fclose(fp);
	/* the backslash doubled on both lines, nothing else escaped */
	p = strstr(text, "\tsource/h\\\\1;=%.xml\tend=");
	assert_non_null(p);
	assert_non_null(strstr(p + 1, "\tsource/h\\\\1;=%.xml\tend="));
	assert_null(strstr(text, "\tsource/h\\1"));
	free(text);
	assert_non_null(fx_ledger(x));
	assert_non_null(a = oms_ledger_acct(x->l, FX_A));
	assert_string_equal(a->source, "source/h\\1;=%.xml");
	assert_string_equal(a->dept, "1070");
	assert_non_null(a = oms_ledger_acct(x->l, FX_C));
	assert_string_equal(a->source, "source/h\\1;=%.xml");
}

/*
 * A source file that cannot be read on while its cases are copied (it
 * read whole when source/ was scanned): the export fails naming the file
 * and the error, and writes nothing.
 */
static void
test_read_error(void **state)
{
	struct fx *x = *state;
	struct fx_case c[300];
	struct oms_export_opts o;
	struct oms_export_res res;
	struct stat st;
	char acc[300][40], path[256], *h, *p;
	const char *want[] = { FX_A };
	size_t i;

	for (i = 0; i < 300; i++) {
		c[i] = fx_cases[i % FX_NCASES];
		snprintf(acc[i], sizeof(acc[i]),
		    "b%07zu-0000-4000-8000-000000000001", i);
		c[i].sl_id = i == 0 ? FX_A : acc[i];
	}
	assert_non_null(h = fx_cases_doc(FX_REG, "2026-11-02", c, 300));
	assert_true(strlen(h) > 400000);
	assert_int_equal(fx_month(x, NULL, 0), 0);
	assert_int_equal(fx_write(x->dir, "source/h.xml", h), 0);
	free(h);
	assert_non_null(fx_ledger(x));
	assert_non_null(fx_scan(x));
	snprintf(path, sizeof(path), "%s/source/h.xml", x->dir);
	assert_int_equal(stat(path, &st), 0);
	/* past the head the reader sniffs, before the last case */
	fail_ino = st.st_ino;
	fail_after = 300000;
	fx_export_opts(&o, 0, 0);
	assert_int_equal(oms_export(&x->ws, x->l, x->src, want, 1, &o,
	    &x->diag.d, &res, &x->e), -1);
	oms_export_res_release(&res);	/* what it holds, whatever the end */
	fail_ino = 0;
	assert_int_equal(x->e.code, OMS_EIO);	/* exit status 3 */
	assert_string_equal(x->e.where, "source/h.xml");
	assert_non_null(strstr(x->e.msg, "read"));
	assert_non_null(strstr(x->e.msg, strerror(EIO)));
	assert_false(fx_exists(x->dir, "outbox/" FX_REG ".zip"));
	assert_non_null(p = oms_ws_path(&x->ws, "ledger.tsv"));
	assert_true(stat(p, &st) == -1 || st.st_size < 200);
	free(p);
	/* read whole again, it goes */
	assert_int_equal(fx_export(x, want, 1, &o, &res), 0);
	assert_int_equal(res.nreg, 1);
	oms_export_res_release(&res);
	assert_true(fx_exists(x->dir, "outbox/" FX_REG ".zip"));
}

/*
 * A case that breaks a field rule: the account is refused naming the
 * file, the line, the account and the rule; nothing is written.  With
 * skip_invalid the others go and the bad one is listed.
 */
static void
test_rule_refusal(void **state)
{
	struct fx *x = *state;
	struct fx_case c[3];
	struct oms_export_opts o;
	struct oms_export_res res;
	const char *t;

	memcpy(c, fx_cases, sizeof(c));
	c[1].sumv = "600.50";		/* SUMV is not SUM_M */
	assert_int_equal(fx_month(x, c, 3), 0);
	fx_export_opts(&o, 0, 0);
	assert_int_equal(fx_export(x, NULL, 0, &o, &res), 1);
	assert_int_equal(res.nreg, 0);
	assert_int_equal(res.nbad, 1);
	assert_null(res.bad);
	oms_export_res_release(&res);
	t = fx_diag_text(&x->diag);
	assert_int_equal(x->diag.d.nerrors, 1);
	/* the line of B's SUMV */
	assert_string_equal(t, "E source/h.xml:139: account " FX_B ": "
	    "OMS.SUM.SUMV: SUMV is not the sum of SUM_M: SUMV is 600.50, the "
	    "sum of SL/SUM_M is 500.50\n");
	assert_false(fx_exists(x->dir, "outbox/" FX_REG ".zip"));
	assert_false(fx_exists(x->dir, "ledger.tsv"));

	/* check only: the same answer */
	fx_export_opts(&o, 0, 1);
	assert_int_equal(fx_export(x, NULL, 0, &o, &res), 1);
	assert_int_equal(res.nbad, 1);
	oms_export_res_release(&res);
	assert_string_equal(fx_diag_text(&x->diag), t);

	/* skip_invalid: the others are written */
	fx_export_opts(&o, 0, 0);
	o.skip_invalid = 1;
	assert_int_equal(fx_export(x, NULL, 0, &o, &res), 1);
	assert_int_equal(res.nbad, 1);
	assert_non_null(res.bad);
	assert_string_equal(res.bad[0], FX_B);
	assert_int_equal(res.nreg, 1);
	assert_int_equal(res.reg[0].naccounts, 2);
	assert_int_equal(res.reg[0].sum, 125025);
	oms_export_res_release(&res);
	assert_non_null(fx_ledger(x));
	assert_int_equal(oms_ledger_acct(x->l, FX_A)->state, OMS_ST_INFLIGHT);
	assert_null(oms_ledger_acct(x->l, FX_B));
	assert_int_equal(oms_ledger_acct(x->l, FX_C)->n_zap, 2);
}

/*
 * What is refused before any rule: unknown, twice (found in source/ or
 * not), after the period; the accounts out of document order.
 */
static void
test_input_refusals(void **state)
{
	struct fx *x = *state;
	struct fx_case c[3];
	struct oms_export_opts o;
	struct oms_export_res res;
	const char *acc[] = { FX_C, "no-such-account", FX_A, FX_C,
	    "no-such-account", FX_A };

	memcpy(c, fx_cases, sizeof(c));
	c[2].date = "2026-11-02";	/* after 2026-10 */
	assert_int_equal(fx_month(x, c, 3), 0);
	fx_export_opts(&o, 0, 0);
	assert_int_equal(fx_export(x, acc, 6, &o, &res), 1);
	assert_int_equal(res.nbad, 2);
	oms_export_res_release(&res);
	assert_string_equal(fx_diag_text(&x->diag),
	    "E source/h.xml:142: account " FX_C ": case ends on 2026-11-02, "
	    "after the period 2026-10\n"
	    "E input: account no-such-account is not in source/ (see "
	    "oms-select(1))\n"
	    "E input: account " FX_C " is given twice\n"
	    "E input: account no-such-account is given twice\n"
	    "E input: account " FX_A " is given twice\n");
	assert_int_equal(x->diag.d.nerrors, 5);
	assert_false(fx_exists(x->dir, "ledger.tsv"));
}

/* A persons document that breaks a rule refuses the case of the person. */
static void
test_person_refusal(void **state)
{
	struct fx *x = *state;
	struct oms_export_opts o;
	struct oms_export_res res;
	char *h, *l, *p;

	h = fx_cases_doc(FX_REG, "2026-11-02", fx_cases, 3);
	l = fx_persons_doc("LM760001T76_26101", FX_REG, "2026-11-02",
	    fx_persons, 3);
	/* the second person's SNILS check digits */
	p = strstr(l, "445-566-778 28");
	assert_non_null(p);
	memcpy(p + 12, "29", 2);
	assert_int_equal(fx_write(x->dir, "source/h.xml", h), 0);
	assert_int_equal(fx_write(x->dir, "source/l.xml", l), 0);
	free(h);
	free(l);
	fx_export_opts(&o, 0, 1);
	assert_int_equal(fx_export(x, NULL, 0, &o, &res), 1);
	assert_int_equal(res.nbad, 1);
	oms_export_res_release(&res);
	/* the line of the second person's SNILS */
	assert_string_equal(fx_diag_text(&x->diag), "E source/l.xml:31: "
	    "account " FX_B ": OMS.SNILS: the patient's SNILS: SNILS "
	    "\"(hidden)\" has a wrong check sum\n");
	/* the number itself is personal data: never in a message */
	assert_null(strstr(fx_diag_text(&x->diag), "445-566-778"));
}

/* A test registry: the same name, recorded as a test. */
static void
test_test_registry(void **state)
{
	struct fx *x = *state;

	assert_int_equal(fx_month_exported(x, 1), 0);
	assert_non_null(fx_ledger(x));
	assert_int_equal(oms_ledger_nreg(x->l), 1);
	assert_int_equal(oms_ledger_reg(x->l, 0)->test, 1);
	assert_int_equal(oms_ledger_reg(x->l, 0)->restored, 0);
	assert_int_equal(oms_ledger_acct(x->l, FX_B)->state, OMS_ST_INFLIGHT);
}

/* send_to = smo: one registry per kind and payer, named for the payer. */
static void
test_per_payer(void **state)
{
	struct fx *x = *state;
	struct oms_export_opts o;
	struct oms_export_res res;

	assert_int_equal(fx_month(x, NULL, 0), 0);
	fx_export_opts(&o, 0, 1);
	assert_int_equal(fx_export(x, NULL, 0, &o, &res), 0);
	assert_int_equal(res.nreg, 3);
	assert_string_equal(res.reg[0].name, "HM760001T76_26101");
	assert_string_equal(res.reg[0].payer, "76000");
	assert_int_equal(res.reg[0].sum, 25025);
	assert_string_equal(res.reg[1].name, "HM760001S76001_26102");
	assert_string_equal(res.reg[1].payer, "76001");
	assert_int_equal(res.reg[1].naccounts, 1);
	assert_string_equal(res.reg[2].name, "HM760001S76002_26103");
	assert_string_equal(res.reg[2].payer, "76002");
	assert_int_equal(res.reg[2].package, 3);
	oms_export_res_release(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_check_only, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_export, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_ledger_escapes, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_read_error, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_rule_refusal, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_input_refusals, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_person_refusal, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_test_registry, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_per_payer, setup_smo,
		    fx_teardown),
	};

	LIBXML_TEST_VERSION
	oms_xml_init();
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
