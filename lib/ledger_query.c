/*
 * ledger_query.c -- what the ledger answers once it is read: accounts,
 * registries, claims, fixes, imports and contradictions from the fold,
 * and an account's history or a registry's map by reading the file again
 */
#include <stdio.h>
#include <string.h>

#include "ledger_int.h"

/*
 * A view of a for the caller: the next of the ledger's LEDGER_NVIEW, so
 * that the last ones handed out stay valid while more are asked for
 * (and callers on other threads get other ones).
 */
static const struct oms_acct *
view(const struct oms_ledger *l, const struct acct *a)
{
	struct oms_acct *v;

	if (a == NULL)
		return (NULL);
	v = &l->views->v[__atomic_fetch_add(&l->views->next, 1,
	    __ATOMIC_RELAXED) % LEDGER_NVIEW];
	omsi_ledger_view(l, a, v);
	return (v);
}

const struct oms_acct *
oms_ledger_acct(const struct oms_ledger *l, const char *id)
{
	return (view(l, omsi_ledger_find(l, id)));
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
	struct oms_acct v;
	size_t i;
	int r;

	for (i = 0; i < l->nacct; i++) {
		omsi_ledger_view(l, ACCT(l, i), &v);
		if ((r = fn(arg, &v)) != 0)
			return (r);
	}
	return (0);
}

const struct oms_acct *
oms_ledger_claim(const struct oms_ledger *l, const char *id, int ri)
{
	struct acct *a;

	if ((a = omsi_ledger_find(l, id)) == NULL)
		return (NULL);
	return (view(l, omsi_ledger_claim_in(l, a, ri)));
}

int
oms_ledger_foreach_claim(const struct oms_ledger *l, int period,
    int (*fn)(void *, const struct oms_acct *, int), void *arg)
{
	const struct acct *a, *c;
	const struct oms_reg *r;
	struct oms_acct v;
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
			omsi_ledger_view(l, c, &v);
			if ((rv = fn(arg, &v, c == a)) != 0)
				return (rv);
		}
	}
	return (0);
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

const char *
oms_ledger_imported(const struct oms_ledger *l, const char *sha)
{
	size_t i;

	return (omsi_hash_get(&l->imported, sha, &i) ? l->itime[i] : NULL);
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

int
oms_ledger_scan(const struct oms_ledger *l,
    int (*fn)(void *, const struct oms_ledger *, const struct oms_event *,
    struct oms_err *), void *arg, struct oms_err *err)
{
	return (omsi_ledger_scan_lines(l, NULL, fn, arg, err));
}

struct filter {
	const char	*key;		/* account or registry */
	int		(*fn)(void *, const struct oms_ledger *,
			    const struct oms_event *, struct oms_err *);
	int		(*map)(void *, const char *, const char *,
			    const char *);
	void		*arg;
};

static int
history_line(void *arg, const struct oms_ledger *l,
    const struct oms_event *ev, struct oms_err *err)
{
	struct filter *h = arg;

	if (strcmp(ev->f[OMS_L_ACCOUNT], h->key) != 0)
		return (0);
	return (h->fn(h->arg, l, ev, err));
}

int
oms_ledger_history(const struct oms_ledger *l, const char *account,
    int (*fn)(void *, const struct oms_ledger *, const struct oms_event *,
    struct oms_err *), void *arg, struct oms_err *err)
{
	struct filter h = { account, fn, NULL, arg };

	return (omsi_ledger_scan_lines(l, account, history_line, &h, err));
}

static int
map_line(void *arg, const struct oms_ledger *l, const struct oms_event *ev,
    struct oms_err *err)
{
	struct filter *h = arg;
	const struct acct *a;

	if (ev->type != OMS_EV_EXPORT ||
	    strcmp(ev->f[OMS_L_REGISTRY], h->key) != 0)
		return (0);
	/* the fold took every export: the id it holds, not the line's */
	if ((a = omsi_ledger_find(l, ev->f[OMS_L_ACCOUNT])) == NULL)
		return (oms_err_set(err, OMS_EINTERNAL, l->path, 0, "account "
		    "%s of registry %s is not in the ledger's fold",
		    ev->f[OMS_L_ACCOUNT], h->key));
	return (h->map(h->arg, ACCT_ID(l, a), ev->f[OMS_L_N_ZAP],
	    ev->f[OMS_L_IDCASE]));
}

int
oms_ledger_registry_map(const struct oms_ledger *l, const char *registry,
    int (*fn)(void *, const char *, const char *, const char *), void *arg,
    struct oms_err *err)
{
	struct filter h = { registry, NULL, fn, arg };
	const struct acct *a;
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
				if ((r = fn(arg, ACCT_ID(l, a), num, num)) !=
				    0)
					return (r);
			}
			return (0);
		}
	}
	return (omsi_ledger_scan_lines(l, registry, map_line, &h, err));
}
