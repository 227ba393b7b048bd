/*
 * reftab.h -- reference tables (the TSV files of ref/) for the files of
 * lib/: the lib-private side of oms_ref_* (reftab.c)
 *
 * A table is read whole once; its rows are looked up by code (its first
 * column), by code and day, or by a second column, and iterated in file
 * order.  The readers that use it (rules.c, reasons.c, the insurers of
 * oms-invoice) worded their messages differently before there was one
 * reader, and the tests and people's scripts match those words: a spec
 * keeps each reader's wording.
 */
#ifndef REFTAB_H
#define REFTAB_H

#include <stdio.h>

#include "oms.h"

/* What a code given again on a later row does */
enum {
	OMSI_REF_ALL,		/* every row is kept, for oms_ref_find by day */
	OMSI_REF_FIRST,		/* the later row is left out */
	OMSI_REF_LAST,		/* the later row replaces the earlier */
	OMSI_REF_ONCE		/* an error: code "X" twice, file:line */
};

struct omsi_refspec {
	const char *const *cols;	/* cols[0] is the code */
	size_t		 ncols;
	size_t		 nreq;		/* the first nreq must be in the header */
	/* validity days (YYYY-MM-DD, "" open), or NULL when it has none */
	const char	*from, *to;
	const char	*alt;		/* a column also looked up by, or NULL */
	int		 dup;		/* OMSI_REF_* */
	int		 skip_empty;	/* rows without a code are left out */
	/* the reader's wording: */
	const char	*open_what;	/* "PATH: <open_what>: strerror" */
	const char	*nocol;		/* whole message; NULL: no column "X" */
	const char	*baddate;	/* NULL: a validity date is not ... */
	int		 nomem_file;	/* out of memory names the file */
};

struct omsi_refrow {
	long		 from, to;	/* days; -1 = open */
	size_t		 next;		/* 1 + the next row of its code, or 0 */
	size_t		 anext;		/* the same by the alt column */
};

/* Open path and read it (omsi_ref_read); NULL with err filled. */
struct oms_ref	*omsi_ref_load(const char *path, const struct omsi_refspec *,
		    struct oms_err *);
/* Read from fp (borrowed), named name in messages. */
struct oms_ref	*omsi_ref_read(FILE *, const char *name,
		    const struct omsi_refspec *, struct oms_err *);
size_t		 omsi_ref_count(const struct oms_ref *);
/* Row i (file order, 0 ...) and its fields in the order of spec->cols,
   "" for a column the header lacks; valid until oms_ref_free. */
const struct omsi_refrow *omsi_ref_row(const struct oms_ref *, size_t);
const char *const *omsi_ref_fields(const struct oms_ref *, size_t);
/* 1 and *row the (first) row of code, or 0 */
int		 omsi_ref_get(const struct oms_ref *, const char *code,
		    size_t *row);
/*
 * 1 and *row the row of code (of the alt column when alt) valid on day;
 * failing that, or with day -1, the row valid last (an open one before a
 * closed one, of equals the first); 0 when the code has no row.
 */
int		 omsi_ref_find(const struct oms_ref *, int alt,
		    const char *code, long day, size_t *row);

#endif /* REFTAB_H */
