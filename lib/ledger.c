/*
 * ledger.c -- the append-only journal of account events and its fold
 *
 * The ledger is the commit point of every operation: a block of event lines
 * ends with a "commit" line and is fsynced; a small block goes in one
 * write(), a large one in pieces with the commit line last.  A crash can
 * only tear the last block; readers stop at the last commit and the next
 * append cuts the torn tail off first.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oms_int.h"

static const char *const colnames[OMS_L_NCOL] = {
	"time", "event", "account", "registry", "period", "kind", "payer",
	"pr_nov", "n_zap", "idcase", "sum", "file", "data"
};

static const char *const statenames[OMS_ST_NSTATES] = {
	"new", "in-flight", "accepted", "partial", "rejected", "queued"
};

static const char *const stagenames[] = { "", "flk", "control", "demand" };

#define ACCT_SHIFT	15		/* 32768 accounts, 5.5 MiB a block */
#define ACCT_BLOCK	((size_t)1 << ACCT_SHIFT)
#define ACCT(l, i)	(&(l)->ablk[(i) >> ACCT_SHIFT][(i) & (ACCT_BLOCK - 1)])

struct oms_ledger {
	char		*path;
	struct omsi_arena arena;
	struct omsi_hash  acct_idx;
	/* in blocks: an account stays where it is, no table is copied as it
	   grows, and each block gets huge pages (omsi_thp) before use */
	struct oms_acct	**ablk;
	size_t		  nacct, nablk;
	struct omsi_hash  reg_idx;
	struct omsi_hash  imported;	/* sha256 -> index into itime */
	const char	**itime;
	size_t		  nimport;
	struct oms_reg	 *reg;
	size_t		  nreg, reg_cap;
	struct oms_fix	 *fix;		/* in force, in order */
	size_t		  nfix, fix_cap;
	struct omsi_hash  strings;	/* interned: index into str */
	const char	**str;
	size_t		  nstr, str_cap;
	const char	 *last[8];	/* the last interned, by enum isite */
	/* the claims of registries the accounts have left, each a copy of
	   the account as it stood there, chained by ->past (newest first) */
	struct oms_acct	 *pastc;
	size_t		  npast, past_cap;
	struct oms_contra *contra;	/* what did not add up, in order */
	size_t		  ncontra, contra_cap;
	off_t		  committed;	/* bytes up to the last commit */
	off_t		  size;		/* file size when read */
	int		  fresh;	/* empty or a torn header: made anew */
	unsigned long	  lines;	/* lines up to committed */
};

const char *
oms_state_name(int st)
{
	if (st < 0 || st >= OMS_ST_NSTATES)
		return ("?");
	return (statenames[st]);
}

const char *
oms_stage_name(int st)
{
	if (st < OMS_STAGE_FLK || st > OMS_STAGE_DEMAND)
		return ("");
	return (stagenames[st]);
}

int
oms_stage_parse(const char *s)
{
	int i;

	for (i = OMS_STAGE_FLK; i <= OMS_STAGE_DEMAND; i++)
		if (strcmp(s, stagenames[i]) == 0)
			return (i);
	return (-1);
}

int
oms_state_parse(const char *s)
{
	int i;

	for (i = 0; i < OMS_ST_NSTATES; i++)
		if (strcmp(s, statenames[i]) == 0)
			return (i);
	if (strcmp(s, "inflight") == 0)
		return (OMS_ST_INFLIGHT);
	return (-1);
}

char *
oms_ledger_now(char *buf, size_t len)
{
	time_t t;
	struct tm tm;

	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return (buf);
}

static int
header_line(struct oms_buf *b, struct oms_err *err)
{
	return (oms_tsv_row(b, colnames, OMS_L_NCOL, err));
}

int
oms_ledger_line(struct oms_buf *b, const char *const *f, struct oms_err *err)
{
	return (oms_tsv_row(b, f, OMS_L_NCOL, err));
}

static int	split(struct oms_ledger *, char *, size_t, char **, unsigned long,
		    struct oms_err *);
static uint32_t zap_of(char *const *);
static int	one_line(struct oms_ledger *, char *, size_t, char **,
		    unsigned long, int (*)(void *, const struct oms_ledger *,
		    char *const *, unsigned long, struct oms_err *), void *,
		    struct oms_err *);

#define READ_BLOCK	((size_t)1 << 20)

int
oms_ledger_data(struct oms_buf *b, const char *key, const char *value,
    struct oms_err *err)
{
	const char *p;
	int r = 0;

	if (b->len > 0)
		r = oms_buf_addc(b, ';', err);
	if (r == 0)
		r = oms_buf_printf(b, err, "%s=", key);
	for (p = value; r == 0 && *p != '\0'; p++)
		switch (*p) {
		case '%':
			r = oms_buf_adds(b, "%25", err);
			break;
		case ';':
			r = oms_buf_adds(b, "%3B", err);
			break;
		case '=':
			r = oms_buf_adds(b, "%3D", err);
			break;
		default:
			r = oms_buf_addc(b, *p, err);
		}
	return (r);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/*
 * Value of key in "k=v;k2=v2", %XX decoded, copied into out (cut to
 * outlen - 1 bytes); 1 found, 0 not.
 */
/* A data field split once into its pairs, for the events that ask for
   several keys (values are decoded only when asked for). */
#define KV_MAX	32
struct kvs {
	size_t		 n;
	struct {
		const char	*k, *v;
		size_t		 kl, vl;
	}		 e[KV_MAX];
};

static void
data_parse(const char *data, struct kvs *kv)
{
	const char *p, *e, *eq;

	kv->n = 0;
	for (p = data; *p != '\0' && kv->n < KV_MAX; p = *e == ';' ? e + 1 :
	    e) {
		e = p + strcspn(p, ";");
		if ((eq = memchr(p, '=', (size_t)(e - p))) == NULL)
			continue;
		kv->e[kv->n].k = p;
		kv->e[kv->n].kl = (size_t)(eq - p);
		kv->e[kv->n].v = eq + 1;
		kv->e[kv->n].vl = (size_t)(e - eq - 1);
		kv->n++;
	}
}

/* As data_get, from a parsed field: the first pair of key wins. */
static int
kv_get(const struct kvs *kv, const char *key, size_t kl, char *out,
    size_t outlen)
{
	size_t i, n;
	const char *v, *e;
	int h, l;

	for (i = 0; i < kv->n; i++) {
		if (kv->e[i].kl != kl || memcmp(kv->e[i].k, key, kl) != 0)
			continue;
		v = kv->e[i].v;
		e = v + kv->e[i].vl;
		if (memchr(v, '%', kv->e[i].vl) == NULL) {
			n = kv->e[i].vl < outlen ? kv->e[i].vl : outlen - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return (1);
		}
		for (n = 0; v < e && n + 1 < outlen; v++) {
			if (*v == '%' && e - v >= 3 &&
			    (h = hexval(v[1])) != -1 &&
			    (l = hexval(v[2])) != -1) {
				out[n++] = (char)(h << 4 | l);
				v += 2;
			} else
				out[n++] = *v;
		}
		out[n] = '\0';
		return (1);
	}
	return (0);
}
/*
 * As kv_get for a value of any length: into buf when it fits, else into
 * *heap (malloc'd, the caller frees it).  Returns the value, "" when the
 * key is missing, NULL on ENOMEM.
 */
static const char *
kv_get_any(const struct kvs *kv, const char *key, char *buf, size_t len,
    char **heap)
{
	size_t i, kl = strlen(key);

	*heap = NULL;
	for (i = 0; i < kv->n; i++)
		if (kv->e[i].kl == kl && memcmp(kv->e[i].k, key, kl) == 0)
			break;
	if (i == kv->n)
		return ("");
	if (kv->e[i].vl >= len) {	/* decoding never lengthens it */
		len = kv->e[i].vl + 1;
		if ((buf = *heap = malloc(len)) == NULL)
			return (NULL);
	}
	(void)kv_get(kv, key, kl, buf, len);
	return (buf);
}

/* key is a string literal */
#define KV_GET(kv, key, out)	kv_get(kv, key, sizeof(key) - 1, out, \
				    sizeof(out))

static int
data_get(const char *data, const char *key, char *out, size_t outlen)
{
	struct kvs kv;

	data_parse(data, &kv);
	return (kv_get(&kv, key, strlen(key), out, outlen));
}

int
oms_ledger_data_get(const char *data, const char *key, char *out,
    size_t outlen)
{
	return (data_get(data, key, out, outlen));
}

/* One copy of a string that many accounts share (payer, kind, file). */
static const char *
intern(struct oms_ledger *l, const char *s)
{
	size_t i;
	const char **v, *d;

	if (*s == '\0')
		return ("");
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

static struct oms_acct *
acct_get(struct oms_ledger *l, const char *id, struct oms_err *err)
{
	size_t i, slot;
	uint32_t tag;
	struct oms_acct *a;
	int r;

	if ((r = omsi_hash_reserve(&l->acct_idx, id, &i, &slot, &tag)) == -1)
		goto nomem;
	if (r == 1)
		return (ACCT(l, i));
	if (l->nacct == l->nablk * ACCT_BLOCK) {
		struct oms_acct **b;

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
	a->reg = a->prev_reg = -1;
	a->past = -1;
	a->rdate = -1;
	a->decision = OMS_ST_INFLIGHT;
	a->reasons = a->reply = a->dtime = "";
	a->kind = a->payer = a->source = a->dept = a->doctor = "";
	a->case_end = -1;
	if ((a->id = omsi_arena_strdup(&l->arena, id)) == NULL)
		goto nomem;
	omsi_hash_fill(&l->acct_idx, slot, tag, a->id, l->nacct);
	l->nacct++;
	return (a);
nomem:
	oms_err_set(err, OMS_ENOMEM, l->path, 0, "out of memory");
	return (NULL);
}

static int
fold_registry(struct oms_ledger *l, char **f, unsigned long lineno,
    struct oms_err *err)
{
	struct oms_reg *r;
	char v[32];
	long n;

	if (omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], NULL))
		return (oms_err_set(err, OMS_EDATA, l->path, lineno,
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
		return (oms_err_set(err, OMS_EDATA, l->path, lineno,
		    "registry event with a bad period or sum"));
	snprintf(r->kind, sizeof(r->kind), "%s", f[OMS_L_KIND]);
	snprintf(r->payer, sizeof(r->payer), "%s", f[OMS_L_PAYER]);
	if (data_get(f[OMS_L_DATA], "test", v, sizeof(v)))
		r->test = strcmp(v, "1") == 0;
	if (data_get(f[OMS_L_DATA], "package", v, sizeof(v)))
		r->package = atoi(v);
	if (data_get(f[OMS_L_DATA], "accounts", v, sizeof(v)) &&
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
supersedes(int stage, long rdate, const struct oms_acct *c)
{
	if (stage != c->stage)
		return (stage > c->stage);
	return (rdate < 0 || c->rdate < 0 || rdate >= c->rdate);
}

/* The claim of account a in registry ri: a itself, one it has left, or
   NULL when it never went there. */
static struct oms_acct *
claim_in(struct oms_ledger *l, struct oms_acct *a, int ri)
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
contra_add(struct oms_ledger *l, int kind, const struct oms_acct *c,
    char **f, int stage, const char *other, int64_t said,
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
	x->account = c->id;
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
fold_decision(struct oms_ledger *l, char **f, unsigned long lineno,
    struct oms_err *err)
{
	struct oms_acct *a, *c;
	struct kvs kv;
	char v[32], rbuf[512], *heap;
	const char *reasons;
	size_t ri, ai;
	int64_t said;
	long rdate;
	int stage, st;

	if (!omsi_hash_get(&l->acct_idx, f[OMS_L_ACCOUNT], &ai))
		return (0);	/* never exported: nothing to decide */
	a = ACCT(l, ai);
	if (!omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], &ri) ||
	    (c = claim_in(l, a, (int)ri)) == NULL)
		return (0);
	data_parse(f[OMS_L_DATA], &kv);
	if (!KV_GET(&kv, "stage", v) ||
	    (stage = oms_stage_parse(v)) == -1)
		return (oms_err_set(err, OMS_EDATA, l->path, lineno,
		    "decision without a known stage"));
	if (!KV_GET(&kv, "decision", v) ||
	    ((st = oms_state_parse(v)) != OMS_ST_ACCEPTED &&
	    st != OMS_ST_PARTIAL && st != OMS_ST_REJECTED))
		return (oms_err_set(err, OMS_EDATA, l->path, lineno,
		    "decision \"%s\" is not accepted, partial or rejected",
		    v));
	if (!KV_GET(&kv, "date", v) || oms_date_parse(v, &rdate) == -1)
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
		if (contra_add(l, OMS_CT_FLK, c, f, stage, c->reply, 0,
		    err) == -1)
			return (-1);
		l->contra[l->ncontra - 1].other_stage = c->stage;
	}

	if (!supersedes(stage, rdate, c))
		return (0);	/* kept for the record, changes nothing */
	c->decision = (unsigned char)st;
	if (c != a || a->state != OMS_ST_QUEUED || st == OMS_ST_ACCEPTED)
		c->state = st;	/* a refusal again leaves it queued */
	c->stage = stage;
	c->rdate = (int32_t)rdate;
	c->accepted = c->refused = 0;
	if (KV_GET(&kv, "accepted", v))
		(void)oms_money_parse(v, &c->accepted);
	if (KV_GET(&kv, "refused", v))
		(void)oms_money_parse(v, &c->refused);
	/* a reply's decisions share its name, time and the usual codes */
	if ((reasons = kv_get_any(&kv, "reasons", rbuf, sizeof(rbuf),
	    &heap)) == NULL || (c->reasons = intern_at(l, IS_REASONS,
	    reasons)) == NULL ||
	    (c->reply = intern_at(l, IS_REPLY, f[OMS_L_FILE])) == NULL ||
	    (c->dtime = intern_at(l, IS_DTIME, f[OMS_L_TIME])) == NULL) {
		free(heap);
		return (oms_err_set(err, OMS_ENOMEM, l->path, 0,
		    "out of memory"));
	}
	free(heap);
	return (0);
}

/* A refused account queued for the next registry as a repeated one. */
static int
fold_queue(struct oms_ledger *l, char **f)
{
	struct oms_acct *a;
	size_t ai, ri;

	if (!omsi_hash_get(&l->acct_idx, f[OMS_L_ACCOUNT], &ai))
		return (0);
	a = ACCT(l, ai);
	if (!omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], &ri) ||
	    (int)ri != a->reg || (a->state != OMS_ST_REJECTED &&
	    a->state != OMS_ST_PARTIAL))
		return (0);	/* it moved on since: nothing to do */
	a->state = OMS_ST_QUEUED;
	return (0);
}

/* Keep the claim a stands in before it goes into another registry. */
static int
past_push(struct oms_ledger *l, struct oms_acct *a)
{
	struct oms_acct *v;

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
fold_restore(struct oms_ledger *l, char **f)
{
	struct oms_acct *a;
	size_t ri, i;

	if (!omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], &ri) ||
	    !l->reg[ri].test || l->reg[ri].restored)
		return (0);
	l->reg[ri].restored = 1;
	for (i = 0; i < l->nacct; i++) {
		a = ACCT(l, i);
		if (a->reg != (int)ri)
			continue;
		if (a->prev_reg >= 0 && a->past >= 0 &&
		    l->pastc[a->past].reg == a->prev_reg) {
			/* back into the claim it left, as it stood */
			struct oms_acct *p = &l->pastc[a->past];
			unsigned nexports = a->nexports, nfixes = a->nfixes;
			int state = a->prev_state;

			*a = *p;
			a->state = state;
			a->nexports = nexports;
			a->nfixes = nfixes;
			p->reg = -1;	/* no longer a claim */
			continue;
		}
		a->state = a->prev_state;
		a->reg = a->prev_reg;
		a->pr_nov = a->prev_pr_nov;
		a->n_zap = a->prev_n_zap;
		a->stage = OMS_STAGE_NONE;
		a->decision = OMS_ST_INFLIGHT;
		a->rdate = -1;
		a->flags = 0;
		a->accepted = a->refused = 0;
		a->reasons = a->reply = a->dtime = "";
	}
	return (0);
}

/* "fix" sets PATH=VALUE for an account (replacing one of the same
   path); "unfix" withdraws it. */
static int
fold_fix(struct oms_ledger *l, char **f, unsigned long lineno,
    struct oms_err *err)
{
	char pbuf[OMS_FIX_PATH_MAX + 1], vbuf[OMS_FIX_VALUE_MAX + 1];
	char *ph = NULL, *vh = NULL;
	const char *path, *value;
	struct oms_fix *x;
	struct oms_acct *a;
	struct kvs kv;
	size_t i, ai;
	int set = strcmp(f[OMS_L_EVENT], "fix") == 0, rc = 0;

	/* any length: what oms-requeue refuses may be in an older ledger */
	data_parse(f[OMS_L_DATA], &kv);
	if ((path = kv_get_any(&kv, "path", pbuf, sizeof(pbuf), &ph)) ==
	    NULL || (value = kv_get_any(&kv, "value", vbuf, sizeof(vbuf),
	    &vh)) == NULL)
		goto nomem;
	if (*path == '\0') {
		rc = oms_err_set(err, OMS_EDATA, l->path, lineno,
		    "%s without a path", f[OMS_L_EVENT]);
		goto out;
	}
	for (i = 0; i < l->nfix; i++)
		if (strcmp(l->fix[i].account, f[OMS_L_ACCOUNT]) == 0 &&
		    strcmp(l->fix[i].path, path) == 0)
			break;
	a = omsi_hash_get(&l->acct_idx, f[OMS_L_ACCOUNT], &ai) ?
	    ACCT(l, ai) : NULL;
	if (i < l->nfix) {
		memmove(&l->fix[i], &l->fix[i + 1],
		    (l->nfix - i - 1) * sizeof(*l->fix));
		l->nfix--;
		if (a != NULL && a->nfixes > 0)	/* 0: recorded before it */
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
	if (a != NULL)
		a->nfixes++;
	goto out;
nomem:
	rc = oms_err_set(err, OMS_ENOMEM, l->path, 0, "out of memory");
out:
	free(ph);
	free(vh);
	return (rc);
}

size_t
oms_ledger_nfix(const struct oms_ledger *l)
{
	return (l->nfix);
}

const struct oms_fix *
oms_ledger_fix(const struct oms_ledger *l, size_t i)
{
	return (i < l->nfix ? &l->fix[i] : NULL);
}

static int
fold_import(struct oms_ledger *l, char **f, struct oms_err *err)
{
	char sha[80];
	const char *k, **v;

	if (!data_get(f[OMS_L_DATA], "sha256", sha, sizeof(sha)))
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

const char *
oms_ledger_imported(const struct oms_ledger *l, const char *sha)
{
	size_t i;

	return (omsi_hash_get(&l->imported, sha, &i) ? l->itime[i] : NULL);
}

/*
 * Call fn(arg, f, lineno) for every committed event line that holds
 * needle (all of them when needle is NULL), split into its fields.
 */
static int
scan_lines(const struct oms_ledger *l, const char *needle,
    int (*fn)(void *, char *const *, unsigned long), void *arg,
    struct oms_err *err)
{
	FILE *fp;
	char *line = NULL, *f[OMS_L_NCOL];
	size_t cap = 0;
	ssize_t len;
	off_t off = 0;
	unsigned long lineno = 0;
	int r = 0;

	if ((fp = fopen(l->path, "r")) == NULL) {
		if (errno == ENOENT)
			return (0);
		return (oms_err_sys(err, errno, l->path, "open"));
	}
	/* a needle the TSV would escape is not looked for raw */
	if (needle != NULL && strpbrk(needle, "\\\t\n\r") != NULL)
		needle = NULL;
	while (off < l->committed && (len = getline(&line, &cap, fp)) > 0) {
		off += len;
		/* a cheap filter before the split */
		if (++lineno == 1 || (needle != NULL &&
		    strstr(line, needle) == NULL))
			continue;
		line[--len] = '\0';
		if (split((struct oms_ledger *)l, line, (size_t)len, f, lineno,
		    err) == -1) {
			r = -1;
			break;
		}
		if ((r = fn(arg, f, lineno)) != 0)
			break;
	}
	free(line);
	fclose(fp);
	return (r);
}

int
oms_ledger_scan(const struct oms_ledger *l,
    int (*fn)(void *, char *const *, unsigned long), void *arg,
    struct oms_err *err)
{
	return (scan_lines(l, NULL, fn, arg, err));
}

struct filter {
	const char	*key;		/* account or registry */
	int		(*fn)(void *, char *const *, unsigned long);
	int		(*map)(void *, const char *, const char *,
			    const char *);
	void		*arg;
};

static int
history_line(void *arg, char *const *f, unsigned long lineno)
{
	struct filter *h = arg;

	if (strcmp(f[OMS_L_ACCOUNT], h->key) != 0)
		return (0);
	return (h->fn(h->arg, f, lineno));
}

int
oms_ledger_history(const struct oms_ledger *l, const char *account,
    int (*fn)(void *, char *const *, unsigned long), void *arg,
    struct oms_err *err)
{
	struct filter h = { account, fn, NULL, arg };

	return (scan_lines(l, account, history_line, &h, err));
}

static int
map_line(void *arg, char *const *f, unsigned long lineno)
{
	struct filter *h = arg;

	(void)lineno;
	if (strcmp(f[OMS_L_EVENT], "export") != 0 ||
	    strcmp(f[OMS_L_REGISTRY], h->key) != 0)
		return (0);
	return (h->map(h->arg, f[OMS_L_ACCOUNT], f[OMS_L_N_ZAP],
	    f[OMS_L_IDCASE]));
}

int
oms_ledger_registry_map(const struct oms_ledger *l, const char *registry,
    int (*fn)(void *, const char *, const char *, const char *), void *arg,
    struct oms_err *err)
{
	struct filter h = { registry, NULL, fn, arg };
	const struct oms_acct *a;
	size_t ri, i, n = 0;
	char num[24];
	int r;

	/*
	 * The fold knows the accounts that registry carries now; when they
	 * are all it had, with their numbers, it is the map, and the file
	 * is not read again.  An account that has moved on since (sent
	 * again, restored) is only in the file.
	 */
	if (omsi_hash_get(&l->reg_idx, registry, &ri) &&
	    l->reg[ri].naccounts > 0) {
		for (i = 0; i < l->nacct; i++) {
			a = ACCT(l, i);
			if (a->reg == (int)ri && a->n_zap == 0)
				break;
			n += a->reg == (int)ri;
		}
		if (i == l->nacct && n == l->reg[ri].naccounts) {
			for (i = 0; i < l->nacct; i++) {
				a = ACCT(l, i);
				if (a->reg != (int)ri)
					continue;
				snprintf(num, sizeof(num), "%lu",
				    (unsigned long)a->n_zap);
				if ((r = fn(arg, a->id, num, num)) != 0)
					return (r);
			}
			return (0);
		}
	}
	return (scan_lines(l, registry, map_line, &h, err));
}

/* N_ZAP of an export line when IDCASE is the same number, else 0. */
static uint32_t
zap_of(char *const *f)
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


static int
fold(struct oms_ledger *l, char **f, unsigned long lineno,
    struct oms_err *err)
{
	const char *ev = f[OMS_L_EVENT];
	struct oms_acct *a;
	struct kvs kv;
	size_t ri;
	char v[256];

	if (strcmp(ev, "commit") == 0)
		return (0);
	if (strcmp(ev, "registry") == 0)
		return (fold_registry(l, f, lineno, err));
	if (strcmp(ev, "export") == 0) {
		if (!omsi_hash_get(&l->reg_idx, f[OMS_L_REGISTRY], &ri))
			return (oms_err_set(err, OMS_EDATA, l->path, lineno,
			    "export to unknown registry \"%s\"",
			    f[OMS_L_REGISTRY]));
		if ((a = acct_get(l, f[OMS_L_ACCOUNT], err)) == NULL)
			return (-1);
		if (a->reg >= 0 && a->reg != (int)ri && past_push(l, a) == -1)
			goto nomem;
		if (l->reg[ri].test) {
			a->prev_state = a->state;
			a->prev_reg = a->reg;
			a->prev_pr_nov = a->pr_nov;
			a->prev_n_zap = a->n_zap;
		}
		a->state = OMS_ST_INFLIGHT;
		a->reg = (int)ri;
		a->n_zap = zap_of(f);
		a->pr_nov = strcmp(f[OMS_L_PR_NOV], "1") == 0;
		a->nexports++;
		if (oms_money_parse(f[OMS_L_SUM], &a->sum) == -1)
			a->sum = 0;
		a->stage = OMS_STAGE_NONE;
		a->decision = OMS_ST_INFLIGHT;
		a->rdate = -1;
		a->flags = 0;
		a->accepted = a->refused = 0;
		a->reasons = a->reply = a->dtime = "";
		if (oms_period_parse(f[OMS_L_PERIOD], &a->period) == -1)
			a->period = 0;
		data_parse(f[OMS_L_DATA], &kv);
		if (!KV_GET(&kv, "end", v) ||
		    oms_date_parse(v, &a->case_end) == -1)
			a->case_end = -1;
		if ((a->kind = intern_at(l, IS_KIND, f[OMS_L_KIND])) == NULL ||
		    (a->payer = intern_at(l, IS_PAYER, f[OMS_L_PAYER])) ==
		    NULL || (a->source = intern_at(l, IS_SOURCE,
		    f[OMS_L_FILE])) == NULL)
			goto nomem;
		if (!KV_GET(&kv, "dept", v))
			v[0] = '\0';
		if ((a->dept = intern_at(l, IS_DEPT, v)) == NULL)
			goto nomem;
		if (!KV_GET(&kv, "doctor", v))
			v[0] = '\0';
		if ((a->doctor = intern_at(l, IS_DOCTOR, v)) == NULL)
			goto nomem;
		return (0);
	}
	if (strcmp(ev, "decision") == 0)
		return (fold_decision(l, f, lineno, err));
	if (strcmp(ev, "import") == 0)
		return (fold_import(l, f, err));
	if (strcmp(ev, "queue") == 0)
		return (fold_queue(l, f));
	if (strcmp(ev, "restore") == 0)
		return (fold_restore(l, f));
	if (strcmp(ev, "fix") == 0 || strcmp(ev, "unfix") == 0)
		return (fold_fix(l, f, lineno, err));
	/* events of later versions are kept in the file and skipped here */
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, l->path, 0, "out of memory"));
}

/* Split one line (without LF) in place into exactly OMS_L_NCOL fields. */
static int
split(struct oms_ledger *l, char *line, size_t len, char **f,
    unsigned long lineno, struct oms_err *err)
{
	size_t nf = 0;
	char *p, *e, *end = line + len;
	int esc = memchr(line, '\\', len) != NULL;	/* rare: look once */
	long n;

	for (p = line; ; p = e + 1) {
		e = memchr(p, '\t', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (nf == OMS_L_NCOL)
			return (oms_err_set(err, OMS_EDATA, l->path, lineno,
			    "more than %d fields", OMS_L_NCOL));
		*e = '\0';
		if (esc && (n = oms_tsv_unescape(p, (size_t)(e - p))) < 0)
			return (oms_err_set(err, OMS_EDATA, l->path, lineno,
			    "bad backslash escape in field \"%s\"",
			    colnames[nf]));
		f[nf++] = p;
		if (e == end)
			break;
	}
	if (nf != OMS_L_NCOL)
		return (oms_err_set(err, OMS_EDATA, l->path, lineno,
		    "expected %d fields, got %zu", OMS_L_NCOL, nf));
	return (0);
}

static int
is_commit_line(const char *line, size_t len)
{
	const char *t = memchr(line, '\t', len);

	return (t != NULL && (size_t)(line + len - t) > 8 &&
	    memcmp(t, "\tcommit\t", 8) == 0);
}

/*
 * The start of the file.  A ledger is created with its header in one
 * write made durable before any event, but a disk that filled up while
 * an older oms created it, or a hand that emptied it, can leave it empty
 * or with the header cut short.  With nothing after that it is a new
 * ledger (l->fresh: oms_ledger_begin writes it anew); with events after
 * it, it is refused with the command that repairs it.
 */
static int
check_head(struct oms_ledger *l, int fd, struct oms_err *err)
{
	struct oms_buf h;
	char buf[512];
	size_t k, n;
	ssize_t r;
	const char *nl;

	oms_buf_init(&h, 0);
	if (header_line(&h, err) == -1)
		return (-1);
	n = l->size < (off_t)sizeof(buf) ? (size_t)l->size : sizeof(buf);
	if ((r = pread(fd, buf, n, 0)) != (ssize_t)n) {
		oms_buf_release(&h);
		return (oms_err_sys(err, r == -1 ? errno : EIO, l->path,
		    "read"));
	}
	for (k = 0; k < n && k < h.len && buf[k] == h.s[k]; k++)
		;
	if (k == h.len) {		/* the header, whole */
		oms_buf_release(&h);
		return (0);
	}
	if (k == n && (off_t)n == l->size) {
		/* all there is is a piece of the header: no events */
		l->fresh = 1;
		oms_buf_release(&h);
		return (0);
	}
	nl = memchr(buf, '\n', n);
	if (nl != NULL && (size_t)(nl - buf) + 1 < n && memchr(buf, '\t',
	    (size_t)(nl - buf)) != NULL && (k > 0 || (buf[0] >= '0' &&
	    buf[0] <= '9'))) {
		/* events follow a missing or cut header */
		char hdr[256], *o = hdr;
		size_t i;

		for (i = 0; i + 1 < h.len && o < hdr + sizeof(hdr) - 3; i++)
			if (h.s[i] == '\t') {
				*o++ = '\\';
				*o++ = 't';
			} else
				*o++ = h.s[i];
		*o = '\0';
		oms_err_set(err, OMS_EDATA, l->path, 1, "the ledger's header "
		    "line is %s but events follow it (an older oms created "
		    "it on a full disk?); nothing was changed.  To repair it, "
		    "in the workspace run: (umask 077; { printf '%s\\n'; "
		    "tail -c +%zu ledger.tsv; } >ledger.new) && "
		    "mv ledger.new ledger.tsv",
		    k == 0 ? "missing" : "cut short", hdr, k + 1);
		oms_buf_release(&h);
		return (-1);
	}
	oms_buf_release(&h);
	return (0);	/* not ours: one_line says so naming the column */
}

/* The offset just after the last commit line (or the header). */
static int
find_committed(struct oms_ledger *l, int fd, struct oms_err *err)
{
	char tail[4096], *nl;
	int fd0;
	size_t n, i;
	ssize_t r;
	off_t off;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	/* fast path: the file ends with a commit line */
	n = l->size > (off_t)sizeof(tail) ? sizeof(tail) : (size_t)l->size;
	if ((r = pread(fd, tail, n, l->size - (off_t)n)) != (ssize_t)n)
		return (oms_err_sys(err, errno, l->path, "read"));
	if (n > 0 && tail[n - 1] == '\n') {
		for (i = n - 1; i > 0 && tail[i - 1] != '\n'; i--)
			;
		if ((i > 0 || n == (size_t)l->size) &&
		    is_commit_line(tail + i, n - 1 - i)) {
			l->committed = l->size;
			return (0);
		}
	}
	/* slow path, after a crash: scan forward */
	fd0 = fd;
	if ((fd = dup(fd)) == -1 || (fp = fdopen(fd, "r")) == NULL)
		return (oms_err_sys(err, errno, l->path, "read"));
	off = 0;
	l->committed = 0;
	for (i = 0; (len = getline(&line, &cap, fp)) > 0; i++) {
		off += len;
		if (line[len - 1] != '\n')
			break;
		if (i == 0 || is_commit_line(line, (size_t)len - 1))
			l->committed = off;
	}
	nl = line;
	free(nl);
	fclose(fp);
	/* the dup shared our offset */
	if (lseek(fd0, 0, SEEK_SET) == -1)
		return (oms_err_sys(err, errno, l->path, "seek"));
	return (0);
}

struct oms_ledger *
oms_ledger_open(const char *path, struct oms_err *err)
{
	return (oms_ledger_open_with(path, NULL, NULL, err));
}

struct oms_ledger *
oms_ledger_open_with(const char *path, int (*fn)(void *,
    const struct oms_ledger *, char *const *, unsigned long,
    struct oms_err *), void *arg, struct oms_err *err)
{
	struct oms_ledger *l;
	struct stat st;
	char *buf = NULL, *p, *nl, *f[OMS_L_NCOL];
	size_t bcap, have, want;
	ssize_t n;
	ptrdiff_t len;
	off_t off;
	unsigned long lineno;
	int fd, bad;

	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->path = strdup(path)) == NULL) {
		free(l);
		oms_err_set(err, OMS_ENOMEM, path, 0, "out of memory");
		return (NULL);
	}
	omsi_arena_init(&l->arena);
	omsi_hash_init(&l->acct_idx);
	omsi_hash_init(&l->reg_idx);
	omsi_hash_init(&l->imported);
	omsi_hash_init(&l->strings);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (l);
		if (errno == ELOOP)
			oms_err_link(err, path);
		else
			oms_err_sys(err, errno, path, "open");
		goto fail;
	}
	if (fstat(fd, &st) == -1) {
		oms_err_sys(err, errno, path, "stat");
		close(fd);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		oms_err_set(err, OMS_EIO, path, 0, "is not a regular file; "
		    "move it away");
		close(fd);
		goto fail;
	}
	l->size = st.st_size;
	if (check_head(l, fd, err) == -1) {
		close(fd);
		goto fail;
	}
	if (l->fresh) {
		/* no events: as if there were no file (begin replaces it) */
		close(fd);
		l->size = 0;
		return (l);
	}
	if (find_committed(l, fd, err) == -1) {
		close(fd);
		goto fail;
	}
	/*
	 * Read in big blocks and split the lines in place: no stdio copy of
	 * every line, and the checks for NUL and CR run over a block at a
	 * time (a line is looked for only when one is there).
	 */
	if ((buf = malloc(READ_BLOCK + 1)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, path, 0, "out of memory");
		close(fd);
		goto fail;
	}
	bcap = READ_BLOCK;
	have = 0;
	off = 0;
	lineno = 1;
	while (off < l->committed) {
		want = (size_t)(l->committed - off) < bcap - have ?
		    (size_t)(l->committed - off) : bcap - have;
		do
			n = read(fd, buf + have, want);
		while (n == -1 && errno == EINTR);
		if (n == -1) {
			oms_err_sys(err, errno, path, "read");
			goto fail_fd;
		}
		if (n == 0)
			break;		/* cut short under us: what was read */
		bad = memchr(buf + have, '\0', (size_t)n) != NULL ||
		    memchr(buf + have, '\r', (size_t)n) != NULL;
		have += (size_t)n;
		off += n;
		for (p = buf; (nl = memchr(p, '\n', have - (size_t)(p -
		    buf))) != NULL; p = nl + 1, lineno++) {
			*nl = '\0';
			len = nl - p;
			if (bad && (memchr(p, '\0', (size_t)len) != NULL ||
			    memchr(p, '\r', (size_t)len) != NULL)) {
				oms_err_set(err, OMS_EDATA, path, lineno,
				    "NUL or carriage return in the ledger");
				goto fail_fd;
			}
			if (one_line(l, p, (size_t)len, f, lineno, fn, arg,
			    err) == -1)
				goto fail_fd;
		}
		/* the start of a line that goes on in the next block */
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == bcap) {
			char *b = realloc(buf, bcap * 2 + 1);

			if (b == NULL) {
				oms_err_set(err, OMS_ENOMEM, path, 0,
				    "out of memory");
				goto fail_fd;
			}
			buf = b;
			bcap *= 2;
		}
	}
	close(fd);
	free(buf);
	buf = NULL;
	l->lines = lineno - 1;
	return (l);
fail_fd:
	close(fd);
fail:
	free(buf);
	oms_ledger_free(l);
	return (NULL);
}

/* The header (line 1) or an event of oms_ledger_open_with. */
static int
one_line(struct oms_ledger *l, char *line, size_t len, char **f,
    unsigned long lineno, int (*fn)(void *, const struct oms_ledger *,
    char *const *, unsigned long, struct oms_err *), void *arg,
    struct oms_err *err)
{
	int i;

	if (split(l, line, len, f, lineno, err) == -1) {
		if (lineno == 1)
			oms_err_set(err, OMS_EDATA, l->path, 1, "not an oms "
			    "ledger: the header does not have the %d ledger "
			    "columns", OMS_L_NCOL);
		return (-1);
	}
	if (lineno == 1) {
		for (i = 0; i < OMS_L_NCOL; i++)
			if (strcmp(f[i], colnames[i]) != 0)
				return (oms_err_set(err, OMS_EDATA, l->path, 1,
				    "not an oms ledger: column %d is \"%s\", "
				    "expected \"%s\"", i + 1, f[i],
				    colnames[i]));
		return (0);
	}
	if (fold(l, f, lineno, err) == -1 ||
	    (fn != NULL && fn(arg, l, f, lineno, err) != 0))
		return (-1);
	return (0);
}

void
oms_ledger_free(struct oms_ledger *l)
{
	size_t i;

	if (l == NULL)
		return;
	omsi_hash_release(&l->acct_idx);
	omsi_hash_release(&l->reg_idx);
	omsi_hash_release(&l->imported);
	omsi_hash_release(&l->strings);
	free(l->str);
	free(l->fix);
	free(l->itime);
	free(l->pastc);
	free(l->contra);
	omsi_arena_release(&l->arena);
	for (i = 0; i < l->nablk; i++)
		free(l->ablk[i]);
	free(l->ablk);
	free(l->reg);
	free(l->path);
	free(l);
}

size_t
oms_ledger_torn(const struct oms_ledger *l)
{
	return ((size_t)(l->size - l->committed));
}

const struct oms_acct *
oms_ledger_acct(const struct oms_ledger *l, const char *id)
{
	size_t i;

	if (!omsi_hash_get(&l->acct_idx, id, &i))
		return (NULL);
	return (ACCT(l, i));
}

size_t
oms_ledger_nreg(const struct oms_ledger *l)
{
	return (l->nreg);
}

const struct oms_reg *
oms_ledger_reg(const struct oms_ledger *l, size_t i)
{
	return (i < l->nreg ? &l->reg[i] : NULL);
}

int
oms_ledger_find_reg(const struct oms_ledger *l, const char *name)
{
	size_t i;

	return (omsi_hash_get(&l->reg_idx, name, &i) ? (int)i : -1);
}

int
oms_ledger_next_package(const struct oms_ledger *l, int period)
{
	size_t i;
	int max = 0;

	for (i = 0; i < l->nreg; i++)
		if (l->reg[i].period == period && l->reg[i].package > max)
			max = l->reg[i].package;
	return (max + 1);
}

int
oms_ledger_foreach(const struct oms_ledger *l,
    int (*fn)(void *, const struct oms_acct *), void *arg)
{
	size_t i;
	int r;

	for (i = 0; i < l->nacct; i++)
		if ((r = fn(arg, ACCT(l, i))) != 0)
			return (r);
	return (0);
}

const struct oms_acct *
oms_ledger_claim(const struct oms_ledger *l, const char *id, int ri)
{
	size_t i;

	if (!omsi_hash_get(&l->acct_idx, id, &i))
		return (NULL);
	return (claim_in((struct oms_ledger *)l, ACCT(l, i), ri));
}

int
oms_ledger_foreach_claim(const struct oms_ledger *l, int period,
    int (*fn)(void *, const struct oms_acct *, int), void *arg)
{
	const struct oms_acct *a, *c;
	const struct oms_reg *r;
	size_t i;
	int32_t p;
	int rv;

	for (i = 0; i < l->nacct; i++) {
		a = ACCT(l, i);
		for (c = a, p = a->past; c != NULL; c = p >= 0 ?
		    &l->pastc[p] : NULL, p = c != NULL ? c->past : -1) {
			if (c->reg < 0)
				continue;
			r = &l->reg[c->reg];
			if ((period != -1 && r->period != period) ||
			    (r->test && r->restored))
				continue;
			if ((rv = fn(arg, c, c == a)) != 0)
				return (rv);
		}
	}
	return (0);
}

size_t
oms_ledger_ncontra(const struct oms_ledger *l)
{
	return (l->ncontra);
}

const struct oms_contra *
oms_ledger_contra(const struct oms_ledger *l, size_t i)
{
	return (i < l->ncontra ? &l->contra[i] : NULL);
}

const char *
oms_contra_name(int kind)
{
	static const char *const names[OMS_CT_NKINDS] = {
		"", "flk-accepted", "sum", "left"
	};

	return (kind > 0 && kind < OMS_CT_NKINDS ? names[kind] : "");
}

int
oms_contra_text(const struct oms_ledger *l, const struct oms_contra *c,
    char *buf, size_t len)
{
	const char *reg = c->reg >= 0 && (size_t)c->reg < l->nreg ?
	    l->reg[c->reg].name : "?";
	char s1[32], s2[32];

	switch (c->kind) {
	case OMS_CT_FLK:
		if (c->stage == OMS_STAGE_FLK)
			return (snprintf(buf, len, "account %s: this ФЛК "
			    "protocol refuses it in registry %s, but the %s "
			    "stage accepted it (%s); the later stage stands",
			    c->account, reg, oms_stage_name(c->other_stage),
			    c->other));
		return (snprintf(buf, len, "account %s: the ФЛК refused it "
		    "in registry %s, but this %s answer accepts it; the "
		    "later stage stands", c->account, reg,
		    oms_stage_name(c->stage)));
	case OMS_CT_SUM:
		return (snprintf(buf, len, "account %s: registry %s claimed "
		    "%s, the reply says %s", c->account, reg,
		    oms_money_fmt(c->sent, s1), oms_money_fmt(c->said, s2)));
	case OMS_CT_LEFT:
		return (snprintf(buf, len, "account %s has left registry %s "
		    "(now in %s): the %s decision counts for %s only, not "
		    "for the account's state", c->account, reg,
		    *c->other != '\0' ? c->other : "none",
		    oms_stage_name(c->stage), reg));
	}
	return (snprintf(buf, len, "account %s: ?", c->account));
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

/* Fold the lines of a block we have just written. */
static int
fold_block(struct oms_ledger *l, char *s, size_t len, struct oms_err *err)
{
	char *p, *e, *f[OMS_L_NCOL];

	for (p = s; p < s + len; p = e + 1) {
		e = memchr(p, '\n', (size_t)(s + len - p));
		l->lines++;
		if (split(l, p, (size_t)(e - p), f, l->lines, err) == -1 ||
		    fold(l, f, l->lines, err) == -1)
			return (-1);
	}
	return (0);
}

/*
 * A new ledger: its header goes into a temporary file made durable, which
 * then takes the ledger's name, so that no crash and no full disk can
 * leave a ledger without its header.  An empty or header-torn one (fresh)
 * is replaced; otherwise link(2) refuses to replace one that a run
 * outside the lock has made meanwhile.
 */
static int
create(struct oms_ledger *l, struct oms_err *err)
{
	struct oms_afile af;
	struct oms_buf hdr;
	int rc = -1;

	oms_buf_init(&hdr, 0);
	if (header_line(&hdr, err) == -1 ||
	    oms_afile_open(&af, l->path, err) == -1)
		goto out;
	if (fwrite(hdr.s, 1, hdr.len, af.fp) != hdr.len) {
		oms_err_sys(err, errno, l->path, "write the header");
		oms_afile_abort(&af);
		goto out;
	}
	if ((l->fresh ? oms_afile_publish(&af, err) :
	    oms_afile_publish_new(&af, err)) == -1) {
		oms_afile_abort(&af);	/* no temporary file stays */
		goto out;
	}
	l->committed = l->size = (off_t)hdr.len;
	l->lines = 1;
	l->fresh = 0;
	rc = 0;
out:
	oms_buf_release(&hdr);
	return (rc);
}

int
oms_ledger_begin(struct oms_ledger *l, struct oms_ledger_tx *tx,
    struct oms_err *err)
{
	struct stat st;
	int fd;

	memset(tx, 0, sizeof(*tx));
	tx->l = l;
	tx->fd = -1;
	if (l->fresh && create(l, err) == -1)
		return (-1);
	fd = open(l->path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		if (create(l, err) == -1)
			return (-1);
		tx->created = 1;
		fd = open(l->path, O_WRONLY | O_APPEND | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
	}
	if (fd == -1) {
		if (errno == ELOOP)
			return (oms_err_link(err, l->path));
		return (oms_err_sys(err, errno, l->path, "open"));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return (oms_err_set(err, OMS_EIO, l->path, 0,
		    "is not a regular file; move it away"));
	}
	if (st.st_size != l->size && st.st_size != l->committed) {
		/* somebody wrote it since we read it (not under the lock) */
		close(fd);
		return (oms_err_set(err, OMS_EIO, l->path, 0, "changed since "
		    "it was read (%lld bytes, read %lld): was it written "
		    "without the workspace lock? run again",
		    (long long)st.st_size, (long long)l->size));
	}
	if (st.st_size != l->committed &&
	    ftruncate(fd, l->committed) == -1) {
		oms_err_sys(err, errno, l->path,
		    "cut off the torn tail left by an interrupted run");
		close(fd);
		return (-1);
	}
	l->size = l->committed;
	tx->fd = fd;
	return (0);
}

void
oms_ledger_abort(struct oms_ledger_tx *tx)
{
	if (tx->fd == -1)
		return;
	/* leave no partial block behind */
	(void)ftruncate(tx->fd, tx->l->committed);
	(void)fsync(tx->fd);
	close(tx->fd);
	tx->fd = -1;
}

int
oms_ledger_flush(struct oms_ledger_tx *tx, struct oms_buf *block,
    struct oms_err *err)
{
	if (block->len == 0)
		return (0);
	if (write_all(tx->fd, block->s, block->len) == -1) {
		oms_err_sys(err, errno, tx->l->path, "append");
		oms_ledger_abort(tx);
		return (-1);
	}
	tx->flushed += block->len;
	oms_buf_reset(block);
	return (0);
}

/* Fold what a transaction wrote, read back from the file in pieces. */
static int
fold_back(struct oms_ledger *l, off_t from, off_t to, struct oms_err *err)
{
	char *buf, *nl;
	size_t cap = (size_t)1 << 20, have = 0, n;
	ssize_t r;
	int fd, rc = 0;

	if ((fd = open(l->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (oms_err_sys(err, errno, l->path, "open"));
	if ((buf = malloc(cap)) == NULL) {
		close(fd);
		return (oms_err_set(err, OMS_ENOMEM, l->path, 0,
		    "out of memory"));
	}
	while (from < to && rc == 0) {
		n = cap - have;
		if ((off_t)n > to - from)
			n = (size_t)(to - from);
		if ((r = pread(fd, buf + have, n, from)) <= 0) {
			rc = oms_err_sys(err, r == 0 ? EIO : errno, l->path,
			    "read back");
			break;
		}
		from += r;
		have += (size_t)r;
		/* the whole lines; a line longer than the buffer grows it */
		for (nl = buf + have; nl > buf && nl[-1] != '\n'; nl--)
			;
		if (nl-- == buf) {
			char *b;

			if (have < cap)
				continue;
			if ((b = realloc(buf, cap * 2)) == NULL) {
				rc = oms_err_set(err, OMS_ENOMEM, l->path, 0,
				    "out of memory");
				break;
			}
			buf = b;
			cap *= 2;
			continue;
		}
		n = (size_t)(nl - buf) + 1;
		rc = fold_block(l, buf, n, err);
		memmove(buf, buf + n, have - n);
		have -= n;
	}
	free(buf);
	close(fd);
	return (rc);
}

int
oms_ledger_commit(struct oms_ledger_tx *tx, struct oms_buf *block,
    const char *op, const char *now, struct oms_err *err)
{
	struct oms_ledger *l = tx->l;
	const char *f[OMS_L_NCOL] = { 0 };
	char data[64];
	off_t from = l->committed;
	size_t start = block->len;

	f[OMS_L_TIME] = now;
	f[OMS_L_EVENT] = "commit";
	snprintf(data, sizeof(data), "op=%s", op);
	f[OMS_L_DATA] = data;
	if (oms_ledger_line(block, f, err) == -1) {
		oms_ledger_abort(tx);
		return (-1);
	}
	if (write_all(tx->fd, block->s, block->len) == -1 ||
	    fsync(tx->fd) == -1) {
		oms_err_sys(err, errno, l->path, "append");
		oms_ledger_abort(tx);
		goto undo;
	}
	if (close(tx->fd) == -1) {
		tx->fd = -1;
		oms_err_sys(err, errno, l->path, "close");
		goto undo;
	}
	tx->fd = -1;
	l->committed += (off_t)(tx->flushed + block->len);
	l->size = l->committed;
	if (tx->flushed == 0)
		return (fold_block(l, block->s, block->len, err));
	return (fold_back(l, from, l->committed, err));
undo:
	block->len = start;
	if (block->s != NULL)
		block->s[start] = '\0';
	return (-1);
}

int
oms_ledger_append(struct oms_ledger *l, struct oms_buf *block, const char *op,
    const char *now, struct oms_err *err)
{
	struct oms_ledger_tx tx;

	if (oms_ledger_begin(l, &tx, err) == -1)
		return (-1);
	return (oms_ledger_commit(&tx, block, op, now, err));
}
