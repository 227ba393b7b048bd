/*
 * test_xsdfast.c -- the acceptor in front of libxml2's XSD validation
 * (xsdfast.c): it must never say 1 of a record libxml2 refuses.  Checked
 * (1) on every schema of xsd/ with the base records of tests/rules and
 * records of examples/oms-gen, and many thousands of mutants of them made
 * with a fixed seed, each judged by both; (2) facet by facet, and for the
 * content models, on small schemas written here, with what libxml2 2.9
 * says of each value written down beside what the acceptor says.
 *
 * Run from the top of the tree (make check does): it reads xsd/ (or
 * OMS_XSDDIR), tests/rules/base-*.xml and runs examples/oms-gen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlregexp.h>
#include <libxml/xmlschemas.h>

#include "oms_int.h"
#include "xsdfast_int.h"

/* a schema both ways */
struct both {
	char			 path[512];
	struct omsi_xsdfast	*m;
	xmlSchemaPtr		 s;
	xmlSchemaValidCtxtPtr	 v;
};

static void
quiet(void *arg, omsi_xml_error e)
{
	(void)arg;
	(void)e;
}

/* libxml2's schema for path, quiet; NULL when it does not compile */
static void
both_open(struct both *b, const char *path)
{
	xmlSchemaParserCtxtPtr pc;

	memset(b, 0, sizeof(*b));
	snprintf(b->path, sizeof(b->path), "%s", path);
	assert_non_null(pc = xmlSchemaNewParserCtxt(path));
	xmlSchemaSetParserStructuredErrors(pc, quiet, NULL);
	b->s = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	assert_non_null(b->s);
	assert_non_null(b->v = xmlSchemaNewValidCtxt(b->s));
	xmlSchemaSetValidStructuredErrors(b->v, quiet, NULL);
	b->m = omsi_xsdfast_open(path, NULL, NULL);
}

static void
both_close(struct both *b)
{
	omsi_xsdfast_free(b->m);
	xmlSchemaFreeValidCtxt(b->v);
	xmlSchemaFree(b->s);
}

/* The directory of the schemas: OMS_XSDDIR, or xsd/. */
static DIR *
xsd_open(void)
{
	const char *dir = getenv("OMS_XSDDIR");
	DIR *dp;

	assert_non_null(dp = opendir(dir != NULL ? dir : "xsd"));
	return (dp);
}

/* The name of the next schema of dp (xsd_open), its path into path. */
static const char *
xsd_next(DIR *dp, char *path, size_t size)
{
	const char *dir = getenv("OMS_XSDDIR");
	struct dirent *de;
	size_t l;

	while ((de = readdir(dp)) != NULL) {
		l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".xsd") != 0)
			continue;
		snprintf(path, size, "%s/%s", dir != NULL ? dir : "xsd",
		    de->d_name);
		return (de->d_name);
	}
	return (NULL);
}

/* libxml2's verdict on n: 1 valid */
static int
valid(struct both *b, xmlNodePtr n)
{
	return (xmlSchemaValidateOneElement(b->v, n) == 0);
}

/* ------------------------------------------------------------ small schemas */

static char tmpxsd[64];

/* a schema of text into tmpxsd, opened both ways */
static void
small_open(struct both *b, const char *text)
{
	FILE *f;
	int fd;

	snprintf(tmpxsd, sizeof(tmpxsd), "/tmp/test_xsdfast.XXXXXX");
	assert_true((fd = mkstemp(tmpxsd)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	both_open(b, tmpxsd);
	unlink(tmpxsd);
}

#define XS_HEAD	"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"

/* One value of element V, whose type is the restriction given. */
struct vcase {
	const char	*type;		/* the xs:restriction */
	const char	*value;
	int		 fast;		/* what the acceptor says */
	int		 xml;		/* what libxml2 says; -1 not asked */
};

#define STR3	"<xs:restriction base=\"xs:string\"><xs:minLength " \
		"value=\"1\"/><xs:maxLength value=\"3\"/></xs:restriction>"
#define LEN2	"<xs:restriction base=\"xs:string\"><xs:length value=\"2\"/>" \
		"</xs:restriction>"
#define NN2	"<xs:restriction base=\"xs:nonNegativeInteger\">" \
		"<xs:totalDigits value=\"2\"/></xs:restriction>"
#define DEC52	"<xs:restriction base=\"xs:decimal\"><xs:totalDigits " \
		"value=\"5\"/><xs:fractionDigits value=\"2\"/>" \
		"<xs:minInclusive value=\"0\"/></xs:restriction>"
#define MONTH	"<xs:restriction base=\"xs:nonNegativeInteger\">" \
		"<xs:minInclusive value=\"1\"/><xs:maxInclusive " \
		"value=\"12\"/></xs:restriction>"
#define MAX45	"<xs:restriction base=\"xs:decimal\"><xs:maxInclusive " \
		"value=\"4.5\"/></xs:restriction>"
#define ENUMN	"<xs:restriction base=\"xs:nonNegativeInteger\">" \
		"<xs:enumeration value=\"1\"/><xs:enumeration value=\"2\"/>" \
		"</xs:restriction>"
#define ENUMS	"<xs:restriction base=\"xs:string\"><xs:enumeration " \
		"value=\"V021\"/></xs:restriction>"
#define PAT3	"<xs:restriction base=\"xs:string\"><xs:pattern " \
		"value=\"[0-9]{3}\"/></xs:restriction>"
#define NOVOR	"<xs:restriction base=\"xs:string\"><xs:pattern " \
		"value=\"0|[12][0-9]{7,8}\"/></xs:restriction>"
#define DATE	"<xs:restriction base=\"xs:date\"/>"
#define PINT	"<xs:restriction base=\"xs:positiveInteger\"/>"

static const struct vcase vcases[] = {
	/* lengths count characters, not bytes; xs:string keeps blanks */
	{ STR3, "abc", 1, 1 },
	{ STR3, "abcd", 0, 0 },
	{ STR3, "", 0, 0 },
	{ STR3, "\xd0\xb0\xd0\xb1\xd0\xb2", 1, 1 },		/* абв */
	{ STR3, "\xd0\xb0\xd0\xb1\xd0\xb2\xd0\xb3", 0, 0 },	/* абвг */
	{ STR3, "ab\xf0\x9d\x84\x9e", 1, 1 },			/* ab𝄞 */
	{ STR3, " ab", 1, 1 },
	{ STR3, " ab ", 0, 0 },
	{ LEN2, "ab", 1, 1 },
	{ LEN2, "a", 0, 0 },
	{ LEN2, "abc", 0, 0 },
	/* integers: leading zeros do not count; blanks around collapse */
	{ NN2, "12", 1, 1 },
	{ NN2, "123", 0, 0 },
	{ NN2, "012", 1, 1 },
	{ NN2, "00", 1, 1 },
	{ NN2, " 12 ", 1, 1 },
	{ NN2, "\t12\n", 1, 1 },
	{ NN2, "1 2", 0, 0 },
	{ NN2, "+12", 1, 1 },
	{ NN2, "-0", 0, 1 },		/* not sure: no minus taken */
	{ NN2, "-1", 0, 0 },
	{ NN2, "", 0, 0 },
	{ NN2, "1.0", 0, 0 },
	{ NN2, "\xd9\xa1", 0, 0 },	/* an Arabic-Indic one */
	/* decimals: digits as libxml2 counts them */
	{ DEC52, "123.45", 1, 1 },
	{ DEC52, "1234.5", 1, 1 },
	{ DEC52, "123.456", 0, 0 },
	{ DEC52, "1234.56", 0, 0 },
	{ DEC52, "123.450", 1, 1 },
	{ DEC52, "123.4500000000000", 1, 1 },
	{ DEC52, "0.05", 1, 1 },
	{ DEC52, "0.005", 0, 0 },
	{ DEC52, "0000123.45", 1, 1 },
	{ DEC52, "12345", 1, 1 },
	{ DEC52, "123456", 0, 0 },
	{ DEC52, "0", 1, 1 },
	{ DEC52, "0.00", 1, 1 },
	{ DEC52, " 1.5 ", 1, 1 },
	{ DEC52, ".5", 0, 1 },		/* not sure: libxml2 takes it */
	{ DEC52, "5.", 0, 1 },
	{ DEC52, "-0.01", 0, 0 },
	{ DEC52, "-0.0", 0, -1 },
	{ DEC52, "1e2", 0, 0 },
	{ DEC52, "1,5", 0, 0 },
	{ DEC52, "1.5.", 0, 0 },
	/* bounds compare values */
	{ MONTH, "1", 1, 1 },
	{ MONTH, "12", 1, 1 },
	{ MONTH, "012", 1, 1 },
	{ MONTH, "0", 0, 0 },
	{ MONTH, "13", 0, 0 },
	{ MAX45, "4.5", 1, 1 },
	{ MAX45, "4.50", 1, 1 },
	{ MAX45, "4.51", 0, 0 },
	{ MAX45, "4", 1, 1 },
	{ MAX45, "5", 0, 0 },
	{ MAX45, "0.1", 1, 1 },
	{ MAX45, "10.1", 0, 0 },
	/* enumerations: the same text after the whitespace facet */
	{ ENUMN, "1", 1, 1 },
	{ ENUMN, " 2 ", 1, 1 },
	{ ENUMN, "3", 0, 0 },
	{ ENUMN, "01", 0, 1 },		/* not sure: the same value */
	{ ENUMS, "V021", 1, 1 },
	{ ENUMS, " V021", 0, 0 },
	{ ENUMS, "V0210", 0, 0 },
	{ ENUMS, "v021", 0, 0 },
	/* patterns: libxml2's own engine, on the text as it is */
	{ PAT3, "123", 1, 1 },
	{ PAT3, "12", 0, 0 },
	{ PAT3, "1234", 0, 0 },
	{ PAT3, " 123", 0, 0 },
	{ PAT3, "\xd9\xa1\xd9\xa2\xd9\xa3", 0, 0 },
	{ NOVOR, "0", 1, 1 },
	{ NOVOR, "112345678", 1, 1 },
	{ NOVOR, "01", 0, 0 },
	{ NOVOR, "312345678", 0, 0 },
	/* dates: the day of the month, leap years, zones; no blanks */
	{ DATE, "2026-02-28", 1, 1 },
	{ DATE, "2026-02-29", 0, 0 },
	{ DATE, "2026-02-30", 0, 0 },
	{ DATE, "2024-02-29", 1, 1 },
	{ DATE, "2100-02-29", 0, 0 },
	{ DATE, "2000-02-29", 1, 1 },
	{ DATE, "2026-04-31", 0, 0 },
	{ DATE, "2026-12-31", 1, 1 },
	{ DATE, "2026-13-01", 0, 0 },
	{ DATE, "2026-00-10", 0, 0 },
	{ DATE, "2026-01-00", 0, 0 },
	{ DATE, "0000-01-01", 0, 0 },
	{ DATE, "0001-01-01", 1, 1 },
	{ DATE, "2026-01-01Z", 1, 1 },
	{ DATE, "2026-01-01+03:00", 1, 1 },
	{ DATE, "2026-01-01-14:00", 1, 1 },
	{ DATE, "2026-01-01+14:01", 0, 0 },
	{ DATE, "2026-01-01+24:00", 0, 0 },
	{ DATE, "2026-01-01+03:60", 0, 0 },
	{ DATE, "2026-01-01+3:00", 0, 0 },
	{ DATE, " 2026-01-01", 0, 0 },	/* libxml2 2.9 refuses blanks */
	{ DATE, "2026-01-01 ", 0, 0 },
	{ DATE, "26-01-01", 0, 0 },
	{ DATE, "2026-1-01", 0, 0 },
	{ DATE, "12026-01-01", 0, 1 },	/* not sure: five digits */
	{ DATE, "2026-01-01T00:00:00", 0, 0 },
	{ DATE, "", 0, 0 },
	/* cut short anywhere: nothing is read past the end (ASan) */
	{ DATE, "2026", 0, 0 },
	{ DATE, "2026-", 0, 0 },
	{ DATE, "2026-1", 0, 0 },
	{ DATE, "2026-10", 0, 0 },
	{ DATE, "2026-10-", 0, 0 },
	{ DATE, "2026-10-1", 0, 0 },
	{ DATE, "2026-10-01+", 0, 0 },
	{ DATE, "2026-10-01+03", 0, 0 },
	{ DATE, "2026-10-01+03:", 0, 0 },
	{ DATE, "2026-10-01+03:0", 0, 0 },
	{ DATE, "2026-10-01Z0", 0, 0 },
	{ PINT, "1", 1, 1 },
	{ PINT, "0", 0, 0 },
	{ PINT, "000", 0, 0 },
};

static void
test_xsdfast_facets(void **state)
{
	char text[2048];
	struct both b;
	xmlDocPtr d;
	xmlNodePtr n;
	size_t i;
	int fast, xml;

	(void)state;
	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		snprintf(text, sizeof(text), XS_HEAD
		    "<xs:simpleType name=\"T\">%s</xs:simpleType>\n"
		    "<xs:element name=\"V\" type=\"T\"/>\n</xs:schema>\n",
		    vcases[i].type);
		small_open(&b, text);
		assert_non_null(b.m);
		assert_non_null(d = xmlNewDoc((const xmlChar *)"1.0"));
		assert_non_null(n = xmlNewDocNode(d, NULL,
		    (const xmlChar *)"V", NULL));
		xmlDocSetRootElement(d, n);
		/* text, never markup */
		xmlNodeAddContent(n, (const xmlChar *)vcases[i].value);
		fast = omsi_xsdfast_accept(b.m, n);
		xml = valid(&b, n);
		if (fast != vcases[i].fast || (vcases[i].xml != -1 &&
		    xml != vcases[i].xml))
			fail_msg("%s \"%s\": acceptor %d libxml2 %d, expected "
			    "%d %d", vcases[i].type, vcases[i].value, fast, xml,
			    vcases[i].fast, vcases[i].xml);
		assert_false(fast && !xml);
		xmlFreeDoc(d);
		both_close(&b);
	}
}

/* content models: R is A, B?, C+, (D | E+) */
#define MODEL	XS_HEAD \
	"<xs:simpleType name=\"S\"><xs:restriction base=\"xs:string\">" \
	"<xs:minLength value=\"1\"/></xs:restriction></xs:simpleType>\n" \
	"<xs:element name=\"R\"><xs:complexType><xs:sequence>\n" \
	"<xs:element name=\"A\" type=\"S\"/>\n" \
	"<xs:element name=\"B\" type=\"S\" minOccurs=\"0\"/>\n" \
	"<xs:element name=\"C\" type=\"S\" maxOccurs=\"unbounded\"/>\n" \
	"<xs:choice><xs:element name=\"D\" type=\"S\"/>\n" \
	"<xs:element name=\"E\" type=\"S\" maxOccurs=\"unbounded\"/>" \
	"</xs:choice>\n<xs:element name=\"G\" minOccurs=\"0\">" \
	"<xs:complexType><xs:sequence><xs:element name=\"H\" type=\"S\"/>" \
	"</xs:sequence></xs:complexType></xs:element>\n" \
	"</xs:sequence></xs:complexType></xs:element>\n</xs:schema>\n"

static const struct {
	const char	*xml;
	int		 fast, valid;
} mcases[] = {
	{ "<R><A>x</A><C>x</C><D>x</D></R>", 1, 1 },
	{ "<R><A>x</A><B>x</B><C>x</C><C>x</C><E>x</E><E>x</E></R>", 1, 1 },
	{ "<R>\n <A>x</A>\n <C>x</C>\r\n\t<D>x</D>\n</R>", 1, 1 },
	{ "<R><A>x</A><C>x</C><D>x</D><G><H>y</H></G></R>", 1, 1 },
	{ "<R><A>x</A><C>x</C><D>x</D><G></G></R>", 0, 0 },
	{ "<R><A>x</A><C>x</C><D>x</D><G><H>y</H><H>y</H></G></R>", 0, 0 },
	{ "<R><C>x</C><A>x</A><D>x</D></R>", 0, 0 },
	{ "<R><A>x</A><D>x</D></R>", 0, 0 },
	{ "<R><A>x</A><A>x</A><C>x</C><D>x</D></R>", 0, 0 },
	{ "<R><A>x</A><B>x</B><B>x</B><C>x</C><D>x</D></R>", 0, 0 },
	{ "<R><A>x</A><C>x</C></R>", 0, 0 },
	{ "<R><A>x</A><C>x</C><D>x</D><D>x</D></R>", 0, 0 },
	{ "<R><A>x</A><C>x</C><D>x</D><E>x</E></R>", 0, 0 },
	{ "<R><A>x</A><C>x</C><D>x</D><F>x</F></R>", 0, 0 },
	{ "<R><A></A><C>x</C><D>x</D></R>", 0, 0 },
	{ "<R>t<A>x</A><C>x</C><D>x</D></R>", 0, 0 },
	{ "<R>\xc2\xa0<A>x</A><C>x</C><D>x</D></R>", 0, 0 },
	{ "<R a=\"1\"><A>x</A><C>x</C><D>x</D></R>", 0, 0 },
	{ "<R><A a=\"1\">x</A><C>x</C><D>x</D></R>", 0, 0 },
	{ "<R xmlns=\"urn:x\"><A>x</A><C>x</C><D>x</D></R>", 0, 0 },
	{ "<R><A>x<B>x</B></A><C>x</C><D>x</D></R>", 0, 0 },
	/* libxml2 passes these over; the acceptor is not sure of them */
	{ "<R><A>x</A><!-- c --><C>x</C><D>x</D></R>", 0, 1 },
	{ "<R><A>x</A><?pi x?><C>x</C><D>x</D></R>", 0, 1 },
	{ "<R><A><![CDATA[x]]></A><C>x</C><D>x</D></R>", 0, 1 },
	{ "<R><A>x<!-- c --></A><C>x</C><D>x</D></R>", 0, 1 },
	{ "<R><A>x</A><C>x</C><D>x</D></R>\n", 1, 1 },
};

static void
test_xsdfast_model(void **state)
{
	struct both b;
	xmlDocPtr d;
	xmlNodePtr r;
	size_t i;
	int fast, xml;

	(void)state;
	small_open(&b, MODEL);
	assert_non_null(b.m);
	for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		assert_non_null(d = xmlReadMemory(mcases[i].xml,
		    (int)strlen(mcases[i].xml), "t.xml", NULL,
		    XML_PARSE_NONET));
		r = xmlDocGetRootElement(d);
		fast = omsi_xsdfast_accept(b.m, r);
		xml = valid(&b, r);
		if (fast != mcases[i].fast || xml != mcases[i].valid)
			fail_msg("%s: acceptor %d libxml2 %d, expected %d %d",
			    mcases[i].xml, fast, xml, mcases[i].fast,
			    mcases[i].valid);
		xmlFreeDoc(d);
	}
	/* an element that is not global: libxml2 refuses, so must it */
	assert_non_null(d = xmlReadMemory("<A>x</A>", 8, "t.xml", NULL, 0));
	r = xmlDocGetRootElement(d);
	assert_int_equal(omsi_xsdfast_accept(b.m, r), 0);
	assert_int_equal(valid(&b, r), 0);
	xmlFreeDoc(d);
	/* nor a node out of a document (a valid R in one) */
	assert_non_null(r = xmlNewNode(NULL, (const xmlChar *)"R"));
	xmlNewTextChild(r, NULL, (const xmlChar *)"A", (const xmlChar *)"x");
	xmlNewTextChild(r, NULL, (const xmlChar *)"C", (const xmlChar *)"x");
	xmlNewTextChild(r, NULL, (const xmlChar *)"D", (const xmlChar *)"x");
	assert_int_equal(omsi_xsdfast_accept(b.m, r), 0);
	assert_non_null(d = xmlNewDoc((const xmlChar *)"1.0"));
	xmlDocSetRootElement(d, r);
	assert_int_equal(omsi_xsdfast_accept(b.m, r), 1);
	assert_int_equal(valid(&b, r), 1);
	xmlFreeDoc(d);
	both_close(&b);
}

/* What the model does not know leaves the schema to libxml2. */
static void
test_xsdfast_not_accelerated(void **state)
{
	static const char *const body[] = {
		"<xs:element name=\"R\"><xs:complexType><xs:sequence>"
		"<xs:element name=\"A\" type=\"xs:string\"/></xs:sequence>"
		"<xs:attribute name=\"a\" type=\"xs:string\"/>"
		"</xs:complexType></xs:element>",
		"<xs:element name=\"R\"><xs:complexType><xs:sequence>"
		"<xs:any/></xs:sequence></xs:complexType></xs:element>",
		"<xs:element name=\"R\"><xs:complexType><xs:sequence>"
		"<xs:element name=\"A\" type=\"xs:string\" maxOccurs=\"2\"/>"
		"</xs:sequence></xs:complexType></xs:element>",
		"<xs:element name=\"R\"><xs:complexType><xs:sequence>"
		"<xs:element name=\"A\" type=\"xs:string\" nillable=\"true\"/>"
		"</xs:sequence></xs:complexType></xs:element>",
		"<xs:element name=\"R\"><xs:complexType><xs:sequence>"
		"<xs:element name=\"A\" type=\"xs:string\" default=\"x\"/>"
		"</xs:sequence></xs:complexType></xs:element>",
		"<xs:element name=\"R\"><xs:complexType mixed=\"true\">"
		"<xs:sequence><xs:element name=\"A\" type=\"xs:string\"/>"
		"</xs:sequence></xs:complexType></xs:element>",
		"<xs:element name=\"R\"><xs:complexType><xs:sequence>"
		"<xs:element name=\"A\" type=\"xs:string\" minOccurs=\"0\"/>"
		"<xs:element name=\"B\" type=\"xs:string\"/>"
		"<xs:element name=\"A\" type=\"xs:string\"/>"
		"</xs:sequence></xs:complexType></xs:element>",
		"<xs:element name=\"R\"><xs:simpleType><xs:restriction "
		"base=\"xs:token\"/></xs:simpleType></xs:element>",
		"<xs:element name=\"R\"><xs:simpleType><xs:restriction "
		"base=\"xs:string\"><xs:whiteSpace value=\"collapse\"/>"
		"</xs:restriction></xs:simpleType></xs:element>",
		"<xs:element name=\"R\"><xs:simpleType><xs:restriction "
		"base=\"xs:decimal\"><xs:minExclusive value=\"0\"/>"
		"</xs:restriction></xs:simpleType></xs:element>",
		"<xs:element name=\"R\"><xs:simpleType><xs:restriction "
		"base=\"xs:decimal\"><xs:pattern value=\"[0-9]+\"/>"
		"</xs:restriction></xs:simpleType></xs:element>",
		"<xs:element name=\"R\"><xs:simpleType><xs:list "
		"itemType=\"xs:integer\"/></xs:simpleType></xs:element>",
		"<xs:element name=\"R\" type=\"xs:anyType\"/>",
		"<xs:element name=\"R\" type=\"xs:int\"/>",
		"<xs:group name=\"g\"><xs:sequence><xs:element name=\"A\" "
		"type=\"xs:string\"/></xs:sequence></xs:group>"
		"<xs:element name=\"R\" type=\"xs:string\"/>",
	};
	char text[2048];
	struct both b;
	const char *why;
	long line;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(body) / sizeof(body[0]); i++) {
		snprintf(text, sizeof(text), XS_HEAD "%s\n</xs:schema>\n",
		    body[i]);
		small_open(&b, text);
		if (b.m != NULL)
			fail_msg("accelerated: %s", body[i]);
		both_close(&b);
	}
	/* a target namespace */
	small_open(&b, "<xs:schema xmlns:xs=\"http://www.w3.org/2001/"
	    "XMLSchema\" targetNamespace=\"urn:x\"><xs:element name=\"R\" "
	    "type=\"xs:string\"/></xs:schema>");
	assert_null(b.m);
	both_close(&b);
	/* yar76 has attributes; it says why and where */
	snprintf(text, sizeof(text), "%s/yar76-6.15.xsd",
	    getenv("OMS_XSDDIR") != NULL ? getenv("OMS_XSDDIR") : "xsd");
	why = NULL;
	assert_null(omsi_xsdfast_open(text, &why, &line));
	assert_non_null(why);
	assert_true(line > 0);
	assert_null(omsi_xsdfast_open("/nonexistent.xsd", &why, &line));
	assert_string_equal(why, "the schema cannot be read");
}

/* ------------------------------------------------------------ mutants */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((unsigned)(rng >> 11) % n);
}

struct nodes {
	xmlNodePtr	*v;
	size_t		 n, cap;
};

static void
collect(struct nodes *ns, xmlNodePtr n)
{
	xmlNodePtr c;

	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 256;
		assert_non_null(ns->v = realloc(ns->v, ns->cap *
		    sizeof(*ns->v)));
	}
	ns->v[ns->n++] = n;
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			collect(ns, c);
}

static int
leaf(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return (0);
	return (1);
}

static void
set_text(xmlNodePtr n, const char *s)
{
	xmlNodeSetContent(n, NULL);
	xmlNodeAddContent(n, (const xmlChar *)s);
}

/* a value near where the facets of these schemas draw their lines */
static void
gen_value(char *buf, size_t len, const char *old)
{
	static const char *const fixed[] = {
		"", " ", "0", "00", "-0", "+0", "0.0", "-0.0", ".5", "5.",
		"1e3", "NaN", "0x1", "1,5", "2026-02-30", "2026-02-29",
		"2024-02-29", "2026-13-01", "2026-04-31", "2026-04-30",
		"0000-01-01", "2026-01-01Z", "2026-01-01+14:00",
		"2026-01-01+14:01", "2026-01-01-05:30", " 2026-01-01",
		"2026-01-01 ", "2026-1-1", "12026-01-01", "2026-10-15T10:00:00",
		"12345678901234567890", "123456789012345678901234567",
		"999999999999999.99", "9999999999999.999", "0.001", "1.10",
		"1.000000000000000000000000001", "V021", "V0210", "5.1", "3.1",
		"10.10", "1.2.3", "0|1", "\xd0\x99", "\xe2\x82\xac",
		"\xf0\x9d\x84\x9e", "\xc2\xa0" "1", "1\xc2\xa0", "\t1\n", "1 2",
		"7685192477416046", "768519247741604", "76851924774160461",
		"112345678", "1123456789", "212345678", "000", "001", "1000",
		"4", "5", "12", "13", "3", "6", "7", "-1", "+1", "+0.5",
	};
	static const char *const chars[] = {
		"a", "Z", "0", "9", " ", "-", ".", "\xd0\x96", "\xd1\x8f",
		"\xe2\x84\x96", "\xf0\x9f\x98\x80", "\t",
	};
	static const unsigned lens[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
		19, 20, 21, 24, 25, 26, 27, 29, 30, 31, 35, 36, 37, 39, 40, 41,
		49, 50, 51, 99, 100, 101, 249, 250, 251, 999, 1000, 1001,
	};
	size_t n, i, ol = strlen(old);
	unsigned k, ni, nf, c;

	switch (rnd(6)) {
	case 0:
		snprintf(buf, len, "%s", fixed[rnd(sizeof(fixed) /
		    sizeof(fixed[0]))]);
		return;
	case 1:		/* a string of a length near a maxLength */
		k = lens[rnd(sizeof(lens) / sizeof(lens[0]))];
		c = rnd(sizeof(chars) / sizeof(chars[0]));
		buf[0] = '\0';
		for (n = 0, i = 0; i < k; i++) {
			const char *ch = rnd(4) == 0 ? chars[rnd(sizeof(chars) /
			    sizeof(chars[0]))] : chars[c];

			if (n + strlen(ch) + 1 > len)
				break;
			memcpy(buf + n, ch, strlen(ch) + 1);
			n += strlen(ch);
		}
		return;
	case 2:		/* a number: digits, fraction, zeros, sign, blanks */
		n = 0;
		if (rnd(4) == 0)
			buf[n++] = " \t\n"[rnd(3)];
		if (rnd(5) == 0)
			buf[n++] = "+-"[rnd(2)];
		for (k = rnd(3); k > 0; k--)
			buf[n++] = '0';
		for (ni = rnd(18), i = 0; i < ni; i++)
			buf[n++] = (char)('0' + rnd(10));
		if (rnd(2)) {
			buf[n++] = '.';
			for (nf = rnd(7), i = 0; i < nf; i++)
				buf[n++] = (char)('0' + rnd(10));
			for (k = rnd(3); k > 0; k--)
				buf[n++] = '0';
		}
		if (rnd(4) == 0)
			buf[n++] = " \t\n"[rnd(3)];
		buf[n] = '\0';
		return;
	case 3:		/* a date, good or not */
		snprintf(buf, len, "%04u-%02u-%02u%s", rnd(3) ? 1990 +
		    rnd(50) : rnd(3000), rnd(14), rnd(33), rnd(4) ? "" :
		    rnd(2) ? "Z" : "+03:00");
		return;
	default:	/* the old text, edited */
		snprintf(buf, len, "%s", old);
		switch (rnd(12)) {
		case 0:
			if (ol > 0)
				buf[ol - 1] = '\0';
			break;
		case 1:
			snprintf(buf, len, "%s%s", old, rnd(2) ? "0" : "x");
			break;
		case 2:
			snprintf(buf, len, "0%s", old);
			break;
		case 3:
			snprintf(buf, len, "%c%s", "+- "[rnd(3)], old);
			break;
		case 4:
			snprintf(buf, len, "%s%s", old, rnd(2) ? ".0" : ".05");
			break;
		case 5:
			snprintf(buf, len, "%s ", old);
			break;
		case 6:
			snprintf(buf, len, "%s%s", old, old);
			break;
		case 7:
			snprintf(buf, len, "\xd0\x96%s", old);
			break;
		case 8:
			snprintf(buf, len, "9%s", old);
			break;
		case 9:
			if (ol > 1)
				buf[rnd((unsigned)ol)] = (char)('0' + rnd(10));
			break;
		case 10:
			if (ol > 0)
				snprintf(buf + 1, len - 1, "%s", old);
			break;
		default:
			snprintf(buf, len, "%s\n", old);
			break;
		}
		return;
	}
}

/* Is n a or under it? */
static int
under(xmlNodePtr n, xmlNodePtr a)
{
	for (; n != NULL; n = n->parent)
		if (n == a)
			return (1);
	return (0);
}

/* One random change to the record under root (a copy). */
static void
mutate(xmlDocPtr d, xmlNodePtr root)
{
	struct nodes ns = { NULL, 0, 0 };
	xmlNodePtr n, o, c;
	char buf[4096];
	xmlChar *old;
	unsigned op;

	collect(&ns, root);
	n = ns.v[rnd((unsigned)ns.n)];
	o = ns.v[rnd((unsigned)ns.n)];
	op = rnd(20);
	if (op < 9) {		/* a value; most records are text */
		if (!leaf(n)) {
			size_t i, k = rnd((unsigned)ns.n);

			for (i = 0; i < ns.n && !leaf(ns.v[(k + i) % ns.n]);
			    i++)
				;
			n = ns.v[(k + i) % ns.n];
		}
		old = xmlNodeGetContent(n);
		gen_value(buf, sizeof(buf), old != NULL ? (char *)old : "");
		xmlFree(old);
		set_text(n, buf);
	} else if (op == 9 && n != root) {
		xmlUnlinkNode(n);
		xmlFreeNode(n);
	} else if (op == 10 && n != root) {
		xmlAddNextSibling(n, xmlDocCopyNode(n, d, 1));
	} else if (op == 11 && n != root) {
		for (c = n->next; c != NULL && c->type != XML_ELEMENT_NODE;
		    c = c->next)
			;
		if (c != NULL) {
			xmlUnlinkNode(c);
			xmlAddPrevSibling(n, c);
		}
	} else if (op == 12 && n != root) {
		xmlNodeSetName(n, o->name);
	} else if (op == 13) {
		static const char *const junk[] = {
			"x", " ", "\n  ", "\t", "\xc2\xa0", "0", "\r\n",
		};
		c = xmlNewDocText(d, (const xmlChar *)junk[rnd(sizeof(junk) /
		    sizeof(junk[0]))]);
		if (n->children != NULL && rnd(2))
			xmlAddPrevSibling(n->children, c);
		else
			xmlAddChild(n, c);
	} else if (op == 14) {
		switch (rnd(3)) {
		case 0:
			c = xmlNewDocComment(d, (const xmlChar *)"c");
			break;
		case 1:
			c = xmlNewCDataBlock(d, (const xmlChar *)"1", 1);
			break;
		default:
			c = xmlNewDocPI(d, (const xmlChar *)"p", NULL);
			break;
		}
		xmlAddChild(n, c);
	} else if (op == 15) {
		xmlNewProp(n, (const xmlChar *)"a", (const xmlChar *)"1");
	} else if (op == 16) {
		xmlSetNs(n, xmlNewNs(n, (const xmlChar *)"urn:x", NULL));
	} else if (op == 17 && n != root && o != root && leaf(o) &&
	    !under(o, n)) {
		/* an element moved under another (a leaf, or not) */
		xmlUnlinkNode(n);
		if (rnd(2) && o != n)
			xmlAddChild(o, n);
		else
			xmlAddNextSibling(o, n);
	} else {
		c = xmlNewDocNode(d, NULL, rnd(2) ? o->name :
		    (const xmlChar *)"NEW", NULL);
		if (rnd(2))
			xmlNodeAddContent(c, (const xmlChar *)"1");
		if (n->children != NULL && rnd(2))
			xmlAddPrevSibling(n->children, c);
		else
			xmlAddChild(n, c);
	}
	free(ns.v);
}

/* the records (ZAP, PERS) of the file at path, appended as copies */
struct recs {
	xmlDocPtr	*v;		/* a document each, the record */
	const char	**from;
	size_t		 n, cap;
	size_t		 nbase;		/* the first nbase are tests/rules' */
};

static void
add_records(struct recs *rs, const char *path)
{
	xmlDocPtr d, c;
	xmlNodePtr r, n;

	assert_non_null(d = xmlReadFile(path, NULL, XML_PARSE_NONET));
	r = xmlDocGetRootElement(d);
	for (n = r->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    (strcmp((const char *)n->name, "ZAP") != 0 &&
		    strcmp((const char *)n->name, "PERS") != 0))
			continue;
		if (rs->n == rs->cap) {
			rs->cap = rs->cap ? rs->cap * 2 : 256;
			assert_non_null(rs->v = realloc(rs->v, rs->cap *
			    sizeof(*rs->v)));
			assert_non_null(rs->from = realloc(rs->from, rs->cap *
			    sizeof(*rs->from)));
		}
		assert_non_null(c = xmlNewDoc((const xmlChar *)"1.0"));
		xmlDocSetRootElement(c, xmlDocCopyNode(n, c, 1));
		rs->from[rs->n] = strdup(path);
		rs->v[rs->n++] = c;
	}
	xmlFreeDoc(d);
}

static char *
dump(xmlNodePtr n)
{
	xmlBufferPtr b = xmlBufferCreate();
	char *s;

	xmlNodeDump(b, n->doc, n, 0, 0);
	s = strdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return (s);
}

#define MUTANTS_VALID	120	/* mutants of a record valid by the schema */
#define MUTANTS_OTHER	4	/* and of one that is not */

static void
test_xsdfast_differential(void **state)
{
	static const char *const periods[] = {
		"2019-06", "2020-06", "2021-09", "2022-06", "2024-06",
		"2025-03", "2026-10",
	};
	static const char *const bases[] = {
		"base-H.xml", "base-C.xml", "base-T.xml", "base-DP.xml",
		"base-H31.xml", "base-L.xml",
	};
	char dir[] = "/tmp/test_xsdfast.XXXXXX", path[1024], cmd[2048];
	const char *name;
	struct both sch[64];
	struct recs rs = { NULL, NULL, 0, 0, 0 };
	struct dirent *de;
	DIR *dp;
	size_t nsch = 0, i, j, k, t;
	unsigned long npairs = 0, nvalid = 0, nacc = 0, nmut = 0, nmacc = 0,
	    nmvalid = 0, nbad = 0, nbasevalid = 0, nbaseacc = 0;
	xmlDocPtr d;
	xmlNodePtr r;
	int fast, xml, ok;

	(void)state;
	/* every schema the acceptor takes: all of xsd/ but yar76's */
	dp = xsd_open();
	while ((name = xsd_next(dp, path, sizeof(path))) != NULL) {
		assert_true(nsch < sizeof(sch) / sizeof(sch[0]));
		both_open(&sch[nsch], path);
		if (strncmp(name, "yar76", 5) == 0) {
			assert_null(sch[nsch].m);
			both_close(&sch[nsch]);
			continue;
		}
		if (sch[nsch].m == NULL)
			fail_msg("%s: not accelerated", path);
		nsch++;
	}
	closedir(dp);
	assert_true(nsch >= 20);

	/* the records: the base fixtures, then oms-gen's of each edition */
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		snprintf(path, sizeof(path), "tests/rules/%s", bases[i]);
		add_records(&rs, path);
	}
	rs.nbase = rs.n;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		snprintf(cmd, sizeof(cmd), "examples/oms-gen -s %zu -n 30 -m 1 "
		    "-p %s --kinds H,C,T,DP -o %s/%zu 2>/dev/null", 7 + i,
		    periods[i], dir, i);
		assert_int_equal(system(cmd), 0);
		snprintf(path, sizeof(path), "%s/%zu", dir, i);
		assert_non_null(dp = opendir(path));
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%zu/%s", dir, i,
			    de->d_name);
			add_records(&rs, path);
			unlink(path);
		}
		closedir(dp);
		snprintf(path, sizeof(path), "%s/%zu", dir, i);
		rmdir(path);
	}
	rmdir(dir);
	assert_true(rs.n > 200);

	/* every record against every schema with its element, then mutants */
	for (i = 0; i < rs.n; i++) {
		for (j = 0; j < nsch; j++) {
			r = xmlDocGetRootElement(rs.v[i]);
			fast = omsi_xsdfast_accept(sch[j].m, r);
			xml = valid(&sch[j], r);
			npairs++;
			nvalid += xml;
			nacc += fast;
			if (i < rs.nbase && xml) {
				nbasevalid++;
				nbaseacc += fast;
			}
			if (fast && !xml)
				fail_msg("%s against %s: accepted, libxml2 "
				    "refuses", rs.from[i], sch[j].path);
			if (xml && !fast && nbad++ < 5)
				print_message("# not accepted, valid: a record "
				    "of %s against %s\n", rs.from[i],
				    sch[j].path);
			k = xml ? MUTANTS_VALID : MUTANTS_OTHER;
			for (; k > 0; k--) {
				assert_non_null(d = xmlCopyDoc(rs.v[i], 1));
				r = xmlDocGetRootElement(d);
				for (t = 1 + rnd(3); t > 0; t--)
					mutate(d, r);
				r = xmlDocGetRootElement(d);
				fast = omsi_xsdfast_accept(sch[j].m, r);
				xml = valid(&sch[j], r);
				nmut++;
				nmacc += fast;
				nmvalid += xml;
				ok = !fast || xml;
				if (!ok) {
					char *s = dump(r);

					fail_msg("%s: a mutant of a record of "
					    "%s accepted, libxml2 refuses it:"
					    "\n%s", sch[j].path, rs.from[i],
					    s);
				}
				xmlFreeDoc(d);
			}
		}
	}
	print_message("# %zu schemas, %zu records: %lu pairs, %lu valid by "
	    "libxml2, %lu accepted; base fixtures %lu valid, %lu accepted\n",
	    nsch, rs.n, npairs, nvalid, nacc, nbasevalid, nbaseacc);
	print_message("# %lu mutants: %lu valid by libxml2, %lu accepted\n",
	    nmut, nmvalid, nmacc);
	/* a do-nothing acceptor is sound too: it must take the valid ones */
	assert_int_equal(nbaseacc, nbasevalid);
	assert_true(nbasevalid >= rs.nbase);
	assert_true(nacc * 100 >= nvalid * 99);
	assert_true(nvalid > 200);
	/* and the mutants must reach both sides of it */
	assert_true(nmacc > 1000);
	assert_true(nmut - nmvalid > 10000);
	for (i = 0; i < rs.n; i++) {
		xmlFreeDoc(rs.v[i]);
		free((char *)rs.from[i]);
	}
	free(rs.v);
	free(rs.from);
	for (j = 0; j < nsch; j++)
		both_close(&sch[j]);
}

/* ------------------------------------------------------------ patterns */

/*
 * The patterns of every schema of xsd/ into v (at most max), as their
 * value attributes are written; the count.
 */
static size_t
xsd_patterns(char **v, size_t max)
{
	char path[1024], line[4096], *p, *q;
	size_t n = 0, i;
	DIR *dp;
	FILE *f;

	dp = xsd_open();
	while (xsd_next(dp, path, sizeof(path)) != NULL) {
		assert_non_null(f = fopen(path, "r"));
		while (fgets(line, sizeof(line), f) != NULL) {
			if ((p = strstr(line, "pattern value=\"")) == NULL)
				continue;
			p += strlen("pattern value=\"");
			assert_non_null(q = strchr(p, '"'));
			*q = '\0';
			assert_null(strchr(p, '&'));	/* no entity to read */
			for (i = 0; i < n && strcmp(v[i], p) != 0; i++)
				;
			if (i == n) {
				assert_true(n < max);
				assert_non_null(v[n++] = strdup(p));
			}
		}
		fclose(f);
	}
	closedir(dp);
	return (n);
}

/* A value of up to 12 characters: digits only half the time. */
static void
pattern_value(char *buf)
{
	static const char *const any[] = {
		"0", "1", "2", "3", "5", "9", ".", "-", "a", "b", "c", "x",
		"A", "Z", " ", "|", "\xd0\xb0",
	};
	size_t n = rnd(13), i, digits = rnd(2);

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(buf, digits ? any[rnd(6)] :
		    any[rnd(sizeof(any) / sizeof(any[0]))]);
}

/*
 * The acceptor's own matcher of simple patterns says what libxml2's XSD
 * regexps say, value for value: on every pattern of xsd/ (all of them of
 * the simple kind) and others, over values made at random (fixed seed);
 * what it does not take is left to libxml2.
 */
static void
test_xsdfast_patterns(void **state)
{
	static const char *const more[] = {
		"[0-9]{3}", "0|[12][0-9]{7,8}", "[0-9]{1,2}\\.[0-9]{1,2}",
		"a?b*c+", "[A-Za-z]{2,}[0-9]?", "x|y|z", "[0-2][0-9]{0,3}",
		"\\-[0-9]+", "ab{0}c", "[a-cx]{1,3}|[0-9]{2}", "A{2,4}Z*",
		"\\|\\.", "[0-9]{0,1}1", "1-2", "-?[0-9]",
	};
	static const char *const declined[] = {
		"\\d{3}", "[^0-9]", "(ab)+", ".{3}", "a|", "|a", "a||b",
		"[a-]", "a{2,1}", "a{,2}", "^a", "a$", "a{1000}", "[0-9.]",
		"\xd0\xb0", "a??", "a{2}{3}", "[9-0]", "\\s", "",
	};
	char *pats[256], buf[64];
	size_t npat, nx, i, k;
	unsigned long nmatch = 0, nmiss = 0;
	xmlRegexpPtr re;
	int fast, xml;

	(void)state;
	rng = 0x9E3779B97F4A7C15ULL;
	nx = xsd_patterns(pats, 200);
	assert_true(nx >= 5);
	for (npat = nx, i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		assert_non_null(pats[npat++] = strdup(more[i]));
	for (i = 0; i < npat; i++) {
		assert_non_null(re = xmlRegexpCompile((const xmlChar *)
		    pats[i]));
		if (omsi_xsdfast_pattern(pats[i], "") == -1)
			fail_msg("pattern \"%s\" is not taken as simple",
			    pats[i]);
		for (k = 0; k < 20000; k++) {
			pattern_value(buf);
			fast = omsi_xsdfast_pattern(pats[i], buf);
			xml = xmlRegexpExec(re, (const xmlChar *)buf) == 1;
			if (fast != xml)
				fail_msg("pattern \"%s\", value \"%s\": the "
				    "acceptor says %d, libxml2 %d", pats[i], buf,
				    fast, xml);
			nmatch += xml;
			nmiss += !xml;
		}
		xmlRegFreeRegexp(re);
		free(pats[i]);
	}
	print_message("# %zu patterns (%zu of xsd/): %lu values matched, "
	    "%lu not\n", npat, nx, nmatch, nmiss);
	assert_true(nmatch > 10000);
	assert_true(nmiss > 10000);
	for (i = 0; i < sizeof(declined) / sizeof(declined[0]); i++)
		if (omsi_xsdfast_pattern(declined[i], "1") != -1)
			fail_msg("pattern \"%s\" taken as simple", declined[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xsdfast_facets),
		cmocka_unit_test(test_xsdfast_model),
		cmocka_unit_test(test_xsdfast_not_accelerated),
		cmocka_unit_test(test_xsdfast_differential),
		cmocka_unit_test(test_xsdfast_patterns),
	};

	LIBXML_TEST_VERSION
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
