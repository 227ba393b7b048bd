/*
 * export_int.h -- the state of one export, and a profile's writer of it
 *
 * export.c drives an export (the selection, the ledger, the two-phase
 * commit) and reaches the profile's writer only through its struct
 * omsi_export_ops (profile.h: exp).  The writers use the services of
 * export_util.c and zip.c: ffoms_export.c, ffoms_persons.c and
 * ffoms_check.c write the federal registries, yar76_export.c the yar76
 * bill.  Their tables are declared in oms_int.h, where the profiles'
 * tables (ffoms.c, yar76.c) see them.
 */
#ifndef EXPORT_INT_H
#define EXPORT_INT_H

#include <stdarg.h>
#include <stdio.h>

#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "oms_int.h"

/* one selected account: 24 bytes, one per account given (not per case
   of source/) */
struct sel {
	const struct oms_case *c;
	int64_t		 sum;
	uint32_t	 n_zap;
	signed int	 reg : 27;	/* its registry, -1 before plan */
	unsigned int	 pac : 2;	/* its ID_PAC as copied, SEL_PAC */
	unsigned int	 pr_nov : 1;
	unsigned int	 bad : 1;
	unsigned int	 seen : 1;	/* copied in this build */
};
_Static_assert(sizeof(struct sel) == 24, "struct sel grew");
/* sel.pac: no ID_PAC, the source's (c->id_pac), another (a fix's) */
enum { SEL_PAC_NONE, SEL_PAC_SRC, SEL_PAC_OWN };

/* a registry being built */
struct reg {
	struct oms_export_reg	 out;	/* its name, archive, kind ... */
	unsigned long		 nzap;	/* accounts copied, and their sum */
	int64_t			 sum;
	struct oms_afile	 af;	/* the archive, by pack */
	void			*w;	/* the writer's own (ops->release) */
};

struct exp {
	struct oms_ws		*ws;
	const struct oms_export_opts *o;
	const struct oms_src	*src;
	struct oms_diag		*diag;
	struct oms_rules	*rules;
	/*
	 * The same rules again, to check the person rules of the cases
	 * kept on a thread of their own while the persons are read (kq,
	 * then): rules_kq.c
	 */
	struct oms_rules	*krules;
	struct omsi_kq		*kq;
	FILE			*spool;		/* the rules' kept cases */
	char			*spoolbuf;	/* its stdio buffer */
	char			*spath;
	struct sel		*sel;
	size_t			 nsel;
	struct reg		*reg;
	size_t			 nreg;
	/* the record being checked, for reports */
	const char		*cur_doc;
	const char		*cur_account;
	unsigned long		 cur_line;	/* the record's, in cur_doc */
	int			 cur_bad;
	int			 nproblems;
	int			 replay;	/* a rebuild: say nothing new */
	const char		**inbad;	/* input accounts refused outright
						   (the caller's strings) */
	size_t			 ninbad;
	const struct oms_ledger	*ledger;	/* its fixes */
	void			*w;		/* the writer's own state */
	struct omsi_zpool	*zpool;		/* deflates the bodies (zip.c) */
};

/*
 * The export side of a profile.  One build is plan, copy, and (unless
 * only checking) pack for each registry; with skip_invalid a build that
 * found new bad accounts is released and made again without them.
 */
struct omsi_export_ops {
	/* NULL, or 1 when selected account s cannot go into a registry of
	   this profile at all (reported with omsi_exp_problem) */
	int	(*admit)(struct exp *, const struct sel *);
	/* Group the accounts not bad into x->reg and name them (out.name,
	   out.archive, out.package ...), setting sel[].reg. */
	int	(*plan)(struct exp *, struct oms_ledger *, struct oms_err *);
	/* Read the selected records from source/ and check them: marks
	   accounts bad, sets their sums, counts the registries' nzap, sum. */
	int	(*copy)(struct exp *, struct oms_err *);
	/* Write registry r's archive into r->af, under a temporary name. */
	int	(*pack)(struct exp *, struct reg *, struct oms_err *);
	/* 1 when pack numbers the accounts (sel[].n_zap): the ledger's
	   lines are then put together after it, not while it runs */
	int	  numbers_in_pack;
	/* Free what plan, copy and pack made (each r->w, x->w of a build);
	   not x->reg itself nor the archives. */
	void	(*release)(struct exp *);
	/* NULL, or free what lives across builds, at the end. */
	void	(*done)(struct exp *);
};

/* Report a problem with an account: an error unless warning. */
void	 omsi_exp_vproblem(struct exp *, const char *where, unsigned long line,
	    int warning, const char *fmt, va_list)
	    __attribute__((__format__(__printf__, 5, 0)));
void	 omsi_exp_problem(struct exp *, const char *where, unsigned long line,
	    int warning, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 5, 6)));
/* The selection's entry of account, or NULL when it is not selected. */
struct sel *omsi_exp_sel(struct exp *, const char *account);
/*
 * After reading source document doc (name in messages) for the sorted
 * selection: 0 when each account from sel[i] on that the scan placed in
 * doc, and is not bad, was copied (seen); else the file changed since.
 */
int	 omsi_exp_all_seen(const struct exp *, size_t i, size_t doc,
	    const char *name, struct oms_err *);
/* A temporary file in the workspace, mode 0600; *pathp is malloc'd. */
FILE	*omsi_exp_temp(struct exp *, const char *base, char **pathp,
	    struct oms_err *);
/* A registry's archive mtime: noon of the registry date. */
#define OMSI_EXP_MTIME(x)	((time_t)(x)->o->date * 86400 + 12 * 3600)

/* ---- the federal writer (ffoms_export.c, ffoms_persons.c, ffoms_check.c) */
/* its part of a registry, struct reg's w */
struct ffreg {
	char			 lname[64];	/* the persons file */
	char			 pers_version[8];
	/* the schemas of the editions, xsd/SCHEMA.xsd (oms_edition_for) */
	char			 schema[48], pers_schema[48];
	char			 disp[8];
	int			 kindclass;	/* 'H', 'C', 'T', 'D' */
	FILE			*hbody, *lbody;	/* spools, deflated */
	char			*hpath, *lpath;
	struct omsi_zbody	*hz, *lz;	/* the bodies (zip.c) */
	xmlTextWriterPtr	 hw, lw;
	/*
	 * ID_PAC -> sel index, made once the cases are copied; then
	 * OMSI_NEED_DONE once the person is written, OMSI_NEED_BAD once it
	 * is written and refused, or is in no persons file and that is an
	 * error (ffoms_persons.c)
	 */
	struct omsi_hash	 need;
	size_t			 nrefused;	/* persons OMSI_NEED_BAD */
	/* the ID_PACs a fix changed, by sel index (SEL_PAC_OWN) */
	struct ownpac { const char *idpac; size_t si; } *own;
	size_t			 nown, own_cap;
	/* the other accounts of a person in need with PERS/ fixes */
	struct pfix { const char *idpac; size_t si; } *pfix;
	size_t			 npfix, pfix_cap;
	struct omsi_arena	 arena;
};
#define FFREG(r)	((struct ffreg *)(r)->w)
#define OMSI_NEED_DONE	((size_t)-1)
#define OMSI_NEED_BAD	((size_t)-2)
/* a need value that is no sel index: the person is settled */
#define OMSI_NEED_SETTLED(v)	((v) >= OMSI_NEED_BAD)

/*
 * The ID_PAC the copied case x->sel[i] names (its source's, or the one a
 * fix gave it) in *idpac, NULL for none; next (x->nreg counters, zeroed
 * before the first call) walks each registry's list of the ones fixes
 * gave, so the cases must be asked in the order of x->sel.  0, or -1
 * with err when that list is not in step.
 */
int	 omsi_ffoms_sel_pac(const struct exp *, size_t i, size_t *next,
	    const char **idpac, struct oms_err *);

/* List the persons the copied cases need and copy them
   (ffoms_persons.c). */
int	 omsi_ffoms_copy_persons(struct exp *, struct oms_err *);
/* the persons documents of the selected cases read ahead on a thread
   (NULL: none), until _end */
struct omsi_ahead;
struct omsi_ahead *omsi_ffoms_persons_ahead(const struct exp *);
void	 omsi_ffoms_persons_ahead_end(struct omsi_ahead *);
/* Make the fixes in force for s (scope OMSI_SCOPE_ZAP or _PERS) in rec;
   a fix that cannot be made sets x->cur_bad (ffoms_check.c). */
int	 omsi_ffoms_fixes(struct exp *, const struct sel *, int scope,
	    xmlNodePtr rec, struct oms_err *);
/* 1 when the account has a fix of its person (a PERS/ path) in force */
int	 omsi_ffoms_has_pers_fix(const struct exp *, const char *account);
/*
 * The rules' link of a case and its person, which meet by registry and
 * ID_PAC: reg, a unit separator, then idpac (len bytes) as far as it
 * fits in buf of OMSI_FFOMS_LINK bytes, NUL-terminated; its length.
 */
#define OMSI_FFOMS_LINK	160
size_t	 omsi_ffoms_link(char *buf, size_t reg, const char *idpac, size_t len);
/* Check rec against its schema and the rules; problems set x->cur_bad. */
int	 omsi_ffoms_check(struct exp *, struct reg *, int scope,
	    xmlNodePtr rec, struct oms_err *);
/* Free the compiled schemas (x->w). */
void	 omsi_ffoms_schemas_free(struct exp *);
/* An element subtree through the text writer; -1 on error. */
int	 omsi_ffoms_write_node(struct exp *, xmlTextWriterPtr, xmlNodePtr);
/* Append record n to b as omsi_ffoms_write_node writes it: 0; 1 when
   only the text writer can (attributes, a character not windows-1251). */
int	 omsi_ffoms_put(struct oms_buf *, xmlNodePtr, struct oms_err *);

#endif /* EXPORT_INT_H */
