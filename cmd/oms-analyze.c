/*
 * oms-analyze -- the refusals of the fund and the insurers: by reason,
 * stage, payer, kind, department and doctor, or the accounts to fix.
 * This file holds main and what reads the workspace: the ledger (its
 * callbacks), the reference tables and source/ for --names; the rows,
 * summary lines and writers are in analyze-*.c (analyze.h).
 */
#include <err.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "analyze.h"
#include "cli.h"

static void	help(void) __attribute__((__noreturn__));
static void	usage(void) __attribute__((__noreturn__));

/* ------------------------------------------------------------ reasons */

static char *
find_ref(struct analyze *an, const char *name)
{
	char *p;

	if (an->have_ws)
		p = oms_ws_find(&an->ws, "ref", name, cli_refdir());
	else
		p = oms_path_join(cli_refdir(), name);
	if (p == NULL)
		err(OMS_EXIT_IO, NULL);
	if (access(p, R_OK) == -1) {
		if (cli.verbose)
			warn("%s", p);
		free(p);
		return (NULL);
	}
	return (p);
}

static void
load_reasons(struct analyze *an)
{
	struct oms_err e = { 0 };
	char *f014, *q015, *rules;

	f014 = find_ref(an, "F014.tsv");
	q015 = find_ref(an, "Q015.tsv");
	rules = find_ref(an, "rules.tsv");
	if (f014 == NULL && q015 == NULL && rules == NULL) {
		/* one warning, not one per code */
		if (!cli.quiet)
			warnx("warning: no reference tables in %s%s%s; refusal "
			    "codes are shown without their texts",
			    an->have_ws ? an->ws.dir : "", an->have_ws ?
			    "/ref or " : "", cli_refdir());
		an->notables = 1;
	}
	if ((an->reasons = oms_reasons_load(f014, q015, rules, &e)) == NULL)
		exit(cli_report(&e));
	free(f014);
	free(q015);
	free(rules);
}

/* ------------------------------------------------------------ input */

static int
in_scope(const struct analyze *an, int period, int test)
{
	if (an->period != -1 && period != an->period)
		return (0);
	if ((an->scope == SCOPE_MAIN && test) ||
	    (an->scope == SCOPE_TEST && !test))
		return (0);
	return (1);
}

/*
 * One account in one registry in scope, in state st: summed under total
 * and state, and a row when it is refused.
 */
static void
take(struct analyze *an, const struct oms_acct *a, const struct oms_reg *reg,
    int st, const char *decision)
{
	struct arow *r;

	if (st != OMS_ST_REJECTED && st != OMS_ST_PARTIAL) {
		/* counted in total and state, listed nowhere: no row */
		an->pre_all.accounts++;
		an->pre_all.claimed += a->sum;
		an->pre_all.refused += a->refused;
		if (st >= 0 && st < OMS_ST_NSTATES) {
			an->pre_st[st].accounts++;
			an->pre_st[st].claimed += a->sum;
			an->pre_st[st].refused += a->refused;
		}
		return;
	}
	r = new_row(an);
	r->account = a->id;
	r->registry = reg->name;
	r->reply = a->reply;
	r->stage = oms_stage_name(a->stage);
	r->state = st;
	r->decision = decision;
	r->claimed = a->sum;
	r->accepted = a->accepted;
	r->refused = a->refused;
	r->reasons = a->reasons;
	oms_period_fmt(reg->period, r->period);
	r->kind = *a->kind != '\0' ? a->kind : reg->kind;
	r->payer = *a->payer != '\0' ? a->payer : reg->payer;
	r->dept = a->dept;
	r->doctor = a->doctor;
	r->source = a->source;
	if (a->case_end >= 0)
		oms_date_fmt(a->case_end, r->case_end);
	r->test = reg->test;
}

/* -r: an account as it stands now, in the registry that carries it. */
static int
from_ledger_acct(void *arg, const struct oms_acct *a)
{
	struct analyze *an = arg;
	const struct oms_reg *reg;

	if (a->reg < 0 || a->state == OMS_ST_NEW)
		return (0);
	reg = oms_ledger_reg(an->ledger, (size_t)a->reg);
	if (in_scope(an, reg->period, reg->test))
		take(an, a, reg, a->state, a->stage != OMS_STAGE_NONE ?
		    oms_state_name(a->state) : "");
	return (0);
}

/* The sums of every claim of payer (a few payers: a linear search). */
static struct agroup *
payer_sums(struct analyze *an, const char *payer)
{
	struct agroup *g;
	size_t i;

	for (i = 0; i < an->npre_payer; i++)
		if (an->pre_payer[i].key == payer ||
		    strcmp(an->pre_payer[i].key, payer) == 0)
			return (&an->pre_payer[i]);
	an->pre_payer = xreallocarray(an->pre_payer, an->npre_payer + 1,
	    sizeof(*an->pre_payer));
	g = &an->pre_payer[an->npre_payer++];
	memset(g, 0, sizeof(*g));
	g->by = "payer_total";
	g->key = xstrdup(payer);
	g->name = xstrdup("");
	return (g);
}

/*
 * One claim of a registry in scope, as the period's history has it: the
 * decision that stands on it there, whatever became of the account later
 * (queued, sent again, accepted next month).
 */
static int
from_ledger_claim(void *arg, const struct oms_acct *c, int current)
{
	struct analyze *an = arg;
	const struct oms_reg *reg = oms_ledger_reg(an->ledger, (size_t)c->reg);
	struct agroup *pg;

	(void)current;
	if (!in_scope(an, reg->period, reg->test))
		return (0);
	pg = payer_sums(an, *c->payer != '\0' ? c->payer : reg->payer);
	pg->accounts++;
	pg->claimed += c->sum;
	pg->refused += c->refused;
	take(an, c, reg, c->decision, oms_state_name(c->decision));
	return (0);
}

/* The words of the contradiction rows, which are in Russian. */
static const char *
stage_ru(int stage)
{
	static const char *const ru[] = { "", "ФЛК", "МЭК",
	    "ответа на требование об оплате" };

	return (stage > 0 && stage <= OMS_STAGE_DEMAND ? ru[stage] : "");
}

static const char *
decision_ru(int st)
{
	return (st == OMS_ST_ACCEPTED ? "принят" : st == OMS_ST_PARTIAL ?
	    "частичный отказ" : st == OMS_ST_REJECTED ? "отказ" :
	    "решения нет");
}

/* What did not add up in the replies to the registries in scope. */
static void
contradictions(struct analyze *an)
{
	const struct oms_contra *x;
	const struct oms_reg *reg;
	const struct oms_acct *c;
	struct agroup *g;
	struct oms_buf text;
	struct oms_err e = { 0 };
	char s1[32], s2[32];
	size_t i;
	int r;

	oms_buf_init(&text, 0);
	for (i = 0; i < oms_ledger_ncontra(an->ledger); i++) {
		x = oms_ledger_contra(an->ledger, i);
		reg = oms_ledger_reg(an->ledger, (size_t)x->reg);
		if (reg == NULL || !in_scope(an, reg->period, reg->test) ||
		    (reg->test && reg->restored))
			continue;
		oms_buf_reset(&text);
		switch (x->kind) {
		case OMS_CT_FLK:
			continue;	/* from the claims: see flk_contra */
		case OMS_CT_SUM:
			r = oms_buf_printf(&text, &e, "счёт %s, реестр %s, "
			    "N_ZAP %s: в ответе %s сумма %s, предъявлено %s",
			    x->account, reg->name, x->n_zap, x->reply,
			    oms_money_fmt(x->said, s1),
			    oms_money_fmt(x->sent, s2));
			break;
		default:
			r = oms_buf_printf(&text, &e, "счёт %s, реестр %s, "
			    "N_ZAP %s: решение этапа %s (%s) по реестру, "
			    "который счёт уже покинул (теперь в %s)",
			    x->account, reg->name, x->n_zap,
			    stage_ru(x->stage), x->reply,
			    *x->other != '\0' ? x->other : "нигде");
		}
		if (r == -1)
			errx(OMS_EXIT_IO, "%s", e.msg);
		g = new_group(an, "contradiction", oms_contra_name(x->kind),
		    text.s);
		g->accounts = 1;
		g->claimed = x->sent;
		c = oms_ledger_claim(an->ledger, x->account, x->reg);
		g->refused = c != NULL ? c->refused : 0;
	}
	oms_buf_release(&text);
}

/*
 * A claim the ФЛК refused and a later stage accepted: from the marks the
 * fold leaves on the claim, so that the row is the same in any order of
 * import (the replies that showed it are in oms-import's warnings).
 */
static int
flk_contra(void *arg, const struct oms_acct *c, int current)
{
	struct analyze *an = arg;
	const struct oms_reg *reg = oms_ledger_reg(an->ledger, (size_t)c->reg);
	struct agroup *g;
	struct oms_buf text;
	struct oms_err e = { 0 };
	char z[16];

	(void)current;
	if ((c->flags & (OMS_CF_FLK_REFUSED | OMS_CF_ACCEPTED)) !=
	    (OMS_CF_FLK_REFUSED | OMS_CF_ACCEPTED) ||
	    !in_scope(an, reg->period, reg->test))
		return (0);
	snprintf(z, sizeof(z), "%u", (unsigned)c->n_zap);
	oms_buf_init(&text, 0);
	if (oms_buf_printf(&text, &e, "счёт %s, реестр %s%s%s: ФЛК отказал, "
	    "более поздний этап принял; действует решение этапа %s: %s",
	    c->id, reg->name, c->n_zap > 0 ? ", N_ZAP " : "",
	    c->n_zap > 0 ? z : "", stage_ru(c->stage),
	    decision_ru(c->decision)) == -1)
		errx(OMS_EXIT_IO, "%s", e.msg);
	g = new_group(an, "contradiction", oms_contra_name(OMS_CT_FLK),
	    text.s);
	oms_buf_release(&text);
	g->accounts = 1;
	g->claimed = c->sum;
	g->refused = c->refused;
	return (0);
}

/*
 * The summary is the history of the registries in scope (their claims);
 * -r is what is still open: the accounts whose registry now refuses them.
 */
static void
read_ledger(struct analyze *an)
{
	if (an->rejected)
		(void)oms_ledger_foreach(an->ledger, from_ledger_acct, an);
	else
		(void)oms_ledger_foreach_claim(an->ledger, -1,
		    from_ledger_claim, an);
}

static void
read_names(struct analyze *an)
{
	struct oms_err e = { 0 };
	struct oms_diag diag;
	struct oms_src *src;
	const char **acc;
	char **names;
	size_t i;

	cli_diag_init(&diag);
	if ((src = oms_src_scan(&an->ws, &diag, &e)) == NULL)
		exit(cli_report(&e));
	acc = xreallocarray(NULL, an->nrefused + 1, sizeof(*acc));
	names = xreallocarray(NULL, an->nrefused + 1, sizeof(*names));
	for (i = 0; i < an->nrefused; i++)
		acc[i] = an->refused[i]->account;
	if (oms_src_names(src, acc, an->nrefused, names, &e) == -1)
		exit(cli_report(&e));
	for (i = 0; i < an->nrefused; i++) {
		an->refused[i]->patient = names[i];
		if (names[i] == NULL && !cli.quiet)
			warnx("warning: %s: no patient for this account in "
			    "source/", acc[i]);
	}
	free(names);
	free(acc);
	oms_src_free(src);
}

/*
 * The workspace: its ledger when there are no files to read; with files,
 * only its ref/ (and source/ for --names) when -C or $OMS_DIR names one.
 */
static void
open_workspace(struct analyze *an, const char *dir, int files)
{
	struct oms_err e = { 0 };

	if (!files) {
		an->ledger = cli_open(&an->ws, dir, 0);
		an->have_ws = 1;
	} else if (dir != NULL || (getenv("OMS_DIR") != NULL &&
	    *getenv("OMS_DIR") != '\0')) {
		if (oms_ws_open(&an->ws, cli_workspace(dir), &e) == -1)
			exit(cli_report(&e));
		an->ws.refdir = cli_refdir();
		an->have_ws = 1;
	}
}

/*
 * The summary lines: those of the refused rows, every claim by payer
 * (what oms-invoice -p sums; not with -r), the contradictions of the
 * ledger, then total and state, in print order.
 */
static void
summarize(struct analyze *an)
{
	struct agroup all, st[OMS_ST_NSTATES], *g;
	size_t i;

	group_refused(an, &all, st);
	if (an->ledger == NULL)
		for (i = 0; i < an->nrow; i++) {
			struct agroup *pg = payer_sums(an, an->row[i].payer);

			pg->accounts++;
			pg->claimed += an->row[i].claimed;
			pg->refused += an->row[i].refused;
		}
	for (i = 0; i < an->npre_payer; i++) {
		if (an->rejected) {
			free(an->pre_payer[i].key);
			free(an->pre_payer[i].name);
			continue;
		}
		g = new_group(an, "payer_total", "", "");
		free(g->key);
		free(g->name);
		*g = an->pre_payer[i];
	}
	free(an->pre_payer);
	an->pre_payer = NULL;
	an->npre_payer = 0;
	if (an->ledger != NULL && !an->rejected) {
		contradictions(an);
		(void)oms_ledger_foreach_claim(an->ledger, -1, flk_contra, an);
	}
	group_finish(an, &all, st);
}

static void
teardown(struct analyze *an)
{
	size_t i;

	for (i = 0; i < an->nrow; i++) {
		free(an->row[i].text);
		free(an->row[i].patient);
	}
	for (i = 0; i < an->ng; i++) {
		free(an->g[i].key);
		free(an->g[i].name);
	}
	for (i = 0; i < an->strs->n; i++)
		free(an->strs->s[i]);
	for (i = 0; i < an->nwarned; i++)
		free(an->warned[i]);
	free(an->warned);
	free(an->strs->s);
	free(an->g);
	free(an->row);
	free(an->list);
	free(an->refused);
	oms_buf_release(&an->out);
	oms_reasons_free(an->reasons);
	oms_ledger_free(an->ledger);
	if (an->have_ws)
		oms_ws_close(&an->ws);
	xmlCleanupParser();
}

/* -h: the synopsis and the options, on stdout */
static void
help(void)
{
	printf("usage: oms-analyze [-eqrv] [-C dir] [-p period] "
	    "[--main | --test] [--partial]\n"
	    "                   [--names] [--html file] "
	    "[--csv-excel file] [file ...]\n\n"
	    "Report the refusals recorded in the ledger (or in "
	    "decisions TSV files, - for stdin):\n"
	    "by reason with its text, stage, payer, kind, "
	    "department and doctor; or, with -r,\n"
	    "the refused accounts to fix and requeue.  Reads "
	    "only.  The summary is history: what\n"
	    "was decided on the registries in scope, whatever "
	    "became of the accounts since,\n"
	    "with every claim by payer (payer_total) and the "
	    "contradictions found.\n"
	    "  -C dir            workspace (default $OMS_DIR, "
	    "then .)\n"
	    "  -p period         YYYY-MM: that period's "
	    "registries\n"
	    "  --main, --test    main or test registries only\n"
	    "  -r, --rejected    the refused accounts not yet "
	    "resubmitted\n"
	    "  --partial         with -r, partly refused ones "
	    "too\n"
	    "  --names           add the patient's name (personal "
	    "data)\n"
	    "  --html file       an HTML report with charts "
	    "(- for stdout)\n"
	    "  --csv-excel file  the table as windows-1251 ; "
	    "CSV for Excel (- for stdout)\n"
	    "  -e                exit 1 when any account was "
	    "refused\n"
	    "See oms-analyze(1).\n");
	exit(OMS_EXIT_OK);
}

int
main(int argc, char *argv[])
{
	enum { OPT_MAIN = 256, OPT_TEST, OPT_PARTIAL, OPT_NAMES, OPT_HTML,
	    OPT_CSV };
	static const struct option longopts[] = {
		{ "directory",   required_argument, NULL, 'C' },
		{ "exit-status", no_argument,       NULL, 'e' },
		{ "help",        no_argument,       NULL, 'h' },
		{ "period",      required_argument, NULL, 'p' },
		{ "quiet",       no_argument,       NULL, 'q' },
		{ "rejected",    no_argument,       NULL, 'r' },
		{ "verbose",     no_argument,       NULL, 'v' },
		{ "version",     no_argument,       NULL, 'V' },
		{ "main",        no_argument,       NULL, OPT_MAIN },
		{ "test",        no_argument,       NULL, OPT_TEST },
		{ "partial",     no_argument,       NULL, OPT_PARTIAL },
		{ "names",       no_argument,       NULL, OPT_NAMES },
		{ "html",        required_argument, NULL, OPT_HTML },
		{ "csv-excel",   required_argument, NULL, OPT_CSV },
		{ NULL,          0,                 NULL, 0 }
	};
	struct analyze an;
	struct strpool strs;
	const char *dir = NULL;
	int ch;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_DFL);
	memset(&an, 0, sizeof(an));
	memset(&strs, 0, sizeof(strs));
	an.strs = &strs;
	an.period = -1;

	while ((ch = getopt_long(argc, argv, "+C:ehp:qrvV", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'e':
			an.exitrefused = 1;
			break;
		case 'h':
			help();
		case 'p':
			if (oms_period_parse(optarg, &an.period) == -1)
				errx(OMS_EXIT_USAGE, "-p %s: not a period "
				    "YYYY-MM", optarg);
			break;
		case 'q':
			cli.quiet = 1;
			break;
		case 'r':
			an.rejected = 1;
			break;
		case 'v':
			cli.verbose = 1;
			break;
		case 'V':
			cli_version("oms-analyze");
		case OPT_MAIN:
			an.scope = SCOPE_MAIN;
			break;
		case OPT_TEST:
			an.scope = SCOPE_TEST;
			break;
		case OPT_PARTIAL:
			an.partial = 1;
			break;
		case OPT_NAMES:
			an.names = 1;
			break;
		case OPT_HTML:
			an.html = optarg;
			break;
		case OPT_CSV:
			an.csv = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (an.partial && !an.rejected)
		errx(OMS_EXIT_USAGE, "--partial goes with -r");
	if (an.html != NULL && an.csv != NULL &&
	    strcmp(an.html, "-") == 0 && strcmp(an.csv, "-") == 0)
		errx(OMS_EXIT_USAGE, "--html - and --csv-excel - both want "
		    "stdout");
	if (argc > 0 && an.names)
		errx(OMS_EXIT_USAGE, "--names reads source/ of a workspace, "
		    "not decisions files");
	LIBXML_TEST_VERSION

	open_workspace(&an, dir, argc > 0);
	load_reasons(&an);
	if (argc == 0)
		read_ledger(&an);
	else
		read_files(&an, argv);
	lists(&an);
	summarize(&an);
	if (an.names)
		read_names(&an);
	write_outputs(&an);
	cli_close_stdout();

	if (cli.rval == OMS_EXIT_OK && an.exitrefused && an.nrefused > 0)
		cli.rval = OMS_EXIT_NEGATIVE;
	teardown(&an);
	return (cli.rval);
}

static void
usage(void)
{
	fprintf(stderr, "usage: oms-analyze [-eqrv] [-C dir] [-p period] "
	    "[--main | --test] [--partial]\n"
	    "                   [--names] [--html file] [--csv-excel file] "
	    "[file ...]\n");
	exit(OMS_EXIT_USAGE);
}
