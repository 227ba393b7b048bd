/*
 * analyze-rows.c -- the rows and summary lines of oms-analyze: strings
 * kept for the run, the texts of refusal codes, and the decisions TSV
 * files read as rows (oms-analyze reads the ledger itself)
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cli.h"

int
is_refused(const struct arow *r)
{
	return (r->state == OMS_ST_REJECTED || r->state == OMS_ST_PARTIAL);
}

/* ------------------------------------------------------------ strings */

const char *
keep(struct analyze *an, const char *s)
{
	struct strpool *k = an->strs;

	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 1024;
		k->s = xreallocarray(k->s, k->cap, sizeof(*k->s));
	}
	return (k->s[k->n++] = xstrdup(s));
}

struct arow *
new_row(struct analyze *an)
{
	struct arow *r;

	if (an->nrow == an->rowcap) {
		an->rowcap = an->rowcap ? an->rowcap * 2 : 1024;
		an->row = xreallocarray(an->row, an->rowcap, sizeof(*an->row));
	}
	r = &an->row[an->nrow++];
	memset(r, 0, sizeof(*r));
	r->registry = r->reply = r->stage = r->reasons = "";
	r->kind = r->payer = r->dept = r->doctor = r->source = "";
	r->decision = "";
	return (r);
}

/* A new line of the summary, zeroed but for by, key and name (copied). */
struct agroup *
new_group(struct analyze *an, const char *by, const char *key,
    const char *name)
{
	struct agroup *g;

	if (an->ng == an->gcap) {
		an->gcap = an->gcap ? an->gcap * 2 : 64;
		an->g = xreallocarray(an->g, an->gcap, sizeof(*an->g));
	}
	g = &an->g[an->ng++];
	memset(g, 0, sizeof(*g));
	g->by = by;
	g->key = xstrdup(key);
	g->name = xstrdup(name);
	return (g);
}

/* ------------------------------------------------------------ reasons */

static void
warn_unknown(struct analyze *an, const char *code)
{
	size_t i;

	if (an->notables)
		return;
	for (i = 0; i < an->nwarned; i++)
		if (strcmp(an->warned[i], code) == 0)
			return;
	an->warned = xreallocarray(an->warned, an->nwarned + 1,
	    sizeof(*an->warned));
	an->warned[an->nwarned++] = xstrdup(code);
	if (!cli.quiet)
		warnx("warning: refusal code \"%s\" is in no reference table "
		    "(ref/F014.tsv, ref/Q015.tsv, ref/rules.tsv); oms-nsi(1) "
		    "refreshes them", code);
}

/* The day a code is looked up on: the case's end, else the period. */
static long
row_day(const struct arow *r)
{
	long d;
	int p;

	if (r->case_end[0] != '\0' && oms_date_parse(r->case_end, &d) == 0)
		return (d);
	if (r->period[0] != '\0' && oms_period_parse(r->period, &p) == 0)
		return (oms_period_first(p));
	return (-1);
}

const char *
code_text(struct analyze *an, const struct arow *r, const char *code,
    const char **osn)
{
	const char *t = NULL;

	*osn = "";
	if (an->reasons != NULL)
		t = oms_reasons_text(an->reasons, oms_stage_parse(r->stage),
		    code, row_day(r), osn);
	if (t == NULL) {
		warn_unknown(an, code);
		t = "нет в справочниках";
	}
	return (t);
}

/* "202 (1.3.4) Некорректное ...; 205 (1.4.1) ..." */
void
row_text(struct analyze *an, struct arow *r)
{
	struct oms_buf b;
	struct oms_err e = { 0 };
	const char *p, *t, *osn;
	char *code;
	size_t n;

	oms_buf_init(&b, 0);
	code = xmalloc(strlen(r->reasons) + 1);	/* any code whole */
	for (p = r->reasons; *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (n == 0)
			continue;
		memcpy(code, p, n);
		code[n] = '\0';
		t = code_text(an, r, code, &osn);
		if ((b.len > 0 && oms_buf_adds(&b, "; ", &e) == -1) ||
		    oms_buf_printf(&b, &e, *osn != '\0' ? "%s (%s) %s" :
		    "%s%s %s", code, osn, t) == -1)
			errx(OMS_EXIT_INTERNAL, "%s", e.msg);
	}
	free(code);
	r->text = b.s != NULL ? b.s : xstrdup("");
}

/* ------------------------------------------------- decisions files */

/* The columns of a decisions TSV, -1 when absent. */
enum { D_ACCOUNT, D_STAGE, D_DECISION, D_REASONS, D_REGISTRY, D_REPLY,
	D_CLAIMED, D_ACCEPTED, D_REFUSED, D_PERIOD, D_KIND, D_PAYER, D_DEPT,
	D_DOCTOR, D_CASE_END, D_SOURCE, D_NCOL };
static const char *const dcols[D_NCOL] = {
	"account", "stage", "decision", "reasons", "registry", "reply",
	"claimed", "accepted", "refused", "period", "kind", "payer", "dept",
	"doctor", "case_end", "source"
};
#define D_REQUIRED	4	/* the first four */

static const char *
field(struct analyze *an, const struct oms_rec *rec, const int *col, int c)
{
	return (col[c] == -1 ? "" : keep(an, rec->f[col[c]]));
}

static int
money_field(const struct oms_rec *rec, const int *col, int c, int64_t *v,
    const char *name, struct oms_err *e)
{
	*v = 0;
	if (col[c] == -1 || rec->f[col[c]][0] == '\0')
		return (0);
	if (oms_money_parse(rec->f[col[c]], v) == -1)
		return (oms_err_set(e, OMS_EDATA, name, rec->lineno,
		    "%s \"%s\" is not a sum", dcols[c], rec->f[col[c]]));
	return (0);
}

/* One decisions TSV; returns -1 after reporting. */
static int
read_decisions(struct analyze *an, FILE *fp, const char *name)
{
	struct oms_err e = { 0 };
	struct oms_tsv *tsv;
	struct oms_rec rec;
	struct arow *r;
	int col[D_NCOL], c, rc, p, st;

	if ((tsv = oms_tsv_open(fp, name, &e)) == NULL)
		return (cli_report(&e), -1);
	for (c = 0; c < D_NCOL; c++) {
		col[c] = oms_tsv_col(tsv, dcols[c]);
		if (col[c] == -1 && c < D_REQUIRED) {
			oms_err_set(&e, OMS_EDATA, name, 1, "no column \"%s\" "
			    "(a decisions TSV as oms-import prints it has "
			    "account, stage, decision and reasons)", dcols[c]);
			oms_tsv_free(tsv);
			return (cli_report(&e), -1);
		}
	}
	if (an->period != -1 && col[D_PERIOD] == -1) {
		oms_err_set(&e, OMS_EDATA, name, 1, "-p needs a \"period\" "
		    "column");
		oms_tsv_free(tsv);
		return (cli_report(&e), -1);
	}
	while ((rc = oms_tsv_next(tsv, &rec, &e)) == 1) {
		const char *acc = rec.f[col[D_ACCOUNT]];

		/* empty, or the header again (outputs of several runs) */
		if (*acc == '\0' || (strcmp(acc, "account") == 0 &&
		    strcmp(rec.f[col[D_DECISION]], "decision") == 0))
			continue;
		st = oms_state_parse(rec.f[col[D_DECISION]]);
		if (st != OMS_ST_ACCEPTED && st != OMS_ST_PARTIAL &&
		    st != OMS_ST_REJECTED) {
			rc = oms_err_set(&e, OMS_EDATA, name, rec.lineno,
			    "decision \"%s\" is not accepted, partial or "
			    "rejected", rec.f[col[D_DECISION]]);
			break;
		}
		if (oms_stage_parse(rec.f[col[D_STAGE]]) == -1) {
			rc = oms_err_set(&e, OMS_EDATA, name, rec.lineno,
			    "stage \"%s\" is not flk, control or demand",
			    rec.f[col[D_STAGE]]);
			break;
		}
		p = -1;
		if (col[D_PERIOD] != -1 && rec.f[col[D_PERIOD]][0] != '\0' &&
		    oms_period_parse(rec.f[col[D_PERIOD]], &p) == -1) {
			rc = oms_err_set(&e, OMS_EDATA, name, rec.lineno,
			    "period \"%s\" is not YYYY-MM",
			    rec.f[col[D_PERIOD]]);
			break;
		}
		if (an->period != -1 && p != an->period)
			continue;
		r = new_row(an);
		r->account = keep(an, acc);
		r->state = st;
		r->decision = oms_state_name(st);
		r->stage = oms_stage_name(oms_stage_parse(rec.f[col[D_STAGE]]));
		r->reasons = field(an, &rec, col, D_REASONS);
		r->registry = field(an, &rec, col, D_REGISTRY);
		r->reply = field(an, &rec, col, D_REPLY);
		r->kind = field(an, &rec, col, D_KIND);
		r->payer = field(an, &rec, col, D_PAYER);
		r->dept = field(an, &rec, col, D_DEPT);
		r->doctor = field(an, &rec, col, D_DOCTOR);
		r->source = field(an, &rec, col, D_SOURCE);
		if (p != -1)
			oms_period_fmt(p, r->period);
		r->case_end[0] = '\0';
		if (col[D_CASE_END] != -1 && rec.f[col[D_CASE_END]][0] != '\0')
			snprintf(r->case_end, sizeof(r->case_end), "%s",
			    rec.f[col[D_CASE_END]]);
		if (money_field(&rec, col, D_CLAIMED, &r->claimed, name,
		    &e) == -1 || money_field(&rec, col, D_ACCEPTED,
		    &r->accepted, name, &e) == -1 || money_field(&rec, col,
		    D_REFUSED, &r->refused, name, &e) == -1) {
			rc = -1;
			break;
		}
	}
	oms_tsv_free(tsv);
	if (rc == -1)
		return (cli_report(&e), -1);
	return (0);
}

static int
cmp_account(const void *a, const void *b)
{
	const struct arow *x = a, *y = b;
	int c;

	if ((c = strcmp(x->account, y->account)) != 0)
		return (c);
	if ((c = oms_stage_parse(x->stage) - oms_stage_parse(y->stage)) != 0)
		return (c);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* Of the lines of one account, that of the latest stage counts, and of
   one stage the last line (the ledger's rule, with files for dates). */
static void
last_lines(struct analyze *an)
{
	size_t i, n = 0;

	for (i = 0; i < an->nrow; i++)
		an->row[i].seq = i;
	if (an->nrow > 0)
		qsort(an->row, an->nrow, sizeof(*an->row), cmp_account);
	for (i = 0; i < an->nrow; i++)
		if (i + 1 == an->nrow || strcmp(an->row[i].account,
		    an->row[i + 1].account) != 0)
			an->row[n++] = an->row[i];
	an->nrow = n;
}

void
read_files(struct analyze *an, char **argv)
{
	FILE *fp;
	int bad = 0;

	for (; *argv != NULL; argv++) {
		if (strcmp(*argv, "-") == 0) {
			if (read_decisions(an, stdin, "(stdin)") == -1)
				bad = 1;
			continue;
		}
		if ((fp = fopen(*argv, "r")) == NULL) {
			warn("%s", *argv);
			cli.rval = OMS_EXIT_IO;
			bad = 1;
			continue;
		}
		if (read_decisions(an, fp, *argv) == -1)
			bad = 1;
		fclose(fp);
	}
	if (bad)
		exit(cli.rval);
	last_lines(an);
}
