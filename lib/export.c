/*
 * export.c -- an export: the selection, the ledger, the two-phase commit
 *
 * The accounts given are checked against source/ and the ledger, then the
 * workspace's profile writes them (its struct omsi_export_ops, reached by
 * omsi_profile_of): plan the registries, copy and check the records, and
 * with skip_invalid build again without the accounts found bad.  Only
 * when every account passed are the archives packed under temporary
 * names, made durable, recorded in the ledger (the commit point) and
 * given their names in outbox/.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_int.h"
#include "profile.h"

/* Does DIR/rel exist (1, the error saying what to do), or not (0)? */
static int
exists(const struct oms_ws *ws, const char *rel, struct oms_err *err)
{
	struct stat st;
	char *p;
	int r = 0;

	if ((p = oms_ws_path(ws, rel)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, rel, 0, "out of memory"));
	if (lstat(p, &st) == 0)
		r = oms_err_set(err, OMS_EIO, rel, 0, "exists but the ledger does "
		    "not record it (the ledger was cut, or restored from an "
		    "older copy?); oms never overwrites a registry that may "
		    "have been sent: if it was sent, restore ledger.tsv from "
		    "the copy that records it; if it was not, move it out of "
		    "outbox/; then run again");
	else if (errno != ENOENT)
		r = oms_err_sys(err, errno, rel, "stat");
	free(p);
	return (r);
}

/* The rules' reference files, in ref/ of the workspace or refdir. */
static char *
find_ref(void *arg, const char *name)
{
	struct exp *x = arg;

	return (oms_ws_find(x->ws, "ref", name, x->o->refdir));
}

/*
 * The rule table at path, with oms.conf's rule.ID settings; NULL with
 * err.
 */
static struct oms_rules *
load_rules(struct exp *x, const char *path, struct oms_err *err)
{
	const struct oms_conf *c = &x->ws->conf;
	struct oms_rules *rs;
	size_t i;

	if ((rs = oms_rules_load(path, find_ref, x, err)) == NULL)
		return (NULL);
	for (i = 0; i < c->nkv; i++)
		if (strncmp(c->keys[i], "rule.", 5) == 0 &&
		    oms_rules_set(rs, c->keys[i] + 5, c->vals[i], err) == -1) {
			snprintf(err->where, sizeof(err->where), "%s:%lu",
			    c->path ? c->path : "oms.conf", c->lines[i]);
			oms_rules_free(rs);
			return (NULL);
		}
	return (rs);
}

/* In the order of the documents and of the cases in them. */
static int
cmp_sel(const void *a, const void *b)
{
	const struct sel *x = a, *y = b;

	if (x->c->doc != y->c->doc)
		return (x->c->doc < y->c->doc ? -1 : 1);
	return (x->c->seq < y->c->seq ? -1 : x->c->seq > y->c->seq);
}

struct sel *
omsi_exp_sel(struct exp *x, const char *account)
{
	struct sel key;

	/* the selection is sorted by its cases, and a case is found by
	   its account: no walk over it per question */
	if ((key.c = oms_src_find(x->src, account)) == NULL)
		return (NULL);
	return (bsearch(&key, x->sel, x->nsel, sizeof(*x->sel), cmp_sel));
}

/* What one build made; the archives not published are removed. */
static void
release_regs(struct exp *x, const struct omsi_export_ops *ops)
{
	size_t i;

	ops->release(x);
	for (i = 0; i < x->nreg; i++)
		if (x->reg[i].af.tmp != NULL || x->reg[i].af.path != NULL)
			oms_afile_abort(&x->reg[i].af);
	free(x->reg);
	x->reg = NULL;
	x->nreg = 0;
}

/* One attempt over the accounts not marked bad; 1 = new bad accounts. */
static int
build(struct exp *x, const struct omsi_export_ops *ops, struct oms_ledger *l,
    struct oms_err *err)
{
	size_t i, nbad0 = 0, nbad = 0;

	for (i = 0; i < x->nsel; i++) {
		nbad0 += x->sel[i].bad;
		x->sel[i].seen = 0;
		x->sel[i].reg = -1;
	}
	if (x->rules != NULL)
		omsi_rules_reset(x->rules);
	if (x->krules != NULL)
		omsi_rules_reset(x->krules);
	if (ops->plan(x, l, err) == -1 || ops->copy(x, err) == -1)
		return (-1);
	for (i = 0; i < x->nsel; i++)
		nbad += x->sel[i].bad;
	return (nbad > nbad0);
}

/*
 * The ledger block goes out in pieces of this much: a registry's lines are
 * never held whole (the commit reads them back in pieces to fold them).
 */
#define RECORD_PIECE	((size_t)1 << 20)
/* the stdio buffer of the cases kept for the person rules */
#define EXP_SPOOLBUF	((size_t)256 << 10)

/*
 * The parts of an export line that are the same for a registry's
 * accounts, and a line put together from them.
 */
struct expline {
	const char	*now, *period, *reg;	/* plain, or NULL */
	char		 line[1024];
};

/*
 * Account s's line into b as oms_ledger_line writes it, byte for byte,
 * when none of its fields needs escaping; 0 with *done unset when one
 * does (or el->reg is NULL: the registry's does).
 */
static int
line_fast(struct expline *el, const struct sel *s, const char *file,
    const char *nz, const char *pr, const char *sum, const char *end,
    struct oms_buf *b, int *done, struct oms_err *err)
{
	const struct oms_case *c = s->c;
	const char *part[] = { el->now, "export", c->account, el->reg,
	    el->period, c->kind, c->payer, pr, nz, nz, sum, file };
	/* the parts to look at: the others are plain (digits, or checked
	   once for the registry) */
	static const unsigned char look[] = { 0, 0, 1, 0, 0, 1, 1, 0, 0, 0,
	    0, 1 };
	size_t i, k, n = 0, nd = strlen(c->dept), nd2 = strlen(c->doctor),
	    ne = strlen(end);
	char *line = el->line;

	*done = 0;
	if (el->reg == NULL || !omsi_ledger_plain(c->dept, nd, 1) ||
	    !omsi_ledger_plain(c->doctor, nd2, 1) || nd + nd2 + ne + 32 >
	    sizeof(el->line))
		return (0);
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		k = strlen(part[i]);
		if (n + k + 1 + nd + nd2 + ne + 32 > sizeof(el->line) ||
		    (look[i] && !omsi_ledger_plain(part[i], k, 0)))
			return (0);
		memcpy(line + n, part[i], k);
		n += k;
		line[n++] = '\t';
	}
#define PUT(p, len)	(memcpy(line + n, (p), (len)), n += (len))
	PUT("end=", 4);
	PUT(end, ne);
	if (nd > 0) {
		PUT(";dept=", 6);
		PUT(c->dept, nd);
	}
	if (nd2 > 0) {
		PUT(";doctor=", 8);
		PUT(c->doctor, nd2);
	}
#undef PUT
	line[n++] = '\n';
	*done = 1;
	return (oms_buf_add(b, line, n, err));
}

/*
 * The ledger block of an export: the registries and their accounts, the
 * commit point.  Its lines (200 MB at a million accounts) are written
 * on a thread of their own while the archives are packed and made
 * durable, and its commit line and fsync only after both: a crash
 * before the commit leaves a torn tail, which readers ignore and the
 * next writer cuts off (ledger.c), and temporary archives, which it
 * removes.
 */
struct rec {
	struct exp		*x;
	struct oms_ledger	*l;
	struct oms_ledger_tx	 tx;
	struct oms_buf		 b;	/* the lines the commit writes */
	char			 now[32];
	struct oms_err		 err;
	int			 rc;
	int			 stop;	/* packing failed: give up */
	int			 thread;	/* rec_lines runs on t */
	pthread_t		 t;
};

/* The block's lines but its last piece into the ledger; rc 0, or -1. */
static void *
rec_lines(void *arg)
{
	struct rec *rc = arg;
	struct exp *x = rc->x;
	struct oms_buf *b = &rc->b;
	struct oms_err *err = &rc->err;
	const char *f[OMS_L_NCOL], *file;
	char period[8], sum[32], data[128], nz[24], pr[4], end[16];
	size_t i, j;
	struct reg *r;
	struct oms_buf db;
	struct expline el;
	int done;

	rc->rc = -1;
	oms_buf_init(&db, OMS_TSV_LINE_MAX);
	oms_period_fmt(x->o->period, period);
	el.now = omsi_ledger_plain(rc->now, strlen(rc->now), 0) ? rc->now :
	    NULL;
	el.period = omsi_ledger_plain(period, strlen(period), 0) ? period :
	    NULL;
	/* a million accounts make 200 MB of lines: they go out in pieces */
	if (oms_ledger_begin(rc->l, &rc->tx, err) == -1)
		goto out;
	rc->tx.nofold = x->o->last_use;
	for (i = 0; i < x->nreg; i++) {
		r = &x->reg[i];
		memset(f, 0, sizeof(f));
		f[OMS_L_TIME] = rc->now;
		f[OMS_L_EVENT] = oms_event_name(OMS_EV_REGISTRY);
		f[OMS_L_REGISTRY] = r->out.name;
		f[OMS_L_PERIOD] = period;
		f[OMS_L_KIND] = r->out.kind;
		f[OMS_L_PAYER] = r->out.payer;
		f[OMS_L_SUM] = oms_money_fmt(r->sum, sum);
		f[OMS_L_FILE] = r->out.archive;
		snprintf(data, sizeof(data), "accounts=%lu;test=%d;package=%d;"
		    "version=%s", r->nzap, x->o->test, r->out.package,
		    r->out.version);
		f[OMS_L_DATA] = data;
		if (oms_ledger_line(b, f, err) == -1)
			goto out;
		el.reg = el.now != NULL && el.period != NULL &&
		    omsi_ledger_plain(r->out.name, strlen(r->out.name), 0) ?
		    r->out.name : NULL;
		for (j = 0; j < x->nsel; j++) {
			struct sel *s = &x->sel[j];

			if (s->bad || s->reg != (int)i)
				continue;
			snprintf(nz, sizeof(nz), "%lu",
			    (unsigned long)s->n_zap);
			snprintf(pr, sizeof(pr), "%d", s->pr_nov);
			oms_money_fmt(s->sum, sum);
			if (s->c->date_end >= 0)
				oms_date_fmt(s->c->date_end, end);
			else
				end[0] = '\0';
			file = oms_src_doc(x->src, (size_t)s->c->doc)->name;
			if (line_fast(&el, s, file, nz, pr, sum, end, b, &done,
			    err) == -1)
				goto out;
			if (done)
				goto next;
			memset(f, 0, sizeof(f));
			f[OMS_L_TIME] = rc->now;
			f[OMS_L_EVENT] = oms_event_name(OMS_EV_EXPORT);
			f[OMS_L_ACCOUNT] = s->c->account;
			f[OMS_L_REGISTRY] = r->out.name;
			f[OMS_L_PERIOD] = period;
			f[OMS_L_KIND] = s->c->kind;
			f[OMS_L_PAYER] = s->c->payer;
			f[OMS_L_PR_NOV] = pr;
			f[OMS_L_N_ZAP] = nz;
			f[OMS_L_IDCASE] = nz;
			f[OMS_L_SUM] = sum;
			f[OMS_L_FILE] = file;
			oms_buf_reset(&db);
			if (oms_ledger_data(&db, "end", end, err) == -1 ||
			    (*s->c->dept != '\0' && oms_ledger_data(&db,
			    "dept", s->c->dept, err) == -1) ||
			    (*s->c->doctor != '\0' && oms_ledger_data(&db,
			    "doctor", s->c->doctor, err) == -1))
				goto out;
			f[OMS_L_DATA] = db.s;
			if (oms_ledger_line(b, f, err) == -1)
				goto out;
next:
			if (b->len > RECORD_PIECE) {
				if (__atomic_load_n(&rc->stop,
				    __ATOMIC_RELAXED)) {
					oms_err_set(err, OMS_EINTERNAL, NULL,
					    0, "given up");
					goto out;
				}
				if (oms_ledger_flush(&rc->tx, b, err) == -1)
					goto out;
			}
		}
	}
	rc->rc = 0;
out:
	oms_buf_release(&db);
	return (NULL);
}

/* The lines begun, on a thread if one can be made. */
static void
rec_start(struct rec *rc, struct exp *x, struct oms_ledger *l)
{
	memset(rc, 0, sizeof(*rc));
	rc->x = x;
	rc->l = l;
	rc->tx.fd = -1;
	oms_buf_init(&rc->b, (size_t)1 << 30);
	oms_ledger_now(rc->now, sizeof(rc->now));
	rc->thread = pthread_create(&rc->t, NULL, rec_lines, rc) == 0;
}

/*
 * The lines done (0; -1 with err), or given up when stop: the thread
 * joined, and without one the lines written here.  Given up, a rec
 * never started is -1 too.
 */
static int
rec_wait(struct rec *rc, int stop, struct oms_err *err)
{
	if (!rc->thread) {
		if (stop)
			return (-1);
		(void)rec_lines(rc);
	} else {
		if (stop)
			__atomic_store_n(&rc->stop, 1, __ATOMIC_RELAXED);
		(void)pthread_join(rc->t, NULL);
		rc->thread = 0;
	}
	if (rc->rc == -1 && !stop)
		*err = rc->err;
	return (rc->rc);
}

/* The commit line after the lines: 0, or -1 with err. */
static int
rec_commit(struct rec *rc, struct oms_err *err)
{
	return (oms_ledger_commit(&rc->tx, &rc->b, rc->x->o->test ?
	    "export-test" : "export", rc->now, err));
}

/* No commit: the lines written so far cut off, the memory freed (of a
   rec never started, nothing). */
static void
rec_end(struct rec *rc)
{
	oms_ledger_abort(&rc->tx);
	oms_buf_release(&rc->b);
}

/* Check the input accounts; problems make them bad. */
static int
select_input(struct exp *x, const struct omsi_export_ops *ops,
    struct oms_ledger *l, const char *const *acc, size_t n,
    struct oms_err *err)
{
	struct omsi_hash seen;
	const struct oms_case *c;
	const struct oms_acct *a;
	const struct oms_srcdoc *d;
	const char **inbad;
	uint64_t *taken = NULL;
	size_t i, k, next = 0, ns = omsi_src_nslots(x->src);
	char ps[8];

	/*
	 * An account given twice: one found in source/ by its case taken
	 * (a bit a case), another by the accounts not found so far.
	 */
	omsi_hash_init(&seen);
	if ((x->sel = calloc(n ? n : 1, sizeof(*x->sel))) == NULL ||
	    (taken = calloc(ns / 64 + 1, sizeof(*taken))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		if ((c = omsi_src_find_next(x->src, acc[i], &next)) != NULL) {
			k = omsi_src_slot(x->src, c);
			if (taken[k / 64] >> (k % 64) & 1) {
				omsi_exp_problem(x, "input", 0, 0, "account "
				    "%s is given twice", acc[i]);
				continue;	/* the first one stands */
			}
			taken[k / 64] |= UINT64_C(1) << (k % 64);
		} else if (omsi_hash_get(&seen, acc[i], NULL)) {
			omsi_exp_problem(x, "input", 0, 0, "account %s is "
			    "given twice", acc[i]);
			continue;
		} else {
			if (omsi_hash_put(&seen, acc[i], 0) == -1)
				goto nomem;
			omsi_exp_problem(x, "input", 0, 0, "account %s is not "
			    "in source/ (see oms-select(1))", acc[i]);
			if ((inbad = reallocarray(x->inbad, x->ninbad + 1,
			    sizeof(*x->inbad))) == NULL)
				goto nomem;
			x->inbad = inbad;
			x->inbad[x->ninbad++] = acc[i];
			continue;
		}
		d = oms_src_doc(x->src, (size_t)c->doc);
		struct sel *s = &x->sel[x->nsel++];

		s->c = c;
		s->reg = -1;
		a = oms_ledger_acct(l, acc[i]);
		if (c->dup) {
			omsi_exp_problem(x, d->name, c->line, 0, "account %s "
			    "appears twice in its source file", acc[i]);
			s->bad = 1;
		} else if (a != NULL && a->state != OMS_ST_NEW &&
		    a->state != OMS_ST_QUEUED) {
			const struct oms_reg *rg = oms_ledger_reg(l,
			    (size_t)a->reg);

			omsi_exp_problem(x, d->name, c->line, 0, "account %s "
			    "is %s (registry %s); only new and queued "
			    "accounts are exported", acc[i],
			    oms_state_name(a->state), rg ? rg->name : "?");
			s->bad = 1;
		} else if (c->date_end > oms_period_last(x->o->period)) {
			omsi_exp_problem(x, d->name, c->line, 0, "account %s: "
			    "case ends on %s, after the period %s", acc[i],
			    oms_date_fmt(c->date_end, (char[16]){ 0 }),
			    oms_period_fmt(x->o->period, ps));
			s->bad = 1;
		} else if (ops->admit != NULL && ops->admit(x, s))
			s->bad = 1;
		s->pr_nov = a != NULL && a->state == OMS_ST_QUEUED;
	}
	omsi_hash_release(&seen);
	free(taken);
	/* copy in document and file order: oms-select lists them so */
	for (i = 1; i < x->nsel && cmp_sel(&x->sel[i - 1], &x->sel[i]) < 0;
	    i++)
		;
	if (i < x->nsel)
		qsort(x->sel, x->nsel, sizeof(*x->sel), cmp_sel);
	return (0);
nomem:
	omsi_hash_release(&seen);
	free(taken);
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

/* The ids of the accounts refused into res->bad (res->nbad of them). */
static int
collect_bad(const struct exp *x, struct oms_export_res *res,
    struct oms_err *err)
{
	size_t i, j = 0;

	if ((res->bad = calloc(res->nbad, sizeof(char *))) == NULL)
		goto nomem;
	for (i = 0; i < x->nsel; i++)
		if (x->sel[i].bad && (res->bad[j++] =
		    strdup(x->sel[i].c->account)) == NULL)
			goto nomem;
	for (i = 0; i < x->ninbad; i++)
		if ((res->bad[j++] = strdup(x->inbad[i])) == NULL)
			goto nomem;
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

int
oms_export(struct oms_ws *ws, struct oms_ledger *l, const struct oms_src *src,
    const char *const *acc, size_t n, const struct oms_export_opts *o,
    struct oms_diag *diag, struct oms_export_res *res, struct oms_err *err)
{
	const struct omsi_export_ops *ops = omsi_profile_of(&ws->conf)->exp;
	struct exp x;
	struct rec rec = { .tx = { .fd = -1 } };	/* rec_end: nothing */
	char *rpath = NULL;
	size_t i, j, nbad;
	int rc = -1, b;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.ws = ws;
	x.o = o;
	x.src = src;
	x.ledger = l;
	x.diag = diag;
	/*
	 * The rule table is the federal format's (element paths of ZL_LIST
	 * and PERS_LIST): a profile whose writer does not check by it does
	 * not load it, nor warn about its missing reference tables.
	 */
	if (!omsi_profile_of(&ws->conf)->rules)
		goto rules_done;
	if ((rpath = oms_ws_find(ws, "ref", "rules.tsv", o->refdir)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if ((x.rules = load_rules(&x, rpath, err)) == NULL)
		goto out;
	/*
	 * The cases kept for their persons' rules go to a private file of
	 * the workspace, as the bodies do, not into memory: a few hundred
	 * bytes each are tens of MB at 100,000 accounts.
	 */
	if (omsi_rules_person(x.rules)) {
		if ((x.krules = load_rules(&x, rpath, err)) == NULL)
			goto out;
		if ((x.spool = omsi_exp_temp(&x, "cases", &x.spath,
		    err)) == NULL)
			goto out;
		/*
		 * A case is some 200 bytes: written 256 KiB at a time, not
		 * the 4 KiB of st_blksize (glibc takes the size only with
		 * a buffer given)
		 */
		if ((x.spoolbuf = malloc(EXP_SPOOLBUF)) == NULL)
			goto nomem_out;
		(void)setvbuf(x.spool, x.spoolbuf, _IOFBF, EXP_SPOOLBUF);
		omsi_rules_spool(x.rules, x.spool, x.spath);
	}
	/* the program says once which tables are missing (oms-nsi(1)) */
	if ((res->nmissing = oms_rules_nmissing(x.rules)) > 0) {
		if ((res->missing = calloc(res->nmissing,
		    sizeof(*res->missing))) == NULL)
			goto nomem_out;
		for (i = 0; i < res->nmissing; i++)
			if ((res->missing[i] = strdup(oms_rules_missing(
			    x.rules, i))) == NULL)
				goto nomem_out;
		res->ndead = oms_rules_dead(x.rules);
	}
rules_done:
	/* go on after bad input: every problem is listed in one run */
	if (select_input(&x, ops, l, acc, n, err) == -1)
		goto out;
	for (;;) {
		if ((b = build(&x, ops, l, err)) == -1)
			goto out;
		if (b == 0 || !o->skip_invalid)
			break;
		release_regs(&x, ops);	/* again without the bad ones */
		x.replay = 1;
	}
	/* the rules' state of the build (the cases kept for the person
	   rules, the values seen) is not needed past it */
	if (x.rules != NULL)
		omsi_rules_reset(x.rules);
	nbad = x.ninbad;
	for (i = 0; i < x.nsel; i++)
		nbad += x.sel[i].bad;
	res->nbad = nbad;
	if (x.nproblems > 0 && !o->skip_invalid) {
		rc = 1;
		goto out;
	}
	if (nbad > 0 && collect_bad(&x, res, err) == -1)
		goto out;
	/* registries left empty by skip_invalid are not written */
	if ((res->reg = calloc(x.nreg ? x.nreg : 1, sizeof(*res->reg))) ==
	    NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < x.nreg; i++) {
		x.reg[i].out.naccounts = x.reg[i].nzap;
		x.reg[i].out.sum = x.reg[i].sum;
		res->reg[res->nreg++] = x.reg[i].out;
	}
	if (o->check_only || x.nreg == 0) {
		rc = nbad > 0;
		goto out;
	}
	if (oms_ws_mkdir(ws, "outbox", err) == -1)
		goto out;
	/*
	 * What is in outbox/ under a registry's name may have been sent:
	 * it is never overwritten.  The ledger picked these names as unused,
	 * so one that exists was made by a run the ledger has lost.
	 */
	for (i = 0; i < x.nreg; i++)
		if (exists(ws, x.reg[i].out.archive, err) != 0)
			goto out;
	/*
	 * Two phases: the archives are made durable under their temporary
	 * names, the ledger block is the commit point, and only then do they
	 * appear in outbox/ under the names a person or a script would send.
	 * A crash after the commit leaves temporary files that the next run
	 * (oms_ws_recover) renames; before it, files it removes.  The
	 * block's lines are written meanwhile (struct rec): while the
	 * archives are packed, or when packing numbers the accounts, while
	 * they are synced.
	 */
	if (!ops->numbers_in_pack)
		rec_start(&rec, &x, l);
	for (i = 0; i < x.nreg; i++)
		if (ops->pack(&x, &x.reg[i], err) == -1) {
			(void)rec_wait(&rec, 1, err);
			goto out;
		}
	if (ops->numbers_in_pack)
		rec_start(&rec, &x, l);
	for (i = 0; i < x.nreg; i++)
		if (oms_afile_sync(&x.reg[i].af, err) == -1) {
			(void)rec_wait(&rec, 1, err);
			goto undo;
		}
	if (rec_wait(&rec, 0, err) == -1 || rec_commit(&rec, err) == -1)
		goto undo;
	for (i = 0; i < x.nreg; i++)
		if (oms_afile_publish_new(&x.reg[i].af, err) == -1) {
			/*
			 * Recorded: the temporary files must stay, and the
			 * next run puts them in place (oms_ws_recover).
			 */
			for (j = 0; j < x.nreg; j++)
				oms_afile_forget(&x.reg[j].af);
			rc = -1;
			goto out;
		}
	rc = nbad > 0;
	goto out;
nomem_out:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
	goto out;
undo:
	/* the ledger does not name them: take the archives back */
	for (i = 0; i < x.nreg; i++)
		oms_afile_abort(&x.reg[i].af);
	res->nreg = 0;
out:
	rec_end(&rec);
	release_regs(&x, ops);
	if (ops->done != NULL)
		ops->done(&x);
	oms_rules_free(x.rules);
	oms_rules_free(x.krules);
	if (x.spool != NULL) {
		(void)fclose(x.spool);
		(void)unlink(x.spath);
		free(x.spath);
	}
	free(x.spoolbuf);
	free(x.sel);
	free(x.inbad);
	free(rpath);
	return (rc);
}

void
oms_export_res_release(struct oms_export_res *res)
{
	size_t i;

	for (i = 0; i < res->nbad && res->bad != NULL; i++)
		free(res->bad[i]);
	free(res->bad);
	free(res->reg);
	for (i = 0; i < res->nmissing && res->missing != NULL; i++)
		free(res->missing[i]);
	free(res->missing);
	memset(res, 0, sizeof(*res));
}
