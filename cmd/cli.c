/*
 * cli.c -- helpers shared by the oms programs
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "paths.h"		/* made by the Makefile from PREFIX */

struct cli cli;

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
	struct oms_err e = { 0 };
	struct oms_ledger *l;
	char *path;

	if (oms_ws_open(ws, cli_workspace(dir), &e) == -1 ||
	    (lock && oms_ws_lock(ws, &e) == -1))
		exit(cli_report(&e));
	if ((path = oms_ws_path(ws, "ledger.tsv")) == NULL)
		err(OMS_EXIT_IO, NULL);
	if ((l = oms_ledger_open(path, &e)) == NULL)
		exit(cli_report(&e));
	free(path);
	return (l);
}

const char *
cli_xsddir(void)
{
	const char *d = getenv("OMS_XSDDIR");

	return (d != NULL && *d != '\0' ? d : OMS_XSDDIR);
}

const char *
cli_refdir(void)
{
	const char *d = getenv("OMS_REFDIR");

	return (d != NULL && *d != '\0' ? d : OMS_REFDIR);
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
	if (fflush(stdout) == EOF || ferror(stdout))
		err(OMS_EXIT_IO, "stdout");
}

void
cli_version(const char *prog)
{
	printf("%s (oms) %s\n", prog, OMS_VERSION);
	exit(OMS_EXIT_OK);
}
