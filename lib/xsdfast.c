/*
 * xsdfast.c -- a fast acceptor in front of libxml2's XSD validation
 *
 * The schemas of xsd/ are ours and use a small part of XSD: elements
 * with minOccurs 0..1 and maxOccurs 1 or unbounded, sequences, choices of
 * elements, and simple types restricting xs:string, xs:decimal, the
 * integers or xs:date by length, digits, bounds, enumeration and pattern.
 * That part compiles here into a model, and a record (a ZAP, a PERS) is
 * matched against it.  Anything else makes the schema "not accelerated"
 * (omsi_xsdfast_open returns NULL) and anything unexpected in a record
 * makes the answer "not sure": the point is never to accept what libxml2
 * 2.9's xmlSchemaValidateOneElement refuses.  Where libxml2 departs from
 * the XSD recommendation, the model follows libxml2 or says "not sure":
 *
 * - an xs:date value with a blank before or after it is refused by
 *   libxml2 (its parser starts the date again from the unstripped text),
 *   so a date is taken only without blanks;
 * - libxml2 reads at most 24 significant digits of a number; the model
 *   takes at most XF_DIGITS digits in all;
 * - the digits of a decimal are counted as libxml2 counts them: without
 *   the zeros before the integer part and after the fraction, and 1 for
 *   a zero (so 0.05 has 2 total digits and 2 fraction digits);
 * - an enumeration is compared as text after the whitespace facet: the
 *   same text is the same value; other text is "not sure";
 * - patterns go through libxml2's own XSD regular expressions
 *   (xmlRegexpCompile, xmlRegexpExec), on the text as is, as libxml2
 *   does for a type derived from xs:string (the only base they may have
 *   here); a pattern of the simple kind the schemas use (branches of
 *   ASCII literals and classes, each with a count: "0|[12][0-9]{7,8}")
 *   is matched here instead (struct xf_simple), where libxml2's engine
 *   took some 1,000 instructions a value.
 *
 * Element-only content may have blank text between the elements (the
 * blanks of XML 1.0, as libxml2's xmlSchemaIsBlank); any other node, an
 * attribute, a namespace or a CDATA section there is "not sure".  A
 * simple element's text is its single text node, or "" without one.
 * Content models must have each element name once (flattened through
 * their sequences and choices): then a child's name says which particle
 * it is, and a greedy match is the match.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlregexp.h>

#include "xsdfast_int.h"

#define XS_NS		"http://www.w3.org/2001/XMLSchema"
#define XF_DIGITS	20		/* digits a number may have here */
#define XF_DEPTH	64		/* elements deep in a record */
#define XF_FILE_MAX	((size_t)8 << 20)
#define XF_UNBOUNDED	UINT_MAX
#define XF_NONE		(-1L)

enum xf_bi {
	XF_STRING = 1,
	XF_DECIMAL,
	XF_INTEGER,
	XF_NNINTEGER,
	XF_PINTEGER,
	XF_DATE
};

/* a non-negative decimal without its leading and trailing zeros */
struct xf_dec {
	const char	*ip;		/* integer digits, ni of them; none
					   for zero */
	const char	*fp;		/* fraction digits, nf of them */
	size_t		 ni, nf;
};

struct xf_stype {
	const struct xf_stype *base;	/* derived from a type of ours */
	int		 bi;		/* the built-in type it comes from */
	long		 len, minlen, maxlen;	/* XF_NONE when not given */
	long		 totdig, fracdig;
	int		 hasmin, hasmax;
	struct xf_dec	 min, max;	/* minInclusive, maxInclusive */
	char		**en;		/* enumeration: one of them */
	size_t		 nen;
	struct xf_pat	*pat;		/* patterns: one of them */
	size_t		 npat;
	int		 facets;	/* has any facet */
};

/*
 * A pattern of the simple kind: its branches (a|b), each a sequence of
 * atoms, an atom a set of ASCII bytes taken min to max times.  Compiled
 * only when every part of the pattern is one of those (simple_compile):
 * then a value matches exactly when libxml2's regexp matches it (the
 * test compares the two on every pattern of xsd/ and others).
 */
#define XF_ATOMS	16		/* atoms a branch may have */
#define XF_BRANCHES	8		/* branches a pattern may have */
#define XF_SIMPLE_MAX	256		/* longer values: libxml2's engine */

struct xf_atom {
	uint64_t	 set[2];	/* the bytes 0..127 it takes */
	unsigned	 min, max;	/* max UINT_MAX: unbounded */
};

struct xf_branch {
	struct xf_atom	 a[XF_ATOMS];
	size_t		 n;
};

struct xf_simple {
	struct xf_branch b[XF_BRANCHES];
	size_t		 n;
};

struct xf_pat {
	xmlRegexpPtr	 re;
	struct xf_simple *simple;	/* NULL: not of the simple kind */
};

enum { P_ELEM = 1, P_SEQ, P_CHOICE };

struct xf_elem;

struct xf_part {
	int		 kind;
	unsigned	 min, max;
	const struct xf_elem *el;	/* P_ELEM */
	struct xf_part	*kids;		/* P_SEQ, P_CHOICE */
	size_t		 nkids;
};

struct xf_ctype {
	struct xf_part	 top;
};

struct xf_elem {
	const char	*name;
	unsigned	 id;		/* its place in omsi_xsdfast.dname */
	const struct xf_ctype *ct;	/* element-only content, or */
	const struct xf_stype *st;	/* a simple type */
};

struct omsi_xsdfast {
	struct xf_elem	**glob;		/* the global elements */
	size_t		  nglob;
	void		**own;		/* every block, freed at the end */
	size_t		  nown, capown;
	xmlRegexpPtr	 *re;
	size_t		  nre, capre;
	/*
	 * The elements' names as the dictionary of the documents being
	 * read has them (a reference held on it), by id: a name is then
	 * compared by its address, where a byte loop was a third of match
	 * (match went from 2.77 % of the 1M export's samples to 2.22 %)
	 */
	const struct xf_elem **elem;	/* every element, by id */
	unsigned	  nelem, capelem;
	xmlDictPtr	  dict;
	const xmlChar	**dname;
};

/* a named global of the schema and what it compiled to */
struct xf_named {
	xmlNodePtr	 node;
	const char	*name;
	int		 state;		/* 0 not yet, 1 under way, 2 done */
	void		*v;
};

struct xf_cc {
	struct omsi_xsdfast *m;
	struct xf_named	*st, *ct, *el;
	size_t		 nst, nct, nel;
	const char	*why;
	long		 line;
	int		 nomem;
};

static int	 fail(struct xf_cc *, xmlNodePtr, const char *);
static const struct xf_stype *simple_type(struct xf_cc *, xmlNodePtr);
static const struct xf_ctype *complex_type(struct xf_cc *, xmlNodePtr);
static const struct xf_elem *element(struct xf_cc *, xmlNodePtr, int);
static int	 accept_elem(const struct xf_elem *, const xmlChar *const *,
		    xmlNodePtr, int);

/* ------------------------------------------------------------ memory */

static void *
xf_alloc(struct xf_cc *cc, size_t n)
{
	struct omsi_xsdfast *m = cc->m;
	void *p, **v;

	if (m->nown == m->capown) {
		size_t cap = m->capown ? m->capown * 2 : 64;

		if ((v = reallocarray(m->own, cap, sizeof(*v))) == NULL)
			goto nomem;
		m->own = v;
		m->capown = cap;
	}
	if ((p = calloc(1, n)) == NULL)
		goto nomem;
	m->own[m->nown++] = p;
	return (p);
nomem:
	cc->nomem = 1;
	fail(cc, NULL, "out of memory");
	return (NULL);
}

static char *
xf_strdup(struct xf_cc *cc, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if ((p = xf_alloc(cc, n)) != NULL)
		memcpy(p, s, n);
	return (p);
}

/* the regexp of a pattern, kept to be freed; NULL on failure */
static xmlRegexpPtr
xf_regexp(struct xf_cc *cc, xmlNodePtr at, const char *pattern)
{
	struct omsi_xsdfast *m = cc->m;
	xmlRegexpPtr re, *v;

	if (m->nre == m->capre) {
		size_t cap = m->capre ? m->capre * 2 : 16;

		if ((v = reallocarray(m->re, cap, sizeof(*v))) == NULL) {
			cc->nomem = 1;
			fail(cc, NULL, "out of memory");
			return (NULL);
		}
		m->re = v;
		m->capre = cap;
	}
	if ((re = xmlRegexpCompile((const xmlChar *)pattern)) == NULL) {
		fail(cc, at, "a pattern that does not compile");
		return (NULL);
	}
	m->re[m->nre++] = re;
	return (re);
}

void
omsi_xsdfast_free(struct omsi_xsdfast *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nre; i++)
		xmlRegFreeRegexp(m->re[i]);
	if (m->dict != NULL)
		xmlDictFree(m->dict);	/* our reference */
	free(m->dname);
	free(m->elem);
	for (i = 0; i < m->nown; i++)
		free(m->own[i]);
	free(m->re);
	free(m->own);
	free(m);
}

/* ------------------------------------------------------------ values */

/* the blanks of XML 1.0, as libxml2's IS_BLANK_CH */
static int
blank(int c)
{
	return (c == 0x20 || c == 0x9 || c == 0xa || c == 0xd);
}

/* only blanks (the indentation between elements: one look-up a byte) */
static int
blank_text(const xmlChar *s)
{
	static const unsigned char bl[256] = {
		[0x9] = 1, [0xa] = 1, [0xd] = 1, [0x20] = 1
	};

	if (s == NULL)
		return (1);
	while (bl[*s])
		s++;
	return (*s == '\0');
}

/* strcmp(a, b) == 0 for the short names of elements, without a call */
static int
same(const char *a, const xmlChar *b)
{
	while (*a != '\0' && *a == (char)*b) {
		a++;
		b++;
	}
	return (*a == (char)*b);
}

/*
 * [+]DIGITS[.DIGITS] (the point only when point), s[0..n), into d: 1, or
 * 0 when not that form or longer than XF_DIGITS digits.  A minus sign is
 * "not sure" (no type here takes a negative number).
 */
static int
parse_dec(const char *s, size_t n, int point, struct xf_dec *d)
{
	const char *e = s + n, *ip, *fp = NULL;
	size_t ni, nf = 0;

	if (s < e && *s == '+')
		s++;
	for (ip = s; s < e && *s >= '0' && *s <= '9'; s++)
		;
	if ((ni = (size_t)(s - ip)) == 0)
		return (0);
	if (point && s < e && *s == '.') {
		for (fp = ++s; s < e && *s >= '0' && *s <= '9'; s++)
			;
		if ((nf = (size_t)(s - fp)) == 0)
			return (0);
	}
	if (s != e || ni + nf > XF_DIGITS)
		return (0);
	while (ni > 0 && *ip == '0') {
		ip++;
		ni--;
	}
	while (nf > 0 && fp[nf - 1] == '0')
		nf--;
	d->ip = ip;		/* in s: no copy a value */
	d->fp = fp;
	d->ni = ni;
	d->nf = nf;
	return (1);
}

/* -1, 0, 1 as a < b, a = b, a > b */
static int
dec_cmp(const struct xf_dec *a, const struct xf_dec *b)
{
	size_t i, n;
	int r;
	char ca, cb;

	if (a->ni != b->ni)
		return (a->ni < b->ni ? -1 : 1);
	if ((r = memcmp(a->ip, b->ip, a->ni)) != 0)
		return (r < 0 ? -1 : 1);
	n = a->nf > b->nf ? a->nf : b->nf;
	for (i = 0; i < n; i++) {
		ca = i < a->nf ? a->fp[i] : '0';
		cb = i < b->nf ? b->fp[i] : '0';
		if (ca != cb)
			return (ca < cb ? -1 : 1);
	}
	return (0);
}

/* characters of well-formed UTF-8, or -1 */
static long
utf8_len(const unsigned char *s)
{
	long n = 0;
	int k;

	while (*s != '\0') {
		if (*s < 0x80)
			k = 0;
		else if (*s >= 0xc2 && *s <= 0xdf)
			k = 1;
		else if ((*s & 0xf0) == 0xe0)
			k = 2;
		else if (*s >= 0xf0 && *s <= 0xf4)
			k = 3;
		else
			return (-1);
		for (s++; k > 0; k--, s++)
			if ((*s & 0xc0) != 0x80)
				return (-1);
		n++;
	}
	return (n);
}

static int
digits2(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return (-1);
	return ((s[0] - '0') * 10 + (s[1] - '0'));
}

/* YYYY-MM-DD with Z or +hh:mm or -hh:mm or nothing after; no blank */
static int
good_date(const char *s)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int y, mo, d, hh, mm, i;

	for (y = 0, i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
		y = y * 10 + (s[i] - '0');
	}
	/* in order: no byte is read after the end */
	if (y == 0 || s[4] != '-' || (mo = digits2(s + 5)) < 1 || mo > 12 ||
	    s[7] != '-' || (d = digits2(s + 8)) < 1 || d > mdays[mo - 1])
		return (0);
	if (mo == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (0);
	s += 10;
	if (*s == '\0')
		return (1);
	if (s[0] == 'Z')
		return (s[1] == '\0');
	if ((s[0] != '+' && s[0] != '-') || (hh = digits2(s + 1)) < 0 ||
	    hh > 23 || s[3] != ':' || (mm = digits2(s + 4)) < 0 || mm > 59 ||
	    s[6] != '\0')
		return (0);
	return (hh * 60 + mm <= 840);
}

/* Does branch b match all of v, n bytes (n <= XF_SIMPLE_MAX)? */
static int
branch_match(const struct xf_branch *b, const unsigned char *v, size_t n)
{
	unsigned char at[XF_SIMPLE_MAX + 1], next[XF_SIMPLE_MAX + 1];
	const struct xf_atom *a;
	size_t i, k, c, run, any;

	/* the positions the atoms so far may end at, atom by atom */
	memset(at, 0, n + 1);
	at[0] = 1;
	for (k = 0; k < b->n; k++) {
		a = &b->a[k];
		memset(next, 0, n + 1);
		any = 0;
		for (i = 0; i <= n; i++) {
			if (!at[i])
				continue;
			for (run = 0; i + run < n && run < a->max &&
			    v[i + run] < 0x80 && (a->set[v[i + run] >> 6] >>
			    (v[i + run] & 63) & 1); run++)
				;
			for (c = a->min; c <= run; c++)
				any = next[i + c] = 1;
		}
		if (!any)
			return (0);
		memcpy(at, next, n + 1);
	}
	return (at[n]);
}

/* Does v match pattern p (libxml2's XSD regexp, or its simple form)? */
static int
pat_match(const struct xf_pat *p, const char *v)
{
	size_t i, n;

	if (p->simple == NULL || (n = strlen(v)) > XF_SIMPLE_MAX)
		return (xmlRegexpExec(p->re, (const xmlChar *)v) == 1);
	for (i = 0; i < p->simple->n; i++)
		if (branch_match(&p->simple->b[i], (const unsigned char *)v,
		    n))
			return (1);
	return (0);
}

/* Is v (the element's text) surely valid for t? */
static int
good_value(const struct xf_stype *t, const char *v)
{
	const struct xf_stype *u;
	struct xf_dec d = { NULL, NULL, 0, 0 };
	const char *s = v, *e;
	long len = -1;
	size_t i, n = 0, total;
	int ok;

	switch (t->bi) {
	case XF_STRING:
		break;
	case XF_DATE:
		if (!good_date(v))
			return (0);
		break;
	default:
		/* whiteSpace collapse: libxml2 strips the blanks around */
		while (blank((unsigned char)*s))
			s++;
		for (e = s + strlen(s); e > s && blank((unsigned char)e[-1]);
		    e--)
			;
		if (!parse_dec(s, (size_t)(e - s), t->bi == XF_DECIMAL, &d))
			return (0);
		if (t->bi == XF_PINTEGER && d.ni == 0)
			return (0);
		n = (size_t)(e - s);
		break;
	}
	for (u = t; u != NULL; u = u->base) {
		if (!u->facets)
			continue;
		if (u->len != XF_NONE || u->minlen != XF_NONE ||
		    u->maxlen != XF_NONE) {
			if (len < 0 && (len = utf8_len((const unsigned char *)
			    v)) < 0)
				return (0);
			if ((u->len != XF_NONE && len != u->len) ||
			    (u->minlen != XF_NONE && len < u->minlen) ||
			    (u->maxlen != XF_NONE && len > u->maxlen))
				return (0);
		}
		if (u->totdig != XF_NONE) {
			total = d.ni + d.nf;
			if ((long)(total == 0 ? 1 : total) > u->totdig)
				return (0);
		}
		if (u->fracdig != XF_NONE && (long)d.nf > u->fracdig)
			return (0);
		if (u->hasmin && dec_cmp(&d, &u->min) < 0)
			return (0);
		if (u->hasmax && dec_cmp(&d, &u->max) > 0)
			return (0);
		if (u->nen > 0) {
			for (ok = 0, i = 0; i < u->nen && !ok; i++)
				ok = t->bi == XF_STRING || t->bi == XF_DATE ?
				    strcmp(u->en[i], v) == 0 :
				    strlen(u->en[i]) == n &&
				    memcmp(u->en[i], s, n) == 0;
			if (!ok)
				return (0);
		}
		if (u->npat > 0) {
			for (ok = 0, i = 0; i < u->npat && !ok; i++)
				ok = pat_match(&u->pat[i], v);
			if (!ok)
				return (0);
		}
	}
	return (1);
}

/* ------------------------------------------------------------ compiling */

static int
fail(struct xf_cc *cc, xmlNodePtr at, const char *why)
{
	if (cc->why == NULL) {
		cc->why = why;
		cc->line = at != NULL ? xmlGetLineNo(at) : 0;
	}
	return (-1);
}


/* an element of XSD's namespace, named name (any name when NULL) */
static int
is_xs(xmlNodePtr n, const char *name)
{
	return (n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    strcmp((const char *)n->ns->href, XS_NS) == 0 &&
	    (name == NULL || strcmp((const char *)n->name, name) == 0));
}

/*
 * The next child from c on that counts, passing xs:annotation, comments
 * and blank text; NULL at the end, and NULL with cc->why set on anything
 * that is not an element of XSD.
 */
static xmlNodePtr
xs_next(struct xf_cc *cc, xmlNodePtr c)
{
	for (; c != NULL; c = c->next) {
		if (c->type == XML_COMMENT_NODE ||
		    (c->type == XML_TEXT_NODE && blank_text(c->content)) ||
		    is_xs(c, "annotation"))
			continue;
		if (!is_xs(c, NULL))
			fail(cc, c, "something other than XSD elements");
		else
			return (c);
		break;
	}
	return (NULL);
}

/* no child but annotations */
static int
no_children(struct xf_cc *cc, xmlNodePtr n)
{
	if (xs_next(cc, n->children) != NULL)
		return (fail(cc, n, "content the model does not know"));
	return (cc->why == NULL ? 0 : -1);
}

/* the value of the attribute name (no namespace), or NULL */
static const char *
attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
			return (a->children != NULL &&
			    a->children->content != NULL ?
			    (const char *)a->children->content : "");
	return (NULL);
}

/* Every attribute of n is one of allowed (NULL-ended), and plain text. */
static int
attrs_ok(struct xf_cc *cc, xmlNodePtr n, const char *const *allowed)
{
	xmlAttrPtr a;
	size_t i;

	for (a = n->properties; a != NULL; a = a->next) {
		if (a->ns != NULL)
			return (fail(cc, n, "an attribute in a namespace"));
		for (i = 0; allowed[i] != NULL &&
		    strcmp(allowed[i], (const char *)a->name) != 0; i++)
			;
		if (allowed[i] == NULL)
			return (fail(cc, n, "an attribute the model does not "
			    "know (nillable, default, fixed, mixed, form, "
			    "abstract, targetNamespace...)"));
		if (a->children == NULL || a->children->next != NULL ||
		    a->children->type != XML_TEXT_NODE)
			return (fail(cc, n, "an attribute not plain text"));
	}
	return (0);
}

static int
occurs(struct xf_cc *cc, xmlNodePtr n, unsigned *min, unsigned *max)
{
	const char *v;

	*min = *max = 1;
	if ((v = attr(n, "minOccurs")) != NULL) {
		if (strcmp(v, "0") == 0)
			*min = 0;
		else if (strcmp(v, "1") != 0)
			return (fail(cc, n, "minOccurs other than 0 or 1"));
	}
	if ((v = attr(n, "maxOccurs")) != NULL) {
		if (strcmp(v, "unbounded") == 0)
			*max = XF_UNBOUNDED;
		else if (strcmp(v, "1") != 0)
			return (fail(cc, n, "maxOccurs other than 1 or "
			    "unbounded"));
	}
	return (0);
}

/*
 * A QName of the schema, v, as seen from n: 1 with *local for a name of
 * XSD's namespace, 0 for one of the schema (no target namespace, no
 * default namespace), -1 otherwise.
 */
static int
qname(struct xf_cc *cc, xmlNodePtr n, const char *v, const char **local)
{
	const char *colon = strchr(v, ':');
	char prefix[64];
	xmlNsPtr ns;

	if (colon == NULL) {
		if (xmlSearchNs(n->doc, n, NULL) != NULL)
			return (fail(cc, n, "a default namespace"));
		*local = v;
		return (0);
	}
	if ((size_t)(colon - v) >= sizeof(prefix))
		return (fail(cc, n, "a long prefix"));
	memcpy(prefix, v, (size_t)(colon - v));
	prefix[colon - v] = '\0';
	if ((ns = xmlSearchNs(n->doc, n, (const xmlChar *)prefix)) == NULL ||
	    strcmp((const char *)ns->href, XS_NS) != 0)
		return (fail(cc, n, "a name of another namespace"));
	*local = colon + 1;
	return (1);
}

static struct xf_named *
named(struct xf_named *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return (&v[i]);
	return (NULL);
}

/* a built-in type the model knows, by its local name; 0 if not */
static int
builtin(const char *local)
{
	static const struct {
		const char	*name;
		int		 bi;
	} t[] = {
		{ "date", XF_DATE },
		{ "decimal", XF_DECIMAL },
		{ "integer", XF_INTEGER },
		{ "nonNegativeInteger", XF_NNINTEGER },
		{ "positiveInteger", XF_PINTEGER },
		{ "string", XF_STRING },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].name, local) == 0)
			return (t[i].bi);
	return (0);
}

static struct xf_stype *
new_stype(struct xf_cc *cc, int bi)
{
	struct xf_stype *t;

	if ((t = xf_alloc(cc, sizeof(*t))) == NULL)
		return (NULL);
	t->bi = bi;
	t->len = t->minlen = t->maxlen = XF_NONE;
	t->totdig = t->fracdig = XF_NONE;
	return (t);
}

/* a facet's small count (lengths, digits): 0..999999, or -1 */
static long
small_count(const char *v)
{
	long n = 0;
	size_t i;

	for (i = 0; v[i] != '\0'; i++) {
		if (i >= 6 || v[i] < '0' || v[i] > '9')
			return (-1);
		n = n * 10 + (v[i] - '0');
	}
	return (i == 0 ? -1 : n);
}

static int
numeric(int bi)
{
	return (bi == XF_DECIMAL || bi == XF_INTEGER || bi == XF_NNINTEGER ||
	    bi == XF_PINTEGER);
}

/* the facets of a restriction r into t (its base known) */
/* an ASCII letter or digit: what a simple pattern's class takes */
static int
simple_char(int c)
{
	return ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z'));
}

static void
set_add(struct xf_atom *a, int lo, int hi)
{
	for (; lo <= hi; lo++)
		a->set[lo >> 6] |= UINT64_C(1) << (lo & 63);
}

/* n at *pp (digits, at most 3 of them): it, or -1 */
static long
simple_count(const char **pp)
{
	const char *p = *pp;
	long n = 0;
	int k;

	for (k = 0; *p >= '0' && *p <= '9'; p++, k++)
		if (k == 3)
			return (-1);
		else
			n = n * 10 + (*p - '0');
	if (k == 0)
		return (-1);
	*pp = p;
	return (n);
}

/*
 * The simple form of XSD pattern pat (struct xf_simple), or NULL when it
 * has anything else: a class escape (\d), a group, a negated or nested
 * class, '.', '^', '$', a byte past ASCII, an odd count; then libxml2's
 * engine matches it, as before.  NULL on no memory too.
 */
static struct xf_simple *
simple_compile(struct xf_cc *cc, const char *pat)
{
	static const char metas[] = ".\\?*+{}()|[]-";
	struct xf_simple sp, *out;
	struct xf_branch *b;
	struct xf_atom *a;
	const char *p = pat;
	long lo, hi;
	int c0, c1;

	memset(&sp, 0, sizeof(sp));
	sp.n = 1;
	b = &sp.b[0];
	while (*p != '\0') {
		if (*p == '|') {
			if (b->n == 0 || sp.n == XF_BRANCHES)
				return (NULL);	/* an empty branch: odd */
			b = &sp.b[sp.n++];
			p++;
			continue;
		}
		if (b->n == XF_ATOMS)
			return (NULL);
		a = &b->a[b->n++];
		a->min = a->max = 1;
		if (*p == '[') {
			for (p++; *p != ']'; ) {
				if (!simple_char(c0 = (unsigned char)*p))
					return (NULL);
				c1 = c0;
				if (p[1] == '-' && p[2] != ']') {
					if (!simple_char(c1 = (unsigned char)
					    p[2]) || c1 < c0)
						return (NULL);
					p += 2;
				}
				set_add(a, c0, c1);
				p++;
			}
			if (a->set[0] == 0 && a->set[1] == 0)
				return (NULL);
			p++;
		} else if (*p == '\\' && p[1] != '\0' &&
		    strchr(metas, p[1]) != NULL) {
			set_add(a, (unsigned char)p[1], (unsigned char)p[1]);
			p += 2;
		} else if (simple_char((unsigned char)*p) || *p == '-') {
			set_add(a, (unsigned char)*p, (unsigned char)*p);
			p++;
		} else
			return (NULL);
		/* its count */
		if (*p == '?') {
			a->min = 0;
			p++;
		} else if (*p == '*' || *p == '+') {
			a->min = *p == '+';
			a->max = UINT_MAX;
			p++;
		} else if (*p == '{') {
			p++;
			if ((lo = simple_count(&p)) < 0)
				return (NULL);
			hi = lo;
			if (*p == ',') {
				p++;
				hi = *p == '}' ? -2 : simple_count(&p);
				if (hi == -1 || (hi >= 0 && hi < lo))
					return (NULL);
			}
			if (*p++ != '}')
				return (NULL);
			a->min = (unsigned)lo;
			a->max = hi == -2 ? UINT_MAX : (unsigned)hi;
		}
	}
	if (b->n == 0)
		return (NULL);
	if ((out = xf_alloc(cc, sizeof(*out))) != NULL)
		*out = sp;
	return (out);
}

static int
facets(struct xf_cc *cc, xmlNodePtr r, struct xf_stype *t)
{
	static const char *const fattrs[] = { "value", NULL };
	xmlNodePtr f;
	const char *name, *v;
	long k, *slot;
	size_t nen = 0, npat = 0;

	for (f = xs_next(cc, r->children); f != NULL;
	    f = xs_next(cc, f->next)) {
		if (is_xs(f, "enumeration"))
			nen++;
		else if (is_xs(f, "pattern"))
			npat++;
	}
	if (cc->why != NULL)
		return (-1);
	if ((nen > 0 && (t->en = xf_alloc(cc, nen * sizeof(*t->en))) ==
	    NULL) || (npat > 0 && (t->pat = xf_alloc(cc, npat *
	    sizeof(*t->pat))) == NULL))
		return (-1);
	for (f = xs_next(cc, r->children); f != NULL;
	    f = xs_next(cc, f->next)) {
		name = (const char *)f->name;
		if (attrs_ok(cc, f, fattrs) == -1 || no_children(cc, f) == -1)
			return (-1);
		if ((v = attr(f, "value")) == NULL)
			return (fail(cc, f, "a facet without a value"));
		t->facets = 1;
		slot = NULL;
		if (strcmp(name, "length") == 0)
			slot = &t->len;
		else if (strcmp(name, "minLength") == 0)
			slot = &t->minlen;
		else if (strcmp(name, "maxLength") == 0)
			slot = &t->maxlen;
		if (slot != NULL) {
			if (t->bi != XF_STRING)
				return (fail(cc, f, "a length facet not on a "
				    "string"));
			if (*slot != XF_NONE || (k = small_count(v)) < 0)
				return (fail(cc, f, "a length facet the model "
				    "does not take"));
			*slot = k;
			continue;
		}
		if (strcmp(name, "totalDigits") == 0)
			slot = &t->totdig;
		else if (strcmp(name, "fractionDigits") == 0)
			slot = &t->fracdig;
		if (slot != NULL) {
			if (!numeric(t->bi) || *slot != XF_NONE ||
			    (k = small_count(v)) < 0 ||
			    (slot == &t->totdig && k == 0))
				return (fail(cc, f, "a digits facet the model "
				    "does not take"));
			*slot = k;
			continue;
		}
		if (strcmp(name, "minInclusive") == 0 ||
		    strcmp(name, "maxInclusive") == 0) {
			int max = name[1] == 'a';
			int *has = max ? &t->hasmax : &t->hasmin;

			/* its digits are pointed to: a copy of m's */
			if (!numeric(t->bi) || *has ||
			    (v = xf_strdup(cc, v)) == NULL ||
			    !parse_dec(v, strlen(v), t->bi == XF_DECIMAL,
			    max ? &t->max : &t->min))
				return (fail(cc, f, "a bound the model does "
				    "not take"));
			*has = 1;
		} else if (strcmp(name, "enumeration") == 0) {
			if (t->bi == XF_DATE)
				return (fail(cc, f, "an enumeration of dates"));
			if ((t->en[t->nen++] = xf_strdup(cc, v)) == NULL)
				return (-1);
		} else if (strcmp(name, "pattern") == 0) {
			if (t->bi != XF_STRING)
				return (fail(cc, f, "a pattern not on a "
				    "string"));
			if ((t->pat[t->npat].re = xf_regexp(cc, f, v)) ==
			    NULL)
				return (-1);
			t->pat[t->npat++].simple = simple_compile(cc, v);
		} else
			return (fail(cc, f, "a facet the model does not know"));
	}
	return (cc->why == NULL ? 0 : -1);
}

static const struct xf_stype *
named_simple(struct xf_cc *cc, struct xf_named *nm)
{
	if (nm->state == 1) {
		fail(cc, nm->node, "a type derived from itself");
		return (NULL);
	}
	if (nm->state == 0) {
		nm->state = 1;
		nm->v = (void *)simple_type(cc, nm->node);
		nm->state = 2;
	}
	return (nm->v);
}

/* an xs:simpleType (a restriction) */
static const struct xf_stype *
simple_type(struct xf_cc *cc, xmlNodePtr n)
{
	static const char *const sattrs[] = { "name", NULL };
	static const char *const rattrs[] = { "base", NULL };
	const struct xf_stype *b = NULL;
	struct xf_stype *t;
	struct xf_named *nm;
	xmlNodePtr r;
	const char *base, *local;
	int k, bi;

	if (attrs_ok(cc, n, sattrs) == -1)
		return (NULL);
	if ((r = xs_next(cc, n->children)) == NULL ||
	    !is_xs(r, "restriction") || xs_next(cc, r->next) != NULL) {
		fail(cc, n, "a simple type other than a restriction");
		return (NULL);
	}
	if (attrs_ok(cc, r, rattrs) == -1)
		return (NULL);
	if ((base = attr(r, "base")) == NULL) {
		fail(cc, r, "a restriction of an anonymous type");
		return (NULL);
	}
	if ((k = qname(cc, r, base, &local)) == -1)
		return (NULL);
	if (k == 1) {
		if ((bi = builtin(local)) == 0) {
			fail(cc, r, "a built-in type the model does not know");
			return (NULL);
		}
	} else {
		if ((nm = named(cc->st, cc->nst, local)) == NULL) {
			fail(cc, r, "a base that is not a simple type here");
			return (NULL);
		}
		if ((b = named_simple(cc, nm)) == NULL)
			return (NULL);
		bi = b->bi;
	}
	if ((t = new_stype(cc, bi)) == NULL)
		return (NULL);
	t->base = b;
	if (facets(cc, r, t) == -1)
		return (NULL);
	return (t);
}

static int	 model(struct xf_cc *, xmlNodePtr, struct xf_part *);

/* Each element name once in p (flattened): the greedy match is exact. */
static int
distinct(struct xf_cc *cc, xmlNodePtr at, const struct xf_part *p,
    const char **seen, size_t *nseen, size_t cap)
{
	size_t i;

	if (p->kind == P_ELEM) {
		for (i = 0; i < *nseen; i++)
			if (strcmp(seen[i], p->el->name) == 0)
				return (fail(cc, at, "an element name twice in "
				    "one content model"));
		if (*nseen == cap)
			return (fail(cc, at, "a content model too large"));
		seen[(*nseen)++] = p->el->name;
		return (0);
	}
	for (i = 0; i < p->nkids; i++)
		if (distinct(cc, at, &p->kids[i], seen, nseen, cap) == -1)
			return (-1);
	return (0);
}

/* the content of an xs:complexType into ct */
static int
complex_fill(struct xf_cc *cc, xmlNodePtr n, struct xf_ctype *ct)
{
	static const char *const cattrs[] = { "name", NULL };
	const char *seen[512];
	size_t nseen = 0;
	xmlNodePtr c;

	if (attrs_ok(cc, n, cattrs) == -1)
		return (-1);
	if ((c = xs_next(cc, n->children)) == NULL ||
	    !(is_xs(c, "sequence") || is_xs(c, "choice")) ||
	    xs_next(cc, c->next) != NULL)
		return (fail(cc, n, "a complex type other than a sequence or "
		    "a choice of elements"));
	if (model(cc, c, &ct->top) == -1)
		return (-1);
	return (distinct(cc, n, &ct->top, seen, &nseen,
	    sizeof(seen) / sizeof(seen[0])));
}

static const struct xf_ctype *
named_complex(struct xf_cc *cc, struct xf_named *nm)
{
	struct xf_ctype *ct;

	if (nm->state == 0) {
		/* the type may come again below itself: known from now on */
		if ((ct = xf_alloc(cc, sizeof(*ct))) == NULL)
			return (NULL);
		nm->v = ct;
		nm->state = 2;
		if (complex_fill(cc, nm->node, ct) == -1)
			return (NULL);
	}
	return (nm->v);
}

static const struct xf_ctype *
complex_type(struct xf_cc *cc, xmlNodePtr n)
{
	struct xf_ctype *ct;

	if ((ct = xf_alloc(cc, sizeof(*ct))) == NULL ||
	    complex_fill(cc, n, ct) == -1)
		return (NULL);
	return (ct);
}

/* an xs:sequence or xs:choice into p */
static int
model(struct xf_cc *cc, xmlNodePtr n, struct xf_part *p)
{
	static const char *const mattrs[] = { "minOccurs", "maxOccurs", NULL };
	int choice = is_xs(n, "choice");
	xmlNodePtr c;
	size_t k;

	if (attrs_ok(cc, n, mattrs) == -1 ||
	    occurs(cc, n, &p->min, &p->max) == -1)
		return (-1);
	if (p->max != 1 || (!choice && p->min != 1))
		return (fail(cc, n, "a group with bounds the model does not "
		    "take"));
	p->kind = choice ? P_CHOICE : P_SEQ;
	for (k = 0, c = xs_next(cc, n->children); c != NULL;
	    c = xs_next(cc, c->next))
		k++;
	if (cc->why != NULL)
		return (-1);
	if (k == 0)
		return (fail(cc, n, "an empty group"));
	if ((p->kids = xf_alloc(cc, k * sizeof(*p->kids))) == NULL)
		return (-1);
	for (c = xs_next(cc, n->children); c != NULL;
	    c = xs_next(cc, c->next)) {
		struct xf_part *q = &p->kids[p->nkids++];

		if (is_xs(c, "element")) {
			q->kind = P_ELEM;
			if (occurs(cc, c, &q->min, &q->max) == -1 ||
			    (q->el = element(cc, c, 0)) == NULL)
				return (-1);
		} else if (!choice && (is_xs(c, "sequence") ||
		    is_xs(c, "choice"))) {
			if (model(cc, c, q) == -1)
				return (-1);
		} else
			return (fail(cc, c, "a particle the model does not "
			    "know (xs:any, xs:group, a group in a choice...)"));
	}
	return (cc->why == NULL ? 0 : -1);
}

static const struct xf_elem *
named_elem(struct xf_cc *cc, struct xf_named *nm)
{
	struct xf_elem *e;

	if (nm->state == 0) {
		if ((e = xf_alloc(cc, sizeof(*e))) == NULL)
			return (NULL);
		nm->v = e;
		nm->state = 2;
		if (element(cc, nm->node, 1) == NULL)
			return (NULL);
	}
	return (nm->v);
}

/*
 * An xs:element: a local one (with its bounds, or a ref), or a global
 * one (global: its struct is the one named_elem made).
 */
static const struct xf_elem *
element(struct xf_cc *cc, xmlNodePtr n, int global)
{
	static const char *const lattrs[] = { "maxOccurs", "minOccurs",
	    "name", "ref", "type", NULL };
	static const char *const gattrs[] = { "name", "type", NULL };
	struct xf_named *nm;
	struct xf_elem *e;
	xmlNodePtr c;
	const char *name, *type, *ref, *local;
	int k, bi;

	if (attrs_ok(cc, n, global ? gattrs : lattrs) == -1)
		return (NULL);
	name = attr(n, "name");
	type = attr(n, "type");
	if ((ref = attr(n, "ref")) != NULL) {
		if (name != NULL || type != NULL || no_children(cc, n) == -1 ||
		    qname(cc, n, ref, &local) != 0 ||
		    (nm = named(cc->el, cc->nel, local)) == NULL) {
			fail(cc, n, "a reference the model does not take");
			return (NULL);
		}
		return (named_elem(cc, nm));
	}
	if (name == NULL) {
		fail(cc, n, "an element without a name");
		return (NULL);
	}
	if (global) {
		e = named(cc->el, cc->nel, name)->v;
	} else if ((e = xf_alloc(cc, sizeof(*e))) == NULL)
		return (NULL);
	if ((e->name = xf_strdup(cc, name)) == NULL)
		return (NULL);
	if (cc->m->nelem == cc->m->capelem) {
		const struct xf_elem **v;
		unsigned cap = cc->m->capelem ? cc->m->capelem * 2 : 64;

		if ((v = reallocarray(cc->m->elem, cap, sizeof(*v))) == NULL) {
			cc->nomem = 1;
			fail(cc, n, "out of memory");
			return (NULL);
		}
		cc->m->elem = v;
		cc->m->capelem = cap;
	}
	e->id = cc->m->nelem;
	cc->m->elem[cc->m->nelem++] = e;
	c = xs_next(cc, n->children);
	if (cc->why != NULL)
		return (NULL);
	if ((type == NULL) == (c == NULL)) {
		fail(cc, n, "an element with no type or two");
		return (NULL);
	}
	if (c != NULL) {
		if (xs_next(cc, c->next) != NULL || cc->why != NULL) {
			fail(cc, c, "an element with more than its type");
			return (NULL);
		}
		if (is_xs(c, "simpleType"))
			e->st = simple_type(cc, c);
		else if (is_xs(c, "complexType"))
			e->ct = complex_type(cc, c);
		else
			fail(cc, c, "an element content the model does not "
			    "know (key, unique...)");
		return (cc->why == NULL ? e : NULL);
	}
	if ((k = qname(cc, n, type, &local)) == -1)
		return (NULL);
	if (k == 1) {
		if ((bi = builtin(local)) == 0) {
			fail(cc, n, "a built-in type the model does not know");
			return (NULL);
		}
		e->st = new_stype(cc, bi);
	} else if ((nm = named(cc->st, cc->nst, local)) != NULL)
		e->st = named_simple(cc, nm);
	else if ((nm = named(cc->ct, cc->nct, local)) != NULL)
		e->ct = named_complex(cc, nm);
	else
		fail(cc, n, "a type that is not in the schema");
	return (cc->why == NULL ? e : NULL);
}

/* the schema's file, whole; NULL on an error (errno) */
static char *
slurp(const char *path, size_t *len)
{
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > XF_FILE_MAX || (nb = realloc(buf, cap)) ==
			    NULL) {
				e = cap > XF_FILE_MAX ? EFBIG : ENOMEM;
				goto err;
			}
			buf = nb;
		}
		if ((r = read(fd, buf + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			goto err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return (buf);
err:
	free(buf);
	close(fd);
	errno = e;
	return (NULL);
}

/* the global declarations of the schema s into cc */
static int
globals(struct xf_cc *cc, xmlNodePtr s)
{
	static const char *const schattrs[] = { "attributeFormDefault",
	    "elementFormDefault", NULL };
	struct xf_named **v, *nm;
	size_t *nv, cap;
	xmlNodePtr c;
	const char *name, *efd;

	if (s == NULL || !is_xs(s, "schema"))
		return (fail(cc, s, "not a schema"));
	if (attrs_ok(cc, s, schattrs) == -1)
		return (-1);
	if ((efd = attr(s, "elementFormDefault")) != NULL &&
	    strcmp(efd, "unqualified") != 0)
		return (fail(cc, s, "elementFormDefault other than "
		    "unqualified"));
	for (cap = 0, c = xs_next(cc, s->children); c != NULL;
	    c = xs_next(cc, c->next))
		cap++;
	if (cc->why != NULL)
		return (-1);
	if (cap == 0)
		return (fail(cc, s, "an empty schema"));
	if ((cc->st = xf_alloc(cc, cap * sizeof(*cc->st))) == NULL ||
	    (cc->ct = xf_alloc(cc, cap * sizeof(*cc->ct))) == NULL ||
	    (cc->el = xf_alloc(cc, cap * sizeof(*cc->el))) == NULL)
		return (-1);
	for (c = xs_next(cc, s->children); c != NULL;
	    c = xs_next(cc, c->next)) {
		if (is_xs(c, "simpleType")) {
			v = &cc->st;
			nv = &cc->nst;
		} else if (is_xs(c, "complexType")) {
			v = &cc->ct;
			nv = &cc->nct;
		} else if (is_xs(c, "element")) {
			v = &cc->el;
			nv = &cc->nel;
		} else
			return (fail(cc, c, "a declaration the model does not "
			    "know (include, import, group, attribute...)"));
		if ((name = attr(c, "name")) == NULL)
			return (fail(cc, c, "a global without a name"));
		if (named(*v, *nv, name) != NULL)
			return (fail(cc, c, "a name declared twice"));
		nm = &(*v)[(*nv)++];
		nm->node = c;
		nm->name = name;
	}
	return (cc->why == NULL ? 0 : -1);
}

struct omsi_xsdfast *
omsi_xsdfast_open(const char *path, const char **why, long *line)
{
	struct xf_cc cc;
	struct omsi_xsdfast *m;
	xmlDocPtr doc = NULL;
	char *buf;
	size_t len, i;

	memset(&cc, 0, sizeof(cc));
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		cc.why = "out of memory";
		goto out;
	}
	cc.m = m;
	if ((buf = slurp(path, &len)) == NULL) {
		cc.why = errno == ENOMEM ? "out of memory" :
		    "the schema cannot be read";
		goto out;
	}
	if (len > INT_MAX) {
		free(buf);
		cc.why = "the schema is too big";
		goto out;
	}
	/* no network, no DTD, no entity: the text of the file only */
	doc = xmlReadMemory(buf, (int)len, path, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(buf);
	if (doc == NULL) {
		cc.why = "the schema does not parse";
		goto out;
	}
	if (globals(&cc, xmlDocGetRootElement(doc)) == -1)
		goto out;
	if ((m->glob = xf_alloc(&cc, (cc.nel + 1) * sizeof(*m->glob))) ==
	    NULL)
		goto out;
	for (i = 0; i < cc.nel; i++)
		if ((m->glob[m->nglob++] = (struct xf_elem *)named_elem(&cc,
		    &cc.el[i])) == NULL)
			goto out;
out:
	xmlFreeDoc(doc);
	if (why != NULL)
		*why = cc.why;
	if (line != NULL)
		*line = cc.line;
	if (cc.why != NULL) {
		omsi_xsdfast_free(m);
		return (NULL);
	}
	return (m);
}

/* ------------------------------------------------------------ matching */

/* the next element from c on, passing blank text; *bad on anything else */
static xmlNodePtr
next_elem(xmlNodePtr c, int *bad)
{
	for (; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return (c);
		if (c->type != XML_TEXT_NODE || !blank_text(c->content)) {
			*bad = 1;
			return (NULL);
		}
	}
	return (NULL);
}

/*
 * Is nm el's name?  By address when dn has the names of its dictionary
 * (omsi_xsdfast_accept): an equal address is an equal name; a name not
 * of that dictionary differs, and the record is "not sure", never taken
 * for another.
 */
#define NAME_IS(dn, el, nm) \
	((dn) != NULL ? (dn)[(el)->id] == (nm) : same((el)->name, (nm)))

/* Match p at *cur, moving it past what p takes: 1, or 0 not sure. */
static int
match(const struct xf_part *p, const xmlChar *const *dn, xmlNodePtr *cur,
    int depth)
{
	const xmlChar *name;
	unsigned k;
	size_t i;
	int bad = 0;

	switch (p->kind) {
	case P_SEQ:
		for (i = 0; i < p->nkids; i++)
			if (!match(&p->kids[i], dn, cur, depth))
				return (0);
		return (1);
	case P_CHOICE:
		if (*cur != NULL) {
			name = (*cur)->name;
			for (i = 0; i < p->nkids; i++)
				if (NAME_IS(dn, p->kids[i].el, name))
					return (match(&p->kids[i], dn, cur,
					    depth));
		}
		/* none of them: the choice is empty, if it may be */
		if (p->min == 0)
			return (1);
		for (i = 0; i < p->nkids; i++)
			if (p->kids[i].min == 0)
				return (1);
		return (0);
	default:
		for (k = 0; *cur != NULL && k < p->max &&
		    NAME_IS(dn, p->el, (*cur)->name); k++) {
			if (!accept_elem(p->el, dn, *cur, depth + 1))
				return (0);
			*cur = next_elem((*cur)->next, &bad);
			if (bad)
				return (0);
		}
		return (k >= p->min);
	}
}

static int
accept_elem(const struct xf_elem *e, const xmlChar *const *dn, xmlNodePtr n,
    int depth)
{
	xmlNodePtr c;
	int bad = 0;

	if (depth > XF_DEPTH || n->ns != NULL || n->properties != NULL ||
	    n->nsDef != NULL)
		return (0);
	if (e->st != NULL) {
		if ((c = n->children) == NULL)
			return (good_value(e->st, ""));
		if (c->type != XML_TEXT_NODE || c->next != NULL)
			return (0);
		return (good_value(e->st, c->content != NULL ?
		    (const char *)c->content : ""));
	}
	c = next_elem(n->children, &bad);
	if (bad || !match(&e->ct->top, dn, &c, depth))
		return (0);
	return (c == NULL);
}

/*
 * The names of m's elements in dict, looked up once for the documents
 * of a dictionary (a reference held: the dictionary, and so the
 * addresses, stay while m has them); NULL without a dictionary or on no
 * memory (the names are then compared byte for byte).
 */
static const xmlChar *const *
dict_names(struct omsi_xsdfast *m, xmlDictPtr dict)
{
	unsigned i;

	if (dict == NULL)
		return (NULL);
	if (dict == m->dict)
		return (m->dname);
	if (m->dict != NULL) {
		xmlDictFree(m->dict);
		m->dict = NULL;
	}
	if (m->dname == NULL && (m->dname = calloc(m->nelem,
	    sizeof(*m->dname))) == NULL)
		return (NULL);
	if (xmlDictReference(dict) == -1)
		return (NULL);
	m->dict = dict;
	for (i = 0; i < m->nelem; i++)
		if ((m->dname[i] = xmlDictLookup(dict, (const xmlChar *)
		    m->elem[i]->name, -1)) == NULL) {
			xmlDictFree(m->dict);
			m->dict = NULL;
			return (NULL);
		}
	return (m->dname);
}

int
omsi_xsdfast_pattern(const char *pat, const char *v)
{
	struct omsi_xsdfast *m;
	struct xf_cc cc;
	struct xf_pat p;
	int r = -1;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (-1);
	memset(&cc, 0, sizeof(cc));
	cc.m = m;
	p.re = NULL;
	if ((p.simple = simple_compile(&cc, pat)) != NULL &&
	    strlen(v) <= XF_SIMPLE_MAX)
		r = pat_match(&p, v);
	omsi_xsdfast_free(m);
	return (r);
}

int
omsi_xsdfast_accept(struct omsi_xsdfast *m, xmlNodePtr n)
{
	size_t i;

	/* libxml2 validates a node of a document only */
	if (m == NULL || n == NULL || n->type != XML_ELEMENT_NODE ||
	    n->doc == NULL)
		return (0);
	for (i = 0; i < m->nglob; i++)
		if (strcmp(m->glob[i]->name, (const char *)n->name) == 0)
			return (accept_elem(m->glob[i], dict_names(m,
			    n->doc->dict), n, 0));
	return (0);
}
