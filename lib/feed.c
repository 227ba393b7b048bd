/*
 * feed.c -- an XML input read ahead by a second thread
 *
 * A control answer or an answer to the payment demand holds a ZAP for
 * every account sent, a million of them: while the SAX reader
 * (ffoms_answer.c) parses, a second thread inflates the ZIP entry (or
 * reads the file) into a small ring of buffers.  windows-1251 is turned
 * into UTF-8 here, by the thread, with the mapping of lib/cp1251.c, so the
 * parser needs no decoder.
 */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "feed_int.h"

#define FEED_CHUNK	((size_t)256 << 10)
#define FEED_NBUF	3
#define FEED_SNIFF	((size_t)64 << 10)

/* the input: a file or an archive entry, fed by a second thread */
struct omsi_feed {
	char		 name[600];	/* for messages */
	int		 fd;		/* file input, or -1 */
	struct archive	*ar;		/* archive input, or NULL */
	int64_t		 raw0;		/* archive bytes before the entry */
	uint64_t	 nread;		/* bytes out of the entry */
	unsigned char	*head;		/* the sniffed bytes */
	size_t		 headlen;
	int		 eof;		/* the input ended while sniffing */
	char		 enc[32];
	/*
	 * windows-1251 is turned into UTF-8 here, by the thread, with the
	 * mapping of lib/cp1251.c (omsi_cp1251_decode) kept as UTF-8 bytes
	 * in utf: the parser then needs no decoder.  A byte that is no
	 * character (0x98) ends the input as libxml2's decoder would (bad):
	 * what came before it is parsed.
	 */
	int		 conv;
	int		 bad;
	unsigned char	 utf[128][4];	/* 0x80.. in UTF-8; [3] the length */
	unsigned char	*raw;		/* the thread's bytes to turn */
	unsigned char	*uhead;		/* the head, turned */
	size_t		 uheadlen;
	/* the ring: the thread fills buf[wr % N], the parser reads rd */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 sync;		/* mu and cv were initialised */
	pthread_t	 th;
	int		 started;
	unsigned char	*buf[FEED_NBUF];
	size_t		 len[FEED_NBUF];
	size_t		 rd, wr;
	int		 done;		/* no more buffers will come */
	int		 stop;		/* the parser wants no more */
	int		 ioerr;		/* xerr says why the input ended */
	struct oms_err	 xerr;
};

/* Read up to len bytes of the input; -1 with f->xerr filled. */
static ssize_t
feed_read(struct omsi_feed *f, void *buf, size_t len)
{
	ssize_t n;

	if ((n = omsi_input_read(f->ar, f->fd, f->raw0, &f->nread, buf, len,
	    f->name, &f->xerr)) < 0)
		f->ioerr = 1;
	return (n);
}

/*
 * windows-1251 in to UTF-8 at out (room for 3 * n); the bytes written.
 * *bad is set when a byte is no character: the output stops before it.
 */
static size_t
feed_conv(const struct omsi_feed *f, const unsigned char *in, size_t n,
    unsigned char *out, int *bad)
{
	const unsigned char *ip = in, *end = in + n, *u;
	unsigned char *op = out;
	uint64_t w;

	while (ip < end) {
		if (end - ip >= 8) {
			memcpy(&w, ip, 8);
			if ((w & UINT64_C(0x8080808080808080)) == 0) {
				memcpy(op, &w, 8);
				ip += 8;
				op += 8;
				continue;
			}
		}
		if (*ip < 0x80) {
			*op++ = *ip++;
			continue;
		}
		u = f->utf[*ip - 0x80];
		if (u[3] == 0) {
			*bad = 1;
			break;
		}
		memcpy(op, u, 4);	/* the buffers have room for it */
		op += u[3];
		ip++;
	}
	return ((size_t)(op - out));
}

static void
feed_table(struct omsi_feed *f)
{
	unsigned cp, b;
	unsigned char *u;

	for (b = 0x80; b < 0x100; b++) {
		u = f->utf[b - 0x80];
		memset(u, 0, 4);
		if ((cp = omsi_cp1251_decode((unsigned char)b)) == 0)
			continue;
		if (cp < 0x800) {
			u[0] = (unsigned char)(0xC0 | cp >> 6);
			u[1] = (unsigned char)(0x80 | (cp & 0x3F));
			u[3] = 2;
		} else {
			u[0] = (unsigned char)(0xE0 | cp >> 12);
			u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			u[2] = (unsigned char)(0x80 | (cp & 0x3F));
			u[3] = 3;
		}
	}
}

/* Fill b with up to FEED_CHUNK bytes (turned); 1 when the input ended. */
static int
feed_fill(struct omsi_feed *f, unsigned char *b, size_t *len)
{
	unsigned char *in = f->conv ? f->raw : b;
	ssize_t r = 0;
	size_t n;

	for (n = 0; n < FEED_CHUNK; n += (size_t)r)
		if ((r = feed_read(f, in + n, FEED_CHUNK - n)) <= 0)
			break;
	*len = f->conv ? feed_conv(f, in, n, b, &f->bad) : n;
	return (r <= 0 || f->bad);
}

static void *
feed_main(void *arg)
{
	struct omsi_feed *f = arg;
	unsigned char *b;
	size_t n;
	int end = 0;

	while (!end) {
		pthread_mutex_lock(&f->mu);
		while (f->wr - f->rd == FEED_NBUF && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (f->stop) {
			pthread_mutex_unlock(&f->mu);
			break;
		}
		b = f->buf[f->wr % FEED_NBUF];
		pthread_mutex_unlock(&f->mu);
		end = feed_fill(f, b, &n);
		pthread_mutex_lock(&f->mu);
		f->len[f->wr % FEED_NBUF] = n;
		f->wr++;
		f->done = end;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
	}
	return (NULL);
}

/* Stop the thread and wait for it. */
void
omsi_feed_stop(struct omsi_feed *f)
{
	if (!f->started)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->th, NULL);
	f->started = 0;
}

void
omsi_feed_free(struct omsi_feed *f)
{
	size_t i;

	if (f == NULL)
		return;
	omsi_feed_stop(f);
	if (f->sync) {
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
	}
	for (i = 0; i < FEED_NBUF; i++)
		free(f->buf[i]);
	if (f->fd != -1)
		close(f->fd);
	free(f->raw);
	free(f->uhead);
	free(f->head);
	free(f);
}

/* Sniff the encoding from the first bytes, as omsi_xin_file does. */
static struct omsi_feed *
feed_start(struct omsi_feed *f, struct oms_err *err)
{
	ssize_t r;
	size_t i;

	if ((f->head = malloc(FEED_SNIFF)) == NULL)
		goto nomem;
	while (f->headlen < FEED_SNIFF && !f->eof) {
		if ((r = feed_read(f, f->head + f->headlen, FEED_SNIFF -
		    f->headlen)) < 0) {
			*err = f->xerr;
			goto fail;
		}
		if (r == 0)
			f->eof = 1;
		f->headlen += (size_t)r;
	}
	if (f->headlen == 0) {
		oms_err_set(err, OMS_EDATA, f->name, 0, "empty file");
		goto fail;
	}
	if (omsi_sniff_encoding(f->head, f->headlen, f->eof, f->enc,
	    sizeof(f->enc), f->name, err) == -1)
		goto fail;
	if (strcasecmp(f->enc, "windows-1251") == 0) {
		f->conv = 1;
		feed_table(f);
		if ((f->raw = malloc(FEED_CHUNK)) == NULL ||
		    (f->uhead = malloc(3 * FEED_SNIFF + 4)) == NULL)
			goto nomem;
		f->uheadlen = feed_conv(f, f->head, f->headlen, f->uhead,
		    &f->bad);
		snprintf(f->enc, sizeof(f->enc), "UTF-8");
	}
	for (i = 0; i < FEED_NBUF; i++)
		if ((f->buf[i] = malloc(f->conv ? 3 * FEED_CHUNK + 4 :
		    FEED_CHUNK)) == NULL)
			goto nomem;
	if (pthread_mutex_init(&f->mu, NULL) != 0)
		goto nomem;
	if (pthread_cond_init(&f->cv, NULL) != 0) {
		pthread_mutex_destroy(&f->mu);
		goto nomem;
	}
	f->sync = 1;
	return (f);
nomem:
	oms_err_set(err, OMS_ENOMEM, f->name, 0, "out of memory");
fail:
	omsi_feed_free(f);
	return (NULL);
}

static struct omsi_feed *
feed_new(const char *name, struct oms_err *err)
{
	struct omsi_feed *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		oms_err_set(err, OMS_ENOMEM, name, 0, "out of memory");
		return (NULL);
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->fd = -1;
	return (f);
}

/* The file open at fd, from its start (the feed reads a copy of fd). */
struct omsi_feed *
omsi_feed_file(int fd, const char *name, struct oms_err *err)
{
	struct omsi_feed *f;

	if ((f = feed_new(name, err)) == NULL)
		return (NULL);
	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    (f->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		oms_err_sys(err, errno, name, "read");
		omsi_feed_free(f);
		return (NULL);
	}
	return (feed_start(f, err));
}

struct omsi_feed *
omsi_feed_archive(struct archive *ar, const char *name, struct oms_err *err)
{
	struct omsi_feed *f;

	if ((f = feed_new(name, err)) == NULL)
		return (NULL);
	f->ar = ar;
	f->raw0 = archive_filter_bytes(ar, -1);
	return (feed_start(f, err));
}

/*
 * The next buffer of input (*len 0 at the end), or NULL when reading
 * failed (f->xerr).  Without the thread (none could be started) it is
 * read here.  Hand it back with omsi_feed_put.
 */
const unsigned char *
omsi_feed_get(struct omsi_feed *f, size_t *len)
{
	const unsigned char *b;

	if (!f->started) {
		if (f->done || f->bad) {
			*len = 0;
			return (f->ioerr ? NULL : f->buf[0]);
		}
		f->done = feed_fill(f, f->buf[0], len);
		return (f->ioerr ? NULL : f->buf[0]);
	}
	pthread_mutex_lock(&f->mu);
	while (f->rd == f->wr && !f->done)
		pthread_cond_wait(&f->cv, &f->mu);
	if (f->done && f->ioerr && f->wr - f->rd <= 1)
		b = NULL;		/* the last buffer is cut short */
	else if (f->rd == f->wr) {
		*len = 0;
		b = f->buf[0];
	} else {
		*len = f->len[f->rd % FEED_NBUF];
		b = f->buf[f->rd % FEED_NBUF];
	}
	pthread_mutex_unlock(&f->mu);
	return (b);
}

void
omsi_feed_put(struct omsi_feed *f)
{
	if (!f->started)
		return;
	pthread_mutex_lock(&f->mu);
	if (f->rd != f->wr)
		f->rd++;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

const struct oms_err *
omsi_feed_err(const struct omsi_feed *f)
{
	return (&f->xerr);
}

int
omsi_feed_bad(const struct omsi_feed *f)
{
	return (f->bad);
}

const char *
omsi_feed_name(const struct omsi_feed *f)
{
	return (f->name);
}

const unsigned char *
omsi_feed_head(const struct omsi_feed *f, size_t *len)
{
	*len = f->conv ? f->uheadlen : f->headlen;
	return (f->conv ? f->uhead : f->head);
}

const char *
omsi_feed_enc(const struct omsi_feed *f)
{
	return (f->enc);
}

const char *
omsi_feed_decoder(const struct omsi_feed *f)
{
	return (f->conv ? NULL : f->enc);
}

int
omsi_feed_run(struct omsi_feed *f)
{
	int more = !f->eof && !f->bad;	/* f->bad is the thread's from now */

	if (more && pthread_create(&f->th, NULL, feed_main, f) == 0)
		f->started = 1;
	return (more);
}
