/*
 * oms-analyze -- the refusals of the fund and the insurers: by reason,
 * stage, payer, kind, department and doctor, or the accounts to fix
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "analyze.h"
#include "cli.h"

enum { SCOPE_ALL, SCOPE_MAIN, SCOPE_TEST };

struct analyze {
	struct oms_ws		 ws;
	int			 have_ws;
	struct oms_ledger	*ledger;
	struct oms_reasons	*reasons;
	int			 period;	/* -p, or -1 */
	int			 scope;		/* --main, --test */
	int			 rejected;	/* -r */
	int			 partial;	/* --partial */
	int			 names;		/* --names */
	int			 exitrefused;	/* -e */
	const char		*html;		/* --html */
	const char		*csv;		/* --csv-excel */
	struct arow		*row;
	size_t			 nrow, rowcap;
	/* the accounts of the ledger that were not refused: only summed */
	struct agroup		 pre_all, pre_st[OMS_ST_NSTATES];
	struct agroup		*pre_payer;	/* every claim, by payer */
	size_t			 npre_payer;
	struct strpool	*strs;
	struct agroup		*g;
	size_t			 ng, gcap;
	struct arow		**list;		/* what -r prints */
	size_t			 nlist;
	struct arow		**refused;	/* rejected or partial */
	size_t			 nrefused;
	int			 notables;	/* no reference table found */
	char			**warned;	/* unknown codes warned about */
	size_t			 nwarned;
	struct oms_buf		 out;
};

static const char *const bynames[] = {
	"total", "state", "stage", "reason", "payer", "kind", "dept", "doctor",
	"payer_total", "contradiction"
};
#define NBY	(sizeof(bynames) / sizeof(bynames[0]))

static const char *const sumcols[] = {
	"by", "key", "name", "accounts", "claimed", "refused"
};
#define NSUMCOLS	(sizeof(sumcols) / sizeof(sumcols[0]))

static const char *const rejcols[] = {
	"account", "reasons", "registry", "stage", "decision", "claimed",
	"accepted", "refused", "reason_text", "period", "kind", "payer",
	"dept", "doctor", "case_end", "source", "patient"
};
#define NREJCOLS	(sizeof(rejcols) / sizeof(rejcols[0]))

/* the Russian headings of --csv-excel, in the order of the columns */
static const char *const sumcols_ru[] = {
	"Разрез", "Код", "Наименование", "Счетов", "Предъявлено", "Отказано"
};
static const char *const rejcols_ru[] = {
	"Счёт", "Причины", "Реестр", "Этап", "Решение", "Предъявлено",
	"Принято", "Отказано", "Причины (текст)", "Период", "Вид", "Плательщик",
	"Отделение", "Врач", "Окончание случая", "Источник", "Пациент"
};
static const char *const bynames_ru[] = {
	"итого", "состояние", "этап", "причина", "плательщик", "вид реестра",
	"отделение", "врач", "плательщик, всего", "противоречие"
};

static void	usage(void) __attribute__((__noreturn__));

static int
is_refused(const struct arow *r)
{
	return (r->state == OMS_ST_REJECTED || r->state == OMS_ST_PARTIAL);
}

/* ------------------------------------------------------------ strings */

/* Strings read from a decisions TSV live until the program ends. */
struct strpool {
	char	**s;
	size_t	  n, cap;
};

static const char *
keep(struct analyze *an, const char *s)
{
	struct strpool *k = an->strs;

	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 1024;
		k->s = xreallocarray(k->s, k->cap, sizeof(*k->s));
	}
	return (k->s[k->n++] = xstrdup(s));
}

static struct arow *
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
static struct agroup *
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

static const char *
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
static void
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

static void
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

/* ------------------------------------------------------------ groups */

/* One account under one key of one breakdown, before they are summed. */
struct gitem {
	int		 by;
	const char	*key;
	const char	*name;
	const struct arow *r;
};

static void
add_item(struct analyze *an, struct gitem **v, size_t *n, size_t *cap,
    int by, const char *key, const char *name, const struct arow *r)
{
	(void)an;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[*n].by = by;
	(*v)[*n].key = key;
	(*v)[*n].name = name;
	(*v)[*n].r = r;
	(*n)++;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct gitem *x = a, *y = b;

	if (x->by != y->by)
		return (x->by < y->by ? -1 : 1);
	return (strcmp(x->key, y->key));
}

static size_t
by_rank(const char *by)
{
	size_t i;

	for (i = 0; i < NBY; i++)
		if (strcmp(bynames[i], by) == 0)
			return (i);
	return (NBY);
}

static int
cmp_group(const void *a, const void *b)
{
	const struct agroup *x = a, *y = b;
	size_t rx = by_rank(x->by), ry = by_rank(y->by);

	if (rx != ry)
		return (rx < ry ? -1 : 1);
	if (rx == 0)		/* total: all, then refused */
		return (strcmp(x->key, "all") == 0 ? -1 :
		    strcmp(y->key, "all") == 0);
	if (rx == by_rank("contradiction")) {	/* as the ledger has them */
		int c = strcmp(x->key, y->key);

		return (c != 0 ? c : strcmp(x->name, y->name));
	}
	if (x->refused != y->refused)
		return (x->refused > y->refused ? -1 : 1);
	return (strcmp(x->key, y->key));
}

static void
group(struct analyze *an)
{
	struct gitem *v = NULL;
	struct agroup *g;
	struct arow *r;
	const char *p, *osn, *code;
	char *buf = NULL;
	size_t i, n, nv = 0, cap = 0, bcap = 0;

	struct agroup all, st[OMS_ST_NSTATES];

	/*
	 * Every row is in "total all" and in its state: those few groups
	 * are summed here; only refused rows, a few in a hundred, go
	 * through the sort that makes the other groups.
	 */
	all = an->pre_all;
	memcpy(st, an->pre_st, sizeof(st));
	for (i = 0; i < an->nrow; i++) {
		r = &an->row[i];
		all.accounts++;
		all.claimed += r->claimed;
		all.refused += r->refused;
		if (r->state >= 0 && r->state < OMS_ST_NSTATES) {
			st[r->state].accounts++;
			st[r->state].claimed += r->claimed;
			st[r->state].refused += r->refused;
		}
		if (!is_refused(r))
			continue;
		add_item(an, &v, &nv, &cap, 0, "refused", "", r);
		add_item(an, &v, &nv, &cap, 2, r->stage, "", r);
		for (p = r->reasons; *p != '\0'; p += n + (p[n] == ',')) {
			n = strcspn(p, ",");
			if (n == 0)
				continue;
			if (n >= bcap) {	/* any code whole */
				bcap = n + 64;
				buf = xreallocarray(buf, bcap, 1);
			}
			memcpy(buf, p, n);
			buf[n] = '\0';
			code = keep(an, buf);
			add_item(an, &v, &nv, &cap, 3, code, code_text(an, r,
			    code, &osn), r);
		}
		add_item(an, &v, &nv, &cap, 4, r->payer, "", r);
		add_item(an, &v, &nv, &cap, 5, r->kind, "", r);
		add_item(an, &v, &nv, &cap, 6, r->dept, "", r);
		add_item(an, &v, &nv, &cap, 7, r->doctor, "", r);
	}
	free(buf);
	if (nv > 0)
		qsort(v, nv, sizeof(*v), cmp_item);
	for (i = 0; i < nv; i++) {
		if (i == 0 || cmp_item(&v[i - 1], &v[i]) != 0)
			(void)new_group(an, bynames[v[i].by], v[i].key,
			    v[i].name);
		g = &an->g[an->ng - 1];
		g->accounts++;
		g->claimed += v[i].r->claimed;
		g->refused += v[i].r->refused;
	}
	free(v);
	/* every claim by payer: what oms-invoice -p sums (not with -r) */
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
	for (i = 0; i <= OMS_ST_NSTATES; i++) {
		struct agroup *src = i == 0 ? &all : &st[i - 1];

		if (src->accounts == 0)
			continue;
		g = new_group(an, bynames[i == 0 ? 0 : 1], i == 0 ? "all" :
		    oms_state_name((int)i - 1), "");
		g->accounts = src->accounts;
		g->claimed = src->claimed;
		g->refused = src->refused;
	}
	if (an->ng > 0)
		qsort(an->g, an->ng, sizeof(*an->g), cmp_group);
}

static int
cmp_row(const void *a, const void *b)
{
	const struct arow *x = *(struct arow *const *)a;
	const struct arow *y = *(struct arow *const *)b;
	int c;

	if ((c = strcmp(x->period, y->period)) != 0 ||
	    (c = strcmp(x->registry, y->registry)) != 0)
		return (c);
	return (strcmp(x->account, y->account));
}

/* The refused accounts, and what -r lists of them. */
static void
lists(struct analyze *an)
{
	struct arow *r;
	size_t i;

	an->refused = xreallocarray(NULL, an->nrow + 1, sizeof(*an->refused));
	an->list = xreallocarray(NULL, an->nrow + 1, sizeof(*an->list));
	for (i = 0; i < an->nrow; i++) {
		r = &an->row[i];
		if (!is_refused(r))
			continue;
		row_text(an, r);
		an->refused[an->nrefused++] = r;
		if (r->state == OMS_ST_REJECTED || an->partial)
			an->list[an->nlist++] = r;
	}
	if (an->nrefused > 0)
		qsort(an->refused, an->nrefused, sizeof(*an->refused), cmp_row);
	if (an->nlist > 0)
		qsort(an->list, an->nlist, sizeof(*an->list), cmp_row);
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

/* ------------------------------------------------------------ output */

static void
emit_tsv(struct analyze *an, struct oms_buf *b)
{
	struct oms_err e = { 0 };
	const char *f[NREJCOLS];
	char c[32], a[32], r[32], n[32];
	size_t i, ncol;

	if (!an->rejected) {
		if (oms_tsv_row(b, sumcols, NSUMCOLS, &e) == -1)
			goto bad;
		for (i = 0; i < an->ng; i++) {
			const struct agroup *g = &an->g[i];

			snprintf(n, sizeof(n), "%zu", g->accounts);
			f[0] = g->by;
			f[1] = g->key;
			f[2] = g->name;
			f[3] = n;
			f[4] = oms_money_fmt(g->claimed, c);
			f[5] = oms_money_fmt(g->refused, r);
			if (oms_tsv_row(b, f, NSUMCOLS, &e) == -1)
				goto bad;
		}
		return;
	}
	ncol = an->names ? NREJCOLS : NREJCOLS - 1;
	if (oms_tsv_row(b, rejcols, ncol, &e) == -1)
		goto bad;
	for (i = 0; i < an->nlist; i++) {
		const struct arow *w = an->list[i];

		f[0] = w->account;
		f[1] = w->reasons;
		f[2] = w->registry;
		f[3] = w->stage;
		f[4] = w->decision;
		f[5] = oms_money_fmt(w->claimed, c);
		f[6] = oms_money_fmt(w->accepted, a);
		f[7] = oms_money_fmt(w->refused, r);
		f[8] = w->text;
		f[9] = w->period;
		f[10] = w->kind;
		f[11] = w->payer;
		f[12] = w->dept;
		f[13] = w->doctor;
		f[14] = w->case_end;
		f[15] = w->source;
		f[16] = w->patient != NULL ? w->patient : "";
		if (oms_tsv_row(b, f, ncol, &e) == -1)
			goto bad;
		/* keep the buffer small on large lists */
		if (b->len > (1 << 16))
			cli_out(b);
	}
	return;
bad:
	errx(OMS_EXIT_INTERNAL, "%s", e.msg);
}

/* windows-1251 ";" CSV for Excel */
struct csv {
	FILE	*fp;
	iconv_t	 cd;
	size_t	 lost;		/* characters windows-1251 lacks */
};

static void
csv_conv(struct csv *c, const char *s, size_t len)
{
	char obuf[1024], *in = (char *)(uintptr_t)s, *o;
	size_t ileft = len, oleft;

	while (ileft > 0) {
		o = obuf;
		oleft = sizeof(obuf);
		if (iconv(c->cd, &in, &ileft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			/* EILSEQ or EINVAL: one '?' for the character */
			fwrite(obuf, 1, (size_t)(o - obuf), c->fp);
			if (ileft >= 3 && memcmp(in, "\u2260", 3) == 0)
				fputs("<>", c->fp);
			else if (ileft >= 3 && memcmp(in, "\u2264", 3) == 0)
				fputs("<=", c->fp);
			else if (ileft >= 3 && memcmp(in, "\u2265", 3) == 0)
				fputs(">=", c->fp);
			else {
				fputc('?', c->fp);
				c->lost++;
			}
			do {
				in++;
				ileft--;
			} while (ileft > 0 && ((unsigned char)*in & 0xc0) ==
			    0x80);
			continue;
		}
		fwrite(obuf, 1, (size_t)(o - obuf), c->fp);
	}
}

static void
csv_field(struct csv *c, const char *s, int text, int first)
{
	int quote = strpbrk(s, ";\"\r\n") != NULL;
	const char *p;

	if (!first)
		fputc(';', c->fp);
	if (quote)
		fputc('"', c->fp);
	/* a text that a spreadsheet would take for a formula */
	if (text && (*s == '=' || *s == '+' || *s == '-' || *s == '@'))
		fputc('\'', c->fp);
	for (p = s; *p != '\0'; p++) {
		size_t n = strcspn(p, "\"");

		csv_conv(c, p, n);
		p += n;
		if (*p == '\0')
			break;
		fputs("\"\"", c->fp);
	}
	if (quote)
		fputc('"', c->fp);
}

static void
csv_money(struct csv *c, int64_t v, int first)
{
	char buf[32], *dot;

	oms_money_fmt(v, buf);
	if ((dot = strchr(buf, '.')) != NULL)
		*dot = ',';
	csv_field(c, buf, 0, first);
}

static void
csv_write(struct analyze *an, FILE *fp)
{
	struct csv c;
	char n[32];
	size_t i, ncol;

	c.fp = fp;
	c.lost = 0;
	if ((c.cd = iconv_open("WINDOWS-1251", "UTF-8")) == (iconv_t)-1)
		err(OMS_EXIT_INTERNAL, "iconv_open windows-1251");
	if (!an->rejected) {
		for (i = 0; i < NSUMCOLS; i++)
			csv_field(&c, sumcols_ru[i], 1, i == 0);
		fputs("\r\n", fp);
		for (i = 0; i < an->ng; i++) {
			const struct agroup *g = &an->g[i];

			snprintf(n, sizeof(n), "%zu", g->accounts);
			csv_field(&c, bynames_ru[by_rank(g->by)], 1, 1);
			csv_field(&c, g->key, 1, 0);
			csv_field(&c, g->name, 1, 0);
			csv_field(&c, n, 0, 0);
			csv_money(&c, g->claimed, 0);
			csv_money(&c, g->refused, 0);
			fputs("\r\n", fp);
		}
	} else {
		ncol = an->names ? NREJCOLS : NREJCOLS - 1;
		for (i = 0; i < ncol; i++)
			csv_field(&c, rejcols_ru[i], 1, i == 0);
		fputs("\r\n", fp);
		for (i = 0; i < an->nlist; i++) {
			const struct arow *w = an->list[i];

			csv_field(&c, w->account, 1, 1);
			csv_field(&c, w->reasons, 1, 0);
			csv_field(&c, w->registry, 1, 0);
			csv_field(&c, w->stage, 1, 0);
			csv_field(&c, w->decision, 1, 0);
			csv_money(&c, w->claimed, 0);
			csv_money(&c, w->accepted, 0);
			csv_money(&c, w->refused, 0);
			csv_field(&c, w->text, 1, 0);
			csv_field(&c, w->period, 1, 0);
			csv_field(&c, w->kind, 1, 0);
			csv_field(&c, w->payer, 1, 0);
			csv_field(&c, w->dept, 1, 0);
			csv_field(&c, w->doctor, 1, 0);
			csv_field(&c, w->case_end, 1, 0);
			csv_field(&c, w->source, 1, 0);
			if (an->names)
				csv_field(&c, w->patient != NULL ?
				    w->patient : "", 1, 0);
			fputs("\r\n", fp);
		}
	}
	iconv_close(c.cd);
	if (c.lost > 0 && !cli.quiet)
		warnx("warning: %s: %zu character(s) that windows-1251 lacks "
		    "written as \"?\"", an->csv, c.lost);
}

static void
report_init(struct analyze *an, struct report *rep, char *now, size_t len,
    char *period)
{
	memset(rep, 0, sizeof(*rep));
	rep->mo = an->have_ws ? an->ws.conf.mo : "";
	rep->period = an->period != -1 ? oms_period_fmt(an->period, period) :
	    "";
	rep->generated = oms_ledger_now(now, len);
	rep->g = an->g;
	rep->ng = an->ng;
	/* the report shows every refusal; -r and --partial are for scripts */
	rep->rej = an->refused;
	rep->nrej = an->nrefused;
	rep->names = an->names;
}

/* Write what fn writes to path atomically, or to stdout for "-". */
static void
write_file(struct analyze *an, const char *path,
    int (*fn)(struct analyze *, FILE *, struct oms_err *))
{
	struct oms_afile af;
	struct oms_err e = { 0 };

	if (strcmp(path, "-") == 0) {
		if (fn(an, stdout, &e) == -1)
			exit(cli_report(&e));
		return;
	}
	if (oms_afile_open(&af, path, &e) == -1)
		exit(cli_report(&e));
	if (fn(an, af.fp, &e) == -1) {
		oms_afile_abort(&af);
		exit(cli_report(&e));
	}
	if (oms_afile_commit(&af, &e) == -1)
		exit(cli_report(&e));
	if (cli.verbose)
		warnx("%s: written", path);
}

static int
write_html(struct analyze *an, FILE *fp, struct oms_err *e)
{
	struct report rep;
	char now[32], period[8];

	report_init(an, &rep, now, sizeof(now), period);
	return (html_report(fp, &rep, e));
}

static int
write_csv(struct analyze *an, FILE *fp, struct oms_err *e)
{
	csv_write(an, fp);
	if (ferror(fp))
		return (oms_err_sys(e, errno, an->csv, "write"));
	return (0);
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
	struct oms_err e = { 0 };
	const char *dir = NULL;
	size_t i;
	int ch, tostdout;

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

	if (argc == 0) {
		an.ledger = cli_open(&an.ws, dir, 0);
		an.have_ws = 1;
	} else if (dir != NULL || (getenv("OMS_DIR") != NULL &&
	    *getenv("OMS_DIR") != '\0')) {
		if (oms_ws_open(&an.ws, cli_workspace(dir), &e) == -1)
			exit(cli_report(&e));
		an.ws.refdir = cli_refdir();
		an.have_ws = 1;
	}
	load_reasons(&an);
	if (argc == 0)
		read_ledger(&an);
	else
		read_files(&an, argv);
	lists(&an);
	group(&an);
	if (an.names)
		read_names(&an);

	tostdout = (an.html == NULL || strcmp(an.html, "-") != 0) &&
	    (an.csv == NULL || strcmp(an.csv, "-") != 0);
	oms_buf_init(&an.out, 0);
	if (tostdout) {
		emit_tsv(&an, &an.out);
		cli_out(&an.out);
	}
	if (an.html != NULL)
		write_file(&an, an.html, write_html);
	if (an.csv != NULL)
		write_file(&an, an.csv, write_csv);
	cli_close_stdout();

	if (cli.rval == OMS_EXIT_OK && an.exitrefused && an.nrefused > 0)
		cli.rval = OMS_EXIT_NEGATIVE;
	for (i = 0; i < an.nrow; i++) {
		free(an.row[i].text);
		free(an.row[i].patient);
	}
	for (i = 0; i < an.ng; i++) {
		free(an.g[i].key);
		free(an.g[i].name);
	}
	for (i = 0; i < strs.n; i++)
		free(strs.s[i]);
	for (i = 0; i < an.nwarned; i++)
		free(an.warned[i]);
	free(an.warned);
	free(strs.s);
	free(an.g);
	free(an.row);
	free(an.list);
	free(an.refused);
	oms_buf_release(&an.out);
	oms_reasons_free(an.reasons);
	oms_ledger_free(an.ledger);
	if (an.have_ws)
		oms_ws_close(&an.ws);
	xmlCleanupParser();
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
