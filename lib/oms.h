/*
 * oms.h -- the public API of liboms, the library under the oms tools
 *
 * The library never prints, never exits, never reads the environment and
 * keeps no mutable globals.  Functions return 0 (or a count, or 1 for "got
 * one") on success and -1 on failure, filling a caller-owned struct oms_err.
 * The error struct is left untouched on success.
 *
 * Borrowed results are const and say how long they live; owned results say
 * which function frees them.  Every _open/_new has a _free that accepts NULL.
 *
 * It is longer than the other files on purpose: the whole public API is
 * one header, in sections by job (err, buf, tsv ... nsi), as libarchive's
 * archive.h is, so that a program includes one file and reads one place.
 */
#ifndef OMS_H
#define OMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define OMS_VERSION	"0.1.0"

/*
 * Register oms's windows-1251 codec with libxml2 (a table instead of
 * iconv; the same bytes, faster).  Programs call it once at start, after
 * LIBXML_TEST_VERSION; 0, or -1 when libxml2 refused it (iconv is used).
 */
int	 oms_xml_init(void);

/* ------------------------------------------------------------------ err */

enum oms_code {
	OMS_EOK = 0,
	OMS_EDATA,		/* invalid input: malformed, ragged, bad value */
	OMS_ESCHEMA,		/* input violates a schema or a field rule */
	OMS_ELOCKED,		/* the workspace is in use by another run */
	OMS_EIO,		/* open, read, write, fsync, rename ... */
	OMS_ENOMEM,
	OMS_EINTERNAL		/* a bug, or a library that misbehaves */
};

struct oms_err {
	int	code;		/* enum oms_code */
	char	where[512];	/* "accounts.tsv:17", "source/h.xml:30" or "" */
	char	msg[512];	/* lowercase, no trailing period */
};

/* Fill err and return -1.  file may be NULL; line 0 means "no line". */
int	 oms_err_set(struct oms_err *, int code, const char *file,
	    unsigned long line, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 5, 6)));
/* As oms_err_set, with ": strerror(errnum)" appended. */
int	 oms_err_sys(struct oms_err *, int errnum, const char *file,
	    const char *fmt, ...)
	    __attribute__((__format__(__printf__, 4, 5)));
void	 oms_err_clear(struct oms_err *);

/* ------------------------------------------------------------------ buf */

/*
 * A growable byte buffer with a hard cap (curl's dynbuf).  s is always
 * NUL-terminated once anything was added.  Exceeding max is OMS_EDATA
 * "too long", never a silent truncation.
 */
struct oms_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

#define OMS_BUF_MAX_DEFAULT	((size_t)64 << 20)

void	 oms_buf_init(struct oms_buf *, size_t max);	/* 0 = default */
int	 oms_buf_add(struct oms_buf *, const void *, size_t, struct oms_err *);
int	 oms_buf_adds(struct oms_buf *, const char *, struct oms_err *);
int	 oms_buf_addc(struct oms_buf *, int, struct oms_err *);
int	 oms_buf_printf(struct oms_buf *, struct oms_err *, const char *, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/* Room for n more bytes and a NUL after len (git's strbuf_grow): the
   caller may then write s[len .. len + n] and set len, and s[len] = 0. */
int	 oms_buf_grow(struct oms_buf *, size_t n, struct oms_err *);
void	 oms_buf_reset(struct oms_buf *);		/* len = 0, keep memory */
void	 oms_buf_release(struct oms_buf *);		/* free memory, reinit */

/* ------------------------------------------------------------------ tsv */

/*
 * The oms TSV dialect (oms-tsv(5)): UTF-8, LF, one header line, the same
 * number of fields on every line; in fields, \t \n \r \\ stand for TAB, LF,
 * CR and backslash; any other backslash sequence, a NUL or a bare CR is an
 * error naming file:line.
 */
struct oms_tsv;

struct oms_rec {
	size_t		  nf;
	const char	**f;		/* unescaped, NUL-terminated */
	const size_t	 *len;
	unsigned long	  lineno;
};

#define OMS_TSV_LINE_MAX	((size_t)1 << 20)

/* Reads the header.  The FILE is borrowed; name is used in messages. */
struct oms_tsv	*oms_tsv_open(FILE *, const char *name, struct oms_err *);
size_t		 oms_tsv_ncol(const struct oms_tsv *);
const char	*oms_tsv_colname(const struct oms_tsv *, size_t);
int		 oms_tsv_col(const struct oms_tsv *, const char *colname);
			/* index, or -1 when there is no such column */
/* 1 = record, 0 = end, -1 = error.  rec is valid until the next call. */
int		 oms_tsv_next(struct oms_tsv *, struct oms_rec *, struct oms_err *);
void		 oms_tsv_free(struct oms_tsv *);

/* Writers: the exact mirror of the reader's unescaping. */
int	 oms_tsv_escape(struct oms_buf *, const char *, size_t, struct oms_err *);
/* Append n fields joined by TAB plus LF; NULL fields are written empty. */
int	 oms_tsv_row(struct oms_buf *, const char *const *, size_t,
	    struct oms_err *);
/* Unescape s in place; returns the new length or -1 on a bad escape. */
long	 oms_tsv_unescape(char *s, size_t len);

/* ---------------------------------------------------------------- util */

/*
 * Money is int64 kopecks.  "12.5" and "12" are accepted; "1e3", "-0",
 * "12.345", "12,50" and "" are not.  A leading '-' is accepted.
 */
int	 oms_money_parse(const char *, int64_t *);
/* Writes "-12.50" into buf (at least 24 bytes); returns buf. */
char	*oms_money_fmt(int64_t, char *buf);

/* Dates are days since 1970-01-01 (proleptic Gregorian). */
int	 oms_date_parse(const char *, long *days);	/* YYYY-MM-DD, strict */
char	*oms_date_fmt(long days, char *buf);		/* buf >= 11 */
long	 oms_date_from_ymd(int y, int m, int d);
void	 oms_date_to_ymd(long days, int *y, int *m, int *d);

/* Periods "YYYY-MM" are y * 12 + (m - 1). */
int	 oms_period_parse(const char *, int *period);
char	*oms_period_fmt(int period, char *buf);		/* buf >= 8 */
long	 oms_period_first(int period);			/* first day */
long	 oms_period_last(int period);			/* last day */
int	 oms_period_of(long days);

/* Check digits.  1 = valid, 0 = not. */
int	 oms_snils_valid(const char *);		/* "XXX-XXX-XXX YY" or 11 digits */
int	 oms_enp_form(const char *);		/* 16 digits */
int	 oms_enp_check(const char *);		/* the check digit (unverified) */

/* ---------------------------------------------------------------- conf */

/*
 * oms.conf: "key = value" lines, '#' comments, blank lines.  Keys are
 * [a-z0-9_.]+ (the suffix of a prefix key such as version.H may hold
 * capitals); a key given twice or unknown to the table in conf.c is an
 * error naming the line.  Values are trimmed; nothing is quoted.
 */
enum oms_send_to { OMS_SEND_TFOMS = 0, OMS_SEND_SMO };

struct oms_conf {
	char	 profile[8];		/* its name: "ffoms", "yar76" */
	const struct oms_profile *prof;	/* its table (lib/profile.h) */
	char	 mo[7];			/* 6 digits */
	char	 ogrn[14];		/* 13 digits */
	char	 kpp[10];		/* 9 digits */
	char	 tfoms[3];		/* 2 digits */
	int	 send_to;		/* enum oms_send_to */
	char	*account_key;		/* path in ZAP, default Z_SL/SL/SL_ID */
	char	**payers;		/* NULL-terminated insurer codes or NULL */
	int	 primary_back;		/* months before the period, default 0 */
	long	 primary_from;		/* or a fixed date (days); -1 = unset */
	int	 repeat_back;		/* default 1 */
	long	 repeat_from;		/* -1 = unset */
	char	 archive_ext[8];	/* "zip" */
	int	 package_width;		/* digits of N in names, default 1 */
	/* every key = value, in file order (all keys, parsed or not) */
	size_t	 nkv;
	char	**keys;
	char	**vals;
	unsigned long *lines;
	char	*path;
};

/* Parse path into c (which is initialised first).  Missing file is EIO. */
int	 oms_conf_load(struct oms_conf *, const char *path, struct oms_err *);
/* Parse from an open stream (tests). */
int	 oms_conf_read(struct oms_conf *, FILE *, const char *name,
	    struct oms_err *);
void	 oms_conf_release(struct oms_conf *);
/* A raw value for key, or NULL. */
const char *oms_conf_get(const struct oms_conf *, const char *key);
/*
 * The value of the profile's own key PROFILE.NAME (yar76.digit), or its
 * default ("" for keys without one, and for yar76.letter.CODE when not
 * set).  Values were checked on load.
 */
const char *oms_conf_own(const struct oms_conf *, const char *name);
/*
 * What the profile (oms.conf profile) says of registry kinds: 1 when kind
 * is one of its kinds; the rest of a message for one that is not ("-k X:
 * X " + it); 1 when oms_export() makes oms-requeue's --set fixes.
 */
int	 oms_kind_valid(const struct oms_conf *, const char *kind);
const char *oms_kind_bad(const struct oms_conf *);
int	 oms_profile_fixes(const struct oms_conf *);


/* ----------------------------------------------------------------- fs */

/*
 * Atomic files: written under a temporary name in the target's directory
 * (mode 0600), then fsynced, renamed and the directory fsynced.
 */
struct oms_afile {
	char	*path;		/* final name */
	char	*tmp;		/* temporary name, NULL after commit/abort */
	FILE	*fp;		/* write here */
};

int	 oms_afile_open(struct oms_afile *, const char *path, struct oms_err *);
int	 oms_afile_commit(struct oms_afile *, struct oms_err *);
/*
 * The two halves of a commit, for a commit point in between: sync makes
 * the temporary file durable (and closes fp); publish renames it into
 * place.  A crash between them leaves ".tmp-NAME-XXXXXX" next to NAME.
 */
int	 oms_afile_sync(struct oms_afile *, struct oms_err *);
int	 oms_afile_publish(struct oms_afile *, struct oms_err *);
void	 oms_afile_abort(struct oms_afile *);	/* removes the temp file */
/* Lets go of it leaving the temporary file: a ledger records it. */
void	 oms_afile_forget(struct oms_afile *);
/*
 * publish that never replaces: when the final name exists already it is
 * left as it is, the temporary file stays, and the error says so.
 */
int	 oms_afile_publish_new(struct oms_afile *, struct oms_err *);
int	 oms_fsync_dir(const char *dir, struct oms_err *);
/* oms_fsync_dir of the directory that holds path (a name made or gone) */
int	 oms_fsync_dir_of(const char *path, struct oms_err *);
/* mkdir -p with mode 0700 for the directories it creates. */
int	 oms_mkdirs(const char *dir, struct oms_err *);
/* "a" + "/" + "b", malloc'd (free()), or NULL on ENOMEM. */
char	*oms_path_join(const char *, const char *);

/* ----------------------------------------------------------- workspace */

struct oms_ws {
	char		*dir;		/* as given, never NULL after open */
	struct oms_conf	 conf;
	int		 lockfd;	/* -1 when not locked */
	/*
	 * Called now and then during long work, when set: what is being
	 * done ("reading source/"), how much so far and of how much (0 when
	 * not known).  The library never prints; a program may.
	 */
	void		(*progress)(void *arg, const char *what,
			    uint64_t done, uint64_t total);
	void		*progress_arg;
	/* where reference tables are when DIR/ref lacks them, or NULL */
	const char	*refdir;
	/* the directory may be written by group or others (not sticky) */
	int		 open_to_others;
	/*
	 * The plain ways, to compare with and for doubt (the programs set
	 * them from OMS_XSCAN=0 and OMS_XSDFAST=0, oms(7)): plain_xml reads
	 * every answer and source with libxml2 alone, not the fast scanner
	 * first; plain_xsd has libxml2 validate every record, not only those
	 * the compiled acceptor does not vouch for.  The results are the
	 * same either way.
	 */
	int		 plain_xml;
	int		 plain_xsd;
};

/* Load DIR/oms.conf.  Does not lock. */
int	 oms_ws_open(struct oms_ws *, const char *dir, struct oms_err *);
/*
 * Take the workspace lock (DIR/.oms.lock, flock) without waiting; another
 * holder gives OMS_ELOCKED naming its pid.  Released by oms_ws_close.
 */
int	 oms_ws_lock(struct oms_ws *, struct oms_err *);
void	 oms_ws_close(struct oms_ws *);
/* DIR/rel, malloc'd; NULL on ENOMEM. */
char	*oms_ws_path(const struct oms_ws *, const char *rel);
/*
 * The pieces of a workspace that oms writes (ledger.tsv, .oms.lock,
 * outbox/, archive/) are never followed through a symbolic link:
 * oms_ws_nolink fails when DIR/rel is a link or exists as another type
 * than type (S_IFREG, S_IFDIR); a missing one is fine.  oms_ws_mkdir
 * makes DIR/rel (0700) after the same check.  oms_err_link fills err for
 * a link found at path.
 */
int	 oms_ws_nolink(const struct oms_ws *, const char *rel, int type,
	    struct oms_err *);
int	 oms_ws_mkdir(const struct oms_ws *, const char *rel, struct oms_err *);
int	 oms_err_link(struct oms_err *, const char *path);
/*
 * Find a reference or schema file: DIR/<sub>/<name> when it exists, else
 * <fallback>/<name>.  Returns a malloc'd path or NULL on ENOMEM.
 */
char	*oms_ws_find(const struct oms_ws *, const char *sub, const char *name,
	    const char *fallback);

/* -------------------------------------------------------------- ledger */

/*
 * ledger.tsv (oms-ledger(5)): one header line, then one event a line with
 * the columns below.  Events are appended in blocks; the last line of every
 * block is a "commit" event, and only committed blocks count.  What follows
 * the last commit (a block torn by a crash) is ignored when reading and cut
 * off before the next append.
 */
enum oms_lcol {
	OMS_L_TIME, OMS_L_EVENT, OMS_L_ACCOUNT, OMS_L_REGISTRY, OMS_L_PERIOD,
	OMS_L_KIND, OMS_L_PAYER, OMS_L_PR_NOV, OMS_L_N_ZAP, OMS_L_IDCASE,
	OMS_L_SUM, OMS_L_FILE, OMS_L_DATA, OMS_L_NCOL
};

/*
 * The events the ledger knows (oms-ledger(5)), so that readers switch on
 * a type instead of comparing names.  OMS_EV_UNKNOWN is one of a later
 * version: it is kept in the file and skipped by the fold.
 */
enum oms_event_type {
	OMS_EV_UNKNOWN, OMS_EV_REGISTRY, OMS_EV_EXPORT, OMS_EV_DECISION,
	OMS_EV_IMPORT, OMS_EV_QUEUE, OMS_EV_FIX, OMS_EV_UNFIX, OMS_EV_RESTORE,
	OMS_EV_WITHHOLD, OMS_EV_INVOICE, OMS_EV_COMMIT, OMS_EV_NTYPES
};

/* "registry", "export" ... as in the event column; "" for unknown. */
const char *oms_event_name(int);
/* The type of an event column's value; OMS_EV_UNKNOWN when none. */
int	 oms_event_parse(const char *);

/*
 * One committed event line as readers of the ledger get it.  Borrowed:
 * valid only during the callback it is given to.
 */
struct oms_event {
	int		 type;		/* enum oms_event_type */
	unsigned long	 lineno;	/* in the ledger file */
	const char *const *f;		/* f[OMS_L_NCOL], the line's fields
					   unescaped (f[OMS_L_EVENT] the name) */
};

enum oms_state {
	OMS_ST_NEW, OMS_ST_INFLIGHT, OMS_ST_ACCEPTED, OMS_ST_PARTIAL,
	OMS_ST_REJECTED, OMS_ST_QUEUED, OMS_ST_NSTATES
};

enum oms_stage { OMS_STAGE_NONE, OMS_STAGE_FLK, OMS_STAGE_CONTROL,
	OMS_STAGE_DEMAND };

/*
 * An account, or one of its claims, as the fold has it: a view made on
 * demand from the fold's compact record (64 bytes an account).  Its
 * strings live as long as the ledger; the struct itself is borrowed, and
 * says what the fold held when it was made: from oms_ledger_acct and
 * oms_ledger_claim, valid until 31 more calls of either (the ledger
 * hands out 32 in turn); in a foreach callback, during the call.
 */
struct oms_acct {
	const char	*id;
	int		 state;		/* enum oms_state */
	int		 reg;		/* last registry carrying it, or -1 */
	int		 pr_nov;	/* of the last export */
	unsigned	 nexports;
	int64_t		 sum;		/* claimed in the last export */
	/* what the last export said of it ("" when an old ledger did not) */
	int		 period;	/* the registry's period */
	/* the last decision on the last registry (stage NONE: none yet) */
	int		 stage;		/* enum oms_stage */
	const char	*kind;		/* H, C, T, DP ... */
	const char	*payer;		/* PLAT */
	const char	*source;	/* the source document, for people */
	const char	*dept;		/* SL/PODR */
	const char	*doctor;	/* SL/IDDOKT */
	long		 case_end;	/* Z_SL/DATE_Z_2 as days, or -1 */
	int64_t		 accepted, refused;
	const char	*reasons;	/* "53,5.1.4", or "" */
	const char	*reply;		/* archive/NAME of the reply */
	const char	*dtime;		/* when it was imported */
	/* before the last export, when it went into a test registry (a
	   restore of that registry puts the account back as it was) */
	int		 prev_state, prev_reg, prev_pr_nov;
	unsigned	 nfixes;	/* fixes in force (oms_ledger_fix) */
	/* its N_ZAP (n_pp) in reg, and before the test registry; 0 when the
	   line's IDCASE was another number (then reg's map is read) */
	uint32_t	 n_zap, prev_n_zap;
	/* the fold's own: its claim in the registry before reg (an index
	   into the ledger's past claims, -1 none) */
	int32_t		 past;
	int32_t		 rdate;		/* the date its reply carries (days),
					   or -1 */
	/* what the standing decision on reg says (OMS_ST_ACCEPTED, _PARTIAL,
	   _REJECTED; OMS_ST_INFLIGHT while there is none): state may be
	   queued since */
	unsigned char	 decision;
	unsigned char	 flags;		/* OMS_CF_* */
};

struct oms_ledger;

/*
 * A claim is one account in one registry: what was sent there and the
 * decision that stands on it by the rule of oms-ledger(5) (the latest
 * stage; within a stage the reply dated later, then imported later).  An
 * account's current claim is its struct oms_acct; those of registries it
 * has left are kept as well, so that what was decided about a period's
 * registries never changes when the accounts move on.  For each claim of
 * a registry of period (-1: any) that is not a restored test registry,
 * fn(arg, c, current) gets the claim as a struct oms_acct whose reg,
 * sums, decision, stage, reasons and reply are of that registry; current
 * is 1 when the registry still carries the account.  Stops on non-zero.
 */
int	 oms_ledger_foreach_claim(const struct oms_ledger *, int period,
	    int (*fn)(void *, const struct oms_acct *, int current), void *);
/* The claim of account id in registry ri (current or left), or NULL. */
const struct oms_acct *oms_ledger_claim(const struct oms_ledger *,
	    const char *id, int ri);

/*
 * What the fold found that does not add up; reported, never resolved
 * silently (oms-ledger(5)).
 */
enum oms_contra_kind {
	OMS_CT_FLK = 1,		/* the ФЛК refused it, a later stage accepts */
	OMS_CT_SUM,		/* a reply claims another sum than was sent */
	OMS_CT_LEFT,		/* a decision on a registry it has since left */
	OMS_CT_NKINDS
};

struct oms_contra {
	int		 kind;		/* enum oms_contra_kind */
	const char	*account;
	int		 reg;		/* the registry the decision is on */
	const char	*reply;		/* archive/NAME that showed it */
	const char	*n_zap;		/* the record in that registry */
	int		 stage;		/* of that reply */
	const char	*other;		/* OMS_CT_FLK: the ФЛК's reply (or the
					   later stage's); OMS_CT_LEFT: the
					   registry the account is in now */
	int64_t		 sent, said;	/* OMS_CT_SUM: our sum, the reply's */
	const char	*time;		/* when it was imported */
	int		 other_stage;	/* OMS_CT_FLK: the stage of other */
};

/* oms_acct.flags of a claim: a ФЛК reply refused it; a later stage
   accepted it, wholly or in part (both: OMS_CT_FLK, whatever the order) */
#define OMS_CF_FLK_REFUSED	0x1
#define OMS_CF_ACCEPTED		0x2

size_t	 oms_ledger_ncontra(const struct oms_ledger *);
const struct oms_contra *oms_ledger_contra(const struct oms_ledger *,
	    size_t);
/* "flk-accepted", "sum", "left": the kind's name in TSV. */
const char *oms_contra_name(int);
/* One line saying what c is (no file or record: the caller adds them). */
int	 oms_contra_text(const struct oms_ledger *, const struct oms_contra *,
	    char *buf, size_t);

/*
 * A one-off correction of a field, in force until withdrawn.  A path is
 * at most OMS_FIX_PATH_MAX bytes and a value OMS_FIX_VALUE_MAX:
 * oms_fix_check() refuses longer ones before they are recorded (the fold
 * reads any length, as an older ledger may hold them).
 */
#define OMS_FIX_PATH_MAX	255
#define OMS_FIX_VALUE_MAX	4095
struct oms_fix {
	const char	*account;
	const char	*path;		/* "PACIENT/ENP", or "PERS/FAM" */
	const char	*value;
	const char	*time;		/* when it was recorded */
};

struct oms_reg {
	const char	*name;		/* "HM760001T76_26101" */
	const char	*archive;	/* workspace-relative path */
	int		 period;
	char		 kind[4];
	char		 payer[16];	/* "" when the registry has several */
	int		 test;
	int		 restored;	/* a test registry restored since */
	int		 package;
	size_t		 naccounts;
	int64_t		 sum;
};

struct oms_ledger;

/* Read and fold path; a missing file is an empty ledger. */
struct oms_ledger *oms_ledger_open(const char *path, struct oms_err *);
/*
 * The same, calling fn(arg, l, ev, err) for every committed event just
 * after the fold has taken it in (so the registry of an export is known,
 * and l is the fold so far): what would scan the ledger again after
 * opening it (oms_invoice_scan_event) does it in the same pass.  fn
 * returning non-zero fails the open with err as fn filled it.
 */
struct oms_ledger *oms_ledger_open_with(const char *path,
	    int (*fn)(void *, const struct oms_ledger *,
	    const struct oms_event *, struct oms_err *), void *arg,
	    struct oms_err *);
void	 oms_ledger_free(struct oms_ledger *);
/* Bytes after the last commit, ignored (a crash left them). */
size_t	 oms_ledger_torn(const struct oms_ledger *);
const struct oms_acct *oms_ledger_acct(const struct oms_ledger *,
	    const char *id);			/* NULL = never seen */
size_t	 oms_ledger_nreg(const struct oms_ledger *);
const struct oms_reg *oms_ledger_reg(const struct oms_ledger *, size_t);
int	 oms_ledger_find_reg(const struct oms_ledger *, const char *name);
int	 oms_ledger_next_package(const struct oms_ledger *, int period);
/* Calls fn for every account known to the ledger; stops on non-zero. */
int	 oms_ledger_foreach(const struct oms_ledger *,
	    int (*fn)(void *, const struct oms_acct *), void *);
const char *oms_state_name(int);
int	 oms_state_parse(const char *);		/* -1 if unknown */
const char *oms_stage_name(int);		/* "flk", "control", "demand" */
int	 oms_stage_parse(const char *);		/* -1 if unknown */
/* The fixes in force, in the order they were made. */
size_t	 oms_ledger_nfix(const struct oms_ledger *);
const struct oms_fix *oms_ledger_fix(const struct oms_ledger *, size_t);
/*
 * Call fn(arg, l, ev, err) for every committed event, in order (re-reads
 * the ledger file; l is the ledger as it was opened).  fn returning
 * non-zero stops the scan with that value.
 */
int	 oms_ledger_scan(const struct oms_ledger *,
	    int (*fn)(void *, const struct oms_ledger *,
	    const struct oms_event *, struct oms_err *), void *arg,
	    struct oms_err *);
/* The same for the events naming account. */
int	 oms_ledger_history(const struct oms_ledger *, const char *account,
	    int (*fn)(void *, const struct oms_ledger *,
	    const struct oms_event *, struct oms_err *), void *arg,
	    struct oms_err *);
/* Was a reply file with this sha256 imported?  Its import time, or NULL. */
const char *oms_ledger_imported(const struct oms_ledger *, const char *sha);
/*
 * Call fn(arg, account, n_zap, idcase) for every account exported in
 * registry: from the fold when every account of it is still there with
 * its number, else by reading the ledger file again up to the last
 * commit.  account is the ledger's own copy of the id, which stays as
 * long as the ledger is open (an importer keeps it, no copy); n_zap and
 * idcase last until fn returns.  fn returning non-zero stops with that
 * value.
 */
int	 oms_ledger_registry_map(const struct oms_ledger *, const char *registry,
	    int (*fn)(void *, const char *, const char *, const char *),
	    void *arg, struct oms_err *);

/*
 * Append "key=value" to a data field being built in b, with ";" before it
 * unless b is empty; '%', ';' and '=' in value are written as %25, %3B and
 * %3D (the ledger reads them back).
 */
int	 oms_ledger_data(struct oms_buf *b, const char *key, const char *value,
	    struct oms_err *);
/* Append one event line (f[OMS_L_NCOL], NULL = empty) to a block. */
int	 oms_ledger_line(struct oms_buf *, const char *const *f,
	    struct oms_err *);
/*
 * Append block (lines from oms_ledger_line) plus a commit line naming op,
 * write it whole, fsync, and fold it into l.  Needs the workspace lock.
 */
int	 oms_ledger_append(struct oms_ledger *, struct oms_buf *block,
	    const char *op, const char *time, struct oms_err *);
/*
 * The same in pieces, for blocks too big to hold whole: begin takes the
 * file (cutting a torn tail), flush writes what block holds and empties it
 * (nothing counts until the commit line), commit writes the rest and the
 * commit line, fsyncs and folds it all; on failure, or abort, the file is
 * cut back to where it was, and a ledger begin made (there was none) is
 * removed.
 *
 * A caller that will not look at the ledger again (a program's last
 * write) may set nofold after begin: commit then leaves the ledger in
 * memory as it was before the transaction, which saves holding what it
 * wrote (some 150 bytes an account).  A ledger so committed refuses a
 * later begin (OMS_EINTERNAL): open it again.
 */
struct oms_ledger_tx {
	struct oms_ledger *l;
	int		 fd;
	int		 created;	/* begin made the file */
	int		 nofold;
	size_t		 flushed;
};
int	 oms_ledger_begin(struct oms_ledger *, struct oms_ledger_tx *,
	    struct oms_err *);
int	 oms_ledger_flush(struct oms_ledger_tx *, struct oms_buf *block,
	    struct oms_err *);
int	 oms_ledger_commit(struct oms_ledger_tx *, struct oms_buf *block,
	    const char *op, const char *time, struct oms_err *);
void	 oms_ledger_abort(struct oms_ledger_tx *);
/* Current time as the ledger writes it: "2026-11-24T10:54:42Z". */
char	*oms_ledger_now(char *buf, size_t);

/* -------------------------------------------------------------- source */

/*
 * The MIS's files in DIR/source: XML or ZIP, any names.  A document's kind
 * comes from its content: the root element (ZL_LIST holds cases, PERS_LIST
 * persons), ZGLV/FILENAME (type letters) and ZGLV/FILENAME1 (the pairing).
 * In a yar76 workspace the root is package: a bill.xml whose every
 * personal_account is an account (kind "B"), its id the account_key
 * attribute (xkey), its payer the insurer of the patient's policy.
 */

/* Diagnostics for one input that do not stop the work. */
struct oms_diag {
	void	(*fn)(void *arg, int warning, const struct oms_err *);
	void	 *arg;
	size_t	  nerrors;	/* counted by the lib */
	size_t	  nwarnings;
};

/* A yar76 bill.xml (package/body/bill) holds cases and persons both. */
enum oms_doctype { OMS_DOC_CASES = 1, OMS_DOC_PERSONS, OMS_DOC_BILL };

struct oms_srcdoc {
	char	*path;		/* the file opened */
	char	*entry;		/* archive entry name, or NULL */
	char	*name;		/* for messages: "source/x.zip:HM1.XML" */
	int	 type;		/* enum oms_doctype */
	char	 filename[64];	/* ZGLV/FILENAME */
	char	 filename1[64];	/* ZGLV/FILENAME1 (persons) */
	char	 version[8];	/* ZGLV/VERSION */
	char	 kind[4];	/* H, C, T, DP ... (cases) */
	char	 disp[8];	/* SCHET/DISP */
	char	 ogrn_smo[16];	/* bill@ogrn_smo (yar76): the addressee */
	long	 data;		/* ZGLV/DATA as days, or -1 */
	time_t	 mtime;
	int	 pair;		/* the persons document, or -1 (bills: -1) */
	size_t	 ncases;	/* cases it holds (winning or not) */
};

/* One account's case: 72 bytes, a million of them kept by oms-select */
struct oms_case {
	const char	*account;
	const char	*id_pac;
	const char	*payer;
	const char	*dept;		/* first SL/PODR, or "" */
	const char	*doctor;	/* first SL/IDDOKT, or "" */
	int64_t		 sum;		/* Z_SL/SUMV */
	/* Z_SL/DATE_Z_1 and DATE_Z_2, days as oms_date_parse's */
	int32_t		 date_begin;
	int32_t		 date_end;
	uint32_t	 line;		/* UINT32_MAX: that or beyond */
	uint32_t	 seq;		/* its place in its document, from 0 */
	char		 kind[4];
	signed int	 doc : 31;
	unsigned int	 dup : 1;	/* twice in a document: refused */
};

struct oms_src;

/* Scan DIR/source; problems with single files go to diag. */
struct oms_src	*oms_src_scan(const struct oms_ws *, struct oms_diag *,
		    struct oms_err *);
/*
 * The same with the source index DIR/.oms.srcindex (oms(7)): with
 * OMS_SRC_INDEX, a source file whose key (name, size, modification and
 * change times to the nanosecond, inode and device, under the same
 * oms.conf, ref/F002.tsv and version of oms) is the one the index holds
 * is loaded from it instead of being read, and gives the same cases and
 * the same diagnostics; with OMS_SRC_SAVE as well, the index is written
 * again (atomically, mode 0600, without the workspace lock) when
 * anything in it changed.  A damaged or foreign index is a warning and
 * is made again.  The result never depends on the index.
 */
#define OMS_SRC_INDEX	0x1
#define OMS_SRC_SAVE	0x2
struct oms_src	*oms_src_scan_index(const struct oms_ws *, int flags,
		    struct oms_diag *, struct oms_err *);
/*
 * The same, keeping only the cases of the n accounts given (borrowed: they
 * must outlive the result, whose cases point to them): every source file
 * is read or loaded, checked and reported as by oms_src_scan_index, and
 * the index is saved whole, but oms_src_find and oms_src_case know the
 * newest version of these accounts only, so the memory the result takes
 * grows with n, not with source/.
 */
struct oms_src	*oms_src_scan_some(const struct oms_ws *, int flags,
		    const char *const *accounts, size_t n, struct oms_diag *,
		    struct oms_err *);
/* What the index did in the scan of s. */
struct oms_src_ixstat {
	size_t	 loaded;	/* source files loaded from the index */
	size_t	 read;		/* source files read */
	int	 saved;		/* the index was written */
};
void		 oms_src_ixstat(const struct oms_src *,
		    struct oms_src_ixstat *);
void		 oms_src_free(struct oms_src *);
size_t		 oms_src_ndocs(const struct oms_src *);
const struct oms_srcdoc *oms_src_doc(const struct oms_src *, size_t);
/* The newest version of every account, in document and file order. */
size_t		 oms_src_ncases(const struct oms_src *);
const struct oms_case *oms_src_case(const struct oms_src *, size_t);
const struct oms_case *oms_src_find(const struct oms_src *, const char *);
/*
 * The patients of n accounts: names[i] gets "FAM IM OT" (malloc'd, free())
 * of accounts[i]'s person, from the persons document paired with its
 * case's document, or NULL when source/ does not have it.  Reads each
 * persons document needed once.  On failure every names[i] is NULL.
 */
int		 oms_src_names(const struct oms_src *,
		    const char *const *accounts, size_t n, char **names,
		    struct oms_err *);

/* --------------------------------------------------------------- rules */

/*
 * Field rules as data (ref/rules.tsv, oms-rules(5)).  Each rule names a
 * scope (ZAP or PERS), the kinds and versions it applies to, a context path
 * in the record, a check, its target and argument, an optional condition
 * and a message.  The checks are implemented here; the table says where.
 */
struct oms_rules;

/*
 * Load the rule table; reference tables named by rules (ref/ksg.tsv ...)
 * are found with find(arg, name), which returns a malloc'd path.
 */
struct oms_rules *oms_rules_load(const char *path,
		    char *(*find)(void *, const char *), void *arg,
		    struct oms_err *);
void		 oms_rules_free(struct oms_rules *);
size_t		 oms_rules_count(const struct oms_rules *);
/*
 * Change the severity of every rule with this id: "error", "warning" or
 * "off" (oms.conf "rule.ID = off").  An unknown id or value is OMS_EDATA.
 */
int		 oms_rules_set(struct oms_rules *, const char *id,
		    const char *severity, struct oms_err *);
/*
 * The reference tables rules name that are missing (no such file in the
 * workspace's ref/ nor the installed one): their rules are not in force.
 * oms_rules_missing(rs, i) is the i-th table's name (valid until
 * oms_rules_free), NULL past the last; oms_rules_dead counts the rules
 * left out for it.
 */
size_t		 oms_rules_nmissing(const struct oms_rules *);
const char	*oms_rules_missing(const struct oms_rules *, size_t);
size_t		 oms_rules_dead(const struct oms_rules *);

/* -------------------------------------------------------------- export */

struct oms_export_opts {
	int		 period;
	int		 test;		/* a test registry */
	int		 check_only;	/* -n: check, write nothing */
	int		 skip_invalid;	/* leave bad accounts out */
	long		 date;		/* DSCHET and ZGLV/DATA (days) */
	const char	*xsddir;	/* where schemas are, after DIR/xsd */
	const char	*refdir;	/* where ref tables are, after DIR/ref */
	/* the caller does not look at the ledger after the export: what it
	   records is not folded into it (struct oms_ledger_tx, nofold) */
	int		 last_use;
};

struct oms_export_reg {
	char		 name[64];	/* FILENAME of the main file */
	char		 archive[320];	/* workspace-relative */
	char		 kind[4];
	char		 payer[16];	/* "" when several */
	char		 version[8];
	int		 package;
	size_t		 naccounts;
	int64_t		 sum;
};

struct oms_export_res {
	struct oms_export_reg *reg;
	size_t		 nreg;
	size_t		 nbad;		/* accounts refused */
	char		**bad;		/* their ids (skip_invalid) */
	/* reference tables the rules name that are missing, and the rules
	   not in force for it (oms_rules_missing); set even on failure */
	char		**missing;
	size_t		 nmissing;
	size_t		 ndead;
};

/*
 * Build the registries of the accounts given, check every account (schema,
 * rules, the persons file), and unless check_only write the archives to
 * DIR/outbox atomically and record them in the ledger.  Problems with
 * accounts go to diag as "file:line" + "account ID: RULE: message".
 * Returns 0 when written (or checked clean), 1 when accounts were refused
 * (nothing written unless skip_invalid), -1 on error; in each case res
 * is released with oms_export_res_release.  Needs the lock.
 */
int	 oms_export(struct oms_ws *, struct oms_ledger *, const struct oms_src *,
	    const char *const *accounts, size_t n,
	    const struct oms_export_opts *, struct oms_diag *,
	    struct oms_export_res *, struct oms_err *);
void	 oms_export_res_release(struct oms_export_res *);
/*
 * After a crash: put in place the archives the ledger records that are
 * still under temporary names (never over a file that is there), remove
 * the temporary files nothing records (DIR, DIR/outbox, DIR/archive), and
 * warn of archives in outbox/ the ledger does not record (they are left:
 * they may have been sent).  Each step is a warning to diag.  Needs the
 * lock.  oms_ws_pending reports the same without changing anything, for
 * the programs that read without the lock.
 */
int	 oms_ws_recover(struct oms_ws *, const struct oms_ledger *,
	    struct oms_diag *, struct oms_err *);
int	 oms_ws_pending(struct oms_ws *, const struct oms_ledger *,
	    struct oms_diag *, struct oms_err *);
/*
 * The table of format versions by kind and period (ref/versions.tsv,
 * oms.conf(5)) read from path and checked; NULL with err filled
 * (file:line).  Free it with oms_ref_free.
 */
struct oms_ref;
struct oms_ref	*oms_versions_load(const char *path, struct oms_err *);
/*
 * The edition of kind (H, C, T, DP ..., L) for a period: its version
 * (ZGLV/VERSION) and the schema that checks it, xsd/SCHEMA.xsd.  The
 * version is oms.conf version.KIND (version.D for every D kind), else the
 * table's (NULL: none) row of kind with the latest from not after period,
 * failing that, for a D kind, such a row of D*.  The schema is the
 * schema column of that row, or with a version from oms.conf, of the
 * row of that version the table gives for the period (else its first),
 * and K-V (K the kind's letter) when the row has none or there is no
 * row.  0, or -1 when no version is found.
 */
struct oms_edition {
	const char	*version;	/* borrowed from c or the table */
	char		 schema[48];	/* "D-3.1-2019-01", "H-5.1" */
};
int	 oms_edition_for(const struct oms_conf *, const struct oms_ref *,
	    const char *kind, int period, struct oms_edition *);
/* The version alone (oms_edition_for); NULL when none. */
const char *oms_version_for(const struct oms_conf *, const struct oms_ref *,
	    const char *kind, int period);

/* -------------------------------------------------------------- import */

/* One decision read from a reply. */
struct oms_decision {
	const char	*account;
	const char	*n_zap;
	int		 stage;		/* enum oms_stage */
	int		 decision;	/* OMS_ST_ACCEPTED, _PARTIAL, _REJECTED */
	int64_t		 claimed, accepted, refused;
	const char	*reasons;	/* comma-separated codes, or "" */
};

struct oms_import_res {
	char		 reply[320];	/* archive/NAME as kept */
	char		 registry[64];	/* the registry it answers */
	int		 stage;
	int		 already;	/* imported before: nothing changed */
	char		 when[32];	/* ... at this time */
	/* what this reply showed that does not add up: the ledger's
	   oms_ledger_contra(l, contra0 + i) for i < ncontra */
	size_t		 contra0, ncontra;
	/* elements the reader did not know where no refusal can stand (the
	   headers): "file:line: <X> in <Y> not read" lines, the first 20 of
	   nunknown, or NULL */
	char		*unknown;
	size_t		 nunknown;
	struct oms_decision *d;
	size_t		 n;
	char		*strs;		/* d's strings, one block */
};

/*
 * Import one reply file (ZIP or XML): recognise it by its name (oms.conf
 * pattern.flk, pattern.control, pattern.demand) and its root element,
 * check that it is addressed to this МО and answers a registry the ledger
 * holds, map its records back through the ledger, keep the file in
 * DIR/archive/ and record the decisions.  A file imported before (same
 * SHA-256) changes nothing (res->already).  Returns 0, or -1 with err
 * filled and nothing changed.  Needs the workspace lock.
 */
int	 oms_import(struct oms_ws *, struct oms_ledger *, const char *path,
	    struct oms_import_res *, struct oms_err *);
/*
 * The same, but the decisions are not kept in res->d (NULL): once they
 * are in the ledger, fn(arg, res, d, err) is called with each in turn,
 * in the order oms_import would give them, res->n already their number;
 * d and its strings last until fn returns.  A reply of a million records
 * is so never held twice.  fn returning -1 (with err) ends the calls,
 * and oms_import_each returns -1 though the reply was imported.
 */
int	 oms_import_each(struct oms_ws *, struct oms_ledger *,
	    const char *path, struct oms_import_res *,
	    int (*fn)(void *, const struct oms_import_res *,
	    const struct oms_decision *, struct oms_err *), void *arg,
	    struct oms_err *);
void	 oms_import_res_release(struct oms_import_res *);

/* ------------------------------------------------------------- requeue */

enum oms_rq_mode {
	OMS_RQ_MODE_QUEUE = 0,	/* queue refused accounts (and fix them) */
	OMS_RQ_MODE_WITHDRAW	/* withdraw the fixes of path[] */
};

enum oms_rq_action {
	OMS_RQ_QUEUED = 1, OMS_RQ_FIXED, OMS_RQ_WITHDRAWN, OMS_RQ_RESTORED,
	OMS_RQ_REFUSED
};

struct oms_requeue_opts {
	int		 mode;		/* enum oms_rq_mode */
	int		 force;		/* partial, or a reason in final */
	int		 dry_run;	/* check, record nothing */
	char *const	*final;		/* reasons sending again cannot cure,
					   NULL-terminated, or NULL */
	const char *const *path;	/* fixes: "PACIENT/ENP", "PERS/FAM" */
	const char *const *value;
	size_t		 nfix;
};

/* What happened to one account (or why not). */
struct oms_rq_item {
	char	*account;
	int	 action;		/* enum oms_rq_action */
	char	*registry;		/* that refused it, or was restored */
	char	*reasons;		/* of that registry's last reply */
	char	*detail;		/* the fix's path, the state, or why */
};

struct oms_rq_res {
	struct oms_rq_item *v;
	size_t		  n;
	size_t		  nrefused;	/* items with OMS_RQ_REFUSED */
};

/*
 * Queue the refused accounts acc[0..n) for the next registry as repeated
 * ones, recording o->path/value fixes with each (an account queued, or
 * new again after its test registry was restored, takes a fix without
 * being queued); or withdraw fixes.  What cannot be queued (accepted, in
 * flight, queued, unknown, refused by a test registry; partial or refused
 * for a final reason without force) is an OMS_RQ_REFUSED item, and the
 * others go ahead; so is a fix that oms_export() would not make (an
 * account never sent: its case is corrected in source/).  One ledger
 * block; needs the workspace lock.  -1 only for errors (a fix that
 * oms_fix_check() refuses, I/O).
 */
int	 oms_requeue(struct oms_ledger *, const char *const *acc, size_t n,
	    const struct oms_requeue_opts *, struct oms_rq_res *,
	    struct oms_err *);
/*
 * Restore every test registry of period not restored yet: their accounts
 * become what they were before (new, or queued), and what the replies to
 * them said no longer counts; the ledger keeps it all.  An OMS_RQ_RESTORED
 * item per account.  No such registry is OMS_EDATA.
 */
int	 oms_restore_test(struct oms_ledger *, int period, int dry_run,
	    struct oms_rq_res *, struct oms_err *);
void	 oms_rq_res_release(struct oms_rq_res *);
const char *oms_rq_action_name(int);
/* 1 when p is "A/B/C" of upper-case names, with an optional "PERS/". */
int	 oms_fix_path_valid(const char *p);
/*
 * 0 when a fix of path to value can be recorded and made by the export:
 * a valid path of at most OMS_FIX_PATH_MAX bytes that the export does not
 * number itself (N_ZAP, PR_NOV, Z_SL/IDCASE), and a value of at most
 * OMS_FIX_VALUE_MAX bytes of UTF-8 text an XML element can hold; else -1
 * and OMS_EDATA saying why.
 */
int	 oms_fix_check(const char *path, const char *value,
	    struct oms_err *);
/* The value of key in a ledger data field, %XX decoded; 1 found, 0 not. */
int	 oms_ledger_data_get(const char *data, const char *key, char *out,
	    size_t outlen);

/* ------------------------------------------------------------- invoice */

/* A sum the fund's notice tells the МО to withhold from a payer. */
struct oms_withhold {
	char		 payer[16];
	char		 kind[32];	/* ckdl, petct, or another word */
	int64_t		 amount;	/* kopecks, >= 0 */
	unsigned long	 line;		/* in the withholdings file */
};

/* What one payer owes for the period. */
struct oms_payer_sum {
	char		 payer[16];
	size_t		 accounts;	/* sent to it in main registries */
	size_t		 nrefused;	/* refused wholly or partly */
	int64_t		 claimed, refused, withheld, to_pay;
	char		 number[32];	/* the invoice issued, or "" */
	char		 date[11];	/* its date, YYYY-MM-DD */
	int64_t		 issued;	/* to_pay when it was issued */
};

struct oms_invoice {
	int		 period;
	struct oms_payer_sum *p;	/* by payer code */
	size_t		 n;
	struct oms_withhold *w;		/* the withholdings in force */
	size_t		 nw;
	int		 w_recorded;	/* they came from the ledger */
	int		 next_seq;	/* of the next invoice number */
};

/*
 * The sums of period per payer, from every account sent in the period's
 * main registries (claimed) and the decision that stands on each there
 * (refused, with partial refusals; oms_ledger_foreach_claim), less the
 * withholdings recorded last for the period.  Exact to the kopeck.  The
 * withholdings and invoices are taken as the ledger is read, the claims
 * at the end: oms_invoice_scan_new, then oms_ledger_open_with with
 * oms_invoice_scan_event as its fn (arg the scan), then
 * oms_invoice_scan_end, which fills inv (release it with
 * oms_invoice_release) and frees the scan; free the scan instead when
 * the open failed.
 */
void	 oms_invoice_release(struct oms_invoice *);
struct oms_invoice_scan;
struct oms_invoice_scan *oms_invoice_scan_new(int period, struct oms_err *);
int	 oms_invoice_scan_event(void *scan, const struct oms_ledger *,
	    const struct oms_event *, struct oms_err *);
int	 oms_invoice_scan_end(struct oms_invoice_scan *, struct oms_invoice *,
	    struct oms_err *);
void	 oms_invoice_scan_free(struct oms_invoice_scan *);
/*
 * Read withholdings: TSV with the columns payer, kind and amount.  A
 * payer without a main registry of the period, a kind that is not a word,
 * an amount that is not a sum, or a payer and kind given twice is
 * OMS_EDATA naming the line.  *out is malloc'd.
 */
int	 oms_withhold_read(FILE *, const char *name, const struct oms_invoice *,
	    struct oms_withhold **out, size_t *nout, struct oms_err *);
/*
 * Make w (taken over) the withholdings of the period, replacing those
 * recorded before, and record them in the ledger unless dry_run.
 */
int	 oms_invoice_withhold(struct oms_ledger *, struct oms_invoice *,
	    struct oms_withhold *w, size_t nw, const char *file, int dry_run,
	    struct oms_err *);
/*
 * Give every payer with something to pay and no invoice of the period
 * the next number (prefix + sequence) and date, and record them unless
 * dry_run; an invoice issued before keeps its number and date.
 */
int	 oms_invoice_issue(struct oms_ledger *, struct oms_invoice *,
	    const char *prefix, long date, int dry_run, struct oms_err *);

/* ------------------------------------------------------------- reasons */

/*
 * The texts of refusal codes, from reference tables in the oms TSV
 * dialect: F014 ("code osn name from to", the МЭК/МЭЭ/ЭКМП reasons that
 * S_OSN names), Q015 ("code name", the federal ФЛК checks that OSHIB
 * names) and the rule table (ref/rules.tsv: "id" and "message").  Any
 * path may be NULL when the table is absent.
 */
struct oms_reasons;

struct oms_reasons *oms_reasons_load(const char *f014, const char *q015,
		    const char *rules, struct oms_err *);
void		 oms_reasons_free(struct oms_reasons *);
/*
 * The text of code as a reply of stage gave it: ФЛК codes are looked for
 * in Q015, the rules, then F014; others in F014 first.  A code none has
 * is looked for among F014's Osn ("5.1.3", as yar76 replies name their
 * defects), then without its last part ("5.1.4.01" as "5.1.4").  Of several rows
 * the one valid on day (days, -1 = any) wins, else the one valid last.
 * *osn (may be NULL) gets F014's Osn or "".  NULL when no table has it.
 * The strings live as long as the table.
 */
const char	*oms_reasons_text(const struct oms_reasons *, int stage,
		    const char *code, long day, const char **osn);

/* ------------------------------------------------------------------ ref */

/*
 * A reference table (ref/F002.tsv ...) in the oms TSV dialect, read whole
 * from fp (borrowed; name is used in messages).  cols[0] is the code; the
 * first nreq of cols must be in the header (else OMS_EDATA: no column
 * "X", at name:1), the others may be missing, their fields then "".
 * A code given again replaces its earlier row.  NULL with err filled.
 */
struct oms_ref;

struct oms_ref	*oms_ref_read(FILE *, const char *name,
		    const char *const *cols, size_t ncols, size_t nreq,
		    struct oms_err *);
/* The fields of code's row in the order of cols, or NULL (also for a NULL
   table); they live as long as the table. */
const char *const *oms_ref_get(const struct oms_ref *, const char *code);
void		 oms_ref_free(struct oms_ref *);	/* NULL is fine */

/* ----------------------------------------------------------------- nsi */

/*
 * Convert an NSI packet into TSV appended to out, header line first (the
 * layouts and columns: oms-nsi(1), oms_nsi_list).  A <packet> of <zap>
 * records (the catalogs of nsi.ffoms.ru: F014, Q015/Q016, the V-, F- and
 * N-tables), of <insCompany> records (F002, the insurers' register, as
 * nsi.ffoms.ru and since 2024 ЕРСМО give it), or a <book> of
 * entries/entry (M001, ICD-10); windows-1251 or UTF-8, read one record
 * at a time.  The first record decides the catalog: a record element or
 * key oms-nsi does not know is refused, never guessed.  Element names
 * match in any case; dates DD.MM.YYYY or YYYY-MM-DD become YYYY-MM-DD;
 * texts are trimmed and each run of white space becomes one space.  name
 * is used in messages; *info (may be NULL) gets the number of records
 * written and the catalog ("V009", static).  Returns 0, or -1 with err
 * filled (OMS_EDATA "file:line" for a bad packet, OMS_EIO when it cannot
 * be read) and out as it was before the call.
 */
struct oms_nsi_info {
	size_t		 nrows;
	const char	*catalog;
};

int	 oms_nsi_convert(const char *path, const char *name,
	    struct oms_buf *out, struct oms_nsi_info *info,
	    struct oms_err *err);
/* The catalogs known, as TSV: catalog, records, key, columns. */
int	 oms_nsi_list(struct oms_buf *out, struct oms_err *err);

/*
 * The insurers' register ref/F002.tsv as oms-nsi writes it (code name
 * short inn kpp ogrn address post_address okato from to), or an older
 * one with only some of these: code and name are required, a missing
 * column is "" (dates: open).  A code may have several rows, one per
 * period of validity.  Read whole from fp (borrowed); NULL with err
 * filled.  Free with oms_ref_free.
 */
struct oms_insurer {
	const char	*code, *name, *inn, *kpp, *ogrn, *address;
	long		 from, to;	/* days, -1 open */
};

struct oms_ref	*oms_insurers_read(FILE *, const char *name,
		    struct oms_err *);
/*
 * The row of code valid on day: 1 and *ins filled; 2 when code has rows
 * but none valid on day (*ins: the one valid last); 0 when code has no
 * row.  The strings live as long as the table.
 */
int		 oms_insurer_find(const struct oms_ref *, const char *code,
		    long day, struct oms_insurer *);

#endif /* OMS_H */
