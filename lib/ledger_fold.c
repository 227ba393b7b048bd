/*
 * ledger_fold.c -- the fold: every committed event of the ledger taken
 * into its accounts, their claims in each registry, the registries, the
 * fixes in force, the replies imported and the contradictions found
 *
 * The reader (ledger.c) hands each event here as it reads or appends it;
 * nothing here reads the file.  The rule of which decision stands lives
 * in supersedes() and nowhere else (oms-ledger(5)).
 */
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"

/* the account record stays at 64 bytes (and a block at 2 MiB) */
_Static_assert(sizeof(struct acct) == 64, "struct acct is 64 bytes");

/* The empty string of every field the fold interns, one address. */
static const char nil[] = "";

/* One copy of a string that many accounts share (payer, kind, file). */
static const char *
intern(struct oms_ledger *l, const char *s)
{
	size_t i;
	const char **v, *d;

	if (*s == '\0')
		return (nil);
	if (omsi_hash_get(&l->strings, s, &i))
		return (l->str[i]);
	if (l->nstr == l->str_cap) {
		size_t cap = l->str_cap ? l->str_cap * 2 : 64;
		if ((v = reallocarray(l->str, cap, sizeof(*v))) == NULL)
			return (NULL);
		l->str = v;
		l->str_cap = cap;
	}
	if ((d = omsi_arena_strdup(&l->arena, s)) == NULL ||
	    omsi_hash_put(&l->strings, d, l->nstr) == -1)
		return (NULL);
	l->str[l->nstr++] = d;
	return (d);
}

/*
 * intern() at one place of the fold, which asks for the same value line
 * after line (the kind, the source file, a reply's name and time): the
 * last answer there is tried first, a strcmp instead of a hash.
 */
enum isite { IS_REASONS, IS_REPLY, IS_DTIME, IS_KIND, IS_PAYER, IS_SOURCE,
	IS_DEPT, IS_DOCTOR };

static const char *
intern_at(struct oms_ledger *l, int site, const char *s)
{
	const char *r = l->last[site];

	if (r != NULL && strcmp(r, s) == 0)
		return (r);
	if ((r = intern(l, s)) != NULL)
		l->last[site] = r;
	return (r);
}

/* FNV-1a over a record's bytes (its padding zeroed). */
static uint32_t
rec_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261U;

	while (n-- > 0) {
		h ^= *s++;
		h *= 16777619U;
	}
	return (h);
}

static int
ltab_grow(struct ltab *t)
{
	size_t cap = t->scap ? t->scap * 2 : 64, i, j;
	uint32_t *sl;

	if ((sl = calloc(cap, sizeof(*sl))) == NULL)
		return (-1);
	for (i = 0; i < t->n; i++) {
		for (j = rec_hash(t->v + i * t->size, t->size) & (cap - 1);
		    sl[j] != 0; j = (j + 1) & (cap - 1))
			;
		sl[j] = (uint32_t)i + 1;
	}
	free(t->slot);
	t->slot = sl;
	t->scap = cap;
	return (0);
}

/*
 * The index of record e (t->size bytes, padding zeroed) in t, added when
 * it is new; UINT32_MAX when out of memory.  The last one asked for is
 * tried first: the lines of a registry or a reply say the same.
 */
static uint32_t
ltab_put(struct ltab *t, const void *e)
{
	size_t i, mask;
	uint32_t k;

	if (t->n > 0 && memcmp(t->v + (size_t)t->last * t->size, e,
	    t->size) == 0)
		return (t->last);
	if ((t->n + 1) * 4 >= t->scap * 3 && ltab_grow(t) == -1)
		return (UINT32_MAX);
	mask = t->scap - 1;
	for (i = rec_hash(e, t->size) & mask; (k = t->slot[i]) != 0;
	    i = (i + 1) & mask)
		if (memcmp(t->v + (size_t)(k - 1) * t->size, e, t->size) == 0)
			return (t->last = k - 1);
	if (t->n >= UINT32_MAX - 1)
		return (UINT32_MAX);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		unsigned char *v = reallocarray(t->v, cap, t->size);

		if (v == NULL)
			return (UINT32_MAX);
		t->v = v;
		t->cap = cap;
	}
	memcpy(t->v + t->n * t->size, e, t->size);
	t->slot[i] = (uint32_t)++t->n;
	return (t->last = (uint32_t)(t->n - 1));
}

static void
ltab_free(struct ltab *t)
{
	free(t->v);
	free(t->slot);
}

/* What the first account needs: the empty attributes and decision (both
   index 0), and no state before a test registry (prev 0). */
static int
fold_init(struct oms_ledger *l)
{
	struct lattr at;
	struct ldec d;

	memset(&at, 0, sizeof(at));
	at.kind = at.payer = at.source = at.dept = at.doctor = nil;
	memset(&d, 0, sizeof(d));
	d.reasons = d.reply = d.dtime = nil;
	d.rdate = -1;
	l->attr.size = sizeof(at);
	l->dec.size = sizeof(d);
	if ((l->prev = calloc(16, sizeof(*l->prev))) == NULL)
		return (-1);
	l->prev_cap = 16;
	l->prev[0].reg = -1;
	l->nprev = 1;
	if (ltab_put(&l->attr, &at) != 0 || ltab_put(&l->dec, &d) != 0)
		return (-1);
	return (0);
}

/* The tag of an id in the account table: its hash, never 0 (empty). */
static uint32_t
id_tag(const char *id)
{
	uint32_t t = (uint32_t)omsi_hash_str(id);

	return (t != 0 ? t : 1);
}

struct acct *
omsi_ledger_find(const struct oms_ledger *l, const char *id)
{
	size_t i, mask;
	uint32_t t;
	struct acct *a;

	if (l->ascap == 0)
		return (NULL);
	mask = l->ascap - 1;
	t = id_tag(id);
	for (i = t & mask; l->aslot[i].tag != 0; i = (i + 1) & mask) {
		if (l->aslot[i].tag != t)
			continue;
		a = ACCT(l, l->aslot[i].i);
		if (strcmp(ACCT_ID(l, a), id) == 0)
			return (a);
	}
	return (NULL);
}

static int
aslot_grow(struct oms_ledger *l)
{
	size_t cap = l->ascap ? l->ascap * 2 : 1024, i, j;
	__typeof__(l->aslot) n;

	if ((n = calloc(cap, sizeof(*n))) == NULL)
		return (-1);
	omsi_thp(n, cap * sizeof(*n));
	for (i = 0; i < l->ascap; i++) {
		if (l->aslot[i].tag == 0)
			continue;
		for (j = l->aslot[i].tag & (cap - 1); n[j].tag != 0;
		    j = (j + 1) & (cap - 1))
			;
		n[j] = l->aslot[i];
	}
	free(l->aslot);
	l->aslot = n;
	l->ascap = cap;
	return (0);
}

/* A copy of id in the id pool: its offset, or UINT32_MAX. */
static uint32_t
id_add(struct oms_ledger *l, const char *id)
{
	size_t n = strlen(id) + 1, blk = (size_t)1 << IDPOOL_SHIFT;
	uint32_t off;
	char **v;

	if (n > blk)
		return (UINT32_MAX);
	if (l->nidblk == 0 || l->idused + n > blk) {
		if (l->nidblk == (size_t)1 << (32 - IDPOOL_SHIFT) ||
		    (v = reallocarray(l->idblk, l->nidblk + 1,
		    sizeof(*v))) == NULL)
			return (UINT32_MAX);
		l->idblk = v;
		if ((v[l->nidblk] = malloc(blk)) == NULL)
			return (UINT32_MAX);
		l->nidblk++;
		l->idused = 0;
	}
	memcpy(l->idblk[l->nidblk - 1] + l->idused, id, n);
	off = (uint32_t)((l->nidblk - 1) << IDPOOL_SHIFT) | l->idused;
	l->idused += (uint32_t)n;
	return (off);
}

static struct acct *
acct_get(struct oms_ledger *l, const char *id, struct oms_err *err)
{
	size_t i, mask;
	uint32_t t;
	struct acct *a;

	if (l->attr.size == 0 && fold_init(l) == -1)
		goto nomem;
	if ((l->nacct + 1) * 4 >= l->ascap * 3 && aslot_grow(l) == -1)
		goto nomem;
	mask = l->ascap - 1;
	t = id_tag(id);
	for (i = t & mask; l->aslot[i].tag != 0; i = (i + 1) & mask) {
		if (l->aslot[i].tag != t)
			continue;
		a = ACCT(l, l->aslot[i].i);
		if (strcmp(ACCT_ID(l, a), id) == 0)
			return (a);
	}
	if (l->nacct >= UINT32_MAX)
		goto nomem;
	if (l->nacct == l->nablk * ACCT_BLOCK) {
		struct acct **b;

		if ((b = reallocarray(l->ablk, l->nablk + 1, sizeof(*b))) ==
		    NULL)
			goto nomem;
		l->ablk = b;
		if ((a = malloc(ACCT_BLOCK * sizeof(*a))) == NULL)
			goto nomem;
		omsi_thp(a, ACCT_BLOCK * sizeof(*a));
		l->ablk[l->nablk++] = a;
	}
	a = ACCT(l, l->nacct);
	memset(a, 0, sizeof(*a));
	a->reg = -1;
	a->past = -1;
	a->decision = OMS_ST_INFLIGHT;
	a->case_end = -1;
	if ((a->id = id_add(l, id)) == UINT32_MAX)
		goto nomem;
	l->aslot[i].tag = t;
	l->aslot[i].i = (uint32_t)l->nacct;
	l->nacct++;
	return (a);
nomem:
	oms_err_set(err, OMS_ENOMEM, l->path, 0, "out of memory");
	return (NULL);
}

void
omsi_ledger_view(const struct oms_ledger *l, const struct acct *a,
    struct oms_acct *v)
{
	const struct lattr *at = LTAB(&l->attr, struct lattr, a->attr);
	const struct ldec *d = LTAB(&l->dec, struct ldec, a->dec);
	const struct lprev *p = &l->prev[a->prev];

	memset(v, 0, sizeof(*v));
	v->id = ACCT_ID(l, a);
	v->state = a->state;
	v->reg = a->reg;
	v->pr_nov = a->pr_nov;
	v->nexports = a->nexports;
	v->sum = a->sum;
	v->period = at->period;
	v->stage = a->stage;
	v->kind = at->kind;
	v->payer = at->payer;
	v->source = at->source;
	v->dept = at->dept;
	v->doctor = at->doctor;
	v->case_end = a->case_end;
	v->accepted = a->accepted;
	v->refused = a->refused;
	v->reasons = d->reasons;
	v->reply = d->reply;
	v->dtime = d->dtime;
	v->prev_state = p->state;
	v->prev_reg = p->reg;
	v->prev_pr_nov = p->pr_nov;
	v->nfixes = a->nfixes;
	v->n_zap = a->n_zap;
	v->prev_n_zap = p->n_zap;
	v->past = a->past;
	v->rdate = d->rdate;
	v->decision = (unsigned char)a->decision;
	v->flags = (unsigned char)a->flags;
}

void
omsi_ledger_fold_free(struct oms_ledger *l)
{
	size_t i;

	for (i = 0; i < l->nablk; i++)
		free(l->ablk[i]);
	free(l->ablk);
	free(l->aslot);
	for (i = 0; i < l->nidblk; i++)
		free(l->idblk[i]);
	free(l->idblk);
	ltab_free(&l->attr);
	ltab_free(&l->dec);
	free(l->prev);
	free(l->views);
	free(l->pastc);
}

static int
fold_registry(struct oms_ledger *l, const struct oms_event *ev,
    struct oms_err *err)
{
	const char *const *f = ev->f;
	struct oms_reg *r;
	char v[32];
	long n;

	if (omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], NULL))
		return (oms_err_set(err, OMS_EDATA, l->path, ev->lineno,
		    "registry \"%s\" recorded twice", f[OMS_L_REGISTRY]));
	if (l->nreg == l->reg_cap) {
		size_t cap = l->reg_cap ? l->reg_cap * 2 : 64;
		r = reallocarray(l->reg, cap, sizeof(*r));
		if (r == NULL)
			return (oms_err_set(err, OMS_ENOMEM, l->path, 0,
			    "out of memory"));
		l->reg = r;
		l->reg_cap = cap;
	}
	r = &l->reg[l->nreg];
	memset(r, 0, sizeof(*r));
	if ((r->name = omsi_arena_strdup(&l->arena, f[OMS_L_REGISTRY])) ==
	    NULL || (r->archive = omsi_arena_strdup(&l->arena,
	    f[OMS_L_FILE])) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, l->path, 0,
		    "out of memory"));
	if (oms_period_parse(f[OMS_L_PERIOD], &r->period) == -1 ||
	    oms_money_parse(f[OMS_L_SUM], &r->sum) == -1)
		return (oms_err_set(err, OMS_EDATA, l->path, ev->lineno,
		    "registry event with a bad period or sum"));
	snprintf(r->kind, sizeof(r->kind), "%s", f[OMS_L_KIND]);
	snprintf(r->payer, sizeof(r->payer), "%s", f[OMS_L_PAYER]);
	if (oms_ledger_data_get(f[OMS_L_DATA], "test", v, sizeof(v)))
		r->test = strcmp(v, "1") == 0;
	if (oms_ledger_data_get(f[OMS_L_DATA], "package", v, sizeof(v)))
		r->package = atoi(v);
	if (oms_ledger_data_get(f[OMS_L_DATA], "accounts", v, sizeof(v)) &&
	    (n = atol(v)) > 0)
		r->naccounts = (size_t)n;
	if (omsi_hash_put(&l->reg_idx, r->name, l->nreg) == -1)
		return (oms_err_set(err, OMS_ENOMEM, l->path, 0,
		    "out of memory"));
	l->nreg++;
	return (0);
}

/* marks of a claim (oms_acct.flags) */
#define CF_FLK_REFUSED	OMS_CF_FLK_REFUSED
#define CF_ACCEPTED	OMS_CF_ACCEPTED
#define CF_FLK_SAID	0x4	/* the contradiction of the two was told */

/*
 * The rule, and the only place it lives (oms-ledger(5)): a decision of
 * stage, from a reply dated rdate (-1: it carries no date), replaces the
 * one that stands on the claim when its stage is later; within one stage
 * unless it is dated before the standing one (a corrected answer replaces
 * the answer it corrects; undated ones go by the order of import).  An
 * earlier stage imported late is kept in the ledger and changes nothing.
 */
static int
supersedes(const struct oms_ledger *l, int stage, long rdate,
    const struct acct *c)
{
	long crdate = LTAB(&l->dec, struct ldec, c->dec)->rdate;

	if (stage != (int)c->stage)
		return (stage > (int)c->stage);
	return (rdate < 0 || crdate < 0 || rdate >= crdate);
}

struct acct *
omsi_ledger_claim_in(const struct oms_ledger *l, struct acct *a, int ri)
{
	int32_t p;

	if (a->reg == ri)
		return (a);
	for (p = a->past; p >= 0; p = l->pastc[p].past)
		if (l->pastc[p].reg == ri)
			return (&l->pastc[p]);
	return (NULL);
}

static int
contra_add(struct oms_ledger *l, int kind, const struct acct *c,
    const char *const *f, int stage, const char *other, int64_t said,
    struct oms_err *err)
{
	struct oms_contra *x;

	if (l->ncontra == l->contra_cap) {
		size_t cap = l->contra_cap ? l->contra_cap * 2 : 16;

		if ((x = reallocarray(l->contra, cap, sizeof(*x))) == NULL)
			goto nomem;
		l->contra = x;
		l->contra_cap = cap;
	}
	x = &l->contra[l->ncontra];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->account = ACCT_ID(l, c);
	x->reg = c->reg;
	x->stage = stage;
	x->other = other != NULL ? other : "";
	x->sent = c->sum;
	x->said = said;
	if ((x->reply = intern_at(l, IS_REPLY, f[OMS_L_FILE])) == NULL ||
	    (x->time = intern_at(l, IS_DTIME, f[OMS_L_TIME])) == NULL ||
	    (x->n_zap = omsi_arena_strdup(&l->arena, f[OMS_L_N_ZAP])) == NULL)
		goto nomem;
	l->ncontra++;
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, l->path, 0, "out of memory"));
}

/*
 * A decision is folded into the claim of the registry it is on, whether
 * the registry still carries the account or not (a period's figures are
 * history); only the claim the account is in now gives it its state.
 * What does not add up is recorded as a contradiction on the way.
 */
static int
fold_decision(struct oms_ledger *l, const struct oms_event *ev,
    struct oms_err *err)
{
	const char *const *f = ev->f;
	struct acct *a, *c;
	struct omsi_kvs kv;
	struct ldec d;
	char v[32], rbuf[512], *heap;
	const char *reasons;
	size_t ri;
	int64_t said;
	long rdate;
	int stage, st;

	if ((a = omsi_ledger_find(l, f[OMS_L_ACCOUNT])) == NULL)
		return (0);	/* never exported: nothing to decide */
	if (!omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], &ri) ||
	    (c = omsi_ledger_claim_in(l, a, (int)ri)) == NULL)
		return (0);
	omsi_kv_parse(f[OMS_L_DATA], &kv);
	if (!OMSI_KV_GET(&kv, "stage", v) ||
	    (stage = oms_stage_parse(v)) == -1)
		return (oms_err_set(err, OMS_EDATA, l->path, ev->lineno,
		    "decision without a known stage"));
	if (!OMSI_KV_GET(&kv, "decision", v) ||
	    ((st = oms_state_parse(v)) != OMS_ST_ACCEPTED &&
	    st != OMS_ST_PARTIAL && st != OMS_ST_REJECTED))
		return (oms_err_set(err, OMS_EDATA, l->path, ev->lineno,
		    "decision \"%s\" is not accepted, partial or rejected",
		    v));
	if (!OMSI_KV_GET(&kv, "date", v) || oms_date_parse(v, &rdate) == -1)
		rdate = -1;

	/* what does not add up, each told once */
	if (c != a && contra_add(l, OMS_CT_LEFT, c, f, stage,
	    a->reg >= 0 ? l->reg[a->reg].name : "", 0, err) == -1)
		return (-1);
	if (*f[OMS_L_SUM] != '\0' && oms_money_parse(f[OMS_L_SUM],
	    &said) == 0 && said != c->sum && contra_add(l, OMS_CT_SUM, c, f,
	    stage, NULL, said, err) == -1)
		return (-1);
	if (stage == OMS_STAGE_FLK && st != OMS_ST_ACCEPTED)
		c->flags |= CF_FLK_REFUSED;
	else if (stage > OMS_STAGE_FLK && st != OMS_ST_REJECTED)
		c->flags |= CF_ACCEPTED;
	if ((c->flags & (CF_FLK_REFUSED | CF_ACCEPTED | CF_FLK_SAID)) ==
	    (CF_FLK_REFUSED | CF_ACCEPTED)) {
		c->flags |= CF_FLK_SAID;
		if (contra_add(l, OMS_CT_FLK, c, f, stage, LTAB(&l->dec,
		    struct ldec, c->dec)->reply, 0, err) == -1)
			return (-1);
		l->contra[l->ncontra - 1].other_stage = c->stage;
	}

	if (!supersedes(l, stage, rdate, c))
		return (0);	/* kept for the record, changes nothing */
	c->decision = (unsigned)st;
	if (c != a || a->state != OMS_ST_QUEUED || st == OMS_ST_ACCEPTED)
		c->state = (unsigned)st; /* a refusal again leaves it queued */
	c->stage = (unsigned)stage;
	c->accepted = c->refused = 0;
	if (OMSI_KV_GET(&kv, "accepted", v))
		(void)oms_money_parse(v, &c->accepted);
	if (OMSI_KV_GET(&kv, "refused", v))
		(void)oms_money_parse(v, &c->refused);
	/* a reply's decisions share its name, time and the usual codes */
	memset(&d, 0, sizeof(d));
	d.rdate = (int32_t)rdate;
	if ((reasons = omsi_kv_get_any(&kv, "reasons", rbuf, sizeof(rbuf),
	    &heap)) == NULL || (d.reasons = intern_at(l, IS_REASONS,
	    reasons)) == NULL ||
	    (d.reply = intern_at(l, IS_REPLY, f[OMS_L_FILE])) == NULL ||
	    (d.dtime = intern_at(l, IS_DTIME, f[OMS_L_TIME])) == NULL ||
	    (c->dec = ltab_put(&l->dec, &d)) == UINT32_MAX) {
		free(heap);
		return (oms_err_set(err, OMS_ENOMEM, l->path, 0,
		    "out of memory"));
	}
	free(heap);
	return (0);
}

/* A refused account queued for the next registry as a repeated one. */
static int
fold_queue(struct oms_ledger *l, const char *const *f)
{
	struct acct *a;
	size_t ri;

	if ((a = omsi_ledger_find(l, f[OMS_L_ACCOUNT])) == NULL)
		return (0);
	if (!omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], &ri) ||
	    (int)ri != a->reg || (a->state != OMS_ST_REJECTED &&
	    a->state != OMS_ST_PARTIAL))
		return (0);	/* it moved on since: nothing to do */
	a->state = OMS_ST_QUEUED;
	return (0);
}

/* Keep the claim a stands in before it goes into another registry. */
static int
past_push(struct oms_ledger *l, struct acct *a)
{
	struct acct *v;

	if (l->npast == l->past_cap) {
		size_t cap = l->past_cap ? l->past_cap * 2 : 1024;

		if (cap > INT32_MAX ||
		    (v = reallocarray(l->pastc, cap, sizeof(*v))) == NULL)
			return (-1);
		l->pastc = v;
		l->past_cap = cap;
	}
	l->pastc[l->npast] = *a;
	l->pastc[l->npast].state = a->decision;
	a->past = (int32_t)l->npast++;
	return (0);
}

/*
 * A test registry restored: its accounts are as they were before it, and
 * what its replies said no longer counts.
 */
static int
fold_restore(struct oms_ledger *l, const char *const *f)
{
	struct acct *a;
	const struct lprev *pv;
	size_t ri, i;

	if (!omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], &ri) ||
	    !l->reg[ri].test || l->reg[ri].restored)
		return (0);
	l->reg[ri].restored = 1;
	for (i = 0; i < l->nacct; i++) {
		a = ACCT(l, i);
		if (a->reg != (int)ri)
			continue;
		pv = &l->prev[a->prev];
		if (pv->reg >= 0 && a->past >= 0 &&
		    l->pastc[a->past].reg == pv->reg) {
			/* back into the claim it left, as it stood */
			struct acct *p = &l->pastc[a->past];
			uint32_t nexports = a->nexports;
			unsigned nfixes = a->nfixes, state = pv->state;

			*a = *p;
			a->state = state;
			a->nexports = nexports;
			a->nfixes = nfixes;
			p->reg = -1;	/* no longer a claim */
			continue;
		}
		a->state = pv->state;
		a->reg = pv->reg;
		a->pr_nov = pv->pr_nov;
		a->n_zap = pv->n_zap;
		a->stage = OMS_STAGE_NONE;
		a->decision = OMS_ST_INFLIGHT;
		a->flags = 0;
		a->accepted = a->refused = 0;
		a->dec = 0;
	}
	return (0);
}

/* "fix" sets PATH=VALUE for an account (replacing one of the same
   path); "unfix" withdraws it. */
static int
fold_fix(struct oms_ledger *l, const struct oms_event *ev,
    struct oms_err *err)
{
	const char *const *f = ev->f;
	char pbuf[OMS_FIX_PATH_MAX + 1], vbuf[OMS_FIX_VALUE_MAX + 1];
	char *ph = NULL, *vh = NULL;
	const char *path, *value;
	struct oms_fix *x;
	struct acct *a;
	struct omsi_kvs kv;
	size_t i;
	int set = ev->type == OMS_EV_FIX, rc = 0;

	/* any length: what oms-requeue refuses may be in an older ledger */
	omsi_kv_parse(f[OMS_L_DATA], &kv);
	if ((path = omsi_kv_get_any(&kv, "path", pbuf, sizeof(pbuf), &ph)) ==
	    NULL || (value = omsi_kv_get_any(&kv, "value", vbuf, sizeof(vbuf),
	    &vh)) == NULL)
		goto nomem;
	if (*path == '\0') {
		rc = oms_err_set(err, OMS_EDATA, l->path, ev->lineno,
		    "%s without a path", f[OMS_L_EVENT]);
		goto out;
	}
	for (i = 0; i < l->nfix; i++)
		if (strcmp(l->fix[i].account, f[OMS_L_ACCOUNT]) == 0 &&
		    strcmp(l->fix[i].path, path) == 0)
			break;
	a = omsi_ledger_find(l, f[OMS_L_ACCOUNT]);
	if (i < l->nfix) {
		memmove(&l->fix[i], &l->fix[i + 1],
		    (l->nfix - i - 1) * sizeof(*l->fix));
		l->nfix--;
		/* 0: recorded before it; at the top it sticks */
		if (a != NULL && a->nfixes > 0 && a->nfixes < ACCT_NFIX_MAX)
			a->nfixes--;
	}
	if (!set)
		goto out;
	if (l->nfix == l->fix_cap) {
		size_t cap = l->fix_cap ? l->fix_cap * 2 : 16;
		if ((x = reallocarray(l->fix, cap, sizeof(*x))) == NULL)
			goto nomem;
		l->fix = x;
		l->fix_cap = cap;
	}
	x = &l->fix[l->nfix];
	if ((x->account = omsi_arena_strdup(&l->arena,
	    f[OMS_L_ACCOUNT])) == NULL || (x->path = omsi_arena_strdup(
	    &l->arena, path)) == NULL || (x->value = omsi_arena_strdup(
	    &l->arena, value)) == NULL || (x->time = omsi_arena_strdup(
	    &l->arena, f[OMS_L_TIME])) == NULL)
		goto nomem;
	l->nfix++;
	if (a != NULL && a->nfixes < ACCT_NFIX_MAX)
		a->nfixes++;
	goto out;
nomem:
	rc = oms_err_set(err, OMS_ENOMEM, l->path, 0, "out of memory");
out:
	free(ph);
	free(vh);
	return (rc);
}

static int
fold_import(struct oms_ledger *l, const char *const *f, struct oms_err *err)
{
	char sha[80];
	const char *k, **v;

	if (!oms_ledger_data_get(f[OMS_L_DATA], "sha256", sha, sizeof(sha)))
		return (0);
	if ((k = omsi_arena_strdup(&l->arena, sha)) == NULL ||
	    (v = reallocarray(l->itime, l->nimport + 1, sizeof(*v))) == NULL)
		goto nomem;
	l->itime = v;
	if ((l->itime[l->nimport] = omsi_arena_strdup(&l->arena,
	    f[OMS_L_TIME])) == NULL ||
	    omsi_hash_put(&l->imported, k, l->nimport) == -1)
		goto nomem;
	l->nimport++;
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, l->path, 0, "out of memory"));
}

/* N_ZAP of an export line when IDCASE is the same number, else 0. */
static uint32_t
zap_of(const char *const *f)
{
	const char *z = f[OMS_L_N_ZAP];
	uint32_t v = 0;

	if (*z < '1' || *z > '9' || strcmp(z, f[OMS_L_IDCASE]) != 0)
		return (0);
	for (; *z >= '0' && *z <= '9'; z++)
		if ((v = v * 10 + (uint32_t)(*z - '0')) >= 1000000000U)
			return (0);
	return (*z == '\0' ? v : 0);
}

/* An account goes into a registry recorded by an earlier registry line. */
static int
fold_export(struct oms_ledger *l, const struct oms_event *ev,
    struct oms_err *err)
{
	const char *const *f = ev->f;
	struct acct *a;
	struct omsi_kvs kv;
	struct lattr at;
	size_t ri;
	long end;
	int period;
	char v[256];

	if (!omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], &ri))
		return (oms_err_set(err, OMS_EDATA, l->path, ev->lineno,
		    "export to unknown registry \"%s\"", f[OMS_L_REGISTRY]));
	if ((a = acct_get(l, f[OMS_L_ACCOUNT], err)) == NULL)
		return (-1);
	if (a->reg >= 0 && a->reg != (int)ri && past_push(l, a) == -1)
		goto nomem;
	if (l->reg[ri].test) {
		/* as it was before: a record of its own, never changed */
		if (l->nprev == l->prev_cap) {
			size_t cap = l->prev_cap * 2;
			struct lprev *p;

			if (cap > UINT32_MAX ||
			    (p = reallocarray(l->prev, cap, sizeof(*p))) ==
			    NULL)
				goto nomem;
			l->prev = p;
			l->prev_cap = cap;
		}
		memset(&l->prev[l->nprev], 0, sizeof(*l->prev));
		l->prev[l->nprev].state = (uint8_t)a->state;
		l->prev[l->nprev].reg = a->reg;
		l->prev[l->nprev].pr_nov = (uint8_t)a->pr_nov;
		l->prev[l->nprev].n_zap = a->n_zap;
		a->prev = (uint32_t)l->nprev++;
	}
	a->state = OMS_ST_INFLIGHT;
	a->reg = (int32_t)ri;
	a->n_zap = zap_of(f);
	a->pr_nov = strcmp(f[OMS_L_PR_NOV], "1") == 0;
	a->nexports++;
	if (oms_money_parse(f[OMS_L_SUM], &a->sum) == -1)
		a->sum = 0;
	a->stage = OMS_STAGE_NONE;
	a->decision = OMS_ST_INFLIGHT;
	a->flags = 0;
	a->accepted = a->refused = 0;
	a->dec = 0;
	memset(&at, 0, sizeof(at));
	if (oms_period_parse(f[OMS_L_PERIOD], &period) == -1)
		period = 0;
	at.period = period;
	omsi_kv_parse(f[OMS_L_DATA], &kv);
	if (!OMSI_KV_GET(&kv, "end", v) || oms_date_parse(v, &end) == -1)
		end = -1;
	a->case_end = (int32_t)end;
	if ((at.kind = intern_at(l, IS_KIND, f[OMS_L_KIND])) == NULL ||
	    (at.payer = intern_at(l, IS_PAYER, f[OMS_L_PAYER])) == NULL ||
	    (at.source = intern_at(l, IS_SOURCE, f[OMS_L_FILE])) == NULL)
		goto nomem;
	if (!OMSI_KV_GET(&kv, "dept", v))
		v[0] = '\0';
	if ((at.dept = intern_at(l, IS_DEPT, v)) == NULL)
		goto nomem;
	if (!OMSI_KV_GET(&kv, "doctor", v))
		v[0] = '\0';
	if ((at.doctor = intern_at(l, IS_DOCTOR, v)) == NULL ||
	    (a->attr = ltab_put(&l->attr, &at)) == UINT32_MAX)
		goto nomem;
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, l->path, 0, "out of memory"));
}

int
omsi_ledger_fold(struct oms_ledger *l, const struct oms_event *ev,
    struct oms_err *err)
{
	switch (ev->type) {
	case OMS_EV_REGISTRY:
		return (fold_registry(l, ev, err));
	case OMS_EV_EXPORT:
		return (fold_export(l, ev, err));
	case OMS_EV_DECISION:
		return (fold_decision(l, ev, err));
	case OMS_EV_IMPORT:
		return (fold_import(l, ev->f, err));
	case OMS_EV_QUEUE:
		return (fold_queue(l, ev->f));
	case OMS_EV_RESTORE:
		return (fold_restore(l, ev->f));
	case OMS_EV_FIX:
	case OMS_EV_UNFIX:
		return (fold_fix(l, ev, err));
	default:
		/* commit, the invoice's own events (lib/invoice.c), and
		   events of later versions: kept in the file, skipped here */
		return (0);
	}
}
