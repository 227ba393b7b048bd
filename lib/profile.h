/*
 * profile.h -- a region's exchange format, as one table of functions
 *
 * A profile is what differs between the formats the funds take: the
 * oms.conf keys of its own, the registry kinds, how a source document is
 * recognised and scanned, how the selected accounts are written and
 * packed, how the archives are named, and how the replies are read.  Each
 * profile fills one struct omsi_profile (lib/ffoms.c, lib/yar76.c) and
 * profile.c lists them; the workspace's oms.conf picks one by name when it
 * is loaded (oms_conf.prof) and the generic code calls through the table,
 * never naming a profile.  Like libarchive's format descriptors: adding a
 * region is adding its files and its name to PROFILES in profile.c
 * (HACKING.md; tests/skel is a skeleton that builds).
 */
#ifndef PROFILE_H
#define PROFILE_H

#include "oms_int.h"

struct oms_src;
struct omsi_xin;
struct omsi_export_ops;		/* export_int.h */
struct omsi_reply_ops;		/* import_int.h */

struct oms_profile {
	const char	*name;		/* profile = NAME in oms.conf */

	/* ---- oms.conf */
	/* its own keys are NAME.KEY; conf_key checks one (v its value):
	   0, or -1 with why (static text, "expected ...") filled */
	int		(*conf_key)(const char *key, const char *v,
			    char *why, size_t whylen);
	/* the default of NAME.KEY, or "" */
	const char	*(*conf_default)(const char *key);
	const char	*account_key;	/* default account_key */
	/* account_key = v fits the profile; else what it should look like */
	int		(*account_key_ok)(const char *v);
	const char	*account_key_shape;
	const char	*archive_ext;	/* default archive_ext */

	/* ---- registry kinds */
	int		(*kind_valid)(const char *kind);
	/* "-k X: X <kind_bad>" for a kind it does not have */
	const char	*kind_bad;
	/* oms-requeue --set: the export applies fixes to this format */
	int		 fixes;
	/* its writer checks records against ref/rules.tsv (oms-rules(5)) */
	int		 rules;

	/* ---- source/ */
	/* the root elements of its source documents, for messages */
	const char	*src_roots;
	/* 1 when root is one of its source documents */
	int		(*src_bid)(const char *root);
	/* Scan document di of s, the reader at its root element (source.c
	   helpers in src_int.h): 0, 1 for a document dropped with a
	   diagnostic, -1 on error. */
	int		(*src_scan)(struct oms_src *s, int di,
			    struct omsi_xin *x, struct oms_diag *diag,
			    struct oms_err *err);
	/* oms_src_names for document doc: names[i] (malloc'd) of those of
	   accounts[0..n) it holds and names[i] lacks; 0, -1 on error */
	int		(*src_names)(const struct oms_src *s, size_t doc,
			    const char *const *accounts, size_t n,
			    char **names, struct oms_err *err);

	/* ---- archives, export and replies */
	/* 1 when name (in outbox/) is one of its archives for conf */
	int		(*archive_ours)(const struct oms_conf *,
			    const char *name);
	const struct omsi_export_ops	*exp;
	const struct omsi_reply_ops	*reply;
};

/* The profile called name, or NULL. */
const struct oms_profile *omsi_profile_find(const char *name);
/* The names of every profile into buf, "\"ffoms\" or \"yar76\"", for
   messages; returns buf. */
char		*omsi_profile_names(char *buf, size_t len);
/* The first profile that bids on a source document with this root
   element, or NULL (for messages about another profile's document). */
const struct oms_profile *omsi_profile_bidder(const char *root);
/* The workspace's profile: the one its oms.conf named (ffoms when it
   named none). */
const struct oms_profile *omsi_profile_of(const struct oms_conf *);

#endif /* PROFILE_H */
