/*
 * cp1251.c -- a table-driven windows-1251 codec for libxml2
 *
 * The registries and most MIS exports are windows-1251.  libxml2 converts
 * them through iconv, whose generic machinery costs a tenth of the time of
 * a whole export or import; a 128-entry table does the same work in a
 * fraction of it.  The mapping is checked against iconv's byte for byte
 * (tests/unit/test_lib.c), and an unmappable character is reported the way
 * libxml2 expects (-2), so the bytes written are the same as with iconv.
 */
#include <stdint.h>
#include <string.h>

#include <libxml/encoding.h>

#include "oms_int.h"

/* 0x80..0xBF; 0xC0..0xFF are U+0410..U+044F.  0 = not a character. */
static const unsigned short hi[64] = {
	0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
	0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
	0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
	0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
	0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
	0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
	0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457
};

unsigned
omsi_cp1251_decode(unsigned char b)
{
	if (b < 0x80)
		return (b);
	if (b >= 0xC0)
		return (0x0410 + (b - 0xC0));
	return (hi[b - 0x80]);
}

int
omsi_cp1251_encode(unsigned cp)
{
	int i;

	if (cp < 0x80)
		return ((int)cp);
	if (cp >= 0x0410 && cp <= 0x044F)
		return ((int)(0xC0 + (cp - 0x0410)));
	for (i = 0; i < 64; i++)
		if (hi[i] != 0 && hi[i] == cp)
			return (0x80 + i);
	return (-1);
}

/* 8 bytes at p, all ASCII? */
static int
ascii8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return ((v & UINT64_C(0x8080808080808080)) == 0);
}

/*
 * The UTF-8 of 0x80..0xFF: u8[b - 0x80] is its length (0: not a
 * character) and its bytes, made once from hi[].
 */
static unsigned char u8[128][4];

static void
u8_init(void)
{
	unsigned cp;
	int b;

	for (b = 0x80; b <= 0xFF; b++) {
		unsigned char *e = u8[b - 0x80];

		if ((cp = omsi_cp1251_decode((unsigned char)b)) == 0)
			e[0] = 0;
		else if (cp < 0x800) {
			e[0] = 2;
			e[1] = (unsigned char)(0xC0 | cp >> 6);
			e[2] = (unsigned char)(0x80 | (cp & 0x3F));
		} else {
			e[0] = 3;
			e[1] = (unsigned char)(0xE0 | cp >> 12);
			e[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			e[3] = (unsigned char)(0x80 | (cp & 0x3F));
		}
	}
}

/*
 * windows-1251 in, UTF-8 out (xmlCharEncodingInputFunc): runs of ASCII
 * 8 bytes at a time, the rest by the table above.
 */
static int
to_utf8(unsigned char *out, int *outlen, const unsigned char *in, int *inlen)
{
	const unsigned char *ip = in, *iend = in + *inlen;
	unsigned char *op = out, *oend = out + *outlen;
	const unsigned char *e;

	while (ip < iend) {
		if (iend - ip >= 8 && oend - op >= 8 && ascii8(ip)) {
			memcpy(op, ip, 8);
			ip += 8;
			op += 8;
			continue;
		}
		if (*ip < 0x80) {
			if (op >= oend)
				break;
			*op++ = *ip++;
			continue;
		}
		e = u8[*ip - 0x80];
		if (e[0] == 0) {
			*inlen = (int)(ip - in);
			*outlen = (int)(op - out);
			return (-2);
		}
		if (oend - op < e[0])
			break;
		op[0] = e[1];
		op[1] = e[2];
		if (e[0] == 3)
			op[2] = e[3];
		op += e[0];
		ip++;
	}
	*inlen = (int)(ip - in);
	*outlen = (int)(op - out);
	return (*outlen);
}

/*
 * The windows-1251 byte of the UTF-8 character of 2 to 4 bytes at ip
 * (avail bytes there), its length into *np: -1 when it is not UTF-8 or
 * windows-1251 lacks it, -2 when avail ends inside it.
 */
static int
utf8_char(const unsigned char *ip, size_t avail, int *np)
{
	unsigned cp;
	int n, k;

	if ((*ip & 0xE0) == 0xC0) {
		n = 2;
		cp = *ip & 0x1F;
	} else if ((*ip & 0xF0) == 0xE0) {
		n = 3;
		cp = *ip & 0x0F;
	} else if ((*ip & 0xF8) == 0xF0) {
		n = 4;
		cp = *ip & 0x07;
	} else
		return (-1);
	*np = n;
	if (avail < (size_t)n)
		return (-2);
	for (k = 1; k < n; k++) {
		if ((ip[k] & 0xC0) != 0x80)
			return (-1);
		cp = cp << 6 | (ip[k] & 0x3F);
	}
	return (omsi_cp1251_encode(cp));
}

/*
 * UTF-8 in, windows-1251 out (xmlCharEncodingOutputFunc): runs of ASCII
 * 8 bytes at a time, А..я (two bytes, D0 90..D1 8F) straight, the rest
 * by omsi_cp1251_encode().
 */
static int
from_utf8(unsigned char *out, int *outlen, const unsigned char *in,
    int *inlen)
{
	const unsigned char *ip = in, *iend = in + *inlen;
	unsigned char *op = out, *oend = out + *outlen;
	int n, b;

	if (in == NULL) {	/* a flush: nothing is buffered here */
		*outlen = 0;
		*inlen = 0;
		return (0);
	}
	while (ip < iend && op < oend) {
		if (iend - ip >= 8 && oend - op >= 8 && ascii8(ip)) {
			memcpy(op, ip, 8);
			ip += 8;
			op += 8;
			continue;
		}
		if (*ip < 0x80) {
			*op++ = *ip++;
			continue;
		}
		if (iend - ip >= 2 && (ip[1] & 0xC0) == 0x80 &&
		    ((ip[0] == 0xD0 && ip[1] >= 0x90) ||
		    (ip[0] == 0xD1 && ip[1] <= 0x8F))) {
			/* U+0410..U+044F: 0xC0..0xFF */
			*op++ = (unsigned char)(0xC0 +
			    (((ip[0] & 0x1F) << 6 | (ip[1] & 0x3F)) - 0x410));
			ip += 2;
			continue;
		}
		if ((b = utf8_char(ip, (size_t)(iend - ip), &n)) == -2)
			break;		/* the rest of it comes next time */
		if (b == -1)
			goto bad;
		*op++ = (unsigned char)b;
		ip += n;
	}
	*inlen = (int)(ip - in);
	*outlen = (int)(op - out);
	return (*outlen);
bad:
	*inlen = (int)(ip - in);
	*outlen = (int)(op - out);
	return (-2);
}

/*
 * What omsi_cp1251_put() does with an ASCII byte: 0 copy it, 1 the end,
 * 2 an escape (when escaping); 3, a byte of 0x80 and up: a character of
 * more bytes.
 */
static const unsigned char put_class[128] = {
	[0] = 1, ['<'] = 2, ['>'] = 2, ['&'] = 2, ['"'] = 2, ['\r'] = 2
};

#define PUT_ROOM	64	/* bytes made room for at a time */

/* the escape of an ASCII byte of class 2 */
static const char *
put_escape(unsigned char c)
{
	switch (c) {
	case '<':
		return ("&lt;");
	case '>':
		return ("&gt;");
	case '&':
		return ("&amp;");
	case '"':
		return ("&quot;");
	default:
		return ("&#13;");
	}
}

int
omsi_cp1251_put(struct oms_buf *b, const char *s, int esc,
    struct oms_err *err)
{
	const unsigned char *ip = (const unsigned char *)s;
	unsigned char *op, *oend;
	const char *rep;
	size_t start = b->len, need, want;
	int n, c, cl;

	if (omsi_buf_room(b, 0, err) == -1)
		return (-1);
	op = (unsigned char *)b->s + b->len;
	oend = (unsigned char *)b->s + b->cap - 1;	/* the NUL's */
	for (;;) {
		cl = *ip < 0x80 ? put_class[*ip] : 3;
		if (cl == 2 && !esc)
			cl = 0;
		/* "&quot;" is the most a character writes */
		if (oend - op < 6) {
			need = cl == 1 ? 0 : cl == 2 ?
			    strlen(put_escape(*ip)) : 1;
			if ((size_t)(oend - op) < need) {
				b->len = (size_t)(op - (unsigned char *)b->s);
				want = b->max - b->len < PUT_ROOM ? need :
				    PUT_ROOM;
				if (omsi_buf_room(b, want, err) == -1)
					goto fail;
				op = (unsigned char *)b->s + b->len;
				oend = (unsigned char *)b->s + b->cap - 1;
			}
		}
		switch (cl) {
		case 0:
			*op++ = *ip++;
			continue;
		case 1:
			b->len = (size_t)(op - (unsigned char *)b->s);
			b->s[b->len] = '\0';
			return (0);
		case 2:
			for (rep = put_escape(*ip++); *rep != '\0'; rep++)
				*op++ = (unsigned char)*rep;
			continue;
		}
		/* as from_utf8() converts it, or back to the caller */
		if ((ip[0] == 0xD0 && ip[1] >= 0x90 && ip[1] <= 0xBF) ||
		    (ip[0] == 0xD1 && ip[1] >= 0x80 && ip[1] <= 0x8F)) {
			*op++ = (unsigned char)(0xC0 +
			    (((ip[0] & 0x1F) << 6 | (ip[1] & 0x3F)) - 0x410));
			ip += 2;
			continue;
		}
		/* a NUL inside a character is no continuation byte */
		if ((c = utf8_char(ip, SIZE_MAX, &n)) < 0)
			break;
		*op++ = (unsigned char)c;
		ip += n;
	}
	b->len = start;
	b->s[b->len] = '\0';
	return (1);
fail:
	b->len = start;
	b->s[b->len] = '\0';
	return (-1);
}

int
oms_xml_init(void)
{
	xmlCharEncodingHandlerPtr h;

	/*
	 * Under a name of its own: a declaration written by libxml2 names
	 * the handler, and the registries must keep saying windows-1251.
	 */
	h = xmlFindCharEncodingHandler(OMSI_CP1251);
	if (h != NULL && h->input == to_utf8)
		return (0);	/* registered before */
	if (h != NULL)
		xmlCharEncCloseFunc(h);
	u8_init();
	if (xmlNewCharEncodingHandler(OMSI_CP1251, to_utf8, from_utf8) == NULL)
		return (-1);
	return (0);
}

const char *
omsi_cp1251_name(void)
{
	xmlCharEncodingHandlerPtr h;

	h = xmlFindCharEncodingHandler(OMSI_CP1251);
	if (h != NULL && h->input == to_utf8)
		return (OMSI_CP1251);
	if (h != NULL)
		xmlCharEncCloseFunc(h);
	return ("windows-1251");
}
