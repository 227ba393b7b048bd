/*
 * source.c -- scan the MIS's files in source/ into an index of cases
 *
 * Walks source/ (plain files and the entries of ZIPs), hands each
 * document to the workspace's profile (profile.h: src_bid, src_scan; the
 * readers are ffoms_source.c and yar76_source.c), pairs case documents
 * with their persons, and keeps the newest version of every account.  The
 * helpers the profiles' readers share are declared in src_int.h.  With
 * the source index (srcindex.c), a file that did not change is loaded
 * from it instead.
 */
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "reftab.h"
#include "src_int.h"

#define MAX_ENTRIES	10000


void
omsi_diag(struct oms_diag *d, int warning, const struct oms_err *e)
{
	if (d == NULL)
		return;
	if (warning)
		d->nwarnings++;
	else
		d->nerrors++;
	if (d->fn != NULL)
		d->fn(d->arg, warning, e);
}

void
omsi_vdiagf(struct oms_diag *d, int warning, int code, const char *file,
    unsigned long line, const char *fmt, va_list ap)
{
	struct oms_err e;

	memset(&e, 0, sizeof(e));
	oms_err_set(&e, code, file, line, "%s", "");
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	omsi_diag(d, warning, &e);
}

void
omsi_diagf(struct oms_diag *d, int warning, const char *file,
    unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	omsi_vdiagf(d, warning, OMS_EDATA, file, line, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------ opening a doc */

static int
is_zip(const char *path)
{
	unsigned char m[4];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return (0);
	n = fread(m, 1, 4, fp);
	fclose(fp);
	return (n == 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4);
}

static struct archive *
zip_open(const char *path, const char *name, struct oms_err *err)
{
	struct archive *ar;

	if ((ar = archive_read_new()) == NULL) {
		oms_err_set(err, OMS_ENOMEM, name, 0, "out of memory");
		return (NULL);
	}
	archive_read_support_format_zip(ar);
	if (archive_read_open_filename(ar, path, 65536) != ARCHIVE_OK) {
		oms_err_set(err, OMS_EDATA, name, 0, "not a readable ZIP: %s",
		    archive_error_string(ar));
		archive_read_free(ar);
		return (NULL);
	}
	return (ar);
}

int
omsi_src_open(const struct oms_srcdoc *d, struct archive **arp,
    struct omsi_xin **xp, struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	int r;

	*arp = NULL;
	*xp = NULL;
	if (d->entry == NULL) {
		*xp = omsi_xin_file(d->path, d->name, err);
		return (*xp == NULL ? -1 : 0);
	}
	if ((ar = zip_open(d->path, d->name, err)) == NULL)
		return (-1);
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK)
		if (strcmp(archive_entry_pathname(ae), d->entry) == 0) {
			*arp = ar;
			if ((*xp = omsi_xin_archive(ar, d->name, err)) == NULL)
				goto fail;
			return (0);
		}
	oms_err_set(err, OMS_EDATA, d->name, 0, r == ARCHIVE_EOF ?
	    "entry is gone from the archive (changed while we ran?)" :
	    "%s", archive_error_string(ar));
fail:
	archive_read_free(ar);
	*arp = NULL;
	return (-1);
}

void
omsi_src_close(struct archive *ar, struct omsi_xin *x)
{
	omsi_xin_free(x);
	if (ar != NULL)
		archive_read_free(ar);
}

const char *
omsi_src_payer(struct oms_src *s, const char *smo, char *buf,
    const struct oms_srcdoc *d, unsigned long line, struct oms_diag *diag)
{
	const struct oms_conf *c = s->conf;
	size_t i;

	if (smo != NULL && strlen(smo) == 5) {
		if (c->payers != NULL) {
			for (i = 0; c->payers[i] != NULL; i++)
				if (strcmp(c->payers[i], smo) == 0)
					return (smo);
			/* a regional insurer oms.conf does not list */
			if (strncmp(smo, c->tfoms, 2) == 0 &&
			    strcmp(smo + 2, "000") != 0)
				(void)omsi_src_once(s, smo, diag, d->name, line,
				    "insurer %s is not in \"payers\" in "
				    "oms.conf; its patients are billed to %s000",
				    smo, c->tfoms);
		} else if (strncmp(smo, c->tfoms, 2) == 0 &&
		    strcmp(smo + 2, "000") != 0)
			return (smo);
	}
	snprintf(buf, 8, "%s000", c->tfoms);
	return (buf);
}

int
omsi_src_once(struct oms_src *s, const char *key, struct oms_diag *diag,
    const char *file, unsigned long line, const char *fmt, ...)
{
	struct oms_err e;
	va_list ap;
	char *k;

	memset(&e, 0, sizeof(e));
	oms_err_set(&e, OMS_EDATA, file, line, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	/* recorded whether said now or not: the file may be first later */
	if (s->rdiag != NULL) {
		s->hooks->ev_once(s, key, &e);
		diag = s->rdiag;
	}
	if (omsi_hash_get(&s->warned, key, NULL))
		return (0);
	if ((k = omsi_arena_strdup(&s->arena, key)) == NULL ||
	    omsi_hash_put(&s->warned, k, 0) == -1)
		return (-1);
	omsi_diag(diag, 1, &e);
	return (0);
}

/*
 * The insurers' register (ref/F002.tsv, columns code and ogrn, read by
 * reftab.c; an OGRN given again is its last row's): a bill names a
 * patient's insurer by OGRN, the ledger and the invoices by code.  A
 * missing or broken table is a warning: every insurer then shows as its
 * OGRN.
 */
int
omsi_src_insurers(struct oms_src *s, struct oms_diag *diag,
    struct oms_err *err)
{
	static const char *const cols[] = { "ogrn", "code" };
	static const struct omsi_refspec spec = {
		.cols = cols, .ncols = 2, .nreq = 2, .dup = OMSI_REF_LAST,
		.open_what = "open", .nocol = "no columns code and ogrn",
	};
	struct oms_err e;
	char *path;
	FILE *fp;

	if (s->ins_loaded)
		return (0);
	if (s->rdiag != NULL) {
		s->hooks->ev_insurers(s);
		diag = s->rdiag;
	}
	s->ins_loaded = 1;
	if ((path = oms_ws_find(s->ws, "ref", "F002.tsv", s->ws->refdir)) ==
	    NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	memset(&e, 0, sizeof(e));
	if ((fp = fopen(path, "r")) == NULL) {
		omsi_diagf(diag, 1, path, 0, "cannot open the insurers' "
		    "register (%s): payers show as the OGRN of the policy",
		    strerror(errno));
		free(path);
		return (0);
	}
	s->ins = omsi_ref_read(fp, path, &spec, &e);
	fclose(fp);
	free(path);
	if (s->ins == NULL) {
		if (e.code == OMS_ENOMEM || e.code == OMS_EIO) {
			*err = e;
			return (-1);
		}
		omsi_diag(diag, 1, &e);	/* a broken table: as if missing */
	}
	return (0);
}

const char *
omsi_src_text_or(xmlNodePtr n, const char *path)
{
	const char *v = omsi_path_text(n, path);

	return (v != NULL ? v : "");
}

/*
 * The document date (ZGLV/DATA, body@date_1 of a bill) into d->data.  It
 * decides which version of a case is the newest (oms-select(1)), so a
 * document without one is an error and is skipped: it must neither lose
 * to an older version unseen nor beat a newer one.  -1 when reported.
 */
int
omsi_src_date(struct oms_srcdoc *d, const char *v, unsigned long line,
    const char *what, struct oms_diag *diag)
{
	if (v != NULL && oms_date_parse(v, &d->data) == 0)
		return (0);
	d->data = -1;
	if (v == NULL)
		omsi_diagf(diag, 0, d->name, line, "no %s: the newest version "
		    "of a case is told by this date (YYYY-MM-DD); file "
		    "skipped", what);
	else
		omsi_diagf(diag, 0, d->name, line, "%s \"%.40s\" is not a date "
		    "YYYY-MM-DD: the newest version of a case is told by "
		    "it; file skipped", what, v);
	return (-1);
}

/* newer document wins: ZGLV/DATA, then mtime, then name */
static int
doc_newer(const struct oms_srcdoc *a, const struct oms_srcdoc *b)
{
	if (a->data != b->data)
		return (a->data > b->data);
	if (a->mtime != b->mtime)
		return (a->mtime > b->mtime);
	return (strcmp(a->name, b->name) > 0);
}


_Static_assert(sizeof(struct oms_case) == 72, "struct oms_case grew");

int
omsi_src_store(struct oms_src *s, int doc, unsigned long line, unsigned long seq,
    const struct omsi_case_in *in, struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct omsi_arena *a = s->some ? &s->scratch : &s->arena;
	struct oms_case *c;
	long d1, d2;

	if (omsi_src_reserve(s, 1) == -1)
		goto nomem;
	c = &s->cases[s->ncases];
	memset(c, 0, sizeof(*c));
	c->doc = doc;
	c->line = line < UINT32_MAX ? (uint32_t)line : UINT32_MAX;
	c->seq = (uint32_t)seq;	/* 2^32 cases would take 300 GB here */
	snprintf(c->kind, sizeof(c->kind), "%s", d->kind);
	if ((c->account = omsi_arena_strdup(a, in->acc)) == NULL ||
	    (c->id_pac = omsi_arena_strdup(a, in->idpac ? in->idpac : "")) ==
	    NULL)
		goto nomem;
	if (s->some) {		/* scratch: keep_case makes them words */
		if ((c->dept = omsi_arena_strdup(a, in->dept ? in->dept :
		    "")) == NULL ||
		    (c->doctor = omsi_arena_strdup(a, in->doctor ?
		    in->doctor : "")) == NULL ||
		    (c->payer = omsi_arena_strdup(a, in->payer)) == NULL)
			goto nomem;
	} else if ((c->dept = omsi_src_word(s, in->dept ? in->dept : "")) ==
	    NULL || (c->doctor = omsi_src_word(s, in->doctor ? in->doctor :
	    "")) == NULL || (c->payer = omsi_src_word(s, in->payer)) == NULL)
		goto nomem;
	if (in->sum == NULL || oms_money_parse(in->sum, &c->sum) == -1 ||
	    in->d1 == NULL || oms_date_parse(in->d1, &d1) == -1 ||
	    in->d2 == NULL || oms_date_parse(in->d2, &d2) == -1) {
		omsi_diagf(diag, 0, d->name, line, "account %s: %s missing "
		    "or malformed; skipped", in->acc, in->sumname);
		return (0);
	}
	c->date_begin = (int32_t)d1;	/* years 1 to 9999 */
	c->date_end = (int32_t)d2;
	s->ncases++;
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, d->name, 0, "out of memory"));
}

int
omsi_src_reserve(struct oms_src *s, size_t n)
{
	struct oms_case *c;
	size_t cap;

	if (s->cases_cap - s->ncases >= n)
		return (0);
	cap = s->cases_cap ? s->cases_cap : 4096;
	while (cap - s->ncases < n)
		cap *= 2;
	if ((c = reallocarray(s->cases, cap, sizeof(*c))) == NULL)
		return (-1);
	s->cases = c;
	s->cases_cap = cap;
	return (0);
}

/*
 * A document given up: e (unless NULL) is reported, or returned when the
 * machine failed rather than the file; the cases read from it are
 * forgotten.  1 = go on with the next file, -1 = stop.
 */
int
omsi_src_failed(struct oms_src *s, int di, size_t first, const struct oms_err *e,
    struct oms_diag *diag, struct oms_err *err)
{
	if (e != NULL && (e->code == OMS_ENOMEM || e->code == OMS_EIO)) {
		*err = *e;
		return (-1);
	}
	if (e != NULL)
		omsi_diag(diag, 0, e);
	s->ncases = first;
	s->docs[di].ncases = 0;
	if (s->some) {
		omsi_arena_release(&s->scratch);
		omsi_arena_init(&s->scratch);
	}
	return (1);
}


int
omsi_src_keep(struct oms_src *s, struct oms_case *c)
{
	if ((c->id_pac = omsi_arena_strdup(&s->arena, c->id_pac)) == NULL ||
	    (c->payer = omsi_src_word(s, c->payer)) == NULL ||
	    (c->dept = omsi_src_word(s, c->dept)) == NULL ||
	    (c->doctor = omsi_src_word(s, c->doctor)) == NULL)
		return (-1);
	return (0);
}

const char *
omsi_src_word(struct oms_src *s, const char *v)
{
	size_t val, slot;
	uint32_t tag;
	char *k;
	int r;

	if ((r = omsi_hash_reserve(&s->words, v, &val, &slot, &tag)) == 1)
		return (s->words.keys[slot]);
	if (r == -1 || (k = omsi_arena_strdup(&s->arena, v)) == NULL)
		return (NULL);
	omsi_hash_fill(&s->words, slot, tag, k, 0);
	return (k);
}

/*
 * Keep case i of a scan of some accounts as case k (k <= i), its strings
 * copied out of the document's (account is key, the caller's string).
 */
static int
keep_case(struct oms_src *s, size_t k, size_t i, const char *key)
{
	struct oms_case *c = &s->cases[k];

	if (k != i)
		*c = s->cases[i];
	c->account = key;
	return (omsi_src_keep(s, c));
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/*
 * Is an earlier document, not older than doc, holding the account of
 * fingerprint h?  Then the account's first case in doc is not its
 * newest version (omsi_src_commit).
 */
static int
beaten(const struct oms_src *s, int doc, uint64_t h)
{
	const struct omsi_srcfp *f;
	int e;

	for (e = 0; e < doc; e++) {
		f = &s->fp[e];
		if (f->n > 0 && !doc_newer(&s->docs[doc], &s->docs[e]) &&
		    bsearch(&h, f->v, f->n, sizeof(*f->v), cmp_u64) != NULL)
			return (1);
	}
	return (0);
}

/* how many accounts of the list ahead commit_some asks of memory */
#define FOLLOW_AHEAD	8

/* the account of case i (omsi_hash_ring) */
static const char *
case_account(const void *src, size_t i)
{
	return (((const struct oms_src *)src)->cases[i].account);
}

/*
 * omsi_src_commit in a scan of some accounts: the same newest versions
 * and the same messages, but only the cases of the accounts wanted stay
 * (moved down to [first, ...)); of the others, the document keeps their
 * fingerprints.  A duplicate of another account is said when its first
 * case in doc would be its newest version: no earlier document not older
 * than doc holds it.
 */
static int
commit_some(struct oms_src *s, int doc, size_t first, int copy,
    struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct omsi_srcfp *f = &s->fp[doc];
	struct omsi_hash *other = &s->other;
	struct omsi_hash_ring ring;
	struct oms_case *c, *old;
	size_t i, k = first, v, slot, later;
	uint64_t h, *nv;
	uint32_t tag;
	const char *a;
	int r, follow = s->wslot != NULL;

	if (!follow)
		omsi_hash_ring_begin(&ring, &s->want, first, s->ncases,
		    case_account, s);
	for (i = first; i < s->ncases; i++) {
		c = &s->cases[i];
		d->ncases++;
		/*
		 * The next account of the list, when the index meets them in
		 * its order: its slot is known, its value and key are asked
		 * of memory ahead.  At the first other, the table is asked
		 * for the rest of these cases, through a ring that fetches
		 * ahead its slots and keys (keeping case i as k <= i leaves
		 * the accounts after i, which it reads, in place).
		 */
		if (follow && s->wnext < s->nwkey && s->want.cap == s->wcap &&
		    strcmp(c->account, s->wkey[s->wnext]) == 0) {
			slot = s->wslot[s->wnext++];
			if (s->wnext + FOLLOW_AHEAD < s->nwkey) {
				later = s->wslot[s->wnext + FOLLOW_AHEAD];
				__builtin_prefetch(&s->want.vals[later]);
				__builtin_prefetch(&s->want.keys[later]);
			}
			v = s->want.vals[slot];
			r = 1;
		} else {
			if (follow) {
				follow = 0;
				omsi_hash_ring_begin(&ring, &s->want, i,
				    s->ncases, case_account, s);
			}
			tag = omsi_hash_ring_tag(&ring, i);
			r = omsi_hash_reserve_tag(&s->want, c->account, tag,
			    &v, &slot);
		}
		if (r == -1)
			goto nomem;
		if (r == 1) {
			if (v > 0) {
				old = &s->cases[v - 1];
				if (old->doc == doc) {
					old->dup = 1;
					omsi_diagf(diag, 0, d->name, c->line,
					    "account %s appears twice in this "
					    "file (first on line %lu); it will "
					    "not be exported until the MIS "
					    "fixes it", c->account,
					    (unsigned long)old->line);
					continue;
				}
				if (!doc_newer(d, &s->docs[old->doc]))
					continue;
			}
			s->want.vals[slot] = k + 1;
			if (keep_case(s, k, i, s->want.keys[slot]) == -1)
				goto nomem;
			k++;
			continue;
		}
		/* another account */
		h = omsi_hash_str(c->account);
		if (f->n == s->fpvcap) {
			v = s->fpvcap ? s->fpvcap * 2 : 64;
			if ((nv = reallocarray(f->v, v, sizeof(*nv))) == NULL)
				goto nomem;
			f->v = nv;
			s->fpvcap = v;
		}
		f->v[f->n++] = h;
		if ((r = omsi_hash_reserve(other, c->account, &v, &slot,
		    &tag)) == -1)
			goto nomem;
		if (r == 0) {
			a = copy ? omsi_arena_strdup(&s->scratch, c->account) :
			    c->account;
			if (a == NULL)
				goto nomem;
			omsi_hash_fill(other, slot, tag, a,
			    (size_t)c->line << 2);
			continue;
		}
		if ((v & 3) == 0) {
			v |= beaten(s, doc, h) ? 2 : 1;
			other->vals[slot] = v;
		}
		if (v & 1)
			omsi_diagf(diag, 0, d->name, c->line, "account %s "
			    "appears twice in this file (first on line %lu); "
			    "it will not be exported until the MIS fixes it",
			    c->account, (unsigned long)(v >> 2));
	}
	s->ncases = k;
	return (0);
nomem:
	s->ncases = k;
	return (oms_err_set(err, OMS_ENOMEM, d->name, 0, "out of memory"));
}

/*
 * More cases of document doc in a scan of some accounts, [first,
 * s->ncases), whose strings do not stay (srcindex.c's replay): as
 * omsi_src_commit, the document's end being omsi_src_commit_end.
 */
int
omsi_src_commit_part(struct oms_src *s, int doc, size_t first,
    struct oms_diag *diag, struct oms_err *err)
{
	return (commit_some(s, doc, first, 1, diag, err));
}

/* The end of a document committed in parts: what only it needed goes. */
void
omsi_src_commit_end(struct oms_src *s, int doc)
{
	struct omsi_srcfp *f = &s->fp[doc];

	if (f->n > 0)
		qsort(f->v, f->n, sizeof(*f->v), cmp_u64);
	s->fpvcap = 0;
	omsi_hash_release(&s->other);
	omsi_hash_init(&s->other);
	omsi_arena_release(&s->scratch);
	omsi_arena_init(&s->scratch);
}

/* Index the cases of a document read whole: [first, s->ncases). */
int
omsi_src_commit(struct oms_src *s, int doc, size_t first, struct oms_diag *diag,
    struct oms_err *err)
{
	struct oms_srcdoc *d = &s->docs[doc];
	struct oms_case *c, *old;
	size_t i, prev, slot;
	struct omsi_hash_ring ring;
	uint32_t tag;
	int r;

	/* what the doc holds is recorded; what it meets here is not */
	if (s->rdiag != NULL) {
		s->hooks->ev_doc(s, doc, first);
		diag = s->rdiag;
	}
	if (s->some) {
		r = commit_some(s, doc, first, 0, diag, err);
		omsi_src_commit_end(s, doc);
		return (r);
	}
	/* the table takes the document's cases without moving */
	if (omsi_hash_presize(&s->idx, s->idx.n + (s->ncases - first)) == -1)
		return (oms_err_set(err, OMS_ENOMEM, d->name, 0,
		    "out of memory"));
	omsi_hash_ring_begin(&ring, &s->idx, first, s->ncases, case_account,
	    s);
	for (i = first; i < s->ncases; i++) {
		c = &s->cases[i];
		d->ncases++;
		tag = omsi_hash_ring_tag(&ring, i);
		if ((r = omsi_hash_reserve_tag(&s->idx, c->account, tag, &prev,
		    &slot)) == -1)
			return (oms_err_set(err, OMS_ENOMEM, d->name, 0,
			    "out of memory"));
		if (r == 0) {
			omsi_hash_fill(&s->idx, slot, tag, c->account, i);
			continue;
		}
		old = &s->cases[prev];
		if (old->doc == doc) {
			old->dup = 1;
			omsi_diagf(diag, 0, d->name, c->line, "account %s "
			    "appears twice in this file (first on line %lu); "
			    "it will not be exported until the MIS fixes it",
			    c->account, (unsigned long)old->line);
			continue;
		}
		if (doc_newer(d, &s->docs[old->doc]))
			s->idx.vals[slot] = i;
	}
	return (0);
}

/*
 * Read one document: the workspace's profile scans what it bids on (its
 * root element); another's document, or none, is reported and ignored.
 * 0, 1 for a document dropped, -1 on error.
 */
static int
scan_doc(struct oms_src *s, int di, struct omsi_xin *x, struct oms_diag *diag,
    struct oms_err *err)
{
	const struct oms_profile *p = omsi_profile_of(s->conf);
	struct oms_srcdoc *d = &s->docs[di];
	const char *name;
	struct oms_err e;
	int rc;

	memset(&e, 0, sizeof(e));
	if ((rc = omsi_xin_next_element(x, &e)) != 1)
		return (omsi_src_failed(s, di, s->ncases, &e, diag, err));
	name = (const char *)xmlTextReaderConstLocalName(omsi_xin_reader(x));
	if (p->src_bid(name))
		return (p->src_scan(s, di, x, diag, err));
	if (omsi_profile_bidder(name) != NULL)
		omsi_diagf(diag, 1, d->name, 0, "root element <%s> is not of "
		    "profile %s (%s); not a source file, ignored", name,
		    p->name, p->src_roots);
	else
		omsi_diagf(diag, 1, d->name, 0, "root element <%s> is not %s; "
		    "not a source file, ignored", name, p->src_roots);
	return (1);
}

struct oms_srcdoc *
omsi_src_newdoc(struct oms_src *s, const char *path, const char *entry,
    const char *name, time_t mtime)
{
	struct oms_srcdoc *d;
	struct omsi_srcfp *f;

	if (s->ndocs == s->docs_cap) {
		size_t cap = s->docs_cap ? s->docs_cap * 2 : 16;

		d = reallocarray(s->docs, cap, sizeof(*d));
		if (d == NULL)
			return (NULL);
		s->docs = d;
		s->docs_cap = cap;
	}
	if (s->some && s->ndocs == s->fpcap) {
		size_t cap = s->fpcap ? s->fpcap * 2 : 16;

		if ((f = reallocarray(s->fp, cap, sizeof(*f))) == NULL)
			return (NULL);
		s->fp = f;
		s->fpcap = cap;
	}
	if (s->some)
		memset(&s->fp[s->ndocs], 0, sizeof(*s->fp));
	d = &s->docs[s->ndocs];
	memset(d, 0, sizeof(*d));
	d->pair = -1;
	d->data = -1;
	d->mtime = mtime;
	if ((d->path = strdup(path)) == NULL ||
	    (entry != NULL && (d->entry = strdup(entry)) == NULL) ||
	    (d->name = strdup(name)) == NULL) {
		free(d->path);
		free(d->entry);
		return (NULL);
	}
	s->ndocs++;
	return (d);
}

static void
drop_last_doc(struct oms_src *s)
{
	struct oms_srcdoc *d = &s->docs[--s->ndocs];

	free(d->path);
	free(d->entry);
	free(d->name);
	if (s->some) {
		free(s->fp[s->ndocs].v);
		memset(&s->fp[s->ndocs], 0, sizeof(*s->fp));
	}
}

static int
scan_one(struct oms_src *s, const char *path, const char *entry,
    const char *name, time_t mtime, struct archive *ar, struct oms_diag *diag,
    struct oms_err *err)
{
	struct omsi_xin *x;
	struct oms_err e;
	int r;

	memset(&e, 0, sizeof(e));
	if (omsi_src_newdoc(s, path, entry, name, mtime) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, name, 0,
		    "out of memory"));
	x = ar != NULL ? omsi_xin_archive(ar, name, &e) :
	    omsi_xin_file(path, name, &e);
	if (x == NULL) {
		drop_last_doc(s);
		if (e.code == OMS_ENOMEM) {
			*err = e;
			return (-1);
		}
		omsi_diag(diag, 0, &e);
		return (0);
	}
	r = scan_doc(s, (int)s->ndocs - 1, x, diag, err);
	omsi_xin_free(x);
	if (r == 1)
		drop_last_doc(s);
	return (r == -1 ? -1 : 0);
}

static int
scan_zip(struct oms_src *s, const char *path, const char *rel,
    time_t mtime, struct oms_diag *diag, struct oms_err *err)
{
	struct archive *ar;
	struct archive_entry *ae;
	struct oms_err e;
	const char *en, *base;
	char name[1024];
	int r, n = 0;

	memset(&e, 0, sizeof(e));
	if ((ar = zip_open(path, rel, &e)) == NULL) {
		omsi_diag(diag, 0, &e);
		return (0);
	}
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		if (++n > MAX_ENTRIES) {
			omsi_diagf(diag, 0, rel, 0, "more than %d entries; "
			    "the rest is ignored", MAX_ENTRIES);
			break;
		}
		if (archive_entry_filetype(ae) != AE_IFREG)
			continue;
		en = archive_entry_pathname(ae);
		base = strrchr(en, '/') ? strrchr(en, '/') + 1 : en;
		if (*base == '.' || *base == '\0')
			continue;
		if ((size_t)snprintf(name, sizeof(name), "%s:%s", rel, en) >=
		    sizeof(name)) {
			omsi_diagf(diag, 0, rel, 0, "entry name too long; "
			    "skipped");
			continue;
		}
		if (scan_one(s, path, en, name, mtime, ar, diag, err) == -1) {
			archive_read_free(ar);
			return (-1);
		}
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_EOF)
		omsi_diagf(diag, 0, rel, 0, "damaged ZIP: %s",
		    archive_error_string(ar));
	archive_read_free(ar);
	return (0);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Pair every cases document with its persons document. */
static void
pair_docs(struct oms_src *s, struct oms_diag *diag)
{
	size_t i, j;

	for (i = 0; i < s->ndocs; i++) {
		struct oms_srcdoc *d = &s->docs[i];

		if (d->type != OMS_DOC_CASES)
			continue;
		for (j = 0; j < s->ndocs; j++) {
			struct oms_srcdoc *p = &s->docs[j];

			if (p->type != OMS_DOC_PERSONS ||
			    strcmp(p->filename1, d->filename) != 0)
				continue;
			if (d->pair == -1 || doc_newer(p, &s->docs[d->pair]))
				d->pair = (int)j;
		}
		if (d->pair == -1 && d->ncases > 0)
			omsi_diagf(diag, 1, d->name, 0, "no PERS_LIST file "
			    "with FILENAME1 %s in source/; its accounts "
			    "cannot be exported", d->filename);
	}
}

struct oms_src *
oms_src_scan(const struct oms_ws *ws, struct oms_diag *diag,
    struct oms_err *err)
{
	return (omsi_src_scan(ws, NULL, 0, NULL, 0, diag, err));
}

/* One source file: loaded from the index, or read (and recorded). */
static int
scan_file(struct oms_src *s, const char *path, const char *rel,
    const struct stat *st, struct oms_diag *diag, struct oms_err *err)
{
	struct oms_diag *rd = diag;
	int r;

	if (s->ix != NULL) {
		if ((r = s->hooks->load(s, rel, path, st, diag, err)) != 0)
			return (r == 1 ? 0 : -1);
		rd = s->hooks->begin(s, rel, st, diag);
	}
	if (is_zip(path))
		r = scan_zip(s, path, rel, st->st_mtime, rd, err);
	else
		r = scan_one(s, path, NULL, rel, st->st_mtime, NULL, rd, err);
	if (s->ix != NULL)
		s->hooks->end(s, path);
	return (r);
}

/*
 * An account and the first 8 bytes of it as a number that orders as
 * strcmp does: a million accounts sort in memory that is read in order,
 * strcmp only breaking ties (accounts alike in their first 8 bytes).
 */
struct acckey {
	uint64_t		 k;
	const struct oms_case	*c;
};

static int
cmp_acckey(const void *a, const void *b)
{
	const struct acckey *x = a, *y = b;

	if (x->k != y->k)
		return (x->k < y->k ? -1 : 1);
	return (strcmp(x->c->account, y->c->account));
}

/*
 * byacc[0..n) by account; -1 on no memory.  The keys are sorted by their
 * bytes, least significant first, a byte a pass (a pass whose byte is
 * the same in every key is skipped), into a second array as big as the
 * one qsort would take; accounts alike in their first 8 bytes are then
 * put in order by strcmp, a run at a time.
 */
static int
sort_byacc(const struct oms_case **byacc, size_t n)
{
	struct acckey *v, *w, *t;
	const unsigned char *a;
	size_t i, j, b, cnt[256], sum;
	int shift;

	if ((v = reallocarray(NULL, n, sizeof(*v))) == NULL)
		return (-1);
	if ((w = reallocarray(NULL, n, sizeof(*w))) == NULL) {
		free(v);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		a = (const unsigned char *)byacc[i]->account;
		v[i].k = 0;
		for (j = 0; j < 8 && a[j] != '\0'; j++)
			v[i].k |= (uint64_t)a[j] << (56 - 8 * j);
		v[i].c = byacc[i];
	}
	for (shift = 0; shift < 64; shift += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(v[i].k >> shift) & 0xff]++;
		if (n == 0 || cnt[(v[0].k >> shift) & 0xff] == n)
			continue;	/* all alike */
		for (b = 0, sum = 0; b < 256; b++) {
			j = cnt[b];
			cnt[b] = sum;
			sum += j;
		}
		for (i = 0; i < n; i++)
			w[cnt[(v[i].k >> shift) & 0xff]++] = v[i];
		t = v;
		v = w;
		w = t;
	}
	free(w);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j].k == v[i].k; j++)
			;
		if (j - i > 1)
			qsort(v + i, j - i, sizeof(*v), cmp_acckey);
	}
	for (i = 0; i < n; i++)
		byacc[i] = v[i].c;
	free(v);
	return (0);
}

/*
 * The end of a scan of some accounts: the winners from want, in document
 * order (the cases, the others dropped: no win); what only the scan
 * needed is let go, and the cases take no more room than they fill.
 * They are sorted by account (byacc) when one is first looked up by name
 * (oms_src_find): a due list in document order never is.
 */
static int
end_some(struct oms_src *s)
{
	struct oms_case *c;
	uint64_t *won = NULL;
	size_t i, j, n = 0, v;

	/* the winners, by their case, as bits: in order with no sort */
	if (s->ncases > 0 && (won = calloc((s->ncases + 63) / 64,
	    sizeof(*won))) == NULL)
		return (-1);
	for (i = 0; i < s->want.cap; i++)
		if (s->want.keys[i] != NULL && (v = s->want.vals[i]) > 0) {
			won[(v - 1) / 64] |= UINT64_C(1) << ((v - 1) % 64);
			n++;
		}
	s->nwin = n;
	omsi_hash_release(&s->want);
	omsi_hash_init(&s->want);
	free(s->wslot);
	s->wslot = NULL;
	s->wkey = NULL;
	s->nwkey = s->wnext = 0;
	omsi_hash_release(&s->words);
	omsi_hash_init(&s->words);
	for (i = 0; i < s->ndocs; i++)
		free(s->fp[i].v);
	free(s->fp);
	s->fp = NULL;
	s->fpcap = 0;
	if (n == 0) {
		free(won);
		return (0);
	}
	/* the winners alone, in document order: case i is the i-th */
	for (i = 0, j = 0; i < s->ncases; i++)
		if (won[i / 64] >> (i % 64) & 1) {
			if (j != i)
				s->cases[j] = s->cases[i];
			j++;
		}
	free(won);
	s->ncases = n;
	if (s->ncases < s->cases_cap &&
	    (c = reallocarray(s->cases, s->ncases, sizeof(*c))) != NULL) {
		s->cases = c;
		s->cases_cap = s->ncases;
	}
	return (0);
}

struct oms_src *
omsi_src_scan(const struct oms_ws *ws, const struct omsi_src_hooks *hooks,
    int flags, const char *const *want, size_t nwant, struct oms_diag *diag,
    struct oms_err *err)
{
	struct oms_src *s;
	char *dir = NULL, *path = NULL, **names = NULL, rel[1024];
	size_t nnames = 0, cap = 0, i, j;
	uint64_t *won = NULL;
	struct dirent *de;
	struct stat st;
	DIR *dp = NULL;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	s->conf = &ws->conf;
	s->ws = ws;
	s->hooks = hooks;
	omsi_hash_init(&s->idx);
	omsi_hash_init(&s->warned);
	omsi_arena_init(&s->arena);
	omsi_hash_init(&s->want);
	omsi_hash_init(&s->words);
	omsi_hash_init(&s->other);
	omsi_arena_init(&s->scratch);
	if (want != NULL) {
		s->some = 1;
		if (omsi_hash_presize(&s->want, nwant) == -1)
			goto nomem;
		/* without the room to follow the list, it is looked up */
		if (s->want.cap <= UINT32_MAX && nwant > 0 &&
		    (s->wslot = calloc(nwant, sizeof(*s->wslot))) != NULL) {
			s->wkey = want;
			s->nwkey = nwant;
			s->wcap = s->want.cap;
		}
		if (omsi_hash_put_all(&s->want, want, nwant, 0, s->wslot) ==
		    -1)
			goto nomem;
	}
	if ((dir = oms_ws_path(ws, "source")) == NULL)
		goto nomem;
	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT) {
			free(dir);
			dir = NULL;
			if (s->some && end_some(s) == -1)
				goto nomem;
			return (s);	/* nothing exported yet */
		}
		oms_err_sys(err, errno, dir, "open directory");
		goto fail;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (nnames == cap) {
			char **n = reallocarray(names, cap ? cap * 2 : 64,
			    sizeof(*n));
			if (n == NULL)
				goto nomem;
			names = n;
			cap = cap ? cap * 2 : 64;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL)
			goto nomem;
		nnames++;
	}
	closedir(dp);
	dp = NULL;
	if (hooks != NULL && (flags & OMS_SRC_INDEX) &&
	    hooks->open(s, flags, diag, err) == -1)
		goto fail;
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), cmp_str);
	for (i = 0; i < nnames; i++) {
		free(path);
		if ((path = oms_path_join(dir, names[i])) == NULL)
			goto nomem;
		snprintf(rel, sizeof(rel), "source/%s", names[i]);
		if (stat(path, &st) == -1) {
			oms_err_sys(err, errno, rel, "stat");
			goto fail;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (scan_file(s, path, rel, &st, diag, err) == -1)
			goto fail;
	}
	if (s->ix != NULL)
		s->hooks->save(s, diag);
	pair_docs(s, diag);
	if (s->some) {
		if (end_some(s) == -1)
			goto nomem;
		goto done;
	}
	/* the winners, in document order: marked by their case, no sort */
	if (s->idx.n > 0 && ((s->win = calloc(s->idx.n,
	    sizeof(*s->win))) == NULL || (won = calloc((s->ncases + 63) / 64,
	    sizeof(*won))) == NULL))
		goto nomem;
	for (i = 0; i < s->idx.cap; i++)
		if (s->idx.keys[i] != NULL)
			won[s->idx.vals[i] / 64] |= UINT64_C(1) <<
			    (s->idx.vals[i] % 64);
	for (i = 0, j = 0; i < s->ncases && s->idx.n > 0; i++)
		if (won[i / 64] >> (i % 64) & 1)
			s->win[j++] = i;
	s->nwin = j;
done:
	free(won);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	free(dir);
	return (s);
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
fail:
	if (dp != NULL)
		closedir(dp);
	free(won);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	free(dir);
	oms_src_free(s);
	return (NULL);
}

void
oms_src_free(struct oms_src *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndocs; i++) {
		free(s->docs[i].path);
		free(s->docs[i].entry);
		free(s->docs[i].name);
	}
	free(s->docs);
	free(s->cases);
	free(s->win);
	free(s->byacc);
	if (s->fp != NULL)
		for (i = 0; i < s->ndocs; i++)
			free(s->fp[i].v);
	free(s->fp);
	omsi_hash_release(&s->want);
	free(s->wslot);
	omsi_hash_release(&s->words);
	omsi_hash_release(&s->other);
	omsi_arena_release(&s->scratch);
	omsi_hash_release(&s->idx);
	omsi_hash_release(&s->warned);
	oms_ref_free(s->ins);
	omsi_arena_release(&s->arena);
	if (s->ix != NULL)
		s->hooks->free(s->ix);
	free(s);
}

size_t
oms_src_ndocs(const struct oms_src *s)
{
	return (s->ndocs);
}

const struct oms_srcdoc *
oms_src_doc(const struct oms_src *s, size_t i)
{
	return (i < s->ndocs ? &s->docs[i] : NULL);
}

size_t
oms_src_ncases(const struct oms_src *s)
{
	return (s->nwin);
}

const struct oms_case *
oms_src_case(const struct oms_src *s, size_t i)
{
	if (i >= s->nwin)
		return (NULL);
	return (s->win != NULL ? &s->cases[s->win[i]] : &s->cases[i]);
}

const struct oms_case *
omsi_src_find_next(const struct oms_src *s, const char *account, size_t *next)
{
	const struct oms_case *c;

	if (s->some && s->win == NULL && *next < s->nwin &&
	    strcmp(s->cases[*next].account, account) == 0)
		c = &s->cases[*next];
	else if ((c = oms_src_find(s, account)) == NULL)
		return (NULL);
	if (s->some && s->win == NULL)
		*next = (size_t)(c - s->cases) + 1;
	return (c);
}

/* byacc, the winners of a scan of some accounts by account: 0, or -1. */
static int
by_account(struct oms_src *s)
{
	size_t i;

	if ((s->byacc = calloc(s->nwin, sizeof(*s->byacc))) == NULL)
		return (-1);
	for (i = 0; i < s->nwin; i++)
		s->byacc[i] = &s->cases[i];
	if (sort_byacc(s->byacc, s->nwin) == -1) {
		free(s->byacc);
		s->byacc = NULL;
		return (-1);
	}
	return (0);
}

size_t
omsi_src_slot(const struct oms_src *s, const struct oms_case *c)
{
	return ((size_t)(c - s->cases));
}

size_t
omsi_src_nslots(const struct oms_src *s)
{
	return (s->ncases);
}

const struct oms_case *
oms_src_find(const struct oms_src *s, const char *account)
{
	size_t i, lo, hi;
	int r;

	if (!s->some)
		return (omsi_hash_get(&s->idx, account, &i) ? &s->cases[i] :
		    NULL);
	if (s->byacc == NULL && s->nwin > 0 &&
	    by_account((struct oms_src *)s) == -1) {
		/* no memory for the sorted list: one by one */
		for (i = 0; i < s->nwin; i++)
			if (strcmp(account, s->cases[i].account) == 0)
				return (&s->cases[i]);
		return (NULL);
	}
	for (lo = 0, hi = s->nwin; lo < hi;) {
		i = lo + (hi - lo) / 2;
		if ((r = strcmp(account, s->byacc[i]->account)) == 0)
			return (s->byacc[i]);
		if (r < 0)
			hi = i;
		else
			lo = i + 1;
	}
	return (NULL);
}

int
oms_src_names(const struct oms_src *s, const char *const *accounts,
    size_t n, char **names, struct oms_err *err)
{
	const struct oms_profile *p = omsi_profile_of(s->conf);
	size_t i, k;

	for (i = 0; i < n; i++)
		names[i] = NULL;
	for (k = 0; k < s->ndocs && n > 0; k++)
		if (p->src_names(s, k, accounts, n, names, err) == -1) {
			for (i = 0; i < n; i++) {
				free(names[i]);
				names[i] = NULL;
			}
			return (-1);
		}
	return (0);
}
