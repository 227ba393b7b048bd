/*
 * oms_int.h -- lib-private helpers shared between the files of lib/
 */
#ifndef OMS_INT_H
#define OMS_INT_H

#include <sys/types.h>

#include <stdarg.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "oms.h"

#if LIBXML_VERSION >= 21200
typedef const xmlError *omsi_xml_error;
#else
typedef xmlError *omsi_xml_error;
#endif

/* libxml2's message as one line, in our case style */
void	 omsi_xml_msg(char *, size_t, omsi_xml_error);

/* ---- arena: many small strings that live as long as their owner */
struct omsi_arena {
	struct omsi_chunk	*head;
	size_t			 nchunks;	/* chunks grow with it */
};
void	 omsi_arena_init(struct omsi_arena *);
void	 omsi_arena_release(struct omsi_arena *);
char	*omsi_arena_strdup(struct omsi_arena *, const char *);
char	*omsi_arena_strndup(struct omsi_arena *, const char *, size_t);

/* Huge pages, where the kernel gives them on request, for a big table. */
void	 omsi_thp(void *, size_t);

/* ---- string hash: key -> size_t value; keys are borrowed */
struct omsi_hash {
	const char	**keys;
	size_t		 *vals;
	uint32_t	 *tags;		/* the hash, 0 = empty: strcmp on a match */
	size_t		  cap;		/* power of two */
	size_t		  n;
};
void	 omsi_hash_init(struct omsi_hash *);
void	 omsi_hash_release(struct omsi_hash *);
/* 1 found (*val set), 0 not */
int	 omsi_hash_get(const struct omsi_hash *, const char *, size_t *val);
/*
 * 1 found, with *slot where its value is (h->vals[*slot], to be read or
 * set there until a key is next added), 0 not
 */
int	 omsi_hash_slot(const struct omsi_hash *, const char *, size_t *slot);
/* insert or replace; -1 on ENOMEM */
int	 omsi_hash_put(struct omsi_hash *, const char *, size_t val);
/* Room for n keys in all, so that adding them moves nothing; -1 ENOMEM. */
int	 omsi_hash_presize(struct omsi_hash *, size_t n);
uint64_t omsi_hash_str(const char *);
/* The same of n bytes (omsi_hash_str is this of its strlen). */
uint64_t omsi_hash_bytes(const void *, size_t n);
/*
 * The tag a key of n bytes has in every struct omsi_hash, and, for a
 * key to be looked up or added soon, memory asked for by it: step 0 the
 * slot where its probe starts, step 1 (the slot's memory in by then) the
 * key and value found there, if any.  A hint only.
 */
uint32_t omsi_hash_tag(const void *, size_t n);
void	 omsi_hash_ahead(const struct omsi_hash *, uint32_t tag, int step);
/*
 * One probe for "find, or add": 1 found (*val and *slot set); 0 not
 * there, with *slot and *tag for omsi_hash_fill, which must follow before
 * anything else touches the table (the caller makes a lasting copy of
 * the key in between); -1 on ENOMEM.
 */
int	 omsi_hash_reserve(struct omsi_hash *, const char *key, size_t *val,
	    size_t *slot, uint32_t *tag);
void	 omsi_hash_fill(struct omsi_hash *, size_t slot, uint32_t tag,
	    const char *key, size_t val);
/*
 * Look-ups asked of memory ahead.  A table of a million keys is read at
 * random: a probe misses the cache on the slot's tag, on its key pointer
 * and on the key's bytes, one after the other.  Keys looked up in a known
 * order go through a ring: omsi_hash_ring_begin with the first key i0
 * and the end n, then for each i in turn omsi_hash_ring_tag, which gives
 * key i's tag for omsi_hash_reserve_tag and has its slot's tag and key
 * pointer fetched OMSI_HASH_AHEAD keys ahead and the key's bytes half as
 * far.  Hints: a table that grew meanwhile is read right, only slower.
 */
#define OMSI_HASH_AHEAD		16
struct omsi_hash_ring {
	const struct omsi_hash *h;
	const char	*(*key)(const void *, size_t);	/* key i */
	const void	*arg;
	size_t		  n;
	uint32_t	  tag[OMSI_HASH_AHEAD];
};
void	 omsi_hash_ring_begin(struct omsi_hash_ring *, const struct omsi_hash *,
	    size_t i0, size_t n, const char *(*key)(const void *, size_t),
	    const void *arg);
uint32_t omsi_hash_ring_tag(struct omsi_hash_ring *, size_t i);
int	 omsi_hash_reserve_tag(struct omsi_hash *, const char *key,
	    uint32_t tag, size_t *val, size_t *slot);
/*
 * Each of keys[0..n) put with val, through a ring; with slots, key i's
 * slot into slots[i], which holds while the table does not grow: a table
 * presized for n keys of under 2^32 slots does not here.
 */
int	 omsi_hash_put_all(struct omsi_hash *, const char *const *keys,
	    size_t n, size_t val, uint32_t *slots);

/* ---- XML input: one document from a file or an archive entry */
struct omsi_xin;

/*
 * Open path (an XML file) or, when entry is not NULL, an archive already
 * positioned on that entry (struct archive *).  The encoding is sniffed
 * from the BOM, the declaration and the bytes; a declaration of another
 * encoding than windows-1251 or UTF-8 is refused, one that the bytes
 * contradict is overridden, and bytes that are neither are refused.  name
 * is used in messages.
 */
struct omsi_xin	*omsi_xin_file(const char *path, const char *name,
		    struct oms_err *);
struct omsi_xin	*omsi_xin_archive(void *archive, const char *name,
		    struct oms_err *);
xmlTextReaderPtr omsi_xin_reader(struct omsi_xin *);
/*
 * Read up to len bytes of an archive entry (ar, positioned on it; raw0
 * its archive bytes before it) or else of the file fd, counting *nread:
 * an entry inflating past 64 GiB or 500 times its packed size is a zip
 * bomb, refused.  The bytes read, 0 at the end, -1 with err filled.
 */
struct archive;
ssize_t	 omsi_input_read(struct archive *, int fd, int64_t raw0,
	    uint64_t *nread, void *buf, size_t len, const char *name,
	    struct oms_err *);
/*
 * Advance to the next element node at any depth; 1 = at an element, 0 =
 * end, -1 = error (err filled with file:line).
 */
int		 omsi_xin_next_element(struct omsi_xin *, struct oms_err *);
/* Expand the current element; NULL on error.  Valid until the next move. */
xmlNodePtr	 omsi_xin_expand(struct omsi_xin *, struct oms_err *);
/* Skip the current element's subtree. */
int		 omsi_xin_skip(struct omsi_xin *, struct oms_err *);
void		 omsi_xin_free(struct omsi_xin *);

/* ---- DOM helpers over an expanded subtree */
xmlNodePtr	 omsi_child(xmlNodePtr, const char *name);
/* first element along "A/B/C" from node, or NULL */
xmlNodePtr	 omsi_path(xmlNodePtr, const char *path);
/* text content of an element without children elements; "" if none */
const char	*omsi_text(xmlNodePtr);
/* omsi_text(omsi_path(node, path)), or NULL when there is no such node */
const char	*omsi_path_text(xmlNodePtr, const char *path);
unsigned long	 omsi_line(xmlNodePtr);
/*
 * The value of attribute name of n, or NULL when n has none (or a value
 * of several nodes, which only entity references make).
 */
const char	*omsi_attr(xmlNodePtr, const char *name);
/*
 * 1 when an element of this name holds personal data (names, birth date
 * and place, documents, SNILS, policy numbers, address): its value never
 * goes into a message.
 */
int		 omsi_personal(const char *name);

/* xmlReader options: no network, no entities, no DTD loading. */
#define OMSI_XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOBLANKS | \
			XML_PARSE_COMPACT | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES)

/*
 * Compile the schema at path (named so in messages).  What it includes,
 * imports or redefines must be a local file under its directory (after
 * realpath): a URL or a file elsewhere is refused, libxml2's reports go
 * into err, never to stderr.  Free with xmlSchemaFree; NULL on error.
 */
xmlSchemaPtr	 omsi_schema_compile(const char *path, struct oms_err *);

/* Sniff an encoding from the first bytes; see omsi_xin_file. */
int	 omsi_sniff_encoding(const unsigned char *, size_t, int at_eof,
	    char *out, size_t outlen, const char *name, struct oms_err *);

/* ---- diagnostics and source documents */
void	 omsi_diag(struct oms_diag *, int warning, const struct oms_err *);
void	 omsi_diagf(struct oms_diag *, int warning, const char *file,
	    unsigned long line, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 5, 6)));
/* As omsi_diagf with an error code and a va_list; the diag may be NULL
 * (then only e is filled, for the caller to count). */
void	 omsi_vdiagf(struct oms_diag *, int warning, int code, const char *file,
	    unsigned long line, const char *fmt, va_list)
	    __attribute__((__format__(__printf__, 6, 0)));
struct archive;
/* Open a source document for reading; close with omsi_src_close. */
int	 omsi_src_open(const struct oms_srcdoc *, struct archive **,
	    struct omsi_xin **, struct oms_err *);
void	 omsi_src_close(struct archive *, struct omsi_xin *);
/*
 * oms_src_find, trying first case *next of a scan of some accounts
 * (document order, as oms-select lists them), then set past the case
 * found: a due list is found one strcmp an account instead of a binary
 * search over the cases.
 */
const struct oms_case *omsi_src_find_next(const struct oms_src *,
	    const char *account, size_t *next);
/* A case's place among the source's cases: less than omsi_src_nslots. */
size_t	 omsi_src_slot(const struct oms_src *, const struct oms_case *);
size_t	 omsi_src_nslots(const struct oms_src *);

/* ---- progress: every 1024th call reaches the workspace's callback */
#define OMSI_PROGRESS(ws, what, done, total) do {			\
	if ((ws) != NULL && (ws)->progress != NULL &&			\
	    ((done) & 1023) == 0)					\
		(ws)->progress((ws)->progress_arg, (what),		\
		    (uint64_t)(done), (uint64_t)(total));		\
} while (0)

/* ledger lines a writer holds before it flushes them (oms_ledger_flush) */
#define LEDGER_PIECE	((size_t)4 << 20)
/*
 * s[0..n) goes into a ledger line as it is (ledger_data.c): printable
 * ASCII, no backslash (TSV); in the data column (data) no % ; = either
 * (oms_ledger_data).  The writers of many lines put such fields straight
 * into a line, any other through oms_ledger_line.
 */
int	 omsi_ledger_plain(const char *s, size_t n, int data);

/* ---- windows-1251 (cp1251.c) */
/* The code point of a byte, 0 for 0x98 (none); the byte of a code point,
   or -1 when windows-1251 has none. */
unsigned omsi_cp1251_decode(unsigned char);
int	 omsi_cp1251_encode(unsigned);
/*
 * Append the UTF-8 string s to b as windows-1251, the bytes libxml2 writes
 * for it through our handler (from_utf8); with esc, < > & " and CR
 * escaped as xmlTextWriterWriteString does.  0; 1 when s has a
 * character the handler would not convert straight (not in windows-1251,
 * not UTF-8), -1 over b's max: b is then as it was.
 */
int	 omsi_cp1251_put(struct oms_buf *, const char *s, int esc,
	    struct oms_err *);
/* oms_buf_grow when b has not room for n more bytes and a NUL already:
   the check inline, the call only to grow */
static inline int
omsi_buf_room(struct oms_buf *b, size_t n, struct oms_err *err)
{
	return (n < b->cap - b->len ? 0 : oms_buf_grow(b, n, err));
}
#define OMSI_CP1251	"X-OMS-WINDOWS-1251"
/* The name to ask libxml2 for windows-1251 by: ours when oms_xml_init
   registered it, else "windows-1251" (iconv). */
const char *omsi_cp1251_name(void);

/* ---- yar76 bills (yar76_source.c) */
/* The sum of the sum/elem@sum under n; -1 when none or one is malformed. */
int	 omsi_bill_sum(xmlNodePtr, int64_t *);

/* ---- federal archive names (ffoms_name.c) */
/* KIND M mo T|S code _ YYMM N */
struct omsi_ffoms_name {
	char		 kind[4];	/* H, C, T, or D and a letter */
	char		 mo[7];		/* the МО's registry code */
	char		 to;		/* 'T' the fund, 'S' an insurer */
	char		 code[16];	/* the fund's 2 digits, or 5 */
	int		 yy, mm;	/* the period */
	int		 package;	/* N, of width digits */
	int		 width;
	const char	*ext;		/* parsed: after the '.', or NULL */
};
/* The name into buf; -1 when it does not fit. */
int	 omsi_ffoms_name_build(char *buf, size_t,
	    const struct omsi_ffoms_name *);
/* 0 when name (with or without .ext) has that shape, -1 when not. */
int	 omsi_ffoms_name_parse(const char *name, struct omsi_ffoms_name *);
/* 1 when outbox/name is one of our federal archives (archive_ours). */
int	 omsi_ffoms_ours(const struct oms_conf *, const char *name);

/* ---- registry writers: the profiles' export tables (export_int.h) */
struct omsi_export_ops;
extern const struct omsi_export_ops omsi_ffoms_export, omsi_yar76_export;

/* ---- ZIP writing (zip.c) */
/*
 * A registry file is head + body + tail, the head known only at the end.
 * The body is deflated while it is written, by the one thread of a pool
 * (shared by the bodies of an export), into a spool file; the entry is
 * assembled from the three when the head is known.
 */
/* oms.conf zip_level's default, unset: libdeflate's level 6 (zip.c).  Of
   the first 400 MB of the 1M bench's H file, in zip.c's 512 KiB pieces:
   0.98 of zip -6's size; level 5 is 1.07, 4 1.14, 1 1.54; 7 is 0.94, 8
   and 9 0.90 (at 2.1 and 2.6 times level 6's CPU) */
#define OMSI_ZIP_LEVEL	0
struct omsi_zpool;
struct omsi_zbody;
struct omsi_zip;
/* oms.conf's zip_level (1 to 9), or OMSI_ZIP_LEVEL when it is unset */
int	 omsi_zip_level(const struct oms_conf *);
/* Start the deflating thread; free (joining it) after its bodies. */
struct omsi_zpool *omsi_zpool_new(int level, struct oms_err *);
void	 omsi_zpool_free(struct omsi_zpool *);		/* NULL is fine */
/* A body deflated into spool (an empty temporary file, spath in messages,
   both the caller's); write it through omsi_zbody_fp (a write failure
   there is said by omsi_zip_entry); free before its pool.  Without a
   pool (NULL) the bytes written are dropped: a body only checked. */
struct omsi_zbody *omsi_zbody_new(struct omsi_zpool *, FILE *spool,
	    const char *spath, struct oms_err *);
FILE	*omsi_zbody_fp(const struct omsi_zbody *);
/* Write n bytes into the body past its stream: the caller has flushed
   the stream first.  0, or -1 with errno (the body failed). */
int	 omsi_zbody_write(struct omsi_zbody *, const void *, size_t n);
/*
 * The same without a copy: b becomes the room left in the buffer being
 * filled (b->s the buffer, b->len what it holds, b->max so that b never
 * grows: a write past it fails as over b's max), and what the caller
 * adds there joins the body at omsi_zbody_commit, nothing else written
 * between.  Bytes that do not fit go through omsi_zbody_write, which
 * cuts the buffers where they fill, so the body's bytes and buffers are
 * the same either way.  0, or -1 when the body takes no bytes here (no
 * pool: only checked; closing; failed).
 */
int	 omsi_zbody_view(struct omsi_zbody *, struct oms_buf *b);
int	 omsi_zbody_commit(struct omsi_zbody *, const struct oms_buf *b);
void	 omsi_zbody_free(struct omsi_zbody *);		/* NULL is fine */
/* A ZIP written to fp (path in messages): entries, then close, which
   flushes fp (the caller commits it); free in any case. */
struct omsi_zip *omsi_zip_open(FILE *, const char *path, int level,
	    struct oms_err *);
/* Add an entry of head + the whole of body (finished here; once) + tail. */
int	 omsi_zip_entry(struct omsi_zip *, const char *name, time_t mtime,
	    const char *head, size_t headlen, struct omsi_zbody *,
	    const char *tail, struct oms_err *);
int	 omsi_zip_close(struct omsi_zip *, struct oms_err *);
void	 omsi_zip_free(struct omsi_zip *);		/* NULL is fine */

/* ---- joining deflate streams (zjoin.c) */
/* bytes past a stream that the walk may read (their values unused) */
#define OMSI_ZJOIN_SLACK	32
/* Where the last block of the raw deflate stream p[0..n) starts and where
   the stream ends, in bits from p's first; 0, or -1 when it is no whole
   stream.  OMSI_ZJOIN_SLACK bytes past n are read. */
int	 omsi_zjoin_walk(const unsigned char *p, size_t n, uint64_t *lastbit,
	    uint64_t *endbit);
/* Make the stream p[0..n) one that more can follow: its last block not
   final and an empty stored block after it, as a sync flush ends a
   stream (5 bytes more at most; room for OMSI_ZJOIN_SLACK past n).  The
   new length, or 0 when the walk did not accept the stream (unchanged). */
size_t	 omsi_zjoin_open(unsigned char *p, size_t n);

/* ---- replies (ffoms_reply.c, yar76_reply.c; the rest in import_int.h) */
/* The stage a reply's name says (without extension): 1, 0 not a reply
   name, -1 a bad pattern in oms.conf (ffoms_reply.c). */
int	 omsi_recognise(const struct oms_conf *, const char *base, int *stage,
	    struct oms_err *);
/* the profiles' readers of replies, for their tables (profile.h) */
struct omsi_reply_ops;
extern const struct omsi_reply_ops omsi_ffoms_reply;	/* ffoms_reply.c */
extern const struct omsi_reply_ops omsi_yar76_reply;	/* yar76_reply.c */

/* ---- SHA-256 (sha256.c) */
struct omsi_sha256 {
	uint32_t	 h[8];
	uint64_t	 len;
	unsigned char	 buf[64];
	size_t		 n;
	int		 ni;		/* by the processor's SHA instructions */
};
void	 omsi_sha256_init(struct omsi_sha256 *);
/* After init: the portable rounds, whatever the processor has (tests). */
void	 omsi_sha256_portable(struct omsi_sha256 *);
void	 omsi_sha256_add(struct omsi_sha256 *, const void *, size_t);
void	 omsi_sha256_hex(struct omsi_sha256 *, char out[65]);


/* ---- rules (rules.c) */
struct omsi_rulectx {
	const char	*kind;		/* of the registry */
	const char	*version;	/* of the registry */
	const char	*plat;		/* its SCHET/PLAT, "" or NULL: none */
	/* the registry's number in its build, from 0: a rule's values
	   unique in the registry are kept by it */
	int		 reg;
	long		 period_first, period_last;
	/* called for every failed check; line is of the offending node */
	void		(*report)(void *arg, const char *id, int warning,
			    unsigned long line, const char *msg);
	void		*arg;
	/*
	 * The person rules (a ZAP rule with a path through PERS): link
	 * names the case's person in its registry, the same on the ZAP and
	 * on its PERS; account is the case's.  A failed person rule, found
	 * when the PERS is checked, goes to report_case for each case of
	 * that person.  NULL link or report_case: none are checked.
	 */
	const char	*link;
	const char	*account;
	void		(*report_case)(void *arg, const char *where,
			    const char *account, const char *id, int warning,
			    unsigned long line, const char *msg);
	const char	*where;		/* the PERS's document, for them */
	/*
	 * 1: the person rules of a PERS's cases are not checked here; the
	 * caller queues them (omsi_kq_put), their reports given in order
	 */
	int		 kept_later;
};
enum { OMSI_SCOPE_ZAP = 1, OMSI_SCOPE_PERS };
/*
 * The person rules of the cases src keeps, checked on a thread of their
 * own by ev (rules loaded as src's: its state for them is ev's) while
 * the persons are read (rules_kq.c): omsi_kq_put queues a PERS's checks
 * (after omsi_rules_check with rc->kept_later), omsi_kq_drain gives the
 * reports of all queued to their report_case, in order, before any
 * other message; omsi_kq_end drains, stops and frees: 0, or -1 with the
 * first failure.
 */
struct omsi_kq;
struct omsi_kq *omsi_kq_start(struct oms_rules *ev, struct oms_rules *src,
	    struct oms_err *);
int	 omsi_kq_put(struct omsi_kq *, xmlNodePtr pers,
	    const struct omsi_rulectx *, struct oms_err *);
void	 omsi_kq_drain(struct omsi_kq *);
int	 omsi_kq_end(struct omsi_kq *, struct oms_err *);
/* Check one record (an expanded ZAP or PERS); returns errors found. */
int	 omsi_rules_check(struct oms_rules *, int scope, xmlNodePtr rec,
	    const struct omsi_rulectx *, struct oms_err *);
/* Forget the registry-wide uniqueness sets and the cases kept for their
   persons (a new build begins). */
void	 omsi_rules_reset(struct oms_rules *);
/* Forget the registry-wide uniqueness sets of the rules of a scope: its
   records of every registry have been checked. */
void	 omsi_rules_end_scope(struct oms_rules *, int scope);
/*
 * 1 when some rule reads a case's person (its cases are kept until the
 * persons are copied); omsi_rules_spool then keeps them in fp, a private
 * temporary file the caller owns (name for messages), instead of memory.
 */
int	 omsi_rules_person(const struct oms_rules *);
void	 omsi_rules_spool(struct oms_rules *, FILE *fp, const char *name);
/*
 * The spooled cases laid out again in the order their persons will be
 * checked, so that they are read back a group of about 1 MiB at a time,
 * not each alone: omsi_rules_order_begin (0, or -1 out of memory; it does
 * nothing without spooled cases), then omsi_rules_order with each
 * person's link as the persons files give them, then omsi_rules_regroup,
 * which copies the cases past the end of the spool in that order.  Only
 * where a case is read back from changes: a case whose person did not
 * come goes last, and a link given twice counts where it came first.
 */
int	 omsi_rules_order_begin(struct oms_rules *, struct oms_err *);
void	 omsi_rules_order(struct oms_rules *, const char *link, size_t len);
/*
 * omsi_rules_order in steps, for links known some links ahead: what the
 * look-up will read asked of memory (omsi_rules_order_ahead step 0, then
 * 1 a few links later: omsi_rset_ahead), the look-up (_find: the link's
 * first kept case, 0 none, its place asked for), and the link's place in
 * the order, in the order the links came (_at).
 */
void	 omsi_rules_order_ahead(const struct oms_rules *, const char *link,
	    size_t len, int step);
uint32_t omsi_rules_order_find(const struct oms_rules *, const char *link,
	    size_t len);
void	 omsi_rules_order_at(struct oms_rules *, uint32_t ki);
int	 omsi_rules_regroup(struct oms_rules *, struct oms_err *);
/* The severity of rule id (1 warning, 0 error), 0 if unknown. */
int	 omsi_rules_warning(const struct oms_rules *, const char *id);
/* 1 when rule id was switched off in oms.conf */
int	 omsi_rules_off(const struct oms_rules *, const char *id);

#endif /* OMS_INT_H */
