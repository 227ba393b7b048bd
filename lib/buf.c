/*
 * buf.c -- a growable byte buffer with a hard cap (curl's dynbuf)
 *
 * len never exceeds max; cap counts the allocated bytes, including the room
 * for the terminating NUL.  On any failure the buffer keeps its previous
 * contents.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oms.h"

#define BUF_MIN		64

void
oms_buf_init(struct oms_buf *b, size_t max)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	if (max == 0)
		max = OMS_BUF_MAX_DEFAULT;
	else if (max > SIZE_MAX / 2)
		max = SIZE_MAX / 2;	/* so that len + n + 1 cannot wrap */
	b->max = max;
}

/* Make room for n more bytes plus a NUL. */
int
oms_buf_grow(struct oms_buf *b, size_t n, struct oms_err *err)
{
	size_t need, ncap;
	char *p;

	if (n > b->max - b->len)
		return (oms_err_set(err, OMS_EDATA, NULL, 0,
		    "too long (over %zu bytes)", b->max));
	need = b->len + n + 1;
	if (b->s != NULL && need <= b->cap)
		return (0);
	ncap = b->cap < BUF_MIN ? BUF_MIN : b->cap;
	while (ncap < need)
		ncap = ncap > b->max / 2 ? b->max + 1 : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	if ((p = realloc(b->s, ncap)) == NULL)
		return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
		    "out of memory (%zu bytes)", ncap));
	if (b->s == NULL)
		p[0] = '\0';
	b->s = p;
	b->cap = ncap;
	return (0);
}

/*
 * n < cap - len is room for n bytes and the NUL, and within max (cap is
 * at most max + 1): the common case needs no call to oms_buf_grow.
 */
int
oms_buf_add(struct oms_buf *b, const void *p, size_t n, struct oms_err *err)
{
	if (n >= b->cap - b->len && oms_buf_grow(b, n, err) == -1)
		return (-1);
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return (0);
}

int
oms_buf_adds(struct oms_buf *b, const char *s, struct oms_err *err)
{
	return (oms_buf_add(b, s, strlen(s), err));
}

int
oms_buf_addc(struct oms_buf *b, int c, struct oms_err *err)
{
	if (b->cap - b->len <= 1 && oms_buf_grow(b, 1, err) == -1)
		return (-1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
	return (0);
}

int
oms_buf_printf(struct oms_buf *b, struct oms_err *err, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (oms_buf_grow(b, 0, err) == -1)
		return (-1);
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->s[b->len] = '\0';
		return (oms_err_set(err, OMS_EINTERNAL, NULL, 0,
		    "vsnprintf failed"));
	}
	if ((size_t)n >= room) {
		b->s[b->len] = '\0';
		if (oms_buf_grow(b, (size_t)n, err) == -1)
			return (-1);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return (0);
}

void
oms_buf_reset(struct oms_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
oms_buf_release(struct oms_buf *b)
{
	free(b->s);
	oms_buf_init(b, b->max);
}
