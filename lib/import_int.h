/*
 * import_int.h -- the state of one import, shared by the reply readers
 *
 * import.c drives an import (the file, the registry map, the archive/
 * copy, the ledger and the result) and reaches the profile's reader of
 * replies through struct omsi_reply_ops: ffoms_reply.c and
 * ffoms_answer.c read the federal replies, yar76_reply.c the annotated
 * bills.  All of them work on struct imp.
 */
#ifndef IMPORT_INT_H
#define IMPORT_INT_H

#include <stdint.h>

#include "oms_int.h"

struct archive;
struct omsi_feed;

#define IMP_MAX_ENTRIES	64	/* of a reply's ZIP */
#define IMP_MAX_UNKNOWN	20	/* elements not read, noted for -v */

/* what the name says */
struct ident {
	int	 stage;
	char	 type[4];
	char	 mo[8];
	int	 period;
	int	 package;
	char	 base[256];	/* the name that matched, without extension */
};

/*
 * one record's decision while reading: 32 bytes, one per account of the
 * registry; the reasons, which most records have none of, are apart
 * (omsi_imp_dreason)
 */
struct dec {
	int64_t	 claimed, accepted, refused;
	uint32_t reasons;	/* 1 + index into m->rsn; 0 none yet */
	uint8_t	 decision;	/* enum oms_state */
	uint8_t	 set;
};

/* what a reply names its records by */
enum omsi_mapkey {
	OMSI_MAP_NZAP,		/* the N_ZAP the registry gave them */
	OMSI_MAP_ACCOUNT	/* the account id (yar76: xkey) */
};

struct imp {
	struct oms_ws		*ws;
	struct oms_ledger	*l;
	const char		*path;
	int			 fd;		/* path, a regular file */
	const char		*name;		/* for messages */
	struct ident		 id;
	const struct oms_reg	*reg;
	int			 ri;		/* reg's index in the ledger */
	/* the document being read: an XML reader or a feed, and the ZIP
	   it is in (NULL for an XML file) */
	struct archive		*ar;
	struct omsi_xin		*x;
	struct omsi_feed	*feed;
	/* the registry map: key -> account */
	int			 mapkey;	/* enum omsi_mapkey */
	struct omsi_hash	 bykey;
	/* N_ZAP 1, 2, ... as a registry numbers them: index + 1, by number */
	uint32_t		*byno;
	size_t			 nbyno;
	struct omsi_arena	 arena;		/* the N_ZAP */
	const char		**acc;		/* the ledger's own ids */
	const char		**zap;
	size_t			 nacc, cap;
	struct dec		*dec;		/* one per account, same order */
	struct oms_buf		*rsn;		/* the decisions' reasons */
	size_t			 nrsn, rsncap;
	struct oms_buf		 filecodes;	/* ФЛК errors on the file */
	long			 rdate;		/* the reply's date, or -1 */
	/* elements not known where no refusal stands: "name:line: <X> in
	   <Y>" lines, the first IMP_MAX_UNKNOWN of them */
	struct oms_buf		 unknown;
	size_t			 nunknown;

	/* the profile's reader's own state (its release frees it) */
	void			*own;
	/* an answer may be read by the fast scanner first (xscan.c) */
	int			 xscan;
};

/* read: the fast scanner could not read the file; read it again */
#define OMSI_IMP_AGAIN	(-2)

/*
 * The reply side of a profile (profile.h): oms_import calls these in
 * order, each returning 0, or -1 with err filled; the document opened
 * is closed by oms_import, whatever happens.
 */
struct omsi_reply_ops {
	/*
	 * Recognise the reply by base, its file's name without extension,
	 * and open what is to be read: m->id (the stage at least), the
	 * document in m->x or m->feed, and m->ar.  A name that is no
	 * reply's is an error.
	 */
	int	(*open)(struct imp *, const char *base, struct oms_err *);
	/*
	 * Find the registry the reply answers and map it
	 * (omsi_imp_registry).  m->reg may stay NULL when the body names it
	 * (a ФЛК protocol's FNAME_I): then read does.
	 */
	int	(*registry)(struct imp *, struct oms_err *);
	/*
	 * Read the document: a decision per account into m->dec.
	 * OMSI_IMP_AGAIN (err untouched): read the file again from open,
	 * with m->xscan 0.
	 */
	int	(*read)(struct imp *, struct oms_err *);
	/*
	 * After the document: check what else its ZIP holds and settle the
	 * decisions that take the whole reply; m->id.stage is final then.
	 */
	int	(*finish)(struct imp *, struct oms_err *);
	/* NULL, or free m->own, whatever step failed (own may be NULL) */
	void	(*release)(struct imp *);
};

/* ---- import.c: the registry map and the decisions */
/* Read replies to registry r: map it by key, a decision per account. */
int	 omsi_imp_registry(struct imp *, const struct oms_reg *,
	    enum omsi_mapkey, struct oms_err *);
/* The record of N_ZAP (or IDCASE) zap; -1 with err when unknown. */
long	 omsi_imp_record(struct imp *, const char *zap, unsigned long line,
	    struct oms_err *);
/* What the ledger says account i claimed in this registry (which it
   may have left since). */
int64_t	 omsi_imp_claim(const struct imp *, size_t i);
/* Add code to the comma-separated list b, once. */
int	 omsi_imp_reason(struct oms_buf *b, const char *code,
	    struct oms_err *);
/* The same for d's reasons (d one of m->dec). */
int	 omsi_imp_dreason(struct imp *, struct dec *d, const char *code,
	    struct oms_err *);
/* d's reasons, "" when none */
const char *omsi_imp_reasons(const struct imp *, const struct dec *d,
	    size_t *len);
/* d's reasons emptied */
void	 omsi_imp_reasons_reset(struct imp *, struct dec *d);
/* The codes of findings on the whole file, each once, after d's own. */
int	 omsi_imp_file_codes(struct imp *, struct dec *, struct oms_err *);

/* ---- import.c: reading helpers */
/* 1 when name is one of the NULL-terminated names */
int	 omsi_imp_known(const char *const *names, const xmlChar *name);
/* 1 when p[0..n) is spaces, tabs and line ends only */
int	 omsi_imp_blanks(const char *p, size_t n);
/* Note an element not read where no refusal can stand (oms-import -v). */
void	 omsi_imp_unknown(struct imp *, const char *name, unsigned long line,
	    const char *el, const char *in);
/*
 * A date the reply gives, what at name:line: a real day as YYYY-MM-DD
 * (no 30 February, no month 13, no day 0), into *days when not NULL;
 * else -1 with err.
 */
int	 omsi_imp_date(const char *name, unsigned long line, const char *what,
	    const char *v, long *days, struct oms_err *);
/* The root element of m->x into *root; -1 with err when there is none. */
int	 omsi_imp_root(struct imp *, const char **root, struct oms_err *);
/* 1 when m->fd begins as a ZIP does */
int	 omsi_imp_is_zip(const struct imp *);
/* The reply's ZIP, read from m->fd; NULL with err. */
struct archive	*omsi_imp_zip(struct imp *, struct oms_err *);
/* "dir/HT76M760001_26101.ZIP" -> "HT76M760001_26101" */
void	 omsi_imp_base(const char *path, char *out, size_t len);

/* ---- the federal replies: ffoms_reply.c reads ФЛК protocols and
   calls ffoms_answer.c for the answers */
#define SPLIT_TEXT	"its text is split by a comment, a processing " \
			"instruction or an element; not imported, ask the " \
			"sender for the value in one piece"
/* the headers' elements, where no refusal stands (ffoms_answer.c) */
extern const char *const omsi_ffoms_zglv[];
extern const char *const omsi_ffoms_schet[];
/*
 * Read a control answer or an answer to the payment demand from f: 0, or
 * -1 with err.  With m->xscan it may give OMSI_IMP_AGAIN (err untouched):
 * the fast scanner doubted, and what was read must be thrown away and
 * the file read again with m->xscan 0.
 */
int	 omsi_ffoms_answer(struct imp *, struct omsi_feed *,
	    struct oms_err *);

#endif /* IMPORT_INT_H */
