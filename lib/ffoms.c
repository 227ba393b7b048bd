/*
 * ffoms.c -- the federal profile (ffoms): its table
 *
 * The registries of the federal order (shared/spec/ffoms-format.md): the
 * kinds H, C, T and D*, a ZL_LIST of cases and a PERS_LIST of persons per
 * registry, packed in a ZIP named KIND M mo T|S code _ YYMM N.  The table
 * points at the profile's pieces: the scan of source/ (ffoms_source.c),
 * the writer (ffoms_export.c) and the replies (ffoms_reply.c).
 */
#include <string.h>
#include <strings.h>

#include "profile.h"
#include "src_int.h"

/* element names of [A-Z0-9_] joined by '/' */
static int
ffoms_account_key(const char *v)
{
	return (strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
	    strlen(v));
}

/* H, C, T, or D and a capital letter (DP, DV ...) */
static int
ffoms_kind(const char *k)
{
	if (k[0] == 'H' || k[0] == 'C' || k[0] == 'T')
		return (k[1] == '\0');
	return (k[0] == 'D' && k[1] >= 'A' && k[1] <= 'Z' && k[2] == '\0');
}

static int
ffoms_src_bid(const char *root)
{
	return (strcmp(root, "ZL_LIST") == 0 || strcmp(root, "PERS_LIST") == 0);
}

const struct oms_profile omsi_profile_ffoms = {
	.name = "ffoms",
	.conf_key = NULL,		/* no keys of its own */
	.conf_default = NULL,
	.account_key = "Z_SL/SL/SL_ID",
	.account_key_ok = ffoms_account_key,
	.account_key_shape = "element names like Z_SL/SL/SL_ID",
	.archive_ext = "zip",
	.kind_valid = ffoms_kind,
	.kind_bad = "is not a registry kind (H, C, T, or D and a letter: DP, "
	    "DV ...; B with profile yar76)",
	.fixes = 1,
	.rules = 1,
	.src_roots = "ZL_LIST or PERS_LIST",
	.src_bid = ffoms_src_bid,
	.src_scan = omsi_ffoms_src_scan,
	.src_names = omsi_ffoms_src_names,
	.archive_ours = omsi_ffoms_ours,	/* ffoms_name.c */

	.exp = &omsi_ffoms_export,	/* ffoms_export.c */


	.reply = &omsi_ffoms_reply,
};
