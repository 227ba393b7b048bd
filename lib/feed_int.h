/*
 * feed_int.h -- an XML input read ahead by a second thread (feed.c)
 *
 * The SAX reader of the answers (ffoms_answer.c) parses a file or an
 * archive entry of a million records while the feed's thread inflates
 * and reads it, turning windows-1251 into UTF-8 on the way.
 */
#ifndef FEED_INT_H
#define FEED_INT_H

#include <stddef.h>

#include "oms_int.h"

struct archive;
struct omsi_feed;

/*
 * The file open at fd, from its start (the feed reads a copy of fd), or
 * the entry ar is positioned on.  The first bytes are read and the
 * encoding sniffed now, as omsi_xin_file does; name is used in messages.
 * NULL with err.  Free with omsi_feed_free (NULL is fine).
 */
struct omsi_feed *omsi_feed_file(int fd, const char *name, struct oms_err *);
struct omsi_feed *omsi_feed_archive(struct archive *, const char *name,
		    struct oms_err *);
void		 omsi_feed_free(struct omsi_feed *);

/* The name given, for messages. */
const char	*omsi_feed_name(const struct omsi_feed *);
/* The sniffed bytes, turned into UTF-8 when they were windows-1251. */
const unsigned char *omsi_feed_head(const struct omsi_feed *, size_t *len);
/* The encoding of what the feed gives ("UTF-8" once turned), and the one
   libxml2 has to decode: NULL when the feed turned it already. */
const char	*omsi_feed_enc(const struct omsi_feed *);
const char	*omsi_feed_decoder(const struct omsi_feed *);
/*
 * After the head: start the thread, when it can be (else omsi_feed_get
 * reads in the caller's); 1 when input follows the head, 0 when the head
 * was all of it.
 */
int		 omsi_feed_run(struct omsi_feed *);
/*
 * The next buffer (*len 0 at the end), or NULL when reading failed
 * (omsi_feed_err says why).  Valid until omsi_feed_put hands it back.
 */
const unsigned char *omsi_feed_get(struct omsi_feed *, size_t *len);
void		 omsi_feed_put(struct omsi_feed *);
const struct oms_err *omsi_feed_err(const struct omsi_feed *);
/*
 * 1 when a byte that is no windows-1251 character (0x98) ended the
 * input, as libxml2's decoder would: what came before it was given.
 * Asked once omsi_feed_get gave the end.
 */
int		 omsi_feed_bad(const struct omsi_feed *);
/* Stop the thread and wait for it (the archive is the caller's again). */
void		 omsi_feed_stop(struct omsi_feed *);

#endif /* FEED_INT_H */
