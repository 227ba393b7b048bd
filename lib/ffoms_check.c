/*
 * ffoms_check.c -- what the federal writer does to each record it copies
 *
 * A case (ZAP) or a person (PERS) copied from source/ gets the fixes in
 * force for its account (oms-requeue --set), is checked against the
 * schema of its kind and version (compiled once per export, x->w) and the
 * rule table, and is written into the registry's body: as one piece of
 * windows-1251 made here, or, when it cannot be, by the text writer.  Both
 * the cases (ffoms_export.c) and the persons (ffoms_persons.c) go through
 * here, and a case and its person meet by what is made here
 * (omsi_ffoms_link, omsi_ffoms_sel_pac).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "export_int.h"
#include "xsdfast_int.h"

/*
 * a schema by its key, "H-5.1", "D-3.1-2019-01"; s NULL when none; fast
 * its model for the acceptor (xsdfast.c), NULL when it has none
 */
struct schema {
	char			*key;
	xmlSchemaPtr		 s;
	xmlSchemaValidCtxtPtr	 v;
	struct omsi_xsdfast	*fast;
};

/*
 * Element names as put_el writes them, by the address of the name in
 * its document's dictionary (a reference held: while it is, an address
 * is that name's and no other's): a name of up to PN_MAX bytes of plain
 * ASCII is kept here, padded, and copied in one piece of PN_MAX, where
 * the name went byte by byte through the table of put_str, twice (some
 * 80 instructions an element, 1.77 million elements at 20,000 accounts).
 */
#define PN_SLOTS	512		/* a power of two */
#define PN_MAX		16		/* bytes of a name kept, copied */

struct pnames {
	xmlDictPtr	 dict;
	const xmlChar	*key[PN_SLOTS];
	unsigned char	 len[PN_SLOTS];		/* 0: put_str writes it */
	char		 text[PN_SLOTS][PN_MAX];
	size_t		 n;
};

/* the schemas of one export (x->w), and the text of the record written */
struct schemas {
	struct schema		*v;
	size_t			 n;
	struct oms_buf		 out;
	int			 nofast;	/* OMS_XSDFAST=0 */
	struct pnames		 pn;
};

/* x->w, made on first use; NULL on no memory */
static struct schemas *
state(struct exp *x)
{
	struct schemas *ss;

	if (x->w == NULL) {
		if ((ss = calloc(1, sizeof(*ss))) == NULL)
			return (NULL);
		oms_buf_init(&ss->out, SIZE_MAX);
		/* OMS_XSDFAST=0, oms-export(1) ENVIRONMENT */
		ss->nofast = x->ws->plain_xsd;
		x->w = ss;
	}
	return (x->w);
}

static void
on_rule(void *arg, const char *id, int warning, unsigned long line,
    const char *msg)
{
	struct exp *x = arg;

	omsi_exp_problem(x, x->cur_doc, line, warning, "account %s: %s: %s",
	    x->cur_account, id, msg);
	if (!warning)
		x->cur_bad = 1;
}

/*
 * A person rule failed for one case of the person being checked: that
 * account, not every account of the person, is bad.
 */
static void
on_case_rule(void *arg, const char *where, const char *account,
    const char *id, int warning, unsigned long line, const char *msg)
{
	struct exp *x = arg;
	struct sel *s;

	omsi_exp_problem(x, where, line, warning, "account %s: %s: %s",
	    account, id, msg);
	if (!warning && (s = omsi_exp_sel(x, account)) != NULL)
		s->bad = 1;
}

/*
 * libxml2 quotes the value it refuses ("The value '12345' is not ...");
 * of a personal element it must not reach a message.
 */
static void
hide_value(char *msg, size_t len, void *node)
{
	xmlNodePtr n = node;
	char q[512], *p;
	const char *v;
	size_t ql;

	if (n == NULL || n->type != XML_ELEMENT_NODE ||
	    !omsi_personal((const char *)n->name))
		return;
	v = omsi_text(n);
	if (snprintf(q, sizeof(q), "'%s'", v) >= (int)sizeof(q) || *v == '\0')
		return;
	ql = strlen(q);
	for (p = msg; (p = strstr(p, q)) != NULL; ) {
		const char *h = "'(hidden)'";
		size_t hl = strlen(h), rest = strlen(p + ql);

		if ((size_t)(p - msg) + hl + rest + 1 > len)
			break;
		memmove(p + hl, p + ql, rest + 1);
		memcpy(p, h, hl);
		p += hl;
	}
}

static void
on_schema_error(void *arg, omsi_xml_error e)
{
	struct exp *x = arg;
	char msg[512];
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "invalid");
	hide_value(msg, sizeof(msg), e->node);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	omsi_exp_problem(x, x->cur_doc, e->line > 0 ? (unsigned long)e->line :
	    0, 0, "account %s: xsd: %s", x->cur_account, msg);
	x->cur_bad = 1;
}

/* The schema for "H-5.1" etc., compiled once; NULL on an error. */
static struct schema *
get_schema(struct exp *x, const char *key, struct oms_err *err)
{
	struct schemas *ss;
	struct schema *s;
	char file[64], *path;
	size_t i;

	if ((ss = state(x)) == NULL)
		goto nomem;
	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->v[i].key, key) == 0)
			return (&ss->v[i]);
	if ((s = reallocarray(ss->v, ss->n + 1, sizeof(*s))) == NULL)
		goto nomem;
	ss->v = s;
	s = &ss->v[ss->n];
	memset(s, 0, sizeof(*s));
	if ((s->key = strdup(key)) == NULL)
		goto nomem;
	ss->n++;
	snprintf(file, sizeof(file), "%s.xsd", key);
	if ((path = oms_ws_find(x->ws, "xsd", file, x->o->xsddir)) == NULL)
		goto nomem;
	if (access(path, R_OK) == -1) {
		omsi_exp_problem(x, path, 0, 1, "no schema for %s; its "
		    "records are checked by the rule table only", key);
		free(path);
		return (s);
	}
	/* no network, nothing outside its directory, no raw stderr */
	if ((s->s = omsi_schema_compile(path, err)) == NULL) {
		free(path);
		return (NULL);
	}
	/* NULL when the model cannot have it: libxml2 checks every record */
	if (!ss->nofast)
		s->fast = omsi_xsdfast_open(path, NULL, NULL);
	free(path);
	if ((s->v = xmlSchemaNewValidCtxt(s->s)) == NULL)
		goto nomem;
	xmlSchemaSetValidStructuredErrors(s->v, on_schema_error, x);
	return (s);
nomem:
	oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory");
	return (NULL);
}

void
omsi_ffoms_schemas_free(struct exp *x)
{
	struct schemas *ss = x->w;
	size_t i;

	if (ss == NULL)
		return;
	for (i = 0; i < ss->n; i++) {
		if (ss->v[i].v != NULL)
			xmlSchemaFreeValidCtxt(ss->v[i].v);
		if (ss->v[i].s != NULL)
			xmlSchemaFree(ss->v[i].s);
		omsi_xsdfast_free(ss->v[i].fast);
		free(ss->v[i].key);
	}
	free(ss->v);
	oms_buf_release(&ss->out);
	if (ss->pn.dict != NULL)
		xmlDictFree(ss->pn.dict);	/* our reference */
	free(ss);
	x->w = NULL;
}

/* Has the account a fix of its person (a PERS/ path) in force? */
int
omsi_ffoms_has_pers_fix(const struct exp *x, const char *account)
{
	const struct oms_acct *a;
	const struct oms_fix *f;
	size_t i, nfix;

	if (x->ledger == NULL || (a = oms_ledger_acct(x->ledger,
	    account)) == NULL || a->nfixes == 0)
		return (0);
	nfix = oms_ledger_nfix(x->ledger);
	for (i = 0; i < nfix; i++) {
		f = oms_ledger_fix(x->ledger, i);
		if (strcmp(f->account, account) == 0 &&
		    strncmp(f->path, "PERS/", 5) == 0)
			return (1);
	}
	return (0);
}

/*
 * The fixes in force for the account (oms-requeue --set) into its record:
 * scope ZAP takes the paths into the case, PERS those after "PERS/".  A
 * path the record lacks makes the account bad.
 */
int
omsi_ffoms_fixes(struct exp *x, const struct sel *s, int scope,
    xmlNodePtr rec, struct oms_err *err)
{
	const struct oms_acct *a;
	const struct oms_fix *f;
	const char *path;
	xmlNodePtr n;
	size_t i, nfix;

	if (x->ledger == NULL || (a = oms_ledger_acct(x->ledger,
	    s->c->account)) == NULL || a->nfixes == 0)
		return (0);
	nfix = oms_ledger_nfix(x->ledger);
	for (i = 0; i < nfix; i++) {
		f = oms_ledger_fix(x->ledger, i);
		if (strcmp(f->account, s->c->account) != 0)
			continue;
		path = f->path;
		if ((strncmp(path, "PERS/", 5) == 0) != (scope ==
		    OMSI_SCOPE_PERS))
			continue;
		if (scope == OMSI_SCOPE_PERS)
			path += 5;
		if ((n = omsi_path(rec, path)) == NULL) {
			omsi_exp_problem(x, x->cur_doc, omsi_line(rec), 0,
			    "account %s: the fix of %s cannot be made: the "
			    "record has no such element (oms-requeue "
			    "--withdraw %s)", s->c->account, f->path, f->path);
			x->cur_bad = 1;
			continue;
		}
		omsi_exp_problem(x, x->cur_doc, omsi_line(rec), 1, "account "
		    "%s: %s set to \"%s\" by the fix of %s (oms-requeue "
		    "--fixes)", s->c->account, f->path,
		    omsi_personal((const char *)n->name) ? "(hidden)" :
		    f->value, f->time);
		/* text, never markup: no entity is expanded */
		xmlNodeSetContent(n, NULL);
		xmlNodeAddContent(n, (const xmlChar *)f->value);
		if (n->children == NULL && *f->value != '\0')
			return (oms_err_set(err, OMS_ENOMEM, NULL, 0,
			    "out of memory"));
	}
	return (0);
}

size_t
omsi_ffoms_link(char *buf, size_t reg, const char *idpac, size_t len)
{
	char num[24];
	size_t n = 0, k;

	do
		num[n++] = (char)('0' + reg % 10);
	while ((reg /= 10) > 0);
	for (k = 0; k < n; k++)
		buf[k] = num[n - 1 - k];
	buf[n++] = '\037';
	if (len > OMSI_FFOMS_LINK - 1 - n)
		len = OMSI_FFOMS_LINK - 1 - n;	/* as snprintf would cut it */
	memcpy(buf + n, idpac, len);
	n += len;
	buf[n] = '\0';
	return (n);
}

/* The schema of its kind and version, then the rule table. */
int
omsi_ffoms_check(struct exp *x, struct reg *r, int scope, xmlNodePtr rec,
    struct oms_err *err)
{
	struct ffreg *f = FFREG(r);
	struct omsi_rulectx rc;
	struct schema *s;
	char link[OMSI_FFOMS_LINK];
	const char *idpac;

	/* the schema of the registry's edition (ref/versions.tsv) */
	if ((s = get_schema(x, scope == OMSI_SCOPE_PERS ? f->pers_schema :
	    f->schema, err)) == NULL)
		return (-1);
	/*
	 * The acceptor says 1 only of a record libxml2 would find valid;
	 * of the others libxml2 is asked, and reports as ever.
	 */
	if (s->v != NULL && !omsi_xsdfast_accept(s->fast, rec) &&
	    xmlSchemaValidateOneElement(s->v, rec) != 0)
		x->cur_bad = 1;
	memset(&rc, 0, sizeof(rc));
	rc.kind = r->out.kind;
	rc.version = scope == OMSI_SCOPE_PERS ? f->pers_version :
	    r->out.version;
	rc.plat = r->out.payer;
	rc.reg = (int)(r - x->reg);
	rc.period_first = oms_period_first(x->o->period);
	rc.period_last = oms_period_last(x->o->period);
	rc.report = on_rule;
	rc.arg = x;
	/* a case and its person meet by registry and ID_PAC */
	idpac = omsi_path_text(rec, scope == OMSI_SCOPE_PERS ? "ID_PAC" :
	    "PACIENT/ID_PAC");
	if (idpac != NULL && *idpac != '\0') {
		omsi_ffoms_link(link, (size_t)(r - x->reg), idpac,
		    strlen(idpac));
		rc.link = link;
		rc.account = x->cur_account;
		rc.report_case = on_case_rule;
		rc.where = x->cur_doc;
		rc.kept_later = x->kq != NULL;
	}
	if (omsi_rules_check(x->rules, scope, rec, &rc, err) == -1)
		return (-1);
	/* the person rules of its cases: on the thread of x->kq */
	if (scope == OMSI_SCOPE_PERS && rc.kept_later &&
	    omsi_kq_put(x->kq, rec, &rc, err) == -1)
		return (-1);
	return (0);
}

/*
 * 1 for the bytes put_str copies as they are: ASCII but NUL, CR and the
 * specials of text (< > & "); the rest is omsi_cp1251_put's.
 */
static const unsigned char asis[256] = {
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1,	/* CR */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* " & */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,	/* < > */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
	/* 0x80 and up: 0 */
};

/*
 * A record being made into b: the writing goes through a local pointer,
 * b->len set only where b may grow or another function writes (the
 * stores through b->s and b->len at every step, which the compiler must
 * redo after each byte stored, were some 0.5 s of the 1M bench's main
 * thread).  r: 1 or -1 when the making stopped (put_node).
 */
struct put {
	struct oms_buf	*b;
	char		*lim;		/* b->s + b->cap - 1: the NUL's */
	struct oms_err	*err;
	int		 r;
	struct pnames	*pn;		/* or NULL */
};

/* o with room for n more bytes and the NUL: moved if b grew; NULL past
   b's max */
static char *
put_grow(struct put *p, char *o, size_t n)
{
	p->b->len = (size_t)(o - p->b->s);
	if (oms_buf_grow(p->b, n, p->err) == -1) {
		p->r = -1;
		return (NULL);
	}
	p->lim = p->b->s + p->b->cap - 1;
	return (p->b->s + p->b->len);
}

/* as omsi_buf_room: n < cap - len is n <= lim - o */
#define PUT_ROOM(p, o, n)	((size_t)((p)->lim - (o)) >= (n) ? (o) : \
				    put_grow((p), (o), (n)))

/*
 * s at o as omsi_cp1251_put(b, s, esc) appends it: the run of bytes
 * copied as they are here, in the room b has, and the rest by
 * omsi_cp1251_put.  Where it ends; NULL when that said 1 or -1 (p->r).
 */
static inline char *
put_str(struct put *p, char *o, const char *s, int esc)
{
	const unsigned char *q = (const unsigned char *)s;
	char *lim = p->lim;

	while (o < lim && asis[*q])
		*o++ = (char)*q++;
	if (*q == '\0')
		return (o);
	p->b->len = (size_t)(o - p->b->s);
	if ((p->r = omsi_cp1251_put(p->b, (const char *)q, esc, p->err)) != 0)
		return (NULL);
	p->lim = p->b->s + p->b->cap - 1;
	return (p->b->s + p->b->len);
}

/*
 * pn made the names of the dictionary of record n's document, before
 * the record is made: within it, a slot is only ever added (a name
 * copied from a slot at the start tag is there at the end tag).
 */
static void
pn_begin(struct pnames *pn, xmlNodePtr n)
{
	xmlDictPtr dict = n->doc != NULL ? n->doc->dict : NULL;

	if (dict == pn->dict)
		return;
	if (pn->dict != NULL)
		xmlDictFree(pn->dict);	/* our reference */
	memset(pn->key, 0, sizeof(pn->key));
	pn->n = 0;
	pn->dict = NULL;
	if (dict != NULL && xmlDictReference(dict) == 0)
		pn->dict = dict;
}

/*
 * The slot of n's name in pn, filled when new; -1 when it has none (a
 * document of another dictionary, a name not of it, no room left).
 */
static int
pn_slot(struct pnames *pn, xmlNodePtr n)
{
	const unsigned char *q = n->name;
	size_t k, len;

	if (pn->dict == NULL || n->doc == NULL || n->doc->dict != pn->dict)
		return (-1);
	k = (size_t)(((uintptr_t)q >> 3) * 0x9E3779B97F4A7C15ULL >> 32);
	for (k &= PN_SLOTS - 1; pn->key[k] != NULL; k = (k + 1) &
	    (PN_SLOTS - 1))
		if (pn->key[k] == q)
			return ((int)k);
	if (pn->n >= PN_SLOTS / 2 || xmlDictOwns(pn->dict, q) != 1)
		return (-1);
	/* plain: no byte put_str would turn (asis[0] is 0) */
	for (len = 0; len < PN_MAX && q[len] < 0x80 && asis[q[len]]; len++)
		;
	pn->key[k] = q;
	pn->len[k] = q[len] == '\0' ? (unsigned char)len : 0;
	memset(pn->text[k], 0, sizeof(pn->text[k]));
	if (pn->len[k] != 0)
		memcpy(pn->text[k], q, len);
	pn->n++;
	return ((int)k);
}

/*
 * n at depth d (a record is at depth 0) in windows-1251, at o, as the
 * text writer writes it through our handler with an indent of one space:
 * "<N>" and, with elements inside, a newline, each of them indented by
 * its depth, and "</N>" indented by d; else its text and CDATA escaped
 * and "</N>"; a newline after every end tag.  Comments, PIs and entity
 * references are skipped, as the writer skips them.  Where it ends; NULL
 * with p->r 1 when the text writer must write it (an element has
 * attributes or namespaces, or a character does not go straight into
 * windows-1251: see omsi_cp1251_put), -1 over b's max.
 */
static char *
put_el(struct put *p, xmlNodePtr n, size_t d, char *o)
{
	xmlNodePtr c;
	size_t at, namelen, i;
	const char *name = NULL;	/* pn's copy, PN_MAX bytes */
	int elems = 0, k;

	if (n->properties != NULL || n->nsDef != NULL) {
		p->r = 1;
		return (NULL);
	}
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			elems = 1;
			break;
		}
	if (p->pn != NULL && (k = pn_slot(p->pn, n)) != -1 &&
	    p->pn->len[k] != 0)
		name = p->pn->text[k];
	if ((o = PUT_ROOM(p, o, d + 1 + PN_MAX)) == NULL)
		return (NULL);
	for (i = 0; i < d; i++)		/* a few: no call of memset */
		*o++ = ' ';
	*o++ = '<';
	at = (size_t)(o - p->b->s);
	if (name != NULL) {
		memcpy(o, name, PN_MAX);
		o += (namelen = p->pn->len[k]);
	} else {
		if ((o = put_str(p, o, (const char *)n->name, 0)) == NULL)
			return (NULL);
		namelen = (size_t)(o - p->b->s) - at;
	}
	if ((o = PUT_ROOM(p, o, 2)) == NULL)
		return (NULL);
	*o++ = '>';
	if (elems)
		*o++ = '\n';
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if ((o = put_el(p, c, d + 1, o)) == NULL)
				return (NULL);
		} else if (!elems && (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL) {
			if ((o = put_str(p, o, (const char *)c->content,
			    1)) == NULL)
				return (NULL);
		}
	}
	if ((o = PUT_ROOM(p, o, (elems ? d : 0) + namelen + 4 + PN_MAX)) ==
	    NULL)
		return (NULL);
	if (elems)
		for (i = 0; i < d; i++)
			*o++ = ' ';
	*o++ = '<';
	*o++ = '/';
	if (name != NULL)
		memcpy(o, name, PN_MAX);	/* the room is there: what is
						   past the name, written over */
	else
		memcpy(o, p->b->s + at, namelen);
	o += namelen;
	*o++ = '>';
	*o++ = '\n';
	return (o);
}

/*
 * n at depth d appended to b (put_el): 0; 1 when the text writer must
 * write it; -1 over b's max.  b->len is where the making got to, which
 * only 0 makes the record's end.
 */
static int
put_node(struct oms_buf *b, xmlNodePtr n, size_t d, struct pnames *pn,
    struct oms_err *err)
{
	struct put p;
	char *o;

	if (omsi_buf_room(b, 0, err) == -1)	/* b->s allocated */
		return (-1);
	p.b = b;
	p.lim = b->s + b->cap - 1;
	p.err = err;
	p.r = 0;
	if ((p.pn = pn) != NULL)
		pn_begin(pn, n);
	if ((o = put_el(&p, n, d, b->s + b->len)) == NULL) {
		b->s[b->len] = '\0';
		return (p.r);
	}
	b->len = (size_t)(o - b->s);
	*o = '\0';
	return (0);
}

int
omsi_ffoms_put(struct oms_buf *b, xmlNodePtr n, struct oms_err *err)
{
	return (put_node(b, n, 0, NULL, err));
}

/* Write an element subtree through the text writer. */
static int
write_node(xmlTextWriterPtr w, xmlNodePtr n)
{
	xmlNodePtr c;
	xmlAttrPtr a;
	int elems = 0;

	if (xmlTextWriterStartElement(w, n->name) < 0)
		return (-1);
	for (a = n->properties; a != NULL; a = a->next) {
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		int r = xmlTextWriterWriteAttribute(w, a->name,
		    v ? v : (const xmlChar *)"");

		xmlFree(v);
		if (r < 0)
			return (-1);
	}
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			elems = 1;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (write_node(w, c) == -1)
				return (-1);
		} else if (!elems && (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL) {
			if (xmlTextWriterWriteString(w, c->content) < 0)
				return (-1);
		}
	}
	if (xmlTextWriterFullEndElement(w) < 0)
		return (-1);
	return (0);
}

/*
 * The body that writer w writes into, NULL when none: a registry's main
 * or persons writer (open_bodies).  The registries are few, and their
 * writers change from build to build: nothing is kept.
 */
static struct omsi_zbody *
body_of(const struct exp *x, xmlTextWriterPtr w)
{
	const struct ffreg *f;
	size_t i;

	for (i = 0; i < x->nreg; i++)
		if ((f = FFREG(&x->reg[i])) != NULL) {
			if (f->hw == w)
				return (f->hz);
			if (f->lw == w)
				return (f->lz);
		}
	return (NULL);
}

/*
 * Write a record (between records, the writer has no element open and
 * holds nothing): as one piece of windows-1251 made here (put_node),
 * straight into the writer's body past the writer; else, when put_node
 * cannot, by the text writer element by element, flushed to the body
 * (its own buffer, then the body's stream) so that the next piece follows
 * it.  The writer is told of a piece by a write of none, which leaves its
 * state as a raw write of the piece would.
 */
int
omsi_ffoms_write_node(struct exp *x, xmlTextWriterPtr w, xmlNodePtr n)
{
	struct schemas *ss;
	struct omsi_zbody *zb;
	struct oms_buf v;
	struct oms_err e;
	int r = 1;

	if ((zb = body_of(x, w)) != NULL && (ss = state(x)) != NULL) {
		oms_err_clear(&e);	/* not a memset of its 1 KiB a record */
		/*
		 * Straight into the body's buffer when it fits there (the
		 * copy from ss->out was some 0.3 s of the 1M bench's main
		 * thread); else through ss->out as before
		 */
		r = -1;
		if (omsi_zbody_view(zb, &v) == 0 &&
		    (r = put_node(&v, n, 0, &ss->pn, &e)) == 0) {
			if (xmlTextWriterWriteRawLen(w, (const xmlChar *)"",
			    0) < 0 || omsi_zbody_commit(zb, &v) == -1)
				return (-1);
			return (0);
		}
		/* 1: the writer's to write; -1: no view, or no room in it */
		if (r == -1) {
			oms_err_clear(&e);
			oms_buf_reset(&ss->out);
			if ((r = put_node(&ss->out, n, 0, &ss->pn, &e)) ==
			    -1)
				return (-1);
		}
	}
	if (r == 1) {
		if (write_node(w, n) == -1 || (zb != NULL &&
		    (xmlTextWriterFlush(w) < 0 ||
		    fflush(omsi_zbody_fp(zb)) == EOF)))
			return (-1);
		return (0);
	}
	if (xmlTextWriterWriteRawLen(w, (const xmlChar *)"", 0) < 0 ||
	    omsi_zbody_write(zb, ss->out.s, ss->out.len) == -1)
		return (-1);
	return (0);
}

int
omsi_ffoms_sel_pac(const struct exp *x, size_t i, size_t *next,
    const char **idpac, struct oms_err *err)
{
	const struct sel *s = &x->sel[i];
	const struct ffreg *f;

	*idpac = NULL;
	if (!s->seen || s->pac == SEL_PAC_NONE)
		return (0);
	if (s->pac == SEL_PAC_SRC) {
		*idpac = s->c->id_pac;
		return (0);
	}
	/* copy_case listed them in this order */
	f = FFREG(&x->reg[s->reg]);
	if (next[s->reg] >= f->nown || f->own[next[s->reg]].si != i)
		return (oms_err_set(err, OMS_EINTERNAL, NULL, 0, "account %s: "
		    "its ID_PAC was not kept", s->c->account));
	*idpac = f->own[next[s->reg]++].idpac;
	return (0);
}
