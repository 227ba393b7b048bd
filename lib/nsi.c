/*
 * nsi.c -- NSI packets of the federal fund (the XML classifier downloads
 * of nsi.ffoms.ru, the ЕРСМО insurers' register, the Ministry of Health's
 * ICD-10 book) converted into the oms reference tables: one streaming
 * reader, the catalogs' layouts as data (nsi_cat.c)
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "oms_int.h"
#include "nsi_int.h"

#define NSI_FIELD_MAX	OMS_TSV_LINE_MAX	/* one field of one record */

struct nsi {
	const char		*name;		/* for messages */
	int			 root;		/* NSI_PACKET, NSI_BOOK */
	const struct nsi_layout	*lay;		/* NULL before the first record */
	struct nsi_layout	 gen;		/* a common catalog's, built */
	struct nsi_col		 gcols[4 + NSI_MAXEXTRA];
	char			 type[16];	/* zglv/type, or "" */
	char			 rec[32];	/* the first record's element */
	struct oms_buf		 field[NSI_MAXCOL];
	size_t			 nrows;
};

static xmlNodePtr	child_ci(xmlNodePtr, const char *);
static xmlNodePtr	path_ci(xmlNodePtr, const char *);
static int	has_elements(xmlNodePtr);
static void	build_cat(struct nsi *, const struct nsi_cat *);
static const struct nsi_layout *detect(struct nsi *, xmlNodePtr);
static int	known_name(const char *);
static int	catalog_like(const char *);
static int	digits(const char *, size_t);
static int	unknown_layout(struct nsi *, xmlNodePtr, struct oms_err *);
static int	squeeze(struct oms_buf *, const char *, int, struct oms_err *);
static int	fix_date(struct oms_buf *, const char *, xmlNodePtr,
		    struct nsi *, struct oms_err *);
static int	get_field(struct nsi *, xmlNodePtr, size_t, struct oms_err *);
static int	put_header(struct nsi *, struct oms_buf *, struct oms_err *);
static int	put_rec(struct nsi *, xmlNodePtr, struct oms_buf *,
		    struct oms_err *);

/* The first child element called name, in any case. */
static xmlNodePtr
child_ci(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcasecmp((const char *)c->name, name) == 0)
			return (c);
	return (NULL);
}

/* The element along "A/B" under n, names in any case, or NULL. */
static xmlNodePtr
path_ci(xmlNodePtr n, const char *path)
{
	char seg[64];
	const char *p, *e;
	size_t len;

	for (p = path; n != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "/");
		if ((len = (size_t)(e - p)) == 0 || len >= sizeof(seg))
			return (NULL);
		memcpy(seg, p, len);
		seg[len] = '\0';
		n = child_ci(n, seg);
	}
	return (n);
}

static int
has_elements(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return (1);
	return (0);
}

/* The layout of a common catalog: code name from to, then its extras. */
static void
build_cat(struct nsi *t, const struct nsi_cat *c)
{
	struct nsi_col *col = t->gcols;
	size_t i, n = 0;

	memset(t->gcols, 0, sizeof(t->gcols));
	col[n].title = "code";
	col[n].el[0] = c->key;
	col[n].kind = NSI_CODE;
	col[n++].req = 1;
	col[n].title = "name";
	for (i = 0; i < NSI_MAXEL; i++)
		col[n].el[i] = c->names[i];
	col[n++].kind = NSI_TEXT;
	col[n].title = "from";
	col[n].el[0] = "DATEBEG";
	col[n].kind = NSI_DATE;
	col[n++].req = 1;
	col[n].title = "to";
	col[n].el[0] = "DATEEND";
	col[n++].kind = NSI_DATE;
	for (i = 0; i < NSI_MAXEXTRA && c->extra[i].title != NULL; i++) {
		col[n].title = c->extra[i].title;
		col[n].el[0] = c->extra[i].el;
		col[n++].kind = NSI_TEXT;
	}
	memset(&t->gen, 0, sizeof(t->gen));
	t->gen.name = c->name;
	t->gen.root = NSI_PACKET;
	t->gen.record = "zap";
	t->gen.key[0] = c->key;
	t->gen.cols = t->gcols;
	t->gen.ncols = n;
}

/*
 * The layout of the first record: a special one whose record element and
 * keys it has, else the first common catalog whose key it has.
 */
static const struct nsi_layout *
detect(struct nsi *t, xmlNodePtr rec)
{
	const struct nsi_layout *l;
	const char *el = (const char *)rec->name;
	size_t i;

	for (i = 0; i < nsi_nlayouts; i++) {
		l = &nsi_layouts[i];
		if (l->root != t->root || strcasecmp(l->record, el) != 0 ||
		    child_ci(rec, l->key[0]) == NULL)
			continue;
		if (l->key[1] == NULL || child_ci(rec, l->key[1]) != NULL ||
		    (l->alt != NULL && child_ci(rec, l->alt) != NULL))
			return (l);
	}
	if (t->root != NSI_PACKET || strcasecmp(el, "zap") != 0)
		return (NULL);
	for (i = 0; i < nsi_ncats; i++)
		if (child_ci(rec, nsi_cats[i].key) != NULL &&
		    (nsi_cats[i].also == NULL ||
		    child_ci(rec, nsi_cats[i].also) != NULL)) {
			build_cat(t, &nsi_cats[i]);
			return (&t->gen);
		}
	return (NULL);
}

/* 1 when name is a catalog oms-nsi knows (Q016 goes with Q015). */
static int
known_name(const char *name)
{
	size_t i;

	if (strcasecmp(name, "Q016") == 0)
		return (1);
	for (i = 0; i < nsi_nlayouts; i++)
		if (strcasecmp(name, nsi_layouts[i].name) == 0)
			return (1);
	for (i = 0; i < nsi_ncats; i++)
		if (strcasecmp(name, nsi_cats[i].name) == 0)
			return (1);
	return (0);
}

/* 1 for a catalog's name: a capital and three digits ("N006") */
static int
catalog_like(const char *s)
{
	return (s[0] >= 'A' && s[0] <= 'Z' && digits(s + 1, 3) &&
	    s[4] == '\0');
}

/* "unknown NSI layout: <zap> has A, B, C; expected ..." */
static int
unknown_layout(struct nsi *t, xmlNodePtr rec, struct oms_err *err)
{
	const char *el = (const char *)rec->name;
	char have[160], expect[160];
	size_t n = 0, k, i;
	int named = 0;
	xmlNodePtr c;

	have[0] = '\0';
	for (c = rec->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		k = strlen((const char *)c->name);
		if (n + k + 2 + sizeof(", ...") > sizeof(have)) {
			memcpy(have + n, ", ...", sizeof(", ..."));
			break;
		}
		n += (size_t)snprintf(have + n, sizeof(have) - n, "%s%s",
		    n > 0 ? ", " : "", (const char *)c->name);
	}
	/* every layout of this record element: "A (M001) or B (M002)" */
	expect[0] = '\0';
	for (i = 0; i < nsi_nlayouts; i++)
		if (nsi_layouts[i].root == t->root &&
		    strcasecmp(nsi_layouts[i].record, el) == 0) {
			k = strlen(expect);
			snprintf(expect + k, sizeof(expect) - k, "%s%s",
			    named ? " or " : "", nsi_layouts[i].desc);
			named = 1;
		}
	if (t->root == NSI_PACKET && strcasecmp(el, "zap") == 0)
		return (oms_err_set(err, OMS_EDATA, t->name, omsi_line(rec),
		    "unknown NSI layout: <%s> has %s; expected the key of a "
		    "known catalog (oms-nsi -l lists them)", el,
		    n > 0 ? have : "no elements"));
	if (named)
		return (oms_err_set(err, OMS_EDATA, t->name, omsi_line(rec),
		    "unknown NSI layout: <%s> has %s; expected %s", el,
		    n > 0 ? have : "no elements", expect));
	return (oms_err_set(err, OMS_EDATA, t->name, omsi_line(rec),
	    "unknown NSI layout: records called <%s>; expected %s", el,
	    t->root == NSI_PACKET ? "<zap> or <insCompany> in a <packet>" :
	    "<entry> in <book>/<entries>"));
}

/*
 * Append s to b, trimmed, with each run of white space made one space;
 * sep (a ", " when not 0) goes before it when b has something already.
 */
static int
squeeze(struct oms_buf *b, const char *s, int sep, struct oms_err *err)
{
	static const char ws[] = " \t\n\r";
	size_t n;

	s += strspn(s, ws);
	if (*s == '\0')
		return (0);
	if (sep && b->len > 0 && oms_buf_adds(b, ", ", err) == -1)
		return (-1);
	while (*s != '\0') {
		n = strcspn(s, ws);
		if (oms_buf_add(b, s, n, err) == -1)
			return (-1);
		s += n;
		s += strspn(s, ws);
		if (*s != '\0' && oms_buf_addc(b, ' ', err) == -1)
			return (-1);
	}
	return (0);
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

/*
 * Rewrite the date in b as YYYY-MM-DD.  Accepted: DD.MM.YYYY and
 * YYYY-MM-DD, each optionally followed by a time ("01.01.2021 0:00:00",
 * "2021-01-01T00:00:00", "2021-01-01+03:00").  Empty stays empty.
 */
static int
fix_date(struct oms_buf *b, const char *el, xmlNodePtr node, struct nsi *t,
    struct oms_err *err)
{
	char d[11];
	const char *s = b->s;
	long days;

	if (b->len == 0)
		return (0);
	if (b->len >= 10 && s[2] == '.' && s[5] == '.' && digits(s, 2) &&
	    digits(s + 3, 2) && digits(s + 6, 4) &&
	    (s[10] == '\0' || s[10] == ' ')) {
		memcpy(d, s + 6, 4);
		d[4] = '-';
		memcpy(d + 5, s + 3, 2);
		d[7] = '-';
		memcpy(d + 8, s, 2);
	} else if (b->len >= 10 && s[4] == '-' && s[7] == '-' &&
	    digits(s, 4) && digits(s + 5, 2) && digits(s + 8, 2) &&
	    (s[10] == '\0' || s[10] == 'T' || s[10] == ' ' || s[10] == '+' ||
	    s[10] == '-' || s[10] == 'Z'))
		memcpy(d, s, 10);
	else
		goto bad;
	d[10] = '\0';
	if (oms_date_parse(d, &days) == -1)
		goto bad;
	oms_buf_reset(b);
	return (oms_buf_add(b, d, 10, err));
bad:
	return (oms_err_set(err, OMS_EDATA, t->name, omsi_line(node),
	    "%s \"%s\" is not a date (DD.MM.YYYY or YYYY-MM-DD)", el, s));
}

/* Fill t->field[i] from the record; a required column must be there. */
static int
get_field(struct nsi *t, xmlNodePtr rec, size_t i, struct oms_err *err)
{
	const struct nsi_col *c = &t->lay->cols[i];
	struct oms_buf *b = &t->field[i];
	xmlNodePtr node = NULL, first = NULL;
	xmlChar *text;
	size_t k, k0;
	int r;

	oms_buf_reset(b);
	if (oms_buf_add(b, "", 0, err) == -1)	/* b->s is a string now */
		goto where;
	for (k = 0; k < NSI_MAXEL && c->el[k] != NULL; k++) {
		if ((node = path_ci(rec, c->el[k])) == NULL)
			continue;
		if (first == NULL)
			first = node;
		if ((text = xmlNodeGetContent(node)) == NULL)
			continue;
		k0 = b->len;
		r = squeeze(b, (const char *)text, c->kind == NSI_JOIN, err);
		xmlFree(text);
		if (r == -1)
			goto where;
		if (c->kind == NSI_CONCAT && !digits(b->s + k0, b->len - k0))
			return (oms_err_set(err, OMS_EDATA, t->name,
			    omsi_line(node), "%s \"%s\" is not a number",
			    (const char *)node->name, b->s + k0));
		if (b->len > 0 && c->kind != NSI_JOIN &&
		    c->kind != NSI_CONCAT)
			break;
	}
	if (b->len > 0 && c->kind != NSI_JOIN && c->kind != NSI_CONCAT)
		first = node;
	if (c->kind == NSI_CONCAT && b->len > 0 && b->len != c->len)
		return (oms_err_set(err, OMS_EDATA, t->name, omsi_line(rec),
		    "%s %s %s %s give \"%s\", not the %zu digits of a %s "
		    "code", c->el[0], c->el[1], c->el[2], c->el[3], b->s,
		    c->len, t->lay->name));
	if (b->len == 0 && c->req) {
		if (c->kind == NSI_CODE || c->kind == NSI_NUM)
			return (oms_err_set(err, OMS_EDATA, t->name,
			    omsi_line(first != NULL ? first : rec),
			    "<%s> without %s (the %s code)",
			    (const char *)rec->name, c->el[0], t->lay->name));
		return (oms_err_set(err, OMS_EDATA, t->name,
		    omsi_line(first != NULL ? first : rec),
		    "<%s> without %s%s%s (column %s of %s)",
		    (const char *)rec->name, c->el[0], c->el[1] != NULL ?
		    " or " : "", c->el[1] != NULL ? c->el[1] : "", c->title,
		    t->lay->name));
	}
	switch (c->kind) {
	case NSI_NUM:
	case NSI_DIGITS:
		if (!digits(b->s, b->len))
			return (oms_err_set(err, OMS_EDATA, t->name,
			    omsi_line(first), "%s \"%s\" is not a number",
			    (const char *)first->name, b->s));
		break;
	case NSI_DATE:
		return (fix_date(b, first != NULL ? (const char *)first->name :
		    c->el[0] != NULL ? c->el[0] : c->title,
		    first != NULL ? first : rec, t, err));
	}
	return (0);
where:
	/* the buffer's message names no place */
	snprintf(err->where, sizeof(err->where), "%s:%lu", t->name,
	    omsi_line(node != NULL ? node : rec));
	return (-1);
}

static int
put_header(struct nsi *t, struct oms_buf *out, struct oms_err *err)
{
	const char *f[NSI_MAXCOL];
	size_t i;

	for (i = 0; i < t->lay->ncols; i++)
		f[i] = t->lay->cols[i].title;
	return (oms_tsv_row(out, f, t->lay->ncols, err));
}

static int
put_rec(struct nsi *t, xmlNodePtr rec, struct oms_buf *out,
    struct oms_err *err)
{
	const char *f[NSI_MAXCOL];
	const char *el = (const char *)rec->name;
	size_t i;

	if (t->lay == NULL) {
		if ((t->lay = detect(t, rec)) == NULL)
			return (unknown_layout(t, rec, err));
		snprintf(t->rec, sizeof(t->rec), "%s", el);
		/* the header's word against the records' */
		if (catalog_like(t->type) && !known_name(t->type))
			return (oms_err_set(err, OMS_EDATA, t->name,
			    omsi_line(rec), "the packet says it is %s "
			    "(zglv/type), a catalog oms-nsi does not know "
			    "(its records look like %s's)", t->type,
			    t->lay->name));
		if (t->type[0] != '\0' && known_name(t->type) &&
		    strcasecmp(t->type, t->lay->name) != 0 &&
		    !(strcmp(t->lay->name, "Q015") == 0 &&
		    strcasecmp(t->type, "Q016") == 0))
			return (oms_err_set(err, OMS_EDATA, t->name,
			    omsi_line(rec), "the packet says it is %s "
			    "(zglv/type) but its records are %s's (%s)",
			    t->type, t->lay->name, t->lay->key[0]));
		if (put_header(t, out, err) == -1)
			goto fail;
	} else if (strcasecmp(el, t->rec) != 0)
		return (oms_err_set(err, OMS_EDATA, t->name, omsi_line(rec),
		    "<%s> among <%s> records: a packet holds one catalog",
		    el, t->rec));
	for (i = 0; i < t->lay->ncols; i++) {
		if (get_field(t, rec, i, err) == -1)
			return (-1);
		f[i] = t->field[i].s;
	}
	if (oms_tsv_row(out, f, t->lay->ncols, err) == -1)
		goto fail;
	t->nrows++;
	return (0);
fail:
	/* the buffer's messages name no place */
	if (err->where[0] == '\0')
		snprintf(err->where, sizeof(err->where), "%s:%lu", t->name,
		    omsi_line(rec));
	return (-1);
}

/* zglv/type ("V009"), kept to be checked against the records */
static void
read_zglv(struct nsi *t, xmlNodePtr zglv)
{
	xmlNodePtr n;
	xmlChar *s;

	if ((n = child_ci(zglv, "type")) == NULL ||
	    (s = xmlNodeGetContent(n)) == NULL)
		return;
	if (strlen((const char *)s) < sizeof(t->type))
		snprintf(t->type, sizeof(t->type), "%s", (const char *)s);
	xmlFree(s);
}

/*
 * One element of the packet: a header (zglv, or a leaf such as ЕРСМО's
 * VERSION and DATE) is passed over, anything else is a record; in a book
 * the records are entries/entry and the rest is passed over.  1 to go
 * into the element (a book's entries), 0 to skip it, -1 error.
 */
static int
element(struct nsi *t, struct omsi_xin *x, struct oms_buf *out,
    struct oms_err *err)
{
	xmlTextReaderPtr rd = omsi_xin_reader(x);
	const char *el = (const char *)xmlTextReaderConstLocalName(rd);
	int depth = xmlTextReaderDepth(rd);
	xmlNodePtr n;

	if (t->root == NSI_BOOK) {
		if (depth == 1)
			return (strcasecmp(el, "entries") == 0);
		if (depth != 2)
			return (0);
	} else if (depth != 1)
		return (0);
	if ((n = omsi_xin_expand(x, err)) == NULL)
		return (-1);
	if (t->root == NSI_PACKET && strcasecmp(el, "zglv") == 0) {
		read_zglv(t, n);
		return (0);
	}
	if (t->root == NSI_PACKET && t->lay == NULL && !has_elements(n) &&
	    strcasecmp(el, "zap") != 0 && strcasecmp(el, "insCompany") != 0)
		return (0);
	return (put_rec(t, n, out, err) == -1 ? -1 : 0);
}

int
oms_nsi_convert(const char *path, const char *name, struct oms_buf *out,
    struct oms_nsi_info *info, struct oms_err *err)
{
	struct omsi_xin *x;
	struct nsi t;
	xmlTextReaderPtr rd;
	const char *el;
	size_t i, len0 = out->len;
	int r, rval = -1;

	memset(&t, 0, sizeof(t));
	t.name = name;
	for (i = 0; i < NSI_MAXCOL; i++)
		oms_buf_init(&t.field[i], NSI_FIELD_MAX);
	if ((x = omsi_xin_file(path, name, err)) == NULL)
		goto out;
	rd = omsi_xin_reader(x);
	if ((r = omsi_xin_next_element(x, err)) != 1) {
		if (r == 0)
			oms_err_set(err, OMS_EDATA, name, 0, "no root element");
		goto out;
	}
	el = (const char *)xmlTextReaderConstLocalName(rd);
	if (el != NULL && strcasecmp(el, "packet") == 0)
		t.root = NSI_PACKET;
	else if (el != NULL && strcasecmp(el, "book") == 0)
		t.root = NSI_BOOK;
	else {
		oms_err_set(err, OMS_EDATA, name,
		    omsi_line(xmlTextReaderCurrentNode(rd)), "root element "
		    "<%s> is not <packet> (or <book>): not an NSI packet",
		    el != NULL ? el : "?");
		goto out;
	}
	while ((r = omsi_xin_next_element(x, err)) == 1) {
		if ((r = element(&t, x, out, err)) == -1)
			goto out;
		if (r == 1)
			continue;		/* into a book's entries */
		if ((r = omsi_xin_skip(x, err)) == -1)
			goto out;
		if (r == 0)
			break;
	}
	if (r == -1)
		goto out;
	if (t.lay == NULL) {
		oms_err_set(err, OMS_EDATA, name, 0, "no records in the "
		    "packet; expected %s", t.root == NSI_PACKET ?
		    "<zap> or <insCompany> records in <packet>" :
		    "<entry> records in <book>/<entries>");
		goto out;
	}
	if (info != NULL) {
		info->nrows = t.nrows;
		info->catalog = t.lay->name;
		if (strcmp(t.lay->name, "Q015") == 0 &&
		    strcasecmp(t.type, "Q016") == 0)
			info->catalog = "Q016";
	}
	rval = 0;
out:
	if (rval == -1) {
		out->len = len0;
		if (out->s != NULL)
			out->s[len0] = '\0';
	}
	omsi_xin_free(x);
	for (i = 0; i < NSI_MAXCOL; i++)
		oms_buf_release(&t.field[i]);
	return (rval);
}

/* One line of -l: catalog, record element, key, columns. */
static int
list_one(struct oms_buf *out, const struct nsi_layout *l, const char *root,
    struct oms_err *err)
{
	struct oms_buf cols;
	const char *f[4];
	size_t i;
	int r = -1;

	oms_buf_init(&cols, 0);
	if (oms_buf_add(&cols, "", 0, err) == -1)
		goto out;
	for (i = 0; i < l->ncols; i++)
		if (oms_buf_printf(&cols, err, "%s%s", i > 0 ? " " : "",
		    l->cols[i].title) == -1)
			goto out;
	f[0] = l->name;
	f[1] = root;
	f[2] = l->key[0];
	f[3] = cols.s;
	r = oms_tsv_row(out, f, 4, err);
out:
	oms_buf_release(&cols);
	return (r);
}

int
oms_nsi_list(struct oms_buf *out, struct oms_err *err)
{
	static const char *const head[] = {
		"catalog", "records", "key", "columns"
	};
	const struct nsi_layout *l;
	struct nsi t;
	size_t i;

	memset(&t, 0, sizeof(t));
	if (oms_tsv_row(out, head, 4, err) == -1)
		return (-1);
	for (i = 0; i < nsi_nlayouts; i++) {
		l = &nsi_layouts[i];
		if (list_one(out, l, l->root == NSI_BOOK ? "book/entries/entry" :
		    strcmp(l->record, "zap") == 0 ? "packet/zap" :
		    "packet/insCompany", err) == -1)
			return (-1);
	}
	for (i = 0; i < nsi_ncats; i++) {
		build_cat(&t, &nsi_cats[i]);
		if (list_one(out, &t.gen, "packet/zap", err) == -1)
			return (-1);
	}
	return (0);
}
