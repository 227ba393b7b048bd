/*
 * rules_int.h -- what the two halves of the rule engine share: the rule
 * table as loaded (rules_load.c) and as checked (rules.c)
 */
#ifndef RULES_INT_H
#define RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "oms_int.h"
#include "reftab.h"

/*
 * An exact set of strings (rules_set.c), each with a 32-bit value when
 * withval: the values a registry-unique rule has seen, the links of the
 * kept cases.  The strings live in chunks, a GUID packed into 17 bytes,
 * another string as a length byte and its bytes; the table holds a
 * 32-bit reference (chunk and offset) and a tag byte a slot.  hash is
 * omsi_rset_hash when NULL (tests give a worse one).
 */
struct omsi_rset {
	unsigned char	**chunk;
	size_t		 nchunk;
	size_t		 cur, cursize, used;	/* the chunk being filled */
	uint32_t	*slot;		/* a reference, where tag[i] != 0 */
	uint8_t		*tag;		/* a byte of the hash, 0 empty */
	size_t		 cap, n;	/* cap a power of two */
	int		 withval;
	uint32_t	(*hash)(const unsigned char *, size_t);
};

void	 omsi_rset_init(struct omsi_rset *, int withval);
void	 omsi_rset_release(struct omsi_rset *);	/* empty, as init left it */
/* s of len bytes: 1 there (*val its value), 0 not */
int	 omsi_rset_get(const struct omsi_rset *, const char *s, size_t len,
	    uint32_t *val);
/* 1 there, 0 added; -1 on no memory */
int	 omsi_rset_add(struct omsi_rset *, const char *s, size_t len);
/* add or find s, its value val after (*old the one before, 0 if new) */
int	 omsi_rset_put(struct omsi_rset *, const char *s, size_t len,
	    uint32_t val, uint32_t *old);
size_t	 omsi_rset_count(const struct omsi_rset *);
/*
 * A look-up of s some look-ups ahead: step 0 asks memory for its slot's
 * tag and reference, step 1 (later, once they came) for the entry the
 * reference names.  A hint: nothing changes.
 */
void	 omsi_rset_ahead(const struct omsi_rset *, const char *s, size_t len,
	    int step);
uint32_t omsi_rset_hash(const unsigned char *, size_t);

enum check {
	C_REQUIRED, C_ABSENT, C_MATCH, C_LE, C_LT, C_GE, C_GT, C_EQ, C_NE,
	C_SUM, C_SNILS, C_ENP, C_ENP_CHECK, C_UNIQUE, C_REF, C_REF_DAYS,
	C_IN_PERSONS, C_FAIL
};

/* a reference table, by the name rules give it; t NULL when missing */
struct reftab {
	char		*name;
	struct oms_ref	*t;
	int		 missing;	/* no such file: its rules are not in force */
	char		**extra;	/* columns after code, name, min_days,
					   max_days that rules compare */
	size_t		 nextra;
	char		*alt;		/* the column conditions look up by */
};

/* the fixed columns of every table, then reftab.extra */
enum { R_CODE, R_NAME, R_MIN, R_MAX, R_NFIXED };

/*
 * A path ("A/B", "../DATE_Z_1", ".") compiled once at load: its steps,
 * "." and empty segments dropped; a step's name NULL goes up to the
 * parent.  id[k] is the name's id (oms_rules.ids), 0 for up.  nul: it
 * has an empty step or one of 64 bytes or more, where omsi_path() finds
 * nothing.
 */
struct cpath {
	const char	**s;
	unsigned	*id;
	size_t		 n;
	int		 nul;
};

/*
 * The record being checked, walked once (omsi_rules_index): its elements
 * whose names some path names, reached from the record through such
 * elements, breadth first.  The children of v[i] are v[kid0..kid0+nkid),
 * in order of name id, in document order within one id; v[0] is the
 * record, its parent -1.  The paths step through this, not the tree.
 * A person's PERS is grafted there as the last child of the case, as if
 * it were in the case's tree.
 */
struct rixnode {
	xmlNodePtr	 n;
	int		 parent;
	unsigned	 id;
	unsigned	 kid0, nkid;
};

struct rindex {
	struct rixnode	*v;
	size_t		 n, cap;
};

/*
 * Name ids by the address of a name in a parser's dictionary: one
 * dictionary's strings are distinct and stay where they are while it
 * lives, and the cache holds a reference to it.  A name not from the
 * dictionary is looked up by its text, and not cached.
 */
#define NC_SLOTS	512	/* a power of two; half of it filled at most */
struct namecache {
	xmlDictPtr	 dict;
	const xmlChar	*key[NC_SLOTS];
	unsigned	 id[NC_SLOTS];
	size_t		 n;
};

/*
 * nodes reached by a path (scratch buffers, reused); x[i] the index of
 * v[i] in oms_rules.ix, -1 when it is not there (above the record)
 */
struct rnodes {
	xmlNodePtr	*v;
	int		*x;
	size_t		 n, cap;
};

/*
 * A pattern that is only alternatives of literals and one-character
 * classes ("1", "000|035|065", "[1-6]", "2|3"): which strings it matches,
 * for a look-up instead of a PCRE2 match, the same answer (it is
 * anchored at both ends).  one: the bytes that match alone; lit: the
 * other alternatives, each with its NUL, then an empty one.
 */
struct plain {
	uint8_t		 one[32];
	char		*lit;
};

struct cond {
	char		*path;
	struct cpath	 cp;		/* path compiled */
	int		 neg;		/* !PATH, PATH!~RE, PATH!@TABLE */
	pcre2_code	*re;		/* PATH~RE; NULL: existence, or in */
	char		*pat;		/* RE */
	struct plain	*pl;		/* RE, plain (compiled), or NULL */
	int		 cid;		/* its answer's slot in the context's
					   cache (compiled), -1 none */
	struct reftab	*in;		/* PATH@TABLE: a code of the table */
	int		 in_alt;	/* ... of its alt column (TABLE:COL) */
	int		 plat;		/* @PLAT: the registry has a payer */
	char		*path2;		/* years(PATH,PATH2)>=N or <N */
	struct cpath	 cp2;		/* path2 compiled */
	int		 years_ge;	/* >= (else <) */
	long		 years;
};

/* where COL=PATH (or COL==PATH, compared as decimals) of a ref rule */
struct where {
	char		*col;
	size_t		 ci;		/* index in the table's fields */
	char		*path;
	struct cpath	 cp;		/* path compiled */
	int		 num;		/* ==: 1.28 matches 1.28000 */
};

struct rule {
	char		*id;
	int		 off;		/* rule.ID = off */
	int		 dead;		/* a table it needs is missing */
	int		 person;	/* a path steps into PERS: checked with
					   the persons (H<->L) */
	int		 scope;
	char		*kinds;
	char		 vmin[8], vmax[8];
	int		 warning;
	char		*context;
	size_t		 ci;		/* its index in oms_rules.ctx */
	enum check	 check;
	char		*target;
	struct cpath	 tp;		/* target compiled */
	char		*arg;		/* of ref: the table's name only */
	struct cpath	 ap;		/* arg compiled (sum) */
	struct cpath	 vp;		/* arg compiled (le ... ne: a path) */
	struct cond	*conds;
	size_t		 nconds;
	char		*message;
	pcre2_code	*re;		/* match */
	struct plain	*pl;		/* match, plain (compiled), or NULL */
	struct reftab	*ref;		/* ref, ref_days */
	char		*refdate;	/* ref: path of the day, or NULL */
	struct cpath	 dp;		/* refdate compiled */
	struct where	*where;
	size_t		 nwhere;
	int		 registry;	/* unique in the registry (compiled) */
	struct omsi_rset *seen;		/* its values, by rc->reg */
	size_t		 nseen;
};

/*
 * A case kept for the person rules of its person: its account, a NUL,
 * and only the elements they name, as text (prune() in rules.c: 135
 * bytes a case in the 1M bench, 204 as XML; a tree would be ten times
 * that), in kept_arena, or at off in the spool file when there is one
 * (omsi_rules_spool), there with a NUL after it, read back in place.
 * What stays in memory is these 16 bytes, its kind and version
 * (oms_rules.kkv, 2 bytes) and its link, once a person (oms_rules.bylink).
 */
struct kept {
	union {
		char	*text;		/* account NUL text: not spooled */
		off_t	 off;		/* in the spool */
	} at;
	uint32_t	 len;		/* of the text with its NUL; the top
					   bit: spooled */
	uint32_t	 next;		/* 1 + the next of its link, or 0 */
};
#define KEPT_SPOOLED	0x80000000u

/* A kind and version of kept cases (a few in a run). */
struct keptkv {
	char		 kind[8], version[8];
};

/*
 * A distinct context path of the rules, and the nodes it reached from the
 * record being checked (gen == oms_rules.gen: collected for this record).
 */
struct ctxpath {
	const char	*path;
	struct cpath	 cp;
	struct rnodes	 ns;
	unsigned long	 gen;
	/*
	 * The conditions of its rules, each once (cond.cid), and their
	 * answers on ns.v[j] for this record: hit[j * ncid + cid], 0 not
	 * asked yet, else 1 + the answer without the condition's !
	 */
	const struct cond **cids;
	size_t		 ncid;
	unsigned char	*hit;
	size_t		 hitcap;
};

/*
 * the rules in force for a scope, kind and version, in table order:
 * idx[0] the others, idx[1] the person rules
 */
struct inforce {
	int		 scope;
	char		*kind, *version;
	size_t		*idx[2];
	size_t		 n[2];
};

/*
 * A date's text and what oms_date_parse made of it (date_of, rules.c):
 * the reference rules of a case each ask for its DATE_Z_2, 26 parses a
 * case of two or three dates (515,574 at 20,000 accounts; 54,602 with
 * the memo).  s is not a string: all NUL is empty.
 */
#define RULES_NDATE	4
struct datememo {
	char		 s[10];
	int		 ok;		/* 0, or -1: not a date */
	long		 days;
};

struct oms_rules {
	struct rule	*r;
	size_t		 n;
	struct ctxpath	*ctx;		/* compiled by omsi_rules_compile */
	size_t		 nctx;
	unsigned long	 gen;		/* of the record being checked */
	struct inforce	*inf;		/* built as records ask */
	size_t		 ninf;
	struct rnodes	 cn, tn, an;	/* scratch: conditions, targets, sums */
	struct omsi_hash ids;		/* element name -> id, 1.. */
	struct cpath	 p_kd, p_d1, p_d2;	/* KD, DATE_1, DATE_2 */
	struct cpath	 p_dz2;		/* Z_SL/DATE_Z_2 */
	unsigned	 nids;
	char		*personal;	/* by id: omsi_personal() of the name */
	char		*pname;		/* by id: in names */
	struct rindex	 ix;		/* the record of gen */
	struct namecache nc[2];		/* the last two dictionaries seen */
	unsigned	 ncnext;	/* which of them goes next */
	struct datememo	 dm[RULES_NDATE];	/* dates parsed lately */
	unsigned	 dmnext;	/* which of them goes next */
	xmlDictPtr	 dict;		/* of the kept cases read back */
	xmlDocPtr	 kdoc;		/* the document of the one read back, */
	xmlDocPtr	 pdoc;		/* of its PERS read back (omsi_kq) */
	xmlNode		**kblk;		/* its nodes, KNODES a block, reused */
	size_t		 nkblk, kused;
	struct reftab	**refs;
	size_t		 nrefs;
	pcre2_match_data *md;
	int		 nperson;	/* rules with person set */
	size_t		*uniq;		/* the rules unique in the registry, */
	size_t		 nuniq;		/* by index in r (compiled) */
	struct omsi_hash names;		/* element names person rules use */
	struct omsi_arena arena;	/* names, kept links and accounts */
	struct kept	*kept;
	uint16_t	*kkv;		/* kept[i]'s index in kv */
	size_t		 nkept, keptcap;
	struct keptkv	*kv;
	size_t		 nkv;
	struct omsi_arena kept_arena;	/* their strings; a build's */
	struct oms_buf	 buf;
	struct oms_buf	 tbuf;		/* a kept text being read back */
	struct oms_buf	 pbuf;		/* a PERS's text read back */
	struct oms_buf	 kbuf;		/* a window of the spool read back: */
	off_t		 kwoff;		/* its offset in the spool, */
	size_t		 kwlen;		/* its length (0: none) */
	off_t		 knext;		/* the end of the case read last */
	FILE		*spool;		/* omsi_rules_spool, or NULL */
	const char	*spool_name;	/* for messages */
	off_t		 spool_end;	/* where the next case goes, or -1 */
	struct omsi_rset bylink;	/* link -> 1 + its last kept */
	/*
	 * The spooled cases in the order their persons come
	 * (omsi_rules_order): while it is learnt, each case's group
	 * (UINT32_MAX: none yet), the group being filled and its bytes;
	 * after omsi_rules_regroup, where each group begins in the spool
	 * (gstart[ngroup]: the end), a group read back whole.
	 */
	uint32_t	*kgroup;
	uint32_t	 gcur;
	uint64_t	 gbytes;
	off_t		*gstart;
	size_t		 ngroup;
};

/* rules.c: forget the order of the kept cases omsi_rules_order learnt */
void	 omsi_rules_unorder(struct oms_rules *);
/* rules.c: compile the paths once loaded; forget what oms_rules_set
   changes */
int	 omsi_rules_compile(struct oms_rules *, struct oms_err *);
void	 omsi_rules_uncache(struct oms_rules *);
void	 omsi_rules_free_compiled(struct oms_rules *);
/* rules.c: the id of an element name, 0 when no path names it */
unsigned omsi_rules_id(const struct oms_rules *, const char *name);
/* rules.c: the id of the name of element n, by its address when it can */
unsigned omsi_rules_node_id(struct oms_rules *, xmlNodePtr n);
/* rules.c: walk rec into rs->ix, graft (or NULL) its last child; -1 on no
   memory */
int	 omsi_rules_index(struct oms_rules *, xmlNodePtr rec, xmlNodePtr graft);
/* rules.c: the nodes path p reaches from rec->ix.v[x] (n when x is -1) */
int	 omsi_rules_collect(struct oms_rules *, int x, xmlNodePtr n,
	    const struct cpath *p, struct rnodes *out);
/* rules.c: what omsi_path_text(n, path) gives, p compiled from path, from
   ix.v[x] (n when x is -1) */
const char *omsi_rules_text(const struct oms_rules *, int x, xmlNodePtr n,
	    const struct cpath *p);
/* rules.c: path compiled into p (free p->s and p->id); -1 on no memory */
int	 omsi_rules_cpath(struct oms_rules *, const char *path,
	    struct cpath *p);
/* rules.c: a kept case (its pruned text) back as a tree; NULL on no
   memory, or with *bad on text prune did not write */
xmlNodePtr omsi_rules_unprune(struct oms_rules *, const char *text,
	    int *bad);
void	 omsi_rules_unprune_done(struct oms_rules *);

/*
 * The person rules of the cases src keeps, checked by another evaluator
 * (rules_kq.c): the first case kept under link (0: none); the kept cases
 * written out; a PERS as text for it (1, or 0 when the text would not
 * say the tree: check the tree); the checks from kept case ki with that
 * text, or with the tree.
 */
uint32_t omsi_rules_kept_first(const struct oms_rules *src,
	    const char *link);
int	 omsi_rules_kept_flush(struct oms_rules *src, struct oms_err *);
int	 omsi_rules_pers_text(xmlNodePtr pers, struct oms_buf *,
	    struct oms_err *);
int	 omsi_rules_check_kept(struct oms_rules *ev,
	    const struct oms_rules *src, uint32_t ki, const char *perstext,
	    unsigned long line, const struct omsi_rulectx *,
	    struct oms_err *);
int	 omsi_rules_check_kept_tree(struct oms_rules *ev,
	    const struct oms_rules *src, uint32_t ki, xmlNodePtr pers,
	    const struct omsi_rulectx *, struct oms_err *);

#endif /* RULES_INT_H */
