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

#define ACCT_SHIFT	15		/* 32768 accounts, 5.5 MiB a block */
#define ACCT_BLOCK	((size_t)1 << ACCT_SHIFT)
#define ACCT(l, i)	(&(l)->ablk[(i) >> ACCT_SHIFT][(i) & (ACCT_BLOCK - 1)])

struct oms_ledger {
	char		*path;
	struct omsi_arena arena;
	struct omsi_hash  acct_idx;
	/* in blocks: an account stays where it is, no table is copied as it
	   grows, and each block gets huge pages (omsi_thp) before use */
	struct oms_acct	**ablk;
	size_t		  nacct, nablk;
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
	struct oms_acct	 *pastc;
	size_t		  npast, past_cap;
	struct oms_contra *contra;	/* what did not add up, in order */
	size_t		  ncontra, contra_cap;
	off_t		  committed;	/* bytes up to the last commit */
	off_t		  size;		/* file size when read */
	int		  fresh;	/* empty or a torn header: made anew */
	unsigned long	  lines;	/* lines up to committed */
};

/* ---- the fold (ledger_fold.c) */
/* Take one committed event into l. */
int	 omsi_ledger_fold(struct oms_ledger *, const struct oms_event *,
	    struct oms_err *);
/* The claim of account a in registry ri: a itself, one it has left, or
   NULL when it never went there. */
struct oms_acct *omsi_ledger_claim_in(const struct oms_ledger *,
	    struct oms_acct *a, int ri);

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
