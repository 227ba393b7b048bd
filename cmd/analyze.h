/*
 * analyze.h -- what the files of oms-analyze share: its state, the rows
 * and summary lines it gathers, and what it hands to its report writers.
 * The layers, each calling only those below it: oms-analyze.c (main, the
 * ledger read), analyze-out.c (TSV, CSV, HTML), analyze-group.c (the
 * summary lines and lists), analyze-rows.c (rows, strings, refusal texts,
 * decisions files); report-html.c writes the HTML page.
 */
#ifndef ANALYZE_H
#define ANALYZE_H

#include <stdint.h>
#include <stdio.h>

#include "oms.h"

/* One account as the reports see it. */
struct arow {
	const char	*account;
	const char	*registry;	/* the registry that carries it */
	const char	*reply;		/* archive/NAME of the last reply */
	const char	*stage;		/* "flk", "control", "demand", "" */
	const char	*decision;	/* "accepted", "partial", "rejected" */
	int		 state;		/* enum oms_state */
	int64_t		 claimed, accepted, refused;	/* kopecks */
	const char	*reasons;	/* "202,205" as the reply gave them */
	char		*text;		/* "202 Некорректное ...; 205 ..." */
	char		 period[8];	/* "2026-10" or "" */
	const char	*kind, *payer, *dept, *doctor, *source;
	char		 case_end[11];	/* "2026-10-17" or "" */
	char		*patient;	/* "FAM IM OT" with --names, else NULL */
	int		 test;		/* carried by a test registry */
	size_t		 seq;		/* input order (oms-analyze's own) */
};

/* One line of the summary: accounts grouped by one property. */
struct agroup {
	const char	*by;		/* "total", "state", "stage", "reason",
					   "payer", "kind", "dept", "doctor" */
	char		*key;		/* "" when the accounts do not say */
	char		*name;		/* reason text, or "" */
	size_t		 accounts;
	int64_t		 claimed, refused;
};

struct report {
	const char	*mo;		/* the МО's code, or "" */
	const char	*period;	/* "2026-10", or "" for every period */
	const char	*generated;	/* "2026-11-24T10:54:42Z" */
	/* by "total", "state", "stage", "reason", "payer", "kind", "dept",
	   "doctor" in this order; within one "by" the largest refused
	   sum first */
	struct agroup	*g;
	size_t		 ng;
	/* the refused accounts not yet resubmitted, in print order */
	struct arow	**rej;
	size_t		 nrej;
	int		 names;		/* show patients */
};

/*
 * Write the report as one HTML page (UTF-8, Russian, inline CSS and SVG,
 * no scripts, nothing fetched) to fp.  Returns 0, or -1 with err filled.
 */
int	 html_report(FILE *fp, const struct report *, struct oms_err *);

/* ------------------------------------------------ oms-analyze's state */

enum { SCOPE_ALL, SCOPE_MAIN, SCOPE_TEST };

/* Strings read from a decisions TSV live until the program ends. */
struct strpool {
	char	**s;
	size_t	  n, cap;
};

struct analyze {
	struct oms_ws		 ws;
	int			 have_ws;
	struct oms_ledger	*ledger;
	struct oms_reasons	*reasons;
	int			 period;	/* -p, or -1 */
	int			 scope;		/* --main, --test */
	int			 rejected;	/* -r */
	int			 partial;	/* --partial */
	int			 names;		/* --names */
	int			 exitrefused;	/* -e */
	const char		*html;		/* --html */
	const char		*csv;		/* --csv-excel */
	struct arow		*row;
	size_t			 nrow, rowcap;
	/* the accounts of the ledger that were not refused: only summed */
	struct agroup		 pre_all, pre_st[OMS_ST_NSTATES];
	struct agroup		*pre_payer;	/* every claim, by payer */
	size_t			 npre_payer;
	struct strpool	*strs;
	struct agroup		*g;
	size_t			 ng, gcap;
	struct arow		**list;		/* what -r prints */
	size_t			 nlist;
	struct arow		**refused;	/* rejected or partial */
	size_t			 nrefused;
	int			 notables;	/* no reference table found */
	char			**warned;	/* unknown codes warned about */
	size_t			 nwarned;
	struct oms_buf		 out;
};

/* analyze-rows.c: rows, summary lines, kept strings, refusal texts */
int		 is_refused(const struct arow *);
const char	*keep(struct analyze *, const char *);
struct arow	*new_row(struct analyze *);
struct agroup	*new_group(struct analyze *, const char *by, const char *key,
		    const char *name);
const char	*code_text(struct analyze *, const struct arow *,
		    const char *code, const char **osn);
void		 row_text(struct analyze *, struct arow *);
/* the decisions TSV files of argv, as rows (the last line of each
   account); exits after reporting a bad one */
void		 read_files(struct analyze *, char **argv);

/* analyze-group.c: the summary lines and what -r lists */
/* the place of a "by" in the summary; past the last for an unknown one */
size_t		 by_rank(const char *by);
/*
 * Sum the rows into *all and st[] (from the ledger's pre-sums) and add a
 * summary line per reason, stage, payer, kind, department and doctor of
 * the refused ones; group_finish adds total and state lines from *all
 * and st[] and puts every line in print order.
 */
void		 group_refused(struct analyze *, struct agroup *all,
		    struct agroup *st);
void		 group_finish(struct analyze *, const struct agroup *all,
		    const struct agroup *st);
/* the refused rows, with their texts, and what -r prints, sorted */
void		 lists(struct analyze *);

/* analyze-out.c: the TSV on stdout unless --html or --csv-excel take it,
   then the HTML and CSV files */
void		 write_outputs(struct analyze *);

#endif /* ANALYZE_H */
