/*
 * faultshim.c -- an LD_PRELOAD library that makes writes, syncs and renames
 * fail as a full or broken disk would, for the fault-injection sweeps of
 * tests/faults/sweep.sh (after SQLite's I/O error tests).  Test-only: it is
 * never installed.
 *
 * Only files under FAULT_DIR are touched: the path of a descriptor is read
 * from /proc/self/fd, so standard output, standard error and anything
 * outside the directory pass through untouched.
 *
 * The environment (read once, at the first call):
 *
 *   FAULT_DIR         the directory prefix; unset or empty: the shim does
 *                     nothing at all
 *   FAULT_MODE        calls (default): the first FAULT_AT matching calls
 *                     succeed and the next one fails;
 *                     bytes: the first FAULT_AT bytes written succeed, a
 *                     write that crosses the limit is cut short there (as
 *                     write(2) does on a full disk) and the next one fails
 *   FAULT_AT          N, see FAULT_MODE; unset: count only
 *   FAULT_ERRNO       ENOSPC (default), EIO, EDQUOT, EROFS or a number
 *   FAULT_OPS         which calls count and fail, comma-separated:
 *                       write   write, pwrite, pwrite64, writev, pwritev,
 *                               copy_file_range (its output) and stdio
 *                               streams (see below)
 *                       fsync   fsync, fdatasync
 *                       rename  rename, renameat, renameat2, and link,
 *                               linkat (a publish that never replaces)
 *                     default: write,fsync,rename; "all" is the same
 *   FAULT_ONCE        1: only the first failing call fails, later ones
 *                     succeed (a transient error); otherwise every later
 *                     matching call fails too (a full disk stays full)
 *   FAULT_COUNT_FILE  with FAULT_AT unset: at exit, a line is appended
 *                       PROG bytes=B calls=C write=W fsync=F rename=R
 *                     the totals of the run, so a sweep knows its range
 *   FAULT_TRACE       a line per matching call is appended:
 *                       INDEX OP BYTES-BEFORE NBYTES PATH
 *                     INDEX counts from 1, BYTES-BEFORE is the bytes
 *                     written before this call
 *   FAULT_LOG         a line per injected failure is appended:
 *                       PROG OP PATH ERRNO-NAME
 *
 * glibc's stdio writes its buffers with an internal write(2) that an
 * LD_PRELOAD library cannot interpose (checked on glibc 2.36 with a test
 * program).  So a stream that fopen() or fdopen() opens for writing on a
 * file under FAULT_DIR is replaced by a fopencookie(3) stream over the same
 * descriptor whose writes go through the shim; fileno() of such a stream
 * still gives the descriptor.  Streams that exist before main (stdin,
 * stdout, stderr) are never replaced.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OP_WRITE	0x1
#define OP_FSYNC	0x2
#define OP_RENAME	0x4
#define OP_ALL		(OP_WRITE | OP_FSYNC | OP_RENAME)

#define MAXSTREAMS	256

struct stream {
	FILE	*fp;
	int	 fd;
};

static struct {
	pthread_mutex_t	 mu;
	int		 active;	/* FAULT_DIR set */
	int		 armed;		/* FAULT_AT set */
	int		 bytes;		/* FAULT_MODE=bytes */
	int		 once;
	int		 ops;
	int		 eno;
	unsigned long long at;
	unsigned long long nbytes, ncalls, nop[3];
	int		 tripped;	/* the fault has happened */
	int		 spent;		/* FAULT_ONCE: the one failure is done */
	char		 dir[PATH_MAX];
	size_t		 dirlen;
	char		*countfile;
	int		 tracefd, logfd;
	struct stream	 streams[MAXSTREAMS];
} S = { .mu = PTHREAD_MUTEX_INITIALIZER, .tracefd = -1, .logfd = -1 };

static pthread_once_t once = PTHREAD_ONCE_INIT;

static ssize_t	(*real_write)(int, const void *, size_t);
static ssize_t	(*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t	(*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t	(*real_writev)(int, const struct iovec *, int);
static ssize_t	(*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t	(*real_copy_file_range)(int, off_t *, int, off_t *, size_t,
		    unsigned int);
static int	(*real_fsync)(int);
static int	(*real_fdatasync)(int);
static int	(*real_rename)(const char *, const char *);
static int	(*real_link)(const char *, const char *);
static int	(*real_linkat)(int, const char *, int, const char *, int);
static int	(*real_renameat)(int, const char *, int, const char *);
static int	(*real_renameat2)(int, const char *, int, const char *,
		    unsigned int);
static FILE	*(*real_fopen)(const char *, const char *);
static FILE	*(*real_fopen64)(const char *, const char *);
static FILE	*(*real_fdopen)(int, const char *);
static int	(*real_fclose)(FILE *);
static int	(*real_fileno)(FILE *);
static int	(*real_fileno_unlocked)(FILE *);


static const struct {
	const char	*name;
	int		 eno;
} errnos[] = {
	{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EDQUOT", EDQUOT },
	{ "EROFS", EROFS }, { "EFBIG", EFBIG }, { NULL, 0 }
};

/* Say why on standard error, past the shim, and stop. */
static void
die(const char *msg)
{
	(void)syscall(SYS_write, 2, msg, strlen(msg));
	abort();
}

static void *
sym(const char *name)
{
	void *p;

	if ((p = dlsym(RTLD_NEXT, name)) == NULL)
		die("faultshim: a libc symbol is missing\n");
	return (p);
}

static int
open_append(const char *path)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		die("faultshim: cannot open FAULT_TRACE, FAULT_LOG or "
		    "FAULT_COUNT_FILE\n");
	return (fd);
}

static void
init(void)
{
	const char *v;
	char *end, *copy, *tok, *save;
	int i;

	real_write = sym("write");
	real_pwrite = sym("pwrite");
	real_pwrite64 = sym("pwrite64");
	real_writev = sym("writev");
	real_pwritev = sym("pwritev");
	real_copy_file_range = sym("copy_file_range");
	real_fsync = sym("fsync");
	real_fdatasync = sym("fdatasync");
	real_rename = sym("rename");
	real_link = sym("link");
	real_linkat = sym("linkat");
	real_renameat = sym("renameat");
	real_renameat2 = dlsym(RTLD_NEXT, "renameat2");	/* glibc 2.28 */
	real_fopen = sym("fopen");
	real_fopen64 = sym("fopen64");
	real_fdopen = sym("fdopen");
	real_fclose = sym("fclose");
	real_fileno = sym("fileno");
	real_fileno_unlocked = sym("fileno_unlocked");

	if ((v = getenv("FAULT_DIR")) == NULL || *v == '\0')
		return;
	if (realpath(v, S.dir) == NULL)
		snprintf(S.dir, sizeof(S.dir), "%s", v);
	S.dirlen = strlen(S.dir);
	while (S.dirlen > 1 && S.dir[S.dirlen - 1] == '/')
		S.dir[--S.dirlen] = '\0';

	if ((v = getenv("FAULT_MODE")) != NULL && strcmp(v, "bytes") == 0)
		S.bytes = 1;
	else if (v != NULL && *v != '\0' && strcmp(v, "calls") != 0)
		die("faultshim: FAULT_MODE is calls or bytes\n");
	if ((v = getenv("FAULT_AT")) != NULL && *v != '\0') {
		errno = 0;
		S.at = strtoull(v, &end, 10);
		if (*end != '\0' || errno != 0 || *v == '-')
			die("faultshim: FAULT_AT is not a number\n");
		S.armed = 1;
	}
	S.eno = ENOSPC;
	if ((v = getenv("FAULT_ERRNO")) != NULL && *v != '\0') {
		for (i = 0; errnos[i].name != NULL; i++)
			if (strcmp(v, errnos[i].name) == 0)
				break;
		if (errnos[i].name != NULL)
			S.eno = errnos[i].eno;
		else if ((S.eno = atoi(v)) <= 0)
			die("faultshim: FAULT_ERRNO is a name or a number\n");
	}
	S.ops = OP_ALL;
	if ((v = getenv("FAULT_OPS")) != NULL && *v != '\0') {
		S.ops = 0;
		if ((copy = strdup(v)) == NULL)
			die("faultshim: out of memory\n");
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, "write") == 0)
				S.ops |= OP_WRITE;
			else if (strcmp(tok, "fsync") == 0)
				S.ops |= OP_FSYNC;
			else if (strcmp(tok, "rename") == 0)
				S.ops |= OP_RENAME;
			else if (strcmp(tok, "all") == 0)
				S.ops |= OP_ALL;
			else
				die("faultshim: FAULT_OPS names write, fsync, "
				    "rename or all\n");
		free(copy);
	}
	S.once = (v = getenv("FAULT_ONCE")) != NULL && strcmp(v, "1") == 0;
	if ((v = getenv("FAULT_COUNT_FILE")) != NULL && *v != '\0' &&
	    (S.countfile = strdup(v)) == NULL)
		die("faultshim: out of memory\n");
	if ((v = getenv("FAULT_TRACE")) != NULL && *v != '\0')
		S.tracefd = open_append(v);
	if ((v = getenv("FAULT_LOG")) != NULL && *v != '\0')
		S.logfd = open_append(v);
	S.active = 1;
}

static void
ensure(void)
{
	if (pthread_once(&once, init) != 0)
		die("faultshim: pthread_once\n");
}

static int
under(const char *path)
{
	if (strncmp(path, S.dir, S.dirlen) != 0)
		return (0);
	return (path[S.dirlen] == '\0' || path[S.dirlen] == '/' ||
	    S.dirlen == 1);
}

/* The path of fd, without the " (deleted)" of an unlinked file. */
static int
fd_path(int fd, char *buf, size_t len)
{
	static const char del[] = " (deleted)";
	char link[64];
	ssize_t n;
	size_t dl = sizeof(del) - 1;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, buf, len - 1)) == -1)
		return (-1);
	buf[n] = '\0';
	if ((size_t)n > dl && strcmp(buf + n - dl, del) == 0)
		buf[n - dl] = '\0';
	return (0);
}

/* Whether a descriptor other than 0, 1, 2 is on a file under FAULT_DIR. */
static int
fd_under(int fd, char *buf, size_t len)
{
	return (fd > 2 && fd_path(fd, buf, len) == 0 && under(buf));
}

/*
 * The absolute path of name relative to dirfd, its directory resolved
 * (symbolic links, "." and ".."); the name itself need not exist.
 */
static int
at_path(int dirfd, const char *name, char *buf, size_t len)
{
	char base[PATH_MAX], joined[2 * PATH_MAX + 2], dir[PATH_MAX], *slash;
	int n;

	if (name[0] == '/') {
		if ((size_t)snprintf(joined, sizeof(joined), "%s", name) >=
		    sizeof(joined))
			return (-1);
	} else {
		if (dirfd == AT_FDCWD) {
			if (getcwd(base, sizeof(base)) == NULL)
				return (-1);
		} else if (fd_path(dirfd, base, sizeof(base)) == -1)
			return (-1);
		if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", base,
		    name) >= sizeof(joined))
			return (-1);
	}
	slash = strrchr(joined, '/');
	*slash = '\0';
	if (realpath(joined[0] != '\0' ? joined : "/", dir) == NULL) {
		*slash = '/';
		n = snprintf(buf, len, "%s", joined);
	} else
		n = snprintf(buf, len, "%s/%s", strcmp(dir, "/") == 0 ? "" :
		    dir, slash + 1);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

static const char *
errno_name(int e)
{
	int i;

	for (i = 0; errnos[i].name != NULL; i++)
		if (errnos[i].eno == e)
			return (errnos[i].name);
	return ("E?");
}

static void
put_line(int fd, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

static void
put_line(int fd, const char *fmt, ...)
{
	char line[PATH_MAX + 256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (real_write(fd, line, (size_t)n) != n)
		die("faultshim: cannot write FAULT_TRACE or FAULT_LOG\n");
}

/*
 * Count a matching call of class op (function fn) on path, which would
 * write n bytes, and say how it goes: the number of bytes it may write
 * (n, or fewer when a full disk cuts it short), or -1 with errno set when
 * it must fail.
 */
static ssize_t
decide(int op, const char *fn, const char *path, size_t n)
{
	size_t allow = op == OP_WRITE ? n : 0;
	int fail = 0, slot = op == OP_WRITE ? 0 : op == OP_FSYNC ? 1 : 2;

	pthread_mutex_lock(&S.mu);
	S.ncalls++;
	S.nop[slot]++;
	if (S.tracefd != -1)
		put_line(S.tracefd, "%llu %s %llu %zu %s\n", S.ncalls, fn,
		    S.nbytes, allow, path);
	if (!S.armed || (S.once && S.tripped))
		;
	else if (S.tripped)
		fail = 1;
	else if (!S.bytes)
		fail = S.ncalls > S.at;
	else if (op == OP_WRITE) {
		if (S.nbytes >= S.at)
			fail = 1;
		else if (S.nbytes + allow > S.at)
			allow = (size_t)(S.at - S.nbytes);
	}
	if (fail) {
		S.tripped = 1;
		if (S.logfd != -1)
			put_line(S.logfd, "%s %s %s %s\n",
			    program_invocation_short_name, fn, path,
			    errno_name(S.eno));
	} else
		S.nbytes += allow;
	pthread_mutex_unlock(&S.mu);
	if (fail) {
		errno = S.eno;
		return (-1);
	}
	return ((ssize_t)allow);
}

/* how: 0 write, 1 pwrite, 2 pwrite64 */
static ssize_t
do_write(const char *fn, int how, int fd, const void *buf, size_t n,
    off_t off)
{
	char path[PATH_MAX];
	ssize_t allow;

	ensure();
	if (S.active && (S.ops & OP_WRITE) && fd_under(fd, path,
	    sizeof(path))) {
		if ((allow = decide(OP_WRITE, fn, path, n)) == -1)
			return (-1);
		n = (size_t)allow;
	}
	if (how == 0)
		return (real_write(fd, buf, n));
	if (how == 1)
		return (real_pwrite(fd, buf, n, off));
	return (real_pwrite64(fd, buf, n, off));
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	return (do_write("write", 0, fd, buf, n, 0));
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return (do_write("pwrite", 1, fd, buf, n, off));
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return (do_write("pwrite64", 2, fd, buf, n, off));
}

/* how: 0 writev, 1 pwritev; a short one is written piece by piece */
static ssize_t
do_writev(const char *fn, int how, int fd, const struct iovec *iov, int cnt,
    off_t off)
{
	char path[PATH_MAX];
	size_t total = 0, left, k;
	ssize_t allow, w, done = 0;
	int i;

	ensure();
	if (!S.active || !(S.ops & OP_WRITE) || !fd_under(fd, path,
	    sizeof(path)))
		return (how == 0 ? real_writev(fd, iov, cnt) :
		    real_pwritev(fd, iov, cnt, off));
	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	if ((allow = decide(OP_WRITE, fn, path, total)) == -1)
		return (-1);
	if ((size_t)allow == total)
		return (how == 0 ? real_writev(fd, iov, cnt) :
		    real_pwritev(fd, iov, cnt, off));
	left = (size_t)allow;
	for (i = 0; i < cnt && left > 0; i++) {
		k = iov[i].iov_len < left ? iov[i].iov_len : left;
		w = how == 0 ? real_write(fd, iov[i].iov_base, k) :
		    real_pwrite(fd, iov[i].iov_base, k, off + done);
		if (w == -1)
			return (done > 0 ? done : -1);
		done += w;
		left -= (size_t)w;
		if ((size_t)w < k)
			break;
	}
	return (done);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	return (do_writev("writev", 0, fd, iov, cnt, 0));
}

ssize_t
pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return (do_writev("pwritev", 1, fd, iov, cnt, off));
}

/* a copy into a file under FAULT_DIR writes as write(2) does */
ssize_t
copy_file_range(int in, off_t *inoff, int out, off_t *outoff, size_t n,
    unsigned int flags)
{
	char path[PATH_MAX];
	ssize_t allow;

	ensure();
	if (S.active && (S.ops & OP_WRITE) && fd_under(out, path,
	    sizeof(path))) {
		if ((allow = decide(OP_WRITE, "copy_file_range", path, n)) ==
		    -1)
			return (-1);
		n = (size_t)allow;
	}
	return (real_copy_file_range(in, inoff, out, outoff, n, flags));
}

static int
do_sync(const char *fn, int data, int fd)
{
	char path[PATH_MAX];

	ensure();
	if (S.active && (S.ops & OP_FSYNC) && fd_under(fd, path,
	    sizeof(path)) && decide(OP_FSYNC, fn, path, 0) == -1)
		return (-1);
	return (data ? real_fdatasync(fd) : real_fsync(fd));
}

int
fsync(int fd)
{
	return (do_sync("fsync", 0, fd));
}

int
fdatasync(int fd)
{
	return (do_sync("fdatasync", 1, fd));
}

/* A rename counts when its source or its target is under FAULT_DIR. */
static int
rename_fails(const char *fn, int fd1, const char *from, int fd2,
    const char *to)
{
	char p1[PATH_MAX], p2[PATH_MAX];
	const char *p;

	ensure();
	if (!S.active || !(S.ops & OP_RENAME))
		return (0);
	if (at_path(fd1, from, p1, sizeof(p1)) == 0 && under(p1))
		p = p1;
	else if (at_path(fd2, to, p2, sizeof(p2)) == 0 && under(p2))
		p = p2;
	else
		return (0);
	return (decide(OP_RENAME, fn, p, 0) == -1);
}

int
rename(const char *from, const char *to)
{
	if (rename_fails("rename", AT_FDCWD, from, AT_FDCWD, to))
		return (-1);
	return (real_rename(from, to));
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	if (rename_fails("renameat", fd1, from, fd2, to))
		return (-1);
	return (real_renameat(fd1, from, fd2, to));
}

int
link(const char *from, const char *to)
{
	if (rename_fails("link", AT_FDCWD, from, AT_FDCWD, to))
		return (-1);
	return (real_link(from, to));
}

int
linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	if (rename_fails("linkat", fd1, from, fd2, to))
		return (-1);
	return (real_linkat(fd1, from, fd2, to, flags));
}

int
renameat2(int fd1, const char *from, int fd2, const char *to,
    unsigned int flags)
{
	if (rename_fails("renameat2", fd1, from, fd2, to))
		return (-1);
	if (real_renameat2 == NULL) {
		errno = ENOSYS;
		return (-1);
	}
	return (real_renameat2(fd1, from, fd2, to, flags));
}

/* --- stdio: cookie streams whose writes go through do_write() */

static ssize_t
ck_read(void *c, char *buf, size_t n)
{
	return (read((int)(intptr_t)c, buf, n));
}

/* As glibc's own file stream: write it all, or as much as went. */
static ssize_t
ck_write(void *c, const char *buf, size_t n)
{
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		w = do_write("stdio", 0, (int)(intptr_t)c, buf + done,
		    n - done, 0);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		done += (size_t)w;
	}
	return ((ssize_t)done);
}

static int
ck_seek(void *c, off64_t *off, int whence)
{
	off64_t r;

	if ((r = lseek64((int)(intptr_t)c, *off, whence)) == -1)
		return (-1);
	*off = r;
	return (0);
}

static int
ck_close(void *c)
{
	return (close((int)(intptr_t)c));
}

static int
writable(const char *mode)
{
	return (strpbrk(mode, "wa+") != NULL);
}

static FILE *
wrap(int fd, const char *mode)
{
	static const cookie_io_functions_t io = {
		ck_read, ck_write, ck_seek, ck_close
	};
	FILE *fp;
	int i;

	if ((fp = fopencookie((void *)(intptr_t)fd, mode, io)) == NULL)
		return (NULL);
	pthread_mutex_lock(&S.mu);
	for (i = 0; i < MAXSTREAMS && S.streams[i].fp != NULL; i++)
		;
	if (i == MAXSTREAMS)
		die("faultshim: more than 256 streams open\n");
	S.streams[i].fp = fp;
	S.streams[i].fd = fd;
	pthread_mutex_unlock(&S.mu);
	return (fp);
}

/* The descriptor of a cookie stream of ours, -1 for another stream. */
static int
stream_fd(FILE *fp, int forget)
{
	int i, fd = -1;

	pthread_mutex_lock(&S.mu);
	for (i = 0; i < MAXSTREAMS; i++)
		if (S.streams[i].fp == fp) {
			fd = S.streams[i].fd;
			if (forget)
				S.streams[i].fp = NULL;
			break;
		}
	pthread_mutex_unlock(&S.mu);
	return (fd);
}

/* A stream real fopen() opened, moved onto a cookie stream. */
static FILE *
rewrap(FILE *fp, const char *mode)
{
	char path[PATH_MAX];
	int fd, nfd, fdflags;

	if (fp == NULL || !S.active || !writable(mode) ||
	    !fd_under(fd = real_fileno(fp), path, sizeof(path)))
		return (fp);
	fdflags = fcntl(fd, F_GETFD);
	nfd = fcntl(fd, fdflags != -1 && (fdflags & FD_CLOEXEC) ?
	    F_DUPFD_CLOEXEC : F_DUPFD, 3);
	if (nfd == -1)
		return (fp);	/* left as it is */
	(void)real_fclose(fp);	/* nothing written yet */
	return (wrap(nfd, mode));
}

FILE *
fopen(const char *path, const char *mode)
{
	ensure();
	return (rewrap(real_fopen(path, mode), mode));
}

FILE *
fopen64(const char *path, const char *mode)
{
	ensure();
	return (rewrap(real_fopen64(path, mode), mode));
}

FILE *
fdopen(int fd, const char *mode)
{
	char path[PATH_MAX];
	int fl, acc;

	ensure();
	if (!S.active || !writable(mode) || !fd_under(fd, path, sizeof(path)))
		return (real_fdopen(fd, mode));
	/* the checks fdopen() itself makes */
	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return (NULL);
	acc = fl & O_ACCMODE;
	if ((mode[0] != 'r' && acc == O_RDONLY) ||
	    (strchr(mode, '+') != NULL && acc != O_RDWR) ||
	    (mode[0] == 'r' && strchr(mode, '+') == NULL && acc == O_WRONLY)) {
		errno = EINVAL;
		return (NULL);
	}
	if (mode[0] == 'a' && !(fl & O_APPEND) &&
	    fcntl(fd, F_SETFL, fl | O_APPEND) == -1)
		return (NULL);
	return (wrap(fd, mode));
}

int
fclose(FILE *fp)
{
	ensure();
	(void)stream_fd(fp, 1);
	return (real_fclose(fp));
}

int
fileno(FILE *fp)
{
	int fd;

	ensure();
	if ((fd = stream_fd(fp, 0)) != -1)
		return (fd);
	return (real_fileno(fp));
}

int
fileno_unlocked(FILE *fp)
{
	int fd;

	ensure();
	if ((fd = stream_fd(fp, 0)) != -1)
		return (fd);
	return (real_fileno_unlocked(fp));
}

/* With FAULT_AT unset, the totals of the run into FAULT_COUNT_FILE. */
__attribute__((__destructor__)) static void
fini(void)
{
	int fd;

	if (!S.active || S.armed || S.countfile == NULL)
		return;
	fd = open_append(S.countfile);
	pthread_mutex_lock(&S.mu);
	put_line(fd, "%s bytes=%llu calls=%llu write=%llu fsync=%llu "
	    "rename=%llu\n", program_invocation_short_name, S.nbytes,
	    S.ncalls, S.nop[0], S.nop[1], S.nop[2]);
	pthread_mutex_unlock(&S.mu);
	close(fd);
}
