/*
 * recover.c -- finish or report what an interrupted run left in a workspace
 *
 * An export makes its archives durable as outbox/.tmp-NAME-XXXXXX, commits
 * the ledger block that records them, and only then gives them their
 * names; an import copies a reply to archive/ the same way.  A run killed
 * in between leaves temporary files.  With the lock, oms_ws_recover puts
 * recorded archives in place (never over a file that is there) and
 * removes temporary files nothing records; without it, oms_ws_pending
 * only reports what a writer would do.  A file under a registry's own
 * name is never removed: it may have been sent.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "profile.h"

/*
 * Remove (fix) or count the temporary files ".tmp-*" in DIR/sub (sub NULL:
 * DIR itself): bodies of an interrupted export, copies of an interrupted
 * import, a ledger header never linked into place.
 */
static size_t
stale_tmp(struct oms_ws *ws, const char *sub, int fix, struct oms_diag *diag)
{
	DIR *dp;
	struct dirent *de;
	char *dir, *p, rel[512];
	size_t n = 0;

	dir = sub != NULL ? oms_ws_path(ws, sub) : strdup(ws->dir);
	if (dir == NULL || (dp = opendir(dir)) == NULL) {
		free(dir);
		return (0);
	}
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, ".tmp-", 5) != 0)
			continue;
		snprintf(rel, sizeof(rel), "%s%s%s", sub != NULL ? sub : "",
		    sub != NULL ? "/" : "", de->d_name);
		n++;
		if (!fix) {
			omsi_diagf(diag, 1, rel, 0, "left by an interrupted "
			    "run; the next oms-export, oms-import, oms-requeue "
			    "or oms-invoice removes it");
			continue;
		}
		if ((p = oms_path_join(dir, de->d_name)) == NULL)
			break;
		if (unlink(p) == 0)
			omsi_diagf(diag, 1, rel, 0, "removed: left by an "
			    "interrupted run");
		free(p);
	}
	closedir(dp);
	free(dir);
	return (n);
}

/* The registry whose archive is outbox/base, or -1. */
static int
recorded(const struct oms_ledger *l, const char *base)
{
	char rel[300];
	size_t i;

	snprintf(rel, sizeof(rel), "outbox/%s", base);
	for (i = 0; i < oms_ledger_nreg(l); i++)
		if (strcmp(oms_ledger_reg(l, i)->archive, rel) == 0)
			return ((int)i);
	return (-1);
}

/*
 * outbox/".tmp-NAME-XXXXXX": an export made it durable.  When the ledger
 * records NAME, the run stopped between its commit and the rename: put it
 * in place (link: never over a NAME that is there) or, when NAME is there
 * already (the run stopped after the link), drop the copy.  When the
 * ledger does not record it, the run never committed: remove it.
 */
static void
outbox_tmp(const struct oms_ledger *l, const char *dir, const char *tmp,
    int fix, struct oms_diag *diag)
{
	char base[256], rel[300], *from = NULL, *to = NULL;
	const char *dash = strrchr(tmp, '-');
	struct stat st;
	size_t n;
	int there;

	if (dash == NULL || (n = (size_t)(dash - (tmp + 5))) == 0 ||
	    n >= sizeof(base))
		n = 0;
	memcpy(base, tmp + 5, n);
	base[n] = '\0';
	snprintf(rel, sizeof(rel), "outbox/%s", n > 0 ? base : tmp);
	if ((from = oms_path_join(dir, tmp)) == NULL ||
	    (to = oms_path_join(dir, base)) == NULL)
		goto out;
	there = lstat(to, &st) == 0;
	if (n == 0 || recorded(l, base) == -1) {
		if (!fix)
			omsi_diagf(diag, 1, rel, 0, "an interrupted export "
			    "left %s, never recorded; the next oms-export "
			    "removes it", tmp);
		else if (unlink(from) == 0)
			omsi_diagf(diag, 1, rel, 0, "removed %s: left by an "
			    "interrupted run and not recorded in the ledger",
			    tmp);
	} else if (!fix)
		omsi_diagf(diag, 1, rel, 0, there ? "a copy %s is left over; "
		    "the next oms-export removes it" : "recorded in the "
		    "ledger but still named %s (an interrupted export): do "
		    "not send it yet; the next oms-export, oms-import, "
		    "oms-requeue or oms-invoice puts it in place", tmp);
	else if (there) {
		if (unlink(from) == 0)
			omsi_diagf(diag, 1, rel, 0, "removed %s, a copy an "
			    "interrupted run left next to it", tmp);
	} else if (link(from, to) == 0) {
		(void)unlink(from);
		(void)oms_fsync_dir(dir, NULL);
		omsi_diagf(diag, 1, rel, 0, "put in place: an interrupted run "
		    "had recorded it but not yet renamed it");
	}
out:
	free(from);
	free(to);
}

static int
recover(struct oms_ws *ws, const struct oms_ledger *l, int fix,
    struct oms_diag *diag, struct oms_err *err)
{
	char *dir, rel[512];
	DIR *dp;
	struct dirent *de;

	(void)stale_tmp(ws, NULL, fix, diag);
	(void)stale_tmp(ws, "archive", fix, diag);
	if ((dir = oms_ws_path(ws, "outbox")) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	if ((dp = opendir(dir)) == NULL) {
		free(dir);
		return (errno == ENOENT ? 0 :
		    oms_err_sys(err, errno, "outbox", "open directory"));
	}
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, ".tmp-", 5) == 0)
			outbox_tmp(l, dir, de->d_name, fix, diag);
		else if (omsi_profile_of(&ws->conf)->archive_ours(&ws->conf,
		    de->d_name) &&
		    recorded(l, de->d_name) == -1) {
			snprintf(rel, sizeof(rel), "outbox/%s", de->d_name);
			omsi_diagf(diag, 1, rel, 0, "not recorded in the "
			    "ledger (was ledger.tsv cut, or restored from an "
			    "older copy?); it is left as it is and no export "
			    "writes over it: if it was sent, restore the "
			    "ledger that records it; if not, move it away");
		}
	}
	closedir(dp);
	free(dir);
	return (0);
}

int
oms_ws_recover(struct oms_ws *ws, const struct oms_ledger *l,
    struct oms_diag *diag, struct oms_err *err)
{
	return (recover(ws, l, 1, diag, err));
}

int
oms_ws_pending(struct oms_ws *ws, const struct oms_ledger *l,
    struct oms_diag *diag, struct oms_err *err)
{
	return (recover(ws, l, 0, diag, err));
}
