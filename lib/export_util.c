/*
 * export_util.c -- the services of an export that the writers call
 *
 * Reporting a problem with an account (counted, and silent in a rebuild),
 * checking that a source document still held every account selected from
 * it, and making a temporary file in the workspace.  The driver (export.c)
 * calls the writers through the profile's table and the writers call
 * these, so no two files call each other.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_int.h"

void
omsi_exp_vproblem(struct exp *x, const char *where, unsigned long line,
    int warning, const char *fmt, va_list ap)
{
	/* the reports of the person rules queued before this go first */
	omsi_kq_drain(x->kq);
	/*
	 * libxml2 keeps an element's line in 16 bits: past line 65535 an
	 * element without text of its own (a yar76 element holds only
	 * attributes) says 65535.  Within a record that starts later, the
	 * record's own line is the better pointer.
	 */
	if (line == 65535 && x->cur_line > line && where != NULL &&
	    x->cur_doc != NULL && strcmp(where, x->cur_doc) == 0)
		line = x->cur_line;
	/* a rebuild says nothing new: the first build said it */
	omsi_vdiagf(x->replay ? NULL : x->diag, warning, OMS_ESCHEMA, where,
	    line, fmt, ap);
	if (!warning)
		x->nproblems++;
}

void
omsi_exp_problem(struct exp *x, const char *where, unsigned long line,
    int warning, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	omsi_exp_vproblem(x, where, line, warning, fmt, ap);
	va_end(ap);
}

FILE *
omsi_exp_temp(struct exp *x, const char *base, char **pathp,
    struct oms_err *err)
{
	char *path;
	size_t len;
	int fd;
	FILE *fp;

	/* in the workspace itself: outbox/ is not touched before the end */
	len = strlen(x->ws->dir) + strlen(base) + 24;
	if ((path = malloc(len)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
		return (NULL);
	}
	snprintf(path, len, "%s/.tmp-%s-XXXXXX", x->ws->dir, base);
	if ((fd = mkstemp(path)) == -1) {
		oms_err_sys(err, errno, path, "create temporary file");
		free(path);
		return (NULL);
	}
	(void)fchmod(fd, 0600);
	if ((fp = fdopen(fd, "w+")) == NULL) {
		oms_err_sys(err, errno, path, "fdopen");
		close(fd);
		unlink(path);
		free(path);
		return (NULL);
	}
	*pathp = path;
	return (fp);
}

int
omsi_exp_all_seen(const struct exp *x, size_t i, size_t doc,
    const char *name, struct oms_err *err)
{
	for (; i < x->nsel && (size_t)x->sel[i].c->doc == doc; i++)
		if (!x->sel[i].bad && !x->sel[i].seen)
			return (oms_err_set(err, OMS_EDATA, name, 0, "account "
			    "%s is no longer where it was; the file changed "
			    "while exporting, run again",
			    x->sel[i].c->account));
	return (0);
}
