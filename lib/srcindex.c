/*
 * srcindex.c -- the source index: what the scan of every source file gave,
 * kept in the workspace so that a file that did not change is not read
 * again (DIR/.oms.srcindex, oms(7))
 *
 * The index holds, for each source file (a ZIP as a whole), its key and
 * the record of its reading: the diagnostics it gave, the warnings given
 * once a run (kept whether or not they were said, since another file may
 * say them first), the loading of the insurers' register, and its
 * documents with their cases.  Loading a record replays it in the same
 * order, through the same omsi_src_commit, so the cases, the newest
 * versions and every message are the ones a reading gives.
 *
 * The key: the name, size, inode and device, modification and change
 * times to the nanosecond.  No content hash: hashing the source costs
 * about what reading it does.  The change time cannot be set back by a
 * user (touch sets the modification time only), so a file written again
 * gets a new one; a file whose change time is too recent for a later
 * change to tell (within the clock's tick: 0.1 s, or 2 s on file systems
 * that keep whole seconds) is not kept, nor is one that changed while it
 * was read, nor one that had errors (they are read, and said, again).
 * The whole index is keyed by oms.conf, ref/F002.tsv (contents), the
 * version of oms and of libxml2, and INDEX_VERSION: a change to what a
 * profile's reader gives must raise INDEX_VERSION.
 *
 * The file: a header (magic, version, byte order), the body, a trailer
 * (body length and a 64-bit checksum).  Anything that does not check is
 * a warning and the index is made again.  It is written whole, fsynced
 * and renamed into place (write_index), mode 0600, without the
 * workspace lock: two runs at once each write a whole index, the last
 * one stays.
 * The old index is read in pieces (ix_piece bytes; one pass checks the
 * checksum, on a thread of its own when one can be made, while another
 * checks the records, and a file loaded is read again, once both passed)
 * and a document's cases are replayed a batch at a time, their strings
 * copied out of the piece (the payers, departments and doctors once
 * each), so that neither scan holds the index in memory.  A scan of all
 * keeps every case.  A scan of some accounts (oms_src_scan_some) keeps
 * those accounts' cases only, writes the record of a file it reads as
 * each document is indexed (the cases of the others are not kept until
 * the save), and copies the records of the files loaded from the old
 * file when it saves: the same index as a scan of all, with no
 * document's cases in memory while the export runs.
 *
 * Over 900 lines: the format's writer, reader, checks and replay are one
 * piece (each event is written and read in the same order here), and
 * splitting them would put the format in two places.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src_int.h"

#define INDEX_NAME	".oms.srcindex"
#define INDEX_MAGIC	"OMSSRCIX"
#define INDEX_VERSION	1u
#define INDEX_BOM	0x01020304u
#define HEAD_LEN	16
#define TAIL_LEN	16
#define HASH_MUL	0x9e3779b97f4a7c15ull

/* One event of a recorded reading (new records only). */
struct ixev {
	char		 tag;		/* 'W' diag, 'O' once, 'I', 'D' doc */
	int		 warning;
	struct oms_err	*e;		/* W, O */
	char		*key;		/* O */
	int		 doc;		/* D */
	size_t		 first, n;
	unsigned char	*raw;		/* D of a scan of some accounts:
					   written when indexed, since its
					   cases are not all kept */
	size_t		 rawlen;
};

struct ixkey {
	uint64_t	 dev, ino, size;
	int64_t		 mts, mtns, cts, ctns;
};

/* A source file of this scan, in listing order. */
struct ixfile {
	char		*name;
	struct ixkey	 key;
	int		 loaded;	/* its record is the old index's */
	uint64_t	 rawoff, rawlen;	/* there */
	struct ixev	*ev;		/* read: what it gave */
	size_t		 nev, evcap;
	int		 bad;		/* not to be kept */
	struct omsi_hash once;
};

/* A record of the old index: where it is, where its events are. */
struct ixold {
	char		*name;
	uint64_t	 rec, ev;	/* offsets in the file */
	uint64_t	 reclen, evlen;
	struct ixkey	 key;
	int		 used;
};

struct omsi_srcix {
	int		 flags;
	char		*path;
	char		 ckey[65];	/* of oms.conf, F002 ... */
	int		 fd;		/* the old index, read in pieces */
	uint64_t	 len;		/* its size */
	unsigned char	*win;		/* its bytes [woff, woff + wlen) */
	size_t		 wcap, wlen;
	uint64_t	 woff;
	struct ixold	*old;
	size_t		 nold;
	struct omsi_hash byname;	/* name -> old index */
	int		 stale;		/* an index there, not of this
					   workspace as it is: replaced */
	struct ixfile	*cur;		/* this scan's files */
	size_t		 ncur, curcap;
	struct ixfile	*rec;		/* being read */
	struct oms_diag	 rdiag;
	struct timespec	 t0;
	struct oms_src_ixstat st;
};

/* ------------------------------------------------------------ checksum */

static uint64_t
mix(uint64_t h, const unsigned char *p, size_t n)
{
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * HASH_MUL;
		h ^= h >> 29;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, p + i, n - i);
		h = (h ^ w) * HASH_MUL;
		h ^= h >> 29;
	}
	return (h);
}

/* ---------------------------------------------------------- the writer */

struct wr {
	FILE		*fp;		/* NULL: count only (or into mem) */
	unsigned char	 buf[65536];	/* a multiple of 8: see mix() */
	size_t		 n;
	uint64_t	 h, len;
	int		 err;
	int		 tomem;		/* into mem (len bytes), not fp */
	unsigned char	*mem;
	size_t		 memcap;
};

static void
wr_flush(struct wr *w)
{
	if (w->n == 0)
		return;
	w->h = mix(w->h, w->buf, w->n);
	if (fwrite(w->buf, 1, w->n, w->fp) != w->n)
		w->err = 1;
	w->n = 0;
}

static void
wr_bytes(struct wr *w, const void *p, size_t n)
{
	const unsigned char *c = p;
	unsigned char *m;
	size_t k;

	if (w->tomem && !w->err) {
		if (w->memcap - w->len < n) {
			for (k = w->memcap ? w->memcap : 4096; k - w->len < n;)
				k *= 2;
			if ((m = realloc(w->mem, k)) == NULL) {
				w->err = 1;
				return;
			}
			w->mem = m;
			w->memcap = k;
		}
		memcpy(w->mem + w->len, p, n);
	}
	w->len += n;
	if (w->fp == NULL)
		return;
	while (n > 0) {
		k = sizeof(w->buf) - w->n;
		if (k > n)
			k = n;
		memcpy(w->buf + w->n, c, k);
		w->n += k;
		c += k;
		n -= k;
		if (w->n == sizeof(w->buf))
			wr_flush(w);
	}
}

static void
wr_u8(struct wr *w, unsigned v)
{
	unsigned char c = (unsigned char)v;

	wr_bytes(w, &c, 1);
}

static void
wr_u32(struct wr *w, uint32_t v)
{
	wr_bytes(w, &v, 4);
}

static void
wr_u64(struct wr *w, uint64_t v)
{
	wr_bytes(w, &v, 8);
}

static void
wr_str(struct wr *w, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	wr_u32(w, (uint32_t)n);
	wr_bytes(w, s != NULL ? s : "", n + 1);
}

/* ---------------------------------------------------------- the reader */

/*
 * The old index is read in pieces of ix_piece bytes (a record longer
 * than a piece, in as many as it takes).
 */
#define PIECE		(4u << 20)
static size_t ix_piece = PIECE;

void
omsi_srcix_piece(size_t n)
{
	ix_piece = n > 0 ? n : PIECE;
}

/* Bytes [off, off + n) of fd into buf, all of them: 0, or -1. */
static int
pread_all(int fd, unsigned char *buf, size_t n, uint64_t off)
{
	size_t got;
	ssize_t k;

	for (got = 0; got < n; got += (size_t)k)
		if ((k = pread(fd, buf + got, n - got,
		    (off_t)(off + got))) <= 0) {
			if (k == -1 && errno == EINTR) {
				k = 0;
				continue;
			}
			if (k == 0)
				errno = EIO;	/* shorter than it was */
			return (-1);
		}
	return (0);
}

/* Bytes [off, off + n) of the old index into its window: 0, or -1. */
static int
ix_read(struct omsi_srcix *ix, uint64_t off, size_t n)
{
	unsigned char *w;

	if (n > ix->wcap) {
		if ((w = realloc(ix->win, n)) == NULL)
			return (-1);
		ix->win = w;
		ix->wcap = n;
	}
	ix->woff = off;
	ix->wlen = 0;
	if (pread_all(ix->fd, ix->win, n, off) == -1)
		return (-1);
	ix->wlen = n;
	return (0);
}

/*
 * A reading of bytes of the old index, up to the file offset lim: from
 * the window, and when the bytes run out, from the next piece (ix not
 * NULL).  A new piece moves what p pointed into: a caller that keeps
 * pointers (strings) sets mark where they begin; the piece then starts
 * there, moved is set, and the caller reads again from mark.
 */
struct rd {
	const unsigned char *p, *end;
	int		 bad;
	int		 check;		/* strings checked for inner NULs */
	struct omsi_srcix *ix;		/* pieces of it, or NULL */
	uint64_t	 lim;
	const unsigned char *mark;
	int		 moved;
};

static void
rd_init(struct rd *r, struct omsi_srcix *ix, uint64_t off, uint64_t len,
    int check)
{
	memset(r, 0, sizeof(*r));
	r->check = check;
	r->lim = off + len;
	r->ix = ix;
	if (off < ix->woff || off > ix->woff + ix->wlen) {
		ix->woff = off;	/* nothing of it there yet */
		ix->wlen = 0;
	}
	r->p = ix->win + (off - ix->woff);
	r->end = ix->win + (r->lim - ix->woff < ix->wlen ?
	    (size_t)(r->lim - ix->woff) : ix->wlen);
}

/* The file offset of r->p, and how many bytes are left to read. */
static uint64_t
rd_off(const struct rd *r, const struct omsi_srcix *ix)
{
	return (ix->woff + (uint64_t)(r->p - ix->win));
}

static uint64_t
rd_left(const struct rd *r)
{
	if (r->ix == NULL)
		return ((uint64_t)(r->end - r->p));
	return (r->lim - rd_off(r, r->ix));
}

/* Make n bytes readable at r->p: 0, or -1 (r->bad) past the end. */
static int
rd_need(struct rd *r, size_t n)
{
	struct omsi_srcix *ix = r->ix;
	const unsigned char *from;
	uint64_t off, stop;
	size_t at, want;

	if ((size_t)(r->end - r->p) >= n)
		return (0);
	if (ix == NULL)
		goto bad;
	from = r->mark != NULL ? r->mark : r->p;
	off = ix->woff + (uint64_t)(from - ix->win);
	at = (size_t)(r->p - from);
	stop = ix->len - TAIL_LEN;
	if (r->lim - off < (uint64_t)at + n || stop - off < (uint64_t)at + n)
		goto bad;
	want = at + n > ix_piece ? at + n : ix_piece;
	if (want > stop - off)
		want = (size_t)(stop - off);
	if (ix_read(ix, off, want) == -1)
		goto bad;
	r->p = ix->win + at;
	if (r->mark != NULL) {
		r->mark = ix->win;
		r->moved = 1;
	}
	r->end = ix->win + (r->lim - off < want ? (size_t)(r->lim - off) :
	    want);
	return (0);
bad:
	r->bad = 1;
	return (-1);
}

/* Read on from where mark was set: the bytes it kept moved. */
static int
rd_again(struct rd *r)
{
	if (!r->moved || r->bad)
		return (0);
	r->p = r->mark;
	r->moved = 0;
	return (1);
}

static void
rd_mark(struct rd *r)
{
	r->mark = r->p;
	r->moved = 0;
}

static uint64_t
rd_u64(struct rd *r)
{
	uint64_t v = 0;

	if (rd_need(r, 8) == -1)
		return (0);
	memcpy(&v, r->p, 8);
	r->p += 8;
	return (v);
}

static uint32_t
rd_u32(struct rd *r)
{
	uint32_t v = 0;

	if (rd_need(r, 4) == -1)
		return (0);
	memcpy(&v, r->p, 4);
	r->p += 4;
	return (v);
}

static unsigned
rd_u8(struct rd *r)
{
	if (rd_need(r, 1) == -1)
		return (0);
	return (*r->p++);
}

/* A string of fewer than max bytes (0: any), or "" when bad. */
static const char *
rd_str(struct rd *r, size_t max)
{
	const char *s;
	uint32_t n = rd_u32(r);

	if (r->bad || rd_need(r, (size_t)n + 1) == -1 ||
	    r->p[n] != '\0' || (max > 0 && n >= max) ||
	    (r->check && memchr(r->p, '\0', n) != NULL)) {
		r->bad = 1;
		return ("");
	}
	s = (const char *)r->p;
	r->p += n + 1;
	return (s);
}

static void
rd_key(struct rd *r, struct ixkey *k)
{
	k->dev = rd_u64(r);
	k->ino = rd_u64(r);
	k->size = rd_u64(r);
	k->mts = (int64_t)rd_u64(r);
	k->mtns = (int64_t)rd_u64(r);
	k->cts = (int64_t)rd_u64(r);
	k->ctns = (int64_t)rd_u64(r);
}

static void
wr_key(struct wr *w, const struct ixkey *k)
{
	wr_u64(w, k->dev);
	wr_u64(w, k->ino);
	wr_u64(w, k->size);
	wr_u64(w, (uint64_t)k->mts);
	wr_u64(w, (uint64_t)k->mtns);
	wr_u64(w, (uint64_t)k->cts);
	wr_u64(w, (uint64_t)k->ctns);
}

static void
key_of(struct ixkey *k, const struct stat *st)
{
	memset(k, 0, sizeof(*k));
	k->dev = (uint64_t)st->st_dev;
	k->ino = (uint64_t)st->st_ino;
	k->size = (uint64_t)st->st_size;
	k->mts = (int64_t)st->st_mtim.tv_sec;
	k->mtns = (int64_t)st->st_mtim.tv_nsec;
	k->cts = (int64_t)st->st_ctim.tv_sec;
	k->ctns = (int64_t)st->st_ctim.tv_nsec;
}

static int
key_eq(const struct ixkey *a, const struct ixkey *b)
{
	return (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mts == b->mts && a->mtns == b->mtns && a->cts == b->cts &&
	    a->ctns == b->ctns);
}

/*
 * Could the file change after now without its change time changing?
 * Yes while that time is within the clock's tick of the scan's start: a
 * tenth of a second where times have nanoseconds, two seconds where
 * they are whole (or even) seconds.
 */
static int
racy(const struct omsi_srcix *ix, const struct ixkey *k)
{
	int64_t margin = k->ctns == 0 && k->mtns == 0 ? 2000000000 :
	    100000000;
	int64_t t0 = (int64_t)ix->t0.tv_sec * 1000000000 + ix->t0.tv_nsec;
	int64_t ct = k->cts * 1000000000 + k->ctns;

	return (ct >= t0 - margin);
}

/* ------------------------------------------------------------- events */

static void
err_fill(struct oms_err *e, int code, const char *where, const char *msg)
{
	memset(e, 0, sizeof(*e));
	e->code = code;
	snprintf(e->where, sizeof(e->where), "%s", where);
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

/* The cases of a document replayed at a time. */
#define BATCH		1024

/*
 * Cases [first, s->ncases) of a scan of all, read from the piece: their
 * strings copied (the piece moves on), payers, departments and doctors
 * as words.  0, or -1 on ENOMEM.
 */
static int
keep_strings(struct oms_src *s, size_t first)
{
	struct oms_case *c;
	size_t i;

	for (i = first; i < s->ncases; i++) {
		c = &s->cases[i];
		if ((c->account = omsi_arena_strdup(&s->arena, c->account)) ==
		    NULL || omsi_src_keep(s, c) == -1)
			return (-1);
	}
	return (0);
}

/*
 * The events of one record: checked only (s NULL), or replayed into s,
 * diagnostics to diag.  0, or -1 on an error of s (err set); r->bad for
 * a record that does not check.  A document's cases are replayed BATCH
 * at a time, their strings copied out of the piece before the next is
 * read.  A scan of all indexes the document once it is whole; a scan of
 * some accounts commits each batch (only the cases wanted stay): its
 * case table never holds the whole document.
 */
static int
replay(struct oms_src *s, struct rd *r, const char *path, time_t mtime,
    struct oms_diag *diag, struct oms_err *err)
{
	struct oms_srcdoc *d = NULL, dd;
	struct oms_case *c, cc;
	struct oms_err e;
	const char *key, *where, *msg, *entry, *name, *v;
	size_t first, di, b, j;
	uint64_t n, i;
	unsigned tag, warning;
	int code, some = s != NULL && s->some;
	char *k;

	while (rd_left(r) > 0 && !r->bad) {
		rd_mark(r);
again:
		switch ((tag = rd_u8(r))) {
		case 'W':
		case 'O':
			key = tag == 'O' ? rd_str(r, 0) : NULL;
			warning = rd_u8(r);
			code = (int)rd_u32(r);
			where = rd_str(r, sizeof(e.where));
			msg = rd_str(r, sizeof(e.msg));
			if (rd_again(r))
				goto again;
			if (s == NULL || r->bad)
				break;
			if (key != NULL) {
				if (omsi_hash_get(&s->warned, key, NULL))
					break;
				if ((k = omsi_arena_strdup(&s->arena, key)) ==
				    NULL || omsi_hash_put(&s->warned, k, 0) ==
				    -1)
					goto nomem;
			}
			err_fill(&e, code, where, msg);
			omsi_diag(diag, (int)warning, &e);
			break;
		case 'I':
			if (s != NULL && omsi_src_insurers(s, diag, err) == -1)
				return (-1);
			break;
		case 'D':
			memset(&dd, 0, sizeof(dd));
			d = &dd;
			entry = rd_u8(r) ? rd_str(r, 0) : NULL;
			name = rd_str(r, 0);
			dd.type = (int)rd_u8(r);
			v = rd_str(r, sizeof(dd.filename));
			snprintf(dd.filename, sizeof(dd.filename), "%s", v);
			v = rd_str(r, sizeof(dd.filename1));
			snprintf(dd.filename1, sizeof(dd.filename1), "%s", v);
			v = rd_str(r, sizeof(dd.version));
			snprintf(dd.version, sizeof(dd.version), "%s", v);
			v = rd_str(r, sizeof(dd.kind));
			snprintf(dd.kind, sizeof(dd.kind), "%s", v);
			v = rd_str(r, sizeof(dd.disp));
			snprintf(dd.disp, sizeof(dd.disp), "%s", v);
			v = rd_str(r, sizeof(dd.ogrn_smo));
			snprintf(dd.ogrn_smo, sizeof(dd.ogrn_smo), "%s", v);
			dd.data = (long)(int64_t)rd_u64(r);
			n = rd_u64(r);
			if (rd_again(r))
				goto again;
			r->mark = NULL;
			if (r->bad || n > rd_left(r) / 40) {
				r->bad = 1;
				break;
			}
			first = s != NULL ? s->ncases : 0;
			di = 0;
			if (s != NULL) {
				if ((d = omsi_src_newdoc(s, path, entry, name,
				    mtime)) == NULL || (!some &&
				    omsi_src_reserve(s, (size_t)n) == -1))
					goto nomem;
				di = s->ndocs - 1;
				d->type = dd.type;
				memcpy(d->filename, dd.filename,
				    sizeof(d->filename));
				memcpy(d->filename1, dd.filename1,
				    sizeof(d->filename1));
				memcpy(d->version, dd.version,
				    sizeof(d->version));
				memcpy(d->kind, dd.kind, sizeof(d->kind));
				memcpy(d->disp, dd.disp, sizeof(d->disp));
				memcpy(d->ogrn_smo, dd.ogrn_smo,
				    sizeof(d->ogrn_smo));
				d->data = dd.data;
			}
			for (i = 0; i < n && !r->bad; i += b) {
				b = n - i > BATCH ? BATCH : (size_t)(n - i);
				if (some && omsi_src_reserve(s, b) == -1)
					goto nomem;
				if (s != NULL)	/* the strings are kept */
					rd_mark(r);
batch:
				for (j = 0; j < b && !r->bad; j++) {
					c = s != NULL ?
					    &s->cases[s->ncases + j] : &cc;
					memset(c, 0, sizeof(*c));
					c->account = rd_str(r, 0);
					c->id_pac = rd_str(r, 0);
					c->payer = rd_str(r, 0);
					c->dept = rd_str(r, 0);
					c->doctor = rd_str(r, 0);
					/* shorter than kind, or "" (bad) */
					v = rd_str(r, sizeof(c->kind));
					memcpy(c->kind, v, strlen(v) + 1);
					c->sum = (int64_t)rd_u64(r);
					c->date_begin =
					    (long)(int64_t)rd_u64(r);
					c->date_end = (long)(int64_t)rd_u64(r);
					c->line = (unsigned long)rd_u64(r);
					c->seq = (unsigned long)rd_u64(r);
					c->doc = (int)di;
				}
				if (rd_again(r))
					goto batch;
				r->mark = NULL;
				if (s == NULL || r->bad)
					continue;
				j = s->ncases;
				s->ncases += b;
				if (!some) {
					if (keep_strings(s, j) == -1)
						goto nomem;
					continue;
				}
				if (omsi_src_commit_part(s, (int)di, j, diag,
				    err) == -1)
					return (-1);
			}
			if (s == NULL || r->bad)
				break;
			if (some) {
				omsi_src_commit_end(s, (int)di);
				break;
			}
			s->ncases = first + (size_t)n;
			if (omsi_src_commit(s, (int)di, first, diag, err) == -1)
				return (-1);
			break;
		default:
			r->bad = 1;
		}
		r->mark = NULL;
	}
	return (0);
nomem:
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

/* A document's event (after its tag) with its cases, into w. */
static void
put_doc(const struct oms_src *s, const struct ixev *ev, struct wr *w)
{
	const struct oms_srcdoc *d = &s->docs[ev->doc];
	const struct oms_case *c;
	size_t j;

	wr_u8(w, d->entry != NULL);
	if (d->entry != NULL)
		wr_str(w, d->entry);
	wr_str(w, d->name);
	wr_u8(w, (unsigned)d->type);
	wr_str(w, d->filename);
	wr_str(w, d->filename1);
	wr_str(w, d->version);
	wr_str(w, d->kind);
	wr_str(w, d->disp);
	wr_str(w, d->ogrn_smo);
	wr_u64(w, (uint64_t)(int64_t)d->data);
	wr_u64(w, ev->n);
	for (j = ev->first; j < ev->first + ev->n; j++) {
		c = &s->cases[j];
		wr_str(w, c->account);
		wr_str(w, c->id_pac);
		wr_str(w, c->payer);
		wr_str(w, c->dept);
		wr_str(w, c->doctor);
		wr_str(w, c->kind);
		wr_u64(w, (uint64_t)c->sum);
		wr_u64(w, (uint64_t)(int64_t)c->date_begin);
		wr_u64(w, (uint64_t)(int64_t)c->date_end);
		wr_u64(w, c->line);
		wr_u64(w, c->seq);
	}
}

/* What a new record holds: its events, into w. */
static void
put_events(const struct oms_src *s, const struct ixfile *f, struct wr *w)
{
	const struct ixev *ev;
	size_t i;

	for (i = 0; i < f->nev; i++) {
		ev = &f->ev[i];
		wr_u8(w, (unsigned)ev->tag);
		switch (ev->tag) {
		case 'O':
			wr_str(w, ev->key);
			/* FALLTHROUGH */
		case 'W':
			wr_u8(w, (unsigned)ev->warning);
			wr_u32(w, (uint32_t)ev->e->code);
			wr_str(w, ev->e->where);
			wr_str(w, ev->e->msg);
			break;
		case 'D':
			if (ev->raw != NULL)
				wr_bytes(w, ev->raw, ev->rawlen);
			else
				put_doc(s, ev, w);
			break;
		}
	}
}

static struct ixev *
new_ev(struct oms_src *s, char tag)
{
	struct ixfile *f = s->ix != NULL ? s->ix->rec : NULL;
	struct ixev *ev;

	if (f == NULL || f->bad)
		return (NULL);
	if (f->nev == f->evcap) {
		size_t cap = f->evcap ? f->evcap * 2 : 8;

		if ((ev = reallocarray(f->ev, cap, sizeof(*ev))) == NULL) {
			f->bad = 1;
			return (NULL);
		}
		f->ev = ev;
		f->evcap = cap;
	}
	ev = &f->ev[f->nev++];
	memset(ev, 0, sizeof(*ev));
	ev->tag = tag;
	return (ev);
}

static void
ev_diag(struct oms_src *s, char tag, int warning, const struct oms_err *e)
{
	struct ixev *ev;

	if ((ev = new_ev(s, tag)) == NULL)
		return;
	ev->warning = warning;
	if ((ev->e = malloc(sizeof(*ev->e))) == NULL) {
		s->ix->rec->nev--;
		s->ix->rec->bad = 1;
		return;
	}
	*ev->e = *e;
}

/* The diag a recorded file is read with: recorded, then passed on. */
static void
rec_diag(void *arg, int warning, const struct oms_err *e)
{
	struct oms_src *s = arg;

	ev_diag(s, 'W', warning, e);
	omsi_diag(s->rdiag, warning, e);
}

static void
ix_ev_once(struct oms_src *s, const char *key, const struct oms_err *e)
{
	struct ixfile *f = s->ix != NULL ? s->ix->rec : NULL;
	char *k;

	if (f == NULL || f->bad || omsi_hash_get(&f->once, key, NULL))
		return;
	if ((k = strdup(key)) == NULL || omsi_hash_put(&f->once, k, 0) == -1) {
		free(k);
		f->bad = 1;
		return;
	}
	ev_diag(s, 'O', 1, e);
	if (!f->bad)
		f->ev[f->nev - 1].key = k;	/* freed with the event */
	else
		free(k);	/* f->once is not looked at again */
}

static void
ix_ev_insurers(struct oms_src *s)
{
	(void)new_ev(s, 'I');
}

static void
ix_ev_doc(struct oms_src *s, int doc, size_t first)
{
	struct ixev *ev;

	struct wr *m;

	if ((ev = new_ev(s, 'D')) == NULL)
		return;
	ev->doc = doc;
	ev->first = first;
	ev->n = s->ncases - first;
	if (!s->some)
		return;
	/* its cases are not all kept: the record is written now */
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		s->ix->rec->bad = 1;
		return;
	}
	m->tomem = 1;
	put_doc(s, ev, m);
	if (m->err || m->len == 0) {
		free(m->mem);
		s->ix->rec->bad = 1;
	} else {
		ev->raw = m->mem;
		ev->rawlen = (size_t)m->len;
	}
	free(m);
}

/* -------------------------------------------------------- the key of all */

static void
add_file(struct omsi_sha256 *h, const char *path)
{
	unsigned char b[8192];
	FILE *fp;
	size_t n;

	if (path == NULL || (fp = fopen(path, "rb")) == NULL) {
		omsi_sha256_add(h, "-", 2);
		return;
	}
	omsi_sha256_add(h, "+", 2);
	while ((n = fread(b, 1, sizeof(b), fp)) > 0)
		omsi_sha256_add(h, b, n);
	if (ferror(fp))
		omsi_sha256_add(h, "!", 1);
	fclose(fp);
}

/* What a reading depends on besides the file: hex into ix->ckey. */
static int
conf_key(struct omsi_srcix *ix, const struct oms_ws *ws)
{
	struct omsi_sha256 h;
	char *p, v[64];

	omsi_sha256_init(&h);
	snprintf(v, sizeof(v), "oms %s index %u libxml2 %s", OMS_VERSION,
	    INDEX_VERSION, xmlParserVersion);
	omsi_sha256_add(&h, v, strlen(v) + 1);
	if ((p = oms_ws_path(ws, "oms.conf")) == NULL)
		return (-1);
	add_file(&h, p);
	free(p);
	if ((p = oms_ws_find(ws, "ref", "F002.tsv", ws->refdir)) == NULL)
		return (-1);
	add_file(&h, p);
	free(p);
	omsi_sha256_hex(&h, ix->ckey);
	return (0);
}

/* ------------------------------------------------------------- opening */

/* One warning a run: what is wrong with the index found. */
static void
ix_warn(struct oms_diag *diag, const char *what)
{
	omsi_diagf(diag, 1, INDEX_NAME, 0, "%s; ignored, and made again from "
	    "source/ when it is saved", what);
}

static void
forget_old(struct omsi_srcix *ix)
{
	size_t i;

	for (i = 0; i < ix->nold; i++)
		free(ix->old[i].name);
	free(ix->old);
	ix->old = NULL;
	ix->nold = 0;
	omsi_hash_release(&ix->byname);
	omsi_hash_init(&ix->byname);
}

/* The old index let go of: its file and what was read of it. */
static void
drop_old(struct omsi_srcix *ix)
{
	if (ix->fd != -1)
		close(ix->fd);
	ix->fd = -1;
	free(ix->win);
	ix->win = NULL;
	ix->wcap = ix->wlen = 0;
	ix->woff = 0;
}

/*
 * Check the body of the old index (its checksum checked): 0, or what is
 * wrong.  Its records' places into ix->old, by name into ix->byname.
 */
static const char *
check_body(struct omsi_srcix *ix)
{
	struct rd r, e;
	const char *name;
	struct ixold *o;
	uint64_t n, i, evlen, stop = ix->len - TAIL_LEN;

	rd_init(&r, ix, HEAD_LEN, stop - HEAD_LEN, 1);
	if (rd_left(&r) < 64 + 8 || rd_need(&r, 64) == -1)
		return ("truncated");
	if (memcmp(r.p, ix->ckey, 64) != 0)
		return (NULL);	/* another oms.conf ...: all is read again */
	r.p += 64;
	n = rd_u64(&r);
	if (r.bad || n > rd_left(&r) / 64)
		return ("damaged (file count)");
	if (n > 0 && (ix->old = calloc((size_t)n, sizeof(*ix->old))) == NULL)
		return ("too big for memory");
	ix->nold = (size_t)n;
	for (i = 0; i < n; i++) {
		o = &ix->old[i];
		o->rec = rd_off(&r, ix);
		name = rd_str(&r, 0);
		if (!r.bad && (o->name = strdup(name)) == NULL)
			return ("too big for memory");
		rd_key(&r, &o->key);
		evlen = rd_u64(&r);
		if (r.bad || evlen > rd_left(&r))
			return ("damaged (a file's record)");
		o->ev = rd_off(&r, ix);
		o->evlen = evlen;
		o->reclen = o->ev + evlen - o->rec;
		rd_init(&e, ix, o->ev, evlen, 1);
		(void)replay(NULL, &e, NULL, 0, NULL, NULL);
		if (e.bad)
			return ("damaged (a file's events)");
		if (omsi_hash_put(&ix->byname, o->name, (size_t)i) == -1)
			return ("too big for memory");
		rd_init(&r, ix, o->ev + evlen, stop - (o->ev + evlen), 1);
	}
	if (rd_left(&r) != 0)
		return ("damaged (bytes after the last record)");
	ix->stale = 0;
	return (NULL);
}

/*
 * The checksum of the body, read in pieces into a buffer of its own
 * (check_body reads the same file meanwhile), none of it trusted before
 * it checks: bad stays NULL, or says what is wrong.
 */
struct sumjob {
	int		 fd;
	uint64_t	 blen, sum;
	const char	*bad;
};

static void *
check_sum(void *arg)
{
	struct sumjob *j = arg;
	uint64_t h = 0, off, end = HEAD_LEN + j->blen;
	size_t k, chunk = (ix_piece + 7) & ~(size_t)7;
	unsigned char *buf;

	if ((buf = malloc(chunk)) == NULL) {
		j->bad = "too big for memory";
		return (NULL);
	}
	for (off = HEAD_LEN; off < end; off += k) {
		k = end - off < chunk ? (size_t)(end - off) : chunk;
		if (pread_all(j->fd, buf, k, off) == -1) {
			j->bad = "truncated while it was read";
			goto out;
		}
		h = mix(h, buf, k);
	}
	if ((h ^ j->blen) != j->sum)
		j->bad = "damaged (checksum)";
out:
	free(buf);
	return (NULL);
}

static int
ix_open(struct oms_src *s, int flags, struct oms_diag *diag,
    struct oms_err *err)
{
	struct omsi_srcix *ix;
	struct stat st;
	const char *bad = NULL;
	unsigned char head[HEAD_LEN], tail[TAIL_LEN];
	struct sumjob sj;
	uint64_t blen, sum;
	pthread_t t;
	uint32_t v;
	int fd;

	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	s->ix = ix;
	ix->flags = flags;
	ix->fd = -1;
	omsi_hash_init(&ix->byname);
	clock_gettime(CLOCK_REALTIME, &ix->t0);
	if ((ix->path = oms_ws_path(s->ws, INDEX_NAME)) == NULL ||
	    conf_key(ix, s->ws) == -1)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	fd = open(ix->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			return (0);
		ix->stale = 1;
		if (errno == ELOOP)
			ix_warn(diag, "a symbolic link (the link is replaced, "
			    "not what it points to)");
		else {
			char what[300];

			snprintf(what, sizeof(what), "cannot be read (%s)",
			    strerror(errno));
			ix_warn(diag, what);
		}
		return (0);
	}
	ix->stale = 1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		ix_warn(diag, "not a plain file");
		return (0);
	}
	ix->fd = fd;	/* kept: it is read in pieces */
	if ((uint64_t)st.st_size < HEAD_LEN + TAIL_LEN) {
		bad = "truncated";
		goto warn;
	}
	ix->len = (uint64_t)st.st_size;
	if (ix_read(ix, 0, HEAD_LEN) == -1) {
		bad = "truncated while it was read";
		goto warn;
	}
	memcpy(head, ix->win, HEAD_LEN);
	if (ix_read(ix, ix->len - TAIL_LEN, TAIL_LEN) == -1) {
		bad = "truncated while it was read";
		goto warn;
	}
	memcpy(tail, ix->win, TAIL_LEN);
	if (memcmp(head, INDEX_MAGIC, 8) != 0) {
		bad = "not an oms source index";
		goto warn;
	}
	memcpy(&v, head + 8, 4);
	if (v != INDEX_VERSION) {
		bad = "written by another version of oms";
		goto warn;
	}
	memcpy(&v, head + 12, 4);
	if (v != INDEX_BOM) {
		bad = "written on another kind of machine";
		goto warn;
	}
	memcpy(&blen, tail, 8);
	memcpy(&sum, tail + 8, 8);
	if (blen != ix->len - HEAD_LEN - TAIL_LEN) {
		bad = "truncated or damaged (length)";
		goto warn;
	}
	/*
	 * The checksum and the records are checked side by side: what the
	 * records' check made of a body whose checksum is wrong is let go,
	 * and the checksum is what is said.  Without a thread, the
	 * checksum first.
	 */
	sj.fd = fd;
	sj.blen = blen;
	sj.sum = sum;
	sj.bad = NULL;
	if (pthread_create(&t, NULL, check_sum, &sj) == 0) {
		bad = check_body(ix);
		(void)pthread_join(t, NULL);
	} else {
		(void)check_sum(&sj);
		if (sj.bad == NULL)
			bad = check_body(ix);
	}
	if (sj.bad != NULL)
		bad = sj.bad;
	if (bad == NULL)
		return (0);
warn:
	forget_old(ix);
	drop_old(ix);
	ix_warn(diag, bad);
	return (0);
}

/* ------------------------------------------------------------ each file */

static struct ixfile *
new_file(struct omsi_srcix *ix, const char *rel, const struct stat *st)
{
	struct ixfile *f;

	if (ix->ncur == ix->curcap) {
		size_t cap = ix->curcap ? ix->curcap * 2 : 16;

		if ((f = reallocarray(ix->cur, cap, sizeof(*f))) == NULL)
			return (NULL);
		ix->cur = f;
		ix->curcap = cap;
	}
	f = &ix->cur[ix->ncur];
	memset(f, 0, sizeof(*f));
	if ((f->name = strdup(rel)) == NULL)
		return (NULL);
	key_of(&f->key, st);
	omsi_hash_init(&f->once);
	ix->ncur++;
	return (f);
}

static int
ix_load(struct oms_src *s, const char *rel, const char *path,
    const struct stat *st, struct oms_diag *diag, struct oms_err *err)
{
	struct omsi_srcix *ix = s->ix;
	struct ixold *o;
	struct ixfile *f;
	struct ixkey k;
	struct rd r;
	size_t i;

	if (!omsi_hash_get(&ix->byname, rel, &i))
		return (0);
	o = &ix->old[i];
	key_of(&k, st);
	if (o->used || !key_eq(&k, &o->key))
		return (0);
	if ((f = new_file(ix, rel, st)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, rel, 0, "out of memory"));
	o->used = 1;
	f->loaded = 1;
	f->rawoff = o->rec;
	f->rawlen = o->reclen;
	rd_init(&r, ix, o->ev, o->evlen, 0);
	if (replay(s, &r, path, st->st_mtime, diag, err) == -1)
		return (-1);
	/* it checked when opened: it could not be read again */
	if (r.bad)
		return (oms_err_set(err, OMS_EIO, INDEX_NAME, 0, "cannot be "
		    "read again (changed while we ran?)"));
	ix->st.loaded++;
	return (1);
}

static struct oms_diag *
ix_begin(struct oms_src *s, const char *rel, const struct stat *st,
    struct oms_diag *diag)
{
	struct omsi_srcix *ix = s->ix;

	ix->st.read++;
	if ((ix->rec = new_file(ix, rel, st)) == NULL)
		return (diag);	/* read, not kept */
	memset(&ix->rdiag, 0, sizeof(ix->rdiag));
	ix->rdiag.fn = rec_diag;
	ix->rdiag.arg = s;
	s->rdiag = diag;
	return (&ix->rdiag);
}

static void
ix_end(struct oms_src *s, const char *path)
{
	struct omsi_srcix *ix = s->ix;
	struct ixfile *f = ix->rec;
	struct stat st;
	struct ixkey k;

	s->rdiag = NULL;
	ix->rec = NULL;
	if (f == NULL)
		return;
	if (ix->rdiag.nerrors > 0 || racy(ix, &f->key) ||
	    stat(path, &st) == -1)
		f->bad = 1;
	else {
		key_of(&k, &st);
		if (!key_eq(&k, &f->key))
			f->bad = 1;	/* changed while it was read */
	}
}

/* -------------------------------------------------------------- saving */

/* A record of the old index, copied from its file (or its bytes). */
static void
put_old(struct omsi_srcix *ix, uint64_t off, uint64_t len, struct wr *w)
{
	size_t k;

	for (; len > 0 && !w->err; off += k, len -= k) {
		k = len < ix_piece ? (size_t)len : ix_piece;
		if (ix_read(ix, off, k) == -1)
			w->err = 1;
		else
			wr_bytes(w, ix->win, k);
	}
}

static void
put_file(const struct oms_src *s, const struct ixfile *f, struct wr *w)
{
	struct wr count;

	if (f->loaded) {
		put_old(s->ix, f->rawoff, f->rawlen, w);
		return;
	}
	memset(&count, 0, sizeof(count));
	put_events(s, f, &count);
	wr_str(w, f->name);
	wr_key(w, &f->key);
	wr_u64(w, count.len);
	put_events(s, f, w);
}

/*
 * Leftovers of a run killed while it wrote a new index: the
 * .oms.srcindex-XXXXXX older than ten minutes (no run takes that long to
 * write one).
 */
static void
sweep(const char *dir)
{
	struct dirent *de;
	struct stat st;
	DIR *dp;
	char *p;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, INDEX_NAME "-", sizeof(INDEX_NAME)) !=
		    0 || strlen(de->d_name) != sizeof(INDEX_NAME) + 6 ||
		    (p = oms_path_join(dir, de->d_name)) == NULL)
			continue;
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtime < time(NULL) - 600)
			(void)unlink(p);
		free(p);
	}
	closedir(dp);
}

/*
 * A new index, written whole and fsynced as .oms.srcindex-XXXXXX, then
 * renamed over the old one.  Not an oms_afile: its ".tmp-" files are
 * what a writer's recovery removes and a reader reports, and this file
 * is written by readers too, while a writer may run.  0, or -1 with
 * errno set.
 */
static int
write_index(struct oms_src *s, const char *dir, struct wr *w)
{
	struct omsi_srcix *ix = s->ix;
	char *tpath;
	FILE *fp = NULL;
	uint64_t nf;
	uint32_t v;
	size_t i;
	int fd, en;

	if ((tpath = malloc(strlen(dir) + sizeof(INDEX_NAME) + 9)) == NULL)
		return (-1);
	sprintf(tpath, "%s/%s-XXXXXX", dir, INDEX_NAME);
	if ((fd = mkstemp(tpath)) == -1) {
		en = errno;
		free(tpath);
		errno = en;
		return (-1);
	}
	(void)fchmod(fd, 0600);
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		goto fail;
	}
	fwrite(INDEX_MAGIC, 1, 8, fp);
	v = INDEX_VERSION;
	fwrite(&v, 4, 1, fp);
	v = INDEX_BOM;
	fwrite(&v, 4, 1, fp);
	w->fp = fp;
	wr_bytes(w, ix->ckey, 64);
	for (i = 0, nf = 0; i < ix->ncur; i++)
		if (ix->cur[i].loaded || !ix->cur[i].bad)
			nf++;
	wr_u64(w, nf);
	for (i = 0; i < ix->ncur; i++)
		if (ix->cur[i].loaded || !ix->cur[i].bad)
			put_file(s, &ix->cur[i], w);
	wr_flush(w);
	w->h ^= w->len;
	errno = 0;
	if (w->err || fwrite(&w->len, 8, 1, fp) != 1 ||
	    fwrite(&w->h, 8, 1, fp) != 1 || fflush(fp) == EOF ||
	    fsync(fd) == -1) {
		if (errno == 0)
			errno = ENOSPC;
		goto fail;
	}
	if (fclose(fp) == EOF) {
		fp = NULL;
		goto fail;
	}
	fp = NULL;
	if (rename(tpath, ix->path) == -1)
		goto fail;
	free(tpath);
	/* the directory durable: the rename survives a crash */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	return (0);
fail:
	en = errno;
	if (fp != NULL)
		fclose(fp);
	(void)unlink(tpath);
	free(tpath);
	errno = en;
	return (-1);
}

static void	save_index(struct oms_src *, struct oms_diag *);

/*
 * Save the index; in a scan of some accounts, then let go of the old
 * index and the records of the files read: the cases kept hold copies of
 * what they need.
 */
static void
ix_save(struct oms_src *s, struct oms_diag *diag)
{
	struct omsi_srcix *ix = s->ix;
	struct ixfile *f;
	size_t i, j;

	save_index(s, diag);
	if (!s->some)
		return;
	for (i = 0; i < ix->ncur; i++) {
		f = &ix->cur[i];
		f->loaded = 0;
		for (j = 0; j < f->nev; j++) {
			free(f->ev[j].e);
			free(f->ev[j].key);
			free(f->ev[j].raw);
		}
		free(f->ev);
		f->ev = NULL;
		f->nev = f->evcap = 0;
	}
	forget_old(ix);
	drop_old(ix);
}

static void
save_index(struct oms_src *s, struct oms_diag *diag)
{
	struct omsi_srcix *ix = s->ix;
	struct wr *w;
	size_t i, keep = 0, fresh = 0;
	int en;

	for (i = 0; i < ix->ncur; i++)
		if (ix->cur[i].loaded)
			keep++;
		else if (!ix->cur[i].bad)
			fresh++;
	/* the same records as the index there: nothing to write */
	if (!(ix->flags & OMS_SRC_SAVE) || (fresh == 0 &&
	    keep == ix->nold && !ix->stale))
		return;
	/* a workspace this user may only read: not saved, no warning */
	if (access(s->ws->dir, W_OK) == -1)
		return;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return;
	sweep(s->ws->dir);
	if (write_index(s, s->ws->dir, w) == 0) {
		ix->st.saved = 1;
		free(w);
		return;
	}
	en = errno;
	free(w);
	/* no right to write here: not saved, and nothing else changes */
	if (en == EACCES || en == EPERM || en == EROFS || en == ENOMEM)
		return;
	omsi_diagf(diag, 1, INDEX_NAME, 0, "not saved (%s); the next run "
	    "reads source/ again", strerror(en));
}

static void
ix_free(struct omsi_srcix *ix)
{
	size_t i, j;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->ncur; i++) {
		struct ixfile *f = &ix->cur[i];

		for (j = 0; j < f->nev; j++) {
			free(f->ev[j].e);
			free(f->ev[j].key);
			free(f->ev[j].raw);
		}
		free(f->ev);
		free(f->name);
		omsi_hash_release(&f->once);
	}
	free(ix->cur);
	forget_old(ix);
	omsi_hash_release(&ix->byname);
	drop_old(ix);
	free(ix->path);
	free(ix);
}

static const struct omsi_src_hooks hooks = {
	.open = ix_open,
	.load = ix_load,
	.begin = ix_begin,
	.end = ix_end,
	.ev_once = ix_ev_once,
	.ev_insurers = ix_ev_insurers,
	.ev_doc = ix_ev_doc,
	.save = ix_save,
	.free = ix_free,
};

struct oms_src *
oms_src_scan_index(const struct oms_ws *ws, int flags, struct oms_diag *diag,
    struct oms_err *err)
{
	return (omsi_src_scan(ws, (flags & OMS_SRC_INDEX) ? &hooks : NULL,
	    flags, NULL, 0, diag, err));
}

struct oms_src *
oms_src_scan_some(const struct oms_ws *ws, int flags,
    const char *const *accounts, size_t n, struct oms_diag *diag,
    struct oms_err *err)
{
	return (omsi_src_scan(ws, (flags & OMS_SRC_INDEX) ? &hooks : NULL,
	    flags, accounts, n, diag, err));
}

void
oms_src_ixstat(const struct oms_src *s, struct oms_src_ixstat *st)
{
	if (s->ix != NULL)
		*st = s->ix->st;
	else
		memset(st, 0, sizeof(*st));
}
