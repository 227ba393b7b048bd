/*
 * skel.c -- the skeleton of a new region's profile (HACKING.md)
 *
 * Copied into lib/ and named in PROFILES (lib/profile.c), it builds with
 * the rest of the library and oms.conf may say "profile = skel": its
 * kinds are checked, its source documents (root <SKEL>) are recognised
 * and every other step says it is not written yet.  tests/e2e/t1010
 * builds it so that the interface it shows cannot go stale.  A real
 * profile fills each entry as lib/ffoms.c and lib/yar76.c do, in files
 * of its own: skel_source.c, skel_export.c, skel_reply.c.
 */
#include <string.h>

#include "profile.h"
#include "export_int.h"
#include "import_int.h"
#include "src_int.h"

static int
todo(struct oms_err *err, const char *what)
{
	return (oms_err_set(err, OMS_EINTERNAL, NULL, 0, "profile skel: %s "
	    "is not written yet", what));
}

/* ---- oms.conf: account_key is one element name */
static int
skel_account_key(const char *v)
{
	return (*v != '\0' && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") ==
	    strlen(v));
}

/* ---- registry kinds: S only */
static int
skel_kind(const char *k)
{
	return (strcmp(k, "S") == 0);
}

/* ---- source/: documents with the root <SKEL> */
static int
skel_src_bid(const char *root)
{
	return (strcmp(root, "SKEL") == 0);
}

static int
skel_src_scan(struct oms_src *s, int di, struct omsi_xin *x,
    struct oms_diag *diag, struct oms_err *err)
{
	(void)s;
	(void)x;
	(void)err;
	omsi_diagf(diag, 1, s->docs[di].name, 0, "profile skel reads no "
	    "cases yet; ignored");
	return (1);
}

static int
skel_src_names(const struct oms_src *s, size_t doc,
    const char *const *accounts, size_t n, char **names, struct oms_err *err)
{
	(void)s;
	(void)doc;
	(void)accounts;
	(void)n;
	(void)names;
	(void)err;
	return (0);
}

/* ---- archives: none is ours yet */
static int
skel_ours(const struct oms_conf *c, const char *name)
{
	(void)c;
	(void)name;
	return (0);
}

/* ---- export */
static int
skel_plan(struct exp *x, struct oms_ledger *l, struct oms_err *err)
{
	(void)x;
	(void)l;
	return (todo(err, "the registry's plan"));
}

static int
skel_copy(struct exp *x, struct oms_err *err)
{
	(void)x;
	return (todo(err, "copying the records"));
}

static int
skel_pack(struct exp *x, struct reg *r, struct oms_err *err)
{
	(void)x;
	(void)r;
	return (todo(err, "the archive"));
}

static void
skel_release(struct exp *x)
{
	(void)x;
}

static const struct omsi_export_ops skel_export = {
	.admit = NULL,
	.plan = skel_plan,
	.copy = skel_copy,
	.pack = skel_pack,
	.release = skel_release,
	.done = NULL,
};

/* ---- replies */
static int
skel_open(struct imp *m, const char *base, struct oms_err *err)
{
	(void)m;
	(void)base;
	return (todo(err, "reading replies"));
}

static int
skel_step(struct imp *m, struct oms_err *err)
{
	(void)m;
	return (todo(err, "reading replies"));
}

static const struct omsi_reply_ops skel_reply = {
	.open = skel_open,
	.registry = skel_step,
	.read = skel_step,
	.finish = skel_step,
};

const struct oms_profile omsi_profile_skel = {
	.name = "skel",
	.conf_key = NULL,
	.conf_default = NULL,
	.account_key = "ID",
	.account_key_ok = skel_account_key,
	.account_key_shape = "one element name, like ID",
	.archive_ext = "zip",
	.kind_valid = skel_kind,
	.kind_bad = "is not a registry kind of profile skel (S)",
	.fixes = 0,
	.src_roots = "SKEL",
	.src_bid = skel_src_bid,
	.src_scan = skel_src_scan,
	.src_names = skel_src_names,
	.archive_ours = skel_ours,
	.exp = &skel_export,
	.reply = &skel_reply,
};
