/*
 * oms-invoice -- what each payer owes for a period, the "Суммы для
 * счетов" report and the invoices
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "cli.h"
#include "invoice.h"

#define BASIS_DEFAULT	"договор на оказание и оплату медицинской помощи " \
			"по обязательному медицинскому страхованию"

struct invoicer {
	struct oms_ws		 ws;
	struct oms_ledger	*ledger;
	struct oms_invoice	 inv;
	struct invdoc		 doc;
	int			 period;
	int			 dry_run;
	const char		*withhold;	/* --withhold */
	const char		*format;	/* --format */
	const char		*dir;		/* --invoices */
	const char		*date;		/* --date */
	/* ref/F002.tsv: the insurers' register; NULL when missing */
	struct oms_ref		*ins;
	struct oms_buf		 out;
};

static const char *const cols[] = {
	"payer", "claimed", "refused", "withheld", "to_pay", "accounts",
	"refused_accounts", "name", "invoice", "date"
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static void	help(void) __attribute__((__noreturn__));
static void	usage(void) __attribute__((__noreturn__));

/*
 * The insurers' register (ref/F002.tsv, as oms-nsi converts the fund's
 * F002): missing is only a warning; a row per period of validity.
 */
static void
load_insurers(struct invoicer *iv)
{
	struct oms_err e = { 0 };
	char *path;
	FILE *fp;

	if ((path = oms_ws_find(&iv->ws, "ref", "F002.tsv",
	    cli_refdir())) == NULL)
		err(OMS_EXIT_IO, NULL);
	if ((fp = fopen(path, "r")) == NULL) {
		if (!cli.quiet)
			warn("warning: %s (insurers' names and details are "
			    "left out)", path);
		free(path);
		return;
	}
	if ((iv->ins = oms_insurers_read(fp, path, &e)) == NULL)
		exit(cli_report(&e));
	fclose(fp);
	free(path);
}

/*
 * The register's row of payer i for day: 1 valid then, 2 another one
 * (*ins the row valid last), 0 none.  gone: the insurer had left the
 * register before the period began, so nothing of the period is its.
 */
static int
insurer(const struct invoicer *iv, size_t i, long day,
    struct oms_insurer *ins, int *gone)
{
	int r;

	r = oms_insurer_find(iv->ins, iv->inv.p[i].payer, day, ins);
	*gone = r == 2 && ins->to != -1 &&
	    ins->to < oms_period_first(iv->period);
	return (r);
}

/*
 * Invoices go to insurers the register has in the period: one that had
 * left it before the period gets none, and nothing is issued.
 */
static void
check_gone(const struct invoicer *iv, long day)
{
	struct oms_insurer ins;
	char d[11], ps[8];
	size_t i, n = 0;
	int gone;

	for (i = 0; i < iv->inv.n; i++) {
		if (iv->inv.p[i].to_pay <= 0 ||
		    insurer(iv, i, day, &ins, &gone) != 2 || !gone)
			continue;
		warnx("payer %s: ref/F002.tsv says it left the insurers' "
		    "register on %s, before the period %s: no invoice can be "
		    "addressed to it; check the payer of its accounts, or "
		    "refresh the register (oms-nsi -o ref/F002.tsv F002.xml)",
		    iv->inv.p[i].payer, oms_date_fmt(ins.to, d),
		    oms_period_fmt(iv->period, ps));
		n++;
	}
	if (n > 0)
		errx(OMS_EXIT_NEGATIVE, "no invoice issued");
}

/* The payers' names and requisites, from the register's rows of day. */
static void
set_orgs(struct invoicer *iv, long day)
{
	const struct oms_conf *c = &iv->ws.conf;
	struct org *mo = &iv->doc.mo;
	struct oms_insurer ins;
	char d1[11], d2[11], ps[8];
	const char *v;
	size_t i;
	int r, gone;

	mo->code = c->mo;
	mo->name = (v = oms_conf_get(c, "mo_name")) != NULL ? v : c->mo;
	mo->inn = oms_conf_get(c, "mo_inn");
	mo->kpp = c->kpp;
	mo->ogrn = c->ogrn;
	mo->address = oms_conf_get(c, "mo_address");
	mo->bank = oms_conf_get(c, "mo_bank");
	mo->bik = oms_conf_get(c, "mo_bik");
	mo->account = oms_conf_get(c, "mo_account");
	mo->corr = oms_conf_get(c, "mo_corr_account");
	mo->head = oms_conf_get(c, "mo_head");
	mo->accountant = oms_conf_get(c, "mo_accountant");
	iv->doc.basis = (v = oms_conf_get(c, "invoice.basis")) != NULL ? v :
	    BASIS_DEFAULT;
	iv->doc.inv = &iv->inv;
	free(iv->doc.payer);
	iv->doc.payer = xreallocarray(NULL, iv->inv.n + 1,
	    sizeof(*iv->doc.payer));
	for (i = 0; i < iv->inv.n; i++) {
		struct org *o = &iv->doc.payer[i];

		memset(o, 0, sizeof(*o));
		o->code = iv->inv.p[i].payer;
		o->name = "";
		if ((r = insurer(iv, i, day, &ins, &gone)) != 0) {
			o->name = ins.name;
			o->inn = ins.inn;
			o->kpp = ins.kpp;
			o->ogrn = ins.ogrn;
			o->address = ins.address;
		}
		if (cli.quiet)
			continue;
		if (r == 0 || *o->name == '\0')
			warnx("warning: payer %s is not in ref/F002.tsv; its "
			    "name and details are left out", o->code);
		else if (gone)
			warnx("warning: payer %s: ref/F002.tsv says it left "
			    "the insurers' register on %s, before the period "
			    "%s; check the payer of its accounts", o->code,
			    oms_date_fmt(ins.to, d1),
			    oms_period_fmt(iv->period, ps));
		else if (r == 2 && ins.to != -1 && ins.to < day)
			warnx("warning: payer %s left the insurers' register "
			    "on %s (ref/F002.tsv), before %s: its requisites "
			    "of then are used", o->code,
			    oms_date_fmt(ins.to, d1), oms_date_fmt(day, d2));
		else if (r == 2)
			warnx("warning: payer %s enters the insurers' "
			    "register only on %s (ref/F002.tsv), after %s: "
			    "its requisites of then are used", o->code,
			    oms_date_fmt(ins.from, d1), oms_date_fmt(day, d2));
	}
}

static void
read_withholdings(struct invoicer *iv)
{
	struct oms_err e = { 0 };
	struct oms_withhold *w;
	size_t nw;
	FILE *fp;

	if (strcmp(iv->withhold, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(iv->withhold, "r")) == NULL)
		err(OMS_EXIT_IO, "%s", iv->withhold);
	if (oms_withhold_read(fp, iv->withhold, &iv->inv, &w, &nw, &e) == -1)
		exit(cli_report(&e));
	if (fp != stdin)
		fclose(fp);
	if (oms_invoice_withhold(iv->ledger, &iv->inv, w, nw, iv->withhold,
	    iv->dry_run, &e) == -1)
		exit(cli_report(&e));
	if (cli.verbose)
		warnx("%s: %zu withholding(s) %s", iv->withhold, nw,
		    iv->dry_run ? "read (dry run: not recorded)" :
		    "recorded for the period");
}

static void
emit_tsv(struct invoicer *iv)
{
	struct oms_err e = { 0 };
	const char *f[NCOLS];
	char c[32], r[32], w[32], t[32], a[24], ra[24];
	size_t i;

	if (oms_tsv_row(&iv->out, cols, NCOLS, &e) == -1)
		goto bad;
	for (i = 0; i < iv->inv.n; i++) {
		const struct oms_payer_sum *p = &iv->inv.p[i];

		snprintf(a, sizeof(a), "%zu", p->accounts);
		snprintf(ra, sizeof(ra), "%zu", p->nrefused);
		f[0] = p->payer;
		f[1] = oms_money_fmt(p->claimed, c);
		f[2] = oms_money_fmt(p->refused, r);
		f[3] = oms_money_fmt(p->withheld, w);
		f[4] = oms_money_fmt(p->to_pay, t);
		f[5] = a;
		f[6] = ra;
		f[7] = iv->doc.payer[i].name;
		f[8] = p->number;
		f[9] = p->date;
		if (oms_tsv_row(&iv->out, f, NCOLS, &e) == -1)
			goto bad;
	}
	cli_out(&iv->out);
	return;
bad:
	errx(OMS_EXIT_INTERNAL, "%s", e.msg);
}

/* One HTML file per payer with something to pay, into --invoices. */
static void
write_invoices(struct invoicer *iv)
{
	struct oms_err e = { 0 };
	struct oms_afile af;
	struct oms_buf name;
	const char *prefix;
	char ps[8], money[32], *path, *s;
	long date;
	size_t i;

	if (cli_today(iv->date, &date) == -1)
		errx(OMS_EXIT_USAGE, "--date %s: not a date YYYY-MM-DD",
		    iv->date);
	check_gone(iv, date);
	if (oms_mkdirs(iv->dir, &e) == -1)
		exit(cli_report(&e));
	/* only payers with something to pay get an invoice */
	for (i = 0; i < iv->inv.n; i++)
		if (iv->inv.p[i].to_pay <= 0 && !cli.quiet)
			warnx("warning: payer %s: nothing to pay (%s); no "
			    "invoice", iv->inv.p[i].payer,
			    oms_money_fmt(iv->inv.p[i].to_pay, money));
	/* oms.conf keeps it short enough for the number (oms.conf(5)) */
	prefix = oms_conf_get(&iv->ws.conf, "invoice.prefix");
	if (oms_invoice_issue(iv->ledger, &iv->inv, prefix, date, iv->dry_run,
	    &e) == -1)
		exit(cli_report(&e));
	set_orgs(iv, date);
	oms_period_fmt(iv->inv.period, ps);
	oms_buf_init(&name, 0);
	for (i = 0; i < iv->inv.n; i++) {
		const struct oms_payer_sum *p = &iv->inv.p[i];

		if (p->number[0] == '\0')
			continue;
		if (p->issued != p->to_pay && !cli.quiet) {
			char x[32], y[32];

			warnx("warning: invoice %s to %s was issued for %s; "
			    "the sums now give %s (replies or withholdings "
			    "since)", p->number, p->payer,
			    oms_money_fmt(p->issued, x),
			    oms_money_fmt(p->to_pay, y));
		}
		/* the whole number, however long the prefix */
		oms_buf_reset(&name);
		if (oms_buf_printf(&name, &e, "schet-%s-%s-%s.html", ps,
		    p->payer, p->number) == -1)
			exit(cli_report(&e));
		/* a number is ours, but a prefix from oms.conf may hold '/' */
		for (s = name.s; *s != '\0'; s++)
			if (*s == '/')
				*s = '_';
		if ((path = oms_path_join(iv->dir, name.s)) == NULL)
			err(OMS_EXIT_IO, NULL);
		if (iv->dry_run) {
			warnx("%s: would be written (dry run)", path);
			free(path);
			continue;
		}
		if (oms_afile_open(&af, path, &e) == -1)
			exit(cli_report(&e));
		if (invoice_html(af.fp, &iv->doc, i, &e) == -1) {
			oms_afile_abort(&af);
			exit(cli_report(&e));
		}
		if (oms_afile_commit(&af, &e) == -1)
			exit(cli_report(&e));
		if (cli.verbose)
			warnx("%s: written", path);
		free(path);
	}
	oms_buf_release(&name);
}

/*
 * The sums of the period's main registries, taken as the ledger is read
 * (one pass over it); a workspace that will be written is recovered.
 */
static void
read_period(struct invoicer *iv, const char *dir)
{
	struct oms_err e = { 0 };
	struct oms_invoice_scan *scan;
	int writes;

	writes = !iv->dry_run && (iv->withhold != NULL || iv->dir != NULL);
	if ((scan = oms_invoice_scan_new(iv->period, &e)) == NULL)
		exit(cli_report(&e));
	iv->ledger = cli_open_with(&iv->ws, dir, writes,
	    oms_invoice_scan_event, scan);
	if (oms_invoice_scan_end(scan, &iv->inv, &e) == -1)
		exit(cli_report(&e));
	if (writes)
		cli_recover(&iv->ws, iv->ledger);
	if (iv->inv.n == 0) {
		char ps[8];

		warnx("%s: no main registry of this period", oms_period_fmt(
		    iv->period, ps));
		cli.rval = OMS_EXIT_NEGATIVE;
	}
}

/* The sums as TSV, or the "Суммы для счетов" report with --format html. */
static void
print_sums(struct invoicer *iv)
{
	struct oms_err e = { 0 };

	oms_buf_init(&iv->out, 0);
	if (strcmp(iv->format, "html") == 0) {
		if (report_html(stdout, &iv->doc, &e) == -1)
			exit(cli_report(&e));
	} else
		emit_tsv(iv);
}

static void
teardown(struct invoicer *iv)
{
	oms_ref_free(iv->ins);
	free(iv->doc.payer);
	oms_buf_release(&iv->out);
	oms_invoice_release(&iv->inv);
	oms_ledger_free(iv->ledger);
	oms_ws_close(&iv->ws);
	xmlCleanupParser();
}

/* -h: the synopsis and the options, on stdout */
static void
help(void)
{
	printf("usage: oms-invoice [-nqv] [-C dir] -p period "
	    "[--withhold file] [--format tsv|html]\n"
	    "                   [--invoices dir] [--date "
	    "date]\n\n"
	    "Per payer of the period's main registries: "
	    "claimed, refused (ФЛК, control and\ndemand "
	    "answers, partial refusals too), withheld and "
	    "to_pay, to the kopeck.\n"
	    "  -C dir            workspace (default $OMS_DIR, "
	    "then .)\n"
	    "  -p period         YYYY-MM\n"
	    "  --withhold file   TSV payer kind amount: "
	    "withhold these (recorded in the ledger)\n"
	    "  --format html     print the \"Суммы для "
	    "счетов\" report instead of TSV\n"
	    "  --invoices dir    write an invoice per payer "
	    "(numbers recorded, reused)\n"
	    "  --date date       the date of new invoices and of "
	    "the insurers' requisites\n"
	    "                    in ref/F002.tsv (default today)\n"
	    "  -n                record nothing\n"
	    "See oms-invoice(1).\n");
	exit(OMS_EXIT_OK);
}

int
main(int argc, char *argv[])
{
	enum { OPT_WITHHOLD = 256, OPT_FORMAT, OPT_INVOICES, OPT_DATE };
	static const struct option longopts[] = {
		{ "directory", required_argument, NULL, 'C' },
		{ "dry-run",   no_argument,       NULL, 'n' },
		{ "help",      no_argument,       NULL, 'h' },
		{ "period",    required_argument, NULL, 'p' },
		{ "quiet",     no_argument,       NULL, 'q' },
		{ "verbose",   no_argument,       NULL, 'v' },
		{ "version",   no_argument,       NULL, 'V' },
		{ "withhold",  required_argument, NULL, OPT_WITHHOLD },
		{ "format",    required_argument, NULL, OPT_FORMAT },
		{ "invoices",  required_argument, NULL, OPT_INVOICES },
		{ "date",      required_argument, NULL, OPT_DATE },
		{ NULL,        0,                 NULL, 0 }
	};
	struct invoicer iv;
	const char *dir = NULL;
	char now[32];
	size_t i;
	int ch;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_DFL);
	memset(&iv, 0, sizeof(iv));
	iv.period = -1;
	iv.format = "tsv";

	while ((ch = getopt_long(argc, argv, "+C:hnp:qvV", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'h':
			help();
		case 'n':
			iv.dry_run = 1;
			break;
		case 'p':
			if (oms_period_parse(optarg, &iv.period) == -1)
				errx(OMS_EXIT_USAGE, "-p %s: not a period "
				    "YYYY-MM", optarg);
			break;
		case 'q':
			cli.quiet = 1;
			break;
		case 'v':
			cli.verbose = 1;
			break;
		case 'V':
			cli_version("oms-invoice");
		case OPT_WITHHOLD:
			iv.withhold = optarg;
			break;
		case OPT_FORMAT:
			iv.format = optarg;
			break;
		case OPT_INVOICES:
			iv.dir = optarg;
			break;
		case OPT_DATE:
			iv.date = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc != 0 || iv.period == -1)
		usage();
	if (strcmp(iv.format, "tsv") != 0 && strcmp(iv.format, "html") != 0)
		errx(OMS_EXIT_USAGE, "--format %s: tsv or html", iv.format);
	LIBXML_TEST_VERSION

	read_period(&iv, dir);
	if (iv.withhold != NULL)
		read_withholdings(&iv);
	else if (iv.inv.w_recorded && cli.verbose)
		warnx("the withholdings recorded for the period apply "
		    "(%zu line(s))", iv.inv.nw);
	for (i = 0; i < iv.inv.n; i++)
		if (iv.inv.p[i].to_pay < 0 && !cli.quiet)
			warnx("warning: payer %s: the refusals and "
			    "withholdings exceed the claim", iv.inv.p[i].payer);
	load_insurers(&iv);
	iv.doc.generated = oms_ledger_now(now, sizeof(now));
	if (iv.dir != NULL)
		write_invoices(&iv);
	else {
		long day;

		if (cli_today(iv.date, &day) == -1)
			errx(OMS_EXIT_USAGE, "--date %s: not a date "
			    "YYYY-MM-DD", iv.date);
		set_orgs(&iv, day);
	}
	print_sums(&iv);
	cli_close_stdout();

	teardown(&iv);
	return (cli.rval);
}

static void
usage(void)
{
	fprintf(stderr, "usage: oms-invoice [-nqv] [-C dir] -p period "
	    "[--withhold file] [--format tsv|html]\n"
	    "                   [--invoices dir] [--date date]\n");
	exit(OMS_EXIT_USAGE);
}
