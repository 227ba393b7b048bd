/*
 * requeue.c -- refused accounts queued again, one-off fixes, test
 * registries restored
 *
 * Every change is a ledger event, so the lineage of an account (which
 * registry refused it, with what reasons, which one carries it again) is
 * the ledger itself; nothing is ever rewritten or forgotten.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlstring.h>

#include "oms_int.h"

static int
add_item(struct oms_rq_res *res, const char *account, int action,
    const char *registry, const char *reasons, const char *detail)
{
	struct oms_rq_item *v, *it;

	if ((v = reallocarray(res->v, res->n + 1, sizeof(*v))) == NULL)
		return (-1);
	res->v = v;
	it = &v[res->n];
	it->action = action;
	it->account = strdup(account);
	it->registry = strdup(registry != NULL ? registry : "");
	it->reasons = strdup(reasons != NULL ? reasons : "");
	it->detail = strdup(detail != NULL ? detail : "");
	res->n++;
	if (it->account == NULL || it->registry == NULL ||
	    it->reasons == NULL || it->detail == NULL)
		return (-1);
	if (action == OMS_RQ_REFUSED)
		res->nrefused++;
	return (0);
}

void
oms_rq_res_release(struct oms_rq_res *res)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		free(res->v[i].account);
		free(res->v[i].registry);
		free(res->v[i].reasons);
		free(res->v[i].detail);
	}
	free(res->v);
	memset(res, 0, sizeof(*res));
}

const char *
oms_rq_action_name(int a)
{
	static const char *const names[] = {
		"", "queued", "fixed", "withdrawn", "restored", "refused"
	};

	if (a < OMS_RQ_QUEUED || a > OMS_RQ_REFUSED)
		return ("?");
	return (names[a]);
}

int
oms_fix_path_valid(const char *p)
{
	const char *s;
	size_t n;

	if (strncmp(p, "PERS/", 5) == 0)
		p += 5;
	for (s = p; ; s += n + 1) {
		n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (n == 0 || (s[n] != '/' && s[n] != '\0'))
			return (0);
		if (s[n] == '\0')
			return (1);
	}
}

/* Paths the export numbers itself, after it has made the fixes. */
static const char *const numbered[] = { "N_ZAP", "PR_NOV", "Z_SL/IDCASE" };

int
oms_fix_check(const char *path, const char *value, struct oms_err *err)
{
	const unsigned char *p;
	size_t i, n;

	if (!oms_fix_path_valid(path))
		return (oms_err_set(err, OMS_EDATA, NULL, 0, "\"%s\" is not a "
		    "path of elements such as PACIENT/ENP or PERS/FAM", path));
	if ((n = strlen(path)) > OMS_FIX_PATH_MAX)
		return (oms_err_set(err, OMS_EDATA, NULL, 0, "a path of %zu "
		    "bytes: the ledger keeps at most %d", n,
		    OMS_FIX_PATH_MAX));
	for (i = 0; i < sizeof(numbered) / sizeof(numbered[0]); i++)
		if (strcmp(path, numbered[i]) == 0)
			return (oms_err_set(err, OMS_EDATA, NULL, 0, "%s is "
			    "numbered by oms-export, which would overwrite a "
			    "fix of it", path));
	if ((n = strlen(value)) > OMS_FIX_VALUE_MAX)
		return (oms_err_set(err, OMS_EDATA, NULL, 0, "%s: a value of "
		    "%zu bytes: the ledger keeps at most %d", path, n,
		    OMS_FIX_VALUE_MAX));
	if (xmlCheckUTF8((const xmlChar *)value) == 0)
		return (oms_err_set(err, OMS_EDATA, NULL, 0, "%s: the value is "
		    "not UTF-8", path));
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return (oms_err_set(err, OMS_EDATA, NULL, 0, "%s: the "
			    "value holds control character 0x%02x, which XML "
			    "text cannot", path, *p));
	return (0);
}

/* The first reason of reasons that is in final, or NULL. */
static const char *
final_reason(const char *reasons, char *const *final)
{
	const char *p;
	size_t n, i;

	for (p = reasons; final != NULL && *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		for (i = 0; n > 0 && final[i] != NULL; i++)
			if (strlen(final[i]) == n &&
			    memcmp(final[i], p, n) == 0)
				return (final[i]);
	}
	return (NULL);
}

/*
 * Why account a cannot be queued, in why (empty when it can).  Returns 1
 * when --force would allow it.
 */
static int
refusal(const struct oms_ledger *l, const struct oms_acct *a,
    const struct oms_requeue_opts *o, char *why, size_t len)
{
	const struct oms_reg *r;
	char sum[32];
	const char *fr;

	why[0] = '\0';
	r = a != NULL && a->reg >= 0 ? oms_ledger_reg(l, (size_t)a->reg) : NULL;
	if (a == NULL) {
		snprintf(why, len, "never sent: oms-select lists it when it "
		    "is due");
		return (0);
	}
	switch (a->state) {
	case OMS_ST_NEW:
		snprintf(why, len, "not sent since its test registry was "
		    "restored: it is due as it is");
		return (0);
	case OMS_ST_INFLIGHT:
		snprintf(why, len, "in flight in %s: no decision yet",
		    r != NULL ? r->name : "?");
		return (0);
	case OMS_ST_ACCEPTED:
		snprintf(why, len, "accepted in %s", r != NULL ? r->name : "?");
		return (0);
	case OMS_ST_QUEUED:
		snprintf(why, len, "already queued for the next registry");
		return (0);
	default:
		break;
	}
	if (r != NULL && r->test) {
		snprintf(why, len, "refused by the test registry %s: restore "
		    "the test registries of its period instead "
		    "(oms-requeue --restore-test)", r->name);
		return (0);
	}
	if (o->force)
		return (1);
	if (a->state == OMS_ST_PARTIAL) {
		snprintf(why, len, "partly paid in %s (%s accepted): sending "
		    "it again claims the accepted part twice; --force to "
		    "queue it anyway", r != NULL ? r->name : "?",
		    oms_money_fmt(a->accepted, sum));
		return (1);
	}
	if ((fr = final_reason(a->reasons, o->final)) != NULL) {
		snprintf(why, len, "refused for %s, which sending again does "
		    "not cure (requeue.final in oms.conf); --force to queue "
		    "it anyway", fr);
		return (1);
	}
	return (1);
}

static int
event(struct oms_buf *b, const char *now, int type,
    const char *account, const struct oms_reg *r, const char *file,
    const char *data, struct oms_err *err)
{
	const char *f[OMS_L_NCOL] = { 0 };
	char period[8];

	f[OMS_L_TIME] = now;
	f[OMS_L_EVENT] = oms_event_name(type);
	f[OMS_L_ACCOUNT] = account;
	if (r != NULL) {
		f[OMS_L_REGISTRY] = r->name;
		f[OMS_L_PERIOD] = oms_period_fmt(r->period, period);
		f[OMS_L_KIND] = r->kind;
	}
	f[OMS_L_FILE] = file;
	f[OMS_L_DATA] = data;
	return (oms_ledger_line(b, f, err));
}

static int
has_fix(const struct oms_ledger *l, const char *account, const char *path)
{
	const struct oms_fix *f;
	size_t i, n = oms_ledger_nfix(l);

	for (i = 0; i < n; i++) {
		f = oms_ledger_fix(l, i);
		if (strcmp(f->account, account) == 0 &&
		    strcmp(f->path, path) == 0)
			return (1);
	}
	return (0);
}

/*
 * Whether the export makes the fixes of account a once o's are recorded.
 * It makes them only when the fold counts some in force for a
 * (a->nfixes), and a fix recorded before its account was first sent is
 * not counted, while withdrawing or replacing it is: the count the fold
 * will reach, as it reaches it.
 */
static int
fixes_made(const struct oms_ledger *l, const struct oms_acct *a,
    const struct oms_requeue_opts *o)
{
	unsigned n = a->nfixes;
	size_t k, j;
	int old;

	for (k = 0; k < o->nfix; k++) {
		old = has_fix(l, a->id, o->path[k]);
		for (j = 0; !old && j < k; j++)
			old = strcmp(o->path[j], o->path[k]) == 0;
		if (old)
			n--;
		n++;
	}
	return (n != 0);
}

int
oms_requeue(struct oms_ledger *l, const char *const *acc, size_t n,
    const struct oms_requeue_opts *o, struct oms_rq_res *res,
    struct oms_err *err)
{
	struct omsi_hash seen;
	struct oms_buf b, d;
	const struct oms_acct *a;
	const struct oms_reg *r;
	char now[32], why[512], forced[8];
	size_t i, k, nev = 0;
	int ok, rc = -1;

	memset(res, 0, sizeof(*res));
	omsi_hash_init(&seen);
	oms_buf_init(&b, (size_t)1 << 30);
	oms_buf_init(&d, OMS_TSV_LINE_MAX);
	oms_ledger_now(now, sizeof(now));
	for (k = 0; k < o->nfix; k++) {
		/* any fix in force can be withdrawn */
		if (o->mode == OMS_RQ_MODE_WITHDRAW &&
		    !oms_fix_path_valid(o->path[k])) {
			oms_err_set(err, OMS_EDATA, NULL, 0, "\"%s\" is not a "
			    "path of elements such as PACIENT/ENP or PERS/FAM",
			    o->path[k]);
			goto out;
		}
		if (o->mode != OMS_RQ_MODE_WITHDRAW &&
		    oms_fix_check(o->path[k], o->value[k], err) == -1)
			goto out;
	}
	for (i = 0; i < n; i++) {
		if (omsi_hash_get(&seen, acc[i], NULL)) {
			if (add_item(res, acc[i], OMS_RQ_REFUSED, NULL, NULL,
			    "given twice") == -1)
				goto nomem;
			continue;
		}
		if (omsi_hash_put(&seen, acc[i], i) == -1)
			goto nomem;
		a = oms_ledger_acct(l, acc[i]);
		r = a != NULL && a->reg >= 0 ? oms_ledger_reg(l,
		    (size_t)a->reg) : NULL;
		if (o->mode == OMS_RQ_MODE_WITHDRAW) {
			for (k = 0; k < o->nfix; k++) {
				ok = has_fix(l, acc[i], o->path[k]);
				oms_buf_reset(&d);
				if (ok && (oms_ledger_data(&d, "path",
				    o->path[k], err) == -1 || event(&b, now,
				    OMS_EV_UNFIX, acc[i], NULL, NULL, d.s,
				    err) == -1))
					goto out;
				nev += ok;
				if (add_item(res, acc[i], ok ?
				    OMS_RQ_WITHDRAWN : OMS_RQ_REFUSED, NULL,
				    NULL, ok ? o->path[k] : "no such fix in "
				    "force (oms-requeue --fixes)") == -1)
					goto nomem;
			}
			continue;
		}
		ok = refusal(l, a, o, why, sizeof(why));
		/* a fix alone may go to an account queued, or new again */
		if (o->nfix > 0 && a != NULL && (a->state == OMS_ST_NEW ||
		    a->state == OMS_ST_QUEUED)) {
			ok = 1;
			why[0] = '\0';
		}
		/*
		 * Never sent: the export makes the fixes of the accounts the
		 * ledger knows, so the first one would go without it.
		 */
		if (a == NULL && o->nfix > 0)
			snprintf(why, sizeof(why), "never sent: a fix is made "
			    "only on an account sent before; correct its case "
			    "in the MIS and export it to source/ again, whose "
			    "newest version its first registry carries");
		else if (ok && why[0] == '\0' && o->nfix > 0 &&
		    !fixes_made(l, a, o))
			snprintf(why, sizeof(why), "the ledger holds a fix of "
			    "it recorded before it was first sent, and with "
			    "it oms-export would make none of its fixes (see "
			    "BUGS in oms-requeue(1)); correct its case in the "
			    "MIS and export it to source/ again");
		if (!ok || why[0] != '\0') {
			if (add_item(res, acc[i], OMS_RQ_REFUSED, r != NULL ?
			    r->name : NULL, a != NULL ? a->reasons : NULL,
			    why) == -1)
				goto nomem;
			continue;
		}
		for (k = 0; k < o->nfix; k++) {
			oms_buf_reset(&d);
			if (oms_ledger_data(&d, "path", o->path[k], err) ==
			    -1 || oms_ledger_data(&d, "value", o->value[k],
			    err) == -1 || event(&b, now, OMS_EV_FIX, acc[i],
			    NULL, NULL, d.s, err) == -1)
				goto out;
			nev++;
			if (add_item(res, acc[i], OMS_RQ_FIXED, NULL, NULL,
			    o->path[k]) == -1)
				goto nomem;
		}
		if (a == NULL || (a->state != OMS_ST_REJECTED &&
		    a->state != OMS_ST_PARTIAL))
			continue;
		oms_buf_reset(&d);
		snprintf(forced, sizeof(forced), "%d", o->force);
		if (oms_ledger_data(&d, "stage", oms_stage_name(a->stage),
		    err) == -1 || oms_ledger_data(&d, "decision",
		    oms_state_name(a->state), err) == -1 ||
		    oms_ledger_data(&d, "reasons", a->reasons, err) == -1 ||
		    oms_ledger_data(&d, "force", forced, err) == -1 ||
		    event(&b, now, OMS_EV_QUEUE, acc[i], r, a->reply, d.s,
		    err) == -1)
			goto out;
		nev++;
		if (add_item(res, acc[i], OMS_RQ_QUEUED, r->name, a->reasons,
		    oms_state_name(a->state)) == -1)
			goto nomem;
	}
	if (nev > 0 && !o->dry_run && oms_ledger_append(l, &b,
	    o->mode == OMS_RQ_MODE_WITHDRAW ? "withdraw" : "requeue", now,
	    err) == -1)
		goto out;
	rc = 0;
	goto out;
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
out:
	if (rc == -1)
		oms_rq_res_release(res);
	omsi_hash_release(&seen);
	oms_buf_release(&b);
	oms_buf_release(&d);
	return (rc);
}

struct restore {
	const struct oms_ledger *l;
	struct oms_rq_res	*res;
	int			*regs;		/* test registries restored */
	size_t			 nregs;
	int			 failed;
};

static int
restored_acct(void *arg, const struct oms_acct *a)
{
	struct restore *rs = arg;
	size_t i;

	for (i = 0; i < rs->nregs; i++)
		if (a->reg == rs->regs[i]) {
			if (add_item(rs->res, a->id, OMS_RQ_RESTORED,
			    oms_ledger_reg(rs->l, (size_t)a->reg)->name,
			    a->reasons, oms_state_name(a->prev_state)) == -1) {
				rs->failed = 1;
				return (1);
			}
			break;
		}
	return (0);
}

int
oms_restore_test(struct oms_ledger *l, int period, int dry_run,
    struct oms_rq_res *res, struct oms_err *err)
{
	struct restore rs;
	struct oms_buf b;
	const struct oms_reg *r;
	char now[32], ps[8];
	size_t i, nreg = oms_ledger_nreg(l);
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&rs, 0, sizeof(rs));
	rs.l = l;
	rs.res = res;
	oms_buf_init(&b, (size_t)1 << 30);
	oms_ledger_now(now, sizeof(now));
	if ((rs.regs = calloc(nreg + 1, sizeof(*rs.regs))) == NULL)
		goto nomem;
	for (i = 0; i < nreg; i++) {
		r = oms_ledger_reg(l, i);
		if (!r->test || r->restored || r->period != period)
			continue;
		rs.regs[rs.nregs++] = (int)i;
		if (event(&b, now, OMS_EV_RESTORE, "", r, r->archive, NULL,
		    err) == -1)
			goto out;
	}
	if (rs.nregs == 0) {
		oms_err_set(err, OMS_EDATA, NULL, 0, "no test registry of %s "
		    "to restore", oms_period_fmt(period, ps));
		goto out;
	}
	/* what will change, before the fold changes it */
	(void)oms_ledger_foreach(l, restored_acct, &rs);
	if (rs.failed)
		goto nomem;
	if (!dry_run && oms_ledger_append(l, &b, "restore-test", now,
	    err) == -1)
		goto out;
	rc = 0;
	goto out;
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
out:
	if (rc == -1)
		oms_rq_res_release(res);
	free(rs.regs);
	oms_buf_release(&b);
	return (rc);
}
