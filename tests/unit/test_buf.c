/*
 * test_buf.c -- the registry writer's buffers: oms_buf's appends across
 * its growth and its max, windows-1251 made while escaping
 * (omsi_cp1251_put) against libxml2's handler, and a record made in one
 * piece (omsi_ffoms_put) against the text writer, byte for byte, alone
 * and in a body among records the text writer writes
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
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
	"A_VERY_LONG_ELEMENT_NAME_OF_FORTY_BYTES_", "Я",
	/* about the length of the names put_el keeps (PN_MAX) */
	"FIFTEEN_CHARS15", "SIXTEEN_CHARS_16", "SEVENTEEN_CHARS17"
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
	char prefix[200];
	size_t p;
	int iter, r, nput = 0, nodd = 0;

	(void)state;
	assert_int_equal(oms_xml_init(), 0);
	memset(prefix, 'P', sizeof(prefix));
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
			/* after a prefix: the room ends anywhere in it */
			oms_buf_release(&b);
			p = rnd(&g.seed) % 200;
			assert_int_equal(oms_buf_add(&b, prefix, p, &e), 0);
			assert_int_equal(omsi_ffoms_put(&b, rec, &e),
			    g.attrs || g.odd ? 1 : 0);
			check_buf(&b);
			if (g.attrs || g.odd)
				nodd++;
			else
				nput++;
			assert_int_equal(xmlTextWriterFlush(w) >= 0, 1);
			if (!g.attrs && !g.odd)
				assert_int_equal(oms_buf_add(&all, b.s + p,
				    b.len - p, &e), 0);
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

/* The one entry of the ZIP at path, malloc'd; its length in *lenp. */
static char *
read_entry(const char *path, size_t *lenp)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	size_t cap = 1 << 20, n = 0;
	char *s = malloc(cap);
	ssize_t r;

	assert_non_null(s);
	archive_read_support_format_zip(a);
	assert_int_equal(archive_read_open_filename(a, path, 65536),
	    ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_OK);
	for (;;) {
		if (n == cap)
			assert_non_null(s = realloc(s, cap *= 2));
		if ((r = archive_read_data(a, s + n, cap - n)) <= 0)
			break;
		n += (size_t)r;
	}
	assert_int_equal(r, 0);
	assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_EOF);
	archive_read_free(a);
	*lenp = n;
	return (s);
}

/*
 * omsi_ffoms_write_node into a registry's body (an export of one
 * registry, its writer as open_bodies makes it): records in pieces of
 * their own and records only the text writer can write (an attribute, a
 * character windows-1251 lacks) in turns, past many of the queue's
 * buffers, come out of the archive in their order, the bytes the text
 * writer alone writes of them all.  The documents have dictionaries, a
 * new one every 500 records, as the export's have: the names put_el
 * keeps by their address there (pn_slot) are written as they are.
 */
static void
test_write_node(void **state)
{
	struct oms_err e = { 0 };
	struct oms_ws ws;
	struct exp x;
	struct reg r;
	struct ffreg f;
	struct omsi_zpool *zp;
	struct omsi_zip *z;
	struct gen g = { 7, 0, 0 };
	struct oms_buf probe;
	xmlBufferPtr xb;
	xmlOutputBufferPtr out;
	xmlTextWriterPtr ref;
	xmlDocPtr doc;
	xmlNodePtr rec, c;
	char dir[64], spath[128], zpath[128], *got;
	FILE *spool, *zf;
	size_t len;
	int i, fd, nodd = 0;

	(void)state;
	assert_int_equal(oms_xml_init(), 0);
	memset(&ws, 0, sizeof(ws));
	memset(&x, 0, sizeof(x));
	memset(&r, 0, sizeof(r));
	memset(&f, 0, sizeof(f));
	x.ws = &ws;
	x.reg = &r;
	x.nreg = 1;
	r.w = &f;
	snprintf(dir, sizeof(dir), "/tmp/test_buf.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(spath, sizeof(spath), "%s/body", dir);
	assert_int_not_equal(fd = open(spath, O_RDWR | O_CREAT | O_EXCL,
	    0600), -1);
	assert_non_null(spool = fdopen(fd, "w+"));
	assert_non_null(zp = omsi_zpool_new(1, &e));
	assert_non_null(f.hz = omsi_zbody_new(zp, spool, spath, &e));
	out = xmlOutputBufferCreateFile(omsi_zbody_fp(f.hz),
	    xmlFindCharEncodingHandler(OMSI_CP1251));
	assert_non_null(f.hw = xmlNewTextWriter(out));
	xmlTextWriterSetIndent(f.hw, 1);
	xmlTextWriterSetIndentString(f.hw, (const xmlChar *)" ");
	/* the same records through the text writer alone */
	xb = xmlBufferCreate();
	out = xmlOutputBufferCreateBuffer(xb,
	    xmlFindCharEncodingHandler(OMSI_CP1251));
	assert_non_null(ref = xmlNewTextWriter(out));
	xmlTextWriterSetIndent(ref, 1);
	xmlTextWriterSetIndentString(ref, (const xmlChar *)" ");
	doc = NULL;
	oms_buf_init(&probe, 0);
	for (i = 0; i < 3000; i++) {
		if (i % 500 == 0) {
			xmlFreeDoc(doc);
			doc = xmlNewDoc((const xmlChar *)"1.0");
			assert_non_null(doc->dict = xmlDictCreate());
		}
		rec = gen_node(&g, doc, 0, i % 4 == 0);
		assert_int_equal(xmlDictOwns(doc->dict, rec->name), 1);
		if (i % 7 == 3)
			xmlNewProp(rec, (const xmlChar *)"a",
			    (const xmlChar *)"<1>");
		if (i % 11 == 5) {
			c = xmlNewDocNode(doc, NULL, (const xmlChar *)"FAM",
			    NULL);
			xmlAddChild(c, xmlNewDocText(doc,
			    (const xmlChar *)"Сé\"中"));
			xmlAddChild(rec, c);
		}
		oms_buf_reset(&probe);
		if (omsi_ffoms_put(&probe, rec, &e) == 1)
			nodd++;
		writer_node(ref, rec);
		assert_int_equal(omsi_ffoms_write_node(&x, f.hw, rec), 0);
		xmlFreeNode(rec);
	}
	oms_buf_release(&probe);
	assert_true(nodd > 500 && nodd < 2500);	/* both kinds, in turns */
	/* as pack() does: the writer flushed, the body packed */
	assert_true(xmlTextWriterFlush(f.hw) >= 0);
	assert_true(xmlTextWriterFlush(ref) >= 0);
	assert_true(xmlBufferLength(xb) > (4 << 17));	/* many buffers */
	snprintf(zpath, sizeof(zpath), "%s/a.zip", dir);
	assert_non_null(zf = fopen(zpath, "w"));
	assert_non_null(z = omsi_zip_open(zf, zpath, 1, &e));
	assert_int_equal(omsi_zip_entry(z, "H.XML", 1793880000, "", 0, f.hz,
	    "", &e), 0);
	assert_int_equal(omsi_zip_close(z, &e), 0);
	assert_int_equal(fclose(zf), 0);
	omsi_zip_free(z);
	got = read_entry(zpath, &len);
	assert_int_equal(len, (size_t)xmlBufferLength(xb));
	assert_memory_equal(got, xmlBufferContent(xb), len);
	free(got);
	xmlFreeTextWriter(f.hw);
	xmlFreeTextWriter(ref);
	xmlBufferFree(xb);
	xmlFreeDoc(doc);
	omsi_zbody_free(f.hz);
	omsi_zpool_free(zp);
	omsi_ffoms_schemas_free(&x);
	fclose(spool);
	unlink(spath);
	unlink(zpath);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(e.code, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_appends),
		cmocka_unit_test(test_cp1251_put),
		cmocka_unit_test(test_ffoms_put),
		cmocka_unit_test(test_write_node),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
