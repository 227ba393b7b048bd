/*
 * oms-import -- read the replies of the fund and the insurers
 */
#include <err.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "cli.h"

struct import {
	struct oms_ws		 ws;
	struct oms_ledger	*ledger;
	int			 exitrefused;	/* -e */
	size_t			 nrefused;
	size_t			 nref;		/* of the file being imported */
	struct oms_buf		 out;
};

static const char *const cols[] = {
	"account", "registry", "reply", "stage", "decision", "claimed",
	"accepted", "refused", "reasons"
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static void	help(void) __attribute__((__noreturn__));
static void	usage(void) __attribute__((__noreturn__));

/*
 * One decision as a row, as oms_import_each hands it over: a reply of a
 * million records streams out, never held whole.
 */
static int
row(void *arg, const struct oms_import_res *res,
    const struct oms_decision *d, struct oms_err *e)
{
	struct import *im = arg;
	const char *f[NCOLS];
	char c[32], a[32], r[32];

	f[0] = d->account;
	f[1] = res->registry;
	f[2] = res->reply;
	f[3] = oms_stage_name(d->stage);
	f[4] = oms_state_name(d->decision);
	f[5] = oms_money_fmt(d->claimed, c);
	f[6] = oms_money_fmt(d->accepted, a);
	f[7] = oms_money_fmt(d->refused, r);
	f[8] = d->reasons;
	if (oms_tsv_row(&im->out, f, NCOLS, e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e->msg);
	if (d->decision != OMS_ST_ACCEPTED)
		im->nref++;
	if (im->out.len > (1 << 16))
		cli_out(&im->out);
	return (0);
}

static void
import_file(struct import *im, const char *path)
{
	struct oms_import_res res;
	struct oms_err e = { 0 };
	size_t i;

	im->nref = 0;
	if (oms_import_each(&im->ws, im->ledger, path, &res, row, im,
	    &e) == -1) {
		cli_report(&e);
		return;
	}
	if (res.already) {
		if (!cli.quiet)
			warnx("%s: already imported at %s; nothing changed",
			    path, res.when);
		oms_import_res_release(&res);
		return;
	}
	cli_out(&im->out);
	im->nrefused += im->nref;
	if (cli.verbose && res.unknown != NULL) {
		char *p, *nl;

		for (p = res.unknown; (nl = strchr(p, '\n')) != NULL;
		    p = nl + 1) {
			*nl = '\0';
			warnx("warning: %s", p);
		}
		if (res.nunknown > 20)
			warnx("warning: %s: %zu more elements not read", path,
			    res.nunknown - 20);
	}
	for (i = 0; i < res.ncontra && !cli.quiet; i++) {
		const struct oms_contra *x = oms_ledger_contra(im->ledger,
		    res.contra0 + i);
		char text[1024];

		oms_contra_text(im->ledger, x, text, sizeof(text));
		warnx("warning: %s: N_ZAP %s: %s", path, x->n_zap, text);
	}
	if (cli.verbose)
		warnx("%s: %s answer to %s: %zu record(s), %zu refused; kept "
		    "as %s", path, oms_stage_name(res.stage), res.registry,
		    res.n, im->nref, res.reply);
	oms_import_res_release(&res);
}

static void
teardown(struct import *im)
{
	oms_buf_release(&im->out);
	oms_ledger_free(im->ledger);
	oms_ws_close(&im->ws);
	xmlCleanupParser();
}

/* -h: the synopsis and the options, on stdout */
static void
help(void)
{
	printf("usage: oms-import [-eqv] [-C dir] file ...\n\n"
	    "Read replies of the fund and the insurers (ФЛК "
	    "protocols, control answers, answers\nto payment "
	    "demands; ZIP or XML), record their decisions in "
	    "the ledger and print\nthem as TSV.  A file "
	    "imported before changes nothing.  Any order gives "
	    "the same\nresult: the latest stage (flk < control < "
	    "demand) stands, within a stage the reply\ndated "
	    "later.  A reply whose sums do not add up (OPLATA, "
	    "SUMV, SUMP, SANK_IT,\nS_SUM, with each other and "
	    "with the claim) is refused, naming file, N_ZAP "
	    "and\naccount, as is a layout the reader does not "
	    "know where refusals can stand.\n"
	    "With profile yar76 a reply is named like the bill "
	    "it answers but for the last\ntwo characters "
	    "(...2A: insurer A's answer to the payment "
	    "demand).\n"
	    "  -C dir   workspace (default $OMS_DIR, then .)\n"
	    "  -e       exit 1 when any account was refused\n"
	    "  -v       say what each file was; name header "
	    "elements not read\n"
	    "See oms-import(1).\n");
	exit(OMS_EXIT_OK);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "directory",   required_argument, NULL, 'C' },
		{ "exit-status", no_argument,       NULL, 'e' },
		{ "help",        no_argument,       NULL, 'h' },
		{ "quiet",       no_argument,       NULL, 'q' },
		{ "verbose",     no_argument,       NULL, 'v' },
		{ "version",     no_argument,       NULL, 'V' },
		{ NULL,          0,                 NULL, 0 }
	};
	struct import im;
	struct oms_err e = { 0 };
	const char *dir = NULL;
	int ch;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_DFL);
	memset(&im, 0, sizeof(im));

	while ((ch = getopt_long(argc, argv, "+C:ehqvV", longopts, NULL)) != -1)
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'e':
			im.exitrefused = 1;
			break;
		case 'h':
			help();
		case 'q':
			cli.quiet = 1;
			break;
		case 'v':
			cli.verbose = 1;
			break;
		case 'V':
			cli_version("oms-import");
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	LIBXML_TEST_VERSION

	im.ledger = cli_open(&im.ws, dir, 1);
	cli_recover(&im.ws, im.ledger);
	oms_buf_init(&im.out, 0);
	if (oms_tsv_row(&im.out, cols, NCOLS, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	cli_out(&im.out);
	for (; *argv != NULL; argv++)
		import_file(&im, *argv);
	cli_close_stdout();

	teardown(&im);
	if (cli.rval == OMS_EXIT_OK && im.exitrefused && im.nrefused > 0)
		cli.rval = OMS_EXIT_NEGATIVE;
	return (cli.rval);
}

static void
usage(void)
{
	fprintf(stderr, "usage: oms-import [-eqv] [-C dir] file ...\n");
	exit(OMS_EXIT_USAGE);
}
