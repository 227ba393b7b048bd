/*
 * html.c -- what the HTML documents of oms-analyze and oms-invoice share
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "html.h"

void
html_esc(FILE *fp, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
}

char *
html_rub(int64_t k, char *buf, size_t len)
{
	char digits[32], *o = buf;
	uint64_t v = k < 0 ? -(uint64_t)k : (uint64_t)k;
	size_t n, i;

	n = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, v / 100);
	if (k < 0)
		*o++ = '-';
	for (i = 0; i < n && (size_t)(o - buf) + 8 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(o, "\xc2\xa0", 2);	/* U+00A0 */
			o += 2;
		}
		*o++ = digits[i];
	}
	snprintf(o, len - (size_t)(o - buf), ",%02u", (unsigned)(v % 100));
	return (buf);
}
