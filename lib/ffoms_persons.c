/*
 * ffoms_persons.c -- copy the persons of the federal registries
 *
 * After the cases (ffoms_export.c), each registry knows the ID_PAC of the
 * persons its cases need.  The PERS_LIST files paired with the cases'
 * files are streamed once, each person needed copied into the persons
 * body of every registry that needs it (once per registry), fixed and
 * checked like a case; a bad person makes its accounts bad, and a person
 * no file has is a problem of its accounts (rule 003F.00.3070).
 */
#define _GNU_SOURCE		/* memmem */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "export_int.h"
#include "xtree_int.h"

/*
 * Once the persons are copied: every account whose case names a person
 * refused (OMSI_NEED_BAD in its registry's need) is bad, by the ID_PAC
 * it was copied with (a fix may have moved it to another person).  One
 * pass, and none when no person was refused, where marking the accounts
 * of each refused person as it came was a pass over all of them per
 * person.  0, or -1 with err.
 */
static int
bad_persons(struct exp *x, struct oms_err *err)
{
	const struct ffreg *f;
	const char *idpac;
	size_t i, v, ri, *next = NULL;
	int rc = 0;

	for (ri = 0; ri < x->nreg && FFREG(&x->reg[ri])->nrefused == 0; ri++)
		;
	if (ri == x->nreg)
		return (0);
	if ((next = calloc(x->nreg, sizeof(*next))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory"));
	for (i = 0; i < x->nsel; i++) {
		if ((rc = omsi_ffoms_sel_pac(x, i, next, &idpac, err)) == -1)
			break;
		if (idpac == NULL)
			continue;
		f = FFREG(&x->reg[x->sel[i].reg]);
		if (f->nrefused > 0 && omsi_hash_get(&f->need, idpac, &v) &&
		    v == OMSI_NEED_BAD)
			x->sel[i].bad = 1;
	}
	free(next);
	return (rc);
}

/*
 * The tags (omsi_hash_tag) of the persons' ID_PACs in the order the
 * ordering of the kept cases found them in the persons documents
 * (order_ids), for the reading that follows to ask memory for the need
 * slots of the persons a few ahead of the one it takes: a look-up at
 * random in a table of a million each, some 0.35 s of the main thread
 * at the 1M bench.  A hint only: a person out of step with it (a PERS
 * without its ID_PAC) just asks for memory in vain.
 */
struct pahead {
	uint32_t	*tag;
	size_t		 n, cap;
	size_t		*dstart;	/* a document's first, or SIZE_MAX */
	size_t		 next;		/* the person being taken */
};
#define PAHEAD_SLOT	4		/* persons ahead: the slot asked for */
#define PAHEAD_KEY	2		/* the key found there */

static void
pahead_add(struct pahead *pa, const char *idpac, size_t len)
{
	uint32_t *v;
	size_t cap;

	if (pa->n == pa->cap) {
		cap = pa->cap ? pa->cap * 2 : 4096;
		if ((v = reallocarray(pa->tag, cap, sizeof(*v))) == NULL)
			return;		/* no more hints */
		pa->tag = v;
		pa->cap = cap;
	}
	pa->tag[pa->n++] = omsi_hash_tag(idpac, len);
}

/* The need slots of the persons ahead asked of memory. */
static void
pahead_ask(const struct exp *x, struct pahead *pa)
{
	const struct omsi_hash *need;
	size_t p = pa->next++, ri;

	for (ri = 0; ri < x->nreg; ri++) {
		need = &FFREG(&x->reg[ri])->need;
		if (p + PAHEAD_SLOT < pa->n)
			omsi_hash_ahead(need, pa->tag[p + PAHEAD_SLOT], 0);
		if (p + PAHEAD_KEY < pa->n)
			omsi_hash_ahead(need, pa->tag[p + PAHEAD_KEY], 1);
	}
}

/* Person pers of persons document k into r, if r needs it from there. */
static int
put_person(struct exp *x, struct reg *r, size_t k, xmlNodePtr pers,
    const char *idpac, struct oms_err *err)
{
	struct ffreg *f = FFREG(r);
	const struct sel *s;
	size_t si, i, slot;

	/* nothing adds to need from here on: the slot holds */
	if (!omsi_hash_slot(&f->need, idpac, &slot) ||
	    OMSI_NEED_SETTLED(si = f->need.vals[slot]))
		return (0);
	s = &x->sel[si];
	/* only from the pair of that case's file */
	if (oms_src_doc(x->src, (size_t)s->c->doc)->pair != (int)k)
		return (0);
	x->cur_doc = oms_src_doc(x->src, k)->name;
	x->cur_account = s->c->account;
	x->cur_line = 0;	/* the person's line is not the case's */
	x->cur_bad = 0;
	if (omsi_ffoms_fixes(x, s, OMSI_SCOPE_PERS, pers, err) == -1)
		return (-1);
	for (i = 0; i < f->npfix; i++)
		if (strcmp(f->pfix[i].idpac, idpac) == 0 && omsi_ffoms_fixes(x,
		    &x->sel[f->pfix[i].si], OMSI_SCOPE_PERS, pers, err) == -1)
			return (-1);
	if (omsi_ffoms_check(x, r, OMSI_SCOPE_PERS, pers, err) == -1)
		return (-1);
	if (omsi_ffoms_write_node(x, f->lw, pers) == -1)
		return (oms_err_set(err, OMS_EIO, f->lpath, 0, "cannot write "
		    "the persons body"));
	/* mark written, and refused or not */
	f->nrefused += x->cur_bad != 0;
	f->need.vals[slot] = x->cur_bad ? OMSI_NEED_BAD : OMSI_NEED_DONE;
	return (0);
}

/*
 * A person of persons document k into every registry that needs it; pa,
 * when not NULL, asks for the slots of the persons ahead.
 */
static int
take_person(struct exp *x, size_t k, xmlNodePtr pers, struct pahead *pa,
    struct oms_err *err)
{
	const char *idpac;
	size_t ri;

	if (pa != NULL)
		pahead_ask(x, pa);
	if ((idpac = omsi_path_text(pers, "ID_PAC")) == NULL)
		return (0);
	for (ri = 0; ri < x->nreg; ri++)
		if (put_person(x, &x->reg[ri], k, pers, idpac, err) == -1)
			return (-1);
	return (0);
}

/* the persons of one document read by the fast scanner (xtree.c) */
struct fastpers {
	struct exp	*x;
	size_t		 k;
	struct pahead	*pa;
};

static int
fast_want(void *arg, const xmlChar *name)
{
	struct fastpers *c = arg;

	if (strcmp((const char *)name, "PERS") != 0)
		return (0);
	/* a fix (omsi_ffoms_fixes) frees nodes: not in the arena */
	if (c->x->ledger != NULL && oms_ledger_nfix(c->x->ledger) > 0)
		return (OMSI_XTREE_SOLID);
	return (1);
}

static int
fast_take(void *arg, xmlNodePtr pers, struct oms_err *err)
{
	struct fastpers *c = arg;

	return (take_person(c->x, c->k, pers, c->pa, err));
}

/*
 * Document k through the fast scanner: 0 done, 1 when libxml2 is to read
 * it (the scanner doubted: the persons copied so far are marked written
 * in their registries' need, and libxml2's reading passes over them),
 * -1 on error.
 */
static int
fast_persons(struct exp *x, size_t k, const struct oms_srcdoc *d,
    struct pahead *pa, struct oms_err *err)
{
	struct fastpers c = { x, k, NULL };

	/* the hints, when the ordering read this document */
	if (pa->dstart != NULL && pa->dstart[k] != SIZE_MAX) {
		pa->next = pa->dstart[k];
		c.pa = pa;
	}
	return (omsi_xtree_copy(d->path, d->entry, d->name, fast_want,
	    fast_take, &c, err));
}

/*
 * The order the persons come in, for the rules' kept cases
 * (omsi_rules_order): each ID_PAC of a persons document found by its
 * tags in the text, a bounded tail carried from piece to piece.  What
 * this finds only lays the spool out; the persons are read as ever.
 */
#define IDTAG	"<ID_PAC>"
#define IDEND	"</ID_PAC>"
#define IDMAX	128			/* longer: not looked for */

/*
 * The links found take their place in the order (omsi_rules_order_at)
 * ORDER_AHEAD links late, in the order found: each is asked of memory
 * when found, its entry ORDER_ENTRY links later, and it is looked up
 * ORDER_FIND links later, its case asked for; so a million look-ups at
 * random do not wait each for its own (0.33 s of the 0.46 s of this
 * pass at 1,000,000 accounts).
 */
#define ORDER_AHEAD	16
#define ORDER_ENTRY	5
#define ORDER_FIND	10

struct idscan {
	struct exp	*x;
	unsigned char	*reg;		/* the registries the document is for */
	struct oms_buf	 b;		/* the tail of the last piece + this */
	char		 link[ORDER_AHEAD][OMSI_FFOMS_LINK];
	size_t		 len[ORDER_AHEAD];
	uint32_t	 ki[ORDER_AHEAD];	/* found: its first case */
	unsigned char	 found[ORDER_AHEAD];
	size_t		 first, n;	/* the links waiting, oldest first */
	struct pahead	*pa;		/* the tags, for read_persons */
};

/* the place in the ring of the link that came i after the oldest */
#define RING(o, i)	(((o)->first + (i)) % ORDER_AHEAD)

/* The oldest link waiting to its place in the order. */
static void
order_one(struct idscan *o)
{
	size_t j = o->first;

	if (!o->found[j])
		o->ki[j] = omsi_rules_order_find(o->x->rules, o->link[j],
		    o->len[j]);
	omsi_rules_order_at(o->x->rules, o->ki[j]);
	o->found[j] = 0;
	o->first = RING(o, 1);
	o->n--;
}

/* A link found: it waits, the oldest goes when ORDER_AHEAD wait. */
static void
order_link(struct idscan *o, size_t ri, const char *idpac, size_t len)
{
	size_t k;

	if (o->n == ORDER_AHEAD)
		order_one(o);
	k = RING(o, o->n);
	o->n++;
	o->len[k] = omsi_ffoms_link(o->link[k], ri, idpac, len);
	o->found[k] = 0;
	omsi_rules_order_ahead(o->x->rules, o->link[k], o->len[k], 0);
	if (o->n > ORDER_ENTRY) {
		k = RING(o, o->n - 1 - ORDER_ENTRY);
		omsi_rules_order_ahead(o->x->rules, o->link[k], o->len[k], 1);
	}
	if (o->n > ORDER_FIND) {
		k = RING(o, o->n - 1 - ORDER_FIND);
		o->ki[k] = omsi_rules_order_find(o->x->rules, o->link[k],
		    o->len[k]);
		o->found[k] = 1;
	}
}

/* The ID_PACs in p[0..n) ordered; *used: the bytes done with. */
static void
order_ids(struct idscan *o, const char *p, size_t n, size_t *used)
{
	const char *q = p, *e = p + n, *v, *ve;
	size_t ri, lim;

	*used = 0;
	while ((v = memmem(q, (size_t)(e - q), IDTAG, sizeof(IDTAG) - 1)) !=
	    NULL) {
		q = v + sizeof(IDTAG) - 1;
		lim = (size_t)(e - q) < IDMAX + 1 ? (size_t)(e - q) : IDMAX + 1;
		if ((ve = memchr(q, '<', lim)) == NULL) {
			if (lim <= IDMAX) {
				*used = (size_t)(v - p);	/* ends later */
				return;
			}
			*used = (size_t)(q - p);	/* too long */
			continue;
		}
		if ((size_t)(e - ve) < sizeof(IDEND) - 1) {
			*used = (size_t)(v - p);
			return;
		}
		if (ve > q && memcmp(ve, IDEND, sizeof(IDEND) - 1) == 0) {
			pahead_add(o->pa, q, (size_t)(ve - q));
			for (ri = 0; ri < o->x->nreg; ri++)
				if (o->reg[ri])
					order_link(o, ri, q, (size_t)(ve - q));
		}
		q = ve;
		*used = (size_t)(ve - p);
	}
	/* no tag begins before the last bytes: one may begin there */
	if (n > sizeof(IDTAG) - 1 && n - (sizeof(IDTAG) - 1) > *used)
		*used = n - (sizeof(IDTAG) - 1);
}

static int
order_piece(void *arg, const unsigned char *p, size_t n, int last,
    struct oms_err *err)
{
	struct idscan *o = arg;
	size_t used;

	(void)last;
	if (oms_buf_add(&o->b, p, n, err) == -1)
		return (-1);
	order_ids(o, o->b.s, o->b.len, &used);
	memmove(o->b.s, o->b.s + used, o->b.len - used);
	o->b.len -= used;
	return (0);
}

/*
 * 1 when persons document k is the pair of a selected case's document;
 * reg, when not NULL, gets a 1 for each registry of such a case.
 */
static int
wanted_persons(const struct exp *x, size_t k, unsigned char *reg)
{
	size_t i;
	int any = 0;

	for (i = 0; i < x->nsel; i++)
		if (x->sel[i].seen && oms_src_doc(x->src,
		    (size_t)x->sel[i].c->doc)->pair == (int)k) {
			any = 1;
			if (reg == NULL)
				break;
			reg[x->sel[i].reg] = 1;
		}
	return (any);
}

/*
 * The kept cases laid out in the order of the persons documents that
 * will be read (omsi_rules_regroup), when the rules keep cases and the
 * documents are read fast.
 */
static int
order_kept(struct exp *x, struct pahead *pa, struct oms_err *err)
{
	struct idscan o;
	const struct oms_srcdoc *d;
	size_t k, ndoc = oms_src_ndocs(x->src);
	int r = 0;

	if (x->rules == NULL || !omsi_rules_person(x->rules) ||
	    x->ws->plain_xml)
		return (0);
	if (omsi_rules_order_begin(x->rules, err) == -1)
		return (-1);
	o.x = x;
	o.first = o.n = 0;
	o.pa = pa;
	if ((o.reg = calloc(x->nreg + 1, 1)) == NULL ||
	    (pa->dstart = reallocarray(NULL, ndoc + 1,	/* none: not NULL */
	    sizeof(*pa->dstart))) == NULL) {
		free(o.reg);
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	}
	for (k = 0; k < ndoc; k++)
		pa->dstart[k] = SIZE_MAX;
	oms_buf_init(&o.b, 0);
	for (k = 0; k < ndoc && r != -1; k++) {
		d = oms_src_doc(x->src, k);
		memset(o.reg, 0, x->nreg + 1);
		if (d->type != OMS_DOC_PERSONS || !wanted_persons(x, k, o.reg))
			continue;
		pa->dstart[k] = pa->n;
		oms_buf_reset(&o.b);
		r = omsi_doc_read(d->path, d->entry, d->name, order_piece, &o,
		    err);
		while (o.n > 0)
			order_one(&o);
	}
	oms_buf_release(&o.b);
	free(o.reg);
	if (r == -1)
		return (-1);
	return (omsi_rules_regroup(x->rules, err));
}

/*
 * Stream the persons documents and copy the persons needed; the person
 * rules of their kept cases go to x->kq when there is one.
 */
static int
read_persons(struct exp *x, struct pahead *pa, struct oms_err *err)
{
	size_t k, ndoc = oms_src_ndocs(x->src);
	const struct oms_srcdoc *d;
	struct archive *ar;
	struct omsi_xin *xin;
	xmlNodePtr pers;
	int rc, fast = !x->ws->plain_xml;

	for (k = 0; k < ndoc; k++) {
		d = oms_src_doc(x->src, k);
		if (d->type != OMS_DOC_PERSONS)
			continue;
		/* is this document the pair of any selected case? */
		if (!wanted_persons(x, k, NULL))
			continue;
		if (fast && (rc = fast_persons(x, k, d, pa, err)) != 1) {
			if (rc == -1)
				return (-1);
			continue;
		}
		if (omsi_src_open(d, &ar, &xin, err) == -1)
			return (-1);
		while ((rc = omsi_xin_next_element(xin, err)) == 1) {
			if (xmlTextReaderDepth(omsi_xin_reader(xin)) != 1 ||
			    strcmp((const char *)xmlTextReaderConstLocalName(
			    omsi_xin_reader(xin)), "PERS") != 0)
				continue;
			if ((pers = omsi_xin_expand(xin, err)) == NULL) {
				rc = -1;
				break;
			}
			if (take_person(x, k, pers, NULL, err) == -1) {
				rc = -1;
				break;
			}
		}
		omsi_src_close(ar, xin);
		if (rc == -1)
			return (-1);
	}
	return (0);
}

/*
 * The persons documents read ahead while the cases are copied.  They are
 * read first when the kept cases are ordered (order_kept), on the main
 * thread's way, right after the cases, and then again: at a million
 * accounts the 200 MB of a persons file took 0.6 s there to come in (a
 * first read; 0.02 s the next time), the main thread waiting a third of
 * it, while in the cases the second core has a fifth of its time spare.
 * A thread reads them through (into one buffer, thrown away), after
 * asking the kernel for them (POSIX_FADV_WILLNEED); nothing depends on
 * it, and it stops when told to (between two reads of PERSONS_AHEAD).
 * Only plain files: an archive's entry is read as it is inflated.
 */
#define PERSONS_AHEAD	((size_t)1 << 20)

struct omsi_ahead {
	pthread_t	 t;
	char		**path;
	size_t		 n;
	int		 stop;		/* atomic */
};

static void *
ahead_main(void *arg)
{
	struct omsi_ahead *a = arg;
	char *buf;
	size_t i;
	ssize_t k;
	int fd;

	if ((buf = malloc(PERSONS_AHEAD)) == NULL)
		return (NULL);
	for (i = 0; i < a->n; i++) {
		if ((fd = open(a->path[i], O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
		while (!__atomic_load_n(&a->stop, __ATOMIC_RELAXED) &&
		    ((k = read(fd, buf, PERSONS_AHEAD)) > 0 ||
		    (k == -1 && errno == EINTR)))
			;
		close(fd);
	}
	free(buf);
	return (NULL);
}

struct omsi_ahead *
omsi_ffoms_persons_ahead(const struct exp *x)
{
	const struct oms_srcdoc *d;
	struct omsi_ahead *a;
	unsigned char *want;
	size_t i, k, ndoc = oms_src_ndocs(x->src);

	if (ndoc == 0 || (a = calloc(1, sizeof(*a))) == NULL)
		return (NULL);
	if ((want = calloc(ndoc, 1)) == NULL ||
	    (a->path = calloc(ndoc, sizeof(*a->path))) == NULL)
		goto fail;
	for (i = 0; i < x->nsel; i++) {
		d = oms_src_doc(x->src, (size_t)x->sel[i].c->doc);
		if (!x->sel[i].bad && d->pair >= 0)
			want[d->pair] = 1;
	}
	for (k = 0; k < ndoc; k++) {
		d = oms_src_doc(x->src, k);
		if (want[k] && d->type == OMS_DOC_PERSONS && d->entry == NULL)
			a->path[a->n++] = d->path;	/* the source's */
	}
	free(want);
	want = NULL;
	if (a->n > 0 && pthread_create(&a->t, NULL, ahead_main, a) == 0)
		return (a);
fail:
	free(want);
	free(a->path);
	free(a);
	return (NULL);
}

void
omsi_ffoms_persons_ahead_end(struct omsi_ahead *a)
{
	if (a == NULL)
		return;
	__atomic_store_n(&a->stop, 1, __ATOMIC_RELAXED);
	(void)pthread_join(a->t, NULL);
	free(a->path);
	free(a);
}

/*
 * The persons each registry needs, from its cases copied, in the order
 * they were copied (the order of x->sel): the ID_PAC of each first met
 * maps to its case, and a later case of the same person with PERS/
 * fixes of its own is listed in pfix.  Made once the cases are copied,
 * so that the cases' uniqueness sets are gone by then.  It writes only
 * the registries' need and pfix, and reads x->sel, the source and the
 * ledger: it runs beside order_kept (omsi_ffoms_copy_persons).
 */
static int
need_persons(struct exp *x, struct oms_err *err)
{
	struct ffreg *f;
	struct sel *s;
	struct pfix *pf;
	const char *idpac;
	size_t i, prev, *next = NULL;

	if (x->nreg > 0 && (next = calloc(x->nreg, sizeof(*next))) == NULL)
		goto nomem;
	for (i = 0; i < x->nsel; i++) {
		if (omsi_ffoms_sel_pac(x, i, next, &idpac, err) == -1) {
			free(next);
			return (-1);
		}
		if (idpac == NULL)
			continue;
		s = &x->sel[i];
		f = FFREG(&x->reg[s->reg]);
		if (!omsi_hash_get(&f->need, idpac, &prev)) {
			if (omsi_hash_put(&f->need, idpac, i) == -1)
				goto nomem;
			continue;
		}
		if (!omsi_ffoms_has_pers_fix(x, s->c->account))
			continue;
		/* a person's record is written once: take this one's too */
		if (f->npfix == f->pfix_cap) {
			size_t cap = f->pfix_cap ? f->pfix_cap * 2 : 8;

			if ((pf = reallocarray(f->pfix, cap,
			    sizeof(*pf))) == NULL)
				goto nomem;
			f->pfix = pf;
			f->pfix_cap = cap;
		}
		f->pfix[f->npfix].idpac = idpac;
		f->pfix[f->npfix++].si = i;
	}
	free(next);
	return (0);
nomem:
	free(next);
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

/* need_persons on a thread: rc, and err when -1 */
struct needjob {
	struct exp	*x;
	int		 rc;
	struct oms_err	 err;
};

static void *
need_main(void *arg)
{
	struct needjob *nj = arg;

	nj->rc = need_persons(nj->x, &nj->err);
	return (NULL);
}

/*
 * List the persons needed and copy them, then mark what their absence
 * makes bad.  The list is made on a thread of its own while the kept
 * cases are ordered, which needs nothing of it (at a million accounts
 * 0.3 s of look-ups that had the second core idle); its error, as when
 * it came first, is the one said.
 */
int
omsi_ffoms_copy_persons(struct exp *x, struct oms_err *err)
{
	size_t ri, si, i;
	const struct oms_srcdoc *d;
	int rc, warn, started;
	struct reg *r;
	struct ffreg *f;
	struct needjob nj;
	struct pahead pa;
	pthread_t t;

	memset(&pa, 0, sizeof(pa));
	memset(&nj, 0, sizeof(nj));
	nj.x = x;
#ifdef __GLIBC__
	/*
	 * The free memory given back to the system first (the cases' sets
	 * were just let go): the list's tables come from its thread's
	 * malloc arena, which cannot reuse the main thread's free memory,
	 * so the peak held both (274 MiB at the 1M bench against 249); with
	 * it given back, 239 MiB (/usr/bin/time, two runs, 244,652 and
	 * 244,828 KB).
	 */
	(void)malloc_trim(0);
#endif
	if (!(started = pthread_create(&t, NULL, need_main, &nj) == 0))
		need_main(&nj);
	rc = order_kept(x, &pa, err);
	if (started)
		(void)pthread_join(t, NULL);
	if (nj.rc == -1) {
		*err = nj.err;
		rc = -1;
	}
	/* the person rules of the kept cases on the other core */
	if (rc != -1 && x->krules != NULL &&	/* when there are person rules */
	    (x->kq = omsi_kq_start(x->krules, x->rules, err)) == NULL)
		rc = -1;
	if (rc != -1) {
		rc = read_persons(x, &pa, err);
		/* their reports given, as the first error is kept */
		if (omsi_kq_end(x->kq, rc == -1 ? NULL : err) == -1)
			rc = -1;
		x->kq = NULL;
	}
	free(pa.tag);
	free(pa.dstart);
	if (rc == -1)
		return (-1);
	/* persons nobody found */
	if (omsi_rules_off(x->rules, "003F.00.3070"))
		return (bad_persons(x, err));
	for (ri = 0; ri < x->nreg; ri++) {
		r = &x->reg[ri];
		f = FFREG(r);
		for (i = 0; i < f->need.cap; i++) {
			if (f->need.keys[i] == NULL ||
			    OMSI_NEED_SETTLED(f->need.vals[i]))
				continue;
			si = f->need.vals[i];
			d = oms_src_doc(x->src, (size_t)x->sel[si].c->doc);
			warn = omsi_rules_warning(x->rules, "003F.00.3070");
			omsi_exp_problem(x, d->name, x->sel[si].c->line, warn,
			    "account %s: 003F.00.3070: patient ID_PAC \"%s\" "
			    "is not in the persons file%s%s",
			    x->sel[si].c->account, f->need.keys[i],
			    d->pair >= 0 ? " " : " (there is none with "
			    "FILENAME1 ", d->pair >= 0 ? oms_src_doc(x->src,
			    (size_t)d->pair)->name : d->filename);
			if (!warn) {
				f->need.vals[i] = OMSI_NEED_BAD;
				f->nrefused++;
			}
		}
	}
	return (bad_persons(x, err));
}
