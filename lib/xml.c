/*
 * xml.c -- XML input: encoding sniffing, streaming readers over files and
 * archive entries, schemas compiled without reaching out, and small
 * helpers over expanded subtrees
 */
#include <sys/stat.h>

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "oms_int.h"

#define SNIFF_SIZE	((size_t)64 << 10)

struct omsi_xin {
	char			*name;
	int			 fd;		/* file input, or -1 */
	struct archive		*ar;		/* archive input, or NULL */
	unsigned char		*head;		/* sniffed bytes */
	size_t			 headlen, headpos;
	int			 eof;
	char			 enc[32];
	xmlTextReaderPtr	 reader;
	struct oms_err		 xerr;		/* first parser error */
	int			 failed;
	int			 ioerr;
	int			 onnode;	/* skip() left us on a node */
	uint64_t		 nread;		/* bytes out of the entry */
	int64_t			 raw0;		/* archive bytes before it */
};

/*
 * An archive entry that inflates beyond these is refused as a zip bomb:
 * XML compresses some 10 to 30 times, never 500; and no entry of an МО
 * is 64 GiB.  The ratio is judged after the first 64 MiB.
 */
#define ENTRY_MAX	((uint64_t)64 << 30)
#define RATIO_MAX	500
#define RATIO_AFTER	((uint64_t)64 << 20)

/* ------------------------------------------------------------ guarding */

/*
 * Everything libxml2 loads by itself (a DTD, an external entity, a
 * schema's include, import or redefine) goes through its external entity
 * loader, one per process in libxml2 2.9: this one.  It loads nothing
 * unless a schema is being compiled on this thread (omsi_schema_compile),
 * and then only a regular local file, named by a plain path, under the
 * directory of that schema once ".." and symbolic links are resolved.
 * Sources, replies and references are read with XML_PARSE_NONET and
 * without DTD loading or entity substitution besides, so for them the
 * loader is a second lock.
 */
struct schema_ctx {
	const char	*name;		/* the schema as messages name it */
	char		*root;		/* realpath of its directory */
	struct oms_err	 err;		/* the first problem */
	int		 failed;
	int		 refused;	/* the loader refused; err waits for */
	int		 located;	/* the line of the reference */
};

static _Thread_local struct schema_ctx *compiling;

/* 1 when the reference starts with an URI scheme ("http:", "file:") */
static int
has_scheme(const char *u)
{
	const char *p = u;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return (0);
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
		p++;
	return (*p == ':');
}

/* 1 when real (a realpath) is root or under it */
static int
under(const char *real, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return (1);
	return (strncmp(real, root, n) == 0 && (real[n] == '/' ||
	    real[n] == '\0'));
}

static void
refuse(struct schema_ctx *sc, const char *url, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static void
refuse(struct schema_ctx *sc, const char *url, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (sc->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* where: the schema for now; the reference's line comes next */
	oms_err_set(&sc->err, OMS_EINTERNAL, sc->name, 0, "schema reference "
	    "\"%s\" refused: %s", url, why);
	sc->failed = sc->refused = 1;
}

static xmlParserInputPtr
guard_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	struct schema_ctx *sc = compiling;
	xmlParserInputPtr in;
	struct stat st;
	char *real, *plain, *slash;
	int e;

	(void)id;
	if (sc == NULL || url == NULL)
		return (NULL);	/* no DTD, no entity, never */
	if (has_scheme(url)) {
		refuse(sc, url, "a URL, not a plain local path (oms never "
		    "uses the network; put the file in %s)", sc->root);
		return (NULL);
	}
	real = realpath(url, NULL);
	if (real == NULL && strchr(url, '%') != NULL &&
	    (plain = xmlURIUnescapeString(url, 0, NULL)) != NULL) {
		real = realpath(plain, NULL);	/* libxml2 escapes blanks */
		xmlFree(plain);
	}
	if (real == NULL) {
		e = errno;
		/* a file that is not there: say so only of xsd/ */
		if ((plain = strdup(url)) != NULL) {
			if ((slash = strrchr(plain, '/')) != NULL)
				*slash = '\0';
			real = realpath(slash == NULL ? "." : slash == plain ?
			    "/" : plain, NULL);
			free(plain);
		}
		if (real == NULL || under(real, sc->root))
			refuse(sc, url, "%s", strerror(e));
		else
			refuse(sc, url, "outside the schema's directory %s",
			    sc->root);
		free(real);
		return (NULL);
	}
	if (!under(real, sc->root)) {
		refuse(sc, url, "outside the schema's directory %s",
		    sc->root);
		free(real);
		return (NULL);
	}
	if (stat(real, &st) == -1 || !S_ISREG(st.st_mode)) {
		refuse(sc, url, "not a regular file");
		free(real);
		return (NULL);
	}
	in = xmlNewInputFromFile(ctxt, real);
	free(real);
	if (in == NULL) {
		refuse(sc, url, "cannot be read");
		return (NULL);
	}
	/* named as referred to, so messages name it so */
	if ((plain = (char *)xmlStrdup((const xmlChar *)url)) != NULL) {
		xmlFree((char *)in->filename);
		in->filename = plain;
	}
	return (in);
}

/* Install guard_loader, once; cheap to call before every parse. */
static void
guard(void)
{
	if (xmlGetExternalEntityLoader() != guard_loader)
		xmlSetExternalEntityLoader(guard_loader);
}

/* libxml2's message, one line, lowercase first letter like ours */
void
omsi_xml_msg(char *msg, size_t len, omsi_xml_error e)
{
	size_t n;

	snprintf(msg, len, "%s", e->message ? e->message : "error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (n > 0 && (msg[0] >= 'A' && msg[0] <= 'Z') &&
	    !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
}

/*
 * The schema parser's and the XML parser's reports while a schema
 * compiles: the first error is kept; a refused reference gets the file
 * and line of the include, import or redefine that made it, which is what
 * libxml2 reports next (an error, or a warning for an import it skips).
 */
static void
on_schema_parse_error(void *arg, omsi_xml_error e)
{
	struct schema_ctx *sc = arg;
	char msg[400];

	if (e == NULL)
		return;
	if (sc->refused && !sc->located) {
		if (e->file != NULL && e->line > 0) {
			snprintf(sc->err.where, sizeof(sc->err.where),
			    "%s:%d", strcmp(e->file, sc->name) == 0 ?
			    sc->name : e->file, e->line);
			if (strcmp(e->file, sc->name) != 0) {
				size_t l = strlen(sc->err.msg);

				snprintf(sc->err.msg + l,
				    sizeof(sc->err.msg) - l,
				    " (compiling %s)", sc->name);
			}
			sc->located = 1;
		}
		return;
	}
	if (e->level < XML_ERR_ERROR || sc->failed)
		return;
	omsi_xml_msg(msg, sizeof(msg), e);
	sc->failed = 1;
	oms_err_set(&sc->err, OMS_EINTERNAL, e->file != NULL ? e->file :
	    sc->name, (unsigned long)(e->line > 0 ? e->line : 0), "%s", msg);
}

/* What libxml2 writes outside its structured errors, in pieces. */
static void
on_generic_error(void *arg, const char *fmt, ...)
{
	struct schema_ctx *sc = arg;
	char msg[400];
	size_t n;
	va_list ap;

	if (sc->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (n == 0)
		return;
	sc->failed = 1;
	oms_err_set(&sc->err, OMS_EINTERNAL, sc->name, 0, "%s", msg);
}

xmlSchemaPtr
omsi_schema_compile(const char *path, struct oms_err *err)
{
	struct schema_ctx sc;
	xmlSchemaParserCtxtPtr pc = NULL;
	xmlSchemaPtr schema = NULL;
	xmlStructuredErrorFunc oserror;
	xmlGenericErrorFunc ogeneric;
	void *osctx, *ogctx;
	char *dir, *slash;

	guard();
	memset(&sc, 0, sizeof(sc));
	sc.name = path;
	if ((dir = strdup(path)) == NULL)
		goto nomem;
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, strlen(dir) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	sc.root = realpath(dir, NULL);
	free(dir);
	if (sc.root == NULL) {
		oms_err_sys(err, errno, path, "schema directory");
		return (NULL);
	}
	if ((pc = xmlSchemaNewParserCtxt(path)) == NULL)
		goto nomem;
	xmlSchemaSetParserStructuredErrors(pc, on_schema_parse_error, &sc);
	/* the XML parser under the schema parser reports to these */
	oserror = xmlStructuredError;
	osctx = xmlStructuredErrorContext;
	ogeneric = xmlGenericError;
	ogctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(&sc, on_schema_parse_error);
	xmlSetGenericErrorFunc(&sc, on_generic_error);
	compiling = &sc;
	schema = xmlSchemaParse(pc);
	compiling = NULL;
	xmlSetStructuredErrorFunc(osctx, oserror);
	xmlSetGenericErrorFunc(ogctx, ogeneric);
	xmlSchemaFreeParserCtxt(pc);
	if (schema == NULL || sc.failed) {
		xmlSchemaFree(schema);
		if (sc.failed)
			*err = sc.err;
		else
			oms_err_set(err, OMS_EINTERNAL, path, 0,
			    "the schema does not compile");
		free(sc.root);
		return (NULL);
	}
	free(sc.root);
	return (schema);
nomem:
	free(sc.root);
	oms_err_set(err, OMS_ENOMEM, path, 0, "out of memory");
	return (NULL);
}

/* ------------------------------------------------------------ sniffing */

/* 1 valid UTF-8 with multibyte sequences, 0 pure ASCII, -1 not UTF-8 */
static int
utf8_class(const unsigned char *s, size_t n, int at_eof)
{
	size_t i, k, need;
	int multi = 0;

	for (i = 0; i < n; ) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			need = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			need = 2;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			need = 3;
		else
			return (-1);
		if (!at_eof && i + need >= n)
			return (multi);		/* cut by the buffer end */
		for (k = 1; k <= need; k++)
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return (-1);
		multi = 1;
		i += need + 1;
	}
	return (multi);
}

static int
is_cp1251_name(const char *e)
{
	return (strcasecmp(e, "windows-1251") == 0 ||
	    strcasecmp(e, "cp1251") == 0 || strcasecmp(e, "win-1251") == 0);
}

static int
is_utf8_name(const char *e)
{
	return (strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0);
}

/* All high bytes are cp1251 letters or its usual punctuation. */
static int
plausible_cp1251(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 0x80 && s[i] < 0xc0 && s[i] != 0xa8 &&
		    s[i] != 0xb8 && s[i] != 0xb9 && s[i] != 0x96 &&
		    s[i] != 0x97 && s[i] != 0xab && s[i] != 0xbb &&
		    s[i] != 0xa0)
			return (0);
	return (1);
}

int
omsi_sniff_encoding(const unsigned char *s, size_t n, int at_eof, char *out,
    size_t outlen, const char *name, struct oms_err *err)
{
	char decl[32] = "";
	const unsigned char *p, *q, *end;
	size_t off = 0;
	int cls;

	guard();	/* every XML input of the lib is sniffed first */
	if (n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
	    (s[0] == 0xfe && s[1] == 0xff)))
		return (oms_err_set(err, OMS_EDATA, name, 1,
		    "UTF-16 documents are not accepted; save the file as "
		    "windows-1251 or UTF-8"));
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		off = 3;
		if (utf8_class(s + 3, n - 3, at_eof) < 0)
			return (oms_err_set(err, OMS_EDATA, name, 1,
			    "the file starts with a UTF-8 byte order mark but "
			    "is not UTF-8"));
		snprintf(out, outlen, "UTF-8");
		return (0);
	}
	/* the declaration, if any: <?xml ... encoding="X" ... ?> */
	end = s + n;
	if (n - off >= 5 && memcmp(s + off, "<?xml", 5) == 0) {
		for (q = s + off; q < end && *q != '>'; q++)
			;
		for (p = s + off; p + 9 < q; p++)
			if (memcmp(p, "encoding", 8) == 0) {
				p += 8;
				while (p < q && (*p == ' ' || *p == '=' ||
				    *p == '\t'))
					p++;
				if (p < q && (*p == '"' || *p == '\'')) {
					const unsigned char *b = ++p;

					while (p < q && *p != b[-1])
						p++;
					if ((size_t)(p - b) < sizeof(decl)) {
						memcpy(decl, b, (size_t)(p - b));
						decl[p - b] = '\0';
					} else	/* no name we take is as long */
						snprintf(decl, sizeof(decl),
						    "%.24s...", (const char *)b);
				}
				break;
			}
	}
	/*
	 * The formats are windows-1251 (some regions take UTF-8): any other
	 * declaration is refused, whatever the bytes, since KOI8-R or CP866
	 * text read as either would come out garbled.
	 */
	if (decl[0] != '\0' && !is_utf8_name(decl) && !is_cp1251_name(decl))
		return (oms_err_set(err, OMS_EDATA, name, 1,
		    "declares encoding \"%s\"; the exchange formats allow "
		    "windows-1251 or UTF-8: re-export the file in "
		    "windows-1251 (or correct the declaration if that is "
		    "what its bytes are)", decl));
	cls = utf8_class(s + off, n - off, at_eof);
	if (cls == 0) {
		/* ASCII so far: trust the declaration */
		snprintf(out, outlen, "%s", decl[0] != '\0' &&
		    is_cp1251_name(decl) ? "windows-1251" : "UTF-8");
		return (0);
	}
	if (cls == 1) {
		snprintf(out, outlen, "UTF-8");	/* the bytes win */
		return (0);
	}
	/* not UTF-8 */
	if (!plausible_cp1251(s + off, n - off))
		return (oms_err_set(err, OMS_EDATA, name, 1,
		    "its bytes are neither UTF-8 nor windows-1251 text%s%s%s; "
		    "re-export it in windows-1251",
		    decl[0] ? " (declared \"" : "", decl, decl[0] ? "\")" : ""));
	snprintf(out, outlen, "windows-1251");
	return (0);
}

/* ------------------------------------------------------------- readers */

static void
on_xml_error(void *arg, omsi_xml_error e)
{
	struct omsi_xin *x = arg;
	char msg[400];

	if (e == NULL || e->level < XML_ERR_ERROR || x->failed)
		return;
	omsi_xml_msg(msg, sizeof(msg), e);
	x->failed = 1;
	oms_err_set(&x->xerr, e->domain == XML_FROM_SCHEMASV ? OMS_ESCHEMA :
	    OMS_EDATA, x->name, (unsigned long)(e->line > 0 ? e->line : 0),
	    "%s", msg);
}

ssize_t
omsi_input_read(struct archive *ar, int fd, int64_t raw0, uint64_t *nread,
    void *buf, size_t len, const char *name, struct oms_err *err)
{
	ssize_t n;
	int64_t raw;

	if (ar != NULL) {
		if ((n = archive_read_data(ar, buf, len)) < 0) {
			oms_err_set(err, OMS_EDATA, name, 0, "archive: %s",
			    archive_error_string(ar));
			return (-1);
		}
		*nread += (uint64_t)n;
		if (*nread > RATIO_AFTER) {
			raw = archive_filter_bytes(ar, -1) - raw0;
			if (*nread > ENTRY_MAX || (raw > 0 &&
			    *nread / (uint64_t)raw > RATIO_MAX))
				return (oms_err_set(err, OMS_EDATA, name, 0,
				    "archive entry inflates beyond %s (a zip "
				    "bomb?): refused", *nread > ENTRY_MAX ?
				    "64 GiB" : "500 times its size"));
		}
		return (n);
	}
	do
		n = read(fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		oms_err_sys(err, errno, name, "read");
	return (n);
}

static ssize_t
raw_read(struct omsi_xin *x, void *buf, size_t len)
{
	ssize_t n;

	if ((n = omsi_input_read(x->ar, x->fd, x->raw0, &x->nread, buf, len,
	    x->name, &x->xerr)) < 0)
		x->ioerr = 1;
	return (n);
}

static int
io_read(void *ctx, char *buf, int len)
{
	struct omsi_xin *x = ctx;
	size_t n;
	ssize_t r;

	if (x->headpos < x->headlen) {
		n = x->headlen - x->headpos;
		if (n > (size_t)len)
			n = (size_t)len;
		memcpy(buf, x->head + x->headpos, n);
		x->headpos += n;
		return ((int)n);
	}
	if (x->eof)
		return (0);
	r = raw_read(x, buf, (size_t)len);
	if (r <= 0)
		x->eof = 1;
	return ((int)r);
}

static int
io_close(void *ctx)
{
	(void)ctx;
	return (0);
}

static struct omsi_xin *
xin_start(struct omsi_xin *x, struct oms_err *err)
{
	ssize_t r;

	if ((x->head = malloc(SNIFF_SIZE)) == NULL) {
		oms_err_set(err, OMS_ENOMEM, x->name, 0, "out of memory");
		goto fail;
	}
	while (x->headlen < SNIFF_SIZE && !x->eof) {
		r = raw_read(x, x->head + x->headlen, SNIFF_SIZE - x->headlen);
		if (r < 0) {
			*err = x->xerr;
			goto fail;
		}
		if (r == 0)
			x->eof = 1;
		x->headlen += (size_t)r;
	}
	if (x->headlen == 0) {
		oms_err_set(err, OMS_EDATA, x->name, 0, "empty file");
		goto fail;
	}
	if (omsi_sniff_encoding(x->head, x->headlen, x->eof, x->enc,
	    sizeof(x->enc), x->name, err) == -1)
		goto fail;
	if (strcasecmp(x->enc, "windows-1251") == 0)
		snprintf(x->enc, sizeof(x->enc), "%s", omsi_cp1251_name());
	x->reader = xmlReaderForIO(io_read, io_close, x, x->name, x->enc,
	    OMSI_XML_OPTIONS | XML_PARSE_IGNORE_ENC);
	if (x->reader == NULL) {
		oms_err_set(err, OMS_EDATA, x->name, 0,
		    "cannot read encoding \"%s\"", x->enc);
		goto fail;
	}
	xmlTextReaderSetStructuredErrorHandler(x->reader, on_xml_error, x);
	return (x);
fail:
	omsi_xin_free(x);
	return (NULL);
}

struct omsi_xin *
omsi_xin_file(const char *path, const char *name, struct oms_err *err)
{
	struct omsi_xin *x;

	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->name = strdup(name)) == NULL) {
		free(x);
		oms_err_set(err, OMS_ENOMEM, name, 0, "out of memory");
		return (NULL);
	}
	if ((x->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		oms_err_sys(err, errno, name, "open");
		x->fd = -1;
		omsi_xin_free(x);
		return (NULL);
	}
	return (xin_start(x, err));
}

struct omsi_xin *
omsi_xin_archive(void *ar, const char *name, struct oms_err *err)
{
	struct omsi_xin *x;

	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->name = strdup(name)) == NULL) {
		free(x);
		oms_err_set(err, OMS_ENOMEM, name, 0, "out of memory");
		return (NULL);
	}
	x->fd = -1;
	x->ar = ar;
	x->raw0 = archive_filter_bytes(ar, -1);
	return (xin_start(x, err));
}

void
omsi_xin_free(struct omsi_xin *x)
{
	if (x == NULL)
		return;
	if (x->reader != NULL)
		xmlFreeTextReader(x->reader);
	if (x->fd != -1)
		close(x->fd);
	free(x->head);
	free(x->name);
	free(x);
}

xmlTextReaderPtr
omsi_xin_reader(struct omsi_xin *x)
{
	return (x->reader);
}

static int
xin_fail(struct omsi_xin *x, struct oms_err *err)
{
	if (x->failed || x->ioerr)
		*err = x->xerr;
	else
		oms_err_set(err, OMS_EDATA, x->name,
		    (unsigned long)xmlTextReaderGetParserLineNumber(x->reader),
		    "malformed XML");
	return (-1);
}

int
omsi_xin_next_element(struct omsi_xin *x, struct oms_err *err)
{
	int r, t;

	for (;;) {
		if (x->onnode) {
			x->onnode = 0;
			r = 1;
		} else
			r = xmlTextReaderRead(x->reader);
		if (r == -1 || x->failed || x->ioerr)
			return (xin_fail(x, err));
		if (r == 0)
			return (0);
		t = xmlTextReaderNodeType(x->reader);
		if (t == XML_READER_TYPE_ELEMENT)
			return (1);
		if (t == XML_READER_TYPE_DOCUMENT_TYPE ||
		    t == XML_READER_TYPE_ENTITY_REFERENCE)
			return (oms_err_set(err, OMS_EDATA, x->name,
			    (unsigned long)xmlTextReaderGetParserLineNumber(
			    x->reader), "DTDs and entity references are "
			    "not accepted in registry files"));
	}
}

xmlNodePtr
omsi_xin_expand(struct omsi_xin *x, struct oms_err *err)
{
	xmlNodePtr n;

	n = xmlTextReaderExpand(x->reader);
	if (n == NULL || x->failed || x->ioerr) {
		xin_fail(x, err);
		return (NULL);
	}
	return (n);
}

int
omsi_xin_skip(struct omsi_xin *x, struct oms_err *err)
{
	int r;

	r = xmlTextReaderNext(x->reader);
	if (r == -1 || x->failed || x->ioerr)
		return (xin_fail(x, err));
	x->onnode = r == 1;
	return (r);
}

/* ----------------------------------------------------------- DOM helpers */

xmlNodePtr
omsi_child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	if (n == NULL)
		return (NULL);
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return (c);
	return (NULL);
}

xmlNodePtr
omsi_path(xmlNodePtr n, const char *path)
{
	char seg[64];
	const char *p, *e;
	size_t len;

	for (p = path; n != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "/");
		len = (size_t)(e - p);
		if (len == 0 || len >= sizeof(seg))
			return (NULL);
		memcpy(seg, p, len);
		seg[len] = '\0';
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			n = n->parent;
			continue;
		}
		n = omsi_child(n, seg);
	}
	return (n);
}

const char *
omsi_text(xmlNodePtr n)
{
	xmlNodePtr c;

	if (n == NULL)
		return ("");
	for (c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
			return ((const char *)c->content);
	return ("");
}

const char *
omsi_attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a;

	if (n == NULL)
		return (NULL);
	for (a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		if (a->children == NULL)
			return ("");
		if (a->children->next == NULL &&
		    a->children->type == XML_TEXT_NODE &&
		    a->children->content != NULL)
			return ((const char *)a->children->content);
		return (NULL);
	}
	return (NULL);
}

const char *
omsi_path_text(xmlNodePtr n, const char *path)
{
	n = omsi_path(n, path);
	return (n == NULL ? NULL : omsi_text(n));
}

unsigned long
omsi_line(xmlNodePtr n)
{
	return (n == NULL ? 0 : (unsigned long)xmlGetLineNo(n));
}

int
omsi_personal(const char *name)
{
	static const char *const personal[] = {
		"ADRES", "COMENTP", "DOCDATE", "DOCNUM", "DOCORG", "DOCSER",
		"DR", "DR_P", "ENP", "FAM", "FAM_P", "IM", "IM_P", "MR",
		"NOVOR", "NPOLIS", "OT", "OT_P", "SNILS", "SPOLIS", "TEL",
		/* yar76: attributes of patient, lawful_repr, polis, doc,
		   address (ASCII order: capitals above sort first) */
		"b_place", "b_place_p", "birthdate", "birthdate_p", "docnum",
		"docser", "dom", "kladr", "korpus", "kvart", "name",
		"name_p", "patronymic", "patronymic_p", "polisnum",
		"polisser", "ss", "ss_p", "surname", "surname_p"
	};
	size_t lo = 0, hi = sizeof(personal) / sizeof(personal[0]), mid;
	int c;

	if (name == NULL)
		return (0);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(name, personal[mid])) == 0)
			return (1);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (0);
}
