/*
 * test_xtree.c -- xtree.c against xmlTextReaderExpand: the same records
 *
 * Each document is written to a file and read as oms-export reads it
 * with libxml2 (omsi_xin_file, each depth-1 element expanded), and by
 * xtree.c: over the file through the feed (feed.c), and fed the document
 * in UTF-8 in pieces of sizes drawn from a fixed seed.  Both doubt alike;
 * unless they doubt, libxml2 must read the document without an error,
 * and every record must dump the same: node types, names, content byte
 * for byte, line, xmlGetLineNo, the line kept in psvi, children in
 * order; names the dictionary's; the links between the nodes sound.
 * The documents: oms-gen's (H, C, T, DP and the L files, one past 65535
 * lines), small hand-made ones with blanks, references, comments and PIs
 * everywhere, and their mutants.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libxml/xmlreader.h>

#include "oms_int.h"
#include "xtree_int.h"
#include "fixture.h"

static uint64_t seed = 20261203;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((unsigned)(seed >> 33) % n);
}

/* The dumps' and the documents' strings: a failure fails the test. */
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

/* A subtree, all of it that matters. */
static void
dump(struct oms_buf *b, xmlNodePtr n, int depth)
{
	xmlNodePtr c, prev = NULL;
	size_t nk = 0;
	const xmlChar *s;

	assert_int_equal(oms_buf_printf(b, NULL, "%*s%d ", depth, "",
	    (int)n->type), 0);
	if (n->name != NULL) {
		adds(b, (const char *)n->name);
		if (n->type == XML_ELEMENT_NODE || n->type == XML_PI_NODE)
			assert_true(xmlDictOwns(n->doc->dict, n->name));
	}
	assert_int_equal(oms_buf_printf(b, NULL, " line %u/%ld", n->line,
	    xmlGetLineNo(n)), 0);
	if (n->type == XML_TEXT_NODE)
		assert_int_equal(oms_buf_printf(b, NULL, " psvi %lu",
		    (unsigned long)(uintptr_t)n->psvi), 0);
	assert_non_null(n->doc);
	assert_null(n->ns);
	if (n->type == XML_ELEMENT_NODE) {
		assert_null(n->properties);
		assert_null(n->content);
	} else {
		/* a PI without data has none */
		s = n->content;
		if (s == NULL)
			add(b, " none", 5);
		else {
			assert_int_equal(oms_buf_printf(b, NULL, " [%zu]",
			    strlen((const char *)s)), 0);
			adds(b, (const char *)s);
		}
	}
	for (c = n->children; c != NULL; c = c->next) {
		assert_ptr_equal(c->parent, n);
		assert_ptr_equal(c->prev, prev);
		prev = c;
		nk++;
	}
	assert_ptr_equal(n->last, prev);
	assert_int_equal(oms_buf_printf(b, NULL, " kids %zu\n", nk), 0);
	for (c = n->children; c != NULL; c = c->next)
		dump(b, c, depth + 1);
}

/* ------------------------------------------------------------ changes */

/*
 * Records are built one after the other in the same memory (xtree's
 * arena), or of ordinary nodes when want says OMSI_XTREE_SOLID (every
 * third record here), and oms-export changes them: copy_case sets an
 * element's text (omsi_xtree_set_text) and adds elements; a fix
 * (omsi_ffoms_fixes) calls xmlNodeSetContent, which frees the children,
 * on records of ordinary nodes only.  The same changes to libxml2's
 * records must dump the same: no text or node of an earlier record shows
 * in a later one, and what take added goes with its record.
 */
static int
solid_at(unsigned long i)
{
	return (i % 3 == 2);
}

static void
change(xmlNodePtr rec, int solid)
{
	xmlNodePtr c, n;

	for (c = rec->children; c != NULL && c->type != XML_ELEMENT_NODE;
	    c = c->next)
		;
	if (c != NULL && solid)
		xmlNodeSetContent(c, (const xmlChar *)"set by libxml2");
	else if (c != NULL)
		omsi_xtree_set_text(c, "set through xtree, long enough");
	while (c != NULL && (c = c->next) != NULL &&
	    c->type != XML_ELEMENT_NODE)
		;
	if (c != NULL)
		omsi_xtree_set_text(c, "");
	/* short: written over in the arena's text node; with a reference */
	while (c != NULL && (c = c->next) != NULL &&
	    c->type != XML_ELEMENT_NODE)
		;
	if (c != NULL)
		omsi_xtree_set_text(c, "1234567");
	while (c != NULL && (c = c->next) != NULL &&
	    c->type != XML_ELEMENT_NODE)
		;
	if (c != NULL)
		omsi_xtree_set_text(c, "1&amp;2");
	assert_non_null(n = xmlNewDocNode(rec->doc, NULL,
	    (const xmlChar *)"ADDED", (const xmlChar *)"an ordinary node's "
	    "text"));
	assert_non_null(xmlAddChild(rec, n));
	assert_non_null(n = xmlNewDocNode(rec->doc, NULL,
	    (const xmlChar *)"FIRST", (const xmlChar *)"1"));
	assert_non_null(xmlAddPrevSibling(rec->children, n));
}

/* ------------------------------------------------------------ libxml2 */

/*
 * The records as the export's reader gives them (changed: as change()
 * changes them): 0, or -1 (an error).
 */
static int
by_reader(const char *path, struct oms_buf *out, int changed)
{
	unsigned long i = 0;

	struct omsi_xin *x;
	struct oms_err err;
	xmlNodePtr n;
	int r;

	if ((x = omsi_xin_file(path, "doc", &err)) == NULL)
		return (-1);
	while ((r = omsi_xin_next_element(x, &err)) == 1) {
		if (xmlTextReaderDepth(omsi_xin_reader(x)) != 1)
			continue;
		if ((n = omsi_xin_expand(x, &err)) == NULL) {
			r = -1;
			break;
		}
		if (changed)
			change(n, solid_at(i++));
		add(out, "REC\n", 4);
		dump(out, n, 0);
		if (omsi_xin_skip(x, &err) == -1) {
			r = -1;
			break;
		}
	}
	omsi_xin_free(x);
	return (r == 0 ? 0 : -1);
}

/* ------------------------------------------------------------ xtree */

static int
want_all(void *arg, const xmlChar *name)
{
	(void)arg, (void)name;
	return (1);
}

static int
take_dump(void *arg, xmlNodePtr rec, struct oms_err *err)
{
	struct oms_buf *out = arg;

	(void)err;
	assert_non_null(rec->parent);
	assert_int_equal(rec->parent->type, XML_ELEMENT_NODE);
	assert_ptr_equal(rec->doc, rec->parent->doc);
	add(out, "REC\n", 4);
	dump(out, rec, 0);
	return (0);
}

struct changing {
	struct oms_buf	*out;
	unsigned long	 i;
	int		 solid;
};

static int
want_mixed(void *arg, const xmlChar *name)
{
	struct changing *c = arg;

	(void)name;
	c->solid = solid_at(c->i++);
	return (c->solid ? OMSI_XTREE_SOLID : 1);
}

static int
take_changed(void *arg, xmlNodePtr rec, struct oms_err *err)
{
	struct changing *c = arg;

	change(rec, c->solid);
	return (take_dump(c->out, rec, err));
}

/* The building pass over the file, the records changed. */
static int
build_changed(const char *path, struct oms_buf *out)
{
	struct changing c = { out, 0, 0 };
	struct omsi_xtree *t;
	struct oms_err err;
	int r;

	assert_non_null(t = omsi_xtree_new(want_mixed, take_changed, &c));
	r = omsi_xtree_read(t, path, NULL, "doc", &err);
	omsi_xtree_free(t);
	assert_true(r == 0 || r == 1);
	return (r);
}

static int
build_file(const char *path, struct oms_buf *out)
{
	struct omsi_xtree *t;
	struct oms_err err;
	int r;

	assert_non_null(t = omsi_xtree_new(want_all, take_dump, out));
	r = omsi_xtree_read(t, path, NULL, "doc", &err);
	omsi_xtree_free(t);
	assert_true(r == 0 || r == 1);
	return (r);
}

/* u (UTF-8) in pieces of random sizes (some of 1 to 3 bytes) */
static int
build_pieces(const unsigned char *u, size_t n, struct oms_buf *out)
{
	struct omsi_xtree *t;
	struct oms_err err;
	unsigned char *copy;
	size_t off = 0, k;
	int r = 0, big = rnd(2);

	assert_non_null(t = omsi_xtree_new(want_all, take_dump, out));
	while (r == 0) {
		k = rnd(4) == 0 ? 1 + rnd(3) : 1 + rnd(big ? 70000 : 700);
		if (k > n - off)
			k = n - off;
		/* a copy of its own, as the feed's buffers */
		assert_non_null(copy = malloc(k + 1));
		memcpy(copy, u + off, k);
		r = omsi_xtree_feed(t, copy, k, off + k == n, &err);
		/* gone once fed: text kept from it is to be a copy */
		memset(copy, '#', k);
		free(copy);
		off += k;
		if (off == n)
			break;
	}
	omsi_xtree_free(t);
	assert_true(r == 0 || r == 1);
	return (r);
}

static struct {
	unsigned long	docs, doubted, records, bytes;
} count;

static char dir[] = "/tmp/oms-test-xtree-XXXXXX";

/*
 * One document (enc: its encoding as written; u: its UTF-8, for the
 * pieces): xtree.c doubts, or all agree.
 */
static void
compare(const char *path, const unsigned char *u, size_t ulen, int strict)
{
	struct oms_buf a, b, c, d, e;
	int rc, rp;

	oms_buf_init(&a, 0);
	oms_buf_init(&b, 0);
	oms_buf_init(&c, 0);
	oms_buf_init(&d, 0);
	oms_buf_init(&e, 0);
	count.docs++;
	rc = build_file(path, &b);
	rp = u != NULL ? build_pieces(u, ulen, &c) : rc;
	/* in pieces it doubts where it does whole */
	assert_int_equal(rp, rc);
	if (rc == 1) {
		count.doubted++;
		if (strict)
			fail_msg("%s: doubted", path);
		goto out;
	}
	if (by_reader(path, &a, 0) != 0)
		fail_msg("%s: libxml2 failed, the scanner did not", path);
	if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0) {
		FILE *f = fopen("/tmp/xtree-a.txt", "w"), *g =
		    fopen("/tmp/xtree-b.txt", "w");

		fwrite(a.s, 1, a.len, f);
		fwrite(b.s, 1, b.len, g);
		fclose(f);
		fclose(g);
		fail_msg("%s: the trees differ (/tmp/xtree-a.txt, -b.txt)",
		    path);
	}
	if (u != NULL && (c.len != b.len || memcmp(c.s, b.s, b.len) != 0)) {
		FILE *f = fopen("/tmp/xtree-b.txt", "w"), *g =
		    fopen("/tmp/xtree-c.txt", "w"), *h =
		    fopen("/tmp/xtree-u.xml", "w");

		fwrite(b.s, 1, b.len, f);
		fwrite(c.s, 1, c.len, g);
		fwrite(u, 1, ulen, h);
		fclose(f);
		fclose(g);
		fclose(h);
		fail_msg("%s: in pieces, the trees differ (/tmp/xtree-b.txt, "
		    "-c.txt, -u.xml)", path);
	}
	assert_int_equal(build_changed(path, &d), 0);
	assert_int_equal(by_reader(path, &e, 1), 0);
	if (d.len != e.len || memcmp(d.s, e.s, d.len) != 0) {
		FILE *f = fopen("/tmp/xtree-d.txt", "w"), *g =
		    fopen("/tmp/xtree-e.txt", "w");

		fwrite(d.s, 1, d.len, f);
		fwrite(e.s, 1, e.len, g);
		fclose(f);
		fclose(g);
		fail_msg("%s: changed, the trees differ (/tmp/xtree-d.txt, "
		    "-e.txt)", path);
	}
	for (size_t i = 0; i + 4 <= a.len; i++)
		if (memcmp(a.s + i, "REC\n", 4) == 0)
			count.records++;
	count.bytes += a.len;
out:
	oms_buf_release(&a);
	oms_buf_release(&b);
	oms_buf_release(&c);
	oms_buf_release(&d);
	oms_buf_release(&e);
}

static void
compare_utf8(const char *name, const char *doc, size_t len, int strict)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(doc, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	compare(path, (const unsigned char *)doc, len, strict);
}

static char *
to_utf8(const char *s, size_t n, size_t *outlen)
{
	iconv_t cd;
	char *out, *in = (char *)(uintptr_t)s, *o;
	size_t il = n, ol = n * 3 + 16;

	assert_true((cd = iconv_open("UTF-8", "WINDOWS-1251")) !=
	    (iconv_t)-1);
	assert_non_null(out = malloc(ol + 1));
	o = out;
	assert_true(iconv(cd, &in, &il, &o, &ol) != (size_t)-1);
	iconv_close(cd);
	*o = '\0';
	*outlen = (size_t)(o - out);
	return (out);
}

/* ------------------------------------------------------------ documents */

#define DECL	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static const char *const hand[] = {
	/* blanks between elements, indented, tabs */
	DECL "<L>\n <R>\n  <A>1</A>\n\t<B>2</B>\n </R>\n <R><A>x</A></R>\n</L>\n",
	/* blank-only elements and empty ones */
	DECL "<L><R><A> </A><B/><C></C></R></L>",
	DECL "<L><R>\n  <A>\n\n</A>\n</R></L>",
	DECL "<L><R>  </R><R>\t</R></L>",
	/* mixed text and elements */
	DECL "<L><R>text <A>1</A> more <B/> </R></L>",
	DECL "<L><R><A>1</A> mid <B/> <C/> </R></L>",
	DECL "<L><R><A>1</A> <B/>x<C/> </R></L>",
	DECL "<L><R><A>1</A><B/>\xd0\x96<C/> </R></L>",
	DECL "<L><R> <A>1</A><B/> </R></L>",
	/* entities and character references */
	DECL "<L><R><A>&lt;&gt;&amp;&apos;&quot;</A><B>a&amp;b</B></R></L>",
	DECL "<L><R><A>&#32;</A> &#10; <B>&#x416;&#1046;</B>&#9;</R></L>",
	DECL "<L><R>\n <A>x</A>&#32;\n <B>y</B>\n</R></L>",
	DECL "<L><R><A>a\nb&#10;c\nd</A><B>&amp;\n x</B></R></L>",
	/* CRLF, a CR */
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<L>\r\n <R>\r\n  "
	    "<A>1</A>\r\n </R>\r\n</L>\r\n",
	/* comments and PIs between elements and inside text */
	DECL "<L><R>\n <!-- c -->\n <A>1</A>\n <?pi data?>\n <B>2</B>\n</R></L>",
	DECL "<L><R><A>a<!--c-->b<?p q?>c</A>\n<!--x-->\n</R></L>",
	DECL "<L><R><!--first--> <A/> </R><!-- between --><R><?p?></R></L>",
	DECL "<L><R><A><!--c-->  </A><B>  <!--c--></B></R></L>",
	/* Cyrillic and lines */
	DECL "<L>\n<R>\n<FAM>\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2"
	    "</FAM>\n<IM>\n\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\n</IM>\n<X>ab\ncd"
	    "\xd0\x96\nef</X>\n</R>\n</L>\n",
	/* text directly in a record, and long text */
	DECL "<L><R>just text</R><R>\n\n</R></L>",
	/* a DTD, attributes, a namespace: doubted */
	"<?xml version=\"1.0\"?>\n<!DOCTYPE L>\n<L><R/></L>",
	DECL "<L><R a=\"1\"/></L>",
	DECL "<L xmlns=\"urn:x\"><R/></L>",
	NULL
};

/* long texts, blank runs past 300 bytes, split across pieces */
static void
long_docs(void)
{
	struct oms_buf d;
	int i, k;

	oms_buf_init(&d, 0);
	for (k = 0; k < 8; k++) {
		oms_buf_reset(&d);
		adds(&d, DECL "<L>");
		for (i = 0; i < 20; i++) {
			add(&d, "<R><A>", 6);
			switch (k) {
			case 0:		/* long ASCII text */
				for (int j = 0; j < 200 + i * 50; j++)
					add(&d, j % 7 ? "x" : " ", 1);
				break;
			case 1:		/* long Cyrillic text, no newline */
				for (int j = 0; j < 100 + i * 30; j++)
					add(&d, j % 5 ? "\xd0\x96" : " ", j % 5 ?
					    2 : 1);
				break;
			case 2:		/* long text with newlines */
				for (int j = 0; j < 100 + i * 30; j++)
					add(&d, j % 9 ? "y" : "\n", 1);
				break;
			case 3:		/* a long blank run between elements */
				add(&d, "1</A>", 5);
				for (int j = 0; j < 100 + i * 30; j++)
					add(&d, j % 3 ? " " : "\n", 1);
				add(&d, "<A>", 3);
				break;
			case 4:		/* references in a long text */
				for (int j = 0; j < 100 + i * 30; j++)
					add(&d, j % 11 ? "z" : "&amp;", j % 11 ?
					    1 : 5);
				break;
			default:	/* short, many */
				assert_int_equal(oms_buf_printf(&d, NULL, "%d",
				    i * k), 0);
				break;
			}
			add(&d, "</A>\n  <B>2</B>\n</R>\n", 20);
		}
		add(&d, "</L>\n", 5);
		compare_utf8("long.xml", d.s, d.len, 0);
	}
	oms_buf_release(&d);
}

static const char *const inserts[] = {
	" ", "\n", "\t", "  \n  ", "&#32;", "&amp;", "<!--c-->", "<?pi x?>",
	"x", "\n<!-- -->\n", "&#10;", "\xd0\x96", "<E/>", "<E> </E>",
	"<E></E>", " y ", "\r\n", "&lt;", "]]>", "<", "&", "&#xD;"
};

/* Mutants of doc with a fixed seed: insertions after a '>' or deletions
   of a byte next to one. */
static void
mutants(const char *doc, size_t len, int n)
{
	struct oms_buf m;
	int i, j, k;
	size_t pos, p, il;

	oms_buf_init(&m, 0);
	for (i = 0; i < n; i++) {
		oms_buf_reset(&m);
		add(&m, doc, len);
		k = 1 + rnd(3);
		for (j = 0; j < k; j++) {
			pos = rnd((unsigned)m.len);
			/* after the next '>' */
			while (pos < m.len && m.s[pos] != '>')
				pos++;
			if (pos >= m.len - 1)
				continue;
			pos++;
			if (rnd(6) == 0 && (m.s[pos] == ' ' || m.s[pos] ==
			    '\n')) {
				memmove(m.s + pos, m.s + pos + 1, m.len - pos);
				m.len--;
				continue;
			}
			p = rnd(sizeof(inserts) / sizeof(inserts[0]));
			il = strlen(inserts[p]);
			/* room for il more: the tail and its NUL move up */
			assert_int_equal(oms_buf_grow(&m, il, NULL), 0);
			memmove(m.s + pos + il, m.s + pos, m.len - pos + 1);
			memcpy(m.s + pos, inserts[p], il);
			m.len += il;
		}
		compare_utf8("mutant.xml", m.s, m.len, 0);
	}
	oms_buf_release(&m);
}

static void
test_hand(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; hand[i] != NULL; i++) {
		compare_utf8("hand.xml", hand[i], strlen(hand[i]), 0);
		mutants(hand[i], strlen(hand[i]), 60);
	}
	long_docs();
	print_message("# hand-made and mutants: %lu documents, %lu doubted, "
	    "%lu records the same\n", count.docs, count.doubted,
	    count.records);
	/* most doubts are by design: "<A> </A>" (a mutant inserts
	   blanks before end tags), CR, "<", "&" and "]]>" in text */
	assert_true(count.docs - count.doubted >= 300);
}

/* oms-gen's documents (windows-1251), as files and in pieces */
static void
test_generated(void **state)
{
	char cmd[512], path[512];
	DIR *dp;
	struct dirent *de;
	char *s, *u;
	size_t n, un;
	unsigned long before = count.records, docs = 0;
	int big;

	(void)state;
	for (big = 0; big < 2; big++) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s/gen && examples/oms-gen "
		    "-s %d -n %d -m 1 --kinds H,C,T,DP -o %s/gen >/dev/null 2>&1",
		    dir, 7 + big, big ? 2500 : 60, dir);
		assert_int_equal(system(cmd), 0);
		snprintf(path, sizeof(path), "%s/gen", dir);
		assert_non_null(dp = opendir(path));
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/gen/%s", dir,
			    de->d_name);
			assert_non_null(s = fx_read_file(path, &n));
			u = to_utf8(s, n, &un);
			compare(path, (unsigned char *)u, un, 1);
			docs++;
			if (!big && de->d_name[0] == 'H') {
				/* the mutants are written in UTF-8 */
				char *e = strstr(u, "windows-1251\"?>");

				assert_non_null(e);
				memcpy(e, "UTF-8\"?>       ", 15);
				mutants(u, un, 40);
			}
			free(s);
			free(u);
		}
		closedir(dp);
	}
	print_message("# oms-gen: %lu documents read alike, %lu records; "
	    "all: %lu documents, %lu doubted, %lu records, %lu bytes of "
	    "dump\n", docs, count.records - before, count.docs, count.doubted,
	    count.records, count.bytes);
	assert_true(docs >= 10);
}

/*
 * Records whose texts grow shorter, one after the other: each is built
 * where the one before it was (the arena), so a byte of an earlier text
 * or a link of an earlier node left in place would show.
 */
static void
test_reuse(void **state)
{
	struct oms_buf d;
	unsigned long before = count.records;
	int i, j, len;

	(void)state;
	oms_buf_init(&d, 0);
	adds(&d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<L>\n");
	for (i = 0; i < 60; i++) {
		len = 300 - 5 * i;
		adds(&d, "<R><A>");
		for (j = 0; j < len; j++)
			assert_int_equal(oms_buf_addc(&d, 'a' + (i + j) % 26,
			    NULL), 0);
		adds(&d, "</A>");
		/* fewer elements, and one text in two at last */
		for (j = 0; j < (60 - i) / 4; j++)
			assert_int_equal(oms_buf_printf(&d, NULL,
			    "<B><C>%.*s</C></B>", 1 + (len + j) % 40,
			    "0123456789012345678901234567890123456789"), 0);
		if (i % 2 == 0)
			adds(&d, "<D>tail text, 20+ b</D>");
		adds(&d, "</R>\n");
	}
	adds(&d, "</L>\n");
	compare_utf8("reuse.xml", d.s, d.len, 1);
	assert_int_equal(count.records - before, 60);
	oms_buf_release(&d);
}

/*
 * The scanner tells the tree what a piece of text holds (newlines,
 * blanks, other bytes, non-ASCII ones) as it reads it eight bytes at a
 * time: a newline, a blank, a Cyrillic letter, a reference at each place
 * of the first words of a text, blank runs of each length and mix; the
 * document whole, and in pieces (runs cross their ends).
 */
static void
test_runs(void **state)
{
	static const char *const at[] = {
		"\n", " ", "\t", "\n\n", "\xd0\x96", "\xd0\x96\n", "&amp;",
		"\n&#10;", "x",
	};
	struct oms_buf d;
	unsigned long before = count.docs - count.doubted;
	size_t i, k, j;

	(void)state;
	oms_buf_init(&d, 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		for (k = 0; k <= 17; k++) {
			oms_buf_reset(&d);
			adds(&d, DECL "<L>\n");
			add(&d, "<R>\n  <A>", 9);
			/* a text: before the mark, at k, and after */
			for (j = 0; j < k; j++)
				add(&d, j % 6 == 5 ? "\n" : j % 4 == 3 ? " " :
				    "v", 1);
			adds(&d, at[i]);
			for (j = k; j < 17; j++)
				add(&d, j % 5 == 4 ? "\n" : "w", 1);
			add(&d, "</A>", 4);
			/* blanks of k bytes, a newline every third */
			for (j = 0; j < k; j++)
				add(&d, j % 3 == 0 ? "\n" : i % 2 ? "\t" : " ",
				    1);
			add(&d, "<B>\n", 4);
			for (j = 0; j < k; j++)
				adds(&d, at[i]);
			add(&d, "<C/>", 4);
			for (j = 0; j < 9 + k; j++)
				add(&d, j == k ? "\n" : " ", 1);
			add(&d, "</B>\n</R>\n</L>\n", 15);
			compare_utf8("runs.xml", d.s, d.len, 0);
		}
	print_message("# runs: %lu of %zu documents read\n",
	    count.docs - count.doubted - before,
	    sizeof(at) / sizeof(at[0]) * 18);
	assert_true(count.docs - count.doubted - before >= 150);
	oms_buf_release(&d);
}

/*
 * A run whose first piece (short, a blank past its first byte) the
 * parser may give with what follows in one piece of XT_PIECE bytes or
 * more, cut where its buffers end: the piece after the cut may begin
 * with a blank, and a later run of blanks of the element is doubted.
 * Fed whole and cut after the first piece, the same doubt; without the
 * inner blank, no doubt.
 */
static void
test_long_piece(void **state)
{
	struct oms_buf d, out;
	struct omsi_xtree *t;
	struct oms_err err;
	const unsigned char *u;
	size_t cut, i;
	int blank, whole, r;

	(void)state;
	oms_buf_init(&d, 0);
	oms_buf_init(&out, 0);
	for (blank = 0; blank < 2; blank++)
		for (whole = 0; whole < 2; whole++) {
			oms_buf_reset(&d);
			adds(&d, DECL "<L>\n<R><C/>");
			add(&d, blank ? "x y" : "xxy", 3);
			cut = d.len;
			for (i = 0; i < 400; i++)
				add(&d, "z", 1);
			add(&d, "<D/> <E/></R>\n</L>\n", 19);
			assert_non_null(t = omsi_xtree_new(want_all, take_dump,
			    &out));
			u = (const unsigned char *)d.s;
			if (whole)
				r = omsi_xtree_feed(t, u, d.len, 1, &err);
			else if ((r = omsi_xtree_feed(t, u, cut, 0, &err)) ==
			    0)
				r = omsi_xtree_feed(t, u + cut, d.len - cut, 1,
				    &err);
			omsi_xtree_free(t);
			assert_int_equal(r, blank ? 1 : 0);
		}
	oms_buf_release(&d);
	oms_buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_long_piece),
	};
	char cmd[64];
	int r;

	if (mkdtemp(dir) == NULL)
		return (1);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return (1);
	return (r);
}
