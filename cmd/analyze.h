/*
 * analyze.h -- what oms-analyze hands to its report writers
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

#endif /* ANALYZE_H */
