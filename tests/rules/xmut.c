/*
 * xmut -- build the source documents of the rule fixtures (test-only)
 *
 *	xmut -b BASEDIR -o OUTDIR [-m MAP] KIND CASE...
 *
 * Reads BASEDIR/base-KIND.xml (base-H.xml for KIND L), a ZL_LIST of one
 * account, and BASEDIR/base-L.xml, a PERS_LIST of its person, and writes
 * to OUTDIR one ZL_LIST and its PERS_LIST: first the base account as it is
 * (account "base"), then one account per CASE file, the base record with
 * the case's edits applied to its ZAP (or, for KIND L, to its PERS).  Each
 * account gets its own ids before the edits: N_ZAP and IDCASE its number,
 * PACIENT/ID_PAC and PERS/ID_PAC "P" and six digits, every SL/SL_ID a
 * GUID-shaped id of its number.  MAP (default stdout) gets one line
 * "ACCOUNT<TAB>CASE" per account, the account being the first SL_ID after
 * the edits.  The grammar of a case file is tests/rules/README's.
 *
 * Exit 0, or 1 with "file:line: message" when a case cannot be applied: a
 * fixture that does not apply is a broken fixture.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static const char *curfile;
static unsigned long curline;

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xmut: ");
	if (curfile != NULL)
		fprintf(stderr, "%s:%lu: ", curfile, curline);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return (c);
	return (NULL);
}

struct nodes {
	xmlNodePtr	 v[256];
	size_t		 n;
};

/*
 * Every element reached from n along path: steps joined by "/", each a
 * name with an optional 1-based index, "USL[2]".
 */
static void
collect(xmlNodePtr n, const char *path, struct nodes *out)
{
	const char *e, *br;
	char name[64];
	size_t len;
	long idx = 0, k = 0;
	xmlNodePtr c;

	while (*path == '/')
		path++;
	if (*path == '\0') {
		if (out->n == sizeof(out->v) / sizeof(out->v[0]))
			die("path finds too many elements");
		out->v[out->n++] = n;
		return;
	}
	e = path + strcspn(path, "/");
	len = (size_t)(e - path);
	if ((br = memchr(path, '[', len)) != NULL) {
		idx = strtol(br + 1, NULL, 10);
		if (idx < 1)
			die("bad index in \"%.*s\"", (int)len, path);
		len = (size_t)(br - path);
	}
	if (len == 0 || len >= sizeof(name))
		die("bad path step \"%s\"", path);
	memcpy(name, path, len);
	name[len] = '\0';
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0 &&
		    (idx == 0 || ++k == idx))
			collect(c, e, out);
}

static void
set_text(xmlNodePtr n, const char *v)
{
	xmlNodeSetContent(n, NULL);
	xmlNodeAddContent(n, (const xmlChar *)v);
}

/* The new element NAME with text v, or with v's markup when it is "<..." */
static xmlNodePtr
make(xmlDocPtr doc, const char *name, const char *v)
{
	xmlNodePtr n = xmlNewDocNode(doc, NULL, (const xmlChar *)name, NULL);
	xmlNodePtr list = NULL, c, next;

	if (*v != '<') {
		set_text(n, v);
		return (n);
	}
	if (xmlParseBalancedChunkMemory(doc, NULL, NULL, 0,
	    (const xmlChar *)v, &list) != 0)
		die("the content \"%s\" is not well-formed XML", v);
	for (c = list; c != NULL; c = next) {
		next = c->next;
		xmlUnlinkNode(c);
		xmlAddChild(n, c);
	}
	return (n);
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		e[-1] = '\0';
	return (s);
}

/*
 * One edit line ("set ...", "add ...", "del ...") on the record rec; a
 * path "PERS/..." of a case edits its person pers instead.
 */
static void
edit(xmlNodePtr rec, xmlNodePtr pers, char *line)
{
	struct nodes ns;
	char *verb, *path, *val, *after, *last, *slash;
	xmlNodePtr c, at;
	size_t i;

	verb = line;
	path = verb + strcspn(verb, " \t");
	if (*path == '\0')
		die("\"%s\": expected a path", verb);
	*path++ = '\0';
	path = trim(path);
	val = path + strcspn(path, " \t");
	if (*val != '\0')
		*val++ = '\0';
	val = trim(val);
	if (pers != NULL && strncmp(path, "PERS/", 5) == 0) {
		rec = pers;
		path += 5;
	}
	ns.n = 0;
	if (strcmp(verb, "set") == 0) {
		collect(rec, path, &ns);
		if (ns.n == 0)
			die("set: \"%s\" finds no element", path);
		for (i = 0; i < ns.n; i++)
			set_text(ns.v[i], val);
	} else if (strcmp(verb, "del") == 0) {
		if (*val != '\0')
			die("del takes a path only");
		collect(rec, path, &ns);
		if (ns.n == 0)
			die("del: \"%s\" finds no element", path);
		for (i = 0; i < ns.n; i++) {
			xmlUnlinkNode(ns.v[i]);
			xmlFreeNode(ns.v[i]);
		}
	} else if (strcmp(verb, "add") == 0) {
		/* "VALUE after NAME": the last two words */
		after = NULL;
		for (last = val + strlen(val); last > val; last--)
			if (last[-1] == ' ' && strncmp(last, "after ", 6) == 0
			    && strchr(last + 6, ' ') == NULL) {
				after = last + 6;
				last[-1] = '\0';
				break;
			}
		if (after == NULL && strncmp(val, "after ", 6) == 0 &&
		    strchr(val + 6, ' ') == NULL) {
			after = val + 6;
			*val = '\0';
		}
		if (after == NULL)
			die("add: expected \"add PATH VALUE after NAME\"");
		val = trim(val);
		if ((slash = strrchr(path, '/')) != NULL) {
			*slash = '\0';
			collect(rec, path, &ns);
			last = slash + 1;
		} else {
			ns.v[ns.n++] = rec;
			last = path;
		}
		if (ns.n == 0)
			die("add: the parent \"%s\" finds no element", path);
		for (i = 0; i < ns.n; i++) {
			at = NULL;
			if (strcmp(after, "-") != 0) {
				for (c = ns.v[i]->children; c != NULL;
				    c = c->next)
					if (c->type == XML_ELEMENT_NODE &&
					    strcmp((const char *)c->name,
					    after) == 0)
						at = c;
				if (at == NULL)
					die("add: no %s under %s to put %s "
					    "after", after, path, last);
			}
			c = make(rec->doc, last, val);
			if (at != NULL)
				xmlAddNextSibling(at, c);
			else if (ns.v[i]->children != NULL)
				xmlAddPrevSibling(ns.v[i]->children, c);
			else
				xmlAddChild(ns.v[i], c);
		}
	} else
		die("unknown edit \"%s\" (set, add, del)", verb);
}

/* the case file's edits on rec; the other lines are the harness's */
static void
apply(const char *file, xmlNodePtr rec, xmlNodePtr pers)
{
	FILE *fp;
	char *buf = NULL, *p;
	size_t cap = 0;
	ssize_t len;

	if ((fp = fopen(file, "r")) == NULL)
		die("%s: %s", file, strerror(errno));
	curfile = file;
	curline = 0;
	while ((len = getline(&buf, &cap, fp)) != -1) {
		curline++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		p = trim(buf);
		if (*p == '\0' || *p == '#')
			continue;
		if (strncmp(p, "set ", 4) == 0 || strncmp(p, "add ", 4) == 0 ||
		    strncmp(p, "del ", 4) == 0)
			edit(rec, pers, p);
		else if (strncmp(p, "kind ", 5) != 0 &&
		    strncmp(p, "period ", 7) != 0 &&
		    strncmp(p, "conf ", 5) != 0 &&
		    strncmp(p, "ref ", 4) != 0 &&
		    strncmp(p, "expect ", 7) != 0 &&
		    strncmp(p, "also ", 5) != 0)
			die("unknown line \"%s\"", p);
	}
	free(buf);
	fclose(fp);
	curfile = NULL;
}

static void
set_path(xmlNodePtr rec, const char *path, const char *v)
{
	struct nodes ns = { .n = 0 };
	size_t i;

	collect(rec, path, &ns);
	for (i = 0; i < ns.n; i++)
		set_text(ns.v[i], v);
}

/* fresh ids for account number i */
static void
number(xmlNodePtr zap, xmlNodePtr pers, int i)
{
	struct nodes ns = { .n = 0 };
	char v[64];
	size_t j;

	snprintf(v, sizeof(v), "%d", i + 1);
	set_path(zap, "N_ZAP", v);
	set_path(zap, "Z_SL/IDCASE", v);
	snprintf(v, sizeof(v), "P%06d", i);
	set_path(zap, "PACIENT/ID_PAC", v);
	set_path(pers, "ID_PAC", v);
	collect(zap, "Z_SL/SL/SL_ID", &ns);
	for (j = 0; j < ns.n; j++) {
		snprintf(v, sizeof(v), "0a0b0c0d-%04zu-4000-8000-%012d",
		    j + 1, i);
		set_text(ns.v[j], v);
	}
}

static xmlDocPtr
load(const char *dir, const char *name)
{
	char path[4096];
	xmlDocPtr d;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((d = xmlReadFile(path, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOBLANKS)) == NULL)
		die("%s: cannot read it as XML", path);
	return (d);
}

static void
usage(void)
{
	fprintf(stderr, "usage: xmut -b basedir -o outdir [-m map] kind "
	    "case ...\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *base = NULL, *out = NULL, *map = NULL, *kind;
	char name[128], path[4096];
	xmlDocPtr zd, ld;
	xmlNodePtr zroot, lroot, zap0, pers0, zap, pers, n, fn;
	FILE *mf = stdout;
	int ch, i, pkind;

	while ((ch = getopt(argc, argv, "b:m:o:")) != -1)
		switch (ch) {
		case 'b':
			base = optarg;
			break;
		case 'm':
			map = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (base == NULL || out == NULL || argc < 1)
		usage();
	kind = argv[0];
	pkind = strcmp(kind, "L") == 0;
	snprintf(name, sizeof(name), "base-%s.xml", pkind ? "H" : kind);
	zd = load(base, name);
	ld = load(base, "base-L.xml");
	zroot = xmlDocGetRootElement(zd);
	lroot = xmlDocGetRootElement(ld);
	if ((zap0 = child(zroot, "ZAP")) == NULL)
		die("%s: no ZAP", name);
	if ((pers0 = child(lroot, "PERS")) == NULL)
		die("base-L.xml: no PERS");
	xmlUnlinkNode(zap0);
	xmlUnlinkNode(pers0);
	if ((fn = child(child(zroot, "ZGLV"), "FILENAME")) == NULL)
		die("%s: no ZGLV/FILENAME", name);
	/* the persons file pairs with the cases by FILENAME1 */
	set_path(lroot, "ZGLV/FILENAME1", (const char *)fn->children->content);
	snprintf(path, sizeof(path), "L%s", (const char *)fn->children->content);
	set_path(lroot, "ZGLV/FILENAME", path);
	if (map != NULL && (mf = fopen(map, "w")) == NULL)
		die("%s: %s", map, strerror(errno));
	for (i = 0; i < argc; i++) {
		zap = xmlDocCopyNode(zap0, zd, 1);
		pers = xmlDocCopyNode(pers0, ld, 1);
		xmlAddChild(zroot, zap);
		xmlAddChild(lroot, pers);
		number(zap, pers, i);
		if (i > 0)
			apply(argv[i], pkind ? pers : zap, pkind ? NULL : pers);
		n = child(child(child(zap, "Z_SL"), "SL"), "SL_ID");
		fprintf(mf, "%s\t%s\n", n != NULL && n->children != NULL ?
		    (const char *)n->children->content : "-",
		    i > 0 ? argv[i] : "base");
	}
	snprintf(name, sizeof(name), "%d", argc);
	set_path(zroot, "ZGLV/SD_Z", name);
	snprintf(path, sizeof(path), "%s/%s.xml", out,
	    (const char *)fn->children->content);
	if (xmlSaveFormatFileEnc(path, zd, "UTF-8", 1) == -1)
		die("%s: cannot write it", path);
	snprintf(path, sizeof(path), "%s/L%s.xml", out,
	    (const char *)fn->children->content);
	if (xmlSaveFormatFileEnc(path, ld, "UTF-8", 1) == -1)
		die("%s: cannot write it", path);
	if (mf != stdout && fclose(mf) == EOF)
		die("%s: %s", map, strerror(errno));
	xmlFreeNode(zap0);
	xmlFreeNode(pers0);
	xmlFreeDoc(zd);
	xmlFreeDoc(ld);
	return (0);
}
