/*
 * ledger.c -- the ledger file: opening and reading it, its header, and
 * appending blocks of events up to their commit line
 *
 * The ledger is the commit point of every operation: a block of event lines
 * ends with a "commit" line and is fsynced; a small block goes in one
 * write(), a large one in pieces with the commit line last.  A crash can
 * only tear the last block; readers stop at the last commit and the next
 * append cuts the torn tail off first.  Every event read or written is
 * handed to the fold (ledger_fold.c) as a struct oms_event.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger_int.h"

static const char *const colnames[OMS_L_NCOL] = {
	"time", "event", "account", "registry", "period", "kind", "payer",
	"pr_nov", "n_zap", "idcase", "sum", "file", "data"
};

char *
oms_ledger_now(char *buf, size_t len)
{
	time_t t;
	struct tm tm;

	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return (buf);
}

static int
header_line(struct oms_buf *b, struct oms_err *err)
{
	return (oms_tsv_row(b, colnames, OMS_L_NCOL, err));
}

int
oms_ledger_line(struct oms_buf *b, const char *const *f, struct oms_err *err)
{
	return (oms_tsv_row(b, f, OMS_L_NCOL, err));
}

static int	split(const struct oms_ledger *, char *, size_t, const char **,
		    unsigned long, struct oms_err *);
static int	one_line(struct oms_ledger *, char *, size_t, unsigned long,
		    int (*)(void *, const struct oms_ledger *,
		    const struct oms_event *, struct oms_err *), void *,
		    struct oms_err *);

#define READ_BLOCK	((size_t)1 << 20)

int
omsi_ledger_scan_lines(const struct oms_ledger *l, const char *needle,
    int (*fn)(void *, const struct oms_ledger *, const struct oms_event *,
    struct oms_err *), void *arg, struct oms_err *err)
{
	FILE *fp;
	struct oms_event ev;
	const char *f[OMS_L_NCOL];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	off_t off = 0;
	unsigned long lineno = 0;
	int r = 0;

	if ((fp = fopen(l->path, "r")) == NULL) {
		if (errno == ENOENT)
			return (0);
		return (oms_err_sys(err, errno, l->path, "open"));
	}
	/* a needle the TSV would escape is not looked for raw */
	if (needle != NULL && strpbrk(needle, "\\\t\n\r") != NULL)
		needle = NULL;
	while (off < l->committed && (len = getline(&line, &cap, fp)) > 0) {
		off += len;
		/* a cheap filter before the split */
		if (++lineno == 1 || (needle != NULL &&
		    strstr(line, needle) == NULL))
			continue;
		line[--len] = '\0';
		if (split(l, line, (size_t)len, f, lineno, err) == -1) {
			r = -1;
			break;
		}
		ev.type = oms_event_parse(f[OMS_L_EVENT]);
		ev.lineno = lineno;
		ev.f = f;
		if ((r = fn(arg, l, &ev, err)) != 0)
			break;
	}
	free(line);
	fclose(fp);
	return (r);
}

/* Split one line (without LF) in place into exactly OMS_L_NCOL fields. */
static int
split(const struct oms_ledger *l, char *line, size_t len, const char **f,
    unsigned long lineno, struct oms_err *err)
{
	size_t nf = 0;
	char *p, *e, *end = line + len;
	int esc = memchr(line, '\\', len) != NULL;	/* rare: look once */
	long n;

	for (p = line; ; p = e + 1) {
		e = memchr(p, '\t', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (nf == OMS_L_NCOL)
			return (oms_err_set(err, OMS_EDATA, l->path, lineno,
			    "more than %d fields", OMS_L_NCOL));
		*e = '\0';
		if (esc && (n = oms_tsv_unescape(p, (size_t)(e - p))) < 0)
			return (oms_err_set(err, OMS_EDATA, l->path, lineno,
			    "bad backslash escape in field \"%s\"",
			    colnames[nf]));
		f[nf++] = p;
		if (e == end)
			break;
	}
	if (nf != OMS_L_NCOL)
		return (oms_err_set(err, OMS_EDATA, l->path, lineno,
		    "expected %d fields, got %zu", OMS_L_NCOL, nf));
	return (0);
}

/* Whether a raw line is a commit event: looked for before any split. */
static int
is_commit_line(const char *line, size_t len)
{
	const char *t = memchr(line, '\t', len);

	return (t != NULL && (size_t)(line + len - t) > 8 &&
	    memcmp(t, "\tcommit\t", 8) == 0);
}

/*
 * The start of the file.  A ledger is created with its header in one
 * write made durable before any event, but a disk that filled up while
 * an older oms created it, or a hand that emptied it, can leave it empty
 * or with the header cut short.  With nothing after that it is a new
 * ledger (l->fresh: oms_ledger_begin writes it anew); with events after
 * it, it is refused with the command that repairs it.
 */
static int
check_head(struct oms_ledger *l, int fd, struct oms_err *err)
{
	struct oms_buf h;
	char buf[512];
	size_t k, n;
	ssize_t r;
	const char *nl;

	oms_buf_init(&h, 0);
	if (header_line(&h, err) == -1)
		return (-1);
	n = l->size < (off_t)sizeof(buf) ? (size_t)l->size : sizeof(buf);
	if ((r = pread(fd, buf, n, 0)) != (ssize_t)n) {
		oms_buf_release(&h);
		return (oms_err_sys(err, r == -1 ? errno : EIO, l->path,
		    "read"));
	}
	for (k = 0; k < n && k < h.len && buf[k] == h.s[k]; k++)
		;
	if (k == h.len) {		/* the header, whole */
		oms_buf_release(&h);
		return (0);
	}
	if (k == n && (off_t)n == l->size) {
		/* all there is is a piece of the header: no events */
		l->fresh = 1;
		oms_buf_release(&h);
		return (0);
	}
	nl = memchr(buf, '\n', n);
	if (nl != NULL && (size_t)(nl - buf) + 1 < n && memchr(buf, '\t',
	    (size_t)(nl - buf)) != NULL && (k > 0 || (buf[0] >= '0' &&
	    buf[0] <= '9'))) {
		/* events follow a missing or cut header */
		char hdr[256], *o = hdr;
		size_t i;

		for (i = 0; i + 1 < h.len && o < hdr + sizeof(hdr) - 3; i++)
			if (h.s[i] == '\t') {
				*o++ = '\\';
				*o++ = 't';
			} else
				*o++ = h.s[i];
		*o = '\0';
		oms_err_set(err, OMS_EDATA, l->path, 1, "the ledger's header "
		    "line is %s but events follow it (an older oms created "
		    "it on a full disk?); nothing was changed.  To repair it, "
		    "in the workspace run: (umask 077; { printf '%s\\n'; "
		    "tail -c +%zu ledger.tsv; } >ledger.new) && "
		    "mv ledger.new ledger.tsv",
		    k == 0 ? "missing" : "cut short", hdr, k + 1);
		oms_buf_release(&h);
		return (-1);
	}
	oms_buf_release(&h);
	return (0);	/* not ours: one_line says so naming the column */
}

/* The offset just after the last commit line (or the header). */
static int
find_committed(struct oms_ledger *l, int fd, struct oms_err *err)
{
	char tail[4096];
	int fd0;
	size_t n, i;
	ssize_t r;
	off_t off;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	/* fast path: the file ends with a commit line */
	n = l->size > (off_t)sizeof(tail) ? sizeof(tail) : (size_t)l->size;
	if ((r = pread(fd, tail, n, l->size - (off_t)n)) != (ssize_t)n)
		return (oms_err_sys(err, errno, l->path, "read"));
	if (n > 0 && tail[n - 1] == '\n') {
		for (i = n - 1; i > 0 && tail[i - 1] != '\n'; i--)
			;
		if ((i > 0 || n == (size_t)l->size) &&
		    is_commit_line(tail + i, n - 1 - i)) {
			l->committed = l->size;
			return (0);
		}
	}
	/* slow path, after a crash: scan forward */
	fd0 = fd;
	if ((fd = dup(fd)) == -1)
		return (oms_err_sys(err, errno, l->path, "read"));
	if ((fp = fdopen(fd, "r")) == NULL) {
		oms_err_sys(err, errno, l->path, "read");
		close(fd);
		return (-1);
	}
	off = 0;
	l->committed = 0;
	for (i = 0; (len = getline(&line, &cap, fp)) > 0; i++) {
		off += len;
		if (line[len - 1] != '\n')
			break;
		if (i == 0 || is_commit_line(line, (size_t)len - 1))
			l->committed = off;
	}
	free(line);
	fclose(fp);
	/* the dup shared our offset */
	if (lseek(fd0, 0, SEEK_SET) == -1)
		return (oms_err_sys(err, errno, l->path, "seek"));
	return (0);
}

struct oms_ledger *
oms_ledger_open(const char *path, struct oms_err *err)
{
	return (oms_ledger_open_with(path, NULL, NULL, err));
}

struct oms_ledger *
oms_ledger_open_with(const char *path, int (*fn)(void *,
    const struct oms_ledger *, const struct oms_event *, struct oms_err *),
    void *arg, struct oms_err *err)
{
	struct oms_ledger *l;
	struct stat st;
	char *buf = NULL, *p, *nl;
	size_t bcap, have, want;
	ssize_t n;
	ptrdiff_t len;
	off_t off;
	unsigned long lineno;
	int fd, bad;

	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->path = strdup(path)) == NULL ||
	    (l->views = calloc(1, sizeof(*l->views))) == NULL) {
		if (l != NULL)
			free(l->path);
		free(l);
		oms_err_set(err, OMS_ENOMEM, path, 0, "out of memory");
		return (NULL);
	}
	omsi_arena_init(&l->arena);
	omsi_hash_init(&l->reg_idx);
	omsi_hash_init(&l->imported);
	omsi_hash_init(&l->strings);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (l);
		if (errno == ELOOP)
			oms_err_link(err, path);
		else
			oms_err_sys(err, errno, path, "open");
		goto fail;
	}
	if (fstat(fd, &st) == -1) {
		oms_err_sys(err, errno, path, "stat");
		close(fd);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		oms_err_set(err, OMS_EIO, path, 0, "is not a regular file; "
		    "move it away");
		close(fd);
		goto fail;
	}
	l->size = st.st_size;
	if (check_head(l, fd, err) == -1) {
		close(fd);
		goto fail;
	}
	if (l->fresh) {
		/* no events: as if there were no file (begin replaces it) */
		close(fd);
		l->size = 0;
		return (l);
	}
	if (find_committed(l, fd, err) == -1) {
		close(fd);
		goto fail;
	}
	/*
	 * Read in big blocks and split the lines in place: no stdio copy of
	 * every line, and the checks for NUL and CR run over a block at a
	 * time (a line is looked for only when one is there).
	 */
	if ((buf = malloc(READ_BLOCK + 1)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, path, 0, "out of memory");
		close(fd);
		goto fail;
	}
	bcap = READ_BLOCK;
	have = 0;
	off = 0;
	lineno = 1;
	while (off < l->committed) {
		want = (size_t)(l->committed - off) < bcap - have ?
		    (size_t)(l->committed - off) : bcap - have;
		do
			n = read(fd, buf + have, want);
		while (n == -1 && errno == EINTR);
		if (n == -1) {
			oms_err_sys(err, errno, path, "read");
			goto fail_fd;
		}
		if (n == 0)
			break;		/* cut short under us: what was read */
		bad = memchr(buf + have, '\0', (size_t)n) != NULL ||
		    memchr(buf + have, '\r', (size_t)n) != NULL;
		have += (size_t)n;
		off += n;
		for (p = buf; (nl = memchr(p, '\n', have - (size_t)(p -
		    buf))) != NULL; p = nl + 1, lineno++) {
			*nl = '\0';
			len = nl - p;
			if (bad && (memchr(p, '\0', (size_t)len) != NULL ||
			    memchr(p, '\r', (size_t)len) != NULL)) {
				oms_err_set(err, OMS_EDATA, path, lineno,
				    "NUL or carriage return in the ledger");
				goto fail_fd;
			}
			if (one_line(l, p, (size_t)len, lineno, fn, arg,
			    err) == -1)
				goto fail_fd;
		}
		/* the start of a line that goes on in the next block */
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == bcap) {
			char *b = realloc(buf, bcap * 2 + 1);

			if (b == NULL) {
				oms_err_set(err, OMS_ENOMEM, path, 0,
				    "out of memory");
				goto fail_fd;
			}
			buf = b;
			bcap *= 2;
		}
	}
	close(fd);
	free(buf);
	buf = NULL;
	l->lines = lineno - 1;
	return (l);
fail_fd:
	close(fd);
fail:
	free(buf);
	oms_ledger_free(l);
	return (NULL);
}

/*
 * Split an event line, fold it, then give it to fn (when there is one):
 * fn sees the ledger with this event taken in.
 */
static int
fold_line(struct oms_ledger *l, char *line, size_t len, unsigned long lineno,
    int (*fn)(void *, const struct oms_ledger *, const struct oms_event *,
    struct oms_err *), void *arg, struct oms_err *err)
{
	const char *f[OMS_L_NCOL];
	struct oms_event ev;

	if (split(l, line, len, f, lineno, err) == -1)
		return (-1);
	ev.type = oms_event_parse(f[OMS_L_EVENT]);
	ev.lineno = lineno;
	ev.f = f;
	if (omsi_ledger_fold(l, &ev, err) == -1 ||
	    (fn != NULL && fn(arg, l, &ev, err) != 0))
		return (-1);
	return (0);
}

/* The header (line 1) or an event of oms_ledger_open_with. */
static int
one_line(struct oms_ledger *l, char *line, size_t len, unsigned long lineno,
    int (*fn)(void *, const struct oms_ledger *, const struct oms_event *,
    struct oms_err *), void *arg, struct oms_err *err)
{
	const char *f[OMS_L_NCOL];
	int i;

	if (lineno != 1)
		return (fold_line(l, line, len, lineno, fn, arg, err));
	if (split(l, line, len, f, lineno, err) == -1)
		return (oms_err_set(err, OMS_EDATA, l->path, 1, "not an oms "
		    "ledger: the header does not have the %d ledger columns",
		    OMS_L_NCOL));
	for (i = 0; i < OMS_L_NCOL; i++)
		if (strcmp(f[i], colnames[i]) != 0)
			return (oms_err_set(err, OMS_EDATA, l->path, 1,
			    "not an oms ledger: column %d is \"%s\", "
			    "expected \"%s\"", i + 1, f[i], colnames[i]));
	return (0);
}

void
oms_ledger_free(struct oms_ledger *l)
{
	if (l == NULL)
		return;
	omsi_hash_release(&l->reg_idx);
	omsi_hash_release(&l->imported);
	omsi_hash_release(&l->strings);
	free(l->str);
	free(l->fix);
	free(l->itime);
	free(l->contra);
	omsi_arena_release(&l->arena);
	omsi_ledger_fold_free(l);
	free(l->reg);
	free(l->path);
	free(l);
}

size_t
oms_ledger_torn(const struct oms_ledger *l)
{
	return ((size_t)(l->size - l->committed));
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

/* Fold the lines of a block we have just written. */
static int
fold_block(struct oms_ledger *l, char *s, size_t len, struct oms_err *err)
{
	char *p, *e;

	for (p = s; p < s + len; p = e + 1) {
		e = memchr(p, '\n', (size_t)(s + len - p));
		l->lines++;
		if (fold_line(l, p, (size_t)(e - p), l->lines, NULL, NULL,
		    err) == -1)
			return (-1);
	}
	return (0);
}

/*
 * A new ledger: its header goes into a temporary file made durable, which
 * then takes the ledger's name, so that no crash and no full disk can
 * leave a ledger without its header.  An empty or header-torn one (fresh)
 * is replaced; otherwise link(2) refuses to replace one that a run
 * outside the lock has made meanwhile.
 */
static int
create(struct oms_ledger *l, struct oms_err *err)
{
	struct oms_afile af;
	struct oms_buf hdr;
	int rc = -1;

	oms_buf_init(&hdr, 0);
	if (header_line(&hdr, err) == -1 ||
	    oms_afile_open(&af, l->path, err) == -1)
		goto out;
	if (fwrite(hdr.s, 1, hdr.len, af.fp) != hdr.len) {
		oms_err_sys(err, errno, l->path, "write the header");
		oms_afile_abort(&af);
		goto out;
	}
	if ((l->fresh ? oms_afile_publish(&af, err) :
	    oms_afile_publish_new(&af, err)) == -1) {
		oms_afile_abort(&af);	/* no temporary file stays */
		goto out;
	}
	l->committed = l->size = (off_t)hdr.len;
	l->lines = 1;
	l->fresh = 0;
	rc = 0;
out:
	oms_buf_release(&hdr);
	return (rc);
}

int
oms_ledger_begin(struct oms_ledger *l, struct oms_ledger_tx *tx,
    struct oms_err *err)
{
	struct stat st;
	int fd;

	memset(tx, 0, sizeof(*tx));
	tx->l = l;
	tx->fd = -1;
	if (l->unfolded)
		return (oms_err_set(err, OMS_EINTERNAL, l->path, 0, "holds "
		    "a commit it did not fold: open it again to write"));
	if (l->fresh && create(l, err) == -1)
		return (-1);
	fd = open(l->path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		if (create(l, err) == -1)
			return (-1);
		tx->created = 1;
		fd = open(l->path, O_WRONLY | O_APPEND | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
	}
	if (fd == -1) {
		if (errno == ELOOP)
			return (oms_err_link(err, l->path));
		return (oms_err_sys(err, errno, l->path, "open"));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return (oms_err_set(err, OMS_EIO, l->path, 0,
		    "is not a regular file; move it away"));
	}
	if (st.st_size != l->size && st.st_size != l->committed) {
		/* somebody wrote it since we read it (not under the lock) */
		close(fd);
		return (oms_err_set(err, OMS_EIO, l->path, 0, "changed since "
		    "it was read (%lld bytes, read %lld): was it written "
		    "without the workspace lock? run again",
		    (long long)st.st_size, (long long)l->size));
	}
	if (st.st_size != l->committed &&
	    ftruncate(fd, l->committed) == -1) {
		oms_err_sys(err, errno, l->path,
		    "cut off the torn tail left by an interrupted run");
		close(fd);
		return (-1);
	}
	l->size = l->committed;
	tx->fd = fd;
	return (0);
}

void
oms_ledger_abort(struct oms_ledger_tx *tx)
{
	struct oms_ledger *l = tx->l;

	if (tx->fd == -1)
		return;
	/* leave no partial block behind */
	(void)ftruncate(tx->fd, l->committed);
	(void)fsync(tx->fd);
	close(tx->fd);
	tx->fd = -1;
	/*
	 * A ledger this transaction made holds its header only: gone, as
	 * there was none (a first export that failed, on a full disk say,
	 * leaves the workspace as it found it).  Should the unlink fail,
	 * a ledger of its header alone is a new one to every reader.
	 */
	if (!tx->created || unlink(l->path) == -1)
		return;
	tx->created = 0;
	l->size = l->committed = 0;
	l->lines = 0;
	(void)oms_fsync_dir_of(l->path, NULL);
}

int
oms_ledger_flush(struct oms_ledger_tx *tx, struct oms_buf *block,
    struct oms_err *err)
{
	if (block->len == 0)
		return (0);
	if (write_all(tx->fd, block->s, block->len) == -1) {
		oms_err_sys(err, errno, tx->l->path, "append");
		oms_ledger_abort(tx);
		return (-1);
	}
	tx->flushed += block->len;
	oms_buf_reset(block);
	return (0);
}

/* Fold what a transaction wrote, read back from the file in pieces. */
static int
fold_back(struct oms_ledger *l, off_t from, off_t to, struct oms_err *err)
{
	char *buf, *nl;
	size_t cap = (size_t)1 << 20, have = 0, n;
	ssize_t r;
	int fd, rc = 0;

	if ((fd = open(l->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (oms_err_sys(err, errno, l->path, "open"));
	if ((buf = malloc(cap)) == NULL) {
		close(fd);
		return (oms_err_set(err, OMS_ENOMEM, l->path, 0,
		    "out of memory"));
	}
	while (from < to && rc == 0) {
		n = cap - have;
		if ((off_t)n > to - from)
			n = (size_t)(to - from);
		if ((r = pread(fd, buf + have, n, from)) <= 0) {
			rc = oms_err_sys(err, r == 0 ? EIO : errno, l->path,
			    "read back");
			break;
		}
		from += r;
		have += (size_t)r;
		/* the whole lines; a line longer than the buffer grows it */
		for (nl = buf + have; nl > buf && nl[-1] != '\n'; nl--)
			;
		if (nl-- == buf) {
			char *b;

			if (have < cap)
				continue;
			if ((b = realloc(buf, cap * 2)) == NULL) {
				rc = oms_err_set(err, OMS_ENOMEM, l->path, 0,
				    "out of memory");
				break;
			}
			buf = b;
			cap *= 2;
			continue;
		}
		n = (size_t)(nl - buf) + 1;
		rc = fold_block(l, buf, n, err);
		memmove(buf, buf + n, have - n);
		have -= n;
	}
	free(buf);
	close(fd);
	return (rc);
}

int
oms_ledger_commit(struct oms_ledger_tx *tx, struct oms_buf *block,
    const char *op, const char *now, struct oms_err *err)
{
	struct oms_ledger *l = tx->l;
	const char *f[OMS_L_NCOL] = { 0 };
	char data[64];
	off_t from = l->committed;
	size_t start = block->len;

	f[OMS_L_TIME] = now;
	f[OMS_L_EVENT] = oms_event_name(OMS_EV_COMMIT);
	snprintf(data, sizeof(data), "op=%s", op);
	f[OMS_L_DATA] = data;
	if (oms_ledger_line(block, f, err) == -1) {
		oms_ledger_abort(tx);
		return (-1);
	}
	if (write_all(tx->fd, block->s, block->len) == -1 ||
	    fsync(tx->fd) == -1) {
		oms_err_sys(err, errno, l->path, "append");
		oms_ledger_abort(tx);
		goto undo;
	}
	if (close(tx->fd) == -1) {
		tx->fd = -1;
		oms_err_sys(err, errno, l->path, "close");
		goto undo;
	}
	tx->fd = -1;
	l->committed += (off_t)(tx->flushed + block->len);
	l->size = l->committed;
	if (tx->nofold) {
		l->unfolded = 1;
		return (0);
	}
	if (tx->flushed == 0)
		return (fold_block(l, block->s, block->len, err));
	return (fold_back(l, from, l->committed, err));
undo:
	block->len = start;
	if (block->s != NULL)
		block->s[start] = '\0';
	return (-1);
}

int
oms_ledger_append(struct oms_ledger *l, struct oms_buf *block, const char *op,
    const char *now, struct oms_err *err)
{
	struct oms_ledger_tx tx;

	if (oms_ledger_begin(l, &tx, err) == -1)
		return (-1);
	return (oms_ledger_commit(&tx, block, op, now, err));
}
