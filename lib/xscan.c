/*
 * xscan.c -- a strict streaming scanner for the XML of the answers
 *
 * What it reads, and how libxml2 2.9 reports it to SAX2 handlers with
 * OMSI_XML_OPTIONS (xscan_int.h):
 *
 *   <?xml version="1.0" encoding="NAME"?> at the first byte (the encoding
 *	is the feed's business: the parser ignores it);
 *   blanks (space, tab, LF), comments and PIs before and after the root;
 *   <NAME>, <NAME/>, </NAME> with blanks before the '>' or "/>", names of
 *	ASCII letters, digits, '_', '.', '-' (no colon);
 *   text of XML Chars in valid UTF-8 but CR, with &lt; &gt; &amp; &apos;
 *	&quot; and character references to Chars;
 *   <!--comments--> and <?target data?>, target not xml in any case.
 *
 * Lines: a start tag (and an empty element's end) is reported at the line
 * of its '>' or "/>", an end tag at the line of its '>', text at the line
 * where the piece given ends.  With NOBLANKS libxml2 hands blanks to
 * ignorableWhitespace only when it builds a tree (ctxt->node): without
 * one, every piece of text goes to characters, as here.
 *
 * Anything else, and anything cut off by the end of the document, is a
 * doubt.  A piece of input may end anywhere: the unfinished token is
 * kept and completed from the next piece.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xscan_int.h"

#define XS_DEPTH	250		/* libxml2 stops at 256 */
#define XS_NAME		1000		/* longest name read */
#define XS_TOKEN	((size_t)1 << 20)	/* longest comment, PI, tag */
#define XS_STEP		4096		/* next piece taken to end a token */
#define XS_CACHE_BITS	11
#define XS_CACHE	(1 << XS_CACHE_BITS)
#define XS_GUESS_BITS	10
#define XS_GUESS	(1 << XS_GUESS_BITS)

enum { P_DECL, P_PROLOG, P_CONTENT, P_EPILOG };

struct xs_name {
	const xmlChar	*s;
	size_t		 len;
	uint64_t	 head;		/* its first bytes (name_head) */
};

struct omsi_xscan {
	xmlDictPtr	 dict;
	void		*ctx;
	startElementNsSAX2Func	start;
	endElementNsSAX2Func	end;
	charactersSAXFunc	text;
	commentSAXFunc		comment;
	processingInstructionSAXFunc pi;
	void		(*release)(void *);	/* omsi_xscan_on_release */
	int		 phase;
	int		 doubt;
	int		 stop;		/* a handler asked */
	struct omsi_xscan_text t;	/* the line, what the text given is */
	struct xs_name	 open[XS_DEPTH];
	int		 depth;
	struct xs_name	 cache[XS_CACHE];
	/*
	 * The records of a document mostly share one shape: the name of a
	 * start tag is guessed from the name of the tag before it (last)
	 * and of the open element, and read at once when it is the guess.
	 */
	const xmlChar	*last;
	struct xs_name	 guess[XS_GUESS];
	unsigned char	*carry;		/* an unfinished token and what follows */
	size_t		 ncarry, capcarry;
	unsigned char	*tmp;		/* a comment or PI's text, terminated */
	size_t		 captmp;
};

/* bytes of text: 0 plain, 1 stops a run of text */
static const unsigned char stops[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1,	/* tab is plain */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['&'] = 1, ['<'] = 1, [']'] = 1,
	[0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* 1: a name's first byte; 2: a name's other bytes */
static const unsigned char namech[256] = {
	['-'] = 2, ['.'] = 2,
	['0'] = 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	['A'] = 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3,
	['_'] = 3,
	['a'] = 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3,
};

#define name_start(c)	(namech[(unsigned char)(c)] & 1)
#define name_char(c)	(namech[(unsigned char)(c)] != 0)

static int
blank(unsigned c)
{
	return (c == ' ' || c == '\t' || c == '\n');
}

/*
 * The length of the UTF-8 sequence of an XML Char (>= U+0080) at q: 0
 * when end cuts it, -1 when it is malformed or no Char.
 */
static int
u8len(const unsigned char *q, const unsigned char *end)
{
	unsigned c = q[0], lo = 0x80, hi = 0xBF;
	int n, i;

	if (c < 0xC2)
		return (-1);
	if (c < 0xE0)
		n = 2;
	else if (c < 0xF0) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;		/* no surrogates */
	} else if (c < 0xF5) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return (-1);
	for (i = 1; i < n; i++) {
		if (q + i >= end)
			return (0);
		if (q[i] < (i == 1 ? lo : 0x80) || q[i] > (i == 1 ? hi : 0xBF))
			return (-1);
	}
	if (c == 0xEF && q[1] == 0xBF && q[2] >= 0xBE)
		return (-1);			/* U+FFFE, U+FFFF */
	return (n);
}

/*
 * Eight bytes at a time: a word holds q[0..8) with q[i] in bits 8i..8i+7
 * (the compiler reads it in one load where that is the order), and a
 * mask has the top bit of byte i set when byte i is so; each mask is
 * exact, byte by byte (no borrow runs from one byte into the next).
 */
#define W_ONES		UINT64_C(0x0101010101010101)
#define W_HIGH		UINT64_C(0x8080808080808080)
#define W_LOW		(~W_HIGH)

static inline uint64_t
word_at(const unsigned char *q)
{
	return ((uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
	    (uint64_t)q[3] << 24 | (uint64_t)q[4] << 32 |
	    (uint64_t)q[5] << 40 | (uint64_t)q[6] << 48 |
	    (uint64_t)q[7] << 56);
}

/* the bytes of w that are c */
static inline uint64_t
word_eq(uint64_t w, unsigned char c)
{
	uint64_t t = w ^ (W_ONES * c);

	return (~(((t & W_LOW) + W_LOW) | t) & W_HIGH);
}

/* the bytes of w below 0x21: controls and space */
static inline uint64_t
word_le_space(uint64_t w)
{
	return (~(((w & W_LOW) + W_ONES * 0x5F) | w) & W_HIGH);
}

/* the bytes of w below 0x20 */
static inline uint64_t
word_ctl(uint64_t w)
{
	return (~(((w & W_LOW) + W_ONES * 0x60) | w) & W_HIGH);
}

/*
 * 1 when w is four UTF-8 sequences of two bytes (U+0080 to U+07FF, the
 * Cyrillic letters among them): bytes C2 to DF each followed by one of
 * 80 to BF
 */
static inline int
word_pairs(uint64_t w)
{
	return (((w & UINT64_C(0xC0E0C0E0C0E0C0E0)) ==
	    UINT64_C(0x80C080C080C080C0)) &&
	    (((w & UINT64_C(0x001E001E001E001E)) +
	    UINT64_C(0x007F007F007F007F)) & UINT64_C(0x0080008000800080)) ==
	    UINT64_C(0x0080008000800080));
}

/* how many bytes a mask marks */
static inline unsigned
word_count(uint64_t m)
{
	return ((unsigned)(((m >> 7) * W_ONES) >> 56));
}

/* 1 when a[0..n) and b[0..n) are the same bytes: names are short */
static inline int
same_bytes(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (0);
	return (1);
}

/* The first bytes of the name s[0..n) (s < end), up to 8, as a word. */
static inline uint64_t
name_head(const unsigned char *s, size_t n, const unsigned char *end)
{
	uint64_t w = 0;
	size_t i;

	if (end - s >= 8) {
		w = word_at(s);
		return (n >= 8 ? w : w & ((UINT64_C(1) << (8 * n)) - 1));
	}
	for (i = 0; i < n && i < 8; i++)
		w |= (uint64_t)s[i] << (8 * i);
	return (w);
}

/* 1 when the name s[0..n) of head w is e's */
static inline int
name_is(const struct xs_name *e, const unsigned char *s, size_t n,
    uint64_t w)
{
	return (e->len == n && e->head == w && (n <= 8 ||
	    same_bytes(s + 8, e->s + 8, n - 8)));
}

/*
 * The dictionary's copy of the name s[0..n) (s + n < end), cached: an
 * entry of the cache, NULL when out of memory.  The cache holds two
 * names a hash, the one last looked up first.
 */
static const struct xs_name *
intern(struct omsi_xscan *x, const unsigned char *s, size_t n,
    const unsigned char *end)
{
	struct xs_name *e, t;
	uint64_t w = name_head(s, n, end), h;

	h = (w + n) * UINT64_C(0x9E3779B97F4A7C15);
	if (n > 8)
		h ^= word_at(s + n - 8) * UINT64_C(0xC2B2AE3D27D4EB4F);
	/* the top bits: a product's low bits miss its factors' high bytes */
	e = &x->cache[(h >> (64 - XS_CACHE_BITS)) & ~(uint64_t)1];
	if (e[0].s != NULL && name_is(&e[0], s, n, w))
		return (&e[0]);
	if (e[1].s != NULL && name_is(&e[1], s, n, w)) {
		t = e[0];
		e[0] = e[1];
		e[1] = t;
		return (&e[0]);
	}
	e[1] = e[0];
	if ((e[0].s = xmlDictLookup(x->dict, s, (int)n)) == NULL)
		return (NULL);
	e[0].len = n;
	e[0].head = w;
	return (&e[0]);
}

/*
 * Chars of a comment or a PI at q..end, up to the 2- or 3-byte mark;
 * where the mark begins, NULL when end comes first (*bad 0) or a byte
 * is no Char or "--" is in a comment (*bad 1).  Lines are counted in
 * *nl.
 */
static const unsigned char *
chars_to(const unsigned char *q, const unsigned char *end, const char *mark,
    int comment, unsigned long *nl, int *bad)
{
	size_t ml = strlen(mark);
	int k;

	*bad = 0;
	while (q < end) {
		if (*q == (unsigned char)mark[0]) {
			if ((size_t)(end - q) < ml)
				return (NULL);
			if (memcmp(q, mark, ml) == 0)
				return (q);
		}
		if (comment && q[0] == '-') {
			if (end - q < 2)
				return (NULL);
			if (q[1] == '-') {
				*bad = 1;
				return (NULL);
			}
		}
		if (*q >= 0x80) {
			if ((k = u8len(q, end)) <= 0) {
				*bad = k < 0;
				return (NULL);
			}
			q += k;
			continue;
		}
		if (*q == '\n')
			(*nl)++;
		else if (*q < 0x20 && *q != '\t') {
			*bad = 1;
			return (NULL);
		}
		q++;
	}
	return (NULL);
}

/* Copy p..e, terminated, to x->tmp. */
static const xmlChar *
terminated(struct omsi_xscan *x, const unsigned char *p,
    const unsigned char *e)
{
	size_t n = (size_t)(e - p);
	unsigned char *t;

	if (n + 1 > x->captmp) {
		if ((t = realloc(x->tmp, n + 1)) == NULL)
			return (NULL);
		x->tmp = t;
		x->captmp = n + 1;
	}
	memcpy(x->tmp, p, n);
	x->tmp[n] = '\0';
	return (x->tmp);
}

#define DOUBT	(-1)
#define MORE	(-2)

/* A reference at p ('&'): its characters given; bytes read, or DOUBT/MORE. */
static long
reference(struct omsi_xscan *x, const unsigned char *p,
    const unsigned char *end)
{
	static const struct { const char *name; char c; } pre[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "apos", '\'' },
		{ "quot", '"' }
	};
	const unsigned char *q, *semi;
	unsigned char out[4];
	unsigned long v = 0;
	size_t i, n;
	int hex;

	for (semi = p + 1; semi < end && semi - p < 12 && *semi != ';'; semi++)
		;
	if (semi == end)
		return (MORE);
	if (*semi != ';')
		return (DOUBT);
	n = (size_t)(semi - p - 1);
	if (p[1] != '#') {
		for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
			if (strlen(pre[i].name) == n &&
			    memcmp(p + 1, pre[i].name, n) == 0)
				break;
		if (i == sizeof(pre) / sizeof(pre[0]))
			return (DOUBT);
		out[0] = (unsigned char)pre[i].c;
		n = 1;
	} else {
		hex = p[2] == 'x';
		q = p + 2 + hex;
		if (q == semi || semi - q > 6)
			return (DOUBT);
		for (; q < semi; q++) {
			if (*q >= '0' && *q <= '9')
				v = v * (hex ? 16 : 10) + (*q - '0');
			else if (hex && *q >= 'a' && *q <= 'f')
				v = v * 16 + (*q - 'a' + 10);
			else if (hex && *q >= 'A' && *q <= 'F')
				v = v * 16 + (*q - 'A' + 10);
			else
				return (DOUBT);
		}
		if (!(v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 &&
		    v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) ||
		    (v >= 0x10000 && v <= 0x10FFFF)))
			return (DOUBT);
		if (v < 0x80) {
			out[0] = (unsigned char)v;
			n = 1;
		} else if (v < 0x800) {
			out[0] = (unsigned char)(0xC0 | v >> 6);
			out[1] = (unsigned char)(0x80 | (v & 0x3F));
			n = 2;
		} else if (v < 0x10000) {
			out[0] = (unsigned char)(0xE0 | v >> 12);
			out[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
			out[2] = (unsigned char)(0x80 | (v & 0x3F));
			n = 3;
		} else {
			out[0] = (unsigned char)(0xF0 | v >> 18);
			out[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3F));
			out[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
			out[3] = (unsigned char)(0x80 | (v & 0x3F));
			n = 4;
		}
	}
	if (x->text != NULL) {
		x->t.inref = 1;
		x->text(x->ctx, out, (int)n);
		x->t.inref = 0;
	}
	return (x->stop ? DOUBT : (long)(semi + 1 - p));
}

/*
 * Text at p (in an element): given in one piece; bytes read, or DOUBT.
 * The indentation between two tags, a newline and spaces up to the '<',
 * is most of the pieces: read first, a word at a time.
 */
static long
text(struct omsi_xscan *x, const unsigned char *p, const unsigned char *end,
    int last)
{
	const unsigned char *q = p;
	unsigned long line = x->t.line;
	uint64_t w, nls, tabs, m, in, bl;
	int k, inner = 0, other = 0, high = 0;

	if (*p == '\n') {
		for (q = p + 1; end - q >= 8; q += 8) {
			w = word_at(q) ^ (W_ONES * ' ');
			if (w != 0) {
				/* the spaces before the first other byte */
				m = (((w & W_LOW) + W_LOW) | w) & W_HIGH;
				q += word_count(((m & (~m + 1)) - 1) & W_HIGH);
				break;
			}
		}
		if (q < end && *q == '<') {
			line++;
			inner = q - p > 1;
			goto given;
		}
		q = p;
	}
	while (q < end) {
		if (end - q >= 8) {
			/* no blank or stop: others, up to a '<' perhaps */
			w = word_at(q);
			m = word_le_space(w) | word_eq(w, '<') |
			    word_eq(w, '&') | word_eq(w, ']') | (w & W_HIGH);
			if (m == 0) {
				other = 1;
				q += 8;
				continue;
			}
			if ((w & W_HIGH) == W_HIGH && word_pairs(w)) {
				high = 1;
				q += 8;
				continue;
			}
			k = (int)word_count(((m & (~m + 1)) - 1) & W_HIGH);
			if (q[k] == '<') {
				other |= k > 0;
				q += k;
				break;
			}
			/*
			 * up to the first stop but a newline or a tab: the
			 * newlines counted, the blanks and others noted
			 */
			nls = word_eq(w, '\n');
			tabs = word_eq(w, '\t');
			m = (word_ctl(w) | word_eq(w, '<') | word_eq(w, '&') |
			    word_eq(w, ']') | (w & W_HIGH)) & ~(nls | tabs);
			in = m == 0 ? W_HIGH : ((m & (~m + 1)) - 1) & W_HIGH;
			bl = (nls | tabs | word_eq(w, ' ')) & in;
			line += word_count(nls & in);
			other |= bl != in;
			inner |= (q == p ? bl & ~UINT64_C(0x80) : bl) != 0;
			if (m == 0) {
				q += 8;
				continue;
			}
			q += word_count(in);
		} else if (!stops[*q]) {
			if (*q != ' ' && *q != '\t')
				other = 1;
			else if (q > p)
				inner = 1;
			q++;
			continue;
		}
		if (*q == '\n') {
			if (q > p)
				inner = 1;
			line++;
			q++;
		} else if (*q == ']') {
			if (end - q < 3 && !last)
				break;
			if (end - q >= 3 && q[1] == ']' && q[2] == '>')
				return (DOUBT);
			other = 1;
			q++;
		} else if (*q >= 0x80) {
			if ((k = u8len(q, end)) < 0 || (k == 0 && last))
				return (DOUBT);
			if (k == 0)
				break;
			high = 1;
			q += k;
		} else if (*q == '<' || *q == '&')
			break;
		else
			return (DOUBT);		/* a control, CR */
	}
given:
	x->t.nl = line - x->t.line;
	x->t.inner_blank = inner;
	x->t.other = other;
	x->t.high = high;
	x->t.line = line;
	if (q > p && x->text != NULL) {
		if ((size_t)(q - p) > (size_t)INT32_MAX)
			return (DOUBT);
		x->text(x->ctx, p, (int)(q - p));
		if (x->stop)
			return (DOUBT);
	}
	return ((long)(q - p));
}

/* Blanks at q: past them, lines counted; NULL at end. */
static const unsigned char *
blanks(const unsigned char *q, const unsigned char *end, unsigned long *line)
{
	for (; q < end && blank(*q); q++)
		if (*q == '\n')
			(*line)++;
	return (q < end ? q : NULL);
}

/* A start tag, an end tag, a comment or a PI at p ('<'). */
static long
markup(struct omsi_xscan *x, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q, *e, *n0;
	const xmlChar *name, *data;
	unsigned long line = x->t.line;
	const struct xs_name *top, *ne;
	struct xs_name *guess;
	size_t nl;
	int bad, empty = 0;

	if (end - p < 4)
		return (MORE);
	if (p[1] == '!') {
		if (p[2] != '-' || p[3] != '-')
			return (DOUBT);		/* DOCTYPE, CDATA, ... */
		if ((e = chars_to(p + 4, end, "-->", 1, &line, &bad)) == NULL)
			return (bad ? DOUBT : MORE);
		if (e > p + 4 && e[-1] == '-')
			return (DOUBT);		/* "--->" */
		x->t.line = line;
		if (x->comment != NULL) {
			if ((data = terminated(x, p + 4, e)) == NULL)
				return (DOUBT);
			x->comment(x->ctx, data);
		}
		return (x->stop ? DOUBT : (long)(e + 3 - p));
	}
	if (p[1] == '?') {
		for (q = n0 = p + 2; q < end && name_char(*q); q++)
			;
		if (q == end)
			return (MORE);
		if (!name_start(*n0) || q - n0 > XS_NAME ||
		    ((n0[0] | 0x20) == 'x' && q - n0 >= 3 &&
		    (n0[1] | 0x20) == 'm' && (n0[2] | 0x20) == 'l'))
			return (DOUBT);
		if ((ne = intern(x, n0, (size_t)(q - n0), end)) == NULL)
			return (DOUBT);
		name = ne->s;
		if (*q == '?') {
			if (q + 1 == end)
				return (MORE);
			if (q[1] != '>')
				return (DOUBT);
			e = q;
			data = NULL;
		} else {
			if (!blank(*q))
				return (DOUBT);
			if ((q = blanks(q, end, &line)) == NULL)
				return (MORE);
			if ((e = chars_to(q, end, "?>", 0, &line, &bad)) ==
			    NULL)
				return (bad ? DOUBT : MORE);
			if ((data = terminated(x, q, e)) == NULL)
				return (DOUBT);
		}
		x->t.line = line;
		if (x->pi != NULL)
			x->pi(x->ctx, name, data);
		return (x->stop ? DOUBT : (long)(e + 2 - p));
	}
	if (p[1] == '/') {
		if (x->depth == 0)
			return (DOUBT);
		top = &x->open[x->depth - 1];
		n0 = p + 2;
		if ((size_t)(end - n0) > top->len && !name_char(n0[top->len]) &&
		    name_is(top, n0, top->len, name_head(n0, top->len, end)))
			q = n0 + top->len;
		else {
			/* another name, or cut short */
			for (q = n0; q < end && name_char(*q); q++)
				;
			return (q == end ? MORE : DOUBT);
		}
		if (*q != '>' && (q = blanks(q, end, &line)) == NULL)
			return (MORE);
		if (*q != '>')
			return (DOUBT);
		x->t.line = line;
		x->last = top->s;
		if (x->end != NULL)
			x->end(x->ctx, top->s, NULL, NULL);
		if (--x->depth == 0)
			x->phase = P_EPILOG;
		return (x->stop ? DOUBT : (long)(q + 1 - p));
	}
	n0 = p + 1;
	guess = &x->guess[(((uintptr_t)x->last ^ (x->depth > 0 ?
	    (uintptr_t)x->open[x->depth - 1].s << 1 : 0)) *
	    UINT64_C(0x9E3779B97F4A7C15)) >> (64 - XS_GUESS_BITS)];
	nl = guess->len;
	if (guess->s != NULL && (size_t)(end - n0) > nl &&
	    !name_char(n0[nl]) && name_is(guess, n0, nl, name_head(n0, nl,
	    end))) {
		q = n0 + nl;
		ne = guess;
	} else {
		if (!name_start(p[1]))
			return (DOUBT);
		for (q = n0; q < end && name_char(*q); q++)
			;
		if (q == end)
			return (MORE);
		nl = (size_t)(q - n0);
		if (nl > XS_NAME)
			return (DOUBT);
		ne = NULL;
	}
	if (*q != '>' && *q != '/' && !blank(*q))
		return (DOUBT);
	if (*q != '>' && (q = blanks(q, end, &line)) == NULL)
		return (MORE);
	if (*q == '/') {
		if (q + 1 == end)
			return (MORE);
		if (q[1] != '>')
			return (DOUBT);
		empty = 1;
		q++;
	} else if (*q != '>')
		return (DOUBT);		/* an attribute */
	if (x->phase == P_EPILOG || x->depth == XS_DEPTH)
		return (DOUBT);
	if (ne == NULL) {
		if ((ne = intern(x, n0, nl, end)) == NULL)
			return (DOUBT);
		*guess = *ne;
	}
	name = ne->s;
	x->last = name;
	x->phase = P_CONTENT;
	x->t.line = line;
	if (x->start != NULL)
		x->start(x->ctx, name, NULL, NULL, 0, NULL, 0, 0, NULL);
	if (x->stop)
		return (DOUBT);
	if (empty) {
		if (x->end != NULL)
			x->end(x->ctx, name, NULL, NULL);
		if (x->depth == 0)
			x->phase = P_EPILOG;
	} else {
		x->open[x->depth++] = *ne;
	}
	return (x->stop ? DOUBT : (long)(q + 1 - p));
}

/* "S? = S? quote" at q: past the quote, *quote set; NULL, *more. */
static const unsigned char *
eq(const unsigned char *q, const unsigned char *end, unsigned long *line,
    unsigned char *quote)
{
	if ((q = blanks(q, end, line)) == NULL || *q != '=' ||
	    (q = blanks(q + 1, end, line)) == NULL || (*q != '"' &&
	    *q != '\''))
		return (NULL);
	*quote = *q;
	return (q + 1);
}

/*
 * The XML declaration at p: bytes read, DOUBT or MORE.  version "1.0",
 * an optional encoding name (libxml2 ignores it: XML_PARSE_IGNORE_ENC),
 * nothing else.
 */
static long
declaration(struct omsi_xscan *x, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *q, *e;
	unsigned long line = x->t.line;
	unsigned char quote;

	if (end - p >= 6 && (memcmp(p, "<?xml", 5) != 0 || !blank(p[5])))
		return (DOUBT);
	for (e = p; e < end && e - p < 400 && !(e[0] == '?' && e + 1 < end &&
	    e[1] == '>'); e++)
		;
	if (e - p >= 400)
		return (DOUBT);
	if (e >= end)
		return (MORE);
	if (e - p < 6 || memcmp(p, "<?xml", 5) != 0 || !blank(p[5]))
		return (DOUBT);
	q = blanks(p + 5, e, &line);
	if (q == NULL || e - q < 7 || memcmp(q, "version", 7) != 0 ||
	    (q = eq(q + 7, e, &line, &quote)) == NULL || e - q < 4 ||
	    memcmp(q, "1.0", 3) != 0 || q[3] != quote)
		return (DOUBT);
	q += 4;
	if (q < e && blank(*q) && (q = blanks(q, e, &line)) == NULL)
		q = e;			/* blanks, then "?>" */
	else if (q < e && q[-1] != quote) {
		/* blanks, then the encoding */
		if (e - q < 8 || memcmp(q, "encoding", 8) != 0 ||
		    (q = eq(q + 8, e, &line, &quote)) == NULL ||
		    !((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z'))
			return (DOUBT);
		for (q++; q < e && name_char(*q); q++)
			;
		if (q == e || *q != quote)
			return (DOUBT);
		q++;
		if (q < e && (!blank(*q) || blanks(q, e, &line) != NULL))
			return (DOUBT);		/* standalone, ... */
		q = e;
	}
	if (q != e)
		return (DOUBT);
	x->t.line = line;
	x->phase = P_PROLOG;
	return ((long)(e + 2 - p));
}

/*
 * Read what p..end holds; the bytes read (an unfinished token is left),
 * or DOUBT.  last: nothing follows.
 */
static long
scan(struct omsi_xscan *x, const unsigned char *p, const unsigned char *end,
    int last)
{
	const unsigned char *p0 = p;
	long r;

	while (p < end) {
		if (x->phase == P_DECL)
			r = declaration(x, p, end);
		else if (*p == '<')
			r = markup(x, p, end);
		else if (*p == '&' && x->phase == P_CONTENT)
			r = reference(x, p, end);
		else if (x->phase == P_CONTENT)
			r = text(x, p, end, last);
		else if (blank(*p)) {
			if (*p == '\n')
				x->t.line++;
			r = 1;
		} else
			r = DOUBT;		/* text outside the root */
		if (r <= 0) {
			if (r == DOUBT)
				return (DOUBT);
			break;		/* MORE, or 0 */
		}
		p += r;
	}
	if (last && p < end)
		return (DOUBT);
	return ((long)(p - p0));
}

static int
carry_add(struct omsi_xscan *x, const unsigned char *p, size_t n)
{
	unsigned char *t;
	size_t cap;

	if (x->ncarry + n > x->capcarry) {
		cap = x->ncarry + n + XS_STEP;
		if ((t = realloc(x->carry, cap)) == NULL)
			return (-1);
		x->carry = t;
		x->capcarry = cap;
	}
	memcpy(x->carry + x->ncarry, p, n);
	x->ncarry += n;
	return (0);
}

/* The bytes given as text may move or go: the handler is told. */
static void
release(struct omsi_xscan *x)
{
	if (x->release != NULL)
		x->release(x->ctx);
}

int
omsi_xscan_feed(struct omsi_xscan *x, const unsigned char *p, size_t n,
    int last)
{
	size_t old, take, off = 0, used;
	long r;

	if (x->doubt)
		return (-1);
	if (x->ncarry > 0) {
		/* end the unfinished token with the first bytes of p */
		old = x->ncarry;
		take = n < XS_STEP ? n : XS_STEP;
		if (carry_add(x, p, take) == -1 || (r = scan(x, x->carry,
		    x->carry + x->ncarry, last && take == n)) == DOUBT)
			goto doubt;
		if ((size_t)r >= old) {
			off = (size_t)r - old;
			x->ncarry = 0;
		} else {
			/* a long token: all of p goes after it */
			used = (size_t)r;
			if (take < n) {
				release(x);
				if (carry_add(x, p + take, n - take) == -1 ||
				    (r = scan(x, x->carry + used, x->carry +
				    x->ncarry, last)) == DOUBT)
					goto doubt;
				used += (size_t)r;
			}
			release(x);
			memmove(x->carry, x->carry + used, x->ncarry - used);
			x->ncarry -= used;
			goto end;
		}
	}
	if ((r = scan(x, p + off, p + n, last)) == DOUBT)
		goto doubt;
	off += (size_t)r;
	release(x);
	if (off < n && carry_add(x, p + off, n - off) == -1)
		goto doubt;
end:
	if (x->ncarry > XS_TOKEN || (last && (x->ncarry > 0 ||
	    x->phase != P_EPILOG)))
		goto doubt;
	return (0);
doubt:
	release(x);
	x->doubt = 1;
	return (-1);
}

void
omsi_xscan_on_release(struct omsi_xscan *x, void (*fn)(void *))
{
	x->release = fn;
}

unsigned long
omsi_xscan_line(const struct omsi_xscan *x)
{
	return (x->t.line);
}

void
omsi_xscan_stop(struct omsi_xscan *x)
{
	x->stop = 1;
}

int
omsi_xscan_inref(const struct omsi_xscan *x)
{
	return (x->t.inref);
}

const struct omsi_xscan_text *
omsi_xscan_text(const struct omsi_xscan *x)
{
	return (&x->t);
}

struct omsi_xscan *
omsi_xscan_new(xmlDictPtr dict, const xmlSAXHandler *sax, void *ctx)
{
	struct omsi_xscan *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return (NULL);
	x->dict = dict;
	x->ctx = ctx;
	x->start = sax->startElementNs;
	x->end = sax->endElementNs;
	x->text = sax->characters;
	x->comment = sax->comment;
	x->pi = sax->processingInstruction;
	x->phase = P_DECL;
	x->t.line = 1;
	return (x);
}

void
omsi_xscan_free(struct omsi_xscan *x)
{
	if (x == NULL)
		return;
	free(x->carry);
	free(x->tmp);
	free(x);
}
