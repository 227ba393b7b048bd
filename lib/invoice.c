/*
 * invoice.c -- what each payer owes for a period: claimed, refused,
 * withheld and to pay, from the ledger; withholdings and invoice numbers
 * recorded there
 *
 * The sums are the fold's claims (oms_ledger_foreach_claim): every
 * account sent in one of the period's main registries, with the decision
 * that stands on it there by the ledger's rule, whatever became of the
 * account later, so an account refused in October and sent again in
 * November still counts, claimed and refused, in October's sums.  The
 * withholdings and the invoices issued are taken from the events as the
 * ledger is read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"

/* An invoice recorded for the period, applied to its payer at the end. */
struct issued {
	char	 payer[16];
	char	 number[32];
	char	 date[11];
	int64_t	 sum;
};

struct oms_invoice_scan {
	const struct oms_ledger	*l;
	int			 period;
	struct oms_invoice	*inv;
	struct oms_invoice	 own;	/* inv until the end */
	struct omsi_arena	 arena;
	struct omsi_hash	 payers;	/* code -> index */
	struct oms_err		*err;		/* of the claims' walk */
	/* the withholdings recorded last for the period */
	struct oms_withhold	*w;
	size_t			 nw;
	int			 wseen;
	int			 maxnum;
	struct issued		*iss;
	size_t			 niss;
};

static int
nomem(struct oms_err *err)
{
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

static int
payer_index(struct oms_invoice_scan *s, const char *code, struct oms_err *err)
{
	struct oms_payer_sum *p;
	const char *k;
	size_t i;

	if (omsi_hash_get(&s->payers, code, &i))
		return ((int)i);
	p = reallocarray(s->inv->p, s->inv->n + 1, sizeof(*p));
	if (p == NULL || (k = omsi_arena_strdup(&s->arena, code)) == NULL ||
	    omsi_hash_put(&s->payers, k, s->inv->n) == -1) {
		if (p != NULL)
			s->inv->p = p;
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory"));
	}
	s->inv->p = p;
	memset(&p[s->inv->n], 0, sizeof(*p));
	snprintf(p[s->inv->n].payer, sizeof(p->payer), "%s", code);
	return ((int)s->inv->n++);
}

/* One claim of a registry of the period: into its payer's sums. */
static int
on_claim(void *arg, const struct oms_acct *c, int current)
{
	struct oms_invoice_scan *s = arg;
	const struct oms_reg *r = oms_ledger_reg(s->l, (size_t)c->reg);
	struct oms_payer_sum *p;
	int pi;

	(void)current;
	if (r->test)
		return (0);
	if ((pi = payer_index(s, *c->payer != '\0' ? c->payer : r->payer,
	    s->err)) == -1)
		return (-1);
	p = &s->inv->p[pi];
	p->accounts++;
	p->claimed += c->sum;
	if (c->decision != OMS_ST_INFLIGHT && c->refused != 0) {
		p->refused += c->refused;
		p->nrefused++;
	}
	return (0);
}

static int
on_withhold(struct oms_invoice_scan *s, const char *const *f,
    struct oms_err *err)
{
	struct oms_withhold *w;
	char v[64];

	if (oms_ledger_data_get(f[OMS_L_DATA], "clear", v, sizeof(v))) {
		s->nw = 0;	/* a new set replaces the old */
		s->wseen = 1;
		return (0);
	}
	if ((w = reallocarray(s->w, s->nw + 1, sizeof(*w))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory"));
	s->w = w;
	w = &s->w[s->nw++];
	memset(w, 0, sizeof(*w));
	snprintf(w->payer, sizeof(w->payer), "%s", f[OMS_L_PAYER]);
	if (!oms_ledger_data_get(f[OMS_L_DATA], "kind", w->kind,
	    sizeof(w->kind)))
		w->kind[0] = '\0';
	if (oms_money_parse(f[OMS_L_SUM], &w->amount) == -1)
		w->amount = 0;
	if (oms_ledger_data_get(f[OMS_L_DATA], "line", v, sizeof(v)))
		w->line = strtoul(v, NULL, 10);
	s->wseen = 1;
	return (0);
}

static int
on_invoice(struct oms_invoice_scan *s, const char *const *f,
    struct oms_err *err)
{
	struct issued *v;
	char seq[32];
	int n, p;

	if (!oms_ledger_data_get(f[OMS_L_DATA], "seq", seq, sizeof(seq)))
		return (0);
	if ((n = atoi(seq)) > s->maxnum)
		s->maxnum = n;
	if (oms_period_parse(f[OMS_L_PERIOD], &p) == -1 || p != s->period)
		return (0);
	if ((v = reallocarray(s->iss, s->niss + 1, sizeof(*v))) == NULL)
		return (nomem(err));
	s->iss = v;
	v = &s->iss[s->niss];
	memset(v, 0, sizeof(*v));
	if (!oms_ledger_data_get(f[OMS_L_DATA], "number", v->number,
	    sizeof(v->number)))
		return (0);
	snprintf(v->payer, sizeof(v->payer), "%s", f[OMS_L_PAYER]);
	if (!oms_ledger_data_get(f[OMS_L_DATA], "date", v->date,
	    sizeof(v->date)))
		v->date[0] = '\0';
	if (oms_money_parse(f[OMS_L_SUM], &v->sum) == -1)
		v->sum = 0;
	s->niss++;
	return (0);
}

int
oms_invoice_scan_event(void *arg, const struct oms_ledger *l,
    const struct oms_event *ev, struct oms_err *err)
{
	struct oms_invoice_scan *s = arg;
	int p;

	s->l = l;
	switch (ev->type) {
	case OMS_EV_WITHHOLD:
		if (oms_period_parse(ev->f[OMS_L_PERIOD], &p) == 0 &&
		    p == s->inv->period)
			return (on_withhold(s, ev->f, err) == -1 ? -1 : 0);
		return (0);
	case OMS_EV_INVOICE:
		return (on_invoice(s, ev->f, err));
	default:
		return (0);
	}
}

static int
cmp_payer(const void *a, const void *b)
{
	return (strcmp(((const struct oms_payer_sum *)a)->payer,
	    ((const struct oms_payer_sum *)b)->payer));
}

/* Withholdings into the payers' sums and to_pay; -1 for an unknown payer. */
static int
apply(struct oms_invoice *inv, struct oms_err *err)
{
	size_t i, j;

	for (j = 0; j < inv->n; j++)
		inv->p[j].withheld = 0;
	for (i = 0; i < inv->nw; i++) {
		for (j = 0; j < inv->n; j++)
			if (strcmp(inv->p[j].payer, inv->w[i].payer) == 0)
				break;
		if (j == inv->n) {
			char ps[8];

			return (oms_err_set(err, OMS_EDATA, NULL,
			    inv->w[i].line, "payer %s has no main registry "
			    "of %s", inv->w[i].payer,
			    oms_period_fmt(inv->period, ps)));
		}
		inv->p[j].withheld += inv->w[i].amount;
	}
	for (j = 0; j < inv->n; j++)
		inv->p[j].to_pay = inv->p[j].claimed - inv->p[j].refused -
		    inv->p[j].withheld;
	return (0);
}

struct oms_invoice_scan *
oms_invoice_scan_new(int period, struct oms_err *err)
{
	struct oms_invoice_scan *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		nomem(err);
		return (NULL);
	}
	s->period = period;
	s->inv = &s->own;
	s->own.period = period;
	omsi_arena_init(&s->arena);
	omsi_hash_init(&s->payers);
	return (s);
}

void
oms_invoice_scan_free(struct oms_invoice_scan *s)
{
	if (s == NULL)
		return;
	free(s->w);
	free(s->iss);
	omsi_hash_release(&s->payers);
	omsi_arena_release(&s->arena);
	oms_invoice_release(&s->own);
	free(s);
}

int
oms_invoice_scan_end(struct oms_invoice_scan *s, struct oms_invoice *inv,
    struct oms_err *err)
{
	size_t i, j;

	s->err = err;
	if (s->l != NULL && oms_ledger_foreach_claim(s->l, s->period,
	    on_claim, s) != 0) {
		oms_invoice_scan_free(s);
		return (-1);
	}
	/* the invoices issued, the last one of a payer standing */
	for (i = 0; i < s->niss; i++) {
		if (!omsi_hash_get(&s->payers, s->iss[i].payer, &j))
			continue;
		snprintf(s->own.p[j].number, sizeof(s->own.p[j].number), "%s",
		    s->iss[i].number);
		memcpy(s->own.p[j].date, s->iss[i].date,
		    sizeof(s->own.p[j].date));
		s->own.p[j].issued = s->iss[i].sum;
	}
	*inv = s->own;
	memset(&s->own, 0, sizeof(s->own));
	inv->w = s->w;
	inv->nw = s->nw;
	inv->w_recorded = s->wseen;
	s->w = NULL;
	inv->next_seq = s->maxnum + 1;
	if (inv->n > 0)
		qsort(inv->p, inv->n, sizeof(*inv->p), cmp_payer);
	oms_invoice_scan_free(s);
	if (apply(inv, err) == -1) {
		oms_invoice_release(inv);
		return (-1);
	}
	return (0);
}

void
oms_invoice_release(struct oms_invoice *inv)
{
	free(inv->p);
	free(inv->w);
	memset(inv, 0, sizeof(*inv));
}

static int
word_ok(const char *s)
{
	if (*s == '\0' || strlen(s) >= sizeof(((struct oms_withhold *)0)->kind))
		return (0);
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-'))
			return (0);
	return (1);
}

int
oms_withhold_read(FILE *fp, const char *name, const struct oms_invoice *inv,
    struct oms_withhold **out, size_t *nout, struct oms_err *err)
{
	struct oms_tsv *tsv;
	struct oms_rec rec;
	struct oms_withhold *w = NULL, *v;
	size_t n = 0, i, j;
	int cp, ck, ca, rc;
	char ps[8];

	*out = NULL;
	*nout = 0;
	if ((tsv = oms_tsv_open(fp, name, err)) == NULL)
		return (-1);
	if ((cp = oms_tsv_col(tsv, "payer")) == -1 ||
	    (ck = oms_tsv_col(tsv, "kind")) == -1 ||
	    (ca = oms_tsv_col(tsv, "amount")) == -1) {
		oms_tsv_free(tsv);
		return (oms_err_set(err, OMS_EDATA, name, 1, "the columns "
		    "must include payer, kind and amount"));
	}
	while ((rc = oms_tsv_next(tsv, &rec, err)) == 1) {
		const char *payer = rec.f[cp], *kind = rec.f[ck];
		int64_t amount;

		for (j = 0; j < inv->n; j++)
			if (strcmp(inv->p[j].payer, payer) == 0)
				break;
		if (j == inv->n) {
			rc = oms_err_set(err, OMS_EDATA, name, rec.lineno,
			    "payer \"%s\" has no main registry of %s", payer,
			    oms_period_fmt(inv->period, ps));
			break;
		}
		if (!word_ok(kind)) {
			rc = oms_err_set(err, OMS_EDATA, name, rec.lineno,
			    "kind \"%s\" is not a word of a-z, 0-9, _ and - "
			    "(ckdl, petct ...)", kind);
			break;
		}
		if (oms_money_parse(rec.f[ca], &amount) == -1 || amount < 0) {
			rc = oms_err_set(err, OMS_EDATA, name, rec.lineno,
			    "amount \"%s\" is not a sum of roubles such as "
			    "1234.50", rec.f[ca]);
			break;
		}
		for (i = 0; i < n; i++)
			if (strcmp(w[i].payer, payer) == 0 &&
			    strcmp(w[i].kind, kind) == 0)
				break;
		if (i < n) {
			rc = oms_err_set(err, OMS_EDATA, name, rec.lineno,
			    "payer %s, kind %s again (line %lu has it)",
			    payer, kind, w[i].line);
			break;
		}
		if ((v = reallocarray(w, n + 1, sizeof(*w))) == NULL) {
			rc = oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory");
			break;
		}
		w = v;
		memset(&w[n], 0, sizeof(*w));
		snprintf(w[n].payer, sizeof(w[n].payer), "%s", payer);
		snprintf(w[n].kind, sizeof(w[n].kind), "%s", kind);
		w[n].amount = amount;
		w[n].line = rec.lineno;
		n++;
	}
	oms_tsv_free(tsv);
	if (rc == -1) {
		free(w);
		return (-1);
	}
	*out = w;
	*nout = n;
	return (0);
}

int
oms_invoice_withhold(struct oms_ledger *l, struct oms_invoice *inv,
    struct oms_withhold *w, size_t nw, const char *file, int dry_run,
    struct oms_err *err)
{
	const char *f[OMS_L_NCOL];
	struct oms_buf b, d;
	char now[32], period[8], sum[32], line[24];
	size_t i;
	int rc = -1;

	oms_buf_init(&b, 0);
	oms_buf_init(&d, 0);
	oms_ledger_now(now, sizeof(now));
	oms_period_fmt(inv->period, period);
	memset(f, 0, sizeof(f));
	f[OMS_L_TIME] = now;
	f[OMS_L_EVENT] = oms_event_name(OMS_EV_WITHHOLD);
	f[OMS_L_PERIOD] = period;
	f[OMS_L_FILE] = file;
	f[OMS_L_DATA] = "clear=1";
	if (oms_ledger_line(&b, f, err) == -1)
		goto out;
	for (i = 0; i < nw; i++) {
		oms_buf_reset(&d);
		snprintf(line, sizeof(line), "%lu", w[i].line);
		if (oms_ledger_data(&d, "kind", w[i].kind, err) == -1 ||
		    oms_ledger_data(&d, "line", line, err) == -1)
			goto out;
		f[OMS_L_PAYER] = w[i].payer;
		f[OMS_L_SUM] = oms_money_fmt(w[i].amount, sum);
		f[OMS_L_DATA] = d.s;
		if (oms_ledger_line(&b, f, err) == -1)
			goto out;
	}
	/* the sums first: an unknown payer records nothing */
	free(inv->w);
	inv->w = w;
	inv->nw = nw;
	inv->w_recorded = 0;
	if (apply(inv, err) == -1)
		goto out;
	if (!dry_run && oms_ledger_append(l, &b, "withhold", now, err) == -1)
		goto out;
	rc = 0;
out:
	oms_buf_release(&b);
	oms_buf_release(&d);
	return (rc);
}

int
oms_invoice_issue(struct oms_ledger *l, struct oms_invoice *inv,
    const char *prefix, long date, int dry_run, struct oms_err *err)
{
	const char *f[OMS_L_NCOL];
	struct oms_buf b, d;
	char now[32], period[8], sum[32], seq[24], ds[11];
	char c1[32], c2[32], c3[32];
	size_t i, n = 0;
	int rc = -1;

	oms_buf_init(&b, 0);
	oms_buf_init(&d, 0);
	oms_ledger_now(now, sizeof(now));
	oms_period_fmt(inv->period, period);
	oms_date_fmt(date, ds);
	for (i = 0; i < inv->n; i++) {
		struct oms_payer_sum *p = &inv->p[i];

		if (p->number[0] != '\0' || p->to_pay <= 0)
			continue;	/* issued before, or nothing to pay */
		snprintf(seq, sizeof(seq), "%d", inv->next_seq);
		snprintf(p->number, sizeof(p->number), "%s%d",
		    prefix != NULL ? prefix : "", inv->next_seq++);
		snprintf(p->date, sizeof(p->date), "%s", ds);
		p->issued = p->to_pay;
		oms_buf_reset(&d);
		if (oms_ledger_data(&d, "number", p->number, err) == -1 ||
		    oms_ledger_data(&d, "seq", seq, err) == -1 ||
		    oms_ledger_data(&d, "date", ds, err) == -1 ||
		    oms_ledger_data(&d, "claimed", oms_money_fmt(p->claimed,
		    c1), err) == -1 || oms_ledger_data(&d, "refused",
		    oms_money_fmt(p->refused, c2), err) == -1 ||
		    oms_ledger_data(&d, "withheld", oms_money_fmt(p->withheld,
		    c3), err) == -1)
			goto out;
		memset(f, 0, sizeof(f));
		f[OMS_L_TIME] = now;
		f[OMS_L_EVENT] = oms_event_name(OMS_EV_INVOICE);
		f[OMS_L_PERIOD] = period;
		f[OMS_L_PAYER] = p->payer;
		f[OMS_L_SUM] = oms_money_fmt(p->to_pay, sum);
		f[OMS_L_DATA] = d.s;
		if (oms_ledger_line(&b, f, err) == -1)
			goto out;
		n++;
	}
	if (n > 0 && !dry_run && oms_ledger_append(l, &b, "invoice", now,
	    err) == -1)
		goto out;
	rc = 0;
out:
	oms_buf_release(&b);
	oms_buf_release(&d);
	return (rc);
}
