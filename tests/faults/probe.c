/*
 * probe.c -- a fixed sequence of writes, syncs and renames, each one's
 * outcome on standard output, to test faultshim.so itself (t0930)
 *
 * usage: probe DIR OUTSIDE
 *
 * In DIR (which must exist): write(2) 100 bytes to DIR/a, pwrite(2) 50
 * more, fsync(2); fopen(3) DIR/b, fwrite(3) 10000 bytes, fflush(3),
 * fsync(fileno()), fclose(3); open DIR/c, fdopen(3) it, fputs(3) 20
 * bytes, fclose(3); rename(2) DIR/a to DIR/a2; renameat(2) DIR/c to
 * DIR/c2.  Then 30 bytes written to OUTSIDE (a file not under FAULT_DIR)
 * with write(2) and with stdio, and a line to standard error.
 *
 * Each step prints "NAME ok", "NAME short N" or "NAME ERRNO-NAME".
 * Exit 0.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[10000];

static const char *
ename(int e)
{
	switch (e) {
	case ENOSPC:
		return ("ENOSPC");
	case EIO:
		return ("EIO");
	default:
		return (strerror(e));
	}
}

static void
said(const char *name, long r, long want)
{
	if (r == want)
		printf("%s ok\n", name);
	else if (r >= 0)
		printf("%s short %ld\n", name, r);
	else
		printf("%s %s\n", name, ename(errno));
}

static char *
in(const char *dir, const char *name)
{
	char *p;

	if ((p = malloc(strlen(dir) + strlen(name) + 2)) == NULL) {
		perror("probe");
		exit(3);
	}
	sprintf(p, "%s/%s", dir, name);
	return (p);
}

int
main(int argc, char *argv[])
{
	const char *dir;
	FILE *fp;
	int fd, dfd;

	if (argc != 3) {
		fprintf(stderr, "usage: probe DIR OUTSIDE\n");
		return (2);
	}
	dir = argv[1];
	memset(buf, 'x', sizeof(buf));

	if ((fd = open(in(dir, "a"), O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
	    -1) {
		perror("probe: open");
		return (3);
	}
	said("write", (long)write(fd, buf, 100), 100);
	said("pwrite", (long)pwrite(fd, buf, 50, 100), 50);
	said("fsync", fsync(fd), 0);
	close(fd);

	if ((fp = fopen(in(dir, "b"), "w")) == NULL) {
		perror("probe: fopen");
		return (3);
	}
	said("fwrite", (long)fwrite(buf, 1, sizeof(buf), fp),
	    (long)sizeof(buf));
	said("fflush", fflush(fp) == EOF ? -1 : 0, 0);
	said("ferror", ferror(fp) ? -1 : 0, 0);
	said("fsync-fileno", fsync(fileno(fp)), 0);
	said("fclose", fclose(fp) == EOF ? -1 : 0, 0);

	if ((fd = open(in(dir, "c"), O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
	    -1 || (fp = fdopen(fd, "w")) == NULL) {
		perror("probe: fdopen");
		return (3);
	}
	said("fputs", fputs("twenty bytes, a line", fp) == EOF ? -1 : 0, 0);
	said("fdopen-fclose", fclose(fp) == EOF ? -1 : 0, 0);

	said("rename", rename(in(dir, "a"), in(dir, "a2")), 0);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) == -1) {
		perror("probe: open dir");
		return (3);
	}
	said("renameat", renameat(dfd, "c", dfd, "c2"), 0);
	close(dfd);

	if ((fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (fp = fdopen(dup(fd), "w")) == NULL) {
		perror("probe: outside");
		return (3);
	}
	said("outside-write", (long)write(fd, buf, 15), 15);
	said("outside-fsync", fsync(fd), 0);
	close(fd);
	said("outside-fwrite", (long)fwrite(buf, 1, 15, fp), 15);
	said("outside-fclose", fclose(fp) == EOF ? -1 : 0, 0);
	said("stderr", fprintf(stderr, "probe: to stderr\n") > 0 ? 0 : -1, 0);
	return (fflush(stdout) == EOF ? 3 : 0);
}
