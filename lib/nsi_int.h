/*
 * nsi_int.h -- what the files of the NSI packet reader share: the
 * layouts of the catalogs (nsi_cat.c) read by one reader (nsi.c)
 *
 * A layout says where a catalog's records are (the root element and
 * the record element), how its first record is recognised, and which
 * TSV column takes which element of a record.  Most catalogs of the fund
 * share one layout (a code, a name, DATEBEG and DATEEND, sometimes a
 * second key): they are rows of nsi_cats[], one line each; the few that
 * differ (F002, F014, Q015/Q016, O002, N021, M001, M002) have their
 * columns spelled out.
 */
#ifndef NSI_INT_H
#define NSI_INT_H

#include <stddef.h>

#define NSI_MAXEL	4	/* elements one column may come from */
#define NSI_MAXCOL	12	/* columns of one table */
#define NSI_MAXEXTRA	5	/* extra columns of a common catalog */

enum {
	NSI_TEXT,		/* the first non-empty of el[] */
	NSI_CODE,		/* the same, required: the record's code */
	NSI_NUM,		/* a code that is a number */
	NSI_DIGITS,		/* digits or empty (INN, KPP, OGRN) */
	NSI_DATE,		/* DD.MM.YYYY or YYYY-MM-DD, written ISO */
	NSI_JOIN,		/* every non-empty of el[], joined by ", " */
	NSI_CONCAT		/* every el[], digits, glued; len digits in all */
};

enum { NSI_PACKET, NSI_BOOK };	/* <packet>/<zap>, <book>/<entries>/<entry> */

struct nsi_col {
	const char	*title;			/* TSV header */
	const char	*el[NSI_MAXEL];		/* paths under the record */
	int		 kind;			/* NSI_* */
	int		 req;			/* a record must have it */
	size_t		 len;			/* NSI_CONCAT: digits in all */
};

struct nsi_layout {
	const char		*name;		/* "F002"; what -d names the file */
	const char		*desc;		/* for messages: "smocod (F002)" */
	int			 root;		/* NSI_PACKET or NSI_BOOK */
	const char		*record;	/* "zap", "insCompany", "entry" */
	const char		*key[2];	/* a first record has both */
	const char		*alt;		/* ... or key[0] and this */
	const struct nsi_col	*cols;
	size_t			 ncols;
};

/*
 * A catalog of the common layout: packet/zap records, columns code (the
 * key element), name (the first of names present), from (DATEBEG,
 * required) and to (DATEEND), then the extra columns.
 */
struct nsi_cat {
	const char	*name;			/* "V009" */
	const char	*key;			/* "IDRMP" */
	const char	*also;			/* ... and this one, or NULL */
	const char	*names[NSI_MAXEL];	/* "RMPNAME" */
	struct {
		const char	*title;		/* "usl_ok" */
		const char	*el;		/* "DL_USLOV" */
	}		 extra[NSI_MAXEXTRA];
};

extern const struct nsi_layout	nsi_layouts[];	/* the special ones */
extern const size_t		nsi_nlayouts;
extern const struct nsi_cat	nsi_cats[];	/* the common ones */
extern const size_t		nsi_ncats;

#endif /* NSI_INT_H */
