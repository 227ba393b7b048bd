/*
 * oms-export -- build, check and write the registries of selected accounts
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

struct export {
	struct oms_ws		 ws;
	struct oms_ledger	*ledger;
	struct oms_src		*src;
	struct oms_export_opts	 o;
	char			**acc;		/* into ids, once read */
	size_t			 nacc;
	char			*ids;		/* the input's accounts, each
					   NUL-terminated, at off[] */
	size_t			 idslen, idscap;
	size_t			*off;
	size_t			 offcap;
	int			 period;	/* from the input, or -1 */
	int			 period_opt;	/* -p given */
	struct oms_buf		 out;
};

static const char *const cols[] = {
	"registry", "archive", "accounts", "sum", "test", "period", "kind",
	"payer", "version"
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static void	help(void) __attribute__((__noreturn__));
static void	usage(void) __attribute__((__noreturn__));

/* One account of the input, into x->ids. */
static void
add_id(struct export *x, const char *id, size_t len)
{
	size_t cap;

	if (x->nacc == x->offcap) {
		x->offcap = x->offcap ? x->offcap * 2 : 1024;
		x->off = xreallocarray(x->off, x->offcap, sizeof(*x->off));
	}
	if (x->idscap - x->idslen <= len) {
		for (cap = x->idscap ? x->idscap : 65536; cap - x->idslen <= len;)
			cap *= 2;
		x->ids = xreallocarray(x->ids, cap, 1);
		x->idscap = cap;
	}
	memcpy(x->ids + x->idslen, id, len + 1);
	x->off[x->nacc++] = x->idslen;
	x->idslen += len + 1;
}

/* Once all is read: the accounts as strings, x->acc. */
static void
list_ids(struct export *x)
{
	size_t i;

	x->acc = xreallocarray(NULL, x->nacc, sizeof(*x->acc));
	for (i = 0; i < x->nacc; i++)
		x->acc[i] = x->ids + x->off[i];
	free(x->off);
	x->off = NULL;
}

/* Read the account column (and period, if any) of one TSV input. */
static int
read_input(struct export *x, const char *file)
{
	struct oms_tsv *t;
	struct oms_rec rec;
	struct oms_err e = { 0 };
	FILE *fp;
	const char *name = strcmp(file, "-") == 0 ? "stdin" : file;
	int cacc, cper, r, p;

	if (strcmp(file, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(file, "r")) == NULL) {
		warn("%s", file);
		return (OMS_EXIT_IO);
	}
	if ((t = oms_tsv_open(fp, name, &e)) == NULL) {
		r = cli_report(&e);
		goto out;
	}
	if ((cacc = oms_tsv_col(t, "account")) == -1) {
		warnx("%s:1: no \"account\" column (the input is oms-select's "
		    "output or any TSV with one)", name);
		r = OMS_EXIT_NEGATIVE;
		goto out;
	}
	cper = oms_tsv_col(t, "period");
	while ((r = oms_tsv_next(t, &rec, &e)) == 1) {
		if (rec.f[cacc][0] == '\0') {
			warnx("%s:%lu: empty account", name, rec.lineno);
			r = OMS_EXIT_NEGATIVE;
			goto out;
		}
		if (cper != -1 && !x->period_opt) {
			if (oms_period_parse(rec.f[cper], &p) == -1) {
				warnx("%s:%lu: period \"%s\" is not YYYY-MM",
				    name, rec.lineno, rec.f[cper]);
				r = OMS_EXIT_NEGATIVE;
				goto out;
			}
			if (x->period == -1)
				x->period = p;
			else if (x->period != p) {
				warnx("%s:%lu: period %s differs from the "
				    "earlier rows; export one period at a "
				    "time or give -p", name, rec.lineno,
				    rec.f[cper]);
				r = OMS_EXIT_NEGATIVE;
				goto out;
			}
		}
		add_id(x, rec.f[cacc], strlen(rec.f[cacc]));
	}
	r = r == -1 ? cli_report(&e) : OMS_EXIT_OK;
out:
	oms_tsv_free(t);
	if (fp != stdin)
		fclose(fp);
	return (r);
}

static void
print_result(struct export *x, const struct oms_export_res *res)
{
	struct oms_err e = { 0 };
	const char *f[NCOLS];
	char n[24], sum[32], ps[8];
	size_t i;

	if (oms_tsv_row(&x->out, cols, NCOLS, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	for (i = 0; i < res->nreg; i++) {
		const struct oms_export_reg *r = &res->reg[i];

		snprintf(n, sizeof(n), "%zu", r->naccounts);
		f[0] = r->name;
		f[1] = x->o.check_only ? "" : r->archive;
		f[2] = n;
		f[3] = oms_money_fmt(r->sum, sum);
		f[4] = x->o.test ? "1" : "0";
		f[5] = oms_period_fmt(x->o.period, ps);
		f[6] = r->kind;
		f[7] = r->payer;
		f[8] = r->version;
		if (oms_tsv_row(&x->out, f, NCOLS, &e) == -1)
			errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	}
	cli_out(&x->out);
}

/* -h: the synopsis and the options, on stdout */
static void
help(void)
{
	printf("usage: oms-export [-nqtv] [-C dir] [-p period] "
	    "[--date date] [--skip-invalid] [file ...]\n\n"
	    "Build the registries of the accounts listed in "
	    "the TSV input (an \"account\" column),\n"
	    "check them, write the archives to outbox/ and "
	    "record them in the ledger.\n"
	    "With profile yar76: one bill.xml in "
	    "{OGRN}{KPP}{YYMM}13x.7z (the name's parts: "
	    "oms.conf(5)),\n"
	    "one patient per account, checked against "
	    "xsd/yar76-VERSION.xsd; oms.conf must set\n"
	    "yar76.telcreator, yar76.date_2, yar76.n_out and "
	    "yar76.date_in.\n"
	    "  -C dir          workspace (default $OMS_DIR, "
	    "then .)\n"
	    "  -p period       reporting period YYYY-MM "
	    "(default: the input's period column)\n"
	    "  -t, --test      a test registry\n"
	    "  -n, --dry-run   check only; write nothing\n"
	    "  --skip-invalid  leave bad accounts out "
	    "instead of refusing the export\n"
	    "  --date date     registry date (default: "
	    "$SOURCE_DATE_EPOCH, else today)\n"
	    "See oms-export(1).\n");
	exit(OMS_EXIT_OK);
}

/*
 * No accounts: still finish (or, with -n, report) an interrupted export,
 * print the header alone and exit.
 */
static void
nothing_to_export(struct export *x, const char *dir)
{
	struct oms_export_res res;
	struct oms_err e = { 0 };
	struct oms_diag diag;

	if (cli.verbose)
		warnx("no accounts in the input; nothing to export");
	x->ledger = cli_open(&x->ws, dir, 1);
	cli_diag_init(&diag);
	if ((x->o.check_only ? oms_ws_pending : oms_ws_recover)(&x->ws,
	    x->ledger, &diag, &e) == -1)
		exit(cli_report(&e));
	oms_ledger_free(x->ledger);
	oms_ws_close(&x->ws);
	memset(&res, 0, sizeof(res));
	print_result(x, &res);
	cli_close_stdout();
	exit(OMS_EXIT_OK);
}

/*
 * The ledger, an interrupted export finished (or reported, with -n), and
 * the scan of source/; a broken source file stops here.
 */
static void
open_workspace(struct export *x, const char *dir, struct oms_diag *diag)
{
	struct oms_err e = { 0 };

	x->ledger = cli_open(&x->ws, dir, 1);
	cli_diag_init(diag);
	if (oms_ledger_torn(x->ledger) > 0 && !cli.quiet)
		warnx("ledger.tsv: warning: %zu bytes after the last commit "
		    "(an interrupted run) are ignored%s",
		    oms_ledger_torn(x->ledger), x->o.check_only ? "" :
		    " and will be cut off");
	if ((x->o.check_only ? oms_ws_pending : oms_ws_recover)(&x->ws,
	    x->ledger, diag, &e) == -1) {
		cli_report(&e);
		exit(cli.rval);
	}
	if ((x->src = cli_src_scan_some(&x->ws, !x->o.check_only,
	    (const char *const *)x->acc, x->nacc, diag, &e)) == NULL) {
		cli_report(&e);
		exit(cli.rval);
	}
	if (diag->nerrors > 0) {
		/* an older version could stand in for a broken newer one */
		warnx("source/ has %zu broken file(s) or record(s) (above); "
		    "fix or remove them, then run again", diag->nerrors);
		exit(OMS_EXIT_NEGATIVE);
	}
}

/*
 * Once a run: the rules whose reference tables are missing are not in
 * force (oms-rules(5)); oms-nsi(1) makes the tables.
 */
static void
missing_tables(const struct oms_export_res *res)
{
	char line[1024];
	size_t i, len = 0;

	line[0] = '\0';
	for (i = 0; i < res->nmissing && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
		    i > 0 ? " " : "", res->missing[i]);
	warnx("warning: %zu rule(s) not in force: no reference table %s in "
	    "ref/ (oms-nsi(1) makes them from the fund's NSI packets)",
	    res->ndead, line);
}

/* Build, check and write the registries; print what was built. */
static void
export_accounts(struct export *x, struct oms_diag *diag,
    struct oms_export_res *res)
{
	struct oms_err e = { 0 };
	size_t i;
	int r;

	r = oms_export(&x->ws, x->ledger, x->src, (const char *const *)x->acc,
	    x->nacc, &x->o, diag, res, &e);
	if (res->nmissing > 0 && !cli.quiet)
		missing_tables(res);
	if (r == -1) {
		cli_report(&e);
		return;
	}
	if (r == 1 && !x->o.skip_invalid)
		warnx("%zu problem(s) found; nothing was written "
		    "(fix the source, or use --skip-invalid to "
		    "leave those accounts out)", diag->nerrors);
	else if (r == 1)
		warnx("%zu account(s) left out", res->nbad);
	if (r == 1)
		cli.rval = OMS_EXIT_NEGATIVE;
	if (r == 0 || x->o.skip_invalid)
		print_result(x, res);
	for (i = 0; i < res->nbad && res->bad != NULL; i++)
		if (res->bad[i] != NULL && cli.verbose)
			warnx("left out: %s", res->bad[i]);
}

static void
teardown(struct export *x, struct oms_export_res *res)
{
	oms_export_res_release(res);
	oms_src_free(x->src);
	oms_ledger_free(x->ledger);
	oms_ws_close(&x->ws);
	free(x->acc);
	free(x->ids);
	oms_buf_release(&x->out);
	xmlCleanupParser();
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "date",         required_argument, NULL, 'D' },
		{ "directory",    required_argument, NULL, 'C' },
		{ "dry-run",      no_argument,       NULL, 'n' },
		{ "help",         no_argument,       NULL, 'h' },
		{ "period",       required_argument, NULL, 'p' },
		{ "quiet",        no_argument,       NULL, 'q' },
		{ "skip-invalid", no_argument,       NULL, 'S' },
		{ "test",         no_argument,       NULL, 't' },
		{ "verbose",      no_argument,       NULL, 'v' },
		{ "version",      no_argument,       NULL, 'V' },
		{ NULL,           0,                 NULL, 0 }
	};
	struct export x;
	struct oms_export_res res;
	struct oms_diag diag;
	const char *dir = NULL, *date = NULL;
	int ch, r;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_DFL);
	memset(&x, 0, sizeof(x));
	x.period = -1;
	x.o.last_use = 1;	/* nothing reads the ledger after the export */

	while ((ch = getopt_long(argc, argv, "+C:hnp:qtvV", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'D':
			date = optarg;
			break;
		case 'h':
			help();
		case 'n':
			x.o.check_only = 1;
			break;
		case 'p':
			if (oms_period_parse(optarg, &x.period) == -1) {
				warnx("-p: \"%s\" is not a period (YYYY-MM)",
				    optarg);
				usage();
			}
			x.period_opt = 1;
			break;
		case 'q':
			cli.quiet = 1;
			break;
		case 'S':
			x.o.skip_invalid = 1;
			break;
		case 't':
			x.o.test = 1;
			break;
		case 'v':
			cli.verbose = 1;
			break;
		case 'V':
			cli_version("oms-export");
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (cli_today(date, &x.o.date) == -1) {
		warnx("--date: \"%s\" is not a date (YYYY-MM-DD)", date ? date :
		    getenv("SOURCE_DATE_EPOCH"));
		usage();
	}
	LIBXML_TEST_VERSION

	/* read all input first: oms-select may still be writing it */
	if (argc == 0)
		r = read_input(&x, "-");
	else
		for (r = OMS_EXIT_OK; *argv != NULL && r == OMS_EXIT_OK; argv++)
			r = read_input(&x, *argv);
	if (r != OMS_EXIT_OK)
		exit(r);
	list_ids(&x);
	oms_buf_init(&x.out, 0);
	if (x.nacc == 0)
		nothing_to_export(&x, dir);
	if (x.period == -1) {
		warnx("no reporting period: give -p or a \"period\" column");
		usage();
	}
	x.o.period = x.period;
	x.o.xsddir = cli_xsddir();
	x.o.refdir = cli_refdir();

	open_workspace(&x, dir, &diag);
	export_accounts(&x, &diag, &res);
	cli_close_stdout();

	teardown(&x, &res);
	return (cli.rval);
}

static void
usage(void)
{
	fprintf(stderr, "usage: oms-export [-nqtv] [-C dir] [-p period] "
	    "[--date date] [--skip-invalid] [file ...]\n");
	exit(OMS_EXIT_USAGE);
}
