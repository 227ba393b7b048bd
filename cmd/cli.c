/*
 * cli.c -- helpers shared by the oms programs
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlerror.h>

#include "cli.h"
#include "paths.h"		/* made by the Makefile from PREFIX */

struct cli cli;

/* ------------------------------------------------------------ progress */

extern char	*__progname;		/* what err(3) calls us, too */
static int	progress_shown;		/* a line is on the terminal */
static struct timespec progress_last;

/* Take the progress line off the terminal before anything else goes there. */
void
cli_progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		progress_shown = 0;
	}
}

/* The callback of struct oms_ws: at most five lines a second. */
static void
progress(void *arg, const char *what, uint64_t done, uint64_t total)
{
	struct timespec now;
	const char *prog = arg;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (progress_shown && (now.tv_sec - progress_last.tv_sec) * 1000 +
	    (now.tv_nsec - progress_last.tv_nsec) / 1000000 < 200)
		return;
	progress_last = now;
	if (total > 0)
		fprintf(stderr, "\r\033[K%s: %s: %llu of %llu (%llu%%)", prog,
		    what, (unsigned long long)done, (unsigned long long)total,
		    (unsigned long long)(done * 100 / total));
	else
		fprintf(stderr, "\r\033[K%s: %s: %llu", prog, what,
		    (unsigned long long)done);
	fflush(stderr);
	progress_shown = 1;
}

/* A progress line on stderr when it is a terminal, and not with -q. */
void
cli_progress_init(struct oms_ws *ws)
{
	static int registered;

	if (cli.quiet || !isatty(STDERR_FILENO))
		return;
	ws->progress = progress;
	ws->progress_arg = __progname;
	if (!registered) {
		atexit(cli_progress_clear);
		registered = 1;
	}
}

int
cli_exit_for(int code)
{
	switch (code) {
	case OMS_EOK:
		return (OMS_EXIT_OK);
	case OMS_EDATA:
	case OMS_ESCHEMA:
		return (OMS_EXIT_NEGATIVE);
	case OMS_ELOCKED:
	case OMS_EIO:
	case OMS_ENOMEM:
		return (OMS_EXIT_IO);
	default:
		return (OMS_EXIT_INTERNAL);
	}
}

int
cli_report(const struct oms_err *e)
{
	int x;

	cli_progress_clear();
	if (e->where[0] != '\0')
		warnx("%s: %s", e->where, e->msg);
	else
		warnx("%s", e->msg);
	x = cli_exit_for(e->code);
	if (x > cli.rval)
		cli.rval = x;
	return (x);
}

static void
print_diag(void *arg, int warning, const struct oms_err *e)
{
	(void)arg;
	if (warning && cli.quiet)
		return;
	cli_progress_clear();
	if (e->where[0] != '\0')
		warnx("%s: %s%s", e->where, warning ? "warning: " : "",
		    e->msg);
	else
		warnx("%s%s", warning ? "warning: " : "", e->msg);
}

void
cli_diag_init(struct oms_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->fn = print_diag;
}

/*
 * An account id from the command line: a tab, line break or other control
 * character cannot be in one the ledger recorded (the MIS's ids are GUIDs
 * and keys).  0, after saying which, escaped.
 */
int
cli_account_ok(const char *opt, const char *id)
{
	struct oms_err e = { 0 };
	struct oms_buf b;
	const unsigned char *p;

	for (p = (const unsigned char *)id; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			break;
	if (*p == '\0')
		return (1);
	oms_buf_init(&b, 0);
	for (p = (const unsigned char *)id; *p != '\0'; p++)
		if ((*p == '\t' ? oms_buf_adds(&b, "\\t", &e) :
		    *p == '\n' ? oms_buf_adds(&b, "\\n", &e) :
		    *p == '\r' ? oms_buf_adds(&b, "\\r", &e) :
		    *p < 0x20 || *p == 0x7f ? oms_buf_printf(&b, &e, "\\x%02x",
		    *p) : oms_buf_addc(&b, *p, &e)) == -1)
			errx(OMS_EXIT_IO, "%s", e.msg);
	warnx("%s \"%s\": not an account id: it holds a tab, a line break "
	    "or another control character", opt, b.s);
	oms_buf_release(&b);
	return (0);
}

/*
 * What libxml2 says outside the library's own handlers (which put it in
 * struct oms_err): a line with our name and the file, never a bare one.
 */
static void
xml_error(void *arg, xmlErrorPtr e)
{
	char msg[1024];
	size_t n;

	(void)arg;
	if (e == NULL || e->level == XML_ERR_NONE)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message != NULL ? e->message :
	    "error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	cli_progress_clear();
	if (e->file != NULL && e->line > 0)
		warnx("%s:%d: %s%s", e->file, e->line, e->level ==
		    XML_ERR_WARNING ? "warning: " : "", msg);
	else if (e->file != NULL)
		warnx("%s: %s%s", e->file, e->level == XML_ERR_WARNING ?
		    "warning: " : "", msg);
	else
		warnx("libxml2: %s%s", e->level == XML_ERR_WARNING ?
		    "warning: " : "", msg);
}

void
cli_xml_init(void)
{
	(void)oms_xml_init();
	xmlSetStructuredErrorFunc(NULL, xml_error);
}

const char *
cli_workspace(const char *opt)
{
	const char *d;

	if (opt != NULL)
		return (opt);
	if ((d = getenv("OMS_DIR")) != NULL && *d != '\0')
		return (d);
	return (".");
}

struct oms_ledger *
cli_open(struct oms_ws *ws, const char *dir, int lock)
{
	return (cli_open_with(ws, dir, lock, NULL, NULL));
}

/* Is the environment variable name set to "0"? */
static int
env_is_0(const char *name)
{
	const char *v = getenv(name);

	return (v != NULL && strcmp(v, "0") == 0);
}

struct oms_ledger *
cli_open_with(struct oms_ws *ws, const char *dir, int lock,
    int (*fn)(void *, const struct oms_ledger *, const struct oms_event *,
    struct oms_err *), void *arg)
{
	struct oms_err e = { 0 };
	struct oms_diag diag;
	struct oms_ledger *l;
	char *path;

	cli_xml_init();
	if (oms_ws_open(ws, cli_workspace(dir), &e) == -1 ||
	    (lock && oms_ws_lock(ws, &e) == -1))
		exit(cli_report(&e));
	if (ws->open_to_others && !cli.quiet)
		warnx("%s: warning: the workspace can be written by others "
		    "than its owner, who could swap its files; run: chmod "
		    "go-w %s", ws->dir, ws->dir);
	ws->refdir = cli_refdir();
	ws->plain_xml = env_is_0("OMS_XSCAN");
	ws->plain_xsd = env_is_0("OMS_XSDFAST");
	cli_progress_init(ws);
	if ((path = oms_ws_path(ws, "ledger.tsv")) == NULL)
		err(OMS_EXIT_IO, NULL);
	l = oms_ledger_open_with(path, fn, arg, &e);
	free(path);
	if (l == NULL)
		exit(cli_report(&e));
	if (!lock) {
		/* a reader: what an interrupted run left is only reported */
		cli_diag_init(&diag);
		if (oms_ws_pending(ws, l, &diag, &e) == -1)
			exit(cli_report(&e));
	}
	return (l);
}

void
cli_recover(struct oms_ws *ws, struct oms_ledger *l)
{
	struct oms_err e = { 0 };
	struct oms_diag diag;

	cli_diag_init(&diag);
	if (oms_ws_recover(ws, l, &diag, &e) == -1)
		exit(cli_report(&e));
}

struct oms_src *
cli_src_scan(const struct oms_ws *ws, int save, struct oms_diag *diag,
    struct oms_err *e)
{
	return (cli_src_scan_some(ws, save, NULL, 0, diag, e));
}

struct oms_src *
cli_src_scan_some(const struct oms_ws *ws, int save,
    const char *const *accounts, size_t n, struct oms_diag *diag,
    struct oms_err *e)
{
	const char *v = getenv("OMS_SRCINDEX");
	struct oms_src_ixstat st;
	struct oms_src *src;
	int flags = OMS_SRC_INDEX | (save ? OMS_SRC_SAVE : 0);

	if (v != NULL && strcmp(v, "0") == 0)
		flags = 0;
	src = accounts != NULL ? oms_src_scan_some(ws, flags, accounts, n,
	    diag, e) : oms_src_scan_index(ws, flags, diag, e);
	if (src != NULL && v != NULL && strcmp(v, "stat") == 0) {
		oms_src_ixstat(src, &st);
		cli_progress_clear();
		warnx("source index: %zu file(s) loaded, %zu read%s",
		    st.loaded, st.read, st.saved ? "; saved" : "");
	}
	return (src);
}

/*
 * A program run from the tree it was built in (the directory of
 * /proc/self/exe holds lib/oms.h) takes that tree's sub/ (xsd, ref), so
 * that it can be tried before make install; NULL otherwise.
 */
static const char *
tree_dir(const char *sub, char *buf, size_t len)
{
	char exe[PATH_MAX], *slash;
	struct stat st;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return (NULL);
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return (NULL);
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/lib/oms.h", exe) >= len ||
	    stat(buf, &st) == -1 || !S_ISREG(st.st_mode))
		return (NULL);
	if ((size_t)snprintf(buf, len, "%s/%s", exe, sub) >= len ||
	    stat(buf, &st) == -1 || !S_ISDIR(st.st_mode))
		return (NULL);
	return (buf);
}

/* $ENV, else the build tree's sub/, else where make install put it */
static const char *
data_dir(const char *env, const char *sub, char *buf, size_t len,
    const char *installed)
{
	const char *d = getenv(env);

	if (d != NULL && *d != '\0')
		return (d);
	if ((d = tree_dir(sub, buf, len)) != NULL)
		return (d);
	return (installed);
}

const char *
cli_xsddir(void)
{
	static char buf[PATH_MAX];

	return (data_dir("OMS_XSDDIR", "xsd", buf, sizeof(buf), OMS_XSDDIR));
}

const char *
cli_refdir(void)
{
	static char buf[PATH_MAX];

	return (data_dir("OMS_REFDIR", "ref", buf, sizeof(buf), OMS_REFDIR));
}

int
cli_today(const char *opt, long *days)
{
	const char *sde;
	char *end;
	long long t;

	if (opt != NULL)
		return (oms_date_parse(opt, days));
	if ((sde = getenv("SOURCE_DATE_EPOCH")) != NULL && *sde != '\0') {
		errno = 0;
		t = strtoll(sde, &end, 10);
		if (errno != 0 || *end != '\0' || t < 0)
			return (-1);
		*days = (long)(t / 86400);
		return (0);
	}
	*days = (long)(time(NULL) / 86400);
	return (0);
}

void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n ? n : 1)) == NULL)
		err(OMS_EXIT_IO, NULL);
	return (p);
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n ? n : 1, size ? size : 1)) == NULL)
		err(OMS_EXIT_IO, NULL);
	return (p);
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		err(OMS_EXIT_IO, NULL);
	return (p);
}

void
cli_out(struct oms_buf *b)
{
	if (b->len > 0 && fwrite(b->s, 1, b->len, stdout) != b->len)
		err(OMS_EXIT_IO, "stdout");
	oms_buf_reset(b);
}

void
cli_close_stdout(void)
{
	cli_progress_clear();
	if (fflush(stdout) == EOF || ferror(stdout))
		err(OMS_EXIT_IO, "stdout");
}

void
cli_version(const char *prog)
{
	printf("%s (oms) %s\n", prog, OMS_VERSION);
	exit(OMS_EXIT_OK);
}
