/*
 * zip.c -- write a ZIP archive: the registries' packing
 *
 * Both writers pack their registry files the same way: deflate, entries
 * with a fixed mode, owner and mtime (the same input gives the same
 * bytes), each entry a head in memory, a body spooled to a temporary file
 * and a tail, so no registry is ever held in memory whole.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "oms_int.h"

/* libarchive's error on a, with the system's when it has one. */
static int
zip_fail(struct archive *a, const char *name, struct oms_err *err)
{
	return (oms_err_set(err, OMS_EIO, name, 0, "archive: %s%s%s",
	    archive_error_string(a), archive_errno(a) > 0 ? ": " : "",
	    archive_errno(a) > 0 ? strerror(archive_errno(a)) : ""));
}

/* A ZIP written to fp (deflate, no padding); NULL with err filled. */
struct archive *
omsi_zip_open(FILE *fp, const char *path, struct oms_err *err)
{
	struct archive *a;

	if ((a = archive_write_new()) == NULL ||
	    archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate") !=
	    ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_FILE(a, fp) != ARCHIVE_OK) {
		oms_err_set(err, OMS_EINTERNAL, path, 0, "archive: %s",
		    a ? archive_error_string(a) : "out of memory");
		if (a != NULL)
			archive_write_free(a);
		return (NULL);
	}
	return (a);
}

/* An entry of head, the whole of body (from its start) and tail. */
int
omsi_zip_entry(struct archive *a, const char *name, time_t mtime,
    const char *head, size_t headlen, FILE *body, const char *tail,
    struct oms_err *err)
{
	struct archive_entry *ae;
	char buf[65536];
	long blen;
	size_t n;
	int rc = -1;

	if (fflush(body) == EOF || (blen = ftell(body)) < 0 ||
	    fseek(body, 0, SEEK_SET) == -1)
		return (oms_err_sys(err, errno, name, "temporary file"));
	if ((ae = archive_entry_new()) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_mtime(ae, mtime, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_size(ae, (la_int64_t)(headlen + (size_t)blen +
	    strlen(tail)));
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		goto aerr;
	if (archive_write_data(a, head, headlen) < 0)
		goto aerr;
	while ((n = fread(buf, 1, sizeof(buf), body)) > 0)
		if (archive_write_data(a, buf, n) < 0)
			goto aerr;
	if (ferror(body)) {
		oms_err_sys(err, errno, name, "read temporary file");
		goto out;
	}
	if (archive_write_data(a, tail, strlen(tail)) < 0)
		goto aerr;
	rc = 0;
	goto out;
aerr:
	zip_fail(a, name, err);
out:
	archive_entry_free(ae);
	return (rc);
}

/* Finish the ZIP (the caller frees a); -1 with err naming the cause. */
int
omsi_zip_close(struct archive *a, const char *path, struct oms_err *err)
{
	if (archive_write_close(a) != ARCHIVE_OK)
		return (zip_fail(a, path, err));
	return (0);
}
