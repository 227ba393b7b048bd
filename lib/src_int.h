/*
 * src_int.h -- the index of source/, shared by the scan (source.c) and the
 * profiles' readers of their source documents (ffoms_source.c,
 * yar76_source.c)
 *
 * source.c walks source/ (files and ZIP entries), hands each document to
 * the workspace's profile (profile.h: src_bid, src_scan), pairs documents
 * and picks the newest version of every account.  A profile's scan reads
 * its document's header into the struct oms_srcdoc and each account's
 * case through omsi_src_store, then indexes them with omsi_src_commit.
 *
 * The source index (srcindex.c, the workspace's .oms.srcindex) keeps what
 * the scan of each source file produced, so that a file whose key did not
 * change is loaded instead of read.  While a file is read, everything it
 * gives is recorded: its diagnostics, the warnings given once a run
 * (omsi_src_once), the loading of the insurers' register
 * (omsi_src_insurers) and its documents with their cases (recorded by
 * omsi_src_commit).  A profile's reader therefore reaches state shared
 * between files only through these helpers.
 *
 * A scan of some accounts (oms-export's) reads and reports everything,
 * but keeps the cases of those accounts only (commit_some in source.c).
 */
#ifndef SRC_INT_H
#define SRC_INT_H

#include "oms_int.h"

struct oms_src {
	struct oms_srcdoc *docs;
	size_t		   ndocs, docs_cap;
	struct oms_case	  *cases;	/* every case seen */
	size_t		   ncases, cases_cap;
	size_t		  *win;		/* indices of winning cases, sorted;
					   NULL after a scan of some: case
					   i is the i-th */
	size_t		   nwin;
	struct omsi_hash   idx;		/* account -> index into cases */
	struct omsi_hash   warned;	/* insurers warned about */
	struct oms_ref	  *ins;		/* the insurers' register, when a
					   profile's reader asked for it */
	int		   ins_loaded;
	struct omsi_arena  arena;
	const struct oms_conf *conf;
	const struct oms_ws *ws;	/* for progress */
	struct omsi_srcix *ix;		/* the source index, or NULL */
	const struct omsi_src_hooks *hooks;	/* its functions */
	struct oms_diag	  *rdiag;	/* while a file is recorded: where
					   its diagnostics go */
	/*
	 * A scan of some accounts (oms_src_scan_some) keeps the cases of
	 * those only: want maps each to 1 + the index of its newest case
	 * (0: none yet) while the scan runs, and idx stays empty; byacc,
	 * made by the first oms_src_find, holds the winners by account
	 * instead (the winners stay put once the scan ends).  A case of another
	 * account lives until its document is indexed (its strings in
	 * scratch when it was read), then only as a fingerprint in its
	 * document's fp, so that a later document can tell whether its
	 * duplicates are the newest version (what omsi_src_commit says).
	 */
	int		   some;
	struct omsi_hash   want;
	/*
	 * The accounts wanted as given, each one's slot in want, and the
	 * next one to meet: a list in the order of the index (what
	 * oms-select writes) is followed along it, with no look-up, as
	 * long as want has wcap slots (commit_some).
	 */
	const char *const *wkey;
	uint32_t	  *wslot;
	size_t		   nwkey, wnext, wcap;
	const struct oms_case **byacc;
	struct omsi_arena  scratch;
	struct omsi_hash   words;	/* payers, departments, doctors */
	struct omsi_hash   other;	/* of the document being committed:
					   another account -> its first
					   line << 2 | 1 said | 2 not said */
	size_t		   fpvcap;	/* its fp's room */
	struct omsi_srcfp {
		uint64_t  *v;		/* sorted */
		size_t	   n;
	}		  *fp;		/* by document */
	size_t		   fpcap;
};

/* What a case says of itself, as strings of its document. */
struct omsi_case_in {
	const char	*acc, *idpac, *dept, *doctor, *payer;
	const char	*sum, *d1, *d2;
	const char	*sumname;	/* for messages: "Z_SL/SUMV" */
};

/*
 * The payer of a case from its insurer's code smo (may be NULL): smo when
 * oms.conf lists it (or lists none and it is of this region), else the
 * fund (TF000, into buf of 8 bytes); an insurer of the region oms.conf
 * does not list is warned about once.
 */
const char *omsi_src_payer(struct oms_src *, const char *smo, char *buf,
	    const struct oms_srcdoc *, unsigned long line, struct oms_diag *);
/* omsi_path_text(n, path), or "" */
const char *omsi_src_text_or(xmlNodePtr, const char *path);
/* The document date v (what names it in messages) into d->data; -1 when
   it is missing or bad, reported to diag (the document is skipped). */
int	 omsi_src_date(struct oms_srcdoc *, const char *v, unsigned long line,
	    const char *what, struct oms_diag *);
/* Store one case of document doc (a case without a valid sum or dates is
   reported and skipped); -1 only on ENOMEM. */
int	 omsi_src_store(struct oms_src *, int doc, unsigned long line,
	    unsigned long seq, const struct omsi_case_in *, struct oms_diag *,
	    struct oms_err *);
/* Index the cases of document doc read whole: [first, s->ncases). */
int	 omsi_src_commit(struct oms_src *, int doc, size_t first,
	    struct oms_diag *, struct oms_err *);
/*
 * In a scan of some accounts, a document's cases a part at a time,
 * [first, s->ncases), whose strings need not stay (they are copied), and
 * then the document's end.  For srcindex.c's replay.
 */
int	 omsi_src_commit_part(struct oms_src *, int doc, size_t first,
	    struct oms_diag *, struct oms_err *);
void	 omsi_src_commit_end(struct oms_src *, int doc);
/* A document given up (e reported unless NULL, or returned when the
   machine failed); its cases are forgotten.  1 go on, -1 stop. */
int	 omsi_src_failed(struct oms_src *, int di, size_t first,
	    const struct oms_err *, struct oms_diag *, struct oms_err *);

/*
 * A warning given once a run, the first time key (an insurer's code or
 * OGRN) is met; the same key again says nothing.  -1 only on ENOMEM.
 */
int	 omsi_src_once(struct oms_src *, const char *key, struct oms_diag *,
	    const char *file, unsigned long line, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 6, 7)));
/*
 * The insurers' register ref/F002.tsv (codes and OGRNs) into s->ins, the
 * first time a reader needs it: a missing or broken table is a warning
 * and leaves s->ins NULL.  -1 only on ENOMEM or a read error.
 */
int	 omsi_src_insurers(struct oms_src *, struct oms_diag *,
	    struct oms_err *);

/* For srcindex.c: a new document (NULL on ENOMEM), room for n cases. */
struct oms_srcdoc *omsi_src_newdoc(struct oms_src *, const char *path,
	    const char *entry, const char *name, time_t mtime);
int	 omsi_src_reserve(struct oms_src *, size_t n);
/* v's one copy among the payers, departments and doctors kept (s->words,
   strings in s->arena); NULL on ENOMEM */
const char *omsi_src_word(struct oms_src *, const char *v);
/* c's strings but its account copied into s (words: omsi_src_word);
   -1 on ENOMEM */
int	 omsi_src_keep(struct oms_src *, struct oms_case *c);
/* For tests: the size of a piece of the index read at a time (0: the
   default). */
void	 omsi_srcix_piece(size_t);

/* ---- the source index (srcindex.c) */
struct stat;
/*
 * What the scan asks of the source index, as addresses (srcindex.c fills
 * them and calls the scan, which never names it: no circle of calls).
 * open reads the index; load gives a file from it (1 loaded, with its
 * diagnostics given again to diag; 0 not there or changed; -1 on error);
 * begin records the reading of a file and returns the diag to read it
 * with (it passes everything on to diag), and end keeps the record unless
 * the file had errors, changed while it was read, or changed too
 * recently for its times to tell a later change; ev_* are what a
 * recorded file gives besides diagnostics; save writes the index again
 * when something changed.
 */
struct omsi_src_hooks {
	int	 (*open)(struct oms_src *, int flags, struct oms_diag *,
		    struct oms_err *);
	int	 (*load)(struct oms_src *, const char *rel, const char *path,
		    const struct stat *, struct oms_diag *, struct oms_err *);
	struct oms_diag *(*begin)(struct oms_src *, const char *rel,
		    const struct stat *, struct oms_diag *);
	void	 (*end)(struct oms_src *, const char *path);
	void	 (*ev_once)(struct oms_src *, const char *key,
		    const struct oms_err *);
	void	 (*ev_insurers)(struct oms_src *);
	void	 (*ev_doc)(struct oms_src *, int doc, size_t first);
	void	 (*save)(struct oms_src *, struct oms_diag *);
	void	 (*free)(struct omsi_srcix *);
};
/*
 * The scan, with the index when hooks is not NULL (oms_src_scan_index),
 * of the n accounts of want only when want is not NULL
 * (oms_src_scan_some).
 */
struct oms_src *omsi_src_scan(const struct oms_ws *,
	    const struct omsi_src_hooks *, int flags,
	    const char *const *want, size_t n, struct oms_diag *,
	    struct oms_err *);

/* the profiles' scans (profile.h src_scan, src_names) */
int	 omsi_ffoms_src_scan(struct oms_src *, int, struct omsi_xin *,
	    struct oms_diag *, struct oms_err *);
int	 omsi_ffoms_src_names(const struct oms_src *, size_t,
	    const char *const *, size_t, char **, struct oms_err *);
int	 omsi_yar76_src_scan(struct oms_src *, int, struct omsi_xin *,
	    struct oms_diag *, struct oms_err *);
int	 omsi_yar76_src_names(const struct oms_src *, size_t,
	    const char *const *, size_t, char **, struct oms_err *);

#endif /* SRC_INT_H */
