/*
 * test_ledger.c -- the ledger: append, fold, torn tails, bad files
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "oms.h"

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/oms-test-ledger-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return (-1);
	snprintf(path, sizeof(path), "%s/ledger.tsv", dir);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return (0);
}

static void
add_registry(struct oms_buf *b, const char *name, const char *period,
    int package, int test)
{
	const char *f[OMS_L_NCOL] = { 0 };
	struct oms_err e = { 0 };
	char data[64];

	snprintf(data, sizeof(data), "accounts=1;test=%d;package=%d", test,
	    package);
	f[OMS_L_TIME] = "2026-11-01T00:00:00Z";
	f[OMS_L_EVENT] = "registry";
	f[OMS_L_REGISTRY] = name;
	f[OMS_L_PERIOD] = period;
	f[OMS_L_KIND] = "H";
	f[OMS_L_SUM] = "10.00";
	f[OMS_L_FILE] = "outbox/x.zip";
	f[OMS_L_DATA] = data;
	assert_int_equal(oms_ledger_line(b, f, &e), 0);
}

static void
add_export(struct oms_buf *b, const char *acc, const char *reg, int pr_nov)
{
	const char *f[OMS_L_NCOL] = { 0 };
	struct oms_err e = { 0 };

	f[OMS_L_TIME] = "2026-11-01T00:00:00Z";
	f[OMS_L_EVENT] = "export";
	f[OMS_L_ACCOUNT] = acc;
	f[OMS_L_REGISTRY] = reg;
	f[OMS_L_PR_NOV] = pr_nov ? "1" : "0";
	f[OMS_L_SUM] = "10.00";
	assert_int_equal(oms_ledger_line(b, f, &e), 0);
}

static void
add_decision(struct oms_buf *b, const char *acc, const char *reg,
    const char *file, const char *data)
{
	const char *f[OMS_L_NCOL] = { 0 };
	struct oms_err e = { 0 };

	f[OMS_L_TIME] = "2026-11-02T00:00:00Z";
	f[OMS_L_EVENT] = "decision";
	f[OMS_L_ACCOUNT] = acc;
	f[OMS_L_REGISTRY] = reg;
	f[OMS_L_N_ZAP] = "1";
	f[OMS_L_SUM] = "10.00";
	f[OMS_L_FILE] = file;
	f[OMS_L_DATA] = data;
	assert_int_equal(oms_ledger_line(b, f, &e), 0);
}

/*
 * The decision that stands does not depend on the order of import: the
 * four replies to one account in all 24 orders, each in its own block,
 * give the same state, stage, sums and reasons, and the ФЛК refusal that
 * a later stage contradicts is told exactly once.
 */
static const struct {
	const char *file, *data;
} replies[] = {
	{ "archive/V.zip", "stage=flk;decision=rejected;accepted=0.00;"
	    "refused=10.00;reasons=F1" },
	{ "archive/C1.zip", "stage=control;decision=partial;accepted=7.00;"
	    "refused=3.00;reasons=C1;date=2026-11-10" },
	{ "archive/C2.zip", "stage=control;decision=rejected;accepted=0.00;"
	    "refused=10.00;reasons=C2;date=2026-11-20" },
	{ "archive/D.zip", "stage=demand;decision=partial;accepted=6.00;"
	    "refused=4.00;reasons=D1;date=2026-12-01" },
};

static void
fold_order(const int *order, int n, const char *want_reasons,
    int want_state, int64_t want_refused)
{
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_buf b;
	const struct oms_acct *a;
	int i;

	unlink(path);
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	oms_buf_init(&b, 0);
	add_registry(&b, "HM1T76_26101", "2026-10", 1, 0);
	add_export(&b, "A", "HM1T76_26101", 0);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	for (i = 0; i < n; i++) {
		oms_buf_reset(&b);
		add_decision(&b, "A", "HM1T76_26101", replies[order[i]].file,
		    replies[order[i]].data);
		assert_int_equal(oms_ledger_append(l, &b, "import", "T", &e),
		    0);
	}
	oms_buf_release(&b);
	oms_ledger_free(l);
	/* read back from the file, as the next program would */
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	a = oms_ledger_acct(l, "A");
	assert_non_null(a);
	assert_int_equal(a->state, want_state);
	assert_int_equal(a->decision, want_state);
	assert_int_equal(a->refused, want_refused);
	assert_string_equal(a->reasons, want_reasons);
	assert_int_equal(oms_ledger_ncontra(l), 1);
	assert_int_equal(oms_ledger_contra(l, 0)->kind, OMS_CT_FLK);
	oms_ledger_free(l);
}

static void
test_decision_order(void **state)
{
	int o[4], i, j, k, m, n = 0;

	(void)state;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			for (k = 0; k < 4; k++)
				for (m = 0; m < 4; m++) {
					if (i == j || i == k || i == m ||
					    j == k || j == m || k == m)
						continue;
					o[0] = i, o[1] = j, o[2] = k, o[3] = m;
					fold_order(o, 4, "D1", OMS_ST_PARTIAL,
					    400);
					n++;
					/* without the demand answer: the
					   corrected control answer */
					if (m == 3) {
						fold_order(o, 3, "C2",
						    OMS_ST_REJECTED, 1000);
						n++;
					}
				}
	assert_int_equal(n, 24 + 6);
}

/*
 * A period is history: refused in October, queued and sent again in
 * November, the account keeps its October claim with its decision, and a
 * late decision on October's registry changes that claim, not the state.
 */
static int
count_claim(void *arg, const struct oms_acct *c, int current)
{
	int *n = arg;

	(void)c;
	n[current]++;
	return (0);
}

static void
test_claims(void **state)
{
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_buf b;
	const struct oms_acct *a, *c;
	int n[2] = { 0, 0 };
	const char *f[OMS_L_NCOL] = { 0 };

	(void)state;
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	oms_buf_init(&b, 0);
	add_registry(&b, "HM1T76_26101", "2026-10", 1, 0);
	add_export(&b, "A", "HM1T76_26101", 0);
	add_decision(&b, "A", "HM1T76_26101", "archive/C1.zip",
	    replies[2].data);
	f[OMS_L_TIME] = "T";
	f[OMS_L_EVENT] = "queue";
	f[OMS_L_ACCOUNT] = "A";
	f[OMS_L_REGISTRY] = "HM1T76_26101";
	assert_int_equal(oms_ledger_line(&b, f, &e), 0);
	add_registry(&b, "HM1T76_26111", "2026-11", 1, 0);
	add_export(&b, "A", "HM1T76_26111", 1);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	a = oms_ledger_acct(l, "A");
	assert_int_equal(a->state, OMS_ST_INFLIGHT);
	assert_int_equal(a->pr_nov, 1);
	c = oms_ledger_claim(l, "A", oms_ledger_find_reg(l, "HM1T76_26101"));
	assert_non_null(c);
	assert_int_equal(c->decision, OMS_ST_REJECTED);
	assert_int_equal(c->refused, 1000);
	assert_int_equal(oms_ledger_foreach_claim(l, 2026 * 12 + 9,
	    count_claim, n), 0);
	assert_int_equal(n[0], 1);	/* October's: left */
	assert_int_equal(n[1], 0);
	assert_int_equal(oms_ledger_foreach_claim(l, -1, count_claim, n), 0);
	assert_int_equal(n[0], 2);
	assert_int_equal(n[1], 1);	/* November's: current */
	/* the demand answer to October's registry, late */
	oms_buf_reset(&b);
	add_decision(&b, "A", "HM1T76_26101", "archive/D.zip",
	    replies[3].data);
	assert_int_equal(oms_ledger_append(l, &b, "import", "T", &e), 0);
	a = oms_ledger_acct(l, "A");
	assert_int_equal(a->state, OMS_ST_INFLIGHT);
	c = oms_ledger_claim(l, "A", oms_ledger_find_reg(l, "HM1T76_26101"));
	assert_int_equal(c->decision, OMS_ST_PARTIAL);
	assert_int_equal(c->refused, 400);
	assert_int_equal(oms_ledger_ncontra(l), 1);
	assert_int_equal(oms_ledger_contra(l, 0)->kind, OMS_CT_LEFT);
	oms_buf_release(&b);
	oms_ledger_free(l);
}

/*
 * A test registry restored puts an account back into the claim it left,
 * with the decision that stood there: queued in October's registry,
 * refused by the control.  The same from the fold as it appends and from
 * the file; the view of an account handed out stays what it was while 31
 * more are asked for.
 */
static void
check_restored(const struct oms_ledger *l, int r1)
{
	const struct oms_acct *a, *b;
	long rdate;
	int i;

	a = oms_ledger_acct(l, "A");
	assert_non_null(a);
	assert_int_equal(a->state, OMS_ST_QUEUED);
	assert_int_equal(a->reg, r1);
	assert_int_equal(a->decision, OMS_ST_REJECTED);
	assert_int_equal(a->stage, OMS_STAGE_CONTROL);
	assert_int_equal(a->refused, 1000);
	assert_string_equal(a->reasons, "C2");
	assert_string_equal(a->reply, "archive/C2.zip");
	assert_int_equal(oms_date_parse("2026-11-20", &rdate), 0);
	assert_int_equal(a->rdate, rdate);
	assert_int_equal(a->pr_nov, 0);
	assert_int_equal(a->nexports, 2);
	for (i = 0; i < 31; i++) {
		b = oms_ledger_acct(l, "B");
		assert_int_equal(b->state, OMS_ST_INFLIGHT);
		assert_int_equal(b->reg, r1);
	}
	assert_string_equal(a->id, "A");
	assert_int_equal(a->state, OMS_ST_QUEUED);
	assert_null(oms_ledger_claim(l, "B", oms_ledger_find_reg(l,
	    "HM1T76_26111")));
}

static void
test_restore(void **state)
{
	const char *f[OMS_L_NCOL] = { 0 };
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_buf b;
	const struct oms_acct *a;
	int r1, t2;

	(void)state;
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	oms_buf_init(&b, 0);
	add_registry(&b, "HM1T76_26101", "2026-10", 1, 0);
	add_export(&b, "A", "HM1T76_26101", 0);
	add_export(&b, "B", "HM1T76_26101", 0);
	add_decision(&b, "A", "HM1T76_26101", "archive/C2.zip",
	    replies[2].data);
	f[OMS_L_TIME] = "T";
	f[OMS_L_EVENT] = "queue";
	f[OMS_L_ACCOUNT] = "A";
	f[OMS_L_REGISTRY] = "HM1T76_26101";
	assert_int_equal(oms_ledger_line(&b, f, &e), 0);
	add_registry(&b, "HM1T76_26111", "2026-11", 1, 1);
	add_export(&b, "A", "HM1T76_26111", 1);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	r1 = oms_ledger_find_reg(l, "HM1T76_26101");
	t2 = oms_ledger_find_reg(l, "HM1T76_26111");
	a = oms_ledger_acct(l, "A");
	assert_int_equal(a->state, OMS_ST_INFLIGHT);
	assert_int_equal(a->reg, t2);
	assert_int_equal(a->pr_nov, 1);
	assert_int_equal(a->prev_state, OMS_ST_QUEUED);
	assert_int_equal(a->prev_reg, r1);
	assert_int_equal(a->stage, OMS_STAGE_NONE);
	assert_string_equal(a->reasons, "");
	assert_int_equal(a->rdate, -1);
	oms_buf_reset(&b);
	f[OMS_L_EVENT] = "restore";
	f[OMS_L_ACCOUNT] = "";
	f[OMS_L_REGISTRY] = "HM1T76_26111";
	assert_int_equal(oms_ledger_line(&b, f, &e), 0);
	assert_int_equal(oms_ledger_append(l, &b, "restore-test", "T", &e),
	    0);
	check_restored(l, r1);
	oms_ledger_free(l);
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	check_restored(l, r1);
	oms_ledger_free(l);
	oms_buf_release(&b);
}

/* What the export said of a case comes back from the data field. */
static void
test_case_details(void **state)
{
	const char *f[OMS_L_NCOL] = { 0 };
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_buf b, d;
	const struct oms_acct *a, *a2;
	long end;

	(void)state;
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	oms_buf_init(&b, 0);
	oms_buf_init(&d, 0);
	add_registry(&b, "HM1T76_26101", "2026-10", 1, 0);
	assert_int_equal(oms_ledger_data(&d, "end", "2026-10-31", &e), 0);
	assert_int_equal(oms_ledger_data(&d, "dept", "a;b=c%41", &e), 0);
	assert_int_equal(oms_ledger_data(&d, "doctor", "123-456-789 00", &e),
	    0);
	assert_string_equal(d.s,
	    "end=2026-10-31;dept=a%3Bb%3Dc%2541;doctor=123-456-789 00");
	f[OMS_L_TIME] = "2026-11-01T00:00:00Z";
	f[OMS_L_EVENT] = "export";
	f[OMS_L_ACCOUNT] = "A";
	f[OMS_L_REGISTRY] = "HM1T76_26101";
	f[OMS_L_PERIOD] = "2026-10";
	f[OMS_L_KIND] = "H";
	f[OMS_L_PAYER] = "76001";
	f[OMS_L_PR_NOV] = "0";
	f[OMS_L_SUM] = "10.00";
	f[OMS_L_FILE] = "source/h.xml";
	f[OMS_L_DATA] = d.s;
	assert_int_equal(oms_ledger_line(&b, f, &e), 0);
	f[OMS_L_ACCOUNT] = "B";
	f[OMS_L_DATA] = "";
	assert_int_equal(oms_ledger_line(&b, f, &e), 0);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	oms_ledger_free(l);

	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	a = oms_ledger_acct(l, "A");
	a2 = oms_ledger_acct(l, "B");
	assert_non_null(a);
	assert_non_null(a2);
	assert_int_equal(a->period, 2026 * 12 + 9);
	assert_string_equal(a->kind, "H");
	assert_string_equal(a->payer, "76001");
	assert_string_equal(a->source, "source/h.xml");
	assert_string_equal(a->dept, "a;b=c%41");
	assert_string_equal(a->doctor, "123-456-789 00");
	assert_int_equal(oms_date_parse("2026-10-31", &end), 0);
	assert_int_equal(a->case_end, end);
	/* shared strings are stored once */
	assert_ptr_equal(a->payer, a2->payer);
	assert_string_equal(a2->dept, "");
	assert_int_equal(a2->case_end, -1);
	oms_ledger_free(l);
	oms_buf_release(&b);
	oms_buf_release(&d);
}

/*
 * A commit with nofold is written like any other, but leaves the ledger in
 * memory as it was: a later reading sees it, a later begin is refused.
 */
static void
test_nofold(void **state)
{
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_ledger_tx tx;
	struct oms_buf b;

	(void)state;
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	oms_buf_init(&b, 0);
	add_registry(&b, "HM1T76_26101", "2026-10", 1, 0);
	add_export(&b, "A", "HM1T76_26101", 0);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	assert_non_null(oms_ledger_acct(l, "A"));

	oms_buf_reset(&b);
	assert_int_equal(oms_ledger_begin(l, &tx, &e), 0);
	tx.nofold = 1;
	add_export(&b, "B", "HM1T76_26101", 1);
	assert_int_equal(oms_ledger_flush(&tx, &b, &e), 0);
	add_export(&b, "C", "HM1T76_26101", 0);
	assert_int_equal(oms_ledger_commit(&tx, &b, "export", "T", &e), 0);
	assert_null(oms_ledger_acct(l, "B"));
	assert_null(oms_ledger_acct(l, "C"));
	assert_non_null(oms_ledger_acct(l, "A"));
	/* its state is not the file's: no writing on it */
	assert_int_equal(oms_ledger_begin(l, &tx, &e), -1);
	assert_int_equal(e.code, OMS_EINTERNAL);
	assert_non_null(strstr(e.msg, "did not fold"));
	oms_ledger_free(l);

	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	assert_int_equal(oms_ledger_torn(l), 0);
	assert_non_null(oms_ledger_acct(l, "A"));
	assert_non_null(oms_ledger_acct(l, "B"));
	assert_int_equal(oms_ledger_acct(l, "B")->pr_nov, 1);
	assert_non_null(oms_ledger_acct(l, "C"));
	oms_buf_reset(&b);
	assert_int_equal(oms_ledger_begin(l, &tx, &e), 0);
	oms_ledger_abort(&tx);
	oms_ledger_free(l);
	oms_buf_release(&b);
}

/* A block written in pieces counts only once committed, and whole. */
static void
test_pieces(void **state)
{
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_ledger_tx tx;
	struct oms_buf b;
	struct stat st1, st2;
	char acc[32];
	int i;

	(void)state;
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	oms_buf_init(&b, 0);
	add_registry(&b, "HM1T76_26101", "2026-10", 1, 0);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	assert_int_equal(stat(path, &st1), 0);

	/* aborted: the file is cut back */
	oms_buf_reset(&b);
	assert_int_equal(oms_ledger_begin(l, &tx, &e), 0);
	add_export(&b, "X", "HM1T76_26101", 0);
	assert_int_equal(oms_ledger_flush(&tx, &b, &e), 0);
	oms_ledger_abort(&tx);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_size, st2.st_size);
	assert_null(oms_ledger_acct(l, "X"));

	/* 30000 lines, flushed every 1000: more than the 1 MiB read back */
	assert_int_equal(oms_ledger_begin(l, &tx, &e), 0);
	for (i = 0; i < 30000; i++) {
		snprintf(acc, sizeof(acc), "account-%06d", i);
		add_export(&b, acc, "HM1T76_26101", i % 2);
		if (i % 1000 == 999)
			assert_int_equal(oms_ledger_flush(&tx, &b, &e), 0);
	}
	add_export(&b, "last", "HM1T76_26101", 1);
	assert_int_equal(oms_ledger_commit(&tx, &b, "export", "T", &e), 0);
	assert_non_null(oms_ledger_acct(l, "account-000000"));
	assert_non_null(oms_ledger_acct(l, "account-029999"));
	assert_int_equal(oms_ledger_acct(l, "account-000001")->pr_nov, 1);
	assert_non_null(oms_ledger_acct(l, "last"));
	oms_ledger_free(l);

	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	assert_int_equal(oms_ledger_torn(l), 0);
	assert_non_null(oms_ledger_acct(l, "account-015000"));
	assert_non_null(oms_ledger_acct(l, "last"));
	assert_null(oms_ledger_acct(l, "X"));
	oms_ledger_free(l);
	oms_buf_release(&b);
}

static void
test_missing_is_empty(void **state)
{
	struct oms_err e = { 0 };
	struct oms_ledger *l;

	(void)state;
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	assert_int_equal(oms_ledger_nreg(l), 0);
	assert_null(oms_ledger_acct(l, "A"));
	assert_int_equal(oms_ledger_next_package(l, 2026 * 12 + 9), 1);
	oms_ledger_free(l);
}

static void
test_append_and_fold(void **state)
{
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_buf b;
	const struct oms_acct *a;
	const struct oms_reg *r;
	struct stat st;

	(void)state;
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	oms_buf_init(&b, 0);
	add_registry(&b, "HM1T76_26101", "2026-10", 1, 0);
	add_export(&b, "A", "HM1T76_26101", 0);
	add_export(&b, "B\twith tab", "HM1T76_26101", 1);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	/* the in-memory fold follows the append */
	a = oms_ledger_acct(l, "A");
	assert_non_null(a);
	assert_int_equal(a->state, OMS_ST_INFLIGHT);
	oms_ledger_free(l);
	oms_buf_release(&b);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	assert_int_equal(oms_ledger_torn(l), 0);
	a = oms_ledger_acct(l, "B\twith tab");
	assert_non_null(a);
	assert_int_equal(a->state, OMS_ST_INFLIGHT);
	assert_int_equal(a->pr_nov, 1);
	assert_int_equal(oms_ledger_nreg(l), 1);
	r = oms_ledger_reg(l, (size_t)a->reg);
	assert_string_equal(r->name, "HM1T76_26101");
	assert_int_equal(r->period, 2026 * 12 + 9);
	assert_int_equal(r->package, 1);
	assert_int_equal(r->sum, 1000);
	assert_int_equal(oms_ledger_next_package(l, 2026 * 12 + 9), 2);
	assert_int_equal(oms_ledger_next_package(l, 2026 * 12 + 10), 1);
	oms_ledger_free(l);
}

/* A crash in the middle of a block: the block does not count. */
static void
test_torn_block(void **state)
{
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_buf b;
	FILE *fp;
	long size_ok;
	struct stat st;

	(void)state;
	l = oms_ledger_open(path, &e);
	oms_buf_init(&b, 0);
	add_registry(&b, "R1", "2026-10", 1, 0);
	add_export(&b, "A", "R1", 0);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	oms_ledger_free(l);
	assert_int_equal(stat(path, &st), 0);
	size_ok = (long)st.st_size;

	/* a second block that lost its commit line and its last bytes */
	fp = fopen(path, "a");
	fputs("T\tregistry\t\tR2\t2026-10\tH\t\t\t\t\t5.00\toutbox/y.zip\t"
	    "package=2\n", fp);
	fputs("T\texport\tB\tR2\t\t\t\t0\t\t\t5.00\t\t\n", fp);
	fputs("T\texport\tC\tR2\t\t\t\t0\t\t", fp);
	fclose(fp);

	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	assert_true(oms_ledger_torn(l) > 0);
	assert_non_null(oms_ledger_acct(l, "A"));
	assert_null(oms_ledger_acct(l, "B"));
	assert_null(oms_ledger_acct(l, "C"));
	assert_int_equal(oms_ledger_nreg(l), 1);
	assert_int_equal(oms_ledger_next_package(l, 2026 * 12 + 9), 2);

	/* the next append cuts the torn tail off first */
	oms_buf_reset(&b);
	add_registry(&b, "R2", "2026-10", 2, 1);
	add_export(&b, "D", "R2", 0);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	oms_ledger_free(l);
	oms_buf_release(&b);

	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	assert_int_equal(oms_ledger_torn(l), 0);
	assert_null(oms_ledger_acct(l, "B"));
	assert_non_null(oms_ledger_acct(l, "D"));
	assert_int_equal(oms_ledger_nreg(l), 2);
	assert_int_equal(oms_ledger_reg(l, 1)->test, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > size_ok);
	oms_ledger_free(l);
}

static void
test_not_a_ledger(void **state)
{
	struct oms_err e = { 0 };
	FILE *fp;

	(void)state;
	fp = fopen(path, "w");
	fputs("account\tperiod\n", fp);
	fclose(fp);
	assert_null(oms_ledger_open(path, &e));
	assert_int_equal(e.code, OMS_EDATA);
	assert_non_null(strstr(e.where, "ledger.tsv:1"));
	assert_non_null(strstr(e.msg, "not an oms ledger"));
}

static void
test_ragged_line(void **state)
{
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_buf b;
	FILE *fp;

	(void)state;
	l = oms_ledger_open(path, &e);
	oms_buf_init(&b, 0);
	add_registry(&b, "R1", "2026-10", 1, 0);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	oms_ledger_free(l);
	oms_buf_release(&b);
	fp = fopen(path, "a");
	fputs("T\texport\tX\n", fp);
	fputs("T\tcommit\t\t\t\t\t\t\t\t\t\t\top=x\n", fp);
	fclose(fp);
	assert_null(oms_ledger_open(path, &e));
	assert_int_equal(e.code, OMS_EDATA);
	assert_non_null(strstr(e.where, "ledger.tsv:4"));
	assert_non_null(strstr(e.msg, "expected 13 fields"));
}

static void
test_states(void **state)
{
	(void)state;
	assert_int_equal(oms_state_parse("in-flight"), OMS_ST_INFLIGHT);
	assert_int_equal(oms_state_parse("queued"), OMS_ST_QUEUED);
	assert_int_equal(oms_state_parse("bogus"), -1);
	assert_string_equal(oms_state_name(OMS_ST_REJECTED), "rejected");
}

/* The names are the ones lib/export.c and lib/reply.c write. */
static void
test_events(void **state)
{
	static const char *const names[] = { "registry", "export",
	    "decision", "import", "queue", "fix", "unfix", "restore",
	    "withhold", "invoice", "commit" };
	size_t i;
	int t;

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]),
	    OMS_EV_NTYPES - 1);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		t = oms_event_parse(names[i]);
		assert_int_not_equal(t, OMS_EV_UNKNOWN);
		assert_string_equal(oms_event_name(t), names[i]);
	}
	assert_int_equal(oms_event_parse("export"), OMS_EV_EXPORT);
	assert_int_equal(oms_event_parse("export-test"), OMS_EV_UNKNOWN);
	assert_int_equal(oms_event_parse(""), OMS_EV_UNKNOWN);
	assert_string_equal(oms_event_name(OMS_EV_UNKNOWN), "");
	assert_string_equal(oms_event_name(OMS_EV_NTYPES), "");
	assert_string_equal(oms_event_name(-1), "");
}

struct seen {
	int		 type[8];
	unsigned long	 lineno[8];
	int		 n;
	int		 reg_known;	/* the export's registry, folded */
	int		 fail_at;	/* a type to fail on, or -1 */
};

static int
see(void *arg, const struct oms_ledger *l, const struct oms_event *ev,
    struct oms_err *err)
{
	struct seen *s = arg;

	if (ev->type == s->fail_at)
		return (oms_err_set(err, OMS_EDATA, "cb", ev->lineno,
		    "refused %s", ev->f[OMS_L_EVENT]));
	if (s->n < 8) {
		s->type[s->n] = ev->type;
		s->lineno[s->n++] = ev->lineno;
	}
	if (ev->type == OMS_EV_EXPORT)
		s->reg_known = oms_ledger_find_reg(l,
		    ev->f[OMS_L_REGISTRY]) >= 0;
	return (0);
}

/*
 * Readers get typed events: open_with after the fold took each one in,
 * scan and history by reading the file again; an event of a later
 * version comes as OMS_EV_UNKNOWN with its name in f.
 */
static void
test_event_callbacks(void **state)
{
	const char *f[OMS_L_NCOL] = { 0 };
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	struct oms_buf b;
	struct seen s;

	(void)state;
	l = oms_ledger_open(path, &e);
	assert_non_null(l);
	oms_buf_init(&b, 0);
	add_registry(&b, "HM1T76_26101", "2026-10", 1, 0);
	add_export(&b, "A", "HM1T76_26101", 0);
	f[OMS_L_TIME] = "2026-11-01T00:00:00Z";
	f[OMS_L_EVENT] = "later";
	assert_int_equal(oms_ledger_line(&b, f, &e), 0);
	assert_int_equal(oms_ledger_append(l, &b, "export", "T", &e), 0);
	oms_buf_release(&b);
	oms_ledger_free(l);

	memset(&s, 0, sizeof(s));
	s.fail_at = -1;
	l = oms_ledger_open_with(path, see, &s, &e);
	assert_non_null(l);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.type[0], OMS_EV_REGISTRY);
	assert_int_equal(s.type[1], OMS_EV_EXPORT);
	assert_int_equal(s.type[2], OMS_EV_UNKNOWN);
	assert_int_equal(s.type[3], OMS_EV_COMMIT);
	assert_int_equal(s.lineno[0], 2);
	assert_int_equal(s.lineno[3], 5);
	assert_int_equal(s.reg_known, 1);

	memset(&s, 0, sizeof(s));
	s.fail_at = -1;
	assert_int_equal(oms_ledger_scan(l, see, &s, &e), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.type[2], OMS_EV_UNKNOWN);
	assert_int_equal(s.lineno[2], 4);

	memset(&s, 0, sizeof(s));
	s.fail_at = -1;
	assert_int_equal(oms_ledger_history(l, "A", see, &s, &e), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.type[0], OMS_EV_EXPORT);
	assert_int_equal(s.lineno[0], 3);
	oms_ledger_free(l);

	/* a callback that fails fails the open with its error */
	memset(&s, 0, sizeof(s));
	s.fail_at = OMS_EV_EXPORT;
	assert_null(oms_ledger_open_with(path, see, &s, &e));
	assert_string_equal(e.where, "cb:3");
	assert_string_equal(e.msg, "refused export");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_is_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_append_and_fold, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_torn_block, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_a_ledger, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ragged_line, setup,
		    teardown),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_events),
		cmocka_unit_test_setup_teardown(test_event_callbacks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_details, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nofold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decision_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
