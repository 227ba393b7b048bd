/*
 * yar76_int.h -- what the yar76 writer's two files share
 *
 * yar76_export.c writes the bill (plan, copy into a spool, pack);
 * yar76_check.c holds what it checks against the template: the head's
 * values from oms.conf and the schema, xsd/yar76-VERSION.xsd.
 */
#ifndef YAR76_INT_H
#define YAR76_INT_H

#include <libxml/xmlschemas.h>

#include "export_int.h"

#define MAX_TYPES	16

/* one spooled account, by selection index */
struct yacc {
	off_t		 off;		/* its fragment in the spool */
	size_t		 len;
	size_t		 npp_at;	/* where the value of n_pp goes */
	size_t		 next;		/* the patient's next account + 1 */
	int		 spooled;
};

/* one patient of the bill */
struct ypat {
	off_t		 off;		/* the head: patient without accounts */
	size_t		 len;
	size_t		 first, last;	/* its accounts, selection index + 1 */
};

/* the totals of one type_acc */
struct ytype {
	char		 type[16];
	int64_t		 suml, sum;
};

/* the writer's state for one build, YAR(x) */
struct omsi_yar {
	FILE		*spool;
	char		*spath;
	FILE		*body;		/* bill.xml's patients, by pack */
	char		*bpath;
	off_t		 spos;
	struct yacc	*acc;
	struct ypat	*pat;
	size_t		 npat, patcap;
	struct omsi_hash bypat;		/* group key -> patient */
	struct omsi_arena arena;
	struct ytype	 types[MAX_TYPES];
	size_t		 ntypes;
	struct oms_buf	 b;		/* the fragment being made */
	int		 group;
	xmlDocPtr	 cdoc;		/* the copies checked by the schema */
	xmlNodePtr	 first;		/* the first account's, for the head */
};

/* the writer's state for one export, x->w: the schema and one build */
struct yar_exp {
	xmlSchemaPtr		 schema;
	xmlSchemaValidCtxtPtr	 vctx;
	char			*xsd;		/* its path, for messages */
	unsigned long		 line;		/* of the account checked */
	int			 head;		/* checking the head */
	char			 hmsg[400];	/* the head's first problem */
	struct omsi_yar		*y;
};
#define YEXP(x)	((struct yar_exp *)(x)->w)
#define YAR(x)	((x)->w == NULL ? NULL : YEXP(x)->y)

/* a body or bill attribute of bill.xml; values live in struct head */
struct head {
	const char	*name[12], *value[12];
	size_t		 n;
	char		 buf[6][32];
};

/* 0 when oms.conf sets every value of the head it must give, else -1. */
int	 omsi_yar76_configured(const struct oms_conf *, struct oms_err *);
/* The attributes of body (bill 0) or bill (bill 1) of registry r. */
void	 omsi_yar76_head(struct exp *, const struct reg *, int bill,
	    struct head *);
/* Compile the schema of r's version into YEXP(x); its absence an error. */
int	 omsi_yar76_load_schema(struct exp *, const struct reg *,
	    struct oms_err *);
/* Check account s (pat, pa) against the schema: 1 bad (reported), -1. */
int	 omsi_yar76_check(struct exp *, struct omsi_yar *, const struct sel *,
	    xmlNodePtr pat, xmlNodePtr pa, struct oms_err *);
/* Check the bill's head once the totals are known: 0 or -1 (err). */
int	 omsi_yar76_check_head(struct exp *, struct omsi_yar *,
	    struct oms_err *);
/* Free the compiled schema of YEXP(x). */
void	 omsi_yar76_schema_free(struct yar_exp *);

#endif /* YAR76_INT_H */
