/*
 * export_int.h -- the state of one export, shared by the profiles' writers
 *
 * export.c drives an export (the selection, the checks, the two-phase
 * commit and the ledger) and writes the ffoms registries; export_yar.c
 * writes the yar76 bill.  Both work on struct exp.
 */
#ifndef EXPORT_INT_H
#define EXPORT_INT_H

#include <stdarg.h>
#include <stdio.h>

#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "oms_int.h"

/* one selected account */
struct sel {
	const struct oms_case *c;
	int		 reg;
	int		 pr_nov;
	int		 bad;
	int		 seen;		/* copied in this build */
	unsigned long	 n_zap;
	int64_t		 sum;
};

/* a registry being built */
struct reg {
	struct oms_export_reg	 out;
	char			 lname[64];
	char			 pers_version[8];
	char			 disp[8];
	int			 kindclass;	/* 'H', 'C', 'T', 'D' */
	FILE			*hbody, *lbody;
	char			*hpath, *lpath;
	xmlTextWriterPtr	 hw, lw;
	struct omsi_hash	 need;		/* ID_PAC -> sel index */
	/* the other accounts of a person in need with PERS/ fixes */
	struct pfix { const char *idpac; size_t si; } *pfix;
	size_t			 npfix, pfix_cap;
	struct omsi_arena	 arena;
	int			*need_doc;	/* persons doc per sel */
	size_t			 npers;
	unsigned long		 nzap;
	int64_t			 sum;
	struct oms_afile	 af;
};

struct schema {
	char			*key;
	xmlSchemaPtr		 s;
	xmlSchemaValidCtxtPtr	 v;
};

struct exp {
	struct oms_ws		*ws;
	const struct oms_export_opts *o;
	const struct oms_src	*src;
	struct oms_diag		*diag;
	struct oms_rules	*rules;
	struct sel		*sel;
	size_t			 nsel;
	struct reg		*reg;
	size_t			 nreg;
	struct schema		*schemas;
	size_t			 nschemas;
	xmlCharEncodingHandlerPtr cp1251;
	/* the record being checked, for reports */
	const char		*cur_doc;
	const char		*cur_account;
	struct sel		*cur_sel;
	int			 cur_bad;
	char			 vmsg[512];
	unsigned long		 vline;
	int			 vfailed;
	int			 nproblems;
	int			 replay;	/* a rebuild: say nothing new */
	char			**inbad;	/* input accounts refused outright */
	size_t			 ninbad;
	const struct oms_ledger	*ledger;	/* its fixes */
	struct omsi_yar		*yar;		/* the yar76 writer's state */
};

struct archive;

/* Report a problem with an account: an error unless warning. */
void	 omsi_exp_vproblem(struct exp *, const char *where, unsigned long line,
	    int warning, const char *fmt, va_list)
	    __attribute__((__format__(__printf__, 5, 0)));
void	 omsi_exp_problem(struct exp *, const char *where, unsigned long line,
	    int warning, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 5, 6)));
/* A temporary file in the workspace, mode 0600; *pathp is malloc'd. */
FILE	*omsi_exp_temp(struct exp *, const char *base, char **pathp,
	    struct oms_err *);
/* A ZIP written to fp; NULL with err filled.  Finish with omsi_zip_close
   (which names the cause of a failure); free with archive_write_free. */
struct archive *omsi_zip_open(FILE *, const char *path, struct oms_err *);
int	 omsi_zip_close(struct archive *, const char *path, struct oms_err *);
/* Add an entry of head + the whole of body + tail to a ZIP being written. */
int	 omsi_zip_entry(struct archive *, const char *name, time_t mtime,
	    const char *head, size_t headlen, FILE *body, const char *tail,
	    struct oms_err *);

/* ---- the yar76 bill (export_yar.c) */
/* One registry (the bill) for the selection, named from oms.conf. */
int	 omsi_yar_plan(struct exp *, struct oms_ledger *, struct oms_err *);
/* Read the selected accounts from source/ into the spool, checking them. */
int	 omsi_yar_copy(struct exp *, struct oms_err *);
/* Write bill.xml from the spool and pack it under a temporary name. */
int	 omsi_yar_pack(struct exp *, struct reg *, struct oms_err *);
void	 omsi_yar_release(struct exp *);

#endif /* EXPORT_INT_H */
