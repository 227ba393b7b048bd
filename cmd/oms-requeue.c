/*
 * oms-requeue -- queue refused accounts for the next registry as repeated
 * ones, record one-off fixes, restore test registries
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

/* What sending again does not cure (F014 from 2022): already paid,
   duplicated in the registry, insured by another insurer or region. */
#define FINAL_DEFAULT	"221 222 205 207"

struct requeue {
	struct oms_ws		 ws;
	struct oms_ledger	*ledger;
	struct oms_requeue_opts	 o;
	const char		**acc;		/* -a, then the files' */
	size_t			 nacc;
	char			**keep;		/* strings to free */
	size_t			 nkeep;
	const char		**path, **value;
	char			**final;
	struct oms_buf		 out;
};

static const char *const cols[] = {
	"account", "action", "registry", "reasons", "detail"
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static void	help(void) __attribute__((__noreturn__));
static void	usage(void) __attribute__((__noreturn__));

static char *
keep(struct requeue *rq, const char *s)
{
	rq->keep = xreallocarray(rq->keep, rq->nkeep + 1, sizeof(*rq->keep));
	return (rq->keep[rq->nkeep++] = xstrdup(s));
}

static void
add_account(struct requeue *rq, const char *a)
{
	rq->acc = xreallocarray(rq->acc, rq->nacc + 1, sizeof(*rq->acc));
	rq->acc[rq->nacc++] = keep(rq, a);
}

/* The account column of a TSV (oms-analyze -r, oms-select ...). */
static void
read_accounts(struct requeue *rq, FILE *fp, const char *name)
{
	struct oms_err e = { 0 };
	struct oms_tsv *tsv;
	struct oms_rec rec;
	int c, rc;

	if ((tsv = oms_tsv_open(fp, name, &e)) == NULL)
		exit(cli_report(&e));
	if ((c = oms_tsv_col(tsv, "account")) == -1) {
		oms_err_set(&e, OMS_EDATA, name, 1, "no column \"account\"");
		exit(cli_report(&e));
	}
	while ((rc = oms_tsv_next(tsv, &rec, &e)) == 1)
		if (rec.f[c][0] != '\0' && strcmp(rec.f[c], "account") != 0)
			add_account(rq, rec.f[c]);
	if (rc == -1)
		exit(cli_report(&e));
	oms_tsv_free(tsv);
}

static void
add_fix(struct requeue *rq, const char *arg, int withdraw)
{
	struct oms_err e = { 0 };
	const char *eq;
	char *p;

	rq->path = xreallocarray(rq->path, rq->o.nfix + 1, sizeof(*rq->path));
	rq->value = xreallocarray(rq->value, rq->o.nfix + 1,
	    sizeof(*rq->value));
	if (withdraw) {
		p = keep(rq, arg);
		rq->value[rq->o.nfix] = "";
	} else {
		if ((eq = strchr(arg, '=')) == NULL) {
			warnx("--set %s: not PATH=VALUE", arg);
			usage();
		}
		p = keep(rq, arg);
		p[eq - arg] = '\0';
		rq->value[rq->o.nfix] = p + (eq - arg) + 1;
	}
	if (!oms_fix_path_valid(p))
		errx(OMS_EXIT_USAGE, "%s: not a path of elements in a case, "
		    "such as PACIENT/ENP or Z_SL/SL/DS1 (PERS/FAM for the "
		    "persons file)", p);
	/* what the ledger cannot keep whole, or the export cannot make */
	if (!withdraw && oms_fix_check(p, rq->value[rq->o.nfix], &e) == -1)
		errx(OMS_EXIT_USAGE, "--set: %s", e.msg);
	rq->path[rq->o.nfix++] = p;
}

static void
final_list(struct requeue *rq)
{
	const char *v = oms_conf_get(&rq->ws.conf, "requeue.final");
	char *copy, *p, *tok;
	size_t n = 0;

	copy = keep(rq, v != NULL ? v : FINAL_DEFAULT);
	rq->final = xreallocarray(NULL, 1, sizeof(*rq->final));
	for (p = copy; (tok = strsep(&p, ", ")) != NULL; ) {
		if (*tok == '\0')
			continue;
		rq->final = xreallocarray(rq->final, n + 2,
		    sizeof(*rq->final));
		rq->final[n++] = tok;
	}
	rq->final[n] = NULL;
	rq->o.final = rq->final;
}

static void
print_res(struct requeue *rq, const struct oms_rq_res *res)
{
	struct oms_err e = { 0 };
	const char *f[NCOLS];
	size_t i;

	for (i = 0; i < res->n; i++) {
		const struct oms_rq_item *it = &res->v[i];

		if (it->action == OMS_RQ_REFUSED) {
			warnx("%s: %s", it->account, it->detail);
			if (cli.rval == OMS_EXIT_OK)
				cli.rval = OMS_EXIT_NEGATIVE;
		}
		f[0] = it->account;
		f[1] = oms_rq_action_name(it->action);
		f[2] = it->registry;
		f[3] = it->reasons;
		f[4] = it->detail;
		if (oms_tsv_row(&rq->out, f, NCOLS, &e) == -1)
			errx(OMS_EXIT_INTERNAL, "%s", e.msg);
		if (rq->out.len > 65536)
			cli_out(&rq->out);
	}
	cli_out(&rq->out);
}

/*
 * The fixes in force.  One the export will not make, recorded by an
 * earlier version, is listed too, and named on standard error.
 */
static void
list_fixes(struct requeue *rq)
{
	static const char *const fcols[] = { "account", "path", "value",
	    "time" };
	struct oms_err e = { 0 };
	const struct oms_fix *x;
	const struct oms_acct *a;
	const char *f[4];
	size_t i, n = oms_ledger_nfix(rq->ledger);

	if (oms_tsv_row(&rq->out, fcols, 4, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	for (i = 0; i < n; i++) {
		x = oms_ledger_fix(rq->ledger, i);
		f[0] = x->account;
		f[1] = x->path;
		f[2] = x->value;
		f[3] = x->time;
		if (oms_tsv_row(&rq->out, f, 4, &e) == -1)
			errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	}
	cli_out(&rq->out);
	for (i = 0; i < n; i++) {
		x = oms_ledger_fix(rq->ledger, i);
		a = oms_ledger_acct(rq->ledger, x->account);
		if (a != NULL && a->nfixes > 0 &&
		    oms_fix_check(x->path, x->value, &e) == 0)
			continue;
		if (a == NULL)
			warnx("%s: the fix of %s is not made: the account was "
			    "never sent; withdraw it (oms-requeue --withdraw "
			    "%s) and correct the case in source/", x->account,
			    x->path, x->path);
		else if (a->nfixes == 0)
			warnx("%s: the fix of %s is not made: it was recorded "
			    "before the account was first sent (see BUGS in "
			    "oms-requeue(1))", x->account, x->path);
		else
			warnx("%s: the fix of %s is not made as recorded: %s",
			    x->account, x->path, e.msg);
		memset(&e, 0, sizeof(e));
		cli.rval = OMS_EXIT_NEGATIVE;
	}
}

/* -h: the synopsis and the options, on stdout */
static void
help(void)
{
	printf("usage: oms-requeue [-fnqv] [-C dir] [--set "
	    "PATH=VALUE ...] [-a account ...] [file ...]\n"
	    "       oms-requeue [-nqv] [-C dir] --withdraw PATH "
	    "[-a account ...] [file ...]\n"
	    "       oms-requeue [-nqv] [-C dir] --restore-test "
	    "PERIOD\n"
	    "       oms-requeue [-C dir] --fixes\n\n"
	    "Queue refused accounts (TSV with an account "
	    "column, e.g. from oms-analyze -r; stdin\nwhen no "
	    "file and no -a) for the next registry as repeated "
	    "ones (PR_NOV 1).\n"
	    "  -a account          this account (repeatable)\n"
	    "  -f, --force         also partly paid ones and "
	    "reasons in requeue.final\n"
	    "  -n, --dry-run       say what would change; "
	    "change nothing\n"
	    "  --set PATH=VALUE    record a fix the next export "
	    "applies (PACIENT/ENP=...): a path of\n"
	    "                      at most 255 bytes, a value "
	    "of at most 4095; not to an account\n"
	    "                      never sent (correct it in "
	    "source/)\n"
	    "  --withdraw PATH     withdraw that fix\n"
	    "  --fixes             list the fixes in force "
	    "(exit 1 if one is not made)\n"
	    "  --restore-test P    restore the test registries "
	    "of period P\n"
	    "See oms-requeue(1).\n");
	exit(OMS_EXIT_OK);
}

/* --restore-test: the test registries of period, restored */
static void
restore_tests(struct requeue *rq, int period, struct oms_rq_res *res)
{
	struct oms_err e = { 0 };

	if (oms_tsv_row(&rq->out, cols, NCOLS, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	if (oms_restore_test(rq->ledger, period, rq->o.dry_run, res,
	    &e) == -1)
		exit(cli_report(&e));
}

/*
 * The accounts of -a and of the files (stdin when stdin_too: no file
 * and no -a) queued, or their fixes recorded or withdrawn.
 */
static void
requeue_accounts(struct requeue *rq, char **argv, int stdin_too,
    struct oms_rq_res *res)
{
	struct oms_err e = { 0 };
	FILE *fp;

	if (oms_tsv_row(&rq->out, cols, NCOLS, &e) == -1)
		errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	final_list(rq);
	if (stdin_too && rq->nacc == 0)
		read_accounts(rq, stdin, "(stdin)");
	for (; *argv != NULL; argv++) {
		if (strcmp(*argv, "-") == 0) {
			read_accounts(rq, stdin, "(stdin)");
			continue;
		}
		if ((fp = fopen(*argv, "r")) == NULL)
			err(OMS_EXIT_IO, "%s", *argv);
		read_accounts(rq, fp, *argv);
		fclose(fp);
	}
	if (oms_requeue(rq->ledger, rq->acc, rq->nacc, &rq->o, res,
	    &e) == -1)
		exit(cli_report(&e));
}

/* -v or -n: how many of each action */
static void
summary(const struct requeue *rq, const struct oms_rq_res *res)
{
	size_t n[OMS_RQ_REFUSED + 1] = { 0 };
	size_t i;

	if (!cli.verbose && !rq->o.dry_run)
		return;
	for (i = 0; i < res->n; i++)
		n[res->v[i].action]++;
	warnx("%s%zu queued, %zu fixed, %zu withdrawn, %zu restored, "
	    "%zu refused", rq->o.dry_run ? "dry run, nothing recorded: "
	    : "", n[OMS_RQ_QUEUED], n[OMS_RQ_FIXED],
	    n[OMS_RQ_WITHDRAWN], n[OMS_RQ_RESTORED],
	    n[OMS_RQ_REFUSED]);
}

static void
teardown(struct requeue *rq)
{
	size_t i;

	for (i = 0; i < rq->nkeep; i++)
		free(rq->keep[i]);
	free(rq->keep);
	free(rq->acc);
	free(rq->path);
	free(rq->value);
	free(rq->final);
	oms_buf_release(&rq->out);
	oms_ledger_free(rq->ledger);
	oms_ws_close(&rq->ws);
	xmlCleanupParser();
}

int
main(int argc, char *argv[])
{
	enum { OPT_SET = 256, OPT_WITHDRAW, OPT_RESTORE, OPT_FIXES };
	static const struct option longopts[] = {
		{ "account",      required_argument, NULL, 'a' },
		{ "directory",    required_argument, NULL, 'C' },
		{ "dry-run",      no_argument,       NULL, 'n' },
		{ "force",        no_argument,       NULL, 'f' },
		{ "help",         no_argument,       NULL, 'h' },
		{ "quiet",        no_argument,       NULL, 'q' },
		{ "verbose",      no_argument,       NULL, 'v' },
		{ "version",      no_argument,       NULL, 'V' },
		{ "set",          required_argument, NULL, OPT_SET },
		{ "withdraw",     required_argument, NULL, OPT_WITHDRAW },
		{ "restore-test", required_argument, NULL, OPT_RESTORE },
		{ "fixes",        no_argument,       NULL, OPT_FIXES },
		{ NULL,           0,                 NULL, 0 }
	};
	struct requeue rq;
	struct oms_rq_res res;
	const char *dir = NULL, *restore = NULL;
	int ch, fixes = 0, nset = 0, nwithdraw = 0, period, r;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_DFL);
	memset(&rq, 0, sizeof(rq));

	while ((ch = getopt_long(argc, argv, "+a:C:fhnqvV", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'a':
			if (!cli_account_ok("-a", optarg))
				usage();
			add_account(&rq, optarg);
			break;
		case 'C':
			dir = optarg;
			break;
		case 'f':
			rq.o.force = 1;
			break;
		case 'h':
			help();
		case 'n':
			rq.o.dry_run = 1;
			break;
		case 'q':
			cli.quiet = 1;
			break;
		case 'v':
			cli.verbose = 1;
			break;
		case 'V':
			cli_version("oms-requeue");
		case OPT_SET:
			add_fix(&rq, optarg, 0);
			nset++;
			break;
		case OPT_WITHDRAW:
			add_fix(&rq, optarg, 1);
			nwithdraw++;
			break;
		case OPT_RESTORE:
			restore = optarg;
			break;
		case OPT_FIXES:
			fixes = 1;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (nset > 0 && nwithdraw > 0)
		errx(OMS_EXIT_USAGE, "--set and --withdraw do not go together");
	if ((restore != NULL || fixes) && (rq.nacc > 0 || argc > 0 ||
	    nset > 0 || nwithdraw > 0))
		errx(OMS_EXIT_USAGE, "--restore-test and --fixes take no "
		    "accounts");
	if (restore != NULL && fixes)
		usage();
	if (restore != NULL && oms_period_parse(restore, &period) == -1)
		errx(OMS_EXIT_USAGE, "--restore-test %s: not a period YYYY-MM",
		    restore);
	rq.o.mode = nwithdraw > 0 ? OMS_RQ_MODE_WITHDRAW : OMS_RQ_MODE_QUEUE;
	rq.o.path = rq.path;
	rq.o.value = rq.value;
	LIBXML_TEST_VERSION

	rq.ledger = cli_open(&rq.ws, dir, !fixes);
	if (nset > 0 && !oms_profile_fixes(&rq.ws.conf))
		errx(OMS_EXIT_USAGE, "--set: profile %s makes no fixes "
		    "(oms-export refuses an account that has one); correct "
		    "the case in the MIS", rq.ws.conf.profile);
	if (!fixes && !rq.o.dry_run)
		cli_recover(&rq.ws, rq.ledger);
	oms_buf_init(&rq.out, 0);
	if (fixes)
		list_fixes(&rq);
	else {
		if (restore != NULL)
			restore_tests(&rq, period, &res);
		else
			requeue_accounts(&rq, argv, argc == 0, &res);
		print_res(&rq, &res);
		/*
		 * The counts follow --set only: so the tool has always done
		 * (it reads like a stray line), and this change keeps what
		 * it prints.
		 */
		if (nset > 0)
			summary(&rq, &res);
		oms_rq_res_release(&res);
	}
	cli_close_stdout();
	r = cli.rval;
	teardown(&rq);
	return (r);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: oms-requeue [-fnqv] [-C dir] [--set PATH=VALUE ...] "
	    "[-a account ...] [file ...]\n"
	    "       oms-requeue [-nqv] [-C dir] --withdraw PATH "
	    "[-a account ...] [file ...]\n"
	    "       oms-requeue [-nqv] [-C dir] --restore-test PERIOD\n"
	    "       oms-requeue [-C dir] --fixes\n");
	exit(OMS_EXIT_USAGE);
}
