/*
 * fs.c -- atomic files, directories, the workspace and its lock
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oms.h"

char *
oms_path_join(const char *a, const char *b)
{
	size_t la, lb;
	char *p;

	la = strlen(a);
	lb = strlen(b);
	while (la > 1 && a[la - 1] == '/')
		la--;
	if ((p = malloc(la + lb + 2)) == NULL)
		return (NULL);
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return (p);
}

static char *
dir_of(const char *path)
{
	char *copy, *d;

	if ((copy = strdup(path)) == NULL)
		return (NULL);
	d = strdup(dirname(copy));
	free(copy);
	return (d);
}

int
oms_fsync_dir(const char *dir, struct oms_err *err)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (oms_err_sys(err, errno, dir, "open directory"));
	if (fsync(fd) == -1 && errno != EINVAL) {
		close(fd);
		return (oms_err_sys(err, errno, dir, "fsync directory"));
	}
	close(fd);
	return (0);
}

int
oms_mkdirs(const char *dir, struct oms_err *err)
{
	char *p, *s;
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return (oms_err_set(err, OMS_EIO, dir, 0,
			    "exists and is not a directory"));
		return (0);
	}
	if ((p = strdup(dir)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, dir, 0, "out of memory"));
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		int last = *s == '\0';
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			oms_err_sys(err, errno, p, "mkdir");
			free(p);
			return (-1);
		}
		if (last)
			break;
		*s = '/';
	}
	free(p);
	return (0);
}

int
oms_afile_open(struct oms_afile *af, const char *path, struct oms_err *err)
{
	char *dir, *base, *copy;
	int fd;

	memset(af, 0, sizeof(*af));
	if ((af->path = strdup(path)) == NULL || (dir = dir_of(path)) == NULL)
		goto nomem;
	if ((copy = strdup(path)) == NULL) {
		free(dir);
		goto nomem;
	}
	base = basename(copy);
	af->tmp = malloc(strlen(dir) + strlen(base) + 16);
	if (af->tmp == NULL) {
		free(dir);
		free(copy);
		goto nomem;
	}
	sprintf(af->tmp, "%s/.tmp-%s-XXXXXX", dir, base);
	free(dir);
	free(copy);
	if ((fd = mkstemp(af->tmp)) == -1) {
		oms_err_sys(err, errno, path, "create temporary file");
		free(af->tmp);
		af->tmp = NULL;
		free(af->path);
		af->path = NULL;
		return (-1);
	}
	(void)fchmod(fd, 0600);
	if ((af->fp = fdopen(fd, "w")) == NULL) {
		oms_err_sys(err, errno, af->tmp, "fdopen");
		close(fd);
		oms_afile_abort(af);
		return (-1);
	}
	return (0);
nomem:
	free(af->path);
	af->path = NULL;
	return (oms_err_set(err, OMS_ENOMEM, path, 0, "out of memory"));
}

int
oms_afile_sync(struct oms_afile *af, struct oms_err *err)
{
	if (af->fp == NULL)
		return (0);	/* synced before */
	if (fflush(af->fp) == EOF || ferror(af->fp)) {
		oms_err_sys(err, errno, af->path, "write");
		oms_afile_abort(af);
		return (-1);
	}
	if (fsync(fileno(af->fp)) == -1) {
		oms_err_sys(err, errno, af->path, "fsync");
		oms_afile_abort(af);
		return (-1);
	}
	if (fclose(af->fp) == EOF) {
		af->fp = NULL;
		oms_err_sys(err, errno, af->path, "close");
		oms_afile_abort(af);
		return (-1);
	}
	af->fp = NULL;
	return (0);
}

/* After the file took its name: the directory made durable. */
int
oms_fsync_dir_of(const char *path, struct oms_err *err)
{
	char *dir;
	int r;

	if ((dir = dir_of(path)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, path, 0,
		    "out of memory"));
	r = oms_fsync_dir(dir, err);
	free(dir);
	return (r);
}

static int
settle(struct oms_afile *af, struct oms_err *err)
{
	int r;

	free(af->tmp);
	af->tmp = NULL;
	r = oms_fsync_dir_of(af->path, err);
	free(af->path);
	af->path = NULL;
	return (r);
}

int
oms_afile_publish(struct oms_afile *af, struct oms_err *err)
{
	if (oms_afile_sync(af, err) == -1)
		return (-1);
	if (rename(af->tmp, af->path) == -1) {
		oms_err_sys(err, errno, af->path, "rename");
		oms_afile_abort(af);
		return (-1);
	}
	return (settle(af, err));
}

int
oms_afile_commit(struct oms_afile *af, struct oms_err *err)
{
	return (oms_afile_publish(af, err));
}

int
oms_afile_publish_new(struct oms_afile *af, struct oms_err *err)
{
	if (oms_afile_sync(af, err) == -1)
		return (-1);
	/* link(2) never replaces: a file already there stays as it is */
	if (link(af->tmp, af->path) == -1) {
		if (errno == EEXIST)
			oms_err_set(err, OMS_EIO, af->path, 0, "exists "
			    "already; it is left as it is and the new file "
			    "stays as %s", af->tmp);
		else
			oms_err_sys(err, errno, af->path, "link");
		return (-1);
	}
	(void)unlink(af->tmp);
	return (settle(af, err));
}

void
oms_afile_forget(struct oms_afile *af)
{
	if (af->fp != NULL)
		fclose(af->fp);
	af->fp = NULL;
	free(af->tmp);
	af->tmp = NULL;
	free(af->path);
	af->path = NULL;
}

void
oms_afile_abort(struct oms_afile *af)
{
	if (af->fp != NULL)
		fclose(af->fp);
	af->fp = NULL;
	if (af->tmp != NULL)
		(void)unlink(af->tmp);
	free(af->tmp);
	af->tmp = NULL;
	free(af->path);
	af->path = NULL;
}

int
oms_err_link(struct oms_err *err, const char *path)
{
	return (oms_err_set(err, OMS_EIO, path, 0, "is a symbolic link: oms "
	    "does not follow links inside a workspace, since whoever can "
	    "change one could aim oms's writes at any file; put the file or "
	    "directory itself there (check where the link points first)"));
}

int
oms_ws_nolink(const struct oms_ws *ws, const char *rel, int type,
    struct oms_err *err)
{
	struct stat st;
	char *p;
	int r = 0;

	if ((p = oms_ws_path(ws, rel)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, rel, 0, "out of memory"));
	if (lstat(p, &st) == -1) {
		if (errno != ENOENT)
			r = oms_err_sys(err, errno, p, "stat");
	} else if (S_ISLNK(st.st_mode))
		r = oms_err_link(err, p);
	else if ((st.st_mode & S_IFMT) != (mode_t)type)
		r = oms_err_set(err, OMS_EIO, p, 0, "is not a %s; move it "
		    "away", type == S_IFDIR ? "directory" : "regular file");
	free(p);
	return (r);
}

int
oms_ws_mkdir(const struct oms_ws *ws, const char *rel, struct oms_err *err)
{
	char *p;
	int r;

	if (oms_ws_nolink(ws, rel, S_IFDIR, err) == -1)
		return (-1);
	if ((p = oms_ws_path(ws, rel)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, rel, 0, "out of memory"));
	r = 0;
	if (mkdir(p, 0700) == -1 && errno != EEXIST)
		r = oms_err_sys(err, errno, p, "mkdir");
	free(p);
	return (r);
}

int
oms_ws_open(struct oms_ws *ws, const char *dir, struct oms_err *err)
{
	char *conf;
	struct stat st;
	int r;

	memset(ws, 0, sizeof(*ws));
	ws->lockfd = -1;
	if ((ws->dir = strdup(dir)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, dir, 0, "out of memory"));
	if (stat(dir, &st) == -1)
		return (oms_err_sys(err, errno, dir, "workspace"));
	if (!S_ISDIR(st.st_mode))
		return (oms_err_set(err, OMS_EIO, dir, 0,
		    "workspace is not a directory"));
	/* others who may write it could swap its files (oms(7), Security) */
	ws->open_to_others = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st.st_mode & S_ISVTX) == 0;
	if ((conf = oms_ws_path(ws, "oms.conf")) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, dir, 0, "out of memory"));
	r = oms_conf_load(&ws->conf, conf, err);
	free(conf);
	return (r);
}

int
oms_ws_lock(struct oms_ws *ws, struct oms_err *err)
{
	char *path, buf[32];
	struct stat st;
	ssize_t n;
	int fd;

	if (ws->lockfd != -1)
		return (0);
	if ((path = oms_ws_path(ws, ".oms.lock")) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, ws->dir, 0,
		    "out of memory"));
	/*
	 * Never through a link (a planted .oms.lock -> /some/file would
	 * have that file truncated), never anything but our own plain file.
	 */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == ELOOP)
			oms_err_link(err, path);
		else
			oms_err_sys(err, errno, path, "open lock file");
		free(path);
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		oms_err_sys(err, errno, path, "stat lock file");
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		oms_err_set(err, OMS_EIO, path, 0, "is not a plain file of "
		    "its own (%s); remove it, oms makes a new one",
		    S_ISREG(st.st_mode) ? "it has other hard links" :
		    "a device, FIFO or directory");
		goto fail;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			oms_err_sys(err, errno, path, "lock");
			goto fail;
		}
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		oms_err_set(err, OMS_ELOCKED, ws->dir, 0,
		    "workspace is in use by another oms run (pid %s); "
		    "try again when it has finished",
		    buf[0] != '\0' ? buf : "unknown");
		goto fail;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	errno = 0;
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n) {
		/* a short write sets no errno: the disk is full */
		oms_err_sys(err, errno != 0 ? errno : ENOSPC, path,
		    "write lock file");
		goto fail;
	}
	free(path);
	ws->lockfd = fd;
	return (0);
fail:
	close(fd);
	free(path);
	return (-1);
}

void
oms_ws_close(struct oms_ws *ws)
{
	if (ws->lockfd != -1) {
		/* leave the file: removing it would race with a waiter */
		(void)ftruncate(ws->lockfd, 0);
		close(ws->lockfd);
	}
	ws->lockfd = -1;
	oms_conf_release(&ws->conf);
	free(ws->dir);
	ws->dir = NULL;
}

char *
oms_ws_path(const struct oms_ws *ws, const char *rel)
{
	return (oms_path_join(ws->dir, rel));
}

char *
oms_ws_find(const struct oms_ws *ws, const char *sub, const char *name,
    const char *fallback)
{
	char *d, *p;

	if ((d = oms_ws_path(ws, sub)) == NULL)
		return (NULL);
	p = oms_path_join(d, name);
	free(d);
	if (p == NULL || access(p, R_OK) == 0 || fallback == NULL)
		return (p);
	free(p);
	return (oms_path_join(fallback, name));
}
