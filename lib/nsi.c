/*
 * nsi.c -- NSI packets of the federal fund (the XML classifier downloads
 * of nsi.ffoms.ru) converted into the oms reference tables
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "oms_int.h"

#define NSI_FIELD_MAX	OMS_TSV_LINE_MAX	/* one field of one record */
#define NSI_MAXCOL	5

enum { COL_TEXT, COL_NUM, COL_ID, COL_DATE };

struct nsi_col {
	const char	*title;			/* TSV header */
	const char	*el[3];			/* elements, first non-empty wins */
	int		 kind;
};

struct nsi_layout {
	const char		*name;
	const struct nsi_col	*cols;
	size_t			 ncols;
};

static const struct nsi_col f014_cols[] = {
	{ "code", { "Kod", NULL },		COL_NUM },
	{ "osn",  { "Osn", NULL },		COL_TEXT },
	{ "name", { "Naim", "Komment", NULL },	COL_TEXT },
	{ "from", { "DATEBEG", NULL },		COL_DATE },
	{ "to",   { "DATEEND", NULL },		COL_DATE },
};

static const struct nsi_col q015_cols[] = {
	{ "code", { "ID_TEST", NULL },		COL_ID },
	{ "name", { "DESC_TEST", "COMMENT", NULL }, COL_TEXT },
};

static const struct nsi_layout layouts[] = {
	{ "F014", f014_cols, sizeof(f014_cols) / sizeof(f014_cols[0]) },
	{ "Q015", q015_cols, sizeof(q015_cols) / sizeof(q015_cols[0]) },
};

#define EXPECTED	"Kod with Osn or Naim (F014), or ID_TEST (Q015, Q016)"

struct nsi {
	const char		*name;		/* for messages */
	const struct nsi_layout	*lay;		/* NULL until the first zap */
	struct oms_buf		 field[NSI_MAXCOL];
	size_t			 nrows;
};

static xmlNodePtr	child_ci(xmlNodePtr, const char *);
static const struct nsi_layout *detect(xmlNodePtr);
static int	unknown_layout(struct nsi *, xmlNodePtr, struct oms_err *);
static int	squeeze(struct oms_buf *, const char *, struct oms_err *);
static int	fix_date(struct oms_buf *, const char *, xmlNodePtr,
		    struct nsi *, struct oms_err *);
static int	get_field(struct nsi *, xmlNodePtr, size_t, struct oms_err *);
static int	put_header(struct nsi *, struct oms_buf *, struct oms_err *);
static int	put_zap(struct nsi *, xmlNodePtr, struct oms_buf *,
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

static const struct nsi_layout *
detect(xmlNodePtr zap)
{
	if (child_ci(zap, "ID_TEST") != NULL)
		return (&layouts[1]);
	if (child_ci(zap, "Kod") != NULL && (child_ci(zap, "Osn") != NULL ||
	    child_ci(zap, "Naim") != NULL))
		return (&layouts[0]);
	return (NULL);
}

/* "unknown NSI layout: <zap> has A, B, C; expected ..." */
static int
unknown_layout(struct nsi *t, xmlNodePtr zap, struct oms_err *err)
{
	char have[160];
	size_t n = 0, k;
	xmlNodePtr c;

	have[0] = '\0';
	for (c = zap->children; c != NULL; c = c->next) {
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
	return (oms_err_set(err, OMS_EDATA, t->name, omsi_line(zap),
	    "unknown NSI layout: <zap> has %s; expected " EXPECTED,
	    n > 0 ? have : "no elements"));
}

/* Copy s into b, trimmed, with each run of white space made one space. */
static int
squeeze(struct oms_buf *b, const char *s, struct oms_err *err)
{
	static const char ws[] = " \t\n\r";
	size_t n;

	oms_buf_reset(b);
	if (oms_buf_add(b, "", 0, err) == -1)	/* b->s is a string now */
		return (-1);
	s += strspn(s, ws);
	while (*s != '\0') {
		n = strcspn(s, ws);
		if (b->len > 0 && oms_buf_addc(b, ' ', err) == -1)
			return (-1);
		if (oms_buf_add(b, s, n, err) == -1)
			return (-1);
		s += n;
		s += strspn(s, ws);
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

/* Fill t->field[i] from the zap; the key columns must be there. */
static int
get_field(struct nsi *t, xmlNodePtr zap, size_t i, struct oms_err *err)
{
	const struct nsi_col *c = &t->lay->cols[i];
	struct oms_buf *b = &t->field[i];
	xmlNodePtr node = NULL;
	xmlChar *text;
	size_t k;
	int r;

	oms_buf_reset(b);
	if (oms_buf_add(b, "", 0, err) == -1)
		return (-1);
	for (k = 0; k < 3 && c->el[k] != NULL; k++) {
		if ((node = child_ci(zap, c->el[k])) == NULL)
			continue;
		if ((text = xmlNodeGetContent(node)) == NULL)
			continue;
		r = squeeze(b, (const char *)text, err);
		xmlFree(text);
		if (r == -1) {
			/* the buffer's message names no place */
			snprintf(err->where, sizeof(err->where), "%s:%lu",
			    t->name, omsi_line(node));
			return (-1);
		}
		if (b->len > 0)
			break;
	}
	switch (c->kind) {
	case COL_NUM:
	case COL_ID:
		if (b->len == 0)
			return (oms_err_set(err, OMS_EDATA, t->name,
			    omsi_line(node != NULL ? node : zap),
			    "<zap> without %s (the %s code)", c->el[0],
			    t->lay->name));
		if (c->kind == COL_NUM && !digits(b->s, b->len))
			return (oms_err_set(err, OMS_EDATA, t->name,
			    omsi_line(node), "%s \"%s\" is not a number",
			    (const char *)node->name, b->s));
		break;
	case COL_DATE:
		return (fix_date(b, node != NULL ? (const char *)node->name :
		    c->el[0], node != NULL ? node : zap, t, err));
	}
	return (0);
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
put_zap(struct nsi *t, xmlNodePtr zap, struct oms_buf *out,
    struct oms_err *err)
{
	const char *f[NSI_MAXCOL];
	size_t i;

	if (t->lay == NULL) {
		if ((t->lay = detect(zap)) == NULL)
			return (unknown_layout(t, zap, err));
		if (put_header(t, out, err) == -1)
			goto fail;
	}
	for (i = 0; i < t->lay->ncols; i++) {
		if (get_field(t, zap, i, err) == -1)
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
		    omsi_line(zap));
	return (-1);
}

int
oms_nsi_convert(const char *path, const char *name, struct oms_buf *out,
    size_t *nrows, struct oms_err *err)
{
	struct omsi_xin *x;
	struct nsi t;
	xmlTextReaderPtr rd;
	xmlNodePtr zap;
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
	if (el == NULL || strcasecmp(el, "packet") != 0) {
		oms_err_set(err, OMS_EDATA, name,
		    (unsigned long)xmlTextReaderGetParserLineNumber(rd),
		    "root element <%s> is not <packet>: not an NSI packet",
		    el != NULL ? el : "?");
		goto out;
	}
	while ((r = omsi_xin_next_element(x, err)) == 1) {
		el = (const char *)xmlTextReaderConstLocalName(rd);
		if (el != NULL && strcasecmp(el, "zap") == 0 &&
		    xmlTextReaderDepth(rd) == 1) {
			if ((zap = omsi_xin_expand(x, err)) == NULL)
				goto out;
			if (put_zap(&t, zap, out, err) == -1)
				goto out;
		}
		/* zglv and anything else of the packet are passed over */
		if ((r = omsi_xin_skip(x, err)) == -1)
			goto out;
		if (r == 0)
			break;
	}
	if (r == -1)
		goto out;
	if (t.lay == NULL) {
		oms_err_set(err, OMS_EDATA, name, 0,
		    "no <zap> records in the packet; expected packet/zap "
		    "with " EXPECTED);
		goto out;
	}
	if (nrows != NULL)
		*nrows = t.nrows;
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
