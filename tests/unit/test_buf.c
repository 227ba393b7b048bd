/*
 * test_buf.c -- the registry writer's buffers: oms_buf's appends across
 * its growth and its max, windows-1251 made while escaping
 * (omsi_cp1251_put) against libxml2's handler, and a record made in one
 * piece (omsi_ffoms_put) against the text writer, byte for byte
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "export_int.h"

/* a deterministic generator */
static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8);
}

/* ---------------------------------------------------------------- oms_buf */

/* b's invariants: room for the NUL, within max, NUL-terminated */
static void
check_buf(const struct oms_buf *b)
{
	assert_non_null(b->s);
	assert_true(b->len < b->cap);
	assert_true(b->len <= b->max);
	assert_true(b->cap <= b->max + 1);
	assert_int_equal(b->s[b->len], '\0');
}

/*
 * Appends of every size through the buffer's growth up to its max: each
 * lands whole, one past the max is refused and leaves the buffer as it
 * was; oms_buf_grow's room is there to be written.
 */
static void
test_buf_appends(void **state)
{
	struct oms_err e = { 0 };
	struct oms_buf b;
	char src[300], *want;
	size_t max, n, k;
	uint32_t seed = 5;
	int round;

	(void)state;
	for (k = 0; k < sizeof(src); k++)
		src[k] = (char)('a' + k % 26);
	for (round = 0; round < 200; round++) {
		max = 1 + rnd(&seed) % 3000;
		want = malloc(max + 1);
		assert_non_null(want);
		oms_buf_init(&b, max);
		n = 0;
		for (;;) {
			unsigned how = rnd(&seed) % 3;

			k = how == 0 ? 1 : rnd(&seed) % (how == 1 ? 8 :
			    sizeof(src));
			if (n + k > max)
				break;
			if (how == 0)
				assert_int_equal(oms_buf_addc(&b, src[n % 26],
				    &e), 0);
			else if (k > 0 && rnd(&seed) % 2 == 0) {
				/* room made, then written in place */
				assert_int_equal(oms_buf_grow(&b, k, &e), 0);
				assert_true(b.cap - b.len > k);
				memcpy(b.s + b.len, src, k);
				b.len += k;
				b.s[b.len] = '\0';
			} else
				assert_int_equal(oms_buf_add(&b, src, k, &e),
				    0);
			memcpy(want + n, how == 0 ? &src[n % 26] : src, k);
			n += k;
			check_buf(&b);
			assert_int_equal(b.len, n);
		}
		assert_int_equal(e.code, 0);
		/* fill it to the max exactly: then nothing more goes in */
		if (n < max)
			assert_int_equal(oms_buf_add(&b, src, max - n, &e), 0);
		memcpy(want + n, src, max - n);
		check_buf(&b);
		assert_int_equal(b.len, max);
		assert_int_equal(oms_buf_addc(&b, 'x', &e), -1);
		assert_int_equal(e.code, OMS_EDATA);
		e.code = 0;
		assert_int_equal(oms_buf_add(&b, src, 1, &e), -1);
		assert_int_equal(oms_buf_grow(&b, 1, &e), -1);
		e.code = 0;
		assert_int_equal(b.len, max);
		assert_memory_equal(b.s, want, max);
		check_buf(&b);
		/* nothing is no more */
		assert_int_equal(oms_buf_add(&b, src, 0, &e), 0);
		assert_int_equal(oms_buf_grow(&b, 0, &e), 0);
		oms_buf_release(&b);
		free(want);
	}
}

/* ------------------------------------------------------- omsi_cp1251_put */

/*
 * pieces: NCONV of characters of windows-1251, then up to NVALID of
 * UTF-8 characters it lacks, then bytes not UTF-8 (an overlong 'A' that
 * the handler takes, a sequence cut short, bytes no sequence starts with)
 */
static const char *const piece[] = {
	"abc", "N_ZAP", "2026-10-01", " ", "\t", "\n", "'", "<", ">", "&",
	"\"", "\r", "&amp;", "Иванов", "ё", "Ё", "А", "я", "Я", "п", "р",
	"№", "€", "\xc2\xa0", "«»", "Ѓ", "ґ",
	"\xd0\x80", "\xd1\x90", "é", "中", "\xf0\x9f\x98\x80",
	"\x80", "\xc3", "\xe2\x82", "\xc1\x81", "\xf8\x88\x80\x80\x80",
	"\xff", "\xd0", "\xd1"
};
#define NCONV	27
#define NVALID	32
#define NPIECE	(sizeof(piece) / sizeof(piece[0]))

/* s with < > & " CR escaped, as the text writer does, into out */
static size_t
escape(const char *s, char *out)
{
	char *o = out;

	for (; *s != '\0'; s++)
		switch (*s) {
		case '<':
			o += sprintf(o, "&lt;");
			break;
		case '>':
			o += sprintf(o, "&gt;");
			break;
		case '&':
			o += sprintf(o, "&amp;");
			break;
		case '"':
			o += sprintf(o, "&quot;");
			break;
		case '\r':
			o += sprintf(o, "&#13;");
			break;
		default:
			*o++ = *s;
		}
	*o = '\0';
	return ((size_t)(o - out));
}

/*
 * Strings of every piece, escaped or not, appended after a prefix of
 * every length (so that the buffer grows at every place of them, inside
 * an escape and a character too): the bytes are those libxml2's handler
 * makes of the escaped text, 1 where it would stop; with a max just
 * enough, they fit; one byte less, nothing is added.
 */
static void
test_cp1251_put(void **state)
{
	xmlCharEncodingHandlerPtr h;
	struct oms_err e = { 0 };
	struct oms_buf b;
	char s[400], esc[2400], prefix[200];
	unsigned char want[2400];
	size_t n, elen, p;
	uint32_t seed = 11;
	int iter, k, inlen, outlen, r, wantr, doesc;

	(void)state;
	assert_int_equal(oms_xml_init(), 0);
	h = xmlFindCharEncodingHandler(OMSI_CP1251);
	assert_non_null(h);
	memset(prefix, 'P', sizeof(prefix));
	for (iter = 0; iter < 4000; iter++) {
		n = 0;
		s[0] = '\0';
		for (k = (int)(rnd(&seed) % 12); k > 0; k--) {
			const char *pc = piece[rnd(&seed) %
			    (iter % 2 ? NPIECE : NCONV)];	/* half all 1251 */

			if (n + strlen(pc) >= sizeof(s))
				break;
			memcpy(s + n, pc, strlen(pc) + 1);
			n += strlen(pc);
		}
		doesc = (int)(rnd(&seed) % 4 != 0);
		elen = doesc ? escape(s, esc) : (size_t)sprintf(esc, "%s", s);
		inlen = (int)elen;
		outlen = (int)sizeof(want);
		r = h->output(want, &outlen, (const unsigned char *)esc,
		    &inlen);
		wantr = r < 0 || (size_t)inlen != elen ? 1 : 0;
		p = rnd(&seed) % 130;
		/* default max; then just enough; then a byte short */
		for (k = 0; k < (wantr ? 1 : 3); k++) {
			if (k == 2 && outlen == 0)
				break;		/* nothing is ever short */
			oms_buf_init(&b, k == 0 ? 0 : k == 1 ?
			    p + (size_t)outlen : p + (size_t)outlen - 1);
			if (p > 0 || rnd(&seed) % 2)
				assert_int_equal(oms_buf_add(&b, prefix, p,
				    &e), 0);
			r = omsi_cp1251_put(&b, s, doesc, &e);
			assert_int_equal(r, k == 2 ? -1 : wantr);
			check_buf(&b);
			assert_memory_equal(b.s, prefix, p);
			if (r != 0) {
				assert_int_equal(b.len, p);
				if (r == -1) {
					assert_int_equal(e.code, OMS_EDATA);
					e.code = 0;
				}
			} else {
				assert_int_equal(b.len, p + (size_t)outlen);
				assert_memory_equal(b.s + p, want,
				    (size_t)outlen);
			}
			oms_buf_release(&b);
		}
	}
	assert_int_equal(e.code, 0);
	xmlCharEncCloseFunc(h);
}

/* -------------------------------------------------------- omsi_ffoms_put */

static const char *const ename[] = {
	"ZAP", "N_ZAP", "PACIENT", "SL", "USL", "A", "DS1", "IDCASE",
	"A_VERY_LONG_ELEMENT_NAME_OF_FORTY_BYTES_", "Я"
};

struct gen {
	uint32_t	 seed;
	int		 attrs;		/* one was made */
	int		 odd;		/* a character not in windows-1251 written */
};

/* a text of pieces, UTF-8 (a tree's); 1 when one is not windows-1251 */
static int
gen_text(struct gen *g, char *s, size_t size)
{
	size_t n = 0;
	int k, odd = 0;

	s[0] = '\0';
	for (k = (int)(rnd(&g->seed) % 6); k > 0; k--) {
		size_t i = rnd(&g->seed) % NVALID;
		const char *pc = piece[i];

		if (i >= NCONV && rnd(&g->seed) % 8 != 0)
			continue;		/* seldom */
		if (n + strlen(pc) >= size)
			break;
		odd |= i >= NCONV;
		memcpy(s + n, pc, strlen(pc) + 1);
		n += strlen(pc);
	}
	return (odd);
}

/* an element at depth d with random children, some deep */
static xmlNodePtr
gen_node(struct gen *g, xmlDocPtr doc, int d, int spine)
{
	xmlNodePtr n, c;
	char text[200];
	int k, kind, elems = 0, todd = 0;

	n = xmlNewDocNode(doc, NULL, (const xmlChar *)ename[rnd(&g->seed) %
	    (sizeof(ename) / sizeof(ename[0]))], NULL);
	assert_non_null(n);
	if (rnd(&g->seed) % 200 == 0) {
		xmlNewProp(n, (const xmlChar *)"a", (const xmlChar *)"1");
		g->attrs = 1;
	}
	k = d > 6 && !spine ? 0 : (int)(rnd(&g->seed) % 5);
	for (; k > 0 || spine; k--) {
		kind = spine ? 0 : (int)(rnd(&g->seed) % 6);
		if (kind <= 1) {
			c = gen_node(g, doc, d + 1, spine && d < 40);
			spine = 0;
			elems = 1;
		} else if (kind == 2 || kind == 3) {
			todd |= gen_text(g, text, sizeof(text));
			c = xmlNewDocText(doc, (const xmlChar *)text);
		} else if (kind == 4) {
			todd |= gen_text(g, text, sizeof(text));
			c = xmlNewCDataBlock(doc, (const xmlChar *)text,
			    (int)strlen(text));
		} else
			c = xmlNewDocComment(doc, (const xmlChar *)"c");
		assert_non_null(c);
		xmlAddChild(n, c);
	}
	if (todd && !elems)	/* texts beside elements are not written */
		g->odd = 1;
	return (n);
}

/* n through the text writer, element by element (ffoms_check.c's
   write_node, as libxml2 writes it) */
static void
writer_node(xmlTextWriterPtr w, xmlNodePtr n)
{
	xmlNodePtr c;
	xmlAttrPtr a;
	int elems = 0;

	assert_true(xmlTextWriterStartElement(w, n->name) >= 0);
	for (a = n->properties; a != NULL; a = a->next)
		assert_true(xmlTextWriterWriteAttribute(w, a->name,
		    a->children->content) >= 0);
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			elems = 1;
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			writer_node(w, c);
		else if (!elems && (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
			assert_true(xmlTextWriterWriteString(w,
			    c->content) >= 0);
	assert_true(xmlTextWriterFullEndElement(w) >= 0);
}

/*
 * Records of every shape (texts beside elements, CDATA, comments, 40
 * levels deep, escapes, Cyrillic): one piece made by omsi_ffoms_put is
 * what the text writer writes of them into windows-1251 through our
 * handler, several records in a row; 1 exactly when a record has an
 * attribute or a character windows-1251 lacks.
 */
static void
test_ffoms_put(void **state)
{
	struct oms_err e = { 0 };
	struct oms_buf b, all;
	xmlBufferPtr xb;
	xmlOutputBufferPtr out;
	xmlTextWriterPtr w;
	xmlDocPtr doc;
	xmlNodePtr rec;
	struct gen g = { 3, 0, 0 };
	int iter, r, nput = 0, nodd = 0;

	(void)state;
	assert_int_equal(oms_xml_init(), 0);
	oms_buf_init(&b, 0);
	oms_buf_init(&all, 0);
	for (iter = 0; iter < 400; iter++) {
		doc = xmlNewDoc((const xmlChar *)"1.0");
		xb = xmlBufferCreate();
		out = xmlOutputBufferCreateBuffer(xb,
		    xmlFindCharEncodingHandler(OMSI_CP1251));
		w = xmlNewTextWriter(out);
		assert_non_null(w);
		xmlTextWriterSetIndent(w, 1);
		xmlTextWriterSetIndentString(w, (const xmlChar *)" ");
		oms_buf_reset(&all);
		/* a few records in a row, as a body has them */
		for (r = 0; r < 3; r++) {
			g.attrs = g.odd = 0;
			rec = gen_node(&g, doc, 0, iter % 10 == 0 && r == 1);
			writer_node(w, rec);
			oms_buf_reset(&b);
			assert_int_equal(omsi_ffoms_put(&b, rec, &e),
			    g.attrs || g.odd ? 1 : 0);
			if (g.attrs || g.odd)
				nodd++;
			else
				nput++;
			assert_int_equal(xmlTextWriterFlush(w) >= 0, 1);
			if (!g.attrs && !g.odd)
				assert_int_equal(oms_buf_add(&all, b.s, b.len,
				    &e), 0);
			else	/* the writer's own bytes stand for it */
				assert_int_equal(oms_buf_add(&all,
				    xmlBufferContent(xb) + all.len,
				    (size_t)xmlBufferLength(xb) - all.len,
				    &e), 0);
			assert_int_equal((size_t)xmlBufferLength(xb),
			    all.len);
			assert_memory_equal(xmlBufferContent(xb), all.s,
			    all.len);
			xmlFreeNode(rec);
		}
		xmlFreeTextWriter(w);
		xmlBufferFree(xb);
		xmlFreeDoc(doc);
	}
	assert_int_equal(e.code, 0);
	assert_true(nput > 800);	/* both kinds were seen */
	assert_true(nodd > 50);
	oms_buf_release(&b);
	oms_buf_release(&all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_appends),
		cmocka_unit_test(test_cp1251_put),
		cmocka_unit_test(test_ffoms_put),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
