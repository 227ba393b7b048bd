/*
 * ledger_int.h -- what the files of the ledger share: the struct behind
 * struct oms_ledger and the omsi_ledger_* / omsi_kv_* calls between them
 *
 * ledger.c reads and appends the file and hands every event to the fold
 * (ledger_fold.c); ledger_query.c answers from what the fold built, or
 * reads the file again through ledger.c; ledger_data.c, which calls none
 * of them, holds the names and the data column's pairs.
 */
#ifndef LEDGER_INT_H
#define LEDGER_INT_H

#include "oms_int.h"

/*
 * One account as the fold keeps it, or one of the claims it has left:
 * 64 bytes.  Its id is in the id pool (an offset, ACCT_ID), what every
 * export line of a registry says alike (kind, payer, source, dept,
 * doctor, period) one interned struct lattr, what a reply says alike
 * (reasons, reply, import time, date) one struct ldec, and the state it
 * had before a test registry a struct lprev (made only by a test
 * export).  The public struct oms_acct is a view made from it
 * (omsi_ledger_view).
 */
struct acct {
	int64_t		 sum;		/* claimed in the last export */
	int64_t		 accepted, refused;
	uint32_t	 id;		/* offset in the id pool */
	int32_t		 reg;		/* last registry carrying it, or -1 */
	int32_t		 past;		/* its claim before reg (pastc), -1 */
	uint32_t	 n_zap;		/* 0: IDCASE was another number */
	int32_t		 case_end;	/* days, or -1 */
	uint32_t	 attr;		/* l->attr.v[] */
	uint32_t	 dec;		/* l->dec.v[]; 0: no decision */
	uint32_t	 prev;		/* l->prev[]; 0: none */
	uint32_t	 nexports;
	unsigned	 state:4;	/* enum oms_state */
	unsigned	 decision:4;	/* of the standing decision */
	unsigned	 stage:2;	/* enum oms_stage */
	unsigned	 pr_nov:1;
	unsigned	 flags:3;	/* OMS_CF_* and CF_FLK_SAID */
	unsigned	 nfixes:18;	/* fixes in force (sticks at the top) */
};
#define ACCT_NFIX_MAX	((1U << 18) - 1)

/* what an export line says alike for many accounts */
struct lattr {
	const char	*kind, *payer, *source, *dept, *doctor;
	int32_t		 period;
};
/* what a decision says alike for the records of one reply */
struct ldec {
	const char	*reasons, *reply, *dtime;
	int32_t		 rdate;		/* the reply's date (days), or -1 */
};
/* an account before it went into a test registry; never changed */
struct lprev {
	int32_t		 reg;
	uint32_t	 n_zap;
	uint8_t		 state, pr_nov;
};

/* a table of fixed-size records, each stored once (index by value) */
struct ltab {
	unsigned char	*v;		/* n records of size bytes */
	size_t		  size, n, cap;
	uint32_t	 *slot;		/* 1 + index, 0 empty; scap of them */
	size_t		  scap;
	uint32_t	  last;		/* the last one asked for */
};
#define LTAB(t, type, i)	((const type *)(void *)((t)->v + \
				    (size_t)(i) * (t)->size))

#define ACCT_SHIFT	15		/* 32768 accounts, 2 MiB a block */
#define ACCT_BLOCK	((size_t)1 << ACCT_SHIFT)
#define ACCT(l, i)	(&(l)->ablk[(i) >> ACCT_SHIFT][(i) & (ACCT_BLOCK - 1)])
#define IDPOOL_SHIFT	20		/* 1 MiB of ids a block */
#define ACCT_ID(l, a)	((l)->idblk[(a)->id >> IDPOOL_SHIFT] + \
			    ((a)->id & (((uint32_t)1 << IDPOOL_SHIFT) - 1)))

/* the views oms_ledger_acct and oms_ledger_claim hand out, in turn */
#define LEDGER_NVIEW	32
struct lviews {
	unsigned	 next;
	struct oms_acct	 v[LEDGER_NVIEW];
};

struct oms_ledger {
	char		*path;
	struct omsi_arena arena;
	/* the accounts: in blocks, so that one stays where it is, no table
	   is copied as it grows, and each block gets huge pages (omsi_thp)
	   before use; found by their ids through a table of 8-byte slots
	   (a tag and 1 + the index) */
	struct acct	**ablk;
	size_t		  nacct, nablk;
	struct { uint32_t tag, i; } *aslot;
	size_t		  ascap;
	char		**idblk;	/* the id pool */
	size_t		  nidblk;
	uint32_t	  idused;	/* in the last block */
	struct ltab	  attr, dec;
	struct lprev	 *prev;
	size_t		  nprev, prev_cap;
	struct lviews	 *views;
	struct omsi_hash  reg_idx;
	struct omsi_hash  imported;	/* sha256 -> index into itime */
	const char	**itime;
	size_t		  nimport;
	struct oms_reg	 *reg;
	size_t		  nreg, reg_cap;
	struct oms_fix	 *fix;		/* in force, in order */
	size_t		  nfix, fix_cap;
	struct omsi_hash  strings;	/* interned: index into str */
	const char	**str;
	size_t		  nstr, str_cap;
	const char	 *last[8];	/* the fold's last interned, by site */
	/* the claims of registries the accounts have left, each a copy of
	   the account as it stood there, chained by ->past (newest first) */
	struct acct	 *pastc;
	size_t		  npast, past_cap;
	struct oms_contra *contra;	/* what did not add up, in order */
	size_t		  ncontra, contra_cap;
	off_t		  committed;	/* bytes up to the last commit */
	off_t		  size;		/* file size when read */
	int		  fresh;	/* empty or a torn header: made anew */
	int		  unfolded;	/* a commit was not folded (nofold) */
	unsigned long	  lines;	/* lines up to committed */
};

/* ---- the fold (ledger_fold.c) */
/* Take one committed event into l. */
int	 omsi_ledger_fold(struct oms_ledger *, const struct oms_event *,
	    struct oms_err *);
/* The claim of account a in registry ri: a itself, one it has left, or
   NULL when it never went there. */
struct acct *omsi_ledger_claim_in(const struct oms_ledger *,
	    struct acct *a, int ri);
/* The account of id, or NULL. */
struct acct *omsi_ledger_find(const struct oms_ledger *, const char *id);
/* The public view of a (an account or a claim) into v. */
void	 omsi_ledger_view(const struct oms_ledger *, const struct acct *a,
	    struct oms_acct *v);
/* Free what the fold made (not l itself). */
void	 omsi_ledger_fold_free(struct oms_ledger *);

/* ---- the file (ledger.c) */
/*
 * Call fn(arg, l, ev, err) for every committed event line that holds
 * needle (all of them when needle is NULL); non-zero from fn stops it.
 */
int	 omsi_ledger_scan_lines(const struct oms_ledger *, const char *needle,
	    int (*fn)(void *, const struct oms_ledger *,
	    const struct oms_event *, struct oms_err *), void *arg,
	    struct oms_err *);

/* ---- the data column, "k=v;k2=v2" with %XX (ledger_data.c) */
/* A data field split once into its pairs, for the events that ask for
   several keys (values are decoded only when asked for). */
#define OMSI_KV_MAX	32
struct omsi_kvs {
	size_t		 n;
	struct {
		const char	*k, *v;
		size_t		 kl, vl;
	}		 e[OMSI_KV_MAX];
};
void	 omsi_kv_parse(const char *data, struct omsi_kvs *);
/* The value of key (kl bytes), decoded into out (cut to outlen - 1
   bytes); the first pair of key wins.  1 found, 0 not. */
int	 omsi_kv_get(const struct omsi_kvs *, const char *key, size_t kl,
	    char *out, size_t outlen);
/*
 * The same for a value of any length: into buf when it fits, else into
 * *heap (malloc'd, the caller frees it).  Returns the value, "" when the
 * key is missing, NULL on ENOMEM.
 */
const char *omsi_kv_get_any(const struct omsi_kvs *, const char *key,
	    char *buf, size_t len, char **heap);
/* key is a string literal, out an array */
#define OMSI_KV_GET(kv, key, out)	omsi_kv_get(kv, key, \
				    sizeof(key) - 1, out, sizeof(out))

#endif /* LEDGER_INT_H */
