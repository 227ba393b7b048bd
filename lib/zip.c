/*
 * zip.c -- write a ZIP archive: the registries' packing
 *
 * A registry file is a head known only at the end (its counts and sums),
 * a body written record by record, and a short tail.  The body is
 * deflated while it is written, on a second core: the writer puts its
 * bytes into a stream (omsi_zbody_fp), or a piece it has made straight
 * into the buffers behind it (omsi_zbody_write), or makes the piece in
 * the room of the buffer being filled (omsi_zbody_view), and the buffers go,
 * through a bounded queue, to the one thread of a struct omsi_zpool,
 * which deflates them into a spool file.  Each buffer is deflated alone
 * by libdeflate, at half of zlib's CPU for a smaller result, and made a
 * piece more can follow (zjoin.c: not final, byte-aligned, as a sync
 * flush ends a stream), so at the end an entry is the head deflated alone
 * and sync-flushed, the spooled body as it is (copied file to file by the
 * kernel where it can) and the tail deflated alone and finished: one
 * valid deflate stream, whose CRC is combined from the three parts'
 * (crc32_combine).  The
 * sizes are known before each local header is written, so there is no
 * data descriptor; Zip64 records are written only past 4 GiB or 65535
 * entries.  Entries have a fixed mode (0644), mtime and owner (0, 0):
 * the same input gives the same bytes.  A body without a pool
 * (oms-export -n) drops what it is given.
 */
#define _GNU_SOURCE		/* fopencookie */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libdeflate.h>
#include <zlib.h>

#include "oms_int.h"

/*
 * A buffer of the queue, deflated alone: of the 1M bench's H file (1.8
 * GB), libdeflate's level 6 in pieces of 512 KiB is 0.975 of zip -6's
 * size, of 256 KiB 1.006 (the pieces share no history).
 */
#define ZCHUNK		((size_t)512 << 10)
#define ZQMAX		3			/* buffers queued at most */
#define Z32		0xffffffffU

/* a buffer of a body, queued for the thread */
struct zjob {
	struct zjob		*next;
	struct omsi_zbody	*zb;
	unsigned char		*buf;		/* ZCHUNK bytes */
	size_t			 len;
	int			 final;		/* the body's last */
};

struct omsi_zpool {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* the thread waits for a job */
	pthread_cond_t	 room;		/* writers wait for room, or a body */
	pthread_t	 th;
	int		 started;
	int		 level;
	int		 stop;
	struct zjob	*head, *tail;	/* the queue */
	size_t		 nq;
	struct zjob	*spare;		/* jobs done, their buffers kept */
	struct omsi_zbody *busy;	/* the body being deflated */
	struct libdeflate_compressor *ldc;
	unsigned char	*out;		/* the thread's output, outcap */
	size_t		 outcap;	/* with OMSI_ZJOIN_SLACK past it */
};

struct omsi_zbody {
	struct omsi_zpool *zp;
	FILE		*fp;		/* the writer writes here */
	FILE		*spool;		/* the deflated body */
	char		*name;		/* the spool's, for messages */
	struct zjob	*cur;		/* being filled by the writer */
	int		 closing;	/* fp is being closed: drop bytes */
	int		 finished;	/* the last buffer was sent */
	/* under mu */
	int		 queued;	/* jobs in the queue or being deflated */
	int		 error;		/* errno of the first failure */
	/* the thread's while queued, then the writer's */
	uint32_t	 crc;
	uint64_t	 ulen, clen;
};

/* the central directory's record of an entry */
struct zcd {
	char		*name;
	uint32_t	 crc;
	uint64_t	 csize, usize, off;
	uint16_t	 dtime, ddate;
	uint32_t	 mtime;
};

struct omsi_zip {
	FILE		*fp;
	char		*path;
	int		 level;
	uint64_t	 off;		/* bytes written */
	struct zcd	*cd;
	size_t		 ncd, cap;
};

int
omsi_zip_level(const struct oms_conf *c)
{
	const char *v = c != NULL ? oms_conf_get(c, "zip_level") : NULL;

	/* conf.c checked it: one digit 1 to 9 */
	if (v == NULL || v[0] < '1' || v[0] > '9' || v[1] != '\0')
		return (OMSI_ZIP_LEVEL);
	return (v[0] - '0');
}

/* The deflate level of level (oms.conf's, or OMSI_ZIP_LEVEL's 6). */
static int
zlevel(int level)
{
	return (level == OMSI_ZIP_LEVEL ? 6 : level);
}

static int	zsmall(int, const void *, size_t, int, unsigned char **,
		    size_t *);

/*
 * Job j deflated alone into its body's spool, a piece more can follow;
 * 0, or the errno of a failure.  Should libdeflate's stream not be
 * accepted by the walk that opens it (zjoin.c), zlib deflates the piece.
 */
static int
zdeflate(struct omsi_zpool *zp, struct zjob *j)
{
	struct omsi_zbody *zb = j->zb;
	unsigned char *p = zp->out, *alt = NULL;
	size_t n = 0;

	/* libdeflate's CRC-32 is zlib's, folded by carry-less multiplies */
	zb->crc = libdeflate_crc32(zb->crc, j->buf, j->len);
	zb->ulen += j->len;
	if (j->len > 0) {
		n = libdeflate_deflate_compress(zp->ldc, j->buf, j->len, p,
		    zp->outcap);
		if (n > 0) {
			memset(p + n, 0, OMSI_ZJOIN_SLACK);
			n = omsi_zjoin_open(p, n);
		}
		if (n == 0) {
			if (zsmall(zp->level, j->buf, j->len, 0, &alt, &n) ==
			    -1)
				return (ENOMEM);
			p = alt;
		}
	}
	if (n > 0 && fwrite(p, 1, n, zb->spool) != n) {
		free(alt);
		return (errno != 0 ? errno : EIO);
	}
	free(alt);
	zb->clen += n;
	if (j->final && fflush(zb->spool) == EOF)
		return (errno != 0 ? errno : EIO);
	return (0);
}

static void *
zthread(void *arg)
{
	struct omsi_zpool *zp = arg;
	struct zjob *j;
	int e;

	pthread_mutex_lock(&zp->mu);
	for (;;) {
		while (zp->head == NULL && !zp->stop)
			pthread_cond_wait(&zp->work, &zp->mu);
		if (zp->stop)
			break;
		j = zp->head;
		if ((zp->head = j->next) == NULL)
			zp->tail = NULL;
		zp->nq--;
		zp->busy = j->zb;
		pthread_cond_broadcast(&zp->room);
		e = j->zb->error;
		pthread_mutex_unlock(&zp->mu);
		if (e == 0) {
			errno = 0;
			e = zdeflate(zp, j);
		}
		pthread_mutex_lock(&zp->mu);
		if (e != 0 && j->zb->error == 0)
			j->zb->error = e;
		j->zb->queued--;
		zp->busy = NULL;
		j->len = 0;
		j->zb = NULL;
		j->next = zp->spare;
		zp->spare = j;
		pthread_cond_broadcast(&zp->room);
	}
	pthread_mutex_unlock(&zp->mu);
	return (NULL);
}

struct omsi_zpool *
omsi_zpool_new(int level, struct oms_err *err)
{
	struct omsi_zpool *zp;
	int e;

	if ((zp = calloc(1, sizeof(*zp))) == NULL ||
	    (zp->ldc = libdeflate_alloc_compressor(zlevel(level))) == NULL ||
	    (zp->out = malloc((zp->outcap = libdeflate_deflate_compress_bound(
	    zp->ldc, ZCHUNK)) + OMSI_ZJOIN_SLACK)) == NULL) {
		if (zp != NULL)
			libdeflate_free_compressor(zp->ldc);
		free(zp);
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	zp->level = level;
	pthread_mutex_init(&zp->mu, NULL);
	pthread_cond_init(&zp->work, NULL);
	pthread_cond_init(&zp->room, NULL);
	if ((e = pthread_create(&zp->th, NULL, zthread, zp)) != 0) {
		oms_err_sys(err, e, NULL, "start the compressing thread");
		omsi_zpool_free(zp);
		return (NULL);
	}
	zp->started = 1;
	return (zp);
}

static void
jobs_free(struct zjob *j)
{
	struct zjob *n;

	for (; j != NULL; j = n) {
		n = j->next;
		free(j->buf);
		free(j);
	}
}

void
omsi_zpool_free(struct omsi_zpool *zp)
{
	if (zp == NULL)
		return;
	if (zp->started) {
		pthread_mutex_lock(&zp->mu);
		zp->stop = 1;
		pthread_cond_signal(&zp->work);
		pthread_mutex_unlock(&zp->mu);
		pthread_join(zp->th, NULL);
	}
	jobs_free(zp->head);
	jobs_free(zp->spare);
	pthread_cond_destroy(&zp->work);
	pthread_cond_destroy(&zp->room);
	pthread_mutex_destroy(&zp->mu);
	libdeflate_free_compressor(zp->ldc);
	free(zp->out);
	free(zp);
}

/* ---- the writer's side of a body */

static struct zjob *
job_get(struct omsi_zpool *zp)
{
	struct zjob *j;

	pthread_mutex_lock(&zp->mu);
	if ((j = zp->spare) != NULL)
		zp->spare = j->next;
	pthread_mutex_unlock(&zp->mu);
	if (j == NULL) {
		if ((j = calloc(1, sizeof(*j))) == NULL)
			return (NULL);
		if ((j->buf = malloc(ZCHUNK)) == NULL) {
			free(j);
			return (NULL);
		}
	}
	j->next = NULL;
	j->len = 0;
	j->final = 0;
	return (j);
}

/* Queue the buffer being filled; -1 with errno when the body failed. */
static int
zb_send(struct omsi_zbody *zb, int final)
{
	struct omsi_zpool *zp = zb->zp;
	struct zjob *j = zb->cur;
	int e;

	pthread_mutex_lock(&zp->mu);
	while (zp->nq >= ZQMAX && zb->error == 0)
		pthread_cond_wait(&zp->room, &zp->mu);
	if ((e = zb->error) == 0) {
		j->zb = zb;
		j->final = final;
		if (zp->tail != NULL)
			zp->tail->next = j;
		else
			zp->head = j;
		zp->tail = j;
		zp->nq++;
		zb->queued++;
		zb->cur = NULL;
		pthread_cond_signal(&zp->work);
	}
	pthread_mutex_unlock(&zp->mu);
	if (e != 0) {
		errno = e;
		return (-1);
	}
	return (0);
}

int
omsi_zbody_write(struct omsi_zbody *zb, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	size_t k;

	if (zb->closing || zb->zp == NULL)	/* closing; or a sink */
		return (0);
	if (zb->finished) {
		errno = EINVAL;
		return (-1);
	}
	while (n > 0) {
		if (zb->cur == NULL && (zb->cur = job_get(zb->zp)) == NULL) {
			errno = ENOMEM;
			return (-1);
		}
		k = ZCHUNK - zb->cur->len;
		if (k > n)
			k = n;
		memcpy(zb->cur->buf + zb->cur->len, p, k);
		zb->cur->len += k;
		p += k;
		n -= k;
		if (zb->cur->len == ZCHUNK && zb_send(zb, 0) == -1)
			return (-1);
	}
	return (0);
}

int
omsi_zbody_view(struct omsi_zbody *zb, struct oms_buf *b)
{
	if (zb->closing || zb->zp == NULL || zb->finished)
		return (-1);
	if (zb->cur == NULL && (zb->cur = job_get(zb->zp)) == NULL)
		return (-1);
	b->s = (char *)zb->cur->buf;
	b->len = zb->cur->len;
	b->cap = ZCHUNK;
	b->max = ZCHUNK - 1;		/* and a NUL: b->cap, never more */
	return (0);
}

int
omsi_zbody_commit(struct omsi_zbody *zb, const struct oms_buf *b)
{
	/* as omsi_zbody_view left it, and only added to */
	if (zb->cur == NULL || b->s != (char *)zb->cur->buf ||
	    b->len < zb->cur->len || b->len >= ZCHUNK) {
		errno = EINVAL;
		return (-1);
	}
	zb->cur->len = b->len;
	return (0);
}

/* fopencookie's write: n, or 0 with errno on a failure */
static ssize_t
zb_write(void *cookie, const char *p, size_t n)
{
	return (omsi_zbody_write(cookie, p, n) == -1 ? 0 : (ssize_t)n);
}

struct omsi_zbody *
omsi_zbody_new(struct omsi_zpool *zp, FILE *spool, const char *spath,
    struct oms_err *err)
{
	static const cookie_io_functions_t io = { .write = zb_write };
	struct omsi_zbody *zb;

	if ((zb = calloc(1, sizeof(*zb))) == NULL ||
	    (zb->name = strdup(spath)) == NULL) {
		free(zb);
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	zb->zp = zp;
	zb->spool = spool;
	zb->crc = (uint32_t)crc32(0L, Z_NULL, 0);
	if ((zb->fp = fopencookie(zb, "w", io)) == NULL) {
		oms_err_sys(err, errno, spath, "open the body's stream");
		omsi_zbody_free(zb);
		return (NULL);
	}
	return (zb);
}

FILE *
omsi_zbody_fp(const struct omsi_zbody *zb)
{
	return (zb->fp);
}

/* Send the rest of the body and wait until it is deflated. */
static int
zb_finish(struct omsi_zbody *zb, struct oms_err *err)
{
	struct omsi_zpool *zp = zb->zp;
	int e = 0;

	if (zb->finished || zp == NULL)
		return (oms_err_set(err, OMS_EINTERNAL, zb->name, 0,
		    zp == NULL ? "a body not kept packed" :
		    "body packed twice"));
	if (fflush(zb->fp) == EOF)
		e = errno != 0 ? errno : EIO;
	zb->finished = 1;
	if (e == 0 && zb->cur == NULL && (zb->cur = job_get(zp)) == NULL)
		e = ENOMEM;
	if (e == 0 && zb_send(zb, 1) == -1)
		e = errno;
	pthread_mutex_lock(&zp->mu);
	while (zb->queued > 0)
		pthread_cond_wait(&zp->room, &zp->mu);
	if (zb->error != 0)
		e = zb->error;
	pthread_mutex_unlock(&zp->mu);
	if (e != 0)
		return (oms_err_sys(err, e, zb->name, "deflate the body"));
	return (0);
}

void
omsi_zbody_free(struct omsi_zbody *zb)
{
	struct omsi_zpool *zp;
	struct zjob **jp, *j;

	if (zb == NULL)
		return;
	zp = zb->zp;
	if (zb->fp != NULL) {
		zb->closing = 1;
		fclose(zb->fp);
	}
	if (zp == NULL) {
		free(zb->name);
		free(zb);
		return;
	}
	/* its jobs not deflated yet go; the one being deflated ends */
	pthread_mutex_lock(&zp->mu);
	zp->tail = NULL;
	for (jp = &zp->head; (j = *jp) != NULL; ) {
		if (j->zb == zb) {
			*jp = j->next;
			zp->nq--;
			zb->queued--;
			j->zb = NULL;
			j->next = zp->spare;
			zp->spare = j;
		} else {
			zp->tail = j;
			jp = &j->next;
		}
	}
	while (zp->busy == zb)
		pthread_cond_wait(&zp->room, &zp->mu);
	pthread_cond_broadcast(&zp->room);
	pthread_mutex_unlock(&zp->mu);
	if (zb->cur != NULL) {
		free(zb->cur->buf);
		free(zb->cur);
	}
	free(zb->name);
	free(zb);
}

/* ---- the archive */

static void
le16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void
le32(unsigned char *p, uint32_t v)
{
	le16(p, v & 0xffff);
	le16(p + 2, v >> 16);
}

static void
le64(unsigned char *p, uint64_t v)
{
	le32(p, (uint32_t)(v & Z32));
	le32(p + 4, (uint32_t)(v >> 32));
}

/* The extra fields of every entry at p: its mtime, owner 0; the bytes. */
static size_t
zextra(unsigned char *p, uint32_t mtime)
{
	le16(p, 0x5455);		/* extended timestamp */
	le16(p + 2, 5);
	p[4] = 1;
	le32(p + 5, mtime);
	le16(p + 9, 0x7875);		/* Unix owner: uid 0, gid 0 */
	le16(p + 11, 11);
	p[13] = 1;
	p[14] = 4;
	le32(p + 15, 0);
	p[19] = 4;
	le32(p + 20, 0);
	return (24);
}

static int
zwrite(struct omsi_zip *z, const void *p, size_t n, struct oms_err *err)
{
	if (n > 0 && fwrite(p, 1, n, z->fp) != n)
		return (oms_err_sys(err, errno, z->path, "write"));
	z->off += n;
	return (0);
}

struct omsi_zip *
omsi_zip_open(FILE *fp, const char *path, int level, struct oms_err *err)
{
	struct omsi_zip *z;

	if ((z = calloc(1, sizeof(*z))) == NULL ||
	    (z->path = strdup(path)) == NULL) {
		free(z);
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	z->fp = fp;
	z->level = level;
	return (z);
}

void
omsi_zip_free(struct omsi_zip *z)
{
	size_t i;

	if (z == NULL)
		return;
	for (i = 0; i < z->ncd; i++)
		free(z->cd[i].name);
	free(z->cd);
	free(z->path);
	free(z);
}

/*
 * Deflate len bytes at p alone into a malloc'd *outp: sync-flushed (a
 * head, more follows) or finished (a tail).  -1 when out of memory.
 */
static int
zsmall(int level, const void *p, size_t len, int finish,
    unsigned char **outp, size_t *outlen)
{
	z_stream zs;
	uLong cap;
	int r;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, zlevel(level), Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return (-1);
	cap = deflateBound(&zs, (uLong)len) + 16;
	if ((*outp = malloc(cap)) == NULL) {
		deflateEnd(&zs);
		return (-1);
	}
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	zs.next_out = *outp;
	zs.avail_out = (uInt)cap;
	r = deflate(&zs, finish ? Z_FINISH : Z_SYNC_FLUSH);
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
	if (r != (finish ? Z_STREAM_END : Z_OK) || zs.avail_out == 0) {
		free(*outp);
		*outp = NULL;
		return (-1);
	}
	return (0);
}

/* The MS-DOS time and date of t, local time as other writers do. */
static void
dos_time(time_t t, uint16_t *dtime, uint16_t *ddate)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || tm.tm_year < 80) {
		*dtime = 0;
		*ddate = (0 << 9) | (1 << 5) | 1;
		return;
	}
	*dtime = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) |
	    (tm.tm_sec / 2));
	*ddate = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) |
	    tm.tm_mday);
}

/*
 * The spooled body of zb after what z has written.  The kernel copies it
 * where it can (copy_file_range: no trip through our buffers, none at
 * all on a file system that shares blocks); else, or from where that
 * stopped, it is read and written.
 */
static int
copy_spool(struct omsi_zip *z, struct omsi_zbody *zb, struct oms_err *err)
{
	unsigned char buf[65536];
	uint64_t done = 0;
	off_t from = 0, at;
	ssize_t k;
	size_t n;

	if (fflush(zb->spool) == EOF)
		return (oms_err_sys(err, errno, zb->name, "temporary file"));
	if (fflush(z->fp) == EOF)
		return (oms_err_sys(err, errno, z->path, "write"));
	while (done < zb->clen) {
		n = zb->clen - done > ((size_t)1 << 30) ? (size_t)1 << 30 :
		    (size_t)(zb->clen - done);
		if ((k = copy_file_range(fileno(zb->spool), &from,
		    fileno(z->fp), NULL, n, 0)) <= 0)
			break;
		done += (uint64_t)k;
	}
	if (done > 0) {
		/* the stream's own idea of where it is, again the file's */
		if ((at = lseek(fileno(z->fp), 0, SEEK_CUR)) == -1 ||
		    fseeko(z->fp, at, SEEK_SET) == -1)
			return (oms_err_sys(err, errno, z->path, "seek"));
		z->off += done;
	}
	if (done < zb->clen && fseeko(zb->spool, (off_t)done, SEEK_SET) == -1)
		return (oms_err_sys(err, errno, zb->name, "temporary file"));
	for (; done < zb->clen; done += n) {
		n = zb->clen - done < sizeof(buf) ? (size_t)(zb->clen - done) :
		    sizeof(buf);
		if (fread(buf, 1, n, zb->spool) != n) {
			if (ferror(zb->spool))
				return (oms_err_sys(err, errno, zb->name,
				    "read temporary file"));
			return (oms_err_set(err, OMS_EIO, zb->name, 0,
			    "temporary file: shorter than written"));
		}
		if (zwrite(z, buf, n, err) == -1)
			return (-1);
	}
	return (0);
}

int
omsi_zip_entry(struct omsi_zip *z, const char *name, time_t mtime,
    const char *head, size_t headlen, struct omsi_zbody *zb,
    const char *tail, struct oms_err *err)
{
	unsigned char *hz = NULL, *tz = NULL, lh[30], x[48];
	size_t hzlen, tzlen, taillen = strlen(tail), nlen = strlen(name),
	    xl = 0;
	struct zcd *e;
	int big, rc = -1;

	if (zb_finish(zb, err) == -1)
		return (-1);
	if (z->ncd == z->cap) {
		size_t cap = z->cap ? z->cap * 2 : 4;

		if ((e = reallocarray(z->cd, cap, sizeof(*e))) == NULL)
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		z->cd = e;
		z->cap = cap;
	}
	e = &z->cd[z->ncd];
	memset(e, 0, sizeof(*e));
	if (zsmall(z->level, head, headlen, 0, &hz, &hzlen) == -1 ||
	    zsmall(z->level, tail, taillen, 1, &tz, &tzlen) == -1 ||
	    (e->name = strdup(name)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	e->crc = (uint32_t)crc32(0L, (const Bytef *)head, (uInt)headlen);
	e->crc = (uint32_t)crc32_combine(e->crc, zb->crc, (z_off_t)zb->ulen);
	e->crc = (uint32_t)crc32_combine(e->crc, crc32(0L,
	    (const Bytef *)tail, (uInt)taillen), (z_off_t)taillen);
	e->usize = headlen + zb->ulen + taillen;
	e->csize = hzlen + zb->clen + tzlen;
	e->off = z->off;
	e->mtime = (uint32_t)mtime;
	dos_time(mtime, &e->dtime, &e->ddate);
	big = e->usize >= Z32 || e->csize >= Z32;
	if (big) {
		le16(x, 0x0001);
		le16(x + 2, 16);
		le64(x + 4, e->usize);
		le64(x + 12, e->csize);
		xl = 20;
	}
	xl += zextra(x + xl, e->mtime);
	le32(lh, 0x04034b50);
	le16(lh + 4, big ? 45 : 20);
	le16(lh + 6, 0);
	le16(lh + 8, 8);
	le16(lh + 10, e->dtime);
	le16(lh + 12, e->ddate);
	le32(lh + 14, e->crc);
	le32(lh + 18, big ? Z32 : (uint32_t)e->csize);
	le32(lh + 22, big ? Z32 : (uint32_t)e->usize);
	le16(lh + 26, (unsigned)nlen);
	le16(lh + 28, (unsigned)xl);
	if (zwrite(z, lh, sizeof(lh), err) == -1 ||
	    zwrite(z, name, nlen, err) == -1 || zwrite(z, x, xl, err) == -1 ||
	    zwrite(z, hz, hzlen, err) == -1)
		goto out;
	if (copy_spool(z, zb, err) == -1)
		goto out;
	if (zwrite(z, tz, tzlen, err) == -1)
		goto out;
	z->ncd++;
	rc = 0;
out:
	if (rc == -1)
		free(e->name);
	free(hz);
	free(tz);
	return (rc);
}

int
omsi_zip_close(struct omsi_zip *z, struct oms_err *err)
{
	unsigned char h[46], x[56], eo[56], lo[20], ec[22];
	uint64_t cd0 = z->off, cdlen;
	size_t i, xl, nlen;
	int z64;

	for (i = 0; i < z->ncd; i++) {
		const struct zcd *e = &z->cd[i];
		int bu = e->usize >= Z32, bc = e->csize >= Z32,
		    bo = e->off >= Z32;

		xl = 0;
		if (bu || bc || bo) {
			le16(x, 0x0001);
			xl = 4;
			if (bu)
				le64(x + xl, e->usize), xl += 8;
			if (bc)
				le64(x + xl, e->csize), xl += 8;
			if (bo)
				le64(x + xl, e->off), xl += 8;
			le16(x + 2, (unsigned)(xl - 4));
		}
		xl += zextra(x + xl, e->mtime);
		nlen = strlen(e->name);
		le32(h, 0x02014b50);
		le16(h + 4, (3 << 8) | (bu || bc || bo ? 45 : 20));
		le16(h + 6, bu || bc || bo ? 45 : 20);
		le16(h + 8, 0);
		le16(h + 10, 8);
		le16(h + 12, e->dtime);
		le16(h + 14, e->ddate);
		le32(h + 16, e->crc);
		le32(h + 20, bc ? Z32 : (uint32_t)e->csize);
		le32(h + 24, bu ? Z32 : (uint32_t)e->usize);
		le16(h + 28, (unsigned)nlen);
		le16(h + 30, (unsigned)xl);
		le16(h + 32, 0);
		le16(h + 34, 0);
		le16(h + 36, 0);
		le32(h + 38, (uint32_t)0100644 << 16);
		le32(h + 42, bo ? Z32 : (uint32_t)e->off);
		if (zwrite(z, h, sizeof(h), err) == -1 ||
		    zwrite(z, e->name, nlen, err) == -1 ||
		    zwrite(z, x, xl, err) == -1)
			return (-1);
	}
	cdlen = z->off - cd0;
	z64 = z->ncd >= 0xffff || cd0 >= Z32 || cdlen >= Z32;
	if (z64) {
		uint64_t at = z->off;

		le32(eo, 0x06064b50);
		le64(eo + 4, 44);
		le16(eo + 12, (3 << 8) | 45);
		le16(eo + 14, 45);
		le32(eo + 16, 0);
		le32(eo + 20, 0);
		le64(eo + 24, z->ncd);
		le64(eo + 32, z->ncd);
		le64(eo + 40, cdlen);
		le64(eo + 48, cd0);
		le32(lo, 0x07064b50);
		le32(lo + 4, 0);
		le64(lo + 8, at);
		le32(lo + 16, 1);
		if (zwrite(z, eo, sizeof(eo), err) == -1 ||
		    zwrite(z, lo, sizeof(lo), err) == -1)
			return (-1);
	}
	le32(ec, 0x06054b50);
	le16(ec + 4, 0);
	le16(ec + 6, 0);
	le16(ec + 8, z64 ? 0xffff : (unsigned)z->ncd);
	le16(ec + 10, z64 ? 0xffff : (unsigned)z->ncd);
	le32(ec + 12, z64 ? Z32 : (uint32_t)cdlen);
	le32(ec + 16, z64 ? Z32 : (uint32_t)cd0);
	le16(ec + 20, 0);
	if (zwrite(z, ec, sizeof(ec), err) == -1)
		return (-1);
	if (fflush(z->fp) == EOF)
		return (oms_err_sys(err, errno, z->path, "write"));
	return (0);
}
