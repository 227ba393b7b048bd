/*
 * cli.h -- helpers shared by the oms programs (never by the library)
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

#include "oms.h"

enum {
	OMS_EXIT_OK = 0,
	OMS_EXIT_NEGATIVE = 1,	/* invalid input, refused, nothing found */
	OMS_EXIT_USAGE = 2,
	OMS_EXIT_IO = 3,	/* I/O, system, workspace locked */
	OMS_EXIT_INTERNAL = 4
};

struct cli {
	int	 quiet;
	int	 verbose;
	int	 rval;		/* worst exit status so far */
};

extern struct cli cli;

/* The exit status for a library error code. */
int	 cli_exit_for(int code);
/* warnx the error and raise cli.rval; returns the exit status. */
int	 cli_report(const struct oms_err *);
/* A struct oms_diag that prints "where: msg" (warnings unless -q). */
void	 cli_diag_init(struct oms_diag *);
/* -C, else $OMS_DIR, else "." */
const char *cli_workspace(const char *opt);
/* oms_xml_init, and libxml2's stray errors said with our name and file */
void	 cli_xml_init(void);
/* 0 (said on stderr) when id holds a control character; opt names it */
int	 cli_account_ok(const char *opt, const char *id);
/*
 * Open the workspace (-C, $OMS_DIR, .), take its lock when lock is set, and
 * read its ledger.  Reports and exits on failure.
 */
struct oms_ledger *cli_open(struct oms_ws *, const char *dir, int lock);
/* The same, with fn called for every event as it is folded. */
struct oms_ledger *cli_open_with(struct oms_ws *, const char *dir, int lock,
	    int (*fn)(void *, const struct oms_ledger *,
	    const struct oms_event *, struct oms_err *), void *arg);
/*
 * Finish or undo what an interrupted run left (oms_ws_recover); every
 * program that writes calls it once it holds the lock.
 */
void	 cli_recover(struct oms_ws *, struct oms_ledger *);
/*
 * Scan source/ through the source index (.oms.srcindex, written again
 * when save and anything changed); OMS_SRCINDEX=0 bypasses it,
 * OMS_SRCINDEX=stat says on stderr what it did.  NULL with e filled.
 * The _some form keeps the n accounts' cases only (oms_src_scan_some).
 */
struct oms_src *cli_src_scan(const struct oms_ws *, int save,
	    struct oms_diag *, struct oms_err *e);
struct oms_src *cli_src_scan_some(const struct oms_ws *, int save,
	    const char *const *accounts, size_t n, struct oms_diag *,
	    struct oms_err *e);
/* where schemas and reference tables are: $OMS_XSDDIR (OMS_REFDIR), else
   the build tree the program runs from, else where make install put them */
const char *cli_xsddir(void);
const char *cli_refdir(void);
/* The registry date: --date, else $SOURCE_DATE_EPOCH, else today (UTC). */
int	 cli_today(const char *opt, long *days);
void	*xmalloc(size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
/* Write buf to stdout; exit 3 on a write error. */
void	 cli_out(struct oms_buf *);
/* Flush stdout and exit 3 if anything failed to be written. */
void	 cli_close_stdout(void);
/* A progress line on stderr when it is a terminal (not with -q). */
void	 cli_progress_init(struct oms_ws *);
void	 cli_progress_clear(void);
/* -V */
void	 cli_version(const char *prog) __attribute__((__noreturn__));

#endif /* CLI_H */
