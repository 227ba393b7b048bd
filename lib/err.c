/*
 * err.c -- filling the caller-owned struct oms_err
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oms.h"

static void	err_where(struct oms_err *, const char *, unsigned long);

/* "file:line", "file" when line is 0, "" when file is NULL. */
static void
err_where(struct oms_err *err, const char *file, unsigned long line)
{
	if (file == NULL)
		err->where[0] = '\0';
	else if (line == 0)
		snprintf(err->where, sizeof(err->where), "%s", file);
	else
		snprintf(err->where, sizeof(err->where), "%s:%lu", file, line);
}

int
oms_err_set(struct oms_err *err, int code, const char *file,
    unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return (-1);
	err->code = code;
	err_where(err, file, line);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return (-1);
}

/*
 * The code is OMS_ENOMEM for ENOMEM and OMS_EIO for every other errno: the
 * callers are open, read, write, rename and friends.
 */
int
oms_err_sys(struct oms_err *err, int errnum, const char *file,
    const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (err == NULL)
		return (-1);
	err->code = errnum == ENOMEM ? OMS_ENOMEM : OMS_EIO;
	err_where(err, file, 0);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, "%s%s",
	    n > 0 ? ": " : "", strerror(errnum));
	return (-1);
}

void
oms_err_clear(struct oms_err *err)
{
	err->code = OMS_EOK;
	err->where[0] = '\0';
	err->msg[0] = '\0';
}
