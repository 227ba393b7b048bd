/*
 * oms-select -- print the accounts due for a reporting period
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "cli.h"

struct select {
	struct oms_ws	 ws;
	struct oms_ledger *ledger;
	struct oms_src	*src;
	int		 period;		/* -1 = none */
	long		 primary_from, repeat_from;
	char		**kinds, **payers;	/* NULL-terminated, or NULL */
	unsigned char	*known;		/* known[i]: payers[i] is a payer */
	size_t		 nunknown;	/* payers not known (yet) */
	int		 status;		/* -1 = due accounts */
	int		 exitnone;
	const char	*hist_account;	/* --history: filter of a full scan */
	size_t		 nmatch;
	struct oms_buf	 out;
};

static const char *const cols[] = {
	"account", "period", "kind", "payer", "pr_nov", "sum", "case_end",
	"state", "registry", "source"
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static void	help(void) __attribute__((__noreturn__));
static void	usage(void) __attribute__((__noreturn__));

/* Add the items of a list (commas or spaces); a list of none is usage. */
static char **
add_list(char **v, const char *opt, const char *what, const char *arg)
{
	size_t n = 0, n0;
	char *copy, *p, *tok;

	while (v != NULL && v[n] != NULL)
		n++;
	n0 = n;
	copy = xstrdup(arg);
	for (p = copy; (tok = strsep(&p, ", ")) != NULL; ) {
		if (*tok == '\0')
			continue;
		v = xreallocarray(v, n + 2, sizeof(*v));
		v[n++] = xstrdup(tok);
		v[n] = NULL;
	}
	free(copy);
	if (n == n0) {
		warnx("%s: \"%s\" names no %s", opt, arg, what);
		usage();
	}
	return (v);
}

static int
in_list(char *const *v, const char *s)
{
	if (v == NULL)
		return (1);
	for (; *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return (1);
	return (0);
}

static void
free_list(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* Every -k names a kind: 1, else each other one is named and 0. */
static int
kinds_ok(const struct select *s)
{
	char *const *k;
	int ok = 1;

	for (k = s->kinds; k != NULL && *k != NULL; k++) {
		if (oms_kind_valid(&s->ws.conf, *k))
			continue;
		warnx("-k: \"%s\" %s", *k, oms_kind_bad(&s->ws.conf));
		ok = 0;
	}
	return (ok);
}

/* p is a payer: the -P values equal to it are known. */
static void
know_payer(struct select *s, const char *p)
{
	size_t i;

	if (p == NULL || *p == '\0')
		return;
	for (i = 0; s->nunknown > 0 && s->payers[i] != NULL; i++)
		if (!s->known[i] && strcmp(s->payers[i], p) == 0) {
			s->known[i] = 1;
			s->nunknown--;
		}
}

static int
know_acct_payer(void *arg, const struct oms_acct *a)
{
	struct select *s = arg;

	know_payer(s, a->payer);
	return (s->nunknown == 0);
}

/* The codes of ref/F002.tsv (the workspace's, else the installed one). */
static void
know_f002(struct select *s)
{
	struct oms_err e = { 0 };
	struct oms_tsv *t;
	struct oms_rec rec;
	char *path;
	FILE *fp;
	int c, r = 0;

	if ((path = oms_ws_find(&s->ws, "ref", "F002.tsv",
	    s->ws.refdir)) == NULL)
		err(OMS_EXIT_IO, NULL);
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno != ENOENT && !cli.quiet)
			warn("%s: warning", path);
		free(path);
		return;
	}
	if ((t = oms_tsv_open(fp, path, &e)) == NULL)
		r = -1;
	else if ((c = oms_tsv_col(t, "code")) == -1)
		r = oms_err_set(&e, OMS_EDATA, path, 1, "no column \"code\"");
	else
		while (s->nunknown > 0 && (r = oms_tsv_next(t, &rec, &e)) == 1)
			know_payer(s, rec.f[c]);
	if (r == -1 && !cli.quiet)
		warnx("%s: warning: %s", e.where, e.msg);
	oms_tsv_free(t);
	fclose(fp);
	free(path);
}

/*
 * Which -P values are payers, from what is at hand before source/ is
 * scanned: oms.conf's payers, the fund, ref/F002.tsv, the ledger.
 */
static void
know_payers(struct select *s)
{
	const struct oms_conf *c = &s->ws.conf;
	const struct oms_reg *r;
	char fund[8];
	size_t i, n;

	for (n = 0; s->payers != NULL && s->payers[n] != NULL; n++)
		continue;
	s->known = xmalloc(n);
	memset(s->known, 0, n);
	s->nunknown = n;
	for (i = 0; c->payers != NULL && c->payers[i] != NULL; i++)
		know_payer(s, c->payers[i]);
	snprintf(fund, sizeof(fund), "%s000", c->tfoms);
	know_payer(s, fund);
	if (s->nunknown > 0)
		know_f002(s);
	if (s->nunknown > 0)
		(void)oms_ledger_foreach(s->ledger, know_acct_payer, s);
	for (i = 0; s->nunknown > 0 && i < oms_ledger_nreg(s->ledger); i++) {
		r = oms_ledger_reg(s->ledger, i);
		know_payer(s, r->payer);
	}
}

/*
 * The rest from the cases scanned (no second scan): 1 when every -P is a
 * payer, else each other one is named and 0.
 */
static int
payers_ok(struct select *s)
{
	size_t i, n = oms_src_ncases(s->src);

	for (i = 0; s->nunknown > 0 && i < n; i++)
		know_payer(s, oms_src_case(s->src, i)->payer);
	for (i = 0; s->nunknown > 0 && s->payers[i] != NULL; i++)
		if (!s->known[i])
			warnx("-P: no payer \"%s\" in oms.conf, ref/F002.tsv, "
			    "the ledger or source/", s->payers[i]);
	return (s->nunknown == 0);
}

static long
parse_date_opt(const char *opt, const char *arg)
{
	long d;

	if (oms_date_parse(arg, &d) == -1) {
		warnx("%s: \"%s\" is not a date (YYYY-MM-DD)", opt, arg);
		usage();
	}
	return (d);
}

/* The start of a window: an option, else oms.conf, else months back. */
static long
window_start(long opt, long conf_date, int conf_back, int period)
{
	if (opt != -1)
		return (opt);
	if (conf_date != -1)
		return (conf_date);
	return (oms_period_first(period - conf_back));
}

static void
row(struct select *s, const char *const *f)
{
	struct oms_err e = { 0 };

	if (oms_tsv_row(&s->out, f, NCOLS, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	s->nmatch++;
	if (s->out.len > 65536)
		cli_out(&s->out);
}

static void
print_case(struct select *s, const struct oms_case *c, int period,
    const struct oms_acct *a, int pr_nov)
{
	const char *f[NCOLS];
	char ps[8], sum[32], end[16];
	const struct oms_reg *r;

	r = a != NULL && a->reg >= 0 ? oms_ledger_reg(s->ledger,
	    (size_t)a->reg) : NULL;
	f[0] = c->account;
	f[1] = oms_period_fmt(period, ps);
	f[2] = c->kind;
	f[3] = c->payer;
	f[4] = pr_nov ? "1" : "0";
	f[5] = oms_money_fmt(c->sum, sum);
	f[6] = oms_date_fmt(c->date_end, end);
	f[7] = oms_state_name(a != NULL ? a->state : OMS_ST_NEW);
	f[8] = r != NULL ? r->name : "";
	f[9] = oms_src_doc(s->src, (size_t)c->doc)->name;
	row(s, f);
}

/* Accounts due for the period: primary and queued repeated ones. */
static void
select_due(struct select *s)
{
	const struct oms_case *c;
	const struct oms_acct *a;
	const struct oms_srcdoc *d;
	long last = oms_period_last(s->period);
	size_t i, n = oms_src_ncases(s->src);
	int st;

	for (i = 0; i < n; i++) {
		c = oms_src_case(s->src, i);
		d = oms_src_doc(s->src, (size_t)c->doc);
		if (c->dup || (d->pair == -1 && d->type != OMS_DOC_BILL))
			continue;	/* reported by the scan */
		if (!in_list(s->kinds, c->kind) || !in_list(s->payers, c->payer))
			continue;
		a = oms_ledger_acct(s->ledger, c->account);
		st = a != NULL ? a->state : OMS_ST_NEW;
		if (c->date_end > last)
			continue;
		if (st == OMS_ST_NEW && c->date_end >= s->primary_from)
			print_case(s, c, s->period, a, 0);
		else if (st == OMS_ST_QUEUED && c->date_end >= s->repeat_from)
			print_case(s, c, s->period, a, 1);
	}
}

static int
status_ledger_only(void *arg, const struct oms_acct *a)
{
	struct select *s = arg;
	const struct oms_reg *r;
	const char *f[NCOLS];
	char ps[8];

	if (a->state != s->status || oms_src_find(s->src, a->id) != NULL)
		return (0);
	r = a->reg >= 0 ? oms_ledger_reg(s->ledger, (size_t)a->reg) : NULL;
	if (s->period != -1 && (r == NULL || r->period != s->period))
		return (0);
	if (r != NULL && !in_list(s->kinds, r->kind))
		return (0);
	if (s->payers != NULL)
		return (0);	/* the payer is not known without the source */
	memset(f, 0, sizeof(f));
	f[0] = a->id;
	f[1] = r != NULL ? oms_period_fmt(r->period, ps) : "";
	f[2] = r != NULL ? r->kind : "";
	f[4] = a->pr_nov ? "1" : "0";
	f[7] = oms_state_name(a->state);
	f[8] = r != NULL ? r->name : "";
	row(s, f);
	return (0);
}

/* Accounts in one state, whatever their period (or of -p). */
static void
select_status(struct select *s)
{
	const struct oms_case *c;
	const struct oms_acct *a;
	const struct oms_reg *r;
	size_t i, n = oms_src_ncases(s->src);
	int st, period;

	for (i = 0; i < n; i++) {
		c = oms_src_case(s->src, i);
		a = oms_ledger_acct(s->ledger, c->account);
		st = a != NULL ? a->state : OMS_ST_NEW;
		if (st != s->status)
			continue;
		if (!in_list(s->kinds, c->kind) || !in_list(s->payers, c->payer))
			continue;
		r = a != NULL && a->reg >= 0 ? oms_ledger_reg(s->ledger,
		    (size_t)a->reg) : NULL;
		period = r != NULL ? r->period : oms_period_of(c->date_end);
		if (s->period != -1 && oms_period_of(c->date_end) != s->period)
			continue;
		print_case(s, c, period, a, a != NULL &&
		    (st == OMS_ST_QUEUED || a->pr_nov));
	}
	(void)oms_ledger_foreach(s->ledger, status_ledger_only, s);
}

/* --history: every event of one account, oldest first */
static const char *const hcols[] = {
	"time", "event", "registry", "period", "pr_nov", "sum", "stage",
	"decision", "reasons", "detail"
};
#define NHCOLS	(sizeof(hcols) / sizeof(hcols[0]))

/*
 * Whether a decision stands on its registry by the ledger's rule: the
 * standing one is the claim's reply of that time (oms-ledger(5)).
 */
static const char *
standing(const struct select *s, const char *const *f, const char *stage)
{
	const struct oms_acct *c;

	c = oms_ledger_claim(s->ledger, f[OMS_L_ACCOUNT],
	    oms_ledger_find_reg(s->ledger, f[OMS_L_REGISTRY]));
	if (c == NULL)
		return ("");
	if (strcmp(c->reply, f[OMS_L_FILE]) == 0 &&
	    strcmp(c->dtime, f[OMS_L_TIME]) == 0)
		return ("; stands");
	if (oms_stage_parse(stage) < c->stage)
		return ("; does not count: a later stage stands");
	return ("; replaced by a later reply");
}

/*
 * The value of key in an event's data, whole: a decoded value is never
 * longer than the field.  Freed by the caller; "" when absent.
 */
static char *
data_get(const char *const *f, const char *key)
{
	size_t len = strlen(f[OMS_L_DATA]) + 1;
	char *v = xmalloc(len);

	if (!oms_ledger_data_get(f[OMS_L_DATA], key, v, len))
		v[0] = '\0';
	return (v);
}

static int
history_line(void *arg, const struct oms_ledger *l,
    const struct oms_event *ev, struct oms_err *err)
{
	struct select *s = arg;
	struct oms_err e = { 0 };
	struct oms_buf detail;
	const struct oms_reg *reg;
	const char *h[NHCOLS];
	const char *const *f = ev->f;
	char *stage, *dec, *reasons, *x, *y;
	int ri, r = 0;

	(void)l;
	(void)err;
	if (s->hist_account != NULL &&
	    strcmp(f[OMS_L_ACCOUNT], s->hist_account) != 0)
		return (0);
	memset(h, 0, sizeof(h));
	oms_buf_init(&detail, 0);
	stage = data_get(f, "stage");
	dec = data_get(f, "decision");
	reasons = data_get(f, "reasons");
	switch (ev->type) {
	case OMS_EV_EXPORT:
		ri = oms_ledger_find_reg(s->ledger, f[OMS_L_REGISTRY]);
		reg = ri >= 0 ? oms_ledger_reg(s->ledger, (size_t)ri) : NULL;
		r = oms_buf_printf(&detail, &e, "%s%s", f[OMS_L_FILE],
		    reg != NULL && reg->test ? (reg->restored ?
		    "; test registry, restored since" : "; test registry") :
		    "");
		break;
	case OMS_EV_DECISION:
		x = data_get(f, "accepted");
		y = data_get(f, "refused");
		r = oms_buf_printf(&detail, &e, "accepted %s, refused %s; %s%s",
		    x, y, f[OMS_L_FILE], standing(s, f, stage));
		free(x);
		free(y);
		break;
	case OMS_EV_QUEUE:
		x = data_get(f, "force");
		r = oms_buf_adds(&detail, strcmp(x, "1") == 0 ?
		    "queued with --force" : "queued", &e);
		free(x);
		break;
	case OMS_EV_FIX:
	case OMS_EV_UNFIX:
		x = data_get(f, "path");
		y = data_get(f, "value");
		if (ev->type == OMS_EV_FIX)
			r = oms_buf_printf(&detail, &e, "%s=%s", x, y);
		else
			r = oms_buf_printf(&detail, &e, "%s withdrawn", x);
		free(x);
		free(y);
		break;
	default:
		break;
	}
	h[0] = f[OMS_L_TIME];
	h[1] = f[OMS_L_EVENT];
	h[2] = f[OMS_L_REGISTRY];
	h[3] = f[OMS_L_PERIOD];
	h[4] = f[OMS_L_PR_NOV];
	h[5] = f[OMS_L_SUM];
	h[6] = stage;
	h[7] = dec;
	h[8] = reasons;
	h[9] = detail.s != NULL ? detail.s : "";
	if (r == -1 || oms_tsv_row(&s->out, h, NHCOLS, &e) == -1)
		errx(e.code == OMS_ENOMEM ? OMS_EXIT_IO : OMS_EXIT_INTERNAL,
		    "%s", e.msg);
	if (s->out.len > 65536)
		cli_out(&s->out);
	free(stage);
	free(dec);
	free(reasons);
	oms_buf_release(&detail);
	s->nmatch++;
	return (0);
}

static void
history(struct select *s, const char *account)
{
	struct oms_err e = { 0 };
	const struct oms_acct *a;
	const struct oms_reg *r;
	const char *h[NHCOLS];
	int rc;

	if (oms_tsv_row(&s->out, hcols, NHCOLS, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	/*
	 * The ledger's look-up finds the id as it is written in the file;
	 * one with a backslash is written escaped, so read every event.
	 */
	if (strchr(account, '\\') != NULL) {
		s->hist_account = account;
		rc = oms_ledger_scan(s->ledger, history_line, s, &e);
	} else
		rc = oms_ledger_history(s->ledger, account, history_line, s,
		    &e);
	if (rc == -1)
		exit(cli_report(&e));
	if ((a = oms_ledger_acct(s->ledger, account)) == NULL) {
		cli_out(&s->out);
		warnx("%s: the ledger does not know this account", account);
		return;
	}
	/* where it stands now */
	r = a->reg >= 0 ? oms_ledger_reg(s->ledger, (size_t)a->reg) : NULL;
	memset(h, 0, sizeof(h));
	h[1] = "state";
	h[2] = r != NULL ? r->name : "";
	h[9] = oms_state_name(a->state);
	if (oms_tsv_row(&s->out, h, NHCOLS, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	cli_out(&s->out);
}

/* -h: the synopsis and the options, on stdout */
static void
help(void)
{
	printf("usage: oms-select [-eqv] [-C dir] -p period "
	    "[--primary-from date] [--repeat-from date]\n"
	    "                  [-k kind] [-P payer]\n"
	    "       oms-select [-eqv] [-C dir] -s state "
	    "[-p period] [-k kind] [-P payer]\n"
	    "       oms-select [-C dir] --history account\n\n"
	    "Print the accounts due for a reporting period "
	    "as TSV, or those in a state.\n"
	    "  -C dir           workspace (default $OMS_DIR, "
	    "then .)\n"
	    "  -p period        YYYY-MM\n"
	    "  --primary-from   earliest case end of primary "
	    "accounts (default: the period's 1st)\n"
	    "  --repeat-from    earliest case end of queued "
	    "accounts (default: the previous period's 1st)\n"
	    "  -k kind          H, C, T, DP ..., B for a yar76 "
	    "bill (repeatable, or a comma list)\n"
	    "  -P payer         insurer code or {tfoms}000 (yar76: "
	    "or the OGRN of an insurer not in ref/F002.tsv)\n"
	    "                   exit 2 for a kind not of the "
	    "profile, or a payer that oms.conf,\n"
	    "                   ref/F002.tsv, the ledger and "
	    "source/ do not know\n"
	    "  -s state         new, in-flight, accepted, "
	    "partial, rejected, queued\n"
	    "  -e               exit 1 when nothing is "
	    "selected\n"
	    "  -H, --history account  every event of one "
	    "account, and where it stands\n"
	    "See oms-select(1).\n");
	exit(OMS_EXIT_OK);
}

/* --history: every event of one account; exit 1 when it has none */
static int
show_history(struct select *s, const char *dir, const char *hist)
{
	s->ledger = cli_open(&s->ws, dir, 0);
	oms_buf_init(&s->out, 0);
	history(s, hist);
	cli_close_stdout();
	if (oms_ledger_acct(s->ledger, hist) == NULL &&
	    cli.rval == OMS_EXIT_OK)
		cli.rval = OMS_EXIT_NEGATIVE;
	oms_buf_release(&s->out);
	oms_ledger_free(s->ledger);
	oms_ws_close(&s->ws);
	return (cli.rval);
}

/*
 * A filter that can match nothing is a mistake: -k and -P are checked
 * against the profile, oms.conf, ref/F002.tsv, the ledger and the cases
 * the scan found, before anything is printed.  Then the windows of the
 * period.  0 (cli.rval set) when there is nothing to select from.
 */
static int
prepare(struct select *s, long pf, long rf)
{
	struct oms_err e = { 0 };
	struct oms_diag diag;

	if (!kinds_ok(s)) {
		cli.rval = OMS_EXIT_USAGE;
		return (0);
	}
	if (s->payers != NULL)
		know_payers(s);
	cli_diag_init(&diag);
	if ((s->src = cli_src_scan(&s->ws, 1, &diag, &e)) == NULL) {
		cli_report(&e);
		return (0);
	}
	if (diag.nerrors > 0)
		cli.rval = OMS_EXIT_NEGATIVE;
	if (!payers_ok(s)) {
		cli.rval = OMS_EXIT_USAGE;
		return (0);
	}
	if (s->period != -1) {
		s->primary_from = window_start(pf, s->ws.conf.primary_from,
		    s->ws.conf.primary_back, s->period);
		s->repeat_from = window_start(rf, s->ws.conf.repeat_from,
		    s->ws.conf.repeat_back, s->period);
	}
	return (1);
}

/* Print the accounts due (or in the state of -s) as TSV. */
static void
select_accounts(struct select *s)
{
	struct oms_err e = { 0 };

	oms_buf_init(&s->out, 0);
	if (oms_tsv_row(&s->out, cols, NCOLS, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	if (s->status != -1)
		select_status(s);
	else
		select_due(s);
	cli_out(&s->out);
	cli_close_stdout();
	if (cli.verbose)
		warnx("%zu account(s) selected from %zu source file(s)",
		    s->nmatch, oms_src_ndocs(s->src));

	if (cli.rval == OMS_EXIT_OK && s->exitnone && s->nmatch == 0)
		cli.rval = OMS_EXIT_NEGATIVE;
}

static void
teardown(struct select *s)
{
	oms_buf_release(&s->out);
	oms_src_free(s->src);
	oms_ledger_free(s->ledger);
	oms_ws_close(&s->ws);
	free_list(s->kinds);
	free_list(s->payers);
	free(s->known);
	xmlCleanupParser();
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "directory",    required_argument, NULL, 'C' },
		{ "exit-status",  no_argument,       NULL, 'e' },
		{ "help",         no_argument,       NULL, 'h' },
		{ "history",      required_argument, NULL, 'H' },
		{ "kind",         required_argument, NULL, 'k' },
		{ "payer",        required_argument, NULL, 'P' },
		{ "period",       required_argument, NULL, 'p' },
		{ "primary-from", required_argument, NULL, 'F' },
		{ "quiet",        no_argument,       NULL, 'q' },
		{ "repeat-from",  required_argument, NULL, 'R' },
		{ "status",       required_argument, NULL, 's' },
		{ "verbose",      no_argument,       NULL, 'v' },
		{ "version",      no_argument,       NULL, 'V' },
		{ NULL,           0,                 NULL, 0 }
	};
	struct select s;
	const char *dir = NULL, *hist = NULL;
	long pf = -1, rf = -1;
	int ch;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_DFL);
	memset(&s, 0, sizeof(s));
	s.period = -1;
	s.status = -1;

	while ((ch = getopt_long(argc, argv, "+C:ehH:k:P:p:qs:vV", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'e':
			s.exitnone = 1;
			break;
		case 'F':
			pf = parse_date_opt("--primary-from", optarg);
			break;
		case 'h':
			help();
		case 'H':
			if (!cli_account_ok("--history", optarg))
				usage();
			hist = optarg;
			break;
		case 'k':
			s.kinds = add_list(s.kinds, "-k", "kind", optarg);
			break;
		case 'P':
			s.payers = add_list(s.payers, "-P", "payer", optarg);
			break;
		case 'p':
			if (oms_period_parse(optarg, &s.period) == -1) {
				warnx("-p: \"%s\" is not a period (YYYY-MM)",
				    optarg);
				usage();
			}
			break;
		case 'q':
			cli.quiet = 1;
			break;
		case 'R':
			rf = parse_date_opt("--repeat-from", optarg);
			break;
		case 's':
			if ((s.status = oms_state_parse(optarg)) == -1) {
				warnx("-s: unknown state \"%s\"", optarg);
				usage();
			}
			break;
		case 'v':
			cli.verbose = 1;
			break;
		case 'V':
			cli_version("oms-select");
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc != 0 || (hist == NULL && s.period == -1 && s.status == -1) ||
	    (hist != NULL && (s.period != -1 || s.status != -1)))
		usage();
	LIBXML_TEST_VERSION

	if (hist != NULL)
		return (show_history(&s, dir, hist));
	s.ledger = cli_open(&s.ws, dir, 0);
	if (prepare(&s, pf, rf))
		select_accounts(&s);
	teardown(&s);
	return (cli.rval);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: oms-select [-eqv] [-C dir] -p period "
	    "[--primary-from date] [--repeat-from date]\n"
	    "                  [-k kind] [-P payer]\n"
	    "       oms-select [-eqv] [-C dir] -s state [-p period] "
	    "[-k kind] [-P payer]\n"
	    "       oms-select [-C dir] --history account\n");
	exit(OMS_EXIT_USAGE);
}
