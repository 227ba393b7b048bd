/*
 * yar76_check.c -- what the yar76 writer checks against the template
 *
 * The public template of bill.xml requires four values the sender
 * chooses (body@telcreator, bill@date_2, @n_out, @date_in): they come
 * from oms.conf, and a bill is refused while one is unset.  Each account
 * is checked against xsd/yar76-VERSION.xsd (compiled once per export) as
 * the patient element it makes with yar76.group_patients = no, and the
 * bill's head (package, body, bill, account_sum) once its totals are
 * known.  docs/yar76-format.md says where each fact comes from.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yar76_int.h"

/* the values of bill.xml's head that oms.conf gives (yar76.KEY) */
static const char *const conf_required[] = {
	"telcreator", "date_2", "n_out", "date_in", NULL
};

static int
nomem(struct oms_err *err)
{
	return (oms_err_set(err, OMS_ENOMEM, NULL, 0, "out of memory"));
}

/* ------------------------------------------------------ from oms.conf */

/*
 * The value of bill.xml's yar76.KEY (conf_required) for registry r: the
 * dates the export knows by their names, the registry's number or name,
 * else what oms.conf says.  buf holds at least 32 bytes.
 */
static const char *
head_value(const struct exp *x, const struct reg *r, const char *key,
    char *buf)
{
	const char *v = oms_conf_own(&x->ws->conf, key);

	if (strcmp(key, "n_out") == 0) {
		if (strcmp(v, "package") == 0) {
			snprintf(buf, 32, "%d", r->out.package);
			return (buf);
		}
		return (strcmp(v, "name") == 0 ? r->out.name : v);
	}
	if (strcmp(key, "date_2") == 0 || strcmp(key, "date_in") == 0) {
		if (strcmp(v, "date") == 0)
			return (oms_date_fmt(x->o->date, buf));
		if (strcmp(v, "period-start") == 0)
			return (oms_date_fmt(oms_period_first(x->o->period),
			    buf));
		if (strcmp(v, "period-end") == 0)
			return (oms_date_fmt(oms_period_last(x->o->period),
			    buf));
	}
	return (v);
}

/* Every value of conf_required is set in oms.conf, or an error names them. */
int
omsi_yar76_configured(const struct oms_conf *c, struct oms_err *err)
{
	char keys[160], attrs[160];
	size_t i, n = 0, kl = 0, al = 0;

	keys[0] = attrs[0] = '\0';
	for (i = 0; conf_required[i] != NULL; i++) {
		if (*oms_conf_own(c, conf_required[i]) != '\0')
			continue;
		kl += (size_t)snprintf(keys + kl, sizeof(keys) - kl,
		    "%syar76.%s", n ? ", " : "", conf_required[i]);
		al += (size_t)snprintf(attrs + al, sizeof(attrs) - al,
		    "%s%s@%s", n ? ", " : "", strcmp(conf_required[i],
		    "telcreator") == 0 ? "body" : "bill", conf_required[i]);
		n++;
	}
	if (n == 0)
		return (0);
	return (oms_err_set(err, OMS_EDATA, c->path, 0, "%s %s not set: the "
	    "Yaroslavl template requires %s in every bill.xml and only the "
	    "МО can say what %s; set %s in oms.conf (see oms.conf(5))", keys,
	    n > 1 ? "are" : "is", attrs, n > 1 ? "they are" : "it is",
	    n > 1 ? "them" : "it"));
}

/* ---------------------------------------------------------- the head */

static void
head_add(struct head *h, const char *name, const char *value)
{
	if (value == NULL || *value == '\0')
		return;		/* the template omits empty attributes */
	h->name[h->n] = name;
	h->value[h->n++] = value;
}

/* The attributes of body (bill 0) or of bill (bill 1), in template order. */
void
omsi_yar76_head(struct exp *x, const struct reg *r, int bill, struct head *h)
{
	const struct oms_conf *c = &x->ws->conf;
	const struct oms_srcdoc *d;
	const char *smo;
	size_t i;

	h->n = 0;
	if (!bill) {
		snprintf(h->buf[0], sizeof(h->buf[0]), "%04d",
		    x->o->period / 12);
		snprintf(h->buf[1], sizeof(h->buf[1]), "%02d",
		    x->o->period % 12 + 1);
		head_add(h, "version", oms_conf_own(c, "version"));
		head_add(h, "protocol", "Reestr");
		head_add(h, "creator", oms_conf_own(c, "creator"));
		head_add(h, "telcreator", head_value(x, r, "telcreator",
		    h->buf[2]));
		head_add(h, "ogrn_mo", c->ogrn);
		head_add(h, "kpp_mo", c->kpp);
		head_add(h, "year", h->buf[0]);
		head_add(h, "month", h->buf[1]);
		head_add(h, "date_1", oms_date_fmt(x->o->date, h->buf[3]));
		return;
	}
	head_add(h, "t_opl", oms_conf_own(c, "t_opl"));
	/* the addressee: oms.conf, else what the MIS's bill said */
	smo = oms_conf_own(c, "tfoms_ogrn");
	for (i = 0; *smo == '\0' && i < x->nsel; i++)
		if (!x->sel[i].bad) {
			d = oms_src_doc(x->src, (size_t)x->sel[i].c->doc);
			smo = d->ogrn_smo;
		}
	head_add(h, "ogrn_smo", smo);
	head_add(h, "date_2", head_value(x, r, "date_2", h->buf[0]));
	head_add(h, "n_out", head_value(x, r, "n_out", h->buf[1]));
	head_add(h, "date_in", head_value(x, r, "date_in", h->buf[2]));
}

/* -------------------------------------------------------- the schema */

/* Put '(hidden)' for 'value' in msg, the value of a personal attribute. */
static void
hide(char *msg, size_t len, const char *value)
{
	const char *h = "'(hidden)'";
	char q[256], *p;
	size_t ql, hl = strlen(h), rest;

	if (snprintf(q, sizeof(q), "'%s'", value) >= (int)sizeof(q))
		return;
	ql = strlen(q);
	for (p = msg; (p = strstr(p, q)) != NULL; p += hl) {
		rest = strlen(p + ql);
		if ((size_t)(p - msg) + hl + rest + 1 > len)
			break;
		memmove(p + hl, p + ql, rest + 1);
		memcpy(p, h, hl);
	}
}

/*
 * libxml2 quotes the value it refuses; the values of a patient's own
 * attributes (surname, ss, polisnum ...) must not reach a message.
 */
static void
hide_personal(char *msg, size_t len, xmlNodePtr n)
{
	xmlAttrPtr a;
	const char *v;

	if (n != NULL && n->type == XML_ATTRIBUTE_NODE)
		n = n->parent;
	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return;
	for (a = n->properties; a != NULL; a = a->next)
		if (omsi_personal((const char *)a->name) &&
		    (v = omsi_attr(n, (const char *)a->name)) != NULL &&
		    *v != '\0')
			hide(msg, len, v);
}

/*
 * The line in source/ of the copy n (or of its element): the copies keep
 * their originals in _private, whose lines are right past 65535 too.
 */
static unsigned long
source_line(void *node, unsigned long dflt)
{
	xmlNodePtr n = node;

	if (n != NULL && n->type == XML_ATTRIBUTE_NODE)
		n = n->parent;
	for (; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (n->_private != NULL)
			return (omsi_line(n->_private));
	return (dflt);
}

static void
on_xsd_error(void *arg, omsi_xml_error e)
{
	struct exp *x = arg;
	struct yar_exp *ye = YEXP(x);
	char msg[400];		/* as large as ye->hmsg */
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "invalid");
	hide_personal(msg, sizeof(msg), e->node);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	x->cur_bad = 1;
	if (ye->head) {
		if (ye->hmsg[0] == '\0')
			memcpy(ye->hmsg, msg, sizeof(ye->hmsg));
		return;
	}
	omsi_exp_problem(x, x->cur_doc, source_line(e->node, ye->line), 0,
	    "account %s: xsd: %s", x->cur_account, msg);
}

/* xsd/yar76-VERSION.xsd, compiled once per export; its absence an error */
int
omsi_yar76_load_schema(struct exp *x, const struct reg *r, struct oms_err *err)
{
	struct yar_exp *ye = YEXP(x);
	char file[64];

	snprintf(file, sizeof(file), "yar76-%s.xsd", r->out.version);
	if ((ye->xsd = oms_ws_find(x->ws, "xsd", file, x->o->xsddir)) == NULL)
		return (nomem(err));
	if (access(ye->xsd, R_OK) == -1)
		return (oms_err_sys(err, errno, ye->xsd, "no schema for bill.xml "
		    "version %s (yar76.version), so no bill can be checked or "
		    "written; install %s, or set yar76.version in oms.conf to "
		    "a version xsd/ has", r->out.version, file));
	/* no network, nothing outside its directory, no raw stderr */
	if ((ye->schema = omsi_schema_compile(ye->xsd, err)) == NULL)
		return (-1);
	if ((ye->vctx = xmlSchemaNewValidCtxt(ye->schema)) == NULL)
		return (nomem(err));
	xmlSchemaSetValidStructuredErrors(ye->vctx, on_xsd_error, x);
	return (0);
}

/* Each element of copy c points at its original n (_private). */
static void
link_orig(xmlNodePtr c, xmlNodePtr n)
{
	xmlNodePtr cc, nc;

	c->_private = n;
	for (cc = c->children, nc = n->children; cc != NULL && nc != NULL;
	    cc = cc->next, nc = nc->next)
		if (cc->type == XML_ELEMENT_NODE)
			link_orig(cc, nc);
}

/* A copy of the subtree n in doc, under parent, linked to n. */
static int
add_copy(xmlNodePtr parent, xmlNodePtr n, xmlDocPtr doc)
{
	xmlNodePtr c;

	if ((c = xmlDocCopyNode(n, doc, 1)) == NULL)
		return (-1);
	if (xmlAddChild(parent, c) == NULL) {
		xmlFreeNode(c);
		return (-1);
	}
	link_orig(c, n);
	return (0);
}

/*
 * Check account s against the schema as the patient element it makes on
 * its own: pat's attributes and its children but the accounts, and
 * register_accounts with pa as written (n_pp, x_key2, no smo).  1 when it
 * does not match (reported); the first that does is kept for the head.
 */
int
omsi_yar76_check(struct exp *x, struct omsi_yar *y, const struct sel *s,
    xmlNodePtr pat, xmlNodePtr pa, struct oms_err *err)
{
	struct yar_exp *ye = YEXP(x);
	xmlNodePtr p, c, ra, a, next;
	const char *acc = omsi_attr(pa, x->ws->conf.account_key);
	int rc;

	if ((p = xmlDocCopyNode(pat, y->cdoc, 2)) == NULL)
		return (nomem(err));
	p->_private = pat;
	for (c = pat->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "register_accounts") != 0 &&
		    strcmp((const char *)c->name, "an_p") != 0 &&
		    add_copy(p, c, y->cdoc) == -1)
			goto nomem;
	if ((ra = xmlNewDocNode(y->cdoc, NULL, (const xmlChar *)
	    "register_accounts", NULL)) == NULL)
		goto nomem;
	if (xmlAddChild(p, ra) == NULL) {
		xmlFreeNode(ra);
		goto nomem;
	}
	ra->_private = pa;
	if (add_copy(ra, pa, y->cdoc) == -1)
		goto nomem;
	a = ra->children;
	for (c = a->children; c != NULL; c = next) {
		next = c->next;
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "smo") == 0) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
	/* the number is given when the bill is written: 1 .. N */
	if (xmlSetProp(a, (const xmlChar *)"n_pp", (const xmlChar *)"1") ==
	    NULL || (s->pr_nov && acc != NULL && xmlHasProp(pa,
	    (const xmlChar *)"x_key2") == NULL && xmlSetProp(a,
	    (const xmlChar *)"x_key2", (const xmlChar *)acc) == NULL))
		goto nomem;
	ye->line = omsi_line(pa);
	x->cur_bad = 0;
	if ((rc = xmlSchemaValidateOneElement(ye->vctx, p)) != 0) {
		if (!x->cur_bad)
			omsi_exp_problem(x, x->cur_doc, ye->line, 0, "account "
			    "%s: xsd: libxml2 could not check it (%d)",
			    s->c->account, rc);
		xmlFreeNode(p);
		return (1);
	}
	if (y->first == NULL)
		y->first = p;
	else
		xmlFreeNode(p);
	return (0);
nomem:
	xmlFreeNode(p);
	return (nomem(err));
}

/* what to do about the head's attribute msg names: the key giving it */
static const char *
head_hint(const char *msg)
{
	static const char *const map[][2] = {
		{ "version", "check yar76.version in oms.conf" },
		{ "creator", "check yar76.creator in oms.conf" },
		{ "telcreator", "check yar76.telcreator in oms.conf" },
		{ "ogrn_mo", "check ogrn in oms.conf" },
		{ "kpp_mo", "check kpp in oms.conf" },
		{ "t_opl", "check yar76.t_opl in oms.conf" },
		{ "ogrn_smo", "set yar76.tfoms_ogrn, the fund's OGRN, in oms.conf "
		    "(without it the MIS's bill@ogrn_smo is used)" },
		{ "date_2", "check yar76.date_2 in oms.conf" },
		{ "n_out", "check yar76.n_out in oms.conf" },
		{ "date_in", "check yar76.date_in in oms.conf" }
	};
	const char *p = strstr(msg, "attribute '");
	size_t i, n;

	if (p == NULL)
		return ("check the yar76.* keys in oms.conf");
	p += strlen("attribute '");
	n = strcspn(p, "'");
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i][0]) == n && strncmp(p, map[i][0], n) == 0)
			return (map[i][1]);
	return ("check the yar76.* keys in oms.conf");
}

/*
 * The head of bill.xml (package, body, bill, account_sum, patients with
 * the first account checked) against the schema, once the totals are
 * known.  Its values come from oms.conf: a problem is an error of it.
 */
int
omsi_yar76_check_head(struct exp *x, struct omsi_yar *y, struct oms_err *err)
{
	struct yar_exp *ye = YEXP(x);
	const struct reg *r = &x->reg[0];
	struct head h;
	xmlNodePtr pkg, bill, n, t, e;
	char sl[32], sm[32];
	const char *file;
	size_t i;
	int rc, which;

	if (y->first == NULL)
		return (0);	/* no account: no bill */
	if ((pkg = xmlNewDocNode(y->cdoc, NULL, (const xmlChar *)"package",
	    NULL)) == NULL)
		return (nomem(err));
	xmlDocSetRootElement(y->cdoc, pkg);
	n = pkg;
	for (which = 0; which < 2; which++) {
		if ((n = xmlNewChild(n, NULL, (const xmlChar *)(which ?
		    "bill" : "body"), NULL)) == NULL)
			return (nomem(err));
		omsi_yar76_head(x, r, which, &h);
		for (i = 0; i < h.n; i++)
			if (xmlNewProp(n, (const xmlChar *)h.name[i],
			    (const xmlChar *)h.value[i]) == NULL)
				return (nomem(err));
	}
	bill = n;
	if ((n = xmlNewChild(bill, NULL, (const xmlChar *)"account_sum",
	    NULL)) == NULL || (t = xmlNewChild(n, NULL, (const xmlChar *)
	    "account_elem_t", NULL)) == NULL)
		return (nomem(err));
	for (i = 0; i < y->ntypes; i++)
		if ((e = xmlNewChild(t, NULL, (const xmlChar *)"account_elem",
		    NULL)) == NULL || xmlNewProp(e, (const xmlChar *)"type_acc",
		    (const xmlChar *)y->types[i].type) == NULL ||
		    xmlNewProp(e, (const xmlChar *)"amountl", (const xmlChar *)
		    oms_money_fmt(y->types[i].suml, sl)) == NULL ||
		    xmlNewProp(e, (const xmlChar *)"amount", (const xmlChar *)
		    oms_money_fmt(y->types[i].sum, sm)) == NULL)
			return (nomem(err));
	if ((n = xmlNewChild(bill, NULL, (const xmlChar *)"patients", NULL)) ==
	    NULL || xmlAddChild(n, y->first) == NULL)
		return (nomem(err));
	y->first = NULL;	/* the document's now */
	ye->head = 1;
	ye->hmsg[0] = '\0';
	rc = xmlSchemaValidateDoc(ye->vctx, y->cdoc);
	ye->head = 0;
	if (rc == 0)
		return (0);
	file = strrchr(ye->xsd, '/') != NULL ? strrchr(ye->xsd, '/') + 1 :
	    ye->xsd;
	if ((i = strlen(ye->hmsg)) > 0 && ye->hmsg[i - 1] == '.')
		ye->hmsg[i - 1] = '\0';
	return (oms_err_set(err, OMS_ESCHEMA, x->ws->conf.path, 0, "bill.xml "
	    "would not match %s: %s; %s", file, ye->hmsg[0] ? ye->hmsg :
	    "libxml2 could not check it", head_hint(ye->hmsg)));
}

void
omsi_yar76_schema_free(struct yar_exp *ye)
{
	if (ye->vctx != NULL)
		xmlSchemaFreeValidCtxt(ye->vctx);
	if (ye->schema != NULL)
		xmlSchemaFree(ye->schema);
	free(ye->xsd);
	ye->vctx = NULL;
	ye->schema = NULL;
	ye->xsd = NULL;
}
