/*
 * test_xscan.c -- xscan.c against libxml2: the same events or a doubt
 *
 * Each document is read by libxml2's push parser set up as
 * ffoms_answer.c sets it up, and by the scanner, with the same recording
 * handlers (element names and their lines, the text between events
 * joined, comments, PIs), each fed in pieces of a size drawn from a
 * fixed seed.  The scanner must doubt, or libxml2 must have read the
 * document without an error to the same record.  The documents: answers
 * made here as oms-fund writes them, small hand-made ones, thousands of
 * their mutants; XSCAN_DOCS may name more files (UTF-8) to read.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "oms_int.h"
#include "xscan_int.h"

struct rec {
	xmlParserCtxtPtr	 ctxt;		/* libxml2's, for its lines */
	struct omsi_xscan	*xs;		/* or the scanner's */
	struct oms_buf		 out;		/* the record */
	int			 intext;	/* the last event was text */
	unsigned long		 tline;		/* ... at this line */
	int			 error;		/* libxml2 reported one */
};

static uint64_t seed = 20261203;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((unsigned)(seed >> 33) % n);
}

/* The records' and the documents' strings: a failure fails the test. */
static void
add(struct oms_buf *b, const void *p, size_t n)
{
	assert_int_equal(oms_buf_add(b, p, n, NULL), 0);
}

static void
adds(struct oms_buf *b, const char *s)
{
	assert_int_equal(oms_buf_adds(b, s, NULL), 0);
}

static unsigned long
line(const struct rec *r)
{
	return (r->xs != NULL ? omsi_xscan_line(r->xs) :
	    (unsigned long)xmlSAX2GetLineNumber(r->ctxt));
}

/* Text ends with the next event: its line is that of its last piece. */
static void
event(struct rec *r)
{
	if (r->intext)
		assert_int_equal(oms_buf_printf(&r->out, NULL, "]@%lu\n",
		    r->tline), 0);
	r->intext = 0;
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int natt, int ndef,
    const xmlChar **att)
{
	struct rec *r = ctx;

	event(r);
	assert_int_equal(oms_buf_printf(&r->out, NULL,
	    "<%s %p %s %s %d %d %d %d@%lu\n", (const char *)local,
	    (const void *)local, prefix ? (const char *)prefix : "-",
	    uri ? (const char *)uri : "-", nns, natt, ndef, att != NULL,
	    line(r)), 0);
	(void)ns;
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct rec *r = ctx;

	event(r);
	assert_int_equal(oms_buf_printf(&r->out, NULL, "</%s %p %s %s@%lu\n",
	    (const char *)local, (const void *)local, prefix ?
	    (const char *)prefix : "-", uri ? (const char *)uri : "-",
	    line(r)), 0);
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct rec *r = ctx;

	if (!r->intext)
		add(&r->out, "[", 1);
	r->intext = 1;
	add(&r->out, ch, (size_t)len);
	r->tline = line(r);
}

static void
on_comment(void *ctx, const xmlChar *v)
{
	struct rec *r = ctx;

	event(r);
	assert_int_equal(oms_buf_printf(&r->out, NULL, "!%s\n",
	    (const char *)v), 0);
}

static void
on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	struct rec *r = ctx;

	event(r);
	assert_int_equal(oms_buf_printf(&r->out, NULL, "?%s %s\n",
	    (const char *)target, data ? (const char *)data : "(null)"), 0);
}

static void
on_other(void *ctx, const xmlChar *a, const xmlChar *b, const xmlChar *c)
{
	struct rec *r = ctx;

	(void)a;
	(void)b;
	(void)c;
	event(r);
	add(&r->out, "DTD\n", 4);
}

static void
on_ref(void *ctx, const xmlChar *name)
{
	on_other(ctx, name, NULL, NULL);
}

static void
on_error(void *ctx, omsi_xml_error e)
{
	struct rec *r = ctx;

	if (e != NULL && e->level >= XML_ERR_ERROR)
		r->error = 1;
}

static void
sax_init(xmlSAXHandler *sax)
{
	memset(sax, 0, sizeof(*sax));
	sax->initialized = XML_SAX2_MAGIC;
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	sax->characters = on_text;
	sax->ignorableWhitespace = on_text;
	sax->cdataBlock = on_text;
	sax->comment = on_comment;
	sax->processingInstruction = on_pi;
	sax->internalSubset = on_other;
	sax->reference = on_ref;
	sax->serror = on_error;
}

/*
 * A parser context as ffoms_answer.c makes it: without a decoder (the
 * feed turned windows-1251 into UTF-8), or with libxml2's UTF-8 one (a
 * UTF-8 answer).
 */
static xmlParserCtxtPtr
context(xmlSAXHandler *sax, struct rec *r, const char *doc, size_t n,
    int utf8)
{
	xmlCharEncodingHandlerPtr h;
	xmlParserCtxtPtr c;

	c = xmlCreatePushParserCtxt(sax, r, n >= 4 ? doc : NULL, n >= 4 ? 4 :
	    0, "t.xml");
	assert_non_null(c);
	xmlCtxtUseOptions(c, OMSI_XML_OPTIONS | XML_PARSE_IGNORE_ENC);
	if (utf8) {
		assert_non_null(h = xmlFindCharEncodingHandler("UTF-8"));
		xmlSwitchToEncoding(c, h);
	}
	return (c);
}

/* libxml2's record of doc; 0 when it read it without an error. */
static int
by_libxml2(const char *doc, size_t n, struct rec *r, unsigned piece,
    int utf8)
{
	xmlSAXHandler sax;
	size_t off, k;
	int bad = 0;

	sax_init(&sax);
	memset(r, 0, sizeof(*r));
	oms_buf_init(&r->out, 0);
	r->ctxt = context(&sax, r, doc, n, utf8);
	off = n >= 4 ? 4 : 0;
	while (off < n && !bad) {
		k = 1 + rnd(piece);
		if (k > n - off)
			k = n - off;
		bad = xmlParseChunk(r->ctxt, doc + off, (int)k, 0) != 0;
		off += k;
	}
	if (!bad)
		bad = xmlParseChunk(r->ctxt, NULL, 0, 1) != 0;
	event(r);
	if (!r->ctxt->wellFormed || r->error)
		bad = 1;
	return (bad);
}

/* The scanner's record, with names from dict's parser; 0 when read. */
static int
by_xscan(const char *doc, size_t n, struct rec *r, unsigned piece,
    xmlParserCtxtPtr dictof)
{
	xmlSAXHandler sax;
	size_t off = 0, k;
	int rc = 0;

	sax_init(&sax);
	memset(r, 0, sizeof(*r));
	oms_buf_init(&r->out, 0);
	r->xs = omsi_xscan_new(dictof->dict, &sax, r);
	assert_non_null(r->xs);
	while (rc == 0) {
		k = 1 + rnd(piece);
		if (k > n - off)
			k = n - off;
		rc = omsi_xscan_feed(r->xs, (const unsigned char *)doc + off,
		    k, off + k == n);
		off += k;
		if (off == n)
			break;
	}
	event(r);
	omsi_xscan_free(r->xs);
	r->xs = NULL;
	return (rc);
}

struct counts {
	unsigned long	 docs, mutants, fast, doubts, bad;
};

/*
 * The scanner doubts, or reads doc as libxml2 does, both without a
 * decoder and with the UTF-8 one; and it doubts or not whatever the
 * pieces it is given.
 */
static int
compare(const char *doc, size_t n, struct counts *c, int mutant)
{
	struct rec a, b;
	unsigned piece;
	int utf8, bad, doubt = 0, d;

	for (utf8 = 0; utf8 < 2; utf8++) {
		piece = rnd(4) == 0 ? 3 : rnd(2) ? 300 : 70000;
		bad = by_libxml2(doc, n, &a, piece, utf8);
		d = by_xscan(doc, n, &b, rnd(2) ? piece : 1 + rnd(9), a.ctxt) !=
		    0;
		if (utf8 == 0)
			doubt = d;
		else if (d != doubt) {
			c->bad++;
			print_message("doubted with one split, not another:\n"
			    "%.*s\n", (int)(n < 600 ? n : 600), doc);
		}
		if (!d && (bad || strcmp(a.out.s ? a.out.s : "", b.out.s ?
		    b.out.s : "") != 0)) {
			c->bad++;
			if (c->bad <= 3)
				print_message("differs (libxml2 %s%s):\n%.*s\n"
				    "--- libxml2:\n%.2000s\n--- xscan:\n"
				    "%.2000s\n", bad ? "failed" : "read it",
				    utf8 ? ", UTF-8 decoder" : "",
				    (int)(n < 600 ? n : 600), doc,
				    a.out.s ? a.out.s : "", b.out.s ? b.out.s :
				    "");
		}
		xmlFreeParserCtxt(a.ctxt);
		oms_buf_release(&a.out);
		oms_buf_release(&b.out);
	}
	if (mutant)
		c->mutants++;
	else
		c->docs++;
	if (doubt)
		c->doubts++;
	else
		c->fast++;
	return (doubt);
}

/* ------------------------------------------------------- documents */

static void
field(struct oms_buf *d, int ind, const char *name, const char *v)
{
	int i;

	for (i = 0; i < ind; i++)
		adds(d, " ");
	adds(d, "<");
	adds(d, name);
	adds(d, ">");
	adds(d, v);
	adds(d, "</");
	adds(d, name);
	adds(d, ">\n");
}

static void
open_el(struct oms_buf *d, int ind, const char *name, int close)
{
	int i;

	for (i = 0; i < ind; i++)
		adds(d, " ");
	adds(d, close ? "</" : "<");
	adds(d, name);
	adds(d, ">\n");
}

/* An answer of nzap records, as examples/oms-fund writes one (in UTF-8,
   as the feed gives it). */
static void
answer(struct oms_buf *d, unsigned nzap)
{
	static const char *const osn[] = { "5.1.4", "5.3.2", "4.6.1" };
	char b[64];
	unsigned i, k;

	adds(d, "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n"
	    "<ZL_LIST>\n");
	open_el(d, 1, "ZGLV", 0);
	field(d, 2, "VERSION", "5.1");
	field(d, 2, "DATA", "2026-11-10");
	field(d, 2, "FILENAME", "HT76M760001_26101");
	open_el(d, 1, "ZGLV", 1);
	open_el(d, 1, "SCHET", 0);
	field(d, 2, "CODE_MO", "760001");
	field(d, 2, "DSCHET", "2026-11-10");
	field(d, 2, "COMENTS", "Счёт &amp; «реестр» &#1025;&#x451; ok");
	open_el(d, 1, "SCHET", 1);
	for (i = 1; i <= nzap; i++) {
		open_el(d, 1, "ZAP", 0);
		snprintf(b, sizeof(b), "%u", i);
		field(d, 2, "N_ZAP", b);
		field(d, 2, "PR_NOV", "0");
		open_el(d, 2, "PACIENT", 0);
		field(d, 3, "ID_PAC", "0000005355");
		field(d, 3, "FAM", rnd(2) ? "Иванова" : "Петров-Водкин");
		open_el(d, 2, "PACIENT", 1);
		open_el(d, 2, "Z_SL", 0);
		field(d, 3, "IDCASE", b);
		field(d, 3, "OPLATA", rnd(2) ? "1" : "2");
		field(d, 3, "SUMV", "960.80");
		open_el(d, 3, "SL", 0);
		field(d, 4, "SL_ID", "14f66a8a-b565-4ebc-9138-c1a3b0cd5178");
		field(d, 4, "DS1", "I69.3");
		field(d, 4, "COMENTSL", "");
		open_el(d, 3, "SL", 1);
		for (k = rnd(3); k > 0; k--) {
			open_el(d, 3, "SANK", 0);
			field(d, 4, "S_CODE", "a1b2");
			field(d, 4, "S_SUM", "960.80");
			field(d, 4, "S_OSN", osn[rnd(3)]);
			field(d, 4, "S_COM", "Отказ: \"нет\" &lt;данных&gt;");
			open_el(d, 3, "SANK", 1);
		}
		open_el(d, 2, "Z_SL", 1);
		open_el(d, 1, "ZAP", 1);
	}
	adds(d, "</ZL_LIST>\n");
}

static const char *const hand[] = {
	"<?xml version=\"1.0\"?><a/>",
	"<?xml version='1.0' encoding='UTF-8'?>\n<a>x</a>\n",
	"<?xml version=\"1.0\" encoding=\"windows-1251\" ?>\n\n<a\n>\n<b\n/>"
	    "t\n</a\n>\n\n",
	"<?xml version=\"1.0\"?>\n<!-- c -->\n<?pi data?>\n<a><?p?><?q  ?>"
	    "<!---->x<!-- - -->y</a>\n<!--e-->\n",
	"<?xml version=\"1.0\"?><a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;"
	    "&#x10FFFF;&#9;&#xD;</a>",
	"<?xml version=\"1.0\"?><a>]]</a>",
	"<?xml version=\"1.0\"?><a>]]&gt;</a>",
	"<?xml version=\"1.0\"?><a>x]]>y</a>",
	"<?xml version=\"1.0\"?><a>\r\n</a>",
	"<?xml version=\"1.0\"?><a b=\"c\"/>",
	"<?xml version=\"1.0\"?><x:a xmlns:x=\"u\"/>",
	"<?xml version=\"1.0\"?><!DOCTYPE a><a/>",
	"<?xml version=\"1.0\"?><a><![CDATA[x]]></a>",
	"<?xml version=\"1.0\"?><a>&e;</a>",
	"<?xml version=\"1.0\"?><a>&#0;</a>",
	"<?xml version=\"1.0\"?><a>&#xFFFE;</a>",
	"<?xml version=\"1.0\"?><a>\x01</a>",
	"<?xml version=\"1.0\"?><a>\xC0\x80</a>",
	"<?xml version=\"1.0\"?><a>\xED\xA0\x80</a>",
	"<?xml version=\"1.0\"?><a>\xEF\xBF\xBE</a>",
	"<?xml version=\"1.0\"?><a><!-- a--b --></a>",
	"<?xml version=\"1.0\"?><a><!-- a---></a>",
	"<?xml version=\"1.0\"?><a><?xml x?></a>",
	"<?xml version=\"1.0\"?><a><?XmL x?></a>",
	"<?xml version=\"1.0\"?><a><?xml-x x?></a>",
	"<?xml version=\"1.0\"?><a></b>",
	"<?xml version=\"1.0\"?><a><b></a></b>",
	"<?xml version=\"1.0\"?><a>",
	"<?xml version=\"1.0\"?><a/>x",
	"<?xml version=\"1.0\"?><a/><b/>",
	"<?xml version=\"1.1\"?><a/>",
	"<?xml version=\"1.0\" standalone=\"yes\"?><a/>",
	"\xEF\xBB\xBF<?xml version=\"1.0\"?><a/>",
	"<a/>",
	" <?xml version=\"1.0\"?><a/>",
	"<?xml version=\"1.0\"?><a>\xD0\xA0\xD1\x8B\xE2\x80\x94\xF0\x9F\x98\x80"
	    "</a>",
	"<?xml version=\"1.0\"?><a.b-c_d><_e/></a.b-c_d>",
	"<?xml version=\"1.0\"?><a>\t \n</a>",
	"<?xml version=\"1.0\"?><a><b/>  \n <c>  </c>\n</a>",
};

/* A mutant of d into m. */
static void
mutate(const struct oms_buf *d, struct oms_buf *m)
{
	static const char *const ins[] = {
		"<!-- c -->", "<?pi x?>", "<![CDATA[x]]>", "&amp;", "&lt;",
		"&#1025;", "&#x1F600;", "&#0;", "&#xD800;", "&bogus;",
		"<!DOCTYPE ZL_LIST>", " a=\"1\"", " xmlns=\"u\"", "\xEF\xBB\xBF",
		"\r\n", "\r", "\t", "   \n  ", "\n", "]]>", "]]", "--", "<x/>",
		"</x>", "<", ">", "&", "\xD0", "\x98", "\x01", "\xC2\x98",
		"<?xml version=\"1.0\"?>", " encoding=\"UTF-16\"", "x:", "\xFF",
		"<a:b/>", "&#9;", "&#x20;", "<!---->", "<?p?>",
	};
	size_t at, k, n;
	const char *s;

	oms_buf_reset(m);
	at = d->len > 0 ? rnd((unsigned)d->len) : 0;
	switch (rnd(6)) {
	case 0:		/* flip a byte */
		add(m, d->s, d->len);
		m->s[at] = (char)rnd(256);
		break;
	case 1:		/* delete some */
		k = 1 + rnd(4);
		if (at + k > d->len)
			k = d->len - at;
		add(m, d->s, at);
		add(m, d->s + at + k, d->len - at - k);
		break;
	case 2:		/* truncate */
		add(m, d->s, at);
		break;
	case 3:		/* text after the root, or a second one */
		add(m, d->s, d->len);
		adds(m, rnd(2) ? "x" : "<ZL_LIST/>");
		break;
	default:	/* insert */
		s = ins[rnd(sizeof(ins) / sizeof(ins[0]))];
		n = strlen(s);
		/* most often just after a tag or a line end */
		if (rnd(2))
			while (at < d->len && d->s[at] != '>' &&
			    d->s[at] != '\n')
				at++;
		if (at < d->len && rnd(2))
			at++;
		add(m, d->s, at);
		add(m, s, n);
		add(m, d->s + at, d->len - at);
		break;
	}
}

static void
test_differential(void **state)
{
	struct counts c = { 0 };
	struct oms_buf d, m, small[3];
	const char *env = getenv("XSCAN_DOCS");
	size_t i;
	int j;

	(void)state;
	oms_buf_init(&d, 0);
	oms_buf_init(&m, 0);
	for (i = 0; i < 3; i++)
		oms_buf_init(&small[i], 0);
	/* answers: the fast path must take every one */
	for (i = 0; i < 3; i++) {
		answer(&small[i], i == 0 ? 1 : i == 1 ? 7 : 400);
		assert_int_equal(compare(small[i].s, small[i].len, &c, 0), 0);
	}
	for (i = 0; i < sizeof(hand) / sizeof(hand[0]); i++)
		compare(hand[i], strlen(hand[i]), &c, 0);
	/* the first five hand-made ones are plain: taken too */
	for (i = 0; i < 5; i++)
		assert_int_equal(compare(hand[i], strlen(hand[i]), &c, 0), 0);
	for (j = 0; j < 6000; j++) {
		if (j % 3 == 0) {
			oms_buf_reset(&d);
			adds(&d, hand[rnd(sizeof(hand) / sizeof(hand[0]))]);
		} else {
			oms_buf_reset(&d);
			add(&d, small[j % 3 == 1 ? 0 : 1].s,
			    small[j % 3 == 1 ? 0 : 1].len);
		}
		/* one edit, or a few */
		mutate(&d, &m);
		for (i = rnd(4) == 0 ? rnd(3) : 0; i > 0; i--) {
			oms_buf_reset(&d);
			add(&d, m.s, m.len);
			mutate(&d, &m);
		}
		compare(m.s, m.len, &c, 1);
	}
	if (env != NULL && *env != '\0') {
		FILE *fp = fopen(env, "rb");
		char buf[65536];
		size_t n;

		assert_non_null(fp);
		oms_buf_reset(&d);
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			add(&d, buf, n);
		fclose(fp);
		assert_int_equal(compare(d.s, d.len, &c, 0), 0);
	}
	print_message("xscan: %lu documents, %lu mutants; the fast path "
	    "read %lu, doubted %lu; %lu read otherwise than libxml2\n",
	    c.docs, c.mutants, c.fast, c.doubts, c.bad);
	assert_int_equal(c.bad, 0);
	/* the mutants are not all doubted */
	assert_true(c.fast > c.mutants / 10);
	oms_buf_release(&d);
	oms_buf_release(&m);
	for (i = 0; i < 3; i++)
		oms_buf_release(&small[i]);
}

/*
 * Text is read eight bytes at a time: each byte that ends or changes a
 * run (markup, a reference, a newline, a tab, "]]>", a control, CR, a
 * non-ASCII byte) at each place of a word, runs of blanks and newlines
 * of every length up to past two words, the document in pieces of sizes
 * drawn from the seed, 1 to 9 bytes as often as not (so that runs cross
 * the pieces' ends).  Those the fast path reads must read alike, and the
 * plain ones must be read.
 */
static void
test_words(void **state)
{
	static const struct { const char *s; int plain; } at[] = {
		{ "<b/>", 1 }, { "<b>z</b>", 1 }, { "&amp;", 1 }, { "&#1040;", 1 },
		{ "\n", 1 }, { "\t", 1 }, { "\n\n", 1 }, { "]", 1 },
		{ "]]", 1 }, { "]]>", 0 }, { "\x01", 0 }, { "\x1F", 0 },
		{ "\r", 0 }, { "\xD0\xA0", 1 }, { "\xE2\x80\x94", 1 },
		{ "\xC0\x80", 0 }, { "\x7F", 1 }, { " ", 1 }, { "@", 1 },
		{ "\x80", 0 }, { "<!--c-->", 1 }, { "<?p d?>", 1 },
		/* two-byte sequences a word at a time, and each way wrong */
		{ "\xD0\x96\xD1\x8F\xC2\x80\xDF\xBF\xD0\x96", 1 },
		{ "\xD0\x96\xD0\x96\xC1\xBF\xD0\x96\xD0\x96", 0 },
		{ "\xD0\x96\xD0\x96\xD0\x96\xD0\xC0\xD0\x96", 0 },
		{ "\xD0\x96\xD0\x96\xD0\x96\xD0\x7F\xD0\x96", 0 },
		{ "\xD0\x96\xD0\x96\xE0\x96\xD0\x96\xD0\x96", 0 },
		{ "\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0", 0 },
		{ "\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xE2\x80\x94", 1 },
	};
	struct counts c = { 0 };
	struct oms_buf d;
	size_t i, k, j;
	int r;

	(void)state;
	oms_buf_init(&d, 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		for (k = 0; k <= 17; k++) {
			oms_buf_reset(&d);
			adds(&d, "<?xml version=\"1.0\"?>\n<a>");
			for (j = 0; j < k; j++)
				add(&d, j % 5 == 4 ? "\n" : "x", 1);
			adds(&d, at[i].s);
			for (j = k; j < 17; j++)
				add(&d, j % 7 == 6 ? "\n" : "y", 1);
			adds(&d, "</a>\n<!-- end -->\n");
			r = compare(d.s, d.len, &c, 0);
			if (at[i].plain)
				assert_int_equal(r, 0);
		}
	/* blanks and newlines, then markup: each length, each mix */
	for (k = 0; k <= 20; k++)
		for (j = 0; j < 4; j++) {
			oms_buf_reset(&d);
			adds(&d, "<?xml version=\"1.0\"?>\n<a>\n<b>");
			for (i = 0; i < k; i++)
				add(&d, j == 0 ? " " : j == 1 ? "\n" :
				    j == 2 ? (i % 3 ? " " : "\n") :
				    (i % 2 ? "\t" : "\n"), 1);
			adds(&d, "<c/>");
			for (i = 0; i < k; i++)
				add(&d, i == 0 ? "\n" : " ", 1);
			adds(&d, "</b>\n</a>\n");
			assert_int_equal(compare(d.s, d.len, &c, 0), 0);
		}
	print_message("words: %lu documents; the fast path read %lu; %lu "
	    "read otherwise than libxml2\n", c.docs, c.fast, c.bad);
	assert_int_equal(c.bad, 0);
	oms_buf_release(&d);
}

/*
 * Names are cached by their first eight bytes, their length and their
 * last eight: names of each length up to past two words that differ
 * from one another in a single byte (the first, the eighth, the ninth,
 * the last) must each be their own, and an end tag that differs so from
 * its start tag must be doubted.
 */
static void
test_names(void **state)
{
	struct counts c = { 0 };
	struct oms_buf d;
	char a[24], b[24];
	size_t len, at, i;
	int r;

	(void)state;
	oms_buf_init(&d, 0);
	for (len = 1; len <= 19; len++)
		for (i = 0; i < 4; i++) {
			at = i == 0 ? 0 : i == 1 ? 7 : i == 2 ? 8 : len - 1;
			if (at >= len || (at == 0 && len > 1 && i != 0))
				continue;
			memset(a, 'N', len);
			a[len] = '\0';
			memcpy(b, a, len + 1);
			a[at] = at == 0 ? 'P' : '1';
			b[at] = at == 0 ? 'Q' : '2';
			oms_buf_reset(&d);
			adds(&d, "<?xml version=\"1.0\"?>\n<r>\n");
			assert_int_equal(oms_buf_printf(&d, NULL,
			    "<%s>x</%s>\n<%s>y</%s>\n", a, a, b, b), 0);
			assert_int_equal(oms_buf_printf(&d, NULL,
			    "<%s/><%s/><%s><%s/></%s>\n", a, b, a, b, a), 0);
			assert_int_equal(oms_buf_printf(&d, NULL,
			    "<%s><%s>z</%s></%s>\n", b, a, a, b), 0);
			adds(&d, "</r>\n");
			assert_int_equal(compare(d.s, d.len, &c, 0), 0);
			oms_buf_reset(&d);
			adds(&d, "<?xml version=\"1.0\"?>\n<r>\n");
			assert_int_equal(oms_buf_printf(&d, NULL,
			    "<%s>x</%s>\n<%s>y</%s>\n", a, a, a, b), 0);
			adds(&d, "</r>\n");
			assert_int_equal(compare(d.s, d.len, &c, 0), 1);
		}
	/* each byte after a name's first k, in words and in the tail */
	for (len = 1; len <= 17; len++)
		for (i = 0; i < 256; i++) {
			memset(a, len % 2 ? 'z' : 'A', len);
			a[len] = '\0';
			oms_buf_reset(&d);
			adds(&d, "<?xml version=\"1.0\"?>\n<r><");
			adds(&d, a);
			add(&d, (char []){ (char)i }, 1);
			if (i % 2)
				adds(&d, "b/>");
			else {
				adds(&d, "b>x</");
				adds(&d, a);
				add(&d, (char []){ (char)i }, 1);
				adds(&d, "b>");
			}
			adds(&d, "</r>\n");
			r = compare(d.s, d.len, &c, 0);
			/* a name goes on over its bytes: read */
			if (isalnum(i) || i == '_' || i == '-' || i == '.')
				assert_int_equal(r, 0);
		}
	/* more names than the cache holds, each seen again: hashes shared */
	oms_buf_reset(&d);
	adds(&d, "<?xml version=\"1.0\"?>\n<r>\n");
	for (i = 0; i < 3 * 3000; i++) {
		len = i < 3000 ? i : (i * 7919) % 3000;
		assert_int_equal(oms_buf_printf(&d, NULL,
		    "<N%zu>x</N%zu><M%zu/>\n", len, len, len % 97), 0);
	}
	adds(&d, "</r>\n");
	assert_int_equal(compare(d.s, d.len, &c, 0), 0);
	print_message("names: %lu documents; the fast path read %lu; %lu "
	    "read otherwise than libxml2\n", c.docs, c.fast, c.bad);
	assert_int_equal(c.bad, 0);
	oms_buf_release(&d);
}

/* the scanner of test_flags, and what its handler found */
struct flags {
	struct omsi_xscan	*xs;
	unsigned long		 pieces, bad;
};

/* A piece of text: what omsi_xscan_text says of it, byte by byte. */
static void
flags_text(void *ctx, const xmlChar *p, int len)
{
	struct flags *f = ctx;
	const struct omsi_xscan_text *tx = omsi_xscan_text(f->xs);
	unsigned long nl = 0;
	int i, inner = 0, other = 0, high = 0;

	if (omsi_xscan_inref(f->xs))
		return;
	for (i = 0; i < len; i++) {
		if (p[i] == '\n')
			nl++;
		if (p[i] >= 0x80)
			high = 1;
		else if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n')
			inner |= i > 0;
		else
			other = 1;
	}
	f->pieces++;
	if (tx->nl != nl || !tx->inner_blank != !inner ||
	    !tx->other != !other || !tx->high != !high) {
		print_error("piece \"%.*s\": nl %lu inner %d other %d high %d, "
		    "said %lu %d %d %d\n", len, (const char *)p, nl, inner,
		    other, high, tx->nl, tx->inner_blank, tx->other, tx->high);
		f->bad++;
	}
	if (tx->line != omsi_xscan_line(f->xs))
		f->bad++;
}

/*
 * What the scanner says of each piece of text it gives (newlines, a
 * blank past the first byte, others, non-ASCII bytes; xtree.c drops or
 * keeps runs of blanks by it) is what the piece holds: runs of blanks,
 * tabs and newlines of each length up to past two words, then others,
 * non-ASCII bytes, "]" or nothing, at each place of a word, the document
 * fed whole and in pieces of 1 to 9 bytes.
 */
static void
test_flags(void **state)
{
	static const char *const blanks[] = { " ", "\n", "\t", "\n ", " \t" };
	static const char *const tails[] = { "", "z", "zy x", "\xD0\xA0",
	    "]", " ", "z\n", "&amp;z",
	    "\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96 \xD0\x96" };
	struct flags f = { 0 };
	struct oms_buf d;
	xmlSAXHandler sax;
	xmlDictPtr dict;
	const unsigned char *u;
	size_t i, j, k, b, off, n;
	int r;

	(void)state;
	oms_buf_init(&d, 0);
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.characters = flags_text;
	assert_non_null(dict = xmlDictCreate());
	for (b = 0; b < sizeof(blanks) / sizeof(blanks[0]); b++)
		for (k = 0; k <= 19; k++)
			for (j = 0; j < sizeof(tails) / sizeof(tails[0]); j++) {
				oms_buf_reset(&d);
				adds(&d, "<?xml version=\"1.0\"?>\n<a><b>");
				for (i = 0; i < k; i++)
					add(&d, blanks[b] +
					    i % strlen(blanks[b]), 1);
				adds(&d, tails[j]);
				adds(&d, "</b>");
				for (i = 0; i < k; i++)
					add(&d, blanks[b] +
					    i % strlen(blanks[b]), 1);
				adds(&d, tails[j]);
				adds(&d, "<c/></a>\n");
				for (i = 0; i < 2; i++) {
					assert_non_null(f.xs = omsi_xscan_new(
					    dict, &sax, &f));
					u = (const unsigned char *)d.s;
					for (off = 0, r = 0; r == 0 &&
					    off < d.len; off += n) {
						n = i == 0 ? d.len : 1 + rnd(9);
						if (n > d.len - off)
							n = d.len - off;
						r = omsi_xscan_feed(f.xs,
						    u + off, n,
						    off + n == d.len);
					}
					assert_int_equal(r, 0);
					omsi_xscan_free(f.xs);
				}
			}
	print_message("flags: %lu pieces, %lu said otherwise\n", f.pieces,
	    f.bad);
	assert_int_equal(f.bad, 0);
	xmlDictFree(dict);
	oms_buf_release(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_flags),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
