/*
 * import.c -- import one reply: the driver, whatever the profile
 *
 * A reply is opened, recognised and read by its profile's reader
 * (struct omsi_reply_ops: ffoms_reply.c, yar76_reply.c), which maps its
 * records back to the accounts through the registry map built here from
 * the ledger, never by re-reading our own archive.  Nothing is written
 * unless the whole file was read and understood: then the file is kept
 * in archive/ as received and the decisions go into the ledger in one
 * transaction.  The helpers the readers share are here too.
 */
#include <sys/stat.h>

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "feed_int.h"
#include "import_int.h"
#include "profile.h"

/* ------------------------------------------------------------ the file */

/*
 * Open the reply given, which must be a regular file: a FIFO or a device
 * named like a reply would hang the run, which holds the workspace lock,
 * or never end.  stat() follows a symbolic link (the user named it) and
 * refuses the rest unopened; fstat() checks what was opened, O_NONBLOCK
 * so that a FIFO put there in between cannot block the open.  The fd,
 * or -1 with err.
 */
static int
open_reply(const char *path, struct oms_err *err)
{
	struct stat st;
	const char *what;
	int fd = -1, fl;

	if (stat(path, &st) == -1)
		return (oms_err_sys(err, errno, path, "open"));
	if (S_ISREG(st.st_mode)) {
		if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
			return (oms_err_sys(err, errno, path, "open"));
		if (fstat(fd, &st) == -1) {
			oms_err_sys(err, errno, path, "stat");
			close(fd);
			return (-1);
		}
	}
	if (S_ISREG(st.st_mode)) {
		if ((fl = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
			oms_err_sys(err, errno, path, "open");
			close(fd);
			return (-1);
		}
		return (fd);
	}
	if (fd != -1)
		close(fd);
	what = S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) ?
	    "a character device" : S_ISBLK(st.st_mode) ? "a block device" :
	    S_ISDIR(st.st_mode) ? "a directory" : S_ISSOCK(st.st_mode) ?
	    "a socket" : "no regular file";
	return (oms_err_set(err, OMS_EDATA, path, 0, "%s, not a file: not "
	    "read, not imported; give the reply file itself", what));
}

/* The SHA-256 of what fd holds, from its start. */
static int
hash_fd(int fd, const char *path, char sha[65], struct oms_err *err)
{
	struct omsi_sha256 c;
	char buf[65536];
	ssize_t n;
	off_t off = 0;

	omsi_sha256_init(&c);
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		omsi_sha256_add(&c, buf, (size_t)n);
		off += n;
	}
	if (n == -1)
		return (oms_err_sys(err, errno, path, "read"));
	omsi_sha256_hex(&c, sha);
	return (0);
}

static int
hash_file(const char *path, char sha[65], struct oms_err *err)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (oms_err_sys(err, errno, path, "open"));
	rc = hash_fd(fd, path, sha, err);
	close(fd);
	return (rc);
}

int
omsi_imp_is_zip(const struct imp *m)
{
	unsigned char b[4];

	return (pread(m->fd, b, 4, 0) == 4 && b[0] == 'P' && b[1] == 'K' &&
	    b[2] == 3 && b[3] == 4);
}

/* The reply's ZIP, read from m->fd; NULL with err. */
struct archive *
omsi_imp_zip(struct imp *m, struct oms_err *err)
{
	struct archive *ar;

	if ((ar = archive_read_new()) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	archive_read_support_format_zip(ar);
	if (lseek(m->fd, 0, SEEK_SET) == -1) {
		oms_err_sys(err, errno, m->name, "read");
		archive_read_free(ar);
		return (NULL);
	}
	/* libarchive reads the fd and leaves it open */
	if (archive_read_open_fd(ar, m->fd, 65536) != ARCHIVE_OK) {
		oms_err_set(err, OMS_EDATA, m->name, 0, "not a readable ZIP: "
		    "%s", archive_error_string(ar));
		archive_read_free(ar);
		return (NULL);
	}
	return (ar);
}

/*
 * The copy of the reply kept in archive/ is made while the reply is
 * read (a second thread: copying and syncing a large reply is mostly
 * waiting for the disk), under a temporary name; it takes its name only
 * once the whole reply was read and understood, just before the ledger
 * commit, as before.  A reply refused, or a run killed meanwhile, leaves
 * no copy: the temporary file is removed (by oms_ws_recover after a
 * kill), and an archive/ this run made is removed again.
 */
struct keeper {
	struct imp		*m;		/* its ws, path, fd: read only */
	const char		*sha;
	char			 rel[320];	/* "archive/NAME" */
	struct oms_afile	 af;		/* the copy, synced, unnamed */
	int			 copy;		/* af holds one */
	char			*dir;		/* the workspace's archive/ */
	int			 newdir;	/* ... which this run made */
	int			 rc;
	struct oms_err		 err;
	pthread_t		 th;
	int			 started;
	int			 stop;		/* the copy is not wanted */
};

/*
 * Copy the file as received into DIR/archive under a temporary name, or
 * find the same bytes there already (k->copy 0); k->rel gets
 * "archive/NAME", NAME the one it is to take.
 */
static int
keep_copy(struct keeper *k, struct oms_err *err)
{
	struct imp *m = k->m;
	const char *b = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 :
	    m->path;
	char *dst = NULL, name[300], other[65], buf[65536];
	const char *dot;
	ssize_t n;
	off_t off = 0;
	int rc = -1;

	if ((k->dir = oms_ws_path(m->ws, "archive")) == NULL)
		goto nomem;
	k->newdir = access(k->dir, F_OK) == -1 && errno == ENOENT;
	if (oms_ws_mkdir(m->ws, "archive", err) == -1) {
		k->newdir = 0;
		goto out;
	}
	snprintf(name, sizeof(name), "%s", b);
	for (;;) {
		free(dst);
		if ((dst = oms_path_join(k->dir, name)) == NULL)
			goto nomem;
		if (access(dst, F_OK) == -1)
			break;
		if (hash_file(dst, other, err) == -1)
			goto out;
		if (strcmp(other, k->sha) == 0) {	/* the same bytes: kept */
			snprintf(k->rel, sizeof(k->rel), "archive/%s", name);
			rc = 0;
			goto out;
		}
		/* another file of that name: keep both */
		dot = strrchr(b, '.');
		snprintf(name, sizeof(name), "%.*s-%.8s%s",
		    (int)(dot ? dot - b : (long)strlen(b)), b, k->sha,
		    dot ? dot : "");
	}
	if (oms_afile_open(&k->af, dst, err) == -1)
		goto out;
	while ((n = pread(m->fd, buf, sizeof(buf), off)) > 0) {
		if (__atomic_load_n(&k->stop, __ATOMIC_RELAXED)) {
			oms_afile_abort(&k->af);	/* refused meanwhile */
			goto out;
		}
		if (fwrite(buf, 1, (size_t)n, k->af.fp) != (size_t)n)
			break;
		off += n;
	}
	if (n != 0) {
		oms_err_sys(err, errno, m->path, "copy into archive/");
		oms_afile_abort(&k->af);
		goto out;
	}
	if (oms_afile_sync(&k->af, err) == -1)
		goto out;
	k->copy = 1;
	snprintf(k->rel, sizeof(k->rel), "archive/%s", name);
	rc = 0;
	goto out;
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
out:
	free(dst);
	return (rc);
}

static void *
keep_main(void *arg)
{
	struct keeper *k = arg;

	k->rc = keep_copy(k, &k->err);
	return (NULL);
}

/* Start the copy; when no thread can be started it is made by keep_end. */
static void
keep_start(struct keeper *k, struct imp *m, const char *sha)
{
	memset(k, 0, sizeof(*k));
	k->m = m;
	k->sha = sha;
	k->rc = -1;
	if (pthread_create(&k->th, NULL, keep_main, k) == 0)
		k->started = 1;
}

/*
 * The reply was read and understood: the copy takes its name.  rel gets
 * "archive/NAME", *made the path of a copy made now (free it), or NULL
 * when the same bytes were there already.
 */
static int
keep_end(struct keeper *k, char *rel, size_t rlen, char **made,
    struct oms_err *err)
{
	if (k->started) {
		pthread_join(k->th, NULL);
		k->started = 0;
	} else if (k->m != NULL)
		k->rc = keep_copy(k, &k->err);
	k->m = NULL;
	if (k->rc == -1) {
		*err = k->err;
		return (-1);
	}
	if (k->copy) {
		k->copy = 0;
		if ((*made = strdup(k->af.path)) == NULL) {
			oms_afile_abort(&k->af);
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
		}
		if (oms_afile_publish(&k->af, err) == -1) {
			free(*made);
			*made = NULL;
			return (-1);
		}
	}
	snprintf(rel, rlen, "%s", k->rel);
	return (0);
}

/* Whatever happened: no copy left unnamed, no archive/ this run made
   left empty. */
static void
keep_release(struct keeper *k, int kept)
{
	if (k->started) {
		__atomic_store_n(&k->stop, 1, __ATOMIC_RELAXED);
		pthread_join(k->th, NULL);
		k->started = 0;
	}
	if (k->copy)
		oms_afile_abort(&k->af);
	k->copy = 0;
	if (!kept && k->newdir && k->dir != NULL)
		(void)rmdir(k->dir);
	free(k->dir);
	k->dir = NULL;
}

/* "dir/HT76M760001_26101.ZIP" -> "HT76M760001_26101" */
void
omsi_imp_base(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *dot;

	snprintf(out, len, "%s", b);
	if ((dot = strrchr(out, '.')) != NULL && (strcasecmp(dot, ".zip") ==
	    0 || strcasecmp(dot, ".xml") == 0 || strcasecmp(dot, ".7z") == 0))
		*dot = '\0';
}

/* ----------------------------------------------------------- the map */

/* "1" .. "999999999" as written (no sign, no leading 0): its value, else 0. */
static size_t
zap_number(const char *z)
{
	size_t v = 0, n = 0;

	if (*z < '1' || *z > '9')
		return (0);
	for (; *z >= '0' && *z <= '9' && n < 9; z++, n++)
		v = v * 10 + (size_t)(*z - '0');
	return (*z == '\0' ? v : 0);
}

/*
 * One account of the registry into the map: its id is the ledger's
 * (oms_ledger_registry_map), which stays while the ledger is open, and
 * only its N_ZAP is copied.  The arrays are as long as the registry has
 * accounts; they grow only when the ledger file has more (accounts that
 * have moved on since).
 */
static int
map_add(void *arg, const char *account, const char *n_zap, const char *idcase)
{
	struct imp *m = arg;
	const char **a, **z;
	char *k;
	size_t v;

	(void)idcase;		/* the registry writes IDCASE = N_ZAP */
	if (m->nacc == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : m->reg->naccounts > 0 ?
		    m->reg->naccounts : 64;

		if ((a = reallocarray(m->acc, cap, sizeof(*a))) == NULL)
			return (-1);
		m->acc = a;
		if ((z = reallocarray(m->zap, cap, sizeof(*z))) == NULL)
			return (-1);
		m->zap = z;
		m->cap = cap;
	}
	if ((k = omsi_arena_strdup(&m->arena, n_zap)) == NULL)
		return (-1);
	if (m->mapkey == OMSI_MAP_NZAP && (v = zap_number(n_zap)) > 0) {
		/* a number as the registry wrote it: a table, no hash; the
		   registry numbers its accounts 1 .. naccounts */
		if (v >= m->nbyno) {
			size_t n = m->nbyno ? m->nbyno : m->cap + 1;
			uint32_t *b;

			while (n <= v)
				n *= 2;
			if ((b = reallocarray(m->byno, n, sizeof(*b))) == NULL)
				return (-1);
			memset(b + m->nbyno, 0, (n - m->nbyno) * sizeof(*b));
			m->byno = b;
			m->nbyno = n;
		}
		m->byno[v] = (uint32_t)m->nacc + 1;
	} else if (omsi_hash_put(&m->bykey, m->mapkey == OMSI_MAP_ACCOUNT ?
	    account : k, m->nacc) == -1)
		return (-1);
	m->acc[m->nacc] = account;
	m->zap[m->nacc] = k;
	m->nacc++;
	return (0);
}

/*
 * Read the replies to registry r: its map, by the N_ZAP the registry
 * gave or by the account id (key), and a decision per account.
 */
int
omsi_imp_registry(struct imp *m, const struct oms_reg *r,
    enum omsi_mapkey key, struct oms_err *err)
{
	m->reg = r;
	m->mapkey = key;
	m->ri = oms_ledger_find_reg(m->l, r->name);
	if (oms_ledger_registry_map(m->l, r->name, map_add, m, err) != 0) {
		if (err->msg[0] == '\0')
			oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (-1);
	}
	if (m->nacc >= UINT32_MAX)
		return (oms_err_set(err, OMS_EDATA, NULL, 0, "registry %s: "
		    "%zu accounts, more than an import can map", r->name,
		    m->nacc));
	if ((m->dec = calloc(m->nacc ? m->nacc : 1, sizeof(*m->dec))) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	return (0);
}

/* The record of N_ZAP (or IDCASE) zap; -1 with err when unknown. */
long
omsi_imp_record(struct imp *m, const char *zap, unsigned long line,
    struct oms_err *err)
{
	size_t i;

	if (zap == NULL || *zap == '\0')
		return (oms_err_set(err, OMS_EDATA, m->name, line,
		    "a record without N_ZAP"));
	if ((i = zap_number(zap)) > 0 && m->mapkey == OMSI_MAP_NZAP) {
		if (i < m->nbyno && m->byno[i] != 0)
			return ((long)m->byno[i] - 1);
	} else if (omsi_hash_get(&m->bykey, zap, &i))
		return ((long)i);
	return (oms_err_set(err, OMS_EDATA, m->name, line, "N_ZAP %s is not "
	    "in registry %s", zap, m->reg->name));
}

/* What the ledger says account i claimed in this registry (which it
   may have left since). */
int64_t
omsi_imp_claim(const struct imp *m, size_t i)
{
	const struct oms_acct *c = oms_ledger_claim(m->l, m->acc[i], m->ri);

	return (c != NULL ? c->sum : 0);
}

/* Add code to the comma-separated list b, once. */
int
omsi_imp_reason(struct oms_buf *b, const char *code, struct oms_err *err)
{
	const char *p = b->s, *hit;
	size_t n = strlen(code);

	if (n == 0)
		return (0);
	for (hit = p; hit != NULL && (hit = strstr(hit, code)) != NULL;
	    hit += n)
		if ((hit == p || hit[-1] == ',') && (hit[n] == ',' ||
		    hit[n] == '\0'))
			return (0);
	if (b->len > 0 && oms_buf_addc(b, ',', err) == -1)
		return (-1);
	return (oms_buf_adds(b, code, err));
}

/*
 * The reasons of decision d: made when it gets its first, a list of at
 * most 64 KiB each.  m->rsn may move as it grows: no pointer into it is
 * kept.
 */
int
omsi_imp_dreason(struct imp *m, struct dec *d, const char *code,
    struct oms_err *err)
{
	struct oms_buf *b;

	if (*code == '\0')
		return (0);
	if (d->reasons == 0) {
		if (m->nrsn == m->rsncap) {
			size_t cap = m->rsncap ? m->rsncap * 2 : 256;

			if (cap > UINT32_MAX || (b = reallocarray(m->rsn, cap,
			    sizeof(*b))) == NULL)
				return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
				    "out of memory"));
			m->rsn = b;
			m->rsncap = cap;
		}
		oms_buf_init(&m->rsn[m->nrsn], 1 << 16);
		d->reasons = (uint32_t)++m->nrsn;
	}
	return (omsi_imp_reason(&m->rsn[d->reasons - 1], code, err));
}

const char *
omsi_imp_reasons(const struct imp *m, const struct dec *d, size_t *len)
{
	const struct oms_buf *b;

	if (d->reasons == 0 || (b = &m->rsn[d->reasons - 1])->s == NULL) {
		if (len != NULL)
			*len = 0;
		return ("");
	}
	if (len != NULL)
		*len = b->len;
	return (b->s);
}

void
omsi_imp_reasons_reset(struct imp *m, struct dec *d)
{
	if (d->reasons != 0)
		oms_buf_reset(&m->rsn[d->reasons - 1]);
}

/* The codes of findings on the whole file, each once, after d's own. */
int
omsi_imp_file_codes(struct imp *m, struct dec *d, struct oms_err *err)
{
	char *codes = m->filecodes.s, *c, *save;
	int rc = 0;

	for (c = strtok_r(codes, ",", &save); c != NULL && rc == 0;
	    c = strtok_r(NULL, ",", &save))
		rc = omsi_imp_dreason(m, d, c, err);
	/* strtok_r cut the list: mend it for the next one */
	for (c = codes; c < codes + m->filecodes.len; c++)
		if (*c == '\0')
			*c = ',';
	return (rc);
}

/* ------------------------------------------------- reading helpers */

int
omsi_imp_known(const char *const *names, const xmlChar *name)
{
	for (; *names != NULL; names++)
		if (strcmp(*names, (const char *)name) == 0)
			return (1);
	return (0);
}

int
omsi_imp_blanks(const char *p, size_t n)
{
	for (; n > 0; p++, n--)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return (0);
	return (1);
}

/* Note an element not read where no refusal can stand (oms-import -v). */
void
omsi_imp_unknown(struct imp *m, const char *name, unsigned long line,
    const char *el, const char *in)
{
	struct oms_err e;

	if (m->nunknown++ >= IMP_MAX_UNKNOWN)
		return;
	(void)oms_buf_printf(&m->unknown, &e, "%s:%lu: <%s> in <%s> not "
	    "read\n", name, line, el, in);
}

/*
 * A date the reply gives, what at name:line: a real day as YYYY-MM-DD
 * (no 30 February, no month 13, no day 0), into *days when not NULL;
 * else -1 with err.
 */
int
omsi_imp_date(const char *name, unsigned long line, const char *what,
    const char *v, long *days, struct oms_err *err)
{
	long d;

	if (oms_date_parse(v, &d) == -1)
		return (oms_err_set(err, OMS_EDATA, name, line, "%s \"%s\" is "
		    "not a date (YYYY-MM-DD, a day of that month); not "
		    "imported, ask the sender for a corrected reply", what, v));
	if (days != NULL)
		*days = d;
	return (0);
}

int
omsi_imp_root(struct imp *m, const char **root, struct oms_err *err)
{
	int r;

	if ((r = omsi_xin_next_element(m->x, err)) != 1) {
		if (r == 0)
			oms_err_set(err, OMS_EDATA, m->path, 0,
			    "no root element");
		return (-1);
	}
	*root = (const char *)xmlTextReaderConstLocalName(
	    omsi_xin_reader(m->x));
	return (0);
}

/* ---------------------------------------------------------- the import */

/*
 * The decision lines of a reply of a million records are most of what an
 * import writes.  Their fields are nearly all the same from line to line
 * (time, registry, period, kind, file, stage, date): those parts are
 * escaped once, and a line whose own fields (account, N_ZAP, reasons)
 * need no escaping is put together from them as oms_ledger_line would
 * write it, byte for byte.  Any other line goes through oms_ledger_line.
 */
struct declines {
	struct oms_buf	 head;	/* "TIME\tdecision\t" */
	struct oms_buf	 mid;	/* "\tREG\tPERIOD\tKIND\t\t\t" */
	struct oms_buf	 tail;	/* "\tFILE\tstage=STAGE;decision=" */
	char		 date[24];	/* ";date=YYYY-MM-DD" or "" */
	size_t		 datelen;
};

static int
declines_init(struct declines *dl, const struct imp *m, const char *now,
    const char *period, const char *file, struct oms_err *err)
{
	struct oms_buf data;
	char rd[16];
	int rc = -1;

	oms_buf_init(&dl->head, 0);
	oms_buf_init(&dl->mid, 0);
	oms_buf_init(&dl->tail, 0);
	oms_buf_init(&data, 0);
	dl->date[0] = '\0';
	dl->datelen = 0;
	if (m->rdate >= 0)
		dl->datelen = (size_t)snprintf(dl->date, sizeof(dl->date),
		    ";date=%s", oms_date_fmt(m->rdate, rd));
	if (oms_tsv_escape(&dl->head, now, strlen(now), err) == -1 ||
	    oms_buf_addc(&dl->head, '\t', err) == -1 ||
	    oms_buf_adds(&dl->head, oms_event_name(OMS_EV_DECISION), err) ==
	    -1 || oms_buf_addc(&dl->head, '\t', err) == -1 ||
	    oms_buf_addc(&dl->mid, '\t', err) == -1 ||
	    oms_tsv_escape(&dl->mid, m->reg->name, strlen(m->reg->name),
	    err) == -1 || oms_buf_addc(&dl->mid, '\t', err) == -1 ||
	    oms_tsv_escape(&dl->mid, period, strlen(period), err) == -1 ||
	    oms_buf_addc(&dl->mid, '\t', err) == -1 ||
	    oms_tsv_escape(&dl->mid, m->reg->kind, strlen(m->reg->kind),
	    err) == -1 || oms_buf_adds(&dl->mid, "\t\t\t", err) == -1 ||
	    oms_buf_addc(&dl->tail, '\t', err) == -1 ||
	    oms_tsv_escape(&dl->tail, file, strlen(file), err) == -1 ||
	    oms_buf_addc(&dl->tail, '\t', err) == -1 ||
	    oms_ledger_data(&data, "stage", oms_stage_name(m->id.stage),
	    err) == -1 || oms_tsv_escape(&dl->tail, data.s, data.len,
	    err) == -1 || oms_buf_adds(&dl->tail, ";decision=", err) == -1)
		goto out;
	rc = 0;
out:
	oms_buf_release(&data);
	return (rc);
}

static void
declines_release(struct declines *dl)
{
	oms_buf_release(&dl->head);
	oms_buf_release(&dl->mid);
	oms_buf_release(&dl->tail);
}

/* Decision i's line into b when it needs no escaping; 0 when it does. */
static int
decline_fast(const struct declines *dl, const struct imp *m, size_t i,
    struct oms_buf *b, int *done, struct oms_err *err)
{
	const struct dec *d = &m->dec[i];
	const char *acc = m->acc[i], *zap = m->zap[i], *st, *rs;
	size_t na = strlen(acc), nz = strlen(zap), ns, nr, n = 0;
	char line[1024];

	*done = 0;
	st = oms_state_name(d->decision);
	rs = omsi_imp_reasons(m, d, &nr);
	ns = strlen(st);
	/* the parts, three sums of 24 and the keys between them */
	if (dl->head.len + na + dl->mid.len + 2 * nz + dl->tail.len + ns +
	    nr + dl->datelen + 3 * 24 + 64 > sizeof(line) ||
	    !omsi_ledger_plain(acc, na, 0) || !omsi_ledger_plain(zap, nz, 0) ||
	    !omsi_ledger_plain(st, ns, 1) || !omsi_ledger_plain(rs, nr, 1))
		return (0);
#define PUT(p, len)	(memcpy(line + n, (p), (len)), n += (len))
	PUT(dl->head.s, dl->head.len);
	PUT(acc, na);
	PUT(dl->mid.s, dl->mid.len);
	PUT(zap, nz);
	line[n++] = '\t';
	PUT(zap, nz);
	line[n++] = '\t';
	n += strlen(oms_money_fmt(d->claimed, line + n));
	PUT(dl->tail.s, dl->tail.len);
	PUT(st, ns);
	PUT(";accepted=", 10);
	n += strlen(oms_money_fmt(d->accepted, line + n));
	PUT(";refused=", 9);
	n += strlen(oms_money_fmt(d->refused, line + n));
	PUT(";reasons=", 9);
	PUT(rs, nr);
	PUT(dl->date, dl->datelen);
	line[n++] = '\n';
#undef PUT
	*done = 1;
	return (oms_buf_add(b, line, n, err));
}

static int
record_ledger(struct imp *m, const char *sha, struct oms_import_res *res,
    struct oms_err *err)
{
	struct oms_buf b, data;
	struct declines dl;
	const char *f[OMS_L_NCOL];
	char now[32], period[8], sum[32], a[32], rf[32], rd[16], n[32];
	size_t i, nrec = 0;
	struct oms_ledger_tx tx = { .fd = -1 };
	int rc = -1, done;

	oms_buf_init(&b, (size_t)1 << 30);
	/* a decision's reasons are at most 64 KiB (omsi_imp_registry) */
	oms_buf_init(&data, (size_t)1 << 20);
	oms_ledger_now(now, sizeof(now));
	oms_period_fmt(m->reg->period, period);
	if (declines_init(&dl, m, now, period, res->reply, err) == -1)
		goto out;
	/* a reply of a million records: its lines go out in pieces */
	if (oms_ledger_begin(m->l, &tx, err) == -1)
		goto out;
	for (i = 0; i < m->nacc; i++) {
		struct dec *d = &m->dec[i];

		if (!d->set)
			continue;
		if (decline_fast(&dl, m, i, &b, &done, err) == -1)
			goto out;
		if (done)
			goto next;
		memset(f, 0, sizeof(f));
		/* escaped as the ledger reads it: a code may hold ; = % */
		oms_buf_reset(&data);
		if (oms_ledger_data(&data, "stage", oms_stage_name(m->id.stage),
		    err) == -1 || oms_ledger_data(&data, "decision",
		    oms_state_name(d->decision), err) == -1 ||
		    oms_ledger_data(&data, "accepted", oms_money_fmt(
		    d->accepted, a), err) == -1 || oms_ledger_data(&data,
		    "refused", oms_money_fmt(d->refused, rf), err) == -1 ||
		    oms_ledger_data(&data, "reasons", omsi_imp_reasons(m, d,
		    NULL), err) == -1 || (m->rdate >= 0 &&
		    oms_ledger_data(&data, "date", oms_date_fmt(m->rdate, rd),
		    err) == -1))
			goto out;
		f[OMS_L_TIME] = now;
		f[OMS_L_EVENT] = oms_event_name(OMS_EV_DECISION);
		f[OMS_L_ACCOUNT] = m->acc[i];
		f[OMS_L_REGISTRY] = m->reg->name;
		f[OMS_L_PERIOD] = period;
		f[OMS_L_KIND] = m->reg->kind;
		f[OMS_L_N_ZAP] = m->zap[i];
		f[OMS_L_IDCASE] = m->zap[i];
		f[OMS_L_SUM] = oms_money_fmt(d->claimed, sum);
		f[OMS_L_FILE] = res->reply;
		f[OMS_L_DATA] = data.s;
		if (oms_ledger_line(&b, f, err) == -1)
			goto out;
next:
		nrec++;
		if (b.len > LEDGER_PIECE && oms_ledger_flush(&tx, &b, err) == -1)
			goto out;
	}
	memset(f, 0, sizeof(f));
	oms_buf_reset(&data);
	snprintf(n, sizeof(n), "%zu", nrec);
	if (oms_ledger_data(&data, "stage", oms_stage_name(m->id.stage),
	    err) == -1 || oms_ledger_data(&data, "sha256", sha, err) == -1 ||
	    oms_ledger_data(&data, "records", n, err) == -1)
		goto out;
	f[OMS_L_TIME] = now;
	f[OMS_L_EVENT] = oms_event_name(OMS_EV_IMPORT);
	f[OMS_L_REGISTRY] = m->reg->name;
	f[OMS_L_PERIOD] = period;
	f[OMS_L_KIND] = m->reg->kind;
	f[OMS_L_FILE] = res->reply;
	f[OMS_L_DATA] = data.s;
	if (oms_ledger_line(&b, f, err) == -1)
		goto out;
	rc = oms_ledger_commit(&tx, &b, "import", now, err);
out:
	if (rc == -1)
		oms_ledger_abort(&tx);
	declines_release(&dl);
	oms_buf_release(&b);
	oms_buf_release(&data);
	return (rc);
}

/* Decision i (m->dec[i], set) as the caller sees it; its strings are
   m's. */
static void
decision_of(const struct imp *m, size_t i, struct oms_decision *o)
{
	const struct dec *d = &m->dec[i];

	o->account = m->acc[i];
	o->n_zap = m->zap[i];
	o->stage = m->id.stage;
	o->decision = d->decision;
	o->claimed = d->claimed;
	o->accepted = d->accepted;
	o->refused = d->refused;
	o->reasons = omsi_imp_reasons(m, d, NULL);
}

/*
 * The decisions into res->d, their strings in one block, res->strs, so
 * that they outlive m: one allocation for them all, not three a record.
 */
static int
fill_result(struct imp *m, struct oms_import_res *res, struct oms_err *err)
{
	struct oms_decision *o;
	size_t i, n = 0, k = 0, len = 0, nr;
	char *p;

	for (i = 0; i < m->nacc; i++) {
		if (!m->dec[i].set)
			continue;
		(void)omsi_imp_reasons(m, &m->dec[i], &nr);
		len += strlen(m->acc[i]) + strlen(m->zap[i]) + nr + 3;
		n++;
	}
	if ((res->d = calloc(n ? n : 1, sizeof(*res->d))) ==
	    NULL || (res->strs = malloc(len ? len : 1)) == NULL) {
		free(res->d);
		res->d = NULL;
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
	}
	p = res->strs;
#define KEEP(field)	do {						\
	size_t n_ = strlen(o->field) + 1;				\
									\
	memcpy(p, o->field, n_);					\
	o->field = p;							\
	p += n_;							\
} while (0)
	for (i = 0; i < m->nacc; i++) {
		if (!m->dec[i].set)
			continue;
		o = &res->d[k++];
		decision_of(m, i, o);
		KEEP(account);
		KEEP(n_zap);
		KEEP(reasons);
	}
#undef KEEP
	res->n = k;
	return (0);
}

/* The decisions to fn, one at a time, as fill_result would give them. */
static int
emit_result(struct imp *m, struct oms_import_res *res,
    int (*fn)(void *, const struct oms_import_res *,
    const struct oms_decision *, struct oms_err *), void *arg,
    struct oms_err *err)
{
	struct oms_decision o;
	size_t i;

	res->n = 0;
	for (i = 0; i < m->nacc; i++)
		res->n += m->dec[i].set != 0;
	for (i = 0; i < m->nacc; i++) {
		if (!m->dec[i].set)
			continue;
		decision_of(m, i, &o);
		if (fn(arg, res, &o, err) == -1) {
			if (err->msg[0] == '\0')
				oms_err_set(err, OMS_EINTERNAL, NULL, 0,
				    "a decision's caller failed");
			return (-1);
		}
	}
	return (0);
}

/* Close the document being read: the feed's thread first, it reads
   the archive. */
static void
close_doc(struct imp *m)
{
	omsi_feed_free(m->feed);
	omsi_src_close(m->ar, m->x);
	m->feed = NULL;
	m->ar = NULL;
	m->x = NULL;
}

/*
 * What was built from the file (opened, mapped, read): freed, and m as
 * before ops->open, its ws, ledger, path, name, fd and xscan kept.
 */
static void
imp_clear(struct imp *m, const struct omsi_reply_ops *ops)
{
	size_t i;

	close_doc(m);
	for (i = 0; i < m->nrsn; i++)
		oms_buf_release(&m->rsn[i]);
	free(m->rsn);
	m->rsn = NULL;
	m->nrsn = m->rsncap = 0;
	free(m->dec);
	free(m->acc);
	free(m->zap);
	oms_buf_release(&m->filecodes);
	oms_buf_release(&m->unknown);
	omsi_hash_release(&m->bykey);
	free(m->byno);
	if (ops->release != NULL)
		ops->release(m);
	omsi_arena_release(&m->arena);
	memset(&m->id, 0, sizeof(m->id));
	m->reg = NULL;
	m->ri = 0;
	m->mapkey = 0;
	m->byno = NULL;
	m->nbyno = 0;
	m->acc = NULL;
	m->zap = NULL;
	m->nacc = m->cap = 0;
	m->dec = NULL;
	m->nunknown = 0;
	m->own = NULL;
	m->rdate = -1;
	omsi_hash_init(&m->bykey);
	omsi_arena_init(&m->arena);
	oms_buf_init(&m->filecodes, 1 << 20);
	oms_buf_init(&m->unknown, 1 << 16);
}

static int
import_reply(struct oms_ws *ws, struct oms_ledger *l, const char *path,
    struct oms_import_res *res, int (*fn)(void *,
    const struct oms_import_res *, const struct oms_decision *,
    struct oms_err *), void *arg, struct oms_err *err)
{
	const struct omsi_reply_ops *ops = omsi_profile_of(&ws->conf)->reply;
	struct imp m;
	struct keeper k;
	const char *when;
	char sha[65], base[256], *made = NULL;
	int rc = -1, kept = 0, r;

	memset(res, 0, sizeof(*res));
	memset(&m, 0, sizeof(m));
	memset(&k, 0, sizeof(k));
	m.ws = ws;
	m.l = l;
	m.path = path;
	m.name = path;
	m.fd = -1;
	m.rdate = -1;
	m.xscan = !ws->plain_xml;
	omsi_hash_init(&m.bykey);
	omsi_arena_init(&m.arena);
	oms_buf_init(&m.filecodes, 1 << 20);
	oms_buf_init(&m.unknown, 1 << 16);

	if ((m.fd = open_reply(path, err)) == -1 ||
	    hash_fd(m.fd, path, sha, err) == -1)
		goto out;
	if ((when = oms_ledger_imported(l, sha)) != NULL) {
		res->already = 1;
		snprintf(res->when, sizeof(res->when), "%s", when);
		rc = 0;
		goto out;
	}
	omsi_imp_base(path, base, sizeof(base));
	for (;;) {
		if (ops->open(&m, base, err) == -1 ||
		    ops->registry(&m, err) == -1)
			goto out;
		res->stage = m.id.stage;
		/* the copy for archive/ is made while the reply is read,
		   once: it reads m.fd, m.path and m.ws, which stay */
		if (k.m == NULL)
			keep_start(&k, &m, sha);
		if ((r = ops->read(&m, err)) != OMSI_IMP_AGAIN)
			break;
		/* the fast scanner doubted: all of it goes, read again */
		imp_clear(&m, ops);
		m.xscan = 0;
	}
	if (r == -1 || ops->finish(&m, err) == -1)
		goto out;
	res->stage = m.id.stage;
	close_doc(&m);
	snprintf(res->registry, sizeof(res->registry), "%s", m.reg->name);
	/* all read and understood: keep the file, then commit */
	res->contra0 = oms_ledger_ncontra(l);
	if (keep_end(&k, res->reply, sizeof(res->reply), &made, err) == -1)
		goto out;
	kept = 1;
	if (record_ledger(&m, sha, res, err) == -1) {
		/* nothing recorded: the copy goes too, and the message says
		   which reply it was */
		if (made != NULL)
			(void)unlink(made);
		if (err->where[0] == '\0')
			snprintf(err->where, sizeof(err->where), "%s", path);
		goto out;
	}
	res->ncontra = oms_ledger_ncontra(l) - res->contra0;
	res->nunknown = m.nunknown;
	if ((fn == NULL ? fill_result(&m, res, err) : emit_result(&m, res, fn,
	    arg, err)) == -1)
		goto out;
	if (m.unknown.len > 0) {
		res->unknown = m.unknown.s;	/* taken over */
		oms_buf_init(&m.unknown, 0);
	}
	rc = 0;
out:
	free(made);
	close_doc(&m);
	keep_release(&k, kept);
	imp_clear(&m, ops);
	oms_buf_release(&m.filecodes);
	oms_buf_release(&m.unknown);
	omsi_hash_release(&m.bykey);
	omsi_arena_release(&m.arena);
	if (m.fd != -1)
		close(m.fd);
	return (rc);
}

int
oms_import(struct oms_ws *ws, struct oms_ledger *l, const char *path,
    struct oms_import_res *res, struct oms_err *err)
{
	return (import_reply(ws, l, path, res, NULL, NULL, err));
}

int
oms_import_each(struct oms_ws *ws, struct oms_ledger *l, const char *path,
    struct oms_import_res *res, int (*fn)(void *,
    const struct oms_import_res *, const struct oms_decision *,
    struct oms_err *), void *arg, struct oms_err *err)
{
	return (import_reply(ws, l, path, res, fn, arg, err));
}

void
oms_import_res_release(struct oms_import_res *res)
{
	free(res->d);
	free(res->strs);
	free(res->unknown);
	memset(res, 0, sizeof(*res));
}
