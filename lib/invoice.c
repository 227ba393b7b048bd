/*
 * invoice.c -- what each payer owes for a period: claimed, refused,
 * withheld and to pay, from the ledger; withholdings and invoice numbers
 * recorded there
 *
 * The sums are worked out from the events, not from the fold: an account
 * refused in October and sent again in November still counts, claimed and
 * refused, in October's sums.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oms_int.h"

/* One account of one registry of the period. */
struct claim {
	int64_t	 sum;
	int64_t	 refused;		/* by the last decision */
	int	 payer;			/* index into the payers */
	unsigned char present;		/* exported in this registry */
	unsigned char decided;
};

/*
 * The claims are kept by registry and by the account's place in the
 * ledger's fold: an event costs the one look-up of its account that the
 * fold has made anyway, and no key is built or copied.  The scan may run
 * inside the fold (oms_ledger_open_with), when registries and accounts
 * appear as it goes, so both tables grow.
 */
struct oms_invoice_scan {
	const struct oms_ledger	*l;
	int			 period;
	struct oms_invoice	*inv;
	struct oms_invoice	 own;	/* inv until the end */
	struct omsi_arena	 arena;
	int			*slot;	/* registry -> main registry of the
					   period (its claims), or -1 */
	size_t			 nslotmap;
	struct claim		**c;	/* per slot, ccap[k] claims */
	size_t			*ccap;
	size_t			 nslot;
	struct omsi_hash	 payers;	/* code -> index */
	/* the withholdings recorded last for the period */
	struct oms_withhold	*w;
	size_t			 nw;
	int			 wseen;
	int			 maxnum;
};

static int
nomem(struct oms_err *err)
{
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

/* The slot of registry ri, for registries the map has not seen. */
static int
slot_of(struct oms_invoice_scan *s, int ri, struct oms_err *err)
{
	size_t n = oms_ledger_nreg(s->l), i;
	const struct oms_reg *r;
	int *v;
	struct claim **c;
	size_t *cc;

	if ((size_t)ri < s->nslotmap)
		return (s->slot[ri]);
	if ((v = reallocarray(s->slot, n, sizeof(*v))) == NULL)
		return (nomem(err) - 1);
	s->slot = v;
	for (i = s->nslotmap; i < n; i++) {
		r = oms_ledger_reg(s->l, i);
		s->slot[i] = -1;
		if (r->test || r->period != s->period)
			continue;
		if ((c = reallocarray(s->c, s->nslot + 1, sizeof(*c))) == NULL)
			return (nomem(err) - 1);
		s->c = c;
		if ((cc = reallocarray(s->ccap, s->nslot + 1, sizeof(*cc))) ==
		    NULL)
			return (nomem(err) - 1);
		s->ccap = cc;
		s->c[s->nslot] = NULL;
		s->ccap[s->nslot] = 0;
		s->slot[i] = (int)s->nslot++;
	}
	s->nslotmap = n;
	return (s->slot[ri]);
}

/* *cp: the claim of account f[ACCOUNT] in registry f[REGISTRY] when that
   is a main registry of the period, else NULL; -1 only on ENOMEM. */
static int
claim_of(struct oms_invoice_scan *s, char *const *f, struct claim **cp,
    struct oms_err *err)
{
	int ri = oms_ledger_find_reg(s->l, f[OMS_L_REGISTRY]);
	struct claim *c;
	size_t cap;
	long ai;
	int k;

	*cp = NULL;
	if (ri < 0)
		return (0);
	if ((k = slot_of(s, ri, err)) == -2)
		return (-1);
	if (k < 0 || (ai = omsi_ledger_acct_index(s->l,
	    f[OMS_L_ACCOUNT])) < 0)
		return (0);
	if ((size_t)ai >= s->ccap[k]) {
		cap = s->ccap[k] ? s->ccap[k] * 2 : 4096;
		while (cap <= (size_t)ai)
			cap *= 2;
		if ((c = reallocarray(s->c[k], cap, sizeof(*c))) == NULL)
			return (nomem(err));
		memset(c + s->ccap[k], 0, (cap - s->ccap[k]) * sizeof(*c));
		omsi_thp(c, cap * sizeof(*c));
		s->c[k] = c;
		s->ccap[k] = cap;
	}
	*cp = &s->c[k][ai];
	return (0);
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

static int
on_export(struct oms_invoice_scan *s, char *const *f, struct oms_err *err)
{
	struct claim *c;
	int pi;

	if (claim_of(s, f, &c, err) == -1)
		return (-1);
	if (c == NULL || c->present)
		return (0);	/* not of the period, or twice in a registry */
	if ((pi = payer_index(s, f[OMS_L_PAYER], err)) == -1)
		return (-1);
	c->present = 1;
	c->payer = pi;
	if (oms_money_parse(f[OMS_L_SUM], &c->sum) == -1)
		c->sum = 0;
	return (0);
}

static int
on_decision(struct oms_invoice_scan *s, char *const *f, struct oms_err *err)
{
	char v[32];
	struct claim *c;

	if (claim_of(s, f, &c, err) == -1)
		return (-1);
	if (c == NULL || !c->present)
		return (0);
	c->decided = 1;
	c->refused = 0;
	if (oms_ledger_data_get(f[OMS_L_DATA], "refused", v, sizeof(v)))
		(void)oms_money_parse(v, &c->refused);
	return (0);
}

static int
on_withhold(struct oms_invoice_scan *s, char *const *f, struct oms_err *err)
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

static void
on_invoice(struct oms_invoice_scan *s, char *const *f)
{
	char num[32], v[32];
	size_t i;
	int n;

	if (!oms_ledger_data_get(f[OMS_L_DATA], "seq", v, sizeof(v)))
		return;
	if ((n = atoi(v)) > s->maxnum)
		s->maxnum = n;
	if (strcmp(f[OMS_L_PERIOD], "") == 0 ||
	    !omsi_hash_get(&s->payers, f[OMS_L_PAYER], &i))
		return;
	{
		int p;

		if (oms_period_parse(f[OMS_L_PERIOD], &p) == -1 ||
		    p != s->inv->period)
			return;
	}
	if (!oms_ledger_data_get(f[OMS_L_DATA], "number", num, sizeof(num)))
		return;
	snprintf(s->inv->p[i].number, sizeof(s->inv->p[i].number), "%s",
	    num);
	if (!oms_ledger_data_get(f[OMS_L_DATA], "date", s->inv->p[i].date,
	    sizeof(s->inv->p[i].date)))
		s->inv->p[i].date[0] = '\0';
	if (oms_money_parse(f[OMS_L_SUM], &s->inv->p[i].issued) == -1)
		s->inv->p[i].issued = 0;
}

int
oms_invoice_scan_event(void *arg, const struct oms_ledger *l,
    char *const *f, unsigned long lineno, struct oms_err *err)
{
	struct oms_invoice_scan *s = arg;
	const char *ev = f[OMS_L_EVENT];
	int p;

	(void)lineno;
	s->l = l;
	if (strcmp(ev, "export") == 0)
		return (on_export(s, f, err) == -1 ? -1 : 0);
	else if (strcmp(ev, "decision") == 0)
		return (on_decision(s, f, err) == -1 ? -1 : 0);
	else if (strcmp(ev, "withhold") == 0) {
		if (oms_period_parse(f[OMS_L_PERIOD], &p) == 0 &&
		    p == s->inv->period)
			return (on_withhold(s, f, err) == -1 ? -1 : 0);
	} else if (strcmp(ev, "invoice") == 0)
		on_invoice(s, f);
	return (0);
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

			return (oms_err_set(err, OMS_EDATA, NULL, inv->w[i].line,
			    "payer %s has no main registry of %s",
			    inv->w[i].payer, oms_period_fmt(inv->period, ps)));
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
	size_t k;

	if (s == NULL)
		return;
	free(s->w);
	for (k = 0; s->c != NULL && k < s->nslot; k++)
		free(s->c[k]);
	free(s->c);
	free(s->ccap);
	free(s->slot);
	omsi_hash_release(&s->payers);
	omsi_arena_release(&s->arena);
	oms_invoice_release(&s->own);
	free(s);
}

int
oms_invoice_scan_end(struct oms_invoice_scan *s, struct oms_invoice *inv,
    struct oms_err *err)
{
	struct claim *c;
	size_t i, k;

	*inv = s->own;
	memset(&s->own, 0, sizeof(s->own));
	for (k = 0; k < s->nslot; k++)
		for (i = 0; s->c[k] != NULL && i < s->ccap[k]; i++) {
			struct oms_payer_sum *p;

			if (!(c = &s->c[k][i])->present)
				continue;
			p = &inv->p[c->payer];
			p->accounts++;
			p->claimed += c->sum;
			if (c->decided && c->refused != 0) {
				p->refused += c->refused;
				p->nrefused++;
			}
		}
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
	f[OMS_L_EVENT] = "withhold";
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
		f[OMS_L_EVENT] = "invoice";
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
